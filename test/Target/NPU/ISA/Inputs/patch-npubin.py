"""Corrupts a .npubin for the decoder's error tests (layout: docs/npu.md).

  patch-npubin.py IN OUT truncate N          keep the first N bytes
  patch-npubin.py IN OUT byte OFFSET VALUE   set one byte
  patch-npubin.py IN OUT instr QUEUE INDEX FIELD VALUE
      set byte FIELD of instruction INDEX of QUEUE (0 load, 1 compute,
      2 store); FIELD 0 is the opcode, 40 the first operand's space
"""
import struct
import sys

src, dst, op = sys.argv[1], sys.argv[2], sys.argv[3]
data = bytearray(open(src, "rb").read())
if op == "truncate":
    data = data[: int(sys.argv[4])]
elif op == "byte":
    data[int(sys.argv[4], 0)] = int(sys.argv[5], 0)
elif op == "instr":
    queue, index, field, value = (int(a, 0) for a in sys.argv[4:8])
    (num_sections,) = struct.unpack_from("<I", data, 8)
    for s in range(num_sections):
        kind, _, offset, size = struct.unpack_from("<IIQQ", data, 32 + 24 * s)
        if kind == 5 + queue:
            count, record = struct.unpack_from("<II", data, offset)
            assert index < count
            data[offset + 8 + index * record + field] = value
            break
    else:
        sys.exit("no such queue section")
else:
    sys.exit("unknown operation " + op)
open(dst, "wb").write(data)
