/* libapic-mock: the HTTP side on libmicrohttpd. Event loops on a few threads (epoll where there
 * is one), so a connection costs a little memory, not a thread: slow and idle clients do not
 * starve the others. Limits: connections in all and per client address, a read deadline (the
 * clock, clock.c), bounded bodies and headers. Start and stop. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mock_internal.h"

#define DEFAULT_MAX_CONNECTIONS 1024u
#define DEFAULT_MAX_PER_CLIENT 256u
#define DEFAULT_READ_TIMEOUT_MS 10000u
#define DEFAULT_LIFECYCLE_MS 50u
#define IDLE_TIMEOUT_S 30u           /* no byte either way for this long: closed */
#define HEADER_MEMORY (16u * 1024u) /* per connection, for the request line and headers (and zeroed by
                                       libmicrohttpd for every request: not more than needed) */
#define FD_RESERVE 64u              /* descriptors kept for everything but connections */
#define MAX_THREADS 64u

typedef struct conn { /* one request */
  mock_sock *sock;
  char *body;
  size_t len, cap;
  char *target;    /* the target's path as sent, escapes decoded but %2F, %25, %00 (canonical) */
  int begun, answering, counted, too_big, nul;
  const mock_route *rt; /* the operation routed to (NULL: none) */
  int known;       /* some operation has the path */
  cJSON *params;   /* path parameters */
  cJSON *fault;    /* the fault taken for it */
} conn;

/* The request path under the base path ("/api/v1/tasks" -> "/tasks"); NULL outside it. */
static const char *relative(const apic_mock *m, const char *url)
{
  size_t n = strlen(m->base);
  if (strncmp(url, m->base, n) != 0 || (url[n] != '/' && url[n] != '\0'))
    return NULL;
  return url[n] != '\0' ? url + n : "/";
}

/* One --log line; op: the operation routed to (its @sensitive path parameters redacted), or NULL. */
static void log_line(apic_mock *m, const cJSON *op, const char *method, const char *path, int status)
{
  if (!m->o.log)
    return;
  char now[40], shown[1024];
  apic_mock__now(now, sizeof now);
  apic_mock__logged_path(m, op, path, shown, sizeof shown);
  path = shown;
  pthread_mutex_lock(&m->lock); /* one line at a time */
  fprintf(m->o.log_out != NULL ? m->o.log_out : stderr, "%s %s %.300s %d\n", now, method, path, status);
  fflush(m->o.log_out != NULL ? m->o.log_out : stderr);
  pthread_mutex_unlock(&m->lock);
}

/* Requests answered before routing: a body over max_body, an encoded NUL in the target, a path
 * outside the base path. */
static enum MHD_Result refuse(apic_mock *m, struct MHD_Connection *c, const char *method, conn *cn)
{
  mock_reply r;
  char detail[400];
  memset(&r, 0, sizeof r);
  if (cn->too_big) {
    snprintf(detail, sizeof detail, "the body is larger than %zu bytes", m->o.max_body);
    apic_mock__reply_error(m, &r, 413, detail);
  } else if (cn->nul)
    apic_mock__reply_error(m, &r, 400, "the path or query holds an encoded NUL byte (%00)");
  else {
    snprintf(detail, sizeof detail, "no such path: this server serves under %.300s/", m->base);
    apic_mock__reply_error(m, &r, 404, detail);
  }
  log_line(m, NULL, method, cn->target, r.status);
  return apic_mock__send(m, c, cn->sock, &r, NULL);
}

static enum MHD_Result admin(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path, conn *cn)
{
  mock_reply r;
  cJSON *out = NULL;
  memset(&r, 0, sizeof r);
  apic_mock__admin(m, c, method, path, cn->body != NULL ? cn->body : "", &r.status, &out);
  apic_mock__reply_json(&r, r.status, out);
  return apic_mock__send(m, c, cn->sock, &r, NULL);
}

/* A request being answered (not one still arriving, which stop need not wait for; not an admin
 * call): active until it completes, and the most at once is the peak. */
static void count(apic_mock *m, conn *cn)
{
  int now = atomic_fetch_add(&m->active, 1) + 1, peak = atomic_load(&m->peak);
  while (now > peak && !atomic_compare_exchange_weak(&m->peak, &peak, now))
    ;
  cn->counted = 1;
}

/* The request is in: routed, logged and given its fault, then (after the wait the latency and the
 * fault ask for, during which the connection is suspended) answered. Routed on the path as sent
 * (libmicrohttpd's url has %2F decoded: /pets/a%2Fb would be /pets/a/b), each segment decoded
 * after the split (apic_mock__path_match). */
static enum MHD_Result answer(apic_mock *m, struct MHD_Connection *c, const char *method, conn *cn)
{
  const char *path = relative(m, cn->target);
  if (!cn->answering) {
    cn->answering = 1;
    cn->sock = apic_mock__sock(c);
    apic_mock__sock_busy(&m->clock, cn->sock, 1);
    if (path != NULL && !apic_mock__is_admin(path))
      count(m, cn);
    if (cn->too_big || cn->nul || path == NULL)
      return refuse(m, c, method, cn);
    if (apic_mock__is_admin(path))
      return admin(m, c, method, path, cn);
    cn->params = cJSON_CreateObject();
    cn->rt = apic_mock__route(m, method, path, cn->params, &cn->known);
    apic_mock__log_request(m, c, method, path, cn->rt != NULL ? cn->rt->op : NULL, cn->body, cn->len);
    cn->fault = apic_mock__take_fault(m, method, path);
    uint64_t delay = (uint64_t)m->o.latency_ms + apic_mock__num(cn->fault, "delay_ms");
    if (apic_mock__wait(&m->clock, cn->sock, c, delay < MOCK_MAX_WAIT_MS ? (unsigned)delay : MOCK_MAX_WAIT_MS))
      return MHD_YES; /* libmicrohttpd calls again once the clock resumes the connection */
  }
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cn->fault, "drop"))) {
    log_line(m, cn->rt != NULL ? cn->rt->op : NULL, method, path, 0);
    return MHD_NO; /* libmicrohttpd closes the connection without an answer */
  }
  mock_reply r;
  memset(&r, 0, sizeof r);
  if (cJSON_GetObjectItemCaseSensitive(cn->fault, "status") != NULL)
    apic_mock__fault_reply(m, cn->fault, &r);
  else
    apic_mock__serve(m, c, cn->rt, cn->known, method, path, cn->params, cn->body != NULL ? cn->body : "", cn->len,
                     cn->fault, &r);
  log_line(m, cn->rt != NULL ? cn->rt->op : NULL, method, path, r.status);
  return apic_mock__send(m, c, cn->sock, &r, cn->fault);
}

static int append_body(apic_mock *m, conn *cn, const char *data, size_t n)
{
  if (cn->too_big || n > m->o.max_body - cn->len) {
    cn->too_big = 1;
    return 0;
  }
  if (cn->len + n + 1 > cn->cap) {
    size_t cap = (cn->len + n + 1) * 2;
    char *bigger = realloc(cn->body, cap);
    if (bigger == NULL)
      return -1;
    cn->body = bigger, cn->cap = cap;
  }
  memcpy(cn->body + cn->len, data, n);
  cn->len += n;
  cn->body[cn->len] = '\0';
  return 0;
}

/* The headers are in: refuse at once what needs no body. */
static enum MHD_Result begin(apic_mock *m, struct MHD_Connection *c, const char *method, conn *cn)
{
  cn->begun = 1;
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
  cn->too_big = cl != NULL && strtoull(cl, NULL, 10) > m->o.max_body;
  return cn->too_big || cn->nul ? answer(m, c, method, cn) : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
  apic_mock *m = cls;
  conn *cn = *con_cls;
  (void)version, (void)url;
  if (cn == NULL)
    return MHD_NO; /* out of memory in on_uri */
  if (!cn->begun)
    return begin(m, c, method, cn);
  if (*upload_size > 0) {
    int rc = append_body(m, cn, upload, *upload_size);
    *upload_size = 0;
    return rc == 0 ? MHD_YES : MHD_NO;
  }
  return answer(m, c, method, cn);
}

/* Called with the request target as sent, before libmicrohttpd decodes it (a decoded %00 would
 * end the path early: "/tasks/%00" would read as "/tasks/"). Its result is the request's
 * context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
  conn *cn = calloc(1, sizeof *cn);
  (void)cls, (void)c;
  if (cn != NULL && (cn->target = apic_mock__canonical_path(uri)) == NULL) {
    free(cn);
    return NULL;
  }
  if (cn != NULL)
    cn->nul = strstr(uri, "%00") != NULL;
  return cn;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  apic_mock *m = cls;
  conn *cn = *con_cls;
  (void)c, (void)toe;
  if (cn == NULL)
    return;
  if (cn->counted)
    atomic_fetch_sub(&m->active, 1);
  apic_mock__sock_busy(&m->clock, cn->sock, 0);
  cJSON_Delete(cn->params), cJSON_Delete(cn->fault);
  free(cn->body);
  free(cn->target);
  free(cn);
  *con_cls = NULL;
}

apic_mock_options apic_mock_options_default(void)
{
  apic_mock_options o;
  memset(&o, 0, sizeof o);
  o.host = "127.0.0.1";
  o.max_body = 1u << 20;
  o.max_connections = DEFAULT_MAX_CONNECTIONS;
  o.max_per_client = DEFAULT_MAX_PER_CLIENT;
  o.read_timeout_ms = DEFAULT_READ_TIMEOUT_MS;
  o.lifecycle_ms = DEFAULT_LIFECYCLE_MS;
  return o;
}

/* Zeros become the defaults; the connection limit stays within the descriptors the process may
 * open (each connection is one). */
static void settle_options(apic_mock_options *o)
{
  apic_mock_options d = apic_mock_options_default();
  struct rlimit nofile;
  o->host = o->host != NULL ? o->host : d.host;
  o->max_body = o->max_body > 0 ? o->max_body : d.max_body;
  o->max_connections = o->max_connections > 0 ? o->max_connections : d.max_connections;
  o->max_per_client = o->max_per_client > 0 ? o->max_per_client : d.max_per_client;
  o->lifecycle_ms = o->lifecycle_ms > 0 ? o->lifecycle_ms : d.lifecycle_ms;
  o->read_timeout_ms = o->read_timeout_ms > 0 ? o->read_timeout_ms : d.read_timeout_ms;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
      nofile.rlim_cur < o->max_connections + 2 * FD_RESERVE)
    o->max_connections = nofile.rlim_cur > 2 * FD_RESERVE ? (unsigned)nofile.rlim_cur - FD_RESERVE : FD_RESERVE;
  if (o->threads == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 2 ? 2 : cpus > 8 ? 8 : (unsigned)cpus;
  }
  o->threads = o->threads > MAX_THREADS ? MAX_THREADS : o->threads;
  o->threads = o->threads > o->max_connections ? o->max_connections : o->threads; /* each loop takes a share */
}

/* The admin token: the one given, else 32 random hex digits. */
static int make_token(apic_mock *m, const char **why)
{
  const char *given = m->o.admin_token;
  if (given != NULL) {
    if (given[0] == '\0' || strlen(given) >= sizeof m->token || strcspn(given, "\r\n") != strlen(given))
      return *why = "the admin token must be 1 to 128 characters on one line", -1;
    snprintf(m->token, sizeof m->token, "%s", given);
    return 0;
  }
  unsigned char bytes[16];
  FILE *f = fopen("/dev/urandom", "rb");
  size_t n = f != NULL ? fread(bytes, 1, sizeof bytes, f) : 0;
  if (f != NULL)
    fclose(f);
  if (n != sizeof bytes)
    return *why = "cannot read /dev/urandom for the admin token", -1;
  for (size_t i = 0; i < sizeof bytes; i++)
    snprintf(m->token + 2 * i, 3, "%02x", bytes[i]);
  return 0;
}

static int fail(apic_mock *m, char **out_err, const char *msg)
{
  if (out_err != NULL)
    *out_err = strdup(msg);
  apic_mock_stop(m);
  return -1;
}

static struct MHD_Daemon *start_daemon(apic_mock *m, const struct sockaddr_in *addr)
{
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
  return MHD_start_daemon(
    flags, m->o.port, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE,
    m->o.threads, MHD_OPTION_CONNECTION_LIMIT, m->o.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
    m->o.max_per_client, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
    (size_t)HEADER_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_uri, m, MHD_OPTION_NOTIFY_CONNECTION,
    apic_mock__on_connection, &m->clock, MHD_OPTION_NOTIFY_COMPLETED, on_completed, m, MHD_OPTION_END);
}

int apic_mock_start(const char *spec_json, const apic_mock_options *o, apic_mock **out, char **out_err)
{
  apic_mock *m = calloc(1, sizeof *m);
  char *err = NULL;
  const char *why = NULL;
  struct sockaddr_in addr;
  *out = NULL;
  if (out_err != NULL)
    *out_err = NULL;
  if (m == NULL)
    return out_err != NULL ? (*out_err = strdup("out of memory"), -1) : -1;
  m->o = o != NULL ? *o : apic_mock_options_default();
  settle_options(&m->o);
  pthread_mutex_init(&m->lock, NULL);
  m->store = cJSON_CreateObject(), m->ids = cJSON_CreateObject();
  m->faults = cJSON_CreateArray(), m->requests = cJSON_CreateArray(), m->states = cJSON_CreateObject();
  m->spec = spec_json != NULL ? cJSON_Parse(spec_json) : NULL;
  if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(m->spec, "resources")))
    return fail(m, out_err, "the spec is not the JSON `apic dump` prints (no \"resources\" array)");
  if (apic_mock__index(m) != 0 || apic_mock__lives_index(m) != 0 || apic_mock__blobs_init(m) != 0)
    return fail(m, out_err, "out of memory");
  if (apic_mock__base_path(m->spec, m->base, sizeof m->base) != 0)
    return fail(m, out_err, "the path of the spec's base_url is too long (255 characters at most)");
  if (make_token(m, &why) != 0)
    return fail(m, out_err, why);
  if (apic_mock__load_data(m, &err) != 0) {
    int rc = fail(m, out_err, err);
    free(err);
    return rc;
  }
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(m->o.port);
  if (inet_pton(AF_INET, m->o.host, &addr.sin_addr) != 1)
    return fail(m, out_err, "--host: expected an IPv4 address such as 127.0.0.1");
  if (apic_mock__clock_start(&m->clock, m->o.read_timeout_ms) != 0)
    return fail(m, out_err, "cannot start the clock thread");
  if ((m->daemon = start_daemon(m, &addr)) == NULL)
    return fail(m, out_err, "cannot listen on that host and port (in use?)");
  m->port = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
  snprintf(m->url, sizeof m->url, "http://%s:%u%s", m->o.host, (unsigned)m->port, m->base);
  *out = m;
  return 0;
}

unsigned short apic_mock_port(const apic_mock *m)
{
  return m != NULL ? m->port : 0;
}

const char *apic_mock_url(const apic_mock *m)
{
  return m != NULL ? m->url : NULL;
}

const char *apic_mock_admin_token(const apic_mock *m)
{
  return m != NULL ? m->token : NULL;
}

/* Stops accepting, lets requests in flight finish (bounded: the clock still wakes those that
 * wait), then stops the clock (waking whatever still waits) and the daemon, which closes the
 * rest: stopping at once would cut answers half sent. */
void apic_mock_stop(apic_mock *m)
{
  if (m == NULL)
    return;
  MHD_socket listener = MHD_INVALID_SOCKET;
  atomic_store(&m->stopping, 1);
  if (m->daemon != NULL) {
    listener = MHD_quiesce_daemon(m->daemon); /* now ours to close */
    for (uint64_t end = apic_mock__now_ms() + MOCK_MAX_WAIT_MS + 5000; apic_mock__now_ms() < end;) {
      if (atomic_load(&m->active) <= 0)
        break;
      nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
  }
  apic_mock__clock_stop(&m->clock);
  if (m->daemon != NULL)
    MHD_stop_daemon(m->daemon);
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  apic_mock__clock_free(&m->clock);
  apic_mock__index_free(m);
  apic_mock__lives_free(m);
  cJSON_Delete(m->spec), cJSON_Delete(m->store), cJSON_Delete(m->ids), cJSON_Delete(m->faults);
  cJSON_Delete(m->requests), cJSON_Delete(m->states);
  apic_mock__blobs_free(m);
  pthread_mutex_destroy(&m->lock);
  free(m);
}
