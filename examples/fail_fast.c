/* Fail-fast (seed: asyncio.TaskGroup cancels the rest on the first failure): three slow calls and
 * one that fails at once; the failure cancels the three.
 *   fail_fast [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static const char *cause; /* the member whose failure ended the group (TaskGroup's exception) */

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  const char *id = user_data;
  (void)call, (void)e;
  printf("%-8s %s\n", id, status == 0 ? "ok" : torale_error_kind_name(torale_error_kind_of(err)));
  if (status != 0 && status != APIC_ERR_CANCELLED && cause == NULL)
    cause = id;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"path\":\"/executions/ff-slow*\",\"delay_ms\":3000,\"times\":-1}");
  example_fault(base, "{\"path\":\"/executions/ff-bad\",\"status\":404}");
  torale_client_options o = {.base_url = base};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_FAIL_FAST, &group);
  apic_call_options opts = {.group = group};
  static const char *ids[] = {"ff-slow1", "ff-slow2", "ff-slow3", "ff-bad"};
  uint64_t start = apic_now_ms();
  for (int i = 0; i < 4; i++)
    torale_executions_get_async(client, ids[i], &opts, on_execution, (void *)ids[i], NULL, NULL);
  int rc = apic_group_wait(group);
  /* rc is the first failure in submission order (here a cancelled one); the cause is ff-bad */
  printf("group ended after %llu ms (not 3 s): %s failed, the rest were cancelled\n",
         (unsigned long long)(apic_now_ms() - start), cause != NULL ? cause : "nothing");
  apic_group_free(group);
  torale_client_free(client, 0);
  return rc != 0 && cause != NULL ? 0 : 1;
}
