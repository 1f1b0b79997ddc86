/* Diagnostics in clang's shape, with the source line and a caret. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

/* A quoted line longer than this is cut around the column, so a 10 MB line stays readable. */
#define QUOTE_MAX 160
/* A longer message is cut in the middle (print_message). */
#define MESSAGE_MAX 400

void diag_init(diag *d, FILE *out)
{
  memset(d, 0, sizeof *d);
  d->out = out;
  d->max_errors = 50;
}

void diag_free(diag *d)
{
  for (int i = 0; i < d->nfiles; i++) {
    free(d->files[i].name);
    big_free(d->files[i].text, d->files[i].cap);
  }
  free(d->files);
  d->files = NULL;
  d->nfiles = 0;
}

int diag_add_source(diag *d, const char *name, char *text, size_t size, size_t cap)
{
  src_file *grown = realloc(d->files, (size_t)(d->nfiles + 1) * sizeof *grown);
  char *copy = strdup(name);
  if (grown == NULL || copy == NULL) {
    if (grown != NULL)
      d->files = grown;
    free(copy);
    big_free(text, cap);
    return -1;
  }
  d->files = grown;
  d->files[d->nfiles] = (src_file){copy, text, size, cap};
  return d->nfiles++;
}

const char *diag_file_name(const diag *d, int file)
{
  return file >= 0 && file < d->nfiles ? d->files[file].name : "<input>";
}

/* Prints the line `at` points into, then a caret under its column. Control bytes and bytes
 * past QUOTE_MAX are left out so garbage input cannot garble the terminal. */
static void quote_line(diag *d, loc at)
{
  if (at.file < 0 || at.file >= d->nfiles || at.line < 1)
    return;
  const src_file *s = &d->files[at.file];
  const char *p = s->text, *end = s->text + s->size;
  for (int line = 1; line < at.line && p < end; p++)
    if (*p == '\n')
      line++;
  if (p >= end && at.line > 1)
    return;
  const char *eol = p;
  while (eol < end && *eol != '\n')
    eol++;
  size_t len = (size_t)(eol - p), col = at.col > 0 ? (size_t)at.col - 1 : 0;
  size_t start = 0;
  if (col > QUOTE_MAX / 2 && len > QUOTE_MAX)
    start = col - QUOTE_MAX / 2;
  size_t stop = start + QUOTE_MAX < len ? start + QUOTE_MAX : len;
  fputs("  ", d->out);
  for (size_t i = start; i < stop; i++) {
    unsigned char c = (unsigned char)p[i];
    fputc(c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? '?' : c, d->out);
  }
  fputs("\n  ", d->out);
  for (size_t i = start; i < col && i < stop; i++)
    fputc(p[i] == '\t' ? '\t' : ' ', d->out);
  fputs("^\n", d->out);
}

/* Prints the message; one longer than MESSAGE_MAX bytes (it quotes a name or string of
 * megabytes) is cut in the middle, between whole UTF-8 sequences. */
static void print_message(FILE *out, const char *fmt, va_list ap)
{
  char small[MESSAGE_MAX + 1];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  char *all = n >= (int)sizeof small ? malloc((size_t)n + 1) : NULL;
  if (all == NULL) {
    fputs(small, out);
    if (n >= (int)sizeof small)
      fputs("...", out);
    va_end(again);
    return;
  }
  vsnprintf(all, (size_t)n + 1, fmt, again);
  va_end(again);
  size_t head = MESSAGE_MAX / 2, tail = (size_t)n - MESSAGE_MAX / 2;
  while (head > 0 && ((unsigned char)all[head] & 0xC0) == 0x80)
    head--;
  while (((unsigned char)all[tail] & 0xC0) == 0x80)
    tail++;
  fprintf(out, "%.*s...%s", (int)head, all, all + tail);
  free(all);
}

static void report(diag *d, loc at, const char *kind, const char *fmt, va_list ap)
{
  fprintf(d->out, "%s:%d:%d: %s: ", diag_file_name(d, at.file), at.line, at.col, kind);
  print_message(d->out, fmt, ap);
  fputc('\n', d->out);
  quote_line(d, at);
}

int diag_shown(const diag *d)
{
  return d->out != NULL && d->errors < d->max_errors;
}

void diag_error(diag *d, loc at, const char *fmt, ...)
{
  d->errors++;
  if (d->out == NULL || d->errors > d->max_errors)
    return;
  va_list ap;
  va_start(ap, fmt);
  report(d, at, "error", fmt, ap);
  va_end(ap);
  if (d->errors == d->max_errors)
    fprintf(d->out, "apic: too many errors; stopping the report here\n");
}

void diag_warning(diag *d, loc at, const char *fmt, ...)
{
  d->warnings++;
  if (d->out == NULL || d->errors >= d->max_errors)
    return;
  va_list ap;
  va_start(ap, fmt);
  report(d, at, "warning", fmt, ap);
  va_end(ap);
}

void diag_note(diag *d, loc at, const char *fmt, ...)
{
  if (d->out == NULL || d->errors > d->max_errors)
    return;
  va_list ap;
  va_start(ap, fmt);
  report(d, at, "note", fmt, ap);
  va_end(ap);
}

void diag_plain(diag *d, const char *fmt, ...)
{
  d->errors++;
  if (d->out == NULL)
    return;
  va_list ap;
  fputs("apic: ", d->out);
  va_start(ap, fmt);
  print_message(d->out, fmt, ap);
  va_end(ap);
  fputc('\n', d->out);
}
