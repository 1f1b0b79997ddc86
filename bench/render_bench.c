/* Renderer speed: parse one template once, then render it N times with the same data, as
 * apic generate does for each model. Partials come from the templates directory.
 *
 *   render_bench TEMPLATES_DIR TEMPLATE DATA.json [N]
 *
 * Prints the parse time, the time per render and the output size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mustache.h"

#define MAX_PARTIALS 64

typedef struct partials {
  const char *dir;
  char *texts[MAX_PARTIALS]; /* kept to the end: the renderer borrows them */
  int n;
} partials;

static char *slurp(const char *path, size_t *out_len)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
    buf = malloc((size_t)n + 1);
  if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
    *out_len = (size_t)n;
  }
  return buf;
}

static const char *load_partial(void *ud, const char *name, size_t *len)
{
  partials *p = ud;
  char path[1024];
  if (p->n == MAX_PARTIALS ||
      snprintf(path, sizeof path, "%s/%s.mustache", p->dir, name) >= (int)sizeof path)
    return NULL;
  char *text = slurp(path, len);
  if (text != NULL)
    p->texts[p->n++] = text;
  return text;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: render_bench TEMPLATES_DIR TEMPLATE DATA.json [N]\n");
    return 2;
  }
  long rounds = argc > 4 ? strtol(argv[4], NULL, 10) : 10000;
  char path[1024];
  size_t tlen = 0, dlen = 0;
  snprintf(path, sizeof path, "%s/%s", argv[1], argv[2]);
  char *text = slurp(path, &tlen);
  char *json = slurp(argv[3], &dlen);
  cJSON *data = json ? cJSON_Parse(json) : NULL;
  if (text == NULL || data == NULL || rounds < 1) {
    fprintf(stderr, "render_bench: cannot read %s or %s, or bad N\n", path, argv[3]);
    return 2;
  }
  char *err = NULL;
  double t0 = now_s();
  mustache *t = mustache_parse(argv[2], text, tlen, &err);
  double parse_s = now_s() - t0;
  if (t == NULL) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  partials p = {argv[1], {NULL}, 0};
  mustache_env env = {0, load_partial, &p, NULL};
  view_builder b = {0};
  const view *stack[] = {view_from_json(&b, data)}; /* as apic generate renders: from a view */
  if (stack[0] == NULL) {
    fprintf(stderr, "render_bench: out of memory\n");
    return 2;
  }
  size_t out_len = 0;
  /* One warm-up render loads and parses the partials, which the timed rounds then reuse. */
  free(mustache_render(t, stack, 1, &env, &out_len, &err));
  t0 = now_s();
  for (long i = 0; i < rounds && err == NULL; i++)
    free(mustache_render(t, stack, 1, &env, &out_len, &err));
  double render_s = now_s() - t0;
  if (err != NULL) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  printf("%s: template %zu B, output %zu B, parse %.1f us, %ld renders in %.1f ms: %.1f us each, "
         "%.0f MB/s\n",
         argv[2], tlen, out_len, parse_s * 1e6, rounds, render_s * 1e3, render_s * 1e6 / (double)rounds,
         (double)out_len * (double)rounds / render_s / 1e6);
  mustache_env_clear(&env);
  mustache_free(t);
  for (int i = 0; i < p.n; i++)
    free(p.texts[i]);
  vb_free(&b);
  view_keys_free();
  cJSON_Delete(data);
  free(json);
  free(text);
  return 0;
}
