/* A small scripted HTTP server for the runtime suites (libmicrohttpd, 127.0.0.1, ephemeral
 * port, a thread per connection; HTTP or HTTPS). Replies are taken FIFO from a script (the first
 * entry whose path matches), then the default (200, "{}").
 * Kept beside tests/support/test_server (also libmicrohttpd) rather than merged into it: that
 * one keys replies by method and path and logs whole requests; this one matches any method in
 * FIFO order, speaks TLS, and seven suites use it at about a hundred sites. Moving them would
 * rewrite those tests without covering anything new. */
#ifndef RT_SERVER_H
#define RT_SERVER_H

#include <stddef.h>

typedef struct rt_reply {
  int status;           /* 0: 200 */
  const char *headers;  /* "Name: value\n" lines or NULL */
  const char *body;     /* NULL: "{}" */
  unsigned delay_ms;    /* before answering */
  int hang;             /* never answer (until the server stops) */
  const char *path;     /* NULL: any request; else only a request for this path */
  int truncate;         /* announce 100 bytes more than body, send body, close */
} rt_reply;

typedef struct rt_server rt_server;

rt_server *rt_server_start(void);
/* HTTPS with this certificate and key (PEM text); rt_server_url says "https://...". */
rt_server *rt_server_start_tls(const char *cert_pem, const char *key_pem);
void rt_server_stop(rt_server *s);
const char *rt_server_url(rt_server *s);   /* "http://127.0.0.1:PORT" */
void rt_server_push(rt_server *s, const rt_reply *r); /* r's strings must outlive the server */
unsigned rt_server_count(rt_server *s);
unsigned rt_server_peak(rt_server *s);
/* Request i's path and Idempotency-Key ("" if none), copied into the buffers. */
void rt_server_request(rt_server *s, unsigned i, char *path, size_t psize, char *key, size_t ksize);
/* Request i's header `name` (case-insensitive; "" if none), as far as the log kept it. */
void rt_server_header(rt_server *s, unsigned i, const char *name, char *out, size_t size);
/* Request i's method ("" if none). */
void rt_server_method(rt_server *s, unsigned i, char *out, size_t size);
/* Request i's Last-Event-ID header ("" if none). */
void rt_server_last_event_id(rt_server *s, unsigned i, char *out, size_t size);

#endif
