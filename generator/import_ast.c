/* Building the spec's AST (ast.h) in the importer's arena. Out of memory leaves a node NULL
 * and marks the report failed; the run then ends with an error (import.c). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

static void *alloc(imp *im, size_t size)
{
  void *p = ast_alloc(im->arena, size);
  if (p == NULL)
    im->rep->failed = 1;
  return p;
}

char *imp_strdup(imp *im, const char *s)
{
  char *p = ast_strdup(im->arena, s);
  if (p == NULL)
    im->rep->failed = 1;
  return p;
}

char *imp_printf(imp *im, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = n >= 0 ? alloc(im, (size_t)n + 1) : NULL;
  if (p != NULL) {
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  return p;
}

type *type_named(imp *im, const char *name)
{
  type *t = alloc(im, sizeof *t);
  if (t != NULL) {
    t->kind = TYPE_NAMED;
    t->name = name;
  }
  return t;
}

type *type_array(imp *im, type *inner)
{
  type *t = alloc(im, sizeof *t);
  if (t != NULL) {
    t->kind = TYPE_ARRAY;
    t->inner = inner;
  }
  return t;
}

type *type_generic(imp *im, const char *name, type *inner)
{
  type *t = alloc(im, sizeof *t);
  if (t != NULL) {
    t->kind = TYPE_GENERIC;
    t->name = name;
    t->inner = inner;
  }
  return t;
}

decl *decl_new(imp *im, decl_kind kind, const char *name)
{
  decl *d = alloc(im, sizeof *d);
  if (d == NULL)
    return NULL;
  d->kind = kind;
  d->name = name;
  if (im->ndecls == im->decls_cap) {
    size_t cap = im->decls_cap ? im->decls_cap * 2 : 256;
    imp_decl *grown = realloc(im->decls, cap * sizeof *grown);
    if (grown == NULL) {
      im->rep->failed = 1;
      return d;
    }
    im->decls = grown;
    im->decls_cap = cap;
  }
  im->decls[im->ndecls] = (imp_decl){d, im->owner, (int)im->ndecls};
  im->ndecls++;
  if (name != NULL && name_table_put(&im->decl_names, name, d) != 0)
    im->rep->failed = 1;
  return d;
}

field *field_new(imp *im, const char *name, type *t)
{
  field *f = alloc(im, sizeof *f);
  if (f != NULL) {
    f->name = name;
    f->type = t;
  }
  return f;
}

annotation *anno_add_keyed(imp *im, annotation **list, const char *name, const char *key, value *v)
{
  annotation *a = alloc(im, sizeof *a);
  if (a == NULL)
    return NULL;
  a->name = name;
  if (v != NULL) {
    arg *g = alloc(im, sizeof *g);
    if (g == NULL)
      return NULL;
    g->key = key;
    g->val = *v;
    a->args = g;
    a->has_parens = 1;
  }
  while (*list != NULL)
    list = &(*list)->next;
  *list = a;
  return a;
}

annotation *anno_add(imp *im, annotation **list, const char *name, value *v)
{
  return anno_add_keyed(im, list, name, NULL, v);
}

static value *value_new(imp *im, value_kind k)
{
  value *v = alloc(im, sizeof *v);
  if (v != NULL)
    v->kind = k;
  return v;
}

value *value_string(imp *im, const char *s)
{
  value *v = value_new(im, VAL_STRING);
  if (v != NULL)
    v->text = s;
  return v;
}

value *value_int(imp *im, long long i)
{
  value *v = value_new(im, VAL_INT);
  if (v != NULL) {
    v->i = i;
    v->f = (double)i;
    v->text = imp_printf(im, "%lld", i);
  }
  return v;
}

value *value_float(imp *im, double f)
{
  if (!isfinite(f))
    return NULL;
  /* The shortest spelling that reads back as f, in the language's number syntax: %g gives
   * digits, an optional '.', an optional exponent, as the scanner wants them. */
  char text[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(text, sizeof text, "%.*g", prec, f);
    if (strtod(text, NULL) == f)
      break;
  }
  value *v = value_new(im, VAL_FLOAT);
  if (v != NULL) {
    v->f = f;
    v->text = imp_strdup(im, text);
  }
  return v;
}

value *value_ident(imp *im, const char *name)
{
  value *v = value_new(im, VAL_IDENT);
  if (v != NULL)
    v->text = name;
  return v;
}

value *value_of_kind(imp *im, value_kind k)
{
  value *v = value_new(im, k);
  if (v != NULL)
    v->text = k == VAL_NULL ? "null" : k == VAL_EMPTY_LIST ? "[]" : NULL;
  return v;
}

void doc_append(imp *im, doc *d, const char *text)
{
  if (text == NULL)
    return;
  /* Lines: split at \n, \r dropped; trailing blank lines left out. */
  int n = 1;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  const char **lines = alloc(im, (size_t)(d->count + n) * sizeof *lines);
  if (lines == NULL)
    return;
  if (d->count > 0)
    memcpy(lines, d->lines, (size_t)d->count * sizeof *lines);
  int count = d->count;
  for (const char *p = text;;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
      len--;
    char *line = ast_strndup(im->arena, p, len);
    if (line == NULL) {
      im->rep->failed = 1;
      return;
    }
    for (char *c = line; *c != '\0'; c++)
      if ((unsigned char)*c < 0x20 && *c != '\t')
        *c = ' '; /* a doc line is one line of text */
    lines[count++] = line;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
  while (count > d->count && lines[count - 1][0] == '\0')
    count--;
  d->lines = lines;
  d->count = count;
}

doc doc_text(imp *im, const char *text)
{
  doc d = {NULL, 0, 0};
  doc_append(im, &d, text);
  return d;
}
