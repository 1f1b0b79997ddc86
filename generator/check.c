/* Semantic checks: names resolve, nothing is declared twice, defaults and constraints fit
 * their types, paths and parameters agree, models do not contain themselves by value, and
 * every name is a usable C identifier once prefixed. Each error carries the location of the
 * construct at fault; the checker keeps going after an error. */
#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "cnames.h"
#include "compose.h"
#include "frontend.h"
#include "lro.h"
#include "names.h"
#include "unions.h"

#define MAX_PATH_PARAMS 32
/* Enum values and page fields are looked up by scanning lists this short; longer ones are
 * indexed in a table, so that a huge enum or page model takes linear time. */
#define SCAN_MAX 16

typedef struct checker {
  spec *s;
  diag *d;
  name_table types;     /* models, enums, errors */
  name_table resources;
  cnames names;         /* the C names the SDK makes (cnames.h) */
  name_table enum_values; /* "Enum.value" for every value of every enum, for defaults */
  name_table page_fields; /* "Model.field" of every model used as a page, for @paginate */
  name_table pages;       /* the page models indexed in page_fields */
  auth_scheme schemes[MAX_SCHEMES]; /* the API's auth schemes (ast.h) */
  int nschemes, def_scheme;         /* how many, and the default's index (-1: none) */
  int syntax_errors;    /* errors before checking: some checks would only echo them */
  decl *api;
} checker;

/* ---- annotations ---------------------------------------------------------------------- */

typedef enum arg_type { ARG_NONE, ARG_STRING, ARG_NUMBER, ARG_UINT, ARG_OPT_STRING, ARG_NAME } arg_type;

typedef struct anno_rule {
  const char *name;
  arg_type arg;
} anno_rule;

static const anno_rule FIELD_ANNOS[] = {
    {"json", ARG_STRING},   {"deprecated", ARG_OPT_STRING}, {"sensitive", ARG_NONE},
    {"min", ARG_NUMBER},    {"max", ARG_NUMBER},            {"min_len", ARG_UINT},
    {"max_len", ARG_UINT},  {"pattern", ARG_STRING},        {"header", ARG_STRING},
    {NULL, ARG_NONE}};
static const anno_rule DECL_ANNOS[] = {{"deprecated", ARG_OPT_STRING}, {NULL, ARG_NONE}};
static const anno_rule UNION_ANNOS[] = {{"deprecated", ARG_OPT_STRING}, {"discriminator", ARG_STRING}, {NULL, ARG_NONE}};
static const anno_rule VARIANT_ANNOS[] = {
    {"tag", ARG_STRING},    {"deprecated", ARG_OPT_STRING}, {"sensitive", ARG_NONE},
    {"min", ARG_NUMBER},    {"max", ARG_NUMBER},            {"min_len", ARG_UINT},
    {"max_len", ARG_UINT},  {"pattern", ARG_STRING},        {NULL, ARG_NONE}};
static const anno_rule OP_ANNOS[] = {
    {"idempotent", ARG_NONE}, {"timeout", ARG_UINT},  {"retries", ARG_UINT}, {"auth", ARG_NAME},
    {"deprecated", ARG_OPT_STRING}, {"paginate", ARG_NONE /* keyed args, checked apart */},
    {"lro", ARG_NONE /* keyed args, checked apart */}, {"accumulate", ARG_STRING},
    {NULL, ARG_NONE}};

static void list_rules(const anno_rule *rules, char *buf, size_t size)
{
  size_t len = 0;
  buf[0] = '\0';
  for (const anno_rule *r = rules; r->name != NULL && len < size; r++)
    len += (size_t)snprintf(buf + len, size - len, "%s@%s", r == rules ? "" : ", ", r->name);
}

/* Checks that every annotation is known here, given once, with the right argument. */
static void check_annos(checker *c, const annotation *annos, const anno_rule *rules, const char *where)
{
  unsigned long given = 0; /* bit i: rules[i] seen (a linear pass, however long the list) */
  for (const annotation *a = annos; a != NULL; a = a->next) {
    const anno_rule *r = rules;
    while (r->name != NULL && strcmp(r->name, a->name) != 0)
      r++;
    if (r->name == NULL) {
      char allowed[256];
      list_rules(rules, allowed, sizeof allowed);
      diag_error(c->d, a->at, "unknown annotation '@%s' on %s; expected one of %s", a->name, where, allowed);
      continue;
    }
    unsigned long bit = 1ul << (r - rules);
    if (given & bit)
      diag_error(c->d, a->at, "'@%s' given twice", a->name);
    given |= bit;
    if (strcmp(a->name, "paginate") == 0 || strcmp(a->name, "lro") == 0)
      continue;
    int nargs = 0;
    for (const arg *g = a->args; g != NULL; g = g->next)
      nargs++;
    const arg *g = a->args;
    int ok = 1;
    switch (r->arg) {
    case ARG_NONE: ok = nargs == 0 && !a->has_parens; break;
    case ARG_OPT_STRING: ok = nargs == 0 || (nargs == 1 && g->val.kind == VAL_STRING && g->key == NULL); break;
    case ARG_STRING: ok = nargs == 1 && g->val.kind == VAL_STRING && g->key == NULL; break;
    case ARG_NUMBER: ok = nargs == 1 && (g->val.kind == VAL_INT || g->val.kind == VAL_FLOAT) && g->key == NULL; break;
    case ARG_UINT: ok = nargs == 1 && g->val.kind == VAL_INT && g->val.i >= 0 && g->key == NULL; break;
    case ARG_NAME: ok = nargs == 1 && g->val.kind == VAL_IDENT && g->key == NULL; break;
    }
    if (!ok) {
      static const char *const want[] = {"no argument", "one string", "one number",
                                         "one whole number >= 0", "at most one string", "one name"};
      diag_error(c->d, a->at, "'@%s' takes %s", a->name, want[r->arg]);
    }
  }
}

/* ---- types -------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  resolved_kind kind;
} SCALARS[] = {{"string", R_STRING}, {"int", R_INT},     {"float", R_FLOAT}, {"bool", R_BOOL},
               {"datetime", R_DATETIME}, {"date", R_DATE}, {"any", R_ANY},     {"int32", R_INT32},
               {"uuid", R_UUID},     {"bytes", R_BYTES}};

/* The declared name (or scalar, when scalars too) closest to name, if close enough to suggest.
 * No search when the error will not be shown: past the error limit, suggestions cost time
 * (a spec can have thousands of unknown names) and print nothing. */
static const char *suggestion(checker *c, const char *name, int scalars)
{
  if (!diag_shown(c->d))
    return NULL;
  const char *best = NULL;
  size_t best_dist = similar_enough(name) + 1;
  for (size_t i = 0; scalars && i < sizeof SCALARS / sizeof SCALARS[0]; i++) {
    size_t dist = edit_distance(name, SCALARS[i].name, best_dist);
    if (dist < best_dist)
      best = SCALARS[i].name, best_dist = dist;
  }
  const char *near = name_table_nearest(&c->types, name, &best_dist);
  return near != NULL ? near : best;
}

/* Type names other languages use, and what this one writes. */
static const struct {
  const char *name, *write;
} TYPE_ALIASES[] = {
    {"int64", "int (64 bits)"}, {"long", "int (64 bits)"}, {"integer", "int (64 bits)"}, {"int8", "int32 or int"},
    {"int16", "int32 or int"},  {"uint8", "int32 or int"}, {"uint16", "int32 or int"},   {"uint32", "int"},
    {"uint64", "int (signed 64 bits)"}, {"number", "float (or int)"}, {"double", "float (64 bits)"},
    {"decimal", "float, or string for exact decimals"}, {"boolean", "bool"}, {"str", "string"}, {"text", "string"},
    {"object", "a model (or any)"}, {"json", "any"}, {"binary", "bytes"}, {"byte", "bytes"}, {"blob", "bytes"},
    {"timestamp", "datetime"}, {"guid", "uuid"}, {"void", "nothing: leave out the '-> T'"}};

static void unknown_type(checker *c, const type *t)
{
  for (size_t i = 0; i < sizeof TYPE_ALIASES / sizeof TYPE_ALIASES[0]; i++)
    if (strcmp(t->name, TYPE_ALIASES[i].name) == 0) {
      diag_error(c->d, t->at, "unknown type '%s'; write %s", t->name, TYPE_ALIASES[i].write);
      return;
    }
  const char *best = suggestion(c, t->name, 1);
  if (best != NULL)
    diag_error(c->d, t->at, "unknown type '%s'; did you mean '%s'?", t->name, best);
  else
    diag_error(c->d, t->at, "unknown type '%s'", t->name);
}

/* Arrays hold values or arrays of values, maps values or arrays of values: each has a typed C
 * form (apic/model.h). Deeper nesting is refused with what to write instead. t's inner type is
 * resolved. */
static int nesting_ok(checker *c, const type *t)
{
  const type *in = t->inner;
  if (in->rk == R_MAP || (in->rk == R_ARRAY && (in->inner->rk == R_ARRAY || in->inner->rk == R_MAP))) {
    diag_error(c->d, in->at, "%s nested this deep has no C form; declare a model for the inner %s "
               "(a model field can hold it)", t->kind == TYPE_GENERIC ? "a map" : "an array",
               in->rk == R_MAP ? "map" : "array");
    return 0;
  }
  return 1;
}

/* Where a type stands: what it may be beyond a field's types (page<T> and stream<T> in a
 * result, file in a multipart body's fields). */
enum { IN_FIELD, IN_RESULT, IN_MULTIPART };

/* Resolves t, standing where IN_FIELD... says. */
static int resolve_type(checker *c, type *t, int where)
{
  int in_result = where == IN_RESULT;
  switch (t->kind) {
  case TYPE_REFUSED: return 0; /* the parser said why */
  case TYPE_ARRAY:
    if (!resolve_type(c, t->inner, where == IN_MULTIPART ? IN_MULTIPART : IN_FIELD) || !nesting_ok(c, t))
      return 0;
    t->rk = R_ARRAY;
    return 1;
  case TYPE_GENERIC: {
    /* t->rk is set only once the whole type is valid: later checks trust a resolved kind. */
    resolved_kind k = R_UNRESOLVED;
    if (strcmp(t->name, "map") == 0)
      k = R_MAP;
    else if (in_result && strcmp(t->name, "page") == 0)
      k = R_PAGE;
    else if (in_result && strcmp(t->name, "stream") == 0)
      k = R_STREAM;
    else {
      diag_error(c->d, t->at, in_result ? "unknown generic type '%s<...>'; expected map, page or stream"
                                        : "unknown generic type '%s<...>'; expected map<T>", t->name);
      return 0;
    }
    if (!resolve_type(c, t->inner, IN_FIELD))
      return 0;
    if (k == R_MAP && !nesting_ok(c, t))
      return 0;
    if (k == R_PAGE && t->inner->rk != R_MODEL) {
      diag_error(c->d, t->inner->at, "page<...> takes a model");
      return 0;
    }
    if (k == R_STREAM && t->inner->rk == R_BYTES) {
      diag_error(c->d, t->inner->at, "an event's data is text, never bytes: write stream<string> (or a model "
                 "with a bytes field, base64 in JSON); a binary download is '-> bytes'");
      return 0;
    }
    if (k == R_STREAM && t->inner->rk != R_MODEL && t->inner->rk != R_UNION && t->inner->rk != R_STRING) {
      diag_error(c->d, t->inner->at, "stream<...> takes a model or a union (each event's data is JSON) or string "
                 "(the data as it comes)");
      return 0;
    }
    t->rk = k;
    return 1;
  }
  case TYPE_NAMED:
    for (size_t i = 0; i < sizeof SCALARS / sizeof SCALARS[0]; i++)
      if (t->name[0] == SCALARS[i].name[0] && strcmp(t->name, SCALARS[i].name) == 0) {
        t->rk = SCALARS[i].kind;
        return 1;
      }
    decl *d = name_table_get(&c->types, t->name);
    if (d == NULL && strcmp(t->name, "file") == 0) {
      if (where == IN_MULTIPART)
        return t->rk = R_FILE, 1;
      diag_error(c->d, t->at, "'file' is the type of a file part of a multipart(...) body; elsewhere, binary data "
                 "is bytes");
      return 0;
    }
    if (d == NULL) {
      unknown_type(c, t);
      return 0;
    }
    if (d->kind == D_ERROR) {
      diag_error(c->d, t->at, "'%s' is an error, not a model; errors cannot be used as types", t->name);
      return 0;
    }
    t->rk = d->kind == D_ENUM ? R_ENUM : d->kind == D_UNION ? R_UNION : R_MODEL;
    t->target = d;
    return 1;
  }
  return 0;
}

/* The kinds a parameter can be: a value with a text form (bytes have none but base64). */
static int is_scalar(resolved_kind k)
{
  return k == R_STRING || k == R_INT || k == R_FLOAT || k == R_BOOL || k == R_DATETIME ||
         k == R_DATE || k == R_ENUM || k == R_INT32 || k == R_UUID;
}

/* ---- defaults and constraints ----------------------------------------------------------- */

static const char *type_word(const type *t)
{
  switch (t->rk) {
  case R_STRING: return "a string";
  case R_INT: return "an int";
  case R_INT32: return "an int32";
  case R_UUID: return "a uuid";
  case R_BYTES: return "bytes";
  case R_FLOAT: return "a float";
  case R_BOOL: return "a bool";
  case R_DATETIME: return "a datetime";
  case R_DATE: return "a date";
  case R_ANY: return "any";
  case R_MODEL: return "a model";
  case R_UNION: return "a union";
  case R_ENUM: return "an enum";
  case R_ARRAY: return "an array";
  case R_MAP: return "a map";
  default: return "this type";
  }
}

/* "Owner.name" (Enum.value, Model.field): '.' is in no identifier, so the key is unambiguous.
 * Caller frees. */
static char *dotted_key(const char *owner, const char *name)
{
  size_t le = strlen(owner), lv = strlen(name);
  char *key = malloc(le + lv + 2);
  if (key != NULL) {
    memcpy(key, owner, le);
    key[le] = '.';
    memcpy(key + le + 1, name, lv + 1);
  }
  return key;
}

static size_t count_values(const decl *e)
{
  size_t n = 0;
  for (const enum_value *v = e->values; v != NULL; v = v->next)
    n++;
  return n;
}

/* Whether e has more than SCAN_MAX values: counted only that far, as it is asked for every
 * enum default (counting a long enum each time was quadratic). */
static int many_values(const decl *e)
{
  size_t n = 0;
  for (const enum_value *v = e->values; v != NULL && n <= SCAN_MAX; v = v->next)
    n++;
  return n > SCAN_MAX;
}

/* Records e's values in c->enum_values (keys in the arena, as the table borrows them), when it
 * has more than SCAN_MAX. */
static void index_enum_values(checker *c, decl *e)
{
  if (!many_values(e))
    return;
  for (enum_value *v = e->values; v != NULL; v = v->next) {
    char *key = dotted_key(e->name, v->name);
    char *kept = key != NULL ? ast_strdup(c->s->arena, key) : NULL;
    free(key);
    if (kept == NULL || name_table_put(&c->enum_values, kept, v) != 0) {
      diag_plain(c->d, "out of memory");
      return;
    }
  }
}

static int find_enum_value(checker *c, const decl *e, const char *name)
{
  if (!many_values(e)) {
    for (const enum_value *v = e->values; v != NULL; v = v->next)
      if (strcmp(v->name, name) == 0)
        return 1;
    return 0;
  }
  char *key = dotted_key(e->name, name);
  int found = key != NULL && name_table_get(&c->enum_values, key) != NULL;
  free(key);
  return found;
}

static int items_fit(checker *c, const type *t, const value *v);
static void *seen_before(checker *c, seen_set *set, const char *key, void *val);

static int fits_int32(long long i)
{
  return i >= INT32_MIN && i <= INT32_MAX;
}

/* Whether value v (not null) fits type t: 1, 0, or -1 when v was at fault and it is reported
 * (an enum value that is not one, an int32 out of range, an item of a list or map). */
static int value_fits(checker *c, const type *t, const value *v)
{
  switch (v->kind) {
  case VAL_STRING:
    return t->rk == R_STRING || t->rk == R_ANY || (t->rk == R_DATETIME && apic_datetime_parse(v->text, NULL, NULL) == 0) ||
           (t->rk == R_DATE && apic_date_valid(v->text)) || (t->rk == R_UUID && apic_uuid_valid(v->text));
  case VAL_INT:
    if (t->rk == R_INT32 && !fits_int32(v->i)) {
      diag_error(c->d, v->at, "%s is outside int32's range (%d to %d); use int for 64 bits", v->text, INT32_MIN,
                 INT32_MAX);
      return -1;
    }
    return t->rk == R_INT || t->rk == R_INT32 || t->rk == R_FLOAT || t->rk == R_ANY;
  case VAL_FLOAT: return t->rk == R_FLOAT || t->rk == R_ANY;
  case VAL_BOOL: return t->rk == R_BOOL || t->rk == R_ANY;
  case VAL_EMPTY_LIST: return t->rk == R_ARRAY;
  case VAL_IDENT:
    if (t->rk == R_ENUM && !find_enum_value(c, t->target, v->text)) {
      diag_error(c->d, v->at, "'%s' is not a value of enum '%s'", v->text, t->target->name);
      return -1;
    }
    return t->rk == R_ENUM;
  case VAL_LIST:
  case VAL_MAP: return items_fit(c, t, v);
  default: return 0;
  }
}

/* A list or map default: of an array or map of scalars or enum values, each fitting, keys once. */
static int items_fit(checker *c, const type *t, const value *v)
{
  if (t->rk != (v->kind == VAL_LIST ? R_ARRAY : R_MAP))
    return 0;
  if (v->items != NULL && !is_scalar(t->inner->rk)) {
    diag_error(c->d, v->at, "a default %s holds text, numbers, bools or enum values, not %s; leave it out and set it "
               "in code", v->kind == VAL_LIST ? "list" : "map", type_word(t->inner));
    return -1;
  }
  seen_set keys;
  seen_init(&keys);
  int ok = 1;
  for (const value *i = v->items; i != NULL && ok == 1; i = i->next) {
    if (i->key != NULL && seen_before(c, &keys, i->key, (void *)i) != NULL) {
      diag_error(c->d, i->at, "key \"%s\" is given twice in this default", i->key);
      ok = -1;
    } else if ((ok = value_fits(c, t->inner, i)) == 0) {
      diag_error(c->d, i->at, "'%s' does not fit %s (%s)", i->text, v->kind == VAL_LIST ? "an item of this list"
                 : "a value of this map", type_word(t->inner));
      ok = -1;
    }
  }
  seen_free(&keys);
  return ok;
}

static void check_default(checker *c, const field *f)
{
  const value *v = f->def;
  const type *t = f->type;
  if (v == NULL || t->rk == R_UNRESOLVED)
    return;
  int ok = v->kind == VAL_NULL ? f->nullable || t->rk == R_ANY : value_fits(c, t, v);
  if (ok == 0 && v->kind == VAL_EMPTY_LIST && t->rk == R_MAP)
    diag_error(c->d, v->at, "default '[]' is an empty list; an empty map is written {}");
  else if (ok == 0)
    diag_error(c->d, v->at, "default '%s' does not fit %s '%s' (%s)", v->text ? v->text : "?",
               f->optional ? "optional field" : "field", f->name, type_word(t));
}

static const arg *anno_arg(const annotation *a)
{
  return a != NULL ? a->args : NULL;
}

static void check_constraints(checker *c, const field *f)
{
  const type *t = f->type;
  if (t->rk == R_UNRESOLVED)
    return;
  const annotation *min = find_anno(f->annos, "min"), *max = find_anno(f->annos, "max");
  const annotation *minl = find_anno(f->annos, "min_len"), *maxl = find_anno(f->annos, "max_len");
  const annotation *pat = find_anno(f->annos, "pattern");
  int numeric = t->rk == R_INT || t->rk == R_INT32 || t->rk == R_FLOAT;
  int sized = t->rk == R_STRING || t->rk == R_ARRAY || t->rk == R_MAP || t->rk == R_BYTES;
  if (min != NULL && !numeric)
    diag_error(c->d, min->at, "'@min' applies to int, int32 and float, not to %s", type_word(t));
  if (max != NULL && !numeric)
    diag_error(c->d, max->at, "'@max' applies to int, int32 and float, not to %s", type_word(t));
  if (minl != NULL && !sized)
    diag_error(c->d, minl->at, "'@min_len' applies to strings, bytes, arrays and maps, not to %s", type_word(t));
  if (maxl != NULL && !sized)
    diag_error(c->d, maxl->at, "'@max_len' applies to strings, bytes, arrays and maps, not to %s", type_word(t));
  const annotation *bounds[] = {min, max};
  for (int i = 0; i < 2 && t->rk == R_INT32; i++) {
    const arg *b = anno_arg(bounds[i]);
    if (b != NULL && (b->val.kind != VAL_INT || !fits_int32(b->val.i)))
      diag_error(c->d, bounds[i]->at, "'@%s(%s)' is not an int32 (%d to %d)", bounds[i]->name, b->val.text,
                 INT32_MIN, INT32_MAX);
  }
  if (pat != NULL && t->rk != R_STRING)
    diag_error(c->d, pat->at, "'@pattern' applies to strings, not to %s", type_word(t));

  const arg *a1 = anno_arg(min), *a2 = anno_arg(max);
  if (a1 != NULL && a2 != NULL && a1->val.f > a2->val.f)
    diag_error(c->d, min->at, "'@min(%s)' is above '@max(%s)'", a1->val.text, a2->val.text);
  a1 = anno_arg(minl), a2 = anno_arg(maxl);
  if (a1 != NULL && a2 != NULL && a1->val.kind == VAL_INT && a2->val.kind == VAL_INT && a1->val.i > a2->val.i)
    diag_error(c->d, minl->at, "'@min_len(%lld)' is above '@max_len(%lld)'", a1->val.i, a2->val.i);

  const value *v = f->def;
  if (v != NULL && numeric && (v->kind == VAL_INT || v->kind == VAL_FLOAT)) {
    if ((a1 = anno_arg(min)) != NULL && v->f < a1->val.f)
      diag_error(c->d, v->at, "default %s is below '@min(%s)'", v->text, a1->val.text);
    if ((a2 = anno_arg(max)) != NULL && v->f > a2->val.f)
      diag_error(c->d, v->at, "default %s is above '@max(%s)'", v->text, a2->val.text);
  }
  const arg *pa = anno_arg(pat);
  if (pa != NULL && pa->val.kind == VAL_STRING) {
    regex_t re;
    if (regcomp(&re, pa->val.text, REG_EXTENDED | REG_NOSUB) != 0) {
      diag_error(c->d, pat->at, "'@pattern' is not a valid POSIX extended regular expression");
    } else {
      if (v != NULL && v->kind == VAL_STRING && regexec(&re, v->text, 0, NULL, 0) != 0)
        diag_error(c->d, v->at, "default \"%s\" does not match '@pattern'", v->text);
      regfree(&re);
    }
  }
}

/* ---- fields ------------------------------------------------------------------------------- */

static void check_identifier(checker *c, const char *name, loc at, const char *what)
{
  if (is_c_keyword(name))
    diag_error(c->d, at, "%s '%s' is a C keyword; choose another name (use @json for the wire name)", what, name);
  else if (name[0] == '_')
    diag_error(c->d, at, "%s '%s' starts with '_', which C reserves at file scope; choose another name", what, name);
}

/* seen_put, reporting when out of memory. */
static void *seen_before(checker *c, seen_set *set, const char *key, void *val)
{
  int oom = 0;
  void *prev = seen_put(set, key, val, &oom);
  if (oom)
    diag_plain(c->d, "out of memory");
  return prev;
}

/* How a field or parameter (kind) is renamed and keeps its wire name, for messages. */
static const char *rename_hint(const char *kind)
{
  return strstr(kind, "header") != NULL ? "use @header for the wire name"
         : strcmp(kind, "path parameter") == 0 ? "a path parameter's name is not sent"
         : strcmp(kind, "variant") == 0        ? "a variant's name is not sent"
                                                : "use @json for the wire name";
}

/* Fields of a model or error, or parameters: `kind` is "field" or "query parameter" (and
 * path, header). @header is allowed on error fields and header parameters. */
static void check_fields(checker *c, field *fields, int allow_header, const char *kind)
{
  seen_set names, wires;
  seen_init(&names);
  seen_init(&wires);
  for (field *f = fields; f != NULL; f = f->next) {
    cnames_plain(&c->names, f->name, f->at, kind, rename_hint(kind));
    const field *same_name = seen_before(c, &names, f->name, f);
    const field *same_wire = seen_before(c, &wires, field_wire(f), f);
    if (same_name != NULL) {
      diag_error(c->d, f->at, "duplicate %s '%s'", kind, f->name);
      diag_note(c->d, same_name->at, "'%s' first declared here", same_name->name);
    } else if (same_wire != NULL) {
      diag_error(c->d, f->at, "%s '%s' has the same wire name \"%s\" as '%s'", kind, f->name,
                 field_wire(f), same_wire->name);
    }
    check_annos(c, f->annos, f->variant ? VARIANT_ANNOS : FIELD_ANNOS, kind);
    const annotation *h = find_anno(f->annos, "header");
    if (h != NULL && !allow_header && strcmp(kind, "field") == 0)
      diag_error(c->d, h->at, "'@header' is for error fields and header parameters");
    if (resolve_type(c, f->type, strcmp(kind, "multipart field") == 0 ? IN_MULTIPART : IN_FIELD)) {
      if (h != NULL && !is_scalar(f->type->rk))
        diag_error(c->d, h->at, "a '@header' field must have a scalar type");
      check_default(c, f);
      check_constraints(c, f);
    }
  }
  seen_free(&names);
  seen_free(&wires);
}

/* The members a model's or error's fields make in its struct. */
static void check_members(checker *c, const decl *d)
{
  const char *kind = d->kind == D_UNION ? "variant" : "field";
  cn_fields fields = {d->fields, kind, rename_hint(kind)};
  cnames_members(&c->names, &fields, 1);
}

/* ---- declarations --------------------------------------------------------------------------- */

/* Returns 0 when the name is new (and now taken). */
static int declare(checker *c, name_table *t, decl *d, const char *what)
{
  decl *prev = name_table_get(t, d->name);
  if (prev != NULL) {
    diag_error(c->d, d->at, "duplicate %s name '%s'", what, d->name);
    diag_note(c->d, prev->at, "'%s' first declared here", prev->name);
    return -1;
  }
  if (name_table_put(t, d->name, d) != 0) {
    diag_plain(c->d, "out of memory");
    return -1;
  }
  return 0;
}

static void check_enum(checker *c, decl *e)
{
  check_annos(c, e->annos, DECL_ANNOS, "an enum");
  if (e->values == NULL && c->syntax_errors == 0)
    diag_error(c->d, e->at, "enum '%s' has no values", e->name);
  seen_set names, wires;
  seen_init(&names);
  seen_init(&wires);
  for (enum_value *v = e->values; v != NULL; v = v->next) {
    check_annos(c, v->annos, DECL_ANNOS, "an enum value");
    /* Values equal once upper-cased are one C constant. */
    size_t len = strlen(v->name);
    char *key = ast_alloc(c->s->arena, len + 1);
    if (key != NULL)
      upper_case(v->name, key, len + 1);
    const enum_value *same = key != NULL ? seen_before(c, &names, key, v) : NULL;
    const enum_value *same_wire = seen_before(c, &wires, v->wire ? v->wire : v->name, v);
    if (same != NULL) {
      diag_error(c->d, v->at, "duplicate enum value '%s' in '%s'", v->name, e->name);
      diag_note(c->d, same->at, "'%s' first declared here", same->name);
    } else if (same_wire != NULL) {
      diag_error(c->d, v->at, "enum value '%s' has the same wire value as '%s'", v->name, same_wire->name);
    }
    if (v->wire_is_int && !enum_is_integer(e))
      diag_error(c->d, v->wire_at, "enum '%s' has text values (its first is '%s'), so '%s' cannot be an integer: an "
                 "enum's values are all integers or all text", e->name, e->values->name, v->name);
    else if (!v->wire_is_int && enum_is_integer(e))
      diag_error(c->d, v->wire != NULL ? v->wire_at : v->at, "enum '%s' has integer values (%s = %s), so '%s' needs one "
                 "too: write '%s = N;'", e->name, e->values->name, e->values->wire, v->name, v->name);
  }
  seen_free(&names);
  seen_free(&wires);
}

static void check_error_status(checker *c, decl *e, decl **by_status)
{
  const char *s = e->status;
  int index;
  if (isdigit((unsigned char)s[0]) && (s[1] == 'X' || s[1] == 'x')) {
    if (s[0] != '4' && s[0] != '5') {
      diag_error(c->d, e->status_at, "error status class '%s' must be 4XX or 5XX", s);
      return;
    }
    index = 600 + (s[0] - '0');
  } else {
    long n = strtol(s, NULL, 10);
    if (strlen(s) != 3 || n < 400 || n > 599) {
      diag_error(c->d, e->status_at, "error status '%s' must be from 400 to 599, or 4XX/5XX", s);
      return;
    }
    index = (int)n;
  }
  if (by_status[index] != NULL) {
    diag_error(c->d, e->status_at, "errors '%s' and '%s' are both bound to status %s", by_status[index]->name,
               e->name, s);
    diag_note(c->d, by_status[index]->at, "'%s' declared here", by_status[index]->name);
    return;
  }
  by_status[index] = e;
}

/* A model that reaches itself through required, non-null, by-value model fields would be a C
 * struct containing itself. Optional, nullable, array and map fields are pointers or counts.
 * Depth-first with colours (0 new, 1 on the current path, 2 done): linear in the fields. */
/* One step of the walk below: a model and the field of it being followed. */
typedef struct cycle_frame {
  decl *m;
  field *f;
} cycle_frame;

/* "A.b -> B.c -> A": the fields from frame `from` to the top, cut short if very long. */
static void cycle_path(const cycle_frame *stack, size_t from, size_t top, char *out, size_t cap)
{
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = from; i <= top && n < cap; i++) {
    int w = snprintf(out + n, cap - n, "%s.%s -> ", stack[i].m->name, stack[i].f->name);
    n += w > 0 ? (size_t)w : 0;
  }
  if (n < cap)
    snprintf(out + n, cap - n, "%s", stack[from].m->name);
  else
    memcpy(out + cap - 5, "...", 4);
}

/* The next field of m held by value (not optional, nullable, array or map), from f on. */
static field *next_by_value(field *f)
{
  while (f != NULL && (f->optional || f->nullable || f->type->rk != R_MODEL))
    f = f->next;
  return f;
}

/* Depth-first walk over by-value model fields from root, with an explicit stack (a chain of
 * thousands of models must not exhaust the C stack). visit: 0 new, 1 on the stack, 2 done. */
static void find_cycles(checker *c, decl *root, cycle_frame *stack)
{
  size_t top = 0;
  stack[0] = (cycle_frame){root, next_by_value(root->fields)};
  root->visit = 1;
  for (;;) {
    cycle_frame *fr = &stack[top];
    if (fr->f == NULL) {
      fr->m->visit = 2;
      if (top-- == 0)
        return;
      stack[top].f = next_by_value(stack[top].f->next);
      continue;
    }
    decl *t = fr->f->type->target;
    if (t->visit == 0) {
      t->visit = 1;
      stack[++top] = (cycle_frame){t, next_by_value(t->fields)};
      continue;
    }
    if (t->visit == 1) {
      size_t from = top;
      while (stack[from].m != t)
        from--;
      char path[256];
      cycle_path(stack, from, top, path, sizeof path);
      diag_error(c->d, fr->f->at,
                 "model '%s' contains itself by value (%s): the struct would be infinite; make a field "
                 "on the way optional, nullable or an array",
                 t->name, path);
    }
    fr->f = next_by_value(fr->f->next);
  }
}

/* Runs find_cycles from every model not yet reached; the stack holds each declaration once. */
static void check_cycles(checker *c)
{
  size_t n = 0;
  for (decl *d = c->s->decls; d != NULL; d = d->next)
    n++;
  cycle_frame *stack = malloc((n + 1) * sizeof *stack);
  if (stack == NULL) {
    diag_plain(c->d, "out of memory");
    return;
  }
  for (decl *d = c->s->decls; d != NULL; d = d->next)
    if (d->kind == D_MODEL && d->visit == 0)
      find_cycles(c, d, stack);
  free(stack);
}

/* ---- operations ------------------------------------------------------------------------------- */

static const char *const METHODS[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", NULL};

static const field *find_field(const field *list, const char *name)
{
  for (; list != NULL; list = list->next)
    if (strcmp(list->name, name) == 0)
      return list;
  return NULL;
}

/* The field of a page model named name. Many operations can page over one large model, so the
 * fields of one with more than SCAN_MAX are indexed on first use ("Model.field" keys, like
 * enum_values), not scanned each time. */
static const field *page_field(checker *c, const decl *page, const char *name)
{
  size_t n = 0;
  for (const field *f = page->fields; f != NULL && n <= SCAN_MAX; f = f->next)
    n++;
  if (n <= SCAN_MAX)
    return find_field(page->fields, name);
  if (name_table_get(&c->pages, page->name) == NULL) {
    for (field *f = page->fields; f != NULL; f = f->next) {
      char *key = dotted_key(page->name, f->name);
      char *kept = key != NULL ? ast_strdup(c->s->arena, key) : NULL;
      free(key);
      if (kept == NULL || name_table_get(&c->page_fields, kept) != NULL)
        continue; /* out of memory (lookups then fail) or a duplicate: the first one counts */
      if (name_table_put(&c->page_fields, kept, f) != 0)
        break;
    }
    if (name_table_put(&c->pages, page->name, (void *)page) != 0)
      diag_plain(c->d, "out of memory");
  }
  char *key = dotted_key(page->name, name);
  const field *f = key != NULL ? name_table_get(&c->page_fields, key) : NULL;
  free(key);
  return f;
}

/* snprintf(out, size, "%s%s%s", a, b, c) (size > 0) without parsing a format: it runs for
 * every operation. */
static size_t join3(char *out, size_t size, const char *a, const char *b, const char *c)
{
  const char *parts[] = {a, b, c};
  size_t n = 0, total = 0;
  for (int i = 0; i < 3; i++) {
    size_t len = strlen(parts[i]), room = size - 1 - n;
    memcpy(out + n, parts[i], len < room ? len : room);
    n += len < room ? len : room;
    total += len;
  }
  out[n] = '\0';
  return total;
}

/* Collects {name} placeholders of the full path into names[]; returns how many, or -1. */
static int path_placeholders(checker *c, const operation *op, const char *path, char names[][NAME_MAX_LEN + 1], loc at)
{
  int n = 0;
  for (const char *p = path; *p != '\0'; p++) {
    if (*p == '}') {
      diag_error(c->d, at, "unbalanced '}' in path \"%s\"", path);
      return -1;
    }
    if (*p != '{')
      continue;
    const char *end = strchr(p, '}');
    size_t len = end != NULL ? (size_t)(end - p - 1) : 0;
    if (end == NULL || len == 0 || !is_identifier(p + 1, len)) {
      diag_error(c->d, at, "bad path parameter in \"%s\": write {name}", path);
      return -1;
    }
    if (len > NAME_MAX_LEN) {
      diag_error(c->d, at, "path parameter '%.24s...' is %zu characters long; a name has at most %d", p + 1, len,
                 NAME_MAX_LEN);
      return -1;
    }
    if (n == MAX_PATH_PARAMS) {
      diag_error(c->d, at, "more than %d path parameters", MAX_PATH_PARAMS);
      return -1;
    }
    memcpy(names[n], p + 1, len);
    names[n][len] = '\0';
    for (int i = 0; i < n; i++)
      if (strcmp(names[i], names[n]) == 0) {
        diag_error(c->d, at, "path parameter '%s' appears twice in \"%s\" (operation '%s')", names[n], path, op->name);
        return -1;
      }
    n++;
    p = end;
  }
  return n;
}

static void check_params(checker *c, operation *op, field *params, const char *part, int allow_arrays)
{
  check_fields(c, params, strcmp(part, "headers") == 0,
               part[0] == 'p' ? "path parameter" : part[0] == 'q' ? "query parameter" : "header parameter");
  for (field *p = params; p != NULL; p = p->next) {
    const annotation *h = find_anno(p->annos, "header");
    if (h != NULL && strcmp(part, "headers") != 0)
      diag_error(c->d, h->at, "'@header' is for header parameters; this is a %s parameter", part);
    resolved_kind k = p->type->rk;
    if (k == R_UNRESOLVED)
      continue;
    int ok = is_scalar(k) || (allow_arrays && k == R_ARRAY && is_scalar(p->type->inner->rk));
    if (k == R_BYTES || (k == R_ARRAY && p->type->inner->rk == R_BYTES))
      diag_error(c->d, p->type->at, "%s parameter '%s' of operation '%s' is bytes, which has no text form there; "
                 "send bytes in a body", part, p->name, op->name);
    else if (k == R_MAP || k == R_MODEL)
      diag_error(c->d, p->type->at, "%s parameter '%s' of operation '%s' is a %s, which has no one way to be "
                 "spelt there ('f[k]=v', 'k=v', JSON): declare each key as a parameter of its own, or send it "
                 "in a body", part, p->name, op->name, k == R_MAP ? "map" : "model");
    else if (!ok)
      diag_error(c->d, p->type->at, "%s parameter '%s' of operation '%s' must be a scalar or enum%s", part,
                 p->name, op->name, allow_arrays ? ", or an array of those" : "");
  }
}

/* Headers the client sends itself (besides the auth header), and when: a header parameter
 * under one of these names would put a second one on the wire. */
static const struct {
  const char *name, *when;
} CLIENT_HEADERS[] = {
    {"Idempotency-Key", "on @idempotent POST and PATCH calls and on any call given an idempotency key"},
    {"Accept", "on every call"},
    {"Content-Type", "with every body"},
    {"Last-Event-ID", "when a stream reconnects"},
    {"Host", "on every call"},
    {"Content-Length", "with every body"},
    {"Transfer-Encoding", "when a body needs it"},
    {"Connection", "when the connection needs it"},
};

/* Whether s is an HTTP header name (RFC 9110's token). */
static int is_header_name(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s != '\0'; s++)
    if (!isalnum((unsigned char)*s) && strchr("!#$%&'*+-.^_`|~", *s) == NULL)
      return 0;
  return 1;
}

/* The scheme an operation authenticates with (@auth, else the API's default), or NULL. */
static const auth_scheme *op_auth(const checker *c, const operation *op)
{
  int i = op_scheme(op, c->schemes, c->nschemes, c->def_scheme);
  return i >= 0 ? &c->schemes[i] : NULL;
}

/* @auth(NAME) names one of the API's schemes, or none; a query parameter is not sent under the
 * name the scheme puts its key in the query as. */
static void check_op_auth(checker *c, const operation *op)
{
  const annotation *a = find_anno(op->annos, "auth");
  const char *name = a != NULL && a->args != NULL ? a->args->val.text : NULL;
  if (name != NULL && strcmp(name, "none") != 0 && op_scheme(op, c->schemes, c->nschemes, -2) < 0) {
    char names[512] = "";
    for (int i = 0; i < c->nschemes; i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", i ? ", " : "", c->schemes[i].name);
    diag_error(c->d, a->at, "'@auth(%s)': no such scheme; expected none%s%s", name, c->nschemes ? " or " : "", names);
  }
  const auth_scheme *auth = op_auth(c, op);
  for (const field *q = op->query_params; auth != NULL && auth->kind == AUTH_QUERY && q != NULL; q = q->next)
    if (strcmp(field_wire(q), auth->param) == 0)
      diag_error(c->d, q->at, "query parameter '%s' is sent as '%s', where the operation's scheme '%s' puts its "
                 "key; remove the parameter", q->name, auth->param, auth->name);
}

/* Header parameters are sent once each: never under a name the client sends itself, nor two
 * under one name (header names ignore case). */
static void check_header_names(checker *c, const operation *op)
{
  seen_set lower;
  seen_init(&lower);
  for (field *h = op->header_params; h != NULL; h = h->next) {
    const char *wire = field_wire(h);
    if (!is_header_name(wire)) {
      diag_error(c->d, h->at, "header parameter '%s': \"%s\" is not an HTTP header name", h->name, wire);
      continue;
    }
    char *key = ast_strdup(c->s->arena, wire);
    for (char *k = key; k != NULL && *k != '\0'; k++)
      *k = (char)tolower((unsigned char)*k);
    const field *same = key != NULL ? seen_before(c, &lower, key, h) : NULL;
    if (same != NULL && strcmp(field_wire(same), wire) != 0) /* the same spelling: check_fields said so */
      diag_error(c->d, h->at, "header parameters '%s' and '%s' are both sent as '%s' (header names ignore case)",
                 same->name, h->name, wire);
    const auth_scheme *auth = op_auth(c, op);
    const char *auth_header = auth == NULL                ? NULL
                              : auth->kind == AUTH_HEADER ? auth->param
                              : auth->kind == AUTH_QUERY  ? NULL
                                                          : "Authorization";
    if (auth_header != NULL && strcasecmp(wire, auth_header) == 0)
      diag_error(c->d, h->at, "header parameter '%s' is sent as '%s', the auth header of the operation's scheme "
                 "'%s', which the client fills from its %s option; remove the parameter", h->name, wire, auth->name,
                 auth->name);
    for (size_t i = 0; i < sizeof CLIENT_HEADERS / sizeof CLIENT_HEADERS[0]; i++)
      if (strcasecmp(wire, CLIENT_HEADERS[i].name) == 0)
        diag_error(c->d, h->at, "header parameter '%s' is sent as '%s', which the client sends itself %s; remove the "
                   "parameter%s", h->name, wire, CLIENT_HEADERS[i].when,
                   i == 0 ? " (on a POST or PATCH, @idempotent has the client send one)" : "");
  }
  seen_free(&lower);
}

static void check_paginate(checker *c, operation *op, const annotation *a)
{
  const type *ret = op->ret;
  if (ret == NULL || ret->rk != R_PAGE) {
    diag_error(c->d, a->at, "'@paginate' needs a page<Model> result");
    return;
  }
  const decl *page = ret->inner->target;
  const char *items = NULL, *next = NULL, *param = NULL, *offset = NULL;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    const char **slot = NULL;
    if (g->key == NULL || g->val.kind != VAL_STRING) {
      diag_error(c->d, a->at, "'@paginate' takes key: \"value\" pairs (items, next, param, offset)");
      return;
    }
    if (strcmp(g->key, "items") == 0) slot = &items;
    else if (strcmp(g->key, "next") == 0) slot = &next;
    else if (strcmp(g->key, "param") == 0) slot = &param;
    else if (strcmp(g->key, "offset") == 0) slot = &offset;
    if (slot == NULL) {
      diag_error(c->d, g->key_at, "unknown '@paginate' key '%s'; expected items, next, param or offset", g->key);
      return;
    }
    *slot = g->val.text;
  }
  if (items == NULL) {
    diag_error(c->d, a->at, "'@paginate' needs items: \"FIELD\" (the page's array of items)");
    return;
  }
  const field *f = page_field(c, page, items);
  if (f == NULL || f->type->rk != R_ARRAY)
    diag_error(c->d, a->at, "'@paginate' items \"%s\": page model '%s' has no array field '%s'", items,
               page->name, items);
  if (offset != NULL) {
    if (next != NULL || param != NULL)
      diag_error(c->d, a->at, "'@paginate' takes either offset, or next and param");
    const field *q = find_field(op->query_params, offset);
    if (q == NULL || q->type->rk != R_INT)
      diag_error(c->d, a->at, "'@paginate' offset \"%s\": operation '%s' has no int query parameter '%s'",
                 offset, op->name, offset);
    return;
  }
  if (next == NULL || param == NULL) {
    diag_error(c->d, a->at, "'@paginate' needs next and param (cursor paging) or offset");
    return;
  }
  f = page_field(c, page, next);
  if (f == NULL || (f->type->rk != R_STRING && f->type->rk != R_INT))
    diag_error(c->d, a->at, "'@paginate' next \"%s\": page model '%s' has no string field '%s'", next,
               page->name, next);
  if (find_field(op->query_params, param) == NULL)
    diag_error(c->d, a->at, "'@paginate' param \"%s\": operation '%s' has no query parameter '%s'", param,
               op->name, param);
}

static void check_op_errors(checker *c, operation *op)
{
  for (const name_ref *n = op->errors; n != NULL; n = n->next) {
    decl *d = name_table_get(&c->types, n->name);
    if (d != NULL && d->kind == D_ERROR)
      continue;
    const char *near = suggestion(c, n->name, 0);
    if (near != NULL)
      diag_error(c->d, n->at, "unknown error '%s'; did you mean '%s'?", n->name, near);
    else
      diag_error(c->d, n->at, "unknown error '%s'", n->name);
  }
}

/* Whether a result, or an element or value of one, has a C form (docs/clients.md): a model or
 * a scalar (text, number, bool, enum). */
static int result_value_ok(const type *t)
{
  return t->rk == R_MODEL || t->rk == R_UNION || is_scalar(t->rk);
}

/* What generated clients can decode a result into: a value above, an array or map of them, a
 * page or a stream (whose own checks ask for their element). Else the error, with what to write. */
static void check_result(checker *c, const type *t)
{
  if (t->rk == R_PAGE || t->rk == R_STREAM || t->rk == R_BYTES || result_value_ok(t))
    return;
  const type *inner = t->rk == R_ARRAY || t->rk == R_MAP ? t->inner : t;
  if (inner != t && result_value_ok(inner))
    return;
  if (inner->rk == R_BYTES)
    diag_error(c->d, inner->at, "a result's %s of bytes has no form on the wire; a body of bytes is '-> bytes', "
               "and bytes inside JSON are a model's bytes field (base64)", t->rk == R_MAP ? "map" : "array");
  else if (inner->rk == R_ANY)
    diag_error(c->d, inner->at, "a result of type any has no typed C form; declare a model for it");
  else
    diag_error(c->d, inner->at, "a result's %s holds a model or a scalar; declare a model for the inner %s",
               t->rk == R_MAP ? "map" : "array", inner->rk == R_MAP ? "map" : "array");
}

/* A form(...) or multipart(...) body's fields: scalars, enums (and for multipart files), or
 * arrays of those, sent as form fields or parts under their wire names. */
static void check_form_fields(checker *c, const operation *op)
{
  int multi = op->body_form == BODY_MULTIPART;
  const char *kind = multi ? "multipart field" : "form field";
  check_fields(c, op->body_params, 0, kind);
  for (field *p = op->body_params; p != NULL; p = p->next) {
    const annotation *h = find_anno(p->annos, "header");
    if (h != NULL)
      diag_error(c->d, h->at, "'@header' is for error fields and header parameters; a %s takes @json for its "
                 "wire name", kind);
    resolved_kind k = p->type->rk == R_ARRAY ? p->type->inner->rk : p->type->rk;
    if (p->type->rk != R_UNRESOLVED && !is_scalar(k) && !(multi && k == R_FILE))
      diag_error(c->d, p->type->at, "%s '%s' of operation '%s' must be a scalar or enum%s, or an array of those", kind,
                 p->name, op->name, multi ? ", a file" : "");
  }
  cn_fields members = {op->body_params, kind, rename_hint(kind)};
  cnames_members(&c->names, &members, 1);
}

/* An operation's body: JSON (a model or models), raw (string or bytes, as they are), or the
 * fields of a form(...) or multipart(...) body. A content type is a media type. */
static void check_body(checker *c, operation *op)
{
  if (op->body_form) {
    check_form_fields(c, op);
    return;
  }
  if (op->content_type != NULL && !is_media_type(op->content_type))
    diag_error(c->d, op->content_type_at, "\"%s\" is not a media type (type/subtype, as \"image/png\")",
               op->content_type);
  if (op->body == NULL || !resolve_type(c, op->body, IN_FIELD))
    return;
  const type *b = op->body->rk == R_ARRAY ? op->body->inner : op->body;
  if (b->rk != R_MODEL && b->rk != R_UNION && op->body->rk != R_STRING && op->body->rk != R_BYTES)
    diag_error(c->d, op->body->at, "a body is a model, a union or an array of those (JSON), string or bytes (sent "
               "as they are), form(...) or multipart(...)");
}

/* A response header of a download (`-> bytes`), whose result struct has `body`, `body_len`
 * and `content_type` (the Content-Type header) already. */
static void check_download_header(checker *c, const field *h)
{
  if (strcmp(h->name, "body_len") == 0 || strcmp(h->name, "content_type") == 0)
    diag_error(c->d, h->at, "response header '%s' would collide with member '%s' of a bytes result in the "
               "generated C; rename it (use @header for the wire name)", h->name, h->name);
  else if (strcasecmp(field_wire(h), "Content-Type") == 0)
    diag_error(c->d, h->at, "a bytes result has the Content-Type already (member 'content_type'); remove '%s'",
               h->name);
}

/* Response headers (`-> T headers(...)`), members of the result's struct beside its body
 * (`body`): scalars, each read from its own HTTP header, present or absent (no default). */
static void check_resp_headers(checker *c, const operation *op)
{
  if (op->has_resp_headers && op->ret != NULL && (op->ret->rk == R_PAGE || op->ret->rk == R_STREAM))
    diag_error(c->d, op->ret->at, "response headers go with a value result, not a page or a stream");
  check_fields(c, op->resp_headers, 1, "response header");
  seen_set lower;
  seen_init(&lower);
  for (field *h = op->resp_headers; h != NULL; h = h->next) {
    const char *wire = field_wire(h);
    char *key = ast_strdup(c->s->arena, wire);
    for (char *k = key; k != NULL && *k != '\0'; k++)
      *k = (char)tolower((unsigned char)*k);
    const field *same = key != NULL ? seen_before(c, &lower, key, h) : NULL;
    if (h->type->rk != R_UNRESOLVED && !is_scalar(h->type->rk))
      diag_error(c->d, h->type->at, "response header '%s' of operation '%s' must be a scalar or enum", h->name,
                 op->name);
    else if (h->def != NULL)
      diag_error(c->d, h->def->at, "response header '%s' takes no default; make it optional ('?') instead", h->name);
    else if (!is_header_name(wire))
      diag_error(c->d, h->at, "response header '%s': \"%s\" is not an HTTP header name", h->name, wire);
    else if (same != NULL && strcmp(field_wire(same), wire) != 0)
      diag_error(c->d, h->at, "response headers '%s' and '%s' both read '%s' (header names ignore case)", same->name,
                 h->name, wire);
    else if (op->ret != NULL && strcmp(h->name, "body") == 0)
      diag_error(c->d, h->at, "response header 'body' would collide with member 'body', the result's body, in the "
                 "generated C; rename it (use @header for the wire name)");
    else if (op->ret != NULL && op->ret->rk == R_BYTES)
      check_download_header(c, h);
  }
  seen_free(&lower);
  cn_fields members = {op->resp_headers, "response header", rename_hint("response header")};
  cnames_members(&c->names, &members, 1);
}

/* The type of a path parameter the spec does not declare. */
static type string_type = {.kind = TYPE_NAMED, .rk = R_STRING};

/* A path's parameters are parameters of the generated functions and members of a struct: the
 * n placeholders the spec does not declare (strings) are checked as declared ones are. */
static void check_path_names(checker *c, const operation *op, char names[][NAME_MAX_LEN + 1], int n)
{
  const char *hint = rename_hint("path parameter");
  field undeclared[MAX_PATH_PARAMS];
  int k = 0;
  for (int i = 0; i < n; i++) {
    const field *p = find_field(op->path_params, names[i]);
    cnames_parameter(&c->names, names[i], p != NULL ? p->at : op->path_at);
    if (p != NULL || cnames_plain(&c->names, names[i], op->path_at, "path parameter", hint))
      continue;
    undeclared[k] = (field){.name = names[i], .at = op->path_at, .type = &string_type};
    if (k > 0)
      undeclared[k - 1].next = &undeclared[k];
    k++;
  }
  cn_fields lists[2] = {{op->path_params, "path parameter", hint}, {k > 0 ? undeclared : NULL, "path parameter", hint}};
  cnames_members(&c->names, lists, 2);
}

static void check_operation(checker *c, decl *r, operation *op)
{
  const char *const *m = METHODS;
  while (*m != NULL && strcmp(*m, op->method) != 0)
    m++;
  if (*m == NULL)
    diag_error(c->d, op->method_at, "unknown HTTP method '%s'; expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS",
               op->method);
  if (op->path[0] != '\0' && op->path[0] != '/')
    diag_error(c->d, op->path_at, "operation path \"%s\" must be empty or start with '/'", op->path);
  if (op->has_path > 1 || op->has_query > 1 || op->has_headers > 1 || op->has_errors > 1)
    diag_error(c->d, op->at, "operation '%s' declares path(), query(), headers() or errors() twice", op->name);
  check_annos(c, op->annos, OP_ANNOS, "an operation");

  char full[2048];
  size_t len = join3(full, sizeof full, r->path, op->path, "");
  char names[MAX_PATH_PARAMS][NAME_MAX_LEN + 1];
  int n = len > 0 && len < sizeof full ? path_placeholders(c, op, full, names, op->path_at) : -1;
  if (len >= sizeof full) /* the generated C would hold it cut */
    diag_error(c->d, op->path_at, "the path of operation '%s' is %zu bytes long; a path has at most %zu", op->name,
               len, sizeof full - 1);

  check_params(c, op, op->path_params, "path", 0);
  check_path_names(c, op, names, n);
  for (const field *p = op->path_params; p != NULL && n >= 0; p = p->next) {
    int found = 0;
    for (int i = 0; i < n; i++)
      found |= strcmp(names[i], p->name) == 0;
    if (!found)
      diag_error(c->d, p->at, "path parameter '%s' is declared but \"%s\" has no {%s}", p->name, full, p->name);
    if (p->optional)
      diag_error(c->d, p->at, "path parameter '%s' cannot be optional", p->name);
  }
  check_params(c, op, op->query_params, "query", 1);
  check_params(c, op, op->header_params, "headers", 0);
  check_header_names(c, op);
  check_op_auth(c, op);
  cn_fields params[2] = {{op->query_params, "query parameter", rename_hint("query parameter")},
                         {op->header_params, "header parameter", rename_hint("header parameter")}};
  cnames_members(&c->names, params, 2);
  seen_set headers;
  seen_init(&headers);
  for (field *h = op->header_params; h != NULL; h = h->next)
    seen_before(c, &headers, h->name, h);
  for (const field *q = op->query_params; q != NULL; q = q->next) {
    for (int i = 0; i < n; i++)
      if (strcmp(names[i], q->name) == 0)
        diag_error(c->d, q->at, "query parameter '%s' has the name of a path parameter", q->name);
    if (seen_get(&headers, q->name) != NULL)
      diag_error(c->d, q->at, "query parameter '%s' has the name of a header parameter", q->name);
  }
  for (int i = 0; i < n; i++)
    if (seen_get(&headers, names[i]) != NULL)
      diag_error(c->d, op->at, "header parameter '%s' has the name of a path parameter", names[i]);
  seen_free(&headers);

  check_body(c, op);
  if (op->ret != NULL && resolve_type(c, op->ret, IN_RESULT))
    check_result(c, op->ret);
  check_resp_headers(c, op);
  check_op_errors(c, op);
}

/* ---- long-running operations and joined streams ---------------------------------------------- */

static int is_lro_value_key(const char *key)
{
  for (int i = 0; i < LRO_ROLES; i++)
    if (strcmp(key, LRO_ROLE_KEYS[i]) == 0)
      return 1;
  return 0;
}

/* Keys given once, as strings, and known. */
static int check_lro_keys(checker *c, const annotation *a)
{
  static const char *const once[] = {"status", "poll", "watch", "cancel", "error"};
  unsigned given = 0;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (g->key == NULL || g->val.kind != VAL_STRING) {
      diag_error(c->d, a->at, "'@lro' takes key: \"value\" pairs (status, success, failed, cancelled, poll, "
                 "watch, cancel, error)");
      return -1;
    }
    size_t i = 0;
    while (i < sizeof once / sizeof once[0] && strcmp(once[i], g->key) != 0)
      i++;
    if (i < sizeof once / sizeof once[0] && (given & (1u << i)))
      diag_error(c->d, g->key_at, "'@lro' key '%s' given twice", g->key);
    else if (i < sizeof once / sizeof once[0])
      given |= 1u << i;
    else if (!is_lro_value_key(g->key)) {
      diag_error(c->d, g->key_at, "unknown '@lro' key '%s'; expected status, success, failed, cancelled, poll, "
                 "watch, cancel or error", g->key);
      return -1;
    }
  }
  return 0;
}

/* The terminal values: each a value of the status enum (any text for a string status), in one
 * role only; at least one success. */
static void check_lro_values(checker *c, const annotation *a, const field *status)
{
  seen_set seen;
  seen_init(&seen);
  int successes = 0;
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (!is_lro_value_key(g->key))
      continue;
    successes += strcmp(g->key, "success") == 0;
    const decl *e = status->type->rk == R_ENUM ? status->type->target : NULL;
    const enum_value *v = e != NULL ? e->values : NULL;
    while (v != NULL && strcmp(v->name, g->val.text) != 0)
      v = v->next;
    if (e != NULL && v == NULL)
      diag_error(c->d, g->val.at, "'@lro' %s \"%s\": not a value of enum '%s'", g->key, g->val.text, e->name);
    else if (g->val.text[0] == '\0')
      diag_error(c->d, g->val.at, "'@lro' %s: a status value is not empty", g->key);
    else if (seen_before(c, &seen, g->val.text, (void *)g) != NULL)
      diag_error(c->d, g->val.at, "'@lro' value \"%s\" is given twice", g->val.text);
  }
  seen_free(&seen);
  if (successes == 0)
    diag_error(c->d, a->at, "'@lro' needs success: \"VALUE\", the status that ends the operation well");
}

/* An operation @lro names (poll, watch, cancel): it takes nothing but path parameters, each
 * filled from the resource (lro_fill), at most one from its `id`. */
static const operation *check_lro_op(checker *c, const annotation *a, const char *role, const lro_op *o,
                                     const decl *model, const char *start_full, const operation *start)
{
  if (o->ref == NULL)
    return NULL;
  if (o->op == NULL) {
    diag_error(c->d, a->at, "'@lro' %s \"%s\": no such operation (\"name\" in this resource, or "
               "\"resource.name\")", role, o->ref);
    return NULL;
  }
  const operation *op = o->op;
  int required = op->body != NULL;
  for (int l = 0; l < 2; l++)
    for (const field *p = l == 0 ? op->query_params : op->header_params; p != NULL; p = p->next)
      required |= !p->optional && p->def == NULL;
  if (required)
    diag_error(c->d, a->at, "'@lro' %s \"%s\": the operation takes a body or a required parameter; it may "
               "take only path parameters, which come from the resource", role, o->ref);
  char full[2048], name[NAME_MAX_LEN + 1];
  join3(full, sizeof full, o->resource->path, op->path, "");
  const field *declared;
  int from_id = 0;
  for (const char *p = full; next_path_param(&p, op, name, sizeof name, &declared);) {
    static const type string_t = {.kind = TYPE_NAMED, .rk = R_STRING};
    lro_source src = lro_fill(model, start_full, start, name, declared != NULL ? declared->type : &string_t);
    if (src == LRO_FROM_NONE || (src == LRO_FROM_ID && from_id++ > 0))
      diag_error(c->d, a->at, "'@lro' %s \"%s\": nothing fills its path parameter '%s': model '%s' has no "
                 "field of that name and type, nor the starting operation a path parameter of that name; %s", role, o->ref,
                 name, model->name, from_id > 1 ? "its 'id' fills another" : "nor has it an 'id' of that type");
  }
  return op;
}

/* @lro(status: "F", success: "V", failed: "V", cancelled: "V", poll: "OP", watch: "OP",
 * cancel: "OP", error: "F"); values may repeat. */
static void check_lro(checker *c, const decl *r, operation *op)
{
  lro_info lro;
  if (!lro_read(c->s->decls, r, op, &lro) || check_lro_keys(c, lro.a) != 0)
    return;
  const annotation *a = lro.a;
  if (op->ret == NULL || op->ret->rk != R_MODEL || op->has_resp_headers) {
    diag_error(c->d, a->at, "'@lro' needs an operation that returns a model (without headers): the resource it "
               "starts");
    return;
  }
  const decl *model = op->ret->target;
  const field *status = lro.status != NULL ? find_field(model->fields, lro.status) : NULL;
  if (status == NULL || (status->type->rk != R_STRING && status->type->rk != R_ENUM)) {
    diag_error(c->d, a->at, "'@lro' needs status: \"FIELD\", a string or enum field of model '%s'", model->name);
    return;
  }
  check_lro_values(c, a, status);
  const field *why = lro.error != NULL ? find_field(model->fields, lro.error) : NULL;
  if (lro.error != NULL && (why == NULL || why->type->rk != R_STRING))
    diag_error(c->d, a->at, "'@lro' error \"%s\": model '%s' has no string field '%s'", lro.error, model->name,
               lro.error);
  if (lro.poll.ref == NULL)
    diag_error(c->d, a->at, "'@lro' needs poll: \"OPERATION\", a GET of the resource");
  char full[2048];
  join3(full, sizeof full, r->path, op->path, "");
  const operation *poll = check_lro_op(c, a, "poll", &lro.poll, model, full, op);
  if (poll != NULL && (strcmp(poll->method, "GET") != 0 || poll->ret == NULL || poll->ret->rk != R_MODEL ||
                       poll->ret->target != model || poll->has_resp_headers))
    diag_error(c->d, a->at, "'@lro' poll \"%s\": a GET that returns %s", lro.poll.ref, model->name);
  const operation *watch = check_lro_op(c, a, "watch", &lro.watch, model, full, op);
  const field *ev = watch != NULL && watch->ret != NULL && watch->ret->rk == R_STREAM && watch->ret->inner->rk == R_MODEL
                        ? find_field(watch->ret->inner->target->fields, lro.status)
                        : NULL;
  if (watch != NULL && (ev == NULL || ev->type->rk != status->type->rk || ev->type->target != status->type->target))
    diag_error(c->d, a->at, "'@lro' watch \"%s\": a stream whose events have the field '%s' of the resource's "
               "type", lro.watch.ref, lro.status);
  check_lro_op(c, a, "cancel", &lro.cancel, model, full, op);
}

/* @accumulate("F"): a stream whose events' string field F is joined into one text. */
static void check_accumulate(checker *c, const operation *op)
{
  const annotation *a = find_anno(op->annos, "accumulate");
  const char *name = accumulate_field(op);
  if (a == NULL || name == NULL)
    return;
  int events = op->ret != NULL && op->ret->rk == R_STREAM && op->ret->inner->rk == R_MODEL;
  const field *f = events ? find_field(op->ret->inner->target->fields, name) : NULL;
  if (!events)
    diag_error(c->d, a->at, "'@accumulate' needs a stream<Model> result");
  else if (f == NULL || f->type->rk != R_STRING)
    diag_error(c->d, a->at, "'@accumulate' \"%s\": event model '%s' has no string field '%s'", name,
               op->ret->inner->target->name, name);
}

/* An operation's paging. It reads the page model's fields, whose types are resolved when that
 * model is checked: so it runs once every declaration is, as the page model may come after
 * the resource that uses it. */
static void check_paging(checker *c, operation *op)
{
  const annotation *pg = find_anno(op->annos, "paginate");
  if (pg != NULL)
    check_paginate(c, op, pg);
  else if (op->ret != NULL && op->ret->rk == R_PAGE)
    diag_error(c->d, op->ret->at, "a page<...> result needs '@paginate(...)' on the operation");
}

static void check_resource(checker *c, decl *r)
{
  check_annos(c, r->annos, DECL_ANNOS, "a resource");
  if (r->path[0] != '/' && r->path[0] != '\0')
    diag_error(c->d, r->at, "resource path \"%s\" must start with '/'", r->path);
  seen_set names;
  seen_init(&names);
  for (operation *op = r->ops; op != NULL; op = op->next) {
    const operation *o = seen_before(c, &names, op->name, op);
    if (o != NULL) {
      diag_error(c->d, op->at, "duplicate operation '%s' in resource '%s'", op->name, r->name);
      diag_note(c->d, o->at, "'%s' first declared here", o->name);
    } else { /* a duplicate is reported once, not again as a C collision */
      cnames_operation(&c->names, r, op);
    }
    check_operation(c, r, op);
  }
  seen_free(&names);
}

/* ---- the api block ----------------------------------------------------------------------------- */

/* `auth = ...` (a scheme, none, or a scheme's name) or `scheme NAME = ...` (a scheme):
 * bearer, basic, header("Name"), query("name"). */
static void check_scheme_item(checker *c, const api_item *it)
{
  auth_scheme s;
  int is_auth = strcmp(it->key, "auth") == 0;
  if (auth_scheme_of(it, &s) != 0) {
    if (!is_auth || it->call != NULL || it->val.kind != VAL_IDENT)
      diag_error(c->d, it->val.at, "%s bearer, basic, header(\"Header-Name\") or query(\"name\")%s",
                 is_auth ? "'auth' is" : "a scheme is", is_auth ? ", none or the name of a scheme" : "");
    return; /* a name: check_schemes looks it up */
  }
  if (it->name == NULL && !is_auth)
    diag_error(c->d, it->at, "a scheme needs a name: write 'scheme NAME = ...'");
  else if (s.kind == AUTH_HEADER && !is_header_name(s.param))
    diag_error(c->d, it->val.at, "\"%s\" is not an HTTP header name", s.param);
  else if (s.kind == AUTH_QUERY && (s.param[0] == '\0' || strpbrk(s.param, "&=#?%+ ") != NULL))
    diag_error(c->d, it->val.at, "\"%s\" is not a query parameter name (no '&', '=', '#', '?', '%%', '+' or "
               "spaces)", s.param);
}

/* Names that are members of the client's options already (templates/c/client.h.mustache). */
static const char *const OPTION_MEMBERS[] = {"base_url", "default_headers", "n_default_headers", "http",
                                             "token_provider", "token_data"};

/* Each scheme's name is a member of the client's options (its credential), unique, not none; the
 * default names one. */
static void check_schemes(checker *c, const decl *api)
{
  seen_set names;
  seen_init(&names);
  for (int i = 0; i < c->nschemes; i++) {
    const auth_scheme *s = &c->schemes[i];
    const auth_scheme *same = seen_before(c, &names, s->name, (void *)s);
    if (same != NULL)
      diag_error(c->d, s->at, "two schemes are named '%s'%s", s->name,
                 strcmp(s->name, "api_key") == 0 ? " (the one 'auth = ...' declares is api_key)" : "");
    else if (strcmp(s->name, "none") == 0)
      diag_error(c->d, s->at, "a scheme may not be named none (@auth(none): no credential)");
    for (size_t k = 0; k < sizeof OPTION_MEMBERS / sizeof OPTION_MEMBERS[0]; k++)
      if (strcmp(s->name, OPTION_MEMBERS[k]) == 0)
        diag_error(c->d, s->at, "scheme '%s' would collide with member '%s' of the client's options in the "
                   "generated C; choose another name", s->name, s->name);
    if (i > 0 || strcmp(s->name, "api_key") != 0) /* the implicit api_key is fine */
      cnames_plain(&c->names, s->name, s->at, "scheme", "a scheme's name is not sent");
  }
  seen_free(&names);
  for (const api_item *it = api->items; it != NULL; it = it->next)
    if (strcmp(it->key, "auth") == 0 && it->name == NULL && it->call == NULL && it->val.kind == VAL_IDENT &&
        strcmp(it->val.text, "none") != 0 && c->def_scheme < 0)
      diag_error(c->d, it->val.at, "'auth' is bearer, basic, header(\"Header-Name\"), query(\"name\"), none or "
                 "the name of a scheme; no scheme is named '%s'", it->val.text);
}

static void check_api(checker *c)
{
  decl *api = c->s->api;
  for (decl *d = c->s->decls; d != NULL; d = d->next)
    if (d->kind == D_API && d != api)
      diag_error(c->d, d->at, api != NULL ? "a second 'api' block; only the root file may have one"
                                          : "an 'api' block belongs in the root file, not in an import");
  if (api == NULL) {
    if (c->syntax_errors == 0) /* after syntax errors, the block may just not have parsed */
      diag_error(c->d, (loc){0, 1, 1}, "the spec has no 'api NAME { ... }' block");
    return;
  }
  check_identifier(c, api->name, api->at, "api name");
  int seen_title = 0, seen_version = 0, seen_url = 0, seen_auth = 0;
  for (const api_item *it = api->items; it != NULL; it = it->next) {
    int is_string = it->val.kind == VAL_STRING && it->call == NULL;
    int *seen = strcmp(it->key, "title") == 0     ? &seen_title
                : strcmp(it->key, "version") == 0  ? &seen_version
                : strcmp(it->key, "base_url") == 0 ? &seen_url
                : strcmp(it->key, "auth") == 0     ? &seen_auth
                                                   : NULL;
    if (it->name != NULL && strcmp(it->key, "scheme") != 0)
      diag_error(c->d, it->name_at, "only 'scheme' takes a name: write '%s = ...'", it->key);
    else if (seen != NULL && (*seen)++ > 0)
      diag_error(c->d, it->at, "'%s' set twice", it->key);
    if (seen != NULL && seen != &seen_auth) {
      if (!is_string)
        diag_error(c->d, it->val.at, "'%s' takes a string", it->key);
    } else if (seen != NULL || strcmp(it->key, "scheme") == 0) {
      check_scheme_item(c, it);
    } else {
      diag_error(c->d, it->at, "unknown api setting '%s'; expected title, version, base_url, auth or scheme", it->key);
    }
  }
  c->nschemes = api_schemes(api, c->schemes, &c->def_scheme);
  if (!seen_title)
    diag_warning(c->d, api->at, "api '%s' has no title", api->name);
  if (!seen_version)
    diag_warning(c->d, api->at, "api '%s' has no version", api->name);
  if (!seen_url)
    diag_warning(c->d, api->at, "api '%s' has no base_url", api->name);
}

int spec_check(spec *s)
{
  checker c;
  memset(&c, 0, sizeof c);
  c.s = s;
  c.d = &s->diag;
  c.syntax_errors = s->diag.errors;
  /* Tables sized up front where the count is known, so they do not grow (and copy, each new
   * table a run of page faults) on the way. */
  size_t ntypes = 0, nresources = 0, nnames = 0, nvalues = 0;
  for (const decl *d = s->decls; d != NULL; d = d->next) {
    ntypes += d->kind == D_MODEL || d->kind == D_ENUM || d->kind == D_ERROR || d->kind == D_UNION;
    nnames += d->kind == D_MODEL || d->kind == D_ENUM || d->kind == D_ERROR || d->kind == D_UNION ? 3 : 0; /* C bases: up to 3 */
    nresources += d->kind == D_RESOURCE;
    for (const operation *op = d->ops; op != NULL; op = op->next)
      nnames++;
    if (d->kind == D_ENUM && many_values(d))
      nvalues += count_values(d);
    else if (d->kind == D_ENUM)
      nnames += count_values(d);
  }
  if (name_table_init_size(&c.types, ntypes) != 0 || name_table_init_size(&c.resources, nresources) != 0 ||
      name_table_init_size(&c.enum_values, nvalues) != 0 || name_table_init(&c.page_fields) != 0 ||
      name_table_init(&c.pages) != 0) {
    diag_plain(c.d, "out of memory");
    goto out;
  }
  check_api(&c);
  if (cnames_init(&c.names, c.d, s->arena, s->api, nnames + nvalues) != 0) {
    diag_plain(c.d, "out of memory");
    goto out;
  }
  if (s->api != NULL)
    check_schemes(&c, s->api);
  decl *by_status[606] = {NULL};
  for (decl *d = s->decls; d != NULL; d = d->next) {
    if (d->kind == D_MODEL || d->kind == D_ENUM || d->kind == D_ERROR || d->kind == D_UNION) {
      check_identifier(&c, d->name, d->at, "type name");
      if (declare(&c, &c.types, d, "type") == 0) {
        if (d->kind == D_ENUM)
          index_enum_values(&c, d);
        cnames_decl(&c.names, d);
      }
    } else if (d->kind == D_RESOURCE) {
      check_identifier(&c, d->name, d->at, "resource name");
      declare(&c, &c.resources, d, "resource");
    }
  }
  compose_pair *same_names = compose_flatten(s, &c.types);
  for (decl *d = s->decls; d != NULL; d = d->next) {
    switch (d->kind) {
    case D_ENUM: check_enum(&c, d); break;
    case D_MODEL:
      check_annos(&c, d->annos, DECL_ANNOS, "a model");
      check_fields(&c, d->own_fields, 0, "field");
      break;
    case D_ERROR:
      check_annos(&c, d->annos, DECL_ANNOS, "an error");
      check_fields(&c, d->own_fields, 1, "field");
      check_error_status(&c, d, by_status);
      break;
    case D_UNION:
      check_annos(&c, d->annos, UNION_ANNOS, "a union");
      check_fields(&c, d->own_fields, 0, "variant");
      break;
    case D_RESOURCE: check_resource(&c, d); break;
    default: break;
    }
  }
  /* What reads other declarations' field types runs once every declaration is checked: a base,
   * a page model may come after the model or resource that uses it. */
  compose_check(s, same_names);
  for (decl *d = s->decls; d != NULL; d = d->next) {
    if (d->kind == D_MODEL || d->kind == D_ERROR || d->kind == D_UNION)
      check_members(&c, d);
    if (d->kind == D_UNION)
      union_check(s, d);
    for (operation *op = d->kind == D_RESOURCE ? d->ops : NULL; op != NULL; op = op->next) {
      check_paging(&c, op);
      check_lro(&c, d, op); /* the same: it reads models' fields */
      check_accumulate(&c, op);
    }
  }
  check_cycles(&c);
  cnames_finish(&c.names);
out:
  name_table_free(&c.types);
  name_table_free(&c.resources);
  cnames_free(&c.names);
  name_table_free(&c.enum_values);
  name_table_free(&c.page_fields);
  name_table_free(&c.pages);
  return c.d->errors;
}
