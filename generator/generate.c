/* apic generate: render every entry of templates/files.json against the view model, then
 * bring the output directory in line: write what changed (atomically), leave what did not
 * (its mtime too), remove what an earlier run wrote that is no longer produced (listed in the
 * directory's manifest). Nothing outside the output directory is touched, and nothing in it
 * that an earlier run did not write: a file in the way is reported and the run fails, unless
 * --force. */
#include "generate.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "frontend.h"
#include "mustache.h"
#include "names.h"
#include "strbuf.h"
#include "templates.h"
#include "viewmodel.h"

#define MANIFEST ".apic-manifest"
#define TMP_SUFFIX ".apic-tmp" /* a file's new text, beside it until renamed over it */

typedef struct output {
  char *path;       /* relative to the output directory */
  int same;         /* the file on disk already holds this text */
  const char *text; /* a bundled runtime file: its (embedded) text, len bytes */
  size_t len;
  char *tmp;        /* a rendered file that changed: its new text, in a file beside it until
                       renamed (NULL with --check or --dry-run, or when blocked) */
  int blocked;      /* not written: a directory on its way is a symbolic link */
  int foreign;      /* a file is there that the manifest does not list: not apic's */
  int write_errno;  /* writing tmp failed with this error */
} output;

typedef struct loaded_text {
  struct loaded_text *next;
  char *path, *text;
  size_t len;
} loaded_text;

/* One file to render: a template for one context stack. */
typedef struct job {
  const mustache *body;
  const view *stack[2];
  int depth;
  size_t out;       /* its output: index in gen.outs */
  const char *tmpl; /* the template's name, for errors */
  off_t old_size;   /* of the file on disk, 0 if none: the biggest start first */
  char *err;        /* rendering failed: why */
} job;

/* A job's place in the order files start rendering in. */
typedef struct start {
  off_t size; /* of its file on disk */
  size_t job;
} start;

typedef struct gen {
  const gen_options *o;
  size_t threads;         /* how many threads render files (thread_count) */
  char *manifest;         /* the last run's manifest, its lines NUL-ended; NULL if none */
  size_t manifest_len;
  name_table listed;      /* its paths (keys borrowed from manifest) */
  loaded_text *overrides; /* templates read from --templates DIR, kept for the run */
  output *outs;
  size_t nouts, cap;
  mustache_env env;       /* for output paths, rendered before the files */
  mustache **bodies;      /* the parsed templates, kept until every file has rendered */
  size_t nbodies;
  job *jobs;
  size_t njobs, jobs_cap;
  /* While files render on several threads: */
  pthread_mutex_t lock;   /* guards what follows, and overrides (partials load lazily) */
  start *order;           /* the jobs, biggest old file first */
  size_t next;            /* the next entry of order to start */
  int stop;               /* a file failed: start no more */
} gen;

/* ---- files ---------------------------------------------------------------------------------- */

static char *joined(const char *dir, const char *rel)
{
  strbuf b = {0};
  sb_printf(&b, "%s/%s", dir, rel);
  return sb_take(&b, NULL);
}

/* Whether the file dir/rel holds text (len bytes). */
static int same_as_disk(const char *dir, const char *rel, const char *text, size_t len)
{
  char *path = joined(dir, rel);
  size_t old_len = 0;
  char *old = path != NULL ? sb_read_file(path, &old_len) : NULL;
  int same = old != NULL && old_len == len && memcmp(old, text, len) == 0;
  free(old);
  free(path);
  return same;
}

/* mkdir -p for the directories above path. */
static int make_parents(const char *path)
{
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
    return -1;
  for (char *p = buf + 1; *p != '\0'; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return 0;
}

/* Writes through a temporary file and rename, so a reader never sees half a file. */
static int write_atomic(const char *path, const char *text, size_t len)
{
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s" TMP_SUFFIX, path) >= (int)sizeof tmp || make_parents(path) != 0)
    return -1;
  FILE *f = fopen(tmp, "wb");
  if (f == NULL)
    return -1;
  int bad = fwrite(text, 1, len, f) != len;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* An output path must stay inside the output directory: relative, no "..", no empty parts. */
static int safe_path(const char *p)
{
  if (p[0] == '\0' || p[0] == '/' || strcmp(p, MANIFEST) == 0)
    return 0;
  for (const char *s = p; *s != '\0';) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
      return 0;
    s += n + (e != NULL);
  }
  return 1;
}

/* No directory between out_dir and rel's file may be a symbolic link: writing or removing
 * through one would touch files outside the output directory. */
static int no_symlinked_parent(const char *out_dir, const char *rel)
{
  char buf[4096];
  size_t base = strlen(out_dir) + 1;
  if (snprintf(buf, sizeof buf, "%s/%s", out_dir, rel) >= (int)sizeof buf)
    return 0;
  for (char *p = buf + base; (p = strchr(p, '/')) != NULL; p++) {
    struct stat st;
    *p = '\0';
    int link = lstat(buf, &st) == 0 && S_ISLNK(st.st_mode);
    *p = '/';
    if (link)
      return 0;
  }
  return 1;
}

/* After removing a stale file, removes the directories it leaves empty, up to out_dir
 * (rmdir fails on a directory that still holds something, which ends the walk). */
static void remove_empty_parents(const char *out_dir, const char *rel)
{
  char buf[4096];
  size_t base = strlen(out_dir) + 1;
  if (snprintf(buf, sizeof buf, "%s/%s", out_dir, rel) >= (int)sizeof buf)
    return;
  for (char *p = strrchr(buf + base, '/'); p != NULL; p = strrchr(buf + base, '/')) {
    *p = '\0';
    if (rmdir(buf) != 0)
      return;
  }
}

/* ---- templates -------------------------------------------------------------------------------- */

/* The template at a path relative to templates/: from --templates DIR when it has it, else the
 * one built in. NULL when neither has it. */
static const char *template_text(gen *g, const char *rel, size_t *len)
{
  if (g->o->templates_dir != NULL) {
    for (loaded_text *l = g->overrides; l != NULL; l = l->next)
      if (strcmp(l->path, rel) == 0) {
        *len = l->len;
        return l->text;
      }
    strbuf p = {0};
    sb_printf(&p, "%s/%s", g->o->templates_dir, rel);
    char *text = p.failed ? NULL : sb_read_file(p.data, len);
    sb_free(&p);
    loaded_text *l = text != NULL ? calloc(1, sizeof *l) : NULL;
    if (l != NULL && (l->path = strdup(rel)) != NULL) {
      l->text = text;
      l->len = *len;
      l->next = g->overrides;
      g->overrides = l;
      return text;
    }
    free(l);
    free(text);
  }
  for (const embedded_template *t = embedded_templates; t->path != NULL; t++)
    if (strcmp(t->path, rel) == 0) {
      *len = t->len;
      return t->text;
    }
  return NULL;
}

/* {{>c/partials/doc}} is templates/c/partials/doc.mustache; names that would leave the
 * templates directory find nothing (and render empty, as unknown partials do). */
static const char *load_partial(void *ud, const char *name, size_t *len)
{
  gen *g = ud;
  char rel[1024];
  if (!safe_path(name) || snprintf(rel, sizeof rel, "%s.mustache", name) >= (int)sizeof rel)
    return NULL;
  pthread_mutex_lock(&g->lock);
  const char *text = template_text(g, rel, len);
  pthread_mutex_unlock(&g->lock);
  return text;
}

static mustache *parse_template(gen *g, const char *rel)
{
  size_t len;
  const char *text = template_text(g, rel, &len);
  if (text == NULL) {
    fprintf(stderr, "apic: no template '%s'\n", rel);
    return NULL;
  }
  char *err = NULL;
  mustache *t = mustache_parse(rel, text, len, &err);
  if (t == NULL) {
    fprintf(stderr, "%s\n", err);
    free(err);
  }
  return t;
}

/* ---- rendering --------------------------------------------------------------------------------- */

/* Whether something is at rel that the last run's manifest does not list: apic did not write
 * it, so it may not overwrite it (without --force). */
static int in_the_way(const gen *g, const char *rel)
{
  if (name_table_get(&g->listed, rel) != NULL)
    return 0;
  char *path = joined(g->o->out_dir, rel);
  struct stat st;
  int there = path == NULL || lstat(path, &st) == 0;
  free(path);
  return there;
}

/* A new output (path taken over); NULL, with path freed, when another template writes it too. */
static output *add_output(gen *g, char *path)
{
  for (size_t i = 0; i < g->nouts; i++)
    if (strcmp(g->outs[i].path, path) == 0) {
      fprintf(stderr, "apic: two templates write '%s'\n", path);
      free(path);
      return NULL;
    }
  if (g->nouts == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 16;
    output *grown = realloc(g->outs, cap * sizeof *grown);
    if (grown == NULL) {
      free(path);
      return NULL;
    }
    g->outs = grown;
    g->cap = cap;
  }
  output *out = &g->outs[g->nouts++];
  *out = (output){.path = path, .foreign = in_the_way(g, path)};
  return out;
}

/* Compares the output with the file on disk while it is rendered, so an unchanged file (the
 * usual case: an SDK regenerated) is never held whole. Once they differ, the output goes to a
 * file beside the old one (renamed over it when every file has rendered), starting with the
 * part that matched, read back from the old file; with --check or --dry-run it goes nowhere.
 * No output is held whole in memory either: for a large spec that is tens of megabytes of
 * fresh pages. */
typedef struct compare {
  const gen *g;
  output *out;
  FILE *old;   /* the file on disk, read along; NULL when absent or once they differ */
  size_t same; /* bytes so far equal to the file's */
  int differs;
  FILE *tmp;   /* once they differ: out->tmp, being written */
  char chunk[65536];
} compare;

/* Whether the next len bytes of the old file are data. */
static int same_bytes(compare *c, const char *data, size_t len)
{
  for (size_t at = 0; at < len;) {
    size_t n = len - at < sizeof c->chunk ? len - at : sizeof c->chunk;
    if (fread(c->chunk, 1, n, c->old) != n || memcmp(c->chunk, data + at, n) != 0)
      return 0;
    at += n;
  }
  return 1;
}

/* Writes new text; a failed write is reported when the files are put in place. */
static void put_new(compare *c, const char *data, size_t len)
{
  if (c->tmp != NULL && fwrite(data, 1, len, c->tmp) != len) {
    c->out->write_errno = errno;
    fclose(c->tmp);
    c->tmp = NULL;
  }
}

/* Starts out->tmp beside the file (not through a symbolically linked directory). */
static void open_new(compare *c)
{
  const gen_options *o = c->g->o;
  output *out = c->out;
  if (o->check || o->dry_run || (out->foreign && !o->force))
    return;
  if (!no_symlinked_parent(o->out_dir, out->path)) {
    out->blocked = 1;
    return;
  }
  char *full = joined(o->out_dir, out->path);
  strbuf t = {0};
  sb_printf(&t, "%s" TMP_SUFFIX, full != NULL ? full : "");
  if (full == NULL || t.failed)
    out->write_errno = ENOMEM;
  else if (make_parents(full) != 0)
    out->write_errno = errno;
  else if ((out->tmp = sb_take(&t, NULL)) == NULL)
    out->write_errno = ENOMEM;
  else if ((c->tmp = fopen(out->tmp, "wb")) == NULL)
    out->write_errno = errno;
  sb_free(&t);
  free(full);
}

/* From now on the output is new text: starts it with the c->same bytes that matched. */
static int differ(compare *c)
{
  c->differs = 1;
  open_new(c);
  if (c->old == NULL)
    return 0;
  rewind(c->old);
  int rc = 0;
  for (size_t left = c->same, n; left > 0; left -= n) {
    n = left < sizeof c->chunk ? left : sizeof c->chunk;
    if (fread(c->chunk, 1, n, c->old) != n) { /* the file changed under us */
      rc = -1;
      break;
    }
    put_new(c, c->chunk, n);
  }
  fclose(c->old);
  c->old = NULL;
  return rc;
}

static int compare_piece(void *ud, const char *data, size_t len)
{
  compare *c = ud;
  if (!c->differs && !same_bytes(c, data, len) && differ(c) != 0)
    return -1;
  if (!c->differs) {
    c->same += len;
    return 0;
  }
  put_new(c, data, len);
  return 0;
}

/* Renders body for out, comparing with its file on disk. Afterwards out->same says whether the
 * file holds it; if not, out->tmp (when writing) holds the new text. */
static int render_compared(const gen *g, output *out, const job *j, mustache_env *env, compare *c, char **err)
{
  char *full = joined(g->o->out_dir, out->path);
  c->g = g;
  c->out = out;
  c->old = full != NULL ? fopen(full, "rb") : NULL;
  free(full);
  if (c->old == NULL)
    differ(c);
  int rc = mustache_render_to(j->body, j->stack, j->depth, env, compare_piece, c, err);
  if (rc == 0 && !c->differs && (fgetc(c->old) != EOF || ferror(c->old)) && differ(c) != 0) {
    *err = strdup("cannot read back the old file");
    rc = -1;
  }
  if (c->old != NULL)
    fclose(c->old);
  if (c->tmp != NULL && fclose(c->tmp) != 0 && out->write_errno == 0)
    out->write_errno = errno;
  out->same = !c->differs;
  return rc;
}

/* Plans one files.json entry for one context stack: its output path, and a job. */
static int plan_one(gen *g, const mustache *body, const mustache *out_path, const view *const *stack, int depth,
                    const char *tmpl)
{
  char *err = NULL;
  char *path = mustache_render(out_path, stack, depth, &g->env, NULL, &err);
  if (path == NULL || !safe_path(path)) {
    fprintf(stderr, "apic: %s: output path '%s' %s\n", tmpl, path ? path : "", err ? err : "leaves the output directory");
    free(path);
    free(err);
    return -1;
  }
  if (add_output(g, path) == NULL)
    return -1;
  if (g->njobs == g->jobs_cap) {
    size_t cap = g->jobs_cap ? g->jobs_cap * 2 : 16;
    job *grown = realloc(g->jobs, cap * sizeof *grown);
    if (grown == NULL) {
      fprintf(stderr, "apic: %s: out of memory\n", tmpl);
      return -1;
    }
    g->jobs = grown;
    g->jobs_cap = cap;
  }
  job *j = &g->jobs[g->njobs++];
  *j = (job){.body = body, .depth = depth, .out = g->nouts - 1, .tmpl = tmpl};
  for (int i = 0; i < depth; i++)
    j->stack[i] = stack[i];
  char *full = joined(g->o->out_dir, path);
  struct stat st;
  if (full != NULL && stat(full, &st) == 0)
    j->old_size = st.st_size;
  free(full);
  return 0;
}

/* Keeps a parsed template until every file has rendered. */
static int keep_body(gen *g, mustache *body)
{
  mustache **grown = realloc(g->bodies, (g->nbodies + 1) * sizeof *grown);
  if (grown == NULL) {
    mustache_free(body);
    return -1;
  }
  g->bodies = grown;
  g->bodies[g->nbodies++] = body;
  return 0;
}

static int plan_entry(gen *g, const view *root, const cJSON *entry)
{
  const char *tmpl = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "template"));
  const char *out = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "output"));
  const cJSON *each = cJSON_GetObjectItemCaseSensitive(entry, "each");
  if (tmpl == NULL || out == NULL || (each != NULL && !cJSON_IsString(each))) {
    fprintf(stderr, "apic: files.json: each entry needs \"template\" and \"output\" strings\n");
    return -1;
  }
  mustache *body = parse_template(g, tmpl);
  if (body == NULL || keep_body(g, body) != 0)
    return -1;
  char *err = NULL;
  mustache *out_path = mustache_parse("files.json output", out, strlen(out), &err);
  if (out_path == NULL) {
    fprintf(stderr, "%s\n", err);
    free(err);
    return -1;
  }
  int rc = 0;
  if (each == NULL) {
    rc = plan_one(g, body, out_path, &root, 1, tmpl);
  } else {
    const view *list = view_get(root, view_key(each->valuestring, strlen(each->valuestring)));
    if (list == NULL || list->kind != V_LIST) {
      fprintf(stderr, "apic: files.json: %s: \"each\": \"%s\" is not an array at the view model's root\n",
              tmpl, each->valuestring);
      rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < list->n; i++) {
      const view *stack[] = {root, &list->u.items[i]};
      rc = plan_one(g, body, out_path, stack, 2, tmpl);
    }
  }
  mustache_free(out_path);
  return rc;
}

/* Renders one job with a thread's own partial cache; 0 or -1 with j->err set. */
static int run_job(gen *g, job *j, mustache_env *env)
{
  compare *c = calloc(1, sizeof *c);
  int rc = c != NULL ? render_compared(g, &g->outs[j->out], j, env, c, &j->err) : -1;
  if (rc != 0 && j->err == NULL)
    j->err = strdup("out of memory");
  free(c);
  return rc;
}

/* A rendering thread: takes the next job until none is left or one failed. */
static void *worker(void *ud)
{
  gen *g = ud;
  mustache_env env = {0, load_partial, g, NULL};
  for (;;) {
    pthread_mutex_lock(&g->lock);
    size_t i = g->next < g->njobs && !g->stop ? g->order[g->next++].job : SIZE_MAX;
    pthread_mutex_unlock(&g->lock);
    if (i == SIZE_MAX)
      break;
    if (run_job(g, &g->jobs[i], &env) != 0) {
      pthread_mutex_lock(&g->lock);
      g->stop = 1;
      pthread_mutex_unlock(&g->lock);
    }
  }
  mustache_env_clear(&env);
  return NULL;
}

static int bigger_first(const void *a, const void *b)
{
  const start *x = a, *y = b;
  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  return (x->job > y->job) - (x->job < y->job);
}

/* From this much source on, generating a spec uses more threads than one (the mock's copy of
 * the spec is made, and the files render, alongside the rest). Below it, threads cost more
 * than they save (each starts with a fresh stack and malloc arena, hundreds of page faults):
 * synthesized specs of 100 resources (66 KB) took 18 ms on one thread and 21 ms on two, of
 * 200 resources (132 KB) 27 ms and 25 ms (docs/performance.md). */
#define THREADS_FROM ((size_t)128 << 10)

/* Without --jobs: one thread per processor, up to this many. */
#define DEFAULT_THREADS 8

/* How many threads generate: --jobs, else one per processor, but one for a small spec. */
static size_t thread_count(const gen_options *o, const spec *s)
{
  long n = o->jobs;
  if (n < 1 || n > APIC_MAX_JOBS) {
    n = spec_source_size(s) < THREADS_FROM ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
    n = n < 1 ? 1 : n > DEFAULT_THREADS ? DEFAULT_THREADS : n;
  }
  return (size_t)n;
}

/* Renders every job, on several threads: each file is rendered by one thread from the shared
 * read-only view, so the output is the same whatever the number of threads. The biggest files
 * (by their size on disk from the last run) start first, so no thread is left with one big
 * file at the end. Errors are reported in files.json order. */
static int render_jobs(gen *g)
{
  if ((g->order = malloc((g->njobs + 1) * sizeof *g->order)) == NULL)
    return -1;
  for (size_t i = 0; i < g->njobs; i++)
    g->order[i] = (start){g->jobs[i].old_size, i};
  qsort(g->order, g->njobs, sizeof *g->order, bigger_first);
  pthread_t threads[APIC_MAX_JOBS];
  size_t started = 0, want = g->threads < g->njobs ? g->threads : g->njobs;
  while (started + 1 < want && pthread_create(&threads[started], NULL, worker, g) == 0)
    started++;
  worker(g); /* this thread renders too; alone if no other could start */
  for (size_t i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  int rc = 0;
  for (size_t i = 0; i < g->njobs; i++)
    if (g->jobs[i].err != NULL) {
      fprintf(stderr, "%s: error: %s\n", g->jobs[i].tmpl, g->jobs[i].err);
      rc = -1;
    }
  return rc;
}

static int render_all(gen *g, const view *root)
{
  size_t len;
  const char *index = template_text(g, "files.json", &len);
  cJSON *entries = index != NULL ? cJSON_ParseWithLength(index, len) : NULL;
  if (!cJSON_IsArray(entries)) {
    fprintf(stderr, "apic: templates/files.json is missing or not a JSON array\n");
    cJSON_Delete(entries);
    return -1;
  }
  int rc = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, entries)
  if (rc == 0)
    rc = plan_entry(g, root, e);
  if (rc == 0)
    rc = render_jobs(g);
  cJSON_Delete(entries);
  return rc;
}

/* --bundle-runtime: the runtime's embedded sources, as outputs like any other (so the manifest
 * covers them). runtime/X stays runtime/X; libapic-mock's mock/X goes to runtime/mock/X. */
static int add_bundle(gen *g)
{
  for (const embedded_template *f = embedded_runtime; f->path != NULL; f++) {
    strbuf p = {0};
    sb_printf(&p, "%s%s", strncmp(f->path, "runtime/", 8) == 0 ? "" : "runtime/", f->path);
    char *path = sb_take(&p, NULL);
    output *out = path != NULL ? add_output(g, path) : NULL;
    if (out == NULL)
      return -1;
    out->same = same_as_disk(g->o->out_dir, path, f->text, f->len);
    out->text = f->text;
    out->len = f->len;
  }
  return 0;
}

/* ---- bringing the directory in line ---------------------------------------------------------------- */

/* The last run's manifest, if the directory has one: its lines become NUL-ended strings, and
 * the table of what it lists. -1 when out of memory. */
static int read_manifest(gen *g)
{
  if (name_table_init(&g->listed) != 0)
    return -1;
  char *path = joined(g->o->out_dir, MANIFEST);
  g->manifest = path != NULL ? sb_read_file(path, &g->manifest_len) : NULL;
  free(path);
  for (size_t i = 0; i < g->manifest_len; i++)
    if (g->manifest[i] == '\n')
      g->manifest[i] = '\0';
  for (char *line = g->manifest; line != NULL && line < g->manifest + g->manifest_len; line += strlen(line) + 1)
    if (*line != '\0' && name_table_put(&g->listed, line, line) != 0)
      return -1;
  return 0;
}

static int produced(const gen *g, const char *rel)
{
  for (size_t i = 0; i < g->nouts; i++)
    if (strcmp(g->outs[i].path, rel) == 0)
      return 1;
  return 0;
}

/* The manifest: one relative path per line, in output order. */
static char *manifest_text(const gen *g, size_t *len)
{
  strbuf b = {0};
  for (size_t i = 0; i < g->nouts; i++)
    sb_printf(&b, "%s\n", g->outs[i].path);
  sb_append(&b, "", 0);
  return sb_take(&b, len);
}

/* Puts a changed output in place: renames its new text over the file (or writes a bundled
 * file's); reports why not. */
static int write_output(gen *g, output *out)
{
  const gen_options *o = g->o;
  char *path = joined(o->out_dir, out->path);
  int rc = -1;
  if (out->blocked || !no_symlinked_parent(o->out_dir, out->path))
    fprintf(stderr, "apic: not writing '%s': a directory on its way is a symbolic link\n", out->path);
  else if (out->write_errno != 0)
    fprintf(stderr, "apic: cannot write '%s': %s\n", path ? path : out->path, strerror(out->write_errno));
  else if (path == NULL || (out->tmp != NULL ? rename(out->tmp, path) : write_atomic(path, out->text, out->len)) != 0)
    fprintf(stderr, "apic: cannot write '%s': %s\n", path ? path : out->path, strerror(errno));
  else
    rc = 0;
  if (rc == 0 && out->tmp != NULL) {
    free(out->tmp); /* renamed: nothing left to remove */
    out->tmp = NULL;
  }
  free(path);
  return rc;
}

/* Files in the way: there, not written by apic, and not what it would write. Lists them and
 * returns 1 when there are any (and no --force). */
static int in_the_way_report(const gen *g)
{
  const gen_options *o = g->o;
  size_t n = 0;
  for (size_t i = 0; i < g->nouts; i++)
    n += g->outs[i].foreign && !g->outs[i].same;
  if (n == 0 || o->force)
    return 0;
  const char *them = n == 1 ? "it" : "them";
  fprintf(stderr, "apic: %s: %zu file%s in the way: apic did not write %s (%s%s" MANIFEST "%s), and will not "
          "overwrite %s:\n", o->out_dir, n, n == 1 ? " is" : "s are", them, g->manifest != NULL ? "" : "there is no ",
          g->manifest != NULL ? "the directory's " : "", g->manifest != NULL ? " does not list it" : "", them);
  for (size_t i = 0; i < g->nouts; i++)
    if (g->outs[i].foreign && !g->outs[i].same)
      fprintf(stderr, "  %s\n", g->outs[i].path);
  fprintf(stderr, "apic: move %s away, generate into another directory, or pass --force to overwrite %s\n", them,
          them);
  return 1;
}

static int sync_dir(gen *g)
{
  const gen_options *o = g->o;
  if (in_the_way_report(g))
    return EXIT_SPEC;
  int changes = 0, failed = 0, written = 0, kept = 0, removed = 0;
  for (size_t i = 0; i < g->nouts; i++) {
    output *out = &g->outs[i];
    if (out->same) {
      kept++;
      if (o->dry_run)
        fprintf(o->report, "unchanged %s\n", out->path);
      continue;
    }
    changes++;
    if (o->check || o->dry_run) {
      fprintf(o->report, "%s %s\n", o->check ? "would write" : "write", out->path);
      continue;
    }
    if (write_output(g, out) == 0)
      written++;
    else
      failed = 1;
  }
  /* Files the previous run wrote and this one does not: stale. */
  char *mpath = joined(o->out_dir, MANIFEST);
  for (const char *line = g->manifest; line != NULL && line < g->manifest + g->manifest_len;
       line += strlen(line) + 1) {
    if (!safe_path(line) || produced(g, line) || !no_symlinked_parent(o->out_dir, line))
      continue;
    char *path = joined(o->out_dir, line);
    struct stat st;
    if (path != NULL && stat(path, &st) == 0) {
      changes++;
      if (o->check || o->dry_run)
        fprintf(o->report, "%s %s\n", o->check ? "would remove" : "remove", line);
      else if (unlink(path) == 0) {
        removed++;
        remove_empty_parents(o->out_dir, line);
      } else
        failed = 1;
    }
    free(path);
  }
  size_t len;
  char *manifest = manifest_text(g, &len);
  if (manifest == NULL || mpath == NULL)
    failed = 1;
  else if (!same_as_disk(o->out_dir, MANIFEST, manifest, len) && !o->check && !o->dry_run && write_atomic(mpath, manifest, len) != 0)
    failed = 1;
  free(manifest);
  free(mpath);
  if (!o->check && !o->dry_run)
    fprintf(stderr, "apic: %s: %d written, %d unchanged, %d removed\n", o->out_dir, written, kept, removed);
  if (failed)
    return EXIT_USAGE;
  return o->check && changes > 0 ? EXIT_SPEC : EXIT_OK;
}

static int render_spec(const gen_options *o, const view *root, size_t threads);

/* The spec's files as the output names them: the root by its file name, imports relative to
 * the root's directory. Paths as typed ("./spec/x.api", "../api/x.api") depend on where apic
 * runs; these do not, so `--check` gives the same answer from any directory. Imports are
 * named by joining the importer's directory to the import's path (frontend.c), so each one
 * starts with the root's directory unless the import is absolute. */
static void name_files_from_root(spec *s)
{
  const char *root = s->diag.files[0].name, *slash = strrchr(root, '/');
  size_t dir = slash != NULL ? (size_t)(slash - root) + 1 : 0;
  for (int i = s->diag.nfiles - 1; i >= 0; i--) {
    char *name = s->diag.files[i].name;
    if (strncmp(name, root, dir) == 0)
      memmove(name, name + dir, strlen(name + dir) + 1);
  }
}

int apic_generate(const gen_options *o)
{
  spec s;
  view_builder b = {0};
  char *err = NULL;
  const view *root = NULL;
  int status = apic_frontend_open(&s, o->spec_path, stderr);
  size_t threads = status == EXIT_OK ? thread_count(o, &s) : 1;
  if (status == EXIT_OK)
    name_files_from_root(&s);
  if (status == EXIT_OK && (root = apic_viewmodel_build(&b, &s, s.diag.files[0].name, threads > 1, &err)) == NULL) {
    fprintf(stderr, "apic: %s\n", err);
    free(err);
    status = EXIT_SPEC;
  }
  if (root != NULL)
    status = render_spec(o, root, threads);
  vb_free(&b);
  spec_free(&s);
  return status;
}

/* Renders every file for the view model and brings the output directory in line. */
static int render_spec(const gen_options *o, const view *root, size_t threads)
{
  int status;
  gen g;
  memset(&g, 0, sizeof g);
  g.o = o;
  g.threads = threads;
  g.env = (mustache_env){0, load_partial, &g, NULL};
  pthread_mutex_init(&g.lock, NULL);
  if (read_manifest(&g) != 0)
    status = EXIT_USAGE;
  else if (render_all(&g, root) != 0)
    status = EXIT_SPEC;
  else if (o->bundle_runtime && add_bundle(&g) != 0)
    status = EXIT_USAGE;
  else
    status = sync_dir(&g);
  mustache_env_clear(&g.env);
  for (size_t i = 0; i < g.nouts; i++) {
    if (g.outs[i].tmp != NULL && unlink(g.outs[i].tmp) == 0) /* not renamed: something failed */
      remove_empty_parents(o->out_dir, g.outs[i].path);
    free(g.outs[i].tmp);
    free(g.outs[i].path);
  }
  free(g.outs);
  for (size_t i = 0; i < g.njobs; i++)
    free(g.jobs[i].err);
  free(g.jobs);
  free(g.order);
  for (size_t i = 0; i < g.nbodies; i++)
    mustache_free(g.bodies[i]);
  free(g.bodies);
  name_table_free(&g.listed);
  free(g.manifest);
  pthread_mutex_destroy(&g.lock);
  for (loaded_text *l = g.overrides, *next; l != NULL; l = next) {
    next = l->next;
    free(l->path);
    free(l->text);
    free(l);
  }
  return status;
}
