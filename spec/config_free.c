/* Freeing a parsed config. Every free_* takes a possibly half-built struct
 * (parsing stops at the first error) and NULL. */
#include "parse.h"

#include <stdlib.h>

static void free_id_mappings(struct oci_id_mapping *m)
{
    free(m);
}

static void free_mount(struct oci_mount *m)
{
    free(m->destination);
    free(m->source);
    free(m->type);
    strv_free(m->options);
    free_id_mappings(m->uid_mappings);
    free_id_mappings(m->gid_mappings);
}

static void free_capabilities(struct oci_capabilities *caps)
{
    if (caps == NULL)
        return;
    strv_free(caps->bounding);
    strv_free(caps->effective);
    strv_free(caps->inheritable);
    strv_free(caps->permitted);
    strv_free(caps->ambient);
    free(caps);
}

void free_process(struct oci_process *p)
{
    if (p == NULL)
        return;
    free(p->cwd);
    strv_free(p->args);
    strv_free(p->env);
    free(p->user.additional_gids);
    for (size_t i = 0; i < p->rlimits_len; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free_capabilities(p->capabilities);
    free(p->apparmor_profile);
    free(p->selinux_label);
    if (p->scheduler) {
        free(p->scheduler->policy);
        strv_free(p->scheduler->flags);
        free(p->scheduler);
    }
    if (p->io_priority) {
        free(p->io_priority->class_name);
        free(p->io_priority);
    }
    if (p->exec_cpu_affinity) {
        free(p->exec_cpu_affinity->initial);
        free(p->exec_cpu_affinity->final);
        free(p->exec_cpu_affinity);
    }
    free(p);
}

static void free_hook_list(struct oci_hook_list *list)
{
    for (size_t i = 0; i < list->len; i++) {
        free(list->hooks[i].path);
        strv_free(list->hooks[i].args);
        strv_free(list->hooks[i].env);
    }
    free(list->hooks);
}

static void free_block_io(struct oci_block_io *b)
{
    if (b == NULL)
        return;
    free(b->weight_devices);
    for (int kind = 0; kind < THROTTLE_KINDS; kind++)
        free(b->throttle[kind].devices);
    free(b);
}

static void free_network(struct oci_network *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->priorities_len; i++)
        free(n->priorities[i].name);
    free(n->priorities);
    free(n);
}

void free_resources(struct oci_resources *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->devices_len; i++)
        free(r->devices[i].access);
    free(r->devices);
    free(r->memory);
    if (r->cpu) {
        free(r->cpu->cpus);
        free(r->cpu->mems);
        free(r->cpu);
    }
    free_block_io(r->block_io);
    for (size_t i = 0; i < r->hugepage_limits_len; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    free_network(r->network);
    free(r->pids);
    for (size_t i = 0; i < r->rdma_len; i++)
        free(r->rdma[i].device);
    free(r->rdma);
    oci_map_free(&r->unified);
    free(r);
}

void free_seccomp(struct oci_seccomp *s)
{
    if (s == NULL)
        return;
    free(s->default_action);
    strv_free(s->architectures);
    strv_free(s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->syscalls_len; i++) {
        struct oci_syscall *sc = &s->syscalls[i];
        strv_free(sc->names);
        free(sc->action);
        for (size_t j = 0; j < sc->args_len; j++)
            free(sc->args[j].op);
        free(sc->args);
    }
    free(s->syscalls);
    free(s);
}

static void free_intel_rdt(struct oci_intel_rdt *rdt)
{
    if (rdt == NULL)
        return;
    free(rdt->clos_id);
    free(rdt->l3_cache_schema);
    free(rdt->mem_bw_schema);
    strv_free(rdt->schemata);
    free(rdt);
}

void free_linux(struct oci_linux *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->namespaces_len; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free_id_mappings(l->uid_mappings);
    free_id_mappings(l->gid_mappings);
    for (size_t i = 0; i < l->devices_len; i++)
        free(l->devices[i].path);
    free(l->devices);
    free(l->cgroups_path);
    free_resources(l->resources);
    free(l->rootfs_propagation);
    free_seccomp(l->seccomp);
    oci_map_free(&l->sysctl);
    strv_free(l->masked_paths);
    strv_free(l->readonly_paths);
    free(l->mount_label);
    free_intel_rdt(l->intel_rdt);
    if (l->personality) {
        free(l->personality->domain);
        strv_free(l->personality->flags);
        free(l->personality);
    }
    if (l->memory_policy) {
        free(l->memory_policy->mode);
        free(l->memory_policy->nodes);
        strv_free(l->memory_policy->flags);
        free(l->memory_policy);
    }
    for (size_t i = 0; i < l->net_devices_len; i++) {
        free(l->net_devices[i].host_name);
        free(l->net_devices[i].name);
    }
    free(l->net_devices);
    free(l);
}

void spec_free_config(struct oci_config *config)
{
    if (config == NULL)
        return;
    free(config->oci_version);
    if (config->root) {
        free(config->root->path);
        free(config->root);
    }
    for (size_t i = 0; i < config->mounts_len; i++)
        free_mount(&config->mounts[i]);
    free(config->mounts);
    free_process(config->process);
    free(config->hostname);
    free(config->domainname);
    for (int kind = 0; kind < HOOK_KINDS; kind++)
        free_hook_list(&config->hooks[kind]);
    oci_map_free(&config->annotations);
    free_linux(config->linux_config);
    free(config);
}

void cleanup_configp(struct oci_config **config)
{
    spec_free_config(*config);
    *config = NULL;
}
