/* API errors and SDK errors (the Bloomy seed: `except APIError as e: ... e.status_code`, then
 * `except BloomyError`): every failure is a bloomy_error; an API error is one the server
 * answered (a status, and the spec's typed payload), an SDK error one it did not (refused
 * before sending, no connection, a timeout). The status tells them apart.
 *   bloomy_errors [BASE_URL] */
#include <stdio.h>

#include <bloomy/bloomy.h>

#include "example.h"

static void report(const char *what, const bloomy_error *e)
{
  if (bloomy_error_status(e) > 0) /* the server answered */
    printf("%-28s API error: %s (Status: %d)\n", what, bloomy_error_kind_name(bloomy_error_kind_of(e)),
           bloomy_error_status(e));
  else
    printf("%-28s SDK error: %s (%s)\n", what, bloomy_error_kind_name(bloomy_error_kind_of(e)), bloomy_error_message(e));
}

static void try_details(bloomy_client *c, const char *what)
{
  bloomy_user *user = NULL;
  bloomy_error *err = NULL;
  if (bloomy_users_details(c, NULL, &user, &err) == 0)
    printf("%-28s %s\n", what, user->name);
  else
    report(what, err);
  bloomy_user_free(user);
  bloomy_error_free(err);
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  bloomy_client_options o = {.base_url = base, .http.max_retries = APIC_NO_RETRIES};
  bloomy_client *client = NULL, *nowhere = NULL;
  if (bloomy_client_new(&o, &client, NULL) != 0)
    return 1;
  try_details(client, "user.details():");
  example_fault(base, "{\"path\":\"/users/mine\",\"status\":401}");
  try_details(client, "with a revoked key:");
  bloomy_users_search_params params = {.term = ""}; /* @min_len(1): never sent */
  bloomy_user_search_result_list *found = NULL;
  bloomy_error *err = NULL;
  if (bloomy_users_search(client, &params, NULL, &found, &err) != 0)
    report("search(\"\"):", err);
  bloomy_error_free(err);
  bloomy_client_options down = {.base_url = "http://127.0.0.1:9/v1", .http.max_retries = APIC_NO_RETRIES};
  if (bloomy_client_new(&down, &nowhere, NULL) == 0)
    try_details(nowhere, "with the server down:");
  bloomy_client_free(nowhere, 0);
  bloomy_client_free(client, 0);
  return 0;
}
