/*===- kiln_runtime.h - Run Kiln-compiled libraries from C ---------------===*
 *
 * A deployed model is a shared library written by
 *
 *     kilnc model.mlir --emit=lib -o libmodel.so
 *
 * and this small runtime (libkiln_runtime.so, or the static KilnRuntime),
 * which depends on libc and libdl only: no MLIR, no LLVM.
 *
 *     kiln_module *m;
 *     const kiln_function *f;
 *     if (kiln_module_load("./libmodel.so", &m) != KILN_OK ||
 *         kiln_module_get_function(m, "gpt2_block", &f) != KILN_OK) {
 *       fprintf(stderr, "%s\n", kiln_last_error());
 *       ...
 *     }
 *     int64_t shape[3] = {1, 64, 256};
 *     kiln_tensor in = {x, KILN_DTYPE_F32, 3, shape};
 *     kiln_tensor out = {y, KILN_DTYPE_F32, 3, shape};
 *     if (kiln_function_call(f, &in, 1, &out, 1) != KILN_OK) ...
 *     kiln_module_free(m);
 *
 * Tensors are dense and row-major; the caller owns every buffer (inputs are
 * only read, outputs are overwritten). f16 and bf16 elements are their 16-bit
 * patterns, i1 is one byte holding 0 or 1. Every entry point of a library has
 * static shapes, and each call is checked against the signature the compiler
 * embedded in the library (count, dtype, rank, every dim, null pointers): a
 * mismatch returns an error code and leaves a message in kiln_last_error(),
 * it never runs the compiled code on a wrong buffer.
 *
 * Threads: kiln_last_error() is per thread. A loaded module and its
 * functions are immutable, so several threads may call functions of one
 * module at once (each call with its own output buffers).
 *
 * Threads inside a call: a library with parallel loops runs them on LLVM's
 * OpenMP runtime (it depends on libomp.so.5 and finds it through its rpath,
 * or in the system's library path). The thread count follows
 * OMP_NUM_THREADS (read when libomp starts, at the first parallel loop),
 * else one thread per core; an application that links libomp may call
 * omp_set_num_threads(n) from the thread that calls kiln_function_call.
 * libomp's threads persist between calls and spin for KMP_BLOCKTIME (200 ms
 * by default) after each parallel loop; KMP_BLOCKTIME=0 gives the cores back
 * at once.
 *
 * Memory inside a call: compiled code takes its temporaries (intermediate
 * tensors, packed matmul operands) from a cache inside its library and
 * gives them back before it returns; the next call of a function reuses
 * the same blocks (no allocation, no page faults). The cache keeps at most
 * 1 GiB of freed blocks per library until the process exits.
 * kiln_module_free may unload libomp with the library; loading a
 * module again afterwards works.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

/* Element types. The values are part of the ABI (they never change). */
typedef enum kiln_dtype {
  KILN_DTYPE_F32 = 0,
  KILN_DTYPE_F16 = 1,
  KILN_DTYPE_BF16 = 2,
  KILN_DTYPE_I64 = 3,
  KILN_DTYPE_I32 = 4,
  KILN_DTYPE_I8 = 5,
  KILN_DTYPE_I1 = 6
} kiln_dtype;

/* Results of every call; KILN_OK is 0. On an error kiln_last_error() says
 * what went wrong. */
typedef enum kiln_status {
  KILN_OK = 0,
  KILN_ERROR_INVALID_ARGUMENT = 1, /* a null pointer, an index out of range */
  KILN_ERROR_LOAD = 2,             /* the file cannot be loaded (missing, not a
                                      shared library, wrong architecture) */
  KILN_ERROR_NOT_A_KILN_LIBRARY = 3, /* loaded, but no (valid) Kiln metadata */
  KILN_ERROR_NOT_FOUND = 4,          /* no function of that name */
  KILN_ERROR_COUNT_MISMATCH = 5,     /* wrong number of inputs or outputs */
  KILN_ERROR_DTYPE_MISMATCH = 6,
  KILN_ERROR_RANK_MISMATCH = 7,
  KILN_ERROR_SHAPE_MISMATCH = 8,
  KILN_ERROR_OUT_OF_MEMORY = 9,
  KILN_ERROR_DEVICE = 10 /* a GPU library's device failed or is absent (no
                            CUDA driver, out of device memory, a kernel
                            fault); the outputs are unchanged */
} kiln_status;

/* A tensor bound to a call: `data` points at the dense row-major elements,
 * `shape` at `rank` dims (may be NULL when rank is 0). */
typedef struct kiln_tensor {
  void *data;
  int32_t dtype; /* a kiln_dtype */
  int32_t rank;
  const int64_t *shape;
} kiln_tensor;

typedef struct kiln_module kiln_module;
typedef struct kiln_function kiln_function;

/* Loads a library written by `kilnc --emit=lib` (dlopen; a path without a
 * '/' is taken relative to the current directory, not searched for). */
KILN_API kiln_status kiln_module_load(const char *path, kiln_module **module);
/* Unloads the library; its functions become invalid. NULL is ignored. */
KILN_API void kiln_module_free(kiln_module *module);

/* The entry points, in the order of the source module. */
KILN_API size_t kiln_module_num_functions(const kiln_module *module);
/* NULL when `index` is out of range. */
KILN_API const char *kiln_module_function_name(const kiln_module *module,
                                               size_t index);
/* Looks up an entry point; the function lives as long as the module. */
KILN_API kiln_status kiln_module_get_function(const kiln_module *module,
                                              const char *name,
                                              const kiln_function **function);

/* The signature. kiln_function_input/output fill `tensor` with the dtype,
 * rank and shape (owned by the module) and data = NULL. */
KILN_API const char *kiln_function_name(const kiln_function *function);
KILN_API size_t kiln_function_num_inputs(const kiln_function *function);
KILN_API size_t kiln_function_num_outputs(const kiln_function *function);
KILN_API kiln_status kiln_function_input(const kiln_function *function,
                                         size_t index, kiln_tensor *tensor);
KILN_API kiln_status kiln_function_output(const kiln_function *function,
                                          size_t index, kiln_tensor *tensor);

/* Runs the function: checks every tensor against the signature, then calls
 * the compiled code, which reads `inputs` and writes `outputs`. For a
 * library compiled for a GPU (kilnc --target=gpu --emit=lib) the buffers
 * are host memory too: they are copied to the device and back. */
KILN_API kiln_status kiln_function_call(const kiln_function *function,
                                        const kiln_tensor *inputs,
                                        size_t num_inputs,
                                        kiln_tensor *outputs,
                                        size_t num_outputs);

/* The message of the last failed call on this thread ("" if none). */
KILN_API const char *kiln_last_error(void);
/* "f32", "f16", "bf16", "i64", "i32", "i8", "i1"; NULL for other values. */
KILN_API const char *kiln_dtype_name(int32_t dtype);
/* Bytes per element (i1: 1); 0 for other values. */
KILN_API size_t kiln_dtype_size(int32_t dtype);
/* "KILN_OK", "KILN_ERROR_SHAPE_MISMATCH", ... */
KILN_API const char *kiln_status_name(kiln_status status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H */
