/* The generated Swagger petstore SDK (spec/petstore.api) end to end against the mock serving the
 * same spec: all 20 operations sync and async, with what each does on the server: a created pet
 * reads back, a form renames it, a photo from disk arrives as a multipart file part, the
 * searches filter, a deleted pet or user is the typed 404, the inventory is a map of counts,
 * and login's session comes with its rate limit and expiry decoded from the response headers.
 * Credentials: OAuth2's token as a bearer token, the API key in its header, none for the store's
 * orders and users; deletePet's own api_key header goes once beside the bearer token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "e2e.h"
#include "petstore/petstore.h"

#define TOKEN "oauth-e2e-token"
#define KEY "special-key"

typedef struct fixture {
  apic_mock *mock;
  petstore_client *c;
  e2e_log log;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  apic_mock_options mo = apic_mock_options_default();
  mo.log_secrets = 1; /* the tests read the credentials the SDK sent in the request log */
  f->mock = mt_start("petstore", &mo);
  petstore_client_options o = {.base_url = e2e_base(f->mock), .oauth = TOKEN, .api_key = KEY};
  o.http.backoff_initial_ms = 5;
  o.http.log = e2e_log_fn;
  o.http.log_ctx = &f->log;
  o.http.log_level = APIC_LOG_DEBUG;
  assert_int_equal(petstore_client_new(&o, &f->c, NULL), 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  petstore_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

#define OK(call)                                                                                     \
  do {                                                                                               \
    int rc_ = (call);                                                                                \
    if (rc_ != 0)                                                                                    \
      petstore_error_print(err, stderr);                                                             \
    assert_int_equal(rc_, 0);                                                                        \
  } while (0)

/* The request the mock logged n-th (from 0; negative: from the end). Caller deletes. */
static cJSON *request(fixture *f, int n)
{
  cJSON *log = e2e_requests(f->mock);
  int size = cJSON_GetArraySize(log);
  cJSON *r = cJSON_DetachItemFromArray(log, n < 0 ? size + n : n);
  cJSON_Delete(log);
  assert_non_null(r);
  return r;
}

/* How many times a logged request carries a header (names ignore case). */
static int header_count(const cJSON *req, const char *name)
{
  const cJSON *h;
  int n = 0;
  cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(req, "headers")) n += strcasecmp(h->string, name) == 0;
  return n;
}

static const char *body_text(const cJSON *req)
{
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "body"));
}

static petstore_pet *add_pet(fixture *f, const char *name, petstore_pet_status status, const char *tag)
{
  petstore_tag tags[] = {{.name = tag}};
  const char *photos[] = {"https://example.com/a.jpg"};
  petstore_pet body = {.name = name, .photo_urls = photos, .photo_urls_count = 1, .tags = tag ? tags : NULL,
                       .tags_count = tag ? 1 : 0, .status = &status};
  petstore_pet *pet = NULL;
  petstore_error *err = NULL;
  OK(petstore_pet_add(f->c, &body, NULL, &pet, &err));
  return pet;
}

/* The names of a list of pets, in order, joined by spaces. */
static const char *names(const petstore_pet_list *l)
{
  static char buf[256];
  buf[0] = '\0';
  for (size_t i = 0; i < l->count; i++)
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", l->items[i].name);
  return buf;
}

/* addPet, getPetById, updatePet, updatePetWithForm, the searches, deletePet; with the scheme
 * each operation names. */
static void pets(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  petstore_pet *rex = add_pet(f, "Rex", PETSTORE_PET_STATUS_AVAILABLE, "dog");
  petstore_pet *tom = add_pet(f, "Tom", PETSTORE_PET_STATUS_SOLD, "cat");
  petstore_pet *kit = add_pet(f, "Kit", PETSTORE_PET_STATUS_PENDING, NULL);
  assert_non_null(rex->id);
  petstore_pet *got = NULL;
  OK(petstore_pet_get(f->c, *rex->id, NULL, &got, &err));
  assert_true(petstore_pet_equal(got, rex)); /* the created pet reads back */
  assert_string_equal(got->tags[0].name, "dog");
  petstore_pet_free(got);

  /* the credentials: OAuth's token for addPet, the API key alone for getPetById */
  cJSON *add = request(f, 0), *get = request(f, 3);
  assert_string_equal(e2e_header(add, "Authorization"), "Bearer " TOKEN);
  assert_null(e2e_header(add, "api_key"));
  assert_string_equal(e2e_header(get, "api_key"), KEY);
  assert_null(e2e_header(get, "Authorization"));
  assert_string_equal(e2e_header(add, "Content-Type"), "application/json");
  cJSON_Delete(add), cJSON_Delete(get);

  /* updatePet: the whole pet, by the id in the body */
  petstore_pet changed = *tom;
  changed.name = "Thomas";
  petstore_pet *updated = NULL;
  OK(petstore_pet_update(f->c, &changed, NULL, &updated, &err));
  assert_string_equal(updated->name, "Thomas");
  assert_int_equal(*updated->id, *tom->id);
  petstore_pet_free(updated);

  /* updatePetWithForm: a form body changes the name and the status */
  petstore_pet_update_with_form_body form = {.name = "Rex II",
                                             .status = APIC_ENUM(petstore_pet_status, PETSTORE_PET_STATUS_SOLD)};
  petstore_pet *renamed = NULL;
  OK(petstore_pet_update_with_form(f->c, *rex->id, &form, NULL, &renamed, &err));
  assert_string_equal(renamed->name, "Rex II");
  cJSON *req = request(f, -1);
  assert_string_equal(e2e_header(req, "Content-Type"), "application/x-www-form-urlencoded");
  assert_string_equal(body_text(req), "name=Rex%20II&status=sold");
  cJSON_Delete(req);
  OK(petstore_pet_get(f->c, *rex->id, NULL, &got, &err));
  assert_string_equal(got->name, "Rex II");
  assert_int_equal(*got->status, PETSTORE_PET_STATUS_SOLD);
  assert_int_equal(got->photo_urls_count, 1); /* the rest stays */
  petstore_pet_free(got);
  petstore_pet_free(renamed);

  /* findByStatus: any of the statuses asked; findByTags: the tags' names */
  petstore_pet_status sold[] = {PETSTORE_PET_STATUS_SOLD}, either[] = {PETSTORE_PET_STATUS_PENDING,
                                                                       PETSTORE_PET_STATUS_AVAILABLE};
  petstore_pet_find_by_status_params sp = {.status = sold, .status_count = 1};
  petstore_pet_list *found = NULL;
  OK(petstore_pet_find_by_status(f->c, &sp, NULL, &found, &err));
  assert_string_equal(names(found), "Rex II Thomas");
  petstore_pet_list_free(found);
  sp = (petstore_pet_find_by_status_params){.status = either, .status_count = 2};
  OK(petstore_pet_find_by_status(f->c, &sp, NULL, &found, &err));
  assert_string_equal(names(found), "Kit");
  petstore_pet_list_free(found);
  req = request(f, -1);
  const cJSON *q = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "query"), "status");
  assert_int_equal(cJSON_GetArraySize(q), 2); /* repeated keys: ?status=pending&status=available */
  cJSON_Delete(req);
  const char *cat[] = {"cat"};
  petstore_pet_find_by_tags_params tp = {.tags = cat, .tags_count = 1};
  OK(petstore_pet_find_by_tags(f->c, &tp, NULL, &found, &err));
  assert_string_equal(names(found), "Thomas");
  petstore_pet_list_free(found);
  sp.status_count = 0; /* @min_len(1): refused before anything is sent */
  int before = e2e_request_count(f->mock);
  assert_int_equal(petstore_pet_find_by_status(f->c, &sp, NULL, &found, &err), APIC_ERR_INVALID_ARG);
  petstore_error_free(err), err = NULL;
  assert_int_equal(e2e_request_count(f->mock), before);

  /* deletePet: its own api_key header goes once, beside the bearer token; then the typed 404 */
  petstore_pet_delete_params dp = {.api_key = "delete-key"};
  OK(petstore_pet_delete(f->c, *kit->id, &dp, NULL, &err));
  req = request(f, -1);
  assert_int_equal(header_count(req, "api_key"), 1);
  assert_string_equal(e2e_header(req, "api_key"), "delete-key");
  assert_string_equal(e2e_header(req, "Authorization"), "Bearer " TOKEN);
  cJSON_Delete(req);
  assert_int_equal(petstore_pet_get(f->c, *kit->id, NULL, &got, &err), APIC_ERR_HTTP);
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_NOT_FOUND);
  assert_int_equal(petstore_error_status(err), 404);
  assert_non_null(strstr(petstore_error_as_not_found(err)->message, "no item"));
  petstore_error_free(err);
  assert_null(strstr(f->log.text, TOKEN)); /* credentials never reach the log */
  assert_null(strstr(f->log.text, "delete-key"));
  petstore_pet_free(rex), petstore_pet_free(tom), petstore_pet_free(kit);
}

/* uploadFile: a photo streamed from a file on disk, with its metadata, as multipart/form-data. */
static void upload_a_photo_from_disk(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  petstore_pet *pet = add_pet(f, "Photogenic", PETSTORE_PET_STATUS_AVAILABLE, NULL);
  char file[] = "/tmp/apic-petstore-XXXXXX";
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  const char photo[] = "not really a JPEG, but bytes all the same";
  assert_int_equal(write(fd, photo, sizeof photo - 1), (ssize_t)(sizeof photo - 1));
  close(fd);
  apic_file part = {.path = file, .filename = "rex.jpg", .content_type = "image/jpeg"};
  petstore_pet_upload_file_body body = {.additional_metadata = "front view", .file = &part};
  petstore_api_response *answer = NULL;
  OK(petstore_pet_upload_file(f->c, *pet->id, &body, NULL, &answer, &err));
  assert_non_null(answer);
  petstore_api_response_free(answer);
  cJSON *req = request(f, -1);
  assert_int_equal(strncmp(e2e_header(req, "Content-Type"), "multipart/form-data; boundary=", 30), 0);
  const char *sent = body_text(req);
  assert_non_null(sent);
  assert_non_null(strstr(sent, "name=\"additionalMetadata\"\r\n\r\nfront view\r\n")); /* the wire name */
  assert_non_null(strstr(sent, "name=\"file\"; filename=\"rex.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                               "not really a JPEG, but bytes all the same\r\n"));
  cJSON_Delete(req);
  /* without a file: the metadata alone (the file is optional) */
  body.file = NULL;
  OK(petstore_pet_upload_file(f->c, *pet->id, &body, NULL, &answer, &err));
  petstore_api_response_free(answer);
  req = request(f, -1);
  assert_null(strstr(body_text(req), "name=\"file\""));
  cJSON_Delete(req);
  /* a photo of a pet that is not there */
  body.file = &part;
  assert_int_equal(petstore_pet_upload_file(f->c, 999, &body, NULL, &answer, &err), APIC_ERR_HTTP);
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_NOT_FOUND);
  petstore_error_free(err);
  unlink(file);
  petstore_pet_free(pet);
}

/* getInventory: a map of status to count, decoded in the server's order; the API key sent. */
static void inventory(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  apic_int32_map *inv = NULL;
  OK(petstore_store_inventory(f->c, NULL, &inv, &err)); /* synthesized by the mock */
  assert_true(inv->count >= 1);
  assert_non_null(inv->items[0].key);
  apic_value_free(inv);
  cJSON *req = request(f, -1);
  assert_string_equal(e2e_header(req, "api_key"), KEY);
  cJSON_Delete(req);
  mt_fault(f->mock, "{\"path\":\"/store/inventory\",\"status\":200,"
                    "\"body\":{\"available\":3,\"pending\":1,\"sold\":2147483647}}");
  OK(petstore_store_inventory(f->c, NULL, &inv, &err));
  assert_int_equal(inv->count, 3);
  assert_string_equal(inv->items[0].key, "available");
  assert_int_equal(inv->items[0].value, 3);
  assert_string_equal(inv->items[1].key, "pending");
  assert_int_equal(inv->items[1].value, 1);
  assert_int_equal(inv->items[2].value, INT32_MAX);
  apic_value_free(inv);
  /* a count past int32 is no inventory */
  mt_fault(f->mock, "{\"path\":\"/store/inventory\",\"status\":200,\"body\":{\"sold\":2147483648}}");
  assert_int_equal(petstore_store_inventory(f->c, NULL, &inv, &err), APIC_ERR_DECODE);
  assert_null(inv);
  petstore_error_free(err);
}

/* placeOrder, getOrderById, deleteOrder: no credential; getOrderById's ids are 1 to 10. */
static void orders(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  petstore_order body = {.pet_id = APIC_INT(7), .quantity = &(const int32_t){2},
                         .ship_date = "2026-12-24T09:00:00Z",
                         .status = APIC_ENUM(petstore_order_status, PETSTORE_ORDER_STATUS_PLACED)};
  petstore_order *placed = NULL, *got = NULL;
  OK(petstore_store_place_order(f->c, &body, NULL, &placed, &err));
  assert_int_equal(*placed->id, 1);
  assert_false(*placed->complete); /* the default */
  OK(petstore_store_get_order(f->c, *placed->id, NULL, &got, &err));
  assert_true(petstore_order_equal(placed, got));
  assert_string_equal(got->ship_date, "2026-12-24T09:00:00Z");
  petstore_order_free(got);
  cJSON *req = request(f, -1);
  assert_null(e2e_header(req, "Authorization"));
  assert_null(e2e_header(req, "api_key"));
  cJSON_Delete(req);
  OK(petstore_store_delete_order(f->c, *placed->id, NULL, &err));
  assert_int_equal(petstore_store_get_order(f->c, *placed->id, NULL, &got, &err), APIC_ERR_HTTP);
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_NOT_FOUND);
  petstore_error_free(err);
  int before = e2e_request_count(f->mock);
  assert_int_equal(petstore_store_get_order(f->c, 11, NULL, &got, &err), APIC_ERR_INVALID_ARG); /* @max(10) */
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_INVALID_ARGUMENT);
  petstore_error_free(err);
  assert_int_equal(petstore_store_delete_order(f->c, 0, NULL, &err), APIC_ERR_INVALID_ARG); /* @min(1) */
  petstore_error_free(err);
  assert_int_equal(e2e_request_count(f->mock), before);
  petstore_order_free(placed);
}

/* createUser, getUserByName, updateUser, deleteUser, the two bulk creates. */
static void users(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  petstore_user ann = {.username = "ann", .first_name = "Ann", .email = "ann@example.com",
                       .password = "ann-secret-1", .user_status = &(const int32_t){1}};
  OK(petstore_user_create(f->c, &ann, NULL, &err));
  petstore_user *got = NULL;
  OK(petstore_user_get(f->c, "ann", NULL, &got, &err));
  assert_string_equal(got->username, "ann");
  assert_string_equal(got->first_name, "Ann");
  assert_int_equal(*got->user_status, 1);
  petstore_user_free(got);
  petstore_user changed = ann;
  changed.last_name = "Smith";
  OK(petstore_user_update(f->c, "ann", &changed, NULL, &err));
  OK(petstore_user_get(f->c, "ann", NULL, &got, &err));
  assert_string_equal(got->last_name, "Smith");
  petstore_user_free(got);
  OK(petstore_user_delete(f->c, "ann", NULL, &err));
  assert_int_equal(petstore_user_get(f->c, "ann", NULL, &got, &err), APIC_ERR_HTTP);
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_NOT_FOUND);
  petstore_error_free(err);

  petstore_user two[] = {{.username = "bo"}, {.username = "cy", .phone = "555"}};
  petstore_user_list many = {two, 2};
  OK(petstore_user_create_with_array(f->c, &many, NULL, &err));
  cJSON *req = request(f, -1);
  const cJSON *sent = cJSON_GetObjectItemCaseSensitive(req, "body");
  assert_int_equal(cJSON_GetArraySize(sent), 2);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(sent, 1), "phone")), "555");
  cJSON_Delete(req);
  OK(petstore_user_create_with_list(f->c, &many, NULL, &err));
  req = request(f, -1);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(req, "path")), "/user/createWithList");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "body")), 2);
  cJSON_Delete(req);
  assert_null(strstr(f->log.text, "ann-secret-1"));
}

/* loginUser: the session (text or a JSON string) with X-Rate-Limit and X-Expires-After decoded;
 * logoutUser. The password is @sensitive: never in the log. */
static void login_and_logout(void **state)
{
  fixture *f = *state;
  petstore_error *err = NULL;
  petstore_user_login_params lp = {.username = "ann", .password = "pw-secret-77"};
  petstore_user_login_result *s = NULL;
  mt_fault(f->mock, "{\"path\":\"/user/login\",\"status\":200,\"body\":\"logged in user session:1764687600\","
                    "\"headers\":{\"Content-Type\":\"text/plain\",\"X-Rate-Limit\":5000,"
                    "\"X-Expires-After\":\"2026-12-02T15:00:00Z\"}}");
  OK(petstore_user_login(f->c, &lp, NULL, &s, &err));
  assert_string_equal(s->body, "logged in user session:1764687600");
  assert_int_equal(s->rate_limit, 5000);
  assert_string_equal(s->expires_after, "2026-12-02T15:00:00Z");
  petstore_user_login_result_free(s);
  cJSON *req = request(f, -1);
  assert_string_equal(
    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(req, "query"), "password")), "pw-secret-77");
  cJSON_Delete(req);
  assert_null(strstr(f->log.text, "pw-secret-77"));
  /* as the mock answers by itself: a JSON string, and the headers it synthesizes */
  OK(petstore_user_login(f->c, &lp, NULL, &s, &err));
  mt_resp raw;
  mt_req(f->mock, "GET", "/user/login?username=ann&password=x", NULL, NULL, &raw);
  char want[64];
  snprintf(want, sizeof want, "X-Rate-Limit: %d\r\n", s->rate_limit);
  assert_non_null(strstr(raw.headers, want));
  snprintf(want, sizeof want, "X-Expires-After: %s\r\n", s->expires_after);
  assert_non_null(strstr(raw.headers, want));
  assert_true(strlen(s->body) > 0);
  mt_free(&raw);
  petstore_user_login_result_free(s);
  /* a session without its rate limit is no answer */
  mt_fault(f->mock, "{\"path\":\"/user/login\",\"status\":200,\"body\":\"s\",\"headers\":{\"Content-Type\":"
                    "\"text/plain\",\"X-Expires-After\":\"2026-12-02T15:00:00Z\"}}");
  assert_int_equal(petstore_user_login(f->c, &lp, NULL, &s, &err), APIC_ERR_DECODE);
  assert_non_null(strstr(petstore_error_message(err), "X-Rate-Limit"));
  petstore_error_free(err);
  OK(petstore_user_logout(f->c, NULL, &err));
}

/* Async: a typed callback per operation; each checks what it was given. */
static int done_count, ok_count;
#define RECORD(op, T)                                                                                \
  static void on_##op(apic_call *call, int status, const T *r, const petstore_error *err, void *ud)  \
  {                                                                                                  \
    (void)call, (void)err, (void)ud;                                                                 \
    done_count++;                                                                                    \
    ok_count += status == 0 && r != NULL;                                                            \
  }
RECORD(pet, petstore_pet)
RECORD(pets, petstore_pet_list)
RECORD(answer, petstore_api_response)
RECORD(inventory, apic_int32_map)
RECORD(order, petstore_order)
RECORD(user, petstore_user)
RECORD(login, petstore_user_login_result)

static void on_done(apic_call *call, int status, const petstore_error *err, void *ud)
{
  (void)call, (void)err, (void)ud;
  done_count++;
  ok_count += status == 0;
}

static void every_operation_async(void **state)
{
  fixture *f = *state;
  done_count = ok_count = 0;
  petstore_pet *pet = add_pet(f, "Async", PETSTORE_PET_STATUS_AVAILABLE, "t");
  petstore_pet *gone = add_pet(f, "Gone", PETSTORE_PET_STATUS_SOLD, NULL);
  petstore_order order = {.pet_id = pet->id, .quantity = &(const int32_t){1}};
  petstore_order *placed = NULL;
  petstore_user u = {.username = "dee"};
  petstore_user_list many = {&u, 1};
  assert_int_equal(petstore_store_place_order(f->c, &order, NULL, &placed, NULL), 0);
  assert_int_equal(petstore_user_create(f->c, &u, NULL, NULL), 0);
  const char *photos[] = {"p"};
  petstore_pet fresh = {.name = "Fresh", .photo_urls = photos, .photo_urls_count = 1};
  petstore_pet_status st[] = {PETSTORE_PET_STATUS_AVAILABLE};
  petstore_pet_find_by_status_params sp = {.status = st, .status_count = 1};
  const char *tag[] = {"t"};
  petstore_pet_find_by_tags_params tp = {.tags = tag, .tags_count = 1};
  petstore_pet_update_with_form_body form = {.name = "Renamed"};
  petstore_pet_upload_file_body up = {.file = &(apic_file){.data = "img", .len = 3, .filename = "a.png"}};
  petstore_pet_delete_params dp = {0};
  petstore_user_login_params lp = {.username = "dee", .password = "p"};
  int64_t id = *pet->id;
  assert_int_equal(petstore_pet_add_async(f->c, &fresh, NULL, on_pet, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_update_async(f->c, pet, NULL, on_pet, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_find_by_status_async(f->c, &sp, NULL, on_pets, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_find_by_tags_async(f->c, &tp, NULL, on_pets, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_get_async(f->c, id, NULL, on_pet, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_update_with_form_async(f->c, id, &form, NULL, on_pet, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_delete_async(f->c, *gone->id, &dp, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_pet_upload_file_async(f->c, id, &up, NULL, on_answer, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_store_inventory_async(f->c, NULL, on_inventory, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_store_place_order_async(f->c, &order, NULL, on_order, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_store_get_order_async(f->c, *placed->id, NULL, on_order, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_create_async(f->c, &(petstore_user){.username = "eve"}, NULL, on_done, NULL, NULL,
                                              NULL), 0);
  assert_int_equal(petstore_user_create_with_array_async(f->c, &many, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_create_with_list_async(f->c, &many, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_login_async(f->c, &lp, NULL, on_login, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_logout_async(f->c, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_get_async(f->c, "dee", NULL, on_user, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_update_async(f->c, "dee", &u, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_client_run(f->c), 0);
  assert_int_equal(done_count, 18);
  assert_int_equal(ok_count, 18);
  /* the deletes after the reads and updates of what they delete */
  assert_int_equal(petstore_store_delete_order_async(f->c, *placed->id, NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_user_delete_async(f->c, "dee", NULL, on_done, NULL, NULL, NULL), 0);
  assert_int_equal(petstore_client_run(f->c), 0);
  assert_int_equal(ok_count, 20);
  petstore_user *got = NULL;
  petstore_error *err = NULL;
  assert_int_equal(petstore_user_get(f->c, "dee", NULL, &got, &err), APIC_ERR_HTTP);
  assert_int_equal(petstore_error_kind_of(err), PETSTORE_ERROR_NOT_FOUND);
  petstore_error_free(err);
  petstore_pet_free(pet), petstore_pet_free(gone);
  petstore_order_free(placed);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(pets, setup, teardown),
    cmocka_unit_test_setup_teardown(upload_a_photo_from_disk, setup, teardown),
    cmocka_unit_test_setup_teardown(inventory, setup, teardown),
    cmocka_unit_test_setup_teardown(orders, setup, teardown),
    cmocka_unit_test_setup_teardown(users, setup, teardown),
    cmocka_unit_test_setup_teardown(login_and_logout, setup, teardown),
    cmocka_unit_test_setup_teardown(every_operation_async, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
