/* libapic-mock: the admin endpoints want the admin token (given, or a random one), and the
 * request log redacts credentials and @sensitive values unless told to keep them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

static long admin_status(apic_mock *m, const char *method, const char *path, const char *hdrs)
{
  mt_resp r;
  mt_req_at(apic_mock_url(m), NULL, method, path, method[0] == 'P' ? "{}" : NULL, hdrs, &r); /* no token added */
  mt_free(&r);
  return r.status;
}

static void token_required(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.admin_token = "s3cret-token";
  apic_mock *m = mt_start("torale", &o);
  assert_string_equal(apic_mock_admin_token(m), "s3cret-token");
  static const char *const paths[] = {"/__mock/faults", "/__mock/requests", "/__mock/stats", "/__mock/nothing"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    assert_int_equal(admin_status(m, "GET", paths[i], NULL), 401);
    assert_int_equal(admin_status(m, "GET", paths[i], "X-Mock-Token: s3cret-tokeN"), 401);
    assert_int_equal(admin_status(m, "GET", paths[i], "X-Mock-Token: s3cret-toke"), 401);
  }
  assert_int_equal(admin_status(m, "POST", "/__mock/faults", NULL), 401);
  assert_int_equal(admin_status(m, "POST", "/__mock/reset", "Authorization: Bearer s3cret-token"), 401);
  assert_int_equal(admin_status(m, "GET", "/__mock/stats", "X-Mock-Token: s3cret-token"), 200);
  assert_int_equal(admin_status(m, "GET", "/__mock/nothing", "X-Mock-Token: s3cret-token"), 404);
  mt_resp r;
  mt_req(m, "GET", "/__mock/faults", NULL, NULL, &r); /* mt_req sends it */
  assert_int_equal(r.status, 200);
  mt_free(&r);
  apic_mock_stop(m);

  m = mt_start("torale", NULL); /* a random token: 32 hex digits, another each time */
  apic_mock *other = mt_start("torale", NULL);
  assert_int_equal(strlen(apic_mock_admin_token(m)), 32);
  assert_int_equal(strspn(apic_mock_admin_token(m), "0123456789abcdef"), 32);
  assert_string_not_equal(apic_mock_admin_token(m), apic_mock_admin_token(other));
  char hdr[80];
  snprintf(hdr, sizeof hdr, "X-Mock-Token: %s", apic_mock_admin_token(other));
  assert_int_equal(admin_status(m, "GET", "/__mock/stats", hdr), 401);
  apic_mock_stop(other);
  apic_mock_stop(m);

  o.admin_token = ""; /* an empty token is refused */
  char *err = NULL;
  char *spec = mt_slurp(MOCK_SPEC_DIR "/torale.json");
  assert_int_equal(apic_mock_start(spec, &o, &m, &err), -1);
  assert_non_null(strstr(err, "admin token"));
  free(err);
  free(spec);
}

static cJSON *last_logged(apic_mock *m)
{
  mt_resp r;
  mt_req(m, "GET", "/__mock/requests", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  cJSON *log = mt_json(&r);
  mt_free(&r);
  cJSON *last = cJSON_DetachItemFromArray(log, cJSON_GetArraySize(log) - 1);
  cJSON_Delete(log);
  return last;
}

static const char *logged(const cJSON *entry, const char *part, const char *name)
{
  return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(entry, part), name));
}

/* Credentials in headers, @sensitive header parameters and body fields read [redacted]; the
 * rest is logged as sent. */
static void log_redacts(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  mt_resp r;
  mt_req(m, "POST", "/tasks",
         "{\"search_query\":\"q\",\"condition_description\":\"c\",\"notify_email\":\"alice@example.com\"}",
         "Authorization: Bearer tk-live-123\nCookie: session=abc\nX-Api-Key: k-1\nProxy-Authorization: Basic eHg=\n"
         "X-Request-Source: tests",
         &r);
  assert_int_equal(r.status, 201);
  mt_free(&r);
  cJSON *e = last_logged(m);
  assert_string_equal(logged(e, "headers", "Authorization"), "Bearer [redacted]");
  assert_string_equal(logged(e, "headers", "Cookie"), "[redacted]");
  assert_string_equal(logged(e, "headers", "X-Api-Key"), "[redacted]");
  assert_string_equal(logged(e, "headers", "Proxy-Authorization"), "Basic [redacted]");
  assert_string_equal(logged(e, "headers", "X-Request-Source"), "tests");
  assert_string_equal(logged(e, "body", "notify_email"), "[redacted]");
  assert_string_equal(logged(e, "body", "search_query"), "q");
  char *text = cJSON_PrintUnformatted(e);
  assert_null(strstr(text, "tk-live-123"));
  assert_null(strstr(text, "alice@"));
  free(text);
  cJSON_Delete(e);
  apic_mock_stop(m);

  m = mt_start("bloomy", NULL); /* the spec's API-key header and a @sensitive header parameter */
  mt_req(m, "POST", "/todos", "{\"title\":\"t\"}", "X-API-Key: bk-9\nX-Request-Key: rk-55\nIdempotency-Key: i-1", &r);
  assert_int_equal(r.status, 201);
  mt_free(&r);
  e = last_logged(m);
  assert_string_equal(logged(e, "headers", "X-API-Key"), "[redacted]");
  assert_string_equal(logged(e, "headers", "X-Request-Key"), "[redacted]");
  assert_string_equal(logged(e, "headers", "Idempotency-Key"), "i-1");
  cJSON_Delete(e);
  apic_mock_stop(m);
}

static void log_secrets_kept_on_request(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.log_secrets = 1;
  apic_mock *m = mt_start("torale", &o);
  mt_resp r;
  mt_req(m, "POST", "/tasks", "{\"search_query\":\"q\",\"condition_description\":\"c\",\"notify_email\":\"a@b.c\"}",
         "Authorization: Bearer tk-1", &r);
  mt_free(&r);
  cJSON *e = last_logged(m);
  assert_string_equal(logged(e, "headers", "Authorization"), "Bearer tk-1");
  assert_string_equal(logged(e, "body", "notify_email"), "a@b.c");
  cJSON_Delete(e);
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(token_required),
    cmocka_unit_test(log_redacts),
    cmocka_unit_test(log_secrets_kept_on_request),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
