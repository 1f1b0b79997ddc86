/* End-to-end test helpers: the generated SDKs against libapic-mock serving the same spec, on
 * 127.0.0.1 and an ephemeral port, with the mock's admin endpoints read through plain libcurl. */
#ifndef E2E_H
#define E2E_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "mock_http.h"

/* The mock's base URL, "http://127.0.0.1:PORT/api/v1" (it serves under the spec's base path). */
const char *e2e_base(apic_mock *m);
/* GET /__mock/requests (caller deletes), and the number of requests logged (mt_req sends the
 * admin token). */
cJSON *e2e_requests(apic_mock *m);
int e2e_request_count(apic_mock *m);
/* A header of a logged request, case-insensitive; NULL when absent. */
const char *e2e_header(const cJSON *request, const char *name);
/* peak_concurrent from /__mock/stats. */
int e2e_peak(apic_mock *m);

/* A log hook that appends every line to a buffer, for searching. */
typedef struct e2e_log {
  char text[65536];
  size_t len;
  int lines;
} e2e_log;
void e2e_log_fn(void *ctx, int level, const char *line);

#endif
