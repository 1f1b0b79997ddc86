/* What the end-to-end import suites share: a scratch directory, shell steps whose output is
 * kept in a log (printed when one fails), and the chain import -> check -> generate ->
 * compile -> mock -> a call to every operation. The tools run as programs (not under the
 * test's valgrind), from the build given as macros. */
#ifndef IMPORT_E2E_H
#define IMPORT_E2E_H

#include <cjson/cJSON.h>

/* Given by the build: the build directory, and the link flags of a mock server program. */
#ifndef APIC_BUILD
#error "build with -DAPIC_BUILD=... -DMOCK_LINK=..."
#endif

/* mkdtemp under /tmp into dir[64]. Returns 0 or -1. */
int e2e_workdir(char dir[64]);
/* rm -rf dir. */
void e2e_cleanup(const char *dir);
/* Runs a shell command (printf-style) in the repo with its output in DIR/step.log; on failure
 * prints the log's tail. Returns the command's exit status. */
int e2e_step(const char *dir, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON file read and parsed (caller deletes), or NULL. */
cJSON *e2e_read_json(const char *path);
/* The number of operations in a resolved spec. */
int e2e_count_ops(const cJSON *spec);
/* Builds DIR/sdk's mock server program (its mock/ sources against libapic-mock), runs it, calls
 * every operation of spec through it, stops it. Returns the probe's counts (probe.h). */
struct probe_result;
void e2e_probe_mock(const char *dir, const char *api, const cJSON *spec, struct probe_result *out);

#endif
