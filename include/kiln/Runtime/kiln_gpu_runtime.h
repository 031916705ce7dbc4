/*===- kiln_gpu_runtime.h - Kiln's CUDA runtime, loaded at run time -------===*
 *
 * libkiln_gpu_runtime.so (or the static KilnGPURuntime) is what GPU code
 * compiled by Kiln calls: the `mgpu*` functions MLIR's `gpu-to-llvm`
 * lowering emits (module load, kernel launch, alloc, copy, streams, events),
 * plus the small Kiln API below. It depends on libc and libdl only; the CUDA
 * driver (libcuda.so.1) is opened with dlopen at the first call, so a program
 * linked with this runtime starts, and can ask whether a GPU is usable, on a
 * machine without a GPU or CUDA.
 *
 *     char why[256];
 *     if (!kiln_gpu_available(why, sizeof why)) {
 *       fprintf(stderr, "%s\n", why);  // "no CUDA driver found (libcuda.so.1:
 *       return 1;                      //  cannot open shared object file...)"
 *     }
 *
 * Errors: the mgpu* functions return nothing the generated code checks, so a
 * failing driver call (an invalid PTX, an out-of-memory, a failed launch) is
 * recorded instead of aborting: kiln_gpu_error() returns the first failure
 * since the last kiln_gpu_clear_error() on this thread, with the CUDA error
 * name and text (cuGetErrorName / cuGetErrorString) and, for a module that
 * does not load, the JIT's error log. Unless kiln_gpu_set_error_printing(0)
 * was called, that first failure is also printed to stderr, once; later
 * failures (usually consequences of the first) are only counted. After a
 * failure the mgpu* functions return null handles and skip work on them.
 *
 * The driver library is `libcuda.so.1` from the loader's search path, or the
 * file named by the environment variable KILN_CUDA_DRIVER when set (tests
 * use it for a stand-in driver). The device is ordinal 0 unless
 * mgpuSetDefaultDevice or KILN_CUDA_DEVICE says otherwise; its primary
 * context is made current around every driver call.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_GPU_RUNTIME_H
#define KILN_GPU_RUNTIME_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kiln_gpu_status {
  KILN_GPU_OK = 0,
  KILN_GPU_NO_DRIVER = 1,       /* libcuda.so.1 missing or lacks a function */
  KILN_GPU_NO_DEVICE = 2,       /* the driver loads but finds no usable GPU */
  KILN_GPU_DRIVER_ERROR = 3,    /* a driver call failed (see kiln_gpu_error) */
  KILN_GPU_INVALID_ARGUMENT = 4 /* a null pointer, a bad size */
} kiln_gpu_status;

/* Loads the driver, initializes it and retains the primary context of the
 * default device (once per process; later calls return the first outcome).
 * On failure the message is in kiln_gpu_error(). */
kiln_gpu_status kiln_gpu_init(void);

/* 1 when kiln_gpu_init succeeds; else 0, with the reason (never empty)
 * written to `why` (truncated to n bytes, NUL-terminated) when why != NULL. */
int kiln_gpu_available(char *why, size_t n);

/* The reason kiln_gpu_init failed, or NULL when it succeeded. */
const char *kiln_gpu_init_error(void);

/* The path the driver was loaded from (as passed to dlopen). */
const char *kiln_gpu_driver_path(void);

/* Name ("NVIDIA H100 80GB HBM3"), compute capability (9, 0), number of
 * multiprocessors of the default device; initializes the runtime. */
kiln_gpu_status kiln_gpu_device_name(char *name, size_t n);
kiln_gpu_status kiln_gpu_compute_capability(int *major, int *minor);
kiln_gpu_status kiln_gpu_multiprocessor_count(int *count);

/* Recorded failures on this thread (see above). kiln_gpu_error returns NULL
 * when there was none since the last clear. */
const char *kiln_gpu_error(void);
int kiln_gpu_error_count(void);
void kiln_gpu_clear_error(void);
/* Whether the first failure after a clear is printed to stderr (default 1;
 * process-wide). Tools that report errors themselves turn it off. */
void kiln_gpu_set_error_printing(int enabled);

/* Plain device memory and copies for callers that bind buffers (kiln-run,
 * benchmarks). Copies are synchronous. A failure records the error and
 * returns KILN_GPU_DRIVER_ERROR. */
kiln_gpu_status kiln_gpu_malloc(size_t bytes, void **device_ptr);
kiln_gpu_status kiln_gpu_free(void *device_ptr);
kiln_gpu_status kiln_gpu_copy_to_device(void *dst, const void *src,
                                        size_t bytes);
kiln_gpu_status kiln_gpu_copy_to_host(void *dst, const void *src,
                                      size_t bytes);
/* Waits for all work on the default device (cuCtxSynchronize). */
kiln_gpu_status kiln_gpu_synchronize(void);

/* Timing with CUDA events on the legacy default stream: `start` and
 * `stop` are recorded by kiln_gpu_event_record; kiln_gpu_event_elapsed_ms
 * waits for `stop` and gives the time between them in milliseconds. */
typedef struct kiln_gpu_event kiln_gpu_event;
kiln_gpu_status kiln_gpu_event_create(kiln_gpu_event **event);
kiln_gpu_status kiln_gpu_event_record(kiln_gpu_event *event);
kiln_gpu_status kiln_gpu_event_elapsed_ms(kiln_gpu_event *start,
                                          kiln_gpu_event *stop, float *ms);
void kiln_gpu_event_destroy(kiln_gpu_event *event);

/* "ok", "no driver", ... */
const char *kiln_gpu_status_name(kiln_gpu_status status);

/* Runs a compiled GPU entry point on host buffers: what the kiln_invoke_<fn>
 * of a `kilnc --target=gpu --emit=lib` library calls. `descriptors` holds
 * one host memref descriptor per tensor ({allocated, aligned, offset,
 * sizes[rank], strides[rank]}, dense row-major), inputs then outputs;
 * `ranks` and `element_bytes` give each tensor's rank and element size.
 * Each tensor gets a device buffer (the outputs' current contents are
 * copied in too, so untouched elements keep them), `device_invoke` is
 * called with descriptors of the device buffers, the device synchronized,
 * the outputs copied back and the buffers freed on every path. Returns
 * KILN_GPU_OK, or the first failure's status with kiln_gpu_error() saying
 * why (e.g. KILN_GPU_NO_DRIVER on a machine without a GPU); outputs are
 * then unchanged. */
kiln_gpu_status kiln_gpu_call_on_host_buffers(void (*device_invoke)(void **),
                                              void **descriptors,
                                              int32_t num_inputs,
                                              int32_t num_outputs,
                                              const int32_t *ranks,
                                              const int32_t *element_bytes);

/*===- The mgpu* ABI of MLIR 22's gpu-to-llvm lowering -------------------===*
 * Handles are the driver's (CUmodule, CUfunction, CUstream, CUevent) as
 * opaque pointers; device pointers are CUdeviceptr values. Index arguments
 * are intptr_t, as MLIR's `index` lowers to i64. cuSPARSE's mgpu* functions
 * (sparse_tensor on GPU) are not provided: Kiln emits none.
 *===----------------------------------------------------------------------===*/
void *mgpuModuleLoad(void *data, size_t size);       /* cubin / fatbin */
void *mgpuModuleLoadJIT(void *data, int optLevel);   /* PTX, NUL-ended */
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount);
void mgpuLaunchClusterKernel(void *function, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY,
                             intptr_t blockZ, int32_t smem, void *stream,
                             void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate(void);
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamWaitEvent(void *stream, void *event);
void *mgpuEventCreate(void);
void mgpuEventDestroy(void *event);
void mgpuEventSynchronize(void *event);
void mgpuEventRecord(void *event, void *stream);
void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  void *stream);
void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes);
void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSizeBytes);
void mgpuMemHostUnregister(void *ptr);
void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSizeBytes);
void mgpuSetDefaultDevice(int32_t device);
/* A CUtensorMap (TMA descriptor, sm_90) for a ranked memref descriptor,
 * copied to device memory; returns the device pointer. */
void *mgpuTensorMapEncodeTiledMemref(int64_t tensorRank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims);

#ifdef __cplusplus
}
#endif

#endif /* KILN_GPU_RUNTIME_H */
