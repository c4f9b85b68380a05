"""Stream replies byte for byte on the wire (RESP2 and RESP3) and XREAD/XREADGROUP BLOCK over TCP:
the dotdo side is `dotdo serve redis` on the test's data directory."""
from __future__ import annotations

import threading
import time

import pytest



SETUP = [
    ("XADD", "s", "1-0", "a", "1"),
    ("XADD", "s", "2-0", "b", "2"),
    ("XGROUP", "CREATE", "s", "g", "0"),
    ("XGROUP", "CREATE", "s", "fresh", "$"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"),
    ("XDEL", "s", "2-0"),
]

E1 = b"*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"


@pytest.mark.parametrize("command, resp2, resp3", [
    (("XRANGE", "s", "-", "+"), b"*1\r\n" + E1, b"*1\r\n" + E1),
    (("XRANGE", "s", "-", "+", "COUNT", "0"), b"*-1\r\n", b"_\r\n"),
    (("XREAD", "STREAMS", "s", "0"), b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + E1, b"%1\r\n$1\r\ns\r\n*1\r\n" + E1),
    (("XREAD", "STREAMS", "s", "5"), b"*-1\r\n", b"_\r\n"),
    (("XREAD", "BLOCK", "10", "STREAMS", "s", "$"), b"*-1\r\n", b"_\r\n"),
    (("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"),
     b"*1\r\n*2\r\n$1\r\ns\r\n*2\r\n" + E1 + b"*2\r\n$3\r\n2-0\r\n*-1\r\n",
     b"%1\r\n$1\r\ns\r\n*2\r\n" + E1 + b"*2\r\n$3\r\n2-0\r\n_\r\n"),
    (("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">"), b"*-1\r\n", b"_\r\n"),
    (("XPENDING", "s", "fresh"), b"*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", b"*4\r\n:0\r\n_\r\n_\r\n_\r\n"),
    (("XPENDING", "s", "g"), b"*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n",
     b"*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n"),
    (("XAUTOCLAIM", "s", "g", "d", "0", "0", "JUSTID"), b"*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n1-0\r\n*1\r\n$3\r\n2-0\r\n",
     b"*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n1-0\r\n*1\r\n$3\r\n2-0\r\n"),
    (("XINFO", "GROUPS", "s"),
     b"*2\r\n*12\r\n$4\r\nname\r\n$5\r\nfresh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n"
     b"$17\r\nlast-delivered-id\r\n$3\r\n2-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n"
     b"*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n"
     b"$17\r\nlast-delivered-id\r\n$3\r\n2-0\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n",
     b"*2\r\n%6\r\n$4\r\nname\r\n$5\r\nfresh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n"
     b"$17\r\nlast-delivered-id\r\n$3\r\n2-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n"
     b"%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n"
     b"$17\r\nlast-delivered-id\r\n$3\r\n2-0\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n"),
    (("XINFO", "STREAM", "s"),
     b"*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n"
     b"$17\r\nlast-generated-id\r\n$3\r\n2-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:2\r\n"
     b"$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n" + E1
     + b"$10\r\nlast-entry\r\n" + E1,
     b"%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n"
     b"$17\r\nlast-generated-id\r\n$3\r\n2-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-0\r\n$13\r\nentries-added\r\n:2\r\n"
     b"$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n" + E1
     + b"$10\r\nlast-entry\r\n" + E1),
    (("XADD", "missing", "NOMKSTREAM", "*", "a", "1"), b"$-1\r\n", b"_\r\n"),
    (("XGROUP", "CREATE", "s", "g", "0"), b"-BUSYGROUP Consumer Group name already exists\r\n",
     b"-BUSYGROUP Consumer Group name already exists\r\n"),
])
def test_stream_replies_on_the_wire(wire, command, resp2, resp3):
    got = []
    for protocol in (2, 3):
        setup = wire()
        setup.call("FLUSHDB")
        for c in SETUP:
            setup.call(*c)
        got.append(wire(protocol).call(*command))
    assert got == [resp2, resp3]


@pytest.mark.parametrize("protocol", [2, 3])
def test_xread_block_over_tcp_is_woken_by_another_connection(wire, protocol):
    reader, writer = wire(protocol), wire()
    writer.call("XADD", "s", "1-0", "old", "1")
    t = threading.Timer(0.4, lambda: writer.call("XADD", "s", "2-0", "new", "1"))
    t.start()
    started = time.monotonic()
    reply = reader.call("XREAD", "BLOCK", "5000", "STREAMS", "s", "$")
    t.join()
    entry = b"*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$3\r\nnew\r\n$1\r\n1\r\n"
    assert reply == (b"*1\r\n*2\r\n$1\r\ns\r\n" if protocol == 2 else b"%1\r\n$1\r\ns\r\n") + entry
    assert time.monotonic() - started >= 0.15


def test_xreadgroup_block_over_tcp_is_woken_and_the_connection_keeps_working(wire):
    reader, writer = wire(), wire()
    writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    t = threading.Timer(0.4, lambda: writer.call("XADD", "s", "3-0", "job", "x"))
    t.start()
    reply = reader.call("XREADGROUP", "GROUP", "g", "w", "BLOCK", "5000", "STREAMS", "s", ">")
    t.join()
    assert reply == b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$3\r\njob\r\n$1\r\nx\r\n"
    assert reader.call("XACK", "s", "g", "3-0") == b":1\r\n"


def test_blocked_xread_timeout_over_tcp(wire):
    reader = wire()
    started = time.monotonic()
    assert reader.call("XREAD", "BLOCK", "200", "STREAMS", "nothing", "$") == b"*-1\r\n"
    assert time.monotonic() - started >= 0.15
