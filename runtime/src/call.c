/* One call's life: queued, attempts, back-off, and its single completion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/url.h"
#include "engine.h"
#include "internal.h"

/* A request's URL and header lines together: past this it is INVALID_ARG before anything is
 * sent. libcurl builds a request head of at most 1 MiB (it fails the transfer as out of memory
 * past it); servers take far less (8 to 64 KiB). */
#define MAX_REQUEST_HEAD (512u * 1024u)
/* A response's header lines together. libcurl refuses one line over CURL_MAX_HTTP_HEADER
 * (100 KiB) but, before 8.6, not ten thousand shorter ones, each of which we keep. */
#define MAX_RESPONSE_HEAD (256u * 1024u)

enum { TOO_BODY = 1, TOO_HEAD = 2 }; /* apic_call.too_large */

static void call_closed(uv_handle_t *h)
{
  apic_call *call = h->data;
  if (--call->open_timers > 0)
    return;
  if (call->held)
    return; /* apic_call_wait or apic_client_send frees it */
  apic__client_call_gone(call->client, call);
}

static void free_causes(char **causes, unsigned n)
{
  for (unsigned i = 0; causes != NULL && i < n; i++)
    apic__free(causes[i]);
  apic__free(causes);
}

void apic__parts_free(apic_part *parts, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    apic_part *p = &parts[i];
    apic__free((char *)p->name);
    apic__free((char *)p->data);
    apic__free((char *)p->path);
    apic__free((char *)p->filename);
    apic__free((char *)p->content_type);
  }
  apic__free(parts);
}

void apic__call_drop_parts(apic_call *call)
{
  apic__parts_free(call->parts, call->n_parts);
  call->parts = NULL;
  call->n_parts = 0;
}

/* Frees a finished call and everything it still holds. */
void apic__call_free(apic_call *call)
{
  apic__call_drop_parts(call);
  apic__free(call->method);
  apic__free(call->url);
  apic__free(call->log_url);
  curl_url_cleanup(call->uh);
  curl_slist_free_all(call->headers);
  apic__free(call->body);
  apic_response_free(call->resp);
  free_causes(call->causes, call->n_causes);
  apic_response_free(call->result);
  apic_error_free(call->error);
  apic__free(call);
}

/* Delivers the result once and closes the call's timers. */
static void deliver(apic_call *call, apic_response *resp, apic_error *err)
{
  call->state = CALL_DONE;
  uv_timer_stop(&call->backoff);
  uv_timer_stop(&call->deadline_timer);
  call->delivered = 1;
  /* Out of memory even for the error object: the status alone says so. */
  call->status = err != NULL ? apic_error_code(err) : resp != NULL ? 0 : APIC_ERR_NOMEM;
  if (call->cb != NULL) {
    apic_client *prev = apic__client_enter_callback(call->client);
    call->cb(call, call->status, resp, err, call->user_data);
    apic__client_leave_callback(prev);
  } else {
    call->result = resp;
    call->error = err;
  }
  uv_close((uv_handle_t *)&call->backoff, call_closed);
  uv_close((uv_handle_t *)&call->deadline_timer, call_closed);
}

static const char *shown_url(const apic_call *call)
{
  return call->log_url != NULL ? call->log_url : call->url;
}

/* "MSG (earlier attempts: status 503; status 502)", so each attempt's cause shows. */
static apic_error *new_error(apic_call *call, int code, const char *msg)
{
  char earlier[512] = "";
  size_t used = 0;
  for (unsigned i = 0; i < call->n_causes && used < sizeof earlier; i++)
    used += (size_t)snprintf(earlier + used, sizeof earlier - used, "%s%s", i ? "; " : "", call->causes[i]);
  if (call->n_causes == 0)
    return apic_error_new(code, "%s", msg);
  return apic_error_new(code, "%s (earlier attempts: %s)", msg, earlier);
}

static apic_error *make_error(apic_call *call, int code, const char *msg, apic_response *r)
{
  apic_error *e = new_error(call, code, msg);
  if (e == NULL)
    return NULL;
  apic_error_set_request(e, call->method, shown_url(call));
  apic_error_set_attempts(e, call->attempts);
  if (r != NULL && r->status != 0) {
    apic_error_set_status(e, r->status);
    apic_error_set_body(e, r->body, r->body_len);
    for (size_t i = 0; i < r->n_headers; i++)
      apic_error_add_header(e, r->headers[i].name, r->headers[i].value);
    const char *rid = apic_response_header(r, call->client->o.request_id_header);
    if (rid != NULL)
      apic_error_set_request_id(e, rid);
    apic_error_set_retry_after_ms(e, apic__retry_after_ms(r, apic__client_now_ms(call->client)));
  }
  return e;
}

static void release_easy(apic_call *call)
{
  if (call->easy == NULL)
    return;
  if (call->mime != NULL) { /* the handle lets go of it first: it goes back to the pool */
    curl_easy_setopt(call->easy, CURLOPT_MIMEPOST, (curl_mime *)NULL);
    curl_mime_free(call->mime);
    call->mime = NULL;
  }
  apic__client_easy_release(call->client, call->easy);
  call->easy = NULL;
}

/* A running transfer leaves the multi: at once, or, from inside libcurl's write callback (which
 * may not change the multi), when the end hop or the transfer's own end comes. */
static void detach(apic_call *call)
{
  if (call->easy == NULL || call->eng->in_write > 0)
    return;
  apic__engine_remove(call->eng, call);
  release_easy(call);
}

static void on_end_hop(uv_timer_t *t)
{
  apic_call *call = t->data;
  char msg[160];
  detach(call);
  if (call->end_code == APIC_ERR_TIMEOUT)
    snprintf(msg, sizeof msg, "the call's deadline passed after %u attempts", call->attempts);
  else if (call->end_code == APIC_ERR_QUEUE_FULL)
    snprintf(msg, sizeof msg, "the client's queue is full");
  else
    snprintf(msg, sizeof msg, "cancelled after %u attempts", call->attempts);
  apic_error *e = make_error(call, call->end_code, msg, NULL);
  deliver(call, NULL, e);
}

/* Stops whatever the call is doing and delivers code on the next loop turn (never inside the
 * caller's stack, so a callback cancelling others is not re-entered). */
void apic__call_end(apic_call *call, int code)
{
  if (call->state == CALL_DONE || call->state == CALL_ENDING)
    return;
  if (call->state == CALL_QUEUED)
    apic__client_unqueue(call->client, call);
  if (call->state == CALL_RUNNING && call->easy != NULL) {
    detach(call);
    call->attempts++; /* it was sent, and counts */
  }
  apic__client_release(call);
  call->state = CALL_ENDING;
  call->end_code = code;
  uv_timer_stop(&call->deadline_timer);
  uv_timer_start(&call->backoff, on_end_hop, 0, 0);
}

void apic_call_cancel(apic_call *call)
{
  if (call != NULL)
    apic__call_end(call, APIC_ERR_CANCELLED);
}

static void on_deadline(uv_timer_t *t)
{
  apic__call_end(t->data, APIC_ERR_TIMEOUT);
}

/* Whether the body goes to on_data, not into memory (a 2xx with on_data): then uncapped. */
static int streams_body(apic_call *call)
{
  long status = 0;
  if (call->on_data != NULL)
    curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
  apic_call *call = ud;
  size_t len = size * n;
  if (call->state == CALL_ENDING)
    return 0; /* cancelled from a callback: nothing more reaches the caller */
  if (streams_body(call)) {
    call->streamed = 1;
    apic_client *prev = call->sync ? NULL : apic__client_enter_callback(call->client);
    call->eng->in_write++;
    int stop = call->on_data(call->data_user_data, data, len);
    call->eng->in_write--;
    if (!call->sync)
      apic__client_leave_callback(prev);
    if (call->state == CALL_ENDING)
      return 0; /* on_data cancelled it (or its group): the transfer stops here */
    if (stop == 0)
      return len;
    call->aborted = 1;
    return 0;
  }
  if (call->resp->body_len + len > call->body_cap) {
    call->too_large = TOO_BODY;
    return 0;
  }
  return apic__response_append(call->resp, data, len) == 0 ? len : 0;
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
  apic_call *call = ud;
  size_t len = size * n;
  call->head_bytes += len;
  if (call->head_bytes > MAX_RESPONSE_HEAD) {
    call->too_large = TOO_HEAD;
    return 0;
  }
  if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) { /* a new status line: after a 1xx */
    apic__response_clear_headers(call->resp);
    call->head_done = 0;
    return len;
  }
  if (len <= 2 && (line[0] == '\r' || line[0] == '\n')) {
    call->head_done = 1;
    return len;
  }
  const char *colon = memchr(line, ':', len);
  if (colon == NULL)
    return len;
  size_t nlen = (size_t)(colon - line);
  const char *v = colon + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  if (apic__response_add_header(call->resp, line, nlen, v, (size_t)(end - v)) != 0)
    return 0;
  if (apic__strcasecmp(call->resp->headers[call->resp->n_headers - 1].name, "content-length") == 0 &&
      strtoull(call->resp->headers[call->resp->n_headers - 1].value, NULL, 10) > call->body_cap && !streams_body(call)) {
    call->too_large = TOO_BODY; /* refuse before reading a byte of it */
    return 0;
  }
  return len;
}

static uint64_t remaining_ms(apic_call *call)
{
  if (call->deadline == 0)
    return 0;
  uint64_t now = uv_now(call->eng->loop);
  return call->deadline > now ? call->deadline - now : 1;
}

/* What every transfer of the client shares, set once when the easy handle is made: pooled
 * handles are not reset between calls (a reset and these options again cost a sync call about
 * a tenth of its time), so each attempt sets only what is its own (setup_easy). */
void apic__easy_defaults(apic_client *c, CURL *e)
{
  const apic_client_options *o = &c->o;
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)o->connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
  if (o->ca_file != NULL)
    curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
  if (o->proxy != NULL)
    curl_easy_setopt(e, CURLOPT_PROXY, o->proxy);
  curl_easy_setopt(e, CURLOPT_SHARE, c->share);
}

/* This attempt's options. Each one a previous call on the same handle may have set is set
 * again here: HTTPGET clears the last call's NOBODY and POSTFIELDS mode. */
static void setup_easy(apic_call *call, CURL *e)
{
  curl_easy_setopt(e, CURLOPT_CURLU, call->uh);
  curl_easy_setopt(e, CURLOPT_PRIVATE, call);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->errbuf);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, call);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, call);
  uint64_t t = call->attempt_timeout_ms;
  uint64_t left = remaining_ms(call);
  if (left != 0 && (t == 0 || left < t))
    t = left;
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)t);
  /* Over TLS the server may offer HTTP/2: a request made while the first connection is still
   * being set up then waits to share it rather than open another. Not in clear text, where
   * the connection is HTTP/1.1 and waiting would only serialise connecting. */
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, (long)(strncmp(call->url, "https:", 6) == 0));
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  /* GET needs no custom method (curl copies the string on every set) */
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, strcmp(call->method, "GET") ? call->method : NULL);
  if (strcmp(call->method, "HEAD") == 0)
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  if (call->body != NULL) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body);
  }
}

/* The multipart body, made anew for each attempt on its easy handle (libcurl reads the files
 * as it sends them). 0, or APIC_ERR_NOMEM. */
static int attach_parts(apic_call *call, CURL *e)
{
  if (call->n_parts == 0)
    return 0;
  if ((call->mime = curl_mime_init(e)) == NULL)
    return APIC_ERR_NOMEM;
  for (size_t i = 0; i < call->n_parts; i++) {
    const apic_part *p = &call->parts[i];
    curl_mimepart *part = curl_mime_addpart(call->mime);
    /* A file that cannot be read fails the transfer when it is sent (CURLE_READ_ERROR). */
    if (part == NULL || curl_mime_name(part, p->name) != CURLE_OK ||
        (p->path != NULL ? curl_mime_filedata(part, p->path) == CURLE_OUT_OF_MEMORY
                         : curl_mime_data(part, p->data, p->len) != CURLE_OK) ||
        (p->filename != NULL && curl_mime_filename(part, p->filename) != CURLE_OK) ||
        (p->content_type != NULL && curl_mime_type(part, p->content_type) != CURLE_OK))
      return APIC_ERR_NOMEM;
  }
  return curl_easy_setopt(e, CURLOPT_MIMEPOST, call->mime) == CURLE_OK ? 0 : APIC_ERR_NOMEM;
}

static void on_launch_hop(uv_timer_t *t)
{
  apic__call_launch(t->data);
}

/* Starts one attempt now (it holds a slot: admit.c); from inside libcurl's write callback (a
 * call started or a slot freed by on_data), on the next loop turn. */
void apic__call_launch(apic_call *call)
{
  if (call->eng->in_write > 0) {
    call->state = CALL_BACKOFF;
    uv_timer_start(&call->backoff, on_launch_hop, 0, 0);
    return;
  }
  apic_response *r = apic__response_new();
  CURL *e = r == NULL ? NULL : apic__client_easy(call->client);
  if (e == NULL) {
    apic_response_free(r);
    apic__client_release(call);
    deliver(call, NULL, make_error(call, APIC_ERR_NOMEM, "out of memory starting a request", NULL));
    return;
  }
  apic_response_free(call->resp);
  call->resp = r;
  call->too_large = 0;
  call->head_bytes = 0;
  call->head_done = 0;
  call->errbuf[0] = '\0';
  call->easy = e;
  setup_easy(call, e);
  if (attach_parts(call, e) != 0) {
    release_easy(call);
    apic__client_release(call);
    deliver(call, NULL, make_error(call, APIC_ERR_NOMEM, "out of memory making a multipart body", NULL));
    return;
  }
  call->state = CALL_RUNNING;
  /* Not uv_now(): the loop's clock is read when its turn began, and a busy turn (or a sync
   * call's idle loop, last run long ago) would count time from before the attempt. */
  call->attempt_start = uv_hrtime();
  apic__engine_add(call->eng, call);
}

/* A retry waits its turn like a new call: the concurrency and rate limits apply to attempts. */
static void on_backoff_done(uv_timer_t *t)
{
  apic_call *call = t->data;
  apic_client *c = call->client;
  if (!call->sync) {
    apic__client_enqueue(c, call);
    return;
  }
  int rc = apic__client_admit_sync(c, call, 0);
  if (rc == 0)
    apic__call_launch(call);
  else
    apic__call_end(call, rc);
}

static int remember_cause(apic_call *call, const char *cause)
{
  char **cs = apic__realloc(call->causes, (call->n_causes + 1) * sizeof *cs);
  if (cs == NULL)
    return APIC_ERR_NOMEM;
  call->causes = cs;
  cs[call->n_causes] = apic__strdup(cause);
  if (cs[call->n_causes] == NULL)
    return APIC_ERR_NOMEM;
  call->n_causes++;
  return 0;
}

static void succeed(apic_call *call)
{
  apic_response *r = call->resp;
  call->resp = NULL;
  r->attempts = call->attempts;
  r->causes = call->causes; /* attempts - 1 of them */
  call->causes = NULL;
  call->n_causes = 0;
  apic__client_refund(call->client);
  deliver(call, r, NULL);
}

/* The server's certificate or our TLS set-up was refused: the same on every attempt. */
static int tls_refused(CURLcode rc)
{
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
         rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR ||
         rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || rc == CURLE_SSL_CRL_BADFILE;
}

/* libcurl fails a response header line over CURL_MAX_HTTP_HEADER as out of memory before 8.6
 * (CURLE_TOO_LARGE since): after the request went out and before the headers ended, that is
 * what it means. */
static int header_too_large(const apic_call *call, CURLcode rc, int sent)
{
#if LIBCURL_VERSION_NUM >= 0x080600
  if (rc == CURLE_TOO_LARGE)
    return 1;
#endif
  return rc == CURLE_OUT_OF_MEMORY && sent && !call->head_done;
}

/* A transfer error's code: the connection failed (CONNECT) or was lost once up (CONNECTION_LOST:
 * the server may have acted on the request), a timeout, or else TRANSPORT. (A URL libcurl cannot
 * use never gets this far: parse_url refuses it.) */
static int transfer_code(CURLcode rc)
{
  switch (rc) {
  case CURLE_OUT_OF_MEMORY: return APIC_ERR_NOMEM;
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: return APIC_ERR_CONNECT;
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_PARTIAL_FILE:
  case CURLE_GOT_NOTHING:
  case CURLE_HTTP2_STREAM: return APIC_ERR_CONNECTION_LOST;
  case CURLE_OPERATION_TIMEDOUT: return APIC_ERR_TIMEOUT;
  default: return APIC_ERR_TRANSPORT;
  }
}

/* sent: the request went out (CURLINFO_REQUEST_SIZE). */
static int classify(apic_call *call, CURLcode rc, int sent, char *cause, size_t size)
{
  if (call->aborted) {
    snprintf(cause, size, "the body's reader stopped it");
    return APIC_ERR_CANCELLED;
  }
  if (call->too_large == TOO_BODY) {
    snprintf(cause, size, "response body larger than %zu bytes", call->body_cap);
    return APIC_ERR_TOO_LARGE;
  }
  if (call->too_large == TOO_HEAD || header_too_large(call, rc, sent)) {
    snprintf(cause, size, "response headers larger than %u bytes (%u for one line)", MAX_RESPONSE_HEAD,
             (unsigned)CURL_MAX_HTTP_HEADER);
    return APIC_ERR_TOO_LARGE;
  }
  if (rc != CURLE_OK) {
    snprintf(cause, size, "%s%s%s", curl_easy_strerror(rc), call->errbuf[0] ? ": " : "", call->errbuf);
    call->permanent = tls_refused(rc);
    return transfer_code(rc);
  }
  int status = call->resp->status;
  snprintf(cause, size, "status %d", status);
  if (status >= 300 && status < 400 && status != 304)
    return APIC_ERR_REDIRECT;
  return status >= 400 ? APIC_ERR_HTTP : 0;
}

/* A wait the server asked for (-1: none) that ends the retries. */
static int past_cap(const apic_client *c, int64_t retry_after)
{
  return retry_after >= 0 && (uint64_t)retry_after > c->o.retry_after_cap_ms;
}

/* Whether to try again, and after how long (*delay); may fill *retry_after past its cap. */
static int should_retry(apic_call *call, int code, uint64_t *delay, int64_t *retry_after)
{
  apic_client *c = call->client;
  *retry_after = -1;
  int transient = code == APIC_ERR_CONNECT || code == APIC_ERR_CONNECTION_LOST || code == APIC_ERR_TIMEOUT ||
                  code == APIC_ERR_TRANSPORT || (code == APIC_ERR_HTTP && apic__retryable_status(call->resp));
  if (!transient || !call->may_retry || call->streamed || call->permanent)
    return 0;
  if (call->attempts > call->max_retries)
    return 0;
  if (code == APIC_ERR_HTTP)
    *retry_after = apic__retry_after_ms(call->resp, apic__client_now_ms(c));
  if (past_cap(c, *retry_after))
    return 0;
  *delay = *retry_after >= 0 ? (uint64_t)*retry_after
                             : apic__backoff_ms(&c->o, call->attempts - 1, apic__client_random(c));
  if (call->deadline != 0 && uv_now(call->eng->loop) + *delay >= call->deadline)
    return 0; /* the wait would outlast the call: end with this attempt's error */
  return apic__client_take_token(c);
}

/* CURLINFO_HTTP_VERSION as apic_response_http_version says it: 10, 11, 20, 30; 0 for none. */
static int http_version(long v)
{
  switch (v) {
  case CURL_HTTP_VERSION_1_0: return 10;
  case CURL_HTTP_VERSION_1_1: return 11;
  case CURL_HTTP_VERSION_2_0: return 20;
  case CURL_HTTP_VERSION_3: return 30;
  default: return 0;
  }
}

static void log_attempt(apic_call *call, int level, unsigned attempt, const char *cause, uint64_t took)
{
  apic__client_log(call->client, level, "%s %s attempt %u: %s (%llu ms)", call->method, shown_url(call), attempt,
                   cause, (unsigned long long)took);
}

/* A 3xx: 0 when the call follows it (the next hop waits its turn like a retry, without
 * counting as one), else the code to end with, cause saying why. */
static int follow(apic_call *call, char *cause, size_t size, uint64_t took)
{
  apic__redirect next;
  int rc = apic__redirect_plan(call, &next, cause, size);
  if (rc != 0)
    return rc;
  log_attempt(call, APIC_LOG_INFO, call->attempts + 1, cause, took);
  rc = apic__redirect_apply(call, &next);
  apic__redirect_clear(&next);
  if (rc != 0) {
    snprintf(cause, size, "out of memory following a redirect");
    return rc;
  }
  call->state = CALL_BACKOFF;
  uv_timer_start(&call->backoff, on_backoff_done, 0, 0);
  return 0;
}

/* Whether the header line h is named name (up to its colon, case aside). */
static int line_named(const char *h, const char *name)
{
  size_t n = strcspn(name, ":");
  return apic__strncasecmp(h, name, n) == 0 && h[n] == ':';
}

/* The request's header line named like line, replaced by it (or added). */
static int replace_header(apic_call *call, const char *line)
{
  struct curl_slist *kept = NULL, *l;
  for (struct curl_slist *h = call->headers; h != NULL; h = h->next) {
    if (line_named(h->data, line))
      continue;
    if ((l = curl_slist_append(kept, h->data)) == NULL) {
      curl_slist_free_all(kept);
      return APIC_ERR_NOMEM;
    }
    kept = l;
  }
  if ((l = curl_slist_append(kept, line)) == NULL) {
    curl_slist_free_all(kept);
    return APIC_ERR_NOMEM;
  }
  curl_slist_free_all(call->headers);
  call->headers = l;
  return 0;
}

/* After a 401: once per call, a fresh credential (apic_request.reauth), and the request sent
 * again at once, like a redirect's hop (not counted as a retry). 0 when it is. */
static int refresh_credential(apic_call *call, uint64_t took)
{
  if (call->reauth == NULL || call->reauthed || call->streamed || call->left_origin || call->resp->status != 401)
    return -1;
  call->reauthed = 1;
  apic_client *prev = call->sync ? NULL : apic__client_enter_callback(call->client);
  char *line = call->reauth(call->reauth_ctx);
  if (!call->sync)
    apic__client_leave_callback(prev);
  int rc = line != NULL ? replace_header(call, line) : -1;
  apic__free(line);
  if (rc != 0)
    return -1;
  log_attempt(call, APIC_LOG_INFO, call->attempts + 1, "status 401, sent again with a fresh credential", took);
  call->state = CALL_BACKOFF;
  uv_timer_start(&call->backoff, on_backoff_done, 0, 0);
  return 0;
}

void apic__call_attempt_done(apic_call *call, CURLcode rc)
{
  long status = 0, version = 0, sent = 0;
  if (call->state == CALL_ENDING) { /* cancelled from inside the write callback: the end hop delivers */
    detach(call);
    return;
  }
  curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(call->easy, CURLINFO_HTTP_VERSION, &version);
  curl_easy_getinfo(call->easy, CURLINFO_REQUEST_SIZE, &sent);
  call->resp->status = (int)status;
  call->resp->http_version = http_version(version);
  apic__engine_remove(call->eng, call);
  release_easy(call);
  apic__client_release(call);
  uint64_t took = (uv_hrtime() - call->attempt_start) / 1000000;
  char cause[CURL_ERROR_SIZE + 600];
  int code = classify(call, rc, sent > 0, cause, sizeof cause);
  if (code == APIC_ERR_REDIRECT && (code = follow(call, cause, sizeof cause, took)) == 0)
    return;
  if (code == APIC_ERR_HTTP && refresh_credential(call, took) == 0)
    return;
  call->attempts++;
  log_attempt(call, code == 0 ? APIC_LOG_INFO : APIC_LOG_WARN, call->attempts, cause, took);
  if (code == 0) {
    succeed(call);
    return;
  }
  uint64_t delay = 0;
  int64_t retry_after;
  if (should_retry(call, code, &delay, &retry_after) && remember_cause(call, cause) == 0) {
    call->state = CALL_BACKOFF;
    /* The loop's clock is whole milliseconds, read when this turn of the loop began: brought
     * up to date, and one more millisecond, the wait is never shorter than asked (Retry-After). */
    uv_update_time(call->eng->loop);
    uv_timer_start(&call->backoff, on_backoff_done, delay + 1, 0);
    return;
  }
  apic_error *e = make_error(call, code, cause, call->resp);
  if (e != NULL && past_cap(call->client, retry_after))
    apic_error_prefix(e, "Retry-After beyond the cap");
  deliver(call, NULL, e);
}

/* A "Name: value" line whose name is a token and whose value has no CR, LF or other control. */
static int header_line_ok(const char *h)
{
  const char *colon = h != NULL ? strchr(h, ':') : NULL;
  char name[256];
  if (colon == NULL || colon == h || (size_t)(colon - h) >= sizeof name)
    return 0;
  memcpy(name, h, (size_t)(colon - h));
  name[colon - h] = '\0';
  const char *value = colon + 1;
  while (*value == ' ' || *value == '\t')
    value++;
  return apic_header_check(name, value) == 0;
}

static int append_header(apic_call *call, const char *line)
{
  struct curl_slist *l = curl_slist_append(call->headers, line);
  if (l == NULL)
    return APIC_ERR_NOMEM;
  call->headers = l;
  return 0;
}

/* The request's headers, then the client's User-Agent unless the request has its own. The
 * User-Agent travels as a header line rather than CURLOPT_USERAGENT, which libcurl formats
 * anew for every request (about 2 us of a sync call to a local server). */
static int build_headers(apic_call *call, const apic_request *req, const char *key, apic_error **err)
{
  int own_agent = 0;
  for (size_t i = 0; i < req->n_headers; i++) {
    const char *h = req->headers[i];
    if (!header_line_ok(h)) {
      *err = apic_error_new(APIC_ERR_INVALID_ARG, "header %zu is not one \"Name: value\" line", i);
      return APIC_ERR_INVALID_ARG;
    }
    own_agent |= apic__strncasecmp(h, "User-Agent:", 11) == 0;
    if (append_header(call, h) != 0)
      return APIC_ERR_NOMEM;
  }
  if (!own_agent && append_header(call, call->client->ua_line) != 0)
    return APIC_ERR_NOMEM;
  if (key != NULL) {
    char line[200];
    if (!apic__header_value_ok(key) || strlen(key) > 150) {
      *err = apic_error_new(APIC_ERR_INVALID_ARG, "idempotency key has CR/LF or is too long");
      return APIC_ERR_INVALID_ARG;
    }
    snprintf(line, sizeof line, "Idempotency-Key: %s", key);
    if (append_header(call, line) != 0)
      return APIC_ERR_NOMEM;
  }
  return 0;
}

static void make_key(apic_client *c, char out[33])
{
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++)
    out[i] = hex[(int)(apic__client_random(c) * 16) & 15];
  out[32] = '\0';
}

/* The URL parsed as libcurl parses it (a port in range, brackets closed...), with a host: one
 * that fails here would fail every attempt. Parsed once: libcurl takes the handle
 * (CURLOPT_CURLU) instead of parsing the string again. The URL stays out of the message (it may
 * hold a key). */
static int parse_url(apic_call *call, apic_error **err)
{
  const char *url = call->url;
  if ((call->uh = curl_url()) == NULL)
    return APIC_ERR_NOMEM;
  CURLUcode uc = curl_url_set(call->uh, CURLUPART_URL, url, 0);
  if (uc == CURLUE_OUT_OF_MEMORY)
    return APIC_ERR_NOMEM;
  if (uc == CURLUE_OK && url[strcspn(url, ":") + 3] != '/') /* libcurl takes http:///x for http://x */
    return 0;
  *err = apic_error_new(APIC_ERR_INVALID_ARG, "malformed URL: %s", uc != CURLUE_OK ? curl_url_strerror(uc) : "no host");
  return APIC_ERR_INVALID_ARG;
}

static int check_head_size(const apic_request *req, apic_error **err)
{
  size_t n = strlen(req->url);
  for (size_t i = 0; req->headers != NULL && i < req->n_headers; i++)
    n += req->headers[i] != NULL ? strlen(req->headers[i]) + 2 : 0;
  if (n <= MAX_REQUEST_HEAD)
    return 0;
  *err = apic_error_new(APIC_ERR_INVALID_ARG, "the URL and headers are %zu bytes, over the %u a request may have", n,
                        MAX_REQUEST_HEAD);
  return APIC_ERR_INVALID_ARG;
}

/* Each part named, with data or a path (not both). */
static int parts_ok(const apic_request *req)
{
  if (req->n_parts > 0 && (req->parts == NULL || req->body != NULL))
    return 0;
  for (size_t i = 0; i < req->n_parts; i++) {
    const apic_part *p = &req->parts[i];
    if (p->name == NULL || (p->path != NULL) == (p->data != NULL) || (p->data == NULL && p->len != 0))
      return 0;
  }
  return 1;
}

int apic__parts_copy(const apic_part *from, size_t n, apic_part **out, size_t *n_out)
{
  if (n == 0 || from == NULL) /* NULL: the request is refused when sent (parts_ok) */
    return 0;
  if ((*out = apic__calloc(n, sizeof **out)) == NULL)
    return APIC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++, (*n_out)++) {
    const apic_part *f = &from[i];
    apic_part *to = &(*out)[i];
    const char **texts[] = {&to->name, &to->path, &to->filename, &to->content_type};
    const char *froms[] = {f->name, f->path, f->filename, f->content_type};
    for (int k = 0; k < 4; k++)
      if (froms[k] != NULL && (*texts[k] = apic__strdup(froms[k])) == NULL)
        return APIC_ERR_NOMEM;
    if (f->data != NULL && (to->data = apic__strndup(f->data, f->len)) == NULL)
      return APIC_ERR_NOMEM;
    to->len = f->len;
  }
  return 0;
}

static int check_request(const apic_request *req, apic_error **err)
{
  if (req == NULL || req->method == NULL || req->url == NULL || req->method[0] == '\0' ||
      strpbrk(req->method, " \r\n:") != NULL || (req->body == NULL && req->body_len != 0) || !parts_ok(req) ||
      (req->headers == NULL && req->n_headers != 0) ||
      (strncmp(req->url, "http://", 7) != 0 && strncmp(req->url, "https://", 8) != 0) ||
      strpbrk(req->url, " \r\n") != NULL) {
    *err = apic_error_new(APIC_ERR_INVALID_ARG, "a request needs a method and an http(s) URL");
    return APIC_ERR_INVALID_ARG;
  }
  return check_head_size(req, err);
}

static int fill_call(apic_call *call, const apic_request *req, apic_error **err)
{
  apic_client *c = call->client;
  call->method = apic__strdup(req->method);
  call->url = apic__strdup(req->url);
  call->log_url = req->log_url != NULL ? apic__strdup(req->log_url) : NULL;
  if (call->method == NULL || call->url == NULL || (req->log_url != NULL && call->log_url == NULL))
    return APIC_ERR_NOMEM;
  int rc = parse_url(call, err);
  if (rc != 0)
    return rc;
  if (req->body != NULL) {
    call->body = apic__strndup(req->body, req->body_len);
    if (call->body == NULL)
      return APIC_ERR_NOMEM;
    call->body_len = req->body_len;
  }
  if ((rc = apic__parts_copy(req->parts, req->n_parts, &call->parts, &call->n_parts)) != 0)
    return rc;
  int keyed = req->idempotency_key != NULL ||
              (req->idempotent && !apic__method_idempotent(req->method));
  call->may_retry = apic__method_idempotent(req->method) || req->idempotent || req->idempotency_key != NULL;
  char key[33];
  if (keyed && req->idempotency_key == NULL)
    make_key(c, key);
  rc = build_headers(call, req, keyed ? (req->idempotency_key ? req->idempotency_key : key) : NULL, err);
  if (rc != 0)
    return rc;
  call->max_retries = (unsigned)(req->max_retries >= 0 ? req->max_retries : c->o.max_retries);
  call->attempt_timeout_ms = req->attempt_timeout_ms ? req->attempt_timeout_ms : c->o.attempt_timeout_ms;
  if (call->attempt_timeout_ms == APIC_NO_TIMEOUT)
    call->attempt_timeout_ms = 0; /* none */
  call->body_cap = c->o.max_body;
  call->on_data = req->on_data;
  call->data_user_data = req->data_user_data;
  call->reauth = req->reauth;
  call->reauth_ctx = req->reauth_ctx;
  return 0;
}

/* A call with its timers on eng's loop, ready to be admitted; deadline armed. */
int apic__call_new(apic_client *c, apic__engine *eng, const apic_request *req, apic_call **out,
                   apic_error **err)
{
  *out = NULL;
  int rc = check_request(req, err);
  if (rc != 0)
    return rc;
  apic_call *call = apic__calloc(1, sizeof *call);
  if (call == NULL)
    return APIC_ERR_NOMEM;
  call->client = c;
  call->eng = eng;
  rc = fill_call(call, req, err);
  if (rc != 0) {
    apic__call_free(call);
    if (*err == NULL)
      *err = apic_error_new(rc, "could not start the request");
    return rc;
  }
  uv_timer_init(eng->loop, &call->backoff);
  uv_timer_init(eng->loop, &call->deadline_timer);
  call->backoff.data = call;
  call->deadline_timer.data = call;
  call->open_timers = 2;
  uint64_t total = req->total_timeout_ms ? req->total_timeout_ms : c->o.total_timeout_ms;
  if (total != 0 && total != APIC_NO_TIMEOUT) {
    uv_update_time(eng->loop);
    call->deadline = uv_now(eng->loop) + total;
    uv_timer_start(&call->deadline_timer, on_deadline, total, 0);
  }
  *out = call;
  return 0;
}
