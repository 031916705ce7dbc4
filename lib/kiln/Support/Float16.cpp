//===- Float16.cpp - IEEE binary16 and bfloat16 conversions ---------------===//
//
// All four narrowing conversions share one routine that decodes the source
// into sign * significand * 2^exponent and rounds that exact value once into
// the destination format, so there is a single place where the rounding,
// overflow and subnormal rules live.
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Float16.h"

#include <cstring>
#include <limits>

namespace kiln {

static_assert(std::numeric_limits<float>::is_iec559 &&
                  std::numeric_limits<double>::is_iec559,
              "Float16 conversions assume IEEE 754 float and double");

namespace {

/// Layout of a binary interchange format: field widths in bits.
struct FloatFormat {
  int exponentBits;
  int mantissaBits; // Explicitly stored fraction bits.

  int bias() const { return (1 << (exponentBits - 1)) - 1; }
  uint64_t maxBiasedExponent() const {
    return (uint64_t(1) << exponentBits) - 1;
  }
};

constexpr FloatFormat kBinary16{5, 10};
constexpr FloatFormat kBFloat16{8, 7};
constexpr FloatFormat kBinary32{8, 23};
constexpr FloatFormat kBinary64{11, 52};

/// Rounds the value encoded by `bits` in format `src` to format `dst`, which
/// must have fewer mantissa bits and no more exponent bits than `src`.
/// Returns the destination bit pattern.
uint16_t narrow(uint64_t bits, FloatFormat src, FloatFormat dst) {
  const int srcWidth = src.exponentBits + src.mantissaBits;
  const uint64_t srcMantMask = (uint64_t(1) << src.mantissaBits) - 1;
  const uint64_t sign = (bits >> srcWidth) & 1;
  const uint64_t biasedExp =
      (bits >> src.mantissaBits) & src.maxBiasedExponent();
  const uint64_t mantissa = bits & srcMantMask;

  const uint64_t dstSign = sign << (dst.exponentBits + dst.mantissaBits);
  const uint64_t dstInf = dst.maxBiasedExponent() << dst.mantissaBits;

  if (biasedExp == src.maxBiasedExponent()) {
    if (mantissa == 0)
      return uint16_t(dstSign | dstInf);
    // NaN: keep the top payload bits and force the quiet bit, which also
    // guarantees the result is not mistaken for infinity.
    const uint64_t payload = mantissa >> (src.mantissaBits - dst.mantissaBits);
    const uint64_t quietBit = uint64_t(1) << (dst.mantissaBits - 1);
    return uint16_t(dstSign | dstInf | quietBit | payload);
  }
  if (biasedExp == 0 && mantissa == 0)
    return uint16_t(dstSign);

  // value = significand * 2^exponent, exactly. Subnormals have no implicit
  // bit and use the minimum exponent.
  uint64_t significand = mantissa;
  int exponent = 1 - src.bias() - src.mantissaBits;
  if (biasedExp != 0) {
    significand |= uint64_t(1) << src.mantissaBits;
    exponent = int(biasedExp) - src.bias() - src.mantissaBits;
  }

  // floor(log2(value)); then the destination ulp for a value of that
  // magnitude, clamped at the subnormal ulp.
  int topBit = 63;
  while (!(significand >> topBit))
    --topBit;
  const int log2Value = exponent + topBit;
  const int dstMinNormalExp = 1 - dst.bias();
  if (log2Value > dst.bias())
    return uint16_t(dstSign | dstInf); // At least 2^(emax+1): overflow.
  const int ulpExp =
      (log2Value < dstMinNormalExp ? dstMinNormalExp : log2Value) -
      dst.mantissaBits;

  // Because dst has fewer mantissa bits, the ulp is always coarser than the
  // source's last bit: shift >= src.mantissaBits - dst.mantissaBits >= 1.
  const int shift = ulpExp - exponent;
  uint64_t rounded;
  if (shift > topBit + 1) {
    rounded = 0; // Below half of the smallest subnormal.
  } else {
    rounded = significand >> shift;
    const uint64_t remainder = significand & ((uint64_t(1) << shift) - 1);
    const uint64_t half = uint64_t(1) << (shift - 1);
    if (remainder > half || (remainder == half && (rounded & 1)))
      ++rounded;
  }

  // rounded * 2^ulpExp is the result. Adding `rounded` (implicit bit
  // included) on top of (biased exponent - 1) yields the encoding directly:
  // a mantissa carry bumps the exponent, a subnormal that rounds up to
  // 2^dstMinNormalExp becomes the smallest normal, and the largest finite
  // value rounding up lands exactly on the infinity pattern.
  const uint64_t biasedMinusOne =
      uint64_t(ulpExp + dst.mantissaBits + dst.bias() - 1);
  const uint64_t magnitude = (biasedMinusOne << dst.mantissaBits) + rounded;
  return uint16_t(dstSign | magnitude);
}

uint64_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

uint64_t doubleBits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float floatFromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

} // namespace

uint16_t floatToHalfBits(float value) {
  return narrow(floatBits(value), kBinary32, kBinary16);
}

uint16_t floatToBFloat16Bits(float value) {
  return narrow(floatBits(value), kBinary32, kBFloat16);
}

uint16_t doubleToHalfBits(double value) {
  return narrow(doubleBits(value), kBinary64, kBinary16);
}

uint16_t doubleToBFloat16Bits(double value) {
  return narrow(doubleBits(value), kBinary64, kBFloat16);
}

float halfBitsToFloat(uint16_t bits) {
  const uint32_t sign = uint32_t(bits >> 15) << 31;
  const uint32_t biasedExp = (bits >> 10) & 0x1F;
  uint32_t mantissa = bits & 0x3FF;

  if (biasedExp == 0x1F) // Inf/NaN: widen the payload, keep quietness.
    return floatFromBits(sign | 0x7F800000u | (mantissa << 13));
  if (biasedExp != 0) // Normal: rebias 15 -> 127.
    return floatFromBits(sign | ((biasedExp + 112) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return floatFromBits(sign);

  // Subnormal half: every one is a normal float. Shift the leading one into
  // the implicit position and lower the exponent to match.
  int exponent = -14; // Unbiased exponent of the half subnormal range.
  while (!(mantissa & 0x400)) {
    mantissa <<= 1;
    --exponent;
  }
  mantissa &= 0x3FF;
  return floatFromBits(sign | (uint32_t(exponent + 127) << 23) |
                       (mantissa << 13));
}

float bfloat16BitsToFloat(uint16_t bits) {
  // bfloat16 is a truncated binary32, so widening is a plain shift.
  return floatFromBits(uint32_t(bits) << 16);
}

} // namespace kiln
