/* Composition: `model Child extends Base, Other { ... }` (docs/spec-language.md). A model or
 * error that extends others gets their fields, in order, before its own; the generated C and
 * the resolved spec see only the whole list (the flattened fields). */
#ifndef APIC_COMPOSE_H
#define APIC_COMPOSE_H

#include "diag.h"
#include "frontend.h"
#include "names.h"

/* Fields of one name met twice while flattening: a redefinition, or one field from two bases. */
typedef struct compose_pair {
  struct compose_pair *next;
  const decl *owner;       /* the model whose list met them */
  const field *first;      /* the one kept in place */
  const decl *first_from;  /* the base it came from (NULL: owner's own) */
  const field *again;      /* the one met later */
  const decl *again_from;
} compose_pair;

/* Sets d->fields of every model and error that extends others: the bases' fields first (each
 * base's whole list, in the order named), then its own (d->own_fields, which stay the ones to
 * check). A field named like one already in the list takes its place instead (a redefinition,
 * or the same field from two bases). Unknown bases, bases that are not models and cycles are
 * errors. types holds the spec's models, enums and errors. Returns the pairs of same-named
 * fields for compose_check; none is NULL. */
compose_pair *compose_flatten(spec *s, const name_table *types);
/* Once every field's type is resolved: same-named fields have one type, '?' and '| null'. */
void compose_check(spec *s, const compose_pair *pairs);

#endif
