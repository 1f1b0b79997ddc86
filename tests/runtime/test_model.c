/* The model runtime with a hand-written table, shaped as the generated code shapes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic/model.h"

typedef enum colour { COLOUR_UNKNOWN, COLOUR_RED, COLOUR_DARK_BLUE } colour;
static const char *const COLOUR_WIRE[] = {"red", "dark-blue"};
static const apic_enum_desc COLOUR = {"Colour", COLOUR_WIRE, 2};

typedef struct inner {
  int64_t v;
} inner;
static const apic_field_desc INNER_FIELDS[] = {
    {.name = "v", .wire = "v", .type = APIC_T_INT, .offset = offsetof(inner, v)},
};
static const apic_model_desc INNER = {"Inner", sizeof(inner), INNER_FIELDS, 1};

typedef struct thing {
  char *id;
  colour colour;
  char *colour_unknown;
  int64_t size;
  apic_presence has_size;
  char *note;
  apic_presence has_note;
  char **tags;
  size_t tags_count;
  inner *child;
  apic_presence has_child;
  inner main;
  inner *kids;
  size_t kids_count;
  cJSON *extra;
  apic_presence has_extra;
  char *at;
  double ratio;
} thing;

#define F(field) .offset = offsetof(thing, field)
static const apic_field_desc THING_FIELDS[] = {
    {.name = "id", .wire = "id", .type = APIC_T_STRING, F(id), .flags = APIC_F_HAS_MIN_LEN, .min_len = 1},
    {.name = "colour", .wire = "colour", .type = APIC_T_ENUM, F(colour), .aux_offset = offsetof(thing, colour_unknown),
     .enumd = &COLOUR, .flags = APIC_F_HAS_DEFAULT, .def_int = COLOUR_RED},
    {.name = "size", .wire = "size", .type = APIC_T_INT, F(size), .presence_offset = offsetof(thing, has_size),
     .flags = APIC_F_OPTIONAL | APIC_F_HAS_MIN | APIC_F_HAS_MAX, .min = 1, .max = 10},
    {.name = "note", .wire = "the-note", .type = APIC_T_STRING, F(note), .presence_offset = offsetof(thing, has_note),
     .flags = APIC_F_OPTIONAL | APIC_F_NULLABLE},
    {.name = "tags", .wire = "tags", .type = APIC_T_ARRAY, .item = APIC_T_STRING, F(tags),
     .count_offset = offsetof(thing, tags_count), .flags = APIC_F_HAS_DEFAULT | APIC_F_HAS_MAX_LEN, .max_len = 3},
    {.name = "child", .wire = "child", .type = APIC_T_MODEL, F(child), .model = &INNER,
     .presence_offset = offsetof(thing, has_child), .flags = APIC_F_OPTIONAL | APIC_F_BY_POINTER},
    {.name = "main", .wire = "main", .type = APIC_T_MODEL, F(main), .model = &INNER},
    {.name = "kids", .wire = "kids", .type = APIC_T_ARRAY, .item = APIC_T_MODEL, F(kids), .model = &INNER,
     .count_offset = offsetof(thing, kids_count)},
    {.name = "extra", .wire = "extra", .type = APIC_T_ANY, F(extra), .presence_offset = offsetof(thing, has_extra),
     .flags = APIC_F_OPTIONAL},
    {.name = "at", .wire = "at", .type = APIC_T_DATETIME, F(at)},
    {.name = "ratio", .wire = "ratio", .type = APIC_T_FLOAT, F(ratio), .flags = APIC_F_HAS_DEFAULT, .def_float = 0.5},
};
static const apic_model_desc THING = {"Thing", sizeof(thing), THING_FIELDS, sizeof THING_FIELDS / sizeof THING_FIELDS[0]};

static const char FULL[] = "{\"id\":\"t1\",\"colour\":\"dark-blue\",\"size\":3,\"the-note\":null,\"tags\":[\"a\",\"b\"],"
                           "\"child\":{\"v\":7},\"main\":{\"v\":1},\"kids\":[{\"v\":2},{\"v\":3}],\"extra\":{\"k\":[1,2]},"
                           "\"at\":\"2024-02-29T09:00:00Z\",\"ratio\":0.25}";

static char *decode_error(const char *json)
{
  thing t;
  apic_error *err = NULL;
  assert_int_equal(apic_model_parse(&THING, &t, json, strlen(json), &err), APIC_ERR_DECODE);
  char *msg = strdup(apic_error_message(err));
  apic_error_free(err);
  return msg;
}

static void test_round_trip(void **state)
{
  (void)state;
  thing t, u;
  apic_error *err = NULL;
  assert_int_equal(apic_model_parse(&THING, &t, FULL, strlen(FULL), &err), 0);
  assert_string_equal(t.id, "t1");
  assert_int_equal(t.colour, COLOUR_DARK_BLUE);
  assert_int_equal(t.has_note, APIC_NULL);
  assert_int_equal(t.tags_count, 2);
  assert_int_equal(t.child->v, 7);
  assert_int_equal(t.kids[1].v, 3);
  char *text = apic_model_dump(&THING, &t);
  assert_string_equal(text, FULL);
  assert_int_equal(apic_model_parse(&THING, &u, text, strlen(text), NULL), 0);
  assert_true(apic_model_equal(&THING, &t, &u));
  u.kids[0].v = 99;
  assert_false(apic_model_equal(&THING, &t, &u));
  thing c;
  assert_int_equal(apic_model_copy(&THING, &c, &t), 0);
  assert_true(apic_model_equal(&THING, &c, &t));
  free(text);
  apic_model_clear(&THING, &t);
  apic_model_clear(&THING, &u);
  apic_model_clear(&THING, &c);
}

static void test_array_copy(void **state)
{
  (void)state;
  static const char two[] = "[" "{\"id\":\"a\",\"main\":{\"v\":1},\"kids\":[],\"at\":\"2024-01-01T00:00:00Z\"},"
                            "{\"id\":\"b\",\"main\":{\"v\":2},\"kids\":[],\"at\":\"2024-01-01T00:00:00Z\"}]";
  apic_model_array a, c;
  assert_int_equal(apic_model_array_parse(&THING, &a, two, strlen(two), NULL), 0);
  assert_int_equal(apic_model_array_copy(&THING, &c, &a), 0);
  assert_int_equal(c.count, 2);
  assert_true(apic_model_array_equal(&THING, &a, &c));
  assert_ptr_not_equal(((thing *)c.items)[1].id, ((thing *)a.items)[1].id); /* deep */
  assert_string_equal(((thing *)c.items)[1].id, "b");
  apic_model_array_clear(&THING, &a);
  apic_model_array_clear(&THING, &c);
}

static void test_defaults_and_absent_null_value(void **state)
{
  (void)state;
  thing t;
  assert_int_equal(apic_model_init(&THING, &t), 0);
  assert_int_equal(t.colour, COLOUR_RED);
  assert_true(t.ratio == 0.5);
  assert_int_equal(t.has_note, APIC_ABSENT);
  apic_model_clear(&THING, &t);
  const char *absent = "{\"id\":\"x\",\"colour\":\"red\",\"tags\":[],\"main\":{\"v\":0},\"kids\":[],\"at\":\"2024-01-01T00:00:00Z\",\"ratio\":1}";
  assert_int_equal(apic_model_parse(&THING, &t, absent, strlen(absent), NULL), 0);
  assert_int_equal(t.has_note, APIC_ABSENT);
  char *text = apic_model_dump(&THING, &t);
  assert_null(strstr(text, "the-note")); /* absent stays absent */
  free(text);
  apic_model_clear(&THING, &t);
}

static void test_unknown_fields_and_enum_values_survive(void **state)
{
  (void)state;
  const char *json = "{\"id\":\"x\",\"colour\":\"ultraviolet\",\"new_field\":{\"deep\":true},\"tags\":[],\"main\":{\"v\":0},"
                     "\"kids\":[],\"at\":\"2024-01-01T00:00:00Z\",\"ratio\":1}";
  thing t;
  assert_int_equal(apic_model_parse(&THING, &t, json, strlen(json), NULL), 0);
  assert_int_equal(t.colour, COLOUR_UNKNOWN);
  assert_string_equal(t.colour_unknown, "ultraviolet");
  char *text = apic_model_dump(&THING, &t);
  assert_non_null(strstr(text, "\"colour\":\"ultraviolet\""));
  free(text);
  apic_error *err = NULL;
  assert_int_equal(apic_model_validate(&THING, &t, &err), APIC_ERR_INVALID_ARG); /* but not sendable */
  assert_string_equal(apic_error_message(err), "$.colour: \"ultraviolet\" is not a value of Colour");
  apic_error_free(err);
  apic_model_clear(&THING, &t);
}

static void test_decode_errors_name_the_path(void **state)
{
  (void)state;
  struct { const char *json, *want; } cases[] = {
      {"[]", "$: expected an object, got an array"},
      {"{\"colour\":\"red\"}", "$.id: required field missing"},
      {"{\"id\":12}", "$.id: expected a string, got 12"},
      {"{\"id\":\"x\",\"colour\":\"red\",\"size\":1.5}", "$.size: expected an integer, got 1.5"},
      {"{\"id\":\"x\",\"colour\":\"red\",\"tags\":[\"a\",3]}", "$.tags[1]: expected a string, got 3"},
      {"{\"id\":\"x\",\"colour\":\"red\",\"tags\":[],\"main\":{\"v\":0},\"kids\":[{\"v\":1},{\"v\":\"2\"}]}",
       "$.kids[1].v: expected an integer, got \"2\""},
      {"{\"id\":\"x\",\"colour\":\"red\",\"tags\":[],\"main\":{\"v\":0},\"kids\":[],\"at\":12}",
       "$.at: expected an RFC 3339 date-time, got 12"},
      {"{\"id\":\"x\",\"colour\":\"red\",\"tags\":[],\"main\":{\"v\":0},\"kids\":[],\"at\":\"2024-02-30T00:00:00Z\"}",
       "$.at: expected an RFC 3339 date-time, got \"2024-02-30T00:00:00Z\""},
      {"{\"id\":\"x\",\"colour\":null}", "$.colour: expected a string (enum value), got null"},
      {"{\"id\":", "$: not valid JSON (at byte 5)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *msg = decode_error(cases[i].json);
    assert_string_equal(msg, cases[i].want);
    free(msg);
  }
}

static void test_validate_constraints(void **state)
{
  (void)state;
  thing t;
  assert_int_equal(apic_model_parse(&THING, &t, FULL, strlen(FULL), NULL), 0);
  apic_error *err = NULL;
  assert_int_equal(apic_model_validate(&THING, &t, &err), 0);
  t.size = 11;
  assert_int_equal(apic_model_validate(&THING, &t, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.size: above the maximum 10");
  apic_error_free(err);
  t.size = 5;
  t.id[0] = '\0';
  assert_int_equal(apic_model_validate(&THING, &t, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.id: shorter than the minimum length 1");
  apic_error_free(err);
  free(t.id);
  t.id = NULL;
  assert_int_equal(apic_model_validate(&THING, &t, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.id: required field missing");
  apic_error_free(err);
  apic_model_clear(&THING, &t);
}

/* JSON allows a repeated key; a value holding one must still equal itself (found by fuzzing:
 * cJSON_Compare matches each key to its first occurrence). */
static void test_equal_with_repeated_keys(void **state)
{
  (void)state;
  const char *json = "{\"id\":\"x\",\"colour\":\"red\",\"tags\":[],\"main\":{\"v\":0},\"kids\":[],"
                     "\"extra\":{\"k\":1,\"k\":2},\"at\":\"2024-01-01T00:00:00Z\",\"ratio\":1}";
  thing a, b;
  assert_int_equal(apic_model_parse(&THING, &a, json, strlen(json), NULL), 0);
  assert_int_equal(apic_model_parse(&THING, &b, json, strlen(json), NULL), 0);
  assert_true(apic_model_equal(&THING, &a, &b));
  cJSON_ReplaceItemInArray(b.extra, 1, cJSON_CreateNumber(3));
  assert_false(apic_model_equal(&THING, &a, &b));
  apic_model_clear(&THING, &a);
  apic_model_clear(&THING, &b);
}

/* Truncations and byte flips of a full document: an error or a value, never a leak or crash. */
static void test_decode_never_crashes(void **state)
{
  (void)state;
  size_t n = strlen(FULL);
  char buf[sizeof FULL];
  unsigned seed = 3;
  for (size_t len = 0; len <= n; len++) {
    thing t;
    if (apic_model_parse(&THING, &t, FULL, len, NULL) == 0)
      apic_model_clear(&THING, &t);
  }
  for (int r = 0; r < 5000; r++) {
    memcpy(buf, FULL, n + 1);
    seed = seed * 1103515245u + 12345u;
    buf[(seed >> 8) % n] = "{}[]\":,0a-"[(seed >> 20) % 10];
    thing t;
    if (apic_model_parse(&THING, &t, buf, n, NULL) == 0)
      apic_model_clear(&THING, &t);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_array_copy),
      cmocka_unit_test(test_defaults_and_absent_null_value),
      cmocka_unit_test(test_unknown_fields_and_enum_values_survive),
      cmocka_unit_test(test_decode_errors_name_the_path),
      cmocka_unit_test(test_validate_constraints),
      cmocka_unit_test(test_equal_with_repeated_keys),
      cmocka_unit_test(test_decode_never_crashes),
  };
  return cmocka_run_group_tests_name("runtime: models", tests, NULL, NULL);
}
