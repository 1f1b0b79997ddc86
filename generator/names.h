/* Names: a string-keyed table, C-identifier rules, case conversion, and "did you mean". */
#ifndef APIC_NAMES_H
#define APIC_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

typedef struct name_slot {
  const char *key; /* NULL: free */
  void *val;
  uint64_t hash; /* key's: compared before the key, and not computed again when growing */
} name_slot;

/* Open addressing, keys borrowed (they live in the AST arena); values are the caller's nodes. */
typedef struct name_table {
  name_slot *slots;
  size_t cap, count;
} name_table;

int name_table_init(name_table *t);
/* The same, sized for `expected` keys: no growing on the way. */
int name_table_init_size(name_table *t, size_t expected);
void name_table_free(name_table *t);
void *name_table_get(const name_table *t, const char *key);
int name_table_put(name_table *t, const char *key, void *val); /* 0, or -1 out of memory */
/* The key closest to name by edit distance, the first in strcmp order among equally close
 * ones (NULL if empty); *out_dist gets the distance if it beats the value already there. */
const char *name_table_nearest(const name_table *t, const char *name, size_t *out_dist);

/* Earlier equal keys in one list: a plain scan while the list is short, a hash table once it
 * is long, so a model of 100,000 fields takes linear time, not quadratic. Keys are borrowed. */
#define SEEN_SMALL 16
typedef struct seen_set {
  const char *keys[SEEN_SMALL];
  void *vals[SEEN_SMALL];
  size_t n;
  name_table big; /* all keys, once there are more than SEEN_SMALL */
} seen_set;

void seen_init(seen_set *set);
/* The value recorded under key, or NULL. */
void *seen_get(const seen_set *set, const char *key);
/* The value first recorded under key, or NULL after recording val under it (*oom set when it
 * could not be). */
void *seen_put(seen_set *set, const char *key, void *val, int *oom);
void seen_free(seen_set *set);

/* Exact up to limit; above it, some value above limit. */
size_t edit_distance(const char *a, const char *b, size_t limit);
/* The largest distance at which a suggestion still helps for a name of this length. */
size_t similar_enough(const char *name);

/* The longest name a spec may use, in bytes (docs/spec-language.md). Every C identifier made
 * from names this short stays within the generator's buffers, so none is ever cut. */
#define NAME_MAX_LEN 64

/* Whether name is one of the n words, sorted in strcmp order: a binary search that compares
 * first bytes before it calls strcmp (every field and type name is looked up). */
int in_sorted(const char *const *words, size_t n, const char *name);
int is_c_keyword(const char *name);
int is_identifier(const char *s, size_t len);
/* TaskState -> task_state, HTTPError -> http_error, tasks_get -> tasks_get. Truncates to size. */
void snake_case(const char *in, char *out, size_t size);
/* The strings up to a NULL, one after the other, in out (size bytes; truncated as snprintf
 * would); returns out. snprintf's "%s%s" costs more than the view model's other work on a
 * name, and a large spec joins hundreds of thousands of them. */
char *join(char *out, size_t size, ...);
/* in_progress -> IN_PROGRESS. */
void upper_case(const char *in, char *out, size_t size);

#endif
