/* JSON text straight into the structs a type describes (apic_value_parse), in one pass and
 * into one arena: no parse tree, integers exact to 64 bits, strings checked as UTF-8. Only
 * `any` values become cJSON trees. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "codec.h"
#include "internal.h"

typedef struct dec {
  const char *start, *p, *end;
  apic__arena *arena;
  apic__path path;
  apic_error **err;
  int code; /* the first failure */
} dec;

static int fail(dec *d, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(dec *d, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  apic__fail(&d->path, d->err, &d->code, code, fmt, ap);
  va_end(ap);
  return d->code;
}

static int nomem(dec *d)
{
  return fail(d, APIC_ERR_NOMEM, "out of memory");
}

static int syntax(dec *d, const char *what)
{
  if (d->code != 0)
    return d->code;
  d->code = APIC_ERR_DECODE;
  if (d->err != NULL)
    *d->err = apic_error_new(APIC_ERR_DECODE, "%s: not valid JSON at byte %zu: %s", apic__path_text(&d->path),
                             (size_t)(d->p - d->start), what);
  return d->code;
}

static void ws(dec *d)
{
  while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t'))
    d->p++;
}

static int literal(dec *d, const char *word)
{
  size_t n = strlen(word);
  if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0)
    return syntax(d, "unexpected character");
  d->p += n;
  return 0;
}

/* ---- strings --------------------------------------------------------------------------------- */

static int hex4(const char *s, unsigned *out)
{
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* One \u escape (and its low surrogate) at s (after the backslash-u); the code point. */
static int unicode_escape(const char **s, const char *end, unsigned *cp)
{
  if (end - *s < 4 || hex4(*s, cp) != 0)
    return -1;
  *s += 4;
  if (*cp >= 0xDC00 && *cp <= 0xDFFF)
    return -1;
  if (*cp < 0xD800 || *cp > 0xDBFF)
    return 0;
  unsigned lo;
  if (end - *s < 6 || (*s)[0] != '\\' || (*s)[1] != 'u' || hex4(*s + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
    return -1;
  *s += 6;
  *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
  return 0;
}

/* Decodes the escapes of raw[0..n) into out (room for n + 1); its length, or -1. */
static long unescape(const char *raw, size_t n, char *out)
{
  const char *s = raw, *end = raw + n;
  char *o = out;
  while (s < end) {
    if (*s != '\\') {
      *o++ = *s++;
      continue;
    }
    s++;
    char c = *s++;
    unsigned cp;
    switch (c) {
    case '"': case '\\': case '/': *o++ = c; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u':
      if (unicode_escape(&s, end, &cp) != 0)
        return -1;
      o += put_utf8(o, cp);
      break;
    default: return -1;
    }
  }
  *o = '\0';
  return (long)(o - out);
}

/* A string at d->p (at its quote). With keep, *out is a NUL-terminated copy in the arena;
 * without, *out and *len are the raw text between the quotes (escapes undone only when
 * *escaped comes back 1: then *out is an arena copy too). */
static int string(dec *d, int keep, const char **out, size_t *len)
{
  const char *s = ++d->p;
  int escaped = 0;
  while (s < d->end && *s != '"') {
    if ((unsigned char)*s < 0x20)
      return d->p = s, syntax(d, "a control character in a string");
    if (*s == '\\') {
      escaped = 1;
      if (++s == d->end)
        break;
    }
    s++;
  }
  if (s >= d->end)
    return syntax(d, "an unterminated string");
  size_t n = (size_t)(s - d->p);
  if (!apic__utf8_valid(d->p, n))
    return d->p--, syntax(d, "a string that is not UTF-8");
  const char *raw = d->p;
  d->p = s + 1;
  if (!escaped && !keep) {
    *out = raw;
    *len = n;
    return 0;
  }
  char *copy = apic__arena_alloc(d->arena, n + 1);
  if (copy == NULL)
    return nomem(d);
  long m = escaped ? unescape(raw, n, copy) : (memcpy(copy, raw, n), (long)n);
  if (m < 0 || (escaped && !apic__utf8_valid(copy, (size_t)m)))
    return d->p = raw - 1, syntax(d, "a bad escape in a string");
  *out = copy;
  *len = (size_t)m;
  return 0;
}

/* ---- numbers and skipping ---------------------------------------------------------------------- */

/* A number's text per JSON's grammar; *is_int when it has no fraction or exponent. */
static int number(dec *d, const char **tok, size_t *len, int *is_int)
{
  const char *s = d->p;
  if (s < d->end && *s == '-')
    s++;
  if (s >= d->end || *s < '0' || *s > '9')
    return syntax(d, "unexpected character");
  if (*s == '0')
    s++;
  else
    while (s < d->end && *s >= '0' && *s <= '9')
      s++;
  *is_int = 1;
  if (s < d->end && *s == '.') {
    *is_int = 0;
    if (++s >= d->end || *s < '0' || *s > '9')
      return d->p = s, syntax(d, "a digit must follow '.'");
    while (s < d->end && *s >= '0' && *s <= '9')
      s++;
  }
  if (s < d->end && (*s == 'e' || *s == 'E')) {
    *is_int = 0;
    s++;
    if (s < d->end && (*s == '+' || *s == '-'))
      s++;
    if (s >= d->end || *s < '0' || *s > '9')
      return d->p = s, syntax(d, "a digit must follow the exponent");
    while (s < d->end && *s >= '0' && *s <= '9')
      s++;
  }
  *tok = d->p;
  *len = (size_t)(s - d->p);
  d->p = s;
  return 0;
}

static int skip(dec *d, int depth);

static int skip_container(dec *d, char close, int depth)
{
  if (depth > APIC__MAX_ANY_DEPTH)
    return fail(d, APIC_ERR_DECODE, "nested deeper than %d levels", APIC__MAX_ANY_DEPTH);
  d->p++;
  ws(d);
  if (d->p < d->end && *d->p == close)
    return d->p++, 0;
  for (;;) {
    if (close == '}') {
      const char *k;
      size_t n;
      ws(d);
      if (d->p >= d->end || *d->p != '"' || string(d, 0, &k, &n) != 0)
        return syntax(d, "expected a member name");
      ws(d);
      if (d->p >= d->end || *d->p++ != ':')
        return syntax(d, "expected ':'");
    }
    int rc = skip(d, depth + 1);
    if (rc != 0)
      return rc;
    ws(d);
    if (d->p < d->end && *d->p == ',') {
      d->p++;
      continue;
    }
    if (d->p < d->end && *d->p == close)
      return d->p++, 0;
    return syntax(d, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

/* Checks and steps over one value. */
static int skip(dec *d, int depth)
{
  ws(d);
  if (d->p >= d->end)
    return syntax(d, "unexpected end");
  const char *t;
  size_t n;
  int is_int;
  switch (*d->p) {
  case '{': return skip_container(d, '}', depth);
  case '[': return skip_container(d, ']', depth);
  case '"': return string(d, 0, &t, &n);
  case 't': return literal(d, "true");
  case 'f': return literal(d, "false");
  case 'n': return literal(d, "null");
  default: return number(d, &t, &n, &is_int);
  }
}

/* ---- values ------------------------------------------------------------------------------------ */

/* What the value at d->p is, for messages: 12, "abc", null, an object. */
static void describe(dec *d, char *buf, size_t size)
{
  dec probe = *d;
  probe.err = NULL;
  probe.code = 0;
  const char *t;
  size_t n;
  int is_int;
  char c = d->p < d->end ? *d->p : '\0';
  if (c == '{' || c == '[')
    snprintf(buf, size, c == '{' ? "an object" : "an array");
  else if (c == '"' && string(&probe, 0, &t, &n) == 0) { /* as written: escapes kept */
    t = d->p + 1;
    n = (size_t)(probe.p - t - 1);
    snprintf(buf, size, "\"%.*s%s\"", (int)(n > 40 ? 40 : n), t, n > 40 ? "..." : "");
  }
  else if ((c == '-' || (c >= '0' && c <= '9')) && number(&probe, &t, &n, &is_int) == 0)
    snprintf(buf, size, "%.*s", (int)(n > 40 ? 40 : n), t);
  else
    snprintf(buf, size, "%.5s", c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : "?");
}

static int expected(dec *d, const char *what)
{
  char got[64];
  describe(d, got, sizeof got);
  return fail(d, APIC_ERR_DECODE, "expected %s, got %s", what, got);
}

static int decode(dec *d, const apic_type_desc *t, void *slot, const char **unknown, int depth);

/* A number's text at d->p, NUL-terminated in buf (400 bytes); what names the type for the
 * message when there is no number there or it is too long. *at is where it started. */
static int number_text(dec *d, const char *what, char *buf, const char **at, int *is_int)
{
  const char *tok;
  size_t n;
  *at = d->p;
  if (d->p >= d->end || (*d->p != '-' && (*d->p < '0' || *d->p > '9')))
    return expected(d, what);
  if (number(d, &tok, &n, is_int) != 0)
    return d->code;
  if (n >= 400)
    return d->p = *at, expected(d, "a number of at most 399 characters");
  memcpy(buf, tok, n);
  buf[n] = '\0';
  return 0;
}

static int decode_int(dec *d, int64_t *out)
{
  char buf[400];
  const char *at;
  int is_int;
  if (number_text(d, "an integer", buf, &at, &is_int) != 0)
    return d->code;
  errno = 0;
  if (is_int) {
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE)
      return d->p = at, expected(d, "an integer of at most 64 bits");
    *out = v;
    return 0;
  }
  double v = strtod(buf, NULL); /* 1e3 and 20.0 are integers too */
  if (!(v == floor(v)) || v < -9223372036854775808.0 || v >= 9223372036854775808.0)
    return d->p = at, expected(d, "an integer");
  *out = (int64_t)v;
  return 0;
}

static int decode_int32(dec *d, int32_t *out)
{
  const char *at = d->p;
  int64_t v;
  if (decode_int(d, &v) != 0)
    return d->code;
  if (v < INT32_MIN || v > INT32_MAX)
    return d->p = at, expected(d, "an integer of at most 32 bits");
  *out = (int32_t)v;
  return 0;
}

static int decode_float(dec *d, double *out)
{
  char buf[400];
  const char *at;
  int is_int;
  if (number_text(d, "a number", buf, &at, &is_int) != 0)
    return d->code;
  *out = strtod(buf, NULL);
  if (!isfinite(*out))
    return d->p = at, expected(d, "a number within a double's range");
  return 0;
}

/* What a text type's values are, for messages. */
static const char *text_kind(apic_type type)
{
  return type == APIC_T_DATE ? "an RFC 3339 date" : type == APIC_T_DATETIME ? "an RFC 3339 date-time"
         : type == APIC_T_UUID ? "a UUID" : "a string";
}

static int decode_text(dec *d, apic_type type, const char **out)
{
  if (d->p >= d->end || *d->p != '"')
    return expected(d, text_kind(type));
  const char *at = d->p;
  size_t n;
  if (string(d, 1, out, &n) != 0)
    return d->code;
  if ((type == APIC_T_DATETIME && apic_datetime_parse(*out, NULL, NULL) != 0) ||
      (type == APIC_T_DATE && !apic_date_valid(*out)) || (type == APIC_T_UUID && !apic_uuid_valid(*out)))
    return d->p = at, expected(d, text_kind(type));
  if (strlen(*out) != n)
    return d->p = at, expected(d, "a string without NUL characters");
  return 0;
}

/* Base64 text into bytes in the arena (an empty text: apic__empty, present). */
static int decode_bytes(dec *d, apic_bytes *out)
{
  if (d->p >= d->end || *d->p != '"')
    return expected(d, "base64 text");
  const char *at = d->p, *text;
  size_t n, len;
  if (string(d, 0, &text, &n) != 0)
    return d->code;
  uint8_t *data = n > 0 ? apic__arena_alloc(d->arena, n / 4 * 3 + 2) : (uint8_t *)apic__empty;
  if (data == NULL)
    return nomem(d);
  if (apic_base64_decode(text, n, n > 0 ? data : NULL, &len) != 0)
    return d->p = at, expected(d, "base64 text");
  *out = (apic_bytes){data, len};
  return 0;
}

/* An integer enum's value: its decimal text, in the arena. */
static int enum_integer(dec *d, const char **text)
{
  int64_t v;
  char num[32];
  if (d->p >= d->end || (*d->p != '-' && (*d->p < '0' || *d->p > '9')))
    return expected(d, "an integer (enum value)");
  if (decode_int(d, &v) != 0)
    return d->code;
  snprintf(num, sizeof num, "%lld", (long long)v);
  *text = apic__arena_strndup(d->arena, num, strlen(num));
  return *text != NULL ? 0 : nomem(d);
}

static int decode_enum(dec *d, const apic_enum_desc *e, int *out, const char **unknown)
{
  const char *text;
  size_t n;
  if (e->integer) {
    if (enum_integer(d, &text) != 0)
      return d->code;
  } else if (d->p >= d->end || *d->p != '"') {
    return expected(d, "a string (enum value)");
  } else if (string(d, 1, &text, &n) != 0) {
    return d->code;
  }
  *out = 0;
  if (unknown != NULL) /* a repeated member: the last one counts, text and all */
    *unknown = NULL;
  for (int i = 0; i < e->count; i++)
    if (strcmp(e->wire[i], text) == 0)
      return *out = i + 1, 0;
  if (unknown != NULL)
    *unknown = text;
  return 0;
}

static int decode_any(dec *d, const cJSON **out)
{
  const char *from = d->p;
  if (skip(d, 0) != 0)
    return d->code;
  apic__json_hooks();
  cJSON *j = cJSON_ParseWithLength(from, (size_t)(d->p - from));
  if (j == NULL || apic__arena_keep_json(d->arena, j) != 0)
    return nomem(d);
  *out = j;
  return 0;
}

/* Elements or entries grow by doubling inside the arena; the last copy is the one kept. */
static void *grow(dec *d, void *items, size_t *cap, size_t size)
{
  size_t ncap = *cap ? *cap * 2 : 4;
  void *n = ncap <= (size_t)-1 / size ? apic__arena_alloc(d->arena, ncap * size) : NULL;
  if (n != NULL && items != NULL)
    memcpy(n, items, *cap * size);
  *cap = ncap;
  return n;
}

static int decode_list(dec *d, const apic_type_desc *t, apic_list *out, int depth)
{
  int map = t->type == APIC_T_MAP;
  if (d->p >= d->end || *d->p != (map ? '{' : '['))
    return expected(d, map ? "an object" : "an array");
  if (depth > APIC__MAX_DEPTH)
    return fail(d, APIC_ERR_DECODE, "nested deeper than %d levels", APIC__MAX_DEPTH);
  size_t size = map ? t->entry_size : apic__elem_size(t->item), cap = 0, n = 0;
  char *items = (char *)apic__empty;
  d->p++;
  ws(d);
  if (d->p < d->end && *d->p == (map ? '}' : ']')) {
    d->p++;
    *out = (apic_list){items, 0};
    return 0;
  }
  for (;;) {
    if (n == cap && (items = grow(d, n ? items : NULL, &cap, size)) == NULL)
      return nomem(d);
    char *elem = items + n * size;
    const char *key = NULL;
    size_t key_len = 0;
    ws(d);
    if (map) {
      if (d->p >= d->end || *d->p != '"' || string(d, 1, &key, &key_len) != 0)
        return syntax(d, "expected a member name");
      *(const char **)elem = key;
      ws(d);
      if (d->p >= d->end || *d->p++ != ':')
        return syntax(d, "expected ':'");
      ws(d);
    }
    size_t old = apic__path_push(&d->path, key, key_len, n);
    int rc = decode(d, t->item, map ? elem + t->value_offset : elem, NULL, depth + 1);
    apic__path_pop(&d->path, old);
    if (rc != 0)
      return rc;
    n++;
    ws(d);
    if (d->p < d->end && *d->p == ',') {
      d->p++;
      continue;
    }
    if (d->p < d->end && *d->p == (map ? '}' : ']'))
      break;
    return syntax(d, map ? "expected ',' or '}'" : "expected ',' or ']'");
  }
  d->p++;
  *out = (apic_list){items, n};
  return 0;
}

static int decode_model(dec *d, const apic_model_desc *m, void *obj, int depth);
static int decode_union(dec *d, const apic_union_desc *u, char *obj, int depth);

/* One value of type t into slot (zeroed). */
static int decode(dec *d, const apic_type_desc *t, void *slot, const char **unknown, int depth)
{
  ws(d);
  if (d->p >= d->end)
    return syntax(d, "unexpected end");
  switch (t->type) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
  case APIC_T_UUID: return decode_text(d, t->type, slot);
  case APIC_T_BYTES: return decode_bytes(d, slot);
  case APIC_T_INT: return decode_int(d, slot);
  case APIC_T_INT32: return decode_int32(d, slot);
  case APIC_T_FLOAT: return decode_float(d, slot);
  case APIC_T_BOOL:
    if (d->p < d->end && (*d->p == 't' || *d->p == 'f')) {
      *(bool *)slot = *d->p == 't';
      return literal(d, *d->p == 't' ? "true" : "false");
    }
    return expected(d, "true or false");
  case APIC_T_ENUM: return decode_enum(d, t->enumd, slot, unknown);
  case APIC_T_ANY: return decode_any(d, slot);
  case APIC_T_FILE: return fail(d, APIC_ERR_DECODE, "a file has no JSON form");
  case APIC_T_MODEL: return decode_model(d, t->model, slot, depth + 1);
  case APIC_T_UNION: return decode_union(d, (const apic_union_desc *)t->model, slot, depth + 1);
  case APIC_T_ARRAY:
  case APIC_T_MAP: return decode_list(d, t, slot, depth + 1);
  }
  return fail(d, APIC_ERR_DECODE, "unsupported type");
}

static int is_null(dec *d)
{
  ws(d);
  return d->p + 4 <= d->end && memcmp(d->p, "null", 4) == 0;
}

/* Sets field f of obj to its default (an absent field that has one). */
static int set_default(dec *d, const apic_field_desc *f, char *obj)
{
  void *slot = obj + f->offset;
  if (f->type->type == APIC_T_ARRAY || f->type->type == APIC_T_MAP) { /* the SDK's own items: const, never freed */
    *(const void **)slot = f->def_items != NULL ? f->def_items : apic__empty;
    *(size_t *)(obj + f->count_offset) = f->def_items != NULL ? f->def_count : 0;
    return 0;
  }
  if (f->type->type == APIC_T_STRING || f->type->type == APIC_T_DATETIME || f->type->type == APIC_T_DATE ||
      f->type->type == APIC_T_UUID) {
    const char *text = f->def_text != NULL ? f->def_text : "";
    *(char **)slot = apic__arena_strndup(d->arena, text, strlen(text));
    return *(char **)slot != NULL ? 0 : nomem(d);
  }
  if (f->flags & APIC_F_POINTER) {
    void *v = apic__arena_alloc(d->arena, apic__elem_size(f->type));
    if (v == NULL)
      return nomem(d);
    *(void **)slot = v;
    slot = v;
  }
  switch (f->type->type) {
  case APIC_T_INT: *(int64_t *)slot = f->def_int; break;
  case APIC_T_INT32: *(int32_t *)slot = (int32_t)f->def_int; break;
  case APIC_T_FLOAT: *(double *)slot = f->def_float; break;
  case APIC_T_BOOL: *(bool *)slot = f->def_int != 0; break;
  case APIC_T_ENUM: *(int *)slot = (int)f->def_int; break;
  default: break;
  }
  return 0;
}

static int decode_field(dec *d, const apic_field_desc *f, char *obj, int depth)
{
  void *slot = obj + f->offset;
  if (f->flags & APIC_F_NULLABLE) /* a repeated member: the last one counts */
    *(bool *)(obj + f->null_offset) = false;
  if (is_null(d) && (f->flags & (APIC_F_NULLABLE | APIC_F_OPTIONAL))) {
    /* null, or for an optional field that is not nullable, absent: no value either way */
    if (f->flags & APIC_F_NULLABLE)
      *(bool *)(obj + f->null_offset) = true;
    if ((f->flags & APIC_F_POINTER) || f->type->type == APIC_T_STRING || f->type->type == APIC_T_DATETIME ||
        f->type->type == APIC_T_DATE || f->type->type == APIC_T_UUID || f->type->type == APIC_T_ANY)
      *(void **)slot = NULL;
    if (f->type->type == APIC_T_ARRAY || f->type->type == APIC_T_MAP || f->type->type == APIC_T_BYTES) {
      *(void **)slot = NULL;
      *(size_t *)(obj + f->count_offset) = 0;
    }
    return literal(d, "null");
  }
  if (f->flags & APIC_F_POINTER) {
    void *v = apic__arena_alloc(d->arena, apic__elem_size(f->type));
    if (v == NULL)
      return nomem(d);
    *(void **)slot = v;
    slot = v;
  }
  const char **unknown = f->type->type == APIC_T_ENUM ? (const char **)(obj + f->unknown_offset) : NULL;
  if (f->type->type == APIC_T_BYTES) {
    apic_bytes b;
    int rc = decode_bytes(d, &b);
    if (rc == 0) {
      *(const uint8_t **)slot = b.data;
      *(size_t *)(obj + f->count_offset) = b.len;
    }
    return rc;
  }
  if (f->type->type != APIC_T_ARRAY && f->type->type != APIC_T_MAP)
    return decode(d, f->type, slot, unknown, depth);
  apic_list l;
  int rc = decode_list(d, f->type, &l, depth + 1);
  if (rc == 0) {
    *(const void **)slot = l.items;
    *(size_t *)(obj + f->count_offset) = l.count;
  }
  return rc;
}

static const apic_field_desc *find_field(const apic_model_desc *m, const char *key, size_t len, size_t *cursor)
{
  /* Members usually come in the spec's order: the search starts after the last match. */
  for (size_t i = 0; i < m->nfields; i++) {
    size_t k = (*cursor + i) % m->nfields;
    const char *w = m->fields[k].wire;
    if (strncmp(w, key, len) == 0 && w[len] == '\0') {
      *cursor = k + 1;
      return &m->fields[k];
    }
  }
  return NULL;
}

/* After the members: defaults for absent fields that have one, errors for absent required
 * ones. A field read from a header is neither: apic_model_set_headers fills it. */
static int finish_model(dec *d, const apic_model_desc *m, char *obj, const unsigned char *seen)
{
  for (size_t i = 0; i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    if (seen[i / 8] & (1u << (i % 8)) || f->header != NULL)
      continue;
    size_t old = apic__path_push(&d->path, f->wire, strlen(f->wire), 0);
    int rc = 0;
    if (f->flags & APIC_F_HAS_DEFAULT)
      rc = set_default(d, f, obj);
    else if (!(f->flags & APIC_F_OPTIONAL))
      rc = fail(d, APIC_ERR_DECODE, "required field missing");
    apic__path_pop(&d->path, old);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int decode_model(dec *d, const apic_model_desc *m, void *obj, int depth)
{
  if (d->p >= d->end || *d->p != '{')
    return expected(d, "an object");
  if (depth > APIC__MAX_DEPTH)
    return fail(d, APIC_ERR_DECODE, "nested deeper than %d levels", APIC__MAX_DEPTH);
  unsigned char small[32], *seen = small;
  if (m->nfields > sizeof small * 8 && (seen = apic__arena_alloc(d->arena, m->nfields / 8 + 1)) == NULL)
    return nomem(d);
  memset(seen, 0, m->nfields > sizeof small * 8 ? m->nfields / 8 + 1 : sizeof small);
  size_t cursor = 0;
  d->p++;
  ws(d);
  if (d->p < d->end && *d->p == '}') {
    d->p++;
    return finish_model(d, m, obj, seen);
  }
  for (;;) {
    const char *key;
    size_t len;
    ws(d);
    if (d->p >= d->end || *d->p != '"' || string(d, 0, &key, &len) != 0)
      return syntax(d, "expected a member name");
    ws(d);
    if (d->p >= d->end || *d->p++ != ':')
      return syntax(d, "expected ':'");
    ws(d);
    const apic_field_desc *f = find_field(m, key, len, &cursor);
    size_t old = apic__path_push(&d->path, key, len, 0);
    int rc = f != NULL && f->header == NULL ? decode_field(d, f, obj, depth) : skip(d, 0);
    apic__path_pop(&d->path, old);
    if (rc != 0)
      return rc;
    if (f != NULL) {
      size_t i = (size_t)(f - m->fields);
      seen[i / 8] |= (unsigned char)(1u << (i % 8));
    }
    ws(d);
    if (d->p < d->end && *d->p == ',') {
      d->p++;
      continue;
    }
    if (d->p < d->end && *d->p == '}')
      break;
    return syntax(d, "expected ',' or '}'");
  }
  d->p++;
  return finish_model(d, m, obj, seen);
}

/* ---- unions (apic_union_desc) ------------------------------------------------------------------ */

/* With a discriminator: the variant whose tag the object at d->p has (d->p stays), or -1 when
 * this SDK does not know the tag (*tag gets its text), or -2 on a failure. The first member of
 * that name counts. */
static int find_tag(dec *d, const apic_union_desc *u, const char **tag)
{
  const char *start = d->p, *key;
  size_t len, want = strlen(u->discriminator);
  *tag = NULL;
  d->p++;
  ws(d);
  while (d->p < d->end && *d->p != '}' && *tag == NULL) {
    if (*d->p != '"' || string(d, 0, &key, &len) != 0)
      return syntax(d, "expected a member name"), -2;
    ws(d);
    if (d->p >= d->end || *d->p++ != ':')
      return syntax(d, "expected ':'"), -2;
    ws(d);
    if (len == want && memcmp(key, u->discriminator, len) == 0) {
      size_t old = apic__path_push(&d->path, key, len, 0);
      int rc = decode_text(d, APIC_T_STRING, tag);
      apic__path_pop(&d->path, old);
      if (rc != 0)
        return -2;
    } else if (skip(d, 0) != 0) {
      return -2;
    }
    ws(d);
    if (d->p < d->end && *d->p == ',')
      d->p++, ws(d);
  }
  d->p = start;
  if (*tag == NULL)
    return fail(d, APIC_ERR_DECODE, "no \"%s\" member, the tag of every %s", u->discriminator, u->variants.name), -2;
  for (size_t i = 0; i < u->variants.nfields; i++)
    if (strcmp(u->tags[i], *tag) == 0)
      return (int)i;
  return -1;
}

/* The JSON type a value of type t has: '"' for text, '0' for numbers, 't' for bools, '[' and '{'. */
static char json_class(const apic_type_desc *t)
{
  switch (t->type) {
  case APIC_T_INT:
  case APIC_T_INT32:
  case APIC_T_FLOAT: return '0';
  case APIC_T_BOOL: return 't';
  case APIC_T_ARRAY: return '[';
  case APIC_T_MODEL:
  case APIC_T_MAP: return '{';
  case APIC_T_ENUM: return t->enumd->integer ? '0' : '"';
  case APIC_T_ANY:
  case APIC_T_UNION: return '\0'; /* no variant (the checker refuses them) */
  default: return '"';              /* text, date-times, dates, uuids, bytes, enums */
  }
}

static int required(const apic_field_desc *f)
{
  return !(f->flags & (APIC_F_OPTIONAL | APIC_F_HAS_DEFAULT)) && f->header == NULL;
}

/* Whether the object at d->p (which stays) has every required field of model m: 1, 0, or -1
 * on a failure. */
static int has_required(dec *d, const apic_model_desc *m)
{
  size_t need = 0, have = 0, cursor = 0, len;
  for (size_t i = 0; i < m->nfields; i++)
    need += required(&m->fields[i]);
  unsigned char small[32] = {0}, *seen = small;
  if (m->nfields > sizeof small * 8 && (seen = apic__arena_alloc(d->arena, m->nfields / 8 + 1)) == NULL)
    return nomem(d), -1;
  const char *start = d->p, *key;
  d->p++;
  ws(d);
  while (need > 0 && d->p < d->end && *d->p != '}') {
    if (*d->p != '"' || string(d, 0, &key, &len) != 0)
      return syntax(d, "expected a member name"), -1;
    ws(d);
    if (d->p >= d->end || *d->p++ != ':')
      return syntax(d, "expected ':'"), -1;
    const apic_field_desc *f = find_field(m, key, len, &cursor);
    size_t i = f != NULL ? (size_t)(f - m->fields) : 0;
    if (f != NULL && required(f) && !(seen[i / 8] & (1u << (i % 8)))) {
      seen[i / 8] |= (unsigned char)(1u << (i % 8));
      have++;
    }
    if (skip(d, 0) != 0)
      return -1;
    ws(d);
    if (d->p < d->end && *d->p == ',')
      d->p++, ws(d);
  }
  d->p = start;
  return have == need;
}

/* Without a discriminator: the variant the value at d->p is (JSON type, then for an object the
 * first model variant whose required fields it has, or a map), or -1 on a failure. */
static int pick_variant(dec *d, const apic_union_desc *u)
{
  char c = *d->p;
  char want = c == '-' || (c >= '0' && c <= '9') ? '0' : c == 'f' ? 't' : c;
  for (size_t i = 0; i < u->variants.nfields; i++) {
    const apic_type_desc *t = u->variants.fields[i].type;
    if (json_class(t) != want)
      continue;
    int fits = want != '{' || t->type == APIC_T_MAP ? 1 : has_required(d, t->model);
    if (fits != 0)
      return fits > 0 ? (int)i : -1;
  }
  char got[64];
  describe(d, got, sizeof got);
  return fail(d, APIC_ERR_DECODE, "no variant of %s takes %s%s", u->variants.name, got,
              want == '{' ? " (no object variant has all its required fields in it)" : ""), -1;
}

/* A tag this SDK does not know: its text and the object's JSON, kept as they came. */
static int keep_unknown(dec *d, const apic_union_desc *u, char *obj, const char *tag)
{
  const char *from = d->p;
  if (skip(d, 0) != 0)
    return d->code;
  char *json = apic__arena_strndup(d->arena, from, (size_t)(d->p - from));
  if (json == NULL)
    return nomem(d);
  *(const char **)(obj + u->unknown_tag_offset) = tag;
  *(const char **)(obj + u->unknown_json_offset) = json;
  return 0;
}

static int decode_union(dec *d, const apic_union_desc *u, char *obj, int depth)
{
  if (depth > APIC__MAX_DEPTH)
    return fail(d, APIC_ERR_DECODE, "nested deeper than %d levels", APIC__MAX_DEPTH);
  int i;
  if (u->discriminator != NULL) {
    if (*d->p != '{')
      return expected(d, "an object");
    const char *tag;
    if ((i = find_tag(d, u, &tag)) == -1)
      return keep_unknown(d, u, obj, tag);
  } else {
    i = pick_variant(d, u);
  }
  if (i < 0)
    return d->code;
  *(int *)(obj + u->kind_offset) = i + 1;
  return decode_field(d, &u->variants.fields[i], obj, depth);
}

static size_t value_size(const apic_type_desc *t)
{
  return t->type == APIC_T_MODEL || t->type == APIC_T_UNION ? t->model->size
         : t->type == APIC_T_MAP                            ? sizeof(apic_list)
                                                            : apic__elem_size(t);
}

int apic__json_object_valid(const char *text, size_t len)
{
  dec d;
  memset(&d, 0, sizeof d);
  d.start = d.p = text;
  d.end = text + len;
  ws(&d);
  if (d.p >= d.end || *d.p != '{' || skip(&d, 0) != 0)
    return 0;
  ws(&d);
  return d.p == d.end;
}

int apic_value_parse(const apic_type_desc *t, const char *text, size_t len, void **out, apic_error **err)
{
  *out = NULL;
  if (err != NULL)
    *err = NULL;
  dec d;
  memset(&d, 0, sizeof d);
  d.start = d.p = text;
  d.end = text + len;
  d.err = err;
  void *value = text != NULL ? apic__arena_new(value_size(t), len + 256, &d.arena) : NULL;
  if (value == NULL) {
    if (err != NULL)
      *err = apic_error_new(text == NULL ? APIC_ERR_DECODE : APIC_ERR_NOMEM, "$: %s",
                            text == NULL ? "no JSON text" : "out of memory");
    return text == NULL ? APIC_ERR_DECODE : APIC_ERR_NOMEM;
  }
  int rc = decode(&d, t, value, NULL, 0);
  if (rc == 0) {
    ws(&d);
    if (d.p != d.end)
      rc = syntax(&d, "text after the value");
  }
  if (rc != 0) {
    apic__arena_free(d.arena);
    return rc;
  }
  *out = value;
  return 0;
}

int apic__decode_field(apic__arena *a, const apic_field_desc *f, void *obj, const char *text, size_t len,
                       apic_error **err)
{
  dec d;
  memset(&d, 0, sizeof d);
  d.start = d.p = text;
  d.end = text + len;
  d.err = err;
  d.arena = a;
  ws(&d);
  int rc = d.p < d.end ? decode_field(&d, f, obj, 0) : syntax(&d, "unexpected end");
  if (rc == 0) {
    ws(&d);
    if (d.p != d.end)
      rc = syntax(&d, "text after the value");
  }
  return rc;
}
