# nimbus — build, test, run. Plain GNU make; see docs/BUILD.md.
#
#   make            release build → build/nimbus
#   make run        install deps, build, start nimbus in the foreground
#   make test       install deps, build, unit tests (plain + ASan/UBSan), e2e (plain, and every
#                   suite again against the ASan/UBSan build), reliability (bounded), fuzz briefly
#   make reliability  the full reliability suite (20 kill -9 rounds, bigger floods)
#   make asan       sanitizer build → build/asan/nimbus
#   make unit       unit tests only (release build)
#   make fuzz       every fuzz target for FUZZ_SECONDS each (default 3600)
#   make bench      benchmarks against the peers (bench/README.md)

# Builds run in parallel on every core; V=1 shows the full compiler commands.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
Q       := $(if $(V),,@)
CC      ?= cc
CLANG   ?= clang
PKGS    := libuv jansson openssl libseccomp yaml-0.1 libzstd libpcre2-8
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes -Wvla
CSTD    := -std=c11 -D_GNU_SOURCE
# llhttp (Node.js's HTTP/1.1 parser, http-parser's successor) comes as generated
# C sources in Debian's node-llhttp: compiled into every flavour below as
# third-party code, under its own warning flags (ours stay -Werror).
LLHTTP_DIR := /usr/share/llhttp
LLHTTP_INC := /usr/share/include/llhttp
LLHTTP_SRC := llhttp api http
LLHTTP_CF  := -std=c11 -Wall -Wextra -Wno-unused-parameter
INCS    := -Isrc -Iinclude -Ibuild/gen -I$(LLHTTP_INC)
CFLAGS  ?= -O2 -g
DEPCF   = $(shell pkg-config --cflags $(PKGS) libarchive 2>/dev/null)
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llmdb -lz -lisal -lpthread -lm

SRCS    := $(shell find src -name '*.c' | sort)
LIBSRCS := $(filter-out src/main.c,$(SRCS))
EMBED   := $(shell find runtimes -type f 2>/dev/null | grep -v -e node_modules -e __pycache__ | sort)
GEN     := build/gen/embedded_files.c
TESTS   := $(patsubst tests/unit/%.c,%,$(filter-out tests/unit/test_main.c,$(wildcard tests/unit/test_*.c)))
FUZZERS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))


# --- flavours: release (build/) and sanitizers (build/asan/) -----------------
REL_OBJ  := $(patsubst src/%.c,build/obj/%.o,$(LIBSRCS)) build/obj/gen/embedded_files.o \
            $(patsubst %,build/obj/llhttp/%.o,$(LLHTTP_SRC))
ASAN_OBJ := $(patsubst src/%.c,build/asan/obj/%.o,$(LIBSRCS)) build/asan/obj/gen/embedded_files.o \
            $(patsubst %,build/asan/obj/llhttp/%.o,$(LLHTTP_SRC))
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.SECONDARY:
.PHONY: all run test unit unit-asan asan e2e e2e-asan fuzz fuzz-quick bench bench-quick reliability soak deps clean
all: build/nimbus

deps:
	@scripts/install-deps.sh

# The native runtime's runner as a small executable of its own (libc + libdl):
# embedded as runtimes/native/bootstrap, it starts in ~1 ms where the nimbus
# binary (`nimbus native-runner`) first loads two dozen shared libraries.
# It also carries the sandbox's child code: the blank pool's processes exec it
# once isolated and wait there for a function (src/sandbox/sbx_blank.c); the
# parent-side functions of those files are dropped (--gc-sections), so it
# still needs only libc.
NATIVE_BOOTSTRAP := build/gen/runtimes/native/bootstrap
NATIVE_SBX := src/sandbox/sbx_blank.c src/sandbox/sbx_child.c src/sandbox/sbx_wire.c src/sandbox/sbx_mount.c \
              src/sandbox/sbx_caps.c src/sandbox/sbx_seccomp.c src/sandbox/sbx_net.c
$(NATIVE_BOOTSTRAP): $(wildcard src/lambda_native/*.c src/lambda_native/*.h) src/core/alloc.c src/core/alloc.h \
                     include/nimbus/lambda.h $(NATIVE_SBX) src/sandbox/sbx_internal.h src/sandbox/sbx_blank.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -s -ffunction-sections -fdata-sections -Wl,--gc-sections -DLAMBDA_NATIVE_STANDALONE \
	    $(INCS) -o $@ $(filter %.c,$^) -ldl

# The same runner built with ASan and UBSan, for tests/runtimes/run.sh.
build/runtimes-test/native-runner: $(wildcard src/lambda_native/*.c src/lambda_native/*.h) src/core/alloc.c \
                     src/core/alloc.h include/nimbus/lambda.h $(NATIVE_SBX) src/sandbox/sbx_internal.h src/sandbox/sbx_blank.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	    -ffunction-sections -fdata-sections -Wl,--gc-sections \
	    -DLAMBDA_NATIVE_STANDALONE $(INCS) -o $@ $(filter %.c,$^) -ldl

# Plain mode's per-instance supervisor (src/sandbox/sbx_supervise.c) as a small
# executable of its own (libc only), embedded as sandbox/supervisor: executed
# from a memfd per plain instance, ~10 ms of CPU less than re-executing nimbus.
SBX_SUPERVISOR := build/gen/sandbox/supervisor
$(SBX_SUPERVISOR): src/sandbox/sbx_supervise.c src/sandbox/sbx_internal.h src/sandbox/sandbox.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -s -DSBX_SUPERVISOR_STANDALONE $(INCS) -o $@ src/sandbox/sbx_supervise.c

build/gen/embedded_files.c: scripts/embed.sh $(EMBED) $(NATIVE_BOOTSTRAP) $(SBX_SUPERVISOR)
	@mkdir -p $(@D)
	scripts/embed.sh $(EMBED) $(NATIVE_BOOTSTRAP) $(SBX_SUPERVISOR) > $@.tmp && mv $@.tmp $@

build/obj/gen/embedded_files.o: $(GEN) src/core/embedded.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(CSTD) $(CFLAGS) $(INCS) -c $< -o $@
build/asan/obj/gen/embedded_files.o: $(GEN) src/core/embedded.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(CSTD) $(SANFLAGS) $(INCS) -c $< -o $@

build/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c $(LLHTTP_INC)/llhttp.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(LLHTTP_CF) $(CFLAGS) -I$(LLHTTP_INC) -c $< -o $@
build/asan/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c $(LLHTTP_INC)/llhttp.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(LLHTTP_CF) $(SANFLAGS) -I$(LLHTTP_INC) -c $< -o $@

build/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) $(DEPCF) -MMD -MP -c $< -o $@
build/asan/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) $(DEPCF) -MMD -MP -c $< -o $@

# Start-up: the release binary links the Debian libraries statically from their
# -dev packages' .a files, so exec maps one object and the dynamic loader
# resolves no symbols but libc/libm's (docs/PERFORMANCE.md "Start-up" has the
# numbers). It stays a PIE, as Debian builds daemons: a position-dependent
# image saved ~2 ms of relocation at start, but would put OpenSSL's and our
# code at fixed addresses in a process that parses untrusted input. Nothing is
# exported (no -rdynamic; --exclude-libs for the archives): a dlopen()ed
# libarchive or native handler binds to its own shared copies of the
# libraries, never to ours. Unit tests and sanitizer builds keep the shared
# libraries.
STATIC_LIBS := -luv_a -ljansson -lssl -lcrypto -lseccomp -lyaml -lpcre2-8 -llmdb -lz -lzstd
REL_LDFLAGS := -pie -Wl,-O1 -Wl,--as-needed -Wl,--exclude-libs,ALL
build/nimbus: build/obj/main.o $(REL_OBJ)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(REL_LDFLAGS) -o $@ $^ -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lisal -lpthread -lm -ldl
build/asan/nimbus: build/asan/obj/main.o $(ASAN_OBJ)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(SANFLAGS) -rdynamic -o $@ $^ $(LIBS) -ldl
asan: build/asan/nimbus

# --- unit tests: each tests/unit/test_X.c is one binary ---------------------
# The sandbox suite's hostile function, built once (each test copies it).
build/tests/hostile: tests/sandbox/hostile.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O1 -w -o $@ $<
# A native handler that reports its sandbox (run in-process by a pooled blank).
build/tests/probe_handler.so: tests/sandbox/probe_handler.c include/nimbus/lambda.h
	@mkdir -p $(@D)
	$(Q)$(CC) -O1 -w -shared -fPIC -Iinclude -o $@ $<
build/tests/test_sandbox build/asan/tests/test_sandbox: build/tests/hostile build/tests/probe_handler.so
build/tests/%: tests/unit/%.c tests/unit/test_main.c tests/unit/test.h $(REL_OBJ)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) $(DEPCF) -Itests/unit -o $@ $< tests/unit/test_main.c $(REL_OBJ) $(LIBS) -larchive -ldl
build/asan/tests/%: tests/unit/%.c tests/unit/test_main.c tests/unit/test.h $(ASAN_OBJ)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) $(DEPCF) -Itests/unit -o $@ $< tests/unit/test_main.c $(ASAN_OBJ) $(LIBS) -larchive -ldl

unit: $(addprefix build/tests/,$(TESTS)) build/nimbus
	@scripts/run-unit.sh build/tests $(TESTS)
unit-asan: $(addprefix build/asan/tests/,$(TESTS)) build/asan/nimbus
	@scripts/run-unit.sh build/asan/tests $(TESTS)

# --- end-to-end: real clients against a started nimbus ----------------------
# Every suite end to end against the sanitizer build as well (empty: no filter;
# E2E_ASAN_ONLY="./lambda/ ./sandbox/" chooses). The Lambda and sandbox suites
# (Runtime API, invoke path, code cache, logs, sandbox set-up) add 1.5-5 min
# (median 2.3) to the 3-6 of the others on 2 shared cores (docs/BUILD.md). A sanitizer report in a
# daemon's log fails its test (tests/e2e/harness.py, Nimbus.stop).
E2E_ASAN_ONLY ?=
e2e-asan: build/asan/nimbus
	@E2E_ONLY="$(E2E_ASAN_ONLY)" tests/e2e/run.sh build/asan/nimbus

e2e: build/nimbus
	@tests/e2e/run.sh build/nimbus

# --- fuzzing (clang libFuzzer) ----------------------------------------------
FUZZ_SECONDS ?= 3600
FUZZ_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIBSRCS)) build/fuzz/obj/gen/embedded_files.o \
            $(patsubst %,build/fuzz/obj/llhttp/%.o,$(LLHTTP_SRC))
FUZZCF   := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
build/fuzz/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c $(LLHTTP_INC)/llhttp.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CLANG) $(LLHTTP_CF) $(FUZZCF) -I$(LLHTTP_INC) -c $< -o $@
build/fuzz/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CLANG) $(CSTD) $(WARN) -Wno-unknown-warning-option $(FUZZCF) $(INCS) $(DEPCF) -MMD -MP -c $< -o $@
build/fuzz/obj/gen/embedded_files.o: $(GEN) src/core/embedded.h
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  CC $@")
	$(Q)$(CLANG) $(CSTD) $(FUZZCF) $(INCS) -c $< -o $@
build/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CLANG) $(CSTD) $(FUZZCF) -fsanitize=fuzzer $(INCS) $(DEPCF) -o $@ $< $(FUZZ_OBJ) $(LIBS) -ldl
fuzz: $(addprefix build/fuzz/,$(FUZZERS))
	@scripts/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)
fuzz-quick: $(addprefix build/fuzz/,$(FUZZERS))
	@FUZZ_SEED=$${FUZZ_SEED:-1} scripts/run-fuzz.sh $${FUZZ_QUICK_SECONDS:-10} $(FUZZERS)

# --- the two README commands --------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

test: deps
	@$(MAKE) --no-print-directory all asan
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@tests/runtimes/run.sh
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory e2e-asan
	@tests/reliability/run.sh quick build/nimbus
	@$(MAKE) --no-print-directory fuzz-quick

# Micro-benchmarks linked against the daemon's objects: the gateway's own
# cost per request, which bench/workloads/apigw.sh records (bench/README.md).
build/bench/apigw_micro: bench/apigw_micro.c $(REL_OBJ)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) -o $@ $< $(REL_OBJ) $(LIBS) -larchive -ldl

build/bench/auth_bench: bench/auth_bench.c $(REL_OBJ)
	@mkdir -p $(@D)
	@$(if $(V),:,echo "  LD $@")
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) -o $@ $< $(REL_OBJ) $(LIBS) -larchive -ldl

bench: deps all build/bench/apigw_micro build/bench/auth_bench
	@bench/run.sh full
bench-quick: deps all build/bench/apigw_micro build/bench/auth_bench
	@bench/run.sh quick
reliability: deps all
	@tests/reliability/run.sh full build/nimbus
	@tests/reliability/valgrind.sh
soak: deps all
	@tests/reliability/soak.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
