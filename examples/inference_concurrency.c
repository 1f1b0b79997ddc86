/* Controlled concurrency (seed: `asyncio.Semaphore(5)` around each `client.run`, over many
 * items): 30 runs started at once on a client with max_concurrency = 5. The client queues the
 * requests (first in, first out) and the server never sees more than five at a time, each
 * run's status stream included.
 *   inference_concurrency [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

#define ITEMS 30

static int completed;

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  (void)lro, (void)run, (void)err, (void)user_data;
  completed += status == 0;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_reset(base); /* the server's peak counts from here */
  inference_client_options o = {.base_url = base, .http.max_concurrency = 5};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  for (int i = 0; i < ITEMS; i++) {
    cJSON *input = cJSON_CreateObject();
    cJSON_AddNumberToObject(input, "data", i);
    inference_run_request req = {.app = "processor", .input = input};
    inference_runs_run_and_wait_async(client, &req, NULL, NULL, on_done, NULL, NULL, NULL);
    cJSON_Delete(input);
  }
  inference_client_run(client);
  int peak = example_peak(base);
  printf("%d of %d runs completed; the server saw at most %d requests at once (limit 5)\n", completed, ITEMS, peak);
  inference_client_free(client, 0);
  return completed == ITEMS && peak >= 1 && peak <= 5 ? 0 : 1;
}
