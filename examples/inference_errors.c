/* Error aggregation (seed: each `client.run` wrapped to return {"success": ..., "error": ...},
 * then successes and failures counted): 20 runs at once, of which the mock makes 5 end failed;
 * each callback records its outcome (the error's text for a failure), and the counts come at
 * the end.
 *   inference_errors [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

#define ITEMS 20

typedef struct outcome {
  int item, success;
  char error[200];
} outcome;

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  outcome *o = user_data;
  (void)lro, (void)run;
  o->success = status == 0;
  if (status != 0)
    inference_error_str(err, o->error, sizeof o->error);
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/runs\",\"outcome\":\"failed\",\"times\":5}");
  inference_client_options o = {.base_url = base};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  outcome results[ITEMS];
  for (int i = 0; i < ITEMS; i++) {
    results[i] = (outcome){i, 0, ""};
    cJSON *input = cJSON_CreateObject();
    cJSON_AddNumberToObject(input, "data", i);
    inference_run_request req = {.app = "processor", .input = input};
    inference_runs_run_and_wait_async(client, &req, NULL, NULL, on_done, &results[i], NULL, NULL);
    cJSON_Delete(input);
  }
  inference_client_run(client);
  int successes = 0, failures = 0;
  for (int i = 0; i < ITEMS; i++) {
    successes += results[i].success;
    if (!results[i].success && failures++ == 0)
      printf("item %d: %s\n", results[i].item, results[i].error);
  }
  printf("Succeeded: %d, Failed: %d\n", successes, failures);
  inference_client_free(client, 0);
  return successes == ITEMS - 5 && failures == 5 ? 0 : 1;
}
