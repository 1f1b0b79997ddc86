/* Shared inside runtime/src; never installed. */
#ifndef APIC_INTERNAL_H
#define APIC_INTERNAL_H

#include <stddef.h>

void *apic__malloc(size_t size);
void *apic__calloc(size_t n, size_t size); /* checks n * size for overflow */
void *apic__realloc(void *ptr, size_t size);
void apic__free(void *ptr);
char *apic__strndup(const char *s, size_t n); /* NUL-terminated copy of n bytes */
int apic__strcasecmp(const char *a, const char *b);
int apic__strncasecmp(const char *a, const char *b, size_t n); /* at most n characters */
/* Points cJSON's allocation at libapic's allocator (once; again after apic_set_allocator), so
 * strings can move between cJSON trees and models. */
void apic__json_hooks(void);
/* Gives e a value of type t to carry (apic_error_value), taking it; NULL (a failed copy) is
 * APIC_ERR_NOMEM. */
struct apic_error;
struct apic_type_desc;
int apic__error_set_value(struct apic_error *e, const struct apic_type_desc *t, void *value);
/* Gives e another code (a layer above the engine knows better what ended the call). */
void apic__error_set_code(struct apic_error *e, int code);

#endif
