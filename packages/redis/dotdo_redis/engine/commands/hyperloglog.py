"""HyperLogLog: PFADD, PFCOUNT, PFMERGE with Redis's exact sketch, so counts equal Redis's.

The value is a string: a 16-byte header ("HYLL", encoding byte, 3 unused bytes, the cached
cardinality as 8 little-endian bytes whose top bit marks it stale) followed by 16384 6-bit
registers packed least-significant-bit first (the dense encoding). Elements are hashed with
MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the position of the first
set bit in the remaining 50 bits (plus one) is the candidate register value. The estimate is
Ertl's improved estimator, as in Redis 7.

Small sketches use Redis's sparse encoding (hll_sparse.py), updated exactly as Redis does, so
the stored bytes (GET, DUMP-free copies between servers) are Redis's too.
"""
from __future__ import annotations

import math
import struct

from ..context import Ctx
from ..errors import WRONGTYPE, RedisError
from ..registry import command
from ..replies import OK
from ...storage import Keyspace
from . import hll_sparse
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


def registers_of(value: bytes) -> list[int]:
    if value[4] == DENSE:
        return all_registers(value[HEADER:])
    return hll_sparse.registers(hll_sparse.decode(value[HEADER:]))


class Sketch:
    """A stored HLL being updated: sparse opcodes until Redis would promote it, then dense registers."""

    __slots__ = ("header", "sparse", "dense")

    def __init__(self, value: bytes | None) -> None:
        if value is None:  # a new sketch: sparse, every register zero, cached count 0
            self.header = bytearray(b"HYLL" + bytes((SPARSE,)) + bytes(11))
            self.sparse: hll_sparse.SparseBody | None = hll_sparse.SparseBody(hll_sparse.empty(), HEADER + 2)
            self.dense: bytearray | None = None
        elif value[4] == SPARSE:
            self.header = bytearray(value[:HEADER])
            self.sparse = hll_sparse.SparseBody(hll_sparse.decode(value[HEADER:]), len(value))
            self.dense = None
        else:
            self.header = bytearray(value[:HEADER])
            self.sparse = None
            self.dense = bytearray(value[HEADER:])

    def make_dense(self) -> None:
        if self.sparse is not None:
            self.dense = pack_registers(hll_sparse.registers(self.sparse.ops))
            self.sparse = None
            self.header[4] = DENSE

    def raise_register(self, index: int, rank: int) -> bool:
        if self.sparse is not None:
            result = self.sparse.set(index, rank)
            if result != hll_sparse.PROMOTE:
                return result == 1
            self.make_dense()
        regs = self.dense
        if get_register(regs, index) < rank:
            set_register(regs, index, rank)
            return True
        return False

    def to_bytes(self) -> bytes:
        self.header[15] |= 0x80  # the cached count is stale
        body = hll_sparse.encode(self.sparse.ops) if self.sparse is not None else self.dense
        return bytes(self.header) + bytes(body)


def _store(ks, key: bytes, existed: bool, value: bytes) -> None:
    if existed:
        ks.set_value(key, value)
    else:
        ks.set_string(key, value, None)
    set_string_encoding(ks, key, "raw")


@command("pfadd", arity=-2, flags="write denyoom fast")
def pfadd(ctx: Ctx, key: bytes, *elements: bytes):
    ks = ctx.ks
    entry = ks.entry(key)
    sketch = Sketch(None if entry is None else _check(entry))
    updated = entry is None
    for element in elements:
        if sketch.raise_register(*register_and_rank(element)):
            updated = True
    if not updated:
        return 0
    _store(ks, key, entry is not None, sketch.to_bytes())
    return 1


@command("pfcount", arity=-2, flags="readonly", keys=(1, -1, 1))
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
    _cache_count(ks, keys[0], value, count)
    return count


def _cache_count(ks: Keyspace, key: bytes, value: bytes, count: int) -> None:
    """Store the count in the header as Redis does (the bytes change and WATCH sees it), though
    PFCOUNT is a read-only command: a short write of its own (a savepoint inside a transaction)."""
    updated = bytearray(value)
    updated[8:16] = count.to_bytes(8, "little")
    with ks.tables.shard.write() as tx:
        wks = Keyspace(ks.tables, tx.conn, tx, ks.db, ks.now_ms)
        current = wks.entry(key)
        if current is None or current[1] != value:  # changed since it was read: leave it alone
            return
        wks.set_value(key, bytes(updated))
        if len(updated) <= 44:  # still the raw string PFADD made, however short
            set_string_encoding(wks, key, "raw")


@command("pfmerge", arity=-2, flags="write denyoom", keys=(1, -1, 1))
def pfmerge(ctx: Ctx, dest: bytes, *sources: bytes):
    ks = ctx.ks
    merged = [0] * REGISTERS
    any_dense = False
    for key in (dest, *sources):
        entry = ks.entry(key)
        if entry is None:
            continue
        value = _check(entry)
        any_dense = any_dense or value[4] == DENSE
        for i, v in enumerate(registers_of(value)):
            if v > merged[i]:
                merged[i] = v
    entry = ks.entry(dest)
    sketch = Sketch(None if entry is None else entry[1])
    # Redis keeps the destination sparse only while every input is sparse.
    if any_dense:
        sketch.make_dense()
        regs = sketch.dense
        for i, v in enumerate(merged):
            if v and get_register(regs, i) < v:
                set_register(regs, i, v)
    else:
        for i, v in enumerate(merged):
            if v:
                sketch.raise_register(i, v)
    _store(ks, dest, entry is not None, sketch.to_bytes())
    return OK
