/* Parallel runs (seed: `results = await asyncio.gather(*[client.run(...) for p in prompts])`):
 * four runs started at once with inference_runs_run_and_wait_async; each callback puts its
 * result in its own slot, so the results come out in the prompts' order whatever order the runs
 * finish in. One loop runs them all.
 *   inference_parallel [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

static const char *const PROMPTS[] = {"A mountain landscape", "An ocean sunset", "A forest path", "A city skyline"};
#define N (sizeof PROMPTS / sizeof PROMPTS[0])

typedef struct slot {
  inference_run *run; /* a copy of the final run: the callback's is lent */
  int status;
} slot;

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  slot *s = user_data;
  (void)lro, (void)err;
  s->status = status;
  s->run = status == 0 ? inference_run_copy(run) : NULL;
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  slot slots[N] = {{0}};
  for (size_t i = 0; i < N; i++) {
    cJSON *input = example_prompt(PROMPTS[i]);
    inference_run_request req = {.app = "infsh/flux-schnell", .input = input};
    inference_runs_run_and_wait_async(client, &req, NULL, NULL, on_done, &slots[i], NULL, NULL);
    cJSON_Delete(input); /* borrowed only while the call starts */
  }
  inference_client_run(client); /* until every run has ended */
  int ok = 0;
  for (size_t i = 0; i < N; i++) {
    printf("%-22s -> %s\n", PROMPTS[i], slots[i].status == 0 ? inference_run_status_to_string(slots[i].run->status)
                                                              : apic_err_name(slots[i].status));
    ok += slots[i].status == 0;
    inference_run_free(slots[i].run);
  }
  printf("%d of %zu runs completed in parallel\n", ok, N);
  inference_client_free(client, 0);
  return ok == (int)N ? 0 : 1;
}
