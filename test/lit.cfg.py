# -*- Python -*-
import glob
import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "KILN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

config.substitutions.append(("%kiln_src_root", config.kiln_src_root))
config.substitutions.append(("%examples", os.path.join(config.kiln_src_root, "examples")))
# test/Runtime compiles C programs against kiln_runtime.h and
# libkiln_runtime.so with the C compiler kilnc --emit=lib links with.
config.substitutions.append(("%kiln_include", os.path.join(config.kiln_src_root, "include")))
config.substitutions.append(("%kiln_libdir", os.path.join(config.kiln_obj_root, "lib")))
# Debian's python3, which sees python3-onnx and python3-numpy (the ONNX
# tests generate their models with it).
kiln_python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
config.substitutions.append(("%python", kiln_python))
# Tests that export models with PyTorch (python3-torch) need it.
if subprocess.run([kiln_python, "-c", "import importlib.util, sys; "
                   "sys.exit(importlib.util.find_spec('torch') is None)"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("torch")
config.substitutions.append(("%cc", shutil.which("clang-22") or shutil.which("clang") or shutil.which("cc") or "cc"))

# The kiln Python package (python/), built into build/python when pybind11
# is found: test/python/pytest.test runs its pytest suite.
config.substitutions.append(("%kiln_python_dir", os.path.join(config.kiln_obj_root, "python")))
if glob.glob(os.path.join(config.kiln_obj_root, "python", "kiln", "_kiln*.so")):
    config.available_features.add("kiln-python")

# GPU tests that assemble PTX need ptxas (the CUDA toolkit): on PATH or in
# its default location. %ptxas names the binary found.
kiln_ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas" if os.access("/usr/local/cuda/bin/ptxas", os.X_OK) else None)
if kiln_ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", kiln_ptxas))

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.kiln_tools_dir, config.llvm_tools_dir]
tools = ["kiln-opt", "kiln-run", "kilnc", "kiln-npu-sim"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
# Kiln's tools first, then LLVM's (FileCheck, not, count, split-file).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.kiln_tools_dir, append_path=True)
