/* apic diff OLD NEW | apic diff --git REV NEW: what changed, at the wire, the C API and the C
 * ABI (diff.c, diff_c.c), reported as diff_report.c says. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "diff.h"
#include "diff_git.h"
#include "diff_report.h"

const char cmd_diff_usage[] =
    "usage: apic diff OLD NEW [--format text|json|markdown|github] [--abi]\n"
    "                 [--fail-on breaking|warning|info] [--require-bump]\n"
    "       apic diff --git REV NEW [OPTIONS]\n\n"
    "Compares two versions of a spec and reports each change at three layers: the wire\n"
    "(does a client built against OLD still work with a server of NEW, and the reverse), the\n"
    "C API (does code written against OLD's SDK still compile and mean the same with NEW's)\n"
    "and the C ABI (does a program built against OLD's shared library still run with NEW's).\n"
    "Each finding has a severity per layer (breaking, warning, info), a rule id, a\n"
    "fingerprint that stays while lines move, and FILE:LINE:COL in both specs. The rules\n"
    "and their severities: docs/diff.md.\n\n"
    "  --git REV          take OLD from git revision REV, at NEW's path, with the files\n"
    "                     it imports as of REV too\n"
    "  --format FORMAT    text (the default), json, markdown (for a pull request comment),\n"
    "                     or github (workflow annotations)\n"
    "  --abi              count C ABI breaks in the exit status too\n"
    "  --fail-on LEVEL    exit 1 from LEVEL up: breaking (the default), warning or info\n"
    "  --require-bump     exit 1 unless NEW's version is bumped as far as the change needs:\n"
    "                     major for anything breaking (at any layer), minor for anything\n"
    "                     else, patch when only docs or comments changed\n\n"
    "Exit status: 0 nothing at the --fail-on level on the wire or in the C API (or the C\n"
    "ABI, with --abi); 1 something is, or the version is not bumped enough; 2 usage, I/O\n"
    "or errors in a spec.\n";

static int parse_format(const char *s, diff_format *out)
{
  static const char *const names[] = {"text", "json", "markdown", "github"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0)
      return *out = (diff_format)i, 0;
  return -1;
}

static int parse_level(const char *s, sev *out)
{
  static const char *const names[] = {"info", "warning", "breaking"};
  for (int i = 0; i < 3; i++)
    if (strcmp(s, names[i]) == 0)
      return *out = (sev)(SEV_INFO + i), 0;
  return -1;
}

/* A spec loaded on a thread of its own. */
typedef struct loading {
  spec s;
  const char *path;
  int status;
} loading;

static void *load_spec(void *ud)
{
  loading *l = ud;
  l->status = apic_frontend_open(&l->s, l->path, stderr);
  return NULL;
}

/* Loads and checks both specs (OLD beside NEW, on another thread, unless it comes from git):
 * for large specs that is most of the time. Compares and reports. */
static int compare(const char *old_path, const char *git_rev, const char *new_path, const diff_report *o)
{
  loading old = {.path = old_path};
  pthread_t thread;
  int threaded = git_rev == NULL && pthread_create(&thread, NULL, load_spec, &old) == 0;
  spec b;
  int sb = apic_frontend_open(&b, new_path, stderr);
  if (threaded)
    pthread_join(thread, NULL);
  else if (git_rev != NULL)
    old.status = diff_open_git(&old.s, git_rev, new_path);
  else
    load_spec(&old);
  spec a = old.s;
  int sa = old.status;
  int status = sa != EXIT_OK || sb != EXIT_OK ? EXIT_USAGE : EXIT_OK;
  if (status == EXIT_OK && (a.api == NULL || b.api == NULL))
    status = usage_error("diff: %s has no api block", a.api == NULL ? "OLD" : "NEW");
  if (status == EXIT_OK) {
    diff_result r;
    if (diff_specs(&a, &b, &r) != 0)
      status = usage_error("diff: out of memory");
    else
      status = diff_print(&r, o, stdout);
    diff_free(&r);
  }
  spec_free(&a);
  spec_free(&b);
  return status;
}

int cmd_diff(int argc, char **argv)
{
  diff_report o = {FMT_TEXT, 0, SEV_BREAKING, 0};
  const char *paths[2] = {NULL, NULL}, *rev = NULL;
  int npaths = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--git") == 0 && next != NULL)
      rev = argv[++i];
    else if (strcmp(a, "--format") == 0 && next != NULL) {
      if (parse_format(argv[++i], &o.format) != 0)
        return usage_error("diff: --format wants text, json, markdown or github, not '%s'", next);
    } else if (strcmp(a, "--fail-on") == 0 && next != NULL) {
      if (parse_level(argv[++i], &o.fail_on) != 0)
        return usage_error("diff: --fail-on wants breaking, warning or info, not '%s'", next);
    } else if (strcmp(a, "--abi") == 0)
      o.abi = 1;
    else if (strcmp(a, "--require-bump") == 0)
      o.require_bump = 1;
    else if (a[0] == '-' && a[1] != '\0')
      return usage_error("diff: unknown option '%s' (see apic help diff)", a);
    else if (npaths < 2)
      paths[npaths++] = a;
    else
      return usage_error("diff: give OLD and NEW, or --git REV and NEW (see apic help diff)");
  }
  if (npaths != (rev != NULL ? 1 : 2))
    return usage_error("diff: give OLD and NEW, or --git REV and NEW (see apic help diff)");
  return compare(rev != NULL ? NULL : paths[0], rev, paths[npaths - 1], &o);
}
