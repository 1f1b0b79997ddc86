/* The test server, driven by plain libcurl: scripted replies arrive as scripted on the wire
 * and requests are recorded as sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "test_server.h"

typedef struct fetched {
  CURLcode rc;
  long status;
  char body[4096];
  size_t len;
  char header[256]; /* value of X-Test, if sent */
} fetched;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
  fetched *f = ud;
  size_t len = size * n;
  if (f->len + len >= sizeof f->body)
    return 0;
  memcpy(f->body + f->len, p, len);
  f->len += len;
  f->body[f->len] = '\0';
  return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
  fetched *f = ud;
  size_t len = size * n;
  if (len > 8 && strncmp(p, "X-Test: ", 8) == 0 && len - 8 < sizeof f->header) {
    memcpy(f->header, p + 8, len - 8);
    f->header[strcspn(f->header, "\r\n")] = '\0';
  }
  return len;
}

static CURL *easy_for(test_server *s, const char *method, const char *path, const char *body,
                      fetched *f, long timeout_ms)
{
  char url[512];
  snprintf(url, sizeof url, "%s%s", test_server_url(s), path);
  CURL *e = curl_easy_init();
  memset(f, 0, sizeof *f);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  if (body)
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  return e;
}

static CURLcode fetch(test_server *s, const char *method, const char *path, const char *body,
                      struct curl_slist *hdrs, fetched *f)
{
  CURL *e = easy_for(s, method, path, body, f, 10000);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
  f->rc = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &f->status);
  curl_easy_cleanup(e);
  return f->rc;
}

static int setup(void **state)
{
  *state = test_server_start();
  return *state ? 0 : -1;
}

static int teardown(void **state)
{
  test_server_stop(*state);
  return 0;
}

static void test_default_reply_and_url(void **state)
{
  test_server *s = *state;
  fetched f;
  assert_true(test_server_port(s) > 0);
  assert_non_null(strstr(test_server_url(s), "http://127.0.0.1:"));
  assert_int_equal(fetch(s, "GET", "/anything", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 200);
  assert_string_equal(f.body, "{}");
  assert_int_equal(test_server_request_count(s), 1);
}

static void test_scripts_fifo_by_method_and_path(void **state)
{
  test_server *s = *state;
  fetched f;
  test_server_expect(s, "GET /a", &(test_reply){.status = 201, .body = "one",
                                                .headers = "X-Test: first\n"});
  test_server_expect(s, "GET /a", &(test_reply){.status = 202, .body = "two"});
  test_server_expect(s, "POST *", &(test_reply){.status = 404, .body = "any"});
  assert_int_equal(fetch(s, "GET", "/b", NULL, NULL, &f), CURLE_OK); /* no script: default */
  assert_string_equal(f.body, "{}");
  assert_int_equal(fetch(s, "GET", "/a?x=1", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 201);
  assert_string_equal(f.body, "one");
  assert_string_equal(f.header, "first");
  assert_int_equal(fetch(s, "POST", "/zzz", "", NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 404);
  assert_int_equal(fetch(s, "GET", "/a", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 202);
  assert_int_equal(fetch(s, "GET", "/a", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 200);
}

static void test_default_can_be_set_and_reset(void **state)
{
  test_server *s = *state;
  fetched f;
  test_server_set_default(s, &(test_reply){.status = 503, .body = "down"});
  assert_int_equal(fetch(s, "GET", "/", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 503);
  assert_string_equal(f.body, "down");
  test_server_reset(s);
  assert_int_equal(test_server_request_count(s), 0);
  assert_int_equal(fetch(s, "GET", "/", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.status, 200);
}

static void test_requests_are_recorded_as_sent(void **state)
{
  test_server *s = *state;
  fetched f;
  struct curl_slist *h = curl_slist_append(NULL, "Idempotency-Key: k-42");
  assert_int_equal(fetch(s, "POST", "/tasks/a%2Fb?q=a%26b&r=%20", "{\"x\":1}", h, &f), CURLE_OK);
  curl_slist_free_all(h);
  assert_int_equal(fetch(s, "DELETE", "/tasks/t1", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(test_server_request_count(s), 2);
  test_request q;
  assert_int_equal(test_server_request(s, 0, &q), 0);
  assert_string_equal(q.method, "POST");
  assert_string_equal(q.path, "/tasks/a%2Fb");
  assert_string_equal(q.query, "q=a%26b&r=%20");
  assert_int_equal(q.body_len, 7);
  assert_string_equal(q.body, "{\"x\":1}");
  assert_string_equal(test_request_header(&q, "idempotency-key"), "k-42");
  assert_null(test_request_header(&q, "X-Absent"));
  assert_int_equal(test_server_request(s, 1, &q), 0);
  assert_string_equal(q.method, "DELETE");
  assert_string_equal(q.query, "");
  assert_int_equal(q.body_len, 0);
  assert_int_equal(test_server_request(s, 2, &q), -1);
}

static void test_chunks_stall_and_binary_body_arrive_whole(void **state)
{
  test_server *s = *state;
  fetched f;
  static const char *const chunks[] = {"data: 1\n", "", "\n", "data: 2\n\n", NULL};
  test_server_expect(s, "GET /sse", &(test_reply){.chunks = chunks, .chunk_delay_ms = 20,
                                                  .headers = "Content-Type: text/event-stream\n"});
  assert_int_equal(fetch(s, "GET", "/sse", NULL, NULL, &f), CURLE_OK);
  assert_string_equal(f.body, "data: 1\n\ndata: 2\n\n");
  test_server_expect(s, "GET /slow", &(test_reply){.body = "abcdefgh", .stall_ms = 50});
  assert_int_equal(fetch(s, "GET", "/slow", NULL, NULL, &f), CURLE_OK);
  assert_string_equal(f.body, "abcdefgh");
  test_server_expect(s, "GET /bin", &(test_reply){.body = "a\0b", .body_len = 3});
  assert_int_equal(fetch(s, "GET", "/bin", NULL, NULL, &f), CURLE_OK);
  assert_int_equal(f.len, 3);
  assert_memory_equal(f.body, "a\0b", 3);
}

static void test_failures_as_scripted(void **state)
{
  test_server *s = *state;
  fetched f;
  test_server_expect(s, "GET /t", &(test_reply){.body = "0123456789", .truncate = 4});
  assert_int_equal(fetch(s, "GET", "/t", NULL, NULL, &f), CURLE_PARTIAL_FILE);
  assert_int_equal(f.len, 4);
  test_server_expect(s, "GET /d", &(test_reply){.drop = 1});
  assert_int_equal(fetch(s, "GET", "/d", NULL, NULL, &f), CURLE_GOT_NOTHING);
  test_server_expect(s, "GET /h", &(test_reply){.hang = 1});
  CURL *e = easy_for(s, "GET", "/h", NULL, &f, 200);
  assert_int_equal(curl_easy_perform(e), CURLE_OPERATION_TIMEDOUT);
  curl_easy_cleanup(e);
  assert_int_equal(fetch(s, "GET", "/after", NULL, NULL, &f), CURLE_OK); /* still serving */
}

/* Four delayed replies fetched in parallel overlap on the server, and all four arrive. */
static void test_slow_replies_do_not_block_others(void **state)
{
  test_server *s = *state;
  enum { N = 4 };
  fetched f[N];
  CURL *e[N];
  CURLM *m = curl_multi_init();
  for (int i = 0; i < N; i++) {
    test_server_expect(s, "GET /slow", &(test_reply){.body = "ok", .delay_ms = 300});
    e[i] = easy_for(s, "GET", "/slow", NULL, &f[i], 10000);
    curl_multi_add_handle(m, e[i]);
  }
  int running = 1;
  for (int rounds = 0; running && rounds < 10000; rounds++) {
    curl_multi_perform(m, &running);
    curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  assert_int_equal(running, 0);
  for (int i = 0; i < N; i++) {
    assert_string_equal(f[i].body, "ok");
    curl_multi_remove_handle(m, e[i]);
    curl_easy_cleanup(e[i]);
  }
  curl_multi_cleanup(m);
  assert_int_equal(test_server_peak_concurrency(s), N);
}

/* A reply that hangs forever does not keep stop from returning. */
static void test_stop_ends_a_hanging_reply(void **state)
{
  (void)state;
  test_server *s = test_server_start();
  assert_non_null(s);
  test_server_expect(s, "GET *", &(test_reply){.hang = 1});
  fetched f;
  CURL *e = easy_for(s, "GET", "/x", NULL, &f, 10000);
  CURLM *m = curl_multi_init();
  curl_multi_add_handle(m, e);
  int running = 1;
  for (int i = 0; i < 50 && test_server_request_count(s) == 0; i++) {
    curl_multi_perform(m, &running);
    curl_multi_poll(m, NULL, 0, 20, NULL);
  }
  assert_int_equal(test_server_request_count(s), 1);
  test_server_stop(s); /* returns: the hanging handler notices within milliseconds */
  for (int i = 0; i < 500 && running; i++) {
    curl_multi_perform(m, &running);
    curl_multi_poll(m, NULL, 0, 20, NULL);
  }
  assert_int_equal(running, 0); /* the client saw the connection close */
  curl_multi_remove_handle(m, e);
  curl_easy_cleanup(e);
  curl_multi_cleanup(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_default_reply_and_url, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scripts_fifo_by_method_and_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_can_be_set_and_reset, setup, teardown),
      cmocka_unit_test_setup_teardown(test_requests_are_recorded_as_sent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_chunks_stall_and_binary_body_arrive_whole, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_failures_as_scripted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_slow_replies_do_not_block_others, setup, teardown),
      cmocka_unit_test(test_stop_ends_a_hanging_reply),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
