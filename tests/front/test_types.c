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
     "t.api:2:22: error: 2147483648 is outside int32's range (-2147483648 to 2147483647); use int for 64 bits"},
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
    /* unions */
    {A "model M { x: string | int; }",
     "t.api:2:23: error: a union is declared, then named: write 'union X { string_value: string; int_value: int; }' and 'x: X;' ('| null' alone makes a field nullable)"},
    {A "model C { n: string; }\nunion U @discriminator(\"t\") { c: C; s: string; }",
     "t.api:3:40: error: union 'U' has a discriminator, so each variant is a model (an object that carries the tag); variant 's' is of type string"},
    {A "model C { t: string; }\nunion U @discriminator(\"t\") { c: C; }",
     "t.api:2:11: error: model 'C' has a field with the wire name \"t\", the discriminator of union 'U': the union reads and writes the tag; remove the field"},
    {A "model C { n: string; }\nunion U @discriminator(\"t\") { a: C; b: C @tag(\"a\"); }",
     "t.api:3:37: error: variants 'a' and 'b' of union 'U' have the same tag \"a\""},
    {A "model C { n: string; }\nunion U @discriminator(\"\") { c: C; }", "t.api:3:9: error: '@discriminator' takes the name of the JSON member that holds the tag"},
    {A "union U { a: string; b: date; }",
     "t.api:2:22: error: variants 'a' (string) and 'b' (date) of union 'U' are both JSON strings: without a discriminator a union tells its variants apart by JSON type, then by the required fields of objects; keep one"},
    {A "union U { a: int; b: float; }",
     "t.api:2:19: error: variants 'a' (int) and 'b' (float) of union 'U' are both JSON numbers: without a discriminator a union tells its variants apart by JSON type, then by the required fields of objects; keep one"},
    {A "model A { x: int; }\nmodel B { x: int; y: int; }\nunion U { a: A; b: B; }",
     "t.api:4:17: error: variant 'b' (B) of union 'U' can never be chosen: an object with its required fields has those of 'a' (A), which comes first; list 'b' before 'a'"},
    {A "model A { x: int; y?: int; }\nmodel B { x: int; z: int = 1; }\nunion U { a: A; b: B; }",
     "t.api:4:17: error: variants 'a' (A) and 'b' (B) of union 'U' require the same fields, so no object tells them apart; give one a required field the other lacks, or the union a discriminator"},
    {A "model A { x: int; }\nunion U { m: map<int>; a: A; }",
     "t.api:3:24: error: variant 'a' of union 'U' can never be chosen: the map variant 'm' before it takes every object; list 'm' last"},
    {A "union U { a?: string; }",
     "t.api:2:11: error: variant 'a' of union 'U' cannot be optional: a union holds exactly one variant; write '?' on the field that holds the union"},
    {A "union U { a: string | null; }",
     "t.api:2:11: error: variant 'a' of union 'U' cannot be nullable: write '| null' on the field that holds the union"},
    {A "union U { a: any; }",
     "t.api:2:14: error: variant 'a' of union 'U' is any, which takes every value and leaves the other variants nothing; a field of type any holds anything"},
    {A "union V { s: string; }\nunion U { v: V; }", "t.api:3:14: error: variant 'v' of union 'U' is the union 'V'; list that union's variants in 'U' instead"},
    {A "union U { kind: string; }",
     "t.api:2:11: error: variant 'kind' of union 'U' would collide with the union's member 'kind' in the generated C; rename it (a variant's name is not sent)"},
    {A "union U { a: string @tag(\"x\"); }", "t.api:2:21: error: '@tag' needs '@discriminator(\"member\")' on union 'U'"},
    {A "union U { a: string @json(\"x\"); }",
     "t.api:2:21: error: unknown annotation '@json' on variant; expected one of @tag, @deprecated, @sensitive, @min, @max, @min_len, @max_len, @pattern"},
    {A "union U { }", "t.api:2:7: error: union 'U' has no variants"},
    {A "union U { s: string; }\nmodel UKind { x: int; }", "t.api:3:7: error: model 'UKind' would collide with union 'U' in the generated C: both make 't_u_kind'"},
    {A "union U { cat: string; }\nenum UCat { x; }", "t.api:3:6: error: enum 'UCat' would collide with variant 'U.cat' in the generated C: both make 'T_U_CAT'"},
    {A "union U { s: string; }\nresource r \"/r\" { g: GET \"\" query(u?: U); }",
     "t.api:3:39: error: query parameter 'u' of operation 'g' must be a scalar or enum, or an array of those"},
    {A "union U { s: string; }\nmodel M { u: U = \"x\"; }", "t.api:3:18: error: default 'x' does not fit field 'u' (a union)"},
    /* integer enums */
    {A "enum E { a = 1; b; }", "t.api:2:17: error: enum 'E' has integer values (a = 1), so 'b' needs one too: write 'b = N;'"},
    {A "enum E { a; b = 2; }", "t.api:2:17: error: enum 'E' has text values (its first is 'a'), so 'b' cannot be an integer: an enum's values are all integers or all text"},
    {A "enum E { a = 1; b = \"x\"; }", "t.api:2:21: error: enum 'E' has integer values (a = 1), so 'b' needs one too: write 'b = N;'"},
    {A "enum E { a = 1; b = 01; }", "t.api:2:17: error: enum value 'b' has the same wire value as 'a'"},
    /* list and map defaults */
    {A "model M { m: map<int> = []; }", "t.api:2:25: error: default '[]' is an empty list; an empty map is written {}"},
    {A "model M { m: map<int> = {\"a\": 1, \"a\": 2}; }", "t.api:2:39: error: key \"a\" is given twice in this default"},
    {A "model M { m: string[] = [\"a\", 2]; }", "t.api:2:31: error: '2' does not fit an item of this list (a string)"},
    {A "model L { n: int; }\nmodel M { m: L[] = [{}]; }",
     "t.api:3:20: error: a default list holds text, numbers, bools or enum values, not a model; leave it out and set it in code"},
    {A "model M { m: string[] = {}; }", "t.api:2:25: error: default '{}' does not fit field 'm' (an array)"},
    /* what other languages write, answered with what to write here */
    {A "model M { kind: \"circle\"; }",
     "t.api:2:17: error: a literal type is an enum of one value: write 'enum Circle { circle; }' and 'kind: Circle = circle;' (a union's tag is its @discriminator)"},
    {A "model M { m: map<string, int>; }", "t.api:2:24: error: a map's keys are always strings: write 'map<int>'"},
    {A "model M { n: int64; }", "t.api:2:14: error: unknown type 'int64'; write int (64 bits)"},
    {A "model M { n?: number[]; }", "t.api:2:15: error: unknown type 'number'; write float (or int)"},
    {A "model M { b: boolean; }", "t.api:2:14: error: unknown type 'boolean'; write bool"},
    {A "model M { o: object; }", "t.api:2:14: error: unknown type 'object'; write a model (or any)"},
    {A "model text { s: string; }\nmodel M { t: text; }", ""},
    {A "enum E { a = 1.5; }", "t.api:2:14: error: an enum value on the wire is text (\"...\") or a whole number, not 1.5"},
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

static void test_dump_unions(void **state)
{
  (void)state;
  char *got = dumped(A "model C { n: string; }\nunion U @discriminator(\"t\") { c: C @tag(\"cat\"); }\n"
                       "union V { s: string @max_len(3); n: int; }\nmodel M { u: U; v?: V[]; }", "unions");
  assert_string_equal(got, "[{\"name\":\"U\",\"doc\":[],\"loc\":\"t.api:3:7\",\"discriminator\":\"t\",\"variants\":["
                           "{\"name\":\"c\",\"type\":{\"kind\":\"model\",\"name\":\"C\"},\"tag\":\"cat\",\"doc\":[],"
                           "\"loc\":\"t.api:3:31\"}]},{\"name\":\"V\",\"doc\":[],\"loc\":\"t.api:4:7\",\"variants\":["
                           "{\"name\":\"s\",\"type\":{\"kind\":\"string\"},\"constraints\":{\"max_len\":3},\"doc\":[],"
                           "\"loc\":\"t.api:4:11\"},{\"name\":\"n\",\"type\":{\"kind\":\"int\"},\"doc\":[],\"loc\":\"t.api:4:34\"}]}]");
  free(got);
  got = dumped(A "union V { s: string; }\nmodel M { u: V; v?: V[] | null; }", "models");
  assert_non_null(strstr(got, "\"type\":{\"kind\":\"union\",\"name\":\"V\"}"));
  assert_non_null(strstr(got, "\"type\":{\"kind\":\"array\",\"items\":{\"kind\":\"union\",\"name\":\"V\"}}"));
  free(got);
}

/* An integer enum's values are numbers in the resolved spec, spelled exactly as written (the
 * text apic dump prints goes through cJSON, whose doubles keep 15 digits). */
static void test_dump_integer_enum(void **state)
{
  (void)state;
  spec s;
  assert_int_equal(check_text(&s, "t.api", A "enum E { a = 10; b = -9007199254740993; }", NULL), 0);
  size_t len;
  char *json = spec_json(&s, 1, &len);
  spec_free(&s);
  assert_non_null(strstr(json, "\"enums\":[{\"name\":\"E\",\"integer\":true,\"values\":[{\"name\":\"a\",\"wire\":10},"
                               "{\"name\":\"b\",\"wire\":-9007199254740993}]}]"));
  free(json);
}

static void test_dump_collection_defaults(void **state)
{
  (void)state;
  char *got = dumped(A "enum E { x; }\nmodel M { a: E[] = [x]; m: map<float> = {\"k\": 0.5}; e: map<int> = {}; }", "models");
  assert_non_null(strstr(got, "\"default\":[\"x\"]"));
  assert_non_null(strstr(got, "\"default\":{\"k\":0.5}"));
  assert_non_null(strstr(got, "\"default\":{}"));
  free(got);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_goldens),
      cmocka_unit_test(test_dump_scalars),
      cmocka_unit_test(test_dump_extends),
      cmocka_unit_test(test_dump_unions),
      cmocka_unit_test(test_dump_integer_enum),
      cmocka_unit_test(test_dump_collection_defaults),
      cmocka_unit_test(test_long_extends_chain),
      cmocka_unit_test(test_inheriting_too_much),
  };
  return cmocka_run_group_tests_name("front: the types of issue 15", tests, NULL, NULL);
}
