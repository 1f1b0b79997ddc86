/* Names: the checker's tables and the C-identifier rules. */
#include "names.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

static uint64_t hash(const char *s)
{
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (; *s != '\0'; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* Slots come from big_alloc: zeroed, and a large table on huge pages. */
int name_table_init_size(name_table *t, size_t expected)
{
  t->cap = 64;
  while (expected * 4 > t->cap * 3) /* the load name_table_put grows at */
    t->cap *= 2;
  t->count = 0;
  t->slots = big_alloc(t->cap * sizeof *t->slots);
  return t->slots != NULL ? 0 : -1;
}

int name_table_init(name_table *t)
{
  return name_table_init_size(t, 0);
}

void name_table_free(name_table *t)
{
  big_free(t->slots, t->cap * sizeof *t->slots);
  t->slots = NULL;
}

/* The slot holding key (hash h), or the free slot where it would go. */
static size_t slot(const name_table *t, const char *key, uint64_t h)
{
  size_t i = (size_t)h & (t->cap - 1);
  while (t->slots[i].key != NULL && (t->slots[i].hash != h || strcmp(t->slots[i].key, key) != 0))
    i = (i + 1) & (t->cap - 1);
  return i;
}

void *name_table_get(const name_table *t, const char *key)
{
  if (t->slots == NULL)
    return NULL;
  const name_slot *s = &t->slots[slot(t, key, hash(key))];
  return s->key != NULL ? s->val : NULL;
}

static int grow(name_table *t)
{
  name_table bigger = {big_alloc(t->cap * 2 * sizeof *t->slots), t->cap * 2, 0};
  if (bigger.slots == NULL)
    return -1;
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].key != NULL) {
      name_slot *s = &bigger.slots[slot(&bigger, t->slots[i].key, t->slots[i].hash)];
      *s = t->slots[i];
      bigger.count++;
    }
  name_table_free(t);
  *t = bigger;
  return 0;
}

int name_table_put(name_table *t, const char *key, void *val)
{
  if (t->slots == NULL || ((t->count + 1) * 4 > t->cap * 3 && grow(t) != 0))
    return -1;
  uint64_t h = hash(key);
  name_slot *s = &t->slots[slot(t, key, h)];
  if (s->key == NULL)
    t->count++;
  *s = (name_slot){key, val, h};
  return 0;
}

const char *name_table_nearest(const name_table *t, const char *name, size_t *out_dist)
{
  const char *best = NULL;
  for (size_t i = 0; t->slots != NULL && i < t->cap; i++) {
    const char *key = t->slots[i].key;
    if (key == NULL)
      continue;
    size_t d = edit_distance(name, key, *out_dist);
    if (d < *out_dist || (d == *out_dist && best != NULL && strcmp(key, best) < 0)) {
      *out_dist = d;
      best = key;
    }
  }
  return best;
}

/* An empty set. Only n and big need a value (keys and vals are read below n): clearing all of
 * it, once or twice per field list, was a measurable part of a large spec's check. */
void seen_init(seen_set *set)
{
  set->n = 0;
  set->big = (name_table){0};
}

void *seen_get(const seen_set *set, const char *key)
{
  if (set->big.slots != NULL)
    return name_table_get(&set->big, key);
  for (size_t i = 0; i < set->n; i++)
    if (set->keys[i][0] == key[0] && strcmp(set->keys[i], key) == 0)
      return set->vals[i];
  return NULL;
}

void *seen_put(seen_set *set, const char *key, void *val, int *oom)
{
  if (set->big.slots == NULL && set->n < SEEN_SMALL) {
    void *prev = seen_get(set, key);
    if (prev != NULL)
      return prev;
    set->keys[set->n] = key;
    set->vals[set->n++] = val;
    return NULL;
  }
  if (set->big.slots == NULL) {
    if (name_table_init(&set->big) != 0)
      goto oom;
    for (size_t i = 0; i < set->n; i++)
      if (name_table_put(&set->big, set->keys[i], set->vals[i]) != 0)
        goto oom;
  }
  void *prev = name_table_get(&set->big, key);
  if (prev == NULL && name_table_put(&set->big, key, val) != 0)
    goto oom;
  return prev;
oom:
  *oom = 1;
  return NULL;
}

void seen_free(seen_set *set)
{
  name_table_free(&set->big);
}

/* Edit distance with transpositions (optimal string alignment), case-insensitive, on the first
 * 64 bytes: Taks is one edit from Task, and suggestions for longer names add nothing. Past
 * limit it stops early and returns some value above limit: a spec with thousands of names
 * must not spend quadratic time on suggestions. */
size_t edit_distance(const char *a, const char *b, size_t limit)
{
  enum { MAX = 64 };
  size_t la = strlen(a), lb = strlen(b);
  if (la > MAX)
    la = MAX;
  if (lb > MAX)
    lb = MAX;
  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;
  size_t rows[3][MAX + 1], *two = rows[0], *one = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= lb; j++)
    one[j] = j;
  size_t one_min = 0;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    size_t cur_min = i;
    int ca = tolower((unsigned char)a[i - 1]);
    for (size_t j = 1; j <= lb; j++) {
      int cb = tolower((unsigned char)b[j - 1]);
      size_t best = one[j - 1] + (ca == cb ? 0 : 1);
      if (one[j] + 1 < best)
        best = one[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
          two[j - 2] + 1 < best)
        best = two[j - 2] + 1;
      cur[j] = best;
      if (best < cur_min)
        cur_min = best;
    }
    /* Every later cell builds on these two rows (plus at least one edit from the older). */
    if (cur_min > limit && one_min >= limit)
      return limit + 1;
    one_min = cur_min;
    size_t *t = two;
    two = one;
    one = cur;
    cur = t;
  }
  return one[lb];
}

size_t similar_enough(const char *name)
{
  size_t n = strlen(name) / 3;
  return n < 1 ? 1 : n > 3 ? 3 : n;
}

int in_sorted(const char *const *words, size_t n, const char *name)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = (unsigned char)name[0] - (unsigned char)words[mid][0];
    if (c == 0 && (c = strcmp(name, words[mid])) == 0)
      return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

int is_c_keyword(const char *name)
{
  /* C11 keywords, and names <stdbool.h> and friends make macros, in strcmp order. */
  static const char *const words[] = {
      "NULL", "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
      "_Noreturn", "_Static_assert", "_Thread_local", "asm", "assert", "auto", "bool", "break", "case",
      "char", "const", "continue", "default", "do", "double", "else", "enum", "errno", "extern", "false",
      "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short",
      "signed", "sizeof", "static", "struct", "switch", "true", "typedef", "typeof", "union", "unsigned",
      "void", "volatile", "while"};
  return in_sorted(words, sizeof words / sizeof words[0], name);
}

int is_identifier(const char *s, size_t len)
{
  if (len == 0 || isdigit((unsigned char)s[0]))
    return 0;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_')
      return 0;
  return 1;
}

void snake_case(const char *in, char *out, size_t size)
{
  char tmp[512];
  size_t o = 0, n = strlen(in);
  for (size_t i = 0; i < n && o + 2 < sizeof tmp; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (isupper(ch) && i > 0 && in[i - 1] != '_') {
      int prev_lower = islower((unsigned char)in[i - 1]) || isdigit((unsigned char)in[i - 1]);
      int next_lower = i + 1 < n && islower((unsigned char)in[i + 1]);
      if (prev_lower || (isupper((unsigned char)in[i - 1]) && next_lower))
        tmp[o++] = '_';
    }
    tmp[o++] = (char)tolower(ch);
  }
  if (size > 0) { /* what snprintf(out, size, "%s", tmp) would write, without its cost */
    size_t len = o < size ? o : size - 1;
    memcpy(out, tmp, len);
    out[len] = '\0';
  }
}

char *join(char *out, size_t size, ...)
{
  va_list ap;
  va_start(ap, size);
  size_t n = 0;
  for (const char *part; (part = va_arg(ap, const char *)) != NULL;)
    for (; *part != '\0' && n + 1 < size; part++)
      out[n++] = *part;
  va_end(ap);
  if (size > 0)
    out[n] = '\0';
  return out;
}

void upper_case(const char *in, char *out, size_t size)
{
  size_t i = 0;
  for (; in[i] != '\0' && i + 1 < size; i++)
    out[i] = (char)toupper((unsigned char)in[i]);
  out[i] = '\0';
}
