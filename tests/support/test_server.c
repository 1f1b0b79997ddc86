/* The scriptable test server: see test_server.h. Every reply is produced by a content-reader
 * callback so delays, stalls, chunks and truncation happen on the wire as scripted; waits sleep
 * in short steps and end as soon as the server stops, so stop never waits on a script. */
#include "test_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define STEP_MS 5

typedef struct script {
  char *key; /* "METHOD /path" or "METHOD *" */
  test_reply r;
  struct script *next;
} script;

struct test_server {
  struct MHD_Daemon *d;
  unsigned short port;
  char url[40];
  pthread_mutex_t mu;
  atomic_int stopping; /* read by connection threads while they wait */
  script *head;
  test_reply dflt;
  test_request **log;
  unsigned n_log, cap_log;
  unsigned active, peak;
};

/* Per-request state, created when the URI arrives (raw URI kept for path and query). */
typedef struct conn {
  test_server *s;
  char *uri;
  char *body;
  size_t len, cap;
  int seen;
} conn;

/* Per-response sending state. */
typedef struct sender {
  test_server *s;
  test_reply r; /* owned copy */
  size_t chunk, off; /* chunk index and offset within it (or offset in body) */
  int stalled;
} sender;

static void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("test_server: out of memory\n", stderr);
    abort();
  }
  return p;
}

static char *xstrndup(const char *p, size_t n)
{
  char *c = xmalloc(n + 1);
  if (n)
    memcpy(c, p, n);
  c[n] = '\0';
  return c;
}

static char *xstrdup(const char *p) { return p ? xstrndup(p, strlen(p)) : NULL; }

/* Sleeps ms in short steps; returns nonzero if the server began stopping meanwhile. */
static int nap(test_server *s, unsigned ms)
{
  for (unsigned t = 0; t < ms && !s->stopping; t += STEP_MS) {
    unsigned step = ms - t < STEP_MS ? ms - t : STEP_MS;
    struct timespec ts = {0, (long)step * 1000000L};
    nanosleep(&ts, NULL);
  }
  return s->stopping;
}

static void reply_copy(test_reply *dst, const test_reply *src)
{
  *dst = *src;
  dst->headers = xstrdup(src->headers);
  if (src->body) {
    size_t n = src->body_len ? src->body_len : strlen(src->body);
    dst->body = xstrndup(src->body, n);
    dst->body_len = n;
  }
  if (src->chunks) {
    size_t n = 0;
    while (src->chunks[n])
      n++;
    const char **c = xmalloc((n + 1) * sizeof *c);
    for (size_t i = 0; i < n; i++)
      c[i] = xstrdup(src->chunks[i]);
    c[n] = NULL;
    dst->chunks = c;
  }
}

static void reply_free(test_reply *r)
{
  free((char *)r->headers);
  free((char *)r->body);
  if (r->chunks) {
    for (size_t i = 0; r->chunks[i]; i++)
      free((char *)r->chunks[i]);
    free((void *)r->chunks);
  }
}

static void request_free(test_request *q)
{
  if (!q)
    return;
  free(q->method);
  free(q->path);
  free(q->query);
  free(q->body);
  for (size_t i = 0; i < q->n_headers; i++) {
    free(q->headers[i].name);
    free(q->headers[i].value);
  }
  free(q->headers);
  free(q);
}

static void scripts_clear(test_server *s)
{
  while (s->head) {
    script *n = s->head->next;
    free(s->head->key);
    reply_free(&s->head->r);
    free(s->head);
    s->head = n;
  }
}

static void log_clear(test_server *s)
{
  for (unsigned i = 0; i < s->n_log; i++)
    request_free(s->log[i]);
  s->n_log = 0;
}

static void default_init(test_server *s)
{
  test_reply d = {.status = 200, .body = "{}"};
  reply_copy(&s->dflt, &d);
}

/* ---- recording ---- */

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
  (void)kind;
  test_request *q = cls;
  q->headers = realloc(q->headers, (q->n_headers + 1) * sizeof *q->headers);
  if (!q->headers)
    abort();
  q->headers[q->n_headers].name = xstrdup(key);
  q->headers[q->n_headers].value = xstrdup(value ? value : "");
  q->n_headers++;
  return MHD_YES;
}

static test_request *record(test_server *s, struct MHD_Connection *c, const char *method,
                            conn *cn)
{
  test_request *q = xmalloc(sizeof *q);
  memset(q, 0, sizeof *q);
  const char *uri = cn->uri ? cn->uri : "/";
  const char *qm = strchr(uri, '?');
  q->method = xstrdup(method);
  q->path = qm ? xstrndup(uri, (size_t)(qm - uri)) : xstrdup(uri);
  q->query = xstrdup(qm ? qm + 1 : "");
  q->body = xstrndup(cn->body ? cn->body : "", cn->len);
  q->body_len = cn->len;
  MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, q);
  pthread_mutex_lock(&s->mu);
  if (s->n_log == s->cap_log) {
    s->cap_log = s->cap_log ? s->cap_log * 2 : 16;
    s->log = realloc(s->log, s->cap_log * sizeof *s->log);
    if (!s->log)
      abort();
  }
  s->log[s->n_log++] = q;
  pthread_mutex_unlock(&s->mu);
  return q;
}

static int key_matches(const char *key, const char *method, const char *path)
{
  size_t ml = strlen(method);
  if (strncmp(key, method, ml) != 0 || key[ml] != ' ')
    return 0;
  return strcmp(key + ml + 1, "*") == 0 || strcmp(key + ml + 1, path) == 0;
}

/* Takes the first matching script (or copies the default) into *out. */
static void take_reply(test_server *s, const char *method, const char *path, test_reply *out)
{
  pthread_mutex_lock(&s->mu);
  script **pp = &s->head;
  while (*pp && !key_matches((*pp)->key, method, path))
    pp = &(*pp)->next;
  if (*pp) {
    script *m = *pp;
    *pp = m->next;
    *out = m->r;
    free(m->key);
    free(m);
  } else {
    reply_copy(out, &s->dflt);
  }
  pthread_mutex_unlock(&s->mu);
}

/* ---- sending ---- */

static size_t copy_out(char *buf, size_t max, const char *src, size_t len)
{
  size_t n = len < max ? len : max;
  memcpy(buf, src, n);
  return n;
}

static ssize_t send_chunks(sender *sd, char *buf, size_t max)
{
  const char *c = sd->r.chunks[sd->chunk];
  if (!c)
    return MHD_CONTENT_READER_END_OF_STREAM;
  if (sd->off == 0 && sd->chunk > 0 && nap(sd->s, sd->r.chunk_delay_ms))
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = copy_out(buf, max, c + sd->off, strlen(c) - sd->off);
  sd->off += n;
  if (sd->off == strlen(c)) {
    sd->chunk++;
    sd->off = 0;
  }
  return n ? (ssize_t)n : send_chunks(sd, buf, max); /* skip empty chunks: 0 ends the stream */
}

static ssize_t send_body(sender *sd, char *buf, size_t max)
{
  size_t len = sd->r.body_len;
  if (sd->r.truncate && sd->r.truncate < len)
    len = sd->r.truncate;
  if (sd->off >= len)
    return len < sd->r.body_len ? MHD_CONTENT_READER_END_WITH_ERROR
                                : MHD_CONTENT_READER_END_OF_STREAM;
  size_t half = sd->r.body_len / 2, end = len;
  if (sd->r.stall_ms && !sd->stalled) {
    if (sd->off == half) {
      sd->stalled = 1;
      if (nap(sd->s, sd->r.stall_ms))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    } else if (half < end) {
      end = half;
    }
  }
  size_t n = copy_out(buf, max, sd->r.body + sd->off, end - sd->off);
  sd->off += n;
  return (ssize_t)n;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
  (void)pos;
  sender *sd = cls;
  if (sd->s->stopping)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  return sd->r.chunks ? send_chunks(sd, buf, max) : send_body(sd, buf, max);
}

static void sender_free(void *cls)
{
  sender *sd = cls;
  reply_free(&sd->r);
  free(sd);
}

static void add_reply_headers(struct MHD_Response *resp, const char *h)
{
  int has_type = 0;
  while (h && *h) {
    const char *eol = strchr(h, '\n');
    size_t n = eol ? (size_t)(eol - h) : strlen(h);
    char *line = xstrndup(h, n);
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      const char *v = colon + 1;
      while (*v == ' ')
        v++;
      size_t vl = strlen(v);
      if (vl && v[vl - 1] == '\r')
        ((char *)v)[vl - 1] = '\0';
      has_type |= strcasecmp(line, "Content-Type") == 0;
      MHD_add_response_header(resp, line, v);
    }
    free(line);
    h += n + (eol ? 1 : 0);
  }
  if (!has_type)
    MHD_add_response_header(resp, "Content-Type", "application/json");
}

static enum MHD_Result answer(test_server *s, struct MHD_Connection *c, test_reply *r)
{
  if (r->delay_ms)
    nap(s, r->delay_ms);
  if (r->hang)
    while (!nap(s, 1000))
      ;
  if (r->drop || s->stopping) {
    reply_free(r);
    return MHD_NO; /* MHD closes the connection without a reply */
  }
  sender *sd = xmalloc(sizeof *sd);
  memset(sd, 0, sizeof *sd);
  sd->s = s;
  sd->r = *r;
  uint64_t size = r->chunks ? MHD_SIZE_UNKNOWN : r->body_len;
  struct MHD_Response *resp = MHD_create_response_from_callback(size, 1024, reader, sd, sender_free);
  if (!resp) {
    sender_free(sd);
    return MHD_NO;
  }
  add_reply_headers(resp, r->headers);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200), resp);
  MHD_destroy_response(resp);
  return ret;
}

/* ---- libmicrohttpd callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
  (void)c;
  test_server *s = cls;
  conn *cn = xmalloc(sizeof *cn);
  memset(cn, 0, sizeof *cn);
  cn->s = s;
  cn->uri = xstrdup(uri);
  pthread_mutex_lock(&s->mu);
  if (++s->active > s->peak)
    s->peak = s->active;
  pthread_mutex_unlock(&s->mu);
  return cn;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
  (void)c;
  (void)toe;
  test_server *s = cls;
  conn *cn = *req_cls;
  if (!cn)
    return;
  pthread_mutex_lock(&s->mu);
  s->active--;
  pthread_mutex_unlock(&s->mu);
  free(cn->uri);
  free(cn->body);
  free(cn);
  *req_cls = NULL;
}

static void append_body(conn *cn, const char *data, size_t n)
{
  if (cn->len + n > cn->cap) {
    cn->cap = (cn->len + n) * 2;
    cn->body = realloc(cn->body, cn->cap);
    if (!cn->body)
      abort();
  }
  memcpy(cn->body + cn->len, data, n);
  cn->len += n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
  (void)url;
  (void)version;
  test_server *s = cls;
  conn *cn = *req_cls;
  if (!cn->seen) { /* first call: headers only */
    cn->seen = 1;
    return MHD_YES;
  }
  if (*upload_data_size) {
    append_body(cn, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  test_request *q = record(s, c, method, cn);
  test_reply r;
  take_reply(s, method, q->path, &r);
  return answer(s, c, &r);
}

/* ---- public API ---- */

test_server *test_server_start(void)
{
  test_server *s = xmalloc(sizeof *s);
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  default_init(s);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                              MHD_USE_ITC,
                          0, NULL, NULL, on_request, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                          MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
  if (!s->d) {
    test_server_stop(s);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", (unsigned)s->port);
  return s;
}

void test_server_stop(test_server *s)
{
  if (!s)
    return;
  s->stopping = 1;
  if (s->d)
    MHD_stop_daemon(s->d);
  scripts_clear(s);
  reply_free(&s->dflt);
  log_clear(s);
  free(s->log);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

unsigned short test_server_port(const test_server *s) { return s->port; }

const char *test_server_url(const test_server *s) { return s->url; }

void test_server_expect(test_server *s, const char *method_path, const test_reply *r)
{
  script *n = xmalloc(sizeof *n);
  n->key = xstrdup(method_path);
  reply_copy(&n->r, r);
  n->next = NULL;
  pthread_mutex_lock(&s->mu);
  script **pp = &s->head;
  while (*pp)
    pp = &(*pp)->next;
  *pp = n;
  pthread_mutex_unlock(&s->mu);
}

void test_server_set_default(test_server *s, const test_reply *r)
{
  test_reply copy;
  reply_copy(&copy, r);
  pthread_mutex_lock(&s->mu);
  reply_free(&s->dflt);
  s->dflt = copy;
  pthread_mutex_unlock(&s->mu);
}

void test_server_reset(test_server *s)
{
  pthread_mutex_lock(&s->mu);
  scripts_clear(s);
  reply_free(&s->dflt);
  default_init(s);
  log_clear(s);
  s->peak = s->active;
  pthread_mutex_unlock(&s->mu);
}

unsigned test_server_request_count(test_server *s)
{
  pthread_mutex_lock(&s->mu);
  unsigned n = s->n_log;
  pthread_mutex_unlock(&s->mu);
  return n;
}

int test_server_request(test_server *s, unsigned i, test_request *out)
{
  pthread_mutex_lock(&s->mu);
  int ok = i < s->n_log;
  if (ok)
    *out = *s->log[i];
  pthread_mutex_unlock(&s->mu);
  return ok ? 0 : -1;
}

const char *test_request_header(const test_request *r, const char *name)
{
  for (size_t i = 0; i < r->n_headers; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

unsigned test_server_peak_concurrency(test_server *s)
{
  pthread_mutex_lock(&s->mu);
  unsigned n = s->peak;
  pthread_mutex_unlock(&s->mu);
  return n;
}
