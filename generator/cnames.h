/* The names the generated C makes from spec names, and the checks that each is a name C will
 * take: no two alike, none a keyword or a name the included headers define. What each kind of
 * spec name makes is one table, in cnames.c. */
#ifndef APIC_CNAMES_H
#define APIC_CNAMES_H

#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "names.h"

/* The generated C's file-scope names (types, functions, enum constants, macros): each spec
 * name that makes some is recorded under the C name they are all made from, its base
 * (torale_task, TORALE_TASK_STATE_ACTIVE). */
/* How many kinds of spec name cnames.c tells apart. */
#define CN_KIND_COUNT 19

typedef struct cnames {
  diag *d;
  ast_arena *arena;
  const char *prefix; /* the api's name in snake case (torale); NULL without an api block */
  const char *upper;  /* the same upper-cased (TORALE) */
  int reserved_prefix; /* some name C or the headers define starts with it (uint_): bases are looked up */
  name_table bases;   /* base -> struct cn_entity */
  struct cn_entity *entities, **tail; /* in the order recorded */
  struct cn_word *words[CN_KIND_COUNT]; /* the names each kind of spec name makes (cnames.c) */
  size_t nwords[CN_KIND_COUNT];
  uint64_t seconds[CN_KIND_COUNT][4]; /* the bytes each kind's words have second: a bit each */
} cnames;

/* expected: about how many declarations and operations (the table is sized for them). */
int cnames_init(cnames *n, diag *d, ast_arena *arena, const decl *api, size_t expected);
void cnames_free(cnames *n);
/* Records what a model, enum (and its values), union (and its variants) or error makes; a
 * base another spec name made already is reported now. */
void cnames_decl(cnames *n, const decl *d);
void cnames_operation(cnames *n, const decl *resource, const operation *op);
/* Once everything is recorded: a name one spec name makes that another makes too
 * (model Task makes torale_task_list; model TaskList is torale_task_list). */
void cnames_finish(cnames *n);

/* A name the generated C uses as it is, unprefixed (a field, a parameter): not a C keyword,
 * nothing C compilers or the headers generated files include define, no prefix of the SDK's,
 * libapic's or cJSON's names. what: "field", "query parameter"...; hint: how to keep the wire
 * name. Returns 0 when it is fine. */
int cnames_plain(cnames *n, const char *name, loc at, const char *what, const char *hint);
/* One list of fields of a generated struct, and how messages name them: "field", "query
 * parameter"; hint: how to rename one and keep its wire name. */
typedef struct cn_fields {
  const field *fields;
  const char *what, *hint;
} cn_fields;

/* The members of one generated struct, made from count lists of fields (an operation's query
 * and header parameters share one struct): a field named like a member another field makes
 * (items_count beside the array items) is reported. */
void cnames_members(cnames *n, const cn_fields *lists, size_t count);
/* A path parameter is a parameter of the generated functions: not named like their own. */
void cnames_parameter(cnames *n, const char *name, loc at);

#endif
