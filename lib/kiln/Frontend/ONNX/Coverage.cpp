//===- Coverage.cpp - Which ONNX nodes the importer handles ---------------===//

#include "Coverage.h"

#include "Tensors.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

namespace {

struct OpInfo {
  const char *name;
  /// The earliest opset whose version of the op the importer implements
  /// (later versions up to kMaxOpset only add element types or move an
  /// attribute to an input, which the importer reads either way).
  int64_t minOpset;
  /// Why earlier versions are different, for the report.
  const char *earlier;
};

// Keep docs/onnx.md's table in sync.
const OpInfo kOps[] = {
    {"Abs", 6, nullptr},
    {"Add", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Cast", 6, "earlier versions name the type by string"},
    {"Concat", 4, "earlier versions have a default axis"},
    {"Constant", 1, nullptr},
    {"ConstantOfShape", 9, nullptr},
    {"CumSum", 11, nullptr},
    {"Div", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Equal", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Erf", 9, nullptr},
    {"Exp", 6, nullptr},
    {"Expand", 8, nullptr},
    {"Flatten", 1, nullptr},
    {"Gather", 1, nullptr},
    {"Gemm", 7, "earlier versions broadcast C by the 'broadcast' attribute"},
    {"Identity", 1, nullptr},
    {"LayerNormalization", 17, nullptr},
    {"Log", 6, nullptr},
    {"MatMul", 1, nullptr},
    {"Max", 8, "earlier versions do not broadcast"},
    {"Min", 8, "earlier versions do not broadcast"},
    {"Mul", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Neg", 6, nullptr},
    {"Not", 1, nullptr},
    {"Pow", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Reciprocal", 6, nullptr},
    {"ReduceMax", 1, nullptr},
    {"ReduceMean", 1, nullptr},
    {"ReduceSum", 1, nullptr},
    {"Relu", 6, nullptr},
    {"Reshape", 5, "earlier versions take the shape as an attribute"},
    {"Shape", 1, nullptr},
    {"Sigmoid", 6, nullptr},
    {"Size", 1, nullptr},
    {"Slice", 10, "earlier versions take the bounds as attributes"},
    {"Softmax", 13,
     "earlier versions coerce the input to 2-D around 'axis' instead of "
     "normalizing along it"},
    {"Split", 2, nullptr},
    {"Sqrt", 6, nullptr},
    {"Squeeze", 1, nullptr},
    {"Sub", 7, "earlier versions broadcast by the 'broadcast' attribute"},
    {"Tanh", 6, nullptr},
    {"Transpose", 1, nullptr},
    {"Trilu", 14, nullptr},
    {"Unsqueeze", 1, nullptr},
    {"Where", 9, nullptr},
};

const OpInfo *lookup(llvm::StringRef opType) {
  for (const OpInfo &info : kOps)
    if (opType == info.name)
      return &info;
  return nullptr;
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     llvm::StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

} // namespace

std::optional<UnsupportedNode>
kiln::onnx_import::checkNode(const onnx::NodeProto &node, int64_t opset) {
  const std::string &op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return UnsupportedNode{node.domain() + "." + op,
                           "operators of domain '" + node.domain() +
                               "' are not imported"};
  const OpInfo *info = lookup(op);
  if (!info)
    return UnsupportedNode{op, ""};
  if (opset < info->minOpset) {
    std::string reason = "Kiln imports " + op + " from opset " +
                         std::to_string(info->minOpset);
    if (info->earlier)
      reason += std::string(" (") + info->earlier + ")";
    return UnsupportedNode{op + " at opset " + std::to_string(opset), reason};
  }

  if (op == "Cast") {
    const onnx::AttributeProto *to = findAttr(node, "to");
    if (to && !isKilnDataType(int32_t(to->i())))
      return UnsupportedNode{"Cast to " + onnxTypeName(int32_t(to->i())),
                             kSupportedTypesHint.str()};
  } else if (op == "Constant") {
    for (const onnx::AttributeProto &a : node.attribute()) {
      if (a.name() == "sparse_value")
        return UnsupportedNode{"Constant with sparse_value",
                               "sparse tensors are not imported"};
      if (a.name() == "value_string" || a.name() == "value_strings")
        return UnsupportedNode{"Constant of strings",
                               kSupportedTypesHint.str()};
      if (a.name() == "value" && !isKilnDataType(a.t().data_type()))
        return UnsupportedNode{"Constant of " + onnxTypeName(a.t().data_type()),
                               kSupportedTypesHint.str()};
    }
  } else if (op == "ConstantOfShape") {
    const onnx::AttributeProto *value = findAttr(node, "value");
    if (value && !isKilnDataType(value->t().data_type()))
      return UnsupportedNode{"ConstantOfShape of " +
                                 onnxTypeName(value->t().data_type()),
                             kSupportedTypesHint.str()};
  } else if (op == "LayerNormalization") {
    const onnx::AttributeProto *stash = findAttr(node, "stash_type");
    if (stash && stash->i() != 1)
      return UnsupportedNode{"LayerNormalization with stash_type " +
                                 std::to_string(stash->i()),
                             "Kiln computes the statistics in float32 "
                             "(stash_type 1)"};
  }
  return std::nullopt;
}

namespace {

/// One line of the report: what is unsupported and where.
struct Problem {
  std::string reason;
  llvm::SmallVector<std::string> where;
  bool nodes = true; // `where` names nodes, else values.
};

/// Problems by what is unsupported, in the order first seen.
using ProblemMap =
    llvm::MapVector<std::string, Problem, llvm::StringMap<unsigned>>;

/// "node 'name'" or "node #3" for unnamed nodes.
std::string nodeName(const onnx::NodeProto &node, int index) {
  if (!node.name().empty())
    return node.name();
  return "#" + std::to_string(index);
}

void checkValueType(const onnx::ValueInfoProto &info, llvm::StringRef kind,
                    ProblemMap &problems) {
  const onnx::TypeProto &type = info.type();
  std::string where = (kind + " '" + info.name() + "'").str();
  if (type.value_case() != onnx::TypeProto::kTensorType) {
    if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET)
      return; // The importer reports missing types where it needs them.
    Problem &p = problems["non-tensor " + kind.str()];
    p.reason = "only tensors are imported (no sequences, maps or optionals)";
    p.nodes = false;
    p.where.push_back(where);
    return;
  }
  int32_t elem = type.tensor_type().elem_type();
  if (!isKilnDataType(elem)) {
    Problem &p = problems["element type " + onnxTypeName(elem)];
    p.reason = kSupportedTypesHint.str();
    p.nodes = false;
    p.where.push_back(where);
  }
}

} // namespace

LogicalResult kiln::onnx_import::checkCoverage(const onnx::GraphProto &graph,
                                               int64_t opset, Location loc) {
  ProblemMap problems;
  if (opset > kMaxOpset)
    problems["opset " + std::to_string(opset)].reason =
        "newer than opset " + std::to_string(kMaxOpset) +
        ", the latest Kiln imports";

  llvm::StringMap<bool> initializers;
  for (const onnx::TensorProto &t : graph.initializer()) {
    initializers[t.name()] = true;
    if (!isKilnDataType(t.data_type())) {
      Problem &p = problems["element type " + onnxTypeName(t.data_type())];
      p.reason = kSupportedTypesHint.str();
      p.nodes = false;
      p.where.push_back("initializer '" + t.name() + "'");
    }
  }
  for (const onnx::ValueInfoProto &in : graph.input())
    if (!initializers.count(in.name()))
      checkValueType(in, "input", problems);
  for (const onnx::ValueInfoProto &out : graph.output())
    checkValueType(out, "output", problems);

  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::optional<UnsupportedNode> u = checkNode(node, opset);
    if (!u)
      continue;
    Problem &p = problems[u->what];
    p.reason = u->reason;
    p.where.push_back(nodeName(node, int(index)));
  }
  if (problems.empty())
    return success();

  // One diagnostic with one line per kind of problem.
  constexpr size_t kMaxNames = 5;
  std::string text = "cannot import the model: it uses operators or types "
                     "that Kiln does not support";
  for (auto &[what, problem] : problems) {
    text += "\n  " + what;
    size_t n = problem.where.size();
    std::string names;
    for (size_t i = 0; i < std::min(n, kMaxNames); ++i)
      names += (i ? ", " : "") + problem.where[i];
    if (n > kMaxNames)
      names += ", and " + std::to_string(n - kMaxNames) + " more";
    if (problem.nodes && n)
      text += ": " + std::to_string(n) + (n == 1 ? " node (" : " nodes (") +
              names + ")";
    else if (n)
      text += " (" + names + ")";
    if (!problem.reason.empty())
      text += ": " + problem.reason;
  }
  text += "\n  (docs/onnx.md lists the operators, opsets and element types "
          "Kiln imports)";
  emitError(loc) << text;
  return failure();
}
