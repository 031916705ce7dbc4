//===- AttachTarget.cpp - kiln-npu-attach-target --------------------------===//
//
// Hardware is data: the one place the NPU passes read a description file.
// Later passes and the verifiers read the module attributes it writes.
//
//===----------------------------------------------------------------------===//

#include "kiln/CostModel/NPUCostModel.h"
#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Target/NPU/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNNPUATTACHTARGET
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
Type toMLIRType(MLIRContext *ctx, npu::ElemType type) {
  Builder b(ctx);
  switch (type) {
  case npu::ElemType::F32:
    return b.getF32Type();
  case npu::ElemType::F16:
    return b.getF16Type();
  case npu::ElemType::BF16:
    return b.getBF16Type();
  case npu::ElemType::I8:
    return b.getI8Type();
  case npu::ElemType::I32:
    return b.getI32Type();
  case npu::ElemType::Bool:
    return b.getI1Type();
  case npu::ElemType::I64:
    return b.getI64Type();
  }
  return {};
}

struct AttachTarget : kiln::impl::KilnNPUAttachTargetBase<AttachTarget> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    npu::NPUTargetDescription d;
    std::string error;
    if (!resolveNPUTargetDescription(target, targetsDir, d, error)) {
      module.emitError() << "--target=npu:" << target << ": " << error;
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> matrix, vector;
    for (const npu::MatrixDType &m : d.matrixDTypes)
      matrix.push_back(TypeAttr::get(toMLIRType(ctx, m.type)));
    for (npu::ElemType t : d.vectorDTypes)
      vector.push_back(TypeAttr::get(toMLIRType(ctx, t)));
    const npu::MemoryLevel *spad = d.memory(npu::MemoryKind::Scratchpad);
    const npu::MemoryLevel *acc = d.memory(npu::MemoryKind::Accumulator);
    auto attr = npu::TargetAttr::get(
        ctx, d.name, d.matrixRows, d.matrixCols, d.vectorLanes,
        spad ? spad->sizeBytes : 0, acc ? acc->sizeBytes : 0, d.tokens,
        ArrayAttr::get(ctx, matrix), ArrayAttr::get(ctx, vector));
    module->setAttr(npu::kTargetAttrName, attr);
    module->setAttr(npu::kDescriptionAttrName,
                    StringAttr::get(ctx, npu::toJSON(d)));
  }
};
} // namespace
