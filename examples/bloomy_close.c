/* The client's close (the Bloomy seed: `await client.close()  # Don't forget to close!`):
 * bloomy_client_free ends a client: with a drain time, calls still in flight get that long to
 * finish (their callbacks run); what is left is cancelled, each callback still running once,
 * and everything is freed. Two clients, three calls each, one of them slow (the mock delays it).
 *   bloomy_close [BASE_URL] */
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

typedef struct tally {
  int finished, cancelled;
} tally;

static void on_user(apic_call *call, int status, const bloomy_user *user, const bloomy_error *err, void *user_data)
{
  tally *t = user_data;
  (void)call, (void)user, (void)err;
  t->finished += status == 0;
  t->cancelled += status == APIC_ERR_CANCELLED;
}

/* Three calls, then the close with drain_ms. */
static tally use_and_close(const char *base, uint64_t drain_ms)
{
  tally t = {0, 0};
  bloomy_client_options o = {.base_url = base};
  bloomy_client *client = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return t;
  example_fault(base, "{\"method\":\"GET\",\"path\":\"/users/3\",\"delay_ms\":300}");
  for (int64_t id = 1; id <= 3; id++)
    bloomy_users_get_async(client, id, NULL, on_user, &t, NULL, NULL);
  bloomy_client_free(client, drain_ms); /* the close: nothing of the client is left after it */
  return t;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  tally patient = use_and_close(base, 2000), hasty = use_and_close(base, 0);
  printf("closed with 2 s to drain: %d finished, %d cancelled\n", patient.finished, patient.cancelled);
  printf("closed at once:           %d finished, %d cancelled\n", hasty.finished, hasty.cancelled);
  return patient.finished == 3 && hasty.cancelled == 3 ? 0 : 1;
}
