/* apic dump: the resolved spec as JSON, compared to a golden file, and spot checks on the
 * shipped Torale spec. */
#include "front_test.h"

#define GOLDEN "tests/front/data/small.json"

static char *dump_text(const char *path)
{
  int status;
  cJSON *json = apic_frontend_load(path, stderr, &status);
  assert_int_equal(status, 0);
  assert_non_null(json);
  char *text = cJSON_Print(json);
  cJSON_Delete(json);
  return text;
}

static void test_small_matches_golden(void **state)
{
  (void)state;
  char *got = dump_text("tests/front/data/small.api");
  if (getenv("APIC_UPDATE_GOLDEN") != NULL) { /* regenerate after a deliberate change */
    FILE *f = fopen(GOLDEN, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", got);
    fclose(f);
  }
  FILE *f = fopen(GOLDEN, "rb");
  assert_non_null(f);
  char want[16384];
  size_t n = fread(want, 1, sizeof want - 1, f);
  fclose(f);
  want[n] = '\0';
  if (n > 0 && want[n - 1] == '\n')
    want[n - 1] = '\0';
  assert_string_equal(got, want);
  free(got);
}

static cJSON *at(cJSON *obj, const char *key)
{
  cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  assert_non_null(v);
  return v;
}

static cJSON *named(cJSON *arr, const char *name)
{
  cJSON *it;
  cJSON_ArrayForEach(it, arr)
  if (strcmp(cJSON_GetStringValue(at(it, "name")), name) == 0)
    return it;
  fail_msg("no '%s'", name);
  return NULL;
}

static void test_torale_spot_checks(void **state)
{
  (void)state;
  int status;
  cJSON *spec_json = apic_frontend_load("spec/torale.api", stderr, &status);
  assert_non_null(spec_json);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(at(spec_json, "files"), 1)), "spec/common/errors.api");
  cJSON *tasks = named(at(spec_json, "resources"), "tasks");
  cJSON *list = named(at(tasks, "operations"), "list");
  assert_string_equal(cJSON_GetStringValue(at(list, "full_path")), "/tasks");
  cJSON *pg = at(list, "paginate");
  assert_string_equal(cJSON_GetStringValue(at(pg, "style")), "cursor");
  assert_string_equal(cJSON_GetStringValue(at(pg, "next")), "next_cursor");
  cJSON *get = named(at(tasks, "operations"), "get");
  cJSON *pp = cJSON_GetArrayItem(at(get, "path_params"), 0);
  assert_string_equal(cJSON_GetStringValue(at(pp, "name")), "task_id");
  assert_string_equal(cJSON_GetStringValue(at(at(pp, "type"), "kind")), "string");
  cJSON *run = named(at(tasks, "operations"), "run");
  assert_true(cJSON_IsTrue(at(run, "idempotent")));
  assert_int_equal((int)cJSON_GetNumberValue(at(run, "retries")), 3);
  cJSON *rl = named(at(spec_json, "errors"), "RateLimitError");
  assert_string_equal(cJSON_GetStringValue(at(rl, "status")), "429");
  assert_string_equal(cJSON_GetStringValue(at(cJSON_GetArrayItem(at(rl, "fields"), 1), "header")), "Retry-After");
  cJSON *st = named(at(spec_json, "enums"), "ExecutionStatus");
  assert_string_equal(cJSON_GetStringValue(at(named(at(st, "values"), "in_progress"), "wire")), "in-progress");
  cJSON *notif = named(at(spec_json, "resources"), "notifications");
  assert_string_equal(cJSON_GetStringValue(at(at(named(at(notif, "operations"), "list"), "paginate"), "style")), "offset");
  cJSON_Delete(spec_json);
}

static void test_errors_give_no_json(void **state)
{
  (void)state;
  spec s;
  check_text(&s, "t.api", API_BLOCK "model M { a: Nope; }", NULL);
  spec_free(&s);
  FILE *devnull = fopen("/dev/null", "w");
  int status;
  assert_null(apic_frontend_load("tests/front/data/does-not-exist.api", devnull, &status));
  assert_int_equal(status, 2);
  fclose(devnull);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_matches_golden),
      cmocka_unit_test(test_torale_spot_checks),
      cmocka_unit_test(test_errors_give_no_json),
  };
  return cmocka_run_group_tests_name("front: dump", tests, NULL, NULL);
}
