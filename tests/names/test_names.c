/* The property behind the checker's naming rules (docs/spec-language.md, "Names in C"): a spec
 * either fails `apic check`, or the C it generates compiles with -Werror (gcc, and clang when it
 * is installed). Specs come from a seeded generator that puts random and adversarial names in
 * every place a name can take: C keywords, names the C headers define, names the generated C
 * makes from other names (items_count beside an array items, TaskList beside Task, get_async
 * beside get, a union's variant called kind), the SDK's and the libraries' prefixes, parameters
 * named like the generated functions' own, long names, underscores, case variants, non-ASCII
 * bytes.
 *
 * Three kinds of spec: legal if tricky names only (compiled with both compilers); each hostile
 * name alone, once per place it can take (most are refused, so this is cheap; gcc compiles the
 * rest); and a few with many hostile names. The SDK is generated with the templates built into
 * this apic, so a template that starts making a name the checker does not know of fails here. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "frontend.h"
#include "generate.h"
#include "names.h"

/* Set by tests/names/names.mk: the warning flags of this build and the include directories,
 * and the compilers (GEN_CLANG "" when clang is not installed). */
#ifndef GEN_CFLAGS
#error "GEN_CFLAGS, GEN_CC and GEN_CLANG come from tests/names/names.mk"
#endif

/* The places a name takes. LATE_TYPE: the page model and the error, named after the others. */
enum {
  SLOT_API, SLOT_TYPE, SLOT_LATE_TYPE, SLOT_VALUE, SLOT_FIELD, SLOT_PARAM, SLOT_PATH, SLOT_RESOURCE, SLOT_OP,
  SLOT_VARIANT, SLOTS
};

/* Legal names, some of them words the generated C uses next to them. */
static const char *const WORDS[] = {"id",     "name",   "items",  "count",  "value",     "key",      "data",
                                    "status", "kind",   "next",   "total",  "client",    "error",    "list",
                                    "page",   "entry",  "result", "type",   "createdAt", "HTTPCode", "userID",
                                    "a1B2",   "x",      "is_set", "has",    "counts",    "unknowns", "free"};

/* Hostile names. In a template, %s is the name taken last in the same scope and %0 the first
 * one; %M the first model, %E the first enum and %N the first union (%m: in snake case); %C the last name in
 * another case; %P and %U the api's prefix, lower and upper case; %L and digits a name that
 * long. ANYWHERE goes into the places C uses as they are: fields and parameters. */
static const char *const ANYWHERE[] = {
    "int", "default", "struct", "return", "bool", "true", "NULL", "errno", "stdin", "stderr", "EOF", "SIZE_MAX",
    "INT64_MAX", "offsetof", "size_t", "FILE", "unix", "linux", "va_list", "int8_t", "BUFSIZ",
    "apic_call_options", "APIC_REQUEST_INIT", "cJSON_True", "CJSON_PUBLIC", "_x", "__x", "x_", "x__y",
    "caf\xc3\xa9", "%P_x", "%U_H", "%Px", "apic", "%L64", "%L65"};
#define HOSTILE_MAX 20
static const char *const HOSTILE[SLOTS][HOSTILE_MAX] = {
    [SLOT_API] = {"apic", "Apic", "apic_sdk", "uint", "stdin", "EOF", "cjson", "x", "%L64", "HTTPApi", "a__b", "API"},
    [SLOT_LATE_TYPE] = {"Client", "ClientOptions", "Error", "ErrorKind", "Mock", "EndCb", "%MList", "%MArray",
                        "%MEntry", "%M_free", "%EEntry", "%C", "HTTPError", "Least8T", "%L64", "%NKind", "%NList"},
    [SLOT_VALUE] = {"unknown", "UNKNOWN", "%C", "h", "none", "int", "%L64"},
    [SLOT_FIELD] = {"%0_count", "has_%0", "%s_unknown", "%s_null", "%0_null", "%s_count", "%C", "key", "value"},
    [SLOT_PARAM] = {"%0_count", "has_%0", "%s_unknown", "has_%s", "%C", "limit"},
    [SLOT_PATH] = {"c", "out", "path", "body", "opts", "err", "cb", "user_data", "e", "rc", "args", "p", "fail",
                   "typed", "end_cb", "params", "wait", "text"},
    [SLOT_RESOURCE] = {"%m", "client", "error", "mock"},
    [SLOT_OP] = {"%s_async", "%s_cb", "%s_pages", "%s_params", "%s_next_page", "%s_pager_free", "copy", "free",
                 "%s_and_wait", "%s_end_cb", "%s__lro"},
    [SLOT_VARIANT] = {"kind", "unknown_tag", "unknown_json", "%0_count", "%s_unknown", "%C", "%0", "unknown", "int",
                      "%L65"},
};
/* Which occurrence of a place a hostile spec puts its name in: one with a name before it in the
 * same scope, for the templates that refer to one. */
static const int HOT_AT[SLOTS] = {[SLOT_VALUE] = 1, [SLOT_FIELD] = 2, [SLOT_PARAM] = 3, [SLOT_OP] = 1, [SLOT_VARIANT] = 2};

/* The names taken in one scope (a struct's members, a resource's operations...). */
typedef struct scope {
  char names[48][400];
  int n;
} scope;

typedef struct gen {
  uint64_t state;
  int heat;          /* 0: legal names only; 1: one hostile name; 2: an eighth of them hostile */
  int hot_slot;      /* heat 1: the place of the hostile name, and its template */
  const char *hot;
  int seen[SLOTS];   /* names drawn so far, per place */
  char prefix[200], upper[200], model[400], enum_[400], union_[400];
  scope types;       /* every model, enum and error */
  FILE *out;
} gen;

static unsigned roll(gen *g, unsigned n)
{
  g->state ^= g->state >> 12, g->state ^= g->state << 25, g->state ^= g->state >> 27;
  return (unsigned)((g->state * 2685821657736338717ull) >> 33) % n;
}

static int taken(const scope *s, const char *name)
{
  for (int i = 0; i < s->n; i++)
    if (strcmp(s->names[i], name) == 0)
      return 1;
  return 0;
}

/* A template's name for a place in scope s. */
static void expand(gen *g, const char *t, const scope *s, char *out, size_t size)
{
  const char *last = s->n > 0 ? s->names[s->n - 1] : "thing", *first = s->n > 0 ? s->names[0] : "thing";
  char snake[400];
  size_t n = 0;
  for (; *t != '\0' && n + 1 < size; t++) {
    const char *piece = NULL;
    if (t[0] != '%') {
      out[n++] = *t;
      continue;
    }
    switch (*++t) {
    case 's': piece = last; break;
    case '0': piece = first; break;
    case 'M': piece = g->model; break;
    case 'E': piece = g->enum_; break;
    case 'N': piece = g->union_; break;
    case 'm': snake_case(g->model, snake, sizeof snake), piece = snake; break;
    case 'P': piece = g->prefix; break;
    case 'U': piece = g->upper; break;
    case 'C': /* TaskState -> task_state, task_state -> TASK_STATE */
      snake_case(last, snake, sizeof snake);
      if (strcmp(snake, last) == 0)
        upper_case(last, snake, sizeof snake);
      piece = snake;
      break;
    case 'L': {
      size_t len = 0;
      while (t[1] >= '0' && t[1] <= '9')
        len = len * 10 + (size_t)(*++t - '0');
      for (size_t i = 0; i < len && n + 1 < size; i++)
        out[n++] = i == 0 ? 'a' : "aB3_"[i % 4 == 3 ? 3 : roll(g, 3)];
      break;
    }
    }
    for (; piece != NULL && *piece != '\0' && n + 1 < size; piece++)
      out[n++] = *piece;
  }
  out[n] = '\0';
}

/* A name for the next place of kind slot, not taken in s unless it is hostile; returns its
 * copy, recorded in s. */
static const char *name(gen *g, int slot, scope *s)
{
  char out[400];
  int hostile = g->heat == 2 ? HOSTILE[slot][0] != NULL && roll(g, 8) == 0
                             : g->heat == 1 && slot == g->hot_slot && g->seen[slot] == HOT_AT[slot];
  g->seen[slot]++;
  if (hostile && g->heat == 2) {
    size_t nown = 0;
    while (nown < HOSTILE_MAX && HOSTILE[slot][nown] != NULL)
      nown++;
    expand(g, HOSTILE[slot][roll(g, (unsigned)nown)], s, out, sizeof out);
  } else if (hostile) {
    expand(g, g->hot, s, out, sizeof out);
  } else {
    int capital = slot == SLOT_TYPE || slot == SLOT_LATE_TYPE || slot == SLOT_API;
    const char *w = WORDS[roll(g, sizeof WORDS / sizeof WORDS[0])];
    snprintf(out, sizeof out, "%s%s", capital ? "T" : "", w);
    for (int i = 2; taken(s, out) || taken(&g->types, out); i++)
      snprintf(out, sizeof out, "%s%s%d", capital ? "T" : "", w, i);
  }
  assert_true(s->n < 48);
  snprintf(s->names[s->n], sizeof s->names[0], "%s", out);
  return s->names[s->n++];
}

static const char *field_type(gen *g, const scope *models, const scope *enums)
{
  static char out[500];
  static const char *const scalars[] = {"string", "int", "float", "bool", "datetime", "date", "any"};
  const char *base = scalars[roll(g, 7)];
  if (roll(g, 3) == 0)
    base = enums->names[roll(g, (unsigned)enums->n)];
  else if (models->n > 0 && roll(g, 4) == 0)
    base = models->names[roll(g, (unsigned)models->n)];
  unsigned shape = roll(g, 5);
  snprintf(out, sizeof out, shape == 0 ? "%s[]" : shape == 1 ? "map<%s>" : "%s", base);
  return out;
}

/* A model of a few fields of any type over the models before it and the enums. Its first two
 * fields make every member a field can (an optional nullable array, an optional nullable
 * enum), for the hostile names that imitate one. */
static void write_model(gen *g, const char *model, const scope *models, const scope *enums)
{
  scope fields = {.n = 0};
  fprintf(g->out, "model %s {\n  %s?: string[] | null;\n", model, name(g, SLOT_FIELD, &fields));
  fprintf(g->out, "  %s?: %s | null;\n", name(g, SLOT_FIELD, &fields), enums->names[0]);
  for (unsigned i = 0, n = 1 + roll(g, 4); i < n; i++) {
    const char *ftype = field_type(g, models, enums);
    int optional = roll(g, 2);
    fprintf(g->out, "  %s%s: %s%s;\n", name(g, SLOT_FIELD, &fields), optional ? "?" : "", ftype,
            roll(g, 4) == 0 ? " | null" : "");
  }
  fputs("}\n", g->out);
}

/* Two unions: one told apart by JSON type (an array, an enum, an int, a bool: the members a
 * variant can make besides its name), one by a tag over the models. */
static void write_unions(gen *g, const scope *models, const scope *enums)
{
  scope variants = {.n = 0};
  snprintf(g->union_, sizeof g->union_, "%s", name(g, SLOT_TYPE, &g->types));
  fprintf(g->out, "union %s { %s: string[]; ", g->union_, name(g, SLOT_VARIANT, &variants));
  fprintf(g->out, "%s: %s; ", name(g, SLOT_VARIANT, &variants), enums->names[0]);
  fprintf(g->out, "%s: int; ", name(g, SLOT_VARIANT, &variants));
  fprintf(g->out, "%s: bool; }\n", name(g, SLOT_VARIANT, &variants));
  variants.n = 0;
  fprintf(g->out, "union %s @discriminator(\"t\") { %s: %s; ", name(g, SLOT_TYPE, &g->types),
          name(g, SLOT_VARIANT, &variants), models->names[0]);
  fprintf(g->out, "%s: %s @tag(\"x-tag\"); }\n", name(g, SLOT_VARIANT, &variants), models->names[models->n - 1]);
}

/* A long-running operation over job (a model with a string `state`), the GET that polls it,
 * and a stream whose events' text is joined. */
static void write_lro(gen *g, scope *ops, const char *job)
{
  scope path = {.n = 0};
  char start[400], poll[400];
  snprintf(start, sizeof start, "%s", name(g, SLOT_OP, ops));
  snprintf(poll, sizeof poll, "%s", name(g, SLOT_OP, ops));
  fprintf(g->out, "  %s: POST \"/{%s}/start\" -> %s @lro(status: \"state\", success: \"done\", poll: \"%s\");\n", start,
          name(g, SLOT_PATH, &path), job, poll);
  path.n = 0;
  fprintf(g->out, "  %s: GET \"/job/{%s}\" -> %s;\n", poll, name(g, SLOT_PATH, &path), job);
  fprintf(g->out, "  %s: GET \"/words\" -> stream<%s> @accumulate(\"state\");\n", name(g, SLOT_OP, ops), job);
}

static void write_resource(gen *g, scope *resources, const scope *models, const scope *enums, const char *page,
                           const char *job)
{
  const char *m = models->names[roll(g, (unsigned)models->n)];
  fprintf(g->out, "resource %s \"/r%d\" {\n", name(g, SLOT_RESOURCE, resources), resources->n);
  scope ops = {.n = 0}, path = {.n = 0}, params = {.n = 0};
  write_lro(g, &ops, job); /* first: the hostile operation names refer to the first one */
  fprintf(g->out, "  %s: GET \"/{%s}\"", name(g, SLOT_OP, &ops), name(g, SLOT_PATH, &path));
  if (roll(g, 2))
    fprintf(g->out, " path(%s: int)", path.names[0]);
  fprintf(g->out, " query(%s?: int[], ", name(g, SLOT_PARAM, &params));
  fprintf(g->out, "%s?: string, ", name(g, SLOT_PARAM, &params));
  fprintf(g->out, "%s?: %s)", name(g, SLOT_PARAM, &params), enums->names[0]);
  fprintf(g->out, " headers(%s?: string @header(\"X-A\")) -> %s;\n", name(g, SLOT_PARAM, &params), m);
  path.n = 0;
  fprintf(g->out, "  %s: POST \"/{%s}\" body %s -> %s[];\n", name(g, SLOT_OP, &ops), name(g, SLOT_PATH, &path), m, m);
  fprintf(g->out, "  %s: GET \"/all\" query(cursor?: string) -> page<%s> @paginate(items: \"items\", next: \"next\", "
                  "param: \"cursor\");\n", name(g, SLOT_OP, &ops), page);
  fprintf(g->out, "  %s: GET \"/events\" -> stream<%s>;\n}\n", name(g, SLOT_OP, &ops), m);
}

/* Writes the spec g makes to path. */
static void write_spec(gen *g, int number, const char *path)
{
  g->out = fopen(path, "w");
  assert_non_null(g->out);
  scope apis = {.n = 0}, models = {.n = 0}, enums = {.n = 0}, resources = {.n = 0};
  char api[400];
  snprintf(api, sizeof api, "%s", name(g, SLOT_API, &apis));
  if (api[0] == 'T') /* a legal name: one per spec, so the SDKs differ */
    snprintf(api, sizeof api, "sdk%d", number);
  snake_case(api, g->prefix, sizeof g->prefix);
  upper_case(g->prefix, g->upper, sizeof g->upper);
  fprintf(g->out, "api %s { title = \"T\"; version = \"1\"; base_url = \"http://127.0.0.1:1/v1\"; auth = %s; }\n", api,
          roll(g, 2) ? "bearer" : "header(\"X-Key\")");
  for (unsigned k = 0, n = 1 + roll(g, 2); k < n; k++) {
    scope values = {.n = 0};
    snprintf(enums.names[enums.n++], sizeof enums.names[0], "%s", name(g, SLOT_TYPE, &g->types));
    fprintf(g->out, "enum %s {", enums.names[enums.n - 1]);
    for (unsigned v = 0, nv = 2 + roll(g, 3); v < nv; v++)
      fprintf(g->out, " %s;", name(g, SLOT_VALUE, &values));
    fputs(" }\n", g->out);
  }
  snprintf(g->enum_, sizeof g->enum_, "%s", enums.names[0]);
  for (unsigned k = 0, n = 1 + roll(g, 3); k < n; k++) {
    char model[400];
    snprintf(model, sizeof model, "%s", name(g, SLOT_TYPE, &g->types));
    if (k == 0)
      snprintf(g->model, sizeof g->model, "%s", model);
    write_model(g, model, &models, &enums);
    snprintf(models.names[models.n++], sizeof models.names[0], "%s", model);
  }
  write_unions(g, &models, &enums);
  const char *tagged = g->types.names[g->types.n - 1];
  char page[400];
  snprintf(page, sizeof page, "%s", name(g, SLOT_LATE_TYPE, &g->types));
  fprintf(g->out, "model %s { items: %s[]; next?: string; }\n", page, models.names[0]);
  fprintf(g->out, "error %s 404 { detail?: string; }\n", name(g, SLOT_LATE_TYPE, &g->types));
  char job[400];
  snprintf(job, sizeof job, "%s", name(g, SLOT_LATE_TYPE, &g->types));
  fprintf(g->out, "model %s { id: string; state: string; u?: %s | null; tagged?: %s[]; }\n", job, g->union_, tagged);
  for (unsigned k = 0, n = 1 + roll(g, 2); k < n; k++)
    write_resource(g, &resources, &models, &enums, page, job);
  fclose(g->out);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *text = calloc(1, 1 << 16);
  if (f != NULL && text != NULL)
    text[fread(text, 1, (1 << 16) - 1, f)] = '\0';
  if (f != NULL)
    fclose(f);
  return text;
}

/* Compiles the SDK in dir with cc; on failure prints the spec and the compiler's first words. */
static int compiles(const char *cc, const char *dir)
{
  char cmd[2048], log[512], spec_path[512];
  snprintf(log, sizeof log, "%s/cc.log", dir);
  snprintf(cmd, sizeof cmd, "%s %s -fsyntax-only -I%s/include -I%s/mock %s/src/*.c %s/mock/*.c >%s 2>&1", cc,
           GEN_CFLAGS, dir, dir, dir, dir, log);
  if (system(cmd) == 0)
    return 1;
  snprintf(spec_path, sizeof spec_path, "%s/spec.api", dir);
  char *text = slurp(spec_path), *out = slurp(log);
  fprintf(stderr, "accepted by apic check, but %s fails on it:\n%s\n---\n%.3000s\n", cc, text ? text : "",
          out ? out : "");
  free(text);
  free(out);
  return 0;
}

typedef struct tally {
  char root[32];
  int specs, accepted;
} tally;

/* Writes g's spec; when apic check accepts it, generates the SDK and compiles it with gcc (and
 * clang too when both is set). */
static void run(tally *t, gen *g, int both)
{
  char dir[256], spec_path[300];
  snprintf(dir, sizeof dir, "%s/%d", t->root, t->specs);
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(spec_path, sizeof spec_path, "%s/spec.api", dir);
  write_spec(g, t->specs++, spec_path);
  spec s;
  int errors = spec_load(&s, spec_path, NULL) != 0 ? 1 : spec_check(&s);
  spec_free(&s);
  if (errors > 0)
    return;
  t->accepted++;
  gen_options o = {.spec_path = spec_path, .out_dir = dir, .report = stderr, .jobs = 1};
  if (apic_generate(&o) != 0)
    fail_msg("accepted by apic check, but apic generate fails on %s", spec_path);
  assert_true(compiles(GEN_CC, dir));
  if (both && GEN_CLANG[0] != '\0')
    assert_true(compiles(GEN_CLANG, dir));
}

/* Every hostile name with its place: the own ones of each place, and ANYWHERE in fields and
 * parameters. Returns how many (out: room for all). */
static size_t hostile_names(int *slots, const char **names)
{
  size_t n = 0;
  for (int slot = 0; slot < SLOTS; slot++) {
    for (size_t i = 0; i < 16 && HOSTILE[slot][i] != NULL; i++)
      slots[n] = slot, names[n++] = HOSTILE[slot][i];
    for (size_t i = 0; (slot == SLOT_FIELD || slot == SLOT_PARAM || slot == SLOT_PATH) &&
                       i < sizeof ANYWHERE / sizeof ANYWHERE[0]; i++)
      slots[n] = slot, names[n++] = ANYWHERE[i];
  }
  return n;
}

static void test_refused_or_compiles(void **state)
{
  (void)state;
  int few = getenv("APIC_UNDER_VALGRIND") != NULL, slots[SLOTS * 64];
  const char *names[SLOTS * 64];
  tally t = {"/tmp/apic-names-XXXXXX", 0, 0};
  assert_non_null(mkdtemp(t.root));
  for (int i = 0; i < (few ? 2 : 10); i++) { /* legal names */
    gen g = {.state = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1), .heat = 0};
    run(&t, &g, 1);
  }
  int legal = t.accepted;
  for (size_t i = 0, n = hostile_names(slots, names); i < n; i += few ? 25 : 1) { /* each one alone */
    gen g = {.state = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 100), .heat = 1, .hot_slot = slots[i], .hot = names[i]};
    run(&t, &g, 0);
  }
  for (int i = 0; i < (few ? 1 : 6); i++) { /* many at once */
    gen g = {.state = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1000), .heat = 2};
    run(&t, &g, 1);
  }
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", t.root);
  assert_int_equal(system(cmd), 0);
  fprintf(stderr, "names: %d specs, %d accepted and compiled, %d refused\n", t.specs, t.accepted,
          t.specs - t.accepted);
  /* Both verdicts, or the property says little: legal names pass, most hostile ones do not. */
  assert_true(legal * 2 >= (few ? 2 : 10));
  assert_true((t.specs - t.accepted) * 2 >= t.specs);
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_refused_or_compiles)};
  return cmocka_run_group_tests_name("names: hostile specs are refused or compile", tests, NULL, NULL);
}
