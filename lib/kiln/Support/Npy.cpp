//===- Npy.cpp - NumPy .npy file reading and writing ----------------------===//
//
// Format reference: numpy/lib/format.py. A file is
//   "\x93NUMPY" major minor  header-length (u16 LE for 1.0, u32 LE for 2.0/3.0)
//   header: a Python dict literal, space padded, ending in '\n'
//   the raw array bytes
// Readers check every length against what is actually present before using
// it, so nothing is read or allocated on the strength of an unchecked field.
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln {

namespace {

constexpr unsigned char kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr size_t kMagicSize = sizeof(kMagic);
// numpy aligns the start of the data to this many bytes (ARRAY_ALIGN).
constexpr size_t kArrayAlign = 64;
// numpy leaves this many spaces minus the digits of shape[0] after the dict
// so the shape can be grown in place (GROWTH_AXIS_MAX_DIGITS).
constexpr size_t kGrowthAxisMaxDigits = 21;
// Bounds recursion on hostile headers; real headers nest at most twice.
constexpr int kMaxNesting = 32;
constexpr const char *kHeaderExample =
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

bool hostIsLittleEndian() {
  const uint16_t one = 1;
  unsigned char firstByte;
  std::memcpy(&firstByte, &one, 1);
  return firstByte == 1;
}

//===----------------------------------------------------------------------===//
// Header dict parsing
//===----------------------------------------------------------------------===//

/// The subset of Python literals that can appear in a .npy header.
struct PyValue {
  enum class Kind { String, Bool, None, Int, Tuple, List };
  Kind kind = Kind::None;
  std::string text; // String contents, or an Int as written.
  bool boolean = false;
  int64_t integer = 0;
  bool intOverflow = false; // The Int literal does not fit in int64_t.
  std::vector<PyValue> items;
};

using HeaderEntries = std::vector<std::pair<std::string, PyValue>>;

/// Recursive-descent parser for a dict literal, as Python's
/// ast.literal_eval (which numpy uses) would accept it.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  /// Parses `{key: value, ...}` followed by nothing but whitespace.
  bool parse(HeaderEntries &entries) {
    skipSpace();
    if (!expect('{', "the header to start with '{'"))
      return false;
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      if (atEnd() || (peek() != '\'' && peek() != '"'))
        return fail("expected a quoted key or '}'");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!expect(':', "':' after the key"))
        return false;
      PyValue value;
      if (!parseValue(value, 0))
        return false;
      entries.emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return fail("expected ',' or '}' after a value");
    }
    skipSpace();
    if (!atEnd())
      return fail("unexpected text after the closing '}'");
    return true;
  }

  const std::string &error() const { return error_; }

private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  bool consume(char c) {
    if (atEnd() || peek() != c)
      return false;
    ++pos_;
    return true;
  }

  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' ||
                        peek() == '\r'))
      ++pos_;
  }

  bool fail(const std::string &what) {
    error_ = what + " at header offset " + std::to_string(pos_);
    return false;
  }

  bool expect(char c, const char *what) {
    if (consume(c))
      return true;
    return fail(std::string("expected ") + what);
  }

  static bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  }

  bool parseValue(PyValue &value, int depth) {
    if (depth > kMaxNesting)
      return fail("values nested too deeply");
    skipSpace();
    if (atEnd())
      return fail("expected a value but the header ended");
    const char c = peek();
    if (c == '\'' || c == '"') {
      value.kind = PyValue::Kind::String;
      return parseString(value.text);
    }
    if (c == '(')
      return parseSequence(value, ')', depth);
    if (c == '[')
      return parseSequence(value, ']', depth);
    if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
      return parseInt(value);
    if (isNameChar(c)) {
      const size_t start = pos_;
      while (!atEnd() && isNameChar(peek()))
        ++pos_;
      const std::string_view name = text_.substr(start, pos_ - start);
      if (name == "True" || name == "False") {
        value.kind = PyValue::Kind::Bool;
        value.boolean = name == "True";
        return true;
      }
      if (name == "None") {
        value.kind = PyValue::Kind::None;
        return true;
      }
      pos_ = start;
      return fail("unexpected name '" + std::string(name) + "'");
    }
    return fail("unexpected character " + describeChar(c));
  }

  static std::string describeChar(char c) {
    if (c >= 0x20 && c < 0x7F)
      return std::string("'") + c + "'";
    static const char digits[] = "0123456789abcdef";
    const unsigned char u = static_cast<unsigned char>(c);
    return std::string("'\\x") + digits[u >> 4] + digits[u & 15] + "'";
  }

  /// A quoted string. Escapes only need to not end the string early: no
  /// supported descr contains one.
  bool parseString(std::string &out) {
    const char quote = peek();
    ++pos_;
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      const char c = peek();
      ++pos_;
      if (c == quote)
        return true;
      if (c == '\\') {
        if (atEnd())
          return fail("unterminated string");
        out += peek();
        ++pos_;
        continue;
      }
      out += c;
    }
  }

  /// A decimal integer, with the 'L' suffix Python 2 numpy wrote for longs.
  bool parseInt(PyValue &value) {
    const size_t start = pos_;
    bool negative = false;
    if (peek() == '-' || peek() == '+')
      negative = text_[pos_++] == '-';
    if (atEnd() || !(peek() >= '0' && peek() <= '9'))
      return fail("expected digits in a number");
    uint64_t magnitude = 0;
    bool overflow = false;
    while (!atEnd() && peek() >= '0' && peek() <= '9') {
      const unsigned digit = unsigned(peek() - '0');
      if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10)
        overflow = true;
      else
        magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    const size_t end = pos_;
    if (!atEnd() && (peek() == 'L' || peek() == 'l'))
      ++pos_;
    if (!atEnd() && (isNameChar(peek()) || peek() == '.'))
      return fail("only integers are allowed as numbers");

    const uint64_t limit =
        uint64_t(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
    value.kind = PyValue::Kind::Int;
    value.text = std::string(text_.substr(start, end - start));
    value.intOverflow = overflow || magnitude > limit;
    if (!value.intOverflow)
      value.integer = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
    return true;
  }

  /// A tuple or list. As in Python, "(x)" without a comma is just x.
  bool parseSequence(PyValue &value, char close, int depth) {
    ++pos_; // The opening bracket.
    std::vector<PyValue> items;
    bool sawComma = false;
    while (true) {
      skipSpace();
      if (consume(close))
        break;
      PyValue item;
      if (!parseValue(item, depth + 1))
        return false;
      items.push_back(std::move(item));
      skipSpace();
      if (consume(',')) {
        sawComma = true;
        continue;
      }
      if (consume(close))
        break;
      return fail(std::string("expected ',' or '") + close + "'");
    }
    if (close == ')' && items.size() == 1 && !sawComma) {
      value = std::move(items.front());
      return true;
    }
    value.kind = close == ')' ? PyValue::Kind::Tuple : PyValue::Kind::List;
    value.items = std::move(items);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

//===----------------------------------------------------------------------===//
// Header interpretation
//===----------------------------------------------------------------------===//

/// What a valid header says about the data that follows it.
struct NpyLayout {
  DType dtype = DType::F32;
  bool bigEndian = false;
  std::vector<int64_t> shape;
  uint64_t dataBytes = 0;
};

constexpr const char *kSupportedDescrs =
    "supported dtypes are float16/32/64, int8/32/64, uint8 and bool "
    "('<f2', '<f4', '<f8', '|i1', '<i4', '<i8', '|u1', '|b1')";

bool parseDescr(const PyValue &value, NpyLayout &layout, std::string &error) {
  if (value.kind == PyValue::Kind::List) {
    error = "structured dtypes (record arrays) are not supported; save each "
            "field as its own plain array";
    return false;
  }
  if (value.kind != PyValue::Kind::String) {
    error = "malformed .npy header: 'descr' must be a string such as '<f4'";
    return false;
  }
  const std::string &descr = value.text;
  std::string_view code = descr;
  char order = '=';
  if (!code.empty() &&
      (code[0] == '<' || code[0] == '>' || code[0] == '=' || code[0] == '|')) {
    order = code[0];
    code.remove_prefix(1);
  }

  struct CodeEntry {
    const char *code;
    DType dtype;
  };
  static constexpr CodeEntry kCodes[] = {{"f4", DType::F32}, {"f2", DType::F16},
                                         {"f8", DType::F64}, {"i8", DType::I64},
                                         {"i4", DType::I32}, {"i1", DType::I8},
                                         {"u1", DType::U8},  {"b1", DType::I1}};
  for (const CodeEntry &entry : kCodes) {
    if (code != entry.code)
      continue;
    layout.dtype = entry.dtype;
    // '=' (native) and '|' (not applicable) are taken as little-endian:
    // numpy always writes an explicit order for multi-byte types, and every
    // machine Kiln targets is little-endian.
    layout.bigEndian = order == '>';
    return true;
  }

  if (code == "V2") {
    error = "unsupported dtype '" + descr +
            "': bfloat16 has no numpy dtype (ml_dtypes saves it as raw 2-byte "
            "void); store bf16 data as float32 instead";
    return false;
  }
  error = "unsupported dtype '" + descr + "'; " + kSupportedDescrs;
  return false;
}

std::string shapeRepr(const std::vector<int64_t> &shape) {
  std::string result = "(";
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d != 0)
      result += ", ";
    result += std::to_string(shape[d]);
  }
  if (shape.size() == 1)
    result += ',';
  return result + ")";
}

bool parseShape(const PyValue &value, NpyLayout &layout, std::string &error) {
  if (value.kind != PyValue::Kind::Tuple) {
    error = "malformed .npy header: 'shape' must be a tuple of integers such "
            "as (2, 3), (3,) or ()";
    return false;
  }
  std::vector<int64_t> shape;
  for (const PyValue &dim : value.items) {
    if (dim.kind != PyValue::Kind::Int) {
      error = "malformed .npy header: 'shape' must contain only integers";
      return false;
    }
    if (dim.intOverflow) {
      error = "invalid shape in .npy header: dimension " + dim.text +
              " is too large; the file is corrupt";
      return false;
    }
    shape.push_back(dim.integer);
  }

  // Zero-size arrays are fine, but the non-zero dims must still describe a
  // representable array, as numpy requires.
  const uint64_t elementSize = dtypeByteSize(layout.dtype);
  uint64_t product = 1;
  bool hasZero = false;
  for (int64_t dim : shape) {
    if (dim < 0) {
      error = "invalid shape " + shapeRepr(shape) +
              " in .npy header: dimensions must be non-negative";
      return false;
    }
    if (dim == 0) {
      hasZero = true;
      continue;
    }
    if (product >
        uint64_t(std::numeric_limits<int64_t>::max()) / uint64_t(dim)) {
      error = "invalid shape " + shapeRepr(shape) +
              " in .npy header: the element count overflows 64 bits";
      return false;
    }
    product *= uint64_t(dim);
  }
  if (product > std::numeric_limits<size_t>::max() / elementSize) {
    error = "invalid shape " + shapeRepr(shape) +
            " in .npy header: the array is too large to address";
    return false;
  }
  layout.shape = std::move(shape);
  layout.dataBytes = hasZero ? 0 : product * elementSize;
  return true;
}

bool interpretHeader(std::string_view text, NpyLayout &layout,
                     std::string &error) {
  HeaderEntries entries;
  HeaderParser parser(text);
  if (!parser.parse(entries)) {
    error = "malformed .npy header: " + parser.error() +
            "; expected a Python dict literal like " + kHeaderExample;
    return false;
  }

  const PyValue *descr = nullptr, *fortranOrder = nullptr, *shape = nullptr;
  for (const auto &[key, value] : entries) {
    const PyValue **slot = key == "descr"           ? &descr
                           : key == "fortran_order" ? &fortranOrder
                           : key == "shape"         ? &shape
                                                    : nullptr;
    if (!slot) {
      error = "malformed .npy header: unexpected key '" + key +
              "'; only 'descr', 'fortran_order' and 'shape' are allowed";
      return false;
    }
    if (*slot) {
      error = "malformed .npy header: duplicate key '" + key + "'";
      return false;
    }
    *slot = &value;
  }
  for (const auto &[name, value] :
       {std::pair{"descr", descr}, std::pair{"fortran_order", fortranOrder},
        std::pair{"shape", shape}}) {
    if (!value) {
      error = std::string("malformed .npy header: missing key '") + name +
              "'; the dict needs 'descr', 'fortran_order' and 'shape'";
      return false;
    }
  }

  if (!parseDescr(*descr, layout, error))
    return false;
  if (fortranOrder->kind != PyValue::Kind::Bool) {
    error = "malformed .npy header: 'fortran_order' must be True or False";
    return false;
  }
  if (fortranOrder->boolean) {
    error = "fortran_order True (column-major) arrays are unsupported; save "
            "np.ascontiguousarray(a) instead";
    return false;
  }
  return parseShape(*shape, layout, error);
}

//===----------------------------------------------------------------------===//
// Preamble and data
//===----------------------------------------------------------------------===//

/// Where the header text of a file lies.
struct HeaderSpan {
  uint64_t offset = 0; // First byte of the header text.
  uint64_t length = 0;
};

/// Checks magic and version and locates the header. `prefix` holds the first
/// `prefixSize` bytes of a file of `fileSize` bytes; it must cover at least
/// min(fileSize, 12) bytes.
bool parsePreamble(const unsigned char *prefix, size_t prefixSize,
                   uint64_t fileSize, HeaderSpan &span, std::string &error) {
  if (prefixSize < kMagicSize || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    error = "not a .npy file (bad magic); a .npy file starts with the bytes "
            "\\x93NUMPY, as written by np.save";
    return false;
  }
  if (prefixSize < kMagicSize + 2) {
    error = "truncated .npy file: it ends inside the format version";
    return false;
  }
  const unsigned major = prefix[kMagicSize];
  const unsigned minor = prefix[kMagicSize + 1];
  if (major < 1 || major > 3 || minor != 0) {
    error = "unsupported .npy format version " + std::to_string(major) + "." +
            std::to_string(minor) +
            "; only versions 1.0, 2.0 and 3.0 are supported";
    return false;
  }
  // Version 1.0 stores the header length in 2 bytes, later versions in 4.
  const size_t lengthBytes = major == 1 ? 2 : 4;
  const size_t headerOffset = kMagicSize + 2 + lengthBytes;
  if (prefixSize < headerOffset) {
    error = "truncated .npy file: it ends inside the header length field";
    return false;
  }
  uint64_t length = 0;
  for (size_t b = 0; b < lengthBytes; ++b)
    length |= uint64_t(prefix[kMagicSize + 2 + b]) << (8 * b);
  const uint64_t available = fileSize - headerOffset;
  if (length > available) {
    error = "header length " + std::to_string(length) +
            " runs past the end of the file (only " +
            std::to_string(available) +
            " bytes follow the preamble); the file is truncated or corrupt";
    return false;
  }
  span.offset = headerOffset;
  span.length = length;
  return true;
}

bool checkDataSize(uint64_t expected, uint64_t found, std::string &error) {
  if (found < expected) {
    error = "truncated: expected " + std::to_string(expected) +
            " bytes of data, found " + std::to_string(found) +
            "; the file was cut short (interrupted write or copy?)";
    return false;
  }
  if (found > expected) {
    error = "unexpected " + std::to_string(found - expected) +
            " trailing bytes after the " + std::to_string(expected) +
            " bytes of array data; a .npy file holds exactly one array, so "
            "the file is corrupt or was appended to";
    return false;
  }
  return true;
}

/// Brings freshly loaded file bytes to the HostTensor representation: host
/// byte order, and bools as exactly 0 or 1 whatever byte the writer used.
void fixupLoadedData(HostTensor &tensor, bool fileBigEndian) {
  auto *bytes = static_cast<unsigned char *>(tensor.data());
  const size_t elementSize = dtypeByteSize(tensor.dtype());
  if (elementSize > 1 && fileBigEndian == hostIsLittleEndian()) {
    for (size_t i = 0; i < tensor.byteSize(); i += elementSize) {
      for (size_t lo = i, hi = i + elementSize - 1; lo < hi; ++lo, --hi)
        std::swap(bytes[lo], bytes[hi]);
    }
  }
  if (tensor.dtype() == DType::I1) {
    for (size_t i = 0; i < tensor.byteSize(); ++i)
      bytes[i] = bytes[i] != 0;
  }
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

const char *descrFor(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::F64:
    return "<f8";
  case DType::I64:
    return "<i8";
  case DType::I32:
    return "<i4";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I1:
    return "|b1";
  case DType::BF16:
    break; // Callers widen bf16 to f32 first.
  }
  return nullptr;
}

/// The magic, version, header length and padded header, exactly as
/// numpy.lib.format._write_array_header produces them.
std::string buildPreamble(DType dtype, const std::vector<int64_t> &shape) {
  std::string header =
      std::string("{'descr': '") + descrFor(dtype) +
      "', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }";
  if (!shape.empty()) {
    const size_t digits = std::to_string(shape.front()).size();
    if (digits < kGrowthAxisMaxDigits)
      header.append(kGrowthAxisMaxDigits - digits, ' ');
  }

  // Pad with spaces plus a final '\n' so the data starts on a 64-byte
  // boundary. Like numpy, an already aligned header still gets a full
  // 64 bytes of padding. Version 2.0 is only needed for headers > 64 KiB.
  const size_t textLength = header.size() + 1; // Including the '\n'.
  unsigned major = 1;
  size_t lengthBytes = 2;
  size_t padding =
      kArrayAlign - (kMagicSize + 2 + lengthBytes + textLength) % kArrayAlign;
  if (textLength + padding > 0xFFFF) {
    major = 2;
    lengthBytes = 4;
    padding =
        kArrayAlign - (kMagicSize + 2 + lengthBytes + textLength) % kArrayAlign;
  }
  const uint64_t headerLength = textLength + padding;

  std::string preamble(reinterpret_cast<const char *>(kMagic), kMagicSize);
  preamble += char(major);
  preamble += char(0);
  for (size_t b = 0; b < lengthBytes; ++b)
    preamble += char((headerLength >> (8 * b)) & 0xFF);
  preamble += header;
  preamble.append(padding, ' ');
  preamble += '\n';
  return preamble;
}

/// The array bytes in file order (little-endian).
void appendData(std::string &out, const HostTensor &tensor) {
  const auto *bytes = static_cast<const unsigned char *>(tensor.data());
  const size_t start = out.size();
  out.append(reinterpret_cast<const char *>(bytes), tensor.byteSize());
  const size_t elementSize = dtypeByteSize(tensor.dtype());
  if (elementSize > 1 && !hostIsLittleEndian()) {
    for (size_t i = start; i < out.size(); i += elementSize) {
      for (size_t lo = i, hi = i + elementSize - 1; lo < hi; ++lo, --hi)
        std::swap(out[lo], out[hi]);
    }
  }
}

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

/// Reads exactly `size` bytes; false on a short read.
bool readExact(std::FILE *file, void *buffer, size_t size) {
  return std::fread(buffer, 1, size, file) == size;
}

std::string readFailure(std::FILE *file, const std::string &path) {
  if (std::ferror(file))
    return "cannot read '" + path + "': " + std::strerror(errno);
  return "cannot read '" + path + "': the file changed while being read";
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

bool readNpyBuffer(const void *data, size_t size, HostTensor &out,
                   std::string &error) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  if (!bytes)
    size = 0;
  HeaderSpan span;
  if (!parsePreamble(bytes, size, size, span, error))
    return false;
  NpyLayout layout;
  const std::string_view headerText(
      reinterpret_cast<const char *>(bytes) + span.offset, size_t(span.length));
  if (!interpretHeader(headerText, layout, error))
    return false;
  const uint64_t dataOffset = span.offset + span.length;
  if (!checkDataSize(layout.dataBytes, size - dataOffset, error))
    return false;

  HostTensor tensor(layout.dtype, std::move(layout.shape));
  if (tensor.byteSize() != 0)
    std::memcpy(tensor.data(), bytes + dataOffset, tensor.byteSize());
  fixupLoadedData(tensor, layout.bigEndian);
  out = std::move(tensor);
  return true;
}

bool readNpyFile(const std::string &path, HostTensor &out, std::string &error) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  auto fail = [&](const std::string &message) {
    error = path + ": " + message;
    return false;
  };

  // Knowing the size up front lets every length be checked before anything
  // is allocated, and lets the data be read straight into the tensor.
  long endOffset = -1;
  if (std::fseek(file.get(), 0, SEEK_END) == 0)
    endOffset = std::ftell(file.get());
  if (endOffset < 0 || std::fseek(file.get(), 0, SEEK_SET) != 0) {
    // Not seekable (a pipe, say): slurp it and parse from memory.
    std::clearerr(file.get());
    std::vector<unsigned char> contents;
    unsigned char chunk[1 << 16];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0)
      contents.insert(contents.end(), chunk, chunk + got);
    if (std::ferror(file.get())) {
      error = readFailure(file.get(), path);
      return false;
    }
    std::string bufferError;
    if (!readNpyBuffer(contents.data(), contents.size(), out, bufferError))
      return fail(bufferError);
    return true;
  }
  const uint64_t fileSize = uint64_t(endOffset);

  unsigned char prefix[12];
  const size_t prefixSize =
      fileSize < sizeof(prefix) ? size_t(fileSize) : sizeof(prefix);
  if (!readExact(file.get(), prefix, prefixSize)) {
    error = readFailure(file.get(), path);
    return false;
  }
  HeaderSpan span;
  std::string message;
  if (!parsePreamble(prefix, prefixSize, fileSize, span, message))
    return fail(message);

  // The header lies within the file (checked above), so this allocation is
  // bounded by the file's real size.
  std::string headerText(size_t(span.length), '\0');
  if (std::fseek(file.get(), long(span.offset), SEEK_SET) != 0 ||
      !readExact(file.get(), headerText.data(), headerText.size())) {
    error = readFailure(file.get(), path);
    return false;
  }
  NpyLayout layout;
  if (!interpretHeader(headerText, layout, message))
    return fail(message);
  const uint64_t dataOffset = span.offset + span.length;
  if (!checkDataSize(layout.dataBytes, fileSize - dataOffset, message))
    return fail(message);

  HostTensor tensor(layout.dtype, std::move(layout.shape));
  if (!readExact(file.get(), tensor.data(), tensor.byteSize())) {
    error = readFailure(file.get(), path);
    return false;
  }
  fixupLoadedData(tensor, layout.bigEndian);
  out = std::move(tensor);
  return true;
}

std::string writeNpyBuffer(const HostTensor &tensor) {
  if (tensor.dtype() == DType::BF16)
    return writeNpyBuffer(tensor.convertTo(DType::F32));
  std::string result = buildPreamble(tensor.dtype(), tensor.shape());
  appendData(result, tensor);
  return result;
}

bool writeNpyFile(const std::string &path, const HostTensor &tensor,
                  std::string &error) {
  if (tensor.dtype() == DType::BF16)
    return writeNpyFile(path, tensor.convertTo(DType::F32), error);

  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  // On little-endian hosts the tensor's bytes already are the file's bytes;
  // write them directly rather than through a second full-size copy.
  const std::string preamble = buildPreamble(tensor.dtype(), tensor.shape());
  bool ok = std::fwrite(preamble.data(), 1, preamble.size(), file.get()) ==
            preamble.size();
  if (ok && hostIsLittleEndian()) {
    ok = std::fwrite(tensor.data(), 1, tensor.byteSize(), file.get()) ==
         tensor.byteSize();
  } else if (ok) {
    std::string data;
    appendData(data, tensor);
    ok = std::fwrite(data.data(), 1, data.size(), file.get()) == data.size();
  }
  int savedErrno = errno;
  if (std::fclose(file.release()) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    // Do not leave a truncated file behind for a later run to trip over.
    std::remove(path.c_str());
    error = "cannot write '" + path + "': " + std::strerror(savedErrno);
    return false;
  }
  return true;
}

} // namespace kiln
