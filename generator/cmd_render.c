/* apic render TEMPLATE --data DATA.json [--partials DIR] [--raw]: one template to stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "mustache.h"
#include "strbuf.h"

const char cmd_render_usage[] =
    "usage: apic render TEMPLATE --data DATA.json [--partials DIR] [--raw]\n\n"
    "Renders one mustache template with JSON data to stdout, following the mustache spec\n"
    "(interpolation, sections, inverted sections, comments, partials, set delimiters).\n\n"
    "  --data FILE      the data, a JSON document ('-' for stdin)\n"
    "  --partials DIR   where {{>name}} is read from: DIR/name.mustache (else: none)\n"
    "  --raw            no HTML escaping of {{name}} (as apic generate renders)\n\n"
    "A malformed template is reported as TEMPLATE:LINE:COL: error: MESSAGE (exit 1).\n";

typedef struct partials_dir {
  const char *dir;
  char **texts; /* kept until the end of the run: the renderer borrows them */
  size_t n, cap;
} partials_dir;

static const char *load_from_dir(void *ud, const char *name, size_t *len)
{
  partials_dir *pd = ud;
  if (pd->dir == NULL || strstr(name, "..") != NULL)
    return NULL;
  if (pd->n == pd->cap) {
    size_t cap = pd->cap ? pd->cap * 2 : 8;
    char **grown = realloc(pd->texts, cap * sizeof *grown);
    if (grown == NULL)
      return NULL;
    pd->texts = grown;
    pd->cap = cap;
  }
  strbuf path = {0};
  sb_printf(&path, "%s/%s.mustache", pd->dir, name);
  char *text = path.failed ? NULL : sb_read_file(path.data, len);
  sb_free(&path);
  if (text != NULL)
    pd->texts[pd->n++] = text;
  return text;
}

int cmd_render(int argc, char **argv)
{
  const char *tmpl_path = NULL, *data_path = NULL;
  partials_dir pd = {NULL, NULL, 0, 0};
  int raw = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
      data_path = argv[++i];
    else if (strcmp(argv[i], "--partials") == 0 && i + 1 < argc)
      pd.dir = argv[++i];
    else if (strcmp(argv[i], "--raw") == 0)
      raw = 1;
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error("render: unknown option '%s' (see apic help render)", argv[i]);
    else if (tmpl_path == NULL)
      tmpl_path = argv[i];
    else
      return usage_error("render: give one template");
  }
  if (tmpl_path == NULL || data_path == NULL)
    return usage_error("render: need a TEMPLATE and --data FILE (see apic help render)");

  size_t tlen, dlen;
  char *tmpl = sb_read_file(tmpl_path, &tlen);
  if (tmpl == NULL)
    return usage_error("render: cannot read '%s'", tmpl_path);
  char *data_text = sb_read_file(data_path, &dlen);
  if (data_text == NULL) {
    free(tmpl);
    return usage_error("render: cannot read '%s'", data_path);
  }
  int status = EXIT_OK;
  cJSON *data = cJSON_ParseWithLength(data_text, dlen);
  char *err = NULL;
  mustache *t = data != NULL ? mustache_parse(tmpl_path, tmpl, tlen, &err) : NULL;
  if (data == NULL) {
    status = usage_error("render: '%s' is not valid JSON", data_path);
  } else if (t == NULL) {
    fprintf(stderr, "%s\n", err);
    status = EXIT_SPEC;
  } else {
    mustache_env env = {!raw, load_from_dir, &pd, NULL};
    const cJSON *stack[] = {data};
    size_t len;
    char *out = mustache_render_json(t, stack, 1, &env, &len, &err);
    if (out == NULL) {
      fprintf(stderr, "%s: error: %s\n", tmpl_path, err);
      status = EXIT_SPEC;
    } else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
      status = usage_error("render: cannot write the output");
    }
    free(out);
    mustache_env_clear(&env);
  }
  free(err);
  mustache_free(t);
  cJSON_Delete(data);
  free(data_text);
  free(tmpl);
  for (size_t i = 0; i < pd.n; i++)
    free(pd.texts[i]);
  free(pd.texts);
  return status;
}
