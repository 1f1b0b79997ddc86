/* apic render as users run it: files on disk, output on stdout, messages and exit codes. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "commands.h"

static char root[64];

static const char *in_root(const char *rel)
{
  static char buf[6][256];
  static int turn;
  char *p = buf[turn++ % 6];
  snprintf(p, 256, "%s/%s", root, rel);
  return p;
}

static void spit(const char *rel, const char *text)
{
  FILE *f = fopen(in_root(rel), "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = calloc(1, 1 << 16);
  assert_non_null(buf);
  size_t n = fread(buf, 1, (1 << 16) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Runs `apic render ARGS...` with stdout and stderr sent to files; returns the exit status. */
typedef struct run_result {
  int status;
  char *out, *err;
} run_result;

static run_result run(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
  char *argv[] = {(char *)"render", (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
  int argc = 1;
  while (argv[argc] != NULL)
    argc++;
  fflush(stdout);
  fflush(stderr);
  char out_path[256], err_path[256]; /* not in_root(): its buffers hold the arguments */
  snprintf(out_path, sizeof out_path, "%s/stdout", root);
  snprintf(err_path, sizeof err_path, "%s/stderr", root);
  int saved_out = dup(1), saved_err = dup(2);
  FILE *out = fopen(out_path, "w"), *err = fopen(err_path, "w");
  assert_true(out != NULL && err != NULL && saved_out >= 0 && saved_err >= 0);
  dup2(fileno(out), 1);
  dup2(fileno(err), 2);
  run_result r = {cmd_render(argc, argv), NULL, NULL};
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  fclose(out);
  fclose(err);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

static void done(run_result *r)
{
  free(r->out);
  free(r->err);
}

static int setup(void **state)
{
  (void)state;
  strcpy(root, "/tmp/apic-render-XXXXXX");
  assert_non_null(mkdtemp(root));
  assert_int_equal(mkdir(in_root("partials"), 0700), 0);
  spit("t.mustache", "Hi {{name}}\n{{#xs}}\n  {{>item}}\n{{/xs}}\n");
  spit("partials/item.mustache", "- {{.}}\n");
  spit("data.json", "{\"name\": \"<b>\", \"xs\": [1, \"two\"]}");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root); /* root is ours, made by mkdtemp */
  return system(cmd) == 0 ? 0 : -1;
}

static void test_renders_with_partials(void **state)
{
  (void)state;
  run_result r = run(in_root("t.mustache"), "--data", in_root("data.json"), "--partials", in_root("partials"));
  assert_int_equal(r.status, EXIT_OK);
  assert_string_equal(r.out, "Hi &lt;b&gt;\n  - 1\n  - two\n");
  assert_string_equal(r.err, "");
  done(&r);
}

static void test_raw_and_no_partials_dir(void **state)
{
  (void)state;
  run_result r = run(in_root("t.mustache"), "--raw", "--data", in_root("data.json"), NULL);
  assert_int_equal(r.status, EXIT_OK);
  assert_string_equal(r.out, "Hi <b>\n"); /* without --partials, {{>item}} is empty */
  done(&r);
}

static void test_malformed_template_has_location(void **state)
{
  (void)state;
  spit("bad.mustache", "line one\n  {{#xs}}\n");
  run_result r = run(in_root("bad.mustache"), "--data", in_root("data.json"), NULL, NULL);
  assert_int_equal(r.status, EXIT_SPEC);
  assert_string_equal(r.out, "");
  char want[256];
  snprintf(want, sizeof want, "%s:2:3: error: unclosed section: xs\n", in_root("bad.mustache"));
  assert_string_equal(r.err, want);
  done(&r);
}

static void test_bad_inputs_are_usage_errors(void **state)
{
  (void)state;
  spit("bad.json", "{\"name\": ");
  run_result r = run(in_root("t.mustache"), "--data", in_root("bad.json"), NULL, NULL);
  assert_int_equal(r.status, EXIT_USAGE);
  assert_non_null(strstr(r.err, "is not valid JSON"));
  done(&r);
  r = run(in_root("t.mustache"), "--data", in_root("missing.json"), NULL, NULL);
  assert_int_equal(r.status, EXIT_USAGE);
  assert_non_null(strstr(r.err, "cannot read"));
  done(&r);
  r = run(in_root("t.mustache"), NULL, NULL, NULL, NULL);
  assert_int_equal(r.status, EXIT_USAGE);
  assert_non_null(strstr(r.err, "need a TEMPLATE and --data"));
  done(&r);
  r = run(in_root("t.mustache"), "--data", in_root("data.json"), "--bogus", NULL);
  assert_int_equal(r.status, EXIT_USAGE);
  assert_non_null(strstr(r.err, "unknown option '--bogus'"));
  done(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_renders_with_partials),
      cmocka_unit_test(test_raw_and_no_partials_dir),
      cmocka_unit_test(test_malformed_template_has_location),
      cmocka_unit_test(test_bad_inputs_are_usage_errors),
  };
  return cmocka_run_group_tests_name("render: apic render", tests, setup, teardown);
}
