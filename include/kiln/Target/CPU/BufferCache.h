//===- BufferCache.h - Reused temporaries for compiled code -----*- C++ -*-===//
//
// The allocation functions compiled code calls for its temporaries
// (finalize-memref-to-llvm's generic functions), backed by a cache of freed
// blocks (lib/kiln/Target/CPU/BufferCache.c). The JIT binds them by name;
// kilnc --emit=lib compiles the same source into each library
// (kBufferCacheSource).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CPU_BUFFERCACHE_H
#define KILN_TARGET_CPU_BUFFERCACHE_H

#include <cstdint>

extern "C" {
void *_mlir_memref_to_llvm_alloc(uint64_t size);
void _mlir_memref_to_llvm_free(void *pointer);
}

namespace kiln {
/// The C source of BufferCache.c, compiled into kilnc --emit=lib libraries.
extern const char *const kBufferCacheSource;
} // namespace kiln

#endif // KILN_TARGET_CPU_BUFFERCACHE_H
