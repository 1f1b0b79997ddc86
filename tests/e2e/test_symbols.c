/* Every global symbol each library defines carries its prefix (`nm --defined-only
 * --extern-only`): torale_ for the Torale SDK (with its generated mock), bloomy_ for Bloomy,
 * petstore_ for the Swagger petstore's, apic_ for libapic and libapic-mock. So any two generated SDKs link into one program with
 * libapic (the e2e suites do link Torale and Bloomy together). The libraries are given by the
 * build in E2E_LIBS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The prefix a library's symbols must have: "libtorale.a" -> "torale_", libapic* -> "apic_". */
static void prefix_of(const char *lib, char *out, size_t size)
{
  const char *base = strrchr(lib, '/') != NULL ? strrchr(lib, '/') + 4 : lib + 3; /* after "lib" */
  size_t n = strcspn(base, ".-");
  snprintf(out, size, "%.*s_", (int)n, base);
}

/* Counts the defined global symbols of lib, and those without the prefix (printed). */
static int foreign_symbols(const char *lib, int *total)
{
  char prefix[64], cmd[1024], line[1024];
  prefix_of(lib, prefix, sizeof prefix);
  snprintf(cmd, sizeof cmd, "nm --defined-only --extern-only '%s'", lib);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  int bad = 0;
  while (fgets(line, sizeof line, p) != NULL) {
    char addr[64], type[8], name[512];
    if (sscanf(line, "%63s %7s %511s", addr, type, name) != 3)
      continue; /* member headers ("x.o:") and blank lines */
    (*total)++;
    /* ASan (make sanitize) adds an ODR indicator per global, named after it */
    const char *own = strncmp(name, "__odr_asan.", 11) == 0 ? name + 11 : name;
    if (strncmp(own, prefix, strlen(prefix)) != 0) {
      fprintf(stderr, "%s: %s lacks the prefix %s\n", lib, name, prefix);
      bad++;
    }
  }
  assert_int_equal(pclose(p), 0);
  return bad;
}

static void every_symbol_is_prefixed(void **state)
{
  (void)state;
  char libs[2048];
  snprintf(libs, sizeof libs, "%s", E2E_LIBS);
  int checked = 0;
  for (char *lib = strtok(libs, " "); lib != NULL; lib = strtok(NULL, " ")) {
    int total = 0;
    assert_int_equal(foreign_symbols(lib, &total), 0);
    assert_true(total > 10); /* the library was read: it defines symbols */
    checked++;
  }
  assert_int_equal(checked, 5); /* torale, bloomy, petstore, libapic, libapic-mock */
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(every_symbol_is_prefixed)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
