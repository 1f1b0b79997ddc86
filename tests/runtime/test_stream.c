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

int main(void)
{
  alarm(60); /* watchdog */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reconnect_resumes),
      cmocka_unit_test(test_stop_and_errors),
      cmocka_unit_test(test_line_too_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
