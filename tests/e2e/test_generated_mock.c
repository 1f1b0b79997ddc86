/* The mock servers apic generates (generated/<api>/mock/): in-process through <api>_mock_start
 * (Torale and Bloomy in one program, with both SDKs) and as the <api>-mock program, which prints
 * "listening on HOST:PORT" first and exits 0 on SIGTERM. The paths of the programs come from the
 * build (MOCK_BIN_DIR). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bloomy/bloomy.h"
#include "bloomy_mock.h"
#include "torale/torale.h"
#include "torale_mock.h"

static torale_client *torale_at(unsigned short port)
{
  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)port);
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = base;
  o.api_key = "k";
  torale_client *c = NULL;
  assert_int_equal(torale_client_new(&o, &c, NULL), 0);
  return c;
}

static void create_and_get(torale_client *c)
{
  torale_create_task body;
  assert_int_equal(torale_create_task_init(&body), 0);
  body.search_query = strdup("q");
  body.condition_description = strdup("c");
  torale_task t, got;
  assert_int_equal(torale_tasks_create(c, &body, NULL, &t, NULL), 0);
  assert_int_equal(torale_tasks_get(c, t.id, NULL, &got, NULL), 0);
  assert_true(torale_task_equal(&t, &got));
  torale_task_clear(&t);
  torale_task_clear(&got);
  torale_create_task_clear(&body);
}

static void in_process(void **state)
{
  (void)state;
  torale_mock *tm = NULL;
  bloomy_mock *bm = NULL;
  char *err = NULL;
  assert_int_equal(torale_mock_start(NULL, &tm, &err), 0);
  assert_int_equal(bloomy_mock_start(NULL, &bm, &err), 0);
  assert_int_not_equal(torale_mock_port(tm), bloomy_mock_port(bm));
  torale_client *c = torale_at(torale_mock_port(tm));
  create_and_get(c);
  torale_client_free(c, 0);

  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)bloomy_mock_port(bm));
  bloomy_client_options o;
  bloomy_client_options_init(&o);
  o.base_url = base;
  o.api_key = "k";
  bloomy_client *b = NULL;
  assert_int_equal(bloomy_client_new(&o, &b, NULL), 0);
  bloomy_user me;
  assert_int_equal(bloomy_users_details(b, NULL, &me, NULL), 0);
  bloomy_user_clear(&me);
  bloomy_client_free(b, 0);
  bloomy_mock_stop(bm);
  torale_mock_stop(tm);

  /* a port in use is an error with a message */
  torale_mock_options busy = torale_mock_options_default();
  assert_int_equal(torale_mock_start(NULL, &tm, NULL), 0);
  busy.port = torale_mock_port(tm);
  torale_mock *second = NULL;
  assert_int_equal(torale_mock_start(&busy, &second, &err), -1);
  assert_non_null(err);
  free(err);
  torale_mock_stop(tm);
}

/* Waits up to 10 s for the child; its exit status, or -1. */
static int wait_exit(pid_t pid)
{
  for (int i = 0; i < 1000; i++) {
    int st = 0;
    if (waitpid(pid, &st, WNOHANG) == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static void the_program(void **state)
{
  (void)state;
  int out[2];
  assert_int_equal(pipe(out), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(MOCK_BIN_DIR "/torale-mock", "torale-mock", "--port", "0", "--seed", "7", (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  FILE *f = fdopen(out[0], "r");
  char line[128] = "";
  assert_non_null(fgets(line, sizeof line, f));
  unsigned port = 0;
  assert_int_equal(sscanf(line, "listening on 127.0.0.1:%u", &port), 1);
  torale_client *c = torale_at((unsigned short)port);
  create_and_get(c);
  torale_client_free(c, 0);
  kill(pid, SIGTERM);
  assert_int_equal(wait_exit(pid), 0);
  fclose(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(in_process),
      cmocka_unit_test(the_program),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
