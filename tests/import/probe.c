/* Calls every operation of a resolved spec (see probe.h). */
#include "probe.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define MAX_DEPTH 6
#define MAX_CREATED 64

/* What the create operations made: a collection's concrete path and the new item's id, so
 * that item operations name stored items (the mock answers 404 for others in a collection it
 * knows). */
typedef struct created {
  char path[2048];
  cJSON *item; /* as the create answered it */
} created;

typedef struct probe {
  const char *base;
  const cJSON *spec;
  CURL *curl;
  created made[MAX_CREATED];
  int nmade;
  char body[65536]; /* the last answer (its start) */
  size_t body_len;
  char *sent; /* the last request's JSON body (NULL: none) */
} probe;

static const cJSON *named(const cJSON *spec, const char *list, const char *name)
{
  const cJSON *d;
  cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(spec, list))
  {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(d, "name");
    if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
      return d;
  }
  return NULL;
}

static double constraint(const cJSON *c, const char *key, double dflt)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
  return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int matches(const char *pattern, const char *s)
{
  regex_t rx;
  if (regcomp(&rx, pattern, REG_EXTENDED | REG_NOSUB) != 0)
    return 0;
  int ok = regexec(&rx, s, 0, NULL, 0) == 0;
  regfree(&rx);
  return ok;
}

/* A string meeting min_len, max_len and pattern, from a few common shapes. */
static cJSON *string_value(const cJSON *c)
{
  static const char *const shapes[] = {"a", "sample", "0 9 * * *", "abc123", "A1", "a-b", "1", "a@b.io",
                                       "https://a.io", "2024-01-02", NULL};
  const cJSON *pat = cJSON_GetObjectItemCaseSensitive(c, "pattern");
  size_t min = (size_t)constraint(c, "min_len", 0), max = (size_t)constraint(c, "max_len", 1e9);
  for (const char *const *s = shapes; *s != NULL; s++) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", *s);
    while (strlen(buf) < min && strlen(buf) + 1 < sizeof buf)
      strcat(buf, "a");
    if (strlen(buf) >= min && strlen(buf) <= max && (!cJSON_IsString(pat) || matches(pat->valuestring, buf)))
      return cJSON_CreateString(buf);
  }
  return cJSON_CreateString("a");
}

static double number_in(const cJSON *c, double preferred)
{
  double lo = constraint(c, "min", -1e18), hi = constraint(c, "max", 1e18);
  return preferred < lo ? lo : preferred > hi ? hi : preferred;
}

static cJSON *model_value(const cJSON *spec, const cJSON *model, int depth)
{
  cJSON *o = cJSON_CreateObject();
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    /* Optional fields left out, but a body's strings: one may be the key the mock stores the
     * item under (the pet store's createUser, which answers nothing, keys users by username). */
    const char *kind = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(f, "type"), "kind")->valuestring;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "optional")) && (depth > 0 || strcmp(kind, "string") != 0))
      continue;
    cJSON *v = probe_value(spec, cJSON_GetObjectItemCaseSensitive(f, "type"),
                           cJSON_GetObjectItemCaseSensitive(f, "constraints"), depth + 1);
    cJSON_AddItemToObject(o, cJSON_GetObjectItemCaseSensitive(f, "wire")->valuestring, v);
  }
  return o;
}

cJSON *probe_value(const cJSON *spec, const cJSON *type, const cJSON *c, int depth)
{
  const char *kind = cJSON_GetObjectItemCaseSensitive(type, "kind")->valuestring;
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(type, "name");
  if (strcmp(kind, "string") == 0)
    return string_value(c);
  if (strcmp(kind, "int") == 0)
    return cJSON_CreateNumber(number_in(c, 1));
  if (strcmp(kind, "float") == 0)
    return cJSON_CreateNumber(number_in(c, 0.5));
  if (strcmp(kind, "bool") == 0)
    return cJSON_CreateTrue();
  if (strcmp(kind, "datetime") == 0)
    return cJSON_CreateString("2024-01-02T03:04:05Z");
  if (strcmp(kind, "date") == 0)
    return cJSON_CreateString("2024-01-02");
  if (strcmp(kind, "enum") == 0) {
    const cJSON *e = named(spec, "enums", name->valuestring);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "values"), 0);
    const cJSON *wire = cJSON_GetObjectItemCaseSensitive(first, "wire");
    return cJSON_IsNumber(wire) ? cJSON_CreateNumber(wire->valuedouble) : cJSON_CreateString(wire->valuestring);
  }
  if (strcmp(kind, "uuid") == 0)
    return cJSON_CreateString("00000000-0000-4000-8000-000000000000");
  if (strcmp(kind, "model") == 0)
    return depth > MAX_DEPTH ? cJSON_CreateObject() : model_value(spec, named(spec, "models", name->valuestring), depth);
  int n = (int)constraint(c, "min_len", 0);
  if (strcmp(kind, "array") == 0) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n && depth <= MAX_DEPTH; i++)
      cJSON_AddItemToArray(a, probe_value(spec, cJSON_GetObjectItemCaseSensitive(type, "items"), NULL, depth + 1));
    return a;
  }
  if (strcmp(kind, "map") == 0) {
    cJSON *m = cJSON_CreateObject();
    for (int i = 0; i < n && depth <= MAX_DEPTH; i++) {
      char key[16];
      snprintf(key, sizeof key, "k%d", i);
      cJSON_AddItemToObject(m, key, probe_value(spec, cJSON_GetObjectItemCaseSensitive(type, "values"), NULL, depth + 1));
    }
    return m;
  }
  return cJSON_CreateNumber(1); /* any */
}

/* A scalar JSON value as the text a URL or header carries. */
static void scalar_text(const cJSON *v, char *out, size_t size)
{
  if (cJSON_IsString(v))
    snprintf(out, size, "%s", v->valuestring);
  else if (cJSON_IsBool(v))
    snprintf(out, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
  else
    snprintf(out, size, "%.17g", v->valuedouble);
}

static const cJSON *created_item(const probe *pr, const char *path, size_t len)
{
  for (int i = pr->nmade - 1; i >= 0; i--)
    if (strlen(pr->made[i].path) == len && strncmp(pr->made[i].path, path, len) == 0)
      return pr->made[i].item;
  return NULL;
}

/* The key of an item the mock stored: the field a path parameter names, else its id. */
static const cJSON *item_key(const cJSON *item, const char *param, size_t len)
{
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)len, param);
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(item, name);
  return cJSON_IsString(k) || cJSON_IsNumber(k) ? k : cJSON_GetObjectItemCaseSensitive(item, "id");
}

/* The full path with each {name} replaced: by the id created in the collection before it, else
 * by a value of its parameter. */
static void build_path(probe *pr, const cJSON *op, char *out, size_t size)
{
  const char *p = cJSON_GetObjectItemCaseSensitive(op, "full_path")->valuestring;
  size_t n = 0;
  while (*p != '\0' && n + 1 < size) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    if (close == NULL) {
      out[n++] = *p++;
      continue;
    }
    const cJSON *param, *match = NULL;
    cJSON_ArrayForEach(param, cJSON_GetObjectItemCaseSensitive(op, "path_params"))
    {
      const char *name = cJSON_GetObjectItemCaseSensitive(param, "name")->valuestring;
      if (strlen(name) == (size_t)(close - p - 1) && strncmp(name, p + 1, strlen(name)) == 0)
        match = param;
    }
    char text[256] = "a";
    const cJSON *item = n > 0 && out[n - 1] == '/' ? created_item(pr, out, n - 1) : NULL;
    const cJSON *key = item != NULL ? item_key(item, p + 1, (size_t)(close - p - 1)) : NULL;
    if (cJSON_IsString(key) || cJSON_IsNumber(key)) {
      scalar_text(key, text, sizeof text);
    } else if (match != NULL) {
      cJSON *v = probe_value(pr->spec, cJSON_GetObjectItemCaseSensitive(match, "type"),
                             cJSON_GetObjectItemCaseSensitive(match, "constraints"), 0);
      scalar_text(v, text, sizeof text);
      cJSON_Delete(v);
    }
    char *esc = curl_easy_escape(pr->curl, text, 0);
    n += (size_t)snprintf(out + n, size - n, "%s", esc != NULL ? esc : "a");
    curl_free(esc);
    p = close + 1;
  }
  out[n < size ? n : size - 1] = '\0';
}

/* Required query parameters as ?k=v&k=v (arrays as repeated keys, one item at least). */
static void build_query(const probe *pr, const cJSON *op, char *out, size_t size)
{
  size_t n = 0;
  const cJSON *param;
  out[0] = '\0';
  cJSON_ArrayForEach(param, cJSON_GetObjectItemCaseSensitive(op, "query_params"))
  {
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(param, "optional")))
      continue;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(param, "type");
    int array = strcmp(cJSON_GetObjectItemCaseSensitive(type, "kind")->valuestring, "array") == 0;
    cJSON *v = probe_value(pr->spec, array ? cJSON_GetObjectItemCaseSensitive(type, "items") : type, NULL, 0);
    int count = array ? (int)constraint(cJSON_GetObjectItemCaseSensitive(param, "constraints"), "min_len", 1) : 1;
    for (int i = 0; i < (count > 0 ? count : 1) && n < size; i++) {
      char text[256];
      scalar_text(v, text, sizeof text);
      char *esc = curl_easy_escape(pr->curl, text, 0);
      n += (size_t)snprintf(out + n, size - n, "%c%s=%s", n == 0 ? '?' : '&',
                            cJSON_GetObjectItemCaseSensitive(param, "wire")->valuestring, esc != NULL ? esc : "");
      curl_free(esc);
    }
    cJSON_Delete(v);
  }
}

/* The path of the spec's base URL ("/v2" of "https://h/v2/"): the mock serves under it. */
static const char *base_path(const cJSON *spec)
{
  static char path[512];
  const cJSON *url = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "api"), "base_url");
  const char *u = cJSON_IsString(url) ? url->valuestring : "";
  const char *scheme = strstr(u, "://");
  const char *slash = scheme != NULL ? strchr(scheme + 3, '/') : NULL;
  snprintf(path, sizeof path, "%s", slash != NULL ? slash : "");
  size_t len = strlen(path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  return path;
}

static size_t keep(char *data, size_t size, size_t n, void *ctx)
{
  probe *pr = ctx;
  size_t len = size * n, room = sizeof pr->body - 1 - pr->body_len;
  memcpy(pr->body + pr->body_len, data, len < room ? len : room);
  pr->body_len += len < room ? len : room;
  return size * n;
}

/* A form(...) or multipart(...) body with a value for every field (a small file for a file
 * part): multipart as a mime (caller frees), a form as urlencoded text in *text. */
static curl_mime *form_body(probe *pr, const cJSON *body_type, int multipart, char **text)
{
  curl_mime *mime = multipart ? curl_mime_init(pr->curl) : NULL;
  char form[4096] = "";
  size_t n = 0;
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(body_type, "fields"))
  {
    const char *wire = cJSON_GetObjectItemCaseSensitive(f, "wire")->valuestring;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
    if (strcmp(cJSON_GetObjectItemCaseSensitive(type, "kind")->valuestring, "array") == 0)
      type = cJSON_GetObjectItemCaseSensitive(type, "items");
    char value[256] = "probe";
    int file = strcmp(cJSON_GetObjectItemCaseSensitive(type, "kind")->valuestring, "file") == 0;
    if (!file) {
      cJSON *v = probe_value(pr->spec, type, cJSON_GetObjectItemCaseSensitive(f, "constraints"), 0);
      scalar_text(v, value, sizeof value);
      cJSON_Delete(v);
    }
    if (mime != NULL) {
      curl_mimepart *part = curl_mime_addpart(mime);
      curl_mime_name(part, wire);
      curl_mime_data(part, value, CURL_ZERO_TERMINATED);
      if (file)
        curl_mime_filename(part, "probe.bin");
    } else if (n < sizeof form) {
      char *esc = curl_easy_escape(pr->curl, value, 0);
      n += (size_t)snprintf(form + n, sizeof form - n, "%s%s=%s", n == 0 ? "" : "&", wire, esc != NULL ? esc : "");
      curl_free(esc);
    }
  }
  free(*text);
  *text = mime != NULL ? NULL : strdup(form);
  return mime;
}

/* A create: POST on a collection (no placeholder last) with a model body, returning a model or
 * nothing (the mock stores both: the pet store's createUser answers nothing). */
static int is_create(const cJSON *op)
{
  const char *path = cJSON_GetObjectItemCaseSensitive(op, "full_path")->valuestring;
  const char *ret = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(op, "returns"), "kind")->valuestring;
  size_t len = strlen(path);
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
  return strcmp(cJSON_GetObjectItemCaseSensitive(op, "method")->valuestring, "POST") == 0 && body != NULL &&
         strcmp(cJSON_GetObjectItemCaseSensitive(body, "kind")->valuestring, "model") == 0 &&
         (strcmp(ret, "model") == 0 || strcmp(ret, "none") == 0) && (len == 0 || path[len - 1] != '}');
}

/* A create that answers nothing cannot say its item's key, so the body names it: every optional
 * text field set as a path parameter's text would be ("a"), so /user/{username} finds the user
 * the mock keyed by the username sent. */
static void name_item(const cJSON *spec, const cJSON *type, cJSON *body)
{
  const cJSON *f;
  const cJSON *model = named(spec, "models", cJSON_GetObjectItemCaseSensitive(type, "name")->valuestring);
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const cJSON *ft = cJSON_GetObjectItemCaseSensitive(f, "type");
    const char *wire = cJSON_GetObjectItemCaseSensitive(f, "wire")->valuestring;
    if (strcmp(cJSON_GetObjectItemCaseSensitive(ft, "kind")->valuestring, "string") == 0 &&
        cJSON_GetObjectItemCaseSensitive(body, wire) == NULL)
      cJSON_AddItemToObject(body, wire, probe_value(spec, ft, cJSON_GetObjectItemCaseSensitive(f, "constraints"), 0));
  }
}

/* One operation; returns its status, or -1 when the request failed. The answer is in pr->body. */
static long call(probe *pr, const cJSON *op, char *path, size_t path_size)
{
  const cJSON *spec = pr->spec;
  char query[2048], url[4200];
  build_path(pr, op, path, path_size);
  build_query(pr, op, query, sizeof query);
  if (snprintf(url, sizeof url, "%s%s%s%s", pr->base, base_path(spec), path, query) >= (int)sizeof url)
    return -1; /* no spec the tests import has a URL this long */
  const cJSON *body_type = cJSON_GetObjectItemCaseSensitive(op, "body");
  const char *body_kind = body_type != NULL ? cJSON_GetObjectItemCaseSensitive(body_type, "kind")->valuestring : "";
  char content_type[300];
  snprintf(content_type, sizeof content_type, "Content-Type: %s",
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(op, "content_type"))
               ? cJSON_GetObjectItemCaseSensitive(op, "content_type")->valuestring
               : "application/json");
  struct curl_slist *headers = curl_slist_append(NULL, strcmp(body_kind, "multipart") == 0 ? "Accept: */*" : content_type);
  /* The operation's scheme (@auth), else the API's: its credential where it goes. */
  const cJSON *auth = cJSON_GetObjectItemCaseSensitive(op, "auth");
  if (auth == NULL)
    auth = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "api"), "auth");
  const char *scheme = cJSON_GetObjectItemCaseSensitive(auth, "scheme")->valuestring;
  char line[512];
  if (strcmp(scheme, "bearer") == 0)
    headers = curl_slist_append(headers, "Authorization: Bearer k");
  else if (strcmp(scheme, "basic") == 0)
    headers = curl_slist_append(headers, "Authorization: Basic dTpw"); /* u:p */
  else if (strcmp(scheme, "header") == 0) {
    snprintf(line, sizeof line, "%s: k", cJSON_GetObjectItemCaseSensitive(auth, "header")->valuestring);
    headers = curl_slist_append(headers, line);
  } else if (strcmp(scheme, "query") == 0) {
    size_t n = strlen(url);
    snprintf(url + n, sizeof url - n, "%c%s=k", strchr(url, '?') != NULL ? '&' : '?',
             cJSON_GetObjectItemCaseSensitive(auth, "query")->valuestring);
  }
  const cJSON *param;
  cJSON_ArrayForEach(param, cJSON_GetObjectItemCaseSensitive(op, "header_params"))
  {
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(param, "optional")))
      continue;
    cJSON *v = probe_value(spec, cJSON_GetObjectItemCaseSensitive(param, "type"),
                           cJSON_GetObjectItemCaseSensitive(param, "constraints"), 0);
    char text[256];
    scalar_text(v, text, sizeof text);
    snprintf(line, sizeof line, "%s: %s", cJSON_GetObjectItemCaseSensitive(param, "wire")->valuestring, text);
    headers = curl_slist_append(headers, line);
    cJSON_Delete(v);
  }
  int raw = strcmp(body_kind, "string") == 0 || strcmp(body_kind, "bytes") == 0;
  int fields = strcmp(body_kind, "form") == 0 || strcmp(body_kind, "multipart") == 0;
  cJSON *body = body_type != NULL && !raw && !fields ? probe_value(spec, body_type, NULL, 0) : NULL;
  if (is_create(op) && strcmp(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(op, "returns"), "kind")
                                  ->valuestring, "none") == 0)
    name_item(spec, body_type, body);
  /* A PUT on a collection replaces the item its body names (the pet store's PUT /pet). */
  const cJSON *item = created_item(pr, path, strlen(path));
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
  if (strcmp(cJSON_GetObjectItemCaseSensitive(op, "method")->valuestring, "PUT") == 0 && cJSON_IsObject(body) && id != NULL)
    cJSON_AddItemToObject(body, "id", cJSON_Duplicate(id, 1));
  char *body_text = body != NULL ? cJSON_PrintUnformatted(body) : raw ? strdup("probe") : NULL;
  const char *method = cJSON_GetObjectItemCaseSensitive(op, "method")->valuestring;
  CURL *curl = pr->curl;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, pr);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  if (body_text != NULL)
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_text);
  curl_mime *mime = fields ? form_body(pr, body_type, strcmp(body_kind, "multipart") == 0, &body_text) : NULL;
  if (mime != NULL)
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  else if (fields)
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_text != NULL ? body_text : "");
  long status = -1;
  pr->body_len = 0;
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  pr->body[pr->body_len] = '\0';
  curl_slist_free_all(headers);
  curl_mime_free(mime);
  free(pr->sent);
  pr->sent = body != NULL ? body_text : NULL;
  if (body == NULL)
    free(body_text);
  cJSON_Delete(body);
  return status;
}

/* Remembers the item a create answered with (or, answering nothing, the body it sent), under
 * the collection's concrete path. */
static void remember(probe *pr, const char *path)
{
  cJSON *answer = cJSON_Parse(pr->body_len > 0 || pr->sent == NULL ? pr->body : pr->sent);
  if (cJSON_IsObject(answer) && pr->nmade < MAX_CREATED) {
    created *c = &pr->made[pr->nmade++];
    snprintf(c->path, sizeof c->path, "%s", path);
    c->item = answer;
    return;
  }
  cJSON_Delete(answer);
}

static void count(probe *pr, const cJSON *res, const cJSON *op, long status, probe_result *out)
{
  out->operations++;
  out->ok += status >= 200 && status < 300;
  /* The mock's "no such path" (not "no item X in /c"): a path no operation has. */
  out->routed += status > 0 && status != 405 && !(status == 404 && strstr(pr->body, "no such path") != NULL);
  if (status >= 200 && status < 300)
    return;
  char line[512];
  snprintf(line, sizeof line, "%s %s (%s.%s): %ld %.160s", cJSON_GetObjectItemCaseSensitive(op, "method")->valuestring,
           cJSON_GetObjectItemCaseSensitive(op, "full_path")->valuestring,
           cJSON_GetObjectItemCaseSensitive(res, "name")->valuestring,
           cJSON_GetObjectItemCaseSensitive(op, "name")->valuestring, status, pr->body);
  if (out->first[0] == '\0')
    snprintf(out->first, sizeof out->first, "%s", line);
  size_t used = strlen(out->others);
  if (used + strlen(line) + 2 < sizeof out->others)
    snprintf(out->others + used, sizeof out->others - used, "%s\n", line);
}

/* An operation in the order it is called (see probe_all). */
typedef struct step {
  const cJSON *res, *op;
  int pass;  /* 0 creates, 1 the others, 2 creates again (not counted), 3 deletes */
  int depth; /* segments in its path */
  int index; /* in the spec */
} step;

static int step_order(const void *a, const void *b)
{
  const step *x = a, *y = b;
  if (x->pass != y->pass)
    return x->pass - y->pass;
  if (x->depth != y->depth) /* parents created first, children deleted first */
    return x->pass == 3 ? y->depth - x->depth : x->pass == 1 ? 0 : x->depth - y->depth;
  return x->index - y->index;
}

static int depth_of(const cJSON *op)
{
  int d = 0;
  for (const char *p = cJSON_GetObjectItemCaseSensitive(op, "full_path")->valuestring; *p != '\0'; p++)
    d += *p == '/';
  return d;
}

/* Creates first, parents before children (so that item operations find items), then the others,
 * then deletes, children first, after the creates once more (so that they find items still: a
 * PUT may have replaced one). */
int probe_all(const char *base, const cJSON *spec, probe_result *out)
{
  memset(out, 0, sizeof *out);
  probe *pr = calloc(1, sizeof *pr);
  step *steps = calloc(2 * 4096, sizeof *steps);
  if (pr == NULL || steps == NULL || (pr->curl = curl_easy_init()) == NULL) {
    free(pr);
    free(steps);
    return -1;
  }
  pr->base = base;
  pr->spec = spec;
  int n = 0, index = 0;
  const cJSON *res, *op;
  cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(spec, "resources"))
  {
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(res, "operations"))
    {
      int del = strcmp(cJSON_GetObjectItemCaseSensitive(op, "method")->valuestring, "DELETE") == 0;
      int create = is_create(op);
      if (n + 2 > 2 * 4096)
        break;
      steps[n++] = (step){res, op, create ? 0 : del ? 3 : 1, depth_of(op), index};
      if (create)
        steps[n++] = (step){res, op, 2, depth_of(op), index};
      index++;
    }
  }
  qsort(steps, (size_t)n, sizeof *steps, step_order);
  int rc = 0;
  for (int i = 0; i < n; i++) {
    char path[2048];
    long status = call(pr, steps[i].op, path, sizeof path);
    rc |= status < 0 ? -1 : 0;
    if ((steps[i].pass == 0 || steps[i].pass == 2) && status >= 200 && status < 300)
      remember(pr, path);
    if (steps[i].pass != 2)
      count(pr, steps[i].res, steps[i].op, status, out);
  }
  curl_easy_cleanup(pr->curl);
  free(pr->sent);
  for (int i = 0; i < pr->nmade; i++)
    cJSON_Delete(pr->made[i].item);
  free(steps);
  free(pr);
  return rc;
}
