//===- GraphOps.cpp - kiln graph dialect operations -----------------------===//
//
// Type inference (through ShapeFunctions), verifiers and folders.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/IR/ShapeFunctions.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace kiln;

#include "kiln/Dialect/Graph/IR/GraphEnums.cpp.inc"

LogicalResult kiln::detail::verifyResultTypesMatch(Operation *op,
                                                   TypeRange inferred) {
  if (inferred.size() != op->getNumResults())
    return op->emitOpError("infers ")
           << inferred.size() << " results but has " << op->getNumResults();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(op->getResultTypes(), inferred))) {
    auto [actual, expected] = pair;
    if (actual != expected)
      return op->emitOpError("result type ")
             << actual << " does not match the type inferred from its operands and attributes, "
             << expected;
  }
  return success();
}

namespace {
/// Reports shape-function and type errors at the location of the op being
/// verified, prefixed like emitOpError. Silent when inference runs without a
/// location (quiet refinement).
struct Reporter {
  std::optional<Location> loc;
  StringRef opName;
  void operator()(const Twine &message) const {
    if (loc)
      emitError(*loc) << "'" << opName << "' op " << message;
  }
};

std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}
} // namespace

/// The ranked tensor type of `v`, or an error naming the operand.
static RankedTensorType rankedOperand(Value v, StringRef name,
                                      const Reporter &err) {
  auto type = dyn_cast_if_present<RankedTensorType>(v ? v.getType() : Type());
  if (!type)
    err(name + " must be a ranked tensor, got " +
        (v ? "'" + typeStr(v.getType()) + "'" : std::string("nothing")));
  return type;
}

/// Checks that `other` (named `name`) has `reference`'s element type.
static LogicalResult sameElementType(RankedTensorType reference,
                                     StringRef referenceName,
                                     RankedTensorType other, StringRef name,
                                     const Reporter &err) {
  if (reference.getElementType() == other.getElementType())
    return success();
  err(name + " has element type '" + typeStr(other.getElementType()) +
      "' but " + referenceName + " has '" +
      typeStr(reference.getElementType()) + "' ('" + typeStr(other) +
      "' vs '" + typeStr(reference) + "')");
  return failure();
}

/// The value of an optional-with-default integer attribute. The parser runs
/// type inference before default-valued properties are filled in, so a
/// missing attribute means the default here. (ODS getters of I64Attr also
/// return uint64_t; this keeps negative axes signed.)
static int64_t intOr(IntegerAttr attr, int64_t defaultValue) {
  return attr ? attr.getValue().getSExtValue() : defaultValue;
}

/// Pushes the tensor type of the inferred `shape` and `elementType`. Without
/// a shape, fails: the shape function has already said why.
static LogicalResult setResult(SmallVectorImpl<Type> &out,
                               const FailureOr<shapes::Shape> &shape,
                               Type elementType) {
  if (failed(shape))
    return failure();
  out.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::verify() {
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(getValue()))
    return emitOpError("value must be a dense<...> literal or a "
                       "dense_resource<...> blob, got ")
           << getValue();
  // A dense_resource whose blob is missing (elided with
  // --mlir-elide-resource-strings-if-larger, or never defined) cannot be
  // evaluated; say so here rather than fail later in a backend.
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitOpError("dense_resource '")
             << resource.getRawHandle().getKey()
             << "' has no data: define it in the file's dialect_resources "
                "section";
    auto type = cast<RankedTensorType>(resource.getType());
    Type element = type.getElementType();
    int64_t bytesPerElement =
        element.isInteger(1) ? 1 : (element.getIntOrFloatBitWidth() + 7) / 8;
    int64_t expected = type.getNumElements() * bytesPerElement;
    int64_t actual = blob->getData().size();
    if (actual != expected)
      return emitOpError("dense_resource '")
             << resource.getRawHandle().getKey() << "' holds " << actual
             << " bytes but " << type << " needs " << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto lhs = rankedOperand(adaptor.getLhs(), "lhs", err);
  auto rhs = rankedOperand(adaptor.getRhs(), "rhs", err);
  if (!lhs || !rhs || failed(sameElementType(lhs, "lhs", rhs, "rhs", err)))
    return failure();
  FailureOr<shapes::Shape> shape =
      shapes::matmul(lhs.getShape(), rhs.getShape(), adaptor.getTransposeA(),
                     adaptor.getTransposeB(), err);
  return setResult(out, shape, lhs.getElementType());
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcastBinary(std::optional<Location> loc,
                                          StringRef opName, Value lhsValue,
                                          Value rhsValue,
                                          SmallVectorImpl<Type> &out) {
  Reporter err{loc, opName};
  auto lhs = rankedOperand(lhsValue, "lhs", err);
  auto rhs = rankedOperand(rhsValue, "rhs", err);
  if (!lhs || !rhs || failed(sameElementType(lhs, "lhs", rhs, "rhs", err)))
    return failure();
  ArrayRef<int64_t> shapeList[] = {lhs.getShape(), rhs.getShape()};
  StringRef names[] = {"lhs", "rhs"};
  FailureOr<shapes::Shape> shape = shapes::broadcast(shapeList, names, err);
  return setResult(out, shape, lhs.getElementType());
}

#define KILN_BINARY_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &out) {             \
    return inferBroadcastBinary(loc, getOperationName(), adaptor.getLhs(),     \
                                adaptor.getRhs(), out);                        \
  }
KILN_BINARY_INFER(AddOp)
KILN_BINARY_INFER(SubOp)
KILN_BINARY_INFER(MulOp)
KILN_BINARY_INFER(DivOp)
KILN_BINARY_INFER(MaxOp)
KILN_BINARY_INFER(MinOp)
KILN_BINARY_INFER(PowOp)
#undef KILN_BINARY_INFER

/// True when `attr` is a splat constant equal to `value` (0 or 1).
static bool isSplatOf(Attribute attr, int64_t value) {
  auto splat = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type element = splat.getElementType();
  if (isa<FloatType>(element))
    return splat.getSplatValue<APFloat>().isExactlyValue(double(value));
  if (element.isInteger(1))
    return false; // i1 arithmetic is not in the op set's identities.
  return splat.getSplatValue<APInt>().getSExtValue() == value;
}

/// `x op c` folds to `x` when `c` is the identity and broadcasting does not
/// change x's type.
static OpFoldResult foldIdentity(Value x, Attribute c, int64_t identity,
                                 Type resultType) {
  if (x.getType() == resultType && isSplatOf(c, identity))
    return x;
  return {};
}

// x + 0 and 0 + x fold to x. (For floats this includes x = -0.0, where the
// sum would be +0.0; like other ML compilers, Kiln does not keep the sign of
// a zero through an added 0.)
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 0, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 0, getType());
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 0, getType());
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 1, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 1, getType());
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 1, getType());
}

//===----------------------------------------------------------------------===//
// Unary ops: the result has the operand's type.
//===----------------------------------------------------------------------===//

static LogicalResult inferSameAsInput(std::optional<Location> loc,
                                      StringRef opName, Value input,
                                      SmallVectorImpl<Type> &out) {
  Reporter err{loc, opName};
  auto type = rankedOperand(input, "input", err);
  if (!type)
    return failure();
  out.push_back(type);
  return success();
}

#define KILN_UNARY_INFER(OP)                                                   \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &out) {             \
    return inferSameAsInput(loc, getOperationName(), adaptor.getInput(), out); \
  }
KILN_UNARY_INFER(ExpOp)
KILN_UNARY_INFER(LogOp)
KILN_UNARY_INFER(TanhOp)
KILN_UNARY_INFER(ErfOp)
KILN_UNARY_INFER(SqrtOp)
KILN_UNARY_INFER(RsqrtOp)
KILN_UNARY_INFER(NegOp)
KILN_UNARY_INFER(AbsOp)
KILN_UNARY_INFER(ReluOp)
KILN_UNARY_INFER(SigmoidOp)
KILN_UNARY_INFER(SiluOp)
KILN_UNARY_INFER(GeluOp)
#undef KILN_UNARY_INFER

//===----------------------------------------------------------------------===//
// softmax, layer_norm, rms_norm
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto input = rankedOperand(adaptor.getInput(), "input", err);
  if (!input)
    return failure();
  if (failed(shapes::normalizeAxis(intOr(adaptor.getAxisAttr(), -1), input.getRank(),
                                   "axis", err)))
    return failure();
  out.push_back(input);
  return success();
}

/// Shared by layer_norm and rms_norm: the input, then optional parameters
/// of shape input[axis:].
static LogicalResult inferNorm(std::optional<Location> loc, StringRef opName,
                               Value inputValue, int64_t axisAttr,
                               ArrayRef<std::pair<Value, StringRef>> params,
                               SmallVectorImpl<Type> &out) {
  Reporter err{loc, opName};
  auto input = rankedOperand(inputValue, "input", err);
  if (!input)
    return failure();
  FailureOr<int64_t> axis =
      shapes::normalizeAxis(axisAttr, input.getRank(), "axis", err);
  if (failed(axis))
    return failure();
  for (auto [value, name] : params) {
    if (!value)
      continue;
    auto type = rankedOperand(value, name, err);
    if (!type || failed(sameElementType(input, "input", type, name, err)) ||
        failed(shapes::normParameter(input.getShape(), *axis, type.getShape(),
                                     name, err)))
      return failure();
  }
  out.push_back(input);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  std::pair<Value, StringRef> params[] = {{adaptor.getScale(), "scale"},
                                          {adaptor.getBias(), "bias"}};
  return inferNorm(loc, getOperationName(), adaptor.getInput(),
                   intOr(adaptor.getAxisAttr(), -1), params, out);
}

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  std::pair<Value, StringRef> params[] = {{adaptor.getScale(), "scale"}};
  return inferNorm(loc, getOperationName(), adaptor.getInput(),
                   intOr(adaptor.getAxisAttr(), -1), params, out);
}

//===----------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto input = rankedOperand(adaptor.getInput(), "input", err);
  if (!input)
    return failure();
  FailureOr<shapes::Shape> shape = shapes::reduce(
      input.getShape(), adaptor.getAxes(), adaptor.getKeepdims(), err);
  return setResult(out, shape, input.getElementType());
}

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto input = rankedOperand(adaptor.getInput(), "input", err);
  if (!input)
    return failure();
  FailureOr<shapes::Shape> shape =
      shapes::transpose(input.getShape(), adaptor.getPerm(), err);
  return setResult(out, shape, input.getElementType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  // transpose(transpose(x, inner), outer) == transpose(x, inner o outer),
  // rewritten in place.
  bool composed = false;
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> inner = producer.getPerm(), outer = getPerm();
    SmallVector<int64_t> perm;
    for (int64_t p : outer)
      perm.push_back(inner[p]);
    getInputMutable().assign(producer.getInput());
    setPerm(perm);
    composed = true;
  }
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  return composed ? OpFoldResult(getResult()) : OpFoldResult();
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto input = getInput().getType();
  auto result = getType();
  if (input.getElementType() != result.getElementType())
    return emitOpError("element type changes from ")
           << input.getElementType() << " to " << result.getElementType()
           << "; reshape keeps the element type (use kiln.cast to convert)";
  auto report = [&](const Twine &message) { (void)emitOpError(message); };
  return success(succeeded(
      shapes::reshape(input.getShape(), result.getShape(), report)));
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) == reshape(x): row-major reinterpretation composes,
  // unless a dynamic intermediate hid an element-count mismatch that the
  // composed op would expose statically.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    auto quiet = [](const Twine &) {};
    if (succeeded(shapes::reshape(producer.getInput().getType().getShape(),
                                  getType().getShape(), quiet))) {
      getInputMutable().assign(producer.getInput());
      return getResult();
    }
  }
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  SmallVector<RankedTensorType> types;
  SmallVector<ArrayRef<int64_t>> shapeList;
  for (auto [i, v] : llvm::enumerate(adaptor.getInputs())) {
    std::string name = "input " + std::to_string(i);
    auto type = rankedOperand(v, name, err);
    if (!type || (i > 0 && failed(sameElementType(types[0], "input 0", type,
                                                  name, err))))
      return failure();
    types.push_back(type);
    shapeList.push_back(type.getShape());
  }
  FailureOr<shapes::Shape> shape =
      shapes::concat(shapeList, intOr(adaptor.getAxisAttr(), 0), err);
  if (failed(shape)) // Also when there is no types[0].
    return failure();
  return setResult(out, shape, types[0].getElementType());
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto input = rankedOperand(adaptor.getInput(), "input", err);
  if (!input)
    return failure();
  ArrayRef<int64_t> steps;
  if (auto s = adaptor.getSteps())
    steps = *s;
  FailureOr<shapes::Shape> shape = shapes::slice(
      input.getShape(), adaptor.getStarts(), adaptor.getLimits(), steps, err);
  return setResult(out, shape, input.getElementType());
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // The whole tensor, forwards: nothing to do.
  if (getInput().getType() != getType())
    return {};
  std::optional<ArrayRef<int64_t>> steps = getSteps();
  if (llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      (!steps || llvm::all_of(*steps, [](int64_t s) { return s == 1; })))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// gather, where, cast
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto data = rankedOperand(adaptor.getData(), "data", err);
  auto indices = rankedOperand(adaptor.getIndices(), "indices", err);
  if (!data || !indices)
    return failure();
  FailureOr<shapes::Shape> shape = shapes::gather(
      data.getShape(), indices.getShape(), intOr(adaptor.getAxisAttr(), 0), err);
  return setResult(out, shape, data.getElementType());
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto cond = rankedOperand(adaptor.getCondition(), "condition", err);
  auto a = rankedOperand(adaptor.getTrueValue(), "true_value", err);
  auto b = rankedOperand(adaptor.getFalseValue(), "false_value", err);
  if (!cond || !a || !b ||
      failed(sameElementType(a, "true_value", b, "false_value", err)))
    return failure();
  ArrayRef<int64_t> shapeList[] = {cond.getShape(), a.getShape(), b.getShape()};
  StringRef names[] = {"condition", "true_value", "false_value"};
  FailureOr<shapes::Shape> shape = shapes::broadcast(shapeList, names, err);
  return setResult(out, shape, a.getElementType());
}

LogicalResult CastOp::verify() {
  auto input = getInput().getType();
  auto result = getType();
  if (failed(verifyCompatibleShape(input, result)) ||
      input.getShape() != result.getShape())
    return emitOpError("changes the shape from ")
           << input << " to " << result
           << "; cast converts only the element type (use kiln.reshape for "
              "the shape)";
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// attention, rope
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto q = rankedOperand(adaptor.getQuery(), "query", err);
  auto k = rankedOperand(adaptor.getKey(), "key", err);
  auto v = rankedOperand(adaptor.getValue(), "value", err);
  if (!q || !k || !v || failed(sameElementType(q, "query", k, "key", err)) ||
      failed(sameElementType(q, "query", v, "value", err)))
    return failure();
  std::optional<ArrayRef<int64_t>> maskShape;
  if (Value maskValue = adaptor.getMask()) {
    auto mask = rankedOperand(maskValue, "mask", err);
    if (!mask)
      return failure();
    if (!mask.getElementType().isInteger(1) &&
        failed(sameElementType(q, "query", mask, "mask", err)))
      return failure();
    maskShape = mask.getShape();
  }
  if (std::optional<APFloat> scale = adaptor.getScale()) {
    double s = scale->convertToDouble();
    if (!std::isfinite(s)) {
      err("scale must be finite, got " + Twine(std::to_string(s)));
      return failure();
    }
  }
  FailureOr<shapes::Shape> shape = shapes::attention(
      q.getShape(), k.getShape(), v.getShape(), maskShape, err);
  return setResult(out, shape, q.getElementType());
}

LogicalResult RopeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &out) {
  Reporter err{loc, getOperationName()};
  auto input = rankedOperand(adaptor.getInput(), "input", err);
  auto cos = rankedOperand(adaptor.getCos(), "cos", err);
  auto sin = rankedOperand(adaptor.getSin(), "sin", err);
  if (!input || !cos || !sin ||
      failed(sameElementType(input, "input", cos, "cos", err)) ||
      failed(sameElementType(input, "input", sin, "sin", err)))
    return failure();
  if (failed(shapes::rope(input.getShape(), cos.getShape(), sin.getShape(),
                          err)))
    return failure();
  out.push_back(input);
  return success();
}

#define GET_OP_CLASSES
#include "kiln/Dialect/Graph/IR/GraphOps.cpp.inc"
