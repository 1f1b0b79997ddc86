/* Sync and async (the Bloomy seed's Client and AsyncClient: the same calls one after another,
 * or at once): five users fetched with the sync functions, then the same five with the async
 * ones in a gather group, against a server that takes 60 ms per answer (the mock is asked to).
 * The sync calls take about five times as long.
 *   bloomy_sync_async [BASE_URL] */
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

static void on_user(apic_call *call, int status, const bloomy_user *user, const bloomy_error *err, void *user_data)
{
  (void)call, (void)user, (void)err;
  *(int *)user_data += status == 0;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"method\":\"GET\",\"path\":\"/users/*\",\"delay_ms\":60,\"times\":10}");
  bloomy_client_options o = {.base_url = base};
  bloomy_client *client = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return 1;
  int sync_ok = 0, async_ok = 0;
  uint64_t t0 = apic_now_ms();
  for (int64_t id = 1; id <= 5; id++) { /* sync: each call blocks until its answer */
    bloomy_user *user = NULL;
    sync_ok += bloomy_users_get(client, id, NULL, &user, NULL) == 0;
    bloomy_user_free(user);
  }
  uint64_t t1 = apic_now_ms();
  apic_group *group = NULL; /* async: all five in flight, one wait */
  bloomy_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group};
  for (int64_t id = 1; id <= 5; id++)
    bloomy_users_get_async(client, id, &opts, on_user, &async_ok, NULL, NULL);
  apic_group_wait(group);
  apic_group_free(group);
  uint64_t t2 = apic_now_ms();
  printf("sync: 5 calls one after another, %d ok, %llu ms\n", sync_ok, (unsigned long long)(t1 - t0));
  printf("async: 5 calls at once, %d ok, %llu ms\n", async_ok, (unsigned long long)(t2 - t1));
  bloomy_client_free(client, 0);
  return sync_ok == 5 && async_ok == 5 ? 0 : 1;
}
