/* libapic-mock internals shared by its files. */
#ifndef MOCK_INTERNAL_H
#define MOCK_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "apic/mock.h"

#define MOCK_MAX_DEPTH 64      /* JSON nesting the validator follows */
#define MOCK_MAX_REQUESTS 4096 /* request log entries kept (oldest dropped) */
#define MOCK_MAX_FAULTS 256
#define MOCK_LOG_BODY (16 * 1024) /* largest body kept in the request log */
#define MOCK_SSE_EVENTS 5      /* events per stream */

struct apic_mock {
  struct MHD_Daemon *daemon;
  unsigned short port;
  apic_mock_options o;
  cJSON *spec;
  pthread_mutex_t lock; /* guards everything below */
  cJSON *store;         /* {"/collection/path": [items]} */
  cJSON *faults;        /* [fault] with a live "times" count */
  cJSON *requests;      /* [logged request] */
  int nrequests;        /* its length (cJSON counts by walking the list) */
  unsigned long next_id, order;
  int active, peak;
};

/* spec.c: reading the resolved spec */
const cJSON *apic_mock__model(const cJSON *spec, const char *name);
const cJSON *apic_mock__enum(const cJSON *spec, const char *name);
const cJSON *apic_mock__field(const cJSON *model, const char *wire);
int apic_mock__path_match(const char *pattern, const char *path, cJSON *params);
const cJSON *apic_mock__route(const cJSON *spec, const char *method, const char *path, cJSON *params, int *path_known);
cJSON *apic_mock__error_payload(const cJSON *spec, int status, const char *detail);

/* validate.c: a JSON value against a spec type; on failure err holds "$.path: problem" */
int apic_mock__validate(const cJSON *spec, const cJSON *type, const cJSON *k, const cJSON *v, const char *root,
                        char *err, size_t errsz);
int apic_mock__utf8_valid(const char *s, size_t n);

/* synth.c: values valid for a type and its constraints, deterministic per rng state */
uint64_t apic_mock__rand(uint64_t *state);
uint64_t apic_mock__hash(uint64_t seed, const char *s);
cJSON *apic_mock__synth(const cJSON *spec, const cJSON *type, const cJSON *field, uint64_t *rng, int all, int depth);
cJSON *apic_mock__synth_model(const cJSON *spec, const cJSON *model, uint64_t *rng, int all, int depth);
void apic_mock__now(char *buf, size_t size);
cJSON *apic_mock__default(const cJSON *spec, const cJSON *field);

/* admin.c: faults, request log, stats */
void apic_mock__admin(apic_mock *m, const char *method, const char *path, const char *body, int *status, cJSON **out);
cJSON *apic_mock__take_fault(apic_mock *m, const char *method, const char *path);
void apic_mock__log_request(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path,
                      const char *body, size_t body_len);
int apic_mock__load_data(apic_mock *m, char **err);
cJSON *apic_mock__values(struct MHD_Connection *c, enum MHD_ValueKind kind);


/* resources.c: answering an operation of the spec */
typedef struct mock_reply {
  int status;
  char *body; /* malloc'd; NULL = empty */
  size_t len;
  const char *ctype;
  size_t cuts[MOCK_SSE_EVENTS]; /* SSE: where each event ends */
  size_t ncuts;
} mock_reply;
void apic_mock__serve(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path, const char *body,
                size_t len, mock_reply *r);
void apic_mock__reply_json(mock_reply *r, int status, cJSON *j);
void apic_mock__reply_error(apic_mock *m, mock_reply *r, int status, const char *detail);

#endif
