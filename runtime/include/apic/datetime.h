/* libapic: RFC 3339 dates and date-times, as the models keep them (text) and as numbers. */
#ifndef APIC_DATETIME_H
#define APIC_DATETIME_H

#include <stdint.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Parses an RFC 3339 date-time ("2024-02-29T09:00:00.5+01:00") into seconds and
 *  nanoseconds since the Unix epoch (UTC). Calendar-checked; a leap second reads as :59.
 *  @retval 0 done; APIC_ERR_INVALID_ARG not an RFC 3339 date-time (outputs untouched). */
APIC_EXPORT int apic_datetime_parse(const char *text, int64_t *out_sec, int32_t *out_nsec);
/** @brief 1 when text is an RFC 3339 full-date ("2024-02-29"), else 0. */
APIC_EXPORT int apic_date_valid(const char *text);

#ifdef __cplusplus
}
#endif
#endif
