/* Server-sent events, parsed per https://html.spec.whatwg.org/multipage/server-sent-events.html
 * ("Interpreting an event stream"): the stream is cut into lines (CRLF, LF or CR), each line
 * is a field, a comment, or the blank line that dispatches the event built so far. */
#include "apic/sse.h"

#include <string.h>

#include "internal.h"

#define DEFAULT_MAX_LINE (64u * 1024u)
#define DEFAULT_MAX_EVENT (1024u * 1024u)

/* A growable byte buffer, kept NUL-terminated so its bytes can be handed out as a string. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

struct apic_sse_parser {
  apic_sse_cb cb;
  void *ud;
  size_t max_line, max_event;
  sbuf line, data, type, id_buf, last_id;
  size_t bom_seen;  /* bytes of a leading BOM matched so far */
  int bom_done;
  int after_cr;     /* the last line ended in CR: an LF next belongs to it */
  long retry_ms;
  int err;          /* sticky: once set, every feed returns it */
};

static const char BOM[] = "\xEF\xBB\xBF";

static int sbuf_append(sbuf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = apic__realloc(b->p, cap);
    if (!p)
      return APIC_ERR_NOMEM;
    b->p = p;
    b->cap = cap;
  }
  if (n)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static int sbuf_set(sbuf *b, const char *s, size_t n)
{
  b->len = 0;
  return sbuf_append(b, s, n);
}

static const char *sbuf_str(const sbuf *b) { return b->p ? b->p : ""; }

apic_sse_parser *apic_sse_new(size_t max_line, size_t max_event, apic_sse_cb cb,
                              void *user_data)
{
  if (!cb)
    return NULL;
  apic_sse_parser *p = apic__calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->cb = cb;
  p->ud = user_data;
  p->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
  p->max_event = max_event ? max_event : DEFAULT_MAX_EVENT;
  p->retry_ms = -1;
  return p;
}

void apic_sse_free(apic_sse_parser *p)
{
  if (!p)
    return;
  apic__free(p->line.p);
  apic__free(p->data.p);
  apic__free(p->type.p);
  apic__free(p->id_buf.p);
  apic__free(p->last_id.p);
  apic__free(p);
}

const char *apic_sse_last_event_id(const apic_sse_parser *p) { return sbuf_str(&p->last_id); }

long apic_sse_retry_ms(const apic_sse_parser *p) { return p->retry_ms; }

/* The blank line: the id becomes the last event id even when no event is dispatched. */
static int dispatch(apic_sse_parser *p)
{
  if (sbuf_set(&p->last_id, sbuf_str(&p->id_buf), p->id_buf.len))
    return APIC_ERR_NOMEM;
  int rc = 0;
  if (p->data.len) {
    p->data.p[--p->data.len] = '\0'; /* the "\n" after the last data line */
    apic_sse_event ev = {p->type.len ? p->type.p : "message", p->data.p, p->data.len,
                         sbuf_str(&p->last_id)};
    rc = p->cb(p->ud, &ev);
  }
  p->data.len = 0;
  p->type.len = 0;
  return rc;
}

static int set_retry(apic_sse_parser *p, const char *v, size_t n)
{
  long ms = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9' || ms > (0x7fffffffL - 9) / 10)
      return 0; /* not all digits, or absurdly large: ignored, as the spec ignores non-digits */
    ms = ms * 10 + (v[i] - '0');
  }
  if (n)
    p->retry_ms = ms;
  return 0;
}

static int field(apic_sse_parser *p, const char *name, size_t nlen, const char *v, size_t vlen)
{
#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
  if (IS("data")) {
    if (p->data.len + vlen + 1 > p->max_event)
      return APIC_ERR_TOO_LARGE;
    if (sbuf_append(&p->data, v, vlen) || sbuf_append(&p->data, "\n", 1))
      return APIC_ERR_NOMEM;
  } else if (IS("event")) {
    return sbuf_set(&p->type, v, vlen);
  } else if (IS("id")) {
    if (!memchr(v, '\0', vlen))
      return sbuf_set(&p->id_buf, v, vlen);
  } else if (IS("retry")) {
    return set_retry(p, v, vlen);
  }
  return 0; /* other fields are ignored */
#undef IS
}

static int process_line(apic_sse_parser *p, const char *s, size_t n)
{
  if (n == 0)
    return dispatch(p);
  if (s[0] == ':')
    return 0; /* comment */
  const char *colon = memchr(s, ':', n);
  if (!colon)
    return field(p, s, n, "", 0);
  size_t nlen = (size_t)(colon - s);
  const char *v = colon + 1;
  size_t vlen = n - nlen - 1;
  if (vlen && *v == ' ') {
    v++;
    vlen--;
  }
  return field(p, s, nlen, v, vlen);
}

/* Consumes bytes up to and including one line end; returns how many, or -1 with p->err set. */
static long take_line(apic_sse_parser *p, const char *buf, size_t len)
{
  size_t i = 0;
  while (i < len && buf[i] != '\n' && buf[i] != '\r')
    i++;
  if (p->line.len + i > p->max_line) {
    p->err = APIC_ERR_TOO_LARGE;
    return -1;
  }
  if (i == len) { /* no line end yet: keep the piece for the next feed */
    if (sbuf_append(&p->line, buf, i))
      p->err = APIC_ERR_NOMEM;
    return p->err ? -1 : (long)i;
  }
  int rc;
  if (p->line.len) {
    rc = sbuf_append(&p->line, buf, i);
    if (!rc)
      rc = process_line(p, p->line.p, p->line.len);
    p->line.len = 0;
  } else {
    rc = process_line(p, buf, i);
  }
  p->after_cr = buf[i] == '\r';
  if (rc)
    p->err = rc;
  return rc ? -1 : (long)(i + 1);
}

/* Skips a UTF-8 BOM at the very start of the stream, however it is split across feeds. */
static size_t skip_bom(apic_sse_parser *p, const char *buf, size_t len, int *replay)
{
  size_t i = 0;
  while (!p->bom_done && i < len) {
    if (buf[i] != BOM[p->bom_seen]) {
      p->bom_done = 1;
      *replay = p->bom_seen > 0; /* a partial match was data after all */
      return i;
    }
    i++;
    if (++p->bom_seen == 3)
      p->bom_done = 1;
  }
  return i;
}

int apic_sse_feed(apic_sse_parser *p, const char *buf, size_t len)
{
  if (!p || (!buf && len))
    return APIC_ERR_INVALID_ARG;
  if (p->err)
    return p->err;
  int replay = 0;
  size_t i = skip_bom(p, buf, len, &replay);
  if (replay && apic_sse_feed(p, BOM, p->bom_seen))
    return p->err;
  while (i < len) {
    if (p->after_cr) {
      p->after_cr = 0;
      if (buf[i] == '\n') {
        i++;
        continue;
      }
    }
    long n = take_line(p, buf + i, len - i);
    if (n < 0)
      return p->err;
    i += (size_t)n;
  }
  return 0;
}
