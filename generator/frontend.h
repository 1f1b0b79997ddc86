/* The front end as one call: read a spec and its imports, parse, check, and hand back the
 * resolved spec as JSON (docs/spec-json.md). */
#ifndef APIC_FRONTEND_H
#define APIC_FRONTEND_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "ast.h"
#include "diag.h"

/* A loaded spec: every file's declarations, imports first, in one arena. */
typedef struct spec {
  ast_arena *arena;
  diag diag;
  decl *decls; /* all files, imports first (import decls themselves left out) */
  decl *api;   /* the root file's api block, or NULL */
  int io_error;
} spec;

/* Reads and parses path ("-" = stdin) and, recursively, its imports. Returns 0, or -1 when
 * the root file could not be read (an I/O error, reported). Syntax errors are counted in
 * s->diag. Call spec_free() in every case. */
int spec_load(spec *s, const char *path, FILE *diag_out);
/* The same for text in memory, named name (imports are resolved relative to it). */
int spec_load_text(spec *s, const char *name, const char *text, size_t size, FILE *diag_out);
/* Resolves names and runs the semantic checks (check.c); returns the error count. */
int spec_check(spec *s);
/* The resolved spec as compact JSON text (dump.c), *out_len bytes, NUL-terminated (caller
 * frees); NULL when out of memory. Only after a clean check. bare leaves out every "doc" and
 * "loc" (the generated mock's copy). */
char *spec_json(const spec *s, int bare, size_t *out_len);
/* The same as a cJSON tree (caller frees with cJSON_Delete). */
cJSON *spec_dump(const spec *s);
void spec_free(spec *s);
/* The bytes of the spec's source, imports included. */
size_t spec_source_size(const spec *s);

/* Reads, parses and checks the spec at path ("-" = stdin), imports included, into s (call
 * spec_free in every case). Returns EXIT_OK, EXIT_SPEC (spec errors) or EXIT_USAGE (I/O). */
int apic_frontend_open(spec *s, const char *path, FILE *diag_out);
/* Reads, parses and checks the spec at path ("-" = stdin), imports included. Diagnostics go to
   diag_out (may be NULL to discard). Returns the resolved spec as a cJSON tree (caller frees
   with cJSON_Delete) or NULL; *out_status is 0 (EXIT_OK), 1 (spec errors) or 2 (I/O). Warnings
   do not make it fail. */
cJSON *apic_frontend_load(const char *path, FILE *diag_out, int *out_status);

#endif
