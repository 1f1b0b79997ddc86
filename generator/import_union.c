/* Unions settled (docs/import.md, "Unions"): oneOf and anyOf become unions while schemas are
 * mapped (import_schema.c); once every model is whole, each is held to the language's rule
 * (docs/spec-language.md, "Unions"). A tagged union whose variants are models with distinct tags
 * keeps its discriminator, and the variant models lose the tag property (the union reads and
 * writes it); else the variants must differ in JSON type, objects by their required fields (the
 * ones requiring more are put first); a union that cannot is `any`, everywhere it is used. */
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "unions.h"

#define VISIT_TAG_ENUM 7 /* decl.visit of an enum declared for a tag property (the checker resets it) */

struct imp_union {
  decl *d;
  imp_doc *doc;
  const char *pointer; /* of its oneOf or anyOf */
  int failed;
};

void union_record(imp *im, decl *d, const char *key)
{
  if (im->nunions == im->unions_cap) {
    size_t cap = im->unions_cap ? im->unions_cap * 2 : 64;
    imp_union *grown = realloc(im->unions, cap * sizeof *grown);
    if (grown == NULL) {
      im->rep->failed = 1;
      return;
    }
    im->unions = grown;
    im->unions_cap = cap;
  }
  size_t len = ptr_push(im, key);
  im->unions[im->nunions++] = (imp_union){d, im->doc, imp_strdup(im, im->ptr.data), 0};
  ptr_pop(im, len);
}

/* ---- what a variant is ------------------------------------------------------------------------- */

static decl *decl_of(imp *im, const type *t)
{
  return t != NULL && t->kind == TYPE_NAMED ? name_table_get(&im->decl_names, t->name) : NULL;
}

/* The JSON type of a variant's values, as the checker reads it (unions.c): '"' '0' 't' '[' '{',
 * or '\0' for what no variant may be (any, a union). */
static char json_class(imp *im, const type *t)
{
  if (t->kind == TYPE_ARRAY)
    return '[';
  if (t->kind == TYPE_GENERIC)
    return '{';
  const decl *d = decl_of(im, t);
  if (d != NULL)
    return d->kind == D_MODEL ? '{' : d->kind == D_ENUM ? (enum_is_integer(d) ? '0' : '"') : '\0';
  static const char *const text[] = {"string", "datetime", "date", "uuid", "bytes"};
  for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
    if (strcmp(t->name, text[i]) == 0)
      return '"';
  if (strcmp(t->name, "int") == 0 || strcmp(t->name, "int32") == 0 || strcmp(t->name, "float") == 0)
    return '0';
  return strcmp(t->name, "bool") == 0 ? 't' : '\0';
}

/* The field of model d (its own, then its bases', as extends flattens them) of this wire name. */
static field *model_field(imp *im, const decl *d, const char *wire, int depth, int *own)
{
  for (field *f = d != NULL ? d->fields : NULL; f != NULL; f = f->next)
    if (strcmp(field_wire(f), wire) == 0)
      return *own = depth == 0, f;
  for (const name_ref *b = d != NULL && depth < IMP_MAX_ALIAS_DEPTH ? d->bases : NULL; b != NULL; b = b->next) {
    field *f = model_field(im, name_table_get(&im->decl_names, b->name), wire, depth + 1, own);
    if (f != NULL)
      return f;
  }
  return NULL;
}

/* Whether every required field of model a (bases too) is one b requires: an object with b's
 * required fields then has a's. A map requires none. */
static int required_within(imp *im, const decl *a, const decl *b, int depth)
{
  for (const field *f = a != NULL ? a->fields : NULL; f != NULL; f = f->next) {
    int own;
    const field *g = f->optional || f->def != NULL ? NULL : model_field(im, b, field_wire(f), 0, &own);
    if (!f->optional && f->def == NULL && (g == NULL || g->optional || g->def != NULL))
      return 0;
  }
  for (const name_ref *r = a != NULL && depth < IMP_MAX_ALIAS_DEPTH ? a->bases : NULL; r != NULL; r = r->next)
    if (!required_within(im, name_table_get(&im->decl_names, r->name), b, depth + 1))
      return 0;
  return 1;
}

static int required_count(imp *im, const decl *d, int depth)
{
  int n = 0;
  for (const field *f = d != NULL ? d->fields : NULL; f != NULL; f = f->next)
    n += !f->optional && f->def == NULL;
  for (const name_ref *r = d != NULL && depth < IMP_MAX_ALIAS_DEPTH ? d->bases : NULL; r != NULL; r = r->next)
    n += required_count(im, name_table_get(&im->decl_names, r->name), depth + 1);
  return n;
}

/* ---- the rule ---------------------------------------------------------------------------------- */

/* With a discriminator: every variant a model holding the tag property itself (not through a
 * base), tags distinct. NULL, or why not. */
static const char *tagged_problem(imp *im, const decl *u, const char *disc)
{
  for (const field *v = u->fields; v != NULL; v = v->next) {
    const decl *m = decl_of(im, v->type);
    if (m == NULL || m->kind != D_MODEL)
      return imp_printf(im, "variant '%s' is not an object, so it cannot carry the tag", v->name);
    int own = 1;
    if (model_field(im, m, disc, 0, &own) != NULL && !own)
      return imp_printf(im, "the tag property '%s' of variant '%s' comes from a base model", disc, v->name);
    for (const field *w = u->fields; w != v; w = w->next)
      if (strcmp(union_tag(w), union_tag(v)) == 0)
        return imp_printf(im, "variants '%s' and '%s' have the same tag \"%s\"", w->name, v->name, union_tag(v));
  }
  return NULL;
}

/* Orders the object variants by how many fields they require, most first (maps last), which
 * is what lets the rule tell them apart when one requires what another does and more. */
static void order_objects(imp *im, decl *u)
{
  field *sorted = NULL;
  for (field *v = u->fields, *next; v != NULL; v = next) {
    next = v->next;
    const decl *m = decl_of(im, v->type);
    int key = json_class(im, v->type) != '{' ? 1 << 20 : m != NULL ? required_count(im, m, 0) : -1;
    field **at = &sorted;
    while (*at != NULL) {
      const decl *n = decl_of(im, (*at)->type);
      int k = json_class(im, (*at)->type) != '{' ? 1 << 20 : n != NULL ? required_count(im, n, 0) : -1;
      if (k < key)
        break;
      at = &(*at)->next;
    }
    v->next = *at;
    *at = v;
  }
  u->fields = u->own_fields = sorted;
}

/* Without a discriminator: one variant per JSON type, objects told apart by required fields.
 * NULL, or why not. */
static const char *untagged_problem(imp *im, decl *u)
{
  order_objects(im, u);
  for (const field *v = u->fields; v != NULL; v = v->next) {
    char c = json_class(im, v->type);
    if (c == '\0')
      return imp_printf(im, "variant '%s' is %s", v->name, strcmp(v->type->name, "any") == 0 ? "any" : "a union");
    for (const field *w = u->fields; w != v; w = w->next) {
      if (json_class(im, w->type) != c)
        continue;
      if (c != '{')
        return imp_printf(im, "variants '%s' and '%s' are of one JSON type, and no discriminator tells them apart",
                          w->name, v->name);
      const decl *a = decl_of(im, w->type), *b = decl_of(im, v->type);
      if (a == NULL || (b != NULL && required_within(im, a, b, 0)))
        return imp_printf(im, "variants '%s' and '%s' are objects no required field tells apart", w->name, v->name);
    }
  }
  return NULL;
}

/* ---- a union the rule cannot take: what its variants have in common, else any ---------------- */

/* What a union the rule cannot take becomes: string when its variants are all text and one is
 * any text, float (int) when they are all numbers, else any. */
static const char *widest(imp *im, const decl *u)
{
  char c = u->fields != NULL ? json_class(im, u->fields->type) : '\0';
  const char *wide = NULL;
  for (const field *v = u->fields; v != NULL; v = v->next) {
    if (json_class(im, v->type) != c || (c != '"' && c != '0'))
      return "any";
    const char *n = v->type->name;
    if (strcmp(n, "string") == 0 || strcmp(n, "float") == 0 || (wide == NULL && strcmp(n, "int") == 0))
      wide = n;
  }
  return wide != NULL ? wide : "any";
}

static int names(const type *t, const char *name)
{
  return t != NULL && t->kind == TYPE_NAMED && strcmp(t->name, name) == 0;
}

/* Every use of union name in t (arrays and maps of it too) made with; whether t was changed. */
static int retype(type *t, const char *name, const char *with)
{
  int changed = 0;
  for (; t != NULL; t = t->inner)
    if (names(t, name))
      t->name = with, changed = 1;
  return changed;
}

static void retype_fields(field *f, const char *name, const char *with)
{
  for (; f != NULL; f = f->next)
    if (retype(f->type, name, with) && strcmp(with, "any") == 0)
      f->nullable = 0, f->def = NULL; /* any holds null itself */
}

static int has_name(const type *t, const char *name)
{
  for (; t != NULL; t = t->inner)
    if (names(t, name))
      return 1;
  return 0;
}

/* What held union u holds with: fields and variants; a result of it too (but any, which is no
 * result: dropped); a body of it is dropped (a scalar body is not JSON), a stream of it is
 * stream<string>. Each operation changed is noted at the union. Type nodes may be shared (a
 * named schema's type is used wherever it is), so operations are decided before fields change. */
static void replace_uses(imp *im, const decl *u, const char *with)
{
  int any = strcmp(with, "any") == 0;
  for (size_t i = 0; i < im->ndecls; i++)
    for (operation *op = im->decls[i].d->ops; op != NULL; op = op->next) {
      int in_ret = has_name(op->ret, u->name), in_body = has_name(op->body, u->name);
      if (in_ret && op->ret->kind == TYPE_GENERIC && strcmp(op->ret->name, "stream") == 0) {
        op->ret = type_generic(im, "stream", type_named(im, "string"));
        note(im, NULL, NULL, 0, "a stream's events are a model, a union or text", "the events of '%s' as text",
             op->name);
      } else if (in_ret && any) {
        op->ret = NULL;
        op->resp_headers = NULL;
        op->has_resp_headers = 0;
        note(im, NULL, NULL, 1, gap_why(GAP_ANY_RESULT), "the result of '%s'", op->name);
      } else if (in_ret) {
        retype(op->ret, u->name, with);
      }
      if (in_body) {
        op->body = NULL;
        note(im, NULL, NULL, 1, gap_why(GAP_SCALAR_BODY), "the body of '%s'", op->name);
      }
    }
  for (size_t i = 0; i < im->ndecls; i++)
    retype_fields(im->decls[i].d->fields, u->name, with);
}

static void drop_decl(imp *im, const decl *d)
{
  size_t j = 0;
  for (size_t i = 0; i < im->ndecls; i++)
    if (im->decls[i].d != d)
      im->decls[j++] = im->decls[i];
  im->ndecls = j;
}

static void fail(imp *im, imp_union *u, const char *why)
{
  imp_place saved;
  place_enter(im, &saved, u->doc, u->pointer);
  const char *with = widest(im, u->d);
  note(im, NULL, NULL, 0, "the language tells a union's variants apart by JSON type, then by the required fields of objects",
       "'%s' as %s: %s", u->d->name, with, why);
  u->failed = 1;
  drop_decl(im, u->d);
  replace_uses(im, u->d, with);
  place_leave(im, &saved);
}

/* ---- the tags ---------------------------------------------------------------------------------- */

/* The tag property leaves each variant model: the union reads and writes it. */
static void strip_tags(imp *im, imp_union *u, const char *disc)
{
  for (const field *v = u->d->fields; v != NULL; v = v->next) {
    decl *m = decl_of(im, v->type);
    for (field **link = &m->fields; *link != NULL; link = &(*link)->next) {
      if (strcmp(field_wire(*link), disc) != 0)
        continue;
      imp_place saved;
      place_enter(im, &saved, u->doc, u->pointer);
      note(im, NULL, NULL, 0, "a union's tag is the union's to read and write, not its variants'",
           "property '%s' of '%s' as the tag of union '%s' (the model does not hold it)", disc, m->name, u->d->name);
      place_leave(im, &saved);
      decl *e = decl_of(im, (*link)->type);
      if (e != NULL && e->kind == D_ENUM && name_table_get(&im->named_types, e->name) == NULL)
        e->visit = VISIT_TAG_ENUM; /* declared for the tag only: dropped if nothing else uses it */
      *link = (*link)->next;
      if (m->own_fields != NULL && m->bases != NULL)
        m->own_fields = m->fields;
      break;
    }
  }
}

static void untag(annotation **list)
{
  while (*list != NULL)
    if (strcmp((*list)->name, "discriminator") == 0 || strcmp((*list)->name, "tag") == 0)
      *list = (*list)->next;
    else
      list = &(*list)->next;
}

/* ---- the tags' enums, dropped when nothing else uses them -------------------------------------- */

static void use_type(name_table *used, const type *t)
{
  for (; t != NULL; t = t->inner)
    if (t->kind == TYPE_NAMED && name_table_put(used, t->name, (void *)t) != 0)
      return;
}

static void use_fields(name_table *used, const field *f)
{
  for (; f != NULL; f = f->next)
    use_type(used, f->type);
}

static void drop_tag_enums(imp *im)
{
  name_table used;
  if (name_table_init(&used) != 0)
    return;
  for (size_t i = 0; i < im->ndecls; i++) {
    const decl *d = im->decls[i].d;
    use_fields(&used, d->fields);
    for (const operation *op = d->ops; op != NULL; op = op->next) {
      use_fields(&used, op->path_params), use_fields(&used, op->query_params);
      use_fields(&used, op->header_params), use_fields(&used, op->body_params);
      use_fields(&used, op->resp_headers), use_type(&used, op->body), use_type(&used, op->ret);
    }
  }
  size_t j = 0;
  for (size_t i = 0; i < im->ndecls; i++)
    if (im->decls[i].d->visit != VISIT_TAG_ENUM || name_table_get(&used, im->decls[i].d->name) != NULL)
      im->decls[j++] = im->decls[i];
  im->ndecls = j;
  name_table_free(&used);
}

void unions_settle(imp *im)
{
  for (size_t i = 0; i < im->nunions; i++) { /* tagged first: they change their variants */
    imp_union *u = &im->unions[i];
    const char *disc = anno_string(u->d->annos, "discriminator");
    const char *why = disc != NULL ? tagged_problem(im, u->d, disc) : NULL;
    if (disc != NULL && why == NULL) {
      strip_tags(im, u, disc);
    } else if (disc != NULL) {
      imp_place saved;
      place_enter(im, &saved, u->doc, u->pointer);
      note(im, NULL, NULL, 0, "a tagged union's variants are objects, each holding its own tag",
           "the discriminator '%s' of '%s' (its variants told apart by JSON type and required fields): %s", disc,
           u->d->name, why);
      place_leave(im, &saved);
      untag(&u->d->annos);
      for (field *v = u->d->fields; v != NULL; v = v->next)
        untag(&v->annos);
    }
  }
  for (int changed = 1; changed;) { /* a union made any may make another's variant any */
    changed = 0;
    for (size_t i = 0; i < im->nunions; i++) {
      imp_union *u = &im->unions[i];
      if (u->failed || anno_string(u->d->annos, "discriminator") != NULL)
        continue;
      const char *why = untagged_problem(im, u->d);
      if (why != NULL)
        fail(im, u, why), changed = 1;
    }
  }
  drop_tag_enums(im);
}

void unions_free(imp *im)
{
  free(im->unions);
  im->unions = NULL;
  im->nunions = im->unions_cap = 0;
}
