//===- kiln-npu-sim.cpp - Run an NPU program in the simulator -------------===//
//
//   kiln-npu-sim PROG.npubin [--input=a.npy,... | --input=NAME=a.npy ...
//                             | --random-inputs --seed=N]
//                [--output-dir=DIR] [--trace=out.json] [--print-output]
//                [--target=desc.json]
//   kiln-npu-sim --asm PROG.s [--emit-binary=PROG.npubin] [run flags...]
//   kiln-npu-sim PROG.npubin --disassemble
//
// The input/output flags are kiln-run's. Inputs bind in the program's input
// order, or by name with NAME=FILE. The run prints cycles, the time at the
// target's clock, each engine's utilization and the DRAM traffic.
//
// No MLIR and no LLVM: the tool is the NPU ISA library and KilnSupport only,
// so a chip designer can build and use it alone. Every problem is one
// "kiln-npu-sim: error: ..." line and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "kiln/Support/Npy.h"
#include "kiln/Target/NPU/ISA.h"
#include "kiln/Target/NPU/NPUTargetDescription.h"
#include "kiln/Target/NPU/Simulator.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>

using namespace kiln;
using namespace kiln::npu;

namespace {
int fail(const std::string &message) {
  std::fprintf(stderr, "kiln-npu-sim: error: %s\n", message.c_str());
  return 1;
}

bool readFile(const std::string &path, std::string &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool writeFile(const std::string &path, const void *data, size_t size, std::string &error) {
  std::ofstream out(path, std::ios::binary);
  if (out)
    out.write(static_cast<const char *>(data), std::streamsize(size));
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

bool makeDirs(const std::string &path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST)
        return false;
    }
  }
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void printValues(const HostTensor &t, size_t dim, int64_t &offset) {
  if (dim == t.shape().size()) {
    if (isFloatDType(t.dtype()))
      std::printf("%.7g", t.getDouble(offset));
    else
      std::printf("%lld", (long long)t.getInt(offset));
    ++offset;
    return;
  }
  std::printf("[");
  for (int64_t i = 0; i < t.shape()[dim]; ++i) {
    if (i)
      std::printf(", ");
    printValues(t, dim + 1, offset);
  }
  std::printf("]");
}

const char *usage =
    "usage: kiln-npu-sim PROG.npubin [options]\n"
    "       kiln-npu-sim --asm PROG.s [--emit-binary=OUT.npubin] [options]\n"
    "options:\n"
    "  --input=FILE.npy[,FILE.npy...]  inputs in the program's order\n"
    "  --input=NAME=FILE.npy           an input by its binding name\n"
    "  --random-inputs [--seed=N]      reproducible random inputs (as kiln-run)\n"
    "  --output-dir=DIR                write output_<k>.npy files\n"
    "  --print-output                  print every output's values\n"
    "  --trace=OUT.json                write a Chrome trace (one track per engine)\n"
    "  --target=DESC.json              time against this description instead of\n"
    "                                  the one the program embeds\n"
    "  --asm                           the program is assembly text (docs/npu.md)\n"
    "  --emit-binary=OUT.npubin        write the (assembled) program and stop\n"
    "  --disassemble                   print the listing and stop\n"
    "  --check-target=DESC.json        validate a description, print its peaks\n";
} // namespace

int main(int argc, char **argv) {
  std::string programPath, outputDir, tracePath, targetPath, emitBinary, checkTarget;
  std::vector<std::string> inputSpecs;
  bool randomInputs = false, printOutput = false, asmInput = false, disasm = false;
  uint64_t seed = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag, std::string &out) {
      std::string prefix = std::string(flag) + "=";
      if (a.compare(0, prefix.size(), prefix) != 0)
        return false;
      out = a.substr(prefix.size());
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fputs(usage, stdout);
      return 0;
    } else if (value("--input", v)) {
      // kiln-run's comma-separated list; NAME=FILE entries bind by name.
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        if (comma == std::string::npos)
          comma = v.size();
        if (comma > start)
          inputSpecs.push_back(v.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (a == "--random-inputs") {
      randomInputs = true;
    } else if (value("--seed", v)) {
      char *end;
      errno = 0;
      seed = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || errno)
        return fail("--seed expects a non-negative integer, got '" + v + "'");
    } else if (value("--output-dir", outputDir) || value("--trace", tracePath) ||
               value("--target", targetPath) || value("--emit-binary", emitBinary) ||
               value("--check-target", checkTarget)) {
    } else if (a == "--print-output") {
      printOutput = true;
    } else if (a == "--asm") {
      asmInput = true;
    } else if (a == "--disassemble") {
      disasm = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return fail("unknown option '" + a + "' (see --help)");
    } else if (programPath.empty()) {
      programPath = a;
    } else {
      return fail("more than one program given ('" + programPath + "' and '" + a + "')");
    }
  }
  std::string bytes, error;
  if (!checkTarget.empty()) {
    // A chip designer's first step: is my description valid, and what
    // does it imply?
    NPUTargetDescription t;
    if (!loadNPUTargetDescription(checkTarget, t, error))
      return fail(error);
    const MemoryLevel &spad = *t.memory(MemoryKind::Scratchpad);
    const MemoryLevel &acc = *t.memory(MemoryKind::Accumulator);
    std::printf("%s: valid NPU description '%s'\n", checkTarget.c_str(), t.name.c_str());
    std::printf("  matrix unit: %ux%u at %.4g GHz:", t.matrixRows, t.matrixCols, t.frequencyGHz);
    for (const MatrixDType &md : t.matrixDTypes)
      std::printf(" %s %.4g %s", elemTypeName(md.type),
                  2.0 * t.matrixRows * t.matrixCols * t.frequencyGHz / md.cyclesPerRow / 1000.0,
                  md.type == ElemType::I8 ? "TOP/s" : "TFLOP/s");
    std::printf("\n  vector unit: %u lanes\n", t.vectorLanes);
    std::printf("  scratchpad: %llu bytes, accumulator: %llu bytes\n",
                (unsigned long long)spad.sizeBytes, (unsigned long long)acc.sizeBytes);
    std::printf("  off-chip: %.4g GB/s = %.4g bytes/cycle\n",
                t.memory(MemoryKind::DRAM)->bandwidthGBps, t.offChipBytesPerCycle());
    return 0;
  }
  if (programPath.empty()) {
    std::fputs(usage, stderr);
    return 1;
  }

  if (!readFile(programPath, bytes, error))
    return fail(error);
  Program program;
  if (asmInput) {
    if (!assemble(bytes, programPath, program, error))
      return fail(error);
    // Hand-written assembly may leave the target to --target.
    if (program.targetJSON.empty()) {
      NPUTargetDescription t;
      if (targetPath.empty())
        return fail(programPath + ": the program has no .target line: give --target=DESC.json");
      if (!loadNPUTargetDescription(targetPath, t, error))
        return fail(error);
      program.targetJSON = toJSON(t);
    }
  } else if (!decode(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), program,
                     error)) {
    return fail(programPath + ": " + error);
  }
  if (!emitBinary.empty()) {
    std::vector<uint8_t> encoded = encode(program);
    return writeFile(emitBinary, encoded.data(), encoded.size(), error) ? 0 : fail(error);
  }
  if (disasm) {
    std::fputs(disassemble(program).c_str(), stdout);
    return 0;
  }

  SimOptions options;
  NPUTargetDescription target;
  if (!targetPath.empty()) {
    if (!loadNPUTargetDescription(targetPath, target, error))
      return fail(error);
    options.target = target;
  } else if (!parseNPUTargetDescription(program.targetJSON,
                                        programPath + " (embedded target)", target, error)) {
    return fail(error);
  }
  options.recordTrace = !tracePath.empty();

  std::vector<HostTensor> inputs;
  if (randomInputs && !inputSpecs.empty())
    return fail("give either --input files or --random-inputs, not both");
  if (randomInputs) {
    inputs = generateRandomInputs(program, seed);
  } else {
    size_t n = program.inputs.size();
    if (inputSpecs.empty() && n)
      return fail("the program takes " + std::to_string(n) + " input" + (n == 1 ? "" : "s") +
                  ": give one --input=FILE.npy per input, in order, or --random-inputs");
    std::vector<HostTensor> byPosition(n);
    std::vector<bool> bound(n, false);
    size_t nextPositional = 0;
    for (const std::string &spec : inputSpecs) {
      std::string path = spec;
      size_t slot = nextPositional;
      size_t eq = spec.find('=');
      if (eq != std::string::npos) {
        std::string name = spec.substr(0, eq);
        path = spec.substr(eq + 1);
        slot = n;
        for (size_t k = 0; k < n; ++k)
          if (program.inputs[k].name == name)
            slot = k;
        if (slot == n) {
          std::string names;
          for (const Binding &b : program.inputs)
            names += (names.empty() ? "" : ", ") + b.name;
          return fail("--input=" + spec + ": the program has no input named '" + name +
                      "' (inputs: " + names + ")");
        }
      } else {
        while (slot < n && bound[slot])
          ++slot;
        nextPositional = slot + 1;
      }
      if (slot >= n)
        return fail("more --input files than the program's " + std::to_string(n) + " inputs");
      if (bound[slot])
        return fail("input '" + program.inputs[slot].name + "' is given twice");
      if (!readNpyFile(path, byPosition[slot], error))
        return fail("input '" + program.inputs[slot].name + "': " + error);
      bound[slot] = true;
    }
    for (size_t k = 0; k < n; ++k)
      if (!bound[k])
        return fail("no --input for the program's input " + std::to_string(k) + " ('" +
                    program.inputs[k].name + "')");
    inputs = std::move(byPosition);
  }

  SimResult result;
  if (!simulate(program, inputs, options, result, error))
    return fail(programPath + ": " + error);

  std::fputs(formatSummary(result, target).c_str(), stdout);
  for (size_t i = 0; i < result.outputs.size(); ++i) {
    const HostTensor &out = result.outputs[i];
    std::printf("output %zu (%s): tensor<%s>\n", i, program.outputs[i].name.c_str(),
                out.typeString().c_str());
    if (printOutput) {
      int64_t offset = 0;
      std::printf("  ");
      printValues(out, 0, offset);
      std::printf("\n");
    }
  }
  if (!outputDir.empty()) {
    if (!makeDirs(outputDir))
      return fail("cannot create '" + outputDir + "'");
    for (size_t i = 0; i < result.outputs.size(); ++i) {
      // bf16 is written as float32 (exactly), since NumPy has no bfloat16.
      const HostTensor &out = result.outputs[i];
      HostTensor toWrite = out.dtype() == DType::BF16 ? out.convertTo(DType::F32) : out;
      if (!writeNpyFile(outputDir + "/output_" + std::to_string(i) + ".npy", toWrite, error))
        return fail(error);
    }
  }
  if (!tracePath.empty()) {
    std::string trace = chromeTraceJSON(result, target);
    if (!writeFile(tracePath, trace.data(), trace.size(), error))
      return fail(error);
  }
  return 0;
}
