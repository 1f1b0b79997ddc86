/* $ref: "#/json/pointer" within the document, "file.yaml#/pointer" or "file.yaml" relative to
 * the referring document's directory. Remote (URL) references are not fetched: an error. */
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define MAX_REF_HOPS 32

const char *ref_of(imp *im, struct fy_node *n)
{
  return node_string(node_get(im, n, "$ref"));
}

void ref_key_into(const imp *im, const imp_doc *dc, const char *pointer, strbuf *out)
{
  int index = 0;
  while (index < im->ndocs && im->docs[index] != dc)
    index++;
  sb_printf(out, "%d%s", index, pointer);
}

char *ref_key(imp *im, const imp_doc *dc, const char *pointer)
{
  strbuf key = {0};
  ref_key_into(im, dc, pointer, &key);
  char *out = key.failed ? NULL : imp_strdup(im, key.data);
  sb_free(&key);
  return out;
}

static int hex(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One segment of a pointer, from p up to the next '/': ~1 -> '/', ~0 -> '~', %XX decoded (a
 * fragment is URI-encoded). Returns the end of the segment. */
static const char *segment(const char *p, strbuf *out)
{
  out->len = 0;
  sb_append(out, "", 0);
  for (; *p != '\0' && *p != '/'; p++) {
    char c = *p;
    if (c == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
      c = (char)(hex(p[1]) * 16 + hex(p[2]));
      p += 2;
    } else if (c == '~' && (p[1] == '0' || p[1] == '1')) {
      c = p[1] == '0' ? '~' : '/';
      p++;
    }
    sb_append(out, &c, 1);
  }
  return p;
}

/* The node at pointer ("/a/b/0", after the '#') in root, or NULL. */
static struct fy_node *walk_pointer_uncached(imp *im, struct fy_node *root, const char *pointer);

/* The node at pointer under root, walked once: each $ref to a schema names it again, and a
 * walk looks each segment up among its siblings (1,422 of them under components/schemas). */
struct fy_node *walk_pointer(imp *im, struct fy_node *root, const char *pointer)
{
  strbuf key = {0};
  sb_printf(&key, "%p%s", (void *)root, pointer);
  struct fy_node **hit = key.failed ? NULL : name_table_get(&im->walked, key.data);
  if (hit != NULL) {
    sb_free(&key);
    return *hit;
  }
  struct fy_node *n = walk_pointer_uncached(im, root, pointer);
  struct fy_node **kept = ast_alloc(im->arena, sizeof *kept);
  char *k = key.failed ? NULL : imp_strdup(im, key.data);
  if (kept != NULL && k != NULL) {
    *kept = n;
    name_table_put(&im->walked, k, kept);
  }
  sb_free(&key);
  return n;
}

static struct fy_node *walk_pointer_uncached(imp *im, struct fy_node *root, const char *pointer)
{
  struct fy_node *n = root;
  strbuf seg = {0};
  const char *p = pointer;
  while (n != NULL && *p == '/') {
    p = segment(p + 1, &seg);
    if (seg.failed) {
      n = NULL;
    } else if (node_is_seq(n)) {
      char *end;
      long i = strtol(seg.data, &end, 10);
      void *it = NULL;
      struct fy_node *item = NULL;
      for (long k = 0; *end == '\0' && seg.len > 0 && k <= i; k++)
        item = seq_next(im, n, &it);
      n = *end == '\0' && seg.len > 0 && i >= 0 ? item : NULL;
    } else {
      n = node_get(im, n, seg.data);
    }
  }
  sb_free(&seg);
  return *p == '\0' ? n : NULL;
}

/* "dir/of/referrer/" + file, unless file is absolute. */
static char *join_path(imp *im, const char *referrer, const char *file, size_t len)
{
  const char *slash = strrchr(referrer, '/');
  int dir = (file[0] == '/' || slash == NULL) ? 0 : (int)(slash - referrer) + 1;
  return imp_printf(im, "%.*s%.*s", dir, referrer, (int)len, file);
}

/* Resolves one $ref text against the current document. */
static struct fy_node *resolve(imp *im, struct fy_node *at, const char *ref, imp_doc **dc, const char **pointer)
{
  const char *hash = strchr(ref, '#');
  size_t file_len = hash != NULL ? (size_t)(hash - ref) : strlen(ref);
  const char *frag = hash != NULL ? hash + 1 : "";
  if (strstr(ref, "://") != NULL && (hash == NULL || strstr(ref, "://") < hash)) {
    imp_error(im, at, "$ref '%s' is remote: apic import reads local files only (download it and refer to the copy)", ref);
    return NULL;
  }
  if (frag[0] != '\0' && frag[0] != '/') {
    imp_error(im, at, "$ref '%s' names an anchor; only JSON pointers (#/...) are supported", ref);
    return NULL;
  }
  imp_doc *target = im->doc;
  if (file_len > 0) {
    char *path = join_path(im, im->doc->path, ref, file_len);
    target = path != NULL ? doc_load(im, path, at) : NULL;
    if (target == NULL)
      return NULL; /* reported */
  }
  struct fy_node *n = walk_pointer(im, target->root, frag);
  if (n == NULL) {
    if (!im->exhausted)
      imp_error(im, at, "$ref '%s' does not resolve: no such place in %s", ref, target->path);
    return NULL;
  }
  *dc = target;
  *pointer = imp_printf(im, "#%s", frag);
  return n;
}

struct fy_node *ref_follow(imp *im, struct fy_node *n, imp_doc **dc, const char **pointer)
{
  *dc = im->doc;
  *pointer = im->ptr.data != NULL ? imp_strdup(im, im->ptr.data) : "#";
  const char *ref = ref_of(im, n);
  if (ref == NULL)
    return n;
  imp_place saved;
  int moved = 0;
  for (int hops = 0; ref != NULL; hops++) {
    if (hops == MAX_REF_HOPS) {
      imp_error(im, n, "$ref '%s': more than %d references in a chain (a cycle?)", ref, MAX_REF_HOPS);
      n = NULL;
      break;
    }
    struct fy_node *at = node_get(im, n, "$ref");
    n = resolve(im, at, ref, dc, pointer);
    if (n == NULL)
      break;
    /* A chain's next $ref is relative to the document that holds it. */
    if (moved)
      place_leave(im, &saved);
    place_enter(im, &saved, *dc, *pointer);
    moved = 1;
    ref = ref_of(im, n);
  }
  if (moved)
    place_leave(im, &saved);
  return n;
}
