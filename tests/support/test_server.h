/* A scriptable HTTP test server (libmicrohttpd on 127.0.0.1, ephemeral port, one thread per
 * connection so a slow reply never blocks the others). Tests queue replies per "METHOD /path";
 * the server records every request it receives so tests can assert what arrived. */
#ifndef TEST_SERVER_H
#define TEST_SERVER_H

#include <stddef.h>

typedef struct test_server test_server;

typedef struct test_reply {
  int status;                /* 0 means 200 */
  const char *headers;       /* extra response headers, "Name: value\n" lines, or NULL */
  const char *body;          /* NULL = empty */
  size_t body_len;           /* 0 = strlen(body) */
  unsigned delay_ms;         /* wait before sending headers */
  const char *const *chunks; /* instead of body: NULL-terminated chunks, sent chunked one by one */
  unsigned chunk_delay_ms;   /* pause between chunks */
  unsigned stall_ms;         /* with `body`: send half, wait stall_ms, send the rest */
  int drop;                  /* close the connection without answering */
  size_t truncate;           /* announce the full Content-Length, send this many bytes, close */
  int hang;                  /* never answer (until the client gives up or the server stops) */
} test_reply;

typedef struct test_header {
  char *name;
  char *value;
} test_header;

/* One received request. Strings are NUL-terminated; `path` and `query` are as sent (still
 * percent-encoded); `query` is "" when there was none. */
typedef struct test_request {
  char *method;
  char *path;
  char *query;
  char *body; /* NUL-terminated too; body_len excludes the NUL */
  size_t body_len;
  test_header *headers;
  size_t n_headers;
} test_request;

test_server *test_server_start(void); /* NULL on failure */
void test_server_stop(test_server *s); /* NULL ok; ends hanging replies, frees everything */
unsigned short test_server_port(const test_server *s);
const char *test_server_url(const test_server *s); /* "http://127.0.0.1:PORT" */

/* Queues one reply (copied) for "METHOD /path" (path without query; "*" as the path matches
 * any path). Requests take the first matching queued reply; with none, the default applies. */
void test_server_expect(test_server *s, const char *method_path, const test_reply *r);
void test_server_set_default(test_server *s, const test_reply *r); /* initially 200, "{}" */
void test_server_reset(test_server *s); /* clears scripts, default, log and counters */

/* What arrived, in arrival order (a request is logged once its body has been read). */
unsigned test_server_request_count(test_server *s);
/* Fills *out with request i (pointers valid until reset or stop); -1 if there is no such request. */
int test_server_request(test_server *s, unsigned i, test_request *out);
/* Value of a request header (case-insensitive name), NULL if absent. */
const char *test_request_header(const test_request *r, const char *name);
unsigned test_server_peak_concurrency(test_server *s); /* most requests in progress at once */

#endif
