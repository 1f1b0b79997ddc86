/* The public Swagger petstore (2.0) and its OpenAPI 3.0 version, end to end: every operation is
 * imported, the spec checks, its SDK compiles at -Werror with cc and clang, and its generated
 * mock server answers every operation with a 2xx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "import_e2e.h"
#include "probe.h"

static char dir[64];

static int setup(void **state)
{
  (void)state;
  return e2e_workdir(dir);
}

static int teardown(void **state)
{
  (void)state;
  e2e_cleanup(dir);
  return 0;
}

/* Whether the report has a note at pointer whose reason contains why. */
static int noted(const cJSON *report, const char *pointer, const char *why)
{
  const cJSON *n;
  cJSON_ArrayForEach(n, report)
  {
    if (strcmp(cJSON_GetObjectItemCaseSensitive(n, "pointer")->valuestring, pointer) == 0 &&
        strstr(cJSON_GetObjectItemCaseSensitive(n, "why")->valuestring, why) != NULL)
      return 1;
  }
  return 0;
}

/* The kind of the body of operation name ("form", "multipart", "bytes", "model"...), or "". */
static const char *body_kind(const cJSON *spec, const char *name)
{
  const cJSON *res, *op;
  cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(spec, "resources"))
  {
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(res, "operations"))
    {
      const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
      if (strcmp(cJSON_GetObjectItemCaseSensitive(op, "name")->valuestring, name) == 0 && body != NULL)
        return cJSON_GetObjectItemCaseSensitive(body, "kind")->valuestring;
    }
  }
  return "";
}

/* Imports doc as api, checks and generates it, compiles the SDK, and calls every operation on
 * its mock; bodies: pairs of an operation and the kind of its body. Returns the report (caller
 * deletes). */
static cJSON *end_to_end(const char *doc, const char *api, int operations, const char *const *bodies)
{
  assert_int_equal(e2e_step(dir, APIC_BUILD "/apic import '%s' --name %s -o '%s/%s.api' --report '%s/report.json'",
                            doc, api, dir, api, dir),
                   0);
  assert_int_equal(e2e_step(dir, APIC_BUILD "/apic check '%s/%s.api'", dir, api), 0);
  assert_int_equal(e2e_step(dir, APIC_BUILD "/apic dump '%s/%s.api' > '%s/spec.json'", dir, api, dir), 0);
  assert_int_equal(e2e_step(dir, APIC_BUILD "/apic generate '%s/%s.api' -o '%s/sdk'", dir, api, dir), 0);
  const char *compilers = "cc clang";
  assert_int_equal(e2e_step(dir,
                            "for c in %s; do command -v $c > /dev/null || continue; for f in '%s'/sdk/src/*.c; do "
                            "$c " WARN_FLAGS " -D_POSIX_C_SOURCE=200809L -I'%s/sdk/include' -Iruntime/include "
                            "$(pkg-config --cflags libcjson) -c \"$f\" -o /dev/null || exit 1; done; done",
                            compilers, dir, dir),
                   0);
  char path[128];
  snprintf(path, sizeof path, "%s/spec.json", dir);
  cJSON *spec = e2e_read_json(path);
  assert_non_null(spec);
  assert_int_equal(e2e_count_ops(spec), operations);
  for (const char *const *b = bodies; *b != NULL; b += 2)
    assert_string_equal(body_kind(spec, b[0]), b[1]);
  probe_result r;
  e2e_probe_mock(dir, api, spec, &r);
  if (r.ok != r.operations)
    fprintf(stderr, "not answered 2xx:\n%s", r.others);
  assert_int_equal(r.operations, operations);
  assert_int_equal(r.ok, operations);
  cJSON_Delete(spec);
  snprintf(path, sizeof path, "%s/report.json", dir);
  cJSON *report = e2e_read_json(path);
  assert_non_null(report);
  return report;
}

static void test_petstore_2(void **state)
{
  (void)state;
  static const char *const bodies[] = {"upload_file", "multipart", "update_pet_with_form", "form", "add_pet", "model", NULL};
  cJSON *report = end_to_end("tests/import/data/petstore-2.0.yaml", "petstore", 20, bodies);
  /* The form and multipart bodies are carried: nothing about them is reported. */
  assert_false(noted(report, "#/paths/~1pet~1{petId}~1uploadImage/post/parameters/2", ""));
  assert_false(noted(report, "#/paths/~1pet~1{petId}/post/parameters/1", ""));
  cJSON_Delete(report);
}

static void test_petstore_3(void **state)
{
  (void)state;
  static const char *const bodies[] = {"upload_file", "bytes", "add_pet", "model", NULL};
  cJSON *report = end_to_end("tests/import/data/petstore-3.0.yaml", "petstore3", 19, bodies);
  /* One body per operation: the JSON form is taken, the others reported. */
  assert_true(noted(report, "#/paths/~1pet/put/requestBody/content/application~1x-www-form-urlencoded", "one body"));
  assert_false(noted(report, "#/paths/~1pet~1{petId}~1uploadImage/post/requestBody/content/application~1octet-stream", ""));
  cJSON_Delete(report);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_petstore_2, setup, teardown),
      cmocka_unit_test_setup_teardown(test_petstore_3, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
