//===- Passes.td - GPU target passes ------------------------*- tablegen -*-===//

#ifndef KILN_TARGET_GPU_PASSES_TD
#define KILN_TARGET_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnGPUTile : Pass<"kiln-gpu-tile", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops to thread blocks and threads as their "
                "kiln.schedule says";
  let description = [{
    On tensors. Every linalg op whose `kiln.schedule` has two levels and one
    entry per loop (docs/gpu.md, "Schedules") is tiled with
    `scf::tileConsumerAndFuseProducersUsingSCF`: level 0 (the block tile)
    into an `scf.forall` mapped to `#gpu.block`, then the block tile into an
    `scf.forall` of `ceil(block / thread)` threads per loop mapped to
    `#gpu.thread`. A `linalg.fill` producing the accumulator is fused into
    both loops (each thread zeroes what it computes). Reductions stay inside
    one thread. Other ops are left alone (kiln-gpu-map-parallel-loops maps
    them after bufferization).
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::bufferization::BufferizationDialect",
    "mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def KilnGPUBlockReduce : Pass<"kiln-gpu-block-reduce", "mlir::func::FuncOp"> {
  let summary = "Lower softmax / norm / reduce rows with a block-reduction "
                "schedule to one gpu.launch per op: strided per-thread "
                "slices, warp shuffles, shared memory across warps";
  let description = [{
    After bufferization, in host functions (docs/gpu.md, "Block
    reductions"). From a `linalg.generic` over `[parallel..., reduction]`
    whose `kiln.schedule` is a three-level block-reduction schedule
    (kiln/Target/GPU/BlockReductionSchedule.h: rows per block R, threads
    per row T, vector V), whose output is indexed by the row and whose body
    is `yield combine(out, f(inputs))` (add, mul, max, min), together with
    the following generics of the same schedule over the same rows (further
    row reductions, elementwise steps) and the fills of their outputs: one
    `gpu.launch`, grid `ceil(rows / R)`, block `T x R`, the steps in order
    with barriers between them. A reduction step: each thread reduces
    chunks `tx, tx + T, ...` of V elements (one aligned `vector.load` per
    chunk of an operand along the row), accumulating in f32, then
    `gpu.shuffle xor` within the warp and a workgroup buffer across the
    warps of a row; every thread ends with the row's value, thread 0 of the
    row stores it. An elementwise step reads earlier statistics from
    registers and stores V elements at a time. Unscheduled generics just
    before a scheduled one, over its loops or reducing to them (an f16
    softmax's parts, a mean's sum), get its schedule. A reduction it
    cannot take gets a remark and takes the generic path.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect"
  ];
}

def KilnGPUDeviceMemory : Pass<"kiln-gpu-device-memory", "mlir::func::FuncOp"> {
  let summary = "Put host-side buffers in device memory";
  let description = [{
    After bufferization, in host functions (not in a gpu.module): every
    `memref.alloc` becomes `gpu.alloc` and its `memref.dealloc`
    `gpu.dealloc` (outside loops: a buffer allocated inside a loop that
    becomes a kernel is one thread's temporary and goes on its stack, sized
    by the constant upper bound of its extents); every `memref.get_global` (a constant such as weights)
    is copied into a new device buffer with `gpu.memcpy` (freed before each
    return); a `memref.copy` between identity-layout buffers becomes
    `gpu.memcpy`, any other copy a `linalg.copy` (a kernel). Kernels can
    then only see device memory. A host alloca or global that cannot be
    handled is an error.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::gpu::GPUDialect",
    "mlir::linalg::LinalgDialect", "mlir::memref::MemRefDialect"
  ];
}

def KilnGPUMapParallelLoops
    : Pass<"kiln-gpu-map-parallel-loops", "mlir::func::FuncOp"> {
  let summary = "Map scf.parallel loops to GPU blocks, threads and "
                "sequential loops";
  let description = [{
    After bufferization, scf-forall-to-parallel and
    convert-linalg-to-parallel-loops. An outermost scf.parallel that came
    from a `#gpu.block` forall is mapped to blocks and its nested
    `#gpu.thread` loop to threads. Other outermost loops (ops without a
    GPU schedule: data movement, copies) are tiled by the innermost
    dimension into blocks of `threads` threads (`tileParallelLoop`, guarded
    by an scf.if) and mapped likewise. Loops with more than three
    dimensions have their leading dimensions collapsed into one; the
    innermost dimension is x (contiguous accesses across threads). Loops
    nested deeper run sequentially in each thread. Host code that is not
    in a parallel loop but touches memory (a full reduction's scf.for, a
    scalar load) is wrapped in a one-block, one-thread loop. The result is
    what convert-parallel-loops-to-gpu takes.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"256",
           "threads per block for loops without a schedule">
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::gpu::GPUDialect", "mlir::scf::SCFDialect"
  ];
}

def KilnGPUMergeKernelModules
    : Pass<"kiln-gpu-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Put every outlined kernel into one gpu.module";
  let description = [{
    gpu-kernel-outlining makes one gpu.module per kernel. Merged into the
    first (named `kiln_kernels`), the device code is one PTX module: one
    file for `kilnc --emit=ptx`, one module load at run time. Every
    gpu.launch_func is pointed at the merged module; kernel names are
    unique already (the outliner derives them from the function).
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def KilnGPUNativeMathIntrinsics
    : Pass<"kiln-gpu-native-math-intrinsics", "mlir::gpu::GPUModuleOp"> {
  let summary = "Call the LLVM intrinsics NVPTX selects natively for fabs, "
                "floor, ceil and sqrt";
  let description = [{
    convert-gpu-to-nvvm turns `llvm.intr.fabs` / `floor` / `ceil` / `sqrt`
    into calls of libdevice's `__nv_*` functions, which are unresolved
    where no CUDA toolkit is linked in (Kiln builds without one). NVPTX
    selects these intrinsics itself (`abs`, `cvt.rmi`, `cvt.rpi`,
    `sqrt.rn`), so on scalar f16 / bf16 / f32 / f64 they are rewritten to
    `llvm.call_intrinsic "llvm.<name>.<type>"`, which the conversion leaves
    alone. Run after convert-math-to-llvm and before convert-gpu-to-nvvm.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def KilnGPUContractFMA
    : Pass<"kiln-gpu-contract-fma", "mlir::gpu::GPUModuleOp"> {
  let summary = "Contract a multiply feeding an add into math.fma in kernels";
  let description = [{
    `arith.addf(arith.mulf(a, b), c)` (either operand order), where the
    product has no other use, becomes `math.fma(a, b, c)`: one rounding
    instead of two, and one instruction (`fma.rn`), as CUDA compilers do by
    default (`-fmad=true`). LLVM does not contract on its own without
    fast-math flags, so a matmul's inner loop would otherwise be a
    `mul.rn` and an `add.rn`. Scalar and vector floats; no other rewrite.
  }];
  let dependentDialects = ["mlir::math::MathDialect"];
}

def KilnGPUTensorCoreMatmul
    : Pass<"kiln-gpu-tensor-core-matmul", "mlir::func::FuncOp"> {
  let summary = "Lower f16 / bf16 matmuls with a tensor-core schedule to a "
                "gpu.launch: shared memory, cp.async pipeline, ldmatrix, "
                "mma.sync, fused epilogue";
  let description = [{
    After bufferization, in host functions. A `linalg.matmul` /
    `linalg.batch_matmul` whose `kiln.schedule` is a five-level tensor-core
    schedule (kiln/Target/GPU/TensorCoreSchedule.h: block tile, warp tile
    and K tile, instruction, copy vector, stages), with the zero fill of
    its f32 accumulator just before it, becomes one `gpu.launch`: one block
    per block tile of C (x = n, y = m, z = batch), (BM / WM) x (BN / WN)
    warps; `stages` K tiles of A and B in workgroup attributions, filled by
    `nvgpu.device_async_copy` (cp.async of `vector` elements, zero-filled
    outside the operands) in a software pipeline with stages - 1 tiles in
    flight; `nvgpu.ldmatrix` (x4, B transposed) and m16n8k16 `mma.sync`
    into f32 accumulators held in registers over the K loop. The chain of
    elementwise generics kiln-gpu-tile marked `kiln.gpu.tensor_core_epilogue`
    (the truncation to f16 / bf16, bias, activation, residual) is applied
    to each accumulator element before the only store; stores outside C are
    skipped. The fill, matmul, epilogue and dead intermediate buffers are
    erased. An op the lowering cannot take (dynamic shapes, another
    layout, no fill) gets a remark and stays for the generic path.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::gpu::GPUDialect", "mlir::LLVM::LLVMDialect",
    "mlir::memref::MemRefDialect", "mlir::nvgpu::NVGPUDialect",
    "mlir::NVVM::NVVMDialect", "mlir::scf::SCFDialect",
    "mlir::ub::UBDialect", "mlir::vector::VectorDialect"
  ];
}

def KilnGPUFlashAttention
    : Pass<"kiln-gpu-flash-attention", "mlir::func::FuncOp"> {
  let summary = "Lower f16 / bf16 kiln.attention with a flash-attention "
                "schedule to one fused gpu.launch (cp.async, ldmatrix, "
                "mma.sync, online softmax in registers)";
  let description = [{
    On tensors, before convert-kiln-to-linalg. A `kiln.attention` whose
    `kiln.schedule` is a four-level flash-attention schedule
    (kiln/Target/GPU/FlashAttentionSchedule.h: BM query rows and BN keys
    per tile, 16-row warps, m16n8k16, stages and copy vector) becomes one
    `gpu.launch`: one block per (query tile, batch * head), the query tile
    and `stages` key / value tiles in dynamic shared memory filled by
    cp.async, S = Q K^T and O += P V by mma.sync with f32 accumulators in
    registers, an online softmax per row (quad shuffles), P fed from
    registers as the A operand, causal tiles skipped, O / l stored once.
    The operands are read through bufferization.to_buffer, the result is a
    new buffer returned through bufferization.to_tensor. An op it cannot
    take (dynamic shapes, f32, other head dims) gets a remark and stays for
    the decomposed path; a schedule it cannot follow is an error.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::gpu::GPUDialect", "mlir::LLVM::LLVMDialect",
    "mlir::math::MathDialect", "mlir::memref::MemRefDialect",
    "mlir::nvgpu::NVGPUDialect", "mlir::NVVM::NVVMDialect",
    "mlir::scf::SCFDialect", "mlir::ub::UBDialect",
    "mlir::vector::VectorDialect"
  ];
}

def KilnGPUAlignWorkgroupMemory
    : Pass<"kiln-gpu-align-workgroup-memory", "mlir::gpu::GPUModuleOp"> {
  let summary = "Align every workgroup attribution (shared memory array)";
  let description = [{
    Sets `llvm.align` on each workgroup attribution of each gpu.func to at
    least `alignment` bytes. convert-gpu-to-nvvm makes every attribution a
    `.shared` global aligned to that (otherwise to its element type: 2 bytes
    for f16), and 16-byte cp.async, ldmatrix and vector accesses need
    16-byte aligned shared addresses.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "bytes">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def KilnGPUSwizzleWorkgroupMemory
    : Pass<"kiln-gpu-swizzle-workgroup-memory", "mlir::func::FuncOp"> {
  let summary = "Permute the 16-byte chunks of workgroup-memory rows against "
                "bank conflicts (upstream nvgpu::optimizeSharedMemoryReadsAndWrites)";
  let description = [{
    For every workgroup attribution of every gpu.launch (the A and B stages
    of kiln-gpu-tensor-core-matmul), calls
    `nvgpu::optimizeSharedMemoryReadsAndWrites`, the transformation of
    upstream's `nvgpu-optimize-shared-memory` (which only looks at
    `memref.alloc`s): the column index of every ldmatrix, cp.async, load and
    store of the buffer is XOR-permuted in 16-byte units by the row, so the
    rows one ldmatrix phase reads fall into distinct banks. A buffer the
    transformation does not apply to is left as it is.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

#endif // KILN_TARGET_GPU_PASSES_TD
