/* Retries (seed: a loop with 2 ** attempt back-off, or the server's retry_after): the client's
 * policy does it. The mock answers the first two attempts 503 and 429 with Retry-After; the log
 * hook shows each attempt, and the same Idempotency-Key makes the retried POST safe.
 *   retries [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static void log_line(void *ctx, int level, const char *line)
{
  (void)ctx, (void)level;
  printf("  log: %s\n", line); /* method, URL, attempt, outcome: never the API key */
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  torale_client_options o = {.base_url = base};
  o.http.max_retries = 3;
  o.http.backoff_initial_ms = 100; /* full jitter: each wait is uniform in [0, 100 * 2^n] ms */
  o.http.log = log_line;
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_create_task body = {.search_query = "q", .condition_description = "c"};
  torale_task *task = NULL;
  if (torale_tasks_create(client, &body, NULL, &task, NULL) != 0) {
    torale_client_free(client, 0);
    return 1;
  }
  char fault[256];
  snprintf(fault, sizeof fault, "[{\"path\":\"/tasks/%s/run\",\"status\":503},"
                                "{\"path\":\"/tasks/%s/run\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"}}]",
           task->id, task->id);
  example_fault(base, fault);
  torale_execution *run = NULL;
  torale_error *err = NULL;
  /* tasks.run is @idempotent @retries(3): a POST that may be retried, with one key */
  int rc = torale_tasks_run(client, task->id, NULL, NULL, &run, &err);
  if (rc == 0)
    printf("run %s started after retries\n", run->id);
  else
    torale_error_print(err, stdout);
  torale_execution_free(run);
  torale_error_free(err);
  torale_task_free(task);
  torale_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
