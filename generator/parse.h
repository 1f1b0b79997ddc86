/* The glue between the scanner (lexer.l) and the parser (parser.y), and the entry point that
 * parses one file's text into declarations. */
#ifndef APIC_PARSE_H
#define APIC_PARSE_H

#include "ast.h"
#include "diag.h"

/* The scanner's state (flex's "extra"). */
struct lex_extra {
  ast_arena *arena;
  diag *diag;
  int file;
  int last_token_line; /* line of the last token other than a doc comment */
  int bad_bytes;       /* unexpected bytes seen; past a limit the scan stops */
  int oom;
};

/* Parses source `file` of d. Declarations are allocated in arena and returned in order
 * (NULL for an empty file); errors are reported to d and counted. */
decl *parse_file(ast_arena *arena, diag *d, int file);

#endif
