/* libapic-mock: looking things up in the resolved spec JSON and routing requests to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static const cJSON *named(const cJSON *arr, const char *name)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, arr)
  {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
    if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
      return it;
  }
  return NULL;
}

const cJSON *apic_mock__model(const cJSON *spec, const char *name)
{
  const cJSON *m = named(cJSON_GetObjectItemCaseSensitive(spec, "models"), name);
  return m != NULL ? m : named(cJSON_GetObjectItemCaseSensitive(spec, "errors"), name);
}

const cJSON *apic_mock__enum(const cJSON *spec, const char *name)
{
  return named(cJSON_GetObjectItemCaseSensitive(spec, "enums"), name);
}

const cJSON *apic_mock__union(const cJSON *spec, const char *name)
{
  return named(cJSON_GetObjectItemCaseSensitive(spec, "unions"), name);
}

const cJSON *apic_mock__field(const cJSON *model, const char *wire)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(f, "wire");
    if (cJSON_IsString(w) && strcmp(w->valuestring, wire) == 0)
      return f;
  }
  return NULL;
}

static int hex(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

void apic_mock__unescape(const char *s, size_t n, const char *keep, char *out, size_t size)
{
  static const char digits[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < size; i++) {
    int hi = s[i] == '%' && i + 2 < n ? hex(s[i + 1]) : -1;
    int lo = hi >= 0 ? hex(s[i + 2]) : -1;
    if (lo < 0) { /* not an escape: as it is */
      out[o++] = s[i];
      continue;
    }
    char c = (char)(hi * 16 + lo);
    i += 2;
    if (c != '\0' && strchr(keep, c) == NULL) {
      out[o++] = c;
      continue;
    }
    if (o + 3 >= size) /* %00 always stays an escape: a NUL would end the text */
      break;
    out[o++] = '%';
    out[o++] = digits[hi];
    out[o++] = digits[lo];
  }
  out[o] = '\0';
}

char *apic_mock__canonical_path(const char *target)
{
  size_t n = strcspn(target, "?#");
  char *out = malloc(n + 1);
  if (out != NULL)
    apic_mock__unescape(target, n, "/%", out, n + 1);
  return out;
}

/* Segment by segment (of a canonical path): "{name}" matches one non-empty segment (bound,
 * decoded, into params when given), anything else must be equal. */
int apic_mock__path_match(const char *pattern, const char *path, cJSON *params)
{
  const char *p = pattern, *s = path;
  while (*p != '\0' && *s != '\0') {
    if (*p != '/' || *s != '/')
      return 0;
    p++, s++;
    size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
    if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
      if (slen == 0)
        return 0;
      if (params != NULL) {
        char key[128], val[512];
        snprintf(key, sizeof key, "%.*s", (int)(plen - 2 < 127 ? plen - 2 : 127), p + 1);
        apic_mock__unescape(s, slen, "", val, sizeof val);
        cJSON_AddStringToObject(params, key, val);
      }
    } else if (plen != slen || strncmp(p, s, plen) != 0)
      return 0;
    p += plen, s += slen;
  }
  return *p == '\0' && (*s == '\0' || strcmp(s, "/") == 0);
}

/* The operation for method and path; *path_known is set when some operation has the path
 * (so a miss is 405, not 404). Literal segments win over parameters ("/unread" before "/{id}"). */
const mock_route *apic_mock__route(const apic_mock *m, const char *method, const char *path, cJSON *params,
                                   int *path_known)
{
  const mock_route *best = NULL;
  int head = strcmp(method, "HEAD") == 0;
  *path_known = 0;
  for (size_t i = 0; i < m->nroutes; i++) {
    const mock_route *rt = &m->routes[i];
    if (!apic_mock__path_match(rt->path, path, NULL))
      continue;
    *path_known = 1;
    if ((strcmp(rt->method, method) == 0 || (head && strcmp(rt->method, "GET") == 0)) &&
        (best == NULL || rt->params < best->params))
      best = rt;
  }
  if (best != NULL && params != NULL)
    apic_mock__path_match(best->path, path, params);
  return best;
}

static int status_fits(const char *st, int status)
{
  char want[8];
  snprintf(want, sizeof want, "%d", status);
  if (strcmp(st, want) == 0)
    return 2;
  return st[0] == want[0] && strcmp(st + 1, "XX") == 0 ? 1 : 0;
}

/* The spec's error payload for status: the error declared with that exact status, else its
 * class (4XX/5XX); {"detail": ...} filled when the error has a detail field (or none fits). */
cJSON *apic_mock__error_payload(const cJSON *spec, int status, const char *detail)
{
  const cJSON *e, *best = NULL;
  int fit = 0;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(spec, "errors"))
  {
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "status"));
    int f = st != NULL ? status_fits(st, status) : 0;
    if (f > fit)
      fit = f, best = e;
  }
  cJSON *out = cJSON_CreateObject();
  const char *key = best == NULL || apic_mock__field(best, "detail") != NULL ? "detail"
                    : apic_mock__field(best, "message") != NULL            ? "message"
                                                                     : NULL;
  if (key != NULL)
    cJSON_AddStringToObject(out, key, detail);
  return out;
}

/* The path of the spec's base_url ("https://host/api/v1/" -> "/api/v1"; "" when it has none):
 * the mock serves the operations under it, as the real server does. -1 when it does not fit. */
int apic_mock__base_path(const cJSON *spec, char *buf, size_t size)
{
  const char *url = cJSON_GetStringValue(
    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "api"), "base_url"));
  const char *scheme = url != NULL ? strstr(url, "://") : NULL;
  const char *path = scheme != NULL ? scheme + 3 + strcspn(scheme + 3, "/?#") : "";
  size_t n = strcspn(path, "?#");
  while (n > 0 && path[n - 1] == '/')
    n--;
  if (n >= size)
    return -1;
  snprintf(buf, size, "%.*s", (int)n, path);
  return 0;
}

/* The model an operation returns (NULL for none, an array or a scalar). */
const cJSON *apic_mock__returned_model(const cJSON *spec, const cJSON *op)
{
  const char *name = cJSON_GetStringValue(
    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(op, "returns"),
                                                                       "type"),
                                     "name"));
  return apic_mock__model(spec, name != NULL ? name : "");
}

/* Whether a path (pattern) ends in a parameter: an item's ("/tasks/{task_id}"). */
int apic_mock__item_path(const char *path)
{
  const char *last = strrchr(path != NULL ? path : "/", '/');
  return last != NULL && last[1] == '{';
}
