/* The kinds of tests/models/data/kinds.api end to end: its SDK (generated at build time) against
 * the mock serving the same spec. What the SDK encodes, the mock validates, stores and sends
 * back, and the SDK decodes to equal values; what the SDK would refuse, the mock refuses too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "kinds/kinds.h"

typedef struct fixture {
  apic_mock *mock;
  kinds_client *c;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  f->mock = mt_start("kinds", NULL);
  kinds_client_options o = {.base_url = e2e_base(f->mock)};
  o.http.backoff_initial_ms = 5;
  assert_int_equal(kinds_client_new(&o, &f->c, NULL), 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  kinds_client_free(f->c, 0);
  apic_mock_stop(f->mock);
  free(f);
  return 0;
}

#define OK(call)                                                                                     \
  do {                                                                                               \
    int rc_ = (call);                                                                                \
    if (rc_ != 0)                                                                                    \
      kinds_error_print(err, stderr);                                                                \
    assert_int_equal(rc_, 0);                                                                        \
  } while (0)

/* The mock's answer to a raw request: its status and, for a 422, the detail. */
static long raw(fixture *f, const char *method, const char *path, const char *body, char *detail, size_t size)
{
  mt_resp r;
  mt_req(f->mock, method, path, body, body != NULL ? "Content-Type: application/json" : NULL, &r);
  snprintf(detail, size, "%s", r.status == 422 ? mt_detail(&r) : "");
  long status = r.status;
  mt_free(&r);
  return status;
}

/* int32 at its ends, UUIDs and bytes (base64 on the wire) go through the mock unchanged. */
static void scalars_round_trip(void **state)
{
  fixture *f = *state;
  kinds_error *err = NULL;
  static const uint8_t blob[] = {0, 1, 0xfe, 0xff, '"', '\\'};
  kinds_shelf body = {.count32 = INT32_MIN, .tag = "123E4567-e89b-12d3-a456-426614174000", .blob = blob,
                      .blob_len = sizeof blob, .blobs = (const apic_bytes[]){{blob, 1}, {blob, 0}}, .blobs_count = 2,
                      .tags = (const char *[]){"00000000-0000-0000-0000-000000000000"}, .tags_count = 1};
  kinds_shelf *made = NULL, *got = NULL;
  OK(kinds_shelves_create(f->c, &body, NULL, &made, &err));
  OK(kinds_shelves_get(f->c, made->id, NULL, &got, &err));
  assert_true(kinds_shelf_equal(made, got));
  assert_int_equal(got->count32, INT32_MIN);
  assert_string_equal(got->tag, body.tag);
  assert_true(got->blob_len == sizeof blob && memcmp(got->blob, blob, sizeof blob) == 0);
  assert_true(got->blobs_count == 2 && got->blobs[0].len == 1 && got->blobs[1].len == 0 && got->blobs[1].data != NULL);
  assert_string_equal(got->tags[0], body.tags[0]);
  kinds_shelf_free(made);
  kinds_shelf_free(got);
}

/* int32 and enum path parameters, int32 and uuid query parameters: the SDK sends their text,
 * the mock checks it against the spec. */
static void scalar_parameters(void **state)
{
  fixture *f = *state;
  kinds_error *err = NULL;
  kinds_leaf *leaf = NULL;
  OK(kinds_all_leaf(f->c, INT32_MAX, KINDS_COLOUR_DARK_BLUE, KINDS_LEVEL_BELOW, NULL, &leaf, &err));
  kinds_leaf_free(leaf);
  kinds_all_find_params p = {.small = APIC_INT32(-5), .ids = (const char *[]){"123e4567-e89b-12d3-a456-426614174000"},
                             .ids_count = 1, .levels = (const kinds_level[]){KINDS_LEVEL_ZERO, KINDS_LEVEL_BELOW},
                             .levels_count = 2};
  kinds_all_list *all = NULL;
  OK(kinds_all_find(f->c, &p, NULL, &all, &err));
  kinds_all_list_free(all);
  /* what the SDK cannot send, sent raw */
  char detail[400];
  assert_int_equal(raw(f, "GET", "/all/leaves/2147483648/red/1", NULL, detail, sizeof detail), 422);
  assert_string_equal(detail, "path.n: expected an integer of at most 32 bits, got 2147483648");
  assert_int_equal(raw(f, "GET", "/all/leaves/1/purple/1", NULL, detail, sizeof detail), 422);
  assert_string_equal(detail, "path.colour: \"purple\" is not a value of Colour");
  assert_int_equal(raw(f, "GET", "/all/leaves/1/red/2", NULL, detail, sizeof detail), 422);
  assert_string_equal(detail, "path.level: \"2\" is not a value of Level");
  assert_int_equal(raw(f, "GET", "/all?levels=10&levels=3", NULL, detail, sizeof detail), 422);
  assert_string_equal(detail, "query.levels[1]: \"3\" is not a value of Level");
  assert_int_equal(raw(f, "GET", "/all?ids=123e4567", NULL, detail, sizeof detail), 422);
  assert_string_equal(detail, "query.ids[0]: expected a UUID, got \"123e4567\"");
}

/* The mock checks bodies as the SDK checks what it sends: int32's range, UUIDs, base64. */
static void mock_refuses_bad_scalars(void **state)
{
  fixture *f = *state;
  static const struct {
    const char *body, *detail;
  } cases[] = {
      {"{\"id\":1,\"count32\":2147483648,\"tag\":\"123e4567-e89b-12d3-a456-426614174000\",\"blob\":\"\"}",
       "$.count32: expected an integer of at most 32 bits, got 2147483648"},
      {"{\"id\":1,\"count32\":1,\"tag\":\"123e4567-e89b-12d3-a456-42661417400Z\",\"blob\":\"\"}",
       "$.tag: expected a UUID, got \"123e4567-e89b-12d3-a456-42661417400Z\""},
      {"{\"id\":1,\"count32\":1,\"tag\":\"123e4567-e89b-12d3-a456-426614174000\",\"blob\":\"a=b=\"}",
       "$.blob: expected base64 text, got \"a=b=\""},
      {"{\"id\":1,\"count32\":1,\"tag\":\"123e4567-e89b-12d3-a456-426614174000\",\"blob\":\"AAAAAAAAAAAAAAAAAAAAAAAA\"}",
       "$.blob: more than 16 bytes"},
  };
  char detail[400];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(raw(f, "POST", "/shelves", cases[i].body, detail, sizeof detail), 422);
    assert_string_equal(detail, cases[i].detail);
  }
}

/* A model that extends others reaches the mock flat, with the constraints its own fields set. */
static void extends_through_the_mock(void **state)
{
  fixture *f = *state;
  kinds_error *err = NULL;
  kinds_leafier body = {.n = 3, .label = "l", .extra = "e"}, *made = NULL;
  OK(kinds_shelves_leafy(f->c, &body, NULL, &made, &err));
  assert_int_equal(made->n, 3);
  assert_true(made->id > 0); /* the mock owns ids */
  assert_string_equal(made->label, "l");
  assert_string_equal(made->extra, "e");
  kinds_leafier_free(made);
  char detail[400];
  assert_int_equal(raw(f, "POST", "/shelves/leafy", "{\"n\":-1,\"id\":1}", detail, sizeof detail), 422);
  assert_string_equal(detail, "$.n: below the minimum 0");
}

/* Unions in a stored model come back as they went; a tagged one's unknown tag never reaches the
 * mock from this SDK, and the mock refuses what the union rule refuses. */
static void unions_through_the_mock(void **state)
{
  fixture *f = *state;
  kinds_error *err = NULL;
  kinds_shelf body = {.tag = "123e4567-e89b-12d3-a456-426614174000", .blob = (const uint8_t *)"", .count32 = 1,
                      .pet = &(const kinds_pet){.dog = &(const kinds_dog){.name = "Rex", .good = true}},
                      .mix = &(const kinds_mixed){.words = (const char *[]){"a", "b"}, .words_count = 2}};
  kinds_shelf *made = NULL, *got = NULL;
  OK(kinds_shelves_create(f->c, &body, NULL, &made, &err));
  OK(kinds_shelves_get(f->c, made->id, NULL, &got, &err));
  assert_true(got->pet->kind == KINDS_PET_DOG && got->pet->dog->good);
  assert_string_equal(got->pet->dog->name, "Rex");
  assert_true(got->mix->kind == KINDS_MIXED_WORDS && got->mix->words_count == 2);
  kinds_shelf_free(made);
  kinds_shelf_free(got);
  body.pet = NULL, body.pet_null = true, body.mix = &(const kinds_mixed){.cat = &(const kinds_cat){.name = "c"}};
  OK(kinds_shelves_create(f->c, &body, NULL, &made, &err));
  assert_true(made->pet == NULL && made->pet_null && made->mix->kind == KINDS_MIXED_CAT);
  kinds_shelf_free(made);

  /* a union as the body and the result: the mock answers with a value of its own */
  kinds_pet pet = {.cat = &(const kinds_cat){.name = "Tom"}}, *answer = NULL;
  OK(kinds_shelves_pets(f->c, &pet, NULL, &answer, &err));
  assert_true((answer->kind == KINDS_PET_CAT && answer->cat != NULL) || (answer->kind == KINDS_PET_DOG && answer->dog != NULL));
  kinds_pet_free(answer);
  const kinds_mixed mixes[] = {{.blob = (const uint8_t *)"\x01", .blob_len = 1}, {.n32 = APIC_INT32(3)},
                               {.flag = APIC_BOOL(false)}, {.counts = (const apic_int_entry[]){{"k", 1}}, .counts_count = 1}};
  kinds_mixed_list *list = NULL;
  OK(kinds_shelves_mixes(f->c, &(const kinds_mixed_list){mixes, 4}, NULL, &list, &err));
  assert_true(list->count >= 1 && list->items[0].kind != KINDS_MIXED_UNKNOWN);
  kinds_mixed_list_free(list);

  static const struct {
    const char *path, *body, *detail;
  } bad[] = {
      {"/shelves/pets", "{\"pet_type\":\"parrot\"}", "$: \"parrot\" is not a tag of Pet"},
      {"/shelves/pets", "{\"name\":\"x\"}", "$: no \"pet_type\" member, the tag of every Pet"},
      {"/shelves/pets", "{\"pet_type\":1}", "$.pet_type: expected a string, got 1"},
      {"/shelves/pets", "{\"pet_type\":\"cat\"}", "$.name: required field missing"},
      {"/shelves/pets", "{\"pet_type\":\"cat\",\"name\":\"x\",\"good\":true}", "$.good: unknown field"},
      {"/shelves/mixes", "[null]", "$[0]: no variant of Mixed takes null"},
      {"/shelves/mixes", "[{\"good\":true}]", "$[0].good: expected an integer, got true"},
      {"/shelves/mixes", "[-1]", "$[0]: below the minimum 0"},
  };
  char detail[400];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(raw(f, "POST", bad[i].path, bad[i].body, detail, sizeof detail), 422);
    assert_string_equal(detail, bad[i].detail);
  }
}

/* List and map defaults: the SDK sends them for fields left NULL, the mock fills them into a
 * body that leaves them out. */
static void defaults_through_the_mock(void **state)
{
  fixture *f = *state;
  kinds_error *err = NULL;
  kinds_defaults *made = NULL;
  OK(kinds_shelves_defaults(f->c, &(const kinds_defaults){.words = (const char *[]){"mine"}, .words_count = 1}, NULL,
                            &made, &err));
  assert_true(made->words_count == 1 && made->lvls_count == 2 && made->lvls[1] == KINDS_LEVEL_BELOW);
  assert_true(made->counts_count == 1 && made->counts[0].value == 1 && made->empty_count == 0);
  kinds_defaults_free(made);
  mt_resp r;
  mt_req(f->mock, "POST", "/shelves/defaults", "{}", "Content-Type: application/json", &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  char *text = cJSON_PrintUnformatted(j);
  assert_string_equal(text, "{\"words\":[\"a\",\"b\"],\"lvls\":[10,-1],\"counts\":{\"a\":1},\"empty\":{}}");
  cJSON_free(text);
  cJSON_Delete(j);
  mt_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(scalars_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(scalar_parameters, setup, teardown),
      cmocka_unit_test_setup_teardown(mock_refuses_bad_scalars, setup, teardown),
      cmocka_unit_test_setup_teardown(extends_through_the_mock, setup, teardown),
      cmocka_unit_test_setup_teardown(unions_through_the_mock, setup, teardown),
      cmocka_unit_test_setup_teardown(defaults_through_the_mock, setup, teardown),
  };
  return cmocka_run_group_tests_name("e2e: every kind through the mock", tests, NULL, NULL);
}
