//===- WarpMma.h - One m16n8k16 mma.sync for the tensor-core kernels -----===//
//
// Private to lib/kiln/Target/GPU: shared by kiln-gpu-tensor-core-matmul and
// kiln-gpu-flash-attention, which emit their warp-level MMAs and split
// their B fragment loads the same way.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_GPU_WARPMMA_H
#define KILN_LIB_TARGET_GPU_WARPMMA_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <array>

namespace kiln {

/// `c + a * b` on one warp: m16n8k16 mma.sync with f32 accumulators. `a`
/// (vector<4x2xT>), `b` (vector<2x2xT>) and `c` (vector<2x2xf32>) are the
/// PTX fragment layouts; T is f16 (through nvgpu.mma.sync) or bf16 (through
/// NVVM's mma.sync directly, bf16 pairs as i32 registers: nvgpu's lowering
/// does not deduce bf16 PTX types in MLIR 22).
mlir::Value emitMmaSync16816(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value a, mlir::Value bv, mlir::Value c);

/// The two 16x8 B fragments (vector<2x2xT>) one ldmatrix.x4 of 16-bit
/// elements loads (vector<4x2xT>): its matrices 0, 1 and 2, 3.
std::array<mlir::Value, 2> splitLdMatrixX4(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           mlir::Value four);

} // namespace kiln

#endif // KILN_LIB_TARGET_GPU_WARPMMA_H
