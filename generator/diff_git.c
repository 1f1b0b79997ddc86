/* apic diff --git REV NEW: OLD is the spec at NEW's path in revision REV, with the files it
 * imports at REV. Each is read with `git show REV:path`, parsed for its imports (followed as
 * the front end follows them: relative to the importing file), and written under a temporary
 * directory in the repository's layout; then the front end reads the copy as it reads any
 * spec. Only what the spec needs is read, whatever the files are named. */
#include "diff_git.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bigmem.h"
#include "commands.h"
#include "parse.h"
#include "strbuf.h"

extern char **environ;

/* More files than any spec imports: the walk stops there. */
enum { MAX_GIT_FILES = 4096 };

/* Runs argv (no shell), its standard output into *out (caller frees, *len bytes) when out is
 * not NULL, its standard error to /dev/null when quiet. Returns its exit status, or -1. */
static int run(char *const argv[], char **out, size_t *len, int quiet)
{
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if ((out != NULL && (pipe(fds) != 0 || posix_spawn_file_actions_adddup2(&fa, fds[1], 1) != 0 ||
                       posix_spawn_file_actions_addclose(&fa, fds[0]) != 0)) ||
      (quiet && posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0))
    return posix_spawn_file_actions_destroy(&fa), -1;
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (out != NULL) {
    close(fds[1]);
    strbuf b = {0};
    char chunk[4096];
    ssize_t n;
    while (rc == 0 && (n = read(fds[0], chunk, sizeof chunk)) > 0)
      sb_append(&b, chunk, (size_t)n);
    close(fds[0]);
    sb_append(&b, "", 0);
    *out = sb_take(&b, len);
  }
  int status;
  if (rc != 0 || waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The output of a git command's first line, or NULL (reported). */
static char *git_line(const char *dir, const char *what)
{
  char *argv[] = {(char *)"git", (char *)"-C", (char *)dir, (char *)"rev-parse", (char *)what, NULL};
  char *out = NULL;
  if (run(argv, &out, NULL, 0) != 0) {
    free(out);
    usage_error("diff --git: '%s' is not in a git work tree (git rev-parse %s failed)", dir, what);
    return NULL;
  }
  out[strcspn(out, "\n")] = '\0';
  return out;
}

/* Names the copied files as git does, REV:path, in diagnostics and in the report. */
static void name_as_revision(spec *s, const char *tmp, const char *rev)
{
  size_t n = strlen(tmp);
  for (int i = 0; i < s->diag.nfiles; i++) {
    char *name = s->diag.files[i].name;
    if (strncmp(name, tmp, n) != 0 || name[n] != '/')
      continue;
    strbuf b = {0};
    sb_printf(&b, "%s:%s", rev, name + n + 1);
    char *renamed = sb_take(&b, NULL);
    if (renamed != NULL) {
      free(name);
      s->diag.files[i].name = renamed;
    }
  }
}

/* The repository path an import names from the file at path: dir/of/path/ + import, with
 * "." and ".." resolved, into out. Returns 0, or -1 when it leaves the repository. */
static int import_path(const char *path, const char *import, char *out, size_t size)
{
  char joined[8192];
  const char *slash = strrchr(path, '/');
  snprintf(joined, sizeof joined, "%.*s%s", slash != NULL ? (int)(slash - path + 1) : 0, path, import);
  size_t n = 0;
  out[0] = '\0';
  char *save = NULL;
  for (char *seg = strtok_r(joined, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
    if (strcmp(seg, ".") == 0)
      continue;
    if (strcmp(seg, "..") == 0) {
      if (n == 0)
        return -1;
      while (n > 0 && out[n - 1] != '/')
        n--;
      n -= n > 0;
      out[n] = '\0';
      continue;
    }
    n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n > 0 ? "/" : "", seg);
    if (n >= size)
      return -1;
  }
  return 0;
}

/* Writes text to tmp/path, making its directories. */
static int write_copy(const char *tmp, const char *path, const char *text, size_t len)
{
  strbuf b = {0};
  sb_printf(&b, "%s/%s", tmp, path);
  if (b.failed)
    return -1;
  for (char *p = strchr(b.data + strlen(tmp) + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
    *p = '\0';
    int made = mkdir(b.data, 0700) == 0 || errno == EEXIST;
    *p = '/';
    if (!made)
      return sb_free(&b), -1;
  }
  FILE *f = fopen(b.data, "wb");
  int rc = f != NULL && fwrite(text, 1, len, f) == len ? 0 : -1;
  if (f != NULL && fclose(f) != 0)
    rc = -1;
  sb_free(&b);
  return rc;
}

/* The paths a file's text imports, relative to the repository, appended to files (*n of
 * them). An absolute import is read from the file system as it is (no revision has it);
 * one that leaves the repository is an error (returns -1, reported). */
static int add_imports(const char *path, const char *text, size_t len, char **files, int *n)
{
  diag d;
  diag_init(&d, NULL); /* parse errors are the front end's to report, on the copy */
  ast_arena *arena = ast_arena_new();
  char *copy = big_alloc(len + 1);
  int file = -1, rc = 0;
  if (copy != NULL) {
    memcpy(copy, text, len);
    copy[len] = '\0';
    if ((file = diag_add_source(&d, path, copy, len, len + 1)) < 0)
      big_free(copy, len + 1);
  }
  for (const decl *x = arena != NULL && file >= 0 ? parse_file(arena, &d, file) : NULL; x != NULL && rc == 0; x = x->next) {
    char to[4096];
    if (x->kind != D_IMPORT || x->name[0] == '/' || x->name[0] == '\0')
      continue;
    if (import_path(path, x->name, to, sizeof to) != 0) {
      usage_error("diff --git: %s imports '%s', outside the repository: git has no revision of it (compare two "
                  "files instead: apic diff OLD NEW)", path, x->name);
      rc = -1;
    }
    int seen = 0;
    for (int i = 0; i < *n && !seen; i++)
      seen = strcmp(files[i], to) == 0;
    if (rc == 0 && !seen && *n < MAX_GIT_FILES && (files[*n] = strdup(to)) != NULL)
      (*n)++;
  }
  if (arena != NULL)
    ast_arena_free(arena);
  diag_free(&d);
  return rc;
}

/* Copies root (a repository path) and what it imports, at rev, under tmp. A file missing
 * at rev is left out: the front end then says which import it cannot read. */
static int copy_from_git(const char *top, const char *rev, const char *root, const char *tmp)
{
  char **files = calloc(MAX_GIT_FILES, sizeof *files);
  int n = 0, rc = 0;
  if (files == NULL || (files[n] = strdup(root)) == NULL)
    rc = usage_error("diff: out of memory");
  else
    n++;
  for (int i = 0; i < n && rc == 0; i++) {
    strbuf object = {0};
    sb_printf(&object, "%s:%s", rev, files[i]);
    char *argv[] = {(char *)"git", (char *)"-C", (char *)top, (char *)"show", object.data, NULL};
    char *text = NULL;
    size_t len = 0;
    if (!object.failed && run(argv, &text, &len, 1) == 0) {
      if (write_copy(tmp, files[i], text, len) != 0)
        rc = usage_error("diff --git: cannot write a copy of %s under %s: %s", files[i], tmp, strerror(errno));
      else if (add_imports(files[i], text, len, files, &n) != 0)
        rc = EXIT_USAGE;
    }
    free(text);
    sb_free(&object);
  }
  for (int i = 0; files != NULL && i < n; i++)
    free(files[i]);
  free(files);
  return rc;
}

int diff_open_git(spec *s, const char *rev, const char *new_path)
{
  char *slash = strrchr(new_path, '/');
  char *dir = slash != NULL ? strndup(new_path, (size_t)(slash - new_path) + 1) : strdup(".");
  const char *base = slash != NULL ? slash + 1 : new_path;
  char *top = dir != NULL ? git_line(dir, "--show-toplevel") : NULL, *prefix = top ? git_line(dir, "--show-prefix") : NULL;
  char tmp[] = "/tmp/apic-diff-XXXXXX";
  int status = EXIT_USAGE, made = 0;
  strbuf root = {0}, path = {0};
  if (prefix != NULL && (made = mkdtemp(tmp) != NULL) != 0) {
    sb_printf(&root, "%s%s", prefix, base);
    sb_printf(&path, "%s/%s%s", tmp, prefix, base);
    strbuf object = {0};
    sb_printf(&object, "%s:%s", rev, root.data);
    char *verify[] = {(char *)"git", (char *)"-C", top, (char *)"cat-file", (char *)"-e", object.data, NULL};
    if (root.failed || path.failed || object.failed)
      usage_error("diff: out of memory");
    else if (run(verify, NULL, NULL, 1) != 0)
      usage_error("diff --git: cannot read '%s' at revision '%s' (no such revision, or no such file in it)", root.data,
                  rev);
    else if (copy_from_git(top, rev, root.data, tmp) == 0) {
      /* Read quietly: diagnostics would name the temporary directory. */
      status = apic_frontend_open(s, path.data, NULL);
      name_as_revision(s, tmp, rev);
      if (status == EXIT_SPEC)
        usage_error("diff --git: %s:%s does not check (%d errors: see apic check at that revision)", rev, root.data,
                    s->diag.errors);
      else if (status != EXIT_OK)
        usage_error("diff --git: revision '%s' has no readable %s (or an import it names)", rev, root.data);
    }
    sb_free(&object);
  } else if (prefix != NULL) {
    usage_error("diff --git: cannot make a temporary directory: %s", strerror(errno));
  }
  if (made) {
    char *rm[] = {(char *)"rm", (char *)"-rf", tmp, NULL};
    run(rm, NULL, NULL, 0);
  }
  sb_free(&root);
  sb_free(&path);
  free(dir);
  free(top);
  free(prefix);
  return status;
}
