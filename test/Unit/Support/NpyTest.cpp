//===- NpyTest.cpp - .npy reader and writer tests -------------------------===//
//
// The reference images below were produced with np.save (numpy 1.24) and are
// compared byte for byte with writeNpyBuffer; the malformed-input tests check
// that each failure is reported with a recognisable message.
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Npy.h"

#include "kiln/Support/HostTensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace kiln;
using namespace std::literals;

namespace {

constexpr DType kAllDTypes[] = {DType::F32, DType::F16, DType::BF16,
                                DType::F64, DType::I64, DType::I32,
                                DType::I8,  DType::U8,  DType::I1};

/// Reads from an exactly sized heap copy, so that a sanitizer would catch
/// any read past the end of the input.
bool readBytes(std::string_view bytes, HostTensor &out, std::string &error) {
  std::vector<char> exact(bytes.begin(), bytes.end());
  return readNpyBuffer(exact.data(), exact.size(), out, error);
}

/// A .npy image with the given header text (used verbatim) and data; the
/// length field is computed, everything else is up to the caller.
std::string withHeader(std::string_view header, std::string_view data,
                       unsigned major = 1) {
  std::string image = "\x93NUMPY"s;
  image += char(major);
  image += char(0);
  const size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t b = 0; b < lengthBytes; ++b)
    image += char((header.size() >> (8 * b)) & 0xFF);
  image += header;
  image += data;
  return image;
}

/// A numpy-style image: `dict`, space padding to a 64-byte boundary, '\n'.
std::string npyImage(std::string_view dict, std::string_view data) {
  std::string header(dict);
  while ((10 + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  return withHeader(header, data);
}

std::string sequentialFloats(size_t count) {
  std::string data;
  for (size_t i = 0; i < count; ++i) {
    const float value = float(i);
    data.append(reinterpret_cast<const char *>(&value), sizeof(value));
  }
  return data;
}

/// Expects `bytes` to be rejected with a message containing `phrase`, and
/// `out` to be left alone.
void expectRejected(std::string_view bytes, std::string_view phrase) {
  HostTensor out(DType::I32, {7});
  out.setInt(3, 42);
  std::string error;
  EXPECT_FALSE(readBytes(bytes, out, error));
  EXPECT_NE(error.find(phrase), std::string::npos)
      << "error: " << error << "\nexpected to contain: " << phrase;
  EXPECT_EQ(out.dtype(), DType::I32);
  EXPECT_EQ(out.numElements(), 7);
  EXPECT_EQ(out.getInt(3), 42);
}

void expectRejectedHeader(std::string_view dict, std::string_view data,
                          std::string_view phrase) {
  SCOPED_TRACE(std::string(dict));
  expectRejected(npyImage(dict, data), phrase);
}

std::string tempPath(const std::string &name) {
  // Random suffix: several builds may run these tests at the same time.
  std::random_device device;
  return ::testing::TempDir() + "kiln_npy_" + name + "_" +
         std::to_string(device()) + ".npy";
}

/// A reference image written by np.save: preamble, dict, the number of
/// padding spaces numpy used, '\n', then the data.
struct NumpyReference {
  const char *name;
  std::string_view preamble;
  std::string_view dict;
  size_t spaces;
  std::string_view data;
  HostTensor tensor;

  std::string bytes() const {
    return std::string(preamble) + std::string(dict) +
           std::string(spaces, ' ') + "\n" + std::string(data);
  }
};

HostTensor makeTensor(DType dtype, std::vector<int64_t> shape,
                      std::vector<double> values) {
  HostTensor t(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i)
    t.setDouble(int64_t(i), values[i]);
  return t;
}

HostTensor makeIntTensor(DType dtype, std::vector<int64_t> shape,
                         std::vector<int64_t> values) {
  HostTensor t(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i)
    t.setInt(int64_t(i), values[i]);
  return t;
}

const std::vector<NumpyReference> &numpyReferences() {
  static const std::vector<NumpyReference> refs = {
      // np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1
      {"f32_2x3", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 58,
       "\x00\x00\x80\xbf\x00\x00\x00\xbf\x00\x00\x00\x00\x00\x00\x00\x3f"
       "\x00\x00\x80\x3f\x00\x00\xc0\x3f"sv,
       makeTensor(DType::F32, {2, 3}, {-1, -0.5, 0, 0.5, 1, 1.5})},
      // np.array(2.5)
      {"f64_scalar", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 62,
       "\x00\x00\x00\x00\x00\x00\x04\x40"sv, makeTensor(DType::F64, {}, {2.5})},
      // np.array([1, -2, 65504], dtype=np.float16)
      {"f16_3", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", 60,
       "\x00\x3c\x00\xc0\xff\x7b"sv,
       makeTensor(DType::F16, {3}, {1, -2, 65504})},
      // np.array([-1, 2**40], dtype=np.int64)
      {"i64_2", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 60,
       "\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x01\x00\x00"sv,
       makeIntTensor(DType::I64, {2}, {-1, int64_t(1) << 40})},
      // np.array([[1, -2], [300000, -2**31]], dtype=np.int32)
      {"i32_2x2", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", 58,
       "\x01\x00\x00\x00\xfe\xff\xff\xff\xe0\x93\x04\x00\x00\x00\x00\x80"sv,
       makeIntTensor(DType::I32, {2, 2}, {1, -2, 300000, -(int64_t(1) << 31)})},
      // np.zeros((0,), dtype=np.int8)
      {"i8_empty", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '|i1', 'fortran_order': False, 'shape': (0,), }", 60, ""sv,
       HostTensor(DType::I8, {0})},
      // np.zeros((0, 123456789012, 0), dtype=np.int8)
      {"i8_empty_wide", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '|i1', 'fortran_order': False, 'shape': "
       "(0, 123456789012, 0), }",
       44, ""sv, HostTensor(DType::I8, {0, 123456789012, 0})},
      // np.array([0, 1, 200, 255], dtype=np.uint8)
      {"u8_4", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", 60,
       "\x00\x01\xc8\xff"sv, makeIntTensor(DType::U8, {4}, {0, 1, 200, 255})},
      // np.array([True, False, True])
      {"bool_3", "\x93NUMPY\x01\x00v\x00"sv,
       "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", 60,
       "\x01\x00\x01"sv, makeIntTensor(DType::I1, {3}, {1, 0, 1})},
  };
  return refs;
}

bool sameBytes(const HostTensor &a, const HostTensor &b) {
  return a.byteSize() == b.byteSize() &&
         (a.byteSize() == 0 ||
          std::memcmp(a.data(), b.data(), a.byteSize()) == 0);
}

} // namespace

//===----------------------------------------------------------------------===//
// Agreement with numpy
//===----------------------------------------------------------------------===//

TEST(NpyTest, WriterMatchesNumpyByteForByte) {
  for (const NumpyReference &ref : numpyReferences()) {
    SCOPED_TRACE(ref.name);
    const std::string expected = ref.bytes();
    EXPECT_EQ(expected.size() % 64, ref.data.size() % 64);
    EXPECT_EQ(writeNpyBuffer(ref.tensor), expected);
  }
}

TEST(NpyTest, ReaderLoadsNumpyFiles) {
  for (const NumpyReference &ref : numpyReferences()) {
    SCOPED_TRACE(ref.name);
    HostTensor out;
    std::string error;
    ASSERT_TRUE(readBytes(ref.bytes(), out, error)) << error;
    EXPECT_EQ(out.dtype(), ref.tensor.dtype());
    EXPECT_EQ(out.shape(), ref.tensor.shape());
    EXPECT_TRUE(sameBytes(out, ref.tensor));
  }
}

TEST(NpyTest, ParsesHandWrittenNumpyHeader) {
  const std::string image =
      npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
               sequentialFloats(6));
  ASSERT_EQ(image.size(), 128u + 24u);
  HostTensor out;
  std::string error;
  ASSERT_TRUE(readBytes(image, out, error)) << error;
  EXPECT_EQ(out.dtype(), DType::F32);
  EXPECT_EQ(out.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(out.typeString(), "2x3xf32");
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_EQ(out.getDouble(i), double(i));
}

TEST(NpyTest, ReadsBigEndianNumpyFiles) {
  struct Case {
    std::string_view dict, data;
    HostTensor expected;
  };
  const Case cases[] = {
      // np.array([1, -2, 3], dtype='>i4')
      {"{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }",
       "\x00\x00\x00\x01\xff\xff\xff\xfe\x00\x00\x00\x03"sv,
       makeIntTensor(DType::I32, {3}, {1, -2, 3})},
      // np.array([1.5, -0.25], dtype='>f8')
      {"{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
       "\x3f\xf8\x00\x00\x00\x00\x00\x00\xbf\xd0\x00\x00\x00\x00\x00\x00"sv,
       makeTensor(DType::F64, {2}, {1.5, -0.25})},
      // np.array([1.5, -0.25], dtype='>f2')
      {"{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }",
       "\x3e\x00\xb4\x00"sv, makeTensor(DType::F16, {2}, {1.5, -0.25})},
      {"{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }",
       "\xff\xff\xff\xff\xff\xff\xff\xfe"sv,
       makeIntTensor(DType::I64, {1}, {-2})},
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
       "\xc0\x20\x00\x00"sv, makeTensor(DType::F32, {1}, {-2.5})},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(std::string(c.dict));
    HostTensor out;
    std::string error;
    ASSERT_TRUE(readBytes(npyImage(c.dict, c.data), out, error)) << error;
    EXPECT_EQ(out.dtype(), c.expected.dtype());
    EXPECT_TRUE(sameBytes(out, c.expected));
  }
}

TEST(NpyTest, ReadsVersions2And3) {
  // np.lib.format.write_array(f, np.array([[7, 8, 9]], np.int32), version=v)
  const std::string_view data =
      "\x07\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00"sv;
  for (char major : {'\x02', '\x03'}) {
    std::string image = "\x93NUMPY"s + major + "\x00t\x00\x00\x00"s +
                        "{'descr': '<i4', 'fortran_order': False, 'shape': "
                        "(1, 3), }" +
                        std::string(56, ' ') + "\n" + std::string(data);
    ASSERT_EQ(image.size(), 140u);
    HostTensor out;
    std::string error;
    ASSERT_TRUE(readBytes(image, out, error)) << error;
    EXPECT_EQ(out.shape(), (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(out.getInt(2), 9);
  }
}

//===----------------------------------------------------------------------===//
// Round trips and writer layout
//===----------------------------------------------------------------------===//

TEST(NpyTest, RoundTripsEveryDType) {
  const std::vector<std::vector<int64_t>> shapes = {
      {2, 3}, {}, {5}, {0, 3}, {1, 2, 1, 2}};
  for (DType dtype : kAllDTypes) {
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(dtypeName(dtype)) + " " +
                   HostTensor::shapeString(shape));
      HostTensor tensor(dtype, shape);
      for (int64_t i = 0; i < tensor.numElements(); ++i) {
        if (isFloatDType(dtype))
          tensor.setDouble(i, i * 1.25 - 3);
        else
          tensor.setInt(i, i * 37 - 100);
      }
      const std::string bytes = writeNpyBuffer(tensor);
      HostTensor out;
      std::string error;
      ASSERT_TRUE(readBytes(bytes, out, error)) << error;
      EXPECT_EQ(out.shape(), shape);
      if (dtype == DType::BF16) {
        // No numpy dtype for bf16: written as an exactly widened float32.
        EXPECT_EQ(out.dtype(), DType::F32);
        EXPECT_TRUE(sameBytes(out, tensor.convertTo(DType::F32)));
      } else {
        EXPECT_EQ(out.dtype(), dtype);
        EXPECT_TRUE(sameBytes(out, tensor));
      }
    }
  }
}

TEST(NpyTest, RoundTripsSpecialFloats) {
  HostTensor tensor(DType::F64, {4});
  tensor.setDouble(0, std::numeric_limits<double>::infinity());
  tensor.setDouble(1, -0.0);
  tensor.setDouble(2, std::numeric_limits<double>::quiet_NaN());
  tensor.setDouble(3, std::numeric_limits<double>::denorm_min());
  HostTensor out;
  std::string error;
  ASSERT_TRUE(readBytes(writeNpyBuffer(tensor), out, error)) << error;
  EXPECT_TRUE(sameBytes(out, tensor));
}

TEST(NpyTest, BFloat16IsWrittenAsFloat32) {
  HostTensor bf16(DType::BF16, {2});
  bf16.setDouble(0, 1.5);
  bf16.setDouble(1, -3.0);
  EXPECT_EQ(writeNpyBuffer(bf16), writeNpyBuffer(bf16.convertTo(DType::F32)));
}

TEST(NpyTest, PreambleIsAlignedTo64Bytes) {
  // Vary the rank and the digits of the first dim (which sets numpy's
  // growth padding); a trailing 0 dim keeps the tensors empty.
  for (DType dtype : kAllDTypes) {
    for (int64_t first : {int64_t(0), int64_t(1), int64_t(12), int64_t(999),
                          int64_t(123456789012), int64_t(1) << 62}) {
      for (int rank = 1; rank <= 30; ++rank) {
        if (rank == 1 && first > 1000)
          continue; // Would not be empty.
        std::vector<int64_t> shape(size_t(rank), 1);
        shape.front() = first;
        if (rank > 1)
          shape.back() = 0;
        const HostTensor tensor(dtype, shape);
        const std::string bytes = writeNpyBuffer(tensor);
        const size_t headerLength =
            size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
        const size_t preamble = 10 + headerLength;
        SCOPED_TRACE(tensor.typeString());
        EXPECT_EQ(bytes[6], '\x01');
        EXPECT_EQ(preamble % 64, 0u);
        ASSERT_LE(preamble, bytes.size());
        EXPECT_EQ(bytes[preamble - 1], '\n');
        const size_t elementSize =
            dtype == DType::BF16 ? 4 : dtypeByteSize(dtype);
        EXPECT_EQ(bytes.size() - preamble,
                  size_t(tensor.numElements()) * elementSize);
      }
    }
  }
}

TEST(NpyTest, HugeHeaderUsesVersion2) {
  // "1, " per dim: 22000 dims make a header longer than version 1.0's
  // 16-bit length field can describe.
  HostTensor tensor(DType::I8, std::vector<int64_t>(22000, 1));
  tensor.setInt(0, -5);
  const std::string bytes = writeNpyBuffer(tensor);
  ASSERT_EQ(bytes[6], '\x02');
  ASSERT_EQ(bytes[7], '\x00');
  const size_t headerLength =
      size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8 |
      size_t(uint8_t(bytes[10])) << 16 | size_t(uint8_t(bytes[11])) << 24;
  EXPECT_GT(headerLength, 65535u);
  EXPECT_EQ((12 + headerLength) % 64, 0u);
  EXPECT_EQ(bytes.size(), 12 + headerLength + 1);

  HostTensor out;
  std::string error;
  ASSERT_TRUE(readBytes(bytes, out, error)) << error;
  EXPECT_EQ(out.rank(), 22000);
  EXPECT_EQ(out.getInt(0), -5);
}

//===----------------------------------------------------------------------===//
// Header syntax variations numpy (or other writers) may produce
//===----------------------------------------------------------------------===//

TEST(NpyTest, AcceptsHeaderVariations) {
  struct Case {
    std::string_view dict;
    DType dtype;
    std::vector<int64_t> shape;
  };
  const Case cases[] = {
      {"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
       DType::F32,
       {2, 3}},
      {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (6,)}",
       DType::F32,
       {6}},
      {"{ 'descr' :'<f4' ,\n\t'fortran_order':False,'shape':( 1 , 6 , ) , }",
       DType::F32,
       {1, 6}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6L,), }",
       DType::F32,
       {6}}, // Python 2 numpy wrote longs with an 'L'.
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (+6,)}",
       DType::F32,
       {6}},
      {"{'descr': '=f4', 'fortran_order': False, 'shape': (3, 2), }",
       DType::F32,
       {3, 2}},
      {"{'descr': 'f4', 'fortran_order': False, 'shape': (6,), }",
       DType::F32,
       {6}},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }",
       DType::I32,
       {6}},
      {"{'descr': '<f2', 'fortran_order': False, 'shape': (12,), }",
       DType::F16,
       {12}},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
       DType::F64,
       {3}},
      {"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
       DType::I64,
       {3}},
      {"{'descr': '<i1', 'fortran_order': False, 'shape': (24,), }",
       DType::I8,
       {24}},
      {"{'descr': '>u1', 'fortran_order': False, 'shape': (24,), }",
       DType::U8,
       {24}},
      {"{'descr': '<b1', 'fortran_order': False, 'shape': (24,), }",
       DType::I1,
       {24}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(std::string(c.dict));
    HostTensor out;
    std::string error;
    ASSERT_TRUE(readBytes(npyImage(c.dict, sequentialFloats(6)), out, error))
        << error;
    EXPECT_EQ(out.dtype(), c.dtype);
    EXPECT_EQ(out.shape(), c.shape);
  }
}

TEST(NpyTest, AcceptsUnpaddedHeader) {
  // Older writers did not align the header; only the length field matters.
  const std::string image =
      withHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}",
                 "\x05\x00\x00\x00"sv);
  HostTensor out;
  std::string error;
  ASSERT_TRUE(readBytes(image, out, error)) << error;
  EXPECT_EQ(out.getInt(0), 5);
}

TEST(NpyTest, NormalizesBoolBytes) {
  HostTensor out;
  std::string error;
  ASSERT_TRUE(readBytes(
      npyImage("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
               "\x00\x02\xff"sv),
      out, error))
      << error;
  EXPECT_EQ(out.dataAs<uint8_t>()[0], 0);
  EXPECT_EQ(out.dataAs<uint8_t>()[1], 1);
  EXPECT_EQ(out.dataAs<uint8_t>()[2], 1);
}

//===----------------------------------------------------------------------===//
// Malformed input
//===----------------------------------------------------------------------===//

TEST(NpyTest, RejectsBadMagic) {
  expectRejected("", "not a .npy file (bad magic)");
  expectRejected("\x93NUM"sv, "not a .npy file (bad magic)");
  expectRejected("PK\x03\x04 this is a zip"sv, "not a .npy file (bad magic)");
  std::string image = writeNpyBuffer(HostTensor(DType::F32, {1}));
  image[1] = 'n';
  expectRejected(image, "not a .npy file (bad magic)");
}

TEST(NpyTest, RejectsUnsupportedVersion) {
  std::string image = writeNpyBuffer(HostTensor(DType::F32, {1}));
  image[6] = 4;
  expectRejected(image, "unsupported .npy format version 4.0");
  image[6] = 1;
  image[7] = 1;
  expectRejected(image, "unsupported .npy format version 1.1");
  image[6] = 0;
  image[7] = 0;
  expectRejected(image, "unsupported .npy format version 0.0");
}

TEST(NpyTest, RejectsTruncatedPreamble) {
  expectRejected("\x93NUMPY"sv, "truncated .npy file");
  expectRejected("\x93NUMPY\x01\x00\x10"sv, "truncated .npy file");
  expectRejected("\x93NUMPY\x02\x00\x10\x00\x00"sv, "truncated .npy file");
}

TEST(NpyTest, RejectsHeaderLengthPastEnd) {
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n";
  std::string image = withHeader(dict, "");
  image[8] = char(0xFF);
  image[9] = char(0xFF);
  expectRejected(image, "header length 65535 runs past the end of the file");
  // Version 2.0 with a 4 GiB length.
  expectRejected("\x93NUMPY\x02\x00\xff\xff\xff\xff{}"sv,
                 "header length 4294967295 runs past the end");
}

TEST(NpyTest, RejectsHeadersThatAreNotDictLiterals) {
  const auto data = sequentialFloats(1);
  const char *notDicts[] = {
      "",
      "['descr', '<f4']",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ",
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
      "{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{descr: '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1.0,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0x1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-,)}",
      "{,}",
      "{'descr': '<f4',, 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': {}}",
  };
  for (const char *dict : notDicts)
    expectRejectedHeader(dict, data, "malformed .npy header");
  expectRejectedHeader("{'descr': '<f4'", data,
                       "expected a Python dict literal");

  // Deep nesting is refused before it can exhaust the stack.
  const std::string deep =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " +
      std::string(100000, '(') + "}";
  expectRejected(withHeader(deep, data), "nested too deeply");
}

TEST(NpyTest, RejectsWrongKeys) {
  const auto data = sequentialFloats(1);
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False}", data,
                       "missing key 'shape'");
  expectRejectedHeader("{'fortran_order': False, 'shape': (1,)}", data,
                       "missing key 'descr'");
  expectRejectedHeader("{'descr': '<f4', 'shape': (1,)}", data,
                       "missing key 'fortran_order'");
  expectRejectedHeader("{}", data, "missing key");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
      data, "unexpected key 'extra'");
  expectRejectedHeader(
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
      data, "duplicate key 'descr'");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 1: (1,)}",
                       data, "quoted key");
}

TEST(NpyTest, RejectsUnsupportedDescr) {
  const auto data = sequentialFloats(2);
  expectRejectedHeader(
      "{'descr': '<u4', 'fortran_order': False, 'shape': (2,)}", data,
      "unsupported dtype '<u4'");
  expectRejectedHeader(
      "{'descr': '<i2', 'fortran_order': False, 'shape': (4,)}", data,
      "unsupported dtype '<i2'");
  expectRejectedHeader(
      "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", data,
      "supported dtypes are");
  expectRejectedHeader("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}",
                       data, "unsupported dtype '|O'");
  expectRejectedHeader("{'descr': '', 'fortran_order': False, 'shape': (1,)}",
                       data, "unsupported dtype ''");
  expectRejectedHeader(
      "{'descr': '<f4 ', 'fortran_order': False, 'shape': (2,)}", data,
      "unsupported dtype '<f4 '");
  expectRejectedHeader(
      "{'descr': '<V2', 'fortran_order': False, 'shape': (4,)}", data,
      "bfloat16 has no numpy dtype");
  expectRejectedHeader(
      "{'descr': '|V2', 'fortran_order': False, 'shape': (4,)}", data,
      "store bf16 data as float32");
  expectRejectedHeader("{'descr': [('a', '<f4'), ('b', '<f4')], "
                       "'fortran_order': False, 'shape': (1,)}",
                       data, "structured dtypes");
  expectRejectedHeader("{'descr': 4, 'fortran_order': False, 'shape': (2,)}",
                       data, "'descr' must be a string");
}

TEST(NpyTest, RejectsFortranOrder) {
  const auto data = sequentialFloats(6);
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data,
      "np.ascontiguousarray");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data,
      "fortran_order True");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}",
                       data, "'fortran_order' must be True or False");
}

TEST(NpyTest, RejectsBadShapes) {
  const auto data = sequentialFloats(6);
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (6)}",
                       data, "'shape' must be a tuple");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': [6]}",
                       data, "'shape' must be a tuple");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': 6}",
                       data, "'shape' must be a tuple");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': ('6',)}", data,
      "only integers");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (True,)}", data,
      "only integers");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", data,
      "non-negative");
  expectRejectedHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 0)}", data,
      "non-negative");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(99999999999999999999999,)}",
                       data, "is too large");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(9223372036854775808,)}",
                       data, "is too large");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(4294967296, 4294967296)}",
                       data, "overflows 64 bits");
  expectRejectedHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(0, 4294967296, 4294967296)}",
                       data, "overflows 64 bits");
  // Fits in int64 as an element count, but not once multiplied by 8 bytes.
  expectRejectedHeader("{'descr': '<f8', 'fortran_order': False, 'shape': "
                       "(4611686018427387904,)}",
                       data, "too large");
}

TEST(NpyTest, RejectsDataOfTheWrongSize) {
  const std::string_view dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  expectRejected(npyImage(dict, sequentialFloats(6).substr(0, 20)),
                 "truncated: expected 24 bytes of data, found 20");
  expectRejected(npyImage(dict, ""),
                 "truncated: expected 24 bytes of data, found 0");
  expectRejected(npyImage(dict, sequentialFloats(6) + "x"),
                 "unexpected 1 trailing bytes");
  expectRejected(
      npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}",
               "abc"),
      "unexpected 3 trailing bytes");
  // Every proper prefix of a valid file is rejected.
  const std::string full = npyImage(dict, sequentialFloats(6));
  for (size_t size = 0; size < full.size(); ++size) {
    HostTensor out;
    std::string error;
    ASSERT_FALSE(readBytes(std::string_view(full).substr(0, size), out, error))
        << size;
    EXPECT_FALSE(error.empty());
  }
}

TEST(NpyTest, SurvivesCorruptedInput) {
  // Random byte damage must only ever produce a clean error or a tensor
  // consistent with its own header (run under ASan to catch overreads).
  const std::string original =
      writeNpyBuffer(makeTensor(DType::F32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  std::mt19937 rng(2024);
  std::uniform_int_distribution<size_t> position(0, original.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string damaged = original;
    for (int k = 0; k <= trial % 4; ++k)
      damaged[position(rng)] = char(byte(rng));
    HostTensor out;
    std::string error;
    if (readBytes(damaged, out, error))
      EXPECT_EQ(out.byteSize(), out.numElements() * dtypeByteSize(out.dtype()));
    else
      EXPECT_FALSE(error.empty());
  }
}

TEST(NpyTest, NullBufferIsRejected) {
  HostTensor out;
  std::string error;
  EXPECT_FALSE(readNpyBuffer(nullptr, 0, out, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

TEST(NpyTest, FileRoundTrip) {
  const std::string path = tempPath("roundtrip");
  HostTensor tensor(DType::I64, {3, 2});
  for (int64_t i = 0; i < tensor.numElements(); ++i)
    tensor.setInt(i, (i - 3) * 1000000007);
  std::string error;
  ASSERT_TRUE(writeNpyFile(path, tensor, error)) << error;

  // The file holds exactly writeNpyBuffer's bytes.
  std::FILE *file = std::fopen(path.c_str(), "rb");
  ASSERT_NE(file, nullptr);
  std::string contents;
  char chunk[4096];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof(chunk), file)) > 0)
    contents.append(chunk, got);
  std::fclose(file);
  EXPECT_EQ(contents, writeNpyBuffer(tensor));

  HostTensor out;
  ASSERT_TRUE(readNpyFile(path, out, error)) << error;
  EXPECT_EQ(out.dtype(), DType::I64);
  EXPECT_EQ(out.shape(), tensor.shape());
  EXPECT_TRUE(sameBytes(out, tensor));
  std::remove(path.c_str());
}

TEST(NpyTest, FileRoundTripScalarAndEmpty) {
  for (const HostTensor &tensor :
       {HostTensor(DType::F16, {}), HostTensor(DType::U8, {0, 4})}) {
    const std::string path = tempPath("small");
    std::string error;
    ASSERT_TRUE(writeNpyFile(path, tensor, error)) << error;
    HostTensor out;
    ASSERT_TRUE(readNpyFile(path, out, error)) << error;
    EXPECT_EQ(out.dtype(), tensor.dtype());
    EXPECT_EQ(out.shape(), tensor.shape());
    std::remove(path.c_str());
  }
}

TEST(NpyTest, MissingFileIsReported) {
  HostTensor out;
  std::string error;
  EXPECT_FALSE(readNpyFile("kiln-no-such-dir/x.npy", out, error));
  EXPECT_EQ(error,
            "cannot open 'kiln-no-such-dir/x.npy': No such file or directory");
}

TEST(NpyTest, MalformedFileErrorsNameThePath) {
  const std::string path = tempPath("truncated");
  const std::string full = writeNpyBuffer(HostTensor(DType::F32, {2, 3}));
  for (size_t keep :
       {size_t(4), size_t(40), full.size() - 4, full.size() + 3}) {
    std::string contents = full.substr(0, keep);
    if (keep > full.size())
      contents += std::string(keep - full.size(), 'x');
    std::FILE *file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fwrite(contents.data(), 1, contents.size(), file);
    std::fclose(file);

    HostTensor out(DType::I8, {1});
    std::string error;
    EXPECT_FALSE(readNpyFile(path, out, error)) << keep;
    EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
    EXPECT_EQ(out.dtype(), DType::I8);
  }
  std::string error;
  HostTensor out;
  ASSERT_FALSE(readNpyFile(path, out, error));
  EXPECT_NE(error.find("unexpected 3 trailing bytes"), std::string::npos);
  std::remove(path.c_str());

  std::FILE *file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fwrite(full.data(), 1, full.size() - 4, file);
  std::fclose(file);
  ASSERT_FALSE(readNpyFile(path, out, error));
  EXPECT_NE(error.find("truncated: expected 24 bytes of data, found 20"),
            std::string::npos)
      << error;
  std::remove(path.c_str());
}

TEST(NpyTest, DirectoryIsNotAFile) {
  HostTensor out;
  std::string error;
  const std::string dir = ::testing::TempDir();
  EXPECT_FALSE(readNpyFile(dir, out, error));
  EXPECT_NE(error.find(dir), std::string::npos) << error;
}

TEST(NpyTest, UnwritablePathIsReported) {
  std::string error;
  EXPECT_FALSE(writeNpyFile("kiln-no-such-dir/out.npy",
                            HostTensor(DType::F32, {1}), error));
  EXPECT_EQ(error, "cannot open 'kiln-no-such-dir/out.npy' for writing: No "
                   "such file or directory");
}
