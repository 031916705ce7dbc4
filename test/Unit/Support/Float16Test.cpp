//===- Float16Test.cpp - binary16/bfloat16 conversion tests ---------------===//
//
// Hand-computed bit patterns for the interesting cases, plus sweeps against a
// simple oracle (nearest representable value found by binary search) so the
// bit-twiddling implementation is checked by something independent of it.
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Float16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

using namespace kiln;

namespace {

float floatFromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint32_t bitsOfFloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

bool isHalfNaN(uint16_t bits) {
  return (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
}
bool isBFloat16NaN(uint16_t bits) {
  return (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;
}

/// Round-to-nearest-even by search: `decode` maps the non-negative finite
/// patterns 0..maxFinite monotonically to their values; `infBits` is +inf.
template <typename Decode>
uint16_t oracleRound(double value, Decode decode, uint16_t maxFinite,
                     uint16_t infBits) {
  const uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  const double a = std::fabs(value);
  const double maxValue = decode(maxFinite);
  const double ulpAtMax = maxValue - decode(uint16_t(maxFinite - 1));
  // At or beyond max + ulp/2 rounds to infinity (maxFinite is odd, so the
  // tie goes up, too).
  if (a >= maxValue + ulpAtMax / 2)
    return sign | infBits;
  if (a >= maxValue)
    return sign | maxFinite;
  // Largest pattern whose value is <= a.
  uint32_t lo = 0, hi = maxFinite;
  while (hi - lo > 1) {
    const uint32_t mid = (lo + hi) / 2;
    if (decode(uint16_t(mid)) <= a)
      lo = mid;
    else
      hi = mid;
  }
  // Neighbours are within a factor of two, so these differences are exact.
  const double below = a - decode(uint16_t(lo));
  const double above = decode(uint16_t(hi)) - a;
  if (below < above || (below == above && lo % 2 == 0))
    return uint16_t(sign | lo);
  return uint16_t(sign | hi);
}

uint16_t oracleHalf(double value) {
  return oracleRound(
      value, [](uint16_t b) { return double(halfBitsToFloat(b)); }, 0x7BFF,
      0x7C00);
}

uint16_t oracleBFloat16(double value) {
  return oracleRound(
      value, [](uint16_t b) { return double(bfloat16BitsToFloat(b)); }, 0x7F7F,
      0x7F80);
}

} // namespace

//===----------------------------------------------------------------------===//
// binary16
//===----------------------------------------------------------------------===//

TEST(Float16Test, HalfExactValues) {
  EXPECT_EQ(floatToHalfBits(0.0f), 0x0000);
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalfBits(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalfBits(0.5f), 0x3800);
  EXPECT_EQ(floatToHalfBits(1.5f), 0x3E00);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7BFF);              // Largest finite.
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -14)), 0x0400); // Smallest normal.
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -24)),
            0x0001); // Smallest subnormal.
  EXPECT_EQ(floatToHalfBits(1023 * std::ldexp(1.0f, -24)), 0x03FF);
  EXPECT_EQ(floatToHalfBits(-std::ldexp(1.0f, -24)), 0x8001);
}

TEST(Float16Test, HalfRoundsToNearestEven) {
  // Inexact values round to the nearest half.
  EXPECT_EQ(floatToHalfBits(0.1f), 0x2E66);
  EXPECT_EQ(floatToHalfBits(1.0f / 3.0f), 0x3555);
  EXPECT_EQ(floatToHalfBits(3.14159265f), 0x4248);
  // Ties between 1 (0x3C00, even) and 1 + 2^-10 (0x3C01) go to even...
  EXPECT_EQ(floatToHalfBits(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  // ...and between 0x3C01 and 0x3C02 up to the even 0x3C02.
  EXPECT_EQ(floatToHalfBits(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Just past a tie rounds up.
  EXPECT_EQ(
      floatToHalfBits(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)),
      0x3C01);
  // Integers above 2048 are spaced by 2.
  EXPECT_EQ(floatToHalfBits(2049.0f), 0x6800); // Tie -> 2048.
  EXPECT_EQ(floatToHalfBits(2051.0f), 0x6802); // Tie -> 2052.
  EXPECT_EQ(floatToHalfBits(-2051.0f), 0xE802);
}

TEST(Float16Test, HalfOverflowsToInfinity) {
  EXPECT_EQ(floatToHalfBits(65519.0f), 0x7BFF); // Below max + ulp/2.
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7C00); // Tie with an odd max: inf.
  EXPECT_EQ(floatToHalfBits(-65520.0f), 0xFC00);
  EXPECT_EQ(floatToHalfBits(1e6f), 0x7C00);
  EXPECT_EQ(floatToHalfBits(std::numeric_limits<float>::max()), 0x7C00);
  EXPECT_EQ(floatToHalfBits(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(floatToHalfBits(-std::numeric_limits<float>::infinity()), 0xFC00);
}

TEST(Float16Test, HalfSubnormalRounding) {
  const float tiny = std::ldexp(1.0f, -24);      // Half's smallest subnormal.
  EXPECT_EQ(floatToHalfBits(tiny / 2), 0x0000);  // Tie -> even (zero).
  EXPECT_EQ(floatToHalfBits(-tiny / 2), 0x8000); // Keeps the sign.
  EXPECT_EQ(floatToHalfBits(std::nextafter(tiny / 2, 1.0f)), 0x0001);
  EXPECT_EQ(floatToHalfBits(tiny / 4), 0x0000);
  EXPECT_EQ(floatToHalfBits(1.5f * tiny), 0x0002); // Tie 1|2 -> 2.
  EXPECT_EQ(floatToHalfBits(2.5f * tiny), 0x0002); // Tie 2|3 -> 2.
  // Halfway between the largest subnormal and the smallest normal: even is
  // the normal 0x0400.
  EXPECT_EQ(floatToHalfBits(1023.5f * tiny), 0x0400);
  EXPECT_EQ(floatToHalfBits(std::numeric_limits<float>::denorm_min()), 0x0000);
}

TEST(Float16Test, HalfNaNStaysQuietNaN) {
  const uint16_t qnan =
      floatToHalfBits(std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(isHalfNaN(qnan));
  EXPECT_EQ(qnan & 0x0200, 0x0200);
  // A signalling NaN whose payload lives only in the low bits must not turn
  // into infinity.
  const uint16_t snan = floatToHalfBits(floatFromBits(0x7F800001));
  EXPECT_TRUE(isHalfNaN(snan));
  EXPECT_EQ(snan & 0x0200, 0x0200);
  EXPECT_EQ(floatToHalfBits(floatFromBits(0xFFC00000)), 0xFE00); // Sign kept.
  EXPECT_TRUE(std::isnan(halfBitsToFloat(0x7E00)));
  EXPECT_TRUE(std::isnan(halfBitsToFloat(0x7C01)));
}

TEST(Float16Test, HalfToFloatIsExact) {
  EXPECT_EQ(halfBitsToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfBitsToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfBitsToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfBitsToFloat(0x03FF), 1023 * std::ldexp(1.0f, -24));
  EXPECT_EQ(halfBitsToFloat(0x0400), std::ldexp(1.0f, -14));
  EXPECT_EQ(halfBitsToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(halfBitsToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(halfBitsToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(bitsOfFloat(halfBitsToFloat(0x8000)), 0x80000000u);

  // Every non-NaN pattern survives a round trip, in both narrowing paths.
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    if (isHalfNaN(uint16_t(bits)))
      continue;
    const float widened = halfBitsToFloat(uint16_t(bits));
    ASSERT_EQ(floatToHalfBits(widened), bits) << std::hex << bits;
    ASSERT_EQ(doubleToHalfBits(widened), bits) << std::hex << bits;
  }
}

TEST(Float16Test, HalfMatchesOracleOnFloatSweep) {
  // A prime stride visits every exponent and many mantissa patterns.
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFu; bits += 7919) {
    const float value = floatFromBits(uint32_t(bits));
    if (std::isnan(value))
      continue;
    ASSERT_EQ(floatToHalfBits(value), oracleHalf(value))
        << "float bits 0x" << std::hex << bits;
  }
}

TEST(Float16Test, DoubleToHalfRoundsOnce) {
  // 1 + 2^-11 + 2^-40 is just above the tie between 0x3C00 and 0x3C01. A
  // detour through float drops the 2^-40 and then ties down to even.
  const double x = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  EXPECT_EQ(doubleToHalfBits(x), 0x3C01);
  EXPECT_EQ(floatToHalfBits(float(x)), 0x3C00);

  EXPECT_EQ(doubleToHalfBits(1.0), 0x3C00);
  EXPECT_EQ(doubleToHalfBits(65519.999), 0x7BFF);
  EXPECT_EQ(doubleToHalfBits(65520.0), 0x7C00);
  EXPECT_EQ(doubleToHalfBits(1e300), 0x7C00);
  EXPECT_EQ(doubleToHalfBits(-1e300), 0xFC00);
  EXPECT_EQ(doubleToHalfBits(1e-300), 0x0000);
  EXPECT_EQ(doubleToHalfBits(-1e-300), 0x8000);
  EXPECT_EQ(doubleToHalfBits(std::numeric_limits<double>::denorm_min()),
            0x0000);
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -25)), 0x0000);
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -25) + std::ldexp(1.0, -60)),
            0x0001);
  EXPECT_EQ(doubleToHalfBits(std::numeric_limits<double>::infinity()), 0x7C00);
  EXPECT_TRUE(
      isHalfNaN(doubleToHalfBits(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(isHalfNaN(
      doubleToHalfBits(std::numeric_limits<double>::signaling_NaN())));
}

TEST(Float16Test, DoubleToHalfMatchesOracle) {
  std::mt19937_64 rng(12345);
  // Values straddling every half rounding boundary: the midpoints between
  // neighbours, nudged by a few double ulps either way.
  for (uint32_t bits = 0; bits < 0x7BFF; ++bits) {
    const double lo = halfBitsToFloat(uint16_t(bits));
    const double hi = halfBitsToFloat(uint16_t(bits + 1));
    const double mid = lo + (hi - lo) / 2;
    for (double v : {mid, std::nextafter(mid, 0.0), std::nextafter(mid, 1e9),
                     -mid, lo + (hi - lo) / 3}) {
      ASSERT_EQ(doubleToHalfBits(v), oracleHalf(v)) << v;
    }
  }
  // Random doubles over the range where halves live.
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-30, 17);
  for (int i = 0; i < 200000; ++i) {
    const double v = std::ldexp(mantissa(rng), exponent(rng));
    ASSERT_EQ(doubleToHalfBits(v), oracleHalf(v)) << v;
  }
}

//===----------------------------------------------------------------------===//
// bfloat16
//===----------------------------------------------------------------------===//

TEST(Float16Test, BFloat16ExactValues) {
  EXPECT_EQ(floatToBFloat16Bits(0.0f), 0x0000);
  EXPECT_EQ(floatToBFloat16Bits(-0.0f), 0x8000);
  EXPECT_EQ(floatToBFloat16Bits(1.0f), 0x3F80);
  EXPECT_EQ(floatToBFloat16Bits(-2.0f), 0xC000);
  EXPECT_EQ(floatToBFloat16Bits(3.0f), 0x4040);
  EXPECT_EQ(floatToBFloat16Bits(std::ldexp(1.0f, -126)), 0x0080); // Min normal.
  EXPECT_EQ(floatToBFloat16Bits(std::ldexp(1.0f, -133)),
            0x0001); // Min subnormal.
  EXPECT_EQ(bfloat16BitsToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16BitsToFloat(0x0001), std::ldexp(1.0f, -133));
  EXPECT_EQ(bfloat16BitsToFloat(0x7F7F), floatFromBits(0x7F7F0000));
  EXPECT_EQ(bfloat16BitsToFloat(0xFF80),
            -std::numeric_limits<float>::infinity());
}

TEST(Float16Test, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(floatToBFloat16Bits(1.00390625f), 0x3F80); // 1 + 2^-8: tie -> even.
  EXPECT_EQ(floatToBFloat16Bits(1.01171875f),
            0x3F82); // 1 + 3*2^-8: tie -> even.
  EXPECT_EQ(floatToBFloat16Bits(1.00390625f + std::ldexp(1.0f, -23)), 0x3F81);
  EXPECT_EQ(floatToBFloat16Bits(0.1f), 0x3DCD);
  EXPECT_EQ(floatToBFloat16Bits(3.14159265f), 0x4049);
  // Subnormal ties: half of the smallest subnormal goes to zero.
  EXPECT_EQ(floatToBFloat16Bits(std::ldexp(1.0f, -134)), 0x0000);
  EXPECT_EQ(floatToBFloat16Bits(3 * std::ldexp(1.0f, -134)), 0x0002);
  EXPECT_EQ(floatToBFloat16Bits(std::numeric_limits<float>::denorm_min()),
            0x0000);
}

TEST(Float16Test, BFloat16OverflowAndSpecials) {
  EXPECT_EQ(floatToBFloat16Bits(floatFromBits(0x7F7F7FFF)), 0x7F7F); // < tie.
  EXPECT_EQ(floatToBFloat16Bits(floatFromBits(0x7F7F8000)),
            0x7F80); // Tie, odd.
  EXPECT_EQ(floatToBFloat16Bits(std::numeric_limits<float>::max()), 0x7F80);
  EXPECT_EQ(floatToBFloat16Bits(-std::numeric_limits<float>::max()), 0xFF80);
  EXPECT_EQ(floatToBFloat16Bits(std::numeric_limits<float>::infinity()),
            0x7F80);
  const uint16_t qnan =
      floatToBFloat16Bits(std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(isBFloat16NaN(qnan));
  EXPECT_EQ(qnan & 0x0040, 0x0040);
  // Truncating 0x7F800001 would give infinity; it has to stay a NaN.
  EXPECT_TRUE(isBFloat16NaN(floatToBFloat16Bits(floatFromBits(0x7F800001))));
  EXPECT_EQ(floatToBFloat16Bits(floatFromBits(0xFFC00000)), 0xFFC0);
  EXPECT_TRUE(std::isnan(bfloat16BitsToFloat(0x7FC0)));
}

TEST(Float16Test, BFloat16MatchesOracleOnFloatSweep) {
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFu; bits += 7919) {
    const float value = floatFromBits(uint32_t(bits));
    if (std::isnan(value))
      continue;
    ASSERT_EQ(floatToBFloat16Bits(value), oracleBFloat16(value))
        << "float bits 0x" << std::hex << bits;
  }
  // Every bf16 pattern widens and narrows back unchanged.
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    if (isBFloat16NaN(uint16_t(bits)))
      continue;
    ASSERT_EQ(floatToBFloat16Bits(bfloat16BitsToFloat(uint16_t(bits))), bits);
    ASSERT_EQ(doubleToBFloat16Bits(bfloat16BitsToFloat(uint16_t(bits))), bits);
  }
}

TEST(Float16Test, DoubleToBFloat16RoundsOnce) {
  const double x = 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30);
  EXPECT_EQ(doubleToBFloat16Bits(x), 0x3F81);
  EXPECT_EQ(floatToBFloat16Bits(float(x)), 0x3F80); // The double-rounding trap.

  EXPECT_EQ(doubleToBFloat16Bits(1.00390625), 0x3F80);
  EXPECT_EQ(doubleToBFloat16Bits(1e39), 0x7F80); // Beyond float's range too.
  EXPECT_EQ(doubleToBFloat16Bits(-1e300), 0xFF80);
  EXPECT_EQ(doubleToBFloat16Bits(1e-50), 0x0000);
  EXPECT_EQ(doubleToBFloat16Bits(std::ldexp(1.0, -133)), 0x0001);
  EXPECT_EQ(doubleToBFloat16Bits(std::ldexp(1.0, -134)), 0x0000);
  EXPECT_EQ(doubleToBFloat16Bits(std::ldexp(1.0, -134) + std::ldexp(1.0, -180)),
            0x0001);
  EXPECT_TRUE(isBFloat16NaN(doubleToBFloat16Bits(std::nan(""))));

  std::mt19937_64 rng(777);
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-140, 129);
  for (int i = 0; i < 200000; ++i) {
    const double v = std::ldexp(mantissa(rng), exponent(rng));
    ASSERT_EQ(doubleToBFloat16Bits(v), oracleBFloat16(v)) << v;
  }
}
