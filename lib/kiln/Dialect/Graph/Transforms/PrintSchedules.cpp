//===- PrintSchedules.cpp - Schedule keys and the schedule printout -------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

void kiln::forEachScheduleKey(
    ModuleOp module, llvm::function_ref<void(Operation *, StringRef)> fn) {
  module.walk([&](func::FuncOp func) {
    int64_t index = 0;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (!isa<KilnDialect>(op->getDialect()))
        return;
      std::string key = (func.getSymName() + ":" + Twine(index++)).str();
      fn(op, key);
    });
  });
}

void kiln::printSchedules(ModuleOp module, raw_ostream &os) {
  forEachScheduleKey(module, [&](Operation *op, StringRef key) {
    auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
    if (!schedule)
      return;
    os << key << " " << op->getName() << " (";
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
}
