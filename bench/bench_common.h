/* What the runtime benchmarks share: the clock, peak RSS, argument parsing and the one-line
 * result format that bench/run.sh turns into a table. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long bench_peak_rss_kb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* The process's CPU time so far (user + system), in seconds: less disturbed than the wall
 * clock by other work on a shared machine, though it does not see time spent waiting. */
static inline double bench_cpu_s(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Allocations so far, counted by bench/count_allocs.c when it is preloaded (bench/run.sh does);
 * -1 without it. */
static inline long bench_allocs(void)
{
  long (*count)(void);
  *(void **)&count = dlsym(RTLD_DEFAULT, "bench_alloc_count");
  return count != NULL ? count() : -1;
}

/* "<name> <requests> <in flight> <seconds> <requests/s> <us/request> <peak RSS KiB> <failures>
 *  <CPU us/request> <allocations/request>"; CPU time and allocations count from process start
 *  (set-up included: small next to thousands of requests); -1 allocations: not counted. */
static inline void bench_report(const char *name, long n, long c, double secs, long failures)
{
  long allocs = bench_allocs();
  printf("%s %ld %ld %.3f %.0f %.1f %ld %ld %.1f %.1f\n", name, n, c, secs, (double)n / secs,
         secs * 1e6 / (double)n, bench_peak_rss_kb(), failures, bench_cpu_s() * 1e6 / (double)n,
         allocs < 0 ? -1.0 : (double)allocs / (double)n);
}

/* argv: URL N C, with N and C positive and bounded. */
static inline int bench_args(int argc, char **argv, long *n, long *c)
{
  if (argc < 4)
    return -1;
  *n = strtol(argv[2], NULL, 10);
  *c = strtol(argv[3], NULL, 10);
  return (*n > 0 && *n <= 10000000 && *c > 0 && *c <= 4096) ? 0 : -1;
}

#endif
