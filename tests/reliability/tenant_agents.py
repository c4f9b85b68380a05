"""Many tenants in one process, for test_agent_scale.py: agent i is `Redis(data=DIR, tenant="agent-i")`
(a Redis server of its own, invisible to the others) doing a few small reads and writes. Runs in its
own process so its open files and memory are its own. Prints one JSON line.

    python tenant_agents.py DIR --tenants 1000 --ops 5
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time


def raise_file_limit() -> int:
    """As many open files as we may have (core sizes its open-shard budget from the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for want in (1 << 18, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))
            return want
        except (ValueError, OSError):
            continue
    return soft


def status_kb(field: str) -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:  # no descriptor left to read it with: the peak needs none
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def open_files(limit: int) -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # listing needs a descriptor too: the table is full
        return limit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--ops", type=int, default=5)
    args = parser.parse_args()
    limit = raise_file_limit()
    from dotdo_core.open_shards import POOL
    from dotdo_redis import Redis

    out: dict = {"tenants": args.tenants, "file_limit": limit, "errors": 0, "error_samples": []}
    started = time.perf_counter()
    agents = []
    try:
        for i in range(args.tenants):
            r = Redis(data=args.data, tenant=f"agent-{i}")
            r.set("born", i)
            agents.append(r)
    except Exception as e:
        out["created"] = len(agents)
        out["create_error"] = f"{type(e).__name__}: {e}"
    out["created"] = len(agents)
    out["create_s"] = round(time.perf_counter() - started, 2)
    out["create_per_s"] = round(len(agents) / out["create_s"]) if out["create_s"] else None

    latencies = []
    started = time.perf_counter()
    for j in range(args.ops):
        for i, r in enumerate(agents):
            t = time.perf_counter()
            try:
                step = j % 5
                if step == 0:
                    r.set("note", f"thought {j}")
                elif step == 1:
                    assert r.get("note") is not None
                elif step == 2:
                    r.incr("steps")
                elif step == 3:
                    r.hset("memory", f"k{j}", j)
                else:
                    r.hgetall("memory")
            except Exception as e:
                out["errors"] += 1
                if len(out["error_samples"]) < 5:
                    out["error_samples"].append(f"{type(e).__name__}: {e}")
                continue
            latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    # Each agent still sees only its own data, with every write it made.
    # born, plus note / steps / memory once a step of that kind has run
    keys = 1 + sum(1 for step in (0, 2, 3) if any(j % 5 == step for j in range(args.ops)))
    wrong = 0
    for i, r in enumerate(agents):
        try:
            if int(r.get("born")) != i or r.dbsize() != keys:
                wrong += 1
        except Exception as e:
            out["errors"] += 1
            if len(out["error_samples"]) < 5:
                out["error_samples"].append(f"checking agent-{i}: {type(e).__name__}: {e}")
    latencies.sort()
    pick = lambda p: round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 3) if latencies else None  # noqa: E731
    out.update({
        "ops": len(latencies), "ops_s": round(elapsed, 2), "ops_per_s": round(len(latencies) / elapsed) if elapsed else None,
        "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0), "wrong_tenants": wrong,
        "open_files": open_files(limit), "rss_mb": round(status_kb("VmRSS") / 1024, 1),
        "rss_peak_mb": round(status_kb("VmHWM") / 1024, 1),
        "open_shards": POOL.count(), "shard_budget": POOL.budget, "shard_closes": POOL.evictions,
    })
    print(json.dumps(out), flush=True)
    # Exit without unwinding thousands of open shards (with no descriptor left even a thread's exit can abort).
    os._exit(0)


if __name__ == "__main__":
    main()
