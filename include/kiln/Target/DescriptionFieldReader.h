//===- DescriptionFieldReader.h - Strict reading of description JSON -*- C++ -*-===//
//
// The CPU and GPU target descriptions are JSON files with the same rules:
// every field typed, unknown keys rejected, and the first problem reported
// with the path of its field ("targets/x.json: caches[1].size_bytes must be
// a positive integer, got 0"). This reader keeps those rules in one place.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_DESCRIPTIONFIELDREADER_H
#define KILN_TARGET_DESCRIPTIONFIELDREADER_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// Reads fields out of JSON objects, remembering the first problem with the
/// path of the field it concerns.
class DescriptionFieldReader {
public:
  explicit DescriptionFieldReader(llvm::StringRef source) : source(source.str()) {}

  bool ok() const { return message.empty(); }
  llvm::Error takeError() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }

  void fail(const llvm::Twine &field, const llvm::Twine &problem) {
    if (message.empty())
      message = (source + ": " + field + " " + problem).str();
  }

  /// Every key of `object` must be in `allowed`. Keys are checked in sorted
  /// order, so the one reported does not depend on hashing.
  void rejectUnknownKeys(const llvm::json::Object &object,
                         const llvm::Twine &prefix,
                         llvm::ArrayRef<llvm::StringRef> allowed) {
    std::vector<std::string> keys;
    for (const auto &entry : object)
      keys.push_back(entry.first.str());
    llvm::sort(keys);
    for (const std::string &key : keys)
      if (!llvm::is_contained(allowed, key))
        fail(prefix + key, "is not a known field (known: " +
                               llvm::join(allowed, ", ") + ")");
  }

  const llvm::json::Value *require(const llvm::json::Object &object,
                                   llvm::StringRef key,
                                   const llvm::Twine &field) {
    const llvm::json::Value *v = object.get(key);
    if (!v)
      fail(field, "is missing");
    return v;
  }

  std::string string(const llvm::json::Object &object, llvm::StringRef key,
                     const llvm::Twine &field) {
    const llvm::json::Value *v = require(object, key, field);
    if (!v)
      return {};
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s || s->empty()) {
      fail(field, "must be a non-empty string, got " + render(*v));
      return {};
    }
    return s->str();
  }

  int64_t positiveInt(const llvm::json::Object &object, llvm::StringRef key,
                      const llvm::Twine &field) {
    const llvm::json::Value *v = require(object, key, field);
    if (!v)
      return 0;
    std::optional<int64_t> i = v->getAsInteger();
    if (!i || *i <= 0) {
      fail(field, "must be a positive integer, got " + render(*v));
      return 0;
    }
    return *i;
  }

  double positiveNumber(const llvm::json::Object &object, llvm::StringRef key,
                        const llvm::Twine &field, bool zeroAllowed = false) {
    const llvm::json::Value *v = require(object, key, field);
    if (!v)
      return 0;
    std::optional<double> d = v->getAsNumber();
    if (!d || *d < 0 || (*d == 0 && !zeroAllowed)) {
      fail(field, llvm::Twine("must be a ") +
                      (zeroAllowed ? "non-negative" : "positive") +
                      " number, got " + render(*v));
      return 0;
    }
    return *d;
  }

  static std::string render(const llvm::json::Value &v) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    return s;
  }

private:
  std::string source;
  std::string message;
};

} // namespace kiln

#endif // KILN_TARGET_DESCRIPTIONFIELDREADER_H
