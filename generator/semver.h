/* Versions as the SDK and `apic diff` read the spec's `version`: MAJOR.MINOR.PATCH, the way
 * semantic versioning writes them. */
#ifndef APIC_SEMVER_H
#define APIC_SEMVER_H

typedef struct semver {
  long part[3];     /* major, minor, patch */
  const char *rest; /* what follows the numbers ("-beta.1"); borrowed */
} semver;

/* Reads text: an optional 'v', then up to three dot-separated numbers (those left out are 0),
 * then anything (a pre-release or build suffix, kept in rest). Returns 0, or -1 when text does
 * not start with a number (out is then 0.0.0). */
int semver_parse(const char *text, semver *out);

/* Negative, zero or positive as a's numbers are below, equal to or above b's. */
int semver_cmp(const semver *a, const semver *b);

#endif
