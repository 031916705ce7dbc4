//===- Lowering.h - kiln-npu-lower-to-npu, shared by its files -*- C++ -*-===//
//
// The kiln -> npu lowering is one pass (LowerToNPU.cpp drives it over a
// function) whose per-op nests live in one file per op family:
// LowerMatmul.cpp, LowerVectorOps.cpp (elementwise, softmax, norms,
// reductions), LowerDataMovement.cpp (transpose, slice, concat, gather) and
// LowerAttention.cpp. Private to lib/kiln/Target/NPU.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_NPU_LOWERING_H
#define KILN_LIB_TARGET_NPU_LOWERING_H

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Dialect/NPU/IR/NPUOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace kiln {
struct NPURowwiseStep;
} // namespace kiln

namespace kiln::npu_lowering {
using namespace mlir;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A loop of a tile nest: its induction variable (or a constant 0 when the
/// loop has one trip and is not generated) and the size of the current tile
/// (static when the tile divides the extent).
struct TileLoop {
  Value iv;
  OpFoldResult size;
  bool generated = false;
};

/// An elementwise op fused into a matmul's accumulator drain: `fn` on the
/// running value (and `other`, a DRAM operand of the result's shape or one
/// row broadcast over the rows).
struct EpilogueOp {
  std::string fn;
  Value other;
  bool rowBroadcast = false;
  bool runningIsLhs = true;
};

/// The vector unit's function of an elementwise kiln op ("" if none).
StringRef fnOf(Operation *op);

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func)
      : module(module), func(func), b(func.getContext()),
        target(npu::lookupTarget(module)) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp func;
  OpBuilder b;
  npu::TargetAttr target;
  DenseMap<Value, Value> memOf;
  /// Elementwise ops fused into a matmul's drain (skipped by run()).
  llvm::SmallPtrSet<Operation *, 8> fused;
  unsigned numConstants = 0;

  Value idx(Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  /// An scf.for over [0, extent) by `step` (when more than one trip) with
  /// the tile size min(step, extent - iv); the builder is left in its body.
  TileLoop openLoop(Location loc, OpFoldResult extent, int64_t step);
  Value allocTile(Location loc, ArrayRef<int64_t> shape, Type e,
                  npu::MemSpace space, bool inLoop);
  Value subview(Location loc, Value source,
                SmallVector<OpFoldResult> offsets,
                SmallVector<OpFoldResult> sizes, unsigned keepRank);
  /// The leading `sizes` of a statically shaped tile (a loop's shorter last
  /// step), or the tile itself when they are all of it.
  Value leadingPart(Location loc, Value tile, SmallVector<OpFoldResult> sizes);
  LogicalResult lowerMatmul(MatmulOp op, Value out,
                            ArrayRef<EpilogueOp> epilogue = {});
  LogicalResult lowerElementwise(Operation *op, StringRef fn, Value out);
  LogicalResult lowerSoftmax(SoftmaxOp op, Value out);
  /// `mem` (a contiguous DRAM memref) seen as rows x cols.
  Value as2D(Location loc, Value mem, int64_t rows, int64_t cols);
  /// `mem` (a contiguous DRAM memref) seen with the shape of `to`: a view,
  /// no data moves (collapse to 1-D, expand to the new shape).
  Value reshapeView(Location loc, Value mem, RankedTensorType to);
  /// Copies the DRAM view `src` into the DRAM view `dst` (one shape, any
  /// strides) through SPAD: a loop per outer dim, row tiles of the last
  /// two, one DMA in and one DMA out per tile. Emitted at the builder's
  /// insertion point (inside a nest).
  LogicalResult copyThroughSpad(Operation *op, Value src, Value dst);
  /// The row tile level 1 of `op`'s schedule gives the second-to-last of
  /// its `rank` loops (the vector nests' row tiles), if it has one.
  std::optional<int64_t> scheduledRowTile(Operation *op, int64_t rank);
  /// Copies the DRAM view of `base` (contiguous) at element `offset` with
  /// positive `strides` and dst's shape into `dst`, reversed along the dims
  /// where `flips` is set (a slice with negative steps): DmaGather through
  /// SPAD with a constant index list (LowerDataMovement.cpp).
  LogicalResult copyFlipped(Operation *op, Value base, int64_t offset,
                            ArrayRef<int64_t> strides, ArrayRef<bool> flips,
                            Value dst);
  /// copyFlipped's reversed last axis of several rows: through a DRAM
  /// scratch holding the source transposed, in a nest of its own before
  /// the builder's.
  LogicalResult reverseColumns(Operation *op, Value base, int64_t offset,
                               ArrayRef<int64_t> strides,
                               ArrayRef<bool> flips, Value dst);
  /// Opens a nest for `op` and leaves the builder inside it.
  scf::ExecuteRegionOp openNest(Operation *op);
  LogicalResult lowerDataMovement(Operation *op, Value out);
  /// gather along axis 0: row tiles of the indices, DmaGather of the
  /// table rows they name into SPAD, one DMA out.
  LogicalResult lowerGather(GatherOp op, Value out);
  /// softmax, layer_norm, rms_norm and reduce, per row tile: one nest per
  /// step of npuRowwiseSteps (LowerVectorOps.cpp).
  LogicalResult lowerRowwise(Operation *op, Value out);
  /// One such nest: `inMem` (element type `ein`) seen as `step`, the
  /// result into `out` (`eout`), computed in `ec` (f32, or a reduce's
  /// integer accumulator); the schedule's row tile if `scheduled`; a mean
  /// of `meanOf` elements when that is not 0.
  LogicalResult lowerRowwiseNest(Operation *op, const NPURowwiseStep &step,
                                 bool scheduled, Value inMem, Type ein,
                                 Value out, Type eout, Type ec,
                                 int64_t meanOf);
  /// `out` (contiguous DRAM) filled with `value` (a reduction over no
  /// elements), in a nest of its own.
  LogicalResult fillResult(Operation *op, Value out, Attribute value);
  /// kiln.rope on the vector unit, per row tile (LowerRope.cpp).
  LogicalResult lowerRope(RopeOp op, Value out);
  /// kiln.attention, flash style (LowerAttention.cpp).
  LogicalResult lowerAttention(AttentionOp op, Value out);
  Value attentionParamsInDram(Location loc, double scale, int64_t bandRows,
                              int64_t bandCols, int64_t bandDiag);
  /// `base` seen at element `offset` with explicit sizes and strides.
  Value strided(Location loc, Value base, OpFoldResult offset,
                ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> strides);
  /// C (+)= A x B cut into array tiles (k outer, first k tile overwrites).
  void arrayMatmul(Location loc, Value a, int64_t aStride, Value bT,
                   int64_t bStride, bool bTransposed, Value c,
                   int64_t cStride, OpFoldResult m, OpFoldResult k,
                   OpFoldResult n);
  /// `value` as a DRAM constant (a memref.global the emitter turns into a
  /// segment), its get_global emitted at the builder.
  Value constantInDram(Location loc, DenseElementsAttr value);
  /// A DRAM constant holding `vals` (the vector unit has no immediates:
  /// scalars are loaded by DMA), its get_global emitted at the builder.
  Value scalarsInDram(Location loc, ArrayRef<double> vals, Type e);
};

} // namespace kiln::npu_lowering

#endif // KILN_LIB_TARGET_NPU_LOWERING_H
