/* Helpers for the vendoring and install suites (sdk_util.h). */
#include "sdk_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

char sdk_repo[1024];

/* Models, errors and the client, with no server: the client is made and freed only. */
static const char MAIN_C[] =
    "#include <stdio.h>\n#include <string.h>\n#include <torale/torale.h>\n"
    "int main(void) {\n"
    "  const char *j = \"{\\\"execution_id\\\":\\\"e1\\\",\\\"status\\\":\\\"success\\\",\\\"at\\\":\\\"2024-01-01T00:00:00Z\\\"}\";\n"
    "  torale_execution_event *ev = NULL;\n"
    "  if (torale_execution_event_parse(j, strlen(j), &ev, NULL) != 0) return 1;\n"
    "  printf(\"%s %s %s\", ev->execution_id, torale_execution_status_to_string(ev->status),\n"
    "         torale_error_kind_name(TORALE_ERROR_RATE_LIMIT));\n"
    "  torale_execution_event_free(ev);\n"
    "  torale_client_options o = {.api_key = \"k\"};\n"
    "  torale_client *c = NULL;\n  torale_error *err = NULL;\n"
    "  if (torale_client_new(&o, &c, &err) != 0) {\n"
    "    torale_error_print(err, stderr);\n    torale_error_free(err);\n    return 1;\n  }\n"
    "  torale_client_free(c, 0);\n  printf(\" client\\n\");\n  return 0;\n}\n";
#define MAIN_OUT "e1 success RateLimitError client\n"

static const char MOCK_C[] =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <apic/mock.h>\n"
    "static char spec[1 << 20];\n"
    "int main(int argc, char **argv) {\n"
    "  FILE *f = argc > 1 ? fopen(argv[1], \"rb\") : NULL;\n"
    "  if (f == NULL) return 2;\n"
    "  spec[fread(spec, 1, sizeof spec - 1, f)] = '\\0';\n  fclose(f);\n"
    "  apic_mock_options o = apic_mock_options_default();\n"
    "  apic_mock *m = NULL;\n  char *err = NULL;\n"
    "  if (apic_mock_start(spec, &o, &m, &err) != 0) {\n"
    "    fprintf(stderr, \"%s\\n\", err);\n    free(err);\n    return 1;\n  }\n"
    "  printf(\"mock %s\\n\", apic_mock_port(m) > 0 ? \"up\" : \"down\");\n"
    "  apic_mock_stop(m);\n  return 0;\n}\n";
#define MOCK_OUT "mock up\n"

int sdk_step(const char *dir, const char *fmt, ...)
{
  char step[8192], cmd[8400];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(step, sizeof step, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof step)
    return -1;
  snprintf(cmd, sizeof cmd, "{ %s; } > '%s/step.log' 2>&1", step, dir);
  int rc = system(cmd);
  if (rc != 0) {
    fprintf(stderr, "step failed (status %d): %s\n", rc, step);
    snprintf(cmd, sizeof cmd, "tail -30 '%s/step.log' >&2", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "(no log)\n");
  }
  return rc;
}

static int write_file(const char *dir, const char *name, const char *text)
{
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return -1;
  int bad = fputs(text, f) == EOF;
  return fclose(f) != 0 || bad ? -1 : 0;
}

int sdk_fixture(char dir[64])
{
  if (getcwd(sdk_repo, sizeof sdk_repo) == NULL)
    return -1;
  snprintf(dir, 64, "%s", SDK_FIXTURE);
  char log[128];
  snprintf(log, sizeof log, "%s/fixture.log", dir);
  if (access(log, F_OK) != 0) {
    fprintf(stderr, "%s: no shared SDK builds: make " APIC_BUILD "/tests/install/fixture.stamp\n", dir);
    return -1;
  }
  return write_file(dir, "main.c", MAIN_C) == 0 && write_file(dir, "mock.c", MOCK_C) == 0 ? 0 : -1;
}

void sdk_run_program(const char *dir, const char *env, const char *exe)
{
  int mock = strncmp(exe, "mock", 4) == 0;
  assert_int_equal(sdk_step(dir, "cd '%s' && %s ./%s%s > out.txt", dir, env, exe, mock ? " torale.json" : ""), 0);
  char path[128], out[128] = {0};
  snprintf(path, sizeof path, "%s/out.txt", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(out, 1, sizeof out - 1, f);
  fclose(f);
  out[n] = '\0';
  assert_string_equal(out, mock ? MOCK_OUT : MAIN_OUT);
}
