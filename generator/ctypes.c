/* How a spec type is stored in the generated C (ctypes.h). */
#include "ctypes.h"

#include <string.h>

#include "names.h"

const char *c_decl_name(const char *prefix, const char *name, int upper, char *out, size_t size)
{
  char snake[512];
  snake_case(name, snake, sizeof snake);
  join(out, size, prefix, "_", snake, (char *)NULL);
  if (upper)
    upper_case(out, out, size);
  return out;
}

static int is_named(const type *t)
{
  return t->rk == R_MODEL || t->rk == R_ENUM || t->rk == R_UNION;
}

/* libapic's name for a scalar type (date-times, dates and uuids are text). */
static const char *scalar_name(const type *t)
{
  switch (t->rk) {
  case R_INT: return "int";
  case R_INT32: return "int32";
  case R_FLOAT: return "float";
  case R_BOOL: return "bool";
  case R_BYTES: return "bytes";
  case R_ANY: return "any";
  default: return "string";
  }
}

const char *c_collection(const char *prefix, const type *t, const char *suffix, char *buf, size_t size)
{
  char inner[600];
  if (t->rk == R_ARRAY)
    join(buf, size, c_collection(prefix, t->inner, "list", inner, sizeof inner), "_", suffix, (char *)NULL);
  else if (is_named(t))
    join(buf, size, c_decl_name(prefix, t->target->name, 0, inner, sizeof inner), "_", suffix, (char *)NULL);
  else
    join(buf, size, "apic_", scalar_name(t), "_", suffix, (char *)NULL);
  return buf;
}

const char *c_value_type(const char *prefix, const type *t, char *buf, size_t size)
{
  switch (t->rk) {
  case R_INT: return "int64_t";
  case R_INT32: return "int32_t";
  case R_FLOAT: return "double";
  case R_BYTES: return "apic_bytes";
  case R_FILE: return "apic_file";
  case R_BOOL: return "bool";
  case R_ANY: return "const cJSON *";
  case R_MODEL:
  case R_UNION:
  case R_ENUM: return c_decl_name(prefix, t->target->name, 0, buf, size);
  case R_ARRAY: return c_collection(prefix, t->inner, "list", buf, size);
  default: return "const char *"; /* string, datetime, date, uuid */
  }
}

static int has_default(const field *f)
{
  return f->def != NULL && f->def->kind != VAL_NULL;
}

int c_stored_by_pointer(const field *f, int nullable)
{
  const type *t = f->type;
  if (t->rk == R_INT || t->rk == R_INT32 || t->rk == R_FLOAT || t->rk == R_BOOL || t->rk == R_ENUM)
    return f->optional || f->variant || has_default(f);
  return (t->rk == R_MODEL || t->rk == R_UNION || t->rk == R_FILE) && (f->optional || nullable || f->variant);
}

/* "const T *" for a pointer to T: "const char *const *" when T is itself a pointer. */
static void pointer_to(const char *t, char *out, size_t size)
{
  int ptr = t[strlen(t) - 1] == '*';
  join(out, size, ptr ? "" : "const ", t, ptr ? "const *" : " *", (char *)NULL);
}

int c_field_members(const char *prefix, const field *f, int nullable, c_member out[C_MAX_MEMBERS])
{
  const type *t = f->type;
  char elem[600];
  int n = 0;
  c_member *m = &out[n++];
  join(m->name, sizeof m->name, f->name, (char *)NULL);
  m->comment = NULL;
  if (t->rk == R_ARRAY || t->rk == R_MAP)
    pointer_to(t->rk == R_MAP ? c_collection(prefix, t->inner, "entry", elem, sizeof elem)
                              : c_value_type(prefix, t->inner, elem, sizeof elem),
               m->type, sizeof m->type);
  else if (t->rk == R_BYTES)
    join(m->type, sizeof m->type, "const uint8_t *", (char *)NULL);
  else if (c_stored_by_pointer(f, nullable))
    pointer_to(c_value_type(prefix, t, elem, sizeof elem), m->type, sizeof m->type);
  else
    join(m->type, sizeof m->type, c_value_type(prefix, t, elem, sizeof elem), (char *)NULL);
  if (t->rk == R_ARRAY || t->rk == R_MAP) {
    m = &out[n++];
    join(m->name, sizeof m->name, f->name, "_count", (char *)NULL);
    join(m->type, sizeof m->type, "size_t", (char *)NULL);
    m->comment = NULL;
  } else if (t->rk == R_BYTES) {
    m = &out[n++];
    join(m->name, sizeof m->name, f->name, "_len", (char *)NULL);
    join(m->type, sizeof m->type, "size_t", (char *)NULL);
    m->comment = "the number of bytes";
  } else if (t->rk == R_ENUM) {
    m = &out[n++];
    join(m->name, sizeof m->name, f->name, "_unknown", (char *)NULL);
    join(m->type, sizeof m->type, "const char *", (char *)NULL);
    m->comment = "the text of a value this SDK does not know";
  }
  if (nullable) {
    m = &out[n++];
    join(m->name, sizeof m->name, f->name, "_null", (char *)NULL);
    join(m->type, sizeof m->type, "bool", (char *)NULL);
    m->comment = "true: JSON null";
  }
  return n;
}

typedef struct uses {
  void (*need)(void *ctx, int what, const char *name);
  void *ctx;
} uses;

static void use(const uses *u, int what, const type *t)
{
  if (is_named(t))
    u->need(u->ctx, what, t->target->name);
}

static void field_uses(const uses *u, const type *t)
{
  if (t->rk == R_ARRAY && t->inner->rk == R_ARRAY) {
    use(u, C_NEEDS_LIST, t->inner->inner);
  } else if (t->rk == R_MAP && t->inner->rk == R_ARRAY) {
    use(u, C_NEEDS_LIST, t->inner->inner);
    use(u, C_NEEDS_LIST_ENTRY, t->inner->inner);
  } else if (t->rk == R_MAP) {
    use(u, C_NEEDS_ENTRY, t->inner);
  }
}

void c_collection_uses(const spec *s, void (*need)(void *ctx, int what, const char *name), void *ctx)
{
  uses u = {need, ctx};
  for (const decl *d = s->decls; d != NULL; d = d->next) {
    for (const field *f = d->kind == D_MODEL || d->kind == D_ERROR || d->kind == D_UNION ? d->fields : NULL; f != NULL;
         f = f->next)
      field_uses(&u, f->type);
    for (const operation *op = d->kind == D_RESOURCE ? d->ops : NULL; op != NULL; op = op->next) {
      for (int l = 0; l < 3; l++)
        for (const field *f = l == 0 ? op->path_params : l == 1 ? op->query_params : op->header_params; f; f = f->next)
          field_uses(&u, f->type);
      if (op->ret != NULL && op->ret->rk == R_ARRAY)
        use(&u, C_NEEDS_LIST, op->ret->inner);
      if (op->body != NULL && op->body->rk == R_ARRAY)
        use(&u, C_NEEDS_LIST, op->body->inner);
      if (op->ret != NULL && op->ret->rk == R_MAP) {
        use(&u, C_NEEDS_ENTRY, op->ret->inner);
        use(&u, C_NEEDS_MAP, op->ret->inner);
      }
      if (op->ret != NULL && op->ret->rk == R_MODEL && find_anno(op->annos, "lro") != NULL)
        use(&u, C_NEEDS_FROM_ERROR, op->ret); /* what a long-running operation ends with */
    }
  }
}

void c_result_of(const char *prefix, const type *t, c_result *r)
{
  char elem[600];
  memset(r, 0, sizeof *r);
  int is_model_collection = (t->rk == R_ARRAY || t->rk == R_MAP) && (t->inner->rk == R_MODEL || t->inner->rk == R_UNION);
  if (t->rk == R_STRING || t->rk == R_DATETIME || t->rk == R_DATE || t->rk == R_UUID) { /* text */
    join(r->type, sizeof r->type, "char", (char *)NULL);
    join(r->free_fn, sizeof r->free_fn, "apic_free", (char *)NULL);
  } else if (t->rk == R_ARRAY || t->rk == R_MAP) {
    c_collection(prefix, t->inner, t->rk == R_ARRAY ? "list" : "map", r->type, sizeof r->type);
    join(r->free_fn, sizeof r->free_fn, is_model_collection ? r->type : "apic_value", "_free", (char *)NULL);
  } else { /* a model; int, int32, float, bool, enum: a value */
    r->by_value = t->rk != R_MODEL && t->rk != R_UNION;
    join(r->type, sizeof r->type, c_value_type(prefix, t, elem, sizeof elem), (char *)NULL);
    if (!r->by_value)
      join(r->free_fn, sizeof r->free_fn, r->type, "_free", (char *)NULL);
  }
  if (r->by_value) {
    join(r->out, sizeof r->out, r->type, " *", (char *)NULL);
    join(r->lent, sizeof r->lent, r->type, (char *)NULL);
    /* libapic keeps an enum as an int (apic/model.h) */
    join(elem, sizeof elem, t->rk == R_ENUM ? "(" : "", t->rk == R_ENUM ? r->type : "", t->rk == R_ENUM ? ")" : "",
         "*(const ", t->rk == R_ENUM ? "int" : r->type, " *)result", (char *)NULL);
    join(r->from, sizeof r->from, "result != NULL ? ", elem, " : 0", (char *)NULL);
  } else {
    join(r->out, sizeof r->out, r->type, " **", (char *)NULL);
    join(r->lent, sizeof r->lent, "const ", r->type, " *", (char *)NULL);
    join(r->from, sizeof r->from, "result", (char *)NULL);
  }
}

const char *c_body_type(const char *prefix, const operation *op, const char *c_op, char *buf, size_t size)
{
  const type *t = op->body;
  if (op->body_form)
    return join(buf, size, c_op, "_body", (char *)NULL);
  if (t->rk == R_STRING || t->rk == R_BYTES)
    return join(buf, size, t->rk == R_STRING ? "char" : "apic_bytes", (char *)NULL);
  if (t->rk == R_ARRAY)
    return c_collection(prefix, t->inner, "list", buf, size);
  return c_decl_name(prefix, t->target->name, 0, buf, size); /* a model */
}
