/* Names for what the importer declares (docs/import.md, "Names"): types in PascalCase, fields,
 * parameters, resources, operations and enum values in snake_case; every one a valid
 * identifier, none a C keyword or starting with '_' (a digit first gets a 'v' before it), and
 * unique where the checker wants it, by a _2, _3... suffix (2, 3... for types) in the order
 * names are asked for: the document's order, so the result is stable. Wire names stay as they
 * were, through @json, @header or an enum value's string. */
#include <ctype.h>
#include <string.h>

#include "import_internal.h"

#define IMP_NAME_LEN 200
/* The checker takes names of up to 64 characters (NAME_MAX_LEN); room is left for a suffix. */
#define NAME_KEEP 56

/* Words the grammar reads as values, never as names. */
static int is_value_word(const char *s)
{
  return strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "null") == 0;
}

void pascal_case(const char *raw, char *out, size_t size)
{
  size_t o = 0;
  int start = 1;
  for (const char *p = raw; *p != '\0' && o + 2 < size && o < size - 2; p++) {
    unsigned char c = (unsigned char)*p;
    if (!isalnum(c) || c >= 0x80) {
      start = 1;
      continue;
    }
    if (o == 0 && isdigit(c))
      out[o++] = 'T';
    out[o++] = start ? (char)toupper(c) : (char)c;
    start = 0;
  }
  out[o] = '\0';
  if (o == 0)
    snprintf(out, size, "Type");
  else if (o > NAME_KEEP) /* the start and the end (the most specific part) of a long name */
    memmove(out + NAME_KEEP - 40, out + o - 40, 41);
}

/* raw as a snake_case identifier into out: runs of other characters become one '_', camelCase
 * is split, a leading digit gets a 'v', a C keyword or value word gets a '_' after it. */
static void snake_ident(const char *raw, char *out, size_t size)
{
  char clean[IMP_NAME_LEN + 8];
  size_t o = 0;
  for (const char *p = raw; *p != '\0' && o + 2 < sizeof clean; p++) {
    unsigned char c = (unsigned char)*p;
    if (isalnum(c) && c < 0x80)
      clean[o++] = (char)c;
    else if (o > 0 && clean[o - 1] != '_')
      clean[o++] = '_';
  }
  while (o > 0 && clean[o - 1] == '_')
    o--;
  clean[o] = '\0';
  char snake[IMP_NAME_LEN + 8];
  snake_case(clean, snake, sizeof snake);
  /* snake_case splits at case changes, which may meet an existing '_': one is enough. */
  size_t w = 0;
  for (size_t r = 0; snake[r] != '\0'; r++)
    if (!(snake[r] == '_' && (w == 0 || snake[w - 1] == '_')))
      snake[w++] = snake[r];
  snake[w] = '\0';
  while (w > NAME_KEEP || (w > 0 && snake[w - 1] == '_'))
    snake[--w] = '\0';
  if (w == 0)
    join(out, size, "v", (char *)NULL);
  else
    join(out, size, isdigit((unsigned char)snake[0]) ? "v" : "", snake, (char *)NULL);
  if (is_c_keyword(out) || is_value_word(out)) {
    size_t len = strlen(out);
    if (len + 1 < size)
      strcpy(out + len, "_");
  }
}

/* name, or name + sep + 2, 3, ... : the first that taken() does not refuse. *next (when not
 * NULL) is where the count for name resumes, so that many names alike cost no more than one. */
static char *first_free(imp *im, const char *name, const char *sep, int (*taken)(imp *, void *, const char *), void *ctx,
                        int *next)
{
  if (!taken(im, ctx, name))
    return imp_strdup(im, name);
  strbuf cand = {0};
  for (int i = next != NULL && *next > 2 ? *next : 2;; i++) {
    cand.len = 0;
    sb_printf(&cand, "%s%s%d", name, sep, i);
    if (cand.failed || !taken(im, ctx, cand.data)) {
      if (next != NULL)
        *next = i + 1;
      char *out = cand.failed ? NULL : imp_strdup(im, cand.data);
      sb_free(&cand);
      return out;
    }
  }
}

/* Where the count of names like name resumes (per importer run, for type names). */
static int *counter(imp *im, const char *name)
{
  int *n = name_table_get(&im->name_counts, name);
  if (n == NULL && (n = ast_alloc(im->arena, sizeof *n)) != NULL) {
    char *key = imp_strdup(im, name);
    if (key == NULL || name_table_put(&im->name_counts, key, n) != 0)
      n = NULL;
  }
  return n;
}

/* C names the generated SDK takes for itself (its client, error and mock types and their
 * functions): a type named so is renamed. */
static int generated_name(const char *snake)
{
  static const char *const names[] = {
      "client", "client_core", "client_free", "client_new", "client_options", "client_options_init", "client_run",
      "end_cb", "error", "error_attempts", "error_body", "error_core", "error_free", "error_from_apic",
      "error_kind", "error_kind_name", "error_kind_of", "error_message", "error_print", "error_request_id",
      "error_retry_after_ms", "error_status", "error_str", "mock", "mock_main", "mock_options",
      "mock_options_default", "mock_port", "mock_start", "mock_stop", NULL};
  for (const char *const *n = names; *n != NULL; n++)
    if (strcmp(*n, snake) == 0)
      return 1;
  return strncmp(snake, "error_as_", 9) == 0;
}

static int c_name_taken(imp *im, void *ctx, const char *name)
{
  const char *prefix = ctx;
  char full[2 * IMP_NAME_LEN + 16], snake[2 * IMP_NAME_LEN + 16];
  join(full, sizeof full, prefix != NULL ? prefix : "", prefix != NULL ? "_" : "", name, (char *)NULL);
  snake_case(full, snake, sizeof snake);
  return name_table_get(&im->c_names, snake) != NULL || (prefix == NULL && generated_name(snake));
}

static void claim(imp *im, const char *prefix, const char *name)
{
  char full[2 * IMP_NAME_LEN + 16], snake[2 * IMP_NAME_LEN + 16];
  join(full, sizeof full, prefix != NULL ? prefix : "", prefix != NULL ? "_" : "", name, (char *)NULL);
  snake_case(full, snake, sizeof snake);
  char *key = imp_strdup(im, snake);
  if (key != NULL)
    name_table_put(&im->c_names, key, key);
}

char *name_type(imp *im, const char *raw)
{
  char name[IMP_NAME_LEN + 8];
  pascal_case(raw, name, sizeof name);
  if (is_c_keyword(name))
    strcat(name, "_");
  char snake[IMP_NAME_LEN + 8];
  snake_case(name, snake, sizeof snake);
  if (generated_name(snake) && strlen(name) + 8 < sizeof name)
    strcat(name, "Model"); /* "Error" -> "ErrorModel" reads better than "Error2" */
  char *out = first_free(im, name, "", c_name_taken, NULL, counter(im, name));
  if (out != NULL)
    claim(im, NULL, out);
  return out;
}

static int scope_taken(imp *im, void *ctx, const char *name)
{
  (void)im;
  return name_table_get(ctx, name) != NULL;
}

char *name_member(imp *im, name_table *scope, const char *raw)
{
  char name[IMP_NAME_LEN + 8];
  snake_ident(raw, name, sizeof name);
  char *out = first_free(im, name, "_", scope_taken, scope, NULL);
  if (out != NULL)
    name_table_put(scope, out, out);
  return out;
}

typedef struct op_scope {
  name_table *ops;
  const char *resource;
} op_scope;

static int op_taken(imp *im, void *ctx, const char *name)
{
  const op_scope *s = ctx;
  return name_table_get(s->ops, name) != NULL || c_name_taken(im, (void *)s->resource, name);
}

char *name_op(imp *im, name_table *scope, const char *resource, const char *raw)
{
  char name[IMP_NAME_LEN + 8];
  snake_ident(raw, name, sizeof name);
  op_scope s = {scope, resource};
  char *out = first_free(im, name, "_", op_taken, &s, NULL);
  if (out != NULL) {
    name_table_put(scope, out, out);
    claim(im, resource, out);
  }
  return out;
}

/* Enum values are unique once upper-cased (they become C constants): the scope holds those. */
static int value_taken(imp *im, void *ctx, const char *name)
{
  char upper[IMP_NAME_LEN + 16];
  upper_case(name, upper, sizeof upper);
  return strcmp(upper, "UNKNOWN") == 0 || scope_taken(im, ctx, upper);
}

char *name_enum_value(imp *im, name_table *scope, const char *wire)
{
  char name[IMP_NAME_LEN + 8];
  snake_ident(wire[0] != '\0' ? wire : "empty", name, sizeof name);
  if (strcmp(name, "unknown") == 0)
    strcat(name, "_value");
  char *out = first_free(im, name, "_", value_taken, scope, NULL);
  if (out != NULL) {
    char upper[IMP_NAME_LEN + 16];
    upper_case(out, upper, sizeof upper);
    char *key = imp_strdup(im, upper);
    if (key != NULL)
      name_table_put(scope, key, key);
  }
  return out;
}
