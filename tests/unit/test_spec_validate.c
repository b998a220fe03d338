/* spec_validate_config: each rule, with the exact error it gives, and the
 * edge values it must accept. JSON here uses ' for ". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "spec/spec.h"

static char *quoted(const char *s)
{
    char *j = xstrdup(s);
    for (char *p = j; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return j;
}

/* A valid config with room for one more piece in each part. */
#define BASE "'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}"
#define PROC "'process': {'cwd': '/', 'args': ['sh']}"
#define NSS "{'type': 'pid'}, {'type': 'mount'}, {'type': 'uts'}, {'type': 'network'}, {'type': 'ipc'}"
#define TOP(...) "{" BASE ", " PROC ", 'linux': {'namespaces': [" NSS "]}, " __VA_ARGS__ "}"
#define PROCESS(...) "{" BASE ", 'process': {'cwd': '/', 'args': ['sh'], " __VA_ARGS__ "}, 'linux': {'namespaces': [" NSS "]}}"
#define LINUX(...) "{" BASE ", " PROC ", 'linux': {'namespaces': [" NSS "], " __VA_ARGS__ "}}"
#define LINUX_NS(namespaces, ...) "{" BASE ", " PROC ", 'linux': {'namespaces': [" namespaces "], " __VA_ARGS__ "}}"
#define RES(...) LINUX("'resources': {" __VA_ARGS__ "}")
#define SECCOMP(...) LINUX("'seccomp': {" __VA_ARGS__ "}")
#define SCMP_OK "'defaultAction': 'SCMP_ACT_ALLOW'"
#define USERNS NSS ", {'type': 'user'}"
#define MAPS "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}], " \
             "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}]"

struct rule_case {
    const char *json;
    const char *error;
};

static const struct rule_case rule_cases[] = {
    /* ociVersion */
    {"{'root': {'path': 'rootfs'}, " PROC "}", "config.json: ociVersion: is required"},
    {"{'ociVersion': '1.0', 'root': {'path': 'rootfs'}, " PROC "}",
     "config.json: ociVersion: \"1.0\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': '01.0.0'}", "config.json: ociVersion: \"01.0.0\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': '1.0.0-'}", "config.json: ociVersion: \"1.0.0-\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': '1.0.0-rc.01'}", "config.json: ociVersion: \"1.0.0-rc.01\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': '1.1.0+'}", "config.json: ociVersion: \"1.1.0+\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': 'v1.0.0'}", "config.json: ociVersion: \"v1.0.0\" is not a valid SemVer 2.0.0 version"},
    {"{'ociVersion': '2.0.0'}",
     "config.json: ociVersion: version \"2.0.0\" is not supported (berth supports 1.0.0 to 1.3.x)"},
    {"{'ociVersion': '1.4.0'}",
     "config.json: ociVersion: version \"1.4.0\" is not supported (berth supports 1.0.0 to 1.3.x)"},
    {"{'ociVersion': '0.9.1'}",
     "config.json: ociVersion: version \"0.9.1\" is not supported (berth supports 1.0.0 to 1.3.x)"},
    /* root */
    {"{'ociVersion': '1.3.0', " PROC "}", "config.json: root: is required"},
    {"{'ociVersion': '1.3.0', 'root': {'readonly': true}, " PROC "}", "config.json: root.path: is required"},
    {"{'ociVersion': '1.3.0', 'root': {'path': ''}, " PROC "}", "config.json: root.path: must not be empty"},
    /* process */
    {"{" BASE ", 'process': {'args': ['sh']}}", "config.json: process.cwd: is required"},
    {"{" BASE ", 'process': {'cwd': 'home', 'args': ['sh']}}",
     "config.json: process.cwd: \"home\" is not an absolute path"},
    {"{" BASE ", 'process': {'cwd': '/', 'args': []}}", "config.json: process.args: must have at least one entry"},
    {"{" BASE ", 'process': {'cwd': '/'}}", "config.json: process.args: must have at least one entry"},
    {PROCESS("'env': ['A=1', 'FOO']"), "config.json: process.env[1]: \"FOO\" is not in KEY=value form"},
    {PROCESS("'env': ['=x']"), "config.json: process.env[0]: \"=x\" is not in KEY=value form"},
    {PROCESS("'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]"),
     "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {PROCESS("'rlimits': [{'soft': 1, 'hard': 1}]"), "config.json: process.rlimits[0].type: is required"},
    {PROCESS("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1},"
             " {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]"),
     "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {PROCESS("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}]"),
     "config.json: process.rlimits[0].soft: 2048 is greater than the hard limit 1024"},
    {PROCESS("'capabilities': {'effective': ['CAP_CHOWN', 'cap_kill']}"),
     "config.json: process.capabilities.effective[1]: \"cap_kill\" is not a valid capability name"},
    {PROCESS("'capabilities': {'ambient': ['CAP_']}"),
     "config.json: process.capabilities.ambient[0]: \"CAP_\" is not a valid capability name"},
    {PROCESS("'oomScoreAdj': 1001"), "config.json: process.oomScoreAdj: must be between -1000 and 1000, got 1001"},
    {PROCESS("'oomScoreAdj': -1001"), "config.json: process.oomScoreAdj: must be between -1000 and 1000, got -1001"},
    {PROCESS("'user': {'uid': 0, 'gid': 0, 'umask': 512}"),
     "config.json: process.user.umask: must be at most 0777, got 01000"},
    {PROCESS("'scheduler': {'policy': 'SCHED_FAST'}"),
     "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\""},
    {PROCESS("'scheduler': {'nice': 1}"), "config.json: process.scheduler.policy: is required"},
    {PROCESS("'scheduler': {'policy': 'SCHED_OTHER', 'nice': 20}"),
     "config.json: process.scheduler.nice: must be between -20 and 19, got 20"},
    {PROCESS("'scheduler': {'policy': 'SCHED_OTHER', 'priority': 1}"),
     "config.json: process.scheduler.priority: only allowed with SCHED_FIFO or SCHED_RR"},
    {PROCESS("'scheduler': {'policy': 'SCHED_RR', 'flags': ['SCHED_FLAG_FAST']}"),
     "config.json: process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_FAST\""},
    {PROCESS("'scheduler': {'policy': 'SCHED_FIFO', 'priority': 10, 'deadline': 5}"),
     "config.json: process.scheduler.deadline: only allowed with SCHED_DEADLINE"},
    {PROCESS("'ioPriority': {'class': 'IOPRIO_CLASS_NONE', 'priority': 0}"),
     "config.json: process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
    {PROCESS("'ioPriority': {'priority': 0}"), "config.json: process.ioPriority.class: is required"},
    {PROCESS("'ioPriority': {'class': 'IOPRIO_CLASS_RT', 'priority': 8}"),
     "config.json: process.ioPriority.priority: must be between 0 and 7, got 8"},
    {PROCESS("'execCPUAffinity': {'initial': '0-a'}"),
     "config.json: process.execCPUAffinity.initial: \"0-a\" is not a valid CPU list"},
    {PROCESS("'execCPUAffinity': {'initial': '1', 'final': '3-1'}"),
     "config.json: process.execCPUAffinity.final: \"3-1\" is not a valid CPU list"},
    {PROCESS("'execCPUAffinity': {'final': '1,,2'}"),
     "config.json: process.execCPUAffinity.final: \"1,,2\" is not a valid CPU list"},
    /* hostname, domainname */
    {TOP("'hostname': '12345678901234567890123456789012345678901234567890123456789012345'"),
     "config.json: hostname: must be at most 64 bytes long"},
    {"{" BASE ", " PROC ", 'hostname': 'box', 'linux': {'namespaces': [{'type': 'mount'}]}}",
     "config.json: hostname: requires a new or joined uts namespace"},
    {"{" BASE ", " PROC ", 'domainname': 'example.org'}",
     "config.json: domainname: requires a new or joined uts namespace"},
    /* mounts */
    {TOP("'mounts': [{'type': 'tmpfs'}]"), "config.json: mounts[0].destination: is required"},
    {TOP("'mounts': [{'destination': '/proc'}, {'destination': 'tmp'}]"),
     "config.json: mounts[1].destination: \"tmp\" is not an absolute path"},
    {TOP("'mounts': [{'destination': '/d', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]"),
     "config.json: mounts[0].uidMappings: requires gidMappings too"},
    {TOP("'mounts': [{'destination': '/d', 'gidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]"),
     "config.json: mounts[0].gidMappings: requires uidMappings too"},
    {TOP("'mounts': [{'destination': '/d', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}],"
         " 'gidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]}]"),
     "config.json: mounts[0].gidMappings[0].size: must be greater than 0"},
    /* hooks */
    {TOP("'hooks': {'prestart': [{'args': ['x']}]}"), "config.json: hooks.prestart[0].path: is required"},
    {TOP("'hooks': {'createRuntime': [{'path': '/bin/a'}, {'path': 'hook.sh'}]}"),
     "config.json: hooks.createRuntime[1].path: \"hook.sh\" is not an absolute path"},
    {TOP("'hooks': {'poststop': [{'path': '/bin/a', 'timeout': 0}]}"),
     "config.json: hooks.poststop[0].timeout: must be greater than 0, got 0"},
    /* annotations */
    {TOP("'annotations': {'a': '1', '': '2'}"), "config.json: annotations: keys must not be empty"},
    /* namespaces */
    {LINUX_NS("{'type': 'pid'}, {'type': 'mount'}, {'type': 'uts'}, {'type': 'pid'}", "'cgroupsPath': 'x'"),
     "config.json: linux.namespaces[3].type: duplicate namespace \"pid\""},
    {LINUX_NS("{'type': 'uts'}, {'type': 'network', 'path': 'proc/1/ns/net'}", "'cgroupsPath': 'x'"),
     "config.json: linux.namespaces[1].path: \"proc/1/ns/net\" is not an absolute path"},
    /* user namespace mappings */
    {LINUX(MAPS), "config.json: linux.uidMappings: requires a user namespace"},
    {LINUX_NS(USERNS, "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}],"
                      " 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10},"
                      " {'containerID': 10, 'hostID': 5000, 'size': 0}]"),
     "config.json: linux.gidMappings[1].size: must be greater than 0"},
    {LINUX_NS(USERNS, "'cgroupsPath': 'x'"), "config.json: linux.uidMappings: is required with a new user namespace"},
    {LINUX_NS(USERNS, "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}]"),
     "config.json: linux.gidMappings: is required with a new user namespace"},
    /* time namespace offsets */
    {LINUX_NS(NSS ", {'type': 'time'}", "'timeOffsets': {'monotonic': {'nanosecs': 1000000000}}"),
     "config.json: linux.timeOffsets.monotonic.nanosecs: must be less than 1000000000, got 1000000000"},
    {LINUX("'timeOffsets': {'boottime': {'secs': 10}}"), "config.json: linux.timeOffsets: requires a new time namespace"},
    {LINUX_NS(NSS ", {'type': 'time', 'path': '/proc/1/ns/time'}", "'timeOffsets': {'boottime': {'secs': 10}}"),
     "config.json: linux.timeOffsets: requires a new time namespace"},
    /* devices */
    {LINUX("'devices': [{'type': 'c', 'major': 1, 'minor': 3}]"), "config.json: linux.devices[0].path: is required"},
    {LINUX("'devices': [{'type': 'c', 'path': 'dev/null', 'major': 1, 'minor': 3}]"),
     "config.json: linux.devices[0].path: \"dev/null\" is not an absolute path"},
    {LINUX("'devices': [{'type': 'c', 'path': '/dev/x', 'major': 1, 'minor': 3, 'fileMode': 65536}]"),
     "config.json: linux.devices[0].fileMode: must be at most 07777, got 0200000"},
    /* 060666: a block device's type bits on a char device */
    {LINUX("'devices': [{'type': 'c', 'path': '/dev/x', 'major': 1, 'minor': 3, 'fileMode': 25014}]"),
     "config.json: linux.devices[0].fileMode: 060666 has the file type of another kind of device than \"c\""},
    {LINUX("'devices': [{'type': 'c', 'path': '/dev/x', 'major': 1, 'minor': 3},"
           " {'type': 'b', 'path': '/dev/x', 'major': 8, 'minor': 0}]"),
     "config.json: linux.devices[1].path: duplicate device \"/dev/x\""},
    /* netDevices */
    {LINUX("'netDevices': {'eth/0': {}}"), "config.json: linux.netDevices[\"eth/0\"]: \"eth/0\" is not a valid "
                                           "interface name"},
    {LINUX("'netDevices': {'eth0': {'name': 'a-very-long-name'}}"),
     "config.json: linux.netDevices[\"eth0\"].name: \"a-very-long-name\" is not a valid interface name"},
    {LINUX("'netDevices': {'eth0': {'name': '..'}}"),
     "config.json: linux.netDevices[\"eth0\"].name: \"..\" is not a valid interface name"},
    {LINUX("'netDevices': {'eth0': {'name': 'c 0'}}"),
     "config.json: linux.netDevices[\"eth0\"].name: \"c 0\" is not a valid interface name"},
    {LINUX("'netDevices': {'eth0': {}, 'eth1': {'name': 'eth0'}}"),
     "config.json: linux.netDevices[\"eth1\"]: interface name \"eth0\" is already used in the container"},
    {LINUX_NS("{'type': 'uts'}", "'netDevices': {'eth0': {}}"),
     "config.json: linux.netDevices: requires a network namespace"},
    /* resources */
    {RES("'devices': [{'allow': true, 'access': 'rwx'}]"),
     "config.json: linux.resources.devices[0].access: \"rwx\" must be a combination of r, w and m"},
    {RES("'devices': [{'allow': true, 'access': ''}]"),
     "config.json: linux.resources.devices[0].access: \"\" must be a combination of r, w and m"},
    {RES("'memory': {'limit': -2}"), "config.json: linux.resources.memory.limit: must be >= -1, got -2"},
    {RES("'memory': {'reservation': -3}"), "config.json: linux.resources.memory.reservation: must be >= -1, got -3"},
    {RES("'memory': {'swap': -5}"), "config.json: linux.resources.memory.swap: must be >= -1, got -5"},
    {RES("'memory': {'kernelTCP': -9}"), "config.json: linux.resources.memory.kernelTCP: must be >= -1, got -9"},
    {RES("'memory': {'swappiness': 101}"),
     "config.json: linux.resources.memory.swappiness: must be between 0 and 100, got 101"},
    {RES("'cpu': {'cpus': '0-'}"), "config.json: linux.resources.cpu.cpus: \"0-\" is not a valid CPU list"},
    {RES("'cpu': {'mems': 'a'}"), "config.json: linux.resources.cpu.mems: \"a\" is not a valid node list"},
    {RES("'cpu': {'idle': 2}"), "config.json: linux.resources.cpu.idle: must be 0 or 1, got 2"},
    {RES("'cpu': {'quota': 50000, 'burst': 60000}"),
     "config.json: linux.resources.cpu.burst: must not exceed quota (60000 > 50000)"},
    {RES("'blockIO': {'weight': 5}"), "config.json: linux.resources.blockIO.weight: must be between 10 and 1000, got 5"},
    {RES("'blockIO': {'leafWeight': 1001}"),
     "config.json: linux.resources.blockIO.leafWeight: must be between 10 and 1000, got 1001"},
    {RES("'blockIO': {'weightDevice': [{'major': 8, 'minor': 0}]}"),
     "config.json: linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight"},
    {RES("'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 100}, {'major': 8, 'minor': 1, 'weight': 9}]}"),
     "config.json: linux.resources.blockIO.weightDevice[1].weight: must be between 10 and 1000, got 9"},
    {RES("'hugepageLimits': [{'pageSize': '2mb', 'limit': 1}]"),
     "config.json: linux.resources.hugepageLimits[0].pageSize: \"2mb\" is not a valid page size (like \"2MB\")"},
    {RES("'hugepageLimits': [{'pageSize': '02MB', 'limit': 1}]"),
     "config.json: linux.resources.hugepageLimits[0].pageSize: \"02MB\" is not a valid page size (like \"2MB\")"},
    {RES("'hugepageLimits': [{'limit': 1}]"), "config.json: linux.resources.hugepageLimits[0].pageSize: is required"},
    {RES("'pids': {'limit': -2}"), "config.json: linux.resources.pids.limit: must be >= -1, got -2"},
    {RES("'rdma': {'mlx5_1': {}}"), "config.json: linux.resources.rdma[\"mlx5_1\"]: needs hcaHandles or hcaObjects"},
    {RES("'unified': {'memory/max': '1'}"),
     "config.json: linux.resources.unified[\"memory/max\"]: not a cgroup file name (like \"memory.max\")"},
    {RES("'unified': {'cgroup': '1'}"),
     "config.json: linux.resources.unified[\"cgroup\"]: not a cgroup file name (like \"memory.max\")"},
    {RES("'unified': {'..': '1'}"),
     "config.json: linux.resources.unified[\"..\"]: not a cgroup file name (like \"memory.max\")"},
    {RES("'unified': {'memory.max': '1\\n2'}"),
     "config.json: linux.resources.unified[\"memory.max\"]: value must not contain a newline"},
    {RES("'network': {'priorities': [{'priority': 1}]}"),
     "config.json: linux.resources.network.priorities[0].name: is required"},
    /* rootfsPropagation */
    {LINUX("'rootfsPropagation': 'bogus'"), "config.json: linux.rootfsPropagation: unknown propagation \"bogus\""},
    /* seccomp */
    {SECCOMP("'architectures': ['SCMP_ARCH_X86_64']"), "config.json: linux.seccomp.defaultAction: is required"},
    {SECCOMP("'defaultAction': 'SCMP_ACT_DENY'"),
     "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\""},
    {SECCOMP("'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': '/run/a.sock'"),
     "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
    {SECCOMP(SCMP_OK ", 'defaultErrnoRet': 1"),
     "config.json: linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SECCOMP(SCMP_OK ", 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_VAX']"),
     "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\""},
    {SECCOMP(SCMP_OK ", 'flags': ['SECCOMP_FILTER_FLAG_NEW_LISTENER']"),
     "config.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\""},
    {SECCOMP(SCMP_OK ", 'listenerMetadata': 'x'"),
     "config.json: linux.seccomp.listenerMetadata: requires listenerPath"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': [], 'action': 'SCMP_ACT_ERRNO'}]"),
     "config.json: linux.seccomp.syscalls[0].names: must have at least one entry"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO'}, {'names': ['x']}]"),
     "config.json: linux.seccomp.syscalls[1].action: is required"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_BLOCK'}]"),
     "config.json: linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_BLOCK\""},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]"),
     "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath"},
    {SECCOMP(SCMP_OK ", 'listenerPath': '/run/a.sock',"
                     " 'syscalls': [{'names': ['mkdir', 'write'], 'action': 'SCMP_ACT_NOTIFY'}]"),
     "config.json: linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_KILL', 'errnoRet': 1}]"),
     "config.json: linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO',"
                     " 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]"),
     "config.json: linux.seccomp.syscalls[0].args[0].index: must be less than 6, got 6"},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO',"
                     " 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 1, 'op': '=='}]}]"),
     "config.json: linux.seccomp.syscalls[0].args[1].op: unknown operator \"==\""},
    {SECCOMP(SCMP_OK ", 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO',"
                     " 'args': [{'index': 0, 'value': 1}]}]"),
     "config.json: linux.seccomp.syscalls[0].args[0].op: is required"},
    /* sysctl, masked and read-only paths */
    {LINUX("'sysctl': {'': '1'}"), "config.json: linux.sysctl: keys must not be empty"},
    {LINUX("'maskedPaths': ['/proc/kcore', 'proc/keys']"),
     "config.json: linux.maskedPaths[1]: \"proc/keys\" is not an absolute path"},
    {LINUX("'readonlyPaths': ['sys']"), "config.json: linux.readonlyPaths[0]: \"sys\" is not an absolute path"},
    /* intelRdt */
    {LINUX("'intelRdt': {'memBwSchema': 'L3:0=20'}"),
     "config.json: linux.intelRdt.memBwSchema: must start with \"MB:\""},
    {LINUX("'intelRdt': {'l3CacheSchema': 'MB:0=20'}"),
     "config.json: linux.intelRdt.l3CacheSchema: must start with \"L3:\""},
    {LINUX("'intelRdt': {'l3CacheSchema': 'L3:0=f\\nMB:0=20'}"),
     "config.json: linux.intelRdt.l3CacheSchema: must not contain a newline"},
    {LINUX("'intelRdt': {'schemata': ['L3:0=f', 'MB:0=20\\n']}"),
     "config.json: linux.intelRdt.schemata[1]: must not contain a newline"},
    {LINUX("'intelRdt': {'closID': '../x'}"), "config.json: linux.intelRdt.closID: \"../x\" is not a valid CLOS name"},
    /* personality */
    {LINUX("'personality': {'domain': 'WINDOWS'}"),
     "config.json: linux.personality.domain: unknown domain \"WINDOWS\" (expected LINUX or LINUX32)"},
    {LINUX("'personality': {'flags': []}"), "config.json: linux.personality.domain: is required"},
    {LINUX("'personality': {'domain': 'LINUX', 'flags': ['ADDR_NO_RANDOMIZE']}"),
     "config.json: linux.personality.flags[0]: unknown flag \"ADDR_NO_RANDOMIZE\" (no flags are supported)"},
    /* memoryPolicy */
    {LINUX("'memoryPolicy': {'mode': 'MPOL_FAST'}"), "config.json: linux.memoryPolicy.mode: unknown mode \"MPOL_FAST\""},
    {LINUX("'memoryPolicy': {'nodes': '0'}"), "config.json: linux.memoryPolicy.mode: is required"},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0', 'flags': ['MPOL_F_LOCAL']}"),
     "config.json: linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_LOCAL\""},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0-1,x'}"),
     "config.json: linux.memoryPolicy.nodes: \"0-1,x\" is not a valid node list"},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_DEFAULT', 'nodes': '0'}"),
     "config.json: linux.memoryPolicy.nodes: must be empty with MPOL_DEFAULT"},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_LOCAL', 'nodes': '1'}"),
     "config.json: linux.memoryPolicy.nodes: must be empty with MPOL_LOCAL"},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_BIND'}"), "config.json: linux.memoryPolicy.nodes: is required with MPOL_BIND"},
    {LINUX("'memoryPolicy': {'mode': 'MPOL_WEIGHTED_INTERLEAVE', 'nodes': ''}"),
     "config.json: linux.memoryPolicy.nodes: is required with MPOL_WEIGHTED_INTERLEAVE"},
};

/* Values at the edge of each rule that must pass. */
static const char *const valid_configs[] = {
    /* Podman writes the char device type bits into fileMode: 020666 */
    LINUX("'devices': [{'type': 'c', 'path': '/dev/myzero', 'major': 1, 'minor': 5, 'fileMode': 8630}]"),
    TOP("'hostname': 'box'"),
    "{'ociVersion': '1.0.2-dev', 'root': {'path': 'rootfs'}, " PROC "}",
    "{'ociVersion': '1.0.0', 'root': {'path': '/abs/rootfs'}, " PROC "}",
    "{'ociVersion': '1.3.9+build.5', 'root': {'path': 'rootfs'}, " PROC "}",
    "{'ociVersion': '1.2.0-rc.1.x-y', 'root': {'path': 'rootfs'}, " PROC "}",
    TOP("'hostname': '1234567890123456789012345678901234567890123456789012345678901234'"),
    LINUX_NS("{'type': 'uts', 'path': '/proc/1/ns/uts'}", "'cgroupsPath': 'x'"),
    PROCESS("'env': ['A=', 'B==1'], 'oomScoreAdj': -1000, 'user': {'uid': 0, 'gid': 0, 'umask': 511}"),
    PROCESS("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 1024},"
            " {'type': 'RLIMIT_RTTIME', 'soft': 18446744073709551615, 'hard': 18446744073709551615}]"),
    PROCESS("'capabilities': {'bounding': ['CAP_FUTURE_1'], 'effective': []}"),
    PROCESS("'scheduler': {'policy': 'SCHED_RR', 'priority': 99, 'nice': -20}"),
    PROCESS("'ioPriority': {'class': 'IOPRIO_CLASS_IDLE', 'priority': 7}, 'execCPUAffinity': {'initial': ''}"),
    TOP("'hooks': {'poststart': [{'path': '/bin/a', 'timeout': 1}]}, 'annotations': {'a': ''}"),
    LINUX_NS(USERNS, MAPS),
    LINUX_NS("{'type': 'user', 'path': '/proc/1/ns/user'}, {'type': 'uts'}", "'cgroupsPath': 'x'"),
    LINUX_NS(NSS ", {'type': 'time'}", "'timeOffsets': {'monotonic': {'secs': -5, 'nanosecs': 999999999}}"),
    LINUX("'devices': [{'type': 'p', 'path': '/dev/fifo', 'fileMode': 511}, {'type': 'u', 'path': '/dev/u',"
          " 'major': 1, 'minor': 2}]"),
    LINUX("'netDevices': {'eth0': {'name': 'ctr0'}, 'eth1': {}}"),
    RES("'devices': [{'allow': false}, {'allow': true, 'access': 'm'}], 'pids': {'limit': -1}"),
    RES("'memory': {'limit': -1, 'swap': -1, 'swappiness': 100}, 'pids': {}"),
    RES("'cpu': {'quota': -1, 'burst': 1000, 'cpus': '', 'mems': '0,2-3', 'idle': 0}"),
    RES("'cpu': {'quota': 1000, 'burst': 1000}, 'blockIO': {'weight': 10, 'leafWeight': 1000,"
        " 'weightDevice': [{'major': 8, 'minor': 0, 'leafWeight': 10}]}"),
    RES("'hugepageLimits': [{'pageSize': '64KB', 'limit': 0}, {'pageSize': '16GB', 'limit': 1}],"
        " 'rdma': {'mlx': {'hcaObjects': 0}}, 'unified': {'cgroup.freeze': '0', 'io.max': '8:0 rbps=1'}"),
    LINUX("'rootfsPropagation': 'rshared'"),
    LINUX("'rootfsPropagation': 'unbindable'"),
    SECCOMP("'defaultAction': 'SCMP_ACT_TRACE', 'defaultErrnoRet': 5,"
            " 'architectures': ['SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SHEB'],"
            " 'flags': ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
            " 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_KILL_THREAD',"
            " 'args': [{'index': 5, 'value': 0, 'op': 'SCMP_CMP_GE'}]}]"),
    SECCOMP("'defaultAction': 'SCMP_ACT_LOG', 'listenerPath': '/run/a.sock', 'listenerMetadata': 'm',"
            " 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]"),
    LINUX("'intelRdt': {'closID': 'gold', 'l3CacheSchema': 'L3:0=f', 'memBwSchema': 'MB:0=20'}"),
    LINUX("'personality': {'domain': 'LINUX'}, 'memoryPolicy': {'mode': 'MPOL_PREFERRED'}"),
    LINUX("'memoryPolicy': {'mode': 'MPOL_PREFERRED_MANY', 'nodes': '0-3,7',"
          " 'flags': ['MPOL_F_RELATIVE_NODES', 'MPOL_F_NUMA_BALANCING']}"),
    LINUX("'memoryPolicy': {'mode': 'MPOL_LOCAL', 'nodes': ''}"),
};

static struct oci_config *parse(const char *json)
{
    cleanup_free char *text = quoted(json);
    cleanup_err err_t err = NULL;
    struct oci_config *cfg = NULL;
    if (spec_parse_config(text, strlen(text), &cfg, &err) < 0)
        fail_msg("parse failed: %s", err->msg);
    return cfg;
}

static void test_rule(void **state)
{
    const struct rule_case *c = *state;
    cleanup_config struct oci_config *cfg = parse(c->json);
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), -1);
    assert_string_equal(err->msg, c->error);
    assert_non_null(err->json_path);
}

static void test_valid(void **state)
{
    const char *json = *state;
    cleanup_config struct oci_config *cfg = parse(json);
    cleanup_err err_t err = NULL;
    if (spec_validate_config(cfg, &err) < 0)
        fail_msg("%s\nin %s", err->msg, json);
}

static void test_rlimit_resource_resolved(void **state)
{
    (void) state;
    cleanup_config struct oci_config *cfg =
        parse(PROCESS("'rlimits': [{'type': 'RLIMIT_MSGQUEUE', 'soft': 1, 'hard': 2}]"));
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), 0);
    assert_int_equal(cfg->process->rlimits[0].resource, RLIMIT_MSGQUEUE);
}

static void test_error_json_path(void **state)
{
    (void) state;
    cleanup_config struct oci_config *cfg = parse(LINUX("'maskedPaths': ['x']"));
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), -1);
    assert_string_equal(err->json_path, "linux.maskedPaths[0]");
}

/* config.md: process is needed only by start; validation puts an empty
 * one in its place, so that create can set the container up. */
static void test_process_absent(void **state)
{
    (void) state;
    cleanup_config struct oci_config *cfg = parse("{" BASE ", 'linux': {'namespaces': [" NSS "]}}");
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), 0);
    assert_true(cfg->process_absent);
    assert_string_equal(cfg->process->cwd, "/");
    assert_int_equal(cfg->process->args_len, 0);
}

/* 0 was "no limit" before runtime-spec 1.3, and is a limit from 1.3 on. */
static void test_pids_zero_by_version(void **state)
{
    (void) state;
    static const struct {
        const char *version;
        int64_t limit;
    } cases[] = {{"1.0.2-dev", -1}, {"1.2.1", -1}, {"1.3.0", 0}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_free char *json = xasprintf(
            "{'ociVersion': '%s', 'root': {'path': 'rootfs'}, " PROC ", 'linux': {'namespaces': [" NSS "], "
            "'resources': {'pids': {'limit': 0}}}}",
            cases[i].version);
        cleanup_config struct oci_config *cfg = parse(json);
        cleanup_err err_t err = NULL;
        assert_int_equal(spec_validate_config(cfg, &err), 0);
        assert_int_equal(cfg->linux_config->resources->pids->limit, cases[i].limit);
    }
}

int main(void)
{
    err_t log_err = NULL;
    if (log_init("/dev/null", LOG_TEXT, false, &log_err) < 0)
        return 1;
    size_t n_rules = ARRAY_SIZE(rule_cases), n_valid = ARRAY_SIZE(valid_configs);
    size_t n = n_rules + n_valid + 4, k = 0;
    struct CMUnitTest *tests = xzalloc(n * sizeof(*tests));
    for (size_t i = 0; i < n_rules; i++)
        tests[k++] = (struct CMUnitTest){rule_cases[i].error, test_rule, NULL, NULL, (void *) &rule_cases[i]};
    char **names = xzalloc(n_valid * sizeof(char *));
    for (size_t i = 0; i < n_valid; i++) {
        names[i] = xasprintf("valid config %zu", i + 1);
        tests[k++] = (struct CMUnitTest){names[i], test_valid, NULL, NULL, (void *) valid_configs[i]};
    }
    tests[k++] = (struct CMUnitTest){"rlimit resource resolved", test_rlimit_resource_resolved, NULL, NULL, NULL};
    tests[k++] = (struct CMUnitTest){"error keeps json path", test_error_json_path, NULL, NULL, NULL};
    tests[k++] = (struct CMUnitTest){"pids limit 0 by version", test_pids_zero_by_version, NULL, NULL, NULL};
    tests[k++] = (struct CMUnitTest){"process absent", test_process_absent, NULL, NULL, NULL};
    int failed = _cmocka_run_group_tests("spec_validate", tests, k, NULL, NULL);
    for (size_t i = 0; i < n_valid; i++)
        free(names[i]);
    free(names);
    free(tests);
    return failed;
}
