/* Timeouts (seed: asyncio.timeout, asyncio.timeout_at with a shared deadline, a fallback on
 * timeout): a per-call timeout; a deadline shared by a group of concurrent calls, and by calls
 * made one after another; a fallback value when a call times out. A timeout is an ordinary
 * error kind (TORALE_ERROR_TIMEOUT), never a hang. The mock is told to answer
 * /executions/slow-* after 3 s.
 *   timeouts [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static int ok, timed_out;

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  (void)call, (void)e, (void)user_data;
  ok += status == 0;
  timed_out += torale_error_kind_of(err) == TORALE_ERROR_TIMEOUT;
}

/* One sync get; returns its status, printing nothing. */
static int get(torale_client *client, const char *id, const apic_call_options *opts)
{
  torale_execution *e = NULL;
  torale_error *err = NULL;
  int rc = torale_executions_get(client, id, opts, &e, &err);
  torale_execution_free(e);
  torale_error_free(err);
  return rc;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"path\":\"/executions/slow-*\",\"delay_ms\":3000,\"times\":-1}");
  torale_client_options o = {.base_url = base};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;

  /* 1. asyncio.timeout(0.2): one call, 200 ms for all of it (retries and back-off included) */
  apic_call_options opts = {.timeout_ms = 200};
  int rc = get(client, "slow-1", &opts);
  printf("per-call timeout: %s\n", rc == APIC_ERR_TIMEOUT ? "slow-1 timed out after 200 ms" : "answered");

  /* 2. a deadline shared by a group: two quick calls and a slow one, 500 ms for them all */
  apic_group *group = NULL;
  torale_group_new(client, APIC_GROUP_GATHER, &group);
  apic_group_set_deadline(group, 500);
  apic_call_options in_group = {.group = group};
  const char *ids[3] = {"quick-a", "quick-b", "slow-c"};
  for (int i = 0; i < 3; i++)
    torale_executions_get_async(client, ids[i], &in_group, on_execution, NULL, NULL, NULL);
  apic_group_wait(group);
  apic_group_free(group);
  printf("group deadline: %d answered, %d timed out at the deadline\n", ok, timed_out);

  /* 3. asyncio.timeout_at(deadline): calls one after another under one absolute deadline */
  apic_call_options until = {.deadline_ms = apic_now_ms() + 500};
  int first = get(client, "quick-d", &until), second = get(client, "slow-e", &until);
  int third = get(client, "quick-f", &until); /* the deadline has passed: nothing is sent */
  printf("shared deadline: %s, %s, %s\n", apic_err_name(first), apic_err_name(second), apic_err_name(third));

  /* 4. a fallback: on a timeout, use a default instead of failing */
  const char *status = "unknown (fallback: the server was too slow)";
  torale_execution *e = NULL;
  torale_error *err = NULL;
  opts.timeout_ms = 100;
  if (torale_executions_get(client, "slow-2", &opts, &e, &err) == 0)
    printf("status %s\n", torale_execution_status_to_string(e->status));
  else if (torale_error_kind_of(err) == TORALE_ERROR_TIMEOUT)
    printf("status %s\n", status);
  torale_execution_free(e);
  torale_error_free(err);
  torale_client_free(client, 0);
  return rc == APIC_ERR_TIMEOUT && ok == 2 && timed_out == 1 && first == 0 && second == APIC_ERR_TIMEOUT &&
                 third == APIC_ERR_TIMEOUT
             ? 0
             : 1;
}
