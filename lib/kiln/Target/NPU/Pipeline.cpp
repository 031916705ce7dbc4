//===- Pipeline.cpp - The NPU target's lowering pipeline ------------------===//
//
// kiln -> schedules (NPU cost model) -> npu ops in tile loops -> tokens ->
// double buffers -> addresses; emitNPUProgram then unrolls it into a
// Program. docs/npu-compiler.md.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/Pipeline.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Target/NPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void kiln::buildNPULoweringPipeline(OpPassManager &pm,
                                    const NPUPipelineOptions &options) {
  KilnNPUAttachTargetOptions attach;
  attach.target = options.target;
  attach.targetsDir = options.targetsDir;
  pm.addPass(kiln::createKilnNPUAttachTarget(attach));
  // Deciding: the NPU cost model writes a #kiln.schedule on every op.
  KilnSelectSchedulesOptions select;
  select.target = "npu:" + options.target;
  select.targetsDir = options.targetsDir;
  select.scheduleFile = options.scheduleFile;
  pm.addPass(kiln::createKilnSelectSchedules(select));
  // Doing: tile nests of npu ops, then the queues' synchronisation, the
  // double buffers and the SRAM addresses.
  pm.addPass(kiln::createKilnNPULowerToNPU());
  pm.addPass(kiln::createKilnNPUInsertTokens());
  pm.addPass(kiln::createKilnNPUMultiBuffer());
  pm.addPass(kiln::createKilnNPUAssignAddresses());
}

void kiln::registerNPUTargetDialects(DialectRegistry &registry) {
  registry.insert<npu::NPUDialect, affine::AffineDialect, arith::ArithDialect,
                  memref::MemRefDialect, scf::SCFDialect>();
}

namespace {
struct NPUPipelineRegistrationOptions
    : PassPipelineOptions<NPUPipelineRegistrationOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("NPU description name or path"),
                             llvm::cl::init("edge")};
  Option<std::string> targetsDir{*this, "targets-dir",
                                 llvm::cl::desc("where names are looked up")};
};
} // namespace

void kiln::registerNPUTargetPasses() {
  registerKilnNPUPasses();
  PassPipelineRegistration<NPUPipelineRegistrationOptions>(
      "kiln-lower-to-npu", "kiln -> npu ops with tokens and addresses",
      [](OpPassManager &pm, const NPUPipelineRegistrationOptions &o) {
        buildNPULoweringPipeline(pm, {o.target, o.targetsDir, ""});
      });
}
