/* Usage errors, shared by every subcommand (kept out of main.c so tests can link them). */
#include <stdarg.h>
#include <stdio.h>

#include "commands.h"

int usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("apic: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n", stderr);
  return EXIT_USAGE;
}
