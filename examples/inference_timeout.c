/* Timeout (seed: `asyncio.wait_for(client.run(...), timeout=30.0)`, printing "Request timed
 * out" and returning None): the call options' timeout_ms bounds the whole wait, from the start
 * to the run's end. Here the app is slow (the mock is asked to take a minute per status), so
 * the wait gives up at 300 ms with TIMEOUT; the run itself goes on on the server.
 *   inference_timeout [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/runs\",\"lifecycle_ms\":60000}"); /* a slow app */
  inference_client_options o = {.base_url = base};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  cJSON *input = example_prompt("...");
  inference_run_request req = {.app = "slow-app", .input = input};
  apic_call_options opts = {.timeout_ms = 300};
  inference_run *result = NULL;
  inference_error *err = NULL;
  uint64_t t0 = apic_now_ms();
  int rc = inference_runs_run_and_wait(client, &req, &opts, NULL, &result, &err);
  cJSON_Delete(input);
  if (inference_error_kind_of(err) == INFERENCE_ERROR_TIMEOUT)
    printf("Request timed out after %llu ms\n", (unsigned long long)(apic_now_ms() - t0));
  printf("result: %s\n", result != NULL ? inference_run_status_to_string(result->status) : "None");
  inference_run_free(result);
  inference_error_free(err);
  inference_client_free(client, 0);
  return rc == APIC_ERR_TIMEOUT ? 0 : 1;
}
