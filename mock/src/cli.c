/* libapic-mock: the command line of a generated <api>-mock program. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static const char usage[] =
  "usage: %s [options]\n"
  "  --port N       port to listen on (0, the default: a free one)\n"
  "  --host ADDR    IPv4 address to bind (default 127.0.0.1)\n"
  "  --seed N       seed for ids and synthesized values (default 0)\n"
  "  --data FILE    preload resources: {\"/collection/path\": [items...]}\n"
  "  --latency MS   add a fixed delay to every answer\n"
  "  --log          print one line per request on stderr\n"
  "  --no-auth      do not require the spec's credential\n"
  "  --help         this text\n"
  "Admin endpoints: POST/GET /__mock/faults, GET /__mock/requests, GET /__mock/stats, POST /__mock/reset.\n";

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
    else {
      fprintf(stderr, "%s: bad option or value: %s (see --help)\n", argv[0], a);
      return -1;
    }
  }
  return 0;
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
  if (apic_mock_start(spec_json, &o, &m, &err) != 0) {
    fprintf(stderr, "%s: %s\n", argc > 0 ? argv[0] : "mock", err != NULL ? err : "cannot start");
    free(err);
    return 1;
  }
  printf("listening on %s:%u\n", o.host, apic_mock_port(m));
  fflush(stdout);
  sigwait(&set, &sig);
  apic_mock_stop(m);
  return 0;
}
