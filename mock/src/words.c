/* libapic-mock: an agent's reply, a word at a time. A stream operation with @accumulate answers
 * with one event per word of a short story, lifecycle_ms / 2 apart: each event synthesized
 * once for the request, with the @accumulate field the next word (and an int field named
 * `index` counting from 0). Last-Event-ID resumes after that word; none left is 204. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static const char *const WORDS[] = {"Once", "upon", "a", "time,", "a", "small", "robot", "learned", "to",
                                    "write", "its", "replies", "one", "word", "at", "a", "time,", "and",
                                    "everyone", "could", "read", "along."};
#define NWORDS ((long)(sizeof WORDS / sizeof WORDS[0]))
_Static_assert(sizeof WORDS / sizeof WORDS[0] <= MOCK_MAX_CUTS, "a word per event, each a cut");

/* The wire name of the model's field called name. */
static const char *wire_of(const cJSON *model, const char *name)
{
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "fields"))
  {
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
    if (n != NULL && strcmp(n, name) == 0)
      return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "wire"));
  }
  return NULL;
}

/* Appends one event to r's body (growing it), and its cut. */
static int append(mock_reply *r, size_t *cap, long id, const char *data)
{
  size_t need = strlen(data) + 64;
  if (r->len + need > *cap) {
    char *bigger = realloc(r->body, *cap = (r->len + need) * 2);
    if (bigger == NULL)
      return -1;
    r->body = bigger;
  }
  r->len += (size_t)snprintf(r->body + r->len, *cap - r->len, "id: %ld\nretry: 50\ndata: %s\n\n", id, data);
  r->cuts[r->ncuts++] = r->len;
  return 0;
}

void apic_mock__words(apic_mock *m, struct MHD_Connection *c, const cJSON *op, const char *path, const char *body,
                      mock_reply *r)
{
  const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
  const cJSON *model = apic_mock__returned_model(m->spec, op);
  const char *piece = wire_of(model, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "accumulate")));
  const char *index = wire_of(model, "index");
  char seed[600];
  snprintf(seed, sizeof seed, "%.300s %.280s", path, body);
  uint64_t rng = apic_mock__hash(m->o.seed, seed);
  cJSON *base = apic_mock__synth_model(m->spec, model, &rng, 0, 0);
  long from = last != NULL ? strtol(last, NULL, 10) : 0;
  from = from < 0 ? 0 : from > NWORDS ? NWORDS : from;
  size_t cap = 0;
  int failed = 0;
  for (long i = from; i < NWORDS && !failed && piece != NULL; i++) {
    char word[64];
    snprintf(word, sizeof word, "%s%s", WORDS[i], i + 1 < NWORDS ? " " : "");
    cJSON_DeleteItemFromObjectCaseSensitive(base, piece);
    cJSON_AddStringToObject(base, piece, word);
    if (index != NULL && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(base, index)))
      cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(base, index), (double)i);
    char *data = cJSON_PrintUnformatted(base);
    failed = data == NULL || append(r, &cap, i + 1, data) != 0;
    free(data);
  }
  cJSON_Delete(base);
  if (failed) {
    free(r->body);
    r->body = NULL, r->len = 0, r->ncuts = 0;
  }
  r->status = from >= NWORDS ? 204 : 200; /* 204: the reply was all sent, clients stop */
  r->ctype = "text/event-stream";
  r->gap_ms = m->o.lifecycle_ms / 2 > 0 ? m->o.lifecycle_ms / 2 : 1;
}
