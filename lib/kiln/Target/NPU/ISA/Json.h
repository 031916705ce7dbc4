//===- Json.h - A small strict JSON reader (library-private) ----*- C++ -*-===//
//
// Enough JSON for target descriptions, without LLVM: objects keep their key
// order, duplicate keys are an error, numbers keep their text so integers
// are checked exactly. Errors name the line and column.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_NPU_ISA_JSON_H
#define KILN_LIB_TARGET_NPU_ISA_JSON_H

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiln::npu::json {

struct Value {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  /// Number: the literal as written. String: the decoded text.
  std::string text;
  std::vector<Value> elements;
  std::vector<std::pair<std::string, Value>> members;

  const Value *get(const std::string &key) const {
    for (auto &m : members)
      if (m.first == key)
        return &m.second;
    return nullptr;
  }
  /// An integer literal (no fraction or exponent) that fits int64.
  bool isInteger() const;
  long long integer() const;
};

/// Parses `text` as one JSON value (trailing non-space is an error).
bool parse(const std::string &text, Value &out, std::string &error);

/// Writes `s` as a JSON string literal.
std::string quote(const std::string &s);

} // namespace kiln::npu::json

#endif // KILN_LIB_TARGET_NPU_ISA_JSON_H
