/* Mustache: parse once into a flat token list, then render against a context stack.
 * The standalone-line rules (a line holding only a section, inverted, closing, comment,
 * partial or delimiter tag disappears whole) are applied while parsing. */
#include "mustache.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define MAX_DELIM 16          /* longest custom delimiter */
#define MAX_PARTIAL_DEPTH 64  /* a partial that includes itself ends here, with an error */
#define MAX_STACK 256         /* nested sections */
/* With a sink: hand the output over in pieces this large. The buffer then stays under 64 KB,
 * so malloc keeps it on its heap and reuses it file after file; from 128 KB on, each would be
 * a fresh mapping, every page of it a fault. */
#define FLUSH_AT 32768

typedef enum tok_kind { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_PARTIAL } tok_kind;

typedef struct token {
  tok_kind kind;
  char *text;   /* T_TEXT: the text; others: the name; T_PARTIAL: the name */
  size_t len;   /* T_TEXT length */
  char *indent; /* T_PARTIAL: the standalone indentation, or NULL */
  size_t end;   /* T_SECTION, T_INVERTED: index of the first token after the section */
  uint16_t *keys; /* names: the key number (view_key) of each part of the name split at dots */
  int nparts;     /* names: how many parts; 0 for ".", the implicit iterator */
} token;

struct mustache {
  token *toks;
  size_t n, cap;
};

typedef struct cached {
  struct cached *next;
  mustache *t;
  const char *indent; /* in name[], after the name's NUL; "" when not standalone */
  char name[];
} cached;

struct mustache_cache {
  cached *head;
};

/* ---- parsing ---------------------------------------------------------------------------- */

typedef struct parser {
  const char *name, *src;
  size_t len;
  mustache *t;
  char open[MAX_DELIM + 1], close[MAX_DELIM + 1];
  size_t stack[MAX_STACK]; /* open sections: token index */
  size_t tag_at[MAX_STACK]; /* and where their tags start, for errors */
  int depth;
  char *err;
} parser;

static void set_error(parser *p, size_t at, const char *msg, const char *detail)
{
  if (p->err != NULL)
    return;
  int line = 1, col = 1;
  for (size_t i = 0; i < at && i < p->len; i++) {
    if (p->src[i] == '\n')
      line++, col = 1;
    else
      col++;
  }
  strbuf b = {0};
  sb_printf(&b, "%s:%d:%d: error: %s%s", p->name, line, col, msg, detail ? detail : "");
  p->err = sb_take(&b, NULL);
  if (p->err == NULL)
    p->err = strdup("out of memory");
}

static token *push(parser *p, tok_kind kind, const char *text, size_t len)
{
  mustache *t = p->t;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 32;
    token *grown = realloc(t->toks, cap * sizeof *grown);
    if (grown == NULL)
      return NULL;
    t->toks = grown;
    t->cap = cap;
  }
  token *k = &t->toks[t->n];
  memset(k, 0, sizeof *k);
  k->kind = kind;
  k->text = malloc(len + 1);
  if (k->text == NULL)
    return NULL;
  memcpy(k->text, text, len);
  k->text[len] = '\0';
  k->len = len;
  t->n++;
  return k;
}

static int is_blank(char c)
{
  return c == ' ' || c == '\t';
}

/* The tag's content with surrounding blanks removed. */
static void trim(const char **s, size_t *n)
{
  while (*n > 0 && is_blank(**s))
    (*s)++, (*n)--;
  while (*n > 0 && is_blank((*s)[*n - 1]))
    (*n)--;
}

static int set_delimiters(parser *p, const char *s, size_t n, size_t at)
{
  trim(&s, &n);
  size_t a = 0;
  while (a < n && !is_blank(s[a]))
    a++;
  size_t b = a;
  while (b < n && is_blank(s[b]))
    b++;
  size_t lo = a, lc = n - b;
  if (lo == 0 || lc == 0 || b == a || lo > MAX_DELIM || lc > MAX_DELIM || memchr(s + b, ' ', lc) ||
      memchr(s, '=', lo) || memchr(s + b, '=', lc)) {
    set_error(p, at, "bad delimiter change; write {{=<% %>=}}", NULL);
    return -1;
  }
  memcpy(p->open, s, lo);
  p->open[lo] = '\0';
  memcpy(p->close, s + b, lc);
  p->close[lc] = '\0';
  return 0;
}

static const char *find(const char *hay, size_t hay_len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; n <= hay_len && i <= hay_len - n; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return hay + i;
  return NULL;
}

/* Splits a name token's text at dots and numbers the parts once, so that rendering finds
 * keys by number. NULL when out of memory. */
static token *with_path(token *k)
{
  if (k == NULL || strcmp(k->text, ".") == 0)
    return k;
  int n = 1;
  for (const char *c = k->text; *c != '\0'; c++)
    n += *c == '.';
  if ((k->keys = malloc((size_t)n * sizeof *k->keys)) == NULL)
    return NULL;
  const char *part = k->text;
  for (k->nparts = 0; k->nparts < n; k->nparts++) {
    size_t len = strcspn(part, ".");
    if ((k->keys[k->nparts] = view_key(part, len)) == 0)
      return NULL;
    part += len + 1;
  }
  return k;
}

/* Adds a tag token; returns -1 on error. */
static int add_tag(parser *p, char type, const char *name, size_t n, size_t at, const char *indent, size_t indent_len)
{
  token *k;
  switch (type) {
  case '!': return 0;
  case '#':
  case '^':
    if (p->depth == MAX_STACK) {
      set_error(p, at, "sections nested too deep", NULL);
      return -1;
    }
    if ((k = with_path(push(p, type == '#' ? T_SECTION : T_INVERTED, name, n))) == NULL)
      return -1;
    p->tag_at[p->depth] = at;
    p->stack[p->depth++] = p->t->n - 1;
    return 0;
  case '/': {
    if (p->depth == 0) {
      set_error(p, at, "closing tag without an open section", NULL);
      return -1;
    }
    token *open = &p->t->toks[p->stack[p->depth - 1]];
    if (strlen(open->text) != n || memcmp(open->text, name, n) != 0) {
      char detail[160];
      snprintf(detail, sizeof detail, "'%.*s' closes section '%.60s'", (int)(n > 60 ? 60 : n), name, open->text);
      set_error(p, at, "mismatched closing tag: ", detail);
      return -1;
    }
    open->end = p->t->n;
    p->depth--;
    return 0;
  }
  case '>':
    if ((k = push(p, T_PARTIAL, name, n)) == NULL)
      return -1;
    if (indent_len > 0 && (k->indent = strndup(indent, indent_len)) == NULL)
      return -1;
    return 0;
  case '{':
  case '&': return with_path(push(p, T_RAW, name, n)) ? 0 : -1;
  default: return with_path(push(p, T_VAR, name, n)) ? 0 : -1;
  }
}

typedef struct tag {
  char type;          /* '#', '^', '/', '!', '>', '{', '&', '=' or 0 for a plain {{name}} */
  const char *name;   /* trimmed content */
  size_t n;
  size_t text_end;    /* where the text before the tag ends (its line start when standalone) */
  size_t after;       /* where parsing resumes (past the newline when standalone) */
  const char *indent; /* standalone: the blanks before the tag */
  size_t indent_len;
} tag;

/* Reads the tag whose open delimiter is at p->src[at]. Returns 0, or -1 with p->err set. */
static int read_tag(parser *p, size_t at, size_t line_start, size_t last_tag_end, tag *g)
{
  size_t body = at + strlen(p->open);
  char c = body < p->len ? p->src[body] : '\0';
  g->type = c != '\0' && strchr("#^/!>{&=", c) != NULL ? c : 0;
  char close_seq[MAX_DELIM + 2];
  /* {{{name}}} ends at "}" + close, {{=a b=}} at "=" + close. */
  snprintf(close_seq, sizeof close_seq, "%s%s", g->type == '{' ? "}" : g->type == '=' ? "=" : "", p->close);
  size_t content = body + (g->type != 0);
  const char *end = find(p->src + content, p->len - content, close_seq);
  if (end == NULL) {
    set_error(p, at, "unclosed tag: no closing ", close_seq);
    return -1;
  }
  g->name = p->src + content;
  g->n = (size_t)(end - g->name);
  g->after = (size_t)(end - p->src) + strlen(close_seq);
  g->text_end = at;
  g->indent = NULL;
  g->indent_len = 0;
  if (g->type != '!')
    trim(&g->name, &g->n);
  if (g->n == 0 && g->type != '!') {
    set_error(p, at, "empty tag", NULL);
    return -1;
  }

  /* Standalone: only blanks before it on its line (and no earlier tag there), only blanks and
   * then a newline or the end after it. Such a line vanishes, newline included. */
  if (g->type == 0 || g->type == '{' || g->type == '&')
    return 0;
  size_t line_end = g->after;
  while (line_end < p->len && is_blank(p->src[line_end]))
    line_end++;
  int at_eol = line_end == p->len || p->src[line_end] == '\n' ||
               (p->src[line_end] == '\r' && line_end + 1 < p->len && p->src[line_end + 1] == '\n');
  int blank_before = last_tag_end <= line_start;
  for (size_t i = line_start; blank_before && i < at; i++)
    blank_before = is_blank(p->src[i]);
  if (blank_before && at_eol) {
    g->text_end = line_start;
    g->indent = p->src + line_start;
    g->indent_len = at - line_start;
    if (line_end < p->len)
      line_end += p->src[line_end] == '\r' ? 2 : 1;
    g->after = line_end;
  }
  return 0;
}

mustache *mustache_parse(const char *name, const char *text, size_t len, char **out_err)
{
  parser p;
  memset(&p, 0, sizeof p);
  p.name = name;
  p.src = text;
  p.len = len;
  p.t = calloc(1, sizeof *p.t);
  strcpy(p.open, "{{");
  strcpy(p.close, "}}");
  *out_err = NULL;
  if (p.t == NULL) {
    *out_err = strdup("out of memory");
    return NULL;
  }
  size_t pos = 0, line_start = 0, last_tag_end = 0;
  while (pos < len && p.err == NULL) {
    const char *open = find(text + pos, len - pos, p.open);
    size_t at = open != NULL ? (size_t)(open - text) : len;
    for (size_t i = pos; i < at; i++) /* the standalone test needs the tag's line start */
      if (text[i] == '\n')
        line_start = i + 1;
    tag g;
    if (open == NULL) {
      g.text_end = len;
    } else if (read_tag(&p, at, line_start, last_tag_end, &g) != 0) {
      break;
    }
    if (g.text_end > pos && push(&p, T_TEXT, text + pos, g.text_end - pos) == NULL) {
      set_error(&p, pos, "out of memory", NULL);
      break;
    }
    if (open == NULL)
      break;
    if (g.type == '=') {
      if (set_delimiters(&p, g.name, g.n, at) != 0)
        break;
    } else if (add_tag(&p, g.type, g.name, g.n, at, g.indent, g.indent_len) != 0) {
      set_error(&p, at, "out of memory", NULL);
      break;
    }
    if (g.after > 0 && text[g.after - 1] == '\n')
      line_start = g.after;
    last_tag_end = g.after;
    pos = g.after;
  }
  if (p.err == NULL && p.depth > 0) {
    const token *k = &p.t->toks[p.stack[p.depth - 1]];
    set_error(&p, p.tag_at[p.depth - 1], "unclosed section: ", k->text);
  }
  if (p.err != NULL) {
    *out_err = p.err;
    mustache_free(p.t);
    return NULL;
  }
  return p.t;
}

void mustache_free(mustache *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->n; i++) {
    free(t->toks[i].text);
    free(t->toks[i].indent);
    free(t->toks[i].keys);
  }
  free(t->toks);
  free(t);
}

/* ---- rendering --------------------------------------------------------------------------- */

typedef struct renderer {
  mustache_env *env;
  strbuf out;
  const view *stack[MAX_STACK + 8];
  int depth;
  int partial_depth;
  char *err;
  mustache_sink sink; /* NULL: keep the whole output in out */
  void *ud;
} renderer;

/* Looks a name up: "." is the top; "a.b.c" finds a on the stack, then b and c inside it. */
static const view *lookup(const renderer *r, const token *k)
{
  if (k->nparts == 0)
    return r->stack[r->depth - 1];
  const view *v = NULL;
  for (int i = r->depth - 1; i >= 0 && v == NULL; i--)
    v = view_get(r->stack[i], k->keys[0]);
  for (int n = 1; n < k->nparts && v != NULL; n++)
    v = view_get(v, k->keys[n]);
  return v;
}

static int falsey(const view *v)
{
  return v == NULL || v->kind == V_FALSE || v->kind == V_NULL || (v->kind == V_LIST && v->n == 0);
}

static void put_escaped(strbuf *b, const char *s, size_t len)
{
  for (const char *end = s + len; s < end; s++) {
    switch (*s) {
    case '&': sb_puts(b, "&amp;"); break;
    case '<': sb_puts(b, "&lt;"); break;
    case '>': sb_puts(b, "&gt;"); break;
    case '"': sb_puts(b, "&quot;"); break;
    default: sb_append(b, s, 1);
    }
  }
}

/* With a sink, hands what has gathered over once there is at least `least` bytes of it. */
static void flush(renderer *r, size_t least)
{
  if (r->sink == NULL || r->out.len < least || r->err != NULL)
    return;
  if (r->out.failed)
    r->err = strdup("out of memory");
  else if (r->out.len > 0 && r->sink(r->ud, r->out.data, r->out.len) != 0)
    r->err = strdup("output failed");
  r->out.len = 0;
}

/* Appends n bytes of output. With a sink, a piece as large as a flush goes to it directly
 * rather than through the buffer (the mock's copy of a large spec is megabytes in one value). */
static void put(renderer *r, const char *s, size_t n)
{
  if (r->sink == NULL || n < FLUSH_AT) {
    sb_append(&r->out, s, n);
    return;
  }
  flush(r, 0);
  if (r->err == NULL && r->sink(r->ud, s, n) != 0)
    r->err = strdup("output failed");
}

static void put_value(renderer *r, const view *v, int escape)
{
  char num[64];
  const char *s = NULL;
  size_t len = 0;
  if (v == NULL)
    return;
  if (v->kind == V_STRING) {
    s = v->u.s;
    len = v->n;
  } else if (v->kind == V_TRUE || v->kind == V_FALSE) {
    s = v->kind == V_TRUE ? "true" : "false";
    len = strlen(s);
  } else if (v->kind == V_NUMBER) {
    double d = v->u.num;
    /* The shortest text that reads back as the same number: 1.21, not 1.2100000000000000. */
    snprintf(num, sizeof num, "%.15g", d);
    if (strtod(num, NULL) != d)
      snprintf(num, sizeof num, "%.17g", d);
    s = num;
    len = strlen(s);
  }
  if (s == NULL)
    return;
  if (escape)
    put_escaped(&r->out, s, len);
  else
    put(r, s, len);
}

static void render_range(renderer *r, const mustache *t, size_t from, size_t to);

static const mustache *partial(renderer *r, const char *name, const char *indent)
{
  mustache_env *env = r->env;
  if (env->load == NULL)
    return NULL;
  if (env->cache == NULL && (env->cache = calloc(1, sizeof *env->cache)) == NULL)
    return NULL;
  for (cached *c = env->cache->head; c != NULL; c = c->next)
    if (strcmp(c->name, name) == 0 && strcmp(c->indent, indent ? indent : "") == 0)
      return c->t;
  size_t len = 0;
  const char *text = env->load(env->ud, name, &len);
  if (text == NULL)
    return NULL;
  /* The spec indents every line of a standalone partial before rendering it. */
  strbuf src = {0};
  for (size_t i = 0; i < len; i++) {
    if (indent != NULL && (i == 0 || text[i - 1] == '\n'))
      sb_puts(&src, indent);
    sb_append(&src, text + i, 1);
  }
  char *err = NULL;
  mustache *t = src.failed ? NULL : mustache_parse(name, src.data ? src.data : "", src.len, &err);
  sb_free(&src);
  size_t n = strlen(name) + 1, m = indent != NULL ? strlen(indent) + 1 : 1;
  cached *c = t != NULL ? calloc(1, sizeof *c + n + m) : NULL;
  if (c == NULL) {
    if (r->err == NULL)
      r->err = err != NULL ? err : strdup("out of memory");
    else
      free(err);
    mustache_free(t);
    return NULL;
  }
  memcpy(c->name, name, n);
  memcpy(c->name + n, indent != NULL ? indent : "", m);
  c->indent = c->name + n;
  c->t = t;
  c->next = env->cache->head;
  env->cache->head = c;
  return t;
}

static void render_section(renderer *r, const mustache *t, size_t i)
{
  const token *k = &t->toks[i];
  const view *v = lookup(r, k);
  if (k->kind == T_INVERTED) {
    if (falsey(v))
      render_range(r, t, i + 1, k->end);
    return;
  }
  if (falsey(v))
    return;
  if (r->depth >= MAX_STACK) { /* only through partials: one template's nesting is capped */
    r->err = strdup("sections nested too deep");
    return;
  }
  if (v->kind == V_LIST) {
    for (uint32_t e = 0; e < v->n; e++) {
      r->stack[r->depth++] = &v->u.items[e];
      render_range(r, t, i + 1, k->end);
      r->depth--;
    }
  } else {
    r->stack[r->depth++] = v;
    render_range(r, t, i + 1, k->end);
    r->depth--;
  }
}

/* Renders tokens [from, to). */
static void render_range(renderer *r, const mustache *t, size_t from, size_t to)
{
  for (size_t i = from; i < to && r->err == NULL; i++) {
    const token *k = &t->toks[i];
    flush(r, FLUSH_AT);
    switch (k->kind) {
    case T_TEXT: put(r, k->text, k->len); break;
    case T_VAR:
    case T_RAW: put_value(r, lookup(r, k), k->kind == T_VAR && r->env->escape); break;
    case T_SECTION:
    case T_INVERTED:
      render_section(r, t, i);
      i = k->end - 1;
      break;
    case T_PARTIAL: {
      if (r->partial_depth >= MAX_PARTIAL_DEPTH) {
        r->err = strdup("partials nested too deep (a partial that includes itself?)");
        return;
      }
      const mustache *p = partial(r, k->text, k->indent);
      if (p != NULL) {
        r->partial_depth++;
        render_range(r, p, 0, p->n);
        r->partial_depth--;
      }
      break;
    }
    }
  }
}

/* Renders t into r->out (and r->sink); returns 0, or -1 with *out_err set and r->out freed. */
static int render(renderer *r, const mustache *t, const view *const *stack, int depth, char **out_err)
{
  *out_err = NULL;
  if (depth < 1 || depth > MAX_STACK) {
    *out_err = strdup("bad context stack");
    return -1;
  }
  for (int i = 0; i < depth; i++)
    r->stack[i] = stack[i];
  r->depth = depth;
  render_range(r, t, 0, t->n);
  flush(r, 0);
  if (r->err != NULL) {
    sb_free(&r->out);
    *out_err = r->err;
    return -1;
  }
  return 0;
}

int mustache_render_to(const mustache *t, const view *const *stack, int depth, mustache_env *env,
                       mustache_sink sink, void *ud, char **out_err)
{
  renderer r;
  memset(&r, 0, sizeof r);
  r.env = env;
  r.sink = sink;
  r.ud = ud;
  int rc = render(&r, t, stack, depth, out_err);
  sb_free(&r.out);
  return rc;
}

char *mustache_render(const mustache *t, const view *const *stack, int depth, mustache_env *env,
                      size_t *out_len, char **out_err)
{
  renderer r;
  memset(&r, 0, sizeof r);
  r.env = env;
  if (render(&r, t, stack, depth, out_err) != 0)
    return NULL;
  sb_append(&r.out, "", 0); /* an empty output is still a string */
  char *out = sb_take(&r.out, out_len);
  if (out == NULL)
    *out_err = strdup("out of memory");
  return out;
}

char *mustache_render_json(const mustache *t, const cJSON *const *stack, int depth, mustache_env *env,
                           size_t *out_len, char **out_err)
{
  view_builder b = {0};
  const view *views[MAX_STACK];
  *out_err = NULL;
  if (depth < 1 || depth > MAX_STACK) {
    *out_err = strdup("bad context stack");
    return NULL;
  }
  for (int i = 0; i < depth && !b.failed; i++)
    views[i] = view_from_json(&b, stack[i]);
  char *out = NULL;
  if (b.failed)
    *out_err = strdup("out of memory");
  else
    out = mustache_render(t, views, depth, env, out_len, out_err);
  vb_free(&b);
  return out;
}

void mustache_env_clear(mustache_env *env)
{
  if (env->cache == NULL)
    return;
  for (cached *c = env->cache->head, *next; c != NULL; c = next) {
    next = c->next;
    mustache_free(c->t);
    free(c);
  }
  free(env->cache);
  env->cache = NULL;
}
