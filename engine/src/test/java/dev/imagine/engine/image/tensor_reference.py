#!/usr/bin/env python3
"""Reference numbers for ImageTensorsTest, derived without the Java code.

Emulates float32 with struct: each +, -, *, / of two float32 values is done exactly enough in double
(53 >= 2 * 24 + 2 bits) and then rounded to float32, which equals the IEEE float32 result.
Formulas (diffusers VaeImageProcessor): to tensor 2 * (p / 255) - 1; from tensor
round(clamp(v / 2 + 0.5, 0, 1) * 255) with numpy's round-half-to-even (Python's round() is the same).
Run: python3 tensor_reference.py
"""
import struct


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def from_bits(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def to_tensor(p):
    v = f32(p / 255.0)
    return f32(f32(2.0 * v) - 1.0)


def to_byte(v):
    x = f32(f32(v / 2.0) + 0.5)
    x = min(max(x, 0.0), 1.0)
    return round(f32(x * 255.0))


print("to tensor: p -> float bits")
for p in (0, 1, 127, 128, 254, 255):
    print(f"  {p:3d} -> 0x{bits(to_tensor(p)):08x}  ({to_tensor(p)!r})")

print("half-way cases: v bits, x * 255 in float32, expected byte")
for k in (0, 1, 2, 3, 126, 127, 128, 253, 254):
    target = k + 0.5
    found = None
    start = bits(f32(target / 255.0))
    for b in sorted(range(start - 64, start + 65), key=lambda b: abs(b - start)):
        x = from_bits(b)
        if f32(x * 255.0) != target:
            continue
        # a float32 v with v / 2 + 0.5 == x in float32
        v0 = bits(f32(2.0 * (x - 0.5)))
        for vb in sorted(range(v0 - 64, v0 + 65), key=lambda vb: abs(vb - v0)):
            v = from_bits(vb)
            if f32(f32(v / 2.0) + 0.5) == x:
                found = (vb, v, x)
                break
        if found:
            break
    if found:
        vb, v, x = found
        print(f"  k={k:3d} v=0x{vb:08x} ({v!r}) x*255={f32(x * 255.0)!r} -> {to_byte(v)}")
    else:
        print(f"  k={k:3d}: no float32 v reaches exactly {target}")
