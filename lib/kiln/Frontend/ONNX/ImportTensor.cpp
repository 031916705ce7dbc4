//===- ImportTensor.cpp - Shape, data-movement and constant ONNX ops ------===//
//
// Reshape-like ops become kiln.reshape, Split and Slice kiln.slice, Expand
// a broadcasting kiln.where, Trilu a kiln.where with a constant mask.
// Shape, Size, Constant and ConstantOfShape produce contents known at
// import time; every op here evaluates itself on known inputs, so shape
// computations fold away (KnownTensor.h).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace kiln;
using namespace kiln::onnx_import;

namespace {

bool isStatic(ArrayRef<int64_t> shape) {
  return llvm::none_of(shape, ShapedType::isDynamic);
}

/// Sets output `i` to input 0 reshaped to `shape` (evaluated when known).
LogicalResult reshapeTo(GraphImporter &g, ArrayRef<int64_t> shape) {
  if (const KnownTensor *k = g.known(0); k && isStatic(shape)) {
    g.setOutput(0, foldReshape(*k, shape));
    return success();
  }
  FailureOr<Value> x = g.input(0);
  if (failed(x) || failed(x = g.reshape(*x, shape)))
    return failure();
  g.setOutput(0, *x);
  return success();
}

/// Checks that `shape` has at most one dynamic dimension (kiln.reshape
/// derives one from the element count).
LogicalResult checkOneDynamic(GraphImporter &g, ArrayRef<int64_t> shape) {
  if (llvm::count_if(shape, ShapedType::isDynamic) <= 1)
    return success();
  g.emitNodeError() << "the result shape " << shapes::format(shape)
                    << " has more than one dimension known only at run "
                       "time, and kiln.reshape derives at most one; give the "
                       "graph inputs' symbolic dimensions sizes (kilnc and "
                       "kiln-run: --onnx-dim=NAME=SIZE)";
  return failure();
}

LogicalResult importReshape(GraphImporter &g) {
  const KnownTensor *target = g.requireKnown(1, "shape");
  if (!target)
    return failure();
  RankedTensorType in = g.inputType(0);
  bool allowZero = g.intAttr("allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferAt = -1;
  for (int64_t j = 0, e = target->size(); j < e; ++j) {
    if (!target->isKnown(j)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t v = target->getInt(j);
    if (v == 0 && !allowZero) {
      if (j >= in.getRank()) {
        g.emitNodeError() << "shape entry " << j
                          << " is 0 (copy the input's size) but the input "
                          << in << " has rank " << in.getRank();
        return failure();
      }
      shape.push_back(in.getDimSize(j));
    } else if (v == -1) {
      if (inferAt >= 0) {
        g.emitNodeError() << "the shape has more than one -1";
        return failure();
      }
      inferAt = j;
      shape.push_back(ShapedType::kDynamic);
    } else if (v < 0) {
      g.emitNodeError() << "shape entry " << j << " is " << v;
      return failure();
    } else {
      shape.push_back(v);
    }
  }
  // Resolve -1 from the element counts when they are static.
  if (inferAt >= 0 && in.hasStaticShape()) {
    int64_t rest = 1;
    bool restStatic = true;
    for (auto [j, d] : llvm::enumerate(shape)) {
      if (int64_t(j) == inferAt)
        continue;
      if (ShapedType::isDynamic(d))
        restStatic = false;
      else
        rest *= d;
    }
    if (restStatic) {
      if (rest == 0 || in.getNumElements() % rest != 0) {
        g.emitNodeError() << "cannot reshape " << in << " to "
                          << shapes::format(shape)
                          << ": the element counts do not divide";
        return failure();
      }
      shape[inferAt] = in.getNumElements() / rest;
    }
  }
  if (failed(checkOneDynamic(g, shape)))
    return failure();
  return reshapeTo(g, shape);
}

LogicalResult importFlatten(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  int64_t rank = in.getRank();
  int64_t axis = g.intAttr("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank) {
    g.emitNodeError() << "axis " << g.intAttr("axis", 1)
                      << " is out of range for rank " << rank;
    return failure();
  }
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t n = 1;
    for (int64_t d : dims) {
      if (ShapedType::isDynamic(d))
        return ShapedType::kDynamic;
      n *= d;
    }
    return n;
  };
  SmallVector<int64_t> shape = {product(in.getShape().take_front(axis)),
                                product(in.getShape().drop_front(axis))};
  if (failed(checkOneDynamic(g, shape)))
    return failure();
  return reshapeTo(g, shape);
}

/// Axes from the `axes` input (opset 13 and later) or attribute.
FailureOr<SmallVector<int64_t>> axesOperand(GraphImporter &g, bool &given) {
  given = true;
  if (g.getOpset() >= 13) {
    if (!g.hasInput(1)) {
      given = false;
      return SmallVector<int64_t>();
    }
    return g.requireInts(1, "axes");
  }
  std::optional<SmallVector<int64_t>> axes = g.intsAttr("axes");
  given = axes.has_value();
  return axes.value_or(SmallVector<int64_t>());
}

LogicalResult importUnsqueeze(GraphImporter &g) {
  bool given;
  FailureOr<SmallVector<int64_t>> axes = axesOperand(g, given);
  if (failed(axes))
    return failure();
  if (!given) {
    g.emitNodeError() << "Unsqueeze needs axes";
    return failure();
  }
  RankedTensorType in = g.inputType(0);
  int64_t rank = in.getRank() + int64_t(axes->size());
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> n = shapes::normalizeAxis(a, rank, "axes", nodeErrors(g));
    if (failed(n))
      return failure();
    if (inserted[*n]) {
      g.emitNodeError() << "axis " << a << " is repeated";
      return failure();
    }
    inserted[*n] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : in.getDimSize(next++));
  return reshapeTo(g, shape);
}

LogicalResult importSqueeze(GraphImporter &g) {
  bool given;
  FailureOr<SmallVector<int64_t>> axes = axesOperand(g, given);
  if (failed(axes))
    return failure();
  RankedTensorType in = g.inputType(0);
  int64_t rank = in.getRank();
  SmallVector<bool> removed(rank, false);
  if (!given) {
    for (int64_t d = 0; d < rank; ++d) {
      if (in.isDynamicDim(d)) {
        g.emitNodeError() << "Squeeze without axes cannot tell whether the "
                             "dynamic dimension "
                          << d << " of " << in << " is 1";
        return failure();
      }
      removed[d] = in.getDimSize(d) == 1;
    }
  }
  for (int64_t a : *axes) {
    FailureOr<int64_t> n = shapes::normalizeAxis(a, rank, "axes", nodeErrors(g));
    if (failed(n))
      return failure();
    if (!in.isDynamicDim(*n) && in.getDimSize(*n) != 1) {
      g.emitNodeError() << "cannot squeeze dimension " << *n << " of " << in
                        << ": its size is not 1";
      return failure();
    }
    removed[*n] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      shape.push_back(in.getDimSize(d));
  return reshapeTo(g, shape);
}

LogicalResult importTranspose(GraphImporter &g) {
  int64_t rank = g.inputType(0).getRank();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = g.intsAttr("perm")) {
    perm = *p;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  if (const KnownTensor *k = g.known(0)) {
    if (succeeded(shapes::transpose(k->shape, perm, nodeErrors(g)))) {
      g.setOutput(0, foldTranspose(*k, perm));
      return success();
    }
    return failure();
  }
  FailureOr<Value> x = g.input(0);
  if (failed(x) || failed(x = g.create<TransposeOp>(*x, perm)))
    return failure();
  g.setOutput(0, *x);
  return success();
}

LogicalResult importConcat(GraphImporter &g) {
  int64_t axis = g.intAttr("axis", 0);
  SmallVector<const KnownTensor *> known;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (unsigned i = 0; i < g.numInputs(); ++i) {
    if (!g.hasInput(i)) {
      g.emitNodeError() << "input " << i << " is not given";
      return failure();
    }
    known.push_back(g.known(i));
    shapes.push_back(g.inputType(i).getShape());
  }
  if (llvm::all_of(known, [](const KnownTensor *k) { return k; })) {
    FailureOr<shapes::Shape> shape = shapes::concat(shapes, axis, nodeErrors(g));
    if (failed(shape))
      return failure();
    if (ShapedType::getNumElements(*shape) <= kMaxKnownElements) {
      int64_t a = axis < 0 ? axis + int64_t(shape->size()) : axis;
      g.setOutput(0, foldConcat(known, a));
      return success();
    }
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < g.numInputs(); ++i) {
    FailureOr<Value> v = g.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  FailureOr<Value> y =
      inputs.size() == 1
          ? FailureOr<Value>(inputs.front())
          : g.create<ConcatOp>(inputs, g.builder.getI64IntegerAttr(axis));
  return g.setFirstOutput(y);
}

/// Sets output `out` to the slice of input 0 with kiln's normalized bounds.
LogicalResult sliceTo(GraphImporter &g, unsigned out, ArrayRef<int64_t> starts,
                      ArrayRef<int64_t> limits, ArrayRef<int64_t> steps) {
  if (const KnownTensor *k = g.known(0)) {
    g.setOutput(out, foldSlice(*k, starts, limits, steps));
    return success();
  }
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  bool unitSteps = llvm::all_of(steps, [](int64_t s) { return s == 1; });
  FailureOr<Value> y = g.create<SliceOp>(
      *x, starts, limits,
      unitSteps ? DenseI64ArrayAttr() : g.builder.getDenseI64ArrayAttr(steps));
  if (failed(y))
    return failure();
  g.setOutput(out, *y);
  return success();
}

/// kiln.slice takes concrete bounds for every dimension.
LogicalResult requireStatic(GraphImporter &g, RankedTensorType type) {
  if (type.hasStaticShape())
    return success();
  g.emitNodeError() << g.node().op_type() << " of " << type
                    << " needs a static shape (kiln.slice takes concrete "
                       "bounds); give the graph inputs' symbolic dimensions "
                       "sizes (kilnc and kiln-run: --onnx-dim=NAME=SIZE)";
  return failure();
}

LogicalResult importSlice(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  if (failed(requireStatic(g, in)))
    return failure();
  FailureOr<SmallVector<int64_t>> starts = g.requireInts(1, "starts");
  if (failed(starts))
    return failure();
  FailureOr<SmallVector<int64_t>> ends = g.requireInts(2, "ends");
  if (failed(ends))
    return failure();
  size_t count = starts->size();
  SmallVector<int64_t> axes, steps(count, 1);
  if (g.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = g.requireInts(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (size_t i = 0; i < count; ++i)
      axes.push_back(int64_t(i));
  }
  if (g.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> s = g.requireInts(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != count || axes.size() != count || steps.size() != count) {
    g.emitNodeError() << "starts, ends, axes and steps must have the same "
                         "length, got "
                      << count << ", " << ends->size() << ", " << axes.size()
                      << " and " << steps.size();
    return failure();
  }
  int64_t rank = in.getRank();
  SmallVector<int64_t> kStarts(rank, 0), kLimits(in.getShape()), kSteps(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < count; ++i) {
    FailureOr<int64_t> axis =
        shapes::normalizeAxis(axes[i], rank, "axes", nodeErrors(g));
    if (failed(axis))
      return failure();
    if (seen[*axis]) {
      g.emitNodeError() << "axis " << axes[i] << " is repeated";
      return failure();
    }
    seen[*axis] = true;
    int64_t dim = in.getDimSize(*axis), step = steps[i];
    if (step == 0) {
      g.emitNodeError() << "step " << i << " is 0";
      return failure();
    }
    // ONNX: negative bounds count from the back, then clamp to the
    // dimension ([0, dim] going forward, [-1, dim - 1] going backward).
    int64_t s = (*starts)[i], e = (*ends)[i];
    if (s < 0)
      s = std::max<int64_t>(s, std::numeric_limits<int64_t>::min() + dim) + dim;
    if (e < 0)
      e = std::max<int64_t>(e, std::numeric_limits<int64_t>::min() + dim) + dim;
    if (dim == 0) {
      s = e = 0;
      step = 1;
    } else if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      e = std::max(e, s);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      e = std::min(e, s);
    }
    kStarts[*axis] = s;
    kLimits[*axis] = e;
    kSteps[*axis] = step;
  }
  return sliceTo(g, 0, kStarts, kLimits, kSteps);
}

LogicalResult importSplit(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  if (failed(requireStatic(g, in)))
    return failure();
  FailureOr<int64_t> axis = shapes::normalizeAxis(
      g.intAttr("axis", 0), in.getRank(), "axis", nodeErrors(g));
  if (failed(axis))
    return failure();
  int64_t dim = in.getDimSize(*axis);
  unsigned parts = g.numOutputs();
  SmallVector<int64_t> sizes;
  if (g.getOpset() >= 13 && g.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = g.requireInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (g.getOpset() < 13 && g.intsAttr("split")) {
    sizes = *g.intsAttr("split");
  } else {
    if (parts == 0 || dim % parts != 0) {
      g.emitNodeError() << "cannot split dimension " << *axis << " of size "
                        << dim << " into " << parts << " equal parts";
      return failure();
    }
    sizes.assign(parts, dim / parts);
  }
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) {
      g.emitNodeError() << "split sizes must not be negative, got " << s;
      return failure();
    }
    total += s;
  }
  if (sizes.size() != parts || total != dim) {
    g.emitNodeError() << "split sizes (" << sizes.size() << " of them, total "
                      << total << ") must give " << parts
                      << " parts covering dimension " << *axis << " of size "
                      << dim;
    return failure();
  }
  int64_t rank = in.getRank(), offset = 0;
  for (unsigned i = 0; i < parts; ++i) {
    SmallVector<int64_t> starts(rank, 0), limits(in.getShape()), steps(rank, 1);
    starts[*axis] = offset;
    limits[*axis] = offset + sizes[i];
    offset += sizes[i];
    if (g.hasOutput(i) && failed(sliceTo(g, i, starts, limits, steps)))
      return failure();
  }
  return success();
}

LogicalResult importGather(GraphImporter &g) {
  int64_t axis = g.intAttr("axis", 0);
  RankedTensorType dataType = g.inputType(0), indicesType = g.inputType(1);
  const KnownTensor *data = g.known(0), *indices = g.known(1);
  if (data && indices) {
    FailureOr<shapes::Shape> shape = shapes::gather(
        dataType.getShape(), indicesType.getShape(), axis, nodeErrors(g));
    if (failed(shape))
      return failure();
    if (ShapedType::getNumElements(*shape) <= kMaxKnownElements) {
      int64_t a = axis < 0 ? axis + dataType.getRank() : axis;
      FailureOr<KnownTensor> r = foldGather(*data, *indices, a, nodeErrors(g));
      return g.setFirstOutput(std::move(r));
    }
  }
  FailureOr<Value> d = g.input(0), i = g.input(1);
  if (failed(d) || failed(i))
    return failure();
  FailureOr<Value> y =
      g.create<GatherOp>(*d, *i, g.builder.getI64IntegerAttr(axis));
  return g.setFirstOutput(y);
}

LogicalResult importExpand(GraphImporter &g) {
  FailureOr<SmallVector<int64_t>> target = g.requireInts(1, "shape");
  if (failed(target))
    return failure();
  RankedTensorType in = g.inputType(0);
  FailureOr<shapes::Shape> shape = shapes::broadcast(
      {in.getShape(), *target}, {"input", "shape"}, nodeErrors(g));
  if (failed(shape))
    return failure();
  if (const KnownTensor *k = g.known(0);
      k && ShapedType::getNumElements(*shape) <= kMaxKnownElements) {
    g.setOutput(0, foldBroadcastTo(*k, *shape));
    return success();
  }
  if (!isStatic(*shape)) {
    g.emitNodeError() << "Expand of " << in << " to " << shapes::format(*shape)
                      << " needs a static shape; give the graph inputs' "
                         "symbolic dimensions sizes (kilnc and kiln-run: "
                         "--onnx-dim=NAME=SIZE)";
    return failure();
  }
  FailureOr<Value> x = g.input(0);
  if (failed(x) || failed(x = g.broadcastTo(*x, *shape)))
    return failure();
  g.setOutput(0, *x);
  return success();
}

/// Keeps one triangle of the last two dimensions: a where with a constant
/// mask.
LogicalResult importTrilu(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  int64_t rank = in.getRank();
  if (rank < 2) {
    g.emitNodeError() << "Trilu needs rank 2 or more, got " << in;
    return failure();
  }
  int64_t k = 0;
  if (g.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> kv = g.requireInts(1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1) {
      g.emitNodeError() << "k must hold one value, got " << kv->size();
      return failure();
    }
    k = kv->front();
  }
  bool upper = g.intAttr("upper", 1) != 0;
  if (const KnownTensor *x = g.known(0)) {
    g.setOutput(0, foldTrilu(*x, upper, k));
    return success();
  }
  int64_t rows = in.getDimSize(rank - 2), cols = in.getDimSize(rank - 1);
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(cols)) {
    g.emitNodeError() << "Trilu of " << in
                      << " needs static sizes in the last two dimensions";
    return failure();
  }
  KnownTensor mask = KnownTensor::splat(g.builder.getI1Type(), {rows, cols}, 1);
  mask = foldTrilu(mask, upper, k);
  Value keep = g.constant(makeElementsAttr(mask, "trilu_mask"));
  FailureOr<Value> x = g.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y =
      g.create<WhereOp>(keep, *x, g.scalar(in.getElementType(), 0));
  return g.setFirstOutput(y);
}

//===----------------------------------------------------------------------===//
// Shape, Size, Constant, ConstantOfShape, Identity
//===----------------------------------------------------------------------===//

LogicalResult importShape(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  int64_t rank = in.getRank();
  // Opset 15's start/end: clamped, negative values count from the back.
  auto bound = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = bound(g.intAttr("start", 0));
  int64_t end = g.attr("end") ? bound(g.intAttr("end", rank)) : rank;
  KnownTensor shape;
  shape.elementType = g.builder.getI64Type();
  for (int64_t d = start; d < end; ++d) {
    shape.ints.push_back(in.isDynamicDim(d) ? 0 : in.getDimSize(d));
    shape.unknown.push_back(in.isDynamicDim(d));
  }
  shape.shape = {int64_t(shape.ints.size())};
  g.setOutput(0, std::move(shape));
  return success();
}

LogicalResult importSize(GraphImporter &g) {
  RankedTensorType in = g.inputType(0);
  KnownTensor size = KnownTensor::ofInts(
      g.builder.getI64Type(), {},
      {in.hasStaticShape() ? in.getNumElements() : 0});
  if (!in.hasStaticShape())
    size.unknown = {true};
  g.setOutput(0, std::move(size));
  return success();
}

LogicalResult importConstant(GraphImporter &g) {
  Type f32 = g.builder.getF32Type(), i64 = g.builder.getI64Type();
  for (const onnx::AttributeProto &a : g.node().attribute()) {
    const std::string &name = a.name();
    if (name == "value")
      return g.setOutput(0, a.t());
    if (name == "value_float") {
      g.setOutput(0, KnownTensor::ofFloats(f32, {}, {double(a.f())}));
      return success();
    }
    if (name == "value_floats") {
      SmallVector<double> values(a.floats().begin(), a.floats().end());
      g.setOutput(0, KnownTensor::ofFloats(f32, {int64_t(values.size())}, values));
      return success();
    }
    if (name == "value_int") {
      g.setOutput(0, KnownTensor::ofInts(i64, {}, {a.i()}));
      return success();
    }
    if (name == "value_ints") {
      SmallVector<int64_t> values(a.ints().begin(), a.ints().end());
      g.setOutput(0, KnownTensor::ofInts(i64, {int64_t(values.size())}, values));
      return success();
    }
  }
  g.emitNodeError() << "Constant has no value attribute";
  return failure();
}

LogicalResult importConstantOfShape(GraphImporter &g) {
  FailureOr<SmallVector<int64_t>> shape = g.requireInts(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape) {
    if (d < 0) {
      g.emitNodeError() << "shape " << shapes::format(*shape)
                        << " has a negative size";
      return failure();
    }
  }
  // The fill value: a one-element tensor, by default float 0.
  KnownTensor value = KnownTensor::ofFloats(g.builder.getF32Type(), {1}, {0.0});
  if (const onnx::AttributeProto *a = g.attr("value")) {
    FailureOr<KnownTensor> v = g.readKnown(a->t());
    if (failed(v))
      return failure();
    if (v->size() != 1) {
      g.emitNodeError() << "value must hold one element, got " << v->size();
      return failure();
    }
    value = std::move(*v);
  }
  if (ShapedType::getNumElements(*shape) <= kMaxKnownElements) {
    KnownTensor result = foldBroadcastTo(foldReshape(value, {}), *shape);
    g.setOutput(0, std::move(result));
    return success();
  }
  // Large splats stay one attribute.
  DenseElementsAttr one = foldReshape(value, {}).toAttr();
  g.setOutput(0, one.resizeSplat(RankedTensorType::get(*shape, value.elementType)));
  return success();
}

LogicalResult importIdentity(GraphImporter &g) {
  if (const KnownTensor *k = g.known(0)) {
    g.setOutput(0, *k);
    return success();
  }
  return g.setFirstOutput(g.input(0));
}

} // namespace

void kiln::onnx_import::addTensorImporters(llvm::StringMap<OpImporter> &table) {
  table["Reshape"] = {importReshape, 2};
  table["Flatten"] = {importFlatten, 1};
  table["Unsqueeze"] = {importUnsqueeze, 1};
  table["Squeeze"] = {importSqueeze, 1};
  table["Transpose"] = {importTranspose, 1};
  table["Concat"] = {importConcat, 1};
  table["Slice"] = {importSlice, 3};
  table["Split"] = {importSplit, 1};
  table["Gather"] = {importGather, 2};
  table["Expand"] = {importExpand, 2};
  table["Trilu"] = {importTrilu, 1};
  table["Shape"] = {importShape, 1};
  table["Size"] = {importSize, 1};
  table["Constant"] = {importConstant, 0};
  table["ConstantOfShape"] = {importConstantOfShape, 1};
  table["Identity"] = {importIdentity, 1};
}
