/* Every field kind (tests/models/data/kinds.api), generated at build time and compiled -Werror
 * with gcc and clang (-Wcast-qual -Wwrite-strings too: tests/models/models.mk): decoded, encoded
 * back to the same text, copied and compared, and built by a caller from literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kinds/kinds.h"

/* Every member set, in spec order and in the encoder's spelling, so encoding gives it back. */
static const char FULL[] =
    "{\"s\":\"a\",\"s_opt\":\"b\",\"s_def\":\"c\",\"s_null\":null,\"s_opt_null\":\"secret\",\"i\":-5,\"i_opt\":9007199254740993,"
    "\"i_def\":7,\"i_null\":null,\"f\":0.1,\"f_opt\":1e+300,\"f_def\":0.25,\"b\":false,\"b_opt\":true,\"b_def\":true,"
    "\"dt\":\"2024-02-29T09:00:00.5+01:00\",\"dt_opt\":null,\"d\":\"2024-02-29\",\"e\":\"dark-blue\",\"e_opt\":\"purple\","
    "\"e_def\":\"red\",\"e_null\":null,\"m\":{\"n\":1},\"m_opt\":{\"n\":2},\"m_null\":null,\"a\":{\"x\":[1,\"y\",null]},"
    "\"strings\":[\"p\",\"q\"],\"strings_def\":[],\"ints\":[1,-2],\"floats\":[0.5],\"bools\":[true],"
    "\"colours\":[\"red\",\"dark-blue\"],\"leaves\":[{\"n\":3}],\"anys\":[1,\"two\",[3]],\"grid\":[[\"g\"],[]],"
    "\"leaf_grid\":[[{\"n\":4}]],\"colour_grid\":[[\"red\"]],\"smap\":{\"k\":\"v\"},\"imap\":{\"k\":1},\"fmap\":{\"k\":1.5},"
    "\"bmap\":{\"k\":false},\"cmap\":{\"k\":\"dark-blue\"},\"lmap\":{\"k\":{\"n\":5}},\"amap\":{\"k\":{}},"
    "\"slmap\":{\"k\":[\"x\",\"y\"]},\"llmap\":{\"k\":[{\"n\":6}]}}";

static void test_every_kind_round_trips(void **state)
{
  (void)state;
  kinds_all *v = NULL;
  apic_error *err = NULL;
  if (kinds_all_parse(FULL, strlen(FULL), &v, &err) != 0)
    fail_msg("%s", apic_error_message(err));
  assert_true(v->s_null_null && v->i_null_null && v->e_null_null && v->m_null_null && v->dt_opt_null);
  assert_true(*v->i_opt == 9007199254740993LL);
  assert_int_equal(*v->e_opt, KINDS_COLOUR_UNKNOWN);
  assert_string_equal(v->e_opt_unknown, "purple");
  assert_string_equal(v->grid[0].items[0], "g");
  assert_int_equal(v->leaf_grid[0].items[0].n, 4);
  assert_int_equal(v->colour_grid[0].items[0], KINDS_COLOUR_RED);
  assert_int_equal(v->cmap[0].value, KINDS_COLOUR_DARK_BLUE);
  assert_int_equal(v->lmap[0].value.n, 5);
  assert_string_equal(v->slmap[0].value.items[1], "y");
  assert_int_equal(v->llmap[0].value.items[0].n, 6);
  char *text = apic_value_dump(&kinds_all__desc.type, v, APIC_DUMP_WIRE, &err);
  assert_non_null(text);
  assert_string_equal(text, FULL);
  char *redacted = kinds_all_dump(v, NULL);
  assert_null(strstr(redacted, "secret"));
  kinds_all *copy = kinds_all_copy(v);
  assert_true(kinds_all_equal(copy, v));
  apic_free(text);
  apic_free(redacted);
  kinds_all_free(v);
  kinds_all_free(copy);
}

/* A caller writes every kind with literals and compound literals: nothing to free. */
static void test_every_kind_from_literals(void **state)
{
  (void)state;
  const kinds_leaf_list leaf_rows[] = {{(const kinds_leaf[]){{1}, {2}}, 2}};
  const apic_string_list_entry slmap[] = {{"k", {(const char *[]){"x"}, 1}}};
  const kinds_colour_entry cmap[] = {{"k", KINDS_COLOUR_RED}};
  kinds_all v = {.s = "a", .s_null_null = true, .i = 3, .i_null = 4, .f = 0.5, .dt = "2024-01-01T00:00:00Z",
                 .d = "2024-01-01", .e = KINDS_COLOUR_RED, .e_opt = APIC_ENUM(kinds_colour, KINDS_COLOUR_DARK_BLUE),
                 .e_null = KINDS_COLOUR_RED, .m = {1}, .m_null = &(const kinds_leaf){2},
                 .strings = (const char *[]){"p"}, .strings_count = 1, .leaf_grid = leaf_rows, .leaf_grid_count = 1,
                 .cmap = cmap, .cmap_count = 1, .slmap = slmap, .slmap_count = 1};
  apic_error *err = NULL;
  char *text = apic_value_dump(&kinds_all__desc.type, &v, APIC_DUMP_WIRE, &err);
  if (text == NULL)
    fail_msg("%s", apic_error_message(err));
  assert_string_equal(text, "{\"s\":\"a\",\"s_def\":\"dflt\",\"s_null\":null,\"i\":3,\"i_def\":7,\"i_null\":4,\"f\":0.5,"
                            "\"f_def\":0.25,\"b\":false,\"b_def\":true,\"dt\":\"2024-01-01T00:00:00Z\",\"d\":\"2024-01-01\","
                            "\"e\":\"red\",\"e_opt\":\"dark-blue\",\"e_def\":\"dark-blue\",\"e_null\":\"red\",\"m\":{\"n\":1},"
                            "\"m_null\":{\"n\":2},\"strings\":[\"p\"],\"strings_def\":[],\"leaf_grid\":[[{\"n\":1},{\"n\":2}]],"
                            "\"cmap\":{\"k\":\"red\"},\"slmap\":{\"k\":[\"x\"]}}");
  apic_free(text);
  v.i = 1001; /* @max(1000) */
  assert_int_equal(kinds_all_validate(&v, &err), APIC_ERR_INVALID_ARG);
  assert_string_equal(apic_error_message(err), "$.i: above the maximum 1000");
  apic_error_free(err);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_kind_round_trips),
      cmocka_unit_test(test_every_kind_from_literals),
  };
  return cmocka_run_group_tests_name("models: every field kind", tests, NULL, NULL);
}
