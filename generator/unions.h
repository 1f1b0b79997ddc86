/* Unions: `union Pet @discriminator("pet_type") { cat: Cat; dog: Dog @tag("DOG"); }` and
 * `union Id { text: string; number: int; }` (docs/spec-language.md, "Unions"). */
#ifndef APIC_UNIONS_H
#define APIC_UNIONS_H

#include "frontend.h"

/* The members a union's struct has besides its variants (a variant may not take their names). */
extern const char *const UNION_MEMBERS[3];

/* Checks union u once every declaration's field types are resolved: variants are neither
 * optional, nullable nor defaulted; with a discriminator every variant is a model without a
 * field of the tag's name, and tags are distinct; without one, the rule (JSON type, then the
 * required fields of model variants, in order) tells every variant apart. */
void union_check(spec *s, const decl *u);
/* The tag of variant v of a discriminated union: @tag("..."), else its name. */
const char *union_tag(const field *v);

#endif
