/* Redirects (docs/runtime.md, "Redirects"): where a 3xx points, whether the call follows it,
 * and what the next request keeps. The engine follows them itself rather than through
 * CURLOPT_FOLLOWLOCATION, because libcurl drops only Authorization and Cookie on the way to
 * another host: an API key travels in a header of the API's own name, which libcurl would pass
 * on. Here every header but a few harmless ones is dropped when the origin changes. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Request headers that carry no credential: the only ones a redirect takes to another origin. */
static const char *const HARMLESS[] = {"Accept", "Accept-Encoding", "Accept-Language", "Content-Type",
                                       "Content-Language", "User-Agent", "Idempotency-Key", "Last-Event-ID"};
/* Headers that describe a body: dropped with it when a redirect turns the request into a GET. */
static const char *const BODY_HEADERS[] = {"Content-Type", "Content-Language", "Content-Encoding",
                                           "Content-Location"};

int apic__redirect_followable(int status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int named(const char *line, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(names[i]);
    if (apic__strncasecmp(line, names[i], len) == 0 && line[len] == ':')
      return 1;
  }
  return 0;
}

/* 1 when a and b have the same scheme, host and port (the default one made explicit), 0 when
 * not, -1 when a part cannot be read. */
static int same_origin(CURLU *a, CURLU *b)
{
  static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
  int same = 1;
  for (size_t i = 0; i < 3 && same == 1; i++) {
    char *x = NULL, *y = NULL;
    if (curl_url_get(a, parts[i], &x, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(b, parts[i], &y, CURLU_DEFAULT_PORT) != CURLUE_OK)
      same = -1;
    else
      same = apic__strcasecmp(x, y) == 0;
    curl_free(x);
    curl_free(y);
  }
  return same;
}

/* Copies a string libcurl allocated into libapic's allocator. */
static char *own(char *curl_string)
{
  char *s = apic__strdup(curl_string);
  curl_free(curl_string);
  return s;
}

/* What logs show of u: no query, fragment or user info (a query may hold a signature or a key). */
static char *shown(CURLU *u)
{
  CURLU *v = curl_url_dup(u);
  char *s = NULL;
  if (v != NULL) {
    curl_url_set(v, CURLUPART_QUERY, NULL, 0);
    curl_url_set(v, CURLUPART_USER, NULL, 0);
    curl_url_set(v, CURLUPART_PASSWORD, NULL, 0);
    if (curl_url_get(v, CURLUPART_URL, &s, 0) != CURLUE_OK)
      s = NULL;
    curl_url_cleanup(v);
  }
  return s != NULL ? own(s) : NULL;
}

/* Resolves location against base into next: the URL to request (parsed, and as text), the URL
 * to show, and whether the origin stays. 0, NOMEM, or INVALID_ARG when the location is not an
 * http(s) URL. */
static int resolve(const char *base, const char *location, apic__redirect *next)
{
  CURLU *from = curl_url(), *to = curl_url();
  char *scheme = NULL, *url = NULL;
  int rc = from == NULL || to == NULL ? APIC_ERR_NOMEM : APIC_ERR_INVALID_ARG;
  if (rc == APIC_ERR_INVALID_ARG && curl_url_set(from, CURLUPART_URL, base, 0) == CURLUE_OK &&
      curl_url_set(to, CURLUPART_URL, base, 0) == CURLUE_OK &&
      curl_url_set(to, CURLUPART_URL, location, 0) == CURLUE_OK &&
      curl_url_get(to, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
      (next->same_origin = same_origin(from, to)) >= 0) {
    curl_url_set(to, CURLUPART_FRAGMENT, NULL, 0);
    rc = APIC_ERR_NOMEM;
    if (curl_url_get(to, CURLUPART_URL, &url, 0) == CURLUE_OK) {
      next->url = own(url);
      next->shown = shown(to);
      next->uh = to;
      to = NULL;
      rc = next->url != NULL && next->shown != NULL ? 0 : APIC_ERR_NOMEM;
    }
  }
  curl_free(scheme);
  curl_url_cleanup(from);
  curl_url_cleanup(to);
  return rc;
}

void apic__redirect_clear(apic__redirect *next)
{
  apic__free(next->url);
  apic__free(next->shown);
  curl_url_cleanup(next->uh);
  memset(next, 0, sizeof *next);
}

int apic__redirect_plan(apic_call *call, apic__redirect *next, char *cause, size_t size)
{
  int status = call->resp->status;
  const char *location = apic_response_header(call->resp, "location");
  memset(next, 0, sizeof *next);
  if (location == NULL) {
    snprintf(cause, size, "status %d without a Location", status);
    return APIC_ERR_REDIRECT;
  }
  int rc = resolve(call->url, location, next);
  if (rc != 0)
    apic__redirect_clear(next);
  if (rc == APIC_ERR_NOMEM) {
    snprintf(cause, size, "out of memory reading a redirect");
    return rc;
  }
  if (rc != 0) {
    snprintf(cause, size, "status %d to a Location that is not an http(s) URL", status);
    return APIC_ERR_REDIRECT;
  }
  unsigned max = call->client->o.max_redirects;
  if (!apic__redirect_followable(status) || call->hops >= max) {
    const char *why = !apic__redirect_followable(status) ? "not followed"
                      : max == 0                         ? "not followed (max_redirects is 0)"
                                                         : "not followed: too many redirects";
    snprintf(cause, size, "status %d to %s %s", status, next->shown, why);
    apic__redirect_clear(next);
    return APIC_ERR_REDIRECT;
  }
  /* RFC 9110 15.4: a 303 fetches the target with GET; so do 301 and 302 after a POST, as
   * every client does. 307 and 308 repeat the request as it was. */
  next->to_get = (status == 303 && strcmp(call->method, "GET") != 0 && strcmp(call->method, "HEAD") != 0) ||
                 ((status == 301 || status == 302) && strcmp(call->method, "POST") == 0);
  snprintf(cause, size, "status %d, redirected to %s", status, next->shown);
  return 0;
}

/* The request's headers the next hop keeps. */
static int keep_headers(apic_call *call, const apic__redirect *next)
{
  struct curl_slist *kept = NULL;
  for (struct curl_slist *h = call->headers; h != NULL; h = h->next) {
    if (!next->same_origin && !named(h->data, HARMLESS, sizeof HARMLESS / sizeof HARMLESS[0]))
      continue;
    if (next->to_get && named(h->data, BODY_HEADERS, sizeof BODY_HEADERS / sizeof BODY_HEADERS[0]))
      continue;
    struct curl_slist *l = curl_slist_append(kept, h->data);
    if (l == NULL) {
      curl_slist_free_all(kept);
      return APIC_ERR_NOMEM;
    }
    kept = l;
  }
  curl_slist_free_all(call->headers);
  call->headers = kept;
  return 0;
}

int apic__redirect_apply(apic_call *call, apic__redirect *next)
{
  char *method = next->to_get ? apic__strdup("GET") : NULL;
  if ((next->to_get && method == NULL) || keep_headers(call, next) != 0) {
    apic__free(method);
    return APIC_ERR_NOMEM;
  }
  if (method != NULL) {
    apic__free(call->method);
    call->method = method;
    apic__free(call->body);
    call->body = NULL;
    call->body_len = 0;
    apic__call_drop_parts(call);
  }
  apic__free(call->url);
  apic__free(call->log_url);
  curl_url_cleanup(call->uh);
  call->url = next->url;
  call->log_url = next->shown;
  call->uh = next->uh;
  next->url = next->shown = NULL;
  next->uh = NULL;
  call->hops++;
  call->left_origin |= !next->same_origin;
  return 0;
}
