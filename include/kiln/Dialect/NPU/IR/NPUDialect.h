//===- NPUDialect.h - The npu dialect ---------------------------*- C++ -*-===//
#ifndef KILN_DIALECT_NPU_IR_NPUDIALECT_H
#define KILN_DIALECT_NPU_IR_NPUDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"

#include "kiln/Dialect/NPU/IR/NPUDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/NPU/IR/NPUAttrs.h.inc"

namespace kiln::npu {

/// Memref memory spaces of the npu dialect.
enum class MemSpace { DRAM = 0, SPAD = 1, ACC = 2 };

/// The memory space of a memref type (no space attribute = DRAM); nullopt
/// for a space that is not one of the three.
std::optional<MemSpace> getMemSpace(mlir::MemRefType type);
const char *memSpaceName(MemSpace space);

/// Module attributes: the #npu.target summary the verifiers read, and the
/// full description JSON the cost model and the emitter read.
inline constexpr llvm::StringLiteral kTargetAttrName = "npu.target";
inline constexpr llvm::StringLiteral kDescriptionAttrName = "npu.description";
/// On a memref.alloc in SPAD/ACC: how many copies the double-buffering pass
/// makes (the lowering sets 2 on tiles inside loops) and the byte address
/// the address assignment gives.
inline constexpr llvm::StringLiteral kBuffersAttrName = "npu.buffers";
inline constexpr llvm::StringLiteral kAddressAttrName = "npu.address";

/// The target attribute of the module enclosing `op`, if any.
TargetAttr lookupTarget(mlir::Operation *op);

} // namespace kiln::npu

#endif // KILN_DIALECT_NPU_IR_NPUDIALECT_H
