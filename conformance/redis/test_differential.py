"""Random command sequences, run side by side on the real Redis and on dotdo: after every command
the replies (or error texts) and the whole keyspace must be the same.

A few keys shared by every data type make wrong-type, missing-key and cross-key cases frequent;
arguments are drawn from edge values (integer and float limits, inf/nan, empty strings, NUL bytes,
bad syntax). Each seed is a fixed sequence, so a failure names a reproducible case: the message
holds the commands that led to it."""
from __future__ import annotations

import random
from typing import Callable

import pytest
import redis

import dotdo_redis
from conformance import harness

KEYS = ["a", "b", "c", "{t}x", "{t}y"]
# HyperLogLogs get keys of their own: an APPEND to one corrupts it, and Redis notices the damage only
# where a command's walk of the sparse encoding reaches it (an edge dotdo does not reproduce)
HLLS = ["h", "{t}h"]
VALUES = ["1", "0", "-1", "10", "x", "", "3.5", "-0", "9223372036854775807", "-9223372036854775808", "1e3",
          "inf", "-inf", "nan", " 1", "abc", "0x10", "18446744073709551616", "\x00\x00", "1\x00"]
INTS = ["0", "1", "-1", "2", "-2", "3", "10", "-100", "100", "x", "1.5", "9223372036854775807", "-9223372036854775808"]
FLOATS = ["0", "1", "-1", "1.5", "-2.5", "inf", "-inf", "+inf", "(1", "(-1", "x", "nan", "1e2", "2"]
TTLS = ["100000", "200000", "0", "-1", "x", "9223372036854775807", "1.5"]  # none expires during a run
LEX = ["-", "+", "[a", "(a", "[b", "(c", "a", "[", "("]
MEMBERS = ["m1", "m2", "m3", "a", "b", ""]


class Draw:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self, options: list):
        return self.rng.choice(options)

    def key(self) -> str:
        return self(KEYS)


def grammar(d: Draw) -> dict[str, Callable[[], list]]:
    k, v, i, f, m, ttl = d.key, lambda: d(VALUES), lambda: d(INTS), lambda: d(FLOATS), lambda: d(MEMBERS), lambda: d(TTLS)
    return {
        # strings
        "SET": lambda: ["SET", k(), v()] + d([[], ["NX"], ["XX"], ["GET"], ["EX", ttl()], ["PX", ttl()], ["KEEPTTL"],
                                              ["NX", "XX"], ["EX", ttl(), "PX", ttl()], ["GET", "NX"]]),
        "GET": lambda: ["GET", k()], "INCR": lambda: ["INCR", k()], "INCRBY": lambda: ["INCRBY", k(), i()],
        "DECRBY": lambda: ["DECRBY", k(), i()], "INCRBYFLOAT": lambda: ["INCRBYFLOAT", k(), f()],
        "APPEND": lambda: ["APPEND", k(), v()], "STRLEN": lambda: ["STRLEN", k()],
        "GETRANGE": lambda: ["GETRANGE", k(), i(), i()],
        "SETRANGE": lambda: ["SETRANGE", k(), d(["0", "1", "5", "-1", "x"]), v()],
        "GETDEL": lambda: ["GETDEL", k()],
        "GETEX": lambda: ["GETEX", k()] + d([[], ["PERSIST"], ["EX", ttl()], ["PX", ttl(), "PERSIST"]]),
        "MSETNX": lambda: ["MSETNX", k(), v(), k(), v()], "MGET": lambda: ["MGET", k(), k()],
        "SETBIT": lambda: ["SETBIT", k(), d(["0", "7", "100", "-1", "x"]), d(["0", "1", "2"])],
        "GETBIT": lambda: ["GETBIT", k(), d(["0", "7", "100", "-1"])],
        "BITCOUNT": lambda: ["BITCOUNT", k()] + d([[], [i(), i()], [i(), i(), "BIT"], [i(), i(), "BYTE"], [i()]]),
        "BITPOS": lambda: ["BITPOS", k(), d(["0", "1", "2"])] + d([[], [i()], [i(), i()], [i(), i(), "BIT"]]),
        "BITOP": lambda: ["BITOP", d(["AND", "OR", "XOR", "NOT", "FOO"]), k(), k()] + d([[], [k()]]),
        "LCS": lambda: ["LCS", k(), k()] + d([[], ["LEN"], ["IDX"], ["IDX", "MINMATCHLEN", "1", "WITHMATCHLEN"]]),
        # lists
        "LPUSH": lambda: ["LPUSH", k(), v(), v()], "RPUSH": lambda: ["RPUSH", k(), v()],
        "LPUSHX": lambda: ["LPUSHX", k(), v()],
        "LPOP": lambda: ["LPOP", k()] + d([[], [i()]]), "RPOP": lambda: ["RPOP", k()] + d([[], [i()]]),
        "LRANGE": lambda: ["LRANGE", k(), i(), i()], "LINDEX": lambda: ["LINDEX", k(), i()],
        "LLEN": lambda: ["LLEN", k()], "LSET": lambda: ["LSET", k(), i(), v()], "LREM": lambda: ["LREM", k(), i(), v()],
        "LTRIM": lambda: ["LTRIM", k(), i(), i()],
        "LINSERT": lambda: ["LINSERT", k(), d(["BEFORE", "AFTER", "X"]), v(), v()],
        "LPOS": lambda: ["LPOS", k(), v()] + d([[], ["RANK", i()], ["COUNT", i()], ["MAXLEN", i()], ["RANK", i(), "COUNT", "0"]]),
        "LMOVE": lambda: ["LMOVE", k(), k(), d(["LEFT", "RIGHT"]), d(["LEFT", "RIGHT", "UP"])],
        "LMPOP": lambda: ["LMPOP", d(["1", "2", "0", "x"]), k(), k(), d(["LEFT", "RIGHT"])] + d([[], ["COUNT", i()]]),
        # hashes
        "HSET": lambda: ["HSET", k(), m(), v()] + d([[], [m(), v()], [m()]]), "HGET": lambda: ["HGET", k(), m()],
        "HDEL": lambda: ["HDEL", k(), m(), m()], "HINCRBY": lambda: ["HINCRBY", k(), m(), i()],
        "HINCRBYFLOAT": lambda: ["HINCRBYFLOAT", k(), m(), f()], "HGETALL": lambda: ["HGETALL", k()],
        "HLEN": lambda: ["HLEN", k()], "HSETNX": lambda: ["HSETNX", k(), m(), v()],
        "HMGET": lambda: ["HMGET", k(), m(), m()], "HSTRLEN": lambda: ["HSTRLEN", k(), m()],
        "HEXISTS": lambda: ["HEXISTS", k(), m()],
        # sets
        "SADD": lambda: ["SADD", k(), m(), m()], "SREM": lambda: ["SREM", k(), m()],
        "SMEMBERS": lambda: ["SMEMBERS", k()], "SISMEMBER": lambda: ["SISMEMBER", k(), m()],
        "SMISMEMBER": lambda: ["SMISMEMBER", k(), m(), m()], "SCARD": lambda: ["SCARD", k()],
        "SINTER": lambda: ["SINTER", k(), k()], "SUNION": lambda: ["SUNION", k(), k()],
        "SDIFF": lambda: ["SDIFF", k(), k()],
        "SINTERCARD": lambda: ["SINTERCARD", d(["1", "2", "0", "3"]), k(), k()] + d([[], ["LIMIT", i()]]),
        "SMOVE": lambda: ["SMOVE", k(), k(), m()], "SINTERSTORE": lambda: ["SINTERSTORE", k(), k(), k()],
        "SDIFFSTORE": lambda: ["SDIFFSTORE", k(), k(), k()],
        # sorted sets
        "ZADD": lambda: ["ZADD", k()] + d([[], ["NX"], ["XX"], ["GT"], ["LT"], ["CH"], ["INCR"], ["NX", "GT"], ["XX", "CH"]])
        + [f(), m()] + d([[], [f(), m()]]),
        "ZSCORE": lambda: ["ZSCORE", k(), m()], "ZINCRBY": lambda: ["ZINCRBY", k(), f(), m()],
        "ZCARD": lambda: ["ZCARD", k()],
        "ZRANGE": lambda: ["ZRANGE", k(), i(), i()] + d([[], ["WITHSCORES"], ["REV"], ["REV", "WITHSCORES"], ["LIMIT", "0", "1"]]),
        "ZRANGE BYSCORE": lambda: ["ZRANGE", k(), f(), f(), "BYSCORE"] + d([[], ["WITHSCORES"], ["REV"], ["LIMIT", i(), i()]]),
        "ZRANGE BYLEX": lambda: ["ZRANGE", k(), d(LEX), d(LEX), "BYLEX"] + d([[], ["REV"], ["LIMIT", i(), i()], ["WITHSCORES"]]),
        "ZRANK": lambda: ["ZRANK", k(), m()], "ZREVRANK": lambda: ["ZREVRANK", k(), m()], "ZREM": lambda: ["ZREM", k(), m()],
        "ZCOUNT": lambda: ["ZCOUNT", k(), f(), f()], "ZLEXCOUNT": lambda: ["ZLEXCOUNT", k(), d(LEX), d(LEX)],
        "ZPOPMIN": lambda: ["ZPOPMIN", k()] + d([[], [i()]]), "ZPOPMAX": lambda: ["ZPOPMAX", k()] + d([[], [i()]]),
        "ZREMRANGEBYSCORE": lambda: ["ZREMRANGEBYSCORE", k(), f(), f()],
        "ZREMRANGEBYRANK": lambda: ["ZREMRANGEBYRANK", k(), i(), i()],
        "ZREMRANGEBYLEX": lambda: ["ZREMRANGEBYLEX", k(), d(LEX), d(LEX)], "ZMSCORE": lambda: ["ZMSCORE", k(), m(), m()],
        "ZUNIONSTORE": lambda: ["ZUNIONSTORE", k(), d(["1", "2", "0", "3"]), k(), k()]
        + d([[], ["WEIGHTS", f(), f()], ["AGGREGATE", d(["MIN", "MAX", "SUM", "X"])]]),
        "ZINTER": lambda: ["ZINTER", d(["1", "2", "0"]), k(), k()] + d([[], ["WITHSCORES"], ["AGGREGATE", "MAX", "WITHSCORES"]]),
        "ZDIFF": lambda: ["ZDIFF", d(["1", "2"]), k(), k()] + d([[], ["WITHSCORES"]]),
        "ZRANGESTORE": lambda: ["ZRANGESTORE", k(), k(), i(), i()],
        # keys
        "DEL": lambda: ["DEL", k()], "EXISTS": lambda: ["EXISTS", k(), k()], "TYPE": lambda: ["TYPE", k()],
        "RENAME": lambda: ["RENAME", k(), k()], "RENAMENX": lambda: ["RENAMENX", k(), k()],
        "COPY": lambda: ["COPY", k(), k()] + d([[], ["REPLACE"]]),
        "EXPIRE": lambda: ["EXPIRE", k(), d(TTLS)] + d([[], ["NX"], ["XX"], ["GT"], ["LT"], ["NX", "XX"]]),
        "PEXPIRE": lambda: ["PEXPIRE", k(), d(TTLS)], "PERSIST": lambda: ["PERSIST", k()],
        "OBJECT ENCODING": lambda: ["OBJECT", "ENCODING", k()], "TOUCH": lambda: ["TOUCH", k(), k()],
        # HyperLogLog and streams
        "PFADD": lambda: ["PFADD", d(HLLS), m(), m()], "PFCOUNT": lambda: ["PFCOUNT", d(HLLS + KEYS)],
        "PFMERGE": lambda: ["PFMERGE", d(HLLS), d(HLLS)] + d([[], [d(HLLS + KEYS)]]),
        "XADD": lambda: ["XADD", k()] + d([[], ["MAXLEN", "2"], ["NOMKSTREAM"], ["MAXLEN", "~", "1"]])
        + [d(["1-1", "2-0", "0-1", "x", "3-5"]), m(), v()],
        "XLEN": lambda: ["XLEN", k()],
        "XRANGE": lambda: ["XRANGE", k(), d(["-", "0", "1", "(1-1"]), d(["+", "5", "2-0"])] + d([[], ["COUNT", i()]]),
        "XDEL": lambda: ["XDEL", k(), d(["1-1", "2-0"])], "XTRIM": lambda: ["XTRIM", k(), "MAXLEN", d(["0", "1", "x", "-1"])],
    }


UNORDERED = {"SMEMBERS", "SINTER", "SUNION", "SDIFF"}  # Redis's set order is its hash table's


def reply(client: redis.Redis, args: list) -> object:
    try:
        out = client.execute_command(*args)
    except redis.ResponseError as e:
        return ("error", str(e))
    if args[0] in UNORDERED and isinstance(out, (set, list)):
        return sorted(out)
    if args[0] == "HGETALL" and isinstance(out, dict):
        return sorted(out.items())
    return out


def keyspace(client: redis.Redis) -> dict:
    read = {b"string": client.get, b"list": lambda key: client.lrange(key, 0, -1),
            b"hash": lambda key: sorted(client.hgetall(key).items()), b"set": lambda key: sorted(client.smembers(key)),
            b"zset": lambda key: client.zrange(key, 0, -1, withscores=True),
            b"stream": lambda key: client.xrange(key)}
    out = {}
    for key in KEYS + HLLS:
        kind = client.type(key)
        if kind != b"none":
            out[key] = (kind, read[kind](key), client.ttl(key) > 0)
    return out


@pytest.mark.parametrize("seed", range(1, 5))
def test_random_command_sequences_answer_and_store_as_redis_does(seed, tmp_path):
    real = redis.Redis.from_url(harness.real_url("redis"))
    real.flushdb()
    dotdo = dotdo_redis.Redis(data=str(tmp_path / "dotdo"))
    draw = Draw(seed)
    commands = grammar(draw)
    names = sorted(commands)
    done: list[list] = []
    try:
        for _ in range(1500):
            args = commands[draw(names)]()
            done.append(args)
            expected, got = reply(real, args), reply(dotdo, args)
            assert got == expected, f"reply differs after {done[-12:]}"
            assert keyspace(dotdo) == keyspace(real), f"stored data differs after {done[-12:]}"
    finally:
        real.flushdb()
        real.close()
        dotdo.close()
