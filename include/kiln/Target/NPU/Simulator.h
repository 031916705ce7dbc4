//===- Simulator.h - Functional and timing simulator of the NPU -*- C++ -*-===//
//
// Runs a Program: functionally, exactly per docs/npu.md (the simulator IS
// the definition of the ISA's numerics), and with a timing model of the
// engines (load DMA, matrix unit, vector unit, store DMA) against the target
// description embedded in the program. Plain C++17 + KilnSupport: used by
// kiln-npu-sim and by kiln-run --target=npu:NAME.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_NPU_SIMULATOR_H
#define KILN_TARGET_NPU_SIMULATOR_H

#include "kiln/Support/HostTensor.h"
#include "kiln/Target/NPU/ISA.h"
#include "kiln/Target/NPU/NPUTargetDescription.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::npu {

/// The engines the timing model tracks; each is one track in the trace.
enum class Engine : uint8_t { LoadDMA = 0, Matrix = 1, Vector = 2, StoreDMA = 3 };
constexpr unsigned kNumEngines = 4;
const char *engineName(Engine engine);

struct SimOptions {
  /// Record one event per instruction for writeChromeTrace.
  bool recordTrace = false;
  /// Override the program's embedded description (e.g. to ask "how fast on
  /// another part?"); the program must still fit it.
  std::optional<NPUTargetDescription> target;
};

/// One executed instruction on an engine's timeline (cycles).
struct TraceEvent {
  Engine engine = Engine::LoadDMA;
  Queue queue = Queue::Load;
  uint32_t index = 0; ///< Instruction index within its queue.
  uint64_t start = 0, end = 0;
  std::string name; ///< Mnemonic, e.g. "dma", "matmul", "vexp".
  std::string comment;
};

struct SimResult {
  /// One tensor per Program::outputs, in order.
  std::vector<HostTensor> outputs;
  /// Cycles from start until every queue has finished.
  uint64_t cycles = 0;
  /// cycles / frequency.
  double seconds = 0;
  /// Cycles each engine was busy (index by Engine). The matrix unit is busy
  /// while rows of A stream through the array (M * cycles_per_row, longer
  /// if SRAM banks throttle it); weight loads and fill/drain are not busy.
  /// A DMA engine is busy for setup + transfer; the vector unit for its
  /// issue cycles (groups x cycles per group), not its pipeline latency.
  std::array<uint64_t, kNumEngines> busyCycles{};
  /// busyCycles / cycles, in [0, 1].
  std::array<double, kNumEngines> utilization{};
  uint64_t dramBytesRead = 0, dramBytesWritten = 0;
  /// Matrix unit useful MACs (M*K*N summed over Matmuls).
  uint64_t macs = 0;
  std::array<uint64_t, kNumQueues> instructionsExecuted{};
  std::vector<TraceEvent> trace;
};

/// The description the program embeds, parsed and checked against the
/// program (every instruction's static operand ranges fit the levels, the
/// matrix/vector units accept its dtypes, tokens fit). Fails with one message.
bool checkProgram(const Program &program, const NPUTargetDescription &target,
                  std::string &error);

/// Runs `program` on `inputs` (one per Program::inputs, matching dtype and
/// element count; f32 data for a bf16 binding is rounded to nearest even).
/// On failure (bad inputs, a fault: an address out of range, a gather index
/// out of range, a deadlock) returns false and sets `error` to one message
/// naming the queue, the instruction index and the operand.
bool simulate(const Program &program, const std::vector<HostTensor> &inputs,
              const SimOptions &options, SimResult &result, std::string &error);

/// Reproducible random inputs for the program's bindings: SplitMix64(seed),
/// floats uniform in [-1, 1) and integers 0 or 1, as kiln-run generates them.
std::vector<HostTensor> generateRandomInputs(const Program &program, uint64_t seed);

/// The host dtype of an ISA element type (I8 -> DType::I8, Bool -> DType::I1 ...).
DType hostDType(ElemType type);

/// Chrome trace JSON ("traceEvents", one thread per engine, 1 us = 1 cycle
/// scaled to the clock) of a run made with recordTrace.
std::string chromeTraceJSON(const SimResult &result, const NPUTargetDescription &target);

/// "matrix unit utilization: 91.3%" lines etc.: the summary kiln-npu-sim
/// prints, also usable by kiln-run.
std::string formatSummary(const SimResult &result, const NPUTargetDescription &target);

} // namespace kiln::npu

#endif // KILN_TARGET_NPU_SIMULATOR_H
