/* When to retry and how long to wait: status classes, Retry-After, back-off with full jitter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "engine.h"
#include "internal.h"

/* A wait of whole units as the header gives it: digits (for milliseconds, a fraction after
 * them is dropped), saturating at INT64_MAX rather than wrapping, so that an absurd wait stays
 * past any cap. -1 for anything else: a sign, a space, an exponent, no digits. */
static int64_t parse_wait(const char *v, int64_t unit_ms, int fraction)
{
  int64_t n = 0;
  const char *p = v;
  for (; *p >= '0' && *p <= '9'; p++)
    n = n > (INT64_MAX - 9) / 10 ? INT64_MAX : n * 10 + (*p - '0');
  if (p == v)
    return -1;
  if (fraction && *p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  if (*p != '\0')
    return -1;
  return n > INT64_MAX / unit_ms ? INT64_MAX : n * unit_ms;
}

/* Milliseconds the server asks to wait: retry-after-ms, then Retry-After as seconds or an HTTP
 * date; -1 when neither is there or has that form (a negative value is malformed). */
int64_t apic__retry_after_ms(const apic_response *r, int64_t now_epoch_ms)
{
  const char *v = apic_response_header(r, "retry-after-ms");
  int64_t ms = v != NULL ? parse_wait(v, 1, 1) : -1;
  if (ms >= 0)
    return ms;
  v = apic_response_header(r, "retry-after");
  if (v == NULL)
    return -1;
  if ((ms = parse_wait(v, 1000, 0)) >= 0)
    return ms;
  time_t t = curl_getdate(v, NULL);
  if (t == (time_t)-1)
    return -1;
  int64_t at = (int64_t)t > INT64_MAX / 1000 ? INT64_MAX : (int64_t)t * 1000;
  return at > now_epoch_ms ? at - now_epoch_ms : 0;
}

/* 408, 409, 429 and 5xx, unless the server says x-should-retry. */
int apic__retryable_status(const apic_response *r)
{
  const char *should = apic_response_header(r, "x-should-retry");
  if (should != NULL && strcmp(should, "true") == 0)
    return 1;
  if (should != NULL && strcmp(should, "false") == 0)
    return 0;
  int s = r->status;
  return s == 408 || s == 409 || s == 429 || s >= 500;
}

int apic__method_idempotent(const char *m)
{
  static const char *const ok[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp(m, ok[i]) == 0)
      return 1;
  return 0;
}

/* Full jitter: uniform in [0, min(max, initial * 2^retry)]. */
uint64_t apic__backoff_ms(const apic_client_options *o, unsigned retry, double random01)
{
  double ceiling = (double)o->backoff_initial_ms * pow(2.0, retry < 60 ? retry : 60);
  if (ceiling > (double)o->backoff_max_ms)
    ceiling = (double)o->backoff_max_ms;
  return (uint64_t)(ceiling * random01);
}

int apic__header_value_ok(const char *s)
{
  return s != NULL && strpbrk(s, "\r\n") == NULL;
}
