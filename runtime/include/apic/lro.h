/* libapic: long-running operations. An operation that starts something slow (a run of an app,
 * an upload being processed) answers at once with a resource whose status field moves on until
 * it reaches a terminal value. apic_lro_start starts the operation and waits for that value, as
 * the spec's @lro says: it follows the resource's event stream when the spec names one
 * (resuming after a drop with Last-Event-ID, and polling when the stream fails or ends before
 * the end), else polls the resource with back-off (a Retry-After on a poll's answer decides
 * the next pause), all under one deadline. It ends with the final resource, or an error:
 * APIC_ERR_OPERATION_FAILED or APIC_ERR_OPERATION_CANCELLED carrying that resource
 * (apic_error_value) when the operation ended so. A wait is cancellable, and cancelling it (or
 * its deadline) can cancel the operation on the server. docs/clients.md, "Long-running
 * operations". */
#ifndef APIC_LRO_H
#define APIC_LRO_H

#include <stdint.h>

#include "apic/op.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The @lro of an operation, as the generated SDK describes it. The poll, watch and cancel
 *  operations take only path parameters, each filled from the resource: its field of the same
 *  C name, else the start's path parameter of that name, else the resource's `id`. */
typedef struct apic_lro_desc {
  const apic_op_desc *start;   /* the operation that starts it: returns the resource (a model) */
  const apic_op_desc *poll;    /* gets the resource (APIC_RESULT_VALUE, the same model) */
  const apic_op_desc *watch;   /* streams its changes (APIC_RESULT_STREAM); NULL: poll only */
  const apic_op_desc *cancel;  /* cancels it on the server; NULL: it cannot be */
  const char *status;          /* the status field's C name, in the resource and in the events */
  const char *const *success;  /* terminal status values (wire text), NULL-terminated */
  const char *const *failed;   /* terminal values meaning it failed; NULL: none */
  const char *const *cancelled; /* terminal values meaning it was cancelled; NULL: none */
  const char *error;           /* the resource's string field saying why it failed; NULL: none */
} apic_lro_desc;

/** How to wait. Zero (or NULL) is the default for every field. The deadline is the call
 *  options': their deadline_ms, else timeout_ms from the start, bounds the whole wait. */
typedef struct apic_lro_options {
  uint64_t poll_ms;     /* the first pause between polls; 0: 200. Each next one doubles, with jitter */
  uint64_t max_poll_ms; /* the longest pause; 0: 5000 */
  int cancel_run;       /* 1: when the wait is cancelled or its deadline passes, cancel the operation on
                           the server too (the spec's cancel operation, when it names one); 0: leave it */
  int poll_only;        /* 1: poll even when the spec names a stream */
  /* Each status as it is first seen (the wire text), in order; NULL: not told. On the loop
   * thread (the caller's own for the sync form). */
  void (*on_status)(const char *status, void *user_data);
  void *status_user_data;
} apic_lro_options;

typedef struct apic_lro apic_lro;

/** How a wait ended: status 0 with result (the final resource, lent: apic_value_copy keeps it),
 *  else a code with err (handed over: the callee frees it; OPERATION_FAILED and
 *  OPERATION_CANCELLED carry the final resource). fn and user_data are the start's. The handle
 *  is valid until this returns. */
typedef void (*apic_lro_cb)(apic_lro *lro, int status, const void *result, apic_error *err, void (*fn)(void),
                            void *user_data);

/** @brief Starts the operation (args and o as apic_op_start; o->group must be NULL) and waits,
 *  on the client's loop. Arguments, options and headers are copied: the polls send the
 *  call's headers too. @return 0 (done will run exactly once), or a code and *err (it will
 *  not). */
APIC_EXPORT int apic_lro_start(apic_api *a, const apic_lro_desc *d, const apic_op_args *args,
                               const apic_call_options *o, const apic_lro_options *w, apic_lro_cb done,
                               void (*fn)(void), void *user_data, apic_lro **out, apic_error **err);
/** @brief apic_lro_start run to its end on the client's own loop (not from a callback).
 *  @return 0 with *out (the final resource, the caller's: apic_value_free), or a code with
 *  *err and *out NULL. @retval APIC_ERR_BUSY the loop is the caller's. */
APIC_EXPORT int apic_lro_run(apic_api *a, const apic_lro_desc *d, const apic_op_args *args,
                             const apic_call_options *o, const apic_lro_options *w, void **out, apic_error **err);
/** @brief Ends the wait with APIC_ERR_CANCELLED (after cancelling the operation on the server,
 *  with cancel_run). Never calls back from inside: done runs on a later loop turn. No effect
 *  once it is ending. */
APIC_EXPORT void apic_lro_cancel(apic_lro *lro);

#ifdef __cplusplus
}
#endif
#endif
