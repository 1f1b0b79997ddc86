/* libapic: the text forms of the spec's `uuid` and `bytes` values (docs/spec-language.md). */
#ifndef APIC_FORMATS_H
#define APIC_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief 1 when text is a UUID in its text form (RFC 9562: 8-4-4-4-12 hexadecimal digits,
 *  either case, "123e4567-e89b-12d3-a456-426614174000"), else 0. Any version or variant. */
APIC_EXPORT int apic_uuid_valid(const char *text);

/** @brief Writes the base64 text of len bytes (RFC 4648 section 4, padded) to out, which has
 *  room for 4 * ((len + 2) / 3) + 1 bytes, NUL-terminated. @return its length. */
APIC_EXPORT size_t apic_base64_encode(const uint8_t *data, size_t len, char *out);
/** @brief Decodes len bytes of base64 text (the standard alphabet or the URL-safe one, `-` and
 *  `_`; padding optional but never in the middle; no white space) into out, which has room
 *  for len / 4 * 3 + 2 bytes; out NULL only checks. *out_len gets the number of bytes.
 *  @retval 0 done; APIC_ERR_INVALID_ARG not base64 (out partly written). */
APIC_EXPORT int apic_base64_decode(const char *text, size_t len, uint8_t *out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
