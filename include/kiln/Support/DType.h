//===- DType.h - Element types of host tensors ------------------*- C++ -*-===//
//
// The element types Kiln moves between the compiler, .npy files and the
// runtime. Deliberately free of LLVM/MLIR so that tools and tests that only
// shuffle data do not have to link the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_DTYPE_H
#define KILN_SUPPORT_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kiln {

enum class DType : uint8_t { F32, F16, BF16, F64, I64, I32, I8, U8, I1 };

/// Bytes one element occupies in memory. I1 takes a whole byte holding 0 or 1,
/// matching numpy's bool so buffers can be exchanged without repacking.
size_t dtypeByteSize(DType dtype);

/// The MLIR spelling of the element type: "f32", "f16", "bf16", "f64", "i64",
/// "i32", "i8", "ui8", "i1".
const char *dtypeName(DType dtype);

/// Inverse of dtypeName; std::nullopt for any other spelling.
std::optional<DType> dtypeFromName(std::string_view name);

bool isFloatDType(DType dtype);
/// True for the integer types, I1 included.
bool isIntegerDType(DType dtype);

} // namespace kiln

#endif // KILN_SUPPORT_DTYPE_H
