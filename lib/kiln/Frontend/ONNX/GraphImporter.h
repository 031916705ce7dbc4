//===- GraphImporter.h - Building kiln IR from an ONNX graph ----*- C++ -*-===//
//
// The state of one import: the value of every ONNX tensor name (an SSA
// value, contents known at import time, or an initializer not yet
// materialized), the node being imported, and helpers that the op
// importers (Import*.cpp) share: reading inputs and attributes, building
// kiln ops with checked type inference, and reporting errors on the node.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_GRAPHIMPORTER_H
#define KILN_LIB_FRONTEND_ONNX_GRAPHIMPORTER_H

#include "KnownTensor.h"
#include "Tensors.h"

#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Frontend/ONNX/Importer.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class GraphProto;
class ModelProto;
class NodeProto;
class TensorProto;
class ValueInfoProto;
} // namespace onnx

namespace kiln::onnx_import {

class GraphImporter;
/// Imports the current node of `g` (one function per ONNX op type).
using ImportFn = mlir::LogicalResult (*)(GraphImporter &g);
struct OpImporter {
  ImportFn fn = nullptr;
  /// The leading inputs the op requires (checked before `fn` runs, which
  /// may then use them freely; later inputs are optional).
  unsigned minInputs = 0;
};
/// The op importers, by op type (ImportMath.cpp, ImportTensor.cpp).
void addMathImporters(llvm::StringMap<OpImporter> &table);
void addTensorImporters(llvm::StringMap<OpImporter> &table);

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &context, const onnx::ModelProto &model,
                llvm::StringRef path, int64_t opset,
                const ONNXImportOptions &options);

  /// Builds the module; null after a diagnostic.
  mlir::OwningOpRef<mlir::ModuleOp> import();

  //===--- For the op importers: the current node --------------------------===//

  const onnx::NodeProto &node() const { return *currentNode; }
  int64_t getOpset() const { return opset; }
  mlir::MLIRContext *getContext() { return context; }
  /// The node's location (its name, in the model file).
  mlir::Location loc() const { return currentLoc; }
  /// An error on the node: "node 'NAME' (OP): " then the caller's text.
  mlir::InFlightDiagnostic emitNodeError();

  /// Whether input `i` is given (optional inputs may be absent or "").
  bool hasInput(unsigned i) const;
  unsigned numInputs() const;
  llvm::StringRef inputName(unsigned i) const;
  /// The type of input `i` (which must be given).
  mlir::RankedTensorType inputType(unsigned i);
  /// Input `i` as an SSA value (constants are materialized on first use).
  mlir::FailureOr<mlir::Value> input(unsigned i);
  /// The contents of input `i` when known at import time (possibly with
  /// unknown elements), else null.
  const KnownTensor *known(unsigned i);
  /// Input `i`'s contents, all elements known, as integers; reports an
  /// error naming the input as `what` otherwise.
  mlir::FailureOr<llvm::SmallVector<int64_t>> requireInts(unsigned i,
                                                          llvm::StringRef what);
  /// Like known(), but reports an error when input `i` is not known.
  const KnownTensor *requireKnown(unsigned i, llvm::StringRef what);

  /// Whether output `i` is used (present with a name).
  bool hasOutput(unsigned i) const;
  unsigned numOutputs() const;
  void setOutput(unsigned i, mlir::Value value);
  void setOutput(unsigned i, KnownTensor known);
  /// Contents given as an attribute (e.g. a large splat), materialized on
  /// first use.
  void setOutput(unsigned i, mlir::ElementsAttr attr);
  /// A tensor attribute (Constant's `value`), read when first used; its
  /// type and data size are checked now.
  mlir::LogicalResult setOutput(unsigned i, const onnx::TensorProto &tensor);
  /// Sets output 0 to `result`, or fails when computing it failed (and
  /// reported why): how most node importers end.
  mlir::LogicalResult setFirstOutput(mlir::FailureOr<mlir::Value> result);
  mlir::LogicalResult setFirstOutput(mlir::FailureOr<KnownTensor> result);
  /// The contents of a tensor attribute; reports bad data on the node.
  mlir::FailureOr<KnownTensor> readKnown(const onnx::TensorProto &tensor);
  /// The type and bytes of a tensor attribute (`bytes` may point into
  /// `storage`); reports bad data on the node.
  mlir::LogicalResult readTensorAttribute(const onnx::TensorProto &tensor,
                                          mlir::RankedTensorType &type,
                                          std::vector<char> &storage,
                                          llvm::StringRef &bytes);

  //===--- Attributes -------------------------------------------------------===//

  /// The attribute `name`, or null. The typed getters report an attribute
  /// of another type on the node (the import then fails) and return the
  /// default.
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue);
  double floatAttr(llvm::StringRef name, double defaultValue);
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name);

  //===--- Building ---------------------------------------------------------===//

  mlir::OpBuilder builder;

  /// Creates a kiln op whose result type is inferred. `args` are those of
  /// the op's builder that takes the result type first (without it). A
  /// shape or type the op rejects is reported on the node, with the op's
  /// own message.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> create(Args &&...args) {
    auto op = OpTy::create(builder, currentLoc,
                           mlir::Type(builder.getNoneType()),
                           std::forward<Args>(args)...);
    llvm::SmallVector<mlir::Type, 1> types;
    if (mlir::failed(OpTy::inferReturnTypes(context, std::nullopt,
                                            typename OpTy::Adaptor(op),
                                            types))) {
      std::string message = captureDiagnostic([&] {
        (void)OpTy::inferReturnTypes(context, currentLoc,
                                     typename OpTy::Adaptor(op), types);
      });
      op->erase();
      emitNodeError() << message;
      return mlir::failure();
    }
    op->getResult(0).setType(types.front());
    return checked(op);
  }
  /// Verifies `op` (built with its result type) and returns its result;
  /// reports the verifier's message on the node and erases `op` if invalid.
  mlir::FailureOr<mlir::Value> checked(mlir::Operation *op);

  mlir::Value constant(mlir::ElementsAttr value);
  /// A constant of `shape` filled with `value`.
  mlir::Value splat(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                    double value);
  /// A rank-0 constant.
  mlir::Value scalar(mlir::Type elementType, double value) {
    return splat(elementType, {}, value);
  }
  /// kiln.reshape to `shape` (at most one dynamic dim), or `v` itself.
  mlir::FailureOr<mlir::Value> reshape(mlir::Value v,
                                       llvm::ArrayRef<int64_t> shape);
  /// kiln.cast to `elementType`, or `v` itself.
  mlir::FailureOr<mlir::Value> castTo(mlir::Value v, mlir::Type elementType);
  /// `v` broadcast to `shape` (which it must broadcast to), exactly: a
  /// kiln.where with an all-true condition of that shape.
  mlir::FailureOr<mlir::Value> broadcastTo(mlir::Value v,
                                           llvm::ArrayRef<int64_t> shape);

  /// Runs `fn` and returns the first diagnostic it emits, silenced.
  std::string captureDiagnostic(llvm::function_ref<void()> fn);

private:
  struct Entry {
    mlir::Value value;
    std::optional<KnownTensor> known;
    mlir::ElementsAttr attr;
    const onnx::TensorProto *tensor = nullptr; // Initializer or attribute.
    mlir::RankedTensorType type;
    bool knownChecked = false; // known() tried to read `tensor` already.
  };

  mlir::LogicalResult importNode(const onnx::NodeProto &node, int index);
  mlir::LogicalResult addGraphInput(const onnx::ValueInfoProto &info,
                                    llvm::SmallVectorImpl<mlir::Type> &types,
                                    llvm::SmallVectorImpl<std::string> &names);
  mlir::FailureOr<mlir::Value> materialize(llvm::StringRef name,
                                           llvm::StringRef role);
  const KnownTensor *knownOf(llvm::StringRef name);
  Entry *lookupInput(unsigned i);
  mlir::LogicalResult checkOutput(const onnx::ValueInfoProto &info,
                                  mlir::Value value);
  void setEntry(unsigned i, Entry entry);

  mlir::MLIRContext *context;
  const onnx::ModelProto &model;
  std::string path;
  int64_t opset;
  const ONNXImportOptions &options;
  TensorReader reader;
  mlir::Location fileLoc;
  llvm::StringMap<OpImporter> importers;
  llvm::StringMap<Entry> entries;

  /// Whether an attribute of the current node had the wrong type.
  bool badAttribute = false;
  /// The attribute `name` if it has `type` (else reported, and null).
  const onnx::AttributeProto *typedAttr(llvm::StringRef name, int type);

  const onnx::NodeProto *currentNode = nullptr;
  mlir::Location currentLoc;
  int currentIndex = 0;
};

/// An error callback (for an ErrorFn of the shape functions and folds) that
/// reports on the node `g` is importing.
inline auto nodeErrors(GraphImporter &g) {
  return [&g](const llvm::Twine &message) { g.emitNodeError() << message.str(); };
}

} // namespace kiln::onnx_import

#endif // KILN_LIB_FRONTEND_ONNX_GRAPHIMPORTER_H
