//===- NPUOps.td - The npu dialect: the reference NPU at scratchpad level -===//
//
// Ops over memrefs whose memory space says where the data lives: no space
// (or 0) = DRAM, 1 = scratchpad (SPAD), 2 = accumulator (ACC). Tiles are
// memref.subview views, so an op's operand is exactly an ISA operand: a base
// address plus strides (include/kiln/Target/NPU/ISA.h). Each op runs on one
// queue (dma: load or store by direction; compute ops: compute; wait/signal:
// the queue they name). Verifiers check against the module's `npu.target`
// attribute (#npu.target) when there is one. docs/npu-compiler.md.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_NPU_IR_NPUOPS_TD
#define KILN_DIALECT_NPU_IR_NPUOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let cppNamespace = "::kiln::npu";
  let summary = "The Kiln reference NPU at the scratchpad level";
  let description = [{
    DMA between DRAM and the on-chip SRAMs, matmuls on the systolic array
    accumulating into ACC, vector-unit ops, and the counting-semaphore tokens
    that order the load, compute and store queues. Memory spaces: 0/none =
    DRAM, 1 = SPAD, 2 = ACC.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Verifies `npu.target` on the module: every SPAD/ACC buffer fits its
  // SRAM, every awaited token is signalled somewhere before.
  let hasOperationAttrVerify = 1;
}

//===----------------------------------------------------------------------===//
// #npu.target
//===----------------------------------------------------------------------===//

def NPU_TargetAttr : AttrDef<NPU_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "what the verifiers need of the target description";
  let description = [{
    Set on the module by `kiln-npu-attach-target` from a description JSON
    (which it also stores as `npu.description`, for the cost model and the
    emitter). Example:

    ```mlir
    module attributes {npu.target = #npu.target<name = "npu-edge", rows = 16, cols = 16, lanes = 16, spad_bytes = 262144, acc_bytes = 65536, tokens = 32, matrix_types = [f32, bf16], vector_types = [f32, bf16]>} {}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"description name">:$name,
    "unsigned":$rows, "unsigned":$cols, "unsigned":$lanes,
    "uint64_t":$spad_bytes, "uint64_t":$acc_bytes, "unsigned":$tokens,
    "::mlir::ArrayAttr":$matrix_types, "::mlir::ArrayAttr":$vector_types);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    bool matrixSupports(::mlir::Type type) const;
    bool vectorSupports(::mlir::Type type) const;
  }];
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

class NPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, traits>;

def NPU_DmaOp : NPU_Op<"dma"> {
  let summary = "copy a strided view between DRAM and SPAD/ACC";
  let description = [{
    `npu.dma %src, %dst`: one side in DRAM, the other in SPAD or ACC; same
    element type (DMA never converts) and shape, rank 1 to 3. From DRAM it
    runs on the load queue, to DRAM on the store queue.

    ```mlir
    npu.dma %a, %t : memref<64x16xf32, strided<[64, 1], offset: ?>>, memref<64x16xf32, 1>
    ```
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$src,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = "$src `,` $dst attr-dict `:` type($src) `,` type($dst)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True when the transfer reads DRAM (load queue).
    bool isLoad();
  }];
}

def NPU_DmaGatherOp : NPU_Op<"dma_gather"> {
  let summary = "gather rows of a DRAM table into SPAD by SPAD indices";
  let description = [{
    `dst[i, :] = table[indices[i], :]`; table in DRAM (rank 2), indices in
    SPAD (rank 1, i32 or i64), dst in SPAD (rank 2). Load queue.
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$table,
                       Arg<AnyMemRef, "", [MemRead]>:$indices,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = [{
    $table `[` $indices `]` `,` $dst attr-dict `:` type($table) `,` type($indices) `,` type($dst)
  }];
  let hasVerifier = 1;
}

def NPU_MatmulOp : NPU_Op<"matmul"> {
  let summary = "C (+)= A x B on the systolic array";
  let description = [{
    A (SPAD, M x K) streams row by row through the array holding B (SPAD,
    K x N) as the stationary weights; C (ACC, M x N) is overwritten, or
    accumulated into when the optional `accumulate` flag is true (the
    first K tile of an output overwrites, the others accumulate). K <= array rows, N <= array columns,
    M unbounded. C is f32 for float inputs, i32 for i8.
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$a,
                       Arg<AnyMemRef, "", [MemRead]>:$b,
                       Arg<AnyMemRef, "", [MemRead, MemWrite]>:$c,
                       Optional<I1>:$accumulate);
  let assemblyFormat = [{
    $a `,` $b `,` $c (`accumulate` `(` $accumulate^ `)`)? attr-dict `:` type($a) `,` type($b) `,` type($c)
  }];
  let hasVerifier = 1;
}

def NPU_VecUnaryOp : NPU_Op<"vec_unary"> {
  let summary = "dst = fn(src) elementwise on the vector unit";
  let description = [{
    `fn` is one of copy, neg, abs, exp, log, sqrt, rsqrt, recip, tanh, erf,
    sigmoid, relu, gelu, gelu_tanh, silu, not. Converts to dst's element type
    (copy is the cast). On-chip operands (SPAD or ACC), same shape.
  }];
  let arguments = (ins StrAttr:$fn, Arg<AnyMemRef, "", [MemRead]>:$src,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = "$fn $src `,` $dst attr-dict `:` type($src) `,` type($dst)";
  let hasVerifier = 1;
}

def NPU_VecBinaryOp : NPU_Op<"vec_binary"> {
  let summary = "dst = fn(lhs, rhs) elementwise on the vector unit";
  let description = [{
    `fn` is one of add, sub, mul, div, max, min, pow, cmp_eq, cmp_ne, cmp_lt,
    cmp_le, cmp_gt, cmp_ge, and, or. Broadcasting is a view with stride 0.
    On-chip operands, same shape.
  }];
  let arguments = (ins StrAttr:$fn, Arg<AnyMemRef, "", [MemRead]>:$lhs,
                       Arg<AnyMemRef, "", [MemRead]>:$rhs,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = [{
    $fn $lhs `,` $rhs `,` $dst attr-dict `:` type($lhs) `,` type($rhs) `,` type($dst)
  }];
  let hasVerifier = 1;
}

def NPU_VecReduceOp : NPU_Op<"vec_reduce"> {
  let summary = "dst[i] = reduce_j src[i, j] on the vector unit";
  let description = [{
    `fn` is sum, max or min; src is rank 2 (rows x reduced), dst rank 1.
  }];
  let arguments = (ins StrAttr:$fn, Arg<AnyMemRef, "", [MemRead]>:$src,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = "$fn $src `,` $dst attr-dict `:` type($src) `,` type($dst)";
  let hasVerifier = 1;
}

def NPU_VecSelectOp : NPU_Op<"vec_select"> {
  let summary = "dst = cond ? lhs : rhs elementwise on the vector unit";
  let description = [{
    `cond` holds i1 (one byte, 0 or 1). Broadcasting is a view with stride
    0. On-chip operands, same shape; lhs, rhs and dst of one element type.
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$cond,
                       Arg<AnyMemRef, "", [MemRead]>:$lhs,
                       Arg<AnyMemRef, "", [MemRead]>:$rhs,
                       Arg<AnyMemRef, "", [MemWrite]>:$dst);
  let assemblyFormat = [{
    $cond `,` $lhs `,` $rhs `,` $dst attr-dict `:` type($cond) `,` type($lhs)
    `,` type($rhs) `,` type($dst)
  }];
  let hasVerifier = 1;
}

def NPU_WaitOp : NPU_Op<"wait"> {
  let summary = "block `queue` until `token` > 0, then decrement it";
  let arguments = (ins StrAttr:$queue, I32Attr:$token);
  let assemblyFormat = "$queue `,` $token attr-dict";
  let hasVerifier = 1;
}

def NPU_SignalOp : NPU_Op<"signal"> {
  let summary = "increment `token` once `queue`'s earlier instructions are done";
  let arguments = (ins StrAttr:$queue, I32Attr:$token);
  let assemblyFormat = "$queue `,` $token attr-dict";
  let hasVerifier = 1;
}

#endif // KILN_DIALECT_NPU_IR_NPUOPS_TD
