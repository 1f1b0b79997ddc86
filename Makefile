# apic — the API compiler and its runtime, libapic.
#
#   make            build build/apic, build/libapic.a, build/libapic.so
#   make test       build and run every cmocka suite
#   make sanitize   the same tests built with ASan + UBSan, in build/san
#   make valgrind   the same tests under valgrind (leaks are errors)
#   make demo       the main job: see README.md
#   make fuzz       build the libFuzzer targets with clang, in build/fuzz
#   make install    PREFIX=/usr/local (and DESTDIR): apic, its man page, libapic, libapic-mock
#   make uninstall  remove what make install put there
#   make clean
#
# Each part of the project adds its rules in its own fragment (generator/generator.mk,
# runtime/runtime.mk, tests/*/*.mk, ...), included below; this file holds what they share.

VERSION  := 0.1.0
BUILD    ?= build
PKGS      = libuv libcurl libcjson libfyaml
TEST_PKGS = cmocka libmicrohttpd

WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wwrite-strings
WERROR  ?= -Werror
OPT     ?= -O2 -g
SAN_OPT  = -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all -fsanitize=address,undefined
SAN_LD   = -fsanitize=address,undefined

# Install missing Debian packages before anything asks pkg-config (not for clean).
ifeq ($(filter clean,$(MAKECMDGOALS)),)
DEPS_STATUS := $(shell sh scripts/install-deps.sh --if-missing >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error build dependencies are missing: see the message above)
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(TEST_PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm
TEST_LIBS  := $(shell pkg-config --libs $(TEST_PKGS))

INCLUDES    = -Iruntime/include -Igenerator -I$(BUILD)/generator
ALL_CFLAGS  = $(WARN) $(WERROR) $(OPT) -D_POSIX_C_SOURCE=200809L $(INCLUDES) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDSAN) $(LDFLAGS)

# Filled by the fragments.
ALL_TARGETS  :=
TEST_BINS    :=
FUZZ_TARGETS :=
ALL_OBJS     :=

.PHONY: all test sanitize valgrind demo fuzz install uninstall clean
.SECONDARY: # keep objects built through pattern chains (test binaries)
.SECONDEXPANSION:
all:

include $(sort $(wildcard generator/*.mk runtime/*.mk mock/*.mk tests/*/*.mk examples/*.mk bench/*.mk))

all: $(ALL_TARGETS)

# Runs every suite, TEST_JOBS at a time, even when one fails, then fails if any did.
TEST_TIMEOUT ?= 600
TEST_JOBS ?= 2
test: all $(TEST_BINS)
	@sh scripts/run-tests.sh $(TEST_JOBS) $(TEST_TIMEOUT) $(BUILD)/test-logs '$(TEST_WRAP)' $(TEST_BINS)

sanitize:
	$(MAKE) BUILD=build/san OPT="$(SAN_OPT)" LDSAN="$(SAN_LD)" test

VALGRIND = valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
           --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
valgrind:
	$(MAKE) BUILD=build/vg OPT="-O0 -g" TEST_WRAP="$(VALGRIND)" APIC_UNDER_VALGRIND=1 test

demo: all
	sh scripts/demo.sh $(BUILD) $(EXAMPLES)

fuzz: $(FUZZ_TARGETS)

# apic (templates and runtime sources built in: it needs nothing else), apic.1, libapic (static;
# shared as libapic.so.VERSION with soname libapic.so.0; headers; libapic.pc) and libapic-mock
# (static only; libapic-mock.pc). SDKs generated without --bundle-runtime find libapic through
# pkg-config. The .pc files name PREFIX, not DESTDIR (DESTDIR is a staging root for packagers).
PREFIX ?= /usr/local
INSTALL_ROOT = $(DESTDIR)$(PREFIX)
INSTALL_HEADERS = $(wildcard runtime/include/apic/*.h) mock/include/apic/mock.h
INSTALLED = bin/apic share/man/man1/apic.1 lib/libapic.a lib/libapic.so lib/libapic.so.0 \
            lib/libapic.so.$(VERSION) lib/libapic-mock.a lib/pkgconfig/libapic.pc \
            lib/pkgconfig/libapic-mock.pc $(addprefix include/apic/,$(notdir $(INSTALL_HEADERS)))

install: $(BUILD)/apic $(BUILD)/libapic.a $(BUILD)/libapic.so $(BUILD)/libapic-mock.a
	install -d $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/share/man/man1 $(INSTALL_ROOT)/include/apic \
	  $(INSTALL_ROOT)/lib/pkgconfig
	install -m 755 $(BUILD)/apic $(INSTALL_ROOT)/bin/
	install -m 644 docs/apic.1 $(INSTALL_ROOT)/share/man/man1/
	install -m 644 $(INSTALL_HEADERS) $(INSTALL_ROOT)/include/apic/
	install -m 644 $(BUILD)/libapic.a $(BUILD)/libapic-mock.a $(INSTALL_ROOT)/lib/
	install -m 755 $(BUILD)/libapic.so $(INSTALL_ROOT)/lib/libapic.so.$(VERSION)
	ln -sf libapic.so.$(VERSION) $(INSTALL_ROOT)/lib/libapic.so.0
	ln -sf libapic.so.0 $(INSTALL_ROOT)/lib/libapic.so
	for pc in runtime/libapic.pc.in mock/libapic-mock.pc.in; do \
	  sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $$pc > $(INSTALL_ROOT)/lib/pkgconfig/$$(basename $$pc .in) || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(INSTALL_ROOT)/,$(INSTALLED))
	rmdir $(INSTALL_ROOT)/include/apic 2>/dev/null || true

# The default BUILD is build/, which holds every variant (build/san, build/vg, build/fuzz...).
clean:
	rm -rf $(BUILD)

# One rule compiles every C file; fragments add flags per directory with target-specific
# EXTRA_CFLAGS (e.g. $(BUILD)/runtime/%.o: EXTRA_CFLAGS = -fPIC).
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

-include $(ALL_OBJS:.o=.d)
