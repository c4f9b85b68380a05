"""RESTORE's limits and bad input: what dotdo does not restore says so, and damaged payloads with
valid checksums get error replies without touching other keys."""
import json
import random
from pathlib import Path

import pytest
import redis

from dotdo_redis import Redis
from dotdo_redis.engine import rdb

VECTORS = json.loads((Path(__file__).parents[3] / "conformance" / "vectors" / "redis" / "dump-7.0.15.json")
                     .read_text())["keys"]


@pytest.fixture
def r(tmp_path):
    client = Redis(data=str(tmp_path))
    yield client
    client.close()


def test_streams_are_neither_dumped_nor_restored(r):
    r.xadd("s", {"f": "v"})
    with pytest.raises(redis.ResponseError, match="DUMP and RESTORE of streams are not supported by dotdo"):
        r.dump("s")
    stream_payload = rdb.with_footer(bytes((19,)) + b"\x00" * 8)
    with pytest.raises(redis.ResponseError, match="DUMP and RESTORE of streams are not supported by dotdo"):
        r.restore("t", 0, stream_payload)


@pytest.mark.parametrize("option, word", [("IDLETIME", "IDLETIME"), ("FREQ", "FREQ")])
def test_access_time_and_frequency_options_are_refused_by_name(r, option, word):
    r.set("k", "v")
    with pytest.raises(redis.ResponseError, match=f"RESTORE {word} is not supported by dotdo"):
        r.execute_command("RESTORE", "k2", 0, r.dump("k"), option, 5)
    assert r.exists("k2") == 0


def test_damaged_payloads_with_valid_checksums_get_errors_and_change_nothing_else(r):
    r.set("keep", "me")
    bodies = [rdb.verify_footer(bytes.fromhex(v["payload"])) for v in VECTORS.values()]
    rng = random.Random(11)
    for i in range(600):
        damaged = bytearray(rng.choice(bodies))
        for _ in range(rng.randint(1, 4)):
            if not damaged:
                break
            at = rng.randrange(len(damaged))
            if rng.random() < 0.6:
                damaged[at] = rng.randrange(256)
            else:
                del damaged[at:at + rng.randint(1, 6)]
        try:
            r.restore(f"k{i}", 0, rdb.with_footer(bytes(damaged)))
        except redis.ResponseError as e:
            assert "internal error" not in str(e)  # a refusal, never an engine failure
    assert r.get("keep") == b"me"
    r.set("after", "ok")  # the engine still serves
    assert r.get("after") == b"ok"


def test_an_empty_collection_payload_is_bad_data(r):
    with pytest.raises(redis.ResponseError, match="Bad data format"):
        r.restore("k", 0, rdb.with_footer(bytes((rdb.TYPE_SET,)) + rdb.encode_length(0)))
