/* libapic-mock: downloads (`-> bytes`). A raw bytes body is kept under its request path, and a
 * download of that path answers with it; else with bytes made as they are sent, as many as the
 * `size` query parameter asks (MOCK_BYTES_DEFAULT without it), byte i being
 * apic_mock__byte_at(i), so a test can check any length without the mock holding it. */
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

#define MOCK_BYTES_DEFAULT 1024u
#define MOCK_BYTES_MAX ((uint64_t)1 << 30) /* the most bytes a download makes */

typedef struct mock_blob {
  char *path;
  char *data;
  size_t len;
} mock_blob;

uint8_t apic_mock__byte_at(uint64_t i)
{
  return (uint8_t)(((uint32_t)i * 2654435761u) >> 24); /* Knuth's multiplicative hash: no short period */
}

static mock_blob *find(apic_mock *m, const char *path)
{
  for (size_t i = 0; i < m->nblobs; i++)
    if (strcmp(m->blobs[i].path, path) == 0)
      return &m->blobs[i];
  return NULL;
}

/* Keeps a copy of data under path (replacing what was there); the oldest goes when
 * MOCK_MAX_BLOBS are kept. Called with the lock held. */
int apic_mock__blob_put(apic_mock *m, const char *path, const char *data, size_t len)
{
  char *copy = malloc(len + 1), *key = strdup(path);
  if (copy == NULL || key == NULL) {
    free(copy), free(key);
    return -1;
  }
  memcpy(copy, data != NULL ? data : "", len);
  mock_blob *b = find(m, path);
  if (b == NULL && m->nblobs == MOCK_MAX_BLOBS) {
    free(m->blobs[0].path), free(m->blobs[0].data);
    memmove(m->blobs, m->blobs + 1, (MOCK_MAX_BLOBS - 1) * sizeof *m->blobs);
    m->nblobs--;
  }
  if (b == NULL)
    b = &m->blobs[m->nblobs++];
  else
    free(b->path), free(b->data);
  *b = (mock_blob){key, copy, len};
  return 0;
}

void apic_mock__blobs_clear(apic_mock *m)
{
  for (size_t i = 0; i < m->nblobs; i++)
    free(m->blobs[i].path), free(m->blobs[i].data);
  m->nblobs = 0;
}

int apic_mock__blobs_init(apic_mock *m)
{
  m->blobs = calloc(MOCK_MAX_BLOBS, sizeof *m->blobs);
  return m->blobs != NULL ? 0 : -1;
}

void apic_mock__blobs_free(apic_mock *m)
{
  if (m->blobs != NULL)
    apic_mock__blobs_clear(m);
  free(m->blobs);
}

/* A download of path: the bytes stored there (a copy), else made as sent. Called with the lock
 * held. */
void apic_mock__download(apic_mock *m, const char *path, const cJSON *query, mock_reply *r)
{
  const mock_blob *b = find(m, path);
  r->status = 200;
  r->ctype = "application/octet-stream";
  if (b != NULL) {
    r->body = malloc(b->len + 1);
    r->len = r->body != NULL ? b->len : 0;
    if (r->body != NULL)
      memcpy(r->body, b->data, b->len);
    return;
  }
  const cJSON *size = cJSON_GetObjectItemCaseSensitive(query, "size");
  if (cJSON_IsArray(size))
    size = cJSON_GetArrayItem(size, 0);
  uint64_t n = cJSON_IsString(size) ? strtoull(size->valuestring, NULL, 10) : MOCK_BYTES_DEFAULT;
  r->len = n < MOCK_BYTES_MAX ? (size_t)n : (size_t)MOCK_BYTES_MAX;
  r->made = 1;
}
