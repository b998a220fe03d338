/* v1-style OCI values → cgroup v2 values, with the formulas runc and crun
 * use so that a config means the same under every runtime. */
#include "internal.h"

#include <string.h>

#define SHARES_MIN 2
#define SHARES_MAX 262144

/* [2, 262144] → [1, 10000]; out-of-range shares are clamped first, as the
 * v1 kernel clamps cpu.shares. 0 means unset. */
uint64_t cg_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < SHARES_MIN)
        shares = SHARES_MIN;
    if (shares > SHARES_MAX)
        shares = SHARES_MAX;
    return 1 + ((shares - SHARES_MIN) * 9999) / (SHARES_MAX - SHARES_MIN);
}

/* blkio weight [10, 1000] → io.weight [1, 10000]. 0 means unset. */
uint64_t cg_blkio_weight_to_io(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight < 10)
        weight = 10;
    return 1 + (weight - 10) * 9999 / 990;
}

char *cg_limit_str(int64_t v)
{
    return v == -1 ? xstrdup("max") : xasprintf("%lld", (long long) v);
}

/* OCI swap is memory+swap (the v1 memsw limit); v2's memory.swap.max is
 * swap alone, so it is swap - limit (runc's ConvertMemorySwapToCgroupV2Value):
 *   swap -1              → max
 *   swap unset or 0      → leave it, except memory -1 also lifts swap (max)
 *   limit -1, swap N     → N (no memory limit to subtract)
 *   limit L, swap S >= L → S - L
 *   no limit, or S < L   → error */
int cg_swap_max(const struct oci_memory *m, char **value, const char **problem)
{
    int64_t limit = m->has_limit ? m->limit : 0;
    int64_t swap = m->has_swap ? m->swap : 0;
    *value = NULL;
    *problem = NULL;
    if (swap == 0) {
        if (limit == -1)
            *value = xstrdup("max");
        return 0;
    }
    if (swap == -1) {
        *value = xstrdup("max");
        return 0;
    }
    if (swap < -1) {
        *problem = "must be -1 or a number of bytes";
        return -1;
    }
    if (limit == -1) {
        *value = xasprintf("%lld", (long long) swap);
        return 0;
    }
    if (limit == 0) {
        *problem = "a swap limit needs linux.resources.memory.limit";
        return -1;
    }
    if (swap < limit) {
        *problem = "memory+swap must be at least linux.resources.memory.limit";
        return -1;
    }
    *value = xasprintf("%lld", (long long) (swap - limit));
    return 0;
}
