/* The arena every AST node and string is allocated from. */
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

typedef struct block {
  struct block *next;
  size_t used, size;
  max_align_t data[]; /* aligned for any node */
} block;

struct ast_arena {
  block *head;
  size_t total; /* bytes of all blocks: each new block is larger (big_block_size) */
};

ast_arena *ast_arena_new(void)
{
  return calloc(1, sizeof(ast_arena));
}

void ast_arena_free(ast_arena *a)
{
  if (a == NULL)
    return;
  for (block *b = a->head, *next; b != NULL; b = next) {
    next = b->next;
    big_free(b, sizeof(block) + b->size);
  }
  free(a);
}

/* Starts a new block with room for size bytes at least. Blocks come zeroed (big_alloc) and
 * memory is never handed out twice, so nodes need no clearing. */
static block *new_block(ast_arena *a, size_t size)
{
  size_t bytes = big_block_size(a->total, sizeof(block) + size);
  block *b = big_alloc(bytes);
  if (b == NULL)
    return NULL;
  a->total += bytes;
  b->used = 0;
  b->size = bytes - sizeof(block);
  b->next = a->head;
  a->head = b;
  return b;
}

void ast_arena_reserve(ast_arena *a, size_t size)
{
  if (a->head == NULL || a->head->size - a->head->used < size)
    new_block(a, size); /* only a hint: when it fails, later allocations try smaller blocks */
}

/* Carves size bytes aligned to align (a power of two) from the newest block, or starts a new
 * block. */
static void *carve(ast_arena *a, size_t size, size_t align)
{
  block *b = a->head;
  size_t at = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
  if (b == NULL || at > b->size || b->size - at < size) {
    if ((b = new_block(a, size)) == NULL)
      return NULL;
    at = 0;
  }
  b->used = at + size;
  return (char *)b->data + at;
}

void *ast_alloc(ast_arena *a, size_t size)
{
  return carve(a, size, sizeof(max_align_t));
}

char *ast_strndup(ast_arena *a, const char *s, size_t n)
{
  char *p = carve(a, n + 1, 1); /* text needs no alignment */
  if (p != NULL) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

char *ast_strdup(ast_arena *a, const char *s)
{
  return ast_strndup(a, s, strlen(s));
}

const annotation *find_anno(const annotation *list, const char *name)
{
  for (; list != NULL; list = list->next)
    if (strcmp(list->name, name) == 0)
      return list;
  return NULL;
}

const char *anno_string(const annotation *list, const char *name)
{
  const annotation *a = find_anno(list, name);
  if (a == NULL || a->args == NULL || a->args->val.kind != VAL_STRING)
    return NULL;
  return a->args->val.text;
}

const char *field_wire(const field *f)
{
  const char *w = anno_string(f->annos, "json");
  if (w == NULL)
    w = anno_string(f->annos, "header");
  return w != NULL ? w : f->name;
}

const char *type_kind_name(const type *t)
{
  static const char *const kinds[] = {
      [R_STRING] = "string", [R_INT] = "int",     [R_FLOAT] = "float", [R_BOOL] = "bool",
      [R_DATETIME] = "datetime", [R_DATE] = "date", [R_ANY] = "any",     [R_MODEL] = "model",
      [R_ENUM] = "enum",     [R_ARRAY] = "array", [R_MAP] = "map",     [R_PAGE] = "model",
      [R_STREAM] = "model",  [R_INT32] = "int32", [R_UUID] = "uuid",   [R_BYTES] = "bytes",
      [R_UNION] = "union",
      [R_FILE] = "file"};
  return t->rk > R_UNRESOLVED && t->rk < R_KIND_COUNT ? kinds[t->rk] : "unresolved";
}

int op_downloads(const operation *op)
{
  return op->ret != NULL && op->ret->rk == R_BYTES;
}

const field *download_content_type(void)
{
  static const char *lines[] = {"The media type of the body."};
  static type text = {.kind = TYPE_NAMED, .name = "string", .rk = R_STRING};
  static arg name = {.val = {.kind = VAL_STRING, .text = "Content-Type"}};
  static annotation header = {.name = "header", .args = &name, .has_parens = 1};
  static const field ct = {.name = "content_type", .doc = {lines, 1, 0}, .type = &text, .optional = 1,
                           .annos = &header};
  return &ct;
}

int op_result_is_struct(const operation *op)
{
  return op->has_resp_headers || op_downloads(op);
}

int next_path_param(const char **p, const operation *op, char *name, size_t size, const field **declared)
{
  const char *brace = strchr(*p, '{'), *end = brace != NULL ? strchr(brace, '}') : NULL;
  if (end == NULL)
    return 0;
  snprintf(name, size, "%.*s", (int)(end - brace - 1), brace + 1);
  *declared = op->path_params;
  while (*declared != NULL && strcmp((*declared)->name, name) != 0)
    *declared = (*declared)->next;
  *p = end + 1;
  return 1;
}

int enum_is_integer(const decl *e)
{
  return e->values != NULL && e->values->wire_is_int;
}

const char *body_content_type(const operation *op)
{
  if (op->body_form)
    return op->body_form == BODY_FORM ? "application/x-www-form-urlencoded" : "multipart/form-data";
  if (op->body == NULL)
    return NULL;
  if (op->content_type != NULL)
    return op->content_type;
  return op->body->rk == R_STRING ? "text/plain; charset=utf-8"
         : op->body->rk == R_BYTES ? "application/octet-stream"
                                   : "application/json";
}

int auth_scheme_of(const api_item *it, auth_scheme *out)
{
  *out = (auth_scheme){.name = it->name != NULL ? it->name : "api_key", .at = it->name != NULL ? it->name_at : it->val.at};
  if (it->call != NULL && (strcmp(it->call, "header") == 0 || strcmp(it->call, "query") == 0)) {
    out->kind = it->call[0] == 'h' ? AUTH_HEADER : AUTH_QUERY;
    out->param = it->val.text;
    return 0;
  }
  if (it->call != NULL || it->val.kind != VAL_IDENT)
    return -1;
  out->kind = strcmp(it->val.text, "basic") == 0 ? AUTH_BASIC : AUTH_BEARER;
  return strcmp(it->val.text, "bearer") == 0 || strcmp(it->val.text, "basic") == 0 ? 0 : -1;
}

int api_schemes(const decl *api, auth_scheme out[MAX_SCHEMES], int *def)
{
  int n = 0, own = 0;
  const char *def_name = NULL;
  auth_scheme first, s;
  for (const api_item *it = api != NULL ? api->items : NULL; it != NULL; it = it->next) {
    if (strcmp(it->key, "auth") == 0 && it->name == NULL) {
      own = auth_scheme_of(it, &first) == 0;
      def_name = own ? first.name : it->call == NULL && it->val.kind == VAL_IDENT ? it->val.text : NULL;
    } else if (strcmp(it->key, "scheme") == 0 && it->name != NULL && n < MAX_SCHEMES - 1 && auth_scheme_of(it, &s) == 0) {
      out[n++] = s;
    }
  }
  if (own) { /* the one `auth = ...` declares comes first */
    memmove(out + 1, out, (size_t)n * sizeof *out);
    out[0] = first;
    n++;
  }
  *def = -1;
  for (int i = 0; i < n && def_name != NULL; i++)
    if (strcmp(out[i].name, def_name) == 0)
      *def = i;
  return n;
}

int op_scheme(const operation *op, const auth_scheme *schemes, int n, int def)
{
  const annotation *a = find_anno(op->annos, "auth");
  if (a == NULL || a->args == NULL || a->args->val.text == NULL)
    return def;
  for (int i = 0; i < n; i++)
    if (strcmp(schemes[i].name, a->args->val.text) == 0)
      return i;
  return -1;
}

int is_media_type(const char *s)
{
  static const char token[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  size_t main_len = strspn(s, token);
  size_t sub_len = s[main_len] == '/' ? strspn(s + main_len + 1, token) : 0;
  const char *rest = s + main_len + 1 + sub_len;
  if (main_len == 0 || sub_len == 0 || (*rest != '\0' && *rest != ';' && *rest != ' '))
    return 0;
  for (const char *p = rest; *p != '\0'; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
      return 0;
  return 1;
}
