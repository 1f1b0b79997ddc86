/* libFuzzer target: any bytes as a template, rendered with nested data; every partial name
 * loads the input itself, so self-inclusion and deep nesting are reached. Parsing and
 * rendering must end in output or an error, never a crash, a leak or a hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mustache.h"

static const char DATA[] = "{\"a\": [1, {\"b\": true, \"c\": \"<x>\"}, [2, 3]], \"b\": {\"c\": {\"d\": 1.5}},"
                           " \"n\": null, \"e\": [], \"s\": \"text\", \"f\": false}";

typedef struct input {
  const char *text;
  size_t len;
} input;

static const char *self_partial(void *ud, const char *name, size_t *len)
{
  const input *in = ud;
  (void)name;
  *len = in->len;
  return in->text;
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
  static cJSON *data;
  if (data == NULL && (data = cJSON_Parse(DATA)) == NULL)
    abort();
  input in = {(const char *)bytes, size};
  char *err = NULL;
  mustache *t = mustache_parse("fuzz", in.text, size, &err);
  if (t == NULL) {
    if (err == NULL)
      abort(); /* a failed parse always says why */
    free(err);
    return 0;
  }
  for (int escape = 0; escape <= 1; escape++) {
    mustache_env env = {escape, self_partial, &in, NULL};
    const cJSON *stack[] = {data};
    size_t len = 0;
    char *out = mustache_render_json(t, stack, 1, &env, &len, &err);
    if ((out == NULL) == (err == NULL))
      abort(); /* exactly one of output and error */
    free(out);
    free(err);
    err = NULL;
    mustache_env_clear(&env);
  }
  mustache_free(t);
  return 0;
}
