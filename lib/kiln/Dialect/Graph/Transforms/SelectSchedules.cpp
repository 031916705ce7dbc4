//===- SelectSchedules.cpp - kiln-select-schedules ------------------------===//
//
// Deciding is separate from doing: this pass is the only caller of the cost
// models. It writes kiln.schedule and kiln.predicted_time_us; the tiling and
// vectorization passes read them (docs/schedules.md).
//
//===----------------------------------------------------------------------===//

#include "kiln/CostModel/CPUCostModel.h"
#include "kiln/CostModel/GPUCostModel.h"
#include "kiln/CostModel/NPUCostModel.h"
#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/Transforms/Passes.h"
#include "kiln/Target/CPU/CPUTargetDescription.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>

namespace kiln {
#define GEN_PASS_DEF_KILNSELECTSCHEDULES
#include "kiln/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

double totalBytes(const CostEstimate &e) {
  double sum = 0;
  for (const auto &level : e.bytesByLevel)
    sum += level.second;
  return sum;
}

/// True when `a` is preferred over `b`: less time; at equal time (1e-9
/// relative) fewer bytes moved.
bool cheaper(const CostEstimate &a, const CostEstimate &b) {
  double tol = 1e-9 * std::max(a.seconds, b.seconds);
  if (std::abs(a.seconds - b.seconds) > tol)
    return a.seconds < b.seconds;
  return totalBytes(a) < totalBytes(b) * (1 - 1e-12);
}

struct SelectSchedules
    : kiln::impl::KilnSelectSchedulesBase<SelectSchedules> {
  using Base::Base;

  std::unique_ptr<CostModel> makeModel(ModuleOp module) {
    StringRef spec = target;
    StringRef kind = spec.take_until([](char c) { return c == ':'; });
    if (f32Matmul != "ieee" && f32Matmul != "tf32") {
      module.emitError() << "kiln-select-schedules: f32-matmul='" << f32Matmul
                         << "' (expected ieee or tf32)";
      return nullptr;
    }
    if (f32Matmul == "tf32" && kind != "gpu") {
      module.emitError() << "kiln-select-schedules: f32-matmul=tf32 is a GPU "
                            "option (target '"
                         << spec << "' computes f32 matmuls in f32)";
      return nullptr;
    }
    if (kind == "npu") {
      // npu:NAME: targets/npu-NAME.json, NAME.json or a path.
      npu::NPUTargetDescription d;
      std::string error;
      if (!resolveNPUTargetDescription(spec.drop_front(4).str(),
                                       targetsDir, d, error)) {
        module.emitError() << "kiln-select-schedules: target '" << spec
                           << "': " << error;
        return nullptr;
      }
      return createNPUCostModel(std::move(d));
    }
    if (kind == "gpu") {
      // gpu[:DESC]: targets/DESC.json, gpu-DESC.json or a path (docs/gpu.md).
      StringRef desc = spec.drop_front(kind.size());
      desc.consume_front(":");
      std::string dir = targetsDir.empty()
                            ? std::string(KILN_SOURCE_TARGETS_DIR)
                            : std::string(targetsDir);
      llvm::Expected<GPUTargetDescription> d =
          resolveGPUTargetDescription(desc, {dir});
      if (!d) {
        module.emitError() << "kiln-select-schedules: target '" << spec
                           << "': " << llvm::toString(d.takeError());
        return nullptr;
      }
      GPUCostModelOptions options;
      options.allowTF32 = f32Matmul == "tf32";
      return createGPUCostModel(std::move(*d), options);
    }
    if (kind != "cpu") {
      module.emitError() << "kiln-select-schedules: unsupported target '"
                         << spec << "' (expected cpu[:DESC])";
      return nullptr;
    }
    StringRef desc = spec.drop_front(kind.size());
    desc.consume_front(":");
    std::string dir = targetsDir.empty() ? std::string(KILN_SOURCE_TARGETS_DIR)
                                         : std::string(targetsDir);
    llvm::Expected<CPUTargetDescription> d =
        resolveCPUTargetDescription(desc, {dir});
    if (!d) {
      module.emitError() << "kiln-select-schedules: target '" << spec
                         << "': " << llvm::toString(d.takeError());
      return nullptr;
    }
    return createCPUCostModel(std::move(*d));
  }

  /// Reads the schedule file into key -> schedule; false after an error.
  bool readScheduleFile(ModuleOp module,
                        std::map<std::string, ScheduleAttr> &entries) {
    if (scheduleFile.empty())
      return true;
    auto fail = [&](const Twine &msg) {
      module.emitError() << "schedule file '" << scheduleFile << "': " << msg;
      return false;
    };
    auto buffer = llvm::MemoryBuffer::getFile(scheduleFile);
    if (!buffer)
      return fail("cannot read: " + buffer.getError().message());
    llvm::Expected<llvm::json::Value> json =
        llvm::json::parse((*buffer)->getBuffer());
    if (!json)
      return fail("invalid JSON: " + llvm::toString(json.takeError()));
    const llvm::json::Object *object = json->getAsObject();
    if (!object)
      return fail("expected a JSON object {\"<func>:<n>\": "
                  "\"#kiln.schedule<...>\", ...}");
    // Sorted keys: the first bad entry reported is deterministic.
    std::vector<std::string> keys;
    for (const auto &kv : *object)
      keys.push_back(kv.first.str());
    llvm::sort(keys);
    for (const std::string &key : keys) {
      std::optional<StringRef> text = object->getString(key);
      if (!text)
        return fail("entry '" + key +
                    "': expected a string \"#kiln.schedule<...>\"");
      std::string diagnostics;
      Attribute attr;
      {
        ScopedDiagnosticHandler capture(&getContext(), [&](Diagnostic &diag) {
          if (!diagnostics.empty())
            diagnostics += "; ";
          diagnostics += diag.str();
          return success();
        });
        size_t numRead = 0;
        attr = parseAttribute(*text, &getContext(), Type(), &numRead);
        if (attr && numRead != text->size()) {
          attr = {};
          diagnostics = "unexpected text after the attribute";
        }
      }
      auto schedule = dyn_cast_or_null<ScheduleAttr>(attr);
      if (!schedule)
        return fail("entry '" + key + "': cannot parse '" + *text +
                    "' as a #kiln.schedule" +
                    (diagnostics.empty() ? "" : ": " + diagnostics));
      entries[key] = schedule;
    }
    return true;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::unique_ptr<CostModel> model = makeModel(module);
    if (!model)
      return signalPassFailure();
    std::map<std::string, ScheduleAttr> fileEntries;
    if (!readScheduleFile(module, fileEntries))
      return signalPassFailure();
    std::set<std::string> used;
    bool ok = true;
    Builder b(&getContext());

    forEachScheduleKey(module, [&](Operation *op, StringRef keyRef) {
      std::string key = keyRef.str();
      auto fileEntry = fileEntries.find(key);
      if (fileEntry != fileEntries.end())
        used.insert(key);
      auto loops = getScheduleLoops(op);
      // An empty iteration domain (a zero-size dimension) has no work to
      // schedule; the cost model's per-loop arithmetic assumes extents > 0.
      bool empty = loops && llvm::any_of(*loops, [](const ScheduleLoop &l) {
                     return l.extent == 0;
                   });
      if (!loops || empty) {
        if (fileEntry != fileEntries.end() && !empty) {
          op->emitError() << "schedule file '" << scheduleFile
                          << "': entry '" << key << "': '" << op->getName()
                          << "' takes no kiln.schedule";
          ok = false;
        }
        return;
      }
      ScheduleAttr chosen =
          op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
      std::string source = "kiln.schedule on the op";
      if (!chosen && fileEntry != fileEntries.end()) {
        chosen = fileEntry->second;
        source = "schedule file entry '" + key + "'";
        if (failed(verifyScheduleForOp(op, chosen, [&] {
              return op->emitError()
                     << "schedule file '" << scheduleFile << "': entry '"
                     << key << "': ";
            }))) {
          ok = false;
          return;
        }
      }
      CostEstimate best;
      if (chosen) {
        best = model->estimate(op, chosen);
        if (!best.fits) {
          op->emitError() << source << " does not fit "
                          << model->targetName() << ": " << best.why;
          ok = false;
          return;
        }
      } else {
        for (ScheduleAttr candidate : model->candidates(op)) {
          CostEstimate e = model->estimate(op, candidate);
          if (!e.fits)
            continue;
          if (!chosen || cheaper(e, best)) {
            chosen = candidate;
            best = e;
          }
        }
        if (!chosen)
          return; // the model has nothing for this op
      }
      // A group decided by kiln-form-fusion-groups rides in the schedule
      // (a group already written in the schedule wins).
      if (auto group = op->getAttrOfType<IntegerAttr>("kiln.fusion_group"))
        if (!chosen.getGroup() && group.getInt() >= 0)
          chosen = ScheduleAttr::get(&getContext(), chosen.getTiles(),
                                     chosen.getOrder(), chosen.getPack(),
                                     group.getInt(), chosen.getPrefetch());
      op->setAttr(kScheduleAttrName, chosen);
      op->setAttr(kPredictedTimeAttrName,
                  b.getF64FloatAttr(best.seconds * 1e6));
    });
    for (const auto &entry : fileEntries)
      if (!used.count(entry.first)) {
        module.emitError() << "schedule file '" << scheduleFile << "': entry '"
                           << entry.first
                           << "' names no kiln op (keys are <func>:<n>, n "
                              "the op's index among the kiln ops of the "
                              "function)";
        ok = false;
      }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
