#!/usr/bin/env python3
"""Writes an f32 Kiln module (the example blocks) in f16 or bf16: every f32
type becomes the half type and every dense_resource blob of f32 values is
converted (round to nearest even), so the tensor-core path compiles the
same blocks. Usage: to_half.py IN.mlir f16|bf16 > OUT.mlir"""
import re
import struct
import sys


def half_bytes(data: bytes, kind: str) -> bytes:
    values = struct.unpack("<%df" % (len(data) // 4), data)
    if kind == "f16":
        return struct.pack("<%de" % len(values), *values)
    out = bytearray()
    for raw in struct.unpack("<%dI" % len(values), data):
        # bf16: the upper half of the f32, rounded to nearest even.
        rounded = (raw + 0x7FFF + ((raw >> 16) & 1)) >> 16
        out += struct.pack("<H", rounded & 0xFFFF)
    return bytes(out)


def main() -> None:
    path, kind = sys.argv[1], sys.argv[2]
    assert kind in ("f16", "bf16"), kind
    text = open(path).read()
    head, sep, blobs = text.partition("{-#")

    def blob(m: re.Match) -> str:
        raw = bytes.fromhex(m.group(2))
        align, data = raw[:4], raw[4:]
        assert struct.unpack("<I", align)[0] == 4, "not an f32 blob"
        return '%s"0x%s%s"' % (m.group(1), struct.pack("<I", 2).hex().upper(),
                               half_bytes(data, kind).hex().upper())

    head = re.sub(r"\bf32\b", kind, head.replace("xf32", "x" + kind))
    head = head.replace("float32", kind)
    blobs = re.sub(r'(\w+: )"0x([0-9A-Fa-f]+)"', blob, blobs)
    sys.stdout.write(head + sep + blobs)


if __name__ == "__main__":
    main()
