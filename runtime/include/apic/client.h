/* libapic: the HTTP engine. A client drives one libcurl multi handle from a libuv loop; calls
 * are generic requests (method, URL, headers, body) that end in a response or an apic_error,
 * with retries, timeouts, a concurrency limit and cancellation. docs/runtime.md has the rules. */
#ifndef APIC_CLIENT_H
#define APIC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* Only a pointer to the loop is needed here: declared, not included, so that including this
 * header asks for no POSIX feature macros (uv.h needs them under -std=c11). */
struct uv_loop_s;
typedef struct uv_loop_s uv_loop_t;

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apic_client apic_client;
typedef struct apic_call apic_call;
typedef struct apic_response apic_response;
typedef struct apic_group apic_group;

enum { APIC_LOG_DEBUG = 1, APIC_LOG_INFO = 2, APIC_LOG_WARN = 3, APIC_LOG_ERROR = 4 };

/* Settings that turn a feature off, for the option fields whose zero means "the default". */
#define APIC_NO_RETRIES (-1)          /* max_retries: no retry at all */
#define APIC_NO_TIMEOUT UINT64_MAX    /* a *_timeout_ms: no limit */
#define APIC_UNLIMITED 0xFFFFFFFFu    /* max_concurrency: no limit */

/** One line per event (each attempt: method, URL, status, attempt, duration, cause). Header
 *  values are never part of a log line. May be called from any thread making sync calls. */
typedef void (*apic_log_fn)(void *ctx, int level, const char *line);

/** Client settings. Zero means the default for every field, so `apic_client_options o = {0}`
 *  (or NULL) is the defaults; the APIC_NO_* and APIC_UNLIMITED values turn a feature off.
 *  Strings are copied by apic_client_new. */
typedef struct apic_client_options {
  uv_loop_t *loop;              /* NULL: the client owns a loop, run by the wait functions */
  const char *user_agent;       /* default "apic/VERSION libcurl" */
  unsigned max_concurrency;     /* requests in flight at once, async and sync alike; default 16 */
  unsigned max_queue;           /* waiting requests beyond which a call fails QUEUE_FULL; default unbounded */
  double requests_per_second;   /* async starts per second (attempts included); default no limit */
  uint64_t connect_timeout_ms;  /* default 10000 */
  uint64_t attempt_timeout_ms;  /* one attempt, headers to last byte; default 60000 */
  uint64_t total_timeout_ms;    /* a whole call, attempts and back-off; default none */
  int max_retries;              /* default 2 (3 attempts) */
  uint64_t backoff_initial_ms;  /* default 500: the first retry waits uniform [0, 500] ms */
  uint64_t backoff_max_ms;      /* default 8000: doubling stops here */
  uint64_t retry_after_cap_ms;  /* a longer Retry-After ends the retries; default 60000 */
  double retry_budget;          /* token bucket: retries cost 1, successes refund 0.1; default 10; < 0: no budget */
  size_t max_body;              /* response body cap in bytes; default 64 MiB */
  const char *request_id_header; /* default "x-request-id" */
  const char *ca_file;          /* NULL: the system bundle */
  int insecure;                 /* 1 turns TLS verification off (tests only) */
  const char *proxy;            /* NULL: libcurl's environment rules */
  apic_log_fn log;              /* NULL: silent */
  void *log_ctx;
  int log_level;                /* lowest level passed to log; default APIC_LOG_INFO */
  /* Seams: the random source behind jitter and idempotency keys (NULL: internal generator),
   * returning a uniform double in [0, 1). Called under the client's lock. */
  double (*random)(void *ctx);
  void *random_ctx;
  /* The wall clock, ms since the epoch, against which Retry-After dates are read (NULL: time()). */
  int64_t (*clock)(void *ctx);
  void *clock_ctx;
  /* Redirects (301, 302, 303, 307, 308) followed per call; 0 (default): none, a 3xx other than
   * 304 ends the call APIC_ERR_REDIRECT with its status and Location. Headers other than a few
   * harmless ones (Accept, User-Agent, ...) are dropped when a redirect leaves the origin, so
   * credentials never reach another scheme, host or port (docs/runtime.md). */
  unsigned max_redirects;
} apic_client_options;

/** @brief Process-wide setup (libcurl's); apic_client_new calls it too. Thread-safe. */
APIC_EXPORT int apic_global_init(void);

/** @brief A new client. @note Free with apic_client_free(). */
APIC_EXPORT int apic_client_new(const apic_client_options *o, apic_client **out, apic_error **err);
/** @brief Ends a client. With an owned loop, runs it up to drain_ms for calls in flight to
 *  finish, then cancels the rest (their callbacks run with APIC_ERR_CANCELLED) and frees
 *  everything. With a caller's loop, cancels at once; the caller runs its loop afterwards so the
 *  client's handles close (then uv_loop_close succeeds). From inside a callback: everything is
 *  cancelled at once, and the client is freed once that callback has returned (an owned loop:
 *  when the libapic function running it returns; run by the caller's own uv_run, not at all,
 *  with an error logged: docs/runtime.md, "Shutdown"). NULL ok. */
APIC_EXPORT void apic_client_free(apic_client *c, uint64_t drain_ms);
/** The loop async calls run on (owned or the caller's). */
APIC_EXPORT uv_loop_t *apic_client_loop(apic_client *c);

/** One part of a multipart/form-data body (apic_request.parts): its name and either data (len
 *  bytes) or a file read from path as it is sent (never whole: libcurl's mime API). */
typedef struct apic_part {
  const char *name;
  const char *data;          /* NULL: path */
  size_t len;
  const char *path;
  const char *filename;      /* NULL: the path's last component; none for data */
  const char *content_type;  /* NULL: libcurl's (a file's guessed from its name's extension) */
} apic_part;

/** A request. Strings are borrowed for the duration of the start/send call only. */
typedef struct apic_request {
  const char *method;              /* "GET", ... */
  const char *url;                 /* absolute http(s) URL */
  const char *const *headers;      /* "Name: value" strings; CR/LF in them is INVALID_ARG */
  size_t n_headers;
  const char *body;                /* NULL: none */
  size_t body_len;
  int idempotent;                  /* 1: a POST/PATCH that may be retried (and gets a key) */
  const char *idempotency_key;     /* overrides the generated key; makes the call retryable */
  int64_t max_retries;             /* -1: the client's */
  uint64_t total_timeout_ms;       /* 0: the client's; APIC_NO_TIMEOUT: none */
  uint64_t attempt_timeout_ms;     /* 0: the client's; APIC_NO_TIMEOUT: none */
  /* Streaming: with on_data set, a 2xx body is not kept but handed over as it arrives, on the
   * loop thread (the sync call's own thread for apic_client_send); a non-zero return aborts the
   * call (APIC_ERR_CANCELLED). Error statuses are still buffered into the error. Once data was
   * delivered the call is never retried (a stream layer resumes it instead, e.g. SSE with
   * Last-Event-ID). Use attempt_timeout_ms 0 for long streams. */
  int (*on_data)(void *user_data, const char *data, size_t len);
  void *data_user_data;
  /* The URL as logs and errors show it (NULL: url). Generated code passes the URL with the
   * values of @sensitive query parameters masked, so they never reach a log or an error. */
  const char *log_url;
  /* A multipart/form-data body instead of body (libcurl sends its Content-Type with the
   * boundary); each attempt reads the files anew. */
  const apic_part *parts;
  size_t n_parts;
  /* After a 401 (once per call): a new credential's header line ("Name: value", from
   * apic_malloc: taken) that replaces the request's line of that name, and the call is sent
   * again at once (not counted as a retry); NULL: the 401 stands. Runs where the call does. */
  char *(*reauth)(void *ctx);
  void *reauth_ctx;
} apic_request;

#define APIC_REQUEST_INIT {NULL, NULL, NULL, 0, NULL, 0, 0, NULL, -1, 0, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL}

/* A response: a 2xx, or a 304 (the answer to a conditional request). Readers borrow from r. */
APIC_EXPORT int apic_response_status(const apic_response *r);
APIC_EXPORT const char *apic_response_body(const apic_response *r, size_t *out_len); /* NUL-terminated */
APIC_EXPORT const char *apic_response_header(const apic_response *r, const char *name);
APIC_EXPORT unsigned apic_response_attempts(const apic_response *r);
/** The HTTP version the response came over: 11 (HTTP/1.1), 20 (HTTP/2), 10, 30; 0 for NULL. */
APIC_EXPORT int apic_response_http_version(const apic_response *r);
/** What ended attempt i (0-based) before the last: "status 503", "connect: ...", ... */
APIC_EXPORT const char *apic_response_attempt_cause(const apic_response *r, unsigned i);
APIC_EXPORT void apic_response_free(apic_response *r);

/** Called once per started call, on the loop thread. status is 0 with resp, or the error's code
 *  with err (err is NULL only when even the error could not be allocated: APIC_ERR_NOMEM). The callback owns both (free them). The call handle is valid
 *  until the callback returns. */
typedef void (*apic_call_cb)(apic_call *call, int status, apic_response *resp, apic_error *err,
                             void *user_data);

/** @brief Starts an async call on the client's loop (from the loop thread or before it runs;
 *  from another thread, through apic_client_post).
 *  With cb NULL the result is kept for apic_call_wait, which then owns the handle.
 *  @return 0, or an error code and *err (the callback will never run). */
APIC_EXPORT int apic_call_start(apic_client *c, const apic_request *req, apic_call_cb cb,
                                void *user_data, apic_call **out, apic_error **err);
/** @brief Asks the call to end: queued or in back-off it ends at once, in flight at the next
 *  loop turn, with APIC_ERR_CANCELLED. No effect once complete. */
APIC_EXPORT void apic_call_cancel(apic_call *call);
/** @brief For a call started with cb NULL: runs the client's loop until it completes, hands
 *  out the result (*resp or *err) and frees the handle. Owned loop only (else APIC_ERR_BUSY). */
APIC_EXPORT int apic_call_wait(apic_call *call, apic_response **resp, apic_error **err);

/** @brief A blocking call on the same engine, safe from several threads at once on one client
 *  (each runs a private loop and multi; connections are shared through the client's CURLSH).
 *  Each attempt takes a max_concurrency slot in the client's FIFO queue, waiting on this thread
 *  for one (up to the call's total timeout), except inside one of the client's own callbacks.
 *  @return 0 with *resp, or an error code with *err (APIC_ERR_QUEUE_FULL past max_queue). */
APIC_EXPORT int apic_client_send(apic_client *c, const apic_request *req, apic_response **resp,
                                 apic_error **err);

/** A function to run on the client's loop thread (apic_client_post). */
typedef void (*apic_post_fn)(apic_client *c, void *user_data);
/** @brief Runs fn(c, user_data) once on the loop thread, at the loop's next turn. Safe from any
 *  thread: the way to start async calls, groups, pagers or streams from a thread that does not
 *  run the loop (those functions themselves are loop-thread only). Posts run in order; those
 *  still pending when apic_client_free begins run then (calls they start fail
 *  APIC_ERR_SHUTDOWN). @return 0, or APIC_ERR_SHUTDOWN / APIC_ERR_NOMEM / INVALID_ARG (fn is
 *  then never called). */
APIC_EXPORT int apic_client_post(apic_client *c, apic_post_fn fn, void *user_data);

/* Groups of async calls. */
enum {
  APIC_GROUP_GATHER = 0,    /* wait for all; each result or error kept in submission order */
  APIC_GROUP_FAIL_FAST = 1  /* the first failure cancels the rest */
};
/** Called as each member completes (as-completed order): its index, done so far, total. */
typedef void (*apic_group_progress_fn)(apic_group *g, size_t index, size_t done, size_t total,
                                       void *user_data);

APIC_EXPORT int apic_group_new(apic_client *c, int mode, apic_group **out);
APIC_EXPORT void apic_group_set_progress(apic_group *g, apic_group_progress_fn fn, void *user_data);
/** @brief A deadline for every member (from now); members still running then end TIMEOUT. */
APIC_EXPORT int apic_group_set_deadline(apic_group *g, uint64_t ms_from_now);
/** @brief Starts a member; its index is its submission order. On failure the member is still
 *  recorded, with that error, so indices stay dense. */
APIC_EXPORT int apic_group_add(apic_group *g, const apic_request *req, size_t *out_index);
/** @brief apic_group_add with a callback of its own, run when the member completes (before the
 *  progress callback): it owns resp and err as apic_call_start's does, so the group keeps only
 *  the member's status (apic_group_result then gives NULL for both). Generated SDKs use it to
 *  decode each member's typed result. On failure to start, cb is not called. */
APIC_EXPORT int apic_group_add_cb(apic_group *g, const apic_request *req, apic_call_cb cb, void *user_data,
                                  size_t *out_index, apic_call **out, apic_error **err);
/** @brief The status member i completed with (0 or an APIC_ERR_* code); APIC_ERR_BUSY while it
 *  runs, APIC_ERR_INVALID_ARG for no such member. */
APIC_EXPORT int apic_group_status(const apic_group *g, size_t i);
APIC_EXPORT void apic_group_cancel(apic_group *g);
APIC_EXPORT int apic_group_done(const apic_group *g); /* 1 when every member completed */
/** @brief Runs the (owned) loop until every member completed; 0 if all succeeded, else for a
 *  gather group the first failure's code in submission order, for a fail-fast group the code
 *  of the failure that cancelled the rest (not the CANCELLED it caused). */
APIC_EXPORT int apic_group_wait(apic_group *g);
APIC_EXPORT size_t apic_group_size(const apic_group *g);
/** Borrowed results of member i: exactly one of *resp / *err is set once it completed. */
APIC_EXPORT int apic_group_result(const apic_group *g, size_t i, const apic_response **resp,
                                  const apic_error **err);
/** Frees the group; members still running are cancelled first (owned loop: run to completion).
 *  From one of the group's own callbacks (a member's, the progress one) the rest are cancelled
 *  and the group is freed when that callback returns; nothing of it is called back after. */
APIC_EXPORT void apic_group_free(apic_group *g);

#ifdef __cplusplus
}
#endif
#endif /* APIC_CLIENT_H */
