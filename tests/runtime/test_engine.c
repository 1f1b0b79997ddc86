/* The HTTP engine against a real local server: retries, timeouts, concurrency, groups,
 * cancellation, threads, shutdown. Counts and order come from the server's log. */
#include <pthread.h>
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

#include "apic/alloc.h"
#include "apic/client.h"
#include "rt_server.h"

typedef struct fixture {
  rt_server *srv;
  apic_client *client;
  char url[128];
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  f->srv = rt_server_start();
  assert_non_null(f->srv);
  apic_client_options o = {0};
  o.backoff_initial_ms = 1; /* retries fast; counts are what the tests look at */
  o.backoff_max_ms = 5;
  o.max_concurrency = 3;
  assert_int_equal(apic_client_new(&o, &f->client, NULL), 0);
  snprintf(f->url, sizeof f->url, "%s/things", rt_server_url(f->srv));
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  apic_client_free(f->client, 0);
  rt_server_stop(f->srv);
  free(f);
  return 0;
}

static void push(fixture *f, int status, const char *headers, unsigned delay_ms, int hang)
{
  rt_reply r = {status, headers, NULL, delay_ms, hang, NULL, 0};
  rt_server_push(f->srv, &r);
}

/* A reply only for "/things/<n>", so members answered in any arrival order get theirs. */
static void push_for(fixture *f, int n, int status, unsigned delay_ms, int hang)
{
  static char paths[8][32];
  snprintf(paths[n], sizeof paths[n], "/things/%d", n);
  rt_reply r = {status, NULL, NULL, delay_ms, hang, paths[n], 0};
  rt_server_push(f->srv, &r);
}

static void add_numbered(fixture *f, apic_group *g, int n)
{
  char url[160];
  snprintf(url, sizeof url, "%s/%d", f->url, n);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  size_t index;
  assert_int_equal(apic_group_add(g, &req, &index), 0);
  assert_int_equal(index, n);
}

static int send_req(fixture *f, const char *method, int idempotent, apic_response **resp, apic_error **err)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = method;
  req.url = f->url;
  req.idempotent = idempotent;
  if (strcmp(method, "POST") == 0) {
    req.body = "{\"a\":1}";
    req.body_len = 7;
  }
  *resp = NULL;
  *err = NULL;
  return apic_client_send(f->client, &req, resp, err);
}

static void test_get_ok(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 200, "x-request-id: r1\n", 0, 0);
  assert_int_equal(send_req(f, "GET", 0, &r, &e), 0);
  assert_null(e);
  assert_int_equal(apic_response_status(r), 200);
  assert_string_equal(apic_response_body(r, NULL), "{}");
  assert_string_equal(apic_response_header(r, "X-Request-Id"), "r1");
  assert_int_equal(apic_response_attempts(r), 1);
  apic_response_free(r);
}

static void test_retry_then_ok(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 503, NULL, 0, 0);
  push(f, 429, "Retry-After: 0\n", 0, 0);
  assert_int_equal(send_req(f, "GET", 0, &r, &e), 0);
  assert_int_equal(apic_response_attempts(r), 3);
  assert_string_equal(apic_response_attempt_cause(r, 0), "status 503");
  assert_string_equal(apic_response_attempt_cause(r, 1), "status 429");
  assert_null(apic_response_attempt_cause(r, 2));
  assert_int_equal(rt_server_count(f->srv), 3);
  apic_response_free(r);
}

static void test_retry_limit(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  for (int i = 0; i < 5; i++)
    push(f, 500, "x-request-id: rid-7\n", 0, 0);
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_HTTP);
  assert_null(r);
  assert_int_equal(apic_error_status(e), 500);
  assert_int_equal(apic_error_attempts(e), 3);
  assert_string_equal(apic_error_request_id(e), "rid-7");
  assert_string_equal(apic_error_message(e), "status 500 (earlier attempts: status 500; status 500)");
  assert_int_equal(rt_server_count(f->srv), 3);
  apic_error_free(e);
}

static void test_not_retried(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 503, NULL, 0, 0); /* POST without `idempotent` */
  assert_int_equal(send_req(f, "POST", 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  push(f, 404, NULL, 0, 0); /* other 4xx */
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_status(e), 404);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  push(f, 503, "x-should-retry: false\n", 0, 0);
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  assert_int_equal(rt_server_count(f->srv), 3);
}

static void test_idempotency_key(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 500, NULL, 0, 0);
  push(f, 502, NULL, 0, 0);
  assert_int_equal(send_req(f, "POST", 1, &r, &e), 0);
  assert_int_equal(apic_response_attempts(r), 3);
  apic_response_free(r);
  char path[64], k0[160], k[160];
  rt_server_request(f->srv, 0, path, sizeof path, k0, sizeof k0);
  assert_string_equal(path, "/things");
  assert_int_equal(strlen(k0), 32);
  for (unsigned i = 1; i < 3; i++) {
    rt_server_request(f->srv, i, path, sizeof path, k, sizeof k);
    assert_string_equal(k, k0);
  }
  assert_int_equal(send_req(f, "POST", 1, &r, &e), 0); /* a new call, a new key */
  rt_server_request(f->srv, 3, path, sizeof path, k, sizeof k);
  assert_string_not_equal(k, k0);
  apic_response_free(r);
}

static void test_retry_after_cap(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 429, "Retry-After: 3600\n", 0, 0);
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_retry_after_ms(e), 3600000);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
}

static int64_t fixed_clock(void *ctx)
{
  (void)ctx;
  return 1767225600000LL; /* 2026-01-01T00:00:00Z */
}

/* A Retry-After date is read against the injected clock: two minutes is past the 60 s cap. */
static void test_retry_after_date(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.clock = fixed_clock;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  push(f, 503, "Retry-After: Thu, 01 Jan 2026 00:02:00 GMT\n", 0, 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_client_send(c, &req, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_retry_after_ms(e), 120000);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  apic_client_free(c, 0);
}

static void test_bad_input(void **state)
{
  fixture *f = *state;
  apic_response *r = NULL;
  apic_error *e = NULL;
  const char *hdr[] = {"X-A: ok\r\nX-Injected: 1"};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  req.headers = hdr;
  req.n_headers = 1;
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_INVALID_ARG);
  apic_error_free(e);
  const char *bad_name[] = {"X A: 1"};
  req.headers = bad_name;
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_INVALID_ARG);
  apic_error_free(e);
  req.n_headers = 0;
  req.url = "ftp://example/x";
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_INVALID_ARG);
  apic_error_free(e);
  assert_int_equal(rt_server_count(f->srv), 0);
}

static void test_connection_refused(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  snprintf(f->url, sizeof f->url, "http://127.0.0.1:1/x"); /* nobody listens on port 1 */
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_CONNECT);
  assert_int_equal(apic_error_attempts(e), 3);
  apic_error_free(e);
}

static void test_timeouts(void **state)
{
  fixture *f = *state;
  apic_response *r = NULL;
  apic_error *e = NULL;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  req.attempt_timeout_ms = 100; /* a server that never answers: each attempt times out */
  req.max_retries = 1;
  push(f, 0, NULL, 0, 1);
  push(f, 0, NULL, 0, 1);
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_TIMEOUT);
  assert_int_equal(apic_error_attempts(e), 2);
  apic_error_free(e);
  /* The total timeout covers every attempt: it ends the call before the retries run out. */
  req.attempt_timeout_ms = 0;
  req.max_retries = 10;
  req.total_timeout_ms = 150;
  for (int i = 0; i < 3; i++)
    push(f, 0, NULL, 0, 1);
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_TIMEOUT);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
}

/* Async. */
typedef struct outcome {
  int calls;
  int code;
  int status;
} outcome;

static void on_done(apic_call *call, int code, apic_response *resp, apic_error *err, void *ud)
{
  outcome *o = ud;
  (void)call;
  o->calls++;
  o->code = code;
  o->status = resp ? apic_response_status(resp) : apic_error_status(err);
  assert_true((resp == NULL) != (err == NULL));
  apic_response_free(resp);
  apic_error_free(err);
}

static apic_call *start(fixture *f, outcome *o)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_call *call = NULL;
  assert_int_equal(apic_call_start(f->client, &req, on_done, o, &call, NULL), 0);
  return call;
}

static void run_until(fixture *f, const outcome *os, int n)
{
  for (int guard = 0; guard < 100000; guard++) {
    int done = 0;
    for (int i = 0; i < n; i++)
      done += os[i].calls;
    if (done == n)
      return;
    uv_run(apic_client_loop(f->client), UV_RUN_ONCE);
  }
  fail_msg("calls did not complete");
}

static void test_concurrency_limit(void **state)
{
  fixture *f = *state;
  outcome os[10] = {{0}};
  for (int i = 0; i < 10; i++) {
    push(f, 200, NULL, 40, 0);
    start(f, &os[i]);
  }
  run_until(f, os, 10);
  for (int i = 0; i < 10; i++) {
    assert_int_equal(os[i].calls, 1);
    assert_int_equal(os[i].status, 200);
  }
  assert_int_equal(rt_server_count(f->srv), 10);
  assert_true(rt_server_peak(f->srv) <= 3);
  assert_true(rt_server_peak(f->srv) >= 2);
}

static void test_cancel(void **state)
{
  fixture *f = *state;
  outcome os[5] = {{0}};
  apic_call *calls[5];
  for (int i = 0; i < 5; i++) {
    push(f, 200, NULL, 100, 0);
    calls[i] = start(f, &os[i]);
  }
  apic_call_cancel(calls[4]); /* queued: never reaches the server */
  apic_call_cancel(calls[0]); /* in flight */
  run_until(f, os, 5);
  assert_int_equal(os[0].code, APIC_ERR_CANCELLED);
  assert_int_equal(os[4].code, APIC_ERR_CANCELLED);
  for (int i = 1; i < 4; i++)
    assert_int_equal(os[i].code, 0);
  for (int i = 0; i < 5; i++)
    assert_int_equal(os[i].calls, 1);
  assert_true(rt_server_count(f->srv) <= 4);
}

static void test_cancel_in_backoff(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.backoff_initial_ms = 5000; /* a long back-off the cancel cuts short */
  o.backoff_max_ms = 5000;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  push(f, 503, NULL, 0, 0);
  outcome out = {0};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_call *call;
  assert_int_equal(apic_call_start(c, &req, on_done, &out, &call, NULL), 0);
  for (int guard = 0; rt_server_count(f->srv) < 1 && guard < 10000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_NOWAIT);
  for (int guard = 0; guard < 50; guard++) /* let the 503 arrive and the back-off start */
    uv_run(apic_client_loop(c), UV_RUN_NOWAIT);
  apic_call_cancel(call);
  uint64_t t0 = uv_hrtime();
  while (out.calls == 0)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_true(uv_hrtime() - t0 < 2000000000ULL); /* not the 5 s back-off */
  assert_int_equal(out.code, APIC_ERR_CANCELLED);
  apic_client_free(c, 0);
}

static void test_gather(void **state)
{
  fixture *f = *state;
  apic_group *g;
  assert_int_equal(apic_group_new(f->client, APIC_GROUP_GATHER, &g), 0);
  push_for(f, 0, 200, 60, 0); /* the first finishes last */
  push_for(f, 1, 404, 0, 0);
  push_for(f, 2, 200, 0, 0);
  for (int i = 0; i < 3; i++)
    add_numbered(f, g, i);
  assert_int_equal(apic_group_wait(g), APIC_ERR_HTTP);
  assert_int_equal(apic_group_size(g), 3);
  const apic_response *r;
  const apic_error *e;
  apic_group_result(g, 0, &r, &e);
  assert_int_equal(apic_response_status(r), 200);
  apic_group_result(g, 1, &r, &e);
  assert_null(r);
  assert_int_equal(apic_error_status(e), 404);
  apic_group_result(g, 2, &r, &e);
  assert_int_equal(apic_response_status(r), 200);
  apic_group_free(g);
}

typedef struct progress {
  size_t order[8];
  size_t n;
  size_t last_done, total;
} progress;

static void on_progress(apic_group *g, size_t index, size_t done, size_t total, void *ud)
{
  progress *p = ud;
  (void)g;
  p->order[p->n++] = index;
  assert_int_equal(done, p->n);
  p->last_done = done;
  p->total = total;
}

static void test_fail_fast_and_progress(void **state)
{
  fixture *f = *state;
  apic_group *g;
  progress p = {{0}, 0, 0, 0};
  assert_int_equal(apic_group_new(f->client, APIC_GROUP_FAIL_FAST, &g), 0);
  apic_group_set_progress(g, on_progress, &p);
  push_for(f, 0, 400, 0, 0); /* the first to finish fails */
  push_for(f, 1, 200, 3000, 0);
  push_for(f, 2, 200, 3000, 0);
  for (int i = 0; i < 3; i++)
    add_numbered(f, g, i);
  assert_int_equal(apic_group_wait(g), APIC_ERR_HTTP);
  assert_int_equal(p.n, 3);
  assert_int_equal(p.order[0], 0);
  assert_int_equal(p.total, 3);
  const apic_response *r;
  const apic_error *e;
  for (size_t i = 1; i < 3; i++) {
    apic_group_result(g, i, &r, &e);
    assert_int_equal(apic_error_code(e), APIC_ERR_CANCELLED);
  }
  apic_group_free(g);
}

static void test_group_deadline(void **state)
{
  fixture *f = *state;
  apic_group *g;
  assert_int_equal(apic_group_new(f->client, APIC_GROUP_GATHER, &g), 0);
  assert_int_equal(apic_group_set_deadline(g, 500), 0); /* ample for the quick member */
  push_for(f, 0, 200, 0, 0);
  push_for(f, 1, 0, 0, 1);
  add_numbered(f, g, 0);
  add_numbered(f, g, 1);
  assert_int_equal(apic_group_wait(g), APIC_ERR_TIMEOUT);
  const apic_response *r;
  const apic_error *e;
  apic_group_result(g, 0, &r, &e);
  assert_int_equal(apic_response_status(r), 200);
  apic_group_result(g, 1, &r, &e);
  assert_int_equal(apic_error_code(e), APIC_ERR_TIMEOUT);
  apic_group_free(g);
}

static void test_wait_one(void **state)
{
  fixture *f = *state;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_call *call;
  assert_int_equal(apic_call_start(f->client, &req, NULL, NULL, &call, NULL), 0);
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_call_wait(call, &r, &e), 0);
  assert_int_equal(apic_response_status(r), 200);
  apic_response_free(r);
}

static void *thread_main(void *arg)
{
  fixture *f = arg;
  int ok = 0;
  for (int i = 0; i < 5; i++) {
    apic_response *r = NULL;
    apic_error *e = NULL;
    apic_request req = APIC_REQUEST_INIT;
    req.method = "GET";
    req.url = f->url;
    if (apic_client_send(f->client, &req, &r, &e) == 0 && apic_response_status(r) == 200)
      ok++;
    apic_response_free(r);
    apic_error_free(e);
  }
  return (void *)(intptr_t)ok;
}

static void test_threads(void **state)
{
  fixture *f = *state;
  pthread_t t[8];
  for (int i = 0; i < 8; i++)
    assert_int_equal(pthread_create(&t[i], NULL, thread_main, f), 0);
  for (int i = 0; i < 8; i++) {
    void *ok;
    pthread_join(t[i], &ok);
    assert_int_equal((intptr_t)ok, 5);
  }
  assert_int_equal(rt_server_count(f->srv), 40);
}

static void test_shutdown_in_flight(void **state)
{
  fixture *f = *state;
  outcome os[6] = {{0}};
  push(f, 200, NULL, 0, 0);
  for (int i = 0; i < 6; i++)
    start(f, &os[i]);
  for (int i = 1; i < 6; i++)
    push(f, 0, NULL, 0, 1); /* the rest never answer */
  apic_client_free(f->client, 1000); /* time for the one answer, not for the hung ones */
  f->client = NULL;
  int cancelled = 0, ok = 0; /* whichever request arrived first got the one answer */
  for (int i = 0; i < 6; i++) {
    assert_int_equal(os[i].calls, 1);
    cancelled += os[i].code == APIC_ERR_CANCELLED;
    ok += os[i].code == 0;
  }
  assert_int_equal(cancelled, 5);
  assert_int_equal(ok, 1);
}

static void test_too_large(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.max_body = 1;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_client_send(c, &req, &r, &e), APIC_ERR_TOO_LARGE);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  apic_client_free(c, 0);
}

static void test_caller_loop(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  apic_client_options o = {0};
  o.loop = &loop;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  assert_ptr_equal(apic_client_loop(c), &loop);
  outcome os[3] = {{0}};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  push(f, 200, NULL, 0, 0);
  assert_int_equal(apic_call_start(c, &req, on_done, &os[0], NULL, NULL), 0);
  for (int guard = 0; os[0].calls == 0 && guard < 100000; guard++)
    uv_run(&loop, UV_RUN_ONCE);
  assert_int_equal(os[0].code, 0);
  push(f, 0, NULL, 0, 1);
  push(f, 0, NULL, 0, 1);
  assert_int_equal(apic_call_start(c, &req, on_done, &os[1], NULL, NULL), 0);
  assert_int_equal(apic_call_start(c, &req, on_done, &os[2], NULL, NULL), 0);
  apic_group *g; /* freed with a member in flight: its late result is dropped, nothing leaks */
  assert_int_equal(apic_group_new(c, APIC_GROUP_GATHER, &g), 0);
  push(f, 0, NULL, 0, 1);
  assert_int_equal(apic_group_add(g, &req, NULL), 0);
  assert_int_equal(apic_group_wait(g), APIC_ERR_BUSY); /* not our loop to run */
  uv_run(&loop, UV_RUN_NOWAIT);
  apic_group_free(g);
  apic_client_free(c, 1000); /* a caller's loop: cancels at once; we run the loop */
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(os[1].calls, 1);
  assert_int_equal(os[2].calls, 1);
  assert_int_equal(os[1].code, APIC_ERR_CANCELLED);
  assert_int_equal(os[2].code, APIC_ERR_CANCELLED);
  assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_queue_full(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.max_concurrency = 1;
  o.max_queue = 2;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  outcome os[3] = {{0}};
  for (int i = 0; i < 3; i++) /* one in flight, two queued */
    assert_int_equal(apic_call_start(c, &req, on_done, &os[i], NULL, NULL), 0);
  apic_error *e = NULL;
  outcome extra = {0};
  assert_int_equal(apic_call_start(c, &req, on_done, &extra, NULL, &e), APIC_ERR_QUEUE_FULL);
  assert_int_equal(apic_error_code(e), APIC_ERR_QUEUE_FULL);
  apic_error_free(e);
  apic_client_free(c, 5000); /* drains: all three finish */
  for (int i = 0; i < 3; i++) {
    assert_int_equal(os[i].calls, 1);
    assert_int_equal(os[i].code, 0);
  }
  assert_int_equal(extra.calls, 0); /* a failed start never calls back */
  assert_int_equal(rt_server_count(f->srv), 3);
  assert_int_equal(rt_server_peak(f->srv), 1);
}

typedef struct log_seen {
  int attempts;
  int leaked;
} log_seen;

static void on_log(void *ctx, int level, const char *line)
{
  log_seen *l = ctx;
  (void)level;
  if (strstr(line, "attempt") != NULL)
    l->attempts++;
  if (strstr(line, "s3cr3t") != NULL)
    l->leaked++;
}

static void test_log_and_key_override(void **state)
{
  fixture *f = *state;
  log_seen seen = {0, 0};
  apic_client_options o = {0};
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 1;
  o.log = on_log;
  o.log_ctx = &seen;
  o.log_level = APIC_LOG_DEBUG;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  const char *hdr[] = {"Authorization: Bearer s3cr3t", "X-Api-Key: s3cr3t"};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "POST";
  req.url = f->url;
  req.headers = hdr;
  req.n_headers = 2;
  req.idempotency_key = "my-key-1"; /* makes the POST retryable */
  push(f, 503, NULL, 0, 0);
  push(f, 200, "retry-after-ms: 1\n", 0, 0);
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_client_send(c, &req, &r, &e), 0);
  assert_int_equal(apic_response_attempts(r), 2);
  apic_response_free(r);
  char path[64], key[160];
  for (unsigned i = 0; i < 2; i++) {
    rt_server_request(f->srv, i, path, sizeof path, key, sizeof key);
    assert_string_equal(key, "my-key-1");
  }
  assert_int_equal(seen.attempts, 2);
  assert_int_equal(seen.leaked, 0);
  apic_client_free(c, 0);
}

/* The duration logged for each attempt, in ms ("(N ms)" at the end of its line). */
typedef struct durations {
  long ms[4];
  int n;
} durations;

static void on_duration_log(void *ctx, int level, const char *line)
{
  durations *d = ctx;
  const char *p = strrchr(line, '(');
  (void)level;
  if (strstr(line, " attempt ") != NULL && p != NULL && d->n < 4)
    d->ms[d->n++] = strtol(p + 1, NULL, 10);
}

static uint64_t now_ms(void)
{
  return uv_hrtime() / 1000000;
}

typedef struct late_start {
  fixture *f;
  apic_client *c;
  outcome o;
  uint64_t started;
} late_start;

/* A loop turn busy for 200 ms before it starts the call. */
static void start_late(uv_timer_t *t)
{
  late_start *ls = t->data;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = ls->f->url;
  uv_sleep(200);
  ls->started = now_ms();
  assert_int_equal(apic_call_start(ls->c, &req, on_done, &ls->o, NULL, NULL), 0);
}

/* An attempt's logged duration counts from when it was sent: not from the start of a busy loop
 * turn, nor from when a sync call's idle loop last ran. So it is never more than the time the
 * test measures around the call (rounded to whole ms). */
static void test_attempt_duration(void **state)
{
  fixture *f = *state;
  durations d = {{0}, 0};
  apic_client_options o = {0};
  o.log = on_duration_log;
  o.log_ctx = &d;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_client_send(c, &req, &r, &e), 0);
  apic_response_free(r);
  uv_sleep(200); /* the sync loop idles */
  uint64_t t0 = now_ms();
  assert_int_equal(apic_client_send(c, &req, &r, &e), 0);
  uint64_t took = now_ms() - t0;
  apic_response_free(r);
  assert_int_equal(d.n, 2);
  assert_true(d.ms[1] <= (long)took + 1);

  push(f, 200, NULL, 20, 0); /* an answer after a loop turn or more */
  late_start ls = {f, c, {0, 0, 0}, 0};
  uv_timer_t t;
  uv_timer_init(apic_client_loop(c), &t);
  t.data = &ls;
  uv_timer_start(&t, start_late, 0, 0);
  for (int guard = 0; ls.o.calls == 0 && guard < 100000; guard++)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  took = now_ms() - ls.started;
  uv_close((uv_handle_t *)&t, NULL);
  assert_int_equal(ls.o.code, 0);
  assert_int_equal(d.n, 3);
  assert_true(d.ms[2] <= (long)took + 1);
  apic_client_free(c, 0);
}

typedef struct counting {
  unsigned reallocs;
} counting;

static void *c_malloc(void *ctx, size_t size)
{
  (void)ctx;
  return malloc(size);
}

static void *c_realloc(void *ctx, void *ptr, size_t size)
{
  ((counting *)ctx)->reallocs++;
  return realloc(ptr, size);
}

static void c_free(void *ctx, void *ptr)
{
  (void)ctx;
  free(ptr);
}

/* The body's buffer grows geometrically: a 1 MiB body, which libcurl hands over in pieces of
 * at most 16 KiB (64 or more), costs a handful of reallocations, not one per piece. */
static void test_body_growth(void **state)
{
  fixture *f = *state;
  static char big[(1 << 20) + 1];
  memset(big, 'x', sizeof big - 1);
  rt_reply reply = {200, NULL, big, 0, 0, NULL, 0};
  rt_server_push(f->srv, &reply);
  counting n = {0};
  apic_allocator hooks = {c_malloc, c_realloc, c_free, &n};
  assert_int_equal(apic_set_allocator(&hooks), 0);
  apic_client *c;
  assert_int_equal(apic_client_new(NULL, &c, NULL), 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  apic_response *r;
  apic_error *e;
  unsigned before = n.reallocs;
  assert_int_equal(apic_client_send(c, &req, &r, &e), 0);
  size_t len;
  apic_response_body(r, &len);
  assert_int_equal(len, sizeof big - 1);
  assert_true(n.reallocs - before <= 24);
  apic_response_free(r);
  apic_client_free(c, 0);
  apic_set_allocator(NULL);
}

static void test_retry_after_honoured(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  push(f, 503, "retry-after-ms: 120\n", 0, 0);
  push(f, 429, "Retry-After: Thu, 01 Jan 1970 00:00:00 GMT\n", 0, 0); /* a past date: now */
  uint64_t t0 = uv_hrtime();
  assert_int_equal(send_req(f, "GET", 0, &r, &e), 0);
  assert_true(uv_hrtime() - t0 >= 120 * 1000000ULL); /* waited at least what the server asked */
  assert_int_equal(apic_response_attempts(r), 3);
  apic_response_free(r);
}

static void test_rate_limit(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.requests_per_second = 20; /* a burst of 20, then one every 50 ms */
  o.max_concurrency = APIC_UNLIMITED;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  apic_group *g;
  assert_int_equal(apic_group_new(c, APIC_GROUP_GATHER, &g), 0);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  uint64_t t0 = uv_hrtime();
  for (int i = 0; i < 25; i++)
    assert_int_equal(apic_group_add(g, &req, NULL), 0);
  assert_int_equal(apic_group_wait(g), 0);
  assert_true(uv_hrtime() - t0 >= 200 * 1000000ULL); /* the last 5 waited ~250 ms */
  assert_int_equal(rt_server_count(f->srv), 25);
  apic_group_free(g);
  apic_client_free(c, 0);
}

static void test_truncated_body(void **state)
{
  fixture *f = *state;
  apic_response *r;
  apic_error *e;
  for (int i = 0; i < 3; i++) {
    rt_reply t = {200, NULL, "{\"partial\":", 0, 0, NULL, 1};
    rt_server_push(f->srv, &t);
  }
  assert_int_equal(send_req(f, "GET", 0, &r, &e), APIC_ERR_CONNECTION_LOST);
  assert_int_equal(apic_error_attempts(e), 3); /* a cut transfer is retried like a dropped one */
  apic_error_free(e);
  assert_int_equal(rt_server_count(f->srv), 3);
}

typedef struct sink {
  char buf[256];
  size_t len;
  int chunks;
  int stop_after;
} sink;

static int on_data(void *ud, const char *data, size_t len)
{
  sink *k = ud;
  if (k->len + len < sizeof k->buf) {
    memcpy(k->buf + k->len, data, len);
    k->len += len;
  }
  return ++k->chunks == k->stop_after;
}

static void test_streaming(void **state)
{
  fixture *f = *state;
  rt_reply ok = {200, NULL, "data: a\n\ndata: b\n\n", 0, 0, NULL, 0};
  rt_server_push(f->srv, &ok);
  sink k = {"", 0, 0, 0};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  req.on_data = on_data;
  req.data_user_data = &k;
  apic_response *r;
  apic_error *e;
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), 0);
  assert_int_equal(k.len, 18);
  assert_memory_equal(k.buf, "data: a\n\ndata: b\n\n", 18);
  assert_int_equal(apic_response_status(r), 200);
  size_t len;
  apic_response_body(r, &len);
  assert_int_equal(len, 0); /* streamed, not kept */
  apic_response_free(r);
  /* An error status is buffered into the error, not streamed. */
  rt_reply bad = {500, NULL, "{\"error\":\"x\"}", 0, 0, NULL, 0};
  rt_server_push(f->srv, &bad);
  req.max_retries = 0;
  k.len = 0;
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_HTTP);
  assert_string_equal(apic_error_body(e, NULL), "{\"error\":\"x\"}");
  assert_int_equal(k.len, 0);
  apic_error_free(e);
  /* The reader stops the stream: cancelled, not retried. */
  k.stop_after = 1;
  k.chunks = 0;
  req.max_retries = 2;
  assert_int_equal(apic_client_send(f->client, &req, &r, &e), APIC_ERR_CANCELLED);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
}

/* Fails the Nth libapic allocation. */
typedef struct failing {
  unsigned count;
  unsigned fail_at;
  unsigned failed;
} failing;

static void *f_malloc(void *ctx, size_t size)
{
  failing *a = ctx;
  if (++a->count == a->fail_at) {
    a->failed++;
    return NULL;
  }
  return malloc(size);
}

static void *f_realloc(void *ctx, void *ptr, size_t size)
{
  failing *a = ctx;
  if (++a->count == a->fail_at) {
    a->failed++;
    return NULL;
  }
  return realloc(ptr, size);
}

static void f_free(void *ctx, void *ptr)
{
  (void)ctx;
  free(ptr);
}

/* Every allocation a client and a retried call make, failed in turn: an error, never a crash
 * or a leak (ASan and valgrind watch), and the call either succeeds or says why not. */
static void test_alloc_failures(void **state)
{
  fixture *f = *state;
  failing a = {0, 0, 0};
  apic_allocator hooks = {f_malloc, f_realloc, f_free, &a};
  unsigned n;
  for (n = 1; n < 2000; n++) {
    a = (failing){0, n, 0};
    assert_int_equal(apic_set_allocator(&hooks), 0);
    push(f, 503, "x-request-id: q\n", 0, 0);
    apic_client_options o = {0};
    o.backoff_initial_ms = 1;
    o.backoff_max_ms = 1;
    apic_client *c = NULL;
    apic_response *r = NULL;
    apic_error *e = NULL;
    int rc = apic_client_new(&o, &c, &e);
    if (rc == 0) {
      apic_request req = APIC_REQUEST_INIT;
      req.method = "GET";
      req.url = f->url;
      rc = apic_client_send(c, &req, &r, &e);
      assert_true(rc == 0 ? r != NULL && e == NULL : r == NULL);
      apic_client_free(c, 0);
    }
    apic_response_free(r);
    apic_error_free(e);
    apic_set_allocator(NULL);
    if (a.failed == 0) { /* n is past every allocation: the whole run succeeded */
      assert_int_equal(rc, 0);
      break;
    }
  }
  assert_true(n > 10 && n < 2000);
}

typedef struct freer {
  apic_group *g;
  int calls;                     /* callbacks run: progress and members' */
} freer;

static void free_from_progress(apic_group *g, size_t index, size_t done, size_t total, void *ud)
{
  freer *k = ud;
  (void)index;
  (void)done;
  (void)total;
  k->calls++;
  apic_group_free(g);
}

static void free_from_member(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  freer *k = ud;
  (void)call;
  (void)status;
  k->calls++;
  apic_response_free(resp);
  apic_error_free(err);
  apic_group_free(k->g);
}

/* Runs the owned loop for a few turns: the cancelled members end (and must call nobody). */
static void settle(fixture *f)
{
  for (int i = 0; i < 20; i++)
    uv_run(apic_client_loop(f->client), UV_RUN_NOWAIT);
}

/* apic_group_free from the group's own progress callback, and from a member's callback: the
 * members still running are cancelled, nothing is called back after it, nothing is freed twice. */
static void test_group_freed_from_its_callbacks(void **state)
{
  fixture *f = *state;
  for (int how = 0; how < 2; how++) {
    freer k = {NULL, 0};
    assert_int_equal(apic_group_new(f->client, APIC_GROUP_GATHER, &k.g), 0);
    if (how == 0)
      apic_group_set_progress(k.g, free_from_progress, &k);
    push_for(f, 0, 200, 0, 0);
    push_for(f, 1, 200, 3000, 0);
    push_for(f, 2, 200, 3000, 0);
    for (int i = 0; i < 3; i++) {
      char url[160];
      snprintf(url, sizeof url, "%s/%d", f->url, i);
      apic_request req = APIC_REQUEST_INIT;
      req.method = "GET";
      req.url = url;
      assert_int_equal(how == 0 ? apic_group_add(k.g, &req, NULL)
                                : apic_group_add_cb(k.g, &req, free_from_member, &k, NULL, NULL, NULL),
                       0);
    }
    for (int guard = 0; k.calls == 0 && guard < 100000; guard++)
      uv_run(apic_client_loop(f->client), UV_RUN_ONCE);
    settle(f);
    assert_int_equal(k.calls, 1);
  }
}

typedef struct inner {
  apic_client *client;
  apic_group *empty;
  int calls, wait_rc;
  char logged[512];
} inner;

/* A call's callback that waits (BUSY: the loop is running it) and then frees the client. */
static void wait_then_free(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  inner *k = ud;
  (void)call;
  (void)status;
  k->calls++;
  apic_response_free(resp);
  apic_error_free(err);
  k->wait_rc = apic_group_wait(k->empty);
  apic_group_free(k->empty);
  apic_client_free(k->client, 0);
}

static void keep_error_lines(void *ctx, int level, const char *line)
{
  inner *k = ctx;
  if (level == APIC_LOG_ERROR)
    snprintf(k->logged, sizeof k->logged, "%s", line);
}

static apic_call *start_get(apic_client *c, const char *url, apic_call_cb cb, void *ud)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  apic_call *call = NULL;
  assert_int_equal(apic_call_start(c, &req, cb, ud, &call, NULL), 0);
  return call;
}

/* apic_client_free from a callback on the client's own loop, which cannot be run again from
 * there: inside apic_call_wait the rest is cancelled and the client freed when the wait is done
 * with it; the wait functions called there fail BUSY. */
static void test_client_freed_from_a_callback(void **state)
{
  fixture *f = *state;
  inner k = {.client = f->client};
  f->client = NULL; /* the callback frees it */
  assert_int_equal(apic_group_new(k.client, APIC_GROUP_GATHER, &k.empty), 0);
  push_for(f, 0, 200, 0, 0);
  push_for(f, 1, 200, 3000, 0);
  char url[160];
  snprintf(url, sizeof url, "%s/0", f->url);
  start_get(k.client, url, wait_then_free, &k);
  snprintf(url, sizeof url, "%s/1", f->url);
  apic_call *held = start_get(k.client, url, NULL, NULL);
  apic_response *r = NULL;
  apic_error *e = NULL;
  assert_int_equal(apic_call_wait(held, &r, &e), APIC_ERR_CANCELLED);
  apic_error_free(e);
  assert_null(r);
  assert_int_equal(k.calls, 1);
  assert_int_equal(k.wait_rc, APIC_ERR_BUSY);
}

/* On its own loop run by the caller (uv_run on apic_client_loop), libapic has no moment to free
 * it after the callback: not freed, an error logged; freed once uv_run has returned. */
static void test_client_free_refused_inside_callers_run(void **state)
{
  fixture *f = *state;
  inner k = {0};
  apic_client_options o = {0};
  o.log = keep_error_lines;
  o.log_ctx = &k;
  assert_int_equal(apic_client_new(&o, &k.client, NULL), 0);
  assert_int_equal(apic_group_new(k.client, APIC_GROUP_GATHER, &k.empty), 0);
  push_for(f, 0, 200, 0, 0);
  char url[160];
  snprintf(url, sizeof url, "%s/0", f->url);
  start_get(k.client, url, wait_then_free, &k);
  for (int guard = 0; k.calls == 0 && guard < 100000; guard++)
    uv_run(apic_client_loop(k.client), UV_RUN_ONCE);
  assert_int_equal(k.wait_rc, APIC_ERR_BUSY);
  assert_non_null(strstr(k.logged, "not freed"));
  apic_client_free(k.client, 0);
}

int main(void)
{
  alarm(60); /* watchdog: a hang fails the suite instead of blocking it */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_get_ok, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_then_ok, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(test_idempotency_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_after_cap, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_after_date, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_concurrency_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_in_backoff, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gather, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fail_fast_and_progress, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_deadline, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wait_one, setup, teardown),
      cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_shutdown_in_flight, setup, teardown),
      cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
      cmocka_unit_test_setup_teardown(test_caller_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(test_queue_full, setup, teardown),
      cmocka_unit_test_setup_teardown(test_log_and_key_override, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_after_honoured, setup, teardown),
      cmocka_unit_test_setup_teardown(test_attempt_duration, setup, teardown),
      cmocka_unit_test_setup_teardown(test_body_growth, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_body, setup, teardown),
      cmocka_unit_test_setup_teardown(test_streaming, setup, teardown),
      cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_freed_from_its_callbacks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_client_freed_from_a_callback, setup, teardown),
      cmocka_unit_test_setup_teardown(test_client_free_refused_inside_callers_run, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
