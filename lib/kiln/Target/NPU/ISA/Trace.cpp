//===- Trace.cpp - Chrome trace and summary of a simulated run ------------===//
//
// The trace is the Chrome "Trace Event Format" (chrome://tracing, Perfetto):
// one complete event ("ph": "X") per instruction, one thread per engine.
// Timestamps are microseconds at the target's clock.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/NPU/Simulator.h"

#include "Json.h"

#include <cstdio>

using namespace kiln::npu;

std::string kiln::npu::chromeTraceJSON(const SimResult &result,
                                       const NPUTargetDescription &target) {
  double usPerCycle = 1.0 / (target.frequencyGHz * 1000.0);
  std::string s = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": 0, "
                "\"args\": {\"name\": ");
  s += buf + json::quote("kiln-npu " + target.name) + "}}";
  for (unsigned e = 0; e < kNumEngines; ++e) {
    std::snprintf(buf, sizeof buf,
                  ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": %u, "
                  "\"args\": {\"name\": \"%s\"}}",
                  e, engineName(Engine(e)));
    s += buf;
    std::snprintf(buf, sizeof buf,
                  ",\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 0, "
                  "\"tid\": %u, \"args\": {\"sort_index\": %u}}",
                  e, e);
    s += buf;
  }
  for (const TraceEvent &ev : result.trace) {
    std::snprintf(buf, sizeof buf,
                  ",\n{\"name\": %s, \"ph\": \"X\", \"pid\": 0, \"tid\": %u, \"ts\": %.6f, "
                  "\"dur\": %.6f, \"args\": {\"queue\": \"%s\", \"index\": %u, "
                  "\"start_cycle\": %llu, \"end_cycle\": %llu",
                  json::quote(ev.name).c_str(), unsigned(ev.engine),
                  double(ev.start) * usPerCycle, double(ev.end - ev.start) * usPerCycle,
                  queueName(ev.queue), ev.index, (unsigned long long)ev.start,
                  (unsigned long long)ev.end);
    s += buf;
    if (!ev.comment.empty())
      s += ", \"comment\": " + json::quote(ev.comment);
    s += "}}";
  }
  s += "\n]}\n";
  return s;
}

std::string kiln::npu::formatSummary(const SimResult &result,
                                     const NPUTargetDescription &target) {
  std::string s;
  char buf[256];
  std::snprintf(buf, sizeof buf, "target: %s (%.3g GHz)\n", target.name.c_str(),
                target.frequencyGHz);
  s += buf;
  std::snprintf(buf, sizeof buf, "cycles: %llu\n", (unsigned long long)result.cycles);
  s += buf;
  std::snprintf(buf, sizeof buf, "time: %.3f us\n", result.seconds * 1e6);
  s += buf;
  std::snprintf(buf, sizeof buf, "instructions: load %llu, compute %llu, store %llu\n",
                (unsigned long long)result.instructionsExecuted[0],
                (unsigned long long)result.instructionsExecuted[1],
                (unsigned long long)result.instructionsExecuted[2]);
  s += buf;
  for (Engine e : {Engine::Matrix, Engine::Vector, Engine::LoadDMA, Engine::StoreDMA}) {
    std::snprintf(buf, sizeof buf, "%s utilization: %.1f%% (%llu busy cycles)\n",
                  engineName(e), result.utilization[unsigned(e)] * 100.0,
                  (unsigned long long)result.busyCycles[unsigned(e)]);
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "matrix MACs: %llu\n", (unsigned long long)result.macs);
  s += buf;
  std::snprintf(buf, sizeof buf, "DRAM bytes read: %llu\nDRAM bytes written: %llu\n",
                (unsigned long long)result.dramBytesRead,
                (unsigned long long)result.dramBytesWritten);
  s += buf;
  return s;
}
