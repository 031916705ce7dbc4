/* Drives libkiln_gpu_runtime.so the way compiled host code and kiln-run do:
 * the Kiln API, then the mgpu* sequence gpu-to-llvm emits for one kernel
 * launch (module load, function lookup, stream, alloc, copies, memset,
 * launch, sync, frees). After each step it prints what the runtime
 * recorded, so a test can check both the happy path (on the stand-in
 * driver, fake_cuda.c) and every failure. */
#include "kiln/Runtime/kiln_gpu_runtime.h"

#include <stdio.h>
#include <string.h>

static int failures;

/* Prints and clears what the runtime recorded for `step`. */
static void report(const char *step) {
  const char *error = kiln_gpu_error();
  if (error) {
    printf("%s: error (%d recorded): %s\n", step, kiln_gpu_error_count(),
           error);
    ++failures;
  } else {
    printf("%s: ok\n", step);
  }
  kiln_gpu_clear_error();
}

static const char ptx[] =
    "//\n"
    ".version 8.0\n"
    ".target sm_90\n"
    ".address_size 64\n"
    ".visible .entry add_one(\n"
    "  .param .u64 add_one_param_0\n"
    ")\n"
    "{ ret; }\n";

int main(int argc, char **argv) {
  int quiet = argc > 1 && !strcmp(argv[1], "--quiet");
  if (quiet)
    kiln_gpu_set_error_printing(0);

  char why[512];
  if (!kiln_gpu_available(why, sizeof why)) {
    printf("available: no: %s\n", why);
    printf("status: %s\n", kiln_gpu_status_name(kiln_gpu_init()));
    /* Every mgpu* call is safe without a driver: it records, never aborts. */
    void *stream = mgpuStreamCreate();
    void *buffer = mgpuMemAlloc(64, stream, 0);
    mgpuStreamSynchronize(stream);
    printf("stream %s, buffer %s\n", stream ? "set" : "null",
           buffer ? "set" : "null");
    report("mgpu calls without a driver");
    return 1;
  }
  char name[128];
  int major = 0, minor = 0, sms = 0;
  kiln_gpu_device_name(name, sizeof name);
  kiln_gpu_compute_capability(&major, &minor);
  kiln_gpu_multiprocessor_count(&sms);
  printf("available: yes: %s, sm_%d%d, %d SMs\n", name, major, minor, sms);
  report("queries");

  /* Plain buffers and synchronous copies (what kiln-run binds). */
  float host[16], back[16];
  for (int i = 0; i < 16; ++i)
    host[i] = (float)i;
  void *a = NULL;
  kiln_gpu_malloc(sizeof host, &a);
  kiln_gpu_copy_to_device(a, host, sizeof host);
  report("malloc + copy to device");
  if (argc > 1 && !strcmp(argv[1], "--touch-device")) {
    /* Host code must not read device memory: the stand-in faults here. */
    printf("touching device memory\n");
    fflush(stdout);
    printf("read %f\n", *(volatile float *)a);
    return 0;
  }

  /* The launch sequence of gpu-to-llvm. */
  void *module = mgpuModuleLoadJIT((void *)ptx, 3);
  void *function = mgpuModuleGetFunction(module, "add_one");
  report("load module");
  mgpuModuleGetFunction(module, "missing_kernel");
  report("unknown kernel");
  void *stream = mgpuStreamCreate();
  void *b = mgpuMemAlloc(sizeof host, stream, 0);
  mgpuMemcpy(b, a, sizeof host, stream);          /* device to device */
  mgpuMemset32(a, 0x3f800000u, 16, stream);       /* 1.0f everywhere */
  report("alloc, copy, memset");
  void *params[] = {&b};
  mgpuLaunchKernel(function, 2, 1, 1, 128, 1, 1, 0, stream, params, NULL, 1);
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 64 * 1024, stream, params,
                   NULL, 1);
  mgpuStreamSynchronize(stream);
  report("launch + synchronize");

  mgpuMemcpy(back, b, sizeof back, stream);       /* device to host */
  mgpuStreamSynchronize(stream);
  int same = !memcmp(back, host, sizeof host);
  kiln_gpu_copy_to_host(back, a, sizeof back);
  printf("round trip: %s, memset: %s\n", same ? "equal" : "DIFFERENT",
         back[15] == 1.0f ? "1.0" : "wrong");
  report("copy back");

  kiln_gpu_event *start, *stop;
  float ms = -1;
  kiln_gpu_event_create(&start);
  kiln_gpu_event_create(&stop);
  kiln_gpu_event_record(start);
  kiln_gpu_event_record(stop);
  kiln_gpu_event_elapsed_ms(start, stop, &ms);
  kiln_gpu_event_destroy(start);
  kiln_gpu_event_destroy(stop);
  printf("elapsed: %.2f ms\n", ms);
  report("events");

  mgpuMemFree(b, stream);
  kiln_gpu_free(a);
  mgpuStreamDestroy(stream);
  mgpuModuleUnload(module);
  report("free");

  /* Failures the generated code cannot check: each is recorded. */
  void *huge = mgpuMemAlloc((uint64_t)4 << 30, NULL, 0);
  printf("huge: %s\n", huge ? "set" : "null");
  report("4 GiB alloc");
  mgpuMemAlloc(64, NULL, 1);
  report("host-shared alloc");
  mgpuLaunchClusterKernel(function, 2, 1, 1, 2, 1, 1, 32, 1, 1, 0, NULL,
                          params, NULL, 1);
  report("cluster launch");
  mgpuLaunchKernel(NULL, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL, 0);
  report("launch of a null function");
  mgpuLaunchKernel(function, 0, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL, 0);
  report("empty grid");
  mgpuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 300 * 1024, NULL, NULL, NULL,
                   0);
  report("too much shared memory");
  mgpuSetDefaultDevice(1);
  report("device switch");
  return failures ? 2 : 0;
}
