/* Reading spec files and following their imports. Each file is read once (identified by its
 * real path); an import cycle is an error at the import that closes it. */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700

#include "frontend.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bigmem.h"
#include "commands.h"
#include "parse.h"

#define MAX_SPEC_BYTES (64u << 20) /* a spec larger than this is surely not one */
#define MAX_IMPORT_DEPTH 64
/* A file's AST takes about 7 to 10 times its size in bytes (the synthesized specs of
 * bench/check-bench.sh, spec/torale.api): the arena reserves that much before a parse. */
#define AST_BYTES_PER_BYTE 12

typedef struct loaded {
  char *real;  /* realpath, the file's identity */
  int done;    /* 0 while its imports are being read: seeing it again is a cycle */
} loaded;

typedef struct loader {
  spec *s;
  const char *root_text; /* spec_load_text: the root file's bytes, instead of reading it */
  size_t root_size;
  loaded *files;
  int nfiles;
  decl **tail; /* where the next file's declarations go */
} loader;

/* Reads a whole file (or stdin) into a NUL-terminated buffer of *out_cap bytes (big_alloc: a
 * large spec's text lands on huge pages). Sets *err to a message. */
static char *read_all(const char *path, size_t *out_size, size_t *out_cap, const char **err)
{
  FILE *f = stdin;
  size_t cap = 4096, size = 0;
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
    f = fopen(path, "rb");
    if (f == NULL) {
      *err = strerror(errno);
      return NULL;
    }
    /* Room for the whole file and one byte more, so one read finds its end: growing by
     * doubling would copy a large spec several times over. Past the limit, the loop below
     * decides as it always did. */
    if (S_ISREG(st.st_mode) && (size_t)st.st_size + 2 > cap && (size_t)st.st_size + 2 <= MAX_SPEC_BYTES)
      cap = (size_t)st.st_size + 2;
  }
  char *buf = big_alloc(cap);
  while (buf != NULL) {
    size += fread(buf + size, 1, cap - size - 1, f);
    if (size < cap - 1)
      break;
    char *grown = cap > MAX_SPEC_BYTES ? NULL : big_alloc(cap * 2);
    if (grown != NULL)
      memcpy(grown, buf, size);
    else if (cap > MAX_SPEC_BYTES)
      *err = "file too large (over 64 MiB)";
    big_free(buf, cap);
    buf = grown;
    cap *= 2;
  }
  if (buf == NULL && *err == NULL)
    *err = "out of memory";
  if (buf != NULL && ferror(f)) {
    *err = strerror(errno);
    big_free(buf, cap);
    buf = NULL;
  }
  if (f != stdin)
    fclose(f);
  if (buf != NULL) {
    buf[size] = '\0';
    *out_size = size;
    *out_cap = cap;
  }
  return buf;
}

/* "dir/of/importer/" + path, unless path is absolute or the importer has no directory. */
static char *join_import(const char *importer, const char *path)
{
  const char *slash = strrchr(importer, '/');
  size_t dir = (path[0] == '/' || slash == NULL) ? 0 : (size_t)(slash - importer) + 1;
  char *out = malloc(dir + strlen(path) + 1);
  if (out != NULL) {
    memcpy(out, importer, dir);
    strcpy(out + dir, path);
  }
  return out;
}

static int load_file(loader *ld, const char *path, const loc *from, int depth);

static int find_loaded(const loader *ld, const char *real)
{
  for (int i = 0; i < ld->nfiles; i++)
    if (strcmp(ld->files[i].real, real) == 0)
      return i;
  return -1;
}

static void follow_import(loader *ld, int file, const decl *d, int depth)
{
  spec *s = ld->s;
  const char *importer = diag_file_name(&s->diag, file);
  if (d->name[0] == '\0') {
    diag_error(&s->diag, d->at, "empty import path");
    return;
  }
  char *path = join_import(importer, d->name);
  if (path == NULL) {
    diag_plain(&s->diag, "out of memory");
    return;
  }
  load_file(ld, path, &d->at, depth + 1);
  free(path);
}

/* Reads, parses and appends one file's declarations after those of its imports. */
static int load_file(loader *ld, const char *path, const loc *from, int depth)
{
  spec *s = ld->s;
  char real[PATH_MAX];
  const char *err = NULL;
  if (strcmp(path, "-") == 0 || (from == NULL && ld->root_text != NULL))
    snprintf(real, sizeof real, "%s", path);
  else if (realpath(path, real) == NULL)
    err = strerror(errno);
  if (err == NULL) {
    int seen = find_loaded(ld, real);
    if (seen >= 0) {
      if (!ld->files[seen].done)
        diag_error(&s->diag, *from, "import cycle: '%s' imports itself (directly or through others)", path);
      return 0;
    }
    if (depth > MAX_IMPORT_DEPTH) {
      diag_error(&s->diag, *from, "imports nested more than %d deep", MAX_IMPORT_DEPTH);
      return 0;
    }
  }
  size_t size = 0, cap = 0;
  char *text = NULL;
  if (from == NULL && ld->root_text != NULL) {
    size = ld->root_size;
    cap = size + 1;
    if ((text = big_alloc(cap)) == NULL)
      err = "out of memory";
    else {
      memcpy(text, ld->root_text, size);
      text[size] = '\0';
    }
  } else if (err == NULL) {
    text = read_all(path, &size, &cap, &err);
  }
  if (text == NULL) {
    if (from != NULL)
      diag_error(&s->diag, *from, "cannot import '%s': %s", path, err);
    else
      diag_plain(&s->diag, "cannot read '%s': %s", path, err);
    return -1;
  }
  loaded *grown = realloc(ld->files, (size_t)(ld->nfiles + 1) * sizeof *grown);
  char *id = strdup(real);
  int file = grown != NULL && id != NULL ? diag_add_source(&s->diag, path, text, size, cap) : -1;
  if (grown != NULL)
    ld->files = grown;
  if (file < 0) {
    if (grown == NULL || id == NULL)
      big_free(text, cap);
    free(id);
    diag_plain(&s->diag, "out of memory");
    return -1;
  }
  int me = ld->nfiles++;
  ld->files[me] = (loaded){id, 0};

  ast_arena_reserve(s->arena, size * AST_BYTES_PER_BYTE);
  decl *decls = parse_file(s->arena, &s->diag, file);
  for (const decl *d = decls; d != NULL; d = d->next)
    if (d->kind == D_IMPORT)
      follow_import(ld, file, d, depth);
  ld->files[me].done = 1;

  for (decl *d = decls, *next; d != NULL; d = next) {
    next = d->next;
    if (d->kind == D_IMPORT)
      continue;
    if (d->kind == D_API && from == NULL && s->api == NULL)
      s->api = d;
    d->next = NULL;
    *ld->tail = d;
    ld->tail = &d->next;
  }
  return 0;
}

static int load(spec *s, const char *path, const char *text, size_t size, FILE *diag_out)
{
  memset(s, 0, sizeof *s);
  diag_init(&s->diag, diag_out);
  s->arena = ast_arena_new();
  if (s->arena == NULL) {
    diag_plain(&s->diag, "out of memory");
    s->io_error = 1;
    return -1;
  }
  loader ld = {s, text, size, NULL, 0, &s->decls};
  int rc = load_file(&ld, path, NULL, 0);
  for (int i = 0; i < ld.nfiles; i++)
    free(ld.files[i].real);
  free(ld.files);
  if (rc != 0)
    s->io_error = 1;
  return rc;
}

int spec_load(spec *s, const char *path, FILE *diag_out)
{
  return load(s, path, NULL, 0, diag_out);
}

int spec_load_text(spec *s, const char *name, const char *text, size_t size, FILE *diag_out)
{
  return load(s, name, text != NULL ? text : "", size, diag_out);
}

void spec_free(spec *s)
{
  ast_arena_free(s->arena);
  s->arena = NULL;
  diag_free(&s->diag);
}

size_t spec_source_size(const spec *s)
{
  size_t size = 0;
  for (int i = 0; i < s->diag.nfiles; i++)
    size += s->diag.files[i].size;
  return size;
}

int apic_frontend_open(spec *s, const char *path, FILE *diag_out)
{
  if (spec_load(s, path, diag_out) != 0)
    return EXIT_USAGE;
  return spec_check(s) != 0 || s->diag.errors != 0 ? EXIT_SPEC : EXIT_OK;
}

cJSON *apic_frontend_load(const char *path, FILE *diag_out, int *out_status)
{
  spec s;
  cJSON *json = NULL;
  if ((*out_status = apic_frontend_open(&s, path, diag_out)) == EXIT_OK) {
    json = spec_dump(&s);
    *out_status = json != NULL ? EXIT_OK : EXIT_USAGE;
    if (json == NULL)
      diag_plain(&s.diag, "out of memory");
  }
  spec_free(&s);
  return json;
}
