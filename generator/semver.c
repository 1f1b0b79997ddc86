/* Reading versions (semver.h). */
#include "semver.h"

#include <ctype.h>
#include <stddef.h>

int semver_parse(const char *text, semver *out)
{
  *out = (semver){{0, 0, 0}, text != NULL ? text : ""};
  const char *p = out->rest;
  if (*p == 'v' || *p == 'V')
    p++;
  if (!isdigit((unsigned char)*p))
    return -1;
  for (int i = 0; i < 3; i++) {
    long n = 0;
    for (; isdigit((unsigned char)*p); p++)
      n = n < 100000000 ? n * 10 + (*p - '0') : n; /* a version number this large is a typo */
    out->part[i] = n;
    if (i < 2 && p[0] == '.' && isdigit((unsigned char)p[1]))
      p++;
    else
      break;
  }
  out->rest = p;
  return 0;
}

int semver_cmp(const semver *a, const semver *b)
{
  for (int i = 0; i < 3; i++)
    if (a->part[i] != b->part[i])
      return a->part[i] < b->part[i] ? -1 : 1;
  return 0;
}
