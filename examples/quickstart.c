/* Quickstart (seed: the client, create, get, list): a sync client, one task created, fetched
 * back and listed. The body points at literals: nothing to allocate, nothing to free. The API
 * key comes from $TORALE_API_KEY.
 *   quickstart [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  torale_error *err = NULL;
  torale_task *task = NULL, *again = NULL;
  torale_task_page *page = NULL;
  int rc = 1;
  if (torale_client_new(&o, &client, &err) != 0)
    goto out;

  /* Unset fields take the spec's defaults: schedule, is_active, tags. */
  torale_create_task body = {.name = "Bread under 2 EUR",
                             .search_query = "price of a baguette in Paris",
                             .condition_description = "the price is below 2 EUR"};
  if (torale_tasks_create(client, &body, NULL, &task, &err) != 0)
    goto out;
  printf("created %s: %s (state %s, schedule \"%s\")\n", task->id, task->name,
         torale_task_state_to_string(*task->state), task->schedule);

  if (torale_tasks_get(client, task->id, NULL, &again, &err) != 0)
    goto out;
  printf("fetched %s: %s\n", again->id, again->search_query);

  torale_tasks_list_params params = {.limit = APIC_INT(10)};
  if (torale_tasks_list(client, &params, NULL, &page, &err) != 0)
    goto out;
  printf("listed %zu task(s)\n", page->items_count);
  rc = 0;
out:
  if (err != NULL)
    torale_error_print(err, stderr);
  torale_error_free(err);
  torale_task_page_free(page);
  torale_task_free(again);
  torale_task_free(task);
  torale_client_free(client, 0);
  return rc;
}
