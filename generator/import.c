/* apic import (import.h): the document's top level (its version, info, servers), then the
 * passes: schemas, operations, auth, cycles; the spec is printed with the spec printer and
 * checked before it is handed back. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import_internal.h"

static const char *const ROOT_KEYS_3[] = {"openapi", "info", "servers", "paths", "components", "security",
                                          "tags", "webhooks", "jsonSchemaDialect", NULL};
static const char *const ROOT_KEYS_2[] = {"swagger", "info", "host", "basePath", "schemes", "consumes", "produces",
                                          "paths", "definitions", "parameters", "responses",
                                          "securityDefinitions", "security", "tags", NULL};
static const char *const INFO_KEYS[] = {"title", "version", "description", "summary", "termsOfService", "contact",
                                        "license", NULL};

/* 20, 30 or 31, or 0 after saying why the document is not one apic reads. */
static int version(imp *im, struct fy_node *root)
{
  if (!node_is_map(root)) {
    imp_error(im, root, "not an OpenAPI document: its top level is not a mapping");
    return 0;
  }
  const char *oas = node_str(node_get(im, root, "openapi")), *sw = node_str(node_get(im, root, "swagger"));
  if (oas != NULL && strncmp(oas, "3.0", 3) == 0)
    return 30;
  if (oas != NULL && strncmp(oas, "3.1", 3) == 0)
    return 31;
  if (sw != NULL && strcmp(sw, "2.0") == 0)
    return 20;
  if (oas != NULL || sw != NULL)
    imp_error(im, node_get(im, root, oas != NULL ? "openapi" : "swagger"),
              "%s %s is not supported: apic import reads OpenAPI 3.0, 3.1 and Swagger 2.0", oas != NULL ? "OpenAPI" : "Swagger",
              oas != NULL ? oas : sw);
  else
    imp_error(im, root, "not an OpenAPI document: it has neither an 'openapi' nor a 'swagger' version at the top");
  return 0;
}

api_item *api_item_add(imp *im, decl *api, const char *key, const char *call, const char *text, value_kind k)
{
  api_item *it = ast_alloc(im->arena, sizeof *it);
  if (it == NULL) {
    im->rep->failed = 1;
    return NULL;
  }
  it->key = key;
  it->call = call;
  it->val.kind = k;
  it->val.text = text;
  api_item **link = &api->items;
  while (*link != NULL)
    link = &(*link)->next;
  *link = it;
  return it;
}

/* servers[0]'s URL with its variables' defaults; 2.0: scheme, host and basePath. NULL when the
 * document has none. */
static const char *base_url(imp *im, struct fy_node *root)
{
  if (im->oas == 20) {
    const char *host = node_string(node_get(im, root, "host")), *base = node_string(node_get(im, root, "basePath"));
    const char *scheme = "https";
    struct fy_node *schemes = node_get(im, root, "schemes");
    void *it = NULL;
    struct fy_node *first = seq_next(im, schemes, &it);
    if (first != NULL && node_str(first) != NULL) {
      scheme = node_str(first);
      it = NULL;
      for (struct fy_node *s; (s = seq_next(im, schemes, &it)) != NULL;)
        if (node_str(s) != NULL && strcmp(node_str(s), "https") == 0)
          scheme = "https";
    }
    if (host == NULL)
      return base;
    return imp_printf(im, "%s://%s%s", scheme, host, base != NULL && strcmp(base, "/") != 0 ? base : "");
  }
  struct fy_node *servers = node_get(im, root, "servers");
  void *it = NULL;
  struct fy_node *first = seq_next(im, servers, &it);
  const char *url = node_string(node_get(im, first, "url"));
  size_t len = ptr_push(im, "servers");
  if (seq_count(servers) > 1)
    note(im, servers, NULL, 1, "the language has one base URL (a client may set another)", "servers after the first");
  struct fy_node *vars = node_get(im, first, "variables");
  if (url == NULL || vars == NULL) {
    ptr_pop(im, len);
    return url;
  }
  ptr_push_index(im, 0);
  note(im, vars, "variables", 0, "the language has no server variables", "server variables as their defaults");
  strbuf b = {0};
  for (const char *p = url; *p != '\0'; p++) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    char *name = close != NULL ? imp_printf(im, "%.*s", (int)(close - p - 1), p + 1) : NULL;
    const char *dflt = name != NULL ? node_str(node_get(im, node_get(im, vars, name), "default")) : NULL;
    if (dflt != NULL) {
      sb_puts(&b, dflt);
      p = close;
    } else {
      sb_append(&b, p, 1);
    }
  }
  ptr_pop(im, len);
  char *out = b.failed ? NULL : imp_strdup(im, b.data != NULL ? b.data : "");
  sb_free(&b);
  return out;
}

static decl *api_decl(imp *im, struct fy_node *root)
{
  struct fy_node *info = node_get(im, root, "info");
  size_t len = ptr_push(im, "info");
  note_unknown_keys(im, info, INFO_KEYS, "info keyword");
  ptr_pop(im, len);
  const char *title = node_string(node_get(im, info, "title"));
  name_table scope;
  if (name_table_init(&scope) != 0) {
    im->rep->failed = 1;
    return NULL;
  }
  const char *name = name_member(im, &scope, im->opt->name != NULL ? im->opt->name : title != NULL ? title : "api");
  name_table_free(&scope);
  decl *api = ast_alloc(im->arena, sizeof *api);
  if (api == NULL || name == NULL) {
    im->rep->failed = 1;
    return NULL;
  }
  api->kind = D_API;
  api->name = name;
  api->doc = doc_text(im, node_string(node_get(im, info, "summary")));
  const char *desc = node_string(node_get(im, info, "description"));
  if (desc != NULL && api->doc.count > 0)
    doc_append(im, &api->doc, "");
  doc_append(im, &api->doc, desc);
  if (title != NULL)
    api_item_add(im, api, "title", NULL, title, VAL_STRING);
  const char *ver = node_str(node_get(im, info, "version"));
  if (ver != NULL)
    api_item_add(im, api, "version", NULL, ver, VAL_STRING);
  const char *url = base_url(im, root);
  if (url != NULL)
    api_item_add(im, api, "base_url", NULL, url, VAL_STRING);
  return api;
}

static void note_webhooks(imp *im, struct fy_node *root)
{
  size_t len = ptr_push(im, "webhooks");
  void *it = NULL;
  const char *key;
  struct fy_node *v;
  while (map_next(im, node_get(im, root, "webhooks"), &it, &key, &v))
    note(im, v, key, 1, "the language has no webhooks", "webhook '%s'", key);
  ptr_pop(im, len);
}

/* Declarations in output order: the api, models and enums, errors, resources; each group by the
 * component or operation that made it. */
static int group(const decl *d)
{
  return d->kind == D_ERROR ? 1 : d->kind == D_RESOURCE ? 2 : 0;
}

static int cmp_decl(const void *a, const void *b)
{
  const imp_decl *x = a, *y = b;
  if (group(x->d) != group(y->d))
    return group(x->d) - group(y->d);
  if (x->owner != y->owner)
    return x->owner < y->owner ? -1 : 1;
  return x->seq - y->seq;
}

static decl *chain(imp *im, decl *api)
{
  if (im->ndecls > 1)
    qsort(im->decls, im->ndecls, sizeof *im->decls, cmp_decl);
  decl **tail = &api->next;
  for (size_t i = 0; i < im->ndecls; i++) {
    *tail = im->decls[i].d;
    tail = &im->decls[i].d->next;
  }
  *tail = NULL;
  return api;
}

typedef struct comments {
  const imp *im;
  const decl *api;
  const char *header;
} comments;

static const char *comment_for(const void *ctx, const void *node)
{
  const comments *c = ctx;
  return node == c->api ? c->header : ops_comment(c->im, node);
}

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* The printed spec, checked (import_check.c). */
static char *print_and_check(imp *im, decl *api, const char *path)
{
  size_t dropped = 0;
  for (size_t i = 0; i < im->rep->count; i++)
    dropped += im->rep->notes[i].dropped;
  comments c = {im, api,
                imp_printf(im, "Imported by apic import from %s (%s): %zu constructs not carried over, %zu approximated.",
                           base_name(path), im->oas == 20 ? "Swagger 2.0" : im->oas == 30 ? "OpenAPI 3.0" : "OpenAPI 3.1",
                           dropped, im->rep->count - dropped)};
  return import_check(im, api, comment_for, &c);
}

static int run(imp *im, const char *path, const char *text, size_t text_len, char **out)
{
  imp_doc *root = text != NULL ? doc_load_text(im, path, text, text_len) : doc_load(im, path, NULL);
  if (root == NULL)
    return im->errors > 0 ? EXIT_SPEC : EXIT_USAGE;
  im->doc = root;
  sb_puts(&im->ptr, "#");
  if ((im->oas = version(im, root->root)) == 0)
    return EXIT_SPEC;
  note_unknown_keys(im, root->root, im->oas == 20 ? ROOT_KEYS_2 : ROOT_KEYS_3, "top-level keyword");
  note_webhooks(im, root->root);
  decl *api = api_decl(im, root->root);
  schemas_map_all(im);
  ops_map_all(im);
  if (api != NULL)
    auth_apply(im, api);
  unions_settle(im);
  schemas_break_cycles(im);
  if (im->rep->failed || api == NULL) {
    if (im->diag != NULL)
      fprintf(im->diag, "apic: out of memory\n");
    return EXIT_USAGE;
  }
  if (im->errors > 0)
    return EXIT_SPEC;
  *out = print_and_check(im, chain(im, api), path);
  if (*out == NULL) {
    if (im->diag != NULL)
      fprintf(im->diag, "apic: out of memory\n");
    return EXIT_USAGE;
  }
  return im->errors > 0 ? EXIT_SPEC : EXIT_OK;
}

/* Imports path, or text when it is not NULL. */
static int import(const char *path, const char *text, size_t len, const import_options *o, import_report *report,
                  char **out_spec, FILE *diag_out)
{
  static const import_options defaults = {0, 0, NULL};
  imp im;
  memset(&im, 0, sizeof im);
  im.opt = o != NULL ? o : &defaults;
  im.rep = report;
  im.diag = diag_out;
  im.budget = IMP_NODE_BUDGET;
  im.alias_budget = IMP_ALIAS_BUDGET;
  *out_spec = NULL;
  memset(report, 0, sizeof *report);
  int status = EXIT_USAGE;
  if ((im.arena = ast_arena_new()) != NULL && name_table_init(&im.refs) == 0 && name_table_init(&im.walked) == 0 && name_table_init(&im.c_names) == 0 &&
      name_table_init(&im.decl_names) == 0 && name_table_init(&im.notes_seen) == 0 &&
      name_table_init(&im.model_places) == 0 && name_table_init(&im.named_types) == 0 &&
      name_table_init(&im.name_counts) == 0)
    status = run(&im, path, text, len, out_spec);
  else if (diag_out != NULL)
    fprintf(diag_out, "apic: out of memory\n");
  if (status != EXIT_OK) {
    free(*out_spec);
    *out_spec = NULL;
  }
  ops_free(&im);
  auth_free(&im);
  schemas_free(&im);
  unions_free(&im);
  name_table_free(&im.refs);
  name_table_free(&im.walked);
  name_table_free(&im.c_names);
  name_table_free(&im.decl_names);
  name_table_free(&im.model_places);
  name_table_free(&im.named_types);
  name_table_free(&im.name_counts);
  name_table_free(&im.notes_seen);
  free(im.decls);
  sb_free(&im.ptr);
  for (int i = 0; i < im.ndocs; i++)
    doc_free(im.docs[i]);
  ast_arena_free(im.arena);
  return status;
}

int apic_import(const char *path, const import_options *o, import_report *report, char **out_spec, FILE *diag_out)
{
  return import(path, NULL, 0, o, report, out_spec, diag_out);
}

int apic_import_text(const char *name, const char *text, size_t len, const import_options *o,
                     import_report *report, char **out_spec, FILE *diag_out)
{
  return import(name, text != NULL ? text : "", len, o, report, out_spec, diag_out);
}
