/* libFuzzer target for libapic-mock's request-facing code without HTTP: the input's first
 * line is a path (routed for every method, matched against a glob pattern), the rest a body
 * (UTF-8 checked, parsed, validated against every operation's body type). Crashes, leaks and
 * undefined behaviour are the failures. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mock/src/mock_internal.h"

static cJSON *spec;
static apic_mock mock; /* just what routing reads: the spec and its index */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  FILE *f = fopen(MOCK_FUZZ_SPEC, "rb");
  static char text[1 << 20];
  size_t n = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
  if (f != NULL)
    fclose(f);
  text[n] = '\0';
  spec = cJSON_Parse(text);
  mock.spec = spec;
  if (spec == NULL || apic_mock__index(&mock) != 0) {
    fprintf(stderr, "fuzz_mock: cannot read %s\n", MOCK_FUZZ_SPEC);
    exit(1);
  }
  return 0;
}

static void validate_all(const char *body, size_t len)
{
  if (!apic_mock__utf8_valid(body, len))
    return;
  cJSON *j = cJSON_ParseWithLength(body, len);
  const cJSON *res, *op;
  char err[400];
  cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(spec, "resources"))
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(res, "operations"))
  {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(op, "body");
    if (type != NULL && j != NULL)
      apic_mock__validate(spec, type, NULL, j, "$", err, sizeof err);
  }
  cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  const char *text = (const char *)data;
  size_t line = 0;
  while (line < size && line < 1024 && text[line] != '\n')
    line++;
  char path[1030];
  memcpy(path, text, line);
  path[line] = '\0';
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
    int known;
    cJSON *params = cJSON_CreateObject();
    apic_mock__route(&mock, methods[i], path, params, &known);
    cJSON_Delete(params);
  }
  size_t rest = line < size ? line + 1 : size;
  validate_all(text + rest, size - rest);
  return 0;
}
