/* Lazy page iteration over the engine (apic/page.h). */
#include "apic/page.h"

#include <string.h>

#include "engine.h"
#include "internal.h"

/* A deep copy of one request. */
typedef struct req_copy {
  apic_request req;
  char **headers;
} req_copy;

struct apic_pager {
  apic_client *client;
  req_copy cur;
  apic_page_next_fn next;
  void *user_data;
  int done;
  int running;
  apic_call_cb cb;
  void *cb_data;
};

static void copy_clear(req_copy *c)
{
  for (size_t i = 0; c->headers != NULL && i < c->req.n_headers; i++)
    apic__free(c->headers[i]);
  apic__free(c->headers);
  apic__free((char *)c->req.method);
  apic__free((char *)c->req.url);
  apic__free((char *)c->req.body);
  apic__free((char *)c->req.idempotency_key);
  memset(c, 0, sizeof *c);
}

static int copy_set(req_copy *c, const apic_request *r)
{
  req_copy n;
  memset(&n, 0, sizeof n);
  n.req = *r;
  n.req.method = apic__strdup(r->method);
  n.req.url = apic__strdup(r->url);
  n.req.body = r->body ? apic__strndup(r->body, r->body_len) : NULL;
  n.req.idempotency_key = apic__strdup(r->idempotency_key);
  n.req.n_headers = 0;
  n.headers = r->n_headers ? apic__calloc(r->n_headers, sizeof *n.headers) : NULL;
  int bad = n.req.method == NULL || n.req.url == NULL || (r->body && !n.req.body) ||
            (r->idempotency_key && !n.req.idempotency_key) || (r->n_headers && !n.headers);
  for (size_t i = 0; !bad && i < r->n_headers; i++) {
    n.headers[i] = apic__strdup(r->headers[i]);
    n.req.n_headers = i + 1;
    bad = n.headers[i] == NULL;
  }
  n.req.headers = (const char *const *)n.headers;
  if (bad) {
    copy_clear(&n);
    return APIC_ERR_NOMEM;
  }
  copy_clear(c);
  *c = n;
  return 0;
}

int apic_pager_new(apic_client *c, const apic_request *first, apic_page_next_fn next, void *user_data,
                   apic_pager **out)
{
  *out = NULL;
  if (c == NULL || first == NULL || first->method == NULL || first->url == NULL || next == NULL)
    return APIC_ERR_INVALID_ARG;
  apic_pager *p = apic__calloc(1, sizeof *p);
  if (p == NULL)
    return APIC_ERR_NOMEM;
  if (copy_set(&p->cur, first) != 0) {
    apic__free(p);
    return APIC_ERR_NOMEM;
  }
  p->client = c;
  p->next = next;
  p->user_data = user_data;
  *out = p;
  return 0;
}

int apic_pager_done(const apic_pager *p)
{
  return p->done;
}

/* Derives the following request from a fetched page; an error ends the iteration. */
static int advance(apic_pager *p, const apic_response *page, apic_error **err)
{
  apic_request next = APIC_REQUEST_INIT;
  int rc = p->next(p->user_data, page, &p->cur.req, &next);
  if (rc == 1)
    rc = copy_set(&p->cur, &next);
  else if (rc == 0)
    p->done = 1;
  if (rc < 0) {
    p->done = 1;
    if (err != NULL)
      *err = apic_error_new(rc, "could not derive the next page's request");
  }
  return rc < 0 ? rc : 0;
}

int apic_pager_next(apic_pager *p, apic_response **page, apic_error **err)
{
  *page = NULL;
  if (err != NULL)
    *err = NULL;
  if (p == NULL || p->running)
    return APIC_ERR_INVALID_ARG;
  if (p->done)
    return 0;
  int rc = apic_client_send(p->client, &p->cur.req, page, err);
  if (rc != 0) {
    p->done = 1;
    return rc;
  }
  rc = advance(p, *page, err);
  if (rc != 0) {
    apic_response_free(*page);
    *page = NULL;
  }
  return rc;
}

static void on_page(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  apic_pager *p = ud;
  p->running = 0;
  if (resp != NULL && advance(p, resp, &err) != 0) {
    apic_response_free(resp);
    resp = NULL;
    status = apic_error_code(err);
  } else if (err != NULL) {
    p->done = 1;
  }
  p->cb(call, status, resp, err, p->cb_data);
}

int apic_pager_next_async(apic_pager *p, apic_call_cb cb, void *user_data, apic_call **out, apic_error **err)
{
  if (p == NULL || cb == NULL || p->done || p->running)
    return APIC_ERR_INVALID_ARG;
  p->cb = cb;
  p->cb_data = user_data;
  int rc = apic_call_start(p->client, &p->cur.req, on_page, p, out, err);
  p->running = rc == 0;
  return rc;
}

void apic_pager_free(apic_pager *p)
{
  if (p == NULL)
    return;
  copy_clear(&p->cur);
  apic__free(p);
}
