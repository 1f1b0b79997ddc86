/* Batch update (seed: pause many tasks with is_active=False): one PATCH per task, all in flight
 * together in a gather group, then a count of what was paused.
 *   batch_pause [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

#define N 8

static int paused;

static void on_updated(apic_call *call, int status, torale_task *task, torale_error *err, void *user_data)
{
  (void)call, (void)user_data;
  if (status == 0 && !task->is_active)
    paused++;
  else
    torale_error_print(err, stderr);
  torale_task_free(task);
  torale_error_free(err);
}

int main(int argc, char **argv)
{
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  char *ids[N] = {0};
  for (int i = 0; i < N; i++) {
    torale_create_task body;
    torale_create_task_init(&body);
    body.search_query = strdup("a watched thing");
    body.condition_description = strdup("it moved");
    torale_task t;
    if (torale_tasks_create(client, &body, NULL, &t, NULL) == 0) {
      ids[i] = strdup(t.id);
      torale_task_clear(&t);
    }
    torale_create_task_clear(&body);
  }
  torale_update_task pause = {0}; /* only the fields set are sent: {"is_active": false} */
  pause.is_active = false;
  pause.has_is_active = APIC_PRESENT;
  apic_group *group = NULL;
  apic_group_new(torale_client_core(client), APIC_GROUP_GATHER, &group);
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.group = group;
  for (int i = 0; i < N; i++)
    if (ids[i] != NULL)
      torale_tasks_update_async(client, ids[i], &pause, &opts, on_updated, NULL, NULL, NULL);
  apic_group_wait(group);
  apic_group_free(group);
  printf("paused %d of %d tasks\n", paused, N);
  for (int i = 0; i < N; i++)
    free(ids[i]);
  torale_client_free(client, 0);
  return paused == N ? 0 : 1;
}
