/* libFuzzer target: arbitrary bytes decoded into Torale's largest model (a page of tasks) and
 * into a bare array of tasks, then, when that succeeds, validated, encoded and decoded again
 * (which must give an equal value). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "torale/models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void page(const uint8_t *data, size_t size)
{
  torale_task_page p, again;
  apic_error *err = NULL;
  if (torale_task_page_parse(&p, (const char *)data, size, &err) != 0) {
    apic_error_free(err);
    return;
  }
  (void)torale_task_page_validate(&p, &err);
  apic_error_free(err);
  char *text = torale_task_page_dump(&p);
  if (text != NULL && torale_task_page_parse(&again, text, strlen(text), NULL) == 0) {
    if (!torale_task_page_equal(&p, &again))
      abort(); /* encode then decode must give the same value */
    torale_task_page_clear(&again);
  }
  free(text);
  torale_task_page_clear(&p);
}

static void array(const uint8_t *data, size_t size)
{
  torale_task_array a, again;
  apic_error *err = NULL;
  if (torale_task_array_parse(&a, (const char *)data, size, &err) != 0) {
    apic_error_free(err);
    return;
  }
  (void)torale_task_array_validate(&a, &err);
  apic_error_free(err);
  char *text = torale_task_array_dump(&a);
  if (text != NULL && torale_task_array_parse(&again, text, strlen(text), NULL) == 0) {
    if (!torale_task_array_equal(&a, &again))
      abort();
    torale_task_array_clear(&again);
  }
  free(text);
  torale_task_array_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  page(data, size);
  array(data, size);
  return 0;
}
