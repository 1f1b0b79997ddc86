/* libapic-mock: a mock HTTP server that serves a resolved apic spec (the JSON `apic dump`
 * prints) from memory: CRUD by convention, request validation, pagination, SSE streams and
 * fault injection through /__mock/ admin endpoints. See docs/mock.md. */
#ifndef APIC_MOCK_H
#define APIC_MOCK_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apic_mock apic_mock;

typedef struct apic_mock_options {
  const char *host;         /* address to bind; default "127.0.0.1" */
  unsigned short port;      /* 0 = an ephemeral port (read it with apic_mock_port) */
  unsigned long seed;       /* ids and synthesized values are deterministic per seed */
  const char *data_file;    /* JSON {"/collection/path": [items...]} preloaded; NULL = none */
  unsigned latency_ms;      /* fixed delay before every answer (not admin) */
  int log;                  /* 1 = one line per request on log_out */
  FILE *log_out;            /* default stderr */
  int no_auth;              /* 1 = do not require the spec's credential */
  size_t max_body;          /* bigger request bodies get 413; default 1 MiB */
  unsigned max_connections; /* open connections in all; default 1024 (fewer when the file limit is lower) */
  unsigned max_per_client;  /* open connections from one IP address; default 256 */
  unsigned read_timeout_ms; /* a request must arrive whole this soon after the connection opened or its
                               previous answer ended, else the connection is closed; default 10000 */
  unsigned threads;         /* event loops serving the connections; default: the CPUs online, 2 to 8 */
  const char *admin_token;  /* what /__mock/ requests must send as X-Mock-Token; NULL = a random one */
  int log_secrets;          /* 1 = the request log keeps credentials and @sensitive values (tests of a
                               client's credential handling); default: they are redacted */
  unsigned lifecycle_ms;    /* a resource an @lro operation started moves to its next status this often;
                               an agent's reply (@accumulate) sends a word every half of it; default 50 */
} apic_mock_options;

/** The defaults above. */
apic_mock_options apic_mock_options_default(void);

/** Parses spec_json, binds and starts serving on libmicrohttpd threads.
 *  @retval 0 running, *out set; -1 failed, *out_err (when given) a malloc'd message. */
int apic_mock_start(const char *spec_json, const apic_mock_options *o, apic_mock **out, char **out_err);

/** The port it listens on. */
unsigned short apic_mock_port(const apic_mock *m);

/** The URL clients use: "http://HOST:PORT" and the path of the spec's base_url ("/api/v1"). */
const char *apic_mock_url(const apic_mock *m);

/** The admin token: the X-Mock-Token header every request to URL/__mock/... must carry. */
const char *apic_mock_admin_token(const apic_mock *m);

/** Stops accepting, lets in-flight requests finish, frees everything. NULL is a no-op. */
void apic_mock_stop(apic_mock *m);

/** The whole CLI (see --help): prints "listening on HOST:PORT", "base URL: URL" and "admin token:
 *  TOKEN" as the first three lines of stdout, serves until SIGINT or SIGTERM, then shuts down
 *  cleanly. Returns the process exit status (0 on a clean shutdown). */
int apic_mock_main(const char *spec_json, int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
