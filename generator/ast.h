/* The spec's abstract syntax tree. Every node carries its location. All nodes and strings
 * live in one arena (ast_arena) and are freed together, so a parse that stops half-way
 * (syntax errors, out of memory) never leaks. */
#ifndef APIC_AST_H
#define APIC_AST_H

#include <stddef.h>

typedef struct loc {
  int file; /* index in the source table (source.h) */
  int line; /* 1-based */
  int col;  /* 1-based, in bytes */
} loc;

/* ---- arena ---------------------------------------------------------------------------- */

typedef struct ast_arena ast_arena;
ast_arena *ast_arena_new(void);
void ast_arena_free(ast_arena *a);
/* Zeroed memory; aborts nothing: returns NULL when out of memory. */
void *ast_alloc(ast_arena *a, size_t size);
/* A hint: about size bytes are about to be allocated (a file's AST). Taking them in one block
 * spares the page faults of many smaller ones (bigmem.h). */
void ast_arena_reserve(ast_arena *a, size_t size);
char *ast_strndup(ast_arena *a, const char *s, size_t n);
char *ast_strdup(ast_arena *a, const char *s);

/* ---- values (defaults, annotation arguments) ---------------------------------------- */

typedef enum value_kind {
  VAL_STRING,
  VAL_INT,
  VAL_FLOAT,
  VAL_BOOL,
  VAL_NULL,
  VAL_IDENT,      /* an enum value name, e.g. `= active` */
  VAL_EMPTY_LIST, /* `[]` */
  VAL_LIST,       /* `["a", "b"]`: items */
  VAL_MAP,        /* `{"k": 1}` or `{}`: items, each with its key */
} value_kind;

typedef struct value {
  value_kind kind;
  loc at;
  const char *text; /* VAL_STRING (unescaped), VAL_IDENT, the spelling of numbers; a list's or
                       map's as written, one space after each ',' and ':' (for comparisons) */
  long long i;      /* VAL_INT, VAL_BOOL */
  double f;         /* VAL_FLOAT (and VAL_INT as a double) */
  struct value *items; /* VAL_LIST, VAL_MAP */
  struct value *next;  /* the next item */
  const char *key;     /* a VAL_MAP item's key */
} value;

/* ---- annotations: @name or @name(args) ------------------------------------------------ */

typedef struct arg {
  struct arg *next;
  const char *key; /* NULL for positional */
  loc key_at;
  value val;
} arg;

typedef struct annotation {
  struct annotation *next;
  const char *name;
  loc at;
  arg *args;
  int has_parens;
} annotation;

/* ---- types ------------------------------------------------------------------------------ */

typedef enum type_kind {
  TYPE_NAMED, /* a scalar, model or enum, resolved by the checker */
  TYPE_ARRAY, /* T[] */
  TYPE_GENERIC, /* NAME<T>: map<T>, and page<T> / stream<T> in return position */
  TYPE_REFUSED, /* written as another language would; the parser said what to write */
} type_kind;

typedef enum resolved_kind {
  R_UNRESOLVED,
  R_STRING,
  R_INT,
  R_FLOAT,
  R_BOOL,
  R_DATETIME,
  R_DATE,
  R_ANY,
  R_MODEL,
  R_ENUM,
  R_ARRAY,
  R_MAP,
  R_PAGE,
  R_STREAM,
  R_INT32,
  R_UUID,
  R_BYTES,
  R_UNION,
  R_FILE, /* a multipart field's file part */
  R_KIND_COUNT /* not a kind: how many there are */
} resolved_kind;

struct decl;

typedef struct type {
  type_kind kind;
  loc at;
  const char *name;     /* TYPE_NAMED, TYPE_GENERIC */
  struct type *inner;   /* TYPE_ARRAY, TYPE_GENERIC */
  resolved_kind rk;     /* set by the checker */
  struct decl *target;  /* R_MODEL, R_ENUM, R_UNION: the declaration */
} type;

/* ---- fields and parameters ----------------------------------------------------------- */

typedef struct doc {
  const char **lines;
  int count;
  int trailing; /* the last line was written after its item, on the item's line */
} doc;

typedef struct field {
  struct field *next;
  const char *name;
  loc at;
  doc doc;
  type *type;
  int optional;
  int nullable;
  value *def; /* default, or NULL */
  annotation *annos;
  int variant; /* a union's variant: stored as an optional field is, never sent as one */
} field;

/* ---- declarations -------------------------------------------------------------------- */

typedef struct enum_value {
  struct enum_value *next;
  const char *name;
  loc at;
  doc doc;
  const char *wire; /* NULL: same as name; an integer enum's value in decimal */
  int wire_is_int;  /* `= 10`, not `= "ten"` */
  loc wire_at;
  annotation *annos;
} enum_value;

typedef enum op_part_kind { PART_PATH, PART_QUERY, PART_HEADERS } op_part_kind;

typedef enum return_kind { RET_NONE, RET_TYPE } return_kind;

enum { BODY_FORM = 1, BODY_MULTIPART = 2 }; /* operation.body_form */

typedef struct operation {
  struct operation *next;
  const char *name;
  loc at;
  doc doc;
  const char *method;
  loc method_at;
  const char *path;
  loc path_at;
  field *path_params;   /* declared in path(...) */
  field *query_params;
  field *header_params;
  int has_path, has_query, has_headers; /* for "declared twice" on the part itself */
  type *body;           /* `body T`: JSON (a model, models) or raw (string, bytes) */
  int body_form;        /* BODY_FORM or BODY_MULTIPART: `body form(...)`, its fields in body_params */
  field *body_params;
  loc body_at;
  const char *content_type; /* `body T "type/subtype"`, or NULL */
  loc content_type_at;
  type *ret; /* NULL: no result */
  field *resp_headers;  /* `-> T headers(...)`: the response headers the result carries */
  int has_resp_headers;
  struct name_ref *errors; /* errors(...) */
  int has_errors;
  annotation *annos;
} operation;

typedef struct name_ref {
  struct name_ref *next;
  const char *name;
  loc at;
} name_ref;

typedef enum decl_kind { D_API, D_IMPORT, D_ENUM, D_MODEL, D_ERROR, D_UNION, D_RESOURCE } decl_kind;

typedef struct api_item {
  struct api_item *next;
  const char *key;
  loc at;
  value val;
  const char *call;      /* `auth = header("X")`: "header", val holds "X" */
  const char *name;      /* `scheme NAME = ...`: NAME; else NULL */
  loc name_at;
} api_item;

typedef struct decl {
  struct decl *next;
  decl_kind kind;
  const char *name; /* api name, type name, resource name; import: the path */
  loc at;
  loc end; /* the closing '}' of a block (api, enum, model, error, resource) */
  doc doc;
  annotation *annos;
  /* D_API */
  api_item *items;
  /* D_ENUM */
  enum_value *values;
  /* D_MODEL, D_ERROR; D_UNION: its variants */
  field *fields;     /* every field: once checked, the bases' (extends) first, then its own */
  field *own_fields; /* the fields it declares itself (the tail of fields when it has no bases) */
  struct name_ref *bases; /* extends A, B */
  /* D_ERROR */
  const char *status; /* "404" or "4XX" */
  loc status_at;
  /* D_RESOURCE */
  const char *path;
  operation *ops;
  /* checker scratch */
  int visit;
  int flattened; /* extends: 0 not yet, 1 under way, 2 done */
} decl;

/* A `//` comment, kept for the printer (apic fmt): where it starts, its text from the slashes to
 * the end of the line, and whether code comes before it on that line. */
typedef struct comment {
  int line, col;
  const char *text;
  int trailing;
} comment;

/* One parsed file. */
typedef struct ast_file {
  int file; /* source index */
  decl *decls;
} ast_file;

/* ---- helpers ------------------------------------------------------------------------- */

/* The annotation named name (without '@'), or NULL. */
const annotation *find_anno(const annotation *list, const char *name);
/* A field's or parameter's wire name: @json("..."), @header("...") for headers, else its name. */
const char *field_wire(const field *f);
/* The next {name} placeholder of a checked full path at or after *p: its name goes into name
 * (size bytes), *declared gets its declaration in op->path_params (NULL: an undeclared string
 * parameter), and *p moves past it. Returns 0 when there is none left. */
int next_path_param(const char **p, const operation *op, char *name, size_t size, const field **declared);
/* A resolved type's kind as the resolved spec names it (docs/spec-json.md): "string", "model"
 * (pages and streams too: their inner type is what is named), "unresolved" before checking. */
const char *type_kind_name(const type *t);
/* Whether a checked operation downloads (`-> bytes`: the body as it came, into memory or a sink). */
int op_downloads(const operation *op);
/* A download's `content_type` member: `content_type?: string @header("Content-Type")`, a
 * response header every `-> bytes` result struct has before the declared ones (static). */
const field *download_content_type(void);
/* Whether its result is a struct of its own, <op>_result (docs/clients.md): it declares response
 * headers, or it downloads (body, body_len and content_type). */
int op_result_is_struct(const operation *op);
/* Whether an enum's values are integers on the wire (`= 10`): its first value says. */
int enum_is_integer(const struct decl *e);
/* Whether s is a media type as a body's content type: type "/" subtype (RFC 9110 tokens), then
 * parameters in printable ASCII. */
int is_media_type(const char *s);
/* The Content-Type a checked operation's body is sent with: the one the spec gives, else
 * application/json, text/plain; charset=utf-8 (string), application/octet-stream (bytes),
 * application/x-www-form-urlencoded, multipart/form-data; NULL without a body. */
const char *body_content_type(const operation *op);
/* ---- auth schemes (docs/spec-language.md, "Auth") ------------------------------------- */

typedef enum auth_kind { AUTH_BEARER, AUTH_BASIC, AUTH_HEADER, AUTH_QUERY } auth_kind;

typedef struct auth_scheme {
  const char *name;  /* `scheme NAME = ...`; "api_key" for the one `auth = bearer` (and the like) declares */
  auth_kind kind;
  const char *param; /* AUTH_HEADER: the header; AUTH_QUERY: the query parameter; else NULL */
  loc at;
} auth_scheme;

#define MAX_SCHEMES 16

/* The scheme an api item spells (bearer, basic, header("X"), query("x")): 0 with *out, or -1. */
int auth_scheme_of(const api_item *it, auth_scheme *out);
/* The API's schemes in spec order, the one `auth = ...` declares itself first (at most
 * MAX_SCHEMES; items that spell none are skipped); returns how many. *def: the default's
 * index (`auth = ` a scheme or a name), -1 for none. */
int api_schemes(const struct decl *api, auth_scheme out[MAX_SCHEMES], int *def);
/* The scheme an operation uses: @auth(NAME)'s index, -1 for @auth(none) (or a name that is not
 * one), else def. */
int op_scheme(const operation *op, const auth_scheme *schemes, int n, int def);

/* The string argument of @name("..."), or NULL (also when given without one). */
const char *anno_string(const annotation *list, const char *name);

#endif
