/* A script (seed: the sync client, for scripts): no loop, no callbacks. Pause every active task,
 * as a nightly cron job would: walk the list of active tasks page by page, then pause each one,
 * printing a line each.
 *   sync_script [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

#define MAX_TASKS 1000

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  torale_error *err = NULL;
  torale_tasks_list_pager *pager = NULL;
  static torale_task *tasks[MAX_TASKS];
  size_t n = 0;
  int rc = 1, paused = 0;
  if (torale_client_new(&o, &client, &err) != 0)
    goto out;

  /* one task, so there is always something to pause */
  torale_create_task body = {.search_query = "nightly build status", .condition_description = "it failed"};
  torale_task *t = NULL;
  if (torale_tasks_create(client, &body, NULL, &t, &err) != 0)
    goto out;
  torale_task_free(t);

  /* 1. every active task. Collect them first: pausing while walking would shift the filtered
   *    list under the cursor and skip tasks. */
  torale_tasks_list_params active = {.is_active = APIC_BOOL(true), .limit = APIC_INT(50)};
  if (torale_tasks_list_pages(client, &active, NULL, &pager, &err) != 0)
    goto out;
  while (n < MAX_TASKS && torale_tasks_list_next_item(pager, &tasks[n], &err) == 0 && tasks[n] != NULL)
    n++;
  if (err != NULL)
    goto out;
  printf("%zu active task(s)\n", n);

  /* 2. pause them one by one: {"is_active": false}, only the fields set are sent */
  torale_update_task pause = {.is_active = APIC_BOOL(false)};
  for (size_t i = 0; i < n; i++) {
    torale_task *updated = NULL;
    if (torale_tasks_update(client, tasks[i]->id, &pause, NULL, &updated, &err) == 0) {
      printf("paused %s\n", updated->id);
      paused++;
      torale_task_free(updated);
    } else { /* report it and go on with the next */
      torale_error_print(err, stderr);
      torale_error_free(err);
      err = NULL;
    }
  }
  printf("%d task(s) paused\n", paused);
  rc = (size_t)paused == n ? 0 : 1;
out:
  if (err != NULL)
    torale_error_print(err, stderr);
  torale_error_free(err);
  torale_tasks_list_pager_free(pager);
  for (size_t i = 0; i < n; i++)
    torale_task_free(tasks[i]);
  torale_client_free(client, 0);
  return rc;
}
