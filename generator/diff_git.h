/* apic diff --git REV NEW: OLD read from a git revision (diff_git.c). */
#ifndef APIC_DIFF_GIT_H
#define APIC_DIFF_GIT_H

#include "frontend.h"

/* Loads OLD: the spec at new_path's place in the repository as of revision rev, with the files
 * it imports as of rev (copied to a temporary directory, removed before returning); the
 * locations name them REV:path. Returns what apic_frontend_open does, EXIT_USAGE when git or
 * the copy fails (reported). */
int diff_open_git(spec *s, const char *rev, const char *new_path);

#endif
