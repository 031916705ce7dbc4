//===- CPUTargetDescriptionTest.cpp - CPU descriptions --------------------===//

#include "kiln/Target/CPU/CPUTargetDescription.h"

#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

#include <string>

using namespace kiln;

#ifndef KILN_TARGETS_DIR
#error "KILN_TARGETS_DIR must point at the source tree's targets/"
#endif

namespace {

/// The error text of a description that must fail to parse.
std::string parseError(const std::string &json) {
  llvm::Expected<CPUTargetDescription> d =
      parseCPUTargetDescription(json, "test.json");
  if (d) {
    ADD_FAILURE() << "parsed, but should have failed:\n" << json;
    return "";
  }
  return llvm::toString(d.takeError());
}

const char *kValid = R"json({
  "kind": "cpu", "name": "t", "triple": "x86_64-unknown-linux-gnu",
  "cpu": "haswell", "features": ["avx2", "fma"], "vector_bits": 256,
  "vector_registers": 16, "fma_units_per_core": 2, "fma_latency_cycles": 4, "cores": 4, "frequency_ghz": 3.0,
  "caches": [
    {"level": 1, "size_bytes": 32768, "line_bytes": 64, "shared_by_cores": 1},
    {"level": 2, "size_bytes": 262144, "line_bytes": 64, "shared_by_cores": 1}
  ]
})json";

/// kValid with `from` replaced by `to` (the edit must apply).
std::string edited(const std::string &from, const std::string &to) {
  std::string s = kValid;
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos)
    s.replace(at, from.size(), to);
  return s;
}

TEST(CPUTargetDescription, ParsesAValidDescription) {
  llvm::Expected<CPUTargetDescription> d =
      parseCPUTargetDescription(kValid, "test.json");
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->name, "t");
  EXPECT_EQ(d->vectorBits, 256);
  EXPECT_EQ(d->vectorRegisters, 16);
  EXPECT_EQ(d->fmaLatencyCycles, 4);
  EXPECT_EQ(d->f32Lanes(), 8);
  EXPECT_TRUE(d->hasFeature("fma"));
  EXPECT_FALSE(d->hasFeature("avx512f"));
  EXPECT_EQ(d->llvmFeatureString(), "+avx2,+fma");
  ASSERT_EQ(d->caches.size(), 2u);
  EXPECT_EQ(d->cache(2)->sizeBytes, 262144);
  EXPECT_EQ(d->cache(3), nullptr);
  EXPECT_EQ(d->dramBandwidthGBps, 0.0); // Optional, absent = unknown.
  // 2 flops x 8 lanes x 2 FMA units x 3 GHz = 96 GFLOP/s per core.
  EXPECT_DOUBLE_EQ(d->peakF32Gflops(1), 96.0);
  EXPECT_DOUBLE_EQ(d->peakF32Gflops(2), 192.0);
  EXPECT_DOUBLE_EQ(d->peakF32Gflops(64), 384.0); // Capped at 4 cores.
}

TEST(CPUTargetDescription, ShippedDescriptionsLoad) {
  for (const char *name : {"x86-64-avx2", "x86-64-avx512", "aarch64-neon"}) {
    llvm::Expected<CPUTargetDescription> d =
        resolveCPUTargetDescription(name, {KILN_TARGETS_DIR});
    ASSERT_TRUE(bool(d)) << name << ": " << llvm::toString(d.takeError());
    EXPECT_EQ(d->name, name);
    EXPECT_GT(d->peakF32Gflops(1), 0.0);
    EXPECT_NE(d->cache(1), nullptr);
  }
  llvm::Expected<CPUTargetDescription> avx512 =
      resolveCPUTargetDescription("x86-64-avx512", {KILN_TARGETS_DIR});
  ASSERT_TRUE(bool(avx512));
  EXPECT_EQ(avx512->f32Lanes(), 16);
}

TEST(CPUTargetDescription, RoundTripsThroughJSON) {
  llvm::Expected<CPUTargetDescription> d =
      parseCPUTargetDescription(kValid, "test.json");
  ASSERT_TRUE(bool(d));
  llvm::Expected<CPUTargetDescription> again =
      parseCPUTargetDescription(toJSON(*d), "again.json");
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_EQ(toJSON(*again), toJSON(*d));
}

TEST(CPUTargetDescription, HostDetectionIsUsable) {
  CPUTargetDescription host = detectHostCPU();
  EXPECT_EQ(host.name, "host");
  EXPECT_GE(host.cores, 1);
  EXPECT_TRUE(host.vectorBits == 128 || host.vectorBits == 256 ||
              host.vectorBits == 512);
  EXPECT_TRUE(host.vectorRegisters == 16 || host.vectorRegisters == 32);
  EXPECT_GT(host.fmaLatencyCycles, 0);
  EXPECT_FALSE(host.triple.empty());
  // The detected description is itself a valid description, except where
  // detection could not know the clock.
  if (host.frequencyGHz > 0 && !host.caches.empty()) {
    llvm::Expected<CPUTargetDescription> again =
        parseCPUTargetDescription(toJSON(host), "host.json");
    EXPECT_TRUE(bool(again)) << llvm::toString(again.takeError());
  }
  EXPECT_TRUE(bool(resolveCPUTargetDescription("host", {})));
  EXPECT_TRUE(bool(resolveCPUTargetDescription("", {})));
}

TEST(CPUTargetDescription, ErrorsNameTheField) {
  EXPECT_NE(parseError(edited("\"vector_bits\": 256,", "")).find(
                "test.json: vector_bits is missing"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"fma_latency_cycles\": 4,", ""))
                .find("test.json: fma_latency_cycles is missing"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"cores\": 4", "\"cores\": 0"))
                .find("cores must be a positive integer, got 0"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"size_bytes\": 262144", "\"size_bytes\": 0"))
                .find("caches[1].size_bytes must be a positive integer, got 0"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"frequency_ghz\": 3.0", "\"frequency_ghz\": -1"))
                .find("frequency_ghz must be a positive number"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"cores\": 4", "\"cores\": 4, \"coers\": 4"))
                .find("coers is not a known field"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"line_bytes\": 64, \"shared_by_cores\": 1}\n  ]",
                              "\"line_bytes\": 64, \"shared_by_cores\": 9}\n  ]"))
                .find("caches[1].shared_by_cores is 9, more than the "
                      "description's 4 cores"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"vector_bits\": 256", "\"vector_bits\": 100"))
                .find("vector_bits must be a multiple of 32"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"kind\": \"cpu\"", "\"kind\": \"npu\""))
                .find("kind must be \"cpu\""),
            std::string::npos);
  EXPECT_NE(parseError(edited("x86_64-unknown-linux-gnu", "tpu-unknown-none"))
                .find("triple \"tpu-unknown-none\" names no architecture"),
            std::string::npos);
  EXPECT_NE(parseError(edited("[\"avx2\", \"fma\"]", "[\"+avx2\"]"))
                .find("features[0] must be a feature name"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"level\": 2", "\"level\": 3"))
                .find("caches[1].level must be 2"),
            std::string::npos);
  EXPECT_NE(parseError(edited("\"size_bytes\": 262144", "\"size_bytes\": 1024"))
                .find("caches[1].size_bytes is smaller than the level below"),
            std::string::npos);
  EXPECT_NE(parseError("{\"kind\": ").find("test.json: invalid JSON"),
            std::string::npos);
  EXPECT_NE(parseError("[1, 2]").find("a target description is a JSON object"),
            std::string::npos);
}

TEST(CPUTargetDescription, ResolveReportsWhatItTried) {
  llvm::Expected<CPUTargetDescription> d =
      resolveCPUTargetDescription("no-such-cpu", {KILN_TARGETS_DIR});
  ASSERT_FALSE(bool(d));
  std::string message = llvm::toString(d.takeError());
  EXPECT_NE(message.find("no CPU description named 'no-such-cpu'"),
            std::string::npos);
  EXPECT_NE(message.find("no-such-cpu.json"), std::string::npos);

  llvm::Expected<CPUTargetDescription> missing =
      resolveCPUTargetDescription("/nonexistent/x.json", {});
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("cannot open"),
            std::string::npos);
}

} // namespace
