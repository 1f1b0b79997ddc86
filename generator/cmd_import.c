/* apic import FILE: an OpenAPI 3.0 / 3.1 or Swagger 2.0 document as a spec (docs/import.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"

const char cmd_import_usage[] =
    "usage: apic import [options] FILE\n\n"
    "Reads an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document (JSON or YAML; '-' reads stdin) and\n"
    "writes it as one spec in apic's language (docs/import.md). Every construct the spec does\n"
    "not carry, or carries only approximately, is reported on stderr with its JSON pointer and\n"
    "why.\n\n"
    "  -o FILE        write the spec to FILE instead of stdout\n"
    "  --report FILE  also write the report as JSON to FILE\n"
    "  --strict       anything not carried over or approximated is an error\n"
    "  --by-path      resources from each path's first segment, not from tags\n"
    "  --no-infer     do not recognise pagination\n"
    "  --name NAME    the api's name (default: from info.title)\n"
    "  --quiet        do not print the report on stderr\n\n"
    "Exit status: 0 imported, 1 errors in the document (or a report under --strict),\n"
    "2 usage or I/O error.\n";

static int write_text(const char *path, const char *text)
{
  FILE *f = path != NULL ? fopen(path, "w") : stdout;
  if (f == NULL)
    return -1;
  int bad = fputs(text, f) < 0;
  bad |= path != NULL ? fclose(f) != 0 : fflush(f) != 0;
  return bad ? -1 : 0;
}

static int write_report(const char *path, const import_report *r)
{
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return -1;
  int bad = import_report_write_json(r, f) != 0;
  bad |= fclose(f) != 0;
  return bad ? -1 : 0;
}

int cmd_import(int argc, char **argv)
{
  import_options o = {0, 0, NULL};
  const char *in = NULL, *out = NULL, *report_path = NULL;
  int strict = 0, quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **value = strcmp(a, "-o") == 0 ? &out : strcmp(a, "--report") == 0 ? &report_path
                                                     : strcmp(a, "--name") == 0    ? &o.name
                                                                                   : NULL;
    if (value != NULL) {
      if (++i == argc)
        return usage_error("import: %s needs a value (see apic help import)", a);
      *value = argv[i];
    } else if (strcmp(a, "--strict") == 0) {
      strict = 1;
    } else if (strcmp(a, "--by-path") == 0) {
      o.by_path = 1;
    } else if (strcmp(a, "--no-infer") == 0) {
      o.no_infer = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      return usage_error("import: unknown option '%s' (see apic help import)", a);
    } else if (in != NULL) {
      return usage_error("import: give one document");
    } else {
      in = a;
    }
  }
  if (in == NULL)
    return usage_error("import: no document given (see apic help import)");
  import_report r;
  char *spec = NULL;
  int status = apic_import(in, &o, &r, &spec, stderr);
  if (!quiet)
    import_report_print(&r, stderr);
  size_t dropped = 0;
  for (size_t i = 0; i < r.count; i++)
    dropped += r.notes[i].dropped;
  if (status == EXIT_OK && !quiet && r.count > 0)
    fprintf(stderr, "apic: import: %zu constructs not carried over, %zu approximated\n", dropped, r.count - dropped);
  if (report_path != NULL && status != EXIT_USAGE && write_report(report_path, &r) != 0)
    status = usage_error("import: cannot write the report to '%s'", report_path);
  if (status == EXIT_OK && strict && r.count > 0) {
    fprintf(stderr, "apic: import: --strict: %zu constructs not carried over as they are\n", r.count);
    status = EXIT_SPEC;
  }
  if (status == EXIT_OK && write_text(out, spec) != 0)
    status = usage_error("import: cannot write '%s'", out != NULL ? out : "the output");
  free(spec);
  import_report_free(&r);
  return status;
}
