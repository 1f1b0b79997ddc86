/* libapic-mock: the spec's operations and collections, worked out once at start, so a request
 * never walks the spec's JSON to find them: a route per operation (its method, path and kind
 * by convention), and per collection (a path that a "{param}" segment follows, or that an
 * operation creates into, lists or replaces in) the model of its items, the field that keys
 * them and whether the spec creates into it. Sorted, so both build and lookup stay fast for a
 * spec of thousands of operations. */
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }
static int is(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* What an operation does by convention (its shape decides, not its name). */
static int op_kind(const cJSON *op)
{
  const char *method = str(op, "method"), *rk = str(get(op, "returns"), "kind");
  const char *body = str(get(op, "body"), "kind");
  int item = apic_mock__item_path(str(op, "full_path")), model_body = is(body, "model");
  if (is(rk, "stream"))
    return OP_STREAM;
  if (is(rk, "bytes"))
    return OP_DOWNLOAD;
  if (is(body, "bytes"))
    return OP_UPLOAD;
  if (is(method, "POST") && model_body && (is(rk, "model") || is(rk, "none")) && !item) /* none: createUser */
    return OP_CREATE;
  if (item && is(method, "GET") && is(rk, "model"))
    return OP_GET;
  if (item && (is(method, "PATCH") || is(method, "PUT") || is(method, "DELETE")))
    return is(method, "PATCH") || is(body, "form") ? OP_UPDATE : is(method, "PUT") ? OP_REPLACE : OP_DELETE;
  if (item && is(method, "POST") && is(body, "form")) /* the pet store's updatePetWithForm */
    return OP_UPDATE;
  if (!item && is(method, "PUT") && model_body && is(rk, "model")) /* the body names the item */
    return OP_REPLACE;
  if (!item && is(method, "GET") &&
      (is(rk, "page") || (is(rk, "array") && is(str(get(get(get(op, "returns"), "type"), "items"), "kind"), "model"))))
    return OP_LIST;
  return OP_OTHER;
}

typedef struct sighting { /* a collection in an operation's path */
  const char *path;
  size_t len;         /* the collection: path[0..len) */
  const char *param;  /* the "{param}" after it (NULL: none) */
  size_t plen;
  const cJSON *model; /* its items' model, when the operation says: a create, an item's GET */
  int created;
  size_t seq; /* spec order: the first operation that says something wins */
} sighting;

/* The collections in op's path, into out: one per "{param}" segment, and the path itself when
 * the operation creates into it, lists it or replaces in it. */
static size_t sightings(const cJSON *spec, const cJSON *op, int kind, const char *fp, size_t seq, sighting *out)
{
  size_t n = 0;
  for (size_t i = 0; fp[i] != '\0'; i++) {
    if (fp[i] != '/' || fp[i + 1] != '{')
      continue;
    size_t plen = strcspn(fp + i + 2, "}");
    int last = fp[i + 2 + plen] == '}' && fp[i + 3 + plen] == '\0';
    const cJSON *model = kind == OP_GET && last ? apic_mock__returned_model(spec, op) : NULL;
    out[n] = (sighting){fp, i, fp + i + 2, plen, model, 0, seq + n};
    n++;
  }
  if ((kind == OP_CREATE || kind == OP_LIST || kind == OP_REPLACE) && !apic_mock__item_path(fp)) {
    const cJSON *model = kind == OP_CREATE ? apic_mock__returned_model(spec, op) : NULL;
    if (kind == OP_CREATE && model == NULL) /* a create that answers nothing: the body's model */
      model = apic_mock__model(spec, str(get(op, "body"), "name"));
    out[n] = (sighting){fp, strlen(fp), NULL, 0, model, kind == OP_CREATE, seq + n};
    n++;
  }
  return n;
}

/* By collection (as strcmp orders them), then in spec order. */
static int by_path(const void *a, const void *b)
{
  const sighting *x = a, *y = b;
  int c = memcmp(x->path, y->path, x->len < y->len ? x->len : y->len);
  if (c == 0)
    c = x->len < y->len ? -1 : x->len > y->len;
  return c != 0 ? c : x->seq < y->seq ? -1 : 1;
}

/* One collection from its sightings s[0..n): the first parameter and model in spec order; the
 * key is the model's field named like the parameter, else id. */
static int add_collection(apic_mock *m, const sighting *s, size_t n)
{
  const sighting *param = NULL;
  mock_coll *c = &m->colls[m->ncolls];
  char name[128];
  for (size_t i = 0; i < n; i++) {
    param = param != NULL ? param : s[i].param != NULL ? &s[i] : NULL;
    c->model = c->model != NULL ? c->model : s[i].model;
    c->created |= s[i].created;
  }
  if ((c->pattern = strndup(s[0].path, s[0].len)) == NULL)
    return -1;
  if (param != NULL)
    memcpy(name, param->param, param->plen < sizeof name ? param->plen : sizeof name - 1),
      name[param->plen < sizeof name ? param->plen : sizeof name - 1] = '\0';
  const cJSON *f = param != NULL ? apic_mock__field(c->model, name) : NULL;
  c->key = f != NULL ? str(f, "wire") : "id";
  m->ncolls++;
  return 0;
}

static int add_collections(apic_mock *m, sighting *s, size_t n)
{
  qsort(s, n, sizeof *s, by_path);
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && s[j].len == s[i].len && memcmp(s[j].path, s[i].path, s[i].len) == 0; j++)
      ;
    if (add_collection(m, s + i, j - i) != 0)
      return -1;
  }
  return 0;
}

int apic_mock__index(apic_mock *m)
{
  const cJSON *res, *op;
  size_t ops = 0, most = 0, n = 0;
  cJSON_ArrayForEach(res, get(m->spec, "resources")) cJSON_ArrayForEach(op, get(res, "operations"))
  {
    const char *fp = str(op, "full_path");
    for (size_t i = 0; fp != NULL && fp[i] != '\0'; i++)
      most += fp[i] == '/';
    most++, ops++;
  }
  sighting *seen = calloc(most + 1, sizeof *seen);
  m->colls = calloc(most + 1, sizeof *m->colls), m->routes = calloc(ops + 1, sizeof *m->routes);
  if (seen == NULL || m->colls == NULL || m->routes == NULL) {
    free(seen);
    return -1;
  }
  cJSON_ArrayForEach(res, get(m->spec, "resources")) cJSON_ArrayForEach(op, get(res, "operations"))
  {
    const char *fp = str(op, "full_path"), *method = str(op, "method");
    int kind = op_kind(op);
    if (fp == NULL || method == NULL)
      continue;
    m->routes[m->nroutes++] = (mock_route){op, method, fp, cJSON_GetArraySize(get(op, "path_params")), kind, NULL};
    n += sightings(m->spec, op, kind, fp, n, seen + n);
  }
  int rc = add_collections(m, seen, n);
  free(seen);
  return rc;
}

void apic_mock__index_free(apic_mock *m)
{
  for (size_t i = 0; i < m->ncolls; i++)
    free(m->colls[i].pattern);
  free(m->colls);
  free(m->routes);
}

static int by_pattern(const void *key, const void *c)
{
  return strcmp(key, ((const mock_coll *)c)->pattern);
}

const mock_coll *apic_mock__collection(const apic_mock *m, const char *pattern)
{
  return m->ncolls > 0 ? bsearch(pattern, m->colls, m->ncolls, sizeof *m->colls, by_pattern) : NULL;
}

const char *apic_mock__key_field(const apic_mock *m, const char *pattern)
{
  const mock_coll *c = apic_mock__collection(m, pattern);
  return c != NULL ? c->key : "id";
}
