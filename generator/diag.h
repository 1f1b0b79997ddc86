/* Sources and diagnostics. The source table owns the text of every file read, so that a
 * diagnostic can quote the line it points at: `FILE:LINE:COL: error: MESSAGE`, the line, a
 * caret under the column (clang's shape). */
#ifndef APIC_DIAG_H
#define APIC_DIAG_H

#include <stdio.h>

#include "ast.h"

typedef struct src_file {
  char *name; /* as given, or joined to the importing file's directory */
  char *text; /* NUL-terminated copy; may contain other NULs */
  size_t size;
  size_t cap; /* bytes big_alloc gave text */
} src_file;

typedef struct diag {
  FILE *out; /* NULL: count only */
  src_file *files;
  int nfiles;
  int errors;
  int warnings;
  int max_errors; /* stop reporting (not counting) past this many */
} diag;

void diag_init(diag *d, FILE *out);
void diag_free(diag *d);
/* Adds a file's text of size bytes, from big_alloc(cap) (taken over: freed by diag_free).
 * Returns its index, or -1. */
int diag_add_source(diag *d, const char *name, char *text, size_t size, size_t cap);
const char *diag_file_name(const diag *d, int file);

/* Whether the next error would be printed (there is an output and the limit is not reached). */
int diag_shown(const diag *d);
void diag_error(diag *d, loc at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void diag_warning(diag *d, loc at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A second line attached to the previous diagnostic ("note: first declared here"). */
void diag_note(diag *d, loc at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* An error without a location (I/O): "apic: MESSAGE". */
void diag_plain(diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
