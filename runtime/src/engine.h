/* Shared by the engine's files (transport.c, call.c, client.c, group.c, redirect.c, retry.c,
 * response.c). */
#ifndef APIC_ENGINE_H
#define APIC_ENGINE_H

#include <curl/curl.h>
#include <uv.h>

#include "apic/client.h"

/* One libcurl multi driven by one uv loop: the client's, or a sync call's private one. */
typedef struct apic__engine {
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer;
  uv_timer_t rate_timer;          /* used by the client's engine only */
  uv_async_t wakeup;              /* the client's engine only (has_wakeup): admit.c */
  int has_wakeup;
  struct sock *socks;
  int keep_socks;                 /* the loop holds only libapic's handles: park sockets */
  unsigned n_parked;
  struct apic_call *running;      /* calls with a transfer in this multi */
  unsigned open_handles;          /* the timer and the socket polls not yet closed */
  unsigned in_write;              /* inside libcurl's write callback (a caller's on_data): libcurl
                                     refuses to add or remove a transfer from there (call.c) */
  void (*on_closed)(struct apic__engine *eng);
  void *owner;
} apic__engine;

/* wakeup: NULL, or (the client's engine) the callback of an unreferenced uv_async_t whose data
 * is owner. keep_socks: the loop is libapic's own (transport.c says why that matters). */
int apic__engine_init(apic__engine *eng, uv_loop_t *loop, void *owner, uv_async_cb wakeup,
                      int keep_socks);
/* Cleans the multi up and closes every uv handle; on_closed runs once they are closed. */
void apic__engine_close(apic__engine *eng, void (*on_closed)(apic__engine *eng));

typedef struct apic__header {
  char *name;
  char *value;
} apic__header;

struct apic_response {
  int status;
  int http_version;               /* 10, 11, 20, 30 */
  apic__header *headers;          /* name and value in one block, freed through name */
  size_t n_headers, cap_headers;
  char *body;
  size_t body_len, body_room;     /* room: allocated, grown geometrically */
  unsigned attempts;
  char **causes;                  /* attempts - 1 of them */
};

enum { CALL_NEW, CALL_QUEUED, CALL_RUNNING, CALL_BACKOFF, CALL_ENDING, CALL_DONE };

struct apic_call {
  apic_client *client;
  apic__engine *eng;
  struct apic_call *prev, *next;  /* the client's list of live async calls */
  struct apic_call *qnext;        /* the client's FIFO queue; then apic__client_pump's launch list */
  struct apic_call *rprev, *rnext; /* the engine's running transfers */
  int state;
  int sync;
  int has_slot;                   /* counts in the client's in_flight (admit.c) */
  char *method;
  char *url;
  char *log_url;                  /* what logs and errors show; NULL: url */
  CURLU *uh;                      /* url parsed, handed to libcurl (call.c) */
  struct curl_slist *headers;
  char *body;
  size_t body_len;
  apic_part *parts;               /* a multipart body (copies); its mime is made per attempt */
  size_t n_parts;
  curl_mime *mime;                /* this attempt's, on easy */
  int may_retry;                  /* by method semantics, `idempotent` or a key */
  unsigned max_retries;
  uint64_t attempt_timeout_ms;
  uint64_t deadline;              /* uv_now() based; 0: none */
  uint64_t attempt_start;         /* uv_hrtime() when the attempt was launched */
  CURL *easy;
  char errbuf[CURL_ERROR_SIZE];
  apic_response *resp;            /* the attempt being received */
  size_t body_cap;
  size_t head_bytes;              /* response header bytes so far, bounded (call.c) */
  int head_done;                  /* the blank line after the final headers arrived */
  int too_large;                  /* TOO_BODY or TOO_HEAD: what went over its bound */
  unsigned hops;                  /* redirects followed */
  int (*on_data)(void *user_data, const char *data, size_t len);
  void *data_user_data;
  char *(*reauth)(void *ctx);     /* a new credential line after a 401, once (apic_request) */
  void *reauth_ctx;
  int reauthed;
  int left_origin;                /* a redirect went to another origin: no credential follows */
  int streamed;                   /* data went to on_data: never retried */
  int permanent;                  /* the last attempt's failure would recur (TLS refused) */
  int aborted;                    /* on_data asked to stop */
  char **causes;                  /* why each failed attempt before the current one ended */
  unsigned n_causes;
  unsigned attempts;
  int end_code;                   /* CANCELLED or TIMEOUT asked for by cancel / deadline */
  apic_response *result;
  apic_error *error;
  uv_timer_t backoff;             /* back-off, and the 0 ms hop that delivers an early end */
  uv_timer_t deadline_timer;
  unsigned open_timers;
  apic_call_cb cb;
  void *user_data;
  int delivered;
  int status;                     /* what the call ended with: 0 or an APIC_ERR_* code */
  int held;                       /* cb NULL: kept for apic_call_wait */
};

struct apic_client {
  apic_client_options o;          /* strings below are owned copies */
  char *ua_line;                  /* "User-Agent: ...", sent unless a request has its own */
  int owns_loop;
  uv_loop_t own_loop;
  apic__engine eng;
  CURLSH *share;
  uv_mutex_t share_locks[CURL_LOCK_DATA_LAST];
  uv_mutex_t lock;                /* rng, retry budget, easy pool, queue, slots, posts */
  uv_cond_t slot_cond;            /* sync calls waiting for a slot */
  uint64_t rng;
  int64_t tenths;                 /* retry budget in tenths of a token: ten refunds make one */
  CURL **pool;
  size_t n_pool;
  struct apic__sync_engine *idle_sync; /* loops + multis kept for sync calls */
  unsigned n_idle_sync;
  apic_call *calls;               /* live async calls */
  apic_call *qhead, *qtail;       /* async and sync calls waiting for a slot, FIFO */
  unsigned queued, queued_async;
  unsigned in_flight;             /* attempts holding a slot, async and sync */
  struct apic__post *posts, **posts_tail; /* apic_client_post, for the loop thread */
  double rate_tokens;             /* requests_per_second bucket, refilled from uv_now */
  uint64_t rate_at;
  uv_timer_t *rate_timer;         /* wakes the queue when the rate allows (in eng) */
  int shutting;
  int freeing;
  unsigned loop_depth;            /* libapic is running the owned loop (apic__client_run) */
  int free_state;                 /* FREE_NONE, FREE_ASKED (from inside the loop), FREE_BEGUN */
};

enum { FREE_NONE, FREE_ASKED, FREE_BEGUN }; /* apic_client.free_state */

/* transport.c */
void apic__engine_add(apic__engine *eng, apic_call *call);
void apic__engine_remove(apic__engine *eng, apic_call *call);

/* call.c */
/* The options every transfer of c shares, set once on a new easy handle. */
void apic__easy_defaults(apic_client *c, CURL *e);
void apic__call_attempt_done(apic_call *call, CURLcode rc);
void apic__call_launch(apic_call *call);
int apic__call_new(apic_client *c, apic__engine *eng, const apic_request *req, apic_call **out,
                   apic_error **err);
void apic__call_end(apic_call *call, int code);
void apic__call_free(apic_call *call);
/* The call's multipart body, dropped (a redirect to a GET). */
void apic__call_drop_parts(apic_call *call);
/* Deep copies of n parts (strings and data) into *out, counted in *n_out as they are made, so
 * that apic__parts_free(*out, *n_out) frees a copy that ran out of memory half-way too. */
int apic__parts_copy(const apic_part *from, size_t n, apic_part **out, size_t *n_out);
void apic__parts_free(apic_part *parts, size_t n);

/* admit.c */
void apic__client_pump(apic_client *c);
/* Puts call at the end of the client's FIFO queue (new calls and retries alike) and pumps it. */
void apic__client_enqueue(apic_client *c, apic_call *call);
void apic__client_unqueue(apic_client *c, apic_call *call);
int apic__client_queue_full(apic_client *c);
/* Sync calls, on their own thread: blocks until call holds a slot (0), its deadline passes
 * (APIC_ERR_TIMEOUT) or, for a first attempt, the queue is full (APIC_ERR_QUEUE_FULL). */
int apic__client_admit_sync(apic_client *c, apic_call *call, int first);
/* Gives back call's slot, if it holds one, to the next in the queue. */
void apic__client_release(apic_call *call);
void apic__client_run_posts(apic_client *c);
void apic__client_on_wakeup(uv_async_t *a);
/* Marks this thread as running a callback of c's loop (returns the previous mark). */
apic_client *apic__client_enter_callback(apic_client *c);
void apic__client_leave_callback(apic_client *prev);
int apic__client_in_callback(const apic_client *c);

/* client.c */
CURL *apic__client_easy(apic_client *c);
void apic__client_easy_release(apic_client *c, CURL *easy);
double apic__client_random(apic_client *c);
int64_t apic__client_now_ms(apic_client *c);
int apic__client_take_token(apic_client *c);
void apic__client_refund(apic_client *c);
void apic__client_log(apic_client *c, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void apic__client_call_gone(apic_client *c, apic_call *call);
/* The first half of apic_client_free: new calls fail SHUTDOWN, the calls running are cancelled
 * (their callbacks run on a later loop turn); the client stays until apic_client_free. */
void apic__client_shutdown(apic_client *c);
/* Runs c's own loop (uv_run with mode), marked as running: from inside it, the wait functions
 * fail BUSY and apic_client_free is put off until the function that ran it calls
 * apic__client_ran, after its last use of c. */
int apic__client_run(apic_client *c, uv_run_mode mode);
/* Whether c's own loop is running on this thread (libapic's run, or one of c's callbacks). */
int apic__client_loop_busy(const apic_client *c);
void apic__client_ran(apic_client *c);

/* redirect.c */
typedef struct apic__redirect {
  char *url;                      /* the next request's */
  CURLU *uh;                      /* url parsed */
  char *shown;                    /* what logs and errors show of it: no query, no user info */
  int same_origin;                /* scheme, host and port unchanged: every header goes along */
  int to_get;                     /* the next request is a GET without the body */
} apic__redirect;

int apic__redirect_followable(int status); /* 301, 302, 303, 307, 308 */
/* After a 3xx: 0 when the call is to follow it (next filled, cause saying where to), else
 * APIC_ERR_REDIRECT or APIC_ERR_NOMEM with cause saying why not. */
int apic__redirect_plan(apic_call *call, apic__redirect *next, char *cause, size_t size);
/* Points the call at next (takes its strings), dropping what the next hop must not carry. */
int apic__redirect_apply(apic_call *call, apic__redirect *next);
void apic__redirect_clear(apic__redirect *next);

/* retry.c */
int64_t apic__retry_after_ms(const apic_response *r, int64_t now_epoch_ms);
int apic__retryable_status(const apic_response *r);
int apic__method_idempotent(const char *method);
uint64_t apic__backoff_ms(const apic_client_options *o, unsigned retry, double random01);
int apic__header_value_ok(const char *s);

/* response.c */
apic_response *apic__response_new(void);
int apic__response_add_header(apic_response *r, const char *name, size_t nlen, const char *value,
                              size_t vlen);
void apic__response_clear_headers(apic_response *r);
int apic__response_append(apic_response *r, const char *data, size_t len);
char *apic__strdup(const char *s);

#endif
