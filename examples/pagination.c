/* Pagination (seed: an async generator over pages): 25 tasks with a tag of their own, listed
 * 10 at a time filtered by that tag; the pager follows next_cursor lazily, one request per
 * page, and hands out the tasks one by one.
 *   pagination [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
  char tag[32]; /* this run's tasks, whatever else the server holds */
  snprintf(tag, sizeof tag, "run-%ld", (long)getpid());
  for (int i = 0; i < 25; i++) {
    char name[32];
    snprintf(name, sizeof name, "watch #%d", i + 1);
    torale_create_task body;
    torale_create_task_init(&body);
    body.name = strdup(name);
    body.has_name = APIC_PRESENT;
    body.search_query = strdup("q");
    body.condition_description = strdup("c");
    body.tags = calloc(1, sizeof *body.tags); /* the model owns its array: _clear frees it */
    body.tags[0] = strdup(tag);
    body.tags_count = 1;
    torale_task t;
    if (torale_tasks_create(client, &body, NULL, &t, NULL) == 0)
      torale_task_clear(&t);
    torale_create_task_clear(&body);
  }

  const char *tags[] = {tag};
  torale_tasks_list_params params = {.tags = tags, .tags_count = 1, .limit = 10, .has_limit = APIC_PRESENT};
  torale_tasks_list_pager *pager = NULL;
  if (torale_tasks_list_pages(client, &params, NULL, &pager, &err) != 0)
    goto fail;
  torale_task task;
  int n = 0, rc;
  while ((rc = torale_tasks_list_next_item(pager, &task, &err)) == 1) {
    if (++n % 10 == 1) /* the first item of a page: a request was just made */
      printf("page %d starts with %s\n", n / 10 + 1, task.name);
    torale_task_clear(&task);
  }
  torale_tasks_list_pager_free(pager);
  if (rc != 0)
    goto fail;
  printf("%d tasks tagged %s in all\n", n, tag);
  torale_client_free(client, 0);
  return n == 25 ? 0 : 1;
fail:
  torale_error_print(err, stderr);
  torale_error_free(err);
  torale_client_free(client, 0);
  return 1;
}
