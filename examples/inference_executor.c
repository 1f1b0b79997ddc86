/* Blocking work off the loop (seed: `loop.run_in_executor(pool, blocking_io_task, path)`):
 * reading and checksumming a file is blocking I/O, so it runs on libuv's thread pool
 * (uv_queue_work) while three runs go on on the loop; their status updates keep coming while
 * the worker blocks, and the checksum comes back to the loop thread when it is done.
 *   inference_executor [BASE_URL] */
#include <stdint.h>
#include <stdio.h>

#include <inference/inference.h>
#include <uv.h>

#include "example.h"

typedef struct checksum {
  uv_work_t req;
  const char *path;
  uint64_t sum;
  size_t bytes;
  int done, updates_meanwhile;
} checksum;

static int updates; /* status updates seen on the loop */

/* On a pool thread: blocking reads (and a slow disk, 300 ms). Touches nothing of the loop's. */
static void read_file(uv_work_t *req)
{
  checksum *c = req->data;
  FILE *f = fopen(c->path, "rb");
  unsigned char buf[65536];
  size_t n;
  c->sum = 1469598103934665603u;
  while (f != NULL && (n = fread(buf, 1, sizeof buf, f)) > 0)
    for (size_t i = 0; i < n; i++, c->bytes++)
      c->sum = (c->sum ^ buf[i]) * 1099511628211u;
  if (f != NULL)
    fclose(f);
  uv_sleep(300);
}

/* Back on the loop thread. */
static void file_read(uv_work_t *req, int status)
{
  checksum *c = req->data;
  (void)status;
  c->done = 1;
  c->updates_meanwhile = updates;
  printf("checksum of %zu bytes: %016llx (computed on a worker thread)\n", c->bytes, (unsigned long long)c->sum);
}

static void on_status(const char *status, void *user_data)
{
  (void)user_data;
  updates++;
  printf("  a run is %s\n", status);
}

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  (void)lro, (void)run, (void)err, (void)user_data;
  printf("  a run ended: %s\n", status == 0 ? "completed" : apic_err_name(status));
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  checksum c = {.path = argv[0]};
  c.req.data = &c;
  uv_queue_work(inference_client_loop(client), &c.req, read_file, file_read);
  apic_lro_options w = {.on_status = on_status};
  cJSON *input = example_prompt("...");
  inference_run_request req = {.app = "processor", .input = input};
  for (int i = 0; i < 3; i++)
    inference_runs_run_and_wait_async(client, &req, NULL, &w, on_done, NULL, NULL, NULL);
  cJSON_Delete(input);
  inference_client_run(client); /* the runs */
  while (!c.done) /* and the work, if it is still going */
    uv_run(inference_client_loop(client), UV_RUN_ONCE);
  printf("%d status updates arrived while the blocking work ran\n", c.updates_meanwhile);
  inference_client_free(client, 0);
  return c.bytes > 0 && c.updates_meanwhile >= 3 ? 0 : 1;
}
