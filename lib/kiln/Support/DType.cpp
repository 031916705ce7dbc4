//===- DType.cpp - Element types of host tensors --------------------------===//

#include "kiln/Support/DType.h"

#include <cassert>

namespace kiln {

// Every DType in declaration order; dtypeFromName scans it so that the name
// table in dtypeName stays the single source of truth.
static constexpr DType kAllDTypes[] = {DType::F32, DType::F16, DType::BF16,
                                       DType::F64, DType::I64, DType::I32,
                                       DType::I8,  DType::U8,  DType::I1};

size_t dtypeByteSize(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::I1:
    return 1;
  }
  assert(false && "invalid DType");
  return 0;
}

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F64:
    return "f64";
  case DType::I64:
    return "i64";
  case DType::I32:
    return "i32";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "ui8";
  case DType::I1:
    return "i1";
  }
  assert(false && "invalid DType");
  return "<invalid dtype>";
}

std::optional<DType> dtypeFromName(std::string_view name) {
  for (DType dtype : kAllDTypes)
    if (name == dtypeName(dtype))
      return dtype;
  return std::nullopt;
}

// Both predicates spell out every case (no default) so that -Wswitch flags
// them when a DType is added.
bool isFloatDType(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::F16:
  case DType::BF16:
  case DType::F64:
    return true;
  case DType::I64:
  case DType::I32:
  case DType::I8:
  case DType::U8:
  case DType::I1:
    return false;
  }
  assert(false && "invalid DType");
  return false;
}

bool isIntegerDType(DType dtype) {
  switch (dtype) {
  case DType::I64:
  case DType::I32:
  case DType::I8:
  case DType::U8:
  case DType::I1:
    return true;
  case DType::F32:
  case DType::F16:
  case DType::BF16:
  case DType::F64:
    return false;
  }
  assert(false && "invalid DType");
  return false;
}

} // namespace kiln
