"""FUNCTION RESTORE on damaged payloads: every one gets an error reply, none changes the libraries
or stops the engine — also when the damage keeps a valid checksum (a payload from a buggy or hostile
client, rewrapped)."""
import random

import pytest
import redis

from dotdo_redis import Redis
from dotdo_redis.engine import rdb

LIB = b"#!lua name=lib\nredis.register_function('f', function(keys, args) return 'ok' end)"


@pytest.fixture
def r(tmp_path):
    client = Redis(data=str(tmp_path))
    yield client
    client.close()


def test_random_damage_with_a_valid_checksum_is_refused_and_changes_nothing(r):
    r.function_load(LIB)
    body = rdb.verify_footer(r.function_dump())
    rng = random.Random(7)
    refused = 0
    for _ in range(400):
        damaged = bytearray(body)
        for _ in range(rng.randint(1, 6)):
            choice = rng.random()
            at = rng.randrange(len(damaged))
            if choice < 0.5:
                damaged[at] = rng.randrange(256)
            elif choice < 0.75:
                del damaged[at:at + rng.randint(1, 8)]
            else:
                damaged[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        try:
            r.function_restore(rdb.with_footer(bytes(damaged)), "FLUSH")
        except redis.ResponseError:
            refused += 1
        else:  # a change that left valid code restores it: the engine must still answer it
            r.function_list()
        r.function_flush()
        r.function_load(LIB)
        assert r.fcall("f", 0) == b"ok"
    assert refused > 300


@pytest.mark.parametrize("length", [0x3FFF, 0xFFFFFFFF, 2**63])
def test_a_huge_declared_length_is_refused_without_allocating_it(r, length):
    payload = rdb.with_footer(bytes((rdb.OPCODE_FUNCTION2,)) + rdb.encode_length(length) + b"#!lua")
    with pytest.raises(redis.ResponseError, match="Failed loading library payload"):
        r.function_restore(payload)


def test_an_lzf_string_whose_back_reference_points_before_the_start_is_refused(r):
    bad_lzf = bytes((0x20, 0xFF))  # a reference of length 3, 256 bytes back, into nothing
    payload = rdb.with_footer(bytes((rdb.OPCODE_FUNCTION2, 0xC3)) + rdb.encode_length(len(bad_lzf))
                              + rdb.encode_length(3) + bad_lzf)
    with pytest.raises(redis.ResponseError, match="Failed loading library payload"):
        r.function_restore(payload)
