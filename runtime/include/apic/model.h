/* libapic: the table-driven model codec behind every generated model. A generated model is a
 * plain struct plus a table describing its fields (apic_model_desc); one path here decodes,
 * encodes, validates, copies, compares and frees any of them. docs/clients.md has the rule
 * users see; this header says how a field is stored.
 *
 * The ownership rule: what a caller builds is only read (every pointer member is const, so a
 * struct can point at literals and stack arrays); what libapic hands out (a decoded or copied
 * value) is one allocation tree, an arena, freed whole by apic_value_free.
 *
 * How a field is stored (the generated struct follows this; the table gives the offsets):
 *   string, datetime, date,  const char *          NULL: absent (a uuid is checked text)
 *   uuid
 *   int / int32 / float /    int64_t / int32_t / double / bool, or with APIC_F_POINTER a
 *   bool                     pointer to one (optional fields, fields with a default): NULL: absent
 *   bytes                    `const uint8_t *` at offset (NULL: absent), its length (size_t)
 *                            at count_offset; base64 text in JSON
 *   enum                     the C enum (an int; 0 is _UNKNOWN), or a pointer to one with
 *                            APIC_F_POINTER, plus `const char *` at unknown_offset: the wire
 *                            text of a value this SDK does not know (an integer enum's in
 *                            decimal)
 *   model, union             the struct by value, or a pointer to it with APIC_F_POINTER
 *   T[]                      `const T *` at offset, `size_t` count at count_offset
 *   map<T>                   entries {const char *key; T value;} at offset, count at
 *                            count_offset, in the JSON object's order (T may be an array:
 *                            its value is then a list {items, count})
 *   any                      `const cJSON *`       NULL: absent
 *   file                     an apic_file by value, or a pointer to one with APIC_F_POINTER
 *                            (multipart bodies only: it has no JSON form)
 *   nullable                 plus a `bool` at null_offset: true for JSON null
 * An array or map element T is stored inline: const char *, int64_t, int32_t, double, bool,
 * int (enum), const cJSON *, apic_bytes, apic_file, the model's or union's struct, or for an
 * array of arrays an apic_list.
 *
 * A union's struct (apic_union_desc) holds the C enum of its kind (an int: 0 is _UNKNOWN),
 * then one member per variant, stored as an optional field of the variant's type is (a
 * pointer, or text, a list, bytes: NULL when it is not the one held), then, with a
 * discriminator, two `const char *`: the tag and the JSON text of a variant this SDK does not
 * know. Exactly one variant is set (or, with a discriminator, the unknown JSON); the kind is
 * that variant's, or 0 in a value a caller builds (the set variant decides).
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

typedef enum apic_type {
  APIC_T_STRING, APIC_T_INT, APIC_T_FLOAT, APIC_T_BOOL, APIC_T_DATETIME, APIC_T_DATE,
  APIC_T_ANY, APIC_T_ENUM, APIC_T_MODEL, APIC_T_ARRAY, APIC_T_MAP, APIC_T_INT32, APIC_T_UUID,
  APIC_T_BYTES, APIC_T_UNION, APIC_T_FILE
} apic_type;

typedef struct apic_model_desc apic_model_desc;
typedef struct apic_enum_desc apic_enum_desc;

/** A type, as fields, elements and results name it. Scalars are libapic's (apic_t_string...);
 *  a model's or an enum's is a member of its desc; arrays and maps are built from those. */
typedef struct apic_type_desc {
  apic_type type;
  const apic_model_desc *model;        /* MODEL; UNION: an apic_union_desc's variants */
  const apic_enum_desc *enumd;         /* ENUM */
  const struct apic_type_desc *item;   /* ARRAY: the element type; MAP: the value type */
  size_t entry_size;                   /* MAP: sizeof one entry {const char *key; T value;} */
  size_t value_offset;                 /* MAP: offsetof the value in an entry */
} apic_type_desc;

APIC_EXPORT extern const apic_type_desc apic_t_string, apic_t_int, apic_t_float, apic_t_bool,
    apic_t_datetime, apic_t_date, apic_t_any, apic_t_int32, apic_t_uuid, apic_t_bytes, apic_t_file;

struct apic_enum_desc {
  const char *name;
  const char *const *wire; /* wire[i] is the text of C value i + 1 */
  int count;
  apic_type_desc type;     /* {APIC_T_ENUM, .enumd = this} */
  int integer;             /* 1: the values are JSON integers, wire[i] their decimal text */
};

enum {
  APIC_F_OPTIONAL = 1 << 0,    /* may be absent on the wire */
  APIC_F_NULLABLE = 1 << 1,    /* may be JSON null: a bool at null_offset */
  APIC_F_HAS_MIN = 1 << 2,
  APIC_F_HAS_MAX = 1 << 3,
  APIC_F_HAS_MIN_LEN = 1 << 4,
  APIC_F_HAS_MAX_LEN = 1 << 5,
  APIC_F_HAS_DEFAULT = 1 << 6, /* absent: the default applies (sent, and filled in on decode) */
  APIC_F_SENSITIVE = 1 << 7,   /* never in logs, errors or apic_value_dump's redacted text */
  APIC_F_POINTER = 1 << 8,     /* a scalar, enum or model member stored as a pointer */
  APIC_F_HEADER = 1 << 9,      /* an operation parameter sent as a request header (apic/op.h) */
  APIC_F_BODY = 1 << 10        /* a result's body, beside the response headers (apic/op.h) */
};

typedef struct apic_field_desc {
  const char *name;              /* the C name, for messages */
  const char *wire;              /* the JSON key (a header parameter: the header's name) */
  const apic_type_desc *type;
  unsigned flags;
  size_t offset, count_offset, unknown_offset, null_offset;
  double min, max;               /* with APIC_F_HAS_MIN / _MAX */
  size_t min_len, max_len;       /* with APIC_F_HAS_MIN_LEN / _MAX_LEN: code points, items or bytes */
  const char *pattern;           /* POSIX extended regular expression, or NULL */
  /* With APIC_F_HAS_DEFAULT: strings and date-times in def_text, ints, bools and enums (C
   * values) in def_int, floats in def_float; an array's items or a map's entries in def_items
   * (def_count of them; NULL: empty). */
  const char *def_text;
  int64_t def_int;
  double def_float;
  const char *header;            /* decoded from this response header, not from the body */
  const void *def_items;
  size_t def_count;
} apic_field_desc;

struct apic_model_desc {
  const char *name;              /* the spec's name: "Task" */
  size_t size;                   /* sizeof the struct */
  const apic_field_desc *fields;
  size_t nfields;
  apic_type_desc type;           /* {APIC_T_MODEL, .model = this} */
};

/** A union (the spec's `union`, docs/spec-language.md): its variants are the fields of
 *  `variants`, whose type is {APIC_T_UNION, .model = &variants}. With a discriminator, the
 *  variants are models told apart by the tag in that JSON member (tags[i] is variant i's); a
 *  tag this SDK does not know is kept, with the whole JSON object. Without, a value is told by
 *  its JSON type, and an object by the first model variant (in order) whose required fields
 *  it has all; a map variant takes any object. */
typedef struct apic_union_desc {
  apic_model_desc variants;
  const char *discriminator;          /* the tag's JSON key, or NULL */
  const char *const *tags;            /* with a discriminator: one per variant */
  size_t kind_offset;                 /* the kind: an int, 1 + the variant's index, 0 none */
  size_t unknown_tag_offset, unknown_json_offset; /* with a discriminator: const char * */
} apic_union_desc;

/** Array elements as libapic hands them over (a result of `Task[]`, an array of arrays'
 *  elements). Each generated `X_list` has this layout with items typed. */
typedef struct apic_list {
  const void *items;
  size_t count;
} apic_list;

/** Bytes (the spec's `bytes`) as an array element or a map value; a field has the same two
 *  members, `x` and `x_len`. */
typedef struct apic_bytes { const uint8_t *data; size_t len; } apic_bytes;

/** A file part of a multipart body (`file` in the spec): from a path, streamed from disk as
 *  it is sent (never read whole), or from len bytes in memory; not both. */
typedef struct apic_file {
  const char *path;          /* a file to send; NULL: data */
  const void *data;          /* or the bytes themselves */
  size_t len;
  const char *filename;      /* the part's filename; NULL: the path's last component (none for data) */
  const char *content_type;  /* NULL: guessed from the filename's extension, else application/octet-stream */
} apic_file;

/* Typed lists and map entries of scalars; generated SDKs add their models' and enums'. */
typedef struct apic_string_list { const char *const *items; size_t count; } apic_string_list;
typedef struct apic_int_list { const int64_t *items; size_t count; } apic_int_list;
typedef struct apic_float_list { const double *items; size_t count; } apic_float_list;
typedef struct apic_bool_list { const bool *items; size_t count; } apic_bool_list;
typedef struct apic_any_list { const cJSON *const *items; size_t count; } apic_any_list;
typedef struct apic_int32_list { const int32_t *items; size_t count; } apic_int32_list;
typedef struct apic_bytes_list { const apic_bytes *items; size_t count; } apic_bytes_list;
typedef struct apic_string_entry { const char *key; const char *value; } apic_string_entry;
typedef struct apic_int_entry { const char *key; int64_t value; } apic_int_entry;
typedef struct apic_float_entry { const char *key; double value; } apic_float_entry;
typedef struct apic_bool_entry { const char *key; bool value; } apic_bool_entry;
typedef struct apic_any_entry { const char *key; const cJSON *value; } apic_any_entry;
typedef struct apic_int32_entry { const char *key; int32_t value; } apic_int32_entry;
typedef struct apic_bytes_entry { const char *key; apic_bytes value; } apic_bytes_entry;
typedef struct apic_string_list_entry { const char *key; apic_string_list value; } apic_string_list_entry;
typedef struct apic_int_list_entry { const char *key; apic_int_list value; } apic_int_list_entry;
typedef struct apic_float_list_entry { const char *key; apic_float_list value; } apic_float_list_entry;
typedef struct apic_bool_list_entry { const char *key; apic_bool_list value; } apic_bool_list_entry;
typedef struct apic_any_list_entry { const char *key; apic_any_list value; } apic_any_list_entry;
typedef struct apic_int32_list_entry { const char *key; apic_int32_list value; } apic_int32_list_entry;
typedef struct apic_bytes_list_entry { const char *key; apic_bytes_list value; } apic_bytes_list_entry;
/* Map results of scalars (an operation's `-> map<int>`): the entries in the JSON object's order. */
typedef struct apic_string_map { const apic_string_entry *items; size_t count; } apic_string_map;
typedef struct apic_int_map { const apic_int_entry *items; size_t count; } apic_int_map;
typedef struct apic_int32_map { const apic_int32_entry *items; size_t count; } apic_int32_map;
typedef struct apic_float_map { const apic_float_entry *items; size_t count; } apic_float_map;
typedef struct apic_bool_map { const apic_bool_entry *items; size_t count; } apic_bool_map;

/* Values of optional scalars, for designated initializers: `.limit = APIC_INT(20)` points at
 * a compound literal that lives until the end of the enclosing block. */
#define APIC_INT(v) (&(const int64_t){(v)})
#define APIC_INT32(v) (&(const int32_t){(v)})
#define APIC_FLOAT(v) (&(const double){(v)})
#define APIC_BOOL(v) (&(const bool){(v)})
/** An optional enum: APIC_ENUM(torale_task_state, TORALE_TASK_STATE_PAUSED). */
#define APIC_ENUM(type, v) (&(const type){(v)})

/** @brief Decodes len bytes of JSON text (not necessarily NUL-terminated) into a new value of
 *  type t: a model's struct, or an apic_list for an array, or an apic_list of entries for a
 *  map. Absent fields with a default take it; absent required fields, wrong types, numbers out
 *  of range, text that is not UTF-8 and JSON nested deeper than 64 models (512 levels in
 *  `any`) are errors; unknown fields are skipped; unknown enum values become 0 and keep their
 *  text. @return 0 with *out (free it with apic_value_free), or APIC_ERR_DECODE with *err
 *  naming the JSON path ("$.items[3].created_at: expected an RFC 3339 date-time, got 12"),
 *  or APIC_ERR_NOMEM. */
APIC_EXPORT int apic_value_parse(const apic_type_desc *t, const char *text, size_t len, void **out,
                                 apic_error **err);

enum {
  APIC_DUMP_WIRE = 0,      /* exactly what would be sent */
  APIC_DUMP_REDACT = 1     /* @sensitive values written as "REDACTED": for logs and people */
};
/** @brief The value as compact JSON text (NUL-terminated; free it with apic_free), after the
 *  checks apic_value_validate makes. @return NULL with *err (INVALID_ARG naming the JSON path)
 *  or when out of memory. */
APIC_EXPORT char *apic_value_dump(const apic_type_desc *t, const void *value, unsigned how, apic_error **err);
/** @brief Checks what sending value would: required fields set, no count without its array,
 *  strings UTF-8, constraints, patterns, date-times, enum values, finite numbers.
 *  @retval APIC_ERR_INVALID_ARG with *err naming the first problem's JSON path. */
APIC_EXPORT int apic_value_validate(const apic_type_desc *t, const void *value, apic_error **err);
/** @brief A deep copy of value in a new arena (free with apic_value_free); NULL when out of
 *  memory. value may be caller-built or libapic's. */
APIC_EXPORT void *apic_value_copy(const apic_type_desc *t, const void *value);
/** @brief 1 when a and b hold the same values (absent, null and present kept apart). */
APIC_EXPORT int apic_value_equal(const apic_type_desc *t, const void *a, const void *b);
/** @brief A new value of type t with nothing set (all zero), in an arena of its own (free with
 *  apic_value_free); NULL when out of memory. */
APIC_EXPORT void *apic_value_new(const apic_type_desc *t);
/** @brief Frees a value libapic handed out (decoded or copied), with everything it points to.
 *  NULL is fine. Not for structs the caller built. */
APIC_EXPORT void apic_value_free(void *value);

/** @brief Sets the fields of model m in value (one libapic handed out) that name a response
 *  header (apic_field_desc.header) from header(name, ctx), parsing the text as the field's
 *  type. A header that does not parse leaves its field absent. @retval APIC_ERR_NOMEM */
APIC_EXPORT int apic_model_set_headers(const apic_model_desc *m, void *value,
                                       const char *(*header)(const char *name, void *ctx), void *ctx);

/** @brief What a JSON value is, as messages say it: 12, "abc" (cut at 40 bytes), null, true,
 *  an array, an object. The mock server words its 422 details the same. */
APIC_EXPORT void apic_json_describe(const cJSON *j, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
