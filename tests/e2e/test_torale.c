/* The generated Torale SDK end to end against the mock serving spec/torale.api: every
 * operation sync and async, typed errors with payloads, retries, timeouts and idempotency keys
 * through injected faults, pagination, streaming, groups, cancellation, shutdown, encoding of
 * awkward values, and secrets kept out of logs and error text. */
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
#include "torale/torale.h"

#define KEY "sk-e2e-secret-4711"

typedef struct fixture {
  apic_mock *mock;
  torale_client *c;
  e2e_log log;
} fixture;

static torale_client *client_with(fixture *f, void (*tune)(torale_client_options *))
{
  torale_client_options o = {.base_url = e2e_base(f->mock), .api_key = KEY};
  o.http.backoff_initial_ms = 5; /* retries in tests wait milliseconds, not seconds */
  o.http.backoff_max_ms = 20;
  o.http.log = e2e_log_fn;
  o.http.log_ctx = &f->log;
  o.http.log_level = APIC_LOG_DEBUG;
  if (tune != NULL)
    tune(&o);
  torale_client *c = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_client_new(&o, &c, &err), 0);
  assert_null(err);
  return c;
}

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  mo.log_secrets = 1; /* the tests read the credentials the SDK sent in the request log */
  f->mock = mt_start("torale", &mo);
  f->c = client_with(f, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  torale_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

/* A body of literals: nothing to allocate or free. */
static torale_create_task new_task(const char *name)
{
  return (torale_create_task){.name = name, .search_query = "price of bread", .condition_description = "below 2 EUR"};
}

static torale_task *create(fixture *f, const char *name)
{
  torale_create_task body = new_task(name);
  torale_task *t = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_create(f->c, &body, NULL, &t, &err), 0);
  assert_null(err);
  return t;
}

static void crud_sync(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "bread"), *got = NULL, *updated = NULL, *gone = NULL;
  torale_error *err = NULL;
  assert_string_equal(t->name, "bread");
  assert_int_equal(*t->state, TORALE_TASK_STATE_ACTIVE); /* the spec's default, from the server */
  assert_int_equal(torale_tasks_get(f->c, t->id, NULL, &got, &err), 0);
  assert_true(torale_task_equal(t, got));

  torale_update_task patch = {.is_active = APIC_BOOL(false)};
  assert_int_equal(torale_tasks_update(f->c, t->id, &patch, NULL, &updated, &err), 0);
  assert_false(*updated->is_active);
  assert_string_equal(updated->name, "bread");

  assert_int_equal(torale_tasks_delete(f->c, t->id, NULL, &err), 0);
  assert_int_equal(torale_tasks_get(f->c, t->id, NULL, &gone, &err), APIC_ERR_HTTP);
  assert_null(gone); /* a failed call hands out nothing */
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_NOT_FOUND);
  assert_int_equal(torale_error_status(err), 404);
  assert_non_null(torale_error_as_not_found(err));
  torale_error_free(err);
  torale_task_free(t);
  torale_task_free(got);
  torale_task_free(updated);
}

static void other_operations_sync(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "runs");
  torale_error *err = NULL;
  torale_execution *run = NULL, *one = NULL;
  torale_tasks_run_params rp = {.request_source = "e2e"};
  assert_int_equal(torale_tasks_run(f->c, t->id, &rp, NULL, &run, &err), 0);
  assert_non_null(run->id);
  torale_execution_list *runs = NULL;
  torale_tasks_get_executions_params ep = {.limit = APIC_INT(5)};
  assert_int_equal(torale_tasks_get_executions(f->c, t->id, &ep, NULL, &runs, &err), 0);
  assert_non_null(runs);
  assert_int_equal(torale_executions_get(f->c, "ex-1", NULL, &one, &err), 0);
  assert_string_equal(one->id, "ex-1"); /* synthesized with the id asked for */
  torale_notification *n = NULL;
  assert_int_equal(torale_notifications_mark_read(f->c, "n-1", NULL, &n, &err), 0);
  torale_notification_page *count = NULL;
  assert_int_equal(torale_notifications_unread_count(f->c, NULL, &count, &err), 0);
  /* the header parameter and the query parameter reached the server */
  cJSON *log = e2e_requests(f->mock);
  int seen_header = 0, seen_limit = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, log)
  {
    const char *src = e2e_header(r, "X-Request-Source");
    seen_header |= src != NULL && strcmp(src, "e2e") == 0;
    const char *limit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "query"), "limit"));
    seen_limit |= limit != NULL && strcmp(limit, "5") == 0;
  }
  assert_true(seen_header);
  assert_true(seen_limit);
  cJSON_Delete(log);
  torale_task_free(t);
  torale_execution_free(run);
  torale_execution_list_free(runs);
  torale_execution_free(one);
  torale_notification_free(n);
  torale_notification_page_free(count);
}

/* Bad arguments are INVALID_ARGUMENT naming the JSON path, and nothing is sent. */
static void invalid_arguments_are_not_sent(void **state)
{
  fixture *f = *state;
  int before = e2e_request_count(f->mock);
  torale_task *out = NULL;
  torale_error *err = NULL;
  const struct {
    torale_create_task body;
    const char *message;
  } bodies[] = {
      {{.search_query = "", .condition_description = "c"}, "tasks.create: body: $.search_query: shorter than the minimum length 1"},
      {{.condition_description = "c"}, "tasks.create: body: $.search_query: required field missing"},
      {{.search_query = "caf\xc3", .condition_description = "c"}, "tasks.create: body: $.search_query: not valid UTF-8"},
      {{.search_query = "q", .condition_description = "c", .tags_count = 2}, "tasks.create: body: $.tags: a count of 2 with a NULL array"},
      {{.search_query = "q", .condition_description = "c", .cooldown_minutes = APIC_INT(-5)},
       "tasks.create: body: $.cooldown_minutes: below the minimum 0"},
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    assert_int_equal(torale_tasks_create(f->c, &bodies[i].body, NULL, &out, &err), APIC_ERR_INVALID_ARG);
    assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_INVALID_ARGUMENT);
    assert_string_equal(torale_error_message(err), bodies[i].message);
    assert_null(out);
    torale_error_free(err);
  }
  assert_int_equal(torale_tasks_create(f->c, NULL, NULL, &out, &err), APIC_ERR_INVALID_ARG); /* a NULL body */
  torale_error_free(err);
  /* a bad query parameter too: limit @max(100) */
  torale_tasks_list_params p = {.limit = APIC_INT(1000)};
  torale_task_page *page = NULL;
  assert_int_equal(torale_tasks_list(f->c, &p, NULL, &page, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(torale_error_message(err), "tasks.list: parameters: $.limit: above the maximum 100");
  torale_error_free(err);
  /* an empty path parameter cannot stay one segment, and NULL is no value */
  assert_int_equal(torale_tasks_get(f->c, "", NULL, &out, &err), APIC_ERR_INVALID_ARG);
  torale_error_free(err);
  assert_int_equal(torale_tasks_get(f->c, NULL, NULL, &out, &err), APIC_ERR_INVALID_ARG);
  torale_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), before);
}

static void typed_errors_with_payloads(void **state)
{
  fixture *f = *state;
  torale_task *out = NULL;
  torale_error *err = NULL;
  mt_fault(f->mock, "{\"path\":\"/tasks/v1\",\"status\":422,\"body\":{\"detail\":\"$.name: too long\"},"
                    "\"headers\":{\"x-request-id\":\"req-42\"}}");
  assert_int_equal(torale_tasks_get(f->c, "v1", NULL, &out, &err), APIC_ERR_HTTP);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_VALIDATION);
  assert_string_equal(torale_error_as_validation(err)->detail, "$.name: too long");
  assert_string_equal(torale_error_request_id(err), "req-42");
  torale_error_free(err);

  /* a 429 with only a Retry-After header: the payload is there, from the header */
  mt_fault(f->mock, "{\"path\":\"/tasks/r1\",\"status\":429,\"body\":\"\",\"headers\":{\"Retry-After\":\"7\"}}");
  apic_call_options o = {.max_retries = APIC_NO_RETRIES};
  assert_int_equal(torale_tasks_get(f->c, "r1", &o, &out, &err), APIC_ERR_HTTP);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_RATE_LIMIT);
  const torale_rate_limit_error *rl = torale_error_as_rate_limit(err);
  assert_non_null(rl);
  assert_true(*rl->retry_after == 7.0);
  assert_null(rl->detail);
  assert_int_equal(torale_error_retry_after_ms(err), 7000);
  assert_int_equal(torale_error_status(err), 429);
  torale_error_free(err);

  /* a 422 whose body is JSON of another shape: the payload is there, its detail absent */
  mt_fault(f->mock, "{\"path\":\"/tasks/v2\",\"status\":422,\"body\":[\"not\",\"the\",\"shape\"]}");
  assert_int_equal(torale_tasks_get(f->c, "v2", NULL, &out, &err), APIC_ERR_HTTP);
  assert_non_null(torale_error_as_validation(err));
  assert_null(torale_error_as_validation(err)->detail);
  torale_error_free(err);

  /* an empty 503, and one whose body is not JSON: a ServerError payload all the same */
  mt_fault(f->mock, "[{\"path\":\"/tasks/s0\",\"status\":503},"
                    "{\"path\":\"/tasks/s0\",\"status\":503,\"body\":\"<html>down</html>\"}]");
  for (int i = 0; i < 2; i++) {
    assert_int_equal(torale_tasks_get(f->c, "s0", &o, &out, &err), APIC_ERR_HTTP);
    assert_non_null(torale_error_as_server(err));
    torale_error_free(err);
  }

  mt_fault(f->mock, "{\"path\":\"/tasks/s1\",\"status\":503,\"times\":-1}");
  o.max_retries = 1;
  assert_int_equal(torale_tasks_get(f->c, "s1", &o, &out, &err), APIC_ERR_HTTP);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_SERVER);
  assert_int_equal(torale_error_attempts(err), 2);
  torale_error_free(err);

  /* the credential is required: a client without one gets AuthenticationError */
  torale_client_options co = {.base_url = e2e_base(f->mock), .api_key = ""};
  torale_client *anon = NULL;
  assert_int_equal(torale_client_new(&co, &anon, NULL), 0);
  assert_int_equal(torale_tasks_delete(anon, "t", NULL, &err), APIC_ERR_HTTP);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_AUTHENTICATION);
  torale_error_free(err);
  torale_client_free(anon, 0);
}

/* Zero means default: {0} call options retry a 503 exactly as NULL options do. */
static void zero_options_are_the_defaults(void **state)
{
  fixture *f = *state;
  int attempts[2];
  for (int i = 0; i < 2; i++) {
    mt_fault(f->mock, "{\"path\":\"/tasks/z\",\"status\":503,\"times\":-1}");
    apic_call_options zero = {0};
    torale_task *out = NULL;
    torale_error *err = NULL;
    int before = e2e_request_count(f->mock);
    assert_int_equal(torale_tasks_get(f->c, "z", i == 0 ? NULL : &zero, &out, &err), APIC_ERR_HTTP);
    attempts[i] = e2e_request_count(f->mock) - before;
    assert_int_equal(torale_error_attempts(err), attempts[i]);
    torale_error_free(err);
  }
  assert_int_equal(attempts[0], 3); /* the client's default: 2 retries */
  assert_int_equal(attempts[1], attempts[0]);
}

static void retried_run_has_one_key(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "run");
  char fault[160];
  snprintf(fault, sizeof fault, "{\"method\":\"POST\",\"path\":\"/tasks/%s/run\",\"times\":2,\"status\":503}", t->id);
  mt_fault(f->mock, fault);
  torale_execution *run = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_run(f->c, t->id, NULL, NULL, &run, &err), 0); /* @idempotent @retries(3) */
  cJSON *log = e2e_requests(f->mock);
  const char *key = NULL;
  int runs = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, log)
  {
    if (strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "path")), "/run") == NULL)
      continue;
    const char *k = e2e_header(r, "Idempotency-Key");
    assert_non_null(k);
    if (key == NULL)
      key = k;
    assert_string_equal(k, key);
    runs++;
  }
  assert_int_equal(runs, 3);
  cJSON_Delete(log);
  /* a create (POST, not idempotent) is not retried */
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/tasks\",\"times\":1,\"status\":503}");
  torale_create_task body = new_task("once");
  torale_task *out = NULL;
  int before = e2e_request_count(f->mock);
  assert_int_equal(torale_tasks_create(f->c, &body, NULL, &out, &err), APIC_ERR_HTTP);
  assert_int_equal(e2e_request_count(f->mock), before + 1);
  torale_error_free(err);
  /* unless the call carries a key, which makes it retryable */
  mt_fault(f->mock, "{\"method\":\"POST\",\"path\":\"/tasks\",\"times\":1,\"status\":503}");
  apic_call_options o = {.idempotency_key = "create-once-1"};
  assert_int_equal(torale_tasks_create(f->c, &body, &o, &out, &err), 0);
  torale_task_free(out);
  torale_execution_free(run);
  torale_task_free(t);
}

static void timeouts_and_deadlines(void **state)
{
  fixture *f = *state;
  torale_task *out = NULL;
  torale_error *err = NULL;
  mt_fault(f->mock, "{\"path\":\"/tasks/slow\",\"delay_ms\":3000,\"times\":-1}");
  apic_call_options o = {.timeout_ms = 150};
  assert_int_equal(torale_tasks_get(f->c, "slow", &o, &out, &err), APIC_ERR_TIMEOUT);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_TIMEOUT);
  torale_error_free(err);
  /* a deadline already past: nothing is sent */
  int before = e2e_request_count(f->mock);
  apic_call_options late = {.deadline_ms = apic_now_ms() - 1};
  assert_int_equal(torale_tasks_get(f->c, "fast", &late, &out, &err), APIC_ERR_TIMEOUT);
  torale_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), before);
  /* a near deadline cuts a slow call like a timeout */
  late.deadline_ms = apic_now_ms() + 150;
  assert_int_equal(torale_tasks_get(f->c, "slow", &late, &out, &err), APIC_ERR_TIMEOUT);
  torale_error_free(err);
}

/* ---- encoding ---- */

static const char *const awkward[] = {"a&b=c", "x#y?z", "sl/ash", "50% off", "sp ace", "caf\xc3\xa9 \xe2\x9c\x93"};

static void awkward_values_arrive_intact(void **state)
{
  fixture *f = *state;
  torale_task *out = NULL;
  torale_error *err = NULL;
  for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++) {
    assert_int_equal(torale_tasks_get(f->c, awkward[i], NULL, &out, &err), APIC_ERR_HTTP); /* unknown: 404 */
    torale_error_free(err);
  }
  torale_tasks_list_params p = {.tags = awkward, .tags_count = sizeof awkward / sizeof awkward[0], .cursor = "c&d"};
  torale_task_page *page = NULL;
  assert_int_equal(torale_tasks_list(f->c, &p, NULL, &page, &err), 0);
  torale_task_page_free(page);
  cJSON *log = e2e_requests(f->mock);
  int n = cJSON_GetArraySize(log);
  for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++) {
    char want[64] = "/tasks/";
    for (const char *c = awkward[i]; *c != '\0'; c++) /* the log keeps '/' and '%' escaped */
      snprintf(want + strlen(want), sizeof want - strlen(want), *c == '/' ? "%%2F" : *c == '%' ? "%%25" : "%c", *c);
    const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, (int)i), "path"));
    assert_string_equal(path, want); /* the mock decoded one segment back to the value */
  }
  const cJSON *q = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, n - 1), "query");
  const cJSON *tags = cJSON_GetObjectItemCaseSensitive(q, "tags");
  assert_int_equal(cJSON_GetArraySize(tags), (int)(sizeof awkward / sizeof awkward[0])); /* repeated keys */
  for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++)
    assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(tags, (int)i)), awkward[i]);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "cursor")), "c&d");
  cJSON_Delete(log);
}

/* ---- pages ---- */

static void pages_sync(void **state)
{
  fixture *f = *state;
  for (int i = 0; i < 23; i++) {
    char name[16];
    snprintf(name, sizeof name, "t%02d", i);
    torale_task_free(create(f, name));
  }
  torale_tasks_list_params p = {.limit = APIC_INT(10)};
  torale_tasks_list_pager *pager = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_list_pages(f->c, &p, NULL, &pager, &err), 0);
  int pages = 0, items = 0;
  torale_task_page *page;
  while (torale_tasks_list_next_page(pager, &page, &err) == 0 && page != NULL) {
    pages++;
    items += (int)page->items_count;
    torale_task_page_free(page);
  }
  assert_null(err);
  assert_int_equal(pages, 3);
  assert_int_equal(items, 23);
  assert_true(torale_tasks_list_pager_done(pager));
  torale_tasks_list_pager_free(pager);
  /* item by item, in insertion order; each item is the caller's */
  assert_int_equal(torale_tasks_list_pages(f->c, &p, NULL, &pager, &err), 0);
  torale_task *t;
  int k = 0;
  while (torale_tasks_list_next_item(pager, &t, &err) == 0 && t != NULL) {
    char name[16];
    snprintf(name, sizeof name, "t%02d", k++);
    assert_string_equal(t->name, name);
    torale_task_free(t);
  }
  assert_null(err);
  assert_int_equal(k, 23);
  torale_tasks_list_pager_free(pager);
}

typedef struct walk {
  int items, ended, status;
} walk;

static int on_item(const torale_task *t, void *ud)
{
  walk *w = ud;
  assert_non_null(t->id);
  w->items++;
  return 0;
}

static void on_end(int status, const torale_error *err, void *ud)
{
  walk *w = ud;
  (void)err; /* lent: freed after the callback */
  w->ended++;
  w->status = status;
}

static void pages_async(void **state)
{
  fixture *f = *state;
  for (int i = 0; i < 12; i++)
    torale_task_free(create(f, "a"));
  torale_tasks_list_params p = {.limit = APIC_INT(5)};
  torale_tasks_list_pager *pager = NULL;
  assert_int_equal(torale_tasks_list_pages(f->c, &p, NULL, &pager, NULL), 0);
  walk w = {0};
  assert_int_equal(torale_tasks_list_each_async(pager, on_item, on_end, &w, NULL), 0);
  assert_int_equal(torale_client_run(f->c), 0);
  assert_int_equal(w.ended, 1);
  assert_int_equal(w.status, 0);
  assert_int_equal(w.items, 12);
  torale_tasks_list_pager_free(pager);
}

static void offset_pages(void **state)
{
  (void)state; /* a mock of its own, preloaded */
  char path[] = "/tmp/e2e-notifications-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *out = fdopen(fd, "w");
  fputs("{\"/notifications\": [", out);
  for (int i = 0; i < 7; i++)
    fprintf(out, "%s{\"id\":\"n%d\",\"task_id\":\"t\",\"channel\":\"email\",\"sent_at\":\"2026-01-0%dT00:00:00Z\","
                 "\"message\":\"m%d\"}", i ? "," : "", i, i + 1, i);
  fputs("]}", out);
  fclose(out);
  apic_mock_options mo = apic_mock_options_default();
  mo.data_file = path;
  apic_mock *m = mt_start("torale", &mo);
  torale_client_options o = {.base_url = e2e_base(m), .api_key = KEY};
  torale_client *c = NULL;
  assert_int_equal(torale_client_new(&o, &c, NULL), 0);
  torale_notifications_list_params p = {.limit = APIC_INT(3)};
  torale_notifications_list_pager *pager = NULL;
  assert_int_equal(torale_notifications_list_pages(c, &p, NULL, &pager, NULL), 0);
  torale_notification *n;
  int k = 0;
  while (torale_notifications_list_next_item(pager, &n, NULL) == 0 && n != NULL) {
    char id[24];
    snprintf(id, sizeof id, "n%d", k++);
    assert_string_equal(n->id, id);
    torale_notification_free(n);
  }
  assert_int_equal(k, 7);
  assert_int_equal(e2e_request_count(m), 4); /* 3 + 3 + 1, then the empty page that ends it */
  torale_notifications_list_pager_free(pager);
  torale_client_free(c, 0);
  apic_mock_stop(m);
  remove(path);
}

/* ---- streams ---- */

typedef struct events {
  int n, stop_after;
  int last_had_execution;
  int ended, status;
} events;

static int on_event(const torale_execution_event *ev, void *ud)
{
  events *e = ud;
  assert_non_null(ev->execution_id);
  e->n++;
  e->last_had_execution = ev->execution != NULL;
  return e->stop_after > 0 && e->n >= e->stop_after;
}

static void on_stream_end(int status, const torale_error *err, void *ud)
{
  events *e = ud;
  (void)err;
  e->ended++;
  e->status = status;
}

static void stream_sync(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "watch");
  events e = {0};
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_watch(f->c, t->id, NULL, on_event, &e, &err), 0);
  assert_int_equal(e.n, 5);
  assert_true(e.last_had_execution);
  /* the callback stops it: the caller's choice, not an error */
  events stop = {0, 2, 0, 0, 0};
  assert_int_equal(torale_tasks_watch(f->c, t->id, NULL, on_event, &stop, &err), 0);
  assert_null(err);
  assert_int_equal(stop.n, 2);
  torale_task_free(t);
}

static void stream_async_resumes_after_a_drop(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "drop");
  char fault[160];
  snprintf(fault, sizeof fault, "{\"path\":\"/tasks/%s/events\",\"sse_drop_after\":2}", t->id);
  mt_fault(f->mock, fault);
  events e = {0};
  apic_stream *s = NULL;
  assert_int_equal(torale_tasks_watch_async(f->c, t->id, NULL, on_event, on_stream_end, &e, &s, NULL), 0);
  assert_non_null(s);
  assert_int_equal(torale_client_run(f->c), 0);
  assert_int_equal(e.ended, 1);
  assert_int_equal(e.status, 0);
  assert_int_equal(e.n, 5); /* 2, a drop, then 3 more after Last-Event-ID: none lost or repeated */
  cJSON *log = e2e_requests(f->mock);
  const cJSON *last = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
  assert_string_equal(e2e_header(last, "Last-Event-ID"), "2");
  cJSON_Delete(log);
  torale_task_free(t);
}

/* ---- async, groups, cancellation, shutdown ---- */

typedef struct slot {
  int done, status;
  torale_task *task;
  torale_error_kind kind;
} slot;

/* The result and error are lent to the callback: a copy keeps the task. */
static void on_task(apic_call *call, int status, const torale_task *result, const torale_error *err, void *ud)
{
  slot *s = ud;
  (void)call;
  s->done++;
  s->status = status;
  s->task = torale_task_copy(result);
  s->kind = torale_error_kind_of(err);
}

static void gather_in_order(void **state)
{
  fixture *f = *state;
  apic_group *g = NULL;
  assert_int_equal(torale_group_new(f->c, APIC_GROUP_GATHER, &g), 0);
  apic_call_options o = {.group = g};
  slot s[3] = {{0}};
  const char *names[3] = {"one", "two", "three"};
  for (int i = 0; i < 3; i++) {
    torale_create_task body = new_task(names[i]); /* borrowed for the start call only */
    assert_int_equal(torale_tasks_create_async(f->c, &body, &o, on_task, &s[i], NULL, NULL), 0);
  }
  assert_int_equal(apic_group_wait(g), 0);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(s[i].done, 1);
    assert_string_equal(s[i].task->name, names[i]);
    assert_int_equal(apic_group_status(g, (size_t)i), 0);
    torale_task_free(s[i].task);
  }
  apic_group_free(g);
}

static void gather_keeps_per_item_errors(void **state)
{
  fixture *f = *state;
  torale_task *t = create(f, "exists");
  apic_group *g = NULL;
  assert_int_equal(torale_group_new(f->c, APIC_GROUP_GATHER, &g), 0);
  apic_call_options o = {.group = g};
  slot s[3] = {{0}};
  const char *ids[3] = {t->id, "missing", t->id};
  for (int i = 0; i < 3; i++)
    assert_int_equal(torale_tasks_get_async(f->c, ids[i], &o, on_task, &s[i], NULL, NULL), 0);
  assert_int_equal(apic_group_wait(g), APIC_ERR_HTTP);
  assert_int_equal(s[0].status, 0);
  assert_int_equal(s[1].kind, TORALE_ERROR_NOT_FOUND);
  assert_int_equal(s[2].status, 0);
  torale_task_free(s[0].task);
  torale_task_free(s[2].task);
  apic_group_free(g);
  torale_task_free(t);
}

static void fail_fast_cancels_the_rest(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"path\":\"/tasks/slow*\",\"delay_ms\":5000,\"times\":-1}");
  apic_group *g = NULL;
  assert_int_equal(torale_group_new(f->c, APIC_GROUP_FAIL_FAST, &g), 0);
  apic_call_options o = {.group = g};
  slot s[3] = {{0}};
  assert_int_equal(torale_tasks_get_async(f->c, "slow1", &o, on_task, &s[0], NULL, NULL), 0);
  assert_int_equal(torale_tasks_get_async(f->c, "slow2", &o, on_task, &s[1], NULL, NULL), 0);
  mt_fault(f->mock, "{\"path\":\"/tasks/boom\",\"status\":404}");
  assert_int_equal(torale_tasks_get_async(f->c, "boom", &o, on_task, &s[2], NULL, NULL), 0);
  assert_int_equal(apic_group_wait(g), APIC_ERR_HTTP); /* the 404 that ended it, not a CANCELLED */
  assert_int_equal(s[0].status, APIC_ERR_CANCELLED);
  assert_int_equal(s[1].kind, TORALE_ERROR_CANCELLED);
  assert_int_equal(s[2].kind, TORALE_ERROR_NOT_FOUND);
  apic_group_free(g);
  /* arguments refused before sending never join the group; the callback never runs */
  assert_int_equal(torale_group_new(f->c, APIC_GROUP_FAIL_FAST, &g), 0);
  o.group = g;
  slot never = {0};
  assert_int_equal(torale_tasks_get_async(f->c, "", &o, on_task, &never, NULL, NULL), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_group_size(g), 0);
  assert_int_equal(apic_group_wait(g), 0);
  assert_int_equal(never.done, 0);
  apic_group_free(g);
}

static void cancel_and_shutdown(void **state)
{
  fixture *f = *state;
  mt_fault(f->mock, "{\"path\":\"/tasks/hang*\",\"delay_ms\":5000,\"times\":-1}");
  slot a = {0};
  apic_call *call = NULL;
  assert_int_equal(torale_tasks_get_async(f->c, "hang1", NULL, on_task, &a, &call, NULL), 0);
  apic_call_cancel(call);
  assert_int_equal(torale_client_run(f->c), 0);
  assert_int_equal(a.done, 1);
  assert_int_equal(a.kind, TORALE_ERROR_CANCELLED);
  /* closing with work in flight: every callback runs once, cancelled */
  torale_client *c = client_with(f, NULL);
  slot s[4] = {{0}};
  for (int i = 0; i < 4; i++)
    assert_int_equal(torale_tasks_get_async(c, "hang2", NULL, on_task, &s[i], NULL, NULL), 0);
  torale_client_free(c, 50);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(s[i].done, 1);
    assert_int_equal(s[i].kind, TORALE_ERROR_CANCELLED);
  }
}

static void five_in_flight(torale_client_options *o)
{
  o->http.max_concurrency = 5;
}

static void async_needs_a_callback(void **state)
{
  fixture *f = *state;
  torale_error *err = NULL;
  assert_int_equal(torale_executions_get_async(f->c, "e", NULL, NULL, NULL, NULL, &err), APIC_ERR_INVALID_ARG);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_INVALID_ARGUMENT);
  torale_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), 0);
}

typedef struct counter {
  int done, ok;
} counter;

static void on_execution(apic_call *call, int status, const torale_execution *result, const torale_error *err,
                         void *ud)
{
  counter *n = ud;
  (void)call, (void)result, (void)err;
  n->done++;
  n->ok += status == 0;
}

static void max_concurrency_is_respected(void **state)
{
  fixture *f = *state;
  torale_client *c = client_with(f, five_in_flight);
  mt_fault(f->mock, "{\"path\":\"/executions/*\",\"delay_ms\":20,\"times\":-1}");
  counter n = {0, 0};
  for (int i = 0; i < 40; i++)
    assert_int_equal(torale_executions_get_async(c, "e", NULL, on_execution, &n, NULL, NULL), 0);
  assert_int_equal(torale_client_run(c), 0);
  assert_int_equal(n.done, 40);
  assert_int_equal(n.ok, 40);
  int peak = e2e_peak(f->mock);
  assert_true(peak >= 1 && peak <= 5);
  torale_client_free(c, 0);
}

/* Every operation's async form once, on one loop run: each callback checks its status. */
static int async_done, async_ok;

static void count(int status)
{
  async_done++;
  async_ok += status == 0;
}
static void on_any_task(apic_call *call, int status, const torale_task *r, const torale_error *err, void *ud)
{
  (void)call, (void)r, (void)err, (void)ud;
  count(status);
}
static void on_none(apic_call *call, int status, const torale_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  count(status);
}
static void on_executions(apic_call *call, int status, const torale_execution_list *r, const torale_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  count(status == 0 && r != NULL ? 0 : -1);
}
static void on_page(apic_call *call, int status, const torale_task_page *r, const torale_error *err, void *ud)
{
  (void)call, (void)r, (void)err, (void)ud;
  count(status);
}
static void on_notifications(apic_call *call, int status, const torale_notification_page *r, const torale_error *err,
                             void *ud)
{
  (void)call, (void)r, (void)err, (void)ud;
  count(status);
}
static void on_execution_counted(apic_call *call, int status, const torale_execution *r, const torale_error *err,
                                 void *ud)
{
  (void)call, (void)r, (void)err, (void)ud;
  count(status);
}
static void on_notification(apic_call *call, int status, const torale_notification *r, const torale_error *err,
                            void *ud)
{
  (void)call, (void)r, (void)err, (void)ud;
  count(status);
}

static void every_operation_async(void **state)
{
  fixture *f = *state;
  torale_task *a = create(f, "a"), *b = create(f, "b");
  async_done = async_ok = 0;
  torale_create_task body = new_task("async");
  torale_update_task patch = {0};
  events e = {0};
  assert_int_equal(torale_tasks_create_async(f->c, &body, NULL, on_any_task, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_get_async(f->c, a->id, NULL, on_any_task, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_list_async(f->c, NULL, NULL, on_page, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_update_async(f->c, a->id, &patch, NULL, on_any_task, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_delete_async(f->c, b->id, NULL, on_none, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_get_executions_async(f->c, a->id, NULL, NULL, on_executions, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_run_async(f->c, a->id, NULL, NULL, on_execution_counted, NULL, NULL, NULL), 0);
  assert_int_equal(torale_executions_get_async(f->c, "x", NULL, on_execution_counted, NULL, NULL, NULL), 0);
  assert_int_equal(torale_notifications_list_async(f->c, NULL, NULL, on_notifications, NULL, NULL, NULL), 0);
  assert_int_equal(torale_notifications_mark_read_async(f->c, "n", NULL, on_notification, NULL, NULL, NULL), 0);
  assert_int_equal(torale_notifications_unread_count_async(f->c, NULL, on_notifications, NULL, NULL, NULL), 0);
  assert_int_equal(torale_tasks_watch_async(f->c, a->id, NULL, on_event, on_stream_end, &e, NULL, NULL), 0);
  assert_int_equal(torale_client_run(f->c), 0);
  assert_int_equal(async_done, 11);
  assert_int_equal(async_ok, 11);
  assert_int_equal(e.ended, 1);
  assert_int_equal(e.n, 5);
  torale_task_free(a);
  torale_task_free(b);
}

static uv_loop_t *own_loop;

static void callers_loop(torale_client_options *o)
{
  o->http.loop = own_loop;
}

/* With the caller's loop the caller runs it: the client adds its handles and leaves. */
static void on_the_callers_loop(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  own_loop = &loop;
  torale_client *c = client_with(f, callers_loop);
  slot s = {0};
  assert_int_equal(torale_tasks_get_async(c, "missing", NULL, on_task, &s, NULL, NULL), 0);
  assert_int_equal(torale_client_run(c), APIC_ERR_BUSY);
  for (int i = 0; i < 1000 && s.done == 0; i++)
    uv_run(&loop, UV_RUN_ONCE);
  assert_int_equal(s.done, 1);
  assert_int_equal(s.kind, TORALE_ERROR_NOT_FOUND);
  torale_client_free(c, 0);
  uv_run(&loop, UV_RUN_DEFAULT); /* lets the client's handles close */
  assert_int_equal(uv_loop_close(&loop), 0);
}

/* Freed with a call and a stream pending on the caller's loop: their callbacks run (CANCELLED)
 * when the caller next runs the loop, and nothing freed is touched then (ASan, valgrind). */
static void freed_with_work_pending_on_the_callers_loop(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  own_loop = &loop;
  torale_client *c = client_with(f, callers_loop);
  slot s = {0};
  events e = {0};
  assert_int_equal(torale_tasks_get_async(c, "missing", NULL, on_task, &s, NULL, NULL), 0);
  assert_int_equal(torale_tasks_watch_async(c, "missing", NULL, on_event, on_stream_end, &e, NULL, NULL), 0);
  torale_client_free(c, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(s.done, 1);
  assert_int_equal(s.status, APIC_ERR_CANCELLED);
  assert_int_equal(e.ended, 1);
  assert_int_equal(e.status, APIC_ERR_CANCELLED);
  assert_int_equal(uv_loop_close(&loop), 0);
}

typedef struct freeing {
  torale_client *c;
  slot first, second;
} freeing;

static void free_client_then_note(apic_call *call, int status, const torale_task *result, const torale_error *err,
                                  void *ud)
{
  freeing *k = ud;
  on_task(call, status, result, err, &k->first);
  torale_client_free(k->c, 0);
}

/* Freed from inside one of its callbacks on the caller's loop: the other call still ends once. */
static void freed_from_a_callback_on_the_callers_loop(void **state)
{
  fixture *f = *state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  own_loop = &loop;
  freeing k = {.c = client_with(f, callers_loop)};
  mt_fault(f->mock, "{\"path\":\"/tasks/slow\",\"delay_ms\":2000}");
  assert_int_equal(torale_tasks_get_async(k.c, "missing", NULL, free_client_then_note, &k, NULL, NULL), 0);
  assert_int_equal(torale_tasks_get_async(k.c, "slow", NULL, on_task, &k.second, NULL, NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(k.first.done, 1);
  assert_int_equal(k.first.kind, TORALE_ERROR_NOT_FOUND);
  assert_int_equal(k.second.done, 1);
  assert_int_equal(k.second.status, APIC_ERR_CANCELLED);
  assert_int_equal(uv_loop_close(&loop), 0);
}

/* Freed from inside one of its callbacks on its own loop, while torale_client_run runs it: the
 * other call ends CANCELLED, and the client is freed once the run is done with it. */
static void freed_from_a_callback_on_its_own_loop(void **state)
{
  fixture *f = *state;
  freeing k = {.c = client_with(f, NULL)};
  mt_fault(f->mock, "{\"path\":\"/tasks/slow\",\"delay_ms\":2000}");
  assert_int_equal(torale_tasks_get_async(k.c, "missing", NULL, free_client_then_note, &k, NULL, NULL), 0);
  assert_int_equal(torale_tasks_get_async(k.c, "slow", NULL, on_task, &k.second, NULL, NULL), 0);
  assert_int_equal(torale_client_run(k.c), 0);
  assert_int_equal(k.first.done, 1);
  assert_int_equal(k.second.done, 1);
  assert_int_equal(k.second.status, APIC_ERR_CANCELLED);
}

/* ---- secrets ---- */

static void secrets_stay_out_of_logs_and_errors(void **state)
{
  fixture *f = *state;
  torale_create_task body = new_task("secret");
  body.notify_email = "alice.secret@example.com"; /* @sensitive */
  torale_task *out = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_create(f->c, &body, NULL, &out, &err), 0);
  mt_fault(f->mock, "{\"path\":\"/tasks\",\"method\":\"POST\",\"status\":500,\"times\":-1}");
  apic_call_options o = {.max_retries = 1, .idempotency_key = "k-1"};
  torale_task *out2 = NULL;
  assert_int_equal(torale_tasks_create(f->c, &body, &o, &out2, &err), APIC_ERR_HTTP);
  char line[2048];
  torale_error_str(err, line, sizeof line);
  assert_null(strstr(line, KEY));
  assert_null(strstr(line, "alice.secret"));
  torale_error_free(err);
  assert_true(f->log.lines >= 3);
  assert_null(strstr(f->log.text, KEY));
  assert_null(strstr(f->log.text, "Bearer"));
  assert_null(strstr(f->log.text, "alice.secret"));
  assert_non_null(strstr(f->log.text, "POST"));
  /* nor in a dump of the body or of the result */
  char *text = torale_create_task_dump(&body, NULL);
  assert_null(strstr(text, "alice.secret"));
  apic_free(text);
  text = torale_task_dump(out, NULL);
  assert_null(strstr(text, "alice.secret"));
  apic_free(text);
  /* the key did reach the server */
  cJSON *log = e2e_requests(f->mock);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 0), "Authorization"), "Bearer " KEY);
  cJSON_Delete(log);
  torale_task_free(out);
}

static void api_key_from_the_environment(void **state)
{
  fixture *f = *state;
  setenv(TORALE_API_KEY_ENV, "env-key-1", 1);
  torale_client_options o = {.base_url = e2e_base(f->mock)};
  torale_client *c = NULL;
  assert_int_equal(torale_client_new(&o, &c, NULL), 0);
  unsetenv(TORALE_API_KEY_ENV);
  torale_task *t = NULL;
  torale_error *err = NULL;
  assert_int_equal(torale_tasks_get(c, "t", NULL, &t, &err), APIC_ERR_HTTP); /* 404: authenticated */
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_NOT_FOUND);
  torale_error_free(err);
  cJSON *log = e2e_requests(f->mock);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 0), "Authorization"), "Bearer env-key-1");
  assert_non_null(strstr(e2e_header(cJSON_GetArrayItem(log, 0), "User-Agent"), "torale-c/1.0.0"));
  cJSON_Delete(log);
  torale_client_free(c, 0);
}

static void dead_server(void **state)
{
  fixture *f = *state;
  torale_client_options o = {.base_url = "http://127.0.0.1:1", .api_key = KEY};
  o.http.max_retries = 1;
  o.http.backoff_initial_ms = 1;
  torale_client *c = NULL;
  assert_int_equal(torale_client_new(&o, &c, NULL), 0);
  torale_task *t = NULL;
  torale_error *err = NULL;
  assert_int_not_equal(torale_tasks_get(c, "t", NULL, &t, &err), 0);
  assert_int_equal(torale_error_kind_of(err), TORALE_ERROR_CONNECTION);
  torale_error_free(err);
  torale_client_free(c, 0);
  (void)f;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(crud_sync, setup, teardown),
      cmocka_unit_test_setup_teardown(other_operations_sync, setup, teardown),
      cmocka_unit_test_setup_teardown(invalid_arguments_are_not_sent, setup, teardown),
      cmocka_unit_test_setup_teardown(typed_errors_with_payloads, setup, teardown),
      cmocka_unit_test_setup_teardown(zero_options_are_the_defaults, setup, teardown),
      cmocka_unit_test_setup_teardown(retried_run_has_one_key, setup, teardown),
      cmocka_unit_test_setup_teardown(timeouts_and_deadlines, setup, teardown),
      cmocka_unit_test_setup_teardown(awkward_values_arrive_intact, setup, teardown),
      cmocka_unit_test_setup_teardown(pages_sync, setup, teardown),
      cmocka_unit_test_setup_teardown(pages_async, setup, teardown),
      cmocka_unit_test_setup_teardown(offset_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(stream_sync, setup, teardown),
      cmocka_unit_test_setup_teardown(stream_async_resumes_after_a_drop, setup, teardown),
      cmocka_unit_test_setup_teardown(gather_in_order, setup, teardown),
      cmocka_unit_test_setup_teardown(gather_keeps_per_item_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(fail_fast_cancels_the_rest, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_and_shutdown, setup, teardown),
      cmocka_unit_test_setup_teardown(async_needs_a_callback, setup, teardown),
      cmocka_unit_test_setup_teardown(max_concurrency_is_respected, setup, teardown),
      cmocka_unit_test_setup_teardown(every_operation_async, setup, teardown),
      cmocka_unit_test_setup_teardown(on_the_callers_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(freed_with_work_pending_on_the_callers_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(freed_from_a_callback_on_the_callers_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(freed_from_a_callback_on_its_own_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(secrets_stay_out_of_logs_and_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(api_key_from_the_environment, setup, teardown),
      cmocka_unit_test_setup_teardown(dead_server, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
