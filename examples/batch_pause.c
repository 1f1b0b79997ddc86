/* Batch update (seed: pause many tasks with is_active=False): one PATCH per task, all in flight
 * together in a gather group, then a count of what was paused.
 *   batch_pause [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

#define N 8

static int paused;

static void on_updated(apic_call *call, int status, const torale_task *task, const torale_error *err, void *user_data)
{
  (void)call, (void)user_data;
  if (status == 0 && !*task->is_active)
    paused++;
  else
    torale_error_print(err, stderr);
}

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_task *tasks[N] = {0};
  torale_create_task body = {.search_query = "a watched thing", .condition_description = "it moved"};
  for (int i = 0; i < N; i++)
    torale_tasks_create(client, &body, NULL, &tasks[i], NULL);
  torale_update_task pause = {.is_active = APIC_BOOL(false)}; /* only what is set is sent */
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group};
  for (int i = 0; i < N; i++)
    if (tasks[i] != NULL)
      torale_tasks_update_async(client, tasks[i]->id, &pause, &opts, on_updated, NULL, NULL, NULL);
  apic_group_wait(group);
  apic_group_free(group);
  printf("paused %d of %d tasks\n", paused, N);
  for (int i = 0; i < N; i++)
    torale_task_free(tasks[i]);
  torale_client_free(client, 0);
  return paused == N ? 0 : 1;
}
