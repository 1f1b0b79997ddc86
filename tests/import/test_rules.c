/* The mapping rules of apic import (docs/import.md), one small document each, through the
 * importer in memory: what the spec says, and what the report says was not carried over. Every
 * spec imported here also checks (the importer refuses to hand back one that does not). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend.h"
#include "import.h"
#include "import_internal.h"

#define HEAD3 "openapi: 3.0.3\ninfo: {title: Test API, version: '1'}\n"
#define HEAD31 "openapi: 3.1.0\ninfo: {title: Test API, version: '1'}\n"
#define HEAD2 "swagger: '2.0'\ninfo: {title: Test API, version: '1'}\n"

static import_report report;
static char *diag_text;

static int run(const char *name, const char *text, const import_options *o, char **out)
{
  size_t len = 0;
  FILE *sink = open_memstream(&diag_text, &len);
  assert_non_null(sink);
  int status = apic_import_text(name, text, strlen(text), o, &report, out, sink);
  fclose(sink);
  return status;
}

/* Imports text (YAML), which must succeed; the spec's text (freed by teardown via last). */
static char *last;
static const char *import_opt(const char *text, const import_options *o)
{
  free(last);
  free(diag_text);
  import_report_free(&report);
  last = NULL;
  int status = run("t.yaml", text, o, &last);
  if (status != 0)
    fprintf(stderr, "%s", diag_text);
  assert_int_equal(status, 0);
  assert_non_null(last);
  /* It checks without errors. */
  spec s;
  assert_int_equal(spec_load_text(&s, "t.api", last, strlen(last), NULL), 0);
  assert_int_equal(spec_check(&s), 0);
  spec_free(&s);
  return last;
}

static const char *import_doc(const char *text)
{
  return import_opt(text, NULL);
}

/* Imports text, which must fail with status; the diagnostics. */
static const char *import_fails(const char *name, const char *text, int status)
{
  free(last);
  free(diag_text);
  import_report_free(&report);
  last = NULL;
  assert_int_equal(run(name, text, NULL, &last), status);
  assert_null(last);
  return diag_text;
}

static int teardown(void **state)
{
  (void)state;
  free(last);
  free(diag_text);
  last = diag_text = NULL;
  import_report_free(&report);
  return 0;
}

/* The note at pointer whose what contains what_part (NULL: any), or NULL. */
static const import_note *find_note(const char *pointer, const char *what_part)
{
  for (size_t i = 0; i < report.count; i++)
    if (strcmp(report.notes[i].pointer, pointer) == 0 &&
        (what_part == NULL || strstr(report.notes[i].what, what_part) != NULL))
      return &report.notes[i];
  return NULL;
}

#define assert_has(text, part)                                                                     \
  do {                                                                                             \
    if (strstr((text), (part)) == NULL)                                                            \
      fprintf(stderr, "missing: %s\nin:\n%s\n", (part), (text));                                   \
    assert_non_null(strstr((text), (part)));                                                       \
  } while (0)

#define assert_noted(p_, w_, d_)                                                                   \
  do {                                                                                             \
    const import_note *n_ = find_note((p_), (w_));                                                 \
    if (n_ == NULL) {                                                                              \
      for (size_t i_ = 0; i_ < report.count; i_++)                                                 \
        fprintf(stderr, "note: %s: %s\n", report.notes[i_].pointer, report.notes[i_].what);        \
    }                                                                                              \
    assert_non_null(n_);                                                                           \
    assert_int_equal(n_->dropped, (d_));                                                           \
    assert_true(n_->line > 0);                                                                     \
  } while (0)

/* ---- input errors ----------------------------------------------------------------------------- */

static void not_openapi(void **state)
{
  (void)state;
  assert_has(import_fails("t.yaml", "foo: 1\n", 1), "not an OpenAPI document");
  assert_has(import_fails("t.yaml", "- a\n", 1), "not an OpenAPI document");
  assert_has(import_fails("t.yaml", "openapi: 4.0.0\ninfo: {}\n", 1), "OpenAPI 4.0.0 is not supported");
  assert_has(import_fails("t.yaml", "swagger: '1.2'\n", 1), "Swagger 1.2 is not supported");
}

static void syntax_errors_located(void **state)
{
  (void)state;
  assert_has(import_fails("t.yaml", "openapi: 3.0.3\ninfo: [a,\n", 1), "t.yaml:3:");
  assert_has(import_fails("t.json", "{\"openapi\": \"3.0.3\",\n \"info\": }", 1), "t.json:2:");
  assert_has(import_fails("t.yaml", "openapi: 3.0.3\nopenapi: 3.1.0\n", 1), "t.yaml:2:1: error: duplicate key 'openapi'");
  /* A large mapping (its keys checked through a table) too. */
  char big[1024] = "{\"openapi\": \"3.0.3\", \"paths\": {}, \"info\": {\"title\": \"t\", \"version\": \"1\"},\n"
                   "\"components\": {\"schemas\": {";
  for (int i = 0; i < 20; i++)
    snprintf(big + strlen(big), sizeof big - strlen(big), "\"S%d\": {}, ", i == 19 ? 3 : i);
  strcat(big, "\"Last\": {}}}}");
  assert_has(import_fails("t.json", big, 1), "t.json:2:");
  assert_has(diag_text, "duplicate key 'S3'");
  assert_has(import_fails("t.yaml", "", 1), "error");
  /* Not UTF-8: refused before libfyaml, which loops for ever on this directive line. */
  assert_has(import_fails("t.yaml", "openapi: 3.0.3\n%\xa0 x\n", 1), "t.yaml:2:2: error: byte 0xA0 is not UTF-8");
  assert_has(import_fails("t.json", "{\"a\": \"\xed\xa0\x80\"}", 1), "t.json:1:8: error: byte 0xED is not UTF-8");
}

static void refs_that_do_not_resolve(void **state)
{
  (void)state;
  const char *d = import_fails("t.yaml", HEAD3 "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n"
                                        "      properties:\n        x: {$ref: '#/components/schemas/Nope'}\n", 1);
  assert_has(d, "t.yaml:9:20: error: $ref '#/components/schemas/Nope' does not resolve");
  assert_has(d, "[#/components/schemas/A/properties/x]");
  assert_has(import_fails("t.yaml", HEAD3 "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'https://x.io/a.yaml#/A'}\n", 1),
             "is remote");
  assert_has(import_fails("t.yaml", HEAD3 "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'missing.yaml#/A'}\n", 1),
             "cannot read 'missing.yaml'");
  assert_has(import_fails("t.yaml", HEAD3 "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
                                    "    B: {$ref: '#/components/schemas/A'}\n", 1),
             "a cycle");
}

static void refs_to_other_files(void **state)
{
  (void)state;
  char dir[] = "/tmp/apic-import-refs-XXXXXX", path[128];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/common", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/common/pet.yaml", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("Pet:\n  type: object\n  properties:\n    name: {type: string}\n    tag: {$ref: '#/Tag'}\n"
        "Tag: {type: string, enum: [a, b]}\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/main.yaml", dir);
  const char *text = HEAD3 "paths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n"
                          "        '200':\n          description: ok\n          content:\n            application/json:\n"
                          "              schema: {type: array, items: {$ref: 'common/pet.yaml#/Pet'}}\n";
  free(last);
  import_report_free(&report);
  size_t len = 0;
  FILE *sink = open_memstream(&diag_text, &len);
  int status = apic_import_text(path, text, strlen(text), NULL, &report, &last, sink);
  fclose(sink);
  assert_int_equal(status, 0);
  assert_has(last, "model Pet {\n    name?: string;\n    tag?: Tag;\n}");
  assert_has(last, "enum Tag {");
  assert_has(last, "list_pets: GET \"\" -> Pet[];");
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void hostile_documents_are_bounded(void **state)
{
  (void)state;
  /* Aliases that expand to 10^30 nodes: refused quickly, not walked. */
  char text[4096] = HEAD3 "paths: {}\ncomponents:\n  schemas:\n    a0: &a0 {type: object, properties: {x: {type: string}}}\n";
  for (int i = 1; i <= 30; i++) {
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "    a%d: &a%d {allOf: [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]}\n",
             i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  }
  assert_has(import_fails("t.yaml", text, 1), "YAML aliases over 100000 times");
  /* Nesting past libfyaml's depth limit: a located error, no stack overflow. */
  char deep[8192] = "openapi: 3.0.3\ninfo: ";
  for (int i = 0; i < 2000; i++)
    strcat(deep, "[");
  assert_has(import_fails("t.yaml", deep, 1), "t.yaml:2:");
}

/* ---- names -------------------------------------------------------------------------------- */

static void names(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n"
                                   "    foo-bar: {type: object, properties: {x: {type: string}}}\n"
                                   "    1st: {type: object, properties: {x: {type: string}}}\n"
                                   "    Error: {type: object, properties: {x: {type: string}}}\n"
                                   "    Thing:\n      type: object\n      properties:\n"
                                   "        default: {type: string}\n        _id: {type: string}\n"
                                   "        a-b: {type: string}\n        a_b: {type: string}\n"
                                   "        photoUrls: {type: string}\n        'null': {type: string}\n");
  assert_has(s, "model FooBar {");
  assert_has(s, "model T1st {");
  assert_has(s, "model ErrorModel {"); /* `error` is the SDK's own */
  assert_has(s, "default_?: string @json(\"default\");");
  assert_has(s, "id?: string @json(\"_id\");");
  assert_has(s, "a_b?: string @json(\"a-b\");");
  assert_has(s, "a_b_2?: string @json(\"a_b\");");
  assert_has(s, "photo_urls?: string @json(\"photoUrls\");");
  assert_has(s, "null_?: string @json(\"null\");");
  assert_has(s, "api test_api {");
  import_options o = {0, 0, "my api"};
  assert_has(import_opt(HEAD3 "paths: {}\n", &o), "api my_api {");
}

static void enums(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    Size:\n      type: string\n"
                                   "      enum: [in-progress, 1024x1024, '', unknown, A, a, in-progress, null]\n"
                                   "    Level: {type: integer, enum: [1, 2, -3]}\n"
                                   "    Named: {type: integer, enum: [0, 5], x-enum-varnames: [Off, High]}\n"
                                   "    M:\n      type: object\n      properties:\n"
                                   "        size: {$ref: '#/components/schemas/Size'}\n"
                                   "        level: {$ref: '#/components/schemas/Level'}\n"
                                   "        named: {$ref: '#/components/schemas/Named'}\n"
                                   "        kind: {const: thing}\n"
                                   "        rate: {type: integer, const: 24000}\n"
                                   "        ratio: {type: number, enum: [0.5, 1.5]}\n");
  assert_has(s, "enum Size {\n    in_progress = \"in-progress\";\n    v1024x1024 = \"1024x1024\";\n"
                "    empty = \"\";\n    unknown_value = \"unknown\";\n    a = \"A\";\n    a_2 = \"a\";\n}");
  /* Integer enums: named by x-enum-varnames where given, else v1, minus_3... */
  assert_has(s, "enum Level {\n    v1 = 1;\n    v2 = 2;\n    minus_3 = -3;\n}");
  assert_has(s, "enum Named {\n    off = 0;\n    high = 5;\n}");
  assert_has(s, "    level?: Level;\n");
  assert_has(s, "enum MKind {\n    thing;\n}"); /* const: a one-value enum */
  assert_has(s, "enum MRate {\n    v24000 = 24000;\n}");
  assert_has(s, "    ratio?: float;\n");
  assert_noted("#/components/schemas/M/properties/ratio/enum", "number enum", 0);
}

/* ---- schemas ---------------------------------------------------------------------------- */

static void nullable_forms(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD31 "paths: {}\ncomponents:\n  schemas:\n    B: {type: object, properties: {x: {type: string}}}\n"
                                    "    M:\n      type: object\n      properties:\n"
                                    "        a: {type: string, nullable: true}\n"
                                    "        b: {type: [integer, 'null']}\n"
                                    "        c: {anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}\n"
                                    "        d: {oneOf: [{type: 'null'}, {type: boolean}]}\n");
  assert_has(s, "a?: string | null;");
  assert_has(s, "b?: int | null;");
  assert_has(s, "c?: B | null;");
  assert_has(s, "d?: bool | null;");
  assert_int_equal(report.count, 0);
}

static void maps_and_any(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    M:\n      type: object\n      properties:\n"
                                   "        counts: {type: object, additionalProperties: {type: integer}}\n"
                                   "        anything: {type: object, additionalProperties: true}\n"
                                   "        bag: {type: object}\n        raw: {}\n"
                                   "        labels: {type: object, additionalProperties: {type: string}, maxProperties: 5}\n"
                                   "    Open:\n      type: object\n      properties: {x: {type: string}}\n"
                                   "      additionalProperties: {type: string}\n");
  assert_has(s, "counts?: map<int>;");
  assert_has(s, "anything?: map<any>;");
  assert_has(s, "bag?: map<any>;");
  assert_has(s, "raw?: any;");
  assert_has(s, "labels?: map<string> @max_len(5);");
  assert_noted("#/components/schemas/Open/additionalProperties", "additional properties", 1);
}

static void composition(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n"
                                   "    Base: {type: object, properties: {id: {type: string}, kind: {type: string}}}\n"
                                   "    Dog:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n"
                                   "        - type: object\n          required: [id]\n"
                                   "          properties: {bark: {type: boolean}, kind: {type: string, enum: [dog]}}\n"
                                   "    Alias:\n      description: Just a base.\n      allOf: [{$ref: '#/components/schemas/Base'}]\n"
                                   "    Cat:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n"
                                   "        - {type: object, required: [meow], properties: {meow: {type: boolean}}}\n"
                                   "    M:\n      type: object\n      properties:\n        a: {$ref: '#/components/schemas/Alias'}\n");
  assert_has(s, "model Dog {\n    id: string;\n    kind?: DogKind;\n    bark?: bool;\n}");
  assert_noted("#/components/schemas/Dog/allOf", "flattened", 0);
  assert_has(s, "model Cat extends Base {\n    meow: bool;\n}");
  assert_has(s, "a?: Base;"); /* one part: that part, no model of its own */
  assert_null(strstr(s, "model Alias"));
}

static void unions(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3
      "paths:\n"
      "  /pets:\n"
      "    post:\n"
      "      operationId: addPet\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}\n"
      "      responses:\n"
      "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}\n"
      "components:\n"
      "  schemas:\n"
      "    Cat:\n"
      "      type: object\n"
      "      required: [pet_type, meow]\n"
      "      properties: {pet_type: {type: string, enum: [cat]}, meow: {type: boolean}}\n"
      "    Dog:\n"
      "      type: object\n"
      "      required: [pet_type]\n"
      "      properties: {pet_type: {type: string, enum: [dog]}, bark: {type: boolean}}\n"
      "    Pet:\n"
      "      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n"
      "      discriminator: {propertyName: pet_type}\n"
      "    Amount:\n"
      "      oneOf: [{type: integer}, {type: string}, {type: 'null'}]\n"
      "    Shape:\n"
      "      anyOf:\n"
      "        - {type: object, required: [colour], properties: {colour: {type: string}}}\n"
      "        - {type: object, required: [side, colour], properties: {side: {type: number}, colour: {type: string}}}\n"
      "    Twins:\n"
      "      oneOf: [{type: integer}, {type: number}]\n"
      "    M:\n"
      "      type: object\n"
      "      properties:\n"
      "        amount: {$ref: '#/components/schemas/Amount'}\n"
      "        shape: {$ref: '#/components/schemas/Shape'}\n"
      "        twins: {$ref: '#/components/schemas/Twins'}\n"
      "        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}\n"
      "        either: {type: [string, integer, 'null'], maxLength: 5}\n"
      "        count: {type: [integer, number]}\n"
      "    Tool:\n"
      "      oneOf:\n"
      "        - {type: object, required: [type], properties: {type: {type: string, const: code}, code: {type: string}}}\n"
      "        - {type: object, required: [type, name], properties: {type: {type: string, enum: [function]}, name: {type: string}}}\n"
      "    ModelId:\n"
      "      anyOf: [{type: string}, {$ref: '#/components/schemas/KnownModel'}]\n"
      "    KnownModel: {type: string, enum: [gpt-4o, o3]}\n"
      "    N:\n"
      "      type: object\n"
      "      properties:\n"
      "        tool: {$ref: '#/components/schemas/Tool'}\n"
      "        model: {$ref: '#/components/schemas/ModelId'}\n");
  /* A discriminator: a tagged union of the variant models, which lose the tag property (and its
   * enum, used by nothing else); tags from the property's one value. */
  assert_has(s, "union Pet @discriminator(\"pet_type\") {\n    cat: Cat;\n    dog: Dog;\n}");
  assert_has(s, "model Cat {\n    meow: bool;\n}");
  assert_null(strstr(s, "CatPetType"));
  assert_noted("#/components/schemas/Pet/oneOf", "property 'pet_type' of 'Cat'", 0);
  assert_has(s, "add_pet: POST \"\" body Pet -> Pet;");
  assert_has(s, "pets?: Pet[];");
  /* None declared, but each variant holds its own value of one property: tagged by it. */
  assert_has(s, "union Tool @discriminator(\"type\") {\n    code: ToolCode;\n    function: ToolFunction;\n}");
  /* Without: told apart by JSON type, objects by required fields (more first); null: nullable. */
  assert_has(s, "union Amount {\n    integer: int;\n    text: string;\n}");
  assert_has(s, "amount?: Amount | null;");
  assert_has(s, "union Shape {\n    variant2: ShapeVariant2;\n    variant1: ShapeVariant1;\n}");
  /* What the rule cannot tell apart: what the variants have in common (text, numbers), else any. */
  assert_has(s, "twins?: float;");
  /* A list of types is a union of the schema read as each. */
  assert_has(s, "union MEither {\n    text: string @max_len(5);\n    integer: int;\n}");
  assert_has(s, "either?: MEither | null;");
  assert_has(s, "count?: float;");
  assert_noted("#/components/schemas/Twins/oneOf", "'Twins' as float", 0);
  assert_has(s, "model?: string;");
  assert_null(strstr(s, "union Twins"));
}

/* A union the rule cannot tell apart is any: a body or result of it is dropped, a stream of it
 * is text; each is noted. A media type the language cannot send is sent as the default one. */
static void unions_that_fail(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3
      "paths:\n"
      "  /n:\n"
      "    post:\n"
      "      operationId: num\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content: {application/json: {schema: {$ref: '#/components/schemas/Either'}}}\n"
      "      responses:\n"
      "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Either'}}}}\n"
      "  /e:\n"
      "    get:\n"
      "      operationId: events\n"
      "      responses:\n"
      "        '200': {description: ok, content: {text/event-stream: {schema: {$ref: '#/components/schemas/Either'}}}}\n"
      "  /raw:\n"
      "    put:\n"
      "      operationId: raw\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content: {'application  x': {schema: {type: string}}}\n"
      "      responses: {'204': {description: ok}}\n"
      "components:\n"
      "  schemas:\n"
      "    A: {type: object, properties: {a: {type: string}}}\n"
      "    B: {type: object, properties: {b: {type: string}}}\n"
      "    Either: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}\n"
      "    M: {type: object, properties: {e: {$ref: '#/components/schemas/Either'}}}\n");
  assert_has(s, "e?: any;");
  assert_null(strstr(s, "union Either"));
  assert_noted("#/components/schemas/Either/oneOf", "'Either' as any", 0);
  assert_has(s, "num: POST \"\";");
  assert_noted("#/components/schemas/Either/oneOf", "the body of 'num'", 1);
  assert_noted("#/components/schemas/Either/oneOf", "the result of 'num'", 1);
  assert_has(s, "events: GET \"\" -> stream<string>;");
  assert_has(s, "raw: PUT \"\" body string;");
  assert_noted("#/paths/~1raw/put/requestBody/content/application  x", "sent as text/plain", 0);
}

static void defaults_and_constraints(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    M:\n      type: object\n      properties:\n"
                                   "        size: {type: string, enum: [small, big-one], default: big-one}\n"
                                   "        n: {type: integer, minimum: 1, maximum: 10, default: 20}\n"
                                   "        m: {type: integer, minimum: 0, exclusiveMinimum: true, exclusiveMaximum: true, maximum: 5}\n"
                                   "        f: {type: number, exclusiveMinimum: true, minimum: 0.5, default: 0.75}\n"
                                   "        at: {type: string, format: date-time, default: yesterday}\n"
                                   "        tags: {type: array, items: {type: string}, default: [], minItems: 1}\n"
                                   "        more: {type: array, items: {type: string}, default: [a]}\n"
                                   "        name: {type: string, minLength: 2, maxLength: 1}\n"
                                   "        secret: {type: string, format: password}\n"
                                   "        id: {type: string, format: uuid}\n");
  assert_has(s, "size?: MSize = big_one;");
  assert_has(s, "n?: int @min(1) @max(10);");
  assert_noted("#/components/schemas/M/properties/n/default", "default 20", 1);
  assert_has(s, "m?: int @min(1) @max(4);"); /* exclusive integer bounds, exactly */
  assert_has(s, "f?: float = 0.75 @min(0.5);");
  assert_noted("#/components/schemas/M/properties/f/exclusiveMinimum", "inclusive", 0);
  assert_has(s, "at?: datetime;");
  assert_noted("#/components/schemas/M/properties/at/default", "default yesterday", 1);
  assert_has(s, "tags?: string[] = [] @min_len(1);");
  assert_noted("#/components/schemas/M/properties/more/default", NULL, 1);
  assert_has(s, "name?: string;");
  assert_noted("#/components/schemas/M/properties/name/minLength", "above", 1);
  assert_has(s, "secret?: string @sensitive;");
  assert_has(s, "id?: uuid;");
}

static void text_formats(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    M:\n      type: object\n      properties:\n"
                                   "        n: {type: integer, format: int32, minimum: 0}\n"
                                   "        big: {type: integer, format: int32, maximum: 9999999999}\n"
                                   "        data: {type: string, format: byte, maxLength: 100}\n"
                                   "        id: {type: string, format: uuid, default: 00000000-0000-0000-0000-000000000000}\n"
                                   "        link: {type: string, format: uri}\n");
  assert_has(s, "n?: int32 @min(0);");
  assert_has(s, "big?: int @max(9999999999);");
  assert_noted("#/components/schemas/M/properties/big/format", "as an int", 0);
  assert_has(s, "data?: bytes;");
  assert_noted("#/components/schemas/M/properties/data/maxLength", "of a bytes", 1);
  assert_has(s, "id?: uuid = \"00000000-0000-0000-0000-000000000000\";");
  assert_has(s, "link?: string;");
  assert_noted("#/components/schemas/M/properties/link/format", "format 'uri'", 0);
}

static void patterns(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    M:\n      type: object\n      properties:\n"
                                   "        code: {type: string, pattern: '^\\d{3}-\\w+(?:\\.[a-z\\-]+)?$'}\n"
                                   "        look: {type: string, pattern: '^(?=a)a+$'}\n"
                                   "        lazy: {type: string, pattern: 'a+?'}\n");
  assert_has(s, "code?: string @pattern(\"^[0-9]{3}-[A-Za-z0-9_]+(\\\\.[a-z-]+)?$\");");
  assert_has(s, "look?: string;");
  assert_noted("#/components/schemas/M/properties/look/pattern", "pattern", 1);
  assert_noted("#/components/schemas/M/properties/lazy/pattern", "pattern", 1);
}

static void cycles(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n"
                                   "    Node:\n      type: object\n      required: [next, children]\n      properties:\n"
                                   "        next: {$ref: '#/components/schemas/Node'}\n"
                                   "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
                                   "    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n"
                                   "    M: {type: object, properties: {t: {$ref: '#/components/schemas/Tree'}}}\n");
  assert_has(s, "next?: Node;");
  assert_has(s, "children: Node[];");
  assert_noted("#/components/schemas/Node", "as optional", 0);
  assert_has(s, "t?: any[];");
  assert_noted("#/components/schemas/Tree/items/$ref", "recursive", 0);
}

static void unknown_and_ignored_keywords(void **state)
{
  (void)state;
  import_doc(HEAD31 "paths: {}\nwebhooks:\n  newPet: {post: {responses: {'200': {description: ok}}}}\n"
                    "components:\n  schemas:\n    M:\n      type: object\n      x-internal: true\n      example: {}\n"
                    "      title: An M\n      properties:\n        a: {type: string, frobnicate: 1, not: {type: integer}}\n");
  assert_noted("#/webhooks/newPet", "webhook", 1);
  assert_noted("#/components/schemas/M/properties/a/frobnicate", "frobnicate", 1);
  assert_noted("#/components/schemas/M/properties/a/not", "'not'", 1);
  assert_int_equal(report.count, 3); /* x-*, example and title say nothing about the wire */
}

/* ---- operations ----------------------------------------------------------------------------- */

#define OP(path, method, body) "paths:\n  " path ":\n    " method ":\n" body

static void resources_and_names(void **state)
{
  (void)state;
  const char *text = HEAD3 "paths:\n"
                          "  /pets:\n    get:\n      tags: [Pet Store]\n      operationId: listPets\n      responses: {'204': {description: ok}}\n"
                          "    post:\n      tags: [Pet Store]\n      responses: {'204': {description: ok}}\n"
                          "  /pets/{pet-id}/toys/{id}:\n    get:\n      tags: [Pet Store]\n      operationId: listPets\n"
                          "      parameters:\n        - {name: pet-id, in: path, required: true, schema: {type: integer}}\n"
                          "      responses: {'204': {description: ok}}\n"
                          "  /stores:\n    get:\n      responses: {'204': {description: ok}}\n";
  const char *s = import_doc(text);
  assert_has(s, "resource pet_store \"/pets\" {\n    list_pets: GET \"\";\n    post_pets: POST \"\";\n"
                "    list_pets_2: GET \"/{pet_id}/toys/{id}\" path(pet_id: int, id: string);\n}");
  assert_has(s, "resource stores \"/stores\" {\n    get_stores: GET \"\";\n}");
  import_options o = {1, 0, NULL};
  s = import_opt(text, &o);
  assert_has(s, "resource pets \"/pets\" {");
}

static void parameters(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD3 OP("/things/{id}", "get",
                                      "      operationId: getThing\n      parameters:\n"
                                      "        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}\n"
                                      "        - {name: tags, in: query, schema: {type: array, items: {type: string}}}\n"
                                      "        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}\n"
                                      "        - {name: filter, in: query, style: deepObject, schema: {type: object}}\n"
                                      "        - {name: pageSize, in: query, required: true, schema: {type: integer, default: 20}}\n"
                                      "        - {name: X-Trace, in: header, schema: {type: string}}\n"
                                      "        - {name: Accept, in: header, schema: {type: string}}\n"
                                      "        - {name: session, in: cookie, schema: {type: string}}\n"
                                      "        - {name: X-Ids, in: header, schema: {type: array, items: {type: string}}}\n"
                                      "      responses: {'204': {description: ok}}\n"));
  assert_has(s, "get_thing: GET \"/{id}\" path(id: int @min(1))\n"
                "        query(tags?: string[], ids?: int[], page_size: int = 20 @json(\"pageSize\"))\n"
                "        headers(x_trace?: string @header(\"X-Trace\"), x_ids?: string @header(\"X-Ids\"));");
  const char *p = "#/paths/~1things~1{id}/get/parameters/";
  char ptr[128];
  snprintf(ptr, sizeof ptr, "%s2/explode", p);
  assert_noted(ptr, "without explode", 0);
  snprintf(ptr, sizeof ptr, "%s3", p);
  assert_noted(ptr, "query parameter 'filter'", 1);
  snprintf(ptr, sizeof ptr, "%s6", p);
  assert_noted(ptr, "'Accept'", 1);
  snprintf(ptr, sizeof ptr, "%s7", p);
  assert_noted(ptr, "cookie", 1);
  snprintf(ptr, sizeof ptr, "%s8", p);
  assert_noted(ptr, "as a string", 0);
}

static void bodies(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3
      "paths:\n"
      "  /things:\n"
      "    post:\n"
      "      operationId: createThing\n"
      "      requestBody:\n"
      "        content:\n"
      "          application/json:\n"
      "            schema: {type: object, properties: {name: {type: string}}}\n"
      "          multipart/form-data:\n"
      "            schema: {type: object, properties: {name: {type: string}}}\n"
      "      responses: {'204': {description: ok}}\n"
      "    put:\n"
      "      operationId: upload\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content:\n"
      "          application/octet-stream: {schema: {type: string, format: binary}}\n"
      "      responses: {'204': {description: ok}}\n"
      "    patch:\n"
      "      operationId: form\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content:\n"
      "          application/x-www-form-urlencoded:\n"
      "            schema:\n"
      "              type: object\n"
      "              required: [name]\n"
      "              properties:\n"
      "                name: {type: string, maxLength: 10}\n"
      "                tags: {type: array, items: {type: string}}\n"
      "                meta: {type: object, properties: {a: {type: string}}}\n"
      "      responses: {'204': {description: ok}}\n"
      "  /files:\n"
      "    post:\n"
      "      operationId: createFile\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content:\n"
      "          multipart/form-data:\n"
      "            schema: {$ref: '#/components/schemas/CreateFileRequest'}\n"
      "      responses: {'204': {description: ok}}\n"
      "  /photo:\n"
      "    put:\n"
      "      operationId: photo\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content: {image/png: {schema: {type: string, format: binary}}}\n"
      "      responses: {'204': {description: ok}}\n"
      "  /note:\n"
      "    put:\n"
      "      operationId: note\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content: {text/plain: {schema: {type: string}}, application/sdp: {schema: {type: string}}}\n"
      "      responses: {'204': {description: ok}}\n"
      "  /edits:\n"
      "    post:\n"
      "      operationId: edit\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content:\n"
      "          multipart/form-data:\n"
      "            schema: {type: object, properties: {image: {oneOf: [{type: string, format: binary}, {type: array, items: {type: string, format: binary}}]}}}\n"
      "          application/json:\n"
      "            schema: {type: object, properties: {image_url: {type: string}}}\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "          content:\n"
      "            application/json: {schema: {$ref: '#/components/schemas/Chunk'}}\n"
      "            text/event-stream: {schema: {$ref: '#/components/schemas/Chunk'}}\n"
      "  /transcribe:\n"
      "    post:\n"
      "      operationId: transcribe\n"
      "      requestBody:\n"
      "        required: true\n"
      "        content:\n"
      "          multipart/form-data:\n"
      "            schema: {type: object, required: [file], properties: {file: {type: string, format: binary}}}\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "          content:\n"
      "            application/json: {schema: {$ref: '#/components/schemas/Chunk'}}\n"
      "            text/event-stream: {schema: {$ref: '#/components/schemas/Chunk'}}\n"
      "components:\n"
      "  schemas:\n"
      "    Chunk: {type: object, properties: {text: {type: string}}}\n"
      "    CreateFileRequest:\n"
      "      type: object\n"
      "      required: [file, purpose]\n"
      "      properties:\n"
      "        file: {type: string, format: binary}\n"
      "        purpose: {type: string, enum: [assistants, batch]}\n"
      "        metadata: {type: object, additionalProperties: {type: string}}\n");
  /* Multipart first (files cannot go in JSON), then JSON; the other forms are reported. */
  assert_has(s, "create_thing: POST \"\" body multipart(name?: string);");
  assert_noted("#/paths/~1things/post/requestBody/content/application~1json", "JSON form of the body", 1);
  assert_null(strstr(s, "CreateThingRequest"));
  assert_noted("#/paths/~1things/post/requestBody", "optional body", 0);
  /* Raw bodies: bytes or text, with the media type when it is not the default. */
  assert_has(s, "upload: PUT \"\" body bytes;");
  assert_has(s, "photo: PUT \"\" body bytes \"image/png\";");
  assert_has(s, "note: PUT \"\" body string;");
  assert_noted("#/paths/~1note/put/requestBody/content/application~1sdp", "form of the body", 1);
  /* Forms: the properties that are scalars, enums or arrays of those. */
  assert_has(s, "form: PATCH \"\" body form(name: string @max_len(10), tags?: string[]);");
  assert_noted("#/paths/~1things/patch/requestBody/content/application~1x-www-form-urlencoded/schema/properties/meta",
               "form field 'meta'", 1);
  assert_null(strstr(s, "FormRequestMeta"));
  /* Multipart: binary data as file parts; a named model's fields keep their types. */
  assert_has(s, "body multipart(file: file, purpose: CreateFileRequestPurpose, metadata?: string);");
  assert_noted("#/components/schemas/CreateFileRequest/properties/metadata", "JSON text", 0);
  assert_null(strstr(s, "CreateFileRequestPurpose2"));
  /* A stream twin takes the JSON form, so that it is carried too; without one, the multipart
   * body (which the stream sends again on each connection), and nothing is noted. */
  assert_has(s, "edit: POST \"\" body multipart(image?: file[]) -> Chunk;");
  assert_has(s, "edit_stream: POST \"\" body EditRequest -> stream<Chunk>;");
  assert_noted("#/paths/~1edits/post/requestBody/content/application~1json", "JSON form", 1);
  assert_has(s, "transcribe: POST \"\" body multipart(file: file) -> Chunk;");
  assert_has(s, "transcribe_stream: POST \"\" body multipart(file: file) -> stream<Chunk>;");
  assert_null(find_note("#/paths/~1transcribe/post", NULL));
}

static void results(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3 "paths:\n  /chat:\n    post:\n      operationId: chat\n      responses:\n        '200':\n          description: ok\n"
            "          content:\n            application/json:\n              schema: {type: object, properties: {text: {type: string}}}\n"
            "            text/event-stream:\n              schema: {$ref: '#/components/schemas/Chunk'}\n"
            "  /events:\n    get:\n      operationId: events\n      responses:\n        '200':\n          description: ok\n"
            "          content: {text/event-stream: {schema: {$ref: '#/components/schemas/Chunk'}}}\n"
            "  /count:\n    get:\n      operationId: count\n      responses:\n        '200':\n          description: ok\n"
            "          headers: {X-Total: {schema: {type: integer}}}\n"
            "          content: {application/json: {schema: {type: integer}}}\n"
            "  /log:\n    get:\n      operationId: log\n      responses:\n        '200':\n          description: ok\n"
            "          content: {text/event-stream: {schema: {oneOf: [{$ref: '#/components/schemas/Chunk'}, {type: string}]}}}\n"
            "  /file:\n    get:\n      operationId: file\n      responses:\n        '200':\n          description: ok\n"
            "          content:\n            application/octet-stream: {schema: {type: string, format: binary}}\n"
            "            text/plain: {schema: {type: string}}\n"
            "  /pairs:\n    get:\n      operationId: pairs\n      responses:\n        '200':\n          description: ok\n"
            "          content: {application/json: {schema: {type: array, items: {type: array, items: {type: string}}}}}\n"
            "  /gone:\n    delete:\n      operationId: gone\n      responses: {'204': {description: gone}}\n"
            "  /photo:\n    get:\n      operationId: photo\n      responses:\n        '200':\n          description: ok\n"
            "          content:\n            image/png: {schema: {type: string, format: binary}}\n"
            "            image/webp: {schema: {type: string, format: binary}}\n"
            "            application/json: {schema: {type: string}}\n"
            "  /speech:\n    post:\n      operationId: speech\n      responses:\n        '200':\n          description: ok\n"
            "          content:\n            application/octet-stream: {schema: {type: string, format: binary}}\n"
            "            text/event-stream: {schema: {$ref: '#/components/schemas/Chunk'}}\n"
            "        '429':\n          description: slow down\n"
            "          content: {application/json: {schema: {type: object, properties: {detail: {type: string}}}}}\n"
            "components:\n  schemas:\n    Chunk: {type: object, properties: {delta: {type: string}}}\n");
  assert_has(s, "chat: POST \"\" -> ChatResponse;\n    /// chat, as server-sent events.\n"
                "    chat_stream: POST \"\" -> stream<Chunk>;");
  assert_has(s, "events: GET \"\" -> stream<Chunk>;");
  assert_has(s, "count: GET \"\" -> int headers(x_total?: int @header(\"X-Total\"));");
  assert_has(s, "log: GET \"\" -> stream<LogEvent>;"); /* events of several kinds: a union */
  assert_has(s, "union LogEvent {\n    text: string;\n    chunk: Chunk;\n}");
  assert_has(s, "file: GET \"\" -> bytes;"); /* a download takes the text form too */
  assert_noted("#/paths/~1file/get/responses/200/content/text~1plain", "text/plain", 1);
  assert_has(s, "pairs: GET \"\";");
  assert_noted("#/paths/~1pairs/get/responses/200/content/application~1json/schema", "the result", 1);
  assert_has(s, "gone: DELETE \"\";");
  /* Binary results: a download (any of the binary types; a JSON string beside them says no more). */
  assert_has(s, "photo: GET \"\" -> bytes;");
  assert_null(find_note("#/paths/~1photo/get/responses/200/content/image~1webp", NULL));
  assert_noted("#/paths/~1photo/get/responses/200/content/application~1json", "result", 1);
  assert_has(s, "speech: POST \"\" errors(TooManyRequestsError) -> bytes;\n    /// speech, as server-sent events.\n"
                "    speech_stream: POST \"\" errors(TooManyRequestsError) -> stream<Chunk>;"); /* the twin's errors too */
}

static void errors_by_status(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3 "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '204': {description: ok}\n"
            "        '404': {$ref: '#/components/responses/NotFound'}\n        '429': {$ref: '#/components/responses/Slow'}\n"
            "  /b:\n    get:\n      operationId: b\n      responses:\n        '204': {description: ok}\n"
            "        '404': {$ref: '#/components/responses/NotFound'}\n"
            "        default:\n          description: other\n          content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}\n"
            "  /c:\n    get:\n      operationId: c\n      responses:\n        '204': {description: ok}\n"
            "        '404':\n          description: odd\n          content: {application/json: {schema: {type: object, properties: {why: {type: string}}}}}\n"
            "components:\n  responses:\n    NotFound:\n      description: Not there.\n"
            "      content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}\n"
            "    Slow:\n      description: Slow down.\n      headers: {Retry-After: {schema: {type: integer}}}\n"
            "      content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}\n"
            "  schemas:\n    Err: {type: object, required: [message], properties: {message: {type: string}}}\n");
  assert_has(s, "/// Not there.\nerror NotFoundError 404 {\n    message: string;\n}");
  assert_has(s, "error TooManyRequestsError 429 {\n    message: string;\n    retry_after?: int @header(\"Retry-After\");\n}");
  assert_has(s, "error ClientError 4XX {");
  assert_has(s, "error ServerError 5XX {");
  assert_has(s, "a: GET \"\" errors(NotFoundError, TooManyRequestsError);");
  assert_has(s, "b: GET \"\" errors(NotFoundError, ClientError, ServerError);");
  assert_has(s, "c: GET \"\";");
  assert_noted("#/paths/~1c/get/responses/404", "second payload", 1);
}

static void auth_schemes(void **state)
{
  (void)state;
  const char *s = import_doc(
      HEAD3
      "security: [{key: []}]\n"
      "paths:\n"
      "  /a:\n"
      "    get: {operationId: a, parameters: [{name: X-Key, in: header, schema: {type: string}}], responses: {'204': {description: ok}}}\n"
      "  /b:\n"
      "    get: {operationId: b, security: [], responses: {'204': {description: ok}}}\n"
      "  /c:\n"
      "    get: {operationId: c, security: [{basic: []}], responses: {'204': {description: ok}}}\n"
      "  /d:\n"
      "    get: {operationId: d, security: [{q: []}], parameters: [{name: key, in: query, schema: {type: string}}], responses: {'204': {description: ok}}}\n"
      "  /e:\n"
      "    get: {operationId: e, security: [{key: [], basic: []}], responses: {'204': {description: ok}}}\n"
      "  /f:\n"
      "    get: {operationId: f, security: [{cookie: []}], responses: {'204': {description: ok}}}\n"
      "components:\n"
      "  securitySchemes:\n"
      "    key: {type: apiKey, in: header, name: X-Key}\n"
      "    basic: {type: http, scheme: basic}\n"
      "    q: {type: apiKey, in: query, name: key}\n"
      "    cookie: {type: apiKey, in: cookie, name: sid}\n"
      "    oauth: {type: oauth2, flows: {}}\n");
  /* Several schemes in use: each declared, the top-level one the default, @auth where an
   * operation wants another or none. */
  assert_has(s, "    scheme key   = header(\"X-Key\");\n    scheme basic = basic;\n    scheme q     = query(\"key\");\n"
                "    auth         = key;\n");
  assert_has(s, "a: GET \"\";");
  assert_noted("#/paths/~1a/get/parameters/0", "header parameter 'X-Key'", 1); /* where the key goes */
  assert_has(s, "b: GET \"\" @auth(none);");
  assert_has(s, "c: GET \"\" @auth(basic);");
  assert_has(s, "d: GET \"\" @auth(q);");
  assert_noted("#/paths/~1d/get/parameters", "query parameter 'key'", 1);
  assert_has(s, "e: GET \"\";");
  assert_noted("#/paths/~1e/get/security", "2 schemes at once", 0);
  assert_noted("#/paths/~1f/get/security", "as the API's (key)", 0);
  assert_noted("#/components/securitySchemes/cookie", "in cookie", 1);
  assert_noted("#/components/securitySchemes/oauth", "security scheme 'oauth'", 1); /* unused */
  /* One scheme in use: the api's own. */
  s = import_doc(HEAD3 "security: [{oauth: [read]}]\npaths:\n  /a:\n    get: {responses: {'204': {description: ok}}}\n"
                       "components:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {}}\n");
  assert_has(s, "auth    = bearer;");
}

static void pagination(void **state)
{
  (void)state;
  const char *text =
      HEAD3 "paths:\n"
            "  /a:\n    get:\n      operationId: cursorList\n      parameters: [{name: cursor, in: query, schema: {type: string}}]\n"
            "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/APage'}}}}}\n"
            "  /b:\n    get:\n      operationId: offsetList\n      parameters: [{name: offset, in: query, schema: {type: integer}}]\n"
            "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/BPage'}}}}}\n"
            "  /c:\n    get:\n      operationId: afterList\n      parameters: [{name: after, in: query, schema: {type: string}}]\n"
            "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/BPage'}}}}}\n"
            "components:\n  schemas:\n"
            "    APage: {type: object, properties: {items: {type: array, items: {type: string}}, next_cursor: {type: string}}}\n"
            "    BPage: {type: object, properties: {data: {type: array, items: {type: string}}, has_more: {type: boolean}}}\n";
  const char *s = import_doc(text);
  assert_has(s, "cursor_list: GET \"\" query(cursor?: string)\n"
                "        -> page<APage> @paginate(items: \"items\", next: \"next_cursor\", param: \"cursor\");");
  assert_has(s, "offset_list: GET \"\" query(offset?: int)\n        -> page<BPage> @paginate(items: \"data\", offset: \"offset\");");
  assert_has(s, "    // pagination not inferred (field 'has_more', parameter 'after'): no rule of docs/import.md matches\n"
                "    after_list: GET \"\" query(after?: string) -> BPage;");
  import_options o = {0, 1, NULL};
  s = import_opt(text, &o);
  assert_null(strstr(s, "@paginate"));
  assert_null(strstr(s, "pagination not inferred"));
}

static void swagger2(void **state)
{
  (void)state;
  const char *s = import_doc(HEAD2 "host: api.example.com\nbasePath: /v1\nschemes: [http, https]\n"
                                   "consumes: [application/json]\npaths:\n  /things:\n    post:\n      operationId: make\n"
                                   "      parameters:\n        - {name: body, in: body, required: true, schema: {$ref: '#/definitions/Thing'}}\n"
                                   "        - {name: ids, in: query, type: array, items: {type: integer}}\n"
                                   "      responses: {'200': {description: ok, schema: {$ref: '#/definitions/Thing'}}}\n"
                                   "    put:\n      operationId: form\n      consumes: [multipart/form-data]\n"
                                   "      parameters: [{name: f, in: formData, type: file}]\n"
                                   "      responses: {'204': {description: ok}}\n"
                                   "definitions:\n  Thing: {type: object, properties: {id: {type: integer, format: int32}}}\n");
  assert_has(s, "base_url = \"https://api.example.com/v1\";");
  assert_has(s, "make: POST \"\" query(ids?: int[]) body Thing -> Thing;");
  assert_noted("#/paths/~1things/post/parameters/1/collectionFormat", "csv", 0);
  assert_has(s, "form: PUT \"\" body multipart(f?: file);"); /* formData: a form, multipart with files */
  assert_has(s, "model Thing {\n    id?: int32;\n}");
}

static void servers(void **state)
{
  (void)state;
  import_doc(HEAD3 "servers:\n  - url: 'https://{region}.example.com/{v}'\n    variables:\n"
                   "      region: {default: eu}\n      v: {default: v2}\n  - url: https://backup.example.com\npaths: {}\n");
  assert_has(last, "base_url = \"https://eu.example.com/v2\";");
  assert_noted("#/servers/0/variables", "defaults", 0);
  assert_noted("#/servers", "after the first", 1);
}

/* ---- the report ---------------------------------------------------------------------------- */

static void report_as_json(void **state)
{
  (void)state;
  import_doc(HEAD3 "paths: {}\ncomponents:\n  schemas:\n    M: {type: object, properties: {a: {type: string, format: email}}}\n");
  char *json = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&json, &len);
  assert_int_equal(import_report_write_json(&report, f), 0);
  fclose(f);
  cJSON *arr = cJSON_Parse(json);
  free(json);
  assert_int_equal(cJSON_GetArraySize(arr), 1);
  const cJSON *n = cJSON_GetArrayItem(arr, 0);
  assert_string_equal(cJSON_GetObjectItem(n, "kind")->valuestring, "approximated");
  assert_string_equal(cJSON_GetObjectItem(n, "file")->valuestring, "t.yaml");
  assert_int_equal(cJSON_GetObjectItem(n, "line")->valueint, 6);
  assert_string_equal(cJSON_GetObjectItem(n, "pointer")->valuestring, "#/components/schemas/M/properties/a/format");
  assert_string_equal(cJSON_GetObjectItem(n, "what")->valuestring, "format 'email' as a plain string");
  assert_string_equal(cJSON_GetObjectItem(n, "why")->valuestring, "the language checks no string formats but date and date-time");
  cJSON_Delete(arr);
}

/* docs/import.md lists what the language cannot say yet in the words the notes use. */
static void gaps_documented(void **state)
{
  (void)state;
  FILE *f = fopen("docs/import.md", "r");
  assert_non_null(f);
  char *text = calloc(1, 1 << 20);
  assert_non_null(text);
  size_t len = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  text[len] = '\0';
  for (int g = 0; g < GAP_COUNT; g++) {
    if (strstr(text, gap_why((imp_gap)g)) == NULL)
      fprintf(stderr, "docs/import.md does not say: %s\n", gap_why((imp_gap)g));
    assert_non_null(strstr(text, gap_why((imp_gap)g)));
  }
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(not_openapi, teardown),
      cmocka_unit_test_teardown(syntax_errors_located, teardown),
      cmocka_unit_test_teardown(refs_that_do_not_resolve, teardown),
      cmocka_unit_test_teardown(refs_to_other_files, teardown),
      cmocka_unit_test_teardown(hostile_documents_are_bounded, teardown),
      cmocka_unit_test_teardown(names, teardown),
      cmocka_unit_test_teardown(enums, teardown),
      cmocka_unit_test_teardown(nullable_forms, teardown),
      cmocka_unit_test_teardown(maps_and_any, teardown),
      cmocka_unit_test_teardown(composition, teardown),
      cmocka_unit_test_teardown(unions, teardown),
      cmocka_unit_test_teardown(unions_that_fail, teardown),
      cmocka_unit_test_teardown(defaults_and_constraints, teardown),
      cmocka_unit_test_teardown(text_formats, teardown),
      cmocka_unit_test_teardown(patterns, teardown),
      cmocka_unit_test_teardown(cycles, teardown),
      cmocka_unit_test_teardown(unknown_and_ignored_keywords, teardown),
      cmocka_unit_test_teardown(resources_and_names, teardown),
      cmocka_unit_test_teardown(parameters, teardown),
      cmocka_unit_test_teardown(bodies, teardown),
      cmocka_unit_test_teardown(results, teardown),
      cmocka_unit_test_teardown(errors_by_status, teardown),
      cmocka_unit_test_teardown(auth_schemes, teardown),
      cmocka_unit_test_teardown(pagination, teardown),
      cmocka_unit_test_teardown(swagger2, teardown),
      cmocka_unit_test_teardown(servers, teardown),
      cmocka_unit_test_teardown(report_as_json, teardown),
      cmocka_unit_test_teardown(gaps_documented, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
