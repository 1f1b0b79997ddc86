/* Page iteration for operations with @paginate: the pager keeps its own copy of the call's
 * arguments and, after each page, sets the cursor (the page's `next` field) or advances the
 * offset (by the number of items) in that copy before building the next request. Cursor paging
 * ends when the page has no next cursor, offset paging at an empty page. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "op_internal.h"

/* The caller's callback while an apic_op_pager_next_async fetch runs. */
typedef struct page_wait {
  apic_op_cb done;
  void (*fn)(void);
  void *user_data;
} page_wait;

struct apic_op_pager {
  apic_api *api;
  const apic_op_desc *op;
  apic_op_args args;            /* owned copies */
  apic_call_options opts;       /* headers and key borrowed from the caller: not kept (below) */
  const apic_field_desc *items; /* the page model's array field */
  const apic_field_desc *next;  /* cursor paging: the page's next-cursor field */
  int64_t offset;               /* offset paging: where the next page starts */
  int done;
  apic_call *running;           /* an async fetch */
  int freed;                    /* apic_op_pager_free during a fetch: free when it ends */
  void *page;                   /* item iteration: the current page and the next item in it */
  size_t index;
  page_wait wait;
  /* apic_op_pager_each_async */
  apic_op_event_cb on_item;
  void (*item_fn)(void);
  apic_op_end_cb on_end;
  void (*end_fn)(void);
  void *user_data;
};

static const apic_field_desc *field_named(const apic_model_desc *m, const char *name)
{
  for (size_t i = 0; m != NULL && name != NULL && i < m->nfields; i++)
    if (strcmp(m->fields[i].name, name) == 0)
      return &m->fields[i];
  return NULL;
}

static void *copy_struct(const apic_model_desc *m, const void *src, int is_array, int *rc)
{
  if (m == NULL || src == NULL)
    return NULL;
  void *dst = apic__calloc(1, is_array ? sizeof(apic_model_array) : m->size);
  if (dst == NULL) {
    *rc = APIC_ERR_NOMEM;
    return NULL;
  }
  if ((is_array ? apic_model_array_copy(m, dst, src) : apic_model_copy(m, dst, src)) != 0)
    *rc = APIC_ERR_NOMEM;
  return dst;
}

static void free_struct(const apic_model_desc *m, void *obj, int is_array)
{
  if (obj == NULL)
    return;
  if (is_array)
    apic_model_array_clear(m, obj);
  else
    apic_model_clear(m, obj);
  apic__free(obj);
}

static void pager_free_now(apic_op_pager *p)
{
  const apic_op_desc *op = p->op;
  free_struct(op->path_params, (void *)p->args.path, 0);
  free_struct(op->params, (void *)p->args.params, 0);
  free_struct(op->body, (void *)p->args.body, op->body_is_array);
  apic_op_result_free(op, p->page);
  apic__free(p);
}

/* The first page starts where the caller's params say (their cursor or offset, if set). */
static int find_start(apic_op_pager *p)
{
  const apic_op_desc *op = p->op;
  const apic_field_desc *param = field_named(op->params, op->page_param);
  p->items = field_named(op->result, op->page_items);
  p->next = op->page_next != NULL ? field_named(op->result, op->page_next) : NULL;
  if (param == NULL || p->items == NULL || p->items->type != APIC_T_ARRAY || (op->page_next != NULL && p->next == NULL))
    return APIC_ERR_INVALID_ARG;
  if (p->next == NULL && p->args.params != NULL) {
    const char *obj = p->args.params;
    if (*(const apic_presence *)(obj + param->presence_offset) == APIC_PRESENT)
      p->offset = *(const int64_t *)(obj + param->offset);
  }
  return 0;
}

int apic_op_pager_new(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                      apic_op_pager **out, apic_error **err)
{
  *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || op->result_kind != APIC_RESULT_PAGE || op->params == NULL)
    return APIC_ERR_INVALID_ARG;
  built b; /* validates the arguments now, so a bad call fails here and not at the first page */
  int rc = apic__op_build(&b, a, op, args, o, err);
  if (rc != 0)
    return rc;
  apic__op_built_clear(&b);
  apic_op_pager *p = apic__calloc(1, sizeof *p);
  if (p == NULL)
    return APIC_ERR_NOMEM;
  p->api = a;
  p->op = op;
  apic_call_options none = APIC_CALL_OPTIONS_INIT;
  p->opts = o != NULL ? *o : none;
  p->opts.group = NULL;
  p->opts.headers = NULL; /* borrowed only for this call; see docs/clients.md */
  p->opts.n_headers = 0;
  p->opts.idempotency_key = NULL;
  p->args.path = copy_struct(op->path_params, args != NULL ? args->path : NULL, 0, &rc);
  void *view = apic__op_params_view(op->params, args != NULL ? args->params : NULL);
  if (view == NULL && args != NULL && args->params != NULL)
    rc = APIC_ERR_NOMEM;
  p->args.params = copy_struct(op->params, view, 0, &rc);
  apic__free(view);
  p->args.body = copy_struct(op->body, args != NULL ? args->body : NULL, op->body_is_array, &rc);
  if (rc == 0 && p->args.params == NULL) { /* a params struct to hold the cursor or offset */
    p->args.params = apic__calloc(1, op->params->size);
    rc = p->args.params == NULL ? APIC_ERR_NOMEM : 0;
  }
  if (rc == 0)
    rc = find_start(p);
  if (rc != 0) {
    pager_free_now(p);
    if (err != NULL)
      *err = apic_error_new(rc, "%s: could not set up paging", op->name);
    return rc;
  }
  *out = p;
  return 0;
}

int apic_op_pager_done(const apic_op_pager *p)
{
  return p == NULL || p->done;
}

static const apic_model_array *items_of(const apic_op_pager *p, const void *page)
{
  return (const apic_model_array *)((const char *)page + p->items->offset);
}

/* After a page: where the next one starts, or that there is none. */
static int advance(apic_op_pager *p, const void *page)
{
  size_t count = items_of(p, page)->count;
  char text[32];
  const char *value = text;
  if (p->next != NULL) {
    value = *(char *const *)((const char *)page + p->next->offset);
    p->done = value == NULL || value[0] == '\0';
  } else {
    p->offset += (int64_t)count;
    snprintf(text, sizeof text, "%lld", (long long)p->offset);
    p->done = count == 0;
  }
  if (p->done)
    return 0;
  return apic_model_set_text(p->op->params, (void *)p->args.params, p->op->page_param, value);
}

int apic_op_pager_next(apic_op_pager *p, void *page, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (p == NULL || page == NULL || p->running != NULL)
    return APIC_ERR_INVALID_ARG;
  if (p->done)
    return 0;
  int rc = apic_op_call(p->api, p->op, &p->args, &p->opts, page, err);
  if (rc == 0 && (rc = advance(p, page)) != 0) {
    apic_model_clear(p->op->result, page);
    if (err != NULL)
      *err = apic_error_new(rc, "%s: the next page's cursor did not fit", p->op->name);
  }
  if (rc != 0) {
    p->done = 1; /* a failed walk ends: the caller may start a new pager from the same point */
    return rc;
  }
  return 1;
}

/* Moves item p->index of the current page into item (the page's slot is zeroed, so the page
 * no longer frees it). */
static void take_item(apic_op_pager *p, void *item)
{
  const apic_model_desc *m = p->items->model;
  apic_model_array *arr = (apic_model_array *)((char *)p->page + p->items->offset);
  char *slot = (char *)arr->items + p->index * m->size;
  memcpy(item, slot, m->size);
  memset(slot, 0, m->size);
  p->index++;
}

static int have_item(const apic_op_pager *p)
{
  return p->page != NULL && p->index < items_of(p, p->page)->count;
}

int apic_op_pager_next_item(apic_op_pager *p, void *item, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (p == NULL || item == NULL || p->items->model == NULL)
    return APIC_ERR_INVALID_ARG;
  while (!have_item(p)) {
    if (p->page == NULL && (p->page = apic__op_result_new(p->op)) == NULL)
      return APIC_ERR_NOMEM;
    apic_model_clear(p->op->result, p->page);
    p->index = 0;
    int rc = apic_op_pager_next(p, p->page, err);
    if (rc <= 0)
      return rc;
  }
  take_item(p, item);
  return 1;
}

/* ---- async -------------------------------------------------------------------------------- */

static void fetched(apic_call *call, int status, void *result, apic_error *err, void (*fn)(void), void *ud);

static int fetch(apic_op_pager *p, apic_error **err)
{
  return apic_op_start(p->api, p->op, &p->args, &p->opts, fetched, NULL, p, &p->running, err);
}

/* Ends a page walk. The pager is not touched after on_end (which may free it); a pager freed
 * during the last fetch is freed first. */
static void end_walk(apic_op_pager *p, int status, apic_error *err)
{
  apic_op_end_cb end = p->on_end;
  void (*end_fn)(void) = p->end_fn;
  void *user_data = p->user_data;
  p->on_item = NULL;
  p->api->pending--;
  if (p->freed)
    pager_free_now(p);
  end(status, err, end_fn, user_data);
}

/* Hands out the items of the current page, then fetches the next one or ends the walk. */
static void deliver_items(apic_op_pager *p)
{
  int status = 0;
  apic_error *err = NULL;
  while (have_item(p) && status == 0) {
    const apic_model_desc *m = p->items->model;
    apic_model_array *arr = (apic_model_array *)((char *)p->page + p->items->offset);
    if (p->on_item((char *)arr->items + p->index++ * m->size, p->item_fn, p->user_data) != 0) {
      status = APIC_ERR_CANCELLED;
      err = apic_error_new(status, "%s: page walk stopped by its item callback", p->op->name);
    }
  }
  if (status == 0 && !p->done && (status = fetch(p, &err)) == 0)
    return;
  end_walk(p, status, err);
}

static void walk_fetched(apic_op_pager *p, int status, void *result, apic_error *err)
{
  apic_op_result_free(p->op, p->page);
  p->page = NULL;
  p->index = 0;
  if (status == 0 && p->freed) {
    status = APIC_ERR_CANCELLED;
    err = apic_error_new(status, "%s: page walk cancelled", p->op->name);
  }
  if (status != 0) {
    apic_op_result_free(p->op, result);
    end_walk(p, status, err);
    return;
  }
  p->page = result;
  deliver_items(p);
}

static void fetched(apic_call *call, int status, void *result, apic_error *err, void (*fn)(void), void *ud)
{
  apic_op_pager *p = ud;
  (void)fn;
  p->running = NULL;
  if (status == 0 && (status = advance(p, result)) != 0) {
    apic_op_result_free(p->op, result);
    result = NULL;
    err = apic_error_new(status, "%s: the next page's cursor did not fit", p->op->name);
  }
  if (status != 0)
    p->done = 1;
  if (p->on_item != NULL) {
    walk_fetched(p, status, result, err);
    return;
  }
  page_wait w = p->wait; /* the caller may start the next fetch or free the pager in done */
  if (p->freed)
    pager_free_now(p);
  w.done(call, status, result, err, w.fn, w.user_data);
}

int apic_op_pager_next_async(apic_op_pager *p, apic_op_cb done, void (*fn)(void), void *user_data, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (p == NULL || done == NULL || p->done)
    return APIC_ERR_INVALID_ARG;
  if (p->running != NULL || p->on_item != NULL)
    return APIC_ERR_BUSY;
  p->wait = (page_wait){done, fn, user_data};
  return fetch(p, err);
}

int apic_op_pager_each_async(apic_op_pager *p, apic_op_event_cb on_item, void (*item_fn)(void),
                             apic_op_end_cb on_end, void (*end_fn)(void), void *user_data, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (p == NULL || on_item == NULL || on_end == NULL || p->items->model == NULL)
    return APIC_ERR_INVALID_ARG;
  if (p->running != NULL || p->on_item != NULL)
    return APIC_ERR_BUSY;
  p->on_item = on_item;
  p->item_fn = item_fn;
  p->on_end = on_end;
  p->end_fn = end_fn;
  p->user_data = user_data;
  p->api->pending++;
  deliver_items(p);
  return 0;
}

void apic_op_pager_free(apic_op_pager *p)
{
  if (p == NULL)
    return;
  if (p->running == NULL) {
    pager_free_now(p);
    return;
  }
  p->freed = 1;
  apic_call_cancel(p->running);
}
