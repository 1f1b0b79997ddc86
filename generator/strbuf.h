/* A growable byte buffer. Operations record failure (out of memory) instead of returning it,
 * so a run of appends needs one check at the end. */
#ifndef APIC_STRBUF_H
#define APIC_STRBUF_H

#include <stddef.h>
#include <string.h>

typedef struct strbuf {
  char *data; /* NUL-terminated when not NULL */
  size_t len, cap;
  int failed;
} strbuf;

/* Makes room for `more` bytes ahead (a hint: appends grow the buffer anyway). */
void sb_reserve(strbuf *b, size_t more);
/* sb_append when the buffer must grow first. */
void sb_append_grow(strbuf *b, const char *s, size_t n);

/* Appends n bytes. Inline: the dump and the renderer append millions of short pieces, and
 * the call cost more than the copy. */
static inline void sb_append(strbuf *b, const char *s, size_t n)
{
  if (b->len + n < b->cap && !b->failed) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
  } else {
    sb_append_grow(b, s, n);
  }
}
void sb_puts(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands the data over (caller frees) and resets b; NULL if anything failed. */
char *sb_take(strbuf *b, size_t *out_len);
void sb_free(strbuf *b);
/* A whole file ("-" = stdin), NUL-terminated, *out_len bytes (caller frees); NULL when it
 * cannot be opened or read (errno says why). */
char *sb_read_file(const char *path, size_t *out_len);

#endif
