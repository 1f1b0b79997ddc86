/* libapic-mock internals shared by its files. */
#ifndef MOCK_INTERNAL_H
#define MOCK_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "apic/mock.h"

#define MOCK_MAX_DEPTH 64      /* JSON nesting the validator follows */
#define MOCK_MAX_REQUESTS 4096 /* request log entries kept (oldest dropped) */
#define MOCK_MAX_FAULTS 256
#define MOCK_LOG_BODY (16 * 1024) /* largest body kept in the request log */
#define MOCK_SSE_EVENTS 5      /* events per stream */
#define MOCK_MAX_CUTS 64       /* events per answer sent piece by piece (an agent's reply: a word each) */
#define MOCK_MAX_WAIT_MS 60000u /* longest delay or stall a fault may ask for */
#define MOCK_TOKEN_HEADER "X-Mock-Token"
#define MOCK_MAX_BLOBS 64      /* raw bytes bodies kept for downloads (the oldest goes) */

/* clock.c: connections that wait without holding a thread, and the read deadline */
typedef struct mock_sock mock_sock; /* one open connection */
typedef struct mock_clock {
  pthread_mutex_t lock; /* guards the fields below and every mock_sock */
  pthread_cond_t cond;
  pthread_t thread;
  int inited, running, stopping;
  unsigned read_timeout_ms;
  uint64_t next_ms; /* when the thread wakes next */
  mock_sock *socks; /* the open connections */
} mock_clock;
int apic_mock__clock_start(mock_clock *k, unsigned read_timeout_ms);
void apic_mock__clock_stop(mock_clock *k);
void apic_mock__clock_free(mock_clock *k);
void apic_mock__on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode code);
mock_sock *apic_mock__sock(struct MHD_Connection *c);
void apic_mock__sock_busy(mock_clock *k, mock_sock *s, int busy);
int apic_mock__wait(mock_clock *k, mock_sock *s, struct MHD_Connection *c, unsigned ms);
uint64_t apic_mock__now_ms(void);

typedef struct mock_life { /* a resource with a lifecycle: what an @lro operation starts (lifecycle.c) */
  const cJSON *model;   /* the resource's model */
  const char *status;   /* its status field's wire name */
  const char *error;    /* the field saying why it failed (wire name), or NULL */
  cJSON *steps;         /* the status values before the end, in the enum's order (owned) */
  const cJSON *lro;     /* the @lro: terminal values by role */
  const char *poll;     /* the poll operation's full path: an item's ("/runs/{run_id}") */
} mock_life;

typedef struct mock_route { /* an operation of the spec, for routing */
  const cJSON *op;
  const char *method, *path; /* its method and full_path */
  int params;                /* its path parameters */
  int kind;                  /* enum mock_op */
  const mock_life *life;     /* the lifecycle it starts, reads, watches or cancels (NULL: none) */
} mock_route;

typedef struct mock_coll { /* a collection of the spec: "/tasks", "/tasks/{task_id}/executions" */
  char *pattern;
  const char *key;    /* the field that keys its items */
  const cJSON *model; /* its items' model (NULL: the spec does not say) */
  int created;        /* an operation creates into it */
} mock_coll;

struct apic_mock {
  struct MHD_Daemon *daemon;
  unsigned short port;
  apic_mock_options o;
  cJSON *spec;
  char base[256];  /* the path of the spec's base_url, without a trailing slash ("" for none) */
  char url[400];   /* http://HOST:PORT + base */
  char token[129]; /* the admin token */
  mock_route *routes; /* the spec's operations (index.c) */
  size_t nroutes;
  mock_coll *colls; /* the spec's collections, sorted by pattern (index.c) */
  size_t ncolls;
  mock_life *lives; /* the spec's lifecycles (lifecycle.c) */
  size_t nlives;
  mock_clock clock;
  pthread_mutex_t lock; /* guards everything below */
  cJSON *store;         /* {"/collection/path": [items]} */
  cJSON *ids;           /* {"/collection/path": the last id given there} */
  cJSON *faults;        /* [fault] with a live "times" count */
  cJSON *requests;      /* [logged request] */
  cJSON *states;        /* {"/runs/r1": where the item is in its lifecycle} (lifecycle.c) */
  struct mock_blob *blobs; /* raw bytes bodies by path, MOCK_MAX_BLOBS of them (blobs.c) */
  size_t nblobs;
  int nrequests;        /* its length (cJSON counts by walking the list) */
  unsigned long order;
  atomic_int nfaults;        /* faults' length, read without the lock to skip them when none */
  atomic_int active, peak;   /* requests being answered, and the most at once: no lock needed */
  atomic_int stopping;       /* apic_mock_stop began: streams that would go on end now */
};

/* spec.c: reading the resolved spec */
const cJSON *apic_mock__model(const cJSON *spec, const char *name);
const cJSON *apic_mock__enum(const cJSON *spec, const char *name);
const cJSON *apic_mock__union(const cJSON *spec, const char *name);
/* The variant of union u a JSON value is (docs/spec-language.md, "Unions"), or NULL: by its tag,
 * or by its JSON type and then the required fields of model variants. */
const cJSON *apic_mock__variant(const cJSON *spec, const cJSON *u, const cJSON *v);
const cJSON *apic_mock__field(const cJSON *model, const char *wire);
int apic_mock__path_match(const char *pattern, const char *path, cJSON *params);
/* n bytes of a path segment percent-decoded into out (NUL-terminated, cut to size); escapes of
 * the bytes in keep stay as they are (upper-cased), as do malformed ones. */
void apic_mock__unescape(const char *s, size_t n, const char *keep, char *out, size_t size);
/* A request target's path (up to '?' or '#') in the form the mock works on: every escape
 * decoded but %2F, %25 and %00, so segments split on '/' as the client sent them. malloc'd. */
char *apic_mock__canonical_path(const char *target);
const mock_route *apic_mock__route(const apic_mock *m, const char *method, const char *path, cJSON *params,
                                   int *path_known);
cJSON *apic_mock__error_payload(const cJSON *spec, int status, const char *detail);
int apic_mock__base_path(const cJSON *spec, char *buf, size_t size);
const cJSON *apic_mock__returned_model(const cJSON *spec, const cJSON *op);
int apic_mock__item_path(const char *path);

/* validate.c: a JSON value against a spec type; on failure err holds "$.path: problem" */
int apic_mock__validate(const cJSON *spec, const cJSON *type, const cJSON *k, const cJSON *v, const char *root,
                        char *err, size_t errsz);
int apic_mock__fits(const cJSON *spec, const cJSON *field, const cJSON *v);
cJSON *apic_mock__text_value(const char *kind, const char *text);
int apic_mock__utf8_valid(const char *s, size_t n);

/* synth.c: values valid for a type and its constraints, deterministic per rng state */
uint64_t apic_mock__rand(uint64_t *state);
uint64_t apic_mock__hash(uint64_t seed, const char *s);
cJSON *apic_mock__synth(const cJSON *spec, const cJSON *type, const cJSON *field, uint64_t *rng, int all, int depth);
cJSON *apic_mock__synth_model(const cJSON *spec, const cJSON *model, uint64_t *rng, int all, int depth);
void apic_mock__now(char *buf, size_t size);
cJSON *apic_mock__default(const cJSON *spec, const cJSON *field);

/* admin.c: the admin endpoints, faults, the request log */
int apic_mock__is_admin(const char *path);
void apic_mock__admin(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path, const char *body,
                      int *status, cJSON **out);
cJSON *apic_mock__take_fault(apic_mock *m, const char *method, const char *path);
void apic_mock__logged_path(const apic_mock *m, const cJSON *op, const char *path, char *out, size_t size);
void apic_mock__log_request(apic_mock *m, struct MHD_Connection *c, const char *method, const char *path,
                            const cJSON *op, const char *body, size_t body_len);
int apic_mock__load_data(apic_mock *m, char **err);
cJSON *apic_mock__values(struct MHD_Connection *c, enum MHD_ValueKind kind);

/* reply.c: answers as libmicrohttpd responses, shaped by faults */
typedef struct mock_reply {
  int status;
  char *body; /* malloc'd; NULL = empty */
  size_t len;
  const char *ctype;
  size_t cuts[MOCK_MAX_CUTS]; /* SSE: where each event ends */
  size_t ncuts;
  cJSON *headers; /* more response headers, {"Name": "value"}; sent and deleted by apic_mock__send */
  unsigned gap_ms; /* SSE: the pause between events (0: a few ms) */
  /* An answer made as it is sent (a lifecycle's stream): MHD's content reader and its state. */
  ssize_t (*reader)(void *cls, uint64_t pos, char *buf, size_t max);
  void (*reader_free)(void *cls);
  void *reader_cls;
  int made; /* a download's len bytes, made as they are sent (apic_mock__byte_at); body NULL */
} mock_reply;
void apic_mock__reply_json(mock_reply *r, int status, cJSON *j); /* takes j */
void apic_mock__reply_print(mock_reply *r, int status, const cJSON *j);
void apic_mock__reply_error(apic_mock *m, mock_reply *r, int status, const char *detail);
unsigned apic_mock__num(const cJSON *o, const char *k); /* a positive number member, else 0 */
void apic_mock__fault_reply(apic_mock *m, const cJSON *fault, mock_reply *r);
enum MHD_Result apic_mock__send(apic_mock *m, struct MHD_Connection *c, mock_sock *s, mock_reply *r,
                                const cJSON *fault);

/* One parameter's texts (a key may come more than once) against its type and constraints, under
 * root ("query.limit"): an array as a whole (its constraints count the values), a one-valued
 * one value by value ("query.state[1]: ..."); a required one present. 0, or -1 with err. */
int apic_mock__check_texts(const cJSON *spec, const cJSON *p, const cJSON *texts, const char *root, char *err,
                          size_t errsz);

/* form.c: form and multipart bodies, parsed and checked against the operation's fields: 0 with
 * *out (the fields' values as JSON, for the store), or an answer in r (400, 422) */
int apic_mock__check_form(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *body, size_t len,
                          cJSON **out, mock_reply *r);

/* resources.c: answering an operation of the spec (rt NULL: no route; known: the path exists;
 * fault: the one this request took, or NULL) */
void apic_mock__serve(apic_mock *m, struct MHD_Connection *c, const mock_route *rt, int known, const char *method,
                      const char *path, const cJSON *params, const char *body, size_t len, const cJSON *fault,
                      mock_reply *r);

/* index.c: the spec's routes and collections, worked out at start */
enum mock_op {
  OP_CREATE, OP_GET, OP_UPDATE, OP_REPLACE, OP_DELETE, OP_LIST, OP_STREAM, OP_OTHER, OP_WATCH, OP_CANCEL,
  OP_DOWNLOAD, /* returns bytes (blobs.c) */
  OP_UPLOAD    /* takes a bytes body: kept for downloads of its path, then answered as OP_OTHER */
};
int apic_mock__index(apic_mock *m);
void apic_mock__index_free(apic_mock *m);
const mock_coll *apic_mock__collection(const apic_mock *m, const char *pattern); /* NULL: not one */
const char *apic_mock__key_field(const apic_mock *m, const char *pattern);

/* store.c: stored items by collection, their keys and ids; called with the lock held */
int apic_mock__missing_item(apic_mock *m, const char *pattern, const char *path, char *detail, size_t dsz);
int apic_mock__stored(apic_mock *m, const cJSON *op, int kind, const char *path);
void apic_mock__crud(apic_mock *m, const mock_route *rt, const char *path, const cJSON *params, const cJSON *body,
                     const cJSON *fault, uint64_t *rng, mock_reply *r);
void apic_mock__set_params(const cJSON *spec, const cJSON *model, cJSON *obj, const cJSON *params);
cJSON *apic_mock__find(apic_mock *m, const char *pattern, const char *coll, const char *key);
void apic_mock__answer_item(mock_reply *r, const cJSON *op, int status, const cJSON *item);

/* blobs.c: downloads, and the raw bytes bodies they serve; called with the lock held */
int apic_mock__blobs_init(apic_mock *m);
void apic_mock__blobs_clear(apic_mock *m);
void apic_mock__blobs_free(apic_mock *m);
int apic_mock__blob_put(apic_mock *m, const char *path, const char *data, size_t len);
void apic_mock__download(apic_mock *m, const char *path, const cJSON *query, mock_reply *r);
uint8_t apic_mock__byte_at(uint64_t i); /* byte i of a download the mock makes */

/* lifecycle.c: resources with a lifecycle (@lro); called with the lock held, but for the
 * stream's reader, which takes it */
int apic_mock__lives_index(apic_mock *m); /* after the routes: gives them their lifecycles */
void apic_mock__lives_free(apic_mock *m);
void apic_mock__life_begin(apic_mock *m, const mock_life *life, const char *coll, cJSON *item, const cJSON *fault);
void apic_mock__life_advance(apic_mock *m, const mock_life *life, const char *path); /* an item, or a list */
void apic_mock__life_cancel(apic_mock *m, const mock_route *rt, const char *path, mock_reply *r);
void apic_mock__life_watch(apic_mock *m, struct MHD_Connection *c, const mock_route *rt, const char *path,
                           const cJSON *fault, mock_reply *r);
/* An @accumulate stream: a reply a word at a time, lifecycle_ms / 2 apart. */
void apic_mock__words(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *path,
                      const char *body, mock_reply *r);

#endif
