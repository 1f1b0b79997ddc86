/* What the end-to-end import suites share (import_e2e.h). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "import_e2e.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mock_proc.h"
#include "probe.h"

int e2e_workdir(char dir[64])
{
  strcpy(dir, "/tmp/apic-import-XXXXXX");
  return mkdtemp(dir) != NULL ? 0 : -1;
}

void e2e_cleanup(const char *dir)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

int e2e_step(const char *dir, const char *fmt, ...)
{
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n + 64 + strlen(dir) >= sizeof cmd)
    return -1;
  /* In a subshell: the command may redirect its own output. */
  memmove(cmd + 2, cmd, (size_t)n + 1);
  memcpy(cmd, "( ", 2);
  snprintf(cmd + n + 2, sizeof cmd - (size_t)n - 2, " ) > '%s/step.log' 2>&1", dir);
  int rc = system(cmd);
  if (rc != 0) {
    char tail[256];
    snprintf(tail, sizeof tail, "tail -30 '%s/step.log' >&2", dir);
    fprintf(stderr, "step failed (%d): %.*s\n", rc, n, cmd + 2);
    if (system(tail) != 0)
      fprintf(stderr, "(no log)\n");
  }
  return rc;
}

cJSON *e2e_read_json(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 20, len = 0, n;
  char *buf = malloc(cap);
  while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap *= 2);
      if (grown == NULL)
        free(buf);
      buf = grown;
    }
  }
  fclose(f);
  if (buf == NULL)
    return NULL;
  buf[len] = '\0';
  cJSON *json = cJSON_ParseWithLength(buf, len);
  free(buf);
  return json;
}

int e2e_count_ops(const cJSON *spec)
{
  int n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(spec, "resources"))
  n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "operations"));
  return n;
}

void e2e_probe_mock(const char *dir, const char *api, const cJSON *spec, probe_result *out)
{
  assert_int_equal(e2e_step(dir,
                            "cc -std=c11 -O0 -Wall -Wextra -Wpedantic -Werror -I'%s/sdk/mock' -Imock/include "
                            "-Iruntime/include -o '%s/mock' '%s/sdk/mock/main.c' '%s/sdk/mock/%s_mock.c' "
                            APIC_BUILD "/libapic-mock.a " APIC_BUILD "/libapic.a " MOCK_LINK,
                            dir, dir, dir, dir, api),
                   0);
  char exe[128];
  snprintf(exe, sizeof exe, "%s/mock", dir);
  char port_opt[] = "--port", zero[] = "0";
  char *argv[] = {exe, port_opt, zero, NULL};
  mp_child ch;
  mp_spawn(argv, &ch);
  unsigned short port = mp_listening(&ch);
  if (port == 0)
    mp_kill(&ch);
  assert_int_not_equal(port, 0);
  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)port);
  int rc = probe_all(base, spec, out);
  kill(ch.pid, SIGTERM);
  int status = mp_wait(&ch, 10000);
  mp_kill(&ch);
  assert_int_equal(rc, 0);
  assert_int_equal(status, 0);
}
