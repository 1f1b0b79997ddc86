/* The view model: the checked spec with everything a template needs already computed, so
 * templates hold no logic beyond sections. Keys: docs/templates.md. It is built straight from
 * the AST into a view tree (view.h), borrowing the AST's text wherever a value is the spec's
 * own text; only the mock's copy of the spec goes through the resolved-spec JSON. */
#include "viewmodel.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "commands.h"
#include "ctypes.h"
#include "lro.h"
#include "names.h"
#include "semver.h"
#include "strbuf.h"
#include "unions.h"

/* Every key of the view model. */
#define VIEW_KEYS(X)                                                                                                   \
  X(apic_version) X(spec_file) X(generated_line) X(api) X(enums) X(models) X(errors) X(resources)                      \
  X(models_in_c_order) X(has_operations) X(has_end_callbacks) X(spec_json_c) X(name) X(c_name) X(upper)                \
  X(title) X(version) X(base_url) X(doc) X(has_doc)     \
  X(is_deprecated) X(deprecated) X(snake_name) X(values) X(wire) X(c_wire) X(first) X(last) X(c_const) X(status)      \
  X(short_name) X(kind_const) X(is_status_class) X(status_class_digit) X(is_error) X(fields) X(has_fields) X(type)     \
  X(is_string) X(is_int) X(is_float) X(is_bool) X(is_datetime) X(is_date) X(is_any) X(is_model) X(is_enum)            \
  X(is_int32) X(is_uuid) X(is_bytes) X(is_array) X(is_map) X(type_c_name) X(is_optional) X(is_required) X(is_nullable) X(is_sensitive) X(has_default)     \
  X(default) X(has_header) X(header) X(has_constraints) X(constraints) X(c_decl) X(c_type) X(c_header) X(has_count)   \
  X(has_list) X(has_entry) X(has_list_entry) X(c_result_free) X(c_min) X(c_max) X(c_min_len) X(c_max_len)                               \
  X(c_pattern) X(c_def_int) X(c_def_text) X(c_def_float) X(c_flags) X(owner) X(method) X(full_path) X(path_params)    \
  X(has_path_params) X(query_params) X(has_query_params) X(header_params) X(has_header_params) X(has_body) X(body)     \
  X(returns_nothing) X(is_page) X(is_stream) X(result) X(is_idempotent) X(has_errors) X(op_name) X(c_path_struct)     \
  X(c_path_fields) X(c_arg) X(c_sample) X(c_params_struct) X(c_params) X(has_params) X(c_result_kind)                  \
  X(c_result_type) X(c_result_desc) X(result_is_array) X(page_items) X(page_param) X(page_next) X(is_cursor_page)      \
  X(page_item_c_name) X(c_body_type) X(c_body_desc) X(body_is_array) X(c_timeout) X(c_retries) X(path)                \
  X(operations) X(c_full_path) X(c_base_url) X(c_version) X(version_numeric) X(version_major) \
  X(version_minor) X(version_patch) X(c_out_type) X(c_lent_type) X(c_result_from) X(c_result_var) X(result_by_value)    \
  X(has_map) X(extends) X(has_extends) X(has_result_headers) X(is_download) X(c_result_struct) X(c_result_fields)      \
  X(result_headers) \
  X(has_lro) X(lro_status) X(lro_success) X(lro_failed) X(lro_cancelled) X(lro_poll) X(lro_watch) X(lro_cancel)      \
  X(lro_poll_name) X(lro_watch_name) X(lro_cancel_name) X(lro_error) X(has_accumulate) X(accumulate)                \
  X(is_lro_result) X(has_lro_results) \
  X(is_union) X(unions) X(variants) X(is_discriminated) X(discriminator) X(c_discriminator) X(tag) X(c_tag)          \
  X(c_desc_type) X(has_unions) X(is_integer) \
  X(is_file) X(c_body_struct) X(c_body_fields) X(c_body_param) X(c_body_local) X(c_body_pass) X(c_body_kind)        \
  X(c_content_type) X(body_is_form) X(body_is_multipart) X(body_fields) X(content_type) \
  X(c_def_items) X(c_def_count) X(schemes) X(c_param) X(how) X(env) X(is_default) X(has_schemes) X(c_auth) X(auth_note)

enum {
#define KEY_ENUM(k) K_##k,
  VIEW_KEYS(KEY_ENUM)
#undef KEY_ENUM
  KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
#define KEY_NAME(k) #k,
    VIEW_KEYS(KEY_NAME)
#undef KEY_NAME
};

typedef struct vm {
  view_builder *b;
  const spec *s;
  const char *prefix; /* the api's name in snake case: torale */
  auth_scheme schemes[MAX_SCHEMES]; /* the API's (ast.h), and which operations use unless they say */
  int nschemes, def_scheme;
  name_table lists, entries, list_entries, maps; /* models and enums that need an X_list, X_entry, X_list_entry,
                                                    X_map (a map result) */
  name_table lro_results; /* models an @lro operation starts: they get X_from_error */
  uint16_t keys[KEY_COUNT];
} vm;

/* The key number of a view model key: K(name). */
#define K(k) (v->keys[K_##k])

/* The string s, which outlives the view (the AST's text, literals). */
static void str(vm *v, uint16_t key, const char *s)
{
  vb_str(v->b, key, s);
}

/* A string made here (a buffer on the stack): copied. */
static void copy(vm *v, uint16_t key, const char *s)
{
  vb_strcpy(v->b, key, s, strlen(s));
}

static void boolean(vm *v, uint16_t key, int on)
{
  vb_bool(v->b, key, on);
}

/* A flag only fields, parameters and types carry is stored only when true: to mustache a
 * missing key is false, and most are false (a field has one kind out of eleven), which halves
 * a big spec's view model. Keys that also occur on enclosing objects (has_doc, first, last...)
 * must stay explicit, or a section would find the enclosing object's value instead. */
static void flag(vm *v, uint16_t key, int on)
{
  if (on)
    vb_bool(v->b, key, 1);
}

/* prefix_snake(name): torale + TaskState -> torale_task_state; upper-cased on request. */
static void c_name_of(vm *v, const char *name, int upper, char *full, size_t size)
{
  char snake[512];
  snake_case(name, snake, sizeof snake);
  join(full, size, v->prefix, "_", snake, (char *)NULL);
  if (upper)
    upper_case(full, full, size);
}

static void c_name(vm *v, uint16_t key, const char *name, int upper)
{
  char full[600];
  c_name_of(v, name, upper, full, sizeof full);
  copy(v, key, full);
}

/* The spec name in lower snake case without the API prefix: TaskState -> task_state. */
static void add_snake(vm *v, const char *name)
{
  char snake[512];
  snake_case(name, snake, sizeof snake);
  copy(v, K(snake_name), snake);
}

/* ---- the escapers: every spec text reaches C (and the build files) through one of these ------- */

/* Bytes a C string literal cannot hold as they are: control bytes, DEL, '"', '\\', '?' (escaped
 * when it follows another, so no trigraph forms: gcc reads them in ISO C modes) and '*' (so no
 * comment opens or closes when the literal's text is shown in a comment too). */
static const uint64_t c_special[4] = {
    0xffffffffull | 1ull << '"' | 1ull << '?' | 1ull << '*', 1ull << ('\\' - 64) | 1ull << (0x7f - 64), 0, 0};

static int is_c_special(unsigned char c)
{
  return (int)(c_special[c >> 6] >> (c & 63) & 1);
}

/* Writes \ooo for c at out + n (when out is not NULL). */
static size_t octal(char *out, size_t n, unsigned char c)
{
  if (out != NULL) {
    out[n] = '\\';
    out[n + 1] = (char)('0' + (c >> 6));
    out[n + 2] = (char)('0' + ((c >> 3) & 7));
    out[n + 3] = (char)('0' + (c & 7));
  }
  return 4;
}

/* Writes len bytes of text as the body of a C string literal to out (when not NULL) and
 * returns the length: quotes, backslashes and the second '?' of "??" get a backslash, control
 * bytes and DEL are written \ooo, and so is the '/' after a '*' and the '*' after a '/': the
 * result is also harmless inside a C comment. Runs of plain bytes are copied whole: the mock's
 * copy of a large spec is megabytes of this. */
static size_t c_escape(char *out, const char *text, size_t len)
{
  const unsigned char *in = (const unsigned char *)text;
  size_t n = 0;
  for (size_t i = 0, run; i < len; i++) {
    for (run = i; i < len && !is_c_special(in[i]); i++)
      ;
    if (out != NULL)
      memcpy(out + n, in + run, i - run);
    n += i - run;
    if (i == len)
      break;
    unsigned char c = in[i];
    if (c < 0x20 || c == 0x7f || (c == '*' && i > 0 && in[i - 1] == '/')) {
      n += octal(out, n, c);
    } else if (c == '*') { /* and a '/' right after it: written \057 */
      if (out != NULL)
        out[n] = '*';
      n++;
      if (i + 1 < len && in[i + 1] == '/')
        n += octal(out, n, in[++i]);
    } else if (c == '?' && (i == 0 || in[i - 1] != '?')) {
      if (out != NULL)
        out[n] = '?';
      n += 1;
    } else {
      if (out != NULL) {
        out[n] = '\\';
        out[n + 1] = (char)c;
      }
      n += 2;
    }
  }
  return n;
}

/* text as the body of a C string literal (and safe to show in a comment). */
static void c_string(vm *v, uint16_t key, const char *text, size_t len)
{
  size_t n = c_escape(NULL, text, len);
  if (n == len) {
    vb_strcpy(v->b, key, text, len);
    return;
  }
  char *out = vb_alloc(v->b, n + 1);
  if (out == NULL)
    return;
  c_escape(out, text, len);
  out[n] = '\0';
  vb_str(v->b, key, out);
}

/* Whether in[i] starts what a comment may not hold: a comment's end or start (C's, and HTML's
 * "-->" for the README's first line), or a trigraph (??= ??( ??/ ??) ??' ??< ??! ??> ??-). */
static int breaks_comment(const char *in, size_t i)
{
  const char *p = in + i;
  return (p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*') || (p[0] == '-' && p[1] == '-' && p[2] == '>') ||
         (p[0] == '?' && p[1] == '?' && p[2] != '\0' && strchr("=(/)'<!>-", p[2]) != NULL);
}

/* Text for a comment, or for a line of a build file (stable: text outlives the view): control bytes become spaces, and a space
 * goes after the first character of whatever breaks_comment finds, so "*" "/" reads "* /". The
 * same text goes into the README: the sequences it changes are rare in prose. */
static void comment_text(vm *v, uint16_t key, const char *text, int stable)
{
  size_t len = strlen(text), extra = 0;
  int plain = 1;
  for (size_t i = 0; i < len; i++) {
    extra += (size_t)breaks_comment(text, i);
    plain &= (unsigned char)text[i] >= 0x20 && text[i] != 0x7f;
  }
  if (plain && extra == 0) {
    if (stable) /* text outlives the view: borrowed */
      vb_str(v->b, key, text);
    else
      vb_strcpy(v->b, key, text, len);
    return;
  }
  char *out = vb_alloc(v->b, len + extra + 1);
  if (out == NULL)
    return;
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    if (breaks_comment(text, i))
      out[n++] = ' ';
  }
  out[n] = '\0';
  vb_str(v->b, key, out);
}

/* s copied into the view's memory, for values that share it; "" when out of memory (the
 * builder has failed then). */
static const char *stable_copy(vm *v, const char *s)
{
  char *c = vb_alloc(v->b, strlen(s) + 1);
  return c != NULL ? strcpy(c, s) : "";
}

/* The doc lines, has_doc, and whether (and why) it is deprecated. annos: NULL where the spec
 * cannot deprecate the thing (the api, resources, parameters). */
static void add_doc(vm *v, doc dc, const annotation *annos)
{
  vb_begin(v->b, K(doc), V_LIST);
  for (int i = 0; i < dc.count; i++)
    comment_text(v, 0, dc.lines[i], 1);
  vb_end(v->b);
  boolean(v, K(has_doc), dc.count > 0);
  const annotation *dep = find_anno(annos, "deprecated");
  boolean(v, K(is_deprecated), dep != NULL);
  if (dep != NULL) {
    const char *why = anno_string(annos, "deprecated");
    comment_text(v, K(deprecated), why != NULL ? why : "", 1);
  }
}

/* A list's first and last markers (for separators). */
static void add_ends(vm *v, int i, int n)
{
  boolean(v, K(first), i == 0);
  boolean(v, K(last), i == n - 1);
}

/* ---- types ---------------------------------------------------------------------------------- */

static int is_named(const type *t)
{
  return t->rk == R_MODEL || t->rk == R_ENUM || t->rk == R_UNION;
}

/* The name of a model, enum or union type; "" for any other. */
static const char *type_name(const type *t)
{
  return is_named(t) ? t->target->name : "";
}

/* The type as the spec writes it: string, Task[], map<string>. */
static void type_text(const type *t, strbuf *b)
{
  if (t->rk == R_ARRAY) {
    type_text(t->inner, b);
    sb_puts(b, "[]");
  } else if (t->rk == R_MAP) {
    sb_puts(b, "map<");
    type_text(t->inner, b);
    sb_puts(b, ">");
  } else {
    sb_puts(b, is_named(t) || t->rk == R_PAGE || t->rk == R_STREAM ? type_name(t) : type_kind_name(t));
  }
}

static void add_type(vm *v, const type *t)
{
  if (t->rk == R_ARRAY || t->rk == R_MAP) {
    strbuf b = {0};
    type_text(t, &b);
    if (b.failed)
      v->b->failed = 1;
    else
      vb_strcpy(v->b, K(type), b.data, b.len);
    sb_free(&b);
  } else {
    str(v, K(type), is_named(t) ? type_name(t) : t->rk == R_PAGE || t->rk == R_STREAM ? "" : type_kind_name(t));
  }
  static const uint16_t flags[] = {[R_STRING] = K_is_string, [R_INT] = K_is_int,   [R_FLOAT] = K_is_float,
                                   [R_BOOL] = K_is_bool,     [R_DATETIME] = K_is_datetime, [R_DATE] = K_is_date,
                                   [R_ANY] = K_is_any,       [R_MODEL] = K_is_model, [R_ENUM] = K_is_enum,
                                   [R_ARRAY] = K_is_array,   [R_MAP] = K_is_map,   [R_PAGE] = K_is_model,
                                   [R_STREAM] = K_is_model,  [R_INT32] = K_is_int32, [R_UUID] = K_is_uuid,
                                   [R_BYTES] = K_is_bytes,   [R_UNION] = K_is_union,
                                   [R_FILE] = K_is_file};
  if (t->rk > R_UNRESOLVED && t->rk < R_KIND_COUNT)
    flag(v, v->keys[flags[t->rk]], 1);
  if (is_named(t))
    c_name(v, K(type_c_name), type_name(t), 0);
}

/* ---- values --------------------------------------------------------------------------------- */

/* A default or annotation value as the resolved spec holds it. */
static cJSON *value_json(const value *val)
{
  switch (val->kind) {
  case VAL_STRING:
  case VAL_IDENT: return cJSON_CreateString(val->text);
  case VAL_INT: return cJSON_CreateNumber((double)val->i);
  case VAL_FLOAT: return cJSON_CreateNumber(val->f);
  case VAL_BOOL: return cJSON_CreateBool((int)val->i);
  case VAL_NULL: return cJSON_CreateNull();
  case VAL_EMPTY_LIST: return cJSON_CreateArray();
  case VAL_LIST:
  case VAL_MAP: {
    cJSON *all = val->kind == VAL_LIST ? cJSON_CreateArray() : cJSON_CreateObject(), *one;
    for (const value *i = val->items; all != NULL && i != NULL; i = i->next)
      if ((one = value_json(i)) == NULL || !(i->key != NULL ? cJSON_AddItemToObject(all, i->key, one)
                                                            : cJSON_AddItemToArray(all, one))) {
        cJSON_Delete(one);
        cJSON_Delete(all);
        return NULL;
      }
    return all;
  }
  }
  return NULL;
}

/* The value as compact JSON into b (cJSON's spelling of numbers). */
static void value_text(const value *val, strbuf *b)
{
  cJSON *j = value_json(val);
  char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
  if (text == NULL)
    b->failed = 1;
  else
    sb_puts(b, text);
  cJSON_free(text);
  cJSON_Delete(j);
}

/* A number as the resolved spec holds it (strings and the like: 0, as cJSON reads them). */
static double value_number(const value *val)
{
  return val->kind == VAL_INT ? (double)val->i : val->kind == VAL_FLOAT ? val->f : 0;
}

static const char *const constraint_names[] = {"min", "max", "min_len", "max_len", "pattern"};

/* The constraint annotation called name, when it has its argument. */
static const value *constraint(const annotation *annos, const char *name)
{
  const annotation *a = find_anno(annos, name);
  return a != NULL && a->args != NULL ? &a->args->val : NULL;
}

/* ---- fields and parameters ---------------------------------------------------------------- */

/* A model's field or an operation's parameter (is_param: no nullable, header or deprecated). */
typedef struct field_in {
  const field *f;
  int is_param;
  int from_header; /* a response header the result carries, read from its wire name */
} field_in;

static int is_nullable(field_in in)
{
  return !in.is_param && in.f->nullable;
}

static void field_keys(vm *v, field_in in)
{
  const field *f = in.f;
  str(v, K(name), f->name);
  str(v, K(wire), field_wire(f));
  add_type(v, f->type);
  flag(v, K(is_optional), f->optional);
  flag(v, K(is_required), !f->optional);
  flag(v, K(is_nullable), is_nullable(in));
  flag(v, K(is_sensitive), find_anno(f->annos, "sensitive") != NULL);
  flag(v, K(has_default), f->def != NULL);
  strbuf b = {0};
  if (f->def != NULL) {
    value_text(f->def, &b);
    comment_text(v, K(default), b.data != NULL ? b.data : "", 0);
    b.len = 0;
  }
  const char *header = in.is_param ? NULL : anno_string(f->annos, "header");
  flag(v, K(has_header), header != NULL);
  if (header != NULL)
    str(v, K(header), header);
  /* Constraints as one line for docs: "min 1, max 10". */
  for (size_t i = 0; i < sizeof constraint_names / sizeof constraint_names[0]; i++) {
    const value *c = constraint(f->annos, constraint_names[i]);
    if (c == NULL)
      continue;
    sb_printf(&b, "%s%s ", b.len ? ", " : "", constraint_names[i]);
    value_text(c, &b);
  }
  if (b.failed)
    v->b->failed = 1;
  flag(v, K(has_constraints), b.len > 0);
  comment_text(v, K(constraints), b.data != NULL ? b.data : "", 0);
  sb_free(&b);
  add_doc(v, f->doc, in.is_param ? NULL : f->annos);
}

/* ---- how a value is stored in C (apic/model.h) ------------------------------------------------ */

/* The type's table for libapic, as a C expression: &apic_t_string, &torale_task__desc.type, or
 * a compound literal for arrays and maps (static, at file scope). */
static void c_type_desc(vm *v, const type *t, strbuf *out)
{
  char name[600], entry[700];
  if (t->rk == R_ARRAY || t->rk == R_MAP) {
    sb_puts(out, t->rk == R_ARRAY ? "&(const apic_type_desc){APIC_T_ARRAY, .item = "
                                  : "&(const apic_type_desc){APIC_T_MAP, .item = ");
    c_type_desc(v, t->inner, out);
    if (t->rk == R_MAP) {
      c_collection(v->prefix, t->inner, "entry", entry, sizeof entry);
      sb_printf(out, ", .entry_size = sizeof(%s), .value_offset = offsetof(%s, value)", entry, entry);
    }
    sb_puts(out, "}");
  } else if (is_named(t)) {
    c_name_of(v, type_name(t), 0, name, sizeof name);
    sb_printf(out, "&%s%s.type", name, t->rk == R_MODEL ? "__desc" : t->rk == R_UNION ? "__desc.variants" : "__enum");
  } else {
    sb_printf(out, "&apic_t_%s", type_kind_name(t)); /* libapic names its scalars' tables as the spec does */
  }
}

static void add_c_type_desc(vm *v, uint16_t key, const type *t)
{
  strbuf b = {0};
  c_type_desc(v, t, &b);
  if (b.failed)
    v->b->failed = 1;
  else
    vb_strcpy(v->b, key, b.data, b.len);
  sb_free(&b);
}

static int has_default(const field *f)
{
  return f->def != NULL && f->def->kind != VAL_NULL;
}

/* The member declarations of a field in its struct (ctypes.h): "const char *name;" and the
 * like, one per line, with their comments. */
static void add_c_decl(vm *v, field_in in)
{
  c_member m[C_MAX_MEMBERS];
  int n = c_field_members(v->prefix, in.f, is_nullable(in), m);
  strbuf b = {0};
  for (int i = 0; i < n; i++) {
    const char *t = m[i].type;
    sb_printf(&b, "%s%s%s%s;", i > 0 ? "\n  " : "", t, t[strlen(t) - 1] == '*' ? "" : " ", m[i].name);
    if (m[i].comment != NULL)
      sb_printf(&b, " /**< %s */", m[i].comment);
  }
  if (b.failed)
    v->b->failed = 1;
  else
    vb_strcpy(v->b, K(c_decl), b.data, b.len);
  sb_free(&b);
}

/* A number as a C literal: an int exactly (INT64_MIN has no literal of its own), a float in 17
 * digits. */
static void c_number(const value *n, int as_float, char *buf, size_t size)
{
  if (as_float || n->kind == VAL_FLOAT)
    snprintf(buf, size, "%.17g", value_number(n));
  else if (n->i == INT64_MIN)
    snprintf(buf, size, "(-9223372036854775807LL - 1)");
  else
    snprintf(buf, size, "%lldLL", n->i);
}

/* One item of a list or map default (a scalar or an enum value of type t) as C. */
static void c_item(vm *v, const type *t, const value *i, strbuf *b)
{
  char num[64], name[700];
  if (t->rk == R_ENUM) {
    c_name_of(v, type_name(t), 1, name, sizeof name);
    upper_case(i->text, num, sizeof num);
    sb_printf(b, "%s_%s", name, num);
  } else if (i->kind == VAL_STRING) {
    size_t len = strlen(i->text), n = c_escape(NULL, i->text, len);
    char *text = malloc(n + 1);
    if (text == NULL) {
      b->failed = 1;
      return;
    }
    c_escape(text, i->text, len);
    text[n] = '\0';
    sb_printf(b, "\"%s\"", text);
    free(text);
  } else if (i->kind == VAL_BOOL) {
    sb_puts(b, i->i ? "true" : "false");
  } else {
    c_number(i, t->rk == R_FLOAT, num, sizeof num);
    sb_puts(b, num);
  }
}

/* A list or map default's items as a C compound literal (static, at file scope):
 * (const char *const[]){"a", "b"}, (const apic_int_entry[]){{"k", 1LL}}. */
static void add_c_items(vm *v, const type *t, const value *def)
{
  char elem[700], array[800], num[32];
  size_t n = 0;
  if (def->items == NULL)
    return; /* {}: libapic's empty list */
  const char *et = t->rk == R_MAP ? c_collection(v->prefix, t->inner, "entry", elem, sizeof elem)
                                   : c_value_type(v->prefix, t->inner, elem, sizeof elem);
  if (et[strlen(et) - 1] == '*') /* "const char *": an array of const char *const */
    join(array, sizeof array, et, "const[]", (char *)NULL);
  else
    join(array, sizeof array, "const ", et, "[]", (char *)NULL);
  strbuf b = {0};
  sb_printf(&b, "(%s){", array);
  for (const value *i = def->items; i != NULL; i = i->next, n++) {
    sb_puts(&b, n > 0 ? ", " : "");
    if (i->key != NULL) {
      sb_puts(&b, "{");
      c_item(v, &(type){.rk = R_STRING}, &(value){.kind = VAL_STRING, .text = i->key}, &b);
      sb_puts(&b, ", ");
    }
    c_item(v, t->inner, i, &b);
    if (i->key != NULL)
      sb_puts(&b, "}");
  }
  sb_puts(&b, "}");
  if (b.failed)
    v->b->failed = 1;
  else
    vb_strcpy(v->b, K(c_def_items), b.data, b.len);
  sb_free(&b);
  snprintf(num, sizeof num, "%zu", n);
  copy(v, K(c_def_count), num);
}

/* The default's C pieces, and the constraints' values; appends their flags. */
static void add_c_values(vm *v, const field *f, strbuf *flags)
{
  static const char *const cflags[][2] = {{"APIC_F_HAS_MIN", "c_min"},
                                          {"APIC_F_HAS_MAX", "c_max"},
                                          {"APIC_F_HAS_MIN_LEN", "c_min_len"},
                                          {"APIC_F_HAS_MAX_LEN", "c_max_len"}};
  static const int ckeys[] = {K_c_min, K_c_max, K_c_min_len, K_c_max_len};
  for (size_t i = 0; i < 4; i++) {
    const value *c = constraint(f->annos, constraint_names[i]);
    if (c == NULL)
      continue;
    sb_printf(flags, " | %s", cflags[i][0]);
    char num[64];
    snprintf(num, sizeof num, "%.17g", value_number(c));
    copy(v, v->keys[ckeys[i]], num);
  }
  const value *pattern = constraint(f->annos, "pattern");
  if (pattern != NULL && (pattern->kind == VAL_STRING || pattern->kind == VAL_IDENT))
    c_string(v, K(c_pattern), pattern->text, strlen(pattern->text));
  if (!has_default(f))
    return;
  const value *def = f->def;
  sb_puts(flags, " | APIC_F_HAS_DEFAULT");
  int is_text_value = def->kind == VAL_STRING || def->kind == VAL_IDENT;
  char num[64];
  if (is_text_value && f->type->rk == R_ENUM) {
    char snake[256], constant[256], full[600];
    snake_case(type_name(f->type), snake, sizeof snake);
    upper_case(def->text, constant, sizeof constant);
    join(full, sizeof full, v->prefix, "_", snake, "_", constant, (char *)NULL);
    upper_case(full, full, sizeof full);
    copy(v, K(c_def_int), full);
  } else if (is_text_value) {
    c_string(v, K(c_def_text), def->text, strlen(def->text));
  } else if (def->kind == VAL_BOOL) {
    str(v, K(c_def_int), def->i ? "1" : "0");
  } else if (def->kind == VAL_INT || def->kind == VAL_FLOAT) {
    c_number(def, f->type->rk == R_FLOAT, num, sizeof num);
    copy(v, f->type->rk == R_FLOAT ? K(c_def_float) : K(c_def_int), num);
  } else if (def->kind == VAL_LIST || def->kind == VAL_MAP) {
    add_c_items(v, f->type, def);
  }
}

/* How a field is stored and described (apic/model.h): the member declarations, the table's
 * type and flags, and the pieces of its default. owner (the struct's C name) is borrowed. */
static void add_c_field(vm *v, field_in in, const char *extra_flag, const char *owner)
{
  const field *f = in.f;
  add_c_decl(v, in);
  add_c_type_desc(v, K(c_type), f->type);
  flag(v, K(has_count), f->type->rk == R_ARRAY || f->type->rk == R_MAP);
  strbuf flags = {0};
  if (f->optional || f->variant) sb_puts(&flags, " | APIC_F_OPTIONAL"); /* a variant is stored as optional */
  if (is_nullable(in)) sb_puts(&flags, " | APIC_F_NULLABLE");
  if (c_stored_by_pointer(f, is_nullable(in))) sb_puts(&flags, " | APIC_F_POINTER");
  if (find_anno(f->annos, "sensitive") != NULL) sb_puts(&flags, " | APIC_F_SENSITIVE");
  if (extra_flag != NULL) sb_printf(&flags, " | %s", extra_flag);
  add_c_values(v, f, &flags);
  if (flags.failed)
    v->b->failed = 1;
  copy(v, K(c_flags), flags.len > 0 ? flags.data + 3 : "0");
  sb_free(&flags);
  c_string(v, K(c_wire), field_wire(f), strlen(field_wire(f)));
  const char *header = in.from_header ? field_wire(f) : in.is_param ? NULL : anno_string(f->annos, "header");
  if (header != NULL)
    c_string(v, K(c_header), header, strlen(header));
  str(v, K(owner), owner);
}

/* How a path parameter is passed to the C function, and a value for examples in the docs. */
static void add_path_arg(vm *v, const field *f)
{
  char type_c[600];
  const char *kind = f->type->rk == R_INT ? "int64_t" : f->type->rk == R_INT32 ? "int32_t"
                     : f->type->rk == R_FLOAT ? "double" : f->type->rk == R_BOOL ? "bool" : "const char *";
  if (f->type->rk == R_ENUM) {
    c_name_of(v, type_name(f->type), 0, type_c, sizeof type_c);
    kind = type_c;
  }
  char c_arg[1300], sample[600];
  join(c_arg, sizeof c_arg, kind, kind[strlen(kind) - 1] == '*' ? "" : " ", f->name, (char *)NULL);
  copy(v, K(c_arg), c_arg);
  if (f->type->rk == R_UUID)
    join(sample, sizeof sample, "\"123e4567-e89b-12d3-a456-426614174000\"", (char *)NULL);
  else if (strcmp(kind, "const char *") == 0)
    join(sample, sizeof sample, "\"", f->name, "-1\"", (char *)NULL);
  else
    join(sample, sizeof sample, f->type->rk == R_BOOL ? "true" : "1", (char *)NULL);
  copy(v, K(c_sample), sample);
}

/* One list of fields or parameters in the view model, made of up to two of the spec's lists
 * (an operation's query and header parameters share one C struct). */
typedef struct field_lists {
  const field *lists[2];
  const char *extra_flag[2]; /* a flag added to each list's fields' C flags, or NULL */
  int is_param;
  const char *owner;         /* the C struct's name: with it, the C keys too (borrowed) */
  int path_args;             /* path parameters: how each is passed to the C function */
  int from_headers;          /* the second list holds response headers (a result's struct) */
} field_lists;

static void add_fields(vm *v, uint16_t key, const field_lists *in)
{
  int n = 0, i = 0;
  for (int l = 0; l < 2; l++)
    for (const field *f = in->lists[l]; f != NULL; f = f->next)
      n++;
  vb_begin(v->b, key, V_LIST);
  for (int l = 0; l < 2; l++)
    for (const field *f = in->lists[l]; f != NULL; f = f->next, i++) {
      field_in fi = {f, in->is_param, in->from_headers && l == 1};
      vb_begin(v->b, 0, V_OBJECT);
      field_keys(v, fi);
      add_ends(v, i, n);
      if (in->owner != NULL)
        add_c_field(v, fi, in->extra_flag[l], in->owner);
      if (in->path_args)
        add_path_arg(v, f);
      vb_end(v->b);
    }
  vb_end(v->b);
}

/* ---- typed lists and map entries ------------------------------------------------------------ */

/* c_collection_uses's callback: the name goes into the set of its kind. */
static void need(void *ctx, int what, const char *name)
{
  vm *v = ctx;
  name_table *set = what == C_NEEDS_LIST         ? &v->lists
                    : what == C_NEEDS_ENTRY      ? &v->entries
                    : what == C_NEEDS_MAP        ? &v->maps
                    : what == C_NEEDS_FROM_ERROR ? &v->lro_results
                                                 : &v->list_entries;
  if (name_table_put(set, name, (void *)1) != 0)
    v->b->failed = 1;
}

static void add_collection_flags(vm *v, const char *name)
{
  boolean(v, K(has_list), name_table_get(&v->lists, name) != NULL);
  boolean(v, K(has_entry), name_table_get(&v->entries, name) != NULL);
  boolean(v, K(has_list_entry), name_table_get(&v->list_entries, name) != NULL);
  boolean(v, K(has_map), name_table_get(&v->maps, name) != NULL);
}

/* ---- declarations --------------------------------------------------------------------------- */

static void enum_view(vm *v, const decl *e)
{
  char upper[600];
  c_name_of(v, e->name, 1, upper, sizeof upper);
  str(v, K(name), e->name);
  c_name(v, K(c_name), e->name, 0);
  copy(v, K(upper), upper);
  add_snake(v, e->name);
  add_doc(v, e->doc, e->annos);
  add_collection_flags(v, e->name);
  boolean(v, K(is_integer), enum_is_integer(e));
  int n = 0, i = 0;
  for (const enum_value *ev = e->values; ev != NULL; ev = ev->next)
    n++;
  vb_begin(v->b, K(values), V_LIST);
  for (const enum_value *ev = e->values; ev != NULL; ev = ev->next, i++) {
    const char *wire = ev->wire != NULL ? ev->wire : ev->name;
    vb_begin(v->b, 0, V_OBJECT);
    str(v, K(name), ev->name);
    str(v, K(wire), wire);
    c_string(v, K(c_wire), wire, strlen(wire));
    add_doc(v, ev->doc, ev->annos);
    add_ends(v, i, n);
    /* Each value's C constant: TORALE_TASK_STATE_ACTIVE. */
    char name[512], full[1200];
    upper_case(ev->name, name, sizeof name);
    join(full, sizeof full, upper, "_", name, (char *)NULL);
    copy(v, K(c_const), full);
    vb_end(v->b);
  }
  vb_end(v->b);
}

/* An error's kind constant, accessor name and status test. */
static void error_keys(vm *v, const decl *m)
{
  const char *status = m->status;
  str(v, K(status), status);
  char snake[256], shortname[256], kind[600];
  snake_case(m->name, snake, sizeof snake);
  size_t n = strlen(snake);
  snprintf(shortname, sizeof shortname, "%.*s", (int)(n > 6 && strcmp(snake + n - 6, "_error") == 0 ? n - 6 : n), snake);
  copy(v, K(short_name), shortname);
  join(kind, sizeof kind, v->prefix, "_ERROR_", shortname, (char *)NULL);
  upper_case(kind, kind, sizeof kind);
  copy(v, K(kind_const), kind);
  int is_class = status[1] == 'X' || status[1] == 'x';
  boolean(v, K(is_status_class), is_class);
  char digit[2] = {status[0], '\0'};
  copy(v, K(status_class_digit), is_class ? digit : "");
}

/* The models a model extends (its fields start with theirs). */
static void add_bases(vm *v, const name_ref *bases)
{
  int n = 0, i = 0;
  for (const name_ref *b = bases; b != NULL; b = b->next)
    n++;
  vb_begin(v->b, K(extends), V_LIST);
  for (const name_ref *b = bases; b != NULL; b = b->next, i++) {
    vb_begin(v->b, 0, V_OBJECT);
    str(v, K(name), b->name);
    c_name(v, K(c_name), b->name, 0);
    add_ends(v, i, n);
    vb_end(v->b);
  }
  vb_end(v->b);
}

static void add_c_desc_type(vm *v, const decl *d);

static void model_view(vm *v, const decl *m)
{
  char owner[600];
  c_name_of(v, m->name, 0, owner, sizeof owner);
  str(v, K(name), m->name);
  copy(v, K(c_name), owner);
  add_snake(v, m->name);
  if (m->kind == D_ERROR)
    error_keys(v, m);
  boolean(v, K(is_error), m->kind == D_ERROR); /* errors get no functions of their own */
  add_collection_flags(v, m->name);
  boolean(v, K(is_lro_result), name_table_get(&v->lro_results, m->name) != NULL);
  add_doc(v, m->doc, m->annos);
  boolean(v, K(has_extends), m->bases != NULL);
  if (m->bases != NULL)
    add_bases(v, m->bases);
  field_lists fields = {.lists = {m->fields}, .owner = stable_copy(v, owner)}; /* every field borrows it */
  add_fields(v, K(fields), &fields);
  boolean(v, K(has_fields), m->fields != NULL);
  add_c_desc_type(v, m);
}

/* What the value functions of a model or union pass libapic: &torale_task__desc.type. */
static void add_c_desc_type(vm *v, const decl *d)
{
  type t = {.kind = TYPE_NAMED, .rk = d->kind == D_UNION ? R_UNION : R_MODEL, .target = (decl *)d};
  add_c_type_desc(v, K(c_desc_type), &t);
}

/* A union: its kind's constants, its variants (fields stored as optional ones are, each with
 * its constant and, with a discriminator, its tag), and its functions' keys. */
static void union_view(vm *v, const decl *u)
{
  char owner[600], upper[600], name[512], constant[1200];
  c_name_of(v, u->name, 0, owner, sizeof owner);
  c_name_of(v, u->name, 1, upper, sizeof upper);
  str(v, K(name), u->name);
  copy(v, K(c_name), owner);
  copy(v, K(upper), upper);
  add_snake(v, u->name);
  add_doc(v, u->doc, u->annos);
  add_collection_flags(v, u->name);
  add_c_desc_type(v, u);
  const char *disc = anno_string(u->annos, "discriminator"), *kept = stable_copy(v, owner);
  boolean(v, K(is_discriminated), disc != NULL);
  if (disc != NULL) {
    str(v, K(discriminator), disc);
    c_string(v, K(c_discriminator), disc, strlen(disc));
  }
  int n = 0, i = 0;
  for (const field *f = u->fields; f != NULL; f = f->next)
    n++;
  vb_begin(v->b, K(variants), V_LIST);
  for (const field *f = u->fields; f != NULL; f = f->next, i++) {
    vb_begin(v->b, 0, V_OBJECT);
    field_keys(v, (field_in){.f = f});
    add_ends(v, i, n);
    add_c_field(v, (field_in){.f = f}, NULL, kept);
    upper_case(f->name, name, sizeof name);
    join(constant, sizeof constant, upper, "_", name, (char *)NULL);
    copy(v, K(c_const), constant);
    if (disc != NULL) {
      str(v, K(tag), union_tag(f));
      c_string(v, K(c_tag), union_tag(f), strlen(union_tag(f)));
    }
    vb_end(v->b);
  }
  vb_end(v->b);
}

/* ---- operations ------------------------------------------------------------------------------ */

/* The type string path parameters have when they are not declared. */
static type string_type = {.kind = TYPE_NAMED, .rk = R_STRING};

/* An operation's path parameters in path order, as a list in the view's memory: declared ones
 * as declared, the others strings. NULL when there are none. */
static const field *path_params(vm *v, const operation *op, const char *full)
{
  size_t max = 0;
  for (const char *p = full; (p = strchr(p, '{')) != NULL; p++)
    max++;
  field *out = max > 0 ? vb_alloc(v->b, max * sizeof *out) : NULL;
  if (out == NULL)
    return NULL;
  size_t n = 0;
  char name[128];
  const field *declared;
  for (const char *p = full; next_path_param(&p, op, name, sizeof name, &declared);) {
    if (declared != NULL)
      out[n] = *declared;
    else
      out[n] = (field){.name = stable_copy(v, name), .type = &string_type};
    out[n].next = NULL;
    if (n > 0)
      out[n - 1].next = &out[n];
    n++;
  }
  return n > 0 ? out : NULL;
}

/* A body: its C type in a call (torale_task, torale_execution_list, a form's struct
 * <op>_body), the function parameter, a local for examples and how it is passed, its table,
 * how libapic sends it (JSON unless said) and the content type the spec gives. */
static void add_body(vm *v, const operation *op, const char *c_op)
{
  const type *t = op->body;
  char name[700], buf[1600];
  const char *kind = op->body_form == BODY_FORM ? "APIC_BODY_FORM" : op->body_form ? "APIC_BODY_MULTIPART" : NULL;
  c_body_type(v->prefix, op, c_op, name, sizeof name);
  if (op->body_form) {
    const char *owner = stable_copy(v, name);
    str(v, K(c_body_struct), owner);
    add_fields(v, K(c_body_fields), &(field_lists){.lists = {op->body_params}, .is_param = 1, .owner = owner});
    copy(v, K(c_body_desc), join(buf, sizeof buf, "&", owner, "__desc.type", (char *)NULL));
  } else {
    add_c_type_desc(v, K(c_body_desc), t);
    kind = t->rk == R_STRING || t->rk == R_BYTES ? "APIC_BODY_RAW" : NULL; /* raw: the text or bytes as they are */
  }
  int text = t != NULL && t->rk == R_STRING;
  copy(v, K(c_body_type), name);
  copy(v, K(c_body_param), join(buf, sizeof buf, "const ", name, " *body", (char *)NULL));
  copy(v, K(c_body_local), text ? "const char *body = \"...\"; /* sent as it is */"
                          : t != NULL && t->rk == R_BYTES ? "apic_bytes body = {(const uint8_t *)\"...\", 3}; /* sent as they are */"
                                                          : join(buf, sizeof buf, name, " body = {0}; /* its fields point at your data; "
                                                                 "unset ones take the spec's defaults */", (char *)NULL));
  str(v, K(c_body_pass), text ? "body" : "&body");
  flag(v, K(body_is_array), t != NULL && t->rk == R_ARRAY);
  if (kind != NULL)
    str(v, K(c_body_kind), kind);
  if (op->content_type != NULL)
    c_string(v, K(c_content_type), op->content_type, strlen(op->content_type));
}

/* Pagination (@paginate): the page model's fields and the C name of its items' model. */
static void add_paging(vm *v, const operation *op, const type *page_t)
{
  const annotation *a = find_anno(op->annos, "paginate");
  const char *items = "", *next = NULL, *param = "", *offset = NULL;
  for (const arg *g = a != NULL ? a->args : NULL; g != NULL; g = g->next) {
    if (strcmp(g->key, "items") == 0) items = g->val.text;
    else if (strcmp(g->key, "next") == 0) next = g->val.text;
    else if (strcmp(g->key, "param") == 0) param = g->val.text;
    else if (strcmp(g->key, "offset") == 0) offset = g->val.text;
  }
  const char *next_field = offset == NULL && next != NULL ? next : "";
  str(v, K(page_items), items);
  str(v, K(page_param), offset != NULL ? offset : param);
  if (next_field[0] != '\0')
    str(v, K(page_next), next_field);
  flag(v, K(is_cursor_page), next_field[0] != '\0');
  const field *f = page_t->rk == R_MODEL ? page_t->target->fields : NULL;
  while (f != NULL && strcmp(f->name, items) != 0)
    f = f->next;
  const type *item_t = f != NULL && f->type->rk == R_ARRAY ? f->type->inner : NULL;
  if (item_t != NULL && (item_t->rk == R_MODEL || item_t->rk == R_UNION))
    c_name(v, K(page_item_c_name), type_name(item_t), 0);
}

/* The result: libapic's kind, its table, and how it travels in C (ctypes.h): the type, the
 * sync out parameter's and the callback's types (`{{c_out_type}}out`, `{{c_lent_type}}result`:
 * each ends in '*' or a space), what frees one, and the expression that takes it from
 * libapic's `result` pointer. */
/* A result with response headers (`-> T headers(...)`), or of bytes (a download), is a struct
 * of its own, <op>_result: `body` (the body, as a required field of type T; none for
 * `-> headers(...)`) beside a member per header (a download's Content-Type first). libapic
 * decodes the body into the APIC_F_BODY field (op.c). */
static void add_result_struct(vm *v, const operation *op, const char *c_op)
{
  char name[700], buf[1600];
  join(name, sizeof name, c_op, "_result", (char *)NULL);
  const char *owner = stable_copy(v, name);
  str(v, K(c_result_struct), owner);
  str(v, K(c_result_type), owner);
  copy(v, K(c_out_type), join(buf, sizeof buf, owner, " **", (char *)NULL));
  copy(v, K(c_lent_type), join(buf, sizeof buf, "const ", owner, " *", (char *)NULL));
  str(v, K(c_result_from), "result");
  copy(v, K(c_result_var), join(buf, sizeof buf, owner, " *out = NULL;", (char *)NULL));
  copy(v, K(c_result_free), join(buf, sizeof buf, owner, "_free", (char *)NULL));
  copy(v, K(c_result_desc), join(buf, sizeof buf, "&", owner, "__desc.type", (char *)NULL));
  field body = {.name = "body", .type = op->ret};
  field content_type = *download_content_type(); /* a download's, before the declared headers */
  content_type.next = op->resp_headers;
  const field *headers = op_downloads(op) ? &content_type : op->resp_headers;
  field_lists fields = {{op->ret != NULL ? &body : NULL, headers}, {"APIC_F_BODY", NULL}, 1, owner, 0, 1};
  add_fields(v, K(c_result_fields), &fields);
}

static void add_result_c(vm *v, const operation *op, const char *c_op)
{
  const type *t = op->ret;
  const char *kind = t == NULL && !op->has_resp_headers ? "APIC_RESULT_NONE" : t == NULL ? "APIC_RESULT_VALUE"
                     : t->rk == R_PAGE ? "APIC_RESULT_PAGE" : t->rk == R_STREAM ? "APIC_RESULT_STREAM"
                                                                : "APIC_RESULT_VALUE";
  str(v, K(c_result_kind), kind);
  flag(v, K(has_result_headers), op_result_is_struct(op));
  flag(v, K(is_download), op_downloads(op));
  if (op_result_is_struct(op)) {
    add_result_struct(v, op, c_op);
    return;
  }
  if (t == NULL)
    return;
  const type *inner = t->rk == R_PAGE || t->rk == R_STREAM ? t->inner : t;
  c_result r;
  c_result_of(v->prefix, inner, &r);
  char lent[900], var[1600];
  join(lent, sizeof lent, r.lent, r.by_value ? " " : "", (char *)NULL);
  join(var, sizeof var, r.type, r.by_value ? " out = 0;" : " *out = NULL;", (char *)NULL);
  copy(v, K(c_result_type), r.type);
  copy(v, K(c_out_type), r.out);
  copy(v, K(c_lent_type), lent);
  copy(v, K(c_result_from), r.from);
  copy(v, K(c_result_var), var);
  if (r.free_fn[0] != '\0')
    copy(v, K(c_result_free), r.free_fn);
  flag(v, K(result_by_value), r.by_value);
  add_c_type_desc(v, K(c_result_desc), inner);
  flag(v, K(result_is_array), inner->rk == R_ARRAY);
  if (t->rk == R_PAGE)
    add_paging(v, op, inner);
}

/* An operation @lro names: its C name and its name for messages ("runs.get"). */
static void add_lro_op(vm *v, uint16_t c_key, uint16_t name_key, const lro_op *o)
{
  char joined[300], c_op[600];
  if (o->op == NULL)
    return;
  join(joined, sizeof joined, o->resource->name, "_", o->op->name, (char *)NULL);
  c_name_of(v, joined, 0, c_op, sizeof c_op);
  copy(v, c_key, c_op);
  join(joined, sizeof joined, o->resource->name, ".", o->op->name, (char *)NULL);
  copy(v, name_key, joined);
}

/* @lro: what libapic's wait reads (apic_lro_desc): the status field, the terminal values by
 * role (their wire text, escaped for C), the operations that poll, watch and cancel. */
static void add_lro(vm *v, const decl *r, const operation *op)
{
  lro_info lro;
  int on = lro_read(v->s->decls, r, op, &lro) && op->ret != NULL && op->ret->rk == R_MODEL;
  boolean(v, K(has_lro), on);
  if (!on)
    return;
  const field *status = op->ret->target->fields;
  while (status != NULL && strcmp(status->name, lro.status) != 0)
    status = status->next;
  str(v, K(lro_status), lro.status);
  const uint16_t keys[LRO_ROLES] = {K(lro_success), K(lro_failed), K(lro_cancelled)};
  for (int role = 0; role < LRO_ROLES; role++) {
    int n = 0, i = 0;
    for (const arg *g = lro.a->args; g != NULL; g = g->next)
      n += strcmp(g->key, LRO_ROLE_KEYS[role]) == 0;
    vb_begin(v->b, keys[role], V_LIST);
    for (const arg *g = lro.a->args; g != NULL; g = g->next) {
      if (strcmp(g->key, LRO_ROLE_KEYS[role]) != 0)
        continue;
      const char *wire = lro_wire(status, g->val.text);
      vb_begin(v->b, 0, V_OBJECT);
      str(v, K(wire), wire);
      c_string(v, K(c_wire), wire, strlen(wire));
      add_ends(v, i++, n);
      vb_end(v->b);
    }
    vb_end(v->b);
  }
  add_lro_op(v, K(lro_poll), K(lro_poll_name), &lro.poll);
  add_lro_op(v, K(lro_watch), K(lro_watch_name), &lro.watch);
  add_lro_op(v, K(lro_cancel), K(lro_cancel_name), &lro.cancel);
  if (lro.error != NULL)
    str(v, K(lro_error), lro.error);
}

/* Everything the client templates need beyond the operation's spec keys. */
static void add_op_c(vm *v, const decl *r, const operation *op, const field *path, const char *c_op)
{
  char name[600], owner[700];
  join(name, sizeof name, r->name, ".", op->name, (char *)NULL);
  copy(v, K(op_name), name);
  join(owner, sizeof owner, c_op, "__path", (char *)NULL);
  const char *path_owner = stable_copy(v, owner);
  str(v, K(c_path_struct), path_owner);
  add_fields(v, K(c_path_fields), &(field_lists){.lists = {path}, .is_param = 1, .owner = path_owner, .path_args = 1});
  join(owner, sizeof owner, c_op, "_params", (char *)NULL);
  const char *params_owner = stable_copy(v, owner);
  str(v, K(c_params_struct), params_owner);
  field_lists params = {{op->query_params, op->header_params}, {NULL, "APIC_F_HEADER"}, 1, params_owner, 0, 0};
  add_fields(v, K(c_params), &params);
  boolean(v, K(has_params), op->query_params != NULL || op->header_params != NULL);
  add_result_c(v, op, c_op);
  if (op->body != NULL || op->body_form)
    add_body(v, op, c_op);
  const annotation *timeout = find_anno(op->annos, "timeout"), *retries = find_anno(op->annos, "retries");
  char num[64];
  snprintf(num, sizeof num, "%.0f", timeout != NULL && timeout->args != NULL ? (double)timeout->args->val.i : 0.0);
  copy(v, K(c_timeout), num);
  snprintf(num, sizeof num, "%.0f", retries != NULL && retries->args != NULL ? (double)retries->args->val.i : -1.0);
  copy(v, K(c_retries), num);
  add_lro(v, r, op);
  const char *acc = accumulate_field(op);
  boolean(v, K(has_accumulate), acc != NULL && op->ret != NULL && op->ret->rk == R_STREAM);
  if (acc != NULL)
    str(v, K(accumulate), acc);
}

/* A type as an object of its own (an operation's body and result). */
static void add_type_object(vm *v, uint16_t key, const type *t)
{
  vb_begin(v->b, key, V_OBJECT);
  add_type(v, t);
  vb_end(v->b);
}

static void op_view(vm *v, const decl *r, const operation *op)
{
  char full[2048], c_op[600], joined[600];
  join(full, sizeof full, r->path, op->path, (char *)NULL);
  join(joined, sizeof joined, r->name, "_", op->name, (char *)NULL);
  c_name_of(v, joined, 0, c_op, sizeof c_op);
  const field *path = path_params(v, op, full);
  str(v, K(name), op->name);
  str(v, K(method), op->method);
  comment_text(v, K(full_path), full, 0);
  c_string(v, K(c_full_path), full, strlen(full));
  add_doc(v, op->doc, op->annos);
  add_fields(v, K(path_params), &(field_lists){.lists = {path}, .is_param = 1});
  boolean(v, K(has_path_params), path != NULL);
  add_fields(v, K(query_params), &(field_lists){.lists = {op->query_params}, .is_param = 1});
  boolean(v, K(has_query_params), op->query_params != NULL);
  add_fields(v, K(header_params), &(field_lists){.lists = {op->header_params}, .is_param = 1});
  boolean(v, K(has_header_params), op->header_params != NULL);
  boolean(v, K(has_body), op->body != NULL || op->body_form);
  if (op->body != NULL)
    add_type_object(v, K(body), op->body);
  flag(v, K(body_is_form), op->body_form == BODY_FORM);
  flag(v, K(body_is_multipart), op->body_form == BODY_MULTIPART);
  add_fields(v, K(body_fields), &(field_lists){.lists = {op->body_params}, .is_param = 1});
  if (op->body != NULL || op->body_form)
    str(v, K(content_type), body_content_type(op));
  const type *t = op->ret;
  boolean(v, K(returns_nothing), t == NULL);
  boolean(v, K(is_page), t != NULL && t->rk == R_PAGE);
  boolean(v, K(is_stream), t != NULL && t->rk == R_STREAM);
  if (t != NULL)
    add_type_object(v, K(result), t->rk == R_PAGE || t->rk == R_STREAM ? t->inner : t);
  add_fields(v, K(result_headers), &(field_lists){.lists = {op->resp_headers}, .is_param = 1});
  boolean(v, K(is_idempotent), find_anno(op->annos, "idempotent") != NULL);
  if (op->has_errors) {
    vb_begin(v->b, K(errors), V_LIST);
    for (const name_ref *e = op->errors; e != NULL; e = e->next)
      str(v, 0, e->name);
    vb_end(v->b);
  }
  boolean(v, K(has_errors), op->has_errors);
  int scheme = op_scheme(op, v->schemes, v->nschemes, v->def_scheme);
  char num[16];
  snprintf(num, sizeof num, "%d", scheme + 1);
  copy(v, K(c_auth), num);
  if (find_anno(op->annos, "auth") != NULL)
    str(v, K(auth_note), scheme >= 0 ? v->schemes[scheme].name : "none");
  copy(v, K(c_name), c_op);
  add_op_c(v, r, op, path, c_op);
}

static void resource_view(vm *v, const decl *r)
{
  str(v, K(name), r->name);
  str(v, K(path), r->path);
  add_doc(v, r->doc, NULL);
  int n = 0, i = 0;
  for (const operation *op = r->ops; op != NULL; op = op->next)
    n++;
  vb_begin(v->b, K(operations), V_LIST);
  for (const operation *op = r->ops; op != NULL; op = op->next, i++) {
    vb_begin(v->b, 0, V_OBJECT);
    op_view(v, r, op);
    add_ends(v, i, n);
    vb_end(v->b);
  }
  vb_end(v->b);
}

/* The version's numbers, for what takes only numbers (CMake's project VERSION, the shared
 * library's file name and SONAME): "1.4.0-beta" gives 1, 4, 0; a version that does not start
 * with a number gives 0.0.0 (semver.h). */
static void add_version_numbers(vm *v, const char *version)
{
  semver sv;
  semver_parse(version, &sv);
  char num[96];
  snprintf(num, sizeof num, "%ld.%ld.%ld", sv.part[0], sv.part[1], sv.part[2]);
  copy(v, K(version_numeric), num);
  const uint16_t keys[] = {K(version_major), K(version_minor), K(version_patch)};
  for (int i = 0; i < 3; i++) {
    snprintf(num, sizeof num, "%ld", sv.part[i]);
    copy(v, keys[i], num);
  }
}

/* The API's auth schemes (ast.h): each one's name (its credential's member in the client's
 * options), libapic's kind, its header or query parameter, how it is sent (for docs), the
 * environment variable read when the options give no credential (<API>_<NAME>), and whether
 * operations use it unless they say. */
static void add_schemes(vm *v, const char *api_upper)
{
  static const char *const kinds[] = {[AUTH_BEARER] = "APIC_AUTH_BEARER", [AUTH_BASIC] = "APIC_AUTH_BASIC",
                                      [AUTH_HEADER] = "APIC_AUTH_HEADER", [AUTH_QUERY] = "APIC_AUTH_QUERY"};
  vb_begin(v->b, K(schemes), V_LIST);
  for (int i = 0; i < v->nschemes; i++) {
    const auth_scheme *s = &v->schemes[i];
    char how[400], env[400];
    if (s->kind == AUTH_BEARER || s->kind == AUTH_BASIC)
      snprintf(how, sizeof how, "Authorization: %s", s->kind == AUTH_BEARER ? "Bearer CREDENTIAL"
                                                                            : "Basic base64(CREDENTIAL), as user:password");
    else
      snprintf(how, sizeof how, "the %s %s", s->param, s->kind == AUTH_HEADER ? "header" : "query parameter");
    join(env, sizeof env, api_upper, "_", s->name, (char *)NULL);
    upper_case(env, env, sizeof env);
    vb_begin(v->b, 0, V_OBJECT);
    str(v, K(name), s->name);
    str(v, K(kind_const), kinds[s->kind]);
    if (s->param != NULL)
      c_string(v, K(c_param), s->param, strlen(s->param));
    comment_text(v, K(how), how, 0);
    copy(v, K(env), env);
    boolean(v, K(is_default), i == v->def_scheme);
    add_ends(v, i, v->nschemes);
    vb_end(v->b);
  }
  vb_end(v->b);
  boolean(v, K(has_schemes), v->nschemes > 0);
}

static void api_view(vm *v, const decl *api)
{
  char upper[256];
  upper_case(v->prefix, upper, sizeof upper);
  str(v, K(name), api->name);
  str(v, K(c_name), v->prefix);
  copy(v, K(upper), upper);
  const char *title = "", *version = "", *url = "";
  for (const api_item *it = api->items; it != NULL; it = it->next) {
    if (strcmp(it->key, "title") == 0) title = it->val.text;
    else if (strcmp(it->key, "version") == 0) version = it->val.text;
    else if (strcmp(it->key, "base_url") == 0) url = it->val.text;
  }
  comment_text(v, K(title), title, 1);
  comment_text(v, K(version), version, 1);
  c_string(v, K(c_version), version, strlen(version));
  add_version_numbers(v, version);
  comment_text(v, K(base_url), url, 1);
  c_string(v, K(c_base_url), url, strlen(url));
  add_schemes(v, upper);
  add_doc(v, api->doc, NULL);
}

/* Every declaration of one kind, as a list under key; returns the list. */
static view add_decls(vm *v, uint16_t key, decl_kind kind)
{
  int n = 0, i = 0;
  for (const decl *d = v->s->decls; d != NULL; d = d->next)
    n += d->kind == kind;
  vb_begin(v->b, key, V_LIST);
  for (const decl *d = v->s->decls; d != NULL; d = d->next) {
    if (d->kind != kind)
      continue;
    vb_begin(v->b, 0, V_OBJECT);
    if (kind == D_ENUM)
      enum_view(v, d);
    else if (kind == D_UNION)
      union_view(v, d);
    else if (kind == D_RESOURCE)
      resource_view(v, d);
    else
      model_view(v, d);
    add_ends(v, i++, n);
    vb_end(v->b);
  }
  return vb_end(v->b);
}

/* The next model that models[i] holds by value and that is not placed yet, or -1. */
static int next_dependency(const name_table *index, const decl *const *models, int i, const char *placed)
{
  for (const field *f = models[i]->fields; f != NULL; f = f->next) {
    if (f->type->rk != R_MODEL || f->optional || f->nullable)
      continue;
    intptr_t k = (intptr_t)name_table_get(index, type_name(f->type)) - 1; /* stored as index + 1 */
    if (k >= 0 && !placed[k])
      return (int)k;
  }
  return -1;
}

/* The models in an order C can declare them: whoever holds a model by value comes after it.
 * A depth-first post-order with an explicit stack (a chain of by-value models can be as long
 * as the spec), names found through a table; the front end refused cycles by value. The list
 * shares the models' views (`models` is the finished list of them). */
static void order_models(vm *v, const view *models)
{
  int n = (int)models->n, i = 0, depth = 0;
  const decl **all = calloc((size_t)n + 1, sizeof *all);
  char *placed = calloc((size_t)n + 1, 1);
  int *stack = calloc((size_t)n + 1, sizeof *stack);
  name_table index;
  int have_index = name_table_init_size(&index, (size_t)n) == 0;
  vb_begin(v->b, K(models_in_c_order), V_LIST);
  if (all == NULL || placed == NULL || stack == NULL || !have_index) {
    v->b->failed = 1;
    goto out;
  }
  for (const decl *d = v->s->decls; d != NULL && i < n; d = d->next) {
    if (d->kind != D_MODEL)
      continue;
    all[i] = d;
    if (name_table_put(&index, d->name, (void *)(intptr_t)(i + 1)) != 0)
      v->b->failed = 1;
    i++;
  }
  for (i = 0; i < n && !v->b->failed; i++) {
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
      vb_value(v->b, 0, &models->u.items[top]);
    }
  }
out:
  vb_end(v->b);
  if (have_index)
    name_table_free(&index);
  free(all);
  free(placed);
  free(stack);
}

/* The resolved spec for the mock (compact JSON without docs and locations, which it does not
 * read) as C string literals of about 100 bytes joined by `",\n  "`: one literal per line keeps
 * each under ISO C's 4095-byte limit. Pieces end at ASCII bytes, so no UTF-8 sequence is split.
 * Written to out when not NULL; returns the length. One string, not a list of pieces: for a
 * large spec that is megabytes, and a value per piece cost more than the rest of the mock. */
static size_t c_literal_lines(char *out, const char *json, size_t len)
{
  static const char sep[] = "\",\n  \"";
  size_t n = 0;
  for (size_t at = 0, end; at < len; at = end) {
    end = at + 100 < len ? at + 100 : len;
    while (end < len && (unsigned char)json[end] >= 0x80)
      end++;
    if (at > 0 && out != NULL)
      memcpy(out + n, sep, sizeof sep - 1);
    n += at > 0 ? sizeof sep - 1 : 0;
    n += c_escape(out != NULL ? out + n : NULL, json + at, end - at);
  }
  return n;
}

/* The mock's copy of the spec is made on a thread of its own while the rest of the view model
 * is built: it reads only the spec, and it is a third of the view model's time. */
typedef struct spec_copy {
  const spec *s;
  char *lines; /* c_literal_lines of spec_json; NULL when out of memory */
  pthread_t thread;
  int started;
} spec_copy;

static void *make_spec_copy(void *ud)
{
  spec_copy *c = ud;
  size_t len = 0;
  char *json = spec_json(c->s, 1, &len);
  size_t n = json != NULL ? c_literal_lines(NULL, json, len) : 0;
  size_t size = n + 1;
  c->lines = json != NULL && n < UINT32_MAX ? big_heap_grow(NULL, 0, &size) : NULL;
  if (c->lines != NULL) {
    c_literal_lines(c->lines, json, len);
    c->lines[n] = '\0';
  }
  free(json);
  return NULL;
}

/* Starts the copy on a thread; without one (not wanted, or none could start) add_spec_json
 * makes it. */
static void start_spec_copy(spec_copy *c, const spec *s, int thread)
{
  c->s = s;
  c->started = thread && pthread_create(&c->thread, NULL, make_spec_copy, c) == 0;
}

static void add_spec_json(vm *v, spec_copy *c)
{
  if (c->started)
    pthread_join(c->thread, NULL);
  else
    make_spec_copy(c);
  if (c->lines == NULL || vb_keep(v->b, c->lines) == NULL)
    v->b->failed = 1;
  else
    vb_str(v->b, K(spec_json_c), c->lines);
}

/* Which shared pieces the client needs: a spec without streams or pages has no end callback. */
static void add_op_flags(vm *v)
{
  int ops = 0, ends = 0;
  boolean(v, K(has_lro_results), v->lro_results.count > 0);
  for (const decl *d = v->s->decls; d != NULL; d = d->next)
    for (const operation *op = d->kind == D_RESOURCE ? d->ops : NULL; op != NULL; op = op->next) {
      ops = 1;
      ends |= op->ret != NULL && (op->ret->rk == R_STREAM || op->ret->rk == R_PAGE);
    }
  boolean(v, K(has_operations), ops);
  boolean(v, K(has_end_callbacks), ends);
}

const view *apic_viewmodel_build(view_builder *b, const spec *s, const char *spec_path, int threads, char **out_err)
{
  vm v = {.b = b, .s = s};
  v.nschemes = api_schemes(s->api, v.schemes, &v.def_scheme);
  *out_err = NULL;
  if (s->api == NULL || s->api->name == NULL || s->api->name[0] == '\0') {
    *out_err = strdup("the spec has no api block");
    return NULL;
  }
  for (int i = 0; i < KEY_COUNT; i++)
    if ((v.keys[i] = view_key(key_names[i], strlen(key_names[i]))) == 0)
      b->failed = 1;
  if (name_table_init(&v.lists) != 0 || name_table_init(&v.entries) != 0 || name_table_init(&v.list_entries) != 0 ||
      name_table_init(&v.maps) != 0 || name_table_init(&v.lro_results) != 0)
    b->failed = 1;
  c_collection_uses(s, need, &v);
  spec_copy copy_of_spec = {0};
  start_spec_copy(&copy_of_spec, s, threads);
  char lower[256], header[1200];
  snake_case(s->api->name, lower, sizeof lower);
  v.prefix = stable_copy(&v, lower);
  snprintf(header, sizeof header, "generated by apic %s from %s; do not edit", APIC_VERSION, spec_path);
  vb_begin(b, 0, V_OBJECT);
  str(&v, v.keys[K_apic_version], APIC_VERSION);
  comment_text(&v, v.keys[K_spec_file], spec_path, 0);
  comment_text(&v, v.keys[K_generated_line], header, 0);
  vb_begin(b, v.keys[K_api], V_OBJECT);
  api_view(&v, s->api);
  vb_end(b);
  add_decls(&v, v.keys[K_enums], D_ENUM);
  view models = add_decls(&v, v.keys[K_models], D_MODEL);
  view unions = add_decls(&v, v.keys[K_unions], D_UNION);
  boolean(&v, v.keys[K_has_unions], unions.n > 0);
  add_decls(&v, v.keys[K_errors], D_ERROR);
  add_decls(&v, v.keys[K_resources], D_RESOURCE);
  order_models(&v, &models);
  add_op_flags(&v);
  add_spec_json(&v, &copy_of_spec);
  vb_end(b);
  name_table_free(&v.lists);
  name_table_free(&v.entries);
  name_table_free(&v.list_entries);
  name_table_free(&v.maps);
  name_table_free(&v.lro_results);
  const view *root = vb_tree(b);
  if (root == NULL)
    *out_err = strdup("out of memory");
  return root;
}
