/* Quickstart (seed: the client, create, get, list): a sync client, one task created, fetched
 * back and listed. The API key comes from $TORALE_API_KEY.
 *   quickstart [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
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

  torale_create_task body;
  torale_create_task_init(&body); /* the spec's defaults: schedule, is_active, tags */
  body.name = strdup("Bread under 2 EUR");
  body.has_name = APIC_PRESENT;
  body.search_query = strdup("price of a baguette in Paris");
  body.condition_description = strdup("the price is below 2 EUR");
  torale_task task;
  int rc = torale_tasks_create(client, &body, NULL, &task, &err);
  torale_create_task_clear(&body);
  if (rc != 0)
    goto fail;
  printf("created %s: %s (state %s, schedule \"%s\")\n", task.id, task.name,
         torale_task_state_to_string(task.state), task.schedule);

  torale_task again;
  if (torale_tasks_get(client, task.id, NULL, &again, &err) != 0)
    goto fail;
  printf("fetched %s: %s\n", again.id, again.search_query);
  torale_task_clear(&again);
  torale_task_clear(&task);

  torale_tasks_list_params params = {.limit = 10, .has_limit = APIC_PRESENT};
  torale_task_page page;
  if (torale_tasks_list(client, &params, NULL, &page, &err) != 0)
    goto fail;
  printf("listed %zu task(s)\n", page.items_count);
  torale_task_page_clear(&page);
  torale_client_free(client, 0);
  return 0;
fail:
  torale_error_print(err, stderr);
  torale_error_free(err);
  torale_client_free(client, 0);
  return 1;
}
