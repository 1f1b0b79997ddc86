/* Log in and read the rate-limit header (the Swagger petstore's loginUser): the result is the
 * session text and, decoded beside it, the response headers the spec declares: X-Rate-Limit
 * (int32) and X-Expires-After (a date-time). The password is @sensitive: never logged. Then
 * logoutUser. Neither call sends a credential (the petstore's user operations take none).
 *   petstore_login [BASE_URL] */
#include <stdio.h>

#include <petstore/petstore.h>

#include "example.h"

int main(int argc, char **argv)
{
  petstore_client_options o = {.base_url = example_base(argc, argv)};
  petstore_client *client = NULL;
  petstore_error *err = NULL;
  petstore_user_login_result *session = NULL;
  int rc = 1;
  if (petstore_client_new(&o, &client, &err) != 0)
    goto out;

  petstore_user_login_params login = {.username = "user1", .password = "XXXXXXXXXXX"};
  if (petstore_user_login(client, &login, NULL, &session, &err) != 0)
    goto out;
  printf("logged in as %s: session \"%s\"\n", login.username, session->body);
  printf("X-Rate-Limit: %d calls an hour\n", (int)session->rate_limit);
  printf("X-Expires-After: %s\n", session->expires_after);

  if (petstore_user_logout(client, NULL, &err) != 0)
    goto out;
  printf("logged out\n");
  rc = 0;
out:
  if (err != NULL)
    petstore_error_print(err, stderr);
  petstore_error_free(err);
  petstore_user_login_result_free(session);
  petstore_client_free(client, 0);
  return rc;
}
