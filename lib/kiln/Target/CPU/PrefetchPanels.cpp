//===- PrefetchPanels.cpp - Prefetch the next packed B panel --------------===//
//
// A packed matmul's micro-kernel reads one kc x n0 panel of B for a whole
// sweep of m tiles. The panel of the next n tile lies K * n0 elements
// further (packed B is [N1, K1, n0, k0]): no hardware prefetcher follows
// that jump, so the first m tile of every panel waits for it to come from
// L3 or memory (16.8% of the samples of the BERT MLP matmul). As BLIS does,
// the prefetch of the next panel is spread over the sweep: before its k
// loop, m tile j of nm prefetches lines [j, j + 1) * ceil(lines / nm) of
// it, so every line is asked for once, about one panel ahead. (One
// prefetch in every k step instead made SGEMM 1024 9% slower: the
// micro-kernel has no issue slots to spare.) The loops to do it around are
// marked by kiln-cpu-tile-and-vectorize (which reads the schedule's
// `prefetch`).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPUPREFETCHPANELS
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {

constexpr int64_t kLineBytes = 64;

/// The read of B in the micro-kernel loop `kLoop` nested in the m loop
/// `mLoop`: a read of a static [N1, K1, n0, 1] buffer at [n, kb + k, 0, 0]
/// whose n does not change across the m sweep.
vector::TransferReadOp findPanelRead(scf::ForOp kLoop, scf::ForOp mLoop) {
  vector::TransferReadOp found;
  for (auto read : kLoop.getBody()->getOps<vector::TransferReadOp>()) {
    auto type = dyn_cast<MemRefType>(read.getBase().getType());
    if (!type || type.getRank() != 4 || !type.hasStaticShape() ||
        !type.getLayout().isIdentity() || type.getDimSize(3) != 1 ||
        !type.getElementType().isIntOrFloat())
      continue;
    ValueRange idx = read.getIndices();
    if (!mLoop.isDefinedOutsideOfLoop(idx[0]) ||
        kLoop.isDefinedOutsideOfLoop(idx[1]) || !isZeroInteger(idx[2]) ||
        !isZeroInteger(idx[3]))
      continue;
    if (found)
      return {}; // Two candidates: not the nest this pass knows.
    found = read;
  }
  return found;
}

void prefetchNextPanel(scf::ForOp kLoop, int64_t locality) {
  auto mLoop = dyn_cast<scf::ForOp>(kLoop->getParentOp());
  if (!mLoop || !isZeroInteger(kLoop.getLowerBound()) ||
      !isOneInteger(kLoop.getStep()))
    return;
  // The panel's n index is computed in the k loop until LICM runs.
  moveLoopInvariantCode(cast<LoopLikeOpInterface>(kLoop.getOperation()));
  moveLoopInvariantCode(cast<LoopLikeOpInterface>(mLoop.getOperation()));
  std::optional<APInt> trips = mLoop.getStaticTripCount();
  std::optional<int64_t> mLb = getConstantIntValue(mLoop.getLowerBound());
  std::optional<int64_t> mStep = getConstantIntValue(mLoop.getStep());
  vector::TransferReadOp read = findPanelRead(kLoop, mLoop);
  if (!trips || !mLb || !mStep || !read)
    return;
  auto type = cast<MemRefType>(read.getBase().getType());
  int64_t nm = std::max<int64_t>(1, trips->getSExtValue());
  int64_t n0 = type.getDimSize(2);
  int64_t eb = type.getElementTypeBitWidth() / 8;
  if (eb == 0 || kLineBytes % eb)
    return;
  int64_t rowBytes = n0 * eb;

  // kb: the panel's first row, the read's row index at k = 0 (k itself
  // when K is one block).
  Value kRow = read.getIndices()[1];
  auto kIndex = kRow.getDefiningOp<affine::AffineApplyOp>();
  if (kRow != kLoop.getInductionVar() &&
      (!kIndex || kIndex->getBlock() != kLoop.getBody() ||
       llvm::any_of(kIndex->getOperands(), [&](Value v) {
         return v != kLoop.getInductionVar() &&
                !kLoop.isDefinedOutsideOfLoop(v);
       })))
    return;

  // Before the k loop, the m tile's share of the next panel's lines, as a
  // short loop of prefetches (the k loop stays as tight as it was).
  OpBuilder b(kLoop);
  Location loc = read.getLoc();
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  IRMapping atFirstStep;
  atFirstStep.map(kLoop.getInductionVar(), c(0));
  Value kb = kIndex ? b.clone(*kIndex, atFirstStep)->getResult(0) : c(0);
  Value kc = kLoop.getUpperBound();
  Value j = arith::DivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, mLoop.getInductionVar(), c(*mLb)),
      c(*mStep));
  Value lines = arith::DivUIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, kc, c(rowBytes)),
                            c(kLineBytes - 1)),
      c(kLineBytes));
  Value share = arith::DivUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, lines, c(nm - 1)), c(nm));
  Value first = arith::MulIOp::create(b, loc, j, share);
  Value next = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, read.getIndices()[0], c(1)),
      c(type.getDimSize(0) - 1));
  auto loop = scf::ForOp::create(b, loc, c(0), share, c(1));
  b.setInsertionPointToStart(loop.getBody());
  Value line = arith::AddIOp::create(b, loc, first, loop.getInductionVar());
  Value element = arith::MulIOp::create(b, loc, line, c(kLineBytes / eb));
  Value row = arith::MinUIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, kb,
                            arith::DivUIOp::create(b, loc, element, c(n0))),
      c(type.getDimSize(1) - 1));
  Value col = arith::RemUIOp::create(b, loc, element, c(n0));
  memref::PrefetchOp::create(b, loc, read.getBase(),
                             ValueRange{next, row, col, c(0)},
                             /*isWrite=*/false, locality,
                             /*isDataCache=*/true);
}

struct PrefetchPanelsPass
    : kiln::impl::KilnCPUPrefetchPanelsBase<PrefetchPanelsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kiln::kPrefetchPanelAttrName))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      auto locality =
          loop->getAttrOfType<IntegerAttr>(kiln::kPrefetchPanelAttrName);
      loop->removeAttr(kiln::kPrefetchPanelAttrName);
      if (locality && locality.getInt() >= 0 && locality.getInt() <= 3)
        prefetchNextPanel(loop, locality.getInt());
    }
  }
};

} // namespace
