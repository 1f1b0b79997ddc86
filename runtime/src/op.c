/* Operations as tables: the API client, and building, sending and decoding one operation's
 * request for sync calls, async calls and group members. Streams and pages: op_stream.c and
 * op_pager.c. docs/clients.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/op.h"
#include "apic/url.h"
#include "engine.h"
#include "internal.h"
#include "op_internal.h"

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
  if (o->auth_header != NULL && o->api_key != NULL && o->api_key[0] != '\0') {
    if (apic_header_check(o->auth_header, o->api_key) != 0) {
      *err = apic_error_new(APIC_ERR_INVALID_ARG, "the API key holds a control character");
      return APIC_ERR_INVALID_ARG;
    }
    const char *prefix = o->auth_prefix != NULL ? o->auth_prefix : "";
    size_t len = strlen(o->auth_header) + strlen(prefix) + strlen(o->api_key) + 3;
    char *line = apic__malloc(len);
    if (line == NULL)
      return APIC_ERR_NOMEM;
    snprintf(line, len, "%s: %s%s", o->auth_header, prefix, o->api_key);
    a->headers[a->n_headers++] = line;
  }
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
  if (rc == 0 && a == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0 && (a->base_url = apic__strndup(o->base_url, strlen(o->base_url))) == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0)
    rc = copy_headers(a, o, err);
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

void apic_api_free(apic_api *a, uint64_t drain_ms)
{
  if (a == NULL)
    return;
  apic_client_free(a->client, drain_ms);
  for (size_t i = 0; i < a->n_headers; i++)
    apic__free(a->headers[i]);
  apic__free(a->headers);
  apic__free(a->base_url);
  apic__free(a);
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
  if (!a->client->owns_loop)
    return APIC_ERR_BUSY;
  uv_loop_t *loop = apic_client_loop(a->client);
  /* Work in progress always holds a handle (a transfer, a timer), so the loop stays alive
   * while anything is pending; the check on uv_run's result only guards against a bug. */
  while (flag != NULL ? !*flag : a->pending > 0)
    if (uv_run(loop, UV_RUN_ONCE) == 0 && (flag != NULL ? !*flag : a->pending > 0))
      return APIC_ERR_BUSY;
  return 0;
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

/* Checks one argument struct, naming the operation and the part in the message. */
static int validate(const apic_op_desc *op, const apic_model_desc *m, const void *obj, int is_array,
                    const char *part, int required, apic_error **err)
{
  if (m == NULL || (obj == NULL && !required))
    return 0;
  if (obj == NULL)
    return fail(err, APIC_ERR_INVALID_ARG, op, part, " is missing");
  apic_error *e = NULL;
  int rc = is_array ? apic_model_array_validate(m, obj, &e) : apic_model_validate(m, obj, &e);
  if (rc == 0)
    return 0;
  char prefix[160];
  snprintf(prefix, sizeof prefix, "%s: %s", op->name, part);
  if (e != NULL)
    apic_error_prefix(e, prefix);
  if (err != NULL)
    *err = e;
  else
    apic_error_free(e);
  return rc;
}

/* A JSON scalar as a parameter's text: strings as they are, integers without a fraction,
 * floats in the shortest form that reads back the same. */
static const char *scalar_text(apic_type t, const cJSON *v, char *buf, size_t size)
{
  if (cJSON_IsString(v))
    return v->valuestring;
  if (cJSON_IsBool(v))
    return cJSON_IsTrue(v) ? "true" : "false";
  if (!cJSON_IsNumber(v))
    return NULL;
  if (t == APIC_T_INT) {
    snprintf(buf, size, "%.0f", v->valuedouble);
    return buf;
  }
  snprintf(buf, size, "%.15g", v->valuedouble);
  if (strtod(buf, NULL) != v->valuedouble)
    snprintf(buf, size, "%.17g", v->valuedouble);
  return buf;
}

static const apic_field_desc *field_by_wire(const apic_model_desc *m, const char *wire, size_t len)
{
  for (size_t i = 0; m != NULL && i < m->nfields; i++)
    if (strlen(m->fields[i].wire) == len && memcmp(m->fields[i].wire, wire, len) == 0)
      return &m->fields[i];
  return NULL;
}

/* The path template with each {name} replaced by its percent-encoded value. */
static int build_path(built *b, const apic_op_desc *op, const cJSON *path, apic_error **err)
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
    const cJSON *v = f != NULL ? cJSON_GetObjectItemCaseSensitive(path, f->wire) : NULL;
    char num[64];
    const char *text = f != NULL ? scalar_text(f->type, v, num, sizeof num) : NULL;
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

/* One query or header parameter: arrays repeat the key, a null value sends nothing. */
static int add_param(built *b, const apic_op_desc *op, const apic_field_desc *f, const cJSON *v, apic_error **err)
{
  const cJSON *item = cJSON_IsArray(v) ? v->child : v;
  for (; item != NULL; item = cJSON_IsArray(v) ? item->next : NULL) {
    char num[64];
    const char *text = scalar_text(cJSON_IsArray(v) ? f->item : f->type, item, num, sizeof num);
    if (text == NULL)
      continue;
    if (f->flags & APIC_F_HEADER) {
      if (apic_header_check(f->wire, text) != 0)
        return fail(err, APIC_ERR_INVALID_ARG, op, "header parameter holds a control character: ", f->name);
      if (add_header(b, f->wire, text) != 0)
        return APIC_ERR_NOMEM;
      continue;
    }
    apic_url_add_query(&b->url, f->wire, text);
    apic_url_add_query(&b->log, f->wire, f->flags & APIC_F_SENSITIVE ? "REDACTED" : text);
  }
  return 0;
}

/* Callers set a parameter that a pointer holds (a string, an array) by setting the pointer;
 * only scalars need their has_ flag. A shallow copy with the flags of set pointers turned on is
 * what libapic's model code validates and encodes. Caller frees the copy with apic__free. */
void *apic__op_params_view(const apic_model_desc *m, const void *params)
{
  if (m == NULL || params == NULL)
    return NULL;
  char *view = apic__malloc(m->size);
  if (view == NULL)
    return NULL;
  memcpy(view, params, m->size);
  for (size_t i = 0; i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    if (!(f->flags & APIC_F_OPTIONAL) || f->type == APIC_T_INT || f->type == APIC_T_FLOAT ||
        f->type == APIC_T_BOOL || f->type == APIC_T_ENUM)
      continue;
    apic_presence *has = (apic_presence *)(view + f->presence_offset);
    int set = *(void **)(view + f->offset) != NULL || (f->type == APIC_T_ARRAY && *(size_t *)(view + f->count_offset) > 0);
    if (set && *has == APIC_ABSENT)
      *has = APIC_PRESENT;
  }
  return view;
}

static int build_params(built *b, const apic_op_desc *op, const void *params, apic_error **err)
{
  if (op->params == NULL || params == NULL)
    return 0;
  cJSON *json = apic_model_to_json(op->params, params);
  if (json == NULL)
    return APIC_ERR_NOMEM;
  int rc = 0;
  for (size_t i = 0; i < op->params->nfields && rc == 0; i++) {
    const apic_field_desc *f = &op->params->fields[i];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, f->wire);
    if (v != NULL)
      rc = add_param(b, op, f, v, err);
  }
  cJSON_Delete(json);
  return rc;
}

static int build_url(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args, apic_error **err)
{
  apic_url_add_path(&b->url, a->base_url);
  apic_url_add_path(&b->log, a->base_url);
  cJSON *path = NULL;
  if (op->path_params != NULL && (path = apic_model_to_json(op->path_params, args->path)) == NULL)
    return APIC_ERR_NOMEM;
  int rc = build_path(b, op, path, err);
  cJSON_Delete(path);
  if (rc == 0)
    rc = build_params(b, op, args->params, err);
  if (rc == 0 && (apic_url_error(&b->url) != 0 || apic_url_error(&b->log) != 0))
    rc = APIC_ERR_NOMEM;
  return rc;
}

static int build_headers(built *b, apic_api *a, const apic_op_desc *op, const apic_call_options *o, apic_error **err)
{
  int rc = add_header(b, "Accept", op->result_kind == APIC_RESULT_STREAM ? "text/event-stream" : "application/json");
  if (rc == 0 && op->body != NULL)
    rc = add_header(b, "Content-Type", "application/json");
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
  uint64_t total = o != NULL && o->timeout_ms != 0 ? o->timeout_ms : op->timeout_ms;
  if (o != NULL && o->deadline_ms != 0) {
    uint64_t now = apic_now_ms();
    if (now >= o->deadline_ms)
      return fail(err, APIC_ERR_TIMEOUT, op, "the deadline passed before the call started", NULL);
    if (total == 0 || o->deadline_ms - now < total)
      total = o->deadline_ms - now;
  }
  req->total_timeout_ms = total;
  req->attempt_timeout_ms = o != NULL ? o->attempt_timeout_ms : 0;
  req->max_retries = o != NULL && o->max_retries >= 0 ? o->max_retries : op->retries;
  req->idempotent = op->idempotent;
  req->idempotency_key = o != NULL ? o->idempotency_key : NULL;
  return 0;
}

static int has_required(const apic_model_desc *m)
{
  for (size_t i = 0; m != NULL && i < m->nfields; i++)
    if (!(m->fields[i].flags & APIC_F_OPTIONAL))
      return 1;
  return 0;
}

static int build_from(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                      const apic_call_options *o, apic_error **err)
{
  int rc = validate(op, op->path_params, args->path, 0, "path parameters", 1, err);
  if (rc == 0)
    rc = validate(op, op->params, args->params, 0, "parameters", has_required(op->params), err);
  if (rc == 0)
    rc = validate(op, op->body, args->body, op->body_is_array, "body", 1, err);
  if (rc == 0)
    rc = build_url(b, a, op, args, err);
  if (rc == 0)
    rc = build_headers(b, a, op, o, err);
  if (rc == 0 && op->body != NULL) {
    b->body = op->body_is_array ? apic_model_array_dump(op->body, args->body) : apic_model_dump(op->body, args->body);
    if (b->body == NULL)
      rc = APIC_ERR_NOMEM;
  }
  apic_request init = APIC_REQUEST_INIT;
  b->req = init;
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
  b->req.body_len = b->body != NULL ? strlen(b->body) : 0;
  return 0;
}

int apic__op_build(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                   const apic_call_options *o, apic_error **err)
{
  static const apic_op_args none = {NULL, NULL, NULL};
  memset(b, 0, sizeof *b);
  apic_url_init(&b->url);
  apic_url_init(&b->log);
  if (args == NULL)
    args = &none;
  apic_op_args view = *args;
  view.params = apic__op_params_view(op->params, args->params);
  if (args->params != NULL && op->params != NULL && view.params == NULL)
    return fail(err, APIC_ERR_NOMEM, op, "out of memory", NULL);
  int rc = build_from(b, a, op, &view, o, err);
  apic__free((void *)view.params);
  return rc;
}

void apic__op_built_clear(built *b)
{
  apic_url_clear(&b->url);
  apic_url_clear(&b->log);
  for (size_t i = 0; i < b->n_headers; i++)
    apic__free(b->headers[i]);
  apic__free(b->headers);
  free(b->body); /* from apic_model_dump: the caller frees with free() */
  memset(b, 0, sizeof *b);
}

/* ---- decoding ----------------------------------------------------------------------------- */

static int decode_fail(const apic_op_desc *op, const apic_response *r, apic_error *e, apic_error **err)
{
  if (e == NULL)
    e = apic_error_new(APIC_ERR_DECODE, "the response body is not JSON");
  int code = e != NULL ? apic_error_code(e) : APIC_ERR_DECODE;
  if (e != NULL) {
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s: status %d", op->name, apic_response_status(r));
    apic_error_prefix(e, prefix);
    apic_error_set_status(e, apic_response_status(r));
    apic_error_set_attempts(e, apic_response_attempts(r));
    size_t len;
    const char *body = apic_response_body(r, &len);
    apic_error_set_body(e, body, len);
  }
  if (err != NULL)
    *err = e;
  else
    apic_error_free(e);
  return code;
}

int apic__op_decode(const apic_op_desc *op, const apic_response *r, void *out, apic_error **err)
{
  if (op->result_kind == APIC_RESULT_NONE || op->result_kind == APIC_RESULT_STREAM)
    return 0;
  size_t len;
  const char *body = apic_response_body(r, &len);
  if (len == 0) /* a 204, or any 2xx without the result the operation returns */
    return decode_fail(op, r, apic_error_new(APIC_ERR_NO_BODY, "no body, where the operation returns a result"), err);
  cJSON *json = cJSON_ParseWithLength(body, len);
  if (json == NULL)
    return decode_fail(op, r, NULL, err);
  apic_error *e = NULL;
  int rc = op->result_kind == APIC_RESULT_ARRAY ? apic_model_array_from_json_take(op->result, out, json, &e)
                                                 : apic_model_from_json_take(op->result, out, json, &e);
  cJSON_Delete(json);
  if (rc == APIC_ERR_DECODE)
    return decode_fail(op, r, e, err);
  if (rc != 0 && err != NULL)
    *err = e;
  else
    apic_error_free(e);
  return rc;
}

void *apic__op_result_new(const apic_op_desc *op)
{
  if (op->result_kind == APIC_RESULT_ARRAY)
    return apic__calloc(1, sizeof(apic_model_array));
  return apic__calloc(1, op->result->size);
}

void apic_op_result_free(const apic_op_desc *op, void *result)
{
  if (result == NULL)
    return;
  if (op->result_kind == APIC_RESULT_ARRAY)
    apic_model_array_clear(op->result, result);
  else
    apic_model_clear(op->result, result);
  apic__free(result);
}

/* ---- sync and async calls ----------------------------------------------------------------- */

int apic_op_call(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                 void *out, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || (out == NULL && op->result_kind != APIC_RESULT_NONE))
    return APIC_ERR_INVALID_ARG;
  built b;
  int rc = apic__op_build(&b, a, op, args, o, err);
  if (rc != 0)
    return rc;
  apic_response *resp = NULL;
  rc = apic_client_send(a->client, &b.req, &resp, err);
  apic__op_built_clear(&b);
  if (rc == 0)
    rc = apic__op_decode(op, resp, out, err);
  apic_response_free(resp);
  return rc;
}

typedef struct op_call {
  apic_api *api;
  const apic_op_desc *op;
  apic_op_cb done;
  void (*fn)(void);
  void *user_data;
} op_call;

static void on_call_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  op_call *c = ud;
  void *result = NULL;
  if (status == 0 && c->op->result_kind != APIC_RESULT_NONE) {
    result = apic__op_result_new(c->op);
    status = result == NULL ? APIC_ERR_NOMEM : apic__op_decode(c->op, resp, result, &err);
    if (status != 0) {
      apic__free(result);
      result = NULL;
      if (err == NULL)
        err = apic_error_new(status, "%s: out of memory", c->op->name);
    }
  }
  apic_response_free(resp);
  c->api->pending--;
  c->done(call, status, result, err, c->fn, c->user_data);
  apic__free(c);
}

int apic_op_start(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                  apic_op_cb done, void (*fn)(void), void *user_data, apic_call **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || done == NULL)
    return APIC_ERR_INVALID_ARG;
  op_call *c = apic__calloc(1, sizeof *c);
  if (c == NULL)
    return fail(err, APIC_ERR_NOMEM, op, "out of memory", NULL);
  *c = (op_call){a, op, done, fn, user_data};
  built b;
  int rc = apic__op_build(&b, a, op, args, o, err);
  if (rc == 0) {
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
