//===- CPUCostModelTest.cpp - The CPU model ranks sensible things ---------===//

#include "kiln/CostModel/CPUCostModel.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace kiln;

namespace {

CPUTargetDescription load(const char *name) {
  auto d = loadCPUTargetDescription(std::string(KILN_TARGETS_DIR) + "/" +
                                    name + ".json");
  EXPECT_TRUE(bool(d));
  return d ? *d : CPUTargetDescription();
}

struct Fixture : ::testing::Test {
  mlir::MLIRContext ctx;
  Fixture() { ctx.loadDialect<KilnDialect, mlir::func::FuncDialect>(); }
  mlir::OwningOpRef<mlir::ModuleOp> matmul(int m, int n, int k) {
    std::string s = "func.func @f(%a: tensor<" + std::to_string(m) + "x" +
                    std::to_string(k) + "xf32>, %b: tensor<" +
                    std::to_string(k) + "x" + std::to_string(n) +
                    "xf32>) -> tensor<" + std::to_string(m) + "x" +
                    std::to_string(n) + "xf32> {\n %0 = kiln.matmul %a, %b : " +
                    "tensor<" + std::to_string(m) + "x" + std::to_string(k) +
                    "xf32>, tensor<" + std::to_string(k) + "x" +
                    std::to_string(n) + "xf32> -> tensor<" + std::to_string(m) +
                    "x" + std::to_string(n) + "xf32>\n return %0 : tensor<" +
                    std::to_string(m) + "x" + std::to_string(n) + "xf32>\n}";
    return mlir::parseSourceString<mlir::ModuleOp>(s, &ctx);
  }
  static mlir::Operation *firstKilnOp(mlir::ModuleOp m) {
    mlir::Operation *found = nullptr;
    m.walk([&](MatmulOp op) { found = op; });
    return found;
  }
  double best(const CPUCostModel &model, mlir::Operation *op) {
    double t = 1e30;
    for (ScheduleAttr s : model.candidates(op)) {
      CostEstimate e = model.estimate(op, s);
      EXPECT_TRUE(e.fits) << e.why;
      t = std::min(t, e.seconds);
    }
    return t;
  }
};

TEST_F(Fixture, RegisterTilesNeverSpill) {
  for (const char *name : {"x86-64-avx2", "x86-64-avx512", "aarch64-neon"}) {
    CPUCostModel model(load(name));
    ASSERT_FALSE(model.registerTiles().empty());
    for (RegisterTile t : model.registerTiles()) {
      EXPECT_LE(model.registersNeeded(t), model.description().vectorRegisters);
      EXPECT_EQ(t.nr % model.lanes(), 0);
    }
  }
  CPUCostModel avx2(load("x86-64-avx2"));
  // The classic AVX2 micro-kernel, 6x16: 12 accumulators + 2 B vectors + 1
  // A broadcast = 15 of 16 registers.
  EXPECT_EQ(avx2.registersNeeded({6, 16}), 15);
  // An 8x32 tile on 16 registers of 8 lanes spills: 32 + 4 + 1 = 37.
  EXPECT_EQ(avx2.registersNeeded({8, 32}), 37);
  auto module = matmul(64, 64, 64);
  mlir::Operation *op = firstKilnOp(*module);
  ScheduleAttr spilling = ScheduleAttr::get(
      &ctx, {{0, 0, 0}, {0, 0, 0}, {8, 32, 1}}, {}, {}, std::nullopt);
  CostEstimate e = avx2.estimate(op, spilling);
  EXPECT_FALSE(e.fits);
  EXPECT_NE(e.why.find("spills"), std::string::npos);
}

TEST_F(Fixture, EfficiencyGrowsWithAccumulatorsUpToLatencyTimesUnits) {
  CPUCostModel model(load("x86-64-avx512")); // latency 4 x 2 units = 8
  int64_t L = model.lanes();
  double previous = 0;
  for (int64_t acc = 1; acc <= 8; ++acc) {
    double e = model.registerTileEfficiency({acc, L});
    EXPECT_GT(e, previous);
    previous = e;
  }
  EXPECT_DOUBLE_EQ(model.registerTileEfficiency({8, L}), 1.0);
  EXPECT_DOUBLE_EQ(model.registerTileEfficiency({12, L}), 1.0);
  EXPECT_DOUBLE_EQ(model.registerTileEfficiency({2, L}), 0.25);
}

TEST_F(Fixture, BiggerMatmulTakesLonger) {
  for (const char *name : {"x86-64-avx2", "x86-64-avx512", "aarch64-neon"}) {
    CPUCostModel model(load(name));
    auto small = matmul(64, 64, 64), mid = matmul(256, 256, 256),
         big = matmul(1024, 1024, 1024);
    double ts = best(model, firstKilnOp(*small)),
           tm = best(model, firstKilnOp(*mid)),
           tb = best(model, firstKilnOp(*big));
    EXPECT_LT(ts, tm) << name;
    EXPECT_LT(tm, tb) << name;
    // Never faster than peak.
    double peak = model.description().peakF32Gflops(
                      model.description().cores) * 1e9;
    EXPECT_GE(tb, 2.0 * 1024 * 1024 * 1024 / peak) << name;
  }
}

TEST_F(Fixture, WiderMachineIsFasterOnBigMatmul) {
  CPUCostModel avx2(load("x86-64-avx2")), avx512(load("x86-64-avx512"));
  auto big = matmul(1024, 1024, 1024);
  EXPECT_LT(best(avx512, firstKilnOp(*big)), best(avx2, firstKilnOp(*big)));
}

} // namespace
