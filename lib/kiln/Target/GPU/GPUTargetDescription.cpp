//===- GPUTargetDescription.cpp - GPU descriptions from JSON --------------===//

#include "kiln/Target/GPU/GPUTargetDescription.h"
#include "kiln/Target/DescriptionFieldReader.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Triple.h"

#include <optional>

using namespace kiln;
using llvm::StringRef;
using llvm::Twine;
namespace json = llvm::json;

std::string GPUTargetDescription::ptxFeatures() const {
  return "+ptx" + std::to_string(ptxVersion);
}

double GPUTargetDescription::peakF32Gflops() const {
  return fp32FlopsPerClockPerSM * smCount * clockGHz;
}

const GPUTensorCoreInstruction *
GPUTargetDescription::findTensorCore(StringRef instruction, StringRef a,
                                     StringRef b) const {
  for (const GPUTensorCoreInstruction &t : tensorCores)
    if (t.instruction == instruction && t.a == a && t.b == b)
      return &t;
  return nullptr;
}

static constexpr StringRef kElementTypes[] = {"f16", "bf16", "tf32", "f32",
                                              "f64", "i8",   "s32"};

llvm::Expected<GPUTargetDescription>
kiln::parseGPUTargetDescription(StringRef text, StringRef sourceName) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   sourceName + ": invalid JSON: " +
                                       llvm::toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        sourceName + ": a target description is a JSON object");
  DescriptionFieldReader read(sourceName);
  static constexpr StringRef topKeys[] = {
      "kind",
      "name",
      "triple",
      "chip",
      "ptx_version",
      "sm_count",
      "warp_size",
      "max_threads_per_block",
      "max_threads_per_sm",
      "max_blocks_per_sm",
      "registers_per_sm",
      "max_registers_per_thread",
      "shared_memory_per_block_bytes",
      "shared_memory_per_block_optin_bytes",
      "shared_memory_per_sm_bytes",
      "l2_bytes",
      "dram_bandwidth_gbps",
      "clock_ghz",
      "fp32_flops_per_clock_per_sm",
      "tensor_cores"};
  read.rejectUnknownKeys(*root, "", topKeys);

  GPUTargetDescription d;
  std::string kind = read.string(*root, "kind", "kind");
  if (read.ok() && kind != "gpu")
    read.fail("kind",
              "must be \"gpu\" for a GPU description, got \"" + kind + "\"");
  d.name = read.string(*root, "name", "name");
  d.triple = read.string(*root, "triple", "triple");
  if (read.ok() && !llvm::Triple(d.triple).isNVPTX())
    read.fail("triple", "\"" + d.triple +
                            "\" is not an NVPTX triple (nvptx64-nvidia-cuda)");
  d.chip = read.string(*root, "chip", "chip");
  if (read.ok() && !StringRef(d.chip).starts_with("sm_"))
    read.fail("chip", "must be an NVVM chip such as \"sm_80\", got \"" +
                          d.chip + "\"");
  d.ptxVersion = read.positiveInt(*root, "ptx_version", "ptx_version");
  d.smCount = read.positiveInt(*root, "sm_count", "sm_count");
  d.warpSize = read.positiveInt(*root, "warp_size", "warp_size");
  d.maxThreadsPerBlock =
      read.positiveInt(*root, "max_threads_per_block", "max_threads_per_block");
  d.maxThreadsPerSM =
      read.positiveInt(*root, "max_threads_per_sm", "max_threads_per_sm");
  d.maxBlocksPerSM =
      read.positiveInt(*root, "max_blocks_per_sm", "max_blocks_per_sm");
  d.registersPerSM =
      read.positiveInt(*root, "registers_per_sm", "registers_per_sm");
  d.maxRegistersPerThread = read.positiveInt(*root, "max_registers_per_thread",
                                             "max_registers_per_thread");
  d.sharedMemoryPerBlockBytes =
      read.positiveInt(*root, "shared_memory_per_block_bytes",
                       "shared_memory_per_block_bytes");
  d.sharedMemoryPerBlockOptinBytes =
      read.positiveInt(*root, "shared_memory_per_block_optin_bytes",
                       "shared_memory_per_block_optin_bytes");
  d.sharedMemoryPerSMBytes = read.positiveInt(
      *root, "shared_memory_per_sm_bytes", "shared_memory_per_sm_bytes");
  d.l2Bytes = read.positiveInt(*root, "l2_bytes", "l2_bytes");
  d.dramBandwidthGBps =
      read.positiveNumber(*root, "dram_bandwidth_gbps", "dram_bandwidth_gbps");
  d.clockGHz = read.positiveNumber(*root, "clock_ghz", "clock_ghz");
  d.fp32FlopsPerClockPerSM =
      read.positiveNumber(*root, "fp32_flops_per_clock_per_sm",
                          "fp32_flops_per_clock_per_sm");
  if (read.ok() && d.maxThreadsPerBlock % d.warpSize != 0)
    read.fail("max_threads_per_block",
              "must be a multiple of warp_size (" + Twine(d.warpSize) +
                  "), got " + Twine(d.maxThreadsPerBlock));
  if (read.ok() && d.maxThreadsPerBlock > d.maxThreadsPerSM)
    read.fail("max_threads_per_block",
              "must not exceed max_threads_per_sm (" +
                  Twine(d.maxThreadsPerSM) + ")");
  if (read.ok() &&
      d.sharedMemoryPerBlockOptinBytes < d.sharedMemoryPerBlockBytes)
    read.fail("shared_memory_per_block_optin_bytes",
              "must be at least shared_memory_per_block_bytes (" +
                  Twine(d.sharedMemoryPerBlockBytes) + ")");
  if (read.ok() && d.sharedMemoryPerBlockOptinBytes > d.sharedMemoryPerSMBytes)
    read.fail("shared_memory_per_block_optin_bytes",
              "must not exceed shared_memory_per_sm_bytes (" +
                  Twine(d.sharedMemoryPerSMBytes) + ")");

  if (const json::Value *tc = read.require(*root, "tensor_cores",
                                           "tensor_cores")) {
    const json::Array *list = tc->getAsArray();
    if (!list)
      read.fail("tensor_cores", "must be an array of instruction forms");
    static constexpr StringRef tcKeys[] = {
        "instruction", "shape", "a", "b", "accumulator",
        "flops_per_clock_per_sm"};
    for (size_t i = 0; list && i < list->size() && read.ok(); ++i) {
      std::string at = ("tensor_cores[" + Twine(i) + "]").str();
      const json::Object *o = (*list)[i].getAsObject();
      if (!o) {
        read.fail(at, "must be an object");
        break;
      }
      read.rejectUnknownKeys(*o, at + ".", tcKeys);
      GPUTensorCoreInstruction t;
      t.instruction = read.string(*o, "instruction", at + ".instruction");
      if (const json::Value *s = read.require(*o, "shape", at + ".shape")) {
        const json::Array *shape = s->getAsArray();
        bool good = shape && shape->size() == 3;
        for (size_t j = 0; good && j < 3; ++j) {
          std::optional<int64_t> v = (*shape)[j].getAsInteger();
          good = v && *v > 0;
          if (good)
            t.shape[j] = *v;
        }
        if (!good)
          read.fail(at + ".shape",
                    "must be 3 positive integers [m, n, k], got " +
                        DescriptionFieldReader::render(*s));
      }
      auto elementType = [&](StringRef key) {
        std::string field = (at + "." + key).str();
        std::string s = read.string(*o, key, field);
        if (read.ok() && !llvm::is_contained(kElementTypes, s))
          read.fail(field, "must be one of " +
                               llvm::join(llvm::ArrayRef<StringRef>(kElementTypes), ", ") + ", got \"" +
                               s + "\"");
        return s;
      };
      t.a = elementType("a");
      t.b = elementType("b");
      t.accumulator = elementType("accumulator");
      t.flopsPerClockPerSM = read.positiveNumber(
          *o, "flops_per_clock_per_sm", at + ".flops_per_clock_per_sm");
      d.tensorCores.push_back(std::move(t));
    }
  }
  if (!read.ok())
    return read.takeError();
  return d;
}

llvm::Expected<GPUTargetDescription>
kiln::loadGPUTargetDescription(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read GPU target description '" +
                                       path + "': " +
                                       buffer.getError().message());
  return parseGPUTargetDescription((*buffer)->getBuffer(), path);
}

std::string
kiln::findGPUTargetDescriptionFile(StringRef spec,
                                   llvm::ArrayRef<std::string> searchDirs) {
  if (spec.empty())
    spec = "gpu-sm80";
  if (spec.ends_with(".json"))
    return llvm::sys::fs::exists(spec) ? spec.str() : std::string();
  for (const std::string &dir : searchDirs)
    for (std::string name : {spec.str(), ("gpu-" + spec).str()}) {
      llvm::SmallString<256> path(dir);
      llvm::sys::path::append(path, name + ".json");
      if (llvm::sys::fs::exists(path))
        return std::string(path);
    }
  return {};
}

llvm::Expected<GPUTargetDescription>
kiln::resolveGPUTargetDescription(StringRef spec,
                                  llvm::ArrayRef<std::string> searchDirs) {
  if (spec.ends_with(".json"))
    return loadGPUTargetDescription(spec);
  std::string path = findGPUTargetDescriptionFile(spec, searchDirs);
  if (!path.empty())
    return loadGPUTargetDescription(path);
  StringRef name = spec.empty() ? StringRef("gpu-sm80") : spec;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "no GPU target description '" + name + "' (looked for " + name +
          ".json and gpu-" + name + ".json in " +
          llvm::join(searchDirs, ", ") +
          "); give a name from targets/ (gpu-sm80, gpu-sm90) or a .json path");
}
