/* Security schemes into the api's one auth setting (docs/import.md, "Auth"): bearer (HTTP
 * bearer, and OAuth2 or OpenID Connect, whose token the client is given), or an API key in a
 * header. The API's scheme is the first one the top-level `security` names that the language
 * can say, else the one most operations use; operations that want another are noted. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

typedef enum imp_auth_kind { IMP_AUTH_NONE, IMP_AUTH_BEARER, IMP_AUTH_HEADER, IMP_AUTH_UNSUPPORTED } imp_auth_kind;

/* An operation's own `security`, and where it is. */
typedef struct auth_use {
  imp_doc *doc;
  const char *pointer;
  struct fy_node *security; /* NULL: the top-level one applies */
} auth_use;

struct imp_auth {
  auth_use *uses;
  size_t count, cap;
};

static struct fy_node *schemes(imp *im)
{
  struct fy_node *root = im->docs[0]->root;
  return im->oas == 20 ? node_get(im, root, "securityDefinitions")
                       : node_get(im, node_get(im, root, "components"), "securitySchemes");
}

/* What the scheme called name is; *header gets an API key's header. Notes (once) what the
 * language cannot say. */
static imp_auth_kind scheme_kind(imp *im, const char *name, const char **header)
{
  struct fy_node *s = node_get(im, schemes(im), name);
  imp_place saved;
  place_enter(im, &saved, im->docs[0], im->oas == 20 ? "#/securityDefinitions" : "#/components/securitySchemes");
  ptr_push(im, name);
  imp_doc *dc;
  const char *pointer;
  s = s != NULL ? ref_follow(im, s, &dc, &pointer) : NULL;
  const char *kind = node_str(node_get(im, s, "type"));
  const char *scheme = node_str(node_get(im, s, "scheme"));
  const char *in = node_str(node_get(im, s, "in"));
  imp_auth_kind k = IMP_AUTH_UNSUPPORTED;
  if (s == NULL || kind == NULL) {
    imp_error(im, s, "security scheme '%s' is not defined", name);
  } else if (strcmp(kind, "http") == 0 && scheme != NULL && strcasecmp(scheme, "bearer") == 0) {
    k = IMP_AUTH_BEARER;
  } else if (strcmp(kind, "oauth2") == 0 || strcmp(kind, "openIdConnect") == 0) {
    k = IMP_AUTH_BEARER;
    note(im, s, "type", 0, "the client sends the token it is given (or a token provider fetches)",
         "%s as a bearer token", kind);
  } else if (strcmp(kind, "basic") == 0 || (strcmp(kind, "http") == 0 && scheme != NULL && strcasecmp(scheme, "basic") == 0)) {
    note(im, s, NULL, 1, gap_why(GAP_BASIC_AUTH), "HTTP basic auth '%s'", name);
  } else if (strcmp(kind, "apiKey") == 0 && in != NULL && strcmp(in, "header") == 0 &&
             node_string(node_get(im, s, "name")) != NULL) {
    k = IMP_AUTH_HEADER;
    *header = node_string(node_get(im, s, "name"));
  } else if (strcmp(kind, "apiKey") == 0 && in != NULL && strcmp(in, "query") == 0) {
    note(im, s, NULL, 1, gap_why(GAP_QUERY_AUTH), "API key '%s' in the query", name);
  } else {
    note(im, s, NULL, 1, "the language has no such auth scheme", "security scheme '%s' (%s%s%s)", name, kind,
         in != NULL ? " in " : "", in != NULL ? in : "");
  }
  place_leave(im, &saved);
  return k;
}

void auth_record(imp *im, struct fy_node *op_security)
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
  a->uses[a->count++] = (auth_use){im->doc, imp_strdup(im, im->ptr.data != NULL ? im->ptr.data : "#"), op_security};
}

/* The single scheme an alternative of a requirement list names, or NULL (none, or several
 * that must all be given). */
static const char *only_scheme(imp *im, struct fy_node *alternative)
{
  const char *name = NULL, *key;
  struct fy_node *v;
  void *it = NULL;
  int n = 0;
  while (map_next(im, alternative, &it, &key, &v))
    name = key, n++;
  return n == 1 ? name : NULL;
}

/* Whether the requirement list names scheme as one of its alternatives. */
static int offers(imp *im, struct fy_node *security, const char *scheme)
{
  void *it = NULL;
  for (struct fy_node *alt; (alt = seq_next(im, security, &it)) != NULL;)
    if (node_get(im, alt, scheme) != NULL)
      return 1;
  return 0;
}

/* The scheme most operations offer that the language can say (first among equals in the
 * document's order of schemes). */
static const char *most_used(imp *im, struct fy_node *global)
{
  const char *best = NULL, *key;
  size_t best_count = 0;
  struct fy_node *v;
  void *it = NULL;
  while (map_next(im, schemes(im), &it, &key, &v)) {
    size_t count = 0;
    for (size_t i = 0; im->auth != NULL && i < im->auth->count; i++) {
      struct fy_node *sec = im->auth->uses[i].security != NULL ? im->auth->uses[i].security : global;
      count += offers(im, sec, key);
    }
    const char *header;
    if (count > best_count && scheme_kind(im, key, &header) != IMP_AUTH_UNSUPPORTED)
      best = key, best_count = count;
  }
  return best;
}

void auth_choose(imp *im, const char **out_auth, const char **out_header)
{
  struct fy_node *global = node_get(im, im->docs[0]->root, "security");
  const char *chosen = NULL, *header = NULL;
  imp_auth_kind kind = IMP_AUTH_NONE;
  void *it = NULL;
  for (struct fy_node *alt; kind == IMP_AUTH_NONE && (alt = seq_next(im, global, &it)) != NULL;) {
    const char *name = only_scheme(im, alt);
    imp_auth_kind k = name != NULL ? scheme_kind(im, name, &header) : IMP_AUTH_NONE;
    if (k == IMP_AUTH_BEARER || k == IMP_AUTH_HEADER)
      chosen = name, kind = k;
  }
  if (chosen == NULL && (chosen = most_used(im, global)) != NULL)
    kind = scheme_kind(im, chosen, &header);
  /* Every scheme the language cannot say is noted, used or not. */
  const char *key, *h;
  struct fy_node *v;
  it = NULL;
  while (map_next(im, schemes(im), &it, &key, &v))
    scheme_kind(im, key, &h);
  for (size_t i = 0; im->auth != NULL && i < im->auth->count; i++) {
    const auth_use *u = &im->auth->uses[i];
    struct fy_node *sec = u->security != NULL ? u->security : global;
    imp_place saved;
    place_enter(im, &saved, u->doc, u->pointer);
    /* At the operation (found by its pointer): its security, or itself when it has none. */
    if (sec != NULL && seq_count(sec) == 0 && chosen != NULL)
      note(im, NULL, "security", 0, gap_why(GAP_OP_SECURITY),
           "no auth for this operation (the client sends the API's credentials anyway)");
    else if (sec != NULL && seq_count(sec) > 0 && (chosen == NULL || !offers(im, sec, chosen)))
      note(im, NULL, u->security != NULL ? "security" : NULL, 0, gap_why(GAP_OP_SECURITY),
           "this operation's security as the API's (%s)", chosen != NULL ? chosen : "none");
    place_leave(im, &saved);
  }
  *out_auth = kind == IMP_AUTH_BEARER ? "bearer" : kind == IMP_AUTH_HEADER ? "header" : "none";
  *out_header = kind == IMP_AUTH_HEADER ? header : NULL;
}

void auth_free(imp *im)
{
  if (im->auth != NULL)
    free(im->auth->uses);
  free(im->auth);
  im->auth = NULL;
}
