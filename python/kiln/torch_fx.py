"""kiln.torch_fx: imports a torch.nn.Module into kiln IR through torch.fx.

    import kiln, kiln.torch_fx
    m = kiln.torch_fx.import_module(model.eval(), (x,))   # a kiln.Module
    f = kiln.compile(m, target="cpu")
    y = f(x.numpy())

The model is traced with `torch.fx.symbolic_trace` and run once on the
example inputs (torch.fx's ShapeProp), which fixes every shape: the function
has the example inputs' static shapes and dtypes, parameters and buffers
become constants (large ones as dense_resource blobs), and everything that
does not depend on an input (buffer slices, `x.size(i)` arithmetic, causal
masks built from buffers, position ids) is computed by torch at import time
and becomes a constant. The rest maps to kiln ops (docs/python.md lists the
supported modules, functions and methods).

A model that uses an operation without a mapping raises one
kiln.UnsupportedError that lists every unsupported target with its count
and nodes; a module torch.fx cannot trace raises kiln.TraceError with
torch.fx's own message.
"""

import collections
import math
import numbers
import operator

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import _extract_tensor_metadata

from .builder import Builder, Value, to_bf16_bits
from .errors import TraceError, UnsupportedError

__all__ = ["import_module", "compile_module", "supported_targets"]

_KILN_DTYPES = {
    torch.float32: "f32",
    torch.float16: "f16",
    torch.bfloat16: "bf16",
    torch.int64: "i64",
    torch.int32: "i32",
    torch.int8: "i8",
    torch.bool: "i1",
}
_TORCH_DTYPES = {v: k for k, v in _KILN_DTYPES.items()}


class _Unsupported(Exception):
    """A supported target used in a way kiln cannot express."""


def kiln_dtype(dtype):
    if dtype not in _KILN_DTYPES:
        raise _Unsupported("tensors of %s (kiln has float32, float16, "
                           "bfloat16, int64, int32, int8 and bool)" % (dtype,))
    return _KILN_DTYPES[dtype]


# ---------------------------------------------------------------------------
# Handler tables
# ---------------------------------------------------------------------------

_FUNCTIONS = {}  # callable -> handler(imp, node, args, kwargs)
_METHODS = {}    # Tensor method name -> handler
_MODULES = {}    # nn.Module class -> handler(imp, node, module, args, kwargs)


def _function(*targets):
    def register(handler):
        for t in targets:
            _FUNCTIONS[t] = handler
        return handler
    return register


def _method(*names):
    def register(handler):
        for n in names:
            _METHODS[n] = handler
        return handler
    return register


def _module(*types):
    def register(handler):
        for t in types:
            _MODULES[t] = handler
        return handler
    return register


def supported_targets():
    """What the importer maps to kiln ops: (call_module classes,
    call_function targets, call_method names), as readable names."""
    return (sorted("torch.nn." + t.__name__ for t in _MODULES),
            sorted(_describe_function(f) for f in _FUNCTIONS),
            sorted("Tensor." + m for m in _METHODS))


_MISSING = object()


def _arg(args, kwargs, index, name, default=_MISSING):
    if index is not None and index < len(args):
        return args[index]
    if name in kwargs:
        return kwargs[name]
    if default is _MISSING:
        raise _Unsupported("missing argument '%s'" % name)
    return default


def _dims(args, start):
    """`*dims` or a single list/tuple argument, from args[start:]."""
    rest = list(args[start:])
    if len(rest) == 1 and isinstance(rest[0], (list, tuple, torch.Size)):
        return [int(d) for d in rest[0]]
    return [int(d) for d in rest]


# ---------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------


class _Importer:
    def __init__(self, gm, function_name):
        self.gm = gm
        self.b = Builder()
        self.function_name = function_name
        self.env = {}
        self.constants = {}  # id(object) -> (object, {dtype: Value})
        self.names = {}  # id(tensor) -> the name of the node that made it
        self.node = None

    # -- values ----------------------------------------------------------

    def meta(self, node=None):
        node = node or self.node
        return node.meta.get("tensor_meta")

    def out_dtype(self, node=None):
        meta = self.meta(node)
        if meta is None or not hasattr(meta, "dtype"):
            raise _Unsupported("no tensor result recorded for this node")
        return kiln_dtype(meta.dtype)

    def out_shape(self, node=None):
        return tuple(int(d) for d in self.meta(node).shape)

    def as_value(self, x, dtype=None, name=None):
        """`x` as a Value of element type `dtype` (cast when it differs):
        Values as they are, tensors and numbers as constants."""
        b = self.b
        if isinstance(x, Value):
            if dtype is not None and x.dtype != dtype:
                return b.cast(x, dtype)
            return x
        if isinstance(x, torch.Tensor):
            key = id(x)
            entry = self.constants.setdefault(key, (x, {}))
            want = dtype or kiln_dtype(x.dtype)
            if want not in entry[1]:
                entry[1][want] = b.constant(
                    *_tensor_data(x.detach(), want),
                    name=name or self.names.get(key))
            return entry[1][want]
        if isinstance(x, (bool, numbers.Number, np.number, np.bool_)):
            if dtype is None:
                raise _Unsupported("a number where a tensor of unknown type "
                                   "is needed")
            return b.scalar(x, dtype)
        raise _Unsupported("a %s where a tensor is needed" % type(x).__name__)

    # -- the graph ---------------------------------------------------------

    def run(self, example_inputs):
        graph = self.gm.graph
        placeholders = [n for n in graph.nodes if n.op == "placeholder"]
        arg_types, bound = [], []
        for node, value in zip(placeholders, example_inputs):
            if isinstance(value, torch.Tensor):
                arg_types.append((tuple(value.shape),
                                  _KILN_DTYPES[value.dtype]))
                bound.append(node)
        with self.b.location(name="inputs"):
            args = self.b.function(self.function_name, *arg_types)
        handles = dict(zip(bound, args))
        for node, value in zip(placeholders, example_inputs):
            self.env[node] = handles.get(node, value)

        failures = collections.OrderedDict()
        poisoned = set()
        result = None
        for node in graph.nodes:
            if node.op == "placeholder":
                continue
            if node.op == "output":
                result = node.args[0]
                break
            if any(i in poisoned for i in node.all_input_nodes):
                poisoned.add(node)
                continue
            self.node = node
            try:
                self.env[node] = self.convert(node)
                if isinstance(self.env[node], torch.Tensor):
                    self.names.setdefault(
                        id(self.env[node]),
                        node.target if node.op == "get_attr" else node.name)
            except _Unsupported as e:
                failures.setdefault(_describe(node, self.gm) + ": " + str(e),
                                    []).append(node.name)
                poisoned.add(node)
        if failures:
            raise _unsupported_error(failures)

        outputs = []

        def collect(x):
            if isinstance(x, torch.fx.Node):
                outputs.append((x, self.env[x]))
            elif isinstance(x, (list, tuple)):
                for item in x:
                    collect(item)
            elif x is not None:
                raise UnsupportedError(
                    "the model returns a %s; kiln functions return tensors "
                    "(a tensor, or a tuple or list of tensors)"
                    % type(x).__name__)

        collect(result)
        values = []
        for node, value in outputs:
            if not isinstance(value, (Value, torch.Tensor)):
                raise UnsupportedError(
                    "output '%s' is a %s, not a tensor"
                    % (node.name, type(value).__name__))
            with self.b.location(name=node.name):
                try:
                    values.append(self.as_value(value))
                except _Unsupported as e:
                    raise UnsupportedError("output '%s': %s"
                                           % (node.name, e)) from None
        with self.b.location(name="output"):
            self.b.ret(*values)
        # Hand-written GELU / LayerNorm (x.mean, torch.tanh(...)...) become
        # kiln ops, as for ONNX models.
        return self.b.module(recognize_patterns=True)

    def convert(self, node):
        if node.op == "get_attr":
            return _fetch_attr(self.gm, node.target)
        args = torch.fx.node.map_arg(node.args, lambda n: self.env[n])
        kwargs = torch.fx.node.map_arg(node.kwargs, lambda n: self.env[n])
        if not _has_value((args, kwargs)):
            # Nothing depends on an input: torch computes it now.
            return self.evaluate(node, args, kwargs)
        with self.b.location(name=_location_name(node)):
            if node.op == "call_module":
                module = self.gm.get_submodule(node.target)
                handler = _module_handler(module)
                result = handler(self, node, module, args, kwargs)
            elif node.op == "call_function":
                result = _FUNCTIONS[node.target](self, node, args, kwargs)
            else:
                result = _METHODS[node.target](self, node, args, kwargs)
        self.check(node, result)
        return result

    def evaluate(self, node, args, kwargs):
        with torch.no_grad():
            if node.op == "call_module":
                return self.gm.get_submodule(node.target)(*args, **kwargs)
            if node.op == "call_function":
                return node.target(*args, **kwargs)
            obj, *rest = args
            return getattr(obj, node.target)(*rest, **kwargs)

    def check(self, node, result):
        """The converted node must have the shapes and dtypes torch saw."""
        meta = self.meta(node)
        if meta is None:
            return

        def compare(value, m):
            if isinstance(value, Value) and hasattr(m, "shape"):
                want = (tuple(int(d) for d in m.shape), kiln_dtype(m.dtype))
                got = (tuple(value.shape), value.dtype)
                if want != got:
                    raise AssertionError(
                        "kiln.torch_fx: node '%s' (%s) became %s but torch "
                        "computes %s%s; please report this"
                        % (node.name, _describe(node, self.gm), value.type,
                           want[1], list(want[0])))
            elif isinstance(value, (list, tuple)) and isinstance(m, (list, tuple)):
                for v, mm in zip(value, m):
                    compare(v, mm)

        compare(result, meta)


def _has_value(obj):
    found = []
    torch.fx.node.map_aggregate(
        obj, lambda x: found.append(x) if isinstance(x, Value) else None)
    return bool(found)


def _fetch_attr(gm, target):
    obj = gm
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _tensor_data(tensor, dtype):
    """(array, dtype) for Builder.constant: the tensor in kiln type dtype."""
    t = tensor.to(_TORCH_DTYPES[dtype]).contiguous().cpu()
    if dtype == "bf16":
        return t.view(torch.int16).numpy().view(np.uint16), "bf16"
    return t.numpy(), dtype


def _location_name(node):
    if node.op == "call_module":
        return "%s (%s)" % (node.target, node.name)
    return node.name


def _module_handler(module):
    handler = _MODULES.get(type(module))
    if handler is None:
        for cls, h in _MODULES.items():
            if isinstance(module, cls):
                return h
    return handler


def _describe_function(target):
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", None) or getattr(
        target, "__qualname__", repr(target))
    if module in ("_operator", "operator"):
        return "operator." + name
    if module == "builtins":
        return name
    if module.startswith("torch._C._nn"):
        module = "torch.nn.functional"
    elif module.startswith("torch._C") or module == "torch.functional":
        module = "torch"
    return (module + "." + name) if module else name


def _describe(node, gm):
    if node.op == "call_module":
        cls = type(gm.get_submodule(node.target))
        prefix = "torch.nn." if cls.__module__.startswith("torch.nn") else (
            cls.__module__ + ".")
        return "call_module " + prefix + cls.__name__
    if node.op == "call_function":
        return "call_function " + _describe_function(node.target)
    if node.op == "call_method":
        return "call_method Tensor." + node.target
    return node.op + " " + str(node.target)


def _supported(node, gm):
    if node.op == "call_module":
        return _module_handler(gm.get_submodule(node.target)) is not None
    if node.op == "call_function":
        return node.target in _FUNCTIONS
    if node.op == "call_method":
        return node.target in _METHODS
    return True


def _unsupported_error(failures):
    total = sum(len(v) for v in failures.values())
    lines = ["the model uses %d operation%s the kiln torch.fx importer does "
             "not support (%d kind%s):"
             % (total, "" if total == 1 else "s", len(failures),
                "" if len(failures) == 1 else "s")]
    for what, names in failures.items():
        shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        lines.append("  %s: %d node%s (%s)" % (
            what, len(names), "" if len(names) == 1 else "s", shown))
    lines.append("supported: see docs/python.md or "
                 "kiln.torch_fx.supported_targets()")
    return UnsupportedError("\n".join(lines), failures)


def _static_check(gm, example_inputs):
    """Every node that depends on an input needs a mapping: reports all
    those without one at once (nodes that depend on nothing but parameters,
    buffers and shapes are computed by torch and need none)."""
    dynamic = set()
    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    for node, value in zip(placeholders, example_inputs):
        if isinstance(value, torch.Tensor):
            dynamic.add(node)
    missing = collections.OrderedDict()
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "get_attr", "output"):
            continue
        if not any(i in dynamic for i in node.all_input_nodes):
            continue
        # ones_like(x) and friends only read x's shape: constants.
        like = node.op == "call_function" and node.target in _LIKE and not any(
            i in dynamic for i in node.all_input_nodes[1:])
        if "tensor_meta" in node.meta and not like:
            dynamic.add(node)
        if not _supported(node, gm):
            missing.setdefault(_describe(node, gm), []).append(node.name)
    if missing:
        raise _unsupported_error(missing)


class _ShapeRecorder(torch.fx.Interpreter):
    """Runs the graph once on the example inputs and records every node's
    tensor shapes and dtypes in node.meta["tensor_meta"] (as torch.fx's
    ShapeProp does, with the model's own error if it fails)."""

    def __init__(self, gm, name):
        super().__init__(gm)
        self.name = name

    def run(self, *args):
        with torch.no_grad():
            return super().run(*args)

    def run_node(self, n):
        try:
            result = super().run_node(n)
        except Exception as e:
            raise ValueError("running %s on the example inputs failed at "
                             "node '%s' (%s): %s: %s"
                             % (self.name, n.name, n.format_node(),
                                type(e).__name__, e)) from e
        found = []

        def extract(x):
            if isinstance(x, torch.Tensor):
                found.append(x)
                return _extract_tensor_metadata(x)
            return x

        meta = torch.fx.node.map_aggregate(result, extract)
        if found:
            n.meta["tensor_meta"] = meta
        return result


def _trace(module):
    if isinstance(module, torch.fx.GraphModule):
        return module
    if not isinstance(module, nn.Module):
        raise TypeError("import_module expects a torch.nn.Module, got %s"
                        % type(module).__name__)
    try:
        return torch.fx.symbolic_trace(module)
    except Exception as e:  # torch.fx raises many kinds
        raise TraceError(
            "torch.fx cannot trace %s: %s: %s\n"
            "hint: torch.fx's symbolic_trace (torch %s) needs traceable "
            "Python: use x.size(i) instead of unpacking x.shape, index the "
            "result of split() instead of unpacking it, and register tensors "
            "such as torch.arange(n) as buffers instead of building them from "
            "traced sizes" % (type(module).__name__, type(e).__name__, e,
                             torch.__version__)) from e


def import_module(module, example_inputs, function_name="main"):
    """Imports `module` (a torch.nn.Module in eval mode, or a
    torch.fx.GraphModule) as a kiln.Module with one function.

    example_inputs: a tensor or a tuple of tensors (NumPy arrays are
    accepted), one per forward() argument; they fix the function's argument
    shapes and dtypes. Non-tensor arguments are constants of the import.
    """
    if isinstance(example_inputs, (torch.Tensor, np.ndarray)):
        example_inputs = (example_inputs,)
    example_inputs = tuple(
        torch.from_numpy(x) if isinstance(x, np.ndarray) else x
        for x in example_inputs)
    if isinstance(module, nn.Module) and module.training:
        raise ValueError(
            "%s is in training mode: call .eval() before importing (kiln "
            "compiles inference; dropout is the identity)"
            % type(module).__name__)
    gm = _trace(module)
    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    if len(example_inputs) != len(placeholders):
        raise TypeError("%s.forward takes %d input%s (%s), got %d example "
                        "input%s" % (type(module).__name__, len(placeholders),
                                     "" if len(placeholders) == 1 else "s",
                                     ", ".join(n.target for n in placeholders),
                                     len(example_inputs),
                                     "" if len(example_inputs) == 1 else "s"))
    for node, value in zip(placeholders, example_inputs):
        if isinstance(value, torch.Tensor) and value.dtype not in _KILN_DTYPES:
            raise TypeError(
                "example input '%s' is %s; kiln takes float32, float16, "
                "bfloat16, int64, int32, int8 or bool"
                % (node.target, value.dtype))
    _ShapeRecorder(gm, type(module).__name__).run(*example_inputs)
    _static_check(gm, example_inputs)
    return _Importer(gm, function_name).run(example_inputs)


def compile_module(module, example_inputs, target="cpu", function_name="main"):
    """import_module, then kiln.compile: a callable taking NumPy arrays."""
    from . import compile as kiln_compile
    return kiln_compile(import_module(module, example_inputs, function_name),
                        target=target)


# ---------------------------------------------------------------------------
# call_module
# ---------------------------------------------------------------------------


@_module(nn.Linear)
def _linear_module(imp, node, module, args, kwargs):
    x = imp.as_value(args[0])
    return _linear(imp, x, module.weight, module.bias, node.target)


def _linear(imp, x, weight, bias, name):
    b = imp.b
    dtype = imp.out_dtype()
    x = imp.as_value(x, dtype)
    if isinstance(weight, torch.Tensor):
        # Stored [in, out] (x @ w), as Kiln's own examples: a transposed copy.
        w = b.constant(*_tensor_data(weight.detach().t(), dtype),
                       name=(name + ".weight") if name else None)
        y = _matmul(imp, x, w)
    else:
        y = b.matmul(x, imp.as_value(weight, dtype), transpose_b=True)
    if bias is not None:
        y = b.add(y, imp.as_value(bias, dtype,
                                  name=(name + ".bias") if name else None))
    return y


@_module(nn.LayerNorm)
def _layer_norm_module(imp, node, module, args, kwargs):
    return _layer_norm(imp, args[0], module.normalized_shape, module.weight,
                       module.bias, module.eps, node.target)


def _layer_norm(imp, x, normalized_shape, weight, bias, eps, name=None):
    dtype = imp.out_dtype()
    x = imp.as_value(x, dtype)
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    axis = -len(normalized_shape)
    scale = None if weight is None else imp.as_value(
        weight, dtype, name=(name + ".weight") if name else None)
    shift = None if bias is None else imp.as_value(
        bias, dtype, name=(name + ".bias") if name else None)
    return imp.b.layer_norm(x, scale=scale, bias=shift, axis=axis,
                            epsilon=float(eps))


@_module(nn.Embedding)
def _embedding_module(imp, node, module, args, kwargs):
    if module.max_norm is not None:
        raise _Unsupported("max_norm (renormalizes the weight in place)")
    return _embedding(imp, args[0], module.weight, node.target)


def _embedding(imp, indices, weight, name=None):
    table = imp.as_value(weight, imp.out_dtype(),
                         name=(name + ".weight") if name else None)
    return imp.b.gather(table, imp.as_value(indices), axis=0)


@_module(nn.Dropout)
def _dropout_module(imp, node, module, args, kwargs):
    if module.training:
        raise _Unsupported("dropout in training mode (call .eval())")
    return imp.as_value(args[0])


@_module(nn.Identity)
def _identity_module(imp, node, module, args, kwargs):
    return imp.as_value(args[0])


@_module(nn.GELU)
def _gelu_module(imp, node, module, args, kwargs):
    return _gelu(imp, args[0], getattr(module, "approximate", "none"))


def _unary_module(method):
    def handler(imp, node, module, args, kwargs):
        return method(imp.b, imp.as_value(args[0], imp.out_dtype()))
    return handler


_module(nn.ReLU)(_unary_module(Builder.relu))
_module(nn.Tanh)(_unary_module(Builder.tanh))
_module(nn.Sigmoid)(_unary_module(Builder.sigmoid))
_module(nn.SiLU)(_unary_module(Builder.silu))


@_module(nn.Softmax)
def _softmax_module(imp, node, module, args, kwargs):
    return _softmax(imp, args[0], module.dim)


# ---------------------------------------------------------------------------
# Elementwise arithmetic
# ---------------------------------------------------------------------------


def _binary(opname):
    def handler(imp, node, args, kwargs):
        lhs = _arg(args, kwargs, 0, "input")
        rhs = _arg(args, kwargs, 1, "other")
        if node.op == "call_function" and node.target in (torch.div,) or (
                node.op == "call_method" and node.target == "div"):
            if _arg(args, kwargs, None, "rounding_mode", None) is not None:
                raise _Unsupported("rounding_mode")
        dtype = imp.out_dtype()
        lhs = imp.as_value(lhs, dtype)
        rhs = imp.as_value(rhs, dtype)
        alpha = kwargs.get("alpha", 1)
        if alpha != 1:
            rhs = imp.b.mul(rhs, imp.b.scalar(alpha, dtype))
        return imp.b.op(opname, [lhs, rhs])
    return handler


_function(operator.add, operator.iadd, torch.add)(_binary("kiln.add"))
_method("add")(_binary("kiln.add"))
_function(operator.sub, operator.isub, torch.sub)(_binary("kiln.sub"))
_method("sub")(_binary("kiln.sub"))
_function(operator.mul, operator.imul, torch.mul)(_binary("kiln.mul"))
_method("mul")(_binary("kiln.mul"))
_function(operator.truediv, operator.itruediv, torch.div, torch.true_divide)(
    _binary("kiln.div"))
_method("div", "true_divide")(_binary("kiln.div"))
_function(torch.maximum)(_binary("kiln.max"))
_method("maximum")(_binary("kiln.max"))
_function(torch.minimum)(_binary("kiln.min"))
_method("minimum")(_binary("kiln.min"))


@_function(operator.pow, torch.pow)
@_method("pow")
def _pow(imp, node, args, kwargs):
    dtype = imp.out_dtype()
    if dtype not in ("f32", "f16", "bf16"):
        raise _Unsupported("integer powers (kiln.pow is for floats)")
    base = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
    exponent = imp.as_value(_arg(args, kwargs, 1, "exponent"), dtype)
    return imp.b.pow(base, exponent)


@_function(torch.rsub)
@_method("rsub")
def _rsub(imp, node, args, kwargs):
    dtype = imp.out_dtype()
    x = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
    other = imp.as_value(_arg(args, kwargs, 1, "other"), dtype)
    return imp.b.sub(other, x)


@_function(operator.neg, torch.neg)
@_method("neg")
def _neg(imp, node, args, kwargs):
    return imp.b.neg(imp.as_value(args[0], imp.out_dtype()))


def _unary(method):
    def handler(imp, node, args, kwargs):
        x = imp.as_value(_arg(args, kwargs, 0, "input"), imp.out_dtype())
        return method(imp.b, x)
    return handler


for _targets, _name, _fn in [
    ((torch.exp,), "exp", Builder.exp),
    ((torch.log,), "log", Builder.log),
    ((torch.tanh, F.tanh), "tanh", Builder.tanh),
    ((torch.erf,), "erf", Builder.erf),
    ((torch.sqrt,), "sqrt", Builder.sqrt),
    ((torch.rsqrt,), "rsqrt", Builder.rsqrt),
    ((torch.abs,), "abs", Builder.abs),
    ((torch.relu, F.relu), "relu", Builder.relu),
    ((torch.sigmoid, F.sigmoid), "sigmoid", Builder.sigmoid),
    ((F.silu,), "silu", Builder.silu),
]:
    _function(*_targets)(_unary(_fn))
    if hasattr(torch.Tensor, _name):
        _method(_name)(_unary(_fn))


def _gelu(imp, x, approximate):
    if approximate not in ("none", "tanh"):
        raise _Unsupported("approximate=%r" % (approximate,))
    x = imp.as_value(x, imp.out_dtype())
    return imp.b.gelu(x, "erf" if approximate == "none" else "tanh")


@_function(F.gelu)
def _gelu_function(imp, node, args, kwargs):
    return _gelu(imp, _arg(args, kwargs, 0, "input"),
                 _arg(args, kwargs, 1, "approximate", "none"))


@_function(torch.where)
def _where(imp, node, args, kwargs):
    if len(args) + len(kwargs) < 3:
        raise _Unsupported("torch.where(condition) (indices of nonzeros)")
    cond = _arg(args, kwargs, 0, "condition")
    dtype = imp.out_dtype()
    cond = imp.as_value(cond, "i1")
    x = imp.as_value(_arg(args, kwargs, 1, "input"), dtype)
    y = imp.as_value(_arg(args, kwargs, 2, "other"), dtype)
    return imp.b.where(cond, x, y)


@_function(torch.masked_fill)
@_method("masked_fill")
def _masked_fill(imp, node, args, kwargs):
    x = _arg(args, kwargs, 0, "input")
    mask = _arg(args, kwargs, 1, "mask")
    value = _arg(args, kwargs, 2, "value")
    dtype = imp.out_dtype()
    if isinstance(mask, Value) and mask.dtype != "i1":
        raise _Unsupported("a mask of %s (torch wants bool)" % mask.dtype)
    if isinstance(mask, torch.Tensor) and mask.dtype != torch.bool:
        raise _Unsupported("a mask of %s (torch wants bool)" % mask.dtype)
    if isinstance(value, torch.Tensor):
        if value.dim() != 0:
            raise _Unsupported("a fill value with dimensions")
        value = value.item()
    if isinstance(value, Value):
        fill = imp.as_value(value, dtype)
    else:
        fill = imp.b.scalar(value, dtype)
    return imp.b.where(imp.as_value(mask), fill, imp.as_value(x, dtype))


def _triangle(lower):
    def handler(imp, node, args, kwargs):
        x = imp.as_value(_arg(args, kwargs, 0, "input"))
        diagonal = int(_arg(args, kwargs, 1, "diagonal", 0))
        if x.rank < 2:
            raise _Unsupported("a tensor of rank < 2")
        rows, cols = x.shape[-2:]
        ones = np.ones((rows, cols), dtype=bool)
        keep = np.tril(ones, diagonal) if lower else np.triu(ones, diagonal)
        zero = imp.b.scalar(0, x.dtype)
        return imp.b.where(imp.b.constant(keep), x, zero)
    return handler


_function(torch.tril)(_triangle(True))
_method("tril")(_triangle(True))
_function(torch.triu)(_triangle(False))
_method("triu")(_triangle(False))


@_function(torch.cumsum)
@_method("cumsum")
def _cumsum(imp, node, args, kwargs):
    """A running sum along `dim`, as a matmul with a triangle of ones."""
    dtype = imp.out_dtype()
    x = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
    dim = int(_arg(args, kwargs, 1, "dim"))
    if x.rank == 0:
        return x
    dim %= x.rank
    n = x.shape[dim]
    b = imp.b
    perm = list(range(x.rank))
    if dim != x.rank - 1:
        perm[dim], perm[-1] = perm[-1], perm[dim]
        x = b.transpose(x, perm)
    squeeze = x.rank == 1
    if squeeze:
        x = b.reshape(x, (1, n))
    upper = np.triu(np.ones((n, n))).astype(
        np.float32 if dtype in ("f32", "f16", "bf16") else np.int64)
    y = b.matmul(x, b.constant(upper, dtype))
    if squeeze:
        y = b.reshape(y, (n,))
    if perm != sorted(perm):
        y = b.transpose(y, perm)
    return y


# ---------------------------------------------------------------------------
# Linear algebra, normalization
# ---------------------------------------------------------------------------


def _matmul(imp, lhs, rhs):
    """torch.matmul: 1-D operands get a unit dim that is dropped after."""
    b = imp.b
    lhs1, rhs1 = lhs.rank == 1, rhs.rank == 1
    if lhs1:
        lhs = b.reshape(lhs, (1,) + tuple(lhs.shape))
    if rhs1:
        rhs = b.reshape(rhs, tuple(rhs.shape) + (1,))
    y = b.matmul(lhs, rhs)
    if lhs1 or rhs1:
        shape = list(y.shape)
        if rhs1:
            shape.pop(-1)
        if lhs1:
            shape.pop(-1 if rhs1 else -2)
        y = b.reshape(y, shape)
    return y


@_function(operator.matmul, torch.matmul, torch.bmm, torch.mm)
@_method("matmul", "bmm", "mm")
def _matmul_handler(imp, node, args, kwargs):
    dtype = imp.out_dtype()
    lhs = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
    rhs = imp.as_value(_arg(args, kwargs, 1, "other"), dtype)
    return _matmul(imp, lhs, rhs)


@_function(torch.addmm, torch.baddbmm)
@_method("addmm", "baddbmm")
def _addmm(imp, node, args, kwargs):
    dtype = imp.out_dtype()
    bias = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
    lhs = imp.as_value(_arg(args, kwargs, 1, "mat1"), dtype)
    rhs = imp.as_value(_arg(args, kwargs, 2, "mat2"), dtype)
    beta = kwargs.get("beta", 1)
    alpha = kwargs.get("alpha", 1)
    y = imp.b.matmul(lhs, rhs)
    if alpha != 1:
        y = imp.b.mul(y, imp.b.scalar(alpha, dtype))
    if beta != 1:
        bias = imp.b.mul(bias, imp.b.scalar(beta, dtype))
    return imp.b.add(bias, y)


@_function(F.linear)
def _linear_function(imp, node, args, kwargs):
    return _linear(imp, _arg(args, kwargs, 0, "input"),
                   _arg(args, kwargs, 1, "weight"),
                   _arg(args, kwargs, 2, "bias", None), None)


@_function(F.layer_norm)
def _layer_norm_function(imp, node, args, kwargs):
    return _layer_norm(imp, _arg(args, kwargs, 0, "input"),
                       _arg(args, kwargs, 1, "normalized_shape"),
                       _arg(args, kwargs, 2, "weight", None),
                       _arg(args, kwargs, 3, "bias", None),
                       _arg(args, kwargs, 4, "eps", 1e-5))


@_function(F.embedding)
def _embedding_function(imp, node, args, kwargs):
    if _arg(args, kwargs, 3, "max_norm", None) is not None:
        raise _Unsupported("max_norm (renormalizes the weight in place)")
    return _embedding(imp, _arg(args, kwargs, 0, "input"),
                      _arg(args, kwargs, 1, "weight"))


@_function(F.dropout, torch.dropout)
def _dropout_function(imp, node, args, kwargs):
    training = _arg(args, kwargs, 2, "training" if node.target is F.dropout
                    else "train", node.target is F.dropout)
    if training:
        raise _Unsupported("dropout with training=True")
    return imp.as_value(_arg(args, kwargs, 0, "input"))


def _softmax(imp, x, dim):
    if dim is None:
        raise _Unsupported("softmax without dim")
    x = imp.as_value(x, imp.out_dtype())
    return imp.b.softmax(x, axis=int(dim))


@_function(torch.softmax, F.softmax)
@_method("softmax")
def _softmax_handler(imp, node, args, kwargs):
    return _softmax(imp, _arg(args, kwargs, 0, "input"),
                    _arg(args, kwargs, 1, "dim", None))


def _reduction(kind):
    def handler(imp, node, args, kwargs):
        dtype = imp.out_dtype()
        x = imp.as_value(_arg(args, kwargs, 0, "input"), dtype)
        dim = _arg(args, kwargs, 1, "dim", None)
        keepdim = bool(_arg(args, kwargs, 2, "keepdim", False))
        if dim is None:
            dims = list(range(x.rank))
        elif isinstance(dim, (list, tuple)):
            dims = [int(d) for d in dim]
        else:
            dims = [int(dim)]
        if x.rank == 0:
            return x
        return imp.b.reduce(x, kind, dims, keepdims=keepdim)
    return handler


_function(torch.sum)(_reduction("sum"))
_method("sum")(_reduction("sum"))
_function(torch.mean)(_reduction("mean"))
_method("mean")(_reduction("mean"))
_function(torch.amax)(_reduction("max"))
_method("amax")(_reduction("max"))
_function(torch.amin)(_reduction("min"))
_method("amin")(_reduction("min"))


# ---------------------------------------------------------------------------
# Shapes and data movement
# ---------------------------------------------------------------------------


@_method("view", "reshape", "flatten", "unsqueeze", "squeeze", "view_as",
         "reshape_as")
@_function(torch.reshape, torch.flatten, torch.unsqueeze, torch.squeeze)
def _reshape(imp, node, args, kwargs):
    x = imp.as_value(args[0])
    if node.target == "view" and len(args) == 2 and isinstance(
            args[1], torch.dtype):
        raise _Unsupported("view(dtype) (reinterpreting bits)")
    shape = imp.out_shape()
    if tuple(x.shape) == shape:
        return x
    return imp.b.reshape(x, shape)


@_method("contiguous", "clone", "detach")
@_function(torch.clone)
def _identity(imp, node, args, kwargs):
    return imp.as_value(args[0])


@_method("float", "half", "bfloat16", "long", "int", "bool", "to", "type",
         "type_as")
def _convert(imp, node, args, kwargs):
    dtype = imp.out_dtype()
    return imp.as_value(args[0], dtype)


@_method("transpose")
@_function(torch.transpose)
def _transpose(imp, node, args, kwargs):
    x = imp.as_value(_arg(args, kwargs, 0, "input"))
    d0 = int(_arg(args, kwargs, 1, "dim0")) % max(x.rank, 1)
    d1 = int(_arg(args, kwargs, 2, "dim1")) % max(x.rank, 1)
    perm = list(range(x.rank))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    if perm == sorted(perm):
        return x
    return imp.b.transpose(x, perm)


@_method("permute")
@_function(torch.permute)
def _permute(imp, node, args, kwargs):
    x = imp.as_value(args[0])
    dims = _dims(args, 1) if len(args) > 1 else [int(d) for d in kwargs["dims"]]
    perm = [d % x.rank for d in dims]
    if perm == sorted(perm):
        return x
    return imp.b.transpose(x, perm)


@_method("expand", "expand_as")
def _expand(imp, node, args, kwargs):
    """Broadcasts to the result shape (a where/add against a splat of it)."""
    x = imp.as_value(args[0])
    shape = imp.out_shape()
    if tuple(x.shape) == shape:
        return x
    b = imp.b
    if x.dtype == "i1":
        true = b.constant(np.ones(shape, dtype=bool))
        return b.where(x, true, b.scalar(False, "i1"))
    return b.add(x, b.constant(np.zeros(shape), x.dtype))


@_function(torch.cat, torch.concat)
def _cat(imp, node, args, kwargs):
    tensors = _arg(args, kwargs, 0, "tensors")
    dim = int(_arg(args, kwargs, 1, "dim", 0))
    dtype = imp.out_dtype()
    values = [imp.as_value(t, dtype) for t in tensors]
    if len(values) == 1:
        return values[0]
    return imp.b.concat(values, dim)


def _split_sizes(size, split):
    if isinstance(split, int):
        return [min(split, size - i) for i in range(0, size, split)] or [0]
    return [int(s) for s in split]


@_function(torch.split)
@_method("split")
def _split(imp, node, args, kwargs):
    x = imp.as_value(_arg(args, kwargs, 0, "tensor"))
    split = _arg(args, kwargs, 1, "split_size_or_sections")
    dim = int(_arg(args, kwargs, 2, "dim", 0)) % x.rank
    return tuple(imp.b.split(x, _split_sizes(x.shape[dim], split), dim))


@_function(torch.chunk)
@_method("chunk")
def _chunk(imp, node, args, kwargs):
    x = imp.as_value(_arg(args, kwargs, 0, "input"))
    chunks = int(_arg(args, kwargs, 1, "chunks"))
    dim = int(_arg(args, kwargs, 2, "dim", 0)) % x.rank
    size = x.shape[dim]
    step = -(-size // chunks)
    return tuple(imp.b.split(x, _split_sizes(size, step), dim))


def _like(fill):
    """ones_like(x) and friends: only x's shape and dtype matter, so the
    result is a constant (and what is computed from it is folded)."""
    def handler(imp, node, args, kwargs):
        value = fill if fill is not None else _arg(args, kwargs, 1, "fill_value")
        if isinstance(value, Value):
            raise _Unsupported("a fill value computed from an input")
        meta = imp.meta()
        return torch.full(tuple(meta.shape), value, dtype=meta.dtype)
    return handler


_LIKE = (torch.ones_like, torch.zeros_like, torch.full_like)
_function(torch.ones_like)(_like(1))
_function(torch.zeros_like)(_like(0))
_function(torch.full_like)(_like(None))


@_function(operator.invert, torch.logical_not, torch.bitwise_not)
@_method("logical_not", "bitwise_not")
def _logical_not(imp, node, args, kwargs):
    x = imp.as_value(args[0])
    if x.dtype != "i1":
        raise _Unsupported("bitwise not of %s (only bool)" % x.dtype)
    return imp.b.where(x, imp.b.scalar(False, "i1"), imp.b.scalar(True, "i1"))


@_method("size")
def _size(imp, node, args, kwargs):
    x = imp.as_value(args[0])
    dim = _arg(args, kwargs, 1, "dim", None)
    if dim is None:
        return torch.Size(x.shape)
    return x.shape[int(dim)]


@_method("dim")
def _dim(imp, node, args, kwargs):
    return imp.as_value(args[0]).rank


@_function(getattr)
def _getattr(imp, node, args, kwargs):
    x, name = args[0], args[1]
    if isinstance(x, Value):
        if name == "shape":
            return torch.Size(x.shape)
        if name == "ndim":
            return x.rank
        if name == "dtype":
            return _TORCH_DTYPES[x.dtype]
        if name == "device":
            return torch.device("cpu")
        if name == "is_cuda":
            return False
    raise _Unsupported("attribute '%s'" % (name,))


@_function(operator.getitem)
def _getitem(imp, node, args, kwargs):
    obj, key = args
    if isinstance(obj, (list, tuple)):
        return obj[key]
    x = imp.as_value(obj)
    key_items = key if isinstance(key, tuple) else (key,)
    converted = []
    for k in key_items:
        if isinstance(k, torch.Tensor):
            if k.dtype == torch.bool:
                raise _Unsupported("boolean mask indexing")
            k = imp.as_value(k)
        elif isinstance(k, Value) and k.dtype not in ("i64", "i32"):
            raise _Unsupported("indexing with a %s tensor" % k.dtype)
        converted.append(k)
    try:
        return imp.b.index(x, tuple(converted) if isinstance(key, tuple)
                           else converted[0])
    except IndexError as e:
        raise _Unsupported(str(e)) from None
