/* libapic-mock: answering the spec's operations. The credential, the parameters and the body
 * checked; then resources by convention (the store, store.c), lists filtered and paginated,
 * SSE streams, and values synthesized from the return type for the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define PAGE_MAX 1000 /* largest page served, whatever the limit asked */

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }
static int is(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* The operation's credential (its @auth, else the API's): present and not empty. */
static int authorized(apic_mock *m, struct MHD_Connection *c, const cJSON *op)
{
  const cJSON *auth = get(op, "auth") != NULL ? get(op, "auth") : get(get(m->spec, "api"), "auth");
  const char *scheme = str(auth, "scheme");
  if (m->o.no_auth || scheme == NULL || is(scheme, "none"))
    return 1;
  if (is(scheme, "bearer") || is(scheme, "basic")) {
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    size_t n = strlen(scheme);
    return h != NULL && strncasecmp(h, scheme, n) == 0 && h[n] == ' ' && h[n + 1] != '\0';
  }
  const char *name = str(auth, scheme); /* "header": "X-Key", or "query": "api_key" */
  const char *v = name == NULL ? NULL
                  : is(scheme, "query") ? MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name)
                                        : MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v != NULL && v[0] != '\0';
}

typedef struct repeated { /* every value of one query key, as JSON strings */
  const char *key;
  cJSON *values;
} repeated;

static enum MHD_Result add_repeated(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  repeated *r = cls;
  (void)kind;
  if (key != NULL && strcmp(key, r->key) == 0) /* as many as the query holds: bounded by MHD's memory limit */
    cJSON_AddItemToArray(r->values, cJSON_CreateString(value != NULL ? value : ""));
  return MHD_YES;
}

enum { IN_PATH, IN_QUERY, IN_HEADER };

/* The texts a parameter has in the request (a query key may come more than once). */
static cJSON *param_texts(struct MHD_Connection *c, int in, const char *wire, const cJSON *path_values)
{
  repeated r = {wire, cJSON_CreateArray()};
  const char *text = in == IN_PATH ? str(path_values, wire) : MHD_lookup_connection_value(c, MHD_HEADER_KIND, wire);
  if (in == IN_QUERY)
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_repeated, &r);
  else if (text != NULL)
    cJSON_AddItemToArray(r.values, cJSON_CreateString(text));
  return r.values;
}

int apic_mock__check_texts(const cJSON *spec, const cJSON *p, const cJSON *texts, const char *root, char *err,
                          size_t errsz)
{
  const char *kind = str(get(p, "type"), "kind");
  const cJSON *t;
  int rc = 0, i = 0, n = cJSON_GetArraySize(texts);
  if (n == 0 && !cJSON_IsTrue(get(p, "optional")) && get(p, "default") == NULL)
    rc = -1, snprintf(err, errsz, "%s: required parameter missing", root);
  else if (n > 0 && is(kind, "array")) {
    cJSON *values = cJSON_CreateArray();
    cJSON_ArrayForEach(t, texts)
      cJSON_AddItemToArray(values, apic_mock__text_value(str(get(get(p, "type"), "items"), "kind"), t->valuestring));
    rc = apic_mock__validate(spec, get(p, "type"), get(p, "constraints"), values, root, err, errsz);
    cJSON_Delete(values);
  } else
    cJSON_ArrayForEach(t, texts)
    {
      char at[180];
      snprintf(at, sizeof at, n > 1 ? "%s[%d]" : "%s", root, i++);
      cJSON *v = apic_mock__text_value(kind, t->valuestring);
      rc = apic_mock__validate(spec, get(p, "type"), get(p, "constraints"), v, at, err, errsz);
      cJSON_Delete(v);
      if (rc != 0)
        break;
    }
  return rc;
}

/* One parameter as apic_mock__check_texts says ("query.limit: below the minimum 1"). */
static int check_param(apic_mock *m, struct MHD_Connection *c, int in, const cJSON *p, const cJSON *path_values,
                       char *err, size_t errsz)
{
  static const char *const roots[] = {"path", "query", "header"};
  const char *wire = str(p, "wire");
  char root[160];
  if (wire == NULL)
    return 0;
  snprintf(root, sizeof root, "%s.%.100s", roots[in], wire);
  cJSON *texts = param_texts(c, in, wire, path_values);
  int rc = apic_mock__check_texts(m->spec, p, texts, root, err, errsz);
  cJSON_Delete(texts);
  return rc;
}

static int check_params(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const cJSON *path_values, char *err,
                        size_t errsz)
{
  static const char *const lists[] = {"path_params", "query_params", "header_params"};
  for (int in = IN_PATH; in <= IN_HEADER; in++) {
    const cJSON *p;
    cJSON_ArrayForEach(p, get(op, lists[in])) if (check_param(m, c, in, p, path_values, err, errsz) != 0) return -1;
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

/* 400 or 422 when the body does not fit the operation's body type; *out the parsed body (a
 * form's or multipart body's fields as JSON; none for a raw body). */
static int check_body(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *body, size_t len,
                      cJSON **out, mock_reply *r)
{
  char err[400];
  const char *kind = str(get(op, "body"), "kind");
  if (kind == NULL)
    return 0;
  if (is(kind, "form") || is(kind, "multipart"))
    return apic_mock__check_form(m, c, op, body, len, out, r);
  if (is(kind, "bytes"))
    return 0;
  if (is(kind, "string")) /* raw text */
    return apic_mock__utf8_valid(body, len) ? 0 : (apic_mock__reply_error(m, r, 400, "the body is not UTF-8 text"), -1);
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

/* Whether an item's value matches a query text: equal (bools as true/false, numbers by value),
 * an object by its "name" (the pet store's tags), or, for an array, one of its items is. */
static int value_matches(const cJSON *have, const char *t)
{
  const cJSON *h;
  char *end;
  if (cJSON_IsObject(have))
    return is(str(have, "name"), t);
  if (cJSON_IsArray(have)) {
    cJSON_ArrayForEach(h, have) if (!cJSON_IsArray(h) && value_matches(h, t)) return 1;
    return 0;
  }
  if (cJSON_IsBool(have))
    return is(t, cJSON_IsTrue(have) ? "true" : "false");
  if (cJSON_IsNumber(have)) {
    double d = strtod(t, &end);
    return end != t && *end == '\0' && d == have->valuedouble;
  }
  return is(cJSON_GetStringValue(have), t);
}

/* Does item match the query's filters (query parameters named like one of its fields; an item
 * without the field does not)? An array parameter on an array field means every value (?tags=a&tags=b: items holding both);
 * otherwise several values mean any of them (?status=available&status=sold: either). */
static int item_matches(const cJSON *op, const cJSON *query, const cJSON *item)
{
  const cJSON *p, *pag = get(op, "paginate"), *w;
  cJSON_ArrayForEach(p, get(op, "query_params"))
  {
    const char *wire = str(p, "wire");
    const cJSON *want = get(query, wire ? wire : ""), *have = get(item, wire ? wire : "");
    if (want == NULL || is(wire, str(pag, "param")) || is(wire, "limit"))
      continue;
    if (have == NULL) /* an untagged pet is not found by a tag */
      return 0;
    int n = 0, hits = 0;
    if (cJSON_IsArray(want)) {
      cJSON_ArrayForEach(w, want) n++, hits += value_matches(have, w->valuestring);
    } else
      n = 1, hits = value_matches(have, want->valuestring);
    if (is(str(get(p, "type"), "kind"), "array") && cJSON_IsArray(have) ? hits < n : hits == 0)
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

static const cJSON *query_param(const cJSON *op, const char *wire)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, get(op, "query_params")) if (is(str(p, "wire"), wire)) return p;
  return NULL;
}

static long default_limit(const cJSON *op)
{
  const cJSON *d = get(query_param(op, "limit"), "default");
  return cJSON_IsNumber(d) ? (long)d->valuedouble : 20;
}

typedef struct page { /* one page of a list, as served */
  long start, limit, total;
} page;

/* A page model's field named like a query parameter says what was asked: the offset and limit
 * in effect, else the value sent (or the parameter's default), when it fits the field. */
static cJSON *asked(apic_mock *m, const cJSON *op, const cJSON *f, const cJSON *query, const page *pg)
{
  const char *wire = str(f, "wire");
  const cJSON *p = query_param(op, wire), *pag = get(op, "paginate"), *sent = get(query, wire);
  cJSON *v = NULL;
  if (p == NULL)
    return NULL;
  if (is(wire, str(pag, "param")) && is(str(pag, "style"), "offset"))
    v = cJSON_CreateNumber((double)pg->start);
  else if (is(wire, "limit"))
    v = cJSON_CreateNumber((double)pg->limit);
  else if (sent != NULL)
    v = apic_mock__text_value(str(get(f, "type"), "kind"),
                              cJSON_GetStringValue(cJSON_IsArray(sent) ? cJSON_GetArrayItem(sent, 0) : sent));
  else
    v = apic_mock__default(m->spec, p);
  if (v != NULL && !apic_mock__fits(m->spec, f, v))
    cJSON_Delete(v), v = NULL;
  return v;
}

/* The page object around slice (taken): items, the next cursor while there is more, an int
 * `total` the filtered count, what was asked (above), other required fields synthesized. */
static cJSON *page_object(apic_mock *m, const cJSON *op, const cJSON *query, const page *pg, cJSON *slice,
                          uint64_t *rng)
{
  const cJSON *pag = get(op, "paginate"), *f;
  cJSON *obj = cJSON_CreateObject(), *v;
  char next[32];
  cJSON_ArrayForEach(f, get(apic_mock__returned_model(m->spec, op), "fields"))
  {
    const char *wire = str(f, "wire");
    if (wire == NULL)
      continue;
    if (is(wire, str(pag, "items")))
      cJSON_AddItemToObject(obj, wire, slice), slice = NULL;
    else if (is(wire, str(pag, "next"))) {
      snprintf(next, sizeof next, "%ld", pg->start + pg->limit);
      if (pg->start + pg->limit < pg->total)
        cJSON_AddStringToObject(obj, wire, next);
    } else if (is(wire, "total") && is(str(get(f, "type"), "kind"), "int"))
      cJSON_AddNumberToObject(obj, wire, (double)pg->total);
    else if ((v = asked(m, op, f, query, pg)) != NULL)
      cJSON_AddItemToObject(obj, wire, v);
    else if (!cJSON_IsTrue(get(f, "optional")))
      cJSON_AddItemToObject(obj, wire, apic_mock__synth(m->spec, get(f, "type"), f, rng, 0, 0));
  }
  cJSON_Delete(slice);
  return obj;
}

/* The collection a list reads: its own path; or, for a search beside a collection's items that
 * is no collection itself (the pet store's GET /pet/findByStatus), the collection above it, when
 * that one is known and holds the model the list answers with. Called with the lock held. */
static const cJSON *list_source(apic_mock *m, const cJSON *op, const char *path)
{
  const char *fp = str(op, "full_path"), *slash = strrchr(path, '/'), *fslash = strrchr(fp ? fp : "", '/');
  const cJSON *type = get(get(op, "returns"), "type"), *own = get(m->store, path);
  const mock_coll *here = fp != NULL ? apic_mock__collection(m, fp) : NULL;
  char pattern[512], parent[512];
  if (own != NULL || (here != NULL && here->created) || slash == NULL || fslash == NULL || !is(str(type, "kind"), "array"))
    return own;
  snprintf(pattern, sizeof pattern, "%.*s", (int)(fslash - fp), fp);
  snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
  const mock_coll *above = apic_mock__collection(m, pattern);
  const char *items = str(get(type, "items"), "name"), *held = above != NULL ? str(above->model, "name") : NULL;
  return is(items, held) ? get(m->store, parent) : NULL;
}

/* Lists the collection (list_source), filtered, one page as @paginate says (cursor: the cursor
 * is the offset as text, opaque to clients). Called with the lock held. */
static void list(apic_mock *m, const cJSON *op, const char *path, const cJSON *query, uint64_t *rng, mock_reply *r)
{
  const cJSON *pag = get(op, "paginate"), *coll = list_source(m, op, path);
  cJSON *slice = cJSON_CreateArray(), *it;
  page pg = {0, 0, 0};
  cJSON_ArrayForEach(it, coll) pg.total += item_matches(op, query, it);
  pg.limit = query_long(query, "limit", default_limit(op));
  pg.limit = pg.limit < 1 ? 1 : pg.limit > PAGE_MAX ? PAGE_MAX : pg.limit;
  pg.start = pag != NULL ? query_long(query, str(pag, "param"), 0) : 0;
  pg.start = pg.start < 0 ? 0 : pg.start > pg.total ? pg.total : pg.start;
  long at = 0;
  cJSON_ArrayForEach(it, coll)
  {
    if (at >= pg.start + pg.limit)
      break;
    if (item_matches(op, query, it) && at++ >= pg.start)
      cJSON_AddItemReferenceToArray(slice, it); /* printed before the lock is let go */
  }
  apic_mock__reply_json(r, 200, pag != NULL ? page_object(m, op, query, &pg, slice, rng) : slice);
}

/* One event's data: the model as JSON (the last one with every field), or for a stream of
 * strings the text itself. Caller frees. */
static char *event_data(apic_mock *m, const cJSON *op, const cJSON *model, const cJSON *params, uint64_t *rng,
                        int last)
{
  const cJSON *type = get(get(op, "returns"), "type");
  if (is(str(type, "kind"), "string")) {
    cJSON *text = apic_mock__synth(m->spec, type, NULL, rng, 1, 0);
    char *data = strdup(cJSON_GetStringValue(text));
    cJSON_Delete(text);
    return data;
  }
  cJSON *ev = model != NULL ? apic_mock__synth_model(m->spec, model, rng, last, 0)
                            : apic_mock__synth(m->spec, type, NULL, rng, last, 0); /* a union */
  apic_mock__set_params(m->spec, model, ev, params);
  char *data = cJSON_PrintUnformatted(ev);
  cJSON_Delete(ev);
  return data;
}

/* MOCK_SSE_EVENTS events with ids 1..N after Last-Event-ID; the last one has every field. */
static void stream(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *path, const cJSON *params,
                   mock_reply *r)
{
  const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
  const cJSON *model = apic_mock__returned_model(m->spec, op);
  long from = last != NULL ? strtol(last, NULL, 10) : 0;
  from = from < 0 ? 0 : from > MOCK_SSE_EVENTS ? MOCK_SSE_EVENTS : from;
  size_t cap = 256, len = 0;
  char *text = malloc(cap);
  for (long id = from + 1; text != NULL && id <= MOCK_SSE_EVENTS; id++) {
    uint64_t rng = apic_mock__hash(m->o.seed, path) + (uint64_t)id;
    char *data = event_data(m, op, model, params, &rng, id == MOCK_SSE_EVENTS);
    if (data == NULL) {
      free(text), text = NULL;
      break;
    }
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
 * request, with fields named like path parameters set from the path, and an item's key (an
 * item path: `/executions/{execution_id}`) the one asked for, where these fit. */
static void synthesize(apic_mock *m, const cJSON *op, const char *method, const char *path, const char *body,
                       const cJSON *params, mock_reply *r)
{
  char seed_text[600], pattern[512];
  snprintf(seed_text, sizeof seed_text, "%s %.300s %.200s", method, path, body);
  uint64_t rng = apic_mock__hash(m->o.seed, seed_text);
  const cJSON *ret = get(op, "returns"), *model = apic_mock__returned_model(m->spec, op);
  if (is(str(ret, "kind"), "none")) {
    apic_mock__reply_json(r, 204, NULL);
    return;
  }
  cJSON *v = apic_mock__synth(m->spec, get(ret, "type"), NULL, &rng, 1, 0);
  apic_mock__set_params(m->spec, model, v, params);
  const char *fp = str(op, "full_path"), *last = strrchr(fp != NULL ? fp : "/", '/');
  if (last[1] == '{' && model != NULL) {
    snprintf(pattern, sizeof pattern, "%.*s", (int)(last - fp), fp);
    const char *key = apic_mock__key_field(m, pattern);
    cJSON *asked_for = cJSON_CreateObject();
    char id[512];
    apic_mock__unescape(strrchr(path, '/') + 1, strlen(strrchr(path, '/') + 1), "", id, sizeof id);
    cJSON_AddStringToObject(asked_for, key, id);
    apic_mock__set_params(m->spec, model, v, asked_for);
    cJSON_Delete(asked_for);
  }
  apic_mock__reply_json(r, 200, v);
}

/* The response headers a success declares (`-> T headers(...)`), synthesized for its type. */
static void add_response_headers(apic_mock *m, const cJSON *op, const char *path, mock_reply *r)
{
  const cJSON *h;
  uint64_t rng = apic_mock__hash(m->o.seed, path);
  cJSON_ArrayForEach(h, get(get(op, "returns"), "headers"))
  {
    cJSON *v = apic_mock__synth(m->spec, get(h, "type"), h, &rng, 1, 0);
    char text[128];
    if (cJSON_IsString(v))
      snprintf(text, sizeof text, "%s", v->valuestring);
    else if (cJSON_IsBool(v))
      snprintf(text, sizeof text, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else
      snprintf(text, sizeof text, "%.17g", cJSON_GetNumberValue(v));
    cJSON_Delete(v);
    if (r->headers == NULL)
      r->headers = cJSON_CreateObject();
    cJSON_AddStringToObject(r->headers, str(h, "wire"), text);
  }
}

void apic_mock__serve(apic_mock *m, struct MHD_Connection *c, const mock_route *rt, int known, const char *method,
                      const char *path, const cJSON *params, const char *body, size_t len, const cJSON *fault,
                      mock_reply *r)
{
  cJSON *parsed = NULL, *query = NULL;
  const cJSON *op = rt != NULL ? rt->op : NULL;
  int kind = rt != NULL ? rt->kind : OP_OTHER;
  char err[400];
  if (op == NULL)
    apic_mock__reply_error(m, r, known ? 405 : 404, known ? "method not allowed on this path" : "no such path");
  else if (!authorized(m, c, op))
    apic_mock__reply_error(m, r, 401, "missing or invalid credential");
  else if (check_params(m, c, op, params, err, sizeof err) != 0)
    apic_mock__reply_error(m, r, 422, err);
  else if (check_body(m, c, op, body, len, &parsed, r) == 0) {
    uint64_t rng = apic_mock__hash(m->o.seed, path);
    query = apic_mock__values(c, MHD_GET_ARGUMENT_KIND);
    pthread_mutex_lock(&m->lock);
    if (rt->life != NULL && kind != OP_CREATE) /* a lifecycle's items are brought up to date first */
      apic_mock__life_advance(m, rt->life, path);
    if (apic_mock__missing_item(m, rt->path, path, err, sizeof err))
      apic_mock__reply_error(m, r, 404, err);
    else if (kind == OP_LIST)
      list(m, op, path, query, &rng, r);
    else if (kind == OP_STREAM && cJSON_GetObjectItemCaseSensitive(op, "accumulate") != NULL)
      apic_mock__words(m, c, op, path, body, r);
    else if (kind == OP_STREAM)
      stream(m, c, op, path, params, r);
    else if (kind == OP_WATCH)
      apic_mock__life_watch(m, c, rt, path, fault, r);
    else if (kind == OP_CANCEL)
      apic_mock__life_cancel(m, rt, path, r);
    else if (kind == OP_DOWNLOAD)
      apic_mock__download(m, path, query, r);
    else if (kind == OP_UPLOAD && apic_mock__blob_put(m, path, body, len) != 0)
      apic_mock__reply_error(m, r, 500, "out of memory");
    else if (!apic_mock__stored(m, op, kind, path))
      synthesize(m, op, method, path, body, params, r);
    else
      apic_mock__crud(m, rt, path, params, parsed, fault, &rng, r);
    pthread_mutex_unlock(&m->lock);
    if (r->status >= 200 && r->status < 300)
      add_response_headers(m, op, path, r);
  }
  cJSON_Delete(parsed), cJSON_Delete(query);
}
