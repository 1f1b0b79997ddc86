/* libapic-mock: the request log (GET /__mock/requests). Credentials and @sensitive values are
 * redacted as they are logged (unless log_secrets): the credential headers (Authorization,
 * Proxy-Authorization, Cookie, the admin token, the spec's API-key header and any header named
 * like an API key), the operation's @sensitive header, query and path parameters, and @sensitive
 * fields anywhere in a JSON body. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define REDACTED "[redacted]"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static enum MHD_Result add_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  (void)kind;
  cJSON *obj = cls, *old = cJSON_GetObjectItemCaseSensitive(obj, key);
  cJSON *v = cJSON_CreateString(value != NULL ? value : "");
  if (old == NULL)
    cJSON_AddItemToObject(obj, key, v);
  else if (cJSON_IsArray(old))
    cJSON_AddItemToArray(old, v);
  else { /* a repeated key becomes an array of its values */
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_Duplicate(old, 1));
    cJSON_AddItemToArray(arr, v);
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, arr);
  }
  return MHD_YES;
}

cJSON *apic_mock__values(struct MHD_Connection *c, enum MHD_ValueKind kind)
{
  cJSON *o = cJSON_CreateObject();
  MHD_get_connection_values(c, kind, add_value, o);
  return o;
}

/* "api-key", "api_key" or "apikey" in a header name, in any case. */
static int names_api_key(const char *name)
{
  char low[128];
  size_t n = 0;
  for (; name[n] != '\0' && n + 1 < sizeof low; n++)
    low[n] = (char)tolower((unsigned char)name[n]);
  low[n] = '\0';
  return strstr(low, "api-key") != NULL || strstr(low, "api_key") != NULL || strstr(low, "apikey") != NULL;
}

static int sensitive_param(const cJSON *params, const char *wire, int any_case)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, params)
  {
    const char *w = cJSON_GetStringValue(get(p, "wire"));
    if (w != NULL && cJSON_IsTrue(get(p, "sensitive")) && (any_case ? strcasecmp(w, wire) : strcmp(w, wire)) == 0)
      return 1;
  }
  return 0;
}

/* Whether name is where one of the spec's auth schemes puts its key (kind "header" or "query"). */
static int scheme_param(const apic_mock *m, const char *kind, const char *name)
{
  const cJSON *api = get(m->spec, "api"), *s;
  const char *own = cJSON_GetStringValue(get(get(api, "auth"), kind));
  int found = own != NULL && (kind[0] == 'h' ? strcasecmp(own, name) : strcmp(own, name)) == 0;
  cJSON_ArrayForEach(s, get(api, "schemes"))
  {
    const char *p = cJSON_GetStringValue(get(s, kind));
    found |= p != NULL && (kind[0] == 'h' ? strcasecmp(p, name) : strcmp(p, name)) == 0;
  }
  return found;
}

static int secret_header(const apic_mock *m, const cJSON *op, const char *name)
{
  static const char *const names[] = {"Authorization", "Proxy-Authorization", "Cookie", MOCK_TOKEN_HEADER};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcasecmp(name, names[i]) == 0)
      return 1;
  return scheme_param(m, "header", name) || names_api_key(name) || sensitive_param(get(op, "header_params"), name, 1);
}

/* "[redacted]", keeping an Authorization scheme ("Bearer [redacted]"). */
static cJSON *redacted(const cJSON *v)
{
  const char *s = cJSON_GetStringValue(v);
  size_t scheme = s != NULL ? strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") : 0;
  char text[64];
  if (scheme > 0 && scheme < 32 && s[scheme] == ' ')
    snprintf(text, sizeof text, "%.*s " REDACTED, (int)scheme, s);
  else
    snprintf(text, sizeof text, REDACTED);
  return cJSON_CreateString(text);
}

/* Puts value in place of the member e of obj, under e's key (moved, not copied). */
static void replace(cJSON *obj, cJSON *e, cJSON *value)
{
  value->string = e->string, e->string = NULL;
  value->type |= e->type & cJSON_StringIsConst;
  cJSON_ReplaceItemViaPointer(obj, e, value);
}

/* Replaces the value of every member of obj that secret() names (each value of an array). */
static void redact_members(cJSON *obj, int (*secret)(const apic_mock *, const cJSON *, const char *),
                           const apic_mock *m, const cJSON *op)
{
  for (cJSON *v = obj->child, *next; v != NULL; v = next) {
    next = v->next;
    if (!secret(m, op, v->string))
      continue;
    if (cJSON_IsArray(v))
      for (cJSON *e = v->child, *after; e != NULL; e = after)
        after = e->next, cJSON_ReplaceItemViaPointer(v, e, redacted(e));
    else
      replace(obj, v, redacted(v));
  }
}

static int secret_query(const apic_mock *m, const cJSON *op, const char *name)
{
  return scheme_param(m, "query", name) || sensitive_param(get(op, "query_params"), name, 0);
}

/* @sensitive fields of j (of the spec type) replaced, through nested models, arrays and maps
 * (every member with the field's key, should the body repeat a key). */
static void redact_body(const cJSON *spec, const cJSON *type, cJSON *j, int depth)
{
  const char *kind = cJSON_GetStringValue(get(type, "kind")), *name = cJSON_GetStringValue(get(type, "name"));
  if (kind == NULL || depth > MOCK_MAX_DEPTH || !(cJSON_IsArray(j) || cJSON_IsObject(j)))
    return;
  const cJSON *model = strcmp(kind, "model") == 0 ? apic_mock__model(spec, name != NULL ? name : "") : NULL;
  for (cJSON *e = j->child, *next; e != NULL; e = next) {
    next = e->next;
    const cJSON *f = model != NULL && e->string != NULL ? apic_mock__field(model, e->string) : NULL;
    if (f != NULL && cJSON_IsTrue(get(f, "sensitive")))
      replace(j, e, cJSON_CreateString(REDACTED));
    else if (f != NULL)
      redact_body(spec, get(f, "type"), e, depth + 1);
    else if (strcmp(kind, "array") == 0 || strcmp(kind, "map") == 0)
      redact_body(spec, get(type, kind[0] == 'a' ? "items" : "values"), e, depth + 1);
  }
}

/* path as logged (op's path, relative to the base path): each segment a @sensitive path
 * parameter of op fills reads [redacted], unless log_secrets. */
void apic_mock__logged_path(const apic_mock *m, const cJSON *op, const char *path, char *out, size_t size)
{
  const char *p = cJSON_GetStringValue(get(op, "full_path")), *s = path;
  size_t o = 0;
  snprintf(out, size, "%s", path);
  if (m->o.log_secrets || p == NULL)
    return;
  while (*s != '\0') {
    size_t slen = strcspn(s + 1, "/") + 1, plen = *p != '\0' ? strcspn(p + 1, "/") + 1 : 0;
    char name[128];
    snprintf(name, sizeof name, "%.*s", plen > 3 ? (int)(plen - 3) : 0, p + 2);
    int secret = plen > 3 && p[1] == '{' && p[plen - 1] == '}' && sensitive_param(get(op, "path_params"), name, 0);
    int n = secret ? snprintf(out + o, size - o, "/%s", REDACTED) : snprintf(out + o, size - o, "%.*s", (int)slen, s);
    if (n < 0 || (size_t)n >= size - o)
      return; /* cut there */
    o += (size_t)n, s += slen, p += plen;
  }
}

/* The body as logged: its JSON, else its text, else null (and null past MOCK_LOG_BODY, so the
 * log stays bounded in bytes too). */
static cJSON *logged_body(const char *body, size_t len)
{
  int keep = len > 0 && len <= MOCK_LOG_BODY;
  cJSON *b = keep ? cJSON_ParseWithLength(body, len) : NULL;
  if (b == NULL && keep && apic_mock__utf8_valid(body, len))
    b = cJSON_CreateString(body);
  return b != NULL ? b : cJSON_CreateNull();
}

void apic_mock__log_request(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path,
                            const cJSON *op, const char *body, size_t body_len)
{
  char now[40];
  apic_mock__now(now, sizeof now);
  cJSON *e = cJSON_CreateObject();
  cJSON *query = apic_mock__values(c, MHD_GET_ARGUMENT_KIND), *headers = apic_mock__values(c, MHD_HEADER_KIND);
  cJSON *b = logged_body(body, body_len);
  if (!m->o.log_secrets) {
    redact_members(headers, secret_header, m, op);
    redact_members(query, secret_query, m, op);
    redact_body(m->spec, get(op, "body"), b, 0);
  }
  char shown[1024];
  apic_mock__logged_path(m, op, path, shown, sizeof shown);
  cJSON_AddStringToObject(e, "method", method);
  cJSON_AddStringToObject(e, "path", shown);
  cJSON_AddItemToObject(e, "query", query);
  cJSON_AddItemToObject(e, "headers", headers);
  cJSON_AddItemToObject(e, "body", b);
  cJSON_AddNumberToObject(e, "body_bytes", (double)body_len);
  cJSON_AddStringToObject(e, "time", now);
  pthread_mutex_lock(&m->lock);
  cJSON_AddNumberToObject(e, "order", (double)++m->order);
  if (m->nrequests >= MOCK_MAX_REQUESTS)
    cJSON_Delete(cJSON_DetachItemFromArray(m->requests, 0));
  else
    m->nrequests++;
  cJSON_AddItemToArray(m->requests, e);
  pthread_mutex_unlock(&m->lock);
}
