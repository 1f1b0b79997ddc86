/* libapic-mock: answers as libmicrohttpd responses. A plain answer is one buffer; an answer a
 * fault shapes (stalled, truncated, an SSE stream cut short) and every SSE stream go out piece
 * by piece, and where they pause the connection waits on the clock, not on a thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define SSE_GAP_MS 5u /* pause between events, so a stream looks like one */

typedef struct flow { /* a body sent piece by piece */
  mock_reply r;
  apic_mock *m;
  struct MHD_Connection *c;
  mock_sock *sock;
  size_t stop, stall_at, paused_at;
  unsigned stall_ms;
  int stalled;
} flow;

void apic_mock__reply_json(mock_reply *r, int status, cJSON *j)
{
  r->status = status;
  r->body = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
  r->len = r->body != NULL ? strlen(r->body) : 0;
  r->ctype = "application/json";
  cJSON_Delete(j);
}

void apic_mock__reply_print(mock_reply *r, int status, const cJSON *j)
{
  r->status = status;
  r->body = cJSON_PrintUnformatted(j);
  r->len = r->body != NULL ? strlen(r->body) : 0;
  r->ctype = "application/json";
}

void apic_mock__reply_error(apic_mock *m, mock_reply *r, int status, const char *detail)
{
  apic_mock__reply_json(r, status, apic_mock__error_payload(m->spec, status, detail));
}

unsigned apic_mock__num(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(v) && v->valuedouble > 0 ? (unsigned)(v->valuedouble < 1e9 ? v->valuedouble : 1e9) : 0;
}

/* A fault with a status answers in place of the operation: its body (a string as is, JSON
 * printed), else the spec's error payload for that status. */
void apic_mock__fault_reply(apic_mock *m, const cJSON *fault, mock_reply *r)
{
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(fault, "body");
  int status = (int)apic_mock__num(fault, "status");
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

/* How long to pause before the byte at pos: the stall once, and SSE_GAP_MS before each event
 * after the first (once per position: libmicrohttpd asks again for it after the pause). */
static unsigned pause_before(flow *f, size_t pos)
{
  if (f->stall_ms > 0 && !f->stalled && pos >= f->stall_at) {
    f->stalled = 1;
    return f->stall_ms;
  }
  for (size_t i = 0; i < f->r.ncuts; i++)
    if (f->r.cuts[i] == pos && pos > 0 && f->paused_at != pos) {
      f->paused_at = pos;
      return f->r.gap_ms > 0 ? f->r.gap_ms : SSE_GAP_MS;
    }
  return 0;
}

static ssize_t flow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  flow *f = cls;
  if (pos >= f->stop)
    return f->stop < f->r.len ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
  if (apic_mock__wait(&f->m->clock, f->sock, f->c, pause_before(f, (size_t)pos)))
    return 0; /* nothing yet: the connection is suspended, and asks again once resumed */
  size_t end = f->stop;
  if (f->stall_ms > 0 && !f->stalled && f->stall_at < end)
    end = f->stall_at;
  for (size_t i = 0; i < f->r.ncuts; i++)
    if (f->r.cuts[i] > pos) {
      end = f->r.cuts[i] < end ? f->r.cuts[i] : end;
      break;
    }
  size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
  if (f->r.made)
    for (size_t i = 0; i < n; i++)
      buf[i] = (char)apic_mock__byte_at(pos + i);
  else
    memcpy(buf, f->r.body + pos, n);
  return (ssize_t)n;
}

static void flow_free(void *cls)
{
  flow *f = cls;
  free(f->r.body);
  free(f);
}

/* Where a flow for r stops: truncate (N bytes, or true: half), sse_drop_after (K events). */
static size_t flow_stop(const mock_reply *r, const cJSON *fault)
{
  const cJSON *trunc = cJSON_GetObjectItemCaseSensitive(fault, "truncate");
  unsigned drop = apic_mock__num(fault, "sse_drop_after");
  if (cJSON_IsNumber(trunc))
    return apic_mock__num(fault, "truncate") < r->len ? apic_mock__num(fault, "truncate") : r->len;
  if (cJSON_IsTrue(trunc))
    return r->len / 2;
  if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(fault, "sse_drop_after")) && r->ncuts > 0)
    return drop == 0 ? 0 : drop <= r->ncuts ? r->cuts[drop - 1] : r->len;
  return r->len;
}

/* A response for r shaped by the fault, owning r's body; NULL (the body still r's) when out of
 * memory. */
static struct MHD_Response *make_response(apic_mock *m, struct MHD_Connection *c, mock_sock *s, mock_reply *r,
                                          const cJSON *fault)
{
  if (cJSON_GetObjectItemCaseSensitive(fault, "truncate") == NULL &&
      cJSON_GetObjectItemCaseSensitive(fault, "sse_drop_after") == NULL && apic_mock__num(fault, "stall_ms") == 0 &&
      r->ncuts == 0 && !r->made)
    return MHD_create_response_from_buffer(r->len, r->body != NULL ? r->body : (char *)"",
                                           r->body != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  flow *f = calloc(1, sizeof *f);
  if (f == NULL)
    return NULL;
  f->r = *r, f->m = m, f->c = c, f->sock = s;
  f->stop = flow_stop(r, fault), f->stall_at = r->len / 2, f->stall_ms = apic_mock__num(fault, "stall_ms");
  uint64_t size = r->ncuts > 0 ? MHD_SIZE_UNKNOWN : r->len;
  struct MHD_Response *resp = MHD_create_response_from_callback(size, 4096, flow_read, f, flow_free);
  if (resp == NULL)
    free(f); /* the body stays the caller's */
  return resp;
}

enum MHD_Result apic_mock__send(apic_mock *m, struct MHD_Connection *c, mock_sock *s, mock_reply *r,
                                const cJSON *fault)
{
  struct MHD_Response *resp = r->reader != NULL ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, r->reader,
                                                                                   r->reader_cls, r->reader_free)
                                                : make_response(m, c, s, r, fault);
  if (resp == NULL && r->reader != NULL)
    r->reader_free(r->reader_cls), r->reader = NULL;
  cJSON *more = r->headers, *h;
  r->headers = NULL;
  if (resp == NULL) {
    free(r->body);
    cJSON_Delete(more);
    return MHD_NO;
  }
  cJSON_ArrayForEach(h, more) MHD_add_response_header(resp, h->string, h->valuestring);
  cJSON_Delete(more);
  const cJSON *own_type = NULL; /* a fault's Content-Type replaces the answer's */
  cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(fault, "headers"))
  own_type = strcasecmp(h->string, "Content-Type") == 0 ? h : own_type;
  if (r->ctype != NULL && (r->len > 0 || r->reader != NULL) && own_type == NULL)
    MHD_add_response_header(resp, "Content-Type", r->ctype);
  if (r->ncuts > 0 || r->reader != NULL)
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
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
