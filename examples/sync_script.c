/* A script (seed: the sync client): no loop, no callbacks; list the active tasks page by page
 * and pause every one, printing a line each, as a cron job would.
 *   sync_script [BASE_URL] */
#include <stdio.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

int main(int argc, char **argv)
{
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  torale_client *client = NULL;
  torale_error *err = NULL;
  if (torale_client_new(&o, &client, &err) != 0)
    goto fail;
  torale_create_task body; /* one task, so there is something to pause */
  torale_create_task_init(&body);
  body.search_query = strdup("nightly build status");
  body.condition_description = strdup("it failed");
  torale_task t;
  int rc = torale_tasks_create(client, &body, NULL, &t, &err);
  torale_create_task_clear(&body);
  if (rc != 0)
    goto fail;
  torale_task_clear(&t);

  torale_tasks_list_params active = {.is_active = true, .has_is_active = APIC_PRESENT};
  torale_tasks_list_pager *pager = NULL;
  if (torale_tasks_list_pages(client, &active, NULL, &pager, &err) != 0)
    goto fail;
  torale_update_task pause = {.is_active = false, .has_is_active = APIC_PRESENT};
  int paused = 0;
  torale_task task;
  while ((rc = torale_tasks_list_next_item(pager, &task, &err)) == 1) {
    torale_task updated;
    if (torale_tasks_update(client, task.id, &pause, NULL, &updated, &err) == 0) {
      printf("paused %s\n", task.id);
      paused++;
      torale_task_clear(&updated);
    } else {
      torale_error_print(err, stderr);
      torale_error_free(err);
      err = NULL;
    }
    torale_task_clear(&task);
  }
  torale_tasks_list_pager_free(pager);
  if (rc != 0)
    goto fail;
  printf("%d task(s) paused\n", paused);
  torale_client_free(client, 0);
  return paused > 0 ? 0 : 1;
fail:
  torale_error_print(err, stderr);
  torale_error_free(err);
  torale_client_free(client, 0);
  return 1;
}
