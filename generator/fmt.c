/* The spec printer (fmt.h). The layout, stated once (docs/spec-language.md, "Layout"):
 *   - four spaces a level; a declaration's members one a line, or all on the declaration's
 *     line when the source had them so, none has a doc, and the line fits in 100 columns;
 *   - doc comments above what they document (a trailing one stays trailing), `//` comments
 *     where they were: on their own line, or two spaces after the code of theirs;
 *   - the api block's settings aligned on '=';
 *   - an operation's parts in the order path, query, body, headers, errors, then the result and
 *     the annotations, filled onto lines of at most 100 columns; a continuation line is indented
 *     two levels; a parameter list with docs, or too long for a line, has a parameter a line
 *     (three levels) and ends the line;
 *   - at most one blank line wherever the source had one, and one between declarations of a
 *     spec built in memory. */
#include "fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define WIDTH 100
#define INDENT 4

typedef struct printer {
  strbuf out;
  const fmt_input *in;
  size_t *lines; /* source line starts, 1-based (lines[0] unused) */
  int nlines;
  size_t next_comment;
} printer;

/* ---- source: blank lines and comments ------------------------------------------------------ */

static void index_lines(printer *p)
{
  const char *s = p->in->source;
  size_t n = 2;
  for (size_t i = 0; i < p->in->source_len; i++)
    n += s[i] == '\n';
  p->lines = malloc((n + 1) * sizeof *p->lines);
  if (p->lines == NULL) {
    p->out.failed = 1;
    return;
  }
  p->lines[1] = 0;
  p->nlines = 1;
  for (size_t i = 0; i < p->in->source_len; i++)
    if (s[i] == '\n')
      p->lines[++p->nlines] = i + 1;
}

/* The source line (1-based) without its newline: *len bytes. */
static const char *source_line(const printer *p, int line, size_t *len)
{
  if (p->lines == NULL || line < 1 || line > p->nlines) {
    *len = 0;
    return NULL;
  }
  size_t start = p->lines[line];
  size_t end = line < p->nlines ? p->lines[line + 1] - 1 : p->in->source_len;
  *len = end - start;
  return p->in->source + start;
}

static int blank_source_line(const printer *p, int line)
{
  size_t len;
  const char *s = source_line(p, line, &len);
  if (s == NULL)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
      return 0;
  return 1;
}

/* Whether the source line holds a doc comment (`///` but not `////`) and nothing else. */
static int doc_source_line(const printer *p, int line)
{
  size_t len, i = 0;
  const char *s = source_line(p, line, &len);
  while (s != NULL && i < len && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return s != NULL && len - i >= 3 && memcmp(s + i, "///", 3) == 0 && (len - i == 3 || s[i + 3] != '/');
}

/* Whether the source had a blank line before the item at line, above its doc comments. */
static int blank_before(const printer *p, int line)
{
  int l = line - 1;
  while (l > 0 && doc_source_line(p, l))
    l--;
  return blank_source_line(p, l);
}

static int before(loc a, loc b)
{
  return a.line < b.line || (a.line == b.line && a.col < b.col);
}

static int out_ends_blank(const printer *p)
{
  const strbuf *b = &p->out;
  return b->len == 0 || (b->len >= 2 && b->data[b->len - 1] == '\n' && b->data[b->len - 2] == '\n');
}

static void put_indent(printer *p, int level)
{
  for (int i = 0; i < level * INDENT; i++)
    sb_append(&p->out, " ", 1);
}

/* A blank line, unless there is one already (or nothing yet). */
static void blank_line(printer *p)
{
  if (!out_ends_blank(p))
    sb_append(&p->out, "\n", 1);
}

/* Prints the comments that come before at: a trailing one at the end of the last line
 * written, others on their own lines at level (with the blank lines the source had). */
static void flush_comments(printer *p, loc at, int level)
{
  while (p->next_comment < p->in->ncomments) {
    const comment *c = &p->in->comments[p->next_comment];
    if (at.line > 0 && !before((loc){0, c->line, c->col}, at))
      break;
    p->next_comment++;
    strbuf *b = &p->out;
    if (c->trailing && b->len > 0 && b->data[b->len - 1] == '\n' && !out_ends_blank(p)) {
      b->len--; /* back onto the last line */
      sb_printf(b, "  %s\n", c->text);
      continue;
    }
    if (blank_source_line(p, c->line - 1))
      blank_line(p);
    put_indent(p, level);
    sb_printf(b, "%s\n", c->text);
  }
}

/* Before an item at `at`: its comments, then a blank line where the source had one
 * (first: the first item of a block takes none). */
static void item_start(printer *p, loc at, int level, int first)
{
  flush_comments(p, at, level);
  if (!first && at.line > 0 && blank_before(p, at.line))
    blank_line(p);
}

/* ---- values, types, annotations ------------------------------------------------------------ */

static void put_string(strbuf *b, const char *s)
{
  sb_append(b, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
    switch (*c) {
    case '"': sb_append(b, "\\\"", 2); break;
    case '\\': sb_append(b, "\\\\", 2); break;
    case '\n': sb_append(b, "\\n", 2); break;
    case '\t': sb_append(b, "\\t", 2); break;
    case '\r': sb_append(b, "\\r", 2); break;
    default:
      if (*c < 0x20 || *c == 0x7f)
        sb_printf(b, "\\u%04x", *c);
      else
        sb_append(b, (const char *)c, 1);
    }
  }
  sb_append(b, "\"", 1);
}

static void put_value(strbuf *b, const value *v)
{
  switch (v->kind) {
  case VAL_STRING: put_string(b, v->text); break;
  case VAL_BOOL: sb_puts(b, v->i ? "true" : "false"); break;
  case VAL_NULL: sb_puts(b, "null"); break;
  case VAL_EMPTY_LIST: sb_puts(b, "[]"); break;
  case VAL_LIST:
  case VAL_MAP:
    sb_puts(b, v->kind == VAL_LIST ? "[" : "{");
    for (const value *i = v->items; i != NULL; i = i->next) {
      sb_puts(b, i == v->items ? "" : ", ");
      if (i->key != NULL) {
        put_string(b, i->key);
        sb_puts(b, ": ");
      }
      put_value(b, i);
    }
    sb_puts(b, v->kind == VAL_LIST ? "]" : "}");
    break;
  default: sb_puts(b, v->text != NULL ? v->text : "0"); break;
  }
}

static void put_type(strbuf *b, const type *t)
{
  switch (t->kind) {
  case TYPE_ARRAY:
    put_type(b, t->inner);
    sb_append(b, "[]", 2);
    break;
  case TYPE_GENERIC:
    sb_printf(b, "%s<", t->name);
    put_type(b, t->inner);
    sb_append(b, ">", 1);
    break;
  default: sb_puts(b, t->name); break;
  }
}

static void put_anno(strbuf *b, const annotation *a)
{
  sb_printf(b, "@%s", a->name);
  if (!a->has_parens && a->args == NULL)
    return;
  sb_append(b, "(", 1);
  for (const arg *g = a->args; g != NULL; g = g->next) {
    if (g != a->args)
      sb_append(b, ", ", 2);
    if (g->key != NULL)
      sb_printf(b, "%s: ", g->key);
    put_value(b, &g->val);
  }
  sb_append(b, ")", 1);
}

static void put_annos(strbuf *b, const annotation *list)
{
  for (const annotation *a = list; a != NULL; a = a->next) {
    sb_append(b, " ", 1);
    put_anno(b, a);
  }
}

/* A field or parameter: name[?]: type[ | null][ = default][ @annos]. */
static void put_field(strbuf *b, const field *f)
{
  sb_printf(b, "%s%s: ", f->name, f->optional ? "?" : "");
  put_type(b, f->type);
  if (f->nullable)
    sb_puts(b, " | null");
  if (f->def != NULL) {
    sb_puts(b, " = ");
    put_value(b, f->def);
  }
  put_annos(b, f->annos);
}

/* Doc lines above an item (all but a trailing last one). */
static void put_docs(printer *p, const doc *d, int level)
{
  int n = d->count - (d->trailing ? 1 : 0);
  for (int i = 0; i < n; i++) {
    put_indent(p, level);
    sb_printf(&p->out, d->lines[i][0] != '\0' ? "/// %s\n" : "///\n", d->lines[i]);
  }
}

/* Ends an item's line, with its trailing doc if it has one. */
static void end_item(printer *p, const doc *d)
{
  if (d->trailing && d->count > 0)
    sb_printf(&p->out, "  /// %s", d->lines[d->count - 1]);
  sb_append(&p->out, "\n", 1);
}

/* ---- declarations ------------------------------------------------------------------------- */

static void put_api(printer *p, const decl *d)
{
  sb_printf(&p->out, "api %s {\n", d->name);
  size_t width = 0; /* of "key" or "scheme NAME" */
  for (const api_item *it = d->items; it != NULL; it = it->next)
    if (strlen(it->key) + (it->name != NULL ? strlen(it->name) + 1 : 0) > width)
      width = strlen(it->key) + (it->name != NULL ? strlen(it->name) + 1 : 0);
  for (const api_item *it = d->items; it != NULL; it = it->next) {
    item_start(p, it->at, 1, it == d->items);
    put_indent(p, 1);
    size_t len = strlen(it->key) + (it->name != NULL ? strlen(it->name) + 1 : 0);
    sb_printf(&p->out, "%s%s%s%*s = ", it->key, it->name != NULL ? " " : "", it->name != NULL ? it->name : "",
              (int)(width - len), "");
    if (it->call != NULL) {
      sb_printf(&p->out, "%s(", it->call);
      put_value(&p->out, &it->val);
      sb_append(&p->out, ")", 1);
    } else {
      put_value(&p->out, &it->val);
    }
    sb_append(&p->out, ";\n", 2);
  }
  flush_comments(p, d->end, 1);
  sb_append(&p->out, "}\n", 2);
}

/* An enum value: name[ = "wire"][ @annos];. */
static void put_enum_value(strbuf *b, const enum_value *v)
{
  sb_puts(b, v->name);
  if (v->wire != NULL && v->wire_is_int)
    sb_printf(b, " = %s", v->wire);
  else if (v->wire != NULL) {
    sb_puts(b, " = ");
    put_string(b, v->wire);
  }
  put_annos(b, v->annos);
  sb_append(b, ";", 1);
}

/* The fields a model or error declares itself (a checked one's fields hold its bases' too). */
static const field *own_fields(const decl *d)
{
  return d->own_fields != NULL || d->bases != NULL ? d->own_fields : d->fields;
}

static int has_comment_within(const printer *p, loc from, loc to)
{
  for (size_t i = p->next_comment; i < p->in->ncomments; i++) {
    loc c = {0, p->in->comments[i].line, p->in->comments[i].col};
    if (before(c, to))
      return before(from, c);
  }
  return 0;
}

/* The members of a block on the declaration's line, if the source had them there, none has a
 * doc or comment, and it fits: the text (caller frees), else NULL. */
static char *one_line_block(const printer *p, const decl *d, const char *head)
{
  const field *fields = d->kind == D_ENUM ? NULL : own_fields(d);
  loc first = d->kind == D_ENUM ? (d->values != NULL ? d->values->at : d->end) : (fields != NULL ? fields->at : d->end);
  if (d->at.line == 0 || first.line != d->at.line || has_comment_within(p, d->at, d->end))
    return NULL;
  strbuf b = {0};
  sb_printf(&b, "%s {", head);
  for (const enum_value *v = d->kind == D_ENUM ? d->values : NULL; v != NULL; v = v->next) {
    if (v->doc.count > 0)
      goto no;
    sb_append(&b, " ", 1);
    put_enum_value(&b, v);
  }
  for (const field *f = fields; f != NULL; f = f->next) {
    if (f->doc.count > 0)
      goto no;
    sb_append(&b, " ", 1);
    put_field(&b, f);
    sb_append(&b, ";", 1);
  }
  sb_puts(&b, d->values != NULL || fields != NULL ? " }" : "}");
  if (!b.failed && b.len <= WIDTH)
    return sb_take(&b, NULL);
no:
  sb_free(&b);
  return NULL;
}

/* enum, model and error: the head ("model Task extends Base @deprecated"), then the members. */
static void put_block(printer *p, const decl *d)
{
  strbuf head = {0};
  sb_printf(&head, "%s %s",
            d->kind == D_ENUM ? "enum" : d->kind == D_MODEL ? "model" : d->kind == D_UNION ? "union" : "error", d->name);
  if (d->kind == D_ERROR)
    sb_printf(&head, " %s", d->status);
  for (const name_ref *b = d->bases; b != NULL; b = b->next)
    sb_printf(&head, "%s%s", b == d->bases ? " extends " : ", ", b->name);
  put_annos(&head, d->annos);
  char *one = head.failed ? NULL : one_line_block(p, d, head.data);
  if (one != NULL) {
    sb_printf(&p->out, "%s\n", one);
    free(one);
    sb_free(&head);
    return;
  }
  sb_printf(&p->out, "%s {\n", head.data != NULL ? head.data : "");
  sb_free(&head);
  for (const enum_value *v = d->kind == D_ENUM ? d->values : NULL; v != NULL; v = v->next) {
    item_start(p, v->at, 1, v == d->values);
    put_docs(p, &v->doc, 1);
    put_indent(p, 1);
    put_enum_value(&p->out, v);
    end_item(p, &v->doc);
  }
  for (const field *f = d->kind != D_ENUM ? own_fields(d) : NULL; f != NULL; f = f->next) {
    item_start(p, f->at, 1, f == own_fields(d));
    put_docs(p, &f->doc, 1);
    put_indent(p, 1);
    put_field(&p->out, f);
    sb_append(&p->out, ";", 1);
    end_item(p, &f->doc);
  }
  flush_comments(p, d->end, 1);
  sb_append(&p->out, "}\n", 2);
}

/* ---- operations ------------------------------------------------------------------------------ */

/* The line being filled with an operation's chunks. */
typedef struct filler {
  printer *p;
  size_t line_start; /* offset of the current line in p->out */
  int broken;        /* the next chunk starts a continuation line */
} filler;

static size_t line_len(const filler *f)
{
  return f->p->out.len - f->line_start;
}

static void new_line(filler *f, int level)
{
  sb_append(&f->p->out, "\n", 1);
  f->line_start = f->p->out.len;
  put_indent(f->p, level);
}

/* Appends a chunk: on this line when it fits, else on a continuation line. */
static void put_chunk(filler *f, const char *text)
{
  if (f->broken || line_len(f) + 1 + strlen(text) > WIDTH)
    new_line(f, 2);
  else
    sb_append(&f->p->out, " ", 1);
  sb_puts(&f->p->out, text);
  f->broken = 0;
}

/* A parameter list: one chunk when it fits on a line and has no docs, else a parameter a line
 * (with the comments that come before each). tail follows the closing parenthesis. */
static void put_params(filler *f, const char *part, const field *params, const char *tail)
{
  int docs = 0;
  for (const field *q = params; q != NULL; q = q->next)
    docs |= q->doc.count > 0;
  strbuf one = {0};
  sb_printf(&one, "%s(", part);
  for (const field *q = params; q != NULL; q = q->next) {
    if (q != params)
      sb_append(&one, ", ", 2);
    put_field(&one, q);
  }
  sb_printf(&one, ")%s", tail);
  if (one.failed) {
    f->p->out.failed = 1;
  } else if (!docs && (params == NULL || 2 * INDENT + one.len <= WIDTH)) {
    put_chunk(f, one.data);
  } else {
    one.len = 0;
    sb_printf(&one, "%s(", part);
    put_chunk(f, one.data != NULL ? one.data : "(");
    for (const field *q = params; q != NULL; q = q->next) {
      sb_append(&f->p->out, "\n", 1);
      flush_comments(f->p, q->at, 3);
      put_docs(f->p, &q->doc, 3);
      f->line_start = f->p->out.len;
      put_indent(f->p, 3);
      put_field(&f->p->out, q);
      sb_puts(&f->p->out, q->next != NULL ? "," : ")");
    }
    sb_puts(&f->p->out, tail);
    f->broken = 1;
  }
  sb_free(&one);
}

/* An annotation starting a continuation line; too long for it, its arguments fill lines
 * aligned after its '('. */
static void put_anno_lines(filler *f, const annotation *a, const char *text, const char *end)
{
  if (2 * INDENT + strlen(text) + strlen(end) <= WIDTH || a->args == NULL) {
    f->broken = 1;
    put_chunk(f, text);
    sb_puts(&f->p->out, end);
    return;
  }
  new_line(f, 2);
  sb_printf(&f->p->out, "@%s(", a->name);
  size_t col = line_len(f);
  strbuf one = {0};
  for (const arg *g = a->args; g != NULL; g = g->next) {
    one.len = 0;
    if (g->key != NULL)
      sb_printf(&one, "%s: ", g->key);
    put_value(&one, &g->val);
    sb_puts(&one, g->next != NULL ? "," : ")");
    if (g->next == NULL)
      sb_puts(&one, end);
    if (g != a->args && line_len(f) + 1 + one.len > WIDTH) {
      sb_append(&f->p->out, "\n", 1);
      f->line_start = f->p->out.len;
      for (size_t i = 0; i < col; i++)
        sb_append(&f->p->out, " ", 1);
    } else if (g != a->args) {
      sb_append(&f->p->out, " ", 1);
    }
    sb_puts(&f->p->out, one.data != NULL ? one.data : "");
  }
  sb_free(&one);
  f->broken = 1;
}

/* What follows an operation's head, in the layout's order: parameter lists, or text. */
typedef struct chunk {
  const char *part; /* "path", "query", "headers": a parameter list */
  const field *params;
  const annotation *anno;
  strbuf text;
  int tail; /* the result or an annotation: these go together on a line of their own */
} chunk;

/* An operation's chunks into c (room for 6 plus its annotations); returns how many. */
static size_t op_chunks(const operation *op, chunk *c)
{
  size_t n = 0;
  if (op->has_path)
    c[n].part = "path", c[n++].params = op->path_params;
  if (op->has_query)
    c[n].part = "query", c[n++].params = op->query_params;
  if (op->body_form) { /* body form(...), body multipart(...): a parameter list */
    c[n].part = op->body_form == BODY_FORM ? "body form" : "body multipart";
    c[n++].params = op->body_params;
  } else if (op->body != NULL) {
    sb_puts(&c[n].text, "body ");
    put_type(&c[n].text, op->body);
    if (op->content_type != NULL) {
      sb_puts(&c[n].text, " ");
      put_string(&c[n].text, op->content_type);
    }
    n++;
  }
  if (op->has_headers)
    c[n].part = "headers", c[n++].params = op->header_params;
  if (op->has_errors) {
    sb_puts(&c[n].text, "errors(");
    for (const name_ref *e = op->errors; e != NULL; e = e->next)
      sb_printf(&c[n].text, "%s%s", e == op->errors ? "" : ", ", e->name);
    sb_puts(&c[n++].text, ")");
  }
  if (op->ret != NULL || op->has_resp_headers) {
    sb_puts(&c[n].text, "->");
    if (op->ret != NULL) {
      sb_puts(&c[n].text, " ");
      put_type(&c[n].text, op->ret);
    }
    if (op->has_resp_headers) { /* "-> T headers(...)": a parameter list led by the result */
      sb_puts(&c[n].text, " headers");
      c[n].part = c[n].text.data != NULL ? c[n].text.data : "-> headers";
      c[n].params = op->resp_headers;
    }
    c[n++].tail = 1;
  }
  for (const annotation *a = op->annos; a != NULL; a = a->next) {
    put_anno(&c[n].text, a);
    c[n].anno = a;
    c[n++].tail = 1;
  }
  return n;
}

/* The whole operation on one line into b; b->failed when a parameter has a doc (it cannot). */
static void one_line_op(const operation *op, const chunk *c, size_t n, strbuf *b)
{
  sb_printf(b, "%s: %s ", op->name, op->method);
  put_string(b, op->path);
  for (size_t i = 0; i < n; i++) {
    sb_append(b, " ", 1);
    if (c[i].part == NULL) {
      sb_puts(b, c[i].text.data != NULL ? c[i].text.data : "");
      continue;
    }
    sb_printf(b, "%s(", c[i].part);
    for (const field *q = c[i].params; q != NULL; q = q->next) {
      if (q->doc.count > 0)
        b->failed = 1; /* not on one line */
      sb_puts(b, q != c[i].params ? ", " : "");
      put_field(b, q);
    }
    sb_append(b, ")", 1);
  }
  sb_append(b, ";", 1);
}

static void put_operation(printer *p, const operation *op)
{
  size_t max = 6;
  for (const annotation *a = op->annos; a != NULL; a = a->next)
    max++;
  chunk *c = calloc(max, sizeof *c);
  if (c == NULL) {
    p->out.failed = 1;
    return;
  }
  size_t n = op_chunks(op, c);
  put_docs(p, &op->doc, 1);
  strbuf one = {0};
  one_line_op(op, c, n, &one);
  if (!one.failed && INDENT + one.len <= WIDTH) {
    put_indent(p, 1);
    sb_puts(&p->out, one.data);
  } else {
    /* The result and the annotations start a line of their own, together when they fit; else
     * the result follows the parts and each annotation starts a line. */
    size_t tail = n, tail_len = 0;
    int tail_params = 0;
    while (tail > 0 && c[tail - 1].tail)
      tail--;
    for (size_t i = tail; i < n; i++)
      tail_len += c[i].text.len + 1, tail_params |= c[i].part != NULL;
    int together = tail < n && !tail_params && 2 * INDENT + tail_len <= WIDTH;
    if (together) {
      for (size_t i = tail + 1; i < n; i++)
        sb_printf(&c[tail].text, " %s", c[i].text.data);
      n = tail + 1;
    }
    filler f = {p, p->out.len, 0};
    put_indent(p, 1);
    sb_printf(&p->out, "%s: %s ", op->name, op->method);
    put_string(&p->out, op->path);
    for (size_t i = 0; i < n; i++) {
      const char *end = i + 1 == n ? ";" : "";
      f.broken |= together && i == tail;
      if (c[i].part != NULL) {
        put_params(&f, c[i].part, c[i].params, end);
      } else if (!together && c[i].anno != NULL) {
        put_anno_lines(&f, c[i].anno, c[i].text.data != NULL ? c[i].text.data : "", end);
      } else {
        sb_puts(&c[i].text, end);
        put_chunk(&f, c[i].text.data != NULL ? c[i].text.data : "");
      }
    }
    if (n == 0) /* a head too long for a line, alone */
      sb_append(&p->out, ";", 1);
  }
  sb_free(&one);
  for (size_t i = 0; i < max; i++) {
    p->out.failed |= c[i].text.failed;
    sb_free(&c[i].text);
  }
  free(c);
  end_item(p, &op->doc);
}

static void put_resource(printer *p, const decl *d)
{
  sb_printf(&p->out, "resource %s ", d->name);
  put_string(&p->out, d->path);
  put_annos(&p->out, d->annos);
  sb_puts(&p->out, " {\n");
  for (const operation *op = d->ops; op != NULL; op = op->next) {
    item_start(p, op->at, 1, op == d->ops);
    const char *c = p->in->comment_for != NULL ? p->in->comment_for(p->in->ctx, op) : NULL;
    if (c != NULL) {
      put_indent(p, 1);
      sb_printf(&p->out, "// %s\n", c);
    }
    put_operation(p, op);
  }
  flush_comments(p, d->end, 1);
  sb_append(&p->out, "}\n", 2);
}

static void put_decl(printer *p, const decl *d, int first)
{
  item_start(p, d->at, 0, 0); /* a blank line before the first too, when a comment came first */
  if (!first && (p->in->source == NULL || d->at.line == 0))
    blank_line(p);
  const char *c = p->in->comment_for != NULL ? p->in->comment_for(p->in->ctx, d) : NULL;
  if (c != NULL)
    sb_printf(&p->out, "// %s\n\n", c);
  put_docs(p, &d->doc, 0);
  switch (d->kind) {
  case D_API: put_api(p, d); break;
  case D_IMPORT:
    sb_puts(&p->out, "import ");
    put_string(&p->out, d->name);
    sb_puts(&p->out, ";\n");
    break;
  case D_ENUM:
  case D_MODEL:
  case D_ERROR:
  case D_UNION: put_block(p, d); break;
  case D_RESOURCE: put_resource(p, d); break;
  }
}

char *fmt_print(const fmt_input *in, size_t *out_len)
{
  printer p = {{0}, in, NULL, 0, 0};
  if (in->source != NULL)
    index_lines(&p);
  for (const decl *d = in->decls; d != NULL; d = d->next)
    put_decl(&p, d, d == in->decls);
  flush_comments(&p, (loc){0, 0, 0}, 0);
  free(p.lines);
  sb_append(&p.out, "", 0);
  return sb_take(&p.out, out_len);
}
