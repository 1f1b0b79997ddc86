/* Meeting details (the Bloomy seed: meeting.details(id) fetches the meeting list, the attendees,
 * the issues, the to-dos and the metrics; with the async client these five sub-requests run
 * concurrently). Here: five typed calls in one gather group, put together into the spec's
 * MeetingDetails model, which only points at the five results: nothing is moved or copied
 * twice. The API key comes from $BLOOMY_API_KEY (sent as X-API-Key).
 *   bloomy_meeting [BASE_URL] [MEETING_ID] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <bloomy/bloomy.h>

#include "example.h"

/* What the five callbacks keep: copies of the lists lent to them (ours to free). */
typedef struct parts {
  bloomy_meeting_list *meetings;
  bloomy_attendee_list *attendees;
  bloomy_issue_list *issues;
  bloomy_todo_list *todos;
  bloomy_metric_list *metrics;
  int failed;
} parts;

static void report(parts *p, const char *what, const bloomy_error *e)
{
  printf("  %s: ", what);
  bloomy_error_print(e, stdout);
  p->failed++;
}

/* One callback per result type: keep a copy of the list, or report the error. */
static void on_meetings(apic_call *c, int s, const bloomy_meeting_list *r, const bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "meetings", e);
  ((parts *)ud)->meetings = bloomy_meeting_list_copy(r);
}
static void on_attendees(apic_call *c, int s, const bloomy_attendee_list *r, const bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "attendees", e);
  ((parts *)ud)->attendees = bloomy_attendee_list_copy(r);
}
static void on_issues(apic_call *c, int s, const bloomy_issue_list *r, const bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "issues", e);
  ((parts *)ud)->issues = bloomy_issue_list_copy(r);
}
static void on_todos(apic_call *c, int s, const bloomy_todo_list *r, const bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "todos", e);
  ((parts *)ud)->todos = bloomy_todo_list_copy(r);
}
static void on_metrics(apic_call *c, int s, const bloomy_metric_list *r, const bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "metrics", e);
  ((parts *)ud)->metrics = bloomy_metric_list_copy(r);
}

int main(int argc, char **argv)
{
  bloomy_client_options o = {.base_url = example_base(argc, argv)};
  int64_t id = argc > 2 ? strtoll(argv[2], NULL, 10) : 42;
  bloomy_client *client = NULL;
  bloomy_error *err = NULL;
  if (bloomy_client_new(&o, &client, &err) != 0) {
    bloomy_error_print(err, stderr);
    bloomy_error_free(err);
    return 1;
  }

  /* the five sub-requests, all in flight at once */
  parts p = {0};
  apic_group *group = NULL;
  bloomy_group_new(client, APIC_GROUP_GATHER, &group);
  apic_call_options opts = {.group = group};
  uint64_t start = apic_now_ms();
  bloomy_meetings_list_async(client, &opts, on_meetings, &p, NULL, NULL);
  bloomy_meetings_attendees_async(client, id, &opts, on_attendees, &p, NULL, NULL);
  bloomy_meetings_issues_async(client, id, NULL, &opts, on_issues, &p, NULL, NULL);
  bloomy_meetings_todos_async(client, id, &opts, on_todos, &p, NULL, NULL);
  bloomy_meetings_metrics_async(client, id, &opts, on_metrics, &p, NULL, NULL);
  apic_group_wait(group);
  printf("%zu requests at once, %d failed, in %" PRIu64 " ms\n", apic_group_size(group), p.failed,
         apic_now_ms() - start);
  apic_group_free(group);

  /* put them together: the meeting's name from the list, the rest pointed at */
  bloomy_meeting_details d = {.id = id};
  for (size_t i = 0; p.meetings != NULL && i < p.meetings->count; i++)
    if (p.meetings->items[i].id == id && d.name == NULL)
      d.name = p.meetings->items[i].name;
  if (p.attendees != NULL)
    d.attendees = p.attendees->items, d.attendees_count = p.attendees->count;
  if (p.issues != NULL)
    d.issues = p.issues->items, d.issues_count = p.issues->count;
  if (p.todos != NULL)
    d.todos = p.todos->items, d.todos_count = p.todos->count;
  if (p.metrics != NULL)
    d.metrics = p.metrics->items, d.metrics_count = p.metrics->count;

  printf("meeting %" PRId64 ": %s\n", d.id, d.name != NULL ? d.name : "(not in your meeting list)");
  printf("  %zu attendees, %zu issues, %zu to-dos, %zu metrics\n", d.attendees_count, d.issues_count,
         d.todos_count, d.metrics_count);
  for (size_t i = 0; i < d.attendees_count; i++)
    printf("  attendee: %s\n", d.attendees[i].name);
  for (size_t i = 0; i < d.issues_count; i++)
    printf("  issue: %s\n", d.issues[i].title);
  for (size_t i = 0; i < d.todos_count; i++)
    printf("  to-do: %s (%s)\n", d.todos[i].title, bloomy_todo_status_to_string(*d.todos[i].status));
  for (size_t i = 0; i < d.metrics_count; i++)
    printf("  metric: %s %s %g\n", d.metrics[i].title, bloomy_goal_direction_to_string(d.metrics[i].direction),
           d.metrics[i].target);
  bloomy_meeting_list_free(p.meetings);
  bloomy_attendee_list_free(p.attendees);
  bloomy_issue_list_free(p.issues);
  bloomy_todo_list_free(p.todos);
  bloomy_metric_list_free(p.metrics);
  bloomy_client_free(client, 0);
  return p.failed == 0 ? 0 : 1;
}
