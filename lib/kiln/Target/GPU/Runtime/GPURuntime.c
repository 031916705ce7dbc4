/*===- GPURuntime.c - Kiln's CUDA runtime over a dlopen'ed driver ---------===*
 *
 * The mgpu* functions of MLIR's gpu-to-llvm ABI and the kiln_gpu_* API
 * (kiln_gpu_runtime.h). The CUDA driver is opened with dlopen at the first
 * call, never linked, so Kiln builds and runs its tests on machines without
 * CUDA, and says why when no GPU is usable.
 *
 * Upstream's CudaRuntimeWrappers.cpp prints failures and carries on; here a
 * failure is recorded (first message per thread, printed once) so the
 * caller of the compiled code can turn it into an error, and a call on a
 * handle that failed to be created is skipped instead of passed to the
 * driver.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include "kiln/Runtime/kiln_gpu_runtime.h"

#include "CUDADriver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/*===- The driver --------------------------------------------------------===*/

static struct {
#define KILN_FIELD(name, names, required, ret, params) ret(*name) params;
  KILN_CUDA_DRIVER_FUNCTIONS(KILN_FIELD)
#undef KILN_FIELD
} cu;

#define KILN_NAMES(...) {__VA_ARGS__, NULL}
static const struct {
  const char *names[3];
  int required;
  size_t offset;
} driverEntries[] = {
#define KILN_ENTRY(name, names, required, ret, params)                         \
  {KILN_NAMES names, required, offsetof(__typeof__(cu), name)},
    KILN_CUDA_DRIVER_FUNCTIONS(KILN_ENTRY)
#undef KILN_ENTRY
};

static pthread_once_t initOnce = PTHREAD_ONCE_INIT;
static kiln_gpu_status initStatus = KILN_GPU_NO_DRIVER;
static char initMessage[1024];
static char driverPath[512];
static KCUcontext context;
static KCUdevice device;
static int deviceOrdinal = -1; /* -1: not chosen by mgpuSetDefaultDevice */
static atomic_int printErrors = 1;

/*===- Errors ------------------------------------------------------------===*/

static _Thread_local char errorMessage[4096];
static _Thread_local int errorSet;
static _Thread_local int errorCount;

__attribute__((format(printf, 1, 2))) static void recordError(const char *fmt,
                                                              ...) {
  ++errorCount;
  if (errorSet)
    return;
  va_list args;
  va_start(args, fmt);
  vsnprintf(errorMessage, sizeof(errorMessage), fmt, args);
  va_end(args);
  errorSet = 1;
  if (atomic_load(&printErrors))
    fprintf(stderr, "kiln gpu runtime: error: %s\n", errorMessage);
}

/* "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" */
static void describe(KCUresult result, char *out, size_t n) {
  const char *name = NULL, *text = NULL;
  if (cu.cuGetErrorName)
    cu.cuGetErrorName(result, &name);
  if (cu.cuGetErrorString)
    cu.cuGetErrorString(result, &text);
  if (name && text)
    snprintf(out, n, "%s (%s)", name, text);
  else
    snprintf(out, n, "CUDA error %d", result);
}

/* Records `result` when it is an error; returns whether it was. */
__attribute__((format(printf, 2, 3))) static int failed(KCUresult result,
                                                        const char *what,
                                                        ...) {
  if (result == KCUDA_SUCCESS)
    return 0;
  char call[512], why[512];
  va_list args;
  va_start(args, what);
  vsnprintf(call, sizeof(call), what, args);
  va_end(args);
  describe(result, why, sizeof(why));
  recordError("%s failed: %s", call, why);
  return 1;
}

EXPORT const char *kiln_gpu_error(void) {
  return errorSet ? errorMessage : NULL;
}
EXPORT int kiln_gpu_error_count(void) { return errorCount; }
EXPORT void kiln_gpu_clear_error(void) {
  errorSet = 0;
  errorCount = 0;
  errorMessage[0] = 0;
}
EXPORT void kiln_gpu_set_error_printing(int enabled) {
  atomic_store(&printErrors, enabled != 0);
}

EXPORT const char *kiln_gpu_status_name(kiln_gpu_status status) {
  switch (status) {
  case KILN_GPU_OK:
    return "ok";
  case KILN_GPU_NO_DRIVER:
    return "no driver";
  case KILN_GPU_NO_DEVICE:
    return "no device";
  case KILN_GPU_DRIVER_ERROR:
    return "driver error";
  case KILN_GPU_INVALID_ARGUMENT:
    return "invalid argument";
  }
  return "unknown status";
}

/*===- Start-up ----------------------------------------------------------===*/

static void setInitFailure(kiln_gpu_status status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(initMessage, sizeof(initMessage), fmt, args);
  va_end(args);
  initStatus = status;
}

static void initialize(void) {
  const char *path = getenv("KILN_CUDA_DRIVER");
  if (!path || !*path)
    path = "libcuda.so.1";
  snprintf(driverPath, sizeof(driverPath), "%s", path);
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    setInitFailure(KILN_GPU_NO_DRIVER, "no CUDA driver found (%s)",
                   why ? why : path);
    return;
  }
  for (size_t i = 0; i < sizeof(driverEntries) / sizeof(driverEntries[0]);
       ++i) {
    void *symbol = NULL;
    for (const char *const *name = driverEntries[i].names; *name && !symbol;
         ++name)
      symbol = dlsym(handle, *name);
    if (!symbol && driverEntries[i].required) {
      memset(&cu, 0, sizeof(cu));
      setInitFailure(KILN_GPU_NO_DRIVER,
                     "the CUDA driver '%s' lacks %s (a driver older than "
                     "CUDA 11.x?)",
                     path, driverEntries[i].names[0]);
      return;
    }
    memcpy((char *)&cu + driverEntries[i].offset, &symbol, sizeof(symbol));
  }

  char why[512];
  KCUresult result = cu.cuInit(0);
  if (result != KCUDA_SUCCESS) {
    describe(result, why, sizeof(why));
    setInitFailure(result == KCUDA_ERROR_NO_DEVICE ? KILN_GPU_NO_DEVICE
                                                   : KILN_GPU_DRIVER_ERROR,
                   "the CUDA driver '%s' found no usable GPU: cuInit "
                   "failed: %s",
                   path, why);
    return;
  }
  int count = 0;
  if ((result = cu.cuDeviceGetCount(&count)) != KCUDA_SUCCESS) {
    describe(result, why, sizeof(why));
    setInitFailure(KILN_GPU_DRIVER_ERROR, "cuDeviceGetCount failed: %s", why);
    return;
  }
  int ordinal = deviceOrdinal >= 0 ? deviceOrdinal : 0;
  const char *env = getenv("KILN_CUDA_DEVICE");
  if (deviceOrdinal < 0 && env && *env)
    ordinal = atoi(env);
  if (count == 0 || ordinal < 0 || ordinal >= count) {
    setInitFailure(KILN_GPU_NO_DEVICE,
                   "the CUDA driver '%s' reports %d GPU(s); device %d "
                   "requested",
                   path, count, ordinal);
    return;
  }
  if ((result = cu.cuDeviceGet(&device, ordinal)) != KCUDA_SUCCESS ||
      (result = cu.cuDevicePrimaryCtxRetain(&context, device)) !=
          KCUDA_SUCCESS) {
    describe(result, why, sizeof(why));
    setInitFailure(KILN_GPU_DRIVER_ERROR,
                   "cannot open GPU %d (cuDeviceGet / "
                   "cuDevicePrimaryCtxRetain): %s",
                   ordinal, why);
    return;
  }
  deviceOrdinal = ordinal;
  initStatus = KILN_GPU_OK;
}

EXPORT kiln_gpu_status kiln_gpu_init(void) {
  pthread_once(&initOnce, initialize);
  return initStatus;
}

EXPORT const char *kiln_gpu_init_error(void) {
  return kiln_gpu_init() == KILN_GPU_OK ? NULL : initMessage;
}

EXPORT const char *kiln_gpu_driver_path(void) {
  kiln_gpu_init();
  return driverPath;
}

EXPORT int kiln_gpu_available(char *why, size_t n) {
  if (kiln_gpu_init() == KILN_GPU_OK)
    return 1;
  if (why && n)
    snprintf(why, n, "%s", initMessage);
  return 0;
}

/* Makes the primary context current for one runtime call (restored by
 * leave()), as upstream's ScopedContext does; 0 when the runtime cannot
 * run (the reason is recorded). */
static int enter(void) {
  if (kiln_gpu_init() != KILN_GPU_OK) {
    recordError("%s", initMessage);
    return 0;
  }
  return !failed(cu.cuCtxPushCurrent(context), "cuCtxPushCurrent");
}

static void leave(void) {
  KCUcontext previous;
  cu.cuCtxPopCurrent(&previous);
}

/* The kiln_gpu_* calls return a status: why enter() failed, ... */
#define KILN_ENTER_OR_RETURN()                                                 \
  do {                                                                         \
    if (!enter())                                                              \
      return initStatus != KILN_GPU_OK ? initStatus : KILN_GPU_DRIVER_ERROR;   \
  } while (0)

/* ... and whether their driver calls failed, once the context is left. */
static kiln_gpu_status leaveWith(int bad) {
  leave();
  return bad ? KILN_GPU_DRIVER_ERROR : KILN_GPU_OK;
}

/*===- Device queries ----------------------------------------------------===*/

static kiln_gpu_status attribute(int which, int *value, const char *what) {
  if (!value)
    return KILN_GPU_INVALID_ARGUMENT;
  KILN_ENTER_OR_RETURN();
  return leaveWith(failed(cu.cuDeviceGetAttribute(value, which, device),
                          "cuDeviceGetAttribute(%s)", what));
}

EXPORT kiln_gpu_status kiln_gpu_device_name(char *name, size_t n) {
  if (!name || n == 0)
    return KILN_GPU_INVALID_ARGUMENT;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuDeviceGetName(name, (int)(n > 4096 ? 4096 : n), device),
             "cuDeviceGetName"));
}

EXPORT kiln_gpu_status kiln_gpu_compute_capability(int *major, int *minor) {
  kiln_gpu_status status = attribute(
      KCU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, major, "major version");
  if (status != KILN_GPU_OK)
    return status;
  return attribute(KCU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, minor,
                   "minor version");
}

EXPORT kiln_gpu_status kiln_gpu_multiprocessor_count(int *count) {
  return attribute(KCU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, count,
                   "multiprocessor count");
}

/*===- Memory, copies and events for callers -----------------------------===*/

EXPORT kiln_gpu_status kiln_gpu_malloc(size_t bytes, void **devicePtr) {
  if (!devicePtr)
    return KILN_GPU_INVALID_ARGUMENT;
  *devicePtr = NULL;
  KILN_ENTER_OR_RETURN();
  KCUdeviceptr ptr = 0;
  /* cuMemAlloc refuses 0 bytes; an empty tensor still gets an address. */
  int bad = failed(cu.cuMemAlloc(&ptr, bytes ? bytes : 1),
                   "cuMemAlloc of %zu bytes", bytes);
  leave();
  *devicePtr = (void *)(uintptr_t)ptr;
  return bad ? KILN_GPU_DRIVER_ERROR : KILN_GPU_OK;
}

EXPORT kiln_gpu_status kiln_gpu_free(void *devicePtr) {
  if (!devicePtr)
    return KILN_GPU_OK;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuMemFree((KCUdeviceptr)(uintptr_t)devicePtr), "cuMemFree"));
}

EXPORT kiln_gpu_status kiln_gpu_copy_to_device(void *dst, const void *src,
                                               size_t bytes) {
  if ((!dst || !src) && bytes)
    return KILN_GPU_INVALID_ARGUMENT;
  if (!bytes)
    return KILN_GPU_OK;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuMemcpyHtoD((KCUdeviceptr)(uintptr_t)dst, src, bytes),
             "cuMemcpyHtoD of %zu bytes", bytes));
}

EXPORT kiln_gpu_status kiln_gpu_copy_to_host(void *dst, const void *src,
                                             size_t bytes) {
  if ((!dst || !src) && bytes)
    return KILN_GPU_INVALID_ARGUMENT;
  if (!bytes)
    return KILN_GPU_OK;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuMemcpyDtoH(dst, (KCUdeviceptr)(uintptr_t)src, bytes),
             "cuMemcpyDtoH of %zu bytes", bytes));
}

EXPORT kiln_gpu_status kiln_gpu_synchronize(void) {
  KILN_ENTER_OR_RETURN();
  return leaveWith(failed(cu.cuCtxSynchronize(), "cuCtxSynchronize"));
}

/*===- Entry points on host buffers (kilnc --target=gpu --emit=lib) ------===*/

/* Descriptors have 3 + 2 * rank 64-bit words (MemRefDescriptor.h); ranks
 * are bounded so the device copies live on the stack. */
enum { kMaxCallTensors = 64, kMaxCallRank = 16 };

EXPORT kiln_gpu_status kiln_gpu_call_on_host_buffers(
    void (*deviceInvoke)(void **), void **descriptors, int32_t numInputs,
    int32_t numOutputs, const int32_t *ranks, const int32_t *elementBytes) {
  int32_t n = numInputs + numOutputs;
  if (!deviceInvoke || (n && (!descriptors || !ranks || !elementBytes)) ||
      numInputs < 0 || numOutputs < 0 || n > kMaxCallTensors) {
    recordError("kiln_gpu_call_on_host_buffers: invalid arguments (at most "
                "%d tensors)", (int)kMaxCallTensors);
    return KILN_GPU_INVALID_ARGUMENT;
  }
  kiln_gpu_clear_error();
  int64_t device[kMaxCallTensors][3 + 2 * kMaxCallRank];
  void *deviceArgs[kMaxCallTensors];
  void *buffers[kMaxCallTensors] = {0};
  size_t bytes[kMaxCallTensors];
  kiln_gpu_status status = KILN_GPU_OK;
  int32_t i = 0;
  for (; i < n && status == KILN_GPU_OK; ++i) {
    const int64_t *host = (const int64_t *)descriptors[i];
    int32_t rank = ranks[i];
    if (!host || rank < 0 || rank > kMaxCallRank || elementBytes[i] <= 0) {
      recordError("kiln_gpu_call_on_host_buffers: tensor %d has no "
                  "descriptor or a rank above %d", (int)i, (int)kMaxCallRank);
      status = KILN_GPU_INVALID_ARGUMENT;
      break;
    }
    size_t count = 1;
    for (int32_t d = 0; d < rank; ++d)
      count *= (size_t)host[3 + d];
    bytes[i] = count * (size_t)elementBytes[i];
    const char *data = (const char *)(uintptr_t)host[1] +
                       host[2] * (int64_t)elementBytes[i];
    status = kiln_gpu_malloc(bytes[i], &buffers[i]);
    if (status == KILN_GPU_OK)
      status = kiln_gpu_copy_to_device(buffers[i], data, bytes[i]);
    /* The same descriptor over the device buffer: dense, offset 0. */
    memcpy(device[i], host, sizeof(int64_t) * (3 + 2 * (size_t)rank));
    memcpy(&device[i][0], &buffers[i], sizeof(void *));
    memcpy(&device[i][1], &buffers[i], sizeof(void *));
    device[i][2] = 0;
    deviceArgs[i] = device[i];
  }
  if (status == KILN_GPU_OK) {
    deviceInvoke(deviceArgs);
    /* The generated host code checks nothing: its mgpu* calls record
     * failures, and kernel faults surface at the synchronization. */
    status = kiln_gpu_synchronize();
    if (status == KILN_GPU_OK && kiln_gpu_error())
      status = initStatus != KILN_GPU_OK ? initStatus : KILN_GPU_DRIVER_ERROR;
    for (int32_t o = numInputs; o < n && status == KILN_GPU_OK; ++o) {
      const int64_t *host = (const int64_t *)descriptors[o];
      char *data = (char *)(uintptr_t)host[1] + host[2] * (int64_t)elementBytes[o];
      status = kiln_gpu_copy_to_host(data, buffers[o], bytes[o]);
    }
  }
  for (int32_t k = 0; k < n; ++k)
    if (buffers[k])
      kiln_gpu_free(buffers[k]);
  return status;
}

struct kiln_gpu_event {
  KCUevent event;
};

EXPORT kiln_gpu_status kiln_gpu_event_create(kiln_gpu_event **event) {
  if (!event)
    return KILN_GPU_INVALID_ARGUMENT;
  *event = NULL;
  KILN_ENTER_OR_RETURN();
  KCUevent e = NULL;
  int bad = failed(cu.cuEventCreate(&e, KCU_EVENT_DEFAULT), "cuEventCreate");
  leave();
  if (bad)
    return KILN_GPU_DRIVER_ERROR;
  *event = (kiln_gpu_event *)malloc(sizeof(kiln_gpu_event));
  if (!*event) {
    recordError("out of host memory");
    return KILN_GPU_DRIVER_ERROR;
  }
  (*event)->event = e;
  return KILN_GPU_OK;
}

EXPORT kiln_gpu_status kiln_gpu_event_record(kiln_gpu_event *event) {
  if (!event)
    return KILN_GPU_INVALID_ARGUMENT;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuEventRecord(event->event, NULL), "cuEventRecord"));
}

EXPORT kiln_gpu_status kiln_gpu_event_elapsed_ms(kiln_gpu_event *start,
                                                 kiln_gpu_event *stop,
                                                 float *ms) {
  if (!start || !stop || !ms)
    return KILN_GPU_INVALID_ARGUMENT;
  KILN_ENTER_OR_RETURN();
  return leaveWith(
      failed(cu.cuEventSynchronize(stop->event), "cuEventSynchronize") ||
      failed(cu.cuEventElapsedTime(ms, start->event, stop->event),
             "cuEventElapsedTime"));
}

EXPORT void kiln_gpu_event_destroy(kiln_gpu_event *event) {
  if (!event)
    return;
  if (enter()) {
    failed(cu.cuEventDestroy(event->event), "cuEventDestroy");
    leave();
  }
  free(event);
}

/*===- The mgpu* ABI -----------------------------------------------------===*
 * Signatures as MLIR 22's gpu-to-llvm and SelectObjectAttr emit them
 * (checked with mlir-opt / mlir-translate 22.1). */

/* A handle that failed to be created is null: say so once, skip the call. */
static int usable(const void *handle, const char *what) {
  if (handle)
    return 1;
  recordError("%s on a null handle (an earlier GPU call failed)", what);
  return 0;
}

EXPORT void *mgpuModuleLoad(void *data, size_t size) {
  if (!enter())
    return NULL;
  KCUmodule module = NULL;
  failed(cu.cuModuleLoadData(&module, data),
         "loading a GPU module (cuModuleLoadData, %zu-byte image)", size);
  leave();
  return module;
}

EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel) {
  if (!enter())
    return NULL;
  KCUmodule module = NULL;
  static _Thread_local char log[8192];
  log[0] = 0;
  int options[] = {KCU_JIT_ERROR_LOG_BUFFER,
                   KCU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                   KCU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, (void *)(uintptr_t)sizeof(log),
                    (void *)(uintptr_t)optLevel};
  KCUresult result = cu.cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != KCUDA_SUCCESS) {
    char why[512];
    describe(result, why, sizeof(why));
    log[sizeof(log) - 1] = 0;
    recordError("loading a GPU module (cuModuleLoadDataEx, PTX JIT at -O%d) "
                "failed: %s%s%s",
                optLevel, why, log[0] ? "; JIT log: " : "", log);
    module = NULL;
  }
  leave();
  return module;
}

EXPORT void mgpuModuleUnload(void *module) {
  if (!module || !enter())
    return;
  failed(cu.cuModuleUnload(module), "cuModuleUnload");
  leave();
}

EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!usable(module, "mgpuModuleGetFunction") || !enter())
    return NULL;
  KCUfunction function = NULL;
  failed(cu.cuModuleGetFunction(&function, module, name),
         "looking up kernel '%s' (cuModuleGetFunction)", name ? name : "");
  leave();
  return function;
}

/* Grid and block extents arrive as i64; the driver takes unsigned int. */
static int extentsFit(const intptr_t *extents, int n, const char *what) {
  for (int i = 0; i < n; ++i)
    if (extents[i] < 1 || extents[i] > 0xffffffffLL) {
      recordError("%s: launch extent %ld out of range", what,
                  (long)extents[i]);
      return 0;
    }
  return 1;
}

/* Dynamic shared memory above 48 KiB must be opted into per function. */
static int prepareSharedMemory(KCUfunction function, int32_t smem) {
  if (smem <= 0)
    return 1;
  if (smem <= 48 * 1024)
    return 1;
  int maxOptin = 0;
  if (failed(cu.cuDeviceGetAttribute(
                 &maxOptin,
                 KCU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                 device),
             "cuDeviceGetAttribute(max shared memory per block)"))
    return 0;
  if (smem > maxOptin) {
    recordError("a kernel asks for %d bytes of dynamic shared memory; this "
                "GPU allows %d per block",
                smem, maxOptin);
    return 0;
  }
  return !failed(cu.cuFuncSetAttribute(
                     function, KCU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                     smem),
                 "cuFuncSetAttribute(max dynamic shared memory = %d)", smem);
}

EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                             intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                             intptr_t blockZ, int32_t smem, void *stream,
                             void **params, void **extra, size_t paramsCount) {
  (void)paramsCount;
  intptr_t extents[6] = {gridX, gridY, gridZ, blockX, blockY, blockZ};
  if (!usable(function, "mgpuLaunchKernel") ||
      !extentsFit(extents, 6, "mgpuLaunchKernel") || !enter())
    return;
  if (prepareSharedMemory(function, smem))
    failed(cu.cuLaunchKernel(function, (unsigned)gridX, (unsigned)gridY,
                             (unsigned)gridZ, (unsigned)blockX,
                             (unsigned)blockY, (unsigned)blockZ,
                             (unsigned)smem, stream, params, extra),
           "launching a kernel (cuLaunchKernel, grid %ldx%ldx%ld, block "
           "%ldx%ldx%ld, %d bytes of shared memory)",
           (long)gridX, (long)gridY, (long)gridZ, (long)blockX, (long)blockY,
           (long)blockZ, smem);
  leave();
}

EXPORT void mgpuLaunchClusterKernel(void *function, intptr_t clusterX,
                                    intptr_t clusterY, intptr_t clusterZ,
                                    intptr_t gridX, intptr_t gridY,
                                    intptr_t gridZ, intptr_t blockX,
                                    intptr_t blockY, intptr_t blockZ,
                                    int32_t smem, void *stream, void **params,
                                    void **extra, size_t paramsCount) {
  (void)paramsCount;
  intptr_t extents[9] = {clusterX, clusterY, clusterZ, gridX, gridY,
                         gridZ,    blockX,   blockY,   blockZ};
  if (!usable(function, "mgpuLaunchClusterKernel") ||
      !extentsFit(extents, 9, "mgpuLaunchClusterKernel") || !enter())
    return;
  if (!cu.cuLaunchKernelEx) {
    recordError("thread-block clusters need cuLaunchKernelEx, which this "
                "CUDA driver lacks");
    leave();
    return;
  }
  if (!prepareSharedMemory(function, smem) ||
      failed(cu.cuFuncSetAttribute(
                 function, KCU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED,
                 1),
             "cuFuncSetAttribute(non-portable cluster size)")) {
    leave();
    return;
  }
  KCUlaunchAttribute attrs[2];
  memset(attrs, 0, sizeof(attrs));
  attrs[0].id = KCU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attrs[0].value.clusterDim.x = (unsigned)clusterX;
  attrs[0].value.clusterDim.y = (unsigned)clusterY;
  attrs[0].value.clusterDim.z = (unsigned)clusterZ;
  attrs[1].id = KCU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE;
  attrs[1].value.clusterSchedulingPolicyPreference =
      KCU_CLUSTER_SCHEDULING_POLICY_SPREAD;
  KCUlaunchConfig config;
  memset(&config, 0, sizeof(config));
  config.gridDimX = (unsigned)gridX;
  config.gridDimY = (unsigned)gridY;
  config.gridDimZ = (unsigned)gridZ;
  config.blockDimX = (unsigned)blockX;
  config.blockDimY = (unsigned)blockY;
  config.blockDimZ = (unsigned)blockZ;
  config.sharedMemBytes = (unsigned)smem;
  config.hStream = stream;
  config.attrs = attrs;
  config.numAttrs = 2;
  failed(cu.cuLaunchKernelEx(&config, function, params, extra),
         "launching a cluster kernel (cuLaunchKernelEx, cluster "
         "%ldx%ldx%ld)",
         (long)clusterX, (long)clusterY, (long)clusterZ);
  leave();
}

EXPORT void *mgpuStreamCreate(void) {
  if (!enter())
    return NULL;
  KCUstream stream = NULL;
  failed(cu.cuStreamCreate(&stream, KCU_STREAM_NON_BLOCKING),
         "cuStreamCreate");
  leave();
  return stream;
}

EXPORT void mgpuStreamDestroy(void *stream) {
  if (!stream || !enter())
    return;
  failed(cu.cuStreamDestroy(stream), "cuStreamDestroy");
  leave();
}

/* A null stream is CUDA's default stream, a valid argument: stream
 * functions pass it on. */
EXPORT void mgpuStreamSynchronize(void *stream) {
  if (!enter())
    return;
  /* Kernel faults (an illegal address, a trap) surface here. */
  failed(cu.cuStreamSynchronize(stream), "waiting for the GPU "
                                         "(cuStreamSynchronize)");
  leave();
}

EXPORT void mgpuStreamWaitEvent(void *stream, void *event) {
  if (!usable(event, "mgpuStreamWaitEvent") || !enter())
    return;
  failed(cu.cuStreamWaitEvent(stream, event, 0), "cuStreamWaitEvent");
  leave();
}

EXPORT void *mgpuEventCreate(void) {
  if (!enter())
    return NULL;
  KCUevent event = NULL;
  failed(cu.cuEventCreate(&event, KCU_EVENT_DISABLE_TIMING), "cuEventCreate");
  leave();
  return event;
}

EXPORT void mgpuEventDestroy(void *event) {
  if (!event || !enter())
    return;
  failed(cu.cuEventDestroy(event), "cuEventDestroy");
  leave();
}

EXPORT void mgpuEventSynchronize(void *event) {
  if (!usable(event, "mgpuEventSynchronize") || !enter())
    return;
  failed(cu.cuEventSynchronize(event), "cuEventSynchronize");
  leave();
}

EXPORT void mgpuEventRecord(void *event, void *stream) {
  if (!usable(event, "mgpuEventRecord") || !enter())
    return;
  failed(cu.cuEventRecord(event, stream), "cuEventRecord");
  leave();
}

EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                          bool isHostShared) {
  (void)stream;
  if (sizeBytes == 0 || !enter())
    return NULL;
  KCUdeviceptr ptr = 0;
  if (isHostShared) {
    if (!cu.cuMemAllocManaged)
      recordError("host-shared gpu.alloc needs cuMemAllocManaged, which "
                  "this CUDA driver lacks");
    else
      failed(cu.cuMemAllocManaged(&ptr, sizeBytes, KCU_MEM_ATTACH_GLOBAL),
             "cuMemAllocManaged of %llu bytes",
             (unsigned long long)sizeBytes);
  } else {
    failed(cu.cuMemAlloc(&ptr, sizeBytes), "cuMemAlloc of %llu bytes",
           (unsigned long long)sizeBytes);
  }
  leave();
  return (void *)(uintptr_t)ptr;
}

EXPORT void mgpuMemFree(void *ptr, void *stream) {
  (void)stream;
  if (!ptr || !enter())
    return;
  failed(cu.cuMemFree((KCUdeviceptr)(uintptr_t)ptr), "cuMemFree");
  leave();
}

EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  if (sizeBytes == 0)
    return;
  if (!usable(dst, "mgpuMemcpy") || !usable(src, "mgpuMemcpy") || !enter())
    return;
  /* Unified addressing: the driver infers the direction. */
  failed(cu.cuMemcpyAsync((KCUdeviceptr)(uintptr_t)dst,
                          (KCUdeviceptr)(uintptr_t)src, sizeBytes, stream),
         "cuMemcpyAsync of %zu bytes", sizeBytes);
  leave();
}

EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                         void *stream) {
  if (count == 0 || !usable(dst, "mgpuMemset32") || !enter())
    return;
  failed(cu.cuMemsetD32Async((KCUdeviceptr)(uintptr_t)dst, value, count,
                             stream),
         "cuMemsetD32Async of %zu words", count);
  leave();
}

EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                         void *stream) {
  if (count == 0 || !usable(dst, "mgpuMemset16") || !enter())
    return;
  failed(cu.cuMemsetD16Async((KCUdeviceptr)(uintptr_t)dst, value, count,
                             stream),
         "cuMemsetD16Async of %zu half-words", count);
  leave();
}

EXPORT void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  if (!enter())
    return;
  if (!cu.cuMemHostRegister)
    recordError("gpu.host_register needs cuMemHostRegister, which this CUDA "
                "driver lacks");
  else
    failed(cu.cuMemHostRegister(ptr, sizeBytes, 0),
           "cuMemHostRegister of %llu bytes", (unsigned long long)sizeBytes);
  leave();
}

EXPORT void mgpuMemHostUnregister(void *ptr) {
  if (!enter())
    return;
  if (cu.cuMemHostUnregister)
    failed(cu.cuMemHostUnregister(ptr), "cuMemHostUnregister");
  leave();
}

/* A ranked memref descriptor: {allocated, aligned, offset, sizes[rank],
 * strides[rank]}. */
typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} MemRefDescriptor;

/* Registers the dense buffer a memref describes, as upstream does. */
EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                      int64_t elementSizeBytes) {
  MemRefDescriptor *d = (MemRefDescriptor *)descriptor;
  int64_t elements = 1;
  for (int64_t i = 0; i < rank; ++i)
    elements *= d->sizesAndStrides[i];
  mgpuMemHostRegister(d->aligned + d->offset * elementSizeBytes,
                      (uint64_t)(elements * elementSizeBytes));
}

EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                        int64_t elementSizeBytes) {
  (void)rank;
  MemRefDescriptor *d = (MemRefDescriptor *)descriptor;
  mgpuMemHostUnregister(d->aligned + d->offset * elementSizeBytes);
}

EXPORT void mgpuSetDefaultDevice(int32_t ordinal) {
  /* The device is fixed when the runtime starts (one primary context per
   * process); choosing another one later is an error, not a silent no-op. */
  if (initStatus == KILN_GPU_OK && ordinal != deviceOrdinal) {
    recordError("mgpuSetDefaultDevice(%d) after the runtime started on "
                "device %d",
                ordinal, deviceOrdinal);
    return;
  }
  deviceOrdinal = ordinal;
}

/* Element sizes of CUtensorMapDataType 0..12 (uint8 ... tf32). */
static const int tensorMapElementSize[] = {1, 2, 4, 4, 8, 8, 2,
                                           4, 8, 2, 4, 4, 4};

EXPORT void *mgpuTensorMapEncodeTiledMemref(int64_t tensorRank,
                                            void *descriptor, int64_t dataType,
                                            int64_t interleave, int64_t swizzle,
                                            int64_t l2Promotion,
                                            int64_t oobFill,
                                            int64_t *boxDims) {
  if (tensorRank < 1 || tensorRank > 5 || dataType < 0 || dataType > 12) {
    recordError("mgpuTensorMapEncodeTiledMemref: unsupported rank %ld or "
                "data type %ld",
                (long)tensorRank, (long)dataType);
    return NULL;
  }
  if (!enter())
    return NULL;
  if (!cu.cuTensorMapEncodeTiled) {
    recordError("TMA descriptors need cuTensorMapEncodeTiled, which this "
                "CUDA driver lacks");
    leave();
    return NULL;
  }
  MemRefDescriptor *d = (MemRefDescriptor *)descriptor;
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + tensorRank;
  int elementSize = tensorMapElementSize[dataType];
  /* The driver lists dimensions innermost first; strides in bytes, for
   * every dimension but the innermost. */
  uint64_t globalDim[5] = {1, 1, 1, 1, 1}, globalStrides[5] = {0};
  uint32_t boxDim[5] = {1, 1, 1, 1, 1}, elementStrides[5] = {1, 1, 1, 1, 1};
  for (int64_t i = 0; i < tensorRank; ++i) {
    globalDim[i] = (uint64_t)sizes[tensorRank - 1 - i];
    boxDim[i] = (uint32_t)boxDims[tensorRank - 1 - i];
  }
  for (int64_t i = 0; i + 1 < tensorRank; ++i)
    globalStrides[i] = (uint64_t)(strides[tensorRank - 2 - i] * elementSize);
  KCUtensorMap map;
  KCUdeviceptr deviceMap = 0;
  if (!failed(cu.cuTensorMapEncodeTiled(
                  &map, (int)dataType, (uint32_t)tensorRank,
                  d->aligned + d->offset * elementSize, globalDim,
                  globalStrides, boxDim, elementStrides, (int)interleave,
                  (int)swizzle, (int)l2Promotion, (int)oobFill),
              "cuTensorMapEncodeTiled (rank %ld)", (long)tensorRank) &&
      !failed(cu.cuMemAlloc(&deviceMap, sizeof(map)),
              "cuMemAlloc for a TMA descriptor"))
    failed(cu.cuMemcpyHtoD(deviceMap, &map, sizeof(map)),
           "cuMemcpyHtoD of a TMA descriptor");
  leave();
  return (void *)(uintptr_t)deviceMap;
}
