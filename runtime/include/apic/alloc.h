/* libapic: process-wide setup and the allocator every libapic allocation goes through. */
#ifndef APIC_ALLOC_H
#define APIC_ALLOC_H

#include <stddef.h>

#include "apic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Allocation hooks with a context pointer, so a test can count allocations or fail the Nth. */
typedef struct apic_allocator {
  void *(*malloc)(void *ctx, size_t size);
  void *(*realloc)(void *ctx, void *ptr, size_t size);
  void (*free)(void *ctx, void *ptr);
  void *ctx;
} apic_allocator;

/** @brief Replaces the allocator (NULL restores malloc/realloc/free). Call before any other
 *  libapic function, from one thread; objects allocated before must not be freed after.
 *  @retval APIC_ERR_INVALID_ARG a hook is NULL. */
APIC_EXPORT int apic_set_allocator(const apic_allocator *a);

/** @brief size bytes from libapic's allocator (NULL when out of memory), for buffers a caller
 *  hands to libapic to free. */
APIC_EXPORT void *apic_malloc(size_t size);
/** @brief Frees a buffer libapic returned with no free function of its own (apic_value_dump's
 *  text, a generated `_dump`'s), or one from apic_malloc. NULL is fine. */
APIC_EXPORT void apic_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
