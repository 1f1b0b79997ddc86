/* A web handler awaiting the client (seed: a FastAPI / aiohttp handler doing `result = await
 * client.run(...)` and answering with the output). The service is libmicrohttpd on one thread;
 * its handler never blocks it: it suspends the connection and hands the job to the SDK's loop
 * (a queue and a uv_async_t: libapic's calls start on the loop thread), and the run's callback
 * resumes the connection with the answer. To show it, the program sends itself eight requests
 * at once and checks that all eight were waiting on their runs together.
 *   inference_web [BASE_URL] */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <inference/inference.h>
#include <microhttpd.h>
#include <uv.h>

#include "example.h"

#define REQUESTS 8

enum { ARRIVING, WAITING, ANSWERED };

typedef struct job { /* one request, from the handler to the loop and back */
  struct MHD_Connection *conn;
  struct job *next;
  char prompt[128];
  char answer[256];
  int state;
} job;

typedef struct service {
  inference_client *client;
  uv_async_t wake, quit;
  pthread_mutex_t lock; /* the queue and the counters: shared by the two threads */
  job *queue;
  int waiting, most_waiting;
  int answered_ok; /* the test client's count, read after it is joined */
} service;

static service svc;

/* ---- the loop thread: runs the jobs --------------------------------------------------------- */

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  job *j = user_data;
  (void)lro, (void)err;
  snprintf(j->answer, sizeof j->answer, "{\"prompt\":\"%s\",\"run\":\"%s\",\"status\":\"%s\"}", j->prompt,
           status == 0 ? run->id : "", status == 0 ? inference_run_status_to_string(run->status) : apic_err_name(status));
  pthread_mutex_lock(&svc.lock);
  j->state = ANSWERED;
  svc.waiting--;
  pthread_mutex_unlock(&svc.lock);
  MHD_resume_connection(j->conn); /* the handler runs again and sends the answer */
}

static void start_jobs(uv_async_t *a)
{
  (void)a;
  pthread_mutex_lock(&svc.lock);
  job *j = svc.queue;
  svc.queue = NULL;
  pthread_mutex_unlock(&svc.lock);
  for (job *next; j != NULL; j = next) {
    next = j->next;
    cJSON *input = example_prompt(j->prompt);
    inference_run_request req = {.app = "infsh/flux-schnell", .input = input};
    inference_runs_run_and_wait_async(svc.client, &req, NULL, NULL, on_done, j, NULL, NULL);
    cJSON_Delete(input);
  }
}

/* ---- the HTTP thread: POST /generate?prompt=... ----------------------------------------------- */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
  job *j = *con_cls;
  (void)cls, (void)version, (void)upload;
  if (strcmp(method, "POST") != 0 || strcmp(url, "/generate") != 0)
    return MHD_NO;
  if (j == NULL) { /* the request's first call: its job, started on the loop */
    const char *prompt = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "prompt");
    if ((j = *con_cls = calloc(1, sizeof *j)) == NULL)
      return MHD_NO;
    j->conn = c;
    snprintf(j->prompt, sizeof j->prompt, "%s", prompt != NULL ? prompt : "");
    return MHD_YES;
  }
  if (*upload_size > 0) { /* a body: this service reads only the query */
    *upload_size = 0;
    return MHD_YES;
  }
  if (j->state == ARRIVING) { /* the request is in: hand it over, and wait */
    j->state = WAITING;
    pthread_mutex_lock(&svc.lock);
    j->next = svc.queue;
    svc.queue = j;
    svc.most_waiting = ++svc.waiting > svc.most_waiting ? svc.waiting : svc.most_waiting;
    pthread_mutex_unlock(&svc.lock);
    MHD_suspend_connection(c); /* this thread goes on serving the others */
    uv_async_send(&svc.wake);
    return MHD_YES;
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(j->answer), j->answer, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  (void)cls, (void)c, (void)toe;
  free(*con_cls);
}

/* ---- a client of the service: eight requests at once ------------------------------------------ */

static size_t keep(char *p, size_t size, size_t n, void *ud)
{
  strncat(ud, p, size * n < 255 - strlen(ud) ? size * n : 255 - strlen(ud));
  return size * n;
}

static void *send_requests(void *arg)
{
  unsigned short port = *(unsigned short *)arg;
  static char bodies[REQUESTS][256];
  CURLM *multi = curl_multi_init();
  for (int i = 0; i < REQUESTS; i++) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/generate?prompt=sunset-%d", port, i);
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, bodies[i]);
    curl_multi_add_handle(multi, e);
  }
  for (int running = 1; running > 0;) {
    curl_multi_perform(multi, &running);
    curl_multi_poll(multi, NULL, 0, 100, NULL);
  }
  CURLMsg *m;
  int left, ok = 0;
  while ((m = curl_multi_info_read(multi, &left)) != NULL) {
    curl_multi_remove_handle(multi, m->easy_handle);
    curl_easy_cleanup(m->easy_handle);
  }
  curl_multi_cleanup(multi);
  for (int i = 0; i < REQUESTS; i++)
    ok += strstr(bodies[i], "\"status\":\"completed\"") != NULL;
  printf("%s\n%d of %d requests answered with their completed run\n", bodies[0], ok, REQUESTS);
  svc.answered_ok = ok;
  uv_async_send(&svc.quit);
  return NULL;
}

static void stop(uv_async_t *a)
{
  (void)a;
  uv_stop(inference_client_loop(svc.client));
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  if (inference_client_new(&o, &svc.client, NULL) != 0)
    return 1;
  pthread_mutex_init(&svc.lock, NULL);
  uv_async_init(inference_client_loop(svc.client), &svc.wake, start_jobs);
  uv_async_init(inference_client_loop(svc.client), &svc.quit, stop);
  struct sockaddr_in loopback = {.sin_family = AF_INET, .sin_port = 0}; /* 127.0.0.1, a free port */
  loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
                                          handle, NULL, MHD_OPTION_SOCK_ADDR, &loopback, MHD_OPTION_NOTIFY_COMPLETED,
                                          request_done, NULL, MHD_OPTION_END);
  if (d == NULL)
    return 1;
  unsigned short port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
  printf("the service listens on 127.0.0.1:%u; POST /generate?prompt=... x%d at once\n", port, REQUESTS);
  pthread_t client;
  pthread_create(&client, NULL, send_requests, &port);
  uv_run(inference_client_loop(svc.client), UV_RUN_DEFAULT); /* the SDK's loop, until the client is done */
  pthread_join(client, NULL);
  printf("the handler thread never blocked: %d requests were waiting on their runs at once\n", svc.most_waiting);
  MHD_stop_daemon(d);
  uv_close((uv_handle_t *)&svc.wake, NULL);
  uv_close((uv_handle_t *)&svc.quit, NULL);
  inference_client_free(svc.client, 0); /* runs the loop once more: the handles close */
  pthread_mutex_destroy(&svc.lock);
  return svc.answered_ok == REQUESTS && svc.most_waiting >= 2 ? 0 : 1; /* one at a time: a blocked handler */
}
