"""kiln.Module: parse, load, verify, print, stages, schedules."""

import os

import numpy as np
import pytest

import kiln

MLP = """
func.func @mlp(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %h = kiln.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %y = kiln.add %h, %b : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  %r = kiln.relu %y : tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}
"""


def test_parse_print_roundtrip():
    m = kiln.Module.parse(MLP)
    text = str(m)
    assert "kiln.matmul" in text and "func.func @mlp" in text
    again = kiln.Module.parse(text)
    assert str(again) == text
    assert m.functions == ["mlp"]
    assert repr(m) == "<kiln.Module: @mlp>"


def test_signature():
    sig = kiln.Module.parse(MLP).signature()
    assert sig.name == "mlp"
    assert [str(t) for t in sig.inputs] == [
        "tensor<4x8xf32>", "tensor<8x16xf32>", "tensor<16xf32>"]
    assert sig.outputs[0].shape == (4, 16)
    assert sig.outputs[0].dtype == "f32"
    assert sig.outputs[0].numpy_dtype == np.float32
    assert str(sig) == ("@mlp(tensor<4x8xf32>, tensor<8x16xf32>, "
                        "tensor<16xf32>) -> (tensor<4x16xf32>)")


def test_dynamic_dims_in_signature():
    m = kiln.Module.parse("""
func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = kiln.exp %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}""")
    assert m.signature().inputs[0].shape == (None, 4)
    assert str(m.signature().inputs[0]) == "tensor<?x4xf32>"


def test_syntax_error_has_line_and_column():
    text = ("func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
            "  %y = kiln.exp %x : tensor<4xf32\n"
            "  return %y : tensor<4xf32>\n"
            "}\n")
    with pytest.raises(kiln.ParseError) as info:
        kiln.Module.parse(text, name="bad.mlir")
    message = str(info.value)
    assert message.startswith("bad.mlir:2:34: error: expected '>' in tensor type")
    assert "error:" in message
    # A parse error is a ValueError too (and a kiln.Error).
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, kiln.Error)


def test_verifier_error_names_op_and_shapes():
    text = ("func.func @f(%a: tensor<8x16xf32>, %b: tensor<12x4xf32>) -> tensor<8x4xf32> {\n"
            "  %y = kiln.matmul %a, %b : tensor<8x16xf32>, tensor<12x4xf32> -> tensor<8x4xf32>\n"
            "  return %y : tensor<8x4xf32>\n"
            "}\n")
    with pytest.raises(kiln.VerifyError) as info:
        kiln.Module.parse(text)
    message = str(info.value)
    assert message.startswith("<string>:2:8: error: 'kiln.matmul' op "
                              "contracting dimensions differ")
    assert "K = 16" in message and "K = 12" in message
    # The offending source line is quoted under the message.
    assert "kiln.matmul %a, %b" in message


def test_parse_without_verify_then_verify():
    text = """
func.func @f(%a: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<4x3xf32> {
  %y = kiln.add %a, %b : tensor<4x3xf32>, tensor<4xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}"""
    m = kiln.Module.parse(text, verify=False)
    with pytest.raises(kiln.VerifyError, match="not broadcast-compatible"):
        m.verify()


def test_unknown_op_and_empty_text():
    with pytest.raises(kiln.ParseError, match="kiln.frobnicate"):
        kiln.Module.parse("func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
                          "  %y = kiln.frobnicate %x : tensor<4xf32>\n"
                          "  return %y : tensor<4xf32>\n}")
    assert kiln.Module.parse("").functions == []


def test_load_example_and_missing_file(examples_dir, tmp_path):
    m = kiln.Module.load(os.path.join(examples_dir, "gpt2_block.mlir"))
    assert m.functions == ["gpt2_block"]
    assert str(m.signature().inputs[0]) == "tensor<1x64x256xf32>"
    with pytest.raises(kiln.ParseError, match="no_such_file"):
        kiln.Module.load(str(tmp_path / "no_such_file.mlir"))
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f() {\n  %y = kiln.oops\n}\n")
    with pytest.raises(kiln.ParseError) as info:
        kiln.Module.load(str(bad))
    assert str(info.value).startswith(str(bad) + ":2:")


def test_to_string_options(examples_dir):
    m = kiln.Module.load(os.path.join(examples_dir, "gpt2_block.mlir"))
    full = str(m)
    short = m.to_string(elide_larger_than=16)
    assert len(short) < len(full) // 10
    assert '"kiln.layer_norm"' in m.to_string(generic=True)
    assert "loc(" in m.to_string(locations=True)


def test_select_function():
    m = kiln.Module.parse("""
func.func @a(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = kiln.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @b(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = kiln.neg %x : tensor<4xf32>
  return %y : tensor<4xf32>
}""")
    assert m.functions == ["a", "b"]
    with pytest.raises(ValueError, match="2 public functions"):
        m.signature()
    with pytest.raises(KeyError, match="no function @c"):
        m.signature("c")
    f = kiln.compile(m, "ref", function="b")
    np.testing.assert_array_equal(f(np.ones(4, np.float32)), -np.ones(4))


def test_emit_stages():
    m = kiln.Module.parse(MLP)
    assert "kiln.matmul" in m.emit("kiln")
    linalg = m.emit("linalg")
    assert "linalg." in linalg and "kiln." not in linalg
    assert "scf.forall" in m.emit("tiled") or "vector." in m.emit("tiled")
    assert "llvm.func" in m.emit("llvm")
    assert "define" in m.emit("llvm-ir")
    with pytest.raises(ValueError, match="unknown stage 'bogus'"):
        m.emit("bogus")
    with pytest.raises(ValueError, match="x86-64-nope"):
        m.emit("asm", target="x86-64-nope")


def test_emit_for_a_named_cpu_description():
    asm = kiln.Module.parse(MLP).emit("asm", target="cpu:aarch64-neon")
    assert "fmla" in asm or "ldr" in asm


def test_schedules():
    text = kiln.Module.parse(MLP).schedules()
    assert "kiln.matmul" in text
    assert "tiles" in text or "us" in text


def test_schedules_tf32():
    """f32_matmul="tf32" lets the GPU cost model put an f32 matmul on TF32
    tensor cores (an m16n8k8 level); it is an error on other targets."""
    m = kiln.Module.parse("""
func.func @mm(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = kiln.matmul %a, %b : tensor<256x256xf32>, tensor<256x256xf32> -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}
""")
    assert "[16, 8, 8]" not in m.schedules("gpu:sm90")
    assert "[16, 8, 8]" in m.schedules("gpu:sm90", f32_matmul="tf32")
    with pytest.raises(kiln.CompileError, match="f32-matmul=tf32 is a GPU option"):
        m.schedules("host", f32_matmul="tf32")
    with pytest.raises(kiln.CompileError, match="expected ieee or tf32"):
        m.schedules("gpu:sm90", f32_matmul="fp8")


UNFUSED_ATTENTION = """
func.func @attn(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x16xf32>) -> tensor<1x4x16x16xf32> {
  %s = kiln.matmul %q, %k transpose_b : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x16x32xf32>
  %p = kiln.softmax %s : tensor<1x4x16x32xf32>
  %o = kiln.matmul %p, %v : tensor<1x4x16x32xf32>, tensor<1x4x32x16xf32> -> tensor<1x4x16x16xf32>
  return %o : tensor<1x4x16x16xf32>
}
"""


def test_schedules_follow_the_compile_pipeline():
    """schedules() runs the pipeline's decision stage (buildScheduleSelectionPipeline):
    matmul/softmax/matmul is recognized as one kiln.attention first, so the
    printout shows the schedule the compiled code uses, not three ops'."""
    m = kiln.Module.parse(UNFUSED_ATTENTION)
    for target in ("host", "npu:edge", "gpu:sm90"):
        text = m.schedules(target)
        assert "kiln.attention" in text, text
        assert "kiln.softmax" not in text, text
    # The module itself is not rewritten.
    assert "kiln.softmax" in str(m)


def test_load_onnx_model(tmp_path):
    """Module.load imports ONNX models with the C++ importer (docs/onnx.md)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    w = (np.arange(12, dtype=np.float32).reshape(4, 3) - 6) / 10
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("Relu", ["h"], ["y"])], "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(w, "w")])
    path = tmp_path / "linear.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              str(path))
    m = kiln.Module.load(str(path), onnx_dims={"batch": 2})
    assert str(m.signature().inputs[0]) == "tensor<2x4xf32>"
    x = np.random.default_rng(0).standard_normal((2, 4), dtype=np.float32)
    np.testing.assert_allclose(kiln.compile(m, "cpu")(x), np.maximum(x @ w, 0),
                               rtol=1e-4, atol=1e-5)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    with pytest.raises(kiln.ParseError, match="not a valid ONNX model"):
        kiln.Module.load(str(bad))
