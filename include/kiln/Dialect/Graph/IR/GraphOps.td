//===- GraphOps.td - kiln graph dialect operations ---------*- tablegen -*-===//
//
// Every op infers its result type (InferTypeOpInterface) through the shape
// functions in ShapeFunctions.h, which the reference interpreter reuses to
// check dynamic shapes at run time. Diagnostics name the offending operand
// and its type.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_GRAPH_IR_GRAPHOPS_TD
#define KILN_DIALECT_GRAPH_IR_GRAPHOPS_TD

include "kiln/Dialect/Graph/IR/GraphBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

// Like upstream's InferTypeOpAdaptor, but verification reports one precise
// diagnostic from the shape function (through verify()) instead of adding
// the generic "failed to infer returned types" error after it: the interface's
// refineReturnTypes stays quiet and verify() re-runs inference with the op's
// location.
def Kiln_InferTypeOpAdaptor : TraitList<[
    DeclareOpInterfaceMethods<InferTypeOpInterface, ["refineReturnTypes"]>,
    NativeOpTrait<"InferTypeOpAdaptor", [], [{
      static ::llvm::LogicalResult
      inferReturnTypes(::mlir::MLIRContext *context,
                       std::optional<::mlir::Location> location,
                       Adaptor adaptor,
                       ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes);
    }], [{
      ::llvm::LogicalResult
      $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
          std::optional<::mlir::Location> location, ::mlir::ValueRange operands,
          ::mlir::DictionaryAttr attributes, ::mlir::OpaqueProperties properties,
          ::mlir::RegionRange regions,
          ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
        $cppClass::Adaptor adaptor(operands, attributes, properties, regions);
        return $cppClass::inferReturnTypes(context, location, adaptor,
                                           inferredReturnTypes);
      }
      ::llvm::LogicalResult
      $cppClass::refineReturnTypes(::mlir::MLIRContext *context,
          std::optional<::mlir::Location>, ::mlir::ValueRange operands,
          ::mlir::DictionaryAttr attributes, ::mlir::OpaqueProperties properties,
          ::mlir::RegionRange regions,
          ::llvm::SmallVectorImpl<::mlir::Type> &returnTypes) {
        ::llvm::SmallVector<::mlir::Type, 1> inferred;
        $cppClass::Adaptor adaptor(operands, attributes, properties, regions);
        if (::mlir::failed($cppClass::inferReturnTypes(context, std::nullopt,
                                                       adaptor, inferred)))
          return ::mlir::success(); // verify() reports the reason.
        returnTypes.assign(inferred.begin(), inferred.end());
        return ::mlir::success();
      }
      ::llvm::LogicalResult $cppClass::verify() {
        ::llvm::SmallVector<::mlir::Type, 1> inferred;
        if (::mlir::failed($cppClass::inferReturnTypes(getContext(), getLoc(),
                                                       Adaptor(*this), inferred)))
          return ::mlir::failure();
        return ::kiln::detail::verifyResultTypesMatch(getOperation(), inferred);
      }
    }]>
  ]>;

class Kiln_InferredOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, traits # [Pure, Kiln_InferTypeOpAdaptor]> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor (weights, biases, scalars)";
  let description = [{
    Produces the tensor held by `value`: a `dense<...>` literal, a splat, or a
    `dense_resource<name>` blob (the usual form for weights; the blob lives in
    the file's `dialect_resources` section and keeps the IR text readable).

    ```mlir
    %w = kiln.constant dense_resource<fc_weight> : tensor<256x1024xf32>
    %one = kiln.constant dense<1.0> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_StaticTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
      build($_builder, $_state, value.getType(), value);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_InferredOp<"matmul"> {
  let summary = "batched matrix multiplication with broadcast batch dimensions";
  let description = [{
    `lhs` is `[batch..., M, K]` (or `[batch..., K, M]` with `transpose_a`),
    `rhs` is `[batch..., K, N]` (or `[batch..., N, K]` with `transpose_b`).
    Both operands have rank 2 or more. The batch dimensions broadcast like
    NumPy (`[B, M, K] x [K, N]` multiplies every batch by one matrix). The
    result is `[broadcast(batch)..., M, N]`. Operands and result share one
    element type; floating-point products are accumulated exactly enough that
    the reference rounds once per result element.

    ```mlir
    %y = kiln.matmul %x, %w : tensor<1x64x256xf32>, tensor<256x768xf32> -> tensor<1x64x768xf32>
    %s = kiln.matmul %q, %k transpose_b : tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32> -> tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs,
                       UnitAttr:$transpose_a, UnitAttr:$transpose_b);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_a` $transpose_a^)? (`transpose_b` $transpose_b^)?
    attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops (NumPy broadcasting)
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string what, string formula,
                    Type operandType, list<Trait> traits = [],
                    string note = "">
    : Kiln_InferredOp<mnemonic, traits> {
  let summary = "elementwise " # what # " with NumPy broadcasting";
  let description = [{
    Computes `result[i] = }] # formula # [{` after broadcasting both operands
    to a common shape: shapes are aligned from the right, and each pair of
    dimensions must be equal or one of them 1. Both operands have the same
    element type, which is the result's.
    }] # note # [{

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x, %b : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "addition", "lhs[i] + rhs[i]",
                               Kiln_NumericTensor,
                               [Commutative]> {
  let hasFolder = 1;
}
def Kiln_SubOp : Kiln_BinaryOp<"sub", "subtraction", "lhs[i] - rhs[i]",
                               Kiln_NumericTensor> {
  let hasFolder = 1;
}
def Kiln_MulOp : Kiln_BinaryOp<"mul", "multiplication", "lhs[i] * rhs[i]",
                               Kiln_NumericTensor,
                               [Commutative]> {
  let hasFolder = 1;
}
def Kiln_DivOp : Kiln_BinaryOp<"div", "division", "lhs[i] / rhs[i]",
    Kiln_NumericTensor, [],
    "Integer division truncates toward zero; dividing an integer by zero is an error."> {
  let hasFolder = 1;
}
def Kiln_MaxOp : Kiln_BinaryOp<"max", "maximum", "max(lhs[i], rhs[i])",
    Kiln_NumericTensor, [Commutative], "A NaN operand gives NaN.">;
def Kiln_MinOp : Kiln_BinaryOp<"min", "minimum", "min(lhs[i], rhs[i])",
    Kiln_NumericTensor, [Commutative], "A NaN operand gives NaN.">;
def Kiln_PowOp : Kiln_BinaryOp<"pow", "power", "pow(lhs[i], rhs[i])",
                               Kiln_FloatTensor>;

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Kiln_UnaryOp<string mnemonic, string formula, Type operandType,
                   string note = "">
    : Kiln_InferredOp<mnemonic> {
  let summary = "elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` for every element; the result has the
    operand's type.
    }] # note # [{

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<64x256xf32>
    ```
  }];
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_ExpOp : Kiln_UnaryOp<"exp", "exp(x)", Kiln_FloatTensor>;
def Kiln_LogOp : Kiln_UnaryOp<"log", "log(x)", Kiln_FloatTensor,
                              "The logarithm is natural (base e).">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "tanh(x)", Kiln_FloatTensor>;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "erf(x)", Kiln_FloatTensor>;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "sqrt(x)", Kiln_FloatTensor>;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", "1 / sqrt(x)", Kiln_FloatTensor>;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "-x", Kiln_NumericTensor,
                              "Integers wrap: -(-128) is -128 in i8.">;
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "|x|", Kiln_NumericTensor,
                              "Integers wrap: |-128| is -128 in i8.">;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)", Kiln_NumericTensor>;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + exp(-x))", Kiln_FloatTensor>;
def Kiln_SiluOp : Kiln_UnaryOp<"silu", "x * sigmoid(x)", Kiln_FloatTensor>;

def Kiln_GeluOp : Kiln_InferredOp<"gelu"> {
  let summary = "elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    `erf` (the default): `0.5 * x * (1 + erf(x / sqrt(2)))`, as in BERT and
    `torch.nn.GELU()`. `tanh`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715
    * x^3)))`, as in GPT-2 and `torch.nn.GELU(approximate="tanh")`.

    ```mlir
    %y = kiln.gelu %x : tensor<64x1024xf32>
    %z = kiln.gelu %x approximate = tanh : tensor<64x1024xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
      DefaultValuedAttr<Kiln_GeluApproximation,
                        "::kiln::GeluApproximation::erf">:$approximate);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `=` $approximate^)? attr-dict `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def Kiln_SoftmaxOp : Kiln_InferredOp<"softmax"> {
  let summary = "softmax along one axis";
  let description = [{
    `result = exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (negative
    values count from the back; default -1). Along an axis whose elements are
    all `-inf` the result is NaN, as in PyTorch.

    ```mlir
    %p = kiln.softmax %s : tensor<1x4x64x64xf32>
    %q = kiln.softmax %s axis = 1 : tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input (`axis` `=` $axis^)? attr-dict `:` type($input)";
}

def Kiln_LayerNormOp : Kiln_InferredOp<"layer_norm", [AttrSizedOperandSegments]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)` (default: the last one):
    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`, with the biased
    variance (as PyTorch and ONNX `LayerNormalization`). `scale` and `bias`
    are optional; when present their shape is `x.shape[axis:]`.

    ```mlir
    %y = kiln.layer_norm %x scale %g bias %b : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
    %z = kiln.layer_norm %x axis = 1 epsilon = 1.0e-06 : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       Optional<Kiln_FloatTensor>:$scale,
                       Optional<Kiln_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? (`axis` `=` $axis^)?
    (`epsilon` `=` $epsilon^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_RmsNormOp : Kiln_InferredOp<"rms_norm"> {
  let summary = "root-mean-square normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)` (default: the last one):
    `y = x / sqrt(mean(x^2) + epsilon) * scale`, as in LLaMA and T5. `scale`
    is optional; when present its shape is `x.shape[axis:]`.

    ```mlir
    %y = kiln.rms_norm %x scale %g : (tensor<1x64x256xf32>, tensor<256xf32>) -> tensor<1x64x256xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       Optional<Kiln_FloatTensor>:$scale,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`axis` `=` $axis^)? (`epsilon` `=` $epsilon^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Kiln_ReduceOp : Kiln_InferredOp<"reduce"> {
  let summary = "sum, mean, max or min over a list of axes";
  let description = [{
    Reduces `input` over `axes` (at least one; negative values count from the
    back; no repeats). Reduced dimensions are removed, or kept with size 1
    when `keepdims` is present. `mean` of integers truncates toward zero.

    ```mlir
    %s = kiln.reduce sum %x axes = [1] : tensor<4x8xf32> -> tensor<4xf32>
    %m = kiln.reduce max %x axes = [-1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Kiln_ReduceKind:$kind, Kiln_NumericTensor:$input,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keepdims);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = [{
    $kind $input `axes` `=` $axes (`keepdims` $keepdims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Kiln_TransposeOp : Kiln_InferredOp<"transpose"> {
  let summary = "permutes the dimensions";
  let description = [{
    `result.shape[i] = input.shape[perm[i]]`; `perm` is a permutation of
    `[0, rank)`.

    ```mlir
    %t = kiln.transpose %x perm = [0, 2, 1, 3] : tensor<1x64x4x64xf32> -> tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $input `perm` `=` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure]> {
  let summary = "reinterprets the row-major elements with a new shape";
  let description = [{
    The result type gives the new shape. Element type and element count are
    unchanged. The result may have at most one dynamic dimension; at run time
    it takes whatever size makes the element counts agree (like `-1` in
    NumPy).

    ```mlir
    %r = kiln.reshape %x : tensor<1x64x256xf32> -> tensor<1x64x4x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_ConcatOp : Kiln_InferredOp<"concat"> {
  let summary = "joins tensors along one axis";
  let description = [{
    All inputs have the same rank and element type and agree on every
    dimension but `axis` (negative values count from the back).

    ```mlir
    %c = kiln.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_InferredOp<"slice"> {
  let summary = "a strided window of a tensor";
  let description = [{
    For each dimension `d`, takes the indices `starts[d], starts[d] +
    steps[d], ...` up to but excluding `limits[d]`. `steps` defaults to all
    ones; a step is never 0. Indices are absolute (they never wrap around
    like negative indices in Python). With a positive step, `0 <= start <=
    limit <= dim`; with a negative step, `-1 <= limit <= start < dim`, and
    `limit = -1` means "through index 0". The result dimension is
    `ceil((limit - start) / step)` (at least 0), so it is static even when the
    input dimension is dynamic; bounds are then checked at run time.

    ```mlir
    %q = kiln.slice %qkv starts = [0, 0, 0] limits = [1, 64, 256] : tensor<1x64x768xf32> -> tensor<1x64x256xf32>
    %r = kiln.slice %x starts = [7] limits = [-1] steps = [-1] : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$limits,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $input `starts` `=` $starts `limits` `=` $limits (`steps` `=` $steps^)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_InferredOp<"gather"> {
  let summary = "takes slices of `data` at `indices` along one axis";
  let description = [{
    `result.shape = data.shape[:axis] + indices.shape + data.shape[axis+1:]`,
    as NumPy `take` and ONNX `Gather`. With `axis = 0` (the default) and a 2-D
    table this is an embedding lookup. Negative indices count from the back;
    an index outside `[-dim, dim)` is a run-time error.

    ```mlir
    %e = kiln.gather %table[%ids] : tensor<50257x256xf32>, tensor<1x64xi64> -> tensor<1x64x256xf32>
    %c = kiln.gather %x[%i] axis = 1 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `[` $indices `]` (`axis` `=` $axis^)? attr-dict `:` type($data) `,`
    type($indices) `->` type($result)
  }];
}

def Kiln_WhereOp : Kiln_InferredOp<"where"> {
  let summary = "elementwise select with NumPy broadcasting";
  let description = [{
    `result[i] = condition[i] ? true_value[i] : false_value[i]` after
    broadcasting all three operands to a common shape.

    ```mlir
    %m = kiln.where %keep, %s, %neg_inf : tensor<64x64xi1>, tensor<1x4x64x64xf32>, tensor<f32> -> tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$true_value,
                       Kiln_Tensor:$false_value);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:` type($condition)
    `,` type($true_value) `,` type($false_value) `->` type($result)
  }];
}

def Kiln_CastOp : Kiln_Op<"cast", [Pure]> {
  let summary = "converts the element type";
  let description = [{
    The shape is unchanged. Float to float rounds to nearest even; float to
    integer truncates toward zero (NaN gives 0, out-of-range values wrap after
    saturating to the i64 range); integer to integer wraps; to `i1` gives
    `x != 0`; `i1` to anything gives 0 or 1.

    ```mlir
    %h = kiln.cast %x : tensor<64x256xf32> -> tensor<64x256xbf16>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Transformer blocks
//===----------------------------------------------------------------------===//

def Kiln_AttentionOp : Kiln_InferredOp<"attention"> {
  let summary = "scaled dot-product attention, with optional mask, causal and grouped-query heads";
  let description = [{
    `query` is `[B, Hq, Sq, D]`, `key` is `[B, Hkv, Sk, D]`, `value` is
    `[B, Hkv, Sk, Dv]`; `Hq` is a multiple of `Hkv` and query head `h` reads
    key/value head `h / (Hq / Hkv)` (grouped-query attention; `Hkv = 1` is
    multi-query). The result is `[B, Hq, Sq, Dv]`:

    `softmax(query @ key^T * scale + mask) @ value`

    `scale` defaults to `1 / sqrt(D)`. The optional `mask` broadcasts to
    `[B, Hq, Sq, Sk]`; a floating-point mask is added to the scores, an `i1`
    mask keeps the scores where it is true and sets the rest to `-inf`.
    `causal` masks key `j` for query `i` when `j > i + (Sk - Sq)` (aligned to
    the bottom right, so a query block at the end of a key cache sees all
    earlier keys; for `Sq = Sk` this is the usual lower-triangular mask). A
    row with every score masked gives NaN, as in PyTorch.

    ```mlir
    %o = kiln.attention %q, %k, %v causal : (tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>) -> tensor<1x4x64x64xf32>
    %p = kiln.attention %q, %k, %v mask %m scale = 1.250000e-01 : (tensor<1x8x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x1x1x64xf32>) -> tensor<1x8x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$query, Kiln_FloatTensor:$key,
                       Kiln_FloatTensor:$value,
                       Optional<RankedTensorOf<[F32, F16, BF16, I1]>>:$mask,
                       OptionalAttr<F64Attr>:$scale, UnitAttr:$causal);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? (`scale` `=` $scale^)?
    (`causal` $causal^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_RopeOp : Kiln_InferredOp<"rope"> {
  let summary = "rotary position embedding from cos/sin tables";
  let description = [{
    `input` is `[..., S, D]` with `D` even; `cos` and `sin` have the same
    shape, which broadcasts to `[..., S, D/2]` (usually `[S, D/2]`, rows
    already gathered at the token positions). Each pair `(x1, x2)` of
    `input` becomes `(x1 * cos - x2 * sin, x2 * cos + x1 * sin)`. Pairs are
    `(i, i + D/2)` by default (GPT-NeoX, LLaMA), or `(2i, 2i + 1)` with
    `interleaved` (GPT-J). The result has the input's type.

    ```mlir
    %r = kiln.rope %q, %cos, %sin : (tensor<1x4x64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$cos,
                       Kiln_FloatTensor:$sin, UnitAttr:$interleaved);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin (`interleaved` $interleaved^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_DIALECT_GRAPH_IR_GRAPHOPS_TD
