/* The spec language's grammar (docs/spec-language.md). A pure parser with locations; it
 * recovers at declaration, field, parameter and operation level, so one run reports many
 * errors. Lists are built by prepending and reversed once complete (linear for big specs). */
%define api.pure full
%define parse.error custom
%locations
%lex-param {yyscan_t scanner} {struct parse_ctx *ctx}
%parse-param {yyscan_t scanner} {struct parse_ctx *ctx}

%code requires {
#include "ast.h"
#include "diag.h"
typedef void *yyscan_t;
struct parse_ctx;
struct doc_line {
  struct doc_line *next;
  const char *text;
};
/* A number token: its spelling and value (allocated by the scanner, so that every semantic
 * value is one pointer wide: the parser copies them at every step). */
struct number {
  const char *text;
  long long i;
  double f;
};
}

%code provides {
struct parse_ctx {
  ast_arena *arena;
  diag *diag;
  int file;
  decl *decls;           /* reversed while parsing */
  operation *op;         /* the operation being parsed */
  const char *what;      /* "field", "operation", ...: for "expected ';' after field 'x'" */
  const char *what_name;
  YYLTYPE prev, cur;     /* the last two tokens' locations */
  type *alternative;     /* the first type after '|' in a field's type, other than null */
  int prev_tok, cur_tok; /* and their kinds */
};
}

%union {
  const char *str;
  const struct number *num;
  int flag;
  value *val;
  type *type;
  field *field;
  annotation *anno;
  arg *arg;
  decl *decl;
  operation *op;
  name_ref *names;
  api_item *item;
  enum_value *ev;
  struct doc_line *docs;
}

%code {
#include <stdio.h>
#include <string.h>

#include "bigmem.h"
#include "diag.h"
#include "names.h"
#include "parse.h"
#include "lexer.h"

static loc L(const struct parse_ctx *ctx, YYLTYPE l)
{
  return (loc){ctx->file, l.first_line, l.first_column};
}

static int yylex(YYSTYPE *v, YYLTYPE *l, yyscan_t scanner, struct parse_ctx *ctx)
{
  int t = apicyylex(v, l, scanner);
  ctx->prev = ctx->cur;
  ctx->cur = *l;
  ctx->prev_tok = ctx->cur_tok;
  ctx->cur_tok = t;
  return t;
}

static void *node(struct parse_ctx *ctx, size_t size)
{
  void *p = ast_alloc(ctx->arena, size);
  if (p == NULL) {
    diag_plain(ctx->diag, "out of memory");
    /* The parser stops at the next check of the error count (see below). */
  }
  return p;
}
#define NEW(T) ((T *)node(ctx, sizeof(T)))
#define OOM_ABORT(p) do { if ((p) == NULL) YYABORT; } while (0)

#define REVERSE(T, list)                                                  \
  do {                                                                    \
    T *rev_ = NULL, *cur_ = (list);                                       \
    while (cur_ != NULL) {                                                \
      T *next_ = cur_->next;                                              \
      cur_->next = rev_;                                                  \
      rev_ = cur_;                                                        \
      cur_ = next_;                                                       \
    }                                                                     \
    (list) = rev_;                                                        \
  } while (0)

static doc make_doc(struct parse_ctx *ctx, struct doc_line *lines)
{
  doc d = {NULL, 0, 0};
  for (struct doc_line *l = lines; l != NULL; l = l->next)
    d.count++;
  if (d.count == 0)
    return d;
  d.lines = node(ctx, (size_t)d.count * sizeof *d.lines);
  if (d.lines == NULL)
    return (doc){NULL, 0, 0};
  int i = d.count;
  for (struct doc_line *l = lines; l != NULL; l = l->next)
    d.lines[--i] = l->text; /* the list is reversed */
  return d;
}

static void add_trailing(struct parse_ctx *ctx, doc *d, const char *text)
{
  if (text == NULL)
    return;
  const char **lines = node(ctx, (size_t)(d->count + 1) * sizeof *lines);
  if (lines == NULL)
    return;
  if (d->count > 0)
    memcpy(lines, d->lines, (size_t)d->count * sizeof *lines);
  lines[d->count++] = text;
  d->lines = lines;
  d->trailing = 1;
}

static decl *new_decl(struct parse_ctx *ctx, decl_kind k, const char *name, YYLTYPE at,
                      struct doc_line *docs)
{
  decl *d = NEW(decl);
  if (d != NULL) {
    d->kind = k;
    d->name = name;
    d->at = L(ctx, at);
    d->doc = make_doc(ctx, docs);
  }
  return d;
}

static void set_value(value *v, value_kind k, YYLTYPE at, struct parse_ctx *ctx)
{
  v->kind = k;
  v->at = L(ctx, at);
}

/* `name: A | B`: a union written in place. C needs a name for it, so it is refused with the
 * declaration to write instead. */
static void inline_union(struct parse_ctx *ctx, const char *name, const type *first)
{
  const type *alt = ctx->alternative;
  const char *a = first->kind == TYPE_NAMED ? first->name : "A", *b = alt->kind == TYPE_NAMED ? alt->name : "B";
  char type_name[80];
  snprintf(type_name, sizeof type_name, "%c%.60s", name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' + 'A' : name[0], name + 1);
  diag_error(ctx->diag, alt->at, "a union is declared, then named: write 'union %s { %s_value: %s; %s_value: %s; }' and "
             "'%s: %s;' ('| null' alone makes a field nullable)", type_name, a, a, b, b, name, type_name);
  ctx->alternative = NULL;
}

/* A list or map value of items (reversed), with its text for comparisons: ["a", 1], {"k": 2}. */
static value *collection(struct parse_ctx *ctx, value_kind k, YYLTYPE at, value *items)
{
  value *v = NEW(value);
  if (v == NULL)
    return NULL;
  set_value(v, k, at, ctx);
  REVERSE(value, items);
  v->items = items;
  size_t len = 3;
  for (const value *i = items; i != NULL; i = i->next)
    len += strlen(i->text) + (i->key != NULL ? strlen(i->key) + 4 : 0) + 4;
  char *text = ast_alloc(ctx->arena, len), *p = text;
  if (text == NULL)
    return NULL;
  *p++ = k == VAL_LIST ? '[' : '{';
  for (const value *i = items; i != NULL; i = i->next) {
    int quoted = i->kind == VAL_STRING;
    p += sprintf(p, "%s%s%s%s%s%s%s", i == items ? "" : ", ", i->key != NULL ? "\"" : "", i->key != NULL ? i->key : "",
                 i->key != NULL ? "\": " : "", quoted ? "\"" : "", i->text, quoted ? "\"" : "");
  }
  *p++ = k == VAL_LIST ? ']' : '}';
  *p = '\0';
  v->text = text;
  return v;
}

/* `kind: "circle"`: a literal type, which this language writes as an enum of one value. */
static void literal_type(struct parse_ctx *ctx, YYLTYPE at, const char *text)
{
  char value_name[NAME_MAX_LEN + 1] = "v", type_name[NAME_MAX_LEN + 1];
  if (text[0] != '\0' && strlen(text) <= NAME_MAX_LEN && is_identifier(text, strlen(text)))
    snprintf(value_name, sizeof value_name, "%s", text);
  snprintf(type_name, sizeof type_name, "%c%s", value_name[0] >= 'a' && value_name[0] <= 'z' ? value_name[0] - 'a' + 'A'
           : value_name[0], value_name + 1);
  const char *owner = ctx->what != NULL && strcmp(ctx->what, "field") == 0 ? ctx->what_name : "x";
  diag_error(ctx->diag, L(ctx, at), "a literal type is an enum of one value: write 'enum %s { %s; }' and '%s: %s = %s;' "
             "(a union's tag is its @discriminator)", type_name, value_name, owner, type_name, value_name);
}

/* A type the parser refused (and said why): the checker passes over it. */
static type *refused(struct parse_ctx *ctx, YYLTYPE at)
{
  type *t = NEW(type);
  if (t != NULL) {
    t->kind = TYPE_REFUSED;
    t->at = L(ctx, at);
  }
  return t;
}

/* Only for bison's own failures ("memory exhausted": nesting deeper than its stack). */
static void yyerror(YYLTYPE *l, yyscan_t scanner, struct parse_ctx *ctx, const char *msg)
{
  (void)scanner;
  diag_error(ctx->diag, L(ctx, *l), "%s (nesting too deep?)", msg);
}
}

%token KW_API "api" KW_IMPORT "import" KW_ENUM "enum" KW_MODEL "model" KW_ERROR "error" KW_EXTENDS "extends"
%token KW_UNION "union"
%token KW_RESOURCE "resource" KW_BODY "body" KW_QUERY "query" KW_PATH "path"
%token KW_HEADERS "headers" KW_ERRORS "errors" KW_NULL "null" ARROW "->"
%token KW_TRUE "true" KW_FALSE "false"
%token <num> INT "number" FLOAT "decimal number"
%token <str> IDENT "name" STRING "string" STATUS_CLASS "status class" DOC "doc comment"
%token <str> TRAILING_DOC "trailing doc comment"

%type <str> ident_like status trailing opt_string
%type <docs> docs
%type <val> value opt_default enum_wire items entries
%type <type> type op_ret
%type <field> fields field params param_list param
%type <anno> annos anno
%type <arg> args arg
%type <decl> decl enum_decl model_decl error_decl union_decl resource_decl api_decl import_decl
%type <op> ops op
%type <names> names extends
%type <item> api_items api_item
%type <ev> enum_values enum_value
%type <flag> opt_q nullable

%%

spec
  : %empty
  | spec decl                    { if ($2 != NULL) { $2->next = ctx->decls; ctx->decls = $2; } }
  ;

decl
  : api_decl | import_decl | enum_decl | model_decl | error_decl | union_decl | resource_decl
  | error ';'                    { $$ = NULL; yyerrok; }
  | error '}'                    { $$ = NULL; yyerrok; }
  ;

docs
  : %empty                       { $$ = NULL; }
  | docs DOC                     { struct doc_line *l = NEW(struct doc_line); OOM_ABORT(l);
                                   l->text = $2; l->next = $1; $$ = l; }
  ;

trailing
  : %empty                       { $$ = NULL; }
  | TRAILING_DOC                 { $$ = $1; }
  ;

ident_like
  : IDENT
  | "api" { $$ = "api"; } | "import" { $$ = "import"; } | "enum" { $$ = "enum"; }
  | "model" { $$ = "model"; } | "error" { $$ = "error"; } | "resource" { $$ = "resource"; }
  | "body" { $$ = "body"; } | "query" { $$ = "query"; } | "path" { $$ = "path"; }
  | "headers" { $$ = "headers"; } | "errors" { $$ = "errors"; } | "extends" { $$ = "extends"; }
  | "union" { $$ = "union"; }
  ;

/* ---- api ---------------------------------------------------------------------------- */

api_decl
  : docs "api" ident_like '{' api_items '}'
                                 { $$ = new_decl(ctx, D_API, $3, @3, $1); OOM_ABORT($$);
                                   REVERSE(api_item, $5); $$->items = $5; $$->end = L(ctx, @6); }
  ;

api_items
  : %empty                       { $$ = NULL; }
  | api_items api_item           { $$ = $1; if ($2 != NULL) { $2->next = $1; $$ = $2; } }
  ;

api_item
  : ident_like '=' value ';'     { $$ = NEW(api_item); OOM_ABORT($$);
                                   $$->key = $1; $$->at = L(ctx, @1); $$->val = *$3; }
  | ident_like '=' ident_like '(' STRING ')' ';'
                                 { $$ = NEW(api_item); OOM_ABORT($$);
                                   $$->key = $1; $$->at = L(ctx, @1); $$->call = $3;
                                   $$->val.kind = VAL_STRING; $$->val.text = $5;
                                   $$->val.at = L(ctx, @5); }
  | ident_like ident_like '=' value ';'
                                 { $$ = NEW(api_item); OOM_ABORT($$);
                                   $$->key = $1; $$->at = L(ctx, @1); $$->val = *$4;
                                   $$->name = $2; $$->name_at = L(ctx, @2); }
  | ident_like ident_like '=' ident_like '(' STRING ')' ';'
                                 { $$ = NEW(api_item); OOM_ABORT($$);
                                   $$->key = $1; $$->at = L(ctx, @1); $$->call = $4;
                                   $$->val.kind = VAL_STRING; $$->val.text = $6; $$->val.at = L(ctx, @6);
                                   $$->name = $2; $$->name_at = L(ctx, @2); }
  | error ';'                    { $$ = NULL; yyerrok; }
  ;

import_decl
  : docs "import" STRING ';'     { $$ = new_decl(ctx, D_IMPORT, $3, @3, $1); OOM_ABORT($$); }
  ;

/* ---- values and annotations ------------------------------------------------------------ */

value
  : STRING                       { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_STRING, @1, ctx); $$->text = $1; }
  | INT                          { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_INT, @1, ctx);
                                   $$->text = $1->text; $$->i = $1->i; $$->f = $1->f; }
  | FLOAT                        { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_FLOAT, @1, ctx);
                                   $$->text = $1->text; $$->f = $1->f; }
  | "true"                       { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_BOOL, @1, ctx); $$->i = 1; $$->text = "true"; }
  | "false"                      { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_BOOL, @1, ctx); $$->i = 0; $$->text = "false"; }
  | "null"                       { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_NULL, @1, ctx); $$->text = "null"; }
  | ident_like                   { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_IDENT, @1, ctx); $$->text = $1; }
  | '[' ']'                      { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_EMPTY_LIST, @1, ctx); $$->text = "[]"; }
  | '[' items ']'                { $$ = collection(ctx, VAL_LIST, @1, $2); OOM_ABORT($$); }
  | '{' '}'                      { $$ = collection(ctx, VAL_MAP, @1, NULL); OOM_ABORT($$); }
  | '{' entries '}'              { $$ = collection(ctx, VAL_MAP, @1, $2); OOM_ABORT($$); }
  ;

/* A list's or map's items (reversed while parsing, like every list). */
items
  : value                        { $$ = $1; }
  | items ',' value              { $$ = $3; $3->next = $1; }
  ;

entries
  : STRING ':' value             { $$ = $3; $$->key = $1; }
  | entries ',' STRING ':' value { $$ = $5; $$->key = $3; $5->next = $1; }
  ;

annos
  : %empty                       { $$ = NULL; }
  | annos anno                   { $$ = $2; $2->next = $1; }
  ;

anno
  : '@' ident_like               { $$ = NEW(annotation); OOM_ABORT($$); $$->name = $2; $$->at = L(ctx, @1); }
  | '@' ident_like '(' ')'       { $$ = NEW(annotation); OOM_ABORT($$); $$->name = $2; $$->at = L(ctx, @1);
                                   $$->has_parens = 1; }
  | '@' ident_like '(' args ')'  { $$ = NEW(annotation); OOM_ABORT($$); $$->name = $2; $$->at = L(ctx, @1);
                                   $$->has_parens = 1; REVERSE(arg, $4); $$->args = $4; }
  ;

args
  : arg                          { $$ = $1; }
  | args ',' arg                 { $$ = $3; $3->next = $1; }
  ;

arg
  : value                        { $$ = NEW(arg); OOM_ABORT($$); $$->val = *$1; }
  | ident_like ':' value         { $$ = NEW(arg); OOM_ABORT($$); $$->key = $1; $$->key_at = L(ctx, @1);
                                   $$->val = *$3; }
  ;

/* ---- enums ------------------------------------------------------------------------------ */

enum_decl
  : docs "enum" ident_like annos '{' enum_values '}'
                                 { $$ = new_decl(ctx, D_ENUM, $3, @3, $1); OOM_ABORT($$);
                                   REVERSE(annotation, $4); $$->annos = $4;
                                   REVERSE(enum_value, $6); $$->values = $6; $$->end = L(ctx, @7); }
  ;

enum_values
  : %empty                       { $$ = NULL; }
  | enum_values enum_value       { $$ = $1; if ($2 != NULL) { $2->next = $1; $$ = $2; } }
  ;

enum_value
  : docs ident_like { ctx->what = "enum value"; ctx->what_name = $2; } enum_wire annos ';' trailing
                                 { $$ = NEW(enum_value); OOM_ABORT($$);
                                   $$->name = $2; $$->at = L(ctx, @2); $$->doc = make_doc(ctx, $1);
                                   add_trailing(ctx, &$$->doc, $7);
                                   if ($4 != NULL) {
                                     $$->wire = $4->text; $$->wire_is_int = $4->kind == VAL_INT; $$->wire_at = $4->at;
                                   }
                                   REVERSE(annotation, $5); $$->annos = $5;
                                   ctx->what = NULL; }
  | error ';'                    { $$ = NULL; yyerrok; }
  ;

enum_wire
  : %empty                       { $$ = NULL; }
  | '=' STRING                   { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_STRING, @2, ctx); $$->text = $2; }
  | '=' FLOAT                    { $$ = NULL;
                                   diag_error(ctx->diag, L(ctx, @2), "an enum value on the wire is text (\"...\") or a whole "
                                              "number, not %s", $2->text); }
  | '=' INT                      { $$ = NEW(value); OOM_ABORT($$); set_value($$, VAL_INT, @2, ctx);
                                   char canonical[32]; /* the value's own spelling: 010 is 10 */
                                   snprintf(canonical, sizeof canonical, "%lld", $2->i);
                                   $$->text = ast_strdup(ctx->arena, canonical); OOM_ABORT($$->text); }
  ;

/* ---- models and errors ------------------------------------------------------------------ */

model_decl
  : docs "model" ident_like extends annos '{' fields '}'
                                 { $$ = new_decl(ctx, D_MODEL, $3, @3, $1); OOM_ABORT($$);
                                   $$->bases = $4; REVERSE(annotation, $5); $$->annos = $5;
                                   REVERSE(field, $7); $$->fields = $$->own_fields = $7; $$->end = L(ctx, @8); }
  ;

error_decl
  : docs "error" ident_like status extends annos '{' fields '}'
                                 { $$ = new_decl(ctx, D_ERROR, $3, @3, $1); OOM_ABORT($$);
                                   $$->status = $4; $$->status_at = L(ctx, @4);
                                   $$->bases = $5; REVERSE(annotation, $6); $$->annos = $6;
                                   REVERSE(field, $8); $$->fields = $$->own_fields = $8; $$->end = L(ctx, @9); }
  ;

union_decl
  : docs "union" ident_like annos '{' fields '}'
                                 { $$ = new_decl(ctx, D_UNION, $3, @3, $1); OOM_ABORT($$);
                                   REVERSE(annotation, $4); $$->annos = $4; $$->end = L(ctx, @7);
                                   REVERSE(field, $6); $$->fields = $$->own_fields = $6;
                                   for (field *f = $6; f != NULL; f = f->next)
                                     f->variant = 1; }
  ;

extends
  : %empty                       { $$ = NULL; }
  | "extends" names              { $$ = $2; REVERSE(name_ref, $$); }
  ;

status
  : INT                          { $$ = $1->text; }
  | STATUS_CLASS                 { $$ = $1; }
  ;

fields
  : %empty                       { $$ = NULL; }
  | fields field                 { $$ = $1; if ($2 != NULL) { $2->next = $1; $$ = $2; } }
  ;

field
  : docs ident_like { ctx->what = "field"; ctx->what_name = $2; }
    opt_q ':' type nullable opt_default annos ';' trailing
                                 { $$ = NEW(field); OOM_ABORT($$);
                                   $$->name = $2; $$->at = L(ctx, @2); $$->doc = make_doc(ctx, $1);
                                   add_trailing(ctx, &$$->doc, $11);
                                   if (ctx->alternative != NULL)
                                     inline_union(ctx, $2, $6);
                                   $$->optional = $4; $$->type = $6; $$->nullable = $7;
                                   $$->def = $8; REVERSE(annotation, $9); $$->annos = $9;
                                   ctx->what = NULL; }
  | error ';'                    { $$ = NULL; yyerrok; }
  ;

opt_q
  : %empty                       { $$ = 0; }
  | '?'                          { $$ = 1; }
  ;

/* `| null`; other alternatives are a union written in place, refused with how to declare it. */
nullable
  : %empty                       { $$ = 0; ctx->alternative = NULL; }
  | nullable '|' "null"          { $$ = 1; }
  | nullable '|' type            { $$ = $1; if (ctx->alternative == NULL) ctx->alternative = $3; }
  ;

opt_default
  : %empty                       { $$ = NULL; }
  | '=' value                    { $$ = $2; }
  ;

type
  : IDENT                        { $$ = NEW(type); OOM_ABORT($$); $$->kind = TYPE_NAMED; $$->name = $1; $$->at = L(ctx, @1); }
  | type '[' ']'                 { $$ = NEW(type); OOM_ABORT($$); $$->kind = TYPE_ARRAY; $$->inner = $1; $$->at = $1->at; }
  | IDENT '<' type '>'           { $$ = NEW(type); OOM_ABORT($$); $$->kind = TYPE_GENERIC; $$->name = $1;
                                   $$->inner = $3; $$->at = L(ctx, @1); }
  /* What other languages write, refused with what to write here. */
  | IDENT '<' type ',' type '>'  { $$ = refused(ctx, @1); OOM_ABORT($$);
                                   diag_error(ctx->diag, L(ctx, @4), "a map's keys are always strings: write '%s<%s>'", $1,
                                              $5->kind == TYPE_NAMED ? $5->name : "T"); }
  | STRING                       { $$ = refused(ctx, @1); OOM_ABORT($$); literal_type(ctx, @1, $1); }
  ;

/* ---- resources and operations ---------------------------------------------------------- */

resource_decl
  : docs "resource" ident_like STRING annos '{' ops '}'
                                 { $$ = new_decl(ctx, D_RESOURCE, $3, @3, $1); OOM_ABORT($$);
                                   $$->path = $4; REVERSE(annotation, $5); $$->annos = $5;
                                   REVERSE(operation, $7); $$->ops = $7; $$->end = L(ctx, @8); }
  ;

ops
  : %empty                       { $$ = NULL; }
  | ops op                       { $$ = $1; if ($2 != NULL) { $2->next = $1; $$ = $2; } }
  ;

op
  : docs ident_like ':' IDENT STRING
                                 <op>{ $$ = NEW(operation); OOM_ABORT($$);
                                   $$->name = $2; $$->at = L(ctx, @2); $$->doc = make_doc(ctx, $1);
                                   $$->method = $4; $$->method_at = L(ctx, @4);
                                   $$->path = $5; $$->path_at = L(ctx, @5);
                                   ctx->op = $$; ctx->what = "operation"; ctx->what_name = $2; }
    op_parts op_ret annos ';' trailing
                                 { $$ = $6; $$->ret = $8; REVERSE(annotation, $9); $$->annos = $9;
                                   add_trailing(ctx, &$$->doc, $11);
                                   ctx->op = NULL; ctx->what = NULL; }
  | error ';'                    { $$ = NULL; ctx->op = NULL; yyerrok; }
  ;

op_parts
  : %empty
  | op_parts op_part
  ;

op_part
  : "path" '(' params ')'        { ctx->op->has_path++; REVERSE(field, $3); ctx->op->path_params = $3; }
  | "query" '(' params ')'       { ctx->op->has_query++; REVERSE(field, $3); ctx->op->query_params = $3; }
  | "headers" '(' params ')'     { ctx->op->has_headers++; REVERSE(field, $3); ctx->op->header_params = $3; }
  | "body" type opt_string        { if (ctx->op->body != NULL || ctx->op->body_form)
                                     diag_error(ctx->diag, L(ctx, @1), "operation '%s' has two bodies", ctx->op->name);
                                   ctx->op->body = $2; ctx->op->body_at = L(ctx, @1);
                                   ctx->op->content_type = $3; ctx->op->content_type_at = L(ctx, @3); }
  | "body" IDENT '(' params ')'  { if (ctx->op->body != NULL || ctx->op->body_form)
                                     diag_error(ctx->diag, L(ctx, @1), "operation '%s' has two bodies", ctx->op->name);
                                   int form = strcmp($2, "form") == 0, multi = strcmp($2, "multipart") == 0;
                                   if (!form && !multi)
                                     diag_error(ctx->diag, L(ctx, @2), "unknown body '%s(...)'; expected form(...) "
                                                "(application/x-www-form-urlencoded), multipart(...) "
                                                "(multipart/form-data) or a type", $2);
                                   ctx->op->body_form = form ? BODY_FORM : multi ? BODY_MULTIPART : 0;
                                   ctx->op->body_at = L(ctx, @1);
                                   REVERSE(field, $4); ctx->op->body_params = $4; }
  | "errors" '(' names ')'       { ctx->op->has_errors++; REVERSE(name_ref, $3); ctx->op->errors = $3; }
  ;

params
  : %empty                       { $$ = NULL; }
  | param_list                   { $$ = $1; }
  ;

param_list
  : param                        { $$ = $1; }
  | param_list ',' param         { $$ = $3; $3->next = $1; }
  ;

param
  : docs ident_like opt_q ':' type opt_default annos
                                 { $$ = NEW(field); OOM_ABORT($$);
                                   $$->name = $2; $$->at = L(ctx, @2); $$->doc = make_doc(ctx, $1);
                                   $$->optional = $3; $$->type = $5; $$->def = $6;
                                   REVERSE(annotation, $7); $$->annos = $7; }
  ;

names
  : ident_like                   { $$ = NEW(name_ref); OOM_ABORT($$); $$->name = $1; $$->at = L(ctx, @1); }
  | names ',' ident_like         { $$ = NEW(name_ref); OOM_ABORT($$); $$->name = $3; $$->at = L(ctx, @3);
                                   $$->next = $1; }
  ;

opt_string
  : %empty                       { $$ = NULL; }
  | STRING                       { $$ = $1; }
  ;

op_ret
  : %empty                       { $$ = NULL; }
  | "->" type resp_headers       { $$ = $2; }
  | "->" "headers" '(' params ')' { $$ = NULL; ctx->op->has_resp_headers++; REVERSE(field, $4); ctx->op->resp_headers = $4; }
  ;

resp_headers
  : %empty
  | "headers" '(' params ')'     { ctx->op->has_resp_headers++; REVERSE(field, $3); ctx->op->resp_headers = $3; }
  ;

%%

/* How a token is named in "expected X" messages. */
static const char *token_name(yysymbol_kind_t k)
{
  switch (k) {
  case YYSYMBOL_YYEOF: return "end of file";
  case YYSYMBOL_IDENT: return "a name";
  case YYSYMBOL_STRING: return "a string";
  case YYSYMBOL_INT: return "a number";
  case YYSYMBOL_FLOAT: return "a number";
  case YYSYMBOL_STATUS_CLASS: return "a status class (4XX)";
  case YYSYMBOL_DOC: case YYSYMBOL_TRAILING_DOC: return "a doc comment";
  default: return yysymbol_name(k);
  }
}

/* Copies the bytes of the token at l (one line, at most 40 bytes) for "before 'x'". */
static void token_text(struct parse_ctx *ctx, const YYLTYPE *l, char *buf, size_t size)
{
  buf[0] = '\0';
  if (l->first_line != l->last_line || l->last_column <= l->first_column)
    return;
  const src_file *s = &ctx->diag->files[ctx->file];
  const char *p = s->text, *end = s->text + s->size;
  for (int line = 1; line < l->first_line && p < end; p++)
    if (*p == '\n')
      line++;
  size_t off = (size_t)(l->first_column - 1), n = (size_t)(l->last_column - l->first_column);
  if (p + off >= end)
    return;
  if (n > size - 1)
    n = size - 1;
  size_t j = 0;
  for (size_t i = 0; i < n && p + off + i < end; i++) {
    unsigned char c = (unsigned char)p[off + i];
    buf[j++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
  }
  buf[j] = '\0';
}

static int yyreport_syntax_error(const yypcontext_t *yctx, yyscan_t scanner, struct parse_ctx *ctx)
{
  (void)scanner;
  yysymbol_kind_t all[YYNTOKENS], expected[YYNTOKENS];
  int total = yypcontext_expected_tokens(yctx, all, YYNTOKENS), n = 0, takes_name = 0;
  for (int i = 0; i < total; i++)
    takes_name |= all[i] == YYSYMBOL_IDENT;
  /* Keywords are names too where a name fits, and a doc comment fits before most things:
   * listing them would bury the useful part of the message. */
  for (int i = 0; i < total; i++)
    if (all[i] != YYSYMBOL_DOC && all[i] != YYSYMBOL_TRAILING_DOC &&
        !(takes_name && all[i] >= YYSYMBOL_KW_API && all[i] <= YYSYMBOL_KW_ERRORS))
      expected[n++] = all[i];
  yysymbol_kind_t got = yypcontext_token(yctx);
  const YYLTYPE *at = yypcontext_location(yctx);

  if (got == YYSYMBOL_DOC || got == YYSYMBOL_TRAILING_DOC ||
      (got == YYSYMBOL_YYEOF && (ctx->prev_tok == DOC || ctx->prev_tok == TRAILING_DOC))) {
    const YYLTYPE *doc_at = got == YYSYMBOL_YYEOF ? &ctx->prev : at;
    diag_error(ctx->diag, L(ctx, *doc_at), "a doc comment ('///') cannot stand here: it documents nothing; use '//'");
    return 0;
  }
  char msg[512];
  size_t len = 0;
  if (n <= 0 || n > 5) {
    len = (size_t)snprintf(msg, sizeof msg, "unexpected %s", token_name(got));
  } else {
    len = (size_t)snprintf(msg, sizeof msg, "expected ");
    for (int i = 0; i < n && len < sizeof msg; i++)
      len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                              i == 0 ? "" : i == n - 1 ? " or " : ", ", token_name(expected[i]));
  }
  /* "expected ';' after field 'x'" points just past the previous token, as clang does, when
   * the missing token belongs at the end of the previous line. */
  YYLTYPE where = *at;
  int semi = 0;
  for (int i = 0; i < n; i++)
    semi |= strcmp(yysymbol_name(expected[i]), "';'") == 0;
  int after = semi && ctx->what != NULL && ctx->prev.last_line < at->first_line;
  if (after)
    len = (size_t)snprintf(msg, sizeof msg, "expected ';' after %s '%s'", ctx->what, ctx->what_name);
  if (after) {
    where.first_line = ctx->prev.last_line;
    where.first_column = ctx->prev.last_column;
  } else if (len < sizeof msg) {
    char text[48];
    token_text(ctx, at, text, sizeof text);
    if (got == YYSYMBOL_YYEOF && n > 0 && n <= 5)
      snprintf(msg + len, sizeof msg - len, " at end of file");
    else if (text[0] != '\0')
      snprintf(msg + len, sizeof msg - len, " before '%s'", text);
  }
  diag_error(ctx->diag, L(ctx, where), "%s", msg);
  return 0;
}

decl *parse_file(ast_arena *arena, diag *d, int file)
{
  return parse_file_comments(arena, d, file, NULL);
}

decl *parse_file_comments(ast_arena *arena, diag *d, int file, parse_comments *comments)
{
  struct lex_extra extra = {arena, d, file, 0, 0, 0, comments};
  struct parse_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.arena = arena;
  ctx.diag = d;
  ctx.file = file;
  yyscan_t scanner;
  if (apicyylex_init_extra(&extra, &scanner) != 0) {
    diag_plain(d, "out of memory");
    return NULL;
  }
  /* The scanner reads a copy of the text in one buffer. Not the text itself: flex writes a NUL
   * after each token while diagnostics quote the line. Not through a stream either: fed in
   * pieces, flex scans a token that spans pieces again from its start after each read (a 4 MB
   * name took 3.5 s). The copy is on huge pages when large (bigmem.h): one fault per 2 MB. */
  const src_file *s = &d->files[file];
  char *text = big_alloc(s->size + 2); /* zeroed: flex wants two NULs after the text */
  if (text != NULL)
    memcpy(text, s->text, s->size);
  if (text == NULL || apicyy_scan_buffer(text, s->size + 2, scanner) == NULL) {
    diag_plain(d, "out of memory");
    big_free(text, s->size + 2);
    apicyylex_destroy(scanner);
    return NULL;
  }
  int rc = yyparse(scanner, &ctx);
  apicyylex_destroy(scanner);
  big_free(text, s->size + 2);
  if (rc == 2 || extra.oom)
    diag_plain(d, "%s: out of memory, or nesting too deep", d->files[file].name);
  else if (rc != 0 && d->errors == 0)
    diag_plain(d, "%s: could not parse", d->files[file].name);
  decl *list = ctx.decls;
  REVERSE(decl, list);
  return list;
}
