"""The sparse HyperLogLog encoding, updated step by step as Redis 7.0 updates it.

A sparse body is a run-length list of opcodes covering the 16384 registers:
ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384 zero registers) and
VAL 1vvvvvxx (1..4 registers holding value 1..32). Redis edits the opcode covering a register in
place (splitting runs), then merges equal neighbouring VAL opcodes within a five-opcode window;
the bytes depend on the order of updates, so this module applies them in the same order with the
same rules to produce the same bytes. A value above 32, or a body that would grow past
hll-sparse-max-bytes (3000, counting the header), turns the sketch dense.

Opcodes are held as tuples: ("Z", run), ("X", run), ("V", value, run).
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from ..errors import RedisError

REGISTERS = 16384
MAX_BYTES = 3000  # hll-sparse-max-bytes
VAL_MAX_VALUE = 32
VAL_MAX_LEN = 4
ZERO_MAX_LEN = 64
XZERO_MAX_LEN = 16384
MERGE_WINDOW = 5

CORRUPTED = "INVALIDOBJ Corrupted HLL object detected"
PROMOTE = -1

Op = tuple


def decode(body: bytes) -> list[Op]:
    ops: list[Op] = []
    i, n = 0, len(body)
    while i < n:
        b = body[i]
        if b & 0x80:
            ops.append(("V", ((b >> 2) & 0x1F) + 1, (b & 3) + 1))
            i += 1
        elif b & 0x40:
            if i + 1 >= n:
                raise RedisError(CORRUPTED)
            ops.append(("X", (((b & 0x3F) << 8) | body[i + 1]) + 1))
            i += 2
        else:
            ops.append(("Z", (b & 0x3F) + 1))
            i += 1
    return ops


def encode(ops: list[Op]) -> bytes:
    out = bytearray()
    for op in ops:
        if op[0] == "V":
            out.append(0x80 | ((op[1] - 1) << 2) | (op[2] - 1))
        elif op[0] == "X":
            run = op[1] - 1
            out.append(0x40 | (run >> 8))
            out.append(run & 0xFF)
        else:
            out.append(op[1] - 1)
    return bytes(out)


def empty() -> list[Op]:
    return [("X", XZERO_MAX_LEN)]


def registers(ops: list[Op]) -> list[int]:
    values: list[int] = []
    for op in ops:
        if op[0] == "V":
            values.extend([op[1]] * op[2])
        else:
            values.extend([0] * op[1])
        if len(values) > REGISTERS:
            raise RedisError(CORRUPTED)
    if len(values) != REGISTERS:
        raise RedisError(CORRUPTED)
    return values


def _size(op: Op) -> int:
    return 2 if op[0] == "X" else 1


def _zeros(run: int) -> Op:
    return ("X", run) if run > ZERO_MAX_LEN else ("Z", run)


class SparseBody:
    """Opcodes plus the byte length of the whole value (header included), with a resume point so a
    pass over increasing registers (PFMERGE) does not rescan from the start each time."""

    __slots__ = ("ops", "spans", "nbytes", "_hint_op", "_hint_first")

    def __init__(self, ops: list[Op], nbytes: int) -> None:
        self.ops = ops
        self.spans = [op[-1] for op in ops]  # kept beside ops so locating a register runs in C
        self.nbytes = nbytes
        self._hint_op = 0
        self._hint_first = 0

    def set(self, index: int, count: int) -> int:
        """Raise register `index` to `count`: 1 if changed, 0 if not, PROMOTE if it must go dense."""
        if count > VAL_MAX_VALUE:
            return PROMOTE
        ops = self.ops
        n = len(ops)
        i, first = self._hint_op, self._hint_first
        found = False
        if index >= first:  # walk on a little from the last edit (PFMERGE goes left to right)
            stop = min(n, i + 16)
            while i < stop:
                span = ops[i][-1]
                if index <= first + span - 1:
                    found = True
                    break
                first += span
                i += 1
        if not found:
            ends = list(accumulate(self.spans))
            i = bisect_right(ends, index)
            if i >= n:
                raise RedisError(CORRUPTED)
            span = ops[i][-1]
            first = ends[i] - span
        op = ops[i]
        # Opcodes before the previous one are never touched below: resume there next time.
        resume = (i - 1, first - ops[i - 1][-1]) if i > 0 else (0, 0)
        changed = False
        if op[0] == "V":
            if op[1] >= count:
                return 0
            if op[2] == 1:
                ops[i] = ("V", count, 1)
                changed = True
        elif op[0] == "Z" and op[1] == 1:
            ops[i] = ("V", count, 1)
            changed = True
        if not changed:
            last = first + span - 1
            seq: list[Op] = []
            if op[0] == "V":
                if index != first:
                    seq.append(("V", op[1], index - first))
                seq.append(("V", count, 1))
                if index != last:
                    seq.append(("V", op[1], last - index))
            else:
                if index != first:
                    seq.append(_zeros(index - first))
                seq.append(("V", count, 1))
                if index != last:
                    seq.append(_zeros(last - index))
            delta = sum(_size(s) for s in seq) - _size(op)
            if delta > 0 and self.nbytes + delta > MAX_BYTES:
                return PROMOTE
            ops[i : i + 1] = seq
            self.spans[i : i + 1] = [op[-1] for op in seq]
            self.nbytes += delta
        # Merge equal VAL neighbours, scanning up to five opcodes from the one before the edit.
        j = i - 1 if i > 0 else 0
        window = MERGE_WINDOW
        while j < len(ops) and window > 0:
            window -= 1
            cur = ops[j]
            if cur[0] != "V":
                j += 1
                continue
            if j + 1 < len(ops):
                nxt = ops[j + 1]
                if nxt[0] == "V" and nxt[1] == cur[1] and cur[2] + nxt[2] <= VAL_MAX_LEN:
                    ops[j : j + 2] = [("V", cur[1], cur[2] + nxt[2])]
                    self.spans[j : j + 2] = [cur[2] + nxt[2]]
                    self.nbytes -= 1
                    continue
            j += 1
        self._hint_op, self._hint_first = resume
        return 1
