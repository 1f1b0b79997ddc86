/* Operations as tables: the API client, and building, sending and decoding one operation's
 * request for sync calls, async calls and group members. Streams and pages: op_stream.c and
 * op_pager.c. docs/clients.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "apic/formats.h"
#include "apic/op.h"
#include "apic/url.h"
#include "engine.h"
#include "internal.h"
#include "op_internal.h"

/* A multipart body with no part set: its boundary and text (libcurl makes the others). */
#define EMPTY_BOUNDARY "apic-no-parts"
#define EMPTY_MULTIPART "--" EMPTY_BOUNDARY "--\r\n"

uint64_t apic_now_ms(void)
{
  return uv_hrtime() / 1000000u;
}

/* ---- the API client ----------------------------------------------------------------------- */

/* "Name: value" on one line: what default and per-call header lines must be. */
static int header_line_ok(const char *h)
{
  return h != NULL && strchr(h, ':') != NULL && strpbrk(h, "\r\n") == NULL;
}

static int copy_headers(apic_api *a, const apic_api_options *o, apic_error **err)
{
  a->headers = apic__calloc(o->n_default_headers + 1, sizeof *a->headers);
  if (a->headers == NULL)
    return APIC_ERR_NOMEM;
  for (size_t i = 0; i < o->n_default_headers; i++) {
    const char *h = o->default_headers[i];
    if (!header_line_ok(h)) {
      *err = apic_error_new(APIC_ERR_INVALID_ARG, "default header %zu is not \"Name: value\" on one line", i);
      return APIC_ERR_INVALID_ARG;
    }
    if ((a->headers[a->n_headers] = apic__strndup(h, strlen(h))) == NULL)
      return APIC_ERR_NOMEM;
    a->n_headers++;
  }
  return 0;
}

static char *copy_text(const char *s)
{
  return s != NULL ? apic__strndup(s, strlen(s)) : NULL;
}

/* The schemes, copied; a credential only when set (else the token provider is asked). */
static int copy_schemes(apic_api *a, const apic_api_options *o)
{
  if (o->n_schemes == 0)
    return 0;
  if (o->schemes == NULL || (a->schemes = apic__calloc(o->n_schemes, sizeof *a->schemes)) == NULL)
    return o->schemes == NULL ? APIC_ERR_INVALID_ARG : APIC_ERR_NOMEM;
  for (; a->n_schemes < o->n_schemes; a->n_schemes++) {
    const apic_auth_scheme *from = &o->schemes[a->n_schemes];
    apic__scheme *to = &a->schemes[a->n_schemes];
    const char *cred = from->credential != NULL && from->credential[0] != '\0' ? from->credential : NULL;
    *to = (apic__scheme){a, copy_text(from->name), copy_text(from->param), from->kind, copy_text(cred)};
    if (to->name == NULL || (from->param != NULL && to->param == NULL) || (cred != NULL && to->credential == NULL))
      return APIC_ERR_NOMEM;
  }
  return 0;
}

static int check_base(const char *base, apic_error **err)
{
  if (base != NULL && (strncmp(base, "http://", 7) == 0 || strncmp(base, "https://", 8) == 0) &&
      strpbrk(base, " \r\n?#") == NULL)
    return 0;
  *err = apic_error_new(APIC_ERR_INVALID_ARG, "base URL \"%s\" is not an http(s) URL without query",
                        base != NULL ? base : "(null)");
  return APIC_ERR_INVALID_ARG;
}

int apic_api_new(const apic_api_options *o, apic_api **out, apic_error **err)
{
  apic_error *dummy = NULL;
  if (err == NULL)
    err = &dummy;
  *out = NULL;
  *err = NULL;
  int rc = o == NULL ? APIC_ERR_INVALID_ARG : check_base(o->base_url, err);
  apic_api *a = rc == 0 ? apic__calloc(1, sizeof *a) : NULL;
  if (a != NULL && uv_mutex_init(&a->lock) != 0) {
    apic__free(a);
    a = NULL;
  }
  if (rc == 0 && a == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0) {
    a->token_fn = o->token_provider;
    a->token_data = o->token_data;
  }
  if (rc == 0 && (a->base_url = apic__strndup(o->base_url, strlen(o->base_url))) == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0)
    rc = copy_headers(a, o, err);
  if (rc == 0)
    rc = copy_schemes(a, o);
  if (rc == 0)
    rc = apic_client_new(o->http, &a->client, err);
  if (rc != 0) {
    if (*err == NULL)
      *err = apic_error_new(rc, "could not create the client");
    apic_api_free(a, 0);
    apic_error_free(dummy);
    return rc;
  }
  *out = a;
  return 0;
}

static void on_drained(uv_timer_t *t)
{
  *(int *)t->data = 1;
}

/* Owned loop: runs it up to drain_ms while waits are running (a wait pausing between polls has
 * no call in flight, so the client's own drain would not see it); returns the time left. */
static uint64_t drain_waits(apic_api *a, uint64_t drain_ms)
{
  uv_loop_t *loop = apic_client_loop(a->client);
  uv_timer_t t;
  int over = 0;
  uint64_t start = apic_now_ms();
  uv_timer_init(loop, &t);
  t.data = &over;
  uv_timer_start(&t, on_drained, drain_ms, 0);
  while (a->lros != NULL && !over)
    apic__client_run(a->client, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  apic__client_run(a->client, UV_RUN_NOWAIT);
  uint64_t spent = apic_now_ms() - start;
  return spent < drain_ms ? drain_ms - spent : 0;
}

static void destroy(apic_api *a)
{
  apic_client_free(a->client, 0); /* NULL when already freed */
  for (size_t i = 0; i < a->n_headers; i++)
    apic__free(a->headers[i]);
  apic__free(a->headers);
  for (size_t i = 0; i < a->n_schemes; i++) {
    apic__free(a->schemes[i].name);
    apic__free(a->schemes[i].param);
    apic__free(a->schemes[i].credential);
  }
  apic__free(a->schemes);
  apic__free(a->base_url);
  uv_mutex_destroy(&a->lock);
  apic__free(a);
}

void apic__api_done(apic_api *a)
{
  if (--a->pending == 0 && a->freeing && a->running == 0)
    destroy(a);
}

/* On a caller's loop the callbacks of the work still pending run when the caller next runs it,
 * and they (and the work's own ends) use the API: it is freed after the last of them, or when
 * libapic's run of the owned loop that this was called from is done with it. */
void apic_api_free(apic_api *a, uint64_t drain_ms)
{
  if (a == NULL || a->freeing)
    return;
  apic_client *c = a->client;
  int inside = c != NULL && c->owns_loop && apic__client_loop_busy(c); /* the loop cannot be run from here */
  if (drain_ms > 0 && a->lros != NULL && c->owns_loop && !inside)
    drain_ms = drain_waits(a, drain_ms);
  apic__lro_cancel_all(a); /* those still waiting end now, CANCELLED */
  if (c == NULL || (c->owns_loop && !inside) || (a->pending == 0 && a->running == 0)) {
    apic_client_free(c, drain_ms); /* from inside the loop, put off by the client itself */
    a->client = NULL;
    destroy(a);
    return;
  }
  a->freeing = 1;
  apic__client_shutdown(c); /* new calls fail SHUTDOWN, the pending ones are cancelled */
}

apic_client *apic_api_client(apic_api *a)
{
  return a != NULL ? a->client : NULL;
}

size_t apic_api_pending(const apic_api *a)
{
  return a != NULL ? a->pending : 0;
}

int apic__api_run_until(apic_api *a, const int *flag)
{
  if (a == NULL)
    return APIC_ERR_INVALID_ARG;
  if (!a->client->owns_loop || apic__client_loop_busy(a->client))
    return APIC_ERR_BUSY;
  /* Work in progress always holds a handle (a transfer, a timer), so the loop stays alive
   * while anything is pending; the check on uv_run's result only guards against a bug. */
  int rc = 0;
  a->running++;
  while (rc == 0 && (flag != NULL ? !*flag : a->pending > 0))
    if (apic__client_run(a->client, UV_RUN_ONCE) == 0 && (flag != NULL ? !*flag : a->pending > 0))
      rc = APIC_ERR_BUSY;
  a->running--;
  if (a->freeing && a->pending == 0 && a->running == 0) /* freed from a callback meanwhile */
    destroy(a);
  return rc;
}

int apic_api_run(apic_api *a)
{
  return apic__api_run_until(a, NULL);
}

/* ---- building a request ------------------------------------------------------------------- */

static int fail(apic_error **err, int code, const apic_op_desc *op, const char *what, const char *name)
{
  if (err != NULL)
    *err = apic_error_new(code, "%s: %s%s", op->name, what, name != NULL ? name : "");
  return code;
}

/* Prefixes e with the operation and the part ("tasks.create: body: $.name: ...") for *err. */
static int fail_with(apic_error **err, int rc, apic_error *e, const apic_op_desc *op, const char *part)
{
  char prefix[160];
  snprintf(prefix, sizeof prefix, "%s: %s", op->name, part);
  if (e == NULL)
    e = apic_error_new(rc, "%s", apic_strerror(rc));
  if (e != NULL)
    apic_error_prefix(e, prefix);
  if (err != NULL)
    *err = e;
  else
    apic_error_free(e);
  return rc;
}

/* Checks one argument struct of model m; NULL is a struct with nothing set. */
static int validate(const apic_op_desc *op, const apic_model_desc *m, const void *obj, const char *part,
                    apic_error **err)
{
  if (m == NULL)
    return 0;
  void *zeros = obj == NULL ? apic__calloc(1, m->size) : NULL;
  if (obj == NULL && zeros == NULL)
    return fail(err, APIC_ERR_NOMEM, op, "out of memory", NULL);
  apic_error *e = NULL;
  int rc = apic_value_validate(&m->type, obj != NULL ? obj : zeros, &e);
  apic__free(zeros);
  return rc == 0 ? 0 : fail_with(err, rc, e, op, part);
}

const void *apic__op_param_value(const apic_field_desc *f, const void *params)
{
  const char *obj = params;
  if (obj == NULL)
    return NULL;
  apic_type t = f->type->type;
  const void *slot = obj + f->offset;
  if ((f->flags & APIC_F_NULLABLE) && *(const bool *)(obj + f->null_offset))
    return NULL;
  if (f->flags & APIC_F_POINTER)
    return *(const void *const *)slot;
  if (t == APIC_T_STRING || t == APIC_T_DATETIME || t == APIC_T_DATE || t == APIC_T_UUID || t == APIC_T_ARRAY)
    return *(const void *const *)slot != NULL ? slot : NULL;
  return slot;
}

static const char *param_text(const apic_field_desc *f, const apic_type_desc *t, const char *obj, const void *slot,
                              char *buf, size_t size)
{
  const char *unknown = f->type->type == APIC_T_ENUM ? *(const char *const *)(obj + f->unknown_offset) : NULL;
  return apic__scalar_text(t, slot, unknown, buf, size);
}

static const apic_field_desc *field_by_wire(const apic_model_desc *m, const char *wire, size_t len)
{
  for (size_t i = 0; m != NULL && i < m->nfields; i++)
    if (strlen(m->fields[i].wire) == len && memcmp(m->fields[i].wire, wire, len) == 0)
      return &m->fields[i];
  return NULL;
}

/* The path template with each {name} replaced by its percent-encoded value. */
static int build_path(built *b, const apic_op_desc *op, const char *path, apic_error **err)
{
  const char *p = op->path;
  while (*p != '\0') {
    const char *end = strchr(p, '{');
    if (end == NULL)
      end = p + strlen(p);
    if (end > p) { /* the literal text up to the next parameter */
      char *lit = apic__strndup(p, (size_t)(end - p));
      if (lit == NULL)
        return APIC_ERR_NOMEM;
      apic_url_add_path(&b->url, lit);
      apic_url_add_path(&b->log, lit);
      apic__free(lit);
    }
    if (*end == '\0')
      break;
    const char *close = strchr(end, '}');
    if (close == NULL)
      return fail(err, APIC_ERR_INVALID_ARG, op, "bad path template ", op->path);
    const apic_field_desc *f = field_by_wire(op->path_params, end + 1, (size_t)(close - end - 1));
    const void *slot = f != NULL && path != NULL ? apic__op_param_value(f, path) : NULL;
    char num[64];
    const char *text = slot != NULL ? param_text(f, f->type, path, slot, num, sizeof num) : NULL;
    if (text == NULL)
      return fail(err, APIC_ERR_INVALID_ARG, op, "no value for path parameter ", f ? f->name : op->path);
    if (apic_url_add_segment(&b->url, text) != 0)
      return fail(err, APIC_ERR_INVALID_ARG, op, "path parameter is empty, \".\" or \"..\": ", f->name);
    apic_url_add_segment(&b->log, f->flags & APIC_F_SENSITIVE ? "REDACTED" : text);
    p = close + 1;
  }
  return 0;
}

/* Takes a header line already formatted ("Name: value"). */
static int push_line(built *b, char *line)
{
  if (line == NULL)
    return APIC_ERR_NOMEM;
  if (b->n_headers == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 8;
    char **h = apic__realloc(b->headers, cap * sizeof *h);
    if (h == NULL) {
      apic__free(line);
      return APIC_ERR_NOMEM;
    }
    b->headers = h;
    b->cap = cap;
  }
  b->headers[b->n_headers++] = line;
  return 0;
}

static int add_header(built *b, const char *name, const char *value)
{
  size_t len = strlen(name) + strlen(value) + 3;
  char *line = apic__malloc(len);
  if (line != NULL)
    snprintf(line, len, "%s: %s", name, value);
  return push_line(b, line);
}

static int add_line(built *b, const char *line)
{
  return push_line(b, apic__strndup(line, strlen(line)));
}

/* A part of a multipart body; text, when not NULL, is its data, made here. */
static int add_part(built *b, apic_part part, char *text)
{
  if (b->n_parts == b->cap_parts) {
    size_t cap = b->cap_parts ? b->cap_parts * 2 : 8;
    apic_part *parts = apic__realloc(b->parts, cap * sizeof *parts);
    char **texts = parts != NULL ? apic__realloc(b->part_texts, cap * sizeof *texts) : NULL;
    if (parts != NULL)
      b->parts = parts;
    if (texts == NULL) {
      apic__free(text);
      return APIC_ERR_NOMEM;
    }
    b->part_texts = texts;
    b->cap_parts = cap;
  }
  b->parts[b->n_parts] = part;
  b->part_texts[b->n_parts++] = text;
  return 0;
}

/* One value of a query or header parameter, or of a form or multipart body's field. */
static int add_param_value(built *b, const apic_op_desc *op, const apic_field_desc *f, const char *text)
{
  if (b->form != NULL)
    return apic_url_add_query(b->form, f->wire, text);
  if (b->to_parts) {
    char *copy = apic__strndup(text, strlen(text));
    return copy != NULL ? add_part(b, (apic_part){f->wire, copy, strlen(copy), NULL, NULL, NULL}, copy)
                        : APIC_ERR_NOMEM;
  }
  if (f->flags & APIC_F_HEADER) {
    if (apic_header_check(f->wire, text) != 0)
      return fail(NULL, APIC_ERR_INVALID_ARG, op, "", NULL);
    return add_header(b, f->wire, text);
  }
  apic_url_add_query(&b->url, f->wire, text);
  apic_url_add_query(&b->log, f->wire, f->flags & APIC_F_SENSITIVE ? "REDACTED" : text);
  return 0;
}

/* One query or header parameter: an array repeats the key; unset sends nothing (a default is
 * the server's to apply). */
static int add_param(built *b, const apic_op_desc *op, const apic_field_desc *f, const char *obj, apic_error **err)
{
  const void *slot = apic__op_param_value(f, obj);
  if (slot == NULL)
    return 0;
  const apic_type_desc *t = f->type;
  size_t n = 1, size = 0;
  if (t->type == APIC_T_ARRAY) {
    n = *(const size_t *)(obj + f->count_offset);
    size = apic__elem_size(t->item);
    slot = *(const void *const *)slot;
    t = t->item;
  }
  for (size_t i = 0; i < n; i++) {
    char num[64];
    const char *text = param_text(f, t, obj, (const char *)slot + i * size, num, sizeof num);
    int rc = text != NULL ? add_param_value(b, op, f, text) : APIC_ERR_INVALID_ARG;
    if (rc == APIC_ERR_INVALID_ARG)
      return fail(err, rc, op, "parameter cannot be sent (a control character in a header, or no value): ", f->name);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* ---- credentials ---------------------------------------------------------------------------- */

#define TOKEN_MAX 16384 /* the most a token provider may hand out */

/* The operation's scheme, or NULL. */
static apic__scheme *scheme_of(apic_api *a, const apic_op_desc *op)
{
  return op->auth > 0 && (size_t)op->auth <= a->n_schemes ? &a->schemes[op->auth - 1] : NULL;
}

/* A copy of s's credential (the caller's), asking the token provider when there is none or,
 * with refresh, for a new one; NULL when there is none. */
static char *credential(apic__scheme *s, int refresh)
{
  apic_api *a = s->api;
  uv_mutex_lock(&a->lock);
  if ((s->credential == NULL || refresh) && a->token_fn != NULL) {
    char *buf = apic__calloc(1, TOKEN_MAX);
    if (buf != NULL && a->token_fn(a->token_data, s->name, refresh, buf, TOKEN_MAX) == 0 &&
        memchr(buf, '\0', TOKEN_MAX) != NULL && buf[0] != '\0') {
      char *fresh = copy_text(buf);
      if (fresh != NULL) {
        apic__free(s->credential);
        s->credential = fresh;
      }
    }
    apic__free(buf);
  }
  char *out = copy_text(s->credential);
  uv_mutex_unlock(&a->lock);
  return out;
}

/* The header line that carries cred for s ("Authorization: Bearer ..."): the caller's; NULL
 * when out of memory. Not for a query scheme. */
static char *credential_line(const apic__scheme *s, const char *cred)
{
  const char *name = s->kind == APIC_AUTH_HEADER ? s->param : "Authorization";
  const char *prefix = s->kind == APIC_AUTH_BEARER ? "Bearer " : s->kind == APIC_AUTH_BASIC ? "Basic " : "";
  size_t n = strlen(cred), value = s->kind == APIC_AUTH_BASIC ? 4 * ((n + 2) / 3) : n;
  size_t len = strlen(name) + 2 + strlen(prefix) + value + 1;
  char *line = apic__malloc(len);
  if (line == NULL)
    return NULL;
  int at = snprintf(line, len, "%s: %s", name, prefix);
  if (s->kind == APIC_AUTH_BASIC)
    line[at + apic_base64_encode((const uint8_t *)cred, n, line + at)] = '\0';
  else
    memcpy(line + at, cred, n + 1);
  return line;
}

/* After a 401: a new credential's line, from the token provider (apic_request.reauth). */
static char *reauth(void *ctx)
{
  apic__scheme *s = ctx;
  char *cred = s->api->token_fn != NULL ? credential(s, 1) : NULL;
  char *line = cred != NULL && apic_header_check("X", cred) == 0 ? credential_line(s, cred) : NULL;
  apic__free(cred);
  return line;
}

/* The operation's credential, in the query or as a header line (then to be refreshed after a
 * 401 when a token provider can). None at all is no error: the server says so. */
static int add_credential(built *b, apic_api *a, const apic_op_desc *op, apic_error **err)
{
  apic__scheme *s = scheme_of(a, op);
  if (s == NULL)
    return 0;
  if (s->kind != APIC_AUTH_QUERY && a->token_fn != NULL) {
    b->req.reauth = reauth;
    b->req.reauth_ctx = s;
  }
  char *cred = credential(s, 0);
  if (cred == NULL)
    return 0;
  b->credential = cred;
  if (apic_header_check("X", cred) != 0)
    return fail(err, APIC_ERR_INVALID_ARG, op, "the credential holds a control character: scheme ", s->name);
  if (s->kind != APIC_AUTH_QUERY)
    return push_line(b, credential_line(s, cred));
  apic_url_add_query(&b->url, s->param, cred);
  apic_url_add_query(&b->log, s->param, "REDACTED");
  return 0;
}

static int build_url(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args, apic_error **err)
{
  apic_url_add_path(&b->url, a->base_url);
  apic_url_add_path(&b->log, a->base_url);
  int rc = build_path(b, op, args->path, err);
  for (size_t i = 0; rc == 0 && op->params != NULL && args->params != NULL && i < op->params->nfields; i++)
    rc = add_param(b, op, &op->params->fields[i], args->params, err);
  if (rc == 0)
    rc = add_credential(b, a, op, err);
  if (rc == 0 && (apic_url_error(&b->url) != 0 || apic_url_error(&b->log) != 0))
    rc = APIC_ERR_NOMEM;
  return rc;
}

static int is_text(const apic_type_desc *t)
{
  return t != NULL && (t->type == APIC_T_STRING || t->type == APIC_T_DATETIME || t->type == APIC_T_DATE ||
                       t->type == APIC_T_UUID);
}

/* The type the body is decoded into: the result's, or its struct's body field's (NULL: none). */
static const apic_type_desc *body_type(const apic_op_desc *op)
{
  if (!op->with_headers)
    return op->result;
  for (size_t i = 0; i < op->result->model->nfields; i++)
    if (op->result->model->fields[i].flags & APIC_F_BODY)
      return op->result->model->fields[i].type;
  return NULL;
}

/* The Content-Type of op's body (multipart's is libcurl's, with its boundary). */
static const char *content_type(const apic_op_desc *op)
{
  if (op->body_kind == APIC_BODY_FORM)
    return "application/x-www-form-urlencoded";
  if (op->content_type != NULL)
    return op->content_type;
  if (op->body_kind != APIC_BODY_RAW)
    return "application/json";
  return op->body->type == APIC_T_STRING ? "text/plain; charset=utf-8" : "application/octet-stream";
}

/* What the operation takes back: JSON, for a text result JSON or plain text, for bytes (a
 * download) anything. A stream's
 * Accept (text/event-stream) is apic_stream's to send. */
static const char *accepted(const apic_op_desc *op)
{
  const apic_type_desc *t = body_type(op);
  return t != NULL && t->type == APIC_T_BYTES ? "*/*" : is_text(t) ? "application/json, text/plain"
                                                                   : "application/json";
}

static int build_headers(built *b, apic_api *a, const apic_op_desc *op, const apic_call_options *o, apic_error **err)
{
  int rc = op->result_kind == APIC_RESULT_STREAM ? 0 : add_header(b, "Accept", accepted(op));
  if (rc == 0 && op->body != NULL && op->body_kind != APIC_BODY_MULTIPART)
    rc = add_header(b, "Content-Type", content_type(op));
  else if (rc == 0 && op->body != NULL && b->n_parts == 0) /* with parts, libcurl sends it with its boundary */
    rc = add_header(b, "Content-Type", "multipart/form-data; boundary=" EMPTY_BOUNDARY);
  for (size_t i = 0; rc == 0 && i < a->n_headers; i++)
    rc = add_line(b, a->headers[i]);
  for (size_t i = 0; rc == 0 && o != NULL && i < o->n_headers; i++) {
    if (!header_line_ok(o->headers[i]))
      return fail(err, APIC_ERR_INVALID_ARG, op, "a call header is not \"Name: value\" on one line", NULL);
    rc = add_line(b, o->headers[i]);
  }
  return rc;
}

/* Timeouts and retries: the call's options over the operation's over the client's. */
static int apply_options(apic_request *req, const apic_op_desc *op, const apic_call_options *o, apic_error **err)
{
  static const apic_call_options none;
  if (o == NULL)
    o = &none;
  uint64_t total = o->timeout_ms != 0 ? o->timeout_ms : op->timeout_ms;
  if (o->deadline_ms != 0) {
    uint64_t now = apic_now_ms();
    if (now >= o->deadline_ms)
      return fail(err, APIC_ERR_TIMEOUT, op, "the deadline passed before the call started", NULL);
    if (total == 0 || total == APIC_NO_TIMEOUT || o->deadline_ms - now < total)
      total = o->deadline_ms - now;
  }
  req->total_timeout_ms = total;
  req->attempt_timeout_ms = o->attempt_timeout_ms;
  req->max_retries = o->max_retries > 0 ? o->max_retries : o->max_retries < 0 ? 0 : op->retries;
  req->idempotent = op->idempotent;
  req->idempotency_key = o->idempotency_key;
  return 0;
}

/* A form body: each field as a query parameter would be, the text after the '?'. */
static int build_form(built *b, const apic_op_desc *op, const char *obj, apic_error **err)
{
  apic_url form;
  apic_url_init(&form);
  b->form = &form;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < op->body->model->nfields; i++)
    rc = add_param(b, op, &op->body->model->fields[i], obj, err);
  b->form = NULL;
  const char *text = rc == 0 ? apic_url_str(&form) : NULL;
  if (rc == 0 && text == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0) {
    text += text[0] == '?';
    b->body_len = strlen(text);
    if ((b->body = apic__strndup(text, b->body_len)) == NULL)
      rc = APIC_ERR_NOMEM;
  }
  apic_url_clear(&form);
  return rc;
}

/* A file field's parts (one, or one per item of an array): a path is checked readable now,
 * and read by libcurl as it is sent. */
static int add_file_parts(built *b, const apic_op_desc *op, const apic_field_desc *f, const char *obj, apic_error **err)
{
  const void *slot = apic__op_param_value(f, obj);
  size_t n = 1;
  if (slot != NULL && f->type->type == APIC_T_ARRAY) {
    n = *(const size_t *)(obj + f->count_offset);
    slot = *(const void *const *)slot;
  }
  for (size_t i = 0; slot != NULL && i < n; i++) {
    const apic_file *file = (const apic_file *)slot + i;
    FILE *fp = file->path != NULL ? fopen(file->path, "rb") : NULL;
    if (file->path != NULL && fp == NULL) {
      char why[300];
      snprintf(why, sizeof why, "%s: cannot read %s: %s", f->name, file->path, strerror(errno));
      return fail(err, APIC_ERR_INVALID_ARG, op, "body: ", why);
    }
    if (fp != NULL)
      fclose(fp);
    apic_part part = {f->wire, file->path != NULL ? NULL : (file->data != NULL ? file->data : ""), file->len,
                      file->path, file->filename, file->content_type};
    if (add_part(b, part, NULL) != 0)
      return APIC_ERR_NOMEM;
  }
  return 0;
}

/* A multipart body: a part per value of each field, a file part per file. */
static int build_parts(built *b, const apic_op_desc *op, const char *obj, apic_error **err)
{
  int rc = 0;
  b->to_parts = 1;
  for (size_t i = 0; rc == 0 && i < op->body->model->nfields; i++) {
    const apic_field_desc *f = &op->body->model->fields[i];
    const apic_type_desc *t = f->type->type == APIC_T_ARRAY ? f->type->item : f->type;
    rc = t->type == APIC_T_FILE ? add_file_parts(b, op, f, obj, err) : add_param(b, op, f, obj, err);
  }
  b->to_parts = 0;
  if (rc == 0 && b->n_parts == 0) { /* nothing set: a multipart body of no parts (build_headers) */
    b->body_len = strlen(EMPTY_MULTIPART);
    rc = (b->body = apic__strndup(EMPTY_MULTIPART, b->body_len)) != NULL ? 0 : APIC_ERR_NOMEM;
  }
  return rc;
}

/* A raw body: the text (UTF-8) or the bytes, as they are. */
static int build_raw(built *b, const apic_op_desc *op, const void *body, apic_error **err)
{
  const char *data = body;
  size_t len = 0;
  if (op->body->type == APIC_T_STRING) {
    len = strlen(data);
    if (!apic__utf8_valid(data, len))
      return fail(err, APIC_ERR_INVALID_ARG, op, "body: not UTF-8 text", NULL);
  } else {
    const apic_bytes *bytes = body;
    if (bytes->data == NULL && bytes->len > 0)
      return fail(err, APIC_ERR_INVALID_ARG, op, "body: a length with a NULL pointer", NULL);
    data = bytes->len > 0 ? (const char *)bytes->data : "";
    len = bytes->len;
  }
  b->body_len = len;
  return (b->body = apic__strndup(data, len)) != NULL ? 0 : APIC_ERR_NOMEM;
}

static int build_body(built *b, const apic_op_desc *op, const void *body, apic_error **err)
{
  if (op->body == NULL)
    return 0;
  if (op->body_kind == APIC_BODY_FORM || op->body_kind == APIC_BODY_MULTIPART) {
    int rc = validate(op, op->body->model, body, "body", err); /* NULL: no field set */
    if (rc == 0)
      rc = op->body_kind == APIC_BODY_FORM ? build_form(b, op, body, err) : build_parts(b, op, body, err);
    return rc;
  }
  if (body == NULL)
    return fail(err, APIC_ERR_INVALID_ARG, op, "body is missing", NULL);
  if (op->body_kind == APIC_BODY_RAW)
    return build_raw(b, op, body, err);
  apic_error *e = NULL;
  int rc = apic__encode(op->body, body, APIC_DUMP_WIRE, &b->body, &b->body_len, &e);
  return rc == 0 ? 0 : fail_with(err, rc, e, op, "body");
}

static int build_from(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                      const apic_call_options *o, apic_error **err)
{
  int rc = validate(op, op->path_params, args->path, "path parameters", err);
  if (rc == 0)
    rc = validate(op, op->params, args->params, "parameters", err);
  if (rc == 0)
    rc = build_body(b, op, args->body, err);
  if (rc == 0)
    rc = build_url(b, a, op, args, err);
  if (rc == 0)
    rc = build_headers(b, a, op, o, err);
  if (rc == 0)
    rc = apply_options(&b->req, op, o, err);
  if (rc != 0) {
    if (rc == APIC_ERR_NOMEM && err != NULL && *err == NULL)
      *err = apic_error_new(rc, "%s: out of memory", op->name);
    apic__op_built_clear(b);
    return rc;
  }
  b->req.method = op->method;
  b->req.url = apic_url_str(&b->url);
  b->req.log_url = apic_url_str(&b->log);
  b->req.headers = (const char *const *)b->headers;
  b->req.n_headers = b->n_headers;
  b->req.body = b->body;
  b->req.body_len = b->body_len;
  b->req.parts = b->parts;
  b->req.n_parts = b->n_parts;
  return 0;
}

int apic__op_build(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                   const apic_call_options *o, apic_error **err)
{
  static const apic_op_args none = {NULL, NULL, NULL};
  static const apic_request init = APIC_REQUEST_INIT;
  memset(b, 0, sizeof *b);
  b->req = init;
  apic_url_init(&b->url);
  apic_url_init(&b->log);
  return build_from(b, a, op, args != NULL ? args : &none, o, err);
}

void apic__op_built_clear(built *b)
{
  apic_url_clear(&b->url);
  apic_url_clear(&b->log);
  for (size_t i = 0; i < b->n_headers; i++)
    apic__free(b->headers[i]);
  apic__free(b->headers);
  apic__free(b->body);
  apic__free(b->credential);
  for (size_t i = 0; i < b->n_parts; i++)
    apic__free(b->part_texts[i]);
  apic__free(b->parts);
  apic__free(b->part_texts);
  memset(b, 0, sizeof *b);
}

/* ---- decoding ----------------------------------------------------------------------------- */

int apic__op_text_result(const apic_op_desc *op)
{
  return !op->with_headers && is_text(op->result);
}

void apic__op_result_free(const apic_op_desc *op, void *result)
{
  if (op->result_kind == APIC_RESULT_VALUE && apic__op_text_result(op))
    apic__free(result);
  else
    apic_value_free(result);
}

/* Whether a response's body is JSON: Content-Type application/json or ...+json, or none. */
static int is_json(const apic_response *r)
{
  const char *ct = apic_response_header(r, "Content-Type");
  if (ct == NULL)
    return 1;
  size_t n = strcspn(ct, "; \t");
  return (n == 16 && apic__strncasecmp(ct, "application/json", 16) == 0) ||
         (n > 5 && apic__strncasecmp(ct + n - 5, "+json", 5) == 0);
}

/* A text result: the JSON string, or a body that is not JSON as it came (UTF-8, no NUL, and a
 * date-time, date or UUID when the result is one); a string of its own (apic_free), not a value. */
static int decode_text(const apic_op_desc *op, const apic_response *r, const char *body, size_t len, void **out,
                       apic_error **e)
{
  char *text = NULL;
  if (is_json(r)) {
    void *v = NULL;
    int rc = apic_value_parse(op->result, body, len, &v, e);
    if (rc != 0)
      return rc;
    const char *s = *(const char *const *)v;
    text = apic__strndup(s, strlen(s));
    apic_value_free(v);
  } else {
    apic_type t = op->result->type;
    if (!apic__utf8_valid(body, len) || memchr(body, '\0', len) != NULL) {
      *e = apic_error_new(APIC_ERR_DECODE, "$: the body is not UTF-8 text");
      return APIC_ERR_DECODE;
    }
    text = apic__strndup(body, len);
    if (text != NULL && ((t == APIC_T_DATETIME && apic_datetime_parse(text, NULL, NULL) != 0) ||
                         (t == APIC_T_DATE && !apic_date_valid(text)) || (t == APIC_T_UUID && !apic_uuid_valid(text)))) {
      apic__free(text);
      *e = apic_error_new(APIC_ERR_DECODE, "$: expected %s", t == APIC_T_DATE ? "an RFC 3339 date"
                                                             : t == APIC_T_UUID ? "a UUID" : "an RFC 3339 date-time");
      return APIC_ERR_DECODE;
    }
  }
  if (text == NULL)
    return APIC_ERR_NOMEM;
  *out = text;
  return 0;
}

static const char *response_header(const char *name, void *r)
{
  return apic_response_header(r, name);
}

/* The body into field f (APIC_F_BODY) of the result struct obj, in arena a: bytes as they
 * came, text by its Content-Type (decode_text), anything else as JSON. */
static int decode_body_field(const apic_op_desc *op, const apic_field_desc *f, const apic_response *r, void *obj,
                             apic__arena *a, apic_error **e)
{
  size_t len;
  const char *body = apic_response_body(r, &len);
  if (f->type->type == APIC_T_BYTES) {
    uint8_t *copy = apic__arena_alloc(a, len + 1); /* never NULL for an empty body */
    if (copy == NULL)
      return APIC_ERR_NOMEM;
    memcpy(copy, body, len);
    *(const uint8_t **)((char *)obj + f->offset) = copy;
    *(size_t *)((char *)obj + f->count_offset) = len;
    return 0;
  }
  if (!is_text(f->type))
    return apic__decode_field(a, f, obj, body, len, e);
  apic_op_desc text_op = *op; /* the body's type as the operation's, for decode_text */
  text_op.result = f->type;
  void *text = NULL;
  int rc = decode_text(&text_op, r, body, len, &text, e);
  if (rc == 0 && (*(char **)((char *)obj + f->offset) = apic__arena_strndup(a, text, strlen(text))) == NULL)
    rc = APIC_ERR_NOMEM;
  apic__free(text);
  return rc;
}

/* The body into the result struct's APIC_F_BODY field f: decoded, or for a download into a
 * sink (sunk not NULL) none, its length the bytes the sink took. An empty body is no result,
 * but for bytes, which may be none. */
static int decode_into_body(const apic_op_desc *op, const apic_field_desc *f, const apic_response *r,
                            const uint64_t *sunk, void *obj, apic__arena *a, apic_error **e)
{
  size_t len;
  apic_response_body(r, &len);
  if (sunk != NULL) {
    *(const uint8_t **)((char *)obj + f->offset) = NULL;
    *(size_t *)((char *)obj + f->count_offset) = (size_t)*sunk;
    return 0;
  }
  if (len == 0 && f->type->type != APIC_T_BYTES) {
    *e = apic_error_new(APIC_ERR_NO_BODY, "no body, where the operation returns one");
    return APIC_ERR_NO_BODY;
  }
  return decode_body_field(op, f, r, obj, a, e);
}

/* A result with response headers: the struct op->result, the body in its APIC_F_BODY field. */
static int decode_with_headers(const apic_op_desc *op, const apic_response *r, const uint64_t *sunk, void **out,
                               apic_error **e)
{
  const apic_model_desc *m = op->result->model;
  apic__arena *a = NULL;
  size_t len;
  apic_response_body(r, &len);
  void *obj = apic__arena_new(m->size, len + 256, &a);
  if (obj == NULL)
    return APIC_ERR_NOMEM;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < m->nfields; i++)
    if (m->fields[i].flags & APIC_F_BODY)
      rc = decode_into_body(op, &m->fields[i], r, sunk, obj, a, e);
  if (rc == 0)
    rc = apic__set_headers(m, obj, response_header, (void *)r, e);
  if (rc != 0) {
    apic__arena_free(a);
    return rc;
  }
  *out = obj;
  return 0;
}

/* apic__op_decode; sunk: a download's body went to a sink, this many bytes of it. */
static int decode_response(const apic_op_desc *op, const apic_response *r, const uint64_t *sunk, void **out,
                           apic_error **err)
{
  *out = NULL;
  if (op->result_kind == APIC_RESULT_NONE || op->result_kind == APIC_RESULT_STREAM)
    return 0;
  size_t len;
  const char *body = apic_response_body(r, &len);
  apic_error *e = NULL;
  int rc = APIC_ERR_NO_BODY;
  if (op->with_headers)
    rc = decode_with_headers(op, r, sunk, out, &e);
  else if (len == 0) /* a 204, or any 2xx without the result the operation returns */
    e = apic_error_new(rc, "no body, where the operation returns a result");
  else if (op->result_kind == APIC_RESULT_VALUE && apic__op_text_result(op))
    rc = decode_text(op, r, body, len, out, &e);
  else
    rc = apic_value_parse(op->result, body, len, out, &e);
  if (rc == 0)
    return 0;
  char prefix[160];
  snprintf(prefix, sizeof prefix, "status %d", apic_response_status(r));
  rc = fail_with(err, rc, e, op, prefix);
  if (err != NULL && *err != NULL) {
    apic_error_set_status(*err, apic_response_status(r));
    apic_error_set_attempts(*err, apic_response_attempts(r));
    apic_error_set_body(*err, body, len);
  }
  return rc;
}

int apic__op_decode(const apic_op_desc *op, const apic_response *r, void **out, apic_error **err)
{
  return decode_response(op, r, NULL, out, err);
}

/* ---- downloads into a sink -------------------------------------------------------------- */

/* A download going to a caller's sink: what it took, and whether it refused a piece. */
typedef struct sunk {
  apic_sink sink;
  uint64_t written;
  int refused;
  int err_no; /* a FILE's errno when it refused */
} sunk;

/* apic_request.on_data: a piece of the body to the sink; nonzero stops the call. */
static int sink_data(void *user_data, const char *data, size_t len)
{
  sunk *s = user_data;
  errno = 0;
  size_t took = s->sink.write != NULL ? s->sink.write((const uint8_t *)data, len, s->sink.user_data)
                                      : fwrite(data, 1, len, s->sink.file);
  s->written += took < len ? took : len;
  if (took >= len)
    return 0;
  s->refused = 1;
  s->err_no = s->sink.write == NULL ? errno : 0;
  return 1;
}

/* Whether op downloads (its result's body is bytes) into a usable sink; else *err. */
static int sink_ok(const apic_op_desc *op, const apic_sink *sink, apic_error **err)
{
  const apic_type_desc *t = op->with_headers ? body_type(op) : NULL;
  if (t == NULL || t->type != APIC_T_BYTES)
    return fail(err, APIC_ERR_INVALID_ARG, op, "returns no bytes to write to a sink", NULL);
  if (sink == NULL || (sink->write == NULL && sink->file == NULL))
    return fail(err, APIC_ERR_INVALID_ARG, op, "the sink has neither a write callback nor a FILE", NULL);
  return 0;
}

/* The request of a download into s: the body to the sink, and no attempt timeout unless the
 * call sets one (a large body takes as long as it takes; the call's total timeout holds). */
static void to_sink(built *b, sunk *s, const apic_call_options *o)
{
  b->req.on_data = sink_data;
  b->req.data_user_data = s;
  if (o == NULL || o->attempt_timeout_ms == 0)
    b->req.attempt_timeout_ms = APIC_NO_TIMEOUT;
}

/* How a download ended: the engine's CANCELLED after the sink refused a piece is SINK. */
static int sunk_status(const apic_op_desc *op, const sunk *s, int rc, apic_error *e)
{
  if (rc != APIC_ERR_CANCELLED || !s->refused)
    return rc;
  if (e != NULL) {
    char why[300];
    snprintf(why, sizeof why, "%s: the sink stopped the download after %llu bytes%s%s", op->name,
             (unsigned long long)s->written, s->err_no != 0 ? ": " : "", s->err_no != 0 ? strerror(s->err_no) : "");
    apic__error_set_code(e, APIC_ERR_SINK);
    apic_error_prefix(e, why);
  }
  return APIC_ERR_SINK;
}

/* ---- sync and async calls ----------------------------------------------------------------- */

/* A sync call; s: a download into a sink (NULL: the body kept and decoded). */
static int call_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                     sunk *s, void **out, apic_error **err)
{
  built b;
  int rc = apic__op_build(&b, a, op, args, o, err);
  if (rc != 0)
    return rc;
  if (s != NULL)
    to_sink(&b, s, o);
  apic_response *resp = NULL;
  rc = apic_client_send(a->client, &b.req, &resp, err);
  apic__op_built_clear(&b);
  if (s != NULL)
    rc = sunk_status(op, s, rc, err != NULL ? *err : NULL);
  void *ignored = NULL;
  if (rc == 0)
    rc = decode_response(op, resp, s != NULL ? &s->written : NULL, out != NULL ? out : &ignored, err);
  apic__op_result_free(op, ignored);
  apic_response_free(resp);
  return rc;
}

int apic_op_call(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                 void **out, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (out != NULL)
    *out = NULL;
  if (a == NULL || op == NULL || (out == NULL && op->result_kind != APIC_RESULT_NONE))
    return APIC_ERR_INVALID_ARG;
  return call_sync(a, op, args, o, NULL, out, err);
}

int apic_op_call_to(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                    const apic_sink *sink, void **out, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (out != NULL)
    *out = NULL;
  if (a == NULL || op == NULL)
    return APIC_ERR_INVALID_ARG;
  int rc = sink_ok(op, sink, err);
  sunk s = {0};
  if (rc == 0)
    s.sink = *sink;
  return rc != 0 ? rc : call_sync(a, op, args, o, &s, out, err);
}

typedef struct op_call {
  apic_api *api;
  const apic_op_desc *op;
  apic_op_cb done;
  void (*fn)(void);
  void *user_data;
  int to_sink;
  sunk sink; /* to_sink: where the body goes */
} op_call;

static void on_call_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  op_call *c = ud;
  void *result = NULL;
  if (c->to_sink)
    status = sunk_status(c->op, &c->sink, status, err);
  if (status == 0)
    status = decode_response(c->op, resp, c->to_sink ? &c->sink.written : NULL, &result, &err);
  apic_response_free(resp);
  c->done(call, status, result, err, c->fn, c->user_data);
  apic__op_result_free(c->op, result);
  apic__api_done(c->api);
  apic__free(c);
}

/* An async call; c->to_sink: a download into c->sink. */
static int start_call(apic_api *a, op_call *c, const apic_op_args *args, const apic_call_options *o, apic_call **out,
                      apic_error **err)
{
  built b;
  int rc = apic__op_build(&b, a, c->op, args, o, err);
  if (rc == 0) {
    if (c->to_sink)
      to_sink(&b, &c->sink, o);
    if (o != NULL && o->group != NULL)
      rc = apic_group_add_cb(o->group, &b.req, on_call_done, c, NULL, out, err);
    else
      rc = apic_call_start(a->client, &b.req, on_call_done, c, out, err);
    apic__op_built_clear(&b);
  }
  if (rc != 0) {
    apic__free(c);
    return rc;
  }
  a->pending++;
  return 0;
}

/* The state of an async call of op, or NULL (*err: NOMEM, or INVALID_ARG without done). */
static op_call *new_call(apic_api *a, const apic_op_desc *op, apic_op_cb done, void (*fn)(void), void *user_data,
                         apic_call **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || done == NULL)
    return NULL;
  op_call *c = apic__calloc(1, sizeof *c);
  if (c == NULL)
    fail(err, APIC_ERR_NOMEM, op, "out of memory", NULL);
  else
    *c = (op_call){.api = a, .op = op, .done = done, .fn = fn, .user_data = user_data};
  return c;
}

int apic_op_start(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                  apic_op_cb done, void (*fn)(void), void *user_data, apic_call **out, apic_error **err)
{
  op_call *c = new_call(a, op, done, fn, user_data, out, err);
  if (c == NULL)
    return err != NULL && *err != NULL ? APIC_ERR_NOMEM : APIC_ERR_INVALID_ARG;
  return start_call(a, c, args, o, out, err);
}

int apic_op_start_to(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                     const apic_sink *sink, apic_op_cb done, void (*fn)(void), void *user_data, apic_call **out,
                     apic_error **err)
{
  op_call *c = new_call(a, op, done, fn, user_data, out, err);
  if (c == NULL)
    return err != NULL && *err != NULL ? APIC_ERR_NOMEM : APIC_ERR_INVALID_ARG;
  int rc = sink_ok(op, sink, err);
  if (rc != 0) {
    apic__free(c);
    return rc;
  }
  c->to_sink = 1;
  c->sink.sink = *sink;
  return start_call(a, c, args, o, out, err);
}
