/* Retry with back-off and jitter (seed: up to three attempts, waiting 2**attempt plus a random
 * part between them): libapic already retries failed requests by itself (examples/retries.c),
 * but a run that *ended* failed is the server's answer, not a failed request: trying again
 * means starting a new run. Here the first two runs fail (the mock is asked to), and the third
 * completes. Waits are in tenths of a second here, to keep the example short.
 *   inference_retry [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <inference/inference.h>
#include <uv.h>

#include "example.h"

#define MAX_RETRIES 3

static int run_with_retries(inference_client *client, const inference_run_request *req, inference_run **out)
{
  for (int attempt = 0;; attempt++) {
    inference_error *err = NULL;
    int rc = inference_runs_run_and_wait(client, req, NULL, NULL, out, &err);
    if (rc == 0 || attempt == MAX_RETRIES - 1) {
      if (rc != 0)
        inference_error_print(err, stdout);
      inference_error_free(err);
      return rc;
    }
    unsigned wait_ms = (1u << attempt) * 100u + (unsigned)(rand() % 100); /* 2**attempt, plus jitter */
    printf("Attempt %d failed (%s: %s), retrying in %.1fs...\n", attempt + 1,
           inference_error_kind_name(inference_error_kind_of(err)), inference_run_from_error(err) != NULL
                                                                        ? inference_run_from_error(err)->error
                                                                        : inference_error_message(err),
           wait_ms / 1000.0);
    inference_error_free(err);
    uv_sleep(wait_ms);
  }
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  srand((unsigned)time(NULL));
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/runs\",\"outcome\":\"failed\",\"times\":2}");
  inference_client_options o = {.base_url = base};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  cJSON *input = example_prompt("...");
  inference_run_request req = {.app = "my-app", .input = input};
  inference_run *run = NULL;
  int rc = run_with_retries(client, &req, &run);
  cJSON_Delete(input);
  if (rc == 0)
    printf("run %s %s\n", run->id, inference_run_status_to_string(run->status));
  inference_run_free(run);
  inference_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
