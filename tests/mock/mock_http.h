/* Test helpers: start libapic-mock on a dumped spec, talk to it with plain libcurl. */
#ifndef MOCK_HTTP_H
#define MOCK_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "apic/mock.h"

typedef struct mt_resp {
  long status;   /* 0 when the transfer failed */
  int curl_code; /* CURLE_OK or the failure */
  char *body;
  size_t len;
  char headers[8192];
} mt_resp;

/* Starts the mock on $(BUILD)/tests/mock/<name>.json with o (NULL = defaults). */
apic_mock *mt_start(const char *name, const apic_mock_options *o);
char *mt_slurp(const char *path);
/* One request to base + path (base: "http://127.0.0.1:PORT/api/v1", the mock's URL); hdrs holds
 * header lines separated by '\n' (NULL = none). Admin paths ("/__mock/...") carry the token. */
void mt_req_at(const char *base, const char *token, const char *method, const char *path, const char *body,
               const char *hdrs, mt_resp *r);
/* The same to an in-process mock: under its base URL, with its admin token. */
void mt_req(apic_mock *m, const char *method, const char *path, const char *body, const char *hdrs, mt_resp *r);
/* The same to http://127.0.0.1:port + path: no base path, no token. */
void mt_req_port(unsigned short port, const char *method, const char *path, const char *body, const char *hdrs,
                 mt_resp *r);
/* The response body as JSON (caller deletes), NULL when it is not JSON. */
cJSON *mt_json(const mt_resp *r);
/* The "detail" of a JSON error body, in a static buffer. */
const char *mt_detail(const mt_resp *r);
void mt_free(mt_resp *r);
/* Posts a fault (JSON text) and checks the 201. */
void mt_fault(apic_mock *m, const char *json);

#endif
