/* apic import and apic fmt as commands: their options, outputs and exit statuses (0 done,
 * 1 errors in the input, 2 usage or I/O). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "import_e2e.h"

#define APIC APIC_BUILD "/apic"
#define PETSTORE "tests/import/data/petstore-2.0.yaml"

static char dir[64];

static int setup(void **state)
{
  (void)state;
  return e2e_workdir(dir);
}

static int teardown(void **state)
{
  (void)state;
  e2e_cleanup(dir);
  return 0;
}

/* The exit status of a shell command (printf-style), its output in DIR/out and DIR/err. */
static int run(const char *fmt, ...)
{
  char cmd[4096], full[4400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  snprintf(full, sizeof full, "( %s ) > '%s/out' 2> '%s/err'", cmd, dir, dir);
  int rc = system(full);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* DIR/name's text (static buffer). */
static const char *file_text(const char *name)
{
  static char buf[1 << 16];
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  buf[0] = '\0';
  if (f != NULL) {
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
  }
  return buf;
}

static void import_statuses(void **state)
{
  (void)state;
  assert_int_equal(run(APIC " import"), 2);
  assert_int_equal(run(APIC " import --frobnicate " PETSTORE), 2);
  assert_int_equal(run(APIC " import a.yaml b.yaml"), 2);
  assert_int_equal(run(APIC " import %s/missing.yaml", dir), 2);
  assert_non_null(strstr(file_text("err"), "cannot read"));
  assert_int_equal(run("echo 'a: 1' | " APIC " import -"), 1);
  assert_non_null(strstr(file_text("err"), "not an OpenAPI document"));
  assert_int_equal(run(APIC " import " PETSTORE " --strict -o %s/strict.api", dir), 1);
  assert_non_null(strstr(file_text("err"), "--strict"));
  assert_int_equal(run("test -e %s/strict.api", dir), 1); /* nothing written */
}

static void import_outputs(void **state)
{
  (void)state;
  /* To stdout, the report on stderr. */
  assert_int_equal(run(APIC " import " PETSTORE), 0);
  assert_non_null(strstr(file_text("out"), "api swagger_petstore {"));
  assert_non_null(strstr(file_text("err"), "petstore-2.0.yaml:576:5: approximated:")); /* nothing is dropped */
  assert_non_null(strstr(file_text("err"), "apic: import: "));
  /* To a file, the report as JSON too; --quiet says nothing. */
  assert_int_equal(run(APIC " import " PETSTORE " --quiet --name pets -o %s/p.api --report %s/r.json", dir, dir), 0);
  assert_string_equal(file_text("err"), "");
  assert_non_null(strstr(file_text("p.api"), "api pets {"));
  char path[128];
  snprintf(path, sizeof path, "%s/r.json", dir);
  cJSON *report = e2e_read_json(path);
  assert_int_equal(cJSON_GetArraySize(report), 1); /* oauth2 as bearer */
  cJSON_Delete(report);
  assert_int_equal(run(APIC " check %s/p.api", dir), 0);
  /* The same with the resources by path. */
  assert_int_equal(run(APIC " import " PETSTORE " --by-path --no-infer --quiet"), 0);
  assert_non_null(strstr(file_text("out"), "resource pet \"/pet\""));
}

static void fmt_commands(void **state)
{
  (void)state;
  assert_int_equal(run(APIC " fmt"), 2);
  assert_int_equal(run(APIC " fmt -w --check spec/torale.api"), 2);
  assert_int_equal(run(APIC " fmt --check spec/torale.api spec/bloomy.api spec/common/errors.api"), 0);
  assert_string_equal(file_text("out"), "");
  /* A copy laid out otherwise: listed by --check (1), rewritten by -w, then formatted. */
  assert_int_equal(run("printf 'api a{title=\"A\";}\\n// kept\\nmodel M{x:int;}\\n' > %s/m.api", dir), 0);
  assert_int_equal(run(APIC " fmt --check %s/m.api", dir), 1);
  assert_non_null(strstr(file_text("out"), "m.api"));
  assert_int_equal(run(APIC " fmt -w %s/m.api", dir), 0);
  assert_string_equal(file_text("m.api"), "api a {\n    title = \"A\";\n}\n// kept\nmodel M { x: int; }\n");
  assert_int_equal(run(APIC " fmt --check %s/m.api", dir), 0);
  /* stdin to stdout. */
  assert_int_equal(run("printf 'model M{x:int;}' | " APIC " fmt -"), 0);
  assert_string_equal(file_text("out"), "model M { x: int; }\n");
  /* Syntax errors: reported, the file left as it was. */
  assert_int_equal(run("printf 'model M { x: }\\n' > %s/bad.api", dir), 0);
  assert_int_equal(run(APIC " fmt -w %s/bad.api", dir), 1);
  assert_non_null(strstr(file_text("err"), "bad.api:1:"));
  assert_string_equal(file_text("bad.api"), "model M { x: }\n");
  assert_int_equal(run(APIC " fmt %s/none.api", dir), 2);
}

static void help_lists_them(void **state)
{
  (void)state;
  assert_int_equal(run(APIC " --help"), 0);
  assert_non_null(strstr(file_text("out"), "  import "));
  assert_non_null(strstr(file_text("out"), "  fmt "));
  assert_int_equal(run(APIC " help import"), 0);
  assert_non_null(strstr(file_text("out"), "--report FILE"));
  assert_int_equal(run(APIC " fmt --help"), 0);
  assert_non_null(strstr(file_text("out"), "--check"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(import_statuses),
      cmocka_unit_test(import_outputs),
      cmocka_unit_test(fmt_commands),
      cmocka_unit_test(help_lists_them),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
