/* The C declarations a spec's generated SDK makes, element by element, and what a change in
 * them does to the C API (does code written against the old SDK still compile and mean the
 * same) and the C ABI (does a program built against the old library still run with the new).
 * Which declarations each kind of spec element derives is the generated layout: one table in
 * diff_c.c, checked against real builds by tests/diff. */
#ifndef APIC_DIFF_C_H
#define APIC_DIFF_C_H

#include "diff.h"
#include "names.h"

typedef enum c_kind {
  C_MEMBER,   /* a struct member: owner is the struct */
  C_FUNCTION, /* type is the return type, args the parameters' types */
  C_CALLBACK, /* a function pointer typedef: type and args as for a function */
  C_CONSTANT, /* an enum constant: owner is the enum type, type its value */
  C_DATA,     /* an extern object: type is its type */
} c_kind;

typedef struct c_item {
  c_kind kind;
  const char *owner, *name, *type, *args;
  const void *origin; /* the spec node it derives from (a field, enum value, declaration...) */
  const void *decl;   /* the declaration or operation it belongs to */
} c_item;

typedef struct c_block c_block;

/* A list of items; their strings live in the list's blocks. */
typedef struct c_list {
  c_item *items;
  size_t n, cap;
  c_block *blocks;
  int failed; /* out of memory */
} c_list;

void c_list_free(c_list *l);

/* What C names are made of: the API's prefix (snake case), given so a renamed API can be
 * compared under one prefix. */
typedef struct c_names {
  const spec *s;
  char prefix[128];
  name_table lists, entries, list_entries, maps; /* models and enums with an X_list, X_entry, X_list_entry, X_map */
  name_table lro_results;                        /* models an @lro operation returns: X_from_error */
  int failed;                              /* out of memory */
} c_names;

void c_names_init(c_names *c, const spec *s, const char *prefix);
void c_names_free(c_names *c);

/* The items one element derives, appended to out. */
void c_model_items(const c_names *c, const decl *model, c_list *out); /* models and errors */
void c_enum_items(const c_names *c, const decl *e, c_list *out);
void c_union_items(const c_names *c, const decl *u, c_list *out);
void c_op_items(const c_names *c, const decl *resource, const operation *op, c_list *out);
void c_error_kind_items(const c_names *c, c_list *out); /* the <api>_error_kind enum */
/* What a model declares because an @lro operation returns it (also among c_model_items). */
void c_lro_items(const c_names *c, const decl *model, c_list *out);
/* The client's options and the functions every SDK of the API has; a scheme's member derives
 * from the api item that declares it, the rest from the api block. */
void c_api_items(const c_names *c, c_list *out);
/* The api item that declares the auth scheme called name (`auth = KIND` declares api_key). */
const api_item *c_scheme_item(const decl *api, const char *name);
/* Every item of the spec's SDK. */
void c_surface(const c_names *c, c_list *out);

/* What a finding lets itself be charged with (finding.claims). */
enum {
  CLAIM_ORIGIN = 1, /* changes whose origin is one of its nodes */
  CLAIM_ALL = 2,    /* every change of a declaration among its nodes */
  CLAIM_LAYOUT = 4, /* a struct's layout, when its declaration is among its nodes */
  CLAIM_VALUES = 8, /* constants' values, when their declaration is among its nodes */
};

/* Compares one element's items in the old spec (a) and the new (b), and raises the C API and
 * ABI severities of the findings from index first on that claim each change. A change none
 * claims becomes a finding of its own (c-declaration-changed) at old_at / new_at. */
void c_judge(diff_result *r, size_t first, const c_list *a, const c_list *b, loc old_at, loc new_at);

/* The sentinel that stands for the error kinds' fixed constants (NONE, CONNECTION...) as
 * their origin and declaration. */
extern const char c_error_kinds;

#endif
