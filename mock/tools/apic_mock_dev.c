/* apic-mock-dev: runs the mock CLI on a spec JSON file (what `apic dump` prints), for tests
 * and benchmarks before a generated <api>-mock exists. Usage: apic-mock-dev SPEC.json [options] */
#include <stdio.h>
#include <stdlib.h>

#include "apic/mock.h"

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, len = 0, n;
  char *text = malloc(cap);
  while (text != NULL && (n = fread(text + len, 1, cap - len - 1, f)) > 0)
    if ((len += n) + 1 == cap) {
      char *bigger = cap < (64u << 20) ? realloc(text, cap *= 2) : NULL;
      if (bigger == NULL)
        free(text);
      text = bigger;
    }
  fclose(f);
  if (text != NULL)
    text[len] = '\0';
  return text;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s SPEC.json [--port N] [--seed N] [--data FILE] [--latency MS] [--log] [--no-auth]\n",
            argv[0]);
    return 2;
  }
  char *spec = slurp(argv[1]);
  if (spec == NULL) {
    fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[1]);
    return 1;
  }
  argv[1] = argv[0];
  int rc = apic_mock_main(spec, argc - 1, argv + 1);
  free(spec);
  return rc;
}
