/* The types of issue 15 in the front end: one golden per diagnostic (the exact first line) and
 * the resolved spec apic dump prints for them. */
#include "front_test.h"

typedef struct golden {
  const char *text;
  const char *expected;
} golden;

#define A API_BLOCK /* line 1; declarations start on line 2 */

static const golden GOLDENS[] = {
    /* int32, uuid, bytes */
    {A "model M { n: int32 = 2147483648; }",
     "t.api:2:22: error: default 2147483648 is outside int32's range (-2147483648 to 2147483647); use int for 64 bits"},
    {A "model M { n: int32 @max(2147483648); }", "t.api:2:20: error: '@max(2147483648)' is not an int32 (-2147483648 to 2147483647)"},
    {A "model M { n: int32 @min(0.5); }", "t.api:2:20: error: '@min(0.5)' is not an int32 (-2147483648 to 2147483647)"},
    {A "model M { u: uuid = \"123e4567\"; }", "t.api:2:21: error: default '123e4567' does not fit field 'u' (a uuid)"},
    {A "model M { b: bytes = \"AA==\"; }", "t.api:2:22: error: default 'AA==' does not fit field 'b' (bytes)"},
    {A "model M { b: bytes @min(1); }", "t.api:2:20: error: '@min' applies to int, int32 and float, not to bytes"},
    {A "resource r \"/r\" { g: GET \"\" query(b?: bytes); }",
     "t.api:2:39: error: query parameter 'b' of operation 'g' is bytes, which has no text form there; send bytes in a body"},
    {A "model M { data: bytes; data_len: int; }",
     "t.api:2:24: error: field 'data_len' would collide with member 'data_len', the length of field 'data', in the generated C; rename it (use @json for the wire name)"},
    /* extends */
    {A "model A extends B { a: string; }\nmodel B extends A { b: string; }",
     "t.api:3:17: error: model 'A' extends itself (A -> B -> A); a model cannot be its own base"},
    {A "model A extends Bse { }\nmodel Base { }", "t.api:2:17: error: unknown model 'Bse' after 'extends'; did you mean 'Base'?"},
    {A "enum E { x; }\nmodel A extends E { }", "t.api:3:17: error: 'E' is an enum, not a model; a model extends only models"},
    {A "error Problem 400 { }\nerror NotFound 404 extends Problem { }",
     "t.api:3:28: error: 'Problem' is an error, not a model; an error extends only models"},
    {A "model B { x: string; }\nmodel A extends B { x: int; }",
     "t.api:3:21: error: field 'x' of 'A' redefines 'B.x' as 'x: int', not 'x: string'; a redefined field keeps its base's type, '?', '| null' and wire name: rename it"},
    {A "model B { x: string; }\nmodel A extends B { x?: string; }",
     "t.api:3:21: error: field 'x' of 'A' redefines 'B.x' as 'x?: string', not 'x: string'; a redefined field keeps its base's type, '?', '| null' and wire name: rename it"},
    {A "model B { x: string; }\nmodel C { x: string | null; }\nmodel A extends B, C { }",
     "t.api:4:7: error: 'A' gets field 'x' from 'B' as 'x: string' and from 'C' as 'x: string | null'; its bases must agree on a field they share"},
    {A "model B { x: string; }\nmodel A extends B { y: string @json(\"x\"); }",
     "t.api:3:21: error: field 'y' of 'A' has the same wire name \"x\" as 'B.x'"},
    {A "model B { items: string[]; }\nmodel A extends B { items_count: int; }",
     "t.api:3:21: error: field 'items_count' would collide with member 'items_count', the count of field 'items', in the generated C; rename it (use @json for the wire name)"},
    {A "model B { a: A; }\nmodel A extends B { }",
     "t.api:2:11: error: model 'A' contains itself by value (A.a -> A): the struct would be infinite; make a field on the way optional, nullable or an array"},
};

static void test_goldens(void **state)
{
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < sizeof GOLDENS / sizeof GOLDENS[0]; i++) {
    char *got = first_diag(GOLDENS[i].text);
    if (strcmp(got, GOLDENS[i].expected) != 0) {
      fprintf(stderr, "golden %zu:\n  want: %s\n  got:  %s\n", i, GOLDENS[i].expected, got);
      failures++;
    }
    free(got);
  }
  assert_int_equal(failures, 0);
}

/* text, checked clean, dumped: its "models" array as compact JSON (caller frees). */
static char *dumped(const char *text, const char *key)
{
  spec s;
  char *diags = NULL;
  int errors = check_text(&s, "t.api", text, &diags);
  if (errors != 0)
    fail_msg("%s", diags);
  free(diags);
  cJSON *j = spec_dump(&s);
  spec_free(&s);
  assert_non_null(j);
  char *out = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, key));
  cJSON_Delete(j);
  return out;
}

static void test_dump_scalars(void **state)
{
  (void)state;
  char *got = dumped(A "model M { n: int32 = -1; u?: uuid; b: bytes[]; }", "models");
  assert_string_equal(got, "[{\"name\":\"M\",\"doc\":[],\"loc\":\"t.api:2:7\",\"fields\":["
                           "{\"name\":\"n\",\"wire\":\"n\",\"type\":{\"kind\":\"int32\"},\"optional\":false,\"nullable\":false,"
                           "\"default\":-1,\"doc\":[],\"loc\":\"t.api:2:11\"},"
                           "{\"name\":\"u\",\"wire\":\"u\",\"type\":{\"kind\":\"uuid\"},\"optional\":true,\"nullable\":false,"
                           "\"doc\":[],\"loc\":\"t.api:2:26\"},"
                           "{\"name\":\"b\",\"wire\":\"b\",\"type\":{\"kind\":\"array\",\"items\":{\"kind\":\"bytes\"}},"
                           "\"optional\":false,\"nullable\":false,\"doc\":[],\"loc\":\"t.api:2:36\"}]}]");
  free(got);
}

/* A model's fields are the whole list, its bases' first; "extends" names the bases. */
static void test_dump_extends(void **state)
{
  (void)state;
  char *got = dumped(A "model B { x: string; }\nmodel A extends B { x: string @max_len(3); y?: int; }", "models");
  assert_string_equal(got, "[{\"name\":\"B\",\"doc\":[],\"loc\":\"t.api:2:7\",\"fields\":[{\"name\":\"x\",\"wire\":\"x\","
                           "\"type\":{\"kind\":\"string\"},\"optional\":false,\"nullable\":false,\"doc\":[],\"loc\":\"t.api:2:11\"}]},"
                           "{\"name\":\"A\",\"doc\":[],\"loc\":\"t.api:3:7\",\"extends\":[\"B\"],\"fields\":["
                           "{\"name\":\"x\",\"wire\":\"x\",\"type\":{\"kind\":\"string\"},\"optional\":false,\"nullable\":false,"
                           "\"constraints\":{\"max_len\":3},\"doc\":[],\"loc\":\"t.api:3:21\"},"
                           "{\"name\":\"y\",\"wire\":\"y\",\"type\":{\"kind\":\"int\"},\"optional\":true,\"nullable\":false,"
                           "\"doc\":[],\"loc\":\"t.api:3:44\"}]}]");
  free(got);
}

/* A chain of 20,000 models each extending the next, the last with one field: no recursion on
 * the C stack, and the first gets the field. */
static void test_long_extends_chain(void **state)
{
  (void)state;
  enum { N = 20000 };
  char *text = malloc(N * 64 + 256);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "%s", A);
  for (int i = 0; i + 1 < N; i++)
    n += (size_t)sprintf(text + n, "model M%d extends M%d { }\n", i, i + 1);
  sprintf(text + n, "model M%d { f: int; }\n", N - 1);
  spec s;
  assert_int_equal(check_text(&s, "t.api", text, NULL), 0);
  const decl *d = s.decls;
  while (d != NULL && strcmp(d->name, "M0") != 0)
    d = d->next;
  assert_true(d != NULL && d->fields != NULL && d->fields->next == NULL && strcmp(d->fields->name, "f") == 0);
  spec_free(&s);
  free(text);
}

/* Each of 2,000 models extends the one after it and adds a field: they would inherit two
 * million fields between them, an error, in bounded time. */
static void test_inheriting_too_much(void **state)
{
  (void)state;
  enum { N = 2000 };
  char *text = malloc(N * 64 + 256);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "%s", A);
  for (int i = 0; i + 1 < N; i++)
    n += (size_t)sprintf(text + n, "model M%d extends M%d { f%d: int; }\n", i, i + 1, i);
  sprintf(text + n, "model M%d { f: int; }\n", N - 1);
  char *got = first_diag(text);
  assert_non_null(strstr(got, "error: 'M"));
  assert_non_null(strstr(got, "would inherit more than 1000000 fields"));
  free(got);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_goldens),
      cmocka_unit_test(test_dump_scalars),
      cmocka_unit_test(test_dump_extends),
      cmocka_unit_test(test_long_extends_chain),
      cmocka_unit_test(test_inheriting_too_much),
  };
  return cmocka_run_group_tests_name("front: the types of issue 15", tests, NULL, NULL);
}
