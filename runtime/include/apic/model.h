/* libapic: the table-driven model runtime behind every generated model. A generated model is a
 * plain struct plus a table describing its fields (apic_model_desc); one path here decodes,
 * encodes, copies, compares, validates and frees any of them.
 *
 * How a field is stored (the generated struct follows this, the table gives the offsets):
 *   string, datetime, date   char *            NULL when absent or null
 *   int / float / bool       int64_t / double / bool
 *   enum                     the C enum (int) at offset, plus `char *` at aux_offset holding
 *                            the wire text of a value this SDK does not know (_UNKNOWN = 0)
 *   model                    the struct by value when required and not nullable, else a pointer
 *   T[]                      `T *` at offset and `size_t` count at count_offset
 *   map<T>, any              `cJSON *` (owned; a map is a JSON object, key order kept)
 *   optional or nullable     plus an apic_presence at presence_offset: absent, null or present
 */
#ifndef APIC_MODEL_H
#define APIC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum apic_presence { APIC_ABSENT = 0, APIC_NULL = 1, APIC_PRESENT = 2 } apic_presence;

typedef enum apic_type {
  APIC_T_STRING, APIC_T_INT, APIC_T_FLOAT, APIC_T_BOOL, APIC_T_DATETIME, APIC_T_DATE,
  APIC_T_ANY, APIC_T_ENUM, APIC_T_MODEL, APIC_T_ARRAY, APIC_T_MAP
} apic_type;

typedef struct apic_enum_desc {
  const char *name;
  const char *const *wire; /* wire[i] is the text of C value i + 1 */
  int count;
} apic_enum_desc;

typedef struct apic_model_desc apic_model_desc;

enum {
  APIC_F_OPTIONAL = 1 << 0,
  APIC_F_NULLABLE = 1 << 1,
  APIC_F_HAS_MIN = 1 << 2,
  APIC_F_HAS_MAX = 1 << 3,
  APIC_F_HAS_MIN_LEN = 1 << 4,
  APIC_F_HAS_MAX_LEN = 1 << 5,
  APIC_F_HAS_DEFAULT = 1 << 6,
  APIC_F_SENSITIVE = 1 << 7,
  APIC_F_BY_POINTER = 1 << 8, /* a model field stored as a pointer */
  APIC_F_HEADER = 1 << 9       /* an operation parameter sent as a request header (apic/op.h) */
};

typedef struct apic_field_desc {
  const char *name;  /* the C name, for messages */
  const char *wire;  /* the JSON key */
  apic_type type;
  apic_type item;    /* arrays: the element type; maps: the value type */
  unsigned flags;
  size_t offset, presence_offset, count_offset, aux_offset;
  const apic_model_desc *model;  /* model fields and arrays of models */
  const apic_enum_desc *enumd;   /* enum fields and arrays of enums */
  double min, max;               /* with APIC_F_HAS_MIN / _MAX */
  size_t min_len, max_len;       /* with APIC_F_HAS_MIN_LEN / _MAX_LEN */
  const char *pattern;           /* POSIX extended regular expression, or NULL */
  /* With APIC_F_HAS_DEFAULT: the default (strings and date-times in def_text, enums as C
   * values in def_int; an array default is always empty). */
  const char *def_text;
  int64_t def_int;
  double def_float;
} apic_field_desc;

struct apic_model_desc {
  const char *name; /* the spec's name: "Task" */
  size_t size;      /* sizeof the struct */
  const apic_field_desc *fields;
  size_t nfields;
};

/** @brief Fills obj with the defaults of the spec; no allocation except default strings.
 *  @retval APIC_ERR_NOMEM (obj is then cleared). */
APIC_EXPORT int apic_model_init(const apic_model_desc *m, void *obj);
/** @brief Frees everything obj holds and zeroes it; obj itself is the caller's. NULL is fine. */
APIC_EXPORT void apic_model_clear(const apic_model_desc *m, void *obj);
/** @brief Deep copy into dst (which holds nothing yet). On failure dst is left cleared. */
APIC_EXPORT int apic_model_copy(const apic_model_desc *m, void *dst, const void *src);
/** @brief 1 when a and b hold the same values (absent, null and present kept apart). */
APIC_EXPORT int apic_model_equal(const apic_model_desc *m, const void *a, const void *b);
/** @brief Decodes json into obj (which holds nothing yet). Absent fields that have a spec
 *  default take it; other absent required fields are an error. Unknown fields are ignored; unknown
 *  enum values become _UNKNOWN and keep their text. On failure obj is left cleared and *err
 *  (if not NULL) names the JSON path: "$.items[3].created_at: expected an RFC 3339 date-time,
 *  got 12". @retval APIC_ERR_DECODE, APIC_ERR_NOMEM. */
APIC_EXPORT int apic_model_from_json(const apic_model_desc *m, void *obj, const cJSON *json, apic_error **err);
/** @brief apic_model_from_json, allowed to move strings out of json instead of copying them
 *  (json stays valid to delete, but its strings read as null afterwards). For a tree the caller
 *  is about to delete: a response body. Needs cJSON to allocate through libapic's allocator, as
 *  it does unless the program calls cJSON_InitHooks itself. */
APIC_EXPORT int apic_model_from_json_take(const apic_model_desc *m, void *obj, cJSON *json, apic_error **err);
/** @brief Encodes obj; absent fields are left out, null ones written as null. Caller frees
 *  with cJSON_Delete. NULL when out of memory. */
APIC_EXPORT cJSON *apic_model_to_json(const apic_model_desc *m, const void *obj);
/** @brief apic_model_from_json on text (len bytes, not necessarily NUL-terminated). */
APIC_EXPORT int apic_model_parse(const apic_model_desc *m, void *obj, const char *text, size_t len, apic_error **err);
/** @brief apic_model_to_json as compact text; caller frees with free(). */
APIC_EXPORT char *apic_model_dump(const apic_model_desc *m, const void *obj);
/** @brief Checks required fields, constraints, patterns, date-times and enum values.
 *  @retval APIC_ERR_INVALID_ARG with *err naming the first problem by JSON path. */
APIC_EXPORT int apic_model_validate(const apic_model_desc *m, const void *obj, apic_error **err);

/** @brief What a JSON value is, as decode and validation messages say it: 12, "abc" (cut at
 *  40 bytes), null, true, an array, an object. The mock server words its 422 details the same. */
APIC_EXPORT void apic_json_describe(const cJSON *j, char *buf, size_t size);
/** @brief Sets the scalar field named name (its C name) from text, as a response header gives
 *  it: strings copied, numbers and booleans parsed. Marks it present.
 *  @retval APIC_ERR_INVALID_ARG no such scalar field, or text does not parse as its type. */
APIC_EXPORT int apic_model_set_text(const apic_model_desc *m, void *obj, const char *name, const char *text);

/** @brief A JSON array of one model, as an operation returning `Task[]` answers. Each
 *  generated `X_array` type has this layout with `items` typed (`torale_task *items`). */
typedef struct apic_model_array {
  void *items;  /* count structs of the model, owned */
  size_t count;
} apic_model_array;

/* The apic_model_* calls above for an array of model m; arr points to an apic_model_array (or
 * a generated X_array). Errors name paths from the array: "$[3].created_at: ...". */
/** @brief Decodes a JSON array (json borrowed) into arr (holding nothing yet); cleared on
 *  failure. @retval APIC_ERR_DECODE, APIC_ERR_NOMEM */
APIC_EXPORT int apic_model_array_from_json(const apic_model_desc *m, void *arr, const cJSON *json, apic_error **err);
/** @brief As apic_model_array_from_json, moving strings out of json (see apic_model_from_json_take). */
APIC_EXPORT int apic_model_array_from_json_take(const apic_model_desc *m, void *arr, cJSON *json, apic_error **err);
/** @brief apic_model_array_from_json on text (len bytes, not necessarily NUL-terminated). */
APIC_EXPORT int apic_model_array_parse(const apic_model_desc *m, void *arr, const char *text, size_t len,
                                       apic_error **err);
/** @brief The array as JSON; caller frees with cJSON_Delete. NULL when out of memory. */
APIC_EXPORT cJSON *apic_model_array_to_json(const apic_model_desc *m, const void *arr);
/** @brief The array as compact text; caller frees with free(). NULL when out of memory. */
APIC_EXPORT char *apic_model_array_dump(const apic_model_desc *m, const void *arr);
/** @brief Frees every element and the items, and zeroes arr; arr itself is the caller's. */
APIC_EXPORT void apic_model_array_clear(const apic_model_desc *m, void *arr);
/** @brief Deep copy into dst (holding nothing yet); on failure dst is left cleared. */
APIC_EXPORT int apic_model_array_copy(const apic_model_desc *m, void *dst, const void *src);
/** @brief 1 when both arrays hold equal elements in the same order. */
APIC_EXPORT int apic_model_array_equal(const apic_model_desc *m, const void *a, const void *b);
/** @brief apic_model_validate on every element. @retval APIC_ERR_INVALID_ARG */
APIC_EXPORT int apic_model_array_validate(const apic_model_desc *m, const void *arr, apic_error **err);

#ifdef __cplusplus
}
#endif
#endif
