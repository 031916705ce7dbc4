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
    Option<"f32Matmul", "f32-matmul", "std::string", /*default=*/"\"ieee\"",
           "ieee: f32 matmuls compute in f32; tf32 (gpu targets only): they "
           "may run on the description's TF32 tensor cores (operands rounded "
           "to 10 mantissa bits, f32 accumulation)">,
  ];
}

def KilnRecognizeAttention : Pass<"kiln-recognize-attention", "mlir::func::FuncOp"> {
  let summary = "Rewrite decomposed scaled dot-product attention into kiln.attention";
  let description = [{
    Matches, in one block,

      s = kiln.matmul q, k transpose_b      (or q, kiln.transpose k perm = [0, 1, 3, 2])
      s = kiln.mul s, c  |  kiln.div s, c   (optional; c a splat float kiln.constant)
      s = kiln.add s, mask                  (optional; mask does not enlarge s)
      p = kiln.softmax s                    (axis -1 or 3)
      o = kiln.matmul p, v

    and replaces `o` with `kiln.attention q, k, v [mask m] [scale = x]`.
    q, k, v are static rank-4 `[B, H, S, D]` tensors of one element type
    (f32, f16 or bf16) with equal batch and head counts (no broadcasting, no
    grouped-query inference). Every intermediate (scores, scaled scores,
    masked scores, probabilities) must have exactly one use. `scale` is
    omitted only when the constant is exactly `1 / sqrt(D)` (in double);
    without a scaling op it is written as `1.0`; a division by `c` gives
    `scale = 1 / c`.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnFormFusionGroups : Pass<"kiln-form-fusion-groups", "mlir::ModuleOp"> {
  let summary = "Decide fusion groups: set kiln.fusion_group on fusible kiln ops";
  let description = [{
    Deciding only: writes `kiln.fusion_group = N : i64` (ids unique in the
    module, numbered in program order from 0) on every kiln op that is fused
    with at least one other op; kiln-select-schedules copies it into the
    schedule's `group`, and the CPU tiling reads it. A group is rooted at a
    kiln.matmul (epilogue fusion), a kiln.layer_norm / kiln.rms_norm /
    kiln.softmax, or an elementwise op, and grows through elementwise
    consumers (add, sub, mul, div, max, min, pow, exp, log, tanh, erf, sqrt,
    rsqrt, neg, abs, relu, sigmoid, silu, gelu, cast, where) whose producer
    in the group has exactly one use and whose result shape equals the
    producer's (a broadcast that enlarges the shape ends the group). A
    group holds at most one matmul/normalization; data movement (reshape,
    transpose, concat, slice, gather), reductions, attention and rope are
    never fused. Existing kiln.fusion_group attributes are recomputed.
  }];
}

def KilnRecognizeGelu : Pass<"kiln-recognize-gelu", "mlir::func::FuncOp"> {
  let summary = "Rewrite the erf and tanh forms of GELU written out op by op into kiln.gelu";
  let description = [{
    Matches `0.5 * x * (1 + erf(x / sqrt(2)))` as ONNX exports write it
    (PyTorch's `nn.GELU()` and BERT's gelu):

      u = kiln.div x, c          (c a splat constant equal to sqrt(2) to
                                  within one unit in the last place of its
                                  type), or kiln.mul x, 1/sqrt(2)
      e = kiln.erf u
      s = kiln.add e, 1.0        (either operand order)
      y = product of x, s and 0.5, associated any way:
          (x * s) * 0.5, (s * 0.5) * x, s * (x * 0.5), ...

    and replaces `y` with `kiln.gelu x` (approximate = erf). Likewise the
    tanh form (torch's `approximate='tanh'`, GPT-2's gelu_new):

      c = x^3                    (kiln.pow x, 3.0, x * (x * x) or (x * x) * x)
      i = kiln.add x, 0.044715 * c
      t = kiln.tanh (sqrt(2/pi) * i)
      y = product of x, 1 + t and 0.5, associated any way

    becomes `kiln.gelu x approximate = tanh`. Every
    intermediate has exactly one use, and no constant enlarges the shape
    (every value has `x`'s type). Constants are splat `kiln.constant`s of
    any shape that does not broadcast `x` bigger.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnRecognizeLayerNorm : Pass<"kiln-recognize-layer-norm", "mlir::func::FuncOp"> {
  let summary = "Rewrite the decomposed LayerNorm of ONNX opset < 17 exports into kiln.layer_norm";
  let description = [{
    Matches the chain `torch.onnx.export` writes for `nn.LayerNorm` before
    opset 17:

      m = kiln.reduce mean x axes = A keepdims
      d = kiln.sub x, m
      q = kiln.pow d, 2.0        (or kiln.mul d, d)
      v = kiln.reduce mean q axes = A keepdims
      w = kiln.add v, eps        (eps a splat float constant; either order)
      s = kiln.sqrt w
      n = kiln.div d, s
      [n = kiln.mul n, gamma]    (either order)
      [n = kiln.add n, beta]     (either order)

    where `A` is the trailing dimensions `[a, rank)` (in any order, negative
    or not), and replaces it with `kiln.layer_norm x [scale gamma] [bias
    beta] axis = a epsilon = eps`. `d` is used only by the square and the
    division, every other intermediate once. `gamma` and `beta` must not
    enlarge `x` and must hold exactly the normalized dimensions (leading
    size-1 dimensions are reshaped away); otherwise they stay a separate mul
    or add after the layer_norm.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

def KilnFuseSiblingMatmuls : Pass<"kiln-fuse-sibling-matmuls", "mlir::func::FuncOp"> {
  let summary = "Fuse matmuls of one activation by constant weights into one matmul";
  let description = [{
    Matmuls in one block that multiply the same `lhs` by constant weights
    `[K, N_i]` (float, no transposes, no hand-written `kiln.schedule`) -- a
    transformer's separate query, key and value projections -- become one
    matmul by the weights concatenated along N (at compile time), followed
    by `kiln.slice`s that give each original result its columns:

      q = kiln.add (kiln.matmul x, Wq), bq      y = kiln.add (kiln.matmul x, [Wq|Wk|Wv]), [bq|bk|bv]
      k = kiln.add (kiln.matmul x, Wk), bk  ->  q = kiln.slice y [0, Nq)
      v = kiln.add (kiln.matmul x, Wv), bv      k = kiln.slice y [Nq, Nq+Nk) ...

    When every member's only user adds a constant `[N_i]` bias, the biases
    are concatenated too; otherwise each bias add stays and reads its slice.
    The activation is then read (and packed, on the CPU) once.
  }];
  let dependentDialects = ["kiln::KilnDialect"];
}

#endif // KILN_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
