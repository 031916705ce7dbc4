//===- HostTensor.cpp - Dense host-side tensor buffer ---------------------===//

#include "kiln/Support/HostTensor.h"

#include "kiln/Support/Float16.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace kiln {

namespace {

int64_t elementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    assert(dim >= 0 && "HostTensor dims must be non-negative");
    assert((dim == 0 || count <= std::numeric_limits<int64_t>::max() / dim) &&
           "HostTensor element count overflows int64_t");
    count *= dim;
  }
  return count;
}

// Elements are accessed through memcpy: the storage is raw bytes, and this
// keeps the accesses free of aliasing and alignment assumptions.
template <typename T> T load(const unsigned char *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

template <typename T> void store(unsigned char *p, T value) {
  std::memcpy(p, &value, sizeof(T));
}

/// Truncates toward zero like a C cast, but defined everywhere: NaN gives 0
/// and values outside int64_t (infinities included) saturate.
int64_t truncateToInt64(double v) {
  if (std::isnan(v))
    return 0;
  // 2^63 is exact in double; -2^63 itself is representable in int64_t.
  if (v >= 9223372036854775808.0)
    return std::numeric_limits<int64_t>::max();
  if (v < -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

/// Converts to double rounding to odd: drop bits beyond 53 significant ones
/// and OR "anything dropped" into the last kept bit. Rounding that result to
/// nearest even at <= 51 bits (f16, bf16) equals rounding `v` directly,
/// whereas a plain int64 -> double conversion could create a false tie
/// (e.g. 2^62 + 2^54 + 1 would become the bf16 tie 2^62 + 2^54).
double int64ToDoubleRoundToOdd(int64_t v) {
  uint64_t magnitude = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  int shift = 0;
  if (magnitude >> 53) {
    int topBit = 63;
    while (!(magnitude >> topBit))
      --topBit;
    shift = topBit - 52;
    const uint64_t dropped = magnitude & ((uint64_t(1) << shift) - 1);
    magnitude = (magnitude >> shift) | (dropped != 0 ? 1 : 0);
  }
  const double result = std::ldexp(double(magnitude), shift); // Exact.
  return v < 0 ? -result : result;
}

} // namespace

HostTensor::HostTensor() : dtype_(DType::F32), shape_{0}, numElements_(0) {}

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)),
      numElements_(elementCount(shape_)) {
  const size_t elementSize = dtypeByteSize(dtype_);
  assert(uint64_t(numElements_) <=
             std::numeric_limits<size_t>::max() / elementSize &&
         "HostTensor byte size overflows size_t");
  bytes_.assign(size_t(numElements_) * elementSize, 0);
}

double HostTensor::getDouble(int64_t i) const {
  assert(i >= 0 && i < numElements_ && "HostTensor index out of range");
  const unsigned char *p = bytes_.data() + size_t(i) * dtypeByteSize(dtype_);
  switch (dtype_) {
  case DType::F32:
    return load<float>(p);
  case DType::F16:
    return halfBitsToFloat(load<uint16_t>(p));
  case DType::BF16:
    return bfloat16BitsToFloat(load<uint16_t>(p));
  case DType::F64:
    return load<double>(p);
  case DType::I64:
  case DType::I32:
  case DType::I8:
  case DType::U8:
  case DType::I1:
    return double(getInt(i));
  }
  assert(false && "invalid DType");
  return 0;
}

int64_t HostTensor::getInt(int64_t i) const {
  assert(i >= 0 && i < numElements_ && "HostTensor index out of range");
  const unsigned char *p = bytes_.data() + size_t(i) * dtypeByteSize(dtype_);
  switch (dtype_) {
  case DType::F32:
  case DType::F16:
  case DType::BF16:
  case DType::F64:
    return truncateToInt64(getDouble(i));
  case DType::I64:
    return load<int64_t>(p);
  case DType::I32:
    return load<int32_t>(p);
  case DType::I8:
    return load<int8_t>(p);
  case DType::U8:
    return load<uint8_t>(p);
  case DType::I1:
    return load<uint8_t>(p) != 0 ? 1 : 0;
  }
  assert(false && "invalid DType");
  return 0;
}

void HostTensor::setDouble(int64_t i, double v) {
  assert(i >= 0 && i < numElements_ && "HostTensor index out of range");
  unsigned char *p = bytes_.data() + size_t(i) * dtypeByteSize(dtype_);
  switch (dtype_) {
  case DType::F32:
    // IEEE float (asserted in Float16.cpp) makes out-of-range casts
    // well defined: they round to +-inf.
    store<float>(p, static_cast<float>(v));
    return;
  case DType::F16:
    store<uint16_t>(p, doubleToHalfBits(v));
    return;
  case DType::BF16:
    store<uint16_t>(p, doubleToBFloat16Bits(v));
    return;
  case DType::F64:
    store<double>(p, v);
    return;
  case DType::I1:
    // Like numpy's astype(bool): any non-zero value, NaN included, is true.
    store<uint8_t>(p, v != 0 ? 1 : 0);
    return;
  case DType::I64:
  case DType::I32:
  case DType::I8:
  case DType::U8:
    setInt(i, truncateToInt64(v));
    return;
  }
  assert(false && "invalid DType");
}

void HostTensor::setInt(int64_t i, int64_t v) {
  assert(i >= 0 && i < numElements_ && "HostTensor index out of range");
  unsigned char *p = bytes_.data() + size_t(i) * dtypeByteSize(dtype_);
  // Narrowing goes through unsigned types, where wrapping modulo 2^bits is
  // defined; the stored bytes are then the two's complement pattern.
  const uint64_t bits = uint64_t(v);
  switch (dtype_) {
  case DType::F32:
    store<float>(p, static_cast<float>(v)); // Correctly rounded by the cast.
    return;
  case DType::F16:
    store<uint16_t>(p, doubleToHalfBits(int64ToDoubleRoundToOdd(v)));
    return;
  case DType::BF16:
    store<uint16_t>(p, doubleToBFloat16Bits(int64ToDoubleRoundToOdd(v)));
    return;
  case DType::F64:
    store<double>(p, static_cast<double>(v));
    return;
  case DType::I64:
    store<uint64_t>(p, bits);
    return;
  case DType::I32:
    store<uint32_t>(p, uint32_t(bits));
    return;
  case DType::I8:
  case DType::U8:
    store<uint8_t>(p, uint8_t(bits));
    return;
  case DType::I1:
    store<uint8_t>(p, v != 0 ? 1 : 0);
    return;
  }
  assert(false && "invalid DType");
}

std::string HostTensor::shapeString(const std::vector<int64_t> &shape) {
  std::string result;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d != 0)
      result += 'x';
    result += std::to_string(shape[d]);
  }
  return result;
}

std::string HostTensor::typeString() const {
  if (shape_.empty())
    return dtypeName(dtype_);
  return shapeString(shape_) + "x" + dtypeName(dtype_);
}

HostTensor HostTensor::convertTo(DType dtype) const {
  if (dtype == dtype_)
    return *this;
  HostTensor result(dtype, shape_);
  // Floats widen exactly to double and integers to int64, so the only
  // rounding or wrapping is the final store.
  if (isFloatDType(dtype_)) {
    for (int64_t i = 0; i < numElements_; ++i)
      result.setDouble(i, getDouble(i));
  } else {
    for (int64_t i = 0; i < numElements_; ++i)
      result.setInt(i, getInt(i));
  }
  return result;
}

} // namespace kiln
