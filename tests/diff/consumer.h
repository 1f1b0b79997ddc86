/* A C program that uses every declaration the generated SDK of a spec makes, as diff_c.c's
 * layout tables list them (c_surface): compiled against an SDK, it fails as soon as one of
 * them is missing or has another type. With -DCHECK_LAYOUT, also as soon as a struct's
 * layout or a constant's value is not the tables'. */
#ifndef DIFF_CONSUMER_H
#define DIFF_CONSUMER_H

#include <stdio.h>

#include "frontend.h"

/* Writes the program for spec s to out. Returns 0, or -1 when out of memory. */
int consumer_write(const spec *s, FILE *out);

#endif
