/* The examples' helpers (example.h). */
#include "example.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

const char *example_base(int argc, char **argv)
{
  return argc > 1 ? argv[1] : "http://127.0.0.1:8080/api/v1";
}

typedef struct buf {
  char data[16384];
  size_t len;
} buf;

static size_t keep(char *p, size_t size, size_t n, void *ud)
{
  buf *b = ud;
  size_t k = size * n;
  if (b->len + k >= sizeof b->data)
    k = sizeof b->data - 1 - b->len;
  memcpy(b->data + b->len, p, k);
  b->len += k;
  b->data[b->len] = '\0';
  return size * n;
}

static long admin(const char *base, const char *path, const char *body, buf *out)
{
  char url[512];
  snprintf(url, sizeof url, "%s/__mock/%s", base, path);
  CURL *e = curl_easy_init();
  long status = 0;
  if (e == NULL)
    return 0;
  char token[256];
  snprintf(token, sizeof token, "X-Mock-Token: %s", getenv("APIC_MOCK_TOKEN") ? getenv("APIC_MOCK_TOKEN") : "");
  struct curl_slist *headers = curl_slist_append(NULL, token);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
  if (body != NULL)
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  if (curl_easy_perform(e) == CURLE_OK)
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  curl_slist_free_all(headers);
  return status;
}

int example_fault(const char *base, const char *json)
{
  buf b = {{0}, 0};
  return admin(base, "faults", json, &b) == 201 ? 0 : -1;
}

/* GET BASE/__mock/stats and return one of its numbers (-1 on failure). */
static int mock_stat(const char *base, const char *name)
{
  buf b = {{0}, 0};
  if (admin(base, "stats", NULL, &b) != 200)
    return -1;
  cJSON *stats = cJSON_Parse(b.data);
  int n = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(stats, name));
  cJSON_Delete(stats);
  return n;
}

int example_reset(const char *base)
{
  buf b = {{0}, 0};
  for (int i = 0; i < 100 && mock_stat(base, "active") > 0; i++)
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  return admin(base, "reset", "", &b) == 200 ? 0 : -1;
}

struct cJSON *example_prompt(const char *prompt)
{
  cJSON *input = cJSON_CreateObject();
  cJSON_AddStringToObject(input, "prompt", prompt);
  return input;
}

int example_peak(const char *base)
{
  return mock_stat(base, "peak_concurrent");
}
