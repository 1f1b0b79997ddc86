/* LD_PRELOAD shim for the benchmarks: counts every malloc, calloc and realloc of the process
 * (libcurl's, libuv's, cJSON's and libapic's alike) and hands the count to bench_report through
 * bench_alloc_count (found with dlsym), so allocations per request are measured the same way for
 * the SDK and for the plain libcurl loop. */
#include <stdatomic.h>
#include <stddef.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static atomic_long count;

long bench_alloc_count(void);
long bench_alloc_count(void)
{
  return atomic_load(&count);
}

void *malloc(size_t size)
{
  atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
  return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
  atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
  return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
  atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
  return __libc_realloc(p, size);
}
