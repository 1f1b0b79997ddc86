/* What the examples share: the server's base URL from the command line, and plain libcurl calls
 * to the mock server's admin endpoints (injecting faults, reading its stats) with its admin token
 * from $APIC_MOCK_TOKEN, so each example can show a failure without a real outage. Not part of
 * the SDK. */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stddef.h>

/* argv[1], or http://127.0.0.1:8080/api/v1. */
const char *example_base(int argc, char **argv);
/* POST json to BASE/__mock/faults: the mock answers matching requests as the fault says. */
int example_fault(const char *base, const char *json);
/* POST BASE/__mock/reset: an empty store, no faults, the counters at zero (once the server has
 * finished the requests it was answering, up to 2 s: an earlier example's stream may linger). */
int example_reset(const char *base);
/* GET BASE/__mock/stats and return its peak_concurrent (-1 on failure). */
int example_peak(const char *base);

struct cJSON;
/* {"prompt": prompt}: an inference.sh app's input, which the spec types `any` (a cJSON tree;
 * the caller deletes it with cJSON_Delete). */
struct cJSON *example_prompt(const char *prompt);

#endif
