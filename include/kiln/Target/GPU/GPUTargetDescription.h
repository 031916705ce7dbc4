//===- GPUTargetDescription.h - What the GPU backend knows of a GPU -*- C++ -*-===//
//
// Hardware is data: every GPU parameter the GPU cost model and pipeline read
// comes from a JSON file in targets/ (gpu-sm80.json, gpu-sm90.json). No chip
// names appear in code: the NVVM chip and PTX version are fields too.
//
// JSON schema (every field required):
//   {
//     "kind": "gpu",
//     "name": "gpu-sm80",
//     "triple": "nvptx64-nvidia-cuda",           LLVM target triple
//     "chip": "sm_80",                           #nvvm.target chip
//     "ptx_version": 70,                         PTX ISA version x10 (+ptx70)
//     "sm_count": 108,                           streaming multiprocessors
//     "warp_size": 32,
//     "max_threads_per_block": 1024,
//     "max_threads_per_sm": 2048,                resident threads per SM
//     "max_blocks_per_sm": 32,                   resident blocks per SM
//     "registers_per_sm": 65536,                 32-bit registers
//     "max_registers_per_thread": 255,
//     "shared_memory_per_block_bytes": 49152,    static limit (no opt-in)
//     "shared_memory_per_block_optin_bytes": 166912, with the opt-in attribute
//     "shared_memory_per_sm_bytes": 167936,
//     "l2_bytes": 41943040,
//     "dram_bandwidth_gbps": 1555.0,
//     "clock_ghz": 1.41,                         clock the peaks below assume
//     "fp32_flops_per_clock_per_sm": 128,        SIMT FMA: 2 x FP32 lanes
//     "tensor_cores": [                          may be empty
//       {"instruction": "mma.sync",              PTX instruction family
//        "shape": [16, 8, 16],                   m, n, k of one instruction
//        "a": "f16", "b": "f16",                 operand element types
//        "accumulator": "f32",
//        "flops_per_clock_per_sm": 2048}, ...]   dense peak of that form
//   }
// Unknown keys are errors, so a misspelt field never goes unnoticed; every
// error names the source and the field.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_GPU_GPUTARGETDESCRIPTION_H
#define KILN_TARGET_GPU_GPUTARGETDESCRIPTION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// One tensor-core instruction form.
struct GPUTensorCoreInstruction {
  std::string instruction; // "mma.sync", "wgmma"
  std::array<int64_t, 3> shape = {0, 0, 0}; // m, n, k
  std::string a, b, accumulator; // "f16", "bf16", "tf32", "f32", "i8", "s32"
  double flopsPerClockPerSM = 0;
};

struct GPUTargetDescription {
  std::string name;
  std::string triple;
  std::string chip;
  int ptxVersion = 0;
  int smCount = 0;
  int warpSize = 0;
  int maxThreadsPerBlock = 0;
  int maxThreadsPerSM = 0;
  int maxBlocksPerSM = 0;
  int64_t registersPerSM = 0;
  int maxRegistersPerThread = 0;
  int64_t sharedMemoryPerBlockBytes = 0;
  int64_t sharedMemoryPerBlockOptinBytes = 0;
  int64_t sharedMemoryPerSMBytes = 0;
  int64_t l2Bytes = 0;
  double dramBandwidthGBps = 0;
  double clockGHz = 0;
  double fp32FlopsPerClockPerSM = 0;
  std::vector<GPUTensorCoreInstruction> tensorCores;

  /// "+ptx80": the NVVM target's feature string.
  std::string ptxFeatures() const;
  /// Peak SIMT f32 GFLOP/s of the whole device.
  double peakF32Gflops() const;
  /// The first tensor-core form of `instruction` taking `a` x `b` operands,
  /// or nullptr.
  const GPUTensorCoreInstruction *
  findTensorCore(llvm::StringRef instruction, llvm::StringRef a,
                 llvm::StringRef b) const;
};

/// Parses and validates a description. Errors name the source and the field,
/// e.g. "targets/x.json: tensor_cores[0].shape must be 3 positive integers".
llvm::Expected<GPUTargetDescription>
parseGPUTargetDescription(llvm::StringRef json, llvm::StringRef sourceName);

/// Reads and parses a description file.
llvm::Expected<GPUTargetDescription>
loadGPUTargetDescription(llvm::StringRef path);

/// Resolves the DESC of `--target=gpu[:DESC]`: empty means "gpu-sm80"; a
/// path ending in ".json" is loaded; another name N is looked up as N.json,
/// then gpu-N.json (so `gpu:sm90` finds gpu-sm90.json), in `searchDirs` in
/// order. Errors list what was tried.
llvm::Expected<GPUTargetDescription>
resolveGPUTargetDescription(llvm::StringRef spec,
                            llvm::ArrayRef<std::string> searchDirs);

/// The path resolveGPUTargetDescription would load for `spec` (empty when
/// none is found), so tools can hand one file to every pass.
std::string findGPUTargetDescriptionFile(llvm::StringRef spec,
                                         llvm::ArrayRef<std::string> searchDirs);

} // namespace kiln

#endif // KILN_TARGET_GPU_GPUTARGETDESCRIPTION_H
