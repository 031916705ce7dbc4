//===- MergeKernelModules.cpp - kiln-gpu-merge-kernel-modules -------------===//
//
// One gpu.module for all kernels: one PTX file, one module load.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUMERGEKERNELMODULES
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
struct MergeKernelModulesPass
    : kiln::impl::KilnGPUMergeKernelModulesBase<MergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernels(module.getOps<gpu::GPUModuleOp>());
    if (kernels.empty())
      return;
    // The outliner names each module uniquely but may repeat kernel names
    // across modules (f_kernel in @f_kernel and @f_kernel_0): a kernel
    // whose name is taken is renamed after its module.
    gpu::GPUModuleOp merged = kernels.front();
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    SymbolTable table(merged);
    for (gpu::GPUModuleOp other : llvm::drop_begin(kernels)) {
      for (Operation &op :
           llvm::make_early_inc_range(other.getBodyRegion().front())) {
        auto symbol = dyn_cast<SymbolOpInterface>(&op);
        if (!symbol)
          continue;
        StringAttr oldName = symbol.getNameAttr();
        op.remove();
        // insert() renames on a clash (it appends a counter).
        StringAttr newName = table.insert(&op);
        renamed[{other.getSymNameAttr(), oldName}] = newName;
      }
    }
    StringAttr mergedName = StringAttr::get(&getContext(), "kiln_kernels");
    StringAttr firstName = merged.getSymNameAttr();
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      StringAttr leaf = kernel.getLeafReference();
      if (kernel.getRootReference() != firstName)
        leaf = renamed.lookup({kernel.getRootReference(), leaf});
      launch.setKernelAttr(
          SymbolRefAttr::get(mergedName, {FlatSymbolRefAttr::get(leaf)}));
    });
    for (gpu::GPUModuleOp other : llvm::drop_begin(kernels))
      other.erase();
    SymbolTable::setSymbolName(merged, mergedName);
  }
};
} // namespace
