/* Stream operations: server-sent events decoded into the operation's event model (or, for a
 * stream of strings, handed over as the text they are), one callback each, over apic_stream
 * (which resumes a dropped stream with Last-Event-ID); for @accumulate operations, the pieces
 * of text the events carry joined into one. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "op_internal.h"

struct sync_end {
  int ended, status;
  apic_error *err;
  char *text; /* apic_op_stream_text_sync's: taken from the stream */
};

typedef struct op_stream {
  apic_api *api;
  const apic_op_desc *op;
  apic_op_event_cb on_event;
  void (*ev_fn)(void);
  apic_op_end_cb on_end;           /* one of these two, or neither for a sync stream */
  apic_op_text_end_cb on_text_end;
  void (*end_fn)(void);
  void *user_data;
  struct sync_end *sync;           /* the sync forms' */
  apic_error *decode_err;          /* an event that did not decode: the stream ends with it */
  int stopped;                     /* on_event asked to stop: the stream ends as the caller wanted, 0 */
  const apic_field_desc *piece;    /* @accumulate: the events' field joined into text */
  char *text;                      /* NUL-terminated */
  size_t len, cap, max;
} op_stream;

/* Appends the event's piece of text; an error (kept, and the stream stopped) past max or out
 * of memory. */
static int append_piece(op_stream *s, const void *event)
{
  const char *const *slot = apic__op_param_value(s->piece, event);
  const char *piece = slot != NULL ? *slot : "";
  size_t n = strlen(piece);
  if (n > s->max - s->len) {
    s->decode_err = apic_error_new(APIC_ERR_TOO_LARGE, "%s: the text is over %zu bytes", s->op->name, s->max);
    return -1;
  }
  if (s->len + n + 1 > s->cap) {
    size_t cap = (s->len + n + 1) * 2;
    char *grown = apic__realloc(s->text, cap);
    if (grown == NULL) {
      s->decode_err = apic_error_new(APIC_ERR_NOMEM, "%s: out of memory joining the text", s->op->name);
      return -1;
    }
    s->text = grown;
    s->cap = cap;
  }
  memcpy(s->text + s->len, piece, n + 1);
  s->len += n;
  return 0;
}

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
    int stop = s->piece != NULL && append_piece(s, event) != 0;
    if (!stop)
      s->stopped = stop = s->on_event(event, s->ev_fn, s->user_data) != 0;
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
  const char *text = s->text != NULL ? s->text : "";
  if (s->sync != NULL) {
    *s->sync = (struct sync_end){1, status, err, s->text};
    s->text = NULL;
  } else if (s->on_text_end != NULL) {
    s->on_text_end(status, text, err, s->end_fn, s->user_data);
  } else {
    s->on_end(status, err, s->end_fn, s->user_data);
  }
  apic__api_done(s->api);
  apic__free(s->text);
  apic__free(s);
}

static const apic_field_desc *field_named(const apic_model_desc *m, const char *name)
{
  for (size_t i = 0; m != NULL && i < m->nfields; i++)
    if (strcmp(m->fields[i].name, name) == 0)
      return &m->fields[i];
  return NULL;
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

/* Starts a stream of op with the callbacks in init; join: the text of op->accumulate too. */
static int begin(const op_stream *init, int join, const apic_op_args *args, const apic_call_options *o,
                 apic_stream **out, apic_error **err)
{
  apic_api *a = init->api;
  const apic_op_desc *op = init->op;
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || op->result_kind != APIC_RESULT_STREAM || init->on_event == NULL)
    return APIC_ERR_INVALID_ARG;
  const apic_field_desc *piece = join && op->accumulate != NULL ? field_named(op->result->model, op->accumulate) : NULL;
  if (join && (piece == NULL || piece->type->type != APIC_T_STRING))
    return APIC_ERR_INVALID_ARG;
  op_stream *s = apic__calloc(1, sizeof *s);
  if (s == NULL)
    return APIC_ERR_NOMEM;
  *s = *init;
  s->piece = piece;
  s->max = a->client->o.max_body;
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
  op_stream init = {.api = a, .op = op, .on_event = on_event, .ev_fn = ev_fn, .on_end = on_end, .end_fn = end_fn,
                    .user_data = user_data};
  return begin(&init, 0, args, o, out, err);
}

int apic_op_stream_text(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                        apic_op_event_cb on_event, void (*ev_fn)(void), apic_op_text_end_cb on_end,
                        void (*end_fn)(void), void *user_data, apic_stream **out, apic_error **err)
{
  if (on_end == NULL)
    return APIC_ERR_INVALID_ARG;
  op_stream init = {.api = a, .op = op, .on_event = on_event, .ev_fn = ev_fn, .on_text_end = on_end,
                    .end_fn = end_fn, .user_data = user_data};
  return begin(&init, 1, args, o, out, err);
}

/* The stream run to its end on the client's own loop; *text (when join) the joined text. */
static int run_sync(op_stream *init, int join, const apic_op_args *args, const apic_call_options *o, char **text,
                    apic_error **err)
{
  if (init->api != NULL && !init->api->client->owns_loop)
    return APIC_ERR_BUSY;
  struct sync_end end = {0, 0, NULL, NULL};
  init->sync = &end;
  int rc = begin(init, join, args, o, NULL, err);
  if (rc == 0)
    rc = apic__api_run_until(init->api, &end.ended);
  if (rc != 0) /* the loop stopped without the stream's end: cannot happen but for a bug */
    return rc;
  if (err != NULL)
    *err = end.err;
  else
    apic_error_free(end.err);
  if (text != NULL && end.status == 0)
    *text = end.text != NULL ? end.text : apic__strndup("", 0);
  else
    apic__free(end.text);
  if (text != NULL && end.status == 0 && *text == NULL)
    return APIC_ERR_NOMEM;
  return end.status;
}

int apic_op_stream_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                        apic_op_event_cb on_event, void (*ev_fn)(void), void *user_data, apic_error **err)
{
  op_stream init = {.api = a, .op = op, .on_event = on_event, .ev_fn = ev_fn, .user_data = user_data};
  return run_sync(&init, 0, args, o, NULL, err);
}

int apic_op_stream_text_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                             const apic_call_options *o, apic_op_event_cb on_event, void (*ev_fn)(void),
                             void *user_data, char **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (out == NULL)
    return APIC_ERR_INVALID_ARG;
  op_stream init = {.api = a, .op = op, .on_event = on_event, .ev_fn = ev_fn, .user_data = user_data};
  return run_sync(&init, 1, args, o, out, err);
}
