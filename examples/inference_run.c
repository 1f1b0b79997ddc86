/* Run and wait (seed: `result = await client.run({"app": ..., "input": ...})`): start a run of
 * an app and get it back when it has completed. inference_runs_run_and_wait follows the run's
 * status stream (queued, running, completed) and returns the final run, or a typed error if it
 * failed or was cancelled.
 *   inference_run [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)}; /* key: $INFERENCE_API_KEY */
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  cJSON *input = example_prompt("A sunset");
  inference_run_request req = {.app = "infsh/flux-schnell", .input = input};
  inference_run *run = NULL;
  inference_error *err = NULL;
  int rc = inference_runs_run_and_wait(client, &req, NULL, NULL, &run, &err);
  cJSON_Delete(input); /* the request only borrowed it */
  if (rc == 0) {
    char *output = cJSON_PrintUnformatted(run->output);
    printf("run %s of %s: %s\noutput: %s\n", run->id, run->app, inference_run_status_to_string(run->status),
           output != NULL ? output : "(none)");
    cJSON_free(output);
  } else {
    inference_error_print(err, stderr);
  }
  inference_run_free(run);
  inference_error_free(err);
  inference_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
