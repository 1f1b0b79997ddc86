/* The generated SDK builds on its own: copied out of the repo, built with its Makefile and
 * with its CMakeLists.txt against libapic, then a small program links it and runs. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Given by the build: the libapic archive and the link flags of its dependencies. */
#ifndef LIBAPIC_A
#error "build with -DLIBAPIC_A=... -DDEP_LIBS=..."
#endif

static char dir[64], repo[1024];

static const char PROGRAM[] =
    "#include <stdio.h>\n#include <string.h>\n#include <torale/torale.h>\n"
    "int main(void) {\n"
    "  const char *j = \"{\\\"execution_id\\\":\\\"e1\\\",\\\"status\\\":\\\"success\\\",\\\"at\\\":\\\"2024-01-01T00:00:00Z\\\"}\";\n"
    "  torale_execution_event *ev = NULL;\n"
    "  if (torale_execution_event_parse(j, strlen(j), &ev, NULL) != 0) return 1;\n"
    "  printf(\"%s %s\\n\", ev->execution_id, torale_execution_status_to_string(ev->status));\n"
    "  torale_execution_event_free(ev);\n  return 0;\n}\n";

static int sh(const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  return system(cmd);
}

static int setup(void **state)
{
  (void)state;
  assert_non_null(getcwd(repo, sizeof repo));
  strcpy(dir, "/tmp/apic-sdk-XXXXXX");
  assert_non_null(mkdtemp(dir));
  assert_int_equal(sh("cp -r '%s/generated/torale' '%s/sdk'", repo, dir), 0);
  FILE *f = fopen(strcat(strcpy((char[128]){0}, dir), "/main.c"), "w");
  assert_non_null(f);
  fputs(PROGRAM, f);
  fclose(f);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  return sh("rm -rf '%s'", dir) == 0 ? 0 : -1;
}

/* Links main.c with the SDK library at lib and runs it. */
static void link_and_run(const char *lib)
{
  assert_int_equal(sh("cc -std=c11 -I'%s/sdk/include' -I'%s/runtime/include' $(pkg-config --cflags libcjson) "
                      "-o '%s/prog' '%s/main.c' '%s' '%s/%s' %s > '%s/link.log' 2>&1",
                      dir, repo, dir, dir, lib, repo, LIBAPIC_A, DEP_LIBS, dir), 0);
  assert_int_equal(sh("'%s/prog' > '%s/out.txt'", dir, dir), 0);
  char out[64] = {0};
  FILE *f = fopen(strcat(strcpy((char[128]){0}, dir), "/out.txt"), "r");
  assert_non_null(f);
  assert_non_null(fgets(out, sizeof out, f));
  fclose(f);
  assert_string_equal(out, "e1 success\n");
}

static void test_builds_with_make(void **state)
{
  (void)state;
  assert_int_equal(sh("make -s -C '%s/sdk' APIC_CFLAGS='-I%s/runtime/include' APIC_LIBS='%s/%s %s' > '%s/make.log' 2>&1",
                      dir, repo, repo, LIBAPIC_A, DEP_LIBS, dir), 0);
  char lib[256];
  snprintf(lib, sizeof lib, "%s/sdk/build/libtorale.a", dir);
  assert_int_equal(access(lib, F_OK), 0);
  link_and_run(lib);
}

static void test_builds_with_cmake(void **state)
{
  (void)state;
  if (sh("command -v cmake > /dev/null 2>&1") != 0)
    skip();
  assert_int_equal(sh("cmake -S '%s/sdk' -B '%s/cbuild' -DAPIC_INCLUDE_DIR='%s/runtime/include' "
                      "-DAPIC_LIBRARY='%s/%s' > '%s/cmake.log' 2>&1 && cmake --build '%s/cbuild' >> '%s/cmake.log' 2>&1",
                      dir, dir, repo, repo, LIBAPIC_A, dir, dir, dir), 0);
  char lib[256];
  snprintf(lib, sizeof lib, "%s/cbuild/libtorale.a", dir);
  link_and_run(lib);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builds_with_make),
      cmocka_unit_test(test_builds_with_cmake),
  };
  return cmocka_run_group_tests_name("models: the SDK builds on its own", tests, setup, teardown);
}
