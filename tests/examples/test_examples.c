/* Every example runs against the generated mock servers (in-process, ephemeral ports; Bloomy's
 * preloaded with examples/bloomy-data.json), exits 0, and prints the line that shows its point.
 * The programs' directory comes from the build (EXAMPLES_DIR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "bloomy_mock.h"
#include "torale_mock.h"

typedef struct example {
  const char *name;
  const char *expect; /* a line (or part of one) its output must have */
} example;

static const example examples[] = {
    {"quickstart", "listed 1 task(s)"},
    {"gather", "task 3: "},
    {"fetch_many", "3 found, 2 missing"},
    {"errors", "detail: $.schedule: not a cron expression"},
    {"batch_pause", "paused 8 of 8 tasks"},
    {"limited_concurrency", "100 calls done (100 ok)"},
    {"retries", "attempt 3: status 200"},
    {"timeouts", "shared deadline: 3 of 3 calls timed out together"},
    {"fail_fast", "ff-slow1 CANCELLED"},
    {"streaming", "stream ended after 5 events"},
    {"as_completed", "[12/12]"},
    {"producer_consumer", "30 of 30 jobs done"},
    {"pagination", "25 tasks in all"},
    {"shutdown", "5 finished, 5 cancelled"},
    {"sync_script", "task(s) paused"},
    {"bloomy_meeting", "3 attendees, 1 issues, 2 to-dos, 1 metrics"},
};

/* Runs one example against port; returns its exit status with its output in out. */
static int run(const char *name, unsigned short port, char *out, size_t size)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "TORALE_API_KEY=k BLOOMY_API_KEY=k timeout 30 %s/%s http://127.0.0.1:%u 2>&1",
           EXAMPLES_DIR, name, (unsigned)port);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t len = 0, n;
  while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, p)) > 0)
    len += n;
  out[len] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void every_example(void **state)
{
  (void)state;
  torale_mock *tm = NULL;
  bloomy_mock *bm = NULL;
  bloomy_mock_options bo = bloomy_mock_options_default();
  bo.data_file = "examples/bloomy-data.json";
  assert_int_equal(torale_mock_start(NULL, &tm, NULL), 0);
  assert_int_equal(bloomy_mock_start(&bo, &bm, NULL), 0);
  static char out[65536];
  for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
    const example *e = &examples[i];
    unsigned short port = strncmp(e->name, "bloomy_", 7) == 0 ? bloomy_mock_port(bm) : torale_mock_port(tm);
    int rc = run(e->name, port, out, sizeof out);
    if (rc != 0 || strstr(out, e->expect) == NULL)
      fprintf(stderr, "example %s (exit %d) printed:\n%s\n", e->name, rc, out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, e->expect));
  }
  bloomy_mock_stop(bm);
  torale_mock_stop(tm);
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(every_example)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
