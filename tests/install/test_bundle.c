/* apic generate --bundle-runtime: the SDK directory carries libapic's and libapic-mock's
 * sources, exactly as built into apic, and builds alone outside the repo with its Makefile and
 * with its CMakeLists.txt (only Debian's libcurl, libuv, cJSON and libmicrohttpd); a program
 * links it and runs. A later run without the option removes the bundle. The SDK and its
 * builds are the shared ones (sdk-fixture.sh: bundled/, built by make, and bcb/ by CMake). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdk_util.h"

static char dir[64];

/* The runtime's files, where the bundle puts them: runtime/X stays, mock/X goes under runtime/. */
#define RUNTIME_FILES "runtime/include/apic/*.h runtime/src/*.[ch]"
#define MOCK_FILES "mock/include/apic/*.h mock/src/*.[ch]"
#define DEPS "libcurl libuv libcjson"

static int setup(void **state)
{
  (void)state;
  return sdk_fixture(dir);
}

static void test_bundle_is_the_runtime(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "for f in " RUNTIME_FILES "; do cmp \"$f\" '%s/bundled/'\"$f\" || exit 1; done; "
                                 "for f in " MOCK_FILES "; do cmp \"$f\" '%s/bundled/runtime/'\"$f\" || exit 1; done; "
                                 "test $(ls " RUNTIME_FILES " " MOCK_FILES " | wc -l) = $(find '%s/bundled/runtime' -type f | wc -l)",
                           dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, "grep -qx runtime/src/model.c '%s/bundled/.apic-manifest' && "
                                 "grep -qx runtime/mock/src/server.c '%s/bundled/.apic-manifest'",
                           dir, dir),
                   0);
}

/* Deterministic: a second run changes nothing. Without the option, the bundle goes (and the
 * directories it leaves empty). Run on a copy, so the builds keep theirs. */
static void test_rerun_keeps_or_removes_the_bundle(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "rm -rf '%s/again' && cp -r '%s/bundled' '%s/again' && rm -rf '%s/again/build' && "
                                 APIC_BUILD "/apic generate spec/torale.api -o '%s/again' --bundle-runtime --check",
                           dir, dir, dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, APIC_BUILD "/apic generate spec/torale.api -o '%s/again' && test ! -e '%s/again/runtime' && "
                                 "! grep -q runtime/ '%s/again/.apic-manifest' && test -f '%s/again/src/models.c' && "
                                 "rm -rf '%s/again'",
                           dir, dir, dir, dir, dir),
                   0);
}

/* Built by the fixture with make -j2 CFLAGS='-O0 -Werror': the runtime and the generated code
 * are warning-clean in the SDK's own flags too. */
static void test_builds_alone_with_make(void **state)
{
  (void)state;
  /* The shared library carries the spec's version (1.0.0), exports the SDK's and libapic's
   * API, and nothing else. */
  assert_int_equal(sdk_step(dir, "cd '%s/bundled/build' && test \"$(readlink libtorale.so)\" = libtorale.so.1 && "
                                 "test \"$(readlink libtorale.so.1)\" = libtorale.so.1.0.0 && "
                                 "readelf -d libtorale.so.1.0.0 | grep -q 'SONAME.*\\[libtorale.so.1\\]'",
                           dir),
                   0);
  assert_int_equal(sdk_step(dir, "nm -D --defined-only '%s/bundled/build/libtorale.so' | awk '{print $3}' > '%s/syms' && "
                                 "grep -q '^torale_client_new$' '%s/syms' && grep -q '^apic_client_new$' '%s/syms' && "
                                 "grep -q '^torale_version$' '%s/syms' && ! grep -v -e '^torale_' -e '^apic_' '%s/syms'",
                           dir, dir, dir, dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, "cd '%s' && cc -std=c11 -Wall -Werror -Ibundled/include -Ibundled/runtime/include "
                                 "$(pkg-config --cflags " DEPS ") -o prog main.c bundled/build/libtorale.a bundled/build/libapic.a "
                                 "$(pkg-config --libs " DEPS ") -lm && "
                                 "cc -std=c11 -Wall -Werror -Ibundled/runtime/mock/include -o mockprog mock.c "
                                 "bundled/build/libapic-mock.a bundled/build/libapic.a $(pkg-config --libs " DEPS " libmicrohttpd) "
                                 "-lpthread -lm",
                           dir),
                   0);
  sdk_run_program(dir, "", "prog");
  sdk_run_program(dir, "", "mockprog");
}

/* CMake: the shared library this time, which carries libapic inside it; the program needs it
 * by its SONAME. */
static void test_builds_alone_with_cmake(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && cc -std=c11 -Wall -Werror -Ibundled/include -Ibundled/runtime/include "
                                 "$(pkg-config --cflags libcjson) -o cprog main.c -Lbcb -ltorale && "
                                 "readelf -d cprog | grep -q 'NEEDED.*\\[libtorale.so.1\\]'",
                           dir),
                   0);
  sdk_run_program(dir, "LD_LIBRARY_PATH=bcb", "cprog");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundle_is_the_runtime),
      cmocka_unit_test(test_rerun_keeps_or_removes_the_bundle),
      cmocka_unit_test(test_builds_alone_with_make),
      cmocka_unit_test(test_builds_alone_with_cmake),
  };
  return cmocka_run_group_tests_name("install: an SDK with its runtime bundled", tests, setup, NULL);
}
