/* Limited concurrency (seed: asyncio.Semaphore(5)): 100 gets started at once with
 * max_concurrency = 5; the client queues the rest (FIFO) and the server never sees more than 5.
 *   limited_concurrency [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static int done, ok;

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  (void)call, (void)e, (void)err, (void)user_data;
  done++;
  ok += status == 0;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_reset(base); /* the mock's peak counts from here */
  /* a little latency on each answer, so that the limit matters */
  example_fault(base, "{\"path\":\"/executions/lc-*\",\"delay_ms\":10,\"times\":-1}");
  torale_client_options o = {.base_url = base, .http.max_concurrency = 5};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  for (int i = 0; i < 100; i++)
    torale_executions_get_async(client, "lc-1", NULL, on_execution, NULL, NULL, NULL);
  torale_client_run(client);
  int peak = example_peak(base);
  printf("%d calls done (%d ok); the server saw at most %d at once (limit 5)\n", done, ok, peak);
  torale_client_free(client, 0);
  return ok == 100 && peak >= 1 && peak <= 5 ? 0 : 1;
}
