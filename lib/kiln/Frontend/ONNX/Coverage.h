//===- Coverage.h - Which ONNX nodes the importer handles -------*- C++ -*-===//
//
// The importer's operator table: every op type it imports, the earliest
// opset whose semantics it implements, and the attribute values it cannot
// express. Before building any IR the whole graph is checked against it,
// so an unsupported model gets one diagnostic that lists every problem
// (op types with their node counts and names), not just the first.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_COVERAGE_H
#define KILN_LIB_FRONTEND_ONNX_COVERAGE_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace onnx {
class GraphProto;
class NodeProto;
} // namespace onnx

namespace kiln::onnx_import {

/// The newest default-domain opset the importer knows (opset 18 moved the
/// axes of ReduceMean/ReduceMax to inputs and changed Split).
inline constexpr int64_t kMaxOpset = 17;

/// Why a node cannot be imported. Nodes with the same `what` are reported
/// together: "Conv", "Softmax at opset 11", "Cast to DOUBLE".
struct UnsupportedNode {
  std::string what;
  std::string reason; // May be empty (an op type with no importer).
};

/// Nullopt when the importer handles `node` at `opset`.
std::optional<UnsupportedNode> checkNode(const onnx::NodeProto &node,
                                         int64_t opset);

/// Checks every node, graph input, initializer and graph output of `graph`
/// (and the opset); reports everything unsupported in one error at `loc`.
mlir::LogicalResult checkCoverage(const onnx::GraphProto &graph, int64_t opset,
                                  mlir::Location loc);

} // namespace kiln::onnx_import

#endif // KILN_LIB_FRONTEND_ONNX_COVERAGE_H
