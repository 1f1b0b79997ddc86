/* Whatever the input, the front end ends with a verdict: no crash, hang, leak or sanitizer
 * report. Truncations and seeded mutations of the shipped specs, garbage, huge lines, deep
 * nesting. (Run under `make sanitize` and `make valgrind` for the memory half of the claim.) */
#include <time.h>

#include "front_test.h"

static char *slurp(const char *path, size_t *out_len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *out_len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*out_len] = '\0';
  fclose(f);
  return buf;
}

/* Runs the front end on bytes; returns the error count. spec_load_text copies the bytes. */
static int run_bytes(const char *bytes, size_t len)
{
  spec s;
  int errors = -1;
  if (spec_load_text(&s, "spec/fuzz.api", bytes, len, NULL) == 0) {
    spec_check(&s);
    errors = s.diag.errors;
    cJSON *json = errors == 0 ? spec_dump(&s) : NULL;
    cJSON_Delete(json);
  }
  spec_free(&s);
  return errors;
}

/* Every prefix of each shipped spec: a truncated file is an error, never a crash. */
static void test_truncations(void **state)
{
  (void)state;
  const char *files[] = {"spec/torale.api", "spec/bloomy.api"};
  for (size_t f = 0; f < 2; f++) {
    size_t len;
    char *text = slurp(files[f], &len);
    assert_int_equal(run_bytes(text, len), 0); /* the whole file is clean */
    size_t step = getenv("APIC_UNDER_VALGRIND") != NULL ? 97 : 1;
    int errors_seen = 0;
    for (size_t n = 0; n < len; n += step)
      errors_seen += run_bytes(text, n) > 0;
    assert_true(errors_seen > 0);
    free(text);
  }
}

/* Seeded mutations: flip, delete, duplicate and insert bytes. */
static void test_mutations(void **state)
{
  (void)state;
  size_t len;
  char *text = slurp("spec/torale.api", &len);
  char *buf = malloc(len * 2 + 16);
  assert_non_null(buf);
  unsigned seed = 12345;
  int rounds = getenv("APIC_UNDER_VALGRIND") != NULL ? 60 : 3000;
  for (int r = 0; r < rounds; r++) {
    memcpy(buf, text, len);
    size_t n = len;
    for (int k = 0; k < 1 + r % 4; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = (seed >> 8) % n;
      switch ((seed >> 4) % 4) {
      case 0: buf[at] = (char)(seed >> 16); break;                           /* flip */
      case 1: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;       /* delete */
      case 2: memmove(buf + at + 1, buf + at, n - at); n++; break;           /* duplicate */
      default: memmove(buf + at + 1, buf + at, n - at); buf[at] = "{}();:<>[]@\"/?|="[seed % 16]; n++;
      }
    }
    assert_true(run_bytes(buf, n) >= 0);
  }
  free(buf);
  free(text);
}

static void test_garbage_and_nuls(void **state)
{
  (void)state;
  char bytes[4096];
  unsigned seed = 7;
  for (size_t i = 0; i < sizeof bytes; i++) {
    seed = seed * 1103515245u + 12345u;
    bytes[i] = (char)(seed >> 16);
  }
  assert_true(run_bytes(bytes, sizeof bytes) > 0);
  const char nul[] = "api t {\0 title = \"a\0b\"; }";
  assert_true(run_bytes(nul, sizeof nul - 1) > 0);
  const char utf8[] = "api t { title = \"\xff\xfe\xc3\"; }\nmodel \xe2\x82\xac { }";
  assert_true(run_bytes(utf8, sizeof utf8 - 1) > 0);
}

/* A spec around one token of n bytes: the text before it, n copies of the byte `fill`, the text
 * after it. */
typedef struct long_token {
  const char *before, *after;
  char fill;
  int errors; /* the verdict: how many errors */
} long_token;

static const long_token LONG_TOKENS[] = {
    {"", "", 'a', 2},                                         /* a name too long, then no declaration */
    {API_BLOCK "model ", " { a: string; }", 'a', 1},          /* a name too long */
    {API_BLOCK "model M { a: string = \"", "\"; }", 's', 0}, /* a string */
    {API_BLOCK "model M { a: int = ", "; }", '9', 1},         /* an integer beyond 64 bits */
    {API_BLOCK "// ", "\nmodel M { a: string; }", 'c', 0},    /* a comment */
    {API_BLOCK "/// ", "\nmodel M { a: string; }", 'd', 0},   /* a doc comment */
    {API_BLOCK, "", '@', 1},                                  /* garbage, reported once */
};

/* CPU seconds the front end takes on t with a token of n bytes (the best of three runs);
 * asserts the verdict. */
static double token_seconds(const long_token *t, size_t n)
{
  size_t lb = strlen(t->before), la = strlen(t->after);
  char *text = malloc(lb + n + la);
  assert_non_null(text);
  memcpy(text, t->before, lb);
  memset(text + lb, t->fill, n);
  memcpy(text + lb + n, t->after, la);
  double best = 1e9;
  for (int i = 0; i < 3; i++) {
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    int errors = run_bytes(text, lb + n + la);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    assert_int_equal(errors, t->errors);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    best = s < best ? s : best;
  }
  free(text);
  return best;
}

/* Time linear in a token's length: sixteen times the bytes take well under 64 times the CPU
 * time (it was quadratic: 1, 2 and 4 MB names took 0.26, 0.96 and 3.49 s). A ratio of two runs
 * of one machine, not a time: speed itself is measured in bench/. */
static void test_long_tokens_linear(void **state)
{
  (void)state;
  size_t small = getenv("APIC_UNDER_VALGRIND") != NULL ? 16u << 10 : 256u << 10;
  for (size_t i = 0; i < sizeof LONG_TOKENS / sizeof LONG_TOKENS[0]; i++) {
    double t1 = token_seconds(&LONG_TOKENS[i], small), t16 = token_seconds(&LONG_TOKENS[i], small * 16);
    if (t16 > 64 * t1 + 0.002) /* plus 2 ms: a clock's tick on a run this short */
      fail_msg("token %zu: %zu bytes took %.4f s, %zu bytes %.4f s", i, small, t1, small * 16, t16);
  }
}

static void test_deep_nesting(void **state)
{
  (void)state;
  const char *head = API_BLOCK "model M { a: ";
  size_t depth = 200000, hl = strlen(head);
  char *text = malloc(hl + depth * 5 + 64);
  assert_non_null(text);
  strcpy(text, head);
  size_t n = hl;
  for (size_t i = 0; i < depth; i++)
    memcpy(text + n, "map<", 4), n += 4;
  memcpy(text + n, "string", 6), n += 6;
  for (size_t i = 0; i < depth; i++)
    text[n++] = '>';
  n += (size_t)sprintf(text + n, "; }");
  assert_true(run_bytes(text, n) > 0); /* too deep for the parser's stack: an error, not a crash */
  free(text);
  /* Nesting a real spec might use parses fine. */
  const char *deepest = API_BLOCK "model M { a: map<string[]>; b: string[][]; }";
  assert_int_equal(run_bytes(deepest, strlen(deepest)), 0);
}

/* A chain of models each holding the next by value, closed into one long cycle: the cycle
 * search walks it without recursion (it once overflowed the C stack here) and reports it once. */
static void test_long_model_chain(void **state)
{
  (void)state;
  size_t n = getenv("APIC_UNDER_VALGRIND") != NULL ? 2000 : 400000;
  char *text = malloc(strlen(API_BLOCK) + (n + 1) * 40);
  assert_non_null(text);
  size_t len = (size_t)sprintf(text, "%s", API_BLOCK);
  for (size_t i = 0; i < n; i++)
    len += (size_t)sprintf(text + len, "model M%zu { a: M%zu; }\n", i, i + 1);
  len += (size_t)sprintf(text + len, "model M%zu { a: M0; }\n", n);
  assert_int_equal(run_bytes(text, len), 1);
  free(text);
}

/* Appends printf-formatted text to a growing buffer (aborts the test when out of memory). */
static void append(char **buf, size_t *len, size_t *cap, const char *fmt, size_t a, size_t b)
{
  if (*len + 256 > *cap) { /* every piece appended is shorter */
    *cap = (*cap + 256) * 2;
    *buf = realloc(*buf, *cap);
    assert_non_null(*buf);
  }
  *len += (size_t)snprintf(*buf + *len, *cap - *len, fmt, a, b);
}

/* Long lists (fields, enum values, operations, unknown names, enum defaults), each with every
 * second entry a duplicate or an error: the checker finds every one, in time linear enough that
 * 50,000 entries take well under a second (they once took minutes: duplicate searches were
 * quadratic). */
static void test_long_lists(void **state)
{
  (void)state;
  size_t n = getenv("APIC_UNDER_VALGRIND") != NULL ? 500 : 50000;
  static const char *const shapes[][3] = {
      /* head, entry (two %zu), tail */
      {"model M {", " f%zu_%zu: string;", "}\n"},
      {"enum E {", " v%zu_%zu;", "}\n"},
      {"resource r \"/r\" {", " o%zu_%zu: GET \"\";", "}\n"},
  };
  for (size_t k = 0; k < 3; k++) {
    size_t len = 0, cap = 0;
    char *text = NULL;
    append(&text, &len, &cap, API_BLOCK "%.0zu%.0zu", 0, 0);
    append(&text, &len, &cap, shapes[k][0], 0, 0);
    for (size_t i = 0; i < n; i++)
      append(&text, &len, &cap, shapes[k][1], i / 2, 0); /* f0_0 f0_0 f1_0 f1_0 ... */
    append(&text, &len, &cap, shapes[k][2], 0, 0);
    assert_int_equal(run_bytes(text, len), (int)(n / 2));
    free(text);
  }
  /* Unknown types among many declared ones, and defaults from a long enum. */
  size_t len = 0, cap = 0;
  char *text = NULL;
  append(&text, &len, &cap, API_BLOCK "enum E {%.0zu%.0zu", 0, 0);
  for (size_t i = 0; i < n; i++)
    append(&text, &len, &cap, " v%zu%.0zu;", i, 0);
  append(&text, &len, &cap, " }\nmodel M {%.0zu%.0zu", 0, 0);
  for (size_t i = 0; i < n; i++)
    append(&text, &len, &cap, i % 2 ? " f%zu: E = v%zu;" : " f%zu: Nope%zu;", i, n - 1 - i);
  append(&text, &len, &cap, " }\n%.0zu%.0zu", 0, 0);
  assert_int_equal(run_bytes(text, len), (int)(n / 2));
  free(text);
  /* Many operations paging over one wide model; every second one names a missing field. */
  len = 0, cap = 0, text = NULL;
  append(&text, &len, &cap, API_BLOCK "model P {%.0zu%.0zu", 0, 0);
  for (size_t i = 0; i < n; i++)
    append(&text, &len, &cap, " f%zu: string;%.0zu", i, 0);
  append(&text, &len, &cap, " items: string[]; }\nresource r \"/r\" {%.0zu%.0zu", 0, 0);
  for (size_t i = 0; i < n / 5; i++)
    append(&text, &len, &cap,
           i % 2 ? " o%zu: GET \"\" query(c?: string) -> page<P> @paginate(items: \"items\", next: \"g%zu\", param: \"c\");"
                 : " o%zu: GET \"\" query(c?: string) -> page<P> @paginate(items: \"items\", next: \"f%zu\", param: \"c\");",
           i, i);
  append(&text, &len, &cap, " }\n%.0zu%.0zu", 0, 0);
  assert_int_equal(run_bytes(text, len), (int)(n / 10));
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_truncations),
      cmocka_unit_test(test_mutations),
      cmocka_unit_test(test_garbage_and_nuls),
      cmocka_unit_test(test_long_tokens_linear),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_long_model_chain),
      cmocka_unit_test(test_long_lists),
  };
  return cmocka_run_group_tests_name("front: robustness", tests, NULL, NULL);
}
