/* Concurrent create (seed: asyncio.gather(create, create, create)): three creates in flight at
 * once in a gather group; results come back in submission order.
 *   gather [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

typedef struct result {
  torale_task *task; /* set by the callback (ours to free) */
  torale_error *err;
} result;

static void on_created(apic_call *call, int status, torale_task *task, torale_error *err, void *user_data)
{
  result *r = user_data;
  (void)call, (void)status;
  r->task = task;
  r->err = err;
}

int main(int argc, char **argv)
{
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  torale_client *client = NULL;
  torale_error *err = NULL;
  if (torale_client_new(&o, &client, &err) != 0) {
    torale_error_print(err, stderr);
    torale_error_free(err);
    return 1;
  }
  const char *queries[3] = {"bitcoin price", "weather in Oslo", "new iPhone release date"};
  result results[3] = {{0}};
  apic_group *group = NULL;
  apic_group_new(torale_client_core(client), APIC_GROUP_GATHER, &group);
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.group = group;
  for (int i = 0; i < 3; i++) {
    torale_create_task body;
    torale_create_task_init(&body);
    body.search_query = strdup(queries[i]);
    body.condition_description = strdup("it changed");
    /* the body is copied when the call starts, so it can be cleared right away */
    if (torale_tasks_create_async(client, &body, &opts, on_created, &results[i], NULL, &results[i].err) != 0)
      fprintf(stderr, "create %d did not start\n", i);
    torale_create_task_clear(&body);
  }
  int failed = apic_group_wait(group) != 0; /* runs the loop until all three are done */
  for (int i = 0; i < 3; i++) {
    if (results[i].task != NULL)
      printf("task %d: %s (%s)\n", i + 1, results[i].task->id, results[i].task->search_query);
    else
      torale_error_print(results[i].err, stderr);
    torale_task_free(results[i].task);
    torale_error_free(results[i].err);
  }
  apic_group_free(group);
  torale_client_free(client, 0);
  return failed;
}
