/* libapic-mock: fault injection (every kind, count-down, patterns), SSE streams, the request
 * log and stats under concurrency. (Malformed requests: test_mock_fuzz.c.) */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

#define AUTH "Authorization: Bearer test-key"

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long status_of(apic_mock *m, const char *method, const char *path)
{
  mt_resp r;
  mt_req(m, method, path, NULL, AUTH, &r);
  mt_free(&r);
  return r.status;
}

static void status_faults_count_down(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  mt_fault(m, "{\"method\":\"GET\",\"path\":\"/tasks\",\"times\":2,\"status\":503,"
              "\"headers\":{\"Retry-After\":\"1\",\"retry-after-ms\":250}}");
  mt_resp r;
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 503);
  assert_non_null(strstr(r.headers, "Retry-After: 1"));
  assert_non_null(strstr(r.headers, "retry-after-ms: 250"));
  assert_string_equal(mt_detail(&r), "injected fault"); /* the spec's 5XX payload */
  mt_free(&r);
  assert_int_equal(status_of(m, "GET", "/tasks"), 503);
  assert_int_equal(status_of(m, "GET", "/tasks"), 200); /* counted down */
  /* in order: the first matching fault applies, then the next */
  mt_fault(m, "[{\"path\":\"/tasks\",\"status\":429},{\"path\":\"/tasks\",\"status\":500,\"body\":{\"detail\":\"x\"}}]");
  assert_int_equal(status_of(m, "GET", "/tasks"), 429);
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 500);
  assert_string_equal(mt_detail(&r), "x");
  mt_free(&r);
  assert_int_equal(status_of(m, "GET", "/tasks"), 200);
  /* method filter, {param} and * patterns, negative times = forever */
  mt_fault(m, "{\"method\":\"POST\",\"path\":\"/tasks/{task_id}/run\",\"times\":-1,\"status\":502}");
  mt_fault(m, "{\"path\":\"/notif*\",\"times\":1,\"status\":418}");
  assert_int_equal(status_of(m, "GET", "/tasks/abc/run"), 405); /* method does not match */
  assert_int_equal(status_of(m, "POST", "/tasks/abc/run"), 502);
  assert_int_equal(status_of(m, "POST", "/tasks/xyz/run"), 502);
  assert_int_equal(status_of(m, "POST", "/tasks/a/b/run"), 404); /* {param} is one segment */
  assert_int_equal(status_of(m, "GET", "/notifications?limit=1"), 418);
  assert_int_equal(status_of(m, "GET", "/notifications?limit=1"), 200);
  mt_req(m, "POST", "/__mock/faults", "{\"status\":500}", NULL, &r); /* no path: refused */
  assert_int_equal(r.status, 400);
  mt_free(&r);
  mt_req(m, "POST", "/__mock/faults", "nope", NULL, &r);
  assert_int_equal(r.status, 400);
  mt_free(&r);
  mt_req(m, "POST", "/__mock/reset", "", NULL, &r);
  assert_int_equal(r.status, 200);
  mt_free(&r);
  assert_int_equal(status_of(m, "POST", "/tasks/abc/run"), 404); /* faults cleared: no task abc */
  apic_mock_stop(m);
}

static void connection_faults(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  mt_resp r;
  mt_fault(m, "{\"path\":\"/tasks\",\"drop\":true}");
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 0);
  assert_int_not_equal(r.curl_code, CURLE_OK);
  mt_free(&r);
  mt_fault(m, "{\"path\":\"/tasks\",\"status\":500,\"body\":\"0123456789abcdefghij\",\"truncate\":5}");
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_not_equal(r.curl_code, CURLE_OK); /* fewer bytes than Content-Length */
  assert_int_equal(r.len, 5);
  assert_memory_equal(r.body, "01234", 5);
  mt_free(&r);
  double t0 = now_ms();
  mt_fault(m, "{\"path\":\"/tasks\",\"delay_ms\":150}");
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 200);
  assert_true(now_ms() - t0 >= 140);
  mt_free(&r);
  t0 = now_ms();
  mt_fault(m, "{\"path\":\"/tasks\",\"stall_ms\":150}");
  mt_req(m, "GET", "/tasks", NULL, AUTH, &r);
  assert_int_equal(r.status, 200); /* the whole body arrives, late */
  assert_true(now_ms() - t0 >= 140);
  cJSON *j = mt_json(&r);
  assert_non_null(j);
  cJSON_Delete(j);
  mt_free(&r);
  assert_int_equal(status_of(m, "GET", "/tasks"), 200);
  apic_mock_stop(m);
}

/* The ids of the events in an SSE body, checking each data line is a JSON object. */
static int sse_ids(const char *body, int *ids, int max)
{
  int n = 0;
  for (const char *p = body; p != NULL && (p = strstr(p, "id: ")) != NULL && n < max; p++) {
    if (p != body && p[-1] != '\n')
      continue;
    ids[n++] = atoi(p + 4);
    const char *data = strstr(p, "\ndata: ");
    assert_non_null(data);
    char line[4096];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(data + 7, "\n"), data + 7);
    cJSON *j = cJSON_Parse(line);
    assert_true(cJSON_IsObject(j));
    assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(j, "execution_id")));
    cJSON_Delete(j);
  }
  return n;
}

static void sse(void **state)
{
  (void)state;
  apic_mock *m = mt_start("torale", NULL);
  mt_resp r;
  int ids[16];
  mt_req(m, "POST", "/tasks", "{\"search_query\":\"q\",\"condition_description\":\"c\"}", AUTH, &r);
  cJSON *j = mt_json(&r);
  char path[128];
  snprintf(path, sizeof path, "/tasks/%s/events", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
  cJSON_Delete(j);
  mt_free(&r);
  mt_req(m, "GET", path, NULL, AUTH, &r);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.headers, "text/event-stream"));
  assert_non_null(strstr(r.body, "retry: 1000\n"));
  assert_int_equal(sse_ids(r.body, ids, 16), 5);
  for (int i = 0; i < 5; i++)
    assert_int_equal(ids[i], i + 1);
  assert_non_null(strstr(strstr(r.body, "id: 5\n"), "\"execution\":")); /* the final event */
  mt_free(&r);
  mt_req(m, "GET", path, NULL, AUTH "\nLast-Event-ID: 3", &r);
  assert_int_equal(sse_ids(r.body, ids, 16), 2);
  assert_int_equal(ids[0], 4);
  mt_free(&r);
  mt_fault(m, "{\"path\":\"/tasks/*/events\",\"sse_drop_after\":2}");
  mt_req(m, "GET", path, NULL, AUTH, &r);
  assert_int_not_equal(r.curl_code, CURLE_OK); /* cut mid-stream */
  assert_int_equal(sse_ids(r.body, ids, 16), 2);
  mt_free(&r);
  mt_req(m, "GET", "/tasks/nope/events", NULL, AUTH, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  apic_mock_stop(m);
}

typedef struct job {
  apic_mock *m;
  int i;
  long status;
} job;

static void *one_request(void *arg)
{
  job *jb = arg;
  char hdrs[128];
  mt_resp r;
  snprintf(hdrs, sizeof hdrs, AUTH "\nIdempotency-Key: key-%d", jb->i);
  mt_req(jb->m, "GET", "/tasks?limit=1", NULL, hdrs, &r);
  jb->status = r.status;
  mt_free(&r);
  return NULL;
}

static void log_and_stats(void **state)
{
  (void)state;
  apic_mock_options o = apic_mock_options_default();
  o.latency_ms = 200; /* long enough that the 32 requests overlap */
  apic_mock *m = mt_start("torale", &o);
  pthread_t th[32];
  job jobs[32];
  for (int i = 0; i < 32; i++) {
    jobs[i] = (job){m, i, 0};
    assert_int_equal(pthread_create(&th[i], NULL, one_request, &jobs[i]), 0);
  }
  for (int i = 0; i < 32; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(jobs[i].status, 200);
  }
  mt_resp r;
  cJSON *j = NULL;
  /* A request stops counting as active just after its answer is sent: poll (bounded). */
  for (int i = 0; i < 200; i++) {
    cJSON_Delete(j);
    mt_req(m, "GET", "/__mock/stats", NULL, NULL, &r);
    j = mt_json(&r);
    mt_free(&r);
    if (cJSON_GetObjectItem(j, "active")->valueint == 0)
      break;
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  int peak = cJSON_GetObjectItem(j, "peak_concurrent")->valueint;
  assert_true(peak >= 2 && peak <= 32);
  assert_int_equal(cJSON_GetObjectItem(j, "requests")->valueint, 32);
  assert_int_equal(cJSON_GetObjectItem(j, "active")->valueint, 0);
  cJSON_Delete(j);
  mt_req(m, "GET", "/__mock/requests", NULL, NULL, &r);
  j = mt_json(&r);
  assert_int_equal(cJSON_GetArraySize(j), 32);
  int seen[32] = {0}, order = 0;
  cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "method")), "GET");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "path")), "/tasks");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "query"), "limit")), "1");
    assert_int_equal(cJSON_GetObjectItem(e, "order")->valueint, ++order);
    assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(e, "time")));
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "headers"), "Idempotency-Key"));
    assert_non_null(key);
    int k = atoi(key + 4);
    assert_true(k >= 0 && k < 32);
    seen[k]++;
  }
  for (int i = 0; i < 32; i++)
    assert_int_equal(seen[i], 1);
  cJSON_Delete(j);
  mt_free(&r);
  mt_req(m, "POST", "/__mock/reset", "", NULL, &r);
  mt_free(&r);
  mt_req(m, "GET", "/__mock/requests", NULL, NULL, &r);
  assert_string_equal(r.body, "[]");
  mt_free(&r);
  mt_req(m, "GET", "/__mock/nothing", NULL, NULL, &r);
  assert_int_equal(r.status, 404);
  mt_free(&r);
  apic_mock_stop(m);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(status_faults_count_down), cmocka_unit_test(connection_faults), cmocka_unit_test(sse),
    cmocka_unit_test(log_and_stats),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
