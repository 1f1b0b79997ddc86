/* What the vendoring and install suites share: shell steps with their output kept in a log
 * (printed when a step fails), the SDK builds outside the repo made once for all of them
 * (tests/install/sdk-fixture.sh), and the two small programs they build against an SDK and a
 * mock engine. */
#ifndef SDK_UTIL_H
#define SDK_UTIL_H

/* Given by the build: the build directory and the link flags the sanitizers need. */
#ifndef APIC_BUILD
#error "build with -DAPIC_BUILD=... -DTEST_LDFLAGS=..."
#endif

/* The repo (the working directory the suites run from), an absolute path. */
extern char sdk_repo[1024];

/* Runs a shell command (printf-style) with its output sent to DIR/step.log; on failure prints
 * the log's tail. Returns the command's exit status (0 success). */
int sdk_step(const char *dir, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The shared SDK builds' directory (sdk-fixture.sh says what it holds), made by make before
 * the suites run, into dir[64]. Writes dir/main.c, a program that uses the Torale SDK's models,
 * errors and client, and dir/mock.c, one that starts and stops a mock engine on the spec JSON
 * named by its argument. Fills sdk_repo. Returns 0, or -1 when the builds are not there. */
int sdk_fixture(char dir[64]);

/* Runs dir/EXE (with the environment assignments env before it, "" for none) and checks its
 * output is what dir/main.c (or, for a name starting with "mock", dir/mock.c) prints. */
void sdk_run_program(const char *dir, const char *env, const char *exe);

#endif
