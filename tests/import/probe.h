/* Calls every operation of a resolved spec (docs/spec-json.md) over HTTP, with path, query and
 * header values and a body that meet the spec's types and constraints, and counts what the
 * server answered. For the imported specs' mock servers. */
#ifndef PROBE_H
#define PROBE_H

#include <cjson/cJSON.h>

typedef struct probe_result {
  int operations;
  int ok;           /* answered 2xx */
  int routed;       /* answered anything but "no such path" or 405 (the server has the operation) */
  char first[512];  /* the first operation not answered 2xx, and its status */
  char others[4096]; /* the operations not answered 2xx (as many as fit), a line each */
} probe_result;

/* base: "http://127.0.0.1:PORT". Returns 0, or -1 when a request could not be made at all. */
int probe_all(const char *base, const cJSON *spec, probe_result *out);

/* A value of type (a resolved type object) meeting constraints (may be NULL). Caller deletes. */
cJSON *probe_value(const cJSON *spec, const cJSON *type, const cJSON *constraints, int depth);

#endif
