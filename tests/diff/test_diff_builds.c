/* apic diff's C verdicts against real builds, for every fixture pair: both SDKs are generated
 * and built as shared libraries (-g, for abidiff), and
 *  - a program using every declaration of the OLD SDK (consumer.c, from diff_c.c's layout
 *    tables) compiles against OLD's headers, and one for NEW against NEW's, with the structs'
 *    layouts and the constants' values checked too: the tables are what the templates emit;
 *    and every symbol the libraries export is in the tables;
 *  - OLD's program compiles against NEW's headers if and only if the C API verdict is not
 *    breaking;
 *  - abidiff finds functions or variables removed or changed between the two libraries if
 *    and only if the C ABI verdict is breaking.
 * The builds run as shell steps, two at a time (the machine's two cores); fixtures with the
 * same old spec share its build. A pair whose two programs are the same text declares the
 * same C in both SDKs (the program checks NEW's headers against the tables, layouts and
 * values included), so its new library is not built: abidiff has nothing to compare. */
#define _XOPEN_SOURCE 700 /* mkdtemp, scandir */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "consumer.h"
#include "diff.h"
#include "diff_c.h"
#include "generate.h"

#define FIXTURES "tests/diff/fixtures"

static char tmp[64];

/* One fixture: its verdicts, as apic diff gives them, and the fixture whose old.api is the
 * same text (most share one base spec: its SDK is built once). */
typedef struct fixture {
  char rule[256];
  int api_breaks, abi_breaks;
  const char *base;
  char *old_text;
  int same_c; /* the two programs are the same text */
} fixture;

static int sh(const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A file's text (a spec, a program: well under 256 KiB, or the test fails). */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = calloc(1, 1 << 18);
  assert_non_null(buf);
  size_t n = fread(buf, 1, (1 << 18) - 1, f);
  assert_true(n < (1 << 18) - 1);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static int not_hidden(const struct dirent *e)
{
  return e->d_name[0] != '.';
}

/* Runs apic generate with its stderr ("N written") out of the test's output. */
static int generate_quietly(const gen_options *o)
{
  fflush(stderr);
  int saved = dup(2), null = open("/dev/null", O_WRONLY);
  assert_true(saved >= 0 && null >= 0 && dup2(null, 2) >= 0);
  int rc = apic_generate(o);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(null);
  return rc;
}

/* The verdicts, the SDKs (the old one when the fixture is its own base) and the two programs, in
 * tmp/RULE/{old,new}{,.c}. */
static void prepare(fixture *x)
{
  spec s[2];
  const char *side[] = {"old", "new"};
  char dir[512];
  snprintf(dir, sizeof dir, "%s/%s", tmp, x->rule);
  assert_int_equal(mkdir(dir, 0700), 0);
  for (int i = 0; i < 2; i++) {
    char path[512], out[512];
    snprintf(path, sizeof path, FIXTURES "/%s/%s.api", x->rule, side[i]);
    snprintf(out, sizeof out, "%s/%s/%s", tmp, x->rule, side[i]);
    assert_int_equal(apic_frontend_open(&s[i], path, stderr), 0);
    gen_options o = {.spec_path = path, .out_dir = out, .report = stdout};
    if (i == 1 || strcmp(x->base, x->rule) == 0) /* the old SDK is its base's */
      assert_int_equal(generate_quietly(&o), 0);
    snprintf(path, sizeof path, "%s/%s/%s.c", tmp, x->rule, side[i]);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(consumer_write(&s[i], f), 0);
    assert_int_equal(fclose(f), 0);
  }
  char path[512];
  snprintf(path, sizeof path, "%s/%s/old.c", tmp, x->rule);
  char *a = slurp(path);
  snprintf(path, sizeof path, "%s/%s/new.c", tmp, x->rule);
  char *b = slurp(path);
  x->same_c = a != NULL && b != NULL && strcmp(a, b) == 0;
  free(a);
  free(b);
  diff_result r;
  assert_int_equal(diff_specs(&s[0], &s[1], &r), 0);
  for (size_t i = 0; i < r.n; i++) {
    x->api_breaks |= r.f[i].sev[L_API] == SEV_BREAKING;
    x->abi_breaks |= r.f[i].sev[L_ABI] == SEV_BREAKING;
  }
  diff_free(&r);
  spec_free(&s[0]);
  spec_free(&s[1]);
}

/* The build steps, as scripts in tmp/RULE: old.sh for a fixture that is its own base (the old
 * shared library, its program compiled), steps.sh for every one (the new library and
 * program, the old program against the new headers, abidiff, the exported symbols the
 * programs do not use). Each compile's exit status goes to a .status file. */
static void write_steps(const fixture *x, const char *repo)
{
  /* -Werror: a pointer or qualifier mismatch in a program is an error. */
  const char *flags = "CF=\"-std=c11 -Wall -Wextra -Werror -I%s/runtime/include $(pkg-config --cflags libcjson)\"\n";
  char path[512];
  FILE *f;
  if (strcmp(x->base, x->rule) == 0) {
    snprintf(path, sizeof path, "%s/%s/old.sh", tmp, x->rule);
    assert_non_null(f = fopen(path, "w"));
    fprintf(f, "cd '%s/%s' || exit 1\n", tmp, x->rule);
    fprintf(f, flags, repo);
    fprintf(f, "cc $CF -g -O0 -fPIC -shared -Iold/include -o old.so old/src/*.c 2> old.so.log || exit 1\n"
               "cc $CF -DCHECK_LAYOUT -Iold/include -fsyntax-only old.c 2> old.log; echo $? > old.status\n"
               "nm -D --defined-only old.so | awk '{print $3}' | sort > exported.txt\n"
               "grep -o -e '= [a-z_0-9]*;' -e '&[a-z_0-9]*;' old.c | tr -d '=&; ' | sort -u > used.txt\n"
               "comm -23 exported.txt used.txt > unlisted.txt\n");
    assert_int_equal(fclose(f), 0);
  }
  snprintf(path, sizeof path, "%s/%s/steps.sh", tmp, x->rule);
  assert_non_null(f = fopen(path, "w"));
  fprintf(f, "cd '%s/%s' || exit 1\n", tmp, x->rule);
  fprintf(f, flags, repo);
  fprintf(f, "cc $CF -DCHECK_LAYOUT -Inew/include -fsyntax-only new.c 2> new.log; echo $? > new.status\n"
             "cc $CF -Inew/include -fsyntax-only old.c 2> cross.log; echo $? > cross.status\n");
  if (x->same_c)
    fprintf(f, ": > abidiff.txt; echo 0 > abidiff.status\n");
  else
    fprintf(f, "cc $CF -g -O0 -fPIC -shared -Inew/include -o new.so new/src/*.c 2> new.so.log || exit 1\n"
               "abidiff ../%s/old.so new.so > abidiff.txt; echo $? > abidiff.status\n",
            x->base);
  assert_int_equal(fclose(f), 0);
}

/* A step's exit status (its .status file in rule's directory), -1 when it did not run. */
static int status_in(const char *rule, const char *name)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s/%s.status", tmp, rule, name);
  FILE *f = fopen(path, "r");
  int n = -1;
  if (f != NULL) {
    if (fscanf(f, "%d", &n) != 1)
      n = -1;
    fclose(f);
  }
  return n;
}

/* What abidiff reports: any function or variable removed or changed (not only added). */
static int abidiff_breaks(const char *rule)
{
  char path[512], line[512];
  snprintf(path, sizeof path, "%s/%s/abidiff.txt", tmp, rule);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int breaks = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned removed, changed;
    if (sscanf(line, "Functions changes summary: %u Removed, %u Changed", &removed, &changed) == 2 ||
        sscanf(line, "Variables changes summary: %u Removed, %u Changed", &removed, &changed) == 2)
      breaks |= removed > 0 || changed > 0;
  }
  fclose(f);
  return breaks;
}

/* Prints a file of a fixture's directory (a compiler's complaints). */
static void show(const char *rule, const char *name)
{
  sh("echo '--- %s/%s:'; head -20 '%s/%s/%s' >&2", rule, name, tmp, rule, name);
}

/* What disagrees for one fixture (printed); 0 when nothing does. */
static int disagreements(const fixture *x)
{
  int bad = 0;
  const char *rule = x->rule;
  if (status_in(x->base, "old") != 0 || status_in(rule, "new") != 0) {
    fprintf(stderr, "%s: the layout tables do not match the generated headers\n", rule);
    show(status_in(x->base, "old") != 0 ? x->base : rule, status_in(x->base, "old") != 0 ? "old.log" : "new.log");
    bad++;
  }
  int compiles = status_in(rule, "cross") == 0;
  if (compiles == x->api_breaks) {
    fprintf(stderr, "%s: the C API verdict is %sbreaking, but a program built against the old SDK %s against the new\n",
            rule, x->api_breaks ? "" : "not ", compiles ? "compiles" : "does not compile");
    show(rule, "cross.log");
    bad++;
  }
  int st = status_in(rule, "abidiff"), abi = st >= 0 && !(st & 3) ? abidiff_breaks(rule) : -1;
  if (abi != x->abi_breaks) {
    fprintf(stderr, "%s: the C ABI verdict is %sbreaking, abidiff (status %d) says %s\n", rule,
            x->abi_breaks ? "" : "not ", st, abi < 0 ? "nothing" : abi ? "breaking" : "compatible");
    show(rule, "abidiff.txt");
    bad++;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/%s/unlisted.txt", tmp, x->base);
  FILE *f = fopen(path, "r");
  if (f == NULL || fgetc(f) != EOF) {
    fprintf(stderr, "%s: the library exports symbols the layout tables do not list\n", x->base);
    show(x->base, "unlisted.txt");
    bad++;
  }
  if (f != NULL)
    fclose(f);
  return bad;
}

static void test_verdicts_agree_with_builds(void **state)
{
  (void)state;
  char repo[1024];
  assert_non_null(getcwd(repo, sizeof repo));
  struct dirent **list;
  int n = scandir(FIXTURES, &list, not_hidden, alphasort);
  assert_true(n >= 38);
  fixture *all = calloc((size_t)n, sizeof *all);
  assert_non_null(all);
  for (int i = 0; i < n; i++) {
    fixture *x = &all[i];
    snprintf(x->rule, sizeof x->rule, "%s", list[i]->d_name);
    free(list[i]);
    char path[512];
    snprintf(path, sizeof path, FIXTURES "/%s/old.api", x->rule);
    assert_non_null(x->old_text = slurp(path));
    x->base = x->rule;
    for (int j = 0; j < i && x->base == x->rule; j++)
      if (strcmp(all[j].old_text, x->old_text) == 0)
        x->base = all[j].rule;
    prepare(x);
    write_steps(x, repo);
  }
  free(list);
  assert_int_equal(sh("ls '%s'/*/old.sh | xargs -P 2 -n 1 sh && ls '%s'/*/steps.sh | xargs -P 2 -n 1 sh", tmp, tmp), 0);
  int bad = 0, api = 0, abi = 0;
  for (int i = 0; i < n; i++) {
    bad += disagreements(&all[i]);
    api += all[i].api_breaks;
    abi += all[i].abi_breaks;
  }
  /* The fixtures cover both answers at each layer. */
  assert_true(api > 0 && api < n);
  assert_true(abi > 0 && abi < n);
  for (int i = 0; i < n; i++)
    free(all[i].old_text);
  free(all);
  assert_int_equal(bad, 0);
}

static int setup(void **state)
{
  (void)state;
  strcpy(tmp, "/tmp/apic-diffbuilds-XXXXXX");
  return mkdtemp(tmp) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  return getenv("KEEP") ? 0 : sh("rm -rf '%s'", tmp) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_verdicts_agree_with_builds),
  };
  return cmocka_run_group_tests_name("diff: verdicts against real builds", tests, setup, teardown);
}
