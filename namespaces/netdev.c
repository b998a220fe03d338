/* linux.netDevices (runtime-spec 1.3): host interfaces moved into the
 * container's network namespace, renamed, with their permanent global
 * addresses, and up; moved back on delete. All over netlink with libmnl. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ADDRS 32
#define LINKS_MAX 256

struct nl {
    struct mnl_socket *sock;
    unsigned int seq;
    unsigned int portid;
};

struct addr {
    unsigned char family, prefixlen, scope;
    unsigned int flags;
    unsigned char data[16];
};

struct addr_list {
    int ifindex;
    struct addr addrs[MAX_ADDRS];
    size_t len;
};

struct link_list {
    int index[LINKS_MAX];
    char name[LINKS_MAX][IFNAMSIZ];
    size_t len;
};

static int nl_open(struct nl *nl, err_t *err)
{
    nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (nl->sock == NULL || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
        return make_err(err, errno, "netlink socket");
    nl->seq = (unsigned int) time(NULL);
    nl->portid = mnl_socket_get_portid(nl->sock);
    return 0;
}

static void nl_close(struct nl *nl)
{
    if (nl->sock)
        mnl_socket_close(nl->sock);
    nl->sock = NULL;
}

/* Sends one request and runs cb over every answer until the ack or the end
 * of a dump. */
static int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
    req->nlmsg_seq = ++nl->seq;
    if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
        return -1;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    int r;
    do {
        ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
        if (n < 0)
            return -1;
        r = mnl_cb_run(buf, (size_t) n, nl->seq, nl->portid, cb, data);
    } while (r > 0);
    return r;
}

static struct nlmsghdr *link_request(char *buf, int type, int flags, int ifindex)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = (unsigned short) type;
    nlh->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | flags);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    return nlh;
}

static int collect_link(const struct nlmsghdr *nlh, void *data)
{
    struct link_list *links = data;
    struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
    struct nlattr *attr;
    mnl_attr_for_each(attr, nlh, sizeof(*ifm)) {
        if (mnl_attr_get_type(attr) == IFLA_IFNAME && links->len < LINKS_MAX) {
            links->index[links->len] = ifm->ifi_index;
            snprintf(links->name[links->len], IFNAMSIZ, "%s", mnl_attr_get_str(attr));
            links->len++;
        }
    }
    return MNL_CB_OK;
}

static int list_links(struct nl *nl, struct link_list *links, err_t *err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    links->len = 0;
    if (nl_talk(nl, link_request(buf, RTM_GETLINK, NLM_F_DUMP, 0), collect_link, links) < 0)
        return make_err(err, errno, "list network interfaces");
    return 0;
}

static int find_link(const struct link_list *links, const char *name)
{
    for (size_t i = 0; i < links->len; i++)
        if (strcmp(links->name[i], name) == 0)
            return links->index[i];
    return 0;
}

static int collect_addr(const struct nlmsghdr *nlh, void *data)
{
    struct addr_list *list = data;
    struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    if ((int) ifa->ifa_index != list->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE || list->len == MAX_ADDRS)
        return MNL_CB_OK;
    struct addr a = {.family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen, .scope = ifa->ifa_scope,
                     .flags = ifa->ifa_flags};
    bool have = false;
    struct nlattr *attr;
    mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
        int type = mnl_attr_get_type(attr);
        if (type == IFA_FLAGS)
            a.flags = mnl_attr_get_u32(attr);
        if ((type == IFA_LOCAL || (type == IFA_ADDRESS && !have)) && mnl_attr_get_payload_len(attr) <= 16) {
            memcpy(a.data, mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));
            have = true;
        }
    }
    if (have && (a.flags & IFA_F_PERMANENT))
        list->addrs[list->len++] = a;
    return MNL_CB_OK;
}

/* The interface's permanent, global addresses: a move across namespaces
 * drops them, and the spec keeps them. */
static int list_addrs(struct nl *nl, int ifindex, struct addr_list *list, err_t *err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = AF_UNSPEC;
    list->ifindex = ifindex;
    list->len = 0;
    if (nl_talk(nl, nlh, collect_addr, list) < 0)
        return make_err(err, errno, "list addresses");
    return 0;
}

static int add_addrs(struct nl *nl, int ifindex, const struct addr_list *list, err_t *err)
{
    for (size_t i = 0; i < list->len; i++) {
        const struct addr *a = &list->addrs[i];
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        *ifa = (struct ifaddrmsg){.ifa_family = a->family, .ifa_prefixlen = a->prefixlen, .ifa_scope = a->scope,
                                  .ifa_index = (unsigned) ifindex};
        size_t len = a->family == AF_INET ? 4 : 16;
        mnl_attr_put(nlh, IFA_LOCAL, len, a->data);
        mnl_attr_put(nlh, IFA_ADDRESS, len, a->data);
        if (nl_talk(nl, nlh, NULL, NULL) < 0 && errno != EEXIST)
            return make_err(err, errno, "add an address");
    }
    return 0;
}

static int move_link(struct nl *nl, int ifindex, int netns_fd, const char *name, err_t *err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, NLM_F_ACK, ifindex);
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) netns_fd);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    if (nl_talk(nl, nlh, NULL, NULL) < 0)
        return make_err(err, errno, "move it");
    return 0;
}

static int set_up(struct nl *nl, int ifindex, err_t *err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, NLM_F_ACK, ifindex);
    struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    if (nl_talk(nl, nlh, NULL, NULL) < 0)
        return make_err(err, errno, "bring it up");
    return 0;
}

/* The interface that appeared in `after` but was not in `before`: how a
 * "%d" name the kernel chose is found. */
static int new_link(const struct link_list *before, const struct link_list *after, char *name)
{
    for (size_t i = 0; i < after->len; i++) {
        if (find_link(before, after->name[i]) == 0) {
            snprintf(name, IFNAMSIZ, "%s", after->name[i]);
            return after->index[i];
        }
    }
    return 0;
}

static void nl_closep(struct nl *nl)
{
    nl_close(nl);
}
#define cleanup_nl __attribute__((cleanup(nl_closep)))

/* Runs fn inside the network namespace of ns_fd, then comes back to the
 * one of back_fd (berth is single-threaded: setns is safe). */
#define IN_NETNS(ns_fd, back_fd, err, call)                                                                           \
    ({                                                                                                                 \
        int r_ = setns(ns_fd, CLONE_NEWNET) < 0 ? make_err(err, errno, "enter a network namespace") : (call);        \
        if (setns(back_fd, CLONE_NEWNET) < 0)                                                                         \
            r_ = make_err(err, errno, "return to our network namespace");                                             \
        r_;                                                                                                            \
    })

static int check_name_free(struct nl *there, const char *name, struct link_list *before, err_t *err)
{
    if (nl_open(there, err) < 0 || list_links(there, before, err) < 0)
        return -1;
    if (!strchr(name, '%') && find_link(before, name))
        return make_err(err, EEXIST, "%s already exists in the target namespace", name);
    return 0;
}

static int settle(struct nl *there, const struct link_list *before, const struct addr_list *addrs, char *moved,
                  err_t *err)
{
    struct link_list after;
    if (list_links(there, &after, err) < 0)
        return -1;
    int index = new_link(before, &after, moved);
    if (index == 0)
        return make_err(err, ENODEV, "it did not arrive in the target namespace");
    if (add_addrs(there, index, addrs, err) < 0)
        return -1;
    return set_up(there, index, err);
}

/* One interface from the namespace we are in to the one of to_fd, named
 * to_name; `moved` gets the name it has there (the kernel's, for "%d"). */
static int move_one(const char *from_name, int to_fd, int back_fd, const char *to_name, char *moved, err_t *err)
{
    cleanup_nl struct nl here = {0};
    cleanup_nl struct nl there = {0};
    struct link_list links, before;
    struct addr_list addrs;
    if (nl_open(&here, err) < 0 || list_links(&here, &links, err) < 0)
        return -1;
    int ifindex = find_link(&links, from_name);
    if (ifindex == 0)
        return make_err(err, ENODEV, "no interface %s", from_name);
    if (list_addrs(&here, ifindex, &addrs, err) < 0 ||
        IN_NETNS(to_fd, back_fd, err, check_name_free(&there, to_name, &before, err)) < 0 ||
        move_link(&here, ifindex, to_fd, to_name, err) < 0)
        return -1;
    return IN_NETNS(to_fd, back_fd, err, settle(&there, &before, &addrs, moved, err));
}

int netdev_move_in(const struct oci_config *config, int netns_fd, FILE *record, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    cleanup_close int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (own < 0)
        return make_err(err, errno, "open our network namespace");
    for (size_t i = 0; l && i < l->net_devices_len; i++) {
        const struct oci_net_device *d = &l->net_devices[i];
        char moved[IFNAMSIZ];
        if (move_one(d->host_name, netns_fd, own, d->name ? d->name : d->host_name, moved, err) < 0)
            return wrap_err(err, "linux.netDevices[\"%s\"]", d->host_name);
        fprintf(record, "%s %s\n", d->host_name, moved);
        fflush(record);
    }
    return 0;
}

int netdev_move_out(int netns_fd, FILE *record, err_t *err)
{
    cleanup_close int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (own < 0)
        return make_err(err, errno, "open our network namespace");
    char host[IFNAMSIZ + 1], inside[IFNAMSIZ + 1];
    int ret = 0;
    while (fscanf(record, "%16s %16s", host, inside) == 2) {
        char moved[IFNAMSIZ];
        if (setns(netns_fd, CLONE_NEWNET) < 0)
            return make_err(err, errno, "enter the container's network namespace");
        cleanup_err err_t one = NULL;
        if (move_one(inside, own, netns_fd, host, moved, &one) < 0) {
            log_warn("linux.netDevices[\"%s\"]: give %s back: %s", host, inside, one->msg);
            ret = -1;
        }
        if (setns(own, CLONE_NEWNET) < 0)
            return make_err(err, errno, "return to our network namespace");
    }
    return ret < 0 ? make_err(err, 0, "not every network device could be given back") : 0;
}
