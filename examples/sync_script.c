/* A script (seed: the sync client, for scripts): no loop, no callbacks. Pause every active task,
 * as a nightly cron job would: walk the list of active tasks page by page, then pause each one,
 * printing a line each.
 *   sync_script [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

#define MAX_TASKS 1000

int main(int argc, char **argv)
{
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  torale_client *client = NULL;
  torale_error *err = NULL;
  torale_tasks_list_pager *pager = NULL;
  static char *ids[MAX_TASKS];
  size_t n = 0;
  int rc, paused = 0;
  if (torale_client_new(&o, &client, &err) != 0)
    goto fail;

  torale_create_task body; /* one task, so there is always something to pause */
  torale_create_task_init(&body);
  body.search_query = strdup("nightly build status");
  body.condition_description = strdup("it failed");
  torale_task t;
  rc = torale_tasks_create(client, &body, NULL, &t, &err);
  torale_create_task_clear(&body);
  if (rc != 0)
    goto fail;
  torale_task_clear(&t);

  /* 1. the ids of every active task. Collect them first: pausing while walking would shift
   *    the filtered list under the cursor and skip tasks. */
  torale_tasks_list_params active = {.is_active = true, .has_is_active = APIC_PRESENT, .limit = 50,
                                     .has_limit = APIC_PRESENT};
  if (torale_tasks_list_pages(client, &active, NULL, &pager, &err) != 0)
    goto fail;
  torale_task task;
  while (n < MAX_TASKS && (rc = torale_tasks_list_next_item(pager, &task, &err)) == 1) {
    ids[n++] = task.id; /* keep the id string, clear the rest */
    task.id = NULL;
    torale_task_clear(&task);
  }
  torale_tasks_list_pager_free(pager);
  if (rc < 0)
    goto fail;
  printf("%zu active task(s)\n", n);

  /* 2. pause them one by one: {"is_active": false}, only the fields set are sent */
  torale_update_task pause = {.is_active = false, .has_is_active = APIC_PRESENT};
  for (size_t i = 0; i < n; i++) {
    torale_task updated;
    if (torale_tasks_update(client, ids[i], &pause, NULL, &updated, &err) == 0) {
      printf("paused %s\n", updated.id);
      paused++;
      torale_task_clear(&updated);
    } else { /* report it and go on with the next */
      torale_error_print(err, stderr);
      torale_error_free(err);
      err = NULL;
    }
    free(ids[i]);
  }
  printf("%d task(s) paused\n", paused);
  torale_client_free(client, 0);
  return (size_t)paused == n ? 0 : 1;
fail:
  torale_error_print(err, stderr);
  torale_error_free(err);
  for (size_t i = 0; i < n; i++)
    free(ids[i]);
  torale_client_free(client, 0);
  return 1;
}
