/* URL building and header checks: see apic/url.h. Everything outside RFC 3986 "unreserved" is
 * percent-encoded, in paths and queries alike, so no value can change the URL's structure. */
#include "apic/url.h"

#include <stdint.h>
#include <string.h>

#include "internal.h"

static int unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 9110 tchar. */
static int token_char(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static size_t encoded_len(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += unreserved((unsigned char)*s) ? 1 : 3;
  return n;
}

/* Writes the encoding of s at out (room for encoded_len(s) bytes is there). */
static void encode_into(const char *s, char *out)
{
  static const char hex[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (unreserved(c)) {
      *out++ = (char)c;
    } else {
      *out++ = '%';
      *out++ = hex[c >> 4];
      *out++ = hex[c & 15];
    }
  }
}

int apic_percent_encode(const char *s, char *out, size_t size, size_t *out_len)
{
  if (!s || (!out && size))
    return APIC_ERR_INVALID_ARG;
  size_t n = encoded_len(s);
  if (out_len)
    *out_len = n;
  if (n >= size) {
    if (size)
      out[0] = '\0';
    return APIC_ERR_TOO_LARGE;
  }
  encode_into(s, out);
  out[n] = '\0';
  return 0;
}

void apic_url_init(apic_url *u) { memset(u, 0, sizeof *u); }

void apic_url_clear(apic_url *u)
{
  apic__free(u->s);
  apic_url_init(u);
}

const char *apic_url_str(const apic_url *u) { return u->err ? NULL : u->s ? u->s : ""; }

int apic_url_error(const apic_url *u) { return u->err; }

static int fail(apic_url *u, int err)
{
  u->err = err;
  return err;
}

/* Makes room for n more bytes and the NUL; returns where they go, or NULL with u->err set. */
static char *reserve(apic_url *u, size_t n)
{
  if (n > SIZE_MAX / 2 - u->len - 1) {
    fail(u, APIC_ERR_TOO_LARGE);
    return NULL;
  }
  if (u->len + n + 1 > u->cap) {
    size_t cap = u->cap ? u->cap : 128;
    while (cap < u->len + n + 1)
      cap *= 2;
    char *p = apic__realloc(u->s, cap);
    if (!p) {
      fail(u, APIC_ERR_NOMEM);
      return NULL;
    }
    u->s = p;
    u->cap = cap;
  }
  char *at = u->s + u->len;
  u->len += n;
  u->s[u->len] = '\0';
  return at;
}

static int append(apic_url *u, const char *s, size_t n)
{
  char *at = reserve(u, n);
  if (!at)
    return u->err;
  memcpy(at, s, n);
  return 0;
}

static int append_encoded(apic_url *u, const char *s)
{
  char *at = reserve(u, encoded_len(s));
  if (!at)
    return u->err;
  encode_into(s, at);
  return 0;
}

static int ends_with_slash(const apic_url *u) { return u->len && u->s[u->len - 1] == '/'; }

int apic_url_add_path(apic_url *u, const char *text)
{
  if (u->err)
    return u->err;
  if (!text || u->in_query)
    return fail(u, APIC_ERR_INVALID_ARG);
  if (u->len) { /* exactly one '/' at the joint */
    int slash = ends_with_slash(u);
    if (slash && text[0] == '/')
      text++;
    else if (!slash && text[0] != '/' && text[0] != '\0' && append(u, "/", 1))
      return u->err;
  }
  return append(u, text, strlen(text));
}

int apic_url_add_segment(apic_url *u, const char *value)
{
  if (u->err)
    return u->err;
  if (!value || !*value || strcmp(value, ".") == 0 || strcmp(value, "..") == 0 || u->in_query)
    return fail(u, APIC_ERR_INVALID_ARG);
  if (!ends_with_slash(u) && append(u, "/", 1))
    return u->err;
  return append_encoded(u, value);
}

int apic_url_add_query(apic_url *u, const char *key, const char *value)
{
  if (u->err)
    return u->err;
  if (!key || !*key || !value)
    return fail(u, APIC_ERR_INVALID_ARG);
  if (append(u, u->in_query ? "&" : "?", 1) || append_encoded(u, key) || append(u, "=", 1) ||
      append_encoded(u, value))
    return u->err;
  u->in_query = 1;
  return 0;
}

int apic_header_check(const char *name, const char *value)
{
  if (!name || !*name || !value)
    return APIC_ERR_INVALID_ARG;
  for (const char *p = name; *p; p++)
    if (!token_char((unsigned char)*p))
      return APIC_ERR_INVALID_ARG;
  for (const unsigned char *p = (const unsigned char *)value; *p; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return APIC_ERR_INVALID_ARG;
  return 0;
}
