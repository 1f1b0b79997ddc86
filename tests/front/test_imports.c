/* Imports: relative to the importing file, each file read once, cycles and bad targets
 * reported at the import. Real files in a temporary directory. */
#include <sys/stat.h>
#include <unistd.h>

#include "front_test.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int load(const char *name, char **out_diag, spec *s)
{
  char path[256], *buf = NULL;
  size_t len = 0;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *mem = open_memstream(&buf, &len);
  assert_non_null(mem);
  int rc = spec_load(s, path, mem);
  if (rc == 0)
    spec_check(s);
  fclose(mem);
  *out_diag = buf;
  return rc;
}

static int setup(void **state)
{
  (void)state;
  strcpy(dir, "/tmp/apic-imports-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char sub[128];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  const char *names[] = {"root.api", "a.api", "b.api", "sub/c.api", "cyc1.api", "cyc2.api", "bad.api", "dup.api"};
  char path[256];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/sub", dir);
  rmdir(path);
  rmdir(dir);
  return 0;
}

/* A diamond (root imports a and b, both import sub/c): c is read once, declarations ordered
 * imports first, and the path is relative to each importer. */
static void test_diamond_reads_each_file_once(void **state)
{
  (void)state;
  write_file("sub/c.api", "model C { x: int; }\n");
  write_file("a.api", "import \"sub/c.api\";\nmodel A { c: C; }\n");
  write_file("b.api", "import \"sub/c.api\";\nmodel B { c: C; }\n");
  write_file("root.api", "import \"a.api\";\nimport \"b.api\";\n" API_BLOCK "model R { a: A; b: B; }\n");
  spec s;
  char *out;
  assert_int_equal(load("root.api", &out, &s), 0);
  assert_string_equal(out, "");
  assert_int_equal(s.diag.nfiles, 4);
  const char *order[] = {"C", "A", "B", "R"};
  int i = 0;
  for (decl *d = s.decls; d != NULL; d = d->next)
    if (d->kind == D_MODEL)
      assert_string_equal(d->name, order[i++]);
  assert_int_equal(i, 4);
  spec_free(&s);
  free(out);
}

static void test_cycle_is_reported_at_the_import(void **state)
{
  (void)state;
  write_file("cyc1.api", "import \"cyc2.api\";\n" API_BLOCK);
  write_file("cyc2.api", "model X { a: int; }\nimport \"cyc1.api\";\n");
  spec s;
  char *out;
  assert_int_equal(load("cyc1.api", &out, &s), 0);
  assert_int_equal(s.diag.errors, 1);
  assert_non_null(strstr(out, "cyc2.api:2:8: error: import cycle: "));
  spec_free(&s);
  free(out);
}

static void test_missing_and_directory_imports(void **state)
{
  (void)state;
  write_file("bad.api", API_BLOCK "import \"nowhere.api\";\nimport \"sub\";\n");
  spec s;
  char *out;
  assert_int_equal(load("bad.api", &out, &s), 0);
  assert_int_equal(s.diag.errors, 2);
  assert_non_null(strstr(out, "bad.api:2:8: error: cannot import '"));
  assert_non_null(strstr(out, "nowhere.api': No such file or directory"));
  assert_non_null(strstr(out, "sub': is a directory"));
  spec_free(&s);
  free(out);
}

static void test_duplicate_across_files(void **state)
{
  (void)state;
  write_file("sub/c.api", "model C { x: int; }\n");
  write_file("dup.api", "import \"sub/c.api\";\n" API_BLOCK "model C { y: int; }\n");
  spec s;
  char *out;
  assert_int_equal(load("dup.api", &out, &s), 0);
  assert_int_equal(s.diag.errors, 1);
  assert_non_null(strstr(out, "dup.api:3:7: error: duplicate type name 'C'"));
  assert_non_null(strstr(out, "sub/c.api:1:7: note: 'C' first declared here"));
  spec_free(&s);
  free(out);
}

static void test_missing_root_is_an_io_error(void **state)
{
  (void)state;
  spec s;
  char *out;
  assert_int_equal(load("absent.api", &out, &s), -1);
  assert_true(s.io_error);
  assert_non_null(strstr(out, "cannot read"));
  spec_free(&s);
  free(out);
  int status;
  assert_null(apic_frontend_load("/nonexistent/x.api", NULL, &status));
  assert_int_equal(status, 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_diamond_reads_each_file_once),
      cmocka_unit_test(test_cycle_is_reported_at_the_import),
      cmocka_unit_test(test_missing_and_directory_imports),
      cmocka_unit_test(test_duplicate_across_files),
      cmocka_unit_test(test_missing_root_is_an_io_error),
  };
  return cmocka_run_group_tests_name("front: imports", tests, setup, teardown);
}
