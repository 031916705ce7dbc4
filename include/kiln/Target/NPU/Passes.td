//===- Passes.td - The NPU target's passes ----------------*- tablegen -*-===//
//
// kiln (with #kiln.schedule from the NPU cost model) -> npu ops over DRAM /
// SPAD / ACC memrefs in scf.for tile loops -> tokens -> double buffers ->
// addresses. docs/npu-compiler.md.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_NPU_PASSES_TD
#define KILN_TARGET_NPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnNPUAttachTarget : Pass<"kiln-npu-attach-target", "mlir::ModuleOp"> {
  let summary = "Put the NPU target description on the module";
  let description = [{
    Resolves `target` (NAME -> targets/npu-NAME.json or NAME.json, or a
    path) and sets `npu.target` (#npu.target, what the npu verifiers read)
    and `npu.description` (the JSON, what the emitter embeds) on the module.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"edge\"",
           "NPU description: a name in targets/ or a .json path">,
    Option<"targetsDir", "targets-dir", "std::string", "",
           "where names are looked up (default: the source tree's targets/)">
  ];
  let dependentDialects = ["kiln::npu::NPUDialect"];
}

def KilnNPULowerToNPU : Pass<"kiln-npu-lower-to-npu", "mlir::ModuleOp"> {
  let summary = "kiln ops -> npu ops over DRAM/SPAD/ACC tiles in scf.for loops";
  let description = [{
    Each function's tensors become DRAM memrefs (arguments stay inputs,
    results become trailing output arguments, intermediates DRAM allocs).
    A kiln.matmul becomes the tile nest its #kiln.schedule describes
    (level 1 = SRAM tile, level 2 = array tile, `order` = the SRAM-tile
    loop order): DMA of A and B tiles into SPAD, npu.matmul into an ACC
    tile, DMA of the ACC tile out. Each tile load sits in the innermost
    loop its operand depends on (weight reuse). Elementwise ops and
    last-axis softmax run on the vector unit in row tiles; elementwise
    consumers of an f32 matmul fuse into its accumulator drain. SPAD/ACC
    tiles in loops get `npu.buffers = 2`. An op the NPU cannot run is an
    error naming it.
  }];
  let dependentDialects = ["kiln::npu::NPUDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
}

def KilnNPUInsertTokens : Pass<"kiln-npu-insert-tokens", "mlir::ModuleOp"> {
  let summary = "Order the load, compute and store queues with tokens";
  let description = [{
    For every SPAD/ACC buffer used by two queues (producer = the queue of
    its first user): `wait free` / `signal full` around the producer's
    uses, `wait full` / `signal free` around the consumer's, `free` credited
    with `npu.buffers` slots before the first use and drained after the
    last. Between the top-level loop nests of a function, a barrier of all
    three queues (DRAM results of one op are read by the next; SRAM
    addresses are reused). Token ids are reused nest by nest.
  }];
}

def KilnNPUMultiBuffer : Pass<"kiln-npu-multi-buffer", "mlir::ModuleOp"> {
  let summary = "Double-buffer SPAD/ACC tiles marked npu.buffers = N";
  let description = [{
    memref::multiBuffer: the alloc in a loop becomes N copies hoisted out
    of it, iteration i using copy i mod N, so the next tile's DMA overlaps
    this tile's compute (ordered by the tokens).
  }];
}

def KilnNPUAssignAddresses : Pass<"kiln-npu-assign-addresses", "mlir::ModuleOp"> {
  let summary = "Byte addresses in SPAD and ACC for every on-chip buffer";
  let description = [{
    Buffers of one top-level loop nest are live together and get disjoint
    64-byte aligned addresses; nests are separated by barriers, so each
    nest starts again at 0. A nest that does not fit is an error naming the
    buffer.
  }];
}

#endif // KILN_TARGET_NPU_PASSES_TD
