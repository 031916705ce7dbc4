// --emit=lib: a shared library for the runtime C API plus a C header
// (default name: the output without .so, plus .h).
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s --emit=lib -o %t/libaxpy.so
// RUN: llvm-readelf -h --dyn-syms %t/libaxpy.so | FileCheck %s --check-prefix=LIB
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/libaxpy.h
// RUN: mkdir -p %t/include
// RUN: kilnc %s --target=cpu:x86-64-avx2 --emit=lib -o %t/avx2.so --header=%t/include/axpy.h
// RUN: FileCheck %s --check-prefix=GUARD --input-file=%t/include/axpy.h
// RUN: not ls %t/avx2.h

// LIB: Type: DYN (Shared object file)
// LIB-DAG: _mlir_ciface_axpy
// LIB-DAG: kiln_invoke_axpy
// LIB-DAG: kiln_signature_axpy
// LIB-DAG: kiln_functions
// HEADER: #ifndef LIBAXPY_H
// HEADER: void _mlir_ciface_axpy(kiln_memref_1d *in0, kiln_memref_1d *in1, kiln_memref_1d *in2, kiln_memref_1d *out0);
// HEADER: static inline void kiln_run_axpy(const float *in0, const float *in1, const float *in2, float *out0) {
// GUARD: #ifndef AXPY_H

// Cross targets are refused: the host's C compiler links for the host.
// RUN: not kilnc %s --target=cpu:aarch64-neon --emit=lib -o %t/arm.so 2>&1 | FileCheck %s --check-prefix=CROSS
// CROSS: kilnc: error: --emit=lib links with this machine's C compiler, which targets '{{.*}}', not 'aarch64-unknown-linux-gnu' (CPU description 'aarch64-neon'); write an object with --emit=obj and link it with a cross toolchain
// RUN: not ls %t/arm.so

// No linker.
// RUN: env KILN_CC=%t/no-such-cc not kilnc %s --emit=lib -o %t/nolinker.so 2>&1 | FileCheck %s --check-prefix=NOCC
// NOCC: kilnc: error: KILN_CC names '{{.*}}no-such-cc', which is not an executable program
// A failing linker: its message, the command, no output.
// RUN: env KILN_CC=false not kilnc %s --emit=lib -o %t/failed.so 2>&1 | FileCheck %s --check-prefix=LINKFAIL
// LINKFAIL: kilnc: error: linking the shared library failed (exit code 1); command: {{.*}}false -shared -o {{.*}}failed.so
// RUN: not ls %t/failed.so %t/failed.h

// RUN: not kilnc %s --emit=lib 2>&1 | FileCheck %s --check-prefix=STDOUT
// STDOUT: kilnc: error: --emit=lib writes a shared library: give -o FILE.so
// RUN: not kilnc %s --emit=obj --header=%t/x.h -o %t/x.o 2>&1 | FileCheck %s --check-prefix=HEADERONLY
// HEADERONLY: kilnc: error: --header needs --emit=lib
// The header cannot be written: no library either.
// RUN: not kilnc %s --emit=lib -o %t/noheader.so --header=%t/no/such/dir/x.h 2>&1 | FileCheck %s --check-prefix=NOHEADER
// NOHEADER: kilnc: error: cannot open output file '{{.*}}x.h'
// RUN: not ls %t/noheader.so

func.func @axpy(%a: tensor<16xf32>, %x: tensor<16xf32>, %y: tensor<16xf32>) -> tensor<16xf32> {
  %m = kiln.mul %a, %x : tensor<16xf32>, tensor<16xf32> -> tensor<16xf32>
  %r = kiln.add %m, %y : tensor<16xf32>, tensor<16xf32> -> tensor<16xf32>
  return %r : tensor<16xf32>
}
