/* @lro and @accumulate, read once (lro.h). */
#include "lro.h"

#include <stdio.h>
#include <string.h>

const char *const LRO_ROLE_KEYS[LRO_ROLES] = {"success", "failed", "cancelled"};

static const char *key_text(const annotation *a, const char *key)
{
  for (const arg *g = a->args; g != NULL; g = g->next)
    if (g->key != NULL && strcmp(g->key, key) == 0 && g->val.kind == VAL_STRING)
      return g->val.text;
  return NULL;
}

/* "get" names an operation of r; "tasks.get" one of resource tasks. */
static void resolve(const decl *decls, const decl *r, lro_op *o)
{
  const char *dot = o->ref != NULL ? strchr(o->ref, '.') : NULL;
  size_t rlen = dot != NULL ? (size_t)(dot - o->ref) : 0;
  const char *name = dot != NULL ? dot + 1 : o->ref;
  if (o->ref == NULL)
    return;
  for (const decl *d = dot != NULL ? decls : r; d != NULL; d = dot != NULL ? d->next : NULL) {
    if (d->kind != D_RESOURCE || (dot != NULL && (strlen(d->name) != rlen || strncmp(d->name, o->ref, rlen) != 0)))
      continue;
    for (const operation *op = d->ops; op != NULL; op = op->next)
      if (strcmp(op->name, name) == 0) {
        o->resource = d;
        o->op = op;
        return;
      }
  }
}

int lro_read(const decl *decls, const decl *r, const operation *op, lro_info *out)
{
  memset(out, 0, sizeof *out);
  out->a = find_anno(op->annos, "lro");
  if (out->a == NULL)
    return 0;
  out->status = key_text(out->a, "status");
  out->error = key_text(out->a, "error");
  out->poll.ref = key_text(out->a, "poll");
  out->watch.ref = key_text(out->a, "watch");
  out->cancel.ref = key_text(out->a, "cancel");
  resolve(decls, r, &out->poll);
  resolve(decls, r, &out->watch);
  resolve(decls, r, &out->cancel);
  return 1;
}

const char *lro_wire(const field *status, const char *text)
{
  if (status == NULL || status->type->rk != R_ENUM || status->type->target == NULL)
    return text;
  for (const enum_value *v = status->type->target->values; v != NULL; v = v->next)
    if (strcmp(v->name, text) == 0)
      return v->wire != NULL ? v->wire : v->name;
  return text;
}

static const field *named(const field *list, const char *name)
{
  for (; list != NULL; list = list->next)
    if (strcmp(list->name, name) == 0)
      return list;
  return NULL;
}

static int same_scalar(const type *a, const type *b)
{
  int scalar = a->rk == R_STRING || a->rk == R_INT || a->rk == R_FLOAT || a->rk == R_BOOL || a->rk == R_ENUM ||
               a->rk == R_DATETIME || a->rk == R_DATE;
  return scalar && a->rk == b->rk && (a->rk != R_ENUM || a->target == b->target);
}

/* The type of a path parameter: declared, else a string. */
static const type *param_type(const operation *op, const char *name)
{
  static const type string_t = {.kind = TYPE_NAMED, .rk = R_STRING};
  const field *p = named(op->path_params, name);
  return p != NULL ? p->type : &string_t;
}

lro_source lro_fill(const decl *model, const char *start_full, const operation *start, const char *name, const type *t)
{
  const field *f = named(model->fields, name);
  if (f != NULL && same_scalar(f->type, t))
    return LRO_FROM_FIELD;
  char p_name[160];
  const field *declared;
  for (const char *p = start_full; next_path_param(&p, start, p_name, sizeof p_name, &declared);)
    if (strcmp(p_name, name) == 0 && same_scalar(param_type(start, name), t))
      return LRO_FROM_START;
  f = named(model->fields, "id");
  return f != NULL && same_scalar(f->type, t) ? LRO_FROM_ID : LRO_FROM_NONE;
}

const char *accumulate_field(const operation *op)
{
  return anno_string(op->annos, "accumulate");
}
