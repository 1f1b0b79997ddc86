/* Operations whose results and bodies are not JSON models (apic/op.h), against a scripted
 * server: text results from JSON strings and plain bodies, scalar and map results, streams of
 * text, and what each refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "apic/op.h"
#include "rt_server.h"

static apic_api *api_for(rt_server *srv)
{
  apic_api_options o = {.base_url = rt_server_url(srv)};
  apic_api *api = NULL;
  assert_int_equal(apic_api_new(&o, &api, NULL), 0);
  return api;
}

static const apic_op_desc GET_TEXT = {.name = "t.text", .method = "GET", .path = "/text",
                                      .result_kind = APIC_RESULT_VALUE, .result = &apic_t_string, .retries = -1};
static const apic_op_desc GET_WHEN = {.name = "t.when", .method = "GET", .path = "/when",
                                      .result_kind = APIC_RESULT_VALUE, .result = &apic_t_datetime, .retries = -1};
static const apic_type_desc INT_MAP = {APIC_T_MAP, .item = &apic_t_int, .entry_size = sizeof(apic_int_entry),
                                       .value_offset = offsetof(apic_int_entry, value)};
static const apic_op_desc GET_COUNTS = {.name = "t.counts", .method = "GET", .path = "/counts",
                                        .result_kind = APIC_RESULT_VALUE, .result = &INT_MAP, .retries = -1};
static const apic_op_desc GET_LINES = {.name = "t.lines", .method = "GET", .path = "/lines",
                                       .result_kind = APIC_RESULT_STREAM, .result = &apic_t_string, .retries = -1};

/* A text result: the JSON string (escapes undone), or a body that is not JSON as it came; the
 * caller's string, freed with apic_free. Not text, or not the date-time asked for: DECODE. */
static void test_text_results(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  const rt_reply replies[] = {
      {200, "Content-Type: application/json\n", "\"tab\\there \\u00e9\"", 0, 0, NULL, 0},
      {200, "Content-Type: text/plain; charset=utf-8\n", "as \"it\" came", 0, 0, NULL, 0},
      {200, "Content-Type: text/plain\n", "bad \xff byte", 0, 0, NULL, 0},
      {200, "Content-Type: application/problem+json\n", "42", 0, 0, NULL, 0},
      {200, "Content-Type: text/plain\n", "2024-02-30T00:00:00Z", 0, 0, NULL, 0},
      {200, "Content-Type: text/plain\n", "2024-02-29T10:00:00Z", 0, 0, NULL, 0},
  };
  for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
    rt_server_push(srv, &replies[i]);
  apic_api *api = api_for(srv);
  void *out = NULL;
  apic_error *e = NULL;
  assert_int_equal(apic_op_call(api, &GET_TEXT, NULL, NULL, &out, &e), 0);
  assert_string_equal(out, "tab\there \xc3\xa9");
  apic_free(out);
  assert_int_equal(apic_op_call(api, &GET_TEXT, NULL, NULL, &out, &e), 0);
  assert_string_equal(out, "as \"it\" came");
  apic_free(out);
  assert_int_equal(apic_op_call(api, &GET_TEXT, NULL, NULL, &out, &e), APIC_ERR_DECODE);
  assert_non_null(strstr(apic_error_message(e), "not UTF-8 text"));
  apic_error_free(e);
  assert_int_equal(apic_op_call(api, &GET_TEXT, NULL, NULL, &out, &e), APIC_ERR_DECODE); /* +json: a number */
  assert_non_null(strstr(apic_error_message(e), "expected a string, got 42"));
  apic_error_free(e);
  assert_int_equal(apic_op_call(api, &GET_WHEN, NULL, NULL, &out, &e), APIC_ERR_DECODE);
  assert_non_null(strstr(apic_error_message(e), "t.when: status 200: $: expected an RFC 3339 date-time"));
  apic_error_free(e);
  assert_int_equal(apic_op_call(api, &GET_WHEN, NULL, NULL, &out, &e), 0);
  assert_string_equal(out, "2024-02-29T10:00:00Z");
  apic_free(out);
  char path[64], key[64], accept[128];
  rt_server_request(srv, 0, path, sizeof path, key, sizeof key);
  rt_server_header(srv, 0, "Accept", accept, sizeof accept);
  assert_string_equal(accept, "application/json, text/plain");
  apic_api_free(api, 0);
  rt_server_stop(srv);
}

static void on_counts(apic_call *call, int status, const void *result, apic_error *err, void (*fn)(void), void *ud)
{
  (void)call, (void)fn;
  const apic_int_map *m = result;
  assert_int_equal(status, 0);
  assert_null(err);
  assert_int_equal(m->count, 2);
  assert_string_equal(m->items[1].key, "sold");
  *(int64_t *)ud = m->items[1].value;
}

/* A map result: an apic_list of entries in the object's order, sync and async. */
static void test_map_results(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  const rt_reply counts = {200, NULL, "{\"available\": 3, \"sold\": 9007199254740993}", 0, 0, NULL, 0};
  rt_server_push(srv, &counts);
  rt_server_push(srv, &counts);
  apic_api *api = api_for(srv);
  void *out = NULL;
  assert_int_equal(apic_op_call(api, &GET_COUNTS, NULL, NULL, &out, NULL), 0);
  const apic_int_map *m = out;
  assert_int_equal(m->count, 2);
  assert_string_equal(m->items[0].key, "available");
  assert_int_equal(m->items[0].value, 3);
  assert_true(m->items[1].value == INT64_C(9007199254740993));
  apic_value_free(out);
  int64_t sold = 0;
  assert_int_equal(apic_op_start(api, &GET_COUNTS, NULL, NULL, on_counts, NULL, &sold, NULL, NULL), 0);
  assert_int_equal(apic_api_run(api), 0);
  assert_true(sold == INT64_C(9007199254740993));
  apic_api_free(api, 0);
  rt_server_stop(srv);
}

typedef struct lines {
  int n;
  char last[64];
} lines;

static int on_line(const void *event, void (*fn)(void), void *ud)
{
  lines *l = ud;
  (void)fn;
  snprintf(l->last, sizeof l->last, "%s", (const char *)event);
  l->n++;
  return 0;
}

/* A stream of text: each event's data as it came, JSON or not; data that is not text ends the
 * stream with DECODE, naming the event. */
static void test_text_streams(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  const rt_reply good = {200, "Content-Type: text/event-stream\n",
                         "id: 1\ndata: {\"not\": \"decoded\"}\n\nid: 2\ndata: two\ndata: lines\n\n", 0, 0, NULL, 0};
  const rt_reply bad = {200, "Content-Type: text/event-stream\n", "id: 1\ndata: ok\n\nid: 2\ndata: \xc3\n\n", 0, 0, NULL, 0};
  rt_server_push(srv, &good);
  rt_server_push(srv, &bad);
  apic_api *api = api_for(srv);
  lines l = {0};
  apic_error *e = NULL;
  assert_int_equal(apic_op_stream_sync(api, &GET_LINES, NULL, NULL, on_line, NULL, &l, &e), 0);
  assert_int_equal(l.n, 2);
  assert_string_equal(l.last, "two\nlines");
  l.n = 0;
  assert_int_equal(apic_op_stream_sync(api, &GET_LINES, NULL, NULL, on_line, NULL, &l, &e), APIC_ERR_DECODE);
  assert_int_equal(l.n, 1);
  assert_non_null(strstr(apic_error_message(e), "t.lines: event 2: the data is not UTF-8 text"));
  apic_error_free(e);
  char accept[128];
  rt_server_header(srv, 0, "Accept", accept, sizeof accept);
  assert_string_equal(accept, "text/event-stream");
  apic_api_free(api, 0);
  rt_server_stop(srv);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_results),
      cmocka_unit_test(test_map_results),
      cmocka_unit_test(test_text_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
