/* apic generate, as a function (the command and the tests call it). */
#ifndef APIC_GENERATE_H
#define APIC_GENERATE_H

#include <stdio.h>

#define APIC_MAX_JOBS 64

typedef struct gen_options {
  const char *spec_path;
  const char *out_dir;
  const char *templates_dir; /* NULL: only the built-in templates */
  int check;                 /* write nothing; exit 1 when something would change */
  int dry_run;               /* write nothing; list what would be written */
  FILE *report;              /* where --check and --dry-run list files */
  int bundle_runtime;        /* also write libapic's and libapic-mock's sources into runtime/ */
  int force;                 /* overwrite files in the way that apic did not write */
  int jobs;                  /* threads rendering files, at most APIC_MAX_JOBS; 0: one per
                                processor, at most 8 */
} gen_options;

/* Returns the exit status: 0 done (or, with check, nothing to change), 1 spec or template
 * errors (or, with check, changes), 2 usage or I/O errors. */
int apic_generate(const gen_options *o);

#endif
