/* Pagination (seed: an async generator over pages): 25 tasks listed 10 at a time; the pager
 * follows next_cursor lazily, one request per page, and hands out the tasks one by one.
 *   pagination [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_reset(base); /* an empty store: exactly our 25 tasks */
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = base;
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  for (int i = 0; i < 25; i++) {
    char name[32];
    snprintf(name, sizeof name, "watch #%d", i + 1);
    torale_create_task body;
    torale_create_task_init(&body);
    body.name = strdup(name);
    body.has_name = APIC_PRESENT;
    body.search_query = strdup("q");
    body.condition_description = strdup("c");
    torale_task t;
    if (torale_tasks_create(client, &body, NULL, &t, NULL) == 0)
      torale_task_clear(&t);
    torale_create_task_clear(&body);
  }
  torale_tasks_list_params params = {.limit = 10, .has_limit = APIC_PRESENT};
  torale_tasks_list_pager *pager = NULL;
  torale_error *err = NULL;
  if (torale_tasks_list_pages(client, &params, NULL, &pager, &err) != 0)
    goto fail;
  torale_task task;
  int n = 0, rc;
  while ((rc = torale_tasks_list_next_item(pager, &task, &err)) == 1) {
    if (++n % 10 == 1)
      printf("page %d starts with %s\n", n / 10 + 1, task.name);
    torale_task_clear(&task);
  }
  torale_tasks_list_pager_free(pager);
  if (rc != 0)
    goto fail;
  printf("%d tasks in all\n", n);
  torale_client_free(client, 0);
  return n == 25 ? 0 : 1;
fail:
  torale_error_print(err, stderr);
  torale_error_free(err);
  torale_client_free(client, 0);
  return 1;
}
