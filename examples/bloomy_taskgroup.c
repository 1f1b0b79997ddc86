/* Dependent operations in a TaskGroup (seed: fetch a user's orders, then process each in an
 * asyncio.TaskGroup, which cancels the rest if one fails): your user first, then, from its id,
 * three to-dos created for it in a fail-fast group, then, from their ids, their details in a
 * second fail-fast group. The mock fails one details call and slows the others: the first
 * failure cancels them.
 *   bloomy_taskgroup [BASE_URL] */
#include <inttypes.h>
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

static int64_t todo_ids[3];
static int n_todos;

static void on_created(apic_call *call, int status, const bloomy_todo *todo, const bloomy_error *err, void *user_data)
{
  (void)call, (void)err, (void)user_data;
  if (status == 0)
    todo_ids[n_todos++] = todo->id; /* what the next stage starts from */
}

static void on_details(apic_call *call, int status, const bloomy_todo *todo, const bloomy_error *err, void *user_data)
{
  (void)call, (void)todo;
  printf("  details of #%" PRId64 ": %s\n", *(int64_t *)user_data,
         status == 0 ? "ok" : bloomy_error_kind_name(bloomy_error_kind_of(err)));
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  bloomy_client_options o = {.base_url = base, .http.max_retries = APIC_NO_RETRIES}; /* a failure is final */
  bloomy_client *client = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return 1;
  bloomy_user *me = NULL;
  if (bloomy_users_details(client, NULL, &me, NULL) != 0)
    return 1;
  apic_group *create = NULL; /* stage 2: three creates that need the user's id */
  bloomy_group_new(client, APIC_GROUP_FAIL_FAST, &create);
  apic_call_options opts = {.group = create};
  static const char *const titles[] = {"Plan", "Build", "Ship"};
  for (int i = 0; i < 3; i++) {
    bloomy_create_todo body = {.title = titles[i], .user_id = &me->id};
    bloomy_todos_create_async(client, &body, NULL, &opts, on_created, NULL, NULL, NULL);
  }
  int rc = apic_group_wait(create);
  printf("created %d to-dos for user %" PRId64 " (%s)\n", n_todos, me->id, rc == 0 ? "all of them" : apic_err_name(rc));
  apic_group_free(create);
  /* stage 3: their details; the first answer fails, the others are slow */
  example_fault(base, "[{\"method\":\"GET\",\"path\":\"/todos/*\",\"status\":500},"
                      "{\"method\":\"GET\",\"path\":\"/todos/*\",\"delay_ms\":2000,\"times\":2}]");
  apic_group *details = NULL;
  bloomy_group_new(client, APIC_GROUP_FAIL_FAST, &details);
  opts.group = details;
  for (int i = 0; i < n_todos; i++)
    bloomy_todos_details_async(client, todo_ids[i], &opts, on_details, &todo_ids[i], NULL, NULL);
  rc = apic_group_wait(details);
  printf("details: %s; the first failure cancelled the rest\n", apic_err_name(rc));
  apic_group_free(details);
  bloomy_user_free(me);
  bloomy_client_free(client, 0);
  return n_todos == 3 && rc == APIC_ERR_HTTP ? 0 : 1;
}
