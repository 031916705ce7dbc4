//===- SwizzleWorkgroupMemory.cpp - kiln-gpu-swizzle-workgroup-memory -----===//
//
// The tensor-core kernel's A and B stages are row-major tiles whose rows
// are 64 to 512 bytes: the eight 16-byte rows one ldmatrix phase reads
// (and the chunks cp.async writes) fall into the same banks. Upstream's
// nvgpu::optimizeSharedMemoryReadsAndWrites (what nvgpu-optimize-shared-
// memory does for memref.alloc) permutes the 16-byte column chunks of each
// row by an XOR with the row, in every read and write of the buffer alike;
// here it runs on the workgroup attributions of each gpu.launch.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/NVGPU/Transforms/Transforms.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUSWIZZLEWORKGROUPMEMORY
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
struct SwizzleWorkgroupMemoryPass
    : kiln::impl::KilnGPUSwizzleWorkgroupMemoryBase<
          SwizzleWorkgroupMemoryPass> {
  void runOnOperation() override {
    getOperation().walk([&](gpu::LaunchOp launch) {
      for (BlockArgument buffer : launch.getWorkgroupAttributions()) {
        // Fails (and changes nothing) where the permutation does not apply:
        // rows short enough that eight fill a 128-byte line already, a
        // subview, or accesses other than loads, stores, ldmatrix and
        // cp.async.
        (void)nvgpu::optimizeSharedMemoryReadsAndWrites(launch, buffer);
      }
    });
  }
};
} // namespace
