/* Admission: the client's FIFO queue behind max_concurrency and requests_per_second, shared by
 * async calls (admitted and launched on the loop thread) and sync calls (which wait on their
 * own threads for their turn), so both count against max_concurrency. The queue and the slot
 * count are under the client's lock; the loop is woken through the client's uv_async_t when a
 * sync call frees a slot an async call is waiting for. Also apic_client_post, which uses the
 * same wakeup. */
#include "engine.h"
#include "internal.h"

/* Set while libapic runs a callback of this thread's client loop: a sync call made there must
 * not wait for a slot, since only this very thread, once the callback returns, frees them. */
static _Thread_local apic_client *in_callback;

apic_client *apic__client_enter_callback(apic_client *c)
{
  apic_client *prev = in_callback;
  in_callback = c;
  return prev;
}

void apic__client_leave_callback(apic_client *prev)
{
  in_callback = prev;
}

int apic__client_in_callback(const apic_client *c)
{
  return in_callback == c;
}

static void on_rate_timer(uv_timer_t *t)
{
  apic__client_pump(t->data);
}

/* The requests_per_second bucket (one second's worth at most): 1 when a start may go now, else 0
 * with the timer armed for when it may. Loop thread, under the lock. */
static int rate_allows(apic_client *c)
{
  double rps = c->o.requests_per_second;
  if (rps <= 0)
    return 1;
  uint64_t now = uv_now(c->eng.loop);
  c->rate_tokens += (double)(now - c->rate_at) * rps / 1000.0;
  c->rate_at = now;
  if (c->rate_tokens > (rps > 1 ? rps : 1))
    c->rate_tokens = rps > 1 ? rps : 1;
  if (c->rate_tokens >= 1) {
    c->rate_tokens -= 1;
    return 1;
  }
  uint64_t wait = (uint64_t)((1 - c->rate_tokens) * 1000.0 / rps) + 1;
  uv_timer_start(c->rate_timer, on_rate_timer, wait, 0);
  return 0;
}

static int slot_free_locked(const apic_client *c)
{
  return c->o.max_concurrency == 0 || c->in_flight < c->o.max_concurrency;
}

static void append_locked(apic_client *c, apic_call *call)
{
  call->qnext = NULL;
  if (c->qtail != NULL)
    c->qtail->qnext = call;
  else
    c->qhead = call;
  c->qtail = call;
  c->queued++;
  c->queued_async += !call->sync;
}

static void unqueue_locked(apic_client *c, apic_call *call)
{
  apic_call **pp = &c->qhead;
  c->qtail = NULL;
  while (*pp != NULL) {
    if (*pp == call) {
      *pp = call->qnext;
      c->queued--;
      c->queued_async -= !call->sync;
      continue;
    }
    c->qtail = *pp;
    pp = &(*pp)->qnext;
  }
}

/* Gives the head of the queue a slot: a sync head is woken, an async head is returned for the
 * loop thread to launch. */
static apic_call *admit_head_locked(apic_client *c)
{
  apic_call *call = c->qhead;
  unqueue_locked(c, call);
  c->in_flight++;
  call->has_slot = 1;
  if (!call->sync)
    return call;
  uv_cond_broadcast(&c->slot_cond);
  return NULL;
}

/* Loop thread: admits what the limits allow and launches the async calls among them. A sync
 * head skips the rate check (sync calls are not rate-limited; they only keep their place). */
void apic__client_pump(apic_client *c)
{
  apic_call *launch = NULL, **tail = &launch;
  uv_mutex_lock(&c->lock);
  while (c->qhead != NULL && slot_free_locked(c) && (c->qhead->sync || rate_allows(c))) {
    apic_call *call = admit_head_locked(c);
    if (call != NULL) {
      *tail = call;
      tail = &call->qnext;
    }
  }
  *tail = NULL;
  /* Async calls waiting for slots that sync calls hold: the wakeup must keep the loop alive
   * until a sync thread frees one (else an owned loop's wait would spin, a caller's return). */
  int keep_alive = c->queued_async > 0;
  uv_mutex_unlock(&c->lock);
  if (keep_alive)
    uv_ref((uv_handle_t *)&c->eng.wakeup);
  else
    uv_unref((uv_handle_t *)&c->eng.wakeup);
  while (launch != NULL) { /* outside the lock: a launch may end at once and pump again */
    apic_call *next = launch->qnext;
    apic__call_launch(launch);
    launch = next;
  }
}

void apic__client_enqueue(apic_client *c, apic_call *call)
{
  call->state = CALL_QUEUED;
  uv_mutex_lock(&c->lock);
  append_locked(c, call);
  uv_mutex_unlock(&c->lock);
  apic__client_pump(c);
}

void apic__client_unqueue(apic_client *c, apic_call *call)
{
  uv_mutex_lock(&c->lock);
  unqueue_locked(c, call);
  uv_mutex_unlock(&c->lock);
}

int apic__client_queue_full(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  int full = c->o.max_queue != 0 && c->queued >= c->o.max_queue && !slot_free_locked(c);
  uv_mutex_unlock(&c->lock);
  return full;
}

/* Waits on the slot condition until woken or, with a deadline, until it passes: 0 or TIMEOUT. */
static int wait_slot_locked(apic_client *c, apic_call *call)
{
  if (call->deadline == 0) {
    uv_cond_wait(&c->slot_cond, &c->lock);
    return 0;
  }
  uv_update_time(call->eng->loop); /* the sync call's private loop: this thread's own */
  uint64_t now = uv_now(call->eng->loop);
  if (now >= call->deadline)
    return APIC_ERR_TIMEOUT;
  uv_cond_timedwait(&c->slot_cond, &c->lock, (call->deadline - now) * 1000000ULL);
  return 0;
}

int apic__client_admit_sync(apic_client *c, apic_call *call, int first)
{
  int rc = 0;
  uv_mutex_lock(&c->lock);
  if ((c->qhead == NULL && slot_free_locked(c)) || in_callback == c) {
    c->in_flight++; /* over the limit only in a callback, where waiting would deadlock */
    call->has_slot = 1;
  } else if (first && c->o.max_queue != 0 && c->queued >= c->o.max_queue) {
    rc = APIC_ERR_QUEUE_FULL;
  } else {
    append_locked(c, call);
    while (!call->has_slot && rc == 0)
      rc = wait_slot_locked(c, call);
    if (!call->has_slot)
      unqueue_locked(c, call);
  }
  uv_mutex_unlock(&c->lock);
  return call->has_slot ? 0 : rc;
}

void apic__client_release(apic_call *call)
{
  apic_client *c = call->client;
  if (!call->has_slot)
    return;
  if (!call->sync) { /* the loop thread: admit the next at once */
    uv_mutex_lock(&c->lock);
    c->in_flight--;
    call->has_slot = 0;
    uv_mutex_unlock(&c->lock);
    apic__client_pump(c);
    return;
  }
  uv_mutex_lock(&c->lock);
  c->in_flight--;
  call->has_slot = 0;
  while (c->qhead != NULL && c->qhead->sync && slot_free_locked(c))
    admit_head_locked(c);
  int wake = c->qhead != NULL && slot_free_locked(c); /* an async head: the loop launches it */
  uv_mutex_unlock(&c->lock);
  if (wake)
    uv_async_send(&c->eng.wakeup);
}

typedef struct apic__post {
  apic_post_fn fn;
  void *user_data;
  struct apic__post *next;
} post;

int apic_client_post(apic_client *c, apic_post_fn fn, void *user_data)
{
  if (c == NULL || fn == NULL)
    return APIC_ERR_INVALID_ARG;
  post *p = apic__malloc(sizeof *p);
  if (p == NULL)
    return APIC_ERR_NOMEM;
  *p = (post){fn, user_data, NULL};
  uv_mutex_lock(&c->lock);
  int rc = c->shutting ? APIC_ERR_SHUTDOWN : 0;
  if (rc == 0) {
    *c->posts_tail = p;
    c->posts_tail = &p->next;
  }
  uv_mutex_unlock(&c->lock);
  if (rc != 0)
    apic__free(p);
  else
    uv_async_send(&c->eng.wakeup);
  return rc;
}

/* Loop thread: every post so far, in order; each is called exactly once. */
void apic__client_run_posts(apic_client *c)
{
  uv_mutex_lock(&c->lock);
  post *p = c->posts;
  c->posts = NULL;
  c->posts_tail = &c->posts;
  uv_mutex_unlock(&c->lock);
  while (p != NULL) {
    post *next = p->next;
    apic_client *prev = apic__client_enter_callback(c);
    p->fn(c, p->user_data);
    apic__client_leave_callback(prev);
    apic__free(p);
    p = next;
  }
}

/* The wakeup: a sync thread freed a slot an async call waits for, or a post arrived. */
void apic__client_on_wakeup(uv_async_t *a)
{
  apic_client *c = a->data;
  apic__client_pump(c);
  apic__client_run_posts(c);
}
