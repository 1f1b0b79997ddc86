/* Reading OpenAPI documents: YAML 1.2 or JSON through libfyaml (located errors), scalars as
 * YAML's core schema reads them, bounded walks, and the JSON pointer of where the walk is. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_internal.h"

#define MAX_DOC_BYTES (64u << 20)

/* The whole file (or stdin), NUL-terminated; NULL with *err set. */
static char *read_doc(const char *path, size_t *out_len, const char **err)
{
  FILE *f = stdin;
  if (strcmp(path, "-") != 0) {
    struct stat st;
    if (stat(path, &st) != 0) {
      *err = strerror(errno);
      return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
      *err = "is a directory";
      return NULL;
    }
    if ((f = fopen(path, "rb")) == NULL) {
      *err = strerror(errno);
      return NULL;
    }
  }
  strbuf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_DOC_BYTES)
    sb_append(&b, chunk, n);
  int bad = ferror(f);
  if (f != stdin)
    fclose(f);
  *err = bad ? strerror(errno) : b.len > MAX_DOC_BYTES ? "file too large (over 64 MiB)" : b.failed ? "out of memory" : NULL;
  if (*err != NULL) {
    sb_free(&b);
    return NULL;
  }
  sb_append(&b, "", 0); /* an empty file still has a buffer */
  return sb_take(&b, out_len);
}

/* JSON is parsed as such (libfyaml's JSON mode is faster and stricter); anything else as YAML. */
static int looks_like_json(const char *text, size_t len)
{
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    i++;
  return i < len && (text[i] == '{' || text[i] == '[');
}

/* Prints libfyaml's collected errors as FILE:LINE:COL: error: MESSAGE. */
static void report_parse_errors(imp *im, struct fy_diag *d, const char *path)
{
  void *it = NULL;
  struct fy_diag_error *e;
  int any = 0;
  while ((e = fy_diag_errors_iterate(d, &it)) != NULL) {
    if (im->diag != NULL && im->errors < IMP_MAX_ERRORS)
      fprintf(im->diag, "%s:%d:%d: error: %s\n", path, e->line, e->column, e->msg); /* 1-based */
    im->errors++;
    any = 1;
  }
  if (!any) {
    if (im->diag != NULL)
      fprintf(im->diag, "%s: error: not a YAML or JSON document\n", path);
    im->errors++;
  }
}

/* The length of the UTF-8 sequence at s (at most n bytes), 0 when it is none: overlong forms,
 * surrogates and code points past U+10FFFF are none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
  size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
  if (len == 0 || len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
      (s[0] == 0xf4 && s[1] > 0x8f))
    return 0;
  return len;
}

/* 1 after reporting the first byte of text that is not UTF-8, which JSON and YAML 1.2 are
 * (and libfyaml 0.7.12 loops for ever on one in a directive line: a '%' and a lone 0xA0). */
static int not_utf8(imp *im, const char *path, const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < len; col++) {
    size_t n = utf8_seq(s + i, len - i);
    if (n == 0) {
      if (im->diag != NULL)
        fprintf(im->diag, "%s:%u:%u: error: byte 0x%02X is not UTF-8, which a JSON or YAML document is\n", path,
                line, col, s[i]);
      im->errors++;
      return 1;
    }
    if (s[i] == '\n')
      line++, col = 0;
    i += n;
  }
  return 0;
}

/* Parses d->text into d->fyd (NULL after reporting why). The document keeps its diagnostic
 * object, destroyed after it (fy_diag_unref would leave the collected errors behind). */
static void parse(imp *im, imp_doc *d, size_t len)
{
  if (not_utf8(im, d->path, d->text, len))
    return;
  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  if ((d->diag = fy_diag_create(&dcfg)) == NULL)
    return;
  fy_diag_set_collect_errors(d->diag, true);
  struct fy_parse_cfg cfg = {0};
  cfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS /* checked after: duplicate_keys */ | (looks_like_json(d->text, len) ? FYPCF_JSON_FORCE : FYPCF_DEFAULT_VERSION_1_2);
  cfg.diag = d->diag;
  d->fyd = fy_document_build_from_string(&cfg, d->text, len);
  if (d->fyd == NULL)
    report_parse_errors(im, d->diag, d->path);
}

/* The text of a pair's key (NULL when it is not a scalar), its length in *len. */
static const char *key_text(struct fy_node_pair *p, size_t *len)
{
  struct fy_node *k = fy_node_pair_key(p);
  *len = 0;
  return k != NULL && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, len) : NULL;
}

/* A key given twice in mapping n, or NULL. Large mappings (components/schemas) go through a
 * table: libfyaml's own check compares each key with every other (quadratic), so it is off. */
static struct fy_node_pair *duplicate_in(struct fy_node *n)
{
  int count = fy_node_mapping_item_count(n);
  struct fy_node_pair *dup = NULL;
  if (count <= 16) {
    const char *text[16];
    size_t len[16];
    void *it = NULL;
    for (int i = 0; i < count && dup == NULL; i++) {
      struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
      text[i] = key_text(p, &len[i]);
      for (int j = 0; j < i && dup == NULL; j++)
        if (text[i] != NULL && text[j] != NULL && len[i] == len[j] && memcmp(text[i], text[j], len[i]) == 0)
          dup = p;
    }
    return dup;
  }
  name_table seen;
  if (name_table_init(&seen) != 0)
    return NULL;
  void *it = NULL;
  struct fy_node_pair *p;
  while (dup == NULL && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
    struct fy_node *k = fy_node_pair_key(p);
    const char *text = k != NULL && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
    if (text != NULL && name_table_get(&seen, text) != NULL)
      dup = p;
    else if (text != NULL && name_table_put(&seen, text, p) != 0)
      break;
  }
  name_table_free(&seen);
  return dup;
}

/* Reports every key given twice in a mapping under n (aliases not followed: what they name is
 * checked where it is); libfyaml nests at most 64 deep, which bounds the recursion. */
static int duplicate_keys(imp *im, const char *path, struct fy_node *n)
{
  int found = 0;
  if (n == NULL || fy_node_is_alias(n))
    return 0;
  void *it = NULL;
  if (fy_node_get_type(n) == FYNT_SEQUENCE) {
    for (struct fy_node *v; (v = fy_node_sequence_iterate(n, &it)) != NULL;)
      found += duplicate_keys(im, path, v);
    return found;
  }
  if (fy_node_get_type(n) != FYNT_MAPPING)
    return 0;
  struct fy_node_pair *dup = duplicate_in(n);
  if (dup != NULL) {
    int line, col;
    node_at(fy_node_pair_key(dup), &line, &col);
    if (im->diag != NULL && im->errors < IMP_MAX_ERRORS)
      fprintf(im->diag, "%s:%d:%d: error: duplicate key '%s'\n", path, line, col, node_str(fy_node_pair_key(dup)));
    im->errors++;
    found++;
  }
  struct fy_node_pair *p;
  while ((p = fy_node_mapping_iterate(n, &it)) != NULL)
    found += duplicate_keys(im, path, fy_node_pair_value(p));
  return found;
}

/* Adds the document path, parsed from text (malloc'd, taken over: it lives as long as the
 * document, which points into it). */
static imp_doc *doc_add(imp *im, const char *path, char *text, size_t len, struct fy_node *at)
{
  imp_doc *d = calloc(1, sizeof *d);
  char *name = strdup(path);
  if (d == NULL || name == NULL) {
    free(d);
    free(name);
    free(text);
    imp_error(im, at, "out of memory");
    return NULL;
  }
  d->path = name;
  d->text = text;
  parse(im, d, len);
  d->root = d->fyd != NULL ? fy_document_root(d->fyd) : NULL;
  if (duplicate_keys(im, d->path, d->root) > 0)
    d->root = NULL;
  im->docs[im->ndocs++] = d; /* kept even when broken: it is not read twice */
  return d->root != NULL ? d : NULL;
}

imp_doc *doc_load(imp *im, const char *path, struct fy_node *at)
{
  for (int i = 0; i < im->ndocs; i++)
    if (strcmp(im->docs[i]->path, path) == 0)
      return im->docs[i]->root != NULL ? im->docs[i] : NULL;
  if (im->ndocs == IMP_MAX_DOCS) {
    imp_error(im, at, "more than %d documents referenced", IMP_MAX_DOCS);
    return NULL;
  }
  size_t len = 0;
  const char *err = NULL;
  char *text = read_doc(path, &len, &err);
  if (text == NULL) {
    if (at != NULL)
      imp_error(im, at, "cannot read '%s': %s", path, err);
    else if (im->diag != NULL)
      fprintf(im->diag, "apic: cannot read '%s': %s\n", path, err);
    return NULL;
  }
  return doc_add(im, path, text, len, at);
}

imp_doc *doc_load_text(imp *im, const char *name, const char *text, size_t len)
{
  char *copy = malloc(len + 1);
  if (copy == NULL) {
    imp_error(im, NULL, "out of memory");
    return NULL;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  return doc_add(im, name, copy, len, NULL);
}

void doc_free(imp_doc *d)
{
  if (d == NULL)
    return;
  fy_document_destroy(d->fyd);
  if (d->diag != NULL)
    fy_diag_destroy(d->diag);
  free(d->text);
  free(d->path);
  free(d);
}

/* ---- nodes ------------------------------------------------------------------------------- */

struct fy_node *node_deref(imp *im, struct fy_node *n)
{
  if (n == NULL)
    return NULL;
  if (--im->budget < 0 || (fy_node_is_alias(n) && --im->alias_budget < 0)) {
    if (!im->exhausted)
      imp_error(im, NULL, im->budget < 0 ? "the document is too large: over %ld nodes to visit"
                                         : "the document follows YAML aliases over %ld times (an alias bomb?)",
                im->budget < 0 ? IMP_NODE_BUDGET : IMP_ALIAS_BUDGET);
    im->exhausted = 1;
    return NULL;
  }
  for (int hops = 0; n != NULL && fy_node_is_alias(n); hops++)
    n = hops < 64 ? fy_node_resolve_alias(n) : NULL;
  return n;
}

int node_is_map(struct fy_node *n)
{
  return n != NULL && fy_node_get_type(n) == FYNT_MAPPING;
}

int node_is_seq(struct fy_node *n)
{
  return n != NULL && fy_node_get_type(n) == FYNT_SEQUENCE;
}

struct fy_node *node_get(imp *im, struct fy_node *n, const char *key)
{
  if (!node_is_map(n))
    return NULL;
  void *it = NULL;
  struct fy_node_pair *p;
  size_t len = strlen(key);
  /* libfyaml's lookup parses key as YAML first; a plain comparison of scalar keys is what a
   * JSON object means, and cheaper (without the NUL-terminated copy node_str makes). */
  while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
    struct fy_node *k = fy_node_pair_key(p);
    size_t klen = 0;
    const char *text = k != NULL && fy_node_get_type(k) == FYNT_SCALAR && !fy_node_is_alias(k) ? fy_node_get_scalar(k, &klen) : NULL;
    if (text != NULL && klen == len && memcmp(text, key, len) == 0)
      return node_deref(im, fy_node_pair_value(p));
  }
  return NULL;
}

const char *node_str(struct fy_node *n)
{
  if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR || fy_node_is_alias(n))
    return NULL;
  return fy_node_get_scalar0(n);
}

static int is_int_text(const char *s)
{
  if (*s == '-' || *s == '+')
    s++;
  if (*s == '\0')
    return 0;
  while (*s >= '0' && *s <= '9')
    s++;
  return *s == '\0';
}

static int is_float_text(const char *s)
{
  char *end;
  if (*s == '\0' || strchr("0123456789+-.", *s) == NULL)
    return 0;
  errno = 0;
  strtod(s, &end);
  return *end == '\0' && strpbrk(s, "xXpP") == NULL; /* no hex floats: YAML has none */
}

scalar_kind node_kind(struct fy_node *n)
{
  const char *s = node_str(n);
  if (s == NULL)
    return SC_NONE;
  enum fy_node_style st = fy_node_get_style(n);
  if (st != FYNS_PLAIN && st != FYNS_ANY)
    return SC_STRING;
  if (strcmp(s, "null") == 0 || strcmp(s, "~") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0 ||
      s[0] == '\0')
    return SC_NULL;
  if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "True") == 0 || strcmp(s, "False") == 0 ||
      strcmp(s, "TRUE") == 0 || strcmp(s, "FALSE") == 0)
    return SC_BOOL;
  if (is_int_text(s))
    return SC_INT;
  if (is_float_text(s))
    return SC_FLOAT;
  return SC_STRING;
}

const char *node_string(struct fy_node *n)
{
  return node_kind(n) == SC_STRING ? node_str(n) : NULL;
}

int node_bool(struct fy_node *n, int dflt)
{
  if (node_kind(n) != SC_BOOL)
    return dflt;
  return node_str(n)[0] == 't' || node_str(n)[0] == 'T';
}

void node_at(struct fy_node *n, int *line, int *col)
{
  *line = *col = 0;
  /* Only scalars have a token of their own here; a collection starts at its first scalar. */
  for (int depth = 0; n != NULL && depth < 64; depth++) {
    if (fy_node_get_type(n) == FYNT_SCALAR) {
      const struct fy_mark *m = fy_token_start_mark(fy_node_get_scalar_token(n));
      if (m != NULL) {
        *line = m->line + 1;
        *col = m->column + 1;
      }
      return;
    }
    void *it = NULL;
    if (fy_node_get_type(n) == FYNT_MAPPING) {
      struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
      n = p != NULL ? fy_node_pair_key(p) : NULL;
    } else {
      n = fy_node_sequence_iterate(n, &it);
    }
  }
}

int map_next(imp *im, struct fy_node *map, void **iter, const char **key, struct fy_node **val)
{
  if (!node_is_map(map))
    return 0;
  struct fy_node_pair *p;
  while ((p = fy_node_mapping_iterate(map, iter)) != NULL) {
    *key = node_str(fy_node_pair_key(p));
    if (*key == NULL)
      continue; /* a YAML complex key: nothing in OpenAPI has one */
    *val = node_deref(im, fy_node_pair_value(p));
    if (im->exhausted)
      return 0;
    return 1;
  }
  return 0;
}

struct fy_node *seq_next(imp *im, struct fy_node *seq, void **iter)
{
  if (!node_is_seq(seq))
    return NULL;
  struct fy_node *n = fy_node_sequence_iterate(seq, iter);
  return n != NULL ? node_deref(im, n) : NULL;
}

int seq_count(struct fy_node *seq)
{
  return node_is_seq(seq) ? fy_node_sequence_item_count(seq) : 0;
}

/* ---- the pointer ------------------------------------------------------------------------ */

size_t ptr_push(imp *im, const char *key)
{
  size_t len = im->ptr.len;
  sb_append(&im->ptr, "/", 1);
  for (const char *p = key; *p != '\0'; p++) {
    if (*p == '~')
      sb_append(&im->ptr, "~0", 2);
    else if (*p == '/')
      sb_append(&im->ptr, "~1", 2);
    else
      sb_append(&im->ptr, p, 1);
  }
  return len;
}

size_t ptr_push_index(imp *im, int i)
{
  char num[24];
  snprintf(num, sizeof num, "%d", i);
  return ptr_push(im, num);
}

void ptr_pop(imp *im, size_t len)
{
  if (im->ptr.data != NULL && len <= im->ptr.len) {
    im->ptr.len = len;
    im->ptr.data[len] = '\0';
  }
}

void place_enter(imp *im, imp_place *saved, imp_doc *dc, const char *pointer)
{
  saved->doc = im->doc;
  saved->ptr = im->ptr.failed ? NULL : sb_take(&im->ptr, NULL);
  im->ptr = (strbuf){0};
  im->doc = dc;
  sb_puts(&im->ptr, pointer);
}

void place_leave(imp *im, imp_place *saved)
{
  sb_free(&im->ptr);
  im->ptr = (strbuf){0};
  sb_puts(&im->ptr, saved->ptr != NULL ? saved->ptr : "#");
  free(saved->ptr);
  im->doc = saved->doc;
}
