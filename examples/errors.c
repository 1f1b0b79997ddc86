/* Error handling (seed: safe_create_task: except ValidationError as e: e.detail; except
 * RateLimitError as e: sleep(e.retry_after) and try again; APIError.status_code): every failure
 * is one torale_error with a kind, the HTTP status, the request id and the spec's typed payload.
 * The mock is told to answer with the errors (POST /__mock/faults).
 *   errors [BASE_URL] */
#include <stdio.h>
#include <time.h>

#include <torale/torale.h>

#include "example.h"

/* Prints what an error says, and frees it. */
static void show(torale_error *err)
{
  const char *request_id = torale_error_request_id(err);
  printf("%s, status %d, request id %s\n", torale_error_kind_name(torale_error_kind_of(err)),
         torale_error_status(err), request_id != NULL ? request_id : "-");
  const torale_validation_error *v = torale_error_as_validation(err);
  if (v != NULL) /* the spec's ValidationError payload; detail is absent if the body was not JSON */
    printf("  detail: %s\n", v->detail != NULL ? v->detail : "(none)");
  else if (torale_error_kind_of(err) == TORALE_ERROR_INVALID_ARGUMENT) /* refused: nothing was sent */
    printf("  %s\n", torale_error_message(err));
  else {
    printf("  ");
    torale_error_print(err, stdout); /* one line: kind, message, method and URL, status */
  }
  torale_error_free(err);
}

/* The seed's safe_create_task: on a rate limit, wait what the server asks and try once more. */
static int safe_create(torale_client *client, const torale_create_task *body, torale_task **out)
{
  torale_error *err = NULL;
  int rc = torale_tasks_create(client, body, NULL, out, &err);
  const torale_rate_limit_error *rl = torale_error_as_rate_limit(err); /* never NULL for a 429 */
  if (rl != NULL) {
    double wait = rl->retry_after != NULL ? *rl->retry_after : 1; /* from the Retry-After header */
    printf("RateLimitError, status %d: retry after %g s\n", torale_error_status(err), wait);
    torale_error_free(err);
    err = NULL;
    struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
    nanosleep(&ts, NULL);
    rc = torale_tasks_create(client, body, NULL, out, &err);
  }
  if (rc != 0)
    show(err);
  return rc;
}

int main(int argc, char **argv)
{
  const char *base = example_base(argc, argv);
  /* show each error as it comes, not after the client's own retries */
  torale_client_options o = {.base_url = base, .http.max_retries = APIC_NO_RETRIES};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_create_task body = {.search_query = "When is the next iPhone release?",
                             .condition_description = "A specific date has been announced"};
  torale_task *task = NULL;
  int created = 0;

  /* 1. the SDK checks arguments against the spec first: an empty query is refused unsent */
  torale_create_task empty = {.search_query = "", .condition_description = "anything"};
  safe_create(client, &empty, &task);

  /* 2. the server's ValidationError (422): its detail names the field */
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/tasks\",\"status\":422,"
                      "\"body\":{\"detail\":\"$.schedule: not a cron expression\"},"
                      "\"headers\":{\"x-request-id\":\"req-7f3a\"}}");
  safe_create(client, &body, &task);

  /* 3. RateLimitError (429) with only a Retry-After header (no body), then the second try works */
  example_fault(base, "{\"method\":\"POST\",\"path\":\"/tasks\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"}}");
  if (safe_create(client, &body, &task) == 0) {
    printf("created %s after waiting\n", task->id);
    torale_task_free(task);
    created = 1;
  }

  /* 4. NotFoundError (404): a status the spec names, for an id that does not exist */
  torale_error *err = NULL;
  if (torale_tasks_get(client, "no-such-task", NULL, &task, &err) != 0)
    show(err);
  else
    torale_task_free(task);
  torale_client_free(client, 0);
  return created ? 0 : 1;
}
