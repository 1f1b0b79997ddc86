/* As completed (seed: tqdm over asyncio.as_completed): twelve gets in a group with a progress
 * callback that runs as each one finishes, in completion order, with done/total.
 *   as_completed [BASE_URL] */
#include <stdio.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

/* tqdm's progress line, one per completion: a bar, done/total, and which call it was. */
static void on_progress(apic_group *g, size_t index, size_t done, size_t total, void *user_data)
{
  char bar[33];
  size_t width = total < 32 ? total : 32, filled = done * width / total;
  (void)g, (void)user_data;
  memset(bar, '#', filled);
  memset(bar + filled, '.', width - filled);
  bar[width] = '\0';
  printf("|%s| %2zu/%zu  ac-%zu done\n", bar, done, total, index);
}

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  (void)call, (void)status, (void)e, (void)err, (void)user_data; /* the progress callback reports */
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  /* answers take 0 to 55 ms, so they finish out of order */
  char fault[160];
  for (int i = 0; i < 12; i++) {
    snprintf(fault, sizeof fault, "{\"path\":\"/executions/ac-%d\",\"delay_ms\":%d}", i, (i * 7) % 12 * 5);
    example_fault(base, fault);
  }
  torale_client_options o = {.base_url = base};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_GATHER, &group);
  apic_group_set_progress(group, on_progress, NULL);
  apic_call_options opts = {.group = group};
  for (int i = 0; i < 12; i++) {
    char id[16];
    snprintf(id, sizeof id, "ac-%d", i);
    torale_executions_get_async(client, id, &opts, on_execution, NULL, NULL, NULL);
  }
  int rc = apic_group_wait(group);
  printf("all %zu done%s\n", apic_group_size(group), rc == 0 ? "" : " (with errors)");
  apic_group_free(group);
  torale_client_free(client, 0);
  return rc;
}
