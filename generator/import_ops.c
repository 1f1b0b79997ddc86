/* Paths and operations into resources (docs/import.md, "Operations"): an operation goes to the
 * resource of its first tag (or of its path's first segment, --by-path), named after its
 * operationId; parameters, the JSON body, the success result and the error responses are
 * mapped where the language has the construct and noted where it does not. Error responses
 * become error types, one per status, shared by the operations that answer with it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

#define MAX_PATH_PARAMS 32

static const char *const METHODS[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace", NULL};
static const char *const PATH_KEYS[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace",
                                        "parameters", "servers", "description", "$ref", NULL};
static const char *const OP_KEYS[] = {"tags", "description", "operationId", "parameters", "requestBody",
                                      "responses", "deprecated", "security", "callbacks", "servers",
                                      "consumes", "produces", "schemes", NULL};
static const char *const PARAM_KEYS[] = {"name", "in", "description", "required", "deprecated", "schema", "content",
                                         "style", "explode", "allowEmptyValue", "allowReserved", "collectionFormat",
                                         "$ref", NULL};
static const char *const BODY_KEYS[] = {"description", "content", "required", NULL};
static const char *const RESPONSE_KEYS[] = {"description", "content", "headers", "links", "schema", NULL};
static const char *const MEDIA_KEYS[] = {"schema", "encoding", NULL};

/* A resource being filled: its declaration and operation names so far. */
typedef struct resource_acc {
  decl *d;
  name_table op_names;
  operation **tail;
} resource_acc;

/* An operation's error response with a schema: to be shared by status (build_errors). */
typedef struct err_use {
  char status[4];       /* "404", "4XX" */
  const char *identity; /* the schema's: its $ref target, or its own place */
  struct fy_node *schema, *response;
  imp_doc *doc;
  const char *pointer; /* of the response */
  operation *op, *twin; /* twin: op's stream twin, which answers with the same errors */
  size_t seq; /* the order found: ties keep it */
} err_use;

typedef struct op_comment {
  const void *node;
  const char *text;
} op_comment;

typedef struct header_use {
  operation *op;
  field *f;
  imp_doc *doc;
  const char *pointer;
} header_use;

struct imp_ops {
  resource_acc **res;
  size_t nres, res_cap;
  name_table res_names; /* resource names taken */
  name_table res_keys;  /* a tag (or segment) as written -> its resource_acc */
  err_use *errs;
  size_t nerrs, errs_cap;
  op_comment *comments;
  size_t ncomments, comments_cap;
  header_use *headers;
  size_t nheaders, headers_cap;
  decl *errors; /* the error declarations, in status order */
};

/* The operation being built. */
typedef struct op_ctx {
  operation *op;
  const char *pascal; /* its name in PascalCase: inline types are named after it */
  name_table params;  /* its parameters' names: one scope for path, query and headers */
  struct {
    const char *wire;
    field *f;
  } path[MAX_PATH_PARAMS];
  int npath;
  struct fy_node *consumes, *produces; /* Swagger 2.0 */
  int has_result;
  type *stream_event; /* the events of a stream it also answers with (add_stream_op) */
  struct fy_node *json_media; /* the JSON form of a body taken as multipart: the stream twin's */
  imp_doc *json_doc;
  const char *json_pointer;
  name_table form_names; /* the fields of a form or multipart body */
} op_ctx;

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
  if (count < *cap)
    return 0;
  size_t n = *cap ? *cap * 2 : 64;
  void *grown = realloc(*items, n * size);
  if (grown == NULL)
    return -1;
  *items = grown;
  *cap = n;
  return 0;
}

static void append_field(field **list, field *f)
{
  while (*list != NULL)
    list = &(*list)->next;
  *list = f;
}

/* ---- media types ------------------------------------------------------------------------- */

/* application/json, anything+json, with or without parameters; * / * too. */
static int is_json_media(const char *mt)
{
  size_t n = strcspn(mt, ";");
  while (n > 0 && mt[n - 1] == ' ')
    n--;
  return (n == 16 && strncasecmp(mt, "application/json", 16) == 0) || (n > 5 && strncasecmp(mt + n - 5, "+json", 5) == 0) ||
         (n == 3 && strncmp(mt, "*/*", 3) == 0);
}

static int is_sse_media(const char *mt)
{
  return strncasecmp(mt, "text/event-stream", 17) == 0;
}

static int is_form_media(const char *mt)
{
  return strncasecmp(mt, "application/x-www-form-urlencoded", 33) == 0;
}

static int is_multipart_media(const char *mt)
{
  return strncasecmp(mt, "multipart/form-data", 19) == 0;
}

/* Whether a Swagger 2.0 consumes/produces list allows JSON (an absent one does). */
static int allows_json(imp *im, struct fy_node *list)
{
  if (list == NULL)
    return 1;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, list, &it)) != NULL;)
    if (node_str(v) != NULL && is_json_media(node_str(v)))
      return 1;
  return 0;
}

/* ---- resources ---------------------------------------------------------------------------- */

static resource_acc *resource_for(imp *im, const char *key)
{
  struct imp_ops *o = im->ops;
  resource_acc *r = name_table_get(&o->res_keys, key);
  if (r != NULL)
    return r;
  if (grow((void **)&o->res, &o->res_cap, o->nres, sizeof *o->res) != 0 || (r = calloc(1, sizeof *r)) == NULL ||
      name_table_init(&r->op_names) != 0) {
    free(r);
    im->rep->failed = 1;
    return NULL;
  }
  o->res[o->nres++] = r;
  int owner = im->owner;
  im->owner = IMP_OWNER_OPS; /* resources go last; decl_new orders them by creation */
  r->d = decl_new(im, D_RESOURCE, name_member(im, &o->res_names, key));
  im->owner = owner;
  if (r->d != NULL) {
    r->d->path = "";
    r->tail = &r->d->ops;
  }
  char *k = imp_strdup(im, key);
  if (k != NULL)
    name_table_put(&o->res_keys, k, r);
  return r->d != NULL ? r : NULL;
}

/* The path's first literal segment ("pets" of "/pets/{id}"), or "root". */
static const char *first_segment(imp *im, const char *path)
{
  while (*path == '/')
    path++;
  size_t n = strcspn(path, "/{?");
  return n > 0 ? imp_printf(im, "%.*s", (int)n, path) : "root";
}

/* The resource's path: the literal segments all its operations' paths start with. */
static void settle_resource_path(imp *im, resource_acc *r)
{
  const operation *first = r->d->ops;
  if (first == NULL)
    return;
  size_t common = strlen(first->path);
  for (const operation *op = first->next; op != NULL; op = op->next) {
    size_t i = 0;
    while (i < common && op->path[i] == first->path[i])
      i++;
    common = i;
  }
  /* Back to a segment boundary, before any placeholder. */
  const char *brace = memchr(first->path, '{', common);
  if (brace != NULL)
    common = (size_t)(brace - first->path);
  for (const operation *op = first; op != NULL; op = op->next)
    while (common > 0 && op->path[common] != '\0' && op->path[common] != '/')
      common--;
  while (common > 0 && first->path[common - 1] == '/')
    common--;
  r->d->path = imp_printf(im, "%.*s", (int)common, first->path);
  for (operation *op = r->d->ops; op != NULL; op = op->next)
    op->path += common;
}

/* ---- parameters ----------------------------------------------------------------------------- */

/* A type with a text form for a parameter: a scalar but bytes, or an enum (no model, union or any). */
static int is_scalar_type(imp *im, const type *t)
{
  const decl *d = t != NULL && t->kind == TYPE_NAMED ? mapped_decl(im, t) : NULL;
  return t != NULL && t->kind == TYPE_NAMED && strcmp(t->name, "any") != 0 && strcmp(t->name, "bytes") != 0 &&
         (d == NULL || d->kind == D_ENUM);
}

/* The type a parameter's schema maps to, where it is allowed: path and header parameters take
 * scalars, query parameters scalars and arrays of scalars. Returns NULL (noted) when dropped. */
static type *param_type(imp *im, struct fy_node *p, const char *in, const mapped *m)
{
  type *t = m->t;
  int scalar = is_scalar_type(im, t);
  int scalar_array = t != NULL && t->kind == TYPE_ARRAY && is_scalar_type(im, t->inner);
  if (scalar || (scalar_array && strcmp(in, "query") == 0))
    return t;
  if (t != NULL && strcmp(in, "query") == 0 && (t->kind == TYPE_GENERIC || mapped_model(im, t) != NULL)) {
    note(im, p, NULL, 1, gap_why(GAP_QUERY_MAP), "query parameter '%s'", node_str(node_get(im, p, "name")));
    return NULL;
  }
  if (t != NULL && t->kind == TYPE_ARRAY && strcmp(in, "query") == 0) {
    note(im, p, NULL, 1, "the language has only arrays of scalars in the query", "query parameter '%s'",
         node_str(node_get(im, p, "name")));
    return NULL;
  }
  note(im, p, NULL, 0, "the language has only scalar path and header parameters (a caller passes the text)",
       "%s parameter '%s' as a string", in, node_str(node_get(im, p, "name")));
  return type_named(im, "string");
}

/* How a query array is written: the language sends repeated keys (form, explode: true; 2.0's
 * multi); other styles are noted. */
static void note_style(imp *im, struct fy_node *p, const char *in, const type *t)
{
  const char *style = node_str(node_get(im, p, "style"));
  int explode = node_bool(node_get(im, p, "explode"), style == NULL || strcmp(style, "form") == 0);
  if (strcmp(in, "query") != 0 || t == NULL || t->kind != TYPE_ARRAY)
    return;
  if (im->oas == 20) {
    const char *cf = node_str(node_get(im, p, "collectionFormat"));
    if (cf == NULL || strcmp(cf, "multi") != 0)
      note(im, p, "collectionFormat", 0, "the language sends arrays as repeated keys", "collectionFormat '%s'",
           cf != NULL ? cf : "csv");
  } else if ((style != NULL && strcmp(style, "form") != 0) || !explode) {
    note(im, p, style != NULL ? "style" : "explode", 0, "the language sends arrays as repeated keys",
         "style '%s'%s", style != NULL ? style : "form", explode ? "" : " without explode");
  }
}

/* The schema of a parameter: 3.x's schema (or content's), or the 2.0 parameter itself. */
static struct fy_node *param_schema(imp *im, struct fy_node *p, size_t *pushed)
{
  *pushed = im->ptr.len;
  if (im->oas == 20) {
    void *it = NULL;
    const char *key;
    struct fy_node *v;
    while (map_next(im, p, &it, &key, &v)) /* its own keys and the schema's, side by side */
      if (!schema_keyword(key) && !key_ignored(key) && strcmp(key, "name") != 0 && strcmp(key, "in") != 0 &&
          strcmp(key, "collectionFormat") != 0 && strcmp(key, "allowEmptyValue") != 0 && strcmp(key, "$ref") != 0)
        note(im, p, key, 1, "apic import does not know it", "parameter keyword '%s'", key);
    im->skip_keys = 1;
    return p;
  }
  note_unknown_keys(im, p, PARAM_KEYS, "parameter keyword");
  struct fy_node *schema = node_get(im, p, "schema");
  if (schema != NULL) {
    ptr_push(im, "schema");
    return schema;
  }
  struct fy_node *content = node_get(im, p, "content");
  void *it = NULL;
  const char *mt;
  struct fy_node *media;
  if (map_next(im, content, &it, &mt, &media)) {
    note(im, p, "content", 0, "the language writes parameters as plain text", "a '%s' parameter as its schema's type", mt);
    ptr_push(im, "content");
    ptr_push(im, mt);
    ptr_push(im, "schema");
    return node_get(im, media, "schema");
  }
  return NULL;
}

/* Why a header parameter cannot be one of the language's, or NULL: OpenAPI says to ignore
 * Accept, Content-Type and Authorization, and the client sends some headers itself
 * (docs/spec-language.md, header parameters). */
static const char *header_refused(const char *name)
{
  static const char *const client[] = {"Accept", "Content-Type", "Authorization", "Idempotency-Key", "Last-Event-ID",
                                       "Host", "Content-Length", "Transfer-Encoding", "Connection", NULL};
  for (const char *const *c = client; *c != NULL; c++)
    if (strcasecmp(name, *c) == 0)
      return "the client sends that header itself";
  if (*name == '\0' || name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")] != '\0')
    return "it is not an HTTP header name";
  return NULL;
}

/* Whether another header parameter of op has this name, ignoring case. */
static int header_again(const operation *op, const char *name)
{
  for (const field *h = op->header_params; h != NULL; h = h->next)
    if (strcasecmp(field_wire(h), name) == 0)
      return 1;
  return 0;
}

static void map_body_schema(imp *im, op_ctx *oc, struct fy_node *schema, struct fy_node *at);
static void map_form_param(imp *im, op_ctx *oc, struct fy_node *p, const char *name);

/* Where a header parameter came from: the API's auth header, known only at the end, is no
 * parameter (ops_drop_auth_header). */
static void record_header(imp *im, operation *op, field *f)
{
  struct imp_ops *o = im->ops;
  if (grow((void **)&o->headers, &o->headers_cap, o->nheaders, sizeof *o->headers) != 0) {
    im->rep->failed = 1;
    return;
  }
  o->headers[o->nheaders++] = (header_use){op, f, im->doc, imp_strdup(im, im->ptr.data != NULL ? im->ptr.data : "#")};
}

void ops_drop_auth_params(imp *im, operation *op, const char *header, const char *query)
{
  const char *why = "it is where the operation's auth scheme puts the credential, which the client fills from its options";
  for (size_t i = 0; im->ops != NULL && header != NULL && i < im->ops->nheaders; i++) {
    header_use *u = &im->ops->headers[i];
    if (u->op != op || strcasecmp(field_wire(u->f), header) != 0)
      continue;
    for (field **link = &op->header_params; *link != NULL; link = &(*link)->next)
      if (*link == u->f) {
        *link = u->f->next;
        break;
      }
    op->has_headers = op->header_params != NULL;
    imp_place saved;
    place_enter(im, &saved, u->doc, u->pointer);
    note(im, NULL, NULL, 1, why, "header parameter '%s'", header);
    place_leave(im, &saved);
  }
  for (field **link = &op->query_params; query != NULL && *link != NULL;) {
    if (strcmp(field_wire(*link), query) != 0) {
      link = &(*link)->next;
      continue;
    }
    *link = (*link)->next;
    op->has_query = op->query_params != NULL;
    note(im, NULL, "parameters", 1, why, "query parameter '%s'", query);
  }
}

static void map_param(imp *im, op_ctx *oc, struct fy_node *p)
{
  const char *name = node_string(node_get(im, p, "name")), *in = node_str(node_get(im, p, "in"));
  if (name == NULL || in == NULL) {
    note(im, p, NULL, 1, "a parameter needs a name and a place (in)", "a parameter without name or in");
    return;
  }
  if (strcmp(in, "body") == 0) { /* Swagger 2.0 */
    size_t len = ptr_push(im, "schema");
    map_body_schema(im, oc, node_get(im, p, "schema"), p);
    ptr_pop(im, len);
    return;
  }
  if (strcmp(in, "formData") == 0) {
    map_form_param(im, oc, p, name);
    return;
  }
  if (strcmp(in, "cookie") == 0) {
    note(im, p, NULL, 1, "apic clients send no cookies", "cookie parameter '%s'", name);
    return;
  }
  const char *refused = strcmp(in, "header") == 0 ? header_refused(name) : NULL;
  if (refused == NULL && strcmp(in, "header") == 0 && header_again(oc->op, name))
    refused = "another header parameter has that name (header names ignore case)";
  if (refused != NULL) {
    note(im, p, NULL, 1, refused, "header parameter '%s'", name);
    return;
  }
  if (strcmp(in, "path") != 0 && strcmp(in, "query") != 0 && strcmp(in, "header") != 0) {
    note(im, p, "in", 1, "it is not a place a parameter can be", "parameter '%s' in '%s'", name, in);
    return;
  }
  size_t len;
  struct fy_node *schema = param_schema(im, p, &len);
  char pascal[128];
  pascal_case(name, pascal, sizeof pascal);
  mapped m = {0};
  schema_map(im, schema, imp_printf(im, "%s%s", oc->pascal, pascal), &m);
  ptr_pop(im, len);
  type *t = param_type(im, p, in, &m);
  if (t == NULL)
    return;
  note_style(im, p, in, t);
  if (m.nullable && !(schema == NULL))
    note(im, p, NULL, 0, "the language has no null parameters", "nullable parameter '%s' as a non-null one", name);
  field *f = field_new(im, name_member(im, &oc->params, name), t);
  if (f == NULL)
    return;
  int is_path = strcmp(in, "path") == 0;
  f->optional = !is_path && !node_bool(node_get(im, p, "required"), 0);
  f->def = m.def != NULL && m.def->kind != VAL_NULL && t == m.t ? m.def : NULL;
  f->annos = m.annos;
  f->doc = doc_text(im, node_string(node_get(im, p, "description")));
  if (f->doc.count == 0 && m.desc != NULL)
    f->doc = doc_text(im, m.desc);
  if (strcmp(in, "header") == 0)
    anno_add(im, &f->annos, "header", value_string(im, imp_strdup(im, name)));
  else if (!is_path && strcmp(f->name, name) != 0)
    anno_add(im, &f->annos, "json", value_string(im, imp_strdup(im, name)));
  if (node_bool(node_get(im, p, "deprecated"), 0) || m.deprecated)
    anno_add(im, &f->annos, "deprecated", NULL);
  if (is_path) {
    if (oc->npath == MAX_PATH_PARAMS) {
      note(im, p, NULL, 1, "the language takes at most 32 path parameters", "path parameter '%s'", name);
      return;
    }
    oc->path[oc->npath].wire = name;
    oc->path[oc->npath++].f = f;
    append_field(&oc->op->path_params, f);
  } else if (strcmp(in, "query") == 0) {
    append_field(&oc->op->query_params, f);
  } else {
    append_field(&oc->op->header_params, f);
    record_header(im, oc->op, f);
  }
}

/* The parameters of the path item and of the operation (which wins for the same name and in),
 * each mapped at its own place. */
static void map_params(imp *im, op_ctx *oc, struct fy_node *item_params, struct fy_node *op_params,
                       const char *item_pointer)
{
  struct fy_node *lists[2] = {item_params, op_params};
  for (int l = 0; l < 2; l++) {
    imp_place saved;
    if (l == 0)
      place_enter(im, &saved, im->doc, item_pointer);
    size_t len = ptr_push(im, "parameters");
    void *it = NULL;
    int i = 0;
    for (struct fy_node *p; (p = seq_next(im, lists[l], &it)) != NULL; i++) {
      size_t l2 = ptr_push_index(im, i);
      imp_doc *dc;
      const char *pointer;
      struct fy_node *target = ref_follow(im, p, &dc, &pointer);
      if (l == 0 && target != NULL) { /* overridden by the operation's own? */
        const char *name = node_str(node_get(im, target, "name")), *in = node_str(node_get(im, target, "in"));
        int overridden = 0;
        void *it2 = NULL;
        for (struct fy_node *q; name != NULL && in != NULL && (q = seq_next(im, op_params, &it2)) != NULL;) {
          imp_doc *d2;
          const char *p2;
          im->quiet++;
          struct fy_node *t2 = ref_follow(im, q, &d2, &p2);
          im->quiet--;
          overridden |= t2 != NULL && node_str(node_get(im, t2, "name")) != NULL &&
                        strcmp(node_str(node_get(im, t2, "name")), name) == 0 &&
                        node_str(node_get(im, t2, "in")) != NULL && strcmp(node_str(node_get(im, t2, "in")), in) == 0;
        }
        if (overridden)
          target = NULL;
      }
      if (target != NULL) {
        imp_place at;
        place_enter(im, &at, dc, pointer);
        map_param(im, oc, target);
        place_leave(im, &at);
      }
      ptr_pop(im, l2);
    }
    ptr_pop(im, len);
    if (l == 0)
      place_leave(im, &saved);
  }
}

/* The path with each {placeholder} renamed to its parameter's name (undeclared or repeated
 * ones get new names), a '/' first, and stray braces escaped (%7B, %7D); declared path
 * parameters the path does not have are dropped, noted. NULL when it has more placeholders
 * than the language takes. */
static const char *settle_path(imp *im, op_ctx *oc, const char *path)
{
  strbuf b = {0};
  int used[MAX_PATH_PARAMS] = {0}, count = 0;
  if (path[0] != '/')
    sb_append(&b, "/", 1);
  for (const char *p = path; *p != '\0';) {
    size_t len = *p == '{' ? strcspn(p + 1, "{}") : 0;
    if (*p != '{' || p[1 + len] != '}') {
      sb_puts(&b, *p == '{' ? "%7B" : *p == '}' ? "%7D" : (char[2]){*p, 0});
      p++;
      continue;
    }
    char *wire = imp_printf(im, "%.*s", (int)len, p + 1);
    const char *name = NULL;
    for (int i = 0; i < oc->npath && wire != NULL && name == NULL; i++)
      if (!used[i] && strcmp(oc->path[i].wire, wire) == 0)
        name = oc->path[i].f->name, used[i] = 1;
    if (name == NULL && wire != NULL) { /* undeclared (or again): a string parameter, declared */
      field *f = field_new(im, name_member(im, &oc->params, wire), type_named(im, "string"));
      if (f != NULL && f->name != NULL) {
        append_field(&oc->op->path_params, f);
        name = f->name;
      }
    }
    sb_printf(&b, "{%s}", name != NULL ? name : "v");
    count++;
    p += len + 2;
  }
  field **link = &oc->op->path_params;
  for (int i = 0; i < oc->npath; i++) {
    if (!used[i]) {
      note(im, NULL, "parameters", 1, "the path has no such placeholder", "path parameter '%s'", oc->path[i].wire);
      *link = (*link)->next;
    } else {
      link = &(*link)->next;
    }
  }
  char *out = b.failed || count > MAX_PATH_PARAMS ? NULL : imp_strdup(im, b.data != NULL ? b.data : "/");
  sb_free(&b);
  return out;
}

/* ---- bodies -------------------------------------------------------------------------------- */

/* A JSON body's schema as its type: a model, a union, or an array of those (an inline object
 * is declared as <Operation>Request). NULL, noted, for other schemas. */
static type *json_body_type(imp *im, op_ctx *oc, struct fy_node *schema)
{
  mapped m;
  schema_map(im, schema, imp_printf(im, "%sRequest", oc->pascal), &m);
  const type *item = m.t != NULL && m.t->kind == TYPE_ARRAY ? m.t->inner : m.t;
  const decl *d = mapped_decl(im, item);
  if (d != NULL && (d->kind == D_MODEL || d->kind == D_UNION))
    return m.t;
  note(im, schema, NULL, 1, gap_why(GAP_SCALAR_BODY), "a JSON body that is not a model or a union");
  return NULL;
}

static void map_body_schema(imp *im, op_ctx *oc, struct fy_node *schema, struct fy_node *at)
{
  if (im->oas == 20 && !allows_json(im, oc->consumes)) {
    note(im, at, NULL, 1, "apic clients speak JSON", "a body the operation consumes only as other media types");
    return;
  }
  if (oc->op->body_form) {
    note(im, at, NULL, 1, "an operation takes one body", "a JSON body beside form parameters");
    return;
  }
  oc->op->body = json_body_type(im, oc, schema);
}

/* 1 when a schema is binary data (format: binary; 3.1: contentMediaType without
 * contentEncoding; 2.0: type file), 2 when it is an array of that or may be one (oneOf, anyOf),
 * else 0. */
static int binary_kind(imp *im, struct fy_node *schema, int depth)
{
  imp_doc *dc;
  const char *pointer;
  im->quiet++;
  struct fy_node *n = ref_follow(im, schema, &dc, &pointer);
  im->quiet--;
  if (!node_is_map(n) || depth > IMP_MAX_ALIAS_DEPTH)
    return 0;
  const char *t = node_str(node_get(im, n, "type")), *f = node_str(node_get(im, n, "format"));
  if ((t == NULL || strcmp(t, "string") == 0) &&
      ((f != NULL && strcmp(f, "binary") == 0) ||
       (node_get(im, n, "contentMediaType") != NULL && node_get(im, n, "contentEncoding") == NULL)))
    return 1;
  if (t != NULL && strcmp(t, "file") == 0)
    return 1;
  if (t != NULL && strcmp(t, "array") == 0)
    return binary_kind(im, node_get(im, n, "items"), depth + 1) != 0 ? 2 : 0;
  int kind = 0;
  static const char *const keys[] = {"oneOf", "anyOf"};
  for (size_t k = 0; k < 2; k++) {
    void *it = NULL;
    for (struct fy_node *v; (v = seq_next(im, node_get(im, n, keys[k]), &it)) != NULL;) {
      int b = binary_kind(im, v, depth + 1);
      kind = b > kind ? b : kind;
    }
  }
  return kind;
}

static int listed(imp *im, struct fy_node *seq, const char *s)
{
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, seq, &it)) != NULL;)
    if (node_str(v) != NULL && strcmp(node_str(v), s) == 0)
      return 1;
  return 0;
}

/* A copy of a field's annotations but @json (the field's own list stays as it is). */
static annotation *annos_without_json(imp *im, const annotation *list)
{
  annotation *out = NULL, **tail = &out;
  for (const annotation *a = list; a != NULL; a = a->next) {
    annotation *copy = strcmp(a->name, "json") != 0 ? ast_alloc(im->arena, sizeof *copy) : NULL;
    if (copy == NULL)
      continue;
    *copy = *a;
    copy->next = NULL;
    *tail = copy;
    tail = &copy->next;
  }
  return out;
}

/* The field of model with this wire name, or NULL. */
static const field *model_field(const decl *model, const char *wire)
{
  for (const field *f = model != NULL ? model->fields : NULL; f != NULL; f = f->next)
    if (strcmp(field_wire(f), wire) == 0)
      return f;
  return NULL;
}

/* One field of a form or multipart body, from the schema at the current place: a scalar, an
 * enum or an array of those; in multipart also binary data as a file part (file, file[]), and
 * anything else as a string holding its JSON text (noted). */
static void add_form_field(imp *im, op_ctx *oc, const decl *model, const char *wire, struct fy_node *schema,
                           int required)
{
  int multi = oc->op->body_form == BODY_MULTIPART;
  int bin = multi ? binary_kind(im, schema, 0) : 0;
  const field *known = model_field(model, wire);
  mapped m = {0};
  type *t;
  if (known != NULL && bin == 0) { /* the field of the model the body's schema is: its type, mapped once */
    m = (mapped){known->type, known->nullable, annos_without_json(im, known->annos), known->def, NULL, 0};
    m.desc = known->doc.count > 0 ? known->doc.lines[0] : NULL;
  }
  if (bin != 0) {
    im->skip_keys = 0;
    t = bin == 2 ? type_array(im, type_named(im, "file")) : type_named(im, "file");
    m.desc = node_string(node_get(im, schema, "description"));
    if (bin == 2 && node_get(im, schema, "type") == NULL)
      note(im, schema, NULL, 0, "a file part is one file or a list of them", "multipart field '%s', a file or files, as files",
           wire);
  } else {
    char pascal[128];
    pascal_case(wire, pascal, sizeof pascal);
    if (known == NULL && node_get(im, schema, "properties") == NULL) /* an inline object would be a model */
      schema_map(im, schema, imp_printf(im, "%sRequest%s", oc->pascal, pascal), &m);
    t = m.t;
    int fits = is_scalar_type(im, t) || (t != NULL && t->kind == TYPE_ARRAY && is_scalar_type(im, t->inner));
    if (!fits && !multi) {
      note(im, schema, NULL, 1, "a form field is a scalar, an enum or an array of those", "form field '%s'", wire);
      return;
    }
    if (!fits) {
      note(im, schema, NULL, 0, "a multipart field is a scalar, an enum, a file or an array of those",
           "multipart field '%s' as a string holding its JSON text", wire);
      t = type_named(im, "string");
      m.annos = NULL;
      m.def = NULL;
    }
    if (m.nullable)
      note(im, schema, NULL, 0, "the language has no null parameters", "nullable field '%s' as a non-null one", wire);
  }
  field *f = field_new(im, name_member(im, &oc->form_names, wire), t);
  if (f == NULL)
    return;
  f->optional = !required;
  f->def = m.def != NULL && m.def->kind != VAL_NULL ? m.def : NULL;
  f->annos = m.annos;
  f->doc = doc_text(im, m.desc);
  if (strcmp(f->name, wire) != 0)
    anno_add(im, &f->annos, "json", value_string(im, imp_strdup(im, wire)));
  if (m.deprecated)
    anno_add(im, &f->annos, "deprecated", NULL);
  append_field(&oc->op->body_params, f);
}

/* The properties of an object schema (through $ref and allOf) as a form's or multipart's
 * fields. */
static void add_form_fields(imp *im, op_ctx *oc, struct fy_node *schema, int depth)
{
  imp_doc *dc;
  const char *pointer;
  const decl *model = NULL;
  if (ref_of(im, schema) != NULL) { /* a named model: its fields' types are mapped already */
    mapped m;
    schema_map(im, schema, "Form", &m);
    model = mapped_model(im, m.t);
  }
  struct fy_node *n = ref_follow(im, schema, &dc, &pointer);
  if (!node_is_map(n) || depth > IMP_MAX_ALIAS_DEPTH)
    return;
  imp_place saved;
  place_enter(im, &saved, dc, pointer);
  size_t len = ptr_push(im, "allOf");
  void *it = NULL;
  int i = 0;
  for (struct fy_node *p; (p = seq_next(im, node_get(im, n, "allOf"), &it)) != NULL; i++) {
    size_t l2 = ptr_push_index(im, i);
    add_form_fields(im, oc, p, depth + 1);
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  struct fy_node *required = node_get(im, n, "required");
  len = ptr_push(im, "properties");
  const char *key;
  struct fy_node *prop;
  it = NULL;
  while (map_next(im, node_get(im, n, "properties"), &it, &key, &prop)) {
    size_t l2 = ptr_push(im, key);
    add_form_field(im, oc, model, key, prop, listed(im, required, key));
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  static const char *const unions[] = {"oneOf", "anyOf", "additionalProperties"};
  for (size_t k = 0; k < 3; k++)
    if (node_get(im, n, unions[k]) != NULL && !(node_kind(node_get(im, n, unions[k])) == SC_BOOL))
      note(im, n, unions[k], 1, "apic import takes a form's fields from its schema's properties", "'%s' of a form body",
           unions[k]);
  place_leave(im, &saved);
}

/* A Swagger 2.0 formData parameter: a field of the operation's form body, multipart when the
 * operation consumes multipart/form-data or the parameter is a file. */
static void map_form_param(imp *im, op_ctx *oc, struct fy_node *p, const char *name)
{
  if (oc->op->body != NULL) {
    note(im, p, NULL, 1, "an operation takes one body", "form parameter '%s' beside a JSON body", name);
    return;
  }
  int multi = binary_kind(im, p, 0) != 0;
  void *it = NULL;
  for (struct fy_node *v; (v = seq_next(im, oc->consumes, &it)) != NULL;)
    multi |= node_str(v) != NULL && is_multipart_media(node_str(v));
  if (oc->op->body_form != BODY_MULTIPART)
    oc->op->body_form = multi ? BODY_MULTIPART : BODY_FORM;
  size_t len;
  struct fy_node *schema = param_schema(im, p, &len);
  add_form_field(im, oc, NULL, name, schema, node_bool(node_get(im, p, "required"), 0));
  ptr_pop(im, len);
}

/* Whether a media type carries bytes rather than text. */
static int binary_media(const char *mt, struct fy_node *media, imp *im)
{
  if (binary_kind(im, node_get(im, media, "schema"), 0) == 1)
    return 1;
  static const char *const kinds[] = {"image/", "audio/", "video/", "application/octet-stream", "application/zip",
                                      "application/pdf", "application/gzip", NULL};
  for (const char *const *k = kinds; *k != NULL; k++)
    if (strncasecmp(mt, *k, strlen(*k)) == 0)
      return 1;
  return 0;
}

/* A body that is neither JSON nor a form: bytes as they are, or text (text/..., XML, a string
 * schema), with the media type as its content type. */
static void map_raw_body(imp *im, op_ctx *oc, const char *mt, struct fy_node *media)
{
  struct fy_node *schema = node_get(im, media, "schema");
  const char *t = node_str(node_get(im, schema, "type"));
  int text = !binary_media(mt, media, im) &&
             (strncasecmp(mt, "text/", 5) == 0 || strstr(mt, "xml") != NULL || (t != NULL && strcmp(t, "string") == 0));
  oc->op->body = type_named(im, text ? "string" : "bytes");
  if (strchr(mt, '*') != NULL || !is_media_type(mt)) {
    note(im, media, NULL, 0, "a body is sent with one content type, a media type (type/subtype)",
         "a '%s' body sent as %s", mt, text ? "text/plain" : "application/octet-stream");
    return;
  }
  if (strcasecmp(mt, text ? "text/plain" : "application/octet-stream") != 0)
    oc->op->content_type = imp_strdup(im, mt);
  if (text && schema != NULL && t != NULL && strcmp(t, "string") != 0)
    note(im, schema, NULL, 0, "a body that is not JSON is sent as it is", "a '%s' body of type %s as text", mt, t);
}

/* How much a body's form is preferred (lower first): multipart/form-data (it carries files, which
 * JSON cannot, and the stream twin takes the JSON form), JSON, a form, raw data; other
 * multipart kinds are not carried (-1). */
static int body_rank(const char *mt)
{
  if (is_multipart_media(mt))
    return 0;
  if (strncasecmp(mt, "multipart/", 10) == 0)
    return -1;
  return is_json_media(mt) ? 1 : is_form_media(mt) ? 2 : 3;
}

/* The form taken: JSON, form(...) or multipart(...) from the schema's properties, or raw. */
static void map_body_media(imp *im, op_ctx *oc, const char *mt, struct fy_node *media)
{
  size_t len = ptr_push(im, mt);
  note_unknown_keys(im, media, MEDIA_KEYS, "media type keyword");
  if (node_get(im, media, "encoding") != NULL)
    note(im, media, "encoding", 1, "the language sends each part with its own type", "the parts' encoding");
  struct fy_node *schema = node_get(im, media, "schema");
  ptr_push(im, "schema");
  if (is_json_media(mt)) {
    oc->op->body = json_body_type(im, oc, schema);
  } else if (is_form_media(mt) || is_multipart_media(mt)) {
    oc->op->body_form = is_form_media(mt) ? BODY_FORM : BODY_MULTIPART;
    add_form_fields(im, oc, schema, 0);
    if (oc->op->body_params == NULL) {
      note(im, schema, NULL, 1, "apic import takes a form's fields from its schema's properties",
           "a '%s' body without properties", mt);
      oc->op->body_form = 0;
    }
  } else {
    ptr_pop(im, len);
    ptr_push(im, mt);
    map_raw_body(im, oc, mt, media);
  }
  ptr_pop(im, len);
}

static void map_request_body(imp *im, op_ctx *oc, struct fy_node *rb)
{
  imp_doc *dc;
  const char *pointer;
  size_t len = ptr_push(im, "requestBody");
  struct fy_node *body = ref_follow(im, rb, &dc, &pointer);
  imp_place saved;
  place_enter(im, &saved, dc, pointer);
  note_unknown_keys(im, body, BODY_KEYS, "request body keyword");
  struct fy_node *content = node_get(im, body, "content");
  const char *mt, *best_mt = NULL;
  struct fy_node *media, *best = NULL;
  int best_rank = 0;
  void *it = NULL;
  while (map_next(im, content, &it, &mt, &media)) {
    int rank = body_rank(mt);
    if (rank >= 0 && (best == NULL || rank < best_rank))
      best = media, best_mt = mt, best_rank = rank;
  }
  size_t l2 = ptr_push(im, "content");
  it = NULL;
  while (map_next(im, content, &it, &mt, &media)) {
    if (media == best)
      continue;
    if (best != NULL && is_multipart_media(best_mt) && is_json_media(mt) && oc->json_media == NULL) {
      size_t l3 = ptr_push(im, mt); /* noted with the operation's streams known (note_json_form) */
      oc->json_media = media;
      oc->json_doc = im->doc;
      oc->json_pointer = imp_strdup(im, im->ptr.data);
      ptr_pop(im, l3);
      continue;
    }
    note(im, media, mt, 1,
         best == NULL ? "the language sends multipart/form-data only"
                      : imp_printf(im, "an operation takes one body: its '%s' form is carried", best_mt),
         "the '%s' form of the body", mt);
  }
  if (best != NULL)
    map_body_media(im, oc, best_mt, best);
  ptr_pop(im, l2);
  if ((oc->op->body != NULL || oc->op->body_form) && !node_bool(node_get(im, body, "required"), 0))
    note(im, body, NULL, 0, gap_why(GAP_OPTIONAL_BODY), "an optional body as a required one");
  place_leave(im, &saved);
  ptr_pop(im, len);
}

/* The JSON form of a body taken as multipart: the stream twin's body, so that it is carried
 * too. NULL when there is none (the twin takes the multipart body). */
static type *twin_json_body(imp *im, op_ctx *oc)
{
  if (oc->json_media == NULL)
    return NULL;
  imp_place saved;
  place_enter(im, &saved, oc->json_doc, oc->json_pointer);
  size_t len = ptr_push(im, "schema");
  type *t = json_body_type(im, oc, node_get(im, oc->json_media, "schema"));
  ptr_pop(im, len);
  place_leave(im, &saved);
  return t;
}

/* The note on the JSON form of a body taken as multipart, once the stream twin is known. */
static void note_json_form(imp *im, op_ctx *oc)
{
  if (oc->json_media == NULL)
    return;
  imp_place saved;
  place_enter(im, &saved, oc->json_doc, oc->json_pointer);
  note(im, NULL, NULL, 1,
       oc->stream_event != NULL ? "an operation takes one body: its multipart form is carried (the JSON one by its stream twin)"
                                : "an operation takes one body: its multipart form is carried",
       "the JSON form of the body");
  place_leave(im, &saved);
}

/* ---- results --------------------------------------------------------------------------------- */

/* Why t cannot be a result (docs/spec-language.md, "Results"), or NULL: a model or a scalar, or
 * an array or map of those, can. */
static const char *result_problem(const type *t)
{
  const type *v = t->kind == TYPE_ARRAY || (t->kind == TYPE_GENERIC && strcmp(t->name, "map") == 0) ? t->inner : t;
  if (v->kind != TYPE_NAMED)
    return gap_why(GAP_NESTED);
  if (strcmp(v->name, "any") == 0)
    return gap_why(GAP_ANY_RESULT);
  if (strcmp(v->name, "bytes") == 0)
    return "a bytes result is a download, the body as it came, not base64 in JSON";
  return NULL;
}

/* The result type for a success schema (an inline object is declared as <Operation>Response);
 * NULL, noted, for what the language cannot return yet. */
static type *result_type(imp *im, op_ctx *oc, struct fy_node *schema, const char *suffix)
{
  mapped m;
  schema_map(im, schema, imp_printf(im, "%s%s", oc->pascal, suffix), &m);
  const char *why = m.t != NULL ? result_problem(m.t) : gap_why(GAP_BINARY);
  if (why == NULL)
    return m.t;
  note(im, schema, NULL, 1, why, "the result");
  return NULL;
}

/* An operation answering JSON or a stream (say, `stream: true` in the body): the stream is a
 * second operation, <name>_stream, after it, with the same request, but for a multipart body
 * that has a JSON form too: the twin takes that one, so that neither form is lost. */
static void add_stream_op(imp *im, op_ctx *oc, resource_acc *r)
{
  operation *s = ast_alloc(im->arena, sizeof *s);
  if (s == NULL) {
    im->rep->failed = 1;
    return;
  }
  *s = *oc->op;
  s->next = NULL;
  type *json = s->body_form == BODY_MULTIPART ? twin_json_body(im, oc) : NULL;
  if (json != NULL) { /* the body's JSON form, which the operation itself does not take */
    s->body_form = 0;
    s->body_params = NULL;
    s->body = json;
  }
  s->name = name_op(im, &r->op_names, r->d->name, imp_printf(im, "%s_stream", oc->op->name));
  s->ret = type_generic(im, "stream", oc->stream_event);
  s->resp_headers = NULL;
  s->has_resp_headers = 0;
  s->annos = NULL;
  if (find_anno(oc->op->annos, "deprecated") != NULL)
    anno_add(im, &s->annos, "deprecated", NULL);
  s->doc = (doc){NULL, 0, 0};
  doc_append(im, &s->doc, imp_printf(im, "%s, as server-sent events.", oc->op->name));
  *r->tail = s;
  r->tail = &s->next;
  for (size_t i = 0; i < im->ops->nerrs; i++) /* its errors, recorded before it was made */
    if (im->ops->errs[i].op == oc->op)
      im->ops->errs[i].twin = s;
}

/* The headers of a success response: scalars and enums the result carries beside its body
 * (`-> T headers(...)`); others, and any on a stream, are noted. */
static void map_response_headers(imp *im, op_ctx *oc, struct fy_node *resp)
{
  name_table scope;
  if (name_table_init(&scope) != 0) {
    im->rep->failed = 1;
    return;
  }
  static char body[] = "body", body_len[] = "body_len", content_type[] = "content_type"; /* the result's members */
  name_table_put(&scope, body, body);
  name_table_put(&scope, body_len, body_len);
  name_table_put(&scope, content_type, content_type);
  void *it = NULL;
  const char *name;
  struct fy_node *h;
  size_t len = ptr_push(im, "headers");
  while (map_next(im, node_get(im, resp, "headers"), &it, &name, &h)) {
    size_t l2 = ptr_push(im, name);
    imp_doc *dc;
    const char *pointer;
    struct fy_node *hd = ref_follow(im, h, &dc, &pointer);
    imp_place saved;
    place_enter(im, &saved, dc, pointer);
    const char *refused = header_refused(name);
    mapped m = {0};
    if (refused == NULL && hd != NULL) {
      size_t l3 = im->oas == 20 ? im->ptr.len : ptr_push(im, "schema");
      im->skip_keys = im->oas == 20;
      schema_map(im, im->oas == 20 ? hd : node_get(im, hd, "schema"), imp_printf(im, "%s%s", oc->pascal, name), &m);
      ptr_pop(im, l3);
    }
    if (refused == NULL && !is_scalar_type(im, m.t))
      refused = "a response header is a scalar or an enum";
    const type *ret = oc->op->ret;
    if (refused == NULL && ret != NULL && ret->kind == TYPE_GENERIC && strcmp(ret->name, "stream") == 0)
      refused = "a stream carries no response headers";
    field *f = refused == NULL ? field_new(im, name_member(im, &scope, name), m.t) : NULL;
    if (refused != NULL) {
      note(im, hd, NULL, 1, refused, "response header '%s'", name);
    } else if (f != NULL) {
      f->optional = !node_bool(node_get(im, hd, "required"), 0);
      f->annos = m.annos;
      f->doc = doc_text(im, node_string(node_get(im, hd, "description")));
      anno_add(im, &f->annos, "header", value_string(im, imp_strdup(im, name)));
      if (m.def != NULL)
        note(im, hd, NULL, 1, "a response header has no default", "the default of response header '%s'", name);
      append_field(&oc->op->resp_headers, f);
      oc->op->has_resp_headers = 1;
    }
    place_leave(im, &saved);
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  name_table_free(&scope);
}

/* The events of a stream: a model, or text (a string, or events of several kinds, as they come). */
static type *stream_event(imp *im, op_ctx *oc, struct fy_node *schema)
{
  mapped m;
  schema_map(im, schema, imp_printf(im, "%sEvent", oc->pascal), &m);
  const decl *d = mapped_decl(im, m.t);
  if ((d != NULL && (d->kind == D_MODEL || d->kind == D_UNION)) ||
      (m.t != NULL && m.t->kind == TYPE_NAMED && strcmp(m.t->name, "string") == 0))
    return m.t;
  note(im, schema, NULL, 0, "a stream's events are a model, a union or text", "events as text (stream<string>)");
  return type_named(im, "string");
}

/* A success response: its JSON schema is the result (else a text body's), an event stream a
 * stream<Event> (beside a JSON result: a second operation). */
static void map_success(imp *im, op_ctx *oc, struct fy_node *resp)
{
  note_unknown_keys(im, resp, RESPONSE_KEYS, "response keyword");
  if (node_get(im, resp, "links") != NULL)
    note(im, resp, "links", 1, "the language has no links between operations", "links");
  if (im->oas == 20) {
    struct fy_node *schema = node_get(im, resp, "schema");
    if (schema != NULL && !allows_json(im, oc->produces))
      note(im, schema, NULL, 1, "apic clients speak JSON", "a result the operation produces only as other media types");
    else if (schema != NULL && binary_kind(im, schema, 0) == 1)
      oc->op->ret = type_named(im, "bytes"); /* type: file, a download */
    else if (schema != NULL) {
      size_t len = ptr_push(im, "schema");
      oc->op->ret = result_type(im, oc, schema, "Response");
      ptr_pop(im, len);
    }
    oc->has_result = schema != NULL;
    map_response_headers(im, oc, resp);
    return;
  }
  struct fy_node *content = node_get(im, resp, "content"), *media, *body = NULL, *sse = NULL, *bin = NULL;
  const char *mt, *body_mt = NULL, *sse_mt = NULL;
  void *it = NULL;
  while (map_next(im, content, &it, &mt, &media)) { /* JSON first, else text, else bytes */
    if (is_sse_media(mt) && sse == NULL)
      sse = media, sse_mt = mt;
    else if (is_json_media(mt) && (body == NULL || !is_json_media(body_mt)))
      body = media, body_mt = mt;
    else if (body == NULL && !binary_media(mt, media, im))
      body = media, body_mt = mt;
    else if (bin == NULL && binary_media(mt, media, im))
      bin = media;
  }
  /* A JSON string beside binary forms (a download described twice): the download. */
  struct fy_node *bs = node_get(im, body, "schema");
  if (bin != NULL && body != NULL && node_str(node_get(im, bs, "type")) != NULL &&
      strcmp(node_str(node_get(im, bs, "type")), "string") == 0 && node_get(im, bs, "format") == NULL &&
      node_get(im, bs, "enum") == NULL)
    body = NULL;
  if (body != NULL)
    bin = NULL;
  size_t len = ptr_push(im, "content");
  it = NULL;
  while (map_next(im, content, &it, &mt, &media))
    if (media != body && media != sse && media != bin && !(bin != NULL && binary_media(mt, media, im)))
      note(im, media, mt, 1, "an operation has one result", "a '%s' result", mt); /* a download takes any type */
  if (bin != NULL) { /* a download: the body as it came, whatever its Content-Type */
    oc->op->ret = type_named(im, "bytes");
    body = bin; /* a stream beside it is a second operation */
  }
  oc->has_result = content != NULL && fy_node_mapping_item_count(content) > 0;
  if (body != NULL && bin == NULL) {
    size_t l2 = ptr_push(im, body_mt);
    note_unknown_keys(im, body, MEDIA_KEYS, "media type keyword");
    ptr_push(im, "schema");
    if (!is_json_media(body_mt)) { /* a text body: the result is the text */
      const char *t = node_str(node_get(im, node_get(im, body, "schema"), "type"));
      if (t == NULL || strcmp(t, "string") != 0)
        note(im, node_get(im, body, "schema"), NULL, 0, "a body that is not JSON is text", "a '%s' result as text",
             body_mt);
      oc->op->ret = type_named(im, "string");
    } else {
      oc->op->ret = result_type(im, oc, node_get(im, body, "schema"), "Response");
    }
    ptr_pop(im, l2);
  }
  if (sse != NULL) {
    size_t l2 = ptr_push(im, sse_mt);
    ptr_push(im, "schema");
    type *event = stream_event(im, oc, node_get(im, sse, "schema"));
    if (body != NULL)
      oc->stream_event = event;
    else
      oc->op->ret = type_generic(im, "stream", event);
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  map_response_headers(im, oc, resp);
}

/* ---- errors -------------------------------------------------------------------------------- */

static void record_error(imp *im, op_ctx *oc, const char *status, struct fy_node *resp)
{
  struct fy_node *schema = NULL;
  size_t len = im->ptr.len;
  if (im->oas == 20) {
    schema = node_get(im, resp, "schema");
    ptr_push(im, "schema");
  } else {
    const char *mt;
    struct fy_node *media;
    void *it = NULL;
    while (schema == NULL && map_next(im, node_get(im, resp, "content"), &it, &mt, &media))
      if (is_json_media(mt)) {
        schema = node_get(im, media, "schema");
        ptr_push(im, "content");
        ptr_push(im, mt);
        ptr_push(im, "schema");
      }
  }
  if (schema == NULL) { /* no payload to type: the client reports the status */
    ptr_pop(im, len);
    return;
  }
  struct imp_ops *o = im->ops;
  if (grow((void **)&o->errs, &o->errs_cap, o->nerrs, sizeof *o->errs) != 0) {
    im->rep->failed = 1;
    ptr_pop(im, len);
    return;
  }
  err_use *e = &o->errs[o->nerrs];
  memset(e, 0, sizeof *e);
  e->seq = o->nerrs++;
  snprintf(e->status, sizeof e->status, "%s", status);
  imp_doc *dc;
  const char *pointer;
  im->quiet++;
  struct fy_node *target = ref_follow(im, schema, &dc, &pointer);
  im->quiet--;
  e->identity = target != NULL && ref_of(im, schema) != NULL ? ref_key(im, dc, pointer) : ref_key(im, im->doc, im->ptr.data);
  e->schema = schema;
  e->response = resp;
  e->doc = im->doc;
  ptr_pop(im, len);
  e->pointer = imp_strdup(im, im->ptr.data != NULL ? im->ptr.data : "#");
  e->op = oc->op;
}

/* An error's name by its status (docs/import.md). */
static const char *error_name(const char *status)
{
  static const struct {
    const char *status, *name;
  } names[] = {{"400", "BadRequestError"}, {"401", "UnauthorizedError"}, {"402", "PaymentRequiredError"},
               {"403", "ForbiddenError"}, {"404", "NotFoundError"}, {"405", "MethodNotAllowedError"},
               {"406", "NotAcceptableError"}, {"408", "RequestTimeoutError"}, {"409", "ConflictError"},
               {"410", "GoneError"}, {"412", "PreconditionFailedError"}, {"413", "PayloadTooLargeError"},
               {"415", "UnsupportedMediaTypeError"}, {"422", "UnprocessableEntityError"}, {"423", "LockedError"},
               {"429", "TooManyRequestsError"}, {"500", "InternalServerError"}, {"501", "NotImplementedError"},
               {"502", "BadGatewayError"}, {"503", "ServiceUnavailableError"}, {"504", "GatewayTimeoutError"},
               {"4XX", "ClientError"}, {"5XX", "ServerError"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].status, status) == 0)
      return names[i].name;
  return NULL;
}

static int status_order(const char *s)
{
  return s[1] == 'X' ? 1000 + s[0] : atoi(s);
}

static int cmp_status(const void *a, const void *b)
{
  const err_use *x = a, *y = b;
  int d = status_order(x->status) - status_order(y->status);
  return d != 0 ? d : (x->seq > y->seq) - (x->seq < y->seq);
}

static void add_op_error(imp *im, operation *op, const char *name)
{
  name_ref **link = &op->errors;
  for (; *link != NULL; link = &(*link)->next)
    if (strcmp((*link)->name, name) == 0)
      return;
  name_ref *n = ast_alloc(im->arena, sizeof *n);
  if (n == NULL) {
    im->rep->failed = 1;
    return;
  }
  n->name = name;
  *link = n;
  op->has_errors = 1;
}

/* Headers of an error response with scalar types: fields that come from the header. */
static void add_error_headers(imp *im, decl *e, struct fy_node *resp)
{
  name_table scope;
  if (name_table_init(&scope) != 0)
    return;
  for (const field *f = e->fields; f != NULL; f = f->next)
    name_table_put(&scope, f->name, (void *)f);
  void *it = NULL;
  const char *name;
  struct fy_node *h;
  size_t len = ptr_push(im, "headers");
  while (map_next(im, node_get(im, resp, "headers"), &it, &name, &h)) {
    size_t l2 = ptr_push(im, name);
    mapped m;
    imp_doc *dc;
    const char *pointer;
    struct fy_node *hd = ref_follow(im, h, &dc, &pointer);
    ptr_push(im, "schema");
    schema_map(im, im->oas == 20 ? hd : node_get(im, hd, "schema"), imp_printf(im, "%s%s", e->name, name), &m);
    ptr_pop(im, l2);
    if (!is_scalar_type(im, m.t)) {
      note(im, h, NULL, 1, "an error field from a header must be a scalar", "error header '%s'", name);
      continue;
    }
    field *f = field_new(im, name_member(im, &scope, name), m.t);
    if (f == NULL)
      break;
    f->optional = 1;
    f->doc = doc_text(im, node_string(node_get(im, hd, "description")));
    f->annos = m.annos;
    anno_add(im, &f->annos, "header", value_string(im, imp_strdup(im, name)));
    append_field(&e->fields, f);
  }
  ptr_pop(im, len);
  name_table_free(&scope);
}

/* One error declaration per status, from the schema most operations answer it with; the
 * operations answering with another schema for the same status are noted. */
static void build_errors(imp *im)
{
  struct imp_ops *o = im->ops;
  if (o->nerrs > 1)
    qsort(o->errs, o->nerrs, sizeof *o->errs, cmp_status);
  for (size_t i = 0; i < o->nerrs;) {
    size_t end = i;
    while (end < o->nerrs && strcmp(o->errs[end].status, o->errs[i].status) == 0)
      end++;
    /* The winner: the identity used most; the first among equals. */
    const err_use *win = &o->errs[i];
    size_t best = 0;
    for (size_t a = i; a < end; a++) {
      size_t count = 0;
      for (size_t b = i; b < end; b++)
        count += strcmp(o->errs[a].identity, o->errs[b].identity) == 0;
      if (count > best)
        best = count, win = &o->errs[a];
    }
    const char *name = error_name(win->status);
    imp_place saved;
    place_enter(im, &saved, win->doc, win->pointer);
    size_t len = ptr_push(im, im->oas == 20 ? "schema" : "content");
    field *fields = schema_fields(im, win->schema, name != NULL ? name : imp_printf(im, "Status%sError", win->status));
    ptr_pop(im, len);
    decl *e = NULL;
    if (fields != NULL) {
      e = decl_new(im, D_ERROR, name_type(im, name != NULL ? name : imp_printf(im, "Status%sError", win->status)));
      if (e != NULL) {
        e->status = imp_strdup(im, win->status);
        for (const field *f = fields; f != NULL; f = f->next) { /* a copy: a model's list is its own */
          field *copy = ast_alloc(im->arena, sizeof *copy);
          if (copy != NULL) {
            *copy = *f;
            copy->next = NULL;
            append_field(&e->fields, copy);
          }
        }
        e->doc = doc_text(im, node_string(node_get(im, win->response, "description")));
        add_error_headers(im, e, win->response);
      }
    }
    place_leave(im, &saved);
    for (size_t a = i; a < end; a++) {
      err_use *u = &o->errs[a];
      place_enter(im, &saved, u->doc, u->pointer);
      if (e == NULL)
        note(im, u->response, NULL, 1, "an error's payload must be an object with properties",
             "the payload of error status %s", u->status);
      else if (strcmp(u->identity, win->identity) != 0)
        note(im, u->response, NULL, 1, "the language binds one error type per status",
             "a second payload for status %s (%s has another)", u->status, e->name);
      else {
        add_op_error(im, u->op, e->name);
        if (u->twin != NULL)
          add_op_error(im, u->twin, e->name);
      }
      place_leave(im, &saved);
    }
    i = end;
  }
}

/* ---- pagination ---------------------------------------------------------------------------- */

static const char *const CURSOR_PARAMS[] = {"cursor", "page_token", "next_token", "page_cursor", NULL};
static const char *const NEXT_FIELDS[] = {"next_cursor", "next_page_token", "next_token", "next", NULL};
static const char *const PAGING_HINTS[] = {"after", "before", "starting_after", "ending_before", "page", "offset",
                                           "has_more", "last_id", "first_id", "next_page", "total", NULL};

static int in_words(const char *s, const char *const *words)
{
  for (; *words != NULL; words++)
    if (strcmp(s, *words) == 0)
      return 1;
  return 0;
}

static void add_comment(imp *im, const void *node, const char *text)
{
  struct imp_ops *o = im->ops;
  if (text == NULL || grow((void **)&o->comments, &o->comments_cap, o->ncomments, sizeof *o->comments) != 0) {
    im->rep->failed = 1;
    return;
  }
  o->comments[o->ncomments++] = (op_comment){node, text};
}

/* Paging is recognised only when unambiguous (docs/import.md, "Pagination"): a GET returning a
 * model with exactly one array field, and either one cursor parameter with one next-cursor
 * field, or an int offset parameter. When it only looks like paging, a comment says why not. */
static void infer_paging(imp *im, operation *op)
{
  decl *page = strcmp(op->method, "GET") == 0 && !op->has_resp_headers ? mapped_model(im, op->ret) : NULL;
  if (im->opt->no_infer || page == NULL)
    return;
  const field *items = NULL, *next = NULL, *cursor = NULL, *offset = NULL;
  int arrays = 0, nexts = 0, cursors = 0;
  strbuf hints = {0};
  for (const field *f = page->fields; f != NULL; f = f->next) {
    if (f->type->kind == TYPE_ARRAY)
      items = f, arrays++;
    if (in_words(f->name, NEXT_FIELDS) && f->type->kind == TYPE_NAMED &&
        (strcmp(f->type->name, "string") == 0 || strcmp(f->type->name, "int") == 0))
      next = f, nexts++;
    else if (in_words(f->name, PAGING_HINTS) || in_words(f->name, NEXT_FIELDS))
      sb_printf(&hints, "%sfield '%s'", hints.len ? ", " : "", f->name);
  }
  for (const field *q = op->query_params; q != NULL; q = q->next) {
    if (in_words(q->name, CURSOR_PARAMS))
      cursor = q, cursors++;
    else if (strcmp(q->name, "offset") == 0 && q->type->kind == TYPE_NAMED && strcmp(q->type->name, "int") == 0)
      offset = q;
    else if (in_words(q->name, PAGING_HINTS))
      sb_printf(&hints, "%sparameter '%s'", hints.len ? ", " : "", q->name);
  }
  if (arrays == 1 && cursors == 1 && nexts == 1) {
    op->ret = type_generic(im, "page", op->ret);
    anno_add_keyed(im, &op->annos, "paginate", "items", value_string(im, items->name));
    anno_add_keyed(im, &op->annos, "paginate", "next", value_string(im, next->name));
    anno_add_keyed(im, &op->annos, "paginate", "param", value_string(im, cursor->name));
  } else if (arrays == 1 && cursors == 0 && offset != NULL) {
    op->ret = type_generic(im, "page", op->ret);
    anno_add_keyed(im, &op->annos, "paginate", "items", value_string(im, items->name));
    anno_add_keyed(im, &op->annos, "paginate", "offset", value_string(im, offset->name));
  } else if (hints.len > 0 || cursors > 0 || nexts > 0) {
    add_comment(im, op, imp_printf(im, "pagination not inferred (%s%s%s): no rule of docs/import.md matches",
                                   hints.data != NULL ? hints.data : "", cursor != NULL ? " cursor parameter" : "",
                                   next != NULL ? " next field" : ""));
  }
  sb_free(&hints);
}

/* The @paginate annotation is one annotation with three keyed arguments: anno_add_keyed made
 * three; they are merged here. */
static void merge_paginate(operation *op)
{
  annotation *first = NULL;
  for (annotation **a = &op->annos; *a != NULL;) {
    if (strcmp((*a)->name, "paginate") != 0) {
      a = &(*a)->next;
    } else if (first == NULL) {
      first = *a;
      a = &(*a)->next;
    } else {
      arg *g = first->args;
      while (g->next != NULL)
        g = g->next;
      g->next = (*a)->args;
      *a = (*a)->next;
    }
  }
}

/* ---- operations ------------------------------------------------------------------------------ */

/* The operation's name: its operationId, else its method and path ("get /pets/{id}"). */
static const char *raw_op_name(imp *im, struct fy_node *op, const char *method, const char *path)
{
  const char *id = node_string(node_get(im, op, "operationId"));
  if (id != NULL && id[0] != '\0')
    return id;
  return imp_printf(im, "%s %s", method, path);
}

static doc op_doc(imp *im, struct fy_node *n)
{
  const char *summary = node_string(node_get(im, n, "summary"));
  const char *desc = node_string(node_get(im, n, "description"));
  doc d = doc_text(im, summary);
  if (desc != NULL && (summary == NULL || strcmp(summary, desc) != 0))
    doc_append(im, &d, d.count > 0 ? imp_printf(im, "\n%s", desc) : desc); /* a blank line between */
  return d;
}

static void map_operation(imp *im, const char *path, struct fy_node *item, const char *item_pointer,
                          const char *method, struct fy_node *n)
{
  note_unknown_keys(im, n, OP_KEYS, "operation keyword");
  const char *tag = NULL;
  void *it = NULL;
  struct fy_node *first_tag = seq_next(im, node_get(im, n, "tags"), &it);
  if (!im->opt->by_path && first_tag != NULL)
    tag = node_string(first_tag);
  resource_acc *r = resource_for(im, tag != NULL ? tag : first_segment(im, path));
  operation *op = ast_alloc(im->arena, sizeof *op);
  if (r == NULL || op == NULL) {
    im->rep->failed = 1;
    return;
  }
  op_ctx oc;
  memset(&oc, 0, sizeof oc);
  if (name_table_init(&oc.params) != 0 || name_table_init(&oc.form_names) != 0) {
    name_table_free(&oc.params);
    im->rep->failed = 1;
    return;
  }
  oc.op = op;
  op->name = name_op(im, &r->op_names, r->d->name, raw_op_name(im, n, method, path));
  char pascal[128];
  pascal_case(op->name != NULL ? op->name : "Operation", pascal, sizeof pascal);
  oc.pascal = imp_strdup(im, pascal);
  char upper[16];
  upper_case(method, upper, sizeof upper);
  op->method = imp_strdup(im, upper);
  op->doc = op_doc(im, n);
  if (node_bool(node_get(im, n, "deprecated"), 0))
    anno_add(im, &op->annos, "deprecated", NULL);
  struct fy_node *root = im->docs[0]->root;
  oc.consumes = node_get(im, n, "consumes") != NULL ? node_get(im, n, "consumes") : node_get(im, root, "consumes");
  oc.produces = node_get(im, n, "produces") != NULL ? node_get(im, n, "produces") : node_get(im, root, "produces");

  /* A query string in the path key: the language cannot fix query parameters. */
  const char *query = strchr(path, '?');
  if (query != NULL)
    note(im, NULL, NULL, 1, gap_why(GAP_FIXED_QUERY), "the query '%s' in the path", query);
  map_params(im, &oc, node_get(im, item, "parameters"), node_get(im, n, "parameters"), item_pointer);
  op->path = settle_path(im, &oc, query != NULL ? imp_printf(im, "%.*s", (int)(query - path), path) : path);
  if (op->path == NULL) {
    note(im, NULL, NULL, 1, "the language takes at most 32 path parameters", "the operation");
    name_table_free(&oc.params);
    name_table_free(&oc.form_names);
    return;
  }
  op->has_path = op->path_params != NULL;
  op->has_query = op->query_params != NULL;
  op->has_headers = op->header_params != NULL;
  if (node_get(im, n, "requestBody") != NULL)
    map_request_body(im, &oc, node_get(im, n, "requestBody"));

  /* Responses: success first (2xx, or default when there is none), then errors. */
  struct fy_node *responses = node_get(im, n, "responses");
  int has_2xx = 0;
  const char *code;
  struct fy_node *resp;
  it = NULL;
  while (map_next(im, responses, &it, &code, &resp))
    has_2xx |= code[0] == '2';
  size_t len = ptr_push(im, "responses");
  it = NULL;
  while (map_next(im, responses, &it, &code, &resp)) {
    size_t l2 = ptr_push(im, code);
    imp_doc *dc;
    const char *pointer;
    struct fy_node *target = ref_follow(im, resp, &dc, &pointer);
    imp_place saved;
    place_enter(im, &saved, dc, pointer);
    int is_default = strcmp(code, "default") == 0;
    if (target == NULL) {
    } else if (code[0] == '2' || (is_default && !has_2xx)) {
      if (!oc.has_result)
        map_success(im, &oc, target);
      else if (node_get(im, target, "content") != NULL || node_get(im, target, "schema") != NULL)
        note(im, target, NULL, 1, "an operation has one result", "a second success response (%s)", code);
    } else if (is_default) {
      record_error(im, &oc, "4XX", target);
      record_error(im, &oc, "5XX", target);
    } else if ((code[0] == '4' || code[0] == '5') && strlen(code) == 3) {
      char status[4] = {code[0], (char)toupper((unsigned char)code[1]), (char)toupper((unsigned char)code[2]), 0};
      if ((isdigit((unsigned char)status[1]) && isdigit((unsigned char)status[2])) ||
          (status[1] == 'X' && status[2] == 'X'))
        record_error(im, &oc, status, target);
    } else {
      note(im, target, NULL, 1, "apic clients follow redirects and take no informational answers",
           "response %s", code);
    }
    place_leave(im, &saved);
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);

  if (node_get(im, n, "callbacks") != NULL)
    note(im, n, "callbacks", 1, "the language has no callbacks", "callbacks");
  if (node_get(im, n, "servers") != NULL)
    note(im, n, "servers", 1, "the language has one base URL for the whole API", "the operation's servers");
  auth_record(im, op, node_get(im, n, "security"));
  infer_paging(im, op);
  merge_paginate(op);
  *r->tail = op;
  r->tail = &op->next;
  if (oc.stream_event != NULL)
    add_stream_op(im, &oc, r);
  note_json_form(im, &oc);
  name_table_free(&oc.params);
  name_table_free(&oc.form_names);
}

void ops_map_all(imp *im)
{
  if ((im->ops = calloc(1, sizeof *im->ops)) == NULL || name_table_init(&im->ops->res_names) != 0 ||
      name_table_init(&im->ops->res_keys) != 0) {
    im->rep->failed = 1;
    return;
  }
  struct fy_node *paths = node_get(im, im->docs[0]->root, "paths");
  size_t len = ptr_push(im, "paths");
  void *it = NULL;
  const char *path;
  struct fy_node *item;
  int index = 0;
  while (map_next(im, paths, &it, &path, &item) && !im->exhausted) {
    size_t l2 = ptr_push(im, path);
    imp_doc *dc;
    const char *pointer;
    struct fy_node *target = ref_follow(im, item, &dc, &pointer);
    imp_place saved;
    place_enter(im, &saved, dc, pointer);
    note_unknown_keys(im, target, PATH_KEYS, "path item keyword");
    if (node_get(im, target, "servers") != NULL)
      note(im, target, "servers", 1, "the language has one base URL for the whole API", "the path's servers");
    for (const char *const *m = METHODS; *m != NULL && target != NULL; m++) {
      struct fy_node *op = node_get(im, target, *m);
      if (op == NULL)
        continue;
      im->owner = IMP_OWNER_OPS + index++;
      size_t l3 = ptr_push(im, *m);
      if (strcmp(*m, "trace") == 0)
        note(im, op, NULL, 1, "the language has no TRACE method", "a TRACE operation");
      else
        map_operation(im, path, target, pointer, *m, op);
      ptr_pop(im, l3);
    }
    place_leave(im, &saved);
    ptr_pop(im, l2);
  }
  ptr_pop(im, len);
  schemas_map_pending(im);
  build_errors(im);
  for (size_t i = 0; i < im->ops->nres; i++)
    settle_resource_path(im, im->ops->res[i]);
}

const char *ops_comment(const imp *im, const void *node)
{
  for (size_t i = 0; im->ops != NULL && i < im->ops->ncomments; i++)
    if (im->ops->comments[i].node == node)
      return im->ops->comments[i].text;
  return NULL;
}

void ops_free(imp *im)
{
  struct imp_ops *o = im->ops;
  if (o == NULL)
    return;
  for (size_t i = 0; i < o->nres; i++) {
    name_table_free(&o->res[i]->op_names);
    free(o->res[i]);
  }
  free(o->res);
  name_table_free(&o->res_names);
  name_table_free(&o->res_keys);
  free(o->errs);
  free(o->comments);
  free(o->headers);
  free(o);
  im->ops = NULL;
}
