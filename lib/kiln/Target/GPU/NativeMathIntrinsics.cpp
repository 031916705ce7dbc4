//===- NativeMathIntrinsics.cpp - kiln-gpu-native-math-intrinsics ---------===//
//
// Keeps libdevice out of the kernels: the intrinsics NVPTX selects natively
// are called by name instead of being turned into __nv_* calls.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUNATIVEMATHINTRINSICS
#include "kiln/Target/GPU/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// ".f32" for f32 and so on; empty for anything else (vectors included).
std::string typeSuffix(Type type) {
  if (type.isF16())
    return ".f16";
  if (type.isBF16())
    return ".bf16";
  if (type.isF32())
    return ".f32";
  if (type.isF64())
    return ".f64";
  return {};
}

struct NativeMathIntrinsicsPass
    : kiln::impl::KilnGPUNativeMathIntrinsicsBase<NativeMathIntrinsicsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<std::pair<Operation *, StringRef>> work;
    getOperation().walk([&](Operation *op) {
      StringRef name = llvm::TypeSwitch<Operation *, StringRef>(op)
                           .Case([](LLVM::FAbsOp) { return "llvm.fabs"; })
                           .Case([](LLVM::FFloorOp) { return "llvm.floor"; })
                           .Case([](LLVM::FCeilOp) { return "llvm.ceil"; })
                           .Case([](LLVM::SqrtOp) { return "llvm.sqrt"; })
                           // f32 only: NVPTX selects ex2.approx.f32
                           // (kiln-gpu-flash-attention's softmax).
                           .Case([](LLVM::Exp2Op e) {
                             return e.getType().isF32() ? "llvm.exp2" : "";
                           })
                           .Default([](Operation *) { return ""; });
      if (!name.empty() && op->getNumResults() == 1 &&
          !typeSuffix(op->getResult(0).getType()).empty())
        work.push_back({op, name});
    });
    for (auto [op, name] : work) {
      rewriter.setInsertionPoint(op);
      Type type = op->getResult(0).getType();
      auto call = LLVM::CallIntrinsicOp::create(
          rewriter, op->getLoc(), type,
          rewriter.getStringAttr(name + typeSuffix(type)), op->getOperands());
      rewriter.replaceOp(op, call.getResults());
    }
  }
};

} // namespace
