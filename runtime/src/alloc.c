/* The allocator every libapic allocation goes through (apic/alloc.h). */
#include "apic/alloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

static void *std_malloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void *std_realloc(void *ctx, void *ptr, size_t size) { (void)ctx; return realloc(ptr, size); }
static void std_free(void *ctx, void *ptr) { (void)ctx; free(ptr); }

static apic_allocator current = {std_malloc, std_realloc, std_free, NULL};
static int hooks_set; /* cJSON_InitHooks done for the current allocator */

int apic_set_allocator(const apic_allocator *a)
{
  if (a == NULL) {
    current = (apic_allocator){std_malloc, std_realloc, std_free, NULL};
  } else {
    if (a->malloc == NULL || a->realloc == NULL || a->free == NULL)
      return APIC_ERR_INVALID_ARG;
    current = *a;
  }
  hooks_set = 0;
  apic__json_hooks();
  return 0;
}

static void *json_malloc(size_t size) { return apic__malloc(size); }

void apic__json_hooks(void)
{
  if (hooks_set)
    return;
  /* Not cJSON's realloc path: with custom hooks cJSON falls back to malloc + copy. */
  cJSON_Hooks h = {json_malloc, apic__free};
  cJSON_InitHooks(&h);
  hooks_set = 1;
}

void *apic__malloc(size_t size)
{
  return current.malloc(current.ctx, size ? size : 1);
}

void *apic__calloc(size_t n, size_t size)
{
  if (size != 0 && n > SIZE_MAX / size)
    return NULL;
  void *p = apic__malloc(n * size);
  if (p != NULL)
    memset(p, 0, n * size);
  return p;
}

void *apic__realloc(void *ptr, size_t size)
{
  return current.realloc(current.ctx, ptr, size ? size : 1);
}

/* Keeps errno: custom allocators may not be so careful (as libuv's uv__free says). */
void apic__free(void *ptr)
{
  if (ptr == NULL)
    return;
  int saved = errno;
  current.free(current.ctx, ptr);
  errno = saved;
}

void *apic_malloc(size_t size)
{
  return apic__malloc(size);
}

void apic_free(void *ptr)
{
  apic__free(ptr);
}

char *apic__strndup(const char *s, size_t n)
{
  char *p = apic__malloc(n + 1);
  if (p != NULL) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

int apic__strcasecmp(const char *a, const char *b)
{
  return apic__strncasecmp(a, b, (size_t)-1);
}

int apic__strncasecmp(const char *a, const char *b, size_t n)
{
  for (; n > 0; n--, a++, b++) {
    int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
    if (d != 0 || *a == '\0')
      return d;
  }
  return 0;
}
