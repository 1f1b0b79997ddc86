/* Blocks for the generator's arenas (the AST's, and the view model's, view.h) and its large
 * growing buffers (strbuf). A
 * large spec's run is mostly spent touching fresh memory, one page fault per 4 KB page (over
 * 10 us each on a virtual machine); blocks of 256 KB or more are whole 2 MB pages placed on
 * huge-page boundaries and advised to use transparent huge pages, one fault per 2 MB. Smaller
 * blocks come from the heap, so a small spec pays nothing for this. */
#ifndef APIC_BIGMEM_H
#define APIC_BIGMEM_H

#include <stddef.h>

/* size bytes, zeroed, aligned for any object; NULL when out of memory. Free with the same size. */
void *big_alloc(size_t size);
void big_free(void *p, size_t size);

/* realloc for a growable buffer (free() frees it) to *size bytes: old holds `used` bytes to
 * keep. From 256 KB on, the new memory is whole huge pages, advised before it is touched, and
 * *size grows to all of them (realloc's pages would each fault alone, and a small page's fault
 * costs as much as a huge page's: a buffer of megabytes would be hundreds of faults). */
void *big_heap_grow(void *old, size_t used, size_t *size);

/* The size of an arena's next block, growing with the arena: `used` bytes held already, the
 * block must hold `need`. Doubles from 64 KB to 64 MB; from 256 KB on, rounded up to whole huge
 * pages (the arena can use all that big_alloc maps). */
size_t big_block_size(size_t used, size_t need);

#endif
