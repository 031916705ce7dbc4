"""Kiln: an MLIR-based compiler for transformer models, from Python.

    import kiln, numpy as np
    m = kiln.Module.parse(text)          # or kiln.Module.load("model.mlir" / ".onnx")
    f = kiln.compile(m, target="cpu")    # "cpu" (JIT for this machine) or "ref"
    y = f(x, w)                          # NumPy arrays in, NumPy arrays out

`kiln.Builder` emits kiln IR op by op; `kiln.torch_fx.import_module` imports a
torch.nn.Module through torch.fx. docs/python.md is the reference.

The extension `kiln._kiln` binds Kiln's C++ libraries (pybind11); this package
adds the builder and the importer on top and holds no compiler logic.
"""

import os as _os

# An installed package (pip install ./python) carries the CPU descriptions
# of targets/; the C++ side looks names up in $KILN_TARGETS_PATH first.
_targets = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "targets")
if _os.path.isdir(_targets):
    _os.environ["KILN_TARGETS_PATH"] = _os.pathsep.join(
        p for p in (_os.environ.get("KILN_TARGETS_PATH"), _targets) if p)

from ._kiln import (  # noqa: F401,E402  (re-exported)
    CompileError,
    CompiledFunction,
    Error,
    ExecutionError,
    Module,
    ParseError,
    Signature,
    TensorType,
    VerifyError,
    load_library,
    set_num_threads,
    targets,
)
from . import _kiln  # noqa: E402
from .builder import Builder, Value  # noqa: F401,E402
from .errors import TraceError, UnsupportedError  # noqa: F401,E402

__all__ = [
    "Builder",
    "CompileError",
    "CompiledFunction",
    "Error",
    "ExecutionError",
    "Module",
    "ParseError",
    "Signature",
    "TensorType",
    "TraceError",
    "UnsupportedError",
    "Value",
    "VerifyError",
    "compile",
    "load_library",
    "set_num_threads",
    "targets",
    "torch_fx",
]


def compile(module, target="cpu", function=None, emit_library=None,
            library_target="host"):
    """Compiles `function` of `module` for `target` and returns a callable.

    module: a kiln.Module, or kiln IR text (parsed first).
    target: "cpu" (lowered to native code and JIT-compiled for this machine)
        or "ref" (the reference interpreter); kiln.targets() lists them.
    function: the function's name; by default the module's only public
        function, else @main.
    emit_library: a path "libNAME.so": instead of the JIT, compile every
        public function into a shared library for the runtime C API (as
        `kilnc --emit=lib`; the C header is written beside it) and return
        `function` of that library, called through the runtime. The library
        is built for `library_target` (a CPU description: "host", a name from
        targets/, or a .json path).

    The result is a kiln.CompiledFunction: call it with one NumPy array per
    argument (dtype and shape are checked: TypeError / ValueError); it
    returns one array, or a tuple for several results.
    """
    if isinstance(module, str):
        module = Module.parse(module)
    if not isinstance(module, Module):
        raise TypeError(
            "kiln.compile expects a kiln.Module or kiln IR text, got "
            + type(module).__name__)
    if emit_library is not None:
        if target not in ("cpu",) and not str(target).startswith("cpu:"):
            raise ValueError(
                "emit_library builds a CPU library; target must be 'cpu', "
                "got %r" % (target,))
        if function is not None:
            module.signature(function)  # raises KeyError for a bad name
        module.export_library(str(emit_library), target=library_target)
        return load_library(str(emit_library), function)
    return _kiln.compile(module, target, function)


def __getattr__(name):
    # kiln.torch_fx imports torch (slow): only when asked for.
    if name == "torch_fx":
        import importlib
        return importlib.import_module(".torch_fx", __name__)
    raise AttributeError("module 'kiln' has no attribute %r" % (name,))
