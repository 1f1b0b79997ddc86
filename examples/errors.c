/* Error handling (seed: except ValidationError as e: e.detail; RateLimitError.retry_after;
 * APIError.status_code): each failure has a kind, a status, a request id and the spec's typed
 * payload. The mock is told to answer with the errors (POST /__mock/faults).
 *   errors [BASE_URL] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <torale/torale.h>

#include "example.h"

static void show(torale_error *err)
{
  printf("%s, status %d, request id %s\n", torale_error_kind_name(torale_error_kind_of(err)),
         torale_error_status(err), torale_error_request_id(err) ? torale_error_request_id(err) : "-");
  switch (torale_error_kind_of(err)) {
  case TORALE_ERROR_VALIDATION:
    printf("  detail: %s\n", torale_error_as_validation(err)->detail);
    break;
  case TORALE_ERROR_RATE_LIMIT:
    printf("  retry after %.0f s\n", torale_error_as_rate_limit(err)->retry_after);
    break;
  case TORALE_ERROR_INVALID_ARGUMENT: /* refused before anything was sent */
    printf("  %s\n", torale_error_message(err));
    break;
  default:
    torale_error_print(err, stdout);
  }
  torale_error_free(err);
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  torale_client_options o;
  torale_client_options_init(&o);
  o.base_url = base;
  o.http.max_retries = 0; /* show each error as it comes, not after retries */
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_task task;
  torale_error *err = NULL;

  /* 1. the SDK checks arguments against the spec first: an empty search_query is refused */
  torale_create_task body;
  torale_create_task_init(&body);
  body.search_query = strdup("");
  body.condition_description = strdup("x");
  if (torale_tasks_create(client, &body, NULL, &task, &err) != 0)
    show(err);
  torale_create_task_clear(&body);

  /* 2. the server's ValidationError (422) with its detail */
  example_fault(base, "{\"path\":\"/tasks/t-422\",\"status\":422,\"body\":{\"detail\":\"$.schedule: not a cron expression\"},"
                      "\"headers\":{\"x-request-id\":\"req-7f3a\"}}");
  if (torale_tasks_get(client, "t-422", NULL, &task, &err) != 0)
    show(err);

  /* 3. RateLimitError (429) with Retry-After */
  example_fault(base, "{\"path\":\"/tasks/t-429\",\"status\":429,\"headers\":{\"Retry-After\":\"30\"}}");
  if (torale_tasks_get(client, "t-429", NULL, &task, &err) != 0)
    show(err);

  /* 4. NotFoundError (404) for an unknown id */
  if (torale_tasks_get(client, "no-such-task", NULL, &task, &err) != 0)
    show(err);
  torale_client_free(client, 0);
  return 0;
}
