/* apic diff's output and exit status. */
#ifndef APIC_DIFF_REPORT_H
#define APIC_DIFF_REPORT_H

#include <stdio.h>

#include "diff.h"

typedef enum diff_format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_GITHUB } diff_format;

typedef struct diff_report {
  diff_format format;
  int abi;          /* C ABI breaks count for the exit status too */
  sev fail_on;      /* the exit status is 1 from this severity up */
  int require_bump; /* ... and when the new version is not bumped as far as the change needs */
} diff_report;

/* The semantic-version bump a change needs: major for anything breaking at any layer (a
 * shared library's SONAME carries the major version), minor for any other finding, patch when
 * only text the rules do not judge changed (docs, comments), none when nothing did. */
typedef enum bump { BUMP_NONE, BUMP_PATCH, BUMP_MINOR, BUMP_MAJOR } bump;

bump diff_bump(const diff_result *r);

/* Prints the findings and a summary to out; returns the exit status (EXIT_OK, EXIT_SPEC). */
int diff_print(const diff_result *r, const diff_report *o, FILE *out);

#endif
