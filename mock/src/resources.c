/* libapic-mock: answering the spec's operations. Resources by convention (create, get, list,
 * update, replace, delete on the store), synthesized values for the rest, SSE for streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define PAGE_MAX 1000 /* largest page served, whatever the limit asked */

enum op_kind { OP_CREATE, OP_GET, OP_UPDATE, OP_REPLACE, OP_DELETE, OP_LIST, OP_STREAM, OP_OTHER };

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }
static int is(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

void apic_mock__reply_json(mock_reply *r, int status, cJSON *j)
{
  r->status = status;
  r->body = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
  r->len = r->body != NULL ? strlen(r->body) : 0;
  r->ctype = "application/json";
  cJSON_Delete(j);
}

void apic_mock__reply_error(apic_mock *m, mock_reply *r, int status, const char *detail)
{
  apic_mock__reply_json(r, status, apic_mock__error_payload(m->spec, status, detail));
}

static int op_kind(const cJSON *op)
{
  const char *method = str(op, "method"), *fp = str(op, "full_path"), *last = strrchr(fp ? fp : "/", '/');
  const char *rk = str(get(op, "returns"), "kind");
  int item = last != NULL && last[1] == '{';
  if (is(rk, "stream"))
    return OP_STREAM;
  if (is(method, "POST") && get(op, "body") != NULL && is(rk, "model") && !item)
    return OP_CREATE;
  if (item && is(method, "GET") && is(rk, "model"))
    return OP_GET;
  if (item && (is(method, "PATCH") || is(method, "PUT") || is(method, "DELETE")))
    return is(method, "PATCH") ? OP_UPDATE : is(method, "PUT") ? OP_REPLACE : OP_DELETE;
  if (!item && is(method, "GET") && (is(rk, "page") || is(rk, "array")))
    return OP_LIST;
  return OP_OTHER;
}

static int authorized(apic_mock *m, struct MHD_Connection *c)
{
  const cJSON *auth = get(get(m->spec, "api"), "auth");
  const char *scheme = str(auth, "scheme");
  if (m->o.no_auth || scheme == NULL || is(scheme, "none"))
    return 1;
  if (is(scheme, "bearer")) {
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    return h != NULL && strncasecmp(h, "Bearer ", 7) == 0 && h[7] != '\0';
  }
  const char *name = str(auth, "header");
  const char *h = name != NULL ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, name) : NULL;
  return h != NULL && h[0] != '\0';
}

/* A parameter's text as the JSON value its type expects (left a string when it does not parse,
 * so the validator names the problem). */
static cJSON *param_value(const char *kind, const char *text)
{
  char *end;
  if (is(kind, "int") || is(kind, "float")) {
    double d = strtod(text, &end);
    if (end != text && *end == '\0')
      return cJSON_CreateNumber(d);
  }
  if (is(kind, "bool") && (is(text, "true") || is(text, "false")))
    return cJSON_CreateBool(is(text, "true"));
  return cJSON_CreateString(text);
}

typedef struct repeated { /* the values of one repeated query key, as a JSON array */
  const char *key, *item_kind;
  cJSON *values;
} repeated;

static enum MHD_Result add_repeated(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  repeated *r = cls;
  (void)kind;
  if (key != NULL && strcmp(key, r->key) == 0) /* as many as the query holds: bounded by MHD's memory limit */
    cJSON_AddItemToArray(r->values, param_value(r->item_kind, value != NULL ? value : ""));
  return MHD_YES;
}

enum { IN_PATH, IN_QUERY, IN_HEADER };

/* A parameter's value in the request as JSON (a query array: every repeated key), NULL when
 * the request has none. */
static cJSON *param_json(struct MHD_Connection *c, int in, const cJSON *p, const cJSON *path_values)
{
  const char *wire = str(p, "wire"), *kind = str(get(p, "type"), "kind");
  if (wire == NULL)
    return NULL;
  if (in == IN_QUERY && is(kind, "array")) {
    repeated r = {wire, str(get(get(p, "type"), "items"), "kind"), cJSON_CreateArray()};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_repeated, &r);
    if (cJSON_GetArraySize(r.values) > 0)
      return r.values;
    cJSON_Delete(r.values);
    return NULL;
  }
  const char *text = in == IN_PATH     ? str(path_values, wire)
                     : in == IN_QUERY ? MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, wire)
                                      : MHD_lookup_connection_value(c, MHD_HEADER_KIND, wire);
  return text != NULL ? param_value(kind, text) : NULL;
}

/* Path, query and header parameters against their types and constraints ("query.limit: below
 * the minimum 1", "header.X-Retries: expected an integer, got \"x\""); required ones present. */
static int check_params(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const cJSON *path_values, char *err,
                        size_t errsz)
{
  static const char *const lists[] = {"path_params", "query_params", "header_params"};
  static const char *const roots[] = {"path", "query", "header"};
  for (int in = IN_PATH; in <= IN_HEADER; in++) {
    const cJSON *p;
    cJSON_ArrayForEach(p, get(op, lists[in]))
    {
      char root[160];
      snprintf(root, sizeof root, "%s.%.100s", roots[in], str(p, "wire") != NULL ? str(p, "wire") : "?");
      cJSON *v = param_json(c, in, p, path_values);
      int rc = 0;
      if (v != NULL)
        rc = apic_mock__validate(m->spec, get(p, "type"), get(p, "constraints"), v, root, err, errsz);
      else if (!cJSON_IsTrue(get(p, "optional")) && get(p, "default") == NULL)
        rc = -1, snprintf(err, errsz, "%s: required parameter missing", root);
      cJSON_Delete(v);
      if (rc != 0)
        return -1;
    }
  }
  return 0;
}

/* The body model's defaults for fields the request left out (CreateTask.schedule). */
static void add_defaults(apic_mock *m, const cJSON *type, cJSON *body)
{
  const cJSON *f;
  if (!is(str(type, "kind"), "model"))
    return;
  cJSON_ArrayForEach(f, get(apic_mock__model(m->spec, str(type, "name")), "fields"))
  {
    const char *wire = str(f, "wire");
    if (wire != NULL && get(f, "default") != NULL && get(body, wire) == NULL)
      cJSON_AddItemToObject(body, wire, apic_mock__default(m->spec, f));
  }
}

/* 400 or 422 when the body does not fit the operation's body type; *out the parsed body. */
static int check_body(apic_mock *m, const cJSON *op, const char *body, size_t len, cJSON **out, mock_reply *r)
{
  char err[400];
  if (get(op, "body") == NULL)
    return 0;
  if (len == 0)
    return apic_mock__reply_error(m, r, 400, "a JSON body is required"), -1;
  if (!apic_mock__utf8_valid(body, len))
    return apic_mock__reply_error(m, r, 400, "the body is not valid UTF-8"), -1;
  if ((*out = cJSON_ParseWithLength(body, len)) == NULL)
    return apic_mock__reply_error(m, r, 400, "the body is not valid JSON"), -1;
  if (apic_mock__validate(m->spec, get(op, "body"), NULL, *out, "$", err, sizeof err) != 0)
    return apic_mock__reply_error(m, r, 422, err), -1;
  if (!is(str(op, "method"), "PATCH")) /* a patch leaves absent fields alone */
    add_defaults(m, get(op, "body"), *out);
  return 0;
}

static cJSON *find_item(cJSON *store, const char *coll, const char *id, int *index)
{
  cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(store, coll))
  {
    const cJSON *have = get(it, "id");
    char num[32];
    if (cJSON_IsNumber(have))
      snprintf(num, sizeof num, "%.0f", have->valuedouble);
    if (is(cJSON_IsNumber(have) ? num : cJSON_GetStringValue(have), id))
      return *index = i, it;
    i++;
  }
  return NULL;
}

/* A collection is known when the spec creates into it or the store holds it. */
static int collection_known(apic_mock *m, const char *pattern, const char *path)
{
  const cJSON *res, *op;
  if (cJSON_GetObjectItemCaseSensitive(m->store, path) != NULL)
    return 1;
  cJSON_ArrayForEach(res, get(m->spec, "resources")) cJSON_ArrayForEach(op, get(res, "operations"))
  {
    if (op_kind(op) == OP_CREATE && is(str(op, "full_path"), pattern))
      return 1;
  }
  return 0;
}

/* Every "{param}" segment after a known collection must name an item in it (else 404).
 * Called with the lock held. */
static int missing_item(apic_mock *m, const char *pattern, const char *path, char *detail, size_t dsz)
{
  char pat[512], con[512];
  size_t pi = 0, si = 0, pn = strlen(pattern), sn = strlen(path);
  if (pn >= sizeof pat || sn >= sizeof con)
    return 0;
  while (pi < pn && si < sn) {
    size_t plen = strcspn(pattern + pi + 1, "/") + 1, slen = strcspn(path + si + 1, "/") + 1;
    if (pattern[pi + 1] == '{') {
      snprintf(pat, sizeof pat, "%.*s", (int)pi, pattern);
      snprintf(con, sizeof con, "%.*s", (int)si, path);
      char id[256];
      int index;
      snprintf(id, sizeof id, "%.*s", (int)(slen - 1 < 255 ? slen - 1 : 255), path + si + 1);
      if (collection_known(m, pat, con) && find_item(m->store, con, id, &index) == NULL) {
        snprintf(detail, dsz, "no item %.150s in %.150s", id, con);
        return 1;
      }
    }
    pi += plen, si += slen;
  }
  return 0;
}

static void new_id(apic_mock *m, char *buf, size_t size)
{
  char n[32];
  snprintf(n, sizeof n, "%lu", ++m->next_id);
  snprintf(buf, size, "%012llx", (unsigned long long)(apic_mock__hash(m->o.seed, n) & 0xFFFFFFFFFFFFull));
}

/* An item of model from a request body: the old item's id (the server assigns ids, a body's
 * is ignored), body fields, the old item's required date-times, defaults, a new id, path
 * parameters, now for required date-times, and
 * synthesized values for other required fields. Called with the lock held. */
static cJSON *build_item(apic_mock *m, const cJSON *model, const cJSON *body, const cJSON *old, const cJSON *params,
                         uint64_t *rng)
{
  cJSON *item = cJSON_CreateObject();
  const cJSON *f;
  cJSON_ArrayForEach(f, get(model, "fields"))
  {
    const char *wire = str(f, "wire"), *kind = str(get(f, "type"), "kind");
    int optional = cJSON_IsTrue(get(f, "optional"));
    char buf[40];
    cJSON *v = NULL;
    if (wire == NULL || get(f, "header") != NULL)
      continue;
    if (old != NULL && is(wire, "id") && get(old, wire) != NULL) /* the server owns ids */
      v = cJSON_Duplicate(get(old, wire), 1);
    else if (get(body, wire) != NULL && !is(wire, "id"))
      v = cJSON_Duplicate(get(body, wire), 1);
    else if (old != NULL && is(kind, "datetime") && !optional && get(old, wire) != NULL)
      v = cJSON_Duplicate(get(old, wire), 1);
    else if (get(f, "default") != NULL)
      v = apic_mock__default(m->spec, f);
    else if (is(wire, "id") && is(kind, "string")) {
      new_id(m, buf, sizeof buf);
      v = cJSON_CreateString(buf);
    } else if (is(wire, "id") && is(kind, "int"))
      v = cJSON_CreateNumber((double)++m->next_id); else if (str(params, wire) != NULL)
      v = cJSON_CreateString(str(params, wire));
    else if (!optional && is(kind, "datetime")) {
      apic_mock__now(buf, sizeof buf);
      v = cJSON_CreateString(buf);
    } else if (!optional)
      v = apic_mock__synth(m->spec, get(f, "type"), f, rng, 0, 0);
    if (v != NULL)
      cJSON_AddItemToObject(item, wire, v);
  }
  return item;
}

static const cJSON *returned_model(apic_mock *m, const cJSON *op)
{
  const char *name = str(get(get(op, "returns"), "type"), "name");
  return apic_mock__model(m->spec, name != NULL ? name : "");
}

static void stamp_updated(const cJSON *model, cJSON *item)
{
  const cJSON *f = apic_mock__field(model, "updated_at");
  char now[40];
  if (f != NULL && is(str(get(f, "type"), "kind"), "datetime")) {
    apic_mock__now(now, sizeof now);
    cJSON_DeleteItemFromObjectCaseSensitive(item, "updated_at");
    cJSON_AddStringToObject(item, "updated_at", now);
  }
}

static void answer_item(mock_reply *r, const cJSON *op, int status, const cJSON *item)
{
  if (is(str(get(op, "returns"), "kind"), "none"))
    apic_mock__reply_json(r, 204, NULL);
  else
    apic_mock__reply_json(r, status, cJSON_Duplicate(item, 1));
}

static void parent_path(const char *path, char *buf, size_t size)
{
  const char *last = strrchr(path, '/');
  snprintf(buf, size, "%.*s", (int)(last != NULL ? last - path : 0), path);
}

/* The store half of CRUD, with the lock held. */
static void crud(apic_mock *m, const cJSON *op, int kind, const char *path, const cJSON *params, const cJSON *body,
                 uint64_t *rng, mock_reply *r)
{
  char coll[512];
  int index = 0;
  const cJSON *model = returned_model(m, op);
  if (kind == OP_CREATE) {
    cJSON *item = build_item(m, model, body, NULL, params, rng);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(m->store, path);
    if (arr == NULL)
      arr = cJSON_AddArrayToObject(m->store, path);
    cJSON_AddItemToArray(arr, item);
    apic_mock__reply_json(r, 201, cJSON_Duplicate(item, 1));
    return;
  }
  parent_path(path, coll, sizeof coll);
  cJSON *item = find_item(m->store, coll, strrchr(path, '/') + 1, &index);
  if (item == NULL) {
    apic_mock__reply_error(m, r, 404, "no such item");
    return;
  }
  if (kind == OP_UPDATE) {
    const cJSON *b;
    cJSON_ArrayForEach(b, body)
    {
      cJSON_DeleteItemFromObjectCaseSensitive(item, b->string);
      cJSON_AddItemToObject(item, b->string, cJSON_Duplicate(b, 1));
    }
    stamp_updated(model, item);
  } else if (kind == OP_REPLACE) {
    cJSON *fresh = build_item(m, model != NULL ? model : get(op, "body"), body, item, params, rng);
    stamp_updated(model, fresh);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItemCaseSensitive(m->store, coll), index, fresh);
    item = fresh;
  } else if (kind == OP_DELETE) {
    cJSON *gone = cJSON_DetachItemFromArray(cJSON_GetObjectItemCaseSensitive(m->store, coll), index);
    answer_item(r, op, 200, gone);
    cJSON_Delete(gone);
    return;
  }
  answer_item(r, op, 200, item);
}

/* Does item match the query's filters (query names that are fields of the item)? */
static int item_matches(const cJSON *op, const cJSON *query, const cJSON *item)
{
  const cJSON *p, *pag = get(op, "paginate");
  cJSON_ArrayForEach(p, get(op, "query_params"))
  {
    const char *wire = str(p, "wire");
    const cJSON *want = get(query, wire ? wire : ""), *have = get(item, wire ? wire : ""), *w;
    if (want == NULL || is(wire, str(pag, "param")) || is(wire, "limit") || have == NULL)
      continue;
    cJSON *wants = cJSON_IsArray(want) ? cJSON_Duplicate(want, 1) : cJSON_CreateArray();
    if (!cJSON_IsArray(want))
      cJSON_AddItemToArray(wants, cJSON_Duplicate(want, 1));
    int ok = 1;
    cJSON_ArrayForEach(w, wants)
    {
      const char *t = w->valuestring;
      const cJSON *h;
      int found = 0;
      if (cJSON_IsArray(have)) {
        cJSON_ArrayForEach(h, have) found |= is(cJSON_GetStringValue(h), t);
      } else if (cJSON_IsBool(have))
        found = is(t, cJSON_IsTrue(have) ? "true" : "false");
      else if (cJSON_IsNumber(have))
        found = strtod(t, NULL) == have->valuedouble;
      else
        found = is(cJSON_GetStringValue(have), t);
      ok &= found;
    }
    cJSON_Delete(wants);
    if (!ok)
      return 0;
  }
  return 1;
}

static long query_long(const cJSON *query, const char *name, long dflt)
{
  const cJSON *v = get(query, name ? name : "");
  if (cJSON_IsArray(v))
    v = cJSON_GetArrayItem(v, 0);
  return cJSON_IsString(v) ? strtol(v->valuestring, NULL, 10) : dflt;
}

static long default_limit(const cJSON *op)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, get(op, "query_params")) if (is(str(p, "wire"), "limit") && cJSON_IsNumber(get(p, "default")))
    return (long)get(p, "default")->valuedouble;
  return 20;
}

/* Lists store[path], filtered, one page as @paginate says (cursor: the cursor is the offset
 * as text, opaque to clients). Called with the lock held. */
static void list(apic_mock *m, const cJSON *op, const char *path, const cJSON *query, uint64_t *rng, mock_reply *r)
{
  const cJSON *pag = get(op, "paginate"), *it, *f;
  cJSON *all = cJSON_CreateArray(), *slice = cJSON_CreateArray();
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m->store, path)) if (item_matches(op, query, it))
    cJSON_AddItemToArray(all, cJSON_Duplicate(it, 1));
  long total = cJSON_GetArraySize(all), limit = query_long(query, "limit", default_limit(op));
  long start = pag != NULL ? query_long(query, str(pag, "param"), 0) : 0;
  limit = limit < 1 ? 1 : limit > PAGE_MAX ? PAGE_MAX : limit;
  start = start < 0 ? 0 : start > total ? total : start;
  for (long i = start; i < start + limit && i < total; i++)
    cJSON_AddItemToArray(slice, cJSON_Duplicate(cJSON_GetArrayItem(all, (int)i), 1));
  cJSON_Delete(all);
  if (pag == NULL) {
    apic_mock__reply_json(r, 200, slice);
    return;
  }
  cJSON *page = cJSON_CreateObject();
  cJSON_ArrayForEach(f, get(returned_model(m, op), "fields"))
  {
    const char *wire = str(f, "wire");
    char next[32];
    if (is(wire, str(pag, "items")))
      cJSON_AddItemToObject(page, wire, slice), slice = NULL;
    else if (is(wire, str(pag, "next")) && start + limit < total) {
      snprintf(next, sizeof next, "%ld", start + limit);
      cJSON_AddStringToObject(page, wire, next);
    } else if (is(wire, "total") && is(str(get(f, "type"), "kind"), "int"))
      cJSON_AddNumberToObject(page, wire, (double)total);
    else if (wire != NULL && !cJSON_IsTrue(get(f, "optional")) && !is(wire, str(pag, "next")))
      cJSON_AddItemToObject(page, wire, apic_mock__synth(m->spec, get(f, "type"), f, rng, 0, 0));
  }
  cJSON_Delete(slice);
  apic_mock__reply_json(r, 200, page);
}

static void set_params(cJSON *obj, const cJSON *params)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, params) if (cJSON_GetObjectItemCaseSensitive(obj, p->string) != NULL)
  {
    cJSON_DeleteItemFromObjectCaseSensitive(obj, p->string);
    cJSON_AddItemToObject(obj, p->string, cJSON_Duplicate(p, 1));
  }
}

/* MOCK_SSE_EVENTS events with ids 1..N after Last-Event-ID; the last one has every field. */
static void stream(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *path, const cJSON *params,
                   mock_reply *r)
{
  const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
  long from = last != NULL ? strtol(last, NULL, 10) : 0;
  from = from < 0 ? 0 : from > MOCK_SSE_EVENTS ? MOCK_SSE_EVENTS : from;
  size_t cap = 256, len = 0;
  char *text = malloc(cap);
  for (long id = from + 1; text != NULL && id <= MOCK_SSE_EVENTS; id++) {
    uint64_t rng = apic_mock__hash(m->o.seed, path) + (uint64_t)id;
    cJSON *ev = apic_mock__synth_model(m->spec, returned_model(m, op), &rng, id == MOCK_SSE_EVENTS, 0);
    set_params(ev, params);
    char *data = cJSON_PrintUnformatted(ev);
    cJSON_Delete(ev);
    size_t need = strlen(data) + 64;
    if (len + need > cap) {
      char *bigger = realloc(text, cap = (len + need) * 2);
      if (bigger == NULL)
        free(text);
      text = bigger;
    }
    if (text != NULL)
      len += (size_t)snprintf(text + len, cap - len, "id: %ld\nretry: 1000\ndata: %s\n\n", id, data);
    free(data);
    r->cuts[r->ncuts++] = len;
  }
  r->status = from >= MOCK_SSE_EVENTS ? 204 : 200; /* 204 tells the client the stream is over */
  r->body = text, r->len = text != NULL ? len : 0;
  r->ctype = "text/event-stream";
}

/* Non-CRUD operations: a value synthesized from the return type, deterministic per seed and
 * request, with fields named like path parameters set from the path. */
static void synthesize(apic_mock *m, const cJSON *op, const char *method, const char *path, const char *body,
                       const cJSON *params, mock_reply *r)
{
  char key[600];
  snprintf(key, sizeof key, "%s %.300s %.200s", method, path, body);
  uint64_t rng = apic_mock__hash(m->o.seed, key);
  const cJSON *ret = get(op, "returns");
  if (is(str(ret, "kind"), "none")) {
    apic_mock__reply_json(r, 204, NULL);
    return;
  }
  cJSON *v = apic_mock__synth(m->spec, get(ret, "type"), NULL, &rng, 1, 0);
  set_params(v, params);
  const char *fp = str(op, "full_path"), *last = strrchr(fp != NULL ? fp : "/", '/');
  cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
  if (last[1] == '{' && id != NULL) { /* an item fetched by id has that id */
    const char *want = strrchr(path, '/') + 1;
    cJSON_ReplaceItemInObjectCaseSensitive(v, "id", cJSON_IsNumber(id) ? cJSON_CreateNumber(strtod(want, NULL))
                                                          : cJSON_CreateString(want));
  }
  apic_mock__reply_json(r, 200, v);
}

/* Is path an item of a collection the store holds? (Else item operations are synthesized.) */
static int in_store(apic_mock *m, const char *path)
{
  char coll[512];
  parent_path(path, coll, sizeof coll);
  return cJSON_GetObjectItemCaseSensitive(m->store, coll) != NULL;
}

void apic_mock__serve(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path, const char *body,
                size_t len, mock_reply *r)
{
  cJSON *params = cJSON_CreateObject(), *parsed = NULL, *query = NULL;
  int known, kind;
  char err[400];
  const cJSON *op = apic_mock__route(m->spec, method, path, params, &known);
  if (op == NULL)
    apic_mock__reply_error(m, r, known ? 405 : 404, known ? "method not allowed on this path" : "no such path");
  else if (!authorized(m, c))
    apic_mock__reply_error(m, r, 401, "missing or invalid credential");
  else if (check_params(m, c, op, params, err, sizeof err) != 0)
    apic_mock__reply_error(m, r, 422, err);
  else if (check_body(m, op, body, len, &parsed, r) == 0) {
    uint64_t rng = apic_mock__hash(m->o.seed, path);
    query = apic_mock__values(c, MHD_GET_ARGUMENT_KIND);
    pthread_mutex_lock(&m->lock);
    if (missing_item(m, str(op, "full_path"), path, err, sizeof err))
      apic_mock__reply_error(m, r, 404, err);
    else if ((kind = op_kind(op)) == OP_LIST)
      list(m, op, path, query, &rng, r);
    else if (kind == OP_STREAM)
      stream(m, c, op, path, params, r);
    else if (kind == OP_OTHER || (kind != OP_CREATE && !in_store(m, path)))
      synthesize(m, op, method, path, body, params, r);
    else
      crud(m, op, kind, path, params, parsed, &rng, r);
    pthread_mutex_unlock(&m->lock);
  }
  cJSON_Delete(params), cJSON_Delete(parsed), cJSON_Delete(query);
}
