/* Concurrent create (seed: asyncio.gather(create(...), create(...), create(...))): the seed's
 * three tasks created at once in a gather group; results come back in submission order, each
 * with its own error.
 *   gather [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

typedef struct result {
  torale_task *task; /* set by the callback (ours to free) */
  torale_error *err;
} result;

static void on_created(apic_call *call, int status, torale_task *task, torale_error *err, void *user_data)
{
  result *r = user_data;
  (void)call, (void)status;
  r->task = task;
  r->err = err;
}

/* Model strings are owned by the model (its _clear frees them): replace one with a copy. */
static void set(char **field, const char *text)
{
  free(*field);
  *field = strdup(text);
}

int main(int argc, char **argv)
{
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  torale_client *client = NULL;
  torale_error *err = NULL;
  if (torale_client_new(&o, &client, &err) != 0) {
    torale_error_print(err, stderr);
    torale_error_free(err);
    return 1;
  }
  static const char *const seed[3][3] = {
      {"iPhone release date?", "Date announced", "0 9 * * *"},
      {"PS5 in stock at Target?", "Available for purchase", "0 */2 * * *"},
      {"MacBook Pro price at Best Buy?", "Price below $1800", "0 */4 * * *"},
  };
  result results[3] = {{0}};
  apic_group *group = NULL;
  apic_group_new(torale_client_core(client), APIC_GROUP_GATHER, &group);
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.group = group; /* each call joins the group */
  for (int i = 0; i < 3; i++) {
    torale_create_task body;
    torale_create_task_init(&body); /* the spec's defaults */
    set(&body.search_query, seed[i][0]);
    set(&body.condition_description, seed[i][1]);
    set(&body.schedule, seed[i][2]);
    /* the body is encoded when the call starts, so it can be cleared right away */
    torale_tasks_create_async(client, &body, &opts, on_created, &results[i], NULL, &results[i].err);
    torale_create_task_clear(&body);
  }
  int rc = apic_group_wait(group); /* runs the loop until all three are done */
  for (int i = 0; i < 3; i++) {
    if (results[i].task != NULL)
      printf("created %s: %s (every \"%s\")\n", results[i].task->id, results[i].task->search_query,
             results[i].task->schedule);
    else
      torale_error_print(results[i].err, stdout);
    torale_task_free(results[i].task);
    torale_error_free(results[i].err);
  }
  printf("%s\n", rc == 0 ? "3 tasks created concurrently" : "some creates failed");
  apic_group_free(group);
  torale_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
