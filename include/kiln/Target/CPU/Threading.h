//===- Threading.h - Multithreading of the CPU target (OpenMP) --*- C++ -*-===//
//
// The CPU target runs its parallel loops with OpenMP (LLVM's libomp), through
// upstream MLIR: scf.forall (on memrefs, after bufferization) -> scf.parallel
// -> omp.parallel + omp.wsloop + omp.loop_nest -> LLVM dialect -> LLVM IR
// (the OpenMP dialect translation outlines each parallel region into a
// function that __kmpc_fork_call runs on the team). docs/lowering.md,
// "Threads", says why and how the thread count is chosen.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGET_CPU_THREADING_H
#define KILN_TARGET_CPU_THREADING_H

#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class DialectRegistry;
class OpPassManager;
class Pass;
} // namespace mlir

namespace kiln {

/// Appends the passes that turn every scf.forall / scf.parallel (memref form:
/// after one-shot bufferization, before scf-to-cf) into OpenMP:
///
///   kiln-cpu-sequentialize-nested-parallel  (only the outermost parallel
///                                            loop of a nest stays parallel)
///   scf-forall-to-parallel
///   convert-scf-to-openmp                   (no num_threads clause: the
///                                            runtime decides, so
///                                            OMP_NUM_THREADS rules)
///   kiln-cpu-lower-alloca-scopes            (the per-iteration
///                                            memref.alloca_scope that
///                                            scf-to-openmp adds; it must be
///                                            gone before scf-to-cf, which
///                                            would give it several blocks)
///
/// Module-level passes; a module without parallel loops is unchanged.
void addCPUThreadingPasses(mlir::OpPassManager &pm);

/// Appends convert-openmp-to-llvm, which gives the omp ops LLVM-typed
/// operands and block arguments (omp.loop_nest bounds are `index` until
/// then). It must run after all the other to-LLVM conversions
/// (arith, finalize-memref, func, cf) and immediately before
/// reconcile-unrealized-casts, which removes the casts it leaves.
void addCPUThreadingToLLVMPasses(mlir::OpPassManager &pm);

/// The omp dialect and its LLVM IR translation (needed by the JIT and by
/// kilnc to translate the module).
void registerCPUThreadingDialects(mlir::DialectRegistry &registry);

/// Registers the upstream passes above and the `kiln-cpu-threading`
/// pipeline so kiln-opt can run them by name (Kiln's own two are
/// registered with the other CPU passes).
void registerCPUThreadingPasses();

// Kiln's two passes here, kiln-cpu-sequentialize-nested-parallel and
// kiln-cpu-lower-alloca-scopes, are declared in Passes.td.

//===----------------------------------------------------------------------===//
// The OpenMP runtime in the process (the JIT and kiln-run)
//===----------------------------------------------------------------------===//

/// The libomp Kiln was configured with (an absolute path).
const char *getOpenMPRuntimePath();

/// Loads libomp into the process for good (RTLD_GLOBAL), so the JIT resolves
/// the __kmpc_* symbols of compiled code and a dlopen'ed `kilnc --emit=lib`
/// library that needs libomp.so.5 shares the same copy. Idempotent and
/// thread-safe.
llvm::Error loadOpenMPRuntime();

/// Loads libomp (loadOpenMPRuntime) and calls omp_set_num_threads(n) for the
/// calling thread: the parallel regions compiled code starts from this
/// thread then use n threads. n = 0 does nothing (the OpenMP default:
/// OMP_NUM_THREADS, else one thread per core).
llvm::Error setOpenMPNumThreads(int n);

} // namespace kiln

#endif // KILN_TARGET_CPU_THREADING_H
