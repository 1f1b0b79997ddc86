/* libapic's core pieces: the error object, date-times, the allocator hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "apic/datetime.h"
#include "apic/error.h"

static void test_error_object(void **state)
{
  (void)state;
  apic_error *e = apic_error_new(APIC_ERR_HTTP, "server said no (%d)", 7);
  assert_non_null(e);
  assert_int_equal(apic_error_code(e), APIC_ERR_HTTP);
  assert_string_equal(apic_error_message(e), "server said no (7)");
  assert_int_equal(apic_error_retry_after_ms(e), -1);
  assert_int_equal(apic_error_set_status(e, 429), 0);
  assert_int_equal(apic_error_set_request(e, "GET", "http://127.0.0.1/tasks/1"), 0);
  assert_int_equal(apic_error_set_request_id(e, "req-9"), 0);
  assert_int_equal(apic_error_set_body(e, "{\"a\":1}", 7), 0);
  assert_int_equal(apic_error_set_retry_after_ms(e, 1500), 0);
  assert_int_equal(apic_error_set_attempts(e, 3), 0);
  assert_int_equal(apic_error_add_header(e, "Retry-After", "2"), 0);
  assert_string_equal(apic_error_header(e, "retry-after"), "2");
  assert_null(apic_error_header(e, "x-nope"));
  size_t len;
  assert_string_equal(apic_error_body(e, &len), "{\"a\":1}");
  assert_int_equal(len, 7);
  char line[256];
  apic_error_format(e, line, sizeof line);
  assert_string_equal(line, "error status: server said no (7): GET http://127.0.0.1/tasks/1 (status 429) after 3 "
                            "attempts [request id req-9]");
  apic_error *d = apic_error_dup(e);
  apic_error_free(e);
  assert_int_equal(apic_error_status(d), 429);
  assert_string_equal(apic_error_header(d, "RETRY-AFTER"), "2");
  assert_int_equal(apic_error_prefix(d, "tasks.get"), 0);
  assert_string_equal(apic_error_message(d), "tasks.get: server said no (7)");
  apic_error_free(d);
  apic_error_free(NULL);
  assert_string_equal(apic_strerror(APIC_ERR_TIMEOUT), "timed out");
  assert_string_equal(apic_err_name(APIC_ERR_CANCELLED), "CANCELLED");
  assert_string_equal(apic_strerror(-999), "unknown error");
}

static void test_datetimes(void **state)
{
  (void)state;
  int64_t s;
  int32_t ns;
  assert_int_equal(apic_datetime_parse("1970-01-01T00:00:00Z", &s, &ns), 0);
  assert_int_equal(s, 0);
  assert_int_equal(apic_datetime_parse("2024-02-29T09:30:15.25+01:00", &s, &ns), 0);
  assert_int_equal(s, 1709195415); /* 08:30:15 UTC */
  assert_int_equal(ns, 250000000);
  assert_int_equal(apic_datetime_parse("1969-12-31T23:59:59.123456789123Z", &s, &ns), 0);
  assert_int_equal(s, -1);
  assert_int_equal(ns, 123456789);
  const char *bad[] = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T24:00:00Z",
                       "2024-01-01T00:00:00", "2024-01-01T00:00:00+1:00", "2024-01-01T00:00:00.Z", "", "x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(apic_datetime_parse(bad[i], &s, &ns), APIC_ERR_INVALID_ARG);
  assert_true(apic_date_valid("2024-02-29"));
  assert_false(apic_date_valid("2023-02-29"));
  assert_false(apic_date_valid("2024-02-29T00:00:00Z"));
}

static size_t live;
static void *count_malloc(void *ctx, size_t n) { (void)ctx; live++; return malloc(n); }
static void *count_realloc(void *ctx, void *p, size_t n) { (void)ctx; if (p == NULL) live++; return realloc(p, n); }
static void count_free(void *ctx, void *p) { (void)ctx; if (p != NULL) live--; free(p); }

static void test_allocator_hook_sees_every_allocation(void **state)
{
  (void)state;
  apic_allocator a = {count_malloc, count_realloc, count_free, NULL};
  assert_int_equal(apic_set_allocator(&a), 0);
  apic_error *e = apic_error_new(APIC_ERR_DECODE, "x");
  apic_error_add_header(e, "a", "b");
  assert_true(live >= 4);
  apic_error_free(e);
  assert_int_equal(live, 0);
  apic_allocator bad = {NULL, count_realloc, count_free, NULL};
  assert_int_equal(apic_set_allocator(&bad), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_set_allocator(NULL), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_object),
      cmocka_unit_test(test_datetimes),
      cmocka_unit_test(test_allocator_hook_sees_every_allocation),
  };
  return cmocka_run_group_tests_name("runtime: core", tests, NULL, NULL);
}
