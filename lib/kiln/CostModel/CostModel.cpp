//===- CostModel.cpp - Per-target schedule cost models --------------------===//

#include "kiln/CostModel/CostModel.h"

#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;

kiln::CostModel::~CostModel() = default;

namespace kiln::cost_model {

double overlapped(double compute, double memory) {
  return std::max(compute, memory) +
         kExposedFraction * std::min(compute, memory);
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t extentOf(const ScheduleLoop &l) {
  return ShapedType::isDynamic(l.extent) ? kAssumedDynamicExtent : l.extent;
}

int64_t elementBytes(Type t) {
  Type e = getElementTypeOrSelf(t);
  return std::max<int64_t>(1, e.getIntOrFloatBitWidth() / 8);
}

double numElements(Type t) {
  auto s = dyn_cast<ShapedType>(t);
  if (!s)
    return 1;
  double n = 1;
  for (int64_t d : s.getShape())
    n *= ShapedType::isDynamic(d) ? kAssumedDynamicExtent : d;
  return n;
}

double opsPerPoint(Operation *op) {
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case<DivOp, SqrtOp, RsqrtOp>([](auto) { return 4.0; })
      .Case<ExpOp, LogOp, TanhOp, ErfOp, SigmoidOp>([](auto) { return 12.0; })
      .Case<SiluOp>([](auto) { return 14.0; })
      .Case<GeluOp, PowOp>([](auto) { return 20.0; })
      .Case<SoftmaxOp>([](auto) { return 16.0; })
      .Case<LayerNormOp>([](auto) { return 8.0; })
      .Case<RmsNormOp>([](auto) { return 6.0; })
      .Default([](Operation *) { return 1.0; });
}

std::string fmt(double v) { return llvm::formatv("{0:g}", v).str(); }

} // namespace kiln::cost_model
