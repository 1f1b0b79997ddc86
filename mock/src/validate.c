/* libapic-mock: request bodies checked against the spec's types, with the same messages as
 * the generated models ("$.items[3].created_at: expected an RFC 3339 date-time, got 12"). */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "apic/model.h"
#include "mock_internal.h"

typedef struct vctx {
  const cJSON *spec;
  char path[512];
  char *err;
  size_t errsz;
} vctx;

static int fail(vctx *c, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(c->err, c->errsz, "%s: %s", c->path, msg);
  return -1;
}

static int expected(vctx *c, const char *what, const cJSON *j)
{
  char got[64];
  apic_json_describe(j, got, sizeof got);
  return fail(c, "expected %s, got %s", what, got);
}

static size_t utf8_length(const char *s)
{
  size_t n = 0;
  for (; *s != '\0'; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static int check_string(vctx *c, const cJSON *k, const char *s)
{
  const cJSON *v;
  size_t len = utf8_length(s);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "min_len")) != NULL && len < (size_t)v->valuedouble)
    return fail(c, "shorter than the minimum length %.0f", v->valuedouble);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "max_len")) != NULL && len > (size_t)v->valuedouble)
    return fail(c, "longer than the maximum length %.0f", v->valuedouble);
  const char *pat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "pattern"));
  if (pat != NULL) {
    regex_t re;
    int bad = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0;
    int miss = !bad && regexec(&re, s, 0, NULL, 0) != 0;
    if (!bad)
      regfree(&re);
    if (bad || miss)
      return fail(c, "does not match the pattern %.80s", pat);
  }
  return 0;
}

static int check_number(vctx *c, const cJSON *k, double d)
{
  const cJSON *v;
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "min")) != NULL && d < v->valuedouble)
    return fail(c, "below the minimum %.17g", v->valuedouble);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "max")) != NULL && d > v->valuedouble)
    return fail(c, "above the maximum %.17g", v->valuedouble);
  return 0;
}

static int value(vctx *c, const cJSON *type, const cJSON *k, const cJSON *j, int depth);
static int union_value(vctx *c, const cJSON *u, const cJSON *j, int depth);

/* Base64 text whose bytes are within k's min_len/max_len. */
static int bytes_value(vctx *c, const cJSON *k, const cJSON *j)
{
  size_t n;
  if (!cJSON_IsString(j) || apic_base64_decode(j->valuestring, strlen(j->valuestring), NULL, &n) != 0)
    return expected(c, "base64 text", j);
  const cJSON *v;
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "min_len")) != NULL && (double)n < v->valuedouble)
    return fail(c, "fewer than %.0f bytes", v->valuedouble);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "max_len")) != NULL && (double)n > v->valuedouble)
    return fail(c, "more than %.0f bytes", v->valuedouble);
  return 0;
}

/* A value of the enum: its wire text, or for an integer enum its number (a parameter's text
 * too: it comes as one). */
static int enum_value(vctx *c, const char *name, const cJSON *j)
{
  const cJSON *e = apic_mock__enum(c->spec, name), *v;
  int integer = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "integer"));
  if (integer ? !cJSON_IsNumber(j) && !cJSON_IsString(j) : !cJSON_IsString(j))
    return expected(c, integer ? "an integer (enum value)" : "a string (enum value)", j);
  char got[64], *end = NULL;
  apic_json_describe(j, got, sizeof got);
  double number = cJSON_IsNumber(j) ? j->valuedouble : integer ? strtod(j->valuestring, &end) : NAN;
  if (end != NULL && (end == j->valuestring || *end != '\0'))
    number = NAN; /* a parameter's text that is not a number */
  cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, "values"))
  {
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "wire");
    if (cJSON_IsNumber(w) ? w->valuedouble == number : cJSON_IsString(j) && strcmp(w->valuestring, j->valuestring) == 0)
      return 0;
  }
  return fail(c, "%s is not a value of %s", got, name);
}

/* An object of model's fields; also (when not NULL) names one more member it may have: a
 * discriminated union's tag. */
static int model_value(vctx *c, const cJSON *model, const cJSON *j, int depth, const char *also)
{
  if (!cJSON_IsObject(j))
    return expected(c, "an object", j);
  size_t len = strlen(c->path);
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const char *wire = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "wire"));
    if (wire == NULL || cJSON_GetObjectItemCaseSensitive(f, "header") != NULL)
      continue;
    snprintf(c->path + len, sizeof c->path - len, ".%s", wire);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, wire);
    int rc = 0;
    if (m == NULL) {
      if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "optional")) &&
          cJSON_GetObjectItemCaseSensitive(f, "default") == NULL)
        rc = fail(c, "required field missing");
    } else if (cJSON_IsNull(m)) {
      if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "nullable")))
        rc = expected(c, "a value", m);
    } else
      rc = value(c, cJSON_GetObjectItemCaseSensitive(f, "type"), cJSON_GetObjectItemCaseSensitive(f, "constraints"),
                 m, depth + 1);
    if (rc != 0)
      return rc;
    c->path[len] = '\0';
  }
  const cJSON *member;
  cJSON_ArrayForEach(member, j)
  {
    const cJSON *known = apic_mock__field(model, member->string);
    if (also != NULL && strcmp(member->string, also) == 0)
      continue;
    if (known == NULL || cJSON_GetObjectItemCaseSensitive(known, "header") != NULL) {
      snprintf(c->path + len, sizeof c->path - len, ".%.100s", member->string);
      return fail(c, "unknown field");
    }
  }
  return 0;
}

/* ---- unions ---------------------------------------------------------------------------------- */

static const char *text(const cJSON *o, const char *k)
{
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The JSON type of a type's values, as the union rule reads it: '"' text, '0' a number, 't' a
 * bool, '[' an array, '{' an object. */
static char type_class(const cJSON *spec, const cJSON *type)
{
  const char *kind = text(type, "kind");
  if (kind != NULL && strcmp(kind, "enum") == 0 &&
      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(apic_mock__enum(spec, text(type, "name") ? text(type, "name") : ""),
                                                    "integer")))
    return '0';
  if (kind == NULL)
    return '\0';
  if (strcmp(kind, "int") == 0 || strcmp(kind, "int32") == 0 || strcmp(kind, "float") == 0)
    return '0';
  if (strcmp(kind, "bool") == 0)
    return 't';
  if (strcmp(kind, "array") == 0)
    return '[';
  return strcmp(kind, "model") == 0 || strcmp(kind, "map") == 0 ? '{' : '"';
}

static char value_class(const cJSON *j)
{
  return cJSON_IsString(j) ? '"' : cJSON_IsNumber(j) ? '0' : cJSON_IsBool(j) ? 't' : cJSON_IsArray(j) ? '['
         : cJSON_IsObject(j) ? '{' : '\0';
}

/* Whether object j has every required field of model (no '?', no default). */
static int has_required(const cJSON *model, const cJSON *j)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const char *wire = text(f, "wire");
    if (wire != NULL && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "optional")) &&
        cJSON_GetObjectItemCaseSensitive(f, "default") == NULL && cJSON_GetObjectItemCaseSensitive(j, wire) == NULL)
      return 0;
  }
  return 1;
}

const cJSON *apic_mock__variant(const cJSON *spec, const cJSON *u, const cJSON *v)
{
  const char *disc = text(u, "discriminator"), *tag = disc != NULL ? text(v, disc) : NULL;
  char want = value_class(v);
  const cJSON *var;
  cJSON_ArrayForEach(var, cJSON_GetObjectItemCaseSensitive(u, "variants"))
  {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(var, "type");
    if (disc != NULL) {
      if (tag != NULL && text(var, "tag") != NULL && strcmp(text(var, "tag"), tag) == 0)
        return var;
    } else if (type_class(spec, type) == want &&
               (want != '{' || strcmp(text(type, "kind"), "map") == 0 ||
                has_required(apic_mock__model(spec, text(type, "name") != NULL ? text(type, "name") : ""), v))) {
      return var;
    }
  }
  return NULL;
}

/* A union's value: its tag (with a discriminator) names a variant, or the rule picks one;
 * then the value is checked as that variant. */
static int union_value(vctx *c, const cJSON *u, const cJSON *j, int depth)
{
  const char *disc = text(u, "discriminator"), *name = text(u, "name");
  const cJSON *tag = disc != NULL ? cJSON_GetObjectItemCaseSensitive(j, disc) : NULL;
  if (disc != NULL && !cJSON_IsObject(j))
    return expected(c, "an object", j);
  if (disc != NULL && tag == NULL)
    return fail(c, "no \"%s\" member, the tag of every %s", disc, name != NULL ? name : "");
  if (disc != NULL && !cJSON_IsString(tag)) {
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof c->path - len, ".%.100s", disc);
    return expected(c, "a string", tag);
  }
  const cJSON *var = apic_mock__variant(c->spec, u, j);
  if (var == NULL && disc != NULL)
    return fail(c, "\"%.40s\" is not a tag of %s", tag->valuestring, name != NULL ? name : "");
  if (var == NULL) {
    char got[64];
    apic_json_describe(j, got, sizeof got);
    return fail(c, "no variant of %s takes %s", name != NULL ? name : "", got);
  }
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(var, "type");
  if (disc != NULL)
    return model_value(c, apic_mock__model(c->spec, text(type, "name") != NULL ? text(type, "name") : ""), j, depth,
                       disc);
  return value(c, type, cJSON_GetObjectItemCaseSensitive(var, "constraints"), j, depth + 1);
}

/* k's min_len/max_len count an array's items; its items are checked against their type only. */
static int array_value(vctx *c, const cJSON *items, const cJSON *k, const cJSON *j, int depth)
{
  if (!cJSON_IsArray(j))
    return expected(c, "an array", j);
  const cJSON *v;
  double n = cJSON_GetArraySize(j);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "min_len")) != NULL && n < v->valuedouble)
    return fail(c, "fewer than %.0f items", v->valuedouble);
  if ((v = cJSON_GetObjectItemCaseSensitive(k, "max_len")) != NULL && n > v->valuedouble)
    return fail(c, "more than %.0f items", v->valuedouble);
  size_t len = strlen(c->path);
  int i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    snprintf(c->path + len, sizeof c->path - len, "[%d]", i++);
    if (value(c, items, NULL, e, depth + 1) != 0)
      return -1;
  }
  c->path[len] = '\0';
  return 0;
}

static int map_value(vctx *c, const cJSON *values, const cJSON *j, int depth)
{
  if (!cJSON_IsObject(j))
    return expected(c, "an object", j);
  size_t len = strlen(c->path);
  const cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    snprintf(c->path + len, sizeof c->path - len, ".%.100s", e->string);
    if (value(c, values, NULL, e, depth + 1) != 0)
      return -1;
  }
  c->path[len] = '\0';
  return 0;
}

/* A number JSON cannot carry back (1e400 parses as infinity and would print as null), anywhere
 * in j: the path to it, in c. */
static int out_of_range(vctx *c, const cJSON *j, int depth)
{
  if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
    return fail(c, "number out of range");
  size_t len = strlen(c->path);
  int i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    if (depth > MOCK_MAX_DEPTH)
      return fail(c, "nested too deep");
    if (e->string != NULL)
      snprintf(c->path + len, sizeof c->path - len, ".%.100s", e->string);
    else
      snprintf(c->path + len, sizeof c->path - len, "[%d]", i++);
    if (out_of_range(c, e, depth + 1) != 0)
      return -1;
  }
  c->path[len] = '\0';
  return 0;
}

static int value(vctx *c, const cJSON *type, const cJSON *k, const cJSON *j, int depth)
{
  const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "kind"));
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "name"));
  if (depth > MOCK_MAX_DEPTH)
    return fail(c, "nested too deep");
  if (kind == NULL || strcmp(kind, "any") == 0)
    return out_of_range(c, j, depth);
  if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
    return fail(c, "number out of range");
  if (strcmp(kind, "string") == 0)
    return cJSON_IsString(j) ? check_string(c, k, j->valuestring) : expected(c, "a string", j);
  if (strcmp(kind, "datetime") == 0)
    return cJSON_IsString(j) && apic_datetime_parse(j->valuestring, NULL, NULL) == 0
             ? 0
             : expected(c, "an RFC 3339 date-time", j);
  if (strcmp(kind, "date") == 0)
    return cJSON_IsString(j) && apic_date_valid(j->valuestring) ? 0 : expected(c, "an RFC 3339 date", j);
  if (strcmp(kind, "uuid") == 0)
    return cJSON_IsString(j) && apic_uuid_valid(j->valuestring) ? 0 : expected(c, "a UUID", j);
  if (strcmp(kind, "bytes") == 0)
    return bytes_value(c, k, j);
  if (strcmp(kind, "int") == 0 || strcmp(kind, "int32") == 0) {
    int is32 = kind[3] == '3'; /* cJSON holds numbers as doubles: ints are exact to 2^53 */
    double d = cJSON_IsNumber(j) ? j->valuedouble : NAN, lo = is32 ? -2147483648.0 : -9007199254740992.0;
    if (!(d == floor(d) && d >= lo && d <= -lo - is32))
      return expected(c, is32 ? "an integer of at most 32 bits" : "an integer", j);
    return check_number(c, k, d);
  }
  if (strcmp(kind, "float") == 0)
    return cJSON_IsNumber(j) ? check_number(c, k, j->valuedouble) : expected(c, "a number", j);
  if (strcmp(kind, "bool") == 0)
    return cJSON_IsBool(j) ? 0 : expected(c, "true or false", j);
  if (strcmp(kind, "enum") == 0)
    return enum_value(c, name != NULL ? name : "", j);
  if (strcmp(kind, "model") == 0)
    return model_value(c, apic_mock__model(c->spec, name != NULL ? name : ""), j, depth, NULL);
  if (strcmp(kind, "union") == 0)
    return union_value(c, apic_mock__union(c->spec, name != NULL ? name : ""), j, depth);
  if (strcmp(kind, "array") == 0)
    return array_value(c, cJSON_GetObjectItemCaseSensitive(type, "items"), k, j, depth);
  if (strcmp(kind, "map") == 0)
    return map_value(c, cJSON_GetObjectItemCaseSensitive(type, "values"), j, depth);
  return 0;
}

int apic_mock__validate(const cJSON *spec, const cJSON *type, const cJSON *k, const cJSON *v, const char *root,
                        char *err, size_t errsz)
{
  vctx c;
  c.spec = spec, c.err = err, c.errsz = errsz;
  snprintf(c.path, sizeof c.path, "%s", root);
  return value(&c, type, k, v, 0);
}

/* Whether v may stand in the field f of a response: null where f is nullable, else a value valid
 * for f's type and constraints. */
int apic_mock__fits(const cJSON *spec, const cJSON *f, const cJSON *v)
{
  char err[8];
  if (cJSON_IsNull(v))
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "nullable"));
  return apic_mock__validate(spec, cJSON_GetObjectItemCaseSensitive(f, "type"),
                             cJSON_GetObjectItemCaseSensitive(f, "constraints"), v, "", err, sizeof err) == 0;
}

/* A parameter's text as the JSON value its kind expects (left a string when it does not parse,
 * so the validator names the problem). */
cJSON *apic_mock__text_value(const char *kind, const char *text)
{
  char *end;
  if (kind != NULL && (strcmp(kind, "int") == 0 || strcmp(kind, "int32") == 0 || strcmp(kind, "float") == 0)) {
    double d = strtod(text, &end);
    if (end != text && *end == '\0')
      return cJSON_CreateNumber(d);
  }
  if (kind != NULL && strcmp(kind, "bool") == 0 && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
    return cJSON_CreateBool(strcmp(text, "true") == 0);
  return cJSON_CreateString(text);
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
int apic_mock__utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    unsigned c = *p;
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || (size_t)(end - p) < len)
      return 0;
    unsigned cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
      if ((p[i] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    p += len;
  }
  return 1;
}
