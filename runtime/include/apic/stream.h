/* libapic: server-sent-event streams over the engine. Each event goes to a callback as it
 * arrives; when the connection drops mid-stream the stream reconnects after the server's `retry`
 * interval (or the client's back-off), sending Last-Event-ID, so no event is lost or repeated. */
#ifndef APIC_STREAM_H
#define APIC_STREAM_H

#include "apic/client.h"
#include "apic/sse.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apic_stream apic_stream;

/** Called once when the stream ends: status 0 when the server ended it, else the error's code
 *  (err owned by the callback; see apic_call_cb for the NOMEM case). The handle is valid until
 *  this returns. `reconnects` counts the reconnections made. */
typedef void (*apic_stream_done_cb)(apic_stream *s, int status, apic_error *err, unsigned reconnects,
                                    void *user_data);

/** @brief Starts a stream on the client's loop. on_event may return nonzero to stop the stream
 *  (it then ends CANCELLED). Reconnections after a drop are bounded by the client's max_retries
 *  in a row without a new event; each waits the server's last `retry:` (else the back-off).
 *  @return 0, or an error code and *err (no callback will run). */
APIC_EXPORT int apic_stream_start(apic_client *c, const apic_request *req, apic_sse_cb on_event,
                                  apic_stream_done_cb done, void *user_data, apic_stream **out,
                                  apic_error **err);
/** @brief Ends the stream (connected or waiting to reconnect) with APIC_ERR_CANCELLED. */
APIC_EXPORT void apic_stream_cancel(apic_stream *s);

#ifdef __cplusplus
}
#endif
#endif
