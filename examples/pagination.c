/* Pagination (seed: an async generator over pages): 25 tasks with a tag of their own, listed
 * 10 at a time filtered by that tag; the pager follows next_cursor lazily, one request per
 * page, and hands out the tasks one by one.
 *   pagination [BASE_URL] */
#include <stdio.h>
#include <unistd.h>

#include <torale/torale.h>

#include "example.h"

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  torale_error *err = NULL;
  torale_tasks_list_pager *pager = NULL;
  int n = 0, rc = 1;
  if (torale_client_new(&o, &client, &err) != 0)
    goto out;
  char tag[32]; /* this run's tasks, whatever else the server holds */
  snprintf(tag, sizeof tag, "run-%ld", (long)getpid());
  const char *tags[] = {tag};
  for (int i = 0; i < 25; i++) {
    char name[32];
    snprintf(name, sizeof name, "watch #%d", i + 1);
    torale_create_task body = {.name = name, .search_query = "q", .condition_description = "c",
                               .tags = tags, .tags_count = 1};
    torale_task *t = NULL;
    torale_tasks_create(client, &body, NULL, &t, NULL);
    torale_task_free(t);
  }

  torale_tasks_list_params params = {.tags = tags, .tags_count = 1, .limit = APIC_INT(10)};
  if (torale_tasks_list_pages(client, &params, NULL, &pager, &err) != 0)
    goto out;
  torale_task *task;
  while (torale_tasks_list_next_item(pager, &task, &err) == 0 && task != NULL) {
    if (++n % 10 == 1) /* the first item of a page: a request was just made */
      printf("page %d starts with %s\n", n / 10 + 1, task->name);
    torale_task_free(task);
  }
  if (err != NULL)
    goto out;
  printf("%d tasks tagged %s in all\n", n, tag);
  rc = n == 25 ? 0 : 1;
out:
  if (err != NULL)
    torale_error_print(err, stderr);
  torale_error_free(err);
  torale_tasks_list_pager_free(pager);
  torale_client_free(client, 0);
  return rc;
}
