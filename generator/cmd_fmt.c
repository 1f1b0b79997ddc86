/* apic fmt FILE...: specs in the one canonical layout (fmt.h), comments kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "commands.h"
#include "fmt.h"
#include "parse.h"
#include "strbuf.h"

const char cmd_fmt_usage[] =
    "usage: apic fmt [-w | --check] FILE...\n\n"
    "Prints each spec file in apic's canonical layout (docs/spec-language.md, \"Layout\"),\n"
    "keeping its comments and doc comments. Imports are not followed: each file is formatted\n"
    "alone. '-' reads stdin.\n\n"
    "  -w        write the result back to each file that changes\n"
    "  --check   print the names of the files that are not formatted; change nothing\n\n"
    "Exit status: 0 done (--check: all formatted), 1 syntax errors (--check: some file is\n"
    "not formatted), 2 usage or I/O error.\n";

/* Writes text to path through a temporary file beside it, renamed over it. */
static int write_over(const char *path, const char *text, size_t len)
{
  size_t n = strlen(path) + sizeof ".fmt-tmp";
  char *tmp = malloc(n);
  if (tmp == NULL)
    return -1;
  snprintf(tmp, n, "%s.fmt-tmp", path);
  FILE *f = fopen(tmp, "w");
  int bad = f == NULL || fwrite(text, 1, len, f) != len;
  if (f != NULL)
    bad |= fclose(f) != 0;
  if (!bad)
    bad = rename(tmp, path) != 0;
  if (bad)
    remove(tmp);
  free(tmp);
  return bad ? -1 : 0;
}

/* Formats one file; *changed says whether the result differs from the file. */
static int format_file(const char *path, int mode, int *changed)
{
  size_t len = 0;
  char *raw = sb_read_file(path, &len);
  if (raw == NULL)
    return usage_error("fmt: cannot read '%s'", path);
  char *text = big_alloc(len + 1); /* the source table takes big_alloc'd text */
  if (text == NULL) {
    free(raw);
    return usage_error("out of memory");
  }
  memcpy(text, raw, len);
  free(raw);
  diag d;
  diag_init(&d, stderr);
  ast_arena *arena = ast_arena_new();
  int file = arena != NULL ? diag_add_source(&d, path, text, len, len + 1) : -1;
  if (file < 0) {
    if (arena == NULL)
      big_free(text, len + 1);
    ast_arena_free(arena);
    diag_free(&d);
    return usage_error("out of memory");
  }
  parse_comments comments = {NULL, 0, 0};
  decl *decls = parse_file_comments(arena, &d, file, &comments);
  int status = EXIT_OK;
  if (d.errors > 0) {
    status = EXIT_SPEC;
  } else {
    fmt_input in = {decls, text, len, comments.list, comments.count, NULL, NULL};
    size_t out_len = 0;
    char *out = fmt_print(&in, &out_len);
    if (out == NULL) {
      status = usage_error("out of memory");
    } else {
      *changed = out_len != len || memcmp(out, text, len) != 0;
      if (mode == 'w' && *changed && strcmp(path, "-") != 0 && write_over(path, out, out_len) != 0)
        status = usage_error("fmt: cannot write '%s'", path);
      else if (mode == 'p' || (mode == 'w' && strcmp(path, "-") == 0))
        fwrite(out, 1, out_len, stdout);
      free(out);
    }
  }
  free(comments.list);
  ast_arena_free(arena);
  diag_free(&d);
  return status;
}

int cmd_fmt(int argc, char **argv)
{
  int mode = 'p', nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--check") == 0) {
      if (mode != 'p')
        return usage_error("fmt: give one of -w and --check");
      mode = argv[i][1] == 'w' ? 'w' : 'c';
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return usage_error("fmt: unknown option '%s' (see apic help fmt)", argv[i]);
    } else {
      nfiles++;
    }
  }
  if (nfiles == 0)
    return usage_error("fmt: no spec file given (see apic help fmt)");
  int status = EXIT_OK, unformatted = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      continue;
    int changed = 0;
    int rc = format_file(argv[i], mode, &changed);
    if (rc > status)
      status = rc;
    if (rc == EXIT_OK && mode == 'c' && changed) {
      printf("%s\n", argv[i]);
      unformatted = 1;
    }
  }
  if (status == EXIT_OK && unformatted)
    status = EXIT_SPEC;
  return fflush(stdout) == 0 ? status : usage_error("fmt: cannot write the output");
}
