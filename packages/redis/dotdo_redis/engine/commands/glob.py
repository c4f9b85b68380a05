"""Redis's glob matching (KEYS, SCAN MATCH, PSUBSCRIBE ...), byte for byte as stringmatchlen does it.

The rules, including the odd corners clients can observe:
- `*` any run, `?` one byte, `\\x` a literal x, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges work,
  `\\` escapes inside a class), an unterminated `[` class ends at the pattern's end;
- bytes compare as C's signed char, so ranges spanning 0x7f/0x80 behave as Redis's do.
"""
from __future__ import annotations


def _signed(b: int) -> int:
    return b - 256 if b >= 128 else b


def _match(p: bytes, pi: int, s: bytes, si: int, nocase: bool, skip: list[bool]) -> bool:
    plen, slen = len(p), len(s)

    def at(i: int) -> int:  # C reads the terminating NUL past the end
        return p[i] if i < plen else 0

    def fold(c: int) -> int:
        return c + 32 if nocase and 65 <= c <= 90 else c

    while pi < plen and si < slen:
        c = p[pi]
        if c == 42:  # '*'
            while pi < plen and at(pi + 1) == 42:
                pi += 1
            if plen - pi == 1:
                return True
            while si < slen:
                if _match(p, pi + 1, s, si, nocase, skip):
                    return True
                if skip[0]:
                    return False
                si += 1
            # Nothing after this star matches anywhere further on: no longer match of an
            # earlier star can help either.
            skip[0] = True
            return False
        elif c == 63:  # '?'
            si += 1
        elif c == 91:  # '['
            pi += 1
            negate = at(pi) == 94
            if negate:
                pi += 1
            matched = False
            sc = s[si]
            while True:
                pc = at(pi)
                if pc == 92 and plen - pi >= 2:  # '\\'
                    pi += 1
                    if fold(at(pi)) == fold(sc):
                        matched = True
                elif pc == 93:  # ']'
                    break
                elif pi >= plen:
                    pi -= 1
                    break
                elif plen - pi >= 3 and at(pi + 1) == 45:  # 'x-y'
                    start, end, ch = _signed(at(pi)), _signed(at(pi + 2)), _signed(sc)
                    if start > end:
                        start, end = end, start
                    if nocase:
                        start, end, ch = _signed(fold(start & 0xFF)), _signed(fold(end & 0xFF)), _signed(fold(sc))
                    pi += 2
                    if start <= ch <= end:
                        matched = True
                elif fold(pc) == fold(sc):
                    matched = True
                pi += 1
            if negate:
                matched = not matched
            if not matched:
                return False
            si += 1
        else:
            if c == 92 and plen - pi >= 2:  # '\\' escapes the next byte
                pi += 1
                c = p[pi]
            if fold(c) != fold(s[si]):
                return False
            si += 1
        pi += 1
        if si >= slen:
            while at(pi) == 42 and pi < plen:
                pi += 1
            break
    return pi >= plen and si >= slen


def glob_match(pattern: bytes, string: bytes, nocase: bool = False) -> bool:
    """True if `string` matches the Redis glob `pattern`."""
    try:
        return _match(pattern, 0, string, 0, nocase, [False])
    except RecursionError:
        return False


def literal_prefix(pattern: bytes) -> bytes:
    """The bytes every match must start with (up to the first special character)."""
    out = bytearray()
    for c in pattern:
        if c in b"*?[\\":
            break
        out.append(c)
    return bytes(out)
