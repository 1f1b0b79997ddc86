/* The view model built from real specs through the front end: names in every case, flags,
 * C defaults and constraints, doc lines, first/last, errors' kinds, the C order of models; and
 * the view tree it is made of, to JSON and back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend.h"
#include "strbuf.h"
#include "viewmodel.h"

/* The view model of the spec at path, as JSON (what apic dump --view prints), named name;
 * built with threads or without. */
static cJSON *view_built(const char *path, const char *name, int threads)
{
  spec s;
  assert_int_equal(apic_frontend_open(&s, path, stderr), 0);
  view_builder b = {0};
  char *err = NULL;
  const view *vm = apic_viewmodel_build(&b, &s, name, threads, &err);
  assert_null(err);
  assert_non_null(vm);
  cJSON *json = view_to_json(vm);
  assert_non_null(json);
  vb_free(&b);
  spec_free(&s);
  return json;
}

static cJSON *view_named(const char *path, const char *name)
{
  return view_built(path, name, 0);
}

static cJSON *view_of(const char *path)
{
  return view_named(path, path);
}

static const cJSON *named(const cJSON *list, const char *name)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, list)
  {
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
    if (n != NULL && strcmp(n, name) == 0)
      return it;
  }
  fail_msg("no element named %s", name);
  return NULL;
}

static const char *text(const cJSON *obj, const char *key)
{
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
  assert_non_null(s);
  return s;
}

/* Absent flags read as false in mustache, so the test does too. */
static int flag(const cJSON *obj, const char *key)
{
  return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static void test_names_in_every_case(void **state)
{
  (void)state;
  cJSON *vm = view_of("spec/torale.api");
  assert_string_equal(text(vm, "spec_file"), "spec/torale.api");
  assert_non_null(strstr(text(vm, "generated_line"), "from spec/torale.api; do not edit"));
  assert_non_null(strstr(text(vm, "generated_line"), text(vm, "apic_version")));
  const cJSON *api = cJSON_GetObjectItemCaseSensitive(vm, "api");
  assert_string_equal(text(api, "c_name"), "torale");
  assert_string_equal(text(api, "upper"), "TORALE");
  const cJSON *scheme = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(api, "schemes"), 0);
  assert_string_equal(text(scheme, "name"), "api_key");
  assert_string_equal(text(scheme, "kind_const"), "APIC_AUTH_BEARER");
  assert_string_equal(text(scheme, "env"), "TORALE_API_KEY");
  assert_true(flag(scheme, "is_default"));

  const cJSON *e = named(cJSON_GetObjectItemCaseSensitive(vm, "enums"), "TaskState");
  assert_string_equal(text(e, "c_name"), "torale_task_state");
  assert_string_equal(text(e, "upper"), "TORALE_TASK_STATE");
  assert_string_equal(text(e, "snake_name"), "task_state");
  const cJSON *values = cJSON_GetObjectItemCaseSensitive(e, "values");
  assert_string_equal(text(cJSON_GetArrayItem(values, 0), "c_const"), "TORALE_TASK_STATE_ACTIVE");
  assert_true(flag(cJSON_GetArrayItem(values, 0), "first"));
  assert_false(flag(cJSON_GetArrayItem(values, 0), "last"));
  assert_true(flag(cJSON_GetArrayItem(values, 2), "last"));
  const cJSON *in_progress = named(cJSON_GetObjectItemCaseSensitive(
                                       named(cJSON_GetObjectItemCaseSensitive(vm, "enums"), "ExecutionStatus"), "values"),
                                   "in_progress");
  assert_string_equal(text(in_progress, "wire"), "in-progress");
  assert_string_equal(text(in_progress, "c_const"), "TORALE_EXECUTION_STATUS_IN_PROGRESS");

  const cJSON *task = named(cJSON_GetObjectItemCaseSensitive(vm, "models"), "Task");
  assert_string_equal(text(task, "c_name"), "torale_task");
  assert_string_equal(text(task, "snake_name"), "task");
  assert_false(flag(task, "is_error"));
  assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(task, "doc"), 0)->valuestring,
                      "A monitoring task.");

  const cJSON *rl = named(cJSON_GetObjectItemCaseSensitive(vm, "errors"), "RateLimitError");
  assert_true(flag(rl, "is_error"));
  assert_string_equal(text(rl, "short_name"), "rate_limit");
  assert_string_equal(text(rl, "kind_const"), "TORALE_ERROR_RATE_LIMIT");
  assert_false(flag(rl, "is_status_class"));
  const cJSON *server = named(cJSON_GetObjectItemCaseSensitive(vm, "errors"), "ServerError");
  assert_true(flag(server, "is_status_class"));
  assert_string_equal(text(server, "status_class_digit"), "5");
  cJSON_Delete(vm);
}

static void test_field_flags_defaults_and_constraints(void **state)
{
  (void)state;
  cJSON *vm = view_of("spec/torale.api");
  const cJSON *fields =
      cJSON_GetObjectItemCaseSensitive(named(cJSON_GetObjectItemCaseSensitive(vm, "models"), "Task"), "fields");
  assert_true(flag(cJSON_GetArrayItem(fields, 0), "first"));
  assert_true(flag(cJSON_GetArrayItem(fields, cJSON_GetArraySize(fields) - 1), "last"));

  const cJSON *f = named(fields, "state");
  assert_true(flag(f, "is_enum") && flag(f, "has_default") && flag(f, "is_required"));
  assert_string_equal(text(f, "c_def_int"), "TORALE_TASK_STATE_ACTIVE");
  assert_string_equal(text(f, "type_c_name"), "torale_task_state");
  /* defaulted: a pointer, NULL leaving it to the default */
  assert_string_equal(text(f, "c_decl"), "const torale_task_state *state;\n  const char *state_unknown; "
                                         "/**< the text of a value this SDK does not know */");
  assert_string_equal(text(f, "c_type"), "&torale_task_state__enum.type");

  f = named(fields, "cooldown_minutes");
  assert_true(flag(f, "is_int") && flag(f, "is_optional"));
  assert_false(flag(f, "is_required"));
  assert_string_equal(text(f, "c_min"), "0");
  assert_string_equal(text(f, "c_max"), "10080");
  assert_string_equal(text(f, "constraints"), "min 0, max 10080");
  assert_string_equal(text(f, "c_flags"), "APIC_F_OPTIONAL | APIC_F_POINTER | APIC_F_HAS_MIN | APIC_F_HAS_MAX");
  assert_string_equal(text(f, "c_decl"), "const int64_t *cooldown_minutes;");

  f = named(fields, "id");
  assert_string_equal(text(f, "c_decl"), "const char *id;");
  assert_string_equal(text(f, "c_type"), "&apic_t_string");

  f = named(fields, "notify_email");
  assert_true(flag(f, "is_string") && flag(f, "is_nullable") && flag(f, "is_sensitive"));
  assert_string_equal(text(f, "c_decl"), "const char *notify_email;\n  bool notify_email_null; /**< true: JSON null */");

  f = named(fields, "tags");
  assert_true(flag(f, "is_array") && flag(f, "has_count"));
  assert_string_equal(text(f, "c_decl"), "const char *const *tags;\n  size_t tags_count;");
  assert_string_equal(text(f, "c_type"), "&(const apic_type_desc){APIC_T_ARRAY, .item = &apic_t_string}");
  assert_string_equal(text(f, "default"), "[]");

  f = named(fields, "labels");
  assert_string_equal(text(f, "c_decl"), "const apic_string_entry *labels;\n  size_t labels_count;");
  assert_string_equal(text(f, "c_type"), "&(const apic_type_desc){APIC_T_MAP, .item = &apic_t_string, .entry_size = "
                                         "sizeof(apic_string_entry), .value_offset = offsetof(apic_string_entry, value)}");

  f = named(fields, "last_execution");
  assert_true(flag(f, "is_model"));
  assert_string_equal(text(f, "c_decl"), "const torale_execution *last_execution;");
  assert_non_null(strstr(text(f, "c_flags"), "APIC_F_POINTER"));

  f = named(fields, "confidence_threshold");
  assert_string_equal(text(f, "c_def_float"), "0.5");

  const cJSON *create =
      cJSON_GetObjectItemCaseSensitive(named(cJSON_GetObjectItemCaseSensitive(vm, "models"), "CreateTask"), "fields");
  f = named(create, "schedule");
  assert_string_equal(text(f, "c_def_text"), "0 9 * * *");
  assert_string_equal(text(f, "c_pattern"), "^[^ ]+( [^ ]+){4}$");

  cJSON_Delete(vm);

  vm = view_of("spec/bloomy.api");
  f = named(cJSON_GetObjectItemCaseSensitive(named(cJSON_GetObjectItemCaseSensitive(vm, "models"), "User"), "fields"),
            "image_url");
  assert_string_equal(text(f, "wire"), "imageUrl");
  assert_string_equal(text(f, "c_wire"), "imageUrl");
  cJSON_Delete(vm);
}

static int index_in(const cJSON *list, const char *name)
{
  int i = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, list)
  {
    if (strcmp(text(it, "name"), name) == 0)
      return i;
    i++;
  }
  return -1;
}

/* A model held by value must be declared before its holder, whatever the spec's order. */
static void test_models_in_c_order(void **state)
{
  (void)state;
  static const char spec_text[] =
      "api order { title = \"O\"; version = \"1\"; base_url = \"http://127.0.0.1\"; auth = none; }\n"
      "model Outer { inner: Middle; later?: Outer; }\n"
      "model Middle { core: Core; list: Outer[] = []; }\n"
      "model Core { n: int; }\n";
  char path[] = "/tmp/apic_vm_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fputs(spec_text, f);
  fclose(f);
  cJSON *vm = view_named(path, "order.api");
  remove(path);
  const cJSON *order = cJSON_GetObjectItemCaseSensitive(vm, "models_in_c_order");
  assert_int_equal(cJSON_GetArraySize(order), 3);
  assert_true(index_in(order, "Core") < index_in(order, "Middle"));
  assert_true(index_in(order, "Middle") < index_in(order, "Outer"));
  /* The spec's order is kept in "models". */
  assert_int_equal(index_in(cJSON_GetObjectItemCaseSensitive(vm, "models"), "Outer"), 0);
  cJSON_Delete(vm);
}

/* Undoes the C escapes apic writes (\" \\ \? \ooo) in the body of the literals of text, which
 * are joined by `",\n  "`; NULL when a line is longer than ISO C allows a literal or holds "??". */
static char *c_literals_text(const char *text)
{
  strbuf out = {0};
  size_t line = 0;
  for (const char *p = text; *p != '\0'; p++, line++) {
    if (strncmp(p, "\",\n  \"", 6) == 0) {
      p += 5, line = 0;
    } else if (*p == '\\' && p[1] >= '0' && p[1] <= '7') {
      char c = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
      sb_append(&out, &c, 1);
      p += 3;
    } else {
      if (*p == '\\')
        p++;
      sb_append(&out, p, 1);
    }
    if (line > 4095 || strncmp(p, "??", 2) == 0) {
      sb_free(&out);
      return NULL;
    }
  }
  sb_append(&out, "", 0);
  return sb_take(&out, NULL);
}

static void drop_docs_and_locations(cJSON *json)
{
  cJSON_DeleteItemFromObjectCaseSensitive(json, "doc");
  cJSON_DeleteItemFromObjectCaseSensitive(json, "loc");
  cJSON *it;
  cJSON_ArrayForEach(it, json)
  drop_docs_and_locations(it);
}

/* Text that C string literals must escape: in C names' literals (c_wire, c_def_text, c_pattern)
 * and in the mock's copy of the spec, which reads back as `apic dump` without docs and
 * locations, in lines within ISO C's limit and with no "??" (a trigraph to gcc). */
static void test_c_string_literals(void **state)
{
  (void)state;
  const char *path = "tests/models/data/escapes.api";
  cJSON *vm = view_of(path);
  const cJSON *fields =
      cJSON_GetObjectItemCaseSensitive(named(cJSON_GetObjectItemCaseSensitive(vm, "models"), "Awkward"), "fields");
  assert_string_equal(text(named(fields, "quoted"), "c_wire"), "a\\\"b\\\\c?\\?=d");
  assert_non_null(strstr(text(named(fields, "note"), "c_def_text"), "line\\011one\\012line two ?\\?( ?\\?) ?\\?\\?/ "));
  assert_string_equal(text(named(fields, "code"), "c_pattern"), "^[a-z]?\\?$");

  char *embedded = c_literals_text(text(vm, "spec_json_c"));
  assert_non_null(embedded);
  cJSON *threaded = view_built(path, path, 1); /* the copy made on a thread of its own */
  assert_true(cJSON_Compare(vm, threaded, 1));
  cJSON_Delete(threaded);
  cJSON *copy = cJSON_Parse(embedded);
  assert_non_null(copy);
  spec s;
  assert_int_equal(apic_frontend_open(&s, path, stderr), 0);
  cJSON *dump = spec_dump(&s);
  drop_docs_and_locations(dump);
  assert_true(cJSON_Compare(dump, copy, 1));
  cJSON_Delete(dump);
  spec_free(&s);
  cJSON_Delete(copy);
  free(embedded);
  cJSON_Delete(vm);
}

/* Any JSON survives a trip through a view tree; members are found by key number, also among
 * more than 64 keys (where the mask that rules keys out has collisions). */
static void test_view_json_round_trip(void **state)
{
  (void)state;
  strbuf text = {0};
  sb_puts(&text, "{\"a\": [1, 2.5, -3e-7, \"x\", true, false, null, {}, []], \"b\": {\"c\": {\"d\": \"\\u00e9\"}}");
  for (int i = 0; i < 100; i++)
    sb_printf(&text, ", \"k%d\": %d", i, i);
  sb_puts(&text, "}");
  cJSON *json = cJSON_Parse(text.data);
  assert_non_null(json);
  view_builder b = {0};
  const view *v = view_from_json(&b, json);
  assert_non_null(v);
  cJSON *back = view_to_json(v);
  assert_true(cJSON_Compare(json, back, 1));
  for (int i = 0; i < 100; i++) {
    char key[16];
    snprintf(key, sizeof key, "k%d", i);
    const view *m = view_get(v, view_key(key, strlen(key)));
    assert_non_null(m);
    assert_true(m->kind == V_NUMBER && m->u.num == i);
  }
  assert_null(view_get(v, view_key("k100", 4)));
  assert_null(view_get(view_get(v, view_key("a", 1)), view_key("k1", 2))); /* not an object */
  cJSON_Delete(back);
  cJSON_Delete(json);
  sb_free(&text);
  vb_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_in_every_case),
      cmocka_unit_test(test_field_flags_defaults_and_constraints),
      cmocka_unit_test(test_models_in_c_order),
      cmocka_unit_test(test_c_string_literals),
      cmocka_unit_test(test_view_json_round_trip),
  };
  int failed = cmocka_run_group_tests_name("models: the view model", tests, NULL, NULL);
  view_keys_free();
  return failed;
}
