/* apic diff: every fixture pair under tests/diff/fixtures/RULE/ (old.api, new.api: one change
 * each; RULE@variant for more of one rule) reports its rule, with the output in
 * RULE/expected.txt; the other formats on one
 * fixture; fingerprints that stay while lines move; the exit status (--abi, --fail-on,
 * --require-bump and the bump each change needs); --git with imports; usage errors.
 * APIC_UPDATE_GOLDEN=1 rewrites the expected files after a deliberate change. */
#define _XOPEN_SOURCE 700 /* mkdtemp, scandir */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "diff.h"
#include "diff_report.h"

#define FIXTURES "tests/diff/fixtures"

static char tmp[64];

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = calloc(1, 1 << 18);
  assert_non_null(buf);
  buf[fread(buf, 1, (1 << 18) - 1, f)] = '\0';
  fclose(f);
  return buf;
}

static void spit(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* apic diff OLD NEW in-process with the report options o: its output; *status its exit status. */
static char *diff_files(const char *old_path, const char *new_path, const diff_report *o, int *status)
{
  spec a, b;
  assert_int_equal(apic_frontend_open(&a, old_path, stderr), 0);
  assert_int_equal(apic_frontend_open(&b, new_path, stderr), 0);
  diff_result r;
  assert_int_equal(diff_specs(&a, &b, &r), 0);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  assert_non_null(out);
  *status = diff_print(&r, o, out);
  fclose(out);
  diff_free(&r);
  spec_free(&a);
  spec_free(&b);
  return text;
}

static const diff_report TEXT = {FMT_TEXT, 0, SEV_BREAKING, 0};

/* The fixture's output in a format, against its golden file (or written to it). */
static int matches_golden(const char *rule, const diff_report *o, const char *golden)
{
  char old_path[512], new_path[512], expected[512];
  snprintf(old_path, sizeof old_path, FIXTURES "/%s/old.api", rule);
  snprintf(new_path, sizeof new_path, FIXTURES "/%s/new.api", rule);
  snprintf(expected, sizeof expected, FIXTURES "/%s/%s", rule, golden);
  int status;
  char *got = diff_files(old_path, new_path, o, &status);
  if (getenv("APIC_UPDATE_GOLDEN") != NULL)
    spit(expected, got);
  char *want = slurp(expected);
  int same = want != NULL && strcmp(got, want) == 0;
  if (!same)
    fprintf(stderr, "%s/%s differs; got:\n%s\n", rule, golden, got);
  free(want);
  free(got);
  return same;
}

static int not_hidden(const struct dirent *e)
{
  return e->d_name[0] != '.';
}

/* Every fixture: its rule is reported, and the whole output is the golden one. */
static void test_every_fixture(void **state)
{
  (void)state;
  struct dirent **list;
  int n = scandir(FIXTURES, &list, not_hidden, alphasort), bad = 0;
  assert_true(n >= 38);
  for (int i = 0; i < n; i++) {
    const char *rule = list[i]->d_name; /* RULE, or RULE@variant */
    char old_path[512], new_path[512], tag[300];
    snprintf(old_path, sizeof old_path, FIXTURES "/%s/old.api", rule);
    snprintf(new_path, sizeof new_path, FIXTURES "/%s/new.api", rule);
    snprintf(tag, sizeof tag, "[%.*s]\n", (int)strcspn(rule, "@"), rule);
    int status;
    char *got = diff_files(old_path, new_path, &TEXT, &status);
    if (strstr(got, tag) == NULL) {
      fprintf(stderr, "%s: the fixture does not report its rule:\n%s\n", rule, got);
      bad++;
    }
    free(got);
    bad += !matches_golden(rule, &TEXT, "expected.txt");
    free(list[i]);
  }
  free(list);
  assert_int_equal(bad, 0);
}

static void test_formats(void **state)
{
  (void)state;
  diff_report json = {FMT_JSON, 0, SEV_BREAKING, 0}, md = {FMT_MARKDOWN, 0, SEV_BREAKING, 0},
              gh = {FMT_GITHUB, 0, SEV_BREAKING, 0};
  assert_true(matches_golden("field-removed", &json, "expected.json"));
  assert_true(matches_golden("field-removed", &md, "expected.md"));
  assert_true(matches_golden("field-removed", &gh, "expected.github"));
  assert_true(matches_golden("error-added", &gh, "expected.github"));
}

/* Fingerprints name the rule and the thing, not the line: with every line of both specs moved
 * down and the change's text reworded around it, they stay. */
static void test_fingerprints_stay_while_lines_move(void **state)
{
  (void)state;
  const char *rules[] = {"field-removed", "enum-value-added", "operation-removed"};
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    char path[256], old_path[256], new_path[256];
    snprintf(path, sizeof path, FIXTURES "/%s/old.api", rules[i]);
    char *old_text = slurp(path);
    snprintf(path, sizeof path, FIXTURES "/%s/new.api", rules[i]);
    char *new_text = slurp(path);
    char *moved = malloc(strlen(new_text) + 64);
    sprintf(moved, "// moved\n\n\n%s", new_text);
    snprintf(old_path, sizeof old_path, "%s/old.api", tmp);
    snprintf(new_path, sizeof new_path, "%s/new.api", tmp);
    spit(old_path, old_text);
    spit(new_path, moved);
    diff_report json = {FMT_JSON, 0, SEV_BREAKING, 0};
    int status;
    char *got = diff_files(old_path, new_path, &json, &status);
    snprintf(path, sizeof path, FIXTURES "/%s/old.api", rules[i]);
    snprintf(old_path, sizeof old_path, FIXTURES "/%s/new.api", rules[i]);
    char *want = diff_files(path, old_path, &json, &status);
    const char *fp = strstr(want, "\"fingerprint\":");
    assert_non_null(fp);
    char key[64];
    snprintf(key, sizeof key, "%.37s", fp);
    assert_non_null(strstr(got, key));
    free(got);
    free(want);
    free(moved);
    free(old_text);
    free(new_text);
  }
}

/* The exit status of a fixture with these options. */
static int status_of(const char *rule, int abi, sev fail_on, int require_bump)
{
  char old_path[256], new_path[256];
  snprintf(old_path, sizeof old_path, FIXTURES "/%s/old.api", rule);
  snprintf(new_path, sizeof new_path, FIXTURES "/%s/new.api", rule);
  diff_report o = {FMT_TEXT, abi, fail_on, require_bump};
  int status;
  free(diff_files(old_path, new_path, &o, &status));
  return status;
}

static void test_exit_status(void **state)
{
  (void)state;
  assert_int_equal(status_of("field-removed", 0, SEV_BREAKING, 0), 1);      /* wire and C API */
  assert_int_equal(status_of("c-name-changed", 0, SEV_BREAKING, 0), 1);     /* C API only */
  assert_int_equal(status_of("fields-reordered", 0, SEV_BREAKING, 0), 0);   /* C ABI only... */
  assert_int_equal(status_of("fields-reordered", 1, SEV_BREAKING, 0), 1);   /* ...counts with --abi */
  assert_int_equal(status_of("base-url-changed", 0, SEV_BREAKING, 0), 0);   /* a warning */
  assert_int_equal(status_of("base-url-changed", 0, SEV_WARNING, 0), 1);
  assert_int_equal(status_of("model-added", 0, SEV_WARNING, 0), 0);         /* info */
  assert_int_equal(status_of("model-added", 0, SEV_INFO, 0), 1);
}

/* The bump a change needs, and --require-bump against the new spec's version. */
static int bump_check(const char *rule, const char *version, int *status)
{
  char path[256], old_path[256], new_path[256];
  snprintf(path, sizeof path, FIXTURES "/%s/new.api", rule);
  char *text = slurp(path), *at = strstr(text, "\"1.0.0\"");
  assert_non_null(at);
  char *changed = malloc(strlen(text) + 32);
  sprintf(changed, "%.*s\"%s\"%s", (int)(at - text), text, version, at + 7);
  snprintf(old_path, sizeof old_path, FIXTURES "/%s/old.api", rule);
  snprintf(new_path, sizeof new_path, "%s/bumped.api", tmp);
  spit(new_path, changed);
  spec a, b;
  assert_int_equal(apic_frontend_open(&a, old_path, NULL), 0);
  assert_int_equal(apic_frontend_open(&b, new_path, NULL), 0);
  diff_result r;
  assert_int_equal(diff_specs(&a, &b, &r), 0);
  FILE *out = fopen("/dev/null", "w");
  diff_report o = {FMT_TEXT, 0, SEV_BREAKING, 1};
  *status = diff_print(&r, &o, out);
  fclose(out);
  int need = (int)diff_bump(&r);
  diff_free(&r);
  spec_free(&a);
  spec_free(&b);
  free(changed);
  free(text);
  return need;
}

static void test_require_bump(void **state)
{
  (void)state;
  int status;
  assert_int_equal(bump_check("fields-reordered", "1.9.0", &status), BUMP_MAJOR); /* ABI breaks count here */
  assert_int_equal(status, 1);
  assert_int_equal(bump_check("fields-reordered", "2.0.0", &status), BUMP_MAJOR);
  assert_int_equal(status, 0);
  assert_int_equal(bump_check("enum-added", "1.0.1", &status), BUMP_MINOR);
  assert_int_equal(status, 1);
  assert_int_equal(bump_check("enum-added", "1.1.0", &status), BUMP_MINOR);
  assert_int_equal(status, 0);
  assert_int_equal(bump_check("enum-added", "not a version", &status), BUMP_MINOR);
  assert_int_equal(status, 1);
  /* Only a comment changed: the text differs, no rule fires: a patch. Nothing: none. */
  char old_path[256], new_path[256];
  snprintf(old_path, sizeof old_path, FIXTURES "/enum-added/old.api");
  char *text = slurp(old_path), *moved = malloc(strlen(text) + 32);
  sprintf(moved, "// a comment\n%s", text);
  snprintf(new_path, sizeof new_path, "%s/comment.api", tmp);
  spit(new_path, moved);
  spec a, b;
  assert_int_equal(apic_frontend_open(&a, old_path, NULL), 0);
  assert_int_equal(apic_frontend_open(&b, new_path, NULL), 0);
  diff_result r;
  assert_int_equal(diff_specs(&a, &b, &r), 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(diff_bump(&r), BUMP_PATCH);
  diff_free(&r);
  spec_free(&b);
  assert_int_equal(apic_frontend_open(&b, old_path, NULL), 0);
  assert_int_equal(diff_specs(&a, &b, &r), 0);
  assert_int_equal(diff_bump(&r), BUMP_NONE);
  diff_free(&r);
  spec_free(&a);
  spec_free(&b);
  free(moved);
  free(text);
}

/* A shell command's exit status (output to tmp/out.txt). */
static int sh(const char *fmt, ...)
{
  char cmd[2048], full[2400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  snprintf(full, sizeof full, "{ %s; } > '%s/out.txt' 2>&1", cmd, tmp);
  int rc = system(full);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *out_txt(void)
{
  char path[128];
  snprintf(path, sizeof path, "%s/out.txt", tmp);
  return slurp(path);
}

/* --git REV: OLD is the spec at that revision, with its imports from the same revision (an
 * import of an import, through "..", named other than *.api); a change inside an import is
 * found, and the old locations say REV:path. An import from outside the repository has no
 * revision: that is an error. */
static void test_git_revision(void **state)
{
  (void)state;
  char cwd[1024];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(sh("cd '%s' && mkdir -p repo/spec/common repo/shared && cd repo && git init -q && "
                      "printf 'import \"common/types.api\";\\n' > spec/shop.api && "
                      "cat '%s/" FIXTURES "/enum-value-added/old.api' >> spec/shop.api && "
                      "printf 'import \"../../shared/base.spec\";\\nmodel Extra { a: string; }\\n' > spec/common/types.api && "
                      "printf 'model Base { c: string; }\\n' > shared/base.spec && git add -A && "
                      "git -c user.name=t -c user.email=t@t commit -q -m old && "
                      "printf 'import \"../../shared/base.spec\";\\nmodel Extra { b: string; }\\n' > spec/common/types.api && "
                      "printf 'model Base { c: int; }\\n' > shared/base.spec && "
                      "printf 'enum Size2 { x; }\\n' >> spec/shop.api",
                      tmp, cwd),
                   0);
  assert_int_equal(sh("cd '%s/repo/spec' && '%s/" APIC_BUILD "/apic' diff --git HEAD shop.api", tmp, cwd), 1);
  char *out = out_txt();
  assert_non_null(strstr(out, "[field-removed]"));
  assert_null(strstr(out, "[model-removed]")); /* Extra stays, its field a goes */
  assert_non_null(strstr(out, "[enum-added]"));
  assert_non_null(strstr(out, "HEAD:spec/common/types.api:2:15: note: in the old spec"));
  assert_non_null(strstr(out, "HEAD:spec/common/../../shared/base.spec:1:14: note: in the old spec")); /* c: string -> int */
  assert_null(strstr(out, "/tmp/apic-diff-"));
  free(out);
  /* From the repository's root, and a revision that does not exist. */
  assert_int_equal(sh("cd '%s/repo' && '%s/" APIC_BUILD "/apic' diff --git HEAD spec/shop.api --format json", tmp, cwd), 1);
  assert_int_equal(sh("cd '%s/repo' && '%s/" APIC_BUILD "/apic' diff --git nosuchrev spec/shop.api", tmp, cwd), 2);
  out = out_txt();
  assert_non_null(strstr(out, "at revision 'nosuchrev'"));
  free(out);
  assert_int_equal(sh("cd /tmp && '%s/" APIC_BUILD "/apic' diff --git HEAD '%s/repo/spec/shop.api' >/dev/null", cwd, tmp), 1);
  assert_int_equal(sh("cd '%s/repo' && printf 'model Outside { d: string; }\\n' > ../outside.api && "
                      "printf 'import \"../../outside.api\";\\n' > spec/out.api && "
                      "cat '%s/" FIXTURES "/enum-added/old.api' >> spec/out.api && git add spec/out.api && "
                      "git -c user.name=t -c user.email=t@t commit -q -m out",
                      tmp, cwd),
                   0);
  assert_int_equal(sh("cd '%s/repo' && '%s/" APIC_BUILD "/apic' diff --git HEAD spec/out.api", tmp, cwd), 2);
  out = out_txt();
  assert_non_null(strstr(out, "spec/out.api imports '../../outside.api', outside the repository"));
  free(out);
}

static void test_usage_errors(void **state)
{
  (void)state;
  const char *bad[] = {"", "tests/diff/fixtures/enum-added/old.api",
                       FIXTURES "/enum-added/old.api " FIXTURES "/enum-added/new.api --format xml",
                       FIXTURES "/enum-added/old.api " FIXTURES "/enum-added/new.api --fail-on never",
                       FIXTURES "/enum-added/old.api " FIXTURES "/enum-added/new.api --nope",
                       FIXTURES "/enum-added/old.api /nonexistent.api", "--git HEAD"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(sh(APIC_BUILD "/apic diff %s", bad[i]), 2);
  char path[128];
  snprintf(path, sizeof path, "%s/broken.api", tmp);
  spit(path, "api x { version = \"1\"; }\nmodel M { a: Nope; }\n");
  assert_int_equal(sh(APIC_BUILD "/apic diff " FIXTURES "/enum-added/old.api '%s'", path), 2);
  char *out = out_txt();
  assert_non_null(strstr(out, "unknown type 'Nope'"));
  free(out);
  assert_int_equal(sh(APIC_BUILD "/apic help diff | grep -q -- --require-bump"), 0);
  assert_int_equal(sh(APIC_BUILD "/apic diff " FIXTURES "/enum-added/old.api " FIXTURES "/enum-added/old.api"), 0);
  out = out_txt();
  assert_string_equal(out, "apic diff: no changes\n");
  free(out);
}

static int setup(void **state)
{
  (void)state;
  strcpy(tmp, "/tmp/apic-difftest-XXXXXX");
  return mkdtemp(tmp) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_fixture),
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_fingerprints_stay_while_lines_move),
      cmocka_unit_test(test_exit_status),
      cmocka_unit_test(test_require_bump),
      cmocka_unit_test(test_git_revision),
      cmocka_unit_test(test_usage_errors),
  };
  return cmocka_run_group_tests_name("diff", tests, setup, teardown);
}
