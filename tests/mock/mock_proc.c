/* Test helpers for mock servers run as programs (see mock_proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_proc.h"

#define STALL_MS 1500 /* how long the answer in flight stays half sent */

void mp_spawn_err(char *const argv[], const char *err_path, mp_child *ch)
{
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  ch->port = 0;
  ch->pid = fork();
  assert_true(ch->pid >= 0);
  if (ch->pid == 0) {
    int err = err_path != NULL ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
    if (err >= 0)
      dup2(err, 2), close(err);
    dup2(fds[1], 1);
    close(fds[0]), close(fds[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  ch->out = fds[0];
}

void mp_spawn(char *const argv[], mp_child *ch)
{
  mp_spawn_err(argv, NULL, ch);
}

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mp_read_line(mp_child *ch, int timeout_ms, char *line, size_t size)
{
  long deadline = now_ms() + timeout_ms;
  size_t n = 0;
  int ended = 0;
  while (n + 1 < size && now_ms() < deadline) { /* a byte at a time: stop at the newline */
    struct pollfd p = {ch->out, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0)
      continue;
    if (read(ch->out, line + n, 1) != 1 || line[n] == '\n') {
      ended = 1;
      break;
    }
    n++;
  }
  line[n] = '\0';
  return ended;
}

unsigned short mp_listening(mp_child *ch)
{
  char line[3][400];
  for (int i = 0; i < 3; i++)
    if (!mp_read_line(ch, 10000, line[i], sizeof line[i]))
      return 0;
  unsigned port = 0;
  if (sscanf(line[0], "listening on 127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535 ||
      strncmp(line[1], "base URL: ", 10) != 0 || strncmp(line[2], "admin token: ", 13) != 0)
    return 0;
  snprintf(ch->url, sizeof ch->url, "%.300s", line[1] + 10);
  snprintf(ch->token, sizeof ch->token, "%.128s", line[2] + 13);
  return ch->port = (unsigned short)port;
}

int mp_wait(mp_child *ch, int timeout_ms)
{
  for (long deadline = now_ms() + timeout_ms; ch->pid > 0 && now_ms() < deadline;) {
    int st = 0;
    if (waitpid(ch->pid, &st, WNOHANG) == ch->pid) {
      ch->pid = 0;
      return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
  mp_kill(ch);
  return -1;
}

void mp_output(mp_child *ch, char *buf, size_t size)
{
  size_t n = 0;
  ssize_t got;
  while (n + 1 < size && (got = read(ch->out, buf + n, size - 1 - n)) != 0) {
    if (got < 0 && errno != EINTR)
      break;
    n += got > 0 ? (size_t)got : 0;
  }
  buf[n] = '\0';
}

void mp_kill(mp_child *ch)
{
  if (ch->pid > 0) {
    kill(ch->pid, SIGKILL);
    waitpid(ch->pid, NULL, 0);
    ch->pid = 0;
  }
  if (ch->out >= 0)
    close(ch->out);
  ch->out = -1;
}

typedef struct flight { /* the request kept in flight, shared with its thread */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  char url[400];
  const char *hdr;
  size_t got;
  int done;
  long status;
  curl_off_t length;
} flight;

static size_t on_data(char *d, size_t s, size_t n, void *cls)
{
  flight *f = cls;
  (void)d;
  pthread_mutex_lock(&f->lock);
  f->got += s * n;
  pthread_cond_signal(&f->cond);
  pthread_mutex_unlock(&f->lock);
  return s * n;
}

static void *fly(void *arg)
{
  flight *f = arg;
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, f->hdr);
  curl_easy_setopt(c, CURLOPT_URL, f->url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  curl_off_t length = -1;
  if (curl_easy_perform(c) == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  pthread_mutex_lock(&f->lock);
  f->status = status, f->length = length, f->done = 1;
  pthread_cond_signal(&f->cond);
  pthread_mutex_unlock(&f->lock);
  return NULL;
}

static size_t discard(char *d, size_t s, size_t n, void *cls)
{
  (void)d, (void)cls;
  return s * n;
}

static long post_fault(const mp_child *ch, const char *json)
{
  char url[400], token[160];
  long status = 0;
  snprintf(url, sizeof url, "%s/__mock/faults", ch->url);
  snprintf(token, sizeof token, "X-Mock-Token: %s", ch->token);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, token);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

/* Waits (up to 10 s) until the first bytes of the answer arrived or the request ended; whether
 * some arrived. */
static int wait_first_bytes(flight *f)
{
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&f->lock);
  while (f->got == 0 && !f->done)
    if (pthread_cond_timedwait(&f->cond, &f->lock, &until) != 0)
      break;
  int started = f->got > 0;
  pthread_mutex_unlock(&f->lock);
  return started;
}

void mp_sigterm_in_flight(mp_child *ch, const char *path, const char *hdr)
{
  char fault[256];
  snprintf(fault, sizeof fault, "{\"method\":\"GET\",\"path\":\"%s\",\"stall_ms\":%d}", path, STALL_MS);
  assert_int_equal(post_fault(ch, fault), 201);
  flight f;
  memset(&f, 0, sizeof f);
  pthread_mutex_init(&f.lock, NULL);
  pthread_cond_init(&f.cond, NULL);
  snprintf(f.url, sizeof f.url, "%s%s", ch->url, path);
  f.hdr = hdr;
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, fly, &f), 0);
  /* Half the body is in and the server sleeps STALL_MS before the rest; a machine slow enough
   * to let the stall pass first makes this an ordinary request, never a false failure. No
   * assertion before the join: the thread uses f. */
  int started = wait_first_bytes(&f);
  int killed = started && kill(ch->pid, SIGTERM) == 0;
  pthread_join(th, NULL); /* bounded by the request's own 20 s timeout */
  pthread_cond_destroy(&f.cond);
  pthread_mutex_destroy(&f.lock);
  assert_true(started);
  assert_true(killed);
  assert_int_equal(f.status, 200); /* finished, not cut */
  assert_true(f.length > 1);
  assert_int_equal((curl_off_t)f.got, f.length);
  assert_int_equal(mp_wait(ch, 10000), 0);
}
