/* A growable byte buffer. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

/* Room for `more` bytes and the NUL; -1 when it cannot be had (the buffer is as it was). */
static int grow(strbuf *b, size_t more)
{
  if (b->len + more + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + more + 1) {
    if (cap > ((size_t)-1) / 2)
      return -1;
    cap *= 2;
  }
  char *grown = big_heap_grow(b->data, b->len + (b->data != NULL), &cap);
  if (grown == NULL)
    return -1;
  b->data = grown;
  b->cap = cap;
  return 0;
}

static int reserve(strbuf *b, size_t more)
{
  if (b->failed || grow(b, more) != 0) {
    b->failed = 1;
    return -1;
  }
  return 0;
}

void sb_reserve(strbuf *b, size_t more)
{
  if (!b->failed)
    grow(b, more); /* only a hint: without the room, appends grow the buffer as they go */
}

void sb_append_grow(strbuf *b, const char *s, size_t n)
{
  if (reserve(b, n) != 0)
    return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *s)
{
  sb_append(b, s, strlen(s));
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || reserve(b, (size_t)n) != 0) {
    b->failed = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *sb_take(strbuf *b, size_t *out_len)
{
  if (b->failed || reserve(b, 0) != 0) {
    sb_free(b);
    return NULL;
  }
  char *data = b->data;
  data[b->len] = '\0'; /* an empty buffer was never written */
  if (out_len != NULL)
    *out_len = b->len;
  b->data = NULL;
  b->len = b->cap = 0;
  return data;
}

void sb_free(strbuf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}

char *sb_read_file(const char *path, size_t *out_len)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL)
    return NULL;
  strbuf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    sb_append(&b, chunk, n);
  int bad = ferror(f);
  if (f != stdin)
    fclose(f);
  if (bad) {
    sb_free(&b);
    return NULL;
  }
  return sb_take(&b, out_len);
}
