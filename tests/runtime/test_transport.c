/* What the engine asks of the transport, over real connections: TLS verification (a
 * self-signed certificate made at test time with the openssl command), HTTP/2 with
 * multiplexing (Debian's nghttpd, over TLS), a proxy (the scripted server receiving
 * absolute-form request URIs), the User-Agent, and the retry budget against a server that keeps
 * failing. Counts and order, never wall times. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "apic/client.h"
#include "rt_server.h"

static int get(apic_client *c, const char *url, apic_response **r, apic_error **e)
{
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  *r = NULL;
  *e = NULL;
  return apic_client_send(c, &req, r, e);
}

static apic_client *client_with(const apic_client_options *o)
{
  apic_client *c = NULL;
  assert_int_equal(apic_client_new(o, &c, NULL), 0);
  return c;
}

/* A directory holding cert.pem and key.pem for 127.0.0.1 (EC P-256: made in milliseconds). */
typedef struct certs {
  char dir[64];
  char cert_path[96];
  char *cert, *key;
} certs;

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  char *s = malloc(n + 1);
  memcpy(s, buf, n);
  s[n] = '\0';
  return s;
}

static int make_certs(void **state)
{
  certs *k = calloc(1, sizeof *k);
  snprintf(k->dir, sizeof k->dir, "/tmp/apic-tls-XXXXXX");
  assert_non_null(mkdtemp(k->dir));
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
           "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem -out %s/cert.pem "
           ">/dev/null 2>&1",
           k->dir, k->dir);
  assert_int_equal(system(cmd), 0);
  snprintf(k->cert_path, sizeof k->cert_path, "%s/cert.pem", k->dir);
  char key_path[96];
  snprintf(key_path, sizeof key_path, "%s/key.pem", k->dir);
  k->cert = slurp(k->cert_path);
  k->key = slurp(key_path);
  *state = k;
  return 0;
}

static int drop_certs(void **state)
{
  certs *k = *state;
  char path[96];
  snprintf(path, sizeof path, "%s/key.pem", k->dir);
  unlink(path);
  unlink(k->cert_path);
  snprintf(path, sizeof path, "%s/h2.log", k->dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/www/task", k->dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/www", k->dir);
  rmdir(path);
  rmdir(k->dir);
  free(k->cert);
  free(k->key);
  free(k);
  return 0;
}

/* Verification is on by default: a self-signed server is refused, once (the refusal would
 * recur, so it is not retried); trusting its certificate or turning verification off passes. */
static void test_tls(void **state)
{
  certs *k = *state;
  rt_server *srv = rt_server_start_tls(k->cert, k->key);
  assert_non_null(srv);
  char url[128];
  snprintf(url, sizeof url, "%s/secure", rt_server_url(srv));
  assert_memory_equal(url, "https://", 8);
  apic_client_options o = {0};
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 1;
  apic_client *c = client_with(&o);
  apic_response *r;
  apic_error *e;
  assert_int_equal(get(c, url, &r, &e), APIC_ERR_TRANSPORT);
  assert_int_equal(apic_error_attempts(e), 1);
  assert_non_null(strstr(apic_error_message(e), "certificate"));
  apic_error_free(e);
  apic_client_free(c, 0);
  assert_int_equal(rt_server_count(srv), 0); /* the handshake failed: no request arrived */

  o.ca_file = k->cert_path;
  c = client_with(&o);
  assert_int_equal(get(c, url, &r, &e), 0);
  assert_int_equal(apic_response_status(r), 200);
  apic_response_free(r);
  apic_client_free(c, 0);

  o.ca_file = NULL;
  o.insecure = 1;
  c = client_with(&o);
  assert_int_equal(get(c, url, &r, &e), 0);
  apic_response_free(r);
  apic_client_free(c, 0);
  assert_int_equal(rt_server_count(srv), 2);
  rt_server_stop(srv);
}

/* With a proxy, the request goes to the proxy with the target in absolute form; the target's
 * name is never resolved by the client (.invalid cannot be). */
static void test_proxy(void **state)
{
  (void)state;
  rt_server *proxy = rt_server_start();
  assert_non_null(proxy);
  apic_client_options o = {0};
  o.proxy = rt_server_url(proxy);
  apic_client *c = client_with(&o);
  apic_response *r;
  apic_error *e;
  assert_int_equal(get(c, "http://api.example.invalid/v1/tasks?limit=2", &r, &e), 0);
  apic_response_free(r);
  apic_client_free(c, 0);
  assert_int_equal(rt_server_count(proxy), 1);
  char path[64], key[8], host[64];
  rt_server_request(proxy, 0, path, sizeof path, key, sizeof key);
  assert_string_equal(path, "http://api.example.invalid/v1/tasks");
  rt_server_header(proxy, 0, "Host", host, sizeof host);
  assert_string_equal(host, "api.example.invalid");
  rt_server_stop(proxy);
}

/* The client's User-Agent goes with every request, once; a request's own replaces it. */
static void test_user_agent(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  apic_client_options o = {0};
  o.user_agent = "torale-c/1.2.3";
  apic_client *c = client_with(&o);
  char url[128];
  snprintf(url, sizeof url, "%s/ua", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  assert_int_equal(get(c, url, &r, &e), 0);
  apic_response_free(r);
  const char *mine[] = {"user-agent: mine/9"};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  req.headers = mine;
  req.n_headers = 1;
  assert_int_equal(apic_client_send(c, &req, &r, &e), 0);
  apic_response_free(r);
  apic_client_free(c, 0);
  char ua[64];
  rt_server_header(srv, 0, "User-Agent", ua, sizeof ua);
  assert_string_equal(ua, "torale-c/1.2.3");
  rt_server_header(srv, 1, "User-Agent", ua, sizeof ua);
  assert_string_equal(ua, "mine/9"); /* MHD would join two into "a, b" */
  rt_server_stop(srv);
}

static void push_503s(rt_server *srv, int n)
{
  rt_reply r = {503, NULL, NULL, 0, 0, NULL, 0};
  for (int i = 0; i < n; i++)
    rt_server_push(srv, &r);
}

/* A budget of 2 against a server answering 503: the first call retries twice and spends it,
 * the next is not retried at all; ten successes refund one retry (0.1 each), exactly. */
static void test_retry_budget(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  apic_client_options o = {0};
  o.retry_budget = 2;
  o.max_retries = 5;
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 1;
  apic_client *c = client_with(&o);
  char url[128];
  snprintf(url, sizeof url, "%s/flaky", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  push_503s(srv, 8);
  assert_int_equal(get(c, url, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 3);
  apic_error_free(e);
  assert_int_equal(get(c, url, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 1);
  apic_error_free(e);
  assert_int_equal(rt_server_count(srv), 4);
  rt_server_stop(srv);
  srv = rt_server_start(); /* a fresh script: ten successes, then failures */
  assert_non_null(srv);
  snprintf(url, sizeof url, "%s/flaky", rt_server_url(srv));
  for (int i = 0; i < 10; i++) {
    assert_int_equal(get(c, url, &r, &e), 0);
    apic_response_free(r);
  }
  push_503s(srv, 8);
  assert_int_equal(get(c, url, &r, &e), APIC_ERR_HTTP);
  assert_int_equal(apic_error_attempts(e), 2); /* one refunded retry, no more */
  apic_error_free(e);
  assert_int_equal(rt_server_count(srv), 12);
  apic_client_free(c, 0);
  rt_server_stop(srv);
}

/* A port nobody listens on right now (bound, then released for nghttpd to take). */
static int free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

static int port_open(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  close(fd);
  return ok;
}

extern char **environ;

/* nghttpd serving DIR/www over TLS on port, its frame log (-v) in DIR/h2.log. */
static pid_t start_nghttpd(const certs *k, int port)
{
  char www[96], log[96], key[96], portss[16];
  snprintf(www, sizeof www, "%s/www", k->dir);
  snprintf(log, sizeof log, "%s/h2.log", k->dir);
  snprintf(key, sizeof key, "%s/key.pem", k->dir);
  snprintf(portss, sizeof portss, "%d", port);
  assert_int_equal(mkdir(www, 0700), 0);
  char task[128];
  snprintf(task, sizeof task, "%s/task", www);
  FILE *f = fopen(task, "w");
  fputs("{\"id\":\"t1\"}", f);
  fclose(f);
  const char *bin = access("/usr/sbin/nghttpd", X_OK) == 0 ? "/usr/sbin/nghttpd" : "nghttpd";
  char v[] = "-v", a[] = "-a", ip[] = "127.0.0.1", d[] = "-d", cert[96];
  snprintf(cert, sizeof cert, "%s", k->cert_path);
  char *argv[] = {(char *)bin, v, a, ip, d, www, portss, key, cert, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  assert_int_equal(posix_spawnp(&pid, bin, &fa, NULL, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  for (int i = 0; i < 500 && !port_open(port); i++)
    uv_sleep(10);
  assert_true(port_open(port));
  return pid;
}

/* HTTP/2 connections nghttpd accepted: its -v log names the protocol each TLS handshake
 * negotiated (the probes of start_nghttpd never get that far). */
static int h2_connections(const certs *k)
{
  char log[96];
  snprintf(log, sizeof log, "%s/h2.log", k->dir);
  FILE *f = fopen(log, "r");
  assert_non_null(f);
  int n = 0;
  char line[512];
  while (fgets(line, sizeof line, f) != NULL)
    n += strstr(line, "negotiated protocol: h2") != NULL;
  fclose(f);
  return n;
}

typedef struct h2_run {
  int done, ok, h2;
} h2_run;

static void on_h2(apic_call *call, int code, apic_response *resp, apic_error *err, void *ud)
{
  h2_run *run = ud;
  (void)call;
  run->done++;
  run->ok += code == 0 && strstr(apic_response_body(resp, NULL), "t1") != NULL;
  run->h2 += apic_response_http_version(resp) == 20;
  apic_response_free(resp);
  apic_error_free(err);
}

/* Over TLS the default HTTP version setting negotiates HTTP/2 when the server offers it, and
 * ten calls started at once share one connection (PIPEWAIT, multiplexing). */
static void test_http2(void **state)
{
  certs *k = *state;
  int port = free_port();
  pid_t pid = start_nghttpd(k, port);
  char url[128];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/task", port);
  apic_client_options o = {0};
  o.ca_file = k->cert_path;
  o.max_concurrency = 10;
  apic_client *c = client_with(&o);
  apic_response *r;
  apic_error *e;
  assert_int_equal(get(c, url, &r, &e), 0);
  assert_int_equal(apic_response_http_version(r), 20);
  assert_string_equal(apic_response_body(r, NULL), "{\"id\":\"t1\"}");
  apic_response_free(r);
  apic_client_free(c, 0);

  c = client_with(&o); /* a fresh client: no connection to reuse yet */
  h2_run run = {0, 0, 0};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  for (int i = 0; i < 10; i++)
    assert_int_equal(apic_call_start(c, &req, on_h2, &run, NULL, NULL), 0);
  while (run.done < 10)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  apic_client_free(c, 0);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  assert_int_equal(run.ok, 10);
  assert_int_equal(run.h2, 10);
  assert_int_equal(h2_connections(k), 2); /* one per client */
}

typedef struct closing {
  int done, ok;
} closing;

static void on_closing(apic_call *call, int code, apic_response *resp, apic_error *err, void *ud)
{
  closing *cl = ud;
  (void)call;
  cl->done++;
  cl->ok += code == 0;
  apic_response_free(resp);
  apic_error_free(err);
}

/* A server that closes every connection after its answer: each request needs a new socket,
 * which the kernel gives the lowest free descriptor, so the engine keeps meeting descriptor
 * numbers whose uv_poll_t it parked for a connection now closed (transport.c). Sync calls and
 * async calls on an owned loop, which both park. */
static void test_connection_close(void **state)
{
  (void)state;
  rt_server *srv = rt_server_start();
  assert_non_null(srv);
  rt_reply bye = {200, "Connection: close\n", NULL, 0, 0, NULL, 0};
  for (int i = 0; i < 40; i++)
    rt_server_push(srv, &bye);
  apic_client_options o = {0};
  o.max_concurrency = 3;
  apic_client *c = client_with(&o);
  char url[128];
  snprintf(url, sizeof url, "%s/bye", rt_server_url(srv));
  apic_response *r;
  apic_error *e;
  for (int i = 0; i < 20; i++) {
    assert_int_equal(get(c, url, &r, &e), 0);
    assert_string_equal(apic_response_header(r, "Connection"), "close");
    apic_response_free(r);
  }
  closing cl = {0, 0};
  apic_request req = APIC_REQUEST_INIT;
  req.method = "GET";
  req.url = url;
  for (int i = 0; i < 20; i++)
    assert_int_equal(apic_call_start(c, &req, on_closing, &cl, NULL, NULL), 0);
  while (cl.done < 20)
    uv_run(apic_client_loop(c), UV_RUN_ONCE);
  assert_int_equal(cl.ok, 20);
  apic_client_free(c, 0);
  assert_int_equal(rt_server_count(srv), 40);
  rt_server_stop(srv);
}

int main(void)
{
  alarm(60); /* watchdog */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_tls, make_certs, drop_certs),
      cmocka_unit_test_setup_teardown(test_http2, make_certs, drop_certs),
      cmocka_unit_test(test_proxy),
      cmocka_unit_test(test_user_agent),
      cmocka_unit_test(test_retry_budget),
      cmocka_unit_test(test_connection_close),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
