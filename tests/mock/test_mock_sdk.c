/* The generated SDK's own build of its mock server, outside the repo: `make mock` and CMake's
 * <api>-mock target, with the runtime bundled (--bundle-runtime) and against an installed
 * libapic-mock found by pkg-config. Each program must print its "listening on" line and exit 0
 * on SIGTERM. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mock_proc.h"
#include "sdk_util.h"

static char dir[64];
static mp_child child = {0, -1, 0, "", ""};

#define PC_ENV "PKG_CONFIG_PATH='%s/prefix/lib/pkgconfig'"

/* Torale bundled, Bloomy plain (for the install), and the install: the shared SDK builds
 * (tests/install/sdk-fixture.sh), which this suite adds the mocks' builds to. */
static int setup(void **state)
{
  (void)state;
  return sdk_fixture(dir);
}

static int teardown(void **state)
{
  (void)state;
  mp_kill(&child);
  return 0;
}

static int kill_child(void **state)
{
  (void)state;
  mp_kill(&child);
  return 0;
}

/* Runs dir/rel --port 0: the first line names a port, SIGTERM ends it with 0. */
static void runs(const char *rel)
{
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  char *args[] = {path, (char *)"--port", (char *)"0", NULL};
  mp_spawn(args, &child);
  assert_int_not_equal(mp_listening(&child), 0);
  assert_int_equal(kill(child.pid, SIGTERM), 0);
  assert_int_equal(mp_wait(&child, 10000), 0);
}

static void bundled_make(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "make -C '%s/bundled' -j2 mock CFLAGS='-O0 -Werror'", dir), 0);
  runs("bundled/build/torale-mock");
}

static void bundled_cmake(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cmake -S '%s/bundled' -B '%s/bcb' -DCMAKE_C_FLAGS=-Werror && "
                                 "cmake --build '%s/bcb' -j2 --target torale-mock", dir, dir, dir),
                   0);
  runs("bcb/torale-mock");
}

/* The installed libapic is shared: the programs find it through LD_LIBRARY_PATH. The
 * sanitizer builds' archives need their runtimes at link time (TEST_LDFLAGS). */
static void use_installed_libapic(void)
{
  char lib[128];
  snprintf(lib, sizeof lib, "%s/prefix/lib", dir);
  assert_int_equal(setenv("LD_LIBRARY_PATH", lib, 1), 0);
}

static void installed_make(void **state)
{
  (void)state;
  use_installed_libapic();
  assert_int_equal(sdk_step(dir, PC_ENV " make -C '%s/plain' mock CFLAGS='-O0 -Werror' LDFLAGS='" TEST_LDFLAGS "'",
                            dir, dir),
                   0);
  runs("plain/build/bloomy-mock");
}

static void installed_cmake(void **state)
{
  (void)state;
  use_installed_libapic();
  assert_int_equal(sdk_step(dir, "export " PC_ENV " && cmake -S '%s/plain' -B '%s/pcb' -DCMAKE_C_FLAGS=-Werror "
                                 "-DCMAKE_EXE_LINKER_FLAGS='" TEST_LDFLAGS "' && cmake --build '%s/pcb' -j2 --target "
                                 "bloomy-mock", dir, dir, dir, dir),
                   0);
  runs("pcb/bloomy-mock");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(bundled_make, kill_child),
    cmocka_unit_test_teardown(bundled_cmake, kill_child),
    cmocka_unit_test_teardown(installed_make, kill_child),
    cmocka_unit_test_teardown(installed_cmake, kill_child),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
