//===- NPUTargetDescription.h - An NPU described as data --------*- C++ -*-===//
//
// Hardware is data: everything the NPU compiler, its cost model and the
// simulator know of a chip comes from here, parsed from a JSON file in
// targets/ (npu-edge.json, npu-cloud.json, ...). No chip names in code.
//
// The format is meant to grow to real chips (several cores, named memory
// levels such as a shared L2 over per-core L1/L0 buffers, per-dtype MAC
// rates, a host link instead of DRAM); this version's compiler and
// simulator use one core, one scratchpad, one accumulator and one
// off-chip level. docs/npu.md documents every field.
//
// Plain C++17 (no LLVM): the simulator parses the description embedded in a
// program with it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_NPU_NPUTARGETDESCRIPTION_H
#define KILN_TARGET_NPU_NPUTARGETDESCRIPTION_H

#include "kiln/Target/NPU/ISA.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::npu {

enum class MemoryKind : uint8_t { DRAM, HostLink, Scratchpad, Accumulator };

/// One named memory level.
struct MemoryLevel {
  std::string name;
  MemoryKind kind = MemoryKind::DRAM;
  uint64_t sizeBytes = 0;
  /// On-chip levels: independent banks, and bytes each bank moves per cycle.
  /// An access touching b banks' worth of data in one cycle group is limited
  /// by this (the simulator's bank model).
  uint32_t banks = 1;
  uint32_t bankBytesPerCycle = 0;
  /// Off-chip levels (DRAM, host link): sustained bandwidth and the latency
  /// of one transfer's first byte.
  double bandwidthGBps = 0;
  uint32_t latencyCycles = 0;
};

/// A dtype the matrix unit accepts, and its rate.
struct MatrixDType {
  ElemType type = ElemType::F32;
  /// Cycles the array spends per streamed row of A (1 = full rate; 4 = a
  /// quarter-rate f32 path, as many edge parts have).
  uint32_t cyclesPerRow = 1;
};

struct NPUTargetDescription {
  std::string name;
  double frequencyGHz = 0;
  uint32_t cores = 1;

  // Matrix unit: rows x cols MACs, weight-stationary.
  uint32_t matrixRows = 0, matrixCols = 0;
  std::vector<MatrixDType> matrixDTypes;
  /// Cycles to load a K x N weight tile into the array's shadow registers
  /// (overlaps the previous Matmul's streaming when double-buffered).
  uint32_t weightLoadCycles = 0;

  // Vector unit.
  uint32_t vectorLanes = 0;
  /// Element types the vector unit computes on.
  std::vector<ElemType> vectorDTypes;
  /// Pipeline latency of one vector instruction, and the cycles per group of
  /// `lanes` elements for exp/log/tanh/erf/sigmoid/gelu/silu/rsqrt/recip/div
  /// /pow (simple ops take 1).
  uint32_t vectorLatencyCycles = 0;
  uint32_t vectorSpecialCycles = 1;
  /// Cycles per group of an instruction computing in the 64-bit integer
  /// domain (any i64 operand), other than vunary.copy: the lanes are 32
  /// bits wide. Optional in the JSON ("i64_cycles"), default 2.
  uint32_t vectorI64Cycles = 2;

  /// Named levels; exactly one Scratchpad, one Accumulator and one DRAM or
  /// HostLink in this version.
  std::vector<MemoryLevel> memories;

  // DMA engines: one serves the load queue, one the store queue.
  /// Fixed cost of issuing one DMA instruction, and the smallest transfer
  /// the off-chip level moves (a contiguous run shorter than this costs a
  /// whole burst).
  uint32_t dmaSetupCycles = 0;
  uint32_t dmaBurstBytes = 0;

  /// Hardware tokens (counting semaphores).
  uint32_t tokens = 0;

  const MemoryLevel *memory(MemoryKind kind) const;
  /// nullptr when the matrix unit does not accept `type`.
  const MatrixDType *matrixDType(ElemType type) const;
  bool vectorSupports(ElemType type) const;
  /// Off-chip bytes per cycle (bandwidth / frequency).
  double offChipBytesPerCycle() const;
};

/// Parses and validates a description. On failure returns false and sets
/// `error` to one message naming the source and the field, e.g.
/// "targets/x.json: memories[1].size_bytes must be a positive integer".
/// Checked: every field present and typed, unknown keys rejected, sizes and
/// rates positive, exactly one level of each kind the version needs, and that
/// the array can be fed (a rows x cols weight tile plus a double-buffered
/// input tile fit the scratchpad; an output tile fits the accumulator).
bool parseNPUTargetDescription(const std::string &json, const std::string &sourceName,
                               NPUTargetDescription &description, std::string &error);

/// Reads and parses a file.
bool loadNPUTargetDescription(const std::string &path, NPUTargetDescription &description,
                              std::string &error);

/// The description as JSON (parseable again; what a Program embeds).
std::string toJSON(const NPUTargetDescription &description);

} // namespace kiln::npu

#endif // KILN_TARGET_NPU_NPUTARGETDESCRIPTION_H
