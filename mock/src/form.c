/* libapic-mock: form (application/x-www-form-urlencoded) and multipart (multipart/form-data)
 * bodies, parsed with libmicrohttpd's post processor and checked against the operation's
 * fields: each value as a query parameter's would be ("form.status: ..."), files present where
 * required, no field the operation does not have. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define MAX_VALUES 1024 /* values a body may hold; past it, 413 */

typedef struct form_value { /* one value of a field: a text, or a file part */
  char *key, *data;
  size_t len;
  int is_file; /* the part had a filename */
} form_value;

typedef struct form {
  form_value v[MAX_VALUES];
  size_t n;
  int too_many, nomem;
} form;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }

/* A value arrives in pieces (off > 0 continues the last one). */
static enum MHD_Result on_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                const char *content_type, const char *transfer_encoding, const char *data,
                                uint64_t off, size_t size)
{
  form *f = cls;
  (void)kind, (void)content_type, (void)transfer_encoding;
  if (off == 0) {
    if (f->n == MAX_VALUES)
      return f->too_many = 1, MHD_NO;
    f->v[f->n++] = (form_value){strdup(key != NULL ? key : ""), NULL, 0, filename != NULL};
    f->nomem |= f->v[f->n - 1].key == NULL;
  }
  form_value *v = &f->v[f->n - 1];
  char *more = realloc(v->data, v->len + size + 1);
  if (more == NULL)
    return f->nomem = 1, MHD_NO;
  memcpy(more + v->len, data, size);
  v->data = more;
  v->len += size;
  v->data[v->len] = '\0';
  return MHD_YES;
}

static void form_free(form *f)
{
  for (size_t i = 0; i < f->n; i++)
    free(f->v[i].key), free(f->v[i].data);
}

/* A field's values as strings (a text with a NUL is cut), or for files only how many. */
static cJSON *values_of(const form *f, const char *wire, int files, int *n)
{
  cJSON *texts = files ? NULL : cJSON_CreateArray();
  *n = 0;
  for (size_t i = 0; i < f->n; i++)
    if (strcmp(f->v[i].key, wire) == 0) {
      ++*n;
      if (!files)
        cJSON_AddItemToArray(texts, cJSON_CreateString(f->v[i].data != NULL ? f->v[i].data : ""));
    }
  return texts;
}

/* One field's values against it: a file field takes parts (any, as a client may name them or
 * not), the others text as a query parameter would. */
static int check_field(apic_mock *m, const cJSON *p, const form *f, const char *root, cJSON *out, char *err, size_t errsz)
{
  const cJSON *type = get(p, "type");
  const char *wire = str(p, "wire"), *kind = str(type, "kind"), *item_kind = str(get(type, "items"), "kind");
  int n, rc = 0, is_file = strcmp(kind, "file") == 0 || (item_kind != NULL && strcmp(item_kind, "file") == 0);
  cJSON *texts = values_of(f, wire, is_file, &n);
  char at[300];
  snprintf(at, sizeof at, "%s.%.100s", root, wire);
  if (is_file && n == 0 && !cJSON_IsTrue(get(p, "optional")))
    rc = -1, snprintf(err, errsz, "%s: required file missing", at);
  else if (!is_file)
    rc = apic_mock__check_texts(m->spec, p, texts, at, err, errsz);
  if (rc == 0 && n > 0 && !is_file)
    cJSON_AddItemToObject(out, wire, strcmp(kind, "array") == 0
                                       ? cJSON_Duplicate(texts, 1)
                                       : apic_mock__text_value(kind, cJSON_GetArrayItem(texts, 0)->valuestring));
  cJSON_Delete(texts);
  return rc;
}

int apic_mock__check_form(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *body, size_t len,
                          cJSON **out, mock_reply *r)
{
  const cJSON *spec_body = get(op, "body"), *p;
  const char *root = strcmp(str(spec_body, "kind"), "form") == 0 ? "form" : "multipart";
  const char *want = root[0] == 'f' ? "application/x-www-form-urlencoded" : "multipart/form-data";
  const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  char err[400];
  if (ctype == NULL || strncasecmp(ctype, want, strlen(want)) != 0) {
    snprintf(err, sizeof err, "expected a %s body (%s)", root, want);
    return apic_mock__reply_error(m, r, 400, err), -1;
  }
  form *f = calloc(1, sizeof *f);
  struct MHD_PostProcessor *pp = f != NULL ? MHD_create_post_processor(c, 4096, on_value, f) : NULL;
  int bad = pp == NULL || MHD_post_process(pp, body, len) != MHD_YES;
  if (pp != NULL)
    bad |= MHD_destroy_post_processor(pp) != MHD_YES; /* delivers a form's last value */
  if (f == NULL || f->nomem || f->too_many || bad) {
    int status = f == NULL || f->nomem ? 500 : f->too_many ? 413 : 400;
    if (status == 400)
      snprintf(err, sizeof err, "the %s body does not parse", root);
    else
      snprintf(err, sizeof err, status == 413 ? "more than %d values" : "out of memory", MAX_VALUES);
    if (f != NULL)
      form_free(f);
    free(f);
    return apic_mock__reply_error(m, r, status, err), -1;
  }
  *out = cJSON_CreateObject();
  int rc = 0;
  cJSON_ArrayForEach(p, get(spec_body, "fields")) if (rc == 0) rc = check_field(m, p, f, root, *out, err, sizeof err);
  for (size_t i = 0; rc == 0 && i < f->n; i++) { /* a field the operation does not have */
    int known = 0;
    cJSON_ArrayForEach(p, get(spec_body, "fields")) known |= strcmp(str(p, "wire"), f->v[i].key) == 0;
    if (!known)
      rc = -1, snprintf(err, sizeof err, "%s.%.100s: unknown field", root, f->v[i].key);
  }
  form_free(f);
  free(f);
  if (rc != 0)
    apic_mock__reply_error(m, r, 422, err);
  return rc;
}
