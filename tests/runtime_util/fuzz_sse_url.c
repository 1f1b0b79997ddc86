/* libFuzzer target for the SSE parser and the URL helpers. The SSE stream is fed whole and
 * split at a point taken from the input; both must give the same events and state (else
 * abort). The input's text is also used as a path segment, a query value and a header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apic/sse.h"
#include "apic/url.h"

typedef struct digest {
  uint64_t h;
  size_t events;
} digest;

static void mix(digest *d, const char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    d->h = (d->h ^ (unsigned char)p[i]) * 1099511628211u;
  d->h = (d->h ^ 0xff) * 1099511628211u; /* separator */
}

static int on_event(void *ud, const apic_sse_event *ev)
{
  digest *d = ud;
  mix(d, ev->type, strlen(ev->type));
  mix(d, ev->id, strlen(ev->id));
  mix(d, ev->data, ev->data_len);
  d->events++;
  return 0;
}

static int parse(const char *s, size_t len, size_t cut, digest *d)
{
  memset(d, 0, sizeof *d);
  apic_sse_parser *p = apic_sse_new(256, 1024, on_event, d);
  if (!p)
    abort();
  int rc = apic_sse_feed(p, s, cut);
  if (rc == 0)
    rc = apic_sse_feed(p, s + cut, len - cut);
  mix(d, apic_sse_last_event_id(p), strlen(apic_sse_last_event_id(p)));
  d->h ^= (uint64_t)apic_sse_retry_ms(p);
  apic_sse_free(p);
  return rc;
}

static void urls(const char *text)
{
  apic_url u;
  apic_url_init(&u);
  apic_url_add_path(&u, "http://h/v1/");
  apic_url_add_segment(&u, text);
  apic_url_add_query(&u, "q", text);
  const char *s = apic_url_str(&u);
  if (s && strpbrk(s + strlen("http://h/v1/"), " #\r\n"))
    abort(); /* nothing unencoded that could change the URL's structure */
  apic_url_clear(&u);
  if (apic_header_check("X-Test", text) == 0 && strpbrk(text, "\r\n"))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  const char *s = (const char *)data + 1;
  size_t len = size - 1, cut = len ? data[0] % (len + 1) : 0;
  digest whole, split;
  int rc1 = parse(s, len, len, &whole);
  int rc2 = parse(s, len, cut, &split);
  if (rc1 != rc2 || (rc1 == 0 && (whole.h != split.h || whole.events != split.events)))
    abort();
  char *text = malloc(len + 1);
  if (!text)
    return 0;
  memcpy(text, s, len);
  text[len] = '\0';
  urls(text);
  free(text);
  return 0;
}
