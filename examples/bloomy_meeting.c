/* Meeting details (the Bloomy seed: a meeting fetched with its attendees, issues, to-dos and
 * metrics as concurrent sub-requests, then put together): one gather group, four typed calls.
 * The API key comes from $BLOOMY_API_KEY (sent as X-API-Key).
 *   bloomy_meeting [BASE_URL] [MEETING_ID] */
#include <stdio.h>
#include <stdlib.h>

#include <bloomy/bloomy.h>

#include "example.h"

typedef struct meeting {
  bloomy_attendee_array *attendees;
  bloomy_issue_array *issues;
  bloomy_todo_array *todos;
  bloomy_metric_array *metrics;
} meeting;

/* One callback per result type: each keeps its array (ours to clear and free). */
static void on_attendees(apic_call *c, int s, bloomy_attendee_array *r, bloomy_error *e, void *ud)
{
  (void)c, (void)s;
  ((meeting *)ud)->attendees = r;
  bloomy_error_free(e);
}
static void on_issues(apic_call *c, int s, bloomy_issue_array *r, bloomy_error *e, void *ud)
{
  (void)c, (void)s;
  ((meeting *)ud)->issues = r;
  bloomy_error_free(e);
}
static void on_todos(apic_call *c, int s, bloomy_todo_array *r, bloomy_error *e, void *ud)
{
  (void)c, (void)s;
  ((meeting *)ud)->todos = r;
  bloomy_error_free(e);
}
static void on_metrics(apic_call *c, int s, bloomy_metric_array *r, bloomy_error *e, void *ud)
{
  (void)c, (void)s;
  ((meeting *)ud)->metrics = r;
  bloomy_error_free(e);
}

#define COUNT(a) ((a) != NULL ? (a)->count : 0)
#define FREE(a, clear) (clear(a), free(a))

int main(int argc, char **argv)
{
  bloomy_client_options o;
  bloomy_client_options_init(&o);
  o.base_url = example_base(argc, argv);
  int64_t id = argc > 2 ? strtoll(argv[2], NULL, 10) : 42;
  bloomy_client *client = NULL;
  bloomy_error *err = NULL;
  if (bloomy_client_new(&o, &client, &err) != 0) {
    bloomy_error_print(err, stderr);
    bloomy_error_free(err);
    return 1;
  }
  bloomy_meeting_details details;
  if (bloomy_meetings_details(client, id, NULL, &details, &err) != 0) {
    bloomy_error_print(err, stderr);
    bloomy_error_free(err);
    bloomy_client_free(client, 0);
    return 1;
  }
  meeting m = {0};
  apic_group *group = NULL;
  apic_group_new(bloomy_client_core(client), APIC_GROUP_GATHER, &group);
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.group = group;
  bloomy_meetings_attendees_async(client, id, &opts, on_attendees, &m, NULL, NULL);
  bloomy_meetings_issues_async(client, id, NULL, &opts, on_issues, &m, NULL, NULL);
  bloomy_meetings_todos_async(client, id, &opts, on_todos, &m, NULL, NULL);
  bloomy_meetings_metrics_async(client, id, &opts, on_metrics, &m, NULL, NULL);
  int rc = apic_group_wait(group);
  printf("meeting %lld: %s\n", (long long)details.id, details.name);
  printf("  %zu attendees, %zu issues, %zu to-dos, %zu metrics\n", COUNT(m.attendees), COUNT(m.issues),
         COUNT(m.todos), COUNT(m.metrics));
  FREE(m.attendees, bloomy_attendee_array_clear);
  FREE(m.issues, bloomy_issue_array_clear);
  FREE(m.todos, bloomy_todo_array_clear);
  FREE(m.metrics, bloomy_metric_array_clear);
  apic_group_free(group);
  bloomy_meeting_details_clear(&details);
  bloomy_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
