/* The mock servers apic generates (generated/<api>/mock/): in-process through <api>_mock_start
 * (Torale and Bloomy in one program, with both SDKs) and as the <api>-mock programs, which print
 * "listening on HOST:PORT", their base URL and admin token first and exit 0 on SIGTERM once the
 * request in flight is answered.
 * The paths of the programs come from the build (MOCK_BIN_DIR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "bloomy/bloomy.h"
#include "bloomy_mock.h"
#include "mock_proc.h"
#include "torale/torale.h"
#include "torale_mock.h"

static torale_client *torale_at(const char *base)
{
  torale_client_options o = {.base_url = base, .api_key = "k"};
  torale_client *c = NULL;
  assert_int_equal(torale_client_new(&o, &c, NULL), 0);
  return c;
}

static void create_and_get(torale_client *c)
{
  torale_create_task body = {.search_query = "q", .condition_description = "c"};
  torale_task *t = NULL, *got = NULL;
  assert_int_equal(torale_tasks_create(c, &body, NULL, &t, NULL), 0);
  assert_int_equal(torale_tasks_get(c, t->id, NULL, &got, NULL), 0);
  assert_true(torale_task_equal(t, got));
  torale_task_free(t);
  torale_task_free(got);
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
  torale_client *c = torale_at(torale_mock_url(tm));
  create_and_get(c);
  torale_client_free(c, 0);

  bloomy_client_options o = {.base_url = bloomy_mock_url(bm), .api_key = "k"};
  bloomy_client *b = NULL;
  assert_int_equal(bloomy_client_new(&o, &b, NULL), 0);
  bloomy_user *me = NULL;
  assert_int_equal(bloomy_users_details(b, NULL, &me, NULL), 0);
  bloomy_user_free(me);
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

static mp_child child = {0, -1, 0, "", ""};

static int kill_child(void **state)
{
  (void)state;
  mp_kill(&child);
  return 0;
}

/* torale-mock: the first line, a client against it, SIGTERM with a request in flight. */
static void torale_program(void **state)
{
  (void)state;
  char *args[] = {(char *)MOCK_BIN_DIR "/torale-mock", (char *)"--port", (char *)"0", (char *)"--seed", (char *)"7",
                  NULL};
  mp_spawn(args, &child);
  assert_int_not_equal(mp_listening(&child), 0);
  torale_client *c = torale_at(child.url);
  create_and_get(c);
  torale_client_free(c, 0);
  mp_sigterm_in_flight(&child, "/tasks", "Authorization: Bearer k");
}

/* bloomy-mock: its own spec (header credential), the same shutdown. */
static void bloomy_program(void **state)
{
  (void)state;
  char *args[] = {(char *)MOCK_BIN_DIR "/bloomy-mock", (char *)"--port", (char *)"0", NULL};
  mp_spawn(args, &child);
  assert_int_not_equal(mp_listening(&child), 0);
  mp_sigterm_in_flight(&child, "/users/mine", "X-API-Key: k");
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(in_process),
      cmocka_unit_test_teardown(torale_program, kill_child),
      cmocka_unit_test_teardown(bloomy_program, kill_child),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
