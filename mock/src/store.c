/* libapic-mock: the store and CRUD by convention. Items live by collection path ({"/tasks": [...],
 * "/tasks/t1/executions": [...]}); an item's key is the field its path parameter names
 * (`/orders/{number}`: number), else `id`; the server gives keys and ids, counting per collection.
 * What a request sends reaches a stored item only where it fits the item's model. Every
 * function here is called with the mock's lock held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }
static int is(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* The collection at pattern (one the index holds; else items keyed by id, of no known model). */
static const mock_coll *find_coll(const apic_mock *m, const char *pattern)
{
  static const mock_coll none = {NULL, "id", NULL, 0};
  const mock_coll *c = apic_mock__collection(m, pattern);
  return c != NULL ? c : &none;
}

static int key_equals(const cJSON *have, const char *want)
{
  if (cJSON_IsString(have))
    return strcmp(have->valuestring, want) == 0;
  char *end;
  double d = strtod(want, &end);
  return cJSON_IsNumber(have) && want[0] >= '-' && want[0] <= '9' && end != want && *end == '\0' &&
         d == have->valuedouble;
}

static cJSON *find_item(cJSON *store, const char *coll, const char *key, const char *want, int *index);

cJSON *apic_mock__find(apic_mock *m, const char *pattern, const char *coll, const char *key)
{
  int index;
  return find_item(m->store, coll, find_coll(m, pattern)->key, key, &index);
}

static cJSON *find_item(cJSON *store, const char *coll, const char *key, const char *want, int *index)
{
  cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(store, coll))
  {
    if (key_equals(get(it, key), want))
      return *index = i, it;
    i++;
  }
  return NULL;
}

/* A collection is known when the spec creates into it or the store holds it. */
static int collection_known(apic_mock *m, const char *pattern, const char *path)
{
  return find_coll(m, pattern)->created || cJSON_GetObjectItemCaseSensitive(m->store, path) != NULL;
}

/* Every "{param}" segment after a known collection must name an item in it (else 404). */
int apic_mock__missing_item(apic_mock *m, const char *pattern, const char *path, char *detail, size_t dsz)
{
  char pat[512], con[512], id[256];
  size_t pi = 0, si = 0, pn = strlen(pattern), sn = strlen(path);
  int index;
  if (pn >= sizeof pat || sn >= sizeof con)
    return 0;
  while (pi < pn && si < sn) {
    size_t plen = strcspn(pattern + pi + 1, "/") + 1, slen = strcspn(path + si + 1, "/") + 1;
    if (pattern[pi + 1] == '{') {
      snprintf(pat, sizeof pat, "%.*s", (int)pi, pattern);
      snprintf(con, sizeof con, "%.*s", (int)si, path);
      apic_mock__unescape(path + si + 1, slen - 1, "", id, sizeof id);
      if (collection_known(m, pat, con) && find_item(m->store, con, find_coll(m, pat)->key, id, &index) == NULL) {
        snprintf(detail, dsz, "no item %.150s in %.150s", id, con);
        return 1;
      }
    }
    pi += plen, si += slen;
  }
  return 0;
}

static void parent_path(const char *path, char *buf, size_t size)
{
  const char *last = strrchr(path, '/');
  snprintf(buf, size, "%.*s", (int)(last != NULL ? last - path : 0), path);
}

int apic_mock__stored(apic_mock *m, const cJSON *op, int kind, const char *path)
{
  char coll[512];
  if (kind == OP_CREATE)
    return 1;
  if (kind == OP_OTHER || kind == OP_LIST || kind == OP_STREAM)
    return 0;
  if (apic_mock__item_path(str(op, "full_path")))
    parent_path(path, coll, sizeof coll);
  else
    snprintf(coll, sizeof coll, "%s", path);
  return cJSON_GetObjectItemCaseSensitive(m->store, coll) != NULL;
}

/* The next number for a new item of the collection coll: one past the last given there, which
 * starts at the largest numeric key already stored (--data). */
static double next_number(apic_mock *m, const char *coll, const char *key)
{
  cJSON *last = cJSON_GetObjectItemCaseSensitive(m->ids, coll), *it;
  if (last == NULL) {
    double most = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m->store, coll))
    {
      const cJSON *k = get(it, key);
      most = cJSON_IsNumber(k) && k->valuedouble > most ? k->valuedouble : most;
    }
    last = cJSON_AddNumberToObject(m->ids, coll, most);
  }
  cJSON_SetNumberValue(last, last->valuedouble + 1);
  return last->valuedouble;
}

/* A new key or id of the field's kind: the number, or 12 hex digits from the seed and it. */
static cJSON *new_id(apic_mock *m, const char *coll, const char *kind, double n)
{
  char text[600];
  if (is(kind, "int"))
    return cJSON_CreateNumber(n);
  snprintf(text, sizeof text, "%.500s#%.0f", coll, n);
  snprintf(text, sizeof text, "%012llx", (unsigned long long)(apic_mock__hash(m->o.seed, text) & 0xFFFFFFFFFFFFull));
  return cJSON_CreateString(text);
}

/* The value of the path parameter named like field f, as f's type, when it fits f. */
static cJSON *param_field(const cJSON *spec, const cJSON *f, const cJSON *params)
{
  const char *text = str(params, str(f, "wire") != NULL ? str(f, "wire") : "");
  cJSON *v = text != NULL ? apic_mock__text_value(str(get(f, "type"), "kind"), text) : NULL;
  if (v != NULL && !apic_mock__fits(spec, f, v))
    cJSON_Delete(v), v = NULL;
  return v;
}

void apic_mock__set_params(const cJSON *spec, const cJSON *model, cJSON *obj, const cJSON *params)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, params)
  {
    const cJSON *f = apic_mock__field(model, p->string);
    cJSON *v = f != NULL && get(obj, p->string) != NULL ? param_field(spec, f, params) : NULL;
    if (v != NULL)
      cJSON_ReplaceItemInObjectCaseSensitive(obj, p->string, v);
  }
}

typedef struct build { /* what an item is built from */
  const cJSON *model, *body, *old, *params;
  const char *coll, *key;
  uint64_t *rng;
  double n; /* the number of a new item (0: none yet) */
} build;

/* One field of a new or replacing item: the key and id (the old item's, else new ones; a key
 * other than id that a create's body gives is the body's: a user's username), the body's value
 * where it fits, the old item's required date-times, the default, the path parameter of that
 * name, now for a required date-time, a synthesized value if required. */
static cJSON *field_value(apic_mock *m, build *b, const cJSON *f)
{
  const char *wire = str(f, "wire"), *kind = str(get(f, "type"), "kind");
  const cJSON *sent = get(b->body, wire), *had = get(b->old, wire);
  int named = !is(wire, "id") && is(wire, b->key) && b->old == NULL && sent != NULL && apic_mock__fits(m->spec, f, sent);
  int optional = cJSON_IsTrue(get(f, "optional")), server_owned = (is(wire, "id") || is(wire, b->key)) && !named;
  char now[40];
  cJSON *v;
  if (server_owned && had != NULL)
    return cJSON_Duplicate(had, 1);
  if (server_owned && (is(kind, "string") || is(kind, "int"))) {
    b->n = b->n > 0 ? b->n : next_number(m, b->coll, b->key);
    return new_id(m, b->coll, kind, b->n);
  }
  if (!server_owned && sent != NULL && apic_mock__fits(m->spec, f, sent))
    return cJSON_Duplicate(sent, 1);
  if (had != NULL && is(kind, "datetime") && !optional)
    return cJSON_Duplicate(had, 1);
  if (get(f, "default") != NULL)
    return apic_mock__default(m->spec, f);
  if ((v = param_field(m->spec, f, b->params)) != NULL)
    return v;
  if (!optional && is(kind, "datetime")) {
    apic_mock__now(now, sizeof now);
    return cJSON_CreateString(now);
  }
  return optional ? NULL : apic_mock__synth(m->spec, get(f, "type"), f, b->rng, 0, 0);
}

static cJSON *build_item(apic_mock *m, build *b)
{
  cJSON *item = cJSON_CreateObject();
  const cJSON *f;
  cJSON_ArrayForEach(f, get(b->model, "fields"))
  {
    cJSON *v = str(f, "wire") != NULL && get(f, "header") == NULL ? field_value(m, b, f) : NULL;
    if (v != NULL)
      cJSON_AddItemToObject(item, str(f, "wire"), v);
  }
  return item;
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

/* A patch: the body's fields that fit the model, but never the key or id. */
static void merge(apic_mock *m, const cJSON *model, const char *key, cJSON *item, const cJSON *body)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, get(model, "fields"))
  {
    const char *wire = str(f, "wire");
    const cJSON *sent = get(body, wire);
    if (sent == NULL || is(wire, "id") || is(wire, key) || !apic_mock__fits(m->spec, f, sent))
      continue;
    cJSON_DeleteItemFromObjectCaseSensitive(item, wire);
    cJSON_AddItemToObject(item, wire, cJSON_Duplicate(sent, 1));
  }
  stamp_updated(model, item);
}

void apic_mock__answer_item(mock_reply *r, const cJSON *op, int status, const cJSON *item)
{
  if (is(str(get(op, "returns"), "kind"), "none"))
    apic_mock__reply_json(r, 204, NULL);
  else
    apic_mock__reply_print(r, status, item);
}

/* The key of the item a request means: the path's last segment, or (a PUT on the collection)
 * the body's key field. */
static void wanted_key(const cJSON *body, const char *key, const char *path, int item_path, char *buf, size_t size)
{
  const cJSON *k = get(body, key);
  if (item_path) {
    const char *last = strrchr(path, '/') + 1;
    apic_mock__unescape(last, strlen(last), "", buf, size);
  }
  else if (cJSON_IsNumber(k))
    snprintf(buf, size, "%.17g", k->valuedouble);
  else
    snprintf(buf, size, "%s", cJSON_IsString(k) ? k->valuestring : "");
}

void apic_mock__crud(apic_mock *m, const mock_route *rt, const char *path, const cJSON *params, const cJSON *body,
                     const cJSON *fault, uint64_t *rng, mock_reply *r)
{
  const cJSON *op = rt->op;
  int kind = rt->kind;
  char coll[512], pattern[512], want[256], detail[400];
  const char *fp = str(op, "full_path");
  int item_path = apic_mock__item_path(fp), index = 0;
  if (item_path)
    parent_path(path, coll, sizeof coll), parent_path(fp, pattern, sizeof pattern);
  else
    snprintf(coll, sizeof coll, "%s", path), snprintf(pattern, sizeof pattern, "%s", fp);
  const mock_coll *c = find_coll(m, pattern);
  const cJSON *model = apic_mock__returned_model(m->spec, op);
  build b = {model != NULL ? model : c->model, body, NULL, params, coll, c->key, rng, 0};
  if (kind == OP_CREATE) {
    cJSON *item = build_item(m, &b), *arr = cJSON_GetObjectItemCaseSensitive(m->store, coll);
    if (arr == NULL)
      arr = cJSON_AddArrayToObject(m->store, coll);
    cJSON_AddItemToArray(arr, item);
    if (rt->life != NULL) /* an @lro operation's: it moves on from here */
      apic_mock__life_begin(m, rt->life, coll, item, fault);
    apic_mock__answer_item(r, op, 201, item);
    return;
  }
  wanted_key(body, c->key, path, item_path, want, sizeof want);
  cJSON *item = find_item(m->store, coll, c->key, want, &index);
  if (item == NULL) {
    snprintf(detail, sizeof detail, "no item %.150s in %.150s", want, coll);
    apic_mock__reply_error(m, r, 404, detail);
  } else if (kind == OP_DELETE) {
    cJSON *gone = cJSON_DetachItemFromArray(cJSON_GetObjectItemCaseSensitive(m->store, coll), index);
    apic_mock__answer_item(r, op, 200, gone);
    cJSON_Delete(gone);
  } else if (kind == OP_UPDATE) {
    merge(m, b.model, c->key, item, body);
    apic_mock__answer_item(r, op, 200, item);
  } else if (kind == OP_REPLACE) {
    b.old = item;
    cJSON *fresh = build_item(m, &b);
    stamp_updated(b.model, fresh);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItemCaseSensitive(m->store, coll), index, fresh);
    apic_mock__answer_item(r, op, 200, fresh);
  } else
    apic_mock__answer_item(r, op, 200, item);
}
