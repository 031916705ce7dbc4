//===- Inputs.cpp - Inputs for running a function -------------------------===//

#include "kiln/Execution/Inputs.h"
#include "kiln/Dialect/Graph/IR/GraphOps.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace kiln;

namespace {
/// SplitMix64: tiny, fast, and fully specified, so a seed gives the same
/// inputs on every platform and standard library.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n).
  int64_t below(int64_t n) { return n > 0 ? int64_t(next() % uint64_t(n)) : 0; }

private:
  uint64_t state;
};

/// The number of valid indices when `arg` is used as kiln.gather indices,
/// if it is (the smallest such bound over its uses).
std::optional<int64_t> gatherBound(BlockArgument arg) {
  std::optional<int64_t> bound;
  for (Operation *user : arg.getUsers()) {
    auto gather = dyn_cast<GatherOp>(user);
    if (!gather || gather.getIndices() != arg)
      continue;
    auto dataType = gather.getData().getType();
    int64_t axis = gather.getAxis();
    if (axis < 0)
      axis += dataType.getRank();
    if (axis < 0 || axis >= dataType.getRank() || dataType.isDynamicDim(axis))
      continue;
    int64_t size = dataType.getDimSize(axis);
    bound = bound ? std::min(*bound, size) : size;
  }
  return bound;
}
} // namespace

FailureOr<std::vector<HostTensor>>
kiln::generateRandomInputs(func::FuncOp function, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<HostTensor> inputs;
  for (BlockArgument arg : function.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    std::optional<DType> dtype =
        type ? dtypeOf(type.getElementType()) : std::nullopt;
    if (!dtype)
      return function.emitError("cannot generate random data for argument ")
             << arg.getArgNumber() << " of type " << arg.getType();
    if (!type.hasStaticShape())
      return function.emitError("cannot generate random data for argument ")
             << arg.getArgNumber() << " of type " << type
             << ": its shape is dynamic; give the inputs with --input=FILE.npy";
    HostTensor tensor(*dtype, std::vector<int64_t>(type.getShape().begin(),
                                                   type.getShape().end()));
    std::optional<int64_t> indexBound =
        isIntegerDType(*dtype) ? gatherBound(arg) : std::nullopt;
    for (int64_t i = 0, e = tensor.numElements(); i < e; ++i) {
      if (isFloatDType(*dtype))
        tensor.setDouble(i, 2.0 * rng.uniform() - 1.0);
      else
        tensor.setInt(i, rng.below(indexBound ? *indexBound : 2));
    }
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

HostTensor kiln::adaptInputToArgument(HostTensor input, DType argumentDType) {
  if (argumentDType == DType::BF16 && input.dtype() == DType::F32)
    return input.convertTo(DType::BF16);
  return input;
}
