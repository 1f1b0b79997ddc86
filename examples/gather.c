/* Concurrent create (seed: asyncio.gather(create(...), create(...), create(...))): the seed's
 * three tasks created at once in a gather group; results come back in submission order, each
 * with its own error.
 *   gather [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

typedef struct result {
  torale_task *task; /* a copy kept by the callback (ours to free) */
  torale_error *err;
} result;

/* The callback's task and error are lent to it: copies keep them past its return. */
static void on_created(apic_call *call, int status, const torale_task *task, const torale_error *err, void *user_data)
{
  result *r = user_data;
  (void)call, (void)status;
  r->task = torale_task_copy(task);
  r->err = torale_error_copy(err);
}

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  torale_error *err = NULL;
  if (torale_client_new(&o, &client, &err) != 0) {
    torale_error_print(err, stderr);
    torale_error_free(err);
    return 1;
  }
  static const torale_create_task seed[3] = {
      {.search_query = "iPhone release date?", .condition_description = "Date announced", .schedule = "0 9 * * *"},
      {.search_query = "PS5 in stock at Target?", .condition_description = "Available for purchase", .schedule = "0 */2 * * *"},
      {.search_query = "MacBook Pro price at Best Buy?", .condition_description = "Price below $1800", .schedule = "0 */4 * * *"},
  };
  result results[3] = {{0}};
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group}; /* each call joins the group */
  for (int i = 0; i < 3; i++)
    torale_tasks_create_async(client, &seed[i], &opts, on_created, &results[i], NULL, &results[i].err);
  int rc = apic_group_wait(group); /* runs the loop until all three are done */
  for (int i = 0; i < 3; i++) {
    if (results[i].task != NULL)
      printf("created %s: %s (every \"%s\")\n", results[i].task->id, results[i].task->search_query,
             results[i].task->schedule);
    else
      torale_error_print(results[i].err, stdout);
    torale_task_free(results[i].task);
    torale_error_free(results[i].err);
  }
  printf("%s\n", rc == 0 ? "3 tasks created concurrently" : "some creates failed");
  apic_group_free(group);
  torale_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
