/* The SSE parser against the WHATWG rules, one rule per test, and a stream split at every
 * byte offset that must give the same events as the stream fed whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "apic/sse.h"

/* Events recorded as "type|id|data;" (data bytes as they came, NUL shown as "\\0"). */
typedef struct seen {
  char log[4096];
  size_t len;
  int count;
  int stop_after; /* return 1 from the callback after this many events (0: never) */
} seen;

static void put(seen *s, const char *p, size_t n)
{
  for (size_t i = 0; i < n && s->len + 3 < sizeof s->log; i++) {
    if (p[i] == '\0') {
      s->log[s->len++] = '\\';
      s->log[s->len++] = '0';
    } else {
      s->log[s->len++] = p[i];
    }
  }
  s->log[s->len] = '\0';
}

static int on_event(void *ud, const apic_sse_event *ev)
{
  seen *s = ud;
  put(s, ev->type, strlen(ev->type));
  put(s, "|", 1);
  put(s, ev->id, strlen(ev->id));
  put(s, "|", 1);
  put(s, ev->data, ev->data_len);
  put(s, ";", 1);
  s->count++;
  return s->stop_after && s->count >= s->stop_after;
}

/* Feeds the stream whole; returns the log. */
static const char *parse(seen *s, const char *stream, size_t len)
{
  memset(s, 0, sizeof *s);
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, s);
  assert_non_null(p);
  assert_int_equal(apic_sse_feed(p, stream, len), 0);
  apic_sse_free(p);
  return s->log;
}

#define PARSE(s, lit) parse((s), (lit), sizeof(lit) - 1)

static void test_data_lines_join_with_newline(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "data: a\ndata: b\n\ndata:c\n\n"), "message||a\nb;message||c;");
}

static void test_one_leading_space_is_removed(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "data:  two\ndata:x: y\n\n"), "message|| two\nx: y;");
}

static void test_empty_data_lines_count(void **state)
{
  (void)state;
  seen s;
  /* "data" alone and "data:" each add an empty line; one empty line still dispatches */
  assert_string_equal(PARSE(&s, "data\n\ndata:\ndata\n\n"), "message||;message||\n;");
  assert_int_equal(s.count, 2);
}

static void test_blank_line_without_data_dispatches_nothing(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "\n\nevent: x\n\n: only a comment\n\n"), "");
}

static void test_comments_and_unknown_fields_are_ignored(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, ": hello\nfoo: bar\nDATA: no\ndata: yes\n:\n\n"),
                      "message||yes;");
}

static void test_event_type_applies_to_one_event(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "event: task.done\ndata: 1\n\ndata: 2\n\n"),
                      "task.done||1;message||2;");
}

static void test_id_persists_and_nul_ids_are_ignored(void **state)
{
  (void)state;
  seen s;
  static const char stream[] = "id: 7\ndata: a\n\ndata: b\n\nid: 8\0x\ndata: c\n\nid\ndata: d\n\n";
  parse(&s, stream, sizeof stream - 1);
  assert_string_equal(s.log, "message|7|a;message|7|b;message|7|c;message||d;");
}

static void test_id_is_kept_even_without_an_event(void **state)
{
  (void)state;
  seen s;
  memset(&s, 0, sizeof s);
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
  assert_string_equal(apic_sse_last_event_id(p), "");
  assert_int_equal(apic_sse_feed(p, "id: 42\n\n", 8), 0);
  assert_int_equal(s.count, 0);
  assert_string_equal(apic_sse_last_event_id(p), "42");
  assert_int_equal(apic_sse_feed(p, "id: 43\n", 7), 0); /* not yet dispatched */
  assert_string_equal(apic_sse_last_event_id(p), "42");
  apic_sse_free(p);
}

static void test_retry_takes_digits_only(void **state)
{
  (void)state;
  seen s;
  memset(&s, 0, sizeof s);
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
  assert_int_equal(apic_sse_retry_ms(p), -1);
  static const char stream[] = "retry: 1500\n\nretry: 12a\nretry: -1\nretry:\nretry: 99999999999999\n";
  assert_int_equal(apic_sse_feed(p, stream, sizeof stream - 1), 0);
  assert_int_equal(apic_sse_retry_ms(p), 1500);
  assert_int_equal(apic_sse_feed(p, "retry:0\n", 8), 0);
  assert_int_equal(apic_sse_retry_ms(p), 0);
  apic_sse_free(p);
}

static void test_line_ends_crlf_lf_cr(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "data: a\r\ndata: b\rdata: c\n\r\n"), "message||a\nb\nc;");
  assert_string_equal(PARSE(&s, "data: x\r\rdata: y\r\n\r\n"), "message||x;message||y;");
}

static void test_bom_is_skipped_once(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "\xEF\xBB\xBF" "data: a\n\n"), "message||a;");
  /* a second BOM belongs to the field name, so the field is unknown */
  assert_string_equal(PARSE(&s, "\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\ndata: b\n\n"),
                      "message||b;");
}

static void test_unfinished_event_is_not_dispatched(void **state)
{
  (void)state;
  seen s;
  assert_string_equal(PARSE(&s, "data: a\n\ndata: b\n"), "message||a;");
  assert_string_equal(PARSE(&s, "data: a\n\ndata: b"), "message||a;");
}

static void test_line_and_event_bounds(void **state)
{
  (void)state;
  seen s;
  memset(&s, 0, sizeof s);
  apic_sse_parser *p = apic_sse_new(16, 0, on_event, &s);
  assert_int_equal(apic_sse_feed(p, "data: 0123456789", 16), 0); /* exactly 16: fine */
  assert_int_equal(apic_sse_feed(p, "X", 1), APIC_ERR_TOO_LARGE);
  assert_int_equal(apic_sse_feed(p, "\n\n", 2), APIC_ERR_TOO_LARGE); /* stays failed */
  assert_int_equal(s.count, 0);
  apic_sse_free(p);

  p = apic_sse_new(0, 10, on_event, &s);
  assert_int_equal(apic_sse_feed(p, "data: 1234\ndata: 1234\n", 22), 0); /* 10 bytes with "\n"s */
  assert_int_equal(apic_sse_feed(p, "data:\n", 6), APIC_ERR_TOO_LARGE);
  assert_int_equal(s.count, 0);
  apic_sse_free(p);
}

static void test_callback_can_stop_the_parser(void **state)
{
  (void)state;
  seen s;
  memset(&s, 0, sizeof s);
  s.stop_after = 1;
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
  assert_int_equal(apic_sse_feed(p, "data: a\n\ndata: b\n\n", 18), 1);
  assert_int_equal(apic_sse_feed(p, "data: c\n\n", 9), 1);
  assert_string_equal(s.log, "message||a;");
  apic_sse_free(p);
}

static void test_bad_arguments(void **state)
{
  (void)state;
  seen s;
  assert_null(apic_sse_new(0, 0, NULL, &s));
  assert_int_equal(apic_sse_feed(NULL, "x", 1), APIC_ERR_INVALID_ARG);
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
  assert_int_equal(apic_sse_feed(p, NULL, 1), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_sse_feed(p, NULL, 0), 0);
  apic_sse_free(p);
  apic_sse_free(NULL);
}

/* Every rule at once, with awkward boundaries: BOM, all line ends, comments, ids, NULs. */
static const char SPLIT_STREAM[] =
    "\xEF\xBB\xBF: comment\r\nretry: 250\r\nid: 1\r\nevent: a\r\ndata: x\r\ndata:y\r\r"
    "data\n\nid: 2\0z\ndata: with\0nul\n\n:\rid: 3\revent: b\rdata: long line of text\r\n\r\n"
    "data: tail never dispatched";

static void test_every_split_gives_the_same_events(void **state)
{
  (void)state;
  size_t len = sizeof SPLIT_STREAM - 1;
  seen whole;
  parse(&whole, SPLIT_STREAM, len);
  assert_string_equal(whole.log,
                      "a|1|x\ny;message|1|;message|1|with\\0nul;b|3|long line of text;");
  for (size_t cut = 0; cut <= len; cut++) {
    seen s;
    memset(&s, 0, sizeof s);
    apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
    assert_int_equal(apic_sse_feed(p, SPLIT_STREAM, cut), 0);
    assert_int_equal(apic_sse_feed(p, SPLIT_STREAM + cut, len - cut), 0);
    assert_string_equal(s.log, whole.log);
    assert_int_equal(apic_sse_retry_ms(p), 250);
    assert_string_equal(apic_sse_last_event_id(p), "3");
    apic_sse_free(p);
  }
  seen s; /* and one byte at a time */
  memset(&s, 0, sizeof s);
  apic_sse_parser *p = apic_sse_new(0, 0, on_event, &s);
  for (size_t i = 0; i < len; i++)
    assert_int_equal(apic_sse_feed(p, SPLIT_STREAM + i, 1), 0);
  assert_string_equal(s.log, whole.log);
  apic_sse_free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_data_lines_join_with_newline),
      cmocka_unit_test(test_one_leading_space_is_removed),
      cmocka_unit_test(test_empty_data_lines_count),
      cmocka_unit_test(test_blank_line_without_data_dispatches_nothing),
      cmocka_unit_test(test_comments_and_unknown_fields_are_ignored),
      cmocka_unit_test(test_event_type_applies_to_one_event),
      cmocka_unit_test(test_id_persists_and_nul_ids_are_ignored),
      cmocka_unit_test(test_id_is_kept_even_without_an_event),
      cmocka_unit_test(test_retry_takes_digits_only),
      cmocka_unit_test(test_line_ends_crlf_lf_cr),
      cmocka_unit_test(test_bom_is_skipped_once),
      cmocka_unit_test(test_unfinished_event_is_not_dispatched),
      cmocka_unit_test(test_line_and_event_bounds),
      cmocka_unit_test(test_callback_can_stop_the_parser),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_every_split_gives_the_same_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
