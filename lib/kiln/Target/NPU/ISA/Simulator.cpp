//===- Simulator.cpp - Functional and timing simulation of the NPU --------===//
//
// docs/npu.md ("Semantics", "Timing model") is the prose of what this file
// does. Every instruction is checked statically against the target before
// the run (so addresses can never leave the memories); the only run-time
// faults are a gather index out of range and an integer division by zero.
//
// Scheduling is event-driven: each step picks, among the three queues, the
// next instruction that can start earliest (ties: load, compute, store),
// times it and executes it. A Wait with no pending Signal blocks its queue;
// all unfinished queues blocked is a deadlock.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/Simulator.h"

#include "kiln/Support/Float16.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <cstdlib>
#include <memory>
#include <set>
#include <tuple>

using namespace kiln;
using namespace kiln::npu;

const char *kiln::npu::engineName(Engine engine) {
  switch (engine) {
  case Engine::LoadDMA: return "load DMA";
  case Engine::Matrix: return "matrix unit";
  case Engine::Vector: return "vector unit";
  case Engine::StoreDMA: return "store DMA";
  }
  return "?";
}

DType kiln::npu::hostDType(ElemType type) {
  switch (type) {
  case ElemType::F32: return DType::F32;
  case ElemType::F16: return DType::F16;
  case ElemType::BF16: return DType::BF16;
  case ElemType::I8: return DType::I8;
  case ElemType::I32: return DType::I32;
  case ElemType::Bool: return DType::I1;
  case ElemType::I64: return DType::I64;
  }
  return DType::F32;
}

namespace {
bool isFloat(ElemType t) {
  return t == ElemType::F32 || t == ElemType::F16 || t == ElemType::BF16;
}

bool isSpecial(const Instruction &inst) {
  if (inst.opcode == Opcode::VecUnary) {
    switch (UnaryFn(inst.fn)) {
    case UnaryFn::Exp: case UnaryFn::Log: case UnaryFn::Sqrt: case UnaryFn::Rsqrt:
    case UnaryFn::Recip: case UnaryFn::Tanh: case UnaryFn::Erf: case UnaryFn::Sigmoid:
    case UnaryFn::Gelu: case UnaryFn::GeluTanh: case UnaryFn::Silu:
      return true;
    default:
      return false;
    }
  }
  if (inst.opcode == Opcode::VecBinary)
    return BinaryFn(inst.fn) == BinaryFn::Div || BinaryFn(inst.fn) == BinaryFn::Pow;
  return false;
}

//===--------------------------------------------------------------------===//
// Element access and conversion (docs/npu.md "Numerics").
//===--------------------------------------------------------------------===//

/// The 16-bit float types' bits, little-endian.
void storeBits16(uint8_t *p, uint16_t b) {
  p[0] = uint8_t(b);
  p[1] = uint8_t(b >> 8);
}

float loadFloat(const uint8_t *p, ElemType t) {
  switch (t) {
  case ElemType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case ElemType::F16: return halfBitsToFloat(uint16_t(p[0] | (p[1] << 8)));
  case ElemType::BF16: return bfloat16BitsToFloat(uint16_t(p[0] | (p[1] << 8)));
  case ElemType::I8: return float(int8_t(p[0]));
  case ElemType::Bool: return p[0] ? 1.0f : 0.0f;
  case ElemType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return float(v);
  }
  case ElemType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return float(v);
  }
  }
  return 0;
}

/// Float -> integer: truncate toward zero, NaN -> 0, saturate.
int64_t floatToInt(double v, int64_t lo, int64_t hi) {
  if (std::isnan(v))
    return 0;
  if (v <= double(lo))
    return lo;
  if (v >= double(hi))
    return hi;
  return int64_t(v);
}

int64_t loadInt(const uint8_t *p, ElemType t) {
  switch (t) {
  case ElemType::I8: return int8_t(p[0]);
  case ElemType::Bool: return p[0] ? 1 : 0;
  case ElemType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case ElemType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  default:
    return floatToInt(loadFloat(p, t), INT32_MIN, INT32_MAX);
  }
}

void storeFloat(uint8_t *p, ElemType t, float v) {
  switch (t) {
  case ElemType::F32: std::memcpy(p, &v, 4); return;
  case ElemType::F16: storeBits16(p, floatToHalfBits(v)); return;
  case ElemType::BF16: storeBits16(p, floatToBFloat16Bits(v)); return;
  case ElemType::I8: p[0] = uint8_t(int8_t(floatToInt(v, INT8_MIN, INT8_MAX))); return;
  case ElemType::Bool: p[0] = v != 0 ? 1 : 0; return;
  case ElemType::I32: {
    int32_t x = int32_t(floatToInt(v, INT32_MIN, INT32_MAX));
    std::memcpy(p, &x, 4);
    return;
  }
  case ElemType::I64: {
    int64_t x = floatToInt(v, INT64_MIN, INT64_MAX);
    std::memcpy(p, &x, 8);
    return;
  }
  }
}

/// `v` rounded to nearest even to `bits` significant bits, as a double
/// (exact: bits <= 53), so that converting it to a float type of that
/// precision is exact. Going through double(v) would round twice for
/// |v| > 2^53.
double roundToBits(int64_t v, unsigned bits) {
  uint64_t m = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  unsigned width = 0;
  for (uint64_t x = m; x; x >>= 1)
    ++width;
  if (width <= bits)
    return double(v);
  unsigned drop = width - bits;
  uint64_t kept = m >> drop, rest = m & ((uint64_t(1) << drop) - 1),
           halfway = uint64_t(1) << (drop - 1);
  if (rest > halfway || (rest == halfway && (kept & 1)))
    ++kept;
  double r = std::ldexp(double(kept), int(drop));
  return v < 0 ? -r : r;
}

/// Integer -> any type: integers wrap (keep the low bits), floats round to
/// nearest even from the exact value.
void storeInt(uint8_t *p, ElemType t, int64_t v) {
  switch (t) {
  case ElemType::F32: {
    float f = float(v); // int64 -> float rounds once, to nearest even
    std::memcpy(p, &f, 4);
    return;
  }
  case ElemType::F16: storeBits16(p, doubleToHalfBits(roundToBits(v, 11))); return;
  case ElemType::BF16: storeBits16(p, doubleToBFloat16Bits(roundToBits(v, 8))); return;
  case ElemType::I8: p[0] = uint8_t(v); return;
  case ElemType::Bool: p[0] = v != 0 ? 1 : 0; return;
  case ElemType::I32: {
    int32_t x = int32_t(uint32_t(uint64_t(v)));
    std::memcpy(p, &x, 4);
    return;
  }
  case ElemType::I64: std::memcpy(p, &v, 8); return;
  }
}

int32_t wrap32(int64_t v) { return int32_t(uint32_t(uint64_t(v))); }

/// Wraps `v` (the low 64 bits of the exact result) to the integer domain:
/// int64 (`wide`) or int32.
int64_t wrapDomain(uint64_t v, bool wide) { return wide ? int64_t(v) : wrap32(int64_t(v)); }

float unaryFloat(UnaryFn fn, float x) {
  switch (fn) {
  case UnaryFn::Copy: return x;
  case UnaryFn::Neg: return -x;
  case UnaryFn::Abs: return std::fabs(x);
  case UnaryFn::Exp: return expf(x);
  case UnaryFn::Log: return logf(x);
  case UnaryFn::Sqrt: return sqrtf(x);
  case UnaryFn::Rsqrt: return 1.0f / sqrtf(x);
  case UnaryFn::Recip: return 1.0f / x;
  case UnaryFn::Tanh: return tanhf(x);
  case UnaryFn::Erf: return erff(x);
  case UnaryFn::Sigmoid: return 1.0f / (1.0f + expf(-x));
  case UnaryFn::Relu: return x < 0.0f ? 0.0f : x;
  case UnaryFn::Gelu: return (0.5f * x) * (1.0f + erff(x * 0.70710678118654752f));
  case UnaryFn::GeluTanh: {
    float inner = 0.79788456080286536f * (x + ((0.044715f * x) * x) * x);
    return (0.5f * x) * (1.0f + tanhf(inner));
  }
  case UnaryFn::Silu: return x / (1.0f + expf(-x));
  case UnaryFn::Not: return x == 0.0f ? 1.0f : 0.0f;
  }
  return x;
}

/// Integer domain (int32, or int64 when `wide`); x is already in it.
int64_t unaryInt(UnaryFn fn, int64_t x, bool wide) {
  switch (fn) {
  case UnaryFn::Neg: return wrapDomain(0 - uint64_t(x), wide);
  case UnaryFn::Abs: return x < 0 ? wrapDomain(0 - uint64_t(x), wide) : x;
  case UnaryFn::Relu: return x < 0 ? 0 : x;
  case UnaryFn::Not: return x == 0 ? 1 : 0;
  default: return x; // Copy (others are rejected by checkProgram)
  }
}

bool isCompare(BinaryFn fn) { return fn >= BinaryFn::CmpEq && fn <= BinaryFn::CmpGe; }

/// Comparisons and logic, in either domain: 0/1 (nonzero is true).
template <typename T> T compareOrLogic(BinaryFn fn, T a, T b) {
  switch (fn) {
  case BinaryFn::CmpEq: return a == b;
  case BinaryFn::CmpNe: return a != b;
  case BinaryFn::CmpLt: return a < b;
  case BinaryFn::CmpLe: return a <= b;
  case BinaryFn::CmpGt: return a > b;
  case BinaryFn::CmpGe: return a >= b;
  case BinaryFn::And: return (a != 0) && (b != 0);
  case BinaryFn::Or: return (a != 0) || (b != 0);
  default: return 0; // arithmetic: binaryFloat / binaryInt
  }
}

/// Float domain; comparisons and logic give 0/1.
float binaryFloat(BinaryFn fn, float a, float b) {
  switch (fn) {
  case BinaryFn::Add: return a + b;
  case BinaryFn::Sub: return a - b;
  case BinaryFn::Mul: return a * b;
  case BinaryFn::Div: return a / b;
  case BinaryFn::Max:
    return std::isnan(a) || std::isnan(b) ? std::numeric_limits<float>::quiet_NaN()
                                          : (a >= b ? a : b);
  case BinaryFn::Min:
    return std::isnan(a) || std::isnan(b) ? std::numeric_limits<float>::quiet_NaN()
                                          : (a <= b ? a : b);
  case BinaryFn::Pow: return powf(a, b);
  default: return compareOrLogic(fn, a, b);
  }
}

/// Integer domain (int32, or int64 when `wide`); a and b are already in
/// it. Division by zero is the caller's fault to report (b != 0 here).
int64_t binaryInt(BinaryFn fn, int64_t a, int64_t b, bool wide) {
  switch (fn) {
  case BinaryFn::Add: return wrapDomain(uint64_t(a) + uint64_t(b), wide);
  case BinaryFn::Sub: return wrapDomain(uint64_t(a) - uint64_t(b), wide);
  case BinaryFn::Mul: return wrapDomain(uint64_t(a) * uint64_t(b), wide);
  case BinaryFn::Div:
    // MIN / -1 is MIN (modulo 2^width); the only other overflow in C++.
    if (b == -1)
      return wrapDomain(0 - uint64_t(a), wide);
    return a / b;
  case BinaryFn::Max: return a >= b ? a : b;
  case BinaryFn::Min: return a <= b ? a : b;
  case BinaryFn::Pow: return 0; // rejected by checkProgram
  default: return compareOrLogic(fn, a, b);
  }
}

//===--------------------------------------------------------------------===//
// Static checks.
//===--------------------------------------------------------------------===//

/// Which of the iteration dims (0, 1, 2) operand `o` of `inst` walks.
std::array<bool, 3> usedDims(const Instruction &inst, unsigned o) {
  switch (inst.opcode) {
  case Opcode::Matmul:
    return o == 0 ? std::array<bool, 3>{true, false, true}
           : o == 1 ? std::array<bool, 3>{true, true, false}
                    : std::array<bool, 3>{false, true, true};
  case Opcode::VecReduce:
    return o == 0 ? std::array<bool, 3>{true, true, false} : std::array<bool, 3>{true, true, true};
  case Opcode::DmaGather:
    return o == 2 ? std::array<bool, 3>{false, true, false}
                  : std::array<bool, 3>{false, true, true};
  default:
    return {true, true, true};
  }
}

/// Extent of dim `d` for operand `o` (the gather table walks indexLimit rows).
uint64_t extent(const Instruction &inst, unsigned o, unsigned d) {
  if (inst.opcode == Opcode::DmaGather && o == 1 && d == 1)
    return inst.indexLimit;
  return inst.shape[d];
}

struct Range {
  Space space;
  uint64_t lo, hi; // bytes [lo, hi)
};

/// The bounding byte range of operand `o`; false if it overflows 64 bits.
bool operandRange(const Instruction &inst, unsigned o, Range &r) {
  const Operand &op = inst.operands[o];
  std::array<bool, 3> used = usedDims(inst, o);
  unsigned __int128 maxOff = 0;
  for (unsigned d = 0; d < 3; ++d)
    if (used[d] && extent(inst, o, d) > 0)
      maxOff += (unsigned __int128)(extent(inst, o, d) - 1) * uint64_t(op.strides[d]);
  unsigned __int128 hi = op.addr + (maxOff + 1) * elemBytes(op.type);
  if (hi > std::numeric_limits<uint64_t>::max())
    return false;
  r = {op.space, op.addr, uint64_t(hi)};
  return true;
}

uint64_t spaceSize(const Program &program, const NPUTargetDescription &t, Space s) {
  switch (s) {
  case Space::DRAM: return program.dramBytes;
  case Space::SPAD: return t.memory(MemoryKind::Scratchpad)->sizeBytes;
  case Space::ACC: return t.memory(MemoryKind::Accumulator)->sizeBytes;
  case Space::Imm: return 0;
  }
  return 0;
}

const char *operandRole(const Instruction &inst, unsigned o) {
  switch (inst.opcode) {
  case Opcode::Dma: return o == 0 ? "dst" : "src";
  case Opcode::DmaGather: return o == 0 ? "dst" : o == 1 ? "table" : "index";
  case Opcode::Matmul: return o == 0 ? "C" : o == 1 ? "A" : "B";
  case Opcode::VecSelect: return o == 0 ? "dst" : o == 1 ? "cond" : o == 2 ? "a" : "b";
  case Opcode::VecBinary: return o == 0 ? "dst" : o == 1 ? "src0" : "src1";
  default: return o == 0 ? "dst" : "src";
  }
}

std::string where(Queue q, size_t i, const Instruction &inst) {
  return std::string(queueName(q)) + " queue instruction " + std::to_string(i) + " (" +
         opcodeName(inst.opcode) + ")";
}

/// The compute domain of a vector instruction: float if any memory source
/// is a float type (or, with only immediates, the destination is).
bool floatDomain(const Instruction &inst) {
  unsigned first = inst.opcode == Opcode::VecSelect ? 2 : 1;
  bool anyMemory = false;
  for (unsigned o = first; o < numOperands(inst.opcode); ++o) {
    const Operand &op = inst.operands[o];
    if (op.space == Space::Imm)
      continue;
    anyMemory = true;
    if (isFloat(op.type))
      return true;
  }
  return !anyMemory && isFloat(inst.operands[0].type);
}

/// The integer domain is 64 bits wide when any memory operand, the
/// destination included, is i64; else 32 bits (as in ISA 1.0).
bool wideDomain(const Instruction &inst) {
  for (unsigned o = 0; o < numOperands(inst.opcode); ++o)
    if (inst.operands[o].space != Space::Imm && inst.operands[o].type == ElemType::I64)
      return true;
  return false;
}

constexpr unsigned __int128 kMaxPoints = (unsigned __int128)1 << 32;

bool checkInstruction(const Program &program, const NPUTargetDescription &t, Queue q,
                      size_t i, const Instruction &inst, std::string &error) {
  auto fail = [&](const std::string &message) {
    error = where(q, i, inst) + ": " + message;
    return false;
  };
  if (!queueAccepts(q, inst.opcode))
    return fail(std::string("a ") + opcodeName(inst.opcode) + " cannot sit in the " +
                queueName(q) + " queue");
  if (inst.opcode == Opcode::Wait || inst.opcode == Opcode::Signal) {
    if (inst.token >= program.numTokens)
      return fail("token t" + std::to_string(inst.token) + " is not below the program's " +
                  std::to_string(program.numTokens) + " tokens");
    return true;
  }
  for (unsigned d = 0; d < 3; ++d)
    if (inst.shape[d] == 0)
      return fail("shape dimension " + std::to_string(d) + " is 0");
  // Bounds the work of one instruction (a broadcast with 0 strides could
  // otherwise name 2^96 points and never finish).
  if ((unsigned __int128)inst.shape[0] * inst.shape[1] * inst.shape[2] > kMaxPoints)
    return fail("the shape " + std::to_string(inst.shape[0]) + "x" +
                std::to_string(inst.shape[1]) + "x" + std::to_string(inst.shape[2]) +
                " has more than 2^32 points");
  unsigned n = numOperands(inst.opcode);
  for (unsigned o = 0; o < n; ++o) {
    const Operand &op = inst.operands[o];
    std::string role = std::string("operand ") + std::to_string(o) + " (" + operandRole(inst, o) + ")";
    if (op.space == Space::Imm) {
      bool immOk = o > 0 && (inst.opcode == Opcode::VecUnary || inst.opcode == Opcode::VecBinary ||
                             (inst.opcode == Opcode::VecSelect && o >= 2));
      if (!immOk)
        return fail(role + " cannot be an immediate");
      continue;
    }
    for (unsigned d = 0; d < 3; ++d)
      if (op.strides[d] < 0)
        return fail(role + " has negative stride " + std::to_string(op.strides[d]));
    Range r;
    uint64_t size = spaceSize(program, t, op.space);
    if (!operandRange(inst, o, r) || r.hi > size)
      return fail(role + " in " + spaceName(op.space) + " reaches past the end of " +
                  spaceName(op.space) + " (" + std::to_string(size) + " bytes" +
                  (op.space == Space::DRAM ? ", the program's dram_bytes" : "") + ")");
  }
  const Operand &dst = inst.operands[0];
  auto onChip = [](const Operand &op) {
    return op.space == Space::SPAD || op.space == Space::ACC;
  };
  switch (inst.opcode) {
  case Opcode::Dma: {
    const Operand &src = inst.operands[1];
    if (dst.type != src.type)
      return fail("a DMA never converts: dst is " + std::string(elemTypeName(dst.type)) +
                  ", src is " + elemTypeName(src.type));
    if (q == Queue::Load && !(src.space == Space::DRAM && onChip(dst)))
      return fail("a load DMA moves dram -> spad/acc");
    if (q == Queue::Store && !(dst.space == Space::DRAM && onChip(src)))
      return fail("a store DMA moves spad/acc -> dram");
    return true;
  }
  case Opcode::DmaGather: {
    if (dst.space != Space::SPAD || inst.operands[1].space != Space::DRAM ||
        inst.operands[2].space != Space::SPAD)
      return fail("gather operands are dst (spad), table (dram), index (spad)");
    if (dst.type != inst.operands[1].type)
      return fail("gather dst and table types differ");
    if (inst.operands[2].type != ElemType::I32 && inst.operands[2].type != ElemType::I64)
      return fail("gather indices must be i32 or i64");
    if (inst.shape[0] != 1)
      return fail("gather shape[0] must be 1");
    if (inst.indexLimit == 0)
      return fail("gather limit must be positive");
    return true;
  }
  case Opcode::Matmul: {
    const Operand &a = inst.operands[1], &b = inst.operands[2];
    if (dst.space != Space::ACC || a.space != Space::SPAD || b.space != Space::SPAD)
      return fail("matmul operands are C (acc), A (spad), B (spad)");
    if (a.type != b.type)
      return fail("A and B types differ");
    const MatrixDType *md = t.matrixDType(a.type);
    if (!md)
      return fail(std::string("the matrix unit of '") + t.name + "' does not take " +
                  elemTypeName(a.type));
    ElemType want = a.type == ElemType::I8 ? ElemType::I32 : ElemType::F32;
    if (dst.type != want)
      return fail(std::string("C must be ") + elemTypeName(want) + " for " +
                  elemTypeName(a.type) + " inputs");
    if (inst.shape[1] > t.matrixRows || inst.shape[2] > t.matrixCols)
      return fail("K x N = " + std::to_string(inst.shape[1]) + " x " +
                  std::to_string(inst.shape[2]) + " exceeds the " +
                  std::to_string(t.matrixRows) + " x " + std::to_string(t.matrixCols) +
                  " array");
    return true;
  }
  default:
    break;
  }
  // Vector instructions.
  for (unsigned o = 0; o < n; ++o) {
    const Operand &op = inst.operands[o];
    if (op.space == Space::Imm)
      continue;
    if (!onChip(op))
      return fail("operand " + std::to_string(o) + " (" + operandRole(inst, o) +
                  "): the vector unit reads and writes spad or acc, not dram");
    if (!t.vectorSupports(op.type))
      return fail(std::string("the vector unit of '") + t.name + "' does not take " +
                  elemTypeName(op.type) + " (operand " + std::to_string(o) + ")");
  }
  bool fp = floatDomain(inst);
  if (inst.opcode == Opcode::VecUnary && !fp) {
    UnaryFn fn = UnaryFn(inst.fn);
    if (fn != UnaryFn::Copy && fn != UnaryFn::Neg && fn != UnaryFn::Abs &&
        fn != UnaryFn::Relu && fn != UnaryFn::Not)
      return fail(std::string("vunary.") + unaryFnName(fn) + " needs a float source");
  }
  if (inst.opcode == Opcode::VecBinary) {
    BinaryFn fn = BinaryFn(inst.fn);
    if (!fp && fn == BinaryFn::Pow)
      return fail("vbinary.pow needs a float source");
    if (isCompare(fn) && dst.type != ElemType::Bool)
      return fail(std::string("vbinary.") + binaryFnName(fn) + " writes bool");
  }
  if (inst.opcode == Opcode::VecSelect && inst.operands[1].type != ElemType::Bool)
    return fail("the select condition must be bool");
  return true;
}
} // namespace

bool kiln::npu::checkProgram(const Program &program, const NPUTargetDescription &t,
                             std::string &error) {
  const MemoryLevel *dram = t.memory(MemoryKind::DRAM);
  if (program.dramBytes > dram->sizeBytes) {
    error = "the program uses " + std::to_string(program.dramBytes) +
            " bytes of DRAM but '" + t.name + "' has " + std::to_string(dram->sizeBytes);
    return false;
  }
  if (program.numTokens > t.tokens) {
    error = "the program uses " + std::to_string(program.numTokens) + " tokens but '" +
            t.name + "' has " + std::to_string(t.tokens);
    return false;
  }
  auto checkBinding = [&](const Binding &b, const char *kind) {
    unsigned __int128 n = 1;
    for (int64_t d : b.shape) {
      n *= uint64_t(d);
      if (n > (unsigned __int128)1 << 62)
        break;
    }
    unsigned __int128 end = b.dramAddr + n * elemBytes(b.type);
    if (end > program.dramBytes) {
      error = std::string(kind) + " '" + b.name + "' at DRAM address " +
              std::to_string(b.dramAddr) + " reaches past dram_bytes (" +
              std::to_string(program.dramBytes) + ")";
      return false;
    }
    return true;
  };
  for (const Binding &b : program.inputs)
    if (!checkBinding(b, "input"))
      return false;
  for (const Binding &b : program.outputs)
    if (!checkBinding(b, "output"))
      return false;
  for (size_t i = 0; i < program.constants.size(); ++i) {
    const Segment &s = program.constants[i];
    if (s.dramAddr > program.dramBytes || s.bytes.size() > program.dramBytes - s.dramAddr) {
      error = "constant segment " + std::to_string(i) + " reaches past dram_bytes (" +
              std::to_string(program.dramBytes) + ")";
      return false;
    }
  }
  for (unsigned q = 0; q < kNumQueues; ++q)
    for (size_t i = 0; i < program.queues[q].size(); ++i)
      if (!checkInstruction(program, t, Queue(q), i, program.queues[q][i], error))
        return false;
  return true;
}

//===----------------------------------------------------------------------===//
// The machine.
//===----------------------------------------------------------------------===//

namespace {
class Machine {
public:
  Machine(const Program &program, const NPUTargetDescription &t, const SimOptions &options,
          SimResult &result)
      : program(program), t(t), options(options), result(result),
        spadLevel(*t.memory(MemoryKind::Scratchpad)),
        accLevel(*t.memory(MemoryKind::Accumulator)) {
  }

  /// The memories, zeroed. calloc maps untouched pages lazily, so a program
  /// that declares a large DRAM costs only what it touches, and a size the
  /// host cannot map is an error, not a crash.
  bool allocate(std::string &error) {
    for (auto [buffer, size, name] :
         {std::tuple{&dram, program.dramBytes, "DRAM"},
          std::tuple{&spad, spadLevel.sizeBytes, "scratchpad"},
          std::tuple{&acc, accLevel.sizeBytes, "accumulator"}}) {
      buffer->reset(static_cast<uint8_t *>(std::calloc(std::max<uint64_t>(size, 1), 1)));
      if (!*buffer) {
        error = std::string("cannot allocate ") + std::to_string(size) +
                " bytes for the simulated " + name;
        return false;
      }
    }
    return true;
  }

  bool run(const std::vector<HostTensor> &inputs, std::string &error);

private:
  uint8_t *base(Space s) {
    switch (s) {
    case Space::DRAM: return dram.get();
    case Space::SPAD: return spad.get();
    case Space::ACC: return acc.get();
    default: return nullptr;
    }
  }
  uint8_t *at(const Operand &op, uint64_t i, uint64_t j, uint64_t k) {
    return base(op.space) + op.addr +
           (i * uint64_t(op.strides[0]) + j * uint64_t(op.strides[1]) +
            k * uint64_t(op.strides[2])) *
               elemBytes(op.type);
  }

  // Functional execution.
  bool execute(Queue q, size_t index, const Instruction &inst, std::string &error);
  void execMatmul(const Instruction &inst);
  bool execVector(Queue q, size_t index, const Instruction &inst, std::string &error);

  // Timing.
  struct InFlight {
    uint64_t end;
    Engine engine;
    std::vector<Range> reads, writes;
  };
  struct EngineState {
    uint64_t busyFrom = 0, busyUntil = 0; // the last occupancy interval
    /// Bytes per cycle it moves in each Space (dram, spad, acc) while busy.
    double rate[3] = {};
  };
  uint64_t hazardReady(Queue q, const Instruction &inst, Engine engine,
                       const std::vector<Range> &reads, const std::vector<Range> &writes);
  uint64_t shared(Engine self, Space space, uint64_t bytes, double bandwidth,
                  uint64_t at) const;
  uint64_t sramCycles(Engine self, Space space, uint64_t bytes, uint64_t at) const;
  void timeInstruction(Queue q, size_t index, const Instruction &inst, uint64_t start);
  uint64_t candidateStart(Queue q, const Instruction &inst);

  const Program &program;
  const NPUTargetDescription &t;
  const SimOptions &options;
  SimResult &result;
  const MemoryLevel &spadLevel, &accLevel;
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t[], Free> dram, spad, acc;

  std::array<uint64_t, kNumQueues> ready{};
  std::array<uint64_t, kNumQueues> lastCompletion{};
  std::array<std::vector<InFlight>, kNumQueues> inFlight;
  std::array<EngineState, kNumEngines> engines;
  uint64_t matrixShadowFree = 0, matrixWeightFree = 0, matrixStreamFree = 0;
  std::vector<std::multiset<uint64_t>> tokenFires;
  uint64_t finish = 0;
};

Engine engineOf(Queue q, const Instruction &inst) {
  switch (inst.opcode) {
  case Opcode::Dma:
  case Opcode::DmaGather:
    return q == Queue::Store ? Engine::StoreDMA : Engine::LoadDMA;
  case Opcode::Matmul:
    return Engine::Matrix;
  default:
    return Engine::Vector;
  }
}

bool overlaps(const Range &a, const Range &b) {
  return a.space == b.space && a.lo < b.hi && b.lo < a.hi;
}

uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/// Elements per contiguous run of the DRAM side `d` of a transfer: from the
/// innermost dimension outwards (dimensions of extent 1 skipped), dimensions
/// merge while each stride equals the elements inside it. A gather's rows
/// are separate runs.
uint64_t contiguousRun(const Instruction &inst, const Operand &d) {
  unsigned first = inst.opcode == Opcode::DmaGather ? 2 : 0;
  uint64_t run = 1;
  for (int dim = 2; dim >= int(first); --dim) {
    uint64_t extent = inst.shape[dim];
    if (extent == 1)
      continue;
    if (uint64_t(d.strides[dim]) != run)
      break;
    run *= extent;
  }
  return run;
}
} // namespace

namespace {
/// c[n] = fmaf(a, b[n], c[n]): one correctly rounded fused multiply-add per
/// element, so every implementation gives the same bits. On x86-64 without
/// -mfma, fmaf is a libm call per element; a copy compiled for FMA hardware
/// (chosen at run time) is the same arithmetic, vectorized.
void fmaRowGeneric(float *c, float a, const float *b, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    c[i] = fmaf(a, b[i], c[i]);
}
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("fma"))) void fmaRowFMA(float *c, float a, const float *b,
                                              uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    c[i] = __builtin_fmaf(a, b[i], c[i]);
}
void fmaRow(float *c, float a, const float *b, uint64_t n) {
  static const bool hasFMA = __builtin_cpu_supports("fma");
  if (hasFMA)
    fmaRowFMA(c, a, b, n);
  else
    fmaRowGeneric(c, a, b, n);
}
#else
void fmaRow(float *c, float a, const float *b, uint64_t n) { fmaRowGeneric(c, a, b, n); }
#endif
} // namespace

void Machine::execMatmul(const Instruction &inst) {
  const Operand &C = inst.operands[0], &A = inst.operands[1], &B = inst.operands[2];
  uint64_t M = inst.shape[0], K = inst.shape[1], N = inst.shape[2];
  bool accumulate = inst.flags & kAccumulate;
  // Widen the B tile once; each C row then accumulates over k in order.
  if (A.type == ElemType::I8) {
    std::vector<int32_t> b(K * N), c(N), a(K);
    for (uint64_t k = 0; k < K; ++k)
      for (uint64_t n = 0; n < N; ++n)
        b[k * N + n] = int8_t(*at(B, 0, k, n));
    for (uint64_t m = 0; m < M; ++m) {
      for (uint64_t n = 0; n < N; ++n)
        c[n] = accumulate ? int32_t(loadInt(at(C, m, 0, n), ElemType::I32)) : 0;
      for (uint64_t k = 0; k < K; ++k) {
        int32_t av = int8_t(*at(A, m, k, 0));
        for (uint64_t n = 0; n < N; ++n)
          c[n] = int32_t(uint32_t(c[n]) + uint32_t(av * b[k * N + n]));
      }
      for (uint64_t n = 0; n < N; ++n)
        std::memcpy(at(C, m, 0, n), &c[n], 4);
    }
    return;
  }
  std::vector<float> b(K * N), c(N);
  for (uint64_t k = 0; k < K; ++k)
    for (uint64_t n = 0; n < N; ++n)
      b[k * N + n] = loadFloat(at(B, 0, k, n), B.type);
  for (uint64_t m = 0; m < M; ++m) {
    for (uint64_t n = 0; n < N; ++n) {
      if (accumulate)
        std::memcpy(&c[n], at(C, m, 0, n), 4);
      else
        c[n] = 0.0f;
    }
    for (uint64_t k = 0; k < K; ++k)
      fmaRow(c.data(), loadFloat(at(A, m, k, 0), A.type), &b[k * N], N);
    for (uint64_t n = 0; n < N; ++n)
      std::memcpy(at(C, m, 0, n), &c[n], 4);
  }
}

bool Machine::execVector(Queue q, size_t index, const Instruction &inst,
                         std::string &error) {
  const Operand &dst = inst.operands[0];
  uint64_t I = inst.shape[0], J = inst.shape[1], K = inst.shape[2];
  bool fp = floatDomain(inst), wide = wideDomain(inst);
  auto readF = [&](const Operand &op, uint64_t i, uint64_t j, uint64_t k) -> float {
    return op.space == Space::Imm ? float(op.imm) : loadFloat(at(op, i, j, k), op.type);
  };
  // A source in the integer domain: an immediate truncates toward zero
  // (saturating at the int64 range), then wraps to the domain.
  auto readI = [&](const Operand &op, uint64_t i, uint64_t j, uint64_t k) -> int64_t {
    int64_t v = op.space == Space::Imm ? floatToInt(op.imm, INT64_MIN, INT64_MAX)
                                       : loadInt(at(op, i, j, k), op.type);
    return wide ? v : wrap32(v);
  };
  switch (inst.opcode) {
  case Opcode::VecUnary: {
    UnaryFn fn = UnaryFn(inst.fn);
    const Operand &src = inst.operands[1];
    for (uint64_t i = 0; i < I; ++i)
      for (uint64_t j = 0; j < J; ++j)
        for (uint64_t k = 0; k < K; ++k) {
          if (fp)
            storeFloat(at(dst, i, j, k), dst.type, unaryFloat(fn, readF(src, i, j, k)));
          else if (fn == UnaryFn::Copy && src.space != Space::Imm)
            // The conversion takes the exact source value (an i64 is not
            // first wrapped to the 32-bit domain).
            storeInt(at(dst, i, j, k), dst.type, loadInt(at(src, i, j, k), src.type));
          else
            storeInt(at(dst, i, j, k), dst.type, unaryInt(fn, readI(src, i, j, k), wide));
        }
    return true;
  }
  case Opcode::VecBinary: {
    BinaryFn fn = BinaryFn(inst.fn);
    const Operand &a = inst.operands[1], &b = inst.operands[2];
    for (uint64_t i = 0; i < I; ++i)
      for (uint64_t j = 0; j < J; ++j)
        for (uint64_t k = 0; k < K; ++k) {
          uint8_t *p = at(dst, i, j, k);
          if (fp) {
            float r = binaryFloat(fn, readF(a, i, j, k), readF(b, i, j, k));
            if (isCompare(fn) || fn == BinaryFn::And || fn == BinaryFn::Or)
              storeInt(p, dst.type, r != 0);
            else
              storeFloat(p, dst.type, r);
            continue;
          }
          int64_t x = readI(a, i, j, k), y = readI(b, i, j, k);
          if (fn == BinaryFn::Div && y == 0) {
            error = where(q, index, inst) + ": integer division by zero at element (" +
                    std::to_string(i) + ", " + std::to_string(j) + ", " +
                    std::to_string(k) + ") (dividend " + std::to_string(x) + ")";
            return false;
          }
          storeInt(p, dst.type, binaryInt(fn, x, y, wide));
        }
    return true;
  }
  case Opcode::VecReduce: {
    ReduceFn fn = ReduceFn(inst.fn);
    const Operand &src = inst.operands[1];
    for (uint64_t i = 0; i < I; ++i)
      for (uint64_t j = 0; j < J; ++j) {
        if (fp) {
          float r = readF(src, i, j, 0);
          for (uint64_t k = 1; k < K; ++k) {
            float x = readF(src, i, j, k);
            r = fn == ReduceFn::Sum ? r + x
                                    : binaryFloat(fn == ReduceFn::Max ? BinaryFn::Max
                                                                      : BinaryFn::Min,
                                                  r, x);
          }
          storeFloat(at(dst, i, j, 0), dst.type, r);
        } else {
          int64_t r = readI(src, i, j, 0);
          for (uint64_t k = 1; k < K; ++k)
            r = binaryInt(fn == ReduceFn::Sum   ? BinaryFn::Add
                          : fn == ReduceFn::Max ? BinaryFn::Max
                                                : BinaryFn::Min,
                          r, readI(src, i, j, k), wide);
          storeInt(at(dst, i, j, 0), dst.type, r);
        }
      }
    return true;
  }
  case Opcode::VecSelect: {
    const Operand &cond = inst.operands[1], &a = inst.operands[2], &b = inst.operands[3];
    for (uint64_t i = 0; i < I; ++i)
      for (uint64_t j = 0; j < J; ++j)
        for (uint64_t k = 0; k < K; ++k) {
          const Operand &pick = *at(cond, i, j, k) ? a : b;
          uint8_t *p = at(dst, i, j, k);
          if (fp)
            storeFloat(p, dst.type, readF(pick, i, j, k));
          else
            storeInt(p, dst.type, readI(pick, i, j, k));
        }
    return true;
  }
  default:
    return true;
  }
}

bool Machine::execute(Queue q, size_t index, const Instruction &inst, std::string &error) {
  switch (inst.opcode) {
  case Opcode::Dma: {
    const Operand &dst = inst.operands[0], &src = inst.operands[1];
    unsigned eb = elemBytes(dst.type);
    for (uint64_t i = 0; i < inst.shape[0]; ++i)
      for (uint64_t j = 0; j < inst.shape[1]; ++j) {
        if (dst.strides[2] == 1 && src.strides[2] == 1) {
          std::memmove(at(dst, i, j, 0), at(src, i, j, 0), inst.shape[2] * eb);
          continue;
        }
        for (uint64_t k = 0; k < inst.shape[2]; ++k)
          std::memmove(at(dst, i, j, k), at(src, i, j, k), eb);
      }
    return true;
  }
  case Opcode::DmaGather: {
    const Operand &dst = inst.operands[0], &table = inst.operands[1], &idx = inst.operands[2];
    unsigned eb = elemBytes(dst.type);
    for (uint64_t j = 0; j < inst.shape[1]; ++j) {
      // Negative indices count from the back once (ONNX Gather, numpy
      // take): the engine adds the limit to an index in [-limit, 0).
      int64_t row = loadInt(at(idx, 0, j, 0), idx.type);
      int64_t limit = int64_t(inst.indexLimit);
      if (row < -limit || row >= limit) {
        error = where(q, index, inst) + ": operand 2 (index): index " + std::to_string(row) +
                " at row " + std::to_string(j) + " is outside [" + std::to_string(-limit) +
                ", " + std::to_string(limit) + ")";
        return false;
      }
      if (row < 0)
        row += limit;
      for (uint64_t k = 0; k < inst.shape[2]; ++k)
        std::memmove(at(dst, 0, j, k), at(table, 0, uint64_t(row), k), eb);
    }
    return true;
  }
  case Opcode::Matmul:
    execMatmul(inst);
    result.macs += uint64_t(inst.shape[0]) * inst.shape[1] * inst.shape[2];
    return true;
  default:
    return execVector(q, index, inst, error);
  }
}

uint64_t Machine::hazardReady(Queue q, const Instruction &inst, Engine engine,
                              const std::vector<Range> &reads,
                              const std::vector<Range> &writes) {
  uint64_t t0 = 0;
  for (const InFlight &f : inFlight[size_t(q)]) {
    // Back-to-back matmuls pipeline through the array: their accumulations
    // into C reach the accumulator in order.
    if (engine == Engine::Matrix && f.engine == Engine::Matrix)
      continue;
    bool conflict = false;
    for (const Range &w : f.writes) {
      for (const Range &r : reads)
        conflict |= overlaps(w, r);
      for (const Range &w2 : writes)
        conflict |= overlaps(w, w2);
    }
    for (const Range &r : f.reads)
      for (const Range &w : writes)
        conflict |= overlaps(r, w);
    if (conflict)
      t0 = std::max(t0, f.end);
  }
  (void)inst;
  return t0;
}

uint64_t Machine::shared(Engine self, Space space, uint64_t bytes, double bandwidth,
                         uint64_t at) const {
  // Engines already moving data in `space` at `at` keep their rates; this
  // one gets what is left, but never less than a fair share, until the
  // last of them finishes; then the full bandwidth.
  double others = 0, remaining = 0;
  unsigned n = 0;
  for (unsigned e = 0; e < kNumEngines; ++e) {
    const EngineState &s = engines[e];
    if (Engine(e) == self || s.rate[unsigned(space)] <= 0 || at < s.busyFrom ||
        at >= s.busyUntil)
      continue;
    others += s.rate[unsigned(space)];
    remaining = std::max(remaining, double(s.busyUntil - at));
    ++n;
  }
  if (n == 0)
    return uint64_t(std::ceil(double(bytes) / bandwidth));
  double mine = std::max(bandwidth - others, bandwidth / (n + 1));
  double shared = std::min(double(bytes), mine * remaining);
  return uint64_t(std::ceil(shared / mine + (double(bytes) - shared) / bandwidth));
}

uint64_t Machine::sramCycles(Engine self, Space space, uint64_t bytes, uint64_t at) const {
  if (bytes == 0)
    return 0;
  const MemoryLevel &level = space == Space::SPAD ? spadLevel : accLevel;
  uint64_t perCycle = uint64_t(level.banks) * level.bankBytesPerCycle;
  return shared(self, space, bytes, double(perCycle), at);
}

/// Earliest start of `inst` at the head of queue `q` (Wait/Signal handled by
/// the caller).
uint64_t Machine::candidateStart(Queue q, const Instruction &inst) {
  Engine engine = engineOf(q, inst);
  std::vector<Range> reads, writes;
  for (unsigned o = 0; o < numOperands(inst.opcode); ++o) {
    Range r;
    if (inst.operands[o].space == Space::Imm || !operandRange(inst, o, r))
      continue;
    (o == 0 ? writes : reads).push_back(r);
  }
  if (inst.opcode == Opcode::Matmul && (inst.flags & kAccumulate))
    reads.push_back(writes[0]);
  uint64_t start = std::max(ready[size_t(q)], hazardReady(q, inst, engine, reads, writes));
  if (engine == Engine::Matrix)
    start = std::max({start, matrixShadowFree, matrixWeightFree});
  else
    start = std::max(start, engines[unsigned(engine)].busyUntil);
  return start;
}

void Machine::timeInstruction(Queue q, size_t index, const Instruction &inst,
                              uint64_t start) {
  Engine engine = engineOf(q, inst);
  std::vector<Range> reads, writes;
  uint64_t bytesIn[3] = {};
  for (unsigned o = 0; o < numOperands(inst.opcode); ++o) {
    const Operand &op = inst.operands[o];
    Range r;
    if (op.space == Space::Imm || !operandRange(inst, o, r))
      continue;
    (o == 0 ? writes : reads).push_back(r);
    std::array<bool, 3> used = usedDims(inst, o);
    uint64_t elems = 1;
    for (unsigned d = 0; d < 3; ++d)
      if (used[d])
        elems *= inst.shape[d];
    bytesIn[unsigned(op.space)] += elems * elemBytes(op.type);
  }
  uint64_t occupancyStart = start, occupancyEnd, end;
  EngineState &es = engines[unsigned(engine)];
  std::string name = opcodeName(inst.opcode);
  switch (engine) {
  case Engine::LoadDMA:
  case Engine::StoreDMA: {
    const MemoryLevel &off = *t.memory(MemoryKind::DRAM);
    // Burst-rounded bytes of the DRAM side: contiguous runs of the
    // innermost dims, each rounded up to the burst.
    const Operand &d = inst.opcode == Opcode::DmaGather ? inst.operands[1]
                       : q == Queue::Store              ? inst.operands[0]
                                                        : inst.operands[1];
    unsigned eb = elemBytes(d.type);
    uint64_t elements = uint64_t(inst.shape[0]) * inst.shape[1] * inst.shape[2];
    uint64_t runElems = contiguousRun(inst, d);
    uint64_t runs = elements / runElems;
    uint64_t busBytes = runs * (ceilDiv(runElems * eb, t.dmaBurstBytes) * t.dmaBurstBytes);
    uint64_t dataBytes = elements * eb;
    uint64_t transfer = shared(engine, Space::DRAM, busBytes, t.offChipBytesPerCycle(), start);
    bytesIn[unsigned(Space::DRAM)] = busBytes;
    uint64_t onChip = std::max(sramCycles(engine, Space::SPAD, bytesIn[1], start),
                               sramCycles(engine, Space::ACC, bytesIn[2], start));
    occupancyEnd = start + t.dmaSetupCycles + std::max(transfer, onChip);
    end = occupancyEnd + off.latencyCycles;
    if (engine == Engine::LoadDMA)
      result.dramBytesRead += dataBytes;
    else
      result.dramBytesWritten += dataBytes;
    break;
  }
  case Engine::Matrix: {
    const MatrixDType *md = t.matrixDType(inst.operands[1].type);
    uint64_t M = inst.shape[0];
    uint64_t wlStart = start, wlEnd = wlStart + t.weightLoadCycles;
    uint64_t streamStart = std::max(wlEnd, matrixStreamFree);
    uint64_t accBytes = M * inst.shape[2] * 4 * ((inst.flags & kAccumulate) ? 2 : 1);
    bytesIn[unsigned(Space::ACC)] = accBytes;
    uint64_t stream = std::max({M * md->cyclesPerRow,
                                sramCycles(engine, Space::SPAD, M * inst.shape[1] *
                                                                    elemBytes(inst.operands[1].type),
                                           streamStart),
                                sramCycles(engine, Space::ACC, accBytes, streamStart)});
    matrixWeightFree = wlEnd;
    matrixShadowFree = streamStart;
    matrixStreamFree = streamStart + stream;
    occupancyStart = streamStart;
    occupancyEnd = streamStart + stream;
    end = occupancyEnd + t.matrixRows + t.matrixCols;
    if (inst.flags & kAccumulate)
      name += ".acc";
    break;
  }
  case Engine::Vector: {
    uint64_t elems = uint64_t(inst.shape[0]) * inst.shape[1] * inst.shape[2];
    uint64_t groups = ceilDiv(elems, t.vectorLanes);
    uint64_t perGroup = isSpecial(inst) ? t.vectorSpecialCycles : 1;
    // 64-bit integer work takes i64_cycles passes of the 32-bit lanes (the
    // converter of vunary.copy is as wide as its widest type).
    if (wideDomain(inst) && !floatDomain(inst) &&
        !(inst.opcode == Opcode::VecUnary && UnaryFn(inst.fn) == UnaryFn::Copy))
      perGroup *= t.vectorI64Cycles;
    uint64_t issue = std::max({groups * perGroup,
                               sramCycles(engine, Space::SPAD, bytesIn[1], start),
                               sramCycles(engine, Space::ACC, bytesIn[2], start)});
    occupancyEnd = start + issue;
    end = occupancyEnd + t.vectorLatencyCycles;
    if (inst.opcode == Opcode::VecUnary)
      name = std::string("v") + unaryFnName(UnaryFn(inst.fn));
    else if (inst.opcode == Opcode::VecBinary)
      name = std::string("v") + binaryFnName(BinaryFn(inst.fn));
    else if (inst.opcode == Opcode::VecReduce)
      name = std::string("vreduce.") + reduceFnName(ReduceFn(inst.fn));
    break;
  }
  }
  es.busyFrom = occupancyStart;
  es.busyUntil = occupancyEnd;
  if (engine == Engine::Matrix) // weights load before the streaming window
    bytesIn[unsigned(Space::SPAD)] -= uint64_t(inst.shape[1]) * inst.shape[2] *
                                      elemBytes(inst.operands[2].type);
  for (unsigned s = 0; s < 3; ++s)
    es.rate[s] = occupancyEnd > occupancyStart
                     ? double(bytesIn[s]) / double(occupancyEnd - occupancyStart)
                     : 0;
  result.busyCycles[unsigned(engine)] += occupancyEnd - occupancyStart;
  ready[size_t(q)] = start + 1;
  lastCompletion[size_t(q)] = std::max(lastCompletion[size_t(q)], end);
  finish = std::max(finish, end);
  auto &fl = inFlight[size_t(q)];
  fl.erase(std::remove_if(fl.begin(), fl.end(),
                          [&](const InFlight &f) { return f.end <= start; }),
           fl.end());
  fl.push_back({end, engine, std::move(reads), std::move(writes)});
  if (options.recordTrace)
    result.trace.push_back({engine, q, uint32_t(index), occupancyStart, end, name,
                            inst.comment});
}

bool Machine::run(const std::vector<HostTensor> &inputs, std::string &error) {
  // Inputs and constants into DRAM.
  if (inputs.size() != program.inputs.size()) {
    error = "the program takes " + std::to_string(program.inputs.size()) + " input" +
            (program.inputs.size() == 1 ? "" : "s") + " but " +
            std::to_string(inputs.size()) + " were given";
    return false;
  }
  for (const Segment &s : program.constants)
    if (!s.bytes.empty())
      std::memcpy(dram.get() + s.dramAddr, s.bytes.data(), s.bytes.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Binding &b = program.inputs[i];
    HostTensor in = inputs[i];
    DType want = hostDType(b.type);
    if (in.dtype() != want && in.dtype() == DType::F32 &&
        (want == DType::BF16 || want == DType::F16))
      in = in.convertTo(want);
    if (in.dtype() != want) {
      error = "input " + std::to_string(i) + " ('" + b.name + "') is " +
              dtypeName(in.dtype()) + " but the program takes " + elemTypeName(b.type);
      return false;
    }
    if (in.shape() != b.shape) {
      error = "input " + std::to_string(i) + " ('" + b.name + "') has shape [" +
              HostTensor::shapeString(in.shape()) + "] but the program takes [" +
              HostTensor::shapeString(b.shape) + "]";
      return false;
    }
    if (in.byteSize())
      std::memcpy(dram.get() + b.dramAddr, in.data(), in.byteSize());
  }

  tokenFires.assign(program.numTokens, {});
  std::array<size_t, kNumQueues> pc{};
  while (true) {
    int best = -1;
    uint64_t bestStart = 0;
    bool anyLeft = false;
    for (unsigned q = 0; q < kNumQueues; ++q) {
      if (pc[q] >= program.queues[q].size())
        continue;
      anyLeft = true;
      const Instruction &inst = program.queues[q][pc[q]];
      uint64_t s;
      if (inst.opcode == Opcode::Wait) {
        auto &fires = tokenFires[inst.token];
        if (fires.empty())
          continue;
        s = std::max(ready[q], *fires.begin());
      } else if (inst.opcode == Opcode::Signal) {
        s = ready[q];
      } else {
        s = candidateStart(Queue(q), inst);
      }
      if (best < 0 || s < bestStart) {
        best = int(q);
        bestStart = s;
      }
    }
    if (!anyLeft)
      break;
    if (best < 0) {
      error = "deadlock: every unfinished queue waits on a token no queue will signal:";
      for (unsigned q = 0; q < kNumQueues; ++q)
        if (pc[q] < program.queues[q].size())
          error += std::string(" ") + queueName(Queue(q)) + " queue instruction " +
                   std::to_string(pc[q]) + " (wait t" +
                   std::to_string(program.queues[q][pc[q]].token) + ");";
      error.pop_back();
      return false;
    }
    unsigned q = unsigned(best);
    const Instruction &inst = program.queues[q][pc[q]];
    if (inst.opcode == Opcode::Wait) {
      auto &fires = tokenFires[inst.token];
      fires.erase(fires.begin());
      ready[q] = bestStart;
    } else if (inst.opcode == Opcode::Signal) {
      uint64_t fire = std::max(bestStart, lastCompletion[q]);
      tokenFires[inst.token].insert(fire);
      finish = std::max(finish, fire);
    } else {
      if (!execute(Queue(q), pc[q], inst, error))
        return false;
      timeInstruction(Queue(q), pc[q], inst, bestStart);
    }
    ++result.instructionsExecuted[q];
    ++pc[q];
  }

  for (const Binding &b : program.outputs) {
    HostTensor out(hostDType(b.type), b.shape);
    if (out.byteSize())
      std::memcpy(out.data(), dram.get() + b.dramAddr, out.byteSize());
    result.outputs.push_back(std::move(out));
  }
  result.cycles = finish;
  result.seconds = double(finish) / (t.frequencyGHz * 1e9);
  for (unsigned e = 0; e < kNumEngines; ++e)
    result.utilization[e] = finish ? double(result.busyCycles[e]) / double(finish) : 0;
  return true;
}

bool kiln::npu::simulate(const Program &program, const std::vector<HostTensor> &inputs,
                         const SimOptions &options, SimResult &result, std::string &error) {
  NPUTargetDescription target;
  if (options.target) {
    target = *options.target;
  } else if (!parseNPUTargetDescription(program.targetJSON, "the program's embedded target",
                                        target, error)) {
    return false;
  }
  if (!checkProgram(program, target, error))
    return false;
  SimResult r;
  Machine machine(program, target, options, r);
  if (!machine.allocate(error) || !machine.run(inputs, error))
    return false;
  result = std::move(r);
  return true;
}

std::vector<HostTensor> kiln::npu::generateRandomInputs(const Program &program,
                                                        uint64_t seed) {
  // SplitMix64, exactly as kiln/Execution/Inputs.cpp draws: one stream over
  // the inputs in order, floats 2u - 1, integers below 2.
  uint64_t state = seed;
  auto next = [&]() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::vector<HostTensor> inputs;
  for (const Binding &b : program.inputs) {
    HostTensor tensor(hostDType(b.type), b.shape);
    bool fp = isFloat(b.type);
    for (int64_t i = 0, e = tensor.numElements(); i < e; ++i) {
      if (fp)
        tensor.setDouble(i, 2.0 * (double(next() >> 11) * 0x1.0p-53) - 1.0);
      else
        tensor.setInt(i, int64_t(next() % 2));
    }
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}
