/* Timeouts (seed: asyncio.timeout, timeout_at shared deadline, fallback on timeout): a per-call
 * timeout, a deadline shared by a group, and a fallback value when a call times out. The mock
 * is told to answer /executions/slow-* after 3 s.
 *   timeouts [BASE_URL] */
#include <stdio.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

static int timed_out;

static void on_execution(apic_call *call, int status, torale_execution *e, torale_error *err, void *user_data)
{
  (void)call, (void)user_data;
  timed_out += status == APIC_ERR_TIMEOUT;
  torale_execution_free(e);
  torale_error_free(err);
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"path\":\"/executions/slow-*\",\"delay_ms\":3000,\"times\":-1}");
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = base;
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;

  /* 1. one call, 200 ms for all of it (retries included) */
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.timeout_ms = 200;
  torale_execution e;
  torale_error *err = NULL;
  int rc = torale_executions_get(client, "slow-1", &opts, &e, &err);
  printf("per-call timeout: %s\n", rc == APIC_ERR_TIMEOUT ? "timed out after 200 ms" : "answered");
  torale_error_free(err);
  if (rc == 0)
    torale_execution_clear(&e);

  /* 2. three calls sharing one deadline, 300 ms from now (asyncio's timeout_at) */
  apic_group *group = NULL;
  apic_group_new(torale_client_core(client), APIC_GROUP_GATHER, &group);
  apic_group_set_deadline(group, 300);
  apic_call_options in_group = APIC_CALL_OPTIONS_INIT;
  in_group.group = group;
  const char *ids[3] = {"slow-a", "slow-b", "slow-c"};
  for (int i = 0; i < 3; i++)
    torale_executions_get_async(client, ids[i], &in_group, on_execution, NULL, NULL, NULL);
  apic_group_wait(group);
  apic_group_free(group);
  printf("shared deadline: %d of 3 calls timed out together\n", timed_out);

  /* 3. a fallback: a timeout is an ordinary error kind, so the caller decides */
  const char *status = "unknown (the server was too slow)";
  opts.timeout_ms = 100;
  if (torale_executions_get(client, "slow-2", &opts, &e, &err) == 0) {
    status = torale_execution_status_to_string(e.status);
    torale_execution_clear(&e);
  }
  if (torale_error_kind_of(err) == TORALE_ERROR_TIMEOUT)
    printf("fallback: status %s\n", status);
  torale_error_free(err);
  torale_client_free(client, 0);
  return timed_out == 3 ? 0 : 1;
}
