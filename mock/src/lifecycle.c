/* libapic-mock: resources with a lifecycle, the spec's @lro. An item an @lro operation creates
 * moves through its status enum's values, one step every lifecycle_ms: the values that are not
 * terminal, in the enum's order, then its end (the first success value, or the one a fault's
 * "outcome" asked for; a fault's "lifecycle_ms" sets its own pace). The @lro cancel operation
 * ends it cancelled; its watch stream sends each status as it is reached, one event each (the
 * id is the status's place in the item's history), and ends with the item. Items move lazily:
 * one is brought up to date whenever a request reads it, so nothing runs between requests.
 * Every function here is called with the mock's lock held, but for the stream's reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

#define WATCH_RETRY_MS 50    /* the `retry:` a watch stream asks reconnecting clients to wait */
#define WATCH_TICK_MS 25u    /* a watching connection looks again at least this often (a cancel) */
#define KEEP_ALIVE_MS 1000u  /* a comment this long after the last event: a gone client is noticed,
                                and a quiet stream is not taken for an idle connection */
#define FAILED_DETAIL "the operation failed (a fault asked for it)"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }
static int is(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* ---- the spec's lifecycles ------------------------------------------------------------------ */

/* The operation "resource.name" names. */
static const cJSON *op_named(const cJSON *spec, const char *ref)
{
  const char *dot = ref != NULL ? strchr(ref, '.') : NULL;
  const cJSON *r, *op;
  cJSON_ArrayForEach(r, get(spec, "resources"))
  {
    const char *name = str(r, "name");
    if (dot == NULL || name == NULL || strlen(name) != (size_t)(dot - ref) || strncmp(name, ref, strlen(name)) != 0)
      continue;
    cJSON_ArrayForEach(op, get(r, "operations")) if (is(str(op, "name"), dot + 1)) return op;
  }
  return NULL;
}

/* The wire name of the model's field called name. */
static const char *wire_of(const cJSON *model, const char *name)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, get(model, "fields")) if (is(str(f, "name"), name)) return str(f, "wire");
  return NULL;
}

static int terminal(const cJSON *lro, const char *value)
{
  static const char *const roles[] = {"success", "failed", "cancelled"};
  const cJSON *v;
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
    cJSON_ArrayForEach(v, get(lro, roles[i])) if (is(v->valuestring, value)) return 1;
  return 0;
}

/* The values a status walks before its end: an enum's, in order, but the terminal ones. */
static cJSON *steps_of(const cJSON *spec, const cJSON *model, const cJSON *lro)
{
  cJSON *steps = cJSON_CreateArray();
  const cJSON *f, *v;
  cJSON_ArrayForEach(f, get(model, "fields")) if (is(str(f, "name"), str(lro, "status")))
  {
    const cJSON *e = apic_mock__enum(spec, str(get(f, "type"), "name") != NULL ? str(get(f, "type"), "name") : "");
    cJSON_ArrayForEach(v, get(e, "values")) if (!terminal(lro, str(v, "wire")))
      cJSON_AddItemToArray(steps, cJSON_CreateString(str(v, "wire")));
  }
  return steps;
}

/* Gives the route of op the lifecycle (kind: a new kind for it, or -1 to keep its own). */
static void mark(apic_mock *m, const cJSON *op, const mock_life *life, int kind)
{
  for (size_t i = 0; op != NULL && i < m->nroutes; i++)
    if (m->routes[i].op == op) {
      m->routes[i].life = life;
      if (kind >= 0)
        m->routes[i].kind = kind;
    }
}

/* The list of the lifecycle's collection (its items are brought up to date before they are). */
static void mark_list(apic_mock *m, const mock_life *life)
{
  const char *last = strrchr(life->poll, '/');
  size_t n = last != NULL ? (size_t)(last - life->poll) : 0;
  for (size_t i = 0; i < m->nroutes; i++)
    if (m->routes[i].kind == OP_LIST && strlen(m->routes[i].path) == n && strncmp(m->routes[i].path, life->poll, n) == 0)
      m->routes[i].life = life;
}

int apic_mock__lives_index(apic_mock *m)
{
  size_t n = 0;
  for (size_t i = 0; i < m->nroutes; i++)
    n += get(m->routes[i].op, "lro") != NULL;
  if (n == 0)
    return 0;
  if ((m->lives = calloc(n, sizeof *m->lives)) == NULL)
    return -1;
  for (size_t i = 0; i < m->nroutes; i++) {
    const cJSON *op = m->routes[i].op, *lro = get(op, "lro");
    const cJSON *poll = op_named(m->spec, str(lro, "poll")), *model = apic_mock__returned_model(m->spec, op);
    if (lro == NULL || poll == NULL || model == NULL)
      continue;
    mock_life *life = &m->lives[m->nlives++];
    *life = (mock_life){model, wire_of(model, str(lro, "status")), NULL, steps_of(m->spec, model, lro), lro,
                        str(poll, "full_path")};
    life->error = str(lro, "error") != NULL ? wire_of(model, str(lro, "error")) : NULL;
    if (life->steps == NULL || life->status == NULL)
      return -1;
    m->routes[i].life = life;
    mark(m, poll, life, -1);
    mark(m, op_named(m->spec, str(lro, "watch")), life, OP_WATCH);
    mark(m, op_named(m->spec, str(lro, "cancel")), life, OP_CANCEL);
    mark_list(m, life);
  }
  return 0;
}

void apic_mock__lives_free(apic_mock *m)
{
  for (size_t i = 0; i < m->nlives; i++)
    cJSON_Delete(m->lives[i].steps);
  free(m->lives);
}

/* ---- items' states ------------------------------------------------------------------------ */

/* The item path a request's path is about: its first segments, as many as the poll
 * operation's path has ("/runs/r1/events" -> "/runs/r1"); 0 when it is shorter. */
static int item_of(const mock_life *life, const char *path, char *out, size_t size)
{
  size_t want = 0, at = 0;
  for (const char *p = life->poll; *p != '\0'; p++)
    want += *p == '/';
  for (size_t seen = 0; path[at] != '\0'; at++)
    if (path[at] == '/' && seen++ == want)
      break;
  snprintf(out, size, "%.*s", (int)at, path);
  return apic_mock__path_match(life->poll, out, NULL);
}

/* The item at an item path, by its collection's key. */
static cJSON *item_at(apic_mock *m, const mock_life *life, const char *item)
{
  char pattern[512], coll[512];
  const char *last = strrchr(life->poll, '/'), *key = strrchr(item, '/');
  snprintf(pattern, sizeof pattern, "%.*s", (int)(last - life->poll), life->poll);
  snprintf(coll, sizeof coll, "%.*s", (int)(key - item), item);
  return apic_mock__find(m, pattern, coll, key + 1);
}

static void set_string(cJSON *obj, const char *key, const char *value)
{
  cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
  cJSON_AddStringToObject(obj, key, value);
}

static int in_role(const mock_life *life, const char *role, const char *value)
{
  const cJSON *v;
  cJSON_ArrayForEach(v, get(life->lro, role)) if (is(v->valuestring, value)) return 1;
  return 0;
}

static const char *first_of(const mock_life *life, const char *role)
{
  return cJSON_GetStringValue(cJSON_GetArrayItem(get(life->lro, role), 0));
}

/* The item's status is now value; an end fills what the end says: why it failed, or (a success)
 * the fields a finished resource has (its optional ones, synthesized). */
static void set_status(apic_mock *m, const mock_life *life, cJSON *item, cJSON *state, const char *value)
{
  set_string(item, life->status, value);
  cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(state, "history"), cJSON_CreateString(value));
  if (apic_mock__field(life->model, "updated_at") != NULL) {
    char now[40];
    apic_mock__now(now, sizeof now);
    set_string(item, "updated_at", now);
  }
  if (!terminal(life->lro, value))
    return;
  cJSON_ReplaceItemInObjectCaseSensitive(state, "final", cJSON_CreateTrue());
  if (in_role(life, "failed", value) && life->error != NULL)
    set_string(item, life->error, FAILED_DETAIL);
  if (!in_role(life, "success", value))
    return;
  uint64_t rng = apic_mock__hash(m->o.seed, value);
  const cJSON *f;
  cJSON_ArrayForEach(f, get(life->model, "fields"))
  {
    const char *wire = str(f, "wire");
    if (wire != NULL && get(item, wire) == NULL && !is(wire, life->error) && get(f, "header") == NULL)
      cJSON_AddItemToObject(item, wire, apic_mock__synth(m->spec, get(f, "type"), f, &rng, 1, 1));
  }
}

static uint64_t num(const cJSON *state, const char *k)
{
  return (uint64_t)cJSON_GetNumberValue(get(state, k));
}

/* Brings the item at an item path up to the status its age gives it. */
static void advance_item(apic_mock *m, const mock_life *life, const char *item_path)
{
  cJSON *state = cJSON_GetObjectItemCaseSensitive(m->states, item_path), *item = NULL;
  if (state == NULL || cJSON_IsTrue(get(state, "final")) || (item = item_at(m, life, item_path)) == NULL)
    return;
  uint64_t step = num(state, "step"), age = apic_mock__now_ms() - num(state, "t0");
  size_t steps = (size_t)cJSON_GetArraySize(life->steps), due = (size_t)(age / (step > 0 ? step : 1));
  due = due < steps ? due : steps; /* the index reached: steps is the end */
  for (size_t at = (size_t)cJSON_GetArraySize(get(state, "history")); at <= due && !cJSON_IsTrue(get(state, "final"));
       at++)
    set_status(m, life, item, state, at < steps ? cJSON_GetArrayItem(life->steps, (int)at)->valuestring
                                                : str(state, "end"));
}

void apic_mock__life_begin(apic_mock *m, const mock_life *life, const char *coll, cJSON *item, const cJSON *fault)
{
  char pattern[512], path[1024], key[256];
  const char *last = strrchr(life->poll, '/');
  snprintf(pattern, sizeof pattern, "%.*s", (int)(last - life->poll), life->poll);
  const cJSON *k = get(item, apic_mock__key_field(m, pattern));
  if (cJSON_IsNumber(k))
    snprintf(key, sizeof key, "%.17g", k->valuedouble);
  else
    snprintf(key, sizeof key, "%s", cJSON_IsString(k) ? k->valuestring : "");
  snprintf(path, sizeof path, "%s/%s", coll, key);
  const char *outcome = str(fault, "outcome");
  unsigned step = apic_mock__num(fault, "lifecycle_ms");
  cJSON *state = cJSON_CreateObject();
  cJSON_AddNumberToObject(state, "t0", (double)apic_mock__now_ms());
  cJSON_AddNumberToObject(state, "step", step > 0 ? step : m->o.lifecycle_ms);
  cJSON_AddStringToObject(state, "end", outcome != NULL && terminal(life->lro, outcome) ? outcome : first_of(life, "success"));
  cJSON_AddArrayToObject(state, "history");
  cJSON_AddFalseToObject(state, "final");
  cJSON_DeleteItemFromObjectCaseSensitive(m->states, path);
  cJSON_AddItemToObject(m->states, path, state);
  set_status(m, life, item, state, cJSON_GetArraySize(life->steps) > 0 ? life->steps->child->valuestring
                                                                                : str(state, "end"));
}

void apic_mock__life_advance(apic_mock *m, const mock_life *life, const char *path)
{
  char item[1024];
  if (item_of(life, path, item, sizeof item)) {
    advance_item(m, life, item);
    return;
  }
  size_t n = strlen(path); /* a list: every item of the collection */
  const cJSON *state;
  cJSON_ArrayForEach(state, m->states) if (strncmp(state->string, path, n) == 0 && state->string[n] == '/' &&
                                            strchr(state->string + n + 1, '/') == NULL)
    advance_item(m, life, state->string);
}

void apic_mock__life_cancel(apic_mock *m, const mock_route *rt, const char *path, mock_reply *r)
{
  char item_path[1024];
  cJSON *item = item_of(rt->life, path, item_path, sizeof item_path) ? item_at(m, rt->life, item_path) : NULL;
  cJSON *state = cJSON_GetObjectItemCaseSensitive(m->states, item_path);
  if (item == NULL) {
    apic_mock__reply_error(m, r, 404, "no such item");
    return;
  }
  advance_item(m, rt->life, item_path);
  const char *value = first_of(rt->life, "cancelled") != NULL ? first_of(rt->life, "cancelled")
                                                              : first_of(rt->life, "failed");
  if (state != NULL && !cJSON_IsTrue(get(state, "final")) && value != NULL)
    set_status(m, rt->life, item, state, value);
  apic_mock__answer_item(r, rt->op, 200, item);
}

/* ---- the watch stream --------------------------------------------------------------------- */

typedef struct watch { /* one watching connection */
  apic_mock *m;
  struct MHD_Connection *c;
  mock_sock *sock;
  const mock_life *life;
  const cJSON *model; /* the events' */
  char item[1024];
  long next;          /* the id of the next event: a place in the item's history, from 1 */
  long left;          /* events before a fault's sse_drop_after cuts the stream; -1: no such fault */
  uint64_t sent_ms;   /* when the last event or comment went */
  char *buf;          /* the event being sent */
  size_t len, off;
} watch;

/* The event for the item at the given status: the item itself when the events are the
 * resource; else its fields the event model has, the rest synthesized. */
static char *event_text(const watch *w, const cJSON *item, const char *status, long id)
{
  cJSON *ev;
  if (w->model == w->life->model) {
    ev = cJSON_Duplicate(item, 1);
  } else {
    uint64_t rng = apic_mock__hash(w->m->o.seed, w->item);
    ev = apic_mock__synth_model(w->m->spec, w->model, &rng, 0, 0);
    const cJSON *f;
    cJSON_ArrayForEach(f, get(w->model, "fields"))
    {
      const char *wire = str(f, "wire");
      const cJSON *have = get(item, wire != NULL ? wire : "");
      if (have == NULL || !apic_mock__fits(w->m->spec, f, have))
        continue;
      cJSON_DeleteItemFromObjectCaseSensitive(ev, wire);
      cJSON_AddItemToObject(ev, wire, cJSON_Duplicate(have, 1));
    }
  }
  set_string(ev, wire_of(w->model, str(w->life->lro, "status")), status);
  char *data = cJSON_PrintUnformatted(ev);
  cJSON_Delete(ev);
  size_t size = (data != NULL ? strlen(data) : 0) + 64;
  char *text = data != NULL ? malloc(size) : NULL;
  if (text != NULL)
    snprintf(text, size, "id: %ld\nretry: %d\ndata: %s\n\n", id, WATCH_RETRY_MS, data);
  free(data);
  return text;
}

/* Under the lock: the next event's text when its status was reached (*wait_ms 0), or how long
 * to wait for it (0 with NULL: the item ended and every event was sent). */
static char *next_event(watch *w, unsigned *wait_ms)
{
  apic_mock *m = w->m;
  *wait_ms = 0;
  pthread_mutex_lock(&m->lock);
  advance_item(m, w->life, w->item);
  const cJSON *state = get(m->states, w->item), *item = item_at(m, w->life, w->item);
  const cJSON *history = get(state, "history");
  char *text = NULL;
  if (item != NULL && w->next <= cJSON_GetArraySize(history))
    text = event_text(w, item, cJSON_GetArrayItem(history, (int)w->next - 1)->valuestring, w->next);
  else if (item != NULL && !cJSON_IsTrue(get(state, "final"))) {
    uint64_t due = num(state, "t0") + num(state, "step") * (uint64_t)cJSON_GetArraySize(history), now = apic_mock__now_ms();
    *wait_ms = due <= now ? 1 : due - now < WATCH_TICK_MS ? (unsigned)(due - now) : WATCH_TICK_MS;
  }
  pthread_mutex_unlock(&m->lock);
  return text;
}

static ssize_t watch_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  watch *w = cls;
  (void)pos;
  if (w->off == w->len) {
    free(w->buf);
    w->buf = NULL, w->len = w->off = 0;
    if (w->left == 0)
      return MHD_CONTENT_READER_END_WITH_ERROR; /* the fault's drop: closed uncleanly */
    unsigned wait_ms;
    if (atomic_load(&w->m->stopping))
      return MHD_CONTENT_READER_END_WITH_ERROR;
    if ((w->buf = next_event(w, &wait_ms)) != NULL) {
      w->next++;
      w->left -= w->left > 0;
    } else if (wait_ms == 0) {
      return MHD_CONTENT_READER_END_OF_STREAM;
    } else if (apic_mock__now_ms() - w->sent_ms >= KEEP_ALIVE_MS) {
      w->buf = strdup(":\n\n");
    } else { /* not time yet: the clock resumes the connection; stopping, end it */
      return apic_mock__wait(&w->m->clock, w->sock, w->c, wait_ms) ? 0 : MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (w->buf == NULL)
      return MHD_CONTENT_READER_END_WITH_ERROR;
    w->len = strlen(w->buf);
    w->sent_ms = apic_mock__now_ms();
  }
  size_t n = w->len - w->off < max ? w->len - w->off : max;
  memcpy(buf, w->buf + w->off, n);
  w->off += n;
  return (ssize_t)n;
}

static void watch_free(void *cls)
{
  watch *w = cls;
  free(w->buf);
  free(w);
}

void apic_mock__life_watch(apic_mock *m, struct MHD_Connection *c, const mock_route *rt, const char *path,
                           const cJSON *fault, mock_reply *r)
{
  const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
  watch *w = calloc(1, sizeof *w);
  if (w == NULL || !item_of(rt->life, path, w->item, sizeof w->item) || item_at(m, rt->life, w->item) == NULL ||
      get(m->states, w->item) == NULL) {
    free(w);
    apic_mock__reply_error(m, r, 404, "no item with a lifecycle here");
    return;
  }
  w->m = m, w->c = c, w->sock = apic_mock__sock(c), w->life = rt->life, w->sent_ms = apic_mock__now_ms();
  w->model = apic_mock__returned_model(m->spec, rt->op);
  w->next = last != NULL && strtol(last, NULL, 10) > 0 ? strtol(last, NULL, 10) + 1 : 1;
  w->left = cJSON_IsNumber(get(fault, "sse_drop_after")) ? (long)apic_mock__num(fault, "sse_drop_after") : -1;
  advance_item(m, rt->life, w->item);
  const cJSON *state = get(m->states, w->item);
  if (cJSON_IsTrue(get(state, "final")) && w->next > cJSON_GetArraySize(get(state, "history"))) {
    free(w);
    r->status = 204; /* the stream is over: clients stop */
    return;
  }
  r->status = 200;
  r->ctype = "text/event-stream";
  r->reader = watch_read, r->reader_free = watch_free, r->reader_cls = w;
}
