//===- IndexBuilder.h - Index arithmetic of the GPU kernel builders -*- C++ -*-===//
//
// Private to lib/kiln/Target/GPU: kiln-gpu-tensor-core-matmul,
// kiln-gpu-flash-attention and kiln-gpu-block-reduce build their kernels'
// thread, lane and tile coordinates from the same few index ops (unsigned
// division: coordinates are never negative).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_GPU_INDEXBUILDER_H
#define KILN_LIB_TARGET_GPU_INDEXBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace kiln {

struct IndexBuilder {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value c(int64_t v) {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  /// x + y, or x itself for y = 0.
  mlir::Value add(mlir::Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  mlir::Value mul(mlir::Value x, int64_t y) {
    return mlir::arith::MulIOp::create(b, loc, x, c(y));
  }
  mlir::Value div(mlir::Value x, int64_t y) {
    return mlir::arith::DivUIOp::create(b, loc, x, c(y));
  }
  mlir::Value rem(mlir::Value x, int64_t y) {
    return mlir::arith::RemUIOp::create(b, loc, x, c(y));
  }
  mlir::Value cmp(mlir::arith::CmpIPredicate p, mlir::Value x, mlir::Value y) {
    return mlir::arith::CmpIOp::create(b, loc, p, x, y);
  }
  mlir::Value lt(mlir::Value x, mlir::Value y) {
    return cmp(mlir::arith::CmpIPredicate::ult, x, y);
  }
  mlir::Value lt(mlir::Value x, int64_t y) { return lt(x, c(y)); }
  mlir::Value eq(mlir::Value x, int64_t y) {
    return cmp(mlir::arith::CmpIPredicate::eq, x, c(y));
  }
  mlir::Value and_(mlir::Value x, mlir::Value y) {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y) {
    return mlir::arith::SelectOp::create(b, loc, cond, x, y);
  }
  mlir::Value f32(double v) {
    return mlir::arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
};

} // namespace kiln

#endif // KILN_LIB_TARGET_GPU_INDEXBUILDER_H
