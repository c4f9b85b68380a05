"""Fuzzing the MongoDB front: malformed OP_MSG frames and invalid BSON never crash or hang the
server, never change a collection they do not name, and never stop other connections from being
served. Every reply the server does send is a well-formed MongoDB reply; an `ok: 0` reply carries
MongoDB's code and codeName.

Inputs are structure-aware: valid frames built with `bson.encode` (insert, update, find, aggregate,
hello, document sequences), then mutated — bytes flipped, frames truncated, lengths (message, BSON,
section) replaced with bad ones, element type bytes replaced, garbage inserted — plus raw garbage.

Fast tier (CI): a few hundred inputs. Long tier (--long): DOTDO_FUZZ_EXAMPLES inputs (default 1M)."""
from __future__ import annotations

import socket
import struct

import bson
import pymongo
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dotdo_core import Runtime, Store
from dotdo_mongo.server import front

from .support import GENERIC_MUTATIONS, byte_variant, fuzz_long_tier, mutate_bytes

OP_MSG, OP_QUERY, OP_REPLY = 2013, 2004, 1
SEEDED = [{"_id": i, "name": f"n{i}", "tags": ["a", i], "sub": {"k": i * 1.5}} for i in range(30)]
COMMANDS = [
    {"insert": "fuzz", "$db": "fuzzdb", "documents": [{"_id": 1, "x": [1, {"y": "z"}]}]},
    {"update": "fuzz", "$db": "fuzzdb", "updates": [{"q": {"_id": 1}, "u": {"$inc": {"n": 1}}, "upsert": True}]},
    {"delete": "fuzz", "$db": "fuzzdb", "deletes": [{"q": {"x": {"$gt": 2}}, "limit": 0}]},
    {"find": "fuzz", "$db": "fuzzdb", "filter": {"x": {"$in": [1, 2]}}, "sort": {"_id": -1}, "limit": 3},
    {"aggregate": "fuzz", "$db": "fuzzdb", "pipeline": [{"$group": {"_id": "$x", "n": {"$sum": 1}}}], "cursor": {}},
    {"createIndexes": "fuzz", "$db": "fuzzdb", "indexes": [{"key": {"x": 1}, "name": "x_1"}]},
    {"hello": 1, "$db": "admin", "helloOk": True},
    {"findAndModify": "fuzz", "$db": "fuzzdb", "query": {"_id": 1}, "update": {"$set": {"y": 2}}},
]
BAD_LENGTHS = [-1, 0, 4, 15, 16, 17, 2**31 - 1, 48_000_001, 16 * 1024 * 1024 + 1]


def op_msg(body: dict, flags: int = 0, sequence: tuple[str, list] | None = None, request_id: int = 7) -> bytes:
    payload = struct.pack("<I", flags) + b"\x00" + bson.encode(body)
    if sequence is not None:
        ident, docs = sequence
        seq = ident.encode() + b"\x00" + b"".join(bson.encode(d) for d in docs)
        payload += b"\x01" + struct.pack("<i", 4 + len(seq)) + seq
    return struct.pack("<iiii", 16 + len(payload), request_id, 0, OP_MSG) + payload


@st.composite
def valid_frames(draw) -> bytearray:
    body = dict(draw(st.sampled_from(COMMANDS)))
    if "documents" in body and draw(st.booleans()):  # the documents as a kind-1 sequence
        docs = body.pop("documents")
        return bytearray(op_msg(body, sequence=("documents", docs)))
    return bytearray(op_msg(body))


@st.composite
def mutated_frames(draw) -> bytes:
    frames = draw(st.lists(valid_frames(), min_size=1, max_size=3))
    data = frames[draw(st.integers(0, len(frames) - 1))]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from([*GENERIC_MUTATIONS, "msg_len", "bson_len", "type", "kind"]))
        if len(data) < 22:
            break
        if kind in GENERIC_MUTATIONS:
            mutate_bytes(draw, data, kind)
        elif kind == "msg_len":
            data[0:4] = struct.pack("<i", draw(st.sampled_from(BAD_LENGTHS + [len(data) - 1, len(data) + 1])))
        elif kind == "bson_len":  # the body document's own length
            data[21:25] = struct.pack("<i", draw(st.sampled_from(BAD_LENGTHS + [len(data) - 20])))
        elif kind == "type":  # an element type byte replaced by an undefined or mismatched one
            data[draw(st.integers(0, len(data) - 1))] = draw(st.sampled_from([0x00, 0x06, 0x0C, 0x0E, 0x14, 0x20, 0x7E, 0x80, 0xEE]))
        else:
            data[20] = draw(st.integers(0, 255))  # section kind
    frames_bytes = b"".join(bytes(f) for f in frames if f is not data)
    return frames_bytes + bytes(data)


inputs = st.one_of(st.binary(max_size=256), mutated_frames())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    runtime = Runtime(Store(tmp_path_factory.mktemp("fuzz-mongo"))).start()
    listener = runtime.listen(front, host="127.0.0.1", port=0)
    client = pymongo.MongoClient("127.0.0.1", listener.port, directConnection=True, serverSelectionTimeoutMS=5000)
    client.sentinel.keep.insert_many(SEEDED)
    client.sentinel.keep.create_index("name", unique=True)
    yield listener.port, client
    client.close()
    runtime.stop()


def exchange(port: int, data: bytes) -> list[bytes]:
    """Send `data`, half-close, and return the reply frames the server sent before closing."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            return []
        buf = b""
        try:
            while chunk := s.recv(65536):
                buf += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    frames = []
    while len(buf) >= 16:
        length = struct.unpack_from("<i", buf)[0]
        frames.append(buf[:length])
        buf = buf[length:]
    assert buf == b"", "a reply frame was cut short"
    return frames


def check_reply(frame: bytes) -> dict:
    length, _, _, opcode = struct.unpack_from("<iiii", frame)
    assert length == len(frame)
    if opcode == OP_REPLY:
        doc = bson.decode(frame[36:])
    else:
        assert opcode == OP_MSG and frame[20] == 0
        doc = bson.decode(frame[21:])
    if doc.get("ok") != 1.0:
        assert isinstance(doc.get("code"), int) and isinstance(doc.get("codeName"), str) and doc.get("errmsg"), doc
    return doc


def check_healthy(client: pymongo.MongoClient) -> None:
    assert client.admin.command("ping")["ok"] == 1.0
    coll = client.sentinel.keep
    assert list(coll.find().sort("_id", 1)) == SEEDED
    assert coll.find_one({"name": "n7"}, hint="name_1")["_id"] == 7  # the index is intact too


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=inputs)
def test_fuzzed_frames_never_harm_the_server_or_other_collections(server, data):
    port, client = server
    for frame in exchange(port, data):
        check_reply(frame)
    check_healthy(client)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_fuzz_long_tier(server):
    port, client = server

    def one(data: bytes) -> None:
        for frame in exchange(port, data):
            check_reply(frame)

    tried = fuzz_long_tier(inputs, one, lambda: check_healthy(client), variants=3, derive=byte_variant)
    check_healthy(client)
    print(f"OP_MSG fuzz inputs tried: {tried}")


def _nested(depth: int) -> bytes:
    """Raw BSON {a: {a: ... {}}} `depth` levels deep (bson.encode itself refuses very deep input)."""
    # level k from the inside is 5 + 8k bytes: its length, "\x03a\x00", level k-1, a terminator
    heads = b"".join(struct.pack("<i", 5 + 8 * k) + b"\x03a\x00" for k in range(depth, 0, -1))
    return heads + b"\x05\x00\x00\x00\x00" + b"\x00" * depth


def _insert_raw(doc: bytes) -> bytes:
    head = bson.encode({"insert": "deep", "$db": "fuzzdb"})[4:-1]
    docs = b"\x030\x00" + doc
    element = b"\x04documents\x00" + struct.pack("<i", 5 + len(docs)) + docs + b"\x00"
    body = struct.pack("<i", 5 + len(head) + len(element)) + head + element + b"\x00"
    payload = struct.pack("<I", 0) + b"\x00" + body
    return struct.pack("<iiii", 16 + len(payload), 9, 0, OP_MSG) + payload


@pytest.mark.parametrize("depth,code", [(185, 15), (100_000, 22)])
def test_deeply_nested_document_is_refused_with_mongodb_error(server, depth, code):
    port, client = server
    [frame] = exchange(port, _insert_raw(_nested(depth)))
    reply = check_reply(frame)
    error = reply["writeErrors"][0] if "writeErrors" in reply else reply
    assert error["code"] == code  # 15 Overflow (over 180 levels) / 22 InvalidBSON (past the parser's limit)
    assert client.fuzzdb.deep.count_documents({}) == 0
    check_healthy(client)


def test_document_over_16mb_is_refused_and_not_stored(server):
    port, client = server
    big = {"_id": "big", "blob": b"x" * (16 * 1024 * 1024 + 10)}
    [frame] = exchange(port, op_msg({"insert": "big", "$db": "fuzzdb"}, sequence=("documents", [big])))
    reply = check_reply(frame)
    assert reply["writeErrors"][0]["code"] == 10334  # BSONObjectTooLarge
    assert client.fuzzdb.big.find_one({"_id": "big"}) is None
    check_healthy(client)


@pytest.mark.parametrize("length", [-1, 0, 15, 2**31 - 1, 48_000_001])
def test_bad_message_length_closes_only_that_connection(server, length):
    port, client = server
    assert exchange(port, struct.pack("<iiii", length, 1, 0, OP_MSG) + b"\x00" * 32) == []
    check_healthy(client)


def test_bad_element_type_in_a_well_framed_message_answers_invalid_bson(server):
    port, client = server
    frame = bytearray(op_msg({"find": "keep", "$db": "sentinel", "filter": {}}))
    frame[25] = 0x20  # the type byte of the body's first element
    [reply] = exchange(port, bytes(frame))
    assert check_reply(reply)["code"] == 22
    check_healthy(client)


def test_garbage_between_good_frames_does_not_reach_other_connections(server):
    port, client = server
    good = op_msg({"ping": 1, "$db": "admin"})
    replies = exchange(port, good + b"\xff" * 40 + good)
    assert [check_reply(r)["ok"] for r in replies] == [1.0]  # answered the first, then closed
    check_healthy(client)
