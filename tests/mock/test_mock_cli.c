/* libapic-mock: the CLI as a child process (apic-mock-dev runs apic_mock_main): the
 * "listening on" line, SIGTERM with a request in flight, option errors. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_http.h"

/* Runs apic-mock-dev with args; *out_fd reads its stdout. */
static pid_t spawn(char *const args[], int *out_fd)
{
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]), close(fds[1]);
    execv(MOCK_DEV, args);
    _exit(127);
  }
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

static int exit_status(pid_t pid)
{
  int st = 0;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st));
  return WEXITSTATUS(st);
}

typedef struct inflight {
  unsigned short port;
  long status;
  char *body;
} inflight;

static size_t keep(char *d, size_t s, size_t n, void *cls)
{
  inflight *f = cls;
  (void)d;
  if (f->body == NULL)
    f->body = strdup("got");
  return s * n;
}

static size_t collect(char *d, size_t s, size_t n, void *cls)
{
  mt_resp *r = cls;
  char *bigger = realloc(r->body, r->len + s * n + 1);
  if (bigger == NULL)
    return 0;
  memcpy(bigger + r->len, d, s * n);
  r->body = bigger, r->len += s * n, r->body[r->len] = '\0';
  return s * n;
}

static void *request(void *arg)
{
  inflight *f = arg;
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/tasks", f->port);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer k");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return NULL;
}

/* Polls /__mock/stats until one request is active (bounded: about 5 s). */
static int wait_in_flight(unsigned short port)
{
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/__mock/stats", port);
  for (int i = 0; i < 250; i++) {
    mt_resp r;
    memset(&r, 0, sizeof r);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
    cJSON *j = mt_json(&r);
    int active = cJSON_GetObjectItem(j, "active") != NULL ? cJSON_GetObjectItem(j, "active")->valueint : 0;
    cJSON_Delete(j);
    mt_free(&r);
    if (active >= 1)
      return 1;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return 0;
}

static void sigterm_with_request_in_flight(void **state)
{
  (void)state;
  char *args[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"0",
                  (char *)"--latency", (char *)"1500", NULL};
  int fd;
  pid_t pid = spawn(args, &fd);
  char line[128] = "";
  FILE *out = fdopen(fd, "r");
  assert_non_null(fgets(line, sizeof line, out));
  fclose(out);
  unsigned port = 0;
  assert_int_equal(sscanf(line, "listening on 127.0.0.1:%u", &port), 1);
  assert_true(port > 0 && port < 65536);
  inflight f = {(unsigned short)port, 0, NULL};
  pthread_t th;
  pthread_create(&th, NULL, request, &f);
  assert_true(wait_in_flight(f.port)); /* the request is in its latency */
  kill(pid, SIGTERM);
  pthread_join(th, NULL);
  assert_int_equal(f.status, 200); /* finished, not cut */
  assert_non_null(f.body);
  free(f.body);
  assert_int_equal(exit_status(pid), 0);
}

static void options(void **state)
{
  (void)state;
  char *help[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--help", NULL};
  char *bad[] = {(char *)MOCK_DEV, (char *)MOCK_SPEC_DIR "/torale.json", (char *)"--port", (char *)"99999", NULL};
  char *nospec[] = {(char *)MOCK_DEV, (char *)"/nonexistent.json", NULL};
  int fd;
  pid_t pid = spawn(help, &fd);
  char text[4096];
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  assert_int_equal(exit_status(pid), 0);
  assert_true(n > 0);
  text[n] = '\0';
  assert_non_null(strstr(text, "--seed"));
  pid = spawn(bad, &fd);
  close(fd);
  assert_int_equal(exit_status(pid), 2);
  pid = spawn(nospec, &fd);
  close(fd);
  assert_int_equal(exit_status(pid), 1);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_ALL);
  const struct CMUnitTest tests[] = {cmocka_unit_test(sigterm_with_request_in_flight), cmocka_unit_test(options)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
