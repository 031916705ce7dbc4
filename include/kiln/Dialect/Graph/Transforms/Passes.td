//===- Passes.td - kiln graph dialect passes ----------------*- tablegen -*-===//

#ifndef KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
#define KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnSelectSchedules : Pass<"kiln-select-schedules", "mlir::ModuleOp"> {
  let summary = "Choose a #kiln.schedule for every kiln op with a cost model";
  let description = [{
    The deciding half of code generation (docs/schedules.md). For every kiln
    op with an iteration domain: a `kiln.schedule` already on the op (written
    by hand) is kept; else an entry of `schedule-file` for the op's key
    `<func>:<n>` (n = the op's 0-based index among the kiln ops of its
    function) is used; else the target's cost model enumerates the legal
    candidates and the cheapest is kept (equal times: the one moving fewer
    bytes, then the first enumerated). Every chosen schedule is estimated;
    the op gets `kiln.schedule` and `kiln.predicted_time_us` (f64). This is
    the only pass that calls a cost model; the passes that tile and
    vectorize only read the attributes.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "cpu[:DESC]: DESC is a name looked up as DESC.json in "
           "targets-dir, a .json path, or empty/'host' for host detection">,
    Option<"targetsDir", "targets-dir", "std::string", /*default=*/"\"\"",
           "where target descriptions are looked up by name (default: the "
           "source tree's targets/)">,
    Option<"scheduleFile", "schedule-file", "std::string", /*default=*/"\"\"",
           "JSON object {\"<func>:<n>\": \"#kiln.schedule<...>\"} of "
           "schedules that override the cost model">,
  ];
}

#endif // KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
