/* libFuzzer target: arbitrary bytes decoded into Torale's largest model (a page of tasks) and
 * into a bare array of tasks; when that succeeds, copied (the copy must be equal), and when the
 * value also validates, encoded and decoded again (which must give an equal value). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "torale/models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const apic_type_desc *t, const uint8_t *data, size_t size)
{
  void *value = NULL, *again = NULL;
  if (apic_value_parse(t, (const char *)data, size, &value, NULL) != 0)
    return;
  void *copy = apic_value_copy(t, value);
  if (copy != NULL && !apic_value_equal(t, value, copy))
    abort(); /* a copy must equal its original */
  char *text = apic_value_dump(t, value, APIC_DUMP_WIRE, NULL); /* NULL unless it validates */
  if (text != NULL && apic_value_parse(t, text, strlen(text), &again, NULL) == 0) {
    if (!apic_value_equal(t, value, again))
      abort(); /* encode then decode must give the same value */
    apic_value_free(again);
  }
  apic_free(text);
  apic_value_free(copy);
  apic_value_free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const apic_type_desc tasks = {APIC_T_ARRAY, NULL, NULL, &torale_task__desc.type, 0, 0};
  round_trip(&torale_task_page__desc.type, data, size);
  round_trip(&tasks, data, size);
  return 0;
}
