// libedit's readline-compatible API: line editing and history for the interview prompt.
// Only the datamap executable's terminal code uses it.
#ifndef DATAMAP_CEDITLINE_SHIM_H
#define DATAMAP_CEDITLINE_SHIM_H

#include <stdio.h>
#include <editline/readline.h>

// Sets libedit's key reader; a C global that Swift's concurrency checking cannot see is safe to set
// once, before the first prompt.
static inline void datamap_set_getc_function(int (*function)(FILE *)) { rl_getc_function = function; }

#endif
