//===- GraphAttrs.td - Attributes of the kiln dialect -----*- tablegen -*-===//
//
// `#kiln.schedule`: how one op is tiled, interchanged, packed and fused.
// Cost models write it (kiln-select-schedules), transformation passes read
// it; a user or a tuner may write it by hand. docs/schedules.md defines it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_GRAPH_IR_GRAPHATTRS_TD
#define KILN_DIALECT_GRAPH_IR_GRAPHATTRS_TD

include "kiln/Dialect/Graph/IR/GraphBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributes.td"

class Kiln_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Kiln_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Kiln_ScheduleAttr : Kiln_Attr<"Schedule", "schedule"> {
  let summary = "tiling, interchange, packing and fusion decisions for one op";
  let description = [{
    Refers to the loops of the op's iteration domain (`kiln::getScheduleLoops`,
    docs/schedules.md), in order.

    ```mlir
    #kiln.schedule<tiles = [[64, 128, 0], [64, 128, 256], [6, 16, 1]], order = [0, 1, 2], pack = [6, 16, 1], group = 3>
    ```

    - `tiles`: one list of tile sizes per level, outermost level first, each
      with one entry per loop; 0 leaves the loop untiled at that level. On the
      CPU: level 0 = per-thread chunk (scf.forall over cores), level 1 =
      cache block, level 2 = register tile (the vector shape).
    - `order`: the loop order at the cache level, a permutation (default:
      identity).
    - `pack`: matmul only: the inner tiles `[m0, n0, k0]` of data tiling
      (absent: no packing).
    - `group`: fusion group id; ops with one id are tiled and fused together.
    - `prefetch`: packed matmul (and the mmt4d packing makes of it) only:
      the locality (0-3, as `memref.prefetch`) of a software prefetch of the
      next packed B panel during the sweep over m tiles (absent: none).
  }];
  let parameters = (ins
    ArrayRefParameter<"::mlir::DenseI64ArrayAttr", "tile sizes per level">:$tiles,
    OptionalArrayRefParameter<"int64_t", "loop order at the cache level">:$order,
    OptionalArrayRefParameter<"int64_t", "inner tiles of packing">:$pack,
    OptionalParameter<"std::optional<int64_t>", "fusion group id">:$group,
    OptionalParameter<"std::optional<int64_t>",
                      "locality of the next B panel's prefetch">:$prefetch
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of tiling levels.
    unsigned getNumLevels() const { return getTiles().size(); }
    /// Number of loops (entries per level); 0 when there are no levels.
    unsigned getNumLoops() const {
      return getTiles().empty() ? 0 : getTiles().front().size();
    }
    /// The tile sizes of `level`.
    ::llvm::ArrayRef<int64_t> getLevel(unsigned level) const {
      return getTiles()[level].asArrayRef();
    }
    /// `order`, or the identity when absent.
    ::llvm::SmallVector<int64_t> getOrderOrIdentity() const;
    /// Builds from plain vectors.
    static ScheduleAttr get(::mlir::MLIRContext *context,
                            ::llvm::ArrayRef<::llvm::SmallVector<int64_t>> tiles,
                            ::llvm::ArrayRef<int64_t> order,
                            ::llvm::ArrayRef<int64_t> pack,
                            std::optional<int64_t> group,
                            std::optional<int64_t> prefetch = std::nullopt);
    /// Without `prefetch`.
    static ScheduleAttr get(::mlir::MLIRContext *context,
                            ::llvm::ArrayRef<::mlir::DenseI64ArrayAttr> tiles,
                            ::llvm::ArrayRef<int64_t> order,
                            ::llvm::ArrayRef<int64_t> pack,
                            std::optional<int64_t> group) {
      return get(context, tiles, order, pack, group, std::nullopt);
    }
  }];
}

#endif // KILN_DIALECT_GRAPH_IR_GRAPHATTRS_TD
