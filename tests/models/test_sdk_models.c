/* The generated Torale and Bloomy models: bodies written with designated initializers and no
 * allocation, decoded values freed whole, each decode error with its JSON path, each check
 * before sending, absent / null / value kept apart, typed maps, copies that share nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bloomy/errors.h"
#include "torale/models.h"

/* A valid Torale task; each case below changes one member of it. */
static const char TASK[] =
    "{\"id\":\"t_1\",\"name\":\"n\",\"search_query\":\"q\",\"condition_description\":\"c\","
    "\"schedule\":\"0 9 * * *\",\"state\":\"active\",\"is_active\":true,\"created_at\":\"2024-02-29T09:00:00Z\","
    "\"last_execution\":{\"id\":\"e\",\"task_id\":\"t_1\",\"status\":\"success\",\"started_at\":\"2024-03-01T09:00:00Z\",\"sources\":[]},"
    "\"tags\":[\"a\"],\"labels\":{\"team\":\"x\",\"env\":\"prod\"},\"cooldown_minutes\":5,\"confidence_threshold\":0.5}";

/* TASK with member key (of the task, or of its last execution when nested) set to the JSON
 * value text, or removed when value is NULL. Caller frees. */
static char *task_with(const char *key, int nested, const char *value)
{
  cJSON *task = cJSON_Parse(TASK);
  cJSON *obj = nested ? cJSON_GetObjectItem(task, "last_execution") : task;
  if (value == NULL)
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
  else
    assert_true(cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_Parse(value)));
  char *text = cJSON_PrintUnformatted(task);
  cJSON_Delete(task);
  return text;
}

static torale_task *task(const char *json)
{
  torale_task *t = NULL;
  apic_error *err = NULL;
  if (torale_task_parse(json, strlen(json), &t, &err) != 0)
    fail_msg("%s", apic_error_message(err));
  return t;
}

/* A body with literals and a stack array: what is sent is exactly what was set, plus the
 * spec's defaults for what was not. Nothing was allocated, so nothing is freed. */
static void test_body_from_designated_initializers(void **state)
{
  (void)state;
  const apic_string_entry labels[] = {{"team", "core"}};
  torale_create_task b = {.name = "Bread", .search_query = "q", .condition_description = "c",
                          .tags = (const char *[]){"food"}, .tags_count = 1, .labels = labels, .labels_count = 1,
                          .cooldown_minutes = APIC_INT(30)};
  char *text = torale_create_task_dump(&b, NULL);
  assert_string_equal(text, "{\"name\":\"Bread\",\"search_query\":\"q\",\"condition_description\":\"c\","
                            "\"schedule\":\"0 9 * * *\",\"is_active\":true,\"tags\":[\"food\"],"
                            "\"labels\":{\"team\":\"core\"},\"cooldown_minutes\":30}");
  apic_free(text);
  /* An optional field set is sent: there is no second flag to forget. */
  torale_update_task u = {.is_active = APIC_BOOL(false), .notify_email_null = true};
  text = torale_update_task_dump(&u, NULL);
  assert_string_equal(text, "{\"is_active\":false,\"notify_email\":null}");
  apic_free(text);
}

static void test_decoded_value_is_freed_whole(void **state)
{
  (void)state;
  torale_task *t = task(TASK);
  assert_string_equal(t->id, "t_1");
  assert_int_equal(*t->state, TORALE_TASK_STATE_ACTIVE);
  assert_true(*t->is_active);
  assert_int_equal(*t->cooldown_minutes, 5);
  assert_int_equal(t->labels_count, 2);
  assert_string_equal(t->labels[1].key, "env");
  assert_string_equal(t->labels[1].value, "prod");
  assert_int_equal(t->last_execution->status, TORALE_EXECUTION_STATUS_SUCCESS);
  /* The caller may point a member elsewhere: _free frees the value, never a member. */
  t->name = "a literal now";
  torale_task *copy = torale_task_copy(t);
  assert_true(torale_task_equal(copy, t));
  assert_ptr_not_equal(copy->labels, t->labels);
  torale_task_free(t);
  assert_string_equal(copy->name, "a literal now");
  torale_task_free(copy);
  torale_task_free(NULL);
}

static void test_each_decode_error_names_its_path(void **state)
{
  (void)state;
  static const struct {
    const char *key;
    int nested;
    const char *value;
    const char *message;
  } cases[] = {
      {"name", 0, "5", "$.name: expected a string, got 5"},
      {"id", 0, NULL, "$.id: required field missing"},
      {"cooldown_minutes", 0, "1.5", "$.cooldown_minutes: expected an integer, got 1.5"},
      {"cooldown_minutes", 0, "1e300", "$.cooldown_minutes: expected an integer, got 1e+300"},
      {"confidence_threshold", 0, "\"high\"", "$.confidence_threshold: expected a number, got \"high\""},
      {"is_active", 0, "\"yes\"", "$.is_active: expected true or false, got \"yes\""},
      {"state", 0, "3", "$.state: expected a string (enum value), got 3"},
      {"created_at", 0, "\"2024-02-30T09:00:00Z\"",
       "$.created_at: expected an RFC 3339 date-time, got \"2024-02-30T09:00:00Z\""},
      {"tags", 0, "[\"a\",[]]", "$.tags[1]: expected a string, got an array"},
      {"labels", 0, "[]", "$.labels: expected an object, got an array"},
      {"labels", 0, "{\"team\":1}", "$.labels.team: expected a string, got 1"},
      {"started_at", 1, "\"yesterday\"", "$.last_execution.started_at: expected an RFC 3339 date-time, got \"yesterday\""},
      {"sources", 1, "[1]", "$.last_execution.sources[0]: expected a string, got 1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *text = task_with(cases[i].key, cases[i].nested, cases[i].value);
    torale_task *t = NULL;
    apic_error *err = NULL;
    assert_int_equal(torale_task_parse(text, strlen(text), &t, &err), APIC_ERR_DECODE);
    assert_null(t);
    assert_string_equal(apic_error_message(err), cases[i].message);
    apic_error_free(err);
    free(text);
  }
  /* Bloomy: a wire name differs from the C name (imageUrl, image_url): the message says the wire's. */
  const char *user = "{\"id\":3,\"name\":\"Ann\",\"email\":\"a@b\",\"imageUrl\":false}";
  bloomy_user *u = NULL;
  apic_error *err = NULL;
  assert_int_equal(bloomy_user_parse(user, strlen(user), &u, &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$.imageUrl: expected a string, got false");
  apic_error_free(err);
}

static void expect_invalid(const torale_task *t, const char *message)
{
  apic_error *err = NULL;
  assert_int_equal(torale_task_validate(t, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), message);
  apic_error_free(err);
}

static void test_validate_each_constraint(void **state)
{
  (void)state;
  torale_task *t = task(TASK);
  torale_task v = *t; /* a shallow copy to change: its members still point into t */
  char long_name[202];
  memset(long_name, 'x', 201);
  long_name[201] = '\0';
  v.name = long_name;
  expect_invalid(&v, "$.name: longer than the maximum length 200");
  long_name[200] = '\0'; /* exactly the maximum is fine */
  assert_int_equal(torale_task_validate(&v, NULL), 0);
  v.search_query = "";
  expect_invalid(&v, "$.search_query: shorter than the minimum length 1");
  v.search_query = "q";
  v.confidence_threshold = APIC_FLOAT(1.5);
  expect_invalid(&v, "$.confidence_threshold: above the maximum 1");
  v.confidence_threshold = NULL; /* unset: its default, 0.5, is what would be sent */
  v.cooldown_minutes = APIC_INT(-1);
  expect_invalid(&v, "$.cooldown_minutes: below the minimum 0");
  v.cooldown_minutes = NULL; /* an absent optional is not checked */
  v.created_at = "2024-02-29 09:00";
  expect_invalid(&v, "$.created_at: expected an RFC 3339 date-time, got \"2024-02-29 09:00\"");
  v.created_at = NULL;
  expect_invalid(&v, "$.created_at: required field missing");
  v.created_at = "2024-02-29T09:00:00Z";
  v.search_query = "caf\xc3"; /* cut inside a UTF-8 sequence */
  expect_invalid(&v, "$.search_query: not valid UTF-8");
  v.search_query = "q";
  v.tags = NULL; /* a count without its array */
  expect_invalid(&v, "$.tags: a count of 1 with a NULL array");
  v.tags = t->tags;
  assert_int_equal(torale_task_validate(&v, NULL), 0);
  torale_task_free(t);
}

/* A value this SDK does not know is kept, and sent back as it came. */
static void test_newer_server_values_survive(void **state)
{
  (void)state;
  char *text = task_with("state", 0, "\"archived\"");
  torale_task *t = task(text);
  assert_int_equal(*t->state, TORALE_TASK_STATE_UNKNOWN);
  assert_string_equal(t->state_unknown, "archived");
  char *again = torale_task_dump(t, NULL);
  assert_non_null(strstr(again, "\"state\":\"archived\""));
  apic_free(again);
  torale_task_free(t);
  free(text);
}

/* @sensitive values never leave a dump in clear. */
static void test_dump_redacts(void **state)
{
  (void)state;
  torale_create_task b = {.search_query = "q", .condition_description = "c", .notify_email = "me@example.org"};
  char *text = torale_create_task_dump(&b, NULL);
  assert_null(strstr(text, "me@example.org"));
  assert_non_null(strstr(text, "\"notify_email\":\"REDACTED\""));
  apic_free(text);
}

static void test_bloomy_maps_and_nulls(void **state)
{
  (void)state;
  const char *json = "{\"id\":3,\"name\":\"Ann\",\"email\":\"a@b\",\"imageUrl\":null}"; /* spec order */
  bloomy_user *u = NULL;
  assert_int_equal(bloomy_user_parse(json, strlen(json), &u, NULL), 0);
  assert_int_equal(u->id, 3);
  assert_null(u->image_url);
  assert_true(u->image_url_null);
  char *text = bloomy_user_dump(u, NULL); /* email is @sensitive */
  assert_string_equal(text, "{\"id\":3,\"name\":\"Ann\",\"email\":\"REDACTED\",\"imageUrl\":null}");
  apic_free(text);
  bloomy_user_free(u);
  const char *metric = "{\"id\":1,\"title\":\"Calls\",\"target\":40,\"direction\":\">=\",\"owner_id\":2,"
                       "\"scores\":{\"2024-W07\":41.5,\"2024-W08\":39}}";
  bloomy_metric *m = NULL;
  assert_int_equal(bloomy_metric_parse(metric, strlen(metric), &m, NULL), 0);
  assert_int_equal(m->direction, BLOOMY_GOAL_DIRECTION_AT_LEAST);
  assert_int_equal(m->scores_count, 2);
  assert_string_equal(m->scores[0].key, "2024-W07");
  assert_true(m->scores[0].value == 41.5);
  text = bloomy_metric_dump(m, NULL);
  assert_string_equal(text, metric);
  apic_free(text);
  bloomy_metric_free(m);
  /* BadRequestError's errors: map<string[]>, a typed map of string lists. */
  const apic_string_list_entry errors[] = {{"title", {(const char *[]){"too long", "no emoji"}, 2}}};
  bloomy_bad_request_error e = {.message = "bad", .errors = errors, .errors_count = 1};
  assert_string_equal(e.errors[0].value.items[1], "no emoji");
}

static void test_datetime_to_epoch(void **state)
{
  (void)state;
  torale_task *t = task(TASK);
  int64_t sec;
  int32_t nsec;
  assert_int_equal(apic_datetime_parse(t->created_at, &sec, &nsec), 0);
  assert_true(sec == 1709197200);
  assert_int_equal(nsec, 0);
  torale_task_free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_body_from_designated_initializers),
      cmocka_unit_test(test_decoded_value_is_freed_whole),
      cmocka_unit_test(test_each_decode_error_names_its_path),
      cmocka_unit_test(test_validate_each_constraint),
      cmocka_unit_test(test_newer_server_values_survive),
      cmocka_unit_test(test_dump_redacts),
      cmocka_unit_test(test_bloomy_maps_and_nulls),
      cmocka_unit_test(test_datetime_to_epoch),
  };
  return cmocka_run_group_tests_name("models: generated Torale and Bloomy", tests, NULL, NULL);
}
