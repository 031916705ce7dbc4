//===- ISA.cpp - NPU instruction names, encoding and decoding -------------===//
//
// The binary layout is documented in docs/npu.md ("Binary encoding"). All
// multi-byte fields are little-endian; the decoder reads through a bounds-
// checked cursor, so a malformed file is an error message, never UB.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/ISA.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace kiln::npu;

unsigned kiln::npu::elemBytes(ElemType type) {
  switch (type) {
  case ElemType::F32:
  case ElemType::I32:
    return 4;
  case ElemType::F16:
  case ElemType::BF16:
    return 2;
  case ElemType::I8:
  case ElemType::Bool:
    return 1;
  case ElemType::I64:
    return 8;
  }
  return 1;
}

const char *kiln::npu::elemTypeName(ElemType type) {
  switch (type) {
  case ElemType::F32: return "f32";
  case ElemType::F16: return "f16";
  case ElemType::BF16: return "bf16";
  case ElemType::I8: return "i8";
  case ElemType::I32: return "i32";
  case ElemType::Bool: return "bool";
  case ElemType::I64: return "i64";
  }
  return "?";
}

bool kiln::npu::elemTypeFromName(const std::string &name, ElemType &type) {
  for (unsigned t = 0; t <= unsigned(ElemType::I64); ++t)
    if (name == elemTypeName(ElemType(t))) {
      type = ElemType(t);
      return true;
    }
  return false;
}

const char *kiln::npu::opcodeName(Opcode opcode) {
  switch (opcode) {
  case Opcode::Wait: return "wait";
  case Opcode::Signal: return "signal";
  case Opcode::Dma: return "dma";
  case Opcode::DmaGather: return "gather";
  case Opcode::Matmul: return "matmul";
  case Opcode::VecUnary: return "vunary";
  case Opcode::VecBinary: return "vbinary";
  case Opcode::VecReduce: return "vreduce";
  case Opcode::VecSelect: return "vselect";
  }
  return "?";
}

static const char *const kUnaryNames[] = {
    "copy", "neg",     "abs",  "exp",       "log",  "sqrt", "rsqrt", "recip",
    "tanh", "erf",     "sigmoid", "relu",   "gelu", "gelu_tanh", "silu", "not"};
static const char *const kBinaryNames[] = {
    "add",   "sub",   "mul",   "div",   "max",   "min", "pow", "cmpeq",
    "cmpne", "cmplt", "cmple", "cmpgt", "cmpge", "and", "or"};
static const char *const kReduceNames[] = {"sum", "max", "min"};
static constexpr unsigned kNumUnary = sizeof(kUnaryNames) / sizeof(kUnaryNames[0]);
static constexpr unsigned kNumBinary = sizeof(kBinaryNames) / sizeof(kBinaryNames[0]);
static constexpr unsigned kNumReduce = sizeof(kReduceNames) / sizeof(kReduceNames[0]);

const char *kiln::npu::unaryFnName(UnaryFn fn) {
  return unsigned(fn) < kNumUnary ? kUnaryNames[unsigned(fn)] : "?";
}
const char *kiln::npu::binaryFnName(BinaryFn fn) {
  return unsigned(fn) < kNumBinary ? kBinaryNames[unsigned(fn)] : "?";
}
const char *kiln::npu::reduceFnName(ReduceFn fn) {
  return unsigned(fn) < kNumReduce ? kReduceNames[unsigned(fn)] : "?";
}

const char *kiln::npu::spaceName(Space space) {
  switch (space) {
  case Space::DRAM: return "dram";
  case Space::SPAD: return "spad";
  case Space::ACC: return "acc";
  case Space::Imm: return "imm";
  }
  return "?";
}

const char *kiln::npu::queueName(Queue queue) {
  switch (queue) {
  case Queue::Load: return "load";
  case Queue::Compute: return "compute";
  case Queue::Store: return "store";
  }
  return "?";
}

bool kiln::npu::queueAccepts(Queue queue, Opcode opcode) {
  switch (opcode) {
  case Opcode::Wait:
  case Opcode::Signal:
    return true;
  case Opcode::Dma:
    return queue == Queue::Load || queue == Queue::Store;
  case Opcode::DmaGather:
    return queue == Queue::Load;
  default:
    return queue == Queue::Compute;
  }
}

unsigned kiln::npu::numOperands(Opcode opcode) {
  switch (opcode) {
  case Opcode::Wait:
  case Opcode::Signal:
    return 0;
  case Opcode::Dma:
  case Opcode::VecUnary:
  case Opcode::VecReduce:
    return 2;
  case Opcode::DmaGather:
  case Opcode::Matmul:
  case Opcode::VecBinary:
    return 3;
  case Opcode::VecSelect:
    return 4;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

namespace {
enum SectionKind : uint32_t {
  kSectionTarget = 1,
  kSectionBindings = 2,
  kSectionConstants = 3,
  kSectionStrings = 4,
  kSectionQueueLoad = 5, // + queue index
};
constexpr uint32_t kNumSectionKinds = 7;
constexpr size_t kHeaderBytes = 32;
constexpr size_t kSectionEntryBytes = 24;
constexpr size_t kOperandRecordBytes = 48;
// opcode..token (8) + shape (12) + reserved (4) + index limit (8) + comment
// (8), then four operands.
static_assert(40 + 4 * kOperandRecordBytes == kInstructionRecordBytes,
              "docs/npu.md's record layout");

class Writer {
public:
  std::vector<uint8_t> bytes;
  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) { raw(v, 2); }
  void u32(uint32_t v) { raw(v, 4); }
  void u64(uint64_t v) { raw(v, 8); }
  void i64(int64_t v) { raw(uint64_t(v), 8); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    raw(bits, 8);
  }
  void append(const void *data, size_t size) {
    auto *p = static_cast<const uint8_t *>(data);
    bytes.insert(bytes.end(), p, p + size);
  }
  void patch64(size_t at, uint64_t v) {
    for (unsigned i = 0; i < 8; ++i)
      bytes[at + i] = uint8_t(v >> (8 * i));
  }

private:
  void raw(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      bytes.push_back(uint8_t(v >> (8 * i)));
  }
};
} // namespace

std::vector<uint8_t> kiln::npu::encode(const Program &program) {
  // Strings section: the comments, concatenated.
  std::string strings;
  std::vector<std::pair<uint32_t, uint32_t>> commentRefs;

  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> sections;
  sections.push_back({kSectionTarget, std::vector<uint8_t>(program.targetJSON.begin(),
                                                           program.targetJSON.end())});
  {
    Writer w;
    w.u32(uint32_t(program.inputs.size() + program.outputs.size()));
    auto binding = [&](const Binding &b, bool isOutput) {
      w.u8(isOutput ? 1 : 0);
      w.u8(uint8_t(b.type));
      w.u16(uint16_t(b.shape.size()));
      w.u32(uint32_t(b.name.size()));
      w.u64(b.dramAddr);
      for (int64_t d : b.shape)
        w.i64(d);
      w.append(b.name.data(), b.name.size());
    };
    for (const Binding &b : program.inputs)
      binding(b, false);
    for (const Binding &b : program.outputs)
      binding(b, true);
    sections.push_back({kSectionBindings, std::move(w.bytes)});
  }
  {
    Writer w;
    w.u32(uint32_t(program.constants.size()));
    for (const Segment &s : program.constants) {
      w.u64(s.dramAddr);
      w.u64(s.bytes.size());
      w.append(s.bytes.data(), s.bytes.size());
    }
    sections.push_back({kSectionConstants, std::move(w.bytes)});
  }
  for (unsigned q = 0; q < kNumQueues; ++q) {
    Writer w;
    w.u32(uint32_t(program.queues[q].size()));
    w.u32(uint32_t(kInstructionRecordBytes));
    for (const Instruction &inst : program.queues[q]) {
      size_t start = w.bytes.size();
      w.u8(uint8_t(inst.opcode));
      w.u8(inst.flags);
      w.u8(inst.fn);
      w.u8(0);
      w.u32(inst.token);
      for (uint32_t d : inst.shape)
        w.u32(d);
      w.u32(0);
      w.u64(inst.indexLimit);
      w.u32(uint32_t(strings.size()));
      w.u32(uint32_t(inst.comment.size()));
      strings += inst.comment;
      for (const Operand &op : inst.operands) {
        w.u8(uint8_t(op.space));
        w.u8(uint8_t(op.type));
        w.u16(0);
        w.u32(0);
        w.u64(op.addr);
        for (int64_t s : op.strides)
          w.i64(s);
        w.f64(op.imm);
      }
      (void)start;
    }
    sections.push_back({kSectionQueueLoad + q, std::move(w.bytes)});
  }
  sections.push_back({kSectionStrings, std::vector<uint8_t>(strings.begin(), strings.end())});

  Writer out;
  out.append("KNPU", 4);
  out.u16(kISAVersionMajor);
  out.u16(kISAVersionMinor);
  out.u32(uint32_t(sections.size()));
  out.u32(program.numTokens);
  out.u64(program.dramBytes);
  out.u64(0); // reserved
  size_t offset = kHeaderBytes + sections.size() * kSectionEntryBytes;
  for (auto &[kind, bytes] : sections) {
    out.u32(kind);
    out.u32(0);
    out.u64(offset);
    out.u64(bytes.size());
    offset += bytes.size();
  }
  for (auto &[kind, bytes] : sections)
    out.append(bytes.data(), bytes.size());
  return std::move(out.bytes);
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

namespace {
/// A bounds-checked little-endian reader over [begin, end) of a buffer whose
/// offsets are reported relative to the file start.
class Reader {
public:
  Reader(const uint8_t *data, size_t begin, size_t end, std::string &error)
      : data(data), pos(begin), end(end), error(error) {}
  bool u8(uint8_t &v, const char *what) {
    uint64_t x;
    if (!raw(x, 1, what))
      return false;
    v = uint8_t(x);
    return true;
  }
  bool u16(uint16_t &v, const char *what) {
    uint64_t x;
    if (!raw(x, 2, what))
      return false;
    v = uint16_t(x);
    return true;
  }
  bool u32(uint32_t &v, const char *what) {
    uint64_t x;
    if (!raw(x, 4, what))
      return false;
    v = uint32_t(x);
    return true;
  }
  bool u64(uint64_t &v, const char *what) { return raw(v, 8, what); }
  bool i64(int64_t &v, const char *what) {
    uint64_t x;
    if (!raw(x, 8, what))
      return false;
    v = int64_t(x);
    return true;
  }
  bool f64(double &v, const char *what) {
    uint64_t x;
    if (!raw(x, 8, what))
      return false;
    std::memcpy(&v, &x, 8);
    return true;
  }
  bool bytes(size_t n, const uint8_t *&p, const char *what) {
    if (!need(n, what))
      return false;
    p = data + pos;
    pos += n;
    return true;
  }
  size_t offset() const { return pos; }
  size_t remaining() const { return end - pos; }
  bool fail(const std::string &message) {
    error = "offset " + std::to_string(pos) + ": " + message;
    return false;
  }
  bool failAt(size_t at, const std::string &message) {
    error = "offset " + std::to_string(at) + ": " + message;
    return false;
  }

private:
  bool need(size_t n, const char *what) {
    if (end - pos < n) {
      error = "offset " + std::to_string(pos) + ": truncated: expected " + what + " (" +
              std::to_string(n) + " bytes) but only " + std::to_string(end - pos) +
              " remain";
      return false;
    }
    return true;
  }
  bool raw(uint64_t &v, unsigned n, const char *what) {
    if (!need(n, what))
      return false;
    v = 0;
    for (unsigned i = 0; i < n; ++i)
      v |= uint64_t(data[pos + i]) << (8 * i);
    pos += n;
    return true;
  }
  const uint8_t *data;
  size_t pos, end;
  std::string &error;
};

bool checkEnum(Reader &r, size_t at, unsigned value, unsigned limit, const char *what) {
  if (value < limit)
    return true;
  return r.failAt(at, std::string("invalid ") + what + " " + std::to_string(value));
}
} // namespace

bool kiln::npu::decode(const uint8_t *data, size_t size, Program &program,
                       std::string &error) {
  Program p;
  Reader r(data, 0, size, error);
  const uint8_t *magic;
  if (!r.bytes(4, magic, "the magic \"KNPU\""))
    return false;
  if (std::memcmp(magic, "KNPU", 4) != 0)
    return r.failAt(0, "not an NPU binary: the magic is not \"KNPU\"");
  uint16_t major, minor;
  uint32_t numSections;
  uint64_t reserved;
  if (!r.u16(major, "the major version") || !r.u16(minor, "the minor version"))
    return false;
  if (major != kISAVersionMajor || minor > kISAVersionMinor)
    return r.failAt(4, "unsupported ISA version " + std::to_string(major) + "." +
                           std::to_string(minor) + " (this decoder reads " +
                           std::to_string(kISAVersionMajor) + ".0 to " +
                           std::to_string(kISAVersionMajor) + "." +
                           std::to_string(kISAVersionMinor) + ")");
  if (!r.u32(numSections, "the section count") ||
      !r.u32(p.numTokens, "the token count") ||
      !r.u64(p.dramBytes, "the DRAM size") || !r.u64(reserved, "the reserved field"))
    return false;
  if (numSections > 1024)
    return r.failAt(8, "implausible section count " + std::to_string(numSections));

  struct Section {
    uint32_t kind;
    uint64_t offset, size;
    size_t entryAt;
  };
  std::vector<Section> sections;
  bool seen[kNumSectionKinds + 1] = {};
  for (uint32_t i = 0; i < numSections; ++i) {
    Section s;
    uint32_t pad;
    s.entryAt = r.offset();
    if (!r.u32(s.kind, "a section kind") || !r.u32(pad, "a section entry") ||
        !r.u64(s.offset, "a section offset") || !r.u64(s.size, "a section size"))
      return false;
    if (s.offset > size || s.size > size - s.offset)
      return r.failAt(s.entryAt, "section " + std::to_string(i) + " (kind " +
                                     std::to_string(s.kind) + ") at offset " +
                                     std::to_string(s.offset) + " of " +
                                     std::to_string(s.size) +
                                     " bytes runs past the end of the file (" +
                                     std::to_string(size) + " bytes)");
    // Unknown kinds are skipped: a newer minor version may add sections.
    if (s.kind >= 1 && s.kind <= kNumSectionKinds) {
      if (seen[s.kind])
        return r.failAt(s.entryAt, "duplicate section of kind " + std::to_string(s.kind));
      seen[s.kind] = true;
    }
    sections.push_back(s);
  }
  for (uint32_t k = 1; k <= kNumSectionKinds; ++k)
    if (!seen[k])
      return r.failAt(8, "missing section of kind " + std::to_string(k));

  const Section *strings = nullptr;
  for (const Section &s : sections)
    if (s.kind == kSectionStrings)
      strings = &s;

  for (const Section &s : sections) {
    Reader sr(data, s.offset, s.offset + s.size, error);
    switch (s.kind) {
    case kSectionTarget:
      p.targetJSON.assign(reinterpret_cast<const char *>(data + s.offset), s.size);
      break;
    case kSectionBindings: {
      uint32_t count;
      if (!sr.u32(count, "the binding count"))
        return false;
      for (uint32_t i = 0; i < count; ++i) {
        Binding b;
        uint8_t isOutput, type;
        uint16_t rank;
        uint32_t nameLen;
        size_t at = sr.offset();
        if (!sr.u8(isOutput, "a binding kind") || !sr.u8(type, "a binding type") ||
            !sr.u16(rank, "a binding rank") || !sr.u32(nameLen, "a binding name length") ||
            !sr.u64(b.dramAddr, "a binding address"))
          return false;
        if (isOutput > 1)
          return sr.failAt(at, "invalid binding kind " + std::to_string(isOutput));
        if (!checkEnum(sr, at + 1, type, 7, "element type"))
          return false;
        b.type = ElemType(type);
        if (uint64_t(rank) * 8 > sr.remaining())
          return sr.fail("truncated: binding rank " + std::to_string(rank) +
                         " needs more bytes than remain");
        for (uint16_t d = 0; d < rank; ++d) {
          int64_t dim;
          if (!sr.i64(dim, "a binding dimension"))
            return false;
          if (dim < 0)
            return sr.fail("negative binding dimension " + std::to_string(dim));
          b.shape.push_back(dim);
        }
        const uint8_t *name;
        if (!sr.bytes(nameLen, name, "a binding name"))
          return false;
        b.name.assign(reinterpret_cast<const char *>(name), nameLen);
        (isOutput ? p.outputs : p.inputs).push_back(std::move(b));
      }
      break;
    }
    case kSectionConstants: {
      uint32_t count;
      if (!sr.u32(count, "the segment count"))
        return false;
      for (uint32_t i = 0; i < count; ++i) {
        Segment seg;
        uint64_t n;
        if (!sr.u64(seg.dramAddr, "a segment address") || !sr.u64(n, "a segment size"))
          return false;
        const uint8_t *bytes;
        if (n > sr.remaining())
          return sr.fail("truncated: segment " + std::to_string(i) + " of " +
                         std::to_string(n) + " bytes runs past its section");
        if (!sr.bytes(n, bytes, "segment bytes"))
          return false;
        seg.bytes.assign(bytes, bytes + n);
        p.constants.push_back(std::move(seg));
      }
      break;
    }
    case kSectionQueueLoad:
    case kSectionQueueLoad + 1:
    case kSectionQueueLoad + 2: {
      unsigned q = s.kind - kSectionQueueLoad;
      uint32_t count, recordBytes;
      if (!sr.u32(count, "the instruction count") ||
          !sr.u32(recordBytes, "the instruction record size"))
        return false;
      if (recordBytes < kInstructionRecordBytes)
        return sr.fail("instruction records of " + std::to_string(recordBytes) +
                       " bytes are smaller than the " +
                       std::to_string(kInstructionRecordBytes) + " this version needs");
      if (uint64_t(count) * recordBytes > sr.remaining())
        return sr.fail("truncated: " + std::to_string(count) + " instructions of " +
                       std::to_string(recordBytes) + " bytes do not fit the " +
                       std::to_string(sr.remaining()) + " bytes left in the " +
                       queueName(Queue(q)) + " queue section");
      p.queues[q].reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        size_t at = sr.offset();
        Instruction inst;
        uint8_t opcode, pad8;
        uint32_t pad32, commentOff, commentLen;
        if (!sr.u8(opcode, "an opcode") || !sr.u8(inst.flags, "flags") ||
            !sr.u8(inst.fn, "a function") || !sr.u8(pad8, "padding") ||
            !sr.u32(inst.token, "a token"))
          return false;
        std::string where = std::string(queueName(Queue(q))) + " queue instruction " +
                            std::to_string(i) + ": ";
        if (opcode > uint8_t(Opcode::VecSelect))
          return sr.failAt(at, where + "invalid opcode " + std::to_string(opcode));
        inst.opcode = Opcode(opcode);
        unsigned fnLimit = inst.opcode == Opcode::VecUnary    ? kNumUnary
                           : inst.opcode == Opcode::VecBinary ? kNumBinary
                           : inst.opcode == Opcode::VecReduce ? kNumReduce
                                                              : 1;
        if (inst.fn >= fnLimit)
          return sr.failAt(at + 2, where + "invalid function " + std::to_string(inst.fn) +
                                       " for " + opcodeName(inst.opcode));
        if (inst.flags & ~kAccumulate)
          return sr.failAt(at + 1, where + "invalid flags " + std::to_string(inst.flags));
        for (uint32_t &d : inst.shape)
          if (!sr.u32(d, "a shape dimension"))
            return false;
        if (!sr.u32(pad32, "padding") || !sr.u64(inst.indexLimit, "an index limit") ||
            !sr.u32(commentOff, "a comment offset") ||
            !sr.u32(commentLen, "a comment length"))
          return false;
        if (commentLen) {
          if (uint64_t(commentOff) + commentLen > strings->size)
            return sr.failAt(at + 32, where + "comment runs past the string section");
          inst.comment.assign(reinterpret_cast<const char *>(data + strings->offset +
                                                             commentOff),
                              commentLen);
        }
        for (unsigned o = 0; o < 4; ++o) {
          Operand &op = inst.operands[o];
          size_t opAt = sr.offset();
          uint8_t space, type;
          uint16_t pad16;
          if (!sr.u8(space, "an operand space") || !sr.u8(type, "an operand type") ||
              !sr.u16(pad16, "padding") || !sr.u32(pad32, "padding") ||
              !sr.u64(op.addr, "an operand address"))
            return false;
          if (space > uint8_t(Space::Imm))
            return sr.failAt(opAt, where + "operand " + std::to_string(o) +
                                       ": invalid space " + std::to_string(space));
          if (type > uint8_t(ElemType::I64))
            return sr.failAt(opAt + 1, where + "operand " + std::to_string(o) +
                                           ": invalid element type " + std::to_string(type));
          op.space = Space(space);
          op.type = ElemType(type);
          for (int64_t &st : op.strides)
            if (!sr.i64(st, "an operand stride"))
              return false;
          if (!sr.f64(op.imm, "an immediate"))
            return false;
        }
        // Skip any fields a newer minor version appended to the record.
        const uint8_t *rest;
        if (!sr.bytes(recordBytes - kInstructionRecordBytes, rest, "record padding"))
          return false;
        p.queues[q].push_back(std::move(inst));
      }
      break;
    }
    default:
      break;
    }
  }
  program = std::move(p);
  return true;
}

//===----------------------------------------------------------------------===//
// Disassembly
//===----------------------------------------------------------------------===//

static std::string formatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Shortest form that reads back exactly.
  for (int prec = 1; prec <= 17; ++prec) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", prec, v);
    if (std::strtod(shorter, nullptr) == v || std::isnan(v))
      return shorter;
  }
  return buf;
}

static std::string formatOperand(const Operand &op) {
  std::string s = std::string(spaceName(op.space)) + "." + elemTypeName(op.type);
  if (op.space == Space::Imm)
    return s + "(" + formatDouble(op.imm) + ")";
  char buf[128];
  std::snprintf(buf, sizeof buf, "[0x%" PRIx64 "; %" PRId64 ",%" PRId64 ",%" PRId64 "]",
                op.addr, op.strides[0], op.strides[1], op.strides[2]);
  return s + buf;
}

std::string kiln::npu::formatInstruction(const Instruction &inst) {
  std::string s = opcodeName(inst.opcode);
  switch (inst.opcode) {
  case Opcode::VecUnary:
    s += std::string(".") + unaryFnName(UnaryFn(inst.fn));
    break;
  case Opcode::VecBinary:
    s += std::string(".") + binaryFnName(BinaryFn(inst.fn));
    break;
  case Opcode::VecReduce:
    s += std::string(".") + reduceFnName(ReduceFn(inst.fn));
    break;
  case Opcode::Matmul:
    if (inst.flags & kAccumulate)
      s += ".acc";
    break;
  default:
    break;
  }
  if (inst.opcode == Opcode::Wait || inst.opcode == Opcode::Signal) {
    s += " t" + std::to_string(inst.token);
  } else {
    s += " " + std::to_string(inst.shape[0]) + "x" + std::to_string(inst.shape[1]) + "x" +
         std::to_string(inst.shape[2]);
    for (unsigned o = 0, e = numOperands(inst.opcode); o < e; ++o)
      s += (o ? ", " : " ") + formatOperand(inst.operands[o]);
    if (inst.opcode == Opcode::DmaGather)
      s += " limit=" + std::to_string(inst.indexLimit);
  }
  if (!inst.comment.empty()) {
    std::string c = inst.comment;
    for (char &ch : c)
      if (ch == '\n' || ch == '\r')
        ch = ' ';
    s += "  ; " + c;
  }
  return s;
}

/// Segments up to this size are listed in full (hex) and so reassemble.
static constexpr size_t kListedSegmentBytes = 4096;

std::string kiln::npu::disassemble(const Program &program) {
  std::string s;
  s += "; Kiln NPU program, ISA " + std::to_string(kISAVersionMajor) + "." +
       std::to_string(kISAVersionMinor) + "\n";
  std::string json = program.targetJSON;
  for (char &c : json)
    if (c == '\n' || c == '\r')
      c = ' ';
  s += ".target " + json + "\n";
  s += ".dram_bytes " + std::to_string(program.dramBytes) + "\n";
  s += ".tokens " + std::to_string(program.numTokens) + "\n";
  auto binding = [&](const char *kind, const Binding &b) {
    char addr[32];
    std::snprintf(addr, sizeof addr, "0x%" PRIx64, b.dramAddr);
    s += std::string(kind) + " " + b.name + " " + elemTypeName(b.type) + " [";
    for (size_t i = 0; i < b.shape.size(); ++i)
      s += (i ? "," : "") + std::to_string(b.shape[i]);
    s += "] @" + std::string(addr) + "\n";
  };
  for (const Binding &b : program.inputs)
    binding(".input", b);
  for (const Binding &b : program.outputs)
    binding(".output", b);
  for (const Segment &seg : program.constants) {
    char head[64];
    std::snprintf(head, sizeof head, "@0x%" PRIx64, seg.dramAddr);
    if (seg.bytes.size() > kListedSegmentBytes) {
      s += "; .segment " + std::string(head) + " (" + std::to_string(seg.bytes.size()) +
           " bytes, not listed)\n";
      continue;
    }
    s += ".segment " + std::string(head) + " ";
    static const char hex[] = "0123456789abcdef";
    for (uint8_t b : seg.bytes) {
      s += hex[b >> 4];
      s += hex[b & 15];
    }
    s += "\n";
  }
  for (unsigned q = 0; q < kNumQueues; ++q) {
    s += ".queue " + std::string(queueName(Queue(q))) + "\n";
    const auto &insts = program.queues[q];
    for (size_t i = 0; i < insts.size(); ++i)
      s += "  " + std::to_string(i) + ": " + formatInstruction(insts[i]) + "\n";
  }
  return s;
}
