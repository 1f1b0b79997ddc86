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

/* Keys are string literals (or live as long as the AST), added without a copy. */
static cJSON *put(dumper *d, cJSON *obj, const char *key, cJSON *item)
{
  if (item == NULL || !cJSON_AddItemToObjectCS(obj, key, item)) {
    cJSON_Delete(item);
    d->oom = 1;
    return NULL;
  }
  return item;
}

static void add_loc(dumper *d, cJSON *obj, loc at)
{
  char buf[1200];
  snprintf(buf, sizeof buf, "%s:%d:%d", diag_file_name(&d->s->diag, at.file), at.line, at.col);
  put(d, obj, "loc", cJSON_CreateString(buf));
}

static void add_doc(dumper *d, cJSON *obj, doc dc)
{
  cJSON *arr = put(d, obj, "doc", cJSON_CreateArray());
  for (int i = 0; arr != NULL && i < dc.count; i++)
    if (!cJSON_AddItemToArray(arr, ok(d, cJSON_CreateString(dc.lines[i]))))
      d->oom = 1;
}

static void add_deprecated(dumper *d, cJSON *obj, const annotation *annos)
{
  const annotation *a = find_anno(annos, "deprecated");
  if (a != NULL) {
    const char *why = anno_string(annos, "deprecated");
    put(d, obj, "deprecated", cJSON_CreateString(why != NULL ? why : ""));
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
  put(d, o, "kind", cJSON_CreateString(kind));
  if (t->rk == R_MODEL || t->rk == R_ENUM)
    put(d, o, "name", cJSON_CreateString(t->target->name));
  else if (t->rk == R_ARRAY)
    put(d, o, "items", type_json(d, t->inner));
  else if (t->rk == R_MAP)
    put(d, o, "values", type_json(d, t->inner));
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
    if (c == NULL && (c = put(d, obj, "constraints", cJSON_CreateObject())) == NULL)
      return;
    put(d, c, names[i], value_json(d, &a->args->val));
  }
}

/* A model/error field (is_param 0) or an operation parameter (is_param 1). */
static cJSON *field_json(dumper *d, const field *f, int is_param)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  put(d, o, "name", cJSON_CreateString(f->name));
  put(d, o, "wire", cJSON_CreateString(field_wire(f)));
  put(d, o, "type", type_json(d, f->type));
  put(d, o, "optional", cJSON_CreateBool(f->optional));
  if (!is_param)
    put(d, o, "nullable", cJSON_CreateBool(f->nullable));
  if (f->def != NULL)
    put(d, o, "default", value_json(d, f->def));
  add_constraints(d, o, f->annos);
  const char *header = anno_string(f->annos, "header");
  if (header != NULL && !is_param)
    put(d, o, "header", cJSON_CreateString(header));
  if (!is_param)
    add_deprecated(d, o, f->annos);
  if (find_anno(f->annos, "sensitive") != NULL)
    put(d, o, "sensitive", cJSON_CreateTrue());
  add_doc(d, o, f->doc);
  add_loc(d, o, f->at);
  return o;
}

static void add_fields(dumper *d, cJSON *obj, const char *key, const field *list, int is_param)
{
  cJSON *arr = put(d, obj, key, cJSON_CreateArray());
  for (; arr != NULL && list != NULL; list = list->next)
    if (!cJSON_AddItemToArray(arr, field_json(d, list, is_param)))
      d->oom = 1;
}

static cJSON *api_json(dumper *d, const decl *api)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  put(d, o, "name", cJSON_CreateString(api->name));
  const char *title = "", *version = "", *url = "";
  const api_item *auth = NULL;
  for (const api_item *it = api->items; it != NULL; it = it->next) {
    if (strcmp(it->key, "title") == 0) title = it->val.text;
    else if (strcmp(it->key, "version") == 0) version = it->val.text;
    else if (strcmp(it->key, "base_url") == 0) url = it->val.text;
    else if (strcmp(it->key, "auth") == 0) auth = it;
  }
  put(d, o, "title", cJSON_CreateString(title));
  put(d, o, "version", cJSON_CreateString(version));
  put(d, o, "base_url", cJSON_CreateString(url));
  cJSON *a = put(d, o, "auth", cJSON_CreateObject());
  if (a != NULL) {
    if (auth != NULL && auth->call != NULL) {
      put(d, a, "scheme", cJSON_CreateString("header"));
      put(d, a, "header", cJSON_CreateString(auth->val.text));
    } else {
      put(d, a, "scheme", cJSON_CreateString(auth != NULL ? auth->val.text : "none"));
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
  put(d, o, "name", cJSON_CreateString(e->name));
  add_doc(d, o, e->doc);
  add_loc(d, o, e->at);
  add_deprecated(d, o, e->annos);
  cJSON *arr = put(d, o, "values", cJSON_CreateArray());
  for (const enum_value *v = e->values; arr != NULL && v != NULL; v = v->next) {
    cJSON *vo = ok(d, cJSON_CreateObject());
    if (!cJSON_AddItemToArray(arr, vo)) {
      d->oom = 1;
      break;
    }
    put(d, vo, "name", cJSON_CreateString(v->name));
    put(d, vo, "wire", cJSON_CreateString(v->wire != NULL ? v->wire : v->name));
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
  put(d, o, "name", cJSON_CreateString(m->name));
  if (m->kind == D_ERROR)
    put(d, o, "status", cJSON_CreateString(m->status));
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
  cJSON *arr = put(d, o, "path_params", cJSON_CreateArray());
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
        put(d, po, "name", cJSON_CreateString(name));
        put(d, po, "wire", cJSON_CreateString(name));
        cJSON *t = put(d, po, "type", cJSON_CreateObject());
        if (t != NULL)
          put(d, t, "kind", cJSON_CreateString("string"));
        put(d, po, "optional", cJSON_CreateFalse());
        put(d, po, "doc", cJSON_CreateArray());
        add_loc(d, po, op->path_at);
      }
    }
    if (!cJSON_AddItemToArray(arr, po))
      d->oom = 1;
  }
}

static void add_returns(dumper *d, cJSON *o, const operation *op)
{
  cJSON *r = put(d, o, "returns", cJSON_CreateObject());
  if (r == NULL)
    return;
  const type *t = op->ret;
  const char *kind = t == NULL ? "none" : t->rk == R_PAGE ? "page" : t->rk == R_STREAM ? "stream"
                                        : t->rk == R_ARRAY ? "array" : "model";
  put(d, r, "kind", cJSON_CreateString(kind));
  if (t != NULL)
    put(d, r, "type", type_json(d, (t->rk == R_PAGE || t->rk == R_STREAM) ? t->inner : t));
}

static void add_paginate(dumper *d, cJSON *o, const operation *op)
{
  const annotation *a = find_anno(op->annos, "paginate");
  if (a == NULL)
    return;
  cJSON *p = put(d, o, "paginate", cJSON_CreateObject());
  if (p == NULL)
    return;
  const char *items = NULL, *next = NULL, *param = NULL, *offset = NULL;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (strcmp(g->key, "items") == 0) items = g->val.text;
    else if (strcmp(g->key, "next") == 0) next = g->val.text;
    else if (strcmp(g->key, "param") == 0) param = g->val.text;
    else if (strcmp(g->key, "offset") == 0) offset = g->val.text;
  }
  put(d, p, "style", cJSON_CreateString(offset != NULL ? "offset" : "cursor"));
  put(d, p, "items", cJSON_CreateString(items));
  if (offset == NULL)
    put(d, p, "next", cJSON_CreateString(next));
  put(d, p, "param", cJSON_CreateString(offset != NULL ? offset : param));
}

static cJSON *op_json(dumper *d, const decl *r, const operation *op)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  char full[2048];
  snprintf(full, sizeof full, "%s%s", r->path, op->path);
  put(d, o, "name", cJSON_CreateString(op->name));
  put(d, o, "method", cJSON_CreateString(op->method));
  put(d, o, "path", cJSON_CreateString(op->path));
  put(d, o, "full_path", cJSON_CreateString(full));
  add_doc(d, o, op->doc);
  add_loc(d, o, op->at);
  add_path_params(d, o, op, full);
  add_fields(d, o, "query_params", op->query_params, 1);
  add_fields(d, o, "header_params", op->header_params, 1);
  if (op->body != NULL)
    put(d, o, "body", type_json(d, op->body));
  add_returns(d, o, op);
  add_paginate(d, o, op);
  if (op->has_errors) {
    cJSON *arr = put(d, o, "errors", cJSON_CreateArray());
    for (const name_ref *n = op->errors; arr != NULL && n != NULL; n = n->next)
      if (!cJSON_AddItemToArray(arr, ok(d, cJSON_CreateString(n->name))))
        d->oom = 1;
  }
  put(d, o, "idempotent", cJSON_CreateBool(find_anno(op->annos, "idempotent") != NULL));
  const annotation *a = find_anno(op->annos, "timeout");
  if (a != NULL && a->args != NULL)
    put(d, o, "timeout_ms", cJSON_CreateNumber((double)a->args->val.i));
  if ((a = find_anno(op->annos, "retries")) != NULL && a->args != NULL)
    put(d, o, "retries", cJSON_CreateNumber((double)a->args->val.i));
  add_deprecated(d, o, op->annos);
  return o;
}

static cJSON *resource_json(dumper *d, const decl *r)
{
  cJSON *o = ok(d, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  put(d, o, "name", cJSON_CreateString(r->name));
  put(d, o, "path", cJSON_CreateString(r->path));
  add_doc(d, o, r->doc);
  add_loc(d, o, r->at);
  cJSON *arr = put(d, o, "operations", cJSON_CreateArray());
  for (const operation *op = r->ops; arr != NULL && op != NULL; op = op->next)
    if (!cJSON_AddItemToArray(arr, op_json(d, r, op)))
      d->oom = 1;
  return o;
}

static void add_decls(dumper *d, cJSON *root, const char *key, decl_kind kind)
{
  cJSON *arr = put(d, root, key, cJSON_CreateArray());
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
  put(&d, root, "apic_version", cJSON_CreateString(APIC_VERSION));
  put(&d, root, "file", cJSON_CreateString(diag_file_name(&s->diag, 0)));
  cJSON *files = put(&d, root, "files", cJSON_CreateArray());
  for (int i = 0; files != NULL && i < s->diag.nfiles; i++)
    if (!cJSON_AddItemToArray(files, ok(&d, cJSON_CreateString(s->diag.files[i].name))))
      d.oom = 1;
  put(&d, root, "api", api_json(&d, s->api));
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
