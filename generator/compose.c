/* Composition: flattening `extends` into each model's field list (compose.h). */
#include "compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most fields extends may copy across a spec: each model's list is its bases' again, so a
 * short spec can ask for a quadratic number (a chain of 20,000 models, each one field). */
#define MAX_INHERITED 1000000

/* One step of the walk: a model, and the next of its bases to look at. */
typedef struct frame {
  decl *d;
  const name_ref *next;
} frame;

/* What a field of the list being built is, under its name. */
typedef struct entry {
  field *copy;        /* its node in the list */
  const field *orig;  /* the field it was copied from */
  const decl *from;   /* the base it came from; NULL: the model's own */
} entry;

/* The base named by b, when it is a model; reports why not once (report set). */
static decl *base_of(spec *s, const name_table *types, const decl *d, const name_ref *b, int report)
{
  decl *base = name_table_get(types, b->name);
  if (base != NULL && base->kind == D_MODEL)
    return base;
  if (!report)
    return NULL;
  const char *what = d->kind == D_ERROR ? "an error" : "a model";
  if (base != NULL) {
    diag_error(&s->diag, b->at, "'%s' is %s, not a model; %s extends only models", b->name,
               base->kind == D_ENUM ? "an enum" : "an error", what);
    return NULL;
  }
  size_t dist = similar_enough(b->name) + 1;
  const char *near = diag_shown(&s->diag) ? name_table_nearest(types, b->name, &dist) : NULL;
  if (near != NULL)
    diag_error(&s->diag, b->at, "unknown model '%s' after 'extends'; did you mean '%s'?", b->name, near);
  else
    diag_error(&s->diag, b->at, "unknown model '%s' after 'extends'", b->name);
  return NULL;
}

/* "A -> B -> A": the models from frame `from` to the top, and back to the first. */
static void cycle_text(const frame *stack, size_t from, size_t top, char *out, size_t cap)
{
  size_t n = 0;
  for (size_t i = from; i <= top && n < cap; i++) {
    int w = snprintf(out + n, cap - n, "%s -> ", stack[i].d->name);
    n += w > 0 ? (size_t)w : 0;
  }
  if (n < cap)
    snprintf(out + n, cap - n, "%s", stack[from].d->name);
  else
    memcpy(out + cap - 4, "...", 4);
}

static void add_pair(spec *s, compose_pair **pairs, const decl *owner, const entry *first, const field *again,
                     const decl *again_from)
{
  compose_pair *p = ast_alloc(s->arena, sizeof *p);
  if (p == NULL) {
    diag_plain(&s->diag, "out of memory");
    return;
  }
  *p = (compose_pair){*pairs, owner, first->orig, first->from, again, again_from};
  *pairs = p;
}

/* Appends f to the list at *tail under its name; *oom on failure. */
static void append(spec *s, seen_set *names, field ***tail, const field *f, const decl *from, int *oom)
{
  field *copy = ast_alloc(s->arena, sizeof *copy);
  entry *e = ast_alloc(s->arena, sizeof *e);
  if (copy == NULL || e == NULL) {
    *oom = 1;
    return;
  }
  *copy = *f;
  copy->next = NULL;
  **tail = copy;
  *tail = &copy->next;
  *e = (entry){copy, f, from};
  seen_put(names, f->name, e, oom);
}

/* Two fields of the whole list with one wire name, one of them inherited (two of the model's own
 * are check_fields' to report). */
static void check_wires(spec *s, const decl *d, const seen_set *names)
{
  seen_set wires;
  seen_init(&wires);
  int oom = 0;
  for (const field *f = d->fields; f != NULL; f = f->next) {
    const entry *e = seen_get(names, f->name);
    const entry *prev = seen_put(&wires, field_wire(f), (void *)e, &oom);
    if (prev != NULL && (prev->from != NULL || e->from != NULL))
      diag_error(&s->diag, e->from == NULL ? f->at : d->at, "field '%s' of '%s' has the same wire name \"%s\" as '%s%s%s'",
                 f->name, d->name, field_wire(f), prev->from != NULL ? prev->from->name : "",
                 prev->from != NULL ? "." : "", prev->copy->name);
  }
  seen_free(&wires);
  if (oom)
    diag_plain(&s->diag, "out of memory");
}

/* d's whole list, its bases' lists being whole already; *copied counts the fields inherited
 * so far (past MAX_INHERITED, d keeps only its own). */
static void build(spec *s, const name_table *types, decl *d, compose_pair **pairs, size_t *copied)
{
  seen_set names;
  seen_init(&names);
  field *head = NULL, **tail = &head;
  int oom = 0;
  for (const name_ref *b = d->bases; b != NULL && !oom && *copied <= MAX_INHERITED; b = b->next) {
    const decl *base = base_of(s, types, d, b, 0);
    if (base == NULL || (base->bases != NULL && base->flattened != 2))
      continue; /* reported, or on a cycle */
    for (const field *f = base->fields; f != NULL && !oom; f = f->next) {
      if (++*copied == MAX_INHERITED + 1) {
        diag_error(&s->diag, d->at, "'%s' would inherit more than %d fields with those of the models before it; "
                   "extends copies every base's fields into each model that names it", d->name, MAX_INHERITED);
        break;
      }
      const entry *prev = seen_get(&names, f->name);
      if (prev == NULL)
        append(s, &names, &tail, f, base, &oom);
      else if (prev->orig != f) /* a diamond brings the same field twice */
        add_pair(s, pairs, d, prev, f, base);
    }
  }
  for (const field *f = d->own_fields; f != NULL && !oom; f = f->next) {
    entry *prev = seen_get(&names, f->name);
    if (prev == NULL) {
      append(s, &names, &tail, f, NULL, &oom);
    } else if (prev->from != NULL) { /* a redefinition: in the base's place */
      add_pair(s, pairs, d, prev, f, NULL);
      field *next = prev->copy->next;
      *prev->copy = *f;
      prev->copy->next = next;
    } /* else a duplicate of its own: check_fields says so */
  }
  if (oom)
    diag_plain(&s->diag, "out of memory");
  d->fields = head;
  check_wires(s, d, &names);
  seen_free(&names);
}

/* Flattens d and the bases it reaches, depth first with an explicit stack (a chain of
 * thousands of models must not exhaust the C stack); a base met again on the way is a cycle. */
static void walk(spec *s, const name_table *types, decl *d, frame *stack, compose_pair **pairs, size_t *copied)
{
  size_t top = 0;
  stack[0] = (frame){d, d->bases};
  d->flattened = 1;
  for (;;) {
    frame *fr = &stack[top];
    if (fr->next == NULL) {
      build(s, types, fr->d, pairs, copied);
      fr->d->flattened = 2;
      if (top-- == 0)
        return;
      continue;
    }
    const name_ref *b = fr->next;
    fr->next = b->next;
    decl *base = base_of(s, types, fr->d, b, 1);
    if (base == NULL || base->bases == NULL || base->flattened == 2)
      continue;
    if (base->flattened == 1) {
      size_t from = top;
      while (stack[from].d != base)
        from--;
      char path[256];
      cycle_text(stack, from, top, path, sizeof path);
      diag_error(&s->diag, b->at, "model '%s' extends itself (%s); a model cannot be its own base", base->name, path);
      continue;
    }
    base->flattened = 1;
    stack[++top] = (frame){base, base->bases};
  }
}

compose_pair *compose_flatten(spec *s, const name_table *types)
{
  size_t n = 0;
  for (const decl *d = s->decls; d != NULL; d = d->next)
    n++;
  frame *stack = NULL;
  compose_pair *pairs = NULL;
  size_t copied = 0;
  for (decl *d = s->decls; d != NULL; d = d->next) {
    if ((d->kind != D_MODEL && d->kind != D_ERROR) || d->bases == NULL || d->flattened != 0)
      continue;
    if (stack == NULL && (stack = malloc((n + 1) * sizeof *stack)) == NULL) {
      diag_plain(&s->diag, "out of memory");
      return NULL;
    }
    walk(s, types, d, stack, &pairs, &copied);
  }
  free(stack);
  compose_pair *in_order = NULL; /* found in spec order, kept last first */
  while (pairs != NULL) {
    compose_pair *next = pairs->next;
    pairs->next = in_order;
    in_order = pairs;
    pairs = next;
  }
  return in_order;
}

/* ---- after resolution ------------------------------------------------------------------------ */

static int same_type(const type *a, const type *b)
{
  if (a->rk != b->rk)
    return 0;
  if (a->rk == R_ARRAY || a->rk == R_MAP)
    return same_type(a->inner, b->inner);
  return a->target == b->target;
}

/* The type as the spec writes it: string, Task[], map<int>. */
static void type_text(const type *t, char *out, size_t size)
{
  char inner[200];
  if (t->rk == R_ARRAY || t->rk == R_MAP) {
    type_text(t->inner, inner, sizeof inner);
    snprintf(out, size, t->rk == R_ARRAY ? "%s[]" : "map<%s>", inner);
  } else {
    snprintf(out, size, "%s", t->target != NULL ? t->target->name : type_kind_name(t));
  }
}

/* How f is written after its name: ": string", "?: int | null", "@json(\"x\")". */
static void shape_text(const field *f, char *out, size_t size)
{
  char t[256];
  type_text(f->type, t, sizeof t);
  snprintf(out, size, "%s: %s%s%s%s%s", f->optional ? "?" : "", t, f->nullable ? " | null" : "",
           strcmp(field_wire(f), f->name) != 0 ? " (wire \"" : "", strcmp(field_wire(f), f->name) != 0 ? field_wire(f) : "",
           strcmp(field_wire(f), f->name) != 0 ? "\")" : "");
}

void compose_check(spec *s, const compose_pair *pairs)
{
  for (const compose_pair *p = pairs; p != NULL; p = p->next) {
    const field *a = p->first, *b = p->again;
    if (a->type->rk == R_UNRESOLVED || b->type->rk == R_UNRESOLVED)
      continue; /* reported */
    if (same_type(a->type, b->type) && a->optional == b->optional && a->nullable == b->nullable &&
        strcmp(field_wire(a), field_wire(b)) == 0)
      continue;
    char first[400], again[400];
    shape_text(a, first, sizeof first);
    shape_text(b, again, sizeof again);
    if (p->again_from == NULL)
      diag_error(&s->diag, b->at, "field '%s' of '%s' redefines '%s.%s' as '%s%s', not '%s%s'; a redefined field keeps "
                 "its base's type, '?', '| null' and wire name: rename it", b->name, p->owner->name, p->first_from->name,
                 a->name, b->name, again, a->name, first);
    else
      diag_error(&s->diag, p->owner->at, "'%s' gets field '%s' from '%s' as '%s%s' and from '%s' as '%s%s'; its bases must "
                 "agree on a field they share", p->owner->name, a->name, p->first_from->name, a->name, first,
                 p->again_from->name, b->name, again);
  }
}
