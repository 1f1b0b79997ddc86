/* libFuzzer target: arbitrary bytes decoded into Torale's largest model (a page of tasks),
 * then, when that succeeds, validated, encoded and decoded again (must give an equal value). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "torale/models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  torale_task_page page, again;
  apic_error *err = NULL;
  if (torale_task_page_parse(&page, (const char *)data, size, &err) != 0) {
    apic_error_free(err);
    return 0;
  }
  (void)torale_task_page_validate(&page, &err);
  apic_error_free(err);
  char *text = torale_task_page_dump(&page);
  if (text != NULL && torale_task_page_parse(&again, text, strlen(text), NULL) == 0) {
    if (!torale_task_page_equal(&page, &again))
      abort(); /* encode then decode must give the same value */
    torale_task_page_clear(&again);
  }
  free(text);
  torale_task_page_clear(&page);
  return 0;
}
