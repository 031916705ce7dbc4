// Each --emit stops the flow at one stage; DESC picks the CPU.
// RUN: kilnc %s --emit=kiln | FileCheck %s --check-prefix=KILN
// RUN: kilnc %s --emit=linalg | FileCheck %s --check-prefix=LINALG
// RUN: kilnc %s --emit=llvm-mlir | FileCheck %s --check-prefix=LLVM
// RUN: kilnc %s --target=cpu:x86-64-avx2 --emit=llvm-ir | FileCheck %s --check-prefix=IR
// RUN: kilnc %s --target=cpu:x86-64-avx2 --emit=asm | FileCheck %s --check-prefix=AVX2
// RUN: kilnc %s --target=cpu:%kiln_src_root/targets/x86-64-avx512.json --emit=asm | FileCheck %s --check-prefix=AVX512
// RUN: kilnc %s --target=cpu:x86-64-avx2 -o %t.x86.o
// RUN: llvm-objdump -f -t %t.x86.o | FileCheck %s --check-prefix=X86OBJ
// AArch64 objects cross-compile from this machine.
// RUN: kilnc %s --target=cpu:aarch64-neon --emit=obj -o %t.arm.o
// RUN: llvm-objdump -f -t %t.arm.o | FileCheck %s --check-prefix=ARMOBJ

// KILN-LABEL: func.func @axpy
// KILN: kiln.mul
// KILN: kiln.add
// LINALG-LABEL: func.func @axpy
// LINALG-NOT: kiln.
// LINALG: linalg.generic
// LLVM: llvm.func @axpy
// LLVM: llvm.func @_mlir_ciface_axpy
// IR: target triple = "x86_64-unknown-linux-gnu"
// IR: define {{.*}}@_mlir_ciface_axpy(
// AVX2-LABEL: {{^}}axpy:
// AVX2: vmulps {{.*}}%ymm
// AVX512-LABEL: {{^}}axpy:
// AVX512: {{%[yz]mm}}
// X86OBJ: file format elf64-x86-64
// X86OBJ: _mlir_ciface_axpy
// ARMOBJ: file format elf64-littleaarch64
// ARMOBJ: _mlir_ciface_axpy
func.func @axpy(%a: tensor<1024xf32>, %x: tensor<1024xf32>, %y: tensor<1024xf32>) -> tensor<1024xf32> {
  %m = kiln.mul %a, %x : tensor<1024xf32>, tensor<1024xf32> -> tensor<1024xf32>
  %r = kiln.add %m, %y : tensor<1024xf32>, tensor<1024xf32> -> tensor<1024xf32>
  return %r : tensor<1024xf32>
}
