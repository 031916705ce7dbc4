//===- HostTensorTest.cpp - HostTensor and DType tests --------------------===//

#include "kiln/Support/HostTensor.h"

#include "kiln/Support/DType.h"
#include "kiln/Support/Float16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

using namespace kiln;

namespace {

constexpr DType kAllDTypes[] = {DType::F32, DType::F16, DType::BF16,
                                DType::F64, DType::I64, DType::I32,
                                DType::I8,  DType::U8,  DType::I1};

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

//===----------------------------------------------------------------------===//
// DType
//===----------------------------------------------------------------------===//

TEST(DTypeTest, NamesAndSizes) {
  EXPECT_STREQ(dtypeName(DType::F32), "f32");
  EXPECT_STREQ(dtypeName(DType::F16), "f16");
  EXPECT_STREQ(dtypeName(DType::BF16), "bf16");
  EXPECT_STREQ(dtypeName(DType::F64), "f64");
  EXPECT_STREQ(dtypeName(DType::I64), "i64");
  EXPECT_STREQ(dtypeName(DType::I32), "i32");
  EXPECT_STREQ(dtypeName(DType::I8), "i8");
  EXPECT_STREQ(dtypeName(DType::U8), "ui8");
  EXPECT_STREQ(dtypeName(DType::I1), "i1");

  EXPECT_EQ(dtypeByteSize(DType::F32), 4u);
  EXPECT_EQ(dtypeByteSize(DType::F16), 2u);
  EXPECT_EQ(dtypeByteSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeByteSize(DType::F64), 8u);
  EXPECT_EQ(dtypeByteSize(DType::I64), 8u);
  EXPECT_EQ(dtypeByteSize(DType::I32), 4u);
  EXPECT_EQ(dtypeByteSize(DType::I8), 1u);
  EXPECT_EQ(dtypeByteSize(DType::U8), 1u);
  EXPECT_EQ(dtypeByteSize(DType::I1), 1u);
}

TEST(DTypeTest, FromNameIsInverseOfName) {
  for (DType dtype : kAllDTypes) {
    const std::optional<DType> parsed = dtypeFromName(dtypeName(dtype));
    ASSERT_TRUE(parsed.has_value()) << dtypeName(dtype);
    EXPECT_EQ(*parsed, dtype);
  }
  EXPECT_FALSE(dtypeFromName("u8").has_value());
  EXPECT_FALSE(dtypeFromName("F32").has_value());
  EXPECT_FALSE(dtypeFromName("f32 ").has_value());
  EXPECT_FALSE(dtypeFromName("").has_value());
  EXPECT_FALSE(dtypeFromName("i16").has_value());
}

TEST(DTypeTest, Categories) {
  for (DType dtype : kAllDTypes)
    EXPECT_NE(isFloatDType(dtype), isIntegerDType(dtype)) << dtypeName(dtype);
  EXPECT_TRUE(isFloatDType(DType::F32));
  EXPECT_TRUE(isFloatDType(DType::F16));
  EXPECT_TRUE(isFloatDType(DType::BF16));
  EXPECT_TRUE(isFloatDType(DType::F64));
  EXPECT_TRUE(isIntegerDType(DType::I64));
  EXPECT_TRUE(isIntegerDType(DType::I32));
  EXPECT_TRUE(isIntegerDType(DType::I8));
  EXPECT_TRUE(isIntegerDType(DType::U8));
  EXPECT_TRUE(isIntegerDType(DType::I1));
}

//===----------------------------------------------------------------------===//
// Construction and shape
//===----------------------------------------------------------------------===//

TEST(HostTensorTest, DefaultIsEmptyF32) {
  HostTensor t;
  EXPECT_EQ(t.dtype(), DType::F32);
  EXPECT_EQ(t.shape(), std::vector<int64_t>{0});
  EXPECT_EQ(t.rank(), 1);
  EXPECT_EQ(t.numElements(), 0);
  EXPECT_EQ(t.byteSize(), 0u);
  EXPECT_EQ(t.typeString(), "0xf32");
}

TEST(HostTensorTest, ConstructionZeroFills) {
  for (DType dtype : kAllDTypes) {
    HostTensor t(dtype, {2, 3, 4});
    EXPECT_EQ(t.rank(), 3);
    EXPECT_EQ(t.numElements(), 24);
    EXPECT_EQ(t.byteSize(), 24 * dtypeByteSize(dtype));
    const auto *bytes = t.dataAs<unsigned char>();
    for (size_t i = 0; i < t.byteSize(); ++i)
      ASSERT_EQ(bytes[i], 0) << dtypeName(dtype);
    for (int64_t i = 0; i < t.numElements(); ++i) {
      EXPECT_EQ(t.getDouble(i), 0.0);
      EXPECT_EQ(t.getInt(i), 0);
    }
  }
}

TEST(HostTensorTest, ScalarAndZeroSizeShapes) {
  HostTensor scalar(DType::F64, {});
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(scalar.byteSize(), 8u);
  EXPECT_EQ(scalar.typeString(), "f64");

  HostTensor empty(DType::I8, {4, 0});
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_EQ(empty.byteSize(), 0u);
  EXPECT_EQ(empty.typeString(), "4x0xi8");
}

TEST(HostTensorTest, TypeAndShapeStrings) {
  EXPECT_EQ(HostTensor(DType::F32, {64, 256}).typeString(), "64x256xf32");
  EXPECT_EQ(HostTensor(DType::U8, {3}).typeString(), "3xui8");
  EXPECT_EQ(HostTensor(DType::BF16, {1, 2, 3}).typeString(), "1x2x3xbf16");
  EXPECT_EQ(HostTensor(DType::I1, {}).typeString(), "i1");
  EXPECT_EQ(HostTensor::shapeString({64, 256}), "64x256");
  EXPECT_EQ(HostTensor::shapeString({7}), "7");
  EXPECT_EQ(HostTensor::shapeString({}), "");
  EXPECT_EQ(HostTensor::shapeString({0, 5}), "0x5");
}

TEST(HostTensorTest, StorageIsAlignedAndTyped) {
  HostTensor t(DType::F64, {3});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % alignof(double), 0u);
  t.dataAs<double>()[1] = 2.5;
  EXPECT_EQ(t.getDouble(1), 2.5);
  t.setDouble(2, -1.25);
  const HostTensor &constRef = t;
  EXPECT_EQ(constRef.dataAs<double>()[2], -1.25);
  EXPECT_EQ(constRef.data(), t.data());
}

TEST(HostTensorTest, CopiesAreDeep) {
  HostTensor a(DType::I32, {2});
  a.setInt(0, 7);
  HostTensor b = a;
  b.setInt(0, 9);
  EXPECT_EQ(a.getInt(0), 7);
  EXPECT_EQ(b.getInt(0), 9);
  HostTensor c = std::move(b);
  EXPECT_EQ(c.getInt(0), 9);
  EXPECT_EQ(c.shape(), std::vector<int64_t>{2});
}

//===----------------------------------------------------------------------===//
// Element access
//===----------------------------------------------------------------------===//

TEST(HostTensorTest, FloatStoresRoundToNearestEven) {
  HostTensor f16(DType::F16, {3});
  f16.setDouble(0, 0.1);
  EXPECT_EQ(f16.dataAs<uint16_t>()[0], 0x2E66);
  EXPECT_EQ(f16.getDouble(0), 0.0999755859375); // The exact half value.
  f16.setDouble(1, 65520.0);
  EXPECT_EQ(f16.getDouble(1), kInf);
  f16.setDouble(2, 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40));
  EXPECT_EQ(f16.dataAs<uint16_t>()[2], 0x3C01); // Rounded once, from double.

  HostTensor bf16(DType::BF16, {2});
  bf16.setDouble(0, 1.00390625);
  EXPECT_EQ(bf16.dataAs<uint16_t>()[0], 0x3F80);
  EXPECT_EQ(bf16.getDouble(0), 1.0);
  bf16.setDouble(1, 1.01171875);
  EXPECT_EQ(bf16.dataAs<uint16_t>()[1], 0x3F82);

  HostTensor f32(DType::F32, {2});
  f32.setDouble(0, 0.1);
  EXPECT_EQ(f32.dataAs<float>()[0], 0.1f);
  f32.setDouble(1, 1e300);
  EXPECT_EQ(f32.getDouble(1), kInf);

  HostTensor f64(DType::F64, {1});
  f64.setDouble(0, 0.1);
  EXPECT_EQ(f64.getDouble(0), 0.1);
  f64.setDouble(0, kNaN);
  EXPECT_TRUE(std::isnan(f64.getDouble(0)));
}

TEST(HostTensorTest, IntegerStoresWrap) {
  HostTensor i8(DType::I8, {4});
  i8.setInt(0, 300);
  i8.setInt(1, -129);
  i8.setInt(2, 128);
  i8.setInt(3, -128);
  EXPECT_EQ(i8.getInt(0), 44);
  EXPECT_EQ(i8.getInt(1), 127);
  EXPECT_EQ(i8.getInt(2), -128);
  EXPECT_EQ(i8.getInt(3), -128);
  EXPECT_EQ(i8.getDouble(3), -128.0);

  HostTensor u8(DType::U8, {3});
  u8.setInt(0, -1);
  u8.setInt(1, 256 + 7);
  u8.setInt(2, 200);
  EXPECT_EQ(u8.getInt(0), 255); // Zero-extends.
  EXPECT_EQ(u8.getInt(1), 7);
  EXPECT_EQ(u8.getDouble(2), 200.0);

  HostTensor i32(DType::I32, {3});
  i32.setInt(0, (int64_t(1) << 32) + 5);
  i32.setInt(1, int64_t(1) << 31);
  i32.setInt(2, -5);
  EXPECT_EQ(i32.getInt(0), 5);
  EXPECT_EQ(i32.getInt(1), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(i32.getInt(2), -5);
  EXPECT_EQ(i32.dataAs<int32_t>()[2], -5);

  HostTensor i64(DType::I64, {2});
  i64.setInt(0, kInt64Max);
  i64.setInt(1, kInt64Min);
  EXPECT_EQ(i64.getInt(0), kInt64Max);
  EXPECT_EQ(i64.getInt(1), kInt64Min);
}

TEST(HostTensorTest, DoubleIntoIntegerTruncatesThenWraps) {
  HostTensor i32(DType::I32, {1});
  auto stored = [&](double v) {
    i32.setDouble(0, v);
    return i32.getInt(0);
  };
  EXPECT_EQ(stored(-2.9), -2);
  EXPECT_EQ(stored(2.9), 2);
  EXPECT_EQ(stored(-0.5), 0);
  EXPECT_EQ(stored(kNaN), 0);
  EXPECT_EQ(stored(kInf), -1);        // int64 max, low 32 bits.
  EXPECT_EQ(stored(-kInf), 0);        // int64 min, low 32 bits.
  EXPECT_EQ(stored(4294967301.0), 5); // 2^32 + 5 wraps.

  HostTensor i64(DType::I64, {1});
  i64.setDouble(0, kInf);
  EXPECT_EQ(i64.getInt(0), kInt64Max);
  i64.setDouble(0, 1e30);
  EXPECT_EQ(i64.getInt(0), kInt64Max);
  i64.setDouble(0, -1e30);
  EXPECT_EQ(i64.getInt(0), kInt64Min);
  i64.setDouble(0, -9223372036854775808.0); // Exactly int64 min.
  EXPECT_EQ(i64.getInt(0), kInt64Min);
  i64.setDouble(0, 9007199254740993.0); // Rounds to 2^53 as a double literal.
  EXPECT_EQ(i64.getInt(0), int64_t(1) << 53);

  HostTensor i8(DType::I8, {1});
  i8.setDouble(0, 300.7);
  EXPECT_EQ(i8.getInt(0), 44);
  HostTensor u8(DType::U8, {1});
  u8.setDouble(0, 255.9);
  EXPECT_EQ(u8.getInt(0), 255);
}

TEST(HostTensorTest, BoolStoresNonZeroness) {
  HostTensor b(DType::I1, {6});
  b.setInt(0, 5);
  b.setInt(1, 0);
  b.setDouble(2, 0.25);
  b.setDouble(3, -0.0);
  b.setDouble(4, kNaN); // Like numpy's bool(nan).
  b.setInt(5, int64_t(1) << 40);
  const auto *bytes = b.dataAs<uint8_t>();
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[1], 0);
  EXPECT_EQ(bytes[2], 1);
  EXPECT_EQ(bytes[3], 0);
  EXPECT_EQ(bytes[4], 1);
  EXPECT_EQ(bytes[5], 1); // Not the low byte (which is 0).
  EXPECT_EQ(b.getInt(0), 1);
  EXPECT_EQ(b.getDouble(0), 1.0);
  EXPECT_EQ(b.getDouble(1), 0.0);
  // A foreign byte other than 0/1 still reads as true.
  b.dataAs<uint8_t>()[1] = 2;
  EXPECT_EQ(b.getInt(1), 1);
}

TEST(HostTensorTest, GetIntOnFloatsTruncates) {
  HostTensor f32(DType::F32, {4});
  f32.setDouble(0, -3.7);
  f32.setDouble(1, kNaN);
  f32.setDouble(2, 1e30);
  f32.setDouble(3, 3.99);
  EXPECT_EQ(f32.getInt(0), -3);
  EXPECT_EQ(f32.getInt(1), 0);
  EXPECT_EQ(f32.getInt(2), kInt64Max);
  EXPECT_EQ(f32.getInt(3), 3);
  HostTensor f16(DType::F16, {1});
  f16.setDouble(0, -kInf);
  EXPECT_EQ(f16.getInt(0), kInt64Min);
}

TEST(HostTensorTest, IntegerIntoFloatRoundsOnce) {
  HostTensor f32(DType::F32, {2});
  f32.setInt(0, (int64_t(1) << 24) + 1); // Tie -> even 2^24.
  f32.setInt(1, (int64_t(1) << 24) + 3); // Tie -> even 2^24 + 4.
  EXPECT_EQ(f32.getDouble(0), 16777216.0);
  EXPECT_EQ(f32.getDouble(1), 16777220.0);

  HostTensor f16(DType::F16, {3});
  f16.setInt(0, 2049);
  f16.setInt(1, 65520);
  f16.setInt(2, -7);
  EXPECT_EQ(f16.getDouble(0), 2048.0);
  EXPECT_EQ(f16.getDouble(1), kInf);
  EXPECT_EQ(f16.getDouble(2), -7.0);

  // 2^62 + 2^54 + 1 is just above a bf16 tie; converting to double first
  // would round it onto the tie (2^62 + 2^54) and then down to 2^62.
  HostTensor bf16(DType::BF16, {3});
  bf16.setInt(0, (int64_t(1) << 62) + (int64_t(1) << 54) + 1);
  bf16.setInt(1, (int64_t(1) << 62) + (int64_t(1) << 54));
  bf16.setInt(2, kInt64Min);
  EXPECT_EQ(bf16.dataAs<uint16_t>()[0], 0x5E81);
  EXPECT_EQ(bf16.dataAs<uint16_t>()[1], 0x5E80);
  EXPECT_EQ(bf16.dataAs<uint16_t>()[2], 0xDF00); // -2^63 exactly.

  HostTensor f64(DType::F64, {1});
  f64.setInt(0, kInt64Max);
  EXPECT_EQ(f64.getDouble(0), 9223372036854775808.0);
}

//===----------------------------------------------------------------------===//
// convertTo
//===----------------------------------------------------------------------===//

TEST(HostTensorTest, ConvertFloatToOtherTypes) {
  HostTensor src(DType::F32, {2, 2});
  src.setDouble(0, 1.5);
  src.setDouble(1, -2.75);
  src.setDouble(2, 65520.0);
  src.setDouble(3, kNaN);

  HostTensor f16 = src.convertTo(DType::F16);
  EXPECT_EQ(f16.dtype(), DType::F16);
  EXPECT_EQ(f16.shape(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(f16.dataAs<uint16_t>()[0], 0x3E00);
  EXPECT_EQ(f16.dataAs<uint16_t>()[1], 0xC180);
  EXPECT_EQ(f16.dataAs<uint16_t>()[2], 0x7C00);
  EXPECT_TRUE(std::isnan(f16.getDouble(3)));

  HostTensor i32 = src.convertTo(DType::I32);
  EXPECT_EQ(i32.getInt(0), 1);
  EXPECT_EQ(i32.getInt(1), -2);
  EXPECT_EQ(i32.getInt(2), 65520);
  EXPECT_EQ(i32.getInt(3), 0);

  HostTensor b = src.convertTo(DType::I1);
  EXPECT_EQ(b.getInt(0), 1);
  EXPECT_EQ(b.getInt(3), 1);

  HostTensor f64 = src.convertTo(DType::F64);
  EXPECT_EQ(f64.getDouble(1), -2.75);
  EXPECT_EQ(f64.typeString(), "2x2xf64");
}

TEST(HostTensorTest, ConvertIntegersAndBools) {
  HostTensor src(DType::I32, {4});
  src.setInt(0, 1000);
  src.setInt(1, -1);
  src.setInt(2, 0);
  src.setInt(3, 257);

  HostTensor i8 = src.convertTo(DType::I8);
  EXPECT_EQ(i8.getInt(0), -24); // 1000 mod 256 = 232 -> -24.
  EXPECT_EQ(i8.getInt(1), -1);
  EXPECT_EQ(i8.getInt(3), 1);
  HostTensor u8 = src.convertTo(DType::U8);
  EXPECT_EQ(u8.getInt(1), 255);
  HostTensor i64 = src.convertTo(DType::I64);
  EXPECT_EQ(i64.getInt(1), -1);
  HostTensor bools = src.convertTo(DType::I1);
  EXPECT_EQ(bools.getInt(0), 1);
  EXPECT_EQ(bools.getInt(2), 0);
  HostTensor back = bools.convertTo(DType::F32);
  EXPECT_EQ(back.getDouble(0), 1.0);
  EXPECT_EQ(back.getDouble(2), 0.0);
  HostTensor bf16 = src.convertTo(DType::BF16);
  EXPECT_EQ(bf16.getDouble(0), 1000.0); // 1000 = 0b1111101000 fits 8 bits.
  EXPECT_EQ(bf16.getDouble(3), 256.0);  // 257 needs 9 bits: tie -> even.
}

TEST(HostTensorTest, ConvertSameTypeCopies) {
  HostTensor src(DType::BF16, {2});
  src.setDouble(0, 3.0);
  HostTensor copy = src.convertTo(DType::BF16);
  copy.setDouble(0, 5.0);
  EXPECT_EQ(src.getDouble(0), 3.0);
  EXPECT_EQ(copy.getDouble(0), 5.0);
  EXPECT_EQ(copy.dtype(), DType::BF16);
}

TEST(HostTensorTest, ConvertEmptyAndScalar) {
  HostTensor empty(DType::F64, {0, 3});
  HostTensor converted = empty.convertTo(DType::I8);
  EXPECT_EQ(converted.shape(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(converted.byteSize(), 0u);

  HostTensor scalar(DType::F64, {});
  scalar.setDouble(0, -1.5);
  HostTensor half = scalar.convertTo(DType::F16);
  EXPECT_EQ(half.rank(), 0);
  EXPECT_EQ(half.getDouble(0), -1.5);
}
