/* SSE streams (apic/stream.h): one parser across connections, so the last event id survives a
 * drop and the reconnection resumes after it. */
#include "apic/stream.h"

#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

#define MAX_HEADERS 64

struct apic_stream {
  apic_client *client;
  apic_request req;              /* borrowed strings copied below */
  char *method, *url, *log_url, *body;
  apic_part *parts;              /* the multipart body, sent again on each connection */
  size_t n_parts;
  char **headers;
  size_t n_headers;
  apic_sse_parser *parser;       /* one per connection: a drop discards a half-received event */
  char *last_id;                 /* carried over from earlier connections */
  long retry_ms;                 /* the server's last `retry`, -1 if none */
  apic_sse_cb on_event;
  apic_stream_done_cb done;
  void *user_data;
  apic_call *call;               /* the connection, NULL between connections */
  uv_timer_t wait;               /* until the next connection */
  unsigned reconnects;
  unsigned quiet;                /* reconnections in a row without a new event */
  int got_event;
  int reader_stopped;            /* on_event returned nonzero */
  int parse_error;               /* the parser's own failure (TOO_LARGE, NOMEM), which ends it */
  int cancelled;
};

static void stream_free(apic_stream *s)
{
  apic_sse_free(s->parser);
  apic__free(s->last_id);
  for (size_t i = 0; i < s->n_headers; i++)
    apic__free(s->headers[i]);
  apic__free(s->headers);
  apic__free(s->method);
  apic__free(s->url);
  apic__free(s->log_url);
  apic__free(s->body);
  apic__parts_free(s->parts, s->n_parts);
  apic__free(s);
}

static void stream_closed(uv_handle_t *h)
{
  stream_free(h->data);
}

static void finish(apic_stream *s, int status, apic_error *err)
{
  uv_timer_stop(&s->wait);
  s->done(s, status, err, s->reconnects, s->user_data);
  uv_close((uv_handle_t *)&s->wait, stream_closed);
}

static int on_event(void *ud, const apic_sse_event *ev)
{
  apic_stream *s = ud;
  if (s->cancelled) { /* cancelled from an earlier event of the same piece of the body */
    s->reader_stopped = 1;
    return 1;
  }
  s->got_event = 1;
  int stop = s->on_event(s->user_data, ev);
  s->reader_stopped = stop != 0;
  return stop;
}

static int on_bytes(void *ud, const char *data, size_t len)
{
  apic_stream *s = ud;
  int rc = apic_sse_feed(s->parser, data, len);
  if (rc != 0 && !s->reader_stopped)
    s->parse_error = rc;
  return rc != 0;
}

/* The stream's end when its parser failed: the parser's code, not the CANCELLED its stop gave
 * the connection. */
static apic_error *parse_failure(apic_stream *s, apic_error *conn_err)
{
  apic_error *e = apic_error_new(s->parse_error, "%s", s->parse_error == APIC_ERR_TOO_LARGE
                                                           ? "an event stream line over 64 KiB or event over 1 MiB"
                                                           : "out of memory reading an event stream");
  if (e != NULL) {
    apic_error_set_request(e, apic_error_method(conn_err), apic_error_url(conn_err));
    apic_error_set_attempts(e, apic_error_attempts(conn_err));
  }
  apic_error_free(conn_err);
  return e;
}

static void connect_now(apic_stream *s);

/* Keeps what the finished connection's parser learnt: the last event id and the retry delay. */
static int carry_over(apic_stream *s)
{
  const char *id = apic_sse_last_event_id(s->parser);
  if (apic_sse_retry_ms(s->parser) >= 0)
    s->retry_ms = apic_sse_retry_ms(s->parser);
  if (id[0] == '\0')
    return 0;
  char *copy = apic__strdup(id);
  if (copy == NULL)
    return APIC_ERR_NOMEM;
  apic__free(s->last_id);
  s->last_id = copy;
  return 0;
}

static void on_wait_done(uv_timer_t *t)
{
  connect_now(t->data);
}

/* A drop after data flowed is resumed; anything else ends the stream. */
static void on_connection_end(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  apic_stream *s = ud;
  (void)call;
  s->call = NULL;
  apic_response_free(resp);
  if (s->parse_error != 0 && status == APIC_ERR_CANCELLED && !s->cancelled) {
    status = s->parse_error;
    err = parse_failure(s, err);
  }
  int dropped = (status == APIC_ERR_CONNECTION_LOST || status == APIC_ERR_TRANSPORT) && !s->cancelled;
  if (carry_over(s) != 0 && dropped) {
    status = APIC_ERR_NOMEM; /* could not keep the id: resuming would repeat events */
    dropped = 0;
  }
  if (s->got_event)
    s->quiet = 0;
  if (!dropped || s->quiet >= (unsigned)s->client->o.max_retries) {
    finish(s, status, err);
    return;
  }
  apic_error_free(err);
  s->quiet++;
  s->reconnects++;
  long retry = s->retry_ms;
  uint64_t delay = retry >= 0 ? (uint64_t)retry
                              : apic__backoff_ms(&s->client->o, s->quiet - 1, apic__client_random(s->client));
  apic__client_log(s->client, APIC_LOG_INFO, "%s %s stream dropped: reconnecting in %llu ms", s->method,
                   s->log_url != NULL ? s->log_url : s->url, (unsigned long long)delay);
  uv_update_time(s->client->eng.loop); /* never shorter than the server's retry: as call.c */
  uv_timer_start(&s->wait, on_wait_done, delay + 1, 0);
}

/* One connection, resuming after the last event id the parser saw. */
static int start_connection(apic_stream *s, apic_error **err)
{
  char last[512];
  const char *id = s->last_id != NULL ? s->last_id : "";
  apic_sse_free(s->parser);
  s->parser = apic_sse_new(0, 0, on_event, s);
  if (s->parser == NULL) {
    if (err != NULL)
      *err = apic_error_new(APIC_ERR_NOMEM, "out of memory starting a stream");
    return APIC_ERR_NOMEM;
  }
  const char *extra[MAX_HEADERS + 2];
  size_t n = 0;
  for (size_t i = 0; i < s->n_headers; i++)
    extra[n++] = s->headers[i];
  extra[n++] = "Accept: text/event-stream";
  if (id[0] != '\0' && strlen(id) < sizeof last - 16) { /* CR/LF in it: the engine refuses */
    snprintf(last, sizeof last, "Last-Event-ID: %s", id);
    extra[n++] = last;
  }
  apic_request req = s->req;
  req.headers = extra;
  req.n_headers = n;
  s->got_event = 0;
  return apic_call_start(s->client, &req, on_connection_end, s, &s->call, err);
}

static void connect_now(apic_stream *s)
{
  apic_error *err = NULL;
  int rc = start_connection(s, &err);
  if (rc != 0)
    finish(s, rc, err);
}

void apic_stream_cancel(apic_stream *s)
{
  if (s == NULL || s->cancelled)
    return;
  s->cancelled = 1;
  if (s->call != NULL) {
    apic_call_cancel(s->call); /* its end finishes the stream */
    return;
  }
  finish(s, APIC_ERR_CANCELLED, apic_error_new(APIC_ERR_CANCELLED, "stream cancelled while reconnecting"));
}

static int copy_request(apic_stream *s, const apic_request *req)
{
  s->req = *req;
  s->method = apic__strdup(req->method);
  s->url = apic__strdup(req->url);
  s->log_url = req->log_url != NULL ? apic__strdup(req->log_url) : NULL;
  if (req->log_url != NULL && s->log_url == NULL)
    return APIC_ERR_NOMEM;
  s->body = req->body ? apic__strndup(req->body, req->body_len) : NULL;
  s->headers = apic__calloc(req->n_headers + 1, sizeof *s->headers);
  if (s->method == NULL || s->url == NULL || (req->body && s->body == NULL) || s->headers == NULL ||
      apic__parts_copy(req->parts, req->n_parts, &s->parts, &s->n_parts) != 0)
    return APIC_ERR_NOMEM;
  for (; s->n_headers < req->n_headers; s->n_headers++) {
    s->headers[s->n_headers] = apic__strdup(req->headers[s->n_headers]);
    if (s->headers[s->n_headers] == NULL)
      return APIC_ERR_NOMEM;
  }
  s->req.method = s->method;
  s->req.url = s->url;
  s->req.log_url = s->log_url;
  s->req.body = s->body;
  s->req.parts = s->parts; /* a file part is read anew from its path on each connection */
  s->req.headers = NULL;
  s->req.n_headers = 0;
  s->req.on_data = on_bytes;
  s->req.data_user_data = s;
  s->req.attempt_timeout_ms = req->attempt_timeout_ms; /* 0: the client's; long streams set their own */
  return 0;
}

int apic_stream_start(apic_client *c, const apic_request *req, apic_sse_cb on_ev, apic_stream_done_cb done,
                      void *user_data, apic_stream **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (c == NULL || req == NULL || req->method == NULL || req->url == NULL || on_ev == NULL || done == NULL ||
      req->n_headers > MAX_HEADERS || (req->n_headers > 0 && req->headers == NULL)) {
    if (err != NULL)
      *err = apic_error_new(APIC_ERR_INVALID_ARG, "a stream needs a client, a request and two callbacks");
    return APIC_ERR_INVALID_ARG;
  }
  apic_stream *s = apic__calloc(1, sizeof *s);
  if (s == NULL)
    return APIC_ERR_NOMEM;
  s->client = c;
  s->on_event = on_ev;
  s->done = done;
  s->user_data = user_data;
  s->retry_ms = -1;
  int rc = copy_request(s, req);
  if (rc == 0)
    rc = start_connection(s, err);
  if (rc != 0) {
    stream_free(s);
    return rc;
  }
  uv_timer_init(c->eng.loop, &s->wait); /* callbacks run on later loop turns only */
  s->wait.data = s;
  if (out != NULL)
    *out = s;
  return 0;
}
