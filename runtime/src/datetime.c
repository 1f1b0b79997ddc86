/* RFC 3339 dates and date-times (section 5.6), calendar-aware. */
#include "apic/datetime.h"

#include <ctype.h>
#include <string.h>

static int digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

static int leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* YYYY-MM-DD at s: 1 and the parts, or 0. */
static int full_date(const char *s, int *y, int *m, int *d)
{
  if (strlen(s) < 10 || !digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' ||
      !digits(s + 8, 2, d))
    return 0;
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

int apic_date_valid(const char *text)
{
  int y, m, d;
  return text != NULL && full_date(text, &y, &m, &d) && text[10] == '\0';
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int apic_datetime_parse(const char *text, int64_t *out_sec, int32_t *out_nsec)
{
  int y, mo, d, h, mi, se, oh = 0, om = 0;
  if (text == NULL || !full_date(text, &y, &mo, &d))
    return APIC_ERR_INVALID_ARG;
  const char *s = text + 10;
  if ((*s != 'T' && *s != 't' && *s != ' ') || !digits(s + 1, 2, &h) || s[3] != ':' || !digits(s + 4, 2, &mi) ||
      s[6] != ':' || !digits(s + 7, 2, &se) || h > 23 || mi > 59 || se > 60)
    return APIC_ERR_INVALID_ARG;
  s += 9;
  int32_t nsec = 0;
  if (*s == '.') { /* a fraction: nanoseconds kept, finer digits dropped */
    s++;
    if (!isdigit((unsigned char)*s))
      return APIC_ERR_INVALID_ARG;
    int n = 0;
    for (; isdigit((unsigned char)*s); s++, n++)
      if (n < 9)
        nsec = nsec * 10 + (*s - '0');
    for (; n < 9; n++)
      nsec *= 10;
  }
  int sign = 0;
  if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
    sign = 0;
  else if ((*s == '+' || *s == '-') && digits(s + 1, 2, &oh) && s[3] == ':' && digits(s + 4, 2, &om) &&
           s[6] == '\0' && oh <= 23 && om <= 59)
    sign = *s == '+' ? 1 : -1;
  else
    return APIC_ERR_INVALID_ARG;
  if (se == 60)
    se = 59;
  int64_t sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  sec -= sign * (oh * 3600 + om * 60);
  if (out_sec != NULL)
    *out_sec = sec;
  if (out_nsec != NULL)
    *out_nsec = nsec;
  return 0;
}
