/* apic generate SPEC -o DIR [--templates DIR] [--bundle-runtime] [--check] [--dry-run] [--force] [--jobs N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "generate.h"

const char cmd_generate_usage[] =
    "usage: apic generate SPEC -o DIR [--templates DIR] [--bundle-runtime] [--check | --dry-run]\n"
    "                    [--force] [--jobs N]\n\n"
    "Writes the SDK for one spec into DIR, from the templates built into apic.\n"
    "Output is deterministic to the byte, and the same wherever apic runs and however the\n"
    "spec's path is written. Files whose content did not change are not rewritten (their\n"
    "mtime is kept); files an earlier run wrote that the spec no longer produces are removed\n"
    "(DIR/.apic-manifest lists them); nothing outside DIR is touched. A file in DIR that an\n"
    "earlier run did not write is never overwritten or removed: when one is in the way, apic\n"
    "lists it, writes nothing and exits 1.\n\n"
    "  -o DIR            the output directory (created if needed)\n"
    "  --templates DIR   use DIR/PATH instead of the built-in template PATH where it exists\n"
    "                    (e.g. DIR/README.md.mustache); see docs/templates.md\n"
    "  --bundle-runtime  also write libapic's and libapic-mock's sources (built into apic)\n"
    "                    into DIR/runtime/, so DIR builds alone with its Makefile or\n"
    "                    CMakeLists.txt, without an installed libapic\n"
    "  --check           write nothing; list the files that would change, appear or go,\n"
    "                    and exit 1 if there are any (for CI)\n"
    "  --dry-run         write nothing; list what would be written\n"
    "  --force           overwrite files in the way that apic did not write\n"
    "  -j, --jobs N      generate on N threads (default: one per processor, at most 8, and\n"
    "                    one for a spec under 128 KB); the output is the same for any N\n";

/* The number of threads in text, or 0 when it is not a number from 1 to APIC_MAX_JOBS. */
static int jobs(const char *text)
{
  char *end;
  long n = strtol(text, &end, 10);
  return *end == '\0' && end != text && n >= 1 && n <= APIC_MAX_JOBS ? (int)n : 0;
}

int cmd_generate(int argc, char **argv)
{
  gen_options o = {.report = stdout};
  const char *njobs = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
      o.out_dir = argv[++i];
    else if (strcmp(argv[i], "--templates") == 0 && i + 1 < argc)
      o.templates_dir = argv[++i];
    else if (strcmp(argv[i], "--bundle-runtime") == 0)
      o.bundle_runtime = 1;
    else if (strcmp(argv[i], "--check") == 0)
      o.check = 1;
    else if (strcmp(argv[i], "--dry-run") == 0)
      o.dry_run = 1;
    else if (strcmp(argv[i], "--force") == 0)
      o.force = 1;
    else if ((strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) && i + 1 < argc)
      njobs = argv[++i];
    else if (strncmp(argv[i], "-j", 2) == 0 && argv[i][2] != '\0') /* -j4, as make takes it */
      njobs = argv[i] + 2;
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error("generate: unknown option '%s' (see apic help generate)", argv[i]);
    else if (o.spec_path == NULL)
      o.spec_path = argv[i];
    else
      return usage_error("generate: give one spec file");
  }
  if (o.spec_path == NULL || o.out_dir == NULL)
    return usage_error("generate: need a SPEC and -o DIR (see apic help generate)");
  if (o.check && o.dry_run)
    return usage_error("generate: --check and --dry-run do not go together");
  if (njobs != NULL && (o.jobs = jobs(njobs)) == 0)
    return usage_error("generate: --jobs wants a number from 1 to %d, not '%s'", APIC_MAX_JOBS, njobs);
  return apic_generate(&o);
}
