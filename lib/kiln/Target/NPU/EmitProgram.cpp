//===- EmitProgram.cpp - npu IR -> kiln::npu::Program ---------------------===//
//
// Executes the lowered function's control at compile time: scf loops are
// unrolled, index arithmetic and views are evaluated, and every npu op
// appends one instruction (with concrete addresses and strides) to its
// queue. The encoding itself is the ISA library's (npu::encode).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/NPU/IR/NPUDialect.h"
#include "kiln/Dialect/NPU/IR/NPUOps.h"
#include "kiln/Target/NPU/Passes.h"
#include "kiln/Target/NPU/Pipeline.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::npu;

namespace {

/// A strided view in one space: element (i0, i1, ...) at byte
/// `addr + sum(i_d * strides_d) * elemBytes`.
struct View {
  Space space = Space::DRAM;
  ElemType type = ElemType::F32;
  uint64_t addr = 0;
  SmallVector<int64_t> sizes, strides;
};

std::optional<ElemType> elemTypeOf(Type t) {
  if (t.isF32())
    return ElemType::F32;
  if (t.isF16())
    return ElemType::F16;
  if (t.isBF16())
    return ElemType::BF16;
  if (t.isInteger(8))
    return ElemType::I8;
  if (t.isInteger(32))
    return ElemType::I32;
  if (t.isInteger(1))
    return ElemType::Bool;
  if (t.isInteger(64))
    return ElemType::I64;
  return std::nullopt;
}

class Emitter {
public:
  Emitter(Program &program) : program(program) {}
  LogicalResult run(ModuleOp module, func::FuncOp func);

private:
  Program &program;
  DenseMap<Value, int64_t> ints;
  DenseMap<Value, View> views;
  uint64_t dramTop = 0;
  uint32_t maxToken = 0;

  uint64_t dramAlloc(uint64_t bytes) {
    uint64_t at = dramTop;
    dramTop = (dramTop + bytes + 63) / 64 * 64;
    return at;
  }
  FailureOr<int64_t> getInt(Operation *op, Value v) {
    auto it = ints.find(v);
    if (it == ints.end())
      return op->emitError() << "npu emitter: operand value is not known at "
                                "compile time";
    return it->second;
  }
  int64_t fold(OpFoldResult r) {
    if (auto a = dyn_cast<Attribute>(r))
      return cast<IntegerAttr>(a).getInt();
    return ints.lookup(cast<Value>(r));
  }
  LogicalResult block(Block &b);
  LogicalResult op(Operation *op);
  FailureOr<Operand> operand(Operation *op, Value v, ArrayRef<int> dimMap);
  void push(Queue q, Instruction inst) {
    program.queues[unsigned(q)].push_back(std::move(inst));
  }
  LogicalResult
  pushWithOperands(Queue q, Instruction inst, Operation *op,
                   ArrayRef<std::pair<Value, ArrayRef<int>>> operands);
  std::string comment;
};

/// An ISA operand from a view; dimMap[d] = which of the instruction's three
/// dims view dim d indexes (the others get stride 0).
FailureOr<Operand> Emitter::operand(Operation *op, Value v,
                                    ArrayRef<int> dimMap) {
  auto it = views.find(v);
  if (it == views.end())
    return op->emitError() << "npu emitter: unknown buffer operand";
  const View &view = it->second;
  Operand o;
  o.space = view.space;
  o.type = view.type;
  o.addr = view.addr;
  o.strides = {0, 0, 0};
  for (auto [d, target] : llvm::enumerate(dimMap))
    o.strides[target] = view.strides[d];
  return o;
}

/// `inst` with operands 0.. from (value, dimMap) pairs, pushed to `q`. Every
/// operand is looked up before failing, so each unknown one is reported.
LogicalResult
Emitter::pushWithOperands(Queue q, Instruction inst, Operation *op,
                          ArrayRef<std::pair<Value, ArrayRef<int>>> operands) {
  bool ok = true;
  for (auto [i, vd] : llvm::enumerate(operands)) {
    FailureOr<Operand> o = operand(op, vd.first, vd.second);
    if (failed(o))
      ok = false;
    else
      inst.operands[i] = *o;
  }
  if (!ok)
    return failure();
  push(q, std::move(inst));
  return success();
}

/// Shapes of 1-3 dims right-aligned into the instruction's three.
std::array<uint32_t, 3> shape3(ArrayRef<int64_t> sizes) {
  std::array<uint32_t, 3> s = {1, 1, 1};
  for (size_t i = 0; i < sizes.size(); ++i)
    s[3 - sizes.size() + i] = uint32_t(sizes[i]);
  return s;
}
/// Row-major strides of a dense buffer of `shape` (arguments, reshapes).
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}
/// A wait's or signal's queue attribute.
Queue queueNamed(StringRef name) {
  return name == "load"      ? Queue::Load
         : name == "compute" ? Queue::Compute
                             : Queue::Store;
}
SmallVector<int> rightAligned(size_t rank) {
  SmallVector<int> m;
  for (size_t i = 0; i < rank; ++i)
    m.push_back(int(3 - rank + i));
  return m;
}

LogicalResult Emitter::block(Block &b) {
  for (Operation &o : b)
    if (failed(op(&o)))
      return failure();
  return success();
}

LogicalResult Emitter::op(Operation *o) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(o)
      .Case([&](scf::ExecuteRegionOp r) {
        if (auto name = r->getAttrOfType<StringAttr>("npu.op"))
          comment = name.str();
        return block(r.getRegion().front());
      })
      .Case([&](scf::ForOp f) -> LogicalResult {
        FailureOr<int64_t> lb = getInt(f, f.getLowerBound()),
                           ub = getInt(f, f.getUpperBound()),
                           step = getInt(f, f.getStep());
        if (failed(lb) || failed(ub) || failed(step) || *step <= 0)
          return f.emitError() << "npu emitter: loop bounds must be known";
        for (int64_t i = *lb; i < *ub; i += *step) {
          ints[f.getInductionVar()] = i;
          if (failed(block(*f.getBody())))
            return failure();
        }
        return success();
      })
      .Case([&](scf::IfOp i) -> LogicalResult {
        FailureOr<int64_t> cond = getInt(i, i.getCondition());
        if (failed(cond))
          return failure();
        if (*cond)
          return block(*i.thenBlock());
        return i.elseBlock() ? block(*i.elseBlock()) : success();
      })
      .Case<scf::YieldOp, func::ReturnOp, memref::DeallocOp>(
          [](Operation *) { return success(); })
      .Case([&](arith::ConstantOp c) -> LogicalResult {
        if (auto i = dyn_cast<IntegerAttr>(c.getValue())) {
          ints[c.getResult()] = i.getType().isInteger(1)
                                    ? int64_t(i.getValue().getBoolValue())
                                    : i.getInt();
          return success();
        }
        return c.emitError() << "npu emitter: only integer constants";
      })
      .Case<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::MinSIOp,
            arith::MaxSIOp, arith::DivSIOp, arith::RemSIOp, arith::OrIOp,
            arith::AndIOp, arith::CmpIOp>([&](Operation *a) -> LogicalResult {
        FailureOr<int64_t> x = getInt(a, a->getOperand(0)),
                           y = getInt(a, a->getOperand(1));
        if (failed(x) || failed(y))
          return failure();
        int64_t r =
            llvm::TypeSwitch<Operation *, int64_t>(a)
                .Case([&](arith::AddIOp) { return *x + *y; })
                .Case([&](arith::SubIOp) { return *x - *y; })
                .Case([&](arith::MulIOp) { return *x * *y; })
                .Case([&](arith::MinSIOp) { return std::min(*x, *y); })
                .Case([&](arith::MaxSIOp) { return std::max(*x, *y); })
                .Case([&](arith::DivSIOp) { return *y ? *x / *y : 0; })
                .Case([&](arith::RemSIOp) { return *y ? *x % *y : 0; })
                .Case([&](arith::OrIOp) { return *x | *y; })
                .Case([&](arith::AndIOp) { return *x & *y; })
                .Case([&](arith::CmpIOp c) -> int64_t {
                  switch (c.getPredicate()) {
                  case arith::CmpIPredicate::eq:
                    return *x == *y;
                  case arith::CmpIPredicate::ne:
                    return *x != *y;
                  case arith::CmpIPredicate::slt:
                    return *x < *y;
                  case arith::CmpIPredicate::sle:
                    return *x <= *y;
                  case arith::CmpIPredicate::sgt:
                    return *x > *y;
                  default:
                    return *x >= *y;
                  }
                })
                .Default([](Operation *) { return 0; });
        ints[a->getResult(0)] = r;
        return success();
      })
      .Case<affine::AffineApplyOp, affine::AffineMinOp, affine::AffineMaxOp>(
          [&](Operation *a) -> LogicalResult {
            AffineMap map =
                llvm::TypeSwitch<Operation *, AffineMap>(a)
                    .Case([](affine::AffineApplyOp x) { return x.getMap(); })
                    .Case([](affine::AffineMinOp x) { return x.getMap(); })
                    .Case([](affine::AffineMaxOp x) { return x.getMap(); });
            SmallVector<Attribute> operands;
            for (Value v : a->getOperands()) {
              FailureOr<int64_t> i = getInt(a, v);
              if (failed(i))
                return failure();
              operands.push_back(IntegerAttr::get(
                  IndexType::get(a->getContext()), *i));
            }
            SmallVector<Attribute> results;
            if (failed(map.constantFold(operands, results)) || results.empty())
              return a->emitError() << "npu emitter: cannot evaluate map";
            SmallVector<int64_t> vals;
            for (Attribute r : results)
              vals.push_back(cast<IntegerAttr>(r).getInt());
            ints[a->getResult(0)] =
                isa<affine::AffineMinOp>(a)
                    ? *llvm::min_element(vals)
                    : isa<affine::AffineMaxOp>(a) ? *llvm::max_element(vals)
                                                  : vals.front();
            return success();
          })
      .Case([&](memref::AllocOp a) -> LogicalResult {
        MemRefType t = a.getType();
        std::optional<MemSpace> space = getMemSpace(t);
        std::optional<ElemType> e = elemTypeOf(t.getElementType());
        if (!space || !e || !t.hasStaticShape())
          return a.emitError() << "npu emitter: unsupported buffer " << t;
        View v;
        v.type = *e;
        v.sizes = llvm::to_vector(t.getShape());
        int64_t s = 1;
        v.strides.assign(t.getRank(), 1);
        for (int64_t d = t.getRank() - 1; d >= 0; --d) {
          v.strides[d] = s;
          s *= t.getDimSize(d);
        }
        if (*space == MemSpace::DRAM) {
          v.space = Space::DRAM;
          v.addr = dramAlloc(s * elemBytes(*e));
        } else {
          auto addr = a->getAttrOfType<IntegerAttr>(kAddressAttrName);
          if (!addr)
            return a.emitError() << "npu emitter: on-chip buffer without "
                                    "npu.address (run "
                                    "kiln-npu-assign-addresses)";
          v.space = *space == MemSpace::SPAD ? Space::SPAD : Space::ACC;
          v.addr = addr.getInt();
        }
        views[a.getResult()] = v;
        return success();
      })
      .Case([&](memref::GetGlobalOp g) -> LogicalResult {
        // A constant: its bytes become a DRAM segment of the program.
        auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
            g, g.getNameAttr());
        std::optional<ElemType> e = elemTypeOf(g.getType().getElementType());
        auto init = global ? dyn_cast_or_null<ElementsAttr>(
                                 global.getInitialValueAttr())
                           : ElementsAttr();
        if (!init || !e)
          return g.emitError() << "npu emitter: constant without a value "
                                  "or of an unsupported type";
        FailureOr<HostTensor> host = tensorFromElements(init, g.getLoc());
        if (failed(host))
          return failure();
        MemRefType t = g.getType();
        uint64_t bytes = t.getNumElements() * elemBytes(*e);
        if (host->byteSize() != bytes)
          return g.emitError() << "npu emitter: constant of " << t
                               << " has " << host->byteSize()
                               << " bytes, expected " << bytes;
        View v;
        v.type = *e;
        v.sizes = llvm::to_vector(t.getShape());
        v.strides.assign(t.getRank(), 1);
        for (int64_t d = t.getRank() - 2; d >= 0; --d)
          v.strides[d] = v.strides[d + 1] * t.getDimSize(d + 1);
        v.addr = dramAlloc(bytes);
        Segment seg;
        seg.dramAddr = v.addr;
        auto *p = static_cast<const uint8_t *>(host->data());
        seg.bytes.assign(p, p + bytes);
        program.constants.push_back(std::move(seg));
        views[g.getResult()] = v;
        return success();
      })
      .Case([&](memref::SubViewOp sv) -> LogicalResult {
        auto it = views.find(sv.getSource());
        if (it == views.end())
          return sv.emitError() << "npu emitter: unknown subview source";
        View src = it->second, v = src;
        llvm::SmallBitVector dropped = sv.getDroppedDims();
        v.sizes.clear();
        v.strides.clear();
        auto offsets = sv.getMixedOffsets(), sizes = sv.getMixedSizes(),
             strides = sv.getMixedStrides();
        int64_t off = 0;
        for (unsigned d = 0; d < offsets.size(); ++d) {
          off += fold(offsets[d]) * src.strides[d];
          if (dropped.test(d))
            continue;
          v.sizes.push_back(fold(sizes[d]));
          v.strides.push_back(fold(strides[d]) * src.strides[d]);
        }
        v.addr = src.addr + off * elemBytes(src.type);
        views[sv.getResult()] = v;
        return success();
      })
      .Case([&](memref::ReinterpretCastOp rc) -> LogicalResult {
        // A view of a buffer's base with explicit (possibly 0) strides.
        auto it = views.find(rc.getSource());
        if (it == views.end())
          return rc.emitError() << "npu emitter: unknown view source";
        View v = it->second;
        v.sizes.clear();
        v.strides.clear();
        for (OpFoldResult x : rc.getMixedSizes())
          v.sizes.push_back(fold(x));
        for (OpFoldResult x : rc.getMixedStrides())
          v.strides.push_back(fold(x));
        v.addr += fold(rc.getMixedOffsets()[0]) * elemBytes(v.type);
        views[rc.getResult()] = v;
        return success();
      })
      .Case<memref::CollapseShapeOp, memref::ExpandShapeOp>(
          [&](Operation *reshape) -> LogicalResult {
            // Reshapes of dense row-major buffers (function arguments,
            // DRAM temporaries): the same bytes, row-major strides.
            auto it = views.find(reshape->getOperand(0));
            if (it == views.end())
              return reshape->emitError() << "npu emitter: unknown source";
            View v = it->second;
            int64_t s = 1;
            for (int64_t d = int64_t(v.sizes.size()) - 1; d >= 0; --d) {
              if (v.sizes[d] != 1 && v.strides[d] != s)
                return reshape->emitError()
                       << "npu emitter: reshape of a non-contiguous view";
              s *= v.sizes[d];
            }
            auto t = cast<MemRefType>(reshape->getResult(0).getType());
            v.sizes.assign(t.getShape().begin(), t.getShape().end());
            v.strides = rowMajorStrides(t.getShape());
            views[reshape->getResult(0)] = v;
            return success();
          })
      .Case([&](DmaOp d) -> LogicalResult {
        const View &src = views[d.getSrc()];
        Instruction inst;
        inst.opcode = Opcode::Dma;
        inst.shape = shape3(src.sizes);
        inst.comment = comment;
        SmallVector<int> m = rightAligned(src.sizes.size());
        return pushWithOperands(d.isLoad() ? Queue::Load : Queue::Store, inst,
                                d, {{d.getDst(), m}, {d.getSrc(), m}});
      })
      .Case([&](DmaGatherOp g) -> LogicalResult {
        // dst[i, k] = table[index[i], k]: shape {1, rows, row length}.
        const View &dstView = views[g.getDst()], &table = views[g.getTable()];
        Instruction inst;
        inst.opcode = Opcode::DmaGather;
        inst.shape = {1, uint32_t(dstView.sizes[0]),
                      uint32_t(dstView.sizes[1])};
        inst.indexLimit = uint64_t(table.sizes[0]);
        inst.comment = comment;
        return pushWithOperands(Queue::Load, inst, g,
                                {{g.getDst(), {1, 2}},
                                 {g.getTable(), {1, 2}},
                                 {g.getIndices(), {1}}});
      })
      .Case([&](MatmulOp mm) -> LogicalResult {
        const View &a = views[mm.getA()], &b = views[mm.getB()];
        Instruction inst;
        inst.opcode = Opcode::Matmul;
        inst.shape = {uint32_t(a.sizes[0]), uint32_t(a.sizes[1]),
                      uint32_t(b.sizes[1])};
        inst.comment = comment;
        if (Value acc = mm.getAccumulate()) {
          FailureOr<int64_t> flag = getInt(mm, acc);
          if (failed(flag))
            return failure();
          if (*flag)
            inst.flags |= kAccumulate;
        }
        // Views over the iteration space (m, k, n).
        return pushWithOperands(
            Queue::Compute, inst, mm,
            {{mm.getC(), {0, 2}}, {mm.getA(), {0, 1}}, {mm.getB(), {1, 2}}});
      })
      .Case([&](VecUnaryOp u) -> LogicalResult {
        static const std::pair<StringRef, UnaryFn> fns[] = {
            {"copy", UnaryFn::Copy},     {"neg", UnaryFn::Neg},
            {"abs", UnaryFn::Abs},       {"exp", UnaryFn::Exp},
            {"log", UnaryFn::Log},       {"sqrt", UnaryFn::Sqrt},
            {"rsqrt", UnaryFn::Rsqrt},   {"recip", UnaryFn::Recip},
            {"tanh", UnaryFn::Tanh},     {"erf", UnaryFn::Erf},
            {"sigmoid", UnaryFn::Sigmoid}, {"relu", UnaryFn::Relu},
            {"gelu", UnaryFn::Gelu},     {"gelu_tanh", UnaryFn::GeluTanh},
            {"silu", UnaryFn::Silu},     {"not", UnaryFn::Not}};
        const View &src = views[u.getSrc()];
        Instruction inst;
        inst.opcode = Opcode::VecUnary;
        for (auto &[n, f] : fns)
          if (n == u.getFn())
            inst.fn = uint8_t(f);
        inst.shape = shape3(src.sizes);
        inst.comment = comment;
        SmallVector<int> m = rightAligned(src.sizes.size());
        return pushWithOperands(Queue::Compute, inst, u,
                                {{u.getDst(), m}, {u.getSrc(), m}});
      })
      .Case([&](VecBinaryOp bo) -> LogicalResult {
        static const std::pair<StringRef, BinaryFn> fns[] = {
            {"add", BinaryFn::Add},       {"sub", BinaryFn::Sub},
            {"mul", BinaryFn::Mul},       {"div", BinaryFn::Div},
            {"max", BinaryFn::Max},       {"min", BinaryFn::Min},
            {"pow", BinaryFn::Pow},       {"cmp_eq", BinaryFn::CmpEq},
            {"cmp_ne", BinaryFn::CmpNe},  {"cmp_lt", BinaryFn::CmpLt},
            {"cmp_le", BinaryFn::CmpLe},  {"cmp_gt", BinaryFn::CmpGt},
            {"cmp_ge", BinaryFn::CmpGe},  {"and", BinaryFn::And},
            {"or", BinaryFn::Or}};
        const View &dstView = views[bo.getDst()];
        Instruction inst;
        inst.opcode = Opcode::VecBinary;
        for (auto &[n, f] : fns)
          if (n == bo.getFn())
            inst.fn = uint8_t(f);
        inst.shape = shape3(dstView.sizes);
        inst.comment = comment;
        SmallVector<int> m = rightAligned(dstView.sizes.size());
        return pushWithOperands(
            Queue::Compute, inst, bo,
            {{bo.getDst(), m}, {bo.getLhs(), m}, {bo.getRhs(), m}});
      })
      .Case([&](VecSelectOp so) -> LogicalResult {
        const View &dstView = views[so.getDst()];
        Instruction inst;
        inst.opcode = Opcode::VecSelect;
        inst.shape = shape3(dstView.sizes);
        inst.comment = comment;
        SmallVector<int> m = rightAligned(dstView.sizes.size());
        return pushWithOperands(Queue::Compute, inst, so,
                                {{so.getDst(), m},
                                 {so.getCond(), m},
                                 {so.getLhs(), m},
                                 {so.getRhs(), m}});
      })
      .Case([&](VecReduceOp ro) -> LogicalResult {
        // dst[i] = reduce_k src[i, k]: shape {1, rows, cols}.
        const View &srcView = views[ro.getSrc()];
        Instruction inst;
        inst.opcode = Opcode::VecReduce;
        inst.fn = uint8_t(ro.getFn() == "sum"   ? ReduceFn::Sum
                          : ro.getFn() == "max" ? ReduceFn::Max
                                                : ReduceFn::Min);
        inst.shape = {1, uint32_t(srcView.sizes[0]),
                      uint32_t(srcView.sizes[1])};
        inst.comment = comment;
        return pushWithOperands(Queue::Compute, inst, ro,
                                {{ro.getDst(), {1}}, {ro.getSrc(), {1, 2}}});
      })
      .Case([&](WaitOp w) {
        Instruction inst;
        inst.opcode = Opcode::Wait;
        inst.token = w.getToken();
        maxToken = std::max<uint32_t>(maxToken, w.getToken() + 1);
        push(queueNamed(w.getQueue()), inst);
        return success();
      })
      .Case([&](SignalOp s) {
        Instruction inst;
        inst.opcode = Opcode::Signal;
        inst.token = s.getToken();
        maxToken = std::max<uint32_t>(maxToken, s.getToken() + 1);
        push(queueNamed(s.getQueue()), inst);
        return success();
      })
      .Default([](Operation *x) {
        return x->emitError() << "npu emitter: unexpected op '"
                              << x->getName() << "'";
      });
}

LogicalResult Emitter::run(ModuleOp module, func::FuncOp func) {
  auto json = module->getAttrOfType<StringAttr>(kDescriptionAttrName);
  if (!json)
    return module.emitError() << "npu emitter: the module has no "
                              << kDescriptionAttrName;
  program = Program();
  program.targetJSON = json.str();
  auto numInputs = func->getAttrOfType<IntegerAttr>("npu.num_inputs");
  if (!numInputs)
    return func.emitError() << "npu emitter: function not lowered by "
                               "kiln-npu-lower-to-npu";
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto t = cast<MemRefType>(arg.getType());
    std::optional<ElemType> e = elemTypeOf(t.getElementType());
    if (!e)
      return func.emitError() << "npu emitter: unsupported argument " << t;
    Binding binding;
    bool isInput = int64_t(i) < numInputs.getInt();
    binding.name = isInput ? "arg" + std::to_string(i)
                           : "result" + std::to_string(i - numInputs.getInt());
    binding.type = *e;
    binding.shape.assign(t.getShape().begin(), t.getShape().end());
    binding.dramAddr = dramAlloc(t.getNumElements() * elemBytes(*e));
    (isInput ? program.inputs : program.outputs).push_back(binding);
    View v;
    v.type = *e;
    v.addr = binding.dramAddr;
    v.sizes = llvm::to_vector(t.getShape());
    v.strides = rowMajorStrides(t.getShape());
    views[arg] = v;
  }
  if (failed(block(func.getBody().front())))
    return failure();
  program.dramBytes = std::max<uint64_t>(dramTop, 64);
  program.numTokens = maxToken;
  return success();
}
} // namespace

LogicalResult kiln::emitNPUProgram(ModuleOp module, func::FuncOp function,
                                   Program &program) {
  return Emitter(program).run(module, function);
}
