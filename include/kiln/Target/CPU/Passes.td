//===- Passes.td - CPU target passes ------------------------*- tablegen -*-===//

#ifndef KILN_TARGET_CPU_PASSES_TD
#define KILN_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnCPUDecomposeAggregates
    : Pass<"kiln-cpu-decompose-aggregates", "mlir::ModuleOp"> {
  let summary = "Decompose aggregate linalg ops (linalg.softmax) into "
                "structured ops";
  let description = [{
    convert-linalg-to-loops handles structured ops only; aggregate ops
    (AggregatedOpInterface, e.g. linalg.softmax) are replaced by their
    upstream decomposition first. An op that cannot be decomposed is an
    error on that op.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::tensor::TensorDialect"
  ];
}

def KilnCPUPrepareEntryPoints
    : Pass<"kiln-cpu-prepare-entry-points", "mlir::ModuleOp"> {
  let summary = "Mark public functions as C-callable entry points with "
                "read-only inputs";
  let description = [{
    Puts `llvm.emit_c_interface` on every public function with a body (and
    on any already marked), and `bufferization.writable = false` on its
    tensor arguments, so compiled code never writes into the caller's
    inputs. A tensor returned more than once is copied for each repeat:
    buffer-results-to-out-params cannot give two out-parameters one buffer.
    A returned `tensor.collapse_shape` whose source is written into a
    `tensor.empty` (through DPS ops and scf loops) gets that empty tensor
    built in the returned shape and expanded, so the result is computed in
    the out-parameter rather than copied into it.
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::linalg::LinalgDialect",
    "mlir::LLVM::LLVMDialect", "mlir::tensor::TensorDialect"
  ];
}

def KilnCPUCopyToLinalg : Pass<"kiln-cpu-copy-to-linalg", "mlir::ModuleOp"> {
  let summary = "Rewrite memref.copy between non-identity layouts into "
                "linalg.copy";
  let description = [{
    The LLVM lowering turns such a memref.copy into a call to the MLIR
    runtime library's memrefCopy; as a linalg.copy it becomes plain loops,
    so the JIT and the emitted objects need no runtime library.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def KilnCPUPackMatmuls : Pass<"kiln-cpu-pack-matmuls", "mlir::func::FuncOp"> {
  let summary = "Data-tile linalg.matmul ops whose schedule asks for packing";
  let description = [{
    For every static 2-D `linalg.matmul` (default indexing maps) whose
    `kiln.schedule` has `pack = [m0, n0, k0]`: A becomes
    `linalg.pack` `[M/m0, K/k0, m0, k0]`, B `[N/n0, K/k0, n0, k0]`
    (zero-padded), the product a `linalg.mmt4d` and the result a
    `linalg.unpack`. A pack of a constant (weights) is computed at compile
    time into a new `dense_resource` constant; the other packs and unpacks
    are lowered to pad / reshape / transpose. The schedule is carried over
    to the six loops of the mmt4d, `[M1, N1, K1, m0, n0, k0]`, mechanically:
    thread and cache tiles of m and n are divided by m0 and n0, kc by k0,
    the register tile is one `m0 x n0` inner tile, `order` keeps the
    matmul's nesting. Every register tile is then full: packing pads the
    edges.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def KilnCPUTileAndVectorize
    : Pass<"kiln-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize linalg ops as their kiln.schedule says";
  let description = [{
    The doing half of the CPU's schedules (docs/schedules.md, "How the CPU
    consumes schedules"). On tensors, before bufferization. For every
    linalg.matmul / linalg.batch_matmul, contraction linalg.generic and
    all-parallel (elementwise) linalg.generic carrying `kiln.schedule`: the
    schedule is mapped onto the op's loops (leading batch entries that are
    0/1 at every level are dropped when the op has fewer loops, as for a
    flattened `[B, M, K] x [K, N]` matmul), then the op is tiled with scf.for
    at level 0 (per-thread chunk; sequential for now), level 1 (cache block,
    nested in `order`) and level 2 (register tile), and the register tile is
    vectorized (matmul -> vector.contract -> outer products / FMAs). Loop
    invariant accumulator reads/writes are hoisted out of the reduction
    loop. Ops without a schedule, other op kinds and schedules that do not
    map onto the op are left alone (the naive path).
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::ub::UBDialect",
    "mlir::vector::VectorDialect"
  ];
}

def KilnCPUApproximateMath
    : Pass<"kiln-cpu-approximate-math", "mlir::func::FuncOp"> {
  let summary = "Replace f32 transcendentals by vectorizable polynomials";
  let description = [{
    math.tanh, math.erf, math.exp, math.log (and log1p, expm1, ...) on f32
    scalars and vectors become MLIR's polynomial approximations (upstream
    `populateMathPolynomialApproximationPatterns`), which are plain
    arithmetic: LLVM vectorizes the loops that hold them, where a libm call
    per element would keep them scalar. Accuracy: a few ulp (measured
    against the reference interpreter in test/Target/CPU/unary.mlir, within
    the CPU target's rtol 1e-4). Other element types keep their libm calls.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

def KilnCPUSequentializeNestedParallel
    : Pass<"kiln-cpu-sequentialize-nested-parallel", "mlir::ModuleOp"> {
  let summary = "Turn every scf.forall / scf.parallel nested in another one "
                "into scf.for loops";
  let description = [{
    Only the outermost parallel loop becomes an OpenMP parallel region
    (nested OpenMP parallelism is off by default, so inner regions would
    only add a serialized fork per outer iteration). Bodies that allocate
    on the stack are wrapped in memref.alloca_scope so an iteration's
    allocas live for that iteration only. The tensor form of scf.forall
    and scf.parallel with reductions are left alone.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::scf::SCFDialect"];
}

def KilnCPULowerAllocaScopes
    : Pass<"kiln-cpu-lower-alloca-scopes", "mlir::ModuleOp"> {
  let summary = "Inline single-block memref.alloca_scope ops";
  let description = [{
    With llvm.intr.stacksave / stackrestore around the inlined body when it
    allocates, so scf-to-cf may then split the body into blocks (an
    alloca_scope region must have one block).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def KilnCPUReassociateReductions
    : Pass<"kiln-cpu-reassociate-reductions", "mlir::func::FuncOp"> {
  let summary = "Let LLVM vectorize float reductions of linalg ops";
  let description = [{
    In every linalg op with a reduction loop, the float `arith.addf` /
    `arith.mulf` that combines into the output block argument gets the
    `reassoc` fast-math flag (and `arith.maximumf` / `arith.minimumf` /
    `arith.maxnumf` / `arith.minnumf` likewise): LLVM's loop vectorizer
    keeps a float reduction scalar unless it may reorder it. The sums of
    softmax, layer_norm, rms_norm and reduce then run as vector partial sums
    combined at the end (a tree order: no less accurate than the sequential
    one). Matmuls are not touched (their reduction is vectorized by the
    tiling already).
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect"];
}

def KilnCPUPrefetchPanels
    : Pass<"kiln-cpu-prefetch-panels", "mlir::func::FuncOp"> {
  let summary = "Prefetch the next packed B panel across a matmul's m sweep";
  let description = [{
    On buffers, before the vector transfers are lowered. For every scf.for
    marked `kiln.cpu.prefetch_panel = L` by kiln-cpu-tile-and-vectorize (the
    k loop of a packed matmul's register tile, L from the schedule's
    `prefetch`) whose parent is the m loop of the tiles and whose body reads
    B as a static `[N1, K1, n0, 1]` buffer at `[n, kb + k, 0, 0]`: before
    the k loop, a short loop prefetches (`memref.prefetch`, locality L) the
    m tile's share of the cache lines of the next panel
    `[min(n + 1, N1 - 1), kb .. kb + kc)`, split evenly over the m tiles of
    the sweep. The marker is removed; a loop that does not fit is left as
    it is.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

#endif // KILN_TARGET_CPU_PASSES_TD
