/* libapic-mock: the /__mock/ admin endpoints (faults, request log, stats, reset) behind the
 * admin token, fault matching, --data. Every function here takes the mock's lock itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

/* Glob over the whole path: "*" matches any run of characters, "{name}" one non-empty
 * segment. Iterative with one backtrack point, so O(pattern * path) at worst. */
static int glob_match(const char *p, const char *s)
{
  const char *star_p = NULL, *star_s = NULL;
  while (*s != '\0') {
    if (*p == '*') {
      star_p = ++p, star_s = s;
    } else if (*p == '{' && strchr(p, '}') != NULL && *s != '/') {
      p = strchr(p, '}') + 1;
      s += strcspn(s, "/");
    } else if (*p == *s) {
      p++, s++;
    } else if (star_p != NULL) {
      p = star_p, s = ++star_s;
    } else
      return 0;
  }
  while (*p == '*')
    p++;
  return *p == '\0';
}

cJSON *apic_mock__take_fault(apic_mock *m, const char *method, const char *path)
{
  cJSON *hit = NULL, *f;
  if (atomic_load(&m->nfaults) == 0) /* a fault posted meanwhile applies from the next request */
    return NULL;
  pthread_mutex_lock(&m->lock);
  cJSON_ArrayForEach(f, m->faults)
  {
    const char *fm = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "method"));
    const char *fp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "path"));
    if ((fm != NULL && strcmp(fm, "*") != 0 && strcmp(fm, method) != 0) || (fp != NULL && !glob_match(fp, path)))
      continue;
    cJSON *times = cJSON_GetObjectItemCaseSensitive(f, "times");
    hit = cJSON_Duplicate(f, 1);
    if (times->valuedouble > 0) /* negative: forever */
      cJSON_SetNumberValue(times, times->valuedouble - 1);
    if (times->valuedouble == 0)
      cJSON_Delete(cJSON_DetachItemViaPointer(m->faults, f)), atomic_fetch_sub(&m->nfaults, 1);
    break;
  }
  pthread_mutex_unlock(&m->lock);
  return hit;
}

static int add_fault(apic_mock *m, const cJSON *f, char *err, size_t errsz)
{
  if (!cJSON_IsObject(f) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(f, "path"))) {
    snprintf(err, errsz, "a fault is an object with at least a \"path\" pattern");
    return -1;
  }
  const cJSON *times = cJSON_GetObjectItemCaseSensitive(f, "times");
  if (times != NULL && !cJSON_IsNumber(times)) {
    snprintf(err, errsz, "\"times\" must be a number (negative: forever)");
    return -1;
  }
  if (cJSON_GetArraySize(m->faults) >= MOCK_MAX_FAULTS) {
    snprintf(err, errsz, "too many faults (at most %d)", MOCK_MAX_FAULTS);
    return -1;
  }
  cJSON *copy = cJSON_Duplicate(f, 1);
  if (times == NULL)
    cJSON_AddNumberToObject(copy, "times", 1);
  cJSON_AddItemToArray(m->faults, copy);
  atomic_fetch_add(&m->nfaults, 1);
  return 0;
}

static cJSON *post_faults(apic_mock *m, const char *body, int *status)
{
  char err[160] = "";
  cJSON *j = cJSON_Parse(body), *f;
  pthread_mutex_lock(&m->lock);
  if (j == NULL)
    snprintf(err, sizeof err, "the body is not JSON");
  else if (cJSON_IsArray(j)) {
    cJSON_ArrayForEach(f, j) if (add_fault(m, f, err, sizeof err) != 0) break;
  } else
    add_fault(m, j, err, sizeof err);
  int n = cJSON_GetArraySize(m->faults);
  pthread_mutex_unlock(&m->lock);
  cJSON_Delete(j);
  cJSON *out = cJSON_CreateObject();
  if (err[0] != '\0') {
    *status = 400;
    cJSON_AddStringToObject(out, "detail", err);
  } else {
    *status = 201;
    cJSON_AddNumberToObject(out, "faults", n);
  }
  return out;
}

static cJSON *stats(apic_mock *m)
{
  cJSON *o = cJSON_CreateObject();
  pthread_mutex_lock(&m->lock);
  cJSON_AddNumberToObject(o, "requests", (double)m->order);
  cJSON_AddNumberToObject(o, "active", atomic_load(&m->active));
  cJSON_AddNumberToObject(o, "peak_concurrent", atomic_load(&m->peak));
  cJSON_AddNumberToObject(o, "faults", cJSON_GetArraySize(m->faults));
  pthread_mutex_unlock(&m->lock);
  return o;
}

static cJSON *copy_locked(apic_mock *m, const cJSON *what)
{
  pthread_mutex_lock(&m->lock);
  cJSON *c = cJSON_Duplicate(what, 1);
  pthread_mutex_unlock(&m->lock);
  return c;
}

static void reset(apic_mock *m)
{
  pthread_mutex_lock(&m->lock);
  cJSON_Delete(m->store), cJSON_Delete(m->ids), cJSON_Delete(m->faults), cJSON_Delete(m->requests);
  cJSON_Delete(m->states);
  m->store = cJSON_CreateObject(), m->ids = cJSON_CreateObject(), m->states = cJSON_CreateObject();
  m->faults = cJSON_CreateArray(), m->requests = cJSON_CreateArray();
  apic_mock__blobs_clear(m);
  m->order = 0, m->nrequests = 0;
  atomic_store(&m->nfaults, 0);
  atomic_store(&m->peak, atomic_load(&m->active));
  pthread_mutex_unlock(&m->lock);
  char *err = NULL;
  if (apic_mock__load_data(m, &err) != 0) /* it loaded at start, so only a changed file fails */
    free(err);
}

int apic_mock__is_admin(const char *path)
{
  return strncmp(path, "/__mock/", 8) == 0;
}

/* Whether the request carries the admin token (compared in constant time for its length). */
static int token_ok(const apic_mock *m, struct MHD_Connection *c)
{
  const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MOCK_TOKEN_HEADER);
  size_t n = strlen(m->token);
  if (given == NULL || strlen(given) != n)
    return 0;
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned char)(m->token[i] ^ given[i]);
  return diff == 0;
}

static cJSON *detail(const char *text)
{
  cJSON *out = cJSON_CreateObject();
  cJSON_AddStringToObject(out, "detail", text);
  return out;
}

void apic_mock__admin(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path, const char *body,
                      int *status, cJSON **out)
{
  int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
  *status = 200;
  if (!token_ok(m, c)) {
    *status = 401;
    *out = detail("the admin endpoints need the admin token (printed at start) in the " MOCK_TOKEN_HEADER
                  " header");
  } else if (strcmp(path, "/__mock/faults") == 0 && post)
    *out = post_faults(m, body, status);
  else if (strcmp(path, "/__mock/faults") == 0 && get)
    *out = copy_locked(m, m->faults);
  else if (strcmp(path, "/__mock/requests") == 0 && get)
    *out = copy_locked(m, m->requests);
  else if (strcmp(path, "/__mock/stats") == 0 && get)
    *out = stats(m);
  else if (strcmp(path, "/__mock/reset") == 0 && post) {
    reset(m);
    *out = cJSON_CreateObject();
  } else {
    *status = 404;
    *out = detail("admin endpoints: POST/GET /__mock/faults, GET /__mock/requests, GET /__mock/stats, "
                  "POST /__mock/reset");
  }
}

/* --data FILE: {"/collection/path": [items]} merged into the store. */
int apic_mock__load_data(apic_mock *m, char **err)
{
  if (m->o.data_file == NULL)
    return 0;
  FILE *f = fopen(m->o.data_file, "rb");
  char *text = NULL;
  size_t n = 0;
  if (f != NULL) {
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = size >= 0 && size < (64L << 20) ? malloc((size_t)size + 1) : NULL;
    n = text != NULL ? fread(text, 1, (size_t)size, f) : 0;
    fclose(f);
  }
  cJSON *j = text != NULL ? cJSON_ParseWithLength(text, n) : NULL, *it;
  free(text);
  int bad = !cJSON_IsObject(j);
  cJSON_ArrayForEach(it, j) bad |= !cJSON_IsArray(it) || it->string[0] != '/';
  if (bad) {
    cJSON_Delete(j);
    *err = strdup("--data: expected a JSON object {\"/collection/path\": [items]}");
    return -1;
  }
  pthread_mutex_lock(&m->lock);
  cJSON_ArrayForEach(it, j)
  {
    cJSON_DeleteItemFromObjectCaseSensitive(m->store, it->string);
    cJSON_AddItemToObject(m->store, it->string, cJSON_Duplicate(it, 1));
  }
  pthread_mutex_unlock(&m->lock);
  cJSON_Delete(j);
  return 0;
}
