//===- FuseSiblingMatmuls.cpp - kiln-fuse-sibling-matmuls -----------------===//
//
// Matmuls that multiply the same activation by different constant weights
// (a transformer's query, key and value projections) become one matmul by
// the weights concatenated along N, with the biases concatenated the same
// way, and each original result a slice of the fused one: the activation is
// read (and on the CPU packed) once, and one larger matmul keeps the
// threads busier than three small ones. The concatenation happens here, at
// compile time (docs/graph-passes.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <cstring>
#include <optional>

namespace kiln {
#define GEN_PASS_DEF_KILNFUSESIBLINGMATMULS
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Whether this pass can read a float constant's bytes: a splat, a
/// non-splat literal or a loaded dense_resource.
bool readable(ConstantOp constant) {
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return (dense && dense.isSplat()) ||
         getRawElementData(constant.getValue()).has_value();
}

/// Appends a readable constant's row-major bytes (a splat expanded) to
/// `out`.
void appendBytes(ConstantOp constant, SmallVectorImpl<char> &out) {
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (dense && dense.isSplat()) {
    ArrayRef<char> one = dense.getRawData();
    for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
      llvm::append_range(out, one);
    return;
  }
  llvm::append_range(out, *getRawElementData(constant.getValue()));
}

/// One member of a sibling group: `matmul(x, weight)`, optionally followed
/// by its only user `add(., bias)` with a constant `[N]` bias.
struct Sibling {
  MatmulOp matmul;
  ConstantOp weight;
  AddOp biasAdd;     // null without a bias
  ConstantOp bias;   // null without a bias
  int64_t n = 0;
  Value result() { return biasAdd ? biasAdd.getResult() : matmul.getResult(); }
};

/// Whether `t` is a static float tensor whose bytes this pass can copy.
bool copyableFloat(RankedTensorType t) {
  if (!t || !t.hasStaticShape())
    return false;
  Type e = t.getElementType();
  return e.isF32() || e.isF16() || e.isBF16();
}

/// `matmul(x, constant [K, N])` that this pass may fuse: no transposes, no
/// hand-written schedule, a float weight with readable bytes.
std::optional<Sibling> asSibling(MatmulOp mm) {
  if (mm.getTransposeA() || mm.getTransposeB() ||
      mm->hasAttr(kScheduleAttrName))
    return std::nullopt;
  auto weight = mm.getRhs().getDefiningOp<ConstantOp>();
  auto wt = dyn_cast<RankedTensorType>(mm.getRhs().getType());
  if (!weight || !wt || wt.getRank() != 2 || !copyableFloat(wt) ||
      !readable(weight))
    return std::nullopt;
  Sibling s;
  s.matmul = mm;
  s.weight = weight;
  s.n = wt.getDimSize(1);
  // The bias: the matmul's only user adds a constant [N] vector.
  if (mm->hasOneUse())
    if (auto add = dyn_cast<AddOp>(*mm->user_begin())) {
      Value other =
          add.getLhs() == mm.getResult() ? add.getRhs() : add.getLhs();
      auto bias = other.getDefiningOp<ConstantOp>();
      auto bt = dyn_cast<RankedTensorType>(other.getType());
      if (bias && other != mm.getResult() && bt && bt.getRank() == 1 &&
          bt.getDimSize(0) == s.n && bt.getElementType() == wt.getElementType() &&
          add.getType() == mm.getType() && readable(bias) &&
          !add->hasAttr(kScheduleAttrName)) {
        s.biasAdd = add;
        s.bias = bias;
      }
    }
  return s;
}

/// A dense_resource constant of `type` holding `bytes`.
Value makeConstant(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<char> bytes, StringRef name) {
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(std::max_align_t));
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  return ConstantOp::create(b, loc, type, attr).getResult();
}

/// Fuses one group of siblings (at least two, in block order).
void fuseGroup(RewriterBase &rewriter, MutableArrayRef<Sibling> group) {
  MatmulOp first = group.front().matmul;
  Location loc = rewriter.getFusedLoc(llvm::to_vector(llvm::map_range(
      group, [](Sibling &s) { return s.matmul.getLoc(); })));
  auto wt0 = cast<RankedTensorType>(first.getRhs().getType());
  int64_t k = wt0.getDimSize(0);
  Type element = wt0.getElementType();
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  int64_t total = 0;
  for (Sibling &s : group)
    total += s.n;

  // [K, N0 | N1 | ...]: row by row, each member's row in turn.
  SmallVector<char> weights(size_t(k * total * bytes));
  int64_t offset = 0;
  for (Sibling &s : group) {
    SmallVector<char> w;
    appendBytes(s.weight, w);
    for (int64_t r = 0; r < k; ++r)
      std::memcpy(&weights[(r * total + offset) * bytes],
                  &w[r * s.n * bytes], s.n * bytes);
    offset += s.n;
  }
  bool biased = llvm::all_of(group, [](Sibling &s) { return s.biasAdd; });
  SmallVector<char> biases;
  if (biased)
    for (Sibling &s : group)
      appendBytes(s.bias, biases);

  rewriter.setInsertionPoint(first);
  Value w = makeConstant(rewriter, loc, RankedTensorType::get({k, total}, element),
                         weights, "kiln_fused_weight");
  auto firstType = cast<RankedTensorType>(first.getType());
  SmallVector<int64_t> shape(firstType.getShape());
  shape.back() = total;
  auto fusedType = RankedTensorType::get(shape, element);
  Value fused = MatmulOp::create(rewriter, loc, fusedType, first.getLhs(), w,
                                 /*transpose_a=*/nullptr,
                                 /*transpose_b=*/nullptr)
                    .getResult();
  if (biased) {
    Value b = makeConstant(rewriter, loc, RankedTensorType::get({total}, element),
                           biases, "kiln_fused_bias");
    fused = AddOp::create(rewriter, loc, fusedType, fused, b).getResult();
  }

  // Each member's value is its columns of the fused result.
  offset = 0;
  for (Sibling &s : group) {
    SmallVector<int64_t> starts(shape.size(), 0), limits(shape);
    starts.back() = offset;
    limits.back() = offset + s.n;
    offset += s.n;
    // Without fused biases, a member's bias add stays and reads the slice.
    Value replaced = biased ? s.result() : s.matmul.getResult();
    auto slice = SliceOp::create(rewriter, s.matmul.getLoc(),
                                 replaced.getType(), fused,
                                 rewriter.getDenseI64ArrayAttr(starts),
                                 rewriter.getDenseI64ArrayAttr(limits),
                                 /*steps=*/nullptr);
    rewriter.replaceAllUsesWith(replaced, slice.getResult());
  }
  // (Two members may share a weight or bias constant: erased once.)
  llvm::SetVector<Operation *> constants;
  for (Sibling &s : group) {
    if (biased)
      rewriter.eraseOp(s.biasAdd);
    rewriter.eraseOp(s.matmul);
    constants.insert(s.weight);
    if (s.bias)
      constants.insert(s.bias);
  }
  for (Operation *c : constants)
    if (c->use_empty())
      rewriter.eraseOp(c);
}

struct FuseSiblingMatmulsPass
    : kiln::impl::KilnFuseSiblingMatmulsBase<FuseSiblingMatmulsPass> {
  void runOnOperation() override {
    // Siblings share their activation and the weights' K and element type;
    // grouped per block, in block order.
    llvm::MapVector<std::tuple<Value, Block *, int64_t, Type>,
                    SmallVector<Sibling>>
        groups;
    getOperation().walk([&](MatmulOp mm) {
      std::optional<Sibling> s = asSibling(mm);
      if (!s)
        return;
      auto wt = cast<RankedTensorType>(mm.getRhs().getType());
      groups[{mm.getLhs(), mm->getBlock(), wt.getDimSize(0),
              wt.getElementType()}]
          .push_back(*s);
    });
    IRRewriter rewriter(&getContext());
    for (auto &[key, group] : groups) {
      if (group.size() < 2)
        continue;
      llvm::sort(group, [](const Sibling &a, const Sibling &b) {
        return a.matmul->isBeforeInBlock(b.matmul);
      });
      fuseGroup(rewriter, group);
    }
  }
};

} // namespace
