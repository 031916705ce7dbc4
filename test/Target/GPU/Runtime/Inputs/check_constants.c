/* Every constant and struct layout of CUDADriver.h against cuda.h. */
#include <cuda.h>
#include <stddef.h>

#include "CUDADriver.h"

#define SAME(x) _Static_assert(K##x == x, #x)
SAME(CUDA_SUCCESS);
SAME(CUDA_ERROR_INVALID_VALUE);
SAME(CUDA_ERROR_OUT_OF_MEMORY);
SAME(CUDA_ERROR_NOT_INITIALIZED);
SAME(CUDA_ERROR_NO_DEVICE);
SAME(CUDA_ERROR_INVALID_IMAGE);
SAME(CUDA_ERROR_INVALID_PTX);
SAME(CUDA_ERROR_NOT_FOUND);
SAME(CUDA_ERROR_LAUNCH_FAILED);
SAME(CU_STREAM_NON_BLOCKING);
SAME(CU_EVENT_DEFAULT);
SAME(CU_EVENT_DISABLE_TIMING);
SAME(CU_MEM_ATTACH_GLOBAL);
SAME(CU_JIT_INFO_LOG_BUFFER);
SAME(CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
SAME(CU_JIT_ERROR_LOG_BUFFER);
SAME(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
SAME(CU_JIT_OPTIMIZATION_LEVEL);
SAME(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
SAME(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
SAME(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
SAME(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
SAME(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
SAME(CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED);
SAME(CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
SAME(CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE);
SAME(CU_CLUSTER_SCHEDULING_POLICY_SPREAD);

#define LAYOUT(k, c, field)                                                    \
  _Static_assert(offsetof(k, field) == offsetof(c, field), #c "." #field)
_Static_assert(sizeof(KCUlaunchAttribute) == sizeof(CUlaunchAttribute), "");
LAYOUT(KCUlaunchAttribute, CUlaunchAttribute, value);
_Static_assert(sizeof(KCUlaunchConfig) == sizeof(CUlaunchConfig), "");
LAYOUT(KCUlaunchConfig, CUlaunchConfig, sharedMemBytes);
LAYOUT(KCUlaunchConfig, CUlaunchConfig, hStream);
LAYOUT(KCUlaunchConfig, CUlaunchConfig, attrs);
LAYOUT(KCUlaunchConfig, CUlaunchConfig, numAttrs);
_Static_assert(sizeof(KCUtensorMap) == sizeof(CUtensorMap), "");
_Static_assert(_Alignof(KCUtensorMap) == _Alignof(CUtensorMap), "");
_Static_assert(sizeof(KCUdeviceptr) == sizeof(CUdeviceptr), "");
