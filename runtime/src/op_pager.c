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
  apic_op_args args;            /* copies (arenas), owned */
  apic_call_options opts;       /* headers and key borrowed from the caller: not kept (below) */
  const apic_field_desc *param; /* the params field taking the cursor or offset */
  const apic_field_desc *items; /* the page model's array field */
  const apic_field_desc *next;  /* cursor paging: the page's next-cursor field */
  char *cursor;                 /* where param points (cursor paging) */
  int64_t offset;               /* where param points (offset paging) */
  int done;
  apic_call *running;           /* an async fetch */
  int freed;                    /* apic_op_pager_free during a fetch: free when it ends */
  void *page;                   /* sync item iteration: the current page and the next item in it */
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

static void pager_free_now(apic_op_pager *p)
{
  apic_value_free((void *)p->args.path);
  apic_value_free((void *)p->args.params);
  apic_value_free((void *)p->args.body);
  apic_value_free(p->page);
  apic__free(p->cursor);
  apic__free(p);
}

/* The current page's items. */
static apic_list items_of(const apic_op_pager *p, const void *page)
{
  const char *obj = page;
  return (apic_list){*(const void *const *)(obj + p->items->offset), *(const size_t *)(obj + p->items->count_offset)};
}

/* Points the params copy's cursor or offset field at the pager's value. */
static void set_param(apic_op_pager *p)
{
  char *obj = (char *)p->args.params;
  void *slot = obj + p->param->offset;
  if (p->next != NULL)
    *(const char **)slot = p->cursor;
  else if (p->param->flags & APIC_F_POINTER)
    *(const int64_t **)slot = &p->offset;
  else
    *(int64_t *)slot = p->offset;
  if (p->param->flags & APIC_F_NULLABLE)
    *(bool *)(obj + p->param->null_offset) = false;
}

/* The first page starts where the caller's params say (their cursor or offset, if set). */
static int find_start(apic_op_pager *p)
{
  const apic_op_desc *op = p->op;
  const apic_model_desc *page = op->result->model;
  p->param = field_named(op->params, op->page_param);
  p->items = field_named(page, op->page_items);
  p->next = op->page_next != NULL ? field_named(page, op->page_next) : NULL;
  if (p->param == NULL || p->items == NULL || p->items->type->type != APIC_T_ARRAY ||
      (op->page_next != NULL && p->next == NULL))
    return APIC_ERR_INVALID_ARG;
  const void *start = apic__op_param_value(p->param, p->args.params);
  if (p->next == NULL && start != NULL)
    p->offset = *(const int64_t *)start;
  if (p->next == NULL)
    set_param(p);
  return 0;
}

int apic_op_pager_new(apic_api *a, const apic_op_desc *op, const apic_op_args *args, const apic_call_options *o,
                      apic_op_pager **out, apic_error **err)
{
  static const apic_op_args none = {NULL, NULL, NULL};
  *out = NULL;
  if (err != NULL)
    *err = NULL;
  if (a == NULL || op == NULL || op->result_kind != APIC_RESULT_PAGE || op->params == NULL)
    return APIC_ERR_INVALID_ARG;
  if (args == NULL)
    args = &none;
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
  if (o != NULL)
    p->opts = *o;
  p->opts.group = NULL;
  p->opts.headers = NULL; /* borrowed only for this call; see docs/clients.md */
  p->opts.n_headers = 0;
  p->opts.idempotency_key = NULL;
  p->args.path = args->path != NULL ? apic_value_copy(&op->path_params->type, args->path) : NULL;
  p->args.params = args->params != NULL ? apic_value_copy(&op->params->type, args->params)
                                        : apic__arena_new(op->params->size, 0, NULL);
  p->args.body = args->body != NULL ? apic_value_copy(op->body, args->body) : NULL;
  if ((args->path != NULL && p->args.path == NULL) || p->args.params == NULL || (args->body != NULL && p->args.body == NULL))
    rc = APIC_ERR_NOMEM;
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

/* After a page: where the next one starts, or that there is none. */
static int advance(apic_op_pager *p, const void *page)
{
  size_t count = items_of(p, page).count;
  if (p->next != NULL) {
    const char *next = *(const char *const *)((const char *)page + p->next->offset);
    p->done = next == NULL || next[0] == '\0';
    if (p->done)
      return 0;
    char *copy = apic__strndup(next, strlen(next));
    if (copy == NULL)
      return APIC_ERR_NOMEM;
    apic__free(p->cursor);
    p->cursor = copy;
  } else {
    p->offset += (int64_t)count;
    p->done = count == 0;
  }
  set_param(p);
  return 0;
}

int apic_op_pager_next(apic_op_pager *p, void **page, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (page != NULL)
    *page = NULL;
  if (p == NULL || page == NULL || p->running != NULL)
    return APIC_ERR_INVALID_ARG;
  if (p->done)
    return 0;
  int rc = apic_op_call(p->api, p->op, &p->args, &p->opts, page, err);
  if (rc == 0 && (rc = advance(p, *page)) != 0) {
    apic_value_free(*page);
    *page = NULL;
    if (err != NULL)
      *err = apic_error_new(rc, "%s: out of memory", p->op->name);
  }
  if (rc != 0)
    p->done = 1; /* a failed walk ends: the caller may start a new pager from the same point */
  return rc;
}

static int have_item(const apic_op_pager *p)
{
  return p->page != NULL && p->index < items_of(p, p->page).count;
}

static const void *current_item(const apic_op_pager *p)
{
  return (const char *)items_of(p, p->page).items + p->index * apic__elem_size(p->items->type->item);
}

int apic_op_pager_next_item(apic_op_pager *p, void **item, apic_error **err)
{
  if (err != NULL)
    *err = NULL;
  if (item != NULL)
    *item = NULL;
  if (p == NULL || item == NULL)
    return APIC_ERR_INVALID_ARG;
  while (!have_item(p)) {
    apic_value_free(p->page);
    p->page = NULL;
    p->index = 0;
    int rc = apic_op_pager_next(p, &p->page, err);
    if (rc != 0 || p->page == NULL)
      return rc;
  }
  *item = apic_value_copy(p->items->type->item, current_item(p));
  if (*item == NULL) {
    if (err != NULL)
      *err = apic_error_new(APIC_ERR_NOMEM, "%s: out of memory", p->op->name);
    return APIC_ERR_NOMEM;
  }
  p->index++;
  return 0;
}

/* ---- async -------------------------------------------------------------------------------- */

static void fetched(apic_call *call, int status, const void *result, apic_error *err, void (*fn)(void), void *ud);

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
  apic_api *a = p->api;
  p->on_item = NULL;
  if (p->freed)
    pager_free_now(p);
  end(status, err, end_fn, user_data);
  apic__api_done(a);
}

/* Hands out the items of a page from index `from`; APIC_ERR_CANCELLED when on_item stops. */
static int deliver(apic_op_pager *p, const void *page, size_t from, apic_error **err)
{
  apic_list items = items_of(p, page);
  size_t size = apic__elem_size(p->items->type->item);
  for (size_t i = from; i < items.count; i++) {
    if (p->on_item((const char *)items.items + i * size, p->item_fn, p->user_data) != 0) {
      *err = apic_error_new(APIC_ERR_CANCELLED, "%s: page walk stopped by its item callback", p->op->name);
      return APIC_ERR_CANCELLED;
    }
  }
  return 0;
}

/* Fetches the next page of a walk, or ends it. */
static void walk_on(apic_op_pager *p, int status, apic_error *err)
{
  if (status == 0 && !p->done && (status = fetch(p, &err)) == 0)
    return;
  end_walk(p, status, err);
}

static void fetched(apic_call *call, int status, const void *result, apic_error *err, void (*fn)(void), void *ud)
{
  apic_op_pager *p = ud;
  (void)fn;
  p->running = NULL;
  if (status == 0 && (status = advance(p, result)) != 0) {
    result = NULL;
    err = apic_error_new(status, "%s: out of memory", p->op->name);
  }
  if (status != 0)
    p->done = 1;
  if (p->on_item != NULL) {
    if (status == 0 && p->freed) {
      status = APIC_ERR_CANCELLED;
      err = apic_error_new(status, "%s: page walk cancelled", p->op->name);
    }
    if (status == 0)
      status = deliver(p, result, 0, &err);
    walk_on(p, status, err);
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
  if (p == NULL || on_item == NULL || on_end == NULL)
    return APIC_ERR_INVALID_ARG;
  if (p->running != NULL || p->on_item != NULL)
    return APIC_ERR_BUSY;
  p->on_item = on_item;
  p->item_fn = item_fn;
  p->on_end = on_end;
  p->end_fn = end_fn;
  p->user_data = user_data;
  p->api->pending++;
  apic_error *e = NULL;
  int status = 0;
  if (p->page != NULL) { /* what a sync walk left of its page comes first */
    status = deliver(p, p->page, p->index, &e);
    apic_value_free(p->page);
    p->page = NULL;
  }
  walk_on(p, status, e);
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
