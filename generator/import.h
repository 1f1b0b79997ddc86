/* apic import: an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML) into one spec in
 * apic's language (docs/import.md), with a report of every construct not carried over or
 * approximated. */
#ifndef APIC_IMPORT_H
#define APIC_IMPORT_H

#include <stddef.h>
#include <stdio.h>

typedef struct import_options {
  int by_path;      /* resources from each path's first segment, not from tags */
  int no_infer;     /* no pagination inference */
  const char *name; /* the api's name; NULL: from info.title */
} import_options;

/* One construct of the document that the spec does not carry, or carries only approximately. */
typedef struct import_note {
  int dropped;   /* 1: not carried over; 0: approximated */
  char *file;    /* the document it is in */
  int line, col; /* 1-based; 0 when not known */
  char *pointer; /* JSON pointer into that document, "#/paths/~1pets/get" */
  char *what;    /* the construct: "a multipart body", "oneOf" */
  char *why;     /* "the language has no optional bodies yet" */
} import_note;

typedef struct import_report {
  import_note *notes;
  size_t count, cap;
  int failed;         /* out of memory while recording: some notes are missing */
  int internal_error; /* the spec made did not check: a bug in apic import */
} import_report;

/* Imports the document at path ("-" = stdin). On success *out_spec is the spec's text (caller
 * frees) and report holds the notes. Errors in the input (not YAML or JSON, not OpenAPI, a $ref
 * that does not resolve, too large or deep) are printed to diag as FILE:LINE:COL: error: ...
 * Returns 0 (EXIT_OK), 1 (input errors) or 2 (I/O). */
int apic_import(const char *path, const import_options *o, import_report *report, char **out_spec,
                FILE *diag_out);
/* The same for a document in memory, named name (relative $refs resolve against it). */
int apic_import_text(const char *name, const char *text, size_t len, const import_options *o,
                     import_report *report, char **out_spec, FILE *diag_out);
/* Prints each note as FILE:LINE:COL: not carried over|approximated: WHAT: WHY [POINTER]. */
void import_report_print(const import_report *r, FILE *out);
/* The notes as a JSON array (docs/import.md); 0, or -1 when it cannot be written. */
int import_report_write_json(const import_report *r, FILE *out);
void import_report_free(import_report *r);

#endif
