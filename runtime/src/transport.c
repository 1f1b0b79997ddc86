/* libcurl's multi interface on a libuv loop (after curl's docs/examples/multi-uv.c): one
 * uv_poll_t per socket, kept with curl_multi_assign, and one uv_timer_t.
 *
 * libcurl stops watching a socket whenever its connection goes back to the cache (after every
 * request) and watches it again for the next. Closing the uv_poll_t each time and making a new
 * one costs an ioctl and two epoll_ctl calls per request; on a loop that holds only libapic's
 * handles (a sync call's, or a client's own) the handle is instead stopped and parked, and
 * restarted when libcurl asks for the same descriptor again. Not on a caller's loop: if
 * libcurl closed the descriptor meanwhile and the application's own handles reused the
 * number, closing the parked handle would take that descriptor out of the loop's epoll set. */
#include <stdlib.h>

#include "engine.h"
#include "internal.h"

typedef struct sock {
  uv_poll_t poll;
  curl_socket_t fd;
  apic__engine *eng;
  int parked;               /* stopped: libcurl no longer watches fd (see above) */
  struct sock *prev, *next; /* the engine's open sockets */
} sock;

#define PARKED_MAX 64

static void sock_unlink(sock *s)
{
  if (s->prev != NULL)
    s->prev->next = s->next;
  else
    s->eng->socks = s->next;
  if (s->next != NULL)
    s->next->prev = s->prev;
}

static void sock_close(sock *s);

static void handle_closed(apic__engine *eng)
{
  if (--eng->open_handles == 0 && eng->on_closed != NULL)
    eng->on_closed(eng);
}

static void sock_closed(uv_handle_t *h)
{
  sock *s = h->data;
  apic__engine *eng = s->eng;
  apic__free(s);
  handle_closed(eng);
}

static void timer_closed(uv_handle_t *h)
{
  handle_closed(h->data);
}

/* A socket callback failed (out of memory): libcurl marks the multi dead and will never finish
 * its transfers, so end each one here rather than leave its call waiting forever. */
static void fail_all(apic__engine *eng)
{
  while (eng->running != NULL)
    apic__call_attempt_done(eng->running, CURLE_OUT_OF_MEMORY);
}

/* Hands finished transfers to their calls; a call may start or end others meanwhile. */
static void drain_messages(apic__engine *eng, CURLMcode mc)
{
  if (mc != CURLM_OK) {
    fail_all(eng);
    return;
  }
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(eng->multi, &left)) != NULL) {
    if (m->msg != CURLMSG_DONE)
      continue;
    apic_call *call = NULL;
    CURL *easy = m->easy_handle;
    CURLcode rc = m->data.result;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
    apic__call_attempt_done(call, rc);
  }
}

static void sock_close(sock *s)
{
  s->eng->n_parked -= s->parked;
  sock_unlink(s);
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, sock_closed);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
  sock *s = p->data;
  int flags = 0;
  int running;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE)
    flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;
  apic__engine *eng = s->eng;
  drain_messages(eng, curl_multi_socket_action(eng->multi, s->fd, flags, &running));
}

static void on_timer(uv_timer_t *t)
{
  apic__engine *eng = t->data;
  int running;
  drain_messages(eng, curl_multi_socket_action(eng->multi, CURL_SOCKET_TIMEOUT, 0, &running));
}

/* libcurl no longer watches s (it may close the descriptor next): stop polling now. */
static void sock_release(sock *s)
{
  apic__engine *eng = s->eng;
  curl_multi_assign(eng->multi, s->fd, NULL);
  if (!eng->keep_socks || eng->n_parked >= PARKED_MAX) {
    sock_close(s);
    return;
  }
  uv_poll_stop(&s->poll); /* no system call: libuv drops the registration lazily */
  s->parked = 1;
  eng->n_parked++;
}

static sock *unpark(apic__engine *eng, curl_socket_t fd)
{
  for (sock *s = eng->socks; s != NULL; s = s->next)
    if (s->parked && s->fd == fd) {
      s->parked = 0;
      eng->n_parked--;
      return s;
    }
  return NULL;
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
  apic__engine *eng = userp;
  sock *s = socketp;
  (void)easy;
  if (what == CURL_POLL_REMOVE) {
    if (s != NULL)
      sock_release(s);
    return 0;
  }
  if (s == NULL && (s = unpark(eng, fd)) != NULL)
    curl_multi_assign(eng->multi, fd, s);
  if (s == NULL) {
    s = apic__calloc(1, sizeof *s);
    if (s == NULL)
      return -1;
    if (uv_poll_init_socket(eng->loop, &s->poll, fd) != 0) {
      apic__free(s);
      return -1;
    }
    s->fd = fd;
    s->eng = eng;
    s->poll.data = s;
    s->next = eng->socks;
    if (s->next != NULL)
      s->next->prev = s;
    eng->socks = s;
    eng->open_handles++;
    curl_multi_assign(eng->multi, fd, s);
  }
  int events = 0;
  if (what & CURL_POLL_IN)
    events |= UV_READABLE;
  if (what & CURL_POLL_OUT)
    events |= UV_WRITABLE;
  return uv_poll_start(&s->poll, events, on_poll) == 0 ? 0 : -1;
}

/* Never calls libcurl here: even a 0 ms timeout is a timer, which libuv runs on its next loop
 * iteration (not from inside this call). Rounding 0 up to 1 ms, as curl's multi-uv.c does,
 * costs a sync call about 1.5 ms of sleeping per request. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
  apic__engine *eng = userp;
  (void)multi;
  if (timeout_ms < 0)
    return uv_timer_stop(&eng->timer);
  return uv_timer_start(&eng->timer, on_timer, (uint64_t)timeout_ms, 0);
}

int apic__engine_init(apic__engine *eng, uv_loop_t *loop, void *owner, uv_async_cb wakeup,
                      int keep_socks)
{
  eng->loop = loop;
  eng->keep_socks = keep_socks;
  eng->n_parked = 0;
  eng->owner = owner;
  eng->open_handles = 0;
  eng->on_closed = NULL;
  eng->socks = NULL;
  eng->running = NULL;
  eng->has_wakeup = wakeup != NULL;
  eng->multi = curl_multi_init();
  if (eng->multi == NULL)
    return APIC_ERR_NOMEM;
  if (wakeup != NULL) { /* the one handle whose init can fail (an eventfd) */
    if (uv_async_init(loop, &eng->wakeup, wakeup) != 0) {
      curl_multi_cleanup(eng->multi);
      return APIC_ERR_NOMEM;
    }
    eng->wakeup.data = owner;
    uv_unref((uv_handle_t *)&eng->wakeup); /* a caller's loop may end while the client idles */
    eng->open_handles++;
  }
  uv_timer_init(loop, &eng->timer); /* timers cannot fail once the loop is up */
  eng->timer.data = eng;
  uv_timer_init(loop, &eng->rate_timer);
  eng->rate_timer.data = owner;
  eng->open_handles += 2;
  curl_multi_setopt(eng->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
  curl_multi_setopt(eng->multi, CURLMOPT_SOCKETDATA, eng);
  curl_multi_setopt(eng->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  curl_multi_setopt(eng->multi, CURLMOPT_TIMERDATA, eng);
  curl_multi_setopt(eng->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  return 0;
}

void apic__engine_close(apic__engine *eng, void (*on_closed)(apic__engine *eng))
{
  eng->on_closed = on_closed;
  curl_multi_cleanup(eng->multi); /* may report CURL_POLL_REMOVE for sockets still open */
  eng->multi = NULL;
  while (eng->socks != NULL) /* those curl did not report */
    sock_close(eng->socks);
  uv_timer_stop(&eng->timer);
  uv_close((uv_handle_t *)&eng->timer, timer_closed);
  eng->rate_timer.data = eng;
  uv_close((uv_handle_t *)&eng->rate_timer, timer_closed);
  if (eng->has_wakeup) {
    eng->wakeup.data = eng;
    uv_close((uv_handle_t *)&eng->wakeup, timer_closed);
  }
}

/* Adds the call's transfer; a failure ends the attempt at once. */
void apic__engine_add(apic__engine *eng, apic_call *call)
{
  call->rprev = NULL;
  call->rnext = eng->running;
  if (call->rnext != NULL)
    call->rnext->rprev = call;
  eng->running = call;
  if (curl_multi_add_handle(eng->multi, call->easy) != CURLM_OK)
    apic__call_attempt_done(call, CURLE_OUT_OF_MEMORY);
}

void apic__engine_remove(apic__engine *eng, apic_call *call)
{
  curl_multi_remove_handle(eng->multi, call->easy);
  if (call->rprev != NULL)
    call->rprev->rnext = call->rnext;
  else
    eng->running = call->rnext;
  if (call->rnext != NULL)
    call->rnext->rprev = call->rprev;
  call->rprev = call->rnext = NULL;
}
