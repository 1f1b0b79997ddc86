/* The context manager (seed: `async with AsyncInferenceSession(key) as client:`): C has no
 * `with`, so the session is a function that makes the client, hands it to the body, and closes
 * it whatever the body did; the close lets work still in flight finish (up to 5 s) before it
 * frees everything. Here the body starts one run it does not wait for: the close finishes it.
 *   inference_session [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

typedef int (*session_body)(inference_client *client, void *ctx);

/* `async with`: enter (a client), run the body, exit (close, letting work finish). */
static int with_session(const char *base, session_body body, void *ctx)
{
  inference_client_options o = {.base_url = base};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return -1;
  int rc = body(client, ctx);
  inference_client_free(client, 5000);
  return rc;
}

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  (void)lro, (void)err;
  printf("the background run %s (finished while the session closed)\n",
         status == 0 ? inference_run_status_to_string(run->status) : apic_err_name(status));
  (*(int *)user_data)++;
}

static int body(inference_client *client, void *ctx)
{
  cJSON *input = example_prompt("...");
  inference_run_request req = {.app = "my-app", .input = input};
  inference_run *result = NULL;
  int rc = inference_runs_run_and_wait(client, &req, NULL, NULL, &result, NULL);
  if (rc == 0)
    printf("in the session: run %s %s\n", result->id, inference_run_status_to_string(result->status));
  inference_run_free(result);
  inference_runs_run_and_wait_async(client, &req, NULL, NULL, on_done, ctx, NULL, NULL); /* not waited for here */
  cJSON_Delete(input);
  return rc;
}

int main(int argc, char **argv)
{
  int finished = 0;
  int rc = with_session(example_base(argc, argv), body, &finished);
  printf("session closed (%d run finished during the close)\n", finished);
  return rc == 0 && finished == 1 ? 0 : 1;
}
