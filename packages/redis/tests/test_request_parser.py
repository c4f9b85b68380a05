"""The RESP request parser splits well-formed requests with hiredis and leaves everything else to
its own Python parser. Whatever the bytes and however they are split into reads, a client must get
exactly what the Python parser alone gives: the same requests in the same order, and the same
protocol error at the same point."""
from __future__ import annotations

import re

import hiredis
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dotdo_redis.protocol import resp
from dotdo_redis.protocol.resp import FAST_PARTIAL_MAX, ProtocolError, RequestParser


def frame(argv: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)


def parse(data: bytes, cuts: list[int], fast: bool, unauthenticated: bool = False) -> tuple[list, str | None]:
    """Feed `data` in pieces ending at `cuts`; every request taken, then the error that ended it (if any)."""
    parser = RequestParser(fast=fast)
    parser.unauthenticated = unauthenticated
    taken: list[list[bytes]] = []
    start = 0
    for end in sorted(set(cuts)) + [len(data)]:
        if end <= start:
            continue
        piece = data[start:end]
        start = end
        try:
            taken += parser.parse(piece)
        except ProtocolError as e:
            return taken, str(e)
    return taken, None


ARGS = st.lists(st.binary(max_size=12) | st.sampled_from([b"SET", b"GET", b"x" * 150]), min_size=1, max_size=12)
# Pieces a request may be built from: well-formed frames, other RESP types, inline lines, odd lengths.
PIECES = st.one_of(
    ARGS.map(frame),
    st.sampled_from([
        b"*1\r\n+PING\r\n", b"*2\r\n$3\r\nGET\r\n:1\r\n", b"*-1\r\n", b"*0\r\n", b"*1\r\n$-1\r\n", b"*1\r\n$03\r\nabc\r\n",
        b"*03\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", b"*1\r\n*1\r\n$1\r\na\r\n", b"PING\r\n", b"SET a \"b c\"\r\n",
        b"\r\n", b"*1\r\n$600000000\r\n", b"*3000000000\r\n", b"*x\r\n", b"*1\r\n$4\r\nPINGxx", b"_\r\n",
        b"~1\r\n$1\r\na\r\n", b">1\r\n$1\r\na\r\n", b"*1\r\n$+1\r\na\r\n", b"$3\r\nabc\r\n", b"+OK\r\n", b"*1\r\n$1\r\n",
        b"*2147483647\r\n", b"*1\r\n~2147483647\r\n", b"*2\r\n$1\r\naXY>2147483647\r\n",
    ]),
    st.binary(max_size=24),
)


@st.composite
def streams(draw) -> tuple[bytes, list[int]]:
    data = b"".join(draw(st.lists(PIECES, min_size=1, max_size=6)))
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=6))
    return data, cuts


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams())
def test_any_bytes_in_any_reads_parse_as_the_python_parser_alone_parses_them(stream):
    data, cuts = stream
    assert parse(data, cuts, fast=True) == parse(data, cuts, fast=False)


@settings(max_examples=300, deadline=None)
@given(stream=streams())
def test_an_unauthenticated_client_gets_the_same_limits_either_way(stream):
    data, cuts = stream
    assert parse(data, cuts, fast=True, unauthenticated=True) == parse(data, cuts, fast=False, unauthenticated=True)


def test_a_request_arriving_byte_by_byte_is_whole_once_its_last_byte_arrives():
    data = frame([b"SET", b"k", b"v" * 40]) + frame([b"PING"])
    assert parse(data, list(range(len(data))), fast=True) == ([[b"SET", b"k", b"v" * 40], [b"PING"]], None)


def test_a_huge_bulk_length_is_refused_as_soon_as_its_header_arrives():
    parser = RequestParser()
    with pytest.raises(ProtocolError, match="invalid bulk length"):
        parser.parse(frame([b"PING"]) + b"*2\r\n$3\r\nSET\r\n$536870913\r\n")


@pytest.mark.parametrize("data", [
    b"*2147483647\r\n", b"*1\r\n~2147483647\r\n", b"*2\r\n$1\r\naXY>2147483647\r\n$1\r\n",
    frame([b"PING"]) + b"*2147483647\r\n", frame([b"PING"]) + b"*1000000\r\n",
])
def test_a_huge_aggregate_count_never_reaches_hiredis(data, monkeypatch):
    # hiredis allocates the whole list when it reads the count: seconds to free, 16 GB of address space.
    fed: list[bytes] = []

    class Watched(hiredis.Reader):
        def feed(self, chunk, *args):
            fed.append(bytes(chunk))
            return super().feed(chunk, *args)

    monkeypatch.setattr(resp.hiredis, "Reader", Watched)
    # Step 14 sends the PING alone, then the count as a read of its own into a drained buffer.
    for step in (1, 5, 14, len(data)):
        parser = RequestParser()
        for i in range(0, len(data), step):
            try:
                parser.parse(data[i:i + step])
            except ProtocolError:
                break
        assert parser._reader is None
    assert not any(re.search(rb"[*~>%|][0-9]{7}", chunk) for chunk in fed)


def test_a_big_value_arriving_in_pieces_is_buffered_once_and_parsed_whole():
    value = b"v" * (3 * FAST_PARTIAL_MAX)
    data = frame([b"SET", b"big", value]) + frame([b"GET", b"big"])
    parser = RequestParser()
    taken = []
    for i in range(0, len(data), 65536):
        taken += parser.parse(data[i:i + 65536])
        assert parser._reader is None or parser.pending <= FAST_PARTIAL_MAX
    assert taken == [[b"SET", b"big", value], [b"GET", b"big"]]


def test_after_authentication_the_pending_bytes_are_split_with_the_rest():
    parser = RequestParser()
    parser.unauthenticated = True
    assert parser.parse(frame([b"AUTH", b"pw"]) + frame([b"SET", b"k", b"x" * 2000])[:30]) == [[b"AUTH", b"pw"]]
    parser.unauthenticated = False
    assert parser.parse(frame([b"SET", b"k", b"x" * 2000])[30:]) == [[b"SET", b"k", b"x" * 2000]]
