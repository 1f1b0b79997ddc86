/* When to retry and how long to wait: status classes, Retry-After, back-off with full jitter. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "engine.h"
#include "internal.h"

/* Milliseconds the server asks to wait: retry-after-ms, then Retry-After as seconds or an
 * HTTP date; -1 when neither is there or parses. */
int64_t apic__retry_after_ms(const apic_response *r, int64_t now_epoch_ms)
{
  const char *v = apic_response_header(r, "retry-after-ms");
  char *end;
  if (v != NULL) {
    errno = 0;
    double ms = strtod(v, &end);
    if (errno == 0 && end != v && ms >= 0 && ms < 1e15)
      return (int64_t)ms;
  }
  v = apic_response_header(r, "retry-after");
  if (v == NULL)
    return -1;
  errno = 0;
  long long secs = strtoll(v, &end, 10);
  if (errno == 0 && end != v && *end == '\0' && secs >= 0 && secs < 1000000000LL)
    return (int64_t)secs * 1000;
  time_t t = curl_getdate(v, NULL);
  if (t == (time_t)-1)
    return -1;
  int64_t at = (int64_t)t * 1000;
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
