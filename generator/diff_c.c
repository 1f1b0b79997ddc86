/* The generated C declarations, element by element, and the C API and ABI verdicts of a change
 * (diff_c.h). The layout is data: member_rules, model_fns, enum_fns and op_fns below say what
 * the templates under templates/c/ declare for each spec element. tests/diff builds real SDKs
 * to check these tables: a program using every declaration they list must compile against
 * the generated headers. */
#include "diff_c.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes.h"
#include "names.h"

const char c_error_kinds = 0;

/* ---- the layout ------------------------------------------------------------------------- */

/* Conditions of the declarations an element makes. */
enum {
  M_ERROR = 1 << 0,      /* an error's payload, not a model */
  O_PARAMS = 1 << 1,     /* the operation has query or header parameters */
  O_STREAM = 1 << 2,     /* it returns a stream */
  O_PAGE = 1 << 3,       /* a page */
  O_ITEMS = 1 << 4,      /* a page whose items are models */
  M_LIST = 1 << 5,       /* the model or enum has an X_list type (c_names.lists) */
  M_ENTRY = 1 << 6,      /* an X_entry type (map values) */
  M_LIST_ENTRY = 1 << 7, /* an X_list_entry type (values of a map of arrays) */
  M_ENUM = 1 << 8,       /* an enum, not a model */
  M_MAP = 1 << 9,        /* an X_map type (a map result) */
  O_HEADERS = 1 << 10,   /* the operation returns response headers: its result is %o_result */
  O_LRO = 1 << 11,       /* the operation has @lro: it is also waited for */
  O_ACCUM = 1 << 12,     /* a stream with @accumulate: its text is joined */
  M_LRO = 1 << 13,       /* the model is what an @lro operation returns (X_from_error) */
  M_UNION = 1 << 14,     /* a union, not a model */
  O_FORM = 1 << 15,      /* its body is a form or multipart: %o_body */
  O_DOWNLOAD = 1 << 16,  /* it returns bytes: also into a sink, %o_to */
};

/* One declaration of an element. In the patterns: %m the model's or enum's C name, %a the
 * API's prefix, %A the same upper case, %o the operation's C name, %h an error's short name,
 * %r the result's C type, %R what a callback is lent of it and ", " when there is a result, %O
 * the sync out parameter's type and ", ", %E a stream's event as lent, %i a page's item type,
 * %P the operation's leading parameters (path parameters, body, params, call options). */
typedef struct decl_rule {
  unsigned when, unless;
  c_kind kind;
  const char *owner, *name, *type, *args;
} decl_rule;

/* Per model and error payload (templates/c/partials/model_decl.mustache; struct members come
 * from ctypes.c), and the list and entry types of a model or enum (models.h.mustache). */
static const decl_rule model_fns[] = {
    {0, M_UNION, C_DATA, "", "%m__desc", "const apic_model_desc", ""},
    {M_UNION, 0, C_DATA, "", "%m__desc", "const apic_union_desc", ""},
    {0, M_ERROR, C_FUNCTION, "", "%m_parse", "int", "const char *, size_t, %m **, apic_error **"},
    {0, M_ERROR, C_FUNCTION, "", "%m_dump", "char *", "const %m *, apic_error **"},
    {0, M_ERROR, C_FUNCTION, "", "%m_validate", "int", "const %m *, apic_error **"},
    {0, M_ERROR, C_FUNCTION, "", "%m_copy", "%m *", "const %m *"},
    {0, M_ERROR, C_FUNCTION, "", "%m_equal", "int", "const %m *, const %m *"},
    {0, M_ERROR, C_FUNCTION, "", "%m_free", "void", "%m *"},
    {M_ERROR, 0, C_FUNCTION, "", "%a_error_as_%h", "const %m *", "const %a_error *"},
};
/* Per model an @lro operation returns (templates/c/partials/model_decl.mustache too). */
static const decl_rule lro_fns[] = {
    {M_LRO, M_ERROR, C_FUNCTION, "", "%m_from_error", "const %m *", "const %a_error *"},
};
static const decl_rule collection_fns[] = {
    {M_LIST, 0, C_MEMBER, "%m_list", "items", "const %m *", ""},
    {M_LIST, 0, C_MEMBER, "%m_list", "count", "size_t", ""},
    {M_LIST, M_ENUM, C_FUNCTION, "", "%m_list_copy", "%m_list *", "const %m_list *"},
    {M_LIST, M_ENUM, C_FUNCTION, "", "%m_list_free", "void", "%m_list *"},
    {M_ENTRY, 0, C_MEMBER, "%m_entry", "key", "const char *", ""},
    {M_ENTRY, 0, C_MEMBER, "%m_entry", "value", "%m", ""},
    {M_LIST_ENTRY, 0, C_MEMBER, "%m_list_entry", "key", "const char *", ""},
    {M_LIST_ENTRY, 0, C_MEMBER, "%m_list_entry", "value", "%m_list", ""},
    {M_MAP, 0, C_MEMBER, "%m_map", "items", "const %m_entry *", ""},
    {M_MAP, 0, C_MEMBER, "%m_map", "count", "size_t", ""},
    {M_MAP, M_ENUM, C_FUNCTION, "", "%m_map_copy", "%m_map *", "const %m_map *"},
    {M_MAP, M_ENUM, C_FUNCTION, "", "%m_map_free", "void", "%m_map *"},
};

/* Per enum, beside its constants (%M_UNKNOWN = 0, then each value's in order). */
static const decl_rule enum_fns[] = {
    {0, 0, C_FUNCTION, "", "%m_to_string", "const char *", "%m"},
    {0, 0, C_FUNCTION, "", "%m_from_string", "%m", "const char *"},
    {0, 0, C_DATA, "", "%m__enum", "const apic_enum_desc", ""},
};

/* Per operation (templates/c/client.h.mustache), beside its params struct's members. */
static const decl_rule op_fns[] = {
    {O_PARAMS, 0, C_DATA, "", "%o_params__desc", "const apic_model_desc", ""},
    {O_HEADERS, 0, C_DATA, "", "%o_result__desc", "const apic_model_desc", ""},
    {O_FORM, 0, C_DATA, "", "%o_body__desc", "const apic_model_desc", ""},
    {O_HEADERS, 0, C_FUNCTION, "", "%o_result_copy", "%o_result *", "const %o_result *"},
    {O_HEADERS, 0, C_FUNCTION, "", "%o_result_free", "void", "%o_result *"},
    {0, O_STREAM, C_CALLBACK, "", "%o_cb", "void", "apic_call *, int, %Rconst %a_error *, void *"},
    {O_STREAM, 0, C_CALLBACK, "", "%o_event_cb", "int", "%E, void *"},
    {0, O_STREAM, C_FUNCTION, "", "%o", "int", "%a_client *, %P, %O%a_error **"},
    {O_STREAM, O_ACCUM, C_FUNCTION, "", "%o", "int", "%a_client *, %P, %o_event_cb, void *, %a_error **"},
    {O_STREAM | O_ACCUM, 0, C_FUNCTION, "", "%o", "int", "%a_client *, %P, %o_event_cb, void *, char **, %a_error **"},
    {0, O_STREAM, C_FUNCTION, "", "%o_async", "int", "%a_client *, %P, %o_cb, void *, apic_call **, %a_error **"},
    {O_STREAM, O_ACCUM, C_FUNCTION, "", "%o_async", "int",
     "%a_client *, %P, %o_event_cb, %a_end_cb, void *, apic_stream **, %a_error **"},
    {O_STREAM | O_ACCUM, 0, C_CALLBACK, "", "%o_end_cb", "void", "int, const char *, const %a_error *, void *"},
    {O_STREAM | O_ACCUM, 0, C_FUNCTION, "", "%o_async", "int",
     "%a_client *, %P, %o_event_cb, %o_end_cb, void *, apic_stream **, %a_error **"},
    {O_DOWNLOAD, 0, C_FUNCTION, "", "%o_to", "int", "%a_client *, %P, const apic_sink *, %O%a_error **"},
    {O_DOWNLOAD, 0, C_FUNCTION, "", "%o_to_async", "int",
     "%a_client *, %P, const apic_sink *, %o_cb, void *, apic_call **, %a_error **"},
    {O_LRO, 0, C_CALLBACK, "", "%o_and_wait_cb", "void", "apic_lro *, int, const %r *, const %a_error *, void *"},
    {O_LRO, 0, C_FUNCTION, "", "%o_and_wait", "int", "%a_client *, %P, const apic_lro_options *, %r **, %a_error **"},
    {O_LRO, 0, C_FUNCTION, "", "%o_and_wait_async", "int",
     "%a_client *, %P, const apic_lro_options *, %o_and_wait_cb, void *, apic_lro **, %a_error **"},
    {O_PAGE, 0, C_FUNCTION, "", "%o_pages", "int", "%a_client *, %P, %o_pager **, %a_error **"},
    {O_PAGE, 0, C_FUNCTION, "", "%o_next_page", "int", "%o_pager *, %r **, %a_error **"},
    {O_PAGE | O_ITEMS, 0, C_FUNCTION, "", "%o_next_item", "int", "%o_pager *, %i **, %a_error **"},
    {O_PAGE | O_ITEMS, 0, C_CALLBACK, "", "%o_item_cb", "int", "const %i *, void *"},
    {O_PAGE | O_ITEMS, 0, C_FUNCTION, "", "%o_each_async", "int", "%o_pager *, %o_item_cb, %a_end_cb, void *, %a_error **"},
    {O_PAGE, 0, C_FUNCTION, "", "%o_next_page_async", "int", "%o_pager *, %o_cb, void *, %a_error **"},
    {O_PAGE, 0, C_FUNCTION, "", "%o_pager_done", "int", "const %o_pager *"},
    {O_PAGE, 0, C_FUNCTION, "", "%o_pager_free", "void", "%o_pager *"},
};

/* Per API: the client and the error, the same for every spec of one API (a renamed API
 * changes them all: api-renamed). */
static const decl_rule api_fns[] = {
    {0, 0, C_MEMBER, "%a_client_options", "default_headers", "const char *const *", ""},
    {0, 0, C_MEMBER, "%a_client_options", "n_default_headers", "size_t", ""},
    {0, 0, C_MEMBER, "%a_client_options", "http", "apic_client_options", ""},
    {0, 0, C_MEMBER, "%a_client_options", "token_provider", "apic_token_fn", ""},
    {0, 0, C_MEMBER, "%a_client_options", "token_data", "void *", ""},
    {0, 0, C_FUNCTION, "", "%a_client_new", "int", "const %a_client_options *, %a_client **, %a_error **"},
    {0, 0, C_FUNCTION, "", "%a_client_free", "void", "%a_client *, uint64_t"},
    {0, 0, C_FUNCTION, "", "%a_client_run", "int", "%a_client *"},
    {0, 0, C_FUNCTION, "", "%a_client_loop", "uv_loop_t *", "%a_client *"},
    {0, 0, C_FUNCTION, "", "%a_group_new", "int", "%a_client *, int, apic_group **"},
    {0, 0, C_CALLBACK, "", "%a_end_cb", "void", "int, const %a_error *, void *"},
    {0, 0, C_FUNCTION, "", "%a_error_from_apic", "%a_error *", "apic_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_copy", "%a_error *", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_free", "void", "%a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_kind_of", "%a_error_kind", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_kind_name", "const char *", "%a_error_kind"},
    {0, 0, C_FUNCTION, "", "%a_error_status", "int", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_message", "const char *", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_request_id", "const char *", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_body", "const char *", "const %a_error *, size_t *"},
    {0, 0, C_FUNCTION, "", "%a_error_retry_after_ms", "int64_t", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_attempts", "unsigned", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_core", "const apic_error *", "const %a_error *"},
    {0, 0, C_FUNCTION, "", "%a_error_str", "int", "const %a_error *, char *, size_t"},
    {0, 0, C_FUNCTION, "", "%a_error_print", "void", "const %a_error *, FILE *"},
    {0, 0, C_FUNCTION, "", "%a_version", "const char *", "void"},
};

/* How a path parameter is passed, by its type (the view model's add_path_arg); %m for an enum. */
static const char *path_arg_type(const type *t)
{
  switch (t->rk) {
  case R_INT: return "int64_t";
  case R_INT32: return "int32_t";
  case R_FLOAT: return "double";
  case R_BOOL: return "bool";
  case R_ENUM: return "%m";
  default: return "const char *";
  }
}

/* The constants every <api>_error_kind has, 1 to 11 (the spec's errors come from 100). */
static const char *const transport_kinds[] = {"CONNECTION",     "TIMEOUT",          "CANCELLED",
                                              "DECODE",         "INVALID_ARGUMENT", "UNKNOWN_STATUS",
                                              "OTHER",          "REDIRECT",         "OPERATION_FAILED",
                                              "OPERATION_CANCELLED", "SINK"};

/* ---- lists and their strings ------------------------------------------------------------ */

struct c_block {
  c_block *next;
  size_t used, size;
  char data[];
};

void c_list_free(c_list *l)
{
  for (c_block *b = l->blocks, *next; b != NULL; b = next) {
    next = b->next;
    free(b);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}

/* len + 1 bytes in the list's blocks; NULL when out of memory. */
static char *list_alloc(c_list *l, size_t len)
{
  c_block *b = l->blocks;
  if (b == NULL || b->size - b->used < len + 1) {
    size_t size = len + 1 > 16384 ? len + 1 : 16384;
    if ((b = malloc(sizeof *b + size)) == NULL) {
      l->failed = 1;
      return NULL;
    }
    *b = (c_block){l->blocks, 0, size};
    l->blocks = b;
  }
  char *s = b->data + b->used;
  b->used += len + 1;
  return s;
}

/* Values of the %x variables of the patterns, by letter. */
typedef struct vars {
  const char *v[128];
} vars;

/* pattern with its variables replaced, in the list's memory ("" when out of memory). */
static const char *expand(c_list *l, const char *pattern, const vars *x)
{
  char buf[2048];
  size_t n = 0;
  for (const char *p = pattern; *p != '\0' && n < sizeof buf - 1; p++) {
    const char *val = p[0] == '%' && p[1] != '\0' ? x->v[(unsigned char)p[1] & 127] : NULL;
    if (val == NULL) {
      buf[n++] = *p;
      continue;
    }
    p++;
    for (; *val != '\0' && n < sizeof buf - 1; val++)
      buf[n++] = *val;
  }
  buf[n] = '\0';
  char *s = list_alloc(l, n);
  return s != NULL ? memcpy(s, buf, n + 1) : "";
}

static void add_item(c_list *l, c_kind kind, const char *owner, const char *name, const char *ctype, const char *args,
                     const void *origin, const void *in)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    c_item *grown = realloc(l->items, cap * sizeof *grown);
    if (grown == NULL) {
      l->failed = 1;
      return;
    }
    l->items = grown;
    l->cap = cap;
  }
  l->items[l->n++] = (c_item){kind, owner, name, ctype, args, origin, in};
}

/* Adds the rules of a table that hold for the conditions `have`. */
static void add_rules(c_list *l, const decl_rule *rules, size_t n, unsigned have, const vars *x, const void *origin,
                      const void *in)
{
  for (size_t i = 0; i < n; i++) {
    const decl_rule *r = &rules[i];
    if ((r->when & have) != r->when || (r->unless & have) != 0)
      continue;
    add_item(l, r->kind, expand(l, r->owner, x), expand(l, r->name, x), expand(l, r->type, x),
             expand(l, r->args, x), origin, in);
  }
}

/* ---- names ------------------------------------------------------------------------------- */

/* c_collection_uses's callback: the name goes into the set of its kind. */
static void need(void *ctx, int what, const char *name)
{
  c_names *c = ctx;
  name_table *set = what == C_NEEDS_LIST         ? &c->lists
                    : what == C_NEEDS_ENTRY      ? &c->entries
                    : what == C_NEEDS_MAP        ? &c->maps
                    : what == C_NEEDS_FROM_ERROR ? &c->lro_results
                                                 : &c->list_entries;
  if (name_table_put(set, name, (void *)1) != 0)
    c->failed = 1;
}

void c_names_init(c_names *c, const spec *s, const char *prefix)
{
  memset(c, 0, sizeof *c);
  c->s = s;
  snake_case(prefix, c->prefix, sizeof c->prefix);
  if (name_table_init(&c->lists) != 0 || name_table_init(&c->entries) != 0 || name_table_init(&c->list_entries) != 0 ||
      name_table_init(&c->maps) != 0 || name_table_init(&c->lro_results) != 0)
    c->failed = 1;
  else
    c_collection_uses(s, need, c);
}

void c_names_free(c_names *c)
{
  name_table_free(&c->lists);
  name_table_free(&c->entries);
  name_table_free(&c->list_entries);
  name_table_free(&c->maps);
  name_table_free(&c->lro_results);
}

/* Which of a model's or enum's list and entry types exist. */
static unsigned collections(const c_names *c, const char *name)
{
  return (name_table_get(&c->lists, name) ? M_LIST : 0) | (name_table_get(&c->entries, name) ? M_ENTRY : 0) |
         (name_table_get(&c->list_entries, name) ? M_LIST_ENTRY : 0) | (name_table_get(&c->maps, name) ? M_MAP : 0);
}

/* prefix_snake(name), optionally upper-cased, into out. */
static const char *c_name(const c_names *c, const char *name, int upper, char *out, size_t size)
{
  char snake[512];
  snake_case(name, snake, sizeof snake);
  join(out, size, c->prefix, "_", snake, (char *)NULL);
  if (upper)
    upper_case(out, out, size);
  return out;
}

/* The variables every pattern may use: %a, %A. */
static void base_vars(const c_names *c, vars *x, char *upper, size_t size)
{
  memset(x, 0, sizeof *x);
  upper_case(c->prefix, upper, size);
  x->v['a'] = c->prefix;
  x->v['A'] = upper;
}

/* ---- fields ------------------------------------------------------------------------------- */

static const char *type_name(const type *t)
{
  return t->rk == R_MODEL || t->rk == R_ENUM || t->rk == R_UNION ? t->target->name : "";
}

/* The members of a field or parameter of the struct owner (ctypes.c decides them). */
static void field_items(const c_names *c, c_list *l, const field *f, int param, const char *owner, const void *in)
{
  c_member m[C_MAX_MEMBERS];
  int n = c_field_members(c->prefix, f, !param && f->nullable, m);
  vars x = {{0}};
  for (int i = 0; i < n; i++)
    add_item(l, C_MEMBER, owner, expand(l, m[i].name, &x), expand(l, m[i].type, &x), "", f, in);
}

/* ---- declarations ---------------------------------------------------------------------------- */

/* "tasks_page_error" from ErrorName minus a trailing "Error" (the view model's short_name). */
static void short_error_name(const char *name, char *out, size_t size)
{
  snake_case(name, out, size);
  size_t n = strlen(out);
  if (n > 6 && strcmp(out + n - 6, "_error") == 0)
    out[n - 6] = '\0';
}

void c_model_items(const c_names *c, const decl *m, c_list *l)
{
  char name[600], upper[160], shortname[512];
  vars x;
  base_vars(c, &x, upper, sizeof upper);
  x.v['m'] = expand(l, c_name(c, m->name, 0, name, sizeof name), &x);
  short_error_name(m->name, shortname, sizeof shortname);
  x.v['h'] = shortname;
  for (const field *f = m->fields; f != NULL; f = f->next)
    field_items(c, l, f, 0, x.v['m'], m);
  unsigned have = (m->kind == D_ERROR ? M_ERROR : 0) | (name_table_get(&c->lro_results, m->name) ? M_LRO : 0);
  add_rules(l, model_fns, sizeof model_fns / sizeof model_fns[0], have, &x, m, m);
  add_rules(l, lro_fns, sizeof lro_fns / sizeof lro_fns[0], have, &x, m, m);
  add_rules(l, collection_fns, sizeof collection_fns / sizeof collection_fns[0], collections(c, m->name), &x, m, m);
}

void c_lro_items(const c_names *c, const decl *m, c_list *l)
{
  char name[600], upper[160];
  vars x;
  base_vars(c, &x, upper, sizeof upper);
  x.v['m'] = expand(l, c_name(c, m->name, 0, name, sizeof name), &x);
  unsigned have = (m->kind == D_ERROR ? M_ERROR : 0) | (name_table_get(&c->lro_results, m->name) ? M_LRO : 0);
  add_rules(l, lro_fns, sizeof lro_fns / sizeof lro_fns[0], have, &x, m, m);
}

/* A union (templates/c/partials/union_decl.mustache): its kind's constants, then its struct:
 * the kind, each variant's members, and with a discriminator the unknown tag and JSON. */
void c_union_items(const c_names *c, const decl *u, c_list *l)
{
  char name[600], upper[600], api_upper[160], constant[1200], num[32], vname[512];
  vars x;
  base_vars(c, &x, api_upper, sizeof api_upper);
  x.v['m'] = expand(l, c_name(c, u->name, 0, name, sizeof name), &x);
  const char *kind = expand(l, "%m_kind", &x);
  c_name(c, u->name, 1, upper, sizeof upper);
  add_item(l, C_CONSTANT, kind, expand(l, join(constant, sizeof constant, upper, "_UNKNOWN", (char *)NULL), &x), "0", "",
           u, u);
  int i = 1;
  for (const field *v = u->fields; v != NULL; v = v->next, i++) {
    upper_case(v->name, vname, sizeof vname);
    snprintf(num, sizeof num, "%d", i);
    add_item(l, C_CONSTANT, kind, expand(l, join(constant, sizeof constant, upper, "_", vname, (char *)NULL), &x),
             expand(l, num, &x), "", v, u);
  }
  add_item(l, C_MEMBER, x.v['m'], "kind", kind, "", u, u);
  for (const field *v = u->fields; v != NULL; v = v->next)
    field_items(c, l, v, 0, x.v['m'], u);
  if (anno_string(u->annos, "discriminator") != NULL) {
    add_item(l, C_MEMBER, x.v['m'], "unknown_tag", "const char *", "", u, u);
    add_item(l, C_MEMBER, x.v['m'], "unknown_json", "const char *", "", u, u);
  }
  add_rules(l, model_fns, sizeof model_fns / sizeof model_fns[0], M_UNION, &x, u, u);
  add_rules(l, collection_fns, sizeof collection_fns / sizeof collection_fns[0], collections(c, u->name), &x, u, u);
}

void c_enum_items(const c_names *c, const decl *e, c_list *l)
{
  char name[600], upper[600], api_upper[160];
  vars x;
  base_vars(c, &x, api_upper, sizeof api_upper);
  const char *etype = expand(l, c_name(c, e->name, 0, name, sizeof name), &x);
  c_name(c, e->name, 1, upper, sizeof upper);
  x.v['m'] = etype;
  char constant[1200], num[32], vname[512];
  add_item(l, C_CONSTANT, etype, expand(l, join(constant, sizeof constant, upper, "_UNKNOWN", (char *)NULL), &x), "0", "",
           e, e);
  int i = 1;
  for (const enum_value *v = e->values; v != NULL; v = v->next, i++) {
    upper_case(v->name, vname, sizeof vname);
    snprintf(num, sizeof num, "%d", i);
    add_item(l, C_CONSTANT, etype, expand(l, join(constant, sizeof constant, upper, "_", vname, (char *)NULL), &x),
             expand(l, num, &x), "", v, e);
  }
  add_rules(l, enum_fns, sizeof enum_fns / sizeof enum_fns[0], 0, &x, e, e);
  add_rules(l, collection_fns, sizeof collection_fns / sizeof collection_fns[0], M_ENUM | collections(c, e->name), &x, e,
            e);
}

void c_error_kind_items(const c_names *c, c_list *l)
{
  char upper[160], kind[700], shortname[512], num[32];
  vars x;
  base_vars(c, &x, upper, sizeof upper);
  const char *owner = expand(l, "%a_error_kind", &x);
  add_item(l, C_CONSTANT, owner, expand(l, "%A_ERROR_NONE", &x), "0", "", &c_error_kinds, &c_error_kinds);
  for (size_t k = 0; k < sizeof transport_kinds / sizeof transport_kinds[0]; k++) {
    join(kind, sizeof kind, upper, "_ERROR_", transport_kinds[k], (char *)NULL);
    snprintf(num, sizeof num, "%zu", k + 1);
    add_item(l, C_CONSTANT, owner, expand(l, kind, &x), expand(l, num, &x), "", &c_error_kinds, &c_error_kinds);
  }
  int i = 100; /* the spec's errors, in spec order */
  for (const decl *d = c->s->decls; d != NULL; d = d->next) {
    if (d->kind != D_ERROR)
      continue;
    short_error_name(d->name, shortname, sizeof shortname);
    join(kind, sizeof kind, c->prefix, "_ERROR_", shortname, (char *)NULL);
    upper_case(kind, kind, sizeof kind);
    snprintf(num, sizeof num, "%d", i++);
    add_item(l, C_CONSTANT, owner, expand(l, kind, &x), expand(l, num, &x), "", d, &c_error_kinds);
  }
}

/* The model of a page's items (the @paginate items field's element), or NULL. */
static const type *page_item(const operation *op, const type *page)
{
  const annotation *a = find_anno(op->annos, "paginate");
  const char *items = NULL;
  for (const arg *g = a != NULL ? a->args : NULL; g != NULL; g = g->next)
    if (g->key != NULL && strcmp(g->key, "items") == 0)
      items = g->val.text;
  for (const field *f = page->rk == R_MODEL ? page->target->fields : NULL; f != NULL && items != NULL; f = f->next)
    if (strcmp(f->name, items) == 0 && f->type->rk == R_ARRAY &&
        (f->type->inner->rk == R_MODEL || f->type->inner->rk == R_UNION))
      return f->type->inner;
  return NULL;
}

/* %P: the path parameters' types in path order, the body, the params struct, the options. */
static const char *op_params(const c_names *c, c_list *l, const decl *r, const operation *op, const vars *x)
{
  char full[2048], name[128], buf[4096] = "", ref[600];
  join(full, sizeof full, r->path, op->path, (char *)NULL);
  const field *declared;
  for (const char *p = full; next_path_param(&p, op, name, sizeof name, &declared);) {
    const char *t = declared != NULL ? path_arg_type(declared->type) : "const char *";
    if (declared != NULL && declared->type->rk == R_ENUM)
      t = c_name(c, type_name(declared->type), 0, ref, sizeof ref);
    join(buf + strlen(buf), sizeof buf - strlen(buf), t, ", ", (char *)NULL);
  }
  if (op->body != NULL || op->body_form)
    join(buf + strlen(buf), sizeof buf - strlen(buf), "const ", c_body_type(c->prefix, op, x->v['o'], ref, sizeof ref), " *, ",
         (char *)NULL);
  if (op->query_params != NULL || op->header_params != NULL)
    join(buf + strlen(buf), sizeof buf - strlen(buf), "const ", x->v['o'], "_params *, ", (char *)NULL);
  join(buf + strlen(buf), sizeof buf - strlen(buf), "const apic_call_options *", (char *)NULL);
  return expand(l, buf, x);
}

/* The members of an operation's result struct (<op>_result): its body, then each header (a
 * download's Content-Type first). */
static void result_items(const c_names *c, c_list *l, const operation *op, const char *owner)
{
  field content_type = *download_content_type();
  content_type.next = op->resp_headers;
  if (op->ret != NULL) {
    field body = {.name = "body", .type = op->ret};
    c_member m[C_MAX_MEMBERS];
    int n = c_field_members(c->prefix, &body, 0, m);
    vars x = {{0}};
    for (int i = 0; i < n; i++)
      add_item(l, C_MEMBER, owner, expand(l, m[i].name, &x), expand(l, m[i].type, &x), "", op, op);
  }
  for (const field *f = op_downloads(op) ? &content_type : op->resp_headers; f != NULL; f = f->next)
    field_items(c, l, f, 1, owner, op);
}

void c_op_items(const c_names *c, const decl *r, const operation *op, c_list *l)
{
  char joined[600], name[700], upper[160], result_arg[920] = "", out_arg[920] = "", item[600] = "";
  c_result res = {0};
  vars x;
  base_vars(c, &x, upper, sizeof upper);
  join(joined, sizeof joined, r->name, "_", op->name, (char *)NULL);
  x.v['o'] = expand(l, c_name(c, joined, 0, name, sizeof name), &x);
  const type *t = op->ret;
  unsigned have = op->query_params != NULL || op->header_params != NULL ? O_PARAMS : 0;
  if (t != NULL) {
    const type *inner = t->rk == R_PAGE || t->rk == R_STREAM ? t->inner : t;
    c_result_of(c->prefix, inner, &res);
    join(result_arg, sizeof result_arg, res.lent, ", ", (char *)NULL);
    join(out_arg, sizeof out_arg, res.out, ", ", (char *)NULL);
    have |= t->rk == R_STREAM ? O_STREAM : t->rk == R_PAGE ? O_PAGE : 0;
    const type *it = t->rk == R_PAGE ? page_item(op, inner) : NULL;
    if (it != NULL) {
      c_name(c, type_name(it), 0, item, sizeof item);
      have |= O_ITEMS;
    }
  }
  if (op_result_is_struct(op)) { /* the result is a struct of the body and the headers */
    have |= O_HEADERS | (op_downloads(op) ? O_DOWNLOAD : 0);
    join(res.type, sizeof res.type, x.v['o'], "_result", (char *)NULL);
    join(result_arg, sizeof result_arg, "const ", res.type, " *, ", (char *)NULL);
    join(out_arg, sizeof out_arg, res.type, " **, ", (char *)NULL);
    result_items(c, l, op, expand(l, res.type, &x));
  }
  if (find_anno(op->annos, "lro") != NULL && t != NULL && t->rk == R_MODEL)
    have |= O_LRO;
  if (anno_string(op->annos, "accumulate") != NULL)
    have |= O_ACCUM;
  x.v['r'] = res.type;
  x.v['R'] = result_arg;
  x.v['E'] = res.lent;
  x.v['O'] = out_arg;
  x.v['i'] = item;
  x.v['P'] = op_params(c, l, r, op, &x);
  const char *params = expand(l, "%o_params", &x), *body = expand(l, "%o_body", &x);
  for (int part = 0; part < 2; part++)
    for (const field *f = part == 0 ? op->query_params : op->header_params; f != NULL; f = f->next)
      field_items(c, l, f, 1, params, op);
  for (const field *f = op->body_params; f != NULL; f = f->next)
    field_items(c, l, f, 1, body, op);
  have |= op->body_form ? O_FORM : 0;
  add_rules(l, op_fns, sizeof op_fns / sizeof op_fns[0], have, &x, op, op);
}

const api_item *c_scheme_item(const decl *api, const char *name)
{
  auth_scheme s;
  for (const api_item *it = api->items; it != NULL; it = it->next)
    if ((strcmp(it->key, "auth") == 0 || strcmp(it->key, "scheme") == 0) && auth_scheme_of(it, &s) == 0 &&
        strcmp(s.name, name) == 0)
      return it;
  return NULL;
}

void c_api_items(const c_names *c, c_list *l)
{
  char upper[160];
  vars x;
  base_vars(c, &x, upper, sizeof upper);
  /* The client's options: the base URL, a credential per auth scheme, then api_fns' members. */
  const char *options = expand(l, "%a_client_options", &x);
  add_item(l, C_MEMBER, options, "base_url", "const char *", "", c->s->api, c->s->api);
  auth_scheme schemes[MAX_SCHEMES];
  int def, n = api_schemes(c->s->api, schemes, &def);
  for (int i = 0; i < n; i++)
    add_item(l, C_MEMBER, options, expand(l, schemes[i].name, &x), "const char *", "",
             c_scheme_item(c->s->api, schemes[i].name), c->s->api);
  add_rules(l, api_fns, sizeof api_fns / sizeof api_fns[0], 0, &x, c->s->api, c->s->api);
}

void c_surface(const c_names *c, c_list *l)
{
  c_api_items(c, l);
  for (const decl *d = c->s->decls; d != NULL; d = d->next) {
    if (d->kind == D_ENUM)
      c_enum_items(c, d, l);
    else if (d->kind == D_MODEL || d->kind == D_ERROR)
      c_model_items(c, d, l);
    else if (d->kind == D_UNION)
      c_union_items(c, d, l);
    for (const operation *op = d->kind == D_RESOURCE ? d->ops : NULL; op != NULL; op = op->next)
      c_op_items(c, d, op, l);
  }
  c_error_kind_items(c, l);
}

/* ---- judging ------------------------------------------------------------------------------- */

/* What a change is. */
typedef enum change { CH_GONE, CH_TYPE, CH_VALUE, CH_ADDED, CH_LAYOUT } change;

static int same_key(const c_item *a, const c_item *b)
{
  return a->kind == b->kind && strcmp(a->name, b->name) == 0 && strcmp(a->owner, b->owner) == 0;
}

static const c_item *find_item(const c_list *l, const c_item *key)
{
  for (size_t i = 0; i < l->n; i++)
    if (same_key(&l->items[i], key))
      return &l->items[i];
  return NULL;
}

/* What a change costs at the C API and the ABI. A struct member gone or added costs the ABI
 * through its struct's layout (CH_LAYOUT, charged once per struct); a member whose type
 * changed costs it itself. */
static void change_sev(change ch, c_kind kind, sev *api, sev *abi)
{
  switch (ch) {
  case CH_GONE:
    *api = SEV_BREAKING;
    *abi = kind == C_MEMBER ? SEV_NONE : SEV_BREAKING;
    break;
  case CH_TYPE:
    *api = *abi = SEV_BREAKING;
    break;
  case CH_VALUE:
  case CH_LAYOUT:
    *api = SEV_NONE;
    *abi = SEV_BREAKING;
    break;
  case CH_ADDED:
    *api = SEV_INFO;
    *abi = kind == C_MEMBER || kind == C_CONSTANT ? SEV_NONE : SEV_INFO;
    break;
  }
}

static int claims(const finding *f, change ch, const c_item *a, const c_item *b)
{
  for (int i = 0; i < FINDING_NODES && f->nodes[i] != NULL; i++) {
    const void *n = f->nodes[i];
    int origin = (a != NULL && a->origin == n) || (b != NULL && b->origin == n);
    int in = (a != NULL && a->decl == n) || (b != NULL && b->decl == n);
    if (((f->claims & CLAIM_ORIGIN) && origin) || ((f->claims & CLAIM_ALL) && in) ||
        ((f->claims & CLAIM_LAYOUT) && in && ch == CH_LAYOUT) || ((f->claims & CLAIM_VALUES) && in && ch == CH_VALUE))
      return 1;
  }
  return 0;
}

static void raise_to(sev *s, sev to)
{
  if (to > *s)
    *s = to;
}

/* Charges one change to the findings from first on that claim it, or to a finding of its own. */
static void charge(diff_result *r, size_t first, change ch, const c_item *a, const c_item *b, loc old_at, loc new_at)
{
  const c_item *it = a != NULL ? a : b;
  sev api = SEV_NONE, abi = SEV_NONE;
  change_sev(ch, it->kind, &api, &abi);
  if (api == SEV_NONE && abi == SEV_NONE)
    return;
  int taken = 0;
  for (size_t i = first; i < r->n; i++)
    if (claims(&r->f[i], ch, a, b)) {
      raise_to(&r->f[i].sev[L_API], api);
      raise_to(&r->f[i].sev[L_ABI], abi);
      taken = 1;
    }
  if (taken || (api < SEV_BREAKING && abi < SEV_BREAKING))
    return;
  static const char *const what[] = {"is gone", "changes type", "changes value", "is new", "changes layout"};
  char subject[1200];
  snprintf(subject, sizeof subject, "c %s%s%s", it->owner, it->owner[0] != '\0' ? "." : "", it->name);
  finding *f = diff_add(r, "c-declaration-changed", SEV_NONE, subject, "C declaration '%s%s%s' %s",
                        it->owner, it->owner[0] != '\0' ? "." : "", it->name, what[ch]);
  if (f != NULL) {
    f->sev[L_API] = api;
    f->sev[L_ABI] = abi;
    f->old_at = old_at;
    f->new_at = new_at;
  }
}

/* The members of struct owner in l, in order, into out (at most max); their count. */
static size_t members_of(const c_list *l, const char *owner, const c_item **out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n && n < max; i++)
    if (l->items[i].kind == C_MEMBER && strcmp(l->items[i].owner, owner) == 0)
      out[n++] = &l->items[i];
  return n;
}

/* The index of the member called name among n members, or -1. */
static long member_index(const c_item *const *m, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(m[i]->name, name) == 0)
      return (long)i;
  return -1;
}

/* A struct's layout: its members' types in order, and each member where it was. A member
 * renamed in place keeps the layout (a program built before reads the same bytes, as
 * abidiff sees it too); one that moved does not. The first member that differs is charged. */
static void judge_layouts(diff_result *r, size_t first, const c_list *a, const c_list *b, loc old_at, loc new_at)
{
  enum { MAX_MEMBERS = 4096 };
  const c_item **ma = malloc(MAX_MEMBERS * sizeof *ma), **mb = malloc(MAX_MEMBERS * sizeof *mb);
  if (ma == NULL || mb == NULL) {
    r->failed = 1;
    free(ma);
    free(mb);
    return;
  }
  for (size_t i = 0; i < a->n; i++) {
    const c_item *it = &a->items[i];
    if (it->kind != C_MEMBER || (i > 0 && a->items[i - 1].kind == C_MEMBER && strcmp(a->items[i - 1].owner, it->owner) == 0))
      continue; /* one look per struct: at its first member */
    size_t na = members_of(a, it->owner, ma, MAX_MEMBERS), nb = members_of(b, it->owner, mb, MAX_MEMBERS), k = 0;
    if (nb == 0)
      continue; /* the struct is gone: its functions are too */
    while (k < na && k < nb && strcmp(ma[k]->type, mb[k]->type) == 0) {
      long at = member_index(mb, nb, ma[k]->name);
      if (at >= 0 && (size_t)at != k)
        break;
      k++;
    }
    if (k < na || k < nb)
      charge(r, first, CH_LAYOUT, k < na ? ma[k] : NULL, k < nb ? mb[k] : NULL, old_at, new_at);
  }
  free(ma);
  free(mb);
}

/* The same items in the same order: nothing to judge (the usual case, found in one pass). */
static int same_items(const c_list *a, const c_list *b)
{
  if (a->n != b->n)
    return 0;
  for (size_t i = 0; i < a->n; i++)
    if (!same_key(&a->items[i], &b->items[i]) || strcmp(a->items[i].type, b->items[i].type) != 0 ||
        strcmp(a->items[i].args, b->items[i].args) != 0)
      return 0;
  return 1;
}

void c_judge(diff_result *r, size_t first, const c_list *a, const c_list *b, loc old_at, loc new_at)
{
  if (a->failed || b->failed) {
    r->failed = 1;
    return;
  }
  if (same_items(a, b))
    return;
  for (size_t i = 0; i < a->n; i++) {
    const c_item *x = &a->items[i], *y = find_item(b, x);
    if (y == NULL)
      charge(r, first, CH_GONE, x, NULL, old_at, new_at);
    else if (x->kind == C_CONSTANT && strcmp(x->type, y->type) != 0)
      charge(r, first, CH_VALUE, x, y, old_at, new_at);
    else if (strcmp(x->type, y->type) != 0 || strcmp(x->args, y->args) != 0)
      charge(r, first, CH_TYPE, x, y, old_at, new_at);
  }
  for (size_t i = 0; i < b->n; i++)
    if (find_item(a, &b->items[i]) == NULL)
      charge(r, first, CH_ADDED, NULL, &b->items[i], old_at, new_at);
  judge_layouts(r, first, a, b, old_at, new_at);
}
