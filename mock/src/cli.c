/* libapic-mock: the command line of a generated <api>-mock program. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mock_internal.h"

static const char usage[] =
  "usage: %s [options]\n"
  "  --port N               port to listen on (0, the default: a free one)\n"
  "  --host ADDR            IPv4 address to bind (default 127.0.0.1)\n"
  "  --seed N               seed for ids and synthesized values (default 0)\n"
  "  --data FILE            preload resources: {\"/collection/path\": [items...]}\n"
  "  --latency MS           add a fixed delay to every answer\n"
  "  --log                  print one line per request on stderr\n"
  "  --no-auth              do not require the spec's credential\n"
  "  --admin-token T        the admin token (default: a random one; printed at start)\n"
  "  --max-connections N    open connections in all (default 1024)\n"
  "  --max-per-client N     open connections from one IP address (default 256)\n"
  "  --read-timeout MS      a request must arrive whole within MS (default 10000)\n"
  "  --lifecycle-ms MS      a long-running operation's next status comes after MS (default 50)\n"
  "  --help                 this text\n"
  "The operations are served under the path of the spec's base URL, and so are the admin\n"
  "endpoints, which need the admin token in an X-Mock-Token header: POST/GET __mock/faults,\n"
  "GET __mock/requests, GET __mock/stats, POST __mock/reset.\n";

static int number(const char *text, unsigned long max, unsigned long *out)
{
  char *end;
  if (text == NULL || text[0] < '0' || text[0] > '9')
    return -1;
  *out = strtoul(text, &end, 10);
  return *end == '\0' && *out <= max ? 0 : -1;
}

/* Fills o from argv; 1 = --help, -1 = a usage error (printed). */
static int parse(int argc, char **argv, apic_mock_options *o)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long n = 0;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
      return 1;
    if (strcmp(a, "--log") == 0)
      o->log = 1;
    else if (strcmp(a, "--no-auth") == 0)
      o->no_auth = 1;
    else if (strcmp(a, "--host") == 0 && v != NULL)
      o->host = v, i++;
    else if (strcmp(a, "--data") == 0 && v != NULL)
      o->data_file = v, i++;
    else if (strcmp(a, "--port") == 0 && number(v, 65535, &n) == 0)
      o->port = (unsigned short)n, i++;
    else if (strcmp(a, "--seed") == 0 && number(v, (unsigned long)-1, &n) == 0)
      o->seed = n, i++;
    else if (strcmp(a, "--latency") == 0 && number(v, 60000, &n) == 0)
      o->latency_ms = (unsigned)n, i++;
    else if (strcmp(a, "--admin-token") == 0 && v != NULL)
      o->admin_token = v, i++;
    else if (strcmp(a, "--max-connections") == 0 && number(v, 1000000, &n) == 0 && n > 0)
      o->max_connections = (unsigned)n, i++;
    else if (strcmp(a, "--max-per-client") == 0 && number(v, 1000000, &n) == 0 && n > 0)
      o->max_per_client = (unsigned)n, i++;
    else if (strcmp(a, "--read-timeout") == 0 && number(v, 3600000, &n) == 0 && n > 0)
      o->read_timeout_ms = (unsigned)n, i++;
    else if (strcmp(a, "--lifecycle-ms") == 0 && number(v, 3600000, &n) == 0 && n > 0)
      o->lifecycle_ms = (unsigned)n, i++;
    else {
      fprintf(stderr, "%s: bad option or value: %s (see --help)\n", argv[0], a);
      return -1;
    }
  }
  return 0;
}

/* A server's share of descriptors: the soft limit raised to the hard one (a program, unlike the
 * library, may), so --max-connections is not cut to the usual 1024. */
static void raise_file_limit(void)
{
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

int apic_mock_main(const char *spec_json, int argc, char **argv)
{
  apic_mock_options o = apic_mock_options_default();
  apic_mock *m;
  char *err = NULL;
  int rc = parse(argc, argv, &o), sig;
  if (rc != 0) {
    if (rc == 1)
      printf(usage, argc > 0 ? argv[0] : "mock");
    return rc == 1 ? 0 : 2;
  }
  /* Blocked before the server threads start, so they inherit the mask and sigwait gets it. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  raise_file_limit();
  if (apic_mock_start(spec_json, &o, &m, &err) != 0) {
    fprintf(stderr, "%s: %s\n", argc > 0 ? argv[0] : "mock", err != NULL ? err : "cannot start");
    free(err);
    return 1;
  }
  printf("listening on %s:%u\nbase URL: %s\nadmin token: %s\n", o.host, apic_mock_port(m), apic_mock_url(m),
         apic_mock_admin_token(m));
  fflush(stdout);
  sigwait(&set, &sig);
  apic_mock_stop(m);
  return 0;
}
