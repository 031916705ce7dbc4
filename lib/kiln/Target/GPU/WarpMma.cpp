//===- WarpMma.cpp - One m16n8k16 mma.sync for the tensor-core kernels ---===//

#include "WarpMma.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

Value kiln::emitMmaSync16816(OpBuilder &b, Location loc, Value a, Value bv,
                             Value c) {
  Type elem = cast<VectorType>(a.getType()).getElementType();
  if (elem.isF16())
    return nvgpu::MmaSyncOp::create(b, loc, a, bv, c,
                                    ArrayRef<int64_t>{16, 8, 16});
  auto pairs = [&](Value v, int64_t n) {
    SmallVector<Value> regs;
    auto i32x1 = VectorType::get({1}, b.getI32Type());
    for (int64_t r = 0; r < n; ++r) {
      Value pair = vector::ExtractOp::create(b, loc, v, r);
      Value cast = vector::BitCastOp::create(b, loc, i32x1, pair);
      regs.push_back(vector::ExtractOp::create(b, loc, cast, int64_t(0)));
    }
    return regs;
  };
  SmallVector<Value> cs;
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t cc = 0; cc < 2; ++cc)
      cs.push_back(
          vector::ExtractOp::create(b, loc, c, ArrayRef<int64_t>{r, cc}));
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value d = NVVM::MmaOp::create(
      b, loc, resultType, pairs(a, 4), pairs(bv, 2), cs,
      ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                    NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  Value result = ub::PoisonOp::create(b, loc, c.getType());
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t cc = 0; cc < 2; ++cc)
      result = vector::InsertOp::create(
          b, loc, LLVM::ExtractValueOp::create(b, loc, d, r * 2 + cc),
          result, ArrayRef<int64_t>{r, cc});
  return result;
}

std::array<Value, 2> kiln::splitLdMatrixX4(OpBuilder &b, Location loc,
                                           Value four) {
  auto fourType = cast<VectorType>(four.getType());
  auto bType = VectorType::get({2, 2}, fourType.getElementType());
  std::array<Value, 2> fragments;
  for (int64_t p = 0; p < 2; ++p) {
    Value v = ub::PoisonOp::create(b, loc, bType);
    for (int64_t r = 0; r < 2; ++r)
      v = vector::InsertOp::create(
          b, loc, vector::ExtractOp::create(b, loc, four, int64_t(2 * p + r)),
          v, int64_t(r));
    fragments[p] = v;
  }
  return fragments;
}
