#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Nothing here but releasing the waiting process: one byte into its fifo. */
int container_start(const struct runtime_ctx *ctx, const char *id, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_open(ctx, id, true, &dir, &state, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    if (status != STATUS_CREATED)
        return make_err(err, 0, "cannot start container %s: it is %s, not created", id, container_status_names[status]);
    cleanup_close int fifo = openat(dir.fd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo < 0)
        return make_err(err, errno == ENXIO ? ESRCH : errno, "start container %s", id);
    if (write(fifo, "0", 1) != 1)
        return make_err(err, errno, "start container %s", id);
    if (unlinkat(dir.fd, EXEC_FIFO, 0) < 0)
        return make_err(err, errno, "remove the exec fifo of %s", id);
    return 0;
}
