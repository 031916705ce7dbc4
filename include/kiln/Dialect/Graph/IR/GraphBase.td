//===- GraphBase.td - The kiln graph dialect, types and enums -*- tablegen -*-===//
//
// The `kiln` dialect is Kiln's public, tensor-level IR: what importers and
// framework integrators emit. Its syntax is a contract documented in
// docs/dialect.md, which is generated in part from this file.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_GRAPH_IR_GRAPHBASE_TD
#define KILN_DIALECT_GRAPH_IR_GRAPHBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Kiln's tensor-level graph dialect for transformer models";
  let description = [{
    Operations on ranked tensors of `f32`, `f16`, `bf16`, `i64`, `i32`, `i8`
    and `i1`. Dimensions may be dynamic (`?`). Elementwise operations follow
    NumPy broadcasting. Every operation infers its result type from its
    operands and attributes; the printed result type is checked against it.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  // Verifies the discardable `kiln.schedule` / `kiln.predicted_time_us`
  // attributes against the op that carries them.
  let hasOperationAttrVerify = 1;
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Kiln_FloatElement : AnyTypeOf<[F32, F16, BF16]>;
def Kiln_IntElement : AnyTypeOf<[I64, I32, I8, I1]>;
def Kiln_Element : AnyTypeOf<[F32, F16, BF16, I64, I32, I8, I1]>;

def Kiln_Tensor : RankedTensorOf<[F32, F16, BF16, I64, I32, I8, I1]>;
def Kiln_StaticTensor : StaticShapeTensorOf<[F32, F16, BF16, I64, I32, I8, I1]>;
def Kiln_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Kiln_NumericTensor : RankedTensorOf<[F32, F16, BF16, I64, I32, I8]>;
def Kiln_IndexTensor : RankedTensorOf<[I64, I32]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Kiln_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "how gelu evaluates the Gaussian CDF", [
      I32EnumAttrCase<"erf", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::kiln";
}

def Kiln_ReduceKind : I32EnumAttr<"ReduceKind", "reduction combiner", [
      I32EnumAttrCase<"sum", 0>,
      I32EnumAttrCase<"mean", 1>,
      I32EnumAttrCase<"max", 2>,
      I32EnumAttrCase<"min", 3>
    ]> {
  let cppNamespace = "::kiln";
}

#endif // KILN_DIALECT_GRAPH_IR_GRAPHBASE_TD
