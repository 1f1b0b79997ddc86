/* The imported spec, checked before it is handed back: printed, parsed and checked as `apic
 * check` would. A name the checker refuses (one that makes a C name another name makes too, a
 * name C or the included headers reserve: cnames.c has the rules) is renamed where it is
 * declared, its uses follow, and the spec is printed again; a few rounds settle every name. What
 * still does not check is a bug of the importer's, said so. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "frontend.h"
#include "import_internal.h"

#define MAX_ROUNDS 8

/* Where the checker found an error: a declaration, and in it a member (a field, an enum value or
 * an operation), and in an operation a parameter. Indexes, as the printed spec keeps the order
 * of the AST it was printed from. */
typedef struct place_path {
  int decl, member, list, param; /* -1: not that deep; list 0 path, 1 query, 2 headers, 3 body fields */
} place_path;

static int at(loc a, int line, int col)
{
  return a.line == line && a.col == col;
}

static int find_param(const field *list, int line, int col)
{
  int i = 0;
  for (const field *f = list; f != NULL; f = f->next, i++)
    if (at(f->at, line, col))
      return i;
  return -1;
}

/* The place of the name at line:col in the parsed spec, or decl -1. */
static place_path locate(const decl *decls, int line, int col)
{
  int i = 0;
  for (const decl *d = decls; d != NULL; d = d->next, i++) {
    if (at(d->at, line, col))
      return (place_path){i, -1, -1, -1};
    int j = 0;
    for (const field *f = d->fields; f != NULL; f = f->next, j++)
      if (at(f->at, line, col))
        return (place_path){i, j, -1, -1};
    j = 0;
    for (const enum_value *v = d->values; v != NULL; v = v->next, j++)
      if (at(v->at, line, col))
        return (place_path){i, j, -1, -1};
    j = 0;
    for (const operation *op = d->ops; op != NULL; op = op->next, j++) {
      if (at(op->at, line, col))
        return (place_path){i, j, -1, -1};
      const field *lists[4] = {op->path_params, op->query_params, op->header_params, op->body_params};
      for (int l = 0; l < 4; l++) {
        int k = find_param(lists[l], line, col);
        if (k >= 0)
          return (place_path){i, j, l, k};
      }
    }
  }
  return (place_path){-1, -1, -1, -1};
}

/* ---- renaming in the importer's AST -------------------------------------------------------------- */

static void *nth(void *list, int n)
{
  /* Every AST list starts with its `next` pointer. */
  struct link {
    struct link *next;
  } *l = list;
  while (l != NULL && n-- > 0)
    l = l->next;
  return l;
}

static void rename_type_uses(type *t, const char *old, const char *new_name)
{
  for (; t != NULL; t = t->inner)
    if (t->name != NULL && strcmp(t->name, old) == 0 && t->kind == TYPE_NAMED)
      t->name = new_name;
}

static void rename_fields_types(field *f, const char *old, const char *new_name)
{
  for (; f != NULL; f = f->next)
    rename_type_uses(f->type, old, new_name);
}

/* A model, enum or error renamed, and every use of it. */
static void rename_decl(imp *im, decl *all, decl *d)
{
  const char *old = d->name, *new_name = name_type(im, d->name);
  if (new_name == NULL)
    return;
  d->name = new_name;
  for (decl *x = all; x != NULL; x = x->next) {
    rename_fields_types(x->fields, old, new_name);
    for (operation *op = x->ops; op != NULL; op = op->next) {
      rename_fields_types(op->path_params, old, new_name);
      rename_fields_types(op->query_params, old, new_name);
      rename_fields_types(op->header_params, old, new_name);
      rename_fields_types(op->body_params, old, new_name);
      rename_fields_types(op->resp_headers, old, new_name);
      rename_type_uses(op->body, old, new_name);
      rename_type_uses(op->ret, old, new_name);
      for (name_ref *e = op->errors; e != NULL; e = e->next)
        if (strcmp(e->name, old) == 0)
          e->name = new_name;
    }
  }
}

/* name without a prefix the checker keeps for others' names (libapic's, cJSON's, the SDK's own:
 * "openai_beta" in api openai), as new text; NULL when it has none. */
static const char *without_prefix(imp *im, const char *name, const char *api)
{
  char snake[128];
  snake_case(api, snake, sizeof snake);
  const char *prefixes[] = {"apic_", "APIC_", "cJSON_", "CJSON_", imp_printf(im, "%s_", snake)};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t n = prefixes[i] != NULL ? strlen(prefixes[i]) : 0;
    if (n > 0 && strncasecmp(name, prefixes[i], n) == 0 && name[n] != '\0')
      return imp_strdup(im, name + n);
  }
  return NULL;
}

/* name, name + "_" (when underscore: as C keywords are escaped), name_2, name_3...: the first
 * no sibling has (upper-cased for enum values). */
static const char *sibling_free(imp *im, const char *name, const char *(*name_of)(const void *), const void *list,
                                int upper, int underscore)
{
  for (int i = 0;; i++) {
    if (i == 1 && !underscore)
      continue;
    const char *cand = i == 0 ? name : i == 1 ? imp_printf(im, "%s_", name) : imp_printf(im, "%s_%d", name, i);
    if (cand == NULL)
      return NULL;
    int taken = 0;
    for (const void *x = list; x != NULL && !taken; x = nth((void *)x, 1))
      taken = upper ? strcasecmp(name_of(x), cand) == 0 : strcmp(name_of(x), cand) == 0;
    if (!taken)
      return cand;
  }
}

static const char *field_name(const void *f)
{
  return ((const field *)f)->name;
}

static const char *value_name(const void *v)
{
  return ((const enum_value *)v)->name;
}

static const char *op_name(const void *op)
{
  return ((const operation *)op)->name;
}

/* @paginate's arguments that name old (a page model's field, a query parameter) name new. */
static void rename_paginate(operation *op, const char *old, const char *new_name)
{
  const annotation *a = find_anno(op->annos, "paginate");
  for (arg *g = a != NULL ? a->args : NULL; g != NULL; g = g->next)
    if (g->val.kind == VAL_STRING && strcmp(g->val.text, old) == 0)
      g->val.text = new_name;
}

/* A field of a model or error: renamed, its wire name kept. */
static void rename_field(imp *im, decl *all, decl *d, field *f)
{
  const char *old = f->name, *bare = without_prefix(im, f->name, all->name);
  const char *new_name = sibling_free(im, bare != NULL ? bare : f->name, field_name, d->fields, 0, bare == NULL);
  if (new_name == NULL)
    return;
  if (!f->variant && find_anno(f->annos, "json") == NULL && find_anno(f->annos, "header") == NULL)
    anno_add(im, &f->annos, "json", value_string(im, old)); /* a variant's name is not sent */
  f->name = new_name;
  for (decl *x = all; x != NULL; x = x->next) /* the operations that page over d */
    for (operation *op = x->ops; op != NULL; op = op->next)
      if (op->ret != NULL && op->ret->kind == TYPE_GENERIC && op->ret->inner != NULL &&
          op->ret->inner->name != NULL && strcmp(op->ret->inner->name, d->name) == 0)
        rename_paginate(op, old, new_name);
}

/* A parameter or body field: renamed, its wire name kept (a path parameter's placeholder
 * follows). */
static void rename_param(imp *im, const char *api, operation *op, int list, field *p)
{
  const field *lists[4] = {op->path_params, op->query_params, op->header_params, op->body_params};
  const char *old = p->name, *new_name = NULL, *bare = without_prefix(im, old, api);
  for (int i = bare != NULL ? 0 : 1; new_name == NULL; i++) {
    const char *cand = i == 0 ? bare : i == 1 ? imp_printf(im, "%s_", old) : imp_printf(im, "%s_%d", old, i);
    if (cand == NULL)
      return;
    int taken = 0;
    for (int l = 0; l < 4; l++)
      for (const field *q = lists[l]; q != NULL; q = q->next)
        taken |= strcmp(q->name, cand) == 0;
    new_name = taken ? NULL : cand;
  }
  if ((list == 1 || list == 3) && find_anno(p->annos, "json") == NULL)
    anno_add(im, &p->annos, "json", value_string(im, old));
  p->name = new_name;
  if (list == 0) {
    const char *brace = strstr(op->path, imp_printf(im, "{%s}", old));
    if (brace != NULL)
      op->path = imp_printf(im, "%.*s{%s}%s", (int)(brace - op->path), op->path, new_name, brace + strlen(old) + 2);
  }
  rename_paginate(op, old, new_name);
}

/* Renames the name at path in the importer's AST (decls: the api, then the rest, as printed). */
static int rename_at(imp *im, decl *decls, place_path pp)
{
  decl *d = nth(decls, pp.decl);
  if (d == NULL || d->kind == D_API)
    return 0;
  if (pp.member < 0) {
    if (d->kind == D_RESOURCE)
      d->name = imp_printf(im, "%s_2", d->name);
    else
      rename_decl(im, decls, d);
    return 1;
  }
  if (d->kind == D_ENUM) {
    enum_value *v = nth(d->values, pp.member);
    const char *new_name = v != NULL ? sibling_free(im, v->name, value_name, d->values, 1, 0) : NULL;
    if (new_name == NULL)
      return 0;
    if (v->wire == NULL)
      v->wire = v->name;
    v->name = new_name;
    return 1;
  }
  if (d->kind == D_RESOURCE) {
    operation *op = nth(d->ops, pp.member);
    if (op == NULL)
      return 0;
    if (pp.list >= 0) {
      field *lists[4] = {op->path_params, op->query_params, op->header_params, op->body_params};
      field *p = nth(lists[pp.list], pp.param);
      if (p != NULL)
        rename_param(im, decls->name, op, pp.list, p);
      return p != NULL;
    }
    const char *new_name = sibling_free(im, op->name, op_name, d->ops, 0, 0);
    if (new_name != NULL)
      op->name = new_name;
    return new_name != NULL;
  }
  field *f = nth(d->fields, pp.member);
  if (f != NULL)
    rename_field(im, decls, d, f);
  return f != NULL;
}

/* Renames the names at the errors' places; returns how many. */
static int rename_errors(imp *im, decl *decls, const decl *parsed, const char *diag_text)
{
  int renamed = 0;
  /* "imported.api:LINE:COL: error: ...": the names at fault. */
  for (const char *p = diag_text; (p = strstr(p, "imported.api:")) != NULL; p++) {
    int line, col, n = 0;
    if (sscanf(p, "imported.api:%d:%d: error:%n", &line, &col, &n) != 2 || n == 0)
      continue;
    place_path pp = locate(parsed, line, col);
    if (pp.decl >= 0)
      renamed += rename_at(im, decls, pp);
  }
  return renamed;
}

/* Prints decls; NULL when out of memory. */
static char *print(const decl *decls, const char *(*comment_for)(const void *, const void *), const void *ctx,
                   size_t *len)
{
  fmt_input in = {decls, NULL, 0, NULL, 0, comment_for, ctx};
  return fmt_print(&in, len);
}

/* Loads and checks text; the diagnostics (quoting source lines when quote) are in *diag_text.
 * Returns the error count (1 when it could not be loaded); s is left loaded. */
static int check_text(spec *s, const char *text, size_t len, int quote, char **diag_text)
{
  size_t diag_len = 0;
  FILE *mem = open_memstream(diag_text, &diag_len);
  memset(s, 0, sizeof *s);
  int errors = 1;
  if (mem != NULL && spec_load_text(s, "imported.api", text, len, mem) == 0) {
    s->diag.max_errors = INT_MAX; /* every name at fault, each round */
    /* Without quotes, only the errors' places are read: each quote looks for its line from the
     * start of a text of megabytes. */
    if (!quote && s->diag.nfiles > 0)
      s->diag.files[0].size = 0;
    errors = spec_check(s);
  }
  if (mem != NULL)
    fclose(mem);
  return errors;
}

char *import_check(imp *im, decl *decls, const char *(*comment_for)(const void *, const void *), const void *ctx)
{
  for (int round = 0; round < MAX_ROUNDS; round++) {
    size_t len = 0;
    char *text = print(decls, comment_for, ctx, &len);
    if (text == NULL)
      return NULL;
    char *diag_text = NULL;
    spec s;
    int errors = check_text(&s, text, len, 0, &diag_text);
    int renamed = errors > 0 && diag_text != NULL ? rename_errors(im, decls, s.decls, diag_text) : 0;
    spec_free(&s);
    free(diag_text);
    if (errors == 0)
      return text;
    if (renamed == 0 || round + 1 == MAX_ROUNDS) { /* a bug of the importer's: say where */
      diag_text = NULL;
      check_text(&s, text, len, 1, &diag_text);
      spec_free(&s);
      if (im->diag != NULL)
        fprintf(im->diag, "apic: internal error: the imported spec does not check:\n%s", diag_text != NULL ? diag_text : "");
      free(diag_text);
      im->errors++;
      im->rep->internal_error = 1;
      return text;
    }
    free(text);
  }
  return NULL;
}
