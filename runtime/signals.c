#include "runtime.h"

#include <signal.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int signal;
} signals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM},   {"BUS", SIGBUS},   {"CHLD", SIGCHLD}, {"CONT", SIGCONT},
    {"FPE", SIGFPE},   {"HUP", SIGHUP},     {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},
    {"IOT", SIGIOT},   {"KILL", SIGKILL},   {"PIPE", SIGPIPE}, {"POLL", SIGPOLL}, {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT},   {"SEGV", SIGSEGV}, {"STKFLT", SIGSTKFLT}, {"STOP", SIGSTOP},
    {"SYS", SIGSYS},   {"TERM", SIGTERM},   {"TRAP", SIGTRAP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM},
    {"WINCH", SIGWINCH}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

int signal_parse(const char *name, int *signal, err_t *err)
{
    uint64_t number;
    if (parse_u64(name, &number)) {
        if (number == 0 || number >= (uint64_t) NSIG)
            return make_err(err, 0, "invalid signal \"%s\"", name);
        *signal = (int) number;
        return 0;
    }
    const char *bare = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
    for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
        if (strcasecmp(bare, signals[i].name) == 0) {
            *signal = signals[i].signal;
            return 0;
        }
    }
    if (strncasecmp(bare, "RTMIN", 5) == 0 || strncasecmp(bare, "RTMAX", 5) == 0) {
        int64_t offset = 0;
        if (bare[5] == '\0' || parse_i64(bare + 5, &offset)) {
            int s = (strncasecmp(bare, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX) + (int) offset;
            if (s >= SIGRTMIN && s <= SIGRTMAX)
                return *signal = s, 0;
        }
    }
    return make_err(err, 0, "unknown signal \"%s\"", name);
}
