/* Lazy page iteration, sync and async, against a local server whose pages name the next. */
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
#include "apic/page.h"
#include "rt_server.h"

typedef struct fixture {
  rt_server *srv;
  apic_client *client;
  char first[128];
  char next_url[160]; /* the next function's storage */
} fixture;

static const char *const bodies[] = {"{\"next\":\"/items/2\"}", "{\"next\":\"/items/3\"}", "{\"next\":null}"};

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  f->srv = rt_server_start();
  assert_non_null(f->srv);
  assert_int_equal(apic_client_new(NULL, &f->client, NULL), 0);
  snprintf(f->first, sizeof f->first, "%s/items/1", rt_server_url(f->srv));
  static const char *const paths[] = {"/items/1", "/items/2", "/items/3"};
  for (int i = 0; i < 3; i++) {
    rt_reply r = {200, NULL, bodies[i], 0, 0, paths[i], 0};
    rt_server_push(f->srv, &r);
  }
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

/* The cursor is the body's "next" path; null ends the pages. */
static int next_page(void *ud, const apic_response *page, const apic_request *prev, apic_request *next)
{
  fixture *f = ud;
  const char *body = apic_response_body(page, NULL);
  const char *at = strstr(body, "\"next\":\"");
  if (at == NULL)
    return 0;
  at += 8;
  const char *end = strchr(at, '"');
  if (end == NULL)
    return APIC_ERR_DECODE;
  snprintf(f->next_url, sizeof f->next_url, "%s%.*s", rt_server_url(f->srv), (int)(end - at), at);
  *next = *prev;
  next->url = f->next_url;
  return 1;
}

static void test_sync_pages(void **state)
{
  fixture *f = *state;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->first;
  apic_pager *p;
  assert_int_equal(apic_pager_new(f->client, &req, next_page, f, &p), 0);
  int n = 0;
  while (!apic_pager_done(p)) {
    apic_response *page;
    apic_error *err;
    assert_int_equal(apic_pager_next(p, &page, &err), 0);
    assert_non_null(page);
    assert_string_equal(apic_response_body(page, NULL), bodies[n]);
    apic_response_free(page);
    n++;
    assert_true(n <= 3);
  }
  assert_int_equal(n, 3);
  assert_int_equal(rt_server_count(f->srv), 3);
  apic_response *page;
  apic_error *err;
  assert_int_equal(apic_pager_next(p, &page, &err), 0); /* past the end: nothing */
  assert_null(page);
  apic_pager_free(p);
}

typedef struct walk {
  apic_pager *p;
  int pages;
  int code;
  int finished;
} walk;

static void on_page(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  walk *w = ud;
  (void)call;
  w->code = status;
  if (resp != NULL) {
    assert_string_equal(apic_response_body(resp, NULL), bodies[w->pages]);
    w->pages++;
  }
  apic_response_free(resp);
  apic_error_free(err);
  if (status == 0 && !apic_pager_done(w->p))
    assert_int_equal(apic_pager_next_async(w->p, on_page, w, NULL, NULL), 0);
  else
    w->finished = 1;
}

static void test_async_pages(void **state)
{
  fixture *f = *state;
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = f->first;
  walk w = {NULL, 0, 0, 0};
  assert_int_equal(apic_pager_new(f->client, &req, next_page, f, &w.p), 0);
  assert_int_equal(apic_pager_next_async(w.p, on_page, &w, NULL, NULL), 0);
  assert_int_equal(apic_pager_next_async(w.p, on_page, &w, NULL, NULL), APIC_ERR_INVALID_ARG); /* one at a time */
  for (int guard = 0; !w.finished && guard < 100000; guard++)
    uv_run(apic_client_loop(f->client), UV_RUN_ONCE);
  assert_int_equal(w.code, 0);
  assert_int_equal(w.pages, 3);
  assert_true(apic_pager_done(w.p));
  apic_pager_free(w.p);
}

static void test_page_error_ends(void **state)
{
  fixture *f = *state;
  char url[160];
  snprintf(url, sizeof url, "%s/missing", rt_server_url(f->srv));
  rt_reply r = {404, NULL, "{}", 0, 0, "/missing", 0};
  rt_server_push(f->srv, &r);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  apic_pager *p;
  assert_int_equal(apic_pager_new(f->client, &req, next_page, f, &p), 0);
  apic_response *page;
  apic_error *err;
  assert_int_equal(apic_pager_next(p, &page, &err), APIC_ERR_HTTP);
  assert_int_equal(apic_error_status(err), 404);
  assert_true(apic_pager_done(p));
  apic_error_free(err);
  apic_pager_free(p);
}

int main(void)
{
  alarm(60); /* watchdog: a hang fails the suite instead of blocking it */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sync_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_async_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_page_error_ends, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
