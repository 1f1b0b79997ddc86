/* The view model: the resolved spec (docs/spec-json.md) with everything a template needs
 * already computed, so templates hold no logic beyond sections. Keys: docs/templates.md. */
#include "viewmodel.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "commands.h"
#include "names.h"
#include "strbuf.h"

typedef struct vm {
  const char *prefix; /* the api's name: torale */
  const cJSON *spec;  /* the resolved spec, for looking models up */
  int oom;
  name_table models;  /* the spec's models by name, built on first use (find_model) */
  int have_models;
} vm;

static cJSON *ok(vm *v, cJSON *item)
{
  if (item == NULL)
    v->oom = 1;
  return item;
}

static const char *str(const cJSON *obj, const char *key)
{
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
  return s != NULL ? s : "";
}

static int flag(const cJSON *obj, const char *key)
{
  return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* Keys are string literals, added without a copy (cJSON's "CS" calls): the view model of a
 * large spec holds millions of them. */
static void add_item(vm *v, cJSON *obj, const char *key, cJSON *item)
{
  if (item == NULL || !cJSON_AddItemToObjectCS(obj, key, item)) {
    cJSON_Delete(item);
    v->oom = 1;
  }
}

static void add_str(vm *v, cJSON *obj, const char *key, const char *text)
{
  add_item(v, obj, key, cJSON_CreateString(text));
}

static void add_bool(vm *v, cJSON *obj, const char *key, int on)
{
  add_item(v, obj, key, cJSON_CreateBool(on));
}

/* A flag only fields, parameters and types carry is stored only when true: to mustache a
 * missing key is false, and most are false (a field has one kind out of eleven), which halves
 * a big spec's view model. Keys that also occur on enclosing objects (has_doc, first, last...)
 * must stay explicit, or a section would find the enclosing object's value instead. */
static void add_flag(vm *v, cJSON *obj, const char *key, int on)
{
  if (on)
    add_item(v, obj, key, cJSON_CreateTrue());
}

/* prefix_snake(name): torale + TaskState -> torale_task_state; upper-cased on request. */
static void c_name(vm *v, cJSON *obj, const char *key, const char *name, int upper)
{
  char snake[512], full[600];
  snake_case(name, snake, sizeof snake);
  snprintf(full, sizeof full, "%s_%s", v->prefix, snake);
  if (upper)
    upper_case(full, full, sizeof full);
  add_str(v, obj, key, full);
}

/* The spec name in lower snake case without the API prefix: TaskState -> task_state. */
static void add_snake(vm *v, cJSON *obj, const char *name)
{
  char snake[512];
  snake_case(name, snake, sizeof snake);
  add_str(v, obj, "snake_name", snake);
}

/* Copies the doc lines and adds has_doc. */
static void add_doc(vm *v, cJSON *out, const cJSON *in)
{
  const cJSON *lines = cJSON_GetObjectItemCaseSensitive(in, "doc");
  cJSON *copy = cJSON_CreateArray();
  const cJSON *line;
  cJSON_ArrayForEach(line, lines)
  {
    /* Doc lines go into C comments: a "*" "/" inside would end one early. */
    strbuf b = {0};
    for (const char *p = cJSON_GetStringValue(line); p != NULL && *p != '\0'; p++) {
      sb_append(&b, p, 1);
      if (p[0] == '*' && p[1] == '/')
        sb_append(&b, " ", 1);
    }
    char *text = sb_take(&b, NULL);
    if (copy == NULL || text == NULL || !cJSON_AddItemToArray(copy, cJSON_CreateString(text)))
      v->oom = 1;
    free(text);
  }
  add_item(v, out, "doc", copy);
  add_bool(v, out, "has_doc", cJSON_GetArraySize(lines) > 0);
  const cJSON *dep = cJSON_GetObjectItemCaseSensitive(in, "deprecated");
  add_bool(v, out, "is_deprecated", dep != NULL);
  if (dep != NULL)
    add_str(v, out, "deprecated", cJSON_GetStringValue(dep));
}

/* Marks the first and last element of every array built here (for separators). */
static void mark_ends(vm *v, cJSON *arr)
{
  int n = cJSON_GetArraySize(arr), i = 0;
  cJSON *it;
  cJSON_ArrayForEach(it, arr)
  {
    add_bool(v, it, "first", i == 0);
    add_bool(v, it, "last", i == n - 1);
    i++;
  }
}

/* The type as the spec writes it: string, Task[], map<string>. */
static void type_text(const cJSON *t, strbuf *b)
{
  const char *kind = str(t, "kind");
  if (strcmp(kind, "array") == 0) {
    type_text(cJSON_GetObjectItemCaseSensitive(t, "items"), b);
    sb_puts(b, "[]");
  } else if (strcmp(kind, "map") == 0) {
    sb_puts(b, "map<");
    type_text(cJSON_GetObjectItemCaseSensitive(t, "values"), b);
    sb_puts(b, ">");
  } else if (strcmp(kind, "model") == 0 || strcmp(kind, "enum") == 0) {
    sb_puts(b, str(t, "name"));
  } else {
    sb_puts(b, kind);
  }
}

static void add_type(vm *v, cJSON *out, const cJSON *t)
{
  strbuf b = {0};
  type_text(t, &b);
  char *text = sb_take(&b, NULL);
  if (text == NULL) {
    v->oom = 1;
    return;
  }
  add_str(v, out, "type", text);
  free(text);
  const char *kind = str(t, "kind");
  static const char *const kinds[][2] = {
      {"string", "is_string"}, {"int", "is_int"},   {"float", "is_float"}, {"bool", "is_bool"},
      {"datetime", "is_datetime"}, {"date", "is_date"}, {"any", "is_any"},   {"model", "is_model"},
      {"enum", "is_enum"},     {"array", "is_array"}, {"map", "is_map"}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    add_flag(v, out, kinds[i][1], strcmp(kind, kinds[i][0]) == 0);
  if (strcmp(kind, "model") == 0 || strcmp(kind, "enum") == 0)
    c_name(v, out, "type_c_name", str(t, "name"), 0);
}

/* A C string literal's body: quotes, backslashes and control bytes escaped. */
static void add_c_string(vm *v, cJSON *obj, const char *key, const char *text)
{
  /* Written byte by byte, without printf: the mock's copy of the spec (spec_json_parts) is
   * megabytes of this for a large spec. An escape takes at most 4 bytes. */
  size_t n = strlen(text);
  char small[512];
  char *out = 4 * n < sizeof small ? small : malloc(4 * n + 1), *o = out;
  if (out == NULL) {
    v->oom = 1;
    return;
  }
  for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\') {
      *o++ = '\\';
      *o++ = (char)*p;
    } else if (*p < 0x20 || *p == 0x7f) { /* \ooo, three octal digits */
      *o++ = '\\';
      *o++ = (char)('0' + (*p >> 6));
      *o++ = (char)('0' + ((*p >> 3) & 7));
      *o++ = (char)('0' + (*p & 7));
    } else {
      *o++ = (char)*p;
    }
  }
  *o = '\0';
  add_str(v, obj, key, out);
  if (out != small)
    free(out);
}

/* The C storage of a value of type t (apic/model.h): "char *", "int64_t", "torale_task". */
static const char *c_storage(vm *v, const cJSON *t, char *buf, size_t size)
{
  const char *kind = str(t, "kind");
  if (strcmp(kind, "int") == 0) return "int64_t";
  if (strcmp(kind, "float") == 0) return "double";
  if (strcmp(kind, "bool") == 0) return "bool";
  if (strcmp(kind, "any") == 0 || strcmp(kind, "map") == 0 || strcmp(kind, "array") == 0) return "cJSON *";
  if (strcmp(kind, "model") == 0 || strcmp(kind, "enum") == 0) {
    char snake[256];
    snake_case(str(t, "name"), snake, sizeof snake);
    snprintf(buf, size, "%s_%s", v->prefix, snake);
    return buf;
  }
  return "char *"; /* string, datetime, date */
}

static const char *apic_kind(const char *kind)
{
  static const char *const names[][2] = {
      {"string", "APIC_T_STRING"}, {"int", "APIC_T_INT"},     {"float", "APIC_T_FLOAT"}, {"bool", "APIC_T_BOOL"},
      {"datetime", "APIC_T_DATETIME"}, {"date", "APIC_T_DATE"}, {"any", "APIC_T_ANY"},  {"enum", "APIC_T_ENUM"},
      {"model", "APIC_T_MODEL"}, {"array", "APIC_T_ARRAY"},   {"map", "APIC_T_MAP"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i][0], kind) == 0)
      return names[i][1];
  return "APIC_T_ANY";
}

/* How a model field is stored and described (apic/model.h): the member declarations, the
 * table's type, item type and flags, and the pieces of its default. */
static void add_c_field(vm *v, cJSON *o, const cJSON *f, const char *extra_flag)
{
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
  const char *kind = str(t, "kind");
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(t, "items");
  int optional = flag(f, "optional"), nullable = flag(f, "nullable");
  int is_array = strcmp(kind, "array") == 0;
  /* Arrays of arrays or maps are kept as JSON, like any. */
  int json_array = is_array && (strcmp(str(items, "kind"), "array") == 0 || strcmp(str(items, "kind"), "map") == 0);
  int by_pointer = strcmp(kind, "model") == 0 && (optional || nullable);
  char tbuf[300], member[700];
  const char *name = str(f, "name");
  if (is_array && !json_array) {
    const char *ct = c_storage(v, items, tbuf, sizeof tbuf);
    snprintf(member, sizeof member, "%s%s*%s;\n  size_t %s_count;", ct, ct[strlen(ct) - 1] == '*' ? "" : " ", name, name);
  } else {
    const char *ct = c_storage(v, t, tbuf, sizeof tbuf);
    size_t n = strlen(ct);
    int star = by_pointer || ct[n - 1] == '*';
    snprintf(member, sizeof member, "%s%s%s%s;", ct, by_pointer ? " *" : star ? "" : " ", name, "");
  }
  if (strcmp(kind, "enum") == 0)
    snprintf(member + strlen(member), sizeof member - strlen(member), "\n  char *%s_unknown; /**< the text of a value this SDK does not know */", name);
  if (optional || nullable)
    snprintf(member + strlen(member), sizeof member - strlen(member), "\n  apic_presence has_%s;", name);
  add_str(v, o, "c_decl", member);
  add_str(v, o, "c_kind", json_array ? "APIC_T_ANY" : apic_kind(kind));
  add_str(v, o, "c_item", is_array && !json_array ? apic_kind(str(items, "kind")) : "APIC_T_ANY");
  add_flag(v, o, "has_count", is_array && !json_array);
  add_flag(v, o, "has_presence", optional || nullable);
  const char *ref = strcmp(kind, "model") == 0 || strcmp(kind, "enum") == 0 ? str(t, "name")
                    : is_array && !json_array ? str(items, "name") : "";
  const char *ref_kind = is_array && !json_array ? str(items, "kind") : kind;
  add_flag(v, o, "refs_model", ref[0] != '\0' && strcmp(ref_kind, "model") == 0);
  add_flag(v, o, "refs_enum", ref[0] != '\0' && strcmp(ref_kind, "enum") == 0);
  if (ref[0] != '\0')
    c_name(v, o, "ref_c_name", ref, 0);
  add_str(v, o, "ref_name", ref);
  strbuf flags = {0};
  if (optional) sb_puts(&flags, " | APIC_F_OPTIONAL");
  if (nullable) sb_puts(&flags, " | APIC_F_NULLABLE");
  if (by_pointer) sb_puts(&flags, " | APIC_F_BY_POINTER");
  if (flag(f, "sensitive")) sb_puts(&flags, " | APIC_F_SENSITIVE");
  if (extra_flag != NULL) sb_printf(&flags, " | %s", extra_flag);
  const cJSON *cons = cJSON_GetObjectItemCaseSensitive(f, "constraints");
  static const char *const cflags[][3] = {{"min", "APIC_F_HAS_MIN", "c_min"},
                                          {"max", "APIC_F_HAS_MAX", "c_max"},
                                          {"min_len", "APIC_F_HAS_MIN_LEN", "c_min_len"},
                                          {"max_len", "APIC_F_HAS_MAX_LEN", "c_max_len"}};
  for (size_t i = 0; i < 4; i++) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(cons, cflags[i][0]);
    if (c == NULL)
      continue;
    sb_printf(&flags, " | %s", cflags[i][1]);
    char num[64];
    snprintf(num, sizeof num, "%.17g", c->valuedouble);
    add_str(v, o, cflags[i][2], num);
  }
  const char *pattern = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cons, "pattern"));
  if (pattern != NULL)
    add_c_string(v, o, "c_pattern", pattern);
  const cJSON *def = cJSON_GetObjectItemCaseSensitive(f, "default");
  if (def != NULL && !cJSON_IsNull(def)) {
    sb_puts(&flags, " | APIC_F_HAS_DEFAULT");
    if (cJSON_IsString(def) && strcmp(kind, "enum") == 0) {
      char snake[256], constant[256], full[600];
      snake_case(str(t, "name"), snake, sizeof snake);
      upper_case(def->valuestring, constant, sizeof constant);
      snprintf(full, sizeof full, "%s_%s_%s", v->prefix, snake, constant);
      upper_case(full, full, sizeof full);
      add_str(v, o, "c_def_int", full);
    } else if (cJSON_IsString(def)) {
      add_c_string(v, o, "c_def_text", def->valuestring);
    } else if (cJSON_IsBool(def)) {
      add_str(v, o, "c_def_int", cJSON_IsTrue(def) ? "1" : "0");
    } else if (cJSON_IsNumber(def)) {
      char num[64];
      snprintf(num, sizeof num, "%.17g", def->valuedouble);
      add_str(v, o, strcmp(kind, "float") == 0 ? "c_def_float" : "c_def_int", num);
    }
  }
  char *text = sb_take(&flags, NULL);
  add_str(v, o, "c_flags", text != NULL && text[0] != '\0' ? text + 3 : "0");
  free(text);
  add_c_string(v, o, "c_wire", str(f, "wire"));
}

/* A field or parameter. */
static cJSON *field_view(vm *v, const cJSON *f)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(f, "name"));
  add_str(v, o, "wire", str(f, "wire"));
  add_type(v, o, cJSON_GetObjectItemCaseSensitive(f, "type"));
  add_flag(v, o, "is_optional", flag(f, "optional"));
  add_flag(v, o, "is_required", !flag(f, "optional"));
  add_flag(v, o, "is_nullable", flag(f, "nullable"));
  add_flag(v, o, "is_sensitive", flag(f, "sensitive"));
  const cJSON *def = cJSON_GetObjectItemCaseSensitive(f, "default");
  add_flag(v, o, "has_default", def != NULL);
  if (def != NULL) {
    char *text = cJSON_PrintUnformatted(def);
    if (text == NULL)
      v->oom = 1;
    else
      add_str(v, o, "default", text);
    cJSON_free(text);
  }
  const cJSON *header = cJSON_GetObjectItemCaseSensitive(f, "header");
  add_flag(v, o, "has_header", header != NULL);
  if (header != NULL)
    add_str(v, o, "header", cJSON_GetStringValue(header));
  /* Constraints as one line for docs: "min 1, max 10". */
  const cJSON *cons = cJSON_GetObjectItemCaseSensitive(f, "constraints");
  strbuf b = {0};
  const cJSON *c;
  cJSON_ArrayForEach(c, cons)
  {
    char *val = cJSON_PrintUnformatted(c);
    sb_printf(&b, "%s%s %s", b.len ? ", " : "", c->string, val ? val : "?");
    cJSON_free(val);
  }
  char *text = sb_take(&b, NULL);
  add_flag(v, o, "has_constraints", text != NULL && text[0] != '\0');
  add_str(v, o, "constraints", text != NULL ? text : "");
  free(text);
  add_doc(v, o, f);
  return o;
}

static void add_list(vm *v, cJSON *out, const char *key, const cJSON *in, cJSON *(*view)(vm *, const cJSON *))
{
  cJSON *arr = cJSON_CreateArray();
  add_item(v, out, key, arr);
  if (v->oom)
    return;
  const cJSON *it;
  cJSON_ArrayForEach(it, in)
  if (arr != NULL && !cJSON_AddItemToArray(arr, view(v, it)))
    v->oom = 1;
  if (arr != NULL)
    mark_ends(v, arr);
}

static cJSON *enum_value_view(vm *v, const cJSON *e)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(e, "name"));
  add_str(v, o, "wire", str(e, "wire"));
  add_c_string(v, o, "c_wire", str(e, "wire"));
  add_doc(v, o, e);
  return o;
}

static cJSON *enum_view(vm *v, const cJSON *e)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(e, "name"));
  c_name(v, o, "c_name", str(e, "name"), 0);
  c_name(v, o, "upper", str(e, "name"), 1);
  add_snake(v, o, str(e, "name"));
  add_doc(v, o, e);
  add_list(v, o, "values", cJSON_GetObjectItemCaseSensitive(e, "values"), enum_value_view);
  /* Each value's C constant: TORALE_TASK_STATE_ACTIVE. */
  const char *upper = str(o, "upper");
  cJSON *val;
  cJSON_ArrayForEach(val, cJSON_GetObjectItemCaseSensitive(o, "values"))
  {
    char name[512], full[1100];
    upper_case(str(val, "name"), name, sizeof name);
    snprintf(full, sizeof full, "%s_%s", upper, name);
    add_str(v, val, "c_const", full);
  }
  return o;
}

static cJSON *model_view(vm *v, const cJSON *m)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(m, "name"));
  c_name(v, o, "c_name", str(m, "name"), 0);
  add_snake(v, o, str(m, "name"));
  const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "status"));
  if (status != NULL) { /* an error: its kind constant, accessor name and status test */
    add_str(v, o, "status", status);
    char snake[256], shortname[256], kind[600];
    snake_case(str(m, "name"), snake, sizeof snake);
    size_t n = strlen(snake);
    snprintf(shortname, sizeof shortname, "%.*s", (int)(n > 6 && strcmp(snake + n - 6, "_error") == 0 ? n - 6 : n), snake);
    add_str(v, o, "short_name", shortname);
    snprintf(kind, sizeof kind, "%s_ERROR_%s", v->prefix, shortname);
    upper_case(kind, kind, sizeof kind);
    add_str(v, o, "kind_const", kind);
    int is_class = status[1] == 'X' || status[1] == 'x';
    add_bool(v, o, "is_status_class", is_class);
    char digit[2] = {status[0], '\0'};
    add_str(v, o, "status_class_digit", is_class ? digit : "");
  }
  add_bool(v, o, "is_error", status != NULL); /* errors get no X_array type */
  add_doc(v, o, m);
  const cJSON *fields = cJSON_GetObjectItemCaseSensitive(m, "fields");
  add_list(v, o, "fields", fields, field_view);
  add_bool(v, o, "has_fields", cJSON_GetArraySize(fields) > 0);
  cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "fields"), *fo;
  const cJSON *fi = fields != NULL ? fields->child : NULL;
  cJSON_ArrayForEach(fo, out)
  {
    add_c_field(v, fo, fi, NULL);
    add_str(v, fo, "owner", str(o, "c_name"));
    fi = fi->next;
  }
  return o;
}

static cJSON *op_view(vm *v, const cJSON *op)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(op, "name"));
  add_str(v, o, "method", str(op, "method"));
  add_str(v, o, "full_path", str(op, "full_path"));
  add_doc(v, o, op);
  static const char *const lists[][2] = {{"path_params", "has_path_params"},
                                         {"query_params", "has_query_params"},
                                         {"header_params", "has_header_params"}};
  for (size_t i = 0; i < 3; i++) {
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(op, lists[i][0]);
    add_list(v, o, lists[i][0], in, field_view);
    add_bool(v, o, lists[i][1], cJSON_GetArraySize(in) > 0);
  }
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
  add_bool(v, o, "has_body", body != NULL);
  if (body != NULL) {
    cJSON *b = cJSON_CreateObject();
    add_item(v, o, "body", b);
    if (!v->oom)
      add_type(v, b, body);
  }
  const cJSON *ret = cJSON_GetObjectItemCaseSensitive(op, "returns");
  const char *kind = str(ret, "kind");
  add_bool(v, o, "returns_nothing", strcmp(kind, "none") == 0);
  add_bool(v, o, "is_page", strcmp(kind, "page") == 0);
  add_bool(v, o, "is_stream", strcmp(kind, "stream") == 0);
  if (strcmp(kind, "none") != 0) {
    cJSON *r = cJSON_CreateObject();
    add_item(v, o, "result", r);
    if (!v->oom)
      add_type(v, r, cJSON_GetObjectItemCaseSensitive(ret, "type"));
  }
  add_bool(v, o, "is_idempotent", flag(op, "idempotent"));
  const cJSON *errors = cJSON_GetObjectItemCaseSensitive(op, "errors");
  if (errors != NULL)
    add_item(v, o, "errors", cJSON_Duplicate(errors, 1));
  add_bool(v, o, "has_errors", errors != NULL);
  return o;
}

/* ---- what the generated client needs of an operation ---- */

/* Parameters are only read: their struct members are const, so callers can point them at
 * string literals. char *s -> const char *s, char **a -> const char *const *a, T *a -> const T *a. */
static void const_decl(vm *v, cJSON *fo)
{
  const char *member = str(fo, "c_decl");
  strbuf b = {0};
  if (strncmp(member, "char **", 7) == 0)
    sb_printf(&b, "const char *const *%s", member + 7);
  else if (strncmp(member, "char *", 6) == 0 || flag(fo, "has_count"))
    sb_printf(&b, "const %s", member);
  else
    sb_puts(&b, member);
  char *text = sb_take(&b, NULL);
  if (text == NULL) {
    v->oom = 1;
    return;
  }
  cJSON_ReplaceItemInObjectCaseSensitive(fo, "c_decl", cJSON_CreateString(text));
  free(text);
}

/* Fields of a struct the client declares for an operation (its path parameters, or its query
 * and header parameters): the field keys plus the C storage, owned by `owner`. */
static void add_param_fields(vm *v, cJSON *out, const char *key, const cJSON *in, const char *owner,
                             const char *extra_flag)
{
  cJSON *arr = cJSON_GetObjectItemCaseSensitive(out, key);
  if (arr == NULL) {
    arr = cJSON_CreateArray();
    add_item(v, out, key, arr);
  }
  const cJSON *f;
  cJSON_ArrayForEach(f, in)
  {
    cJSON *fo = field_view(v, f);
    if (fo == NULL || arr == NULL || !cJSON_AddItemToArray(arr, fo)) {
      cJSON_Delete(fo);
      v->oom = 1;
      return;
    }
    add_c_field(v, fo, f, extra_flag);
    add_str(v, fo, "owner", owner);
    const_decl(v, fo);
  }
}

/* How a path parameter is passed to the C function. */
static void add_path_args(vm *v, cJSON *op_out)
{
  cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(op_out, "c_path_fields"))
  {
    const char *kind = flag(f, "is_int") ? "int64_t" : flag(f, "is_float") ? "double"
                       : flag(f, "is_bool") ? "bool" : flag(f, "is_enum") ? str(f, "type_c_name") : "const char *";
    char c_arg[600];
    snprintf(c_arg, sizeof c_arg, "%s%s%s", kind, kind[strlen(kind) - 1] == '*' ? "" : " ", str(f, "name"));
    add_str(v, f, "c_arg", c_arg);
    /* A value for examples in the docs. */
    char sample[600];
    if (strcmp(kind, "const char *") == 0)
      snprintf(sample, sizeof sample, "\"%s-1\"", str(f, "name"));
    else
      snprintf(sample, sizeof sample, "%s", flag(f, "is_bool") ? "true" : "1");
    add_str(v, f, "c_sample", sample);
  }
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, arr)
  if (strcmp(str(it, "name"), name) == 0)
    return it;
  return NULL;
}

/* The resolved spec's model called name. Every paginated operation looks its page model up:
 * through a table, so that stays linear in the size of the spec. */
static const cJSON *find_model(vm *v, const char *name)
{
  if (!v->have_models) {
    if (name_table_init(&v->models) != 0) {
      v->oom = 1;
      return NULL;
    }
    v->have_models = 1;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(v->spec, "models"))
    if (name_table_get(&v->models, str(m, "name")) == NULL && name_table_put(&v->models, str(m, "name"), (void *)m) != 0)
      v->oom = 1;
  }
  return name_table_get(&v->models, name);
}

/* Pagination: the page model's fields (C names) and the model of its items. */
static void add_paging(vm *v, cJSON *o, const cJSON *op, const cJSON *page_type)
{
  const cJSON *pg = cJSON_GetObjectItemCaseSensitive(op, "paginate");
  const cJSON *page = find_model(v, str(page_type, "name"));
  const cJSON *items = find_named(cJSON_GetObjectItemCaseSensitive(page, "fields"), str(pg, "items"));
  const cJSON *item_t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(items, "type"), "items");
  add_str(v, o, "page_items", str(pg, "items"));
  add_str(v, o, "page_param", str(pg, "param"));
  const char *next = str(pg, "next");
  if (next[0] != '\0')
    add_str(v, o, "page_next", next);
  add_flag(v, o, "is_cursor_page", next[0] != '\0');
  if (strcmp(str(item_t, "kind"), "model") == 0)
    c_name(v, o, "page_item_c_name", str(item_t, "name"), 0);
}

/* A result or body type, a model or an array of one: the C type it has in a call
 * (torale_task, torale_execution_array), the model's table and whether it is an array. Keys
 * are literals: the view model stores them without a copy (add_item). */
static void add_model_type(vm *v, cJSON *o, const cJSON *t, const char *type_key, const char *desc_key,
                           const char *array_key)
{
  int is_array = strcmp(str(t, "kind"), "array") == 0;
  const cJSON *m = is_array ? cJSON_GetObjectItemCaseSensitive(t, "items") : t;
  char name[600], full[700];
  snake_case(str(m, "name"), name, sizeof name);
  snprintf(full, sizeof full, "%s_%s%s", v->prefix, name, is_array ? "_array" : "");
  add_str(v, o, type_key, full);
  snprintf(full, sizeof full, "&%s_%s__desc", v->prefix, name);
  add_str(v, o, desc_key, full);
  add_flag(v, o, array_key, is_array);
}

/* The result: libapic's kind, the model's table and the C type an out-parameter has. */
static void add_result_c(vm *v, cJSON *o, const cJSON *op)
{
  const cJSON *ret = cJSON_GetObjectItemCaseSensitive(op, "returns");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(ret, "type");
  const char *kind = str(ret, "kind");
  static const char *const kinds[][2] = {{"none", "APIC_RESULT_NONE"}, {"model", "APIC_RESULT_MODEL"},
                                         {"array", "APIC_RESULT_ARRAY"}, {"page", "APIC_RESULT_PAGE"},
                                         {"stream", "APIC_RESULT_STREAM"}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kind, kinds[i][0]) == 0)
      add_str(v, o, "c_result_kind", kinds[i][1]);
  if (t == NULL)
    return;
  add_model_type(v, o, t, "c_result_type", "c_result_desc", "result_is_array");
  if (strcmp(kind, "page") == 0)
    add_paging(v, o, op, t);
}

/* Everything the client templates need beyond the operation's spec keys. */
static void add_op_c(vm *v, cJSON *o, const cJSON *op, const char *resource)
{
  const char *c = str(o, "c_name");
  char name[600], owner[700];
  snprintf(name, sizeof name, "%s.%s", resource, str(op, "name"));
  add_str(v, o, "op_name", name);
  snprintf(owner, sizeof owner, "%s__path", c);
  add_str(v, o, "c_path_struct", owner);
  add_param_fields(v, o, "c_path_fields", cJSON_GetObjectItemCaseSensitive(op, "path_params"), owner, NULL);
  add_path_args(v, o);
  snprintf(owner, sizeof owner, "%s_params", c);
  add_str(v, o, "c_params_struct", owner);
  add_param_fields(v, o, "c_params", cJSON_GetObjectItemCaseSensitive(op, "query_params"), owner, NULL);
  add_param_fields(v, o, "c_params", cJSON_GetObjectItemCaseSensitive(op, "header_params"), owner, "APIC_F_HEADER");
  mark_ends(v, cJSON_GetObjectItemCaseSensitive(o, "c_params"));
  mark_ends(v, cJSON_GetObjectItemCaseSensitive(o, "c_path_fields"));
  add_bool(v, o, "has_params", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "c_params")) > 0);
  add_result_c(v, o, op);
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
  if (body != NULL)
    add_model_type(v, o, body, "c_body_type", "c_body_desc", "body_is_array");
  const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(op, "timeout_ms");
  const cJSON *retries = cJSON_GetObjectItemCaseSensitive(op, "retries");
  char num[64];
  snprintf(num, sizeof num, "%.0f", timeout != NULL ? timeout->valuedouble : 0.0);
  add_str(v, o, "c_timeout", num);
  snprintf(num, sizeof num, "%.0f", retries != NULL ? retries->valuedouble : -1.0);
  add_str(v, o, "c_retries", num);
}

static cJSON *resource_view(vm *v, const cJSON *r)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  add_str(v, o, "name", str(r, "name"));
  add_str(v, o, "path", str(r, "path"));
  add_doc(v, o, r);
  add_list(v, o, "operations", cJSON_GetObjectItemCaseSensitive(r, "operations"), op_view);
  /* C names of operations: torale_tasks_get. */
  cJSON *op;
  const cJSON *ops_in = cJSON_GetObjectItemCaseSensitive(r, "operations");
  const cJSON *in = ops_in != NULL ? ops_in->child : NULL; /* the spec's operation, alongside */
  cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(o, "operations"))
  {
    char joined[600];
    snprintf(joined, sizeof joined, "%s_%s", str(r, "name"), str(op, "name"));
    c_name(v, op, "c_name", joined, 0);
    if (!v->oom && in != NULL)
      add_op_c(v, op, in, str(r, "name"));
    in = in != NULL ? in->next : NULL;
  }
  return o;
}

static cJSON *api_view(vm *v, const cJSON *api)
{
  cJSON *o = ok(v, cJSON_CreateObject());
  if (o == NULL)
    return NULL;
  char lower[256], upper[256];
  snake_case(str(api, "name"), lower, sizeof lower);
  upper_case(lower, upper, sizeof upper);
  add_str(v, o, "name", str(api, "name"));
  add_str(v, o, "c_name", lower);
  add_str(v, o, "upper", upper);
  add_str(v, o, "title", str(api, "title"));
  add_str(v, o, "version", str(api, "version"));
  add_str(v, o, "base_url", str(api, "base_url"));
  const cJSON *auth = cJSON_GetObjectItemCaseSensitive(api, "auth");
  const char *scheme = str(auth, "scheme");
  add_bool(v, o, "auth_bearer", strcmp(scheme, "bearer") == 0);
  add_bool(v, o, "auth_header", strcmp(scheme, "header") == 0);
  add_bool(v, o, "auth_none", strcmp(scheme, "none") == 0);
  add_str(v, o, "auth_header_name", str(auth, "header"));
  add_doc(v, o, api);
  return o;
}

/* The next model that models[i] holds by value and that is not placed yet, or -1. */
static int next_dependency(const name_table *index, cJSON *const *models, int i, const char *placed)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(models[i], "fields"))
  {
    if (!flag(f, "is_model") || flag(f, "is_optional") || flag(f, "is_nullable"))
      continue;
    intptr_t k = (intptr_t)name_table_get(index, str(f, "ref_name")) - 1; /* stored as index + 1 */
    if (k >= 0 && !placed[k])
      return (int)k;
  }
  return -1;
}

/* The models in an order C can declare them: whoever holds a model by value comes after it.
 * A depth-first post-order with an explicit stack (a chain of by-value models can be as long
 * as the spec), names found through a table; the front end refused cycles by value. The list
 * holds references to the models, not copies. */
static void order_models(vm *v, cJSON *root)
{
  cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
  int n = cJSON_GetArraySize(models), i = 0, depth = 0;
  cJSON **all = calloc((size_t)n + 1, sizeof *all);
  char *placed = calloc((size_t)n + 1, 1);
  int *stack = calloc((size_t)n + 1, sizeof *stack);
  name_table index;
  int have_index = name_table_init(&index) == 0;
  cJSON *order = cJSON_CreateArray();
  add_item(v, root, "models_in_c_order", order);
  if (all == NULL || placed == NULL || stack == NULL || !have_index || v->oom) {
    v->oom = 1;
    goto out;
  }
  cJSON *m;
  cJSON_ArrayForEach(m, models)
  {
    all[i] = m;
    if (name_table_put(&index, str(m, "name"), (void *)(intptr_t)(i + 1)) != 0)
      v->oom = 1;
    i++;
  }
  for (i = 0; i < n && !v->oom; i++) {
    if (placed[i])
      continue;
    stack[depth++] = i;
    placed[i] = 1; /* on the stack: reached again only through a cycle, which cannot be */
    while (depth > 0) {
      int top = stack[depth - 1], dep = next_dependency(&index, all, top, placed);
      if (dep >= 0) {
        placed[dep] = 1;
        stack[depth++] = dep;
        continue;
      }
      depth--;
      if (!cJSON_AddItemReferenceToArray(order, all[top]))
        v->oom = 1;
    }
  }
out:
  if (have_index)
    name_table_free(&index);
  free(all);
  free(placed);
  free(stack);
}

/* At least the length of item printed as compact JSON: each byte of a string or key may take
 * a 6-byte escape, a number takes at most 26 bytes, and brackets, ':' and ',' at most 4. */
static size_t json_bound(const cJSON *item)
{
  size_t n = 6;
  if (item->string != NULL)
    n += 6 * strlen(item->string) + 2;
  if ((cJSON_IsString(item) || cJSON_IsRaw(item)) && item->valuestring != NULL)
    n += 6 * strlen(item->valuestring) + 2;
  else if (cJSON_IsNumber(item))
    n += 26;
  for (const cJSON *c = item->child; c != NULL; c = c->next)
    n += json_bound(c);
  return n;
}

/* The resolved spec as compact JSON in C string pieces of about 100 bytes (the generated mock
 * server embeds it; one literal per line keeps each under ISO C's 4095-byte limit). Pieces end
 * at ASCII bytes, so no UTF-8 sequence is split across literals. */
static void add_spec_json(vm *v, cJSON *root)
{
  /* Printed once into a buffer of a size known to be enough: cJSON's own printing doubles its
   * buffer as it goes, which for a large spec touched three times the text's size. */
  size_t size = json_bound(v->spec) + 1;
  char *json = size <= INT_MAX ? big_alloc(size) : NULL;
  cJSON *parts = cJSON_CreateArray();
  add_item(v, root, "spec_json_parts", parts);
  if (json == NULL || v->oom || !cJSON_PrintPreallocated((cJSON *)v->spec, json, (int)size, 0)) {
    v->oom = 1;
    big_free(json, size);
    return;
  }
  size_t len = strlen(json);
  for (size_t at = 0; at < len && !v->oom;) {
    size_t end = at + 100 < len ? at + 100 : len;
    while (end < len && (unsigned char)json[end] >= 0x80)
      end++;
    char save = json[end];
    json[end] = '\0';
    cJSON *part = cJSON_CreateObject();
    if (part == NULL || !cJSON_AddItemToArray(parts, part))
      v->oom = 1;
    else
      add_c_string(v, part, "part", json + at);
    json[end] = save;
    at = end;
  }
  big_free(json, size);
}

/* Which shared pieces the client needs: a spec without streams or pages has no end callback. */
static void add_op_flags(vm *v, cJSON *root)
{
  int ops = 0, ends = 0;
  const cJSON *r, *op;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "resources"))
  cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(r, "operations"))
  {
    ops = 1;
    ends |= flag(op, "is_stream") || flag(op, "is_page");
  }
  add_bool(v, root, "has_operations", ops);
  add_bool(v, root, "has_end_callbacks", ends);
}

cJSON *apic_viewmodel_build(const cJSON *spec, const char *spec_path, char **out_err)
{
  vm v = {.spec = spec};
  *out_err = NULL;
  const cJSON *api = cJSON_GetObjectItemCaseSensitive(spec, "api");
  if (!cJSON_IsObject(api) || str(api, "name")[0] == '\0') {
    *out_err = strdup("the spec has no api block");
    return NULL;
  }
  cJSON *root = ok(&v, cJSON_CreateObject());
  if (root == NULL) {
    *out_err = strdup("out of memory");
    return NULL;
  }
  char lower[256];
  snake_case(str(api, "name"), lower, sizeof lower);
  v.prefix = lower;
  char header[1200];
  snprintf(header, sizeof header, "generated by apic %s from %s; do not edit", APIC_VERSION, spec_path);
  add_str(&v, root, "apic_version", APIC_VERSION);
  add_str(&v, root, "spec_file", spec_path);
  add_str(&v, root, "generated_line", header);
  if (!cJSON_AddItemToObject(root, "api", api_view(&v, api)))
    v.oom = 1;
  add_list(&v, root, "enums", cJSON_GetObjectItemCaseSensitive(spec, "enums"), enum_view);
  add_list(&v, root, "models", cJSON_GetObjectItemCaseSensitive(spec, "models"), model_view);
  add_list(&v, root, "errors", cJSON_GetObjectItemCaseSensitive(spec, "errors"), model_view);
  add_list(&v, root, "resources", cJSON_GetObjectItemCaseSensitive(spec, "resources"), resource_view);
  order_models(&v, root);
  add_op_flags(&v, root);
  add_spec_json(&v, root);
  if (v.have_models)
    name_table_free(&v.models);
  if (v.oom) {
    cJSON_Delete(root);
    *out_err = strdup("out of memory");
    return NULL;
  }
  return root;
}
