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

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_goldens),
      cmocka_unit_test(test_dump_scalars),
  };
  return cmocka_run_group_tests_name("front: the types of issue 15", tests, NULL, NULL);
}
