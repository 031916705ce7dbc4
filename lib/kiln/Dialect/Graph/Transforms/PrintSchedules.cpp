//===- PrintSchedules.cpp - Schedule keys and the schedule printout -------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

std::string kiln::getScheduleKey(Operation *op) {
  if (!op || !isa_and_nonnull<KilnDialect>(op->getDialect()))
    return "";
  auto func = op->getParentOfType<func::FuncOp>();
  if (!func)
    return "";
  int64_t index = 0, found = -1;
  func.walk<WalkOrder::PreOrder>([&](Operation *o) {
    if (o == op) {
      found = index;
      return WalkResult::interrupt();
    }
    if (isa<KilnDialect>(o->getDialect()))
      ++index;
    return WalkResult::advance();
  });
  if (found < 0)
    return "";
  return (func.getSymName() + ":" + Twine(found)).str();
}

void kiln::printSchedules(ModuleOp module, raw_ostream &os) {
  module.walk([&](func::FuncOp func) {
    int64_t index = 0;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (!isa<KilnDialect>(op->getDialect()))
        return;
      int64_t key = index++;
      auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
      if (!schedule)
        return;
      os << func.getSymName() << ":" << key << " " << op->getName() << " (";
      llvm::interleaveComma(op->getOperandTypes(), os, [&](Type t) {
        if (auto shaped = dyn_cast<ShapedType>(t)) {
          for (int64_t d : shaped.getShape())
            os << (ShapedType::isDynamic(d) ? std::string("?")
                                            : std::to_string(d))
               << "x";
          os << shaped.getElementType();
        } else {
          os << t;
        }
      });
      os << ") " << Attribute(schedule);
      if (auto time = op->getAttrOfType<FloatAttr>(kPredictedTimeAttrName))
        os << llvm::formatv(" {0:f3} us", time.getValueAsDouble());
      os << "\n";
    });
  });
}
