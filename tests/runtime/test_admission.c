/* Admission across threads: sync calls count against max_concurrency with async ones (the
 * server counts requests in progress at once), async calls wait for slots sync calls hold, a
 * sync call from inside a callback does not deadlock, and apic_client_post hands work to the
 * loop thread. Counts and order, never wall times. */
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

static void push_delay(fixture *f, unsigned delay_ms)
{
  rt_reply r = {200, NULL, NULL, delay_ms, 0, NULL, 0};
  rt_server_push(f->srv, &r);
}

static void sleep_ms(unsigned ms)
{
  uv_sleep(ms);
}

/* Polls the server's count (sync calls on other threads make progress without our loop). */
static void wait_count(fixture *f, unsigned n)
{
  for (int guard = 0; rt_server_count(f->srv) < n && guard < 5000; guard++)
    sleep_ms(2);
  assert_true(rt_server_count(f->srv) >= n);
}

static int sync_get(apic_client *c, const char *url)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  apic_response *r = NULL;
  apic_error *e = NULL;
  int rc = apic_client_send(c, &req, &r, &e);
  int status = rc == 0 ? apic_response_status(r) : -rc;
  apic_response_free(r);
  apic_error_free(e);
  return status;
}

static void *sync_thread(void *arg)
{
  fixture *f = arg;
  return (void *)(intptr_t)sync_get(f->client, f->url);
}

static void join_all(pthread_t *t, int n, int want)
{
  for (int i = 0; i < n; i++) {
    void *status;
    pthread_join(t[i], &status);
    assert_int_equal((intptr_t)status, want);
  }
}

/* Six threads, three slots: never more than three requests at the server at once. */
static void test_sync_calls_share_the_limit(void **state)
{
  fixture *f = *state;
  for (int i = 0; i < 6; i++)
    push_delay(f, 60);
  pthread_t t[6];
  for (int i = 0; i < 6; i++)
    assert_int_equal(pthread_create(&t[i], NULL, sync_thread, f), 0);
  join_all(t, 6, 200);
  assert_int_equal(rt_server_count(f->srv), 6);
  assert_in_range(rt_server_peak(f->srv), 2, 3);
}

typedef struct outcome {
  int calls;
  int code;
} outcome;

static void on_done(apic_call *call, int code, apic_response *resp, apic_error *err, void *ud)
{
  outcome *o = ud;
  (void)call;
  o->calls++;
  o->code = code;
  apic_response_free(resp);
  apic_error_free(err);
}

static void start(fixture *f, apic_client *c, outcome *o)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  assert_int_equal(apic_call_start(c, &req, on_done, o, NULL, NULL), 0);
}

/* Async calls hold every slot; a sync call on another thread waits for one of them to end. */
static void test_sync_waits_for_async_slots(void **state)
{
  fixture *f = *state;
  outcome os[3] = {{0}};
  for (int i = 0; i < 3; i++) {
    push_delay(f, 100);
    start(f, f->client, &os[i]);
  }
  uv_loop_t *loop = apic_client_loop(f->client);
  for (int guard = 0; rt_server_count(f->srv) < 3 && guard < 100000; guard++)
    uv_run(loop, UV_RUN_NOWAIT);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, sync_thread, f), 0);
  while (os[0].calls + os[1].calls + os[2].calls < 3)
    uv_run(loop, UV_RUN_ONCE);
  join_all(&t, 1, 200);
  assert_int_equal(rt_server_count(f->srv), 4);
  assert_in_range(rt_server_peak(f->srv), 2, 3);
}

/* Sync calls on three threads hold every slot; an async call waits on the owned loop (kept
 * alive by the client's wakeup) and starts when a sync thread frees a slot. */
static void test_async_waits_for_sync_slots(void **state)
{
  fixture *f = *state;
  for (int i = 0; i < 3; i++)
    push_delay(f, 100);
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    assert_int_equal(pthread_create(&t[i], NULL, sync_thread, f), 0);
  wait_count(f, 3);
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
  join_all(t, 3, 200);
  assert_int_equal(rt_server_count(f->srv), 4);
  assert_in_range(rt_server_peak(f->srv), 2, 3);
}

/* The same on a caller's loop: uv_run(UV_RUN_DEFAULT) must not return while the async call
 * waits for a slot (nothing of libapic's is active then but the wakeup, referenced meanwhile),
 * and returns once it is done (the wakeup unreferenced again). */
static void test_caller_loop_waits_for_sync_slots(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  apic_client_options o = {0};
  o.loop = &loop;
  o.max_concurrency = 3;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  fixture mine = *f;
  mine.client = c;
  for (int i = 0; i < 3; i++)
    push_delay(f, 100);
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    assert_int_equal(pthread_create(&t[i], NULL, sync_thread, &mine), 0);
  wait_count(f, 3);
  outcome out = {0, 0};
  start(f, c, &out);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(out.calls, 1);
  assert_int_equal(out.code, 0);
  join_all(t, 3, 200);
  assert_in_range(rt_server_peak(f->srv), 2, 3);
  apic_client_free(c, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
}

typedef struct nested {
  fixture *f;
  int status;
} nested;

static void on_done_then_send(apic_call *call, int code, apic_response *resp, apic_error *err, void *ud)
{
  nested *n = ud;
  (void)call;
  (void)code;
  apic_response_free(resp);
  apic_error_free(err);
  n->status = sync_get(n->f->client, n->f->url);
}

/* One slot, two async calls: when the first completes the second holds the slot, and a sync
 * call from the first's callback must not wait for it (only this loop could free it). */
static void test_sync_from_callback(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.max_concurrency = 1;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  push_delay(f, 0);
  push_delay(f, 200);
  nested n = {f, 0};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->url;
  assert_int_equal(apic_call_start(c, &req, on_done_then_send, &n, NULL, NULL), 0);
  outcome second = {0};
  start(f, c, &second);
  while (second.calls == 0)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(n.status, 200);
  assert_int_equal(second.code, 0);
  assert_int_equal(rt_server_count(f->srv), 3);
  apic_client_free(c, 0);
}

/* apic_client_post from another thread onto a caller's loop. */
typedef struct posted {
  fixture *f;
  apic_client *c;
  uv_thread_t loop_thread;
  int order[8];
  int n_run;
  int wrong_thread;
  outcome calls[8];
  uv_timer_t keep_alive;
} posted;

typedef struct post_arg {
  posted *p;
  int i;
} post_arg;

static void start_from_post(apic_client *c, void *ud)
{
  post_arg *a = ud;
  posted *p = a->p;
  uv_thread_t self = uv_thread_self();
  p->wrong_thread += !uv_thread_equal(&self, &p->loop_thread);
  p->order[p->n_run++] = a->i;
  start(p->f, c, &p->calls[a->i]);
}

static void *poster(void *arg)
{
  static post_arg args[8];
  posted *p = arg;
  for (int i = 0; i < 8; i++) {
    args[i] = (post_arg){p, i};
    if (apic_client_post(p->c, start_from_post, &args[i]) != 0)
      return (void *)1;
  }
  return NULL;
}

static int all_done(const posted *p)
{
  int done = 0;
  for (int i = 0; i < 8; i++)
    done += p->calls[i].calls;
  return done == 8;
}

static void on_keep_alive(uv_timer_t *t)
{
  posted *p = t->data;
  if (all_done(p))
    uv_timer_stop(t);
}

static void test_post_from_thread(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  apic_client_options o = {0};
  o.loop = &loop;
  posted p = {.f = f, .loop_thread = uv_thread_self()};
  assert_int_equal(apic_client_new(&o, &p.c, NULL), 0);
  uv_timer_init(&loop, &p.keep_alive); /* the loop runs until the posted calls are done */
  p.keep_alive.data = &p;
  uv_timer_start(&p.keep_alive, on_keep_alive, 5, 5);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, poster, &p), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  void *rc;
  pthread_join(t, &rc);
  assert_null(rc);
  assert_int_equal(p.n_run, 8);
  assert_int_equal(p.wrong_thread, 0);
  for (int i = 0; i < 8; i++) {
    assert_int_equal(p.order[i], i); /* posts run in order */
    assert_int_equal(p.calls[i].calls, 1);
    assert_int_equal(p.calls[i].code, 0);
  }
  assert_int_equal(rt_server_count(f->srv), 8);
  uv_close((uv_handle_t *)&p.keep_alive, NULL);
  apic_client_free(p.c, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
}

typedef struct late {
  int runs;
  int start_rc;
} late;

static void start_late(apic_client *c, void *ud)
{
  late *l = ud;
  l->runs++;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = "http://127.0.0.1:1/x";
  l->start_rc = apic_call_start(c, &req, NULL, NULL, NULL, NULL);
}

/* A post pending when the client is freed runs once, during the free, and its start fails
 * SHUTDOWN; a post after the free began is refused. */
static void test_post_at_shutdown(void **state)
{
  (void)state;
  apic_client *c;
  assert_int_equal(apic_client_new(NULL, &c, NULL), 0);
  late l = {0, 0};
  assert_int_equal(apic_client_post(c, start_late, &l), 0);
  assert_int_equal(apic_client_post(NULL, start_late, &l), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_client_post(c, NULL, &l), APIC_ERR_INVALID_ARG);
  apic_client_free(c, 0);
  assert_int_equal(l.runs, 1);
  assert_int_equal(l.start_rc, APIC_ERR_SHUTDOWN);
}

/* A sync call that would wait behind a full queue fails QUEUE_FULL at once. */
static void test_sync_queue_full(void **state)
{
  fixture *f = *state;
  apic_client_options o = {0};
  o.max_concurrency = 1;
  o.max_queue = 1;
  apic_client *c;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  push_delay(f, 100);
  push_delay(f, 0);
  outcome os[2] = {{0}};
  start(f, c, &os[0]); /* in flight */
  start(f, c, &os[1]); /* queued: the queue is full */
  assert_int_equal(sync_get(c, f->url), -APIC_ERR_QUEUE_FULL);
  while (os[0].calls + os[1].calls < 2)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(os[0].code, 0);
  assert_int_equal(os[1].code, 0);
  assert_int_equal(rt_server_count(f->srv), 2);
  apic_client_free(c, 0);
}

int main(void)
{
  alarm(60); /* watchdog: a deadlock fails the suite instead of blocking it */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sync_calls_share_the_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_waits_for_async_slots, setup, teardown),
      cmocka_unit_test_setup_teardown(test_async_waits_for_sync_slots, setup, teardown),
      cmocka_unit_test_setup_teardown(test_caller_loop_waits_for_sync_slots, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_from_callback, setup, teardown),
      cmocka_unit_test_setup_teardown(test_post_from_thread, setup, teardown),
      cmocka_unit_test_setup_teardown(test_post_at_shutdown, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_queue_full, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
