/* Every construct of the language parses into the AST it should. */
#include "front_test.h"

static spec S;

static decl *parse_ok(const char *text)
{
  char *out = NULL;
  int errors = check_text(&S, "t.api", text, &out);
  if (errors != 0)
    fprintf(stderr, "%s", out);
  free(out);
  assert_int_equal(errors, 0);
  return S.decls;
}

static int teardown(void **state)
{
  (void)state;
  spec_free(&S);
  return 0;
}

static decl *find(decl *d, decl_kind k, const char *name)
{
  for (; d != NULL; d = d->next)
    if (d->kind == k && strcmp(d->name, name) == 0)
      return d;
  fail_msg("no declaration '%s'", name);
  return NULL;
}

static void test_api_block(void **state)
{
  (void)state;
  parse_ok("/// The API.\n/// Second line.\napi shop { title = \"Shop\"; version = \"2\"; base_url = \"https://x\"; auth = header(\"X-Key\"); }");
  decl *api = S.api;
  assert_non_null(api);
  assert_string_equal(api->name, "shop");
  assert_int_equal(api->doc.count, 2);
  assert_string_equal(api->doc.lines[1], "Second line.");
  assert_int_equal(api->at.line, 3);
  assert_int_equal(api->at.col, 5);
  const api_item *auth = api->items->next->next->next;
  assert_string_equal(auth->key, "auth");
  assert_string_equal(auth->call, "header");
  assert_string_equal(auth->val.text, "X-Key");
}

static void test_enum_with_wire_values(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK "enum S { a; /// doc of a\n /// doc of b\n b = \"b-wire\" @deprecated(\"old\"); }");
  decl *e = find(d, D_ENUM, "S");
  assert_string_equal(e->values->name, "a");
  assert_null(e->values->wire);
  assert_int_equal(e->values->doc.count, 1); /* same line: trailing doc of a */
  assert_string_equal(e->values->doc.lines[0], "doc of a");
  const enum_value *b = e->values->next;
  assert_string_equal(b->wire, "b-wire");
  assert_int_equal(b->doc.count, 1);
  assert_string_equal(b->doc.lines[0], "doc of b");
  assert_string_equal(anno_string(b->annos, "deprecated"), "old");
}

static void test_model_fields(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK "enum E { x; y; }\nmodel Inner { v: int; }\n"
                               "model M {\n"
                               "  s: string @min_len(1) @max_len(5) @pattern(\"^a\");\n"
                               "  o?: int = 3 @min(0) @max(9);\n"
                               "  n?: string | null;\n"
                               "  e: E = y;\n"
                               "  arr: Inner[] = [];\n"
                               "  m?: map<string[]>;\n"
                               "  a?: any;\n"
                               "  w: float = 0.5 @json(\"wire-name\");\n"
                               "  when: datetime; day?: date @deprecated(\"x\"); secret?: string @sensitive;\n"
                               "}");
  decl *m = find(d, D_MODEL, "M");
  field *f = m->fields;
  assert_string_equal(f->name, "s");
  assert_int_equal(f->type->rk, R_STRING);
  assert_non_null(find_anno(f->annos, "pattern"));
  f = f->next;
  assert_true(f->optional);
  assert_int_equal(f->def->kind, VAL_INT);
  assert_int_equal(f->def->i, 3);
  f = f->next;
  assert_true(f->optional && f->nullable);
  f = f->next;
  assert_int_equal(f->type->rk, R_ENUM);
  assert_string_equal(f->def->text, "y");
  f = f->next;
  assert_int_equal(f->type->rk, R_ARRAY);
  assert_int_equal(f->type->inner->rk, R_MODEL);
  assert_int_equal(f->def->kind, VAL_EMPTY_LIST);
  f = f->next;
  assert_int_equal(f->type->rk, R_MAP);
  assert_int_equal(f->type->inner->rk, R_ARRAY);
  f = f->next;
  assert_int_equal(f->type->rk, R_ANY);
  f = f->next;
  assert_string_equal(field_wire(f), "wire-name");
  assert_int_equal(f->def->kind, VAL_FLOAT);
  f = f->next;
  assert_int_equal(f->type->rk, R_DATETIME);
  assert_int_equal(f->at.line, 13);
  assert_int_equal(f->next->type->rk, R_DATE);
  assert_non_null(find_anno(f->next->next->annos, "sensitive"));
}

static void test_trailing_doc_attaches_to_field(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK "model M {\n  /// before\n  cron: string; /// after\n  next: int;\n}");
  field *f = find(d, D_MODEL, "M")->fields;
  assert_int_equal(f->doc.count, 2);
  assert_string_equal(f->doc.lines[0], "before");
  assert_string_equal(f->doc.lines[1], "after");
  assert_int_equal(f->next->doc.count, 0);
}

static void test_errors_with_status_and_headers(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK "error Limited 429 { retry_after?: float @header(\"Retry-After\"); }\n"
                               "error Server 5XX { detail?: string; }");
  decl *e = find(d, D_ERROR, "Limited");
  assert_string_equal(e->status, "429");
  assert_string_equal(anno_string(e->fields->annos, "header"), "Retry-After");
  assert_string_equal(find(d, D_ERROR, "Server")->status, "5XX");
}

static void test_resource_operations(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK
                     "model T { id: string; }\nmodel P { items: T[]; next?: string; }\nmodel Ev { at: datetime; }\n"
                     "error NotFound 404 { detail?: string; }\n"
                     "resource things \"/things\" {\n"
                     "  list: GET \"\" query(tags?: string[], cursor?: string, limit?: int = 20)\n"
                     "      -> page<P> @paginate(items: \"items\", next: \"next\", param: \"cursor\");\n"
                     "  get: GET \"/{id}\" path(id: string @min_len(1)) errors(NotFound) -> T @timeout(500) @retries(2);\n"
                     "  put: PUT \"/{id}\" body T headers(key?: string @header(\"X-Key\") @sensitive) -> T @idempotent;\n"
                     "  del: DELETE \"/{id}\";\n"
                     "  watch: GET \"/{id}/events\" -> stream<Ev>;\n"
                     "  many: GET \"/all\" -> T[] @deprecated(\"use list\");\n"
                     "}");
  decl *r = find(d, D_RESOURCE, "things");
  assert_string_equal(r->path, "/things");
  operation *op = r->ops;
  assert_string_equal(op->method, "GET");
  assert_int_equal(op->ret->rk, R_PAGE);
  assert_int_equal(op->query_params->type->rk, R_ARRAY);
  assert_int_equal(op->query_params->next->next->def->i, 20);
  op = op->next;
  assert_string_equal(op->path, "/{id}");
  assert_string_equal(op->path_params->name, "id");
  assert_string_equal(op->errors->name, "NotFound");
  assert_non_null(find_anno(op->annos, "timeout"));
  op = op->next;
  assert_int_equal(op->body->rk, R_MODEL);
  assert_string_equal(field_wire(op->header_params), "X-Key");
  assert_non_null(find_anno(op->annos, "idempotent"));
  op = op->next;
  assert_null(op->ret);
  op = op->next;
  assert_int_equal(op->ret->rk, R_STREAM);
  op = op->next;
  assert_int_equal(op->ret->rk, R_ARRAY);
}

static void test_keywords_usable_as_field_names(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK "model M { path: string; body?: string; query?: string; errors?: string[]; model?: int; }");
  field *f = find(d, D_MODEL, "M")->fields;
  assert_string_equal(f->name, "path");
  assert_string_equal(f->next->next->next->name, "errors");
}

/* Every reference may come before the declaration it names: types, enum defaults, errors,
 * and the page model @paginate looks into (that one once failed). */
static void test_forward_references(void **state)
{
  (void)state;
  decl *d = parse_ok(API_BLOCK
                     "resource tasks \"/tasks\" {\n"
                     "  list: GET \"\" query(cursor?: string, state?: State) -> page<TaskPage>\n"
                     "        @paginate(items: \"items\", next: \"next\", param: \"cursor\");\n"
                     "  offs: GET \"/o\" query(offset?: int) -> page<TaskPage> @paginate(items: \"items\", offset: \"offset\");\n"
                     "  put: PUT \"/{id}\" path(id: int) body Task errors(NotFound) -> Task;\n"
                     "}\n"
                     "model TaskPage { items: Task[]; next?: string; }\n"
                     "model Task { id: int; state: State = active; sub?: Sub; }\n"
                     "model Sub { s: string; }\n"
                     "enum State { active; done; }\n"
                     "error NotFound 404 { detail?: string; }\n");
  const operation *list = find(d, D_RESOURCE, "tasks")->ops;
  assert_int_equal(list->ret->rk, R_PAGE);
  assert_ptr_equal(list->ret->inner->target, find(d, D_MODEL, "TaskPage"));
}

static void test_string_escapes(void **state)
{
  (void)state;
  parse_ok("api t { title = \"a\\\"b\\\\c\\n\\u00e9\\u20ac\"; }");
  assert_string_equal(S.api->items->val.text, "a\"b\\c\n\xc3\xa9\xe2\x82\xac");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_api_block, teardown),
      cmocka_unit_test_teardown(test_enum_with_wire_values, teardown),
      cmocka_unit_test_teardown(test_model_fields, teardown),
      cmocka_unit_test_teardown(test_trailing_doc_attaches_to_field, teardown),
      cmocka_unit_test_teardown(test_errors_with_status_and_headers, teardown),
      cmocka_unit_test_teardown(test_resource_operations, teardown),
      cmocka_unit_test_teardown(test_keywords_usable_as_field_names, teardown),
      cmocka_unit_test_teardown(test_forward_references, teardown),
      cmocka_unit_test_teardown(test_string_escapes, teardown),
  };
  return cmocka_run_group_tests_name("front: parse", tests, NULL, NULL);
}
