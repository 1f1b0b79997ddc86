/* The runtime suites' scripted server (see rt_server.h). */
#include "rt_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#define MAX_SCRIPT 64
#define MAX_LOG 256

struct rt_server {
  struct MHD_Daemon *d;
  char url[64];
  pthread_mutex_t lock;
  rt_reply script[MAX_SCRIPT];
  int used[MAX_SCRIPT];
  unsigned n_script;
  char methods[MAX_LOG][16];
  char paths[MAX_LOG][64];
  char keys[MAX_LOG][160];
  char last_ids[MAX_LOG][64];
  char heads[MAX_LOG][512];       /* "name: value\n" lines, as far as they fit */
  unsigned count, active, peak;
  atomic_int stopping;            /* read by the connection threads */
};

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

typedef struct head_buf {
  char *p;
  size_t used, size;
} head_buf;

static enum MHD_Result add_head(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
  head_buf *b = cls;
  (void)kind;
  int n = snprintf(b->p + b->used, b->size - b->used, "%s: %s\n", name, value ? value : "");
  if (n > 0 && (size_t)n < b->size - b->used)
    b->used += (size_t)n;
  return MHD_YES;
}

static rt_reply next_reply(rt_server *s, struct MHD_Connection *conn, const char *method, const char *path,
                           const char *key, const char *last_id)
{
  rt_reply r = {0, NULL, NULL, 0, 0, NULL, 0};
  pthread_mutex_lock(&s->lock);
  for (unsigned i = 0; i < s->n_script; i++) {
    if (s->used[i] || (s->script[i].path != NULL && strcmp(s->script[i].path, path) != 0))
      continue;
    s->used[i] = 1;
    r = s->script[i];
    break;
  }
  if (s->count < MAX_LOG) {
    snprintf(s->methods[s->count], sizeof s->methods[0], "%s", method);
    snprintf(s->paths[s->count], sizeof s->paths[0], "%s", path);
    snprintf(s->keys[s->count], sizeof s->keys[0], "%s", key ? key : "");
    snprintf(s->last_ids[s->count], sizeof s->last_ids[0], "%s", last_id ? last_id : "");
    head_buf b = {s->heads[s->count], 0, sizeof s->heads[0]};
    b.p[0] = '\0';
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_head, &b);
  }
  s->count++;
  if (++s->active > s->peak)
    s->peak = s->active;
  pthread_mutex_unlock(&s->lock);
  return r;
}

static void add_headers(struct MHD_Response *resp, const char *lines)
{
  char buf[512];
  snprintf(buf, sizeof buf, "%s", lines ? lines : "");
  char *save = NULL;
  for (char *l = strtok_r(buf, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
    char *colon = strchr(l, ':');
    if (colon == NULL)
      continue;
    *colon = '\0';
    MHD_add_response_header(resp, l, colon + 1 + (colon[1] == ' '));
  }
}

/* Sends the body, then fails: the client sees fewer bytes than Content-Length announced. */
static ssize_t truncated_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
  const char *body = cls;
  size_t len = strlen(body);
  if (pos >= len)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = len - (size_t)pos < max ? len - (size_t)pos : max;
  memcpy(buf, body + pos, n);
  return (ssize_t)n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
  rt_server *s = cls;
  (void)version;
  (void)upload;
  if (*ctx == NULL) { /* first call: headers only */
    *ctx = s;
    return MHD_YES;
  }
  if (*upload_size != 0) { /* swallow the body */
    *upload_size = 0;
    return MHD_YES;
  }
  rt_reply r = next_reply(s, conn, method, url, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key"),
                          MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID"));
  for (unsigned waited = 0; (r.hang || waited < r.delay_ms) && !s->stopping && waited < 5000; waited += 5)
    sleep_ms(5);
  pthread_mutex_lock(&s->lock);
  s->active--;
  pthread_mutex_unlock(&s->lock);
  if (r.hang)
    return MHD_NO; /* drop it */
  const char *body = r.body ? r.body : "{}";
  struct MHD_Response *resp =
      r.truncate ? MHD_create_response_from_callback(strlen(body) + 100, 1024, truncated_reader,
                                                     (void *)(uintptr_t)body, NULL)
                 : MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                                   MHD_RESPMEM_PERSISTENT);
  add_headers(resp, r.headers);
  enum MHD_Result ok = MHD_queue_response(conn, r.status ? (unsigned)r.status : 200, resp);
  MHD_destroy_response(resp);
  return ok;
}

static rt_server *start(const char *cert, const char *key)
{
  rt_server *s = calloc(1, sizeof *s);
  if (s == NULL)
    return NULL;
  pthread_mutex_init(&s->lock, NULL);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
  if (cert != NULL)
    s->d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
                            MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
  else
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
  if (s->d == NULL) {
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%u", cert ? "https" : "http", (unsigned)info->port);
  return s;
}

rt_server *rt_server_start(void)
{
  return start(NULL, NULL);
}

rt_server *rt_server_start_tls(const char *cert_pem, const char *key_pem)
{
  return start(cert_pem, key_pem);
}

void rt_server_stop(rt_server *s)
{
  if (s == NULL)
    return;
  s->stopping = 1;
  MHD_stop_daemon(s->d);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

const char *rt_server_url(rt_server *s)
{
  return s->url;
}

void rt_server_push(rt_server *s, const rt_reply *r)
{
  pthread_mutex_lock(&s->lock);
  if (s->n_script < MAX_SCRIPT)
    s->script[s->n_script++] = *r;
  pthread_mutex_unlock(&s->lock);
}

unsigned rt_server_count(rt_server *s)
{
  pthread_mutex_lock(&s->lock);
  unsigned n = s->count;
  pthread_mutex_unlock(&s->lock);
  return n;
}

unsigned rt_server_peak(rt_server *s)
{
  pthread_mutex_lock(&s->lock);
  unsigned n = s->peak;
  pthread_mutex_unlock(&s->lock);
  return n;
}

void rt_server_request(rt_server *s, unsigned i, char *path, size_t psize, char *key, size_t ksize)
{
  pthread_mutex_lock(&s->lock);
  snprintf(path, psize, "%s", i < MAX_LOG && i < s->count ? s->paths[i] : "");
  snprintf(key, ksize, "%s", i < MAX_LOG && i < s->count ? s->keys[i] : "");
  pthread_mutex_unlock(&s->lock);
}

void rt_server_method(rt_server *s, unsigned i, char *out, size_t size)
{
  pthread_mutex_lock(&s->lock);
  snprintf(out, size, "%s", i < MAX_LOG && i < s->count ? s->methods[i] : "");
  pthread_mutex_unlock(&s->lock);
}

void rt_server_last_event_id(rt_server *s, unsigned i, char *out, size_t size)
{
  pthread_mutex_lock(&s->lock);
  snprintf(out, size, "%s", i < MAX_LOG && i < s->count ? s->last_ids[i] : "");
  pthread_mutex_unlock(&s->lock);
}

void rt_server_header(rt_server *s, unsigned i, const char *name, char *out, size_t size)
{
  size_t n = strlen(name);
  out[0] = '\0';
  pthread_mutex_lock(&s->lock);
  for (const char *l = i < MAX_LOG && i < s->count ? s->heads[i] : ""; *l != '\0';) {
    const char *end = strchr(l, '\n');
    if (strncasecmp(l, name, n) == 0 && l[n] == ':') {
      snprintf(out, size, "%.*s", (int)(end - l - n - 2), l + n + 2);
      break;
    }
    l = end + 1;
  }
  pthread_mutex_unlock(&s->lock);
}
