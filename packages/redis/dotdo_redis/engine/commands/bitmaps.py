"""Bit commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD(_RO).

Bit 0 is the most significant bit of the first byte, as in Redis."""
from __future__ import annotations

from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, WRONGTYPE, RedisError
from ..registry import command
from .keys import set_string_encoding
from .strings import MAX_STRING

BAD_OFFSET = "ERR bit offset is not an integer or out of range"
BAD_BIT = "ERR bit is not an integer or out of range"
BAD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."


def bit_offset(arg: bytes, hash_bits: int = 0) -> int:
    """A bit offset; with `hash_bits`, '#N' means N * hash_bits (BITFIELD)."""
    use_hash = hash_bits > 0 and arg[:1] == b"#"
    try:
        offset = to_int(arg[1:] if use_hash else arg)
    except RedisError:
        raise RedisError(BAD_OFFSET) from None
    if use_hash:
        offset *= hash_bits
    if offset < 0 or (offset >> 3) >= MAX_STRING:
        raise RedisError(BAD_OFFSET)
    return offset


def _string_for_bits(ctx: Ctx, key: bytes) -> bytes | None:
    return ctx.ks.get_string(key)


def _store_grown(ctx: Ctx, key: bytes, exists: bool, value: bytes) -> None:
    ks = ctx.ks
    if exists:
        ks.set_value(key, value)
    else:
        ks.set_string(key, value, None)
    set_string_encoding(ks, key, "raw")


def _grow(value: bytes, last_bit: int) -> bytes:
    need = (last_bit >> 3) + 1
    return value if len(value) >= need else value + b"\x00" * (need - len(value))


@command("setbit", arity=4, flags="write denyoom")
def setbit(ctx: Ctx, key: bytes, offset_arg: bytes, bit_arg: bytes):
    offset = bit_offset(offset_arg)
    try:
        on = to_int(bit_arg)
    except RedisError:
        raise RedisError(BAD_BIT) from None
    if on & ~1:
        raise RedisError(BAD_BIT)
    old = _string_for_bits(ctx, key)
    value = bytearray(_grow(old or b"", offset))
    byte, mask = offset >> 3, 0x80 >> (offset & 7)
    previous = 1 if value[byte] & mask else 0
    if on:
        value[byte] |= mask
    else:
        value[byte] &= ~mask & 0xFF
    _store_grown(ctx, key, old is not None, bytes(value))
    return previous


@command("getbit", arity=3, flags="readonly fast")
def getbit(ctx: Ctx, key: bytes, offset_arg: bytes):
    offset = bit_offset(offset_arg)
    value = _string_for_bits(ctx, key)
    if value is None or (offset >> 3) >= len(value):
        return 0
    return 1 if value[offset >> 3] & (0x80 >> (offset & 7)) else 0


def _unit(arg: bytes) -> bool:
    """True for BIT, False for BYTE."""
    word = arg.lower()
    if word == b"bit":
        return True
    if word == b"byte":
        return False
    raise RedisError(SYNTAX)


def _clamp(start: int, end: int, total: int) -> tuple[int, int]:
    if start < 0:
        start = max(total + start, 0)
    if end < 0:
        end = max(total + end, 0)
    if end >= total:
        end = total - 1
    return start, end


def _popcount(data: bytes) -> int:
    return int.from_bytes(data, "big").bit_count()


@command("bitcount", arity=-2, flags="readonly")
def bitcount(ctx: Ctx, key: bytes, *args: bytes):
    value = _string_for_bits(ctx, key)
    if value is None:
        return 0
    if not args:
        return _popcount(value)
    if len(args) not in (2, 3):
        raise RedisError(SYNTAX)
    start, end = to_int(args[0]), to_int(args[1])
    is_bit = _unit(args[2]) if len(args) == 3 else False
    total = len(value) * 8 if is_bit else len(value)
    if start < 0 and end < 0 and start > end:
        return 0
    start, end = _clamp(start, end, total)
    if start > end:
        return 0
    if not is_bit:
        return _popcount(value[start : end + 1])
    first, last = start >> 3, end >> 3
    chunk = int.from_bytes(value[first : last + 1], "big")
    # Keep bits [start, end] of the chunk (bit 0 = most significant).
    chunk >>= 7 - (end & 7)
    chunk &= (1 << (end - start + 1)) - 1
    return chunk.bit_count()


def _first_bit(value: bytes, bit: int, lo: int, hi: int) -> int:
    """Position of the first bit equal to `bit` among bit positions lo..hi (inclusive), or -1."""
    if lo > hi:
        return -1
    first, last = lo >> 3, hi >> 3
    data = bytearray(value[first : last + 1])
    head, tail = lo & 7, 7 - (hi & 7)
    # Force the bits outside the range to the opposite of what is searched for.
    head_mask = (0xFF << (8 - head)) & 0xFF
    tail_mask = (1 << tail) - 1
    if bit:
        data[0] &= ~head_mask & 0xFF
        data[-1] &= ~tail_mask & 0xFF
        skip = b"\x00"
    else:
        data[0] |= head_mask
        data[-1] |= tail_mask
        skip = b"\xff"
    rest = bytes(data).lstrip(skip)
    if not rest:
        return -1
    index = len(data) - len(rest)
    byte = rest[0] if bit else rest[0] ^ 0xFF
    return (first + index) * 8 + (8 - byte.bit_length())


@command("bitpos", arity=-3, flags="readonly")
def bitpos(ctx: Ctx, key: bytes, bit_arg: bytes, *args: bytes):
    bit = to_int(bit_arg)
    if bit not in (0, 1):
        raise RedisError("ERR The bit argument must be 1 or 0.")
    value = _string_for_bits(ctx, key)
    if value is None:
        return -1 if bit else 0
    n = len(value)
    end_given = False
    if not args:
        lo, hi = 0, n * 8 - 1
    else:
        if len(args) > 3:
            raise RedisError(SYNTAX)
        start = to_int(args[0])
        is_bit = _unit(args[2]) if len(args) == 3 else False
        if len(args) >= 2:
            end = to_int(args[1])
            end_given = True
        else:
            end = n * 8 + 7 if is_bit else n - 1
        total = n * 8 if is_bit else n
        start, end = _clamp(start, end, total)
        if start > end:
            return -1
        lo, hi = (start, end) if is_bit else (start * 8, end * 8 + 7)
    if lo > hi:
        return -1
    found = _first_bit(value, bit, lo, hi)
    if found == -1 and bit == 0 and not end_given:
        # Without an explicit end the string counts as padded with zero bits on the right.
        return ((hi >> 3) + 1) * 8
    return found


@command("bitop", arity=-4, flags="write denyoom", keys=(2, -1, 1))
def bitop(ctx: Ctx, op_arg: bytes, dest: bytes, *sources: bytes):
    op = op_arg.lower()
    if op not in (b"and", b"or", b"xor", b"not"):
        raise RedisError(SYNTAX)
    if op == b"not" and len(sources) != 1:
        raise RedisError("ERR BITOP NOT must be called with a single source key.")
    ks = ctx.ks
    values = []
    for key in sources:
        entry = ks.entry(key)
        if entry is not None and entry[0] != "string":
            raise RedisError(WRONGTYPE)
        values.append(entry[1] or b"" if entry is not None else None)
    longest = max(len(v or b"") for v in values)
    if longest == 0:
        ks.delete(dest)
        return 0
    ints = [int.from_bytes((v or b"").ljust(longest, b"\x00"), "big") for v in values]
    if op == b"not":
        result = ints[0] ^ ((1 << (8 * longest)) - 1)
    else:
        result = ints[0]
        for x in ints[1:]:
            if op == b"and":
                result &= x
            elif op == b"or":
                result |= x
            else:
                result ^= x
    ks.set_string(dest, result.to_bytes(longest, "big"), None)
    set_string_encoding(ks, dest, "raw")
    return longest


# -- BITFIELD ------------------------------------------------------------------------------------

def _field_type(arg: bytes) -> tuple[bool, int]:
    kind = arg[:1].lower()
    if kind not in (b"i", b"u"):
        raise RedisError(BAD_TYPE)
    try:
        bits = to_int(arg[1:])
    except RedisError:
        raise RedisError(BAD_TYPE) from None
    signed = kind == b"i"
    if bits < 1 or bits > (64 if signed else 63):
        raise RedisError(BAD_TYPE)
    return signed, bits


def _read_field(value: bytes, offset: int, bits: int, signed: bool) -> int:
    first, last = offset >> 3, (offset + bits - 1) >> 3
    chunk = value[first : last + 1].ljust(last - first + 1, b"\x00")
    number = int.from_bytes(chunk, "big") >> ((last + 1) * 8 - (offset + bits))
    number &= (1 << bits) - 1
    if signed and number >> (bits - 1):
        number -= 1 << bits
    return number


def _write_field(buf: bytearray, offset: int, bits: int, number: int) -> None:
    first, last = offset >> 3, (offset + bits - 1) >> 3
    width = (last - first + 1) * 8
    shift = width - (offset - first * 8) - bits
    chunk = int.from_bytes(buf[first : last + 1], "big")
    mask = ((1 << bits) - 1) << shift
    chunk = (chunk & ~mask) | ((number & ((1 << bits) - 1)) << shift)
    buf[first : last + 1] = chunk.to_bytes(last - first + 1, "big")


def _limit(number: int, signed: bool, bits: int, overflow: bytes) -> tuple[int | None, bool]:
    """(value to store, overflowed) for a mathematical result under WRAP/SAT/FAIL."""
    if signed:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    else:
        lo, hi = 0, (1 << bits) - 1
    if lo <= number <= hi:
        return number, False
    if overflow == b"fail":
        return None, True
    if overflow == b"sat":
        return (hi if number > hi else lo), True
    wrapped = number & ((1 << bits) - 1)
    if signed and wrapped >> (bits - 1):
        wrapped -= 1 << bits
    return wrapped, True


def _bitfield(ctx: Ctx, key: bytes, args: tuple[bytes, ...], read_only: bool):
    ops = []
    overflow = b"wrap"
    writes = False
    i = 0
    while i < len(args):
        sub = args[i].lower()
        remaining = len(args) - i - 1
        if sub == b"overflow" and remaining >= 1:
            overflow = args[i + 1].lower()
            if overflow not in (b"wrap", b"sat", b"fail"):
                raise RedisError("ERR Invalid OVERFLOW type specified")
            i += 2
            continue
        if not ((sub == b"get" and remaining >= 2) or (sub in (b"set", b"incrby") and remaining >= 3)):
            raise RedisError(SYNTAX)
        signed, bits = _field_type(args[i + 1])
        offset = bit_offset(args[i + 2], bits)
        number = 0
        if sub != b"get":
            writes = True
            number = to_int(args[i + 3])
        ops.append((sub, signed, bits, offset, number, overflow))
        i += 3 if sub == b"get" else 4
    if writes and read_only:
        raise RedisError("ERR BITFIELD_RO only supports the GET subcommand")
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is not None and entry[0] != "string":
        raise RedisError(WRONGTYPE)
    value = (entry[1] or b"") if entry is not None else b""
    if not writes:
        return [_read_field(value, offset, bits, signed) for _, signed, bits, offset, _, _ in ops]
    highest = max(offset + bits - 1 for sub, _, bits, offset, _, _ in ops if sub != b"get")
    buf = bytearray(_grow(value, highest))
    replies = []
    for sub, signed, bits, offset, number, mode in ops:
        old = _read_field(buf, offset, bits, signed)
        if sub == b"get":
            replies.append(old)
            continue
        if sub == b"incrby":
            new, _ = _limit(old + number, signed, bits, mode)
            reply = new
        else:
            target = number if signed else number % (1 << 64)  # Redis reads the SET value as uint64 for u<N>
            new, _ = _limit(target, signed, bits, mode)
            reply = old
        if new is None:
            replies.append(None)
            continue
        _write_field(buf, offset, bits, new)
        replies.append(reply)
    _store_grown(ctx, key, entry is not None, bytes(buf))
    return replies


@command("bitfield", arity=-2, flags="write denyoom")
def bitfield(ctx: Ctx, key: bytes, *args: bytes):
    return _bitfield(ctx, key, args, read_only=False)


@command("bitfield_ro", arity=-2, flags="readonly fast")
def bitfield_ro(ctx: Ctx, key: bytes, *args: bytes):
    return _bitfield(ctx, key, args, read_only=True)
