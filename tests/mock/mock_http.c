/* Test helpers: start libapic-mock on a dumped spec, talk to it with plain libcurl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

char *mt_slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  if (text != NULL)
    text[fread(text, 1, (size_t)n, f)] = '\0';
  fclose(f);
  return text;
}

apic_mock *mt_start(const char *name, const apic_mock_options *o)
{
  char path[512], *err = NULL;
  apic_mock *m = NULL;
  snprintf(path, sizeof path, "%s/%s.json", MOCK_SPEC_DIR, name);
  char *spec = mt_slurp(path);
  assert_non_null(spec);
  int rc = apic_mock_start(spec, o, &m, &err);
  if (rc != 0)
    fprintf(stderr, "mock: %s\n", err);
  free(spec);
  assert_int_equal(rc, 0);
  assert_true(apic_mock_port(m) > 0);
  return m;
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
  mt_resp *r = cls;
  char *bigger = realloc(r->body, r->len + size * n + 1);
  if (bigger == NULL)
    return 0;
  r->body = bigger;
  memcpy(r->body + r->len, data, size * n);
  r->len += size * n;
  r->body[r->len] = '\0';
  return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
  mt_resp *r = cls;
  size_t have = strlen(r->headers);
  snprintf(r->headers + have, sizeof r->headers - have, "%.*s", (int)(size * n), data);
  return size * n;
}

void mt_req(apic_mock *m, const char *method, const char *path, const char *body, const char *hdrs, mt_resp *r)
{
  mt_req_at(apic_mock_url(m), apic_mock_admin_token(m), method, path, body, hdrs, r);
}

void mt_req_port(unsigned short port, const char *method, const char *path, const char *body, const char *hdrs,
                 mt_resp *r)
{
  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)port);
  mt_req_at(base, NULL, method, path, body, hdrs, r);
}

static struct curl_slist *header_list(const char *token, const char *path, const char *hdrs)
{
  char line[1024];
  struct curl_slist *list = curl_slist_append(NULL, "Expect:");
  if (token != NULL && strncmp(path, "/__mock/", 8) == 0) {
    snprintf(line, sizeof line, "X-Mock-Token: %s", token);
    list = curl_slist_append(list, line);
  }
  for (const char *h = hdrs; h != NULL && *h != '\0';) {
    size_t len = strcspn(h, "\n");
    snprintf(line, sizeof line, "%.*s", (int)len, h);
    list = curl_slist_append(list, line);
    h += len + (h[len] == '\n');
  }
  return list;
}

void mt_req_at(const char *base, const char *token, const char *method, const char *path, const char *body,
               const char *hdrs, mt_resp *r)
{
  char url[2048];
  memset(r, 0, sizeof *r);
  snprintf(url, sizeof url, "%s%s", base, path);
  CURL *c = curl_easy_init();
  struct curl_slist *list = header_list(token, path, hdrs);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (body != NULL) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  r->curl_code = (int)curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  if (r->curl_code != CURLE_OK)
    r->status = 0;
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
}

cJSON *mt_json(const mt_resp *r)
{
  return r->body != NULL ? cJSON_Parse(r->body) : NULL;
}

const char *mt_detail(const mt_resp *r)
{
  static char buf[512];
  cJSON *j = mt_json(r);
  const char *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "detail"));
  if (d == NULL)
    d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
  snprintf(buf, sizeof buf, "%s", d != NULL ? d : "");
  cJSON_Delete(j);
  return buf;
}

void mt_free(mt_resp *r)
{
  free(r->body);
  r->body = NULL;
}

void mt_fault(apic_mock *m, const char *json)
{
  mt_resp r;
  mt_req(m, "POST", "/__mock/faults", json, NULL, &r);
  assert_int_equal(r.status, 201);
  mt_free(&r);
}
