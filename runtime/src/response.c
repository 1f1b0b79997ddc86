/* The response object: status, headers, body, and the attempts that led to it. */
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

char *apic__strdup(const char *s)
{
  return s == NULL ? NULL : apic__strndup(s, strlen(s));
}

apic_response *apic__response_new(void)
{
  apic_response *r = apic__calloc(1, sizeof *r);
  if (r == NULL)
    return NULL;
  r->body = apic__malloc(1);
  if (r->body == NULL) {
    apic__free(r);
    return NULL;
  }
  r->body[0] = '\0';
  r->body_room = 1;
  return r;
}

/* Name and value share one allocation ("name\0value\0"): half the mallocs per header. */
int apic__response_add_header(apic_response *r, const char *name, size_t nlen, const char *value,
                              size_t vlen)
{
  if (r->n_headers == r->cap_headers) {
    size_t cap = r->cap_headers ? r->cap_headers * 2 : 8;
    apic__header *h = apic__realloc(r->headers, cap * sizeof *h);
    if (h == NULL)
      return APIC_ERR_NOMEM;
    r->headers = h;
    r->cap_headers = cap;
  }
  char *p = apic__malloc(nlen + vlen + 2);
  if (p == NULL)
    return APIC_ERR_NOMEM;
  memcpy(p, name, nlen);
  p[nlen] = '\0';
  memcpy(p + nlen + 1, value, vlen);
  p[nlen + 1 + vlen] = '\0';
  r->headers[r->n_headers].name = p;
  r->headers[r->n_headers].value = p + nlen + 1;
  r->n_headers++;
  return 0;
}

void apic__response_clear_headers(apic_response *r)
{
  for (size_t i = 0; i < r->n_headers; i++)
    apic__free(r->headers[i].name); /* the value is in the same block */
  apic__free(r->headers);
  r->headers = NULL;
  r->n_headers = 0;
  r->cap_headers = 0;
}

/* The room doubles: a body arriving in k pieces is reallocated O(log k) times, not k. */
int apic__response_append(apic_response *r, const char *data, size_t len)
{
  size_t need = r->body_len + len + 1;
  if (need < len)
    return APIC_ERR_NOMEM;
  if (need > r->body_room) {
    size_t room = r->body_room > SIZE_MAX / 2 ? need : r->body_room * 2;
    if (room < need)
      room = need;
    char *b = apic__realloc(r->body, room);
    if (b == NULL)
      return APIC_ERR_NOMEM;
    r->body = b;
    r->body_room = room;
  }
  memcpy(r->body + r->body_len, data, len);
  r->body_len += len;
  r->body[r->body_len] = '\0';
  return 0;
}

int apic_response_status(const apic_response *r)
{
  return r == NULL ? 0 : r->status;
}

const char *apic_response_body(const apic_response *r, size_t *out_len)
{
  if (out_len != NULL)
    *out_len = r == NULL ? 0 : r->body_len;
  return r == NULL ? "" : r->body;
}

const char *apic_response_header(const apic_response *r, const char *name)
{
  if (r == NULL || name == NULL)
    return NULL;
  for (size_t i = 0; i < r->n_headers; i++)
    if (apic__strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

int apic_response_http_version(const apic_response *r)
{
  return r == NULL ? 0 : r->http_version;
}

unsigned apic_response_attempts(const apic_response *r)
{
  return r == NULL ? 0 : r->attempts;
}

const char *apic_response_attempt_cause(const apic_response *r, unsigned i)
{
  if (r == NULL || r->attempts == 0 || i >= r->attempts - 1 || r->causes == NULL)
    return NULL;
  return r->causes[i];
}

void apic_response_free(apic_response *r)
{
  if (r == NULL)
    return;
  apic__response_clear_headers(r);
  for (unsigned i = 0; r->causes != NULL && i + 1 < r->attempts; i++)
    apic__free(r->causes[i]);
  apic__free(r->causes);
  apic__free(r->body);
  apic__free(r);
}
