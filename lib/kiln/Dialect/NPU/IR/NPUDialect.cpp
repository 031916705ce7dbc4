//===- NPUDialect.cpp - The npu dialect and its verifiers -----------------===//
//
// Verifiers check shapes and spaces always, and the target's limits (array
// size, SRAM sizes, dtypes of the units, token count) when the enclosing
// module carries `npu.target`.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Dialect/NPU/IR/NPUOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::npu;

#include "kiln/Dialect/NPU/IR/NPUDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/NPU/IR/NPUAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "kiln/Dialect/NPU/IR/NPUOps.cpp.inc"

void NPUDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "kiln/Dialect/NPU/IR/NPUOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kiln/Dialect/NPU/IR/NPUAttrs.cpp.inc"
      >();
}

std::optional<MemSpace> kiln::npu::getMemSpace(MemRefType type) {
  Attribute space = type.getMemorySpace();
  if (!space)
    return MemSpace::DRAM;
  auto i = dyn_cast<IntegerAttr>(space);
  if (!i || i.getInt() < 0 || i.getInt() > 2)
    return std::nullopt;
  return static_cast<MemSpace>(i.getInt());
}

const char *kiln::npu::memSpaceName(MemSpace space) {
  switch (space) {
  case MemSpace::DRAM:
    return "DRAM";
  case MemSpace::SPAD:
    return "SPAD";
  case MemSpace::ACC:
    return "ACC";
  }
  return "?";
}

TargetAttr kiln::npu::lookupTarget(Operation *op) {
  for (Operation *p = op; p; p = p->getParentOp())
    if (auto module = dyn_cast<ModuleOp>(p))
      if (auto t = module->getAttrOfType<TargetAttr>(kTargetAttrName))
        return t;
  return {};
}

static bool contains(ArrayAttr types, Type type) {
  for (Attribute a : types)
    if (auto t = dyn_cast<TypeAttr>(a); t && t.getValue() == type)
      return true;
  return false;
}

bool TargetAttr::matrixSupports(Type type) const {
  return contains(getMatrixTypes(), type);
}
bool TargetAttr::vectorSupports(Type type) const {
  return contains(getVectorTypes(), type);
}

/// Bytes a memref occupies in its space (static shapes only).
static uint64_t bufferBytes(MemRefType type) {
  uint64_t bits = type.getElementType().isInteger(1)
                      ? 8
                      : type.getElementTypeBitWidth();
  return type.getNumElements() * (bits / 8);
}

//===----------------------------------------------------------------------===//
// Module-level checks: buffers fit, tokens are signalled before awaited.
//===----------------------------------------------------------------------===//

LogicalResult NPUDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() == kDescriptionAttrName) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitOpError() << "attribute '" << kDescriptionAttrName
                               << "' must be the description's JSON string";
    return success();
  }
  if (attr.getName() != kTargetAttrName)
    return success();
  auto target = dyn_cast<TargetAttr>(attr.getValue());
  if (!target || !isa<ModuleOp>(op))
    return op->emitOpError() << "'" << kTargetAttrName
                             << "' must be a #npu.target on a module";
  WalkResult result = op->walk([&](Operation *inner) -> WalkResult {
    if (auto alloc = dyn_cast<memref::AllocOp>(inner)) {
      MemRefType type = alloc.getType();
      std::optional<MemSpace> space = getMemSpace(type);
      if (!space || *space == MemSpace::DRAM || !type.hasStaticShape())
        return WalkResult::advance();
      uint64_t copies = 1;
      if (auto n = alloc->getAttrOfType<IntegerAttr>(kBuffersAttrName))
        copies = std::max<int64_t>(1, n.getInt());
      uint64_t bytes = bufferBytes(type) * copies;
      uint64_t limit = *space == MemSpace::SPAD ? target.getSpadBytes()
                                                : target.getAccBytes();
      if (bytes > limit) {
        alloc.emitOpError() << "buffer of " << bytes << " bytes"
                            << (copies > 1 ? " (all copies)" : "")
                            << " does not fit " << memSpaceName(*space)
                            << " of " << target.getName() << " (" << limit
                            << " bytes)";
        return WalkResult::interrupt();
      }
      if (auto addr = alloc->getAttrOfType<IntegerAttr>(kAddressAttrName);
          addr && uint64_t(addr.getInt()) + bytes > limit) {
        alloc.emitOpError() << "buffer at address " << addr.getInt() << " of "
                            << bytes << " bytes ends past "
                            << memSpaceName(*space) << " (" << limit
                            << " bytes)";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  // A token is produced before it is awaited: in program order (which is the
  // order of every queue's stream), the first use of each token must be a
  // signal.
  llvm::DenseSet<int64_t> signalled;
  result = op->walk([&](Operation *inner) -> WalkResult {
    if (auto s = dyn_cast<SignalOp>(inner))
      signalled.insert(s.getToken());
    if (auto w = dyn_cast<WaitOp>(inner); w && !signalled.count(w.getToken())) {
      w.emitOpError() << "awaits token " << w.getToken()
                      << " that no earlier npu.signal produces (deadlock)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// Op verifiers
//===----------------------------------------------------------------------===//

static LogicalResult checkSpace(Operation *op, Value v, StringRef what,
                                ArrayRef<MemSpace> allowed) {
  auto type = cast<MemRefType>(v.getType());
  std::optional<MemSpace> space = getMemSpace(type);
  if (!space)
    return op->emitOpError() << what << " has memory space "
                             << type.getMemorySpace()
                             << "; expected 0/none (DRAM), 1 (SPAD) or 2 (ACC)";
  if (!llvm::is_contained(allowed, *space)) {
    InFlightDiagnostic d = op->emitOpError();
    d << what << " is in " << memSpaceName(*space) << "; expected ";
    for (auto [i, s] : llvm::enumerate(allowed))
      d << (i ? " or " : "") << memSpaceName(s);
    return d;
  }
  return success();
}

static MemRefType mt(Value v) { return cast<MemRefType>(v.getType()); }

bool DmaOp::isLoad() {
  return getMemSpace(mt(getSrc())) == MemSpace::DRAM;
}

LogicalResult DmaOp::verify() {
  std::optional<MemSpace> s = getMemSpace(mt(getSrc())),
                          d = getMemSpace(mt(getDst()));
  if (!s || !d)
    return emitOpError() << "operands must be in DRAM (0), SPAD (1) or ACC (2)";
  if ((*s == MemSpace::DRAM) == (*d == MemSpace::DRAM))
    return emitOpError() << "moves " << memSpaceName(*s) << " to "
                         << memSpaceName(*d)
                         << "; exactly one side must be DRAM";
  if (mt(getSrc()).getElementType() != mt(getDst()).getElementType())
    return emitOpError() << "source and destination element types differ ("
                         << mt(getSrc()).getElementType() << " vs "
                         << mt(getDst()).getElementType()
                         << "); DMA never converts, cast on the vector unit";
  if (mt(getSrc()).getShape() != mt(getDst()).getShape())
    return emitOpError() << "source and destination shapes differ";
  if (mt(getSrc()).getRank() < 1 || mt(getSrc()).getRank() > 3)
    return emitOpError() << "transfers have rank 1 to 3, got "
                         << mt(getSrc()).getRank();
  return success();
}

LogicalResult DmaGatherOp::verify() {
  if (failed(checkSpace(*this, getTable(), "table", {MemSpace::DRAM})) ||
      failed(checkSpace(*this, getIndices(), "indices", {MemSpace::SPAD})) ||
      failed(checkSpace(*this, getDst(), "destination", {MemSpace::SPAD})))
    return failure();
  MemRefType t = mt(getTable()), i = mt(getIndices()), d = mt(getDst());
  if (t.getRank() != 2 || i.getRank() != 1 || d.getRank() != 2)
    return emitOpError() << "expects a rank-2 table, rank-1 indices and a "
                            "rank-2 destination";
  if (!i.getElementType().isInteger(32) && !i.getElementType().isInteger(64))
    return emitOpError() << "indices must be i32 or i64, got "
                         << i.getElementType();
  if (t.getElementType() != d.getElementType() ||
      t.getDimSize(1) != d.getDimSize(1) || i.getDimSize(0) != d.getDimSize(0))
    return emitOpError() << "destination must be indices x table row, of the "
                            "table's element type";
  return success();
}

LogicalResult MatmulOp::verify() {
  if (failed(checkSpace(*this, getA(), "A", {MemSpace::SPAD})) ||
      failed(checkSpace(*this, getB(), "B", {MemSpace::SPAD})) ||
      failed(checkSpace(*this, getC(), "C", {MemSpace::ACC})))
    return failure();
  MemRefType a = mt(getA()), b = mt(getB()), c = mt(getC());
  if (a.getRank() != 2 || b.getRank() != 2 || c.getRank() != 2)
    return emitOpError() << "A, B and C must be rank 2";
  int64_t m = a.getDimSize(0), k = a.getDimSize(1), n = b.getDimSize(1);
  if (b.getDimSize(0) != k || c.getDimSize(0) != m || c.getDimSize(1) != n)
    return emitOpError() << "shapes do not chain: A " << m << "x" << k
                         << ", B " << b.getDimSize(0) << "x" << n << ", C "
                         << c.getDimSize(0) << "x" << c.getDimSize(1);
  Type e = a.getElementType();
  if (b.getElementType() != e)
    return emitOpError() << "A and B element types differ";
  Type accType = e.isInteger(8) ? Type(IntegerType::get(getContext(), 32))
                                : Type(Float32Type::get(getContext()));
  if (!e.isF32() && !e.isF16() && !e.isBF16() && !e.isInteger(8))
    return emitOpError() << "the matrix unit computes on f32, f16, bf16 or "
                            "i8, not "
                         << e;
  if (c.getElementType() != accType)
    return emitOpError() << "C must be " << accType << " for " << e
                         << " inputs, got " << c.getElementType();
  if (TargetAttr target = lookupTarget(*this)) {
    if (!ShapedType::isDynamic(k) && k > target.getRows())
      return emitOpError() << "K = " << k << " exceeds the array's "
                           << target.getRows() << " rows on "
                           << target.getName();
    if (!ShapedType::isDynamic(n) && n > target.getCols())
      return emitOpError() << "N = " << n << " exceeds the array's "
                           << target.getCols() << " columns on "
                           << target.getName();
    if (!target.matrixSupports(e))
      return emitOpError() << "the matrix unit of " << target.getName()
                           << " does not accept " << e;
  }
  return success();
}

static const llvm::StringSet<> &unaryFns() {
  static llvm::StringSet<> s = {"copy",    "neg",  "abs",  "exp",   "log",
                                "sqrt",    "rsqrt", "recip", "tanh", "erf",
                                "sigmoid", "relu", "gelu", "gelu_tanh",
                                "silu",    "not"};
  return s;
}
static const llvm::StringSet<> &binaryFns() {
  static llvm::StringSet<> s = {"add",    "sub",    "mul",    "div",
                                "max",    "min",    "pow",    "cmp_eq",
                                "cmp_ne", "cmp_lt", "cmp_le", "cmp_gt",
                                "cmp_ge", "and",    "or"};
  return s;
}

/// On-chip operands of the vector unit, whose dtypes the target supports.
static LogicalResult checkVector(Operation *op, ValueRange operands) {
  TargetAttr target = lookupTarget(op);
  for (auto [i, v] : llvm::enumerate(operands)) {
    if (failed(checkSpace(op, v, "operand #" + std::to_string(i),
                          {MemSpace::SPAD, MemSpace::ACC})))
      return failure();
    Type e = mt(v).getElementType();
    if (target && !e.isInteger(1) && !target.vectorSupports(e))
      return op->emitOpError() << "the vector unit of " << target.getName()
                               << " does not compute on " << e;
  }
  return success();
}

LogicalResult VecUnaryOp::verify() {
  if (!unaryFns().contains(getFn()))
    return emitOpError() << "unknown unary function '" << getFn() << "'";
  if (mt(getSrc()).getShape() != mt(getDst()).getShape())
    return emitOpError() << "source and destination shapes differ";
  return checkVector(*this, {getSrc(), getDst()});
}

LogicalResult VecBinaryOp::verify() {
  if (!binaryFns().contains(getFn()))
    return emitOpError() << "unknown binary function '" << getFn() << "'";
  if (mt(getLhs()).getShape() != mt(getDst()).getShape() ||
      mt(getRhs()).getShape() != mt(getDst()).getShape())
    return emitOpError() << "operand shapes differ (broadcast with a "
                            "stride-0 view)";
  return checkVector(*this, {getLhs(), getRhs(), getDst()});
}

LogicalResult VecReduceOp::verify() {
  if (getFn() != "sum" && getFn() != "max" && getFn() != "min")
    return emitOpError() << "unknown reduction '" << getFn()
                         << "' (sum, max or min)";
  MemRefType s = mt(getSrc()), d = mt(getDst());
  if (s.getRank() != 2 || d.getRank() != 1 ||
      s.getDimSize(0) != d.getDimSize(0))
    return emitOpError() << "reduces rows: source R x C, destination R";
  return checkVector(*this, {getSrc(), getDst()});
}

LogicalResult VecSelectOp::verify() {
  MemRefType d = mt(getDst());
  for (Value v : {getCond(), getLhs(), getRhs()})
    if (mt(v).getShape() != d.getShape())
      return emitOpError() << "operand shapes differ (broadcast with a "
                              "stride-0 view)";
  if (!mt(getCond()).getElementType().isInteger(1))
    return emitOpError() << "condition must hold i1";
  if (mt(getLhs()).getElementType() != d.getElementType() ||
      mt(getRhs()).getElementType() != d.getElementType())
    return emitOpError() << "lhs, rhs and dst must have one element type";
  return checkVector(*this, {getCond(), getLhs(), getRhs(), getDst()});
}

static LogicalResult checkToken(Operation *op, StringRef queue,
                                int64_t token) {
  if (queue != "load" && queue != "compute" && queue != "store")
    return op->emitOpError() << "unknown queue '" << queue
                             << "' (load, compute or store)";
  if (token < 0)
    return op->emitOpError() << "token must be non-negative";
  if (TargetAttr target = lookupTarget(op); target && token >= target.getTokens())
    return op->emitOpError() << "token " << token << " out of range: "
                             << target.getName() << " has "
                             << target.getTokens() << " tokens";
  return success();
}

LogicalResult WaitOp::verify() {
  return checkToken(*this, getQueue(), getToken());
}
LogicalResult SignalOp::verify() {
  return checkToken(*this, getQueue(), getToken());
}
