/* libapic-mock: the clock thread. A connection that must wait (a delay, a stall, the pause
 * between SSE events) is suspended, so the event loop that serves it goes on serving the others,
 * and the clock resumes it when its time comes. The clock also closes every connection whose
 * request has not arrived whole read_timeout_ms after the connection opened or its previous
 * answer ended: a client trickling a header byte every few seconds (slowloris) or sending
 * nothing holds its connection no longer than that. And one whose client ended its side while
 * no request was being answered is shut down on the next pass but one (a second or two):
 * libmicrohttpd's edge-triggered epoll loop may never read the end of stream that came with the
 * last data, which would leave the connection open until the read deadline. */
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "mock_internal.h"

#define IDLE_TICK_MS 1000u /* the longest the thread sleeps */
#define RESUME_BATCH 64    /* connections resumed per pass (the lock is dropped to resume them) */
#define PROBE_MS 1000u     /* how often a connection not being answered is checked for its client's
                              end of stream: one recv each, 10,000 a second for 10,000 of them */

struct mock_sock {
  mock_sock *prev, *next;
  struct MHD_Connection *c;
  int fd;
  uint64_t since_ms; /* when it began waiting for a request */
  uint64_t wake_ms;  /* suspended until then; 0 = not suspended */
  int busy;          /* a request is being answered: the read deadline does not apply */
  int cut;           /* shut down for missing the deadline, or for its client's end of stream */
  int eof;           /* the previous probe saw the client's end of stream */
  uint64_t probed_ms; /* when it was last probed (gone) */
};

uint64_t apic_mock__now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Whether the client ended its side: nothing left unread and the end of stream (a peek reads
 * none of it, and never blocks). */
static int ended(int fd)
{
  char b;
  return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* A connection's client ended its side, seen by two probes PROBE_MS apart while no request was
 * being answered: a request that arrived whole just before its end of stream (a client may
 * half-close once it has sent one) is being answered by the second. */
static int gone(mock_sock *s, uint64_t now)
{
  if (now < s->probed_ms + PROBE_MS)
    return 0;
  s->probed_ms = now;
  int was = s->eof;
  s->eof = ended(s->fd);
  return was && s->eof;
}

/* One pass over the connections, with the lock held: those due to wake go into due (their wake
 * cleared), those past the read deadline are shut down (libmicrohttpd then sees the end of the
 * stream and closes them itself). Returns how many are due and sets k->next_ms. */
static size_t pass(mock_clock *k, uint64_t now, struct MHD_Connection **due)
{
  size_t n = 0;
  k->next_ms = now + IDLE_TICK_MS;
  for (mock_sock *s = k->socks; s != NULL; s = s->next) {
    if (s->wake_ms != 0 && (s->wake_ms <= now || k->stopping)) {
      if (n < RESUME_BATCH) /* else the next pass, at once, takes it */
        due[n++] = s->c, s->wake_ms = 0;
    } else if (s->wake_ms != 0 && s->wake_ms < k->next_ms)
      k->next_ms = s->wake_ms;
    if (!s->busy && !s->cut && k->read_timeout_ms > 0) {
      uint64_t end = s->since_ms + k->read_timeout_ms;
      if (end <= now || gone(s, now)) {
        shutdown(s->fd, SHUT_RDWR); /* the lock keeps the descriptor from being closed meanwhile */
        s->cut = 1;
      } else if (end < k->next_ms)
        k->next_ms = end;
    }
  }
  return n;
}

static void *run(void *arg)
{
  mock_clock *k = arg;
  struct MHD_Connection *due[RESUME_BATCH];
  pthread_mutex_lock(&k->lock);
  for (;;) {
    size_t n = pass(k, apic_mock__now_ms(), due);
    if (n > 0) { /* a suspended connection stays open until resumed, so c outlives the unlock */
      pthread_mutex_unlock(&k->lock);
      for (size_t i = 0; i < n; i++)
        MHD_resume_connection(due[i]);
      pthread_mutex_lock(&k->lock);
      continue;
    }
    if (k->stopping)
      break;
    struct timespec until = {(time_t)(k->next_ms / 1000u), (long)(k->next_ms % 1000u) * 1000000L};
    pthread_cond_timedwait(&k->cond, &k->lock, &until);
  }
  pthread_mutex_unlock(&k->lock);
  return NULL;
}

int apic_mock__clock_start(mock_clock *k, unsigned read_timeout_ms)
{
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&k->cond, &attr);
  pthread_condattr_destroy(&attr);
  pthread_mutex_init(&k->lock, NULL);
  k->inited = 1;
  k->read_timeout_ms = read_timeout_ms;
  k->running = pthread_create(&k->thread, NULL, run, k) == 0;
  return k->running ? 0 : -1;
}

/* Resumes every waiting connection and ends the thread; from then on nothing waits (see
 * apic_mock__wait), so the daemon can be stopped with no connection suspended. */
void apic_mock__clock_stop(mock_clock *k)
{
  if (!k->running)
    return;
  pthread_mutex_lock(&k->lock);
  k->stopping = 1;
  pthread_cond_signal(&k->cond);
  pthread_mutex_unlock(&k->lock);
  pthread_join(k->thread, NULL);
  k->running = 0;
}

/* After the daemon stopped: every connection is closed by then. */
void apic_mock__clock_free(mock_clock *k)
{
  if (!k->inited)
    return;
  pthread_cond_destroy(&k->cond);
  pthread_mutex_destroy(&k->lock);
}

/* libmicrohttpd's connection notifications: a record per open connection. */
void apic_mock__on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
  mock_clock *k = cls;
  mock_sock *s = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    if ((s = calloc(1, sizeof *s)) == NULL)
      return; /* untracked: it has no read deadline, nothing else changes */
    s->c = c;
    s->fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
    s->since_ms = apic_mock__now_ms();
    pthread_mutex_lock(&k->lock);
    s->next = k->socks;
    if (k->socks != NULL)
      k->socks->prev = s;
    k->socks = s;
    pthread_mutex_unlock(&k->lock);
    *socket_context = s;
  } else if (s != NULL) { /* closed: called before the descriptor is */
    pthread_mutex_lock(&k->lock);
    if (s->prev != NULL)
      s->prev->next = s->next;
    else
      k->socks = s->next;
    if (s->next != NULL)
      s->next->prev = s->prev;
    pthread_mutex_unlock(&k->lock);
    free(s);
    *socket_context = NULL;
  }
}

mock_sock *apic_mock__sock(struct MHD_Connection *c)
{
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info != NULL ? info->socket_context : NULL;
}

/* busy: a request arrived whole; not busy: its answer ended, the next request's time starts. */
void apic_mock__sock_busy(mock_clock *k, mock_sock *s, int busy)
{
  if (s == NULL)
    return;
  pthread_mutex_lock(&k->lock);
  s->busy = busy;
  s->eof = 0, s->probed_ms = apic_mock__now_ms();
  if (!busy)
    s->since_ms = apic_mock__now_ms();
  pthread_mutex_unlock(&k->lock);
}

/* Suspends c for ms (at most MOCK_MAX_WAIT_MS): 1, and libmicrohttpd calls back once the clock
 * resumed it; 0 when there is nothing to wait for or the mock is stopping (go on at once). */
int apic_mock__wait(mock_clock *k, mock_sock *s, struct MHD_Connection *c, unsigned ms)
{
  if (ms == 0 || s == NULL)
    return 0;
  uint64_t at = apic_mock__now_ms() + (ms < MOCK_MAX_WAIT_MS ? ms : MOCK_MAX_WAIT_MS);
  pthread_mutex_lock(&k->lock);
  int waits = !k->stopping;
  if (waits) {
    MHD_suspend_connection(c);
    s->wake_ms = at;
    if (at < k->next_ms)
      pthread_cond_signal(&k->cond);
  }
  pthread_mutex_unlock(&k->lock);
  return waits;
}
