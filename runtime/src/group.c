/* Groups of async calls: gather, fail-fast, as-completed progress, a shared deadline. */
#include <string.h>

#include "engine.h"
#include "internal.h"

typedef struct member {
  apic_group *group;
  apic_call *call;           /* NULL once complete */
  apic_response *resp;
  apic_error *err;
  int status;
  int done;
  apic_call_cb cb;           /* apic_group_add_cb: gets resp and err instead of the group */
  void *user_data;
} member;

struct apic_group {
  apic_client *client;
  int mode;
  member **members;          /* stable addresses: callbacks hold them */
  size_t n, cap;
  size_t done;
  apic_group_progress_fn progress;
  void *progress_data;
  uv_timer_t *deadline;      /* freed in its close callback */
  int cause;                 /* the first failure to complete (fail-fast: what ended the group) */
  unsigned in_cb;            /* inside a member's callback or the progress callback */
  int free_asked;            /* apic_group_free from there: done when the callback returns */
};

int apic_group_new(apic_client *c, int mode, apic_group **out)
{
  *out = NULL;
  if (c == NULL || (mode != APIC_GROUP_GATHER && mode != APIC_GROUP_FAIL_FAST))
    return APIC_ERR_INVALID_ARG;
  apic_group *g = apic__calloc(1, sizeof *g);
  if (g == NULL)
    return APIC_ERR_NOMEM;
  g->client = c;
  g->mode = mode;
  *out = g;
  return 0;
}

void apic_group_set_progress(apic_group *g, apic_group_progress_fn fn, void *user_data)
{
  g->progress = fn;
  g->progress_data = user_data;
}

static void end_running(apic_group *g, int code)
{
  for (size_t i = 0; i < g->n; i++)
    if (g->members[i]->call != NULL)
      apic__call_end(g->members[i]->call, code);
}

static void on_deadline(uv_timer_t *t)
{
  end_running(t->data, APIC_ERR_TIMEOUT);
}

int apic_group_set_deadline(apic_group *g, uint64_t ms_from_now)
{
  if (g->deadline == NULL) {
    g->deadline = apic__malloc(sizeof *g->deadline);
    if (g->deadline == NULL)
      return APIC_ERR_NOMEM;
    uv_timer_init(g->client->eng.loop, g->deadline);
    g->deadline->data = g;
  }
  uv_update_time(g->client->eng.loop);
  return uv_timer_start(g->deadline, on_deadline, ms_from_now, 0) == 0 ? 0 : APIC_ERR_INVALID_ARG;
}

static void complete(member *m)
{
  apic_group *g = m->group;
  m->done = 1;
  m->call = NULL;
  g->done++;
  size_t index = 0;
  while (g->members[index] != m)
    index++;
  if (m->status != 0 && g->cause == 0)
    g->cause = m->status;
  if (m->status != 0 && g->mode == APIC_GROUP_FAIL_FAST)
    end_running(g, APIC_ERR_CANCELLED);
  if (g->done == g->n && g->deadline != NULL)
    uv_timer_stop(g->deadline);
  if (g->progress != NULL)
    g->progress(g, index, g->done, g->n, g->progress_data);
}

static void destroy(apic_group *g);

static void on_member_done(apic_call *call, int status, apic_response *resp, apic_error *err, void *ud)
{
  member *m = ud;
  apic_group *g = m->group;
  m->status = status;
  g->in_cb++;
  if (m->cb != NULL) {
    m->cb(call, status, resp, err, m->user_data);
  } else {
    m->resp = resp;
    m->err = err;
  }
  complete(m);
  if (--g->in_cb == 0 && g->free_asked)
    destroy(g);
}

static member *add_member(apic_group *g)
{
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    member **ms = apic__realloc(g->members, cap * sizeof *ms);
    if (ms == NULL)
      return NULL;
    g->members = ms;
    g->cap = cap;
  }
  member *m = apic__calloc(1, sizeof *m);
  if (m == NULL)
    return NULL;
  m->group = g;
  g->members[g->n++] = m;
  return m;
}

int apic_group_add(apic_group *g, const apic_request *req, size_t *out_index)
{
  if (g == NULL)
    return APIC_ERR_INVALID_ARG;
  member *m = add_member(g);
  if (m == NULL)
    return APIC_ERR_NOMEM;
  if (out_index != NULL)
    *out_index = g->n - 1;
  apic_error *err = NULL;
  int rc = apic_call_start(g->client, req, on_member_done, m, &m->call, &err);
  if (rc != 0) { /* recorded as a completed member with its error */
    m->err = err;
    m->status = rc;
    complete(m);
    return rc;
  }
  if (g->deadline != NULL && !uv_is_active((uv_handle_t *)g->deadline)) /* already passed */
    apic__call_end(m->call, APIC_ERR_TIMEOUT);
  return 0;
}

int apic_group_add_cb(apic_group *g, const apic_request *req, apic_call_cb cb, void *user_data,
                      size_t *out_index, apic_call **out, apic_error **err)
{
  if (out != NULL)
    *out = NULL;
  if (g == NULL || cb == NULL)
    return APIC_ERR_INVALID_ARG;
  member *m = add_member(g);
  if (m == NULL)
    return APIC_ERR_NOMEM;
  if (out_index != NULL)
    *out_index = g->n - 1;
  m->cb = cb;
  m->user_data = user_data;
  int rc = apic_call_start(g->client, req, on_member_done, m, &m->call, err);
  if (rc != 0) { /* recorded with its status; the error goes to the caller, not to cb */
    m->status = rc;
    complete(m);
    return rc;
  }
  if (out != NULL)
    *out = m->call;
  if (g->deadline != NULL && !uv_is_active((uv_handle_t *)g->deadline))
    apic__call_end(m->call, APIC_ERR_TIMEOUT);
  return 0;
}

int apic_group_status(const apic_group *g, size_t i)
{
  if (g == NULL || i >= g->n)
    return APIC_ERR_INVALID_ARG;
  return g->members[i]->done ? g->members[i]->status : APIC_ERR_BUSY;
}

void apic_group_cancel(apic_group *g)
{
  if (g != NULL)
    end_running(g, APIC_ERR_CANCELLED);
}

int apic_group_done(const apic_group *g)
{
  return g->done == g->n;
}

size_t apic_group_size(const apic_group *g)
{
  return g->n;
}

int apic_group_wait(apic_group *g)
{
  if (g == NULL)
    return APIC_ERR_INVALID_ARG;
  apic_client *c = g->client;
  if (!c->owns_loop || apic__client_loop_busy(c))
    return APIC_ERR_BUSY;
  while (g->done < g->n)
    apic__client_run(c, UV_RUN_ONCE);
  apic__client_ran(c);
  if (g->mode == APIC_GROUP_FAIL_FAST) /* the failure that cancelled the rest, as TaskGroup raises */
    return g->cause;
  for (size_t i = 0; i < g->n; i++)
    if (g->members[i]->status != 0)
      return g->members[i]->status;
  return 0;
}

int apic_group_result(const apic_group *g, size_t i, const apic_response **resp, const apic_error **err)
{
  *resp = NULL;
  *err = NULL;
  if (g == NULL || i >= g->n || !g->members[i]->done)
    return APIC_ERR_INVALID_ARG;
  *resp = g->members[i]->resp;
  *err = g->members[i]->err;
  return 0;
}

static void deadline_closed(uv_handle_t *h)
{
  apic__free(h);
}

/* Frees the group; members still running finish without it (their results are dropped). */
static void destroy(apic_group *g)
{
  for (size_t i = 0; i < g->n; i++) {
    member *m = g->members[i];
    if (!m->done) { /* a caller's loop: the late result is dropped with the call */
      m->call->cb = NULL;
      m->call->user_data = NULL;
    }
    apic_response_free(m->resp);
    apic_error_free(m->err);
    apic__free(m);
  }
  apic__free(g->members);
  if (g->deadline != NULL)
    uv_close((uv_handle_t *)g->deadline, deadline_closed);
  apic__free(g);
}

/* From one of the group's own callbacks the loop cannot be run (it is running them): the rest
 * are cancelled and the group goes when that callback returns. */
void apic_group_free(apic_group *g)
{
  if (g == NULL || g->free_asked)
    return;
  end_running(g, APIC_ERR_CANCELLED);
  if (g->in_cb > 0) {
    g->free_asked = 1;
    return;
  }
  apic_client *c = g->client;
  if (c->owns_loop && !apic__client_loop_busy(c)) /* else the members left end without the group */
    while (g->done < g->n)
      apic__client_run(c, UV_RUN_ONCE);
  destroy(g);
  apic__client_ran(c);
}
