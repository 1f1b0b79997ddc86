/* The checked spec as JSON, in the shape docs/spec-json.md fixes. Keys are added in the
 * documented order so the output is byte-stable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "frontend.h"

typedef struct dumper {
  const spec *s;
  int oom;
} dumper;

/* Every cJSON_Add* result goes through here: a NULL marks the dump as failed. */
static cJSON *ok(dumper *d, cJSON *item)
{
  if (item == NULL)
    d->oom = 1;
  return item;
}

static void add_loc(dumper *d, cJSON *obj, loc at)
{
  char buf[1200];
  snprintf(buf, sizeof buf, "%s:%d:%d", diag_file_name(&d->s->diag, at.file), at.line, at.col);
  ok(d, cJSON_AddStringToObject(obj, "loc", buf));
}

static void add_doc(dumper *d, cJSON *obj, doc dc)
{
  cJSON *arr = ok(d, cJSON_AddArrayToObject(obj, "doc"));
  for (int i = 0; arr != NULL && i < dc.count; i++)
    if (!cJSON_AddItemToArray(arr, ok(d, cJSON_CreateString(dc.lines[i]))))
      d->oom = 1;
}

static void add_deprecated(dumper *d, cJSON *obj, const annotation *annos)
{
  const annotation *a = find_anno(annos, "deprecated");
  if (a != NULL) {
    const char *why = anno_string(annos, "deprecated");
    ok(d, cJSON_AddStringToObject(obj, "deprecated", why != NULL ? why : ""));
  }
}

static cJSON *type_json(dumper *d, const type *t)
{
  static const char *const kinds[] = {
      [R_STRING] = "string", [R_INT] = "int",     [R_FLOAT] = "float", [R_BOOL] = "bool",
      [R_DATETIME] = "datetime", [R_DATE] = "date", [R_ANY] = "any",     [R_MODEL] = "model",
      [R_ENUM] = "enum",     [R_ARRAY] = "array", [R_MAP] = "map",     [R_PAGE] = "model",
      [R_STREAM] = "model"};
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  const char *kind = t->rk > R_UNRESOLVED && t->rk <= R_STREAM ? kinds[t->rk] : "unresolved";
  ok(d, cJSON_AddStringToObject(o, "kind", kind));
  if (t->rk == R_MODEL || t->rk == R_ENUM)
    ok(d, cJSON_AddStringToObject(o, "name", t->target->name));
  else if (t->rk == R_ARRAY && !cJSON_AddItemToObject(o, "items", type_json(d, t->inner)))
    d->oom = 1;
  else if (t->rk == R_MAP && !cJSON_AddItemToObject(o, "values", type_json(d, t->inner)))
    d->oom = 1;
  return o;
}

static cJSON *value_json(dumper *d, const value *v)
{
  switch (v->kind) {
  case VAL_STRING:
  case VAL_IDENT: return ok(d, cJSON_CreateString(v->text));
  case VAL_INT: return ok(d, cJSON_CreateNumber((double)v->i));
  case VAL_FLOAT: return ok(d, cJSON_CreateNumber(v->f));
  case VAL_BOOL: return ok(d, cJSON_CreateBool((int)v->i));
  case VAL_NULL: return ok(d, cJSON_CreateNull());
  case VAL_EMPTY_LIST: return ok(d, cJSON_CreateArray());
  }
  return NULL;
}

static void add_constraints(dumper *d, cJSON *obj, const annotation *annos)
{
  static const char *const names[] = {"min", "max", "min_len", "max_len", "pattern"};
  cJSON *c = NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const annotation *a = find_anno(annos, names[i]);
    if (a == NULL || a->args == NULL)
      continue;
    if (c == NULL && (c = ok(d, cJSON_AddObjectToObject(obj, "constraints"))) == NULL)
      return;
    if (!cJSON_AddItemToObject(c, names[i], value_json(d, &a->args->val)))
      d->oom = 1;
  }
}

/* A model/error field (is_param 0) or an operation parameter (is_param 1). */
static cJSON *field_json(dumper *d, const field *f, int is_param)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  ok(d, cJSON_AddStringToObject(o, "name", f->name));
  ok(d, cJSON_AddStringToObject(o, "wire", field_wire(f)));
  if (!cJSON_AddItemToObject(o, "type", type_json(d, f->type)))
    d->oom = 1;
  ok(d, cJSON_AddBoolToObject(o, "optional", f->optional));
  if (!is_param)
    ok(d, cJSON_AddBoolToObject(o, "nullable", f->nullable));
  if (f->def != NULL && !cJSON_AddItemToObject(o, "default", value_json(d, f->def)))
    d->oom = 1;
  add_constraints(d, o, f->annos);
  const char *header = anno_string(f->annos, "header");
  if (header != NULL && !is_param)
    ok(d, cJSON_AddStringToObject(o, "header", header));
  if (!is_param)
    add_deprecated(d, o, f->annos);
  if (find_anno(f->annos, "sensitive") != NULL)
    ok(d, cJSON_AddTrueToObject(o, "sensitive"));
  add_doc(d, o, f->doc);
  add_loc(d, o, f->at);
  return o;
}

static void add_fields(dumper *d, cJSON *obj, const char *key, const field *list, int is_param)
{
  cJSON *arr = ok(d, cJSON_AddArrayToObject(obj, key));
  for (; arr != NULL && list != NULL; list = list->next)
    if (!cJSON_AddItemToArray(arr, field_json(d, list, is_param)))
      d->oom = 1;
}

static cJSON *api_json(dumper *d, const decl *api)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  ok(d, cJSON_AddStringToObject(o, "name", api->name));
  const char *title = "", *version = "", *url = "";
  const api_item *auth = NULL;
  for (const api_item *it = api->items; it != NULL; it = it->next) {
    if (strcmp(it->key, "title") == 0) title = it->val.text;
    else if (strcmp(it->key, "version") == 0) version = it->val.text;
    else if (strcmp(it->key, "base_url") == 0) url = it->val.text;
    else if (strcmp(it->key, "auth") == 0) auth = it;
  }
  ok(d, cJSON_AddStringToObject(o, "title", title));
  ok(d, cJSON_AddStringToObject(o, "version", version));
  ok(d, cJSON_AddStringToObject(o, "base_url", url));
  cJSON *a = ok(d, cJSON_AddObjectToObject(o, "auth"));
  if (a != NULL) {
    if (auth != NULL && auth->call != NULL) {
      ok(d, cJSON_AddStringToObject(a, "scheme", "header"));
      ok(d, cJSON_AddStringToObject(a, "header", auth->val.text));
    } else {
      ok(d, cJSON_AddStringToObject(a, "scheme", auth != NULL ? auth->val.text : "none"));
    }
  }
  add_doc(d, o, api->doc);
  add_loc(d, o, api->at);
  return o;
}

static cJSON *enum_json(dumper *d, const decl *e)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  ok(d, cJSON_AddStringToObject(o, "name", e->name));
  add_doc(d, o, e->doc);
  add_loc(d, o, e->at);
  add_deprecated(d, o, e->annos);
  cJSON *arr = ok(d, cJSON_AddArrayToObject(o, "values"));
  for (const enum_value *v = e->values; arr != NULL && v != NULL; v = v->next) {
    cJSON *vo = ok(d, cJSON_CreateObject());
    if (!cJSON_AddItemToArray(arr, vo)) {
      d->oom = 1;
      break;
    }
    ok(d, cJSON_AddStringToObject(vo, "name", v->name));
    ok(d, cJSON_AddStringToObject(vo, "wire", v->wire != NULL ? v->wire : v->name));
    add_deprecated(d, vo, v->annos);
    add_doc(d, vo, v->doc);
    add_loc(d, vo, v->at);
  }
  return o;
}

static cJSON *model_json(dumper *d, const decl *m)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  ok(d, cJSON_AddStringToObject(o, "name", m->name));
  if (m->kind == D_ERROR)
    ok(d, cJSON_AddStringToObject(o, "status", m->status));
  add_doc(d, o, m->doc);
  add_loc(d, o, m->at);
  add_deprecated(d, o, m->annos);
  add_fields(d, o, "fields", m->fields, 0);
  return o;
}

/* Path parameters in path order: declared ones keep their declaration, others are strings
 * located at the path literal. */
static void add_path_params(dumper *d, cJSON *o, const operation *op, const char *full)
{
  cJSON *arr = ok(d, cJSON_AddArrayToObject(o, "path_params"));
  for (const char *p = full; arr != NULL && (p = strchr(p, '{')) != NULL; p++) {
    const char *end = strchr(p, '}');
    if (end == NULL)
      break;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
    const field *decl_p = op->path_params;
    while (decl_p != NULL && strcmp(decl_p->name, name) != 0)
      decl_p = decl_p->next;
    cJSON *po;
    if (decl_p != NULL) {
      po = field_json(d, decl_p, 1);
    } else {
      po = ok(d, cJSON_CreateObject());
      if (po != NULL) {
        ok(d, cJSON_AddStringToObject(po, "name", name));
        ok(d, cJSON_AddStringToObject(po, "wire", name));
        cJSON *t = ok(d, cJSON_AddObjectToObject(po, "type"));
        if (t != NULL)
          ok(d, cJSON_AddStringToObject(t, "kind", "string"));
        ok(d, cJSON_AddFalseToObject(po, "optional"));
        ok(d, cJSON_AddArrayToObject(po, "doc"));
        add_loc(d, po, op->path_at);
      }
    }
    if (!cJSON_AddItemToArray(arr, po))
      d->oom = 1;
  }
}

static void add_returns(dumper *d, cJSON *o, const operation *op)
{
  cJSON *r = ok(d, cJSON_AddObjectToObject(o, "returns"));
  if (r == NULL)
    return;
  const type *t = op->ret;
  const char *kind = t == NULL ? "none" : t->rk == R_PAGE ? "page" : t->rk == R_STREAM ? "stream"
                                        : t->rk == R_ARRAY ? "array" : "model";
  ok(d, cJSON_AddStringToObject(r, "kind", kind));
  if (t != NULL && !cJSON_AddItemToObject(r, "type", type_json(d, (t->rk == R_PAGE || t->rk == R_STREAM) ? t->inner : t)))
    d->oom = 1;
}

static void add_paginate(dumper *d, cJSON *o, const operation *op)
{
  const annotation *a = find_anno(op->annos, "paginate");
  if (a == NULL)
    return;
  cJSON *p = ok(d, cJSON_AddObjectToObject(o, "paginate"));
  if (p == NULL)
    return;
  const char *items = NULL, *next = NULL, *param = NULL, *offset = NULL;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (strcmp(g->key, "items") == 0) items = g->val.text;
    else if (strcmp(g->key, "next") == 0) next = g->val.text;
    else if (strcmp(g->key, "param") == 0) param = g->val.text;
    else if (strcmp(g->key, "offset") == 0) offset = g->val.text;
  }
  ok(d, cJSON_AddStringToObject(p, "style", offset != NULL ? "offset" : "cursor"));
  ok(d, cJSON_AddStringToObject(p, "items", items));
  if (offset == NULL)
    ok(d, cJSON_AddStringToObject(p, "next", next));
  ok(d, cJSON_AddStringToObject(p, "param", offset != NULL ? offset : param));
}

static cJSON *op_json(dumper *d, const decl *r, const operation *op)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  char full[2048];
  snprintf(full, sizeof full, "%s%s", r->path, op->path);
  ok(d, cJSON_AddStringToObject(o, "name", op->name));
  ok(d, cJSON_AddStringToObject(o, "method", op->method));
  ok(d, cJSON_AddStringToObject(o, "path", op->path));
  ok(d, cJSON_AddStringToObject(o, "full_path", full));
  add_doc(d, o, op->doc);
  add_loc(d, o, op->at);
  add_path_params(d, o, op, full);
  add_fields(d, o, "query_params", op->query_params, 1);
  add_fields(d, o, "header_params", op->header_params, 1);
  if (op->body != NULL && !cJSON_AddItemToObject(o, "body", type_json(d, op->body)))
    d->oom = 1;
  add_returns(d, o, op);
  add_paginate(d, o, op);
  if (op->has_errors) {
    cJSON *arr = ok(d, cJSON_AddArrayToObject(o, "errors"));
    for (const name_ref *n = op->errors; arr != NULL && n != NULL; n = n->next)
      if (!cJSON_AddItemToArray(arr, ok(d, cJSON_CreateString(n->name))))
        d->oom = 1;
  }
  ok(d, cJSON_AddBoolToObject(o, "idempotent", find_anno(op->annos, "idempotent") != NULL));
  const annotation *a = find_anno(op->annos, "timeout");
  if (a != NULL && a->args != NULL)
    ok(d, cJSON_AddNumberToObject(o, "timeout_ms", (double)a->args->val.i));
  if ((a = find_anno(op->annos, "retries")) != NULL && a->args != NULL)
    ok(d, cJSON_AddNumberToObject(o, "retries", (double)a->args->val.i));
  add_deprecated(d, o, op->annos);
  return o;
}

static cJSON *resource_json(dumper *d, const decl *r)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  ok(d, cJSON_AddStringToObject(o, "name", r->name));
  ok(d, cJSON_AddStringToObject(o, "path", r->path));
  add_doc(d, o, r->doc);
  add_loc(d, o, r->at);
  cJSON *arr = ok(d, cJSON_AddArrayToObject(o, "operations"));
  for (const operation *op = r->ops; arr != NULL && op != NULL; op = op->next)
    if (!cJSON_AddItemToArray(arr, op_json(d, r, op)))
      d->oom = 1;
  return o;
}

static void add_decls(dumper *d, cJSON *root, const char *key, decl_kind kind)
{
  cJSON *arr = ok(d, cJSON_AddArrayToObject(root, key));
  for (const decl *x = d->s->decls; arr != NULL && x != NULL; x = x->next) {
    if (x->kind != kind)
      continue;
    cJSON *item = kind == D_ENUM ? enum_json(d, x) : kind == D_RESOURCE ? resource_json(d, x) : model_json(d, x);
    if (!cJSON_AddItemToArray(arr, item))
      d->oom = 1;
  }
}

cJSON *spec_dump(const spec *s)
{
  dumper d = {s, 0};
  cJSON *root = cJSON_CreateObject();
  if (root == NULL || s->api == NULL) {
    cJSON_Delete(root);
    return NULL;
  }
  ok(&d, cJSON_AddStringToObject(root, "apic_version", APIC_VERSION));
  ok(&d, cJSON_AddStringToObject(root, "file", diag_file_name(&s->diag, 0)));
  cJSON *files = ok(&d, cJSON_AddArrayToObject(root, "files"));
  for (int i = 0; files != NULL && i < s->diag.nfiles; i++)
    if (!cJSON_AddItemToArray(files, ok(&d, cJSON_CreateString(s->diag.files[i].name))))
      d.oom = 1;
  if (!cJSON_AddItemToObject(root, "api", api_json(&d, s->api)))
    d.oom = 1;
  add_decls(&d, root, "enums", D_ENUM);
  add_decls(&d, root, "models", D_MODEL);
  add_decls(&d, root, "errors", D_ERROR);
  add_decls(&d, root, "resources", D_RESOURCE);
  if (d.oom) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}
