/* Bulk create with per-item results (the Bloomy seed: `asyncio.gather(*creates,
 * return_exceptions=True)`, then the successful and the failed counted): six to-dos created at
 * once in a gather group. One is refused before anything is sent (an empty title); the mock is
 * asked to refuse two more (400); each callback files its item as created or failed, with why.
 *   bloomy_bulk [BASE_URL] */
#include <inttypes.h>
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

static const char *const TITLES[] = {"Review async code", "Ship the release", "", "Book the venue",
                                     "Draft Q1 budget", "Call the auditors"};
#define N (sizeof TITLES / sizeof TITLES[0])

static int created, failed;

static void on_created(apic_call *call, int status, const bloomy_todo *todo, const bloomy_error *err, void *user_data)
{
  (void)call;
  if (status == 0) {
    created++;
    printf("  created #%" PRId64 " %s\n", todo->id, todo->title);
  } else {
    failed++;
    printf("  failed  \"%s\": %s (status %d)\n", (const char *)user_data,
           bloomy_error_kind_name(bloomy_error_kind_of(err)), bloomy_error_status(err));
  }
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/todos\",\"status\":400,\"times\":2}");
  bloomy_client_options o = {.base_url = base};
  bloomy_client *client = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return 1;
  apic_group *group = NULL;
  bloomy_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group};
  for (size_t i = 0; i < N; i++) {
    bloomy_create_todo body = {.title = TITLES[i], .meeting_id = APIC_INT(42)};
    bloomy_error *err = NULL;
    if (bloomy_todos_create_async(client, &body, NULL, &opts, on_created, (void *)TITLES[i], NULL, &err) != 0) {
      failed++; /* refused before sending: the callback will not run */
      printf("  refused \"%s\": %s\n", TITLES[i], bloomy_error_message(err));
    }
    bloomy_error_free(err);
  }
  apic_group_wait(group);
  printf("%d created, %d failed\n", created, failed);
  apic_group_free(group);
  bloomy_client_free(client, 0);
  return created == 3 && failed == 3 ? 0 : 1;
}
