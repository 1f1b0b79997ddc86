/* The spec printer: declarations in apic's one canonical layout (docs/spec-language.md,
 * "Layout"). `apic fmt` prints parsed files with it, keeping their comments and the blank lines
 * between items; `apic import` prints the specs it builds. */
#ifndef APIC_FMT_H
#define APIC_FMT_H

#include <stddef.h>

#include "ast.h"

typedef struct fmt_input {
  const decl *decls; /* one file's declarations, its imports included, in order */
  /* The file's text (blank lines between items are kept from it) and its comments, in order;
   * both NULL for a spec built in memory. */
  const char *source;
  size_t source_len;
  const comment *comments;
  size_t ncomments;
  /* For built specs: a comment to print before a node (a decl or an operation), or NULL. */
  const char *(*comment_for)(const void *ctx, const void *node);
  const void *ctx;
} fmt_input;

/* The text (caller frees; *out_len bytes), or NULL when out of memory. */
char *fmt_print(const fmt_input *in, size_t *out_len);

#endif
