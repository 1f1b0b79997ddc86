/* libapic-mock: path, query and header parameters against the spec (types, enums, constraints,
 * required ones), on tests/mock/params.api (every kind of parameter) and on Bloomy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

#define FIND "/things/find?ids=1&ids=2"
#define TRACE "X-Trace: abcd"

/* GET path with headers hdrs: status 422 with that detail, or 200 when detail is NULL. */
static void expect(apic_mock *m, const char *path, const char *hdrs, const char *detail)
{
  mt_resp r;
  mt_req(m, "GET", path, NULL, hdrs, &r);
  if (detail == NULL) {
    assert_int_equal(r.status, 200);
  } else {
    assert_int_equal(r.status, 422);
    assert_string_equal(mt_detail(&r), detail);
  }
  mt_free(&r);
}

static void query_arrays(void **state)
{
  (void)state;
  apic_mock *m = mt_start("params", NULL);
  expect(m, FIND "&colors=red&colors=green&flags=true&flags=false&term=abc", TRACE, NULL);
  expect(m, "/things/find?ids=7", TRACE, NULL);
  mt_resp r; /* a synthesized array has the items @min_len asks for */
  mt_req(m, "POST", "/things/sample", NULL, NULL, &r);
  cJSON *j = mt_json(&r);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "codes")), 3);
  cJSON_Delete(j);
  mt_free(&r);
  expect(m, "/things/find", TRACE, "query.ids: required parameter missing");
  expect(m, "/things/find?idsx=1", TRACE, "query.ids: required parameter missing");
  expect(m, "/things/find?ids=1&ids=x", TRACE, "query.ids[1]: expected an integer, got \"x\"");
  expect(m, "/things/find?ids=", TRACE, "query.ids[0]: expected an integer, got \"\"");
  expect(m, "/things/find?ids=1.5", TRACE, "query.ids[0]: expected an integer, got 1.5");
  expect(m, "/things/find?ids=1&ids=2&ids=3&ids=4", TRACE, "query.ids: more than 3 items");
  expect(m, FIND "&colors=red&colors=blue", TRACE, "query.colors[1]: \"blue\" is not a value of Color");
  expect(m, FIND "&flags=yes", TRACE, "query.flags[0]: expected true or false, got \"yes\"");
  expect(m, FIND "&term=toolong", TRACE, "query.term: longer than the maximum length 5");
  apic_mock_stop(m);
}

static void headers(void **state)
{
  (void)state;
  apic_mock *m = mt_start("params", NULL);
  expect(m, FIND, TRACE "\nX-Retries: 5\nX-Color: green", NULL);
  expect(m, FIND, NULL, "header.X-Trace: required parameter missing");
  expect(m, FIND, "X-Trace: abc", "header.X-Trace: shorter than the minimum length 4");
  expect(m, FIND, "X-Trace: ABCD", "header.X-Trace: does not match the pattern ^[a-f0-9]+$");
  expect(m, FIND, TRACE "\nX-Retries: many", "header.X-Retries: expected an integer, got \"many\"");
  expect(m, FIND, TRACE "\nx-retries: 6", "header.X-Retries: above the maximum 5"); /* names ignore case */
  expect(m, FIND, TRACE "\nX-Retries: -1", "header.X-Retries: below the minimum 0");
  expect(m, FIND, TRACE "\nX-Color: blue", "header.X-Color: \"blue\" is not a value of Color");
  /* parameters are checked before the body, which is checked for its arrays' lengths too */
  mt_resp r;
  mt_req(m, "POST", "/things", "{\"id\":\"a\",\"tags\":[\"x\",\"y\",\"z\"]}", NULL, &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "$.tags: more than 2 items");
  mt_free(&r);
  apic_mock_stop(m);
}

static void bloomy(void **state)
{
  (void)state;
  apic_mock *m = mt_start("bloomy", NULL);
  const char *key = "X-API-Key: k";
  expect(m, "/todos?status=open&status=complete", key, NULL);
  expect(m, "/todos?status=open&status=bogus", key, "query.status[1]: \"bogus\" is not a value of TodoStatus");
  expect(m, "/users/search", key, "query.term: required parameter missing");
  expect(m, "/users/search?term=", key, "query.term: shorter than the minimum length 1");
  expect(m, "/users/search?term=ann", key, NULL);
  apic_mock_stop(m);
}

/* GET path: 200, and the answer's id. */
static void expect_id(apic_mock *m, const char *path, const char *id)
{
  mt_resp r;
  mt_req(m, "GET", path, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  cJSON *j = mt_json(&r);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), id);
  cJSON_Delete(j);
  mt_free(&r);
}

/* The request log's last entry's path. */
static void expect_logged_path(apic_mock *m, const char *path)
{
  mt_resp r;
  mt_req(m, "GET", "/__mock/requests", NULL, NULL, &r);
  cJSON *log = mt_json(&r);
  cJSON *last = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(last, "path")), path);
  cJSON_Delete(log);
  mt_free(&r);
}

/* Routing splits the path as sent, then decodes each segment: %2F is part of a parameter's
 * value, not a separator (it used to route /boxes/a%2Fb as /boxes/a/b: 404). */
static void encoded_slash_stays_in_its_segment(void **state)
{
  (void)state;
  apic_mock *m = mt_start("params", NULL);
  expect_id(m, "/boxes/a%2Fb", "a/b");
  expect_logged_path(m, "/boxes/a%2Fb");
  expect_id(m, "/boxes/a%2fb", "a/b");
  expect_id(m, "/boxes/a%252Fb", "a%2Fb");
  expect_id(m, "/boxes/caf%C3%A9", "caf\xc3\xa9");
  expect_id(m, "/boxes/%2F%2F", "//");
  expect_id(m, "/boxes/a%2Fb/v%61ult/c%2Fd", "c/d"); /* a literal segment may be encoded too */
  mt_resp r;
  mt_req(m, "GET", "/boxes/a/b", NULL, NULL, &r); /* two segments: no such path */
  assert_int_equal(r.status, 404);
  mt_free(&r);
  apic_mock_stop(m);
}

/* A @sensitive path parameter reads [redacted] in the request log and in --log lines, as
 * @sensitive query and header parameters do; log_secrets keeps it. */
static void sensitive_path_parameter_redacted(void **state)
{
  (void)state;
  char *lines = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&lines, &size);
  assert_non_null(out);
  apic_mock_options o = apic_mock_options_default();
  o.log = 1;
  o.log_out = out;
  apic_mock *m = mt_start("params", &o);
  expect_id(m, "/boxes/k1/vault/s3cret", "s3cret"); /* the answer has it, the log not */
  expect_logged_path(m, "/boxes/k1/vault/[redacted]");
  expect_id(m, "/boxes/k1/vault/s3cret%2Fx", "s3cret/x");
  expect_logged_path(m, "/boxes/k1/vault/[redacted]");
  apic_mock_stop(m);
  fclose(out);
  assert_null(strstr(lines, "s3cret"));
  assert_non_null(strstr(lines, "GET /boxes/k1/vault/[redacted] 200"));
  free(lines);
  o = apic_mock_options_default();
  o.log_secrets = 1;
  m = mt_start("params", &o);
  expect_id(m, "/boxes/k1/vault/s3cret", "s3cret"); /* the answer has it, the log not */
  expect_logged_path(m, "/boxes/k1/vault/s3cret");
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(query_arrays),
    cmocka_unit_test(headers),
    cmocka_unit_test(bloomy),
    cmocka_unit_test(encoded_slash_stays_in_its_segment),
    cmocka_unit_test(sensitive_path_parameter_redacted),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
