/* Every field kind (tests/models/data/kinds.api), generated at build time and compiled -Werror
 * with gcc and clang (-Wcast-qual -Wwrite-strings too: tests/models/models.mk): decoded, encoded
 * back to the same text, copied and compared, and built by a caller from literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kinds/kinds.h"

/* Every member set, in spec order and in the encoder's spelling, so encoding gives it back. */
static const char FULL[] =
    "{\"s\":\"a\",\"s_opt\":\"b\",\"s_def\":\"c\",\"s_null\":null,\"s_opt_null\":\"secret\",\"i\":-5,\"i_opt\":9007199254740993,"
    "\"i_def\":7,\"i_null\":null,\"f\":0.1,\"f_opt\":1e+300,\"f_def\":0.25,\"b\":false,\"b_opt\":true,\"b_def\":true,"
    "\"dt\":\"2024-02-29T09:00:00.5+01:00\",\"dt_opt\":null,\"d\":\"2024-02-29\",\"e\":\"dark-blue\",\"e_opt\":\"purple\","
    "\"e_def\":\"red\",\"e_null\":null,\"m\":{\"n\":1},\"m_opt\":{\"n\":2},\"m_null\":null,\"a\":{\"x\":[1,\"y\",null]},"
    "\"strings\":[\"p\",\"q\"],\"strings_def\":[],\"ints\":[1,-2],\"floats\":[0.5],\"bools\":[true],"
    "\"colours\":[\"red\",\"dark-blue\"],\"leaves\":[{\"n\":3}],\"anys\":[1,\"two\",[3]],\"grid\":[[\"g\"],[]],"
    "\"leaf_grid\":[[{\"n\":4}]],\"colour_grid\":[[\"red\"]],\"smap\":{\"k\":\"v\"},\"imap\":{\"k\":1},\"fmap\":{\"k\":1.5},"
    "\"bmap\":{\"k\":false},\"cmap\":{\"k\":\"dark-blue\"},\"lmap\":{\"k\":{\"n\":5}},\"amap\":{\"k\":{}},"
    "\"slmap\":{\"k\":[\"x\",\"y\"]},\"llmap\":{\"k\":[{\"n\":6}]},\"i32\":-2147483648,\"i32_opt\":2147483647,"
    "\"i32_def\":-7,\"i32_null\":null,\"u\":\"123E4567-e89b-12d3-a456-426614174000\",\"u_opt\":null,"
    "\"u_def\":\"00000000-0000-0000-0000-000000000000\",\"by\":\"AAEC/w==\",\"by_opt\":\"\",\"by_null\":null,"
    "\"i32s\":[1,-2],\"uuids\":[\"123e4567-e89b-12d3-a456-426614174000\"],\"blobs\":[\"aGk=\",\"\"],\"i32map\":{\"k\":5},"
    "\"bytemap\":{\"k\":\"AA==\"},\"blob_grid\":[[\"AQ==\"]],\"pet\":{\"pet_type\":\"DOG\",\"name\":\"Rex\",\"good\":true},"
    "\"pet_opt\":null,\"mixes\":[\"AQI=\",7,false,[\"w\"],{\"name\":\"d\",\"good\":false},{\"name\":\"c\"},{\"k\":1}],"
    "\"mix_map\":{\"k\":{\"name\":\"c2\",\"lives\":9}},\"lvl\":9007199254740993,\"lvl_opt\":42,\"lvl_def\":10,"
    "\"levels\":[0,-1],\"lvl_map\":{\"k\":1},\"words_def\":[\"w\"],\"lvls_def\":[],\"counts_def\":{\"z\":0},"
    "\"none_def\":{\"k\":\"v\"}}";

static void test_every_kind_round_trips(void **state)
{
  (void)state;
  kinds_all *v = NULL;
  apic_error *err = NULL;
  if (kinds_all_parse(FULL, strlen(FULL), &v, &err) != 0)
    fail_msg("%s", apic_error_message(err));
  assert_true(v->s_null_null && v->i_null_null && v->e_null_null && v->m_null_null && v->dt_opt_null);
  assert_true(*v->i_opt == 9007199254740993LL);
  assert_int_equal(*v->e_opt, KINDS_COLOUR_UNKNOWN);
  assert_string_equal(v->e_opt_unknown, "purple");
  assert_string_equal(v->grid[0].items[0], "g");
  assert_int_equal(v->leaf_grid[0].items[0].n, 4);
  assert_int_equal(v->colour_grid[0].items[0], KINDS_COLOUR_RED);
  assert_int_equal(v->cmap[0].value, KINDS_COLOUR_DARK_BLUE);
  assert_int_equal(v->lmap[0].value.n, 5);
  assert_string_equal(v->slmap[0].value.items[1], "y");
  assert_int_equal(v->llmap[0].value.items[0].n, 6);
  assert_true(v->i32 == INT32_MIN && *v->i32_opt == INT32_MAX && *v->i32_def == -7 && v->i32_null_null);
  assert_true(v->by_len == 4 && v->by[0] == 0 && v->by[3] == 0xff);
  assert_true(v->by_opt != NULL && v->by_opt_len == 0 && v->by_null == NULL && v->by_null_null);
  assert_true(v->blobs_count == 2 && v->blobs[0].len == 2 && memcmp(v->blobs[0].data, "hi", 2) == 0);
  assert_true(v->blob_grid[0].items[0].len == 1 && v->bytemap[0].value.data[0] == 0);
  assert_int_equal(v->i32map[0].value, 5);
  assert_int_equal(v->i32s[1], -2);
  assert_true(v->pet.kind == KINDS_PET_DOG && v->pet.cat == NULL && v->pet.dog->good);
  assert_true(v->pet_opt == NULL && v->pet_opt_null);
  static const kinds_mixed_kind kinds[] = {KINDS_MIXED_BLOB, KINDS_MIXED_N32,  KINDS_MIXED_FLAG,  KINDS_MIXED_WORDS,
                                           KINDS_MIXED_DOG,  KINDS_MIXED_CAT, KINDS_MIXED_COUNTS};
  assert_int_equal(v->mixes_count, 7);
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(v->mixes[i].kind, kinds[i]);
  assert_true(v->mixes[0].blob_len == 2 && *v->mixes[1].n32 == 7 && !*v->mixes[2].flag);
  assert_string_equal(v->mixes[3].words[0], "w");
  assert_string_equal(v->mixes[5].cat->name, "c");
  assert_true(v->mixes[6].counts_count == 1 && v->mix_map[0].value.kind == KINDS_MIXED_CAT);
  assert_true(v->lvl == KINDS_LEVEL_HUGE && *v->lvl_opt == KINDS_LEVEL_UNKNOWN && *v->lvl_def == KINDS_LEVEL_HIGH);
  assert_string_equal(v->lvl_opt_unknown, "42");
  assert_true(v->levels[0] == KINDS_LEVEL_ZERO && v->levels[1] == KINDS_LEVEL_BELOW && v->lvl_map[0].value == KINDS_LEVEL_LOW);
  assert_string_equal(kinds_level_to_string(KINDS_LEVEL_HUGE), "9007199254740993");
  assert_int_equal(kinds_level_from_string("-1"), KINDS_LEVEL_BELOW);
  char *text = apic_value_dump(&kinds_all__desc.type, v, APIC_DUMP_WIRE, &err);
  assert_non_null(text);
  assert_string_equal(text, FULL);
  char *redacted = kinds_all_dump(v, NULL);
  assert_null(strstr(redacted, "secret"));
  kinds_all *copy = kinds_all_copy(v);
  assert_true(kinds_all_equal(copy, v));
  apic_free(text);
  apic_free(redacted);
  kinds_all_free(v);
  kinds_all_free(copy);
}

static void expect_invalid(const kinds_all *v, const char *message)
{
  apic_error *err = NULL;
  assert_int_equal(kinds_all_validate(v, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), message);
  apic_error_free(err);
}

/* A caller writes every kind with literals and compound literals: nothing to free. */
static void test_every_kind_from_literals(void **state)
{
  (void)state;
  const kinds_leaf_list leaf_rows[] = {{(const kinds_leaf[]){{1}, {2}}, 2}};
  const apic_string_list_entry slmap[] = {{"k", {(const char *[]){"x"}, 1}}};
  const kinds_colour_entry cmap[] = {{"k", KINDS_COLOUR_RED}};
  kinds_all v = {.s = "a", .s_null_null = true, .i = 3, .i_null = 4, .f = 0.5, .dt = "2024-01-01T00:00:00Z",
                 .d = "2024-01-01", .e = KINDS_COLOUR_RED, .e_opt = APIC_ENUM(kinds_colour, KINDS_COLOUR_DARK_BLUE),
                 .e_null = KINDS_COLOUR_RED, .m = {1}, .m_null = &(const kinds_leaf){2},
                 .strings = (const char *[]){"p"}, .strings_count = 1, .leaf_grid = leaf_rows, .leaf_grid_count = 1,
                 .cmap = cmap, .cmap_count = 1, .slmap = slmap, .slmap_count = 1, .i32 = -1, .i32_null_null = true,
                 .u = "123e4567-e89b-12d3-a456-426614174000", .by = (const uint8_t[]){0xfb, 0xff}, .by_len = 2,
                 .by_null = (const uint8_t[]){0}, .by_null_len = 0, .blobs = (const apic_bytes[]){{(const uint8_t *)"hi", 2}},
                 .blobs_count = 1, .pet = {.cat = &(const kinds_cat){.name = "Tom"}}, .lvl = KINDS_LEVEL_ZERO};
  apic_error *err = NULL;
  char *text = apic_value_dump(&kinds_all__desc.type, &v, APIC_DUMP_WIRE, &err);
  if (text == NULL)
    fail_msg("%s", apic_error_message(err));
  assert_string_equal(text, "{\"s\":\"a\",\"s_def\":\"dflt\",\"s_null\":null,\"i\":3,\"i_def\":7,\"i_null\":4,\"f\":0.5,"
                            "\"f_def\":0.25,\"b\":false,\"b_def\":true,\"dt\":\"2024-01-01T00:00:00Z\",\"d\":\"2024-01-01\","
                            "\"e\":\"red\",\"e_opt\":\"dark-blue\",\"e_def\":\"dark-blue\",\"e_null\":\"red\",\"m\":{\"n\":1},"
                            "\"m_null\":{\"n\":2},\"strings\":[\"p\"],\"strings_def\":[],\"leaf_grid\":[[{\"n\":1},{\"n\":2}]],"
                            "\"cmap\":{\"k\":\"red\"},\"slmap\":{\"k\":[\"x\"]},\"i32\":-1,\"i32_def\":-7,\"i32_null\":null,"
                            "\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"u_def\":\"123e4567-e89b-12d3-a456-426614174000\","
                            "\"by\":\"+/8=\",\"by_null\":\"\",\"blobs\":[\"aGk=\"],\"pet\":{\"pet_type\":\"cat\",\"name\":\"Tom\"},"
                            "\"lvl\":0,\"lvl_def\":10,\"words_def\":[\"a\",\"b\\\"c\"],\"lvls_def\":[10,0],"
                            "\"counts_def\":{\"a\":1,\"b\":-2},\"none_def\":{}}");
  apic_free(text);
  v.i = 1001; /* @max(1000) */
  assert_int_equal(kinds_all_validate(&v, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.i: above the maximum 1000");
  apic_error_free(err);
  v.i = 1;
  assert_int_equal(kinds_all_validate(&v, NULL), 0);
  kinds_all bad = v;
  bad.u = "123e4567-e89b-12d3-a456-42661417400";
  expect_invalid(&bad, "$.u: expected a UUID, got \"123e4567-e89b-12d3-a456-42661417400\"");
  bad = v, bad.by = NULL;
  expect_invalid(&bad, "$.by: a length of 2 with a NULL pointer");
  bad = v, bad.by = (const uint8_t[65]){0}, bad.by_len = 65;
  expect_invalid(&bad, "$.by: more than 64 bytes");
  bad = v, bad.lvl = KINDS_LEVEL_UNKNOWN, bad.lvl_unknown = "ten"; /* an integer enum keeps integers only */
  expect_invalid(&bad, "$.lvl: no value of Level set");
}

/* A tagged union: the tag picks the variant and is written first; a tag this SDK does not know
 * is kept with its JSON and sent back as it came. */
static void test_union_tags(void **state)
{
  (void)state;
  const char *unknown = "{\"name\":\"x\",\"pet_type\":\"parrot\",\"words\":[1, 2]}";
  kinds_pet *p = NULL;
  apic_error *err = NULL;
  assert_int_equal(kinds_pet_parse(unknown, strlen(unknown), &p, &err), 0);
  assert_true(p->kind == KINDS_PET_UNKNOWN && p->cat == NULL && p->dog == NULL);
  assert_string_equal(p->unknown_tag, "parrot");
  assert_string_equal(p->unknown_json, unknown);
  char *text = apic_value_dump(&kinds_pet__desc.variants.type, p, APIC_DUMP_WIRE, &err);
  assert_string_equal(text, unknown);
  kinds_pet *copy = kinds_pet_copy(p);
  assert_true(kinds_pet_equal(copy, p));
  apic_free(text);
  kinds_pet_free(copy);
  kinds_pet_free(p);
  const char *cat = "{\"lives\":3,\"pet_type\":\"cat\",\"name\":\"Tom\"}";
  assert_int_equal(kinds_pet_parse(cat, strlen(cat), &p, &err), 0);
  assert_true(p->kind == KINDS_PET_CAT && *p->cat->lives == 3 && p->unknown_json == NULL);
  text = apic_value_dump(&kinds_pet__desc.variants.type, p, APIC_DUMP_WIRE, &err);
  assert_string_equal(text, "{\"pet_type\":\"cat\",\"name\":\"Tom\",\"lives\":3}");
  apic_free(text);
  kinds_pet_free(p);
  static const struct {
    const char *json, *message;
  } bad[] = {
      {"{\"name\":\"Tom\"}", "$: no \"pet_type\" member, the tag of every Pet"},
      {"{\"pet_type\":7}", "$.pet_type: expected a string, got 7"},
      {"[]", "$: expected an object, got an array"},
      {"{\"pet_type\":\"DOG\",\"name\":\"Rex\"}", "$.good: required field missing"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(kinds_pet_parse(bad[i].json, strlen(bad[i].json), &p, &err), APIC_ERR_DECODE);
    assert_string_equal(apic_error_message(err), bad[i].message);
    apic_error_free(err);
  }
}

/* Without a tag: JSON type, then the first model variant whose required fields are all there. */
static void test_union_shapes(void **state)
{
  (void)state;
  static const struct {
    const char *json;
    kinds_mixed_kind kind; /* 0: the message */
    const char *message;
  } cases[] = {
      {"{\"name\":\"n\",\"good\":true,\"extra\":1}", KINDS_MIXED_DOG, NULL},
      {"{\"good\":true,\"name\":\"n\"}", KINDS_MIXED_DOG, NULL},
      {"{\"name\":\"n\",\"name\":\"m\"}", KINDS_MIXED_CAT, NULL},
      {"{\"good\":true}", KINDS_MIXED_COUNTS, "$.good: expected an integer, got true"},
      {"{}", KINDS_MIXED_COUNTS, NULL},
      {"-1", KINDS_MIXED_N32, NULL}, /* constraints are the sender's to keep: checked as values are sent */
      {"2147483648", KINDS_MIXED_N32, "$: expected an integer of at most 32 bits, got 2147483648"},
      {"null", 0, "$: no variant of Mixed takes null"},
      {"\"not base64!\"", KINDS_MIXED_BLOB, "$: expected base64 text, got \"not base64!\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kinds_mixed *m = NULL;
    apic_error *err = NULL;
    int rc = kinds_mixed_parse(cases[i].json, strlen(cases[i].json), &m, &err);
    if (cases[i].message == NULL) {
      assert_int_equal(rc, 0);
      assert_int_equal(m->kind, cases[i].kind);
    } else {
      assert_int_equal(rc, APIC_ERR_DECODE);
      assert_string_equal(apic_error_message(err), cases[i].message);
    }
    kinds_mixed_free(m);
    apic_error_free(err);
  }
}

/* A caller builds a union with the variant it means (kind may stay 0); one variant, no more. */
static void test_union_from_literals(void **state)
{
  (void)state;
  apic_error *err = NULL;
  kinds_mixed negative = {.n32 = APIC_INT32(-1)};
  assert_int_equal(kinds_mixed_validate(&negative, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: below the minimum 0");
  apic_error_free(err);
  const kinds_mixed values[] = {{.n32 = APIC_INT32(5)}, {.kind = KINDS_MIXED_CAT, .cat = &(const kinds_cat){.name = "c"}},
                                {.words = (const char *[]){"a"}, .words_count = 1}, {.flag = APIC_BOOL(true)}};
  char *text = apic_value_dump(&(const apic_type_desc){APIC_T_ARRAY, .item = &kinds_mixed__desc.variants.type},
                               &(const kinds_mixed_list){values, 4}, APIC_DUMP_WIRE, &err);
  assert_string_equal(text, "[5,{\"name\":\"c\"},[\"a\"],true]");
  apic_free(text);
  kinds_pet pet = {.dog = &(const kinds_dog){.name = "d", .good = true}};
  text = kinds_pet_dump(&pet, &err);
  assert_string_equal(text, "{\"pet_type\":\"DOG\",\"name\":\"d\",\"good\":true}");
  apic_free(text);
  pet.unknown_json = "{\"pet_type\":\"x\"}";
  assert_int_equal(kinds_pet_validate(&pet, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: variant dog and unknown_json are both set; a union holds one");
  apic_error_free(err);
  pet = (kinds_pet){.dog = pet.dog, .cat = &(const kinds_cat){.name = "c"}};
  assert_int_equal(kinds_pet_validate(&pet, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: variants cat and dog are both set; a union holds one");
  apic_error_free(err);
  pet = (kinds_pet){.kind = KINDS_PET_CAT, .dog = pet.dog};
  assert_int_equal(kinds_pet_validate(&pet, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: the kind (1) is not the variant set (dog)");
  apic_error_free(err);
  pet = (kinds_pet){0};
  assert_int_equal(kinds_pet_validate(&pet, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: no variant of Pet set");
  apic_error_free(err);
  pet = (kinds_pet){.unknown_json = "[1]"};
  assert_int_equal(kinds_pet_validate(&pet, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$: unknown_json is not a JSON object");
  apic_error_free(err);
}

/* List and map defaults: filled in when absent, sent when left NULL. */
static void test_collection_defaults(void **state)
{
  (void)state;
  kinds_defaults *d = NULL;
  assert_int_equal(kinds_defaults_parse("{}", 2, &d, NULL), 0);
  assert_true(d->words_count == 2 && d->lvls_count == 2 && d->counts_count == 1 && d->empty != NULL && d->empty_count == 0);
  assert_string_equal(d->words[1], "b");
  assert_true(d->lvls[0] == KINDS_LEVEL_HIGH && d->lvls[1] == KINDS_LEVEL_BELOW);
  assert_true(strcmp(d->counts[0].key, "a") == 0 && d->counts[0].value == 1);
  kinds_defaults *copy = kinds_defaults_copy(d);
  assert_true(kinds_defaults_equal(copy, d));
  kinds_defaults_free(copy);
  kinds_defaults_free(d);
  char *text = apic_value_dump(&kinds_defaults__desc.type, &(const kinds_defaults){0}, APIC_DUMP_WIRE, NULL);
  assert_string_equal(text, "{\"words\":[\"a\",\"b\"],\"lvls\":[10,-1],\"counts\":{\"a\":1},\"empty\":{}}");
  apic_free(text);
}

/* An integer enum's values are JSON numbers; the C constants stay 1, 2, ... whatever they are. */
static void test_integer_enum(void **state)
{
  (void)state;
  static const struct {
    const char *json;
    int value;             /* what decodes */
    const char *message;   /* or the failure */
  } cases[] = {{"10", KINDS_LEVEL_HIGH, NULL}, {"1e1", KINDS_LEVEL_HIGH, NULL}, {"-1", KINDS_LEVEL_BELOW, NULL},
               {"7", KINDS_LEVEL_UNKNOWN, NULL}, {"\"10\"", 0, "$: expected an integer (enum value), got \"10\""},
               {"1.5", 0, "$: expected an integer, got 1.5"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    void *v = NULL;
    apic_error *err = NULL;
    int rc = apic_value_parse(&kinds_level__enum.type, cases[i].json, strlen(cases[i].json), &v, &err);
    if (cases[i].message == NULL) {
      assert_int_equal(rc, 0);
      assert_int_equal(*(int *)v, cases[i].value);
    } else {
      assert_int_equal(rc, APIC_ERR_DECODE);
      assert_string_equal(apic_error_message(err), cases[i].message);
    }
    apic_value_free(v);
    apic_error_free(err);
  }
}

/* A model that extends others is flat in C: the bases' fields first (in order), then its own; a
 * redefined field stays where its base put it, with the constraint the extending model gave. */
static void test_extends_is_flat(void **state)
{
  (void)state;
  _Static_assert(offsetof(kinds_leafier, n) == 0 && offsetof(kinds_leafier, id) > offsetof(kinds_leafier, n) &&
                     offsetof(kinds_leafier, label) > offsetof(kinds_leafier, id) &&
                     offsetof(kinds_leafier, extra) > offsetof(kinds_leafier, label),
                 "Leaf's fields, then Thing's, then its own");
  kinds_leafier v = {.n = 1, .id = 2, .label = "l", .extra = "e"};
  apic_error *err = NULL;
  char *text = apic_value_dump(&kinds_leafier__desc.type, &v, APIC_DUMP_WIRE, &err);
  assert_string_equal(text, "{\"n\":1,\"id\":2,\"label\":\"l\",\"extra\":\"e\"}");
  kinds_leafier *back = NULL;
  assert_int_equal(kinds_leafier_parse(text, strlen(text), &back, &err), 0);
  assert_true(kinds_leafier_equal(back, &v));
  kinds_leafier_free(back);
  apic_free(text);
  v.n = -1;
  assert_int_equal(kinds_leafier_validate(&v, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.n: below the minimum 0");
  apic_error_free(err);
  const kinds_leaf leaf = {-1}; /* Leaf itself has no bound */
  assert_int_equal(kinds_leaf_validate(&leaf, NULL), 0);
}

/* The new scalars' wire forms: int32's range, a UUID's shape, base64 (either alphabet, padding
 * optional) are checked as values are decoded. */
static void test_scalar_formats_decode(void **state)
{
  (void)state;
  static const struct {
    const char *json, *message; /* NULL: decodes */
  } cases[] = {
      {"{\"n\":2147483647,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"-_8\"}", NULL},
      {"{\"n\":2147483648,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"\"}",
       "$.n: expected an integer of at most 32 bits, got 2147483648"},
      {"{\"n\":-2147483649,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"\"}",
       "$.n: expected an integer of at most 32 bits, got -2147483649"},
      {"{\"n\":1,\"id\":\"00000000-0000-0000-0000-00000000000g\",\"blob\":\"\"}",
       "$.id: expected a UUID, got \"00000000-0000-0000-0000-00000000000g\""},
      {"{\"n\":1,\"id\":\"000000000000-0000-0000-0000-00000000\",\"blob\":\"\"}",
       "$.id: expected a UUID, got \"000000000000-0000-0000-0000-00000000\""},
      {"{\"n\":1,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"a=b=\"}", "$.blob: expected base64 text, got \"a=b=\""},
      {"{\"n\":1,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"abcde\"}", "$.blob: expected base64 text, got \"abcde\""},
      {"{\"n\":1,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":12}", "$.blob: expected base64 text, got 12"},
  };
  static const apic_field_desc fields[] = {
      {.name = "n", .wire = "n", .type = &apic_t_int32, .offset = 0},
      {.name = "id", .wire = "id", .type = &apic_t_uuid, .offset = sizeof(void *)},
      {.name = "blob", .wire = "blob", .type = &apic_t_bytes, .offset = 2 * sizeof(void *), .count_offset = 3 * sizeof(void *)},
  };
  static const apic_model_desc m = {"M", 4 * sizeof(void *), fields, 3, {APIC_T_MODEL, &m, NULL, NULL, 0, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    void *v = NULL;
    apic_error *err = NULL;
    int rc = apic_value_parse(&m.type, cases[i].json, strlen(cases[i].json), &v, &err);
    if (cases[i].message == NULL) {
      assert_int_equal(rc, 0);
      const uint8_t *blob = *(const uint8_t *const *)((char *)v + 2 * sizeof(void *));
      assert_int_equal(*(size_t *)((char *)v + 3 * sizeof(void *)), 2);
      assert_true(blob[0] == 0xfb && blob[1] == 0xff);
      char *back = apic_value_dump(&m.type, v, APIC_DUMP_WIRE, NULL);
      assert_string_equal(back, "{\"n\":2147483647,\"id\":\"00000000-0000-0000-0000-00000000000a\",\"blob\":\"+/8=\"}");
      apic_free(back);
    } else {
      assert_int_equal(rc, APIC_ERR_DECODE);
      assert_string_equal(apic_error_message(err), cases[i].message);
    }
    apic_value_free(v);
    apic_error_free(err);
  }
}

/* base64 both ways, byte lengths 0 to 5, against RFC 4648's test vectors. */
static void test_base64_vectors(void **state)
{
  (void)state;
  static const char *const vectors[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
                                            {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    char text[16];
    uint8_t back[16];
    size_t len = strlen(vectors[i][0]), n = 0;
    assert_int_equal(apic_base64_encode((const uint8_t *)vectors[i][0], len, text), strlen(vectors[i][1]));
    assert_string_equal(text, vectors[i][1]);
    assert_int_equal(apic_base64_decode(text, strlen(text), back, &n), 0);
    assert_true(n == len && memcmp(back, vectors[i][0], len) == 0);
    size_t unpadded = strcspn(text, "=");
    assert_int_equal(apic_base64_decode(text, unpadded, back, &n), 0);
    assert_true(n == len);
  }
  size_t n;
  static const char *const bad[] = {"Z", "Zg=", "Z===", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm9=v"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(apic_base64_decode(bad[i], strlen(bad[i]), NULL, &n), APIC_ERR_INVALID_ARG);
  assert_true(apic_uuid_valid("123e4567-E89B-12d3-a456-426614174000"));
  assert_false(apic_uuid_valid("123e4567-e89b-12d3-a456-4266141740000"));
  assert_false(apic_uuid_valid("123e4567e89b-12d3-a456-4266141740000"));
  assert_false(apic_uuid_valid(""));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_kind_round_trips),
      cmocka_unit_test(test_every_kind_from_literals),
      cmocka_unit_test(test_integer_enum),
      cmocka_unit_test(test_collection_defaults),
      cmocka_unit_test(test_extends_is_flat),
      cmocka_unit_test(test_union_tags),
      cmocka_unit_test(test_union_shapes),
      cmocka_unit_test(test_union_from_literals),
      cmocka_unit_test(test_scalar_formats_decode),
      cmocka_unit_test(test_base64_vectors),
  };
  return cmocka_run_group_tests_name("models: every field kind", tests, NULL, NULL);
}
