/* libFuzzer target: arbitrary bytes through the whole front end (parse, check, dump).
 * Built by `make fuzz`; `make fuzz-run` runs it briefly on the shipped specs as seeds. */
#include <stddef.h>
#include <stdint.h>

#include "frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  spec s;
  /* A name in a directory that does not exist: imports in fuzz input fail cleanly. */
  if (spec_load_text(&s, "/nonexistent/fuzz.api", (const char *)data, size, NULL) == 0 && spec_check(&s) == 0)
    cJSON_Delete(spec_dump(&s));
  spec_free(&s);
  return 0;
}
