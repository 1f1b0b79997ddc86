/* The generated Bloomy SDK end to end against the mock serving spec/bloomy.api: every
 * operation sync and async, its header credential, int path parameters, required and enum-array
 * query parameters, a @sensitive header, status-class errors and a header-fed error payload.
 * The binary links the Torale SDK too (tests/e2e/e2e.mk), so the two share one program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bloomy/bloomy.h"
#include "e2e.h"
#include "torale/torale.h"

#define KEY "bk-e2e-secret-99"

typedef struct fixture {
  apic_mock *mock;
  bloomy_client *c;
  e2e_log log;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  mo.log_secrets = 1; /* the tests read the credentials the SDK sent in the request log */
  f->mock = mt_start("bloomy", &mo);
  bloomy_client_options o = {.base_url = e2e_base(f->mock), .api_key = KEY};
  o.http.backoff_initial_ms = 5;
  o.http.log = e2e_log_fn;
  o.http.log_ctx = &f->log;
  o.http.log_level = APIC_LOG_DEBUG;
  assert_int_equal(bloomy_client_new(&o, &f->c, NULL), 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  bloomy_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

/* A call that must succeed; err is the caller's bloomy_error *, printed when it does not. */
#define OK(call)                                                                                     \
  do {                                                                                               \
    int rc_ = (call);                                                                                \
    if (rc_ != 0)                                                                                    \
      bloomy_error_print(err, stderr);                                                               \
    assert_int_equal(rc_, 0);                                                                        \
  } while (0)

static void every_operation_sync(void **state)
{
  fixture *f = *state;
  bloomy_error *err = NULL;
  bloomy_user *me = NULL, *user = NULL;
  OK(bloomy_users_details(f->c, NULL, &me, &err));
  OK(bloomy_users_get(f->c, 7, NULL, &user, &err));
  assert_int_equal(user->id, 7);
  bloomy_users_search_params sp = {.term = "ann"};
  bloomy_user_search_result_list *found = NULL;
  OK(bloomy_users_search(f->c, &sp, NULL, &found, &err));
  bloomy_users_all_params ap = {0};
  bloomy_user_list *all = NULL;
  OK(bloomy_users_all(f->c, &ap, NULL, &all, &err));
  bloomy_meeting_list *meetings = NULL;
  OK(bloomy_meetings_list(f->c, NULL, &meetings, &err));
  bloomy_meeting_details *details = NULL;
  OK(bloomy_meetings_details(f->c, 3, NULL, &details, &err));
  assert_int_equal(details->id, 3);
  bloomy_attendee_list *attendees = NULL;
  OK(bloomy_meetings_attendees(f->c, 3, NULL, &attendees, &err));
  bloomy_meetings_issues_params ip = {0};
  bloomy_issue_list *issues = NULL;
  OK(bloomy_meetings_issues(f->c, 3, &ip, NULL, &issues, &err));
  bloomy_todo_list *mtodos = NULL;
  OK(bloomy_meetings_todos(f->c, 3, NULL, &mtodos, &err));
  bloomy_metric_list *metrics = NULL;
  OK(bloomy_meetings_metrics(f->c, 3, NULL, &metrics, &err));

  bloomy_create_todo body = {.title = "write tests"};
  bloomy_todos_create_params cp = {.request_key = "rk-secret-55"};
  bloomy_todo *created = NULL, *again = NULL, *done = NULL;
  OK(bloomy_todos_create(f->c, &body, &cp, NULL, &created, &err));
  assert_string_equal(created->title, "write tests");
  assert_int_equal(*created->status, BLOOMY_TODO_STATUS_OPEN);
  OK(bloomy_todos_details(f->c, created->id, NULL, &again, &err));
  assert_true(bloomy_todo_equal(created, again));
  OK(bloomy_todos_complete(f->c, created->id, NULL, &done, &err));
  bloomy_todos_list_params lp = {0};
  bloomy_todo_page *page = NULL;
  OK(bloomy_todos_list(f->c, &lp, NULL, &page, &err));
  assert_int_equal(page->results_count, 1);
  bloomy_create_todo_list many = {&body, 1}; /* an array body: a list pointing at the caller's items */
  bloomy_todo_list *upserted = NULL;
  OK(bloomy_todos_bulk_upsert(f->c, &many, NULL, &upserted, &err));

  /* the credential went as X-API-Key; the @sensitive header reached the server, not the log */
  cJSON *log = e2e_requests(f->mock);
  assert_int_equal(cJSON_GetArraySize(log), 15);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 0), "X-API-Key"), KEY);
  assert_string_equal(e2e_header(cJSON_GetArrayItem(log, 10), "X-Request-Key"), "rk-secret-55");
  cJSON_Delete(log);
  assert_null(strstr(f->log.text, "rk-secret-55"));
  assert_null(strstr(f->log.text, KEY));

  bloomy_user_free(me);
  bloomy_user_free(user);
  bloomy_user_search_result_list_free(found);
  bloomy_user_list_free(all);
  bloomy_meeting_list_free(meetings);
  bloomy_meeting_details_free(details);
  bloomy_attendee_list_free(attendees);
  bloomy_issue_list_free(issues);
  bloomy_todo_list_free(mtodos);
  bloomy_metric_list_free(metrics);
  bloomy_todo_free(created);
  bloomy_todo_free(again);
  bloomy_todo_free(done);
  bloomy_todo_page_free(page);
  bloomy_todo_list_free(upserted);
}

/* Async: one callback type per operation; each records that it ran (results are lent). */
static int done_count, ok_count;
#define RECORD(op, T)                                                                                \
  static void on_##op(apic_call *call, int status, const T *r, const bloomy_error *err, void *ud)    \
  {                                                                                                  \
    (void)call, (void)err, (void)ud;                                                                 \
    done_count++;                                                                                    \
    ok_count += status == 0 && r != NULL;                                                            \
  }

RECORD(user, bloomy_user)
RECORD(search, bloomy_user_search_result_list)
RECORD(users, bloomy_user_list)
RECORD(meetings, bloomy_meeting_list)
RECORD(details, bloomy_meeting_details)
RECORD(attendees, bloomy_attendee_list)
RECORD(issues, bloomy_issue_list)
RECORD(todos, bloomy_todo_list)
RECORD(metrics, bloomy_metric_list)
RECORD(todo, bloomy_todo)
RECORD(page, bloomy_todo_page)

static void every_operation_async(void **state)
{
  fixture *f = *state;
  done_count = ok_count = 0;
  bloomy_create_todo body = {.title = "async"};
  bloomy_todo *seed = NULL;
  assert_int_equal(bloomy_todos_create(f->c, &body, NULL, NULL, &seed, NULL), 0);
  bloomy_users_search_params sp = {.term = "x"};
  bloomy_create_todo_list many = {&body, 1};
  assert_int_equal(bloomy_users_details_async(f->c, NULL, on_user, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_users_get_async(f->c, 1, NULL, on_user, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_users_search_async(f->c, &sp, NULL, on_search, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_users_all_async(f->c, NULL, NULL, on_users, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_list_async(f->c, NULL, on_meetings, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_details_async(f->c, 1, NULL, on_details, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_attendees_async(f->c, 1, NULL, on_attendees, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_issues_async(f->c, 1, NULL, NULL, on_issues, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_todos_async(f->c, 1, NULL, on_todos, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_meetings_metrics_async(f->c, 1, NULL, on_metrics, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_todos_create_async(f->c, &body, NULL, NULL, on_todo, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_todos_list_async(f->c, NULL, NULL, on_page, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_todos_details_async(f->c, seed->id, NULL, on_todo, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_todos_complete_async(f->c, seed->id, NULL, on_todo, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_todos_bulk_upsert_async(f->c, &many, NULL, on_todos, NULL, NULL, NULL), 0);
  assert_int_equal(bloomy_client_run(f->c), 0);
  assert_int_equal(done_count, 15);
  assert_int_equal(ok_count, 15);
  bloomy_todo_free(seed);
}

static void parameters_are_checked_and_encoded(void **state)
{
  fixture *f = *state;
  bloomy_error *err = NULL;
  bloomy_user_search_result_list *found = NULL;
  assert_int_equal(bloomy_users_search(f->c, NULL, NULL, &found, &err), APIC_ERR_INVALID_ARG); /* term is required */
  bloomy_error_free(err);
  bloomy_users_search_params sp = {.term = ""};
  assert_int_equal(bloomy_users_search(f->c, &sp, NULL, &found, &err), APIC_ERR_INVALID_ARG); /* @min_len(1) */
  assert_non_null(strstr(bloomy_error_message(err), "term"));
  bloomy_error_free(err);
  bloomy_user *u = NULL;
  assert_int_equal(bloomy_users_get(f->c, 0, NULL, &u, &err), APIC_ERR_INVALID_ARG); /* @min(1) */
  bloomy_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), 0);

  const bloomy_todo_status statuses[] = {BLOOMY_TODO_STATUS_OPEN, BLOOMY_TODO_STATUS_DONE};
  bloomy_todos_list_params lp = {.status = statuses, .status_count = 2, .user_id = APIC_INT(12)};
  bloomy_todo_page *page = NULL;
  assert_int_equal(bloomy_todos_list(f->c, &lp, NULL, &page, &err), 0);
  bloomy_todo_page_free(page);
  cJSON *log = e2e_requests(f->mock);
  const cJSON *q = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, 0), "query");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(q, "status");
  assert_int_equal(cJSON_GetArraySize(st), 2);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(st, 0)), "open");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(st, 1)), "complete"); /* the wire name */
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "user_id")), "12");
  cJSON_Delete(log);
}

static void status_class_and_header_payloads(void **state)
{
  fixture *f = *state;
  bloomy_error *err = NULL;
  bloomy_meeting_list *meetings = NULL;
  mt_fault(f->mock, "{\"path\":\"/meetings\",\"status\":418,\"body\":{\"message\":\"teapot\"}}");
  assert_int_equal(bloomy_meetings_list(f->c, NULL, &meetings, &err), APIC_ERR_HTTP);
  assert_int_equal(bloomy_error_kind_of(err), BLOOMY_ERROR_CLIENT); /* 4XX */
  assert_string_equal(bloomy_error_as_client(err)->message, "teapot");
  bloomy_error_free(err);
  mt_fault(f->mock, "{\"path\":\"/meetings\",\"status\":429,\"headers\":{\"retry-after-ms\":250}}");
  apic_call_options o = {.max_retries = APIC_NO_RETRIES};
  assert_int_equal(bloomy_meetings_list(f->c, &o, &meetings, &err), APIC_ERR_HTTP);
  assert_int_equal(bloomy_error_kind_of(err), BLOOMY_ERROR_TOO_MANY_REQUESTS);
  assert_int_equal(*bloomy_error_as_too_many_requests(err)->retry_after_ms, 250);
  assert_int_equal(bloomy_error_retry_after_ms(err), 250);
  bloomy_error_free(err);
  /* retried within the policy: 429 then success */
  mt_fault(f->mock, "{\"path\":\"/meetings\",\"status\":429,\"headers\":{\"retry-after-ms\":10}}");
  assert_int_equal(bloomy_meetings_list(f->c, NULL, &meetings, &err), 0);
  bloomy_meeting_list_free(meetings);
}

/* Each spec error, from a status the mock is told to answer with, maps to its kind and payload. */
static void every_spec_error(void **state)
{
  fixture *f = *state;
  static const struct {
    int status;
    bloomy_error_kind kind;
  } cases[] = {{400, BLOOMY_ERROR_BAD_REQUEST}, {401, BLOOMY_ERROR_UNAUTHORIZED}, {404, BLOOMY_ERROR_NOT_FOUND},
               {429, BLOOMY_ERROR_TOO_MANY_REQUESTS}, {409, BLOOMY_ERROR_CLIENT}, {503, BLOOMY_ERROR_SERVER}};
  apic_call_options o = {.max_retries = APIC_NO_RETRIES};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char fault[200];
    snprintf(fault, sizeof fault, "{\"path\":\"/users/mine\",\"status\":%d,\"body\":{\"message\":\"m%d\"}}",
             cases[i].status, cases[i].status);
    mt_fault(f->mock, fault);
    bloomy_user *u = NULL;
    bloomy_error *err = NULL;
    assert_int_equal(bloomy_users_details(f->c, &o, &u, &err), APIC_ERR_HTTP);
    assert_int_equal(bloomy_error_kind_of(err), cases[i].kind);
    assert_int_equal(bloomy_error_status(err), cases[i].status);
    char want[16];
    snprintf(want, sizeof want, "m%d", cases[i].status);
    const char *message = NULL;
    switch (cases[i].kind) {
    case BLOOMY_ERROR_BAD_REQUEST: message = bloomy_error_as_bad_request(err)->message; break;
    case BLOOMY_ERROR_UNAUTHORIZED: message = bloomy_error_as_unauthorized(err)->message; break;
    case BLOOMY_ERROR_NOT_FOUND: message = bloomy_error_as_not_found(err)->message; break;
    case BLOOMY_ERROR_TOO_MANY_REQUESTS: message = bloomy_error_as_too_many_requests(err)->message; break;
    case BLOOMY_ERROR_CLIENT: message = bloomy_error_as_client(err)->message; break;
    default: message = bloomy_error_as_server(err)->message; break;
    }
    assert_string_equal(message, want);
    bloomy_error_free(err);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_operation_sync, setup, teardown),
      cmocka_unit_test_setup_teardown(every_operation_async, setup, teardown),
      cmocka_unit_test_setup_teardown(parameters_are_checked_and_encoded, setup, teardown),
      cmocka_unit_test_setup_teardown(status_class_and_header_payloads, setup, teardown),
      cmocka_unit_test_setup_teardown(every_spec_error, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
