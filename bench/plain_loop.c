/* The reference for the libapic benchmark: a plain hand-written libcurl-multi + libuv loop in
 * the manner of curl's docs/examples/multi-uv.c (a uv_poll_t per socket, one uv_timer_t),
 * sending N GETs with C in flight and parsing each body with cJSON. No pooling of easy
 * handles, no retries, no queue: the least a hand-written client would do.
 * Usage: plain_loop URL N C */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench_common.h"

typedef struct run {
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer;
  const char *url;
  long n, started, done, failures;
} run;

typedef struct sock {
  uv_poll_t poll;
  curl_socket_t fd;
  run *r;
} sock;

typedef struct xfer {
  char *body;
  size_t len, cap;
} xfer;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
  xfer *x = ud;
  size_t n = size * nmemb;
  if (x->len + n + 1 > x->cap) {
    size_t cap = (x->len + n + 1) * 2;
    char *b = realloc(x->body, cap);
    if (!b)
      return 0;
    x->body = b;
    x->cap = cap;
  }
  memcpy(x->body + x->len, p, n);
  x->len += n;
  x->body[x->len] = '\0';
  return n;
}

static void start_one(run *r)
{
  xfer *x = calloc(1, sizeof *x);
  CURL *e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(e, CURLOPT_PRIVATE, x);
  curl_multi_add_handle(r->multi, e);
  r->started++;
}

static void finish(run *r, CURL *e, CURLcode rc)
{
  xfer *x;
  curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
  cJSON *doc = rc == CURLE_OK && x->body ? cJSON_ParseWithLength(x->body, x->len) : NULL;
  if (!cJSON_GetObjectItemCaseSensitive(doc, "id"))
    r->failures++;
  cJSON_Delete(doc);
  curl_multi_remove_handle(r->multi, e);
  curl_easy_cleanup(e);
  free(x->body);
  free(x);
  if (++r->done == r->n)
    uv_stop(r->loop);
  else if (r->started < r->n)
    start_one(r);
}

static void check_multi_info(run *r)
{
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(r->multi, &left)))
    if (m->msg == CURLMSG_DONE)
      finish(r, m->easy_handle, m->data.result);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
  sock *s = h->data;
  int flags = status < 0 ? CURL_CSELECT_ERR : 0;
  flags |= (events & UV_READABLE) ? CURL_CSELECT_IN : 0;
  flags |= (events & UV_WRITABLE) ? CURL_CSELECT_OUT : 0;
  int running;
  curl_multi_socket_action(s->r->multi, s->fd, flags, &running);
  check_multi_info(s->r);
}

static void on_timer(uv_timer_t *t)
{
  run *r = t->data;
  int running;
  curl_multi_socket_action(r->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_multi_info(r);
}

static int timer_fn(CURLM *m, long timeout_ms, void *ud)
{
  (void)m;
  run *r = ud;
  if (timeout_ms < 0)
    uv_timer_stop(&r->timer);
  else
    uv_timer_start(&r->timer, on_timer, (uint64_t)timeout_ms, 0);
  return 0;
}

static void free_sock(uv_handle_t *h) { free(h->data); }

static int socket_fn(CURL *e, curl_socket_t fd, int what, void *ud, void *sockp)
{
  (void)e;
  run *r = ud;
  sock *s = sockp;
  if (what == CURL_POLL_REMOVE) {
    if (s) {
      uv_poll_stop(&s->poll);
      uv_close((uv_handle_t *)&s->poll, free_sock);
      curl_multi_assign(r->multi, fd, NULL);
    }
    return 0;
  }
  if (!s) {
    s = calloc(1, sizeof *s);
    s->fd = fd;
    s->r = r;
    uv_poll_init_socket(r->loop, &s->poll, fd);
    s->poll.data = s;
    curl_multi_assign(r->multi, fd, s);
  }
  int events = (what & CURL_POLL_IN ? UV_READABLE : 0) | (what & CURL_POLL_OUT ? UV_WRITABLE : 0);
  uv_poll_start(&s->poll, events, on_poll);
  return 0;
}

static void close_any(uv_handle_t *h, void *arg)
{
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, h->type == UV_POLL ? free_sock : NULL);
}

int main(int argc, char **argv)
{
  run r = {.url = argv[1]};
  long c;
  if (bench_args(argc, argv, &r.n, &c) != 0) {
    fputs("usage: plain_loop URL N C\n", stderr);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  uv_loop_t loop;
  uv_loop_init(&loop);
  r.loop = &loop;
  uv_timer_init(&loop, &r.timer);
  r.timer.data = &r;
  r.multi = curl_multi_init();
  curl_multi_setopt(r.multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
  curl_multi_setopt(r.multi, CURLMOPT_SOCKETDATA, &r);
  curl_multi_setopt(r.multi, CURLMOPT_TIMERFUNCTION, timer_fn);
  curl_multi_setopt(r.multi, CURLMOPT_TIMERDATA, &r);
  double t0 = bench_now_s();
  while (r.started < c && r.started < r.n)
    start_one(&r);
  uv_run(&loop, UV_RUN_DEFAULT);
  double secs = bench_now_s() - t0;
  curl_multi_cleanup(r.multi); /* closes the cached connections through socket_fn */
  uv_walk(&loop, close_any, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  curl_global_cleanup();
  bench_report("plain_loop", r.n, c, secs, r.failures + (r.done != r.n));
  return r.failures || r.done != r.n;
}
