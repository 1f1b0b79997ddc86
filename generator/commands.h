/* The apic subcommands. Each lives in generator/cmd_<name>.c and returns the process exit
 * status: 0 success, 1 spec/template errors (or, for --check, changes), 2 usage or I/O. */
#ifndef APIC_COMMANDS_H
#define APIC_COMMANDS_H

#include <stdio.h>

#define APIC_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_SPEC = 1, EXIT_USAGE = 2 };

typedef struct apic_command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
  const char *summary;               /* one line for `apic --help` */
  const char *usage;                 /* full text for `apic help NAME` */
} apic_command;

/* The table, in generator/main.c. */
extern const apic_command apic_commands[];

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fmt(int argc, char **argv);

extern const char cmd_check_usage[];
extern const char cmd_dump_usage[];
extern const char cmd_render_usage[];
extern const char cmd_generate_usage[];
extern const char cmd_diff_usage[];
extern const char cmd_import_usage[];
extern const char cmd_fmt_usage[];

/* Prints "apic: " and the message to stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
