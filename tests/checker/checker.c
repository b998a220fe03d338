/* checker: runs inside test containers and prints what the process sees,
 * one fact per command, so bats tests can assert exact values.
 *   checker id | cwd | umask | nnp | fds | oom | hostname | domainname
 *   checker rlimit NAME | caps | env NAME | personality | sched | ioprio
 *   checker write PATH | read PATH | mkdir PATH | mount | stat PATH
 *   checker exit N | sleep SECONDS | timens
 *   checker ids | pid | status PREFIX | statvfs PATH | exec PATH [ARGS...] | fork N
 *   checker tty | waitsig */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what)
{
    printf("%s: %s\n", what, strerror(errno));
    return 1;
}

static int rlimit_of(const char *name)
{
    static const struct { const char *name; int resource; } table[] = {
        {"CORE", RLIMIT_CORE}, {"CPU", RLIMIT_CPU}, {"NOFILE", RLIMIT_NOFILE}, {"NPROC", RLIMIT_NPROC},
        {"STACK", RLIMIT_STACK}, {"AS", RLIMIT_AS}, {"MEMLOCK", RLIMIT_MEMLOCK}, {"MSGQUEUE", RLIMIT_MSGQUEUE},
        {"NICE", RLIMIT_NICE}, {"RTPRIO", RLIMIT_RTPRIO}, {"FSIZE", RLIMIT_FSIZE}, {"DATA", RLIMIT_DATA},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].resource;
    return -1;
}

static void print_status_lines(const char *prefix)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            fputs(line, stdout);
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : "";
    if (strcmp(cmd, "id") == 0) {
        gid_t groups[64];
        int n = getgroups(64, groups);
        printf("uid=%u gid=%u groups=", getuid(), getgid());
        for (int i = 0; i < n; i++)
            printf(i ? ",%u" : "%u", groups[i]);
        printf("\n");
    } else if (strcmp(cmd, "cwd") == 0) {
        char buf[4096];
        if (getcwd(buf, sizeof(buf)) == NULL)
            return fail("getcwd");
        puts(buf);
    } else if (strcmp(cmd, "umask") == 0) {
        mode_t m = umask(0);
        printf("%04o\n", m);
    } else if (strcmp(cmd, "nnp") == 0) {
        printf("%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    } else if (strcmp(cmd, "fds") == 0) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;
        int self = d ? dirfd(d) : -1, first = 1;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || atoi(de->d_name) == self)
                continue;
            printf(first ? "%s" : " %s", de->d_name);
            first = 0;
        }
        printf("\n");
    } else if (strcmp(cmd, "oom") == 0) {
        char buf[32] = "";
        int fd = open("/proc/self/oom_score_adj", O_RDONLY);
        if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
            return fail("oom_score_adj");
        fputs(buf, stdout);
    } else if (strcmp(cmd, "hostname") == 0 || strcmp(cmd, "domainname") == 0) {
        struct utsname u;
        uname(&u);
        puts(strcmp(cmd, "hostname") == 0 ? u.nodename : u.domainname);
    } else if (strcmp(cmd, "rlimit") == 0) {
        struct rlimit r;
        int res = rlimit_of(arg);
        if (res < 0 || getrlimit(res, &r) < 0)
            return fail("getrlimit");
        printf("%llu %llu\n", (unsigned long long) r.rlim_cur, (unsigned long long) r.rlim_max);
    } else if (strcmp(cmd, "caps") == 0) {
        print_status_lines("Cap");
    } else if (strcmp(cmd, "env") == 0) {
        const char *v = getenv(arg);
        puts(v ? v : "(unset)");
    } else if (strcmp(cmd, "personality") == 0) {
        struct utsname u;
        uname(&u);
        printf("%s\n", u.machine);
    } else if (strcmp(cmd, "sched") == 0) {
        printf("policy=%d nice=%d\n", sched_getscheduler(0), getpriority(PRIO_PROCESS, 0));
    } else if (strcmp(cmd, "ioprio") == 0) {
        long v = syscall(SYS_ioprio_get, 1, 0);
        printf("class=%ld prio=%ld\n", v >> 13, v & 0xff);
    } else if (strcmp(cmd, "write") == 0) {
        int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, "x", 1) != 1)
            return fail("write");
        puts("ok");
    } else if (strcmp(cmd, "read") == 0) {
        char buf[4096];
        int fd = open(arg, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
            return fail("read");
        printf("ok %zd\n", n);
    } else if (strcmp(cmd, "mkdir") == 0) {
        if (mkdir(arg, 0755) < 0)
            return fail("mkdir");
        puts("ok");
    } else if (strcmp(cmd, "mount") == 0) {
        if (mount("tmpfs", arg[0] ? arg : "/tmp", "tmpfs", 0, NULL) < 0)
            return fail("mount");
        puts("ok");
    } else if (strcmp(cmd, "stat") == 0) {
        struct stat st;
        if (lstat(arg, &st) < 0)
            return fail("stat");
        printf("mode=%o uid=%u gid=%u rdev=%u:%u\n", st.st_mode, st.st_uid, st.st_gid, major(st.st_rdev),
               minor(st.st_rdev));
    } else if (strcmp(cmd, "timens") == 0) {
        struct timespec mono, boot;
        clock_gettime(CLOCK_MONOTONIC, &mono);
        clock_gettime(CLOCK_BOOTTIME, &boot);
        printf("monotonic=%lld boottime=%lld\n", (long long) mono.tv_sec, (long long) boot.tv_sec);
    } else if (strcmp(cmd, "ids") == 0) {
        uid_t ruid, euid, suid;
        gid_t rgid, egid, sgid;
        getresuid(&ruid, &euid, &suid);
        getresgid(&rgid, &egid, &sgid);
        printf("ruid=%u euid=%u suid=%u rgid=%u egid=%u sgid=%u\n", ruid, euid, suid, rgid, egid, sgid);
    } else if (strcmp(cmd, "pid") == 0) {
        printf("pid=%d ppid=%d\n", (int) getpid(), (int) getppid());
    } else if (strcmp(cmd, "status") == 0) {
        print_status_lines(arg);
    } else if (strcmp(cmd, "statvfs") == 0) {
        static const struct { unsigned long flag; const char *name; } flags[] = {
            {ST_RDONLY, "ro"}, {ST_NOSUID, "nosuid"}, {ST_NODEV, "nodev"}, {ST_NOEXEC, "noexec"},
            {ST_NOATIME, "noatime"}, {ST_NODIRATIME, "nodiratime"}, {ST_RELATIME, "relatime"},
        };
        struct statvfs sv;
        int first = 1;
        if (statvfs(arg, &sv) < 0)
            return fail("statvfs");
        if (!(sv.f_flag & ST_RDONLY)) {
            printf("rw");
            first = 0;
        }
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
            if (sv.f_flag & flags[i].flag) {
                printf(first ? "%s" : ",%s", flags[i].name);
                first = 0;
            }
        printf("\n");
    } else if (strcmp(cmd, "exec") == 0) {
        execv(arg, argv + 2);
        return fail("exec");
    } else if (strcmp(cmd, "fork") == 0) {
        /* how many children fit (pids limit): each waits until killed */
        int n = atoi(arg), forked = 0, err = 0;
        pid_t kids[1024];
        for (int i = 0; i < n && i < 1024; i++) {
            pid_t p = fork();
            if (p == 0) {
                pause();
                _exit(0);
            }
            if (p < 0) {
                err = errno;
                break;
            }
            kids[forked++] = p;
        }
        for (int i = 0; i < forked; i++)
            kill(kids[i], SIGKILL);
        while (wait(NULL) > 0)
            ;
        printf("forked=%d%s%s\n", forked, err ? " error=" : "", err ? strerror(err) : "");
    } else if (strcmp(cmd, "initmodule") == 0) {
        /* The capability check comes first: EPERM without CAP_SYS_MODULE. */
        if (syscall(SYS_init_module, NULL, 0, "") < 0)
            return fail("init_module");
        puts("ok");
    } else if (strcmp(cmd, "ptrace") == 0) {
        if (ptrace(PTRACE_ATTACH, atoi(arg), NULL, NULL) < 0)
            return fail("ptrace");
        puts("ok");
    } else if (strcmp(cmd, "seals") == 0) {
        int fd = open(arg, O_RDONLY);
        int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
        if (seals < 0)
            return fail("seals");
        printf("write=%d grow=%d shrink=%d seal=%d\n", !!(seals & F_SEAL_WRITE), !!(seals & F_SEAL_GROW),
               !!(seals & F_SEAL_SHRINK), !!(seals & F_SEAL_SEAL));
    } else if (strcmp(cmd, "tty") == 0) {
        /* fd 0 as a terminal: its name, its size (also 0x0, which stty
         * refuses to print), and whether it is our controlling terminal */
        struct winsize ws = {0};
        const char *name = ttyname(STDIN_FILENO);
        if (!isatty(STDIN_FILENO)) {
            puts("isatty=0");
            return 0;
        }
        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
            return fail("TIOCGWINSZ");
        printf("isatty=1 name=%s rows=%u cols=%u ctty=%d\n", name ? name : "?", ws.ws_row, ws.ws_col,
               tcgetsid(STDIN_FILENO) == getsid(0));
    } else if (strcmp(cmd, "waitsig") == 0) {
        /* prints "ready", then the name of the first signal that comes */
        sigset_t all;
        int sig = 0;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        puts("ready");
        fflush(stdout);
        if (sigwait(&all, &sig) != 0)
            return fail("sigwait");
        printf("signal=%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    } else if (strcmp(cmd, "exit") == 0) {
        return atoi(arg);
    } else if (strcmp(cmd, "sleep") == 0) {
        sleep((unsigned) atoi(arg));
    } else {
        fprintf(stderr, "checker: unknown command \"%s\"\n", cmd);
        return 2;
    }
    return 0;
}
