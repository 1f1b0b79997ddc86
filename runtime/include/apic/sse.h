/* libapic: an incremental server-sent-events parser (the WHATWG "event stream" rules). Bytes
 * are fed as they arrive, split anywhere; each complete event goes to a callback. */
#ifndef APIC_SSE_H
#define APIC_SSE_H

#include <stddef.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apic_sse_event {
  const char *type; /* the `event` field, "message" when none was given */
  const char *data; /* `data` lines joined with "\n"; NUL-terminated, may hold NUL bytes */
  size_t data_len;
  const char *id;   /* the last event id at dispatch, "" if none */
} apic_sse_event;

/* Called once per event; the strings are valid during the call only. A nonzero return stops
 * the parser: apic_sse_feed returns that value, now and on every later call. */
typedef int (*apic_sse_cb)(void *user_data, const apic_sse_event *ev);

typedef struct apic_sse_parser apic_sse_parser;

/** @brief A parser delivering to cb. max_line bounds one line and max_event one event's data
 *  (0 for the defaults: 64 KiB and 1 MiB). @return NULL when out of memory or cb is NULL. */
APIC_EXPORT apic_sse_parser *apic_sse_new(size_t max_line, size_t max_event, apic_sse_cb cb,
                                          void *user_data);
APIC_EXPORT void apic_sse_free(apic_sse_parser *p); /* NULL ok */

/** @brief Parses len more bytes of the stream. An unfinished event at the end of the stream is
 *  never dispatched (WHATWG), so there is no "finish" call.
 *  @retval 0 ok
 *  @retval APIC_ERR_TOO_LARGE a line or an event is over its bound
 *  @retval APIC_ERR_NOMEM
 *  @retval APIC_ERR_INVALID_ARG p is NULL, or buf is NULL with len > 0
 *  After an error the parser is stopped and returns the same value again. */
APIC_EXPORT int apic_sse_feed(apic_sse_parser *p, const char *buf, size_t len);

/* The id to send as Last-Event-ID on reconnection ("" if none). */
APIC_EXPORT const char *apic_sse_last_event_id(const apic_sse_parser *p);
/* The server's reconnection delay from its last valid `retry` field, -1 if none. */
APIC_EXPORT long apic_sse_retry_ms(const apic_sse_parser *p);

#ifdef __cplusplus
}
#endif
#endif
