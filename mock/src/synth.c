/* libapic-mock: values synthesized from the spec's types, valid for every constraint and
 * deterministic for a given rng state (seeded from --seed and the request). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apic/formats.h"
#include "mock_internal.h"

#define SYNTH_MAX_DEPTH 4 /* deeper optional models are left out, deeper required ones are {} */
#define SYNTH_MAX_ITEMS 64 /* the most items a synthesized array gets, whatever @min_len says */

uint64_t apic_mock__rand(uint64_t *state) /* splitmix64 */
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

uint64_t apic_mock__hash(uint64_t seed, const char *s) /* FNV-1a over s, mixed with seed */
{
  uint64_t h = 1469598103934665603u ^ seed;
  for (; s != NULL && *s != '\0'; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

void apic_mock__now(char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char day[32];
  strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, size, "%s.%03ldZ", day, ts.tv_nsec / 1000000);
}

static int matches(const char *pat, const char *s)
{
  regex_t re;
  if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
    return 0;
  int ok = regexec(&re, s, 0, NULL, 0) == 0;
  regfree(&re);
  return ok;
}

/* A string within min_len/max_len; for a pattern, the first of a few common shapes that
 * matches (a pattern none of them fits gets the first candidate: documented limitation). */
static cJSON *synth_string(const cJSON *k, uint64_t *rng)
{
  static const char *const shapes[] = {"sample", "0 9 * * *", "a", "A", "0", "a1", "user@example.com",
                                       "https://example.com", "2024-01-01", "abc-123"};
  char buf[256];
  snprintf(buf, sizeof buf, "sample-%04x", (unsigned)(apic_mock__rand(rng) & 0xFFFF));
  const char *pat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "pattern"));
  for (size_t i = 0; pat != NULL && i < sizeof shapes / sizeof *shapes; i++)
    if (matches(pat, shapes[i])) {
      snprintf(buf, sizeof buf, "%s", shapes[i]);
      break;
    }
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(k, "min_len");
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(k, "max_len");
  size_t len = strlen(buf), lo = mn ? (size_t)mn->valuedouble : 0, hi = mx ? (size_t)mx->valuedouble : 255;
  while (len < lo && len < sizeof buf - 1)
    buf[len++] = 'x';
  buf[len < hi ? len : hi] = '\0';
  return cJSON_CreateString(buf);
}

/* A number within min and max (and for an int32 its range: most, or 0 for none). */
static cJSON *synth_number(const cJSON *k, uint64_t *rng, int integral, double most)
{
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(k, "min");
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(k, "max");
  double lo = mn ? mn->valuedouble : 0, hi = mx ? mx->valuedouble : lo + 100;
  hi = most > 0 && hi > most ? most : hi;
  double r = (double)(apic_mock__rand(rng) % 1000) / 1000.0;
  double v = lo + (hi - lo) * r;
  if (integral) {
    v = (double)(long long)v;
    if (v < lo)
      v += 1;
  }
  return cJSON_CreateNumber(v);
}

static cJSON *synth_uuid(uint64_t *rng)
{
  uint64_t hi = apic_mock__rand(rng), lo = apic_mock__rand(rng);
  char buf[40];
  snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(hi >> 32), (unsigned)(hi >> 16 & 0xFFFF),
           (unsigned)(hi & 0xFFF), (unsigned)(0x8000 | (lo >> 48 & 0x3FFF)), (unsigned long long)(lo & 0xFFFFFFFFFFFFull));
  return cJSON_CreateString(buf);
}

/* Bytes as base64: as many as @min_len asks (at least 4), at most @max_len. */
static cJSON *synth_bytes(const cJSON *k, uint64_t *rng)
{
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(k, "min_len");
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(k, "max_len");
  uint8_t data[64];
  size_t n = cJSON_IsNumber(mn) && mn->valuedouble > 4 ? (size_t)mn->valuedouble : 4;
  n = n > sizeof data ? sizeof data : n;
  n = cJSON_IsNumber(mx) && mx->valuedouble < (double)n ? (size_t)mx->valuedouble : n;
  for (size_t i = 0; i < n; i++)
    data[i] = (uint8_t)apic_mock__rand(rng);
  char text[4 * sizeof data / 3 + 8];
  apic_base64_encode(data, n, text);
  return cJSON_CreateString(text);
}

static cJSON *synth_union(const cJSON *spec, const cJSON *u, uint64_t *rng, int all, int depth);

static cJSON *synth_enum(const cJSON *spec, const char *name, uint64_t *rng)
{
  const cJSON *vals = cJSON_GetObjectItemCaseSensitive(apic_mock__enum(spec, name), "values");
  int n = cJSON_GetArraySize(vals);
  if (n == 0)
    return cJSON_CreateString("");
  const cJSON *v = cJSON_GetArrayItem(vals, (int)(apic_mock__rand(rng) % (uint64_t)n));
  return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v, "wire"), 1); /* text, or an integer enum's number */
}

static cJSON *synth_datetime(uint64_t *rng, int date_only)
{
  time_t t = (time_t)(1704067200 + apic_mock__rand(rng) % (365u * 86400u)); /* some time in 2024 */
  struct tm tm;
  char buf[40];
  gmtime_r(&t, &tm);
  strftime(buf, sizeof buf, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return cJSON_CreateString(buf);
}

/* One item, or as many as @min_len asks (up to SYNTH_MAX_ITEMS), or none when @max_len is 0. */
static cJSON *synth_array(const cJSON *spec, const cJSON *type, const cJSON *k, uint64_t *rng, int all, int depth)
{
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(k, "min_len");
  const cJSON *mx = cJSON_GetObjectItemCaseSensitive(k, "max_len");
  double n = cJSON_IsNumber(mn) && mn->valuedouble > 1 ? mn->valuedouble : 1;
  n = n > SYNTH_MAX_ITEMS ? SYNTH_MAX_ITEMS : n;
  n = cJSON_IsNumber(mx) && mx->valuedouble < n ? mx->valuedouble : n;
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < (int)n && depth < SYNTH_MAX_DEPTH; i++)
    cJSON_AddItemToArray(a, apic_mock__synth(spec, cJSON_GetObjectItemCaseSensitive(type, "items"), NULL, rng, all,
                                             depth + 1));
  return a;
}

/* One of the union's variants, picked by rng; with a discriminator, its tag comes first. */
static cJSON *synth_union(const cJSON *spec, const cJSON *u, uint64_t *rng, int all, int depth)
{
  const cJSON *vars = cJSON_GetObjectItemCaseSensitive(u, "variants");
  int n = cJSON_GetArraySize(vars);
  if (n == 0)
    return cJSON_CreateNull();
  const cJSON *var = cJSON_GetArrayItem(vars, (int)(apic_mock__rand(rng) % (uint64_t)n));
  cJSON *v = apic_mock__synth(spec, cJSON_GetObjectItemCaseSensitive(var, "type"), var, rng, all, depth + 1);
  const char *disc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "discriminator"));
  if (disc == NULL || !cJSON_IsObject(v))
    return v;
  cJSON *tagged = cJSON_CreateObject();
  cJSON_AddStringToObject(tagged, disc, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(var, "tag")));
  while (v->child != NULL) {
    char *key = strdup(v->child->string);
    cJSON_AddItemToObject(tagged, key, cJSON_DetachItemViaPointer(v, v->child));
    free(key);
  }
  cJSON_Delete(v);
  return tagged;
}

cJSON *apic_mock__synth(const cJSON *spec, const cJSON *type, const cJSON *field, uint64_t *rng, int all, int depth)
{
  const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "kind"));
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "name"));
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(field, "constraints");
  const char *fname = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(field, "name"));
  if (kind == NULL)
    return cJSON_CreateNull();
  if (strcmp(kind, "string") == 0) {
    if (fname != NULL && k == NULL && (strcmp(fname, "id") == 0 || strstr(fname, "_id") != NULL)) {
      char id[32];
      snprintf(id, sizeof id, "%016llx", (unsigned long long)apic_mock__rand(rng));
      return cJSON_CreateString(id);
    }
    return synth_string(k, rng);
  }
  if (strcmp(kind, "int") == 0 || strcmp(kind, "int32") == 0 || strcmp(kind, "float") == 0)
    return synth_number(k, rng, kind[0] == 'i', strcmp(kind, "int32") == 0 ? 2147483647.0 : 0);
  if (strcmp(kind, "uuid") == 0)
    return synth_uuid(rng);
  if (strcmp(kind, "bytes") == 0)
    return synth_bytes(k, rng);
  if (strcmp(kind, "bool") == 0)
    return cJSON_CreateBool(apic_mock__rand(rng) & 1);
  if (strcmp(kind, "datetime") == 0 || strcmp(kind, "date") == 0)
    return synth_datetime(rng, kind[4] == '\0');
  if (strcmp(kind, "enum") == 0)
    return synth_enum(spec, name != NULL ? name : "", rng);
  if (strcmp(kind, "model") == 0)
    return apic_mock__synth_model(spec, apic_mock__model(spec, name != NULL ? name : ""), rng, all, depth + 1);
  if (strcmp(kind, "array") == 0)
    return synth_array(spec, type, k, rng, all, depth);
  if (strcmp(kind, "union") == 0)
    return synth_union(spec, apic_mock__union(spec, name != NULL ? name : ""), rng, all, depth);
  cJSON *o = cJSON_CreateObject(); /* map, any */
  if (strcmp(kind, "map") == 0 && depth < SYNTH_MAX_DEPTH)
    cJSON_AddItemToObject(o, "key",
                          apic_mock__synth(spec, cJSON_GetObjectItemCaseSensitive(type, "values"), NULL, rng, all,
                                           depth + 1));
  return o;
}

/* Required fields always (defaults where given); optional ones only when all is set. */
cJSON *apic_mock__synth_model(const cJSON *spec, const cJSON *model, uint64_t *rng, int all, int depth)
{
  cJSON *o = cJSON_CreateObject();
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const char *wire = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "wire"));
    int optional = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "optional"));
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(f, "default");
    if (wire == NULL || cJSON_GetObjectItemCaseSensitive(f, "header") != NULL ||
        (optional && (!all || depth >= SYNTH_MAX_DEPTH)))
      continue;
    cJSON *v = def != NULL ? apic_mock__default(spec, f)
                           : apic_mock__synth(spec, cJSON_GetObjectItemCaseSensitive(f, "type"), f, rng, all, depth);
    cJSON_AddItemToObject(o, wire, v);
  }
  return o;
}

/* A default value of type as it goes on the wire: an enum's (also a list's or map's items) is
 * written by its name in the spec. */
static cJSON *wire_value(const cJSON *spec, const cJSON *type, const cJSON *def)
{
  const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "kind"));
  if (kind != NULL && strcmp(kind, "enum") == 0 && cJSON_IsString(def)) {
    const cJSON *v;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "name"));
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(apic_mock__enum(spec, name ? name : ""), "values"))
    {
      const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "name"));
      if (n != NULL && strcmp(n, def->valuestring) == 0)
        return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v, "wire"), 1);
    }
  }
  if (kind != NULL && (strcmp(kind, "array") == 0 || strcmp(kind, "map") == 0) && (cJSON_IsArray(def) || cJSON_IsObject(def))) {
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(type, kind[0] == 'a' ? "items" : "values"), *item;
    cJSON *all = cJSON_IsArray(def) ? cJSON_CreateArray() : cJSON_CreateObject();
    cJSON_ArrayForEach(item, def)
    {
      cJSON *w = wire_value(spec, inner, item);
      if (item->string != NULL)
        cJSON_AddItemToObject(all, item->string, w);
      else
        cJSON_AddItemToArray(all, w);
    }
    return all;
  }
  return cJSON_Duplicate(def, 1);
}

/* The field's spec default as it goes on the wire. */
cJSON *apic_mock__default(const cJSON *spec, const cJSON *field)
{
  const cJSON *def = cJSON_GetObjectItemCaseSensitive(field, "default");
  return def != NULL ? wire_value(spec, cJSON_GetObjectItemCaseSensitive(field, "type"), def) : NULL;
}
