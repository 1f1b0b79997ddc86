/* The table-driven model runtime (apic/model.h): one path for every generated model. */
#include "apic/model.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic/datetime.h"
#include "internal.h"

#define MAX_DEPTH 64 /* nested models; deeper JSON is refused, not recursed into */
#define PATH_MAX_LEN 480

/* Where the walk is: a stack of object keys and array indexes. The "$.a[3].b" text is built
 * only when something fails, so a clean decode formats nothing. */
typedef struct frame {
  const char *key; /* NULL: an array index */
  size_t index;
} frame;

typedef struct path {
  frame frames[MAX_DEPTH * 2 + 8];
  size_t depth;
  char buf[PATH_MAX_LEN + 16];
} path;

static size_t path_push(path *p, const char *key, size_t index)
{
  if (p->depth < sizeof p->frames / sizeof p->frames[0])
    p->frames[p->depth] = (frame){key, index};
  return p->depth++;
}

static void path_pop(path *p, size_t old)
{
  p->depth = old;
}

static const char *path_text(path *p)
{
  size_t len = (size_t)snprintf(p->buf, sizeof p->buf, "$");
  size_t n = p->depth < sizeof p->frames / sizeof p->frames[0] ? p->depth : sizeof p->frames / sizeof p->frames[0];
  for (size_t i = 0; i < n && len < PATH_MAX_LEN; i++) {
    int w = p->frames[i].key != NULL ? snprintf(p->buf + len, PATH_MAX_LEN - len, ".%s", p->frames[i].key)
                                     : snprintf(p->buf + len, PATH_MAX_LEN - len, "[%zu]", p->frames[i].index);
    len += w > 0 ? (size_t)w : 0;
  }
  return p->buf;
}

typedef struct ctx {
  path p;
  apic_error **err;
  int code;  /* the first failure */
  int steal; /* the tree is ours to take strings from (cJSON shares our allocator) */
} ctx;

static int fail(ctx *c, int code, const char *fmt, const char *a, const char *b)
{
  if (c->code == 0) {
    c->code = code;
    if (c->err != NULL)
      *c->err = apic_error_new(code, fmt, path_text(&c->p), a, b);
  }
  return code;
}

static void *at(const void *obj, size_t off)
{
  return (char *)obj + off;
}

static size_t elem_size(apic_type t, const apic_model_desc *m)
{
  switch (t) {
  case APIC_T_INT: return sizeof(int64_t);
  case APIC_T_FLOAT: return sizeof(double);
  case APIC_T_BOOL: return sizeof(bool);
  case APIC_T_ENUM: return sizeof(int);
  case APIC_T_MODEL: return m->size;
  case APIC_T_ANY:
  case APIC_T_MAP: return sizeof(cJSON *);
  default: return sizeof(char *);
  }
}

static int is_text(apic_type t)
{
  return t == APIC_T_STRING || t == APIC_T_DATETIME || t == APIC_T_DATE;
}

/* ---- clear ------------------------------------------------------------------------------- */

static void clear_value(apic_type t, const apic_model_desc *m, void *slot)
{
  if (is_text(t)) {
    apic__free(*(char **)slot);
    *(char **)slot = NULL;
  } else if (t == APIC_T_ANY || t == APIC_T_MAP) {
    cJSON_Delete(*(cJSON **)slot);
    *(cJSON **)slot = NULL;
  } else if (t == APIC_T_MODEL) {
    apic_model_clear(m, slot);
  }
}

static void clear_field(const apic_field_desc *f, void *obj)
{
  void *slot = at(obj, f->offset);
  if (f->type == APIC_T_ARRAY) {
    char *items = *(char **)slot;
    size_t n = *(size_t *)at(obj, f->count_offset), size = elem_size(f->item, f->model);
    for (size_t i = 0; items != NULL && i < n; i++)
      clear_value(f->item, f->model, items + i * size);
    apic__free(items);
    *(char **)slot = NULL;
    *(size_t *)at(obj, f->count_offset) = 0;
  } else if (f->type == APIC_T_MODEL && (f->flags & APIC_F_BY_POINTER)) {
    void *sub = *(void **)slot;
    if (sub != NULL) {
      apic_model_clear(f->model, sub);
      apic__free(sub);
    }
    *(void **)slot = NULL;
  } else {
    clear_value(f->type, f->model, slot);
  }
  if (f->type == APIC_T_ENUM) {
    apic__free(*(char **)at(obj, f->aux_offset));
    *(char **)at(obj, f->aux_offset) = NULL;
  }
}

void apic_model_clear(const apic_model_desc *m, void *obj)
{
  if (obj == NULL)
    return;
  for (size_t i = 0; i < m->nfields; i++)
    clear_field(&m->fields[i], obj);
  memset(obj, 0, m->size);
}

/* ---- init ---------------------------------------------------------------------------------- */

/* Sets field f of obj (holding nothing there yet) to its spec default. */
static int set_default(const apic_field_desc *f, void *obj)
{
  void *slot = at(obj, f->offset);
  switch (f->type) {
  case APIC_T_INT: *(int64_t *)slot = f->def_int; break;
  case APIC_T_FLOAT: *(double *)slot = f->def_float; break;
  case APIC_T_BOOL: *(bool *)slot = f->def_int != 0; break;
  case APIC_T_ENUM: *(int *)slot = (int)f->def_int; break;
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
    if (f->def_text != NULL && (*(char **)slot = apic__strndup(f->def_text, strlen(f->def_text))) == NULL)
      return APIC_ERR_NOMEM;
    break;
  default: break; /* arrays default to empty */
  }
  if (f->flags & (APIC_F_OPTIONAL | APIC_F_NULLABLE))
    *(apic_presence *)at(obj, f->presence_offset) = APIC_PRESENT;
  return 0;
}

int apic_model_init(const apic_model_desc *m, void *obj)
{
  memset(obj, 0, m->size);
  for (size_t i = 0; i < m->nfields; i++) {
    if ((m->fields[i].flags & APIC_F_HAS_DEFAULT) && set_default(&m->fields[i], obj) != 0) {
      apic_model_clear(m, obj);
      return APIC_ERR_NOMEM;
    }
  }
  return 0;
}

/* ---- decode --------------------------------------------------------------------------------- */

/* What a JSON value is, for messages: 12, "abc", null, true, an object, an array. */
void apic_json_describe(const cJSON *j, char *buf, size_t size)
{
  if (cJSON_IsString(j))
    snprintf(buf, size, "\"%.40s%s\"", j->valuestring, strlen(j->valuestring) > 40 ? "..." : "");
  else if (cJSON_IsNumber(j))
    snprintf(buf, size, "%.17g", j->valuedouble);
  else if (cJSON_IsBool(j))
    snprintf(buf, size, "%s", cJSON_IsTrue(j) ? "true" : "false");
  else if (cJSON_IsNull(j))
    snprintf(buf, size, "null");
  else
    snprintf(buf, size, cJSON_IsArray(j) ? "an array" : "an object");
}

static int expected(ctx *c, const char *what, const cJSON *j)
{
  char got[64];
  apic_json_describe(j, got, sizeof got);
  return fail(c, APIC_ERR_DECODE, "%s: expected %s, got %s", what, got);
}

static int decode_model(ctx *c, const apic_model_desc *m, void *obj, const cJSON *j, int depth);

static int decode_enum(const apic_enum_desc *e, const char *text)
{
  for (int i = 0; i < e->count; i++)
    if (strcmp(e->wire[i], text) == 0)
      return i + 1;
  return 0;
}

/* Decodes one value of type t into slot (zeroed). Enum unknown text goes to *unknown when
 * given (fields), and is dropped otherwise (array elements). */
static int decode_value(ctx *c, apic_type t, const apic_field_desc *f, void *slot, const cJSON *j, char **unknown,
                        int depth)
{
  switch (t) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE:
    if (!cJSON_IsString(j))
      return expected(c, t == APIC_T_STRING ? "a string" : t == APIC_T_DATE ? "an RFC 3339 date" : "an RFC 3339 date-time", j);
    if (t == APIC_T_DATETIME && apic_datetime_parse(j->valuestring, NULL, NULL) != 0)
      return expected(c, "an RFC 3339 date-time", j);
    if (t == APIC_T_DATE && !apic_date_valid(j->valuestring))
      return expected(c, "an RFC 3339 date", j);
    if (c->steal) { /* no copy: the string moves from the tree, which is deleted next */
      *(char **)slot = j->valuestring;
      ((cJSON *)j)->valuestring = NULL;
      ((cJSON *)j)->type = cJSON_NULL;
      return 0;
    }
    if ((*(char **)slot = apic__strndup(j->valuestring, strlen(j->valuestring))) == NULL)
      return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
    return 0;
  case APIC_T_INT: {
    double d = cJSON_IsNumber(j) ? j->valuedouble : NAN;
    if (!(d == floor(d) && fabs(d) <= 9007199254740992.0)) /* integral and exact in a double */
      return expected(c, "an integer", j);
    *(int64_t *)slot = (int64_t)d;
    return 0;
  }
  case APIC_T_FLOAT:
    if (!cJSON_IsNumber(j))
      return expected(c, "a number", j);
    *(double *)slot = j->valuedouble;
    return 0;
  case APIC_T_BOOL:
    if (!cJSON_IsBool(j))
      return expected(c, "true or false", j);
    *(bool *)slot = cJSON_IsTrue(j);
    return 0;
  case APIC_T_ENUM:
    if (!cJSON_IsString(j))
      return expected(c, "a string (enum value)", j);
    *(int *)slot = decode_enum(f->enumd, j->valuestring);
    if (*(int *)slot == 0 && unknown != NULL &&
        (*unknown = apic__strndup(j->valuestring, strlen(j->valuestring))) == NULL)
      return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
    return 0;
  case APIC_T_MODEL:
    return decode_model(c, f->model, slot, j, depth + 1);
  case APIC_T_MAP:
  case APIC_T_ANY: /* kept as JSON; a map must at least be an object */
    if (t == APIC_T_MAP && !cJSON_IsObject(j))
      return expected(c, "an object", j);
    if ((*(cJSON **)slot = cJSON_Duplicate(j, 1)) == NULL)
      return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
    return 0;
  default:
    return fail(c, APIC_ERR_DECODE, "%s: unsupported type%s%s", "", "");
  }
}

static int decode_array(ctx *c, const apic_field_desc *f, void *obj, const cJSON *j, int depth)
{
  if (!cJSON_IsArray(j))
    return expected(c, "an array", j);
  size_t n = (size_t)cJSON_GetArraySize(j), size = elem_size(f->item, f->model);
  char *items = n > 0 ? apic__calloc(n, size) : NULL;
  if (n > 0 && items == NULL)
    return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
  *(char **)at(obj, f->offset) = items;
  size_t i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    size_t old = path_push(&c->p, NULL, i);
    /* The count grows with each element so a failure clears exactly what was decoded. */
    *(size_t *)at(obj, f->count_offset) = i + 1;
    int rc = decode_value(c, f->item, f, items + i * size, e, NULL, depth);
    path_pop(&c->p, old);
    if (rc != 0)
      return rc;
    i++;
  }
  return 0;
}

static int decode_field(ctx *c, const apic_field_desc *f, void *obj, const cJSON *j, int depth)
{
  int optional = f->flags & APIC_F_OPTIONAL, nullable = f->flags & APIC_F_NULLABLE;
  apic_presence *presence = (optional || nullable) ? at(obj, f->presence_offset) : NULL;
  if (j == NULL || (cJSON_IsNull(j) && optional && !nullable)) {
    /* Absent; an optional field sent as null counts as absent too. A required field with a
     * default takes it, as the spec's `tags: string[] = []` promises. */
    if (optional)
      return 0;
    if (!(f->flags & APIC_F_HAS_DEFAULT))
      return fail(c, APIC_ERR_DECODE, "%s: required field missing%s%s", "", "");
    if (set_default(f, obj) != 0)
      return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
    return 0;
  }
  if (cJSON_IsNull(j) && nullable) {
    *presence = APIC_NULL;
    return 0;
  }
  int rc;
  if (f->type == APIC_T_ARRAY) {
    rc = decode_array(c, f, obj, j, depth);
  } else if (f->type == APIC_T_MODEL && (f->flags & APIC_F_BY_POINTER)) {
    void *sub = apic__calloc(1, f->model->size);
    if (sub == NULL)
      return fail(c, APIC_ERR_NOMEM, "%s: out of memory%s%s", "", "");
    *(void **)at(obj, f->offset) = sub;
    rc = decode_model(c, f->model, sub, j, depth + 1);
  } else {
    char **unknown = f->type == APIC_T_ENUM ? (char **)at(obj, f->aux_offset) : NULL;
    rc = decode_value(c, f->type, f, at(obj, f->offset), j, unknown, depth);
  }
  if (rc == 0 && presence != NULL)
    *presence = APIC_PRESENT;
  return rc;
}

/* The member named key. Members usually come in the spec's order, so the search starts after
 * the previous match (*cursor) and wraps around: one step per field in the common case. */
static const cJSON *find_member(const cJSON *obj, const char *key, const cJSON **cursor)
{
  for (const cJSON *it = *cursor; it != NULL; it = it->next)
    if (it->string != NULL && strcmp(it->string, key) == 0)
      return *cursor = it->next, it;
  for (const cJSON *it = obj->child; it != *cursor; it = it->next)
    if (it->string != NULL && strcmp(it->string, key) == 0)
      return *cursor = it->next, it;
  return NULL;
}

static int decode_model(ctx *c, const apic_model_desc *m, void *obj, const cJSON *j, int depth)
{
  if (depth > MAX_DEPTH)
    return fail(c, APIC_ERR_DECODE, "%s: nested too deep%s%s", "", "");
  if (!cJSON_IsObject(j))
    return expected(c, "an object", j);
  const cJSON *cursor = j->child;
  for (size_t i = 0; i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    size_t old = path_push(&c->p, f->wire, 0);
    int rc = decode_field(c, f, obj, find_member(j, f->wire, &cursor), depth);
    path_pop(&c->p, old);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* Decodes json into obj: a model of m, or with array set, an apic_model_array seen as the
 * model m of that one field (see array_view). */
static int from_json(const apic_model_desc *m, const apic_field_desc *array, void *obj, const cJSON *json,
                     apic_error **err, int steal)
{
  ctx c;
  c.p.depth = 0;
  c.code = 0;
  c.err = err;
  c.steal = steal;
  if (err != NULL)
    *err = NULL;
  memset(obj, 0, m->size);
  int rc = array != NULL ? decode_array(&c, array, obj, json, 0) : decode_model(&c, m, obj, json, 0);
  if (rc != 0)
    apic_model_clear(m, obj);
  return rc;
}

int apic_model_from_json(const apic_model_desc *m, void *obj, const cJSON *json, apic_error **err)
{
  return from_json(m, NULL, obj, json, err, 0);
}

int apic_model_from_json_take(const apic_model_desc *m, void *obj, cJSON *json, apic_error **err)
{
  return from_json(m, NULL, obj, json, err, 1);
}

static int parse_text(const apic_model_desc *m, const apic_field_desc *array, void *obj, const char *text, size_t len,
                      apic_error **err)
{
  memset(obj, 0, m->size);
  if (err != NULL)
    *err = NULL;
  apic__json_hooks();
  const char *end = NULL;
  cJSON *json = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (json == NULL) {
    size_t off = end != NULL && end >= text ? (size_t)(end - text) : 0;
    if (err != NULL)
      *err = apic_error_new(APIC_ERR_DECODE, "$: not valid JSON (at byte %zu)", off);
    return APIC_ERR_DECODE;
  }
  int rc = from_json(m, array, obj, json, err, 1);
  cJSON_Delete(json);
  return rc;
}

int apic_model_parse(const apic_model_desc *m, void *obj, const char *text, size_t len, apic_error **err)
{
  return parse_text(m, NULL, obj, text, len, err);
}

/* ---- encode --------------------------------------------------------------------------------- */

static cJSON *encode_value(apic_type t, const apic_field_desc *f, const void *slot, const char *unknown)
{
  switch (t) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE: return *(char *const *)slot ? cJSON_CreateString(*(char *const *)slot) : cJSON_CreateNull();
  case APIC_T_INT: return cJSON_CreateNumber((double)*(const int64_t *)slot);
  case APIC_T_FLOAT: return cJSON_CreateNumber(*(const double *)slot);
  case APIC_T_BOOL: return cJSON_CreateBool(*(const bool *)slot);
  case APIC_T_ENUM: {
    int v = *(const int *)slot;
    if (v >= 1 && v <= f->enumd->count)
      return cJSON_CreateString(f->enumd->wire[v - 1]);
    return unknown != NULL ? cJSON_CreateString(unknown) : cJSON_CreateNull();
  }
  case APIC_T_MODEL: return apic_model_to_json(f->model, slot);
  case APIC_T_ANY:
  case APIC_T_MAP: return *(cJSON *const *)slot ? cJSON_Duplicate(*(cJSON *const *)slot, 1) : cJSON_CreateNull();
  default: return NULL;
  }
}

static cJSON *encode_field(const apic_field_desc *f, const void *obj)
{
  const void *slot = at(obj, f->offset);
  if (f->type == APIC_T_ARRAY) {
    cJSON *arr = cJSON_CreateArray();
    const char *items = *(char *const *)slot;
    size_t n = *(const size_t *)at(obj, f->count_offset), size = elem_size(f->item, f->model);
    for (size_t i = 0; arr != NULL && i < n; i++)
      if (!cJSON_AddItemToArray(arr, encode_value(f->item, f, items + i * size, NULL))) {
        cJSON_Delete(arr);
        arr = NULL;
      }
    return arr;
  }
  if (f->type == APIC_T_MODEL && (f->flags & APIC_F_BY_POINTER)) {
    const void *sub = *(void *const *)slot;
    return sub != NULL ? apic_model_to_json(f->model, sub) : cJSON_CreateNull();
  }
  const char *unknown = f->type == APIC_T_ENUM ? *(char *const *)at(obj, f->aux_offset) : NULL;
  return encode_value(f->type, f, slot, unknown);
}

cJSON *apic_model_to_json(const apic_model_desc *m, const void *obj)
{
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; o != NULL && i < m->nfields; i++) {
    const apic_field_desc *f = &m->fields[i];
    cJSON *v;
    if (f->flags & (APIC_F_OPTIONAL | APIC_F_NULLABLE)) {
      apic_presence p = *(const apic_presence *)at(obj, f->presence_offset);
      if (p == APIC_ABSENT)
        continue;
      v = p == APIC_NULL ? cJSON_CreateNull() : encode_field(f, obj);
    } else {
      v = encode_field(f, obj);
    }
    if (v == NULL || !cJSON_AddItemToObject(o, f->wire, v)) {
      cJSON_Delete(v);
      cJSON_Delete(o);
      return NULL;
    }
  }
  return o;
}

char *apic_model_dump(const apic_model_desc *m, const void *obj)
{
  cJSON *j = apic_model_to_json(m, obj);
  char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
  cJSON_Delete(j);
  return text;
}

/* ---- copy and equal (through the encoding: one definition of a model's value) ---------------- */

int apic_model_copy(const apic_model_desc *m, void *dst, const void *src)
{
  memset(dst, 0, m->size);
  cJSON *j = apic_model_to_json(m, src);
  if (j == NULL)
    return APIC_ERR_NOMEM;
  /* A copy may hold what decoding refuses (a required string left NULL): copy field by field
   * from the encoding, tolerating gaps. */
  ctx c;
  memset(&c, 0, sizeof c);
  c.steal = 1; /* the encoding is ours */
  int rc = 0;
  for (size_t i = 0; i < m->nfields && rc != APIC_ERR_NOMEM; i++) {
    const apic_field_desc *f = &m->fields[i];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, f->wire);
    if (v == NULL || (cJSON_IsNull(v) && !(f->flags & APIC_F_NULLABLE)))
      continue;
    c.code = 0;
    rc = decode_field(&c, f, dst, v, 0);
    if (rc == APIC_ERR_DECODE)
      rc = 0; /* a value the source held unchecked: left out of the copy */
  }
  cJSON_Delete(j);
  if (rc != 0)
    apic_model_clear(m, dst);
  return rc;
}

/* Equal values have equal encodings: fields in spec order, maps and `any` in their own order.
 * Comparing the text (not cJSON_Compare) keeps a map with a repeated key equal to itself:
 * cJSON_Compare matches each key to its first occurrence on the other side. */
int apic_model_equal(const apic_model_desc *m, const void *a, const void *b)
{
  char *x = apic_model_dump(m, a), *y = apic_model_dump(m, b);
  int same = x != NULL && y != NULL && strcmp(x, y) == 0;
  cJSON_free(x);
  cJSON_free(y);
  return same;
}

/* ---- validate ------------------------------------------------------------------------------ */

static int validate_model(ctx *c, const apic_model_desc *m, const void *obj, int depth);

static size_t utf8_length(const char *s)
{
  size_t n = 0;
  for (; *s != '\0'; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static int validate_value(ctx *c, const apic_field_desc *f, apic_type t, const void *slot, const char *unknown,
                          int depth)
{
  char num[64];
  switch (t) {
  case APIC_T_STRING:
  case APIC_T_DATETIME:
  case APIC_T_DATE: {
    const char *s = *(char *const *)slot;
    if (s == NULL)
      return fail(c, APIC_ERR_INVALID_ARG, "%s: required field missing%s%s", "", "");
    if (t == APIC_T_DATETIME && apic_datetime_parse(s, NULL, NULL) != 0)
      return fail(c, APIC_ERR_INVALID_ARG, "%s: expected an RFC 3339 date-time, got \"%.40s\"%s", s, "");
    if (t == APIC_T_DATE && !apic_date_valid(s))
      return fail(c, APIC_ERR_INVALID_ARG, "%s: expected an RFC 3339 date, got \"%.40s\"%s", s, "");
    size_t len = utf8_length(s);
    if ((f->flags & APIC_F_HAS_MIN_LEN) && len < f->min_len) {
      snprintf(num, sizeof num, "%zu", f->min_len);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: shorter than the minimum length %s%s", num, "");
    }
    if ((f->flags & APIC_F_HAS_MAX_LEN) && len > f->max_len) {
      snprintf(num, sizeof num, "%zu", f->max_len);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: longer than the maximum length %s%s", num, "");
    }
    if (f->pattern != NULL) {
      regex_t re;
      int bad = regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0;
      int miss = !bad && regexec(&re, s, 0, NULL, 0) != 0;
      if (!bad)
        regfree(&re);
      if (bad || miss)
        return fail(c, APIC_ERR_INVALID_ARG, "%s: does not match the pattern %.80s%s", f->pattern, "");
    }
    return 0;
  }
  case APIC_T_INT:
  case APIC_T_FLOAT: {
    double d = t == APIC_T_INT ? (double)*(const int64_t *)slot : *(const double *)slot;
    if ((f->flags & APIC_F_HAS_MIN) && d < f->min) {
      snprintf(num, sizeof num, "%.17g", f->min);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: below the minimum %s%s", num, "");
    }
    if ((f->flags & APIC_F_HAS_MAX) && d > f->max) {
      snprintf(num, sizeof num, "%.17g", f->max);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: above the maximum %s%s", num, "");
    }
    return 0;
  }
  case APIC_T_ENUM: {
    int v = *(const int *)slot;
    if (v < 1 || v > f->enumd->count)
      return fail(c, APIC_ERR_INVALID_ARG, "%s: \"%.40s\" is not a value of %s", unknown ? unknown : "?",
                  f->enumd->name);
    return 0;
  }
  case APIC_T_MODEL: return validate_model(c, f->model, slot, depth + 1);
  default: return 0;
  }
}

static int validate_field(ctx *c, const apic_field_desc *f, const void *obj, int depth)
{
  if (f->flags & (APIC_F_OPTIONAL | APIC_F_NULLABLE)) {
    apic_presence p = *(const apic_presence *)at(obj, f->presence_offset);
    if (p == APIC_ABSENT && !(f->flags & APIC_F_OPTIONAL))
      return fail(c, APIC_ERR_INVALID_ARG, "%s: required field missing%s%s", "", "");
    if (p != APIC_PRESENT)
      return 0;
  }
  const void *slot = at(obj, f->offset);
  if (f->type == APIC_T_ARRAY) {
    size_t n = *(const size_t *)at(obj, f->count_offset), size = elem_size(f->item, f->model);
    char num[32];
    if ((f->flags & APIC_F_HAS_MIN_LEN) && n < f->min_len) {
      snprintf(num, sizeof num, "%zu", f->min_len);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: fewer than %s items%s", num, "");
    }
    if ((f->flags & APIC_F_HAS_MAX_LEN) && n > f->max_len) {
      snprintf(num, sizeof num, "%zu", f->max_len);
      return fail(c, APIC_ERR_INVALID_ARG, "%s: more than %s items%s", num, "");
    }
    const char *items = *(char *const *)slot;
    for (size_t i = 0; i < n; i++) {
      size_t old = path_push(&c->p, NULL, i);
      int rc = validate_value(c, f, f->item, items + i * size, NULL, depth);
      path_pop(&c->p, old);
      if (rc != 0)
        return rc;
    }
    return 0;
  }
  if (f->type == APIC_T_MODEL && (f->flags & APIC_F_BY_POINTER)) {
    const void *sub = *(void *const *)slot;
    if (sub == NULL)
      return fail(c, APIC_ERR_INVALID_ARG, "%s: required field missing%s%s", "", "");
    return validate_model(c, f->model, sub, depth + 1);
  }
  const char *unknown = f->type == APIC_T_ENUM ? *(char *const *)at(obj, f->aux_offset) : NULL;
  return validate_value(c, f, f->type, slot, unknown, depth);
}

static int validate_model(ctx *c, const apic_model_desc *m, const void *obj, int depth)
{
  if (depth > MAX_DEPTH)
    return fail(c, APIC_ERR_INVALID_ARG, "%s: nested too deep%s%s", "", "");
  for (size_t i = 0; i < m->nfields; i++) {
    size_t old = path_push(&c->p, m->fields[i].wire, 0);
    int rc = validate_field(c, &m->fields[i], obj, depth);
    path_pop(&c->p, old);
    if (rc != 0)
      return rc;
  }
  return 0;
}

int apic_model_validate(const apic_model_desc *m, const void *obj, apic_error **err)
{
  ctx c;
  c.p.depth = 0;
  c.code = 0;
  c.err = err;
  c.steal = 0;
  if (err != NULL)
    *err = NULL;
  return validate_model(&c, m, obj, 0);
}

/* ---- fields from header text ------------------------------------------------------------- */

int apic_model_set_text(const apic_model_desc *m, void *obj, const char *name, const char *text)
{
  const apic_field_desc *f = NULL;
  for (size_t i = 0; i < m->nfields && f == NULL; i++)
    if (strcmp(m->fields[i].name, name) == 0)
      f = &m->fields[i];
  if (f == NULL || text == NULL)
    return APIC_ERR_INVALID_ARG;
  void *slot = at(obj, f->offset);
  char *end = NULL;
  switch (f->type) {
  case APIC_T_STRING: {
    char *copy = apic__strndup(text, strlen(text));
    if (copy == NULL)
      return APIC_ERR_NOMEM;
    apic__free(*(char **)slot);
    *(char **)slot = copy;
    break;
  }
  case APIC_T_INT: {
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
      return APIC_ERR_INVALID_ARG;
    *(int64_t *)slot = v;
    break;
  }
  case APIC_T_FLOAT: {
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
      return APIC_ERR_INVALID_ARG;
    *(double *)slot = v;
    break;
  }
  case APIC_T_BOOL:
    if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
      return APIC_ERR_INVALID_ARG;
    *(bool *)slot = text[0] == 't';
    break;
  default: return APIC_ERR_INVALID_ARG;
  }
  if (f->flags & (APIC_F_OPTIONAL | APIC_F_NULLABLE))
    *(apic_presence *)at(obj, f->presence_offset) = APIC_PRESENT;
  return 0;
}

/* ---- arrays of models ---------------------------------------------------------------------- */

/* An apic_model_array seen as a model with one required array field: clearing, copying and
 * comparing then take the model paths, and decoding and encoding the array paths, unchanged. */
typedef struct array_view {
  apic_field_desc f;
  apic_model_desc m;
} array_view;

static const apic_model_desc *array_view_of(array_view *v, const apic_model_desc *m)
{
  memset(v, 0, sizeof *v);
  v->f.name = m->name;
  v->f.wire = "";
  v->f.type = APIC_T_ARRAY;
  v->f.item = APIC_T_MODEL;
  v->f.model = m;
  v->f.offset = offsetof(apic_model_array, items);
  v->f.count_offset = offsetof(apic_model_array, count);
  v->m.name = m->name;
  v->m.size = sizeof(apic_model_array);
  v->m.fields = &v->f;
  v->m.nfields = 1;
  return &v->m;
}

int apic_model_array_from_json(const apic_model_desc *m, void *arr, const cJSON *json, apic_error **err)
{
  array_view v;
  return from_json(array_view_of(&v, m), &v.f, arr, json, err, 0);
}

int apic_model_array_from_json_take(const apic_model_desc *m, void *arr, cJSON *json, apic_error **err)
{
  array_view v;
  return from_json(array_view_of(&v, m), &v.f, arr, json, err, 1);
}

int apic_model_array_parse(const apic_model_desc *m, void *arr, const char *text, size_t len, apic_error **err)
{
  array_view v;
  return parse_text(array_view_of(&v, m), &v.f, arr, text, len, err);
}

cJSON *apic_model_array_to_json(const apic_model_desc *m, const void *arr)
{
  array_view v;
  array_view_of(&v, m);
  return encode_field(&v.f, arr);
}

char *apic_model_array_dump(const apic_model_desc *m, const void *arr)
{
  cJSON *j = apic_model_array_to_json(m, arr);
  char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
  cJSON_Delete(j);
  return text;
}

void apic_model_array_clear(const apic_model_desc *m, void *arr)
{
  array_view v;
  apic_model_clear(array_view_of(&v, m), arr);
}

int apic_model_array_copy(const apic_model_desc *m, void *dst, const void *src)
{
  array_view v;
  return apic_model_copy(array_view_of(&v, m), dst, src);
}

int apic_model_array_equal(const apic_model_desc *m, const void *a, const void *b)
{
  array_view v;
  return apic_model_equal(array_view_of(&v, m), a, b);
}

int apic_model_array_validate(const apic_model_desc *m, const void *arr, apic_error **err)
{
  ctx c;
  array_view v;
  array_view_of(&v, m);
  memset(&c, 0, sizeof c);
  c.err = err;
  if (err != NULL)
    *err = NULL;
  return validate_field(&c, &v.f, arr, 0);
}
