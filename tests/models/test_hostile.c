/* Hostile spec text (tests/models/data/hostile.api) reaches C only through the view model's
 * escapers: the generated SDK compiles -Werror -Wcomment -Wtrigraphs with gcc and clang
 * (tests/models/models.mk), and every string it holds is the spec's, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hostile/hostile.h"

static void test_literals_hold_the_spec_text(void **state)
{
  (void)state;
  assert_string_equal(HOSTILE_DEFAULT_BASE_URL, "http://127.0.0.1/a\"b\\c?\?/d%e/*x*/");
  assert_string_equal(HOSTILE_VERSION, "0.1\"; (void)system(\"echo INJECTED\"); //");
  const char *ua = "hostile-c/0.1\"; (void)system(\"echo INJECTED\"); // apic/";
  assert_memory_equal(HOSTILE_USER_AGENT, ua, strlen(ua));
  assert_string_equal(hostile_mood_to_string(HOSTILE_MOOD_HAPPY), "ha\"p\\py */ ?\?/ %s \n \xc3\xa9");
  assert_int_equal(hostile_mood_from_string("ha\"p\\py */ ?\?/ %s \n \xc3\xa9"), HOSTILE_MOOD_HAPPY);
}

/* Wire names, defaults and patterns: a value left unset is sent with the spec's default under
 * the spec's wire name, and the default matches the spec's pattern. */
static void test_wire_names_defaults_and_patterns(void **state)
{
  (void)state;
  hostile_thing t = {0};
  char *text = apic_value_dump(&hostile_thing__desc.type, &t, APIC_DUMP_WIRE, NULL);
  assert_non_null(text);
  assert_string_equal(text, "{\"wi\\\"re */ ?\?= \\\\ %n\":\"def */ \\\" \\\\ ?\?> \\n %d \xc3\xa9\","
                            "\"mood\":\"ha\\\"p\\\\py */ ?\?/ %s \\n \xc3\xa9\"}");
  apic_free(text);
  t.label = "nope"; /* @pattern("^def \\*\/ .*") */
  apic_error *err = NULL;
  assert_int_equal(hostile_thing_validate(&t, &err), APIC_ERR_INVALID_ARG);
  assert_non_null(strstr(apic_error_message(err), "does not match the pattern ^def \\*/ .*"));
  apic_error_free(err);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_literals_hold_the_spec_text),
      cmocka_unit_test(test_wire_names_defaults_and_patterns),
  };
  return cmocka_run_group_tests_name("models: hostile spec text", tests, NULL, NULL);
}
