/* libapic-mock: the CLI as a child process (apic-mock-dev runs apic_mock_main): the
 * "listening on" line, SIGTERM with a request in flight, option errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_proc.h"

static mp_child child = {0, -1, 0};

static int kill_child(void **state)
{
  (void)state;
  mp_kill(&child);
  return 0;
}

static void sigterm_with_request_in_flight(void **state)
{
  (void)state;
  char *args[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"0", NULL};
  mp_spawn(args, &child);
  assert_int_not_equal(mp_listening(&child), 0);
  mp_sigterm_in_flight(&child, "/tasks", "Authorization: Bearer k");
}

static void options(void **state)
{
  (void)state;
  char *help[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--help", NULL};
  char *bad[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"99999", NULL};
  char *nospec[] = {(char *)MOCK_DEV, (char *)"/nonexistent.json", NULL};
  char text[4096];
  mp_spawn(help, &child);
  assert_int_equal(mp_wait(&child, 10000), 0);
  mp_output(&child, text, sizeof text);
  assert_non_null(strstr(text, "--seed"));
  mp_kill(&child);
  mp_spawn(bad, &child);
  assert_int_equal(mp_wait(&child, 10000), 2);
  mp_kill(&child);
  mp_spawn(nospec, &child);
  assert_int_equal(mp_wait(&child, 10000), 1);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(sigterm_with_request_in_flight, kill_child),
    cmocka_unit_test_teardown(options, kill_child),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
