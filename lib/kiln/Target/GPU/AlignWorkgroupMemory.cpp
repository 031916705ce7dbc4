//===- AlignWorkgroupMemory.cpp - kiln-gpu-align-workgroup-memory ---------===//
//
// Workgroup attributions become `.shared` arrays aligned to their element
// type (2 bytes for f16), but cp.async of 16 bytes, ldmatrix and vector
// accesses need 16-byte aligned shared addresses. convert-gpu-to-nvvm
// takes the alignment from each attribution's `llvm.align`.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUALIGNWORKGROUPMEMORY
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
struct AlignWorkgroupMemoryPass
    : kiln::impl::KilnGPUAlignWorkgroupMemoryBase<AlignWorkgroupMemoryPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().walk([&](gpu::GPUFuncOp func) {
      auto i64 = IntegerType::get(func.getContext(), 64);
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i) {
        auto current = dyn_cast_or_null<IntegerAttr>(
            func.getWorkgroupAttributionAttr(
                i, LLVM::LLVMDialect::getAlignAttrName()));
        if (current && current.getInt() >= alignment)
          continue;
        func.setWorkgroupAttributionAttr(
            i, LLVM::LLVMDialect::getAlignAttrName(),
            IntegerAttr::get(i64, alignment));
      }
    });
  }
};
} // namespace
