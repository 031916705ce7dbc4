//===- InterpreterTest.cpp - Tests of the reference interpreter -----------===//
//
// Each test parses a small kiln function, interprets it and compares with
// values computed by hand (the numbers are written out below), or checks
// that a run-time error fails with a diagnostic instead of crashing.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Interpreter.h"

#include "kiln/InitAll.h"
#include "kiln/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace mlir;
using kiln::DType;
using kiln::HostTensor;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

DialectRegistry kilnRegistry() {
  DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  return registry;
}

/// A tensor holding `values` (converted with setDouble / setInt).
HostTensor makeTensor(DType dtype, std::vector<int64_t> shape,
                      std::vector<double> values) {
  HostTensor t(dtype, std::move(shape));
  EXPECT_EQ(int64_t(values.size()), t.numElements());
  for (int64_t i = 0; i < t.numElements() && i < int64_t(values.size()); ++i) {
    if (kiln::isFloatDType(dtype))
      t.setDouble(i, values[i]);
    else
      t.setInt(i, int64_t(values[i]));
  }
  return t;
}

HostTensor f32(std::vector<int64_t> shape, std::vector<double> values) {
  return makeTensor(DType::F32, std::move(shape), std::move(values));
}

/// Checks dtype, shape and values; `tolerance` is relative for values above 1.
void expectTensor(const HostTensor &t, DType dtype, std::vector<int64_t> shape,
                  std::vector<double> expected, double tolerance = 1e-6) {
  EXPECT_EQ(t.dtype(), dtype) << t.typeString();
  EXPECT_EQ(t.shape(), shape) << t.typeString();
  ASSERT_EQ(t.numElements(), int64_t(expected.size())) << t.typeString();
  for (size_t i = 0; i < expected.size(); ++i) {
    double actual = t.getDouble(i);
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual)) << "element " << i << " is " << actual;
      continue;
    }
    if (std::isinf(expected[i])) {
      EXPECT_EQ(actual, expected[i]) << "element " << i;
      continue;
    }
    double tol = tolerance * std::max(1.0, std::fabs(expected[i]));
    EXPECT_NEAR(actual, expected[i], tol) << "element " << i;
  }
}

void expectInts(const HostTensor &t, DType dtype, std::vector<int64_t> shape,
                std::vector<int64_t> expected) {
  EXPECT_EQ(t.dtype(), dtype) << t.typeString();
  EXPECT_EQ(t.shape(), shape) << t.typeString();
  ASSERT_EQ(t.numElements(), int64_t(expected.size())) << t.typeString();
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(t.getInt(i), expected[i]) << "element " << i;
}

class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest() : context(kilnRegistry()) {
    context.loadAllAvailableDialects();
  }

  /// Parses `ir` and interprets its first func.func on `inputs`; every
  /// diagnostic lands in `diagnostics`.
  FailureOr<std::vector<HostTensor>> run(StringRef ir,
                                         std::vector<HostTensor> inputs = {}) {
    diagnostics.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return success();
    });
    module = parseSourceString<ModuleOp>(ir, &context);
    if (!module) {
      ADD_FAILURE() << "the test IR does not parse:\n" << diagnostics;
      return failure();
    }
    auto functions = module->getOps<func::FuncOp>();
    if (functions.empty()) {
      ADD_FAILURE() << "the test IR has no func.func";
      return failure();
    }
    return kiln::interpret(*functions.begin(), inputs);
  }

  /// Like run, but the run must succeed and give `count` outputs.
  std::vector<HostTensor> runOk(StringRef ir, std::vector<HostTensor> inputs,
                                size_t count = 1) {
    FailureOr<std::vector<HostTensor>> outputs = run(ir, std::move(inputs));
    if (failed(outputs)) {
      ADD_FAILURE() << "interpretation failed:\n" << diagnostics;
      return std::vector<HostTensor>(count);
    }
    EXPECT_EQ(outputs->size(), count);
    outputs->resize(count);
    return *outputs;
  }

  /// The run must fail with a diagnostic containing `phrase`.
  void expectError(StringRef ir, std::vector<HostTensor> inputs,
                   StringRef phrase) {
    FailureOr<std::vector<HostTensor>> outputs = run(ir, std::move(inputs));
    EXPECT_TRUE(failed(outputs))
        << "expected a failure mentioning '" << phrase.str() << "'";
    EXPECT_NE(diagnostics.find(phrase.str()), std::string::npos)
        << "diagnostics were:\n"
        << diagnostics;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::string diagnostics;
};

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, DTypeRoundTrip) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I64, DType::I32,
        DType::I8, DType::U8, DType::I1}) {
    Type type = kiln::elementTypeOf(&context, dtype);
    ASSERT_TRUE(type);
    EXPECT_EQ(kiln::dtypeOf(type), dtype) << kiln::dtypeName(dtype);
  }
  Builder b(&context);
  EXPECT_EQ(kiln::dtypeOf(b.getI16Type()), std::nullopt);
  EXPECT_EQ(kiln::dtypeOf(b.getIndexType()), std::nullopt);
  EXPECT_EQ(kiln::dtypeOf(IntegerType::get(&context, 32, IntegerType::Signed)),
            std::nullopt);
}

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, ConstantDenseAndSplat) {
  auto out = runOk(R"mlir(
    func.func @main() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xi8>) {
      %a = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
      %b = kiln.constant dense<0.5> : tensor<2x2xf32>
      %c = kiln.constant dense<[-128, 0, 127]> : tensor<3xi8>
      return %a, %b, %c : tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xi8>
    })mlir",
                   {}, 3);
  expectTensor(out[0], DType::F32, {2, 2}, {1, 2, 3, 4});
  expectTensor(out[1], DType::F32, {2, 2}, {0.5, 0.5, 0.5, 0.5});
  expectInts(out[2], DType::I8, {3}, {-128, 0, 127});
}

TEST_F(InterpreterTest, ConstantBool) {
  auto out = runOk(R"mlir(
    func.func @main() -> (tensor<5xi1>, tensor<2x2xi1>) {
      %a = kiln.constant dense<[true, false, true, true, false]> : tensor<5xi1>
      %b = kiln.constant dense<true> : tensor<2x2xi1>
      return %a, %b : tensor<5xi1>, tensor<2x2xi1>
    })mlir",
                   {}, 2);
  expectInts(out[0], DType::I1, {5}, {1, 0, 1, 1, 0});
  expectInts(out[1], DType::I1, {2, 2}, {1, 1, 1, 1});
}

TEST_F(InterpreterTest, ConstantDenseResource) {
  // Blobs start with their alignment as a little-endian uint32.
  // f32 1.0 = 0x3F800000, 2.0 = 0x40000000; f16 1.0 = 0x3C00, -2.0 = 0xC000.
  auto out = runOk(R"mlir(
    func.func @main() -> (tensor<2xf32>, tensor<2xf16>, tensor<2xi64>, tensor<3xi1>) {
      %a = kiln.constant dense_resource<w_f32> : tensor<2xf32>
      %b = kiln.constant dense_resource<w_f16> : tensor<2xf16>
      %c = kiln.constant dense_resource<w_i64> : tensor<2xi64>
      %d = kiln.constant dense_resource<w_i1> : tensor<3xi1>
      return %a, %b, %c, %d : tensor<2xf32>, tensor<2xf16>, tensor<2xi64>, tensor<3xi1>
    }
    {-#
      dialect_resources: {
        builtin: {
          w_f32: "0x040000000000803F00000040",
          w_f16: "0x02000000003C00C0",
          w_i64: "0x08000000FFFFFFFFFFFFFFFF0500000000000000",
          w_i1: "0x01000000010001"
        }
      }
    #-})mlir",
                   {}, 4);
  expectTensor(out[0], DType::F32, {2}, {1.0, 2.0});
  expectTensor(out[1], DType::F16, {2}, {1.0, -2.0});
  expectInts(out[2], DType::I64, {2}, {-1, 5});
  expectInts(out[3], DType::I1, {3}, {1, 0, 1});
}

TEST_F(InterpreterTest, TensorFromElementsDirect) {
  Builder b(&context);
  auto type = RankedTensorType::get({2}, b.getF32Type());
  FailureOr<HostTensor> dense =
      kiln::tensorFromElements(cast<ElementsAttr>(DenseElementsAttr::get(
                                   type, ArrayRef<float>{1.5f, -2.0f})),
                               b.getUnknownLoc());
  ASSERT_TRUE(succeeded(dense));
  expectTensor(*dense, DType::F32, {2}, {1.5, -2.0});

  // A blob whose size does not match the type, and an element type with no
  // host dtype, are reported, not read.
  diagnostics.clear();
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostics += diag.str() + "\n";
    return success();
  });
  static const char threeBytes[] = {1, 2, 3};
  auto resource = DenseResourceElementsAttr::get(
      type, "short_blob",
      UnmanagedAsmResourceBlob::allocateInferAlign(ArrayRef<char>(threeBytes)));
  EXPECT_TRUE(failed(kiln::tensorFromElements(cast<ElementsAttr>(resource),
                                              b.getUnknownLoc())));
  EXPECT_NE(diagnostics.find("holds 3 bytes"), std::string::npos)
      << diagnostics;
  auto i16 = RankedTensorType::get({2}, b.getI16Type());
  EXPECT_TRUE(failed(kiln::tensorFromElements(
      cast<ElementsAttr>(DenseElementsAttr::get(i16, ArrayRef<int16_t>{1, 2})),
      b.getUnknownLoc())));
  EXPECT_NE(diagnostics.find("cannot read a constant of type"),
            std::string::npos)
      << diagnostics;
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, Matmul2x3By3x2) {
  // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
  auto out = runOk(
      R"mlir(
    func.func @main(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
      {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 2}, {7, 8, 9, 10, 11, 12})});
  expectTensor(out[0], DType::F32, {2, 2}, {58, 64, 139, 154});
}

TEST_F(InterpreterTest, MatmulTransposeAB) {
  // The same product as above with both operands stored transposed.
  auto out = runOk(
      R"mlir(
    func.func @main(%a: tensor<3x2xf32>, %b: tensor<2x3xf32>) -> tensor<2x2xf32> {
      %0 = kiln.matmul %a, %b transpose_a transpose_b : tensor<3x2xf32>, tensor<2x3xf32> -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
      {f32({3, 2}, {1, 4, 2, 5, 3, 6}), f32({2, 3}, {7, 9, 11, 8, 10, 12})});
  expectTensor(out[0], DType::F32, {2, 2}, {58, 64, 139, 154});
}

TEST_F(InterpreterTest, MatmulBatchBroadcast) {
  // lhs batches [2,1] x rhs batches [3] -> [2,3]; each product is a 1x2 row
  // times a 2x1 column: a0 = [1,1], a1 = [2,3]; b0 = [1,0], b1 = [0,1],
  // b2 = [1,1].
  auto out = runOk(
      R"mlir(
    func.func @main(%a: tensor<2x1x1x2xf32>, %b: tensor<3x2x1xf32>) -> tensor<2x3x1x1xf32> {
      %0 = kiln.matmul %a, %b : tensor<2x1x1x2xf32>, tensor<3x2x1xf32> -> tensor<2x3x1x1xf32>
      return %0 : tensor<2x3x1x1xf32>
    })mlir",
      {f32({2, 1, 1, 2}, {1, 1, 2, 3}), f32({3, 2, 1}, {1, 0, 0, 1, 1, 1})});
  expectTensor(out[0], DType::F32, {2, 3, 1, 1}, {1, 1, 2, 2, 3, 5});
}

TEST_F(InterpreterTest, MatmulBatchTimesMatrix) {
  // [B, M, K] x [K, N]: identity and 2*identity batches times [[1,2],[3,4]].
  auto out = runOk(
      R"mlir(
    func.func @main(%a: tensor<2x2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2x2xf32> {
      %0 = kiln.matmul %a, %b : tensor<2x2x2xf32>, tensor<2x2xf32> -> tensor<2x2x2xf32>
      return %0 : tensor<2x2x2xf32>
    })mlir",
      {f32({2, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2}), f32({2, 2}, {1, 2, 3, 4})});
  expectTensor(out[0], DType::F32, {2, 2, 2}, {1, 2, 3, 4, 2, 4, 6, 8});
}

TEST_F(InterpreterTest, MatmulInt32) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<2x2xi32>, %b: tensor<2x2xi32>) -> tensor<2x2xi32> {
      %0 = kiln.matmul %a, %b : tensor<2x2xi32>, tensor<2x2xi32> -> tensor<2x2xi32>
      return %0 : tensor<2x2xi32>
    })mlir",
                   {makeTensor(DType::I32, {2, 2}, {1, 2, 3, 4}),
                    makeTensor(DType::I32, {2, 2}, {5, 6, 7, 8})});
  expectInts(out[0], DType::I32, {2, 2}, {19, 22, 43, 50});
}

TEST_F(InterpreterTest, MatmulF16RoundsOncePerElement) {
  // 2048 + 1 + 1 accumulated exactly is 2050 (representable in f16); adding
  // in f16 step by step would give 2048 twice over (2049 rounds to even).
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<1x3xf16>, %b: tensor<3x1xf16>) -> tensor<1x1xf16> {
      %0 = kiln.matmul %a, %b : tensor<1x3xf16>, tensor<3x1xf16> -> tensor<1x1xf16>
      return %0 : tensor<1x1xf16>
    })mlir",
                   {makeTensor(DType::F16, {1, 3}, {2048, 1, 1}),
                    makeTensor(DType::F16, {3, 1}, {1, 1, 1})});
  expectTensor(out[0], DType::F16, {1, 1}, {2050});
}

TEST_F(InterpreterTest, MatmulLarge) {
  // 64x256 @ 256x1024 of 1.0 and 0.5: every element is 256 * 0.5 = 128.
  auto out = runOk(R"mlir(
    func.func @main() -> tensor<64x1024xf32> {
      %a = kiln.constant dense<1.0> : tensor<64x256xf32>
      %b = kiln.constant dense<0.5> : tensor<256x1024xf32>
      %0 = kiln.matmul %a, %b : tensor<64x256xf32>, tensor<256x1024xf32> -> tensor<64x1024xf32>
      return %0 : tensor<64x1024xf32>
    })mlir",
                   {});
  ASSERT_EQ(out[0].numElements(), 64 * 1024);
  EXPECT_EQ(out[0].getDouble(0), 128.0);
  EXPECT_EQ(out[0].getDouble(64 * 1024 - 1), 128.0);
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, AddBroadcastsRow) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
      %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
      return %0 : tensor<2x3xf32>
    })mlir",
                   {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {10, 20, 30})});
  expectTensor(out[0], DType::F32, {2, 3}, {11, 22, 33, 14, 25, 36});
}

TEST_F(InterpreterTest, BinaryBroadcastsColumnAgainstRow) {
  // [2,1] - [1,3] -> [2,3]; then * scalar, / scalar.
  auto out =
      runOk(R"mlir(
    func.func @main(%a: tensor<2x1xf32>, %b: tensor<1x3xf32>, %s: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
      %0 = kiln.sub %a, %b : tensor<2x1xf32>, tensor<1x3xf32> -> tensor<2x3xf32>
      %1 = kiln.mul %0, %s : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
      %2 = kiln.div %s, %0 : tensor<f32>, tensor<2x3xf32> -> tensor<2x3xf32>
      return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
    })mlir",
            {f32({2, 1}, {10, 20}), f32({1, 3}, {1, 2, 3}), f32({}, {2})}, 3);
  expectTensor(out[0], DType::F32, {2, 3}, {9, 8, 7, 19, 18, 17});
  expectTensor(out[1], DType::F32, {2, 3}, {18, 16, 14, 38, 36, 34});
  expectTensor(out[2], DType::F32, {2, 3},
               {2.0 / 9, 0.25, 2.0 / 7, 2.0 / 19, 2.0 / 18, 2.0 / 17});
}

TEST_F(InterpreterTest, MaxMinPropagateNaN) {
  auto out =
      runOk(R"mlir(
    func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.max %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %1 = kiln.min %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      return %0, %1 : tensor<4xf32>, tensor<4xf32>
    })mlir",
            {f32({4}, {1, kNaN, 3, -kInf}), f32({4}, {2, 0, kNaN, 5})}, 2);
  expectTensor(out[0], DType::F32, {4}, {2, kNaN, kNaN, 5});
  expectTensor(out[1], DType::F32, {4}, {1, kNaN, kNaN, -kInf});
}

TEST_F(InterpreterTest, Pow) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
      %0 = kiln.pow %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
      return %0 : tensor<3xf32>
    })mlir",
                   {f32({3}, {2, 4, 9}), f32({3}, {3, 0.5, -1})});
  expectTensor(out[0], DType::F32, {3}, {8, 2, 1.0 / 9});
}

TEST_F(InterpreterTest, IntegerDivisionTruncatesTowardZero) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
      %0 = kiln.div %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
      return %0 : tensor<4xi32>
    })mlir",
                   {makeTensor(DType::I32, {4}, {7, -7, 7, -7}),
                    makeTensor(DType::I32, {4}, {2, 2, -2, -2})});
  expectInts(out[0], DType::I32, {4}, {3, -3, -3, 3});
}

TEST_F(InterpreterTest, IntegerArithmeticWraps) {
  // i8: 127 + 1 = -128, -128 - 1 = 127; i32: 65536 * 65536 = 2^32 = 0,
  // INT32_MIN / -1 = 2^31, which wraps to INT32_MIN.
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<2xi8>, %b: tensor<2xi8>, %c: tensor<2xi32>, %d: tensor<2xi32>) -> (tensor<2xi8>, tensor<2xi8>, tensor<2xi32>, tensor<2xi32>) {
      %0 = kiln.add %a, %b : tensor<2xi8>, tensor<2xi8> -> tensor<2xi8>
      %1 = kiln.sub %a, %b : tensor<2xi8>, tensor<2xi8> -> tensor<2xi8>
      %2 = kiln.mul %c, %c : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
      %3 = kiln.div %d, %c : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
      return %0, %1, %2, %3 : tensor<2xi8>, tensor<2xi8>, tensor<2xi32>, tensor<2xi32>
    })mlir",
                   {makeTensor(DType::I8, {2}, {127, -128}),
                    makeTensor(DType::I8, {2}, {1, 1}),
                    makeTensor(DType::I32, {2}, {65536, -1}),
                    makeTensor(DType::I32, {2}, {6, -2147483648.0})},
                   4);
  expectInts(out[0], DType::I8, {2}, {-128, -127});
  expectInts(out[1], DType::I8, {2}, {126, 127});
  expectInts(out[2], DType::I32, {2}, {0, 1});
  expectInts(out[3], DType::I32, {2}, {0, -2147483648LL});
}

TEST_F(InterpreterTest, IntegerMaxMin) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<3xi64>, %b: tensor<3xi64>) -> (tensor<3xi64>, tensor<3xi64>) {
      %0 = kiln.max %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
      %1 = kiln.min %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
      return %0, %1 : tensor<3xi64>, tensor<3xi64>
    })mlir",
                   {makeTensor(DType::I64, {3}, {-5, 7, 0}),
                    makeTensor(DType::I64, {3}, {3, -7, 0})},
                   2);
  expectInts(out[0], DType::I64, {3}, {3, 7, 0});
  expectInts(out[1], DType::I64, {3}, {-5, -7, 0});
}

TEST_F(InterpreterTest, F16ResultsRoundPerOp) {
  // 1 + 2^-11 is a tie in f16 and rounds to even (1.0) after the add; a
  // second add of 2^-11 then again gives 1.0, not 1 + 2^-10.
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<1xf16>, %b: tensor<1xf16>) -> tensor<1xf16> {
      %0 = kiln.add %a, %b : tensor<1xf16>, tensor<1xf16> -> tensor<1xf16>
      %1 = kiln.add %0, %b : tensor<1xf16>, tensor<1xf16> -> tensor<1xf16>
      return %1 : tensor<1xf16>
    })mlir",
                   {makeTensor(DType::F16, {1}, {1.0}),
                    makeTensor(DType::F16, {1}, {std::ldexp(1.0, -11)})});
  expectTensor(out[0], DType::F16, {1}, {1.0}, 0);
}

TEST_F(InterpreterTest, BF16ResultsRoundPerOp) {
  // 3 * (1 + 2^-7) = 3.0234375 lies halfway between the bf16 neighbours
  // 3.015625 (odd mantissa) and 3.03125 (even): the product rounds to even.
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<1xbf16>, %b: tensor<1xbf16>) -> tensor<1xbf16> {
      %0 = kiln.mul %a, %b : tensor<1xbf16>, tensor<1xbf16> -> tensor<1xbf16>
      return %0 : tensor<1xbf16>
    })mlir",
                   {makeTensor(DType::BF16, {1}, {3.0}),
                    makeTensor(DType::BF16, {1}, {1.0 + std::ldexp(1.0, -7)})});
  expectTensor(out[0], DType::BF16, {1}, {3.03125}, 0);
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, UnaryMath) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
      %0 = kiln.exp %x : tensor<3xf32>
      %1 = kiln.log %x : tensor<3xf32>
      %2 = kiln.tanh %x : tensor<3xf32>
      %3 = kiln.erf %x : tensor<3xf32>
      %4 = kiln.sqrt %x : tensor<3xf32>
      %5 = kiln.rsqrt %x : tensor<3xf32>
      return %0, %1, %2, %3, %4, %5 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
    })mlir",
                   {f32({3}, {0.5, 1, 4})}, 6);
  expectTensor(out[0], DType::F32, {3}, {1.6487213, 2.7182817, 54.598150});
  expectTensor(out[1], DType::F32, {3}, {-0.69314718, 0, 1.3862944});
  expectTensor(out[2], DType::F32, {3}, {0.46211716, 0.76159416, 0.99932930});
  expectTensor(out[3], DType::F32, {3}, {0.52049988, 0.84270079, 1.0});
  expectTensor(out[4], DType::F32, {3}, {0.70710678, 1, 2});
  expectTensor(out[5], DType::F32, {3}, {1.4142135, 1, 0.5});
}

TEST_F(InterpreterTest, UnaryActivations) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.neg %x : tensor<4xf32>
      %1 = kiln.abs %x : tensor<4xf32>
      %2 = kiln.relu %x : tensor<4xf32>
      %3 = kiln.sigmoid %x : tensor<4xf32>
      %4 = kiln.silu %x : tensor<4xf32>
      return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
    })mlir",
                   {f32({4}, {-2, 0, 1, 2})}, 5);
  expectTensor(out[0], DType::F32, {4}, {2, 0, -1, -2});
  expectTensor(out[1], DType::F32, {4}, {2, 0, 1, 2});
  expectTensor(out[2], DType::F32, {4}, {0, 0, 1, 2});
  // sigmoid(-2) = 0.11920292, sigmoid(1) = 0.73105858, sigmoid(2) = 0.88079708
  expectTensor(out[3], DType::F32, {4},
               {0.11920292, 0.5, 0.73105858, 0.88079708});
  expectTensor(out[4], DType::F32, {4},
               {-0.23840584, 0, 0.73105858, 1.7615942});
}

TEST_F(InterpreterTest, IntegerNegAbsReluWrap) {
  // In i8, -(-128) and |-128| wrap back to -128.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<3xi8>) -> (tensor<3xi8>, tensor<3xi8>, tensor<3xi8>) {
      %0 = kiln.neg %x : tensor<3xi8>
      %1 = kiln.abs %x : tensor<3xi8>
      %2 = kiln.relu %x : tensor<3xi8>
      return %0, %1, %2 : tensor<3xi8>, tensor<3xi8>, tensor<3xi8>
    })mlir",
                   {makeTensor(DType::I8, {3}, {-128, -5, 7})}, 3);
  expectInts(out[0], DType::I8, {3}, {-128, 5, -7});
  expectInts(out[1], DType::I8, {3}, {-128, 5, 7});
  expectInts(out[2], DType::I8, {3}, {0, 0, 7});
}

TEST_F(InterpreterTest, GeluErfAndTanh) {
  // erf: 0.5 x (1 + erf(x / sqrt 2)); tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x +
  // 0.044715 x^3))).
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
      %0 = kiln.gelu %x : tensor<3xf32>
      %1 = kiln.gelu %x approximate = tanh : tensor<3xf32>
      return %0, %1 : tensor<3xf32>, tensor<3xf32>
    })mlir",
                   {f32({3}, {1.0, -1.0, 0.0})}, 2);
  expectTensor(out[0], DType::F32, {3}, {0.8413447, -0.15865525, 0});
  expectTensor(out[1], DType::F32, {3}, {0.84119199, -0.15880801, 0});
}

//===----------------------------------------------------------------------===//
// softmax, layer_norm, rms_norm
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, SoftmaxLastAxis) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
      %0 = kiln.softmax %x : tensor<2x3xf32>
      return %0 : tensor<2x3xf32>
    })mlir",
                   {f32({2, 3}, {1, 2, 3, 1001, 1002, 1003})});
  // Subtracting the max makes the second row (huge values) equal the first.
  expectTensor(
      out[0], DType::F32, {2, 3},
      {0.09003057, 0.24472847, 0.66524096, 0.09003057, 0.24472847, 0.66524096});
}

TEST_F(InterpreterTest, SoftmaxAxis0) {
  // Columns [1, 1] -> [0.5, 0.5]; [1, 3] -> [e/(e+e^3), e^3/(e+e^3)].
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.softmax %x axis = 0 : tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
                   {f32({2, 2}, {1, 1, 1, 3})});
  expectTensor(out[0], DType::F32, {2, 2}, {0.5, 0.11920292, 0.5, 0.88079708});
}

TEST_F(InterpreterTest, SoftmaxAllNegInfIsNaN) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.softmax %x : tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
                   {f32({2, 2}, {-kInf, -kInf, 0, -kInf})});
  expectTensor(out[0], DType::F32, {2, 2}, {kNaN, kNaN, 1, 0});
}

TEST_F(InterpreterTest, LayerNormPlain) {
  // mean 2.5, biased variance 1.25: (x - 2.5) / sqrt(1.25).
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %0 = kiln.layer_norm %x epsilon = 0.0 : (tensor<1x4xf32>) -> tensor<1x4xf32>
      return %0 : tensor<1x4xf32>
    })mlir",
                   {f32({1, 4}, {1, 2, 3, 4})});
  expectTensor(out[0], DType::F32, {1, 4},
               {-1.3416408, -0.4472136, 0.4472136, 1.3416408});
}

TEST_F(InterpreterTest, LayerNormDefaultEpsilonScaleBias) {
  // epsilon 1e-5: (x - 2.5) / sqrt(1.25001) = [-1.3416354, -0.4472118, ...],
  // then * [1, 2, 1, 2] + [0, 0, 1, 1].
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
      %0 = kiln.layer_norm %x scale %g bias %b : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
      {f32({4}, {1, 2, 3, 4}), f32({4}, {1, 2, 1, 2}), f32({4}, {0, 0, 1, 1})});
  expectTensor(out[0], DType::F32, {4},
               {-1.3416354, -0.8944236, 1.4472118, 3.6832708});
}

TEST_F(InterpreterTest, LayerNormOverTwoAxes) {
  // axis = 1 on [2, 2, 2]: each batch's 4 elements are normalized together.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x2x2xf32>) -> tensor<2x2x2xf32> {
      %0 = kiln.layer_norm %x axis = 1 epsilon = 0.0 : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
      return %0 : tensor<2x2x2xf32>
    })mlir",
                   {f32({2, 2, 2}, {1, 2, 3, 4, 10, 10, 30, 30})});
  // Second batch: mean 20, variance 100 -> [-1, -1, 1, 1].
  expectTensor(out[0], DType::F32, {2, 2, 2},
               {-1.3416408, -0.4472136, 0.4472136, 1.3416408, -1, -1, 1, 1});
}

TEST_F(InterpreterTest, RmsNorm) {
  // mean(x^2) = 7.5: x / sqrt(7.5) * [1, 1, 2, 2].
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.rms_norm %x epsilon = 0.0 : (tensor<4xf32>) -> tensor<4xf32>
      %1 = kiln.rms_norm %x scale %g epsilon = 0.0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      return %0, %1 : tensor<4xf32>, tensor<4xf32>
    })mlir",
                   {f32({4}, {1, 2, 3, 4}), f32({4}, {1, 1, 2, 2})}, 2);
  expectTensor(out[0], DType::F32, {4},
               {0.36514837, 0.73029674, 1.0954451, 1.4605935});
  expectTensor(out[1], DType::F32, {4},
               {0.36514837, 0.73029674, 2.1908902, 2.9211869});
}

//===----------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, ReduceFloatKinds) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x1xf32>, tensor<1x3xf32>, tensor<f32>) {
      %0 = kiln.reduce sum %x axes = [1] : tensor<2x3xf32> -> tensor<2xf32>
      %1 = kiln.reduce mean %x axes = [-1] keepdims : tensor<2x3xf32> -> tensor<2x1xf32>
      %2 = kiln.reduce max %x axes = [0] keepdims : tensor<2x3xf32> -> tensor<1x3xf32>
      %3 = kiln.reduce min %x axes = [0, 1] : tensor<2x3xf32> -> tensor<f32>
      return %0, %1, %2, %3 : tensor<2xf32>, tensor<2x1xf32>, tensor<1x3xf32>, tensor<f32>
    })mlir",
                   {f32({2, 3}, {1, 5, 3, 4, 2, 6})}, 4);
  expectTensor(out[0], DType::F32, {2}, {9, 12});
  expectTensor(out[1], DType::F32, {2, 1}, {3, 4});
  expectTensor(out[2], DType::F32, {1, 3}, {4, 5, 6});
  expectTensor(out[3], DType::F32, {}, {1});
}

TEST_F(InterpreterTest, ReduceMiddleAxisAndNaN) {
  // [2, 2, 2] summed over axis 1; max over the last axis propagates NaN.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
      %0 = kiln.reduce sum %x axes = [1] : tensor<2x2x2xf32> -> tensor<2x2xf32>
      %1 = kiln.reduce max %x axes = [2] : tensor<2x2x2xf32> -> tensor<2x2xf32>
      return %0, %1 : tensor<2x2xf32>, tensor<2x2xf32>
    })mlir",
                   {f32({2, 2, 2}, {1, 2, 3, 4, 5, kNaN, 7, 8})}, 2);
  expectTensor(out[0], DType::F32, {2, 2}, {4, 6, 12, kNaN});
  expectTensor(out[1], DType::F32, {2, 2}, {2, 4, kNaN, 8});
}

TEST_F(InterpreterTest, ReduceIntegerMeanTruncates) {
  // Row means 1.5 -> 1, -1.5 -> -1 (toward zero), 3 -> 3.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<3x2xi32>) -> (tensor<3xi32>, tensor<3xi32>) {
      %0 = kiln.reduce mean %x axes = [1] : tensor<3x2xi32> -> tensor<3xi32>
      %1 = kiln.reduce sum %x axes = [1] : tensor<3x2xi32> -> tensor<3xi32>
      return %0, %1 : tensor<3xi32>, tensor<3xi32>
    })mlir",
                   {makeTensor(DType::I32, {3, 2}, {1, 2, -1, -2, 3, 3})}, 2);
  expectInts(out[0], DType::I32, {3}, {1, -1, 3});
  expectInts(out[1], DType::I32, {3}, {3, -3, 6});
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, Transpose) {
  auto out =
      runOk(R"mlir(
    func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3x4xi32>) -> (tensor<3x2xf32>, tensor<4x2x3xi32>) {
      %0 = kiln.transpose %x perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
      %1 = kiln.transpose %y perm = [2, 0, 1] : tensor<2x3x4xi32> -> tensor<4x2x3xi32>
      return %0, %1 : tensor<3x2xf32>, tensor<4x2x3xi32>
    })mlir",
            {f32({2, 3}, {1, 2, 3, 4, 5, 6}),
             makeTensor(DType::I32, {2, 3, 4},
                        {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                         12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})},
            2);
  expectTensor(out[0], DType::F32, {3, 2}, {1, 4, 2, 5, 3, 6});
  // result[k][i][j] = y[i][j][k] = 12 i + 4 j + k.
  expectInts(out[1], DType::I32, {4, 2, 3},
             {0, 4, 8,  12, 16, 20, 1, 5, 9,  13, 17, 21,
              2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23});
}

TEST_F(InterpreterTest, ReshapeStaticAndDynamicResult) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<?x2xf32>) {
      %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
      %1 = kiln.reshape %x : tensor<2x3xf32> -> tensor<?x2xf32>
      return %0, %1 : tensor<3x2xf32>, tensor<?x2xf32>
    })mlir",
                   {f32({2, 3}, {1, 2, 3, 4, 5, 6})}, 2);
  expectTensor(out[0], DType::F32, {3, 2}, {1, 2, 3, 4, 5, 6});
  expectTensor(out[1], DType::F32, {3, 2}, {1, 2, 3, 4, 5, 6});
}

TEST_F(InterpreterTest, ReshapeResolvesDynamicDimAtRunTime) {
  StringRef ir = R"mlir(
    func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
      %0 = kiln.reshape %x : tensor<?x4xf32> -> tensor<?x2xf32>
      return %0 : tensor<?x2xf32>
    })mlir";
  auto out = runOk(ir, {f32({1, 4}, {1, 2, 3, 4})});
  expectTensor(out[0], DType::F32, {2, 2}, {1, 2, 3, 4});
  out = runOk(ir, {f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  expectTensor(out[0], DType::F32, {4, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_F(InterpreterTest, Concat) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<2x2xf32>, %b: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<4x2xf32>) {
      %0 = kiln.concat %a, %b axis = 1 : tensor<2x2xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
      %1 = kiln.concat %a, %a axis = -2 : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
      return %0, %1 : tensor<2x3xf32>, tensor<4x2xf32>
    })mlir",
                   {f32({2, 2}, {1, 2, 3, 4}), f32({2, 1}, {5, 6})}, 2);
  expectTensor(out[0], DType::F32, {2, 3}, {1, 2, 5, 3, 4, 6});
  expectTensor(out[1], DType::F32, {4, 2}, {1, 2, 3, 4, 1, 2, 3, 4});
}

TEST_F(InterpreterTest, SliceWindowAndSteps) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x3xf32>, %y: tensor<8xi64>) -> (tensor<2x2xf32>, tensor<1x2xf32>, tensor<4xi64>) {
      %0 = kiln.slice %x starts = [0, 1] limits = [2, 3] : tensor<2x3xf32> -> tensor<2x2xf32>
      %1 = kiln.slice %x starts = [1, 0] limits = [2, 3] steps = [1, 2] : tensor<2x3xf32> -> tensor<1x2xf32>
      %2 = kiln.slice %y starts = [1] limits = [8] steps = [2] : tensor<8xi64> -> tensor<4xi64>
      return %0, %1, %2 : tensor<2x2xf32>, tensor<1x2xf32>, tensor<4xi64>
    })mlir",
                   {f32({2, 3}, {1, 2, 3, 4, 5, 6}),
                    makeTensor(DType::I64, {8}, {0, 1, 2, 3, 4, 5, 6, 7})},
                   3);
  expectTensor(out[0], DType::F32, {2, 2}, {2, 3, 5, 6});
  expectTensor(out[1], DType::F32, {1, 2}, {4, 6});
  expectInts(out[2], DType::I64, {4}, {1, 3, 5, 7});
}

TEST_F(InterpreterTest, SliceNegativeSteps) {
  // limit -1 with step -1 reverses through index 0; step -3 from 7 takes 7,
  // 4, 1.
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<8xf32>, %y: tensor<2x3xf32>) -> (tensor<8xf32>, tensor<3xf32>, tensor<2x2xf32>) {
      %0 = kiln.slice %x starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
      %1 = kiln.slice %x starts = [7] limits = [0] steps = [-3] : tensor<8xf32> -> tensor<3xf32>
      %2 = kiln.slice %y starts = [1, 2] limits = [-1, 0] steps = [-1, -1] : tensor<2x3xf32> -> tensor<2x2xf32>
      return %0, %1, %2 : tensor<8xf32>, tensor<3xf32>, tensor<2x2xf32>
    })mlir",
      {f32({8}, {0, 1, 2, 3, 4, 5, 6, 7}), f32({2, 3}, {1, 2, 3, 4, 5, 6})}, 3);
  expectTensor(out[0], DType::F32, {8}, {7, 6, 5, 4, 3, 2, 1, 0});
  expectTensor(out[1], DType::F32, {3}, {7, 4, 1});
  expectTensor(out[2], DType::F32, {2, 2}, {6, 5, 3, 2});
}

TEST_F(InterpreterTest, GatherEmbeddingWithNegativeIndex) {
  // Rows 2, -1 (= 2) and 0 of a 3x2 table.
  auto out = runOk(R"mlir(
    func.func @main(%t: tensor<3x2xf32>, %ids: tensor<3xi64>) -> tensor<3x2xf32> {
      %0 = kiln.gather %t[%ids] : tensor<3x2xf32>, tensor<3xi64> -> tensor<3x2xf32>
      return %0 : tensor<3x2xf32>
    })mlir",
                   {f32({3, 2}, {10, 11, 20, 21, 30, 31}),
                    makeTensor(DType::I64, {3}, {2, -1, 0})});
  expectTensor(out[0], DType::F32, {3, 2}, {30, 31, 30, 31, 10, 11});
}

TEST_F(InterpreterTest, GatherAxis1With2DIndices) {
  // result[i][a][b] = x[i][idx[a][b]].
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2x3xi32>, %idx: tensor<1x2xi32>) -> tensor<2x1x2xi32> {
      %0 = kiln.gather %x[%idx] axis = 1 : tensor<2x3xi32>, tensor<1x2xi32> -> tensor<2x1x2xi32>
      return %0 : tensor<2x1x2xi32>
    })mlir",
                   {makeTensor(DType::I32, {2, 3}, {1, 2, 3, 4, 5, 6}),
                    makeTensor(DType::I32, {1, 2}, {2, -3})});
  expectInts(out[0], DType::I32, {2, 1, 2}, {3, 1, 6, 4});
}

TEST_F(InterpreterTest, WhereBroadcastsThreeWays) {
  // condition [3] x true_value [2, 3] x false_value scalar.
  auto out = runOk(R"mlir(
    func.func @main(%c: tensor<3xi1>, %a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
      %0 = kiln.where %c, %a, %b : tensor<3xi1>, tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
      return %0 : tensor<2x3xf32>
    })mlir",
                   {makeTensor(DType::I1, {3}, {1, 0, 1}),
                    f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({}, {-kInf})});
  expectTensor(out[0], DType::F32, {2, 3}, {1, -kInf, 3, 4, -kInf, 6});
}

TEST_F(InterpreterTest, WhereConditionColumnOnIntegers) {
  auto out = runOk(R"mlir(
    func.func @main(%c: tensor<2x1xi1>, %a: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<2x2xi64> {
      %0 = kiln.where %c, %a, %b : tensor<2x1xi1>, tensor<2xi64>, tensor<2xi64> -> tensor<2x2xi64>
      return %0 : tensor<2x2xi64>
    })mlir",
                   {makeTensor(DType::I1, {2, 1}, {0, 1}),
                    makeTensor(DType::I64, {2}, {1, 2}),
                    makeTensor(DType::I64, {2}, {-1, -2})});
  expectInts(out[0], DType::I64, {2, 2}, {-1, -2, 1, 2});
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, CastFloatToIntTruncatesSaturatesWraps) {
  // 3e9 and -3e9 are outside i32 and wrap: 3e9 - 2^32, -3e9 + 2^32; NaN -> 0;
  // +inf saturates to INT64_MAX, whose low 32 bits are -1.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<7xf32>) -> (tensor<7xi32>, tensor<7xi64>) {
      %0 = kiln.cast %x : tensor<7xf32> -> tensor<7xi32>
      %1 = kiln.cast %x : tensor<7xf32> -> tensor<7xi64>
      return %0, %1 : tensor<7xi32>, tensor<7xi64>
    })mlir",
                   {f32({7}, {1.9, -1.9, kNaN, 3e9, -3e9, kInf, -kInf})}, 2);
  expectInts(out[0], DType::I32, {7},
             {1, -1, 0, -1294967296LL, 1294967296LL, -1, 0});
  expectInts(out[1], DType::I64, {7},
             {1, -1, 0, 3000000000LL, -3000000000LL,
              std::numeric_limits<int64_t>::max(),
              std::numeric_limits<int64_t>::min()});
}

TEST_F(InterpreterTest, CastToHalfFormatsRoundsToNearestEven) {
  // bf16: 1.0 = 0x3F80; 1 + 2^-8 is a tie -> even 0x3F80; 1 + 3 * 2^-8 is a
  // tie -> even 0x3F82; 1 + 2^-8 + 2^-20 is above the tie -> 0x3F81.
  // f16: 1.0 = 0x3C00; 1 + 2^-11 ties to 0x3C00; 65520 overflows to +inf
  // 0x7C00; 0.1 -> 0x2E66.
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xbf16>, tensor<4xf16>) {
      %0 = kiln.cast %x : tensor<4xf32> -> tensor<4xbf16>
      %1 = kiln.cast %y : tensor<4xf32> -> tensor<4xf16>
      return %0, %1 : tensor<4xbf16>, tensor<4xf16>
    })mlir",
      {f32({4}, {1.0, 1.0 + std::ldexp(1.0, -8), 1.0 + 3 * std::ldexp(1.0, -8),
                 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -20)}),
       f32({4}, {1.0, 1.0 + std::ldexp(1.0, -11), 65520.0, 0.1})},
      2);
  ASSERT_EQ(out[0].dtype(), DType::BF16);
  ASSERT_EQ(out[1].dtype(), DType::F16);
  const uint16_t *bf = out[0].dataAs<uint16_t>();
  EXPECT_EQ(bf[0], 0x3F80);
  EXPECT_EQ(bf[1], 0x3F80);
  EXPECT_EQ(bf[2], 0x3F82);
  EXPECT_EQ(bf[3], 0x3F81);
  const uint16_t *h = out[1].dataAs<uint16_t>();
  EXPECT_EQ(h[0], 0x3C00);
  EXPECT_EQ(h[1], 0x3C00);
  EXPECT_EQ(h[2], 0x7C00);
  EXPECT_EQ(h[3], 0x2E66);
}

TEST_F(InterpreterTest, CastIntegersAndBools) {
  // i32 -> i8 wraps (200 -> -56, -129 -> 127); -> i1 is x != 0; i1 -> f32 is
  // 0 or 1.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<4xi32>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xf32>) {
      %0 = kiln.cast %x : tensor<4xi32> -> tensor<4xi8>
      %1 = kiln.cast %x : tensor<4xi32> -> tensor<4xi1>
      %2 = kiln.cast %1 : tensor<4xi1> -> tensor<4xf32>
      return %0, %1, %2 : tensor<4xi8>, tensor<4xi1>, tensor<4xf32>
    })mlir",
                   {makeTensor(DType::I32, {4}, {200, -129, 0, 256})}, 3);
  expectInts(out[0], DType::I8, {4}, {-56, 127, 0, 0});
  expectInts(out[1], DType::I1, {4}, {1, 1, 0, 1});
  expectTensor(out[2], DType::F32, {4}, {1, 1, 0, 1});
}

TEST_F(InterpreterTest, CastFloatToBoolAndIntToFloat) {
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<3xf32>, %y: tensor<2xi64>) -> (tensor<3xi1>, tensor<2xf16>) {
      %0 = kiln.cast %x : tensor<3xf32> -> tensor<3xi1>
      %1 = kiln.cast %y : tensor<2xi64> -> tensor<2xf16>
      return %0, %1 : tensor<3xi1>, tensor<2xf16>
    })mlir",
      {f32({3}, {0.0, 0.25, -3}), makeTensor(DType::I64, {2}, {2049, 100000})},
      2);
  expectInts(out[0], DType::I1, {3}, {0, 1, 1});
  // 2049 is a tie between 2048 and 2050 in f16 -> 2048; 100000 -> +inf.
  expectTensor(out[1], DType::F16, {2}, {2048, kInf}, 0);
}

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

// One head, D = 1: q = [1, 1], k = [1, 2], v = [10, 20], scale 1/sqrt(1).
// Row 0 (causal) sees key 0 only -> 10. Row 1 has scores [1, 2] -> weights
// [0.26894142, 0.73105858] -> 10 * 0.26894142 + 20 * 0.73105858 = 17.310586.
TEST_F(InterpreterTest, AttentionCausal) {
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x1x2x1xf32>, %k: tensor<1x1x2x1xf32>, %v: tensor<1x1x2x1xf32>) -> tensor<1x1x2x1xf32> {
      %0 = kiln.attention %q, %k, %v causal : (tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x2x1xf32>
      return %0 : tensor<1x1x2x1xf32>
    })mlir",
                   {f32({1, 1, 2, 1}, {1, 1}), f32({1, 1, 2, 1}, {1, 2}),
                    f32({1, 1, 2, 1}, {10, 20})});
  expectTensor(out[0], DType::F32, {1, 1, 2, 1}, {10, 17.310586});
}

TEST_F(InterpreterTest, AttentionCausalBottomRightAligned) {
  // Sq = 1 at the end of Sk = 2 keys: j > 0 + (2 - 1) masks nothing, so the
  // single query sees both keys (17.310586), not just the first (10).
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x1x1x1xf32>, %k: tensor<1x1x2x1xf32>, %v: tensor<1x1x2x1xf32>) -> tensor<1x1x1x1xf32> {
      %0 = kiln.attention %q, %k, %v causal : (tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x1x1xf32>
      return %0 : tensor<1x1x1x1xf32>
    })mlir",
                   {f32({1, 1, 1, 1}, {1}), f32({1, 1, 2, 1}, {1, 2}),
                    f32({1, 1, 2, 1}, {10, 20})});
  expectTensor(out[0], DType::F32, {1, 1, 1, 1}, {17.310586});
}

TEST_F(InterpreterTest, AttentionScaleAndFloatMask) {
  // D = 2, q = [1, 1], k = [[1, 0], [1, 1]]: dots [1, 2] * scale 0.5 =
  // [0.5, 1], plus mask [0, -1] = [0.5, 0] -> weights [0.62245933,
  // 0.37754067] -> 10 * 0.62245933 + 20 * 0.37754067 = 13.775407 (and 2x for
  // the second value column).
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x1x1x2xf32>, %k: tensor<1x1x2x2xf32>, %v: tensor<1x1x2x2xf32>, %m: tensor<2xf32>) -> tensor<1x1x1x2xf32> {
      %0 = kiln.attention %q, %k, %v mask %m scale = 5.000000e-01 : (tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
      return %0 : tensor<1x1x1x2xf32>
    })mlir",
                   {f32({1, 1, 1, 2}, {1, 1}), f32({1, 1, 2, 2}, {1, 0, 1, 1}),
                    f32({1, 1, 2, 2}, {10, 20, 20, 40}), f32({2}, {0, -1})});
  expectTensor(out[0], DType::F32, {1, 1, 1, 2}, {13.775407, 27.550813});
}

TEST_F(InterpreterTest, AttentionBoolMaskAndFullyMaskedRow) {
  // Two queries; the i1 mask [[1, 0], [0, 0]] keeps only key 0 for query 0
  // (-> 10) and nothing for query 1 (-> NaN, like PyTorch).
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x1x2x1xf32>, %k: tensor<1x1x2x1xf32>, %v: tensor<1x1x2x1xf32>, %m: tensor<1x1x2x2xi1>) -> tensor<1x1x2x1xf32> {
      %0 = kiln.attention %q, %k, %v mask %m : (tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x2xi1>) -> tensor<1x1x2x1xf32>
      return %0 : tensor<1x1x2x1xf32>
    })mlir",
                   {f32({1, 1, 2, 1}, {1, 1}), f32({1, 1, 2, 1}, {1, 2}),
                    f32({1, 1, 2, 1}, {10, 20}),
                    makeTensor(DType::I1, {1, 1, 2, 2}, {1, 0, 0, 0})});
  expectTensor(out[0], DType::F32, {1, 1, 2, 1}, {10, kNaN});
}

TEST_F(InterpreterTest, AttentionGroupedQueryHeads) {
  // Hq = 4, Hkv = 2, one key: every output is its kv head's value, so query
  // heads 0, 1 read kv head 0 (5) and heads 2, 3 read kv head 1 (7).
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x4x1x1xf32>, %k: tensor<1x2x1x1xf32>, %v: tensor<1x2x1x1xf32>) -> tensor<1x4x1x1xf32> {
      %0 = kiln.attention %q, %k, %v : (tensor<1x4x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x4x1x1xf32>
      return %0 : tensor<1x4x1x1xf32>
    })mlir",
                   {f32({1, 4, 1, 1}, {1, 2, 3, 4}), f32({1, 2, 1, 1}, {1, 1}),
                    f32({1, 2, 1, 1}, {5, 7})});
  expectTensor(out[0], DType::F32, {1, 4, 1, 1}, {5, 5, 7, 7});
}

TEST_F(InterpreterTest, AttentionGroupedQueryHeadsWithTwoKeys) {
  // Hq = 2, Hkv = 1 (multi-query): both heads share k = [1, 2], v = [10, 20].
  // Head 0 (q = 1) gives 17.310586; head 1 (q = 0) weights keys equally: 15.
  auto out = runOk(R"mlir(
    func.func @main(%q: tensor<1x2x1x1xf32>, %k: tensor<1x1x2x1xf32>, %v: tensor<1x1x2x1xf32>) -> tensor<1x2x1x1xf32> {
      %0 = kiln.attention %q, %k, %v : (tensor<1x2x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>) -> tensor<1x2x1x1xf32>
      return %0 : tensor<1x2x1x1xf32>
    })mlir",
                   {f32({1, 2, 1, 1}, {1, 0}), f32({1, 1, 2, 1}, {1, 2}),
                    f32({1, 1, 2, 1}, {10, 20})});
  expectTensor(out[0], DType::F32, {1, 2, 1, 1}, {17.310586, 15});
}

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, RopeHalfPairs) {
  // D = 4, pairs (0, 2) and (1, 3). Pair 0 rotates by 90 degrees (cos 0,
  // sin 1): (1, 3) -> (1*0 - 3*1, 3*0 + 1*1) = (-3, 1). Pair 1 is identity.
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<1x4xf32>, %c: tensor<1x2xf32>, %s: tensor<1x2xf32>) -> tensor<1x4xf32> {
      %0 = kiln.rope %x, %c, %s : (tensor<1x4xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
      return %0 : tensor<1x4xf32>
    })mlir",
      {f32({1, 4}, {1, 2, 3, 4}), f32({1, 2}, {0, 1}), f32({1, 2}, {1, 0})});
  expectTensor(out[0], DType::F32, {1, 4}, {-3, 2, 1, 4});
}

TEST_F(InterpreterTest, RopeInterleaved) {
  // Pairs (0, 1) and (2, 3): (1, 2) -> (-2, 1); (3, 4) unchanged.
  auto out = runOk(
      R"mlir(
    func.func @main(%x: tensor<1x4xf32>, %c: tensor<1x2xf32>, %s: tensor<1x2xf32>) -> tensor<1x4xf32> {
      %0 = kiln.rope %x, %c, %s interleaved : (tensor<1x4xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
      return %0 : tensor<1x4xf32>
    })mlir",
      {f32({1, 4}, {1, 2, 3, 4}), f32({1, 2}, {0, 1}), f32({1, 2}, {1, 0})});
  expectTensor(out[0], DType::F32, {1, 4}, {-2, 1, 3, 4});
}

TEST_F(InterpreterTest, RopeBroadcastsTableOverHeads) {
  // [B=1, H=2, S=2, D=2] with a [S, D/2] table: position 0 is the identity,
  // position 1 rotates (x1, x2) by 180 degrees to (-x1, -x2).
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<1x2x2x2xf32>, %c: tensor<2x1xf32>, %s: tensor<2x1xf32>) -> tensor<1x2x2x2xf32> {
      %0 = kiln.rope %x, %c, %s : (tensor<1x2x2x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<1x2x2x2xf32>
      return %0 : tensor<1x2x2x2xf32>
    })mlir",
                   {f32({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}),
                    f32({2, 1}, {1, -1}), f32({2, 1}, {0, 0})});
  expectTensor(out[0], DType::F32, {1, 2, 2, 2}, {1, 2, -3, -4, 5, 6, -7, -8});
}

//===----------------------------------------------------------------------===//
// Dynamic shapes and whole graphs
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, DynamicDimRunsOnTwoSizes) {
  StringRef ir = R"mlir(
    func.func @main(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<2xf32>) {
      %b = kiln.constant dense<[10.0, 20.0]> : tensor<2xf32>
      %0 = kiln.add %x, %b : tensor<?x2xf32>, tensor<2xf32> -> tensor<?x2xf32>
      %1 = kiln.reduce sum %0 axes = [0] : tensor<?x2xf32> -> tensor<2xf32>
      return %0, %1 : tensor<?x2xf32>, tensor<2xf32>
    })mlir";
  auto out = runOk(ir, {f32({1, 2}, {1, 2})}, 2);
  expectTensor(out[0], DType::F32, {1, 2}, {11, 22});
  expectTensor(out[1], DType::F32, {2}, {11, 22});
  out = runOk(ir, {f32({3, 2}, {1, 2, 3, 4, 5, 6})}, 2);
  expectTensor(out[0], DType::F32, {3, 2}, {11, 22, 13, 24, 15, 26});
  expectTensor(out[1], DType::F32, {2}, {39, 72});
}

TEST_F(InterpreterTest, ReturnsArgumentsUnchanged) {
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>) {
      return %x, %x : tensor<2xi32>, tensor<2xi32>
    })mlir",
                   {makeTensor(DType::I32, {2}, {3, -4})}, 2);
  expectInts(out[0], DType::I32, {2}, {3, -4});
  expectInts(out[1], DType::I32, {2}, {3, -4});
}

TEST_F(InterpreterTest, TransformerBlockShapes) {
  // A GPT-2-sized block (seq 64, d 256, 4 heads, MLP 1024) with splat
  // weights: checks the ops compose at real sizes. With
  // identical rows everywhere, layer_norm of a constant row is 0, so the
  // output equals the residual input plus the biases' contributions.
  auto out = runOk(R"mlir(
    func.func @main(%x: tensor<1x64x256xf32>) -> tensor<1x64x256xf32> {
      %g = kiln.constant dense<1.0> : tensor<256xf32>
      %beta = kiln.constant dense<0.0> : tensor<256xf32>
      %wqkv = kiln.constant dense<0.01> : tensor<256x768xf32>
      %wo = kiln.constant dense<0.01> : tensor<256x256xf32>
      %w1 = kiln.constant dense<0.01> : tensor<256x1024xf32>
      %w2 = kiln.constant dense<0.01> : tensor<1024x256xf32>
      %b2 = kiln.constant dense<0.5> : tensor<256xf32>
      %h = kiln.layer_norm %x scale %g bias %beta : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
      %qkv = kiln.matmul %h, %wqkv : tensor<1x64x256xf32>, tensor<256x768xf32> -> tensor<1x64x768xf32>
      %q0 = kiln.slice %qkv starts = [0, 0, 0] limits = [1, 64, 256] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
      %k0 = kiln.slice %qkv starts = [0, 0, 256] limits = [1, 64, 512] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
      %v0 = kiln.slice %qkv starts = [0, 0, 512] limits = [1, 64, 768] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
      %q1 = kiln.reshape %q0 : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
      %k1 = kiln.reshape %k0 : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
      %v1 = kiln.reshape %v0 : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
      %q = kiln.transpose %q1 perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
      %k = kiln.transpose %k1 perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
      %v = kiln.transpose %v1 perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
      %a = kiln.attention %q, %k, %v causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
      %a1 = kiln.transpose %a perm = [0, 2, 1, 3] : tensor<1x4x64x64xf32> -> tensor<1x64x4x64xf32>
      %a2 = kiln.reshape %a1 : tensor<1x64x4x64xf32> -> tensor<1x64x256xf32>
      %o = kiln.matmul %a2, %wo : tensor<1x64x256xf32>, tensor<256x256xf32> -> tensor<1x64x256xf32>
      %r1 = kiln.add %x, %o : tensor<1x64x256xf32>, tensor<1x64x256xf32> -> tensor<1x64x256xf32>
      %h2 = kiln.layer_norm %r1 scale %g bias %beta : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
      %m1 = kiln.matmul %h2, %w1 : tensor<1x64x256xf32>, tensor<256x1024xf32> -> tensor<1x64x1024xf32>
      %m2 = kiln.gelu %m1 approximate = tanh : tensor<1x64x1024xf32>
      %m3 = kiln.matmul %m2, %w2 : tensor<1x64x1024xf32>, tensor<1024x256xf32> -> tensor<1x64x256xf32>
      %m4 = kiln.add %m3, %b2 : tensor<1x64x256xf32>, tensor<256xf32> -> tensor<1x64x256xf32>
      %y = kiln.add %r1, %m4 : tensor<1x64x256xf32>, tensor<1x64x256xf32> -> tensor<1x64x256xf32>
      return %y : tensor<1x64x256xf32>
    })mlir",
                   {f32({1, 64, 256}, std::vector<double>(64 * 256, 3.0))});
  // Every row of x is constant, so both layer_norms give 0, q/k/v and the
  // MLP hidden state are 0, and y = x + 0 + 0.5 = 3.5 everywhere.
  ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{1, 64, 256}));
  EXPECT_EQ(out[0].getDouble(0), 3.5);
  EXPECT_EQ(out[0].getDouble(64 * 256 - 1), 3.5);
}

//===----------------------------------------------------------------------===//
// Errors: each fails with a diagnostic, never crashes.
//===----------------------------------------------------------------------===//

constexpr const char *kTakes2x2 = R"mlir(
  func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %0 = kiln.neg %x : tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  })mlir";

TEST_F(InterpreterTest, ErrorWrongInputCount) {
  expectError(kTakes2x2, {f32({2, 2}, {1, 2, 3, 4}), f32({2, 2}, {1, 2, 3, 4})},
              "takes 1 input but 2 were given");
  expectError(kTakes2x2, {}, "takes 1 input but 0 were given");
}

TEST_F(InterpreterTest, ErrorWrongDType) {
  expectError(kTakes2x2, {makeTensor(DType::I32, {2, 2}, {1, 2, 3, 4})},
              "input 0 is 2x2xi32 but argument 0 of @main is "
              "'tensor<2x2xf32>'");
}

TEST_F(InterpreterTest, ErrorWrongShape) {
  expectError(kTakes2x2, {f32({3, 2}, {1, 2, 3, 4, 5, 6})},
              "input 0 is 3x2xf32 but argument 0 of @main is "
              "'tensor<2x2xf32>'");
  expectError(kTakes2x2, {f32({4}, {1, 2, 3, 4})}, "input 0 is 4xf32");
}

TEST_F(InterpreterTest, ErrorGatherIndexOutOfRange) {
  StringRef ir = R"mlir(
    func.func @main(%t: tensor<3x2xf32>, %ids: tensor<2xi32>) -> tensor<2x2xf32> {
      %0 = kiln.gather %t[%ids] : tensor<3x2xf32>, tensor<2xi32> -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir";
  HostTensor table = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  expectError(ir, {table, makeTensor(DType::I32, {2}, {0, 3})},
              "index 3 at indices[1] is out of range for axis 0 of size 3 "
              "(expected a value in [-3, 3))");
  expectError(ir, {table, makeTensor(DType::I32, {2}, {-4, 0})},
              "index -4 at indices[0] is out of range");
}

TEST_F(InterpreterTest, ErrorIntegerDivisionByZero) {
  expectError(R"mlir(
    func.func @main(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
      %0 = kiln.div %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
      return %0 : tensor<3xi64>
    })mlir",
              {makeTensor(DType::I64, {3}, {1, 2, 3}),
               makeTensor(DType::I64, {3}, {1, 0, 1})},
              "'kiln.div' op integer division by zero at result index [1]");
}

TEST_F(InterpreterTest, FloatDivisionByZeroIsInf) {
  auto out = runOk(R"mlir(
    func.func @main(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
      %0 = kiln.div %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
      return %0 : tensor<3xf32>
    })mlir",
                   {f32({3}, {1, -1, 0}), f32({3}, {0, 0, 0})});
  expectTensor(out[0], DType::F32, {3}, {kInf, -kInf, kNaN});
}

TEST_F(InterpreterTest, ErrorDynamicBroadcastMismatch) {
  expectError(R"mlir(
    func.func @main(%a: tensor<?xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
      %0 = kiln.add %a, %b : tensor<?xf32>, tensor<4xf32> -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              {f32({3}, {1, 2, 3}), f32({4}, {1, 2, 3, 4})},
              "'kiln.add' op operands are not broadcast-compatible");
}

TEST_F(InterpreterTest, ErrorDynamicMatmulContractingMismatch) {
  expectError(
      R"mlir(
    func.func @main(%a: tensor<2x?xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.matmul %a, %b : tensor<2x?xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
      {f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), f32({3, 2}, {1, 2, 3, 4, 5, 6})},
      "contracting dimensions differ");
}

TEST_F(InterpreterTest, ErrorDynamicReshapeCountMismatch) {
  expectError(R"mlir(
    func.func @main(%x: tensor<?xf32>) -> tensor<2x2xf32> {
      %0 = kiln.reshape %x : tensor<?xf32> -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir",
              {f32({5}, {1, 2, 3, 4, 5})}, "cannot reshape [5]");
}

TEST_F(InterpreterTest, ErrorDynamicSliceOutOfBounds) {
  expectError(R"mlir(
    func.func @main(%x: tensor<?xf32>) -> tensor<4xf32> {
      %0 = kiln.slice %x starts = [0] limits = [4] : tensor<?xf32> -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              {f32({3}, {1, 2, 3})}, "is out of range");
}

TEST_F(InterpreterTest, ErrorDynamicAttentionHeads) {
  // 3 query heads cannot share 2 key/value heads.
  expectError(R"mlir(
    func.func @main(%q: tensor<1x?x1x1xf32>, %k: tensor<1x2x1x1xf32>, %v: tensor<1x2x1x1xf32>) -> tensor<1x?x1x1xf32> {
      %0 = kiln.attention %q, %k, %v : (tensor<1x?x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x?x1x1xf32>
      return %0 : tensor<1x?x1x1xf32>
    })mlir",
              {f32({1, 3, 1, 1}, {1, 2, 3}), f32({1, 2, 1, 1}, {1, 1}),
               f32({1, 2, 1, 1}, {1, 1})},
              "must be a multiple of key/value heads");
}

TEST_F(InterpreterTest, ErrorUnsupportedOp) {
  context.allowUnregisteredDialects();
  expectError(R"mlir(
    func.func @main() -> tensor<2xf32> {
      %0 = "other.op"() : () -> tensor<2xf32>
      return %0 : tensor<2xf32>
    })mlir",
              {},
              "'other.op' op is not supported by the reference interpreter");
}

TEST_F(InterpreterTest, ErrorExternalFunction) {
  expectError("func.func private @main(tensor<2xf32>) -> tensor<2xf32>",
              {f32({2}, {1, 2})}, "has no body to interpret");
}

} // namespace
