/* The generated Torale and Bloomy models, end to end through libapic's model runtime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bloomy/models.h"
#include "torale/models.h"

/* A task using every kind of field Torale has. */
static const char TASK[] =
    "{\"id\":\"t_1\",\"name\":\"iPhone\",\"search_query\":\"When is the next iPhone release?\","
    "\"condition_description\":\"A date is announced\",\"schedule\":\"0 9 * * *\",\"state\":\"paused\","
    "\"is_active\":false,\"created_at\":\"2024-02-29T09:00:00Z\",\"updated_at\":\"2024-03-01T10:00:00.5+01:00\","
    "\"last_execution\":{\"id\":\"e_1\",\"task_id\":\"t_1\",\"status\":\"in-progress\",\"started_at\":\"2024-03-01T09:00:00Z\","
    "\"completed_at\":null,\"sources\":[\"https://a\",\"https://b\"],\"raw\":{\"score\":0.9}},"
    "\"notify_email\":null,\"tags\":[\"apple\",\"phones\"],\"labels\":{\"team\":\"x\",\"prio\":\"high\"},"
    "\"cooldown_minutes\":60,\"confidence_threshold\":0.75}";

static void test_task_round_trip(void **state)
{
  (void)state;
  torale_task t, u;
  apic_error *err = NULL;
  assert_int_equal(torale_task_parse(&t, TASK, strlen(TASK), &err), 0);
  assert_string_equal(t.search_query, "When is the next iPhone release?");
  assert_int_equal(t.state, TORALE_TASK_STATE_PAUSED);
  assert_int_equal(t.last_execution->status, TORALE_EXECUTION_STATUS_IN_PROGRESS);
  assert_int_equal(t.last_execution->has_completed_at, APIC_NULL);
  assert_int_equal(t.has_notify_email, APIC_NULL);
  assert_int_equal(t.tags_count, 2);
  assert_int_equal(t.cooldown_minutes, 60);
  char *text = torale_task_dump(&t);
  assert_string_equal(text, TASK);
  assert_int_equal(torale_task_parse(&u, text, strlen(text), NULL), 0);
  assert_true(torale_task_equal(&t, &u));
  assert_int_equal(torale_task_validate(&t, &err), 0);
  free(text);
  torale_task_clear(&t);
  torale_task_clear(&u);
}

static void test_defaults_from_init(void **state)
{
  (void)state;
  torale_create_task c;
  assert_int_equal(torale_create_task_init(&c), 0);
  assert_string_equal(c.schedule, "0 9 * * *");
  assert_true(c.is_active);
  assert_int_equal(c.tags_count, 0);
  assert_int_equal(c.has_name, APIC_ABSENT);
  torale_create_task_clear(&c);
  torale_task t;
  assert_int_equal(torale_task_init(&t), 0);
  assert_int_equal(t.state, TORALE_TASK_STATE_ACTIVE);
  assert_true(t.confidence_threshold == 0.5);
  torale_task_clear(&t);
}

static void test_validate_before_sending(void **state)
{
  (void)state;
  torale_create_task c;
  torale_create_task_init(&c);
  apic_error *err = NULL;
  assert_int_equal(torale_create_task_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.search_query: required field missing");
  apic_error_free(err);
  c.search_query = strdup("x");
  c.condition_description = strdup("");
  assert_int_equal(torale_create_task_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.condition_description: shorter than the minimum length 1");
  apic_error_free(err);
  free(c.condition_description);
  c.condition_description = strdup("y");
  free(c.schedule);
  c.schedule = strdup("every day");
  assert_int_equal(torale_create_task_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.schedule: does not match the pattern ^[^ ]+( [^ ]+){4}$");
  apic_error_free(err);
  free(c.schedule);
  c.schedule = strdup("*/5 * * * *");
  c.cooldown_minutes = 20000;
  c.has_cooldown_minutes = APIC_PRESENT;
  assert_int_equal(torale_create_task_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.cooldown_minutes: above the maximum 10080");
  apic_error_free(err);
  c.cooldown_minutes = 30;
  assert_int_equal(torale_create_task_validate(&c, NULL), 0);
  torale_create_task_clear(&c);
}

static void test_newer_server_values_survive(void **state)
{
  (void)state;
  const char *json = "{\"execution_id\":\"e\",\"status\":\"queued-for-gpu\",\"at\":\"2024-01-01T00:00:00Z\",\"new\":1}";
  torale_execution_event ev;
  assert_int_equal(torale_execution_event_parse(&ev, json, strlen(json), NULL), 0);
  assert_int_equal(ev.status, TORALE_EXECUTION_STATUS_UNKNOWN);
  assert_string_equal(ev.status_unknown, "queued-for-gpu");
  char *text = torale_execution_event_dump(&ev);
  assert_string_equal(text, "{\"execution_id\":\"e\",\"status\":\"queued-for-gpu\",\"at\":\"2024-01-01T00:00:00Z\"}");
  free(text);
  torale_execution_event_clear(&ev);
  assert_string_equal(torale_execution_status_to_string(TORALE_EXECUTION_STATUS_IN_PROGRESS), "in-progress");
  assert_int_equal(torale_execution_status_from_string("in-progress"), TORALE_EXECUTION_STATUS_IN_PROGRESS);
  assert_int_equal(torale_execution_status_from_string("nope"), TORALE_EXECUTION_STATUS_UNKNOWN);
}

static void test_decode_error_paths(void **state)
{
  (void)state;
  const char *json = "{\"items\":[{\"id\":\"a\",\"name\":\"n\",\"search_query\":\"q\",\"condition_description\":\"c\","
                     "\"schedule\":\"s\",\"state\":\"active\",\"is_active\":true,\"created_at\":12,\"tags\":[],"
                     "\"confidence_threshold\":0.5}]}";
  torale_task_page p;
  apic_error *err = NULL;
  assert_int_equal(torale_task_page_parse(&p, json, strlen(json), &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$.items[0].created_at: expected an RFC 3339 date-time, got 12");
  apic_error_free(err);
}

static void test_bloomy_wire_names_and_maps(void **state)
{
  (void)state;
  const char *json = "{\"id\":3,\"name\":\"Ann\",\"email\":\"a@b\",\"imageUrl\":null}"; /* spec order */
  bloomy_user u;
  assert_int_equal(bloomy_user_parse(&u, json, strlen(json), NULL), 0);
  assert_int_equal(u.id, 3);
  assert_int_equal(u.has_image_url, APIC_NULL);
  char *text = bloomy_user_dump(&u);
  assert_string_equal(text, json);
  free(text);
  bloomy_user_clear(&u);
  const char *metric = "{\"id\":1,\"title\":\"Calls\",\"target\":40,\"direction\":\">=\",\"owner_id\":2,"
                       "\"scores\":{\"2024-W07\":41.5,\"2024-W08\":39}}";
  bloomy_metric m;
  assert_int_equal(bloomy_metric_parse(&m, metric, strlen(metric), NULL), 0);
  assert_int_equal(m.direction, BLOOMY_GOAL_DIRECTION_AT_LEAST);
  assert_int_equal(cJSON_GetArraySize(m.scores), 2);
  text = bloomy_metric_dump(&m);
  assert_string_equal(text, metric);
  free(text);
  bloomy_metric_clear(&m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_task_round_trip),          cmocka_unit_test(test_defaults_from_init),
      cmocka_unit_test(test_validate_before_sending),  cmocka_unit_test(test_newer_server_values_survive),
      cmocka_unit_test(test_decode_error_paths),       cmocka_unit_test(test_bloomy_wire_names_and_maps),
  };
  return cmocka_run_group_tests_name("models: generated Torale and Bloomy", tests, NULL, NULL);
}
