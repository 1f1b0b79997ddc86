/* The glue between the scanner (lexer.l) and the parser (parser.y), and the entry point that
 * parses one file's text into declarations. */
#ifndef APIC_PARSE_H
#define APIC_PARSE_H

#include "ast.h"
#include "diag.h"

/* A file's `//` comments, in order (list malloc'd: the caller frees it; texts in the arena). */
typedef struct parse_comments {
  comment *list;
  size_t count, cap;
} parse_comments;

/* The scanner's state (flex's "extra"). */
struct lex_extra {
  ast_arena *arena;
  diag *diag;
  int file;
  int last_token_line; /* line of the last token other than a doc comment */
  int bad_bytes;       /* unexpected bytes seen; past a limit the scan stops */
  int oom;
  parse_comments *comments; /* NULL: comments are skipped */
};

/* Parses source `file` of d. Declarations are allocated in arena and returned in order
 * (NULL for an empty file); errors are reported to d and counted. */
decl *parse_file(ast_arena *arena, diag *d, int file);
/* The same, keeping the `//` comments in *comments (for apic fmt). */
decl *parse_file_comments(ast_arena *arena, diag *d, int file, parse_comments *comments);

#endif
