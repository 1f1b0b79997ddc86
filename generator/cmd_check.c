/* apic check FILE...: parse and check each spec, report every error. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "frontend.h"

const char cmd_check_usage[] =
    "usage: apic check [--quiet] FILE...\n\n"
    "Reads each spec (and what it imports), checks it, and reports every error as\n"
    "FILE:LINE:COL: error: MESSAGE with the source line and a caret. '-' reads stdin.\n\n"
    "  --quiet   print nothing; only the exit status tells\n\n"
    "Exit status: 0 no errors (warnings allowed), 1 errors in a spec, 2 usage or I/O error.\n";

int cmd_check(int argc, char **argv)
{
  int quiet = 0, nfiles = 0, status = EXIT_OK;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0)
      quiet = 1;
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error("check: unknown option '%s' (see apic help check)", argv[i]);
    else
      nfiles++;
  }
  if (nfiles == 0)
    return usage_error("check: no spec file given (see apic help check)");
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0)
      continue;
    spec s;
    int rc = spec_load(&s, argv[i], quiet ? NULL : stderr);
    if (rc != 0)
      status = EXIT_USAGE;
    else if (spec_check(&s) != 0 && status == EXIT_OK)
      status = EXIT_SPEC;
    if (rc == 0 && !quiet && (s.diag.errors > 0 || s.diag.warnings > 0))
      fprintf(stderr, "%s: %d error%s, %d warning%s\n", argv[i], s.diag.errors, s.diag.errors == 1 ? "" : "s",
              s.diag.warnings, s.diag.warnings == 1 ? "" : "s");
    spec_free(&s);
  }
  return status;
}
