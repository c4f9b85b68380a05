"""Pub/sub through redis-py's PubSub: subscribe confirmations, message delivery between
clients and between processes, patterns, sharded channels, PUBSUB introspection, RESP3."""
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis

from .conftest import connection_of


@pytest.fixture
def ch():
    """A channel-name prefix unique to this test: the real server's pub/sub is server-wide."""
    return f"t{uuid.uuid4().hex[:10]}:"


def next_message(p, timeout=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None:
            return m
    return None


def client_code(r) -> str:
    """Python source that builds a client on the same target, for a second process."""
    pool = r.connection_pool
    if hasattr(pool, "engine"):
        return f"import dotdo_redis\nr = dotdo_redis.Redis(data={pool.engine.store.path!r})\n"
    kw = pool.connection_kwargs
    return f"import redis\nr = redis.Redis(host={kw['host']!r}, port={kw['port']}, db={kw.get('db', 0)})\n"


@pytest.mark.parametrize("protocol", [2, 3])
def test_subscribe_confirms_each_channel_with_running_count(client, ch, protocol):
    p = client(protocol=protocol).pubsub()
    p.subscribe(ch + "a", ch + "b")
    p.psubscribe(ch + "*")
    got = [next_message(p) for _ in range(3)]
    assert [(m["type"], m["channel"], m["data"]) for m in got] == [
        ("subscribe", (ch + "a").encode(), 1),
        ("subscribe", (ch + "b").encode(), 2),
        ("psubscribe", (ch + "*").encode(), 3),
    ]
    p.close()


def test_subscribing_twice_to_a_channel_keeps_the_count(r, ch):
    p = r.pubsub()
    p.subscribe(ch + "a", ch + "b")
    p.subscribe(ch + "a")
    got = [next_message(p) for _ in range(3)]
    assert [m["data"] for m in got] == [1, 2, 2]
    p.close()


@pytest.mark.parametrize("protocol", [2, 3])
def test_publish_delivers_to_a_subscriber_on_another_client(client, ch, protocol):
    sub, pub = client(protocol=protocol), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.subscribe(ch + "news")
    next_message(p, 0.2)
    assert pub.publish(ch + "news", "hello") == 1
    m = next_message(p)
    assert m == {"type": "message", "pattern": None, "channel": (ch + "news").encode(), "data": b"hello"}
    p.close()


def test_publish_without_subscribers_returns_zero(r, ch):
    assert r.publish(ch + "nobody", "x") == 0


def test_messages_arrive_in_publish_order(client, ch):
    sub, pub = client(decode_responses=True), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.subscribe(ch + "seq")
    for i in range(20):
        pub.publish(ch + "seq", str(i))
    got = [next_message(p)["data"] for _ in range(20)]
    assert got == [str(i) for i in range(20)]
    p.close()


@pytest.mark.parametrize("protocol", [2, 3])
def test_pattern_subscription_receives_pmessage(client, ch, protocol):
    sub, pub = client(protocol=protocol, decode_responses=True), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.psubscribe(ch + "news.*")
    next_message(p, 0.2)
    assert pub.publish(ch + "news.tech", "chips") == 1
    assert next_message(p) == {"type": "pmessage", "pattern": ch + "news.*", "channel": ch + "news.tech", "data": "chips"}
    p.close()


def test_channel_and_pattern_both_count_as_receivers(client, ch):
    sub, pub = client(), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.subscribe(ch + "x")
    p.psubscribe(ch + "*")
    assert pub.publish(ch + "x", "m") == 2
    types = sorted(next_message(p)["type"] for _ in range(2))
    assert types == ["message", "pmessage"]
    p.close()


@pytest.mark.parametrize("pattern, channel, matches", [
    ("h?llo", "hello", True),
    ("h?llo", "hllo", False),
    ("h*llo", "heeeello", True),
    ("h[ae]llo", "hallo", True),
    ("h[ae]llo", "hillo", False),
    ("h[^e]llo", "hallo", True),
    ("h[^e]llo", "hello", False),
    ("h[a-c]llo", "hbllo", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "axb", False),
])
def test_pattern_glob_rules(client, ch, pattern, channel, matches):
    sub, pub = client(), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.psubscribe(ch + pattern)
    next_message(p, 0.2)
    assert pub.publish(ch + channel, "m") == (1 if matches else 0)
    p.close()


def test_unsubscribe_all_confirms_each_with_decreasing_count(r, ch):
    p = r.pubsub()
    p.subscribe(ch + "a", ch + "b")
    [next_message(p) for _ in range(2)]
    p.unsubscribe()
    got = sorted(((m["channel"], m["data"]) for m in (next_message(p), next_message(p))), key=lambda x: -x[1])
    assert [m[0][len(ch):] for m in got] in ([b"a", b"b"], [b"b", b"a"])
    assert [m[1] for m in got] == [1, 0]
    p.close()


def test_punsubscribe_one_pattern(r, ch):
    p = r.pubsub()
    p.psubscribe(ch + "a*", ch + "b*")
    [next_message(p) for _ in range(2)]
    p.punsubscribe(ch + "a*")
    m = next_message(p)
    assert (m["type"], m["channel"], m["data"]) == ("punsubscribe", (ch + "a*").encode(), 1)
    p.close()


def test_pubsub_channels_numsub_and_numpat(client, ch):
    a, b, r = client(), client(), client()
    numpat_before = r.pubsub_numpat()
    pa, pb = a.pubsub(), b.pubsub()
    pa.subscribe(ch + "one", ch + "two")
    pb.subscribe(ch + "one")
    pb.psubscribe(ch + "p*")
    for p, n in ((pa, 2), (pb, 2)):
        [next_message(p) for _ in range(n)]
    assert sorted(r.pubsub_channels(ch + "*")) == [(ch + "one").encode(), (ch + "two").encode()]
    assert r.pubsub_channels(ch + "o*") == [(ch + "one").encode()]
    assert r.pubsub_numsub(ch + "one", ch + "two", ch + "none") == [
        ((ch + "one").encode(), 2), ((ch + "two").encode(), 1), ((ch + "none").encode(), 0)]
    assert r.pubsub_numpat() == numpat_before + 1
    pa.close()
    pb.close()


def test_subscriptions_end_when_the_pubsub_closes(client, ch):
    sub, r = client(), client()
    p = sub.pubsub()
    p.subscribe(ch + "gone")
    next_message(p)
    assert r.pubsub_numsub(ch + "gone") == [((ch + "gone").encode(), 1)]
    p.close()
    deadline = time.monotonic() + 2
    while r.pubsub_numsub(ch + "gone")[0][1] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert r.pubsub_numsub(ch + "gone") == [((ch + "gone").encode(), 0)]
    assert r.publish(ch + "gone", "x") == 0


def test_sharded_publish_reaches_ssubscribers_only(client, ch):
    sub, pub = client(), client()
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.ssubscribe(ch + "s")
    p.subscribe(ch + "s")
    next_message(p, 0.2)
    assert pub.spublish(ch + "s", "sharded") == 1
    m = next_message(p)
    assert (m["type"], m["channel"], m["data"]) == ("smessage", (ch + "s").encode(), b"sharded")
    assert next_message(p, 0.2) is None
    p.close()


def test_shard_subscription_count_is_separate(r, ch):
    p = r.pubsub()
    p.subscribe(ch + "a")
    p.ssubscribe(ch + "s1", ch + "s2")
    got = [next_message(p) for _ in range(3)]
    assert [(m["type"], m["data"]) for m in got] == [("subscribe", 1), ("ssubscribe", 1), ("ssubscribe", 2)]
    p.close()


def test_pubsub_shardchannels_and_shardnumsub(client, ch):
    sub, r = client(), client()
    p = sub.pubsub()
    p.ssubscribe(ch + "s1")
    next_message(p)
    assert r.pubsub_shardchannels(ch + "*") == [(ch + "s1").encode()]
    assert r.pubsub_shardnumsub(ch + "s1", ch + "s9") == [((ch + "s1").encode(), 1), ((ch + "s9").encode(), 0)]
    p.close()


def test_only_pubsub_commands_are_allowed_while_subscribed_in_resp2(client, ch):
    r = client(protocol=2)
    conn = connection_of(r)
    try:
        conn.send_command("SUBSCRIBE", ch + "a")
        assert conn.read_response() == [b"subscribe", (ch + "a").encode(), 1]
        conn.send_command("GET", "k")
        with pytest.raises(redis.ResponseError) as e:
            conn.read_response()
        assert str(e.value) == (
            "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
        )
        conn.send_command("UNSUBSCRIBE")
        assert conn.read_response() == [b"unsubscribe", (ch + "a").encode(), 0]
        conn.send_command("UNSUBSCRIBE")
        assert conn.read_response() == [b"unsubscribe", None, 0]
    finally:
        conn.disconnect()
        r.connection_pool.release(conn)


def test_ping_while_subscribed_answers_pong_message_in_resp2(client, ch):
    p = client(protocol=2).pubsub()
    p.subscribe(ch + "a")
    next_message(p)
    p.execute_command("PING", "hi")
    m = next_message(p)
    assert (m["type"], m["data"]) == ("pong", b"hi")
    p.close()


def test_binary_channel_and_payload_round_trip(client, ch):
    sub, pub = client(), client()
    channel = ch.encode() + b"\x00\xff\r\n"
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.subscribe(channel)
    next_message(p, 0.2)
    assert pub.publish(channel, b"\x00\x01\xfe\r\n") == 1
    m = next_message(p)
    assert (m["channel"], m["data"]) == (channel, b"\x00\x01\xfe\r\n")
    p.close()


def test_handler_callbacks_run_in_thread(client, ch):
    sub, pub = client(decode_responses=True), client()
    got = []
    p = sub.pubsub()
    p.subscribe(**{ch + "cb": lambda m: got.append(m["data"])})
    worker = p.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        deadline = time.monotonic() + 2
        while pub.pubsub_numsub(ch + "cb")[0][1] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        pub.publish(ch + "cb", "one")
        pub.publish(ch + "cb", "two")
        deadline = time.monotonic() + 2
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
        worker.join(2)
    assert got == ["one", "two"]
    p.close()


def test_listen_yields_subscribe_then_messages(client, ch):
    sub, pub = client(decode_responses=True), client()
    p = sub.pubsub()
    p.subscribe(ch + "l")
    seen = []

    def publish_later():
        time.sleep(0.1)
        pub.publish(ch + "l", "first")

    t = threading.Thread(target=publish_later)
    t.start()
    for m in p.listen():
        seen.append((m["type"], m["data"]))
        if m["type"] == "message":
            break
    t.join()
    assert seen == [("subscribe", 1), ("message", "first")]
    p.close()


def test_resp3_pubsub_receives_push_messages(client, ch):
    sub, pub = client(protocol=3, decode_responses=True), client()
    p = sub.pubsub()
    p.subscribe(ch + "r3")
    p.psubscribe(ch + "r*")
    assert [(m["type"], m["data"]) for m in (next_message(p), next_message(p))] == [("subscribe", 1), ("psubscribe", 2)]
    assert pub.publish(ch + "r3", "hi") == 2
    got = sorted((m["type"], m["channel"], m["data"]) for m in (next_message(p), next_message(p)))
    assert got == [("message", ch + "r3", "hi"), ("pmessage", ch + "r3", "hi")]
    p.close()


def test_resp3_client_may_run_commands_while_subscribed(client, ch):
    sub = client(protocol=3)
    p = sub.pubsub()
    p.subscribe(ch + "a")
    next_message(p)
    p.execute_command("ECHO", "still-here")
    assert p.parse_response(block=False, timeout=1) == b"still-here"
    p.close()


@pytest.mark.parametrize("protocol", [2, 3])
def test_publish_from_another_process_reaches_subscriber(client, ch, protocol):
    r = client(protocol=protocol)
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe(ch + "xproc")
    next_message(p, 0.2)
    code = client_code(r) + f"print(r.publish({ch + 'xproc'!r}, 'from-child'))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
    m = next_message(p, 5)
    assert (m["type"], m["data"]) == ("message", b"from-child")
    p.close()


def test_subscriber_in_another_process_is_counted_and_receives(r, ch):
    code = client_code(r) + (
        f"p = r.pubsub(ignore_subscribe_messages=True)\np.subscribe({ch + 'to-child'!r})\n"
        "import time\nwhile p.get_message(timeout=0.05) is None and not p.subscribed: pass\n"
        "print('ready', flush=True)\n"
        "deadline = time.monotonic() + 10\n"
        "while time.monotonic() < deadline:\n"
        "    m = p.get_message(timeout=0.1)\n"
        "    if m: print(m['data'].decode(), flush=True); break\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert r.pubsub_numsub(ch + "to-child") == [((ch + "to-child").encode(), 1)]
        assert r.publish(ch + "to-child", "to-the-child") == 1
        assert child.stdout.readline().strip() == "to-the-child"
    finally:
        child.wait(15)


@pytest.mark.parametrize("args, error", [
    (("PUBLISH", "a"), "wrong number of arguments for 'publish' command"),
    (("SPUBLISH", "a"), "wrong number of arguments for 'spublish' command"),
    (("PUBSUB",), "wrong number of arguments for 'pubsub' command"),
    (("PUBSUB", "FOO"), "unknown subcommand 'FOO'. Try PUBSUB HELP."),
    (("PUBSUB", "NUMPAT", "x"), "wrong number of arguments for 'pubsub|numpat' command"),
    (("PUBSUB", "CHANNELS", "a", "b"), "unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."),
])
def test_pubsub_argument_errors(r, args, error):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == error


def test_pubsub_numsub_without_channels_is_empty(r):
    assert r.execute_command("PUBSUB", "NUMSUB") == []


def test_asyncio_pubsub_round_trip(r, ch):
    import asyncio

    pool = r.connection_pool

    def make_async():
        if hasattr(pool, "engine"):
            import dotdo_redis.asyncio
            return dotdo_redis.asyncio.Redis(data=pool.engine.store.path)
        import redis.asyncio
        kw = pool.connection_kwargs
        return redis.asyncio.Redis(host=kw["host"], port=kw["port"], db=kw.get("db", 0))

    async def scenario():
        ar = make_async()
        p = ar.pubsub()
        await p.subscribe(ch + "aio")
        first = await p.get_message(timeout=1)
        receivers = await ar.publish(ch + "aio", "async-hello")
        second = None
        for _ in range(20):
            second = await p.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if second:
                break
        await p.aclose()
        await ar.aclose()
        return first, receivers, second

    first, receivers, second = asyncio.run(scenario())
    assert (first["type"], first["data"]) == ("subscribe", 1)
    assert receivers == 1
    assert (second["type"], second["data"]) == ("message", b"async-hello")


def test_resp3_push_handler_receives_messages(client):
    received = []
    sub = client(protocol=3, decode_responses=True).pubsub(push_handler_func=received.append)
    sub.subscribe("ph")
    sub.get_message(timeout=1)
    client(protocol=3).publish("ph", "hello")
    deadline = __import__("time").monotonic() + 3
    while not any(m[0] == "message" for m in received) and __import__("time").monotonic() < deadline:
        sub.get_message(timeout=0.2)
    assert ["message", "ph", "hello"] in received
    sub.close()
