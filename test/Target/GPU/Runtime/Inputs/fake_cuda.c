/* A stand-in for libcuda.so.1, for testing Kiln's GPU runtime on machines
 * without a GPU. It implements the driver entry points the runtime resolves
 * (lib/kiln/Target/GPU/Runtime/CUDADriver.h): device memory is host memory
 * that the host cannot touch (cuMemAlloc -> mmap(PROT_NONE), opened only
 * inside the driver's own copies and memsets, so host code that reads a
 * device pointer faults as on a GPU; every device pointer is checked
 * against the live allocations), modules keep their PTX text and find
 * kernels by their `.entry` names, and launches are recorded but run
 * nothing. Every call is logged to the file $FAKE_CUDA_LOG when set.
 *
 * $FAKE_CUDA picks a failure: no-device (cuInit), bad-ptx
 * (cuModuleLoadDataEx, with a JIT log), bad-image (cuModuleLoadData),
 * launch-fail (cuLaunchKernel), sync-fail (cuStreamSynchronize, as after a
 * kernel fault). $FAKE_CUDA_SM sets the compute capability (default 90). Allocations above 1 GiB fail with out-of-memory.
 * Built with -DFAKE_CUDA_NO_LAUNCH it lacks cuLaunchKernel (a driver too
 * old for the runtime).
 *
 * Compiled by the lit tests: %cc -shared -fPIC fake_cuda.c -o DIR/libcuda.so.1
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

#define EXPORT __attribute__((visibility("default")))

static const char *mode(void) {
  const char *m = getenv("FAKE_CUDA");
  return m ? m : "";
}

static void logCall(const char *fmt, ...) {
  const char *path = getenv("FAKE_CUDA_LOG");
  if (!path)
    return;
  FILE *f = fopen(path, "a");
  if (!f)
    return;
  va_list args;
  va_start(args, fmt);
  vfprintf(f, fmt, args);
  va_end(args);
  fputc('\n', f);
  fclose(f);
}

/* Live allocations, to check every device pointer the runtime passes. */
#define MAX_ALLOCS 256
static struct {
  char *base;
  size_t size;
} allocs[MAX_ALLOCS];
static int initialized, contextDepth, liveStreams, liveEvents, liveModules;

static int findAlloc(CUdeviceptr p, size_t bytes) {
  for (int i = 0; i < MAX_ALLOCS; ++i)
    if (allocs[i].base && (char *)(uintptr_t)p >= allocs[i].base &&
        (char *)(uintptr_t)p + bytes <= allocs[i].base + allocs[i].size)
      return i;
  return -1;
}

/* Device memory is readable and writable only inside the driver. */
static void openDevice(int writable) {
  for (int i = 0; i < MAX_ALLOCS; ++i)
    if (allocs[i].base)
      mprotect(allocs[i].base, allocs[i].size,
               writable ? PROT_READ | PROT_WRITE : PROT_NONE);
}

__attribute__((destructor)) static void report(void) {
  int live = 0;
  for (int i = 0; i < MAX_ALLOCS; ++i)
    live += allocs[i].base != NULL;
  logCall("exit: context depth %d, %d allocations, %d streams, %d events, "
          "%d modules live",
          contextDepth, live, liveStreams, liveEvents, liveModules);
}

#define CHECK_INIT()                                                           \
  do {                                                                         \
    if (!initialized)                                                          \
      return 3; /* CUDA_ERROR_NOT_INITIALIZED */                               \
  } while (0)

EXPORT CUresult cuGetErrorName(CUresult r, const char **s) {
  switch (r) {
  case 0: *s = "CUDA_SUCCESS"; return 0;
  case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
  case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
  case 3: *s = "CUDA_ERROR_NOT_INITIALIZED"; return 0;
  case 100: *s = "CUDA_ERROR_NO_DEVICE"; return 0;
  case 200: *s = "CUDA_ERROR_INVALID_IMAGE"; return 0;
  case 218: *s = "CUDA_ERROR_INVALID_PTX"; return 0;
  case 400: *s = "CUDA_ERROR_INVALID_HANDLE"; return 0;
  case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0;
  case 700: *s = "CUDA_ERROR_ILLEGAL_ADDRESS"; return 0;
  case 719: *s = "CUDA_ERROR_LAUNCH_FAILED"; return 0;
  }
  *s = NULL;
  return 1;
}

EXPORT CUresult cuGetErrorString(CUresult r, const char **s) {
  switch (r) {
  case 0: *s = "no error"; return 0;
  case 1: *s = "invalid argument"; return 0;
  case 2: *s = "out of memory"; return 0;
  case 3: *s = "initialization error"; return 0;
  case 100: *s = "no CUDA-capable device is detected"; return 0;
  case 200: *s = "device kernel image is invalid"; return 0;
  case 218: *s = "a PTX JIT compilation failed"; return 0;
  case 400: *s = "invalid resource handle"; return 0;
  case 500: *s = "named symbol not found"; return 0;
  case 700: *s = "an illegal memory access was encountered"; return 0;
  case 719: *s = "unspecified launch failure"; return 0;
  }
  *s = NULL;
  return 1;
}

EXPORT CUresult cuInit(unsigned flags) {
  logCall("cuInit(%u)", flags);
  if (!strcmp(mode(), "no-device"))
    return 100;
  initialized = 1;
  return 0;
}

EXPORT CUresult cuDriverGetVersion(int *v) {
  *v = 12040;
  return 0;
}

EXPORT CUresult cuDeviceGetCount(int *n) {
  CHECK_INIT();
  *n = 1;
  return 0;
}

EXPORT CUresult cuDeviceGet(int *d, int ordinal) {
  CHECK_INIT();
  logCall("cuDeviceGet(%d)", ordinal);
  if (ordinal != 0)
    return 101; /* CUDA_ERROR_INVALID_DEVICE */
  *d = 0;
  return 0;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, int d) {
  CHECK_INIT();
  (void)d;
  snprintf(name, (size_t)len, "Kiln Fake GPU");
  return 0;
}

EXPORT CUresult cuDeviceGetAttribute(int *v, int attr, int d) {
  CHECK_INIT();
  (void)d;
  switch (attr) {
  case 16: *v = 132; return 0;      /* multiprocessors */
  case 75: /* compute capability: 9.0, or $FAKE_CUDA_SM (e.g. 80) */
    *v = getenv("FAKE_CUDA_SM") ? atoi(getenv("FAKE_CUDA_SM")) / 10 : 9;
    return 0;
  case 76:
    *v = getenv("FAKE_CUDA_SM") ? atoi(getenv("FAKE_CUDA_SM")) % 10 : 0;
    return 0;
  case 97: *v = 232448; return 0;   /* opt-in shared memory per block */
  }
  return 1;
}

static int fakeContext;
EXPORT CUresult cuDevicePrimaryCtxRetain(void **ctx, int d) {
  CHECK_INIT();
  logCall("cuDevicePrimaryCtxRetain(%d)", d);
  *ctx = &fakeContext;
  return 0;
}

EXPORT CUresult cuCtxPushCurrent_v2(void *ctx) {
  if (ctx != &fakeContext)
    return 201; /* CUDA_ERROR_INVALID_CONTEXT */
  ++contextDepth;
  return 0;
}

EXPORT CUresult cuCtxPopCurrent_v2(void **ctx) {
  if (contextDepth == 0)
    return 201;
  --contextDepth;
  if (ctx)
    *ctx = &fakeContext;
  return 0;
}

/* Every other call needs a current context, as with the real driver. */
#define CHECK_CONTEXT()                                                        \
  do {                                                                         \
    CHECK_INIT();                                                              \
    if (contextDepth == 0)                                                     \
      return 201;                                                              \
  } while (0)

EXPORT CUresult cuCtxSynchronize(void) {
  CHECK_CONTEXT();
  logCall("cuCtxSynchronize()");
  return 0;
}

typedef struct {
  char *text;
} FakeModule;

static CUresult loadModule(void **module, const void *image) {
  if (!image)
    return 1;
  FakeModule *m = malloc(sizeof(FakeModule));
  m->text = strdup((const char *)image);
  *module = m;
  ++liveModules;
  return 0;
}

EXPORT CUresult cuModuleLoadData(void **module, const void *image) {
  CHECK_CONTEXT();
  logCall("cuModuleLoadData()");
  if (!strcmp(mode(), "bad-image"))
    return 200;
  return loadModule(module, image);
}

EXPORT CUresult cuModuleLoadDataEx(void **module, const void *image,
                                   unsigned n, int *options, void **values) {
  CHECK_CONTEXT();
  char *log = NULL;
  size_t logSize = 0;
  int optLevel = -1;
  for (unsigned i = 0; i < n; ++i) {
    if (options[i] == 5) /* CU_JIT_ERROR_LOG_BUFFER */
      log = values[i];
    else if (options[i] == 6)
      logSize = (size_t)(uintptr_t)values[i];
    else if (options[i] == 7)
      optLevel = (int)(uintptr_t)values[i];
  }
  logCall("cuModuleLoadDataEx(%u options, optimization level %d, error log "
          "of %zu bytes)",
          n, optLevel, logSize);
  if (!strcmp(mode(), "bad-ptx")) {
    if (log && logSize)
      snprintf(log, logSize,
               "ptxas application ptx input, line 7; fatal   : Parsing "
               "error near 'bogus': syntax error");
    return 218;
  }
  return loadModule(module, image);
}

EXPORT CUresult cuModuleUnload(void *module) {
  CHECK_CONTEXT();
  FakeModule *m = module;
  if (!m)
    return 400;
  logCall("cuModuleUnload()");
  free(m->text);
  free(m);
  --liveModules;
  return 0;
}

typedef struct {
  char name[256];
} FakeFunction;

EXPORT CUresult cuModuleGetFunction(void **function, void *module,
                                    const char *name) {
  CHECK_CONTEXT();
  FakeModule *m = module;
  if (!m)
    return 400;
  char entry[300];
  snprintf(entry, sizeof(entry), ".entry %s(", name);
  const char *found = strstr(m->text, entry);
  logCall("cuModuleGetFunction(%s) -> %s", name, found ? "found" : "missing");
  if (!found)
    return 500;
  static FakeFunction functions[16];
  static int next;
  FakeFunction *f = &functions[next++ % 16];
  snprintf(f->name, sizeof(f->name), "%s", name);
  *function = f;
  return 0;
}

EXPORT CUresult cuFuncSetAttribute(void *f, int attr, int value) {
  CHECK_CONTEXT();
  logCall("cuFuncSetAttribute(%s, %d, %d)", ((FakeFunction *)f)->name, attr,
          value);
  return 0;
}

#ifndef FAKE_CUDA_NO_LAUNCH
EXPORT CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                               unsigned bx, unsigned by, unsigned bz,
                               unsigned smem, void *stream, void **params,
                               void **extra) {
  CHECK_CONTEXT();
  (void)extra;
  logCall("cuLaunchKernel(%s, grid %ux%ux%u, block %ux%ux%u, smem %u, "
          "stream %s, params %s) (not executed)",
          ((FakeFunction *)f)->name, gx, gy, gz, bx, by, bz, smem,
          stream ? "set" : "default", params ? "set" : "none");
  if (!strcmp(mode(), "launch-fail"))
    return 719;
  return 0;
}
#endif

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  CHECK_CONTEXT();
  logCall("cuMemAlloc_v2(%zu)", bytes);
  if (bytes == 0)
    return 1;
  if (bytes > ((size_t)1 << 30))
    return 2;
  for (int i = 0; i < MAX_ALLOCS; ++i)
    if (!allocs[i].base) {
      void *mem = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
      if (mem == MAP_FAILED)
        return 2;
      allocs[i].base = mem;
      allocs[i].size = bytes;
      *p = (CUdeviceptr)(uintptr_t)allocs[i].base;
      return 0;
    }
  return 2;
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr p) {
  CHECK_CONTEXT();
  for (int i = 0; i < MAX_ALLOCS; ++i)
    if (allocs[i].base == (char *)(uintptr_t)p) {
      logCall("cuMemFree_v2(%zu bytes)", allocs[i].size);
      munmap(allocs[i].base, allocs[i].size);
      allocs[i].base = NULL;
      return 0;
    }
  logCall("cuMemFree_v2(unknown pointer)");
  return 1;
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src,
                                size_t bytes) {
  CHECK_CONTEXT();
  logCall("cuMemcpyHtoD_v2(%zu)", bytes);
  if (findAlloc(dst, bytes) < 0 || findAlloc((uintptr_t)src, 1) >= 0)
    return 1;
  openDevice(1);
  memcpy((void *)(uintptr_t)dst, src, bytes);
  openDevice(0);
  return 0;
}

EXPORT CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  CHECK_CONTEXT();
  logCall("cuMemcpyDtoH_v2(%zu)", bytes);
  if (findAlloc(src, bytes) < 0 || findAlloc((uintptr_t)dst, 1) >= 0)
    return 1;
  openDevice(1);
  memcpy(dst, (void *)(uintptr_t)src, bytes);
  openDevice(0);
  return 0;
}

static const char *space(CUdeviceptr p, size_t bytes) {
  return findAlloc(p, bytes) >= 0 ? "device" : "host";
}

EXPORT CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  CHECK_CONTEXT();
  logCall("cuMemcpy(%s <- %s, %zu)", space(dst, bytes), space(src, bytes),
          bytes);
  openDevice(1);
  memcpy((void *)(uintptr_t)dst, (void *)(uintptr_t)src, bytes);
  openDevice(0);
  return 0;
}

EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                              void *stream) {
  CHECK_CONTEXT();
  logCall("cuMemcpyAsync(%s <- %s, %zu, stream %s)", space(dst, bytes),
          space(src, bytes), bytes, stream ? "set" : "default");
  openDevice(1);
  memcpy((void *)(uintptr_t)dst, (void *)(uintptr_t)src, bytes);
  openDevice(0);
  return 0;
}

EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t n,
                                 void *stream) {
  CHECK_CONTEXT();
  (void)stream;
  logCall("cuMemsetD32Async(%zu words of 0x%x)", n, value);
  if (findAlloc(dst, n * 4) < 0)
    return 1;
  openDevice(1);
  for (size_t i = 0; i < n; ++i)
    memcpy((char *)(uintptr_t)dst + 4 * i, &value, 4);
  openDevice(0);
  return 0;
}

EXPORT CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value,
                                 size_t n, void *stream) {
  CHECK_CONTEXT();
  (void)stream;
  logCall("cuMemsetD16Async(%zu half-words of 0x%x)", n, value);
  if (findAlloc(dst, n * 2) < 0)
    return 1;
  openDevice(1);
  for (size_t i = 0; i < n; ++i)
    memcpy((char *)(uintptr_t)dst + 2 * i, &value, 2);
  openDevice(0);
  return 0;
}

EXPORT CUresult cuStreamCreate(void **stream, unsigned flags) {
  CHECK_CONTEXT();
  logCall("cuStreamCreate(flags %u)", flags);
  *stream = malloc(1);
  ++liveStreams;
  return 0;
}

EXPORT CUresult cuStreamDestroy_v2(void *stream) {
  CHECK_CONTEXT();
  logCall("cuStreamDestroy_v2()");
  free(stream);
  --liveStreams;
  return 0;
}

EXPORT CUresult cuStreamSynchronize(void *stream) {
  CHECK_CONTEXT();
  (void)stream;
  logCall("cuStreamSynchronize()");
  if (!strcmp(mode(), "sync-fail"))
    return 700;
  return 0;
}

EXPORT CUresult cuStreamWaitEvent(void *stream, void *event, unsigned flags) {
  CHECK_CONTEXT();
  (void)stream, (void)event, (void)flags;
  logCall("cuStreamWaitEvent()");
  return 0;
}

EXPORT CUresult cuEventCreate(void **event, unsigned flags) {
  CHECK_CONTEXT();
  logCall("cuEventCreate(flags %u)", flags);
  *event = malloc(1);
  ++liveEvents;
  return 0;
}

EXPORT CUresult cuEventDestroy_v2(void *event) {
  CHECK_CONTEXT();
  logCall("cuEventDestroy_v2()");
  free(event);
  --liveEvents;
  return 0;
}

EXPORT CUresult cuEventRecord(void *event, void *stream) {
  CHECK_CONTEXT();
  (void)event;
  logCall("cuEventRecord(stream %s)", stream ? "set" : "default");
  return 0;
}

EXPORT CUresult cuEventSynchronize(void *event) {
  CHECK_CONTEXT();
  (void)event;
  logCall("cuEventSynchronize()");
  return 0;
}

/* Only the unversioned name, as drivers before CUDA 13 have it. */
EXPORT CUresult cuEventElapsedTime(float *ms, void *start, void *stop) {
  CHECK_CONTEXT();
  (void)start, (void)stop;
  logCall("cuEventElapsedTime()");
  *ms = 0.25f;
  return 0;
}
