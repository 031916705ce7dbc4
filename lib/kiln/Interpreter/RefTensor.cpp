//===- RefTensor.cpp - Tensors inside the reference interpreter -----------===//

#include "RefTensor.h"

#include "kiln/Support/Float16.h"

#include <string>

using llvm::ArrayRef;

namespace kiln::interp {

RefTensor::RefTensor(DType dtype, ArrayRef<int64_t> shape)
    : dtype(dtype), shape(shape) {
  int64_t n = interp::numElements(shape);
  if (isFloat())
    floats.assign(n, 0.0);
  else
    ints.assign(n, 0);
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Shape rowMajorStrides(ArrayRef<int64_t> shape) {
  Shape strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

std::vector<int64_t> stridedIndices(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> strides, int64_t base) {
  int64_t n = numElements(shape);
  int64_t rank = shape.size();
  std::vector<int64_t> result(n);
  // An odometer over the multi-index; `offset` follows it incrementally so
  // each element costs O(1) on average.
  Shape index(rank, 0);
  int64_t offset = base;
  for (int64_t i = 0; i < n; ++i) {
    result[i] = offset;
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < shape[d])
        break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return result;
}

std::vector<int64_t> broadcastIndices(ArrayRef<int64_t> from,
                                      ArrayRef<int64_t> to) {
  // Align `from` to the right of `to`; a missing or size-1 dim repeats its
  // single element, i.e. has stride 0.
  Shape fromStrides = rowMajorStrides(from);
  size_t offset = to.size() - from.size();
  Shape strides(to.size(), 0);
  for (size_t d = 0; d < from.size(); ++d)
    if (from[d] != 1)
      strides[offset + d] = fromStrides[d];
  return stridedIndices(to, strides);
}

RefTensor takeElements(const RefTensor &source, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> indices) {
  RefTensor result(source.dtype, shape);
  if (source.isFloat()) {
    for (size_t i = 0; i < indices.size(); ++i)
      result.floats[i] = source.floats[indices[i]];
  } else {
    for (size_t i = 0; i < indices.size(); ++i)
      result.ints[i] = source.ints[indices[i]];
  }
  return result;
}

std::string formatIndex(ArrayRef<int64_t> shape, int64_t flat) {
  Shape index(shape.size(), 0);
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] > 0) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
  return shapes::format(index);
}

/// `v` rounded to nearest even at the precision of the float dtype.
static double roundFloat(double v, DType dtype) {
  switch (dtype) {
  case DType::F32:
    return double(static_cast<float>(v));
  case DType::F16:
    return double(halfBitsToFloat(doubleToHalfBits(v)));
  case DType::BF16:
    return double(bfloat16BitsToFloat(doubleToBFloat16Bits(v)));
  default:
    return v; // F64 keeps every bit.
  }
}

/// `v` modulo 2^width, as the signed (or, for u8, unsigned) value.
static int64_t wrapInt(int64_t v, DType dtype) {
  switch (dtype) {
  case DType::I32:
    return int32_t(uint32_t(uint64_t(v)));
  case DType::I8:
    return int8_t(uint8_t(uint64_t(v)));
  case DType::U8:
    return uint8_t(uint64_t(v));
  case DType::I1:
    return v != 0 ? 1 : 0;
  default:
    return v; // I64.
  }
}

void roundToDType(RefTensor &t) {
  if (t.isFloat()) {
    if (t.dtype != DType::F64)
      for (double &v : t.floats)
        v = roundFloat(v, t.dtype);
    return;
  }
  if (t.dtype != DType::I64)
    for (int64_t &v : t.ints)
      v = wrapInt(v, t.dtype);
}

RefTensor fromHost(const HostTensor &tensor) {
  RefTensor result(tensor.dtype(), tensor.shape());
  int64_t n = tensor.numElements();
  if (result.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      result.floats[i] = tensor.getDouble(i);
  } else {
    for (int64_t i = 0; i < n; ++i)
      result.ints[i] = tensor.getInt(i);
  }
  return result;
}

HostTensor toHost(const RefTensor &tensor) {
  HostTensor result(tensor.dtype, std::vector<int64_t>(tensor.shape.begin(),
                                                       tensor.shape.end()));
  int64_t n = tensor.numElements();
  if (tensor.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      result.setDouble(i, tensor.floats[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      result.setInt(i, tensor.ints[i]);
  }
  return result;
}

} // namespace kiln::interp
