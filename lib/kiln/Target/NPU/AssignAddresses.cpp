//===- AssignAddresses.cpp - kiln-npu-assign-addresses --------------------===//
//
// Liveness at the granularity the tokens give: the nests of a function are
// separated by barriers, so the buffers of one nest are live together and
// the next nest reuses the whole SPAD and ACC. Addresses are aligned to
// kAlign bytes (a DMA burst / bank row on the shipped parts).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Target/NPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln {
#define GEN_PASS_DEF_KILNNPUASSIGNADDRESSES
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::npu;

namespace {
constexpr uint64_t kAlign = 64;

struct AssignAddresses
    : kiln::impl::KilnNPUAssignAddressesBase<AssignAddresses> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = lookupTarget(module);
    if (!target) {
      module.emitError() << "kiln-npu-assign-addresses needs npu.target";
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>())
      for (Operation &nest : func.getBody().front()) {
        uint64_t next[3] = {0, 0, 0};
        WalkResult r = nest.walk([&](memref::AllocOp alloc) -> WalkResult {
          MemRefType type = alloc.getType();
          std::optional<MemSpace> space = getMemSpace(type);
          if (!space || *space == MemSpace::DRAM)
            return WalkResult::advance();
          uint64_t bits = type.getElementType().isInteger(1)
                              ? 8
                              : type.getElementTypeBitWidth();
          uint64_t bytes = type.getNumElements() * bits / 8;
          uint64_t &at = next[int(*space)];
          uint64_t limit = *space == MemSpace::SPAD ? target.getSpadBytes()
                                                    : target.getAccBytes();
          if (at + bytes > limit) {
            alloc.emitOpError()
                << "does not fit: " << memSpaceName(*space) << " of "
                << target.getName() << " has " << limit << " bytes, this "
                << "nest needs " << at + bytes
                << " (the schedule's SRAM tile is too large)";
            return WalkResult::interrupt();
          }
          alloc->setAttr(kAddressAttrName,
                         IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                          at));
          at = (at + bytes + kAlign - 1) / kAlign * kAlign;
          return WalkResult::advance();
        });
        if (r.wasInterrupted())
          return signalPassFailure();
      }
  }
};
} // namespace
