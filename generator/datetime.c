/* RFC 3339 date and date-time validation (section 5.6), calendar-aware. */
#include "datetime.h"

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

static int days_in_month(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/* Checks YYYY-MM-DD at s; returns the length consumed (10) or 0. */
static int full_date(const char *s)
{
  int y, m, d;
  if (strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
      !digits(s + 8, 2, &d))
    return 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m) ? 10 : 0;
}

int date_valid(const char *s)
{
  return full_date(s) == 10 && s[10] == '\0';
}

int rfc3339_valid(const char *s)
{
  int h, mi, se, oh, om;
  if (full_date(s) == 0)
    return 0;
  s += 10;
  if ((*s != 'T' && *s != 't' && *s != ' ') || !digits(s + 1, 2, &h) || s[3] != ':' ||
      !digits(s + 4, 2, &mi) || s[6] != ':' || !digits(s + 7, 2, &se))
    return 0;
  if (h > 23 || mi > 59 || se > 60) /* 60: a leap second */
    return 0;
  s += 9;
  if (*s == '.') {
    s++;
    if (!isdigit((unsigned char)*s))
      return 0;
    while (isdigit((unsigned char)*s))
      s++;
  }
  if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
    return 1;
  if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &oh) || s[3] != ':' || !digits(s + 4, 2, &om) || s[6] != '\0')
    return 0;
  return oh <= 23 && om <= 59;
}
