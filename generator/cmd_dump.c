/* apic dump FILE: the resolved spec as JSON (docs/spec-json.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "frontend.h"
#include "viewmodel.h"

const char cmd_dump_usage[] =
    "usage: apic dump [--view] FILE\n\n"
    "Checks the spec and prints it, resolved, as JSON on stdout: the data the generator\n"
    "works from (docs/spec-json.md). Errors go to stderr, as with apic check.\n\n"
    "  --view   print the view model instead: what the templates see (docs/templates.md)\n";

int cmd_dump(int argc, char **argv)
{
  const char *path = NULL;
  int view = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--view") == 0)
      view = 1;
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error("dump: unknown option '%s' (see apic help dump)", argv[i]);
    else if (path != NULL)
      return usage_error("dump: give one spec file");
    else
      path = argv[i];
  }
  if (path == NULL)
    return usage_error("dump: no spec file given (see apic help dump)");
  int status;
  cJSON *json = apic_frontend_load(path, stderr, &status);
  if (json == NULL)
    return status;
  if (view) {
    char *err = NULL;
    cJSON *vm = apic_viewmodel_build(json, path, &err);
    cJSON_Delete(json);
    if (vm == NULL) {
      fprintf(stderr, "apic: %s\n", err);
      free(err);
      return EXIT_SPEC;
    }
    json = vm;
  }
  char *text = cJSON_Print(json);
  cJSON_Delete(json);
  if (text == NULL)
    return usage_error("out of memory");
  fputs(text, stdout);
  fputc('\n', stdout);
  free(text);
  return fflush(stdout) == 0 ? EXIT_OK : usage_error("dump: cannot write the output");
}
