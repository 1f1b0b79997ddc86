/* apic generate --bundle-runtime: the SDK directory carries libapic's and libapic-mock's
 * sources, exactly as built into apic, and builds alone outside the repo with its Makefile and
 * with its CMakeLists.txt (only Debian's libcurl, libuv, cJSON and libmicrohttpd); a program
 * links it and runs. A later run without the option removes the bundle. */
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
  if (sdk_workdir(dir, "bundle") != 0)
    return -1;
  return sdk_step(dir, APIC_BUILD "/apic generate spec/torale.api -o '%s/sdk' --bundle-runtime && " APIC_BUILD
                       "/apic dump spec/torale.api > '%s/torale.json'",
                  dir, dir);
}

static int teardown(void **state)
{
  (void)state;
  return sdk_cleanup(dir);
}

static void test_bundle_is_the_runtime(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "for f in " RUNTIME_FILES "; do cmp \"$f\" '%s/sdk/'\"$f\" || exit 1; done; "
                                 "for f in " MOCK_FILES "; do cmp \"$f\" '%s/sdk/runtime/'\"$f\" || exit 1; done; "
                                 "test $(ls " RUNTIME_FILES " " MOCK_FILES " | wc -l) = $(find '%s/sdk/runtime' -type f | wc -l)",
                           dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, "grep -qx runtime/src/model.c '%s/sdk/.apic-manifest' && "
                                 "grep -qx runtime/mock/src/server.c '%s/sdk/.apic-manifest'",
                           dir, dir),
                   0);
}

/* Deterministic: a second run changes nothing. Without the option, the bundle goes (and the
 * directories it leaves empty). Run on a copy, so the builds below keep theirs. */
static void test_rerun_keeps_or_removes_the_bundle(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cp -r '%s/sdk' '%s/again' && " APIC_BUILD "/apic generate spec/torale.api -o '%s/again' --bundle-runtime --check",
                           dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, APIC_BUILD "/apic generate spec/torale.api -o '%s/again' && test ! -e '%s/again/runtime' && "
                                 "! grep -q runtime/ '%s/again/.apic-manifest' && test -f '%s/again/src/models.c'",
                           dir, dir, dir, dir),
                   0);
}

static void test_builds_alone_with_make(void **state)
{
  (void)state;
  /* -O0: the point is that it builds and links, not speed; -Werror: the runtime and the
   * generated code are warning-clean in the SDK's own flags too. */
  assert_int_equal(sdk_step(dir, "cd '%s/sdk' && make -j2 CFLAGS='-O0 -Werror' all build/libapic-mock.a", dir), 0);
  /* The shared library exports the SDK's and libapic's API, and nothing else. */
  assert_int_equal(sdk_step(dir, "nm -D --defined-only '%s/sdk/build/libtorale.so' | awk '{print $3}' > '%s/syms' && "
                                 "grep -q '^torale_client_new$' '%s/syms' && grep -q '^apic_client_new$' '%s/syms' && "
                                 "! grep -v -e '^torale_' -e '^apic_' '%s/syms'",
                           dir, dir, dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, "cd '%s' && cc -std=c11 -Wall -Werror -Isdk/include -Isdk/runtime/include $(pkg-config --cflags " DEPS ") "
                                 "-o prog main.c sdk/build/libtorale.a sdk/build/libapic.a $(pkg-config --libs " DEPS ") -lm && "
                                 "cc -std=c11 -Wall -Werror -Isdk/runtime/mock/include -o mockprog mock.c sdk/build/libapic-mock.a "
                                 "sdk/build/libapic.a $(pkg-config --libs " DEPS " libmicrohttpd) -lpthread -lm",
                           dir),
                   0);
  sdk_run_program(dir, "", "prog");
  sdk_run_program(dir, "", "mockprog");
}

/* CMake: the shared library this time, which carries libapic inside it. */
static void test_builds_alone_with_cmake(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cmake -S '%s/sdk' -B '%s/cbuild' -DCMAKE_C_FLAGS=-Werror && "
                                 "cmake --build '%s/cbuild' -j2 && cmake --build '%s/cbuild' -j2 --target torale_apic_mock",
                           dir, dir, dir, dir),
                   0);
  assert_int_equal(sdk_step(dir, "cd '%s' && cc -std=c11 -Wall -Werror -Isdk/include -Isdk/runtime/include $(pkg-config --cflags libcjson) "
                                 "-o cprog main.c -Lcbuild -ltorale",
                           dir),
                   0);
  sdk_run_program(dir, "LD_LIBRARY_PATH=cbuild", "cprog");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundle_is_the_runtime),
      cmocka_unit_test(test_rerun_keeps_or_removes_the_bundle),
      cmocka_unit_test(test_builds_alone_with_make),
      cmocka_unit_test(test_builds_alone_with_cmake),
  };
  return cmocka_run_group_tests_name("install: an SDK with its runtime bundled", tests, setup, teardown);
}
