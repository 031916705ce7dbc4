//===- NPUTargetDescription.cpp - Parse and check NPU descriptions --------===//
//
// The schema is documented field by field in docs/npu.md. Every error is one
// message naming the source and the JSON path of the field at fault.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/NPUTargetDescription.h"

#include "Json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

using namespace kiln::npu;

const MemoryLevel *NPUTargetDescription::memory(MemoryKind kind) const {
  for (const MemoryLevel &m : memories)
    if (m.kind == kind)
      return &m;
  if (kind == MemoryKind::DRAM)
    return memory(MemoryKind::HostLink);
  return nullptr;
}

const MatrixDType *NPUTargetDescription::matrixDType(ElemType type) const {
  for (const MatrixDType &d : matrixDTypes)
    if (d.type == type)
      return &d;
  return nullptr;
}

bool NPUTargetDescription::vectorSupports(ElemType type) const {
  return std::find(vectorDTypes.begin(), vectorDTypes.end(), type) != vectorDTypes.end();
}

double NPUTargetDescription::offChipBytesPerCycle() const {
  const MemoryLevel *m = memory(MemoryKind::DRAM);
  return m && frequencyGHz > 0 ? m->bandwidthGBps / frequencyGHz : 0;
}

namespace {
const char *memoryKindName(MemoryKind kind) {
  switch (kind) {
  case MemoryKind::DRAM: return "dram";
  case MemoryKind::HostLink: return "host_link";
  case MemoryKind::Scratchpad: return "scratchpad";
  case MemoryKind::Accumulator: return "accumulator";
  }
  return "?";
}

/// Field access over one JSON object, with errors naming `path.key`.
class Fields {
public:
  Fields(const json::Value &object, std::string path, const std::string &source,
         std::string &error)
      : object(object), path(std::move(path)), source(source), error(error) {}

  /// Rejects keys not in `known`.
  bool onlyKnown(std::initializer_list<const char *> known) {
    for (auto &m : object.members) {
      bool ok = false;
      for (const char *k : known)
        ok |= m.first == k;
      if (!ok)
        return fail(m.first, "is not a known field (misspelt?)", "");
    }
    return true;
  }
  const json::Value *need(const char *key) {
    const json::Value *v = object.get(key);
    if (!v)
      fail(key, "is missing", "");
    return v;
  }
  bool positiveInt(const char *key, uint64_t &out, uint64_t max = UINT32_MAX) {
    const json::Value *v = need(key);
    if (!v)
      return false;
    if (!v->isInteger() || v->integer() <= 0 || uint64_t(v->integer()) > max)
      return fail(key, "must be a positive integer", got(*v));
    out = uint64_t(v->integer());
    return true;
  }
  bool positiveU32(const char *key, uint32_t &out) {
    uint64_t v;
    if (!positiveInt(key, v))
      return false;
    out = uint32_t(v);
    return true;
  }
  bool nonNegativeU32(const char *key, uint32_t &out) {
    const json::Value *v = need(key);
    if (!v)
      return false;
    if (!v->isInteger() || v->integer() < 0 || v->integer() > UINT32_MAX)
      return fail(key, "must be a non-negative integer", got(*v));
    out = uint32_t(v->integer());
    return true;
  }
  bool positiveNumber(const char *key, double &out) {
    const json::Value *v = need(key);
    if (!v)
      return false;
    if (v->kind != json::Value::Number || !(v->number > 0) || !std::isfinite(v->number))
      return fail(key, "must be a positive number", got(*v));
    out = v->number;
    return true;
  }
  bool string(const char *key, std::string &out) {
    const json::Value *v = need(key);
    if (!v)
      return false;
    if (v->kind != json::Value::String || v->text.empty())
      return fail(key, "must be a non-empty string", got(*v));
    out = v->text;
    return true;
  }
  const json::Value *object_(const char *key) {
    const json::Value *v = need(key);
    if (v && v->kind != json::Value::Object) {
      fail(key, "must be an object", got(*v));
      return nullptr;
    }
    return v;
  }
  const json::Value *array(const char *key) {
    const json::Value *v = need(key);
    if (v && (v->kind != json::Value::Array || v->elements.empty())) {
      fail(key, "must be a non-empty array", got(*v));
      return nullptr;
    }
    return v;
  }
  std::string field(const std::string &key) const {
    return path.empty() ? key : path + "." + key;
  }
  bool fail(const std::string &key, const std::string &what, const std::string &gotText) {
    if (error.empty())
      error = source + ": " + field(key) + " " + what + gotText;
    return false;
  }
  static std::string got(const json::Value &v) {
    switch (v.kind) {
    case json::Value::Number: return ", got " + v.text;
    case json::Value::String: return ", got " + json::quote(v.text);
    case json::Value::Bool: return v.boolean ? ", got true" : ", got false";
    case json::Value::Null: return ", got null";
    case json::Value::Array: return ", got an array";
    case json::Value::Object: return ", got an object";
    }
    return "";
  }

  const json::Value &object;
  std::string path;
  const std::string &source;
  std::string &error;
};
} // namespace

bool kiln::npu::parseNPUTargetDescription(const std::string &text,
                                          const std::string &source,
                                          NPUTargetDescription &description,
                                          std::string &error) {
  error.clear();
  json::Value root;
  std::string jsonError;
  if (!json::parse(text, root, jsonError)) {
    error = source + ": " + jsonError;
    return false;
  }
  if (root.kind != json::Value::Object) {
    error = source + ": a target description must be a JSON object";
    return false;
  }
  NPUTargetDescription d;
  Fields top(root, "", source, error);
  if (!top.onlyKnown({"kind", "name", "frequency_ghz", "cores", "tokens", "matrix_unit",
                      "vector_unit", "memories", "dma", "description"}))
    return false;
  std::string kind;
  if (!top.string("kind", kind))
    return false;
  if (kind != "npu")
    return top.fail("kind", "must be \"npu\" for an NPU description", Fields::got(*root.get("kind")));
  if (!top.string("name", d.name) || !top.positiveNumber("frequency_ghz", d.frequencyGHz) ||
      !top.positiveU32("cores", d.cores) || !top.positiveU32("tokens", d.tokens))
    return false;
  if (d.cores != 1)
    return top.fail("cores", "must be 1: ISA 1.0 and its simulator model one core",
                    ", got " + std::to_string(d.cores));

  // Matrix unit.
  const json::Value *mu = top.object_("matrix_unit");
  if (!mu)
    return false;
  Fields m(*mu, "matrix_unit", source, error);
  if (!m.onlyKnown({"rows", "cols", "weight_load_cycles", "dtypes"}) ||
      !m.positiveU32("rows", d.matrixRows) || !m.positiveU32("cols", d.matrixCols) ||
      !m.positiveU32("weight_load_cycles", d.weightLoadCycles))
    return false;
  const json::Value *mdt = m.array("dtypes");
  if (!mdt)
    return false;
  for (size_t i = 0; i < mdt->elements.size(); ++i) {
    const json::Value &e = mdt->elements[i];
    std::string path = "matrix_unit.dtypes[" + std::to_string(i) + "]";
    if (e.kind != json::Value::Object)
      return m.fail("dtypes[" + std::to_string(i) + "]",
                    "must be an object {\"type\": ..., \"cycles_per_row\": ...}", Fields::got(e));
    Fields f(e, path, source, error);
    MatrixDType md;
    std::string type;
    if (!f.onlyKnown({"type", "cycles_per_row"}) || !f.string("type", type) ||
        !f.positiveU32("cycles_per_row", md.cyclesPerRow))
      return false;
    if (!elemTypeFromName(type, md.type) ||
        !(md.type == ElemType::F32 || md.type == ElemType::F16 ||
          md.type == ElemType::BF16 || md.type == ElemType::I8))
      return f.fail("type", "must be one of f32, f16, bf16, i8", Fields::got(*e.get("type")));
    if (d.matrixDType(md.type))
      return f.fail("type", "is listed twice", Fields::got(*e.get("type")));
    d.matrixDTypes.push_back(md);
  }

  // Vector unit.
  const json::Value *vu = top.object_("vector_unit");
  if (!vu)
    return false;
  Fields v(*vu, "vector_unit", source, error);
  if (!v.onlyKnown({"lanes", "latency_cycles", "special_cycles", "i64_cycles", "dtypes"}) ||
      !v.positiveU32("lanes", d.vectorLanes) ||
      !v.nonNegativeU32("latency_cycles", d.vectorLatencyCycles) ||
      !v.positiveU32("special_cycles", d.vectorSpecialCycles))
    return false;
  // Optional: the 32-bit lanes take two passes per 64-bit operation unless
  // a part says otherwise.
  if (vu->get("i64_cycles") && !v.positiveU32("i64_cycles", d.vectorI64Cycles))
    return false;
  const json::Value *vdt = v.array("dtypes");
  if (!vdt)
    return false;
  for (size_t i = 0; i < vdt->elements.size(); ++i) {
    const json::Value &e = vdt->elements[i];
    ElemType t;
    std::string key = "dtypes[" + std::to_string(i) + "]";
    if (e.kind != json::Value::String || !elemTypeFromName(e.text, t))
      return v.fail(key, "must be one of f32, f16, bf16, i8, i32, i64, bool", Fields::got(e));
    if (d.vectorSupports(t))
      return v.fail(key, "is listed twice", Fields::got(e));
    d.vectorDTypes.push_back(t);
  }

  // Memory levels.
  const json::Value *mems = top.array("memories");
  if (!mems)
    return false;
  for (size_t i = 0; i < mems->elements.size(); ++i) {
    const json::Value &e = mems->elements[i];
    std::string path = "memories[" + std::to_string(i) + "]";
    if (e.kind != json::Value::Object)
      return top.fail(path, "must be an object", Fields::got(e));
    Fields f(e, path, source, error);
    MemoryLevel level;
    std::string kindName;
    if (!f.string("name", level.name) || !f.string("kind", kindName))
      return false;
    bool known = false;
    for (MemoryKind k : {MemoryKind::DRAM, MemoryKind::HostLink, MemoryKind::Scratchpad,
                         MemoryKind::Accumulator})
      if (kindName == memoryKindName(k)) {
        level.kind = k;
        known = true;
      }
    if (!known)
      return f.fail("kind", "must be one of dram, host_link, scratchpad, accumulator",
                    Fields::got(*e.get("kind")));
    for (const MemoryLevel &other : d.memories)
      if (other.name == level.name)
        return f.fail("name", "is used by two levels", Fields::got(*e.get("name")));
    bool offChip = level.kind == MemoryKind::DRAM || level.kind == MemoryKind::HostLink;
    if (offChip) {
      if (!f.onlyKnown({"name", "kind", "size_bytes", "bandwidth_gbps", "latency_cycles"}) ||
          !f.positiveInt("size_bytes", level.sizeBytes, UINT64_MAX >> 1) ||
          !f.positiveNumber("bandwidth_gbps", level.bandwidthGBps) ||
          !f.nonNegativeU32("latency_cycles", level.latencyCycles))
        return false;
    } else {
      if (!f.onlyKnown({"name", "kind", "size_bytes", "banks", "bank_bytes_per_cycle"}) ||
          !f.positiveInt("size_bytes", level.sizeBytes, UINT64_MAX >> 1) ||
          !f.positiveU32("banks", level.banks) ||
          !f.positiveU32("bank_bytes_per_cycle", level.bankBytesPerCycle))
        return false;
    }
    // Exactly one level of each kind this version uses (DRAM or host link).
    for (const MemoryLevel &other : d.memories) {
      bool otherOff = other.kind == MemoryKind::DRAM || other.kind == MemoryKind::HostLink;
      if (other.kind == level.kind || (offChip && otherOff))
        return f.fail("kind", std::string("is a second ") +
                                  (offChip ? "off-chip" : memoryKindName(level.kind)) +
                                  " level; ISA 1.0 has exactly one",
                      Fields::got(*e.get("kind")));
    }
    d.memories.push_back(level);
  }
  if (!d.memory(MemoryKind::DRAM))
    return top.fail("memories", "needs one level of kind dram or host_link", "");
  if (!d.memory(MemoryKind::Scratchpad))
    return top.fail("memories", "needs one level of kind scratchpad", "");
  if (!d.memory(MemoryKind::Accumulator))
    return top.fail("memories", "needs one level of kind accumulator", "");

  // DMA.
  const json::Value *dma = top.object_("dma");
  if (!dma)
    return false;
  Fields f(*dma, "dma", source, error);
  if (!f.onlyKnown({"setup_cycles", "burst_bytes"}) ||
      !f.nonNegativeU32("setup_cycles", d.dmaSetupCycles) ||
      !f.positiveU32("burst_bytes", d.dmaBurstBytes))
    return false;

  // Can the scratchpad and accumulator feed the array? A rows x cols weight
  // tile plus two (double-buffered) rows x rows activation tiles in the
  // widest matrix dtype must fit the scratchpad, one rows x cols tile of
  // 32-bit accumulators the accumulator, and the SRAM ports must supply one
  // activation row (and read-modify-write one accumulator row) per step.
  auto memIndex = [&](MemoryKind k) {
    for (size_t i = 0; i < d.memories.size(); ++i)
      if (d.memories[i].kind == k)
        return i;
    return size_t(0);
  };
  const MemoryLevel &spad = *d.memory(MemoryKind::Scratchpad);
  const MemoryLevel &acc = *d.memory(MemoryKind::Accumulator);
  std::string spadPath = "memories[" + std::to_string(memIndex(MemoryKind::Scratchpad)) + "]";
  std::string accPath = "memories[" + std::to_string(memIndex(MemoryKind::Accumulator)) + "]";
  unsigned widest = 1;
  for (const MatrixDType &md : d.matrixDTypes)
    widest = std::max(widest, elemBytes(md.type));
  uint64_t R = d.matrixRows, C = d.matrixCols;
  uint64_t spadNeed = (R * C + 2 * R * R) * widest;
  if (spad.sizeBytes < spadNeed)
    return top.fail(spadPath + ".size_bytes",
                    "is too small to feed the " + std::to_string(R) + "x" + std::to_string(C) +
                        " array: a weight tile and two activation tiles of " +
                        std::to_string(widest) + "-byte elements need " +
                        std::to_string(spadNeed) + " bytes",
                    ", got " + std::to_string(spad.sizeBytes));
  uint64_t accNeed = R * C * 4;
  if (acc.sizeBytes < accNeed)
    return top.fail(accPath + ".size_bytes",
                    "is too small for one " + std::to_string(R) + "x" + std::to_string(C) +
                        " tile of 4-byte accumulators (" + std::to_string(accNeed) +
                        " bytes)",
                    ", got " + std::to_string(acc.sizeBytes));
  for (const MatrixDType &md : d.matrixDTypes) {
    uint64_t perStep = R * elemBytes(md.type);
    uint64_t portBytes = uint64_t(spad.banks) * spad.bankBytesPerCycle * md.cyclesPerRow;
    if (portBytes < perStep)
      return top.fail(spadPath + ".bank_bytes_per_cycle",
                      "cannot feed the array: one " + std::string(elemTypeName(md.type)) +
                          " activation row of " + std::to_string(perStep) +
                          " bytes per " + std::to_string(md.cyclesPerRow) +
                          " cycle(s) exceeds banks x bank_bytes_per_cycle",
                      ", got " + std::to_string(spad.bankBytesPerCycle));
  }
  if (uint64_t(acc.banks) * acc.bankBytesPerCycle < 2 * C * 4)
    return top.fail(accPath + ".bank_bytes_per_cycle",
                    "cannot keep up with the array: accumulating one row reads and writes " +
                        std::to_string(2 * C * 4) + " bytes per cycle",
                    ", got " + std::to_string(acc.bankBytesPerCycle));
  description = std::move(d);
  return true;
}

bool kiln::npu::loadNPUTargetDescription(const std::string &path,
                                         NPUTargetDescription &description,
                                         std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open the target description";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parseNPUTargetDescription(ss.str(), path, description, error);
}

static std::string num(double v) {
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  std::string s = buf;
  // Keep it a JSON number that reads back as a float where it was one.
  return s;
}

std::string kiln::npu::toJSON(const NPUTargetDescription &d) {
  std::string s = "{\"kind\": \"npu\", \"name\": " + json::quote(d.name) +
                  ", \"frequency_ghz\": " + num(d.frequencyGHz) +
                  ", \"cores\": " + std::to_string(d.cores) +
                  ", \"tokens\": " + std::to_string(d.tokens);
  s += ", \"matrix_unit\": {\"rows\": " + std::to_string(d.matrixRows) +
       ", \"cols\": " + std::to_string(d.matrixCols) +
       ", \"weight_load_cycles\": " + std::to_string(d.weightLoadCycles) + ", \"dtypes\": [";
  for (size_t i = 0; i < d.matrixDTypes.size(); ++i)
    s += std::string(i ? ", " : "") + "{\"type\": \"" + elemTypeName(d.matrixDTypes[i].type) +
         "\", \"cycles_per_row\": " + std::to_string(d.matrixDTypes[i].cyclesPerRow) + "}";
  s += "]}, \"vector_unit\": {\"lanes\": " + std::to_string(d.vectorLanes) +
       ", \"latency_cycles\": " + std::to_string(d.vectorLatencyCycles) +
       ", \"special_cycles\": " + std::to_string(d.vectorSpecialCycles) +
       ", \"i64_cycles\": " + std::to_string(d.vectorI64Cycles) + ", \"dtypes\": [";
  for (size_t i = 0; i < d.vectorDTypes.size(); ++i)
    s += std::string(i ? ", " : "") + "\"" + elemTypeName(d.vectorDTypes[i]) + "\"";
  s += "]}, \"memories\": [";
  for (size_t i = 0; i < d.memories.size(); ++i) {
    const MemoryLevel &m = d.memories[i];
    s += std::string(i ? ", " : "") + "{\"name\": " + json::quote(m.name) + ", \"kind\": \"" +
         memoryKindName(m.kind) + "\", \"size_bytes\": " + std::to_string(m.sizeBytes);
    if (m.kind == MemoryKind::DRAM || m.kind == MemoryKind::HostLink)
      s += ", \"bandwidth_gbps\": " + num(m.bandwidthGBps) +
           ", \"latency_cycles\": " + std::to_string(m.latencyCycles) + "}";
    else
      s += ", \"banks\": " + std::to_string(m.banks) +
           ", \"bank_bytes_per_cycle\": " + std::to_string(m.bankBytesPerCycle) + "}";
  }
  s += "], \"dma\": {\"setup_cycles\": " + std::to_string(d.dmaSetupCycles) +
       ", \"burst_bytes\": " + std::to_string(d.dmaBurstBytes) + "}}";
  return s;
}
