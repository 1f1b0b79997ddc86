/* The generated models on bad input and bad values: each class of decode error with its JSON
 * path (and the struct left cleared), each _validate constraint, absent / null / value kept
 * apart, deep copies that do not share memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bloomy/models.h"
#include "torale/models.h"

/* A valid Torale task; each case below changes one member of it. */
static const char TASK[] =
    "{\"id\":\"t_1\",\"name\":\"n\",\"search_query\":\"q\",\"condition_description\":\"c\","
    "\"schedule\":\"0 9 * * *\",\"state\":\"active\",\"is_active\":true,\"created_at\":\"2024-02-29T09:00:00Z\","
    "\"last_execution\":{\"id\":\"e\",\"task_id\":\"t_1\",\"status\":\"success\",\"started_at\":\"2024-03-01T09:00:00Z\",\"sources\":[]},"
    "\"tags\":[\"a\"],\"labels\":{\"team\":\"x\"},\"cooldown_minutes\":5,\"confidence_threshold\":0.5}";

static int is_zero(const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i] != 0)
      return 0;
  return 1;
}

/* TASK with member key (of the task, or of its last execution when nested) set to the JSON
 * value text, or removed when value is NULL. Caller frees. */
static char *task_with(const char *key, int nested, const char *value)
{
  cJSON *task = cJSON_Parse(TASK);
  assert_non_null(task);
  cJSON *obj = nested ? cJSON_GetObjectItem(task, "last_execution") : task;
  if (value == NULL) {
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
  } else {
    cJSON *v = cJSON_Parse(value);
    assert_non_null(v);
    assert_true(cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v));
  }
  char *text = cJSON_PrintUnformatted(task);
  cJSON_Delete(task);
  return text;
}

static void expect_decode_error(const char *text, const char *message)
{
  torale_task t;
  apic_error *err = NULL;
  assert_int_equal(torale_task_parse(&t, text, strlen(text), &err), APIC_ERR_DECODE);
  assert_non_null(err);
  assert_int_equal(apic_error_code(err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), message);
  assert_true(is_zero(&t, sizeof t)); /* partially decoded fields were freed and zeroed */
  apic_error_free(err);
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
      {"name", 0, "null", "$.name: expected a string, got null"},
      {"id", 0, NULL, "$.id: required field missing"},
      {"cooldown_minutes", 0, "1.5", "$.cooldown_minutes: expected an integer, got 1.5"},
      {"cooldown_minutes", 0, "1e300", "$.cooldown_minutes: expected an integer, got 1.0000000000000001e+300"},
      {"confidence_threshold", 0, "\"high\"", "$.confidence_threshold: expected a number, got \"high\""},
      {"is_active", 0, "\"yes\"", "$.is_active: expected true or false, got \"yes\""},
      {"state", 0, "3", "$.state: expected a string (enum value), got 3"},
      {"created_at", 0, "\"2024-02-30T09:00:00Z\"",
       "$.created_at: expected an RFC 3339 date-time, got \"2024-02-30T09:00:00Z\""},
      {"tags", 0, "\"a\"", "$.tags: expected an array, got \"a\""},
      {"tags", 0, "[\"a\",[]]", "$.tags[1]: expected a string, got an array"},
      {"labels", 0, "[]", "$.labels: expected an object, got an array"},
      {"last_execution", 0, "[]", "$.last_execution: expected an object, got an array"},
      {"started_at", 1, "\"yesterday\"", "$.last_execution.started_at: expected an RFC 3339 date-time, got \"yesterday\""},
      {"status", 1, "{}", "$.last_execution.status: expected a string (enum value), got an object"},
      {"sources", 1, "[1]", "$.last_execution.sources[0]: expected a string, got 1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *text = task_with(cases[i].key, cases[i].nested, cases[i].value);
    expect_decode_error(text, cases[i].message);
    free(text);
  }
  expect_decode_error("[1]", "$: expected an object, got an array");
}

static void test_bad_text_and_length(void **state)
{
  (void)state;
  torale_task t;
  apic_error *err = NULL;
  /* Cut short inside the text: only len bytes are read, so this is not valid JSON. */
  assert_int_equal(torale_task_parse(&t, TASK, 20, &err), APIC_ERR_DECODE);
  assert_non_null(strstr(apic_error_message(err), "$: not valid JSON (at byte"));
  apic_error_free(err);
  /* A copy with no terminating NUL: decoded exactly (ASan or valgrind catch any read past). */
  size_t n = strlen(TASK);
  char *raw = malloc(n);
  assert_non_null(raw);
  memcpy(raw, TASK, n);
  assert_int_equal(torale_task_parse(&t, raw, n, NULL), 0);
  assert_string_equal(t.id, "t_1");
  torale_task_clear(&t);
  free(raw);
  /* Anything after the value is refused rather than ignored. */
  const char *two = "{\"id\":1} {}";
  assert_int_equal(torale_execution_event_parse(&(torale_execution_event){0}, two, strlen(two), NULL), APIC_ERR_DECODE);
}

static void test_bloomy_dates_and_wire_names(void **state)
{
  (void)state;
  const char *bad = "{\"id\":1,\"title\":\"t\",\"due_date\":\"2024-02-30\",\"created_at\":\"2024-01-01T00:00:00Z\"}";
  bloomy_todo todo;
  apic_error *err = NULL;
  assert_int_equal(bloomy_todo_parse(&todo, bad, strlen(bad), &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$.due_date: expected an RFC 3339 date, got \"2024-02-30\"");
  apic_error_free(err);
  /* The C name is image_url; the message names the wire key. */
  const char *user = "{\"id\":3,\"name\":\"Ann\",\"email\":\"a@b\",\"imageUrl\":false}";
  bloomy_user u;
  assert_int_equal(bloomy_user_parse(&u, user, strlen(user), &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$.imageUrl: expected a string, got false");
  apic_error_free(err);
  /* Paths through arrays of models. */
  const char *details = "{\"id\":1,\"name\":\"m\",\"todos\":[{\"id\":1,\"title\":\"a\",\"created_at\":\"2024-01-01T00:00:00Z\"},"
                        "{\"id\":2,\"title\":\"b\",\"created_at\":\"2024-01-01T00:00:00Z\",\"status\":7}]}";
  bloomy_meeting_details md;
  assert_int_equal(bloomy_meeting_details_parse(&md, details, strlen(details), &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$.todos[1].status: expected a string (enum value), got 7");
  assert_true(is_zero(&md, sizeof md));
  apic_error_free(err);
}

static void expect_invalid(const torale_task *t, const char *message)
{
  apic_error *err = NULL;
  assert_int_equal(torale_task_validate(t, &err), APIC_ERR_INVALID_ARG);
  assert_int_equal(apic_error_code(err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), message);
  apic_error_free(err);
}

static void replace(char **slot, const char *text)
{
  free(*slot);
  *slot = text != NULL ? strdup(text) : NULL;
}

static void test_validate_each_constraint(void **state)
{
  (void)state;
  torale_task t;
  assert_int_equal(torale_task_parse(&t, TASK, strlen(TASK), NULL), 0);
  assert_int_equal(torale_task_validate(&t, NULL), 0);

  char long_name[202];
  memset(long_name, 'x', 201);
  long_name[201] = '\0';
  replace(&t.name, long_name);
  expect_invalid(&t, "$.name: longer than the maximum length 200");
  long_name[200] = '\0';
  replace(&t.name, long_name); /* exactly the maximum is fine */
  assert_int_equal(torale_task_validate(&t, NULL), 0);

  replace(&t.search_query, "");
  expect_invalid(&t, "$.search_query: shorter than the minimum length 1");
  replace(&t.search_query, "q");

  t.confidence_threshold = 1.5;
  expect_invalid(&t, "$.confidence_threshold: above the maximum 1");
  t.confidence_threshold = -0.25;
  expect_invalid(&t, "$.confidence_threshold: below the minimum 0");
  t.confidence_threshold = 1;
  t.cooldown_minutes = -1;
  expect_invalid(&t, "$.cooldown_minutes: below the minimum 0");
  t.has_cooldown_minutes = APIC_ABSENT; /* an absent optional is not checked */
  assert_int_equal(torale_task_validate(&t, NULL), 0);

  replace(&t.created_at, "2024-02-29 09:00");
  expect_invalid(&t, "$.created_at: expected an RFC 3339 date-time, got \"2024-02-29 09:00\"");
  replace(&t.created_at, NULL);
  expect_invalid(&t, "$.created_at: required field missing");
  replace(&t.created_at, "2024-02-29T09:00:00Z");

  t.state = TORALE_TASK_STATE_UNKNOWN;
  replace(&t.state_unknown, "archived");
  expect_invalid(&t, "$.state: \"archived\" is not a value of TaskState");
  t.state = TORALE_TASK_STATE_COMPLETED;
  replace(&t.state_unknown, NULL);

  replace(&t.last_execution->started_at, "now");
  expect_invalid(&t, "$.last_execution.started_at: expected an RFC 3339 date-time, got \"now\"");
  replace(&t.last_execution->started_at, "2024-03-01T09:00:00Z");
  assert_int_equal(torale_task_validate(&t, NULL), 0);
  torale_task_clear(&t);

  bloomy_create_todo c;
  bloomy_create_todo_init(&c);
  c.title = strdup("t");
  c.meeting_id = 0;
  c.has_meeting_id = APIC_PRESENT;
  apic_error *err = NULL;
  assert_int_equal(bloomy_create_todo_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.meeting_id: below the minimum 1");
  apic_error_free(err);
  c.meeting_id = 1;
  c.due_date = strdup("2024-13-01");
  c.has_due_date = APIC_PRESENT;
  assert_int_equal(bloomy_create_todo_validate(&c, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.due_date: expected an RFC 3339 date, got \"2024-13-01\"");
  apic_error_free(err);
  bloomy_create_todo_clear(&c);
}

/* notify_email of an update: absent (leave it), null (remove it), a value (set it). */
static void test_absent_null_value_round_trip(void **state)
{
  (void)state;
  static const char *const texts[] = {"{}", "{\"notify_email\":null}", "{\"notify_email\":\"a@b.c\"}"};
  static const apic_presence want[] = {APIC_ABSENT, APIC_NULL, APIC_PRESENT};
  torale_update_task u[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(torale_update_task_parse(&u[i], texts[i], strlen(texts[i]), NULL), 0);
    assert_int_equal(u[i].has_notify_email, want[i]);
    char *back = torale_update_task_dump(&u[i]);
    assert_string_equal(back, texts[i]);
    free(back);
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      assert_int_equal(torale_update_task_equal(&u[i], &u[j]), i == j);
  for (int i = 0; i < 3; i++)
    torale_update_task_clear(&u[i]);
}

static void test_copy_is_deep(void **state)
{
  (void)state;
  torale_task a, b;
  assert_int_equal(torale_task_parse(&a, TASK, strlen(TASK), NULL), 0);
  assert_int_equal(torale_task_copy(&b, &a), 0);
  assert_true(torale_task_equal(&a, &b));
  assert_ptr_not_equal(a.tags, b.tags);
  assert_ptr_not_equal(a.last_execution, b.last_execution);
  b.tags[0][0] = 'z';
  assert_false(torale_task_equal(&a, &b));
  assert_string_equal(a.tags[0], "a");
  torale_task_clear(&b);
  /* The original is untouched and still whole once the copy is gone. */
  char *text = torale_task_dump(&a);
  assert_string_equal(text, TASK);
  free(text);
  torale_task *heap = malloc(sizeof *heap);
  assert_non_null(heap);
  assert_int_equal(torale_task_copy(heap, &a), 0);
  torale_task_free(heap);
  torale_task_clear(&a);
}

/* Required fields with a spec default take it when the server leaves them out. */
static void test_absent_fields_take_defaults(void **state)
{
  (void)state;
  const char *json = "{\"id\":\"t\",\"name\":\"n\",\"search_query\":\"q\",\"condition_description\":\"c\","
                     "\"schedule\":\"s\",\"created_at\":\"2024-01-01T00:00:00Z\",\"is_active\":false}";
  torale_task t;
  assert_int_equal(torale_task_parse(&t, json, strlen(json), NULL), 0);
  assert_int_equal(t.state, TORALE_TASK_STATE_ACTIVE);
  assert_false(t.is_active); /* sent, so the default does not apply */
  assert_true(t.confidence_threshold == 0.5);
  assert_int_equal(t.tags_count, 0);
  assert_int_equal(t.has_last_execution, APIC_ABSENT);
  torale_task_clear(&t);
}

/* An operation answering `User[]` gives a bloomy_user_array. */
static void test_typed_arrays(void **state)
{
  (void)state;
  const char *json = "[{\"id\":1,\"name\":\"Ann\",\"email\":\"a@b\"},{\"id\":2,\"name\":\"Bo\",\"email\":\"b@c\",\"imageUrl\":null}]";
  bloomy_user_array a, b;
  apic_error *err = NULL;
  assert_int_equal(bloomy_user_array_parse(&a, json, strlen(json), &err), 0);
  assert_int_equal(a.count, 2);
  assert_string_equal(a.items[1].name, "Bo");
  assert_int_equal(a.items[1].has_image_url, APIC_NULL);
  assert_int_equal(bloomy_user_array_validate(&a, NULL), 0);
  char *text = bloomy_user_array_dump(&a);
  assert_string_equal(text, json);
  assert_int_equal(bloomy_user_array_parse(&b, text, strlen(text), NULL), 0);
  assert_true(bloomy_user_array_equal(&a, &b));
  free(text);
  b.items[0].id = 9;
  assert_false(bloomy_user_array_equal(&a, &b));
  bloomy_user_array_clear(&b);
  assert_int_equal(b.count, 0);
  assert_null(b.items);
  bloomy_user_array_clear(NULL);

  free(a.items[1].email);
  a.items[1].email = NULL;
  assert_int_equal(bloomy_user_array_validate(&a, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$[1].email: required field missing");
  apic_error_free(err);
  bloomy_user_array_clear(&a);

  const char *bad = "[{\"id\":1,\"name\":\"Ann\",\"email\":\"a@b\"},{\"id\":\"2\"}]";
  assert_int_equal(bloomy_user_array_parse(&a, bad, strlen(bad), &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$[1].id: expected an integer, got \"2\"");
  assert_int_equal(a.count, 0);
  assert_null(a.items);
  apic_error_free(err);
  assert_int_equal(bloomy_user_array_parse(&a, "{}", 2, &err), APIC_ERR_DECODE);
  assert_string_equal(apic_error_message(err), "$: expected an array, got an object");
  apic_error_free(err);
  assert_int_equal(bloomy_user_array_parse(&a, "[]", 2, NULL), 0);
  assert_int_equal(a.count, 0);
  bloomy_user_array_clear(&a);
}

/* Date-times stay text in the model; apic_datetime_parse gives the instant. */
static void test_datetime_to_epoch(void **state)
{
  (void)state;
  torale_task t;
  assert_int_equal(torale_task_parse(&t, TASK, strlen(TASK), NULL), 0);
  int64_t sec = 0;
  int32_t nsec = -1;
  assert_int_equal(apic_datetime_parse(t.created_at, &sec, &nsec), 0);
  assert_int_equal(sec, 1709197200);
  assert_int_equal(nsec, 0);
  assert_int_equal(apic_datetime_parse("2024-03-01T10:00:00.5+01:00", &sec, &nsec), 0);
  assert_int_equal(sec, 1709283600);
  assert_int_equal(nsec, 500000000);
  assert_int_equal(apic_datetime_parse("2024-03-01", &sec, &nsec), APIC_ERR_INVALID_ARG);
  torale_task_clear(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_decode_error_names_its_path),
      cmocka_unit_test(test_bad_text_and_length),
      cmocka_unit_test(test_bloomy_dates_and_wire_names),
      cmocka_unit_test(test_validate_each_constraint),
      cmocka_unit_test(test_absent_null_value_round_trip),
      cmocka_unit_test(test_copy_is_deep),
      cmocka_unit_test(test_absent_fields_take_defaults),
      cmocka_unit_test(test_typed_arrays),
      cmocka_unit_test(test_datetime_to_epoch),
  };
  return cmocka_run_group_tests_name("models: decode errors, validation, presence, copies", tests, NULL, NULL);
}
