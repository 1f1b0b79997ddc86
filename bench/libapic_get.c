/* The libapic side of the runtime benchmark. Modes:
 *   async  N GETs with C in flight through apic_call_start (max_concurrency C), each body
 *          parsed with cJSON: the same work as bench/plain_loop.c
 *   sync   N sequential apic_client_send calls
 *   easy   N sequential curl_easy_perform on one reused easy handle (the sync reference),
 *          CURLOPT_NOSIGNAL set, sending libapic's User-Agent
 * Usage: libapic_get URL N C async|sync|easy */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "apic/client.h"
#include "bench_common.h"

typedef struct run {
  apic_client *client;
  apic_request req;
  long n, started, done, failures;
} run;

static int json_ok(const char *body, size_t len)
{
  cJSON *doc = body ? cJSON_ParseWithLength(body, len) : NULL;
  int ok = cJSON_GetObjectItemCaseSensitive(doc, "id") != NULL;
  cJSON_Delete(doc);
  return ok;
}

static int response_ok(apic_response *resp)
{
  size_t len = 0;
  const char *body = resp ? apic_response_body(resp, &len) : NULL;
  return json_ok(body, len);
}

static void start_one(run *r);

static void on_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  (void)call;
  run *r = ud;
  if (status != 0 || !response_ok(resp))
    r->failures++;
  apic_response_free(resp);
  apic_error_free(err);
  r->done++;
  if (r->started < r->n)
    start_one(r);
}

static void start_one(run *r)
{
  r->started++;
  if (apic_call_start(r->client, &r->req, on_done, r, NULL, NULL) != 0) {
    r->failures++;
    r->done++;
  }
}

static void run_async(run *r, long c)
{
  while (r->started < c && r->started < r->n)
    start_one(r);
  uv_loop_t *loop = apic_client_loop(r->client);
  while (r->done < r->n) /* the client keeps its own handles: run until our work is done */
    uv_run(loop, UV_RUN_ONCE);
}

static void run_sync(run *r)
{
  for (; r->done < r->n; r->done++) {
    apic_response *resp = NULL;
    apic_error *err = NULL;
    if (apic_client_send(r->client, &r->req, &resp, &err) != 0 || !response_ok(resp))
      r->failures++;
    apic_response_free(resp);
    apic_error_free(err);
  }
}

typedef struct body {
  char *p;
  size_t len, cap;
} body;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
  body *b = ud;
  size_t n = size * nmemb;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *q = realloc(b->p, cap);
    if (!q)
      return 0;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
  return n;
}

static void run_easy(run *r, const char *url)
{
  body b = {0};
  CURL *e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
  /* As libapic sets it (and as libcurl asks of threaded programs): without it each transfer
   * costs six more rt_sigaction calls, which would flatter libapic. */
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  /* The same request on the wire as libapic's: its User-Agent, sent the same cheap way (a
   * header line; CURLOPT_USERAGENT would cost this side 2 us more per request). */
  struct curl_slist *ua = curl_slist_append(NULL, "User-Agent: apic/0.1.0 libcurl/" LIBCURL_VERSION);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, ua);
  for (; r->done < r->n; r->done++) {
    b.len = 0;
    if (curl_easy_perform(e) != CURLE_OK || !json_ok(b.p, b.len))
      r->failures++;
  }
  curl_easy_cleanup(e);
  curl_slist_free_all(ua);
  free(b.p);
}

int main(int argc, char **argv)
{
  run r = {0};
  long c;
  const char *mode = argc > 4 ? argv[4] : "";
  int known = !strcmp(mode, "async") || !strcmp(mode, "sync") || !strcmp(mode, "easy");
  if (bench_args(argc, argv, &r.n, &c) != 0 || !known) {
    fputs("usage: libapic_get URL N C async|sync|easy\n", stderr);
    return 2;
  }
  apic_client_options o = {0};
  o.max_concurrency = (unsigned)c;
  apic_error *err = NULL;
  if (apic_client_new(&o, &r.client, &err) != 0) {
    apic_error_print(err, stderr);
    apic_error_free(err);
    return 1;
  }
  r.req = (apic_request){.method = "GET", .url = argv[1], .max_retries = -1};
  double t0 = bench_now_s();
  if (!strcmp(mode, "async"))
    run_async(&r, c);
  else if (!strcmp(mode, "sync"))
    run_sync(&r);
  else
    run_easy(&r, argv[1]);
  double secs = bench_now_s() - t0;
  apic_client_free(r.client, 0);
  char name[32];
  snprintf(name, sizeof name, "%s_%s", strcmp(mode, "easy") ? "libapic" : "curl", mode);
  bench_report(name, r.n, strcmp(mode, "async") ? 1 : c, secs, r.failures);
  return r.failures != 0;
}
