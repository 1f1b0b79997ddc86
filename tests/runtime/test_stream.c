/* SSE streams over real HTTP: events as they arrive, and a drop mid-stream resumed with
 * Last-Event-ID so the sequence has no gap and no repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "apic/stream.h"
#include "rt_server.h"

typedef struct seen {
  char events[16][32];
  int n;
  int stop_at;                   /* 0: never */
  int done;
  int status;
  unsigned reconnects;
} seen;

static int on_event(void *ud, const apic_sse_event *ev)
{
  seen *k = ud;
  if (k->n < 16)
    snprintf(k->events[k->n++], sizeof k->events[0], "%s:%s", ev->id, ev->data);
  return k->stop_at != 0 && k->n == k->stop_at;
}

static void on_done(apic_stream *s, int status, apic_error *err, unsigned reconnects, void *ud)
{
  seen *k = ud;
  (void)s;
  k->done++;
  k->status = status;
  k->reconnects = reconnects;
  apic_error_free(err);
}

static void run(apic_client *c, seen *k)
{
  for (int guard = 0; !k->done && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(k->done, 1);
}

static apic_client *client(void)
{
  apic_client_options o = {0};
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 1;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  return c;
}

static void test_reconnect_resumes(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  /* The first connection drops after two events and half of a third. */
  rt_reply first = {200, "Content-Type: text/event-stream\n",
                    "retry: 20\nid: 1\ndata: a\n\nid: 2\ndata: b\n\ndata: par", 0, 0, NULL, 1};
  rt_reply second = {200, "Content-Type: text/event-stream\n", "id: 3\ndata: c\n\nid: 4\ndata: d\n\n", 0, 0, NULL, 0};
  rt_server_push(srv, &first);
  rt_server_push(srv, &second);
  apic_client *c = client();
  char url[128];
  snprintf(url, sizeof url, "%s/events", rt_server_url(srv));
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  seen k;
  memset(&k, 0, sizeof k);
  assert_int_equal(apic_stream_start(c, &req, on_event, on_done, &k, NULL, NULL), 0);
  run(c, &k);
  assert_int_equal(k.status, 0);
  assert_int_equal(k.reconnects, 1);
  assert_int_equal(k.n, 4);
  const char *want[] = {"1:a", "2:b", "3:c", "4:d"};
  for (int i = 0; i < 4; i++)
    assert_string_equal(k.events[i], want[i]);
  assert_int_equal(rt_server_count(srv), 2);
  char id[64];
  rt_server_last_event_id(srv, 0, id, sizeof id);
  assert_string_equal(id, "");
  rt_server_last_event_id(srv, 1, id, sizeof id);
  assert_string_equal(id, "2");
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

static void test_stop_and_errors(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply ok = {200, NULL, "data: x\n\ndata: y\n\ndata: z\n\n", 0, 0, NULL, 0};
  rt_reply gone = {404, NULL, "{}", 0, 0, NULL, 0};
  rt_server_push(srv, &ok);
  rt_server_push(srv, &gone);
  for (int i = 0; i < 3; i++) { /* drops mid-event, nothing new each time: reconnections run out */
    rt_reply drop = {200, NULL, "data: half", 0, 0, NULL, 1};
    rt_server_push(srv, &drop);
  }
  apic_client *c = client();
  char url[128];
  snprintf(url, sizeof url, "%s/events", rt_server_url(srv));
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  seen k;
  memset(&k, 0, sizeof k);
  k.stop_at = 2; /* the reader stops the stream */
  assert_int_equal(apic_stream_start(c, &req, on_event, on_done, &k, NULL, NULL), 0);
  run(c, &k);
  assert_int_equal(k.status, APIC_ERR_CANCELLED);
  assert_int_equal(k.n, 2);
  memset(&k, 0, sizeof k); /* an error status ends it at once */
  assert_int_equal(apic_stream_start(c, &req, on_event, on_done, &k, NULL, NULL), 0);
  run(c, &k);
  assert_int_equal(k.status, APIC_ERR_HTTP);
  assert_int_equal(k.reconnects, 0);
  memset(&k, 0, sizeof k);
  assert_int_equal(apic_stream_start(c, &req, on_event, on_done, &k, NULL, NULL), 0);
  run(c, &k);
  assert_int_equal(k.status, APIC_ERR_CONNECTION_LOST);
  assert_int_equal(k.reconnects, 2); /* max_retries 2 in a row without an event */
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

typedef struct ended {
  int events, done, status;
  char message[256];
} ended;

static int count_event(void *ud, const apic_sse_event *ev)
{
  ended *k = ud;
  (void)ev;
  k->events++;
  return 0;
}

static void on_ended(apic_stream *s, int status, apic_error *err, unsigned reconnects, void *ud)
{
  ended *k = ud;
  (void)s;
  (void)reconnects;
  k->done++;
  k->status = status;
  snprintf(k->message, sizeof k->message, "%s", apic_error_message(err));
  apic_error_free(err);
}

/* A line over the parser's bound (64 KiB) ends the stream TOO_LARGE, once, without reconnecting:
 * the parser's verdict, not the CANCELLED its stopping the transfer gives. */
static void test_line_too_large(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  static char body[80 * 1024];
  size_t n = (size_t)snprintf(body, sizeof body, "data: ok\n\ndata: ");
  memset(body + n, 'x', sizeof body - n - 3);
  memcpy(body + sizeof body - 3, "\n\n", 3);
  rt_reply big = {200, "Content-Type: text/event-stream\n", body, 0, 0, NULL, 0};
  rt_server_push(srv, &big);
  apic_client *c = client();
  char url[128];
  snprintf(url, sizeof url, "%s/events", rt_server_url(srv));
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  ended end = {0, 0, 0, ""};
  assert_int_equal(apic_stream_start(c, &req, count_event, on_ended, &end, NULL, NULL), 0);
  for (int guard = 0; !end.done && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(end.done, 1);
  assert_int_equal(end.events, 1); /* the event before it */
  assert_int_equal(end.status, APIC_ERR_TOO_LARGE);
  assert_non_null(strstr(end.message, "over 64 KiB"));
  assert_int_equal(rt_server_count(srv), 1);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

/* A body long enough that libcurl hands it over in many pieces: two events, 256 comment lines
 * of 1 KiB, a third event. */
static const char *long_stream(void)
{
  static char body[300 * 1024];
  if (body[0] != '\0')
    return body;
  size_t n = (size_t)snprintf(body, sizeof body, "id: 1\ndata: a\n\nid: 2\ndata: b\n\n");
  for (int i = 0; i < 256; i++) {
    body[n++] = ':';
    memset(body + n, 'x', 1022);
    n += 1022;
    body[n++] = '\n';
  }
  snprintf(body + n, sizeof body - n, "\nid: 3\ndata: c\n\n");
  return body;
}

typedef struct inside {
  apic_client *client;
  apic_stream *stream;
  apic_call *call;
  char url[128];
  int events, done, status, started;
  seen second;                   /* the stream the callback starts, when it does */
} inside;

/* Cancels its own stream from inside the event callback, then returns 0 as if nothing
 * happened: the cancel alone must end it. */
static int cancel_own_stream(void *ud, const apic_sse_event *ev)
{
  inside *k = ud;
  (void)ev;
  k->events++;
  apic_stream_cancel(k->stream);
  apic_stream_cancel(k->stream); /* twice: no effect */
  return 0;
}

static void inside_done(apic_stream *s, int status, apic_error *err, unsigned reconnects, void *ud)
{
  inside *k = ud;
  (void)s;
  (void)reconnects;
  k->done++;
  k->status = status;
  apic_error_free(err);
}

static void stream_on(apic_client *c, const char *url, apic_sse_cb ev, apic_stream_done_cb done, void *ud,
                      apic_stream **out)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  assert_int_equal(apic_stream_start(c, &req, ev, done, ud, out, NULL), 0);
}

/* The client still works after: its connection and easy handle were let go properly. */
static void client_still_works(apic_client *c, rt_server *srv, const char *url)
{
  rt_reply again = {200, "Content-Type: text/event-stream\n", "id: 9\ndata: z\n\n", 0, 0, NULL, 0};
  rt_server_push(srv, &again);
  seen k;
  memset(&k, 0, sizeof k);
  stream_on(c, url, on_event, on_done, &k, NULL);
  run(c, &k);
  assert_int_equal(k.status, 0);
  assert_int_equal(k.n, 1);
  assert_string_equal(k.events[0], "9:z");
}

/* apic_stream_cancel from inside the stream's own event callback (libcurl is then inside its
 * write callback): no event after it, the done callback once with CANCELLED. */
static void test_cancel_from_event_callback(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply r = {200, "Content-Type: text/event-stream\n", long_stream(), 0, 0, NULL, 0};
  rt_server_push(srv, &r);
  apic_client *c = client();
  inside k = {.client = c};
  snprintf(k.url, sizeof k.url, "%s/events", rt_server_url(srv));
  stream_on(c, k.url, cancel_own_stream, inside_done, &k, &k.stream);
  for (int guard = 0; !k.done && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(k.done, 1);
  assert_int_equal(k.events, 1);
  assert_int_equal(k.status, APIC_ERR_CANCELLED);
  client_still_works(c, srv, k.url);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

static int cancel_own_call(void *ud, const char *data, size_t len)
{
  inside *k = ud;
  (void)data;
  (void)len;
  k->events++;
  apic_call_cancel(k->call);
  return 0;
}

static void call_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  inside *k = ud;
  (void)call;
  k->done++;
  k->status = status;
  apic_response_free(resp);
  apic_error_free(err);
}

/* apic_call_cancel from inside the call's own on_data: no data after it, CANCELLED once. */
static void test_cancel_from_data_callback(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply r = {200, NULL, long_stream(), 0, 0, NULL, 0};
  rt_server_push(srv, &r);
  apic_client *c = client();
  inside k = {.client = c};
  snprintf(k.url, sizeof k.url, "%s/data", rt_server_url(srv));
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = k.url;
  req.on_data = cancel_own_call;
  req.data_user_data = &k;
  assert_int_equal(apic_call_start(c, &req, call_done, &k, &k.call, NULL), 0);
  for (int guard = 0; !k.done && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(k.done, 1);
  assert_int_equal(k.events, 1);
  assert_int_equal(k.status, APIC_ERR_CANCELLED);
  client_still_works(c, srv, k.url);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

/* Starts a second stream from inside the first one's event callback, once. */
static int start_another(void *ud, const apic_sse_event *ev)
{
  inside *k = ud;
  (void)ev;
  k->events++;
  if (!k->started++)
    stream_on(k->client, k->url, on_event, on_done, &k->second, NULL);
  return 0;
}

/* A stream (so a request) started from inside an event callback runs like any other. */
static void test_start_from_event_callback(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply first = {200, "Content-Type: text/event-stream\n", long_stream(), 0, 0, "/first", 0};
  rt_reply second = {200, "Content-Type: text/event-stream\n", "id: 7\ndata: y\n\n", 0, 0, "/second", 0};
  rt_server_push(srv, &first);
  rt_server_push(srv, &second);
  apic_client *c = client();
  inside k = {.client = c};
  char url[128];
  snprintf(url, sizeof url, "%s/first", rt_server_url(srv));
  snprintf(k.url, sizeof k.url, "%s/second", rt_server_url(srv));
  stream_on(c, url, start_another, inside_done, &k, NULL);
  for (int guard = 0; (!k.done || !k.second.done) && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(k.status, 0);
  assert_int_equal(k.events, 3);
  assert_int_equal(k.second.done, 1);
  assert_int_equal(k.second.status, 0);
  assert_int_equal(k.second.n, 1);
  assert_string_equal(k.second.events[0], "7:y");
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

int main(void)
{
  alarm(60); /* watchdog */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reconnect_resumes),
      cmocka_unit_test(test_stop_and_errors),
      cmocka_unit_test(test_line_too_large),
      cmocka_unit_test(test_cancel_from_event_callback),
      cmocka_unit_test(test_cancel_from_data_callback),
      cmocka_unit_test(test_start_from_event_callback),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
