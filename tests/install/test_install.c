/* make install PREFIX=... (and DESTDIR): apic, its man page, libapic and libapic-mock land
 * where pkg-config finds them; the installed apic works outside the repo; an SDK it generates
 * (without --bundle-runtime) builds against the installed libapic through pkg-config with make
 * and with cmake, and programs link and run; make uninstall takes it all away again. The
 * install and the SDK are the shared builds' (sdk-fixture.sh: prefix/, sdk/, cbuild/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdk_util.h"

static char dir[64];

/* The make of this repo, for BUILD's objects (under make test, MAKEFLAGS passes the variant's
 * OPT and LDSAN along too, so nothing is rebuilt with other flags). */
#define MAKE "make -s BUILD=" APIC_BUILD
/* pkg-config and the dynamic linker, pointed at the prefix. */
#define PC_ENV "PKG_CONFIG_PATH=\"$PWD/prefix/lib/pkgconfig\""
#define LIB_ENV "LD_LIBRARY_PATH=\"$PWD/prefix/lib\""

static int setup(void **state)
{
  (void)state;
  return sdk_fixture(dir);
}

static void test_installs_the_files(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s/prefix' && test -x bin/apic && test -f share/man/man1/apic.1 && "
                                 "test -f lib/libapic.a && test -f lib/libapic-mock.a && test -f include/apic/client.h && "
                                 "test -f include/apic/mock.h && test \"$(readlink lib/libapic.so)\" = libapic.so.0 && "
                                 "test \"$(readlink lib/libapic.so.0)\" = libapic.so.0.1.0 && "
                                 "readelf -d lib/libapic.so.0.1.0 | grep -q 'SONAME.*\\[libapic.so.0\\]'",
                           dir),
                   0);
  assert_int_equal(sdk_step(dir, "cd '%s' && " PC_ENV " && export PKG_CONFIG_PATH && "
                                 "test \"$(pkg-config --modversion libapic)\" = 0.1.0 && "
                                 "pkg-config --cflags libapic | grep -q -- \"-I$PWD/prefix/include\" && "
                                 "pkg-config --libs libapic-mock | grep -q -- -lmicrohttpd",
                           dir),
                   0);
}

/* From a directory outside the repo, with no access to it: help, and an SDK from a copy of
 * the spec (the templates are inside apic). The fixture generated sdk/ there with the
 * installed apic; a second run finds nothing to change. */
static void test_installed_apic_works_alone(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && prefix/bin/apic --help | grep -q generate && "
                                 "prefix/bin/apic generate spec/torale.api -o sdk --check && test -f sdk/src/client.c && "
                                 "test ! -e sdk/runtime",
                           dir),
                   0);
}

/* Every option `apic help COMMAND` lists is in the man page (which writes '-' as '\-'). */
static void test_man_page_covers_help(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && sed 's/\\\\-/-/g' prefix/share/man/man1/apic.1 > man.txt && "
                                 "for c in $(prefix/bin/apic --help | awk '/^commands:/{on=1;next} /^$/{on=0} on{print $1}'); do "
                                 "  grep -q \"^\\.B.* $c\\|^\\.BR $c\" man.txt || { echo \"no command $c\"; exit 1; }; "
                                 "  for o in $(prefix/bin/apic help $c | grep -o -e ' --*[a-z][a-z-]*' | sort -u); do "
                                 "    grep -q -e \"$o\" man.txt || { echo \"$c: no $o\"; exit 1; }; done; "
                                 "done; grep -q -e --version man.txt",
                           dir),
                   0);
}

/* The fixture built sdk/ with its Makefile against the install. */
static void test_sdk_builds_against_install_with_make(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && export " PC_ENV " && "
                                 "cc -std=c11 -Wall -Werror -Isdk/include $(pkg-config --cflags libapic) -o prog main.c "
                                 "sdk/build/libtorale.a $(pkg-config --libs libapic libcjson) " TEST_LDFLAGS " && "
                                 "cc -std=c11 -Wall -Werror $(pkg-config --cflags libapic-mock) -o mockprog mock.c "
                                 "$(pkg-config --libs libapic-mock) " TEST_LDFLAGS,
                           dir),
                   0);
  sdk_run_program(dir, LIB_ENV, "prog");
  sdk_run_program(dir, LIB_ENV, "mockprog");
}

/* And with its CMakeLists.txt (cbuild/). */
static void test_sdk_builds_against_install_with_cmake(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && export " PC_ENV " && "
                                 "cc -std=c11 -Wall -Werror -Isdk/include $(pkg-config --cflags libapic) -o cprog main.c "
                                 "-Lcbuild -ltorale $(pkg-config --libs libapic) " TEST_LDFLAGS,
                           dir),
                   0);
  sdk_run_program(dir, "LD_LIBRARY_PATH=\"$PWD/cbuild:$PWD/prefix/lib\"", "cprog");
}

/* A staged install (DESTDIR) whose .pc files name the real prefix; make uninstall leaves
 * nothing behind. */
static void test_uninstall_and_destdir(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "rm -rf '%s/stage' && " MAKE " install DESTDIR='%s/stage' PREFIX=/opt/apic && "
                                 "test -x '%s/stage/opt/apic/bin/apic' && "
                                 "grep -qx prefix=/opt/apic '%s/stage/opt/apic/lib/pkgconfig/libapic.pc' && "
                                 MAKE " uninstall DESTDIR='%s/stage' PREFIX=/opt/apic && test -z \"$(find '%s/stage' ! -type d)\"",
                           dir, dir, dir, dir, dir, dir),
                   0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_installs_the_files),
      cmocka_unit_test(test_installed_apic_works_alone),
      cmocka_unit_test(test_man_page_covers_help),
      cmocka_unit_test(test_sdk_builds_against_install_with_make),
      cmocka_unit_test(test_sdk_builds_against_install_with_cmake),
      cmocka_unit_test(test_uninstall_and_destdir),
  };
  return cmocka_run_group_tests_name("install: make install, and SDKs built against it", tests, setup, NULL);
}
