//===- CPUTargetDescription.cpp - CPU descriptions from JSON or the host --===//

#include "kiln/Target/CPU/CPUTargetDescription.h"
#include "kiln/Target/DescriptionFieldReader.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <optional>
#include <thread>

using namespace kiln;
using llvm::StringRef;
using llvm::Twine;
namespace json = llvm::json;

bool CPUTargetDescription::hasFeature(StringRef feature) const {
  return llvm::is_contained(features, feature);
}

std::string CPUTargetDescription::llvmFeatureString() const {
  std::string s;
  for (const std::string &f : features)
    s += (s.empty() ? "+" : ",+") + f;
  return s;
}

double CPUTargetDescription::peakF32Gflops(int threads) const {
  int used = std::max(1, std::min(threads, cores));
  return 2.0 * f32Lanes() * fmaUnitsPerCore * frequencyGHz * used;
}

const CPUCacheLevel *CPUTargetDescription::cache(int level) const {
  for (const CPUCacheLevel &c : caches)
    if (c.level == level)
      return &c;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Parsing and validation
//===----------------------------------------------------------------------===//

llvm::Expected<CPUTargetDescription>
kiln::parseCPUTargetDescription(StringRef text, StringRef sourceName) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   sourceName + ": invalid JSON: " +
                                       llvm::toString(parsed.takeError()));
  DescriptionFieldReader read(sourceName);
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   sourceName +
                                       ": a target description is a JSON object");

  static constexpr StringRef topKeys[] = {
      "kind",  "name",          "triple", "cpu",    "features",
      "vector_bits", "vector_registers", "fma_units_per_core",
      "fma_latency_cycles", "cores", "frequency_ghz",
      "caches", "dram_bandwidth_gbps"};
  read.rejectUnknownKeys(*root, "", topKeys);

  CPUTargetDescription d;
  std::string kind = read.string(*root, "kind", "kind");
  if (read.ok() && kind != "cpu")
    read.fail("kind", "must be \"cpu\" for a CPU description, got \"" + kind +
                          "\"");
  d.name = read.string(*root, "name", "name");
  d.triple = read.string(*root, "triple", "triple");
  if (read.ok() && llvm::Triple(d.triple).getArch() == llvm::Triple::UnknownArch)
    read.fail("triple", "\"" + d.triple + "\" names no architecture LLVM knows");
  d.cpu = read.string(*root, "cpu", "cpu");

  if (const json::Value *f = read.require(*root, "features", "features")) {
    const json::Array *list = f->getAsArray();
    if (!list)
      read.fail("features", "must be an array of LLVM feature names");
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::optional<StringRef> name = (*list)[i].getAsString();
      if (!name || name->empty() || name->starts_with("+") ||
          name->starts_with("-"))
        read.fail("features[" + Twine(i) + "]",
                  "must be a feature name such as \"avx2\" (no +/- prefix)");
      else
        d.features.push_back(name->str());
    }
  }

  d.vectorBits = read.positiveInt(*root, "vector_bits", "vector_bits");
  if (read.ok() && d.vectorBits % 32 != 0)
    read.fail("vector_bits", "must be a multiple of 32, got " +
                                 Twine(d.vectorBits));
  d.vectorRegisters =
      read.positiveInt(*root, "vector_registers", "vector_registers");
  d.fmaUnitsPerCore =
      read.positiveInt(*root, "fma_units_per_core", "fma_units_per_core");
  d.fmaLatencyCycles =
      read.positiveInt(*root, "fma_latency_cycles", "fma_latency_cycles");
  d.cores = read.positiveInt(*root, "cores", "cores");
  d.frequencyGHz = read.positiveNumber(*root, "frequency_ghz", "frequency_ghz");
  if (root->get("dram_bandwidth_gbps"))
    d.dramBandwidthGBps = read.positiveNumber(
        *root, "dram_bandwidth_gbps", "dram_bandwidth_gbps", /*zeroAllowed=*/true);

  if (const json::Value *c = read.require(*root, "caches", "caches")) {
    const json::Array *list = c->getAsArray();
    if (!list || list->empty())
      read.fail("caches", "must be a non-empty array of cache levels");
    static constexpr StringRef cacheKeys[] = {"level", "size_bytes",
                                              "line_bytes", "shared_by_cores"};
    for (size_t i = 0; list && i < list->size() && read.ok(); ++i) {
      std::string prefix = "caches[" + std::to_string(i) + "].";
      const json::Object *entry = (*list)[i].getAsObject();
      if (!entry) {
        read.fail("caches[" + Twine(i) + "]", "must be an object");
        break;
      }
      read.rejectUnknownKeys(*entry, prefix, cacheKeys);
      CPUCacheLevel level;
      level.level = read.positiveInt(*entry, "level", prefix + "level");
      level.sizeBytes = read.positiveInt(*entry, "size_bytes", prefix + "size_bytes");
      level.lineBytes = read.positiveInt(*entry, "line_bytes", prefix + "line_bytes");
      level.sharedByCores =
          read.positiveInt(*entry, "shared_by_cores", prefix + "shared_by_cores");
      if (read.ok() && level.level != int(i) + 1)
        read.fail(prefix + "level", "must be " + Twine(i + 1) +
                                        ": list the levels in order from 1");
      if (read.ok() && level.sharedByCores > d.cores)
        read.fail(prefix + "shared_by_cores",
                  "is " + Twine(level.sharedByCores) +
                      ", more than the description's " + Twine(d.cores) +
                      " cores");
      if (read.ok() && i > 0 && level.sizeBytes < d.caches.back().sizeBytes)
        read.fail(prefix + "size_bytes",
                  "is smaller than the level below it; caches grow outward");
      d.caches.push_back(level);
    }
  }
  if (!read.ok())
    return read.takeError();
  return d;
}

llvm::Expected<CPUTargetDescription>
kiln::loadCPUTargetDescription(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot open '" + path +
                                                          "': " +
                                                          buffer.getError().message());
  return parseCPUTargetDescription((*buffer)->getBuffer(), path);
}

//===----------------------------------------------------------------------===//
// Host detection
//===----------------------------------------------------------------------===//

/// The first line of a small sysfs/procfs file, trimmed.
static std::optional<std::string> readLine(const Twine &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileAsStream(path);
  if (!buffer)
    return std::nullopt;
  StringRef text = (*buffer)->getBuffer();
  return text.split('\n').first.trim().str();
}

/// "48K", "2048K", "32M" or a plain byte count.
static int64_t parseCacheSize(StringRef text) {
  int64_t scale = 1;
  if (text.consume_back("K"))
    scale = 1024;
  else if (text.consume_back("M"))
    scale = 1024 * 1024;
  int64_t value = 0;
  if (text.getAsInteger(10, value))
    return 0;
  return value * scale;
}

/// Number of CPUs in a list like "0-3,8".
static int countCPUs(StringRef list) {
  int count = 0;
  llvm::SmallVector<StringRef> ranges;
  list.split(ranges, ',', -1, false);
  for (StringRef range : ranges) {
    auto [lo, hi] = range.split('-');
    int a = 0, b = 0;
    if (lo.trim().getAsInteger(10, a))
      continue;
    if (hi.empty() || hi.trim().getAsInteger(10, b))
      b = a;
    count += std::max(0, b - a + 1);
  }
  return std::max(count, 1);
}

/// Data and unified caches of CPU 0 from sysfs (Linux); empty elsewhere.
static std::vector<CPUCacheLevel> detectCaches(int cores) {
  std::vector<CPUCacheLevel> caches;
  for (int index = 0;; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    std::optional<std::string> type = readLine(dir + "/type");
    if (!type)
      break;
    if (*type == "Instruction")
      continue;
    CPUCacheLevel c;
    c.level = std::stoi(readLine(dir + "/level").value_or("0"));
    c.sizeBytes = parseCacheSize(readLine(dir + "/size").value_or(""));
    c.lineBytes = std::stoll(readLine(dir + "/coherency_line_size").value_or("64"));
    c.sharedByCores =
        std::min(cores, countCPUs(readLine(dir + "/shared_cpu_list").value_or("0")));
    if (c.level > 0 && c.sizeBytes > 0)
      caches.push_back(c);
  }
  llvm::sort(caches, [](const CPUCacheLevel &a, const CPUCacheLevel &b) {
    return a.level < b.level;
  });
  return caches;
}

/// The clock in GHz: cpufreq's maximum, else /proc/cpuinfo's "cpu MHz",
/// else 0 (unknown).
static double detectFrequencyGHz() {
  if (std::optional<std::string> khz =
          readLine("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"))
    if (double v = std::atof(khz->c_str()); v > 0)
      return v / 1e6;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> cpuinfo =
      llvm::MemoryBuffer::getFileAsStream("/proc/cpuinfo");
  if (cpuinfo) {
    llvm::SmallVector<StringRef> lines;
    (*cpuinfo)->getBuffer().split(lines, '\n');
    for (StringRef line : lines)
      if (line.starts_with("cpu MHz"))
        if (double v = std::atof(line.split(':').second.trim().str().c_str()); v > 0)
          return v / 1e3;
  }
  return 0;
}

CPUTargetDescription kiln::detectHostCPU() {
  CPUTargetDescription d;
  d.name = "host";
  d.triple = llvm::sys::getProcessTriple();
  d.cpu = llvm::sys::getHostCPUName().str();
  for (const auto &entry : llvm::sys::getHostCPUFeatures())
    if (entry.second)
      d.features.push_back(entry.first().str());
  llvm::sort(d.features);
  llvm::Triple triple(d.triple);
  if (d.hasFeature("avx512f"))
    d.vectorBits = 512;
  else if (d.hasFeature("avx"))
    d.vectorBits = 256;
  else
    d.vectorBits = 128; // SSE2 on x86-64, NEON on AArch64.
  // x86-64 has 32 vector registers with AVX-512, 16 before; AArch64 has 32.
  d.vectorRegisters =
      (triple.isAArch64() || d.hasFeature("avx512f")) ? 32 : 16;
  // Not observable from software: two vector FMA pipes per core with a
  // 4-cycle latency is what current x86-64 and Arm server cores have. A JSON
  // description states them exactly where that is wrong.
  d.fmaUnitsPerCore = 2;
  d.fmaLatencyCycles = 4;
  int physical = llvm::get_physical_cores();
  d.cores = physical > 0 ? physical
                         : std::max(1u, std::thread::hardware_concurrency());
  d.frequencyGHz = detectFrequencyGHz();
  d.caches = detectCaches(d.cores);
  d.dramBandwidthGBps = 0; // Unknown without measuring.
  return d;
}

std::string kiln::toJSON(const CPUTargetDescription &d) {
  json::Array features;
  for (const std::string &f : d.features)
    features.push_back(f);
  json::Array caches;
  for (const CPUCacheLevel &c : d.caches)
    caches.push_back(json::Object{{"level", c.level},
                                  {"size_bytes", c.sizeBytes},
                                  {"line_bytes", c.lineBytes},
                                  {"shared_by_cores", c.sharedByCores}});
  json::Object root{{"kind", "cpu"},
                    {"name", d.name},
                    {"triple", d.triple},
                    {"cpu", d.cpu},
                    {"features", std::move(features)},
                    {"vector_bits", d.vectorBits},
                    {"vector_registers", d.vectorRegisters},
                    {"fma_units_per_core", d.fmaUnitsPerCore},
                    {"fma_latency_cycles", d.fmaLatencyCycles},
                    {"cores", d.cores},
                    {"frequency_ghz", d.frequencyGHz},
                    {"caches", std::move(caches)},
                    {"dram_bandwidth_gbps", d.dramBandwidthGBps}};
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("{0:2}", json::Value(std::move(root)));
  return s;
}

llvm::Expected<CPUTargetDescription>
kiln::resolveCPUTargetDescription(StringRef spec,
                                  llvm::ArrayRef<std::string> searchDirs) {
  if (spec.empty() || spec == "host")
    return detectHostCPU();
  if (spec.ends_with(".json"))
    return loadCPUTargetDescription(spec);
  std::string tried;
  for (const std::string &dir : searchDirs) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, spec + ".json");
    if (llvm::sys::fs::exists(path))
      return loadCPUTargetDescription(path);
    tried += (tried.empty() ? "" : ", ") + std::string(path);
  }
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "no CPU description named '" + spec + "' (looked for " +
          (tried.empty() ? std::string("nothing: no search directories") : tried) +
          "); give 'host', a name from targets/, or a path to a .json file");
}
