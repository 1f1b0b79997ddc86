/* Shared by the model codec's files (arena.c, decode.c, encode.c, model.c); never installed. */
#ifndef APIC_CODEC_H
#define APIC_CODEC_H

#include <stdarg.h>
#include <stddef.h>

#include "apic/model.h"

#define APIC__MAX_DEPTH 64     /* nested models, arrays and maps */
#define APIC__MAX_ANY_DEPTH 512 /* levels inside an `any` value (and skipped unknown values) */

/* ---- arenas: every value libapic hands out is one ------------------------------------------- */

typedef struct apic__arena apic__arena;

/* A new arena whose first allocation is `size` zeroed bytes (the value), with room for about
 * `hint` bytes more. NULL when out of memory. */
void *apic__arena_new(size_t size, size_t hint, apic__arena **out);
/* The arena a value from apic__arena_new belongs to; NULL for memory that is not one. */
apic__arena *apic__arena_of(void *value);
/* size zeroed bytes, aligned for any type; NULL when out of memory. */
void *apic__arena_alloc(apic__arena *a, size_t size);
char *apic__arena_strndup(apic__arena *a, const char *s, size_t n);
/* Makes j part of the arena: deleted with it. Deletes j and fails when out of memory. */
int apic__arena_keep_json(apic__arena *a, cJSON *j);
void apic__arena_free(apic__arena *a);

/* ---- where a walk is, for messages ------------------------------------------------------------ */

/* A stack of object keys and array indexes; the "$.a[3].b" text is built only on failure. */
typedef struct apic__path {
  struct {
    const char *key; /* NULL: an array index */
    size_t key_len;
    size_t index;
  } frames[APIC__MAX_DEPTH * 2 + 8];
  size_t depth;
  char buf[512];
} apic__path;

size_t apic__path_push(apic__path *p, const char *key, size_t key_len, size_t index);
void apic__path_pop(apic__path *p, size_t old);
const char *apic__path_text(apic__path *p);
/* The first failure of a walk: *first takes code and *err (when err is not NULL) an error
 * "PATH: message"; later failures change nothing. */
void apic__fail(apic__path *p, apic_error **err, int *first, int code, const char *fmt, va_list ap);

/* ---- shared facts about types ------------------------------------------------------------------ */

/* Bytes one element of type t takes inline in an array or as a map value. */
size_t apic__elem_size(const apic_type_desc *t);
/* The empty array's items: not NULL, so an empty array is present. */
extern const char apic__empty[1];

/* apic_model_set_headers; with required not NULL, a field that is not optional whose header is
 * absent or does not read as its type is APIC_ERR_DECODE with *required saying which. */
int apic__set_headers(const apic_model_desc *m, void *value, const char *(*header)(const char *name, void *ctx),
                      void *ctx, apic_error **required);
/* Decodes len bytes of JSON text into field f of obj, a value in arena a (a result's body,
 * decoded into its struct). */
int apic__decode_field(apic__arena *a, const apic_field_desc *f, void *obj, const char *text, size_t len,
                       apic_error **err);

/* Encodes (or with out NULL only checks) one value of type t: apic_value_dump's work, with
 * the length. */
int apic__encode(const apic_type_desc *t, const void *value, unsigned how, char **out, size_t *len,
                 apic_error **err);
/* Scalar text as a query value or header: NULL when the field's type is not a scalar. buf
 * holds numbers. */
const char *apic__scalar_text(const apic_type_desc *t, const void *slot, const char *unknown, char *buf,
                              size_t size);
/* The shortest text that reads back as d ("0.1", "1e+300"); d must be finite. */
void apic__format_double(double d, char *buf, size_t size);
/* 1 when the len bytes at text are one JSON object (checked as the decoder reads JSON). */
int apic__json_object_valid(const char *text, size_t len);
/* 1 when the n bytes at s are UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int apic__utf8_valid(const char *s, size_t n);

#endif
