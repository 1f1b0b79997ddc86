/* The data templates are rendered from: a compact, read-only tree of JSON-like values, built
 * once into an arena. An object's keys are small numbers (view_key), and template names are
 * turned into the same numbers when a template is parsed, so rendering finds a key by
 * comparing numbers, never text. A large spec's view model is a million values: a value is
 * 16 bytes, where a cJSON node is 64 plus its key and text (docs/performance.md). */
#ifndef APIC_VIEW_H
#define APIC_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef enum view_kind { V_NULL, V_FALSE, V_TRUE, V_NUMBER, V_STRING, V_LIST, V_OBJECT } view_kind;

typedef struct view view;
struct view {
  uint8_t kind;
  uint16_t key; /* a member of an object: its key's number; else 0 */
  uint32_t n;   /* V_STRING: bytes (the text is also NUL-terminated); V_LIST, V_OBJECT: items */
  union {
    const char *s;
    double num;
    /* V_LIST: the items. V_OBJECT: the members, in the order added, right after a uint64_t
     * with bit (key % 64) set for each member's key: view_get rules most keys out with it. */
    const view *items;
  } u;
};

/* ---- keys: one number per distinct name, for the whole process ---- */

#define VIEW_MAX_KEYS 65535

/* The number of name (len bytes), numbered on first sight; 0 when out of memory or when there
 * are more than VIEW_MAX_KEYS names. view_key and view_key_name may be called from several
 * threads at once. */
uint16_t view_key(const char *name, size_t len);
const char *view_key_name(uint16_t key);
/* Forgets every key (at the end of the program). */
void view_keys_free(void);

/* ---- lookups ---- */

/* The member of obj with this key, or NULL (also when obj is not an object). */
const view *view_get(const view *obj, uint16_t key);

/* ---- building ---- */

typedef struct view_block view_block;
typedef struct view_kept view_kept;

/* Values, strings and scratch space for one tree (or several: they are freed together). */
typedef struct view_builder {
  view_block *blocks;
  size_t total;     /* bytes of all blocks */
  view_kept *kept;  /* memory handed over with vb_keep */
  view *scratch;    /* the items of the containers still open, in order */
  size_t n, cap;
  size_t open[256]; /* where each open container's entry is in scratch */
  int depth;
  int failed;       /* out of memory, or nesting too deep */
} view_builder;

/* Adds a value to the open container (as its member `key` when that is an object; key is
 * ignored in a list). With nothing open, the value becomes the root. */
void vb_null(view_builder *b, uint16_t key);
void vb_bool(view_builder *b, uint16_t key, int on);
void vb_number(view_builder *b, uint16_t key, double num);
/* Borrows s: it must outlive the tree (text in the spec's AST, string literals). */
void vb_str(view_builder *b, uint16_t key, const char *s);
/* Copies s (len bytes) into the builder's memory. */
void vb_strcpy(view_builder *b, uint16_t key, const char *s, size_t len);
void vb_strf(view_builder *b, uint16_t key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Adds a finished value again (the tree shares it). */
void vb_value(view_builder *b, uint16_t key, const view *v);
/* Opens a list or an object; what is added until vb_end goes into it. */
void vb_begin(view_builder *b, uint16_t key, view_kind kind);
/* Closes the innermost open container and returns it; its items live as long as the builder
 * (so it can be added again with vb_value). Kind V_NULL when building failed. */
view vb_end(view_builder *b);
/* The value added last with nothing open, the root of a tree, copied to the builder's memory;
 * the builder is then ready for another tree. NULL when building failed. */
const view *vb_tree(view_builder *b);
/* Memory of size bytes that lives as long as the builder (NULL when out of memory). */
void *vb_alloc(view_builder *b, size_t size);
/* Hands b memory from malloc (p), to be freed by vb_free, and returns it; NULL, with p freed,
 * when out of memory. */
void *vb_keep(view_builder *b, void *p);
/* Frees every tree built with b. */
void vb_free(view_builder *b);

/* ---- JSON ---- */

/* A view of JSON data, built with b; NULL when out of memory or with too many distinct keys. */
const view *view_from_json(view_builder *b, const cJSON *json);
/* The view as JSON (caller frees with cJSON_Delete); NULL when out of memory. */
cJSON *view_to_json(const view *v);

#endif
