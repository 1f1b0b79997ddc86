/* URL building and header checks; the last test sends a built URL to the test server and
 * checks the path and query arrive exactly as built. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <string.h>

#include "apic/url.h"
#include "../support/test_server.h"

static const char *segment_of(apic_url *u, const char *value)
{
  apic_url_clear(u);
  apic_url_add_path(u, "http://h");
  apic_url_add_segment(u, value);
  return apic_url_str(u);
}

static void test_segments_encode_all_but_unreserved(void **state)
{
  (void)state;
  apic_url u;
  apic_url_init(&u);
  assert_string_equal(segment_of(&u, "a-b_c.d~Z9"), "http://h/a-b_c.d~Z9");
  assert_string_equal(segment_of(&u, "a/b"), "http://h/a%2Fb");
  assert_string_equal(segment_of(&u, "x?y#z"), "http://h/x%3Fy%23z");
  assert_string_equal(segment_of(&u, "a&b=c"), "http://h/a%26b%3Dc");
  assert_string_equal(segment_of(&u, "100% done"), "http://h/100%25%20done");
  assert_string_equal(segment_of(&u, "caf\xC3\xA9"), "http://h/caf%C3%A9");
  assert_string_equal(segment_of(&u, "..."), "http://h/..."); /* not a dot segment */
  apic_url_clear(&u);
}

static void test_segments_that_would_not_stay_one_are_refused(void **state)
{
  (void)state;
  apic_url u;
  apic_url_init(&u);
  const char *bad[] = {"", ".", ".."};
  for (size_t i = 0; i < 3; i++) {
    assert_null(segment_of(&u, bad[i]));
    assert_int_equal(apic_url_error(&u), APIC_ERR_INVALID_ARG);
  }
  apic_url_clear(&u);
  assert_int_equal(apic_url_add_segment(&u, NULL), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_url_add_path(&u, "/x"), APIC_ERR_INVALID_ARG); /* sticky */
  apic_url_clear(&u);
}

static void test_join_has_exactly_one_slash(void **state)
{
  (void)state;
  const char *bases[] = {"http://h/v1", "http://h/v1/"};
  const char *paths[] = {"tasks", "/tasks"};
  for (size_t b = 0; b < 2; b++) {
    for (size_t p = 0; p < 2; p++) {
      apic_url u;
      apic_url_init(&u);
      assert_int_equal(apic_url_add_path(&u, bases[b]), 0);
      assert_int_equal(apic_url_add_path(&u, paths[p]), 0);
      assert_int_equal(apic_url_add_segment(&u, "t1"), 0);
      assert_int_equal(apic_url_add_path(&u, "/runs"), 0);
      assert_string_equal(apic_url_str(&u), "http://h/v1/tasks/t1/runs");
      apic_url_clear(&u);
    }
  }
  apic_url u;
  apic_url_init(&u);
  apic_url_add_path(&u, "http://h/");
  apic_url_add_path(&u, "");
  assert_string_equal(apic_url_str(&u), "http://h/");
  apic_url_add_segment(&u, "a");
  assert_string_equal(apic_url_str(&u), "http://h/a");
  apic_url_clear(&u);
}

static void test_query_encodes_values_and_repeats_keys(void **state)
{
  (void)state;
  apic_url u;
  apic_url_init(&u);
  apic_url_add_path(&u, "http://h/tasks");
  assert_int_equal(apic_url_add_query(&u, "q", "a&b=c#d+e f%g?h/i"), 0);
  assert_int_equal(apic_url_add_query(&u, "tag", "x"), 0);
  assert_int_equal(apic_url_add_query(&u, "tag", "\xC3\xA9"), 0);
  assert_int_equal(apic_url_add_query(&u, "k y", ""), 0);
  assert_string_equal(apic_url_str(&u), "http://h/tasks?q=a%26b%3Dc%23d%2Be%20f%25g%3Fh%2Fi"
                                        "&tag=x&tag=%C3%A9&k%20y=");
  assert_int_equal(apic_url_add_path(&u, "/more"), APIC_ERR_INVALID_ARG); /* path after query */
  assert_null(apic_url_str(&u));
  apic_url_clear(&u);
  assert_int_equal(apic_url_add_query(&u, "", "v"), APIC_ERR_INVALID_ARG);
  apic_url_clear(&u);
  assert_int_equal(apic_url_add_query(&u, "k", NULL), APIC_ERR_INVALID_ARG);
  apic_url_clear(&u);
}

static void test_long_urls_grow(void **state)
{
  (void)state;
  char big[5001];
  memset(big, '/', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  apic_url u;
  apic_url_init(&u);
  apic_url_add_path(&u, "http://h");
  assert_int_equal(apic_url_add_segment(&u, big), 0);
  assert_int_equal(strlen(apic_url_str(&u)), strlen("http://h/") + 3 * 5000);
  apic_url_clear(&u);
}

static void test_percent_encode_reports_size_instead_of_truncating(void **state)
{
  (void)state;
  char out[8];
  size_t need = 0;
  assert_int_equal(apic_percent_encode("a b", out, sizeof out, &need), 0);
  assert_string_equal(out, "a%20b");
  assert_int_equal(need, 5);
  assert_int_equal(apic_percent_encode("a b c", out, sizeof out, &need), APIC_ERR_TOO_LARGE);
  assert_int_equal(need, 9);
  assert_string_equal(out, "");
  assert_int_equal(apic_percent_encode("abcdefgh", out, sizeof out, NULL), APIC_ERR_TOO_LARGE);
  assert_int_equal(apic_percent_encode("x", NULL, 0, &need), APIC_ERR_TOO_LARGE);
  assert_int_equal(need, 1);
  assert_int_equal(apic_percent_encode(NULL, out, sizeof out, NULL), APIC_ERR_INVALID_ARG);
}

static void test_header_check(void **state)
{
  (void)state;
  assert_int_equal(apic_header_check("Idempotency-Key", "abc 123\t;=,\xC3\xA9"), 0);
  assert_int_equal(apic_header_check("X-A!#$%&'*+.^_`|~9", ""), 0);
  assert_int_equal(apic_header_check("X-A", "a\r\nInjected: 1"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X-A", "a\nb"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X-A", "a\rb"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X-A", "a\x7f"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X A", "v"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X:A", "v"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X\nA", "v"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("", "v"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check(NULL, "v"), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_header_check("X", NULL), APIC_ERR_INVALID_ARG);
}

static void test_built_url_arrives_as_built(void **state)
{
  (void)state;
  test_server *s = test_server_start();
  assert_non_null(s);
  apic_url u;
  apic_url_init(&u);
  apic_url_add_path(&u, test_server_url(s));
  apic_url_add_path(&u, "/tasks/");
  apic_url_add_segment(&u, "a/../b c");
  apic_url_add_query(&u, "q", "x&y=z#w");
  apic_url_add_query(&u, "q", "\xC3\xA9");
  assert_non_null(apic_url_str(&u));
  CURL *e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, apic_url_str(&u));
  curl_easy_setopt(e, CURLOPT_NOBODY, 1L); /* a HEAD: the path and query are what matter */
  assert_int_equal(curl_easy_perform(e), CURLE_OK);
  curl_easy_cleanup(e);
  test_request q;
  assert_int_equal(test_server_request(s, 0, &q), 0);
  assert_string_equal(q.path, "/tasks/a%2F..%2Fb%20c");
  assert_string_equal(q.query, "q=x%26y%3Dz%23w&q=%C3%A9");
  apic_url_clear(&u);
  test_server_stop(s);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_segments_encode_all_but_unreserved),
      cmocka_unit_test(test_segments_that_would_not_stay_one_are_refused),
      cmocka_unit_test(test_join_has_exactly_one_slash),
      cmocka_unit_test(test_query_encodes_values_and_repeats_keys),
      cmocka_unit_test(test_long_urls_grow),
      cmocka_unit_test(test_percent_encode_reports_size_instead_of_truncating),
      cmocka_unit_test(test_header_check),
      cmocka_unit_test(test_built_url_arrives_as_built),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
