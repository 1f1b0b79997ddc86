/* The consumer program (consumer.h). Each declaration is used the way the exact type matters:
 * a member's address into a pointer to its type, a function into a pointer to its type, a
 * callback type from a pointer to the function type it should be. Compiled with -Werror, any
 * difference is an error (incompatible pointer types, discarded qualifiers, unknown names). */
#include "consumer.h"

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
  c_list_free(&l);
  return rc;
}
