/* libapic: result codes and the error object every failed call fills.
 *
 * A code for control flow, an object for people: functions return 0 or a negative
 * APIC_ERR_* code, and, where they take an `apic_error **out_err`, may fill it with an
 * object that says what happened. Codes are ABI: append, never renumber. */
#ifndef APIC_ERROR_H
#define APIC_ERROR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define APIC_EXPORT __attribute__((visibility("default")))
#else
#define APIC_EXPORT
#endif

/* XX(name, code, text). docs/runtime.md ("Error codes") says when each is given. */
#define APIC_ERR_MAP(XX)                                                   \
  XX(INVALID_ARG, -1, "invalid argument")                                  \
  XX(NOMEM, -2, "out of memory")                                           \
  XX(CONNECT, -3, "could not connect")                                     \
  XX(TIMEOUT, -4, "timed out")                                             \
  XX(CANCELLED, -5, "cancelled")                                           \
  XX(HTTP, -6, "error status")                                             \
  XX(DECODE, -7, "response does not match the spec")                       \
  XX(TRANSPORT, -8, "transfer failed")                                     \
  XX(TOO_LARGE, -9, "too large")                                           \
  XX(QUEUE_FULL, -10, "too many queued requests")                          \
  XX(SHUTDOWN, -11, "client is shutting down")                             \
  XX(BUSY, -12, "resource busy")                                           \
  XX(REDIRECT, -13, "redirect not followed")                               \
  XX(CONNECTION_LOST, -14, "connection lost")                              \
  XX(NO_BODY, -15, "the response has no body")                            \
  XX(OPERATION_FAILED, -16, "the operation failed")                        \
  XX(OPERATION_CANCELLED, -17, "the operation was cancelled")             \
  XX(SINK, -18, "the download's sink stopped it")

typedef enum apic_err {
  APIC_OK = 0,
#define APIC__ERR_ENUM(name, code, text) APIC_ERR_##name = (code),
  APIC_ERR_MAP(APIC__ERR_ENUM)
#undef APIC__ERR_ENUM
} apic_err;

/** @brief Fixed text for a code ("timed out"); "unknown error" for others. Never NULL. */
APIC_EXPORT const char *apic_strerror(int code);
/** @brief The code's name without prefix ("TIMEOUT"). Never NULL. */
APIC_EXPORT const char *apic_err_name(int code);

/** Opaque error object. Created by libapic (and by generated SDKs through
 *  apic_error_new), freed by apic_error_free. Immutable once handed to the caller, so it may
 *  be read from any thread. */
typedef struct apic_error apic_error;

/** @brief A new error with a code and a printf-style message; NULL when out of memory.
 *  @note Caller frees with apic_error_free(). */
APIC_EXPORT apic_error *apic_error_new(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** @brief Frees an error and everything it holds. NULL is fine. */
APIC_EXPORT void apic_error_free(apic_error *e);
/** @brief A deep copy (caller frees), or NULL when out of memory or e is NULL. */
APIC_EXPORT apic_error *apic_error_dup(const apic_error *e);

/* Readers. Every returned pointer is borrowed from e and lives as long as e. */
APIC_EXPORT int apic_error_code(const apic_error *e);        /* APIC_ERR_*; 0 for NULL */
APIC_EXPORT int apic_error_status(const apic_error *e);      /* HTTP status, 0 if none */
APIC_EXPORT const char *apic_error_message(const apic_error *e); /* never NULL */
APIC_EXPORT const char *apic_error_request_id(const apic_error *e); /* NULL if none */
APIC_EXPORT const char *apic_error_method(const apic_error *e);     /* NULL if none */
APIC_EXPORT const char *apic_error_url(const apic_error *e);        /* NULL if none */
/** Raw response body (not NUL-terminated in general; a NUL is appended for convenience). */
APIC_EXPORT const char *apic_error_body(const apic_error *e, size_t *out_len);
/** Retry-After in milliseconds (from Retry-After seconds or date, or retry-after-ms); -1 if
 *  the response gave none. */
APIC_EXPORT int64_t apic_error_retry_after_ms(const apic_error *e);
/** Number of attempts the call made (1 when it was not retried, 0 if nothing was sent). */
APIC_EXPORT unsigned apic_error_attempts(const apic_error *e);
/** A response header by name, case-insensitive; NULL if absent. */
APIC_EXPORT const char *apic_error_header(const apic_error *e, const char *name);
struct apic_type_desc;
/** The value the error carries when it is of type t (apic/model.h), else NULL: a long-running
 *  operation that ended failed or cancelled carries its final resource (apic/lro.h). */
APIC_EXPORT const void *apic_error_value(const apic_error *e, const struct apic_type_desc *t);

/* Writers, for libapic and generated code building an error; each returns 0 or
 * APIC_ERR_NOMEM and copies what it is given. */
APIC_EXPORT int apic_error_set_status(apic_error *e, int status);
APIC_EXPORT int apic_error_set_request(apic_error *e, const char *method, const char *url);
APIC_EXPORT int apic_error_set_request_id(apic_error *e, const char *request_id);
APIC_EXPORT int apic_error_set_body(apic_error *e, const char *body, size_t len);
APIC_EXPORT int apic_error_set_retry_after_ms(apic_error *e, int64_t ms);
APIC_EXPORT int apic_error_set_attempts(apic_error *e, unsigned attempts);
APIC_EXPORT int apic_error_add_header(apic_error *e, const char *name, const char *value);
/** Prefixes the message: "CONTEXT: old message". */
APIC_EXPORT int apic_error_prefix(apic_error *e, const char *context);

/** @brief One line for people: "timed out: GET https://... after 3 attempts (status 503,
 *  request id r-1)". Writes at most size bytes including the NUL; returns the length the full
 *  line needs, as snprintf does. Secrets are never part of an error. */
APIC_EXPORT int apic_error_format(const apic_error *e, char *buf, size_t size);
/** @brief apic_error_format to a stream, with a newline. */
APIC_EXPORT void apic_error_print(const apic_error *e, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* APIC_ERROR_H */
