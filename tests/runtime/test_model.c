/* The model codec with hand-written tables, shaped as the generated code shapes them: decode
 * into one arena, encode with checks, copy, compare, defaults, presence, maps, nested lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic/alloc.h"
#include "apic/model.h"

typedef enum colour { COLOUR_UNKNOWN, COLOUR_RED, COLOUR_DARK_BLUE } colour;
static const char *const COLOUR_WIRE[] = {"red", "dark-blue"};
static const apic_enum_desc COLOUR = {"Colour", COLOUR_WIRE, 2, {APIC_T_ENUM, NULL, &COLOUR, NULL, 0, 0}, 0};

typedef struct inner {
  int64_t v;
} inner;
static const apic_field_desc INNER_FIELDS[] = {
    {.name = "v", .wire = "v", .type = &apic_t_int, .offset = offsetof(inner, v)},
};
static const apic_model_desc INNER = {"Inner", sizeof(inner), INNER_FIELDS, 1, {APIC_T_MODEL, &INNER, NULL, NULL, 0, 0}};

typedef struct thing {
  const char *id;
  const colour *colour; /* defaulted: a pointer */
  const char *colour_unknown;
  const int64_t *size;  /* optional */
  const char *note;     /* optional, nullable */
  bool note_null;
  const char *const *tags; /* defaulted [] */
  size_t tags_count;
  const inner *child;   /* optional model */
  inner main;           /* required model, by value */
  const inner *kids;
  size_t kids_count;
  const cJSON *extra;
  const char *at;
  const double *ratio;  /* defaulted */
  const apic_int_entry *scores; /* map<int> */
  size_t scores_count;
  const apic_string_list *grid; /* string[][] */
  size_t grid_count;
  const char *secret;   /* @sensitive */
} thing;

static const apic_type_desc INT_MAP = {APIC_T_MAP, NULL, NULL, &apic_t_int, sizeof(apic_int_entry),
                                       offsetof(apic_int_entry, value)};
static const apic_type_desc STRINGS = {APIC_T_ARRAY, NULL, NULL, &apic_t_string, 0, 0};
static const apic_type_desc GRID = {APIC_T_ARRAY, NULL, NULL, &STRINGS, 0, 0};
static const apic_type_desc KIDS = {APIC_T_ARRAY, NULL, NULL, &INNER.type, 0, 0};

#define F(field) .offset = offsetof(thing, field)
static const apic_field_desc THING_FIELDS[] = {
    {.name = "id", .wire = "id", .type = &apic_t_string, F(id), .flags = APIC_F_HAS_MIN_LEN, .min_len = 1},
    {.name = "colour", .wire = "colour", .type = &COLOUR.type, F(colour), .unknown_offset = offsetof(thing, colour_unknown),
     .flags = APIC_F_HAS_DEFAULT | APIC_F_POINTER, .def_int = COLOUR_RED},
    {.name = "size", .wire = "size", .type = &apic_t_int, F(size),
     .flags = APIC_F_OPTIONAL | APIC_F_POINTER | APIC_F_HAS_MIN | APIC_F_HAS_MAX, .min = 1, .max = 10},
    {.name = "note", .wire = "the-note", .type = &apic_t_string, F(note), .null_offset = offsetof(thing, note_null),
     .flags = APIC_F_OPTIONAL | APIC_F_NULLABLE},
    {.name = "tags", .wire = "tags", .type = &STRINGS, F(tags), .count_offset = offsetof(thing, tags_count),
     .flags = APIC_F_HAS_DEFAULT | APIC_F_HAS_MAX_LEN, .max_len = 3},
    {.name = "child", .wire = "child", .type = &INNER.type, F(child), .flags = APIC_F_OPTIONAL | APIC_F_POINTER},
    {.name = "main", .wire = "main", .type = &INNER.type, F(main)},
    {.name = "kids", .wire = "kids", .type = &KIDS, F(kids), .count_offset = offsetof(thing, kids_count)},
    {.name = "extra", .wire = "extra", .type = &apic_t_any, F(extra), .flags = APIC_F_OPTIONAL},
    {.name = "at", .wire = "at", .type = &apic_t_datetime, F(at)},
    {.name = "ratio", .wire = "ratio", .type = &apic_t_float, F(ratio), .flags = APIC_F_HAS_DEFAULT | APIC_F_POINTER,
     .def_float = 0.5},
    {.name = "scores", .wire = "scores", .type = &INT_MAP, F(scores), .count_offset = offsetof(thing, scores_count),
     .flags = APIC_F_OPTIONAL},
    {.name = "grid", .wire = "grid", .type = &GRID, F(grid), .count_offset = offsetof(thing, grid_count),
     .flags = APIC_F_OPTIONAL},
    {.name = "secret", .wire = "secret", .type = &apic_t_string, F(secret), .flags = APIC_F_OPTIONAL | APIC_F_SENSITIVE},
};
static const apic_model_desc THING = {"Thing", sizeof(thing), THING_FIELDS, sizeof THING_FIELDS / sizeof THING_FIELDS[0],
                                      {APIC_T_MODEL, &THING, NULL, NULL, 0, 0}};

static const char FULL[] = "{\"id\":\"t1\",\"colour\":\"dark-blue\",\"size\":3,\"the-note\":null,\"tags\":[\"a\",\"b\"],"
                           "\"child\":{\"v\":7},\"main\":{\"v\":1},\"kids\":[{\"v\":2},{\"v\":3}],\"extra\":{\"k\":[1,2]},"
                           "\"at\":\"2024-02-29T09:00:00Z\",\"ratio\":0.25,\"scores\":{\"b\":2,\"a\":1},"
                           "\"grid\":[[\"x\"],[],[\"y\",\"z\"]],\"secret\":\"s3cret\"}";
/* The least a Thing needs. */
#define MIN_THING "\"id\":\"x\",\"main\":{\"v\":0},\"kids\":[],\"at\":\"2024-01-01T00:00:00Z\""

static thing *parse(const char *json)
{
  void *v = NULL;
  apic_error *err = NULL;
  int rc = apic_value_parse(&THING.type, json, strlen(json), &v, &err);
  if (rc != 0)
    fail_msg("%s", apic_error_message(err));
  return v;
}

static char *decode_error(const char *json)
{
  void *v = NULL;
  apic_error *err = NULL;
  assert_int_equal(apic_value_parse(&THING.type, json, strlen(json), &v, &err), APIC_ERR_DECODE);
  assert_null(v);
  char *msg = strdup(apic_error_message(err));
  apic_error_free(err);
  return msg;
}

static char *invalid(const thing *t)
{
  apic_error *err = NULL;
  assert_int_equal(apic_value_validate(&THING.type, t, &err), APIC_ERR_INVALID_ARG);
  assert_null(apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL)); /* nothing to send either */
  char *msg = strdup(apic_error_message(err));
  apic_error_free(err);
  return msg;
}

static void test_round_trip(void **state)
{
  (void)state;
  thing *t = parse(FULL);
  assert_string_equal(t->id, "t1");
  assert_int_equal(*t->colour, COLOUR_DARK_BLUE);
  assert_null(t->note);
  assert_true(t->note_null);
  assert_int_equal(t->tags_count, 2);
  assert_int_equal(t->child->v, 7);
  assert_int_equal(t->kids[1].v, 3);
  assert_int_equal(t->scores_count, 2);
  assert_string_equal(t->scores[0].key, "b"); /* a map keeps the object's order */
  assert_int_equal(t->scores[1].value, 1);
  assert_int_equal(t->grid_count, 3);
  assert_int_equal(t->grid[1].count, 0);
  assert_string_equal(t->grid[2].items[1], "z");
  char *text = apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL);
  assert_string_equal(text, FULL);
  thing *u = parse(text);
  assert_true(apic_value_equal(&THING.type, t, u));
  ((inner *)u->kids)[0].v = 99; /* our own arena: writable underneath */
  assert_false(apic_value_equal(&THING.type, t, u));
  thing *c = apic_value_copy(&THING.type, t);
  assert_true(apic_value_equal(&THING.type, c, t));
  assert_ptr_not_equal(c->tags[0], t->tags[0]); /* deep */
  apic_free(text);
  apic_value_free(t);
  apic_value_free(u);
  apic_value_free(c);
}

/* A caller builds a value from literals and stack arrays: nothing allocated, nothing to free. */
static void test_caller_built_value(void **state)
{
  (void)state;
  const char *tags[] = {"red", "green"};
  const apic_int_entry scores[] = {{"a", 1}};
  const inner kids[] = {{0}};
  thing t = {.id = "mine", .size = APIC_INT(4), .tags = tags, .tags_count = 2, .main = {5}, .kids = kids,
             .at = "2024-05-01T12:00:00Z", .scores = scores, .scores_count = 1};
  char *text = apic_value_dump(&THING.type, &t, APIC_DUMP_WIRE, NULL);
  /* unset fields with defaults are sent with them; unset optional ones are left out */
  assert_string_equal(text, "{\"id\":\"mine\",\"colour\":\"red\",\"size\":4,\"tags\":[\"red\",\"green\"],"
                            "\"main\":{\"v\":5},\"kids\":[],\"at\":\"2024-05-01T12:00:00Z\",\"ratio\":0.5,"
                            "\"scores\":{\"a\":1}}");
  thing *copy = apic_value_copy(&THING.type, &t);
  assert_true(apic_value_equal(&THING.type, copy, &t));
  apic_free(text);
  apic_value_free(copy);
}

static void test_defaults_and_absent_null_value(void **state)
{
  (void)state;
  thing *t = parse("{" MIN_THING "}");
  assert_int_equal(*t->colour, COLOUR_RED); /* decoding fills defaults in */
  assert_true(*t->ratio == 0.5);
  assert_non_null(t->tags);
  assert_int_equal(t->tags_count, 0);
  assert_null(t->note);
  assert_false(t->note_null);
  assert_null(t->size);
  char *text = apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL);
  assert_null(strstr(text, "the-note")); /* absent stays absent */
  assert_null(strstr(text, "size"));
  apic_free(text);
  apic_value_free(t);
  thing *n = parse("{" MIN_THING ",\"the-note\":null,\"size\":null}"); /* optional, not nullable: absent */
  assert_true(n->note_null);
  assert_null(n->size);
  text = apic_value_dump(&THING.type, n, APIC_DUMP_WIRE, NULL);
  assert_non_null(strstr(text, "\"the-note\":null"));
  apic_free(text);
  apic_value_free(n);
}

/* Unknown fields are skipped; an unknown enum value keeps its text and is sent back as it was. */
static void test_unknown_fields_and_enum_values_survive(void **state)
{
  (void)state;
  thing *t = parse("{" MIN_THING ",\"colour\":\"ultraviolet\",\"new_field\":{\"deep\":[true,{\"x\":null}]}}");
  assert_int_equal(*t->colour, COLOUR_UNKNOWN);
  assert_string_equal(t->colour_unknown, "ultraviolet");
  char *text = apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL);
  assert_non_null(strstr(text, "\"colour\":\"ultraviolet\""));
  assert_null(strstr(text, "new_field"));
  apic_free(text);
  apic_value_free(t);
}

static void test_decode_errors_name_the_path(void **state)
{
  (void)state;
  struct { const char *json, *want; } cases[] = {
      {"[]", "$: expected an object, got an array"},
      {"{\"colour\":\"red\"}", "$.id: required field missing"},
      {"{\"id\":12}", "$.id: expected a string, got 12"},
      {"{" MIN_THING ",\"size\":1.5}", "$.size: expected an integer, got 1.5"},
      {"{" MIN_THING ",\"tags\":[\"a\",3]}", "$.tags[1]: expected a string, got 3"},
      {"{\"id\":\"x\",\"main\":{\"v\":0},\"kids\":[{\"v\":1},{\"v\":\"2\"}]}", "$.kids[1].v: expected an integer, got \"2\""},
      {"{\"id\":\"x\",\"main\":{\"v\":0},\"kids\":[],\"at\":12}", "$.at: expected an RFC 3339 date-time, got 12"},
      {"{\"id\":\"x\",\"main\":{\"v\":0},\"kids\":[],\"at\":\"2024-02-30T00:00:00Z\"}",
       "$.at: expected an RFC 3339 date-time, got \"2024-02-30T00:00:00Z\""},
      {"{" MIN_THING ",\"colour\":null}", "$.colour: expected a string (enum value), got null"},
      {"{" MIN_THING ",\"scores\":{\"a\":true}}", "$.scores.a: expected an integer, got true"},
      {"{" MIN_THING ",\"grid\":[[\"a\"],[1]]}", "$.grid[1][0]: expected a string, got 1"},
      {"{" MIN_THING ",\"size\":9223372036854775808}", "$.size: expected an integer of at most 64 bits, got 9223372036854775808"},
      {"{" MIN_THING ",\"ratio\":1e400}", "$.ratio: expected a number within a double's range, got 1e400"},
      {"{" MIN_THING ",\"id\":\"a\\u0000b\"}", "$.id: expected a string without NUL characters, got \"a\\u0000b\""},
      {"{\"id\":", "$.id: not valid JSON at byte 6: unexpected end"},
      {"{" MIN_THING "} x", "$: not valid JSON at byte 64: text after the value"},
      {"{\"id\":\"\xff\"}", "$.id: not valid JSON at byte 6: a string that is not UTF-8"},
      {"{\"id\":\"\\ud800\"}", "$.id: not valid JSON at byte 6: a bad escape in a string"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *msg = decode_error(cases[i].json);
    if (strcmp(msg, cases[i].want) != 0)
      fail_msg("case %zu: got \"%s\", want \"%s\"", i, msg, cases[i].want);
    free(msg);
  }
}

/* Integers are exact to 64 bits (a double holds 53): 2^53 + 1 survives the round trip. */
static void test_int64_exact(void **state)
{
  (void)state;
  thing *t = parse("{" MIN_THING ",\"scores\":{\"big\":9007199254740993,\"min\":-9223372036854775808}}");
  assert_true(t->scores[0].value == 9007199254740993LL);
  assert_true(t->scores[1].value == INT64_MIN);
  char *text = apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL);
  assert_non_null(strstr(text, "\"scores\":{\"big\":9007199254740993,\"min\":-9223372036854775808}"));
  apic_free(text);
  apic_value_free(t);
}

static void test_validate_names_the_path(void **state)
{
  (void)state;
  const char *bad_utf8 = "caf\xc3";
  const char *tags[] = {"a", "b", "c", "d"};
  const inner *none = (const inner *)tags; /* any non-NULL pointer: an empty array */
  struct {
    thing t;
    const char *want;
  } cases[] = {
      {{.main = {0}, .kids = none, .at = "2024-01-01T00:00:00Z"}, "$.id: required field missing"},
      {{.id = "x", .at = "2024-01-01T00:00:00Z"}, "$.kids: required field missing"},
      {{.id = "", .kids = none, .at = "2024-01-01T00:00:00Z"}, "$.id: shorter than the minimum length 1"},
      {{.id = "x", .kids = none, .size = APIC_INT(11), .at = "2024-01-01T00:00:00Z"}, "$.size: above the maximum 10"},
      {{.id = bad_utf8, .kids = none, .at = "2024-01-01T00:00:00Z"}, "$.id: not valid UTF-8"},
      {{.id = "x", .kids = none, .tags_count = 2, .at = "2024-01-01T00:00:00Z"}, "$.tags: a count of 2 with a NULL array"},
      {{.id = "x", .kids = none, .tags = tags, .tags_count = 4, .at = "2024-01-01T00:00:00Z"}, "$.tags: more than 3 items"},
      {{.id = "x", .kids = none, .note = "n", .note_null = true, .at = "2024-01-01T00:00:00Z"}, "$.the-note: set, and its _null flag too"},
      {{.id = "x", .kids = none, .colour = APIC_ENUM(colour, 7), .at = "2024-01-01T00:00:00Z"}, "$.colour: 7 is not a value of Colour"},
      {{.id = "x", .kids = none, .at = "yesterday"}, "$.at: expected an RFC 3339 date-time, got \"yesterday\""},
      {{.id = "x", .kids = none, .ratio = APIC_FLOAT(1.0 / 0.0), .at = "2024-01-01T00:00:00Z"}, "$.ratio: a number that is not finite"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *msg = invalid(&cases[i].t);
    if (strcmp(msg, cases[i].want) != 0)
      fail_msg("case %zu: got \"%s\", want \"%s\"", i, msg, cases[i].want);
    free(msg);
  }
}

/* A dump for people writes @sensitive values as REDACTED; the wire form keeps them. */
static void test_dump_redacts_sensitive_values(void **state)
{
  (void)state;
  thing *t = parse(FULL);
  char *redacted = apic_value_dump(&THING.type, t, APIC_DUMP_REDACT, NULL);
  char *wire = apic_value_dump(&THING.type, t, APIC_DUMP_WIRE, NULL);
  assert_null(strstr(redacted, "s3cret"));
  assert_non_null(strstr(redacted, "\"secret\":\"REDACTED\""));
  assert_non_null(strstr(wire, "\"secret\":\"s3cret\""));
  apic_free(redacted);
  apic_free(wire);
  apic_value_free(t);
}

static int allocations;
static void *count_malloc(void *ctx, size_t size) { (void)ctx; allocations++; return malloc(size); }
static void *count_realloc(void *ctx, void *p, size_t size) { (void)ctx; allocations++; return realloc(p, size); }
static void std_free(void *ctx, void *p) { (void)ctx; free(p); }

/* A decoded value is one arena: a small response takes one allocation, however many strings and
 * arrays it holds (an `any` value is a cJSON tree of its own). */
static void test_decode_is_one_allocation(void **state)
{
  (void)state;
  apic_allocator counting = {count_malloc, count_realloc, std_free, NULL};
  apic_set_allocator(&counting);
  allocations = 0;
  thing *t = parse("{" MIN_THING ",\"tags\":[\"a\",\"b\",\"c\"],\"kids\":[{\"v\":1},{\"v\":2}],\"scores\":{\"x\":1},"
                   "\"grid\":[[\"p\",\"q\"]],\"child\":{\"v\":3}}");
  assert_int_equal(allocations, 1);
  apic_value_free(t);
  apic_set_allocator(NULL);
}

static const char *fake_header(const char *name, void *ctx)
{
  (void)ctx;
  return strcmp(name, "X-Size") == 0 ? "7" : strcmp(name, "X-Bad") == 0 ? "seven" : NULL;
}

static void test_fields_from_headers(void **state)
{
  (void)state;
  static const apic_field_desc fields[] = {
      {.name = "size", .wire = "size", .type = &apic_t_int, .offset = 0, .flags = APIC_F_OPTIONAL | APIC_F_POINTER,
       .header = "X-Size"},
      {.name = "bad", .wire = "bad", .type = &apic_t_int, .offset = sizeof(void *),
       .flags = APIC_F_OPTIONAL | APIC_F_POINTER, .header = "X-Bad"},
  };
  static const apic_model_desc m = {"H", 2 * sizeof(void *), fields, 2, {APIC_T_MODEL, &m, NULL, NULL, 0, 0}};
  const int64_t *const *v = apic_value_new(&m.type);
  assert_int_equal(apic_model_set_headers(&m, (void *)v, fake_header, NULL), 0);
  assert_int_equal(*v[0], 7);
  assert_null(v[1]); /* a header that does not parse leaves its field absent */
  apic_value_free((void *)v);
  assert_int_equal(apic_model_set_headers(&m, NULL, fake_header, NULL), APIC_ERR_INVALID_ARG);
}

/* Truncations and byte flips of a full document: an error or a value, never a leak or crash. */
static void test_decode_never_crashes(void **state)
{
  (void)state;
  size_t n = strlen(FULL);
  char buf[sizeof FULL];
  unsigned seed = 3;
  for (size_t len = 0; len <= n; len++) {
    void *v = NULL;
    if (apic_value_parse(&THING.type, FULL, len, &v, NULL) == 0)
      apic_value_free(v);
  }
  for (int r = 0; r < 5000; r++) {
    memcpy(buf, FULL, n + 1);
    seed = seed * 1103515245u + 12345u;
    buf[(seed >> 8) % n] = "{}[]\":,0a-\\"[(seed >> 20) % 11];
    void *v = NULL;
    if (apic_value_parse(&THING.type, buf, n, &v, NULL) == 0)
      apic_value_free(v);
  }
}

/* JSON nested past the limits is an error, not a stack overflow. */
static void test_deep_json_is_refused(void **state)
{
  (void)state;
  size_t depth = 100000;
  char *json = malloc(depth * 2 + 256);
  size_t n = (size_t)sprintf(json, "{" MIN_THING ",\"extra\":");
  memset(json + n, '[', depth);
  memset(json + n + depth, ']', depth);
  strcpy(json + n + 2 * depth, "}");
  char *msg = decode_error(json);
  assert_non_null(strstr(msg, "nested deeper than"));
  free(msg);
  free(json);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_caller_built_value),
      cmocka_unit_test(test_defaults_and_absent_null_value),
      cmocka_unit_test(test_unknown_fields_and_enum_values_survive),
      cmocka_unit_test(test_decode_errors_name_the_path),
      cmocka_unit_test(test_int64_exact),
      cmocka_unit_test(test_validate_names_the_path),
      cmocka_unit_test(test_dump_redacts_sensitive_values),
      cmocka_unit_test(test_decode_is_one_allocation),
      cmocka_unit_test(test_fields_from_headers),
      cmocka_unit_test(test_decode_never_crashes),
      cmocka_unit_test(test_deep_json_is_refused),
  };
  return cmocka_run_group_tests_name("runtime: models", tests, NULL, NULL);
}
