/* CVE-2019-5736: a container must not be able to write the berth binary
 * through /proc/PID/exe (e.g. by exec'ing "#!/proc/self/exe" and reopening
 * the file once berth is gone). Commands that put processes into a
 * container re-exec themselves once from a sealed memfd copy: from then
 * on /proc/self/exe is that copy, which nobody can write. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

int protect_binary(char **argv, err_t *err)
{
    cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (exe < 0 || fstat(exe, &st) < 0)
        return make_err(err, errno, "open /proc/self/exe");
    int seals = fcntl(exe, F_GET_SEALS);
    if (seals >= 0 && (seals & SEALS) == SEALS)
        return 0; /* already running from the sealed copy */
    /* Close-on-exec is fine: the kernel has mapped an ELF binary before
     * it closes the fd (only a script would need it left open). */
    cleanup_close int copy = memfd_create("berth", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    if (copy < 0)
        return make_err(err, errno, "memfd_create");
    for (off_t left = st.st_size; left > 0;) {
        ssize_t n = sendfile(copy, exe, NULL, (size_t) left);
        if (n <= 0)
            return make_err(err, n < 0 ? errno : EIO, "copy the berth binary");
        left -= n;
    }
    if (fcntl(copy, F_ADD_SEALS, SEALS) < 0)
        return make_err(err, errno, "seal the copy of the berth binary");
    fexecve(copy, argv, environ);
    return make_err(err, errno, "re-exec berth from its sealed copy");
}
