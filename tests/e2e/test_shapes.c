/* The shapes the shipped specs do not have (tests/e2e/shapes.api), generated at build time and
 * run against the mock serving the same spec: results that are text, numbers, bools, enums,
 * arrays and maps of those, streams of text (one whose request is multipart); sync and async. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "apic/datetime.h"
#include "apic/formats.h"
#include "e2e.h"
#include "shapes/shapes.h"

typedef struct fixture {
  apic_mock *mock;
  shapes_client *c;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  mo.log_secrets = 1;
  f->mock = mt_start("shapes", &mo);
  shapes_client_options o = {.base_url = e2e_base(f->mock), .api_key = "shapes-key"};
  o.http.backoff_initial_ms = 5;
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

/* Before each test: the mock's store, log and faults emptied. */
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

static int known_color(shapes_color c)
{
  return c == SHAPES_COLOR_RED || c == SHAPES_COLOR_GREEN || c == SHAPES_COLOR_BLUE;
}

static int on_line(const char *event, void *user_data)
{
  int *n = user_data;
  assert_non_null(strstr(event, "sample-"));
  ++*n;
  return 0;
}

static void results_sync(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char *text = NULL, *when = NULL, *day = NULL;
  OK(shapes_values_text(f->c, NULL, &text, &err));
  assert_non_null(strstr(text, "sample-")); /* the JSON string, unquoted */
  OK(shapes_values_when(f->c, NULL, &when, &err));
  assert_int_equal(apic_datetime_parse(when, NULL, NULL), 0);
  OK(shapes_values_day(f->c, NULL, &day, &err));
  assert_true(apic_date_valid(day));
  apic_free(text), apic_free(when), apic_free(day);
  char *key = NULL;
  int32_t small = -1;
  OK(shapes_values_key(f->c, NULL, &key, &err));
  assert_true(apic_uuid_valid(key));
  apic_free(key);
  OK(shapes_values_small(f->c, NULL, &small, &err));
  assert_in_range(small, 0, 100);

  int64_t count = -1;
  double ratio = -1;
  bool flag = true;
  shapes_color color = SHAPES_COLOR_UNKNOWN;
  OK(shapes_values_count(f->c, NULL, &count, &err));
  assert_in_range(count, 0, 100);
  OK(shapes_values_ratio(f->c, NULL, &ratio, &err));
  assert_true(ratio >= 0 && ratio <= 100);
  OK(shapes_values_flag(f->c, NULL, &flag, &err));
  OK(shapes_values_color(f->c, NULL, &color, &err));
  assert_true(known_color(color));

  apic_string_list *names = NULL;
  apic_int_list *numbers = NULL;
  shapes_color_list *colors = NULL;
  OK(shapes_values_names(f->c, NULL, &names, &err));
  assert_int_equal(names->count, 1);
  assert_non_null(strstr(names->items[0], "sample-"));
  OK(shapes_values_numbers(f->c, NULL, &numbers, &err));
  assert_int_equal(numbers->count, 1);
  OK(shapes_values_colors(f->c, NULL, &colors, &err));
  assert_int_equal(colors->count, 1);
  assert_true(known_color(colors->items[0]));
  apic_value_free(names), apic_value_free(numbers), apic_value_free(colors);

  apic_int_map *counts = NULL;
  shapes_item_map *items = NULL;
  shapes_color_map *hues = NULL;
  OK(shapes_values_counts(f->c, NULL, &counts, &err));
  assert_int_equal(counts->count, 1);
  assert_string_equal(counts->items[0].key, "key");
  OK(shapes_values_items(f->c, NULL, &items, &err));
  assert_int_equal(items->count, 1);
  assert_non_null(items->items[0].value.name);
  shapes_item_map *kept = shapes_item_map_copy(items);
  shapes_item_map_free(items);
  assert_string_equal(kept->items[0].key, "key");
  shapes_item_map_free(kept);
  OK(shapes_values_hues(f->c, NULL, &hues, &err));
  assert_true(known_color(hues->items[0].value));
  apic_value_free(counts), apic_value_free(hues);

  OK(shapes_values_nothing(f->c, NULL, &err));
  int lines = 0;
  OK(shapes_values_lines(f->c, NULL, on_line, &lines, &err));
  assert_int_equal(lines, 5);
  /* text results ask for JSON or text, streams for events (once: the stream's Accept only) */
  cJSON *log = e2e_requests(f->mock);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 0), "Accept"), "application/json, text/plain");
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 5), "Accept"), "application/json");
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1), "Accept"), "text/event-stream");
  cJSON_Delete(log);
}

/* Async: each callback is lent its result in the C form the sync call hands out. */
static int done_count, ok_count;
static void on_text(apic_call *call, int status, const char *r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && strstr(r, "sample-") != NULL;
}
static void on_count(apic_call *call, int status, int64_t r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r >= 0 && r <= 100;
}
static void on_ratio(apic_call *call, int status, double r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r >= 0;
}
static void on_flag(apic_call *call, int status, bool r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud, (void)r;
  done_count++;
  ok_count += status == 0;
}
static void on_color(apic_call *call, int status, shapes_color r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && known_color(r);
}
static void on_names(apic_call *call, int status, const apic_string_list *r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r->count == 1;
}
static void on_counts(apic_call *call, int status, const apic_int_map *r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r->count == 1;
}
static void on_items(apic_call *call, int status, const shapes_item_map *r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r->count == 1 && r->items[0].value.id != NULL;
}
static void on_nothing(apic_call *call, int status, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0;
}
static void on_lines_end(int status, const shapes_error *err, void *ud)
{
  (void)err, (void)ud;
  done_count++;
  ok_count += status == 0;
}

static void results_async(void **state)
{
  fixture *f = *state;
  done_count = ok_count = 0;
  int lines = 0;
  assert_int_equal(shapes_values_text_async(f->c, NULL, on_text, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_when_async(f->c, NULL, NULL, NULL, NULL, NULL), APIC_ERR_INVALID_ARG); /* no callback */
  assert_int_equal(shapes_values_count_async(f->c, NULL, on_count, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_ratio_async(f->c, NULL, on_ratio, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_flag_async(f->c, NULL, on_flag, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_color_async(f->c, NULL, on_color, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_names_async(f->c, NULL, on_names, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_counts_async(f->c, NULL, on_counts, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_items_async(f->c, NULL, on_items, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_nothing_async(f->c, NULL, on_nothing, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_values_lines_async(f->c, NULL, on_line, on_lines_end, &lines, NULL, NULL), 0);
  assert_int_equal(shapes_client_run(f->c), 0);
  assert_int_equal(done_count, 10);
  assert_int_equal(ok_count, 10);
  assert_int_equal(lines, 5);
}

/* A text result comes as a JSON string or, from a body that is not JSON, as the body itself;
 * either must be text, and a date-time must be one. */
static void text_results_take_plain_bodies(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char *text = NULL;
  mt_fault(f->mock, "{\"path\": \"/values/text\", \"status\": 200, \"headers\": {\"Content-Type\": \"text/plain; charset=utf-8\"},"
           " \"body\": \"plain \\\"words\\\"\"}");
  OK(shapes_values_text(f->c, NULL, &text, &err));
  assert_string_equal(text, "plain \"words\"");
  apic_free(text);
  mt_fault(f->mock, "{\"path\": \"/values/text\", \"status\": 200, \"body\": \"12\"}"); /* JSON, not a string */
  assert_int_equal(shapes_values_text(f->c, NULL, &text, &err), APIC_ERR_DECODE);
  assert_null(text);
  assert_int_equal(shapes_error_kind_of(err), SHAPES_ERROR_DECODE);
  shapes_error_free(err);
  mt_fault(f->mock, "{\"path\": \"/values/when\", \"status\": 200, \"headers\": {\"Content-Type\": \"text/plain\"},"
           " \"body\": \"yesterday\"}");
  assert_int_equal(shapes_values_when(f->c, NULL, &text, &err), APIC_ERR_DECODE);
  assert_non_null(strstr(shapes_error_message(err), "date-time"));
  shapes_error_free(err);
  mt_fault(f->mock, "{\"path\": \"/values/count\", \"status\": 200, \"body\": \"\\\"seven\\\"\"}");
  int64_t n = 99;
  assert_int_equal(shapes_values_count(f->c, NULL, &n, &err), APIC_ERR_DECODE);
  assert_int_equal(n, 0); /* a value out: zero on failure */
  shapes_error_free(err);
}

/* Response headers beside the body, in one struct freed whole: required ones plain values,
 * optional ones pointers; a required one absent is DECODE, an optional one malformed NULL. */
static void response_headers(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  shapes_session_login_params lp = {.user = "ann"};
  shapes_session_login_result *login = NULL;
  OK(shapes_session_login(f->c, &lp, NULL, &login, &err));
  assert_non_null(strstr(login->body, "sample-"));
  assert_in_range(login->rate_limit, 0, 100);
  assert_non_null(login->expires_after);
  assert_int_equal(apic_datetime_parse(login->expires_after, NULL, NULL), 0);
  assert_non_null(login->color);
  assert_true(known_color(*login->color));
  shapes_session_login_result *kept = shapes_session_login_result_copy(login);
  shapes_session_login_result_free(login);
  assert_non_null(strstr(kept->body, "sample-"));
  shapes_session_login_result_free(kept);

  shapes_session_profile_result *profile = NULL;
  OK(shapes_session_profile(f->c, NULL, &profile, &err));
  assert_non_null(profile->body.name);
  assert_non_null(profile->etag);
  shapes_session_profile_result_free(profile);
  shapes_session_tags_result *tags = NULL;
  OK(shapes_session_tags(f->c, NULL, &tags, &err));
  assert_int_equal(tags->body_count, 1);
  assert_in_range(tags->total, 0, 100);
  shapes_session_tags_result_free(tags);
  shapes_session_ping_result *ping = NULL;
  OK(shapes_session_ping(f->c, NULL, &ping, &err));
  assert_int_equal(apic_datetime_parse(ping->server_time, NULL, NULL), 0);
  shapes_session_ping_result_free(ping);

  mt_fault(f->mock, "{\"path\": \"/session/login\", \"status\": 200, \"body\": \"\\\"tok\\\"\","
           " \"headers\": {\"X-Rate-Limit\": 7, \"X-Expires-After\": \"tomorrow\", \"X-Color\": \"mauve\"}}");
  OK(shapes_session_login(f->c, &lp, NULL, &login, &err));
  assert_string_equal(login->body, "tok");
  assert_int_equal(login->rate_limit, 7);
  assert_null(login->expires_after); /* not a date-time */
  assert_int_equal(*login->color, SHAPES_COLOR_UNKNOWN);
  assert_string_equal(login->color_unknown, "mauve");
  shapes_session_login_result_free(login);
  mt_fault(f->mock, "{\"path\": \"/session/login\", \"status\": 200, \"body\": \"\\\"tok\\\"\"}");
  assert_int_equal(shapes_session_login(f->c, &lp, NULL, &login, &err), APIC_ERR_DECODE);
  assert_null(login);
  assert_non_null(strstr(shapes_error_message(err), "the response has no X-Rate-Limit header"));
  shapes_error_free(err);
}

static void on_login(apic_call *call, int status, const shapes_session_login_result *r, const shapes_error *err,
                     void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0 && r->expires_after != NULL && strstr(r->body, "sample-") != NULL;
}

static void response_headers_async(void **state)
{
  fixture *f = *state;
  done_count = ok_count = 0;
  shapes_session_login_params lp = {.user = "ann"};
  assert_int_equal(shapes_session_login_async(f->c, &lp, NULL, on_login, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_client_run(f->c), 0);
  assert_int_equal(done_count, 1);
  assert_int_equal(ok_count, 1);
}

/* The last request the mock logged (caller deletes). */
static cJSON *last_request(fixture *f)
{
  cJSON *log = e2e_requests(f->mock);
  cJSON *last = cJSON_DetachItemFromArray(log, cJSON_GetArraySize(log) - 1);
  cJSON_Delete(log);
  return last;
}

static shapes_thing *new_thing(fixture *f, const char *name)
{
  shapes_new_thing body = {.name = name};
  shapes_thing *t = NULL;
  shapes_error *err = NULL;
  OK(shapes_things_create(f->c, &body, NULL, &t, &err));
  return t;
}

/* A form body: each field encoded as a query parameter is (arrays as the name repeated), and
 * the mock merges it into the stored item, as the pet store's updatePetWithForm. */
static void form_bodies(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  shapes_thing *t = new_thing(f, "old"), *after = NULL;
  shapes_things_rename_body form = {.name = "new name & more \xc3\xa9", .status = APIC_ENUM(shapes_color, SHAPES_COLOR_BLUE),
                                    .tags = (const char *[]){"a", "b c"}, .tags_count = 2};
  OK(shapes_things_rename(f->c, t->id, &form, NULL, &err));
  cJSON *req = last_request(f);
  assert_string_equal(e2e_header(req, "Content-Type"), "application/x-www-form-urlencoded");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(req, "body")),
                      "name=new%20name%20%26%20more%20%C3%A9&status=blue&tags=a&tags=b%20c");
  cJSON_Delete(req);
  OK(shapes_things_get(f->c, t->id, NULL, &after, &err));
  assert_string_equal(after->name, "new name & more \xc3\xa9");
  assert_int_equal(*after->status, SHAPES_COLOR_BLUE);
  assert_int_equal(after->tags_count, 2);
  assert_string_equal(after->tags[1], "b c");
  shapes_thing_free(after);
  OK(shapes_things_rename(f->c, t->id, NULL, NULL, &err)); /* nothing set: an empty form */
  shapes_things_rename_body empty = {.name = ""};
  assert_int_equal(shapes_things_rename(f->c, t->id, &empty, NULL, &err), APIC_ERR_INVALID_ARG); /* @min_len(1) */
  assert_non_null(strstr(shapes_error_message(err), "things.rename: body: $.name"));
  shapes_error_free(err);
  /* the mock checks a form as it checks parameters */
  char path[64];
  snprintf(path, sizeof path, "/things/%lld", (long long)t->id);
  mt_resp r;
  const char *form_type = "Authorization: Bearer k\nContent-Type: application/x-www-form-urlencoded";
  mt_req(f->mock, "POST", path, "status=mauve", form_type, &r);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "form.status: \\\"mauve\\\" is not a value of Color"));
  mt_free(&r);
  mt_req(f->mock, "POST", path, "nickname=x", form_type, &r);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "form.nickname: unknown field"));
  mt_free(&r);
  mt_req(f->mock, "POST", path, "{\"name\": \"x\"}", "Authorization: Bearer k\nContent-Type: application/json", &r);
  assert_int_equal(r.status, 400);
  mt_free(&r);
  shapes_thing_free(t);
}

/* Allocations libapic makes on the test's thread (not the mock's, whose cJSON shares the
 * allocator), the largest one noted: a file part is never read whole. */
static _Thread_local int tracking;
static size_t largest_alloc;
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

/* A multipart body: text fields, a file streamed from disk (libapic never holds it whole),
 * files from memory with a name and a type; the mock checks the parts are there. */
static void multipart_bodies(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char file[] = "/tmp/apic-shapes-XXXXXX";
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "wb");
  for (int i = 0; i < 25000; i++) /* 600 KB */
    fprintf(fp, "line %05d of the photo\n", i);
  fclose(fp);
  shapes_thing *t = new_thing(f, "with photo");
  apic_file extras[] = {{.data = "tiny", .len = 4, .filename = "tiny.txt", .content_type = "text/plain"},
                        {.data = "\x89PNG", .len = 4, .filename = "x.png"}};
  shapes_things_upload_body body = {.caption = "a cat", .count = APIC_INT(2), .photo = {.path = file},
                                    .extras = extras, .extras_count = 2};
  shapes_item *item = NULL;
  largest_alloc = 0;
  tracking = 1;
  OK(shapes_things_upload(f->c, t->id, &body, NULL, &item, &err));
  tracking = 0;
  assert_true(largest_alloc < 64 * 1024);
  shapes_item_free(item);
  cJSON *req = last_request(f);
  assert_int_equal(strncmp(e2e_header(req, "Content-Type"), "multipart/form-data; boundary=", 30), 0);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(req, "body_bytes")) > 600000); /* the file and the parts around it */
  cJSON_Delete(req);
  /* a small one of text, whose body the log keeps: every part with its name, filename and type */
  body.photo = (apic_file){.data = "PHOTO", .len = 5, .filename = "cat.jpg", .content_type = "image/jpeg"};
  body.extras_count = 1;
  OK(shapes_things_upload(f->c, t->id, &body, NULL, &item, &err));
  shapes_item_free(item);
  req = last_request(f);
  const char *sent = cJSON_GetStringValue(cJSON_GetObjectItem(req, "body"));
  assert_non_null(sent);
  assert_non_null(strstr(sent, "name=\"caption\"\r\n\r\na cat\r\n"));
  assert_non_null(strstr(sent, "name=\"count\"\r\n\r\n2\r\n"));
  assert_non_null(strstr(sent, "name=\"photo\"; filename=\"cat.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nPHOTO"));
  assert_non_null(strstr(sent, "name=\"extras\"; filename=\"tiny.txt\"\r\nContent-Type: text/plain\r\n\r\ntiny"));
  cJSON_Delete(req);
  /* a file that cannot be read, and no photo at all: nothing is sent */
  int before = e2e_request_count(f->mock);
  body.photo = (apic_file){.path = "/nonexistent/photo.jpg"};
  assert_int_equal(shapes_things_upload(f->c, t->id, &body, NULL, &item, &err), APIC_ERR_INVALID_ARG);
  assert_non_null(strstr(shapes_error_message(err), "photo: cannot read /nonexistent/photo.jpg"));
  shapes_error_free(err);
  body.photo = (apic_file){0};
  assert_int_equal(shapes_things_upload(f->c, t->id, &body, NULL, &item, &err), APIC_ERR_INVALID_ARG);
  assert_non_null(strstr(shapes_error_message(err), "$.photo: a file without a path or data"));
  shapes_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), before);
  /* the mock wants the photo */
  char path[64];
  snprintf(path, sizeof path, "/things/%lld/photo", (long long)t->id);
  mt_resp r;
  mt_req(f->mock, "POST", path, "--bound\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nx\r\n--bound--\r\n",
         "Authorization: Bearer k\nContent-Type: multipart/form-data; boundary=bound", &r);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "multipart.photo: required file missing"));
  mt_free(&r);
  unlink(file);
  shapes_thing_free(t);
}

/* The events of a multipart stream; the second rewrites the file before the drop after it. */
struct transcript {
  const char *file;
  int lines;
};

static int on_transcript(const char *event, void *user_data)
{
  struct transcript *t = user_data;
  assert_non_null(strstr(event, "sample-"));
  if (++t->lines == 2) {
    FILE *fp = fopen(t->file, "wb");
    assert_non_null(fp);
    fputs("AUDIO-TWO", fp);
    fclose(fp);
  }
  return 0;
}

/* A stream whose request is multipart (a text field, a file from a path): the events arrive,
 * the mock got the parts, and a connection dropped mid-way resumes after the last event with
 * the body sent again, the file read anew. */
static void multipart_stream(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char file[] = "/tmp/apic-shapes-XXXXXX";
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "AUDIO-ONE", 9), 9);
  close(fd);
  shapes_thing *t = new_thing(f, "spoken");
  char fault_json[128];
  snprintf(fault_json, sizeof fault_json, "{\"path\": \"/things/%lld/transcript\", \"sse_drop_after\": 2}",
           (long long)t->id);
  mt_fault(f->mock, fault_json);
  int before = e2e_request_count(f->mock);
  shapes_things_transcribe_body body = {.language = "en", .audio = {.path = file}};
  struct transcript got = {file, 0};
  OK(shapes_things_transcribe(f->c, t->id, &body, NULL, on_transcript, &got, &err));
  assert_int_equal(got.lines, 5); /* 2, then the other 3 after the reconnection */
  cJSON *log = e2e_requests(f->mock);
  assert_int_equal(cJSON_GetArraySize(log), before + 2);
  const char *contents[] = {"AUDIO-ONE", "AUDIO-TWO"};
  char part[128];
  for (int i = 0; i < 2; i++) {
    const cJSON *req = cJSON_GetArrayItem(log, before + i);
    assert_int_equal(strncmp(e2e_header(req, "Content-Type"), "multipart/form-data; boundary=", 30), 0);
    const char *sent = cJSON_GetStringValue(cJSON_GetObjectItem(req, "body"));
    assert_non_null(sent);
    assert_non_null(strstr(sent, "name=\"language\"\r\n\r\nen\r\n"));
    snprintf(part, sizeof part, "name=\"audio\"; filename=\"%s\"\r\n", strrchr(file, '/') + 1);
    assert_non_null(strstr(sent, part));
    snprintf(part, sizeof part, "\r\n\r\n%s\r\n", contents[i]);
    assert_non_null(strstr(sent, part));
  }
  assert_null(e2e_header(cJSON_GetArrayItem(log, before), "Last-Event-ID"));
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, before + 1), "Last-Event-ID"), "2");
  cJSON_Delete(log);
  unlink(file);
  shapes_thing_free(t);
}

/* Raw bodies: text and bytes as they are, with their content types. */
static void raw_bodies(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char *text = NULL;
  shapes_thing *t = new_thing(f, "raw");
  OK(shapes_things_note(f->c, t->id, "plain \"text\"\n", NULL, &text, &err));
  apic_free(text);
  cJSON *req = last_request(f);
  assert_string_equal(e2e_header(req, "Content-Type"), "text/plain; charset=utf-8");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(req, "body")), "plain \"text\"\n");
  cJSON_Delete(req);
  assert_int_equal(shapes_things_note(f->c, t->id, "\xff", NULL, &text, &err), APIC_ERR_INVALID_ARG);
  shapes_error_free(err);
  const uint8_t png[] = {0x89, 'P', 'N', 'G', 0, 1, 2};
  apic_bytes blob = {png, sizeof png};
  int64_t n = 0;
  OK(shapes_things_blob(f->c, t->id, &blob, NULL, &n, &err));
  req = last_request(f);
  assert_string_equal(e2e_header(req, "Content-Type"), "image/png");
  assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(req, "body_bytes")), (int)sizeof png);
  cJSON_Delete(req);
  shapes_thing_free(t);
}

/* Each operation sends its scheme's credential (@auth, else the API's), and only that one;
 * @auth(none) sends none. A scheme without a credential sends nothing, and the mock says 401. */
static void schemes_per_operation(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char *text = NULL;
  shapes_client_options o = {.base_url = e2e_base(f->mock), .api_key = "bearer-key", .login = "ann:s3cret",
                             .query_key = "q-key", .header_key = "h-key"};
  e2e_log log = {0};
  o.http.log = e2e_log_fn;
  o.http.log_ctx = &log;
  shapes_client *c = NULL;
  assert_int_equal(shapes_client_new(&o, &c, NULL), 0);
  shapes_guarded_query_params qp = {.q = "x"};
  OK(shapes_guarded_open(c, NULL, &text, &err));
  apic_free(text);
  OK(shapes_guarded_basic(c, NULL, &text, &err));
  apic_free(text);
  OK(shapes_guarded_query(c, &qp, NULL, &text, &err));
  apic_free(text);
  OK(shapes_guarded_header(c, NULL, &text, &err));
  apic_free(text);
  OK(shapes_guarded_bearer(c, NULL, &text, &err));
  apic_free(text);
  cJSON *reqs = e2e_requests(f->mock);
  const cJSON *open = cJSON_GetArrayItem(reqs, 0), *basic = cJSON_GetArrayItem(reqs, 1),
              *query = cJSON_GetArrayItem(reqs, 2), *header = cJSON_GetArrayItem(reqs, 3),
              *bearer = cJSON_GetArrayItem(reqs, 4);
  assert_null(e2e_header(open, "Authorization"));
  assert_null(e2e_header(open, "X-Key"));
  assert_string_equal(e2e_header(basic, "Authorization"), "Basic YW5uOnMzY3JldA=="); /* base64("ann:s3cret") */
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(query, "query"), "key")), "q-key");
  assert_null(e2e_header(query, "Authorization"));
  assert_string_equal(e2e_header(header, "X-Key"), "h-key");
  assert_null(e2e_header(header, "Authorization"));
  assert_string_equal(e2e_header(bearer, "Authorization"), "Bearer bearer-key");
  cJSON_Delete(reqs);
  assert_null(strstr(log.text, "q-key")); /* the query key is REDACTED in logs */
  assert_non_null(strstr(log.text, "key=REDACTED"));
  shapes_client_free(c, 0);
  /* no credential for a scheme: nothing sent, and the server's 401 stands */
  assert_int_equal(shapes_guarded_basic(f->c, NULL, &text, &err), APIC_ERR_HTTP);
  assert_int_equal(shapes_error_status(err), 401);
  shapes_error_free(err);
}

typedef struct tokens {
  int asked, refreshed;
  char last_scheme[32];
} tokens;

static int provide(void *data, const char *scheme, int refresh, char *buf, size_t size)
{
  tokens *t = data;
  snprintf(t->last_scheme, sizeof t->last_scheme, "%s", scheme);
  if (refresh)
    t->refreshed++;
  else
    t->asked++;
  snprintf(buf, size, "token-%d", t->asked + t->refreshed);
  return 0;
}

static void on_bearer(apic_call *call, int status, const char *r, const shapes_error *err, void *ud)
{
  (void)call, (void)err, (void)ud, (void)r;
  done_count++;
  ok_count += status == 0;
}

/* A token provider: asked when a scheme has no credential (once: the token is kept), and once
 * more per call after a 401, whose request is then sent again with the new token; a second 401
 * for that call stands. Sync and async alike. */
static void token_provider(void **state)
{
  fixture *f = *state;
  shapes_error *err = NULL;
  char *text = NULL;
  tokens t = {0};
  shapes_client_options o = {.base_url = e2e_base(f->mock), .token_provider = provide, .token_data = &t};
  o.http.max_retries = APIC_NO_RETRIES;
  shapes_client *c = NULL;
  assert_int_equal(shapes_client_new(&o, &c, NULL), 0);
  OK(shapes_guarded_bearer(c, NULL, &text, &err));
  apic_free(text);
  OK(shapes_guarded_bearer(c, NULL, &text, &err));
  apic_free(text);
  assert_int_equal(t.asked, 1);
  assert_int_equal(t.refreshed, 0);
  assert_string_equal(t.last_scheme, "api_key");
  mt_fault(f->mock, "{\"path\": \"/guarded/bearer\", \"status\": 401}");
  OK(shapes_guarded_bearer(c, NULL, &text, &err));
  apic_free(text);
  assert_int_equal(t.refreshed, 1);
  cJSON *reqs = e2e_requests(f->mock);
  int n = cJSON_GetArraySize(reqs);
  assert_int_equal(n, 4);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(reqs, 2), "Authorization"), "Bearer token-1");
  assert_string_equal(e2e_header(cJSON_GetArrayItem(reqs, 3), "Authorization"), "Bearer token-2");
  cJSON_Delete(reqs);
  mt_fault(f->mock, "{\"path\": \"/guarded/bearer\", \"status\": 401, \"times\": 2}");
  assert_int_equal(shapes_guarded_bearer(c, NULL, &text, &err), APIC_ERR_HTTP);
  assert_int_equal(t.refreshed, 2);
  shapes_error_free(err);
  mt_fault(f->mock, "{\"path\": \"/guarded/bearer\", \"status\": 401}");
  done_count = ok_count = 0;
  assert_int_equal(shapes_guarded_bearer_async(c, NULL, on_bearer, NULL, NULL, NULL), 0);
  assert_int_equal(shapes_client_run(c), 0);
  assert_int_equal(ok_count, 1);
  assert_int_equal(t.refreshed, 3);
  shapes_client_free(c, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(results_sync, reset),
      cmocka_unit_test_setup(results_async, reset),
      cmocka_unit_test_setup(text_results_take_plain_bodies, reset),
      cmocka_unit_test_setup(response_headers, reset),
      cmocka_unit_test_setup(response_headers_async, reset),
      cmocka_unit_test_setup(form_bodies, reset),
      cmocka_unit_test_setup(multipart_bodies, reset),
      cmocka_unit_test_setup(multipart_stream, reset),
      cmocka_unit_test_setup(raw_bodies, reset),
      cmocka_unit_test_setup(schemes_per_operation, reset),
      cmocka_unit_test_setup(token_provider, reset),
  };
  apic_allocator tracker = {track_malloc, track_realloc, track_free, NULL};
  apic_set_allocator(&tracker);
  return cmocka_run_group_tests(tests, setup, teardown);
}
