//===- Float16.h - IEEE binary16 and bfloat16 conversions -------*- C++ -*-===//
//
// Bit-exact conversions between the 16-bit float formats and float/double.
// Narrowing rounds to nearest, ties to even, exactly as IEEE 754 requires:
// NaN stays NaN (quieted, sign and top payload bits kept), infinities stay
// infinite, values too large for the format become infinity and subnormal
// results are rounded exactly. Widening is always exact.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SUPPORT_FLOAT16_H
#define KILN_SUPPORT_FLOAT16_H

#include <cstdint>

namespace kiln {

/// IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits.
uint16_t floatToHalfBits(float value);
float halfBitsToFloat(uint16_t bits);

/// bfloat16: the top half of a binary32 (1 sign, 8 exponent, 7 mantissa bits).
uint16_t floatToBFloat16Bits(float value);
float bfloat16BitsToFloat(uint16_t bits);

/// Round a double straight to the 16-bit format. Going through float first
/// would round twice and can land on the wrong side of a tie, e.g.
/// 1 + 2^-11 + 2^-40 must become 0x3C01 in binary16 but is 0x3C00 via float.
uint16_t doubleToHalfBits(double value);
uint16_t doubleToBFloat16Bits(double value);

} // namespace kiln

#endif // KILN_SUPPORT_FLOAT16_H
