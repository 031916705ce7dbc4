//===- Json.cpp - A small strict JSON reader ------------------------------===//

#include "Json.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

using namespace kiln::npu::json;

bool Value::isInteger() const {
  if (kind != Number || text.find_first_of(".eE") != std::string::npos)
    return false;
  errno = 0;
  char *end;
  (void)std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && *end == 0;
}

long long Value::integer() const { return std::strtoll(text.c_str(), nullptr, 10); }

namespace {
class Parser {
public:
  Parser(const std::string &s, std::string &error) : s(s), error(error) {}

  bool parseDocument(Value &v) {
    if (!parseValue(v, 0))
      return false;
    skip();
    if (pos != s.size())
      return fail("unexpected text after the JSON value");
    return true;
  }

private:
  void skip() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' ||
                              s[pos] == '\r'))
      ++pos;
  }
  bool fail(const std::string &message) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < s.size(); ++i) {
      if (s[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    error = "line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
            message;
    return false;
  }
  /// Consumes `c` if it comes next.
  bool eat(char c) {
    if (pos >= s.size() || s[pos] != c)
      return false;
    ++pos;
    return true;
  }
  bool literal(const char *word) {
    size_t n = std::char_traits<char>::length(word);
    if (s.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }
  bool parseValue(Value &v, unsigned depth) {
    if (depth > 64)
      return fail("nesting too deep");
    skip();
    if (pos >= s.size())
      return fail("unexpected end of input, expected a value");
    char c = s[pos];
    if (c == '{')
      return parseObject(v, depth);
    if (c == '[')
      return parseArray(v, depth);
    if (c == '"') {
      v.kind = Value::String;
      return parseString(v.text);
    }
    if (literal("true")) {
      v.kind = Value::Bool;
      v.boolean = true;
      return true;
    }
    if (literal("false")) {
      v.kind = Value::Bool;
      return true;
    }
    if (literal("null")) {
      v.kind = Value::Null;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(v);
    return fail(std::string("unexpected character '") + c + "'");
  }
  bool parseNumber(Value &v) {
    size_t start = pos;
    auto digits = [&]() {
      size_t b = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
        ++pos;
      return pos > b;
    };
    if (s[pos] == '-')
      ++pos;
    if (!eat('0') && !digits())
      return fail("malformed number");
    if (eat('.') && !digits())
      return fail("malformed number");
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
      ++pos;
      if (pos < s.size() && (s[pos] == '+' || s[pos] == '-'))
        ++pos;
      if (!digits())
        return fail("malformed number");
    }
    v.kind = Value::Number;
    v.text = s.substr(start, pos - start);
    v.number = std::strtod(v.text.c_str(), nullptr);
    return true;
  }
  bool parseString(std::string &out) {
    ++pos; // opening quote
    while (true) {
      if (pos >= s.size())
        return fail("unterminated string");
      char c = s[pos++];
      if (c == '"')
        return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= s.size())
        return fail("unterminated string");
      char e = s[pos++];
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (s.size() - pos < 4)
          return fail("bad \\u escape");
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
          char h = s[pos++];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= unsigned(h - '0');
          else if (h >= 'a' && h <= 'f') cp |= unsigned(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') cp |= unsigned(h - 'A' + 10);
          else return fail("bad \\u escape");
        }
        // Basic multilingual plane only: descriptions are ASCII in practice.
        if (cp < 0x80) {
          out += char(cp);
        } else if (cp < 0x800) {
          out += char(0xC0 | (cp >> 6));
          out += char(0x80 | (cp & 0x3F));
        } else {
          out += char(0xE0 | (cp >> 12));
          out += char(0x80 | ((cp >> 6) & 0x3F));
          out += char(0x80 | (cp & 0x3F));
        }
        break;
      }
      default:
        return fail(std::string("bad escape '\\") + e + "'");
      }
    }
  }
  bool parseArray(Value &v, unsigned depth) {
    v.kind = Value::Array;
    ++pos;
    skip();
    if (eat(']'))
      return true;
    while (true) {
      Value e;
      if (!parseValue(e, depth + 1))
        return false;
      v.elements.push_back(std::move(e));
      skip();
      if (eat(','))
        continue;
      if (eat(']'))
        return true;
      return fail("expected ',' or ']'");
    }
  }
  bool parseObject(Value &v, unsigned depth) {
    v.kind = Value::Object;
    ++pos;
    skip();
    if (eat('}'))
      return true;
    while (true) {
      skip();
      if (pos >= s.size() || s[pos] != '"')
        return fail("expected a key string");
      std::string key;
      size_t keyPos = pos;
      if (!parseString(key))
        return false;
      if (v.get(key)) {
        pos = keyPos;
        return fail("duplicate key \"" + key + "\"");
      }
      skip();
      if (!eat(':'))
        return fail("expected ':'");
      Value e;
      if (!parseValue(e, depth + 1))
        return false;
      v.members.emplace_back(std::move(key), std::move(e));
      skip();
      if (eat(','))
        continue;
      if (eat('}'))
        return true;
      return fail("expected ',' or '}'");
    }
  }

  const std::string &s;
  size_t pos = 0;
  std::string &error;
};
} // namespace

bool kiln::npu::json::parse(const std::string &text, Value &out, std::string &error) {
  Value v;
  Parser p(text, error);
  if (!p.parseDocument(v))
    return false;
  out = std::move(v);
  return true;
}

std::string kiln::npu::json::quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}
