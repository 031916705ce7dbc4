//===- Assembler.cpp - Parse the NPU listing syntax back into a program ---===//
//
// The inverse of disassemble(): lets a chip designer (and the tests) write
// programs by hand. The syntax is documented in docs/npu.md ("Assembly").
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/ISA.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

using namespace kiln::npu;

namespace {
class LineParser {
public:
  LineParser(const std::string &line, std::string &error) : s(line), error(error) {}

  void skipSpace() {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])))
      ++pos;
  }
  bool atEnd() {
    skipSpace();
    return pos >= s.size();
  }
  bool consume(char c) {
    skipSpace();
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool expect(char c) {
    if (consume(c))
      return true;
    return fail(std::string("expected '") + c + "'");
  }
  /// Letters, digits, '_', '.'.
  std::string word() {
    skipSpace();
    size_t start = pos;
    while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) ||
                              s[pos] == '_' || s[pos] == '.' || s[pos] == '-'))
      ++pos;
    return s.substr(start, pos - start);
  }
  bool integer(uint64_t &v, const char *what) {
    skipSpace();
    const char *begin = s.c_str() + pos;
    if (!std::isdigit(static_cast<unsigned char>(*begin)))
      return fail(std::string("expected ") + what);
    char *endp;
    errno = 0;
    v = std::strtoull(begin, &endp, 0);
    if (errno)
      return fail(std::string(what) + " out of range");
    pos += size_t(endp - begin);
    return true;
  }
  bool signedInteger(int64_t &v, const char *what) {
    skipSpace();
    const char *begin = s.c_str() + pos;
    char *endp;
    errno = 0;
    v = std::strtoll(begin, &endp, 0);
    if (endp == begin)
      return fail(std::string("expected ") + what);
    if (errno)
      return fail(std::string(what) + " out of range");
    pos += size_t(endp - begin);
    return true;
  }
  bool number(double &v) {
    skipSpace();
    const char *begin = s.c_str() + pos;
    char *endp;
    v = std::strtod(begin, &endp);
    if (endp == begin)
      return fail("expected a number");
    pos += size_t(endp - begin);
    return true;
  }
  /// The rest of the line (consumed).
  std::string rest() {
    skipSpace();
    std::string r = s.substr(pos);
    pos = s.size();
    return r;
  }
  bool fail(const std::string &message) {
    if (error.empty())
      error = message + " at column " + std::to_string(pos + 1);
    return false;
  }

  const std::string &s;
  size_t pos = 0;
  std::string &error;
};

bool parseOperand(LineParser &p, Operand &op) {
  std::string w = p.word();
  size_t dot = w.find('.');
  if (dot == std::string::npos)
    return p.fail("expected an operand like spad.f32[0x0; 0,64,1], got '" + w + "'");
  std::string space = w.substr(0, dot), type = w.substr(dot + 1);
  bool found = false;
  for (unsigned sp = 0; sp <= unsigned(Space::Imm); ++sp)
    if (space == spaceName(Space(sp))) {
      op.space = Space(sp);
      found = true;
    }
  if (!found)
    return p.fail("unknown operand space '" + space + "' (dram, spad, acc, imm)");
  if (!elemTypeFromName(type, op.type))
    return p.fail("unknown element type '" + type + "'");
  if (op.space == Space::Imm)
    return p.expect('(') && p.number(op.imm) && p.expect(')');
  if (!p.expect('[') || !p.integer(op.addr, "an address") || !p.expect(';'))
    return false;
  for (unsigned i = 0; i < 3; ++i) {
    if (i && !p.expect(','))
      return false;
    if (!p.signedInteger(op.strides[i], "a stride"))
      return false;
  }
  return p.expect(']');
}

bool parseInstruction(LineParser &p, Instruction &inst) {
  std::string mnemonic = p.word();
  std::string base = mnemonic, suffix;
  if (size_t dot = mnemonic.find('.'); dot != std::string::npos) {
    base = mnemonic.substr(0, dot);
    suffix = mnemonic.substr(dot + 1);
  }
  bool found = false;
  for (unsigned o = 0; o <= unsigned(Opcode::VecSelect); ++o)
    if (base == opcodeName(Opcode(o))) {
      inst.opcode = Opcode(o);
      found = true;
    }
  if (!found)
    return p.fail("unknown mnemonic '" + mnemonic + "'");
  auto findFn = [&](auto name, unsigned limit) {
    for (unsigned f = 0; f < limit; ++f)
      if (suffix == name(f)) {
        inst.fn = uint8_t(f);
        return true;
      }
    return false;
  };
  switch (inst.opcode) {
  case Opcode::VecUnary:
    if (!findFn([](unsigned f) { return unaryFnName(UnaryFn(f)); }, 16))
      return p.fail("unknown unary function '" + suffix + "'");
    break;
  case Opcode::VecBinary:
    if (!findFn([](unsigned f) { return binaryFnName(BinaryFn(f)); }, 15))
      return p.fail("unknown binary function '" + suffix + "'");
    break;
  case Opcode::VecReduce:
    if (!findFn([](unsigned f) { return reduceFnName(ReduceFn(f)); }, 3))
      return p.fail("unknown reduction '" + suffix + "'");
    break;
  case Opcode::Matmul:
    if (suffix == "acc")
      inst.flags = kAccumulate;
    else if (!suffix.empty())
      return p.fail("unknown matmul suffix '" + suffix + "' (only .acc)");
    break;
  default:
    if (!suffix.empty())
      return p.fail("'" + base + "' takes no suffix");
  }
  if (inst.opcode == Opcode::Wait || inst.opcode == Opcode::Signal) {
    std::string t = p.word();
    if (t.size() < 2 || t[0] != 't')
      return p.fail("expected a token like t0");
    char *endp;
    unsigned long v = std::strtoul(t.c_str() + 1, &endp, 10);
    if (*endp || v > 0xffffffffu)
      return p.fail("bad token '" + t + "'");
    inst.token = uint32_t(v);
  } else {
    for (unsigned i = 0; i < 3; ++i) {
      if (i && !p.expect('x'))
        return false;
      uint64_t d;
      if (!p.integer(d, "a shape like 1x64x64"))
        return false;
      if (d > 0xffffffffu)
        return p.fail("shape dimension out of range");
      inst.shape[i] = uint32_t(d);
    }
    for (unsigned o = 0, e = numOperands(inst.opcode); o < e; ++o) {
      if (o && !p.expect(','))
        return false;
      if (!parseOperand(p, inst.operands[o]))
        return false;
    }
    if (inst.opcode == Opcode::DmaGather) {
      if (p.word() != "limit" || !p.expect('='))
        return p.fail("expected limit=N after a gather's operands");
      if (!p.integer(inst.indexLimit, "the index limit"))
        return false;
    }
  }
  if (p.consume(';'))
    inst.comment = p.rest();
  if (!p.atEnd())
    return p.fail("unexpected text '" + p.rest() + "'");
  return true;
}

bool parseBinding(LineParser &p, Binding &b) {
  b.name = p.word();
  if (b.name.empty())
    return p.fail("expected a binding name");
  if (!elemTypeFromName(p.word(), b.type))
    return p.fail("expected an element type");
  if (!p.expect('['))
    return false;
  if (!p.consume(']')) {
    do {
      uint64_t d;
      if (!p.integer(d, "a dimension"))
        return false;
      b.shape.push_back(int64_t(d));
    } while (p.consume(','));
    if (!p.expect(']'))
      return false;
  }
  return p.expect('@') && p.integer(b.dramAddr, "an address") &&
         (p.atEnd() || p.fail("unexpected text"));
}
} // namespace

bool kiln::npu::assemble(const std::string &text, const std::string &sourceName,
                         Program &program, std::string &error) {
  Program prog;
  int queue = -1;
  size_t lineNo = 0, start = 0;
  std::string message;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos)
      nl = text.size();
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    ++lineNo;
    LineParser p(line, message);
    auto failLine = [&]() {
      error = sourceName + ":" + std::to_string(lineNo) + ": " + message;
      return false;
    };
    if (p.atEnd() || p.consume(';'))
      continue;
    if (p.consume('.')) {
      std::string directive = p.word();
      // A trailing "; comment" ends every directive but .target, whose JSON
      // (free text included) runs to the end of the line.
      if (directive != "target") {
        size_t semi = line.find(';', p.pos);
        if (semi != std::string::npos)
          line.erase(semi);
      }
      if (directive == "target") {
        prog.targetJSON = p.rest();
      } else if (directive == "dram_bytes") {
        if (!p.integer(prog.dramBytes, "a size"))
          return failLine();
      } else if (directive == "tokens") {
        uint64_t n;
        if (!p.integer(n, "a token count"))
          return failLine();
        if (n > 0xffffffffu) {
          p.fail("token count out of range");
          return failLine();
        }
        prog.numTokens = uint32_t(n);
      } else if (directive == "input" || directive == "output") {
        Binding b;
        if (!parseBinding(p, b))
          return failLine();
        (directive == "input" ? prog.inputs : prog.outputs).push_back(std::move(b));
      } else if (directive == "segment") {
        Segment seg;
        if (!p.expect('@') || !p.integer(seg.dramAddr, "an address"))
          return failLine();
        std::string hex = p.rest();
        if (hex.size() % 2) {
          p.fail("segment bytes must be an even number of hex digits");
          return failLine();
        }
        for (size_t i = 0; i < hex.size(); i += 2) {
          auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
          };
          int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
          if (hi < 0 || lo < 0) {
            p.fail("segment bytes must be hex digits");
            return failLine();
          }
          seg.bytes.push_back(uint8_t(hi * 16 + lo));
        }
        prog.constants.push_back(std::move(seg));
      } else if (directive == "queue") {
        std::string name = p.word();
        queue = -1;
        for (unsigned q = 0; q < kNumQueues; ++q)
          if (name == queueName(Queue(q)))
            queue = int(q);
        if (queue < 0) {
          p.fail("unknown queue '" + name + "' (load, compute, store)");
          return failLine();
        }
      } else {
        p.fail("unknown directive '." + directive + "'");
        return failLine();
      }
      continue;
    }
    if (queue < 0) {
      p.fail("an instruction before any '.queue' directive");
      return failLine();
    }
    // An optional "N:" index prefix, as the listing prints.
    size_t save = p.pos;
    uint64_t index;
    if (!(std::isdigit(static_cast<unsigned char>(line[p.pos])) &&
          p.integer(index, "an index") && p.consume(':')))
      p.pos = save;
    message.clear();
    Instruction inst;
    if (!parseInstruction(p, inst))
      return failLine();
    prog.queues[size_t(queue)].push_back(std::move(inst));
  }
  program = std::move(prog);
  return true;
}
