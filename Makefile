# berth: an OCI container runtime. `make demo` and `make test` do everything
# on a fresh Debian 12 machine (as root).

CC ?= gcc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DESTDIR ?=

VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LIBS_PC := yajl libseccomp libcap libmnl

LIB_VERSIONS := $(foreach l,$(LIBS_PC),$(l) $(shell $(PKG_CONFIG) --modversion $(l) 2>/dev/null))

# No -g by default: create, run and exec copy the binary into a sealed memfd
# (CVE-2019-5736), so its size is start-up time. `make CFLAGS="-O0 -g"` to debug.
CFLAGS ?= -O2
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fstack-protector-strong \
	-fno-common -I. $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null) \
	-DBERTH_VERSION='"$(VERSION)"' -DBERTH_COMMIT='"$(COMMIT)"' \
	-DBERTH_LIB_VERSIONS='"$(LIB_VERSIONS)"'
# yajl, libseccomp and libcap linked in statically (Debian ships their
# archives; libmnl has none): every start of berth, twice with the sealed
# copy of CVE-2019-5736, then maps two libraries instead of five.
LDLIBS += -Wl,-Bstatic -lyajl_s -lseccomp -lcap -Wl,-Bdynamic $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null)

# Library code: every folder but cmd/. Dependencies run one way:
# cmd -> runtime -> {namespaces, cgroups, spec} -> util.
LIB_SRCS := $(wildcard util/*.c spec/*.c namespaces/*.c cgroups/*.c overlay/*.c runtime/*.c)
CMD_SRCS := $(wildcard cmd/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=build/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=build/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
TEST_HELPERS := build/tests/checker build/tests/seccomp-listener build/tests/recvtty

DEPS := gcc make pkg-config libyajl-dev libseccomp-dev libcap-dev libmnl-dev \
	libcmocka-dev bats bats-assert bats-support bats-file busybox-static jq \
	iproute2 util-linux procps clang uidmap tmux \
	podman conmon containerd umoci runc crun hyperfine time

.PHONY: all deps demo test unit integration bench install clean check-clang

all: berth

berth: $(CMD_OBJS) build/libberth.a
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJS) build/libberth.a $(LDLIBS)

build/libberth.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

build/tests/test_%: tests/unit/test_%.c build/libberth.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< build/libberth.a $(LDLIBS) -lcmocka

# A static program that runs inside test containers and reports what it sees.
build/tests/checker: tests/checker/checker.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The other end of --console-socket for the terminal tests: receives the pty
# master, writes input to it and copies its output to stdout.
build/tests/recvtty: tests/console/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# A seccomp agent for the SCMP_ACT_NOTIFY tests: takes the listener fd from
# linux.seccomp.listenerPath and answers notified syscalls.
build/tests/seccomp-listener: tests/seccomp/listener.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $< -lseccomp

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d)

deps:
	@if dpkg -s $(DEPS) >/dev/null 2>&1; then echo "deps: all installed"; else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS); fi

demo: deps
	$(MAKE) berth
	./tests/demo.sh

unit: $(UNIT_BINS)
	./tests/run-unit.sh $(UNIT_BINS)

test: berth $(UNIT_BINS) $(TEST_HELPERS)
	./tests/run-all.sh $(UNIT_BINS)

# Start-up time and memory, side by side with runc and crun.
bench: berth
	./bench/run.sh

# Builds with clang too, as the standards require.
check-clang:
	$(MAKE) clean
	$(MAKE) CC=clang berth $(UNIT_BINS)

install: berth
	install -D -m 0755 berth $(DESTDIR)$(BINDIR)/berth

clean:
	rm -rf build berth

# ---- cgroup v2 VM tests ----
# The cgroup tests on a pure cgroup v2 host: Debian's 6.1 kernel booted under
# qemu TCG with every v2 controller enabled (tests/vm/; the first run
# downloads the kernel package into $(BERTH_VM_CACHE) and builds an initramfs).
BERTH_VM_CACHE ?= /var/cache/berth-vm
export BERTH_VM_CACHE

.PHONY: test-vm
test-vm: berth build/tests/test_cgroups build/tests/test_overlay build/tests/checker
	tests/vm/run.sh '$(CURDIR)/tests/vm/tests.sh'

# ---- real-client tests ----
# Podman 4.3 (+ conmon) and containerd 1.6 (ctr, io.containerd.runc.v2 shim)
# driving berth, each case side by side with runc (tests/clients/). The
# clients come from Debian; a missing one skips its file, saying why.
CLIENT_DEPS := podman conmon containerd umoci tmux runc jq bats bats-assert bats-support busybox-static

.PHONY: deps-clients test-clients
deps-clients:
	@if dpkg -s $(CLIENT_DEPS) >/dev/null 2>&1; then echo "deps-clients: all installed"; else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CLIENT_DEPS); fi

test-clients: berth deps-clients
	BERTH='$(CURDIR)/berth' bats --tap tests/clients
