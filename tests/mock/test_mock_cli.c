/* libapic-mock: the CLI as a child process (apic-mock-dev runs apic_mock_main): the first lines
 * (address, base URL, admin token), SIGTERM with a request in flight, --seed, --log and
 * --admin-token, option errors. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"
#include "mock_proc.h"

static mp_child child = {0, -1, 0, "", ""};

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
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1", (unsigned)child.port);
  assert_string_equal(child.url, url);         /* the base URL's path */
  assert_int_equal(strlen(child.token), 32); /* a random admin token, printed */
  mp_sigterm_in_flight(&child, "/tasks", "Authorization: Bearer k");
}

/* Runs the CLI with --seed seed --log (stderr to err_path), creates a task: its id. */
static void task_id_with_seed(const char *seed, const char *err_path, char *id, size_t size)
{
  char *args[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"0",
                  (char *)"--seed", (char *)seed, (char *)"--log", (char *)"--admin-token", (char *)"cli-token", NULL};
  mp_spawn_err(args, err_path, &child);
  assert_int_not_equal(mp_listening(&child), 0);
  assert_string_equal(child.token, "cli-token");
  mt_resp r;
  mt_req_at(child.url, child.token, "POST", "/tasks", "{\"search_query\":\"q\",\"condition_description\":\"c\"}",
              "Authorization: Bearer k", &r);
  assert_int_equal(r.status, 201);
  cJSON *j = mt_json(&r);
  snprintf(id, size, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
  cJSON_Delete(j);
  mt_free(&r);
  assert_int_equal(kill(child.pid, SIGTERM), 0);
  assert_int_equal(mp_wait(&child, 10000), 0);
  mp_kill(&child);
}

/* --seed makes ids reproducible (and another seed gives others); --log writes a line per
 * request on stderr. */
static void seed_and_log(void **state)
{
  (void)state;
  char a[64], b[64], c[64], path[] = "/tmp/apic-mock-log-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  task_id_with_seed("42", path, a, sizeof a);
  char *log = mt_slurp(path);
  unlink(path);
  int logged = log != NULL && strstr(log, " POST /tasks 201\n") != NULL;
  free(log);
  assert_true(logged);
  task_id_with_seed("42", "/dev/null", b, sizeof b);
  task_id_with_seed("43", "/dev/null", c, sizeof c);
  assert_string_equal(a, b);
  assert_string_not_equal(a, c);
}

static void options(void **state)
{
  (void)state;
  char *help[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--help", NULL};
  char *bad[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"99999", NULL};
  char *nospec[] = {(char *)MOCK_DEV, (char *)"/nonexistent.json", NULL};
  char *no_pace[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--lifecycle-ms", (char *)"0", NULL};
  char text[4096];
  mp_spawn(help, &child);
  assert_int_equal(mp_wait(&child, 10000), 0);
  mp_output(&child, text, sizeof text);
  assert_non_null(strstr(text, "--seed"));
  assert_non_null(strstr(text, "--lifecycle-ms"));
  mp_kill(&child);
  mp_spawn(no_pace, &child); /* a lifecycle without steps: refused */
  assert_int_equal(mp_wait(&child, 10000), 2);
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
    cmocka_unit_test_teardown(seed_and_log, kill_child),
    cmocka_unit_test_teardown(options, kill_child),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
