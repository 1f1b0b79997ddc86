/* Versioned SDKs: the spec's version is the SDK's. The generated Torale (1.0.0) and Bloomy
 * (2.1.0) SDKs install with cmake --install (the fixture put them in sdkprefix/) and with make
 * install; a program outside the repo finds them with find_package and with pkg-config, and
 * sees the version in the headers' macros and in the library's <api>_version(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sdk_util.h"

static char dir[64];

/* Both SDKs in one program: the headers' versions and the libraries'. */
#define VERSIONS_C                                                                                                     \
  "#include <stdio.h>\n#include <torale/torale.h>\n#include <bloomy/bloomy.h>\n"                                       \
  "int main(void) {\n"                                                                                                 \
  "  printf(\"torale %s %s %d.%d.%d\\n\", torale_version(), TORALE_VERSION, TORALE_VERSION_MAJOR,\n"                   \
  "         TORALE_VERSION_MINOR, TORALE_VERSION_PATCH);\n"                                                            \
  "  printf(\"bloomy %s %s %d\\n\", bloomy_version(), BLOOMY_API_VERSION, BLOOMY_VERSION_MAJOR);\n"                    \
  "  return 0;\n}\n"
#define VERSIONS_OUT "torale 1.0.0 1.0.0 1.0.0\nbloomy 2.1.0 2.1.0 2\n"

/* A project that wants torale 1.x as a shared library and bloomy 2.x as a static one. */
#define PROJECT_CMAKE                                                                                                  \
  "cmake_minimum_required(VERSION 3.13)\nproject(versions C)\n"                                                       \
  "find_package(torale 1.0 REQUIRED)\nfind_package(bloomy 2 REQUIRED)\n"                                               \
  "add_executable(versions main.c)\n"                                                                                  \
  "target_link_libraries(versions PRIVATE torale::torale bloomy::bloomy_static)\n"

#define PC_ENV "PKG_CONFIG_PATH=\"$PWD/sdkprefix/lib/pkgconfig:$PWD/prefix/lib/pkgconfig\""
#define LIB_ENV "LD_LIBRARY_PATH=\"$PWD/sdkprefix/lib:$PWD/prefix/lib\""

static void put(const char *rel, const char *text)
{
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_not_equal(fputs(text, f), EOF);
  assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
  (void)state;
  if (sdk_fixture(dir) != 0 || sdk_step(dir, "cd '%s' && rm -rf app && mkdir app", dir) != 0)
    return -1;
  put("app/main.c", VERSIONS_C);
  put("app/CMakeLists.txt", PROJECT_CMAKE);
  return 0;
}

/* What the program printed is the versions. */
static void runs_and_prints_versions(const char *env, const char *exe)
{
  assert_int_equal(sdk_step(dir, "cd '%s' && %s %s > versions.txt", dir, env, exe), 0);
  char path[128], out[256] = {0};
  snprintf(path, sizeof path, "%s/versions.txt", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  out[fread(out, 1, sizeof out - 1, f)] = '\0';
  fclose(f);
  assert_string_equal(out, VERSIONS_OUT);
}

/* The library's file carries the full version, the SONAME the major one, and the links lead
 * there; the package files and the .pc say the version. */
static void test_installed_files_carry_the_version(void **state)
{
  (void)state;
  const char *sdks[][2] = {{"torale", "1.0.0"}, {"bloomy", "2.1.0"}};
  for (int i = 0; i < 2; i++) {
    const char *n = sdks[i][0], *v = sdks[i][1];
    assert_int_equal(sdk_step(dir, "cd '%s/sdkprefix' && test \"$(readlink lib/lib%s.so)\" = lib%s.so.%c && "
                                   "test \"$(readlink lib/lib%s.so.%c)\" = lib%s.so.%s && "
                                   "readelf -d lib/lib%s.so.%s | grep -q 'SONAME.*\\[lib%s.so.%c\\]' && "
                                   "test -f lib/lib%s.a && test -f include/%s/%s.h && test -f include/%s/models.h && "
                                   "test -f lib/cmake/%s/%sConfig.cmake && test -f lib/cmake/%s/%sConfigVersion.cmake && "
                                   "grep -qx 'Version: %s' lib/pkgconfig/%s.pc",
                             dir, n, n, v[0], n, v[0], n, v, n, v, n, v[0], n, n, n, n, n, n, n, n, v, n),
                     0);
  }
}

static void test_found_with_find_package(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && export " PC_ENV " && rm -rf appb && "
                                 "cmake -S app -B appb -DCMAKE_PREFIX_PATH=\"$PWD/sdkprefix\" "
                                 "-DCMAKE_EXE_LINKER_FLAGS='" TEST_LDFLAGS "' && cmake --build appb",
                           dir),
                   0);
  runs_and_prints_versions(LIB_ENV, "appb/versions");
  /* torale is 1.x: asking for 2 finds nothing (SameMajorVersion). */
  assert_int_equal(sdk_step(dir, "cd '%s' && export " PC_ENV " && rm -rf app2 && mkdir app2 && cp app/main.c app2/ && "
                                 "sed 's/torale 1.0/torale 2.0/' app/CMakeLists.txt > app2/CMakeLists.txt && "
                                 "! cmake -S app2 -B app2/b -DCMAKE_PREFIX_PATH=\"$PWD/sdkprefix\" > app2/log 2>&1 && "
                                 "grep -q 'toraleConfig.cmake, version: 1.0.0' app2/log",
                           dir),
                   0);
}

static void test_found_with_pkg_config(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && export " PC_ENV " && test \"$(pkg-config --modversion torale)\" = 1.0.0 && "
                                 "test \"$(pkg-config --modversion bloomy)\" = 2.1.0 && "
                                 "cc -std=c11 -Wall -Werror -o pcprog app/main.c $(pkg-config --cflags --libs torale bloomy) "
                                 TEST_LDFLAGS,
                           dir),
                   0);
  runs_and_prints_versions(LIB_ENV, "./pcprog");
}

/* The Makefile's install: the same library files, links and .pc. */
static void test_make_install(void **state)
{
  (void)state;
  assert_int_equal(sdk_step(dir, "cd '%s' && rm -rf minst && make -s -C sdk install PREFIX=\"$PWD/minst\" && "
                                 "test \"$(readlink minst/lib/libtorale.so)\" = libtorale.so.1 && "
                                 "test \"$(readlink minst/lib/libtorale.so.1)\" = libtorale.so.1.0.0 && "
                                 "readelf -d minst/lib/libtorale.so.1.0.0 | grep -q 'SONAME.*\\[libtorale.so.1\\]' && "
                                 "PKG_CONFIG_PATH=\"$PWD/minst/lib/pkgconfig:$PWD/prefix/lib/pkgconfig\" "
                                 "pkg-config --modversion torale | grep -qx 1.0.0",
                           dir),
                   0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_installed_files_carry_the_version),
      cmocka_unit_test(test_found_with_find_package),
      cmocka_unit_test(test_found_with_pkg_config),
      cmocka_unit_test(test_make_install),
  };
  return cmocka_run_group_tests_name("install: generated SDKs, versioned, installed and found", tests, setup, NULL);
}
