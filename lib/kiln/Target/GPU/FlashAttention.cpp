//===- FlashAttention.cpp - kiln-gpu-flash-attention ----------------------===//
//
// Doing what the GPU cost model decided for an f16 / bf16 `kiln.attention`
// with a four-level flash-attention schedule
// (kiln/Target/GPU/FlashAttentionSchedule.h): the op becomes ONE gpu.launch,
// FlashAttention-2 style, so the scores never reach global memory:
//
// - one block per (query tile of BM rows, batch * query head); BM / 16
//   warps, each owning 16 query rows;
// - the query tile is copied once into shared memory (cp.async) and read
//   into registers as mma A fragments (ldmatrix); key and value tiles of BN
//   rows stream through `stages` shared-memory stages filled by cp.async
//   (prologue of stages - 1 tiles, then per tile: wait, barrier, issue the
//   copy of tile + stages - 1, compute);
// - S = Q K^T per warp with m16n8k16 mma.sync (K fragments by ldmatrix
//   without .trans: K's rows are the n index), f32 accumulators in
//   registers;
// - scale, the optional mask, the causal predicate and the ragged end of
//   the keys per element; an online softmax per row: the running max over
//   the four lanes sharing a row (shuffles xor 1, 2), the rescale of O and
//   of the running sum (kept per lane, summed over the four lanes once at
//   the end);
// - P converted to f16 / bf16 in registers: the m16n8 accumulator layout of
//   two adjacent S tiles is the m16n8k16 A fragment layout, so P feeds the
//   P V mma.sync directly (no shared-memory round trip); V fragments by
//   ldmatrix .trans;
// - causal: key tiles past the block's last visible key are not visited;
//   O / l is stored once (rows past Sq skipped).
//
// Runs on tensors before convert-kiln-to-linalg: the operands become
// buffers with bufferization.to_buffer, the result a fresh buffer returned
// through bufferization.to_tensor. Shared memory is the launch's dynamic
// shared memory (the runtime raises the per-kernel limit past 48 KiB):
// workgroup attributions would be block arguments that the buffer
// deallocation pipeline, which runs later, rewrites. Reads by ldmatrix are
// conflict-free because the 16-byte column chunk of every row is XORed with
// the row (mod 8), the same permutation on the cp.async writes.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Target/GPU/FlashAttentionSchedule.h"
#include "kiln/Target/GPU/Passes.h"
#include "IndexBuilder.h"
#include "WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNGPUFLASHATTENTION
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// mma.sync and ldmatrix are instructions of a 32-thread warp.
constexpr int64_t kWarp = 32;

using Builder = kiln::IndexBuilder;


/// Conservative memory effects (read and write) for the synchronization
/// and asynchronous-copy ops of the kernel, and none for NVVM's mma.sync
/// (registers only): MLIR 22 declares none, and the buffer deallocation
/// pipeline, which runs after this pass, refuses ops with unknown effects.
template <typename OpT>
struct ReadWriteModel
    : MemoryEffectOpInterface::ExternalModel<ReadWriteModel<OpT>, OpT> {
  void getEffects(Operation *,
                  SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                      &effects) const {
    effects.emplace_back(MemoryEffects::Read::get());
    effects.emplace_back(MemoryEffects::Write::get());
  }
};
template <typename OpT>
struct NoEffectModel
    : MemoryEffectOpInterface::ExternalModel<NoEffectModel<OpT>, OpT> {
  void getEffects(Operation *,
                  SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                      &) const {}
};
template <typename OpT, template <typename> class Model>
void attachIfMissing(MLIRContext *ctx) {
  std::optional<RegisteredOperationName> name =
      RegisteredOperationName::lookup(OpT::getOperationName(), ctx);
  if (name && !name->hasInterface<MemoryEffectOpInterface>())
    OpT::template attachInterface<Model<OpT>>(*ctx);
}

struct FlashAttentionPass
    : kiln::impl::KilnGPUFlashAttentionBase<FlashAttentionPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    KilnGPUFlashAttentionBase::getDependentDialects(registry);
    registry.addExtension(+[](MLIRContext *ctx, gpu::GPUDialect *) {
      attachIfMissing<gpu::BarrierOp, ReadWriteModel>(ctx);
    });
    registry.addExtension(+[](MLIRContext *ctx, nvgpu::NVGPUDialect *) {
      attachIfMissing<nvgpu::DeviceAsyncCopyOp, ReadWriteModel>(ctx);
      attachIfMissing<nvgpu::DeviceAsyncCreateGroupOp, ReadWriteModel>(ctx);
      attachIfMissing<nvgpu::DeviceAsyncWaitOp, ReadWriteModel>(ctx);
    });
    registry.addExtension(+[](MLIRContext *ctx, NVVM::NVVMDialect *) {
      attachIfMissing<NVVM::MmaOp, NoEffectModel>(ctx);
    });
  }

  void runOnOperation() override {
    SmallVector<kiln::AttentionOp> ops;
    getOperation().walk([&](kiln::AttentionOp op) {
      if (kiln::FlashAttentionSchedule::read(
              op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule")))
        ops.push_back(op);
    });
    for (kiln::AttentionOp op : ops)
      if (failed(lower(op)))
        return signalPassFailure();
  }

  LogicalResult lower(kiln::AttentionOp op) {
    auto t = *kiln::FlashAttentionSchedule::read(
        op->getAttrOfType<kiln::ScheduleAttr>("kiln.schedule"));
    auto qt = cast<RankedTensorType>(op.getQuery().getType());
    auto kt = cast<RankedTensorType>(op.getKey().getType());
    auto vt = cast<RankedTensorType>(op.getValue().getType());
    auto rt = cast<RankedTensorType>(op.getType());
    Type elem = qt.getElementType();
    Value mask = op.getMask();
    RankedTensorType mt =
        mask ? cast<RankedTensorType>(mask.getType()) : RankedTensorType();
    auto pow2In = [](int64_t d) {
      return d == 16 || d == 32 || d == 64 || d == 128;
    };
    if (!qt.hasStaticShape() || !kt.hasStaticShape() ||
        !vt.hasStaticShape() || !rt.hasStaticShape() ||
        (mt && !mt.hasStaticShape()) || !(elem.isF16() || elem.isBF16()) ||
        kt.getElementType() != elem || vt.getElementType() != elem ||
        rt.getElementType() != elem || !pow2In(qt.getDimSize(3)) ||
        !pow2In(vt.getDimSize(3))) {
      op->emitRemark("kiln-gpu-flash-attention: not taken (needs static "
                     "f16 / bf16 operands of one type and head dims of 16, "
                     "32, 64 or 128); the decomposed path runs it");
      return success();
    }
    int64_t B = qt.getDimSize(0), Hq = qt.getDimSize(1),
            Sq = qt.getDimSize(2), D = qt.getDimSize(3),
            Hk = kt.getDimSize(1), Sk = kt.getDimSize(2),
            Dv = vt.getDimSize(3);
    int64_t group = Hq / Hk;
    int64_t eb = elem.getIntOrFloatBitWidth() / 8;
    int64_t V = t.vector, BM = t.blockM, BN = t.blockN, S = t.stages;
    int64_t warps = t.warps(), threads = warps * kWarp;
    bool valid = t.instrM == 16 && t.instrN == 8 && t.instrK == 16 &&
                 t.warpM == 16 && BM % 16 == 0 && BN % 16 == 0 && S >= 2 &&
                 V * eb == 16 && (BM * D / V) % threads == 0 &&
                 (BN * D / V) % threads == 0 && (BN * Dv / V) % threads == 0;
    if (!valid)
      return op->emitError(
          "kiln-gpu-flash-attention: the flash-attention schedule does not "
          "fit this attention (16-row warps, m16n8k16 instructions, key "
          "tiles of whole 16-key steps, 16-byte copies spread evenly over "
          "the threads, at least 2 stages)");

    MLIRContext *ctx = op->getContext();
    OpBuilder b(op);
    Location loc = op.getLoc();
    Builder h{b, loc};
    auto toBuffer = [&](Value tensor) -> Value {
      auto type = cast<RankedTensorType>(tensor.getType());
      return bufferization::ToBufferOp::create(
          b, loc, MemRefType::get(type.getShape(), type.getElementType()),
          tensor, /*read_only=*/true);
    };
    Value Q = toBuffer(op.getQuery()), K = toBuffer(op.getKey()),
          Vb = toBuffer(op.getValue());
    Value M = mask ? toBuffer(mask) : Value();
    auto outType = MemRefType::get(rt.getShape(), elem);
    Value O = memref::AllocOp::create(b, loc, outType);

    int64_t qBytes = BM * D * eb, kBytes = S * BN * D * eb,
            vBytes = S * BN * Dv * eb;
    Value smemSize = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(t.sharedBytes(D, Dv, eb)));
    auto launch = gpu::LaunchOp::create(
        b, loc, h.c((Sq + BM - 1) / BM), h.c(B * Hq), h.c(1), h.c(threads),
        h.c(1), h.c(1), smemSize);
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);

    // Shared memory: Q[BM][D], K[S][BN][D], V[S][BN][Dv].
    auto workgroup = gpu::AddressSpaceAttr::get(
        ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
    Value raw = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup));
    auto view = [&](int64_t offset, ArrayRef<int64_t> shape) -> Value {
      return memref::ViewOp::create(
          b, loc,
          MemRefType::get(shape, elem, MemRefLayoutAttrInterface(), workgroup),
          raw, h.c(offset), ValueRange{});
    };
    Value smQ = view(0, {BM, D});
    Value smK = view(qBytes, {S, BN, D});
    Value smV = view(qBytes + kBytes, {S, BN, Dv});
    (void)vBytes;

    Value tid = launch.getThreadIds().x;
    Value q0 = h.mul(launch.getBlockIds().x, BM);
    Value bh = launch.getBlockIds().y;
    Value batch = h.div(bh, Hq), head = h.rem(bh, Hq);
    Value kvHead = group == 1 ? head : h.div(head, group);
    Value warp = h.div(tid, kWarp), lane = h.rem(tid, kWarp);
    Value zero = h.c(0);
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);

    // The 16-byte chunk of column `col` in row `row` of a buffer with rows
    // of `len` elements, XOR-permuted by the row (ldmatrix reads 8 rows of
    // one chunk column at a time: the permutation puts them in 8 distinct
    // bank groups).
    auto swizzle = [&](Value row, Value col, int64_t len) -> Value {
      int64_t chunks = len / V;
      if (chunks < 2)
        return col;
      Value chunk = h.div(col, V);
      Value perm = arith::XOrIOp::create(
          b, loc, chunk, h.rem(row, std::min<int64_t>(chunks, 8)));
      return h.add(h.mul(perm, V), h.rem(col, V));
    };

    // cp.async of `rows` x `len` elements of `src` (rows `first + r`, valid
    // below `limit` and when `enabled`) into `dst` (indices `dstLead`).
    auto copyRows = [&](Value src, ValueRange srcLead, Value first,
                        int64_t limit, Value enabled, Value dst,
                        ValueRange dstLead, int64_t rows, int64_t len,
                        SmallVectorImpl<Value> &tokens) {
      int64_t perRow = len / V;
      for (int64_t i = 0; i < rows * perRow / threads; ++i) {
        Value idx = h.add(tid, i * threads);
        Value row = h.div(idx, perRow);
        Value col = h.mul(h.rem(idx, perRow), V);
        Value g = h.add(first, row);
        Value in = h.lt(g, limit);
        if (enabled)
          in = h.and_(in, enabled);
        // Outside: copy nothing (zero fill) from a valid address.
        Value n = h.select(in, h.c(V), zero);
        SmallVector<Value> srcIdx(srcLead);
        srcIdx.push_back(h.select(in, g, zero));
        srcIdx.push_back(col);
        SmallVector<Value> dstIdx(dstLead);
        dstIdx.push_back(row);
        dstIdx.push_back(swizzle(row, col, len));
        tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
            b, loc, tokenType, dst, dstIdx, src, srcIdx, b.getIndexAttr(V), n,
            b.getUnitAttr()));
      }
    };

    // Key tiles this block visits: all of them, or (causal) up to the one
    // holding the last key its last row sees (key j is hidden from query i
    // when j > i + Sk - Sq).
    int64_t allTiles = (Sk + BN - 1) / BN;
    Value nTiles = h.c(allTiles);
    if (op.getCausal()) {
      Value lastKey = h.add(q0, BM - 1 + Sk - Sq);
      Value visible = h.add(
          arith::FloorDivSIOp::create(b, loc, lastKey, h.c(BN)), int64_t(1));
      nTiles = arith::MinSIOp::create(b, loc, nTiles, visible);
      nTiles = arith::MaxSIOp::create(b, loc, nTiles, zero);
    }

    auto copyKV = [&](Value stage, Value tile, SmallVectorImpl<Value> &tokens) {
      Value first = h.mul(tile, BN);
      Value enabled = h.cmp(arith::CmpIPredicate::ult, tile, nTiles);
      copyRows(K, ValueRange{batch, kvHead}, first, Sk, enabled, smK,
               ValueRange{stage}, BN, D, tokens);
      copyRows(Vb, ValueRange{batch, kvHead}, first, Sk, enabled, smV,
               ValueRange{stage}, BN, Dv, tokens);
    };

    // Prologue: Q with key/value tile 0 in one group, then tiles
    // 1 .. stages - 2.
    Value group0;
    {
      SmallVector<Value> tokens;
      copyRows(Q, ValueRange{batch, head}, q0, Sq, Value(), smQ, ValueRange{},
               BM, D, tokens);
      copyKV(zero, zero, tokens);
      group0 = nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                       tokens);
    }
    for (int64_t s = 1; s + 1 < S; ++s) {
      SmallVector<Value> tokens;
      copyKV(h.c(s), h.c(s), tokens);
      group0 = nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                       tokens);
    }

    // Q fragments, once: the first group (Q, tile 0) has arrived when at
    // most stages - 2 groups are pending.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group0,
                                     b.getI32IntegerAttr(S - 2));
    gpu::BarrierOp::create(b, loc);
    auto fragType = VectorType::get({4, 2}, elem);
    Value lane16 = h.rem(lane, 16), half = h.mul(h.div(lane, 16), 8);
    Value wm0 = h.mul(warp, 16);
    SmallVector<Value> qf;
    for (int64_t kk = 0; kk < D / 16; ++kk) {
      Value row = h.add(wm0, lane16);
      Value col = h.add(half, kk * 16);
      qf.push_back(nvgpu::LdMatrixOp::create(
          b, loc, fragType, smQ, ValueRange{row, swizzle(row, col, D)},
          /*transpose=*/false, /*numTiles=*/4));
    }

    Type f32 = b.getF32Type();
    auto accType = VectorType::get({2, 2}, f32);
    Value negInf = h.f32(-INFINITY);
    Value zeroAcc = vector::BroadcastOp::create(b, loc, accType, h.f32(0));
    int64_t oTiles = Dv / 8, sTiles = BN / 8;
    // iter_args: O tiles, then the running max and (per lane) sum of rows
    // lane/4 and lane/4 + 8.
    SmallVector<Value> inits(oTiles, zeroAcc);
    inits.append({negInf, negInf, h.f32(0), h.f32(0)});
    double scale = op.getScale() ? op.getScale()->convertToDouble()
                                 : 1.0 / std::sqrt(double(D));
    Value laneRow = h.div(lane, 4), laneCol = h.mul(h.rem(lane, 4), 2);

    auto loop = scf::ForOp::create(b, loc, zero, nTiles, h.c(1), inits);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value kt = loop.getInductionVar();
      ValueRange args = loop.getRegionIterArgs();
      // Tile kt has arrived; every warp is done with tile kt - 1, whose
      // stage the next copy overwrites.
      nvgpu::DeviceAsyncWaitOp::create(b, loc, group0,
                                       b.getI32IntegerAttr(S - 2));
      gpu::BarrierOp::create(b, loc);
      {
        SmallVector<Value> tokens;
        Value next = h.add(kt, S - 1);
        copyKV(h.rem(next, S), next, tokens);
        nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
      }
      Value stage = h.rem(kt, S);
      // One ldmatrix.x4 of `tile`'s stage at (row, col), rows `width`
      // wide: two 16 x 8 B fragments, multiplied with `a` into acc[j] and
      // acc[j + 1].
      auto mmaTilePair = [&](Value tile, Value row, Value col, int64_t width,
                             bool transpose, Value a,
                             MutableArrayRef<Value> acc, int64_t j) {
        Value four = nvgpu::LdMatrixOp::create(
            b, loc, fragType, tile,
            ValueRange{stage, row, swizzle(row, col, width)}, transpose,
            /*numTiles=*/4);
        std::array<Value, 2> f = kiln::splitLdMatrixX4(b, loc, four);
        for (int64_t p = 0; p < 2; ++p)
          acc[j + p] = kiln::emitMmaSync16816(b, loc, a, f[p], acc[j + p]);
      };

      // S = Q K^T: K's rows are the B operand's n, its columns k, so
      // ldmatrix without .trans; matrices 0, 1 = keys 8j.. (d 0-7, 8-15),
      // 2, 3 = keys 8(j+1)...
      SmallVector<Value> sAcc(sTiles, zeroAcc);
      Value keyRowInPair = h.add(h.mul(h.div(lane, 16), 8), h.rem(lane, 8));
      Value dHalf = h.mul(h.rem(h.div(lane, 8), 2), 8);
      for (int64_t kk = 0; kk < D / 16; ++kk)
        for (int64_t j = 0; j < sTiles; j += 2) {
          Value row = h.add(keyRowInPair, j * 8);
          Value col = h.add(dHalf, kk * 16);
          mmaTilePair(smK, row, col, D, /*transpose=*/false, qf[kk], sAcc, j);
        }

      // Scale and mask each score: element (r, c) of tile j is query row
      // q0 + 16 warp + lane/4 + 8r, key kt*BN + 8j + 2(lane%4) + c.
      // Scores in log2 units (exp(x) = exp2(x log2 e)): the scale and
      // log2 e are one multiply when there is no mask.
      Value scaleV = h.f32(scale);
      Value scaleLog2 = h.f32(scale * M_LOG2E);
      Value k0 = h.mul(kt, BN);
      SmallVector<Value> rowIdx;
      for (int64_t r = 0; r < 2; ++r)
        rowIdx.push_back(h.add(h.add(q0, wm0), h.add(laneRow, r * 8)));
      SmallVector<SmallVector<Value>> x(sTiles);
      for (int64_t j = 0; j < sTiles; ++j)
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t cc = 0; cc < 2; ++cc) {
            Value s = vector::ExtractOp::create(b, loc, sAcc[j],
                                                ArrayRef<int64_t>{r, cc});
            s = arith::MulFOp::create(b, loc, s, M ? scaleV : scaleLog2);
            Value key = h.add(k0, h.add(laneCol, j * 8 + cc));
            Value hidden;
            if (Sk % BN != 0)
              hidden = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                             key, h.c(Sk));
            if (op.getCausal()) {
              Value limit = h.add(rowIdx[r], Sk - Sq);
              Value c = h.cmp(arith::CmpIPredicate::sgt, key, limit);
              hidden = hidden ? arith::OrIOp::create(b, loc, hidden, c) : c;
            }
            if (M) {
              s = applyMask(b, loc, M, mt, {batch, head, rowIdx[r], key},
                            {B, Hq, Sq, Sk}, s, negInf);
              s = arith::MulFOp::create(b, loc, s, h.f32(M_LOG2E));
            }
            if (hidden)
              s = h.select(hidden, negInf, s);
            x[j].push_back(s);
          }

      // Online softmax per row r (held by the 4 lanes of a quad).
      SmallVector<Value> mNew(2), alpha(2), rowSum(2);
      for (int64_t r = 0; r < 2; ++r) {
        Value mx = args[oTiles + r];
        for (int64_t j = 0; j < sTiles; ++j)
          for (int64_t cc = 0; cc < 2; ++cc)
            mx = arith::MaxNumFOp::create(b, loc, mx, x[j][r * 2 + cc]);
        for (int64_t off : {1, 2}) {
          Value other = gpu::ShuffleOp::create(
                            b, loc, mx,
                            arith::ConstantOp::create(b, loc,
                                                      b.getI32IntegerAttr(off)),
                            arith::ConstantOp::create(
                                b, loc, b.getI32IntegerAttr(kWarp)),
                            gpu::ShuffleMode::XOR)
                            .getShuffleResult();
          mx = arith::MaxNumFOp::create(b, loc, mx, other);
        }
        mNew[r] = mx;
        // A row with every score so far hidden: subtract 0, not -inf
        // (exp(-inf - -inf) would be NaN); its sum stays 0 and O / l is
        // NaN only if it stays hidden to the end, as the op says.
        Value isInf = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            mx, negInf);
        Value base = h.select(isInf, h.f32(0), mx);
        alpha[r] = math::Exp2Op::create(
            b, loc, arith::SubFOp::create(b, loc, args[oTiles + r], base));
        Value sum = h.f32(0);
        for (int64_t j = 0; j < sTiles; ++j)
          for (int64_t cc = 0; cc < 2; ++cc) {
            Value &e = x[j][r * 2 + cc];
            e = math::Exp2Op::create(b, loc,
                                    arith::SubFOp::create(b, loc, e, base));
            sum = arith::AddFOp::create(b, loc, sum, e);
          }
        rowSum[r] = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, args[oTiles + 2 + r], alpha[r]),
            sum);
      }

      // O *= alpha (row r of each O tile).
      SmallVector<Value> oAcc;
      Value scaleRows = ub::PoisonOp::create(b, loc, accType);
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t cc = 0; cc < 2; ++cc)
          scaleRows = vector::InsertOp::create(b, loc, alpha[r], scaleRows,
                                               ArrayRef<int64_t>{r, cc});
      for (int64_t jd = 0; jd < oTiles; ++jd)
        oAcc.push_back(arith::MulFOp::create(b, loc, args[jd], scaleRows));

      // P as A fragments: keys 16kk.. are S tiles 2kk (a0: row g, a1:
      // row g + 8) and 2kk + 1 (a2, a3).
      auto pairType = VectorType::get({2}, elem);
      auto f32Pair = VectorType::get({2}, f32);
      SmallVector<Value> pf;
      for (int64_t kk = 0; kk < BN / 16; ++kk) {
        Value a = ub::PoisonOp::create(b, loc, fragType);
        for (int64_t q = 0; q < 4; ++q) {
          int64_t j = 2 * kk + q / 2, r = q % 2;
          Value pair = vector::FromElementsOp::create(
              b, loc, f32Pair, ValueRange{x[j][r * 2], x[j][r * 2 + 1]});
          Value narrow = arith::TruncFOp::create(b, loc, pairType, pair);
          a = vector::InsertOp::create(b, loc, narrow, a, q);
        }
        pf.push_back(a);
      }
      // O += P V: V[key][d] is row-major k x n: ldmatrix .trans, matrices
      // 0, 1 = d tile jd (keys 0-7, 8-15), 2, 3 = d tile jd + 1.
      for (int64_t kk = 0; kk < BN / 16; ++kk)
        for (int64_t jd = 0; jd < oTiles; jd += 2) {
          Value row = h.add(lane16, kk * 16);
          Value col = h.add(half, jd * 8);
          mmaTilePair(smV, row, col, Dv, /*transpose=*/true, pf[kk], oAcc, jd);
        }
      SmallVector<Value> yields(oAcc);
      yields.append({mNew[0], mNew[1], rowSum[0], rowSum[1]});
      scf::YieldOp::create(b, loc, yields);
    }
    // Copies of tiles past the end are still pending (they read nothing).
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group0, b.getI32IntegerAttr(0));

    // O / l, l summed over the quad; rows past Sq are not stored.
    SmallVector<Value> inv(2);
    for (int64_t r = 0; r < 2; ++r) {
      Value l = loop.getResult(oTiles + 2 + r);
      for (int64_t off : {1, 2}) {
        Value other = gpu::ShuffleOp::create(
                          b, loc, l,
                          arith::ConstantOp::create(b, loc,
                                                    b.getI32IntegerAttr(off)),
                          arith::ConstantOp::create(b, loc,
                                                    b.getI32IntegerAttr(kWarp)),
                          gpu::ShuffleMode::XOR)
                          .getShuffleResult();
        l = arith::AddFOp::create(b, loc, l, other);
      }
      inv[r] = arith::DivFOp::create(b, loc, h.f32(1), l);
    }
    for (int64_t r = 0; r < 2; ++r) {
      Value row = h.add(h.add(q0, wm0), h.add(laneRow, r * 8));
      OpBuilder::InsertionGuard guard(b);
      if (Sq % BM != 0) {
        auto ifOp = scf::IfOp::create(b, loc, h.lt(row, Sq), /*else=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
      }
      for (int64_t jd = 0; jd < oTiles; ++jd)
        for (int64_t cc = 0; cc < 2; ++cc) {
          Value v = vector::ExtractOp::create(b, loc, loop.getResult(jd),
                                              ArrayRef<int64_t>{r, cc});
          v = arith::MulFOp::create(b, loc, v, inv[r]);
          v = arith::TruncFOp::create(b, loc, elem, v);
          Value col = h.add(laneCol, jd * 8 + cc);
          memref::StoreOp::create(b, loc, v, O,
                                  ValueRange{batch, head, row, col});
        }
    }
    gpu::TerminatorOp::create(b, loc);

    b.setInsertionPointAfter(launch);
    Value result = bufferization::ToTensorOp::create(
        b, loc, rt, O, /*restrict=*/true, /*writable=*/true);
    op.getResult().replaceAllUsesWith(result);
    op->erase();
    return success();
  }

  /// The score `s` with the mask at [b, h, i, j] applied (the mask
  /// broadcasts to [B, Hq, Sq, Sk] numpy-style: size-1 dimensions read
  /// index 0; out-of-range rows / keys, hidden anyway, read index 0).
  static Value applyMask(OpBuilder &b, Location loc, Value mask,
                         RankedTensorType mt, ArrayRef<Value> at,
                         ArrayRef<int64_t> full, Value s, Value negInf) {
    Builder h{b, loc};
    int64_t rank = mt.getRank();
    SmallVector<Value> idx;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t fullDim = 4 - rank + d;
      if (mt.getDimSize(d) == 1) {
        idx.push_back(h.c(0));
        continue;
      }
      Value i = at[fullDim];
      if (fullDim >= 2)
        i = h.select(h.lt(i, full[fullDim]), i, h.c(0));
      idx.push_back(i);
    }
    Value m = memref::LoadOp::create(b, loc, mask, idx);
    if (m.getType().isInteger(1))
      return arith::SelectOp::create(b, loc, m, s, negInf);
    if (!m.getType().isF32())
      m = arith::ExtFOp::create(b, loc, b.getF32Type(), m);
    return arith::AddFOp::create(b, loc, s, m);
  }
};

} // namespace
