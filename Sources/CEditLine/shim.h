// libedit's readline-compatible API: line editing and history for the interview prompt.
// Only the datamap executable's terminal code uses it.
#ifndef DATAMAP_CEDITLINE_SHIM_H
#define DATAMAP_CEDITLINE_SHIM_H

#include <stdio.h>
#include <editline/readline.h>

#endif
