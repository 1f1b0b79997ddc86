/* libapic-mock: the HTTP side on libmicrohttpd (a thread per connection, a connection limit,
 * bounded bodies and headers), fault delivery, start and stop. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mock_internal.h"

#define MAX_SLEEP_MS 60000u /* longest delay or stall a fault may ask for */
#define SSE_GAP_MS 5u       /* pause between events, so a stream looks like one */

typedef struct conn { /* one request */
  char *body;
  size_t len, cap;
  int too_big, counted;
} conn;

typedef struct flow { /* a body sent piece by piece: stalls, truncation, SSE */
  mock_reply r;
  size_t stop, stall_at;
  unsigned stall_ms;
  int stalled;
} flow;

static void sleep_ms(unsigned ms)
{
  if (ms == 0)
    return;
  ms = ms > MAX_SLEEP_MS ? MAX_SLEEP_MS : ms;
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

static unsigned num(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(v) && v->valuedouble > 0 ? (unsigned)(v->valuedouble < 1e9 ? v->valuedouble : 1e9) : 0;
}

static ssize_t flow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  flow *f = cls;
  if (pos >= f->stop)
    return f->stop < f->r.len ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
  if (f->stall_ms > 0 && !f->stalled && pos >= f->stall_at) {
    sleep_ms(f->stall_ms);
    f->stalled = 1;
  }
  size_t end = f->stop;
  if (f->stall_ms > 0 && !f->stalled && f->stall_at < end)
    end = f->stall_at;
  for (size_t i = 0; i < f->r.ncuts; i++) {
    if (f->r.cuts[i] == pos && pos > 0)
      sleep_ms(SSE_GAP_MS);
    if (f->r.cuts[i] > pos) {
      end = f->r.cuts[i] < end ? f->r.cuts[i] : end;
      break;
    }
  }
  size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
  memcpy(buf, f->r.body + pos, n);
  return (ssize_t)n;
}

static void flow_free(void *cls)
{
  flow *f = cls;
  free(f->r.body);
  free(f);
}

/* A response for r (taking its body) shaped by the fault: truncate, stall_ms, sse_drop_after. */
static struct MHD_Response *make_response(mock_reply *r, const cJSON *fault)
{
  const cJSON *trunc = cJSON_GetObjectItemCaseSensitive(fault, "truncate");
  const cJSON *drop = cJSON_GetObjectItemCaseSensitive(fault, "sse_drop_after");
  if (trunc == NULL && drop == NULL && num(fault, "stall_ms") == 0 && r->ncuts == 0)
    return MHD_create_response_from_buffer(r->len, r->body != NULL ? r->body : (char *)"",
                                           r->body != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  flow *f = calloc(1, sizeof *f);
  if (f == NULL)
    return NULL;
  f->r = *r, f->stop = r->len, f->stall_at = r->len / 2, f->stall_ms = num(fault, "stall_ms");
  if (cJSON_IsNumber(trunc))
    f->stop = num(fault, "truncate") < r->len ? num(fault, "truncate") : r->len;
  else if (cJSON_IsTrue(trunc))
    f->stop = r->len / 2;
  if (cJSON_IsNumber(drop) && r->ncuts > 0)
    f->stop = num(fault, "sse_drop_after") == 0 ? 0
              : num(fault, "sse_drop_after") <= r->ncuts ? r->cuts[num(fault, "sse_drop_after") - 1]
                                                         : r->len;
  uint64_t size = r->ncuts > 0 ? MHD_SIZE_UNKNOWN : r->len;
  struct MHD_Response *resp = MHD_create_response_from_callback(size, 4096, flow_read, f, flow_free);
  if (resp == NULL)
    flow_free(f);
  return resp;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, mock_reply *r, const cJSON *fault)
{
  struct MHD_Response *resp = make_response(r, fault);
  if (resp == NULL)
    return MHD_NO;
  if (r->ctype != NULL && r->len > 0)
    MHD_add_response_header(resp, "Content-Type", r->ctype);
  if (r->ncuts > 0)
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
  const cJSON *h;
  cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(fault, "headers"))
  {
    char num_text[64];
    if (cJSON_IsNumber(h))
      snprintf(num_text, sizeof num_text, "%.17g", h->valuedouble);
    if (cJSON_IsString(h) || cJSON_IsNumber(h))
      MHD_add_response_header(resp, h->string, cJSON_IsString(h) ? h->valuestring : num_text);
  }
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

/* A fault with a status answers in place of the operation: its body (a string as is, JSON
 * printed), else the spec's error payload for that status. */
static void fault_reply(apic_mock *m, const cJSON *fault, mock_reply *r)
{
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(fault, "body");
  int status = (int)num(fault, "status");
  status = status >= 100 && status <= 599 ? status : 500;
  if (cJSON_IsString(body)) {
    r->status = status, r->body = strdup(body->valuestring), r->ctype = "application/json";
    r->len = r->body != NULL ? strlen(r->body) : 0;
  } else if (body != NULL)
    apic_mock__reply_json(r, status, cJSON_Duplicate(body, 1));
  else if (status >= 400)
    apic_mock__reply_error(m, r, status, "injected fault");
  else
    apic_mock__reply_json(r, status, NULL);
}

static void log_line(apic_mock *m, const char *method, const char *path, int status)
{
  if (!m->o.log)
    return;
  char now[40];
  apic_mock__now(now, sizeof now);
  pthread_mutex_lock(&m->lock); /* one line at a time */
  fprintf(m->o.log_out != NULL ? m->o.log_out : stderr, "%s %s %s %d\n", now, method, path, status);
  fflush(m->o.log_out != NULL ? m->o.log_out : stderr);
  pthread_mutex_unlock(&m->lock);
}

static enum MHD_Result answer(apic_mock *m, struct MHD_Connection *c, const char *url, const char *method, conn *cn)
{
  mock_reply r;
  memset(&r, 0, sizeof r);
  if (cn->too_big) {
    char detail[80];
    snprintf(detail, sizeof detail, "the body is larger than %zu bytes", m->o.max_body);
    apic_mock__reply_error(m, &r, 413, detail);
    log_line(m, method, url, 413);
    return send_reply(c, &r, NULL);
  }
  if (strncmp(url, "/__mock/", 8) == 0) {
    cJSON *out = NULL;
    apic_mock__admin(m, method, url, cn->body != NULL ? cn->body : "", &r.status, &out);
    apic_mock__reply_json(&r, r.status, out);
    return send_reply(c, &r, NULL);
  }
  apic_mock__log_request(m, c, method, url, cn->body, cn->len);
  cJSON *fault = apic_mock__take_fault(m, method, url);
  sleep_ms(m->o.latency_ms + num(fault, "delay_ms"));
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fault, "drop"))) {
    log_line(m, method, url, 0);
    cJSON_Delete(fault);
    return MHD_NO; /* libmicrohttpd closes the connection without an answer */
  }
  if (cJSON_GetObjectItemCaseSensitive(fault, "status") != NULL)
    fault_reply(m, fault, &r);
  else
    apic_mock__serve(m, c, method, url, cn->body != NULL ? cn->body : "", cn->len, &r);
  log_line(m, method, url, r.status);
  enum MHD_Result ret = send_reply(c, &r, fault);
  cJSON_Delete(fault);
  return ret;
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
  apic_mock *m = cls;
  conn *cn = *con_cls;
  (void)version;
  if (cn == NULL) {
    if ((cn = calloc(1, sizeof *cn)) == NULL)
      return MHD_NO;
    *con_cls = cn;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    cn->too_big = cl != NULL && strtoull(cl, NULL, 10) > m->o.max_body;
    if (strncmp(url, "/__mock/", 8) != 0) { /* admin calls do not count as concurrency */
      pthread_mutex_lock(&m->lock);
      cn->counted = 1;
      m->peak = ++m->active > m->peak ? m->active : m->peak;
      pthread_mutex_unlock(&m->lock);
    }
    return cn->too_big ? answer(m, c, url, method, cn) : MHD_YES;
  }
  if (*upload_size > 0) {
    int rc = append_body(m, cn, upload, *upload_size);
    *upload_size = 0;
    return rc == 0 ? MHD_YES : MHD_NO;
  }
  return answer(m, c, url, method, cn);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  apic_mock *m = cls;
  conn *cn = *con_cls;
  (void)c, (void)toe;
  if (cn == NULL)
    return;
  if (cn->counted) {
    pthread_mutex_lock(&m->lock);
    m->active--;
    pthread_mutex_unlock(&m->lock);
  }
  free(cn->body);
  free(cn);
  *con_cls = NULL;
}

apic_mock_options apic_mock_options_default(void)
{
  apic_mock_options o;
  memset(&o, 0, sizeof o);
  o.host = "127.0.0.1";
  o.max_body = 1u << 20;
  o.max_connections = 256;
  return o;
}

static int fail(apic_mock *m, char **out_err, const char *msg)
{
  if (out_err != NULL)
    *out_err = strdup(msg);
  apic_mock_stop(m);
  return -1;
}

int apic_mock_start(const char *spec_json, const apic_mock_options *o, apic_mock **out, char **out_err)
{
  apic_mock *m = calloc(1, sizeof *m);
  char *err = NULL;
  struct sockaddr_in addr;
  *out = NULL;
  if (out_err != NULL)
    *out_err = NULL;
  if (m == NULL)
    return out_err != NULL ? (*out_err = strdup("out of memory"), -1) : -1;
  m->o = o != NULL ? *o : apic_mock_options_default();
  m->o.host = m->o.host != NULL ? m->o.host : "127.0.0.1";
  m->o.max_body = m->o.max_body > 0 ? m->o.max_body : 1u << 20;
  m->o.max_connections = m->o.max_connections > 0 ? m->o.max_connections : 256;
  pthread_mutex_init(&m->lock, NULL);
  m->store = cJSON_CreateObject(), m->faults = cJSON_CreateArray(), m->requests = cJSON_CreateArray();
  m->spec = spec_json != NULL ? cJSON_Parse(spec_json) : NULL;
  if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(m->spec, "resources")))
    return fail(m, out_err, "the spec is not the JSON `apic dump` prints (no \"resources\" array)");
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
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO | MHD_USE_ITC;
  m->daemon = MHD_start_daemon(flags,
                               m->o.port, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, &addr,
                               MHD_OPTION_CONNECTION_LIMIT, m->o.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
                               30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, m, MHD_OPTION_END);
  if (m->daemon == NULL)
    return fail(m, out_err, "cannot listen on that host and port (in use?)");
  m->port = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
  *out = m;
  return 0;
}

unsigned short apic_mock_port(const apic_mock *m)
{
  return m != NULL ? m->port : 0;
}

void apic_mock_stop(apic_mock *m)
{
  if (m == NULL)
    return;
  if (m->daemon != NULL) {
    /* Stop accepting, let requests in flight finish (bounded), then close what is left:
     * stopping at once would cut them, as the daemon shuts every connection down. */
    MHD_socket listener = MHD_quiesce_daemon(m->daemon); /* now ours to close */
    for (unsigned waited = 0; waited < MAX_SLEEP_MS + 5000; waited += 10) {
      pthread_mutex_lock(&m->lock);
      int active = m->active;
      pthread_mutex_unlock(&m->lock);
      if (active <= 0)
        break;
      sleep_ms(10);
    }
    MHD_stop_daemon(m->daemon);
    if (listener != MHD_INVALID_SOCKET)
      close(listener);
  }
  cJSON_Delete(m->spec), cJSON_Delete(m->store), cJSON_Delete(m->faults), cJSON_Delete(m->requests);
  pthread_mutex_destroy(&m->lock);
  free(m);
}
