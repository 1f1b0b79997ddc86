/* libapic-mock: resources by convention, pagination and filters, validation and the error
 * statuses, on the Torale and Bloomy specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

#define AUTH "Authorization: Bearer test-key"
#define NEW_TASK "{\"search_query\":\"q\",\"condition_description\":\"c\",\"name\":\"%s\",\"tags\":[\"%s\"]%s}"

static char *create_task(apic_mock *m, const char *name, const char *tag, const char *extra)
{
  char body[512];
  mt_resp r;
  snprintf(body, sizeof body, NEW_TASK, name, tag, extra);
  mt_req(m, "POST", "/tasks", body, AUTH, &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  char *id = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
  cJSON_Delete(j);
  mt_free(&r);
  return id;
}

static void torale_crud(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  mt_resp r;
  char path[128];
  char *id = create_task(m, "first", "a", "");
  snprintf(path, sizeof path, "/tasks/%s", id);

  mt_req(m, "GET", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 200);
  cJSON *j = mt_json(&r);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "name")), "first");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "state")), "active");          /* default */
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "schedule")), "0 9 * * *");    /* body default */
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "is_active")));
  assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(j, "created_at")));                   /* stamped */
  assert_null(cJSON_GetObjectItem(j, "updated_at"));
  cJSON_Delete(j);
  mt_free(&r);

  mt_req(m, "PATCH", path, "{\"state\":\"paused\",\"tags\":[\"x\",\"y\"]}", AUTH, &r);
  assert_int_equal(r.status, 200);
  j = mt_json(&r);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "state")), "paused");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "name")), "first"); /* merged, kept */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "tags")), 2);
  assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(j, "updated_at")));
  cJSON_Delete(j);
  mt_free(&r);

  mt_req(m, "DELETE", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 204);
  mt_free(&r);
  mt_req(m, "GET", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 404);
  assert_non_null(strstr(mt_detail(&r), id));
  mt_free(&r);
  mt_req(m, "DELETE", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  snprintf(path, sizeof path, "/tasks/%s/run", id); /* operations under a missing parent: 404 */
  mt_req(m, "POST", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  free(id);
  apic_mock_stop(m);
}

static void torale_synthesized(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.seed = 7;
  apic_mock *m = mt_start("torale", &o);
  char *id = create_task(m, "t", "a", ""), path[128];
  snprintf(path, sizeof path, "/tasks/%s/run", id);
  mt_resp r1, r2;
  mt_req(m, "POST", path, NULL, AUTH, &r1);
  mt_req(m, "POST", path, NULL, AUTH, &r2);
  assert_int_equal(r1.status, 200);
  assert_string_equal(r1.body, r2.body); /* deterministic per seed and request */
  cJSON *j = mt_json(&r1);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "task_id")), id); /* from the path */
  const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(j, "status"));
  assert_non_null(st);
  assert_non_null(strstr("pending running success failed in-progress", st));
  cJSON_Delete(j);
  mt_free(&r1), mt_free(&r2);
  mt_req(m, "GET", "/executions/anything", NULL, AUTH, &r1); /* not a stored collection */
  assert_int_equal(r1.status, 200);
  j = mt_json(&r1);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), "anything");
  cJSON_Delete(j);
  mt_free(&r1);
  free(id);
  apic_mock_stop(m);
}

/* Walks every page of GET path; returns the number of items, checks pages are <= limit. */
static int walk_pages(apic_mock *m, const char *query, int limit, int *pages)
{
  char path[256], cursor[64] = "";
  int total = 0;
  *pages = 0;
  for (int guard = 0; guard < 100; guard++) {
    mt_resp r;
    snprintf(path, sizeof path, "/tasks?limit=%d%s%s%s", limit, query, cursor[0] ? "&cursor=" : "", cursor);
    mt_req(m, "GET", path, NULL, AUTH, &r);
    assert_int_equal(r.status, 200);
    cJSON *j = mt_json(&r);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "items"));
    assert_true(n <= limit);
    total += n, (*pages)++;
    const char *next = cJSON_GetStringValue(cJSON_GetObjectItem(j, "next_cursor"));
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    cJSON_Delete(j);
    mt_free(&r);
    if (next == NULL)
      return total;
  }
  fail_msg("pagination did not end");
  return -1;
}

static void torale_pagination(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  for (int i = 0; i < 23; i++) {
    char name[16];
    snprintf(name, sizeof name, "t%d", i);
    free(create_task(m, name, i % 3 == 0 ? "red" : "blue", i % 2 ? ",\"is_active\":false" : ""));
  }
  int pages;
  assert_int_equal(walk_pages(m, "", 5, &pages), 23);
  assert_int_equal(pages, 5);
  assert_int_equal(walk_pages(m, "", 100, &pages), 23);
  assert_int_equal(pages, 1);
  assert_int_equal(walk_pages(m, "&tags=red", 3, &pages), 8); /* i = 0,3,...,21 */
  assert_int_equal(pages, 3);
  assert_int_equal(walk_pages(m, "&is_active=false", 4, &pages), 11);
  assert_int_equal(walk_pages(m, "&is_active=true&tags=red", 2, &pages), 4); /* 0,6,12,18 */
  assert_int_equal(walk_pages(m, "&state=paused", 2, &pages), 0);
  mt_resp r;
  mt_req(m, "GET", "/tasks?limit=0", NULL, AUTH, &r); /* @min(1) */
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "query.limit: below the minimum 1");
  mt_free(&r);
  mt_req(m, "GET", "/tasks?limit=abc", NULL, AUTH, &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "query.limit: expected an integer, got \"abc\"");
  mt_free(&r);
  apic_mock_stop(m);
}

static void offset_pagination(void **state)
{
  (void)state;
  FILE *f = fopen(MOCK_SPEC_DIR "/notifications-data.json", "w");
  assert_non_null(f);
  fputs("{\"/notifications\": [", f);
  for (int i = 0; i < 7; i++)
    fprintf(f, "%s{\"id\":\"n%d\",\"task_id\":\"t\",\"channel\":\"email\",\"sent_at\":\"2024-01-01T00:00:00Z\","
               "\"message\":\"m\",\"read\":false}", i ? "," : "", i);
  fputs("]}", f);
  fclose(f);
  apic_mock_options o = apic_mock_options_default();
  o.data_file = MOCK_SPEC_DIR "/notifications-data.json";
  apic_mock *m = mt_start("torale", &o);
  mt_resp r;
  int seen = 0;
  for (int offset = 0; offset < 10; offset += 3) {
    char path[64];
    snprintf(path, sizeof path, "/notifications?offset=%d&limit=3", offset);
    mt_req(m, "GET", path, NULL, AUTH, &r);
    assert_int_equal(r.status, 200);
    cJSON *j = mt_json(&r);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 7);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
    if (first != NULL) {
      char want[16];
      snprintf(want, sizeof want, "n%d", offset);
      assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(first, "id")), want);
    }
    seen += cJSON_GetArraySize(cJSON_GetObjectItem(j, "items"));
    cJSON_Delete(j);
    mt_free(&r);
  }
  assert_int_equal(seen, 7);
  mt_req(m, "POST", "/notifications/n2/read", NULL, AUTH, &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  mt_req(m, "POST", "/notifications/zz/read", NULL, AUTH, &r); /* preloaded collection: unknown id */
  assert_int_equal(r.status, 404);
  mt_free(&r);
  apic_mock_stop(m);
  remove(MOCK_SPEC_DIR "/notifications-data.json");
}

static void expect_422(apic_mock *m, const char *body, const char *detail)
{
  mt_resp r;
  mt_req(m, "POST", "/tasks", body, AUTH, &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), detail);
  mt_free(&r);
}

static void validation(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  expect_422(m, "{\"condition_description\":\"c\"}", "$.search_query: required field missing");
  expect_422(m, "{\"search_query\":12,\"condition_description\":\"c\"}", "$.search_query: expected a string, got 12");
  expect_422(m, "{\"search_query\":\"\",\"condition_description\":\"c\"}",
             "$.search_query: shorter than the minimum length 1");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"schedule\":\"daily\"}",
             "$.schedule: does not match the pattern ^[^ ]+( [^ ]+){4}$");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"cooldown_minutes\":20000}",
             "$.cooldown_minutes: above the maximum 10080");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"cooldown_minutes\":1.5}",
             "$.cooldown_minutes: expected an integer, got 1.5");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"tags\":[\"a\",null]}",
             "$.tags[1]: expected a string, got null");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"labels\":{\"k\":true}}",
             "$.labels.k: expected a string, got true");
  expect_422(m, "{\"search_query\":\"q\",\"condition_description\":\"c\",\"is_active\":\"yes\"}",
             "$.is_active: expected true or false, got \"yes\"");
  expect_422(m, "[1]", "$: expected an object, got an array");
  char *id = create_task(m, "v", "a", ""), path[128];
  snprintf(path, sizeof path, "/tasks/%s", id);
  mt_resp r;
  mt_req(m, "PATCH", path, "{\"state\":\"sleeping\"}", AUTH, &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "$.state: \"sleeping\" is not a value of TaskState");
  mt_free(&r);
  free(id);
  apic_mock_stop(m);
}

static void statuses(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.max_body = 4096;
  apic_mock *m = mt_start("torale", &o);
  mt_resp r;
  mt_req(m, "GET", "/tasks", NULL, NULL, &r);
  assert_int_equal(r.status, 401);
  assert_true(strlen(mt_detail(&r)) > 0);
  mt_free(&r);
  mt_req(m, "GET", "/tasks", NULL, "Authorization: Basic abc", &r);
  assert_int_equal(r.status, 401);
  mt_free(&r);
  mt_req(m, "GET", "/nowhere", NULL, AUTH, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  mt_req(m, "DELETE", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 405);
  mt_free(&r);
  mt_req(m, "POST", "/tasks", "{\"search_query\":", AUTH, &r);
  assert_int_equal(r.status, 400);
  mt_free(&r);
  mt_req(m, "POST", "/tasks", "", AUTH, &r);
  assert_int_equal(r.status, 400);
  mt_free(&r);
  mt_req(m, "POST", "/tasks", "{\"search_query\":\"\xff\xfe\",\"condition_description\":\"c\"}", AUTH, &r);
  assert_int_equal(r.status, 400);
  mt_free(&r);
  char *big = malloc(10000);
  memset(big, 'a', 9999);
  big[9999] = '\0';
  mt_req(m, "POST", "/tasks", big, AUTH, &r);
  assert_int_equal(r.status, 413);
  mt_free(&r);
  free(big);
  char deep[3000];
  for (int i = 0; i < 1400; i++)
    deep[i] = '[', deep[1400 + i] = ']';
  deep[2800] = '\0';
  mt_req(m, "POST", "/tasks", deep, AUTH, &r); /* deeper than the parser's limit */
  assert_int_equal(r.status, 400);
  mt_free(&r);
  apic_mock_stop(m);
  o.no_auth = 1;
  m = mt_start("torale", &o);
  mt_req(m, "GET", "/tasks", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  apic_mock_stop(m);
}

static void bloomy(void **state)
{
  (void)state;
  apic_mock *m = mt_start("bloomy", NULL);
  mt_resp r;
  mt_req(m, "GET", "/todos", NULL, NULL, &r);
  assert_int_equal(r.status, 401);
  mt_free(&r);
  mt_req(m, "POST", "/todos", "{\"title\":\"write tests\"}", "X-API-Key: k", &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "id")));
  int id = cJSON_GetObjectItem(j, "id")->valueint;
  cJSON_Delete(j);
  mt_free(&r);
  char path[64];
  snprintf(path, sizeof path, "/todos/%d", id);
  mt_req(m, "GET", path, NULL, "X-API-Key: k", &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  mt_req(m, "GET", "/todos/999", NULL, "X-API-Key: k", &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  mt_req(m, "GET", "/users/0", NULL, "X-API-Key: k", &r); /* path(user_id: int @min(1)) */
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "path.user_id: below the minimum 1");
  mt_free(&r);
  mt_req(m, "GET", "/users/mine", NULL, "X-API-Key: k", &r); /* a literal segment beats {user_id} */
  assert_int_equal(r.status, 200);
  mt_free(&r);
  mt_req(m, "POST", "/todos", "{\"title\":\"\"}", "X-API-Key: k", &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "$.title: shorter than the minimum length 1");
  mt_free(&r);
  mt_req(m, "PUT", "/todos/bulk", "[{\"title\":\"a\"},{\"title\":5}]", "X-API-Key: k", &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), "$[1].title: expected a string, got 5");
  mt_free(&r);
  apic_mock_stop(m);
}

/* A spec written inline: PUT replaces, a plain array list, no auth. */
static const char notes_spec[] =
  "{\"api\":{\"name\":\"notes\",\"auth\":{\"scheme\":\"none\"}},\"enums\":[],\"errors\":[],"
  "\"models\":[{\"name\":\"Note\",\"fields\":["
  "{\"name\":\"id\",\"wire\":\"id\",\"type\":{\"kind\":\"string\"},\"optional\":false,\"nullable\":false},"
  "{\"name\":\"text\",\"wire\":\"text\",\"type\":{\"kind\":\"string\"},\"optional\":false,\"nullable\":false},"
  "{\"name\":\"pinned\",\"wire\":\"pinned\",\"type\":{\"kind\":\"bool\"},\"optional\":true,\"nullable\":false},"
  "{\"name\":\"at\",\"wire\":\"at\",\"type\":{\"kind\":\"datetime\"},\"optional\":false,\"nullable\":false}]}],"
  "\"resources\":[{\"name\":\"notes\",\"path\":\"/notes\",\"operations\":["
  "{\"name\":\"create\",\"method\":\"POST\",\"full_path\":\"/notes\",\"path_params\":[],\"query_params\":[],"
  "\"body\":{\"kind\":\"model\",\"name\":\"Note\"},\"returns\":{\"kind\":\"model\",\"type\":{\"kind\":\"model\",\"name\":\"Note\"}}},"
  "{\"name\":\"replace\",\"method\":\"PUT\",\"full_path\":\"/notes/{id}\",\"path_params\":[],\"query_params\":[],"
  "\"body\":{\"kind\":\"model\",\"name\":\"Note\"},\"returns\":{\"kind\":\"model\",\"type\":{\"kind\":\"model\",\"name\":\"Note\"}}},"
  "{\"name\":\"list\",\"method\":\"GET\",\"full_path\":\"/notes\",\"path_params\":[],\"query_params\":[],"
  "\"returns\":{\"kind\":\"array\",\"type\":{\"kind\":\"array\",\"items\":{\"kind\":\"model\",\"name\":\"Note\"}}}}]}]}";

static void put_replaces(void **state)
{
  (void)state;
  apic_mock *m = NULL;
  char *err = NULL, path[128];
  assert_int_equal(apic_mock_start(notes_spec, NULL, &m, &err), 0);
  mt_resp r;
  mt_req(m, "POST", "/notes", "{\"id\":\"ignored\",\"text\":\"a\",\"pinned\":true,\"at\":\"2024-01-01T00:00:00Z\"}", NULL,
         &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  snprintf(path, sizeof path, "/notes/%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
  assert_string_not_equal(path, "/notes/ignored"); /* the server assigns ids */
  cJSON_Delete(j);
  mt_free(&r);
  mt_req(m, "PUT", path, "{\"id\":\"x\",\"text\":\"b\",\"at\":\"2025-01-01T00:00:00Z\"}", NULL, &r);
  assert_int_equal(r.status, 200);
  j = mt_json(&r);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "text")), "b");
  assert_null(cJSON_GetObjectItem(j, "pinned")); /* replaced, not merged */
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), path + 7); /* kept */
  cJSON_Delete(j);
  mt_free(&r);
  mt_req(m, "GET", "/notes", NULL, NULL, &r);
  j = mt_json(&r);
  assert_int_equal(cJSON_GetArraySize(j), 1);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "text")), "b");
  cJSON_Delete(j);
  mt_free(&r);
  mt_req(m, "PUT", "/notes/nope", "{\"id\":\"x\",\"text\":\"b\",\"at\":\"2025-01-01T00:00:00Z\"}", NULL, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  apic_mock_stop(m);
}

static void bad_starts(void **state)
{
  (void)state;
  apic_mock *m = NULL;
  char *err = NULL;
  assert_int_equal(apic_mock_start("{not json", NULL, &m, &err), -1);
  assert_null(m);
  assert_non_null(err);
  free(err);
  apic_mock_options o = apic_mock_options_default();
  o.host = "not-an-address";
  assert_int_equal(apic_mock_start("{\"resources\":[]}", &o, &m, &err), -1);
  assert_non_null(strstr(err, "IPv4"));
  free(err);
  o = apic_mock_options_default();
  o.data_file = "/nonexistent/data.json";
  assert_int_equal(apic_mock_start("{\"resources\":[]}", &o, &m, &err), -1);
  assert_non_null(strstr(err, "--data"));
  free(err);
  apic_mock_stop(NULL);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(torale_crud),  cmocka_unit_test(torale_synthesized), cmocka_unit_test(torale_pagination),
    cmocka_unit_test(offset_pagination), cmocka_unit_test(validation), cmocka_unit_test(statuses),
    cmocka_unit_test(bloomy),       cmocka_unit_test(put_replaces), cmocka_unit_test(bad_starts),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
