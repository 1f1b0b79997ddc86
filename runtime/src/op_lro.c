/* Long-running operations (apic/lro.h): start the operation, then follow its stream or poll
 * its resource until the status is terminal, under one deadline, as the spec's @lro table
 * says. One timer per wait does the pauses between polls and the deadline; one request or
 * stream is in flight at a time. docs/clients.md, "Long-running operations". */
#include "apic/lro.h"

#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "op_internal.h"

#define DEFAULT_POLL_MS 200u
#define DEFAULT_MAX_POLL_MS 5000u
#define SERVER_CANCEL_TIMEOUT_MS 10000u /* the cancel request after the deadline has its own bound */
#define STATUS_MAX 128                  /* status text kept for messages; longer ones are cut there */
#define STREAM_END_GRACE_MS 1000u       /* after the last status, the server's own end of the stream */

enum phase { STARTING, STREAMING, POLLING, PAUSED, CANCELLING, ENDING };
enum ending { RUNNING, SUCCEEDED, FAILED, CANCELLED_THERE };

struct sync_end {
  int ended, status;
  void *result;
  apic_error *err;
};

struct apic_lro {
  apic_api *api;
  const apic_lro_desc *d;
  apic_lro_options w;
  apic_lro_cb done;
  void (*fn)(void);
  void *user_data;
  struct sync_end *sync;       /* apic_lro_run's */
  apic_lro *prev, *next;       /* the API client's live waits */
  apic_call_options opts;      /* the polls', stream's and cancel's: headers copied, no deadline (ours) */
  char **headers;
  const char *start_key;       /* the caller's idempotency key: the start's only */
  void *start_path;            /* a copy of the start's path parameters */
  void *origin;                /* the start's answer: the paths below point into it */
  void *latest;                /* the resource as last seen */
  void *poll_path, *watch_path, *cancel_path;
  const apic_field_desc *status_f, *event_status_f;
  char status[STATUS_MAX];     /* the last status seen */
  int phase, ending;
  int final_event;             /* the stream's last event was the final resource (now latest) */
  int in_event;                /* inside the stream's event callback: cancel by returning nonzero */
  int stop;                    /* CANCELLED or TIMEOUT: the wait ends early, once nothing is in flight */
  apic_call *call;
  apic_stream *stream;
  uv_timer_t timer;            /* pauses, and the deadline while something is in flight */
  uint64_t deadline;           /* on apic_now_ms(); 0: none */
  unsigned polls;
  int64_t retry_after;         /* the last poll answer's Retry-After, -1: none */
  int cancel_note;             /* the server-side cancel: 0 not tried, 1 done, else its code */
};

static const apic_field_desc *field_named(const apic_model_desc *m, const char *name)
{
  for (size_t i = 0; m != NULL && name != NULL && i < m->nfields; i++)
    if (strcmp(m->fields[i].name, name) == 0)
      return &m->fields[i];
  return NULL;
}

static const apic_model_desc *resource_model(const apic_lro *l)
{
  return l->d->start->result->model;
}

/* ---- the end ------------------------------------------------------------------------------- */

static void lro_closed(uv_handle_t *h)
{
  apic_lro *l = h->data;
  for (char **p = l->headers; p != NULL && *p != NULL; p++)
    apic__free(*p);
  apic__free(l->headers);
  apic__free(l->poll_path);
  apic__free(l->watch_path);
  apic__free(l->cancel_path);
  apic_value_free(l->start_path);
  apic_value_free(l->origin);
  apic_value_free(l->latest);
  apic__free(l);
}

/* Hands the end to the caller (err handed over, result lent) and frees the wait. */
static void finish(apic_lro *l, int status, const void *result, apic_error *err)
{
  l->phase = ENDING;
  uv_timer_stop(&l->timer);
  if (l->prev != NULL)
    l->prev->next = l->next;
  else
    l->api->lros = l->next;
  if (l->next != NULL)
    l->next->prev = l->prev;
  if (status != 0 && err == NULL)
    err = apic_error_new(status, "%s: %s", l->d->start->name, apic_strerror(status));
  if (l->sync != NULL) {
    *l->sync = (struct sync_end){1, status, NULL, err};
    if (status == 0 && (l->sync->result = apic_value_copy(l->d->start->result, result)) == NULL) {
      l->sync->status = APIC_ERR_NOMEM;
      l->sync->err = apic_error_new(APIC_ERR_NOMEM, "%s: out of memory", l->d->start->name);
    }
  } else {
    l->done(l, status, status == 0 ? result : NULL, err, l->fn, l->user_data);
  }
  uv_close((uv_handle_t *)&l->timer, lro_closed);
  apic__api_done(l->api);
}

/* The resource's end as the caller gets it: itself, or an error carrying it. */
static void finish_with(apic_lro *l, const void *resource)
{
  if (l->ending == SUCCEEDED) {
    finish(l, 0, resource, NULL);
    return;
  }
  int code = l->ending == FAILED ? APIC_ERR_OPERATION_FAILED : APIC_ERR_OPERATION_CANCELLED;
  const apic_field_desc *why = field_named(resource_model(l), l->d->error);
  const char *const *text = why != NULL && why->type->type == APIC_T_STRING ? apic__op_param_value(why, resource) : NULL;
  apic_error *e = apic_error_new(code, "%s: the operation ended \"%s\"%s%s", l->d->start->name, l->status,
                                 text != NULL ? ": " : "", text != NULL ? *text : "");
  /* the body: the resource as JSON (none when the server's value breaks the spec's constraints) */
  char *json = e != NULL ? apic_value_dump(l->d->start->result, resource, APIC_DUMP_REDACT, NULL) : NULL;
  int rc = e == NULL ? APIC_ERR_NOMEM : json != NULL ? apic_error_set_body(e, json, strlen(json)) : 0;
  if (rc == 0)
    rc = apic__error_set_value(e, l->d->start->result, apic_value_copy(l->d->start->result, resource));
  apic__free(json);
  if (rc != 0) {
    apic_error_free(e);
    code = APIC_ERR_NOMEM;
    e = apic_error_new(code, "%s: out of memory", l->d->start->name);
  }
  finish(l, code, NULL, e);
}

/* An early end (cancel, deadline), once nothing is in flight: after the server-side cancel
 * when asked for, which runs to its own end. */
static void stop_now(apic_lro *l);

/* ---- statuses ------------------------------------------------------------------------------ */

static int listed(const char *const *values, const char *s)
{
  for (; values != NULL && *values != NULL; values++)
    if (strcmp(*values, s) == 0)
      return 1;
  return 0;
}

/* Reads the status of obj (the resource or an event, by f), tells on_status when it changed,
 * and notes whether it is terminal. */
static void observe(apic_lro *l, const apic_field_desc *f, const void *obj)
{
  char num[64];
  const void *slot = f != NULL ? apic__op_param_value(f, obj) : NULL;
  const char *unknown = slot != NULL && f->type->type == APIC_T_ENUM
                            ? *(const char *const *)((const char *)obj + f->unknown_offset)
                            : NULL;
  const char *s = slot != NULL ? apic__scalar_text(f->type, slot, unknown, num, sizeof num) : NULL;
  if (s == NULL) /* absent: not terminal */
    s = "";
  if (strncmp(s, l->status, sizeof l->status - 1) != 0) {
    snprintf(l->status, sizeof l->status, "%s", s);
    if (l->w.on_status != NULL && s[0] != '\0')
      l->w.on_status(s, l->w.status_user_data);
  }
  l->ending = listed(l->d->success, s) ? SUCCEEDED : listed(l->d->failed, s) ? FAILED
              : listed(l->d->cancelled, s) ? CANCELLED_THERE : RUNNING;
}

/* ---- requests ------------------------------------------------------------------------------ */

static void on_call_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud);
static void on_timer(uv_timer_t *t);

/* Starts op with args and o; on_call_done gets its end. */
static int send_op(apic_lro *l, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                apic_error **err)
{
  built b;
  int rc = apic__op_build(&b, l->api, op, args, o, err);
  if (rc == 0) {
    rc = apic_call_start(l->api->client, &b.req, on_call_done, l, &l->call, err);
    apic__op_built_clear(&b);
  }
  return rc;
}

/* Arms the timer for ms from now (never past the deadline, when there is one); ms UINT64_MAX:
 * for the deadline only, or not at all without one. */
static void arm(apic_lro *l, uint64_t ms)
{
  uv_timer_stop(&l->timer);
  uint64_t now = apic_now_ms();
  if (l->deadline != 0)
    ms = l->deadline <= now ? 0 : l->deadline - now < ms ? l->deadline - now : ms;
  if (ms == UINT64_MAX)
    return;
  uv_update_time(l->api->client->eng.loop); /* never shorter than asked: as stream.c */
  uv_timer_start(&l->timer, on_timer, ms == 0 ? 0 : ms + 1, 0);
}

/* The pause before the next poll: the server's Retry-After (up to the client's
 * retry_after_cap_ms), else doubling from poll_ms up to max_poll_ms with jitter (between half
 * and all of it), so many waits do not poll in step. */
static uint64_t pause_ms(apic_lro *l)
{
  uint64_t cap = l->api->client->o.retry_after_cap_ms;
  if (l->retry_after >= 0)
    return (uint64_t)l->retry_after < cap ? (uint64_t)l->retry_after : cap;
  uint64_t ceiling = l->w.poll_ms;
  for (unsigned i = 1; i < l->polls && ceiling < l->w.max_poll_ms; i++)
    ceiling *= 2;
  ceiling = ceiling < l->w.max_poll_ms ? ceiling : l->w.max_poll_ms;
  return ceiling / 2 + (uint64_t)((double)(ceiling - ceiling / 2) * apic__client_random(l->api->client));
}

static void poll_now(apic_lro *l)
{
  apic_error *err = NULL;
  const apic_op_args args = {l->poll_path, NULL, NULL};
  l->phase = POLLING;
  l->polls++;
  int rc = send_op(l, l->d->poll, &args, &l->opts, &err);
  if (rc != 0)
    finish(l, rc, NULL, err);
  else
    arm(l, UINT64_MAX);
}

static void pause_then_poll(apic_lro *l)
{
  l->phase = PAUSED;
  arm(l, pause_ms(l));
}

/* ---- the stream ---------------------------------------------------------------------------- */

static int on_event(const void *event, void (*fn)(void), void *ud)
{
  apic_lro *l = ud;
  (void)fn;
  if (l->ending != RUNNING) /* past the end: nothing more to learn */
    return l->stop != 0;
  l->in_event = 1; /* on_status may cancel the wait: apic_lro_cancel then leaves the stopping to us */
  observe(l, l->event_status_f, event);
  l->in_event = 0;
  if (l->ending != RUNNING && l->d->watch->result == l->d->start->result) { /* the event is the resource */
    void *copy = apic_value_copy(l->d->start->result, event);
    if (copy != NULL) { /* else a poll fetches it */
      apic_value_free(l->latest);
      l->latest = copy;
      l->final_event = 1;
    }
  }
  /* At the end the server ends the stream: reading on to its end (not cutting it) keeps the
   * connection for the next request, and its slot until the server is done with it. A server
   * that does not end it within the grace is cut off (on_timer). */
  if (l->ending != RUNNING)
    arm(l, STREAM_END_GRACE_MS);
  return l->stop != 0;
}

/* The stream ended: at the end of the operation (with the resource, or a poll fetches it), on
 * a cancel or the deadline, or early (failed, or the server ended it first): then polling
 * takes over. */
static void on_stream_end(int status, apic_error *err, void (*fn)(void), void *ud)
{
  apic_lro *l = ud;
  (void)fn;
  (void)status;
  l->stream = NULL;
  apic_error_free(err);
  if (l->stop != 0)
    stop_now(l);
  else if (l->final_event)
    finish_with(l, l->latest);
  else
    poll_now(l);
}

static void watch(apic_lro *l)
{
  apic_error *err = NULL;
  const apic_op_args args = {l->watch_path, NULL, NULL};
  l->phase = STREAMING;
  int rc = apic_op_stream(l->api, l->d->watch, &args, &l->opts, on_event, NULL, on_stream_end, NULL, l, &l->stream,
                          &err);
  if (rc != 0) { /* could not even start: polling may still work */
    apic_error_free(err);
    poll_now(l);
  } else {
    arm(l, UINT64_MAX);
  }
}

/* ---- paths from the resource --------------------------------------------------------------- */

static int same_type(const apic_field_desc *a, const apic_field_desc *b)
{
  return a->type->type == b->type->type && a->type->enumd == b->type->enumd;
}

/* The path parameters of op, each from the resource's field of its name, else the start's
 * path parameter of its name, else the resource's id. NULL with *rc 0: op has none. */
static void *path_for(apic_lro *l, const apic_op_desc *op, int *rc)
{
  const apic_model_desc *pm = op != NULL ? op->path_params : NULL;
  const apic_model_desc *rm = resource_model(l), *sm = l->d->start->path_params;
  char *path = pm != NULL ? apic__calloc(1, pm->size) : NULL;
  *rc = pm != NULL && path == NULL ? APIC_ERR_NOMEM : 0;
  for (size_t i = 0; path != NULL && i < pm->nfields; i++) {
    const apic_field_desc *f = &pm->fields[i], *from = field_named(rm, f->name);
    const void *obj = l->origin;
    if (from == NULL || !same_type(from, f) || apic__op_param_value(from, obj) == NULL) {
      from = field_named(sm, f->name), obj = l->start_path;
      if (from == NULL || !same_type(from, f))
        from = field_named(rm, "id"), obj = l->origin;
    }
    const void *slot = from != NULL && same_type(from, f) ? apic__op_param_value(from, obj) : NULL;
    if (slot == NULL) {
      apic__free(path);
      *rc = APIC_ERR_DECODE;
      return NULL;
    }
    memcpy(path + f->offset, slot, apic__elem_size(f->type));
    if (f->type->type == APIC_T_ENUM) /* the text of a value this SDK does not know goes along */
      *(const char **)(path + f->unknown_offset) = *(const char *const *)((const char *)obj + from->unknown_offset);
  }
  return path;
}

/* The start answered with the resource: its paths, then the stream or the first poll. */
static void started(apic_lro *l, void *resource)
{
  int rc = 0, r2 = 0, r3 = 0;
  l->latest = resource;
  l->origin = apic_value_copy(l->d->start->result, resource);
  if (l->origin == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0) {
    l->poll_path = path_for(l, l->d->poll, &rc);
    l->watch_path = path_for(l, l->d->watch, &r2);
    l->cancel_path = path_for(l, l->d->cancel, &r3);
    rc = rc != 0 ? rc : r2 != 0 ? r2 : r3;
  }
  if (rc != 0) {
    finish(l, rc, NULL, apic_error_new(rc, "%s: the answer lacks what the operations that follow it take "
                                           "(its id)", l->d->start->name));
    return;
  }
  observe(l, l->status_f, resource);
  if (l->stop != 0)
    stop_now(l);
  else if (l->ending != RUNNING)
    finish_with(l, resource);
  else if (l->d->watch != NULL && !l->w.poll_only)
    watch(l);
  else
    pause_then_poll(l);
}

/* ---- ends of requests ---------------------------------------------------------------------- */

/* The error of a wait that ends early. */
static apic_error *early_error(apic_lro *l)
{
  const char *name = l->d->start->name;
  char there[160] = "";
  if (l->cancel_note == 1)
    snprintf(there, sizeof there, "; the operation was cancelled on the server");
  else if (l->cancel_note != 0)
    snprintf(there, sizeof there, "; cancelling the operation on the server failed (%s)",
             apic_strerror(l->cancel_note));
  if (l->stop == APIC_ERR_TIMEOUT)
    return apic_error_new(l->stop, "%s: the deadline passed before the operation ended (last status \"%s\")%s",
                          name, l->status, there);
  return apic_error_new(l->stop, "%s: the wait was cancelled (last status \"%s\")%s", name, l->status, there);
}

static void stop_now(apic_lro *l)
{
  if (l->phase == ENDING || l->phase == CANCELLING)
    return;
  if (l->w.cancel_run && l->d->cancel != NULL && l->origin != NULL && l->ending == RUNNING) {
    apic_call_options o = l->opts;
    const apic_op_args args = {l->cancel_path, NULL, NULL};
    apic_error *err = NULL;
    o.timeout_ms = SERVER_CANCEL_TIMEOUT_MS;
    l->phase = CANCELLING;
    uv_timer_stop(&l->timer);
    int rc = send_op(l, l->d->cancel, &args, &o, &err);
    apic_error_free(err);
    if (rc == 0)
      return;
    l->cancel_note = rc;
  }
  finish(l, l->stop, NULL, early_error(l));
}

static void on_call_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  apic_lro *l = ud;
  void *value = NULL;
  (void)call;
  l->call = NULL;
  if (l->phase == CANCELLING) {
    l->cancel_note = status == 0 ? 1 : status;
    apic_response_free(resp);
    apic_error_free(err);
    finish(l, l->stop, NULL, early_error(l));
    return;
  }
  const apic_op_desc *op = l->phase == STARTING ? l->d->start : l->d->poll;
  if (status == 0) {
    status = apic__op_decode(op, resp, &value, &err);
    l->retry_after = apic__retry_after_ms(resp, apic__client_now_ms(l->api->client));
  }
  apic_response_free(resp);
  if (status != 0 && l->stop != 0 && (status == APIC_ERR_CANCELLED || l->phase == STARTING)) {
    apic_error_free(err); /* we cancelled it; with no resource there is nothing to cancel there */
    stop_now(l);
    return;
  }
  if (status != 0) {
    finish(l, status, NULL, err);
    return;
  }
  if (l->phase == STARTING) {
    started(l, value);
    return;
  }
  apic_value_free(l->latest);
  l->latest = value;
  observe(l, l->status_f, value);
  if (l->stop != 0)
    stop_now(l);
  else if (l->ending != RUNNING)
    finish_with(l, value);
  else
    pause_then_poll(l);
}

/* ---- the timer ----------------------------------------------------------------------------- */

static void on_timer(uv_timer_t *t)
{
  apic_lro *l = t->data;
  int past = l->deadline != 0 && apic_now_ms() >= l->deadline;
  if (l->phase == ENDING || l->phase == CANCELLING)
    return;
  if (l->phase == PAUSED) {
    if (l->stop == 0 && past)
      l->stop = APIC_ERR_TIMEOUT;
    if (l->stop != 0)
      stop_now(l);
    else
      poll_now(l);
    return;
  }
  if (l->stop != 0) /* the request in flight ends first */
    return;
  if (l->ending != RUNNING && l->stream != NULL) { /* the server did not end the stream after the end */
    apic_stream_cancel(l->stream);
    return;
  }
  if (!past) {
    arm(l, UINT64_MAX); /* woke early */
    return;
  }
  l->stop = APIC_ERR_TIMEOUT;
  if (l->stream != NULL)
    apic_stream_cancel(l->stream);
  else if (l->call != NULL && !(l->phase == STARTING && l->w.cancel_run && l->d->cancel != NULL))
    apic_call_cancel(l->call); /* a start whose run must be cancelled there is let finish */
}

void apic_lro_cancel(apic_lro *l)
{
  if (l == NULL || l->stop != 0 || l->phase == ENDING || l->phase == CANCELLING)
    return;
  l->stop = APIC_ERR_CANCELLED;
  if (l->in_event) /* the event callback stops the stream when it returns (never from inside libcurl) */
    return;
  if (l->stream != NULL)
    apic_stream_cancel(l->stream);
  else if (l->call != NULL && !(l->phase == STARTING && l->w.cancel_run && l->d->cancel != NULL))
    apic_call_cancel(l->call);
  else if (l->call == NULL)
    arm(l, 0); /* paused, or inside one of our callbacks: end on the next turn, not from here */
}

void apic__lro_cancel_all(apic_api *a)
{
  for (apic_lro *l = a->lros; l != NULL; l = l->next)
    apic_lro_cancel(l);
}

/* ---- starting ------------------------------------------------------------------------------ */

static int desc_ok(const apic_lro_desc *d)
{
  const apic_op_desc *s = d != NULL ? d->start : NULL;
  return s != NULL && s->result_kind == APIC_RESULT_VALUE && s->result != NULL && s->result->type == APIC_T_MODEL &&
         d->poll != NULL && d->poll->result == s->result && field_named(s->result->model, d->status) != NULL &&
         (d->watch == NULL || (d->watch->result_kind == APIC_RESULT_STREAM &&
                               field_named(d->watch->result->model, d->status) != NULL));
}

/* The options the requests after the start share: the caller's, without the deadline (the
 * wait's own) and group, with the headers copied. */
static int copy_options(apic_lro *l, const apic_call_options *o, const apic_lro_options *w)
{
  static const apic_lro_options none;
  l->w = w != NULL ? *w : none;
  l->w.poll_ms = l->w.poll_ms != 0 ? l->w.poll_ms : DEFAULT_POLL_MS;
  l->w.max_poll_ms = l->w.max_poll_ms != 0 ? l->w.max_poll_ms : DEFAULT_MAX_POLL_MS;
  if (o == NULL)
    return 0;
  l->opts = *o;
  l->opts.timeout_ms = 0;
  l->opts.deadline_ms = 0;
  l->opts.idempotency_key = NULL;
  l->opts.group = NULL;
  l->start_key = o->idempotency_key;
  if (o->n_headers == 0)
    return 0;
  if ((l->headers = apic__calloc(o->n_headers + 1, sizeof *l->headers)) == NULL)
    return APIC_ERR_NOMEM;
  for (size_t i = 0; i < o->n_headers; i++)
    if (o->headers[i] == NULL || (l->headers[i] = apic__strdup(o->headers[i])) == NULL)
      return o->headers[i] == NULL ? APIC_ERR_INVALID_ARG : APIC_ERR_NOMEM;
  l->opts.headers = (const char *const *)l->headers;
  return 0;
}

static uint64_t deadline_of(const apic_call_options *o)
{
  if (o == NULL)
    return 0;
  if (o->deadline_ms != 0)
    return o->deadline_ms;
  return o->timeout_ms != 0 && o->timeout_ms != APIC_NO_TIMEOUT ? apic_now_ms() + o->timeout_ms : 0;
}

static int begin(apic_lro *l, const apic_op_args *args, const apic_call_options *o, const apic_lro_options *w,
                 apic_error **err)
{
  static const apic_op_args none = {NULL, NULL, NULL};
  const apic_lro_desc *d = l->d;
  if (args == NULL)
    args = &none;
  l->status_f = field_named(d->start->result->model, d->status);
  l->event_status_f = d->watch != NULL ? field_named(d->watch->result->model, d->status) : NULL;
  l->retry_after = -1;
  l->deadline = deadline_of(o);
  if (l->deadline != 0 && apic_now_ms() >= l->deadline) {
    *err = apic_error_new(APIC_ERR_TIMEOUT, "%s: the deadline passed before the call started", d->start->name);
    return APIC_ERR_TIMEOUT;
  }
  int rc = copy_options(l, o, w);
  if (rc == 0 && args->path != NULL && (l->start_path = apic_value_copy(&d->start->path_params->type, args->path)) == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc != 0) {
    *err = apic_error_new(rc, "%s: %s", d->start->name, apic_strerror(rc));
    return rc;
  }
  apic_call_options first = l->opts;
  first.idempotency_key = l->start_key;
  return send_op(l, d->start, args, &first, err);
}

/* Starts a wait that ends in done, or (sync) in *sync. */
static int launch(apic_api *a, const apic_lro_desc *d, const apic_op_args *args, const apic_call_options *o,
                  const apic_lro_options *w, struct sync_end *sync, apic_lro_cb done, void (*fn)(void),
                  void *user_data, apic_lro **out, apic_error **err)
{
  if (a == NULL || !desc_ok(d) || (o != NULL && o->group != NULL)) {
    *err = apic_error_new(APIC_ERR_INVALID_ARG, "a wait needs a client and its operations, and joins no group");
    return APIC_ERR_INVALID_ARG;
  }
  apic_lro *l = apic__calloc(1, sizeof *l);
  if (l == NULL)
    return APIC_ERR_NOMEM;
  *l = (apic_lro){.api = a, .d = d, .done = done, .fn = fn, .user_data = user_data, .sync = sync, .phase = STARTING};
  int rc = begin(l, args, o, w, err);
  l->timer.data = l;
  if (rc != 0) {
    lro_closed((uv_handle_t *)&l->timer); /* never started: nothing in the loop holds it */
    return rc;
  }
  uv_timer_init(a->client->eng.loop, &l->timer); /* callbacks run on later loop turns only */
  arm(l, UINT64_MAX);
  l->next = a->lros;
  if (a->lros != NULL)
    a->lros->prev = l;
  a->lros = l;
  a->pending++;
  if (out != NULL)
    *out = l;
  return 0;
}

int apic_lro_start(apic_api *a, const apic_lro_desc *d, const apic_op_args *args, const apic_call_options *o,
                   const apic_lro_options *w, apic_lro_cb done, void (*fn)(void), void *user_data, apic_lro **out,
                   apic_error **err)
{
  apic_error *local = NULL;
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;
  int rc = done == NULL ? APIC_ERR_INVALID_ARG
                        : launch(a, d, args, o, w, NULL, done, fn, user_data, out, err != NULL ? err : &local);
  apic_error_free(local);
  return rc;
}

int apic_lro_run(apic_api *a, const apic_lro_desc *d, const apic_op_args *args, const apic_call_options *o,
                 const apic_lro_options *w, void **out, apic_error **err)
{
  apic_error *local = NULL;
  if (out != NULL)
    *out = NULL;
  if (err == NULL)
    err = &local;
  *err = NULL;
  if (out == NULL)
    return APIC_ERR_INVALID_ARG;
  if (a != NULL && !a->client->owns_loop)
    return APIC_ERR_BUSY;
  struct sync_end end = {0, 0, NULL, NULL};
  int rc = launch(a, d, args, o, w, &end, NULL, NULL, NULL, NULL, err);
  if (rc == 0 && (rc = apic__api_run_until(a, &end.ended)) == 0) {
    *out = end.result;
    *err = end.err;
    rc = end.status;
  }
  apic_error_free(local);
  return rc;
}
