/* The names the generated C makes from spec names (DERIVED, the one table of them), the names it
 * may not use (RESERVED), and the checks. docs/spec-language.md, "Names in C", states the rule.
 * The members a field makes follow generator/ctypes.c. */
#include "cnames.h"

#include <stdlib.h>
#include <string.h>

/* What a spec name stands for, as far as the names it makes go. */
enum {
  /* File scope. The base is the prefixed C name. */
  CN_API = 1u << 0,        /* torale */
  CN_API_UPPER = 1u << 1,  /* TORALE */
  CN_MODEL = 1u << 2,      /* torale_task */
  CN_ERROR = 1u << 3,      /* torale_not_found_error (the payload) */
  CN_ERROR_AS = 1u << 4,   /* torale_error_as_not_found */
  CN_ERROR_KIND = 1u << 5, /* TORALE_ERROR_NOT_FOUND */
  CN_ENUM = 1u << 6,       /* torale_task_state */
  CN_ENUM_UPPER = 1u << 7, /* TORALE_TASK_STATE */
  CN_ENUM_VALUE = 1u << 8, /* TORALE_TASK_STATE_ACTIVE */
  CN_OPERATION = 1u << 9,  /* torale_tasks_get */
  CN_UNION = 1u << 10,     /* torale_pet */
  CN_UNION_UPPER = 1u << 11, /* TORALE_PET; its variants' constants are CN_ENUM_VALUE */
  /* Members of a struct. The base is the field's (or parameter's) own name. */
  CN_FIELD = 1u << 12,
  CN_ARRAY = 1u << 13,
  CN_MAP = 1u << 14,
  CN_ENUM_FIELD = 1u << 15,
  CN_NULLABLE = 1u << 16,
  CN_BYTES = 1u << 17,
  /* The generated functions' own parameters and locals, beside path parameters. No base. */
  CN_LOCAL = 1u << 18,
  /* The kinds that make members beyond the field's own name. */
  CN_MEMBERS = CN_ARRAY | CN_MAP | CN_ENUM_FIELD | CN_NULLABLE | CN_BYTES,
};
_Static_assert(CN_LOCAL == 1u << (CN_KIND_COUNT - 1), "CN_KIND_COUNT counts the kinds");

/* A spec name of a kind in `from` makes before + base + after for each word of `afters`
 * (space-separated; "" is the base itself). File-scope afters are empty or start with '_'. */
typedef struct derived {
  unsigned from;
  const char *before, *afters;
  const char *role; /* a member's: what it holds, for messages */
} derived;

static const derived DERIVED[] = {
    /* Everything the SDK declares once, from the api's name. */
    {CN_API, "", "_client _client_options _client_new _client_free _client_run _end_cb _error _error_kind "
                 "_error_free _mock _mock_options _mock_options_default _mock_start _mock_port _mock_stop _mock_main",
     NULL},
    {CN_API, "", "_error_from_apic _error_kind_of _error_kind_name _error_status _error_message _error_request_id "
                 "_error_body _error_retry_after_ms _error_attempts _error_core _error_str _error_print _client_loop "
                 "_group_new _error_copy",
     NULL},
    {CN_API_UPPER, "", "_ERROR_REDIRECT", NULL},
    {CN_API_UPPER, "", "_ERROR_OPERATION_FAILED _ERROR_OPERATION_CANCELLED", NULL}, /* long-running operations */
    {CN_API_UPPER, "", "_ERROR_SINK", NULL}, /* a download's sink stopped it */
    {CN_API_UPPER, "", "_H _MODELS_H _ERRORS_H _CLIENT_H _MOCK_H _DEFAULT_BASE_URL _API_KEY_ENV _USER_AGENT "
                       "_API_VERSION _GENERATED_BY _ERROR_NONE _ERROR_CONNECTION _ERROR_TIMEOUT _ERROR_CANCELLED "
                       "_ERROR_DECODE _ERROR_INVALID_ARGUMENT _ERROR_UNKNOWN_STATUS _ERROR_OTHER",
     NULL},
    /* Per model, error payload, enum and operation. */
    {CN_MODEL | CN_ERROR | CN_ENUM | CN_OPERATION | CN_ERROR_AS | CN_ERROR_KIND | CN_ENUM_VALUE | CN_UNION, "", "",
     NULL},
    {CN_MODEL | CN_ERROR | CN_UNION, "", "__desc _free _copy _equal _parse _dump _validate", NULL},
    {CN_MODEL | CN_ERROR | CN_UNION, "", "__fields", NULL},
    {CN_MODEL | CN_UNION, "", "_list _list_free _list_copy _list_entry _entry _map _map_free _map_copy", NULL},
    {CN_UNION, "", "_kind __tags", NULL},
    {CN_MODEL, "", "_from_error", NULL}, /* the result of an @lro operation */
    {CN_ENUM, "", "_to_string _from_string __enum", NULL},
    {CN_ENUM, "", "__wire _entry _list _list_entry _map", NULL},
    {CN_ENUM_UPPER | CN_UNION_UPPER, "", "_UNKNOWN", NULL},
    {CN_OPERATION, "", "_async _cb _event_cb _params _params__desc _pager _pages _next_page _next_item _item_cb "
                       "_each_async _next_page_async _pager_done _pager_free",
     NULL},
    {CN_OPERATION, "", "_params__fields __path __path__fields __path__desc __op __done __event __item", NULL},
    {CN_OPERATION, "", "_result _result__desc _result__fields _result_free _result_copy", NULL}, /* -> T headers() */
    /* @lro (the wait) and @accumulate (the joined text), and their static tables and trampolines */
    {CN_OPERATION, "", "_and_wait _and_wait_async _and_wait_cb _end_cb __lro __success __failed __cancelled __waited "
                       "__text_end",
     NULL},
    {CN_OPERATION, "", "_body _body__desc _body__fields", NULL}, /* body form(...), multipart(...) */
    {CN_OPERATION, "", "_to _to_async", NULL}, /* -> bytes: the download into a sink */
    /* Members: a field x is x, and per its type and presence: */
    {CN_FIELD, "", "", NULL},
    {CN_ARRAY | CN_MAP, "", "_count", "the count of"},
    {CN_BYTES, "", "_len", "the length of"},
    {CN_ENUM_FIELD, "", "_unknown", "the unknown text of"},
    {CN_NULLABLE, "", "_null", "the null flag of"},
    /* Parameters and locals of every generated operation function, and the static functions
     * their bodies call (a parameter named like one would hide it). */
    {CN_LOCAL, "",
     "c body params opts out err cb user_data on_event on_end on_item p m args path e rc result fail typed end_cb wait text",
     NULL},
};

/* Names C compilers predefine (GNU modes) or the headers generated files include define, as
 * macros or types: <stdbool.h>, <stddef.h>, <stdint.h>, <stdio.h>, <stdlib.h>, <string.h> (with
 * glibc, in C11, POSIX and GNU modes, and clang's), libapic's headers and <cjson/cJSON.h>
 * (whose names all start cJSON_ or CJSON_: a prefix refused on its own). Sorted for bsearch. */
static const char *const RESERVED[] = {
    "BIG_ENDIAN", "BUFSIZ", "BYTE_ORDER", "EOF", "EXIT_FAILURE", "EXIT_SUCCESS", "FD_CLR", "FD_ISSET",
    "FD_SET", "FD_SETSIZE", "FD_ZERO", "FILE", "FILENAME_MAX", "FOPEN_MAX", "INT16_C", "INT16_MAX",
    "INT16_MIN", "INT16_WIDTH", "INT32_C", "INT32_MAX", "INT32_MIN", "INT32_WIDTH", "INT64_C",
    "INT64_MAX", "INT64_MIN", "INT64_WIDTH", "INT8_C", "INT8_MAX", "INT8_MIN", "INT8_WIDTH",
    "INTMAX_C", "INTMAX_MAX", "INTMAX_MIN", "INTMAX_WIDTH", "INTPTR_MAX", "INTPTR_MIN", "INTPTR_WIDTH",
    "INT_FAST16_MAX", "INT_FAST16_MIN", "INT_FAST16_WIDTH", "INT_FAST32_MAX", "INT_FAST32_MIN",
    "INT_FAST32_WIDTH", "INT_FAST64_MAX", "INT_FAST64_MIN", "INT_FAST64_WIDTH", "INT_FAST8_MAX",
    "INT_FAST8_MIN", "INT_FAST8_WIDTH", "INT_LEAST16_MAX", "INT_LEAST16_MIN", "INT_LEAST16_WIDTH",
    "INT_LEAST32_MAX", "INT_LEAST32_MIN", "INT_LEAST32_WIDTH", "INT_LEAST64_MAX", "INT_LEAST64_MIN",
    "INT_LEAST64_WIDTH", "INT_LEAST8_MAX", "INT_LEAST8_MIN", "INT_LEAST8_WIDTH", "LITTLE_ENDIAN",
    "L_ctermid", "L_cuserid", "L_tmpnam", "MB_CUR_MAX", "NFDBITS", "NULL", "PDP_ENDIAN", "PTRDIFF_MAX",
    "PTRDIFF_MIN", "PTRDIFF_WIDTH", "P_tmpdir", "RAND_MAX", "RENAME_EXCHANGE", "RENAME_NOREPLACE",
    "RENAME_WHITEOUT", "SEEK_CUR", "SEEK_DATA", "SEEK_END", "SEEK_HOLE", "SEEK_SET", "SIG_ATOMIC_MAX",
    "SIG_ATOMIC_MIN", "SIG_ATOMIC_WIDTH", "SIZE_MAX", "SIZE_WIDTH", "TMP_MAX", "UINT16_C",
    "UINT16_MAX", "UINT16_WIDTH", "UINT32_C", "UINT32_MAX", "UINT32_WIDTH", "UINT64_C", "UINT64_MAX",
    "UINT64_WIDTH", "UINT8_C", "UINT8_MAX", "UINT8_WIDTH", "UINTMAX_C", "UINTMAX_MAX", "UINTMAX_WIDTH",
    "UINTPTR_MAX", "UINTPTR_WIDTH", "UINT_FAST16_MAX", "UINT_FAST16_WIDTH", "UINT_FAST32_MAX",
    "UINT_FAST32_WIDTH", "UINT_FAST64_MAX", "UINT_FAST64_WIDTH", "UINT_FAST8_MAX", "UINT_FAST8_WIDTH",
    "UINT_LEAST16_MAX", "UINT_LEAST16_WIDTH", "UINT_LEAST32_MAX", "UINT_LEAST32_WIDTH",
    "UINT_LEAST64_MAX", "UINT_LEAST64_WIDTH", "UINT_LEAST8_MAX", "UINT_LEAST8_WIDTH", "WCHAR_MAX",
    "WCHAR_MIN", "WCHAR_WIDTH", "WCONTINUED", "WEXITED", "WEXITSTATUS", "WIFCONTINUED", "WIFEXITED",
    "WIFSIGNALED", "WIFSTOPPED", "WINT_MAX", "WINT_MIN", "WINT_WIDTH", "WNOHANG", "WNOWAIT",
    "WSTOPPED", "WSTOPSIG", "WTERMSIG", "WUNTRACED", "alloca", "be16toh", "be32toh", "be64toh", "bool",
    "div_t", "false", "fpos_t", "htobe16", "htobe32", "htobe64", "htole16", "htole32", "htole64",
    "i386", "int16_t", "int32_t", "int64_t", "int8_t", "int_fast16_t", "int_fast32_t", "int_fast64_t",
    "int_fast8_t", "int_least16_t", "int_least32_t", "int_least64_t", "int_least8_t", "intmax_t",
    "intptr_t", "ldiv_t", "le16toh", "le32toh", "le64toh", "linux", "lldiv_t", "max_align_t", "off_t",
    "offsetof", "ptrdiff_t", "size_t", "ssize_t", "stderr", "stdin", "stdout", "strdupa", "strndupa",
    "true", "uint16_t", "uint32_t", "uint64_t", "uint8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "uint_fast8_t", "uint_least16_t", "uint_least32_t", "uint_least64_t",
    "uint_least8_t", "uintmax_t", "uintptr_t", "unix", "uv_loop_t", "va_arg", "va_copy", "va_end",
    "va_list", "va_start", "wchar_t"};

static int is_reserved(const char *name)
{
  return in_sorted(RESERVED, sizeof RESERVED / sizeof RESERVED[0], name);
}

/* One word of DERIVED's afters: the index cnames_init makes of them by kind. */
typedef struct cn_word {
  const char *text;
  size_t len;
} cn_word;

/* The index of a kind's bit. */
static int kind_index(unsigned kind)
{
  int i = 0;
  while (kind > 1u)
    kind >>= 1, i++;
  return i;
}

/* Words in byte order (a word that starts with another comes after it). */
static int word_order(const void *pa, const void *pb)
{
  const cn_word *a = pa, *b = pb;
  int c = memcmp(a->text, b->text, a->len < b->len ? a->len : b->len);
  return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/* Splits DERIVED's afters into words, listed in byte order under each kind whose rows have no
 * `before`: the searches below run for every file-scope name, and going through the lists
 * each time cost more than all the rest of them. */
static int index_words(cnames *n)
{
  size_t count[CN_KIND_COUNT] = {0};
  for (int pass = 0; pass < 2; pass++) {
    for (size_t r = 0; r < sizeof DERIVED / sizeof DERIVED[0]; r++) {
      if (DERIVED[r].before[0] != '\0')
        continue;
      for (const char *w = DERIVED[r].afters;; w++) {
        size_t len = strcspn(w, " ");
        for (int k = 0; k < CN_KIND_COUNT; k++)
          if (DERIVED[r].from & (1u << k)) {
            if (pass == 0)
              count[k]++;
            else
              n->words[k][n->nwords[k]++] = (cn_word){w, len};
            unsigned char second = len > 1 ? (unsigned char)w[1] : 0;
            n->seconds[k][second >> 6] |= 1ull << (second & 63);
          }
        w += len;
        if (*w == '\0')
          break;
      }
    }
    for (int k = 0; pass == 0 && k < CN_KIND_COUNT; k++)
      if ((n->words[k] = ast_alloc(n->arena, (count[k] + 1) * sizeof *n->words[k])) == NULL)
        return -1;
  }
  for (int k = 0; k < CN_KIND_COUNT; k++)
    qsort(n->words[k], n->nwords[k], sizeof *n->words[k], word_order);
  return 0;
}

/* The first of kind k's words that starts with the len bytes at x, or NULL. The next ones that
 * do follow it. */
static const cn_word *first_with(const cnames *n, int k, const char *x, size_t len)
{
  unsigned char second = len > 1 ? (unsigned char)x[1] : 0;
  if (len > 1 && !(n->seconds[k][second >> 6] >> (second & 63) & 1))
    return NULL; /* most searches end here */
  const cn_word key = {x, len};
  size_t lo = 0, hi = n->nwords[k];
  while (lo < hi) { /* the first word not before x */
    size_t mid = lo + (hi - lo) / 2;
    if (word_order(&n->words[k][mid], &key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  const cn_word *w = &n->words[k][lo];
  return lo < n->nwords[k] && w->len >= len && memcmp(w->text, x, len) == 0 ? w : NULL;
}

/* Whether a spec name of kind makes base + after (len bytes of after). */
static int makes_after(const cnames *n, unsigned kind, const char *after, size_t len)
{
  const cn_word *w = first_with(n, kind_index(kind), after, len);
  return w != NULL && w->len == len;
}

/* ---- file scope ------------------------------------------------------------------------------ */

/* A spec name that makes file-scope names, recorded under its base. */
typedef struct cn_entity {
  struct cn_entity *next;
  const char *base;
  unsigned kind;
  const char *what;  /* "model", "operation", ... */
  const char *owner; /* the resource of an operation, the enum of a value; else NULL */
  const char *name;
  loc at;
} cn_entity;

/* "model 'Task'", "operation 'tasks.get'": printf arguments for "%s '%s%s%s'". */
#define SPEC_NAME(e) (e)->what, (e)->owner != NULL ? (e)->owner : "", (e)->owner != NULL ? "." : "", (e)->name

static void report_clash(cnames *n, const cn_entity *e, const cn_entity *prev, const char *made)
{
  diag_error(n->d, e->at, "%s '%s%s%s' would collide with %s '%s%s%s' in the generated C: both make '%s'",
             SPEC_NAME(e), SPEC_NAME(prev), made);
  diag_note(n->d, prev->at, "'%s' declared here", prev->name);
}

/* Records e (copied) under its base; returns the copy, or NULL when another took the base
 * (reported) or out of memory. */
static const cn_entity *record(cnames *n, cn_entity e)
{
  const cn_entity *prev = name_table_get(&n->bases, e.base);
  if (prev != NULL) {
    /* Values of one enum that are equal upper-cased: check_enum says "duplicate". */
    if (prev->kind != CN_ENUM_VALUE || e.kind != CN_ENUM_VALUE || prev->owner != e.owner)
      report_clash(n, &e, prev, e.base);
    return NULL;
  }
  if (n->reserved_prefix && is_reserved(e.base)) {
    diag_error(n->d, e.at, "%s '%s%s%s' would make '%s', a name C compilers or the headers generated code "
               "includes define; choose another name", SPEC_NAME(&e), e.base);
    return NULL;
  }
  cn_entity *kept = ast_alloc(n->arena, sizeof *kept);
  char *base = ast_strdup(n->arena, e.base);
  if (kept == NULL || base == NULL || name_table_put(&n->bases, base, kept) != 0) {
    diag_plain(n->d, "out of memory");
    return NULL;
  }
  *kept = e;
  kept->base = base;
  *n->tail = kept;
  n->tail = &kept->next;
  return kept;
}

/* Room for any base made of names of at most NAME_MAX_LEN bytes: the prefix and two names, each
 * up to 1.5 times longer in snake case, and the words between. */
#define BASE_MAX (8 * NAME_MAX_LEN)

/* prefix_snake(a_b) into out (BASE_MAX bytes), upper-cased on request. */
static void base_of(const cnames *n, const char *a, const char *b, int upper, char *out)
{
  char joined[2 * NAME_MAX_LEN + 2], snake[4 * NAME_MAX_LEN];
  join(joined, sizeof joined, a, b != NULL ? "_" : "", b != NULL ? b : "", (char *)NULL);
  snake_case(joined, snake, sizeof snake);
  join(out, BASE_MAX, n->prefix, "_", snake, (char *)NULL);
  if (upper)
    upper_case(out, out, BASE_MAX);
}

static int too_long(const char *name)
{
  return strlen(name) > NAME_MAX_LEN; /* reported by the scanner */
}

int cnames_init(cnames *n, diag *d, ast_arena *arena, const decl *api, size_t expected)
{
  *n = (cnames){.d = d, .arena = arena, .tail = &n->entities};
  if (name_table_init_size(&n->bases, expected + 2) != 0 || index_words(n) != 0)
    return -1;
  if (api == NULL || too_long(api->name))
    return 0;
  char prefix[2 * NAME_MAX_LEN], upper[2 * NAME_MAX_LEN];
  snake_case(api->name, prefix, sizeof prefix);
  if (strcmp(prefix, "apic") == 0 || strncmp(prefix, "apic_", 5) == 0) {
    diag_error(d, api->at, "api name '%s' would give the SDK's names libapic's prefix 'apic_'; choose another name",
               api->name);
    return 0;
  }
  upper_case(prefix, upper, sizeof upper);
  if ((n->prefix = ast_strdup(arena, prefix)) == NULL || (n->upper = ast_strdup(arena, upper)) == NULL)
    return -1;
  size_t pl = strlen(prefix);
  for (size_t i = 0; i < sizeof RESERVED / sizeof RESERVED[0]; i++)
    n->reserved_prefix |= (strncmp(RESERVED[i], prefix, pl) == 0 || strncmp(RESERVED[i], upper, pl) == 0) &&
                          RESERVED[i][pl] == '_';
  record(n, (cn_entity){.base = prefix, .kind = CN_API, .what = "api", .name = api->name, .at = api->at});
  record(n, (cn_entity){.base = upper, .kind = CN_API_UPPER, .what = "api", .name = api->name, .at = api->at});
  return 0;
}

void cnames_free(cnames *n)
{
  name_table_free(&n->bases);
}

/* An error's short name, its kind: snake case without a trailing "_error" (NotFoundError ->
 * not_found), as the view model makes it. */
static void error_short(const char *name, char *out, size_t size)
{
  snake_case(name, out, size);
  size_t len = strlen(out);
  if (len > 6 && strcmp(out + len - 6, "_error") == 0)
    out[len - 6] = '\0';
}

static void record_error(cnames *n, const decl *d, cn_entity e)
{
  char base[BASE_MAX], kind[BASE_MAX], shortname[2 * NAME_MAX_LEN];
  base_of(n, d->name, NULL, 0, base);
  e.base = base;
  e.kind = CN_ERROR;
  record(n, e);
  error_short(d->name, shortname, sizeof shortname);
  join(base, sizeof base, n->prefix, "_error_as_", shortname, (char *)NULL);
  e.kind = CN_ERROR_AS;
  if (record(n, e) == NULL)
    return; /* the kind constant would repeat the same clash */
  join(kind, sizeof kind, n->prefix, "_error_", shortname, (char *)NULL);
  upper_case(kind, kind, sizeof kind);
  e.base = kind;
  e.kind = CN_ERROR_KIND;
  record(n, e);
}

/* A type's lower- and upper-case names (kinds low and up); 0 when the first clashes, as its
 * constants would then repeat the same clash. upper gets the upper-case base. */
static int record_type(cnames *n, const decl *d, cn_entity e, unsigned low, unsigned up, char *upper)
{
  char base[BASE_MAX];
  base_of(n, d->name, NULL, 0, base);
  e.base = base;
  e.kind = low;
  if (record(n, e) == NULL)
    return 0;
  base_of(n, d->name, NULL, 1, upper);
  e.base = upper;
  e.kind = up;
  record(n, e);
  return 1;
}

/* One constant of an enum or union: TORALE_TASK_STATE_ACTIVE, TORALE_PET_CAT. */
static void record_constant(cnames *n, const decl *d, const char *upper, const char *what, const char *name, loc at)
{
  char constant[BASE_MAX + NAME_MAX_LEN];
  if (too_long(name))
    return;
  join(constant, sizeof constant, upper, "_", name, (char *)NULL);
  upper_case(constant, constant, sizeof constant);
  record(n, (cn_entity){.base = constant, .kind = CN_ENUM_VALUE, .what = what, .owner = d->name, .name = name,
                        .at = at});
}

static void record_enum(cnames *n, const decl *d, cn_entity e)
{
  char upper[BASE_MAX];
  if (record_type(n, d, e, CN_ENUM, CN_ENUM_UPPER, upper))
    for (const enum_value *v = d->values; v != NULL; v = v->next)
      record_constant(n, d, upper, "enum value", v->name, v->at);
}

/* A union makes its struct's names and a kind constant per variant. */
static void record_union(cnames *n, const decl *d, cn_entity e)
{
  char upper[BASE_MAX];
  if (record_type(n, d, e, CN_UNION, CN_UNION_UPPER, upper))
    for (const field *v = d->fields; v != NULL; v = v->next)
      record_constant(n, d, upper, "variant", v->name, v->at);
}

void cnames_decl(cnames *n, const decl *d)
{
  if (n->prefix == NULL || too_long(d->name))
    return;
  cn_entity e = {.what = d->kind == D_MODEL   ? "model"
                         : d->kind == D_ENUM  ? "enum"
                         : d->kind == D_UNION ? "union"
                                              : "error",
                 .name = d->name,
                 .at = d->at};
  char base[BASE_MAX];
  if (d->kind == D_ERROR) {
    record_error(n, d, e);
  } else if (d->kind == D_ENUM) {
    record_enum(n, d, e);
  } else if (d->kind == D_UNION) {
    record_union(n, d, e);
  } else {
    base_of(n, d->name, NULL, 0, base);
    e.base = base;
    e.kind = CN_MODEL;
    record(n, e);
  }
}

void cnames_operation(cnames *n, const decl *resource, const operation *op)
{
  if (n->prefix == NULL || too_long(resource->name) || too_long(op->name))
    return;
  char base[BASE_MAX];
  base_of(n, resource->name, op->name, 0, base);
  record(n, (cn_entity){.base = base, .kind = CN_OPERATION, .what = "operation", .owner = resource->name,
                        .name = op->name, .at = op->at});
}

/* A name e makes that another spec name makes too: e's base is the other's base followed by x,
 * and the other makes its base + x + after where e makes its base + after. Every such pair of
 * bases splits e's at an '_' (afters start with one), so only those splits are looked up. */
static void find_derived_clash(cnames *n, const cn_entity *e)
{
  char head[BASE_MAX];
  for (const char *x = strchr(e->base + 1, '_'); x != NULL; x = strchr(x + 1, '_')) {
    size_t hl = (size_t)(x - e->base), xl = strlen(x);
    memcpy(head, e->base, hl);
    head[hl] = '\0';
    const cn_entity *other = name_table_get(&n->bases, head);
    if (other == NULL)
      continue;
    int k = kind_index(other->kind);
    const cn_word *end = n->words[k] + n->nwords[k];
    for (const cn_word *w = first_with(n, k, x, xl); w != NULL && w < end && w->len >= xl &&
                                                     memcmp(w->text, x, xl) == 0; w++) {
      if (!makes_after(n, e->kind, w->text + xl, w->len - xl))
        continue;
      char made[BASE_MAX + 64];
      size_t bl = strlen(e->base);
      memcpy(made, e->base, bl);
      memcpy(made + bl, w->text + xl, w->len - xl);
      made[bl + w->len - xl] = '\0';
      report_clash(n, e, other, made);
      return;
    }
  }
}

void cnames_finish(cnames *n)
{
  for (const cn_entity *e = n->entities; e != NULL; e = e->next)
    find_derived_clash(n, e);
}

/* ---- unprefixed names: members and parameters ----------------------------------------------------- */

int cnames_plain(cnames *n, const char *name, loc at, const char *what, const char *hint)
{
  static const struct {
    const char *prefix, *whose;
  } libs[] = {{"apic_", "libapic's"}, {"APIC_", "libapic's"}, {"cJSON_", "cJSON's"}, {"CJSON_", "cJSON's"}};
  if (is_c_keyword(name)) {
    diag_error(n->d, at, "%s '%s' is a C keyword; choose another name (%s)", what, name, hint);
    return 1;
  }
  if (name[0] == '_') {
    diag_error(n->d, at, "%s '%s' starts with '_', which C reserves at file scope; choose another name", what, name);
    return 1;
  }
  if (is_reserved(name)) {
    diag_error(n->d, at, "%s '%s' is a name C compilers or the headers generated code includes define; choose "
               "another name (%s)", what, name, hint);
    return 1;
  }
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
    if (name[0] == libs[i].prefix[0] && strncmp(name, libs[i].prefix, strlen(libs[i].prefix)) == 0) {
      diag_error(n->d, at, "%s '%s' starts with '%s', the prefix of %s names; choose another name (%s)", what, name,
                 libs[i].prefix, libs[i].whose, hint);
      return 1;
    }
  size_t pl = n->prefix != NULL && (name[0] == n->prefix[0] || name[0] == n->upper[0]) ? strlen(n->prefix) : 0;
  if (pl > 0 && (strncmp(name, n->prefix, pl) == 0 || strncmp(name, n->upper, pl) == 0) && name[pl] == '_') {
    diag_error(n->d, at, "%s '%s' starts with '%.*s_', the prefix of the SDK's own names; choose another name (%s)",
               what, name, (int)pl, name, hint);
    return 1;
  }
  return 0;
}

/* The member kinds of a field: CN_FIELD and what its type and presence add. */
static unsigned member_kinds(const field *f)
{
  resolved_kind k = f->type->rk;
  return CN_FIELD | (k == R_ARRAY ? CN_ARRAY : 0) | (k == R_MAP ? CN_MAP : 0) | (k == R_ENUM ? CN_ENUM_FIELD : 0) |
         (k == R_BYTES ? CN_BYTES : 0) | (f->nullable ? CN_NULLABLE : 0);
}

/* The list of lists holding f. */
static const cn_fields *list_of(const cn_fields *lists, size_t count, const field *f)
{
  for (size_t i = 0; i + 1 < count; i++)
    for (const field *g = lists[i].fields; g != NULL; g = g->next)
      if (g == f)
        return &lists[i];
  return &lists[count - 1];
}

/* A member that f makes (row r): made, the field's own name or another's member. */
static void member_clash(cnames *n, const cn_fields *lists, size_t count, const field *f, const derived *r,
                         const field *prev, const char *made)
{
  const cn_fields *pl = list_of(lists, count, prev), *fl = list_of(lists, count, f);
  if (strcmp(prev->name, made) == 0) {
    diag_error(n->d, prev->at, "%s '%s' would collide with member '%s', %s %s '%s', in the generated C; rename it (%s)",
               pl->what, prev->name, made, r->role, fl->what, f->name, pl->hint);
    diag_note(n->d, f->at, "'%s' declared here", f->name);
  } else {
    diag_error(n->d, f->at, "%s '%s' and %s '%s' would both make member '%s' in the generated C; rename one (%s)",
               fl->what, f->name, pl->what, prev->name, made, fl->hint);
  }
}

void cnames_members(cnames *n, const cn_fields *lists, size_t count)
{
  unsigned all = 0; /* when no field makes a member beyond its name, none can clash */
  for (size_t i = 0; i < count; i++)
    for (const field *f = lists[i].fields; f != NULL; f = f->next)
      all |= member_kinds(f);
  if (!(all & CN_MEMBERS))
    return;
  seen_set made;
  seen_init(&made);
  int oom = 0;
  for (size_t i = 0; i < count; i++) /* own names first: duplicates are check_fields' to report */
    for (const field *f = lists[i].fields; f != NULL; f = f->next)
      seen_put(&made, f->name, (void *)f, &oom);
  for (size_t i = 0; i < count; i++)
    for (const field *f = lists[i].fields; f != NULL; f = f->next) {
      unsigned kinds = member_kinds(f) & CN_MEMBERS;
      for (size_t r = 0; kinds != 0 && r < sizeof DERIVED / sizeof DERIVED[0] && !oom; r++) {
        if (!(DERIVED[r].from & kinds))
          continue;
        size_t size = strlen(DERIVED[r].before) + strlen(f->name) + strlen(DERIVED[r].afters) + 1;
        char *name = ast_alloc(n->arena, size);
        if (name == NULL) {
          oom = 1;
          continue;
        }
        join(name, size, DERIVED[r].before, f->name, DERIVED[r].afters, (char *)NULL);
        const field *prev = seen_put(&made, name, (void *)f, &oom);
        if (prev != NULL && prev != f)
          member_clash(n, lists, count, f, &DERIVED[r], prev, name);
      }
    }
  seen_free(&made);
  if (oom)
    diag_plain(n->d, "out of memory");
}

void cnames_parameter(cnames *n, const char *name, loc at)
{
  if (makes_after(n, CN_LOCAL, name, strlen(name)))
    diag_error(n->d, at, "path parameter '%s' would collide with the generated functions' own parameter or local "
               "'%s'; choose another name (a path parameter's name is not sent)", name, name);
}
