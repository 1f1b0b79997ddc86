/* The renderer beyond the spec: each tag kind, error locations, raw mode, context stacks, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mustache.h"

static char *render(const char *tmpl, const char *json, int escape)
{
  char *err = NULL;
  mustache *t = mustache_parse("t.mustache", tmpl, strlen(tmpl), &err);
  assert_non_null(t);
  cJSON *data = cJSON_Parse(json);
  assert_non_null(data);
  mustache_env env = {escape, NULL, NULL, NULL};
  const cJSON *stack[] = {data};
  char *out = mustache_render_json(t, stack, 1, &env, NULL, &err);
  assert_non_null(out);
  cJSON_Delete(data);
  mustache_free(t);
  return out;
}

static char *parse_error(const char *tmpl)
{
  char *err = NULL;
  mustache *t = mustache_parse("t.mustache", tmpl, strlen(tmpl), &err);
  assert_null(t);
  assert_non_null(err);
  return err;
}

/* Partials for the tag-kind tests, by name. */
static const char *named_partial(void *ud, const char *name, size_t *len)
{
  (void)ud;
  const char *text = NULL;
  if (strcmp(name, "item") == 0)
    text = "- {{.}}\n";
  else if (strcmp(name, "c/doc") == 0)
    text = "/* {{doc}} */";
  if (text != NULL)
    *len = strlen(text);
  return text;
}

static char *render_with_partials(const char *tmpl, const char *json)
{
  char *err = NULL;
  mustache *t = mustache_parse("t.mustache", tmpl, strlen(tmpl), &err);
  assert_non_null(t);
  cJSON *data = cJSON_Parse(json);
  assert_non_null(data);
  mustache_env env = {1, named_partial, NULL, NULL};
  const cJSON *stack[] = {data};
  size_t len = 0;
  char *out = mustache_render_json(t, stack, 1, &env, &len, &err);
  assert_non_null(out);
  assert_int_equal(len, strlen(out));
  mustache_env_clear(&env);
  cJSON_Delete(data);
  mustache_free(t);
  return out;
}

/* One case or more per tag kind, each with a result that a wrong renderer would not give. */
static void test_tag_kinds(void **state)
{
  (void)state;
  struct { const char *tmpl, *json, *want; } cases[] = {
      /* variables: escaped, triple, ampersand, dotted, missing, implicit iterator */
      {"<{{x}}>", "{\"x\": \"<&>\"}", "<&lt;&amp;&gt;>"},
      {"<{{{x}}}|{{& x}}>", "{\"x\": \"<&>\"}", "<<&>|<&>>"},
      {"{{a.b.c}}|{{a.z}}|{{nope}}", "{\"a\": {\"b\": {\"c\": 7}}}", "7||"},
      {"{{#l}}{{.}},{{/l}}", "{\"l\": [1, \"two\", true]}", "1,two,true,"},
      /* sections: list, object, falsey, empty list, nested lookup through the stack */
      {"{{#l}}[{{n}}]{{/l}}", "{\"l\": [{\"n\": 1}, {\"n\": 2}]}", "[1][2]"},
      {"{{#o}}{{n}}{{/o}}", "{\"o\": {\"n\": \"in\"}}", "in"},
      {"a{{#f}}X{{/f}}{{#e}}Y{{/e}}{{#z}}Z{{/z}}b", "{\"f\": false, \"e\": [], \"z\": null}", "ab"},
      {"{{#o}}{{#p}}{{top}}{{/p}}{{/o}}", "{\"top\": \"T\", \"o\": {\"p\": 1}}", "T"},
      /* inverted: shown for false, null, missing, empty list; hidden otherwise */
      {"{{^f}}1{{/f}}{{^m}}2{{/m}}{{^e}}3{{/e}}{{^t}}4{{/t}}", "{\"f\": false, \"e\": [], \"t\": \"x\"}",
       "123"},
      /* comments: inline and standalone (the whole line goes) */
      {"a{{! say\nnothing }}b\n  {{! alone }}\nc", "{}", "ab\nc"},
      /* standalone section lines leave no blank lines behind */
      {"x\n{{#t}}\ny\n{{/t}}\nz", "{\"t\": true}", "x\ny\nz"},
      /* partials: path-like names, standalone indentation, context of the caller */
      {"{{>c/doc}}", "{\"doc\": \"hi\"}", "/* hi */"},
      {"list:\n  {{#l}}\n  {{>item}}\n  {{/l}}\n", "{\"l\": [\"a\", \"b\"]}", "list:\n  - a\n  - b\n"},
      {"[{{>missing}}]", "{}", "[]"},
      /* set delimiters, and back */
      {"{{=<% %>=}}<%x%>{{x}}<%={{ }}=%>{{x}}", "{\"x\": 1}", "1{{x}}1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *out = render_with_partials(cases[i].tmpl, cases[i].json);
    if (strcmp(out, cases[i].want) != 0)
      fail_msg("case %zu: %s\n  want [%s]\n  got  [%s]", i, cases[i].tmpl, cases[i].want, out);
    free(out);
  }
}

static void test_error_locations(void **state)
{
  (void)state;
  struct { const char *tmpl, *want; } cases[] = {
      {"a\n  {{#list}}x", "t.mustache:2:3: error: unclosed section: list"},
      {"{{#a}}\n{{/b}}", "t.mustache:2:1: error: mismatched closing tag: 'b' closes section 'a'"},
      {"x {{/a}}", "t.mustache:1:3: error: closing tag without an open section"},
      {"ab\ncd {{name", "t.mustache:2:4: error: unclosed tag: no closing }}"},
      {"{{= | =}}", "t.mustache:1:1: error: bad delimiter change; write {{=<% %>=}}"},
      {"{{=<% %>=}}\n<%#a%><%/a%> <%x", "t.mustache:2:14: error: unclosed tag: no closing %>"},
      {"{{ }}", "t.mustache:1:1: error: empty tag"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *err = parse_error(cases[i].tmpl);
    assert_string_equal(err, cases[i].want);
    free(err);
  }
}

static void test_raw_mode_does_not_escape(void **state)
{
  (void)state;
  char *out = render("{{x}} {{{x}}}", "{\"x\": \"a<b & \\\"c\\\"\"}", 0);
  assert_string_equal(out, "a<b & \"c\" a<b & \"c\"");
  free(out);
  out = render("{{x}}", "{\"x\": \"a<b & \\\"c\\\"\"}", 1);
  assert_string_equal(out, "a&lt;b &amp; &quot;c&quot;");
  free(out);
}

/* Generation renders an element with the root below it on the stack. */
static void test_context_stack(void **state)
{
  (void)state;
  char *err = NULL;
  const char *tmpl = "{{name}} of {{api}}";
  mustache *t = mustache_parse("t", tmpl, strlen(tmpl), &err);
  cJSON *root = cJSON_Parse("{\"api\": \"torale\", \"name\": \"root\"}");
  cJSON *item = cJSON_Parse("{\"name\": \"task\"}");
  const cJSON *stack[] = {root, item};
  mustache_env env = {0, NULL, NULL, NULL};
  char *out = mustache_render_json(t, stack, 2, &env, NULL, &err);
  assert_string_equal(out, "task of torale");
  free(out);
  cJSON_Delete(root);
  cJSON_Delete(item);
  mustache_free(t);
}

static const char *self_partial(void *ud, const char *name, size_t *len)
{
  (void)ud;
  (void)name;
  *len = 9;
  return "x{{>me}}y";
}

static void test_recursive_partial_is_an_error(void **state)
{
  (void)state;
  char *err = NULL;
  mustache *t = mustache_parse("t", "{{>me}}", 7, &err);
  cJSON *data = cJSON_CreateObject();
  const cJSON *stack[] = {data};
  mustache_env env = {0, self_partial, NULL, NULL};
  char *out = mustache_render_json(t, stack, 1, &env, NULL, &err);
  assert_null(out);
  assert_non_null(strstr(err, "partials nested too deep"));
  free(err);
  mustache_env_clear(&env);
  cJSON_Delete(data);
  mustache_free(t);
}

/* Each partial opens five sections: the context stack fills before the partial depth cap. */
static const char *nesting_partial(void *ud, const char *name, size_t *len)
{
  (void)ud;
  (void)name;
  static const char text[] = "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{>n}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}";
  *len = sizeof text - 1;
  return text;
}

static void test_deep_sections_are_an_error(void **state)
{
  (void)state;
  char *err = NULL;
  mustache *t = mustache_parse("t", "{{>n}}", 6, &err);
  cJSON *data = cJSON_Parse("{\"a\": true}");
  const cJSON *stack[] = {data};
  mustache_env env = {0, nesting_partial, NULL, NULL};
  char *out = mustache_render_json(t, stack, 1, &env, NULL, &err);
  assert_null(out);
  assert_non_null(err);
  assert_string_equal(err, "sections nested too deep");
  free(err);
  mustache_env_clear(&env);
  cJSON_Delete(data);
  mustache_free(t);
}

static void test_numbers_render_shortest(void **state)
{
  (void)state;
  char *out = render("{{a}} {{b}} {{c}} {{d}}", "{\"a\": 1.21, \"b\": 20, \"c\": -0.5, \"d\": 1e21}", 1);
  assert_string_equal(out, "1.21 20 -0.5 1e+21");
  free(out);
}

/* Garbage templates end in a template or an error, never a crash (run under ASan). */
static void test_garbage_templates(void **state)
{
  (void)state;
  const char *alphabet = "{}#^/!>&=% \n\tab.";
  unsigned seed = 99;
  char tmpl[64];
  cJSON *data = cJSON_Parse("{\"a\": [1, {\"b\": true}], \"b\": \"x\"}");
  for (int round = 0; round < 20000; round++) {
    size_t n = 1 + round % 40;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      tmpl[i] = alphabet[(seed >> 16) % 16];
    }
    char *err = NULL;
    mustache *t = mustache_parse("g", tmpl, n, &err);
    if (t != NULL) {
      mustache_env env = {1, NULL, NULL, NULL};
      const cJSON *stack[] = {data};
      char *out = mustache_render_json(t, stack, 1, &env, NULL, &err);
      assert_non_null(out);
      free(out);
      mustache_free(t);
    } else {
      assert_non_null(err);
    }
    free(err);
  }
  cJSON_Delete(data);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tag_kinds),
      cmocka_unit_test(test_error_locations),
      cmocka_unit_test(test_raw_mode_does_not_escape),
      cmocka_unit_test(test_context_stack),
      cmocka_unit_test(test_recursive_partial_is_an_error),
      cmocka_unit_test(test_deep_sections_are_an_error),
      cmocka_unit_test(test_numbers_render_shortest),
      cmocka_unit_test(test_garbage_templates),
  };
  return cmocka_run_group_tests_name("render: mustache", tests, NULL, NULL);
}
