/* The checked spec as JSON, in the shape docs/spec-json.md fixes. Keys are written in the
 * documented order so the output is byte-stable. The text is written straight from the AST,
 * spelled exactly as cJSON_PrintUnformatted would spell it: the generated mock embeds it, and
 * for a large spec building a cJSON tree first cost more than the rest of the view model. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "frontend.h"
#include "lro.h"
#include "strbuf.h"
#include "unions.h"

typedef struct dumper {
  const spec *s;
  strbuf out;
  int more; /* the open object or array already has a member: the next needs a comma */
  int bare; /* leave out "doc" and "loc" */
} dumper;

/* ---- compact JSON, as cJSON prints it -------------------------------------------------------- */

static void sep(dumper *d)
{
  if (d->more)
    sb_append(&d->out, ",", 1);
  d->more = 1;
}

static void put_text(dumper *d, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  strbuf *b = &d->out;
  sb_append(b, "\"", 1);
  const char *run = s; /* bytes written as they are, up to s */
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 32 && c != '"' && c != '\\')
      continue;
    sb_append(b, run, (size_t)(s - run));
    run = s + 1;
    char esc[7] = {'\\', 0};
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default: memcpy(esc + 1, "u00", 3), esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
    }
    sb_append(b, esc, esc[1] == 'u' ? 6 : 2);
  }
  sb_append(b, run, (size_t)(s - run));
  sb_append(b, "\"", 1);
}

/* A member's key; the value follows. */
static void key(dumper *d, const char *k)
{
  sep(d);
  put_text(d, k);
  sb_append(&d->out, ":", 1);
  d->more = 0;
}

static void str(dumper *d, const char *k, const char *s)
{
  key(d, k);
  put_text(d, s != NULL ? s : "");
  d->more = 1;
}

static void boolean(dumper *d, const char *k, int on)
{
  key(d, k);
  sb_puts(&d->out, on ? "true" : "false");
  d->more = 1;
}

/* As cJSON: integers within int range without a fraction, others in 15 significant digits
 * when that reads back the same, else 17. */
static void put_number(dumper *d, double num)
{
  char buf[32];
  if (isnan(num) || isinf(num))
    snprintf(buf, sizeof buf, "null");
  else if (num >= -2147483648.0 && num <= 2147483647.0 && num == (double)(int)num)
    snprintf(buf, sizeof buf, "%d", (int)num);
  else {
    snprintf(buf, sizeof buf, "%1.15g", num);
    double back = strtod(buf, NULL); /* "the same" within an epsilon, as cJSON compares */
    double diff = back > num ? back - num : num - back;
    double a = back < 0 ? -back : back, b = num < 0 ? -num : num;
    if (diff > (a > b ? a : b) * DBL_EPSILON)
      snprintf(buf, sizeof buf, "%1.17g", num);
  }
  sb_puts(&d->out, buf);
}

static void number(dumper *d, const char *k, double num)
{
  key(d, k);
  put_number(d, num);
  d->more = 1;
}

/* Opens an object ('{') or array ('[') as member k, or as an array item when k is NULL. */
static void nest(dumper *d, const char *k, char bracket)
{
  if (k != NULL)
    key(d, k);
  else
    sep(d);
  sb_append(&d->out, &bracket, 1);
  d->more = 0;
}

static void unnest(dumper *d, char bracket)
{
  sb_append(&d->out, &bracket, 1);
  d->more = 1;
}

/* ---- the spec -------------------------------------------------------------------------------- */

static void add_loc(dumper *d, loc at)
{
  if (d->bare)
    return;
  char buf[1200];
  snprintf(buf, sizeof buf, "%s:%d:%d", diag_file_name(&d->s->diag, at.file), at.line, at.col);
  str(d, "loc", buf);
}

static void add_doc(dumper *d, doc dc)
{
  if (d->bare)
    return;
  nest(d, "doc", '[');
  for (int i = 0; i < dc.count; i++) {
    sep(d);
    put_text(d, dc.lines[i]);
  }
  unnest(d, ']');
}

static void add_deprecated(dumper *d, const annotation *annos)
{
  if (find_anno(annos, "deprecated") != NULL) {
    const char *why = anno_string(annos, "deprecated");
    str(d, "deprecated", why != NULL ? why : "");
  }
}

static void type_json(dumper *d, const char *k, const type *t)
{
  nest(d, k, '{');
  str(d, "kind", type_kind_name(t));
  if (t->rk == R_MODEL || t->rk == R_ENUM || t->rk == R_UNION)
    str(d, "name", t->target->name);
  else if (t->rk == R_ARRAY)
    type_json(d, "items", t->inner);
  else if (t->rk == R_MAP)
    type_json(d, "values", t->inner);
  unnest(d, '}');
}

static void put_value(dumper *d, const value *v)
{
  switch (v->kind) {
  case VAL_STRING:
  case VAL_IDENT: put_text(d, v->text); break;
  case VAL_INT: put_number(d, (double)v->i); break;
  case VAL_FLOAT: put_number(d, v->f); break;
  case VAL_BOOL: sb_puts(&d->out, v->i ? "true" : "false"); break;
  case VAL_NULL: sb_puts(&d->out, "null"); break;
  case VAL_EMPTY_LIST: sb_puts(&d->out, "[]"); break;
  case VAL_LIST:
  case VAL_MAP:
    sb_puts(&d->out, v->kind == VAL_LIST ? "[" : "{");
    d->more = 0;
    for (const value *i = v->items; i != NULL; i = i->next) {
      if (i->key != NULL)
        key(d, i->key);
      else
        sep(d);
      put_value(d, i);
      d->more = 1;
    }
    sb_puts(&d->out, v->kind == VAL_LIST ? "]" : "}");
    break;
  }
}

/* Member k holding v (a default, a constraint). */
static void value_json(dumper *d, const char *k, const value *v)
{
  key(d, k);
  put_value(d, v);
  d->more = 1;
}

static void add_constraints(dumper *d, const annotation *annos)
{
  static const char *const names[] = {"min", "max", "min_len", "max_len", "pattern"};
  int any = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const annotation *a = find_anno(annos, names[i]);
    if (a == NULL || a->args == NULL)
      continue;
    if (!any++)
      nest(d, "constraints", '{');
    value_json(d, names[i], &a->args->val);
  }
  if (any)
    unnest(d, '}');
}

/* A model/error field (is_param 0) or an operation parameter (is_param 1), as an array item. */
static void field_json(dumper *d, const field *f, int is_param)
{
  nest(d, NULL, '{');
  str(d, "name", f->name);
  str(d, "wire", field_wire(f));
  type_json(d, "type", f->type);
  boolean(d, "optional", f->optional);
  if (!is_param)
    boolean(d, "nullable", f->nullable);
  if (f->def != NULL)
    value_json(d, "default", f->def);
  add_constraints(d, f->annos);
  const char *header = anno_string(f->annos, "header");
  if (header != NULL && !is_param)
    str(d, "header", header);
  if (!is_param)
    add_deprecated(d, f->annos);
  if (find_anno(f->annos, "sensitive") != NULL)
    boolean(d, "sensitive", 1);
  add_doc(d, f->doc);
  add_loc(d, f->at);
  unnest(d, '}');
}

static void add_fields(dumper *d, const char *k, const field *list, int is_param)
{
  nest(d, k, '[');
  for (; list != NULL; list = list->next)
    field_json(d, list, is_param);
  unnest(d, ']');
}

/* An auth scheme (NULL: none) as member k, or an array item when k is NULL. */
static void scheme_json(dumper *d, const char *k, const auth_scheme *s)
{
  static const char *const kinds[] = {[AUTH_BEARER] = "bearer", [AUTH_BASIC] = "basic", [AUTH_HEADER] = "header",
                                      [AUTH_QUERY] = "query"};
  nest(d, k, '{');
  str(d, "scheme", s != NULL ? kinds[s->kind] : "none");
  if (s != NULL && s->param != NULL)
    str(d, kinds[s->kind], s->param);
  if (s != NULL)
    str(d, "name", s->name);
  unnest(d, '}');
}

static void api_json(dumper *d, const decl *api)
{
  nest(d, "api", '{');
  str(d, "name", api->name);
  const char *title = "", *version = "", *url = "";
  int named = 0;
  for (const api_item *it = api->items; it != NULL; it = it->next) {
    if (strcmp(it->key, "title") == 0) title = it->val.text;
    else if (strcmp(it->key, "version") == 0) version = it->val.text;
    else if (strcmp(it->key, "base_url") == 0) url = it->val.text;
    named |= strcmp(it->key, "scheme") == 0;
  }
  str(d, "title", title);
  str(d, "version", version);
  str(d, "base_url", url);
  auth_scheme schemes[MAX_SCHEMES];
  int def, n = api_schemes(api, schemes, &def);
  scheme_json(d, "auth", def >= 0 ? &schemes[def] : NULL);
  if (named) {
    nest(d, "schemes", '[');
    for (int i = 0; i < n; i++)
      scheme_json(d, NULL, &schemes[i]);
    unnest(d, ']');
  }
  add_doc(d, api->doc);
  add_loc(d, api->at);
  unnest(d, '}');
}

static void enum_json(dumper *d, const decl *e)
{
  str(d, "name", e->name);
  add_doc(d, e->doc);
  add_loc(d, e->at);
  add_deprecated(d, e->annos);
  if (enum_is_integer(e))
    boolean(d, "integer", 1);
  nest(d, "values", '[');
  for (const enum_value *v = e->values; v != NULL; v = v->next) {
    nest(d, NULL, '{');
    str(d, "name", v->name);
    if (v->wire_is_int) { /* its decimal text, exact (a double would round past 2^53) */
      key(d, "wire");
      sb_puts(&d->out, v->wire);
      d->more = 1;
    } else {
      str(d, "wire", v->wire != NULL ? v->wire : v->name);
    }
    add_deprecated(d, v->annos);
    add_doc(d, v->doc);
    add_loc(d, v->at);
    unnest(d, '}');
  }
  unnest(d, ']');
}

static void model_json(dumper *d, const decl *m)
{
  str(d, "name", m->name);
  if (m->kind == D_ERROR)
    str(d, "status", m->status);
  add_doc(d, m->doc);
  add_loc(d, m->at);
  add_deprecated(d, m->annos);
  if (m->bases != NULL) {
    nest(d, "extends", '[');
    for (const name_ref *b = m->bases; b != NULL; b = b->next) {
      sep(d);
      put_text(d, b->name);
    }
    unnest(d, ']');
  }
  add_fields(d, "fields", m->fields, 0);
}

/* A union's variants: each a name, a type and, with a discriminator, its tag. */
static void union_json(dumper *d, const decl *u)
{
  str(d, "name", u->name);
  add_doc(d, u->doc);
  add_loc(d, u->at);
  add_deprecated(d, u->annos);
  const char *disc = anno_string(u->annos, "discriminator");
  if (disc != NULL)
    str(d, "discriminator", disc);
  nest(d, "variants", '[');
  for (const field *v = u->fields; v != NULL; v = v->next) {
    nest(d, NULL, '{');
    str(d, "name", v->name);
    type_json(d, "type", v->type);
    if (disc != NULL)
      str(d, "tag", union_tag(v));
    add_constraints(d, v->annos);
    add_deprecated(d, v->annos);
    if (find_anno(v->annos, "sensitive") != NULL)
      boolean(d, "sensitive", 1);
    add_doc(d, v->doc);
    add_loc(d, v->at);
    unnest(d, '}');
  }
  unnest(d, ']');
}

/* Path parameters in path order: declared ones keep their declaration, others are strings
 * located at the path literal. */
static void add_path_params(dumper *d, const operation *op, const char *full)
{
  nest(d, "path_params", '[');
  char name[128];
  const field *decl_p;
  for (const char *p = full; next_path_param(&p, op, name, sizeof name, &decl_p);) {
    if (decl_p != NULL) {
      field_json(d, decl_p, 1);
      continue;
    }
    nest(d, NULL, '{');
    str(d, "name", name);
    str(d, "wire", name);
    nest(d, "type", '{');
    str(d, "kind", "string");
    unnest(d, '}');
    boolean(d, "optional", 0);
    add_doc(d, (doc){0});
    add_loc(d, op->path_at);
    unnest(d, '}');
  }
  unnest(d, ']');
}

static void add_returns(dumper *d, const operation *op)
{
  const type *t = op->ret;
  const char *kind = t == NULL ? "none" : t->rk == R_PAGE ? "page" : t->rk == R_STREAM ? "stream"
                                        : type_kind_name(t);
  nest(d, "returns", '{');
  str(d, "kind", kind);
  if (t != NULL)
    type_json(d, "type", (t->rk == R_PAGE || t->rk == R_STREAM) ? t->inner : t);
  if (op->has_resp_headers)
    add_fields(d, "headers", op->resp_headers, 1);
  unnest(d, '}');
}

static void add_paginate(dumper *d, const operation *op)
{
  const annotation *a = find_anno(op->annos, "paginate");
  if (a == NULL)
    return;
  const char *items = NULL, *next = NULL, *param = NULL, *offset = NULL;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (strcmp(g->key, "items") == 0) items = g->val.text;
    else if (strcmp(g->key, "next") == 0) next = g->val.text;
    else if (strcmp(g->key, "param") == 0) param = g->val.text;
    else if (strcmp(g->key, "offset") == 0) offset = g->val.text;
  }
  nest(d, "paginate", '{');
  str(d, "style", offset != NULL ? "offset" : "cursor");
  str(d, "items", items);
  if (offset == NULL)
    str(d, "next", next);
  str(d, "param", offset != NULL ? offset : param);
  unnest(d, '}');
}

/* An operation @lro names, as "resource.name". */
static void lro_op_ref(dumper *d, const char *k, const lro_op *o)
{
  char ref[300];
  if (o->op == NULL)
    return;
  snprintf(ref, sizeof ref, "%s.%s", o->resource->name, o->op->name);
  str(d, k, ref);
}

/* @lro with its operations resolved and its status values as their wire text. */
static void add_lro(dumper *d, const decl *r, const operation *op)
{
  lro_info lro;
  if (!lro_read(d->s->decls, r, op, &lro) || op->ret == NULL || op->ret->rk != R_MODEL)
    return;
  const field *status = op->ret->target->fields;
  while (status != NULL && lro.status != NULL && strcmp(status->name, lro.status) != 0)
    status = status->next;
  nest(d, "lro", '{');
  str(d, "status", lro.status);
  for (int role = 0; role < LRO_ROLES; role++) {
    nest(d, LRO_ROLE_KEYS[role], '[');
    for (const arg *g = lro.a->args; g != NULL; g = g->next)
      if (g->key != NULL && strcmp(g->key, LRO_ROLE_KEYS[role]) == 0 && g->val.kind == VAL_STRING) {
        sep(d);
        put_text(d, lro_wire(status, g->val.text));
      }
    unnest(d, ']');
  }
  lro_op_ref(d, "poll", &lro.poll);
  lro_op_ref(d, "watch", &lro.watch);
  lro_op_ref(d, "cancel", &lro.cancel);
  if (lro.error != NULL)
    str(d, "error", lro.error);
  unnest(d, '}');
}

static void op_json(dumper *d, const decl *r, const operation *op)
{
  char full[2048];
  snprintf(full, sizeof full, "%s%s", r->path, op->path);
  nest(d, NULL, '{');
  str(d, "name", op->name);
  str(d, "method", op->method);
  str(d, "path", op->path);
  str(d, "full_path", full);
  add_doc(d, op->doc);
  add_loc(d, op->at);
  add_path_params(d, op, full);
  add_fields(d, "query_params", op->query_params, 1);
  add_fields(d, "header_params", op->header_params, 1);
  if (op->body_form) {
    nest(d, "body", '{');
    str(d, "kind", op->body_form == BODY_FORM ? "form" : "multipart");
    add_fields(d, "fields", op->body_params, 1);
    unnest(d, '}');
  } else if (op->body != NULL) {
    type_json(d, "body", op->body);
  }
  if (body_content_type(op) != NULL)
    str(d, "content_type", body_content_type(op));
  add_returns(d, op);
  add_paginate(d, op);
  add_lro(d, r, op);
  if (accumulate_field(op) != NULL)
    str(d, "accumulate", accumulate_field(op));
  if (op->has_errors) {
    nest(d, "errors", '[');
    for (const name_ref *n = op->errors; n != NULL; n = n->next) {
      sep(d);
      put_text(d, n->name);
    }
    unnest(d, ']');
  }
  if (find_anno(op->annos, "auth") != NULL) {
    auth_scheme schemes[MAX_SCHEMES];
    int def, n = api_schemes(d->s->api, schemes, &def), i = op_scheme(op, schemes, n, def);
    scheme_json(d, "auth", i >= 0 ? &schemes[i] : NULL);
  }
  boolean(d, "idempotent", find_anno(op->annos, "idempotent") != NULL);
  const annotation *a = find_anno(op->annos, "timeout");
  if (a != NULL && a->args != NULL)
    number(d, "timeout_ms", (double)a->args->val.i);
  if ((a = find_anno(op->annos, "retries")) != NULL && a->args != NULL)
    number(d, "retries", (double)a->args->val.i);
  add_deprecated(d, op->annos);
  unnest(d, '}');
}

static void resource_json(dumper *d, const decl *r)
{
  str(d, "name", r->name);
  str(d, "path", r->path);
  add_doc(d, r->doc);
  add_loc(d, r->at);
  nest(d, "operations", '[');
  for (const operation *op = r->ops; op != NULL; op = op->next)
    op_json(d, r, op);
  unnest(d, ']');
}

static void add_decls(dumper *d, const char *k, decl_kind kind)
{
  nest(d, k, '[');
  for (const decl *x = d->s->decls; x != NULL; x = x->next) {
    if (x->kind != kind)
      continue;
    nest(d, NULL, '{');
    if (kind == D_ENUM)
      enum_json(d, x);
    else if (kind == D_UNION)
      union_json(d, x);
    else if (kind == D_RESOURCE)
      resource_json(d, x);
    else
      model_json(d, x);
    unnest(d, '}');
  }
  unnest(d, ']');
}

char *spec_json(const spec *s, int bare, size_t *out_len)
{
  if (s->api == NULL)
    return NULL;
  dumper d = {s, {0}, 0, bare};
  /* The JSON is 2 to 6 times the spec's source (Torale, the synthesized specs): room for it
   * ahead spares a large spec's buffer its growth by copies. Room not written costs no memory
   * (a large strbuf is whole huge pages, each faulted in when first touched). */
  sb_reserve(&d.out, spec_source_size(s) * 8);
  nest(&d, NULL, '{');
  str(&d, "apic_version", APIC_VERSION);
  str(&d, "file", diag_file_name(&s->diag, 0));
  nest(&d, "files", '[');
  for (int i = 0; i < s->diag.nfiles; i++) {
    sep(&d);
    put_text(&d, s->diag.files[i].name);
  }
  unnest(&d, ']');
  api_json(&d, s->api);
  add_decls(&d, "enums", D_ENUM);
  add_decls(&d, "models", D_MODEL);
  add_decls(&d, "unions", D_UNION);
  add_decls(&d, "errors", D_ERROR);
  add_decls(&d, "resources", D_RESOURCE);
  unnest(&d, '}');
  return sb_take(&d.out, out_len);
}

cJSON *spec_dump(const spec *s)
{
  size_t len;
  char *text = spec_json(s, 0, &len);
  cJSON *json = text != NULL ? cJSON_ParseWithLength(text, len) : NULL;
  free(text);
  return json;
}
