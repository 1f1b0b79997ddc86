/* The spec printer (fmt.c), in process: the layout's rules, every spec of the repo unchanged in
 * meaning by it (the same `apic dump`, locations aside) and a fixed point of it, and imported
 * specs already in its layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glob.h>

#include "bigmem.h"
#include "fmt.h"
#include "frontend.h"
#include "import.h"
#include "parse.h"
#include "strbuf.h"

/* The specs of the repo: the shipped ones, and those the suites read. */
static const char *const SPEC_GLOBS[] = {"spec/*.api", "spec/common/*.api", "tests/*/*.api", "tests/*/data/*.api",
                                         "tests/diff/fixtures/*/*.api", NULL};

/* text (a spec file named name) printed by apic fmt, or NULL when it does not parse. */
static char *fmt_text(const char *name, const char *text)
{
  size_t len = strlen(text);
  char *copy = big_alloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, text, len);
  diag d;
  diag_init(&d, NULL);
  ast_arena *arena = ast_arena_new();
  int file = diag_add_source(&d, name, copy, len, len + 1);
  assert_true(file >= 0);
  parse_comments comments = {NULL, 0, 0};
  decl *decls = parse_file_comments(arena, &d, file, &comments);
  char *out = NULL;
  if (d.errors == 0) {
    fmt_input in = {decls, copy, len, comments.list, comments.count, NULL, NULL};
    out = fmt_print(&in, NULL);
    assert_non_null(out);
  }
  free(comments.list);
  ast_arena_free(arena);
  diag_free(&d);
  return out;
}

static char *read_text(const char *path)
{
  size_t len;
  char *text = sb_read_file(path, &len);
  assert_non_null(text);
  return text;
}

/* Removes every "loc" member, recursively: formatting moves things. */
static void strip_locs(cJSON *j)
{
  cJSON_DeleteItemFromObjectCaseSensitive(j, "loc");
  for (cJSON *c = j->child; c != NULL; c = c->next)
    strip_locs(c);
}

/* The resolved spec of text named name, locations left out (NULL when it does not check). */
static cJSON *dump_of(const char *name, const char *text)
{
  spec s;
  cJSON *json = NULL;
  if (spec_load_text(&s, name, text, strlen(text), NULL) == 0 && spec_check(&s) == 0)
    json = spec_dump(&s);
  spec_free(&s);
  if (json != NULL)
    strip_locs(json);
  return json;
}

/* Each spec of the repo: formatted, it is a fixed point, and (when it checks) it means what it
 * meant; the shipped ones are formatted already. */
static void repo_specs(void **state)
{
  (void)state;
  int count = 0;
  for (const char *const *g = SPEC_GLOBS; *g != NULL; g++) {
    glob_t files;
    if (glob(*g, 0, NULL, &files) != 0)
      continue;
    for (size_t i = 0; i < files.gl_pathc; i++, count++) {
      const char *path = files.gl_pathv[i];
      char *text = read_text(path);
      char *once = fmt_text(path, text);
      assert_non_null(once);
      char *twice = fmt_text(path, once);
      assert_string_equal(once, twice);
      cJSON *before = dump_of(path, text), *after = before != NULL ? dump_of(path, once) : NULL;
      if (before != NULL && !cJSON_Compare(before, after, 1))
        fprintf(stderr, "%s: the dump changed\n", path);
      assert_true(before == NULL || cJSON_Compare(before, after, 1));
      if (strncmp(path, "spec/", 5) == 0 && strcmp(text, once) != 0)
        fprintf(stderr, "%s is not formatted: run apic fmt -w %s\n", path, path);
      assert_true(strncmp(path, "spec/", 5) != 0 || strcmp(text, once) == 0);
      cJSON_Delete(before);
      cJSON_Delete(after);
      free(text);
      free(once);
      free(twice);
    }
    globfree(&files);
  }
  assert_true(count > 10);
}

static void imported_specs_are_formatted(void **state)
{
  (void)state;
  const char *docs[] = {"tests/import/data/petstore-2.0.yaml", "tests/import/data/petstore-3.0.yaml"};
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    import_report r;
    char *text = NULL;
    assert_int_equal(apic_import(docs[i], NULL, &r, &text, NULL), 0);
    char *out = fmt_text("imported.api", text);
    assert_string_equal(text, out);
    free(text);
    free(out);
    import_report_free(&r);
  }
}

#define API "api t { title = \"T\"; version = \"1\"; base_url = \"http://h\"; auth = bearer; }\n"

static void expect(const char *in, const char *want)
{
  char *out = fmt_text("t.api", in);
  assert_non_null(out);
  if (strcmp(out, want) != 0)
    fprintf(stderr, "got:\n%s\nwant:\n%s\n", out, want);
  assert_string_equal(out, want);
  free(out);
}

static void layout(void **state)
{
  (void)state;
  /* The api block one setting a line, aligned; blocks written on one line stay so. */
  expect(API "enum A { x; y = \"Y\"; }\nmodel M   {a:int;b ? : string|null=null @json(\"B\");}\n",
         "api t {\n    title    = \"T\";\n    version  = \"1\";\n    base_url = \"http://h\";\n    auth     = bearer;\n}\n"
         "enum A { x; y = \"Y\"; }\nmodel M { a: int; b?: string | null = null @json(\"B\"); }\n");
  /* A block on several lines, or with docs, a member a line; blank lines kept (one at most). */
  expect("model M {\n  a: int;\n\n\n  /// doc\n  b: int;  /// trailing\n}\n\n\n\nmodel N {\n /// x\n a: int; }\n",
         "model M {\n    a: int;\n\n    /// doc\n    b: int;  /// trailing\n}\n\nmodel N {\n    /// x\n    a: int;\n}\n");
  /* Operations: on one line when they fit; else the result on a line of its own; a parameter
   * list with docs a parameter a line. */
  expect("resource r \"/r\" {\n get: GET \"/{id}\" path(id: int) -> M;\n"
         "list: GET \"\" query(a_long_parameter_name?: string, another_long_parameter?: int, third?: bool) -> M[] @retries(3);\n"
         "make: POST \"\" query(\n/// the q\nq: string) body M headers(k?: string @header(\"K\")) errors(E) -> M @idempotent;\n}\n",
         "resource r \"/r\" {\n    get: GET \"/{id}\" path(id: int) -> M;\n"
         "    list: GET \"\" query(a_long_parameter_name?: string, another_long_parameter?: int, third?: bool)\n"
         "        -> M[] @retries(3);\n"
         "    make: POST \"\" query(\n            /// the q\n            q: string)\n"
         "        body M headers(k?: string @header(\"K\")) errors(E)\n        -> M @idempotent;\n}\n");
  /* Strings come out escaped as they went in. */
  expect("model M { a: string = \"q\\\"\\\\\\n\\t\\u0001\"; }\n", "model M { a: string = \"q\\\"\\\\\\n\\t\\u0001\"; }\n");
}

static void comments_kept(void **state)
{
  (void)state;
  const char *in = "// head\n\n// about A\nenum A { // first\n  x; // the x\n  // before y\n  y;\n  // last\n}  // after A\n"
                   "resource r \"/r\" {\n  // op\n  get: GET \"\" query(\n    a?: int, // the a\n    /// b\n    b?: int)\n"
                   "    -> A; // end\n}\n// tail\n";
  const char *want = "// head\n\n// about A\nenum A {  // first\n    x;  // the x\n    // before y\n    y;\n    // last\n}  // after A\n"
                     "resource r \"/r\" {\n    // op\n    get: GET \"\" query(\n            a?: int,  // the a\n"
                     "            /// b\n            b?: int)\n        -> A;  // end\n}\n// tail\n";
  expect(in, want);
  expect(want, want);
}

static void syntax_errors_print_nothing(void **state)
{
  (void)state;
  assert_null(fmt_text("t.api", "model M { a: }\n"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(layout),
      cmocka_unit_test(comments_kept),
      cmocka_unit_test(syntax_errors_print_nothing),
      cmocka_unit_test(repo_specs),
      cmocka_unit_test(imported_specs_are_formatted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
