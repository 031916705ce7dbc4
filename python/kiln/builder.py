"""kiln.Builder: emits kiln IR op by op.

Every op is created in C++ through the op's registered definition
(`kiln._kiln._Builder`): its result type comes from the op's own type
inference, and the op is verified as soon as it is created, so a mistake
(a shape mismatch, a wrong dtype) raises kiln.VerifyError at the line that
made it, with the verifier's message. Nothing here re-implements a shape
rule; Python only spells attributes and result types that the IR writes
explicitly (reshape, cast).

    b = kiln.Builder()
    x, w = b.function("linear", ((4, 8), "f32"), ((8, 2), "f32"))
    y = b.relu(x @ w + b.constant(np.ones(2, np.float32)))
    b.ret(y)
    m = b.module()        # a verified kiln.Module
"""

import contextlib
import numbers
import os
import struct
import sys

import numpy as np

from . import _kiln

__all__ = ["Builder", "Value", "DTYPES", "numpy_dtype", "kiln_dtype"]

# Element types of the kiln dialect (docs/dialect.md, "Types").
DTYPES = ("f32", "f16", "bf16", "i64", "i32", "i8", "i1")

_FROM_NUMPY = {
    np.dtype(np.float32): "f32",
    np.dtype(np.float16): "f16",
    np.dtype(np.int64): "i64",
    np.dtype(np.int32): "i32",
    np.dtype(np.int8): "i8",
    np.dtype(np.bool_): "i1",
}
_TO_NUMPY = {
    "f32": np.float32,
    "f16": np.float16,
    "bf16": np.float32,  # NumPy has no bfloat16 (docs/python.md)
    "i64": np.int64,
    "i32": np.int32,
    "i8": np.int8,
    "i1": np.bool_,
}
_ALIASES = {
    "float32": "f32", "float16": "f16", "bfloat16": "bf16", "int64": "i64",
    "int32": "i32", "int8": "i8", "bool": "i1",
}


def kiln_dtype(dtype):
    """The kiln element type ("f32", ...) of a kiln or NumPy dtype spelling."""
    if isinstance(dtype, str):
        d = _ALIASES.get(dtype, dtype)
        if d in DTYPES:
            return d
        raise TypeError("unknown element type %r; kiln has %s"
                        % (dtype, ", ".join(DTYPES)))
    try:
        npd = np.dtype(dtype)
    except TypeError:
        raise TypeError("unknown element type %r" % (dtype,)) from None
    if npd not in _FROM_NUMPY:
        raise TypeError("NumPy dtype %s has no kiln element type (kiln has "
                        "f32, f16, bf16, i64, i32, i8, i1)" % npd)
    return _FROM_NUMPY[npd]


def numpy_dtype(dtype):
    """The NumPy dtype of arrays for a kiln element type (bf16: float32)."""
    return np.dtype(_TO_NUMPY[kiln_dtype(dtype)])


def to_bf16_bits(array):
    """float32 values rounded to nearest even bfloat16, as uint16 bits."""
    bits = np.asarray(array, dtype=np.float32, order="C").view(np.uint32)
    rounded = (bits + (((bits >> 16) & 1) + 0x7FFF)) >> 16
    nan = np.isnan(bits.view(np.float32))
    return np.where(nan, 0x7FC0, rounded).astype(np.uint16)


def type_text(shape, dtype):
    """`tensor<4x?xf32>` for shape (4, None) and dtype f32."""
    dims = "".join(("?" if d is None else str(int(d))) + "x" for d in shape)
    return "tensor<%s%s>" % (dims, kiln_dtype(dtype))


def _f64(value):
    """An f64 attribute, spelled by its bits so it reads back exactly."""
    bits = struct.unpack("<Q", struct.pack("<d", float(value)))[0]
    return "0x%016X : f64" % bits


def _i64(value):
    return "%d : i64" % int(value)


def _i64s(values):
    values = [int(v) for v in values]
    if not values:
        return "array<i64>"
    return "array<i64: %s>" % ", ".join(str(v) for v in values)


_GELU = {"erf": 0, "none": 0, "tanh": 1}
_REDUCE = {"sum": 0, "mean": 1, "max": 2, "min": 3}
_HERE = os.path.dirname(os.path.abspath(__file__))


def _caller():
    """File, line and column of the first frame outside this package."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(
            os.path.abspath(frame.f_code.co_filename)) == _HERE:
        frame = frame.f_back
    if frame is None:
        return None, 0, 0
    column = 1
    positions = getattr(frame.f_code, "co_positions", None)  # Python 3.11
    if positions is not None:
        try:
            entry = list(positions())[frame.f_lasti // 2]
            if entry[0] == frame.f_lineno and entry[2] is not None:
                column = entry[2] + 1
        except (IndexError, TypeError):
            pass
    return frame.f_code.co_filename, frame.f_lineno, column


class Value:
    """An SSA value (a tensor) of a function being built."""

    __slots__ = ("builder", "handle", "type")

    def __init__(self, builder, handle):
        self.builder = builder
        self.handle = handle
        self.type = builder._b.type_of(handle)

    @property
    def shape(self):
        """The shape as a tuple; None for a dynamic dimension."""
        return self.type.shape

    @property
    def dtype(self):
        """The element type: f32, f16, bf16, i64, i32, i8 or i1."""
        return self.type.dtype

    @property
    def rank(self):
        return len(self.type.shape)

    def __repr__(self):
        return "<kiln.Value %%%d: %s>" % (self.handle, self.type)

    # Arithmetic, with NumPy broadcasting (the ops broadcast); a Python
    # number becomes a constant of this value's element type.
    def __add__(self, other):
        return self.builder.add(self, other)

    def __radd__(self, other):
        return self.builder.add(other, self)

    def __sub__(self, other):
        return self.builder.sub(self, other)

    def __rsub__(self, other):
        return self.builder.sub(other, self)

    def __mul__(self, other):
        return self.builder.mul(self, other)

    def __rmul__(self, other):
        return self.builder.mul(other, self)

    def __truediv__(self, other):
        return self.builder.div(self, other)

    def __rtruediv__(self, other):
        return self.builder.div(other, self)

    def __pow__(self, other):
        return self.builder.pow(self, other)

    def __matmul__(self, other):
        return self.builder.matmul(self, other)

    def __rmatmul__(self, other):
        return self.builder.matmul(other, self)

    def __neg__(self):
        return self.builder.neg(self)

    def __getitem__(self, key):
        return self.builder.index(self, key)


class Builder:
    """Builds a kiln.Module: functions of kiln ops.

    Ops are methods named like the dialect's ops (docs/dialect.md):
    `b.matmul(x, w)`, `b.layer_norm(x, scale=g, bias=bt, epsilon=1e-5)`.
    Operands are Values; where an op takes two tensors of one element type,
    a Python number or NumPy array is accepted too and becomes a constant of
    the other operand's type. Each op is created with its location: the
    caller's file and line (or what `location()` sets), so diagnostics point
    at the Python code that built it.
    """

    def __init__(self):
        self._b = _kiln._Builder()
        self._loc = None
        self._constants = 0
        self._finished = False

    # -- functions and modules ---------------------------------------------

    def function(self, name, *arg_types):
        """Opens function @name; returns its arguments as a list of Values.

        Each argument type is a kiln.TensorType, a `(shape, dtype)` pair
        (None for a dynamic dimension) or type text ("tensor<4x8xf32>").
        """
        texts = [self._type_arg(t) for t in arg_types]
        file, line, column = self._where()
        handles = self._b.begin_function(name, texts, file=file, line=line,
                                         column=column)
        return [Value(self, h) for h in handles]

    def ret(self, *values):
        """Returns `values` from the open function and closes it."""
        values = [self._check(v) for v in values]
        file, line, column = self._where()
        self._b.end_function([v.handle for v in values], file=file, line=line,
                             column=column)

    return_ = ret

    def module(self, recognize_patterns=False):
        """The finished, verified kiln.Module (the builder is done after).

        recognize_patterns: rewrite GELU (erf and tanh forms) and LayerNorm
        written out op by op into kiln.gelu / kiln.layer_norm, as the ONNX
        importer does (kiln-recognize-gelu, kiln-recognize-layer-norm)."""
        self._finished = True
        return self._b.finish(recognize_patterns)

    def text(self):
        """The IR built so far (for debugging)."""
        return self._b.module_text()

    @contextlib.contextmanager
    def location(self, name=None, file=None, line=0):
        """Ops created inside get this location (a name, a file:line)."""
        saved = self._loc
        self._loc = (name, file, line)
        try:
            yield
        finally:
            self._loc = saved

    # -- generic creation --------------------------------------------------

    def op(self, name, operands, attrs=None, result_types=None):
        """Creates op `name` (e.g. "kiln.add") on `operands` (Values).

        attrs: {name: attribute text}, e.g. {"axis": "1 : i64"}.
        result_types: type texts or (shape, dtype) pairs; by default the
        op's type inference decides. Returns a Value, or a list for ops
        with several results.
        """
        operands = [self._check(v) for v in operands]
        types = None
        if result_types is not None:
            types = [self._type_arg(t) for t in result_types]
        loc_name, file, line, column = self._where_named()
        handles = self._b.create(
            name, [v.handle for v in operands], dict(attrs or {}), types,
            name=loc_name, file=file, line=line, column=column)
        results = [Value(self, h) for h in handles]
        return results[0] if len(results) == 1 else results

    # -- constants ---------------------------------------------------------

    def constant(self, value, dtype=None, name=None):
        """A kiln.constant holding `value` (a NumPy array or a number).

        dtype: the element type; by default the array's (float64 arrays and
        Python floats need an explicit dtype, since kiln has no f64). bf16
        takes float32 values (rounded to nearest even) or uint16 bits.
        Small constants and splats are written inline (`dense<...>`),
        others as `dense_resource` blobs named after `name`.
        """
        array = np.asarray(value)
        if dtype is None:
            if array.dtype == np.float64 and not isinstance(value, np.ndarray):
                raise TypeError("give a dtype for the constant %r (kiln has "
                                "no f64)" % (value,))
            dtype = kiln_dtype(array.dtype)
        dtype = kiln_dtype(dtype)
        if dtype == "bf16":
            if array.dtype != np.uint16:
                array = to_bf16_bits(array)
        else:
            array = np.asarray(array, dtype=_TO_NUMPY[dtype], order="C")
        self._constants += 1
        resource = name or "constant_%d" % self._constants
        loc_name, file, line, column = self._where_named()
        handle = self._b.constant(array, dtype, resource,
                                  name=loc_name if loc_name else name,
                                  file=file, line=line, column=column)
        return Value(self, handle)

    def scalar(self, value, dtype):
        """A rank-0 constant (`tensor<f32>`), which broadcasts to any shape."""
        return self.constant(np.asarray(value), dtype)

    # -- elementwise -------------------------------------------------------

    def _binary(self, opname, lhs, rhs):
        lhs, rhs = self._pair(lhs, rhs)
        return self.op(opname, [lhs, rhs])

    def add(self, lhs, rhs):
        return self._binary("kiln.add", lhs, rhs)

    def sub(self, lhs, rhs):
        return self._binary("kiln.sub", lhs, rhs)

    def mul(self, lhs, rhs):
        return self._binary("kiln.mul", lhs, rhs)

    def div(self, lhs, rhs):
        return self._binary("kiln.div", lhs, rhs)

    def max(self, lhs, rhs):
        """Elementwise maximum (reductions: reduce(x, "max", axes))."""
        return self._binary("kiln.max", lhs, rhs)

    def min(self, lhs, rhs):
        return self._binary("kiln.min", lhs, rhs)

    def pow(self, lhs, rhs):
        return self._binary("kiln.pow", lhs, rhs)

    def exp(self, x):
        return self.op("kiln.exp", [x])

    def log(self, x):
        return self.op("kiln.log", [x])

    def tanh(self, x):
        return self.op("kiln.tanh", [x])

    def erf(self, x):
        return self.op("kiln.erf", [x])

    def sqrt(self, x):
        return self.op("kiln.sqrt", [x])

    def rsqrt(self, x):
        return self.op("kiln.rsqrt", [x])

    def neg(self, x):
        return self.op("kiln.neg", [x])

    def abs(self, x):
        return self.op("kiln.abs", [x])

    def relu(self, x):
        return self.op("kiln.relu", [x])

    def sigmoid(self, x):
        return self.op("kiln.sigmoid", [x])

    def silu(self, x):
        return self.op("kiln.silu", [x])

    def gelu(self, x, approximate="erf"):
        """GELU; approximate is "erf" (exact; torch's "none") or "tanh"."""
        if approximate not in _GELU:
            raise ValueError("gelu: approximate must be 'erf' or 'tanh', "
                             "got %r" % (approximate,))
        return self.op("kiln.gelu", [x],
                       {"approximate": "%d : i32" % _GELU[approximate]})

    def where(self, condition, true_value, false_value):
        """condition ? true_value : false_value (broadcasting); a number for
        either value becomes a constant of the other's type."""
        true_value, false_value = self._pair(true_value, false_value)
        return self.op("kiln.where", [condition, true_value, false_value])

    def cast(self, x, dtype):
        """Converts the element type (the shape is unchanged)."""
        x = self._check(x)
        return self.op("kiln.cast", [x],
                       result_types=[type_text(x.shape, dtype)])

    # -- linear algebra, normalization, attention ---------------------------

    def matmul(self, lhs, rhs, transpose_a=False, transpose_b=False):
        """[batch..., M, K] @ [batch..., K, N] with broadcast batch dims."""
        attrs = {}
        if transpose_a:
            attrs["transpose_a"] = "unit"
        if transpose_b:
            attrs["transpose_b"] = "unit"
        return self.op("kiln.matmul", [lhs, rhs], attrs)

    def softmax(self, x, axis=-1):
        return self.op("kiln.softmax", [x], {"axis": _i64(axis)})

    def layer_norm(self, x, scale=None, bias=None, axis=-1, epsilon=1e-5):
        """Normalizes over dims axis.. (scale/bias: the normalized shape)."""
        operands = [x] + [v for v in (scale, bias) if v is not None]
        attrs = {"axis": _i64(axis), "epsilon": _f64(epsilon),
                 "operandSegmentSizes": "array<i32: 1, %d, %d>"
                 % (scale is not None, bias is not None)}
        return self.op("kiln.layer_norm", operands, attrs)

    def rms_norm(self, x, scale=None, axis=-1, epsilon=1e-6):
        operands = [x] + ([scale] if scale is not None else [])
        return self.op("kiln.rms_norm", operands,
                       {"axis": _i64(axis), "epsilon": _f64(epsilon)})

    def attention(self, query, key, value, mask=None, scale=None,
                  causal=False):
        """softmax(q @ k^T * scale + mask) @ v over [B, H, S, D] tensors;
        scale defaults to 1/sqrt(D)."""
        operands = [query, key, value] + ([mask] if mask is not None else [])
        attrs = {}
        if scale is not None:
            attrs["scale"] = _f64(scale)
        if causal:
            attrs["causal"] = "unit"
        return self.op("kiln.attention", operands, attrs)

    def rope(self, x, cos, sin, interleaved=False):
        attrs = {"interleaved": "unit"} if interleaved else {}
        return self.op("kiln.rope", [x, cos, sin], attrs)

    def reduce(self, x, kind, axes, keepdims=False):
        """kind: sum, mean, max or min over `axes`."""
        if kind not in _REDUCE:
            raise ValueError("reduce: kind must be one of %s, got %r"
                             % (", ".join(_REDUCE), kind))
        if isinstance(axes, numbers.Integral):
            axes = [axes]
        attrs = {"kind": "%d : i32" % _REDUCE[kind], "axes": _i64s(axes)}
        if keepdims:
            attrs["keepdims"] = "unit"
        return self.op("kiln.reduce", [x], attrs)

    def sum(self, x, axes, keepdims=False):
        return self.reduce(x, "sum", axes, keepdims)

    def mean(self, x, axes, keepdims=False):
        return self.reduce(x, "mean", axes, keepdims)

    # -- data movement -----------------------------------------------------

    def transpose(self, x, perm):
        return self.op("kiln.transpose", [x], {"perm": _i64s(perm)})

    def reshape(self, x, shape):
        """To `shape`; one entry may be -1 (derived from the element count,
        dynamic when the input has dynamic dims)."""
        x = self._check(x)
        shape = [int(d) if d is not None else -1 for d in shape]
        if shape.count(-1) > 1:
            raise ValueError("reshape: at most one -1 in %s" % (shape,))
        if any(d < -1 for d in shape):
            raise ValueError("reshape: invalid dimension in %s" % (shape,))
        dims = list(shape)
        if -1 in dims and None not in x.shape:
            known = int(np.prod([d for d in dims if d != -1], dtype=np.int64))
            total = int(np.prod(x.shape, dtype=np.int64))
            if known == 0 or total % known:
                raise ValueError("reshape: cannot reshape %s into %s"
                                 % (x.type, tuple(shape)))
            dims[dims.index(-1)] = total // known
        dims = [None if d == -1 else d for d in dims]
        return self.op("kiln.reshape", [x],
                       result_types=[type_text(dims, x.dtype)])

    def concat(self, values, axis):
        return self.op("kiln.concat", list(values), {"axis": _i64(axis)})

    def slice(self, x, starts, limits, steps=None):
        """x[starts:limits:steps] per dim (bounds absolute, limits
        exclusive)."""
        attrs = {"starts": _i64s(starts), "limits": _i64s(limits)}
        if steps is not None:
            attrs["steps"] = _i64s(steps)
        return self.op("kiln.slice", [x], attrs)

    def gather(self, data, indices, axis=0):
        return self.op("kiln.gather", [data, indices], {"axis": _i64(axis)})

    def split(self, x, sizes, axis):
        """Slices of `sizes` along `axis` (a list of Values)."""
        x = self._check(x)
        axis = self._axis(axis, x.rank)
        if x.shape[axis] is None:
            raise ValueError("split: dimension %d of %s is dynamic"
                             % (axis, x.type))
        if sum(sizes) != x.shape[axis]:
            raise ValueError("split: sizes %s do not add up to dimension %d "
                             "of %s" % (list(sizes), axis, x.type))
        parts, start = [], 0
        for size in sizes:
            parts.append(self._slice_dim(x, axis, start, start + size, 1))
            start += size
        return parts

    def index(self, x, key):
        """NumPy basic indexing: ints, slices (step > 0), None and Ellipsis,
        plus one integer Value (a gather along its dimension)."""
        x = self._check(x)
        if not isinstance(key, tuple):
            key = (key,)
        consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
        if sum(1 for k in key if k is Ellipsis) > 1:
            raise IndexError("an index can only have one Ellipsis")
        if consumed > x.rank:
            raise IndexError("too many indices for %s: %d" % (x.type, consumed))
        expanded = []
        for k in key:
            if k is Ellipsis:
                expanded.extend([slice(None)] * (x.rank - consumed))
            else:
                expanded.append(k)
        if Ellipsis not in key:
            expanded.extend([slice(None)] * (x.rank - consumed))

        starts, limits, steps, out_shape = [], [], [], []
        gather = None
        dim = 0
        for k in expanded:
            if k is None:
                out_shape.append(1)
                continue
            size = x.shape[dim]
            if isinstance(k, Value):
                if gather is not None:
                    raise IndexError("kiln indexes with one tensor at most")
                gather = (dim, k, len(out_shape))
                starts.append(0)
                limits.append(size)
                steps.append(1)
                out_shape.append(("gather", dim))
            elif isinstance(k, slice):
                if k == slice(None):
                    starts.append(0)
                    limits.append(size)
                    steps.append(1)
                    out_shape.append(size)
                else:
                    if size is None:
                        raise IndexError("slicing dynamic dimension %d of %s"
                                         % (dim, x.type))
                    start, stop, step = k.indices(size)
                    if step <= 0:
                        raise IndexError("slice steps must be positive")
                    stop = max(stop, start)
                    starts.append(start)
                    limits.append(stop)
                    steps.append(step)
                    out_shape.append(len(range(start, stop, step)))
            elif isinstance(k, (numbers.Integral, np.integer)):
                if size is None:
                    raise IndexError("indexing dynamic dimension %d of %s"
                                     % (dim, x.type))
                i = int(k)
                if not -size <= i < size:
                    raise IndexError("index %d is out of bounds for dimension "
                                     "%d of %s" % (i, dim, x.type))
                i %= size
                starts.append(i)
                limits.append(i + 1)
                steps.append(1)
            else:
                raise IndexError("unsupported index %r" % (k,))
            dim += 1

        result = x
        full = all(s == 0 and l == sz and st == 1 for s, l, st, sz in
                   zip(starts, limits, steps, x.shape))
        if not full:
            if None in x.shape:
                raise IndexError("slicing a tensor with dynamic dimensions "
                                 "(%s)" % x.type)
            attrs_steps = steps if any(s != 1 for s in steps) else None
            result = self.slice(x, starts, limits, attrs_steps)
        if gather is not None:
            gdim, indices, _ = gather
            result = self.gather(result, indices, axis=gdim)
            # The gathered dim is replaced by the indices' dims.
            shape = []
            for d in out_shape:
                if isinstance(d, tuple):
                    shape.extend(indices.shape)
                else:
                    shape.append(d)
            out_shape = shape
        if tuple(out_shape) != tuple(result.shape):
            result = self.reshape(result, out_shape)
        return result

    # -- helpers -------------------------------------------------------------

    def _slice_dim(self, x, axis, start, stop, step):
        starts = [0] * x.rank
        limits = list(x.shape)
        starts[axis], limits[axis] = start, stop
        steps = None
        if step != 1:
            steps = [1] * x.rank
            steps[axis] = step
        return self.slice(x, starts, limits, steps)

    @staticmethod
    def _axis(axis, rank):
        if not -rank <= axis < max(rank, 1):
            raise IndexError("axis %d is out of range for rank %d"
                             % (axis, rank))
        return axis % rank if rank else 0

    def _check(self, value):
        if isinstance(value, Value):
            if value.builder is not self:
                raise ValueError("%r belongs to another Builder" % (value,))
            return value
        raise TypeError("expected a kiln.Value, got %s" % type(value).__name__)

    def _pair(self, lhs, rhs):
        """Both operands as Values: a number or array becomes a constant of
        the other operand's element type."""
        if isinstance(lhs, Value) and isinstance(rhs, Value):
            return self._check(lhs), self._check(rhs)
        if isinstance(lhs, Value):
            return self._check(lhs), self.constant(rhs, lhs.dtype)
        if isinstance(rhs, Value):
            return self.constant(lhs, rhs.dtype), self._check(rhs)
        raise TypeError("at least one operand must be a kiln.Value")

    @staticmethod
    def _type_arg(t):
        if isinstance(t, str):
            return t
        if isinstance(t, _kiln.TensorType):
            return str(t)
        if isinstance(t, tuple) and len(t) == 2:
            shape, dtype = t
            return type_text(tuple(shape), dtype)
        raise TypeError("a type is a kiln.TensorType, a (shape, dtype) pair "
                        "or type text, not %r" % (t,))

    def _where(self):
        if self._loc is not None:
            return self._loc[1], self._loc[2], 1
        return _caller()

    def _where_named(self):
        if self._loc is not None:
            return self._loc + (1,)
        return (None,) + _caller()
