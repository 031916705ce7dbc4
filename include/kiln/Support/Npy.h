//===- Npy.h - NumPy .npy file reading and writing --------------*- C++ -*-===//
//
// Reads .npy format versions 1.0, 2.0 and 3.0 holding a C-order array of
// float16/32/64, int8/32/64, uint8 or bool (either byte order). Writes
// version 1.0 (2.0 when the header needs it) byte-for-byte like np.save.
//
// The readers never throw and validate everything against the input size
// before touching it, so malformed or hostile files produce an error message,
// never a crash or an out-of-bounds read. Error messages are one sentence
// that says what is wrong and, where possible, how to fix it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_NPY_H
#define KILN_SUPPORT_NPY_H

#include "kiln/Support/HostTensor.h"

#include <cstddef>
#include <string>

namespace kiln {

/// Reads the .npy file at `path` into `out`. On failure returns false, sets
/// `error` (prefixed with the path) and leaves `out` unchanged.
bool readNpyFile(const std::string &path, HostTensor &out, std::string &error);

/// Same as readNpyFile for an in-memory image of a whole .npy file; the
/// buffer must contain exactly one array (trailing bytes are an error).
bool readNpyBuffer(const void *data, size_t size, HostTensor &out,
                   std::string &error);

/// Writes `tensor` as a .npy file. bf16 has no numpy dtype, so bf16 tensors
/// are written as float32 (an exact widening).
bool writeNpyFile(const std::string &path, const HostTensor &tensor,
                  std::string &error);

/// The exact bytes writeNpyFile would write.
std::string writeNpyBuffer(const HostTensor &tensor);

} // namespace kiln

#endif // KILN_SUPPORT_NPY_H
