//===- Tensors.h - ONNX element types and tensor data -----------*- C++ -*-===//
//
// Maps ONNX element types to kiln's and reads TensorProto data (raw_data,
// the typed repeated fields, or an external data file) into kiln's blob
// layout: row-major, little-endian, one byte per bool.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_TENSORS_H
#define KILN_LIB_FRONTEND_ONNX_TENSORS_H

#include "KnownTensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace kiln::onnx_import {

/// "FLOAT", "INT64", ... for diagnostics ("type 42" when out of range).
std::string onnxTypeName(int32_t dataType);

/// The kiln element type of an ONNX element type, or null for those kiln
/// does not have (DOUBLE, UINT8, STRING, ...).
mlir::Type kilnElementType(int32_t dataType, mlir::MLIRContext *context);

/// Whether kilnElementType maps `dataType` to a kiln type.
bool isKilnDataType(int32_t dataType);

/// What an unsupported element type is reported with.
inline constexpr llvm::StringLiteral kSupportedTypesHint =
    "kiln tensors hold FLOAT, FLOAT16, BFLOAT16, INT64, INT32, INT8 or BOOL";

/// Reads tensor data, opening each external data file once.
class TensorReader {
public:
  /// `modelPath` locates external data files (relative to its directory).
  explicit TensorReader(llvm::StringRef modelPath) : modelPath(modelPath.str()) {}

  /// The type of `tensor`; sets `error` and returns null when its element
  /// type is not a kiln type or a dimension is negative.
  mlir::RankedTensorType getType(const onnx::TensorProto &tensor,
                                 mlir::MLIRContext *context,
                                 std::string &error);

  /// The tensor's data as kiln's weight attribute: a dense literal for
  /// splats, booleans and tensors of at most `kMaxLiteralElements`
  /// elements, a dense_resource blob named after the tensor otherwise. Sets `error`
  /// (what is wrong, without the tensor's name) and returns null on bad
  /// data: a size that does not match the type, a missing external file.
  mlir::ElementsAttr read(const onnx::TensorProto &tensor,
                          mlir::RankedTensorType type, std::string &error);

  /// Tensors up to this many elements are written as dense literals.
  static constexpr int64_t kMaxLiteralElements = 16;

  /// The bytes of `tensor` (of `type`) in kiln's layout; `storage` keeps
  /// converted data alive, raw and external data are returned in place.
  /// Sets `error` like read().
  bool readBytes(const onnx::TensorProto &tensor, mlir::RankedTensorType type,
                 std::vector<char> &storage, llvm::StringRef &bytes,
                 std::string &error);

private:
  bool getExternalBytes(const onnx::TensorProto &tensor, llvm::StringRef &bytes,
                        std::string &error);

  std::string modelPath;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> externalFiles;
};

/// The contents of `bytes` in kiln's layout.
KnownTensor knownFromBytes(mlir::RankedTensorType type, llvm::StringRef bytes);

/// The weight attribute for `bytes` in kiln's layout (see read()).
mlir::ElementsAttr makeElementsAttr(mlir::RankedTensorType type,
                                   llvm::StringRef bytes,
                                   llvm::StringRef resourceName);

/// A dense literal or a blob for known contents, by the same rule.
mlir::ElementsAttr makeElementsAttr(const KnownTensor &known,
                                    llvm::StringRef resourceName);

} // namespace kiln::onnx_import

#endif // KILN_LIB_FRONTEND_ONNX_TENSORS_H
