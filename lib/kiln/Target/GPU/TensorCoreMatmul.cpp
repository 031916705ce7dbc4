//===- TensorCoreMatmul.cpp - kiln-gpu-tensor-core-matmul -----------------===//
//
// Doing what the GPU cost model decided for an f16 / bf16 (or TF32) matmul
// with a five-level tensor-core schedule (kiln/Target/GPU/TensorCoreSchedule.h):
// after bufferization, the linalg.fill + linalg.matmul (or batch_matmul)
// and the elementwise epilogue kiln-gpu-tile left whole for it
// (`kiln.gpu.tensor_core_epilogue`) become one gpu.launch:
//
// - one block per BM x BN tile of C (x = n tiles, y = m tiles, z = batch);
//   (BM / WM) x (BN / WN) warps, each a WM x WN warp tile;
// - A and B K tiles in workgroup memory, `stages` of them, filled with
//   nvgpu.device_async_copy (cp.async) of `vector` elements per thread and
//   copy: a software pipeline of stages - 1 tiles in flight (prologue, then
//   per K tile: wait, barrier, issue the copy of tile k + stages - 1,
//   compute tile k);
// - per 16-deep k step, A fragments with ldmatrix.x4, B fragments with
//   ldmatrix.x4.trans, m16n8k16 mma.sync into f32 accumulators that stay in
//   registers for the whole K loop; f32 operands (TF32, asked for with
//   --f32-matmul=tf32) per 8-deep step: A with ldmatrix.x4 of 32-bit
//   elements, B with two 32-bit loads per lane, both rounded to TF32, and
//   m16n8k8 mma.sync;
// - the epilogue (bias, activation, residual, the truncation to f16 / bf16)
//   applied to each accumulator element before the only store.
//
// Partial tiles: copies outside A or B copy 0 source elements (cp.async
// zero-fills), stores outside C are skipped; no SIMT remainder.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Target/GPU/Passes.h"
#include "kiln/Target/GPU/TensorCoreSchedule.h"
#include "IndexBuilder.h"
#include "WarpMma.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUTENSORCOREMATMUL
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kEpilogueMarker = "kiln.gpu.tensor_core_epilogue";
/// mma.sync and ldmatrix are instructions of a 32-thread warp.
constexpr int64_t kWarp = 32;

/// `v` without memref view ops in between (expand / collapse / cast).
Value rootOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto e = dyn_cast<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else if (auto c = dyn_cast<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto c = dyn_cast<memref::CastOp>(def))
      v = c.getSource();
    else
      break;
  }
  return v;
}

/// The non-view ops using `root` (through view ops).
void usersOf(Value v, SmallVectorImpl<Operation *> &out) {
  for (Operation *user : v.getUsers()) {
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp>(
            user))
      usersOf(user->getResult(0), out);
    else
      out.push_back(user);
  }
}

bool staticIdentity(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape() && t.getLayout().isIdentity();
}

/// One step of the epilogue: an all-parallel generic with one output and
/// identity maps on the output and on the input coming from the step
/// before. `input` is that operand's number.
struct EpilogueStep {
  linalg::GenericOp op;
  unsigned input;
};

struct Plan {
  linalg::LinalgOp matmul;
  linalg::FillOp fill;
  SmallVector<EpilogueStep> epilogue;
  /// The [b, m, n] of C -> the epilogue's loops: the reassociation of the
  /// expand_shape between them (empty: the same shape).
  SmallVector<ReassociationIndices> expand;
  SmallVector<int64_t> epilogueShape;
};

/// True when nothing between `from` and `to` (same block) that is not in
/// `skip` writes memory: the kernel can compute there what they computed.
bool nothingWritesBetween(Operation *from, Operation *to,
                          const llvm::SmallPtrSetImpl<Operation *> &skip) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    if (skip.contains(op) || isa<memref::AllocOp, memref::DeallocOp>(op) ||
        isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp>(
            op))
      continue;
    if (isMemoryEffectFree(op))
      continue;
    return false;
  }
  return true;
}

/// Finds the fill before `mm` and the epilogue chain after it.
std::optional<Plan> planFor(linalg::LinalgOp mm) {
  Plan plan;
  plan.matmul = mm;
  Value c = mm.getDpsInits()[0];
  Operation *prev = mm->getPrevNode();
  auto fill = dyn_cast_or_null<linalg::FillOp>(prev);
  if (!fill || fill.getDpsInits()[0] != c)
    return std::nullopt; // the conversion always zero-fills the accumulator
  plan.fill = fill;

  // The epilogue: marked generics, each the next op to touch the buffer
  // the step before wrote, reading it elementwise; that buffer is then
  // either a temporary nothing else uses or overwritten in place.
  Value current = c;
  Operation *last = mm;
  llvm::SmallPtrSet<Operation *, 8> chain{mm, fill};
  while (true) {
    Value root = rootOf(current);
    SmallVector<Operation *> users;
    usersOf(root, users);
    // The next op touching the buffer, itself or inside its regions (a
    // loop reading it there would see a value the kernel no longer stores).
    linalg::GenericOp next;
    for (Operation *op = last->getNextNode(); op; op = op->getNextNode())
      if (llvm::any_of(users, [&](Operation *u) { return op->isAncestor(u); })) {
        next = dyn_cast<linalg::GenericOp>(op);
        break;
      }
    if (!next || !next->hasAttr(kEpilogueMarker) ||
        next.getNumDpsInits() != 1 ||
        next.getNumLoops() != next.getNumParallelLoops() ||
        !next.getMatchingIndexingMap(next.getDpsInitOperand(0)).isIdentity() ||
        !staticIdentity(next.getDpsInits()[0]) ||
        !next.getMatchingBlockArgument(next.getDpsInitOperand(0)).use_empty())
      break;
    bool inPlace = rootOf(next.getDpsInits()[0]) == root;
    bool temporary =
        root.getDefiningOp<memref::AllocOp>() &&
        llvm::all_of(users, [&](Operation *u) {
          return chain.contains(u) || u == next.getOperation() ||
                 isa<memref::DeallocOp>(u);
        });
    if (!inPlace && !temporary)
      break;
    std::optional<unsigned> input;
    bool ok = true;
    for (OpOperand *in : next.getDpsInputOperands())
      if (rootOf(in->get()) == root) {
        if (input || !next.getMatchingIndexingMap(in).isIdentity())
          ok = false;
        input = in->getOperandNumber();
      }
    if (!ok || !input)
      break;
    Value read = next->getOperand(*input);
    if (plan.epilogue.empty()) {
      // C itself, or C expanded ([B*M, N] -> [B, M, N]).
      if (auto e = read.getDefiningOp<memref::ExpandShapeOp>()) {
        if (e.getSrc() != c)
          break;
        plan.expand = e.getReassociationIndices();
      } else if (read != c) {
        break;
      }
      plan.epilogueShape =
          llvm::to_vector(cast<MemRefType>(read.getType()).getShape());
    } else if (read != current) {
      break;
    }
    if (!nothingWritesBetween(last, next, chain))
      break;
    plan.epilogue.push_back({next, *input});
    chain.insert(next);
    last = next;
    current = next.getDpsInits()[0];
  }
  return plan;
}

using Builder = kiln::IndexBuilder;

/// One K tile of f16 / bf16 operands, 16 deep per step: A fragments with
/// ldmatrix.x4, B fragments with ldmatrix.x4.trans (two 16 x 8 tiles per
/// load), m16n8k16 mma.sync into the warp tile's accumulators `acc`.
void multiplyTile16(Builder &h, const kiln::TensorCoreSchedule &t, Type elem,
                    Value smA, Value smB, Value stage, Value lane, Value wm0,
                    Value wn0, SmallVectorImpl<Value> &acc) {
  OpBuilder &b = h.b;
  Location loc = h.loc;
  int64_t tilesM = t.warpM / 16, tilesN = t.warpN / 8;
  Value lane16 = h.rem(lane, 16), half = h.mul(h.div(lane, 16), 8);
  auto fragType = VectorType::get({4, 2}, elem);
  for (int64_t kk = 0; kk < t.blockK / 16; ++kk) {
    SmallVector<Value> a, bf;
    for (int64_t i = 0; i < tilesM; ++i)
      a.push_back(nvgpu::LdMatrixOp::create(
          b, loc, fragType, smA,
          ValueRange{stage, h.add(wm0, h.add(lane16, h.c(i * 16))),
                     h.add(half, h.c(kk * 16))},
          /*transpose=*/false, /*numTiles=*/4));
    for (int64_t j = 0; j < tilesN; j += 2) {
      // Two 16 x 8 B tiles: matrices 0, 1 are tile j, 2, 3 tile j + 1.
      Value four = nvgpu::LdMatrixOp::create(
          b, loc, fragType, smB,
          ValueRange{stage, h.add(lane16, h.c(kk * 16)),
                     h.add(wn0, h.add(half, h.c(j * 8)))},
          /*transpose=*/true, /*numTiles=*/4);
      for (Value fragment : kiln::splitLdMatrixX4(b, loc, four))
        bf.push_back(fragment);
    }
    for (int64_t i = 0; i < tilesM; ++i)
      for (int64_t j = 0; j < tilesN; ++j) {
        Value &c = acc[i * tilesN + j];
        c = kiln::emitMmaSync16816(b, loc, a[i], bf[j], c);
      }
  }
}

/// f32 rounded to TF32 (cvt.rna.tf32.f32: nearest, ties away from zero),
/// as an f32 whose low 13 mantissa bits are zero: the hardware would
/// otherwise just ignore them (truncate).
Value roundToTF32(OpBuilder &b, Location loc, Value x) {
  Value bits = NVVM::ConvertFloatToTF32Op::create(
      b, loc, b.getI32Type(), x, NVVM::FPRoundingMode::RNA);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

/// One K tile of f32 operands on TF32 tensor cores, 8 deep per step
/// (m16n8k8; lane = 4 * group + inGroup):
/// - A (16 x 8): a0..a3 = rows group, group + 8 by columns inGroup,
///   inGroup + 4, exactly the four 8 x 4 matrices of 32-bit elements one
///   ldmatrix.x4 loads (lanes 0-15 name rows 0-15 at column 0, lanes 16-31
///   the same rows at column 4);
/// - B (8 x 8): b0, b1 = rows inGroup, inGroup + 4 of column group. B's
///   tiles are row-major (k rows), and ldmatrix transposes only 16-bit
///   elements, so each lane loads its two elements.
void multiplyTileTF32(Builder &h, const kiln::TensorCoreSchedule &t,
                      Value smA, Value smB, Value stage, Value lane,
                      Value wm0, Value wn0, SmallVectorImpl<Value> &acc) {
  OpBuilder &b = h.b;
  Location loc = h.loc;
  int64_t tilesM = t.warpM / 16, tilesN = t.warpN / 8;
  Type f32 = b.getF32Type();
  auto aType = VectorType::get({4, 1}, f32);
  auto bType = VectorType::get({2, 1}, f32);
  Value lane16 = h.rem(lane, 16), quad = h.mul(h.div(lane, 16), 4);
  Value group = h.div(lane, 4), inGroup = h.rem(lane, 4);
  for (int64_t kk = 0; kk < t.blockK / 8; ++kk) {
    SmallVector<Value> a, bf;
    for (int64_t i = 0; i < tilesM; ++i) {
      Value loaded = nvgpu::LdMatrixOp::create(
          b, loc, aType, smA,
          ValueRange{stage, h.add(wm0, h.add(lane16, h.c(i * 16))),
                     h.add(quad, h.c(kk * 8))},
          /*transpose=*/false, /*numTiles=*/4);
      Value v = ub::PoisonOp::create(b, loc, aType);
      for (int64_t r = 0; r < 4; ++r) {
        Value x = vector::ExtractOp::create(b, loc, loaded,
                                            ArrayRef<int64_t>{r, 0});
        v = vector::InsertOp::create(b, loc, roundToTF32(b, loc, x), v,
                                     ArrayRef<int64_t>{r, 0});
      }
      a.push_back(v);
    }
    for (int64_t j = 0; j < tilesN; ++j) {
      Value col = h.add(wn0, h.add(group, h.c(j * 8)));
      Value v = ub::PoisonOp::create(b, loc, bType);
      for (int64_t r = 0; r < 2; ++r) {
        Value row = h.add(inGroup, h.c(kk * 8 + r * 4));
        Value x = memref::LoadOp::create(b, loc, smB,
                                         ValueRange{stage, row, col});
        v = vector::InsertOp::create(b, loc, roundToTF32(b, loc, x), v,
                                     ArrayRef<int64_t>{r, 0});
      }
      bf.push_back(v);
    }
    for (int64_t i = 0; i < tilesM; ++i)
      for (int64_t j = 0; j < tilesN; ++j) {
        Value &c = acc[i * tilesN + j];
        c = nvgpu::MmaSyncOp::create(b, loc, a[i], bf[j], c,
                                     ArrayRef<int64_t>{16, 8, 8},
                                     /*tf32Enabled=*/true);
      }
  }
}

struct TensorCoreMatmulPass
    : kiln::impl::KilnGPUTensorCoreMatmulBase<TensorCoreMatmulPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          !op.hasPureBufferSemantics() || op.hasUserDefinedMaps() ||
          op->getParentOfType<gpu::LaunchOp>())
        return;
      if (kiln::TensorCoreSchedule::read(
              op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule")))
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp mm : matmuls)
      if (failed(lower(mm)))
        return signalPassFailure();
  }

  LogicalResult lower(linalg::LinalgOp mm) {
    auto schedule = *kiln::TensorCoreSchedule::read(
        mm->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule"));
    Value A = mm.getDpsInputs()[0], B = mm.getDpsInputs()[1],
          C = mm.getDpsInits()[0];
    bool batched = isa<linalg::BatchMatmulOp>(mm);
    auto aType = dyn_cast<MemRefType>(A.getType());
    auto cType = dyn_cast<MemRefType>(C.getType());
    Type elem = aType ? aType.getElementType() : Type();
    // What the lowering takes; anything else keeps the generic path (the
    // cost model only chooses tensor-core schedules for what fits). f32
    // operands run on TF32 tensor cores: the schedule's m16n8k8 says so.
    if (!staticIdentity(A) || !staticIdentity(B) || !staticIdentity(C) ||
        !(elem.isF16() || elem.isBF16() ||
          (elem.isF32() && schedule.instrK == 8)) ||
        cast<MemRefType>(B.getType()).getElementType() != elem ||
        !cType.getElementType().isF32()) {
      mm->emitRemark("kiln-gpu-tensor-core-matmul: not taken (needs static "
                     "identity-layout f16 / bf16 operands, or f32 ones with "
                     "an m16n8k8 (tf32) schedule, and an f32 accumulator); "
                     "the generic path runs it");
      return success();
    }
    bool tf32 = elem.isF32();
    int64_t instrK = tf32 ? 8 : 16;
    ArrayRef<int64_t> aShape = aType.getShape();
    ArrayRef<int64_t> cShape = cType.getShape();
    int64_t batch = batched ? cShape[0] : 1;
    int64_t M = cShape[cShape.size() - 2], N = cShape.back(),
            K = aShape.back();
    const kiln::TensorCoreSchedule &t = schedule;
    int64_t warpsM = t.blockM / t.warpM, warpsN = t.blockN / t.warpN;
    int64_t threads = warpsM * warpsN * kWarp;
    int64_t V = t.vector;
    int64_t eb = elem.getIntOrFloatBitWidth() / 8;
    if (!t.followable(K, N, eb, instrK, kWarp))
      return mm->emitError(
          "kiln-gpu-tensor-core-matmul: the tensor-core schedule does not "
          "fit this matmul (m16n8k16 instructions, m16n8k8 for f32 (tf32), "
          "warp tiles of whole 16 x 16 tiles, copies spread evenly over the "
          "threads, K and N multiples of the copy vector)");

    std::optional<Plan> plan = planFor(mm);
    if (!plan) {
      mm->emitRemark("kiln-gpu-tensor-core-matmul: not taken (the "
                     "accumulator is not zero-filled just before)");
      return success();
    }
    Operation *last =
        plan->epilogue.empty() ? mm.getOperation()
                               : plan->epilogue.back().op.getOperation();
    Value out = plan->epilogue.empty() ? C : last->getOperand(
                                                 last->getNumOperands() - 1);

    MLIRContext *ctx = mm->getContext();
    OpBuilder b(last);
    Location loc = mm->getLoc();
    Builder h{b, loc};
    auto workgroup = gpu::AddressSpaceAttr::get(
        ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
    auto smAType = MemRefType::get({t.stages, t.blockM, t.blockK}, elem,
                                   MemRefLayoutAttrInterface(), workgroup);
    auto smBType = MemRefType::get({t.stages, t.blockK, t.blockN}, elem,
                                   MemRefLayoutAttrInterface(), workgroup);
    Value fillValue = plan->fill.getDpsInputs()[0];
    auto launch = gpu::LaunchOp::create(
        b, loc, h.c((N + t.blockN - 1) / t.blockN),
        h.c((M + t.blockM - 1) / t.blockM), h.c(batch), h.c(threads), h.c(1),
        h.c(1), nullptr, nullptr, {}, TypeRange{smAType, smBType});
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    Value smA = launch.getWorkgroupAttributions()[0];
    Value smB = launch.getWorkgroupAttributions()[1];
    Value tid = launch.getThreadIds().x;
    Value m0 = h.mul(launch.getBlockIds().y, t.blockM);
    Value n0 = h.mul(launch.getBlockIds().x, t.blockN);
    Value bz = launch.getBlockIds().z;
    Value warp = h.div(tid, kWarp), lane = h.rem(tid, kWarp);
    Value wm0 = h.mul(h.div(warp, warpsN), t.warpM);
    Value wn0 = h.mul(h.rem(warp, warpsN), t.warpN);
    Value zero = h.c(0);
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
    UnitAttr bypassL1 = V * eb == 16 ? b.getUnitAttr() : UnitAttr();

    // The copies of K tile `kt` into stage `stage`: one group.
    auto copyTile = [&](Value stage, Value kt) -> Value {
      SmallVector<Value> tokens;
      auto copies = [&](Value src, Value dst, int64_t rows, int64_t cols,
                        bool isA) {
        int64_t chunksPerRow = cols / V;
        for (int64_t i = 0; i < rows * chunksPerRow / threads; ++i) {
          Value idx = h.add(tid, h.c(i * threads));
          Value row = h.div(idx, chunksPerRow);
          Value col = h.mul(h.rem(idx, chunksPerRow), V);
          Value kBase = h.mul(kt, t.blockK);
          // A: (m0 + row, kt*BK + col); B: (kt*BK + row, n0 + col).
          Value g0 = h.add(isA ? m0 : kBase, row);
          Value g1 = h.add(isA ? kBase : n0, col);
          Value in = arith::AndIOp::create(b, loc, h.lt(g0, isA ? M : K),
                                           h.lt(g1, isA ? K : N));
          // Outside the operand: read nothing (zero fill) from a valid
          // address.
          Value n = h.select(in, h.c(V), zero);
          SmallVector<Value> srcIdx;
          if (batched)
            srcIdx.push_back(bz);
          srcIdx.push_back(h.select(in, g0, zero));
          srcIdx.push_back(h.select(in, g1, zero));
          tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
              b, loc, tokenType, dst, ValueRange{stage, row, col}, src, srcIdx,
              b.getIndexAttr(V), n, bypassL1));
        }
      };
      copies(A, smA, t.blockM, t.blockK, /*isA=*/true);
      copies(B, smB, t.blockK, t.blockN, /*isA=*/false);
      return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
    };

    // Prologue: stages - 1 K tiles in flight.
    Value group;
    for (int64_t s = 0; s + 1 < t.stages; ++s)
      group = copyTile(h.c(s), h.c(s));

    int64_t tilesM = t.warpM / 16, tilesN = t.warpN / 8;
    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value init = vector::BroadcastOp::create(b, loc, accType, fillValue);
    SmallVector<Value> inits(tilesM * tilesN, init);
    int64_t kTiles = (K + t.blockK - 1) / t.blockK;
    auto loop = scf::ForOp::create(b, loc, zero, h.c(kTiles), h.c(1), inits);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value kt = loop.getInductionVar();
      // Tile kt has arrived once at most stages - 2 groups are pending; the
      // barrier also says every warp is done with tile kt - 1, whose stage
      // the next copy overwrites.
      nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                       b.getI32IntegerAttr(t.stages - 2));
      gpu::BarrierOp::create(b, loc);
      Value next = h.add(kt, h.c(t.stages - 1));
      copyTile(h.rem(next, t.stages), next);
      Value stage = h.rem(kt, t.stages);
      SmallVector<Value> acc(loop.getRegionIterArgs());
      if (tf32)
        multiplyTileTF32(h, t, smA, smB, stage, lane, wm0, wn0, acc);
      else
        multiplyTile16(h, t, elem, smA, smB, stage, lane, wm0, wn0, acc);
      scf::YieldOp::create(b, loc, acc);
    }
    // Copies of tiles past the end are still pending (they read nothing).
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group, b.getI32IntegerAttr(0));

    // Epilogue: element (r, cc) of accumulator (i, j) is C[row, col] with
    // row = i*16 + r*8 + lane/4, col = j*8 + (lane%4)*2 + cc in the warp
    // tile (the m16n8 accumulator layout).
    bool partial = M % t.blockM != 0 || N % t.blockN != 0;
    Value laneRow = h.div(lane, 4), laneCol = h.mul(h.rem(lane, 4), 2);
    for (int64_t i = 0; i < tilesM; ++i)
      for (int64_t j = 0; j < tilesN; ++j)
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t cc = 0; cc < 2; ++cc) {
            Value v = vector::ExtractOp::create(
                b, loc, loop.getResult(i * tilesN + j),
                ArrayRef<int64_t>{r, cc});
            Value row = h.add(h.add(m0, wm0), h.add(laneRow, h.c(i * 16 + r * 8)));
            Value col = h.add(h.add(n0, wn0), h.add(laneCol, h.c(j * 8 + cc)));
            OpBuilder::InsertionGuard guard(b);
            if (partial) {
              Value in = arith::AndIOp::create(b, loc, h.lt(row, M),
                                               h.lt(col, N));
              auto ifOp = scf::IfOp::create(b, loc, in, /*else=*/false);
              b.setInsertionPointToStart(ifOp.thenBlock());
            }
            SmallVector<Value> coords;
            if (batched)
              coords.push_back(bz);
            coords.append({row, col});
            emitEpilogue(b, loc, *plan, coords, v, out);
          }
    gpu::TerminatorOp::create(b, loc);

    // The kernel computes and stores what these did.
    SmallVector<Operation *> dead;
    for (EpilogueStep &s : llvm::reverse(plan->epilogue))
      dead.push_back(s.op);
    dead.push_back(mm);
    dead.push_back(plan->fill);
    SmallVector<Value> buffers{C};
    for (EpilogueStep &s : plan->epilogue)
      buffers.push_back(s.op.getDpsInits()[0]);
    buffers.pop_back(); // the last one is the output
    if (plan->epilogue.empty())
      buffers.clear();
    for (Operation *op : dead)
      op->erase();
    // Intermediate buffers nobody reads any more.
    for (Value buffer : buffers)
      eraseIfDead(rootOf(buffer));
    return success();
  }


  /// The epilogue of one accumulator element at `coords` of C: each step's
  /// body with the previous value for its chained input and loads for the
  /// rest; the last value is stored to `out`.
  static void emitEpilogue(OpBuilder &b, Location loc, const Plan &plan,
                           ArrayRef<Value> coords, Value v, Value out) {
    if (plan.epilogue.empty()) {
      memref::StoreOp::create(b, loc, v, out, coords);
      return;
    }
    // C's coordinates -> the epilogue's (delinearized through the expand).
    SmallVector<Value> at;
    if (plan.expand.empty()) {
      at.assign(coords.begin(), coords.end());
    } else {
      Builder h{b, loc};
      for (auto [dim, group] : llvm::enumerate(plan.expand)) {
        Value x = coords[dim];
        SmallVector<Value> parts(group.size());
        for (int64_t g = group.size() - 1; g >= 0; --g) {
          int64_t size = plan.epilogueShape[group[g]];
          parts[g] = g == 0 ? x : h.rem(x, size);
          if (g > 0)
            x = h.div(x, size);
        }
        at.append(parts);
      }
    }
    for (const EpilogueStep &step : plan.epilogue) {
      linalg::GenericOp g = step.op;
      IRMapping map;
      Block *gb = g.getBody();
      for (OpOperand &operand : g->getOpOperands()) {
        BlockArgument arg = gb->getArgument(operand.getOperandNumber());
        if (operand.getOperandNumber() == step.input) {
          map.map(arg, v);
          continue;
        }
        if (arg.use_empty())
          continue;
        AffineMap m = g.getMatchingIndexingMap(&operand);
        SmallVector<Value> idx;
        for (unsigned r = 0; r < m.getNumResults(); ++r)
          idx.push_back(affine::AffineApplyOp::create(
              b, loc, m.getSubMap({r}), at));
        map.map(arg, memref::LoadOp::create(b, loc, operand.get(), idx));
      }
      for (Operation &op : gb->without_terminator()) {
        if (auto index = dyn_cast<linalg::IndexOp>(op)) {
          map.map(index.getResult(), at[index.getDim()]);
          continue;
        }
        b.clone(op, map);
      }
      v = map.lookup(gb->getTerminator()->getOperand(0));
    }
    memref::StoreOp::create(b, loc, v, out, at);
  }

  static void eraseIfDead(Value root) {
    auto alloc = root.getDefiningOp<memref::AllocOp>();
    if (!alloc)
      return;
    SmallVector<Operation *> users;
    usersOf(root, users);
    if (!llvm::all_of(users, [](Operation *u) {
          return isa<memref::DeallocOp>(u);
        }))
      return;
    // Views first (users before their sources), then deallocs, the alloc.
    SmallVector<Operation *> views;
    std::function<void(Value)> collect = [&](Value v) {
      for (Operation *u : v.getUsers())
        if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp,
                memref::CastOp>(u)) {
          collect(u->getResult(0));
          views.push_back(u);
        }
    };
    collect(root);
    for (Operation *u : users)
      u->erase();
    for (Operation *view : views)
      if (view->use_empty())
        view->erase();
    if (alloc->use_empty())
      alloc->erase();
  }
};

} // namespace
