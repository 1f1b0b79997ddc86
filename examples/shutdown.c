/* Graceful shutdown (seed: background tasks cancelled and awaited on exit): ten calls in flight,
 * the fast ones finish within the drain time, the slow ones are cancelled; every callback runs
 * exactly once and everything is freed.
 *   shutdown [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static int finished, cancelled;

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  (void)call, (void)e, (void)user_data;
  finished += status == 0;
  cancelled += torale_error_kind_of(err) == TORALE_ERROR_CANCELLED;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"path\":\"/executions/sd-slow-*\",\"delay_ms\":5000,\"times\":-1}");
  torale_client_options o = {.base_url = base};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  for (int i = 0; i < 10; i++) {
    char id[32];
    snprintf(id, sizeof id, i % 2 ? "sd-slow-%d" : "sd-fast-%d", i);
    torale_executions_get_async(client, id, NULL, on_execution, NULL, NULL, NULL);
  }
  printf("10 calls in flight; shutting down with 2000 ms to drain\n");
  torale_client_free(client, 2000); /* runs the loop up to 2 s, then cancels the rest */
  printf("%d finished, %d cancelled\n", finished, cancelled);
  return finished + cancelled == 10 && cancelled == 5 ? 0 : 1;
}
