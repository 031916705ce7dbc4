//===- NPUCostModel.h - Analytical cost model of the reference NPU -*- C++ -*-===//
//
// Reads only an NPUTargetDescription and the op. It models what the NPU
// lowering does with a schedule (docs/npu-compiler.md): the DMA traffic of
// the tile loops, the matrix unit's streaming, the overlap of the three
// queues, and predicts cycles the simulator should measure.
//
// `#kiln.schedule` on the NPU: level 0 = per-core chunk (all 0: one core),
// level 1 = SRAM tile (what one DMA round brings on chip), level 2 = array
// tile ([.., rows of A streamed per matmul, N <= cols, K <= rows]); `order`
// = the loop order of the SRAM tiles (k innermost).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COSTMODEL_NPUCOSTMODEL_H
#define KILN_COSTMODEL_NPUCOSTMODEL_H

#include "kiln/CostModel/CostModel.h"
#include "kiln/Target/NPU/NPUTargetDescription.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <optional>
#include <string>

namespace kiln {

/// Resolves `spec` (NAME -> DIR/npu-NAME.json or DIR/NAME.json, or a path
/// to a .json) and parses it. `dir` empty: the source tree's targets/.
bool resolveNPUTargetDescription(const std::string &spec,
                                 const std::string &dir,
                                 npu::NPUTargetDescription &description,
                                 std::string &error);

/// Predicted cycles of a matmul [batch x] M x K x N with the given SRAM
/// tile (tm, tn, tk), array tile (sm, sn, sk) and loop order (true: m
/// outer, n inner; false: n outer), on `d` (exposed for the lit/unit tests
/// and bench/npu_cost_model.py).
struct NPUMatmulPlan {
  int64_t batch = 1, m = 0, k = 0, n = 0;
  int64_t tm = 0, tn = 0, tk = 0, sm = 0, sn = 0, sk = 0;
  bool mOuter = true;
  npu::ElemType in = npu::ElemType::F32, out = npu::ElemType::F32;
  /// Elementwise consumers fused into the accumulator drain (as
  /// kiln-npu-lower-to-npu fuses them): an output tile in SPAD, and per
  /// other operand a full tile or one broadcast row.
  bool epilogue = false;
  int64_t epilogueFull = 0, epilogueRows = 0;
};
struct NPUMatmulCost {
  double cycles = 0, computeCycles = 0, loadCycles = 0, storeCycles = 0;
  double loadBytes = 0, storeBytes = 0;
  uint64_t spadBytes = 0, accBytes = 0;
  bool fits = true;
  std::string why;
};
/// One elementwise op of the chain kiln-npu-lower-to-npu fuses into an f32
/// matmul's accumulator drain: `other` is its second operand (null for a
/// unary op), of the result's shape or one row broadcast over the rows.
struct NPUDrainStep {
  mlir::Operation *op = nullptr;
  mlir::Value other;
  bool rowBroadcast = false;
  bool runningIsLhs = true;
};
/// That chain for the kiln.matmul `matmul`: while the running value has one
/// use, by an elementwise op of the same type in the same block whose other
/// operand (distinct, of the result's shape or one row) exists before the
/// matmul. The lowering fuses exactly these; the cost model sizes the
/// drain's SPAD tiles from them.
llvm::SmallVector<NPUDrainStep> npuDrainEpilogue(mlir::Operation *matmul);

/// Causal attention in tq x tk tiles as the NPU lowering visits them (key
/// tiles up to the last key a query tile sees): the smallest and largest
/// diagonal offset d = qi + (Sk - Sq) - kj of the tiles that straddle the
/// diagonal (some c - r > d), which size the on-chip mask band; nullopt
/// when no tile does. Shared by the lowering and its cost estimate.
std::optional<std::pair<int64_t, int64_t>>
npuCausalBandOffsets(int64_t sq, int64_t sk, int64_t tq, int64_t tk);

/// How the NPU lowering and its cost model see softmax, layer_norm,
/// rms_norm and reduce: nests over the (static, ranked) input seen as
/// row-major [outer, reduced, inner], the middle dim reduced for each of
/// the outer x inner rows. One nest, but for a reduce whose axes are
/// several blocks of dims (e.g. axes [0, 2] of a rank-3 input): one nest
/// per block, innermost first, each reducing the previous one's result
/// (DRAM temporaries in npuRowwiseComputeType between them). Empty for other ops.
struct NPURowwiseStep {
  int64_t outer = 1, reduced = 1, inner = 1;
};
llvm::SmallVector<NPURowwiseStep> npuRowwiseSteps(mlir::Operation *op);
/// The type those nests compute in: f32 for f32, bf16 and f16 inputs; for
/// a reduce of i8, i32 or i64 its integer accumulator (exact, no float
/// round trip): i64 for i64, and for a mean of i32 (or of i8 over more
/// than 2^24 elements), whose truncated quotient needs the exact sum;
/// else i32 (a sum wrapped there and again at the result's type is the
/// reference's). Null for any other element type.
mlir::Type npuRowwiseComputeType(mlir::Operation *op);
/// The [outer, inner] extent of a tile of `rows` rows of `s` (the row tile
/// the schedule holds): whole inner runs times several outer rows when
/// `rows` covers the inner dim, else part of one inner run.
std::pair<int64_t, int64_t> npuRowTileShape(const NPURowwiseStep &s,
                                            int64_t rows);

NPUMatmulCost estimateNPUMatmul(const npu::NPUTargetDescription &d,
                                const NPUMatmulPlan &plan);

/// One nest of the program kiln-npu-lower-to-npu emits for a function and
/// its predicted cycles: `op` the kiln op it lowers (the func.return for a
/// result copy), `nest` what it is ("kiln.matmul", "broadcast", "result
/// copy", ...).
struct NPUNestPrediction {
  mlir::Operation *op = nullptr;
  std::string nest;
  double cycles = 0;
};
/// Every nest of `func` (a func.func of kiln ops after kiln-select-schedules)
/// in program order with its predicted cycles: a scheduled op as its
/// schedule's estimate, the others (cast, where, gather, rope, broadcasts,
/// result copies, ...) with the row tile the lowering picks itself. The
/// nests run one after another with a barrier between them
/// (kiln-npu-insert-tokens), so the function's cycles are their sum.
/// Elementwise ops fused into a matmul's drain are part of its nest.
llvm::SmallVector<NPUNestPrediction>
predictNPUNests(const npu::NPUTargetDescription &d, mlir::Operation *func);

/// Prints predictNPUNests for every function of `module`, one line per
/// nest ("KEY OP CYCLES cycles", KEY from `keys`: the schedule keys
/// "func:index") and a total line per function ("total @NAME: CYCLES
/// cycles, US us"): kilnc --target=npu:NAME --print-schedule, read by
/// bench/npu_cost_model.py.
void printNPUPredictions(const npu::NPUTargetDescription &d,
                         mlir::Operation *module,
                         const llvm::DenseMap<mlir::Operation *, std::string> &keys,
                         llvm::raw_ostream &os);

class NPUCostModel : public CostModel {
public:
  explicit NPUCostModel(npu::NPUTargetDescription description);
  llvm::StringRef targetName() const override { return name; }
  llvm::SmallVector<ScheduleAttr> candidates(mlir::Operation *op) const override;
  CostEstimate estimate(mlir::Operation *op,
                        ScheduleAttr schedule) const override;

private:
  npu::NPUTargetDescription desc;
  std::string name;
};

std::unique_ptr<CostModel>
createNPUCostModel(npu::NPUTargetDescription description);

} // namespace kiln

#endif // KILN_COSTMODEL_NPUCOSTMODEL_H
