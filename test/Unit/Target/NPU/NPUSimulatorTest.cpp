//===- NPUSimulatorTest.cpp - The NPU ISA library and simulator -----------===//
//
// Programs built in C++ against independent references: a plain C++ matmul
// (sequential fmaf over k), libm for the vector functions, the Support
// float16 conversions for rounding. Plus encoding robustness (every prefix
// and random byte flips decode to an error or a program, never a crash) and
// the timing model's claims (token overlap, utilization).
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Float16.h"
#include "kiln/Target/NPU/ISA.h"
#include "kiln/Target/NPU/NPUTargetDescription.h"
#include "kiln/Target/NPU/Simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace kiln;
using namespace kiln::npu;

namespace {

NPUTargetDescription loadTarget(const std::string &name) {
  NPUTargetDescription t;
  std::string error;
  EXPECT_TRUE(loadNPUTargetDescription(std::string(KILN_TARGETS_DIR) + "/" + name + ".json",
                                       t, error))
      << error;
  return t;
}

Operand mem(Space space, ElemType type, uint64_t addr, int64_t s0, int64_t s1, int64_t s2) {
  Operand op;
  op.space = space;
  op.type = type;
  op.addr = addr;
  op.strides = {s0, s1, s2};
  return op;
}

Operand imm(ElemType type, double v) {
  Operand op;
  op.space = Space::Imm;
  op.type = type;
  op.imm = v;
  return op;
}

Instruction inst(Opcode opcode, std::array<uint32_t, 3> shape, std::vector<Operand> ops,
                 uint8_t fn = 0, uint8_t flags = 0) {
  Instruction i;
  i.opcode = opcode;
  i.shape = shape;
  i.fn = fn;
  i.flags = flags;
  for (size_t o = 0; o < ops.size(); ++o)
    i.operands[o] = ops[o];
  return i;
}

Instruction wait(uint32_t t) {
  Instruction i;
  i.opcode = Opcode::Wait;
  i.token = t;
  return i;
}
Instruction signal(uint32_t t) {
  Instruction i;
  i.opcode = Opcode::Signal;
  i.token = t;
  return i;
}

/// A program on `target` with one input `x` and one output `y`, both
/// [rows, cols] of `type`, DRAM x at 0 and y right after.
Program ioProgram(const NPUTargetDescription &t, ElemType inType, ElemType outType,
                  int64_t rows, int64_t cols) {
  Program p;
  p.targetJSON = toJSON(t);
  p.inputs.push_back({"x", inType, {rows, cols}, 0});
  uint64_t xBytes = uint64_t(rows * cols) * elemBytes(inType);
  p.outputs.push_back({"y", outType, {rows, cols}, xBytes});
  p.dramBytes = xBytes + uint64_t(rows * cols) * elemBytes(outType);
  return p;
}

/// x -> spad, f(x) -> spad (out type), -> y; tokens order the queues.
Program unaryProgram(const NPUTargetDescription &t, UnaryFn fn, ElemType inType,
                     ElemType outType, uint32_t n) {
  Program p = ioProgram(t, inType, outType, 1, n);
  p.numTokens = 2;
  uint64_t outSpad = 1 << 16;
  p.queues[0].push_back(inst(Opcode::Dma, {1, 1, n},
                             {mem(Space::SPAD, inType, 0, 0, 0, 1),
                              mem(Space::DRAM, inType, 0, 0, 0, 1)}));
  p.queues[0].push_back(signal(0));
  p.queues[1].push_back(wait(0));
  p.queues[1].push_back(inst(Opcode::VecUnary, {1, 1, n},
                             {mem(Space::SPAD, outType, outSpad, 0, 0, 1),
                              mem(Space::SPAD, inType, 0, 0, 0, 1)},
                             uint8_t(fn)));
  p.queues[1].push_back(signal(1));
  p.queues[2].push_back(wait(1));
  p.queues[2].push_back(inst(Opcode::Dma, {1, 1, n},
                             {mem(Space::DRAM, outType, p.outputs[0].dramAddr, 0, 0, 1),
                              mem(Space::SPAD, outType, outSpad, 0, 0, 1)}));
  return p;
}

SimResult run(const Program &p, const std::vector<HostTensor> &inputs,
              bool trace = false) {
  SimOptions options;
  options.recordTrace = trace;
  SimResult r;
  std::string error;
  EXPECT_TRUE(simulate(p, inputs, options, r, error)) << error;
  return r;
}

HostTensor sweep(int64_t n, double lo, double hi) {
  HostTensor x(DType::F32, {1, n});
  for (int64_t i = 0; i < n; ++i)
    x.setDouble(i, lo + (hi - lo) * double(i) / double(n - 1));
  return x;
}

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

//===----------------------------------------------------------------------===//
// Matmul: a tiled program against a plain C++ reference, bit for bit.
//===----------------------------------------------------------------------===//

/// C[M,N] = A[M,K] x B[K,N] tiled over the array: for each n-tile, for each
/// k-tile, load the B tile (double-buffered, tokens 0/1 "loaded", 2/3
/// "free"), matmul into the n-tile's accumulator, then store. A is loaded
/// whole at the start. `serialize` makes every load wait for the previous
/// matmul (one buffer): no overlap.
Program matmulProgram(const NPUTargetDescription &t, ElemType type, uint32_t M, uint32_t K,
                      uint32_t N, bool serialize) {
  uint32_t R = t.matrixRows, Cc = t.matrixCols;
  unsigned eb = elemBytes(type);
  ElemType accType = type == ElemType::I8 ? ElemType::I32 : ElemType::F32;
  Program p;
  p.targetJSON = toJSON(t);
  uint64_t aBytes = uint64_t(M) * K * eb, bBytes = uint64_t(K) * N * eb;
  p.inputs.push_back({"a", type, {M, K}, 0});
  p.inputs.push_back({"b", type, {K, N}, aBytes});
  p.outputs.push_back({"c", accType, {M, N}, aBytes + bBytes});
  p.dramBytes = aBytes + bBytes + uint64_t(M) * N * 4;
  // Tokens: 0,1 B buffer loaded; 2,3 B buffer free; 4 A loaded; 5,6 C
  // buffer done; 7,8 C buffer stored.
  p.numTokens = 9;
  uint64_t spadA = 0, spadB[2] = {aBytes, aBytes + uint64_t(R) * Cc * eb};
  uint64_t accC[2] = {0, uint64_t(M) * Cc * 4};
  auto &load = p.queues[0], &compute = p.queues[1], &store = p.queues[2];
  load.push_back(inst(Opcode::Dma, {1, M, K},
                      {mem(Space::SPAD, type, spadA, 0, K, 1),
                       mem(Space::DRAM, type, 0, 0, K, 1)}));
  load.push_back(signal(4));
  compute.push_back(wait(4));
  unsigned step = 0, nTiles = (N + Cc - 1) / Cc, kTiles = (K + R - 1) / R;
  for (unsigned j = 0; j < nTiles; ++j) {
    uint32_t n0 = j * Cc, nn = std::min(Cc, N - n0);
    unsigned cb = j % 2;
    if (j >= 2)
      compute.push_back(wait(7 + cb)); // C buffer stored
    for (unsigned k = 0; k < kTiles; ++k, ++step) {
      uint32_t k0 = k * R, kk = std::min(R, K - k0);
      unsigned b = serialize ? 0 : step % 2;
      if (serialize ? step >= 1 : step >= 2)
        load.push_back(wait(2 + b));
      load.push_back(inst(Opcode::Dma, {1, kk, nn},
                          {mem(Space::SPAD, type, spadB[b], 0, nn, 1),
                           mem(Space::DRAM, type, aBytes + (uint64_t(k0) * N + n0) * eb, 0,
                               N, 1)}));
      load.push_back(signal(b));
      compute.push_back(wait(b));
      Instruction mm = inst(Opcode::Matmul, {M, kk, nn},
                            {mem(Space::ACC, accType, accC[cb], Cc, 0, 1),
                             mem(Space::SPAD, type, spadA + uint64_t(k0) * eb, K, 1, 0),
                             mem(Space::SPAD, type, spadB[b], 0, nn, 1)},
                            0, k ? kAccumulate : 0);
      mm.comment = "n-tile " + std::to_string(j) + " k-tile " + std::to_string(k);
      compute.push_back(mm);
      compute.push_back(signal(2 + b));
    }
    compute.push_back(signal(5 + cb));
    store.push_back(wait(5 + cb));
    store.push_back(inst(Opcode::Dma, {1, M, nn},
                         {mem(Space::DRAM, accType, aBytes + bBytes + uint64_t(n0) * 4, 0, N, 1),
                          mem(Space::ACC, accType, accC[cb], 0, Cc, 1)}));
    store.push_back(signal(7 + cb));
  }
  return p;
}

HostTensor randomTensor(DType dtype, std::vector<int64_t> shape, uint64_t seed) {
  HostTensor x(dtype, shape);
  uint64_t s = seed;
  for (int64_t i = 0; i < x.numElements(); ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double u = double(s >> 11) * 0x1.0p-53;
    if (dtype == DType::I8)
      x.setInt(i, int64_t(u * 256) - 128);
    else
      x.setDouble(i, 2 * u - 1);
  }
  return x;
}

void checkMatmul(const std::string &targetName, ElemType type, uint32_t M, uint32_t K,
                 uint32_t N) {
  NPUTargetDescription t = loadTarget(targetName);
  Program p = matmulProgram(t, type, M, K, N, false);
  std::string error;
  ASSERT_TRUE(checkProgram(p, t, error)) << error;
  DType d = hostDType(type);
  HostTensor a = randomTensor(d, {M, K}, 1), b = randomTensor(d, {K, N}, 2);
  SimResult r = run(p, {a, b});
  ASSERT_EQ(r.outputs.size(), 1u);
  const HostTensor &c = r.outputs[0];
  // The reference: k-tiles accumulate in order, each a sequential fmaf
  // chain, which is one chain over all k.
  for (uint32_t m = 0; m < M; ++m)
    for (uint32_t n = 0; n < N; ++n) {
      if (type == ElemType::I8) {
        int32_t acc = 0;
        for (uint32_t k = 0; k < K; ++k)
          acc += int32_t(a.getInt(m * K + k) * b.getInt(k * N + n));
        ASSERT_EQ(c.getInt(m * N + n), acc) << m << "," << n;
      } else {
        float acc = 0;
        for (uint32_t k = 0; k < K; ++k)
          acc = std::fmaf(float(a.getDouble(m * K + k)), float(b.getDouble(k * N + n)), acc);
        ASSERT_EQ(bits(float(c.getDouble(m * N + n))), bits(acc)) << m << "," << n;
      }
    }
  EXPECT_EQ(r.macs, uint64_t(M) * K * N);
}

TEST(NPUSimulator, MatmulF32MatchesReferenceBitExact) {
  checkMatmul("npu-edge", ElemType::F32, 40, 48, 32);
}
TEST(NPUSimulator, MatmulBF16MatchesReference) {
  checkMatmul("npu-edge", ElemType::BF16, 17, 40, 24);
}
TEST(NPUSimulator, MatmulI8WrapsInInt32) { checkMatmul("npu-edge", ElemType::I8, 8, 32, 16); }
TEST(NPUSimulator, MatmulOnCloudNonMultipleTiles) {
  checkMatmul("npu-cloud", ElemType::F16, 9, 200, 130);
}

//===----------------------------------------------------------------------===//
// Timing.
//===----------------------------------------------------------------------===//

TEST(NPUSimulator, DoubleBufferingOverlapsDMAWithCompute) {
  NPUTargetDescription t = loadTarget("npu-edge");
  HostTensor a = randomTensor(DType::F32, {256, 64}, 3), b = randomTensor(DType::F32, {64, 64}, 4);
  SimResult overlapped = run(matmulProgram(t, ElemType::F32, 256, 64, 64, false), {a, b});
  SimResult serial = run(matmulProgram(t, ElemType::F32, 256, 64, 64, true), {a, b});
  // Same results, fewer cycles.
  EXPECT_EQ(std::memcmp(overlapped.outputs[0].data(), serial.outputs[0].data(),
                        overlapped.outputs[0].byteSize()),
            0);
  EXPECT_LT(overlapped.cycles, serial.cycles);
  // Busy matrix cycles are the streamed rows: 16 matmuls of 256 rows.
  EXPECT_EQ(overlapped.busyCycles[unsigned(Engine::Matrix)], 16u * 256u);
  EXPECT_EQ(serial.busyCycles[unsigned(Engine::Matrix)], 16u * 256u);
  EXPECT_GT(overlapped.utilization[unsigned(Engine::Matrix)],
            serial.utilization[unsigned(Engine::Matrix)]);
  EXPECT_EQ(overlapped.dramBytesRead, (256u * 64u + 64u * 64u) * 4u);
  EXPECT_EQ(overlapped.dramBytesWritten, 256u * 64u * 4u);
}

TEST(NPUSimulator, DoubleBufferedUtilization) {
  // A resident, B tiles double-buffered, C double-buffered: after A's load
  // the array streams back to back. Pin the figures (they are the model's).
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = matmulProgram(t, ElemType::F32, 512, 64, 256, false);
  HostTensor a = randomTensor(DType::F32, {512, 64}, 5), b = randomTensor(DType::F32, {64, 256}, 6);
  SimResult r = run(p, {a, b}, true);
  double util = r.utilization[unsigned(Engine::Matrix)];
  // 64 matmuls x 512 rows stream; A's 128 KiB load (~5.1k cycles at 25.6
  // B/cycle) is exposed before the first matmul.
  EXPECT_EQ(r.busyCycles[unsigned(Engine::Matrix)], 64u * 512u);
  EXPECT_EQ(r.cycles, 39504u);
  EXPECT_NEAR(util, 32768.0 / 39504.0, 1e-12);
  std::string summary = formatSummary(r, t);
  EXPECT_NE(summary.find("matrix unit utilization: "), std::string::npos);
  std::string trace = chromeTraceJSON(r, t);
  EXPECT_NE(trace.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(trace.find("\"matrix unit\""), std::string::npos);
  // One event per instruction that runs on an engine (not Wait/Signal).
  size_t engineInstructions = 0;
  for (const auto &queue : p.queues)
    for (const Instruction &i : queue)
      engineInstructions += i.opcode != Opcode::Wait && i.opcode != Opcode::Signal;
  EXPECT_EQ(r.trace.size(), engineInstructions);
}

TEST(NPUSimulator, CloudBF16MatmulKeepsTheArrayBusy) {
  // 1024^3 bf16 on the 128x128 cloud array with A resident: 64 matmuls of
  // 1024 rows stream back to back behind the B tile loads (docs/npu.md,
  // "What the model allows").
  NPUTargetDescription t = loadTarget("npu-cloud");
  Program p = matmulProgram(t, ElemType::BF16, 1024, 1024, 1024, false);
  SimResult r = run(p, generateRandomInputs(p, 1));
  EXPECT_EQ(r.busyCycles[unsigned(Engine::Matrix)], 64u * 1024u);
  EXPECT_EQ(r.cycles, 69340u);
  EXPECT_GT(r.utilization[unsigned(Engine::Matrix)], 0.94);
}

TEST(NPUSimulator, DMACostsSetupLatencyAndBursts) {
  NPUTargetDescription t = loadTarget("npu-edge");
  // One contiguous 4096-byte load: 16 setup + ceil(4096 / 25.6) + 100 latency.
  Program p = ioProgram(t, ElemType::F32, ElemType::F32, 1, 1024);
  p.queues[0].push_back(inst(Opcode::Dma, {1, 1, 1024},
                             {mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1),
                              mem(Space::DRAM, ElemType::F32, 0, 0, 0, 1)}));
  SimResult r = run(p, {HostTensor(DType::F32, {1, 1024})});
  EXPECT_EQ(r.cycles, 16u + 160u + 100u);
  // The same bytes as 256 strided runs of 4 floats: each 16-byte run costs a
  // 64-byte burst, 4x the bus time.
  p.queues[0][0] = inst(Opcode::Dma, {1, 256, 4},
                        {mem(Space::SPAD, ElemType::F32, 0, 0, 4, 1),
                         mem(Space::DRAM, ElemType::F32, 0, 0, 4, 1)});
  p.queues[0][0].operands[1].strides = {0, 0, 1};
  p.queues[0][0].operands[1].strides = {0, 4, 1};
  // Contiguous after all (stride 4 == run): one run, same time.
  r = run(p, {HostTensor(DType::F32, {1, 1024})});
  EXPECT_EQ(r.cycles, 16u + 160u + 100u);
  p.dramBytes = 8 * 4096;
  p.outputs[0].dramAddr = 4096 * 7;
  p.queues[0][0].shape = {1, 256, 4};
  p.queues[0][0].operands[1].strides = {0, 8, 1}; // 16-byte runs, 32 bytes apart
  r = run(p, {HostTensor(DType::F32, {1, 1024})});
  EXPECT_EQ(r.cycles, 16u + 640u + 100u);
  // A column of extent-1 innermost dimension is still one contiguous run.
  p.queues[0][0].shape = {1, 1024, 1};
  p.queues[0][0].operands[0].strides = {0, 1, 0};
  p.queues[0][0].operands[1].strides = {0, 1, 7};
  r = run(p, {HostTensor(DType::F32, {1, 1024})});
  EXPECT_EQ(r.cycles, 16u + 160u + 100u);
  // Every element its own run: 1024 bursts.
  p.queues[0][0].operands[1].strides = {0, 2, 0};
  r = run(p, {HostTensor(DType::F32, {1, 1024})});
  EXPECT_EQ(r.cycles, 16u + 2560u + 100u);
}

TEST(NPUSimulator, VectorTiming) {
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = ioProgram(t, ElemType::F32, ElemType::F32, 1, 1000);
  p.queues[1].push_back(inst(Opcode::VecUnary, {1, 1, 1000},
                             {mem(Space::SPAD, ElemType::F32, 8192, 0, 0, 1),
                              mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1)},
                             uint8_t(UnaryFn::Relu)));
  SimResult r = run(p, {HostTensor(DType::F32, {1, 1000})});
  EXPECT_EQ(r.cycles, 63u + 4u); // ceil(1000/16) groups + latency
  p.queues[1][0].fn = uint8_t(UnaryFn::Exp);
  r = run(p, {HostTensor(DType::F32, {1, 1000})});
  EXPECT_EQ(r.cycles, 63u * 4u + 4u);
}

TEST(NPUSimulator, SRAMBanksLimitTheVectorUnit) {
  NPUTargetDescription t;
  std::string error;
  ASSERT_TRUE(loadNPUTargetDescription(KILN_ODD_TARGET, t, error)) << error;
  // 24 lanes x 3 f32 operands = 288 bytes per group against 6 x 24 = 144
  // bytes per cycle: two cycles per group. With the destination in ACC the
  // scratchpad moves 192 bytes per group: ceil(48 * 192 / 144) = 64 cycles.
  Program p = ioProgram(t, ElemType::F32, ElemType::F32, 1, 1152);
  Instruction add = inst(Opcode::VecBinary, {1, 1, 1152},
                         {mem(Space::SPAD, ElemType::F32, 8192, 0, 0, 1),
                          mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1),
                          mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1)},
                         uint8_t(BinaryFn::Add));
  p.queues[1].push_back(add);
  SimResult r = run(p, {HostTensor(DType::F32, {1, 1152})});
  EXPECT_EQ(r.busyCycles[unsigned(Engine::Vector)], 96u); // 48 groups x 2
  EXPECT_EQ(r.cycles, 96u + 5u);
  p.queues[1][0].operands[0].space = Space::ACC;
  r = run(p, {HostTensor(DType::F32, {1, 1152})});
  EXPECT_EQ(r.busyCycles[unsigned(Engine::Vector)], 64u);
}

TEST(NPUSimulator, DeadlockIsReported) {
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = ioProgram(t, ElemType::F32, ElemType::F32, 1, 4);
  p.numTokens = 2;
  p.queues[0].push_back(wait(0));
  p.queues[0].push_back(signal(1));
  p.queues[1].push_back(wait(1));
  p.queues[1].push_back(signal(0));
  SimResult r;
  std::string error;
  EXPECT_FALSE(simulate(p, {HostTensor(DType::F32, {1, 4})}, {}, r, error));
  EXPECT_EQ(error, "deadlock: every unfinished queue waits on a token no queue will signal: "
                   "load queue instruction 0 (wait t0); compute queue instruction 0 (wait t1)");
}

TEST(NPUSimulator, OutOfRangeAddressIsAnErrorNamingTheOperand) {
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = ioProgram(t, ElemType::F32, ElemType::F32, 1, 4);
  p.queues[1].push_back(inst(Opcode::VecUnary, {1, 1, 4},
                             {mem(Space::SPAD, ElemType::F32, 262144 - 12, 0, 0, 1),
                              mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1)}));
  SimResult r;
  std::string error;
  EXPECT_FALSE(simulate(p, {HostTensor(DType::F32, {1, 4})}, {}, r, error));
  EXPECT_EQ(error, "compute queue instruction 0 (vunary): operand 0 (dst) in spad reaches "
                   "past the end of spad (262144 bytes)");
}

//===----------------------------------------------------------------------===//
// Vector semantics.
//===----------------------------------------------------------------------===//

float refUnary(UnaryFn fn, float x) {
  switch (fn) {
  case UnaryFn::Copy: return x;
  case UnaryFn::Neg: return -x;
  case UnaryFn::Abs: return std::fabs(x);
  case UnaryFn::Exp: return std::exp(x);
  case UnaryFn::Log: return std::log(x);
  case UnaryFn::Sqrt: return std::sqrt(x);
  case UnaryFn::Rsqrt: return 1.0f / std::sqrt(x);
  case UnaryFn::Recip: return 1.0f / x;
  case UnaryFn::Tanh: return std::tanh(x);
  case UnaryFn::Erf: return std::erf(x);
  case UnaryFn::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
  case UnaryFn::Relu: return x < 0 ? 0.0f : x;
  case UnaryFn::Gelu: {
    float h = 0.5f * x;
    float e = std::erf(x * 0.70710678118654752f);
    return h * (1.0f + e);
  }
  case UnaryFn::GeluTanh: {
    float c = 0.044715f * x;
    c = c * x;
    c = c * x;
    float inner = 0.79788456080286536f * (x + c);
    float h = 0.5f * x;
    return h * (1.0f + std::tanh(inner));
  }
  case UnaryFn::Silu: return x / (1.0f + std::exp(-x));
  case UnaryFn::Not: return x == 0 ? 1.0f : 0.0f;
  }
  return 0;
}

TEST(NPUSimulator, UnaryFunctionsFollowTheDocumentedFormulas) {
  NPUTargetDescription t = loadTarget("npu-edge");
  HostTensor x = sweep(101, -4.0, 6.0);
  for (unsigned f = 0; f <= unsigned(UnaryFn::Not); ++f) {
    UnaryFn fn = UnaryFn(f);
    SimResult r = run(unaryProgram(t, fn, ElemType::F32, ElemType::F32, 101), {x});
    for (int64_t i = 0; i < 101; ++i) {
      float want = refUnary(fn, float(x.getDouble(i)));
      float got = float(r.outputs[0].getDouble(i));
      if (std::isnan(want))
        EXPECT_TRUE(std::isnan(got)) << unaryFnName(fn) << " at " << x.getDouble(i);
      else
        EXPECT_EQ(bits(got), bits(want)) << unaryFnName(fn) << " at " << x.getDouble(i);
    }
  }
}

TEST(NPUSimulator, NarrowingRoundsToNearestEven) {
  NPUTargetDescription t = loadTarget("npu-edge");
  // Values around f16/bf16 ties, computed in f32 then rounded once.
  HostTensor x(DType::F32, {1, 6});
  float vals[6] = {1.0f + 0x1.0p-11f, 1.0f + 3 * 0x1.0p-11f, 1.0f + 0x1.0p-8f,
                   1.0f + 3 * 0x1.0p-8f, 65520.0f, -1e-8f};
  for (int i = 0; i < 6; ++i)
    x.setDouble(i, vals[i]);
  SimResult h = run(unaryProgram(t, UnaryFn::Copy, ElemType::F32, ElemType::F16, 6), {x});
  SimResult b = run(unaryProgram(t, UnaryFn::Copy, ElemType::F32, ElemType::BF16, 6), {x});
  for (int i = 0; i < 6; ++i) {
    uint16_t hb, bb;
    std::memcpy(&hb, h.outputs[0].dataAs<uint16_t>() + i, 2);
    std::memcpy(&bb, b.outputs[0].dataAs<uint16_t>() + i, 2);
    EXPECT_EQ(hb, floatToHalfBits(vals[i])) << i;
    EXPECT_EQ(bb, floatToBFloat16Bits(vals[i])) << i;
  }
  // Spot-check ties to even directly.
  EXPECT_EQ(h.outputs[0].getDouble(0), 1.0);            // tie -> even (1.0)
  EXPECT_EQ(h.outputs[0].getDouble(1), 1.0 + 0x1.0p-9); // tie -> even (up)
  EXPECT_TRUE(std::isinf(h.outputs[0].getDouble(4)));   // 65520 rounds to inf
  EXPECT_EQ(b.outputs[0].getDouble(2), 1.0);
  EXPECT_EQ(b.outputs[0].getDouble(3), 1.0 + 0x1.0p-6);
}

TEST(NPUSimulator, BinaryFunctionsAndBroadcast) {
  NPUTargetDescription t = loadTarget("npu-edge");
  const uint32_t n = 8;
  float av[n] = {1.5f, -2.0f, 0.0f, 3.0f, NAN, 2.0f, -0.5f, 7.0f};
  for (unsigned f = 0; f <= unsigned(BinaryFn::Or); ++f) {
    BinaryFn fn = BinaryFn(f);
    bool cmp = fn >= BinaryFn::CmpEq;
    ElemType outT = cmp ? ElemType::Bool : ElemType::F32;
    Program p = ioProgram(t, ElemType::F32, outT, 1, n);
    p.numTokens = 2;
    p.queues[0].push_back(inst(Opcode::Dma, {1, 1, n},
                               {mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1),
                                mem(Space::DRAM, ElemType::F32, 0, 0, 0, 1)}));
    p.queues[0].push_back(signal(0));
    p.queues[1].push_back(wait(0));
    // b = broadcast of element 5 (stride 0), the immediate form is tested
    // with max below.
    p.queues[1].push_back(inst(Opcode::VecBinary, {1, 1, n},
                               {mem(Space::SPAD, outT, 4096, 0, 0, 1),
                                mem(Space::SPAD, ElemType::F32, 0, 0, 0, 1),
                                mem(Space::SPAD, ElemType::F32, 5 * 4, 0, 0, 0)},
                               uint8_t(fn)));
    p.queues[1].push_back(signal(1));
    p.queues[2].push_back(wait(1));
    p.queues[2].push_back(inst(Opcode::Dma, {1, 1, n},
                               {mem(Space::DRAM, outT, p.outputs[0].dramAddr, 0, 0, 1),
                                mem(Space::SPAD, outT, 4096, 0, 0, 1)}));
    HostTensor x(DType::F32, {1, n});
    for (uint32_t i = 0; i < n; ++i)
      x.setDouble(i, av[i]);
    SimResult r = run(p, {x});
    for (uint32_t i = 0; i < n; ++i) {
      float a = av[i], b = 2.0f, want;
      switch (fn) {
      case BinaryFn::Add: want = a + b; break;
      case BinaryFn::Sub: want = a - b; break;
      case BinaryFn::Mul: want = a * b; break;
      case BinaryFn::Div: want = a / b; break;
      case BinaryFn::Max: want = std::isnan(a) ? NAN : (a >= b ? a : b); break;
      case BinaryFn::Min: want = std::isnan(a) ? NAN : (a <= b ? a : b); break;
      case BinaryFn::Pow: want = std::pow(a, b); break;
      case BinaryFn::CmpEq: want = a == b; break;
      case BinaryFn::CmpNe: want = a != b; break;
      case BinaryFn::CmpLt: want = a < b; break;
      case BinaryFn::CmpLe: want = a <= b; break;
      case BinaryFn::CmpGt: want = a > b; break;
      case BinaryFn::CmpGe: want = a >= b; break;
      case BinaryFn::And: want = a != 0 && b != 0; break;
      case BinaryFn::Or: want = a != 0 || b != 0; break;
      }
      float got = float(r.outputs[0].getDouble(i));
      if (std::isnan(want))
        EXPECT_TRUE(std::isnan(got)) << binaryFnName(fn) << " " << i;
      else
        EXPECT_EQ(got, want) << binaryFnName(fn) << " " << i;
    }
  }
}

TEST(NPUSimulator, IntegerVectorOpsWrap) {
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = ioProgram(t, ElemType::I32, ElemType::I32, 1, 3);
  p.numTokens = 2;
  p.queues[0].push_back(inst(Opcode::Dma, {1, 1, 3},
                             {mem(Space::SPAD, ElemType::I32, 0, 0, 0, 1),
                              mem(Space::DRAM, ElemType::I32, 0, 0, 0, 1)}));
  p.queues[0].push_back(signal(0));
  p.queues[1].push_back(wait(0));
  p.queues[1].push_back(inst(Opcode::VecBinary, {1, 1, 3},
                             {mem(Space::SPAD, ElemType::I32, 64, 0, 0, 1),
                              mem(Space::SPAD, ElemType::I32, 0, 0, 0, 1),
                              imm(ElemType::I32, 7)},
                             uint8_t(BinaryFn::Add)));
  p.queues[1].push_back(inst(Opcode::VecBinary, {1, 1, 3},
                             {mem(Space::SPAD, ElemType::I32, 64, 0, 0, 1),
                              mem(Space::SPAD, ElemType::I32, 64, 0, 0, 1),
                              imm(ElemType::I32, 0)},
                             uint8_t(BinaryFn::Div)));
  p.queues[1].push_back(signal(1));
  p.queues[2].push_back(wait(1));
  p.queues[2].push_back(inst(Opcode::Dma, {1, 1, 3},
                             {mem(Space::DRAM, ElemType::I32, 12, 0, 0, 1),
                              mem(Space::SPAD, ElemType::I32, 64, 0, 0, 1)}));
  HostTensor x(DType::I32, {1, 3});
  x.setInt(0, INT32_MAX);
  x.setInt(1, -7);
  x.setInt(2, 5);
  // x + 7 wraps at INT32_MAX; then / 0 is a run-time fault (ISA 1.1)
  // naming the instruction, the element and the dividend.
  SimResult r;
  std::string error;
  EXPECT_FALSE(simulate(p, {x}, {}, r, error));
  EXPECT_EQ(error, "compute queue instruction 2 (vbinary): integer division by zero at "
                   "element (0, 0, 0) (dividend -2147483642)");
  p.queues[1].erase(p.queues[1].begin() + 2);
  r = run(p, {x});
  EXPECT_EQ(r.outputs[0].getInt(0), int64_t(INT32_MIN) + 6);
  EXPECT_EQ(r.outputs[0].getInt(1), 0);
  EXPECT_EQ(r.outputs[0].getInt(2), 12);
}

/// One vector instruction on [n] elements of `type` in SPAD: sources at 0
/// (and 4096), destination at 8192 of `dstType`; inputs a (and b), output y.
Program vectorProgram(const NPUTargetDescription &t, Opcode opcode, uint8_t fn, ElemType type,
                      ElemType dstType, uint32_t n, bool twoInputs) {
  Program p;
  p.targetJSON = toJSON(t);
  uint64_t bytes = uint64_t(n) * elemBytes(type);
  p.inputs.push_back({"a", type, {1, int64_t(n)}, 0});
  if (twoInputs)
    p.inputs.push_back({"b", type, {1, int64_t(n)}, bytes});
  uint64_t out = twoInputs ? 2 * bytes : bytes;
  p.outputs.push_back({"y", dstType, {1, int64_t(opcode == Opcode::VecReduce ? 1 : n)}, out});
  p.dramBytes = out + uint64_t(n) * elemBytes(dstType);
  p.numTokens = 2;
  p.queues[0].push_back(inst(Opcode::Dma, {1, 1, n},
                             {mem(Space::SPAD, type, 0, 0, 0, 1),
                              mem(Space::DRAM, type, 0, 0, 0, 1)}));
  if (twoInputs)
    p.queues[0].push_back(inst(Opcode::Dma, {1, 1, n},
                               {mem(Space::SPAD, type, 4096, 0, 0, 1),
                                mem(Space::DRAM, type, bytes, 0, 0, 1)}));
  p.queues[0].push_back(signal(0));
  p.queues[1].push_back(wait(0));
  std::vector<Operand> ops = {mem(Space::SPAD, dstType, 8192, 0, 0, 1),
                              mem(Space::SPAD, type, 0, 0, 0, 1)};
  if (twoInputs)
    ops.push_back(mem(Space::SPAD, type, 4096, 0, 0, 1));
  if (opcode == Opcode::VecReduce)
    p.queues[1].push_back(inst(opcode, {1, 1, n},
                               {mem(Space::SPAD, dstType, 8192, 0, 1, 0),
                                mem(Space::SPAD, type, 0, 0, 0, 1)},
                               fn));
  else
    p.queues[1].push_back(inst(opcode, {1, 1, n}, ops, fn));
  p.queues[1].push_back(signal(1));
  p.queues[2].push_back(wait(1));
  uint32_t m = opcode == Opcode::VecReduce ? 1 : n;
  p.queues[2].push_back(inst(Opcode::Dma, {1, 1, m},
                             {mem(Space::DRAM, dstType, out, 0, 0, 1),
                              mem(Space::SPAD, dstType, 8192, 0, 0, 1)}));
  return p;
}

HostTensor ints(DType type, std::vector<int64_t> values) {
  HostTensor x(type, {1, int64_t(values.size())});
  for (size_t i = 0; i < values.size(); ++i)
    x.setInt(int64_t(i), values[i]);
  return x;
}

TEST(NPUSimulator, I64ArithmeticWrapsAt64Bits) {
  NPUTargetDescription t = loadTarget("npu-edge");
  const int64_t lo = INT64_MIN, hi = INT64_MAX;
  std::vector<int64_t> a = {hi, lo, lo, -7, 7, int64_t(1) << 40, 5, -1};
  std::vector<int64_t> b = {1, -1, 1, 2, -2, int64_t(1) << 30, -5, 3};
  auto wrap = [](unsigned __int128 v) { return int64_t(uint64_t(v)); };
  struct Case {
    BinaryFn fn;
    std::function<int64_t(int64_t, int64_t)> want;
  };
  std::vector<Case> cases = {
      {BinaryFn::Add, [&](int64_t x, int64_t y) { return wrap((unsigned __int128)x + y); }},
      {BinaryFn::Sub, [&](int64_t x, int64_t y) { return wrap((unsigned __int128)x - y); }},
      {BinaryFn::Mul,
       [&](int64_t x, int64_t y) { return int64_t(uint64_t(x) * uint64_t(y)); }},
      // Truncates toward zero; MIN / -1 wraps to MIN.
      {BinaryFn::Div, [&](int64_t x, int64_t y) { return y == -1 ? wrap(0 - (unsigned __int128)x) : x / y; }},
      {BinaryFn::Max, [](int64_t x, int64_t y) { return std::max(x, y); }},
      {BinaryFn::Min, [](int64_t x, int64_t y) { return std::min(x, y); }}};
  for (const Case &c : cases) {
    Program p = vectorProgram(t, Opcode::VecBinary, uint8_t(c.fn), ElemType::I64,
                              ElemType::I64, uint32_t(a.size()), true);
    SimResult r = run(p, {ints(DType::I64, a), ints(DType::I64, b)});
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_EQ(r.outputs[0].getInt(int64_t(i)), c.want(a[i], b[i]))
          << binaryFnName(c.fn) << " " << i;
  }
  // Comparisons on i64 write bool and see all 64 bits (2^40 vs 2^30 + 0
  // in the low 32 bits would compare the other way).
  Program cmp = vectorProgram(t, Opcode::VecBinary, uint8_t(BinaryFn::CmpGt), ElemType::I64,
                              ElemType::Bool, uint32_t(a.size()), true);
  SimResult r = run(cmp, {ints(DType::I64, a), ints(DType::I64, b)});
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(r.outputs[0].getInt(int64_t(i)), a[i] > b[i] ? 1 : 0) << i;
  // Unary: neg/abs wrap at 64 bits (abs(MIN) = MIN), relu.
  for (UnaryFn fn : {UnaryFn::Neg, UnaryFn::Abs, UnaryFn::Relu}) {
    Program p = vectorProgram(t, Opcode::VecUnary, uint8_t(fn), ElemType::I64, ElemType::I64,
                              uint32_t(a.size()), false);
    SimResult u = run(p, {ints(DType::I64, a)});
    for (size_t i = 0; i < a.size(); ++i) {
      int64_t x = a[i], neg = int64_t(0 - uint64_t(x));
      int64_t want = fn == UnaryFn::Neg ? neg : fn == UnaryFn::Abs ? (x < 0 ? neg : x)
                                                                   : std::max<int64_t>(x, 0);
      EXPECT_EQ(u.outputs[0].getInt(int64_t(i)), want) << unaryFnName(fn) << " " << i;
    }
  }
  // Reductions: a wrapping sum in k order, max, min.
  for (ReduceFn fn : {ReduceFn::Sum, ReduceFn::Max, ReduceFn::Min}) {
    Program p = vectorProgram(t, Opcode::VecReduce, uint8_t(fn), ElemType::I64, ElemType::I64,
                              uint32_t(a.size()), false);
    SimResult u = run(p, {ints(DType::I64, a)});
    int64_t want = a[0];
    for (size_t i = 1; i < a.size(); ++i)
      want = fn == ReduceFn::Sum ? int64_t(uint64_t(want) + uint64_t(a[i]))
             : fn == ReduceFn::Max ? std::max(want, a[i])
                                   : std::min(want, a[i]);
    EXPECT_EQ(u.outputs[0].getInt(0), want) << reduceFnName(fn);
  }
}

TEST(NPUSimulator, I8AndMixedIntegerOpsWrapAtTheDestination) {
  NPUTargetDescription t = loadTarget("npu-edge");
  // i8 sources compute in int32 and wrap once, at the i8 destination.
  std::vector<int64_t> a = {127, -128, -128, 100, -3}, b = {1, -1, 1, 100, 2};
  Program p = vectorProgram(t, Opcode::VecBinary, uint8_t(BinaryFn::Add), ElemType::I8,
                            ElemType::I8, 5, true);
  SimResult r = run(p, {ints(DType::I8, a), ints(DType::I8, b)});
  std::vector<int64_t> want = {-128, 127, -127, -56, -1};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(r.outputs[0].getInt(i), want[i]) << i;
  p = vectorProgram(t, Opcode::VecBinary, uint8_t(BinaryFn::Div), ElemType::I8, ElemType::I8, 5,
                    true);
  r = run(p, {ints(DType::I8, a), ints(DType::I8, b)});
  want = {127, -128, -128, 1, -1}; // -128 / -1 wraps; -3 / 2 truncates
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(r.outputs[0].getInt(i), want[i]) << i;
}

TEST(NPUSimulator, IntegerDivisionByZeroIsAFault) {
  NPUTargetDescription t = loadTarget("npu-edge");
  for (ElemType type : {ElemType::I8, ElemType::I32, ElemType::I64}) {
    Program p = vectorProgram(t, Opcode::VecBinary, uint8_t(BinaryFn::Div), type, type, 4, true);
    DType d = hostDType(type);
    SimResult r;
    std::string error;
    EXPECT_FALSE(simulate(p, {ints(d, {1, 2, 3, 4}), ints(d, {1, 1, 0, 1})}, {}, r, error));
    EXPECT_EQ(error, "compute queue instruction 1 (vbinary): integer division by zero at "
                     "element (0, 0, 2) (dividend 3)")
        << elemTypeName(type);
  }
  // A float division by zero is IEEE (inf), not a fault.
  Program p = vectorProgram(t, Opcode::VecBinary, uint8_t(BinaryFn::Div), ElemType::F32,
                            ElemType::F32, 1, true);
  HostTensor one(DType::F32, {1, 1}), zero(DType::F32, {1, 1});
  one.setDouble(0, 1.0);
  SimResult r = run(p, {one, zero});
  EXPECT_TRUE(std::isinf(r.outputs[0].getDouble(0)));
}

TEST(NPUSimulator, CastsFollowKilnRules) {
  NPUTargetDescription t = loadTarget("npu-edge");
  // f32 -> i64: truncate toward zero, NaN -> 0, saturate at the i64 range;
  // then i64 -> i32 / i8 keeps the low bits (kiln.cast's rule is these two).
  std::vector<double> f = {1.9, -2.9, 3e9, -3e9, 1e20, -1e20, NAN, 255.5, -0.5};
  HostTensor x(DType::F32, {1, int64_t(f.size())});
  for (size_t i = 0; i < f.size(); ++i)
    x.setDouble(int64_t(i), f[i]);
  Program p = unaryProgram(t, UnaryFn::Copy, ElemType::F32, ElemType::I64, uint32_t(f.size()));
  SimResult r = run(p, {x});
  std::vector<int64_t> want = {1, -2, 3000000000, -3000000000, INT64_MAX, INT64_MIN, 0, 255, 0};
  for (size_t i = 0; i < f.size(); ++i)
    EXPECT_EQ(r.outputs[0].getInt(int64_t(i)), want[i]) << i;
  for (ElemType to : {ElemType::I32, ElemType::I8, ElemType::Bool}) {
    Program q = unaryProgram(t, UnaryFn::Copy, ElemType::I64, to, uint32_t(f.size()));
    SimResult n = run(q, {ints(DType::I64, want)});
    for (size_t i = 0; i < f.size(); ++i) {
      int64_t w = to == ElemType::I32  ? int64_t(int32_t(uint32_t(uint64_t(want[i]))))
                  : to == ElemType::I8 ? int64_t(int8_t(uint8_t(uint64_t(want[i]))))
                                       : int64_t(want[i] != 0);
      EXPECT_EQ(n.outputs[0].getInt(int64_t(i)), w) << elemTypeName(to) << " " << i;
    }
  }
  // f32 -> bool is x != 0 (NaN -> 1); bool -> i32 / f32 is 0 / 1.
  Program q = unaryProgram(t, UnaryFn::Copy, ElemType::F32, ElemType::Bool, uint32_t(f.size()));
  r = run(q, {x});
  for (size_t i = 0; i < f.size(); ++i)
    EXPECT_EQ(r.outputs[0].getInt(int64_t(i)), f[i] != 0 ? 1 : 0) << i;
  HostTensor bools = ints(DType::I1, {0, 1, 1, 0});
  for (ElemType to : {ElemType::I32, ElemType::I64, ElemType::I8, ElemType::F32}) {
    Program b = unaryProgram(t, UnaryFn::Copy, ElemType::Bool, to, 4);
    SimResult n = run(b, {bools});
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(n.outputs[0].getDouble(i), double(bools.getInt(i))) << elemTypeName(to);
  }
  // i32 -> f32 rounds to nearest even (2^24 + 1 -> 2^24, 2^24 + 3 -> 2^24 + 4).
  Program c = unaryProgram(t, UnaryFn::Copy, ElemType::I32, ElemType::F32, 3);
  r = run(c, {ints(DType::I32, {16777217, 16777219, -16777217})});
  EXPECT_EQ(r.outputs[0].getDouble(0), 16777216.0);
  EXPECT_EQ(r.outputs[0].getDouble(1), 16777220.0);
  EXPECT_EQ(r.outputs[0].getDouble(2), -16777216.0);
}

TEST(NPUSimulator, I64ArithmeticTakesI64CyclesPerGroup) {
  NPUTargetDescription t = loadTarget("npu-edge");
  ASSERT_EQ(t.vectorI64Cycles, 2u); // the default: npu-edge does not set it
  auto cycles = [&](const NPUTargetDescription &d, ElemType type, UnaryFn fn) {
    Program p = unaryProgram(d, fn, type, type, 1024);
    DType h = hostDType(type);
    HostTensor x(h, {1, 1024});
    SimResult r = run(p, {x});
    return r.cycles;
  };
  // 1024 elements = 64 groups of 16: the i64 neg costs 64 more cycles than
  // the i32 one (DMA of the wider data also grows; compare the copy).
  uint64_t i32neg = cycles(t, ElemType::I32, UnaryFn::Neg),
           i32copy = cycles(t, ElemType::I32, UnaryFn::Copy);
  uint64_t i64neg = cycles(t, ElemType::I64, UnaryFn::Neg),
           i64copy = cycles(t, ElemType::I64, UnaryFn::Copy);
  EXPECT_EQ(i32neg, i32copy);
  EXPECT_EQ(i64neg - i64copy, 64u);
  t.vectorI64Cycles = 3;
  EXPECT_EQ(cycles(t, ElemType::I64, UnaryFn::Neg) - cycles(t, ElemType::I64, UnaryFn::Copy),
            128u);
}

TEST(NPUSimulator, ReduceSumIsSequentialAndMaxPropagatesNaN) {
  NPUTargetDescription t = loadTarget("npu-edge");
  const uint32_t rows = 3, cols = 37;
  for (ReduceFn fn : {ReduceFn::Sum, ReduceFn::Max, ReduceFn::Min}) {
    Program p = ioProgram(t, ElemType::F32, ElemType::F32, rows, cols);
    p.outputs[0].shape = {rows, 1};
    p.dramBytes = rows * cols * 4 + rows * 4;
    p.numTokens = 2;
    p.queues[0].push_back(inst(Opcode::Dma, {1, rows, cols},
                               {mem(Space::SPAD, ElemType::F32, 0, 0, cols, 1),
                                mem(Space::DRAM, ElemType::F32, 0, 0, cols, 1)}));
    p.queues[0].push_back(signal(0));
    p.queues[1].push_back(wait(0));
    p.queues[1].push_back(inst(Opcode::VecReduce, {1, rows, cols},
                               {mem(Space::ACC, ElemType::F32, 0, 0, 1, 0),
                                mem(Space::SPAD, ElemType::F32, 0, 0, cols, 1)},
                               uint8_t(fn)));
    p.queues[1].push_back(signal(1));
    p.queues[2].push_back(wait(1));
    p.queues[2].push_back(inst(Opcode::Dma, {1, 1, rows},
                               {mem(Space::DRAM, ElemType::F32, rows * cols * 4, 0, 0, 1),
                                mem(Space::ACC, ElemType::F32, 0, 0, 0, 1)}));
    HostTensor x = randomTensor(DType::F32, {rows, cols}, 9);
    x.setDouble(cols + 5, NAN); // row 1 has a NaN
    SimResult r = run(p, {x});
    for (uint32_t i = 0; i < rows; ++i) {
      float acc = float(x.getDouble(i * cols));
      bool nan = std::isnan(acc);
      for (uint32_t k = 1; k < cols; ++k) {
        float v = float(x.getDouble(i * cols + k));
        nan |= std::isnan(v);
        if (fn == ReduceFn::Sum)
          acc = acc + v;
        else if (fn == ReduceFn::Max)
          acc = acc >= v ? acc : v;
        else
          acc = acc <= v ? acc : v;
      }
      float got = float(r.outputs[0].getDouble(i));
      if (nan)
        EXPECT_TRUE(std::isnan(got)) << reduceFnName(fn) << " row " << i;
      else
        EXPECT_EQ(bits(got), bits(acc)) << reduceFnName(fn) << " row " << i;
    }
  }
}

TEST(NPUSimulator, SelectAndGather) {
  NPUTargetDescription t = loadTarget("npu-edge");
  // Table [10, 4] f32 at DRAM 0, indices [3] i32 at 160, output [3, 4] at 176.
  Program p;
  p.targetJSON = toJSON(t);
  p.inputs.push_back({"table", ElemType::F32, {10, 4}, 0});
  p.inputs.push_back({"idx", ElemType::I32, {3}, 160});
  p.outputs.push_back({"rows", ElemType::F32, {3, 4}, 176});
  p.dramBytes = 176 + 48;
  p.numTokens = 3;
  auto &load = p.queues[0], &compute = p.queues[1], &store = p.queues[2];
  load.push_back(inst(Opcode::Dma, {1, 1, 3},
                      {mem(Space::SPAD, ElemType::I32, 1024, 0, 0, 1),
                       mem(Space::DRAM, ElemType::I32, 160, 0, 0, 1)}));
  Instruction g = inst(Opcode::DmaGather, {1, 3, 4},
                       {mem(Space::SPAD, ElemType::F32, 0, 0, 4, 1),
                        mem(Space::DRAM, ElemType::F32, 0, 0, 4, 1),
                        mem(Space::SPAD, ElemType::I32, 1024, 0, 1, 0)});
  g.indexLimit = 10;
  load.push_back(g);
  load.push_back(signal(0));
  compute.push_back(wait(0));
  // cond = rows > 20; out = cond ? rows : -1.
  compute.push_back(inst(Opcode::VecBinary, {1, 3, 4},
                         {mem(Space::SPAD, ElemType::Bool, 2048, 0, 4, 1),
                          mem(Space::SPAD, ElemType::F32, 0, 0, 4, 1), imm(ElemType::F32, 20)},
                         uint8_t(BinaryFn::CmpGt)));
  compute.push_back(inst(Opcode::VecSelect, {1, 3, 4},
                         {mem(Space::SPAD, ElemType::F32, 4096, 0, 4, 1),
                          mem(Space::SPAD, ElemType::Bool, 2048, 0, 4, 1),
                          mem(Space::SPAD, ElemType::F32, 0, 0, 4, 1), imm(ElemType::F32, -1)}));
  compute.push_back(signal(1));
  store.push_back(wait(1));
  store.push_back(inst(Opcode::Dma, {1, 3, 4},
                       {mem(Space::DRAM, ElemType::F32, 176, 0, 4, 1),
                        mem(Space::SPAD, ElemType::F32, 4096, 0, 4, 1)}));
  HostTensor table(DType::F32, {10, 4});
  for (int i = 0; i < 40; ++i)
    table.setDouble(i, i);
  HostTensor idx(DType::I32, {3});
  idx.setInt(0, 7);
  idx.setInt(1, 2);
  idx.setInt(2, 5);
  SimResult r = run(p, {table, idx});
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k) {
      double v = double(idx.getInt(i) * 4 + k);
      EXPECT_EQ(r.outputs[0].getDouble(i * 4 + k), v > 20 ? v : -1.0) << i << "," << k;
    }
  // A negative index counts from the back once: -3 is row 7.
  idx.setInt(0, -3);
  SimResult wrapped = run(p, {table, idx});
  for (int k = 0; k < 4; ++k) {
    double v = double(7 * 4 + k);
    EXPECT_EQ(wrapped.outputs[0].getDouble(k), v > 20 ? v : -1.0) << k;
  }
  // An index out of range is a fault naming the instruction and operand.
  idx.setInt(1, 10);
  SimResult bad;
  std::string error;
  EXPECT_FALSE(simulate(p, {table, idx}, {}, bad, error));
  EXPECT_EQ(error, "load queue instruction 1 (gather): operand 2 (index): index 10 at row 1 "
                   "is outside [-10, 10)");
  idx.setInt(1, -11);
  EXPECT_FALSE(simulate(p, {table, idx}, {}, bad, error));
  EXPECT_EQ(error, "load queue instruction 1 (gather): operand 2 (index): index -11 at row 1 "
                   "is outside [-10, 10)");
}

//===----------------------------------------------------------------------===//
// Encoding, listing and robustness.
//===----------------------------------------------------------------------===//

Program sampleProgram() {
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p = matmulProgram(t, ElemType::BF16, 20, 24, 20, false);
  p.constants.push_back({p.dramBytes, {1, 2, 3, 250}});
  p.dramBytes += 4;
  Instruction v = inst(Opcode::VecBinary, {1, 2, 3},
                       {mem(Space::SPAD, ElemType::F32, 9000, 6, 3, 1),
                        mem(Space::ACC, ElemType::F32, 0, 0, 16, 1), imm(ElemType::F32, -0.1)},
                       uint8_t(BinaryFn::Mul));
  v.comment = "scale; with a semicolon";
  p.queues[1].push_back(v);
  return p;
}

bool sameProgram(const Program &a, const Program &b) {
  return encode(a) == encode(b);
}

TEST(NPUEncoding, RoundTripsThroughBinaryAndListing) {
  Program p = sampleProgram();
  std::vector<uint8_t> bin = encode(p);
  Program q;
  std::string error;
  ASSERT_TRUE(decode(bin.data(), bin.size(), q, error)) << error;
  EXPECT_TRUE(sameProgram(p, q));
  std::string listing = disassemble(p);
  Program r;
  ASSERT_TRUE(assemble(listing, "listing", r, error)) << error;
  EXPECT_TRUE(sameProgram(p, r)) << listing;
  EXPECT_EQ(disassemble(r), listing);
}

TEST(NPUEncoding, IntegerVectorOperandsRoundTripAndCheck) {
  // ISA 1.1 operand forms: i64 arithmetic, an i64 immediate past 2^32, an
  // i64 reduction and select, i8 division; the encoding is 1.0's.
  NPUTargetDescription t = loadTarget("npu-edge");
  Program p;
  p.targetJSON = toJSON(t);
  p.dramBytes = 64;
  auto &c = p.queues[1];
  c.push_back(inst(Opcode::VecBinary, {2, 3, 4},
                   {mem(Space::SPAD, ElemType::I64, 0, 12, 4, 1),
                    mem(Space::ACC, ElemType::I64, 256, 0, 4, 1),
                    imm(ElemType::I64, 4294967296.0 * 3 + 5)},
                   uint8_t(BinaryFn::Div)));
  c.push_back(inst(Opcode::VecReduce, {1, 3, 4},
                   {mem(Space::SPAD, ElemType::I64, 512, 0, 1, 0),
                    mem(Space::SPAD, ElemType::I64, 0, 0, 4, 1)},
                   uint8_t(ReduceFn::Sum)));
  c.push_back(inst(Opcode::VecSelect, {1, 1, 8},
                   {mem(Space::SPAD, ElemType::I64, 1024, 0, 0, 1),
                    mem(Space::SPAD, ElemType::Bool, 2048, 0, 0, 1),
                    mem(Space::SPAD, ElemType::I64, 0, 0, 0, 1), imm(ElemType::I64, -7)}));
  c.push_back(inst(Opcode::VecBinary, {1, 1, 8},
                   {mem(Space::SPAD, ElemType::Bool, 3072, 0, 0, 1),
                    mem(Space::SPAD, ElemType::I64, 0, 0, 0, 1),
                    mem(Space::SPAD, ElemType::I64, 1024, 0, 0, 1)},
                   uint8_t(BinaryFn::CmpLe)));
  c.push_back(inst(Opcode::VecBinary, {1, 1, 8},
                   {mem(Space::SPAD, ElemType::I8, 4096, 0, 0, 1),
                    mem(Space::SPAD, ElemType::I8, 4200, 0, 0, 1), imm(ElemType::I8, -3)},
                   uint8_t(BinaryFn::Div)));
  std::string error;
  EXPECT_TRUE(checkProgram(p, t, error)) << error;
  std::vector<uint8_t> bin = encode(p);
  EXPECT_EQ(bin[6], 1); // minor version 1
  Program q;
  ASSERT_TRUE(decode(bin.data(), bin.size(), q, error)) << error;
  EXPECT_TRUE(sameProgram(p, q));
  std::string listing = disassemble(p);
  EXPECT_NE(listing.find("imm.i64(12884901893)"), std::string::npos) << listing;
  Program r;
  ASSERT_TRUE(assemble(listing, "listing", r, error)) << error;
  EXPECT_TRUE(sameProgram(p, r)) << listing;
  // Without i64 among the vector dtypes the first instruction is rejected.
  NPUTargetDescription noI64 = t;
  noI64.vectorDTypes.erase(
      std::find(noI64.vectorDTypes.begin(), noI64.vectorDTypes.end(), ElemType::I64));
  EXPECT_FALSE(checkProgram(p, noI64, error));
  EXPECT_EQ(error, "compute queue instruction 0 (vbinary): the vector unit of 'npu-edge' does "
                   "not take i64 (operand 0)");
  // Integer pow and exp stay float-only.
  c.push_back(inst(Opcode::VecBinary, {1, 1, 8},
                   {mem(Space::SPAD, ElemType::I32, 4096, 0, 0, 1),
                    mem(Space::SPAD, ElemType::I32, 4200, 0, 0, 1), imm(ElemType::I32, 2)},
                   uint8_t(BinaryFn::Pow)));
  EXPECT_FALSE(checkProgram(p, t, error));
  EXPECT_EQ(error, "compute queue instruction 5 (vbinary): vbinary.pow needs a float source");
}

TEST(NPUEncoding, EveryPrefixIsAnErrorNotACrash) {
  std::vector<uint8_t> bin = encode(sampleProgram());
  for (size_t n = 0; n < bin.size(); ++n) {
    Program q;
    std::string error;
    EXPECT_FALSE(decode(bin.data(), n, q, error)) << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(NPUEncoding, RandomByteFlipsNeverCrash) {
  std::vector<uint8_t> bin = encode(sampleProgram());
  NPUTargetDescription t = loadTarget("npu-edge");
  uint64_t s = 42;
  unsigned decoded = 0, simulated = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> copy = bin;
    for (int f = 0; f < 1 + trial % 4; ++f) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      size_t at = size_t(s >> 33) % copy.size();
      copy[at] ^= uint8_t(1u << ((s >> 20) % 8));
    }
    Program q;
    std::string error;
    if (decode(copy.data(), copy.size(), q, error)) {
      ++decoded;
      NPUTargetDescription embedded;
      if (!parseNPUTargetDescription(q.targetJSON, "flipped", embedded, error) ||
          !checkProgram(q, embedded, error))
        continue;
      // Run the small ones: a checked program must simulate or fail with a
      // message (a flipped gather index, a deadlock), never crash.
      uint64_t work = 0;
      for (const auto &queue : q.queues)
        for (const Instruction &i : queue)
          work += uint64_t(i.shape[0]) * i.shape[1] * i.shape[2];
      if (q.dramBytes > (1u << 20) || work > (1u << 22))
        continue;
      ++simulated;
      SimResult r;
      if (!simulate(q, generateRandomInputs(q, 0), {}, r, error))
        EXPECT_FALSE(error.empty());
    } else {
      EXPECT_FALSE(error.empty());
    }
  }
  EXPECT_GT(decoded, 0u); // flips in immediates and addresses still decode
  EXPECT_GT(simulated, 0u);
}

//===----------------------------------------------------------------------===//
// Descriptions.
//===----------------------------------------------------------------------===//

TEST(NPUTargetDescription, ShippedDescriptionsParseAndRoundTrip) {
  for (const char *name : {"npu-edge", "npu-cloud"}) {
    NPUTargetDescription t = loadTarget(name);
    EXPECT_EQ(t.name, name);
    for (ElemType e : {ElemType::F32, ElemType::BF16, ElemType::F16, ElemType::I8})
      EXPECT_NE(t.matrixDType(e), nullptr) << name;
    for (ElemType e : {ElemType::F32, ElemType::BF16, ElemType::F16, ElemType::I32,
                       ElemType::Bool})
      EXPECT_TRUE(t.vectorSupports(e)) << name;
    NPUTargetDescription again;
    std::string error;
    ASSERT_TRUE(parseNPUTargetDescription(toJSON(t), "json", again, error)) << error;
    EXPECT_EQ(toJSON(again), toJSON(t));
  }
  NPUTargetDescription edge = loadTarget("npu-edge");
  EXPECT_DOUBLE_EQ(edge.offChipBytesPerCycle(), 25.6);
}

} // namespace
