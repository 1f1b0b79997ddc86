/* Decoding a ~1 MB JSON array of Torale tasks into a list of torale_task models (as a client does
 * with a response body: straight from the text into one arena), against cJSON_Parse alone on
 * the same text (what the codec used to start from, before moving the tree into the models).
 *   decode_bench [ROUNDS]   prints bytes, tasks, ms per round for each, and the ratio. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "torale/models.h"

static const char TASK[] =
    "{\"id\":\"t_%06d\",\"name\":\"iPhone %d\",\"search_query\":\"When is the next iPhone release?\","
    "\"condition_description\":\"A specific date has been announced\",\"schedule\":\"0 9 * * *\","
    "\"state\":\"active\",\"is_active\":true,\"created_at\":\"2024-02-29T09:00:00Z\","
    "\"last_execution\":{\"id\":\"e_%d\",\"task_id\":\"t_%d\",\"status\":\"success\","
    "\"started_at\":\"2024-03-01T09:00:00Z\",\"completed_at\":\"2024-03-01T09:00:05Z\",\"sources\":[\"https://a.example\"]},"
    "\"tags\":[\"apple\",\"phones\"],\"labels\":{\"team\":\"growth\"},\"cooldown_minutes\":60,\"confidence_threshold\":0.75}";

static double now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  size_t cap = 1200 * 1024, len = 1;
  char *text = malloc(cap);
  text[0] = '[';
  int n = 0;
  while (len < 1000 * 1000) {
    len += (size_t)snprintf(text + len, cap - len, "%s", n ? "," : "");
    len += (size_t)snprintf(text + len, cap - len, TASK, n, n, n, n);
    n++;
  }
  text[len++] = ']';
  text[len] = '\0';

  double parse_ms = 1e30, decode_ms = 1e30; /* best of rounds: the least disturbed run */
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ms();
    cJSON *j = cJSON_ParseWithLength(text, len);
    double t1 = now_ms();
    cJSON_Delete(j);
    if (t1 - t0 < parse_ms)
      parse_ms = t1 - t0;

    static const apic_type_desc tasks = {APIC_T_ARRAY, NULL, NULL, &torale_task__desc.type, 0, 0};
    void *list = NULL;
    apic_error *err = NULL;
    t0 = now_ms();
    if (apic_value_parse(&tasks, text, len, &list, &err) != 0) {
      fprintf(stderr, "decode failed: %s\n", apic_error_message(err));
      return 1;
    }
    t1 = now_ms();
    if (((apic_list *)list)->count != (size_t)n)
      return 1;
    apic_value_free(list);
    if (t1 - t0 < decode_ms)
      decode_ms = t1 - t0;
  }
  printf("bytes=%zu tasks=%d cjson_parse_ms=%.2f decode_ms=%.2f ratio=%.2f\n", len, n, parse_ms, decode_ms,
         decode_ms / parse_ms);
  free(text);
  return 0;
}
