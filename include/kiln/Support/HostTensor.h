//===- HostTensor.h - Dense host-side tensor buffer -------------*- C++ -*-===//
//
// A dense, row-major tensor in host memory that owns its bytes. It is the
// currency for weights, inputs and reference outputs: read from .npy, turned
// into constants by the compiler, compared against runtime results.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_HOSTTENSOR_H
#define KILN_SUPPORT_HOSTTENSOR_H

#include "kiln/Support/DType.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

class HostTensor {
public:
  /// An empty f32 tensor of shape {0}: no elements, no bytes.
  HostTensor();
  /// A zero-filled tensor. Every dim must be >= 0 and the element count must
  /// fit in int64_t (checked by assertion; validate untrusted shapes first).
  HostTensor(DType dtype, std::vector<int64_t> shape);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t rank() const { return int64_t(shape_.size()); }
  /// Product of the dims; 1 for a scalar (rank 0).
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const { return bytes_.size(); }

  /// The raw storage, aligned for any element type. Elements are in host
  /// byte order; f16/bf16 as their 16-bit patterns, i1 as one 0/1 byte.
  void *data() { return bytes_.data(); }
  const void *data() const { return bytes_.data(); }
  template <typename T> T *dataAs() { return reinterpret_cast<T *>(data()); }
  template <typename T> const T *dataAs() const {
    return reinterpret_cast<const T *>(data());
  }

  /// Read element `i` (flat row-major index) converted to double/int64.
  /// Floats read exactly, integers sign-extend (ui8 zero-extends), i1 gives
  /// 0 or 1. getInt on a float dtype truncates toward zero with NaN -> 0 and
  /// out-of-range values saturating to the int64 range.
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;

  /// Store element `i`, converting to the dtype. Float dtypes round to
  /// nearest even. Integer dtypes keep the low bits (two's complement wrap);
  /// a double is first truncated toward zero into int64 (NaN -> 0,
  /// out-of-range including +-inf saturates), then wrapped. i1 stores v != 0.
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);

  /// The body of the MLIR tensor type: "64x256xf32", or "f32" for a scalar.
  std::string typeString() const;
  /// Dims joined by 'x': "64x256"; "" for a scalar.
  static std::string shapeString(const std::vector<int64_t> &shape);

  /// Elementwise conversion following the setDouble/setInt rules: float
  /// sources go through their exact double value, integer sources through
  /// int64, so each element is rounded exactly once.
  HostTensor convertTo(DType dtype) const;

private:
  DType dtype_;
  std::vector<int64_t> shape_;
  int64_t numElements_;
  // operator new storage is aligned for every fundamental type, so dataAs<T>
  // is safe for all element types.
  std::vector<unsigned char> bytes_;
};

} // namespace kiln

#endif // KILN_SUPPORT_HOSTTENSOR_H
