//===- LowerAllocaScopes.cpp - Inline memref.alloca_scope -----------------===//
//
// convert-scf-to-openmp wraps each iteration in a memref.alloca_scope, which
// allows one block only, so scf-to-cf could not split its body. Inlining it
// with llvm.intr.stacksave/stackrestore keeps an iteration's allocas
// per-iteration (worker threads have small stacks).
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_KILNCPULOWERALLOCASCOPES
#include "kiln/Target/CPU/Passes.h.inc"
} // namespace kiln

namespace {
struct LowerAllocaScopesPass
    : kiln::impl::KilnCPULowerAllocaScopesBase<LowerAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk(
        [&](memref::AllocaScopeOp scope) { scopes.push_back(scope); });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Region &region = scope.getBodyRegion();
      if (!region.hasOneBlock())
        continue;
      Block *body = &region.front();
      bool allocates = false;
      body->walk([&](Operation *op) {
        if (isa<memref::AllocaOp, LLVM::AllocaOp>(op))
          allocates = true;
      });
      Location loc = scope.getLoc();
      rewriter.setInsertionPoint(scope);
      Value stack;
      if (allocates)
        stack = LLVM::StackSaveOp::create(
            rewriter, loc, LLVM::LLVMPointerType::get(&getContext()));
      auto terminator = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
      SmallVector<Value> results(terminator.getResults());
      rewriter.eraseOp(terminator);
      rewriter.inlineBlockBefore(body, scope);
      if (stack)
        LLVM::StackRestoreOp::create(rewriter, loc, stack);
      rewriter.replaceOp(scope, results);
    }
  }
};
} // namespace
