/* The runtime suites' bare TCP server (see rt_raw.h). */
#include "rt_raw.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNECTIONS 8

struct rt_raw {
  int fd;
  pthread_t thread;
  const char *head;
  size_t fill;
  int reset;
  char url[64];
  atomic_uint count;
};

/* Reads until the blank line that ends the request head (or the peer stops sending). */
static void read_head(int c)
{
  char buf[4096];
  size_t used = 0;
  while (used < sizeof buf - 1) {
    ssize_t n = recv(c, buf + used, sizeof buf - 1 - used, 0);
    if (n <= 0)
      return;
    used += (size_t)n;
    buf[used] = '\0';
    if (strstr(buf, "\r\n\r\n") != NULL)
      return;
  }
}

/* Sends n bytes, stopping early when the client has gone (it may refuse the rest). */
static int send_all(int c, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t k = send(c, p, n, MSG_NOSIGNAL);
    if (k <= 0)
      return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static void answer(rt_raw *r, int c)
{
  static char xs[65536];
  memset(xs, 'x', sizeof xs);
  read_head(c);
  int ok = send_all(c, r->head, strlen(r->head)) == 0;
  for (size_t left = r->fill; ok && left > 0;) {
    size_t n = left < sizeof xs ? left : sizeof xs;
    ok = send_all(c, xs, n) == 0;
    left -= n;
  }
  if (r->reset) {
    struct linger l = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  close(c);
}

static void *serve(void *arg)
{
  rt_raw *r = arg;
  for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
    int c = accept(r->fd, NULL, NULL);
    if (c < 0)
      break; /* rt_raw_stop shut the socket down */
    answer(r, c);
    r->count++;
  }
  return NULL;
}

rt_raw *rt_raw_start(const char *head, size_t fill, int reset)
{
  rt_raw *r = calloc(1, sizeof *r);
  if (r == NULL)
    return NULL;
  *r = (rt_raw){.head = head, .fill = fill, .reset = reset};
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(r->fd, 8) != 0 ||
      getsockname(r->fd, (struct sockaddr *)&a, &len) != 0 || pthread_create(&r->thread, NULL, serve, r) != 0) {
    if (r->fd >= 0)
      close(r->fd);
    free(r);
    return NULL;
  }
  snprintf(r->url, sizeof r->url, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
  return r;
}

void rt_raw_stop(rt_raw *r)
{
  if (r == NULL)
    return;
  shutdown(r->fd, SHUT_RDWR); /* wakes the accept */
  pthread_join(r->thread, NULL);
  close(r->fd);
  free(r);
}

const char *rt_raw_url(rt_raw *r)
{
  return r->url;
}

unsigned rt_raw_count(rt_raw *r)
{
  return r->count;
}
