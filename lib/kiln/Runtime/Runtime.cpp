//===- Runtime.cpp - Run Kiln-compiled libraries (no MLIR, no LLVM) -------===//
//
// The implementation of kiln_runtime.h. A library written by
// `kilnc --emit=lib` exports (docs/architecture.md, "Runtime C API and
// --emit=lib"):
//
//   const char kiln_functions[]          "kiln1\n" then one entry name a line
//   const char kiln_signature_<fn>[]     "kiln1 in f32 3 1 64 256 ... out ..."
//   void kiln_invoke_<fn>(void **args)   calls _mlir_ciface_<fn>(args[0], ...)
//
// Deliberately C-like C++: libc and libdl only, no C++ runtime (no new, no
// exceptions, no std containers), so libkiln_runtime.so needs no libstdc++.
//
//===----------------------------------------------------------------------===//

#include "kiln/Runtime/kiln_runtime.h"
#include "kiln/Runtime/MemRefDescriptor.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

namespace {

constexpr int kMaxRank = 32;

struct TensorSig {
  int32_t dtype;
  int32_t rank;
  int64_t *shape;
  int64_t numElements;
};

using InvokeFn = void (*)(void **);
/// A GPU library's kiln_invoke_<fn>: returns a kiln_gpu_status (0: ran).
using DeviceInvokeFn = int32_t (*)(void **);
/// kiln_gpu_error of the GPU runtime the library links.
using DeviceErrorFn = const char *(*)(void);

} // namespace

struct kiln_function {
  char *name;
  InvokeFn invoke;
  /// GPU libraries: kiln_invoke_<fn> returns a status, and deviceError (the
  /// module's) says why it failed.
  DeviceInvokeFn deviceInvoke;
  DeviceErrorFn deviceError;
  size_t numInputs, numOutputs;
  TensorSig *tensors; // inputs, then outputs
};

struct kiln_module {
  void *handle;
  /// Set for GPU libraries (`kiln_device` = "gpu"): their invoke returns a
  /// status, and this says why it failed.
  DeviceErrorFn deviceError;
  size_t numFunctions;
  kiln_function *functions;
};

static thread_local char lastError[1024];

static kiln_status fail(kiln_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static kiln_status fail(kiln_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(lastError, sizeof(lastError), format, args);
  va_end(args);
  return status;
}

static const char *const dtypeNames[] = {"f32", "f16", "bf16", "i64",
                                         "i32", "i8",  "i1"};
static const size_t dtypeSizes[] = {4, 2, 2, 8, 4, 1, 1};
constexpr int32_t kNumDTypes = 7;

extern "C" const char *kiln_dtype_name(int32_t dtype) {
  return dtype >= 0 && dtype < kNumDTypes ? dtypeNames[dtype] : nullptr;
}

extern "C" size_t kiln_dtype_size(int32_t dtype) {
  return dtype >= 0 && dtype < kNumDTypes ? dtypeSizes[dtype] : 0;
}

extern "C" const char *kiln_status_name(kiln_status status) {
  switch (status) {
  case KILN_OK: return "KILN_OK";
  case KILN_ERROR_INVALID_ARGUMENT: return "KILN_ERROR_INVALID_ARGUMENT";
  case KILN_ERROR_LOAD: return "KILN_ERROR_LOAD";
  case KILN_ERROR_NOT_A_KILN_LIBRARY: return "KILN_ERROR_NOT_A_KILN_LIBRARY";
  case KILN_ERROR_NOT_FOUND: return "KILN_ERROR_NOT_FOUND";
  case KILN_ERROR_COUNT_MISMATCH: return "KILN_ERROR_COUNT_MISMATCH";
  case KILN_ERROR_DTYPE_MISMATCH: return "KILN_ERROR_DTYPE_MISMATCH";
  case KILN_ERROR_RANK_MISMATCH: return "KILN_ERROR_RANK_MISMATCH";
  case KILN_ERROR_SHAPE_MISMATCH: return "KILN_ERROR_SHAPE_MISMATCH";
  case KILN_ERROR_OUT_OF_MEMORY: return "KILN_ERROR_OUT_OF_MEMORY";
  case KILN_ERROR_DEVICE: return "KILN_ERROR_DEVICE";
  }
  return "KILN_ERROR_UNKNOWN";
}

extern "C" const char *kiln_last_error(void) { return lastError; }

static char *copyString(const char *begin, size_t length) {
  char *s = static_cast<char *>(malloc(length + 1));
  if (s) {
    memcpy(s, begin, length);
    s[length] = '\0';
  }
  return s;
}

static void freeFunctions(kiln_function *functions, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    kiln_function &f = functions[i];
    if (f.tensors)
      for (size_t t = 0; t < f.numInputs + f.numOutputs; ++t)
        free(f.tensors[t].shape);
    free(f.tensors);
    free(f.name);
  }
  free(functions);
}

extern "C" void kiln_module_free(kiln_module *module) {
  if (!module)
    return;
  freeFunctions(module->functions, module->numFunctions);
  if (module->handle)
    dlclose(module->handle);
  free(module);
}

namespace {
/// Reads the whitespace-separated words of a signature string.
struct Reader {
  const char *p;
  bool word(const char *expected) {
    skipSpace();
    size_t n = strlen(expected);
    if (strncmp(p, expected, n) != 0 || (p[n] && p[n] != ' ' && p[n] != '\n'))
      return false;
    p += n;
    return true;
  }
  bool integer(int64_t &value, int64_t min, int64_t max) {
    skipSpace();
    if (*p < '0' || *p > '9')
      return false;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (errno || v < min || v > max)
      return false;
    value = v;
    p = end;
    return true;
  }
  bool atEnd() {
    skipSpace();
    return *p == '\0';
  }
  void skipSpace() {
    while (*p == ' ' || *p == '\n')
      ++p;
  }
};
} // namespace

/// Parses "kiln1 in DTYPE RANK DIMS... out DTYPE RANK DIMS...".
static bool parseSignature(const char *text, kiln_function &f) {
  Reader r{text};
  if (!r.word("kiln1"))
    return false;
  // Two passes: count, then fill.
  size_t numIn = 0, numOut = 0;
  {
    Reader scan{r.p};
    while (!scan.atEnd()) {
      bool isIn = scan.word("in");
      if (!isIn && !scan.word("out"))
        return false;
      if (isIn && numOut)
        return false; // inputs come first
      ++(isIn ? numIn : numOut);
      bool knownDType = false;
      for (int32_t d = 0; d < kNumDTypes && !knownDType; ++d)
        knownDType = scan.word(dtypeNames[d]);
      int64_t rank, dim;
      if (!knownDType || !scan.integer(rank, 0, kMaxRank))
        return false;
      for (int64_t i = 0; i < rank; ++i)
        if (!scan.integer(dim, 0, INT64_MAX))
          return false;
    }
  }
  f.numInputs = numIn;
  f.numOutputs = numOut;
  f.tensors = static_cast<TensorSig *>(calloc(numIn + numOut + 1, sizeof(TensorSig)));
  if (!f.tensors)
    return false;
  for (size_t t = 0; t < numIn + numOut; ++t) {
    TensorSig &sig = f.tensors[t];
    if (!r.word("in"))
      r.word("out");
    for (int32_t d = 0; d < kNumDTypes; ++d)
      if (r.word(dtypeNames[d])) {
        sig.dtype = d;
        break;
      }
    int64_t rank;
    r.integer(rank, 0, kMaxRank);
    sig.rank = int32_t(rank);
    sig.shape = static_cast<int64_t *>(calloc(size_t(rank) + 1, sizeof(int64_t)));
    if (!sig.shape)
      return false;
    sig.numElements = 1;
    for (int64_t i = 0; i < rank; ++i) {
      r.integer(sig.shape[i], 0, INT64_MAX);
      if (sig.shape[i] && sig.numElements > INT64_MAX / sig.shape[i])
        return false;
      sig.numElements *= sig.shape[i];
    }
  }
  return true;
}

extern "C" kiln_status kiln_module_load(const char *path,
                                        kiln_module **module) {
  if (!module)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_load: module is NULL");
  *module = nullptr;
  if (!path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_load: path is NULL");
  struct stat st;
  if (stat(path, &st) != 0)
    return fail(KILN_ERROR_LOAD, "cannot load '%s': %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail(KILN_ERROR_LOAD, "cannot load '%s': not a regular file", path);

  // dlopen searches the library path for a name without '/'.
  char *local = nullptr;
  const char *toOpen = path;
  if (!strchr(path, '/')) {
    size_t n = strlen(path);
    local = static_cast<char *>(malloc(n + 3));
    if (!local)
      return fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory");
    memcpy(local, "./", 2);
    memcpy(local + 2, path, n + 1);
    toOpen = local;
  }
  dlerror();
  void *handle = dlopen(toOpen, RTLD_NOW | RTLD_LOCAL);
  free(local);
  if (!handle) {
    const char *why = dlerror();
    return fail(KILN_ERROR_LOAD, "cannot load '%s': %s", path,
                why ? why : "unknown dlopen error");
  }

  kiln_module *m = static_cast<kiln_module *>(calloc(1, sizeof(kiln_module)));
  if (!m) {
    dlclose(handle);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  m->handle = handle;
  const char *list = static_cast<const char *>(dlsym(handle, "kiln_functions"));
  if (!list || strncmp(list, "kiln1\n", 6) != 0) {
    kiln_module_free(m);
    return fail(KILN_ERROR_NOT_A_KILN_LIBRARY,
                list ? "'%s' was written by an unsupported version of kilnc"
                     : "'%s' is not a Kiln library (no kiln_functions "
                       "symbol; write one with kilnc --emit=lib)",
                path);
  }
  list += 6;
  // A GPU library (kilnc --target=gpu --emit=lib): its invoke reports the
  // device's status, and the GPU runtime it links (libkiln_gpu_runtime.so,
  // found through this handle's dependencies) says why a call failed.
  if (const char *device = static_cast<const char *>(dlsym(handle, "kiln_device"))) {
    m->deviceError =
        strcmp(device, "gpu") == 0
            ? reinterpret_cast<DeviceErrorFn>(dlsym(handle, "kiln_gpu_error"))
            : nullptr;
    if (!m->deviceError) {
      kiln_module_free(m);
      return fail(KILN_ERROR_NOT_A_KILN_LIBRARY,
                  "'%s' runs on a device ('%s') this runtime cannot call",
                  path, device);
    }
  }
  size_t count = 0;
  for (const char *p = list; *p; ++p)
    count += *p == '\n';
  m->functions = static_cast<kiln_function *>(calloc(count + 1, sizeof(kiln_function)));
  if (!m->functions) {
    kiln_module_free(m);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  const char *p = list;
  for (size_t i = 0; i < count; ++i) {
    const char *end = strchr(p, '\n');
    kiln_function &f = m->functions[i];
    m->numFunctions = i + 1;
    f.name = copyString(p, size_t(end - p));
    p = end + 1;
    if (!f.name) {
      kiln_module_free(m);
      return fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    char symbol[512];
    snprintf(symbol, sizeof(symbol), "kiln_signature_%s", f.name);
    const char *signature = static_cast<const char *>(dlsym(handle, symbol));
    snprintf(symbol, sizeof(symbol), "kiln_invoke_%s", f.name);
    void *invoke = dlsym(handle, symbol);
    f.invoke = reinterpret_cast<InvokeFn>(invoke);
    f.deviceError = m->deviceError;
    if (f.deviceError)
      f.deviceInvoke = reinterpret_cast<DeviceInvokeFn>(invoke);
    if (!signature || !f.invoke || !parseSignature(signature, f)) {
      kiln_status s = fail(KILN_ERROR_NOT_A_KILN_LIBRARY,
                           "'%s': missing or malformed metadata for function "
                           "'%s'",
                           path, f.name);
      kiln_module_free(m);
      return s;
    }
  }
  *module = m;
  return KILN_OK;
}

extern "C" size_t kiln_module_num_functions(const kiln_module *module) {
  return module ? module->numFunctions : 0;
}

extern "C" const char *kiln_module_function_name(const kiln_module *module,
                                                 size_t index) {
  if (!module || index >= module->numFunctions)
    return nullptr;
  return module->functions[index].name;
}

extern "C" kiln_status kiln_module_get_function(const kiln_module *module,
                                                const char *name,
                                                const kiln_function **function) {
  if (!module || !name || !function)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "kiln_module_get_function: module, name and function must "
                "not be NULL");
  *function = nullptr;
  for (size_t i = 0; i < module->numFunctions; ++i)
    if (strcmp(module->functions[i].name, name) == 0) {
      *function = &module->functions[i];
      return KILN_OK;
    }
  // "no function 'x' in the module (it has: a, b)"
  char names[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < module->numFunctions && used < sizeof(names); ++i)
    used += size_t(snprintf(names + used, sizeof(names) - used, "%s%s",
                            i ? ", " : "", module->functions[i].name));
  return fail(KILN_ERROR_NOT_FOUND, "no function '%s' in the module (it has: %s)",
              name, names);
}

extern "C" const char *kiln_function_name(const kiln_function *function) {
  return function ? function->name : nullptr;
}

extern "C" size_t kiln_function_num_inputs(const kiln_function *function) {
  return function ? function->numInputs : 0;
}

extern "C" size_t kiln_function_num_outputs(const kiln_function *function) {
  return function ? function->numOutputs : 0;
}

static kiln_status describe(const kiln_function *function, size_t index,
                            kiln_tensor *tensor, bool output) {
  const char *what = output ? "output" : "input";
  if (!function || !tensor)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "kiln_function_%s: function and tensor must not be NULL", what);
  size_t count = output ? function->numOutputs : function->numInputs;
  if (index >= count)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "%s index %zu is out of range: '%s' has %zu %ss", what, index,
                function->name, count, what);
  const TensorSig &sig =
      function->tensors[output ? function->numInputs + index : index];
  tensor->data = nullptr;
  tensor->dtype = sig.dtype;
  tensor->rank = sig.rank;
  tensor->shape = sig.shape;
  return KILN_OK;
}

extern "C" kiln_status kiln_function_input(const kiln_function *function,
                                           size_t index, kiln_tensor *tensor) {
  return describe(function, index, tensor, false);
}

extern "C" kiln_status kiln_function_output(const kiln_function *function,
                                            size_t index, kiln_tensor *tensor) {
  return describe(function, index, tensor, true);
}

/// "1x64x256xf32" (or "f32" for a scalar) into `out`.
static const char *typeString(char *out, size_t size, int32_t dtype,
                              int32_t rank, const int64_t *shape) {
  size_t used = 0;
  out[0] = '\0';
  for (int32_t i = 0; i < rank && shape && used < size; ++i)
    used += size_t(snprintf(out + used, size - used, "%lldx", (long long)shape[i]));
  const char *name = kiln_dtype_name(dtype);
  if (used < size) {
    if (name)
      snprintf(out + used, size - used, "%s", name);
    else
      snprintf(out + used, size - used, "<dtype %d>", int(dtype));
  }
  return out;
}

static kiln_status checkTensor(const kiln_function *f, const kiln_tensor &t,
                               const TensorSig &sig, const char *what,
                               size_t index) {
  char expected[256], got[256];
  typeString(expected, sizeof(expected), sig.dtype, sig.rank, sig.shape);
  if (t.dtype != sig.dtype) {
    const char *name = kiln_dtype_name(t.dtype);
    char unknown[32];
    snprintf(unknown, sizeof(unknown), "unknown dtype %d", int(t.dtype));
    return fail(KILN_ERROR_DTYPE_MISMATCH,
                "'%s': %s %zu has dtype %s, expected %s (%s)", f->name, what,
                index, name ? name : unknown, dtypeNames[sig.dtype], expected);
  }
  if (t.rank != sig.rank)
    return fail(KILN_ERROR_RANK_MISMATCH,
                "'%s': %s %zu has rank %d, expected %d (%s)", f->name, what,
                index, int(t.rank), int(sig.rank), expected);
  if (t.rank > 0 && !t.shape)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "'%s': %s %zu has a NULL shape",
                f->name, what, index);
  for (int32_t i = 0; i < sig.rank; ++i)
    if (t.shape[i] != sig.shape[i])
      return fail(KILN_ERROR_SHAPE_MISMATCH,
                  "'%s': %s %zu has shape %s, expected %s", f->name, what,
                  index, typeString(got, sizeof(got), t.dtype, t.rank, t.shape),
                  expected);
  if (!t.data && sig.numElements > 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "'%s': %s %zu has NULL data",
                f->name, what, index);
  return KILN_OK;
}

extern "C" kiln_status kiln_function_call(const kiln_function *function,
                                          const kiln_tensor *inputs,
                                          size_t num_inputs,
                                          kiln_tensor *outputs,
                                          size_t num_outputs) {
  if (!function)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_function_call: function is NULL");
  const kiln_function *f = function;
  if (num_inputs != f->numInputs || num_outputs != f->numOutputs)
    return fail(KILN_ERROR_COUNT_MISMATCH,
                "'%s' takes %zu input%s and %zu output%s, got %zu and %zu",
                f->name, f->numInputs, f->numInputs == 1 ? "" : "s",
                f->numOutputs, f->numOutputs == 1 ? "" : "s", num_inputs,
                num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "kiln_function_call: the inputs or outputs array is NULL");
  size_t total = num_inputs + num_outputs;
  for (size_t i = 0; i < total; ++i) {
    bool isOut = i >= num_inputs;
    const kiln_tensor &t = isOut ? outputs[i - num_inputs] : inputs[i];
    if (kiln_status s = checkTensor(f, t, f->tensors[i], isOut ? "output" : "input",
                                    isOut ? i - num_inputs : i))
      return s;
  }

  // One strided memref descriptor per tensor (MemRefDescriptor.h).
  size_t words = 0;
  for (size_t i = 0; i < total; ++i)
    words += kiln::memrefDescriptorWords(f->tensors[i].rank);
  int64_t stackWords[512];
  void *stackArgs[64];
  int64_t *storage = words <= 512 ? stackWords
                                  : static_cast<int64_t *>(malloc(words * 8));
  void **args = total <= 64 ? stackArgs
                            : static_cast<void **>(malloc(total * sizeof(void *)));
  if (!storage || !args) {
    if (storage != stackWords)
      free(storage);
    if (args != stackArgs)
      free(args);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  int64_t *d = storage;
  for (size_t i = 0; i < total; ++i) {
    const TensorSig &sig = f->tensors[i];
    void *data = i < num_inputs ? inputs[i].data : outputs[i - num_inputs].data;
    args[i] = d;
    kiln::writeMemRefDescriptor(d, data, sig.shape, sig.rank);
    d += kiln::memrefDescriptorWords(sig.rank);
  }
  int32_t deviceStatus = 0;
  if (f->deviceInvoke)
    deviceStatus = f->deviceInvoke(args);
  else
    f->invoke(args);
  if (storage != stackWords)
    free(storage);
  if (args != stackArgs)
    free(args);
  if (deviceStatus != 0) {
    const char *why = f->deviceError();
    return fail(KILN_ERROR_DEVICE, "'%s' did not run on the GPU: %s", f->name,
                why ? why : "the GPU runtime gave no reason");
  }
  return KILN_OK;
}
