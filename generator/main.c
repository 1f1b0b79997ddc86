/* apic: the command-line entry. Dispatches to the subcommands in generator/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "view.h"

const apic_command apic_commands[] = {
    {"check", cmd_check, "read spec files and report errors", cmd_check_usage},
    {"dump", cmd_dump, "print the resolved spec as JSON", cmd_dump_usage},
    {"render", cmd_render, "render one mustache template with JSON data", cmd_render_usage},
    {"generate", cmd_generate, "write the SDK for a spec", cmd_generate_usage},
    {"diff", cmd_diff, "what changed between two specs: wire, C API, C ABI", cmd_diff_usage},
    {"import", cmd_import, "write a spec from an OpenAPI or Swagger document", cmd_import_usage},
    {"fmt", cmd_fmt, "print specs in the canonical layout", cmd_fmt_usage},
    {NULL, NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
  fprintf(out, "usage: apic COMMAND [ARGS]\n\n"
               "apic reads a declarative spec of an HTTP/JSON API and writes a C SDK for it.\n\n"
               "commands:\n");
  for (const apic_command *c = apic_commands; c->name != NULL; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out, "  %-10s %s\n", "help", "show the full usage of a command: apic help COMMAND");
  fprintf(out, "\noptions:\n  --help      this text\n  --version   print the version\n\n"
               "Exit status: 0 success, 1 errors in the input, 2 usage or I/O errors.\n");
}

static const apic_command *find_command(const char *name)
{
  for (const apic_command *c = apic_commands; c->name != NULL; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

static int run_help(int argc, char **argv)
{
  if (argc < 2) {
    print_help(stdout);
    return EXIT_OK;
  }
  const apic_command *c = find_command(argv[1]);
  if (c == NULL)
    return usage_error("unknown command '%s' (see apic --help)", argv[1]);
  fputs(c->usage, stdout);
  return EXIT_OK;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    print_help(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
    return run_help(1, argv + 1);
  if (strcmp(cmd, "--version") == 0) {
    printf("apic %s\n", APIC_VERSION);
    return EXIT_OK;
  }
  if (strcmp(cmd, "help") == 0)
    return run_help(argc - 1, argv + 1);
  const apic_command *c = find_command(cmd);
  if (c == NULL)
    return usage_error("unknown command '%s' (see apic --help)", cmd);
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(c->usage, stdout);
      return EXIT_OK;
    }
  int status = c->run(argc - 1, argv + 1);
  view_keys_free(); /* the key numbers templates and view models share */
  return status;
}
