/* libapic: operations as tables. A generated SDK describes each operation of its spec with an
 * apic_op_desc (method, path template, parameter and body tables, result kind, pagination rule)
 * and wraps the calls below in typed functions. One path here validates the arguments, builds
 * the URL (percent-encoded), the headers and the body, sends through the engine, and decodes
 * the answer, for sync calls, async calls, group members, page iterators and event streams.
 * docs/clients.md has the rules. */
#ifndef APIC_OP_H
#define APIC_OP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apic/client.h"
#include "apic/model.h"
#include "apic/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An API client: the engine plus what every request of one API carries (base URL,
 *  credential, default headers) and a count of the typed calls still running. */
typedef struct apic_api apic_api;

/** How a scheme sends its credential (apic_auth_scheme.kind). */
typedef enum apic_auth_kind {
  APIC_AUTH_BEARER, /* Authorization: Bearer CREDENTIAL */
  APIC_AUTH_BASIC,  /* Authorization: Basic base64(CREDENTIAL), the credential "user:password" */
  APIC_AUTH_HEADER, /* PARAM: CREDENTIAL */
  APIC_AUTH_QUERY   /* ?PARAM=CREDENTIAL, shown REDACTED in logs and errors */
} apic_auth_kind;

/** One way an API authenticates (the spec's `auth` and `scheme`s); an operation names one. */
typedef struct apic_auth_scheme {
  const char *name;       /* the spec's: what the token provider is asked for */
  apic_auth_kind kind;
  const char *param;      /* HEADER: the header's name; QUERY: the query parameter's */
  const char *credential; /* NULL or "": none yet (the token provider, if any, is asked) */
} apic_auth_scheme;

/** Hands out a scheme's credential: when the client has none for it, and again (refresh 1)
 *  once per call after a 401 to a request that carried one (not for QUERY schemes), which is
 *  then sent again with the new one. Writes it into buf (NUL-terminated, at most size bytes)
 *  and returns 0, or nonzero for none. Runs on the thread of the call (the loop's for async
 *  calls: a slow provider holds the loop up), one at a time per client. */
typedef int (*apic_token_fn)(void *data, const char *scheme, int refresh, char *buf, size_t size);

typedef struct apic_api_options {
  const char *base_url;                /* the spec's, or the caller's */
  const apic_auth_scheme *schemes;     /* operations name them (apic_op_desc.auth); copied */
  size_t n_schemes;
  apic_token_fn token_provider;        /* NULL: the credentials given are all there is */
  void *token_data;
  const char *const *default_headers;  /* "Name: value", sent on every request */
  size_t n_default_headers;
  const apic_client_options *http;     /* NULL: the defaults (as {0}) */
} apic_api_options;

/** @brief A new API client (strings copied). Bad headers or base URL: APIC_ERR_INVALID_ARG. */
APIC_EXPORT int apic_api_new(const apic_api_options *o, apic_api **out, apic_error **err);
/** @brief apic_client_free with drain_ms, then frees the rest. NULL is fine. On a caller's loop
 *  with work pending, that work is cancelled now and the API is freed when the last of it has
 *  ended (its callback run, as the caller runs the loop). */
APIC_EXPORT void apic_api_free(apic_api *a, uint64_t drain_ms);
APIC_EXPORT apic_client *apic_api_client(apic_api *a);
/** @brief Runs the client's own loop until every typed async call, stream and page walk
 *  started on it has ended. @retval APIC_ERR_BUSY the loop is the caller's (run it yourself). */
APIC_EXPORT int apic_api_run(apic_api *a);
/** Typed calls, streams and page walks started and not yet ended. */
APIC_EXPORT size_t apic_api_pending(const apic_api *a);

/** @brief Milliseconds on a monotonic clock, for apic_call_options.deadline_ms. */
APIC_EXPORT uint64_t apic_now_ms(void);

typedef enum apic_result_kind {
  APIC_RESULT_NONE,   /* no body expected */
  APIC_RESULT_VALUE,  /* one value of op->result: a model, a scalar, an apic_list for an array or a
                         map; text (string, date-time, date) is a string of its own (apic_free),
                         the JSON string or, from a body that is not JSON, the body as it came */
  APIC_RESULT_PAGE,   /* one page model; iterable with a pager */
  APIC_RESULT_STREAM  /* server-sent events, each data a value of op->result (apic_t_string: the
                         data as it came, UTF-8 text) */
} apic_result_kind;

/** How an operation's body is sent (apic_op_desc.body_kind). */
typedef enum apic_body_kind {
  APIC_BODY_JSON,      /* a value of op->body as JSON */
  APIC_BODY_FORM,      /* op->body a model of form fields: application/x-www-form-urlencoded, each
                          field encoded as a query parameter is (arrays as the name repeated) */
  APIC_BODY_MULTIPART, /* op->body a model of fields and files: multipart/form-data, a part per
                          value (files through libcurl's mime API, from disk as they are sent) */
  APIC_BODY_RAW        /* apic_t_string (args->body is the NUL-terminated text) or apic_t_bytes
                          (args->body an apic_bytes), sent as they are */
} apic_body_kind;

typedef struct apic_op_desc {
  const char *name;                     /* "tasks.get", for messages */
  const char *method;                   /* "GET" */
  const char *path;                     /* "/tasks/{task_id}": {wire} names a path_params field */
  const apic_model_desc *path_params;   /* NULL: none */
  const apic_model_desc *params;        /* query fields, and APIC_F_HEADER fields; NULL: none */
  const apic_type_desc *body;           /* NULL: no body */
  apic_result_kind result_kind;
  const apic_type_desc *result;         /* the value, page model or event; NULL for NONE */
  const char *page_items;               /* PAGE: the page's array field (C name) */
  const char *page_next;                /* cursor paging: the field with the next cursor; NULL: offset paging */
  const char *page_param;               /* the params field taking the cursor or offset (C name) */
  int idempotent;                       /* @idempotent: a POST/PATCH that may be retried */
  uint64_t timeout_ms;                  /* @timeout: the call's total; 0: the client's */
  int64_t retries;                      /* @retries; -1: the client's */
  /* VALUE with response headers: op->result is a model whose APIC_F_BODY field (if any) takes
   * the body and whose fields with `header` take the response headers (a required one absent or
   * not of its type: APIC_ERR_DECODE). */
  int with_headers;
  const char *accumulate;               /* STREAM, @accumulate: the event field (C name, a string)
                                           whose text apic_op_stream_text joins; NULL: none */
  apic_body_kind body_kind;             /* JSON (zero) unless said */
  int auth;                             /* 1 + the index of its scheme in apic_api_options.schemes; 0: none */
  /* JSON and RAW bodies: the Content-Type; NULL: application/json, or for RAW
   * "text/plain; charset=utf-8" (a string) and application/octet-stream (bytes) */
  const char *content_type;
} apic_op_desc;

/** Per-call settings. Zero means "the operation's, else the client's" for every field, so
 *  `apic_call_options o = {0}` and NULL are the same; APIC_NO_RETRIES and APIC_NO_TIMEOUT
 *  (apic/client.h) turn a feature off. */
typedef struct apic_call_options {
  uint64_t timeout_ms;           /* the whole call, attempts and back-off */
  uint64_t attempt_timeout_ms;   /* one attempt */
  int max_retries;               /* retries after the first attempt */
  uint64_t deadline_ms;          /* absolute, on apic_now_ms(); 0: none. Past it: TIMEOUT, nothing sent */
  const char *idempotency_key;   /* makes a POST/PATCH retryable, sent as Idempotency-Key */
  const char *const *headers;    /* extra "Name: value" headers */
  size_t n_headers;
  apic_group *group;             /* async only: the call joins this group (gather, fail-fast, deadline) */
} apic_call_options;

/** What one call sends, all borrowed for the duration of the start/call: the path parameters
 *  (a struct of op->path_params), the query and header parameters (op->params; NULL: none
 *  set) and the body (a value of op->body; for a form or multipart body, NULL: none set). */
typedef struct apic_op_args {
  const void *path;
  const void *params;
  const void *body;
} apic_op_args;

/** @brief A sync call: validates (APIC_ERR_INVALID_ARG, nothing sent), sends, decodes.
 *  @return 0 with *out (the result, the caller's: apic_value_free, apic_free for text; NULL
 *  for NONE), or an
 *  APIC_ERR_* code with *err (the caller's) and *out NULL. Safe from several threads. */
APIC_EXPORT int apic_op_call(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                             const apic_call_options *o, void **out, apic_error **err);

/** Where a download goes as it arrives (apic_op_call_to, apic_op_start_to): a write callback,
 *  or, with write NULL, a FILE. Borrowed until the call ends. */
typedef size_t (*apic_write_fn)(const uint8_t *data, size_t len, void *user_data);
typedef struct apic_sink {
  apic_write_fn write; /* each piece of the body as it arrives (on the loop thread for async
                          calls); returns len to go on, anything less stops the download:
                          APIC_ERR_SINK */
  void *user_data;
  FILE *file;          /* write NULL: each piece fwrite(3) into it; a short write is APIC_ERR_SINK */
} apic_sink;

/** @brief A sync call of a download (an operation whose result's body is bytes, with_headers):
 *  the body goes to sink as it arrives, with no size cap (max_body is for bodies kept in
 *  memory), and no attempt timeout unless o sets one. Not retried once a byte reached the sink
 *  (a retry would repeat bytes), so a connection lost mid-way is APIC_ERR_CONNECTION_LOST with
 *  what arrived written. @return 0 with *out (NULL is fine: nothing handed out), the result
 *  struct with the response headers, its body NULL and the body's length the bytes written;
 *  or a code with *err (APIC_ERR_SINK: the sink took less than it was given). */
APIC_EXPORT int apic_op_call_to(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                const apic_call_options *o, const apic_sink *sink, void **out, apic_error **err);

/** A generic completion. result is borrowed for the callback (NULL on failure or for NONE:
 *  apic_value_copy keeps it); err is handed over (the callee frees it). fn and user_data are
 *  what the start call was given: generated code passes its typed callback as fn and calls it
 *  back with the right type. */
typedef void (*apic_op_cb)(apic_call *call, int status, const void *result, apic_error *err, void (*fn)(void),
                           void *user_data);

/** @brief An async call on the client's loop (from the loop thread, or before it runs).
 *  @return 0 (done will run exactly once), or a code and *err (it will not). */
APIC_EXPORT int apic_op_start(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                              const apic_call_options *o, apic_op_cb done, void (*fn)(void), void *user_data,
                              apic_call **out, apic_error **err);

/** @brief apic_op_start of a download into sink, as apic_op_call_to does it: done gets the
 *  result struct with the body's length the bytes written (its body NULL). */
APIC_EXPORT int apic_op_start_to(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                 const apic_call_options *o, const apic_sink *sink, apic_op_cb done,
                                 void (*fn)(void), void *user_data, apic_call **out, apic_error **err);

/* Streams. on_event gets each decoded event, borrowed for the callback; nonzero stops the
 * stream, which then ends with status 0 (the caller's choice, like leaving a loop). on_end runs
 * once, and frees err. */
typedef int (*apic_op_event_cb)(const void *event, void (*fn)(void), void *user_data);
typedef void (*apic_op_end_cb)(int status, apic_error *err, void (*fn)(void), void *user_data);

/** @brief Starts a stream operation; events whose data does not decode end it with DECODE.
 *  ev_fn and end_fn are handed back to on_event and on_end as fn. A dropped connection is
 *  resumed with Last-Event-ID (apic/stream.h). */
APIC_EXPORT int apic_op_stream(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                               const apic_call_options *o, apic_op_event_cb on_event, void (*ev_fn)(void),
                               apic_op_end_cb on_end, void (*end_fn)(void), void *user_data,
                               apic_stream **out, apic_error **err);
/** @brief The stream run to its end from plain code: apic_op_stream, then the client's own
 *  loop until the stream ends. @return its end status (0: the server ended it) with *err.
 *  @retval APIC_ERR_BUSY the loop is the caller's. */
APIC_EXPORT int apic_op_stream_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                    const apic_call_options *o, apic_op_event_cb on_event, void (*ev_fn)(void),
                                    void *user_data, apic_error **err);

/* Streams whose events each carry a piece of one text (@accumulate: an agent's reply, a word
 * at a time): every event goes to on_event as above, and the pieces of op->accumulate are
 * joined. on_text_end runs once with the text (lent: the whole text at status 0, what arrived
 * before the failure or cancel otherwise; "" when none) and frees err. Past the client's
 * max_body the stream ends APIC_ERR_TOO_LARGE. */
typedef void (*apic_op_text_end_cb)(int status, const char *text, apic_error *err, void (*fn)(void),
                                    void *user_data);
/** @brief apic_op_stream, joining op->accumulate (INVALID_ARG when op has none). */
APIC_EXPORT int apic_op_stream_text(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                    const apic_call_options *o, apic_op_event_cb on_event, void (*ev_fn)(void),
                                    apic_op_text_end_cb on_end, void (*end_fn)(void), void *user_data,
                                    apic_stream **out, apic_error **err);
/** @brief apic_op_stream_sync, joining op->accumulate. @return 0 with *out the text (the
 *  caller's: apic_free), or its end status with *err and *out NULL. */
APIC_EXPORT int apic_op_stream_text_sync(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                         const apic_call_options *o, apic_op_event_cb on_event, void (*ev_fn)(void),
                                         void *user_data, char **out, apic_error **err);

/* Pages: a pager walks a PAGE operation lazily, one request per page, following op's rule. */
typedef struct apic_op_pager apic_op_pager;

/** @brief Validates and keeps the request; nothing is sent yet. */
APIC_EXPORT int apic_op_pager_new(apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                                  const apic_call_options *o, apic_op_pager **out, apic_error **err);
/** @brief Sync: the next page. @return 0 with *page (the caller's: apic_value_free), or NULL
 *  when no page is left; or a code with *err. */
APIC_EXPORT int apic_op_pager_next(apic_op_pager *p, void **page, apic_error **err);
/** @brief Sync: the next item (a copy: the caller's, apic_value_free), fetching pages as
 *  needed. @return 0 with *item, or NULL when no item is left; or a code with *err. */
APIC_EXPORT int apic_op_pager_next_item(apic_op_pager *p, void **item, apic_error **err);
/** @brief Async: the next page to done (borrowed, as for apic_op_start).
 *  @retval APIC_ERR_INVALID_ARG no page is left (apic_op_pager_done) @retval APIC_ERR_BUSY a
 *  fetch is running. */
APIC_EXPORT int apic_op_pager_next_async(apic_op_pager *p, apic_op_cb done, void (*fn)(void), void *user_data,
                                         apic_error **err);
/** @brief Async: every item from here on, one on_item call each (the item borrowed; nonzero
 *  stops: on_end gets CANCELLED), then on_end once. Pages are fetched one at a time, as the
 *  items are used up; items of a page already fetched are delivered before this returns. */
APIC_EXPORT int apic_op_pager_each_async(apic_op_pager *p, apic_op_event_cb on_item, void (*item_fn)(void),
                                         apic_op_end_cb on_end, void (*end_fn)(void), void *user_data,
                                         apic_error **err);
/** 1 when no page is left. */
APIC_EXPORT int apic_op_pager_done(const apic_op_pager *p);
/** Frees the pager. A fetch still running is cancelled: its callback (or on_end) runs later
 *  with APIC_ERR_CANCELLED, and the pager is freed after it. NULL is fine. */
APIC_EXPORT void apic_op_pager_free(apic_op_pager *p);

#ifdef __cplusplus
}
#endif
#endif
