//===- Interpreter.cpp - Reference interpreter for kiln IR ----------------===//
//
// The driver: checks the inputs against the signature, walks the function
// body in order, evaluates each kiln op (Ops.cpp) and narrows its result to
// the result dtype, and returns what func.return names. Also reads constant
// attributes into host tensors.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Interpreter.h"

#include "RefTensor.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"

#include <cstring>

using namespace mlir;
using llvm::ArrayRef;

namespace kiln {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

std::optional<DType> dtypeOf(Type elementType) {
  if (isa<Float32Type>(elementType))
    return DType::F32;
  if (isa<Float16Type>(elementType))
    return DType::F16;
  if (isa<BFloat16Type>(elementType))
    return DType::BF16;
  if (isa<Float64Type>(elementType))
    return DType::F64;
  auto integer = dyn_cast<IntegerType>(elementType);
  if (!integer)
    return std::nullopt;
  if (integer.isUnsigned() && integer.getWidth() == 8)
    return DType::U8;
  if (!integer.isSignless())
    return std::nullopt;
  switch (integer.getWidth()) {
  case 64:
    return DType::I64;
  case 32:
    return DType::I32;
  case 8:
    return DType::I8;
  case 1:
    return DType::I1;
  default:
    return std::nullopt;
  }
}

Type elementTypeOf(MLIRContext *context, DType dtype) {
  Builder b(context);
  switch (dtype) {
  case DType::F32:
    return b.getF32Type();
  case DType::F16:
    return b.getF16Type();
  case DType::BF16:
    return b.getBF16Type();
  case DType::F64:
    return b.getF64Type();
  case DType::I64:
    return b.getI64Type();
  case DType::I32:
    return b.getI32Type();
  case DType::I8:
    return b.getI8Type();
  case DType::U8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case DType::I1:
    return b.getI1Type();
  }
  llvm_unreachable("unknown DType");
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// Decodes a dense_resource blob: the elements' raw little-endian bytes,
/// one byte per i1.
static LogicalResult readBlob(DenseResourceElementsAttr resource,
                              HostTensor &result, Location loc) {
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return emitError(loc) << "dense_resource '"
                          << resource.getRawHandle().getKey()
                          << "' has no data";
  ArrayRef<char> bytes = blob->getData();
  int64_t width = int64_t(dtypeByteSize(result.dtype()));
  int64_t n = result.numElements();
  if (int64_t(bytes.size()) != n * width)
    return emitError(loc) << "dense_resource '"
                          << resource.getRawHandle().getKey() << "' holds "
                          << bytes.size() << " bytes but "
                          << result.typeString() << " needs " << n * width;
  namespace endian = llvm::support::endian;
  for (int64_t i = 0; i < n; ++i) {
    const char *p = bytes.data() + i * width;
    switch (result.dtype()) {
    case DType::F32:
      result.setDouble(i, llvm::bit_cast<float>(endian::read32le(p)));
      break;
    case DType::F64:
      result.setDouble(i, llvm::bit_cast<double>(endian::read64le(p)));
      break;
    case DType::F16:
    case DType::BF16:
      // Same 16-bit pattern on both sides.
      result.dataAs<uint16_t>()[i] = endian::read16le(p);
      break;
    case DType::I64:
      result.setInt(i, int64_t(endian::read64le(p)));
      break;
    case DType::I32:
      result.setInt(i, int32_t(endian::read32le(p)));
      break;
    case DType::I8:
      result.setInt(i, int8_t(*p));
      break;
    case DType::U8:
      result.setInt(i, uint8_t(*p));
      break;
    case DType::I1:
      result.setInt(i, *p != 0);
      break;
    }
  }
  return success();
}

/// Reads a dense literal or splat. Bools go through getValues<bool>(), which
/// hides how MLIR packs i1 storage.
static void readDense(DenseElementsAttr dense, HostTensor &result) {
  int64_t i = 0;
  Type element = dense.getElementType();
  if (element.isInteger(1)) {
    for (bool v : dense.getValues<bool>())
      result.setInt(i++, v);
  } else if (isa<FloatType>(element)) {
    for (const APFloat &v : dense.getValues<APFloat>())
      result.setDouble(i++, v.convertToDouble());
  } else {
    bool isUnsigned = element.isUnsignedInteger();
    for (const APInt &v : dense.getValues<APInt>())
      result.setInt(i++,
                    isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue());
  }
}

/// Any other ElementsAttr, through the interface's value iterators.
static LogicalResult readGeneric(ElementsAttr value, HostTensor &result,
                                 Location loc) {
  int64_t i = 0;
  if (value.getElementType().isInteger(1)) {
    if (auto values = value.tryGetValues<bool>()) {
      for (bool v : *values)
        result.setInt(i++, v);
      return success();
    }
  } else if (isa<FloatType>(value.getElementType())) {
    if (auto values = value.tryGetValues<APFloat>()) {
      for (const APFloat &v : *values)
        result.setDouble(i++, v.convertToDouble());
      return success();
    }
  } else if (auto values = value.tryGetValues<APInt>()) {
    bool isUnsigned = value.getElementType().isUnsignedInteger();
    for (const APInt &v : *values)
      result.setInt(i++,
                    isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue());
    return success();
  }
  return emitError(loc) << "cannot read the elements of constant " << value;
}

FailureOr<HostTensor> tensorFromElements(ElementsAttr value, Location loc) {
  ShapedType type = value.getShapedType();
  std::optional<DType> dtype = dtypeOf(type.getElementType());
  if (!type.hasStaticShape() || !dtype)
    return emitError(loc) << "cannot read a constant of type " << type;
  HostTensor result(*dtype, std::vector<int64_t>(type.getShape().begin(),
                                                 type.getShape().end()));
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    if (failed(readBlob(resource, result, loc)))
      return failure();
    return result;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    readDense(dense, result);
    return result;
  }
  if (failed(readGeneric(value, result, loc)))
    return failure();
  return result;
}

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

/// Checks that the op's result type is one the interpreter can represent.
static LogicalResult checkResultType(Operation *op) {
  if (op->getNumResults() != 1)
    return op->emitOpError("has ")
           << op->getNumResults()
           << " results; the reference interpreter expects exactly one";
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !dtypeOf(type.getElementType()))
    return op->emitOpError("result type ")
           << op->getResult(0).getType()
           << " is not supported by the reference interpreter";
  return success();
}

/// Guards the shape functions' promise: the run-time result has the
/// declared element type and agrees with every static dim of it.
static LogicalResult checkResult(Operation *op,
                                 const interp::RefTensor &result) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  bool ok = dtypeOf(type.getElementType()) == result.dtype &&
            type.getRank() == int64_t(result.shape.size());
  for (int64_t d = 0; ok && d < type.getRank(); ++d)
    ok = type.isDynamicDim(d) || type.getDimSize(d) == result.shape[d];
  if (!ok)
    return op->emitOpError("produced a ")
           << dtypeName(result.dtype) << " tensor of shape "
           << shapes::format(result.shape) << " at run time, which does not "
           << "match its result type " << type;
  return success();
}

FailureOr<std::vector<HostTensor>> interpret(func::FuncOp function,
                                             ArrayRef<HostTensor> inputs) {
  if (function.isExternal())
    return function.emitError("has no body to interpret");
  if (!function.getBody().hasOneBlock())
    return function.emitError(
        "has more than one block; the reference interpreter runs a single "
        "block");
  if (failed(checkArguments(function, inputs)))
    return failure();

  Block &body = function.getBody().front();
  interp::ValueMap values;
  for (auto [arg, input] : llvm::zip(body.getArguments(), inputs))
    values[arg] = interp::fromHost(input);

  // Each value is dropped after its last user so that large graphs do not
  // keep every intermediate alive.
  llvm::DenseMap<Value, Operation *> lastUser;
  for (Operation &op : body)
    for (Value operand : op.getOperands())
      lastUser[operand] = &op;

  for (Operation &op : body) {
    for (Value operand : op.getOperands())
      if (!values.count(operand))
        return op.emitOpError("uses a value that is not defined earlier in "
                              "the function body");

    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<HostTensor> outputs;
      for (Value v : ret.getOperands())
        outputs.push_back(interp::toHost(values.find(v)->second));
      return outputs;
    }
    if (!isa_and_nonnull<KilnDialect>(op.getDialect()))
      return op.emitOpError("is not supported by the reference interpreter");
    if (failed(checkResultType(&op)))
      return failure();

    FailureOr<interp::RefTensor> result = interp::evaluate(&op, values);
    if (failed(result))
      return failure();
    if (failed(checkResult(&op, *result)))
      return failure();
    // One rounding per op, to the result's precision.
    interp::roundToDType(*result);

    for (Value operand : op.getOperands())
      if (lastUser.lookup(operand) == &op)
        values.erase(operand);
    values[op.getResult(0)] = std::move(*result);
  }
  return function.emitError("has no func.return");
}

} // namespace kiln
