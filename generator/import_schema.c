/* Schemas into the language's types (docs/import.md, "Schemas"): objects with properties
 * become models, string enums enums, and every other schema a type written where it is used
 * (scalars, arrays, maps, any). Schemas under components/schemas (definitions in 2.0) keep
 * their names; inline objects and enums are declared under the name of their place. A schema
 * reached by $ref is mapped once ("named"), in the order found, so the output is stable.
 * One function per construct; what the language cannot say yet is noted (import_report.c). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "import_internal.h"
#include "unions.h"

#define MAX_SCHEMA_DEPTH 48
#define MAX_PLACE_LEN 120

typedef enum named_kind { NK_ALIAS, NK_MODEL, NK_ENUM } named_kind;

struct named {
  imp_doc *doc;
  const char *pointer;
  struct fy_node *node;
  const char *raw;  /* its name in the document: the pointer's last segment */
  const char *name; /* models and enums: the declared name */
  named_kind kind;
  int state;       /* 0 not mapped, 1 being mapped, 2 mapped */
  int classifying; /* breaks cycles of allOf while classifying */
  decl *d;
  mapped m; /* aliases: what they stand for */
};

/* Keywords the mappers below read. Others are noted: known but not carried (UNSUPPORTED), or
 * unknown. */
static const char *const SCHEMA_KEYS[] = {
    "$ref", "type", "format", "enum", "const", "default", "nullable", "description", "deprecated",
    "properties", "required", "additionalProperties", "items", "allOf", "oneOf", "anyOf", "discriminator",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
    "minItems", "maxItems", "minProperties", "maxProperties", "contentEncoding", "contentMediaType",
    "not", "multipleOf", "uniqueItems", "patternProperties", "propertyNames", "prefixItems", "readOnly",
    "writeOnly", "if", "then", "else", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
    "unevaluatedItems", "contains", "minContains", "maxContains", "$recursiveRef", "$dynamicRef", NULL};

static const struct {
  const char *key;
  const char *why;
} UNSUPPORTED[] = {
    {"not", "the language has no negated schemas"},
    {"multipleOf", "the language has no multiple-of constraint"},
    {"uniqueItems", "the language has no unique-items constraint"},
    {"patternProperties", "the language has no pattern-keyed properties"},
    {"propertyNames", "the language has no constraints on map keys"},
    {"prefixItems", "the language has no tuples"},
    {"readOnly", "the language has no read-only fields: the field is sent as well as received"},
    {"writeOnly", "the language has no write-only fields: the field is received as well as sent"},
    {"if", "the language has no conditional schemas"},
    {"dependentRequired", "the language has no dependent requirements"},
    {"dependentSchemas", "the language has no dependent schemas"},
    {"unevaluatedProperties", "the language has no unevaluated-properties rule"},
    {"unevaluatedItems", "the language has no unevaluated-items rule"},
    {"contains", "the language has no contains constraint"},
    {"$recursiveRef", "apic import follows $ref only: the schema is any"},
    {"$dynamicRef", "apic import follows $ref only: the schema is any"},
};

static void map_schema_at(imp *im, struct fy_node *n, const char *place, mapped *out);

int schema_keyword(const char *key)
{
  for (const char *const *k = SCHEMA_KEYS; *k != NULL; k++)
    if (strcmp(*k, key) == 0)
      return 1;
  return 0;
}
static void fill_model(imp *im, decl *d, struct fy_node *n);
static void map_named(imp *im, named *nm);
static decl *declared(imp *im, const type *t);

/* ---- small helpers ------------------------------------------------------------------------- */

static type *any_type(imp *im)
{
  return type_named(im, "any");
}

static int is_any(const type *t)
{
  return t != NULL && t->kind == TYPE_NAMED && strcmp(t->name, "any") == 0;
}

/* place + suffix, cut to a sane length ("CreateTaskRequest" + "Labels"). */
static char *place_join(imp *im, const char *place, const char *suffix)
{
  char pascal[MAX_PLACE_LEN];
  pascal_case(suffix, pascal, sizeof pascal);
  return imp_printf(im, "%.*s%s", MAX_PLACE_LEN, place, pascal);
}

static void note_unsupported(imp *im, struct fy_node *n)
{
  for (size_t i = 0; i < sizeof UNSUPPORTED / sizeof UNSUPPORTED[0]; i++) {
    struct fy_node *v = node_get(im, n, UNSUPPORTED[i].key);
    /* readOnly: false and the like say nothing */
    if (v != NULL && !(node_kind(v) == SC_BOOL && !node_bool(v, 0)))
      note(im, v, UNSUPPORTED[i].key, 1, UNSUPPORTED[i].why, "'%s'", UNSUPPORTED[i].key);
  }
}

/* A number keyword as a value: an int when it is one that fits 64 bits, else a float; NULL
 * when it is not a finite number. */
static value *number_value(imp *im, struct fy_node *v)
{
  scalar_kind k = node_kind(v);
  if (k == SC_INT) {
    errno = 0;
    long long i = strtoll(node_str(v), NULL, 10);
    if (errno == 0)
      return value_int(im, i);
  }
  return k == SC_INT || k == SC_FLOAT ? value_float(im, strtod(node_str(v), NULL)) : NULL;
}

/* ---- named schemas ------------------------------------------------------------------------- */

static named *named_find(imp *im, const imp_doc *dc, const char *pointer)
{
  strbuf key = {0};
  ref_key_into(im, dc, pointer, &key);
  named *nm = key.failed ? NULL : name_table_get(&im->refs, key.data);
  sb_free(&key);
  return nm;
}

static int has_properties(imp *im, struct fy_node *n, int depth);
static named *named_for(imp *im, imp_doc *dc, const char *pointer, struct fy_node *node);

/* The named schema a {$ref} points at, quietly (errors are reported where it is mapped). */
static named *named_quiet(imp *im, struct fy_node *n)
{
  imp_doc *dc;
  const char *pointer;
  im->quiet++;
  struct fy_node *target = ref_follow(im, n, &dc, &pointer);
  im->quiet--;
  return target != NULL ? named_for(im, dc, pointer, target) : NULL;
}

/* The parts of an allOf that say more than a description or nullability. */
static int meaningful(imp *im, struct fy_node *part)
{
  void *it = NULL;
  const char *key;
  struct fy_node *v;
  while (map_next(im, part, &it, &key, &v))
    if (strcmp(key, "description") != 0 && strcmp(key, "nullable") != 0 && strcmp(key, "title") != 0 &&
        strcmp(key, "deprecated") != 0 && strncmp(key, "x-", 2) != 0 && strcmp(key, "example") != 0)
      return 1;
  return 0;
}

static int count_meaningful(imp *im, struct fy_node *seq)
{
  int n = 0;
  void *it = NULL;
  for (struct fy_node *p; (p = seq_next(im, seq, &it)) != NULL;)
    n += meaningful(im, p);
  return n;
}

/* Whether n is an object with properties, directly, through $ref or through allOf. */
static int has_properties(imp *im, struct fy_node *n, int depth)
{
  if (!node_is_map(n) || depth > IMP_MAX_ALIAS_DEPTH)
    return 0;
  if (ref_of(im, n) != NULL) {
    named *nm = named_quiet(im, n);
    return nm != NULL && nm->kind == NK_MODEL;
  }
  struct fy_node *props = node_get(im, n, "properties");
  if (node_is_map(props) && fy_node_mapping_item_count(props) > 0)
    return 1;
  void *it = NULL;
  for (struct fy_node *p; (p = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL;)
    if (has_properties(im, p, depth + 1))
      return 1;
  return 0;
}

/* The string values of an enum (or const) that can be an enum declaration: every value a
 * string (nulls aside: they make it nullable), at least one. */
static int string_enum(imp *im, struct fy_node *n)
{
  struct fy_node *values = node_get(im, n, "enum"), *c = node_get(im, n, "const");
  const char *t = node_str(node_get(im, n, "type"));
  if (t != NULL && strcmp(t, "string") != 0)
    return 0;
  if (c != NULL)
    return node_kind(c) == SC_STRING;
  int strings = 0;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, values, &it)) != NULL;) {
    scalar_kind k = node_kind(v);
    if (k == SC_STRING)
      strings++;
    else if (k != SC_NULL && !(t != NULL && (k == SC_INT || k == SC_FLOAT || k == SC_BOOL)))
      return 0; /* a number in a `type: string` enum is its text */
  }
  return strings > 0;
}

/* 1: v is a whole number of 64 bits, 0: null, -1: anything else. */
static int integer_value(struct fy_node *v)
{
  scalar_kind k = node_kind(v);
  if (k == SC_NULL)
    return 0;
  if (k != SC_INT)
    return -1;
  errno = 0;
  (void)strtoll(node_str(v), NULL, 10);
  return errno == 0 ? 1 : -1;
}

/* Whether an enum (or const) can be an integer enum declaration: `type: integer` or no type,
 * every value (nulls aside: they make it nullable) a whole number of 64 bits, at least one. */
static int integer_enum(imp *im, struct fy_node *n)
{
  struct fy_node *c = node_get(im, n, "const");
  const char *t = node_str(node_get(im, n, "type"));
  if (t != NULL && strcmp(t, "integer") != 0)
    return 0;
  if (c != NULL)
    return integer_value(c) == 1;
  int ints = 0;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, node_get(im, n, "enum"), &it)) != NULL;) {
    int r = integer_value(v);
    if (r < 0)
      return 0;
    ints += r;
  }
  return ints > 0;
}

static named_kind classify(imp *im, named *nm)
{
  struct fy_node *n = nm->node;
  if (!node_is_map(n) || ref_of(im, n) != NULL || node_get(im, n, "oneOf") != NULL ||
      node_get(im, n, "anyOf") != NULL)
    return NK_ALIAS;
  nm->classifying = 1;
  named_kind k = NK_ALIAS;
  struct fy_node *all = node_get(im, n, "allOf");
  if (all != NULL)
    k = count_meaningful(im, all) + (node_get(im, n, "properties") != NULL) > 1 && has_properties(im, n, 0)
            ? NK_MODEL
            : NK_ALIAS;
  else if (node_get(im, n, "enum") != NULL || node_get(im, n, "const") != NULL)
    k = string_enum(im, n) || integer_enum(im, n) ? NK_ENUM : NK_ALIAS;
  else if (has_properties(im, n, 0))
    k = NK_MODEL;
  nm->classifying = 0;
  return k;
}

/* The last segment of a pointer, unescaped enough to make a name of. */
static const char *last_segment(imp *im, const char *pointer)
{
  const char *slash = strrchr(pointer, '/');
  return imp_strdup(im, slash != NULL ? slash + 1 : "Schema");
}

static named *named_for(imp *im, imp_doc *dc, const char *pointer, struct fy_node *node)
{
  named *nm = named_find(im, dc, pointer);
  if (nm != NULL)
    return nm;
  nm = calloc(1, sizeof *nm);
  char *key = ref_key(im, dc, pointer);
  if (nm == NULL || key == NULL || name_table_put(&im->refs, key, nm) != 0) {
    free(nm);
    im->rep->failed = 1;
    return NULL;
  }
  if (im->nwork == im->work_cap) {
    size_t cap = im->work_cap ? im->work_cap * 2 : 256;
    named **grown = realloc(im->work, cap * sizeof *grown);
    if (grown == NULL) {
      im->rep->failed = 1;
      return nm; /* in the table (freed with it), but never mapped */
    }
    im->work = grown;
    im->work_cap = cap;
  }
  im->work[im->nwork++] = nm;
  nm->doc = dc;
  nm->pointer = pointer;
  nm->node = node;
  nm->raw = last_segment(im, pointer);
  nm->kind = classify(im, nm);
  if (nm->kind != NK_ALIAS) {
    nm->name = name_type(im, nm->raw);
    if (nm->name == NULL || name_table_put(&im->named_types, nm->name, nm) != 0)
      im->rep->failed = 1;
  }
  return nm;
}

/* Where a model was declared from, for notes made after the walk (cycles). */
typedef struct model_place {
  imp_doc *doc;
  const char *pointer;
} model_place;

static void remember_place(imp *im, const decl *d)
{
  model_place *mp = ast_alloc(im->arena, sizeof *mp);
  if (mp == NULL || name_table_put(&im->model_places, d->name, mp) != 0) {
    im->rep->failed = 1;
    return;
  }
  mp->doc = im->doc;
  mp->pointer = imp_strdup(im, im->ptr.data != NULL ? im->ptr.data : "#");
}

/* ---- scalars --------------------------------------------------------------------------------- */

/* ECMA-262 (what OpenAPI patterns are) into POSIX extended (what the language checks): \d \w \s
 * and their negations, (?: groups and escaped punctuation translate; anything else (lookaround,
 * lazy quantifiers, backreferences, \b, \p{...}) does not, and NULL says so. */
static char *pattern_to_posix(imp *im, const char *re)
{
  strbuf b = {0};
  int in_class = 0, ok = 1, class_dash = 0;
  for (const char *p = re; *p != '\0' && ok; p++) {
    char c = *p;
    if (c == '\\') {
      char e = *++p;
      const char *cls = e == 'd' ? "0-9" : e == 'w' ? "A-Za-z0-9_" : e == 's' ? "[:space:]" : NULL;
      const char *neg = e == 'D' ? "0-9" : e == 'W' ? "A-Za-z0-9_" : e == 'S' ? "[:space:]" : NULL;
      if (cls != NULL) {
        sb_printf(&b, in_class ? "%s" : "[%s]", cls);
      } else if (neg != NULL && !in_class) {
        sb_printf(&b, "[^%s]", neg);
      } else if (e == 'n' || e == 't' || e == 'r') {
        sb_append(&b, e == 'n' ? "\n" : e == 't' ? "\t" : "\r", 1);
      } else if (e != '\0' && strchr(".\\/-()[]{}*+?|^$", e) != NULL) {
        if (in_class && e == '-')
          class_dash = 1; /* a literal '-' goes last in a POSIX bracket */
        else if (in_class && (e == ']' || e == '^'))
          ok = 0;
        else if (in_class || e == '/' || e == '-')
          sb_append(&b, &e, 1);
        else
          sb_printf(&b, "\\%c", e);
      } else {
        ok = 0;
      }
    } else if (in_class) {
      if (c == ']') {
        if (class_dash)
          sb_append(&b, "-", 1);
        in_class = class_dash = 0;
      } else if (c == '[' && p[1] == ':') {
        ok = 0; /* a POSIX class inside an ECMA one is not what it means there */
      }
      sb_append(&b, &c, 1);
    } else if (c == '[') {
      in_class = 1;
      sb_append(&b, "[", 1);
      if (p[1] == '^')
        sb_append(&b, "^", 1), p++;
      if (p[1] == ']')
        ok = 0; /* "[]" and "[^]" mean other things in POSIX */
    } else if (c == '(' && p[1] == '?') {
      if (p[2] != ':')
        ok = 0;
      sb_append(&b, "(", 1);
      p += 2;
    } else if ((c == '*' || c == '+' || c == '?' || c == '}') && p[1] == '?') {
      ok = 0; /* lazy */
    } else {
      sb_append(&b, &c, 1);
    }
  }
  regex_t rx;
  char *out = NULL;
  if (ok && !in_class && !b.failed && regcomp(&rx, b.data != NULL ? b.data : "", REG_EXTENDED | REG_NOSUB) == 0) {
    regfree(&rx);
    out = imp_strdup(im, b.data != NULL ? b.data : "");
  }
  sb_free(&b);
  return out;
}

/* A lower and an upper bound as two annotations, unless the lower is above the upper (a
 * schema no value meets: both noted and dropped). */
static void add_bounds(imp *im, struct fy_node *n, mapped *out, const char *names[2], value *b[2],
                       const char *keys[2])
{
  if (b[0] != NULL && b[1] != NULL && b[0]->f > b[1]->f) {
    note(im, n, keys[0], 1, "no value can meet it", "'%s' above '%s'", keys[0], keys[1]);
    return;
  }
  for (int i = 0; i < 2; i++)
    if (b[i] != NULL)
      anno_add(im, &out->annos, names[i], b[i]);
}

/* minLength/maxLength, minItems/maxItems or minProperties/maxProperties as @min_len/@max_len. */
static void map_lengths(imp *im, struct fy_node *n, const char *min_key, const char *max_key, mapped *out)
{
  const char *keys[2] = {min_key, max_key}, *annos[2] = {"min_len", "max_len"};
  value *b[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    struct fy_node *v = node_get(im, n, keys[i]);
    b[i] = v != NULL && node_kind(v) == SC_INT && node_str(v)[0] != '-' ? number_value(im, v) : NULL;
    if (b[i] != NULL && b[i]->kind != VAL_INT)
      b[i] = NULL;
    if (v != NULL && b[i] == NULL)
      note(im, v, keys[i], 1, "it is not a whole number from 0 to 2^63-1", "'%s'", keys[i]);
  }
  add_bounds(im, n, out, annos, b, keys);
}

/* minimum/maximum, and the exclusive bounds (3.0: booleans beside them; 3.1: numbers). */
static void map_bounds(imp *im, struct fy_node *n, int is_int, mapped *out)
{
  const char *keys[2] = {"minimum", "maximum"}, *ex_keys[2] = {"exclusiveMinimum", "exclusiveMaximum"};
  const char *annos[2] = {"min", "max"};
  value *b[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    struct fy_node *v = node_get(im, n, keys[i]), *ex = node_get(im, n, ex_keys[i]);
    int exclusive = 0;
    if (ex != NULL && node_kind(ex) != SC_BOOL) { /* 3.1: the bound itself */
      v = ex;
      exclusive = 1;
    } else if (ex != NULL) {
      exclusive = node_bool(ex, 0);
    }
    value *bound = v != NULL ? number_value(im, v) : NULL;
    if (v != NULL && bound == NULL) {
      note(im, v, keys[i], 1, "it is not a finite number", "'%s'", keys[i]);
      continue;
    }
    if (bound == NULL)
      continue;
    if (is_int && bound->kind == VAL_FLOAT) {
      note(im, v, keys[i], 1, "a fractional or huge bound on an integer", "'%s'", keys[i]);
      continue;
    }
    if (exclusive && is_int && bound->i != (i == 0 ? LLONG_MAX : LLONG_MIN)) {
      bound = value_int(im, bound->i + (i == 0 ? 1 : -1)); /* exact for integers */
    } else if (exclusive) {
      note(im, ex, ex_keys[i], 0, "the language has only inclusive bounds", "'%s' as an inclusive bound",
           ex_keys[i]);
    }
    b[i] = bound;
  }
  add_bounds(im, n, out, annos, b, keys);
}

/* uuid and bytes: the type checks the text's form (uuid) or decodes it (bytes, base64), so a
 * string's length bounds and pattern (which count the text) are noted and left out. */
static void map_text_format(imp *im, struct fy_node *n, const char *t, mapped *out)
{
  out->t = type_named(im, t);
  static const char *const keys[] = {"minLength", "maxLength", "pattern"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (node_get(im, n, keys[i]) != NULL)
      note(im, n, keys[i], 1, "it counts the text; the type checks its form itself", "'%s' of a %s", keys[i], t);
}

/* Formats of strings (docs/import.md, "Formats"). */
static void map_string(imp *im, struct fy_node *n, mapped *out)
{
  const char *format = node_str(node_get(im, n, "format"));
  const char *t = "string";
  if (node_get(im, n, "contentEncoding") != NULL || node_get(im, n, "contentMediaType") != NULL)
    note(im, n, NULL, 0, gap_why(GAP_BINARY), "encoded content (contentEncoding, contentMediaType) as a string");
  if (format == NULL) {
  } else if (strcmp(format, "date-time") == 0) {
    t = "datetime";
  } else if (strcmp(format, "date") == 0) {
    t = "date";
  } else if (strcmp(format, "password") == 0) {
    anno_add(im, &out->annos, "sensitive", NULL);
  } else if (strcmp(format, "uuid") == 0 || strcmp(format, "byte") == 0) {
    map_text_format(im, n, strcmp(format, "uuid") == 0 ? "uuid" : "bytes", out);
    return;
  } else if (strcmp(format, "binary") == 0) {
    note(im, n, "format", 0, gap_why(GAP_BINARY), "format 'binary' as a string");
  } else {
    note(im, n, "format", 0, "the language checks no string formats but date and date-time",
         "format '%s' as a plain string", format);
  }
  out->t = type_named(im, t);
  map_lengths(im, n, "minLength", "maxLength", out);
  struct fy_node *pat = node_get(im, n, "pattern");
  const char *re = node_string(pat);
  if (pat != NULL) {
    char *posix = re != NULL ? pattern_to_posix(im, re) : NULL;
    if (posix != NULL)
      anno_add(im, &out->annos, "pattern", value_string(im, posix));
    else
      note(im, pat, "pattern", 1, "it uses regular-expression syntax POSIX extended expressions cannot say",
           "pattern \"%.60s\"", re != NULL ? re : "?");
  }
}

static void map_integer(imp *im, struct fy_node *n, mapped *out)
{
  const char *format = node_str(node_get(im, n, "format"));
  int int32 = format != NULL && strcmp(format, "int32") == 0;
  out->t = type_named(im, int32 ? "int32" : "int");
  if (format != NULL && !int32 && strcmp(format, "int64") != 0)
    note(im, n, "format", 0, "the language has no integer formats", "format '%s' as an int", format);
  map_bounds(im, n, 1, out);
  for (const annotation *a = out->annos; a != NULL && int32; a = a->next)
    if (a->args != NULL && (a->args->val.i < INT32_MIN || a->args->val.i > INT32_MAX)) {
      note(im, n, "format", 0, "its bounds are not int32s", "format 'int32' as an int");
      out->t = type_named(im, "int");
      break;
    }
}

static void map_number(imp *im, struct fy_node *n, mapped *out)
{
  const char *format = node_str(node_get(im, n, "format"));
  out->t = type_named(im, "float");
  if (format != NULL && strcmp(format, "float") != 0 && strcmp(format, "double") != 0)
    note(im, n, "format", 0, "the language has no number formats", "format '%s' as a float", format);
  map_bounds(im, n, 0, out);
}

/* ---- enums ----------------------------------------------------------------------------------- */

/* Adds wire value v to enum d. An integer enum's value is named given (its x-enum-varnames
 * entry), else v1, v2... (minus_1 for -1); a string's after its text. */
static void add_enum_value(imp *im, decl *d, name_table *scope, struct fy_node *v, int is_int, const char *given,
                           int *nullable)
{
  if (node_kind(v) == SC_NULL) {
    *nullable = 1;
    return;
  }
  const char *wire = is_int ? imp_printf(im, "%lld", strtoll(node_str(v), NULL, 10)) : node_str(v);
  if (wire == NULL)
    return;
  enum_value **tail = &d->values;
  for (; *tail != NULL; tail = &(*tail)->next)
    if (strcmp((*tail)->wire != NULL ? (*tail)->wire : (*tail)->name, wire) == 0)
      return; /* the same value twice says it once */
  enum_value *ev = ast_alloc(im->arena, sizeof *ev);
  if (ev == NULL) {
    im->rep->failed = 1;
    return;
  }
  const char *raw = given != NULL ? given : !is_int ? wire : wire[0] == '-' ? imp_printf(im, "minus_%s", wire + 1) : wire;
  ev->name = name_enum_value(im, scope, raw);
  ev->wire = !is_int && ev->name != NULL && strcmp(ev->name, wire) == 0 ? NULL : imp_strdup(im, wire);
  ev->wire_is_int = is_int;
  *tail = ev;
}

/* The names an integer enum's values are given (x-enum-varnames and its variants), or NULL. */
static struct fy_node *enum_names(imp *im, struct fy_node *n)
{
  static const char *const keys[] = {"x-enum-varnames", "x-enumNames", "x-enum-names"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (node_is_seq(node_get(im, n, keys[i])))
      return node_get(im, n, keys[i]);
  return NULL;
}

/* The values of n's enum (or its const) as values of d; a null among them sets *nullable. */
static void fill_enum(imp *im, decl *d, struct fy_node *n, int *nullable)
{
  name_table scope;
  if (name_table_init(&scope) != 0) {
    im->rep->failed = 1;
    return;
  }
  int is_int = integer_enum(im, n);
  struct fy_node *c = node_get(im, n, "const"), *names = is_int ? enum_names(im, n) : NULL;
  if (c != NULL) {
    add_enum_value(im, d, &scope, c, is_int, NULL, nullable);
  } else {
    void *it = NULL, *name_it = NULL;
    for (struct fy_node *v; (v = seq_next(im, node_get(im, n, "enum"), &it)) != NULL;)
      add_enum_value(im, d, &scope, v, is_int, node_string(seq_next(im, names, &name_it)), nullable);
  }
  name_table_free(&scope);
}

/* An enum (or const) at a use site: a string or integer enum is declared under place; others
 * keep their base type, noted. */
static void map_enum(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  if (string_enum(im, n) || integer_enum(im, n)) {
    decl *d = decl_new(im, D_ENUM, name_type(im, place));
    if (d == NULL)
      return;
    fill_enum(im, d, n, &out->nullable);
    out->t = type_named(im, d->name);
    return;
  }
  const char *t = node_str(node_get(im, n, "type"));
  struct fy_node *first = node_get(im, n, "const");
  if (first == NULL) {
    void *it = NULL;
    first = seq_next(im, node_get(im, n, "enum"), &it);
  }
  scalar_kind k = node_kind(first);
  if ((t != NULL && (strcmp(t, "number") == 0 || strcmp(t, "integer") == 0)) || k == SC_FLOAT || k == SC_INT) {
    map_number(im, n, out);
    note(im, n, node_get(im, n, "const") != NULL ? "const" : "enum", 0, "the language has only string and integer enums",
         "a number enum as a float");
  } else if ((t != NULL && strcmp(t, "boolean") == 0) || k == SC_BOOL) {
    out->t = type_named(im, "bool");
    note(im, n, node_get(im, n, "const") != NULL ? "const" : "enum", 0, "the language has only string and integer enums", "a boolean enum as a bool");
  } else {
    out->t = any_type(im);
    note(im, n, "enum", 0, "the language has only string and integer enums", "an enum of mixed values as any");
  }
}

/* ---- unions ---------------------------------------------------------------------------------- */

/* Whether a variant admits any string (a plain string schema: no enum, no format that makes
 * it another type). */
static int open_string(imp *im, struct fy_node *v)
{
  const char *t = node_str(node_get(im, v, "type"));
  const char *f = node_str(node_get(im, v, "format"));
  return t != NULL && strcmp(t, "string") == 0 && node_get(im, v, "enum") == NULL &&
         node_get(im, v, "const") == NULL && (f == NULL || (strcmp(f, "date-time") != 0 && strcmp(f, "date") != 0));
}

static int is_null_schema(imp *im, struct fy_node *v)
{
  const char *t = node_str(node_get(im, v, "type"));
  return t != NULL && strcmp(t, "null") == 0;
}

/* The one string a schema's property prop may hold (its const, or an enum of one value), through
 * $ref and allOf; NULL when it has none. */
static const char *single_value(imp *im, struct fy_node *schema, const char *prop, int depth)
{
  imp_doc *dc;
  const char *pointer;
  im->quiet++;
  struct fy_node *n = ref_follow(im, schema, &dc, &pointer);
  struct fy_node *p = ref_follow(im, node_get(im, node_get(im, n, "properties"), prop), &dc, &pointer);
  im->quiet--;
  if (!node_is_map(n) || depth > IMP_MAX_ALIAS_DEPTH)
    return NULL;
  struct fy_node *values = node_get(im, p, "enum");
  if (node_string(node_get(im, p, "const")) != NULL)
    return node_string(node_get(im, p, "const"));
  if (seq_count(values) == 1 && node_string(fy_node_sequence_get_by_index(values, 0)) != NULL)
    return node_string(fy_node_sequence_get_by_index(values, 0));
  void *it = NULL;
  for (struct fy_node *part; (part = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL;) {
    const char *v = single_value(im, part, prop, depth + 1);
    if (v != NULL)
      return v;
  }
  return NULL;
}

/* The tag of variant v of union n, whose discriminator is the property disc: the key of the
 * discriminator's mapping that names it, else the one value its property disc holds, else (as
 * OpenAPI says) its schema's name; NULL for an inline variant without one. */
static const char *variant_tag(imp *im, struct fy_node *n, struct fy_node *v, const char *disc)
{
  const char *ref = ref_of(im, v);
  void *it = NULL;
  const char *key;
  struct fy_node *target;
  while (ref != NULL && map_next(im, node_get(im, node_get(im, n, "discriminator"), "mapping"), &it, &key, &target)) {
    const char *t = node_str(target);
    if (t != NULL && (strcmp(t, ref) == 0 || strcmp(t, last_segment(im, ref)) == 0))
      return key;
  }
  const char *one = single_value(im, v, disc, 0);
  return one != NULL ? one : ref != NULL ? last_segment(im, ref) : NULL;
}

/* A discriminator the document does not declare: the property in which every variant (an
 * object) holds one string of its own (a const, or an enum of one value), "type" tried first,
 * then the first variant's properties. NULL when there is none. */
static const char *implied_discriminator(imp *im, struct fy_node *vars)
{
  void *it = NULL;
  struct fy_node *first = NULL;
  while ((first = seq_next(im, vars, &it)) != NULL && is_null_schema(im, first))
    ;
  imp_doc *dc;
  const char *pointer;
  im->quiet++;
  struct fy_node *props = node_get(im, ref_follow(im, first, &dc, &pointer), "properties");
  im->quiet--;
  void *pit = NULL;
  const char *cand = "type";
  struct fy_node *val;
  do {
    name_table seen;
    if (name_table_init(&seen) != 0)
      return NULL;
    int ok = 1;
    it = NULL;
    for (struct fy_node *v; ok && (v = seq_next(im, vars, &it)) != NULL;) {
      const char *tag = is_null_schema(im, v) ? "" : single_value(im, v, cand, 0);
      ok = tag != NULL && (tag[0] == '\0' || (name_table_get(&seen, tag) == NULL && name_table_put(&seen, tag, &seen) == 0));
    }
    name_table_free(&seen);
    if (ok)
      return cand;
  } while (map_next(im, props, &pit, &cand, &val));
  return NULL;
}

/* A variant's name when it has no tag: its model's name less the union's ("ChatMessage" in union
 * "Chat": "Message"), or a word for its type (text, integer, number, boolean, map, X_list). */
static const char *variant_raw(imp *im, const type *t, const char *union_name)
{
  static const char *const words[][2] = {{"string", "text"}, {"int", "integer"}, {"int32", "integer"},
                                         {"float", "number"}, {"bool", "boolean"}};
  if (t->kind == TYPE_ARRAY)
    return imp_printf(im, "%s_list", variant_raw(im, t->inner, union_name));
  if (t->kind != TYPE_NAMED)
    return "map";
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(t->name, words[i][0]) == 0)
      return words[i][1];
  size_t n = strlen(union_name);
  return strncmp(t->name, union_name, n) == 0 && t->name[n] != '\0' ? t->name + n : t->name;
}

/* Adds a variant to union u (names unique in scope, which holds the union's own members too). A
 * variant that is itself a union without a discriminator, in one without, gives its variants. */
static void add_variant(imp *im, decl *u, name_table *scope, const mapped *m, const char *tag)
{
  const decl *inner = mapped_decl(im, m->t);
  int flatten = inner != NULL && inner->kind == D_UNION && tag == NULL &&
                find_anno(inner->annos, "discriminator") == NULL && find_anno(u->annos, "discriminator") == NULL;
  field **tail = &u->fields;
  while (*tail != NULL)
    tail = &(*tail)->next;
  for (const field *v = flatten ? inner->fields : NULL; v != NULL; v = v->next) {
    field *f = field_new(im, name_member(im, scope, v->name), v->type);
    if (f == NULL)
      return;
    f->variant = 1;
    f->annos = v->annos;
    f->doc = v->doc;
    *tail = f;
    tail = &f->next;
  }
  if (flatten)
    return;
  field *f = field_new(im, name_member(im, scope, tag != NULL ? tag : variant_raw(im, m->t, u->name)), m->t);
  if (f == NULL)
    return;
  f->variant = 1;
  f->annos = m->annos;
  f->doc = doc_text(im, m->desc);
  if (tag != NULL && strcmp(tag, f->name) != 0)
    anno_add(im, &f->annos, "tag", value_string(im, imp_strdup(im, tag)));
  if (m->deprecated)
    anno_add(im, &f->annos, "deprecated", NULL);
  *tail = f;
}

/* A union declared under place, and the scope of its variants' names (the union's own members
 * taken); NULL, failed, when out of memory. */
static decl *union_new(imp *im, const char *place, name_table *scope)
{
  decl *u = decl_new(im, D_UNION, name_type(im, place));
  if (u == NULL || name_table_init(scope) != 0) {
    im->rep->failed = 1;
    return NULL;
  }
  for (size_t i = 0; i < 3; i++)
    name_table_put(scope, UNION_MEMBERS[i], (void *)UNION_MEMBERS[i]);
  return u;
}

/* oneOf / anyOf of several schemas: a union declared under place, tagged when the schema has a
 * discriminator. Whether the language's rule tells its variants apart is settled once every
 * schema is mapped (import_union.c), which makes it `any` when not. */
static void make_union(imp *im, struct fy_node *n, const char *key, const char *place, mapped *out)
{
  name_table scope;
  decl *u = union_new(im, place, &scope);
  if (u == NULL)
    return;
  const char *disc = node_string(node_get(im, node_get(im, n, "discriminator"), "propertyName"));
  if (disc == NULL)
    disc = implied_discriminator(im, node_get(im, n, key));
  if (disc != NULL)
    anno_add(im, &u->annos, "discriminator", value_string(im, disc));
  size_t len = ptr_push(im, key);
  void *it = NULL;
  int i = 0;
  for (struct fy_node *v; (v = seq_next(im, node_get(im, n, key), &it)) != NULL; i++) {
    if (is_null_schema(im, v))
      continue;
    const char *tag = disc != NULL ? variant_tag(im, n, v, disc) : NULL;
    size_t l2 = ptr_push_index(im, i);
    mapped m;
    map_schema_at(im, v, place_join(im, place, tag != NULL ? tag : imp_printf(im, "Variant%d", i + 1)), &m);
    ptr_pop(im, l2);
    if (m.t == NULL)
      m.t = any_type(im);
    out->nullable |= m.nullable;
    add_variant(im, u, &scope, &m, tag);
  }
  ptr_pop(im, len);
  u->own_fields = u->fields;
  name_table_free(&scope);
  union_record(im, u, key);
  out->t = type_named(im, u->name);
}

/* oneOf / anyOf: a null variant makes the rest nullable; one variant left is that variant;
 * strings with or without known values are a string (the values go into the docs); anything
 * else is a union. */
static void map_union(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  const char *key = node_get(im, n, "oneOf") != NULL ? "oneOf" : "anyOf";
  struct fy_node *vars = node_get(im, n, key);
  int count = 0, strings = 0, open = 0, index = 0, last = -1;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, vars, &it)) != NULL; index++) {
    if (is_null_schema(im, v)) {
      out->nullable = 1;
      continue;
    }
    count++;
    last = index;
    if (ref_of(im, v) == NULL && (string_enum(im, v) || open_string(im, v)))
      strings++, open += open_string(im, v);
  }
  if (count == 1) {
    it = NULL;
    struct fy_node *v = NULL;
    for (int i = 0; i <= last; i++)
      v = seq_next(im, vars, &it);
    size_t len = ptr_push(im, key);
    ptr_push_index(im, last);
    mapped m;
    map_schema_at(im, v, place, &m);
    ptr_pop(im, len);
    int nullable = out->nullable;
    *out = m;
    out->nullable |= nullable;
  } else if (count > 0 && strings == count && open > 0) {
    out->t = type_named(im, "string");
  } else if (count > 0) {
    make_union(im, n, key, place, out);
  } else {
    out->t = any_type(im);
  }
}

/* ---- arrays, maps and objects ---------------------------------------------------------------- */

static int is_container(const type *t)
{
  return t != NULL && (t->kind == TYPE_ARRAY || (t->kind == TYPE_GENERIC && strcmp(t->name, "map") == 0));
}

/* An array or map holds values, or arrays of values (the checker's rule: each has a C form);
 * what is nested deeper is held as any. at/key: where the inner schema is, for the note. */
static type *nestable(imp *im, type *inner, struct fy_node *at, const char *key)
{
  if (is_container(inner) && (inner->kind != TYPE_ARRAY || is_container(inner->inner))) {
    note(im, at, key, 0, gap_why(GAP_NESTED), "%s nested in an array or a map as any",
         inner->kind == TYPE_ARRAY ? "an array of containers" : "a map");
    if (inner->kind != TYPE_ARRAY)
      return any_type(im);
    return type_array(im, any_type(im));
  }
  return inner;
}

static void map_array(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  struct fy_node *items = node_get(im, n, "items");
  mapped m = {0};
  if (items != NULL) {
    size_t len = ptr_push(im, "items");
    map_schema_at(im, items, place_join(im, place, "Item"), &m);
    ptr_pop(im, len);
  }
  if (m.t == NULL)
    m.t = any_type(im);
  if (m.nullable && !is_any(m.t))
    note(im, items, "items", 0, gap_why(GAP_NULLABLE_ITEMS), "nullable items as non-null ones");
  out->t = type_array(im, nestable(im, m.t, n, "items"));
  map_lengths(im, n, "minItems", "maxItems", out);
}

/* An object without properties: a map of its additionalProperties (any when true or absent). */
static void map_map(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  struct fy_node *ap = node_get(im, n, "additionalProperties");
  mapped m = {0};
  if (node_is_map(ap)) {
    size_t len = ptr_push(im, "additionalProperties");
    map_schema_at(im, ap, place_join(im, place, "Value"), &m);
    ptr_pop(im, len);
    if (m.nullable && !is_any(m.t))
      note(im, ap, "additionalProperties", 0, gap_why(GAP_NULLABLE_ITEMS), "nullable map values as non-null ones");
  }
  out->t = type_generic(im, "map", m.t != NULL ? nestable(im, m.t, n, "additionalProperties") : any_type(im));
  map_lengths(im, n, "minProperties", "maxProperties", out);
}

static void map_object(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  if (!has_properties(im, n, 0)) {
    map_map(im, n, place, out);
    return;
  }
  decl *d = decl_new(im, D_MODEL, name_type(im, place));
  if (d == NULL)
    return;
  remember_place(im, d);
  fill_model(im, d, n);
  out->t = type_named(im, d->name);
}

/* allOf: one part that says anything is that part; parts that are objects are flattened into
 * one model (the language has no composition yet); anything else is any. */
static void map_all_of(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  struct fy_node *parts = node_get(im, n, "allOf");
  int meaningful_parts = count_meaningful(im, parts) + (node_get(im, n, "properties") != NULL);
  if (meaningful_parts == 1 && node_get(im, n, "properties") == NULL) {
    void *it = NULL;
    int i = 0;
    for (struct fy_node *p; (p = seq_next(im, parts, &it)) != NULL; i++) {
      if (!meaningful(im, p)) {
        out->nullable |= node_bool(node_get(im, p, "nullable"), 0);
        continue;
      }
      size_t len = ptr_push(im, "allOf");
      ptr_push_index(im, i);
      mapped m;
      map_schema_at(im, p, place, &m);
      ptr_pop(im, len);
      int nullable = out->nullable;
      const char *desc = out->desc;
      *out = m;
      out->nullable |= nullable;
      if (desc != NULL)
        out->desc = desc;
    }
    return;
  }
  if (has_properties(im, n, 0)) {
    map_object(im, n, place, out);
    return;
  }
  out->t = any_type(im);
  note(im, n, "allOf", 0, gap_why(GAP_COMPOSITION), "allOf of %d schemas that are not all objects, as any",
       meaningful_parts);
}

/* ---- models ---------------------------------------------------------------------------------- */

static int in_list(imp *im, struct fy_node *seq, const char *s)
{
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, seq, &it)) != NULL;) {
    const char *t = node_str(v);
    if (t != NULL && strcmp(t, s) == 0)
      return 1;
  }
  return 0;
}

/* A default (a node) as a value that fits the mapped type, its enum and its constraints;
 * NULL, noted, when it does not. */
static value *default_value(imp *im, struct fy_node *v, const mapped *m);

/* A model being filled: its fields by C name and by wire name (allOf may give a property
 * again), and where the next one goes. */
typedef struct model_fill {
  decl *d;
  name_table names, wires;
  field **tail;
} model_fill;

/* One property of a model, under the C name given (NULL: a new one). */
static field *map_property(imp *im, model_fill *mf, const char *wire, struct fy_node *schema, int required,
                           const char *name)
{
  size_t len = ptr_push(im, wire);
  mapped m;
  map_schema_at(im, schema, place_join(im, mf->d->name, wire), &m);
  field *f = field_new(im, name != NULL ? name : name_member(im, &mf->names, wire), m.t != NULL ? m.t : any_type(im));
  if (f == NULL) {
    ptr_pop(im, len);
    return NULL;
  }
  f->optional = !required;
  f->nullable = m.nullable && !is_any(f->type);
  f->def = m.def;
  f->annos = m.annos;
  f->doc = doc_text(im, m.desc);
  if (f->name != NULL && strcmp(f->name, wire) != 0)
    anno_add(im, &f->annos, "json", value_string(im, imp_strdup(im, wire)));
  if (m.deprecated)
    anno_add(im, &f->annos, "deprecated", NULL);
  ptr_pop(im, len);
  return f;
}

static void append(imp *im, model_fill *mf, field *f)
{
  if (name_table_put(&mf->wires, field_wire(f), f) != 0) {
    im->rep->failed = 1;
    return;
  }
  f->next = NULL;
  *mf->tail = f;
  mf->tail = &f->next;
}

/* f, a property given again (by another allOf part, which refines the first), replaces the
 * field of its wire name in place. */
static void replace_field(model_fill *mf, field *f)
{
  const field *old = name_table_get(&mf->wires, field_wire(f));
  for (field **link = &mf->d->fields; *link != NULL; link = &(*link)->next)
    if (*link == old) {
      f->next = old->next;
      *link = f;
      if (mf->tail == &old->next)
        mf->tail = &f->next;
      name_table_put(&mf->wires, field_wire(f), f);
      return;
    }
}

/* The properties of n (an object schema) added to the model. */
static void add_properties(imp *im, model_fill *mf, struct fy_node *n, struct fy_node *required)
{
  struct fy_node *props = node_get(im, n, "properties");
  size_t len = ptr_push(im, "properties");
  void *it = NULL;
  const char *key;
  struct fy_node *schema;
  while (map_next(im, props, &it, &key, &schema)) {
    const field *old = name_table_get(&mf->wires, key);
    field *f = map_property(im, mf, key, schema, in_list(im, required, key), old != NULL ? old->name : NULL);
    if (f == NULL)
      continue;
    if (old != NULL) {
      note(im, schema, key, 0, gap_why(GAP_COMPOSITION), "property '%s' of two allOf parts as the last one's", key);
      replace_field(mf, f);
    } else {
      append(im, mf, f);
    }
  }
  ptr_pop(im, len);
}

/* Copies a named model's fields (mapped first if it is not yet) onto the model. */
static void copy_fields(imp *im, model_fill *mf, named *base, struct fy_node *at)
{
  if (base->state == 0)
    map_named(im, base);
  if (base->state == 1 || base->d == NULL) {
    note(im, at, NULL, 1, "a model cannot include itself", "allOf of '%s' within itself", base->raw);
    return;
  }
  for (const field *f = base->d->fields; f != NULL; f = f->next) {
    if (name_table_get(&mf->wires, field_wire(f)) != NULL)
      continue;
    field *copy = ast_alloc(im->arena, sizeof *copy);
    if (copy == NULL) {
      im->rep->failed = 1;
      return;
    }
    *copy = *f;
    name_table_put(&mf->names, copy->name, copy);
    append(im, mf, copy);
  }
}

/* Marks required the fields a `required` list names (it may come from another allOf part). */
static void apply_required(imp *im, model_fill *mf, struct fy_node *required)
{
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, required, &it)) != NULL;) {
    const char *name = node_str(v);
    field *f = name != NULL ? name_table_get(&mf->wires, name) : NULL;
    if (f != NULL)
      f->optional = 0;
    else if (name != NULL)
      note(im, v, NULL, 1, "it has no schema among the properties", "required property '%s'", name);
  }
}

/* The parts of allOf flattened into the model. */
static void add_all_of(imp *im, model_fill *mf, struct fy_node *n)
{
  struct fy_node *parts = node_get(im, n, "allOf");
  size_t len = ptr_push(im, "allOf");
  void *it = NULL;
  int i = 0;
  for (struct fy_node *p; (p = seq_next(im, parts, &it)) != NULL; i++) {
    size_t l2 = ptr_push_index(im, i);
    if (ref_of(im, p) != NULL) {
      imp_doc *dc;
      const char *pointer;
      struct fy_node *target = ref_follow(im, p, &dc, &pointer);
      named *base = target != NULL ? named_for(im, dc, pointer, target) : NULL;
      if (base != NULL && base->kind == NK_MODEL)
        copy_fields(im, mf, base, p);
      else if (base != NULL)
        note(im, p, NULL, 1, gap_why(GAP_COMPOSITION), "allOf part '%s', which is not an object", base->raw);
    } else if (node_get(im, p, "allOf") != NULL) {
      add_all_of(im, mf, p);
    } else if (node_get(im, p, "properties") != NULL) {
      add_properties(im, mf, p, node_get(im, p, "required"));
    } else if (meaningful(im, p) && node_get(im, p, "required") == NULL) {
      note(im, p, NULL, 1, gap_why(GAP_COMPOSITION), "an allOf part that is not an object");
    }
    apply_required(im, mf, node_get(im, p, "required")); /* may name what an earlier part gave */
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  note(im, n, "allOf", 0, gap_why(GAP_COMPOSITION), "allOf flattened into one model");
}

/* Whether the model named name has (or inherits) a field of this wire name. */
static const field *inherited(imp *im, const char *name, const char *wire, int depth)
{
  const decl *d = name_table_get(&im->decl_names, name);
  if (d == NULL || depth > IMP_MAX_ALIAS_DEPTH)
    return NULL;
  for (const field *f = d->fields; f != NULL; f = f->next)
    if (strcmp(field_wire(f), wire) == 0)
      return f;
  for (const name_ref *b = d->bases; b != NULL; b = b->next) {
    const field *f = inherited(im, b->name, wire, depth + 1);
    if (f != NULL)
      return f;
  }
  return NULL;
}

/* Whether a `required` list names a field of a base that the base has optional (extends cannot
 * change that: the model is flattened instead). */
static int requires_inherited(imp *im, const name_ref *bases, struct fy_node *required)
{
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, required, &it)) != NULL;)
    for (const name_ref *b = bases; b != NULL && node_str(v) != NULL; b = b->next) {
      const field *f = inherited(im, b->name, node_str(v), 0);
      if (f != NULL && f->optional)
        return 1;
    }
  return 0;
}

/* allOf of models and inline objects: the models are the bases (`extends`), the objects' properties
 * the model's own, when none of those is a base's too and no `required` list makes a base's
 * optional field required; else 0 (the parts are flattened). */
static int try_extends(imp *im, model_fill *mf, struct fy_node *n)
{
  name_ref *bases = NULL, **tail = &bases;
  void *it = NULL;
  for (struct fy_node *p; (p = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL;) {
    if (ref_of(im, p) == NULL) {
      if (!meaningful(im, p) || (node_get(im, p, "allOf") == NULL && (node_get(im, p, "properties") != NULL ||
                                                                     node_get(im, p, "required") != NULL)))
        continue; /* an inline object part: its properties are the model's own */
      return 0;
    }
    named *base = named_quiet(im, p);
    if (base == NULL || base->kind != NK_MODEL)
      return 0;
    map_named(im, base);
    if (base->state != 2 || base->d == NULL)
      return 0; /* a model within itself: flattened, noted */
    name_ref *r = ast_alloc(im->arena, sizeof *r);
    if (r == NULL)
      return 0;
    r->name = base->name;
    *tail = r;
    tail = &r->next;
  }
  if (bases == NULL || requires_inherited(im, bases, node_get(im, n, "required")))
    return 0;
  it = NULL;
  for (struct fy_node *p; (p = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL;) {
    if (ref_of(im, p) != NULL)
      continue;
    if (requires_inherited(im, bases, node_get(im, p, "required")))
      return 0;
    void *pit = NULL;
    const char *key;
    struct fy_node *v;
    while (map_next(im, node_get(im, p, "properties"), &pit, &key, &v))
      for (const name_ref *b = bases; b != NULL; b = b->next)
        if (inherited(im, b->name, key, 0) != NULL)
          return 0;
  }
  void *pit = NULL;
  const char *key;
  struct fy_node *v;
  while (map_next(im, node_get(im, n, "properties"), &pit, &key, &v))
    for (const name_ref *b = bases; b != NULL; b = b->next)
      if (inherited(im, b->name, key, 0) != NULL)
        return 0;
  mf->d->bases = bases;
  size_t len = ptr_push(im, "allOf");
  it = NULL;
  int i = 0;
  for (struct fy_node *p; (p = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL; i++) {
    size_t l2 = ptr_push_index(im, i);
    if (ref_of(im, p) == NULL)
      add_properties(im, mf, p, node_get(im, p, "required"));
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  return 1;
}

static void fill_model(imp *im, decl *d, struct fy_node *n)
{
  model_fill mf = {d, {0}, {0}, &d->fields};
  if (name_table_init(&mf.names) != 0 || name_table_init(&mf.wires) != 0) {
    name_table_free(&mf.names);
    im->rep->failed = 1;
    return;
  }
  d->doc = doc_text(im, node_string(node_get(im, n, "description")));
  if (node_bool(node_get(im, n, "deprecated"), 0))
    anno_add(im, &d->annos, "deprecated", NULL);
  int extends = node_get(im, n, "allOf") != NULL && try_extends(im, &mf, n);
  if (node_get(im, n, "allOf") != NULL && !extends)
    add_all_of(im, &mf, n);
  add_properties(im, &mf, n, node_get(im, n, "required"));
  if (node_get(im, n, "allOf") != NULL && !extends)
    apply_required(im, &mf, node_get(im, n, "required"));
  struct fy_node *ap = node_get(im, n, "additionalProperties");
  if (ap != NULL && !(node_kind(ap) == SC_BOOL && !node_bool(ap, 0)))
    note(im, ap, "additionalProperties", 1, "a model holds only its declared properties",
         "additional properties beside the declared ones");
  if (node_get(im, n, "discriminator") != NULL && node_get(im, n, "oneOf") == NULL)
    note(im, n, "discriminator", 1, "apic import makes unions of oneOf and anyOf, whose discriminator it is",
         "a discriminator beside no oneOf or anyOf");
  if (d->bases != NULL)
    d->own_fields = d->fields; /* as the parser has it: fields are the own ones until checked */
  name_table_free(&mf.names);
  name_table_free(&mf.wires);
}

/* ---- defaults ------------------------------------------------------------------------------- */

static const decl *enum_decl(imp *im, const type *t);

static const char *enum_value_named(const decl *e, const char *wire)
{
  for (const enum_value *v = e->values; v != NULL; v = v->next)
    if (strcmp(v->wire != NULL ? v->wire : v->name, wire) == 0)
      return v->name;
  return NULL;
}

/* Whether v meets the bounds and pattern among annos (the checker refuses a default that
 * does not). */
static int meets_constraints(const value *v, const annotation *annos)
{
  for (const annotation *a = annos; a != NULL; a = a->next) {
    const value *b = a->args != NULL ? &a->args->val : NULL;
    if (b == NULL)
      continue;
    if ((v->kind == VAL_INT || v->kind == VAL_FLOAT) &&
        ((strcmp(a->name, "min") == 0 && v->f < b->f) || (strcmp(a->name, "max") == 0 && v->f > b->f)))
      return 0;
    if (v->kind == VAL_STRING && strcmp(a->name, "pattern") == 0) {
      regex_t rx;
      int ok = regcomp(&rx, b->text, REG_EXTENDED | REG_NOSUB) == 0;
      if (ok) {
        ok = regexec(&rx, v->text, 0, NULL, 0) == 0;
        regfree(&rx);
      }
      if (!ok)
        return 0;
    }
  }
  return 1;
}

static value *default_value(imp *im, struct fy_node *v, const mapped *m)
{
  const type *t = m->t;
  scalar_kind k = node_kind(v);
  const char *text = node_str(v);
  value *out = NULL;
  const char *why = "it does not fit the type";
  if (t == NULL || v == NULL)
    return NULL;
  if (t->kind == TYPE_ARRAY) {
    if (node_is_seq(v) && seq_count(v) == 0)
      out = value_of_kind(im, VAL_EMPTY_LIST);
    else
      why = "the language has only [] as an array default";
  } else if (t->kind == TYPE_GENERIC || node_is_map(v) || node_is_seq(v)) {
    why = "the language has no map or object defaults";
  } else if (k == SC_NULL) {
    if (m->nullable)
      out = value_of_kind(im, VAL_NULL);
  } else if (strcmp(t->name, "string") == 0 || strcmp(t->name, "datetime") == 0 || strcmp(t->name, "date") == 0 ||
             strcmp(t->name, "uuid") == 0) {
    int fits = strcmp(t->name, "string") == 0 ||
               (strcmp(t->name, "date") == 0   ? apic_date_valid(text)
                : strcmp(t->name, "uuid") == 0 ? apic_uuid_valid(text)
                                               : apic_datetime_parse(text, NULL, NULL) == 0);
    out = fits ? value_string(im, imp_strdup(im, text)) : NULL;
  } else if (strcmp(t->name, "bytes") == 0) {
    why = "the language takes no bytes defaults";
  } else if ((strcmp(t->name, "int") == 0 || strcmp(t->name, "int32") == 0) && k == SC_INT) {
    out = number_value(im, v);
    if (out != NULL && (out->kind != VAL_INT || (strcmp(t->name, "int32") == 0 && (out->i < INT32_MIN || out->i > INT32_MAX))))
      out = NULL;
  } else if (strcmp(t->name, "float") == 0 && (k == SC_INT || k == SC_FLOAT)) {
    out = number_value(im, v);
  } else if (strcmp(t->name, "bool") == 0 && k == SC_BOOL) {
    out = value_of_kind(im, VAL_BOOL);
    if (out != NULL) {
      out->i = node_bool(v, 0);
      out->text = out->i ? "true" : "false";
    }
  } else if (strcmp(t->name, "any") == 0) {
    why = "the language writes no defaults for any";
  } else {
    const decl *e = enum_decl(im, t);
    const char *name = e != NULL && text != NULL ? enum_value_named(e, text) : NULL;
    out = name != NULL ? value_ident(im, name) : NULL;
    if (e == NULL)
      why = declared(im, t) != NULL && declared(im, t)->kind == D_UNION ? "a union takes no default" : "a model has no default";
  }
  if (out != NULL && !meets_constraints(out, m->annos)) {
    out = NULL;
    why = "it does not meet the schema's own constraints";
  }
  if (out == NULL)
    note(im, v, "default", 1, why, "default %.40s", text != NULL ? text : "value");
  return out;
}

/* ---- schemas at a use site ------------------------------------------------------------------ */

/* The named schema behind a $ref, as a type: a model's or enum's name, or what an alias stands
 * for (mapped now if it is not yet; a cycle of aliases is any). */
static void map_ref(imp *im, struct fy_node *n, mapped *out)
{
  imp_doc *dc;
  const char *pointer;
  struct fy_node *target = ref_follow(im, n, &dc, &pointer);
  named *nm = target != NULL ? named_for(im, dc, pointer, target) : NULL;
  if (nm == NULL) {
    out->t = any_type(im);
    return;
  }
  if (nm->kind != NK_ALIAS) {
    out->t = type_named(im, nm->name);
    return;
  }
  if (nm->state == 0)
    map_named(im, nm);
  if (nm->state != 2) {
    note(im, n, "$ref", 0, "a schema that contains itself must be an object (a model)",
         "recursive schema '%s' as any", nm->raw);
    out->t = any_type(im);
    return;
  }
  const char *desc = out->desc;
  int deprecated = out->deprecated;
  *out = nm->m;
  if (desc != NULL)
    out->desc = desc;
  out->deprecated |= deprecated;
}

/* A schema as the one type t says ("" for none). */
static void map_one_type(imp *im, struct fy_node *n, const char *t, const char *place, mapped *out)
{
  struct fy_node *tn = node_get(im, n, "type");
  if (strcmp(t, "string") == 0)
    map_string(im, n, out);
  else if (strcmp(t, "integer") == 0)
    map_integer(im, n, out);
  else if (strcmp(t, "number") == 0)
    map_number(im, n, out);
  else if (strcmp(t, "boolean") == 0)
    out->t = type_named(im, "bool");
  else if (strcmp(t, "array") == 0)
    map_array(im, n, place, out);
  else if (strcmp(t, "object") == 0)
    map_object(im, n, place, out);
  else if (strcmp(t, "null") == 0)
    out->t = any_type(im), out->nullable = 1;
  else if (strcmp(t, "file") == 0) /* Swagger 2.0 */
    out->t = NULL, note(im, tn, "type", 1, gap_why(GAP_BINARY), "type 'file'");
  else if (t[0] != '\0')
    out->t = any_type(im), note(im, tn, "type", 0, "it is not a JSON Schema type", "type '%s' as any", t);
  else
    out->t = any_type(im);
}


/* A list of several types (`type: [string, integer]`): a union of the schema read as each,
 * settled as oneOf's are (import_union.c). */
static void map_type_list(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  name_table scope;
  decl *u = union_new(im, place, &scope);
  if (u == NULL)
    return;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, node_get(im, n, "type"), &it)) != NULL;) {
    const char *t = node_str(v);
    if (t == NULL || strcmp(t, "null") == 0)
      continue;
    mapped m = {0};
    map_one_type(im, n, t, place_join(im, place, t), &m);
    if (m.t == NULL)
      m.t = any_type(im);
    add_variant(im, u, &scope, &m, NULL);
  }
  u->own_fields = u->fields;
  name_table_free(&scope);
  union_record(im, u, "type");
  out->t = type_named(im, u->name);
}

/* A schema by its type keyword (a string, or in 3.1 a list: "null" in it makes it nullable). */
static void map_by_type(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  struct fy_node *tn = node_get(im, n, "type");
  const char *t = node_str(tn);
  if (node_is_seq(tn)) {
    int count = 0;
    void *it = NULL;
    for (struct fy_node *v; (v = seq_next(im, tn, &it)) != NULL;) {
      const char *s = node_str(v);
      if (s != NULL && strcmp(s, "null") == 0)
        out->nullable = 1;
      else if (s != NULL)
        t = s, count++;
    }
    if (count > 1) {
      map_type_list(im, n, place, out);
      return;
    }
  }
  if (t == NULL)
    t = node_get(im, n, "properties") != NULL || node_get(im, n, "additionalProperties") != NULL ? "object"
        : node_get(im, n, "items") != NULL                                                     ? "array"
                                                                                                 : "";
  map_one_type(im, n, t, place, out);
}

static void map_schema_at(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  memset(out, 0, sizeof *out);
  if (!node_is_map(n)) { /* 3.1's `true` (anything) and `false` (nothing) */
    out->t = any_type(im);
    if (n != NULL && node_kind(n) == SC_BOOL && !node_bool(n, 1))
      note(im, n, NULL, 0, "the language has no empty type", "the schema 'false' as any");
    return;
  }
  if (im->schema_depth >= MAX_SCHEMA_DEPTH || im->exhausted) {
    out->t = any_type(im);
    note(im, n, NULL, 1, "nested too deep", "a schema nested more than %d deep", MAX_SCHEMA_DEPTH);
    return;
  }
  im->schema_depth++;
  if (!im->skip_keys)
    note_unknown_keys(im, n, SCHEMA_KEYS, "schema keyword");
  im->skip_keys = 0;
  note_unsupported(im, n);
  out->desc = node_string(node_get(im, n, "description"));
  out->deprecated = node_bool(node_get(im, n, "deprecated"), 0);
  int nullable = node_bool(node_get(im, n, "nullable"), 0);
  if (ref_of(im, n) != NULL)
    map_ref(im, n, out);
  else if (node_get(im, n, "oneOf") != NULL || node_get(im, n, "anyOf") != NULL)
    map_union(im, n, place, out);
  else if (node_get(im, n, "allOf") != NULL)
    map_all_of(im, n, place, out);
  else if (node_get(im, n, "enum") != NULL || node_get(im, n, "const") != NULL)
    map_enum(im, n, place, out);
  else
    map_by_type(im, n, place, out);
  out->nullable |= nullable;
  struct fy_node *def = node_get(im, n, "default");
  if (def != NULL)
    out->def = default_value(im, def, out);
  im->schema_depth--;
}

void schema_map(imp *im, struct fy_node *n, const char *place, mapped *out)
{
  map_schema_at(im, n, place, out);
}

/* ---- named schemas, mapped ---------------------------------------------------------------- */

static void map_named(imp *im, named *nm)
{
  if (nm->state != 0 || im->alias_depth >= IMP_MAX_ALIAS_DEPTH)
    return;
  nm->state = 1;
  im->alias_depth++;
  imp_place saved;
  place_enter(im, &saved, nm->doc, nm->pointer);
  struct fy_node *n = nm->node;
  if (nm->kind == NK_ALIAS) {
    map_schema_at(im, n, nm->raw, &nm->m);
  } else {
    nm->d = decl_new(im, nm->kind == NK_MODEL ? D_MODEL : D_ENUM, nm->name);
    if (nm->d != NULL && nm->kind == NK_MODEL) {
      remember_place(im, nm->d);
      note_unknown_keys(im, n, SCHEMA_KEYS, "schema keyword");
      note_unsupported(im, n);
      fill_model(im, nm->d, n);
    } else if (nm->d != NULL) {
      int nullable = 0;
      note_unknown_keys(im, n, SCHEMA_KEYS, "schema keyword");
      nm->d->doc = doc_text(im, node_string(node_get(im, n, "description")));
      fill_enum(im, nm->d, n, &nullable);
    }
  }
  place_leave(im, &saved);
  im->alias_depth--;
  nm->state = 2;
}

/* The declaration a named type stands for, mapped now if it is a named schema not mapped yet. */
static decl *declared(imp *im, const type *t)
{
  if (t == NULL || t->kind != TYPE_NAMED)
    return NULL;
  decl *d = name_table_get(&im->decl_names, t->name);
  named *nm = d == NULL ? name_table_get(&im->named_types, t->name) : NULL;
  if (nm != NULL) {
    map_named(im, nm);
    d = nm->d;
  }
  return d;
}

static const decl *enum_decl(imp *im, const type *t)
{
  const decl *d = declared(im, t);
  return d != NULL && d->kind == D_ENUM ? d : NULL;
}

void schemas_map_all(imp *im)
{
  struct fy_node *root = im->doc->root;
  struct fy_node *set = im->oas == 20 ? node_get(im, root, "definitions")
                                      : node_get(im, node_get(im, root, "components"), "schemas");
  imp_place saved;
  place_enter(im, &saved, im->doc, im->oas == 20 ? "#/definitions" : "#/components/schemas");
  void *it = NULL;
  const char *key;
  struct fy_node *schema;
  while (map_next(im, set, &it, &key, &schema)) { /* every name first, in document order */
    size_t len = ptr_push(im, key);
    named_for(im, im->doc, imp_strdup(im, im->ptr.data), schema);
    ptr_pop(im, len);
  }
  place_leave(im, &saved);
  schemas_map_pending(im);
}

void schemas_map_pending(imp *im)
{
  for (size_t i = 0; i < im->nwork && !im->exhausted; i++)
    if (im->work[i]->state == 0) {
      int owner = im->owner;
      if (owner < IMP_OWNER_OPS)
        im->owner = (int)i;
      map_named(im, im->work[i]);
      im->owner = owner;
    }
}

field *schema_fields(imp *im, struct fy_node *n, const char *place)
{
  if (!node_is_map(n))
    return NULL;
  if (ref_of(im, n) != NULL) {
    imp_doc *dc;
    const char *pointer;
    struct fy_node *target = ref_follow(im, n, &dc, &pointer);
    named *nm = target != NULL ? named_for(im, dc, pointer, target) : NULL;
    if (nm == NULL || nm->kind != NK_MODEL)
      return NULL;
    map_named(im, nm);
    return nm->d != NULL ? nm->d->fields : NULL;
  }
  if (!has_properties(im, n, 0))
    return NULL;
  decl tmp = {0};
  tmp.name = place;
  fill_model(im, &tmp, n);
  return tmp.fields;
}

decl *mapped_decl(imp *im, const type *t)
{
  return declared(im, t);
}

decl *mapped_model(imp *im, const type *t)
{
  decl *d = declared(im, t);
  return d != NULL && d->kind == D_MODEL ? d : NULL;
}

/* ---- cycles ------------------------------------------------------------------------------- */

/* A model reaching itself through required, non-null model fields would be a C struct holding
 * itself: the field that closes such a cycle is made optional. Depth-first with an explicit
 * stack, as the checker does. */
typedef struct frame {
  decl *m;
  field *f;
} frame;

static field *next_by_value(field *f)
{
  while (f != NULL && (f->optional || f->nullable || f->type->kind != TYPE_NAMED))
    f = f->next;
  return f;
}

void schemas_break_cycles(imp *im)
{
  name_table models;
  frame *stack = malloc((im->ndecls + 1) * sizeof *stack);
  if (stack == NULL || name_table_init(&models) != 0) {
    free(stack);
    im->rep->failed = 1;
    return;
  }
  for (size_t i = 0; i < im->ndecls; i++)
    if (im->decls[i].d->kind == D_MODEL) {
      im->decls[i].d->visit = 0;
      name_table_put(&models, im->decls[i].d->name, im->decls[i].d);
    }
  for (size_t i = 0; i < im->ndecls; i++) {
    decl *root = im->decls[i].d;
    if (root->kind != D_MODEL || root->visit != 0)
      continue;
    size_t top = 0;
    stack[0] = (frame){root, root->fields};
    root->visit = 1;
    for (;;) {
      frame *fr = &stack[top];
      fr->f = next_by_value(fr->f);
      if (fr->f == NULL) {
        fr->m->visit = 2;
        if (top-- == 0)
          break;
        stack[top].f = stack[top].f->next;
        continue;
      }
      decl *t = name_table_get(&models, fr->f->type->name);
      if (t != NULL && t->visit == 0) {
        t->visit = 1;
        stack[++top] = (frame){t, t->fields};
        continue;
      }
      if (t != NULL && t->visit == 1) {
        fr->f->optional = 1;
        const model_place *mp = name_table_get(&im->model_places, fr->m->name);
        imp_place saved;
        place_enter(im, &saved, mp != NULL ? mp->doc : im->docs[0], mp != NULL ? mp->pointer : "#");
        note(im, NULL, NULL, 0, "a model cannot contain itself by value (a C struct cannot)",
             "required field '%s.%s' (%s) as optional", fr->m->name, fr->f->name, t->name);
        place_leave(im, &saved);
      }
      fr->f = fr->f->next;
    }
  }
  name_table_free(&models);
  free(stack);
}

void schemas_free(imp *im)
{
  for (size_t i = 0; i < im->nwork; i++)
    free(im->work[i]);
  free(im->work);
  im->work = NULL;
  im->nwork = im->work_cap = 0;
}
