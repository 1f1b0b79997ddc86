/* libFuzzer target: arbitrary bytes through the importer (YAML/JSON, refs, schemas, operations,
 * the printer, the check of its output). An imported spec that does not check is a bug in the
 * importer, not in the input: it aborts. Built by `make fuzz`; `make test` and `make fuzz-run`
 * run it briefly, seeded with tests/import/data. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* Diagnostics are printed (to /dev/null), not discarded: the printing runs too. */
  static FILE *sink;
  if (sink == NULL)
    sink = fopen("/dev/null", "w");
  import_report r;
  char *spec = NULL;
  /* A name in a directory that does not exist: $refs to other files fail cleanly. */
  apic_import_text("/nonexistent/fuzz.yaml", (const char *)data, size, NULL, &r, &spec, sink);
  if (r.internal_error) {
    fprintf(stderr, "the imported spec does not check (run apic import on the input to see why)\n");
    abort();
  }
  free(spec);
  import_report_free(&r);
  return 0;
}
