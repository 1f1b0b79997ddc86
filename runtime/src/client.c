/* The client: settings, the shared connection cache, the easy-handle pool, the FIFO queue
 * behind max_concurrency, sync calls, and shutdown. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "internal.h"

#define POOL_MAX 64

static uv_once_t global_once = UV_ONCE_INIT;
static int global_rc;

static void global_init_once(void)
{
  global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : APIC_ERR_TRANSPORT;
}

int apic_global_init(void)
{
  uv_once(&global_once, global_init_once);
  return global_rc;
}

/* The options as the client works from them: zeros become the defaults, and the values that
 * turn a feature off become the engine's own "none" (0 for limits and timeouts). */
static void resolve(apic_client_options *o)
{
  o->max_concurrency = o->max_concurrency == 0 ? 16 : o->max_concurrency == APIC_UNLIMITED ? 0 : o->max_concurrency;
  o->connect_timeout_ms = o->connect_timeout_ms == 0 ? 10000 : o->connect_timeout_ms == APIC_NO_TIMEOUT ? 0 : o->connect_timeout_ms;
  o->attempt_timeout_ms = o->attempt_timeout_ms == 0 ? 60000 : o->attempt_timeout_ms == APIC_NO_TIMEOUT ? 0 : o->attempt_timeout_ms;
  o->total_timeout_ms = o->total_timeout_ms == APIC_NO_TIMEOUT ? 0 : o->total_timeout_ms;
  o->max_retries = o->max_retries == 0 ? 2 : o->max_retries < 0 ? 0 : o->max_retries;
  o->backoff_initial_ms = o->backoff_initial_ms == 0 ? 500 : o->backoff_initial_ms;
  o->backoff_max_ms = o->backoff_max_ms == 0 ? 8000 : o->backoff_max_ms;
  o->retry_after_cap_ms = o->retry_after_cap_ms == 0 ? 60000 : o->retry_after_cap_ms > INT64_MAX ? INT64_MAX : o->retry_after_cap_ms;
  o->retry_budget = o->retry_budget == 0 ? 10 : o->retry_budget < 0 ? 1e12 : o->retry_budget;
  o->max_body = o->max_body == 0 ? (size_t)64 << 20 : o->max_body;
  o->log_level = o->log_level == 0 ? APIC_LOG_INFO : o->log_level;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
  apic_client *c = ud;
  (void)h;
  (void)access;
  uv_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
  apic_client *c = ud;
  (void)h;
  uv_mutex_unlock(&c->share_locks[data]);
}

/* Replaces the borrowed strings by owned copies; on failure those not copied become NULL, so
 * free_strings frees only what is ours. */
static int copy_strings(apic_client *c)
{
  const char **fields[] = {&c->o.user_agent, &c->o.request_id_header, &c->o.ca_file, &c->o.proxy};
  int rc = 0;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    const char *orig = *fields[i];
    *fields[i] = rc == 0 ? apic__strdup(orig) : NULL;
    if (orig != NULL && *fields[i] == NULL)
      rc = APIC_ERR_NOMEM;
  }
  return rc;
}

static void free_strings(apic_client *c)
{
  apic__free((char *)c->o.user_agent);
  apic__free((char *)c->o.request_id_header);
  apic__free((char *)c->o.ca_file);
  apic__free((char *)c->o.proxy);
  apic__free(c->ua_line);
}

static int make_share(apic_client *c)
{
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    if (uv_mutex_init(&c->share_locks[i]) != 0)
      return APIC_ERR_NOMEM;
  c->share = curl_share_init();
  if (c->share == NULL)
    return APIC_ERR_NOMEM;
  curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
  curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  return 0;
}

/* A private loop and multi for sync calls, kept idle in the client between calls (a loop costs
 * ~100 us to build and tear down, more than a whole request to a local server). */
typedef struct apic__sync_engine {
  uv_loop_t loop;
  apic__engine eng;
  struct apic__sync_engine *next;
} sync_engine;

static void sync_destroy(sync_engine *se);

static void destroy(apic_client *c)
{
  while (c->idle_sync != NULL) { /* their multis go before the share they use */
    sync_engine *se = c->idle_sync;
    c->idle_sync = se->next;
    sync_destroy(se);
  }
  for (size_t i = 0; i < c->n_pool; i++)
    curl_easy_cleanup(c->pool[i]);
  apic__free(c->pool);
  if (c->share != NULL)
    curl_share_cleanup(c->share);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    uv_mutex_destroy(&c->share_locks[i]);
  uv_cond_destroy(&c->slot_cond);
  uv_mutex_destroy(&c->lock);
  free_strings(c);
  apic__free(c);
}

static int check_options(const apic_client_options *o)
{
  if (o->backoff_initial_ms > o->backoff_max_ms || !(o->retry_budget >= 0) || o->retry_budget > 1e12 ||
      o->requests_per_second < 0 ||
      (o->user_agent != NULL && !apic__header_value_ok(o->user_agent)))
    return APIC_ERR_INVALID_ARG;
  return 0;
}

/* Whole tenths, so that ten refunds of 0.1 give back exactly one retry (in floating point they
 * add up to 0.99999...). */
static int64_t budget_tenths(const apic_client_options *o)
{
  return (int64_t)(o->retry_budget * 10 + 0.5);
}

static int setup(apic_client *c, const apic_client_options *o)
{
  c->o = *o;
  c->o.request_id_header = o->request_id_header ? o->request_id_header : "x-request-id";
  c->o.user_agent = o->user_agent ? o->user_agent : "apic/0.1.0 libcurl/" LIBCURL_VERSION;
  int rc = copy_strings(c);
  if (rc == 0 && (c->ua_line = apic__malloc(strlen(c->o.user_agent) + 13)) == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0) {
    sprintf(c->ua_line, "User-Agent: %s", c->o.user_agent);
    rc = make_share(c);
  }
  if (rc != 0)
    return rc;
  c->rng = uv_hrtime() ^ (uint64_t)(uintptr_t)c ^ 0x9e3779b97f4a7c15ULL;
  c->tenths = budget_tenths(o);
  if (o->loop == NULL) {
    if (uv_loop_init(&c->own_loop) != 0)
      return APIC_ERR_NOMEM;
    c->owns_loop = 1;
  }
  rc = apic__engine_init(&c->eng, o->loop ? o->loop : &c->own_loop, c, apic__client_on_wakeup,
                         c->owns_loop);
  if (rc != 0) {
    if (c->owns_loop)
      uv_loop_close(&c->own_loop);
    return rc;
  }
  c->rate_timer = &c->eng.rate_timer;
  c->rate_tokens = o->requests_per_second > 1 ? o->requests_per_second : 1;
  c->rate_at = uv_now(c->eng.loop);
  return 0;
}

int apic_client_new(const apic_client_options *o, apic_client **out, apic_error **err)
{
  apic_client_options resolved = {0};
  *out = NULL;
  if (o != NULL)
    resolved = *o;
  resolve(&resolved);
  o = &resolved;
  int rc = apic_global_init();
  if (rc == 0 && check_options(o) != 0)
    rc = APIC_ERR_INVALID_ARG;
  apic_client *c = rc == 0 ? apic__calloc(1, sizeof *c) : NULL;
  if (rc == 0 && c == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc == 0 && uv_mutex_init(&c->lock) != 0) {
    apic__free(c);
    c = NULL;
    rc = APIC_ERR_NOMEM;
  }
  if (rc == 0 && uv_cond_init(&c->slot_cond) != 0) {
    uv_mutex_destroy(&c->lock);
    apic__free(c);
    c = NULL;
    rc = APIC_ERR_NOMEM;
  }
  if (c != NULL)
    c->posts_tail = &c->posts;
  if (c != NULL && (rc = setup(c, o)) != 0) {
    destroy(c);
    c = NULL;
  }
  if (rc != 0) {
    if (err != NULL)
      *err = apic_error_new(rc, "could not create the client");
    return rc;
  }
  *out = c;
  return 0;
}

uv_loop_t *apic_client_loop(apic_client *c)
{
  return c->eng.loop;
}

/* xorshift64*: jitter and idempotency keys need spread, not secrecy. */
static double internal_random(apic_client *c)
{
  c->rng ^= c->rng >> 12;
  c->rng ^= c->rng << 25;
  c->rng ^= c->rng >> 27;
  return (double)((c->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Under the client's lock: sync calls on several threads draw from the same source. */
double apic__client_random(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  double r = c->o.random ? c->o.random(c->o.random_ctx) : internal_random(c);
  uv_mutex_unlock(&c->lock);
  return r < 0 || r >= 1 ? 0 : r;
}

int64_t apic__client_now_ms(apic_client *c)
{
  return c->o.clock != NULL ? c->o.clock(c->o.clock_ctx) : (int64_t)time(NULL) * 1000;
}

int apic__client_take_token(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  int ok = c->tenths >= 10;
  if (ok)
    c->tenths -= 10;
  uv_mutex_unlock(&c->lock);
  if (!ok)
    apic__client_log(c, APIC_LOG_WARN, "retry budget spent: not retrying");
  return ok;
}

void apic__client_refund(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  if (c->tenths < budget_tenths(&c->o))
    c->tenths++;
  uv_mutex_unlock(&c->lock);
}

CURL *apic__client_easy(apic_client *c)
{
  CURL *e = NULL;
  uv_mutex_lock(&c->lock);
  if (c->n_pool > 0)
    e = c->pool[--c->n_pool];
  uv_mutex_unlock(&c->lock);
  if (e == NULL && (e = curl_easy_init()) != NULL)
    apic__easy_defaults(c, e);
  return e;
}

/* Back to the pool as it is: the next attempt overwrites every per-call option. */
void apic__client_easy_release(apic_client *c, CURL *easy)
{
  uv_mutex_lock(&c->lock);
  if (c->pool == NULL)
    c->pool = apic__calloc(POOL_MAX, sizeof *c->pool);
  if (c->pool != NULL && c->n_pool < POOL_MAX) {
    c->pool[c->n_pool++] = easy;
    easy = NULL;
  }
  uv_mutex_unlock(&c->lock);
  if (easy != NULL)
    curl_easy_cleanup(easy);
}

void apic__client_log(apic_client *c, int level, const char *fmt, ...)
{
  if (c->o.log == NULL || level < c->o.log_level)
    return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  c->o.log(c->o.log_ctx, level, line);
}

static void link_call(apic_client *c, apic_call *call)
{
  call->next = c->calls;
  if (call->next != NULL)
    call->next->prev = call;
  c->calls = call;
}

static void engine_closed(apic__engine *eng)
{
  apic_client *c = eng->owner;
  if (!c->owns_loop) /* an owned loop: apic_client_free destroys after running it */
    destroy(c);
}

/* A finished async call's memory goes; a client being freed closes once none remain. */
void apic__client_call_gone(apic_client *c, apic_call *call)
{
  if (call->prev != NULL)
    call->prev->next = call->next;
  else
    c->calls = call->next;
  if (call->next != NULL)
    call->next->prev = call->prev;
  apic__call_free(call);
  if (c->freeing && c->calls == NULL && c->eng.multi != NULL)
    apic__engine_close(&c->eng, engine_closed);
}

int apic_call_start(apic_client *c, const apic_request *req, apic_call_cb cb, void *user_data,
                    apic_call **out, apic_error **err)
{
  apic_error *local = NULL;
  apic_call *call = NULL;
  if (out != NULL)
    *out = NULL;
  int rc = c == NULL ? APIC_ERR_INVALID_ARG : c->shutting ? APIC_ERR_SHUTDOWN : 0;
  if (rc == 0 && apic__client_queue_full(c))
    rc = APIC_ERR_QUEUE_FULL;
  if (rc == 0)
    rc = apic__call_new(c, &c->eng, req, &call, &local);
  if (rc != 0) {
    if (local == NULL)
      local = apic_error_new(rc, "the call was not started");
    if (err != NULL)
      *err = local;
    else
      apic_error_free(local);
    return rc;
  }
  call->cb = cb;
  call->user_data = user_data;
  call->held = cb == NULL;
  link_call(c, call);
  apic__client_enqueue(c, call);
  if (out != NULL)
    *out = call;
  return 0;
}

static void unlink_call(apic_client *c, apic_call *call)
{
  if (call->prev != NULL)
    call->prev->next = call->next;
  else
    c->calls = call->next;
  if (call->next != NULL)
    call->next->prev = call->prev;
}

static void hand_out(apic_call *call, apic_response **resp, apic_error **err)
{
  *resp = call->result;
  *err = call->error;
  call->result = NULL;
  call->error = NULL;
}

int apic_call_wait(apic_call *call, apic_response **resp, apic_error **err)
{
  *resp = NULL;
  *err = NULL;
  if (call == NULL || !call->held)
    return APIC_ERR_INVALID_ARG;
  apic_client *c = call->client;
  if (!c->owns_loop || apic__client_loop_busy(c))
    return APIC_ERR_BUSY;
  while (!call->delivered || call->open_timers > 0)
    apic__client_run(c, UV_RUN_ONCE);
  hand_out(call, resp, err);
  int rc = call->status;
  unlink_call(c, call);
  apic__call_free(call);
  apic__client_ran(c);
  return rc;
}

#define SYNC_IDLE_MAX 8

static void sync_engine_closed(apic__engine *eng)
{
  (void)eng;
}

static void sync_destroy(sync_engine *se)
{
  apic__engine_close(&se->eng, sync_engine_closed);
  uv_run(&se->loop, UV_RUN_DEFAULT);
  uv_loop_close(&se->loop);
  apic__free(se);
}

static sync_engine *sync_take(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  sync_engine *se = c->idle_sync;
  if (se != NULL) {
    c->idle_sync = se->next;
    c->n_idle_sync--;
  }
  uv_mutex_unlock(&c->lock);
  if (se != NULL)
    return se;
  se = apic__calloc(1, sizeof *se);
  if (se == NULL)
    return NULL;
  if (uv_loop_init(&se->loop) != 0) {
    apic__free(se);
    return NULL;
  }
  if (apic__engine_init(&se->eng, &se->loop, c, NULL, 1) != 0) {
    uv_loop_close(&se->loop);
    apic__free(se);
    return NULL;
  }
  return se;
}

static void sync_put(apic_client *c, sync_engine *se)
{
  uv_mutex_lock(&c->lock);
  int keep = c->n_idle_sync < SYNC_IDLE_MAX;
  if (keep) {
    se->next = c->idle_sync;
    c->idle_sync = se;
    c->n_idle_sync++;
  }
  uv_mutex_unlock(&c->lock);
  if (!keep)
    sync_destroy(se);
}

int apic_client_send(apic_client *c, const apic_request *req, apic_response **resp, apic_error **err)
{
  apic_call *call = NULL;
  apic_error *local = NULL;
  *resp = NULL;
  int rc = c == NULL ? APIC_ERR_INVALID_ARG : c->shutting ? APIC_ERR_SHUTDOWN : 0;
  sync_engine *se = rc == 0 ? sync_take(c) : NULL;
  if (rc == 0 && se == NULL)
    rc = APIC_ERR_NOMEM;
  if (rc != 0) {
    local = apic_error_new(rc, "the call was not started");
  } else {
    if ((rc = apic__call_new(c, &se->eng, req, &call, &local)) == 0) {
      call->sync = 1;
      call->held = 1;
      int admitted = apic__client_admit_sync(c, call, 1);
      if (admitted == 0)
        apic__call_launch(call);
      else
        apic__call_end(call, admitted);
      while (!call->delivered || call->open_timers > 0)
        uv_run(&se->loop, UV_RUN_ONCE);
      hand_out(call, resp, &local);
      rc = call->status;
      apic__call_free(call);
    }
    sync_put(c, se);
  }
  if (err != NULL)
    *err = local;
  else
    apic_error_free(local);
  return rc;
}

static void on_drain_timer(uv_timer_t *t)
{
  uv_stop(t->loop);
}

static int busy(apic_client *c)
{
  for (apic_call *k = c->calls; k != NULL; k = k->next)
    if (!k->delivered)
      return 1;
  return 0;
}

/* Owned loop: let work finish for up to drain_ms. */
static void drain(apic_client *c, uint64_t drain_ms)
{
  uv_timer_t t;
  uv_timer_init(c->eng.loop, &t);
  uv_timer_start(&t, on_drain_timer, drain_ms, 0);
  while (busy(c) && uv_timer_get_due_in(&t) > 0 && uv_is_active((uv_handle_t *)&t))
    apic__client_run(c, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  apic__client_run(c, UV_RUN_NOWAIT);
}

int apic__client_run(apic_client *c, uv_run_mode mode)
{
  c->loop_depth++;
  int alive = uv_run(c->eng.loop, mode);
  c->loop_depth--;
  return alive;
}

int apic__client_loop_busy(const apic_client *c)
{
  return c->loop_depth > 0 || apic__client_in_callback(c);
}

void apic__client_ran(apic_client *c)
{
  if (c->free_state == FREE_ASKED && c->loop_depth == 0) {
    c->free_state = FREE_NONE;
    apic_client_free(c, 0);
  }
}

/* apic_client_free from inside the owned loop, which cannot be run again from there: the work
 * is cancelled now, and the client freed when libapic's function running the loop is done with
 * it; a loop the caller runs itself (uv_run on apic_client_loop) gives libapic no such moment:
 * then it is not freed, and says so. */
static void free_later(apic_client *c)
{
  apic__client_shutdown(c);
  if (c->loop_depth > 0) {
    c->free_state = FREE_ASKED;
    return;
  }
  apic__client_log(c, APIC_LOG_ERROR, "apic_client_free from inside one of the client's callbacks, on its own loop "
                                      "run by the caller: not freed (free it once uv_run has returned)");
}

static void refuse_new_calls(apic_client *c)
{
  uv_mutex_lock(&c->lock); /* apic_client_post reads it on other threads */
  c->shutting = 1;
  uv_mutex_unlock(&c->lock);
  apic__client_run_posts(c); /* those not run yet: their calls now fail SHUTDOWN */
}

void apic__client_shutdown(apic_client *c)
{
  refuse_new_calls(c);
  for (apic_call *k = c->calls; k != NULL; k = k->next)
    if (!k->delivered)
      apic__call_end(k, APIC_ERR_CANCELLED);
}

void apic_client_free(apic_client *c, uint64_t drain_ms)
{
  if (c == NULL || c->free_state != FREE_NONE)
    return;
  if (c->owns_loop && apic__client_loop_busy(c)) {
    free_later(c);
    return;
  }
  c->free_state = FREE_BEGUN;
  refuse_new_calls(c);
  if (c->owns_loop && drain_ms > 0 && busy(c))
    drain(c, drain_ms);
  /* Held results nobody will wait for go now; the rest are cancelled. */
  for (apic_call *k = c->calls, *next; k != NULL; k = next) {
    next = k->next;
    if (k->held && k->delivered && k->open_timers == 0) {
      unlink_call(c, k);
      apic__call_free(k);
    } else {
      k->held = 0;
      apic__call_end(k, APIC_ERR_CANCELLED);
    }
  }
  c->freeing = 1;
  if (c->calls == NULL)
    apic__engine_close(&c->eng, engine_closed);
  if (!c->owns_loop)
    return;
  uv_run(&c->own_loop, UV_RUN_DEFAULT);
  uv_loop_close(&c->own_loop);
  destroy(c);
}
