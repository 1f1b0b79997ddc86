/* The files apic was built with, embedded at build time: the templates (which `apic generate
 * --templates DIR` can override by their relative path) and the runtime's sources. */
#ifndef APIC_TEMPLATES_H
#define APIC_TEMPLATES_H

#include <stddef.h>

typedef struct embedded_template {
  const char *path; /* relative to templates/ ("c/model.h.mustache"), or to the repo for the runtime */
  const char *text;
  size_t len;
} embedded_template;

/* Terminated by an entry whose path is NULL. Defined in the generated templates_data.c. */
extern const embedded_template embedded_templates[];

/* libapic's and libapic-mock's sources and headers, for `apic generate --bundle-runtime`:
 * paths as in the repo ("runtime/src/model.c", "mock/include/apic/mock.h"). Embedded like the
 * templates (runtime_data.c), so a bundle always matches the runtime this apic was built with. */
extern const embedded_template embedded_runtime[];

#endif
