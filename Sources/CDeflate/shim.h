// zlib's raw inflate and CRC-32, for unpacking the text part of a Word return.
// Only the Inflate module imports it.
#ifndef DATAMAP_CZLIB_SHIM_H
#define DATAMAP_CZLIB_SHIM_H

#include <zlib.h>

#endif
