/* Downloads (`-> bytes`, tests/e2e/shapes.api's files resource) against the mock: into memory
 * under the client's 1 MiB max_body, over it, and into a sink (a write callback or a FILE) past
 * it with no cap; a sink stopping, a server cutting the body short, and retries that must not
 * hand a sink any byte twice. Sync and async. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "e2e.h"
#include "shapes/shapes.h"

#define CAP ((size_t)1 << 20) /* the client's max_body */

typedef struct fixture {
  apic_mock *mock;
  shapes_client *c;
} fixture;

static size_t largest_alloc; /* the largest allocation libapic made while tracking */
static int tracking;

static void *track_malloc(void *ctx, size_t size)
{
  (void)ctx;
  if (tracking && size > largest_alloc)
    largest_alloc = size;
  return malloc(size);
}
static void *track_realloc(void *ctx, void *ptr, size_t size)
{
  (void)ctx;
  if (tracking && size > largest_alloc)
    largest_alloc = size;
  return realloc(ptr, size);
}
static void track_free(void *ctx, void *ptr)
{
  (void)ctx;
  free(ptr);
}

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  f->mock = mt_start("shapes", &mo);
  shapes_client_options o = {.base_url = e2e_base(f->mock), .api_key = "shapes-key"};
  o.http.backoff_initial_ms = 5;
  o.http.max_body = CAP;
  assert_int_equal(shapes_client_new(&o, &f->c, NULL), 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  shapes_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

static int reset(void **state)
{
  fixture *f = *state;
  mt_resp r;
  mt_req(f->mock, "POST", "/__mock/reset", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  return 0;
}

#define OK(call)                                                                                     \
  do {                                                                                               \
    int rc_ = (call);                                                                                \
    if (rc_ != 0)                                                                                    \
      shapes_error_print(err, stderr);                                                               \
    assert_int_equal(rc_, 0);                                                                        \
  } while (0)

/* Byte i of a download the mock makes (docs/mock.md, "Downloads"). */
static uint8_t byte_at(uint64_t i)
{
  return (uint8_t)(((uint32_t)i * 2654435761u) >> 24);
}

/* What a sink saw: a running FNV-1a of the bytes, how many, whether each was the one the mock
 * makes at its offset, and where to stop (0: never). */
typedef struct seen {
  uint64_t hash, n, stop_at;
  int mismatch, calls;
} seen;

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211u;
  return h;
}

static size_t on_bytes(const uint8_t *data, size_t len, void *user_data)
{
  seen *s = user_data;
  s->calls++;
  size_t take = s->stop_at != 0 && s->n + len > s->stop_at ? (size_t)(s->stop_at - s->n) : len;
  for (size_t i = 0; i < take; i++)
    s->mismatch |= data[i] != byte_at(s->n + i);
  s->hash = fnv(s->hash, data, take);
  s->n += take;
  return take;
}

static uint64_t made_hash(uint64_t n)
{
  uint64_t h = 14695981039346656037u;
  for (uint64_t i = 0; i < n; i++) {
    uint8_t b = byte_at(i);
    h = fnv(h, &b, 1);
  }
  return h;
}

static shapes_files_download_params sized(const int64_t *size)
{
  return (shapes_files_download_params){.size = size};
}

/* Into memory: the bytes stored with put come back exactly (NULs and all), the ones the mock
 * makes too, an empty body is an empty result, and the Content-Type comes along. */
static void into_memory(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  uint8_t data[3000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)(i * 7 % 256); /* a NUL every so often */
  OK(shapes_files_put(f->c, "f1", &(apic_bytes){data, sizeof data}, NULL, &err));
  shapes_files_download_result *r = NULL;
  OK(shapes_files_download(f->c, "f1", NULL, NULL, &r, &err));
  assert_int_equal(r->body_len, sizeof data);
  assert_memory_equal(r->body, data, sizeof data);
  assert_string_equal(r->content_type, "application/octet-stream");
  shapes_files_download_result *copy = shapes_files_download_result_copy(r);
  assert_memory_equal(copy->body, data, sizeof data);
  shapes_files_download_result_free(copy);
  shapes_files_download_result_free(r);
  shapes_files_download_params p = sized(APIC_INT(70000));
  OK(shapes_files_download(f->c, "f2", &p, NULL, &r, &err));
  assert_int_equal(r->body_len, 70000);
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  on_bytes(r->body, r->body_len, &s);
  assert_false(s.mismatch);
  shapes_files_download_result_free(r);
  p = sized(APIC_INT(0));
  OK(shapes_files_download(f->c, "f2", &p, NULL, &r, &err));
  assert_int_equal(r->body_len, 0);
  assert_non_null(r->body);
  shapes_files_download_result_free(r);
  shapes_files_thumb_result *t = NULL;
  OK(shapes_files_thumb(f->c, "f1", NULL, &t, &err));
  assert_int_equal(t->body_len, 1024);
  assert_non_null(t->width); /* a declared header beside the bytes */
  shapes_files_thumb_result_free(t);
}

/* Over the client's max_body: TOO_LARGE, refused by Content-Length before a byte is read. */
static void over_the_cap(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  shapes_files_download_result *r = NULL;
  shapes_files_download_params p = sized(APIC_INT((int64_t)CAP + 1));
  assert_int_equal(shapes_files_download(f->c, "big", &p, NULL, &r, &err), APIC_ERR_TOO_LARGE);
  assert_null(r);
  assert_int_equal(apic_error_code(shapes_error_core(err)), APIC_ERR_TOO_LARGE);
  assert_non_null(strstr(shapes_error_message(err), "larger than"));
  shapes_error_free(err);
  p = sized(APIC_INT((int64_t)CAP));
  OK(shapes_files_download(f->c, "big", &p, NULL, &r, &err)); /* the cap itself fits */
  assert_int_equal(r->body_len, CAP);
  shapes_files_download_result_free(r);
}

/* To a write callback, 8 MiB past the 1 MiB cap, checked byte by byte and by hash; libapic
 * never holds the body (no allocation near its size). */
static void into_a_callback(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  const uint64_t n = 8u << 20;
  shapes_files_download_params p = sized(APIC_INT((int64_t)n));
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  shapes_files_download_result *r = NULL;
  largest_alloc = 0;
  tracking = 1;
  OK(shapes_files_download_to(f->c, "huge", &p, NULL, &(apic_sink){.write = on_bytes, .user_data = &s}, &r, &err));
  tracking = 0;
  assert_true(largest_alloc < CAP);
  assert_int_equal(s.n, n);
  assert_false(s.mismatch);
  assert_true(s.calls > 1);
  assert_true(s.hash == made_hash(n));
  assert_null(r->body);
  assert_int_equal(r->body_len, n);
  assert_string_equal(r->content_type, "application/octet-stream");
  shapes_files_download_result_free(r);
  s = (seen){14695981039346656037u, 0, 0, 0, 0}; /* out may be NULL */
  OK(shapes_files_download_to(f->c, "huge", &p, NULL, &(apic_sink){.write = on_bytes, .user_data = &s}, NULL, &err));
  assert_int_equal(s.n, n);
  assert_int_equal(shapes_files_download_to(f->c, "huge", &p, NULL, &(apic_sink){0}, NULL, &err),
                   APIC_ERR_INVALID_ARG); /* no write, no file */
  assert_int_equal(shapes_error_kind_of(err), SHAPES_ERROR_INVALID_ARGUMENT);
  shapes_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), 2); /* nothing sent for the refused one */
}

/* To a FILE (tmpfile): every byte there, in order. */
static void into_a_file(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  const uint64_t n = 3u << 20;
  FILE *fp = tmpfile();
  assert_non_null(fp);
  shapes_files_download_params p = sized(APIC_INT((int64_t)n));
  shapes_files_download_result *r = NULL;
  OK(shapes_files_download_to(f->c, "file", &p, NULL, &(apic_sink){.file = fp}, &r, &err));
  assert_int_equal(r->body_len, n);
  shapes_files_download_result_free(r);
  assert_int_equal(ftell(fp), (long)n);
  rewind(fp);
  uint8_t buf[65536];
  uint64_t at = 0;
  int mismatch = 0;
  for (size_t got; (got = fread(buf, 1, sizeof buf, fp)) > 0; at += got)
    for (size_t i = 0; i < got; i++)
      mismatch |= buf[i] != byte_at(at + i);
  assert_int_equal(at, n);
  assert_false(mismatch);
  fclose(fp);
}

/* A sink that takes less than it was given stops the download: SINK, never retried, with what
 * it took counted. A FILE that cannot be written (/dev/full) is the same, with errno's text. */
static void a_sink_stops_it(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  shapes_files_download_params p = sized(APIC_INT(4 << 20));
  seen s = {14695981039346656037u, 0, 100000, 0, 0};
  shapes_files_download_result *r = NULL;
  assert_int_equal(shapes_files_download_to(f->c, "stop", &p, NULL, &(apic_sink){.write = on_bytes, .user_data = &s},
                                            &r, &err),
                   APIC_ERR_SINK);
  assert_null(r);
  assert_int_equal(s.n, 100000);
  assert_int_equal(shapes_error_kind_of(err), SHAPES_ERROR_SINK);
  assert_string_equal(shapes_error_kind_name(SHAPES_ERROR_SINK), "SINK");
  assert_non_null(strstr(shapes_error_message(err), "files.download: the sink stopped the download after 100000 bytes"));
  assert_int_equal(shapes_error_attempts(err), 1);
  shapes_error_free(err);
  FILE *full = fopen("/dev/full", "wb");
  if (full != NULL) {
    setvbuf(full, NULL, _IONBF, 0); /* each piece written as it comes */
    assert_int_equal(shapes_files_download_to(f->c, "stop", &p, NULL, &(apic_sink){.file = full}, NULL, &err),
                     APIC_ERR_SINK);
    assert_non_null(strstr(shapes_error_message(err), "after 0 bytes: No space left on device"));
    shapes_error_free(err);
    fclose(full);
  }
  assert_int_equal(e2e_request_count(f->mock), full != NULL ? 2 : 1);
}

/* The server closes the connection mid-body: into a sink, CONNECTION_LOST after the bytes that
 * came (each once: no retry, which would repeat them); into memory, the call is retried and
 * the result whole. */
static void connection_lost_mid_way(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  shapes_files_download_params p = sized(APIC_INT(2 << 20));
  mt_fault(f->mock, "{\"path\": \"/files/cut/content\", \"truncate\": 300000}");
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  assert_int_equal(shapes_files_download_to(f->c, "cut", &p, NULL, &(apic_sink){.write = on_bytes, .user_data = &s},
                                            NULL, &err),
                   APIC_ERR_CONNECTION_LOST);
  assert_int_equal(shapes_error_kind_of(err), SHAPES_ERROR_CONNECTION);
  assert_int_equal(shapes_error_attempts(err), 1);
  shapes_error_free(err);
  assert_int_equal(s.n, 300000);
  assert_false(s.mismatch);
  assert_int_equal(e2e_request_count(f->mock), 1);
  p = sized(APIC_INT(500000));
  mt_fault(f->mock, "{\"path\": \"/files/cut/content\", \"truncate\": 200000}");
  shapes_files_download_result *r = NULL;
  OK(shapes_files_download(f->c, "cut", &p, NULL, &r, &err));
  assert_int_equal(r->body_len, 500000);
  assert_int_equal(r->body[499999], byte_at(499999));
  shapes_files_download_result_free(r);
  assert_int_equal(e2e_request_count(f->mock), 3);
}

/* Failures before the first byte are retried as any call is, and the sink still gets each
 * byte once: a 503, then a connection closed without an answer. */
static void retries_before_the_first_byte(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  const uint64_t n = 1500000;
  shapes_files_download_params p = sized(APIC_INT((int64_t)n));
  mt_fault(f->mock, "[{\"path\": \"/files/again/content\", \"status\": 503}, {\"path\": \"/files/again/content\", \"drop\": true}]");
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  shapes_files_download_result *r = NULL;
  OK(shapes_files_download_to(f->c, "again", &p, NULL, &(apic_sink){.write = on_bytes, .user_data = &s}, &r, &err));
  assert_int_equal(s.n, n);
  assert_true(s.hash == made_hash(n));
  assert_int_equal(r->body_len, n);
  shapes_files_download_result_free(r);
  assert_int_equal(e2e_request_count(f->mock), 3);
}

typedef struct async_end {
  int status, calls;
  uint64_t body_len;
  shapes_error_kind kind;
} async_end;

static void on_download(apic_call *call, int status, const shapes_files_download_result *result,
                        const shapes_error *err, void *user_data)
{
  async_end *e = user_data;
  (void)call;
  e->calls++;
  e->status = status;
  e->body_len = result != NULL ? result->body_len : 0;
  e->kind = shapes_error_kind_of(err);
  if (result != NULL && result->body != NULL) /* into memory: the bytes the mock makes */
    for (size_t i = 0; i < result->body_len; i++)
      assert_int_equal(result->body[i], byte_at(i));
}

/* Async: into memory, into a sink past the cap, a sink stopping. */
static void async_downloads(void **state)
{
  fixture *f = *state;
  shapes_files_download_params small = sized(APIC_INT(5000)), big = sized(APIC_INT(6 << 20));
  async_end mem = {0}, sunk = {0}, stopped = {0};
  seen s = {14695981039346656037u, 0, 0, 0, 0}, t = {14695981039346656037u, 0, 65536, 0, 0};
  assert_int_equal(shapes_files_download_async(f->c, "a", &small, NULL, on_download, &mem, NULL, NULL), 0);
  assert_int_equal(shapes_files_download_to_async(f->c, "b", &big, NULL, &(apic_sink){.write = on_bytes, .user_data = &s},
                                                  on_download, &sunk, NULL, NULL),
                   0);
  assert_int_equal(shapes_files_download_to_async(f->c, "c", &big, NULL, &(apic_sink){.write = on_bytes, .user_data = &t},
                                                  on_download, &stopped, NULL, NULL),
                   0);
  assert_int_equal(shapes_files_download_to_async(f->c, "d", &big, NULL, NULL, on_download, &stopped, NULL, NULL),
                   APIC_ERR_INVALID_ARG);
  assert_int_equal(shapes_client_run(f->c), 0);
  assert_int_equal(mem.calls, 1);
  assert_int_equal(mem.status, 0);
  assert_int_equal(mem.body_len, 5000);
  assert_int_equal(sunk.calls, 1);
  assert_int_equal(sunk.status, 0);
  assert_int_equal(sunk.body_len, 6 << 20);
  assert_true(s.hash == made_hash(6 << 20));
  assert_int_equal(stopped.calls, 1);
  assert_int_equal(stopped.status, APIC_ERR_SINK);
  assert_int_equal(stopped.kind, SHAPES_ERROR_SINK);
  assert_int_equal(t.n, 65536);
}

/* An error status is not the download: its body stays in the error (typed by the spec), and
 * the sink gets nothing. */
static void error_statuses_skip_the_sink(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  mt_fault(f->mock, "{\"path\": \"/files/gone/content\", \"status\": 404, \"body\": {\"detail\": \"no such file\"}}");
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  assert_int_equal(shapes_files_download_to(f->c, "gone", NULL, NULL, &(apic_sink){.write = on_bytes, .user_data = &s},
                                            NULL, &err),
                   APIC_ERR_HTTP);
  assert_int_equal(s.calls, 0);
  assert_non_null(shapes_error_as_not_found(err));
  assert_string_equal(shapes_error_as_not_found(err)->detail, "no such file");
  shapes_error_free(err);
}

typedef struct canceller { /* a sink that cancels its own call after some bytes */
  apic_call *call;
  uint64_t n, after;
} canceller;

static size_t cancel_after(const uint8_t *data, size_t len, void *user_data)
{
  canceller *k = user_data;
  (void)data;
  k->n += len;
  if (k->n >= k->after)
    apic_call_cancel(k->call);
  return len; /* it took every byte: the end is CANCELLED, not SINK */
}

/* Cancelled mid-way is CANCELLED (the sink took all it was given); as group members, each
 * download's status is kept in order. */
static void cancel_and_groups(void **state)
{
  fixture *f = *state;
  shapes_files_download_params big = sized(APIC_INT(8 << 20)), small = sized(APIC_INT(4096));
  canceller k = {NULL, 0, 200000};
  async_end ended = {0};
  assert_int_equal(shapes_files_download_to_async(f->c, "x", &big, NULL, &(apic_sink){.write = cancel_after, .user_data = &k},
                                                  on_download, &ended, &k.call, NULL),
                   0);
  assert_int_equal(shapes_client_run(f->c), 0);
  assert_int_equal(ended.calls, 1);
  assert_int_equal(ended.status, APIC_ERR_CANCELLED);
  assert_int_equal(ended.kind, SHAPES_ERROR_CANCELLED);
  assert_true(k.n >= 200000 && k.n < (8u << 20));
  apic_group *g = NULL;
  assert_int_equal(shapes_group_new(f->c, APIC_GROUP_GATHER, &g), 0);
  apic_call_options o = {.group = g};
  async_end ends[2] = {{0}};
  seen s = {14695981039346656037u, 0, 0, 0, 0};
  assert_int_equal(shapes_files_download_to_async(f->c, "y", &big, &o, &(apic_sink){.write = on_bytes, .user_data = &s},
                                                  on_download, &ends[0], NULL, NULL),
                   0);
  assert_int_equal(shapes_files_download_async(f->c, "z", &small, &o, on_download, &ends[1], NULL, NULL), 0);
  assert_int_equal(apic_group_wait(g), 0);
  assert_int_equal(apic_group_status(g, 0), 0);
  assert_int_equal(apic_group_status(g, 1), 0);
  assert_int_equal(ends[0].body_len, 8 << 20);
  assert_int_equal(ends[1].body_len, 4096);
  assert_true(s.hash == made_hash(8 << 20));
  apic_group_free(g);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(into_memory, reset),
      cmocka_unit_test_setup(over_the_cap, reset),
      cmocka_unit_test_setup(into_a_callback, reset),
      cmocka_unit_test_setup(into_a_file, reset),
      cmocka_unit_test_setup(a_sink_stops_it, reset),
      cmocka_unit_test_setup(connection_lost_mid_way, reset),
      cmocka_unit_test_setup(retries_before_the_first_byte, reset),
      cmocka_unit_test_setup(async_downloads, reset),
      cmocka_unit_test_setup(error_statuses_skip_the_sink, reset),
      cmocka_unit_test_setup(cancel_and_groups, reset),
  };
  apic_allocator tracker = {track_malloc, track_realloc, track_free, NULL};
  apic_set_allocator(&tracker);
  return cmocka_run_group_tests(tests, setup, teardown);
}
