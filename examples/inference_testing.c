/* Testing code that uses the SDK (seed: pytest with mocked HTTP): your own cmocka tests of your
 * own function, `caption`, against the generated mock server started in-process on a free
 * port (inference_mock_start), with faults injected through its admin endpoint: a run that
 * fails, and a server error. No mocked functions: the SDK talks HTTP to a real server. The
 * base URL argument is not used: the test starts its own server.
 *   inference_testing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <inference/inference.h>

#include "example.h"
#include "inference_mock.h"

/* ---- the code under test: yours ------------------------------------------------------------ */

/* Runs the captioning app on a prompt: 0 and "caption of PROMPT: STATUS" in out, or -1 and
 * why in out. */
static int caption(inference_client *c, const char *prompt, char *out, size_t size)
{
  cJSON *input = example_prompt(prompt);
  inference_run_request req = {.app = "infsh/caption", .input = input};
  inference_run *run = NULL;
  inference_error *err = NULL;
  int rc = inference_runs_run_and_wait(c, &req, NULL, NULL, &run, &err);
  cJSON_Delete(input);
  if (rc == 0)
    snprintf(out, size, "caption of %s: %s", prompt, inference_run_status_to_string(run->status));
  else
    snprintf(out, size, "%s", inference_error_kind_name(inference_error_kind_of(err)));
  inference_run_free(run);
  inference_error_free(err);
  return rc == 0 ? 0 : -1;
}

/* ---- the tests: a mock server per test, the client pointed at it ------------------------------ */

typedef struct fixture {
  inference_mock *mock;
  inference_client *client;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof *f);
  inference_mock_options mo = inference_mock_options_default();
  mo.admin_token = "test-token"; /* what example_fault sends */
  setenv("APIC_MOCK_TOKEN", "test-token", 1);
  if (f == NULL || inference_mock_start(&mo, &f->mock, NULL) != 0)
    return -1;
  inference_client_options o = {.base_url = inference_mock_url(f->mock), .api_key = "test-key"};
  *state = f;
  return inference_client_new(&o, &f->client, NULL);
}

static int teardown(void **state)
{
  fixture *f = *state;
  inference_client_free(f->client, 0);
  inference_mock_stop(f->mock);
  free(f);
  return 0;
}

static void captions_a_prompt(void **state)
{
  fixture *f = *state;
  char out[200];
  assert_int_equal(caption(f->client, "a cat", out, sizeof out), 0);
  assert_string_equal(out, "caption of a cat: completed");
}

static void reports_a_failed_run(void **state)
{
  fixture *f = *state;
  char out[200];
  example_fault(inference_mock_url(f->mock), "{\"method\":\"POST\",\"path\":\"/runs\",\"outcome\":\"failed\"}");
  assert_int_equal(caption(f->client, "a cat", out, sizeof out), -1);
  assert_string_equal(out, "OPERATION_FAILED");
}

static void reports_a_server_error(void **state)
{
  fixture *f = *state;
  char out[200];
  example_fault(inference_mock_url(f->mock), "{\"method\":\"POST\",\"path\":\"/runs\",\"status\":500}");
  assert_int_equal(caption(f->client, "a cat", out, sizeof out), -1);
  assert_string_equal(out, "ServerError");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(captions_a_prompt, setup, teardown),
    cmocka_unit_test_setup_teardown(reports_a_failed_run, setup, teardown),
    cmocka_unit_test_setup_teardown(reports_a_server_error, setup, teardown),
  };
  return cmocka_run_group_tests_name("caption, against the in-process mock", tests, NULL, NULL);
}
