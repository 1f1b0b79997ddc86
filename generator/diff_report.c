/* apic diff's output: text (clang's FILE:LINE:COL shape), JSON, Markdown and GitHub Actions
 * annotations; the version bump the change needs; the exit status. */
#include "diff_report.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "semver.h"

static const char *const sev_names[] = {"none", "info", "warning", "breaking"};
static const char *const bump_names[] = {"none", "patch", "minor", "major"};

static const char *version_of(const spec *s)
{
  for (const api_item *it = s->api != NULL ? s->api->items : NULL; it != NULL; it = it->next)
    if (strcmp(it->key, "version") == 0)
      return it->val.text;
  return "";
}

/* Whether the two specs' sources differ at all (comments and docs included). */
static int texts_differ(const spec *a, const spec *b)
{
  if (a->diag.nfiles != b->diag.nfiles)
    return 1;
  for (int i = 0; i < a->diag.nfiles; i++)
    if (a->diag.files[i].size != b->diag.files[i].size ||
        memcmp(a->diag.files[i].text, b->diag.files[i].text, a->diag.files[i].size) != 0)
      return 1;
  return 0;
}

bump diff_bump(const diff_result *r)
{
  bump b = r->n > 0 ? BUMP_MINOR : texts_differ(r->old, r->new) ? BUMP_PATCH : BUMP_NONE;
  for (size_t i = 0; i < r->n; i++)
    if (finding_sev(&r->f[i], 1) == SEV_BREAKING)
      b = BUMP_MAJOR;
  return b;
}

/* Whether NEW's version is at least the bump above OLD's; *why says what is wrong when not. */
static int bumped_enough(const diff_result *r, bump need, char *why, size_t size)
{
  const char *was = version_of(r->old), *now = version_of(r->new);
  semver a, b;
  if (need == BUMP_NONE)
    return 1;
  if (semver_parse(was, &a) != 0 || semver_parse(now, &b) != 0) {
    snprintf(why, size, "cannot compare versions \"%s\" and \"%s\": they must start MAJOR.MINOR.PATCH", was, now);
    return 0;
  }
  int ok = need == BUMP_MAJOR   ? b.part[0] > a.part[0]
           : need == BUMP_MINOR ? b.part[0] > a.part[0] || (b.part[0] == a.part[0] && b.part[1] > a.part[1])
                                : semver_cmp(&b, &a) > 0;
  if (!ok)
    snprintf(why, size, "the version goes from %s to %s, but the change needs a %s bump", was, now, bump_names[need]);
  return ok;
}

/* ---- locations ---------------------------------------------------------------------------- */

static const char *file_of(const spec *s, loc at)
{
  return diag_file_name(&s->diag, at.file);
}

/* The place a finding is reported at: in the new spec (where it always has one). */
static loc where(const finding *f, const diff_result *r, const spec **s)
{
  *s = f->new_at.file >= 0 ? r->new : r->old;
  return f->new_at.file >= 0 ? f->new_at : f->old_at;
}

/* ---- formats ---------------------------------------------------------------------------- */

static void print_text(const diff_result *r, const diff_report *o, FILE *out)
{
  for (size_t i = 0; i < r->n; i++) {
    const finding *f = &r->f[i];
    const spec *s;
    loc at = where(f, r, &s);
    fprintf(out, "%s:%d:%d: %s: %s [%s]\n", file_of(s, at), at.line, at.col, sev_names[finding_sev(f, 1)], f->message,
            f->rule);
    fprintf(out, "  wire: %s; C API: %s; C ABI: %s%s; fingerprint %s\n", sev_names[f->sev[L_WIRE]],
            sev_names[f->sev[L_API]], sev_names[f->sev[L_ABI]],
            !o->abi && f->sev[L_ABI] == SEV_BREAKING ? " (counts with --abi)" : "", f->fingerprint);
    if (f->old_at.file >= 0 && f->new_at.file >= 0)
      fprintf(out, "%s:%d:%d: note: in the old spec\n", file_of(r->old, f->old_at), f->old_at.line, f->old_at.col);
  }
}

static cJSON *json_loc(const spec *s, loc at)
{
  if (at.file < 0)
    return cJSON_CreateNull();
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "file", file_of(s, at));
  cJSON_AddNumberToObject(j, "line", at.line);
  cJSON_AddNumberToObject(j, "column", at.col);
  return j;
}

static int print_json(const diff_result *r, bump need, int status, FILE *out)
{
  cJSON *root = cJSON_CreateObject(), *list = cJSON_CreateArray();
  const spec *sides[] = {r->old, r->new};
  for (int i = 0; i < 2; i++) {
    cJSON *side = cJSON_AddObjectToObject(root, i == 0 ? "old" : "new");
    cJSON_AddStringToObject(side, "file", diag_file_name(&sides[i]->diag, 0));
    cJSON_AddStringToObject(side, "version", version_of(sides[i]));
  }
  cJSON_AddStringToObject(root, "bump", bump_names[need]);
  cJSON_AddNumberToObject(root, "status", status);
  cJSON_AddItemToObject(root, "findings", list);
  for (size_t i = 0; i < r->n; i++) {
    const finding *f = &r->f[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "rule", f->rule);
    cJSON_AddStringToObject(j, "severity", sev_names[finding_sev(f, 1)]);
    cJSON_AddStringToObject(j, "wire", sev_names[f->sev[L_WIRE]]);
    cJSON_AddStringToObject(j, "c_api", sev_names[f->sev[L_API]]);
    cJSON_AddStringToObject(j, "c_abi", sev_names[f->sev[L_ABI]]);
    cJSON_AddStringToObject(j, "subject", f->subject);
    cJSON_AddStringToObject(j, "message", f->message);
    cJSON_AddStringToObject(j, "fingerprint", f->fingerprint);
    cJSON_AddItemToObject(j, "old", json_loc(r->old, f->old_at));
    cJSON_AddItemToObject(j, "new", json_loc(r->new, f->new_at));
    cJSON_AddItemToArray(list, j);
  }
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  if (text == NULL)
    return -1;
  fprintf(out, "%s\n", text);
  cJSON_free(text);
  return 0;
}

/* Text in a Markdown table cell: '|' and line ends would break the row. */
static void md_cell(FILE *out, const char *s)
{
  for (; *s != '\0'; s++)
    if (*s == '|')
      fputs("\\|", out);
    else if (*s == '\n' || *s == '\r')
      fputc(' ', out);
    else
      fputc(*s, out);
}

static void print_markdown(const diff_result *r, FILE *out)
{
  fprintf(out, "| severity | rule | change | wire | C API | C ABI | where |\n|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < r->n; i++) {
    const finding *f = &r->f[i];
    const spec *s;
    loc at = where(f, r, &s);
    fprintf(out, "| %s | `%s` | ", sev_names[finding_sev(f, 1)], f->rule);
    md_cell(out, f->message);
    fprintf(out, " | %s | %s | %s | `", sev_names[f->sev[L_WIRE]], sev_names[f->sev[L_API]], sev_names[f->sev[L_ABI]]);
    md_cell(out, file_of(s, at));
    fprintf(out, ":%d:%d` |\n", at.line, at.col);
  }
}

/* A workflow command's data or property: GitHub decodes %25, %0D, %0A (and in properties
 * %3A and %2C). */
static void gh_escape(FILE *out, const char *s, int property)
{
  for (; *s != '\0'; s++) {
    if (*s == '%')
      fputs("%25", out);
    else if (*s == '\r')
      fputs("%0D", out);
    else if (*s == '\n')
      fputs("%0A", out);
    else if (property && *s == ':')
      fputs("%3A", out);
    else if (property && *s == ',')
      fputs("%2C", out);
    else
      fputc(*s, out);
  }
}

static void print_github(const diff_result *r, FILE *out)
{
  static const char *const commands[] = {"notice", "notice", "warning", "error"};
  for (size_t i = 0; i < r->n; i++) {
    const finding *f = &r->f[i];
    const spec *s;
    loc at = where(f, r, &s);
    fprintf(out, "::%s file=", commands[finding_sev(f, 1)]);
    gh_escape(out, file_of(s, at), 1);
    fprintf(out, ",line=%d,col=%d,title=", at.line, at.col);
    gh_escape(out, f->rule, 1);
    fputs("::", out);
    gh_escape(out, f->message, 0);
    fprintf(out, " (wire: %s, C API: %s, C ABI: %s)\n", sev_names[f->sev[L_WIRE]], sev_names[f->sev[L_API]],
            sev_names[f->sev[L_ABI]]);
  }
}

/* ---- the whole ---------------------------------------------------------------------------- */

/* One line: the counts, the bump, and (with --require-bump) whether the version has it. */
static void summary(const diff_result *r, bump need, const char *why, FILE *out, const char *prefix)
{
  size_t count[4] = {0};
  for (size_t i = 0; i < r->n; i++)
    count[finding_sev(&r->f[i], 1)]++;
  if (r->n == 0)
    fprintf(out, "%sno changes%s\n", prefix, need == BUMP_PATCH ? " the rules see (the text differs: a patch bump)" : "");
  else
    fprintf(out, "%s%zu breaking, %zu warning%s, %zu info; the change needs a %s version bump (from %s)\n", prefix,
            count[SEV_BREAKING], count[SEV_WARNING], count[SEV_WARNING] == 1 ? "" : "s", count[SEV_INFO],
            bump_names[need], version_of(r->old));
  if (why[0] != '\0')
    fprintf(out, "%s%s\n", prefix, why);
}

int diff_print(const diff_result *r, const diff_report *o, FILE *out)
{
  bump need = diff_bump(r);
  char why[512] = "";
  int status = EXIT_OK;
  for (size_t i = 0; i < r->n; i++) {
    const finding *f = &r->f[i];
    if (f->sev[L_WIRE] >= o->fail_on || f->sev[L_API] >= o->fail_on || (o->abi && f->sev[L_ABI] >= o->fail_on))
      status = EXIT_SPEC;
  }
  if (o->require_bump && !bumped_enough(r, need, why, sizeof why))
    status = EXIT_SPEC;
  switch (o->format) {
  case FMT_JSON:
    if (print_json(r, need, status, out) != 0)
      return EXIT_USAGE;
    break;
  case FMT_MARKDOWN:
    fprintf(out, "### apic diff: `");
    md_cell(out, diag_file_name(&r->old->diag, 0));
    fprintf(out, "` → `");
    md_cell(out, diag_file_name(&r->new->diag, 0));
    fprintf(out, "`\n\n");
    summary(r, need, why, out, "");
    if (r->n > 0) {
      fputc('\n', out);
      print_markdown(r, out);
    }
    break;
  case FMT_GITHUB:
    print_github(r, out);
    summary(r, need, why, out, "apic diff: ");
    break;
  case FMT_TEXT:
    print_text(r, o, out);
    summary(r, need, why, out, "apic diff: ");
    break;
  }
  return status;
}
