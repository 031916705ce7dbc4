//===- kernel_bench.cpp - Google Benchmark for Kiln-compiled kernels -----===//
//
// Loads libraries written by `kilnc --emit=lib` (bench/kernels/build.sh puts
// them next to this binary) through the runtime C API and times every entry
// point of each with Google Benchmark:
//
//   kernel_bench [benchmark flags] [LIB.so...]
//
// Without LIB.so arguments it loads every lib*.so in the directory of the
// executable. Buffers are allocated once per benchmark (64-byte aligned,
// inputs random in [-1, 1)); the timed loop is only kiln_function_call, whose
// signature check costs well under a microsecond next to the kernels here.
// Times are wall-clock (UseRealTime) so that compiled code running on several
// threads (OMP_NUM_THREADS) is measured as a user sees it.
//
// Counters: "flops" (a rate, shown as e.g. 12.3G/s, i.e. GFLOP/s) where the
// FLOP count is defined: a function named sgemm_* / matmul_* (2*M*N*K from
// its [M,K] x [K,N] inputs) or attention_* (2*B*H*Sq*Sk*(D+Dv): Q.K^T and
// P.V); bytes_per_second (inputs read + outputs written once) for every
// kernel. Each kernel runs once untimed before its timing (a warm-up), and
// sgemm results are then spot-checked against dot products.
//
//===----------------------------------------------------------------------===//

#include "kiln/Runtime/kiln_runtime.h"

#include <benchmark/benchmark.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<void, FreeDeleter>;

int64_t numElements(const kiln_tensor &t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i)
    n *= t.shape[i];
  return n;
}

Buffer allocate(size_t bytes) {
  size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  return Buffer(std::aligned_alloc(64, rounded));
}

bool startsWith(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

/// The FLOP count of one call, or 0 where none is defined.
double flopsOf(const std::string &name, const std::vector<kiln_tensor> &in) {
  if ((startsWith(name, "sgemm") || startsWith(name, "matmul")) &&
      in.size() == 2 && in[0].rank == 2 && in[1].rank == 2)
    return 2.0 * in[0].shape[0] * in[1].shape[1] * in[0].shape[1];
  if (startsWith(name, "attention") && in.size() >= 3 && in[0].rank == 4 &&
      in[1].rank == 4 && in[2].rank == 4) {
    double b = in[0].shape[0], h = in[0].shape[1], sq = in[0].shape[2],
           d = in[0].shape[3], sk = in[1].shape[2], dv = in[2].shape[3];
    return 2.0 * b * h * sq * sk * (d + dv);
  }
  return 0;
}

/// One entry point with its buffers, set up once and reused by every run.
struct Kernel {
  std::string name;
  const kiln_function *function = nullptr;
  std::vector<kiln_tensor> inputs, outputs;
  std::vector<Buffer> buffers;
  double flops = 0;
  double bytes = 0;
  std::string error;
  bool warmedUp = false;
};

void fillRandom(const kiln_tensor &t, void *data, std::mt19937 &rng) {
  int64_t n = numElements(t);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  switch (t.dtype) {
  case KILN_DTYPE_F32:
    for (int64_t i = 0; i < n; ++i)
      static_cast<float *>(data)[i] = uniform(rng);
    break;
  case KILN_DTYPE_I1:
    for (int64_t i = 0; i < n; ++i)
      static_cast<uint8_t *>(data)[i] = 1;
    break;
  default:
    std::memset(data, 0, n * kiln_dtype_size(t.dtype));
  }
}

/// Compares a few elements of an sgemm result with a double dot product.
std::string checkSgemm(const Kernel &k) {
  if (k.inputs.size() != 2 || k.outputs.size() != 1 ||
      k.inputs[0].dtype != KILN_DTYPE_F32 || k.inputs[0].rank != 2)
    return "";
  int64_t m = k.inputs[0].shape[0], kk = k.inputs[0].shape[1],
          n = k.inputs[1].shape[1];
  auto *a = static_cast<const float *>(k.inputs[0].data);
  auto *b = static_cast<const float *>(k.inputs[1].data);
  auto *c = static_cast<const float *>(k.outputs[0].data);
  std::mt19937 rng(1);
  for (int probe = 0; probe < 16; ++probe) {
    int64_t i = rng() % m, j = rng() % n;
    double want = 0, mag = 0;
    for (int64_t p = 0; p < kk; ++p) {
      want += double(a[i * kk + p]) * b[p * n + j];
      mag += std::fabs(double(a[i * kk + p]) * b[p * n + j]);
    }
    if (std::fabs(c[i * n + j] - want) > 1e-5 * mag + 1e-4) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "wrong result at [%lld, %lld]: %g, want %g",
                    (long long)i, (long long)j, c[i * n + j], want);
      return msg;
    }
  }
  return "";
}

void runKernel(benchmark::State &state, Kernel *k) {
  if (!k->warmedUp) {
    // One untimed run (warm-up: page faults, caches, thread pool), and the
    // correctness spot check of sgemm results. Done here rather than at
    // registration so that kernels left out by --benchmark_filter never run.
    k->warmedUp = true;
    kiln_status s =
        kiln_function_call(k->function, k->inputs.data(), k->inputs.size(),
                           k->outputs.data(), k->outputs.size());
    if (s != KILN_OK)
      k->error = std::string(kiln_status_name(s)) + ": " + kiln_last_error();
    else if (startsWith(k->name, "sgemm") || startsWith(k->name, "matmul"))
      k->error = checkSgemm(*k);
  }
  if (!k->error.empty()) {
    state.SkipWithError(k->error.c_str());
    return;
  }
  for (auto _ : state) {
    kiln_status s =
        kiln_function_call(k->function, k->inputs.data(), k->inputs.size(),
                           k->outputs.data(), k->outputs.size());
    if (s != KILN_OK) {
      k->error = std::string(kiln_status_name(s)) + ": " + kiln_last_error();
      state.SkipWithError(k->error.c_str());
      break;
    }
    benchmark::ClobberMemory();
  }
  if (k->flops > 0)
    state.counters["flops"] = benchmark::Counter(
        k->flops, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(k->bytes) * state.iterations());
}

std::vector<std::string> librariesNextToExecutable() {
  std::vector<std::string> libs;
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0)
    return libs;
  self[len] = '\0';
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/'));
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d)) {
      std::string f = e->d_name;
      if (startsWith(f, "lib") && f.size() > 3 &&
          f.compare(f.size() - 3, 3, ".so") == 0)
        libs.push_back(dir + "/" + f);
    }
    closedir(d);
  }
  std::sort(libs.begin(), libs.end());
  return libs;
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> libs(argv + 1, argv + argc);
  if (libs.empty())
    libs = librariesNextToExecutable();
  if (libs.empty()) {
    std::fprintf(stderr, "kernel_bench: no lib*.so next to the executable; "
                         "run bench/kernels/build.sh or name libraries\n");
    return 1;
  }
  const char *omp = std::getenv("OMP_NUM_THREADS");
  benchmark::AddCustomContext("OMP_NUM_THREADS", omp ? omp : "(unset)");

  std::vector<kiln_module *> modules;
  std::vector<std::unique_ptr<Kernel>> kernels;
  std::mt19937 rng(0);
  for (const std::string &lib : libs) {
    std::string path = lib.find('/') == std::string::npos ? "./" + lib : lib;
    kiln_module *m = nullptr;
    if (kiln_module_load(path.c_str(), &m) != KILN_OK) {
      std::fprintf(stderr, "kernel_bench: %s\n", kiln_last_error());
      return 1;
    }
    modules.push_back(m);
    for (size_t f = 0; f < kiln_module_num_functions(m); ++f) {
      auto k = std::make_unique<Kernel>();
      k->name = kiln_module_function_name(m, f);
      if (kiln_module_get_function(m, k->name.c_str(), &k->function) !=
          KILN_OK) {
        std::fprintf(stderr, "kernel_bench: %s\n", kiln_last_error());
        return 1;
      }
      for (size_t i = 0; i < kiln_function_num_inputs(k->function); ++i) {
        kiln_tensor t;
        kiln_function_input(k->function, i, &t);
        k->inputs.push_back(t);
      }
      for (size_t i = 0; i < kiln_function_num_outputs(k->function); ++i) {
        kiln_tensor t;
        kiln_function_output(k->function, i, &t);
        k->outputs.push_back(t);
      }
      for (auto *group : {&k->inputs, &k->outputs})
        for (kiln_tensor &t : *group) {
          size_t bytes = numElements(t) * kiln_dtype_size(t.dtype);
          k->buffers.push_back(allocate(bytes));
          t.data = k->buffers.back().get();
          std::memset(t.data, 0, bytes);
          k->bytes += bytes;
        }
      for (kiln_tensor &t : k->inputs)
        fillRandom(t, t.data, rng);
      k->flops = flopsOf(k->name, k->inputs);
      benchmark::RegisterBenchmark(k->name.c_str(), runKernel, k.get())
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
      kernels.push_back(std::move(k));
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  kernels.clear();
  for (kiln_module *m : modules)
    kiln_module_free(m);
  return 0;
}
