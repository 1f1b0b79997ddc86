/* Helpers shared by the front-end suites. */
#include "front_test.h"

/* Loads and checks text as a spec named name; returns the error count and, when out_diag is
 * not NULL, the diagnostics printed (caller frees). *s is left loaded: spec_free it. */
int check_text(spec *s, const char *name, const char *text, char **out_diag)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  assert_non_null(mem);
  if (spec_load_text(s, name, text, strlen(text), mem) == 0)
    spec_check(s);
  fclose(mem);
  if (out_diag != NULL)
    *out_diag = buf;
  else
    free(buf);
  return s->diag.errors;
}

/* The first line of the diagnostics for text, or "" (caller frees). */
char *first_diag(const char *text)
{
  spec s;
  char *out = NULL;
  check_text(&s, "t.api", text, &out);
  spec_free(&s);
  char *nl = strchr(out, '\n');
  if (nl != NULL)
    *nl = '\0';
  return out;
}

