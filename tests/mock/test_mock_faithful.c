/* libapic-mock is faithful to the spec (tests/mock/shop.api, shaped like the classic pet store;
 * Torale): it serves under the base URL's path; an offset page reports the paging asked for;
 * PUT replaces the stored item (on the item's path, or on the collection with the key in the
 * body); ids count per collection; answers follow the response model (a request value only
 * where it fits the response's type); an item is found by the field its path parameter names;
 * unknown fields and numbers out of range are refused (422, with a JSON path), and so is an
 * encoded NUL; a one-valued filter sent several times means any of its values; the pet store's
 * searches list the collection above them, and its createUser stores what it answers nothing to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

#define AUTH "Authorization: Bearer k"

/* One request that must answer want: its JSON body (caller deletes; NULL when there is none). */
static cJSON *call(apic_mock *m, const char *method, const char *path, const char *body, long want)
{
  mt_resp r;
  mt_req(m, method, path, body, AUTH, &r);
  if (r.status != want)
    fprintf(stderr, "%s %s: %ld, not %ld: %s\n", method, path, r.status, want, r.body ? r.body : "");
  assert_int_equal(r.status, want);
  cJSON *j = mt_json(&r);
  mt_free(&r);
  return j;
}

static double num(const cJSON *j, const char *k)
{
  const cJSON *v = cJSON_GetObjectItem(j, k);
  assert_true(cJSON_IsNumber(v));
  return v->valuedouble;
}

static const char *text(const cJSON *j, const char *k)
{
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(j, k));
  assert_non_null(s);
  return s;
}

/* Creates a pet from body: its id. */
static int new_pet(apic_mock *m, const char *body)
{
  cJSON *j = call(m, "POST", "/pet", body, 201);
  int id = (int)num(j, "id");
  cJSON_Delete(j);
  return id;
}

static void expect_422(apic_mock *m, const char *method, const char *path, const char *body, const char *detail)
{
  mt_resp r;
  mt_req(m, method, path, body, AUTH, &r);
  assert_int_equal(r.status, 422);
  assert_string_equal(mt_detail(&r), detail);
  mt_free(&r);
}

/* base_url https://shop.example.com/v2/: /v2/pet is served, /pet is not. */
static void serves_under_the_base_path(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  char want[64];
  snprintf(want, sizeof want, "http://127.0.0.1:%u/v2", (unsigned)apic_mock_port(m));
  assert_string_equal(apic_mock_url(m), want);
  new_pet(m, "{\"name\":\"rex\"}");
  static const struct {
    const char *path;
    long status;
  } cases[] = {{"/v2/pet", 200}, {"/v2/pet/1", 200}, {"/pet", 404}, {"/pet/1", 404}, {"/v2pet", 404},
               {"/v2x/pet", 404}, {"/v2", 404}, {"/", 404}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    mt_resp r;
    mt_req_port(apic_mock_port(m), "GET", cases[i].path, NULL, NULL, &r);
    assert_int_equal(r.status, cases[i].status);
    mt_free(&r);
  }
  apic_mock_stop(m);
}

static void offset_page_reports_what_was_asked(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  for (int i = 0; i < 3; i++)
    new_pet(m, i == 2 ? "{\"name\":\"p\",\"status\":\"sold\"}" : "{\"name\":\"p\"}");
  cJSON *j = call(m, "GET", "/pet?offset=0&limit=2", NULL, 200);
  assert_int_equal(num(j, "offset"), 0);
  assert_int_equal(num(j, "limit"), 2);
  assert_int_equal(num(j, "total"), 3);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
  assert_null(cJSON_GetObjectItem(j, "status")); /* not asked: not said */
  cJSON_Delete(j);
  j = call(m, "GET", "/pet?offset=2", NULL, 200);
  assert_int_equal(num(j, "offset"), 2);
  assert_int_equal(num(j, "limit"), 10); /* the parameter's default */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
  cJSON_Delete(j);
  j = call(m, "GET", "/pet?status=sold", NULL, 200);
  assert_string_equal(text(j, "status"), "sold");
  assert_int_equal(num(j, "total"), 1);
  cJSON_Delete(j);
  apic_mock_stop(m);
}

static void put_replaces_the_stored_item(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  char path[64], body[256];
  int id = new_pet(m, "{\"name\":\"rex\",\"weight\":3.5}");
  new_pet(m, "{\"name\":\"other\"}");
  snprintf(path, sizeof path, "/pet/%d", id);
  /* on the collection, the key in the body (the pet store's updatePet) */
  snprintf(body, sizeof body, "{\"id\":%d,\"name\":\"max\",\"status\":\"sold\",\"labels\":[{\"name\":\"x\"}]}", id);
  cJSON *j = call(m, "PUT", "/pet", body, 200);
  assert_int_equal(num(j, "id"), id);
  assert_string_equal(text(j, "name"), "max");
  assert_null(cJSON_GetObjectItem(j, "weight")); /* replaced, not merged */
  cJSON_Delete(j);
  j = call(m, "GET", path, NULL, 200);
  assert_string_equal(text(j, "name"), "max");
  assert_string_equal(text(j, "status"), "sold");
  assert_string_equal(text(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "labels"), 0), "name"), "x");
  cJSON_Delete(j);
  /* on the item's path */
  j = call(m, "PUT", path, "{\"name\":\"bo\"}", 200);
  assert_int_equal(num(j, "id"), id);
  assert_string_equal(text(j, "status"), "available"); /* the default again */
  cJSON_Delete(j);
  j = call(m, "GET", "/pet", NULL, 200);
  assert_int_equal(num(j, "total"), 2);
  assert_string_equal(text(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "name"), "bo");
  cJSON_Delete(j);
  cJSON_Delete(call(m, "PUT", "/pet", "{\"id\":999,\"name\":\"x\",\"status\":\"sold\",\"labels\":[]}", 404));
  cJSON_Delete(call(m, "PUT", "/pet/999", "{\"name\":\"x\"}", 404));
  apic_mock_stop(m);
}

static void ids_count_per_collection(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  for (int i = 1; i <= 3; i++) {
    assert_int_equal(new_pet(m, "{\"name\":\"p\"}"), i);
    cJSON *j = call(m, "POST", "/store/order", "{\"pet_id\":1,\"quantity\":2}", 201);
    assert_int_equal(num(j, "number"), i);
    cJSON_Delete(j);
  }
  apic_mock_stop(m);
}

/* NewPet.labels is string[], Pet.labels Label[]: the strings sent are not the labels answered. */
static void answers_follow_the_response_model(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  cJSON *j = call(m, "POST", "/pet", "{\"name\":\"a\",\"status\":\"pending\",\"labels\":[\"red\",\"blue\"]}", 201);
  assert_string_equal(text(j, "status"), "pending"); /* fits: copied */
  const cJSON *labels = cJSON_GetObjectItem(j, "labels"), *l;
  assert_true(cJSON_IsArray(labels));
  cJSON_ArrayForEach(l, labels) assert_true(cJSON_IsObject(l));
  cJSON_Delete(j);
  apic_mock_stop(m);
}

/* Orders are keyed by `number`, the field /store/order/{number} names. */
static void items_found_by_their_key_field(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  cJSON_Delete(call(m, "POST", "/store/order", "{\"pet_id\":7,\"quantity\":1}", 201));
  cJSON *j = call(m, "POST", "/store/order", "{\"pet_id\":8,\"quantity\":2}", 201);
  char path[64];
  snprintf(path, sizeof path, "/store/order/%d", (int)num(j, "number"));
  cJSON_Delete(j);
  j = call(m, "GET", path, NULL, 200);
  assert_int_equal(num(j, "pet_id"), 8);
  cJSON_Delete(j);
  cJSON_Delete(call(m, "GET", "/store/order/99", NULL, 404));
  cJSON_Delete(call(m, "DELETE", path, NULL, 204));
  cJSON_Delete(call(m, "GET", path, NULL, 404));
  apic_mock_stop(m);
}

static void unknown_fields_and_numbers_out_of_range(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  expect_422(m, "POST", "/pet", "{\"name\":\"a\",\"bogus\":1}", "$.bogus: unknown field");
  expect_422(m, "POST", "/pet", "{\"name\":\"a\",\"weight\":1e400}", "$.weight: number out of range");
  expect_422(m, "PUT", "/pet", "{\"id\":1,\"name\":\"a\",\"status\":\"sold\",\"labels\":[{\"name\":\"x\",\"shade\":1}]}",
             "$.labels[0].shade: unknown field");
  expect_422(m, "GET", "/pet?limit=1e400", NULL, "query.limit: number out of range");
  cJSON_Delete(call(m, "GET", "/pet", NULL, 200)); /* nothing was stored */
  apic_mock_stop(m);
  m = mt_start("torale", NULL); /* in a map too */
  expect_422(m, "POST", "/tasks", "{\"search_query\":\"q\",\"condition_description\":\"c\",\"labels\":{\"a\":1e400}}",
             "$.labels.a: number out of range");
  apic_mock_stop(m);
}

/* A decoded %00 would end the path early: GET /tasks/%00 read as GET /tasks. */
static void encoded_nul_refused(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  cJSON_Delete(call(m, "POST", "/tasks", "{\"search_query\":\"q\",\"condition_description\":\"c\"}", 201));
  cJSON_Delete(call(m, "GET", "/tasks/%00", NULL, 400));
  cJSON_Delete(call(m, "GET", "/tasks/x%00y", NULL, 400));
  cJSON_Delete(call(m, "GET", "/tasks?state=%00", NULL, 400));
  cJSON_Delete(call(m, "GET", "/tasks/%01", NULL, 404));
  apic_mock_stop(m);
}

/* status is one-valued: ?status=available&status=sold means either; each value is checked. */
static void repeated_one_valued_filter_means_any(void **state)
{
  (void)state;
  apic_mock *m = mt_start("shop", NULL);
  new_pet(m, "{\"name\":\"a\"}");
  new_pet(m, "{\"name\":\"b\",\"status\":\"pending\"}");
  new_pet(m, "{\"name\":\"c\",\"status\":\"sold\"}");
  cJSON *j = call(m, "GET", "/pet?status=available&status=sold", NULL, 200);
  assert_int_equal(num(j, "total"), 2);
  assert_string_equal(text(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 1), "name"), "c");
  cJSON_Delete(j);
  expect_422(m, "GET", "/pet?status=available&status=bogus", NULL, "query.status[1]: \"bogus\" is not a value of Status");
  apic_mock_stop(m);
}

/* The pet store's searches (GET /pet/findByStatus, /pet/findByTags) are no collections: they
 * list the one above them. An array filter on a one-valued field means any of its values; on
 * an array of objects (tags), each value names one of them (every value, as for arrays). */
static void searches_list_the_collection_above(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.no_auth = 1;
  apic_mock *m = mt_start("petstore", &o);
  const char *pets[] = {"{\"name\":\"a\",\"photoUrls\":[],\"status\":\"available\",\"tags\":[{\"name\":\"t1\"}]}",
                        "{\"name\":\"b\",\"photoUrls\":[],\"status\":\"pending\"}",
                        "{\"name\":\"c\",\"photoUrls\":[],\"status\":\"sold\",\"tags\":[{\"name\":\"t1\"},{\"name\":\"t2\"}]}"};
  for (int i = 0; i < 3; i++)
    cJSON_Delete(call(m, "POST", "/pet", pets[i], 201));
  static const struct {
    const char *path;
    int count;
    const char *first;
  } cases[] = {{"/pet/findByStatus?status=sold", 1, "c"},          {"/pet/findByStatus?status=available&status=sold", 2, "a"},
               {"/pet/findByStatus?status=pending", 1, "b"},       {"/pet/findByTags?tags=t2", 1, "c"},
               {"/pet/findByTags?tags=t1", 2, "a"},                {"/pet/findByTags?tags=t1&tags=t2", 1, "c"},
               {"/pet/findByTags?tags=none", 0, NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cJSON *j = call(m, "GET", cases[i].path, NULL, 200);
    if (cJSON_GetArraySize(j) != cases[i].count)
      fprintf(stderr, "%s: %d\n", cases[i].path, cJSON_GetArraySize(j));
    assert_int_equal(cJSON_GetArraySize(j), cases[i].count);
    if (cases[i].first != NULL)
      assert_string_equal(text(cJSON_GetArrayItem(j, 0), "name"), cases[i].first);
    cJSON_Delete(j);
  }
  expect_422(m, "GET", "/pet/findByStatus?status=gone", NULL, "query.status[0]: \"gone\" is not a value of PetStatus");
  apic_mock_stop(m);
}

/* POST /user answers nothing, yet creates: the user is stored under the username it names (a
 * key other than id that the body gives), then read, replaced and deleted by it. */
static void creates_that_answer_nothing_store(void **state)
{
  (void)state;
  apic_mock *m = mt_start("petstore", NULL);
  cJSON_Delete(call(m, "POST", "/user", "{\"username\":\"ann\",\"firstName\":\"Ann\"}", 204));
  cJSON_Delete(call(m, "POST", "/user", "{\"username\":\"bo\"}", 204));
  cJSON *j = call(m, "GET", "/user/ann", NULL, 200);
  assert_string_equal(text(j, "firstName"), "Ann");
  assert_int_equal(num(j, "id"), 1);
  cJSON_Delete(j);
  cJSON_Delete(call(m, "PUT", "/user/ann", "{\"username\":\"ann\",\"firstName\":\"Anna\"}", 204));
  j = call(m, "GET", "/user/ann", NULL, 200);
  assert_string_equal(text(j, "firstName"), "Anna");
  cJSON_Delete(j);
  cJSON_Delete(call(m, "DELETE", "/user/ann", NULL, 204));
  cJSON_Delete(call(m, "GET", "/user/ann", NULL, 404));
  j = call(m, "GET", "/user/bo", NULL, 200);
  assert_int_equal(num(j, "id"), 2);
  cJSON_Delete(j);
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(serves_under_the_base_path),
    cmocka_unit_test(offset_page_reports_what_was_asked),
    cmocka_unit_test(put_replaces_the_stored_item),
    cmocka_unit_test(ids_count_per_collection),
    cmocka_unit_test(answers_follow_the_response_model),
    cmocka_unit_test(items_found_by_their_key_field),
    cmocka_unit_test(unknown_fields_and_numbers_out_of_range),
    cmocka_unit_test(encoded_nul_refused),
    cmocka_unit_test(repeated_one_valued_filter_means_any),
    cmocka_unit_test(searches_list_the_collection_above),
    cmocka_unit_test(creates_that_answer_nothing_store),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
