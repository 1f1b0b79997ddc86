/* The consumer program (consumer.h). Each declaration is used the way the exact type matters:
 * a member's address into a pointer to its type, a function into a pointer to its type, a
 * callback type from a pointer to the function type it should be. Compiled with -Werror, any
 * difference is an error (incompatible pointer types, discarded qualifiers, unknown names).
 * With CHECK_LAYOUT it also checks what the ABI verdicts rest on: struct layouts and enum
 * values. */
#include "consumer.h"

#include <string.h>

#include "diff_c.h"
#include "names.h"

static void use_item(const c_item *it, size_t i, FILE *out)
{
  switch (it->kind) {
  case C_MEMBER:
    fprintf(out, "void use_%zu(%s *s) { %s *p = &s->%s; (void)p; }\n", i, it->owner, it->type, it->name);
    break;
  case C_FUNCTION:
    fprintf(out, "void use_%zu(void) { %s (*p)(%s) = %s; (void)p; }\n", i, it->type, it->args, it->name);
    break;
  case C_CALLBACK:
    fprintf(out, "void use_%zu(void) { %s (*q)(%s) = 0; %s p = q; (void)p; }\n", i, it->type, it->args, it->name);
    break;
  case C_CONSTANT:
    fprintf(out, "void use_%zu(void) { %s v = %s; (void)v; }\n", i, it->owner, it->name);
    break;
  case C_DATA:
    fprintf(out, "void use_%zu(void) { %s *p = &%s; (void)p; }\n", i, it->type, it->name);
    break;
  }
}

/* With CHECK_LAYOUT: each struct as the tables lay it out must have the generated struct's
 * size and member offsets, and each constant its value. (Not part of the C API: a program
 * built against the old SDK is compiled against the new one without it.) */
static void check_layout(const c_list *l, FILE *out)
{
  fputs("\n#ifdef CHECK_LAYOUT\n#include <stddef.h>\n", out);
  for (size_t i = 0; i < l->n; i++) {
    const c_item *it = &l->items[i];
    if (it->kind == C_CONSTANT)
      fprintf(out, "_Static_assert(%s == %s, \"%s is %s in the tables\");\n", it->name, it->type, it->name, it->type);
    if (it->kind != C_MEMBER || (i > 0 && l->items[i - 1].kind == C_MEMBER && strcmp(l->items[i - 1].owner, it->owner) == 0))
      continue; /* a struct's first member: the mirror of the whole struct */
    fprintf(out, "struct mirror_%zu {\n", i);
    for (size_t j = i; j < l->n && l->items[j].kind == C_MEMBER && strcmp(l->items[j].owner, it->owner) == 0; j++)
      fprintf(out, "  %s %s;\n", l->items[j].type, l->items[j].name);
    fprintf(out, "};\n_Static_assert(sizeof(struct mirror_%zu) == sizeof(%s), \"%s: another size\");\n", i, it->owner,
            it->owner);
    for (size_t j = i; j < l->n && l->items[j].kind == C_MEMBER && strcmp(l->items[j].owner, it->owner) == 0; j++)
      fprintf(out, "_Static_assert(offsetof(struct mirror_%zu, %s) == offsetof(%s, %s), \"%s.%s: another place\");\n", i,
              l->items[j].name, it->owner, l->items[j].name, it->owner, l->items[j].name);
  }
  fputs("#endif\n", out);
}

int consumer_write(const spec *s, FILE *out)
{
  c_names names;
  c_names_init(&names, s, s->api->name);
  c_list l = {0};
  c_surface(&names, &l);
  int rc = l.failed ? -1 : 0;
  fprintf(out, "/* Uses every declaration of the %s SDK (tests/diff/consumer.c). */\n#include <%s/%s.h>\n\n",
          s->api->name, names.prefix, names.prefix);
  for (size_t i = 0; i < l.n && rc == 0; i++)
    use_item(&l.items[i], i, out);
  if (rc == 0)
    check_layout(&l, out);
  c_list_free(&l);
  c_names_free(&names);
  return rc;
}
