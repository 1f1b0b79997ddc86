/* libapic-mock over real HTTP: a seeded mutation loop of paths, queries and JSON bodies (every
 * answer a 2xx or one of the mock's 4xx, never a 5xx or a dropped connection), then malformed
 * HTTP on raw sockets (garbage, broken lengths and chunks, huge lines, random bytes). Afterwards
 * the server still answers and no request is left counted as active (stop would wait for it). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

#define AUTH "Authorization: Bearer k"
#define HTTP_ROUNDS 300
#define RAW_ROUNDS 60

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n) /* xorshift64: the same sequence every run */
{
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return (unsigned)(rng_state % n);
}

/* Valid Torale requests to start from ({id}: the task made first); body: an index in bodies. */
static const struct {
  const char *method, *path;
  int body;
} seeds[] = {
  {"POST", "/tasks", 0},
  {"GET", "/tasks/%s", -1},
  {"GET", "/tasks?limit=1&cursor=1&tags=a&tags=b&state=active", -1},
  {"PATCH", "/tasks/%s", 1},
  {"GET", "/tasks/%s/executions?limit=2", -1},
  {"POST", "/tasks/%s/run", -1},
  {"GET", "/executions/e1", -1},
  {"GET", "/notifications?unread_only=true&offset=1", -1},
  {"POST", "/notifications/n1/read", -1},
};
static const char *const bodies[] = {
  "{\"search_query\":\"q\",\"condition_description\":\"c\",\"tags\":[\"a\"],\"schedule\":\"0 9 * * *\"}",
  "{\"name\":\"n\",\"is_active\":false,\"cooldown_minutes\":5,\"labels\":{\"k\":\"v\"}}",
  "[{\"a\":[1,2,{\"b\":null}]}]",
};
/* What a mutation puts in: JSON and URL syntax, escapes, non-ASCII, numbers at the edges. */
static const char *const bits[] = {
  "{", "}", "[", "]", "\"", ",", ":", "\\", "null", "true", "-1e999", "1e308", "0.5", "\\u0000", "\\ud800",
  "\xc3\xa9", "\xff", "\xed\xa0\x80", "%00", "%ff", "%2F", "/", "?", "&", "=", "..", "{id}", "[[[[[[[[[[[[[[[[",
};

/* s mutated a few times (insert, delete, replace) into out. */
static void mutate(const char *s, char *out, size_t size)
{
  snprintf(out, size, "%s", s);
  for (unsigned k = 0, n = 1 + rnd(4); k < n; k++) {
    size_t len = strlen(out), at = len > 0 ? rnd((unsigned)len + 1) : 0;
    const char *ins = bits[rnd(sizeof bits / sizeof *bits)];
    char tail[2048];
    unsigned op = rnd(3);
    size_t cut = op == 0 ? 0 : at + rnd(8); /* 0: insert, 1: replace, 2: delete */
    cut = cut > len ? len : cut;
    snprintf(tail, sizeof tail, "%s", out + (op == 0 ? at : cut));
    snprintf(out + at, size - at, "%s%s", op == 2 ? "" : ins, tail);
  }
}

/* Path text usable in a URL: bytes curl would refuse (controls, space, non-ASCII) escaped. */
static void url_safe(const char *in, char *out, size_t size)
{
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)in; *p != '\0' && n + 4 < size; p++)
    n += (size_t)(*p <= ' ' || *p >= 0x7f || *p == '#' ? snprintf(out + n, size - n, "%%%02X", *p)
                                                       : snprintf(out + n, size - n, "%c", *p));
  out[n] = '\0';
}

static int expected_status(long s)
{
  return s == 200 || s == 201 || s == 204 || s == 400 || s == 401 || s == 404 || s == 405 || s == 413 || s == 422;
}

/* One request from a seed: the path mutated one time in four, the body one time in two, the
 * method (never DELETE: the task must stay) one in eight, the credential left out one in eight. */
static void one_round(apic_mock *m, const char *id, mt_resp *r)
{
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH"};
  char path[1024], mutated[1024], safe[3100], body[2048];
  unsigned seed = rnd(sizeof seeds / sizeof *seeds);
  snprintf(path, sizeof path, seeds[seed].path, id);
  if (rnd(4) == 0)
    mutate(path, mutated, sizeof mutated);
  else
    snprintf(mutated, sizeof mutated, "%s", path);
  url_safe(mutated, safe, sizeof safe);
  if (safe[0] != '/') /* the request target stays a path */
    memmove(safe + 1, safe, strlen(safe) + 1), safe[0] = '/';
  const char *b = bodies[seeds[seed].body >= 0 ? seeds[seed].body : (int)rnd(3)];
  if (rnd(2) == 0)
    mutate(b, body, sizeof body);
  else
    snprintf(body, sizeof body, "%s", b);
  const char *method = rnd(8) == 0 ? methods[rnd(4)] : seeds[seed].method;
  mt_req(m, method, safe, strcmp(method, "GET") == 0 ? NULL : body, rnd(8) == 0 ? NULL : AUTH, r);
  if (!expected_status(r->status))
    fprintf(stderr, "%s %s [%s] -> %ld (curl %d)\n", method, safe, body, r->status, r->curl_code);
}

static void http_mutations(apic_mock *m)
{
  int seen[5] = {0};
  mt_resp r;
  mt_req(m, "POST", "/tasks", bodies[0], AUTH, &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  char id[64];
  snprintf(id, sizeof id, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
  cJSON_Delete(j);
  mt_free(&r);
  for (int i = 0; i < HTTP_ROUNDS; i++) {
    one_round(m, id, &r);
    assert_true(expected_status(r.status));
    seen[r.status / 100 == 2 ? 0 : r.status == 400 ? 1 : r.status == 404 ? 2 : r.status == 422 ? 3 : 4]++;
    mt_free(&r);
  }
  /* the mutations reach every stage: served, bad JSON, no route, invalid values */
  printf("%d rounds: %d 2xx, %d 400, %d 404, %d 422, %d other\n", HTTP_ROUNDS, seen[0], seen[1], seen[2], seen[3],
         seen[4]);
  for (int k = 0; k < 4; k++)
    assert_true(seen[k] > 0);
}

/* Sends raw bytes on a new connection and reads until the server closes (or 100 ms pass: a
 * request the client cut short with its half-close may stay open a second or two, until the
 * mock's clock sees the end of stream that libmicrohttpd's epoll loop can miss: docs/mock.md);
 * how many bytes came back. */
static size_t raw(unsigned short port, const char *data, size_t len)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET, a.sin_port = htons(port), a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {0, 100 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  for (size_t sent = 0; sent < len;) {
    ssize_t n = send(fd, data + sent, len - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break; /* the server may close early on what it refuses */
    sent += (size_t)n;
  }
  shutdown(fd, SHUT_WR);
  char buf[4096];
  size_t got = 0;
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    got += (size_t)n;
  close(fd);
  return got;
}

static void raw_requests(apic_mock *m)
{
  static const char *const cases[] = {
    "GARBAGE\r\n\r\n",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", /* a TLS hello */
    "GET\r\n\r\n",
    "GET /api/v1/tasks/\xff\xfe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n",
    "GET /api/v1/tasks HTTP/9.9\r\nHost: x\r\n\r\n",
    "GET /api/v1/tasks\r\n\r\n",
    "POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Length: -5\r\n\r\n{}",
    "POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Length: 100\r\n\r\n{\"a\":",
    "POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n",
    "POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}",
    "GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    "GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  unsigned short port = apic_mock_port(m);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    raw(port, cases[i], strlen(cases[i]));
  size_t big = 100 * 1024; /* a header and a request line far past the 16 KiB per connection */
  char *huge = malloc(big + 64);
  assert_non_null(huge);
  int n = snprintf(huge, 64, "GET /api/v1/tasks HTTP/1.1\r\nX-Big: ");
  memset(huge + n, 'a', big - (size_t)n - 4);
  memcpy(huge + big - 4, "\r\n\r\n", 4);
  assert_true(raw(port, huge, big) < 4096); /* an error status at most, never the list */
  memset(huge, 'A', big);
  raw(port, huge, big);
  for (int i = 0; i < RAW_ROUNDS; i++) { /* random bytes, sometimes after a valid start */
    size_t len = 1 + rnd(512), at = 0;
    if (rnd(2) == 0)
      at = (size_t)snprintf(huge, 64, "%s /api/v1/tasks HTTP/1.1\r\n", rnd(2) ? "GET" : "POST");
    for (size_t k = at; k < len + at; k++)
      huge[k] = (char)rnd(256);
    raw(port, huge, len + at);
  }
  free(huge);
}

/* /__mock/stats says no request is active (bounded wait: about 5 s). */
static int settles(apic_mock *m)
{
  for (int i = 0; i < 250; i++) {
    mt_resp r;
    mt_req(m, "GET", "/__mock/stats", NULL, NULL, &r);
    cJSON *j = mt_json(&r);
    const cJSON *active = cJSON_GetObjectItem(j, "active");
    int idle = cJSON_IsNumber(active) && active->valueint == 0;
    cJSON_Delete(j);
    mt_free(&r);
    if (idle)
      return 1;
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  }
  return 0;
}

static void survives(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  http_mutations(m);
  raw_requests(m);
  mt_resp r;
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  assert_true(settles(m));
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {cmocka_unit_test(survives)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
