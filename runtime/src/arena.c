/* Arenas: a value libapic hands out (a decoded response, a copy) lives in one chain of
 * blocks, the value itself first, so apic_value_free frees it whole whatever the caller did
 * to its pointers, and decoding a response takes one allocation in the common case. */
#include <stdint.h>
#include <string.h>

#include "codec.h"
#include "internal.h"

#define ALIGN _Alignof(max_align_t)
#define ROUND(n) (((n) + ALIGN - 1) / ALIGN * ALIGN)
#define MAGIC 0x61726e61u /* "arna": tells a value from memory that is not one */

typedef struct chunk {
  struct chunk *next;
  char *data;
  size_t used, cap;
} chunk;

typedef struct kept_json {
  struct kept_json *next;
  cJSON *json;
} kept_json;

struct apic__arena {
  unsigned magic;
  chunk *cur;       /* where allocations go: the newest chunk */
  kept_json *jsons; /* `any` values, deleted with the arena */
  chunk first;      /* its data, starting with the value, follows this header */
};

#define HEADER ROUND(sizeof(apic__arena))

void *apic__arena_new(size_t size, size_t hint, apic__arena **out)
{
  size_t cap = ROUND(size) + ROUND(hint);
  if (cap < size || HEADER + cap < cap)
    return NULL;
  apic__arena *a = apic__malloc(HEADER + cap);
  if (a == NULL)
    return NULL;
  a->magic = MAGIC;
  a->jsons = NULL;
  a->first = (chunk){NULL, (char *)a + HEADER, ROUND(size), cap};
  a->cur = &a->first;
  memset(a->first.data, 0, size);
  if (out != NULL)
    *out = a;
  return a->first.data;
}

apic__arena *apic__arena_of(void *value)
{
  if (value == NULL)
    return NULL;
  apic__arena *a = (apic__arena *)((char *)value - HEADER);
  return a->magic == MAGIC && a->first.data == value ? a : NULL;
}

void *apic__arena_alloc(apic__arena *a, size_t size)
{
  size_t need = ROUND(size);
  if (need < size)
    return NULL;
  chunk *c = a->cur;
  if (c->cap - c->used < need) {
    size_t cap = c->cap * 2 > need ? c->cap * 2 : need;
    if (cap < 1024)
      cap = 1024;
    chunk *n = apic__malloc(ROUND(sizeof(chunk)) + cap);
    if (n == NULL)
      return NULL;
    *n = (chunk){c, (char *)n + ROUND(sizeof(chunk)), 0, cap};
    a->cur = c = n;
  }
  void *p = c->data + c->used;
  c->used += need;
  memset(p, 0, size);
  return p;
}

char *apic__arena_strndup(apic__arena *a, const char *s, size_t n)
{
  char *p = n + 1 > n ? apic__arena_alloc(a, n + 1) : NULL;
  if (p != NULL)
    memcpy(p, s, n);
  return p;
}

int apic__arena_keep_json(apic__arena *a, cJSON *j)
{
  kept_json *k = apic__arena_alloc(a, sizeof *k);
  if (k == NULL) {
    cJSON_Delete(j);
    return APIC_ERR_NOMEM;
  }
  *k = (kept_json){a->jsons, j};
  a->jsons = k;
  return 0;
}

void apic__arena_free(apic__arena *a)
{
  if (a == NULL)
    return;
  for (kept_json *k = a->jsons; k != NULL; k = k->next)
    cJSON_Delete(k->json);
  a->magic = 0;
  chunk *c = a->cur;
  while (c != &a->first) {
    chunk *next = c->next;
    apic__free(c);
    c = next;
  }
  apic__free(a);
}

void apic_value_free(void *value)
{
  apic__arena_free(apic__arena_of(value));
}
