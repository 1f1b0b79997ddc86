/* Helpers shared by the front-end suites: run the front end on text in memory and capture
 * its diagnostics. */
#ifndef FRONT_TEST_H
#define FRONT_TEST_H

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend.h"

/* Loads and checks text as a spec named name; returns the error count and, when out_diag is
 * not NULL, the diagnostics printed (caller frees). *s is left loaded: spec_free it. */
int check_text(spec *s, const char *name, const char *text, char **out_diag);
/* The first line of the diagnostics for text, or "" (caller frees). */
char *first_diag(const char *text);

#define API_BLOCK "api t { title = \"T\"; version = \"1\"; base_url = \"http://h\"; auth = bearer; }\n"

#endif
