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
  int want_view = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--view") == 0)
      want_view = 1;
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error("dump: unknown option '%s' (see apic help dump)", argv[i]);
    else if (path != NULL)
      return usage_error("dump: give one spec file");
    else
      path = argv[i];
  }
  if (path == NULL)
    return usage_error("dump: no spec file given (see apic help dump)");
  spec s;
  int status = apic_frontend_open(&s, path, stderr);
  cJSON *json = NULL;
  if (status == EXIT_OK && !want_view) {
    json = spec_dump(&s);
  } else if (status == EXIT_OK) {
    view_builder b = {0};
    char *err = NULL;
    const view *vm = apic_viewmodel_build(&b, &s, path, 0, &err);
    json = vm != NULL ? view_to_json(vm) : NULL;
    if (err != NULL) {
      fprintf(stderr, "apic: %s\n", err);
      free(err);
      status = EXIT_SPEC;
    }
    vb_free(&b);
  }
  spec_free(&s);
  if (status != EXIT_OK)
    return status;
  char *text = json != NULL ? cJSON_Print(json) : NULL;
  cJSON_Delete(json);
  if (text == NULL)
    return usage_error("out of memory");
  fputs(text, stdout);
  fputc('\n', stdout);
  free(text);
  return fflush(stdout) == 0 ? EXIT_OK : usage_error("dump: cannot write the output");
}
