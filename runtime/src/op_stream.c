/* Stream operations: server-sent events decoded into the operation's event model (or, for a
 * stream of strings, handed over as the text they are), one callback each, over apic_stream
 * (which resumes a dropped stream with Last-Event-ID). */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "op_internal.h"

typedef struct op_stream {
  apic_api *api;
  const apic_op_desc *op;
  apic_op_event_cb on_event;
  void (*ev_fn)(void);
  apic_op_end_cb on_end;
  void (*end_fn)(void);
  void *user_data;
  apic_error *decode_err; /* an event that did not decode: the stream ends with it */
  int stopped;            /* on_event asked to stop: the stream ends as the caller wanted, 0 */
  struct sync_end *sync;  /* apic_op_stream_sync's: on_end is NULL then */
} op_stream;

struct sync_end {
  int ended, status;
  apic_error *err;
};

/* A text event's data as it came: UTF-8 without NUL bytes (the parser ends it with one). */
static int text_event(const apic_sse_event *ev, void **event, apic_error **e)
{
  if (!apic__utf8_valid(ev->data, ev->data_len) || memchr(ev->data, '\0', ev->data_len) != NULL) {
    *e = apic_error_new(APIC_ERR_DECODE, "the data is not UTF-8 text");
    return APIC_ERR_DECODE;
  }
  *event = (void *)ev->data;
  return 0;
}

static int on_sse(void *ud, const apic_sse_event *ev)
{
  op_stream *s = ud;
  if (ev->data_len == 0) /* a keep-alive or an event without data: nothing to decode */
    return 0;
  void *event = NULL;
  apic_error *e = NULL;
  int text = s->op->result->type == APIC_T_STRING;
  int rc = text ? text_event(ev, &event, &e) : apic_value_parse(s->op->result, ev->data, ev->data_len, &event, &e);
  if (rc == 0) {
    int stop = s->on_event(event, s->ev_fn, s->user_data);
    s->stopped = stop != 0;
    if (!text)
      apic_value_free(event);
    return stop;
  }
  char prefix[200];
  snprintf(prefix, sizeof prefix, "%s: event %s", s->op->name, ev->id);
  if (e != NULL)
    apic_error_prefix(e, prefix);
  s->decode_err = e != NULL ? e : apic_error_new(rc, "%s: an event did not decode", s->op->name);
  return 1;
}

static void on_stream_end(apic_stream *st, int status, apic_error *err, unsigned reconnects, void *ud)
{
  op_stream *s = ud;
  (void)st;
  (void)reconnects;
  if (s->decode_err != NULL) { /* the stream was stopped because of it */
    apic_error_free(err);
    err = s->decode_err;
    status = apic_error_code(err);
  } else if (s->stopped && status == APIC_ERR_CANCELLED) { /* like leaving a loop: not a failure */
    apic_error_free(err);
    err = NULL;
    status = 0;
  }
  s->api->pending--;
  if (s->sync != NULL)
    *s->sync = (struct sync_end){1, status, err};
  else
    s->on_end(status, err, s->end_fn, s->user_data);
  apic__free(s);
}

static int start(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                 op_stream *s, apic_stream **out, apic_error **err)
{
  built b;
  int rc = apic__op_build(&b, a, op, args, o, err);
  if (rc != 0)
    return rc;
  /* Events come as long as the server sends them: only the caller's options bound a stream. */
  if (o == NULL || o->attempt_timeout_ms == 0)
    b.req.attempt_timeout_ms = 0;
  rc = apic_stream_start(a->client, &b.req, on_sse, on_stream_end, s, out, err);
  apic__op_built_clear(&b);
  if (rc == 0)
    a->pending++;
  return rc;
}

static int begin(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                 const op_stream *init, apic_stream **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || op->result_kind != APIC_RESULT_STREAM || init->on_event == NULL)
    return APIC_ERR_INVALID_ARG;
  op_stream *s = apic__calloc(1, sizeof *s);
  if (s == NULL)
    return APIC_ERR_NOMEM;
  *s = *init;
  apic_stream *st = NULL;
  int rc = start(a, op, args, o, s, &st, err);
  if (rc != 0) {
    apic__free(s);
    return rc;
  }
  if (out != NULL)
    *out = st;
  return 0;
}

int apic_op_stream(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                   apic_op_event_cb on_event, void (*ev_fn)(void), apic_op_end_cb on_end, void (*end_fn)(void),
                   void *user_data, apic_stream **out, apic_error **err)
{
  if (on_end == NULL)
    return APIC_ERR_INVALID_ARG;
  op_stream init = {a, op, on_event, ev_fn, on_end, end_fn, user_data, NULL, 0, NULL};
  return begin(a, op, args, o, &init, out, err);
}

int apic_op_stream_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                        apic_op_event_cb on_event, void (*ev_fn)(void), void *user_data, apic_error **err)
{
  if (a != NULL && !a->client->owns_loop)
    return APIC_ERR_BUSY;
  struct sync_end end = {0, 0, NULL};
  op_stream init = {a, op, on_event, ev_fn, NULL, NULL, user_data, NULL, 0, &end};
  int rc = begin(a, op, args, o, &init, NULL, err);
  if (rc == 0)
    rc = apic__api_run_until(a, &end.ended);
  if (rc != 0) /* the loop stopped without the stream's end: cannot happen but for a bug */
    return rc;
  if (err != NULL)
    *err = end.err;
  else
    apic_error_free(end.err);
  return end.status;
}
