/* Nothing is dropped silently: every construct of the document that the spec does not carry,
 * or carries only approximately, becomes a note with its file, line, column, JSON pointer and
 * reason; errors in the input are printed as they are found. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "import_internal.h"

/* docs/import.md, "What the language cannot say yet", uses these words (a test checks). */
static const char *const GAP_WHY[GAP_COUNT] = {
    [GAP_COMPOSITION] = "extends cannot say this allOf yet (a part not a model or an object, or one changing a base's field)",
    [GAP_BINARY] = "JSON holds binary data only as base64 text (bytes)",
    [GAP_SCALAR_BODY] = "the language has no JSON bodies but models, unions and arrays of those",
    [GAP_QUERY_MAP] = "the language has no maps or objects in the query yet",
    [GAP_NULLABLE_ITEMS] = "the language has no nullable array items or map values yet",
    [GAP_FIXED_QUERY] = "the language has no fixed query parameters in paths yet",
    [GAP_OPTIONAL_BODY] = "the language has no optional bodies yet",
    [GAP_ANY_RESULT] = "the language has no results of type any yet",
    [GAP_NESTED] = "the language has no arrays of maps, maps of maps or arrays three deep yet",
};

const char *gap_why(imp_gap g)
{
  return g >= 0 && g < GAP_COUNT ? GAP_WHY[g] : "";
}

/* Keywords that never change what goes over the wire (docs/import.md, "Left out by design"). */
int key_ignored(const char *key)
{
  static const char *const words[] = {"example", "examples", "externalDocs", "xml", "title", "$comment",
                                      "$schema", "$id", "$anchor", "$defs", "$dynamicAnchor", "$recursiveAnchor", "summary",
                                      NULL};
  if (strncmp(key, "x-", 2) == 0)
    return 1;
  for (const char *const *w = words; *w != NULL; w++)
    if (strcmp(key, *w) == 0)
      return 1;
  return 0;
}

/* Where key (or, without it, the node) starts. */
static void key_at(imp *im, struct fy_node *at, const char *key, int *line, int *col)
{
  if (key != NULL && node_is_map(at)) {
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(at, &it)) != NULL) {
      const char *k = node_str(fy_node_pair_key(p));
      if (k != NULL && strcmp(k, key) == 0) {
        node_at(fy_node_pair_key(p), line, col);
        return;
      }
    }
  }
  (void)im;
  node_at(at, line, col);
}

static int add_note(import_report *r, const import_note *n)
{
  if (r->count == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    import_note *grown = realloc(r->notes, cap * sizeof *grown);
    if (grown == NULL)
      return -1;
    r->notes = grown;
    r->cap = cap;
  }
  r->notes[r->count++] = *n;
  return 0;
}

void note(imp *im, struct fy_node *at, const char *key, int dropped, const char *why, const char *what_fmt, ...)
{
  if (im->quiet > 0)
    return;
  size_t len = key != NULL ? ptr_push(im, key) : im->ptr.len;
  char what[512];
  va_list ap;
  va_start(ap, what_fmt);
  vsnprintf(what, sizeof what, what_fmt, ap);
  va_end(ap);
  /* A construct reached twice (a shared parameter, say) is noted once. */
  strbuf seen = {0};
  sb_printf(&seen, "%s\n%s\n%s", im->doc->path, im->ptr.data != NULL ? im->ptr.data : "#", what);
  char *kept = seen.failed || name_table_get(&im->notes_seen, seen.data) != NULL ? NULL : imp_strdup(im, seen.data);
  sb_free(&seen);
  if (kept == NULL || name_table_put(&im->notes_seen, kept, kept) != 0) {
    ptr_pop(im, len);
    return;
  }
  import_note n = {dropped, strdup(im->doc->path), 0, 0, strdup(im->ptr.data != NULL ? im->ptr.data : "#"),
                   strdup(what), strdup(why)};
  if (at == NULL) { /* the place itself: found by its pointer */
    ptr_pop(im, len);
    at = im->ptr.data != NULL ? walk_pointer(im, im->doc->root, im->ptr.data + 1) : NULL;
    len = key != NULL ? ptr_push(im, key) : im->ptr.len;
  }
  key_at(im, at, key, &n.line, &n.col);
  if (n.file == NULL || n.pointer == NULL || n.what == NULL || n.why == NULL || add_note(im->rep, &n) != 0) {
    free(n.file), free(n.pointer), free(n.what), free(n.why);
    im->rep->failed = 1;
  }
  ptr_pop(im, len);
}

void imp_error(imp *im, struct fy_node *at, const char *fmt, ...)
{
  if (im->quiet > 0)
    return;
  if (im->diag != NULL && im->errors < IMP_MAX_ERRORS) {
    int line, col;
    node_at(at, &line, &col);
    const char *file = im->doc != NULL ? im->doc->path : "?";
    if (line > 0)
      fprintf(im->diag, "%s:%d:%d: error: ", file, line, col);
    else
      fprintf(im->diag, "%s: error: ", file);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(im->diag, fmt, ap);
    va_end(ap);
    fprintf(im->diag, " [%s]\n", im->ptr.data != NULL ? im->ptr.data : "#");
  }
  im->errors++;
}

void note_unknown_keys(imp *im, struct fy_node *map, const char *const *known, const char *what)
{
  void *it = NULL;
  const char *key;
  struct fy_node *val;
  while (map_next(im, map, &it, &key, &val)) {
    if (key_ignored(key))
      continue;
    const char *const *k = known;
    while (*k != NULL && strcmp(*k, key) != 0)
      k++;
    if (*k == NULL)
      note(im, map, key, 1, "apic import does not know it", "%s '%s'", what, key);
  }
}

/* ---- the report, printed -------------------------------------------------------------------- */

void import_report_print(const import_report *r, FILE *out)
{
  for (size_t i = 0; i < r->count; i++) {
    const import_note *n = &r->notes[i];
    if (n->line > 0)
      fprintf(out, "%s:%d:%d: ", n->file, n->line, n->col);
    else
      fprintf(out, "%s: ", n->file);
    fprintf(out, "%s: %s: %s [%s]\n", n->dropped ? "not carried over" : "approximated", n->what, n->why, n->pointer);
  }
  if (r->failed)
    fprintf(out, "apic: out of memory: some notes are missing\n");
}

int import_report_write_json(const import_report *r, FILE *out)
{
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; arr != NULL && i < r->count; i++) {
    const import_note *n = &r->notes[i];
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
      cJSON_Delete(o);
      cJSON_Delete(arr);
      return -1;
    }
    cJSON_AddStringToObject(o, "kind", n->dropped ? "not carried over" : "approximated");
    cJSON_AddStringToObject(o, "file", n->file);
    cJSON_AddNumberToObject(o, "line", n->line);
    cJSON_AddNumberToObject(o, "col", n->col);
    cJSON_AddStringToObject(o, "pointer", n->pointer);
    cJSON_AddStringToObject(o, "what", n->what);
    cJSON_AddStringToObject(o, "why", n->why);
  }
  char *text = arr != NULL ? cJSON_Print(arr) : NULL;
  cJSON_Delete(arr);
  if (text == NULL)
    return -1;
  int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
  free(text);
  return rc;
}

void import_report_free(import_report *r)
{
  for (size_t i = 0; i < r->count; i++) {
    free(r->notes[i].file);
    free(r->notes[i].pointer);
    free(r->notes[i].what);
    free(r->notes[i].why);
  }
  free(r->notes);
  memset(r, 0, sizeof *r);
}
