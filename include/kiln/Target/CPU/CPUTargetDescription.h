//===- CPUTargetDescription.h - What the CPU backend knows of a CPU -*- C++ -*-===//
//
// Hardware is data: every CPU parameter the cost model and code generator
// read comes from here, filled either from a JSON file in targets/ or from
// host detection (LLVM's host queries plus Linux sysfs). No chip names
// appear in code.
//
// JSON schema (every field required unless marked optional):
//   {
//     "kind": "cpu",
//     "name": "x86-64-avx2",
//     "triple": "x86_64-unknown-linux-gnu",      LLVM target triple
//     "cpu": "haswell",                          LLVM CPU name
//     "features": ["avx2", "fma"],               LLVM feature names
//     "vector_bits": 256,                        widest SIMD register
//     "vector_registers": 16,                    architectural SIMD registers
//     "fma_units_per_core": 2,                   vector FMA pipes per core
//     "fma_latency_cycles": 4,                   FMA result latency
//     "cores": 8,
//     "frequency_ghz": 3.0,                      sustained all-core clock
//     "caches": [ {"level": 1, "size_bytes": 32768, "line_bytes": 64,
//                  "shared_by_cores": 1}, ... ], data/unified levels
//     "dram_bandwidth_gbps": 40.0                optional; 0 = unknown
//   }
// Unknown keys are errors, so a misspelt field never goes unnoticed.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CPU_CPUTARGETDESCRIPTION_H
#define KILN_TARGET_CPU_CPUTARGETDESCRIPTION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct CPUCacheLevel {
  int level = 0;
  int64_t sizeBytes = 0;
  int64_t lineBytes = 0;
  /// How many cores share one instance (1 = private per core).
  int sharedByCores = 1;
};

struct CPUTargetDescription {
  std::string name;
  std::string triple;
  std::string cpu;
  std::vector<std::string> features;
  int vectorBits = 0;
  int vectorRegisters = 0;
  int fmaUnitsPerCore = 0;
  /// Independent FMA chains needed to keep the pipes busy is
  /// fmaLatencyCycles * fmaUnitsPerCore (register tiles size from it).
  int fmaLatencyCycles = 0;
  int cores = 0;
  double frequencyGHz = 0;
  /// Data or unified caches, ordered by level.
  std::vector<CPUCacheLevel> caches;
  /// Main-memory bandwidth in GB/s; 0 when unknown (host detection cannot
  /// measure it without running a benchmark).
  double dramBandwidthGBps = 0;

  bool hasFeature(llvm::StringRef feature) const;
  /// "+avx2,+fma": the feature string LLVM's TargetMachine takes.
  std::string llvmFeatureString() const;
  /// f32 lanes in one vector register.
  int f32Lanes() const { return vectorBits / 32; }
  /// Peak f32 GFLOP/s of `threads` cores: 2 flops per FMA lane per cycle.
  double peakF32Gflops(int threads) const;
  /// The cache of `level`, or nullptr when the description has none.
  const CPUCacheLevel *cache(int level) const;
};

/// Parses and validates a description. Errors name the source and the field,
/// e.g. "targets/x.json: caches[1].size_bytes must be a positive integer,
/// got 0".
llvm::Expected<CPUTargetDescription>
parseCPUTargetDescription(llvm::StringRef json, llvm::StringRef sourceName);

/// Reads and parses a description file.
llvm::Expected<CPUTargetDescription>
loadCPUTargetDescription(llvm::StringRef path);

/// The description of the machine this runs on.
CPUTargetDescription detectHostCPU();

/// The description as JSON in the schema above (parseable again).
std::string toJSON(const CPUTargetDescription &description);

/// Resolves the DESC of `--target=cpu[:DESC]`: empty or "host" detects the
/// host; a path ending in ".json" is loaded; any other name N is looked up
/// as N.json in `searchDirs` (in order). Errors list what was tried.
llvm::Expected<CPUTargetDescription>
resolveCPUTargetDescription(llvm::StringRef spec,
                            llvm::ArrayRef<std::string> searchDirs);

} // namespace kiln

#endif // KILN_TARGET_CPU_CPUTARGETDESCRIPTION_H
