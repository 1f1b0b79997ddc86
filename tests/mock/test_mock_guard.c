/* libapic-mock under attack: slow and idle connections from another client address (127.0.0.2;
 * the per-client limit counts per address) while a normal client on 127.0.0.1 keeps getting its
 * answers; the read deadline and the per-client limit close what they should; a request that
 * waits (a delay fault) holds no thread. The attacker is tests/mock/slowloris run as a child:
 * it stops by itself after its SECONDS, and the teardown kills it if a test failed first. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"
#include "mock_proc.h"

#define AUTH "Authorization: Bearer k"
#define ANSWER_WITHIN_S 5L /* generous: the aim is well under a second, a busy machine aside */

static mp_child attacker = {0, -1, 0, "", ""};

static int kill_attacker(void **state)
{
  (void)state;
  mp_kill(&attacker);
  return 0;
}

/* Starts the attacker on m from 127.0.0.2; returns how many connections it has up. */
static int attack(apic_mock *m, const char *connections, const char *seconds, const char *interval_ms)
{
  char port[16], line[128];
  int up = -1;
  snprintf(port, sizeof port, "%u", (unsigned)apic_mock_port(m));
  char *args[] = {(char *)SLOWLORIS,   (char *)"127.0.0.1", port, (char *)"/api/v1/tasks", (char *)connections,
                  (char *)seconds, (char *)interval_ms, (char *)"127.0.0.2", NULL};
  mp_spawn(args, &attacker);
  assert_true(mp_read_line(&attacker, 20000, line, sizeof line));
  assert_int_equal(sscanf(line, "ready %d", &up), 1);
  return up;
}

/* Its last line: "done: opened N, closed by the server K, open at the end M"; K. */
static unsigned long attack_ends(void)
{
  char line[160];
  unsigned long opened = 0, closed = 0;
  int open = 0;
  assert_true(mp_read_line(&attacker, 60000, line, sizeof line));
  assert_int_equal(sscanf(line, "done: opened %lu, closed by the server %lu, open at the end %d", &opened, &closed,
                          &open),
                   3);
  assert_int_equal(mp_wait(&attacker, 10000), 0);
  mp_kill(&attacker);
  return closed;
}

static size_t discard(char *d, size_t s, size_t n, void *cls)
{
  (void)d, (void)cls;
  return s * n;
}

/* GET /tasks as a normal client, on a new connection each time: its status (0: no answer within
 * ANSWER_WITHIN_S). */
static long normal_get(apic_mock *m)
{
  char url[512];
  long status = 0;
  snprintf(url, sizeof url, "%s/tasks", apic_mock_url(m));
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, AUTH);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, ANSWER_WITHIN_S);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

/* Normal requests, one after another, count of them: each must be answered. */
static void answered(apic_mock *m, int count)
{
  for (int i = 0; i < count; i++) {
    long status = normal_get(m);
    if (status != 200)
      fprintf(stderr, "normal request %d of %d: status %ld\n", i + 1, count, status);
    assert_int_equal(status, 200);
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
  }
}

/* /__mock/stats says no request is active (bounded wait: about 10 s). */
static int settles(apic_mock *m)
{
  for (int i = 0; i < 500; i++) {
    mt_resp r;
    mt_req(m, "GET", "/__mock/stats", NULL, NULL, &r);
    cJSON *j = mt_json(&r);
    int idle = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "active")) == 0;
    cJSON_Delete(j);
    mt_free(&r);
    if (idle)
      return 1;
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  }
  return 0;
}

/* 300 connections trickling a header line every second (slowloris) for 3 s. */
static void slow_headers(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  assert_true(attack(m, "300", "3", "1000") >= 290);
  answered(m, 10);
  attack_ends();
  answered(m, 1);
  assert_true(settles(m));
  apic_mock_stop(m);
}

/* 10,000 connections that send nothing, for 3 s: most are refused at once by the per-client
 * limit, the rest wait for their read deadline. */
static void idle_connections(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  int up = attack(m, "10000", "3", "0");
  printf("idle connections up: %d\n", up);
  assert_true(up >= 1000); /* fewer only where the descriptor limit is very low */
  answered(m, 10);
  assert_true(attack_ends() > 0);
  answered(m, 1);
  apic_mock_stop(m);
}

/* With a 1 s read deadline and 20 connections per client: of 40 trickling connections, 20 are
 * refused at once and the other 20 closed at their deadline (and so on, as they come back). */
static void deadline_and_client_limit(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.read_timeout_ms = 1000;
  o.max_per_client = 20;
  apic_mock *m = mt_start("torale", &o);
  attack(m, "40", "3", "300");
  answered(m, 5);
  unsigned long closed = attack_ends();
  printf("closed by the server: %lu\n", closed);
  assert_true(closed >= 40);
  apic_mock_stop(m);
}

typedef struct delayed { /* a request that waits on a fault's delay, in its own thread */
  apic_mock *m;
  long status;
  struct timespec done;
} delayed;

static void *delayed_get(void *arg)
{
  delayed *d = arg;
  mt_resp r;
  mt_req(d->m, "GET", "/notifications", NULL, AUTH, &r);
  d->status = r.status;
  clock_gettime(CLOCK_MONOTONIC, &d->done);
  mt_free(&r);
  return NULL;
}

static int before(const struct timespec *a, const struct timespec *b)
{
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* One event loop, 8 requests held by a 1.5 s delay: all 8 are in progress at once, and a
 * request to another path is answered before any of them. */
static void waits_hold_no_thread(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.threads = 1;
  apic_mock *m = mt_start("torale", &o);
  mt_fault(m, "{\"path\":\"/notifications\",\"delay_ms\":1500,\"times\":8}");
  delayed d[8];
  pthread_t th[8];
  for (int i = 0; i < 8; i++) {
    d[i].m = m, d[i].status = 0;
    assert_int_equal(pthread_create(&th[i], NULL, delayed_get, &d[i]), 0);
  }
  nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
  mt_resp r;
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  struct timespec quick;
  clock_gettime(CLOCK_MONOTONIC, &quick);
  int first = 1;
  for (int i = 0; i < 8; i++) {
    pthread_join(th[i], NULL);
    first &= before(&quick, &d[i].done);
  }
  assert_int_equal(r.status, 200);
  mt_free(&r);
  for (int i = 0; i < 8; i++)
    assert_int_equal(d[i].status, 200);
  assert_true(first);
  mt_req(m, "GET", "/__mock/stats", NULL, NULL, &r);
  cJSON *j = mt_json(&r);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "peak_concurrent")) >= 8);
  cJSON_Delete(j);
  mt_free(&r);
  apic_mock_stop(m);
}

/* Sends text on a new connection to the mock, then ends the client's side (half-close); what
 * came back before the server closed (NUL-terminated in buf), and how long the server took to
 * close, in ms (at most within_s seconds: then -1). */
static long half_closed(apic_mock *m, const char *text, char *buf, size_t size, long within_s)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET, a.sin_port = htons(apic_mock_port(m)), a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {within_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t)strlen(text));
  shutdown(fd, SHUT_WR);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t got = 0;
  ssize_t n;
  while ((n = recv(fd, buf + got, size - 1 - got, 0)) > 0)
    got += (size_t)n;
  buf[got] = '\0';
  clock_gettime(CLOCK_MONOTONIC, &t1);
  close(fd);
  if (n < 0)
    return -1; /* still open */
  return (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
}

/* A client that ends its side in the middle of a request is closed within a couple of clock
 * ticks (1 s each), not at the 10 s read deadline (libmicrohttpd's epoll loop can miss the end
 * of stream that came with the last data; the clock sees it). One that ends its side after a
 * whole request is still answered. */
static void half_closed_requests(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL); /* the read deadline is 10 s */
  char buf[8192];
  long ms = half_closed(m, "GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\n" AUTH "\r\n", buf, sizeof buf, 6);
  printf("a request cut short by a half-close: closed after %ld ms\n", ms);
  assert_true(ms >= 0);
  assert_string_equal(buf, "");
  ms = half_closed(m, "GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\n" AUTH "\r\n\r\n", buf, sizeof buf, 6);
  assert_true(ms >= 0);
  assert_true(strncmp(buf, "HTTP/1.1 200", 12) == 0);
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(slow_headers, kill_attacker),
    cmocka_unit_test_teardown(idle_connections, kill_attacker),
    cmocka_unit_test_teardown(deadline_and_client_limit, kill_attacker),
    cmocka_unit_test(waits_hold_no_thread),
    cmocka_unit_test(half_closed_requests),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
