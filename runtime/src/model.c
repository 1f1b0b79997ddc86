/* The model codec's shared pieces (apic/model.h): libapic's scalar types, JSON paths for
 * messages, deep copies and comparisons, and fields read from response headers. Decoding is
 * decode.c, encoding and checking encode.c, arenas arena.c. */
#include "apic/model.h"

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

const apic_type_desc apic_t_string = {APIC_T_STRING, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_int = {APIC_T_INT, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_float = {APIC_T_FLOAT, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_bool = {APIC_T_BOOL, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_datetime = {APIC_T_DATETIME, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_date = {APIC_T_DATE, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_any = {APIC_T_ANY, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_int32 = {APIC_T_INT32, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_uuid = {APIC_T_UUID, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_bytes = {APIC_T_BYTES, NULL, NULL, NULL, 0, 0};
const apic_type_desc apic_t_file = {APIC_T_FILE, NULL, NULL, NULL, 0, 0};

const char apic__empty[1];

size_t apic__elem_size(const apic_type_desc *t)
{
  switch (t->type) {
  case APIC_T_INT: return sizeof(int64_t);
  case APIC_T_INT32: return sizeof(int32_t);
  case APIC_T_BYTES: return sizeof(apic_bytes);
  case APIC_T_FILE: return sizeof(apic_file);
  case APIC_T_FLOAT: return sizeof(double);
  case APIC_T_BOOL: return sizeof(bool);
  case APIC_T_ENUM: return sizeof(int);
  case APIC_T_MODEL:
  case APIC_T_UNION: return t->model->size;
  case APIC_T_ARRAY:
  case APIC_T_MAP: return sizeof(apic_list);
  default: return sizeof(char *); /* strings, date-times, dates, uuids, any */
  }
}

int apic__utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      p++;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || (size_t)(end - p) < len)
      return 0;
    for (size_t i = 1; i < len; i++)
      if ((p[i] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) || /* overlong, surrogate */
        (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))     /* overlong, > U+10FFFF */
      return 0;
    p += len;
  }
  return 1;
}

/* ---- paths ----------------------------------------------------------------------------------- */

size_t apic__path_push(apic__path *p, const char *key, size_t key_len, size_t index)
{
  size_t cap = sizeof p->frames / sizeof p->frames[0];
  if (p->depth < cap) {
    p->frames[p->depth].key = key;
    p->frames[p->depth].key_len = key_len;
    p->frames[p->depth].index = index;
  }
  return p->depth++;
}

void apic__path_pop(apic__path *p, size_t old)
{
  p->depth = old;
}

const char *apic__path_text(apic__path *p)
{
  size_t cap = sizeof p->frames / sizeof p->frames[0], room = sizeof p->buf - 8;
  size_t len = (size_t)snprintf(p->buf, sizeof p->buf, "$");
  for (size_t i = 0; i < p->depth && i < cap && len < room; i++) {
    int w = p->frames[i].key != NULL
                ? snprintf(p->buf + len, room - len, ".%.*s", (int)(p->frames[i].key_len < 100 ? p->frames[i].key_len : 100),
                           p->frames[i].key)
                : snprintf(p->buf + len, room - len, "[%zu]", p->frames[i].index);
    len += w > 0 ? (size_t)w : 0;
  }
  if (len >= room)
    strcpy(p->buf + room, "...");
  return p->buf;
}

void apic__fail(apic__path *p, apic_error **err, int *first, int code, const char *fmt, va_list ap)
{
  if (*first != 0)
    return;
  *first = code;
  if (err == NULL)
    return;
  char msg[300];
  vsnprintf(msg, sizeof msg, fmt, ap);
  *err = apic_error_new(code, "%s: %s", apic__path_text(p), msg);
}

/* ---- copies ------------------------------------------------------------------------------------- */

static int copy_value(apic__arena *a, const apic_type_desc *t, void *dst, const void *src, int depth);

static int copy_text(apic__arena *a, const char **dst, const char *src)
{
  if (src != NULL && (*dst = apic__arena_strndup(a, src, strlen(src))) == NULL)
    return APIC_ERR_NOMEM;
  return 0;
}

static int copy_bytes(apic__arena *a, apic_bytes *dst, const apic_bytes *src)
{
  if (src->data == NULL || src->len == 0) {
    *dst = (apic_bytes){src->data != NULL ? (const uint8_t *)apic__empty : NULL, 0};
    return 0;
  }
  uint8_t *data = apic__arena_alloc(a, src->len);
  if (data == NULL)
    return APIC_ERR_NOMEM;
  memcpy(data, src->data, src->len);
  *dst = (apic_bytes){data, src->len};
  return 0;
}

/* A file part: its strings and, from memory, its bytes. */
static int copy_file(apic__arena *a, apic_file *dst, const apic_file *src)
{
  apic_bytes data;
  if (copy_text(a, &dst->path, src->path) != 0 || copy_text(a, &dst->filename, src->filename) != 0 ||
      copy_text(a, &dst->content_type, src->content_type) != 0 ||
      copy_bytes(a, &data, &(apic_bytes){src->data, src->len}) != 0)
    return APIC_ERR_NOMEM;
  dst->data = data.data;
  dst->len = data.len;
  return 0;
}

static int copy_list(apic__arena *a, const apic_type_desc *t, apic_list *dst, const apic_list *src, int depth)
{
  int map = t->type == APIC_T_MAP;
  size_t size = map ? t->entry_size : apic__elem_size(t->item);
  if (src->items == NULL || src->count == 0) {
    *dst = (apic_list){src->items != NULL ? apic__empty : NULL, 0};
    return 0;
  }
  char *items = src->count <= (size_t)-1 / size ? apic__arena_alloc(a, src->count * size) : NULL;
  if (items == NULL)
    return APIC_ERR_NOMEM;
  for (size_t i = 0; i < src->count; i++) {
    const char *from = (const char *)src->items + i * size;
    char *to = items + i * size;
    if (map && copy_text(a, (const char **)to, *(const char *const *)from) != 0)
      return APIC_ERR_NOMEM;
    int rc = copy_value(a, t->item, map ? to + t->value_offset : to, map ? from + t->value_offset : from, depth + 1);
    if (rc != 0)
      return rc;
  }
  *dst = (apic_list){items, src->count};
  return 0;
}

static int copy_field(apic__arena *a, const apic_field_desc *f, char *dst, const char *src, int depth)
{
  if (f->flags & APIC_F_NULLABLE)
    *(bool *)(dst + f->null_offset) = *(const bool *)(src + f->null_offset);
  if (f->type->type == APIC_T_ENUM && copy_text(a, (const char **)(dst + f->unknown_offset),
                                                *(const char *const *)(src + f->unknown_offset)) != 0)
    return APIC_ERR_NOMEM;
  if (f->type->type == APIC_T_BYTES) {
    apic_bytes from = {*(const uint8_t *const *)(src + f->offset), *(const size_t *)(src + f->count_offset)}, to;
    int rc = copy_bytes(a, &to, &from);
    *(const uint8_t **)(dst + f->offset) = to.data;
    *(size_t *)(dst + f->count_offset) = to.len;
    return rc;
  }
  if (f->type->type == APIC_T_ARRAY || f->type->type == APIC_T_MAP) {
    apic_list from = {*(const void *const *)(src + f->offset), *(const size_t *)(src + f->count_offset)}, to;
    int rc = copy_list(a, f->type, &to, &from, depth);
    *(const void **)(dst + f->offset) = to.items;
    *(size_t *)(dst + f->count_offset) = to.count;
    return rc;
  }
  if (!(f->flags & APIC_F_POINTER))
    return copy_value(a, f->type, dst + f->offset, src + f->offset, depth);
  const void *from = *(const void *const *)(src + f->offset);
  if (from == NULL)
    return 0;
  void *to = apic__arena_alloc(a, apic__elem_size(f->type));
  if (to == NULL)
    return APIC_ERR_NOMEM;
  *(void **)(dst + f->offset) = to;
  return copy_value(a, f->type, to, from, depth);
}

static int copy_fields(apic__arena *a, const apic_model_desc *m, char *dst, const char *src, int depth)
{
  for (size_t i = 0; i < m->nfields; i++) {
    int rc = copy_field(a, &m->fields[i], dst, src, depth + 1);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* A union: its kind, its variants (fields), and the tag and JSON of an unknown one. */
static int copy_union(apic__arena *a, const apic_union_desc *u, char *dst, const char *src, int depth)
{
  *(int *)(dst + u->kind_offset) = *(const int *)(src + u->kind_offset);
  if (u->discriminator != NULL &&
      (copy_text(a, (const char **)(dst + u->unknown_tag_offset), *(const char *const *)(src + u->unknown_tag_offset)) != 0 ||
       copy_text(a, (const char **)(dst + u->unknown_json_offset), *(const char *const *)(src + u->unknown_json_offset)) != 0))
    return APIC_ERR_NOMEM;
  return copy_fields(a, &u->variants, dst, src, depth);
}

/* One value of type t from src into dst (zeroed). */
static int copy_value(apic__arena *a, const apic_type_desc *t, void *dst, const void *src, int depth)
{
  if (depth > APIC__MAX_DEPTH * 2)
    return APIC_ERR_INVALID_ARG; /* a cycle the caller built */
  switch (t->type) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
  case APIC_T_UUID: return copy_text(a, dst, *(const char *const *)src);
  case APIC_T_BYTES: return copy_bytes(a, dst, src);
  case APIC_T_FILE: return copy_file(a, dst, src);
  case APIC_T_ANY: {
    const cJSON *j = *(const cJSON *const *)src;
    if (j == NULL)
      return 0;
    apic__json_hooks();
    cJSON *dup = cJSON_Duplicate(j, 1);
    if (dup == NULL || apic__arena_keep_json(a, dup) != 0)
      return APIC_ERR_NOMEM;
    *(const cJSON **)dst = dup;
    return 0;
  }
  case APIC_T_UNION: return copy_union(a, (const apic_union_desc *)t->model, dst, src, depth);
  case APIC_T_MODEL: return copy_fields(a, t->model, dst, src, depth);
  case APIC_T_ARRAY:
  case APIC_T_MAP: return copy_list(a, t, dst, src, depth);
  default: memcpy(dst, src, apic__elem_size(t)); return 0;
  }
}

void *apic_value_copy(const apic_type_desc *t, const void *value)
{
  apic__arena *a;
  void *copy = value != NULL ? apic__arena_new(apic__elem_size(t), 1024, &a) : NULL;
  if (copy != NULL && copy_value(a, t, copy, value, 0) != 0) {
    apic__arena_free(a);
    copy = NULL;
  }
  return copy;
}

void *apic_value_new(const apic_type_desc *t)
{
  return apic__arena_new(apic__elem_size(t), 256, NULL);
}

/* ---- comparisons ------------------------------------------------------------------------------- */

static int equal_value(const apic_type_desc *t, const void *x, const void *y, int depth);

static int equal_text(const char *x, const char *y)
{
  return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
}

static int equal_list(const apic_type_desc *t, const apic_list *x, const apic_list *y, int depth)
{
  int map = t->type == APIC_T_MAP;
  size_t size = map ? t->entry_size : apic__elem_size(t->item);
  if ((x->items == NULL) != (y->items == NULL) || x->count != y->count)
    return 0;
  for (size_t i = 0; i < x->count; i++) {
    const char *a = (const char *)x->items + i * size, *b = (const char *)y->items + i * size;
    if (map && !equal_text(*(const char *const *)a, *(const char *const *)b))
      return 0;
    if (!equal_value(t->item, map ? a + t->value_offset : a, map ? b + t->value_offset : b, depth + 1))
      return 0;
  }
  return 1;
}

static int equal_field(const apic_field_desc *f, const char *x, const char *y, int depth)
{
  if ((f->flags & APIC_F_NULLABLE) && *(const bool *)(x + f->null_offset) != *(const bool *)(y + f->null_offset))
    return 0;
  if (f->type->type == APIC_T_ENUM &&
      !equal_text(*(const char *const *)(x + f->unknown_offset), *(const char *const *)(y + f->unknown_offset)))
    return 0;
  if (f->type->type == APIC_T_BYTES) {
    apic_bytes a = {*(const uint8_t *const *)(x + f->offset), *(const size_t *)(x + f->count_offset)};
    apic_bytes b = {*(const uint8_t *const *)(y + f->offset), *(const size_t *)(y + f->count_offset)};
    return equal_value(f->type, &a, &b, depth);
  }
  if (f->type->type == APIC_T_ARRAY || f->type->type == APIC_T_MAP) {
    apic_list a = {*(const void *const *)(x + f->offset), *(const size_t *)(x + f->count_offset)};
    apic_list b = {*(const void *const *)(y + f->offset), *(const size_t *)(y + f->count_offset)};
    return equal_list(f->type, &a, &b, depth);
  }
  if (!(f->flags & APIC_F_POINTER))
    return equal_value(f->type, x + f->offset, y + f->offset, depth);
  const void *a = *(const void *const *)(x + f->offset), *b = *(const void *const *)(y + f->offset);
  return a == NULL || b == NULL ? a == b : equal_value(f->type, a, b, depth);
}

static int equal_fields(const apic_model_desc *m, const char *x, const char *y, int depth)
{
  for (size_t i = 0; i < m->nfields; i++)
    if (!equal_field(&m->fields[i], x, y, depth + 1))
      return 0;
  return 1;
}

static int equal_union(const apic_union_desc *u, const char *x, const char *y, int depth)
{
  if (*(const int *)(x + u->kind_offset) != *(const int *)(y + u->kind_offset))
    return 0;
  if (u->discriminator != NULL &&
      (!equal_text(*(const char *const *)(x + u->unknown_tag_offset), *(const char *const *)(y + u->unknown_tag_offset)) ||
       !equal_text(*(const char *const *)(x + u->unknown_json_offset), *(const char *const *)(y + u->unknown_json_offset))))
    return 0;
  return equal_fields(&u->variants, x, y, depth);
}

static int equal_value(const apic_type_desc *t, const void *x, const void *y, int depth)
{
  if (depth > APIC__MAX_DEPTH * 2)
    return 0;
  switch (t->type) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
  case APIC_T_UUID: return equal_text(*(const char *const *)x, *(const char *const *)y);
  case APIC_T_BYTES: {
    const apic_bytes *a = x, *b = y;
    return (a->data == NULL) == (b->data == NULL) && a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
  }
  case APIC_T_FILE: {
    const apic_file *a = x, *b = y;
    return equal_text(a->path, b->path) && equal_text(a->filename, b->filename) &&
           equal_text(a->content_type, b->content_type) &&
           equal_value(&apic_t_bytes, &(apic_bytes){a->data, a->len}, &(apic_bytes){b->data, b->len}, depth);
  }
  case APIC_T_INT: return *(const int64_t *)x == *(const int64_t *)y;
  case APIC_T_INT32: return *(const int32_t *)x == *(const int32_t *)y;
  case APIC_T_FLOAT: return *(const double *)x == *(const double *)y;
  case APIC_T_BOOL: return *(const bool *)x == *(const bool *)y;
  case APIC_T_ENUM: return *(const int *)x == *(const int *)y;
  case APIC_T_ANY: {
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    return a == NULL || b == NULL ? a == b : cJSON_Compare(a, b, 1);
  }
  case APIC_T_UNION: return equal_union((const apic_union_desc *)t->model, x, y, depth);
  case APIC_T_MODEL: return equal_fields(t->model, x, y, depth);
  case APIC_T_ARRAY:
  case APIC_T_MAP: return equal_list(t, x, y, depth);
  }
  return 0;
}

int apic_value_equal(const apic_type_desc *t, const void *a, const void *b)
{
  return a == NULL || b == NULL ? a == b : equal_value(t, a, b, 0);
}

/* ---- fields from response headers ------------------------------------------------------------------ */

/* The header's text as field f's value (at slot; obj is the struct), in the arena; 0, or nonzero
 * when it does not parse. */
static int header_value(apic__arena *a, const apic_field_desc *f, const char *text, void *slot, void *obj)
{
  char *end = NULL;
  switch (f->type->type) {
  case APIC_T_STRING:
    return copy_text(a, slot, text);
  case APIC_T_DATETIME:
    return apic_datetime_parse(text, NULL, NULL) == 0 ? copy_text(a, slot, text) : APIC_ERR_INVALID_ARG;
  case APIC_T_DATE:
    return apic_date_valid(text) ? copy_text(a, slot, text) : APIC_ERR_INVALID_ARG;
  case APIC_T_ENUM: /* a value this SDK does not know is 0, its text kept */
    *(int *)slot = 0;
    for (int i = 0; i < f->type->enumd->count; i++)
      if (strcmp(f->type->enumd->wire[i], text) == 0)
        return *(int *)slot = i + 1, 0;
    return copy_text(a, (void *)((char *)obj + f->unknown_offset), text);
  case APIC_T_UUID:
    return apic_uuid_valid(text) ? copy_text(a, slot, text) : APIC_ERR_INVALID_ARG;
  case APIC_T_INT:
  case APIC_T_INT32: {
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE ||
        (f->type->type == APIC_T_INT32 && (v < INT32_MIN || v > INT32_MAX)))
      return APIC_ERR_INVALID_ARG;
    if (f->type->type == APIC_T_INT32)
      *(int32_t *)slot = (int32_t)v;
    else
      *(int64_t *)slot = v;
    return 0;
  }
  case APIC_T_FLOAT: {
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
      return APIC_ERR_INVALID_ARG;
    *(double *)slot = v;
    return 0;
  }
  case APIC_T_BOOL:
    if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
      return APIC_ERR_INVALID_ARG;
    *(bool *)slot = text[0] == 't';
    return 0;
  default: return APIC_ERR_INVALID_ARG;
  }
}

int apic__set_headers(const apic_model_desc *m, void *value, const char *(*header)(const char *name, void *ctx),
                      void *ctx, apic_error **required)
{
  apic__arena *a = apic__arena_of(value);
  if (a == NULL)
    return APIC_ERR_INVALID_ARG;
  for (size_t i = 0; i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    const char *text = f->header != NULL ? header(f->header, ctx) : NULL;
    int rc = text == NULL ? APIC_ERR_INVALID_ARG : 0;
    void *slot = (char *)value + f->offset, *v = NULL;
    if (rc == 0 && (f->flags & APIC_F_POINTER) && (v = apic__arena_alloc(a, apic__elem_size(f->type))) == NULL)
      return APIC_ERR_NOMEM;
    if (rc == 0)
      rc = header_value(a, f, text, v != NULL ? v : slot, value);
    if (rc == APIC_ERR_NOMEM)
      return rc;
    if (rc == 0 && v != NULL)
      *(void **)slot = v;
    if (rc != 0 && f->header != NULL && required != NULL && !(f->flags & APIC_F_OPTIONAL)) {
      *required = apic_error_new(APIC_ERR_DECODE, text == NULL ? "the response has no %s header"
                                                                : "the response's %s header does not read as its type",
                                 f->header);
      return APIC_ERR_DECODE;
    }
  }
  return 0;
}

int apic_model_set_headers(const apic_model_desc *m, void *value, const char *(*header)(const char *name, void *ctx),
                           void *ctx)
{
  return apic__set_headers(m, value, header, ctx, NULL);
}

/* ---- messages about cJSON values (the mock's) -------------------------------------------------- */

void apic_json_describe(const cJSON *j, char *buf, size_t size)
{
  if (cJSON_IsString(j))
    snprintf(buf, size, "\"%.40s%s\"", j->valuestring, strlen(j->valuestring) > 40 ? "..." : "");
  else if (cJSON_IsNumber(j))
    snprintf(buf, size, "%.17g", j->valuedouble);
  else if (cJSON_IsBool(j))
    snprintf(buf, size, "%s", cJSON_IsTrue(j) ? "true" : "false");
  else if (cJSON_IsNull(j))
    snprintf(buf, size, "null");
  else
    snprintf(buf, size, cJSON_IsArray(j) ? "an array" : "an object");
}
