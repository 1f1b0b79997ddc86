/* Streamed status updates (seed: `async for update in client.run(..., stream=True)`, printing
 * each status until "completed"): start a run, then follow its events stream; each event is the
 * run as it is now, handed to a callback as it arrives, and the stream ends with the run.
 * (inference_runs_run_and_wait does the same, with apic_lro_options.on_status for updates.)
 *   inference_stream [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

static int on_update(const inference_run *update, void *user_data)
{
  char **output = user_data;
  printf("Status: %s\n", inference_run_status_to_string(update->status));
  if (update->status != INFERENCE_RUN_STATUS_COMPLETED)
    return 0; /* keep listening */
  *output = cJSON_PrintUnformatted(update->output); /* the update is lent: keep what we need */
  return 1;   /* done: stop the stream */
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  cJSON *input = example_prompt("Ocean waves");
  inference_run_request req = {.app = "google/veo-3-1-fast", .input = input};
  inference_run *run = NULL;
  inference_error *err = NULL;
  char *output = NULL;
  int rc = inference_runs_run(client, &req, NULL, &run, &err);
  cJSON_Delete(input);
  if (rc == 0)
    rc = inference_runs_events(client, run->id, NULL, on_update, &output, &err);
  if (rc == 0 && output != NULL)
    printf("completed with output %s\n", output);
  else
    inference_error_print(err, stderr);
  cJSON_free(output);
  inference_run_free(run);
  inference_error_free(err);
  inference_client_free(client, 0);
  return rc == 0 && output != NULL ? 0 : 1;
}
