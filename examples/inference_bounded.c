/* A bounded pending set (seed: an async generator that keeps at most 10 runs pending and yields
 * each item with its result as it completes): 30 items, ten started at first; each completion
 * hands its result on (printed here) and starts the next item, so never more than ten are
 * pending and results come in completion order.
 *   inference_bounded [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

#define ITEMS 30
#define MAX_PENDING 10

typedef struct bounded {
  inference_client *client;
  int next, pending, most, completed;
} bounded;

typedef struct job {
  bounded *b;
  int item;
} job;

static job jobs[ITEMS];

static void start_next(bounded *b);

/* "yield item, result": the consumer's work on each result, in completion order. */
static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  job *j = user_data;
  (void)lro, (void)err;
  j->b->pending--;
  j->b->completed += status == 0;
  printf("Completed: %2d (%s, %d pending)\n", j->item,
         status == 0 ? inference_run_status_to_string(run->status) : apic_err_name(status), j->b->pending);
  start_next(j->b);
}

static void start_next(bounded *b)
{
  if (b->next == ITEMS)
    return;
  job *j = &jobs[b->next];
  *j = (job){b, b->next++};
  cJSON *input = cJSON_CreateObject();
  cJSON_AddNumberToObject(input, "data", j->item);
  inference_run_request req = {.app = "processor", .input = input};
  if (inference_runs_run_and_wait_async(b->client, &req, NULL, NULL, on_done, j, NULL, NULL) == 0)
    b->most = ++b->pending > b->most ? b->pending : b->most;
  cJSON_Delete(input);
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  bounded b = {0};
  if (inference_client_new(&o, &b.client, NULL) != 0)
    return 1;
  for (int i = 0; i < MAX_PENDING; i++)
    start_next(&b);
  inference_client_run(b.client);
  printf("%d of %d items completed, never more than %d pending\n", b.completed, ITEMS, b.most);
  inference_client_free(b.client, 0);
  return b.completed == ITEMS && b.most <= MAX_PENDING ? 0 : 1;
}
