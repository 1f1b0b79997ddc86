/* The templates apic was built with (templates/ embedded at build time), and the lookup that
 * lets `apic generate --templates DIR` override any of them by its relative path. */
#ifndef APIC_TEMPLATES_H
#define APIC_TEMPLATES_H

#include <stddef.h>

typedef struct embedded_template {
  const char *path; /* relative to templates/, e.g. "c/model.h.mustache" */
  const char *text;
  size_t len;
} embedded_template;

/* Terminated by an entry whose path is NULL. Defined in the generated templates_data.c. */
extern const embedded_template embedded_templates[];

#endif
