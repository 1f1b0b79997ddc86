/* Fetch many (seed: gather(*[get(id) for id in ids], return_exceptions=True)): five gets at once,
 * two of them for ids that do not exist; each result or error is kept in its place.
 *   fetch_many [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

typedef struct slot {
  const char *id;
  torale_task *task; /* copies the callback keeps */
  torale_error *err;
} slot;

static void on_task(apic_call *call, int status, const torale_task *task, const torale_error *err, void *user_data)
{
  slot *s = user_data;
  (void)call, (void)status;
  s->task = torale_task_copy(task);
  s->err = torale_error_copy(err);
}

static torale_task *create(torale_client *client, const char *query)
{
  torale_create_task body = {.search_query = query, .condition_description = "it happened"};
  torale_task *t = NULL;
  torale_tasks_create(client, &body, NULL, &t, NULL);
  return t;
}

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_task *a = create(client, "rust 2.0"), *b = create(client, "python 4"), *c = create(client, "c2y");
  slot slots[5] = {{a ? a->id : NULL, NULL, NULL}, {"no-such-task", NULL, NULL}, {b ? b->id : NULL, NULL, NULL},
                   {"gone", NULL, NULL}, {c ? c->id : NULL, NULL, NULL}};
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group};
  for (int i = 0; i < 5; i++)
    if (slots[i].id == NULL ||
        torale_tasks_get_async(client, slots[i].id, &opts, on_task, &slots[i], NULL, &slots[i].err) != 0)
      fprintf(stderr, "get %d did not start\n", i);
  apic_group_wait(group); /* the first failure's code; every member still completed */
  int found = 0, missing = 0;
  for (int i = 0; i < 5; i++) {
    if (slots[i].task != NULL) {
      printf("%-14s found: %s\n", slots[i].id, slots[i].task->search_query);
      found++;
    } else {
      printf("%-14s error: %s (status %d)\n", slots[i].id, torale_error_kind_name(torale_error_kind_of(slots[i].err)),
             torale_error_status(slots[i].err));
      missing++;
    }
    torale_task_free(slots[i].task);
    torale_error_free(slots[i].err);
  }
  printf("%d found, %d missing\n", found, missing);
  apic_group_free(group);
  torale_task_free(a), torale_task_free(b), torale_task_free(c);
  torale_client_free(client, 0);
  return found == 3 && missing == 2 ? 0 : 1;
}
