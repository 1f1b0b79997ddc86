/* Checks of date and date-time text, for spec defaults. */
#ifndef APIC_DATETIME_H
#define APIC_DATETIME_H

/* RFC 3339 date-time: 2024-02-29T09:00:00Z, fractions and +hh:mm offsets allowed. */
int rfc3339_valid(const char *s);
/* RFC 3339 full-date: 2024-02-29. */
int date_valid(const char *s);

#endif
