//===- GraphImporter.cpp - Building kiln IR from an ONNX graph ------------===//

#include "GraphImporter.h"

#include "onnx/onnx_pb.h"

#include "kiln/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

GraphImporter::GraphImporter(MLIRContext &context,
                             const onnx::ModelProto &model, StringRef path,
                             int64_t opset, const ONNXImportOptions &options)
    : builder(&context), context(&context), model(model), path(path.str()),
      opset(opset), options(options), reader(path),
      fileLoc(FileLineColLoc::get(&context, path, 0, 0)), currentLoc(fileLoc) {
  addMathImporters(importers);
  addTensorImporters(importers);
}

/// The graph's name as a function name (a C identifier, for the headers
/// kilnc writes), or "main".
static std::string functionName(StringRef graphName) {
  std::string name;
  for (char c : graphName)
    name += llvm::isAlnum(c) ? c : '_';
  if (name.empty())
    return "main";
  if (llvm::isDigit(name.front()))
    name = "graph_" + name;
  return name;
}

OwningOpRef<ModuleOp> GraphImporter::import() {
  context->loadDialect<KilnDialect, func::FuncDialect>();
  const onnx::GraphProto &graph = model.graph();

  // Initializers: checked now (so that reading them later cannot fail),
  // materialized when first used.
  for (const onnx::TensorProto &t : graph.initializer()) {
    std::string error;
    RankedTensorType type = reader.getType(t, context, error);
    std::vector<char> storage;
    StringRef bytes;
    if (type)
      reader.readBytes(t, type, storage, bytes, error);
    if (!error.empty()) {
      emitError(fileLoc) << "initializer '" << t.name() << "' " << error;
      return {};
    }
    Entry entry;
    entry.tensor = &t;
    entry.type = type;
    if (!entries.try_emplace(t.name(), entry).second) {
      emitError(fileLoc) << "initializer '" << t.name()
                         << "' is defined twice";
      return {};
    }
  }

  // Graph inputs with an initializer of the same name are constants.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &in : graph.input())
    if (!entries.count(in.name()) &&
        failed(addGraphInput(in, argTypes, argNames)))
      return {};

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  auto fn = func::FuncOp::create(fileLoc, functionName(graph.name()),
                                 FunctionType::get(context, argTypes, {}));
  module->push_back(fn);
  Block *body = fn.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    Entry entry;
    entry.value = body->getArgument(i);
    entry.type = cast<RankedTensorType>(argTypes[i]);
    entries[name] = entry;
  }
  builder.setInsertionPointToEnd(body);

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, int(index))))
      return {};

  currentNode = nullptr;
  currentLoc = fileLoc;
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    if (!entries.count(out.name())) {
      emitError(fileLoc) << "graph output '" << out.name()
                         << "' is not a graph input, an initializer or the "
                            "output of a node";
      return {};
    }
    FailureOr<Value> value = materialize(out.name(), "graph output");
    if (failed(value) || failed(checkOutput(out, *value)))
      return {};
    results.push_back(*value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  fn.setType(FunctionType::get(context, argTypes, TypeRange(results)));

  // The op importers checked every op they built; this catches the rest.
  if (failed(verify(*module)))
    return {};
  return module;
}

LogicalResult GraphImporter::addGraphInput(const onnx::ValueInfoProto &info,
                                           SmallVectorImpl<Type> &types,
                                           SmallVectorImpl<std::string> &names) {
  const onnx::TypeProto &type = info.type();
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) {
    emitError(fileLoc) << "graph input '" << info.name()
                       << "' has no tensor type with a shape; Kiln imports "
                          "ranked tensors only";
    return failure();
  }
  const onnx::TypeProto_Tensor &tensor = type.tensor_type();
  Type element = kilnElementType(tensor.elem_type(), context);
  if (!element) {
    emitError(fileLoc) << "graph input '" << info.name()
                       << "' has element type "
                       << onnxTypeName(tensor.elem_type()) << "; "
                       << kSupportedTypesHint;
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
    } else if (dim.has_dim_param() &&
               options.dimValues.count(dim.dim_param())) {
      shape.push_back(options.dimValues.lookup(dim.dim_param()));
    } else {
      shape.push_back(ShapedType::kDynamic);
    }
  }
  types.push_back(RankedTensorType::get(shape, element));
  names.push_back(info.name());
  return success();
}

LogicalResult GraphImporter::checkOutput(const onnx::ValueInfoProto &info,
                                         Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  const onnx::TypeProto &declared = info.type();
  if (!declared.has_tensor_type())
    return success(); // Nothing declared to compare with.
  const onnx::TypeProto_Tensor &tensor = declared.tensor_type();
  Type element = kilnElementType(tensor.elem_type(), context);
  bool ok = !element || element == type.getElementType();
  if (ok && tensor.has_shape()) {
    ok = tensor.shape().dim_size() == type.getRank();
    for (int d = 0; ok && d < tensor.shape().dim_size(); ++d) {
      const onnx::TensorShapeProto_Dimension &dim = tensor.shape().dim(d);
      if (dim.has_dim_value() && !type.isDynamicDim(d))
        ok = dim.dim_value() == type.getDimSize(d);
    }
  }
  if (ok)
    return success();
  emitError(fileLoc) << "graph output '" << info.name() << "' is declared as "
                     << onnxTypeName(tensor.elem_type()) << " with "
                     << tensor.shape().dim_size()
                     << " dimensions, but the graph computes " << type;
  return failure();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  currentNode = &node;
  currentIndex = index;
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  currentLoc = NameLoc::get(StringAttr::get(context, name), fileLoc);
  for (const std::string &in : node.input()) {
    if (!in.empty() && !entries.count(in)) {
      emitNodeError() << "input '" << in
                      << "' is not a graph input, an initializer or the "
                         "output of an earlier node (ONNX lists nodes in "
                         "topological order)";
      return failure();
    }
  }
  auto it = importers.find(node.op_type());
  if (it == importers.end()) {
    // checkCoverage admits only op types with an importer.
    emitNodeError() << "no importer for this operator";
    return failure();
  }
  const OpImporter &importer = it->second;
  for (unsigned i = 0; i < importer.minInputs; ++i) {
    if (!hasInput(i)) {
      emitNodeError() << node.op_type() << " takes at least "
                      << importer.minInputs << " input"
                      << (importer.minInputs == 1 ? "" : "s")
                      << ", but input " << i << " is not given";
      return failure();
    }
  }
  if (node.output_size() == 0 || node.output(0).empty()) {
    emitNodeError() << "the node has no output";
    return failure();
  }
  badAttribute = false;
  if (failed(importer.fn(*this)) || badAttribute)
    return failure();
  for (int i = 0; i < node.output_size(); ++i) {
    if (hasOutput(i) && !entries.count(node.output(i))) {
      emitNodeError() << "output " << i << " ('" << node.output(i)
                      << "') is not supported";
      return failure();
    }
  }
  return success();
}

InFlightDiagnostic GraphImporter::emitNodeError() {
  if (!currentNode)
    return emitError(fileLoc);
  std::string name = currentNode->name().empty()
                         ? "#" + std::to_string(currentIndex)
                         : "'" + currentNode->name() + "'";
  return emitError(currentLoc) << "node " << name << " ("
                               << currentNode->op_type() << "): ";
}

//===----------------------------------------------------------------------===//
// Inputs and outputs of the current node
//===----------------------------------------------------------------------===//

bool GraphImporter::hasInput(unsigned i) const {
  return int(i) < currentNode->input_size() && !currentNode->input(i).empty();
}
unsigned GraphImporter::numInputs() const { return currentNode->input_size(); }
StringRef GraphImporter::inputName(unsigned i) const {
  return currentNode->input(i);
}
bool GraphImporter::hasOutput(unsigned i) const {
  return int(i) < currentNode->output_size() &&
         !currentNode->output(i).empty();
}
unsigned GraphImporter::numOutputs() const {
  return currentNode->output_size();
}

GraphImporter::Entry *GraphImporter::lookupInput(unsigned i) {
  auto it = entries.find(currentNode->input(i));
  return it == entries.end() ? nullptr : &it->second;
}

RankedTensorType GraphImporter::inputType(unsigned i) {
  return lookupInput(i)->type;
}

FailureOr<Value> GraphImporter::input(unsigned i) {
  return materialize(currentNode->input(i), "input");
}

FailureOr<Value> GraphImporter::materialize(StringRef name, StringRef role) {
  Entry &e = entries[name];
  if (e.value)
    return e.value;
  if (e.known) {
    if (!e.known->allKnown()) {
      emitNodeError()
          << role << " '" << name
          << "' is computed from a dynamic dimension (a Shape of a tensor "
             "with a '?' size), which kiln ops cannot read at run time; give "
             "the graph inputs' symbolic dimensions sizes (kilnc and "
             "kiln-run: --onnx-dim=NAME=SIZE)";
      return failure();
    }
    e.value = constant(makeElementsAttr(*e.known, name));
    return e.value;
  }
  if (!e.attr && e.tensor) {
    std::string error;
    e.attr = reader.read(*e.tensor, e.type, error);
    if (!e.attr) { // Checked when the tensor was registered; kept for safety.
      emitNodeError() << "tensor '" << name << "' " << error;
      return failure();
    }
  }
  e.value = constant(e.attr);
  return e.value;
}

const KnownTensor *GraphImporter::knownOf(StringRef name) {
  Entry &e = entries[name];
  if (e.known)
    return &*e.known;
  if (e.knownChecked || !e.type || !e.type.hasStaticShape() ||
      e.type.getNumElements() > kMaxKnownElements)
    return nullptr;
  e.knownChecked = true;
  if (e.tensor) {
    std::vector<char> storage;
    StringRef bytes;
    std::string error;
    if (reader.readBytes(*e.tensor, e.type, storage, bytes, error))
      e.known = knownFromBytes(e.type, bytes);
  } else if (auto dense = dyn_cast_if_present<DenseElementsAttr>(e.attr)) {
    e.known = KnownTensor::fromAttr(dense);
  }
  return e.known ? &*e.known : nullptr;
}

const KnownTensor *GraphImporter::known(unsigned i) {
  return hasInput(i) ? knownOf(currentNode->input(i)) : nullptr;
}

const KnownTensor *GraphImporter::requireKnown(unsigned i, StringRef what) {
  if (const KnownTensor *k = known(i))
    return k;
  emitNodeError() << "the " << what << " (input '" << inputName(i)
                  << "') must be known at import time: a constant, an "
                     "initializer, or computed from static shapes";
  return nullptr;
}

FailureOr<SmallVector<int64_t>> GraphImporter::requireInts(unsigned i,
                                                           StringRef what) {
  const KnownTensor *k = requireKnown(i, what);
  if (!k)
    return failure();
  if (!k->allKnown()) {
    emitNodeError() << "the " << what << " (input '" << inputName(i)
                    << "') depends on a dynamic dimension; give the graph "
                       "inputs' symbolic dimensions sizes (kilnc and "
                       "kiln-run: --onnx-dim=NAME=SIZE)";
    return failure();
  }
  SmallVector<int64_t> values;
  for (int64_t j = 0, e = k->size(); j < e; ++j)
    values.push_back(k->getInt(j));
  return values;
}

void GraphImporter::setEntry(unsigned i, Entry entry) {
  entries[currentNode->output(i)] = std::move(entry);
}

void GraphImporter::setOutput(unsigned i, Value value) {
  Entry e;
  e.value = value;
  e.type = cast<RankedTensorType>(value.getType());
  setEntry(i, std::move(e));
}

LogicalResult GraphImporter::setFirstOutput(FailureOr<Value> result) {
  if (failed(result))
    return failure();
  setOutput(0, *result);
  return success();
}

LogicalResult GraphImporter::setFirstOutput(FailureOr<KnownTensor> result) {
  if (failed(result))
    return failure();
  setOutput(0, std::move(*result));
  return success();
}

void GraphImporter::setOutput(unsigned i, KnownTensor known) {
  Entry e;
  e.type = known.getType();
  e.known = std::move(known);
  setEntry(i, std::move(e));
}

void GraphImporter::setOutput(unsigned i, ElementsAttr attr) {
  Entry e;
  e.type = cast<RankedTensorType>(attr.getType());
  e.attr = attr;
  setEntry(i, std::move(e));
}

LogicalResult GraphImporter::readTensorAttribute(
    const onnx::TensorProto &tensor, RankedTensorType &type,
    std::vector<char> &storage, StringRef &bytes) {
  std::string error;
  type = reader.getType(tensor, context, error);
  if (!type || !reader.readBytes(tensor, type, storage, bytes, error)) {
    emitNodeError() << "the tensor attribute " << error;
    return failure();
  }
  return success();
}

LogicalResult GraphImporter::setOutput(unsigned i,
                                       const onnx::TensorProto &tensor) {
  RankedTensorType type;
  std::vector<char> storage;
  StringRef bytes;
  if (failed(readTensorAttribute(tensor, type, storage, bytes)))
    return failure();
  Entry e;
  e.type = type;
  e.tensor = &tensor;
  setEntry(i, std::move(e));
  return success();
}

FailureOr<KnownTensor> GraphImporter::readKnown(const onnx::TensorProto &tensor) {
  RankedTensorType type;
  std::vector<char> storage;
  StringRef bytes;
  if (failed(readTensorAttribute(tensor, type, storage, bytes)))
    return failure();
  return knownFromBytes(type, bytes);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *GraphImporter::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : currentNode->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

const onnx::AttributeProto *GraphImporter::typedAttr(StringRef name, int type) {
  const onnx::AttributeProto *a = attr(name);
  if (!a || a->type() == type)
    return a;
  // Files written before IR version 2 have no types: accept a set field.
  if (a->type() == onnx::AttributeProto::UNDEFINED &&
      ((type == onnx::AttributeProto::INT && a->has_i()) ||
       (type == onnx::AttributeProto::FLOAT && a->has_f()) ||
       (type == onnx::AttributeProto::INTS && a->ints_size())))
    return a;
  if (!badAttribute)
    emitNodeError() << "attribute '" << name << "' is "
                    << onnx::AttributeProto_AttributeType_Name(
                           onnx::AttributeProto_AttributeType(a->type()))
                    << ", expected "
                    << onnx::AttributeProto_AttributeType_Name(
                           onnx::AttributeProto_AttributeType(type));
  badAttribute = true;
  return nullptr;
}

int64_t GraphImporter::intAttr(StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *a = typedAttr(name, onnx::AttributeProto::INT);
  return a ? a->i() : defaultValue;
}

double GraphImporter::floatAttr(StringRef name, double defaultValue) {
  const onnx::AttributeProto *a = typedAttr(name, onnx::AttributeProto::FLOAT);
  return a ? double(a->f()) : defaultValue;
}

std::optional<SmallVector<int64_t>> GraphImporter::intsAttr(StringRef name) {
  const onnx::AttributeProto *a = typedAttr(name, onnx::AttributeProto::INTS);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

std::string GraphImporter::captureDiagnostic(llvm::function_ref<void()> fn) {
  std::string message;
  {
    ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
      if (message.empty())
        message = d.str();
      return success();
    });
    fn();
  }
  return message;
}

FailureOr<Value> GraphImporter::checked(Operation *op) {
  bool ok = true;
  std::string message =
      captureDiagnostic([&] { ok = succeeded(mlir::verify(op)); });
  if (!ok) {
    op->erase();
    emitNodeError() << message;
    return failure();
  }
  return op->getResult(0);
}

Value GraphImporter::constant(ElementsAttr value) {
  return ConstantOp::create(builder, currentLoc, value).getResult();
}

Value GraphImporter::splat(Type elementType, ArrayRef<int64_t> shape,
                           double value) {
  auto type = RankedTensorType::get(shape, elementType);
  DenseElementsAttr attr;
  if (auto f = dyn_cast<FloatType>(elementType)) {
    llvm::APFloat v(value);
    bool lostInfo;
    v.convert(f.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lostInfo);
    attr = DenseElementsAttr::get(type, ArrayRef<llvm::APFloat>(v));
  } else if (elementType.isInteger(1)) {
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(value != 0));
  } else {
    llvm::APInt v(elementType.getIntOrFloatBitWidth(), uint64_t(int64_t(value)),
                  /*isSigned=*/true, /*implicitTrunc=*/true);
    attr = DenseElementsAttr::get(type, ArrayRef<llvm::APInt>(v));
  }
  return constant(attr);
}

FailureOr<Value> GraphImporter::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  auto op = ReshapeOp::create(builder, currentLoc,
                              RankedTensorType::get(shape, type.getElementType()),
                              v);
  return checked(op);
}

FailureOr<Value> GraphImporter::castTo(Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  auto op = CastOp::create(builder, currentLoc, type.clone(elementType), v);
  return checked(op);
}

FailureOr<Value> GraphImporter::broadcastTo(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  Value all = splat(builder.getI1Type(), shape, 1);
  return create<WhereOp>(all, v, v);
}
