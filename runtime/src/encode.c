/* Structs a type describes into JSON text, checking each value as it goes (apic_value_dump,
 * apic_value_validate): what would be sent is exactly what passed the checks. */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "codec.h"
#include "internal.h"

typedef struct enc {
  char *buf;      /* NULL while only validating */
  size_t len, cap;
  int writing;
  unsigned how;   /* APIC_DUMP_* */
  apic__path path;
  apic_error **err;
  int code;       /* the first failure */
} enc;

static int fail(enc *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(enc *e, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  apic__fail(&e->path, e->err, &e->code, code, fmt, ap);
  va_end(ap);
  return e->code;
}

static int put(enc *e, const char *s, size_t n)
{
  if (!e->writing)
    return 0;
  if (e->cap - e->len <= n) {
    size_t cap = e->cap ? e->cap : 256;
    while (cap - e->len <= n)
      cap *= 2;
    char *b = apic__realloc(e->buf, cap);
    if (b == NULL)
      return fail(e, APIC_ERR_NOMEM, "out of memory");
    e->buf = b;
    e->cap = cap;
  }
  memcpy(e->buf + e->len, s, n);
  e->len += n;
  e->buf[e->len] = '\0';
  return 0;
}

static int puts_(enc *e, const char *s)
{
  return put(e, s, strlen(s));
}

/* A JSON string: quotes, backslashes and control characters escaped, UTF-8 kept. */
static int put_string(enc *e, const char *s, size_t n)
{
  if (put(e, "\"", 1) != 0)
    return e->code;
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    char esc[8];
    if (c == '"' || c == '\\')
      snprintf(esc, sizeof esc, "\\%c", c);
    else if (c == '\n' || c == '\r' || c == '\t')
      snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
    else
      snprintf(esc, sizeof esc, "\\u%04x", c);
    if (put(e, s + run, i - run) != 0 || puts_(e, esc) != 0)
      return e->code;
    run = i + 1;
  }
  if (put(e, s + run, n - run) != 0)
    return e->code;
  return put(e, "\"", 1);
}

/* ---- checks ------------------------------------------------------------------------------------ */

static size_t code_points(const char *s)
{
  size_t n = 0;
  for (; *s != '\0'; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static int check_text(enc *e, const apic_field_desc *f, apic_type type, const char *s)
{
  size_t n = strlen(s);
  if (!apic__utf8_valid(s, n))
    return fail(e, APIC_ERR_INVALID_ARG, "not valid UTF-8");
  if (type == APIC_T_DATETIME && apic_datetime_parse(s, NULL, NULL) != 0)
    return fail(e, APIC_ERR_INVALID_ARG, "expected an RFC 3339 date-time, got \"%.40s\"", s);
  if (type == APIC_T_DATE && !apic_date_valid(s))
    return fail(e, APIC_ERR_INVALID_ARG, "expected an RFC 3339 date, got \"%.40s\"", s);
  if (type == APIC_T_UUID && !apic_uuid_valid(s))
    return fail(e, APIC_ERR_INVALID_ARG, "expected a UUID, got \"%.40s\"", s);
  if (f == NULL)
    return 0;
  if ((f->flags & APIC_F_HAS_MIN_LEN) && code_points(s) < f->min_len)
    return fail(e, APIC_ERR_INVALID_ARG, "shorter than the minimum length %zu", f->min_len);
  if ((f->flags & APIC_F_HAS_MAX_LEN) && code_points(s) > f->max_len)
    return fail(e, APIC_ERR_INVALID_ARG, "longer than the maximum length %zu", f->max_len);
  if (f->pattern != NULL) {
    regex_t re;
    int bad = regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0;
    int miss = !bad && regexec(&re, s, 0, NULL, 0) != 0;
    if (!bad)
      regfree(&re);
    if (bad || miss)
      return fail(e, APIC_ERR_INVALID_ARG, "does not match the pattern %.80s", f->pattern);
  }
  return 0;
}

static int check_number(enc *e, const apic_field_desc *f, double d)
{
  char num[64];
  if (f != NULL && (f->flags & APIC_F_HAS_MIN) && d < f->min) {
    apic__format_double(f->min, num, sizeof num);
    return fail(e, APIC_ERR_INVALID_ARG, "below the minimum %s", num);
  }
  if (f != NULL && (f->flags & APIC_F_HAS_MAX) && d > f->max) {
    apic__format_double(f->max, num, sizeof num);
    return fail(e, APIC_ERR_INVALID_ARG, "above the maximum %s", num);
  }
  return 0;
}

/* ---- values ------------------------------------------------------------------------------------ */

static int put_json(enc *e, const cJSON *j, int depth);

static int put_json_members(enc *e, const cJSON *j, int depth)
{
  int obj = cJSON_IsObject(j);
  if (put(e, obj ? "{" : "[", 1) != 0)
    return e->code;
  for (const cJSON *c = j->child; c != NULL; c = c->next) {
    if (c != j->child && put(e, ",", 1) != 0)
      return e->code;
    if (obj) {
      if (c->string == NULL || !apic__utf8_valid(c->string, strlen(c->string)))
        return fail(e, APIC_ERR_INVALID_ARG, "a member name that is not UTF-8");
      if (put_string(e, c->string, strlen(c->string)) != 0 || put(e, ":", 1) != 0)
        return e->code;
    }
    if (put_json(e, c, depth + 1) != 0)
      return e->code;
  }
  return put(e, obj ? "}" : "]", 1);
}

/* An `any` value from the caller's cJSON tree. */
static int put_json(enc *e, const cJSON *j, int depth)
{
  char num[64];
  if (depth > APIC__MAX_ANY_DEPTH)
    return fail(e, APIC_ERR_INVALID_ARG, "nested deeper than %d levels", APIC__MAX_ANY_DEPTH);
  if (cJSON_IsNull(j))
    return puts_(e, "null");
  if (cJSON_IsBool(j))
    return puts_(e, cJSON_IsTrue(j) ? "true" : "false");
  if (cJSON_IsNumber(j)) {
    if (!isfinite(j->valuedouble))
      return fail(e, APIC_ERR_INVALID_ARG, "a number that is not finite");
    apic__format_double(j->valuedouble, num, sizeof num);
    return puts_(e, num);
  }
  if (cJSON_IsString(j)) {
    if (j->valuestring == NULL || !apic__utf8_valid(j->valuestring, strlen(j->valuestring)))
      return fail(e, APIC_ERR_INVALID_ARG, "not valid UTF-8");
    return put_string(e, j->valuestring, strlen(j->valuestring));
  }
  if (cJSON_IsArray(j) || cJSON_IsObject(j))
    return put_json_members(e, j, depth);
  return fail(e, APIC_ERR_INVALID_ARG, "not a JSON value (raw or invalid cJSON item)");
}

static int put_model(enc *e, const apic_model_desc *m, const char *obj, int depth, const char *tag_key,
                     const char *tag);
static int put_union(enc *e, const apic_union_desc *u, const char *obj, int depth);
static int put_list(enc *e, const apic_type_desc *t, const apic_list *l, int depth);

/* Bytes as base64 text, within f's length bounds (f NULL for elements). */
static int put_bytes(enc *e, const apic_field_desc *f, const apic_bytes *b)
{
  if (b->data == NULL && b->len > 0)
    return fail(e, APIC_ERR_INVALID_ARG, "a length of %zu with a NULL pointer", b->len);
  if (f != NULL && (f->flags & APIC_F_HAS_MIN_LEN) && b->len < f->min_len)
    return fail(e, APIC_ERR_INVALID_ARG, "fewer than %zu bytes", f->min_len);
  if (f != NULL && (f->flags & APIC_F_HAS_MAX_LEN) && b->len > f->max_len)
    return fail(e, APIC_ERR_INVALID_ARG, "more than %zu bytes", f->max_len);
  if (!e->writing)
    return 0;
  if (b->len > ((size_t)-1 - 8) / 4 * 3)
    return fail(e, APIC_ERR_NOMEM, "out of memory");
  char *text = apic__malloc(4 * ((b->len + 2) / 3) + 1);
  if (text == NULL)
    return fail(e, APIC_ERR_NOMEM, "out of memory");
  size_t n = apic_base64_encode(b->data, b->len, text);
  int rc = put(e, "\"", 1) || put(e, text, n) || put(e, "\"", 1) ? e->code : 0;
  apic__free(text);
  return rc;
}

/* An enum's wire text: a string, or for an integer enum the number it spells. */
static int put_enum(enc *e, const apic_enum_desc *d, const char *wire)
{
  return d->integer ? puts_(e, wire) : put_string(e, wire, strlen(wire));
}

/* Whether s is an integer's decimal text: what an integer enum's unknown value may be. */
static int is_integer(const char *s)
{
  s += *s == '-';
  if (*s < '0' || *s > '9')
    return 0;
  while (*s >= '0' && *s <= '9')
    s++;
  return *s == '\0';
}

static int has_control(const char *s)
{
  for (; *s != '\0'; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 1;
  return 0;
}

/* A file part of a multipart body: a path or bytes in memory, not both or neither; its name and
 * type without control characters. It has no JSON form. */
static int put_file(enc *e, const apic_file *f)
{
  int has_data = f->data != NULL || f->len > 0;
  if (f->path != NULL && has_data)
    return fail(e, APIC_ERR_INVALID_ARG, "a file with both a path and data");
  if (f->path == NULL && !has_data)
    return fail(e, APIC_ERR_INVALID_ARG, "a file without a path or data");
  if (f->data == NULL && f->len > 0)
    return fail(e, APIC_ERR_INVALID_ARG, "a length of %zu with a NULL pointer", f->len);
  if (f->path != NULL && f->path[0] == '\0')
    return fail(e, APIC_ERR_INVALID_ARG, "an empty path");
  const char *texts[] = {f->filename, f->content_type};
  for (int i = 0; i < 2; i++)
    if (texts[i] != NULL && (!apic__utf8_valid(texts[i], strlen(texts[i])) || has_control(texts[i])))
      return fail(e, APIC_ERR_INVALID_ARG, "a %s with a control character or not UTF-8", i ? "content type" : "filename");
  if (e->writing)
    return fail(e, APIC_ERR_INVALID_ARG, "a file has no JSON form (it goes in a multipart body)");
  return 0;
}

/* One present value of type t at slot; f gives the constraints (NULL for elements). */
static int put_value(enc *e, const apic_type_desc *t, const apic_field_desc *f, const void *slot, const char *unknown,
                     int depth)
{
  char num[64];
  switch (t->type) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
  case APIC_T_UUID: {
    const char *s = *(const char *const *)slot;
    if (s == NULL)
      return fail(e, APIC_ERR_INVALID_ARG, "a NULL string");
    if (check_text(e, f, t->type, s) != 0)
      return e->code;
    return put_string(e, s, strlen(s));
  }
  case APIC_T_BYTES: return put_bytes(e, f, slot);
  case APIC_T_FILE: return put_file(e, slot);
  case APIC_T_INT:
  case APIC_T_INT32: {
    int64_t v = t->type == APIC_T_INT ? *(const int64_t *)slot : *(const int32_t *)slot;
    if (check_number(e, f, (double)v) != 0)
      return e->code;
    snprintf(num, sizeof num, "%lld", (long long)v);
    return puts_(e, num);
  }
  case APIC_T_FLOAT: {
    double v = *(const double *)slot;
    if (!isfinite(v))
      return fail(e, APIC_ERR_INVALID_ARG, "a number that is not finite");
    if (check_number(e, f, v) != 0)
      return e->code;
    apic__format_double(v, num, sizeof num);
    return puts_(e, num);
  }
  case APIC_T_BOOL: return puts_(e, *(const bool *)slot ? "true" : "false");
  case APIC_T_ENUM: {
    int v = *(const int *)slot;
    if (v >= 1 && v <= t->enumd->count)
      return put_enum(e, t->enumd, t->enumd->wire[v - 1]);
    if (v == 0 && unknown != NULL && (t->enumd->integer ? is_integer(unknown) : apic__utf8_valid(unknown, strlen(unknown))))
      return put_enum(e, t->enumd, unknown); /* a value this SDK does not know, kept */
    if (v == 0)
      return fail(e, APIC_ERR_INVALID_ARG, "no value of %s set", t->enumd->name);
    return fail(e, APIC_ERR_INVALID_ARG, "%d is not a value of %s", v, t->enumd->name);
  }
  case APIC_T_ANY: {
    const cJSON *j = *(const cJSON *const *)slot;
    return j != NULL ? put_json(e, j, 0) : puts_(e, "null");
  }
  case APIC_T_MODEL: return put_model(e, t->model, slot, depth + 1, NULL, NULL);
  case APIC_T_UNION: return put_union(e, (const apic_union_desc *)t->model, slot, depth + 1);
  case APIC_T_ARRAY:
  case APIC_T_MAP: return put_list(e, t, slot, depth + 1);
  }
  return fail(e, APIC_ERR_INVALID_ARG, "unsupported type");
}

static int put_list(enc *e, const apic_type_desc *t, const apic_list *l, int depth)
{
  int map = t->type == APIC_T_MAP;
  if (depth > APIC__MAX_DEPTH)
    return fail(e, APIC_ERR_INVALID_ARG, "nested deeper than %d levels", APIC__MAX_DEPTH);
  if (l->items == NULL && l->count > 0)
    return fail(e, APIC_ERR_INVALID_ARG, "a count of %zu with a NULL array", l->count);
  size_t size = map ? t->entry_size : apic__elem_size(t->item);
  if (put(e, map ? "{" : "[", 1) != 0)
    return e->code;
  for (size_t i = 0; i < l->count; i++) {
    const char *elem = (const char *)l->items + i * size;
    const char *key = map ? *(const char *const *)elem : NULL;
    size_t old = apic__path_push(&e->path, key, key != NULL ? strlen(key) : 0, i);
    if (map && (key == NULL || !apic__utf8_valid(key, strlen(key))))
      return fail(e, APIC_ERR_INVALID_ARG, key == NULL ? "a NULL key" : "a key that is not UTF-8");
    if ((i > 0 && put(e, ",", 1) != 0) || (map && (put_string(e, key, strlen(key)) != 0 || put(e, ":", 1) != 0)))
      return e->code;
    if (put_value(e, t->item, NULL, map ? elem + t->value_offset : elem, NULL, depth) != 0)
      return e->code;
    apic__path_pop(&e->path, old);
  }
  return put(e, map ? "}" : "]", 1);
}

/* Whether field f of obj is to be written: 1 set (or null), 0 left out, or a failure. A
 * required field left unset with a default takes it. */
static int field_set(enc *e, const apic_field_desc *f, const char *obj)
{
  int nullable_null = (f->flags & APIC_F_NULLABLE) && *(const bool *)(obj + f->null_offset);
  apic_type type = f->type->type;
  int by_pointer = (f->flags & APIC_F_POINTER) || type == APIC_T_STRING || type == APIC_T_DATETIME ||
                   type == APIC_T_DATE || type == APIC_T_UUID || type == APIC_T_ANY || type == APIC_T_ARRAY ||
                   type == APIC_T_MAP || type == APIC_T_BYTES;
  if (!by_pointer)
    return 1; /* a value member is always there (a required enum of 0 fails as no value) */
  int set = *(const void *const *)(obj + f->offset) != NULL;
  if ((type == APIC_T_ARRAY || type == APIC_T_MAP) && !set && *(const size_t *)(obj + f->count_offset) > 0)
    return fail(e, APIC_ERR_INVALID_ARG, "a count of %zu with a NULL array", *(const size_t *)(obj + f->count_offset));
  if (type == APIC_T_BYTES && !set && *(const size_t *)(obj + f->count_offset) > 0)
    return fail(e, APIC_ERR_INVALID_ARG, "a length of %zu with a NULL pointer", *(const size_t *)(obj + f->count_offset));
  if (set && nullable_null)
    return fail(e, APIC_ERR_INVALID_ARG, "set, and its _null flag too");
  if (set || nullable_null || (f->flags & (APIC_F_OPTIONAL | APIC_F_HAS_DEFAULT)))
    return set || nullable_null;
  return fail(e, APIC_ERR_INVALID_ARG, "required field missing");
}

/* The spec's default for a field left unset (sent, so the server need not know it). */
static int put_default(enc *e, const apic_field_desc *f)
{
  char num[64];
  switch (f->type->type) {
  case APIC_T_ARRAY:
  case APIC_T_MAP:
    if (f->def_items != NULL)
      return put_list(e, f->type, &(const apic_list){f->def_items, f->def_count}, 0);
    return puts_(e, f->type->type == APIC_T_ARRAY ? "[]" : "{}");
  case APIC_T_INT:
  case APIC_T_INT32: snprintf(num, sizeof num, "%lld", (long long)f->def_int); return puts_(e, num);
  case APIC_T_FLOAT: apic__format_double(f->def_float, num, sizeof num); return puts_(e, num);
  case APIC_T_BOOL: return puts_(e, f->def_int ? "true" : "false");
  case APIC_T_ENUM:
    if (f->def_int >= 1 && f->def_int <= f->type->enumd->count)
      return put_enum(e, f->type->enumd, f->type->enumd->wire[f->def_int - 1]);
    return puts_(e, "null");
  default: return put_string(e, f->def_text ? f->def_text : "", f->def_text ? strlen(f->def_text) : 0);
  }
}

static int put_field(enc *e, const apic_field_desc *f, const char *obj, int depth)
{
  const void *slot = obj + f->offset;
  if ((f->flags & APIC_F_NULLABLE) && *(const bool *)(obj + f->null_offset))
    return puts_(e, "null");
  if ((f->flags & APIC_F_POINTER) || f->type->type == APIC_T_STRING || f->type->type == APIC_T_DATETIME ||
      f->type->type == APIC_T_DATE || f->type->type == APIC_T_UUID || f->type->type == APIC_T_ANY) {
    if (*(const void *const *)slot == NULL)
      return put_default(e, f);
    if (f->flags & APIC_F_POINTER)
      slot = *(const void *const *)slot;
  }
  if (f->type->type == APIC_T_BYTES) {
    apic_bytes b = {*(const uint8_t *const *)slot, *(const size_t *)(obj + f->count_offset)};
    return put_bytes(e, f, &b);
  }
  const char *unknown = f->type->type == APIC_T_ENUM ? *(const char *const *)(obj + f->unknown_offset) : NULL;
  if (f->type->type == APIC_T_ARRAY || f->type->type == APIC_T_MAP) {
    apic_list l = {*(const void *const *)slot, *(const size_t *)(obj + f->count_offset)};
    if (l.items == NULL)
      return put_default(e, f);
    if ((f->flags & APIC_F_HAS_MIN_LEN) && l.count < f->min_len)
      return fail(e, APIC_ERR_INVALID_ARG, "fewer than %zu items", f->min_len);
    if ((f->flags & APIC_F_HAS_MAX_LEN) && l.count > f->max_len)
      return fail(e, APIC_ERR_INVALID_ARG, "more than %zu items", f->max_len);
    return put_list(e, f->type, &l, depth + 1);
  }
  return put_value(e, f->type, f, slot, unknown, depth);
}

/* A model's object; with tag_key, that member (a discriminated union's tag) comes first. */
static int put_model(enc *e, const apic_model_desc *m, const char *obj, int depth, const char *tag_key,
                     const char *tag)
{
  if (depth > APIC__MAX_DEPTH)
    return fail(e, APIC_ERR_INVALID_ARG, "nested deeper than %d levels", APIC__MAX_DEPTH);
  if (put(e, "{", 1) != 0)
    return e->code;
  if (tag_key != NULL && (put_string(e, tag_key, strlen(tag_key)) != 0 || put(e, ":", 1) != 0 ||
                          put_string(e, tag, strlen(tag)) != 0))
    return e->code;
  int first = tag_key == NULL;
  for (size_t i = 0; i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    size_t old = apic__path_push(&e->path, f->wire, strlen(f->wire), 0);
    int set = field_set(e, f, obj);
    if (set < 0)
      return set;
    if (set == 0 && !(f->flags & APIC_F_HAS_DEFAULT)) {
      apic__path_pop(&e->path, old);
      continue;
    }
    if ((!first && put(e, ",", 1) != 0) || put_string(e, f->wire, strlen(f->wire)) != 0 || put(e, ":", 1) != 0)
      return e->code;
    first = 0;
    int is_null = (f->flags & APIC_F_NULLABLE) && *(const bool *)(obj + f->null_offset);
    int redact = (e->how & APIC_DUMP_REDACT) && (f->flags & APIC_F_SENSITIVE) && !is_null;
    int writing = e->writing;
    e->writing = writing && !redact; /* still checked, but not written */
    int rc = put_field(e, f, obj, depth);
    e->writing = writing;
    if (rc != 0 || (redact && puts_(e, "\"REDACTED\"") != 0))
      return e->code;
    apic__path_pop(&e->path, old);
  }
  return put(e, "}", 1);
}

/* The variant obj holds (NULL: none), checked: one at most, and the kind 0 or its. */
static int held_variant(enc *e, const apic_union_desc *u, const char *obj, const apic_field_desc **held)
{
  *held = NULL;
  for (size_t i = 0; i < u->variants.nfields; i++) {
    const apic_field_desc *f = &u->variants.fields[i];
    int set = field_set(e, f, obj); /* a variant is stored as an optional field */
    if (set < 0)
      return set;
    if (set && *held != NULL)
      return fail(e, APIC_ERR_INVALID_ARG, "variants %s and %s are both set; a union holds one", (*held)->name, f->name);
    if (set)
      *held = f;
  }
  int kind = *(const int *)(obj + u->kind_offset), want = *held != NULL ? (int)(*held - u->variants.fields) + 1 : 0;
  if (kind != 0 && kind != want)
    return fail(e, APIC_ERR_INVALID_ARG, "the kind (%d) is not the variant set (%s)", kind,
                *held != NULL ? (*held)->name : "none");
  return 0;
}

/* A union: its one variant (a discriminated one's model with the tag first), or the JSON of a
 * variant this SDK does not know, as it came. */
static int put_union(enc *e, const apic_union_desc *u, const char *obj, int depth)
{
  const apic_field_desc *f;
  if (depth > APIC__MAX_DEPTH)
    return fail(e, APIC_ERR_INVALID_ARG, "nested deeper than %d levels", APIC__MAX_DEPTH);
  if (held_variant(e, u, obj, &f) != 0)
    return e->code;
  const char *json = u->discriminator != NULL ? *(const char *const *)(obj + u->unknown_json_offset) : NULL;
  if (f != NULL && json != NULL)
    return fail(e, APIC_ERR_INVALID_ARG, "variant %s and unknown_json are both set; a union holds one", f->name);
  if (f == NULL && json == NULL)
    return fail(e, APIC_ERR_INVALID_ARG, "no variant of %s set", u->variants.name);
  if (f == NULL)
    return apic__json_object_valid(json, strlen(json)) ? puts_(e, json)
                                                       : fail(e, APIC_ERR_INVALID_ARG, "unknown_json is not a JSON object");
  int redact = (e->how & APIC_DUMP_REDACT) && (f->flags & APIC_F_SENSITIVE), writing = e->writing, rc;
  e->writing = writing && !redact; /* still checked, but not written */
  if (u->discriminator != NULL)
    rc = put_model(e, f->type->model, *(const void *const *)(obj + f->offset), depth, u->discriminator,
                   u->tags[f - u->variants.fields]);
  else
    rc = put_field(e, f, obj, depth);
  e->writing = writing;
  return rc != 0 ? rc : redact ? puts_(e, "\"REDACTED\"") : 0;
}

/* Encodes (or with out NULL only checks) one value of type t. */
static int encode(const apic_type_desc *t, const void *value, unsigned how, char **out, size_t *len,
                  apic_error **err)
{
  enc e;
  memset(&e, 0, sizeof e);
  e.writing = out != NULL;
  e.how = how;
  e.err = err;
  if (err != NULL)
    *err = NULL;
  int rc = value == NULL ? fail(&e, APIC_ERR_INVALID_ARG, "no value") : put_value(&e, t, NULL, value, NULL, 0);
  if (rc != 0) {
    apic__free(e.buf);
    return rc;
  }
  if (out != NULL) {
    *out = e.buf;
    if (len != NULL)
      *len = e.len;
  }
  return 0;
}

int apic__encode(const apic_type_desc *t, const void *value, unsigned how, char **out, size_t *len, apic_error **err)
{
  return encode(t, value, how, out, len, err);
}

char *apic_value_dump(const apic_type_desc *t, const void *value, unsigned how, apic_error **err)
{
  char *text = NULL;
  return encode(t, value, how, &text, NULL, err) == 0 ? text : NULL;
}

int apic_value_validate(const apic_type_desc *t, const void *value, apic_error **err)
{
  return encode(t, value, APIC_DUMP_WIRE, NULL, NULL, err);
}

/* ---- scalar text --------------------------------------------------------------------------------- */

void apic__format_double(double d, char *buf, size_t size)
{
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, size, "%.*g", prec, d);
    if (strtod(buf, NULL) == d)
      return;
  }
}

const char *apic__scalar_text(const apic_type_desc *t, const void *slot, const char *unknown, char *buf, size_t size)
{
  switch (t->type) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
  case APIC_T_UUID: return *(const char *const *)slot;
  case APIC_T_INT: snprintf(buf, size, "%lld", (long long)*(const int64_t *)slot); return buf;
  case APIC_T_INT32: snprintf(buf, size, "%ld", (long)*(const int32_t *)slot); return buf;
  case APIC_T_FLOAT:
    if (!isfinite(*(const double *)slot))
      return NULL;
    apic__format_double(*(const double *)slot, buf, size);
    return buf;
  case APIC_T_BOOL: return *(const bool *)slot ? "true" : "false";
  case APIC_T_ENUM: {
    int v = *(const int *)slot;
    return v >= 1 && v <= t->enumd->count ? t->enumd->wire[v - 1] : v == 0 ? unknown : NULL;
  }
  default: return NULL;
  }
}
