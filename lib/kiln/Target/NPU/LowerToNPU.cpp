//===- LowerToNPU.cpp - kiln-npu-lower-to-npu -----------------------------===//
//
// kiln ops on tensors -> npu ops on DRAM/SPAD/ACC memrefs in scf.for tile
// loops, as each op's #kiln.schedule says (docs/npu-compiler.md). Each kiln
// op becomes one scf.execute_region (a "nest": the unit the token and
// address passes work on). Written directly over memrefs rather than through
// linalg + bufferization: the NPU's memory spaces, DMA and tile placement
// are the whole point of this step, and a tile nest over memref.subview
// views maps one to one onto ISA operands.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "kiln/CostModel/NPUCostModel.h"
#include "kiln/Target/NPU/Passes.h"

#include "llvm/ADT/TypeSwitch.h"


namespace kiln {
#define GEN_PASS_DEF_KILNNPULOWERTONPU
#include "kiln/Target/NPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace kiln::npu_lowering {

/// The vector unit's function of an elementwise kiln op ("" if none).
StringRef fnOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
            .Case([](ExpOp) { return "exp"; })
            .Case([](LogOp) { return "log"; })
            .Case([](TanhOp) { return "tanh"; })
            .Case([](ErfOp) { return "erf"; })
            .Case([](SqrtOp) { return "sqrt"; })
            .Case([](RsqrtOp) { return "rsqrt"; })
            .Case([](NegOp) { return "neg"; })
            .Case([](AbsOp) { return "abs"; })
            .Case([](ReluOp) { return "relu"; })
            .Case([](SigmoidOp) { return "sigmoid"; })
            .Case([](SiluOp) { return "silu"; })
            .Case([](GeluOp g) {
              return g.getApproximate() == GeluApproximation::tanh
                         ? "gelu_tanh"
                         : "gelu";
            })
            .Case([](AddOp) { return "add"; })
            .Case([](SubOp) { return "sub"; })
            .Case([](MulOp) { return "mul"; })
            .Case([](DivOp) { return "div"; })
            .Case([](MaxOp) { return "max"; })
            .Case([](MinOp) { return "min"; })
            .Case([](PowOp) { return "pow"; })
            // The vector unit's copy converts to the destination's type.
            .Case([](CastOp) { return "copy"; })
            .Default([](Operation *) { return ""; });
}

TileLoop Lowering::openLoop(Location loc, OpFoldResult extent, int64_t step) {
  std::optional<int64_t> staticExtent = getConstantIntValue(extent);
  if (staticExtent && *staticExtent <= step)
    return {idx(loc, 0), extent, false};
  Value ub = staticExtent ? idx(loc, *staticExtent) : cast<Value>(extent);
  auto loop = scf::ForOp::create(b, loc, idx(loc, 0), ub, idx(loc, step));
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value iv = loop.getInductionVar();
  OpFoldResult size = b.getIndexAttr(step);
  if (!staticExtent || *staticExtent % step != 0) {
    Value rest = arith::SubIOp::create(b, loc, ub, iv);
    size = arith::MinSIOp::create(b, loc, idx(loc, step), rest).getResult();
  }
  return {iv, size, true};
}

Value Lowering::allocTile(Location loc, ArrayRef<int64_t> shape, Type e,
                          npu::MemSpace space, bool inLoop) {
  auto type = MemRefType::get(shape, e, MemRefLayoutAttrInterface(),
                              b.getI64IntegerAttr(int64_t(space)));
  auto alloc = memref::AllocOp::create(b, loc, type);
  // Tiles inside a loop are double-buffered: the DMA of the next tile
  // overlaps the compute on this one (kiln-npu-multi-buffer).
  if (inLoop)
    alloc->setAttr(npu::kBuffersAttrName, b.getI64IntegerAttr(2));
  // Every use goes through one full view next to the alloc, so that the
  // alloc has a single user in its loop (what memref::multiBuffer needs).
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0)),
      sizes;
  for (int64_t s : shape)
    sizes.push_back(b.getIndexAttr(s));
  return subview(loc, alloc, offsets, sizes, shape.size());
}

Value Lowering::leadingPart(Location loc, Value tile,
                            SmallVector<OpFoldResult> sizes) {
  ArrayRef<int64_t> shape = cast<MemRefType>(tile.getType()).getShape();
  bool whole = true;
  for (auto [size, full] : llvm::zip_equal(sizes, shape))
    whole &= getConstantIntValue(size) == full;
  if (whole)
    return tile;
  return subview(loc, tile,
                 SmallVector<OpFoldResult>(sizes.size(), b.getIndexAttr(0)),
                 sizes, sizes.size());
}

Value Lowering::subview(Location loc, Value source,
                        SmallVector<OpFoldResult> offsets,
                        SmallVector<OpFoldResult> sizes, unsigned keepRank) {
  auto srcType = cast<MemRefType>(source.getType());
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  // Keep the trailing `keepRank` dims (the leading ones have size 1).
  SmallVector<int64_t> resultShape;
  for (unsigned i = sizes.size() - keepRank; i < sizes.size(); ++i) {
    std::optional<int64_t> s = getConstantIntValue(sizes[i]);
    resultShape.push_back(s ? *s : ShapedType::kDynamic);
  }
  auto type = memref::SubViewOp::inferRankReducedResultType(
      resultShape, srcType, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(type), source,
                                   offsets, sizes, strides);
}

Value Lowering::as2D(Location loc, Value mem, int64_t rows, int64_t cols) {
  auto t = cast<MemRefType>(mem.getType());
  if (t.getRank() == 2)
    return mem;
  if (t.getRank() == 0 || t.getRank() == 1) {
    SmallVector<ReassociationIndices> re = {{0, 1}};
    if (t.getRank() == 0)
      re.clear();
    return memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({rows, cols}, t.getElementType()), mem, re,
        ArrayRef<OpFoldResult>{b.getIndexAttr(rows), b.getIndexAttr(cols)});
  }
  SmallVector<ReassociationIndices> re(2);
  for (int64_t d = 0; d < t.getRank() - 1; ++d)
    re[0].push_back(d);
  re[1].push_back(t.getRank() - 1);
  return memref::CollapseShapeOp::create(b, loc, mem, re);
}

Value Lowering::reshapeView(Location loc, Value mem, RankedTensorType to) {
  auto t = cast<MemRefType>(mem.getType());
  Type e = t.getElementType();
  Value flat = mem;
  if (t.getRank() == 0) {
    flat = memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({1}, e), mem, ArrayRef<ReassociationIndices>{},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  } else if (t.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < t.getRank(); ++d)
      all.push_back(d);
    flat = memref::CollapseShapeOp::create(
        b, loc, mem, ArrayRef<ReassociationIndices>{all});
  }
  if (to.getRank() == 1)
    return flat;
  if (to.getRank() == 0)
    return memref::CollapseShapeOp::create(b, loc, MemRefType::get({}, e),
                                           flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < to.getRank(); ++d) {
    all.push_back(d);
    sizes.push_back(b.getIndexAttr(to.getDimSize(d)));
  }
  return memref::ExpandShapeOp::create(
      b, loc, MemRefType::get(to.getShape(), e), flat,
      ArrayRef<ReassociationIndices>{all}, sizes);
}

std::optional<int64_t> Lowering::scheduledRowTile(Operation *op,
                                                 int64_t rank) {
  auto schedule = op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
  if (!schedule || schedule.getNumLevels() < 2 || rank < 2 ||
      schedule.getLevel(1)[rank - 2] <= 0)
    return std::nullopt;
  return schedule.getLevel(1)[rank - 2];
}

scf::ExecuteRegionOp Lowering::openNest(Operation *op) {
  auto region = scf::ExecuteRegionOp::create(b, op->getLoc(), TypeRange{});
  region->setAttr("npu.op", b.getStringAttr(op->getName().getStringRef()));
  Block *body = &region.getRegion().emplaceBlock();
  b.setInsertionPointToStart(body);
  scf::YieldOp::create(b, op->getLoc());
  b.setInsertionPoint(body->getTerminator());
  return region;
}

Value Lowering::scalarsInDram(Location loc, ArrayRef<double> vals,
                              Type e) {
  auto valueT = RankedTensorType::get({int64_t(vals.size())}, e);
  auto fe = cast<FloatType>(e);
  SmallVector<APFloat> fs;
  for (double v : vals) {
    APFloat f(v);
    bool lost;
    f.convert(fe.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    fs.push_back(f);
  }
  return constantInDram(loc, DenseElementsAttr::get(valueT, fs));
}

Value Lowering::constantInDram(Location loc, DenseElementsAttr value) {
  auto memT = MemRefType::get(value.getType().getShape(),
                              value.getType().getElementType());
  OpBuilder::InsertPoint ip = b.saveInsertionPoint();
  b.setInsertionPoint(func);
  std::string name =
      (func.getSymName() + "_const" + Twine(numConstants++)).str();
  auto global = memref::GlobalOp::create(b, loc, name,
                                         b.getStringAttr("private"), memT,
                                         value, /*constant=*/true,
                                         IntegerAttr());
  b.restoreInsertionPoint(ip);
  return memref::GetGlobalOp::create(
      b, loc, memT, FlatSymbolRefAttr::get(global.getSymNameAttr()));
}

LogicalResult Lowering::run() {
  if (!target)
    return module.emitError()
           << "kiln-npu-lower-to-npu needs the module's npu.target (run "
              "kiln-npu-attach-target first)";
  FunctionType type = func.getFunctionType();
  auto toMem = [&](Type t, Operation *where) -> FailureOr<MemRefType> {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || !tensor.hasStaticShape())
      return where->emitError() << "NPU functions take and return statically "
                                   "shaped tensors, got "
                                << t;
    return MemRefType::get(tensor.getShape(), tensor.getElementType());
  };
  // A memref argument for every input, then every result.
  SmallVector<Type> args;
  for (ArrayRef<Type> types : {type.getInputs(), type.getResults()})
    for (Type t : types) {
      FailureOr<MemRefType> m = toMem(t, func);
      if (failed(m))
        return failure();
      args.push_back(*m);
    }
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "NPU functions have one block";
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  // Results are written in place into the output arguments. A result that
  // is an argument, a constant or a repeat of another result is copied
  // into its output after everything else (copyResults).
  DenseMap<Value, unsigned> resultIndex;
  SmallVector<std::pair<unsigned, Value>> copyResults;
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    if (isa<BlockArgument>(v) || resultIndex.count(v) ||
        isa<ConstantOp>(v.getDefiningOp()))
      copyResults.push_back({unsigned(i), v});
    else
      resultIndex[v] = i;
  }

  b.setInsertionPointAfter(func);
  auto newFunc = func::FuncOp::create(b, func.getLoc(), func.getSymName(),
                                      b.getFunctionType(args, {}));
  newFunc->setAttr("npu.num_inputs",
                   b.getI64IntegerAttr(type.getNumInputs()));
  Block *entry = newFunc.addEntryBlock();
  for (auto [i, a] : llvm::enumerate(func.getArguments()))
    memOf[a] = entry->getArgument(i);
  b.setInsertionPointToStart(entry);
  for (Operation &opRef : func.getBody().front()) {
    Operation *op = &opRef;
    if (isa<func::ReturnOp>(op))
      break;
    auto matmul = dyn_cast<MatmulOp>(op);
    if (fused.count(op))
      continue;
    // Constants are DRAM segments of the program (memref.global, which the
    // emitter turns into a Segment): DMA reads them like inputs.
    if (auto cst = dyn_cast<ConstantOp>(op)) {
      auto t = cast<RankedTensorType>(cst.getType());
      auto memT = MemRefType::get(t.getShape(), t.getElementType());
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(func);
      std::string name = (func.getSymName() + "_const" +
                          Twine(numConstants++)).str();
      auto global = memref::GlobalOp::create(
          b, cst.getLoc(), name, b.getStringAttr("private"), memT,
          cst.getValue(), /*constant=*/true, IntegerAttr());
      b.setInsertionPointToEnd(entry);
      memOf[cst.getResult()] = memref::GetGlobalOp::create(
          b, cst.getLoc(), memT, FlatSymbolRefAttr::get(global.getSymNameAttr()));
      continue;
    }
    StringRef fn = fnOf(op);
    auto softmax = dyn_cast<SoftmaxOp>(op);
    // A reshape of a contiguous DRAM buffer is a view (no nest), unless
    // its result is a function result (then its bytes are copied).
    if (auto reshape = dyn_cast<ReshapeOp>(op);
        reshape && !resultIndex.count(reshape.getResult())) {
      memOf[reshape.getResult()] =
          reshapeView(op->getLoc(), memOf.lookup(reshape.getInput()),
                      cast<RankedTensorType>(reshape.getType()));
      continue;
    }
    bool movesData = isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp>(op);
    bool rowwise = isa<LayerNormOp, RmsNormOp, ReduceOp>(op);
    if (isa<WhereOp>(op))
      fn = "select";
    auto gather = dyn_cast<GatherOp>(op);
    auto rope = dyn_cast<RopeOp>(op);
    auto attention = dyn_cast<AttentionOp>(op);
    if (!matmul && !softmax && fn.empty() && !movesData && !rowwise &&
        !gather && !rope && !attention) {
      newFunc.erase();
      return op->emitOpError()
             << "cannot run on the NPU yet: no NPU lowering for '"
             << op->getName()
             << "' (no host fallback; docs/npu-compiler.md lists what runs)";
    }
    if (fused.count(op))
      continue;
    Value result = op->getResult(0);
    // Elementwise consumers of an f32 matmul fuse into its accumulator
    // drain (bias, residual, activation): one nest, no DRAM round trip.
    // The chain is the cost model's rule (npuDrainEpilogue), so the
    // schedule it chose has room for the drain's tiles.
    SmallVector<EpilogueOp> epilogue;
    if (matmul)
      for (const NPUDrainStep &step : npuDrainEpilogue(matmul)) {
        assert((!step.other || memOf.count(step.other)) &&
               "a fused operand is lowered before the matmul");
        epilogue.push_back({fnOf(step.op).str(), step.other,
                            step.rowBroadcast, step.runningIsLhs});
        fused.insert(step.op);
        result = step.op->getResult(0);
      }
    Value out;
    auto rt = cast<RankedTensorType>(result.getType());
    if (auto it = resultIndex.find(result); it != resultIndex.end())
      out = entry->getArgument(type.getNumInputs() + it->second);
    else
      out = memref::AllocOp::create(
          b, op->getLoc(),
          MemRefType::get(rt.getShape(), rt.getElementType()));
    memOf[result] = out;
    // An empty result: nothing to compute or move.
    if (rt.getNumElements() == 0)
      continue;
    if (failed(matmul      ? lowerMatmul(matmul, out, epilogue)
               : softmax   ? lowerSoftmax(softmax, out)
               : movesData ? lowerDataMovement(op, out)
               : rowwise   ? lowerRowwise(op, out)
               : gather    ? lowerGather(gather, out)
               : attention ? lowerAttention(attention, out)
               : rope      ? lowerRope(rope, out)
                           : lowerElementwise(op, fn, out))) {
      newFunc.erase();
      return failure();
    }
  }
  b.setInsertionPointToEnd(entry);
  for (auto [i, v] : copyResults) {
    auto nest = openNest(ret);
    nest->setAttr("npu.op", b.getStringAttr("result copy"));
    if (failed(copyThroughSpad(ret, memOf.lookup(v),
                               entry->getArgument(type.getNumInputs() + i)))) {
      newFunc.erase();
      return failure();
    }
    b.setInsertionPointToEnd(entry);
  }
  func::ReturnOp::create(b, ret.getLoc());
  func.erase();
  return success();
}

} // namespace kiln::npu_lowering

namespace {
using kiln::npu_lowering::Lowering;
struct LowerToNPU : kiln::impl::KilnNPULowerToNPUBase<LowerToNPU> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (failed(Lowering(module, func).run()))
        return signalPassFailure();
  }
};
} // namespace
