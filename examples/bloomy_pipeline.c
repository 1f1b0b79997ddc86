/* A batched data pipeline (the Bloomy seed's `sync_user_data`: all users, then their details in
 * batches of 10 so the API is not overwhelmed): 25 users fetched ten at a time, each batch a
 * gather group waited for before the next starts; each user's details are kept (copied out of
 * the callback) for the next stage.
 *   bloomy_pipeline [BASE_URL] */
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

#define USERS 25
#define BATCH 10

static bloomy_user *details[USERS];

static void on_user(apic_call *call, int status, const bloomy_user *user, const bloomy_error *err, void *user_data)
{
  (void)call, (void)err;
  if (status == 0)
    details[(size_t)user_data] = bloomy_user_copy(user); /* lent: keep a copy */
}

int main(int argc, char **argv)
{
  bloomy_client_options o = {.base_url = example_base(argc, argv)};
  bloomy_client *client = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return 1;
  int kept = 0;
  for (size_t first = 0; first < USERS; first += BATCH) {
    apic_group *batch = NULL;
    bloomy_group_new(client, APIC_GROUP_GATHER, &batch);
    apic_call_options opts = {.group = batch};
    for (size_t i = first; i < first + BATCH && i < USERS; i++)
      bloomy_users_get_async(client, (int64_t)i + 1, &opts, on_user, (void *)i, NULL, NULL);
    int rc = apic_group_wait(batch);
    printf("batch %zu: %zu users%s\n", first / BATCH + 1, apic_group_size(batch), rc == 0 ? "" : " (with errors)");
    apic_group_free(batch);
  }
  for (size_t i = 0; i < USERS; i++) {
    kept += details[i] != NULL;
    bloomy_user_free(details[i]);
  }
  printf("%d user details synced, %d at a time\n", kept, BATCH);
  bloomy_client_free(client, 0);
  return kept == USERS ? 0 : 1;
}
