//===- Tensors.cpp - ONNX element types and tensor data -------------------===//

#include "Tensors.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstddef>
#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;
namespace endian = llvm::support::endian;

std::string kiln::onnx_import::onnxTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "type " + std::to_string(dataType);
}

Type kiln::onnx_import::kilnElementType(int32_t dataType, MLIRContext *context) {
  Builder b(context);
  switch (dataType) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case onnx::TensorProto::INT64: return b.getI64Type();
  case onnx::TensorProto::INT32: return b.getI32Type();
  case onnx::TensorProto::INT8: return b.getI8Type();
  case onnx::TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

bool kiln::onnx_import::isKilnDataType(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

static int64_t bytesPerElement(Type t) {
  return t.isInteger(1) ? 1 : (t.getIntOrFloatBitWidth() + 7) / 8;
}

RankedTensorType TensorReader::getType(const onnx::TensorProto &tensor,
                                       MLIRContext *context,
                                       std::string &error) {
  Type element = kilnElementType(tensor.data_type(), context);
  if (!element) {
    error = "has element type " + onnxTypeName(tensor.data_type()) + "; " +
            kSupportedTypesHint.str();
    return {};
  }
  SmallVector<int64_t> shape;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error = "has a negative dimension (" + std::to_string(d) + ")";
      return {};
    }
    shape.push_back(d);
  }
  return RankedTensorType::get(shape, element);
}

bool TensorReader::getExternalBytes(const onnx::TensorProto &tensor,
                                    StringRef &bytes, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      location = value.str();
    } else if (key == "offset" || key == "length") {
      int64_t n;
      if (value.getAsInteger(10, n) || n < 0) {
        error = "has an invalid external data " + key.str() + " '" +
                value.str() + "'";
        return false;
      }
      (key == "offset" ? offset : length) = n;
    }
  }
  if (location.empty()) {
    error = "is stored externally but names no location";
    return false;
  }
  if (llvm::sys::path::is_absolute(location)) {
    error = "has an absolute external data location '" + location +
            "'; ONNX locations are relative to the model's directory";
    return false;
  }
  llvm::SmallString<256> path(llvm::sys::path::parent_path(modelPath));
  llvm::sys::path::append(path, location);
  auto it = externalFiles.find(path);
  if (it == externalFiles.end()) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!file) {
      error = "is stored in external data file '" + std::string(path) +
              "', which cannot be read: " + file.getError().message();
      return false;
    }
    it = externalFiles.try_emplace(path, std::move(*file)).first;
  }
  StringRef data = it->second->getBuffer();
  if (length < 0)
    length = int64_t(data.size()) - offset;
  if (offset > int64_t(data.size()) || length > int64_t(data.size()) - offset) {
    error = "needs bytes [" + std::to_string(offset) + ", " +
            std::to_string(offset + length) + ") of external data file '" +
            std::string(path) + "', which has " + std::to_string(data.size()) +
            " bytes";
    return false;
  }
  bytes = data.substr(offset, length);
  return true;
}

bool TensorReader::readBytes(const onnx::TensorProto &tensor,
                            RankedTensorType type, std::vector<char> &storage,
                            StringRef &bytes, std::string &error) {
  Type element = type.getElementType();
  int64_t numElements = type.getNumElements();
  int64_t width = bytesPerElement(element);
  int64_t expected = numElements * width;
  auto sizeError = [&](int64_t actual, StringRef unit) {
    error = "holds " + std::to_string(actual) + " " + unit.str() + " but " +
            onnxTypeName(tensor.data_type()) + " " +
            shapes::format(type.getShape()) + " needs " +
            std::to_string(unit == "bytes" ? expected : numElements);
    return false;
  };

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!getExternalBytes(tensor, bytes, error))
      return false;
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    // The typed repeated fields: float_data for FLOAT, int64_data for INT64,
    // int32_data for the narrower types (FLOAT16/BFLOAT16 as their bits).
    storage.resize(expected);
    char *out = storage.data();
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (tensor.float_data_size() != numElements)
        return sizeError(tensor.float_data_size(), "float_data values");
      for (int64_t i = 0; i < numElements; ++i)
        endian::write32le(out + 4 * i,
                          llvm::bit_cast<uint32_t>(tensor.float_data(int(i))));
      break;
    case onnx::TensorProto::INT64:
      if (tensor.int64_data_size() != numElements)
        return sizeError(tensor.int64_data_size(), "int64_data values");
      for (int64_t i = 0; i < numElements; ++i)
        endian::write64le(out + 8 * i, uint64_t(tensor.int64_data(int(i))));
      break;
    default:
      if (tensor.int32_data_size() != numElements)
        return sizeError(tensor.int32_data_size(), "int32_data values");
      for (int64_t i = 0; i < numElements; ++i) {
        uint32_t v = uint32_t(tensor.int32_data(int(i)));
        if (element.isInteger(1))
          out[i] = v != 0;
        else if (width == 1)
          out[i] = char(v);
        else if (width == 2)
          endian::write16le(out + 2 * i, uint16_t(v));
        else
          endian::write32le(out + 4 * i, v);
      }
      break;
    }
    bytes = StringRef(storage.data(), storage.size());
    return true;
  }

  if (int64_t(bytes.size()) != expected)
    return sizeError(int64_t(bytes.size()), "bytes");
  // kiln's i1 blobs hold 0 or 1; ONNX allows any non-zero byte for true.
  if (element.isInteger(1) &&
      llvm::any_of(bytes, [](char c) { return c != 0 && c != 1; })) {
    storage.assign(bytes.begin(), bytes.end());
    for (char &c : storage)
      c = c != 0;
    bytes = StringRef(storage.data(), storage.size());
  }
  return true;
}

ElementsAttr TensorReader::read(const onnx::TensorProto &tensor,
                                RankedTensorType type, std::string &error) {
  std::vector<char> storage;
  StringRef bytes;
  if (!readBytes(tensor, type, storage, bytes, error))
    return {};
  return makeElementsAttr(type, bytes, tensor.name());
}

static std::string resourceName(StringRef name) {
  std::string key;
  for (char c : name)
    key += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (key.empty() || llvm::isDigit(key.front()))
    key = "onnx_" + key;
  return key;
}

ElementsAttr kiln::onnx_import::makeElementsAttr(RankedTensorType type,
                                                 StringRef bytes,
                                                 StringRef name) {
  Type element = type.getElementType();
  int64_t numElements = type.getNumElements();
  int64_t width = bytesPerElement(element);
  bool splat = numElements > 0;
  for (int64_t i = 1; splat && i < numElements; ++i)
    splat = std::memcmp(bytes.data(), bytes.data() + i * width, width) == 0;
  // Booleans are always literals: MLIR's dense storage packs them 8 to a
  // byte and prints large ones in hex, an eighth of a one-byte-per-bool
  // blob (and the cpu target cannot lower i1 blobs yet).
  if (splat || numElements <= TensorReader::kMaxLiteralElements ||
      element.isInteger(1)) {
    if (element.isInteger(1)) {
      SmallVector<bool> values;
      for (int64_t i = 0, e = splat ? 1 : numElements; i < e; ++i)
        values.push_back(bytes[i] != 0);
      // One value is a splat.
      return DenseElementsAttr::get(type, values);
    }
    // MLIR's dense storage is host-endian; x86-64 and AArch64 Linux are
    // little-endian like ONNX data.
    static_assert(llvm::endianness::native == llvm::endianness::little,
                  "the ONNX importer assumes a little-endian host");
    ArrayRef<char> raw(bytes.data(), splat ? width : bytes.size());
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes.data(), bytes.size()), alignof(std::max_align_t));
  return DenseResourceElementsAttr::get(type, resourceName(name),
                                        std::move(blob));
}

ElementsAttr kiln::onnx_import::makeElementsAttr(const KnownTensor &known,
                                                 StringRef name) {
  int64_t n = known.size();
  bool splat = n > 0;
  for (int64_t i = 1; splat && i < n; ++i)
    splat = known.isFloat() ? known.floats[i] == known.floats[0]
                            : known.ints[i] == known.ints[0];
  if (splat || n <= TensorReader::kMaxLiteralElements ||
      known.elementType.isInteger(1))
    return known.toAttr();
  Type element = known.elementType;
  int64_t width = bytesPerElement(element);
  std::vector<char> bytes(n * width);
  for (int64_t i = 0; i < n; ++i) {
    char *out = bytes.data() + i * width;
    if (known.isFloat()) {
      llvm::APFloat f(known.floats[i]);
      bool lostInfo;
      f.convert(cast<FloatType>(element).getFloatSemantics(),
                llvm::APFloat::rmNearestTiesToEven, &lostInfo);
      uint64_t bits = f.bitcastToAPInt().getZExtValue();
      if (width == 2)
        endian::write16le(out, uint16_t(bits));
      else
        endian::write32le(out, uint32_t(bits));
    } else if (width == 1) {
      out[0] = char(known.ints[i]);
    } else if (width == 4) {
      endian::write32le(out, uint32_t(known.ints[i]));
    } else {
      endian::write64le(out, uint64_t(known.ints[i]));
    }
  }
  return makeElementsAttr(known.getType(), StringRef(bytes.data(), bytes.size()),
                          name);
}

KnownTensor kiln::onnx_import::knownFromBytes(RankedTensorType type,
                                              StringRef bytes) {
  Type element = type.getElementType();
  int64_t n = type.getNumElements(), width = bytesPerElement(element);
  SmallVector<int64_t> ints;
  SmallVector<double> floats;
  for (int64_t i = 0; i < n; ++i) {
    const char *p = bytes.data() + i * width;
    if (auto f = dyn_cast<FloatType>(element)) {
      uint64_t bits = width == 2 ? endian::read16le(p) : endian::read32le(p);
      llvm::APFloat v(f.getFloatSemantics(), llvm::APInt(width * 8, bits));
      floats.push_back(v.convertToDouble());
    } else if (width == 1) {
      ints.push_back(element.isInteger(1) ? int64_t(p[0] != 0)
                                          : int64_t(int8_t(p[0])));
    } else if (width == 4) {
      ints.push_back(int32_t(endian::read32le(p)));
    } else {
      ints.push_back(int64_t(endian::read64le(p)));
    }
  }
  if (isa<FloatType>(element))
    return KnownTensor::ofFloats(element, type.getShape(), floats);
  return KnownTensor::ofInts(element, type.getShape(), ints);
}
