/* The error object every failed call fills (apic/error.h). */
#include "apic/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/model.h"
#include "internal.h"

typedef struct header {
  char *name, *value;
} header;

struct apic_error {
  int code;
  int status;
  char *message;
  char *request_id;
  char *method, *url;
  char *body;
  size_t body_len;
  int64_t retry_after_ms;
  unsigned attempts;
  header *headers;
  size_t nheaders;
  const apic_type_desc *value_type; /* the value the error carries (apic__error_set_value) */
  void *value;
};

const char *apic_strerror(int code)
{
#define APIC__ERR_TEXT(name, c, text) \
  if (code == (c))                    \
    return text;
  APIC_ERR_MAP(APIC__ERR_TEXT)
#undef APIC__ERR_TEXT
  return code == 0 ? "success" : "unknown error";
}

const char *apic_err_name(int code)
{
#define APIC__ERR_NAME(name, c, text) \
  if (code == (c))                    \
    return #name;
  APIC_ERR_MAP(APIC__ERR_NAME)
#undef APIC__ERR_NAME
  return code == 0 ? "OK" : "UNKNOWN";
}

apic_error *apic_error_new(int code, const char *fmt, ...)
{
  apic_error *e = apic__calloc(1, sizeof *e);
  if (e == NULL)
    return NULL;
  e->code = code;
  e->retry_after_ms = -1;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  e->message = n >= 0 ? apic__malloc((size_t)n + 1) : NULL;
  if (e->message == NULL) {
    apic__free(e);
    return NULL;
  }
  va_start(ap, fmt);
  vsnprintf(e->message, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return e;
}

void apic_error_free(apic_error *e)
{
  if (e == NULL)
    return;
  for (size_t i = 0; i < e->nheaders; i++) {
    apic__free(e->headers[i].name);
    apic__free(e->headers[i].value);
  }
  apic__free(e->headers);
  apic__free(e->message);
  apic__free(e->request_id);
  apic__free(e->method);
  apic__free(e->url);
  apic__free(e->body);
  apic_value_free(e->value);
  apic__free(e);
}

/* Replaces *slot with a copy of s (NULL clears it). */
static int set_text(char **slot, const char *s, size_t n)
{
  char *copy = NULL;
  if (s != NULL && (copy = apic__strndup(s, n)) == NULL)
    return APIC_ERR_NOMEM;
  apic__free(*slot);
  *slot = copy;
  return 0;
}

apic_error *apic_error_dup(const apic_error *e)
{
  if (e == NULL)
    return NULL;
  apic_error *d = apic_error_new(e->code, "%s", e->message);
  if (d == NULL)
    return NULL;
  int rc = apic_error_set_status(d, e->status);
  rc |= apic_error_set_request(d, e->method, e->url);
  rc |= apic_error_set_request_id(d, e->request_id);
  if (e->body != NULL)
    rc |= apic_error_set_body(d, e->body, e->body_len);
  d->retry_after_ms = e->retry_after_ms;
  d->attempts = e->attempts;
  for (size_t i = 0; i < e->nheaders && rc == 0; i++)
    rc |= apic_error_add_header(d, e->headers[i].name, e->headers[i].value);
  if (rc == 0 && e->value != NULL)
    rc = apic__error_set_value(d, e->value_type, apic_value_copy(e->value_type, e->value));
  if (rc != 0) {
    apic_error_free(d);
    return NULL;
  }
  return d;
}

int apic_error_code(const apic_error *e) { return e ? e->code : 0; }
int apic_error_status(const apic_error *e) { return e ? e->status : 0; }
const char *apic_error_message(const apic_error *e) { return e ? e->message : ""; }
const char *apic_error_request_id(const apic_error *e) { return e ? e->request_id : NULL; }
const char *apic_error_method(const apic_error *e) { return e ? e->method : NULL; }
const char *apic_error_url(const apic_error *e) { return e ? e->url : NULL; }
int64_t apic_error_retry_after_ms(const apic_error *e) { return e ? e->retry_after_ms : -1; }
unsigned apic_error_attempts(const apic_error *e) { return e ? e->attempts : 0; }

const char *apic_error_body(const apic_error *e, size_t *out_len)
{
  if (out_len != NULL)
    *out_len = e && e->body ? e->body_len : 0;
  return e ? e->body : NULL;
}

const char *apic_error_header(const apic_error *e, const char *name)
{
  for (size_t i = 0; e != NULL && name != NULL && i < e->nheaders; i++)
    if (apic__strcasecmp(e->headers[i].name, name) == 0)
      return e->headers[i].value;
  return NULL;
}

const void *apic_error_value(const apic_error *e, const apic_type_desc *t)
{
  return e != NULL && t != NULL && e->value_type == t ? e->value : NULL;
}

int apic__error_set_value(apic_error *e, const apic_type_desc *t, void *value)
{
  if (value == NULL)
    return APIC_ERR_NOMEM;
  apic_value_free(e->value);
  e->value_type = t;
  e->value = value;
  return 0;
}

void apic__error_set_code(apic_error *e, int code)
{
  e->code = code;
}

int apic_error_set_status(apic_error *e, int status)
{
  e->status = status;
  return 0;
}

int apic_error_set_request(apic_error *e, const char *method, const char *url)
{
  if (set_text(&e->method, method, method ? strlen(method) : 0) != 0)
    return APIC_ERR_NOMEM;
  return set_text(&e->url, url, url ? strlen(url) : 0);
}

int apic_error_set_request_id(apic_error *e, const char *request_id)
{
  return set_text(&e->request_id, request_id, request_id ? strlen(request_id) : 0);
}

int apic_error_set_body(apic_error *e, const char *body, size_t len)
{
  if (set_text(&e->body, body, len) != 0)
    return APIC_ERR_NOMEM;
  e->body_len = body ? len : 0;
  return 0;
}

int apic_error_set_retry_after_ms(apic_error *e, int64_t ms)
{
  e->retry_after_ms = ms;
  return 0;
}

int apic_error_set_attempts(apic_error *e, unsigned attempts)
{
  e->attempts = attempts;
  return 0;
}

int apic_error_add_header(apic_error *e, const char *name, const char *value)
{
  header *grown = apic__realloc(e->headers, (e->nheaders + 1) * sizeof *grown);
  if (grown == NULL)
    return APIC_ERR_NOMEM;
  e->headers = grown;
  header *h = &e->headers[e->nheaders];
  h->name = apic__strndup(name, strlen(name));
  h->value = apic__strndup(value, strlen(value));
  if (h->name == NULL || h->value == NULL) {
    apic__free(h->name);
    apic__free(h->value);
    return APIC_ERR_NOMEM;
  }
  e->nheaders++;
  return 0;
}

int apic_error_prefix(apic_error *e, const char *context)
{
  size_t n = strlen(context) + 2 + strlen(e->message);
  char *m = apic__malloc(n + 1);
  if (m == NULL)
    return APIC_ERR_NOMEM;
  snprintf(m, n + 1, "%s: %s", context, e->message);
  apic__free(e->message);
  e->message = m;
  return 0;
}

int apic_error_format(const apic_error *e, char *buf, size_t size)
{
  if (e == NULL)
    return snprintf(buf, size, "no error");
  char where[600] = "", status[32] = "", attempts[48] = "", rid[160] = "";
  if (e->method != NULL || e->url != NULL)
    snprintf(where, sizeof where, ": %.16s %.560s", e->method ? e->method : "", e->url ? e->url : "");
  if (e->status > 0)
    snprintf(status, sizeof status, " (status %d)", e->status);
  if (e->attempts > 1)
    snprintf(attempts, sizeof attempts, " after %u attempts", e->attempts);
  if (e->request_id != NULL)
    snprintf(rid, sizeof rid, " [request id %.120s]", e->request_id);
  return snprintf(buf, size, "%s: %s%s%s%s%s", apic_strerror(e->code), e->message, where, status, attempts, rid);
}

void apic_error_print(const apic_error *e, FILE *out)
{
  char line[1024];
  apic_error_format(e, line, sizeof line);
  fprintf(out, "%s\n", line);
}
