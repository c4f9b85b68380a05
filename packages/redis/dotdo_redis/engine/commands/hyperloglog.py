"""HyperLogLog: PFADD, PFCOUNT, PFMERGE with Redis's exact sketch, so counts equal Redis's.

The value is a string: a 16-byte header ("HYLL", encoding byte, 3 unused bytes, the cached
cardinality as 8 little-endian bytes whose top bit marks it stale) followed by 16384 6-bit
registers packed least-significant-bit first (the dense encoding). Elements are hashed with
MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the position of the first
set bit in the remaining 50 bits (plus one) is the candidate register value. The estimate is
Ertl's improved estimator, as in Redis 7.

Redis starts small sketches in its sparse encoding; this engine reads sparse values (a sketch
copied from a real server) but always writes dense ones, so counts are equal and only the raw
bytes of a small sketch (GET) differ.
"""
from __future__ import annotations

import math
import struct

from ..context import Ctx
from ..errors import WRONGTYPE, RedisError
from ..registry import command
from ..replies import OK
from .keys import set_string_encoding

P = 14
REGISTERS = 1 << P
Q = 64 - P
BITS = 6
REGISTER_MAX = (1 << BITS) - 1
HEADER = 16
DENSE_SIZE = HEADER + REGISTERS * BITS // 8
DENSE, SPARSE = 0, 1
ALPHA_INF = 0.721347520444481703680  # 0.5 / ln(2)
SEED = 0xADC83B19
M64 = (1 << 64) - 1

NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."
CORRUPTED = "INVALIDOBJ Corrupted HLL object detected"

def murmur64a(data: bytes, seed: int = SEED) -> int:
    m, r = 0xC6A4A7935BD1E995, 47
    n = len(data)
    h = (seed ^ (n * m)) & M64
    end = n - (n & 7)
    for (k,) in struct.iter_unpack("<Q", data[:end]):
        k = (k * m) & M64
        k ^= k >> r
        k = (k * m) & M64
        h ^= k
        h = (h * m) & M64
    tail = data[end:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * m) & M64
    h ^= h >> r
    h = (h * m) & M64
    h ^= h >> r
    return h


def register_and_rank(element: bytes) -> tuple[int, int]:
    h = murmur64a(element)
    index = h & (REGISTERS - 1)
    rest = (h >> P) | (1 << Q)
    rank = (rest & -rest).bit_length()  # 1 + number of trailing zeros
    return index, rank


# -- register access on the dense layout -----------------------------------------------------

def get_register(regs: bytearray | bytes, i: int) -> int:
    bit = i * BITS
    byte, shift = bit >> 3, bit & 7
    word = regs[byte] | ((regs[byte + 1] << 8) if byte + 1 < len(regs) else 0)
    return (word >> shift) & REGISTER_MAX


def set_register(regs: bytearray, i: int, value: int) -> None:
    bit = i * BITS
    byte, shift = bit >> 3, bit & 7
    regs[byte] = (regs[byte] & ~(REGISTER_MAX << shift) & 0xFF) | ((value << shift) & 0xFF)
    if shift > 2:
        regs[byte + 1] = (regs[byte + 1] & ~(REGISTER_MAX >> (8 - shift)) & 0xFF) | (value >> (8 - shift))


def all_registers(regs: bytes) -> list[int]:
    """The 16384 register values (four registers per three bytes)."""
    out = []
    append = out.append
    for j in range(0, len(regs), 3):
        v = regs[j] | (regs[j + 1] << 8) | (regs[j + 2] << 16)
        append(v & 63)
        append((v >> 6) & 63)
        append((v >> 12) & 63)
        append(v >> 18)
    return out


def pack_registers(values: list[int]) -> bytearray:
    out = bytearray(REGISTERS * BITS // 8)
    for j in range(0, REGISTERS, 4):
        v = values[j] | (values[j + 1] << 6) | (values[j + 2] << 12) | (values[j + 3] << 18)
        k = j // 4 * 3
        out[k] = v & 0xFF
        out[k + 1] = (v >> 8) & 0xFF
        out[k + 2] = v >> 16
    return out


def sparse_registers(body: bytes) -> list[int]:
    """Decode the sparse encoding (ZERO, XZERO and VAL opcodes); CORRUPTED if it does not cover all registers."""
    values: list[int] = []
    i, n = 0, len(body)
    while i < n:
        op = body[i]
        if op & 0x80:  # VAL: 1vvvvvxx
            values.extend([((op >> 2) & 0x1F) + 1] * ((op & 3) + 1))
            i += 1
        elif op & 0x40:  # XZERO: 01xxxxxx yyyyyyyy
            if i + 1 >= n:
                raise RedisError(CORRUPTED)
            values.extend([0] * ((((op & 0x3F) << 8) | body[i + 1]) + 1))
            i += 2
        else:  # ZERO: 00xxxxxx
            values.extend([0] * ((op & 0x3F) + 1))
            i += 1
        if len(values) > REGISTERS:
            raise RedisError(CORRUPTED)
    if len(values) != REGISTERS:
        raise RedisError(CORRUPTED)
    return values


# -- the estimator -----------------------------------------------------------------------------------

def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y = 1.0
    z = x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if previous == z:
            return z


def _tau(x: float) -> float:
    if x == 0.0 or x == 1.0:
        return 0.0
    y = 1.0
    z = 1 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= math.pow(1 - x, 2) * y
        if previous == z:
            return z / 3


def estimate(registers: list[int]) -> int:
    m = float(REGISTERS)
    histogram = [0] * (Q + 2)
    for value in registers:
        histogram[value] += 1
    z = m * _tau((m - histogram[Q + 1]) / m)
    for j in range(Q, 0, -1):
        z += histogram[j]
        z *= 0.5
    z += m * _sigma(histogram[0] / m)
    e = ALPHA_INF * m * m / z
    whole = int(e)
    return whole + 1 if e - whole >= 0.5 else whole  # llroundl: halves away from zero


# -- stored values -------------------------------------------------------------------------------------

def new_sketch() -> bytearray:
    out = bytearray(DENSE_SIZE)
    out[:4] = b"HYLL"
    return out


def _check(entry) -> bytes:
    """The HLL bytes of a key's entry, or the WRONGTYPE errors Redis gives."""
    if entry[0] != "string":
        raise RedisError(WRONGTYPE)
    value = entry[1] or b""
    if (
        len(value) < HEADER or value[:4] != b"HYLL" or value[4] > SPARSE
        or (value[4] == DENSE and len(value) != DENSE_SIZE)
    ):
        raise RedisError(NOT_HLL)
    return value


def as_dense(value: bytes) -> bytearray:
    """The value in the dense encoding (header kept, encoding byte set to dense)."""
    if value[4] == DENSE:
        return bytearray(value)
    out = bytearray(value[:HEADER]) + pack_registers(sparse_registers(value[HEADER:]))
    out[4] = DENSE
    return out


def registers_of(value: bytes) -> list[int]:
    if value[4] == DENSE:
        return all_registers(value[HEADER:])
    return sparse_registers(value[HEADER:])


def _invalidate(sketch: bytearray) -> None:
    sketch[15] |= 0x80


@command("pfadd", arity=-2, flags="write denyoom fast")
def pfadd(ctx: Ctx, key: bytes, *elements: bytes):
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None:
        sketch = new_sketch()
        updated = True
    else:
        sketch = as_dense(_check(entry))
        updated = False
    regs = memoryview(sketch)[HEADER:]
    for element in elements:
        index, rank = register_and_rank(element)
        if get_register(regs, index) < rank:
            set_register(regs, index, rank)
            updated = True
    del regs
    if not updated:
        return 0
    _invalidate(sketch)
    if entry is None:
        ks.set_string(key, bytes(sketch), None)
    else:
        ks.set_value(key, bytes(sketch))
    set_string_encoding(ks, key, "raw")
    return 1


@command("pfcount", arity=-2, flags="write", keys=(1, -1, 1))
def pfcount(ctx: Ctx, *keys: bytes):
    ks = ctx.ks
    if len(keys) > 1:
        merged = [0] * REGISTERS
        for key in keys:
            entry = ks.entry(key)
            if entry is None:
                continue
            for i, v in enumerate(registers_of(_check(entry))):
                if v > merged[i]:
                    merged[i] = v
        return estimate(merged)
    entry = ks.entry(keys[0])
    if entry is None:
        return 0
    value = _check(entry)
    if not value[15] & 0x80:
        return int.from_bytes(value[8:16], "little")
    count = estimate(registers_of(value))
    # Redis caches the count in the header, so the stored bytes change (and WATCH sees it).
    updated = bytearray(value)
    updated[8:16] = count.to_bytes(8, "little")
    ks.set_value(keys[0], bytes(updated))
    return count


@command("pfmerge", arity=-2, flags="write denyoom", keys=(1, -1, 1))
def pfmerge(ctx: Ctx, dest: bytes, *sources: bytes):
    ks = ctx.ks
    merged = [0] * REGISTERS
    for key in (dest, *sources):
        entry = ks.entry(key)
        if entry is None:
            continue
        for i, v in enumerate(registers_of(_check(entry))):
            if v > merged[i]:
                merged[i] = v
    entry = ks.entry(dest)
    header = bytearray(entry[1][:HEADER]) if entry is not None else new_sketch()[:HEADER]
    header[4] = DENSE
    sketch = header + pack_registers(merged)
    _invalidate(sketch)
    if entry is None:
        ks.set_string(dest, bytes(sketch), None)
    else:
        ks.set_value(dest, bytes(sketch))
    set_string_encoding(ks, dest, "raw")
    return OK
