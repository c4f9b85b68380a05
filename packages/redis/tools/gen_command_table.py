"""Regenerate dotdo_redis/engine/command_table.json from a running Redis 7.0 server.

    python packages/redis/tools/gen_command_table.py redis://127.0.0.1:6379

The table holds facts the server reports about each command (ACL categories, tips, key
specifications, and the COMMAND DOCS entry) so COMMAND INFO / COMMAND DOCS can answer as
Redis does for the commands dotdo implements. Arity and flags come from dotdo's registry."""
from __future__ import annotations

import json
import os
import sys

import redis


def plain(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def pairs_to_dict(items):
    return {items[i]: items[i + 1] for i in range(0, len(items), 2)}


def docs_entry(raw):
    d = pairs_to_dict(raw)
    if "arguments" in d:
        d["arguments"] = [arg_entry(a) for a in d["arguments"]]
    if "subcommands" in d:
        sub = pairs_to_dict(d["subcommands"])
        d["subcommands"] = {k: docs_entry(v) for k, v in sub.items()}
    if "history" in d:
        d["history"] = [list(h) for h in d["history"]]
    return d


def arg_entry(raw):
    d = pairs_to_dict(raw)
    if "arguments" in d:
        d["arguments"] = [arg_entry(a) for a in d["arguments"]]
    if "flags" in d:
        d["flags"] = list(d["flags"])
    return d


def key_spec(raw):
    d = pairs_to_dict(raw)
    for part in ("begin_search", "find_keys"):
        if part in d:
            inner = pairs_to_dict(d[part])
            inner["spec"] = pairs_to_dict(inner["spec"])
            d[part] = inner
    return d


def info_entry(raw):
    name, arity, flags, first, last, step, acl, tips, specs, subs = raw
    return {
        "arity": arity, "flags": flags, "first": first, "last": last, "step": step, "acl": acl, "tips": tips,
        "key_specs": [key_spec(s) for s in specs],
        "subcommands": {s[0]: info_entry(s) for s in subs},
    }


def main(url: str) -> None:
    conn = redis.Redis.from_url(url, decode_responses=True, protocol=2)
    table = {}
    raw_infos = conn.connection_pool.get_connection()
    raw_infos.send_command("COMMAND")
    for raw in plain(raw_infos.read_response()):
        table[raw[0]] = info_entry(raw)
    raw_infos.send_command("COMMAND", "DOCS")
    docs = pairs_to_dict(plain(raw_infos.read_response()))
    for name, raw in docs.items():
        if name in table:
            table[name]["docs"] = docs_entry(raw)
    conn.connection_pool.release(raw_infos)
    out = os.path.join(os.path.dirname(__file__), "..", "dotdo_redis", "engine", "command_table.json")
    with open(out, "w") as f:
        json.dump({"source": "Redis 7.0.15 COMMAND / COMMAND DOCS", "commands": table}, f, separators=(",", ":"))
    print(out, len(table))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "redis://127.0.0.1:6379")
