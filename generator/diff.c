/* apic diff's rules. The two specs' declarations are paired by name (fields and enum values
 * renamed in C but not on the wire, and operations renamed on the same method and path, are
 * paired too), and each difference becomes a finding with its wire severity: does a client
 * built against the old spec still work with a server of the new one (breaking when not), and
 * the reverse (a warning when not). Then, element by element, diff_c.c judges what the changes
 * do to the generated C declarations. Why each rule has its severities: docs/diff.md. */
#include "diff.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff_c.h"
#include "names.h"
#include "strbuf.h"
#include "unions.h"

/* Where a model or enum is used: sent by clients, received by them, or both. */
enum { USE_REQ = 1, USE_RESP = 2 };

typedef struct ctx {
  diff_result *r;
  const spec *s[2];     /* old, new */
  name_table decls[2];  /* enums, models and errors by name */
  name_table res[2];    /* resources by name */
  name_table use[2];    /* model and enum names -> USE_* */
  c_names cn[2];        /* both under the old API's prefix */
  loc api_at[2];
  auth_scheme schemes[2][MAX_SCHEMES]; /* the API's auth schemes */
  int nschemes[2], def_scheme[2];      /* how many, the default's index (-1: none) */
} ctx;

/* snprintf, for text that may be cut (names inside names: the compiler cannot tell it is not). */
static void text(char *out, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void text(char *out, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, size, fmt, ap);
  va_end(ap);
}

/* ---- findings --------------------------------------------------------------------------- */

static void raise_to(sev *s, sev to)
{
  if (to > *s)
    *s = to;
}

static finding *vadd(diff_result *r, const char *rule, sev wire, const char *subject, const char *fmt, va_list ap)
{
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 32;
    finding *grown = realloc(r->f, cap * sizeof *grown);
    if (grown == NULL) {
      r->failed = 1;
      return NULL;
    }
    r->f = grown;
    r->cap = cap;
  }
  strbuf m = {0};
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  sb_puts(&m, buf);
  char *message = sb_take(&m, NULL), *subj = strdup(subject);
  if (message == NULL || subj == NULL) {
    free(message);
    free(subj);
    r->failed = 1;
    return NULL;
  }
  finding *f = &r->f[r->n++];
  memset(f, 0, sizeof *f);
  f->rule = rule;
  f->sev[L_WIRE] = wire;
  f->subject = subj;
  f->message = message;
  f->old_at.file = f->new_at.file = -1;
  return f;
}

finding *diff_add(diff_result *r, const char *rule, sev wire, const char *subject, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  finding *f = vadd(r, rule, wire, subject, fmt, ap);
  va_end(ap);
  return f;
}

/* A finding at old_at / new_at, charged with the C changes of nodes n0..n3 as claims says. */
static finding *add(ctx *c, const char *rule, sev wire, loc old_at, loc new_at, unsigned claims, const void *n0,
                    const void *n1, const char *subject, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 10, 11)))
#endif
    ;

static finding *add(ctx *c, const char *rule, sev wire, loc old_at, loc new_at, unsigned claims, const void *n0,
                    const void *n1, const char *subject, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  finding *f = vadd(c->r, rule, wire, subject, fmt, ap);
  va_end(ap);
  if (f != NULL) {
    f->old_at = old_at;
    f->new_at = new_at;
    f->claims = claims;
    f->nodes[0] = n0;
    f->nodes[1] = n1;
  }
  return f;
}

sev finding_sev(const finding *f, int abi)
{
  sev s = SEV_INFO; /* a change that costs nothing anywhere is still news */
  raise_to(&s, f->sev[L_WIRE]);
  raise_to(&s, f->sev[L_API]);
  if (abi)
    raise_to(&s, f->sev[L_ABI]);
  return s;
}

/* The fingerprint: FNV-1a of the rule and the subject, so it stays while lines move. */
static void fingerprint(finding *f)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = f->rule;; p++) {
    h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    if (*p == '\0')
      break;
  }
  for (const char *p = f->subject; *p != '\0'; p++)
    h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
  text(f->fingerprint, sizeof f->fingerprint, "%016llx", (unsigned long long)h);
}

/* ---- what is used where ----------------------------------------------------------------- */

static int use_of(const ctx *c, const char *name)
{
  return (int)(intptr_t)name_table_get(&c->use[0], name) | (int)(intptr_t)name_table_get(&c->use[1], name);
}

/* Marks the models and enums a value of type t reaches as used in direction use. */
static void mark(ctx *c, int side, const type *t, int use)
{
  while (t != NULL && (t->rk == R_ARRAY || t->rk == R_MAP || t->rk == R_PAGE || t->rk == R_STREAM))
    t = t->inner;
  if (t == NULL || (t->rk != R_MODEL && t->rk != R_ENUM && t->rk != R_UNION))
    return;
  name_table *u = &c->use[side];
  int had = (int)(intptr_t)name_table_get(u, t->target->name);
  if ((had & use) == use)
    return;
  if (name_table_put(u, t->target->name, (void *)(intptr_t)(had | use)) != 0)
    c->r->failed = 1;
  for (const field *f = t->rk == R_MODEL || t->rk == R_UNION ? t->target->fields : NULL; f != NULL; f = f->next)
    mark(c, side, f->type, use);
}

static void mark_uses(ctx *c, int side)
{
  for (const decl *d = c->s[side]->decls; d != NULL; d = d->next) {
    for (const field *f = d->kind == D_ERROR ? d->fields : NULL; f != NULL; f = f->next)
      mark(c, side, f->type, USE_RESP);
    for (const operation *op = d->kind == D_RESOURCE ? d->ops : NULL; op != NULL; op = op->next) {
      const field *lists[] = {op->path_params, op->query_params, op->header_params};
      for (int i = 0; i < 3; i++)
        for (const field *f = lists[i]; f != NULL; f = f->next)
          mark(c, side, f->type, USE_REQ);
      if (op->body != NULL)
        mark(c, side, op->body, USE_REQ);
      if (op->ret != NULL)
        mark(c, side, op->ret, USE_RESP);
    }
  }
}

/* "request", "response", "request and response" or "unused" */
static const char *use_text(int use)
{
  static const char *const text[] = {"unused", "request", "response", "request and response"};
  return text[use & 3];
}

/* ---- types ------------------------------------------------------------------------------ */

typedef enum relation { SAME, WIDER, NARROWER, OTHER } relation;

/* Every value of kind `from` is a valid value of kind `to` on the wire. */
static int widens(resolved_kind from, resolved_kind to)
{
  return ((from == R_INT || from == R_INT32) && to == R_FLOAT) || (from == R_INT32 && to == R_INT) ||
         ((from == R_DATETIME || from == R_DATE || from == R_ENUM || from == R_UUID) && to == R_STRING);
}

/* The kind of JSON value a type is sent as, for widening: an integer enum's values are ints. */
static resolved_kind wire_kind(const type *t)
{
  return t->rk == R_ENUM && enum_is_integer(t->target) ? R_INT : t->rk;
}

/* How the values new type b accepts compare with old type a's. Models, enums and unions are
 * the same when their names are (their own changes are reported on them). An integer enum is
 * narrower than int (and float), a string enum than string. */
static relation relate(const type *a, const type *b)
{
  if (a->rk == b->rk) {
    if (a->inner != NULL && b->inner != NULL)
      return relate(a->inner, b->inner);
    if (a->rk == R_MODEL || a->rk == R_ENUM || a->rk == R_UNION)
      return strcmp(a->target->name, b->target->name) == 0 ? SAME : OTHER;
    return a->name != NULL && b->name != NULL && strcmp(a->name, b->name) != 0 ? OTHER : SAME;
  }
  resolved_kind ka = wire_kind(a), kb = wire_kind(b);
  if (b->rk == R_ANY || widens(ka, kb) || (ka == kb && a->rk == R_ENUM))
    return WIDER;
  if (a->rk == R_ANY || widens(kb, ka) || (ka == kb && b->rk == R_ENUM))
    return NARROWER;
  return OTHER;
}

/* A type change's wire severity: clients send old values (a new server must take them all),
 * and read new values (an old client must understand them all). */
static sev relation_sev(relation rel, int use)
{
  if (rel == SAME)
    return SEV_NONE;
  sev s = SEV_INFO;
  if ((use & USE_REQ) && rel != WIDER)
    s = SEV_BREAKING;
  if ((use & USE_RESP) && rel != NARROWER)
    s = SEV_BREAKING;
  return s;
}

/* The type as the spec writes it: string, Task[], map<int>. */
static void type_text(const type *t, char *out, size_t size)
{
  char inner[512] = "";
  if (t->inner != NULL)
    type_text(t->inner, inner, sizeof inner);
  if (t->rk == R_ARRAY)
    text(out, size, "%s[]", inner);
  else if (t->rk == R_MAP || t->rk == R_PAGE || t->rk == R_STREAM)
    text(out, size, "%s<%s>", t->rk == R_MAP ? "map" : t->rk == R_PAGE ? "page" : "stream", inner);
  else
    text(out, size, "%s", t->target != NULL ? t->target->name : t->name ? t->name : type_kind_name(t));
}

/* A value as the spec writes it (defaults, constraints). */
static void value_text(const value *v, char *out, size_t size)
{
  if (v == NULL)
    text(out, size, "none");
  else if (v->kind == VAL_STRING)
    text(out, size, "\"%s\"", v->text);
  else if (v->kind == VAL_NULL)
    text(out, size, "null");
  else if (v->kind == VAL_EMPTY_LIST)
    text(out, size, "[]");
  else if (v->kind == VAL_BOOL)
    text(out, size, "%s", v->i ? "true" : "false");
  else
    text(out, size, "%s", v->text != NULL ? v->text : "?");
}

static int same_value(const value *a, const value *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->kind != b->kind)
    return 0;
  if (a->kind == VAL_BOOL)
    return a->i == b->i;
  return a->kind == VAL_NULL || a->kind == VAL_EMPTY_LIST || strcmp(a->text, b->text) == 0;
}

/* ---- fields and parameters --------------------------------------------------------------- */

/* What pairs a field left over after pairing by name, and is compared on the wire: its wire
 * name (field_wire), or a variant's tag (union_tag). */
typedef const char *(*wire_fn)(const field *f);

/* Where a list of fields or parameters lives. */
typedef struct place {
  const char *subject; /* "model Task", "operation tasks.list query" */
  const char *label;   /* "Task", "tasks.list" */
  const char *noun;    /* "field", "query parameter" */
  int use;
  int param;           /* parameters: no nullable */
  loc old_at, new_at;  /* the enclosing declarations */
  int by_place;        /* path parameters: paired by place; their names are not on the wire */
  wire_fn wire;        /* NULL: field_wire */
} place;

static const char *wire_of(const place *p, const field *f)
{
  return p->wire != NULL ? p->wire(f) : field_wire(f);
}

/* Must the sender send it? (A required field with a default may be left out.) */
static int needed(const field *f)
{
  return !f->optional && f->def == NULL;
}

static const value *constraint_of(const field *f, const char *name)
{
  const annotation *a = find_anno(f->annos, name);
  return a != NULL && a->args != NULL ? &a->args->val : NULL;
}

static double number(const value *v)
{
  return v->kind == VAL_INT ? (double)v->i : v->f;
}

/* @min, @max, @min_len, @max_len, @pattern: tightened (the new one refuses something the old
 * one took) or loosened. Refusing more breaks the senders (clients, for requests); accepting
 * more may surprise readers that counted on the bound (responses). */
static void compare_constraints(ctx *c, const place *p, const field *f, const field *g, const char *subject)
{
  static const struct {
    const char *name;
    int lower; /* a lower bound: raising it tightens */
  } bounds[] = {{"min", 1}, {"max", 0}, {"min_len", 1}, {"max_len", 0}, {"pattern", -1}};
  for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
    const value *a = constraint_of(f, bounds[i].name), *b = constraint_of(g, bounds[i].name);
    if ((a == NULL && b == NULL) || (a != NULL && b != NULL && same_value(a, b)))
      continue;
    int tighter;
    if (a == NULL || b == NULL)
      tighter = b != NULL;
    else if (bounds[i].lower < 0)
      tighter = 1; /* another pattern: it may refuse what the old one took */
    else
      tighter = bounds[i].lower ? number(b) > number(a) : number(b) < number(a);
    char was[512], now[512], subj[1200];
    value_text(a, was, sizeof was);
    value_text(b, now, sizeof now);
    text(subj, sizeof subj, "%s @%s", subject, bounds[i].name);
    sev s = SEV_INFO;
    if (tighter && (p->use & USE_REQ))
      s = SEV_BREAKING;
    else if (!tighter && (p->use & USE_RESP))
      s = SEV_WARNING;
    add(c, tighter ? "constraint-tightened" : "constraint-loosened", s, f->at, g->at, 0, NULL, NULL, subj,
        "@%s of %s '%s.%s' %s: %s -> %s", bounds[i].name, p->noun, p->label, g->name, tighter ? "tightened" : "loosened",
        was, now);
  }
}

/* "model Task field name": what a finding on a field is about. */
static const char *field_subject(const place *p, const field *f, char *out, size_t size)
{
  const char *what = p->param ? " parameter " : p->wire == union_tag ? " variant " : " field ";
  return join(out, size, p->subject, what, f->name, (char *)NULL);
}

/* Whether anything the rules look at differs (most fields do not change: a quick look first). */
static int field_changed(const place *p, const field *f, const field *g)
{
  static const char *const bounds[] = {"min", "max", "min_len", "max_len", "pattern"};
  if ((!p->by_place && (strcmp(f->name, g->name) != 0 || strcmp(wire_of(p, f), wire_of(p, g)) != 0)) ||
      relate(f->type, g->type) != SAME ||
      f->optional != g->optional || f->nullable != g->nullable || !same_value(f->def, g->def))
    return 1;
  for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++)
    if (!same_value(constraint_of(f, bounds[i]), constraint_of(g, bounds[i])))
      return 1;
  return 0;
}

/* One field or parameter in both specs (renamed: in C only). */
static void compare_field(ctx *c, const place *p, const field *f, const field *g, int renamed)
{
  if (!field_changed(p, f, g))
    return;
  char subject[1200], a[512], b[512];
  field_subject(p, g, subject, sizeof subject);
  const char *name = g->name;
  if (renamed)
    add(c, "c-name-changed", SEV_NONE, f->at, g->at, CLAIM_ORIGIN, f, g, subject,
        "%s '%s.%s' renamed to '%s' (the %s '%s' is kept)", p->noun, p->label, f->name, g->name,
        p->wire != NULL ? "tag" : "JSON name", wire_of(p, g));
  else if (!p->by_place && strcmp(wire_of(p, f), wire_of(p, g)) != 0)
    add(c, "wire-name-changed", SEV_BREAKING, f->at, g->at, 0, NULL, NULL, subject,
        "%s '%s.%s' is sent as '%s', no longer as '%s'", p->noun, p->label, name, wire_of(p, g), wire_of(p, f));
  relation rel = relate(f->type, g->type);
  if (rel != SAME) {
    type_text(f->type, a, sizeof a);
    type_text(g->type, b, sizeof b);
    add(c, "type-changed", relation_sev(rel, p->use), f->at, g->at, CLAIM_ORIGIN, f, g, subject,
        "type of %s '%s.%s' changed from %s to %s (%s)", p->noun, p->label, name, a, b, use_text(p->use));
  }
  if (f->optional && !g->optional)
    add(c, "optional-became-required", (p->use & USE_REQ) && g->def == NULL ? SEV_BREAKING : SEV_INFO, f->at, g->at,
        CLAIM_ORIGIN, f, g, subject, "%s '%s.%s' became required (%s)", p->noun, p->label, name, use_text(p->use));
  if (!f->optional && g->optional)
    add(c, "required-became-optional", (p->use & USE_RESP) && f->def == NULL ? SEV_BREAKING : SEV_INFO, f->at, g->at,
        CLAIM_ORIGIN, f, g, subject, "%s '%s.%s' became optional (%s)", p->noun, p->label, name, use_text(p->use));
  if (!f->nullable && g->nullable)
    add(c, "became-nullable", (p->use & USE_RESP) ? SEV_BREAKING : SEV_INFO, f->at, g->at, CLAIM_ORIGIN, f, g, subject,
        "%s '%s.%s' may now be null (%s)", p->noun, p->label, name, use_text(p->use));
  if (f->nullable && !g->nullable)
    add(c, "became-non-nullable", (p->use & USE_REQ) ? SEV_BREAKING : SEV_INFO, f->at, g->at, CLAIM_ORIGIN, f, g,
        subject, "%s '%s.%s' may no longer be null (%s)", p->noun, p->label, name, use_text(p->use));
  if (!same_value(f->def, g->def)) {
    value_text(f->def, a, sizeof a);
    value_text(g->def, b, sizeof b);
    add(c, "default-changed", f->def == NULL ? SEV_INFO : SEV_WARNING, f->at, g->at, CLAIM_ORIGIN, f, g, subject,
        "default of %s '%s.%s' changed: %s -> %s", p->noun, p->label, name, a, b);
  }
  compare_constraints(c, p, f, g, subject);
}

/* A field or parameter only the new spec has. */
static void field_added(ctx *c, const place *p, const field *g)
{
  char subject[1200];
  field_subject(p, g, subject, sizeof subject);
  if ((p->use & USE_REQ) && needed(g)) {
    finding *f = add(c, "required-request-field-added", SEV_BREAKING, p->old_at, g->at, CLAIM_ORIGIN, g, NULL, subject,
                     "required %s '%s.%s' added: clients must now send it", p->noun, p->label, g->name);
    if (f != NULL) /* code written before compiles, and leaves it unset: the call is refused or sends zero */
      f->sev[L_API] = SEV_WARNING;
  } else if (p->use & USE_REQ)
    add(c, "optional-request-field-added", SEV_INFO, p->old_at, g->at, CLAIM_ORIGIN, g, NULL, subject,
        "optional %s '%s.%s' added", p->noun, p->label, g->name);
  else
    add(c, "response-field-added", SEV_INFO, p->old_at, g->at, CLAIM_ORIGIN, g, NULL, subject, "%s '%s.%s' added (%s)",
        p->noun, p->label, g->name, use_text(p->use));
}

/* A field or parameter only the old spec has. Readers that needed it break; senders that keep
 * sending it may be refused by a strict server. */
static void field_removed(ctx *c, const place *p, const field *f)
{
  char subject[1200];
  field_subject(p, f, subject, sizeof subject);
  sev s = (p->use & USE_RESP) && needed(f) ? SEV_BREAKING : p->use != 0 ? SEV_WARNING : SEV_INFO;
  add(c, "field-removed", s, f->at, p->new_at, CLAIM_ORIGIN, f, NULL, subject, "%s '%s.%s' removed (%s%s)", p->noun,
      p->label, f->name, needed(f) ? "was required, " : "", use_text(p->use));
}

/* Pairs two lists: pair[i] is the index in the new list of old item i's partner (-1: none),
 * renamed[i] is set when they were paired by wire name because the C name changed; back[j]
 * is the old index of new item j (-1: none). */
typedef struct pairing {
  int *pair, *back;
  char *renamed;
  size_t no, nn;
} pairing;

static int pairing_init(pairing *p, size_t no, size_t nn)
{
  p->no = no;
  p->nn = nn;
  p->pair = malloc((no + 1) * sizeof *p->pair);
  p->back = malloc((nn + 1) * sizeof *p->back);
  p->renamed = calloc(no + 1, 1);
  if (p->pair == NULL || p->back == NULL || p->renamed == NULL)
    return -1;
  for (size_t i = 0; i < no; i++)
    p->pair[i] = -1;
  for (size_t j = 0; j < nn; j++)
    p->back[j] = -1;
  return 0;
}

static void pairing_free(pairing *p)
{
  free(p->pair);
  free(p->back);
  free(p->renamed);
}

/* Pairs by name, then what is left by wire name (renamed in C only). */
static void pair_up(pairing *p, const char *const *old_names, const char *const *old_wires, const char *const *new_names,
                    const char *const *new_wires)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < p->no; i++)
      for (size_t j = 0; j < p->nn && p->pair[i] < 0; j++)
        if (p->back[j] < 0 && strcmp(pass == 0 ? old_names[i] : old_wires[i], pass == 0 ? new_names[j] : new_wires[j]) == 0) {
          p->pair[i] = (int)j;
          p->back[j] = (int)i;
          p->renamed[i] = (char)pass;
        }
}

static size_t count_fields(const field *f)
{
  size_t n = 0;
  for (; f != NULL; f = f->next)
    n++;
  return n;
}

/* Pairs for both lists of fields, in arrays (o, n) the caller frees with the pairing. */
static int pair_fields(pairing *p, const field *olds, const field *news, wire_fn wire, const field ***o,
                       const field ***n)
{
  size_t no = count_fields(olds), nn = count_fields(news);
  *o = malloc((no + 1) * sizeof **o);
  *n = malloc((nn + 1) * sizeof **n);
  const char **names = malloc((2 * (no + nn) + 1) * sizeof *names);
  if (pairing_init(p, no, nn) != 0 || *o == NULL || *n == NULL || names == NULL) {
    free(names);
    return -1;
  }
  size_t i = 0;
  for (const field *f = olds; f != NULL; f = f->next, i++) {
    (*o)[i] = f;
    names[i] = f->name;
    names[no + i] = wire(f);
  }
  i = 0;
  for (const field *f = news; f != NULL; f = f->next, i++) {
    (*n)[i] = f;
    names[2 * no + i] = f->name;
    names[2 * no + nn + i] = wire(f);
  }
  pair_up(p, names, names + no, names + 2 * no, names + 2 * no + nn);
  free(names);
  return 0;
}

/* Compares two lists of fields or parameters. For a model's (old_decl set), fields both have
 * in another order are reported too: nothing on the wire (JSON objects are unordered), the C
 * struct's layout (members follow the spec's order). */
static void compare_fields(ctx *c, const place *p, const field *olds, const field *news, const void *old_decl,
                           const void *new_decl)
{
  /* The usual case first: the same names in the same order. */
  const field *f = olds, *g = news;
  while (f != NULL && g != NULL && strcmp(f->name, g->name) == 0)
    f = f->next, g = g->next;
  if (f == NULL && g == NULL) {
    for (f = olds, g = news; f != NULL; f = f->next, g = g->next)
      compare_field(c, p, f, g, 0);
    return;
  }
  pairing pr = {0};
  const field **o = NULL, **n = NULL;
  if (pair_fields(&pr, olds, news, p->wire != NULL ? p->wire : field_wire, &o, &n) != 0) {
    c->r->failed = 1;
  } else {
    int last = -1, moved = 0;
    for (size_t i = 0; i < pr.no; i++) {
      if (pr.pair[i] < 0) {
        field_removed(c, p, o[i]);
        continue;
      }
      compare_field(c, p, o[i], n[pr.pair[i]], pr.renamed[i]);
      moved |= pr.pair[i] < last;
      last = pr.pair[i];
    }
    for (size_t j = 0; j < pr.nn; j++)
      if (pr.back[j] < 0)
        field_added(c, p, n[j]);
    if (moved && old_decl != NULL) {
      char subject[1200];
      text(subject, sizeof subject, "%s fields", p->subject);
      add(c, "fields-reordered", SEV_NONE, p->old_at, p->new_at, CLAIM_LAYOUT, old_decl, new_decl, subject,
          "%ss of '%s' reordered", p->noun, p->label);
    }
  }
  free(o);
  free(n);
  pairing_free(&pr);
}

/* ---- declarations ------------------------------------------------------------------------- */

static const decl *find_decl(const ctx *c, int side, const char *name, decl_kind kind)
{
  const decl *d = name_table_get(kind == D_RESOURCE ? &c->res[side] : &c->decls[side], name);
  return d != NULL && d->kind == kind ? d : NULL;
}

static const char *kind_word(decl_kind k)
{
  return k == D_ENUM ? "enum" : k == D_ERROR ? "error" : k == D_UNION ? "union" : "model";
}

/* The C items of one element on each side, judged for the findings from first on. */
typedef void (*items_fn)(const c_names *c, const void *elem, const void *extra, c_list *out);

static void judge(ctx *c, size_t first, items_fn fn, const void *a, const void *a_extra, const void *b,
                  const void *b_extra, loc old_at, loc new_at)
{
  c_list x = {0}, y = {0};
  if (a != NULL)
    fn(&c->cn[0], a, a_extra, &x);
  if (b != NULL)
    fn(&c->cn[1], b, b_extra, &y);
  c_judge(c->r, first, &x, &y, old_at, new_at);
  c_list_free(&x);
  c_list_free(&y);
}

static void model_items(const c_names *c, const void *d, const void *extra, c_list *out)
{
  (void)extra;
  c_model_items(c, d, out);
}

static void union_items(const c_names *c, const void *d, const void *extra, c_list *out)
{
  (void)extra;
  c_union_items(c, d, out);
}

static void enum_items(const c_names *c, const void *d, const void *extra, c_list *out)
{
  (void)extra;
  c_enum_items(c, d, out);
}

static void op_items(const c_names *c, const void *op, const void *resource, c_list *out)
{
  c_op_items(c, resource, op, out);
}

static void api_items(const c_names *c, const void *unused, const void *extra, c_list *out)
{
  (void)unused;
  (void)extra;
  c_api_items(c, out);
}

static void error_kind_items(const c_names *c, const void *unused, const void *extra, c_list *out)
{
  (void)unused;
  (void)extra;
  c_error_kind_items(c, out);
}

static void compare_model(ctx *c, const decl *a, const decl *b)
{
  size_t first = c->r->n;
  char subject[600];
  join(subject, sizeof subject, kind_word(a->kind), " ", a->name, (char *)NULL);
  place p = {subject, a->name, "field", use_of(c, a->name) | (a->kind == D_ERROR ? USE_RESP : 0), 0, a->at, b->at, 0, NULL};
  compare_fields(c, &p, a->fields, b->fields, a, b);
  if (a->kind == D_ERROR && strcmp(a->status, b->status) != 0)
    add(c, "error-status-changed", SEV_BREAKING, a->status_at, b->status_at, 0, NULL, NULL, subject,
        "error '%s' is now answered with %s, no longer %s", a->name, b->status, a->status);
  if (c->r->n > first)
    judge(c, first, model_items, a, NULL, b, NULL, a->at, b->at);
}

/* ---- unions ------------------------------------------------------------------------------- */

static const char *discriminator_text(const decl *u, char *out, size_t size)
{
  const char *d = anno_string(u->annos, "discriminator");
  if (d == NULL)
    text(out, size, "none (the JSON type)");
  else
    text(out, size, "\"%s\"", d);
  return out;
}

/* A variant only one spec has. Readers that meet a variant added: with a discriminator, its
 * tag is kept as unknown (as an enum's value is); without one, no variant takes the value
 * and decoding fails. Senders of a variant removed are refused. */
static void variant_added_or_removed(ctx *c, const place *p, const decl *u, const field *v, int added)
{
  char subject[1200];
  field_subject(p, v, subject, sizeof subject);
  if (added) {
    sev s = !(p->use & USE_RESP) ? SEV_INFO : anno_string(u->annos, "discriminator") != NULL ? SEV_WARNING : SEV_BREAKING;
    add(c, "variant-added", s, p->old_at, v->at, CLAIM_ORIGIN, v, NULL, subject, "variant '%s' added to union '%s' (%s)",
        v->name, p->label, use_text(p->use));
  } else {
    add(c, "variant-removed", (p->use & USE_REQ) ? SEV_BREAKING : SEV_INFO, v->at, p->new_at, CLAIM_ORIGIN, v, NULL,
        subject, "variant '%s' of union '%s' removed (%s)", v->name, p->label, use_text(p->use));
  }
}

/* Variants pair by name, else by tag (renamed in C only). Each is a member of the union's
 * struct and a constant of its kind enum, numbered in order from 1, as an enum's values are. */
static void compare_variants(ctx *c, const place *p, const decl *a, const decl *b)
{
  pairing pr = {0};
  const field **o = NULL, **n = NULL;
  if (pair_fields(&pr, a->fields, b->fields, union_tag, &o, &n) != 0) {
    c->r->failed = 1;
  } else {
    int renumbered = 0;
    for (size_t i = 0; i < pr.no; i++) {
      if (pr.pair[i] < 0)
        variant_added_or_removed(c, p, a, o[i], 0);
      else
        compare_field(c, p, o[i], n[pr.pair[i]], pr.renamed[i]);
      renumbered |= pr.pair[i] >= 0 && (size_t)pr.pair[i] != i;
    }
    for (size_t j = 0; j < pr.nn; j++)
      if (pr.back[j] < 0)
        variant_added_or_removed(c, p, b, n[j], 1);
    if (renumbered) { /* without a discriminator, an object may now be read as another model variant */
      char subject[1200];
      sev s = anno_string(b->annos, "discriminator") == NULL && p->use != 0 ? SEV_WARNING : SEV_NONE;
      text(subject, sizeof subject, "%s variants", p->subject);
      add(c, "variants-renumbered", s, a->at, b->at, CLAIM_VALUES | CLAIM_LAYOUT, a, b, subject,
          "the variants of union '%s' moved: their kind constants are renumbered, their members moved", a->name);
    }
  }
  free(o);
  free(n);
  pairing_free(&pr);
}

static void compare_union(ctx *c, const decl *a, const decl *b)
{
  size_t first = c->r->n;
  char subject[600], x[600], y[600];
  join(subject, sizeof subject, "union ", a->name, (char *)NULL);
  place p = {subject, a->name, "variant", use_of(c, a->name), 0, a->at, b->at, 0, union_tag};
  discriminator_text(a, x, sizeof x);
  discriminator_text(b, y, sizeof y);
  if (strcmp(x, y) != 0) {
    char subj[700];
    join(subj, sizeof subj, subject, " discriminator", (char *)NULL);
    add(c, "discriminator-changed", p.use != 0 ? SEV_BREAKING : SEV_INFO, a->at, b->at, CLAIM_ORIGIN, a, b, subj,
        "union '%s' tells its variants apart by %s, no longer by %s (%s)", a->name, y, x, use_text(p.use));
  }
  compare_variants(c, &p, a, b);
  if (c->r->n > first)
    judge(c, first, union_items, a, NULL, b, NULL, a->at, b->at);
}

static size_t count_values(const enum_value *v)
{
  size_t n = 0;
  for (; v != NULL; v = v->next)
    n++;
  return n;
}

/* An enum's values in an array, and their names and wire texts. */
static int value_arrays(const decl *e, const enum_value ***out, const char ***names, const char ***wires)
{
  size_t n = count_values(e->values), i = 0;
  *out = malloc((n + 1) * sizeof **out);
  *names = malloc((n + 1) * sizeof **names);
  *wires = malloc((n + 1) * sizeof **wires);
  if (*out == NULL || *names == NULL || *wires == NULL)
    return -1;
  for (const enum_value *v = e->values; v != NULL; v = v->next, i++) {
    (*out)[i] = v;
    (*names)[i] = v->name;
    (*wires)[i] = v->wire != NULL ? v->wire : v->name;
  }
  return 0;
}

/* Values are paired by name, else by wire text (renamed in C only). Their C constants are
 * numbered in order from 1: a value added or removed before others renumbers them. */
static void compare_values(ctx *c, const decl *a, const decl *b, const enum_value **va, const char **na,
                           const char **wa, const enum_value **vb, const char **nb, const char **wb, pairing *pr)
{
  int use = use_of(c, a->name), renumbered = 0, ints = enum_is_integer(a), same_kind = ints == enum_is_integer(b);
  char subject[600], moved[512] = "";
  const char *q = ints ? "" : "\""; /* an integer is written bare */
  pair_up(pr, na, wa, nb, wb);
  if (!same_kind) { /* "1" is not 1: every value is sent as another kind of JSON value */
    text(subject, sizeof subject, "enum %s", a->name);
    add(c, "type-changed", use != 0 ? SEV_BREAKING : SEV_INFO, a->at, b->at, 0, NULL, NULL, subject,
        "enum '%s' is sent as %s, no longer as %s (%s)", a->name, ints ? "strings" : "integers",
        ints ? "integers" : "strings", use_text(use));
  }
  for (size_t i = 0; i < pr->no; i++) {
    const enum_value *v = va[i];
    text(subject, sizeof subject, "enum %s value %s", a->name, v->name);
    if (pr->pair[i] < 0) {
      add(c, "enum-value-removed", (use & USE_REQ) ? SEV_BREAKING : SEV_INFO, v->at, b->at, CLAIM_ORIGIN, v, NULL,
          subject, "value '%s' of enum '%s' removed (%s)", v->name, a->name, use_text(use));
      continue;
    }
    size_t j = (size_t)pr->pair[i];
    const enum_value *w = vb[j];
    if (pr->renamed[i])
      add(c, "enum-value-renamed", SEV_NONE, v->at, w->at, CLAIM_ORIGIN, v, w, subject,
          "value '%s' of enum '%s' renamed to '%s' (the wire text \"%s\" is kept)", v->name, a->name, w->name, wb[j]);
    else if (same_kind && strcmp(wa[i], wb[j]) != 0)
      add(c, "wire-name-changed", SEV_BREAKING, v->at, w->at, 0, NULL, NULL, subject,
          "value '%s' of enum '%s' is sent as %s%s%s, no longer %s%s%s", v->name, a->name, q, wb[j], q, q, wa[i], q);
    if (i != j && renumbered++ < 3)
      text(moved + strlen(moved), sizeof moved - strlen(moved), "%s%s %zu -> %zu", renumbered > 1 ? ", " : "",
               w->name, i + 1, j + 1);
  }
  for (size_t j = 0; j < pr->nn; j++) {
    if (pr->back[j] >= 0)
      continue;
    text(subject, sizeof subject, "enum %s value %s", a->name, nb[j]);
    add(c, "enum-value-added", (use & USE_RESP) ? SEV_WARNING : SEV_INFO, a->at, vb[j]->at, CLAIM_ORIGIN, vb[j], NULL,
        subject, "value '%s' added to enum '%s' (%s)", nb[j], a->name, use_text(use));
  }
  if (renumbered > 0) {
    text(subject, sizeof subject, "enum %s values", a->name);
    add(c, "enum-value-renumbered", SEV_NONE, a->at, b->at, CLAIM_VALUES, a, b, subject,
        "the C constants of enum '%s' are renumbered: %s%s", a->name, moved, renumbered > 3 ? ", ..." : "");
  }
}

static void compare_enum(ctx *c, const decl *a, const decl *b)
{
  size_t first = c->r->n;
  const enum_value **va = NULL, **vb = NULL;
  const char **na = NULL, **wa = NULL, **nb = NULL, **wb = NULL;
  pairing pr = {0};
  if (value_arrays(a, &va, &na, &wa) != 0 || value_arrays(b, &vb, &nb, &wb) != 0 ||
      pairing_init(&pr, count_values(a->values), count_values(b->values)) != 0)
    c->r->failed = 1;
  else
    compare_values(c, a, b, va, na, wa, vb, nb, wb, &pr);
  pairing_free(&pr);
  free(va);
  free(na);
  free(wa);
  free(vb);
  free(nb);
  free(wb);
  if (c->r->n > first)
    judge(c, first, enum_items, a, NULL, b, NULL, a->at, b->at);
}

static const char *removed_rule(decl_kind kind)
{
  return kind == D_ERROR ? "error-removed" : kind == D_ENUM ? "enum-removed" : kind == D_UNION ? "union-removed"
                                                                                                : "model-removed";
}

static items_fn items_of(decl_kind kind)
{
  return kind == D_ENUM ? enum_items : kind == D_UNION ? union_items : model_items;
}

/* Enums, models, unions and errors: paired by name; the removed and the added. */
static void compare_decls(ctx *c, decl_kind kind)
{
  char subject[600];
  for (const decl *a = c->s[0]->decls; a != NULL; a = a->next) {
    if (a->kind != kind)
      continue;
    const decl *b = find_decl(c, 1, a->name, kind);
    if (b != NULL) {
      if (kind == D_ENUM)
        compare_enum(c, a, b);
      else if (kind == D_UNION)
        compare_union(c, a, b);
      else
        compare_model(c, a, b);
      continue;
    }
    size_t first = c->r->n;
    text(subject, sizeof subject, "%s %s", kind_word(kind), a->name);
    add(c, removed_rule(kind), SEV_INFO, a->at, c->api_at[1], CLAIM_ALL | CLAIM_ORIGIN, a,
        kind == D_ERROR ? &c_error_kinds : NULL, subject, "%s '%s' removed", kind_word(kind), a->name);
    judge(c, first, items_of(kind), a, NULL, NULL, NULL, a->at, c->api_at[1]);
  }
  for (const decl *b = c->s[1]->decls; b != NULL; b = b->next) {
    if (b->kind != kind || find_decl(c, 0, b->name, kind) != NULL)
      continue;
    size_t first = c->r->n;
    text(subject, sizeof subject, "%s %s", kind_word(kind), b->name);
    if (kind == D_ERROR)
      add(c, "error-added", SEV_WARNING, c->api_at[0], b->at, CLAIM_ALL | CLAIM_ORIGIN, b, &c_error_kinds, subject,
          "error '%s' added (status %s): clients built before it see another kind", b->name, b->status);
    else
      add(c, kind == D_ENUM ? "enum-added" : kind == D_UNION ? "union-added" : "model-added", SEV_INFO, c->api_at[0],
          b->at, CLAIM_ALL, b, NULL, subject, "%s '%s' added", kind_word(kind), b->name);
    judge(c, first, items_of(kind), NULL, NULL, b, NULL, c->api_at[0], b->at);
  }
}

/* The <api>_error_kind constants follow the errors' order: judged whenever that changed. */
static void compare_error_kinds(ctx *c, size_t first)
{
  const decl *a = c->s[0]->decls, *b = c->s[1]->decls;
  for (;;) {
    while (a != NULL && a->kind != D_ERROR)
      a = a->next;
    while (b != NULL && b->kind != D_ERROR)
      b = b->next;
    if (a == NULL || b == NULL || strcmp(a->name, b->name) != 0)
      break;
    a = a->next;
    b = b->next;
  }
  if (a != NULL || b != NULL)
    judge(c, first, error_kind_items, "", NULL, "", NULL, c->api_at[0], c->api_at[1]);
}

/* ---- operations ---------------------------------------------------------------------------- */

/* The full path with each {name} as {}: what the wire sees. */
static void wire_path(const decl *r, const operation *op, char *out, size_t size)
{
  char full[2048];
  join(full, sizeof full, r->path, op->path, (char *)NULL);
  size_t n = 0;
  for (const char *p = full; *p != '\0' && n + 1 < size; p++) {
    out[n++] = *p;
    if (*p == '{') {
      while (*p != '\0' && *p != '}')
        p++;
      if (*p == '\0')
        break;
      out[n++] = '}';
    }
  }
  out[n] = '\0';
}

static const char *paginate_arg(const operation *op, const char *key)
{
  const annotation *a = find_anno(op->annos, "paginate");
  for (const arg *g = a != NULL ? a->args : NULL; g != NULL; g = g->next)
    if (g->key != NULL && strcmp(g->key, key) == 0)
      return g->val.text;
  return "";
}

static int is_kind(const type *t, resolved_kind k)
{
  return t != NULL && t->rk == k;
}

/* The path parameters in path order: declared ones as declared, others strings. */
static size_t path_params(const decl *r, const operation *op, const field **out, size_t max)
{
  char full[2048], name[128];
  join(full, sizeof full, r->path, op->path, (char *)NULL);
  const field *declared;
  size_t n = 0;
  for (const char *p = full; n < max && next_path_param(&p, op, name, sizeof name, &declared);)
    out[n++] = declared;
  return n;
}

/* What a body is sent as: none, JSON (a model or models), raw (string, bytes), a form or
 * multipart. */
static const char *body_kind(const operation *op)
{
  if (op->body_form)
    return op->body_form == BODY_MULTIPART ? "multipart" : "form";
  if (op->body == NULL)
    return "none";
  return op->body->rk == R_STRING || op->body->rk == R_BYTES ? "raw" : "JSON";
}

/* A form's or multipart body's fields, compared as parameters are (their struct is %o_body). */
static void compare_form(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  char what[800];
  place p = {join(what, sizeof what, subject, " body", (char *)NULL), label,
             a->body_form == BODY_MULTIPART ? "multipart field" : "form field", USE_REQ, 1, a->body_at, b->body_at, 0,
             NULL};
  compare_fields(c, &p, a->body_params, b->body_params, NULL, NULL);
}

/* The body: its kind (a new body breaks clients that send none), its type, its fields, its
 * Content-Type (the server reads the body by it). */
static void compare_body(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  char x[512], y[512], subj[1200];
  const char *ka = body_kind(a), *kb = body_kind(b);
  if (strcmp(ka, kb) != 0 || (a->body != NULL && relate(a->body, b->body) != SAME))
    text(subj, sizeof subj, "%s body", subject);
  if (strcmp(ka, kb) != 0 && (strcmp(ka, "none") == 0 || strcmp(kb, "none") == 0))
    add(c, "type-changed", a->body == NULL && !a->body_form ? SEV_BREAKING : SEV_WARNING, a->at, b->at, CLAIM_ALL, a, b,
        subj, "operation '%s' %s a body", label, strcmp(ka, "none") == 0 ? "now takes" : "no longer takes");
  else if (strcmp(ka, kb) != 0)
    add(c, "type-changed", SEV_BREAKING, a->body_at, b->body_at, CLAIM_ALL, a, b, subj,
        "body of operation '%s' is sent as %s, no longer as %s", label, kb, ka);
  else if (a->body_form)
    compare_form(c, label, subject, a, b);
  else if (a->body != NULL && relate(a->body, b->body) != SAME) {
    type_text(a->body, x, sizeof x);
    type_text(b->body, y, sizeof y);
    add(c, "type-changed", relation_sev(relate(a->body, b->body), USE_REQ), a->at, b->at, CLAIM_ALL, a, b, subj,
        "body of operation '%s' changed from %s to %s", label, x, y);
  }
  const char *ca = body_content_type(a), *cb = body_content_type(b);
  if (strcmp(ka, kb) == 0 && ca != NULL && cb != NULL && strcmp(ca, cb) != 0) {
    text(subj, sizeof subj, "%s content type", subject);
    add(c, "content-type-changed", SEV_BREAKING, a->content_type != NULL ? a->content_type_at : a->body_at,
        b->content_type != NULL ? b->content_type_at : b->body_at, 0, NULL, NULL, subj,
        "body of operation '%s' is sent as %s, no longer as %s", label, cb, ca);
  }
}

/* The response headers a result carries: read as a response's fields are. Headers coming or
 * going turn the result into a struct of the body and the headers (%o_result) or back: every
 * function of the operation changes with them. */
static void compare_resp_headers(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  char what[800];
  size_t first = c->r->n;
  if (a->resp_headers == NULL && b->resp_headers == NULL)
    return;
  place p = {join(what, sizeof what, subject, " result", (char *)NULL), label, "response header", USE_RESP, 1, a->at,
             b->at, 0, NULL};
  compare_fields(c, &p, a->resp_headers, b->resp_headers, NULL, NULL);
  for (size_t i = first; a->has_resp_headers != b->has_resp_headers && i < c->r->n; i++) {
    finding *f = &c->r->f[i];
    f->claims |= CLAIM_ALL;
    size_t k = 0;
    while (k < FINDING_NODES - 2 && f->nodes[k] != NULL)
      k++;
    f->nodes[k] = a;
    f->nodes[k + 1] = b;
  }
}

/* Body and result. No body before and one now breaks clients that send none; a result gone
 * breaks clients that read one. */
static void compare_payloads(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  char x[512], y[512], subj[1200];
  compare_body(c, label, subject, a, b);
  compare_resp_headers(c, label, subject, a, b);
  text(subj, sizeof subj, "%s result", subject);
  const type *ra = a->ret, *rb = b->ret;
  if (is_kind(ra, R_PAGE) != is_kind(rb, R_PAGE) ||
      (is_kind(ra, R_PAGE) && (strcmp(paginate_arg(a, "items"), paginate_arg(b, "items")) != 0 ||
                               strcmp(paginate_arg(a, "next"), paginate_arg(b, "next")) != 0 ||
                               strcmp(paginate_arg(a, "param"), paginate_arg(b, "param")) != 0 ||
                               strcmp(paginate_arg(a, "offset"), paginate_arg(b, "offset")) != 0))) {
    text(subj, sizeof subj, "%s pagination", subject);
    add(c, "pagination-changed", SEV_BREAKING, a->at, b->at, CLAIM_ALL, a, b, subj, "operation '%s' %s", label,
        !is_kind(ra, R_PAGE) ? "now returns pages" : !is_kind(rb, R_PAGE) ? "no longer returns pages"
                                                                           : "pages another way (@paginate changed)");
  } else if (is_kind(ra, R_STREAM) != is_kind(rb, R_STREAM)) {
    text(subj, sizeof subj, "%s stream", subject);
    add(c, "streaming-changed", SEV_BREAKING, a->at, b->at, CLAIM_ALL, a, b, subj, "operation '%s' %s a stream", label,
        is_kind(rb, R_STREAM) ? "now returns" : "no longer returns");
  } else if ((ra == NULL) != (rb == NULL)) {
    add(c, "type-changed", ra == NULL ? SEV_INFO : SEV_BREAKING, a->at, b->at, CLAIM_ALL, a, b, subj,
        "operation '%s' %s a result", label, ra == NULL ? "now returns" : "no longer returns");
  } else if (ra != NULL && relate(ra, rb) != SAME) {
    type_text(ra, x, sizeof x);
    type_text(rb, y, sizeof y);
    add(c, "type-changed", relation_sev(relate(ra, rb), USE_RESP), a->at, b->at, CLAIM_ALL, a, b, subj,
        "result of operation '%s' changed from %s to %s", label, x, y);
  }
}

/* The model of a page's items (the @paginate items field's element), or NULL: the C functions
 * of a page walk name it, so they change when it does, even with nothing else changed. */
static const decl *page_item(const operation *op)
{
  const char *items = paginate_arg(op, "items");
  const type *page = is_kind(op->ret, R_PAGE) ? op->ret->inner : NULL;
  for (const field *f = page != NULL && page->rk == R_MODEL ? page->target->fields : NULL; f != NULL; f = f->next)
    if (strcmp(f->name, items) == 0 && f->type->rk == R_ARRAY &&
        (f->type->inner->rk == R_MODEL || f->type->inner->rk == R_UNION))
      return f->type->inner->target;
  return NULL;
}

/* Path, query and header parameters. Path parameters pair by place (their names are not on
 * the wire), the others by name. */
static void compare_params(ctx *c, const char *label, const char *subject, const decl *ra, const operation *a,
                           const decl *rb, const operation *b)
{
  static type string_type = {.kind = TYPE_NAMED, .rk = R_STRING};
  char what[800];
  place p = {join(what, sizeof what, subject, " path", (char *)NULL), label, "path parameter", USE_REQ, 1, a->at, b->at, 1, NULL};
  if (a->path_params != NULL || b->path_params != NULL) {
    size_t first = c->r->n;
    const field *xa[64], *xb[64];
    size_t na = path_params(ra, a, xa, 64), nb = path_params(rb, b, xb, 64);
    for (size_t i = 0; i < na && i < nb; i++) {
      /* An undeclared path parameter is a string (named for the message by the other). */
      field sa = {.name = xb[i] ? xb[i]->name : "", .type = &string_type, .at = a->path_at}, sb = sa;
      sb.name = xa[i] ? xa[i]->name : sa.name;
      sb.at = b->path_at;
      compare_field(c, &p, xa[i] ? xa[i] : &sa, xb[i] ? xb[i] : &sb, 0);
    }
    /* A path parameter is an argument of the operation's functions: its changes are theirs
     * (and a string parameter the path only names is no node of the spec). */
    for (size_t i = first; i < c->r->n; i++)
      if (c->r->f[i].claims != 0) {
        c->r->f[i].claims = CLAIM_ALL;
        c->r->f[i].nodes[0] = a;
        c->r->f[i].nodes[1] = b;
      }
  }
  p.subject = join(what, sizeof what, subject, " query", (char *)NULL);
  p.noun = "query parameter";
  p.by_place = 0;
  compare_fields(c, &p, a->query_params, b->query_params, NULL, NULL);
  p.subject = join(what, sizeof what, subject, " header", (char *)NULL);
  p.noun = "header parameter";
  compare_fields(c, &p, a->header_params, b->header_params, NULL, NULL);
}

/* Two operations paired; wire_a and wire_b are their "METHOD /path/{}" keys. */
/* Whether two annotations (or their absence) say the same. */
static int same_anno(const annotation *a, const annotation *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  const arg *x = a->args, *y = b->args;
  for (; x != NULL && y != NULL; x = x->next, y = y->next)
    if ((x->key == NULL) != (y->key == NULL) || (x->key != NULL && strcmp(x->key, y->key) != 0) ||
        !same_value(&x->val, &y->val))
      return 0;
  return x == y;
}

/* An annotation as written, "none" when absent: @lro(status: "state", ...). */
static void anno_text(const annotation *a, char *out, size_t size)
{
  if (a == NULL) {
    text(out, size, "none");
    return;
  }
  size_t n = (size_t)snprintf(out, size, "@%s%s", a->name, a->has_parens ? "(" : "");
  for (const arg *g = a->args; g != NULL && n < size; g = g->next) {
    char v[512];
    value_text(&g->val, v, sizeof v);
    n += (size_t)snprintf(out + n, size - n, "%s%s%s%s", g->key ? g->key : "", g->key ? ": " : "", v, g->next ? ", " : "");
  }
  if (a->has_parens && n < size)
    snprintf(out + n, size - n, ")");
}

static void lro_items(const c_names *c, const void *model, const void *extra, c_list *out)
{
  (void)extra;
  c_lro_items(c, model, out);
}

static const decl *result_model(const operation *op)
{
  return op->ret != NULL && op->ret->rk == R_MODEL ? op->ret->target : NULL;
}

/* @lro and @accumulate: how the SDK waits for, or joins, what the operation answers. Nothing
 * on the wire changes; the operation's functions do, and with @lro its result model's
 * X_from_error. */
static void compare_helpers(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  static const char *const names[] = {"lro", "accumulate"};
  for (int i = 0; i < 2; i++) {
    char x[800], y[800], subj[800];
    const annotation *na = find_anno(a->annos, names[i]), *nb = find_anno(b->annos, names[i]);
    if (same_anno(na, nb))
      continue;
    anno_text(na, x, sizeof x);
    anno_text(nb, y, sizeof y);
    size_t first = c->r->n;
    text(subj, sizeof subj, "%s @%s", subject, names[i]);
    finding *f = add(c, i == 0 ? "lro-changed" : "accumulate-changed", SEV_NONE, a->at, b->at, CLAIM_ALL, a, b, subj,
                     "@%s of operation '%s' changed: %s -> %s", names[i], label, x, y);
    const decl *ma = result_model(a), *mb = result_model(b);
    if (f != NULL && i == 0 && (ma != NULL || mb != NULL)) {
      f->nodes[2] = ma != NULL ? ma : mb;
      f->nodes[3] = mb;
      judge(c, first, lro_items, ma, NULL, mb, NULL, a->at, b->at);
    }
  }
}

/* "bearer", "basic", "header(X-Key)", "query(key)", or "none" for index -1. */
static const char *scheme_text(const ctx *c, int side, int i, char *out, size_t size)
{
  static const char *const kinds[] = {"bearer", "basic", "header", "query"};
  if (i < 0)
    text(out, size, "none");
  else if (c->schemes[side][i].param != NULL)
    text(out, size, "%s(%s)", kinds[c->schemes[side][i].kind], c->schemes[side][i].param);
  else
    text(out, size, "%s", kinds[c->schemes[side][i].kind]);
  return out;
}

/* An operation's own @auth: when it changed, the credential the operation sends may have
 * (a change of the default or of a scheme is reported on the api block). */
static void compare_op_auth(ctx *c, const char *label, const char *subject, const operation *a, const operation *b)
{
  char x[800], y[800], subj[800];
  if (same_anno(find_anno(a->annos, "auth"), find_anno(b->annos, "auth")))
    return;
  scheme_text(c, 0, op_scheme(a, c->schemes[0], c->nschemes[0], c->def_scheme[0]), x, sizeof x);
  scheme_text(c, 1, op_scheme(b, c->schemes[1], c->nschemes[1], c->def_scheme[1]), y, sizeof y);
  if (strcmp(x, y) == 0)
    return;
  text(subj, sizeof subj, "%s auth", subject);
  add(c, "auth-changed", strcmp(y, "none") == 0 ? SEV_INFO : SEV_BREAKING, a->at, b->at, 0, NULL, NULL, subj,
      "operation '%s' sends %s, no longer %s%s", label, y, x, strcmp(x, "none") == 0 ? ": a credential is now required" : "");
}

static void compare_op(ctx *c, const decl *ra, const operation *a, const decl *rb, const operation *b, const char *wire_a,
                       const char *wire_b)
{
  size_t first = c->r->n;
  char label[600], subject[700];
  join(label, sizeof label, ra->name, ".", a->name, (char *)NULL);
  join(subject, sizeof subject, "operation ", label, (char *)NULL);
  if (strcmp(ra->name, rb->name) != 0 || strcmp(a->name, b->name) != 0)
    add(c, "operation-renamed", SEV_NONE, a->at, b->at, CLAIM_ALL, a, b, subject,
        "operation '%s' renamed to '%s.%s' (%s %s%s is kept)", label, rb->name, b->name, b->method, rb->path, b->path);
  const char *pa = wire_a + strlen(a->method) + 1, *pb = wire_b + strlen(b->method) + 1;
  if (strcmp(pa, pb) != 0)
    add(c, "path-changed", SEV_BREAKING, a->path_at, b->path_at, CLAIM_ALL, a, b, subject,
        "path of operation '%s' changed from %s to %s", label, pa, pb);
  if (strcmp(a->method, b->method) != 0)
    add(c, "method-changed", SEV_BREAKING, a->method_at, b->method_at, 0, NULL, NULL, subject,
        "method of operation '%s' changed from %s to %s", label, a->method, b->method);
  int ia = find_anno(a->annos, "idempotent") != NULL, ib = find_anno(b->annos, "idempotent") != NULL;
  if (ia != ib)
    add(c, "idempotency-changed", ia ? SEV_WARNING : SEV_INFO, a->at, b->at, 0, NULL, NULL, subject,
        "operation '%s' is %s @idempotent: clients %s retry it", label, ia ? "no longer" : "now",
        ia ? "built before may still" : "now");
  compare_op_auth(c, label, subject, a, b);
  compare_params(c, label, subject, ra, a, rb, b);
  compare_payloads(c, label, subject, a, b);
  compare_helpers(c, label, subject, a, b);
  const decl *ia_item = page_item(a), *ib_item = page_item(b);
  int item_changed = (ia_item == NULL) != (ib_item == NULL) || (ia_item != NULL && strcmp(ia_item->name, ib_item->name) != 0);
  if (c->r->n > first || item_changed)
    judge(c, first, op_items, a, ra, b, rb, a->at, b->at);
}

typedef struct op_ref {
  const decl *r;
  const operation *op;
} op_ref;

/* "METHOD /wire/{}/path" into out. */
static void wire_key(op_ref o, char *out, size_t size)
{
  size_t m = strlen(o.op->method);
  join(out, size, o.op->method, " ", (char *)NULL);
  wire_path(o.r, o.op, out + m + 1, size - m - 1);
}

/* The operation of resource r called name, or NULL. */
static const operation *op_named(const decl *r, const char *name)
{
  for (const operation *op = r != NULL ? r->ops : NULL; op != NULL; op = op->next)
    if (strcmp(op->name, name) == 0)
      return op;
  return NULL;
}

/* A growable list of operations. */
typedef struct op_list {
  op_ref *ops;
  size_t n, cap;
} op_list;

static int op_push(op_list *l, op_ref o)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    op_ref *grown = realloc(l->ops, cap * sizeof *grown);
    if (grown == NULL)
      return -1;
    l->ops = grown;
    l->cap = cap;
  }
  l->ops[l->n++] = o;
  return 0;
}

/* Two operations paired. */
static void compare_pair(ctx *c, op_ref a, op_ref b)
{
  char wa[2400], wb[2400];
  wire_key(a, wa, sizeof wa);
  wire_key(b, wb, sizeof wb);
  compare_op(c, a.r, a.op, b.r, b.op, wa, wb);
}

static void op_removed(ctx *c, op_ref a)
{
  char label[600], subject[700];
  size_t first = c->r->n;
  join(label, sizeof label, a.r->name, ".", a.op->name, (char *)NULL);
  join(subject, sizeof subject, "operation ", label, (char *)NULL);
  const decl *rb = find_decl(c, 1, a.r->name, D_RESOURCE);
  loc at = rb != NULL ? rb->at : c->api_at[1];
  add(c, "operation-removed", SEV_BREAKING, a.op->at, at, CLAIM_ALL, a.op, NULL, subject,
      "operation '%s' (%s %s%s) removed", label, a.op->method, a.r->path, a.op->path);
  judge(c, first, op_items, a.op, a.r, NULL, NULL, a.op->at, at);
}

static void op_added(ctx *c, op_ref b)
{
  char label[600], subject[700];
  size_t first = c->r->n;
  join(label, sizeof label, b.r->name, ".", b.op->name, (char *)NULL);
  join(subject, sizeof subject, "operation ", label, (char *)NULL);
  const decl *ra = find_decl(c, 0, b.r->name, D_RESOURCE);
  loc at = ra != NULL ? ra->at : c->api_at[0];
  add(c, "operation-added", SEV_INFO, at, b.op->at, CLAIM_ALL, b.op, NULL, subject, "operation '%s' (%s %s%s) added",
      label, b.op->method, b.r->path, b.op->path);
  judge(c, first, op_items, NULL, NULL, b.op, b.r, at, b.op->at);
}

/* Operations are paired by resource and name. Of those left over, an old one and a new one on
 * the same method and path are one operation renamed; the others were removed or added. */
static void compare_resources(ctx *c)
{
  op_list gone = {0}, added = {0};
  int failed = 0;
  for (const decl *r = c->s[0]->decls; r != NULL; r = r->next) {
    const decl *rb = r->kind == D_RESOURCE ? find_decl(c, 1, r->name, D_RESOURCE) : NULL;
    for (const operation *op = r->kind == D_RESOURCE ? r->ops : NULL; op != NULL; op = op->next) {
      const operation *o = op_named(rb, op->name);
      if (o != NULL)
        compare_pair(c, (op_ref){r, op}, (op_ref){rb, o});
      else
        failed |= op_push(&gone, (op_ref){r, op});
    }
  }
  for (const decl *r = c->s[1]->decls; r != NULL; r = r->next) {
    const decl *ra = r->kind == D_RESOURCE ? find_decl(c, 0, r->name, D_RESOURCE) : NULL;
    for (const operation *op = r->kind == D_RESOURCE ? r->ops : NULL; op != NULL; op = op->next)
      if (op_named(ra, op->name) == NULL)
        failed |= op_push(&added, (op_ref){r, op});
  }
  char wa[2400], **keys = calloc(added.n + 1, sizeof *keys);
  for (size_t j = 0; keys != NULL && j < added.n; j++) {
    wire_key(added.ops[j], wa, sizeof wa);
    failed |= (keys[j] = strdup(wa)) == NULL;
  }
  for (size_t i = 0; keys != NULL && !failed && i < gone.n; i++) {
    wire_key(gone.ops[i], wa, sizeof wa);
    size_t j = 0;
    while (j < added.n && (added.ops[j].op == NULL || strcmp(wa, keys[j]) != 0))
      j++;
    if (j < added.n) {
      compare_op(c, gone.ops[i].r, gone.ops[i].op, added.ops[j].r, added.ops[j].op, wa, keys[j]);
      added.ops[j].op = NULL; /* paired */
    } else {
      op_removed(c, gone.ops[i]);
    }
  }
  for (size_t j = 0; j < added.n; j++)
    if (added.ops[j].op != NULL)
      op_added(c, added.ops[j]);
  if (failed || keys == NULL)
    c->r->failed = 1;
  for (size_t j = 0; keys != NULL && j < added.n; j++)
    free(keys[j]);
  free(keys);
  free(gone.ops);
  free(added.ops);
}

/* ---- the api block ------------------------------------------------------------------------- */

static const api_item *api_item_named(const spec *s, const char *key)
{
  for (const api_item *it = s->api != NULL ? s->api->items : NULL; it != NULL; it = it->next)
    if (strcmp(it->key, key) == 0)
      return it;
  return NULL;
}

static int scheme_named(const ctx *c, int side, const char *name)
{
  for (int i = 0; i < c->nschemes[side]; i++)
    if (strcmp(c->schemes[side][i].name, name) == 0)
      return i;
  return -1;
}

/* A finding about auth claims the client options' members of the schemes named (NULL: none). */
static void claim_schemes(ctx *c, finding *f, const char *old_name, const char *new_name)
{
  const api_item *x = old_name != NULL ? c_scheme_item(c->s[0]->api, old_name) : NULL;
  const api_item *y = new_name != NULL ? c_scheme_item(c->s[1]->api, new_name) : NULL;
  if (f == NULL)
    return;
  f->claims = CLAIM_ORIGIN;
  f->nodes[0] = x != NULL ? (const void *)x : y;
  f->nodes[1] = x != NULL ? y : NULL;
}

static loc scheme_at(const ctx *c, int side, int i)
{
  return i >= 0 ? c->schemes[side][i].at : c->api_at[side];
}

/* The schemes, by name: added, removed, or sending another credential. The default's is
 * reported as the default's change (compare_auth). */
static void compare_schemes(ctx *c)
{
  char x[600], y[600], subject[600];
  for (int i = 0; i < c->nschemes[0]; i++) {
    const char *name = c->schemes[0][i].name;
    int j = scheme_named(c, 1, name);
    scheme_text(c, 0, i, x, sizeof x);
    scheme_text(c, 1, j, y, sizeof y);
    text(subject, sizeof subject, "api scheme %s", name);
    if (j < 0)
      claim_schemes(c, add(c, "auth-changed", SEV_INFO, scheme_at(c, 0, i), c->api_at[1], 0, NULL, NULL, subject,
                           "auth scheme '%s' (%s) removed", name, x), name, NULL);
    else if (strcmp(x, y) != 0 && !(i == c->def_scheme[0] && j == c->def_scheme[1]))
      add(c, "auth-changed", SEV_BREAKING, scheme_at(c, 0, i), scheme_at(c, 1, j), 0, NULL, NULL, subject,
          "auth scheme '%s' changed from %s to %s", name, x, y);
  }
  for (int j = 0; j < c->nschemes[1]; j++) {
    const char *name = c->schemes[1][j].name;
    if (scheme_named(c, 0, name) >= 0)
      continue;
    text(subject, sizeof subject, "api scheme %s", name);
    claim_schemes(c, add(c, "auth-changed", SEV_INFO, c->api_at[0], scheme_at(c, 1, j), 0, NULL, NULL, subject,
                         "auth scheme '%s' (%s) added", name, scheme_text(c, 1, j, y, sizeof y)), NULL, name);
  }
}

/* The default scheme (what operations without @auth send), then the schemes. */
static void compare_auth(ctx *c)
{
  size_t first = c->r->n;
  const spec *a = c->s[0], *b = c->s[1];
  const api_item *x = api_item_named(a, "auth"), *y = api_item_named(b, "auth");
  int da = c->def_scheme[0], db = c->def_scheme[1];
  char was[600], now[600];
  scheme_text(c, 0, da, was, sizeof was);
  scheme_text(c, 1, db, now, sizeof now);
  if (strcmp(was, now) != 0)
    claim_schemes(c,
                  add(c, "auth-changed", strcmp(now, "none") == 0 ? SEV_INFO : SEV_BREAKING, x ? x->at : a->api->at,
                      y ? y->at : b->api->at, 0, NULL, NULL, "api auth", "auth changed from %s to %s%s", was, now,
                      strcmp(was, "none") == 0 ? ": now required" : ""),
                  da >= 0 ? c->schemes[0][da].name : NULL, db >= 0 ? c->schemes[1][db].name : NULL);
  compare_schemes(c);
  judge(c, first, api_items, "", NULL, "", NULL, a->api->at, b->api->at);
}

static void compare_api(ctx *c)
{
  const spec *a = c->s[0], *b = c->s[1];
  if (strcmp(a->api->name, b->api->name) != 0) {
    finding *f = add(c, "api-renamed", SEV_NONE, a->api->at, b->api->at, 0, NULL, NULL, "api name",
                     "api '%s' renamed to '%s': every C name changes prefix", a->api->name, b->api->name);
    if (f != NULL)
      f->sev[L_API] = f->sev[L_ABI] = SEV_BREAKING;
  }
  compare_auth(c);
  const api_item *x = api_item_named(a, "base_url"), *y = api_item_named(b, "base_url");
  if (strcmp(x ? x->val.text : "", y ? y->val.text : "") != 0)
    add(c, "base-url-changed", SEV_WARNING, x ? x->at : a->api->at, y ? y->at : b->api->at, 0, NULL, NULL,
        "api base_url", "base URL changed from \"%s\" to \"%s\"", x ? x->val.text : "", y ? y->val.text : "");
}

/* ---- the whole --------------------------------------------------------------------------- */

/* Tables sized up front: growing one is a fresh table, a run of page faults. */
static int index_decls(ctx *c, int side)
{
  size_t types = 0, resources = 0;
  for (const decl *d = c->s[side]->decls; d != NULL; d = d->next)
    d->kind == D_RESOURCE ? resources++ : types++;
  if (name_table_init_size(&c->decls[side], types) != 0 || name_table_init_size(&c->res[side], resources) != 0 ||
      name_table_init_size(&c->use[side], types) != 0)
    return -1;
  for (const decl *d = c->s[side]->decls; d != NULL; d = d->next)
    if ((d->kind == D_ENUM || d->kind == D_MODEL || d->kind == D_ERROR || d->kind == D_UNION) &&
        name_table_put(&c->decls[side], d->name, (void *)d) != 0)
      return -1;
    else if (d->kind == D_RESOURCE && name_table_put(&c->res[side], d->name, (void *)d) != 0)
      return -1;
  mark_uses(c, side);
  c->api_at[side] = c->s[side]->api->at;
  c->nschemes[side] = api_schemes(c->s[side]->api, c->schemes[side], &c->def_scheme[side]);
  return 0;
}

int diff_specs(const spec *old, const spec *new, diff_result *r)
{
  memset(r, 0, sizeof *r);
  r->old = old;
  r->new = new;
  ctx c = {.r = r, .s = {old, new}};
  if (old->api == NULL || new->api == NULL)
    return -1;
  c_names_init(&c.cn[0], old, old->api->name);
  c_names_init(&c.cn[1], new, old->api->name); /* a renamed API: compared under one prefix */
  int rc = c.cn[0].failed || c.cn[1].failed || index_decls(&c, 0) != 0 || index_decls(&c, 1) != 0 ? -1 : 0;
  if (rc == 0) {
    compare_api(&c);
    compare_decls(&c, D_ENUM);
    compare_decls(&c, D_MODEL);
    compare_decls(&c, D_UNION);
    size_t errors = r->n;
    compare_decls(&c, D_ERROR);
    compare_error_kinds(&c, errors);
    compare_resources(&c);
  }
  for (int i = 0; i < 2; i++) {
    c_names_free(&c.cn[i]);
    name_table_free(&c.decls[i]);
    name_table_free(&c.res[i]);
    name_table_free(&c.use[i]);
  }
  for (size_t i = 0; i < r->n; i++)
    fingerprint(&r->f[i]);
  return rc != 0 || r->failed ? -1 : 0;
}

void diff_free(diff_result *r)
{
  for (size_t i = 0; i < r->n; i++) {
    free(r->f[i].subject);
    free(r->f[i].message);
  }
  free(r->f);
  memset(r, 0, sizeof *r);
}
