/* Every example runs as make demo runs it: a child process given the base URL of a mock server
 * (libapic-mock, in-process here, on an ephemeral port, nothing preloaded) and the API key and
 * the mock's admin token in the environment, in the order of EXAMPLES (examples/examples.mk),
 * all against the same two servers. Each must exit 0 within a time limit and print every line examples/expected.txt
 * gives it. Under APIC_UNDER_VALGRIND the children run under valgrind too (leaks are errors).
 * The build passes EXAMPLES_DIR, EXAMPLE_NAMES and EXPECTED_FILE. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bloomy_mock.h"
#include "inference_mock.h"
#include "petstore_mock.h"
#include "torale_mock.h"

#define MAX_EXAMPLES 64
#define OUT_SIZE (1 << 16)

static torale_mock *torale;
static bloomy_mock *bloomy;
static inference_mock *inference;
static petstore_mock *petstore;
static char *expected; /* examples/expected.txt */

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  static char buf[OUT_SIZE];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs EXAMPLES_DIR/name BASE with stdout and stderr into out; killed after limit_ms.
 * Returns its exit status, or -1 when it was killed or died of a signal. */
static int run(const char *name, const char *url, char *out, size_t size, int limit_ms)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", EXAMPLES_DIR, name);
  int valgrind = getenv("APIC_UNDER_VALGRIND") != NULL;
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    if (valgrind)
      execlp("valgrind", "valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
             "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99", path, url, (char *)NULL);
    else
      execl(path, path, url, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t len = 0;
  int64_t deadline = now_ms() + limit_ms;
  int killed = 0;
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      kill(pid, SIGKILL);
      killed = 1;
      break;
    }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      continue;
    char chunk[4096];
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n <= 0)
      break; /* EOF: the child (and anything it started) closed its output */
    size_t keep = (size_t)n < size - 1 - len ? (size_t)n : size - 1 - len;
    memcpy(out + len, chunk, keep);
    len += keep;
  }
  out[len] = '\0';
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (killed) {
    fprintf(stderr, "example %s was killed after %d ms\n", name, limit_ms);
    return -1;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The expectations for name: the rest of each line of expected.txt that starts "name ". */
static void test_example(void **state)
{
  const char *name = *state;
  const char *url = strncmp(name, "bloomy_", 7) == 0      ? bloomy_mock_url(bloomy)
                    : strncmp(name, "inference_", 10) == 0 ? inference_mock_url(inference)
                    : strncmp(name, "petstore_", 9) == 0   ? petstore_mock_url(petstore)
                                                           : torale_mock_url(torale);
  int limit = getenv("APIC_UNDER_VALGRIND") != NULL ? 120000 : 20000;
  static char out[OUT_SIZE];
  int rc = run(name, url, out, sizeof out, limit);
  int missing = 0, lines = 0;
  size_t nlen = strlen(name);
  for (const char *l = expected; *l != '\0'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
    if (strncmp(l, name, nlen) != 0 || l[nlen] != ' ')
      continue;
    const char *text = l + nlen + 1, *end = strchr(text, '\n');
    char want[512];
    snprintf(want, sizeof want, "%.*s", (int)(end ? end - text : (ptrdiff_t)strlen(text)), text);
    lines++;
    if (strstr(out, want) == NULL) {
      fprintf(stderr, "example %s did not print: %s\n", name, want);
      missing++;
    }
  }
  if (rc != 0 || missing > 0 || lines == 0)
    fprintf(stderr, "example %s exited %d and printed:\n%s\n", name, rc, out);
  assert_int_equal(rc, 0);
  assert_true(lines > 0); /* every example has expectations */
  assert_int_equal(missing, 0);
}

static int start(void **state)
{
  (void)state;
  setenv("TORALE_API_KEY", "example-key", 1);
  setenv("BLOOMY_API_KEY", "example-key", 1);
  setenv("INFERENCE_API_KEY", "example-key", 1);
  setenv("PETSTORE_API_KEY", "example-key", 1);
  setenv("PETSTORE_OAUTH", "example-oauth-token", 1);
  setenv("APIC_MOCK_TOKEN", "example-admin-token", 1); /* what example.c sends to the admin endpoints */
  torale_mock_options o = torale_mock_options_default();
  o.admin_token = "example-admin-token";
  expected = slurp(EXPECTED_FILE);
  if (expected == NULL || torale_mock_start(&o, &torale, NULL) != 0 || bloomy_mock_start(&o, &bloomy, NULL) != 0 ||
      inference_mock_start(&o, &inference, NULL) != 0 || petstore_mock_start(&o, &petstore, NULL) != 0)
    return -1;
  return 0;
}

static int stop(void **state)
{
  (void)state;
  torale_mock_stop(torale);
  bloomy_mock_stop(bloomy);
  inference_mock_stop(inference);
  petstore_mock_stop(petstore);
  return 0;
}

int main(void)
{
  static char names[] = EXAMPLE_NAMES;
  struct CMUnitTest tests[MAX_EXAMPLES];
  size_t n = 0;
  for (char *save = NULL, *name = strtok_r(names, " ", &save); name != NULL && n < MAX_EXAMPLES;
       name = strtok_r(NULL, " ", &save))
    tests[n++] = (struct CMUnitTest){name, test_example, NULL, NULL, name};
  return _cmocka_run_group_tests("examples", tests, n, start, stop);
}
