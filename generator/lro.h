/* The @lro annotation of an operation read once, for the checker, the dump and the view model
 * (docs/spec-language.md, "Long-running operations"): the resource's status field, its terminal
 * values by role, and the operations that poll, watch and cancel it, resolved. */
#ifndef APIC_LRO_H_GEN
#define APIC_LRO_H_GEN

#include "ast.h"

/* The roles a terminal status value has, as @lro's keys name them. */
enum { LRO_SUCCESS, LRO_FAILED, LRO_CANCELLED, LRO_ROLES };
extern const char *const LRO_ROLE_KEYS[LRO_ROLES]; /* "success", "failed", "cancelled" */

typedef struct lro_op { /* an operation @lro names: "get" in the same resource, or "resource.op" */
  const char *ref;      /* as written; NULL: not given */
  const decl *resource; /* resolved (NULL: no such operation) */
  const operation *op;
} lro_op;

typedef struct lro_info {
  const annotation *a;
  const char *status, *error; /* field names; NULL: not given */
  lro_op poll, watch, cancel;
} lro_info;

/* Reads op's @lro (op in resource r; decls: the spec's, to resolve operations). 0 when it has
 * none. Unknown, repeated and badly typed keys are the checker's to report: the first string
 * value of each key is taken. */
int lro_read(const decl *decls, const decl *r, const operation *op, lro_info *out);

/* The wire text of a terminal value as written in @lro: an enum value's wire text (its name
 * when it has none or is not a value), else the text itself. */
const char *lro_wire(const field *status, const char *text);

/* Where the path parameter `name` of type t of an operation @lro names is filled from: the
 * resource's field of that name, else the start's path parameter of that name, else the
 * resource's `id`; the same rule as libapic's (runtime/src/op_lro.c). start_full: the start's full path. */
typedef enum lro_source { LRO_FROM_NONE, LRO_FROM_FIELD, LRO_FROM_START, LRO_FROM_ID } lro_source;
lro_source lro_fill(const decl *model, const char *start_full, const operation *start, const char *name,
                    const type *t);

/* The @accumulate field of a stream operation (its name), or NULL. */
const char *accumulate_field(const operation *op);

#endif
