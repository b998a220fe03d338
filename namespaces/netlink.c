#include "namespaces.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void close_mnl(struct mnl_socket **nl)
{
    if (*nl)
        mnl_socket_close(*nl);
}

/* RTM_NEWLINK on lo (always ifindex 1 in a new network namespace). */
int net_loopback_up(err_t *err)
{
    __attribute__((cleanup(close_mnl))) struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
        return make_err(err, errno, "netlink socket");
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    unsigned int seq = (unsigned int) time(NULL);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = seq;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = 1;
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
        return make_err(err, errno, "bring lo up: send");
    ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
    if (n < 0 || mnl_cb_run(buf, (size_t) n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
        return make_err(err, errno, "bring lo up");
    return 0;
}
