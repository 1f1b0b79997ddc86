/* How a spec type is stored in the generated C (apic/model.h, docs/clients.md "Ownership"):
 * the one place that says which members a field makes and with which C types. The view model
 * writes them into the templates' c_decl; apic diff compares them between two specs. */
#ifndef APIC_CTYPES_H
#define APIC_CTYPES_H

#include <stddef.h>

#include "ast.h"
#include "frontend.h"

/* One struct member a field makes. */
typedef struct c_member {
  char name[512];
  char type[768];          /* "const char *", "int64_t", "const torale_task *" */
  const char *comment;     /* for the declaration, or NULL */
} c_member;

#define C_MAX_MEMBERS 3

/* The members field f makes in its struct, in order (the value, then x_count, x_len or
 * x_unknown, then x_null); nullable: whether its `| null` counts (parameters have none). prefix is the
 * api's (torale). Returns how many. */
int c_field_members(const char *prefix, const field *f, int nullable, c_member out[C_MAX_MEMBERS]);
/* Whether the value member is a pointer that may be NULL (APIC_F_POINTER): numbers, bools
 * and enums that are optional or have a default, models and unions that are optional or
 * nullable; a union's variants, which are stored as optional fields. */
int c_stored_by_pointer(const field *f, int nullable);
/* The C type of one value of type t stored in place (an array element, a map value, a value
 * member): "const char *", "int64_t", "torale_task", "apic_bytes", "apic_string_list" for an array. */
const char *c_value_type(const char *prefix, const type *t, char *buf, size_t size);
/* The typed list (suffix "list") or map entry ("entry") of values of type t: libapic's for
 * scalars (apic_string_list), the SDK's for models and enums (torale_task_entry); of an array
 * type, its list's (apic_string_list_entry). */
const char *c_collection(const char *prefix, const type *t, const char *suffix, char *buf, size_t size);
/* Which models and enums need a typed list (X_list: an array result or body, the elements of an
 * array of arrays), an entry (X_entry: a map's values), a list entry (X_list_entry: a map of
 * arrays' values) or a map (X_map: a map result): need(ctx, what, name) for each use (a name
 * may come more than once). */
enum { C_NEEDS_LIST = 1, C_NEEDS_ENTRY = 2, C_NEEDS_LIST_ENTRY = 4, C_NEEDS_MAP = 8, C_NEEDS_FROM_ERROR = 16 };
void c_collection_uses(const spec *s, void (*need)(void *ctx, int what, const char *name), void *ctx);
/* How an operation's result travels in the generated C (docs/clients.md, "Results"): text is
 * a `char *` freed with apic_free, numbers, bools and enums are values, everything else is
 * one value of its C type, freed whole. */
typedef struct c_result {
  char type[768];  /* the C type: "torale_task", "torale_task_list", "apic_int_map", "char", "int64_t" */
  char out[800];   /* the sync function's out parameter's type: "torale_task **", "char **", "int64_t *" */
  char lent[800];  /* what a callback is lent: "const torale_task *", "const char *", "int64_t" */
  char free_fn[800]; /* what frees one: "torale_task_free", "apic_free", "apic_value_free"; "" for values */
  char from[900];  /* the result from libapic's `result` (a pointer to it): "result", or for a value
                      "result != NULL ? *(const int64_t *)result : 0" */
  int by_value;
} c_result;

/* The C form of a result of type t (a model, a scalar, an array or a map of those). */
void c_result_of(const char *prefix, const type *t, c_result *out);
/* The C type an operation's body is passed as, by pointer (`const T *body`): the model's, its
 * _list for an array, <c_op>_body for a form or multipart body (c_op: the operation's C name),
 * char for a string (the text itself), apic_bytes for bytes. */
const char *c_body_type(const char *prefix, const operation *op, const char *c_op, char *buf, size_t size);
/* A model's or enum's C name: torale + TaskState -> torale_task_state (upper-cased on request). */
const char *c_decl_name(const char *prefix, const char *name, int upper, char *out, size_t size);

#endif
