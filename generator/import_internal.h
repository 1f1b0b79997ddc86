/* What the importer's files share (import.c drives; see docs/import.md for the rules):
 *   import_doc.c     reading documents: YAML/JSON through libfyaml, scalars, bounds, pointers
 *   import_ref.c     $ref: JSON pointers within a document and to other files
 *   import_names.c   names: types, fields, operations, enum values; collisions and keywords
 *   import_ast.c     building the spec's AST
 *   import_schema.c  schemas into types, models and enums
 *   import_union.c   unions held to the language's rule once every schema is mapped
 *   import_ops.c     paths and operations into resources, parameters, bodies, results, errors
 *   import_report.c  notes on what is not carried over, and why */
#ifndef APIC_IMPORT_INTERNAL_H
#define APIC_IMPORT_INTERNAL_H

#include <libfyaml.h>

#include "ast.h"
#include "import.h"
#include "names.h"
#include "strbuf.h"

/* Bounds on hostile input: nodes visited (YAML aliases can make a small file expand
 * exponentially), named schemas followed through one another, and documents loaded. */
#define IMP_NODE_BUDGET 2000000L /* the OpenAI spec visits 116,000 */
#define IMP_ALIAS_BUDGET 100000L
#define IMP_MAX_ALIAS_DEPTH 32
#define IMP_MAX_DOCS 64
#define IMP_MAX_ERRORS 50
/* Output order: declarations made for components come by component, then those made for
 * operations, by operation (imp_decl.owner). */
#define IMP_OWNER_OPS 1000000000

/* ---- documents (import_doc.c) ------------------------------------------------------ */

typedef struct imp_doc {
  char *path; /* as opened; relative $refs are resolved against its directory */
  char *text; /* the bytes the document was parsed from */
  struct fy_diag *diag;
  struct fy_document *fyd;
  struct fy_node *root;
} imp_doc;

/* A scalar as YAML 1.2's core schema (and JSON) reads it. */
typedef enum scalar_kind { SC_NONE, SC_STRING, SC_NULL, SC_BOOL, SC_INT, SC_FLOAT } scalar_kind;

/* ---- the language's gaps (import_report.c) ---------------------------------------- */

/* Constructs the spec language cannot say yet (docs/import.md lists them with the same words;
 * issue 15 adds them). Each has one reason, shared by every note about it: when the language
 * grows one, its mapping function starts carrying it and its notes stop. */
typedef enum imp_gap {
  GAP_COMPOSITION,
  GAP_BINARY,
  GAP_SCALAR_BODY,
  GAP_QUERY_MAP,
  GAP_NULLABLE_ITEMS,
  GAP_FIXED_QUERY,
  GAP_OPTIONAL_BODY,
  GAP_ANY_RESULT,
  GAP_NESTED,
  GAP_COUNT
} imp_gap;

const char *gap_why(imp_gap g);

/* ---- the importer's state ----------------------------------------------------------- */

typedef struct named named; /* a schema reached by $ref or under components (import_schema.c) */
typedef struct imp_union imp_union; /* a union made, to be settled (import_union.c) */

/* A declaration made, and where in the output it goes: ordered by the component or operation
 * that made it (owner), then by when. */
typedef struct imp_decl {
  decl *d;
  int owner;
  int seq;
} imp_decl;

typedef struct imp {
  const import_options *opt;
  ast_arena *arena;
  import_report *rep;
  FILE *diag;
  int errors;
  int oas; /* 20 (Swagger 2.0), 30 (OpenAPI 3.0) or 31 (3.1) */

  imp_doc *docs[IMP_MAX_DOCS];
  int ndocs;

  /* Where the walk is: the document and the JSON pointer of the node being mapped. */
  imp_doc *doc;
  strbuf ptr;
  long budget, alias_budget;
  int exhausted; /* a budget ran out (reported once) */

  int quiet;        /* > 0: errors are not reported (a second look at something mapped elsewhere) */
  int skip_keys;    /* the next schema's keys were checked by the caller (Swagger 2.0 parameters) */
  name_table notes_seen; /* "file pointer what" of every note: each is made once */
  int schema_depth; /* schemas within schemas being mapped */

  name_table refs;        /* "N#/pointer" (N: document index) -> named */
  name_table walked;      /* "ROOT/pointer" -> the node there (import_ref.c) */
  name_table named_types; /* the name a named model or enum is declared under -> named */
  named **work;      /* named schemas to map, in the order they were found */
  size_t nwork, work_cap;
  int alias_depth;

  name_table c_names;     /* snake_case names taken by types and resource_op pairs */
  name_table name_counts; /* a type name -> where its numbering resumes (import_names.c) */

  imp_decl *decls;
  size_t ndecls, decls_cap;
  name_table decl_names;   /* declared name -> decl */
  name_table model_places; /* model name -> where it was declared from (import_schema.c) */
  int owner;

  imp_union *unions; /* the unions made, in order */
  size_t nunions, unions_cap;

  struct imp_ops *ops;   /* import_ops.c's state */
  struct imp_auth *auth; /* import_auth.c's */
} imp;

/* ---- import_doc.c ------------------------------------------------------------------ */

/* Loads the document at path (already joined to its referrer's directory) once; NULL after
 * reporting why. at: the $ref that names it (NULL for the root). */
imp_doc *doc_load(imp *im, const char *path, struct fy_node *at);
/* The root document from text in memory, named name (its $refs to files resolve against it). */
imp_doc *doc_load_text(imp *im, const char *name, const char *text, size_t len);
void doc_free(imp_doc *d);

/* Every step to a node goes through these: aliases are followed and the budget counted. */
struct fy_node *node_deref(imp *im, struct fy_node *n);
/* The value of key in mapping n (NULL when absent or n is not a mapping). */
struct fy_node *node_get(imp *im, struct fy_node *n, const char *key);
int node_is_map(struct fy_node *n);
int node_is_seq(struct fy_node *n);
/* A scalar's text (NUL-terminated, the document's), or NULL for other nodes. */
const char *node_str(struct fy_node *n);
/* node_str, only when the scalar is a string (not a number, bool or null). */
const char *node_string(struct fy_node *n);
scalar_kind node_kind(struct fy_node *n);
/* A bool scalar's value, else dflt. */
int node_bool(struct fy_node *n, int dflt);
/* The 1-based line and column where n starts (0, 0 when not known). */
void node_at(struct fy_node *n, int *line, int *col);

/* Iterates over a mapping: *key and *val for each pair whose key is a scalar. */
int map_next(imp *im, struct fy_node *map, void **iter, const char **key, struct fy_node **val);
/* Iterates over a sequence. */
struct fy_node *seq_next(imp *im, struct fy_node *seq, void **iter);
int seq_count(struct fy_node *seq);

/* The JSON pointer of the place being mapped: push a key (escaped as ~0 ~1) or an index;
 * pop back to the length push returned. */
size_t ptr_push(imp *im, const char *key);
size_t ptr_push_index(imp *im, int i);
void ptr_pop(imp *im, size_t len);

/* Moves the walk to doc and pointer (a $ref's target); leave restores where it was. */
typedef struct imp_place {
  imp_doc *doc;
  char *ptr;
} imp_place;
void place_enter(imp *im, imp_place *saved, imp_doc *doc, const char *pointer);
void place_leave(imp *im, imp_place *saved);

/* ---- import_ref.c -------------------------------------------------------------------- */

/* The node a $ref names, read from n = {$ref: "..."} in the current document. Sets *doc and
 * *pointer (arena) to where it is. NULL after reporting an error (unresolvable, a cycle of
 * refs). n without $ref is returned as is. */
struct fy_node *ref_follow(imp *im, struct fy_node *n, imp_doc **doc, const char **pointer);
/* The node at pointer ("/a/b/0": what follows the '#') in root, or NULL. */
struct fy_node *walk_pointer(imp *im, struct fy_node *root, const char *pointer);
/* The $ref string of n, or NULL. */
const char *ref_of(imp *im, struct fy_node *n);
/* "N#/pointer", the key of a node reached by its document and pointer (arena; _into: appended
 * to out, for lookups that keep nothing). */
char *ref_key(imp *im, const imp_doc *doc, const char *pointer);
void ref_key_into(const imp *im, const imp_doc *doc, const char *pointer, strbuf *out);

/* ---- import_names.c --------------------------------------------------------------------- */

/* Raw text (a schema name, a title, "createTask") as a PascalCase type name ("CreateTask"),
 * unique among the C names already taken, which it then takes (arena). */
char *name_type(imp *im, const char *raw);
/* The same for a resource's operation: snake_case, unique in its resource and as
 * resource_op among the C names. scope: the resource's operation names. */
char *name_op(imp *im, name_table *scope, const char *resource, const char *raw);
/* A field, parameter or resource name: snake_case, a valid identifier that is no C keyword
 * and does not start with '_', unique in scope (arena). */
char *name_member(imp *im, name_table *scope, const char *raw);
/* An enum value's name for wire text: snake_case, not "unknown", unique in scope once
 * upper-cased (arena). */
char *name_enum_value(imp *im, name_table *scope, const char *wire);
/* Raw text in PascalCase into out (size bytes): "pet_store" -> "PetStore". */
void pascal_case(const char *raw, char *out, size_t size);

/* ---- import_ast.c ----------------------------------------------------------------------- */

char *imp_strdup(imp *im, const char *s);
char *imp_printf(imp *im, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
type *type_named(imp *im, const char *name);
type *type_array(imp *im, type *inner);
type *type_generic(imp *im, const char *name, type *inner);
/* A model, enum or error declaration, placed in the output (see imp_decl). */
decl *decl_new(imp *im, decl_kind kind, const char *name);
field *field_new(imp *im, const char *name, type *t);
/* Appends @name, with one argument v when v is not NULL, to *list. */
annotation *anno_add(imp *im, annotation **list, const char *name, value *v);
annotation *anno_add_keyed(imp *im, annotation **list, const char *name, const char *key, value *v);
value *value_string(imp *im, const char *s);
value *value_int(imp *im, long long i);
value *value_float(imp *im, double f); /* NULL for infinities and NaN */
value *value_ident(imp *im, const char *name);
value *value_of_kind(imp *im, value_kind k);
/* A description as doc lines (split at newlines, trailing blanks dropped). */
doc doc_text(imp *im, const char *text);
/* Appends one more line (or several) to d. */
void doc_append(imp *im, doc *d, const char *text);

/* ---- import_report.c ------------------------------------------------------------------- */

/* A note about key of the node being mapped (key NULL: the node itself); at locates it. */
void note(imp *im, struct fy_node *at, const char *key, int dropped, const char *why, const char *what_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* An error in the input: FILE:LINE:COL: error: MESSAGE (at the current pointer). */
void imp_error(imp *im, struct fy_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Notes every key of map not in known (NULL-terminated) nor ignored by design (x-*, example,
 * externalDocs...: docs/import.md) as not carried over. */
void note_unknown_keys(imp *im, struct fy_node *map, const char *const *known, const char *what);
/* Whether a key never changes what goes over the wire, and is left out by design. */
int key_ignored(const char *key);

/* ---- import_schema.c --------------------------------------------------------------------- */

/* What a schema becomes where it is used: a type (NULL: nothing the language can hold; the
 * caller decides, having been told why), whether null is allowed, and what the place using it
 * carries: constraints as annotations, a default, the description. */
typedef struct mapped {
  type *t;
  int nullable;
  annotation *annos;
  value *def;
  const char *desc;
  int deprecated;
} mapped;

/* Maps the schema n (in the current document, at the current pointer). place names a model or
 * enum it declares inline ("CreateTaskRequest"). */
void schema_map(imp *im, struct fy_node *n, const char *place, mapped *out);
/* Whether key is a schema keyword (Swagger 2.0 parameters mix them with their own). */
int schema_keyword(const char *key);
/* Maps every schema under components (or definitions), then those found by $ref on the way. */
void schemas_map_all(imp *im);
/* Maps the named schemas found since (by operations). */
void schemas_map_pending(imp *im);
/* The fields a schema holds, for an error's payload: a model's (copied), or those of an inline
 * object (its inline types named after place). NULL when it is not an object with properties. */
field *schema_fields(imp *im, struct fy_node *n, const char *place);
/* The declaration (model, enum, union) a mapped type names, or NULL. */
decl *mapped_decl(imp *im, const type *t);
/* The model a mapped type names, or NULL. */
decl *mapped_model(imp *im, const type *t);
/* Makes some required fields optional where models would contain themselves by value (a C
 * struct cannot), noting each. */
void schemas_break_cycles(imp *im);
void schemas_free(imp *im);

/* ---- import_union.c ---------------------------------------------------------------------- */

/* Records union d, made from the key (oneOf or anyOf) of the schema at the current place. */
void union_record(imp *im, decl *d, const char *key);
/* Once every schema is mapped: tagged unions lose their tag from their variant models, or their
 * discriminator when they cannot have one; a union the language's rule cannot tell apart
 * becomes any where it is used (noted). */
void unions_settle(imp *im);
void unions_free(imp *im);

/* ---- import_ops.c ---------------------------------------------------------------------- */

/* Maps every path's operations into resources, and their error responses into errors. */
void ops_map_all(imp *im);
/* Drops op's header parameter named header and query parameter named query (where its auth
 * scheme puts the credential), noting each at the current place; either may be NULL. */
void ops_drop_auth_params(imp *im, operation *op, const char *header, const char *query);
/* A comment the output carries before node (an operation: why paging was not inferred). */
const char *ops_comment(const imp *im, const void *node);
void ops_free(imp *im);

/* ---- import_check.c ---------------------------------------------------------------------- */

/* decls (the api first) printed, and checked: names the checker refuses are renamed (with their
 * uses) and the spec printed again. The text (caller frees), or NULL when out of memory; when it
 * still does not check, an internal error is reported and counted. */
char *import_check(imp *im, decl *decls, const char *(*comment_for)(const void *, const void *), const void *ctx);

/* ---- import_auth.c --------------------------------------------------------------------- */

/* Records operation op at the current place and its own `security` (NULL: the top level's). */
void auth_record(imp *im, operation *op, struct fy_node *op_security);
/* The api's auth (`auth = ...`, `scheme NAME = ...`) and each operation's @auth; notes what does
 * not fit (schemes the language cannot say, requirements of several schemes at once). */
void auth_apply(imp *im, decl *api);
/* An api block item (import.c): key = text, or key = call(text); NULL when out of memory. */
api_item *api_item_add(imp *im, decl *api, const char *key, const char *call, const char *text, value_kind k);
void auth_free(imp *im);

#endif
