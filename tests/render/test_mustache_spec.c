/* The official mustache spec (core modules, the JSON files in tests/render/spec): every case rendered and
 * compared to the expected output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mustache.h"

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Partials come from the case's "partials" object. */
static const char *load_partial(void *ud, const char *name, size_t *len)
{
  const cJSON *p = cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, name);
  if (!cJSON_IsString(p))
    return NULL;
  *len = strlen(p->valuestring);
  return p->valuestring;
}

static int run_case(const char *file, const cJSON *c)
{
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(c, "name"));
  const char *tmpl = cJSON_GetStringValue(cJSON_GetObjectItem(c, "template"));
  const char *want = cJSON_GetStringValue(cJSON_GetObjectItem(c, "expected"));
  const cJSON *data = cJSON_GetObjectItem(c, "data");
  char *err = NULL;
  mustache *t = mustache_parse(name, tmpl, strlen(tmpl), &err);
  if (t == NULL) {
    fprintf(stderr, "%s / %s: parse error: %s\n", file, name, err);
    free(err);
    return 1;
  }
  mustache_env env = {1, load_partial, cJSON_GetObjectItem(c, "partials"), NULL};
  size_t len;
  char *got = mustache_render_json(t, &data, 1, &env, &len, &err);
  int bad = got == NULL || strcmp(got, want) != 0;
  if (bad)
    fprintf(stderr, "%s / %s:\n  want: [%s]\n  got:  [%s]%s%s\n", file, name, want, got ? got : "",
            err ? " error: " : "", err ? err : "");
  free(got);
  free(err);
  mustache_env_clear(&env);
  mustache_free(t);
  return bad;
}

static void run_file(const char *module)
{
  char path[256];
  snprintf(path, sizeof path, "tests/render/spec/%s.json", module);
  char *text = slurp(path);
  cJSON *spec = cJSON_Parse(text);
  free(text);
  assert_non_null(spec);
  int failures = 0, cases = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItem(spec, "tests"))
  {
    failures += run_case(module, c);
    cases++;
  }
  cJSON_Delete(spec);
  assert_true(cases > 0);
  assert_int_equal(failures, 0);
}

static void test_interpolation(void **state) { (void)state; run_file("interpolation"); }
static void test_sections(void **state) { (void)state; run_file("sections"); }
static void test_inverted(void **state) { (void)state; run_file("inverted"); }
static void test_comments(void **state) { (void)state; run_file("comments"); }
static void test_partials(void **state) { (void)state; run_file("partials"); }
static void test_delimiters(void **state) { (void)state; run_file("delimiters"); }

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interpolation), cmocka_unit_test(test_sections),
      cmocka_unit_test(test_inverted),      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_partials),      cmocka_unit_test(test_delimiters),
  };
  return cmocka_run_group_tests_name("render: mustache spec", tests, NULL, NULL);
}
