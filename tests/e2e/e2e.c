/* End-to-end test helpers (e2e.h). */
#include "e2e.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *e2e_base(apic_mock *m)
{
  return apic_mock_url(m);
}

cJSON *e2e_requests(apic_mock *m)
{
  mt_resp r;
  mt_req(m, "GET", "/__mock/requests", NULL, NULL, &r);
  cJSON *j = r.status == 200 ? mt_json(&r) : NULL;
  mt_free(&r);
  return j;
}

int e2e_request_count(apic_mock *m)
{
  cJSON *j = e2e_requests(m);
  int n = j != NULL ? cJSON_GetArraySize(j) : -1;
  cJSON_Delete(j);
  return n;
}

const char *e2e_header(const cJSON *request, const char *name)
{
  const cJSON *h;
  cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(request, "headers"))
  if (strcasecmp(h->string, name) == 0)
    return cJSON_GetStringValue(h);
  return NULL;
}

int e2e_peak(apic_mock *m)
{
  mt_resp r;
  mt_req(m, "GET", "/__mock/stats", NULL, NULL, &r);
  cJSON *j = mt_json(&r);
  mt_free(&r);
  int peak = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "peak_concurrent"));
  cJSON_Delete(j);
  return peak;
}

void e2e_log_fn(void *ctx, int level, const char *line)
{
  e2e_log *log = ctx;
  (void)level;
  size_t n = strlen(line);
  if (log->len + n + 2 < sizeof log->text) {
    memcpy(log->text + log->len, line, n);
    log->len += n;
    log->text[log->len++] = '\n';
    log->text[log->len] = '\0';
  }
  log->lines++;
}
