"""Collection replies byte for byte on the wire, RESP2 and RESP3: maps (%), sets (~), doubles (,),
nulls (_ / *-1 / $-1) — what redis-py cannot show because its parsers map several of them onto
the same Python value. The dotdo side is `dotdo serve redis` over TCP on the same data."""
from __future__ import annotations

import pytest

from conformance import harness



SETUP = [
    ("HSET", "h", "a", "1"),
    ("RPUSH", "l", "x", "y"),
    ("SADD", "s", "m"),
    ("ZADD", "z", "1.5", "a", "2", "b"),
]


@pytest.mark.parametrize("command, resp2, resp3", [
    (("HGETALL", "h"), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n", b"%1\r\n$1\r\na\r\n$1\r\n1\r\n"),
    (("HGETALL", "nokey"), b"*0\r\n", b"%0\r\n"),
    (("HRANDFIELD", "h", "1", "WITHVALUES"), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
    (("HINCRBYFLOAT", "h", "a", "0.5"), b"$3\r\n1.5\r\n", b"$3\r\n1.5\r\n"),
    (("HGET", "h", "zz"), b"$-1\r\n", b"_\r\n"),
    (("LPOP", "nokey", "2"), b"*-1\r\n", b"_\r\n"),
    (("LPOP", "l", "0"), b"*0\r\n", b"*0\r\n"),
    (("BLPOP", "nokey", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("BLPOP", "l", "1"), b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n", b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n"),
    (("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("BRPOPLPUSH", "nokey", "d", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("LMPOP", "1", "nokey", "LEFT"), b"*-1\r\n", b"_\r\n"),
    (("LPOS", "l", "zz"), b"$-1\r\n", b"_\r\n"),
    (("SMEMBERS", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SPOP", "s", "1"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SPOP", "nokey", "1"), b"*0\r\n", b"~0\r\n"),
    (("SRANDMEMBER", "s", "1"), b"*1\r\n$1\r\nm\r\n", b"*1\r\n$1\r\nm\r\n"),
    (("SINTER", "s", "nokey"), b"*0\r\n", b"~0\r\n"),
    (("SUNION", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SDIFF", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("ZSCORE", "z", "a"), b"$3\r\n1.5\r\n", b",1.5\r\n"),
    (("ZSCORE", "z", "b"), b"$1\r\n2\r\n", b",2\r\n"),
    (("ZRANGE", "z", "0", "0", "WITHSCORES"), b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", b"*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZPOPMIN", "z"), b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", b"*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZPOPMAX", "z", "1"), b"*2\r\n$1\r\nb\r\n$1\r\n2\r\n", b"*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
    (("ZMPOP", "1", "z", "MIN"), b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$3\r\n1.5\r\n",
     b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZMPOP", "1", "nokey", "MIN"), b"*-1\r\n", b"_\r\n"),
    (("BZPOPMAX", "z", "1"), b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n", b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2\r\n"),
    (("BZPOPMIN", "nokey", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("ZINCRBY", "z", "1", "b"), b"$1\r\n3\r\n", b",3\r\n"),
    (("ZADD", "z", "XX", "INCR", "1", "nokey"), b"$-1\r\n", b"_\r\n"),
    (("ZMSCORE", "z", "b", "zz"), b"*2\r\n$1\r\n2\r\n$-1\r\n", b"*2\r\n,2\r\n_\r\n"),
    (("ZSCAN", "z", "0"), b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n",
     b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n"),
    (("ZRANK", "z", "zz"), b"$-1\r\n", b"_\r\n"),
])
@pytest.mark.parametrize("protocol", [2, 3])
def test_collection_reply_bytes(wire, protocol, command, resp2, resp3):
    w = wire(protocol)
    for args in SETUP:
        w.call(*args)
    assert w.call(*command) == (resp2 if protocol == 2 else resp3)


def test_blocking_commands_inside_multi_answer_at_once(wire):
    w = wire()
    assert w.call("MULTI") == b"+OK\r\n"
    for args in [("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"), ("BRPOPLPUSH", "nokey", "d", "0"), ("BLPOP", "nokey", "0"),
                 ("BZPOPMIN", "nokey", "0"), ("BLMPOP", "0", "1", "nokey", "LEFT"), ("BZMPOP", "0", "1", "nokey", "MIN")]:
        assert w.call(*args) == b"+QUEUED\r\n"
    assert w.call("EXEC") == b"*6\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n"


def test_blpop_over_the_wire_is_woken_by_another_connection(wire):
    import threading
    import time

    waiter, pusher = wire(), wire()

    def push():
        time.sleep(0.2)
        pusher.call("RPUSH", "q", "v")

    t = threading.Thread(target=push)
    t.start()
    assert waiter.call("BLPOP", "q", "5") == b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
    t.join()


def test_a_connection_blocked_over_the_wire_counts_in_info_clients(wire):
    import re
    import threading

    waiter, watcher, pusher = wire(), wire(), wire()

    def blocked() -> int:
        return int(re.search(rb"blocked_clients:(\d+)", watcher.call("INFO", "clients")).group(1))

    before = blocked()
    t = threading.Thread(target=lambda: waiter.call("BLPOP", "q", "5"))
    t.start()
    assert harness.until(lambda: blocked() == before + 1)
    pusher.call("RPUSH", "q", "v")
    t.join(5)
    assert harness.until(lambda: blocked() == before)


@pytest.mark.parametrize("command, error", [
    (("HSET", "h", "a"), b"-ERR wrong number of arguments for 'hset' command\r\n"),
    (("LPOS", "l", "x", "RANK", "0"), b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
    (("ZADD", "z", "nan", "a"), b"-ERR value is not a valid float\r\n"),
    (("SADD", "h", "a"), b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (("BLPOP", "l", "-1"), b"-ERR timeout is negative\r\n"),
])
def test_collection_errors_on_the_wire(wire, command, error):
    w = wire()
    for args in SETUP:
        w.call(*args)
    assert w.call(*command) == error


def test_blocked_connections_are_served_in_the_order_they_blocked(wire):
    import threading
    import time

    pusher = wire()
    waiters = [wire() for _ in range(4)]
    got: dict[int, bytes] = {}

    def wait(i: int) -> None:
        got[i] = waiters[i].call("BLPOP", "fifo", "5")

    threads = []
    for i in range(4):
        t = threading.Thread(target=wait, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.1)  # each blocks before the next
    for j in range(4):
        pusher.call("RPUSH", "fifo", f"item{j}")
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert [got[i] for i in range(4)] == [b"*2\r\n$4\r\nfifo\r\n$5\r\nitem%d\r\n" % j for j in range(4)]
