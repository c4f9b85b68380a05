"""String commands: GET/SET and their variants, counters, ranges, LCS."""
from __future__ import annotations

from ..args import INT64_MAX, INT64_MIN, to_int
from ..context import Ctx
from ..errors import INVALID_EXPIRE, NOT_FLOAT, OVERFLOW, SYNTAX, WRONGTYPE, RedisError, wrong_arity
from ..registry import command
from ..replies import OK, Map
from ...storage import remember
from . import longdouble
from .keys import set_expiry_keeping_encoding, set_string_encoding

MAX_STRING = 512 * 1024 * 1024  # proto-max-bulk-len
TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"

# The expiry options of SET and GETEX (one of them at most, repeated words allowed as in Redis).
_EXPIRY_WORDS = (b"ex", b"px", b"exat", b"pxat")


def check_length(size: int, append: int) -> None:
    if size + append > MAX_STRING:
        raise RedisError(TOO_BIG)


def parse_set_options(options: tuple[bytes, ...], command_name: str) -> tuple[set[bytes], bytes | None, bytes | None]:
    """Redis's parseExtendedStringArguments: (flags, expiry word, expiry argument); syntax error on conflicts."""
    is_set = command_name == "set"
    flags: set[bytes] = set()
    unit = amount = None
    n = len(options)
    i = 0
    while i < n:
        opt = options[i].lower()
        has_next = i + 1 < n
        if opt == b"nx" and is_set and b"xx" not in flags:
            flags.add(opt)
        elif opt == b"xx" and is_set and b"nx" not in flags:
            flags.add(opt)
        elif opt == b"get" and is_set:
            flags.add(opt)
        elif opt == b"keepttl" and is_set and unit is None:
            flags.add(opt)
        elif opt == b"persist" and not is_set and unit is None:
            flags.add(opt)
        elif opt in _EXPIRY_WORDS and has_next and b"keepttl" not in flags and b"persist" not in flags and unit in (None, opt):
            unit, amount = opt, options[i + 1]
            i += 1
        else:
            raise RedisError(SYNTAX)
        i += 1
    return flags, unit, amount


def expiry_ms(ctx: Ctx, command_name: str, unit: bytes, amount: bytes) -> int:
    """The absolute expiry an EX/PX/EXAT/PXAT argument asks for, with Redis's checks."""
    ms = to_int(amount)
    seconds = unit in (b"ex", b"exat")
    if ms <= 0 or (seconds and ms > INT64_MAX // 1000):
        raise RedisError(INVALID_EXPIRE.format(command_name))
    if seconds:
        ms *= 1000
    if unit in (b"ex", b"px"):
        if ms > INT64_MAX - ctx.now_ms:
            raise RedisError(INVALID_EXPIRE.format(command_name))
        ms += ctx.now_ms
    return ms


# -- GET / SET family -----------------------------------------------------------------------

@command("get", arity=2, flags="readonly fast")
def get(ctx: Ctx, key: bytes):
    return ctx.ks.get_string(key)


class _HeldSets:
    """`SET key value` in a batch: whatever a key held, it ends as this string with no expiry, so
    the writes can wait to go out together as one multi-row statement — when the batch runs any
    other command, or commits (engine.HOLDS). A key set twice is written once, with its last value."""

    __slots__ = ("ks", "values")

    def __init__(self, ks) -> None:
        self.ks = ks
        self.values: dict[bytes, bytes] = {}

    def flush(self) -> None:
        values = self.values
        self.ks.set_strings(list(values), list(values.values()))


@command("set", arity=-3, flags="write denyoom")
def set_(ctx: Ctx, key: bytes, value: bytes, *options: bytes):
    if not options:
        ks = ctx.ks
        deferred = ks.deferred
        if deferred is not None and deferred.kind == "set":
            held = deferred.get(ks)
            if held is None:
                held = deferred[ks] = _HeldSets(ks)
            held.values[key] = value
            return OK
        ks.set_string(key, value, None)
        return OK
    flags, unit, amount = parse_set_options(options, "set")
    expires = expiry_ms(ctx, "set", unit, amount) if unit is not None else None
    ks = ctx.ks
    entry = ks.entry(key)
    get_old = b"get" in flags
    old = None
    if get_old and entry is not None:
        if entry[0] != "string":
            raise RedisError(WRONGTYPE)
        old = entry[1]
    if (b"nx" in flags and entry is not None) or (b"xx" in flags and entry is None):
        return old if get_old else None
    if b"keepttl" in flags and entry is not None:
        expires = entry[2]
    ks.set_string(key, value, expires)
    return old if get_old else OK


@command("setnx", arity=3, flags="write denyoom fast")
def setnx(ctx: Ctx, key: bytes, value: bytes):
    ks = ctx.ks
    if ks.exists(key):
        return 0
    ks.set_string(key, value, None)
    return 1


def _setex(ctx: Ctx, name: str, unit: bytes, key: bytes, amount: bytes, value: bytes):
    expires = expiry_ms(ctx, name, unit, amount)
    ctx.ks.set_string(key, value, expires)
    return OK


@command("setex", arity=4, flags="write denyoom")
def setex(ctx: Ctx, key: bytes, seconds: bytes, value: bytes):
    return _setex(ctx, "setex", b"ex", key, seconds, value)


@command("psetex", arity=4, flags="write denyoom")
def psetex(ctx: Ctx, key: bytes, ms: bytes, value: bytes):
    return _setex(ctx, "psetex", b"px", key, ms, value)


@command("getset", arity=3, flags="write denyoom fast")
def getset(ctx: Ctx, key: bytes, value: bytes):
    ks = ctx.ks
    old = ks.get_string(key)
    ks.set_string(key, value, None)
    return old


@command("getdel", arity=2, flags="write fast")
def getdel(ctx: Ctx, key: bytes):
    ks = ctx.ks
    old = ks.get_string(key)
    if old is not None:
        ks.delete(key)
    return old


@command("getex", arity=-2, flags="write fast")
def getex(ctx: Ctx, key: bytes, *options: bytes):
    flags, unit, amount = parse_set_options(options, "getex")
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None:
        return None
    if entry[0] != "string":
        raise RedisError(WRONGTYPE)
    if unit is not None:
        expires = expiry_ms(ctx, "getex", unit, amount)
        if expires <= ctx.now_ms:
            ks.delete(key)
        else:
            set_expiry_keeping_encoding(ks, key, "string", expires)
    elif b"persist" in flags and entry[2] is not None:
        set_expiry_keeping_encoding(ks, key, "string", None)
    return entry[1]


@command("mget", arity=-2, flags="readonly fast", keys=(1, -1, 1))
def mget(ctx: Ctx, *keys: bytes):
    return ctx.ks.strings(keys)


@command("mset", arity=-3, flags="write denyoom", keys=(1, -1, 2))
def mset(ctx: Ctx, *pairs: bytes):
    if len(pairs) % 2:
        raise wrong_arity("mset")
    ctx.ks.set_strings(list(pairs[0::2]), list(pairs[1::2]))
    return OK


@command("msetnx", arity=-3, flags="write denyoom", keys=(1, -1, 2))
def msetnx(ctx: Ctx, *pairs: bytes):
    if len(pairs) % 2:
        raise wrong_arity("msetnx")
    ks = ctx.ks
    if any(ks.exists(pairs[i]) for i in range(0, len(pairs), 2)):
        return 0
    ks.set_strings(list(pairs[0::2]), list(pairs[1::2]))
    return 1


# -- counters ------------------------------------------------------------------------------------

class _HeldCounter:
    """Counter commands on a key that one earlier in the same batch wrote: that one checked the key
    row's stamp, and the batch holds the shard's write lock, so the key holds an integer this
    object knows, and the sum can wait to be written once — when the batch runs any other command,
    or commits (engine.HOLDS)."""

    __slots__ = ("ks", "sk", "value", "written")

    def __init__(self, ks, sk: bytes, value: int) -> None:
        self.ks, self.sk, self.value, self.written = ks, sk, value, True

    def add(self, delta: int) -> int:
        result = self.value + delta
        if not INT64_MIN <= result <= INT64_MAX:
            raise RedisError(OVERFLOW)
        self.value, self.written = result, False
        return result

    def flush(self) -> None:
        if self.written:  # no counter command after the one that wrote: nothing is held
            return
        ks, sk = self.ks, self.sk
        remember(ks.tables.counters, sk, (ks.kv.set_value(ks.tx, sk, str(self.value).encode()), self.value))


def _incr(ctx: Ctx, key: bytes, delta: int) -> int:
    """INCRBY. A counter this process wrote last skips the read, as a list push does (lists.py):
    its value is remembered with the key row's stamp, and one conditional update checks the stamp
    (every write of a key row changes it, in any process) while writing the sum. A stamp that
    moved makes that update write nothing, and the increment reads."""
    ks = ctx.ks
    sk = ks.p + key
    deferred = ks.deferred
    if deferred:  # a counter command of this batch wrote the key: this one waits with it
        held = deferred.get(sk)
        if held is not None:
            return held.add(delta)
    counters = ks.tables.counters
    known = counters.get(sk)
    if known is not None:
        ver, current = known
        result = current + delta
        if INT64_MIN <= result <= INT64_MAX:
            new = ks.kv.set_value_if(ks.tx, sk, str(result).encode(), ver, "string", ks.now_ms)
            if new is not None:
                counters[sk] = (new, result)
                if deferred is not None and deferred.kind == "counter":
                    deferred[sk] = _HeldCounter(ks, sk, result)
                return result
        del counters[sk]
    entry = ks.entry(key)
    if entry is None:
        current = 0
    else:
        if entry[0] != "string":
            raise RedisError(WRONGTYPE)
        current = to_int(entry[1] or b"")
    result = current + delta
    if not INT64_MIN <= result <= INT64_MAX:
        raise RedisError(OVERFLOW)
    text = str(result).encode()
    if entry is None:
        ks.set_string(key, text, None)
    else:
        ver = ks.set_value(key, text)  # a new stamp: any encoding mark retires, the value is int-encoded
        remember(counters, sk, (ver, result))
    return result


@command("incr", arity=2, flags="write denyoom fast")
def incr(ctx: Ctx, key: bytes):
    return _incr(ctx, key, 1)


@command("decr", arity=2, flags="write denyoom fast")
def decr(ctx: Ctx, key: bytes):
    return _incr(ctx, key, -1)


@command("incrby", arity=3, flags="write denyoom fast")
def incrby(ctx: Ctx, key: bytes, delta: bytes):
    return _incr(ctx, key, to_int(delta))


@command("decrby", arity=3, flags="write denyoom fast")
def decrby(ctx: Ctx, key: bytes, delta: bytes):
    amount = to_int(delta)
    if amount == INT64_MIN:
        raise RedisError("ERR decrement would overflow")
    return _incr(ctx, key, -amount)


@command("incrbyfloat", arity=3, flags="write denyoom fast")
def incrbyfloat(ctx: Ctx, key: bytes, delta: bytes):
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is not None and entry[0] != "string":
        raise RedisError(WRONGTYPE)
    current = longdouble.parse(entry[1]) if entry is not None else 0
    increment = longdouble.parse(delta)
    if current is None or increment is None:
        raise RedisError(NOT_FLOAT)
    result = longdouble.add(current, increment)
    if isinstance(result, float):  # inf or nan
        raise RedisError("ERR increment would produce NaN or Infinity")
    text = longdouble.format_human(result)
    if entry is None:
        ks.set_string(key, text, None)
    else:
        ks.set_value(key, text)
    # Redis builds the reply object from the formatted text without integer-encoding it.
    set_string_encoding(ks, key, "embstr" if len(text) <= 44 else "raw")
    return text


# -- APPEND, STRLEN, ranges ------------------------------------------------------------------------

@command("append", arity=3, flags="write denyoom fast")
def append(ctx: Ctx, key: bytes, value: bytes):
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None:
        ks.set_string(key, value, None)
        return len(value)
    if entry[0] != "string":
        raise RedisError(WRONGTYPE)
    old = entry[1] or b""
    check_length(len(old), len(value))
    ks.set_value(key, old + value)
    set_string_encoding(ks, key, "raw")
    return len(old) + len(value)


@command("strlen", arity=2, flags="readonly fast")
def strlen(ctx: Ctx, key: bytes):
    value = ctx.ks.get_string(key)
    return 0 if value is None else len(value)


def _getrange(ctx: Ctx, key: bytes, start_arg: bytes, end_arg: bytes) -> bytes:
    start, end = to_int(start_arg), to_int(end_arg)
    value = ctx.ks.get_string(key)
    if value is None:
        return b""
    n = len(value)
    if start < 0 and end < 0 and start > end:
        return b""
    if start < 0:
        start = max(n + start, 0)
    if end < 0:
        end = max(n + end, 0)
    if end >= n:
        end = n - 1
    if start > end or n == 0:
        return b""
    return value[start : end + 1]


@command("getrange", arity=4, flags="readonly")
def getrange(ctx: Ctx, key: bytes, start: bytes, end: bytes):
    return _getrange(ctx, key, start, end)


@command("substr", arity=4, flags="readonly")
def substr(ctx: Ctx, key: bytes, start: bytes, end: bytes):
    return _getrange(ctx, key, start, end)


@command("setrange", arity=4, flags="write denyoom")
def setrange(ctx: Ctx, key: bytes, offset_arg: bytes, value: bytes):
    offset = to_int(offset_arg)
    if offset < 0:
        raise RedisError("ERR offset is out of range")
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None:
        if not value:
            return 0
        check_length(offset, len(value))
        ks.set_string(key, b"\x00" * offset + value, None)
    else:
        if entry[0] != "string":
            raise RedisError(WRONGTYPE)
        old = entry[1] or b""
        if not value:
            return len(old)
        check_length(offset, len(value))
        if len(old) < offset:
            old = old + b"\x00" * (offset - len(old))
        ks.set_value(key, old[:offset] + value + old[offset + len(value):])
    set_string_encoding(ks, key, "raw")
    return max(len(entry[1] or b"") if entry else 0, offset + len(value))


# -- LCS ----------------------------------------------------------------------------------------------

@command("lcs", arity=-3, flags="readonly", keys=(1, 2, 1))
def lcs(ctx: Ctx, key_a: bytes, key_b: bytes, *options: bytes):
    ks = ctx.ks
    ea, eb = ks.entry(key_a), ks.entry(key_b)
    if (ea is not None and ea[0] != "string") or (eb is not None and eb[0] != "string"):
        raise RedisError("ERR The specified keys must contain string values")
    get_idx = get_len = with_len = False
    min_len = 0
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if opt == b"idx":
            get_idx = True
        elif opt == b"len":
            get_len = True
        elif opt == b"withmatchlen":
            with_len = True
        elif opt == b"minmatchlen" and i + 1 < len(options):
            min_len = max(to_int(options[i + 1]), 0)
            i += 1
        else:
            raise RedisError(SYNTAX)
        i += 1
    if get_idx and get_len:
        raise RedisError("ERR If you want both the length and indexes, please just use IDX.")
    a = (ea[1] or b"") if ea else b""
    b = (eb[1] or b"") if eb else b""
    # Redis refuses when its (len(a)+1) x (len(b)+1) table of uint32 would exceed proto-max-bulk-len.
    if (len(a) + 1) * (len(b) + 1) * 4 > MAX_STRING:
        raise RedisError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
    table = LcsTable(a, b, keep_rows=not get_len)
    if get_len:
        return table.total
    return _lcs_walk(a, b, table, table.total, get_idx, with_len, min_len)


class LcsTable:
    """LCS lengths of all prefix pairs, computed bit-parallel (Hyyro): after i bytes of `a` the
    zero bits among the lowest j bits of row i count the LCS of a[:i] and b[:j]. One big-int row
    per byte of `a` stands for a whole row of the dynamic-programming table."""

    def __init__(self, a: bytes, b: bytes, keep_rows: bool) -> None:
        m = len(b)
        masks: dict[int, int] = {}
        for j, c in enumerate(b):
            masks[c] = masks.get(c, 0) | (1 << j)
        full = (1 << m) - 1
        row = full
        rows = [row] if keep_rows else None
        for c in a:
            match = row & masks.get(c, 0)
            row = ((row + match) | (row - match)) & full
            if rows is not None:
                rows.append(row)
        self.rows = rows
        self.total = m - row.bit_count()

    def at(self, i: int, j: int) -> int:
        return j - (self.rows[i] & ((1 << j) - 1)).bit_count()


def _lcs_walk(a: bytes, b: bytes, table, total: int, get_idx: bool, with_len: bool, min_len: int):
    """Walk back from the end as Redis does (ties step along b), collecting the common bytes and,
    for IDX, the contiguous matching ranges from last to first."""
    out = bytearray(total)
    pos = total
    i, j = len(a), len(b)
    matches = []
    open_range = False
    a_start = a_end = b_start = b_end = 0
    while i > 0 and j > 0:
        emit = False
        if a[i - 1] == b[j - 1]:
            out[pos - 1] = a[i - 1]
            if not open_range:
                a_start = a_end = i - 1
                b_start = b_end = j - 1
                open_range = True
            elif a_start == i and b_start == j:
                a_start -= 1
                b_start -= 1
            else:
                emit = True
            if a_start == 0 or b_start == 0:
                emit = True
            pos -= 1
            i -= 1
            j -= 1
        else:
            if table.at(i - 1, j) > table.at(i, j - 1):
                i -= 1
            else:
                j -= 1
            if open_range:
                emit = True
        if emit:
            length = a_end - a_start + 1
            if get_idx and (min_len == 0 or length >= min_len):
                match = [[a_start, a_end], [b_start, b_end]]
                if with_len:
                    match.append(length)
                matches.append(match)
            open_range = False
    if get_idx:
        return Map({b"matches": matches, b"len": total})
    return bytes(out)
