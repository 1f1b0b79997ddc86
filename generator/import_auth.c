/* Security schemes into the api's auth (docs/import.md, "Auth"): HTTP bearer (and OAuth2 or
 * OpenID Connect, whose token the client is given), HTTP basic, an API key in a header or in the
 * query. The API's default is the first scheme the top-level `security` names that the language
 * can say, else the one most operations use; an operation that wants another, or none, says so
 * with @auth. One scheme in use is `auth = KIND;`; several are declared, `scheme NAME = KIND;`. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

typedef enum imp_auth_kind { IMP_AUTH_BEARER, IMP_AUTH_BASIC, IMP_AUTH_HEADER, IMP_AUTH_QUERY, IMP_AUTH_UNSUPPORTED } imp_auth_kind;

/* A scheme of the document the language can say. */
typedef struct scheme {
  const char *key;   /* its name in the document */
  const char *name;  /* its name in the spec */
  imp_auth_kind kind;
  const char *param; /* a key's header or query parameter */
  int used;
} scheme;

/* An operation, its own `security`, and where it is. */
typedef struct auth_use {
  operation *op;
  imp_doc *doc;
  const char *pointer;
  struct fy_node *security; /* NULL: the top-level one applies */
} auth_use;

struct imp_auth {
  auth_use *uses;
  size_t count, cap;
  scheme *schemes;
  size_t nschemes;
};

static struct fy_node *schemes_node(imp *im)
{
  struct fy_node *root = im->docs[0]->root;
  return im->oas == 20 ? node_get(im, root, "securityDefinitions")
                       : node_get(im, node_get(im, root, "components"), "securitySchemes");
}

/* What the scheme s (called key) is; *param gets an API key's header or parameter. Notes what
 * the language cannot say. */
static imp_auth_kind scheme_kind(imp *im, const char *key, struct fy_node *s, const char **param)
{
  const char *kind = node_str(node_get(im, s, "type"));
  const char *how = node_str(node_get(im, s, "scheme"));
  const char *in = node_str(node_get(im, s, "in"));
  *param = node_string(node_get(im, s, "name"));
  if (kind == NULL) {
    imp_error(im, s, "security scheme '%s' has no type", key);
    return IMP_AUTH_UNSUPPORTED;
  }
  if (strcmp(kind, "http") == 0 && how != NULL && strcasecmp(how, "bearer") == 0)
    return IMP_AUTH_BEARER;
  if (strcmp(kind, "oauth2") == 0 || strcmp(kind, "openIdConnect") == 0) {
    note(im, s, "type", 0, "the client sends the token it is given (or a token provider fetches)",
         "%s as a bearer token", kind);
    return IMP_AUTH_BEARER;
  }
  if (strcmp(kind, "basic") == 0 || (strcmp(kind, "http") == 0 && how != NULL && strcasecmp(how, "basic") == 0))
    return IMP_AUTH_BASIC;
  if (strcmp(kind, "apiKey") == 0 && in != NULL && *param != NULL && (strcmp(in, "header") == 0 || strcmp(in, "query") == 0))
    return strcmp(in, "header") == 0 ? IMP_AUTH_HEADER : IMP_AUTH_QUERY;
  note(im, s, NULL, 1, "the language has no such auth scheme", "security scheme '%s' (%s%s%s)", key, kind,
       in != NULL ? " in " : "", in != NULL ? in : "");
  return IMP_AUTH_UNSUPPORTED;
}

/* The schemes the language can say, named as the options' members they become: snake case,
 * not the api's prefix, none of the options' other members. */
static void read_schemes(imp *im, const char *api)
{
  struct imp_auth *a = im->auth;
  struct fy_node *set = schemes_node(im);
  int n = fy_node_mapping_item_count(set);
  a->schemes = calloc(n > 0 ? (size_t)n : 1, sizeof *a->schemes);
  name_table taken;
  if (a->schemes == NULL || name_table_init(&taken) != 0) {
    im->rep->failed = 1;
    return;
  }
  static const char *const members[] = {"none", "base_url", "default_headers", "n_default_headers", "http",
                                        "token_provider", "token_data"};
  for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
    name_table_put(&taken, members[i], (void *)members[i]);
  char prefix[128];
  snake_case(api, prefix, sizeof prefix);
  size_t plen = strlen(prefix);
  imp_place saved;
  place_enter(im, &saved, im->docs[0], im->oas == 20 ? "#/securityDefinitions" : "#/components/securitySchemes");
  void *it = NULL;
  const char *key;
  struct fy_node *s;
  while (map_next(im, set, &it, &key, &s)) {
    size_t len = ptr_push(im, key);
    imp_doc *dc;
    const char *pointer;
    struct fy_node *target = ref_follow(im, s, &dc, &pointer);
    scheme sc = {key, NULL, IMP_AUTH_UNSUPPORTED, NULL, 0};
    if (target != NULL)
      sc.kind = scheme_kind(im, key, target, &sc.param);
    char snake[128];
    snake_case(key, snake, sizeof snake);
    const char *raw = strncmp(snake, prefix, plen) == 0 && snake[plen] == '_' && snake[plen + 1] != '\0' ? key + plen + 1 : key;
    if (sc.kind != IMP_AUTH_UNSUPPORTED && (sc.name = name_member(im, &taken, raw)) != NULL)
      a->schemes[a->nschemes++] = sc;
    ptr_pop(im, len);
  }
  place_leave(im, &saved);
  name_table_free(&taken);
}

void auth_record(imp *im, operation *op, struct fy_node *op_security)
{
  if (im->auth == NULL && (im->auth = calloc(1, sizeof *im->auth)) == NULL) {
    im->rep->failed = 1;
    return;
  }
  struct imp_auth *a = im->auth;
  if (a->count == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 64;
    auth_use *grown = realloc(a->uses, cap * sizeof *grown);
    if (grown == NULL) {
      im->rep->failed = 1;
      return;
    }
    a->uses = grown;
    a->cap = cap;
  }
  a->uses[a->count++] = (auth_use){op, im->doc, imp_strdup(im, im->ptr.data != NULL ? im->ptr.data : "#"), op_security};
}

static scheme *find_scheme(imp *im, const char *key)
{
  for (size_t i = 0; key != NULL && i < im->auth->nschemes; i++)
    if (strcmp(im->auth->schemes[i].key, key) == 0)
      return &im->auth->schemes[i];
  return NULL;
}

/* The scheme a requirement list asks for: its first alternative the language can say (a
 * requirement of several schemes at once: its first one, noted). NULL for none: an empty list, or
 * `{}` among the alternatives before any scheme. *said: whether any alternative could be said. */
static scheme *wanted(imp *im, struct fy_node *security, int note_it, int *said)
{
  void *it = NULL;
  *said = seq_count(security) == 0;
  for (struct fy_node *alt; (alt = seq_next(im, security, &it)) != NULL;) {
    if (node_is_map(alt) && fy_node_mapping_item_count(alt) == 0) {
      *said = 1;
      return NULL; /* anonymous access allowed */
    }
    void *kit = NULL;
    const char *key;
    struct fy_node *v;
    scheme *first = NULL;
    int count = 0;
    while (map_next(im, alt, &kit, &key, &v))
      count++, first = first != NULL ? first : find_scheme(im, key);
    if (first != NULL && count > 1 && note_it)
      note(im, NULL, "security", 0, "the language sends one credential a call",
           "a requirement of %d schemes at once as '%s' alone", count, first->name);
    if (first != NULL) {
      *said = 1;
      return first;
    }
  }
  return NULL;
}

/* The default: the top-level security's scheme, else the one most operations ask for. */
static scheme *default_scheme(imp *im, struct fy_node *global)
{
  int said;
  scheme *def = wanted(im, global, 0, &said);
  if (def != NULL || (said && seq_count(global) > 0))
    return def;
  size_t best = 0;
  for (size_t s = 0; s < im->auth->nschemes; s++) {
    size_t count = 0;
    for (size_t i = 0; i < im->auth->count; i++) {
      const auth_use *u = &im->auth->uses[i];
      count += wanted(im, u->security != NULL ? u->security : global, 0, &said) == &im->auth->schemes[s];
    }
    if (count > best)
      best = count, def = &im->auth->schemes[s];
  }
  return def;
}

static const char *const KIND_WORDS[] = {"bearer", "basic", "header", "query"};

/* `auth = KIND;` (one scheme in use), or `scheme NAME = KIND;` for each and `auth = NAME;`. */
static void write_api(imp *im, decl *api, const scheme *def, int several)
{
  imp_place saved;
  place_enter(im, &saved, im->docs[0], im->oas == 20 ? "#/securityDefinitions" : "#/components/securitySchemes");
  for (size_t i = 0; i < im->auth->nschemes; i++) {
    if (im->auth->schemes[i].used)
      continue;
    size_t len = ptr_push(im, im->auth->schemes[i].key);
    note(im, node_get(im, schemes_node(im), im->auth->schemes[i].key), NULL, 1, "no operation uses it",
         "security scheme '%s'", im->auth->schemes[i].key);
    ptr_pop(im, len);
  }
  place_leave(im, &saved);
  for (size_t i = 0; several && i < im->auth->nschemes; i++) {
    const scheme *s = &im->auth->schemes[i];
    if (!s->used)
      continue;
    int call = s->kind == IMP_AUTH_HEADER || s->kind == IMP_AUTH_QUERY;
    api_item *it = api_item_add(im, api, "scheme", call ? KIND_WORDS[s->kind] : NULL, call ? s->param : KIND_WORDS[s->kind],
                                call ? VAL_STRING : VAL_IDENT);
    if (it != NULL)
      it->name = s->name;
  }
  if (def == NULL)
    api_item_add(im, api, "auth", NULL, "none", VAL_IDENT);
  else if (several)
    api_item_add(im, api, "auth", NULL, def->name, VAL_IDENT);
  else if (def->kind == IMP_AUTH_HEADER || def->kind == IMP_AUTH_QUERY)
    api_item_add(im, api, "auth", KIND_WORDS[def->kind], def->param, VAL_STRING);
  else
    api_item_add(im, api, "auth", NULL, KIND_WORDS[def->kind], VAL_IDENT);
}

void auth_apply(imp *im, decl *api)
{
  if (im->auth == NULL && (im->auth = calloc(1, sizeof *im->auth)) == NULL) {
    im->rep->failed = 1;
    return;
  }
  read_schemes(im, api->name);
  struct imp_auth *a = im->auth;
  struct fy_node *global = node_get(im, im->docs[0]->root, "security");
  scheme *def = default_scheme(im, global);
  if (def != NULL)
    def->used = 1;
  size_t in_use = def != NULL;
  for (size_t i = 0; i < a->count; i++) { /* each operation's, @auth where it is not the default */
    auth_use *u = &a->uses[i];
    imp_place saved;
    place_enter(im, &saved, u->doc, u->pointer);
    int said;
    scheme *s = wanted(im, u->security != NULL ? u->security : global, 1, &said);
    if (!said) {
      s = def;
      note(im, NULL, u->security != NULL ? "security" : NULL, 0, "the language has no such auth scheme",
           "this operation's security as the API's (%s)", def != NULL ? def->name : "none");
    }
    if (s != def && s != NULL)
      anno_add(im, &u->op->annos, "auth", value_ident(im, s->name));
    else if (s != def)
      anno_add(im, &u->op->annos, "auth", value_ident(im, "none"));
    if (s != NULL && !s->used)
      s->used = 1, in_use++;
    if (s != NULL)
      ops_drop_auth_params(im, u->op, s->kind == IMP_AUTH_HEADER ? s->param : NULL,
                           s->kind == IMP_AUTH_QUERY ? s->param : NULL);
    place_leave(im, &saved);
  }
  write_api(im, api, def, in_use > 1 || (in_use > 0 && def == NULL));
}

void auth_free(imp *im)
{
  if (im->auth != NULL) {
    free(im->auth->uses);
    free(im->auth->schemes);
  }
  free(im->auth);
  im->auth = NULL;
}
