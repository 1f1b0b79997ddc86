/* Test helpers for mock servers run as programs (apic-mock-dev, a generated <api>-mock): every
 * wait is bounded, and a child left running by a failed assertion is killed by mp_kill. */
#ifndef MOCK_PROC_H
#define MOCK_PROC_H

#include <sys/types.h>

typedef struct mp_child {
  pid_t pid; /* 0 once reaped */
  int out;   /* reads its stdout; -1 once closed */
  unsigned short port;
  char url[320];   /* its base URL */
  char token[130]; /* its admin token */
} mp_child;

/* Runs argv[0] with argv, its stdout on a pipe. */
void mp_spawn(char *const argv[], mp_child *ch);
/* The same with its stderr written to the file err_path. */
void mp_spawn_err(char *const argv[], const char *err_path, mp_child *ch);
/* Reads its first three lines ("listening on 127.0.0.1:PORT", "base URL: URL", "admin token:
 * TOKEN") within 10 s: the port (url and token filled), else 0. */
unsigned short mp_listening(mp_child *ch);
/* Reads one line of its stdout (without the newline) within timeout_ms: 1, else 0. */
int mp_read_line(mp_child *ch, int timeout_ms, char *line, size_t size);
/* Its exit status once it exits within timeout_ms, else -1 (it is then killed). */
int mp_wait(mp_child *ch, int timeout_ms);
/* Reads what it wrote to stdout until EOF (after it exited) into buf, NUL-terminated. */
void mp_output(mp_child *ch, char *buf, size_t size);
/* Kills and reaps it if it still runs, closes the pipe (for teardowns; idempotent). */
void mp_kill(mp_child *ch);
/* A GET of path (under its base URL; header line hdr) whose answer stalls halfway (a fault), then
 * SIGTERM while
 * half the body is in: asserts that the answer still arrives whole with 200 and that the
 * program exits 0 within 10 s. */
void mp_sigterm_in_flight(mp_child *ch, const char *path, const char *hdr);

#endif
