/* libapic: building request URLs safely (percent-encoded path segments and query values, base
 * and path joined without double slashes) and checking header fields before they are sent. */
#ifndef APIC_URL_H
#define APIC_URL_H

#include <stddef.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A URL being built, on the caller's stack: apic_url_init, the appends, apic_url_str, then
 * apic_url_clear. The fields are private. Errors are sticky: after one, every call returns it,
 * so a sequence of appends can be checked once at the end. */
typedef struct apic_url {
  char *s;
  size_t len, cap;
  int in_query; /* a '?' has been written: no more path */
  int err;
} apic_url;

APIC_EXPORT void apic_url_init(apic_url *u);
APIC_EXPORT void apic_url_clear(apic_url *u); /* frees; u may be initialised again */

/** @brief Appends literal path text (from the spec, not from the caller: it is not encoded),
 *  with exactly one '/' where the URL so far and the text meet ("http://h/v1/" + "/tasks"
 *  and "http://h/v1" + "tasks" both give "http://h/v1/tasks"). The first call sets the base.
 *  @retval APIC_ERR_INVALID_ARG after a query was started, or text is NULL */
APIC_EXPORT int apic_url_add_path(apic_url *u, const char *text);

/** @brief Appends '/' (unless the URL ends with one) and value as one percent-encoded path
 *  segment: RFC 3986 unreserved bytes are kept, every other byte (including '/') is %XX.
 *  @retval APIC_ERR_INVALID_ARG value is NULL, "", "." or "..", which would not stay one
 *  segment, or a query was started */
APIC_EXPORT int apic_url_add_segment(apic_url *u, const char *value);

/** @brief Appends "?key=value" or "&key=value", both percent-encoded (everything but the
 *  unreserved bytes, so '&', '=', '#', '+', ' ', '%' and UTF-8 bytes are all %XX). An array
 *  is sent as the same key repeated: call once per item.
 *  @retval APIC_ERR_INVALID_ARG key or value is NULL, or key is "" */
APIC_EXPORT int apic_url_add_query(apic_url *u, const char *key, const char *value);

/* The URL built so far (NUL-terminated, owned by u), or NULL after an error. */
APIC_EXPORT const char *apic_url_str(const apic_url *u);
APIC_EXPORT int apic_url_error(const apic_url *u); /* 0 or the sticky APIC_ERR_* */

/** @brief Percent-encodes s (unreserved bytes kept) into out, NUL-terminated.
 *  @param out_len receives the length needed (without the NUL) in every case, may be NULL
 *  @retval APIC_ERR_TOO_LARGE out is smaller than that length + 1 (nothing is truncated:
 *  out is then left as "") @retval APIC_ERR_INVALID_ARG s is NULL, or out is NULL with size */
APIC_EXPORT int apic_percent_encode(const char *s, char *out, size_t size, size_t *out_len);

/** @brief Checks a request header before it is sent.
 *  @retval 0 name is an HTTP token (RFC 9110 tchar) and value has no control character but tab
 *  @retval APIC_ERR_INVALID_ARG otherwise (a CR or LF would inject headers), or either is NULL */
APIC_EXPORT int apic_header_check(const char *name, const char *value);

#ifdef __cplusplus
}
#endif
#endif
