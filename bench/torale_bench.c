/* The generated Torale SDK under load, against bench/fixed_server (which answers every request
 * with the same task). Modes:
 *   async-get BASE N CONC  N torale_tasks_get_async calls, CONC in flight (a new one starts in
 *                          each callback), each answer decoded into a torale_task
 *   sync-get BASE N        N sequential torale_tasks_get calls
 * Prints the bench/run.sh line, then rps=... as its last line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "torale/torale.h"

typedef struct run {
  torale_client *c;
  long n, started, done, failures;
} run;

static void start_one(run *r);

static void on_task(apic_call *call, int status, const torale_task *task, const torale_error *err, void *ud)
{
  run *r = ud;
  (void)call, (void)err;
  if (status != 0 || task == NULL || task->id == NULL)
    r->failures++;
  r->done++;
  if (r->started < r->n)
    start_one(r);
}

static void start_one(run *r)
{
  r->started++;
  if (torale_tasks_get_async(r->c, "t1", NULL, on_task, r, NULL, NULL) != 0) {
    r->failures++;
    r->done++;
  }
}

static void run_async(run *r, long conc)
{
  while (r->started < conc && r->started < r->n)
    start_one(r);
  torale_client_run(r->c);
}

static void run_sync(run *r)
{
  for (; r->done < r->n; r->done++) {
    torale_task *task = NULL;
    torale_error *err = NULL;
    if (torale_tasks_get(r->c, "t1", NULL, &task, &err) != 0)
      r->failures++;
    torale_task_free(task);
    torale_error_free(err);
  }
}

int main(int argc, char **argv)
{
  int async = argc == 5 && strcmp(argv[1], "async-get") == 0;
  int sync = argc == 4 && strcmp(argv[1], "sync-get") == 0;
  long n = argc >= 4 ? strtol(argv[3], NULL, 10) : 0, conc = async ? strtol(argv[4], NULL, 10) : 1;
  if ((!async && !sync) || n <= 0 || n > 10000000 || conc <= 0 || conc > 4096) {
    fprintf(stderr, "usage: torale_bench async-get BASE N CONC | sync-get BASE N\n");
    return 2;
  }
  torale_client_options o = {.base_url = argv[2], .api_key = "bench"};
  o.http.max_concurrency = (unsigned)conc;
  run r = {NULL, n, 0, 0, 0};
  torale_error *err = NULL;
  if (torale_client_new(&o, &r.c, &err) != 0) {
    torale_error_print(err, stderr);
    torale_error_free(err);
    return 1;
  }
  double t0 = bench_now_s();
  if (async)
    run_async(&r, conc);
  else
    run_sync(&r);
  double secs = bench_now_s() - t0;
  bench_report(async ? "torale_async" : "torale_sync", n, async ? conc : 1, secs, r.failures);
  printf("rps=%.0f\n", (double)n / secs);
  torale_client_free(r.c, 0);
  return r.failures == 0 ? 0 : 1;
}
