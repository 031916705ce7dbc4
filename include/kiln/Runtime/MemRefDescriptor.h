//===- MemRefDescriptor.h - The ABI of compiled entry points ----*- C++ -*-===//
//
// Every compiled entry point `_mlir_ciface_<fn>` takes one pointer per tensor
// to a strided memref descriptor: {allocated, aligned, offset, sizes[rank],
// strides[rank]}, all 64-bit words, row-major strides. The JIT target and
// the C runtime both build them here. Header-only and dependency-free, so a
// deployed runtime carries nothing of the compiler.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_MEMREFDESCRIPTOR_H
#define KILN_RUNTIME_MEMREFDESCRIPTOR_H

#include <cstdint>
#include <cstring>

namespace kiln {

static_assert(sizeof(void *) == sizeof(int64_t),
              "memref descriptors are built for 64-bit hosts only");

/// 64-bit words in the descriptor of a rank-`rank` tensor.
inline size_t memrefDescriptorWords(int64_t rank) { return 3 + 2 * size_t(rank); }

/// Writes the descriptor of a dense row-major tensor at `data` with `shape`
/// into `out` (memrefDescriptorWords(rank) words).
inline void writeMemRefDescriptor(int64_t *out, const void *data,
                                  const int64_t *shape, int64_t rank) {
  std::memcpy(&out[0], &data, sizeof(void *)); // allocated
  std::memcpy(&out[1], &data, sizeof(void *)); // aligned
  out[2] = 0;                                  // offset
  int64_t stride = 1;
  for (int64_t k = rank - 1; k >= 0; --k) {
    out[3 + k] = shape[k];
    out[3 + rank + k] = stride;
    stride *= shape[k];
  }
}

} // namespace kiln

#endif // KILN_RUNTIME_MEMREFDESCRIPTOR_H
