/* A mustache renderer (the official spec's core modules: interpolation, sections, inverted
 * sections, comments, partials, set delimiters) over view trees (view.h), or cJSON data
 * converted to one. A template is parsed once into a token list, its names turned into key
 * numbers, and rendered any number of times. */
#ifndef APIC_MUSTACHE_H
#define APIC_MUSTACHE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "view.h"

typedef struct mustache mustache;
typedef struct mustache_cache mustache_cache;

/* Where partials come from: returns the text of partial `name` (borrowed, len bytes) or NULL
 * when there is none, which renders as nothing, as the spec says. */
typedef const char *(*mustache_loader)(void *ud, const char *name, size_t *len);

/* Rendering does not change a parsed template, so threads may render one at once, each with
 * its own env (the cache fills as partials are used); the loader must then be safe to call
 * from several threads. */
typedef struct mustache_env {
  int escape;             /* HTML-escape {{name}} (the spec's default); generation turns it off */
  mustache_loader load;   /* NULL: no partials */
  void *ud;
  mustache_cache *cache;  /* parsed partials; start NULL, free with mustache_env_clear */
} mustache_env;

/* Parses text (len bytes). On a malformed template returns NULL and sets *out_err to
 * "NAME:LINE:COL: error: MESSAGE" (caller frees). */
mustache *mustache_parse(const char *name, const char *text, size_t len, char **out_err);
void mustache_free(mustache *t);

/* Renders with a context stack (stack[depth - 1] is the top; usually one element, the data).
 * Returns the output (NUL-terminated, *out_len bytes; caller frees) or NULL with *out_err set
 * (a malformed partial, partials nested too deep, out of memory). */
char *mustache_render(const mustache *t, const view *const *stack, int depth, mustache_env *env,
                      size_t *out_len, char **out_err);
/* The same with cJSON data (each element converted to a view first). */
char *mustache_render_json(const mustache *t, const cJSON *const *stack, int depth, mustache_env *env,
                           size_t *out_len, char **out_err);

/* Where mustache_render_to sends the output: in order, in pieces of about 32 KB (a piece
 * holds whole values, so one can be longer). Returns 0, or -1 to stop rendering. */
typedef int (*mustache_sink)(void *ud, const char *data, size_t len);

/* Renders like mustache_render, but hands the output to sink instead of keeping it whole, so a
 * large output never needs to be in memory at once. Returns 0, or -1 with *out_err set (also
 * "output failed" when the sink stopped it). */
int mustache_render_to(const mustache *t, const view *const *stack, int depth, mustache_env *env,
                       mustache_sink sink, void *ud, char **out_err);

/* Frees the partials parsed while rendering with env. */
void mustache_env_clear(mustache_env *env);

#endif
