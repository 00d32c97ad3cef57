#include <zlib.h>

// inflateInit2 is a macro, which Swift cannot call: 15 + 16 window bits accept gzip framing only.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
