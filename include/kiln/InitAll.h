//===- InitAll.h - Register Kiln's dialects and passes ----------*- C++ -*-===//
//
// Exactly the dialects and passes Kiln uses (no registerAll*): kiln-opt,
// kiln-run and kilnc parse and run the same set.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_INITALL_H
#define KILN_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {
/// Kiln's own dialects plus the upstream dialects Kiln IR is written in or
/// lowers through.
void registerKilnDialects(mlir::DialectRegistry &registry);
/// Kiln's passes plus the upstream passes its pipelines use.
void registerKilnPasses();
} // namespace kiln

#endif // KILN_INITALL_H
