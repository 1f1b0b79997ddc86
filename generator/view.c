/* The view tree (view.h): key numbers, an arena builder, and conversion from and to cJSON. */
#include "view.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

/* ---- keys ------------------------------------------------------------------------------ */

/* Names by number (names[0] is unused: 0 means "no key"), and an open-addressing index of
 * them. Every string is a copy owned here. Templates are parsed (and their names numbered)
 * while several threads render, hence the lock; lookups while rendering use numbers only. */
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char **names;
  size_t count, cap;
  uint16_t *slots; /* key numbers; 0 = empty */
  size_t nslots;
} keys;

static uint32_t name_hash(const char *s, size_t len)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static int keys_grow_index(void)
{
  size_t n = keys.nslots ? keys.nslots * 2 : 1024;
  uint16_t *slots = calloc(n, sizeof *slots);
  if (slots == NULL)
    return -1;
  for (size_t k = 1; k < keys.count; k++) {
    size_t i = name_hash(keys.names[k], strlen(keys.names[k])) & (n - 1);
    while (slots[i] != 0)
      i = (i + 1) & (n - 1);
    slots[i] = (uint16_t)k;
  }
  free(keys.slots);
  keys.slots = slots;
  keys.nslots = n;
  return 0;
}

static uint16_t key_locked(const char *name, size_t len)
{
  if (keys.count == 0)
    keys.count = 1; /* number 0 stays free */
  if (2 * (keys.count + 1) > keys.nslots && keys_grow_index() != 0)
    return 0;
  size_t mask = keys.nslots - 1, i = name_hash(name, len) & mask;
  for (; keys.slots[i] != 0; i = (i + 1) & mask) {
    const char *k = keys.names[keys.slots[i]];
    if (strncmp(k, name, len) == 0 && k[len] == '\0')
      return keys.slots[i];
  }
  if (keys.count > VIEW_MAX_KEYS)
    return 0;
  if (keys.count >= keys.cap) {
    size_t cap = keys.cap ? keys.cap * 2 : 256;
    char **grown = realloc(keys.names, cap * sizeof *grown);
    if (grown == NULL)
      return 0;
    keys.names = grown;
    keys.cap = cap;
  }
  char *copy = malloc(len + 1);
  if (copy == NULL)
    return 0;
  memcpy(copy, name, len);
  copy[len] = '\0';
  keys.names[keys.count] = copy;
  keys.slots[i] = (uint16_t)keys.count;
  return (uint16_t)keys.count++;
}

uint16_t view_key(const char *name, size_t len)
{
  pthread_mutex_lock(&keys_lock);
  uint16_t key = key_locked(name, len);
  pthread_mutex_unlock(&keys_lock);
  return key;
}

const char *view_key_name(uint16_t key)
{
  pthread_mutex_lock(&keys_lock);
  const char *name = key > 0 && key < keys.count ? keys.names[key] : "";
  pthread_mutex_unlock(&keys_lock);
  return name;
}

void view_keys_free(void)
{
  for (size_t k = 1; k < keys.count; k++)
    free(keys.names[k]);
  free(keys.names);
  free(keys.slots);
  memset(&keys, 0, sizeof keys);
}

/* The bits of the keys an object's members have (key % 64), stored before its members. */
#define MASK_SIZE sizeof(uint64_t)

const view *view_get(const view *obj, uint16_t key)
{
  uint64_t mask;
  if (obj->kind != V_OBJECT || obj->n == 0)
    return NULL;
  memcpy(&mask, (const char *)obj->u.items - MASK_SIZE, sizeof mask);
  if (!(mask & (UINT64_C(1) << (key % 64))))
    return NULL;
  for (uint32_t i = 0; i < obj->n; i++)
    if (obj->u.items[i].key == key)
      return &obj->u.items[i];
  return NULL;
}

/* ---- building ----------------------------------------------------------------------------- */

struct view_block {
  view_block *next;
  size_t used, size;
  max_align_t data[];
};

void *vb_alloc(view_builder *b, size_t size)
{
  size = (size + 7) / 8 * 8;
  view_block *k = b->blocks;
  if (k == NULL || k->size - k->used < size) {
    size_t bytes = big_block_size(b->total, sizeof *k + size);
    if ((k = big_alloc(bytes)) == NULL) {
      b->failed = 1;
      return NULL;
    }
    b->total += bytes;
    k->used = 0;
    k->size = bytes - sizeof *k;
    k->next = b->blocks;
    b->blocks = k;
  }
  void *p = (char *)k->data + k->used;
  k->used += size;
  return p;
}

/* Appends v to the scratch space: an item of the innermost open container. */
static void add(view_builder *b, uint16_t key, view v)
{
  if (b->failed)
    return;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1024;
    view *grown = realloc(b->scratch, cap * sizeof *grown);
    if (grown == NULL) {
      b->failed = 1;
      return;
    }
    b->scratch = grown;
    b->cap = cap;
  }
  int in_object = b->depth > 0 && b->scratch[b->open[b->depth - 1]].kind == V_OBJECT;
  v.key = in_object ? key : 0;
  b->scratch[b->n++] = v;
}

void vb_null(view_builder *b, uint16_t key)
{
  add(b, key, (view){.kind = V_NULL});
}

void vb_bool(view_builder *b, uint16_t key, int on)
{
  add(b, key, (view){.kind = on ? V_TRUE : V_FALSE});
}

void vb_number(view_builder *b, uint16_t key, double num)
{
  add(b, key, (view){.kind = V_NUMBER, .u.num = num});
}

void vb_str(view_builder *b, uint16_t key, const char *s)
{
  size_t len = strlen(s);
  if (len > UINT32_MAX)
    b->failed = 1;
  add(b, key, (view){.kind = V_STRING, .n = (uint32_t)len, .u.s = s});
}

void vb_strcpy(view_builder *b, uint16_t key, const char *s, size_t len)
{
  char *copy = len < UINT32_MAX ? vb_alloc(b, len + 1) : NULL;
  if (copy == NULL) {
    b->failed = 1;
    return;
  }
  memcpy(copy, s, len);
  copy[len] = '\0';
  add(b, key, (view){.kind = V_STRING, .n = (uint32_t)len, .u.s = copy});
}

void vb_strf(view_builder *b, uint16_t key, const char *fmt, ...)
{
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    vb_strcpy(b, key, small, (size_t)n);
    return;
  }
  char *copy = vb_alloc(b, (size_t)n + 1);
  if (copy == NULL)
    return;
  va_start(ap, fmt);
  vsnprintf(copy, (size_t)n + 1, fmt, ap);
  va_end(ap);
  add(b, key, (view){.kind = V_STRING, .n = (uint32_t)n, .u.s = copy});
}

void vb_value(view_builder *b, uint16_t key, const view *v)
{
  add(b, key, *v);
}

void vb_begin(view_builder *b, uint16_t key, view_kind kind)
{
  if (b->depth == (int)(sizeof b->open / sizeof b->open[0])) {
    b->failed = 1;
    return;
  }
  add(b, key, (view){.kind = (uint8_t)kind});
  if (!b->failed)
    b->open[b->depth++] = b->n - 1;
}

view vb_end(view_builder *b)
{
  if (b->failed || b->depth == 0)
    return (view){.kind = V_NULL};
  size_t at = b->open[--b->depth], n = b->n - at - 1;
  view *c = &b->scratch[at];
  size_t head = c->kind == V_OBJECT ? MASK_SIZE : 0;
  char *mem = n > 0 ? vb_alloc(b, head + n * sizeof(view)) : NULL;
  if (n > 0 && mem == NULL)
    return (view){.kind = V_NULL};
  view *items = n > 0 ? (view *)(void *)(mem + head) : NULL;
  uint64_t mask = 0;
  for (size_t i = 0; i < n; i++) {
    items[i] = b->scratch[at + 1 + i];
    mask |= UINT64_C(1) << (items[i].key % 64);
  }
  if (n > 0 && head > 0)
    memcpy(mem, &mask, sizeof mask);
  c->n = (uint32_t)n;
  c->u.items = items;
  b->n = at + 1;
  return *c;
}

const view *vb_tree(view_builder *b)
{
  if (b->failed || b->depth > 0 || b->n == 0)
    return NULL;
  view *root = vb_alloc(b, sizeof *root);
  if (root == NULL)
    return NULL;
  *root = b->scratch[--b->n];
  b->n = 0;
  return root;
}

struct view_kept {
  view_kept *next;
  void *p;
};

void *vb_keep(view_builder *b, void *p)
{
  view_kept *k = vb_alloc(b, sizeof *k);
  if (k == NULL) {
    free(p);
    return NULL;
  }
  k->p = p;
  k->next = b->kept;
  b->kept = k;
  return p;
}

void vb_free(view_builder *b)
{
  for (view_kept *k = b->kept; k != NULL; k = k->next) /* the list lives in the blocks */
    free(k->p);
  while (b->blocks != NULL) {
    view_block *next = b->blocks->next;
    big_free(b->blocks, sizeof *b->blocks + b->blocks->size);
    b->blocks = next;
  }
  free(b->scratch);
  memset(b, 0, sizeof *b);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void add_json(view_builder *b, uint16_t key, const cJSON *j)
{
  if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
    vb_begin(b, key, cJSON_IsObject(j) ? V_OBJECT : V_LIST);
    for (const cJSON *c = j->child; c != NULL && !b->failed; c = c->next) {
      uint16_t k = 0;
      if (cJSON_IsObject(j) && (k = view_key(c->string, strlen(c->string))) == 0)
        b->failed = 1;
      add_json(b, k, c);
    }
    vb_end(b);
  } else if (cJSON_IsString(j)) {
    vb_str(b, key, j->valuestring);
  } else if (cJSON_IsNumber(j)) {
    vb_number(b, key, j->valuedouble);
  } else if (cJSON_IsBool(j)) {
    vb_bool(b, key, cJSON_IsTrue(j));
  } else {
    vb_null(b, key);
  }
}

const view *view_from_json(view_builder *b, const cJSON *json)
{
  add_json(b, 0, json);
  return vb_tree(b);
}

cJSON *view_to_json(const view *v)
{
  switch ((view_kind)v->kind) {
  case V_NULL: return cJSON_CreateNull();
  case V_FALSE: return cJSON_CreateFalse();
  case V_TRUE: return cJSON_CreateTrue();
  case V_NUMBER: return cJSON_CreateNumber(v->u.num);
  case V_STRING: return cJSON_CreateString(v->u.s);
  case V_LIST:
  case V_OBJECT: break;
  }
  cJSON *out = v->kind == V_OBJECT ? cJSON_CreateObject() : cJSON_CreateArray();
  for (uint32_t i = 0; out != NULL && i < v->n; i++) {
    const view *m = &v->u.items[i];
    cJSON *item = view_to_json(m);
    int added = item != NULL && (v->kind == V_OBJECT ? cJSON_AddItemToObject(out, view_key_name(m->key), item)
                                                     : cJSON_AddItemToArray(out, item));
    if (!added) {
      cJSON_Delete(item);
      cJSON_Delete(out);
      return NULL;
    }
  }
  return out;
}
