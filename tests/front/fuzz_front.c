/* libFuzzer target: arbitrary bytes through the whole front end (parse, check, dump).
 * Built by `make fuzz`; `make test` and `make fuzz-run` run it briefly on the shipped specs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* Diagnostics are printed (to /dev/null), not discarded: quoting source lines, carets and
   * "did you mean" searches only run when there is somewhere to print. */
  static FILE *sink;
  if (sink == NULL)
    sink = fopen("/dev/null", "w");
  spec s;
  /* A name in a directory that does not exist: imports in fuzz input fail cleanly. */
  if (spec_load_text(&s, "/nonexistent/fuzz.api", (const char *)data, size, sink) == 0 && spec_check(&s) == 0)
    cJSON_Delete(spec_dump(&s));
  spec_free(&s);
  return 0;
}
