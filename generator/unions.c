/* Unions: the checks that need every declaration resolved (unions.h). */
#include "unions.h"

#include <string.h>

#include "names.h"

const char *const UNION_MEMBERS[3] = {"kind", "unknown_tag", "unknown_json"};

const char *union_tag(const field *v)
{
  const char *tag = anno_string(v->annos, "tag");
  return tag != NULL ? tag : v->name;
}

/* The JSON type of a variant's values, the first thing the rule looks at: '"' text, '0' a
 * number, 't' a bool, '[' an array, '{' an object; '\0' for what no variant may be. */
static char json_class(const type *t)
{
  switch (t->rk) {
  case R_INT:
  case R_INT32:
  case R_FLOAT: return '0';
  case R_BOOL: return 't';
  case R_ARRAY: return '[';
  case R_MODEL:
  case R_MAP: return '{';
  case R_ENUM: return enum_is_integer(t->target) ? '0' : '"';
  case R_STRING:
  case R_DATETIME:
  case R_DATE:
  case R_UUID:
  case R_BYTES: return '"';
  default: return '\0';
  }
}

static const char *class_word(char c)
{
  return c == '"' ? "JSON strings" : c == '0' ? "JSON numbers" : c == 't' ? "JSON booleans" : "JSON arrays";
}

/* "string", "Cat", "array": how messages name a variant's type. */
static const char *type_word(const type *t)
{
  return t->target != NULL ? t->target->name : type_kind_name(t);
}

/* ? | null = default, and what no variant may be: any, a union, a name the struct takes. */
static void check_variant(spec *s, const decl *u, const field *v)
{
  diag *d = &s->diag;
  if (v->optional)
    diag_error(d, v->at, "variant '%s' of union '%s' cannot be optional: a union holds exactly one variant; write '?' "
               "on the field that holds the union", v->name, u->name);
  if (v->nullable)
    diag_error(d, v->at, "variant '%s' of union '%s' cannot be nullable: write '| null' on the field that holds the "
               "union", v->name, u->name);
  if (v->def != NULL)
    diag_error(d, v->def->at, "variant '%s' of union '%s' cannot have a default", v->name, u->name);
  if (v->type->rk == R_ANY)
    diag_error(d, v->type->at, "variant '%s' of union '%s' is any, which takes every value and leaves the other "
               "variants nothing; a field of type any holds anything", v->name, u->name);
  else if (v->type->rk == R_UNION)
    diag_error(d, v->type->at, "variant '%s' of union '%s' is the union '%s'; list that union's variants in '%s' "
               "instead", v->name, u->name, v->type->target->name, u->name);
  int discriminated = anno_string(u->annos, "discriminator") != NULL;
  for (int i = 0; i < (discriminated ? 3 : 1); i++)
    if (strcmp(v->name, UNION_MEMBERS[i]) == 0)
      diag_error(d, v->at, "variant '%s' of union '%s' would collide with the union's member '%s' in the generated C; "
                 "rename it (a variant's name is not sent)", v->name, u->name, UNION_MEMBERS[i]);
}

/* With a discriminator: models that do not declare the tag, and distinct tags. */
static void check_tagged(spec *s, const decl *u, const char *disc)
{
  seen_set tags;
  seen_init(&tags);
  int oom = 0;
  if (disc[0] == '\0')
    diag_error(&s->diag, find_anno(u->annos, "discriminator")->at,
               "'@discriminator' takes the name of the JSON member that holds the tag");
  for (const field *v = u->fields; v != NULL; v = v->next) {
    if (v->type->rk == R_UNRESOLVED)
      continue;
    if (v->type->rk != R_MODEL) {
      diag_error(&s->diag, v->type->at, "union '%s' has a discriminator, so each variant is a model (an object that "
                 "carries the tag); variant '%s' is of type %s", u->name, v->name, type_word(v->type));
      continue;
    }
    for (const field *f = v->type->target->fields; f != NULL; f = f->next)
      if (strcmp(field_wire(f), disc) == 0)
        diag_error(&s->diag, f->at, "model '%s' has a field with the wire name \"%s\", the discriminator of union "
                   "'%s': the union reads and writes the tag; remove the field", v->type->target->name, disc, u->name);
    const field *same = seen_put(&tags, union_tag(v), (void *)v, &oom);
    if (same != NULL)
      diag_error(&s->diag, v->at, "variants '%s' and '%s' of union '%s' have the same tag \"%s\"", same->name, v->name,
                 u->name, union_tag(v));
  }
  seen_free(&tags);
  if (oom)
    diag_plain(&s->diag, "out of memory");
}

/* Whether every required field of model a (wire names) is one of b's: an object with b's
 * required fields then has a's. A map variant has none. */
static int required_within(const type *a, const type *b)
{
  for (const field *f = a->rk == R_MODEL ? a->target->fields : NULL; f != NULL; f = f->next) {
    if (f->optional || f->def != NULL)
      continue;
    const field *g = b->rk == R_MODEL ? b->target->fields : NULL;
    while (g != NULL && (g->optional || g->def != NULL || strcmp(field_wire(g), field_wire(f)) != 0))
      g = g->next;
    if (g == NULL)
      return 0;
  }
  return 1;
}

/* Object variant b, after a: reachable when some object has b's required fields and not a's. */
static void check_objects(spec *s, const decl *u, const field *a, const field *b)
{
  if (!required_within(a->type, b->type))
    return;
  if (a->type->rk == R_MAP)
    diag_error(&s->diag, b->at, "variant '%s' of union '%s' can never be chosen: the map variant '%s' before it takes "
               "every object; list '%s' last", b->name, u->name, a->name, a->name);
  else if (required_within(b->type, a->type))
    diag_error(&s->diag, b->at, "variants '%s' (%s) and '%s' (%s) of union '%s' require the same fields, so no object "
               "tells them apart; give one a required field the other lacks, or the union a discriminator", a->name,
               type_word(a->type), b->name, type_word(b->type), u->name);
  else
    diag_error(&s->diag, b->at, "variant '%s' (%s) of union '%s' can never be chosen: an object with its required "
               "fields has those of '%s' (%s), which comes first; list '%s' before '%s'", b->name, type_word(b->type),
               u->name, a->name, type_word(a->type), b->name, a->name);
}

/* Without a discriminator: one variant per JSON type, and objects told apart by required fields. */
static void check_untagged(spec *s, const decl *u)
{
  const field *by_class[128] = {NULL};
  for (const field *v = u->fields; v != NULL; v = v->next) {
    const annotation *tag = find_anno(v->annos, "tag");
    if (tag != NULL)
      diag_error(&s->diag, tag->at, "'@tag' needs '@discriminator(\"member\")' on union '%s'", u->name);
    char c = json_class(v->type);
    if (c == '\0')
      continue;
    const field *prev = by_class[(unsigned char)c];
    if (prev != NULL && c != '{') {
      diag_error(&s->diag, v->at, "variants '%s' (%s) and '%s' (%s) of union '%s' are both %s: without a discriminator "
                 "a union tells its variants apart by JSON type, then by the required fields of objects; keep one",
                 prev->name, type_word(prev->type), v->name, type_word(v->type), u->name, class_word(c));
      continue;
    }
    for (const field *a = u->fields; c == '{' && a != v; a = a->next)
      if (json_class(a->type) == '{')
        check_objects(s, u, a, v);
    by_class[(unsigned char)c] = v;
  }
}

void union_check(spec *s, const decl *u)
{
  if (u->fields == NULL)
    diag_error(&s->diag, u->at, "union '%s' has no variants", u->name);
  for (const field *v = u->fields; v != NULL; v = v->next)
    check_variant(s, u, v);
  const char *disc = anno_string(u->annos, "discriminator");
  if (disc != NULL)
    check_tagged(s, u, disc);
  else
    check_untagged(s, u);
}
