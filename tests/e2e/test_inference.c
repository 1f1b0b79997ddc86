/* The generated inference.sh SDK end to end against the mock serving spec/inference.api, whose
 * runs and files move through their statuses every LIFECYCLE_MS: long-running operations
 * waited for through the stream, through polling (files have no stream), across a dropped
 * stream, when the stream is not there, for a failed run, past a deadline and cancelled (with
 * and without cancelling the run on the server); agents' replies streamed a word at a time,
 * joined, resumed after a drop and cancelled half-way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "e2e.h"
#include "inference/inference.h"

#define LIFECYCLE_MS 10
#define STORY "Once upon a time, a small robot learned to write its replies one word at a time, and everyone " \
              "could read along."
#define STORY_WORDS 22

typedef struct fixture {
  apic_mock *mock;
  inference_client *c;
  char statuses[256]; /* every status on_status told, comma-separated */
  apic_lro *lro;      /* the async wait under test */
  int ended, status;
  char run_id[64];
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  mo.lifecycle_ms = LIFECYCLE_MS;
  f->mock = mt_start("inference", &mo);
  inference_client_options o = {.base_url = e2e_base(f->mock), .api_key = "key"};
  o.http.backoff_initial_ms = 5;
  o.http.backoff_max_ms = 20;
  assert_int_equal(inference_client_new(&o, &f->c, NULL), 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  inference_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

static void on_status(const char *status, void *user_data)
{
  fixture *f = user_data;
  size_t n = strlen(f->statuses);
  snprintf(f->statuses + n, sizeof f->statuses - n, "%s%s", n > 0 ? "," : "", status);
}

/* Starts a run of an app with an input and waits for its end. */
static inference_run *run_and_wait(fixture *f, const apic_call_options *opts, const apic_lro_options *w, int *rc,
                                   inference_error **err)
{
  cJSON *input = cJSON_Parse("{\"prompt\":\"A sunset\"}");
  inference_run_request req = {.app = "infsh/flux-schnell", .input = input};
  inference_run *run = NULL;
  *rc = inference_runs_run_and_wait(f->c, &req, opts, w, &run, err);
  cJSON_Delete(input);
  return run;
}

/* How many logged requests have this method and a path matching the glob-free prefix and
 * suffix (e.g. "/runs/", "/events"). */
static int count_requests(fixture *f, const char *method, const char *prefix, const char *suffix,
                          const char **last_event_id)
{
  cJSON *log = e2e_requests(f->mock), *r;
  int n = 0;
  cJSON_ArrayForEach(r, log)
  {
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "method"));
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "path"));
    size_t lp = strlen(p), ls = strlen(suffix);
    if (strcmp(m, method) != 0 || strncmp(p, prefix, strlen(prefix)) != 0 || lp < ls || strcmp(p + lp - ls, suffix) != 0)
      continue;
    if (last_event_id != NULL && e2e_header(r, "Last-Event-ID") != NULL) {
      static char id[32];
      snprintf(id, sizeof id, "%s", e2e_header(r, "Last-Event-ID"));
      *last_event_id = id;
    }
    n++;
  }
  cJSON_Delete(log);
  return n;
}

/* The stream has every status as it happens: no poll is needed. */
static void waits_through_the_stream(void **state)
{
  fixture *f = *state;
  apic_lro_options w = {.on_status = on_status, .status_user_data = f};
  inference_error *err = NULL;
  int rc;
  inference_run *run = run_and_wait(f, NULL, &w, &rc, &err);
  assert_int_equal(rc, 0);
  assert_null(err);
  assert_int_equal(run->status, INFERENCE_RUN_STATUS_COMPLETED);
  assert_non_null(run->output);
  assert_string_equal(f->statuses, "queued,running,completed");
  assert_int_equal(count_requests(f, "POST", "/runs", "/runs", NULL), 1);
  assert_int_equal(count_requests(f, "GET", "/runs/", "/events", NULL), 1);
  assert_int_equal(count_requests(f, "GET", "/runs/", run->id, NULL), 0); /* no poll */
  inference_run_free(run);
}

/* Files have no stream: the wait polls, and a Retry-After on a poll's answer sets the next
 * pause (a minute of back-off would blow the 5 s deadline). */
static void waits_by_polling_with_retry_after(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"path\":\"/files*\",\"headers\":{\"retry-after-ms\":5},\"times\":-1}");
  apic_lro_options w = {.poll_ms = 60000, .max_poll_ms = 60000, .on_status = on_status, .status_user_data = f};
  apic_call_options o = {.timeout_ms = 5000};
  inference_new_file body = {.name = "cat.png", .data = "iVBORw0KGgo="};
  inference_file *file = NULL;
  inference_error *err = NULL;
  assert_int_equal(inference_files_upload_and_wait(f->c, &body, &o, &w, &file, &err), 0);
  assert_null(err);
  assert_int_equal(file->status, INFERENCE_FILE_STATUS_READY);
  /* a poll can miss a 10 ms status under load; each one seen is seen once, in order */
  assert_true(strcmp(f->statuses, "uploading,processing,ready") == 0 || strcmp(f->statuses, "uploading,ready") == 0);
  assert_true(count_requests(f, "GET", "/files/", file->id, NULL) >= 2);
  inference_file_free(file);
}

/* Without Retry-After the pauses grow from poll_ms up to max_poll_ms. */
static void polls_with_back_off(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/files\",\"lifecycle_ms\":60}");
  apic_lro_options w = {.poll_ms = 2, .max_poll_ms = 16};
  inference_new_file body = {.name = "a.txt", .data = "aGk="};
  inference_file *file = NULL;
  assert_int_equal(inference_files_upload_and_wait(f->c, &body, NULL, &w, &file, NULL), 0);
  int polls = count_requests(f, "GET", "/files/", file->id, NULL);
  /* 120 ms of steps: polling every 2 ms would take ~60, every 16 ms ~8; doubling to 16, ~12 */
  assert_true(polls >= 3 && polls <= 40);
  inference_file_free(file);
}

/* A stream that drops after one event resumes with Last-Event-ID: no status twice, none lost. */
static void stream_drop_resumes(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"GET\",\"path\":\"/runs/*/events\",\"sse_drop_after\":1}");
  apic_lro_options w = {.on_status = on_status, .status_user_data = f};
  int rc;
  inference_run *run = run_and_wait(f, NULL, &w, &rc, NULL);
  assert_int_equal(rc, 0);
  assert_int_equal(run->status, INFERENCE_RUN_STATUS_COMPLETED);
  assert_string_equal(f->statuses, "queued,running,completed");
  const char *resumed = NULL;
  assert_int_equal(count_requests(f, "GET", "/runs/", "/events", &resumed), 2);
  assert_non_null(resumed);
  assert_string_equal(resumed, "1");
  inference_run_free(run);
}

/* A stream the server does not have (404) leaves the wait to polling. */
static void stream_unavailable_falls_back_to_polling(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"GET\",\"path\":\"/runs/*/events\",\"status\":404}");
  apic_lro_options w = {.poll_ms = 5, .max_poll_ms = 10};
  int rc;
  inference_run *run = run_and_wait(f, NULL, &w, &rc, NULL);
  assert_int_equal(rc, 0);
  assert_int_equal(run->status, INFERENCE_RUN_STATUS_COMPLETED);
  assert_true(count_requests(f, "GET", "/runs/", run->id, NULL) >= 1);
  inference_run_free(run);
}

/* A run that ends failed is a typed error carrying the run. */
static void failed_run_is_a_typed_error(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/runs\",\"outcome\":\"failed\"}");
  inference_error *err = NULL;
  int rc;
  inference_run *run = run_and_wait(f, NULL, NULL, &rc, &err);
  assert_int_equal(rc, APIC_ERR_OPERATION_FAILED);
  assert_null(run);
  assert_int_equal(inference_error_kind_of(err), INFERENCE_ERROR_OPERATION_FAILED);
  const inference_run *failed = inference_run_from_error(err);
  assert_non_null(failed);
  assert_int_equal(failed->status, INFERENCE_RUN_STATUS_FAILED);
  assert_non_null(failed->error);
  assert_non_null(strstr(inference_error_message(err), failed->error));
  assert_null(inference_file_from_error(err)); /* the value is a run's */
  inference_error *copy = inference_error_copy(err);
  assert_non_null(inference_run_from_error(copy));
  inference_error_free(copy);
  inference_error_free(err);
}

/* The deadline passes while the run is still running: TIMEOUT, and the run goes on there. */
static void deadline_expires_mid_wait(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/runs\",\"lifecycle_ms\":60000}");
  apic_call_options o = {.timeout_ms = 100};
  apic_lro_options w = {.on_status = on_status, .status_user_data = f};
  inference_error *err = NULL;
  uint64_t t0 = apic_now_ms();
  int rc;
  assert_null(run_and_wait(f, &o, &w, &rc, &err));
  assert_int_equal(rc, APIC_ERR_TIMEOUT);
  assert_int_equal(inference_error_kind_of(err), INFERENCE_ERROR_TIMEOUT);
  assert_true(apic_now_ms() - t0 < 30000);
  assert_string_equal(f->statuses, "queued");
  inference_error_free(err);
  assert_int_equal(count_requests(f, "POST", "/runs/", "/cancel", NULL), 0);
}

static void on_waited(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  fixture *f = user_data;
  (void)lro, (void)run;
  f->ended++;
  f->status = status;
  assert_int_equal(inference_error_kind_of(err), INFERENCE_ERROR_CANCELLED);
}

/* The first status: remembers the run (for the checks) and cancels the wait from inside. */
static void cancel_at_once(const char *status, void *user_data)
{
  fixture *f = user_data;
  (void)status;
  apic_lro_cancel(f->lro);
}

static void cancel_later(uv_timer_t *t)
{
  apic_lro_cancel(((fixture *)t->data)->lro);
}

/* The run's status on the server now. */
static inference_run_status server_status(fixture *f)
{
  inference_run_page *page = NULL;
  assert_int_equal(inference_runs_list(f->c, NULL, NULL, &page, NULL), 0);
  assert_int_equal(page->items_count, 1);
  inference_run_status s = page->items[0].status;
  inference_run_page_free(page);
  return s;
}

/* Cancelled on a timer while following the stream (cancel_run: 1 or 0); the wait ends
 * CANCELLED either way, and only with cancel_run is the run cancelled there. */
static void cancel_while_streaming(fixture *f, int cancel_run)
{
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/runs\",\"lifecycle_ms\":60000}");
  apic_lro_options w = {.cancel_run = cancel_run};
  cJSON *input = cJSON_CreateObject();
  inference_run_request req = {.app = "infsh/veo", .input = input};
  assert_int_equal(inference_runs_run_and_wait_async(f->c, &req, NULL, &w, on_waited, f, &f->lro, NULL), 0);
  cJSON_Delete(input); /* borrowed for the start only */
  uv_timer_t t;
  uv_timer_init(inference_client_loop(f->c), &t);
  t.data = f;
  uv_timer_start(&t, cancel_later, 30, 0);
  assert_int_equal(inference_client_run(f->c), 0);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(inference_client_loop(f->c), UV_RUN_NOWAIT);
  assert_int_equal(f->ended, 1);
  assert_int_equal(f->status, APIC_ERR_CANCELLED);
  assert_int_equal(count_requests(f, "POST", "/runs/", "/cancel", NULL), cancel_run);
  assert_int_equal(server_status(f), cancel_run ? INFERENCE_RUN_STATUS_CANCELLED : INFERENCE_RUN_STATUS_QUEUED);
}

static void cancelled_and_cancelled_there(void **state)
{
  cancel_while_streaming(*state, 1);
}

static void cancelled_and_left_running(void **state)
{
  cancel_while_streaming(*state, 0);
}

/* Cancelled from on_status, while the start's answer is being handled: no call back from
 * inside, CANCELLED once, the run cancelled there. */
static void cancelled_from_a_status_callback(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/runs\",\"lifecycle_ms\":60000}");
  apic_lro_options w = {.cancel_run = 1, .on_status = cancel_at_once, .status_user_data = f};
  cJSON *input = cJSON_CreateObject();
  inference_run_request req = {.app = "infsh/veo", .input = input};
  assert_int_equal(inference_runs_run_and_wait_async(f->c, &req, NULL, &w, on_waited, f, &f->lro, NULL), 0);
  cJSON_Delete(input);
  assert_int_equal(inference_client_run(f->c), 0);
  assert_int_equal(f->ended, 1);
  assert_int_equal(server_status(f), INFERENCE_RUN_STATUS_CANCELLED);
  assert_int_equal(count_requests(f, "GET", "/runs/", "/events", NULL), 0);
}

static void on_any_end(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  (void)lro, (void)run, (void)err;
  *(int *)user_data = status;
}

/* Freeing the client lets the waits go on for the drain time, then cancels the one left. */
static void freeing_the_client_drains_waits(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/runs\",\"lifecycle_ms\":60000}"); /* the first: slow */
  inference_client_options o = {.base_url = e2e_base(f->mock), .api_key = "key"};
  inference_client *c = NULL;
  assert_int_equal(inference_client_new(&o, &c, NULL), 0);
  int slow = 1, quick = 1;
  cJSON *input = cJSON_CreateObject();
  inference_run_request req = {.app = "a", .input = input};
  assert_int_equal(inference_runs_run_and_wait_async(c, &req, NULL, NULL, on_any_end, &slow, NULL, NULL), 0);
  assert_int_equal(inference_runs_run_and_wait_async(c, &req, NULL, NULL, on_any_end, &quick, NULL, NULL), 0);
  cJSON_Delete(input);
  inference_client_free(c, 2000); /* the quick one ends in tens of ms; generous under sanitizers and load */
  /* The fault slows the first POST the mock sees, which the two sent at once may reach in either
   * order: one wait ends done, the other is cancelled. */
  assert_true((slow == APIC_ERR_CANCELLED && quick == 0) || (slow == 0 && quick == APIC_ERR_CANCELLED));
}

/* ---- agents ------------------------------------------------------------------------------ */

typedef struct reply {
  char text[512]; /* the chunks, joined as they came */
  int chunks, in_order, stop_after;
  uv_timer_t *cancel; /* started at stop_after chunks, when set */
  apic_stream *stream;
  int ended, status;
  char joined[512];   /* what the end was given */
} reply;

static int on_chunk(const inference_reply_chunk *chunk, void *user_data)
{
  reply *r = user_data;
  r->in_order &= chunk->index == r->chunks;
  r->chunks++;
  strncat(r->text, chunk->text, sizeof r->text - strlen(r->text) - 1);
  return r->stop_after > 0 && r->chunks == r->stop_after; /* nonzero: stop here */
}

static void whole_reply_streams_a_word_at_a_time(void **state)
{
  fixture *f = *state;
  reply r = {.in_order = 1};
  char *text = NULL;
  inference_send_message msg = {.text = "Tell me a story"};
  assert_int_equal(inference_agents_stream_message(f->c, "assistant", &msg, NULL, on_chunk, &r, &text, NULL), 0);
  assert_int_equal(r.chunks, STORY_WORDS);
  assert_true(r.in_order);
  assert_string_equal(text, STORY);
  assert_string_equal(r.text, text);
  apic_free(text);
}

/* The reply drops after four words: the stream resumes, and the text has each word once. */
static void reply_resumes_after_a_drop(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"path\":\"/agents/*/messages/stream\",\"sse_drop_after\":4}");
  reply r = {.in_order = 1};
  char *text = NULL;
  inference_send_message msg = {.text = "Tell me a story"};
  assert_int_equal(inference_agents_stream_message(f->c, "assistant", &msg, NULL, on_chunk, &r, &text, NULL), 0);
  assert_string_equal(text, STORY);
  assert_true(r.in_order);
  assert_int_equal(count_requests(f, "POST", "/agents/", "/stream", NULL), 2);
  apic_free(text);
}

static void on_reply_end(int status, const char *text, const inference_error *err, void *user_data)
{
  reply *r = user_data;
  (void)err;
  r->ended++;
  r->status = status;
  snprintf(r->joined, sizeof r->joined, "%s", text);
}

/* Stopped by the chunk callback after three words: status 0, and the text so far. */
static void reply_stopped_mid_way_by_its_callback(void **state)
{
  fixture *f = *state;
  reply r = {.in_order = 1, .stop_after = 3};
  inference_send_message msg = {.text = "Tell me a story"};
  assert_int_equal(
    inference_agents_stream_message_async(f->c, "assistant", &msg, NULL, on_chunk, on_reply_end, &r, &r.stream, NULL),
    0);
  assert_int_equal(inference_client_run(f->c), 0);
  assert_int_equal(r.ended, 1);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.joined, "Once upon a ");
}

static void cancel_reply(uv_timer_t *t)
{
  apic_stream_cancel(((reply *)t->data)->stream);
}

static int on_chunk_then_cancel(const inference_reply_chunk *chunk, void *user_data)
{
  reply *r = user_data;
  (void)chunk;
  if (++r->chunks == r->stop_after) /* cancelled on the next loop turn, never from inside */
    uv_timer_start(r->cancel, cancel_reply, 0, 0);
  return 0;
}

/* Cancelled from outside (a timer) half-way: CANCELLED, with the words that came before. */
static void reply_cancelled_mid_way(void **state)
{
  fixture *f = *state;
  uv_timer_t t;
  reply r = {.stop_after = 5, .cancel = &t};
  uv_timer_init(inference_client_loop(f->c), &t);
  t.data = &r;
  inference_send_message msg = {.text = "Tell me a story"};
  assert_int_equal(inference_agents_stream_message_async(f->c, "assistant", &msg, NULL, on_chunk_then_cancel,
                                                         on_reply_end, &r, &r.stream, NULL),
                   0);
  assert_int_equal(inference_client_run(f->c), 0);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(inference_client_loop(f->c), UV_RUN_NOWAIT);
  assert_int_equal(r.ended, 1);
  assert_int_equal(r.status, APIC_ERR_CANCELLED);
  assert_true(strncmp(r.joined, "Once upon a time, a ", 20) == 0); /* the five words, at least */
  assert_true(strlen(r.joined) < strlen(STORY));
}

static int on_chunk_cancel_inside(const inference_reply_chunk *chunk, void *user_data)
{
  reply *r = user_data;
  (void)chunk;
  if (++r->chunks == r->stop_after)
    apic_stream_cancel(r->stream); /* from inside: no chunk after this one */
  return 0;
}

/* Cancelled from inside the chunk callback: CANCELLED once, with exactly the words before; the
 * client is fine after (the reply's connection was let go from outside libcurl's callback). */
static void reply_cancelled_from_its_chunk_callback(void **state)
{
  fixture *f = *state;
  reply r = {.stop_after = 3};
  inference_send_message msg = {.text = "Tell me a story"};
  assert_int_equal(inference_agents_stream_message_async(f->c, "assistant", &msg, NULL, on_chunk_cancel_inside,
                                                         on_reply_end, &r, &r.stream, NULL),
                   0);
  assert_int_equal(inference_client_run(f->c), 0);
  assert_int_equal(r.ended, 1);
  assert_int_equal(r.chunks, 3);
  assert_int_equal(r.status, APIC_ERR_CANCELLED);
  assert_string_equal(r.joined, "Once upon a ");
  reply again = {.in_order = 1};
  char *text = NULL;
  assert_int_equal(inference_agents_stream_message(f->c, "assistant", &msg, NULL, on_chunk, &again, &text, NULL), 0);
  assert_string_equal(text, STORY);
  apic_free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(waits_through_the_stream, setup, teardown),
    cmocka_unit_test_setup_teardown(waits_by_polling_with_retry_after, setup, teardown),
    cmocka_unit_test_setup_teardown(polls_with_back_off, setup, teardown),
    cmocka_unit_test_setup_teardown(stream_drop_resumes, setup, teardown),
    cmocka_unit_test_setup_teardown(stream_unavailable_falls_back_to_polling, setup, teardown),
    cmocka_unit_test_setup_teardown(failed_run_is_a_typed_error, setup, teardown),
    cmocka_unit_test_setup_teardown(deadline_expires_mid_wait, setup, teardown),
    cmocka_unit_test_setup_teardown(cancelled_and_cancelled_there, setup, teardown),
    cmocka_unit_test_setup_teardown(cancelled_and_left_running, setup, teardown),
    cmocka_unit_test_setup_teardown(cancelled_from_a_status_callback, setup, teardown),
    cmocka_unit_test_setup_teardown(freeing_the_client_drains_waits, setup, teardown),
    cmocka_unit_test_setup_teardown(whole_reply_streams_a_word_at_a_time, setup, teardown),
    cmocka_unit_test_setup_teardown(reply_resumes_after_a_drop, setup, teardown),
    cmocka_unit_test_setup_teardown(reply_stopped_mid_way_by_its_callback, setup, teardown),
    cmocka_unit_test_setup_teardown(reply_cancelled_mid_way, setup, teardown),
    cmocka_unit_test_setup_teardown(reply_cancelled_from_its_chunk_callback, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
