//===- GraphDialect.cpp - The kiln graph dialect --------------------------===//

#include "kiln/Dialect/Graph/IR/GraphDialect.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;

#include "kiln/Dialect/Graph/IR/GraphDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/Graph/IR/GraphAttrs.cpp.inc"

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "kiln/Dialect/Graph/IR/GraphOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kiln/Dialect/Graph/IR/GraphAttrs.cpp.inc"
      >();
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

//===----------------------------------------------------------------------===//
// #kiln.schedule
//===----------------------------------------------------------------------===//

static std::string listToString(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

SmallVector<int64_t> ScheduleAttr::getOrderOrIdentity() const {
  if (!getOrder().empty())
    return SmallVector<int64_t>(getOrder());
  SmallVector<int64_t> identity;
  for (unsigned i = 0, e = getNumLoops(); i < e; ++i)
    identity.push_back(i);
  return identity;
}

ScheduleAttr ScheduleAttr::get(MLIRContext *context,
                               ArrayRef<SmallVector<int64_t>> tiles,
                               ArrayRef<int64_t> order, ArrayRef<int64_t> pack,
                               std::optional<int64_t> group,
                               std::optional<int64_t> prefetch) {
  SmallVector<DenseI64ArrayAttr> levels;
  for (const SmallVector<int64_t> &level : tiles)
    levels.push_back(DenseI64ArrayAttr::get(context, level));
  return get(context, levels, order, pack, group, prefetch);
}

LogicalResult
ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     ArrayRef<DenseI64ArrayAttr> tiles, ArrayRef<int64_t> order,
                     ArrayRef<int64_t> pack, std::optional<int64_t> group,
                     std::optional<int64_t> prefetch) {
  if (tiles.empty())
    return emitError() << "#kiln.schedule: tiles must have at least one level";
  size_t loops = tiles.front().size();
  for (auto [level, sizes] : llvm::enumerate(tiles)) {
    if (size_t(sizes.size()) != loops)
      return emitError() << "#kiln.schedule: tiles[" << level << "] has "
                         << sizes.size() << " entries but tiles[0] has "
                         << loops << " (one per loop at every level)";
    for (auto [i, size] : llvm::enumerate(sizes.asArrayRef()))
      if (size < 0)
        return emitError() << "#kiln.schedule: tiles[" << level << "][" << i
                           << "] must be >= 0 (0 = not tiled), got " << size;
  }
  if (!order.empty()) {
    SmallVector<bool> seen(loops, false);
    bool ok = order.size() == loops;
    for (int64_t o : order) {
      if (!ok || o < 0 || o >= int64_t(loops) || seen[o]) {
        ok = false;
        break;
      }
      seen[o] = true;
    }
    if (!ok)
      return emitError() << "#kiln.schedule: order must be a permutation of [0, "
                         << loops << "), got " << listToString(order);
  }
  if (!pack.empty()) {
    if (pack.size() != 3)
      return emitError() << "#kiln.schedule: pack must have 3 entries [m0, n0, "
                            "k0], got "
                         << listToString(pack);
    for (int64_t p : pack)
      if (p <= 0)
        return emitError() << "#kiln.schedule: pack entries must be positive, "
                              "got "
                           << listToString(pack);
  }
  if (group && *group < 0)
    return emitError() << "#kiln.schedule: group must be >= 0, got " << *group;
  if (prefetch && (*prefetch < 0 || *prefetch > 3))
    return emitError() << "#kiln.schedule: prefetch is a locality in [0, 3], got "
                       << *prefetch;
  return success();
}

/// `[` (int (`,` int)*)? `]`
static ParseResult parseIntList(AsmParser &parser,
                                SmallVectorImpl<int64_t> &values) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        int64_t v;
        if (parser.parseInteger(v))
          return failure();
        values.push_back(v);
        return success();
      });
}

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  MLIRContext *ctx = parser.getContext();
  std::optional<SmallVector<DenseI64ArrayAttr>> tiles;
  std::optional<SmallVector<int64_t>> order, pack;
  std::optional<int64_t> group, prefetch;
  if (parser.parseLess())
    return {};
  auto parseField = [&]() -> ParseResult {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key))
      return failure();
    auto duplicate = [&]() {
      return parser.emitError(keyLoc) << "#kiln.schedule: '" << key
                                      << "' given twice";
    };
    if (parser.parseEqual())
      return failure();
    if (key == "tiles") {
      if (tiles)
        return duplicate();
      tiles.emplace();
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square, [&]() -> ParseResult {
            SmallVector<int64_t> level;
            if (parseIntList(parser, level))
              return failure();
            tiles->push_back(DenseI64ArrayAttr::get(ctx, level));
            return success();
          });
    }
    if (key == "order") {
      if (order)
        return duplicate();
      order.emplace();
      return parseIntList(parser, *order);
    }
    if (key == "pack") {
      if (pack)
        return duplicate();
      pack.emplace();
      return parseIntList(parser, *pack);
    }
    if (key == "group") {
      if (group)
        return duplicate();
      int64_t g;
      if (parser.parseInteger(g))
        return failure();
      group = g;
      return success();
    }
    if (key == "prefetch") {
      if (prefetch)
        return duplicate();
      int64_t l;
      if (parser.parseInteger(l))
        return failure();
      prefetch = l;
      return success();
    }
    return parser.emitError(keyLoc)
           << "#kiln.schedule: unknown field '" << key
           << "' (expected tiles, order, pack, group or prefetch)";
  };
  if (parser.parseCommaSeparatedList(parseField) || parser.parseGreater())
    return {};
  if (!tiles) {
    parser.emitError(loc) << "#kiln.schedule: missing 'tiles'";
    return {};
  }
  if (order && order->empty()) {
    parser.emitError(loc) << "#kiln.schedule: order must not be empty (omit it "
                             "for the identity)";
    return {};
  }
  if (pack && pack->empty()) {
    parser.emitError(loc) << "#kiln.schedule: pack must have 3 entries [m0, "
                             "n0, k0], got []";
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); }, ctx, *tiles,
                    order ? ArrayRef<int64_t>(*order) : ArrayRef<int64_t>(),
                    pack ? ArrayRef<int64_t>(*pack) : ArrayRef<int64_t>(),
                    group, prefetch);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  raw_ostream &os = printer.getStream();
  os << "<tiles = [";
  llvm::interleaveComma(getTiles(), os, [&](DenseI64ArrayAttr level) {
    os << listToString(level.asArrayRef());
  });
  os << "]";
  if (!getOrder().empty())
    os << ", order = " << listToString(getOrder());
  if (!getPack().empty())
    os << ", pack = " << listToString(getPack());
  if (getGroup())
    os << ", group = " << *getGroup();
  if (getPrefetch())
    os << ", prefetch = " << *getPrefetch();
  os << ">";
}

//===----------------------------------------------------------------------===//
// Iteration domains
//===----------------------------------------------------------------------===//

static int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

static SmallVector<ScheduleLoop> dimLoops(ArrayRef<int64_t> shape) {
  SmallVector<ScheduleLoop> loops;
  for (auto [i, extent] : llvm::enumerate(shape))
    loops.push_back({"d" + std::to_string(i), LoopKind::Parallel, extent});
  return loops;
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

std::optional<SmallVector<ScheduleLoop>>
kiln::getScheduleLoops(Operation *op) {
  if (!op || !isa_and_nonnull<KilnDialect>(op->getDialect()) ||
      op->getNumResults() != 1 ||
      !isa<RankedTensorType>(op->getResult(0).getType()))
    return std::nullopt;
  ArrayRef<int64_t> result = shapeOf(op->getResult(0));
  std::optional<SmallVector<ScheduleLoop>> loops =
      llvm::TypeSwitch<Operation *, std::optional<SmallVector<ScheduleLoop>>>(
          op)
          .Case([&](MatmulOp m) -> std::optional<SmallVector<ScheduleLoop>> {
            ArrayRef<int64_t> lhs = shapeOf(m.getLhs()),
                              rhs = shapeOf(m.getRhs());
            int64_t lr = lhs.size(), rr = rhs.size(), r = result.size();
            SmallVector<ScheduleLoop> loops;
            for (int64_t d = 0; d < r - 2; ++d)
              loops.push_back({"b" + std::to_string(d), LoopKind::Parallel,
                               result[d]});
            loops.push_back({"m", LoopKind::Parallel, result[r - 2]});
            loops.push_back({"n", LoopKind::Parallel, result[r - 1]});
            int64_t k = m.getTransposeA() ? lhs[lr - 2] : lhs[lr - 1];
            if (ShapedType::isDynamic(k))
              k = m.getTransposeB() ? rhs[rr - 1] : rhs[rr - 2];
            loops.push_back({"k", LoopKind::Reduction, k});
            return loops;
          })
          .Case<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, ExpOp, LogOp,
                TanhOp, ErfOp, SqrtOp, RsqrtOp, NegOp, AbsOp, ReluOp,
                SigmoidOp, SiluOp, GeluOp, WhereOp, CastOp, TransposeOp>(
              [&](Operation *) { return dimLoops(result); })
          .Case([&](SoftmaxOp s) {
            ArrayRef<int64_t> in = shapeOf(s.getInput());
            SmallVector<ScheduleLoop> loops = dimLoops(in);
            int64_t axis = normalizeAxis(s.getAxis(), in.size());
            if (axis >= 0 && axis < int64_t(in.size()))
              loops[axis].kind = LoopKind::Reduction;
            return loops;
          })
          .Case<LayerNormOp, RmsNormOp>([&](Operation *n) {
            ArrayRef<int64_t> in = shapeOf(n->getOperand(0));
            int64_t axisAttr = isa<LayerNormOp>(n)
                                   ? int64_t(cast<LayerNormOp>(n).getAxis())
                                   : int64_t(cast<RmsNormOp>(n).getAxis());
            SmallVector<ScheduleLoop> loops = dimLoops(in);
            int64_t axis = normalizeAxis(axisAttr, in.size());
            for (int64_t d = std::max<int64_t>(axis, 0);
                 d < int64_t(in.size()); ++d)
              loops[d].kind = LoopKind::Reduction;
            return loops;
          })
          .Case([&](ReduceOp r) {
            ArrayRef<int64_t> in = shapeOf(r.getInput());
            SmallVector<ScheduleLoop> loops = dimLoops(in);
            for (int64_t a : r.getAxes()) {
              int64_t axis = normalizeAxis(a, in.size());
              if (axis >= 0 && axis < int64_t(in.size()))
                loops[axis].kind = LoopKind::Reduction;
            }
            return loops;
          })
          .Case([&](AttentionOp a) {
            ArrayRef<int64_t> q = shapeOf(a.getQuery()),
                              k = shapeOf(a.getKey()),
                              v = shapeOf(a.getValue());
            SmallVector<ScheduleLoop> loops = {
                {"b", LoopKind::Parallel, q[0]},
                {"hq", LoopKind::Parallel, q[1]},
                {"sq", LoopKind::Parallel, q[2]},
                {"sk", LoopKind::Reduction, k[2]},
                {"dv", LoopKind::Parallel, v[3]}};
            return loops;
          })
          .Default([](Operation *) { return std::nullopt; });
  if (!loops || loops->empty())
    return std::nullopt;
  return loops;
}

LogicalResult
kiln::verifyScheduleForOp(Operation *op, ScheduleAttr schedule,
                          function_ref<InFlightDiagnostic()> emitError) {
  std::optional<SmallVector<ScheduleLoop>> loops = getScheduleLoops(op);
  if (!loops)
    return emitError() << "'" << op->getName()
                       << "' takes no kiln.schedule (no iteration domain: "
                          "data movement, constant or rank 0)";
  unsigned n = loops->size();
  if (schedule.getNumLoops() != n) {
    InFlightDiagnostic diag = emitError();
    diag << "kiln.schedule tiles have " << schedule.getNumLoops()
         << " entries per level but '" << op->getName() << "' has " << n
         << " loops [";
    for (auto [i, loop] : llvm::enumerate(*loops))
      diag << (i ? ", " : "") << loop.name
           << (loop.isReduction() ? " (reduction)" : "");
    return diag << "]";
  }
  ArrayRef<int64_t> level0 = schedule.getLevel(0);
  for (unsigned i = 0; i < n; ++i)
    if ((*loops)[i].isReduction() && level0[i] != 0)
      return emitError() << "kiln.schedule tiles[0][" << i
                         << "] must be 0: loop '" << (*loops)[i].name
                         << "' is a reduction and level 0 splits loops "
                            "across threads";
  if (!schedule.getPack().empty() && !isa<MatmulOp>(op))
    return emitError() << "kiln.schedule pack is only allowed on kiln.matmul";
  return success();
}

LogicalResult KilnDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == kScheduleAttrName) {
    auto schedule = dyn_cast<ScheduleAttr>(attr.getValue());
    if (!schedule)
      return op->emitOpError()
             << "attribute 'kiln.schedule' must be a #kiln.schedule, got "
             << attr.getValue();
    // After lowering the schedule rides on the root linalg op, whose loops
    // the tiling pass maps; only kiln ops are checked against the domain.
    if (!isa<KilnDialect>(op->getDialect()))
      return success();
    return verifyScheduleForOp(op, schedule, [&] { return op->emitOpError(); });
  }
  if (attr.getName() == kPredictedTimeAttrName) {
    auto time = dyn_cast<FloatAttr>(attr.getValue());
    if (!time || time.getValueAsDouble() < 0)
      return op->emitOpError() << "attribute 'kiln.predicted_time_us' must be "
                                  "a non-negative float, got "
                               << attr.getValue();
  }
  return success();
}

std::optional<llvm::ArrayRef<char>> kiln::getRawElementData(Attribute value) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}
