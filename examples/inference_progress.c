/* A batch with progress (seed: `tqdm.as_completed` over runs limited by a semaphore of 10):
 * 24 runs on a client with max_concurrency = 10; each run's callback prints a progress line as
 * it completes, in completion order.
 *   inference_progress [BASE_URL] */
#include <stdio.h>
#include <string.h>

#include <inference/inference.h>

#include "example.h"

#define ITEMS 24

static int done;

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  char bar[ITEMS + 1];
  (void)lro, (void)err, (void)user_data;
  done++;
  memset(bar, '#', (size_t)done);
  memset(bar + done, '.', (size_t)(ITEMS - done));
  bar[ITEMS] = '\0';
  printf("Processing |%s| %2d/%d  %s %s\n", bar, done, ITEMS, status == 0 ? run->id : "failed:",
         status == 0 ? inference_run_status_to_string(run->status) : apic_err_name(status));
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv), .http.max_concurrency = 10};
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
  printf("all %d runs done\n", done);
  inference_client_free(client, 0);
  return done == ITEMS ? 0 : 1;
}
