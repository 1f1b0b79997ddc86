/* Streaming (seed: status updates streamed until "completed"; an agent's on_message): a task's
 * runs followed as server-sent events, each decoded into a torale_execution_event and handed to
 * a callback as it arrives, until the event that carries the finished execution.
 *   streaming [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

static int on_event(const torale_execution_event *ev, void *user_data)
{
  int *n = user_data;
  (*n)++;
  printf("event %d: execution %s is %s%s%s\n", *n, ev->execution_id, torale_execution_status_to_string(ev->status),
         ev->message ? ": " : "", ev->message ? ev->message : "");
  if (ev->execution == NULL)
    return 0; /* keep listening */
  printf("run complete: execution %s, started %s, condition met: %s\n", ev->execution->id, ev->execution->started_at,
         ev->execution->condition_met != NULL && *ev->execution->condition_met ? "yes" : "no");
  return 1; /* nonzero stops the stream: the run is complete */
}

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  torale_create_task body = {.search_query = "is the store open", .condition_description = "it opened"};
  torale_task *task = NULL;
  torale_error *err = NULL;
  int rc = torale_tasks_create(client, &body, NULL, &task, &err);
  int events = 0;
  if (rc == 0)
    rc = torale_tasks_watch(client, task->id, NULL, on_event, &events, &err);
  torale_task_free(task);
  /* 0 whether the server ended the stream or the callback stopped it at the completed run */
  if (rc == 0)
    printf("stream ended after %d events\n", events);
  else
    torale_error_print(err, stderr);
  torale_error_free(err);
  torale_client_free(client, 0);
  return events > 0 ? 0 : 1;
}
