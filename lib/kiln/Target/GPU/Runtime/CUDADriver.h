/*===- CUDADriver.h - The CUDA driver API subset the runtime uses ---------===*
 *
 * Kiln builds without CUDA, so it cannot include cuda.h: these are the
 * types, constants and entry points of the driver API that
 * GPURuntime.c resolves from libcuda.so.1 with dlsym, with the values and
 * signatures of cuda.h (CUDA 12/13). test/Target/GPU/Runtime/constants.test
 * checks every constant against cuda.h where a CUDA toolkit is installed.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_GPU_RUNTIME_CUDADRIVER_H
#define KILN_GPU_RUNTIME_CUDADRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int KCUresult;
typedef int KCUdevice;
typedef unsigned long long KCUdeviceptr;
typedef void *KCUcontext;
typedef void *KCUmodule;
typedef void *KCUfunction;
typedef void *KCUstream;
typedef void *KCUevent;

enum {
  KCUDA_SUCCESS = 0,
  KCUDA_ERROR_INVALID_VALUE = 1,
  KCUDA_ERROR_OUT_OF_MEMORY = 2,
  KCUDA_ERROR_NOT_INITIALIZED = 3,
  KCUDA_ERROR_NO_DEVICE = 100,
  KCUDA_ERROR_INVALID_IMAGE = 200,
  KCUDA_ERROR_INVALID_PTX = 218,
  KCUDA_ERROR_NOT_FOUND = 500,
  KCUDA_ERROR_LAUNCH_FAILED = 719,

  KCU_STREAM_NON_BLOCKING = 0x1,
  KCU_EVENT_DEFAULT = 0x0,
  KCU_EVENT_DISABLE_TIMING = 0x2,
  KCU_MEM_ATTACH_GLOBAL = 0x1,

  KCU_JIT_INFO_LOG_BUFFER = 3,
  KCU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  KCU_JIT_ERROR_LOG_BUFFER = 5,
  KCU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  KCU_JIT_OPTIMIZATION_LEVEL = 7,

  KCU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  KCU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  KCU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  KCU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,

  KCU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
  KCU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED = 14,

  KCU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4,
  KCU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE = 5,
  KCU_CLUSTER_SCHEDULING_POLICY_SPREAD = 1,
};

/* CUlaunchAttribute / CUlaunchConfig (cuLaunchKernelEx, CUDA >= 11.8). */
typedef struct {
  int id;
  char pad[8 - sizeof(int)];
  union {
    char pad[64];
    struct {
      unsigned int x, y, z;
    } clusterDim;
    int clusterSchedulingPolicyPreference;
  } value;
} KCUlaunchAttribute;

typedef struct {
  unsigned int gridDimX, gridDimY, gridDimZ;
  unsigned int blockDimX, blockDimY, blockDimZ;
  unsigned int sharedMemBytes;
  KCUstream hStream;
  KCUlaunchAttribute *attrs;
  unsigned int numAttrs;
} KCUlaunchConfig;

/* CUtensorMap: 16 opaque 64-bit words (aligned to 64 bytes before CUDA 13,
 * 128 since: the larger serves both). */
typedef struct {
  _Alignas(128) uint64_t opaque[16];
} KCUtensorMap;

/* The entry points: X(field, symbol names tried in order, required,
 * return-and-parameter types). The versioned names come first where cuda.h
 * maps the plain name onto them (cuMemAlloc -> cuMemAlloc_v2). */
#define KILN_CUDA_DRIVER_FUNCTIONS(X)                                          \
  X(cuInit, ("cuInit"), 1, KCUresult, (unsigned int))                          \
  X(cuDriverGetVersion, ("cuDriverGetVersion"), 1, KCUresult, (int *))         \
  X(cuGetErrorName, ("cuGetErrorName"), 1, KCUresult,                          \
    (KCUresult, const char **))                                                \
  X(cuGetErrorString, ("cuGetErrorString"), 1, KCUresult,                      \
    (KCUresult, const char **))                                                \
  X(cuDeviceGetCount, ("cuDeviceGetCount"), 1, KCUresult, (int *))             \
  X(cuDeviceGet, ("cuDeviceGet"), 1, KCUresult, (KCUdevice *, int))            \
  X(cuDeviceGetName, ("cuDeviceGetName"), 1, KCUresult,                        \
    (char *, int, KCUdevice))                                                  \
  X(cuDeviceGetAttribute, ("cuDeviceGetAttribute"), 1, KCUresult,              \
    (int *, int, KCUdevice))                                                   \
  X(cuDevicePrimaryCtxRetain, ("cuDevicePrimaryCtxRetain"), 1, KCUresult,      \
    (KCUcontext *, KCUdevice))                                                 \
  X(cuCtxPushCurrent, ("cuCtxPushCurrent_v2", "cuCtxPushCurrent"), 1,          \
    KCUresult, (KCUcontext))                                                   \
  X(cuCtxPopCurrent, ("cuCtxPopCurrent_v2", "cuCtxPopCurrent"), 1, KCUresult,  \
    (KCUcontext *))                                                            \
  X(cuCtxSynchronize, ("cuCtxSynchronize"), 1, KCUresult, (void))              \
  X(cuModuleLoadData, ("cuModuleLoadData"), 1, KCUresult,                      \
    (KCUmodule *, const void *))                                               \
  X(cuModuleLoadDataEx, ("cuModuleLoadDataEx"), 1, KCUresult,                  \
    (KCUmodule *, const void *, unsigned int, int *, void **))                 \
  X(cuModuleUnload, ("cuModuleUnload"), 1, KCUresult, (KCUmodule))             \
  X(cuModuleGetFunction, ("cuModuleGetFunction"), 1, KCUresult,                \
    (KCUfunction *, KCUmodule, const char *))                                  \
  X(cuFuncSetAttribute, ("cuFuncSetAttribute"), 1, KCUresult,                  \
    (KCUfunction, int, int))                                                   \
  X(cuLaunchKernel, ("cuLaunchKernel"), 1, KCUresult,                          \
    (KCUfunction, unsigned int, unsigned int, unsigned int, unsigned int,      \
     unsigned int, unsigned int, unsigned int, KCUstream, void **, void **))   \
  X(cuMemAlloc, ("cuMemAlloc_v2", "cuMemAlloc"), 1, KCUresult,                 \
    (KCUdeviceptr *, size_t))                                                  \
  X(cuMemFree, ("cuMemFree_v2", "cuMemFree"), 1, KCUresult, (KCUdeviceptr))    \
  X(cuMemcpyHtoD, ("cuMemcpyHtoD_v2", "cuMemcpyHtoD"), 1, KCUresult,           \
    (KCUdeviceptr, const void *, size_t))                                      \
  X(cuMemcpyDtoH, ("cuMemcpyDtoH_v2", "cuMemcpyDtoH"), 1, KCUresult,           \
    (void *, KCUdeviceptr, size_t))                                            \
  X(cuMemcpy, ("cuMemcpy"), 1, KCUresult,                                      \
    (KCUdeviceptr, KCUdeviceptr, size_t))                                      \
  X(cuMemcpyAsync, ("cuMemcpyAsync"), 1, KCUresult,                            \
    (KCUdeviceptr, KCUdeviceptr, size_t, KCUstream))                           \
  X(cuMemsetD32Async, ("cuMemsetD32Async"), 1, KCUresult,                      \
    (KCUdeviceptr, unsigned int, size_t, KCUstream))                           \
  X(cuMemsetD16Async, ("cuMemsetD16Async"), 1, KCUresult,                      \
    (KCUdeviceptr, unsigned short, size_t, KCUstream))                         \
  X(cuStreamCreate, ("cuStreamCreate"), 1, KCUresult,                          \
    (KCUstream *, unsigned int))                                               \
  X(cuStreamDestroy, ("cuStreamDestroy_v2", "cuStreamDestroy"), 1, KCUresult,  \
    (KCUstream))                                                               \
  X(cuStreamSynchronize, ("cuStreamSynchronize"), 1, KCUresult, (KCUstream))   \
  X(cuStreamWaitEvent, ("cuStreamWaitEvent"), 1, KCUresult,                    \
    (KCUstream, KCUevent, unsigned int))                                       \
  X(cuEventCreate, ("cuEventCreate"), 1, KCUresult, (KCUevent *, unsigned int))\
  X(cuEventDestroy, ("cuEventDestroy_v2", "cuEventDestroy"), 1, KCUresult,     \
    (KCUevent))                                                                \
  X(cuEventRecord, ("cuEventRecord"), 1, KCUresult, (KCUevent, KCUstream))     \
  X(cuEventSynchronize, ("cuEventSynchronize"), 1, KCUresult, (KCUevent))      \
  X(cuEventElapsedTime, ("cuEventElapsedTime_v2", "cuEventElapsedTime"), 1,    \
    KCUresult, (float *, KCUevent, KCUevent))                                  \
  /* Optional: needed only by the mgpu* functions that use them. */            \
  X(cuMemAllocManaged, ("cuMemAllocManaged"), 0, KCUresult,                    \
    (KCUdeviceptr *, size_t, unsigned int))                                    \
  X(cuMemHostRegister, ("cuMemHostRegister_v2", "cuMemHostRegister"), 0,       \
    KCUresult, (void *, size_t, unsigned int))                                 \
  X(cuMemHostUnregister, ("cuMemHostUnregister"), 0, KCUresult, (void *))      \
  X(cuLaunchKernelEx, ("cuLaunchKernelEx"), 0, KCUresult,                      \
    (const KCUlaunchConfig *, KCUfunction, void **, void **))                  \
  X(cuTensorMapEncodeTiled, ("cuTensorMapEncodeTiled"), 0, KCUresult,          \
    (KCUtensorMap *, int, uint32_t, void *, const uint64_t *,                  \
     const uint64_t *, const uint32_t *, const uint32_t *, int, int, int,      \
     int))

#endif /* KILN_GPU_RUNTIME_CUDADRIVER_H */
