/* A fixed-response HTTP server for the runtime benchmarks: libmicrohttpd on 127.0.0.1 with an
 * epoll internal thread, every request answered with the same ~400-byte Torale task, kept
 * alive. Prints its port, then serves until stdin closes (at most 10 minutes). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>

static const char TASK_JSON[] =
    "{\"id\":\"tsk_01HZX3Q8M2N4P6R8T0V2W4Y6A8\",\"name\":\"Watch the Rust 2.0 release\","
    "\"search_query\":\"When is Rust 2.0 released?\",\"condition_description\":\"An official "
    "release date for Rust 2.0 has been announced\",\"schedule\":\"0 9 * * *\",\"state\":"
    "\"active\",\"notify_behavior\":\"once\",\"last_known_state\":{\"announced\":false},"
    "\"created_at\":\"2026-11-20T09:15:00Z\",\"updated_at\":\"2026-11-22T09:15:04Z\","
    "\"last_execution_at\":\"2026-11-23T09:00:02Z\",\"executions\":12,\"owner\":\"usr_42\"}";

static struct MHD_Response *reply;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
  (void)cls; (void)url; (void)method; (void)version; (void)upload;
  static int seen; /* any non-NULL marker: the request's first call only reads headers */
  if (!*req_cls) {
    *req_cls = &seen;
    return MHD_YES;
  }
  if (*upload_size) { /* a body is read and ignored */
    *upload_size = 0;
    return MHD_YES;
  }
  /* Queued only once the request is whole: queued earlier, MHD closes the connection. */
  return MHD_queue_response(c, MHD_HTTP_OK, reply);
}

int main(void)
{
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  reply = MHD_create_response_from_buffer(sizeof TASK_JSON - 1, (void *)TASK_JSON,
                                          MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(reply, "Content-Type", "application/json");
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, answer, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 1024u,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
  if (!d) {
    fputs("fixed_server: could not start\n", stderr);
    return 1;
  }
  printf("%u\n", (unsigned)MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
  fflush(stdout);
  struct pollfd in = {.fd = 0, .events = POLLIN};
  char buf[64];
  for (int s = 0; s < 600; s++) /* bounded: the run script closes stdin long before */
    if (poll(&in, 1, 1000) > 0 && read(0, buf, sizeof buf) <= 0)
      break;
  MHD_stop_daemon(d);
  MHD_destroy_response(reply);
  return 0;
}
