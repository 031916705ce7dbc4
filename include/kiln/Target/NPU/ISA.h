//===- ISA.h - The Kiln reference NPU: instructions and programs -*- C++ -*-===//
//
// The contract between the NPU compiler (which emits programs) and the NPU
// simulator (which runs them). Plain C++17 and KilnSupport only: no MLIR, no
// LLVM, so a chip designer can use the ISA library and kiln-npu-sim alone.
// docs/npu.md is the prose reference (architecture, semantics, encoding).
//
// The machine (one core in this version): a weight-stationary systolic matrix
// unit of rows x cols MACs, a vector unit of `lanes` lanes, a scratchpad SRAM
// (SPAD) and an accumulator SRAM (ACC, 32-bit elements), DRAM, and three
// in-order instruction queues (load, compute, store) that synchronise only
// through counting-semaphore tokens (Wait / Signal).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_NPU_ISA_H
#define KILN_TARGET_NPU_ISA_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::npu {

/// Version written in every binary's header. A decoder accepts the same
/// major version and any minor version not newer than its own. 1.1: the
/// vector unit computes on i64 (1.0 took it in vunary.copy only) and an
/// integer division by zero is a fault (docs/npu.md, "Versions").
constexpr uint16_t kISAVersionMajor = 1;
constexpr uint16_t kISAVersionMinor = 1;

enum class Space : uint8_t {
  DRAM = 0,
  SPAD = 1,
  ACC = 2,
  /// Not memory: the operand is the scalar `Operand::imm`, broadcast.
  Imm = 3,
};

/// Element types. Bool is one byte holding 0 or 1. The vector unit computes
/// on the integer types a description lists (two's complement, wrapping):
/// in int32, or in int64 when an operand is I64 (docs/npu.md "Numerics").
enum class ElemType : uint8_t { F32 = 0, F16 = 1, BF16 = 2, I8 = 3, I32 = 4, Bool = 5, I64 = 6 };

/// Bytes per element of `type`.
unsigned elemBytes(ElemType type);
const char *elemTypeName(ElemType type);
/// elemTypeName's inverse (the assembler's and the target descriptions'
/// spelling); false for an unknown name.
bool elemTypeFromName(const std::string &name, ElemType &type);

enum class Queue : uint8_t { Load = 0, Compute = 1, Store = 2 };
constexpr unsigned kNumQueues = 3;

enum class Opcode : uint8_t {
  /// Any queue. Blocks the queue until token `token` has a count > 0, then
  /// decrements it.
  Wait = 0,
  /// Any queue. Increments token `token` once every earlier instruction of
  /// this queue has completed (not merely issued).
  Signal = 1,
  /// Load/store queues. dst[i,j,k] = src[i,j,k] over `shape` (elements of
  /// operand type; src and dst have the same type: DMA never converts).
  /// One side is DRAM, the other SPAD or ACC.
  Dma = 2,
  /// Load queue. dst[i, k] = table[index[i], k] for i < shape[1], k <
  /// shape[2] (shape[0] == 1). operands: dst (SPAD), table (DRAM, stride[1]
  /// = row stride), index (SPAD, I32 or I64, one per row). An index in
  /// [-indexLimit, 0) counts from the back (indexLimit is added); one out of
  /// [-indexLimit, indexLimit) is a run-time fault of the simulator.
  DmaGather = 3,
  /// Compute queue. ACC C[m,n] (+)= sum_k A[m,k] * B[k,n] with
  /// shape = {M, K, N}: K <= rows and N <= cols of the array, M unbounded
  /// (rows of A stream through the array). A and B in SPAD, same type
  /// (F32, F16, BF16 or I8, as the target allows); C in ACC, F32 for float
  /// inputs, I32 for I8. Strides are free, so B^T is B with swapped strides.
  /// flags & kAccumulate: add to C, else overwrite.
  Matmul = 4,
  /// Compute queue. dst = f(src0) elementwise over `shape`; converts to the
  /// dst type (round to nearest even) — Copy is the cast.
  VecUnary = 5,
  /// Compute queue. dst = f(src0, src1) elementwise; broadcasting is a
  /// stride of 0 or an Imm operand. Comparisons write Bool. An integer
  /// division by zero is a run-time fault of the simulator.
  VecBinary = 6,
  /// Compute queue. dst[i,j] = reduce_k src0[i,j,k] (dst strides[2] unused).
  VecReduce = 7,
  /// Compute queue. dst = src0 (Bool) ? src1 : src2.
  VecSelect = 8,
};

enum class UnaryFn : uint8_t {
  Copy, Neg, Abs, Exp, Log, Sqrt, Rsqrt, Recip, Tanh, Erf, Sigmoid, Relu,
  Gelu /*erf form*/, GeluTanh, Silu, Not /*Bool*/
};
enum class BinaryFn : uint8_t {
  Add, Sub, Mul, Div, Max, Min, Pow, CmpEq, CmpNe, CmpLt, CmpLe, CmpGt, CmpGe,
  And /*Bool*/, Or /*Bool*/
};
enum class ReduceFn : uint8_t { Sum, Max, Min };

/// Instruction flag bits.
constexpr uint8_t kAccumulate = 1;

/// A strided view: element (i, j, k) of the instruction's shape is at
/// addr + (i*strides[0] + j*strides[1] + k*strides[2]) * elemBytes(type)
/// bytes in `space`. Strides are in elements and may be 0 (broadcast) but
/// not negative.
struct Operand {
  Space space = Space::DRAM;
  ElemType type = ElemType::F32;
  uint64_t addr = 0;
  std::array<int64_t, 3> strides = {0, 0, 1};
  /// The value when space == Imm (integers are exact up to 2^53).
  double imm = 0;
};

struct Instruction {
  Opcode opcode = Opcode::Wait;
  uint8_t flags = 0;
  /// UnaryFn, BinaryFn or ReduceFn for the vector ops; 0 otherwise.
  uint8_t fn = 0;
  /// The token of Wait / Signal.
  uint32_t token = 0;
  /// Iteration space, outermost first; unused trailing dims are 1.
  /// Matmul: {M, K, N}.
  std::array<uint32_t, 3> shape = {1, 1, 1};
  /// Operand order: dst first, then sources (Matmul: C, A, B;
  /// DmaGather: dst, table, index; VecSelect: dst, cond, a, b).
  std::array<Operand, 4> operands{};
  /// DmaGather: the number of rows in the table (bounds check).
  uint64_t indexLimit = 0;
  /// Free text carried into the disassembly and the trace (which kiln op /
  /// tile this came from). Not semantic.
  std::string comment;
};

/// An input or output tensor of the program, dense row-major in DRAM.
struct Binding {
  std::string name;
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  uint64_t dramAddr = 0;
};

/// Bytes placed in DRAM before the program starts (weights, constants).
struct Segment {
  uint64_t dramAddr = 0;
  std::vector<uint8_t> bytes;
};

struct Program {
  /// The target description the program was compiled for, as JSON text
  /// (the schema of targets/npu-*.json). The simulator times against it and
  /// rejects a program whose instructions do not fit it.
  std::string targetJSON;
  std::vector<Binding> inputs, outputs;
  std::vector<Segment> constants;
  /// DRAM the program uses, in bytes (every address is below this).
  uint64_t dramBytes = 0;
  /// Tokens used are 0 .. numTokens-1; all start at 0.
  uint32_t numTokens = 0;
  /// One in-order stream per Queue.
  std::array<std::vector<Instruction>, kNumQueues> queues;
};

/// Serialises `program` (little-endian, header "KNPU" + version; layout in
/// docs/npu.md).
std::vector<uint8_t> encode(const Program &program);

/// Parses a binary. Any malformation (wrong magic, newer version,
/// truncation, an out-of-range enum, a section past the end) sets `error`
/// to a message naming the byte offset and what was expected, and returns
/// false; it never crashes or reads out of bounds.
bool decode(const uint8_t *data, size_t size, Program &program, std::string &error);

/// Readable listing: header, bindings, segments, then each queue's
/// instructions, one per line (the format of `kilnc --emit=npu-asm`).
std::string disassemble(const Program &program);
/// One instruction in the listing's syntax.
std::string formatInstruction(const Instruction &instruction);

/// Parses the listing syntax of disassemble() back into a program (the
/// assembler behind `kiln-npu-sim --asm`). Segments larger than the listing
/// prints are elided there, so only listings with every segment in full
/// round-trip. Errors name the line: "prog.s:12: unknown operand space 'sram'".
bool assemble(const std::string &text, const std::string &sourceName, Program &program,
              std::string &error);

/// Mnemonics: "dma", "matmul", "vunary.exp", ...
const char *opcodeName(Opcode opcode);
const char *unaryFnName(UnaryFn fn);
const char *binaryFnName(BinaryFn fn);
const char *reduceFnName(ReduceFn fn);
const char *spaceName(Space space);
const char *queueName(Queue queue);
/// The queue an opcode may sit in (Wait/Signal: any; returns false if `queue`
/// cannot hold `opcode`).
bool queueAccepts(Queue queue, Opcode opcode);
/// Number of operands an opcode uses (Wait/Signal 0, Dma 2, DmaGather 3,
/// Matmul 3, VecUnary 2, VecBinary 3, VecReduce 2, VecSelect 4).
unsigned numOperands(Opcode opcode);

/// Size in bytes of one encoded instruction record (docs/npu.md).
constexpr size_t kInstructionRecordBytes = 232;

} // namespace kiln::npu

#endif // KILN_TARGET_NPU_ISA_H
