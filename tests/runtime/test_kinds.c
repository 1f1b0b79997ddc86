/* Every way a call can fail ends with its own code (docs/runtime.md, "Error codes"), against
 * real servers: redirects (not followed by default; followed with max_redirects, credentials
 * never carried to another origin), a success without the body an operation returns, a
 * connection lost mid-body, oversized requests and response headers, malformed URLs, and
 * Retry-After values out of range. */
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
#include "apic/op.h"
#include "rt_raw.h"
#include "rt_server.h"

typedef struct log_seen {
  char text[4096];
  size_t len;
} log_seen;

static void on_log(void *ctx, int level, const char *line)
{
  log_seen *l = ctx;
  (void)level;
  int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s\n", line);
  if (n > 0 && (size_t)n < sizeof l->text - l->len)
    l->len += (size_t)n;
}

static apic_client *client(unsigned max_redirects, log_seen *log)
{
  apic_client_options o = {0};
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 1;
  o.max_redirects = max_redirects;
  o.log = log != NULL ? on_log : NULL;
  o.log_ctx = log;
  apic_client *c = NULL;
  assert_int_equal(apic_client_new(&o, &c, NULL), 0);
  return c;
}

static int send_to(apic_client *c, const char *method, const char *url, const char *const *headers, size_t n,
                   apic_response **r, apic_error **e)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.n_headers = n;
  if (strcmp(method, "GET") != 0) {
    req.body = "{\"a\":1}";
    req.body_len = 7;
    req.idempotent = 1;
  }
  *r = NULL;
  *e = NULL;
  return apic_client_send(c, &req, r, e);
}

static void push(rt_server *s, int status, const char *headers, const char *path)
{
  rt_reply r = {status, headers, NULL, 0, 0, path, 0};
  rt_server_push(s, &r);
}

/* Not followed by default: a 302 or a 307 ends the call REDIRECT, once (never retried), with the
 * status and the Location; so does a 3xx without one. A 304 is a response. */
static void test_redirect_not_followed(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  push(srv, 302, "Location: /elsewhere?sig=s3cr3t\n", NULL);
  push(srv, 307, "Location: http://127.0.0.1:1/moved\n", NULL);
  push(srv, 301, NULL, NULL);
  push(srv, 304, NULL, NULL);
  apic_client *c = client(0, NULL);
  char url[128], want[160];
  snprintf(url, sizeof url, "%s/start", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_REDIRECT);
  assert_int_equal(apic_error_status(e), 302);
  assert_int_equal(apic_error_attempts(e), 1);
  assert_string_equal(apic_error_header(e, "Location"), "/elsewhere?sig=s3cr3t");
  snprintf(want, sizeof want, "status 302 to %s/elsewhere not followed (max_redirects is 0)", rt_server_url(srv));
  assert_string_equal(apic_error_message(e), want); /* resolved, its query left out */
  apic_error_free(e);
  assert_int_equal(send_to(c, "PUT", url, NULL, 0, &r, &e), APIC_ERR_REDIRECT);
  assert_int_equal(apic_error_status(e), 307);
  assert_string_equal(apic_error_header(e, "location"), "http://127.0.0.1:1/moved");
  apic_error_free(e);
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_REDIRECT);
  assert_string_equal(apic_error_message(e), "status 301 without a Location");
  apic_error_free(e);
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), 0);
  assert_int_equal(apic_response_status(r), 304);
  apic_response_free(r);
  assert_int_equal(rt_server_count(srv), 4);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

static const char *const CREDENTIALED[] = {"Authorization: Bearer s3cr3t", "X-Api-Key: k3y", "Cookie: session=c00kie",
                                           "X-Trace: t1", "Accept: application/json",
                                           "Content-Type: application/json"};
enum { N_CREDENTIALED = sizeof CREDENTIALED / sizeof CREDENTIALED[0] };

static void header_of(rt_server *s, unsigned i, const char *name, char *out, size_t size)
{
  rt_server_header(s, i, name, out, size);
}

/* Followed to another origin (another port), a 307 repeats the POST with its body headers but
 * without Authorization, the API key, the cookie or any header not known to be harmless; the
 * Idempotency-Key and the User-Agent go along. Logs show where, without the query. */
static void test_redirect_to_other_origin(void **state)
{
  (void)state;
  rt_server *a = rt_server_start(), *b = rt_server_start();
  assert_non_null(a);
  assert_non_null(b);
  char location[160], url[128], v[128];
  snprintf(location, sizeof location, "Location: %s/landing?sig=s3cr3t\n", rt_server_url(b));
  push(a, 307, location, NULL);
  log_seen log = {"", 0};
  apic_client *c = client(3, &log);
  snprintf(url, sizeof url, "%s/start", rt_server_url(a));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "POST", url, CREDENTIALED, N_CREDENTIALED, &r, &e), 0);
  assert_int_equal(apic_response_status(r), 200);
  assert_int_equal(apic_response_attempts(r), 1); /* a hop is not a retry */
  apic_response_free(r);
  assert_int_equal(rt_server_count(a), 1);
  assert_int_equal(rt_server_count(b), 1);
  header_of(a, 0, "X-Api-Key", v, sizeof v);
  assert_string_equal(v, "k3y"); /* the first request had them all */
  rt_server_method(b, 0, v, sizeof v);
  assert_string_equal(v, "POST");
  const char *dropped[] = {"Authorization", "X-Api-Key", "Cookie", "X-Trace"};
  for (size_t i = 0; i < 4; i++) {
    header_of(b, 0, dropped[i], v, sizeof v);
    assert_string_equal(v, "");
  }
  header_of(b, 0, "Accept", v, sizeof v);
  assert_string_equal(v, "application/json");
  header_of(b, 0, "Content-Type", v, sizeof v);
  assert_string_equal(v, "application/json");
  char key_a[64], key_b[64];
  header_of(a, 0, "Idempotency-Key", key_a, sizeof key_a);
  header_of(b, 0, "Idempotency-Key", key_b, sizeof key_b);
  assert_int_equal(strlen(key_a), 32);
  assert_string_equal(key_a, key_b);
  header_of(b, 0, "User-Agent", v, sizeof v);
  assert_memory_equal(v, "apic/", 5);
  snprintf(v, sizeof v, "redirected to %s/landing (", rt_server_url(b));
  assert_non_null(strstr(log.text, v));
  assert_null(strstr(log.text, "s3cr3t"));
  apic_client_free(c, 0);
  rt_server_stop(a);
  rt_server_stop(b);
}

/* On the same origin every header goes along; a 302 after a POST and a 303 after a PUT fetch the
 * target with GET, without the body or its Content-Type; past max_redirects the call ends
 * REDIRECT with the last status. */
static void test_redirect_same_origin(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  push(srv, 302, "Location: /second\n", "/first");
  push(srv, 303, "Location: /third\n", "/put");
  for (int i = 0; i < 4; i++)
    push(srv, 302, "Location: /loop\n", "/loop");
  apic_client *c = client(2, NULL);
  char url[128], v[128];
  snprintf(url, sizeof url, "%s/first", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "POST", url, CREDENTIALED, N_CREDENTIALED, &r, &e), 0);
  apic_response_free(r);
  rt_server_request(srv, 1, v, sizeof v, NULL, 0);
  assert_string_equal(v, "/second");
  rt_server_method(srv, 1, v, sizeof v);
  assert_string_equal(v, "GET");
  header_of(srv, 1, "Authorization", v, sizeof v);
  assert_string_equal(v, "Bearer s3cr3t");
  header_of(srv, 1, "X-Api-Key", v, sizeof v);
  assert_string_equal(v, "k3y");
  header_of(srv, 1, "Content-Type", v, sizeof v);
  assert_string_equal(v, "");

  snprintf(url, sizeof url, "%s/put", rt_server_url(srv));
  assert_int_equal(send_to(c, "PUT", url, NULL, 0, &r, &e), 0);
  apic_response_free(r);
  rt_server_method(srv, 3, v, sizeof v);
  assert_string_equal(v, "GET");

  snprintf(url, sizeof url, "%s/loop", rt_server_url(srv));
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_REDIRECT);
  assert_int_equal(apic_error_status(e), 302);
  assert_non_null(strstr(apic_error_message(e), "too many redirects"));
  apic_error_free(e);
  assert_int_equal(rt_server_count(srv), 4 + 3); /* the first request and two hops */
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

/* Fails the Nth libapic allocation. */
typedef struct failing {
  unsigned count, fail_at, failed;
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

/* Every allocation of a client and a call that follows a redirect, failed in turn: an error or
 * the answer, never a crash or a leak (ASan and valgrind watch). A fresh server every 50 runs:
 * one holds 64 scripted replies, and a run that fails early leaves its own unused. */
static void test_redirect_alloc_failures(void **state)
{
  (void)state;
  failing a;
  apic_allocator hooks = {f_malloc, f_realloc, f_free, &a};
  rt_server *srv = NULL;
  char url[128];
  unsigned n;
  for (n = 1; n < 2000; n++) {
    if (n % 50 == 1) {
      rt_server_stop(srv);
      srv = rt_server_start();
      assert_non_null(srv);
      snprintf(url, sizeof url, "%s/a", rt_server_url(srv));
    }
    push(srv, 307, "Location: /b\n", "/a");
    a = (failing){0, n, 0};
    assert_int_equal(apic_set_allocator(&hooks), 0);
    apic_client_options o = {0};
    o.max_redirects = 1;
    apic_client *c = NULL;
    apic_response *r = NULL;
    apic_error *e = NULL;
    int rc = apic_client_new(&o, &c, &e);
    if (rc == 0) {
      rc = send_to(c, "GET", url, NULL, 0, &r, &e);
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
  rt_server_stop(srv);
  assert_true(n > 10 && n < 2000);
}

typedef struct thing {
  const char *id;
} thing;
static const apic_field_desc THING_FIELDS[] = {
    {.name = "id", .wire = "id", .type = &apic_t_string, .offset = offsetof(thing, id), .flags = APIC_F_OPTIONAL},
};
static const apic_model_desc THING = {"Thing", sizeof(thing), THING_FIELDS, 1, {APIC_T_MODEL, &THING, NULL, NULL, 0, 0}};
static const apic_op_desc GET_THING = {.name = "things.get", .method = "GET", .path = "/thing",
                                       .result_kind = APIC_RESULT_VALUE, .result = &THING.type, .retries = -1};
static const apic_op_desc DELETE_THING = {.name = "things.delete", .method = "DELETE", .path = "/thing",
                                          .result_kind = APIC_RESULT_NONE, .retries = -1};

/* A 204, or a 200 with an empty body, where the operation returns a model: NO_BODY with the
 * status. For an operation that returns nothing, a 204 is success. */
static void test_no_body(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply empty204 = {204, NULL, "", 0, 0, NULL, 0}, empty200 = {200, NULL, "", 0, 0, NULL, 0};
  rt_server_push(srv, &empty204);
  rt_server_push(srv, &empty200);
  rt_server_push(srv, &empty204);
  apic_api_options o = {.base_url = rt_server_url(srv)};
  apic_api *api = NULL;
  assert_int_equal(apic_api_new(&o, &api, NULL), 0);
  void *t = NULL;
  apic_error *e = NULL;
  assert_int_equal(apic_op_call(api, &GET_THING, NULL, NULL, &t, &e), APIC_ERR_NO_BODY);
  assert_null(t);
  assert_int_equal(apic_error_code(e), APIC_ERR_NO_BODY);
  assert_int_equal(apic_error_status(e), 204);
  assert_non_null(strstr(apic_error_message(e), "things.get: status 204"));
  apic_error_free(e);
  assert_int_equal(apic_op_call(api, &GET_THING, NULL, NULL, &t, &e), APIC_ERR_NO_BODY);
  assert_int_equal(apic_error_status(e), 200);
  apic_error_free(e);
  assert_int_equal(apic_op_call(api, &DELETE_THING, NULL, NULL, NULL, &e), 0);
  assert_null(e);
  apic_api_free(api, 0);
  assert_int_equal(rt_server_count(srv), 3); /* not retried */
  rt_server_stop(srv);
}

/* A connection lost mid-body, by a reset or by a close before the announced length, is
 * CONNECTION_LOST, and retried like any dropped transfer. */
static void test_connection_lost(void **state)
{
  (void)state;
  rt_raw *raw = rt_raw_start("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 1000, 1);
  assert_non_null(raw);
  apic_client *c = client(0, NULL);
  char url[128];
  snprintf(url, sizeof url, "%s/reset", rt_raw_url(raw));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_CONNECTION_LOST);
  assert_int_equal(apic_error_code(e), APIC_ERR_CONNECTION_LOST);
  assert_int_equal(apic_error_attempts(e), 3);
  apic_error_free(e);
  rt_raw_stop(raw);
  raw = rt_raw_start("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", 10, 0);
  assert_non_null(raw);
  snprintf(url, sizeof url, "%s/short", rt_raw_url(raw));
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_CONNECTION_LOST);
  apic_error_free(e);
  assert_int_equal(rt_raw_count(raw), 3);
  rt_raw_stop(raw);
  apic_client_free(c, 0);
}

/* A 50 MB header line, or many lines past the bound together: TOO_LARGE, not OUT_OF_MEMORY,
 * and not retried (it would come again). */
static void test_response_head_too_large(void **state)
{
  (void)state;
  rt_raw *raw = rt_raw_start("HTTP/1.1 200 OK\r\nX-Big: ", (size_t)50 << 20, 0);
  assert_non_null(raw);
  apic_client *c = client(0, NULL);
  char url[128];
  snprintf(url, sizeof url, "%s/big", rt_raw_url(raw));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_TOO_LARGE);
  assert_int_equal(apic_error_attempts(e), 1);
  assert_non_null(strstr(apic_error_message(e), "response headers larger than"));
  apic_error_free(e);
  rt_raw_stop(raw);
  static char many[300 * 1024 + 64];
  size_t used = (size_t)snprintf(many, sizeof many, "HTTP/1.1 200 OK\r\n");
  for (int i = 0; used + 128 < sizeof many; i++) /* about 5,000 lines of 60 bytes */
    used += (size_t)snprintf(many + used, sizeof many - used, "X-H%d: %040d\r\n", i, i);
  snprintf(many + used, sizeof many - used, "\r\n");
  raw = rt_raw_start(many, 0, 0);
  assert_non_null(raw);
  snprintf(url, sizeof url, "%s/many", rt_raw_url(raw));
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_TOO_LARGE);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  rt_raw_stop(raw);
  apic_client_free(c, 0);
}

/* A 1 MB query value or header: INVALID_ARG before anything is sent (not OUT_OF_MEMORY from
 * libcurl), async too (the callback never runs). */
static void test_request_too_large(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  apic_client *c = client(0, NULL);
  size_t big = (size_t)1 << 20;
  char *url = malloc(big + 128), *header = malloc(big + 16);
  int n = snprintf(url, 128, "%s/q?v=", rt_server_url(srv));
  memset(url + n, 'b', big);
  url[n + big] = '\0';
  memcpy(header, "X-P: ", 5);
  memset(header + 5, 'c', big);
  header[5 + big] = '\0';
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_error_attempts(e), 0);
  assert_non_null(strstr(apic_error_message(e), "bytes, over the"));
  apic_error_free(e);
  const char *hs[] = {header};
  char small[128];
  snprintf(small, sizeof small, "%s/h", rt_server_url(srv));
  assert_int_equal(send_to(c, "GET", small, hs, 1, &r, &e), APIC_ERR_INVALID_ARG);
  apic_error_free(e);
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  e = NULL;
  assert_int_equal(apic_call_start(c, &req, NULL, NULL, NULL, &e), APIC_ERR_INVALID_ARG);
  apic_error_free(e);
  assert_int_equal(rt_server_count(srv), 0);
  free(url);
  free(header);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

/* A URL libcurl cannot use is INVALID_ARG at once: nothing sent, no attempt, no back-off. */
static void test_malformed_url(void **state)
{
  (void)state;
  log_seen log = {"", 0};
  apic_client *c = client(0, &log);
  const char *bad[] = {"http://127.0.0.1:99999/x", "http://[::1/x", "http:///x", "https://127.0.0.1:port/x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    apic_response *r;
    apic_error *e;
    assert_int_equal(send_to(c, "GET", bad[i], NULL, 0, &r, &e), APIC_ERR_INVALID_ARG);
    assert_int_equal(apic_error_attempts(e), 0);
    assert_memory_equal(apic_error_message(e), "malformed URL: ", 15);
    apic_error_free(e);
  }
  assert_int_equal(log.len, 0); /* no attempt was made */
  apic_client_free(c, 0);
}

/* Retry-After past the cap, however large (10^9 s, a huge retry-after-ms), ends the retries
 * with the wait in the error; a negative or malformed one is ignored: the back-off applies. */
static void test_retry_after_range(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  push(srv, 429, "Retry-After: 1000000000\n", NULL);
  push(srv, 503, "retry-after-ms: 99999999999999999999999999\n", NULL);
  for (int i = 0; i < 3; i++)
    push(srv, 503, "Retry-After: -5\n", NULL);
  push(srv, 503, "Retry-After: 1e3\n", NULL);
  push(srv, 503, "retry-after-ms: -1\n", NULL);
  apic_client *c = client(0, NULL);
  char url[128];
  snprintf(url, sizeof url, "%s/wait", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 1);
  assert_int_equal(apic_error_retry_after_ms(e), 1000000000000LL);
  assert_non_null(strstr(apic_error_message(e), "Retry-After beyond the cap"));
  apic_error_free(e);
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 1);
  assert_true(apic_error_retry_after_ms(e) == INT64_MAX);
  apic_error_free(e);
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 3); /* retried on the back-off */
  assert_int_equal(apic_error_retry_after_ms(e), -1);
  apic_error_free(e);
  assert_int_equal(send_to(c, "GET", url, NULL, 0, &r, &e), 0); /* two ignored, then the default 200 */
  assert_int_equal(apic_response_attempts(r), 3);
  apic_response_free(r);
  assert_int_equal(rt_server_count(srv), 1 + 1 + 3 + 3);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

int main(void)
{
  alarm(60); /* watchdog */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_redirect_not_followed),
      cmocka_unit_test(test_redirect_to_other_origin),
      cmocka_unit_test(test_redirect_same_origin),
      cmocka_unit_test(test_redirect_alloc_failures),
      cmocka_unit_test(test_no_body),
      cmocka_unit_test(test_connection_lost),
      cmocka_unit_test(test_response_head_too_large),
      cmocka_unit_test(test_request_too_large),
      cmocka_unit_test(test_malformed_url),
      cmocka_unit_test(test_retry_after_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
