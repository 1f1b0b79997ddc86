/* apic diff: what changed between two checked specs, judged at three layers: the wire, the
 * generated C API and the C ABI. The rules and why each has its severities: docs/diff.md. */
#ifndef APIC_DIFF_H
#define APIC_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "frontend.h"

typedef enum sev { SEV_NONE, SEV_INFO, SEV_WARNING, SEV_BREAKING } sev;

/* The layers a change is judged at. */
enum { L_WIRE, L_API, L_ABI, LAYERS };

#define FINDING_NODES 4

/* One change. */
typedef struct finding {
  const char *rule;   /* its id ("field-removed"), static */
  sev sev[LAYERS];
  char *subject;      /* what changed ("model Task field name"): with the rule, the fingerprint */
  char *message;      /* one line */
  loc old_at, new_at; /* where in each spec (the nearest enclosing thing when it is not there);
                         file -1: nowhere */
  char fingerprint[17];
  /* The spec nodes (fields, operations, declarations, enum values, of either spec) whose C
   * declarations this change may alter, and how it claims their changes (CLAIM_*, diff_c.h);
   * 0 for a change the C layers cannot see. */
  const void *nodes[FINDING_NODES];
  unsigned claims;
} finding;

typedef struct diff_result {
  const spec *old, *new;
  finding *f;
  size_t n, cap;
  int failed; /* out of memory */
} diff_result;

/* Compares two checked specs (both must outlive r). Returns 0, or -1 when out of memory. */
int diff_specs(const spec *old, const spec *new, diff_result *r);
void diff_free(diff_result *r);

/* The highest severity of f over its layers (the ABI's only when abi), at least info. */
sev finding_sev(const finding *f, int abi);

/* ---- inside apic diff: shared by diff.c and diff_c.c ------------------------------------ */

/* Adds a finding (subject and message printf'ed into one buffer: "subject\0message"); NULL
 * when out of memory. The locations and nodes are filled in by the caller. */
finding *diff_add(diff_result *r, const char *rule, sev wire, const char *subject, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
