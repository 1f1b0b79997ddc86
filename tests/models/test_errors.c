/* The generated typed errors: status to kind (exact before class), payloads from the body,
 * @header fields from the response headers, transport kinds, the one-line message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bloomy/errors.h"
#include "torale/errors.h"

static apic_error *http_error(int status, const char *body, const char *header, const char *value)
{
  apic_error *e = apic_error_new(APIC_ERR_HTTP, "the server answered %d", status);
  apic_error_set_status(e, status);
  apic_error_set_request(e, "POST", "http://127.0.0.1:1/api/v1/tasks");
  if (body != NULL)
    apic_error_set_body(e, body, strlen(body));
  if (header != NULL)
    apic_error_add_header(e, header, value);
  return e;
}

static void test_rate_limit_payload_and_header(void **state)
{
  (void)state;
  torale_error *e = torale_error_from_apic(http_error(429, "{\"detail\":\"slow down\"}", "retry-after", "2.5"));
  assert_int_equal(torale_error_kind_of(e), TORALE_ERROR_RATE_LIMIT);
  const torale_rate_limit_error *rl = torale_error_as_rate_limit(e);
  assert_non_null(rl);
  assert_string_equal(rl->detail, "slow down");
  assert_non_null(rl->retry_after);
  assert_true(*rl->retry_after == 2.5);
  assert_null(torale_error_as_validation(e));
  char line[512];
  torale_error_str(e, line, sizeof line);
  assert_string_equal(line, "RateLimitError: error status: the server answered 429: POST "
                            "http://127.0.0.1:1/api/v1/tasks (status 429)");
  torale_error_free(e);
}

static void test_exact_status_before_class(void **state)
{
  (void)state;
  torale_error *e = torale_error_from_apic(http_error(422, "{\"detail\":\"$.name: too long\"}", NULL, NULL));
  assert_int_equal(torale_error_kind_of(e), TORALE_ERROR_VALIDATION);
  assert_string_equal(torale_error_as_validation(e)->detail, "$.name: too long");
  torale_error_free(e);
  e = torale_error_from_apic(http_error(503, "<html>busy</html>", NULL, NULL));
  assert_int_equal(torale_error_kind_of(e), TORALE_ERROR_SERVER);
  assert_non_null(torale_error_as_server(e)); /* the kind matches: a payload, with no body fields... */
  assert_null(torale_error_as_server(e)->detail);
  size_t len;
  assert_string_equal(torale_error_body(e, &len), "<html>busy</html>"); /* ...and the body is kept */
  torale_error_free(e);
  e = torale_error_from_apic(http_error(418, "{}", NULL, NULL));
  assert_int_equal(torale_error_kind_of(e), TORALE_ERROR_UNKNOWN_STATUS);
  torale_error_free(e);
  /* Bloomy has both 429 and a 4XX class: 429 is exact, 409 falls in the class. */
  bloomy_error *b = bloomy_error_from_apic(http_error(409, "{\"message\":\"conflict\"}", NULL, NULL));
  assert_int_equal(bloomy_error_kind_of(b), BLOOMY_ERROR_CLIENT);
  assert_string_equal(bloomy_error_as_client(b)->message, "conflict");
  bloomy_error_free(b);
  b = bloomy_error_from_apic(http_error(429, "{}", "retry-after-ms", "1500"));
  assert_int_equal(bloomy_error_kind_of(b), BLOOMY_ERROR_TOO_MANY_REQUESTS);
  assert_int_equal(*bloomy_error_as_too_many_requests(b)->retry_after_ms, 1500);
  bloomy_error_free(b);
}

/* A matching kind always has its payload, whatever the body: empty, not JSON, JSON of another
 * shape; @header fields come from the headers, body fields are absent. */
static void test_payload_whatever_the_body(void **state)
{
  (void)state;
  const char *bodies[] = {NULL, "", "busy", "[1,2]", "{\"detail\":7}", "{\"detail\":\"ok\"}"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    torale_error *e = torale_error_from_apic(http_error(429, bodies[i], "Retry-After", "3"));
    const torale_rate_limit_error *rl = torale_error_as_rate_limit(e);
    assert_non_null(rl);
    assert_non_null(rl->retry_after);
    assert_true(*rl->retry_after == 3);
    if (i + 1 < sizeof bodies / sizeof bodies[0])
      assert_null(rl->detail);
    else
      assert_string_equal(rl->detail, "ok");
    torale_error *copy = torale_error_copy(e); /* a copy outlives the original */
    torale_error_free(e);
    assert_true(*torale_error_as_rate_limit(copy)->retry_after == 3);
    torale_error_free(copy);
  }
  assert_null(torale_error_copy(NULL));
}

static void test_transport_kinds(void **state)
{
  (void)state;
  struct { int code; torale_error_kind kind; const char *name; } cases[] = {
      {APIC_ERR_CONNECT, TORALE_ERROR_CONNECTION, "CONNECTION"}, {APIC_ERR_TIMEOUT, TORALE_ERROR_TIMEOUT, "TIMEOUT"},
      {APIC_ERR_CANCELLED, TORALE_ERROR_CANCELLED, "CANCELLED"}, {APIC_ERR_DECODE, TORALE_ERROR_DECODE, "DECODE"},
      {APIC_ERR_INVALID_ARG, TORALE_ERROR_INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {APIC_ERR_NOMEM, TORALE_ERROR_OTHER, "OTHER"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    torale_error *e = torale_error_from_apic(apic_error_new(cases[i].code, "x"));
    assert_int_equal(torale_error_kind_of(e), cases[i].kind);
    assert_string_equal(torale_error_kind_name(torale_error_kind_of(e)), cases[i].name);
    assert_int_equal(torale_error_status(e), 0);
    torale_error_free(e);
  }
  torale_error_free(NULL);
  assert_int_equal(torale_error_kind_of(NULL), TORALE_ERROR_NONE);
}

/* What the core error carries reaches the SDK's accessors; _print writes the _str line. */
static void test_accessors_and_print(void **state)
{
  (void)state;
  apic_error *core = http_error(404, "{\"detail\":\"no task t_9\"}", NULL, NULL);
  apic_error_set_request_id(core, "req-42");
  apic_error_set_retry_after_ms(core, 1500);
  torale_error *e = torale_error_from_apic(core);
  assert_ptr_equal(torale_error_core(e), core); /* ownership moved, same error */
  assert_int_equal(torale_error_kind_of(e), TORALE_ERROR_NOT_FOUND);
  assert_string_equal(torale_error_kind_name(TORALE_ERROR_NOT_FOUND), "NotFoundError");
  assert_int_equal(torale_error_status(e), 404);
  assert_string_equal(torale_error_request_id(e), "req-42");
  assert_int_equal(torale_error_retry_after_ms(e), 1500);
  assert_string_equal(torale_error_as_not_found(e)->detail, "no task t_9");
  assert_null(torale_error_as_rate_limit(e));
  assert_non_null(strstr(torale_error_message(e), "404"));
  char line[512];
  int n = torale_error_str(e, line, sizeof line);
  assert_int_equal(n, (int)strlen(line));
  assert_true(strncmp(line, "NotFoundError: ", 15) == 0);
  FILE *f = tmpfile();
  assert_non_null(f);
  torale_error_print(e, f);
  rewind(f);
  char printed[600] = "";
  assert_non_null(fgets(printed, sizeof printed, f));
  fclose(f);
  strcat(line, "\n");
  assert_string_equal(printed, line);
  /* A short buffer truncates like snprintf and still says how long the line is. */
  char tiny[8];
  assert_int_equal(torale_error_str(e, tiny, sizeof tiny), n);
  assert_string_equal(tiny, "NotFoun");
  torale_error_free(e);
  /* No retry-after given, no request id: the documented "none" values. */
  e = torale_error_from_apic(http_error(500, NULL, NULL, NULL));
  assert_int_equal(torale_error_retry_after_ms(e), -1);
  assert_null(torale_error_request_id(e));
  assert_null(torale_error_body(e, NULL));
  torale_error_free(e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_limit_payload_and_header),
      cmocka_unit_test(test_exact_status_before_class),
      cmocka_unit_test(test_payload_whatever_the_body),
      cmocka_unit_test(test_transport_kinds),
      cmocka_unit_test(test_accessors_and_print),
  };
  return cmocka_run_group_tests_name("models: generated errors", tests, NULL, NULL);
}
