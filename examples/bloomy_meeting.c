/* Meeting details (the Bloomy seed: meeting.details(id) fetches the meeting list, the attendees,
 * the issues, the to-dos and the metrics; with the async client these five sub-requests run
 * concurrently). Here: five typed calls in one gather group, put together into the spec's
 * MeetingDetails model. The API key comes from $BLOOMY_API_KEY (sent as X-API-Key).
 *   bloomy_meeting [BASE_URL] [MEETING_ID] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bloomy/bloomy.h>

#include "example.h"

/* What the five callbacks fill in; each array is ours (clear, then free). */
typedef struct parts {
  bloomy_meeting_array *meetings;
  bloomy_attendee_array *attendees;
  bloomy_issue_array *issues;
  bloomy_todo_array *todos;
  bloomy_metric_array *metrics;
  int failed;
} parts;

static void report(parts *p, const char *what, bloomy_error *e)
{
  printf("  %s: ", what);
  bloomy_error_print(e, stdout);
  bloomy_error_free(e);
  p->failed++;
}

/* One callback per result type: keep the array, or report the error. */
static void on_meetings(apic_call *c, int s, bloomy_meeting_array *r, bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "meetings", e);
  ((parts *)ud)->meetings = r;
}
static void on_attendees(apic_call *c, int s, bloomy_attendee_array *r, bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "attendees", e);
  ((parts *)ud)->attendees = r;
}
static void on_issues(apic_call *c, int s, bloomy_issue_array *r, bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "issues", e);
  ((parts *)ud)->issues = r;
}
static void on_todos(apic_call *c, int s, bloomy_todo_array *r, bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "todos", e);
  ((parts *)ud)->todos = r;
}
static void on_metrics(apic_call *c, int s, bloomy_metric_array *r, bloomy_error *e, void *ud)
{
  (void)c;
  if (s != 0)
    report(ud, "metrics", e);
  ((parts *)ud)->metrics = r;
}

/* Moves an array's items into a model's array field (same allocator), and frees the shell. */
#define MOVE(dst, dst_count, arr)   \
  do {                              \
    if ((arr) != NULL) {            \
      (dst) = (arr)->items;         \
      (dst_count) = (arr)->count;   \
      free(arr);                    \
    }                               \
  } while (0)

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

  /* the five sub-requests, all in flight at once */
  parts p = {0};
  apic_group *group = NULL;
  apic_group_new(bloomy_client_core(client), APIC_GROUP_GATHER, &group);
  apic_call_options opts = APIC_CALL_OPTIONS_INIT;
  opts.group = group;
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

  /* put them together: the meeting's name from the list, the rest moved in */
  bloomy_meeting_details d;
  bloomy_meeting_details_init(&d);
  d.id = id;
  for (size_t i = 0; p.meetings != NULL && i < p.meetings->count; i++)
    if (p.meetings->items[i].id == id && d.name == NULL)
      d.name = strdup(p.meetings->items[i].name);
  if (p.meetings != NULL)
    bloomy_meeting_array_clear(p.meetings);
  free(p.meetings);
  MOVE(d.attendees, d.attendees_count, p.attendees);
  MOVE(d.issues, d.issues_count, p.issues);
  MOVE(d.todos, d.todos_count, p.todos);
  MOVE(d.metrics, d.metrics_count, p.metrics);

  printf("meeting %" PRId64 ": %s\n", d.id, d.name != NULL ? d.name : "(not in your meeting list)");
  printf("  %zu attendees, %zu issues, %zu to-dos, %zu metrics\n", d.attendees_count, d.issues_count,
         d.todos_count, d.metrics_count);
  for (size_t i = 0; i < d.attendees_count; i++)
    printf("  attendee: %s\n", d.attendees[i].name);
  for (size_t i = 0; i < d.issues_count; i++)
    printf("  issue: %s\n", d.issues[i].title);
  for (size_t i = 0; i < d.todos_count; i++)
    printf("  to-do: %s (%s)\n", d.todos[i].title, bloomy_todo_status_to_string(d.todos[i].status));
  for (size_t i = 0; i < d.metrics_count; i++)
    printf("  metric: %s %s %g\n", d.metrics[i].title, bloomy_goal_direction_to_string(d.metrics[i].direction),
           d.metrics[i].target);
  bloomy_meeting_details_clear(&d);
  bloomy_client_free(client, 0);
  return p.failed == 0 ? 0 : 1;
}
