"""Load: from a separate process, many concurrent connections of the genuine asyncio redis-py client
run a mixed read/write workload against `dotdo serve redis` (its own process), then against the real
Redis on this machine for the ratio. Zero errors, every connection served, bounded server RSS;
p50/p99 latency and throughput are printed (recorded in docs/reliability.md).

The same for PostgreSQL: psycopg AsyncConnections against `dotdo serve postgres` and against the
real PostgreSQL in a fresh database. The real server refuses connections beyond max_connections
(100 here); that count is reported, and dotdo must serve every connection.

MongoDB: pymongo's AsyncMongoClient with a pool of N sockets against `dotdo serve mongo` (no real MongoDB
runs here, so there is no ratio): zero errors, every acknowledged `$inc` counted, bounded RSS.

Fast tier: 200 connections for 5 s. Long tier (--long): 500 connections for 60 s."""
from __future__ import annotations

import pytest
import redis

from .support import (MONGO_LOAD_CLIENT, PG_LOAD_CLIENT, REAL_PREFIX, mongo_url, REAL_REDIS_URL, RssSampler, clear_real, dotdo_serve, max_connections,
                      real_postgres_database, real_redis, record, run_load_client)

# The server's peak RSS under load: generous for a Python server, tight enough to catch
# per-connection or per-request growth that is never given back.
RSS_LIMIT_MB = 512


def load_dotdo(tmp_path, connections: int, seconds: float) -> dict:
    with dotdo_serve(str(tmp_path / "data")) as (proc, port):
        with RssSampler(proc.pid) as rss:
            res = run_load_client(f"redis://127.0.0.1:{port}/0", "--connections", str(connections),
                                  "--seconds", str(seconds), "--prefix", "load:")
        assert proc.poll() is None, "dotdo serve died under load"
        counters = redis.Redis(port=port).mget([f"load:shared:counter:{k}" for k in range(8)])
    res["counter_sum"] = sum(int(c or 0) for c in counters)
    res["rss_peak_mb"] = round(rss.peak_mb, 1)
    res["rss_start_mb"] = round(rss.samples_mb[0], 1)
    res["rss_end_mb"] = round(rss.samples_mb[-1], 1)
    return res


def load_real(connections: int, seconds: float) -> dict:
    client = real_redis()
    try:
        return run_load_client(REAL_REDIS_URL, "--connections", str(connections), "--seconds", str(seconds),
                               "--prefix", REAL_PREFIX + "load:")
    finally:
        clear_real(client)
        client.close()


def check_and_report(tier: str, connections: int, dotdo: dict, real: dict | None) -> None:
    line = (f"{connections} connections, {dotdo['seconds']} s: dotdo {dotdo['ops']} ops ({dotdo['ops_per_s']}/s) "
            f"p50 {dotdo['p50_ms']} ms p99 {dotdo['p99_ms']} ms max {dotdo['max_ms']} ms, errors {dotdo['errors']}, "
            f"server RSS {dotdo['rss_start_mb']} → peak {dotdo['rss_peak_mb']} MB")
    if real is not None:
        line += (f"; real Redis {real['ops']} ops ({real['ops_per_s']}/s) p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms, "
                 f"errors {real['errors']}; throughput ratio dotdo/real {dotdo['ops_per_s'] / real['ops_per_s']:.2f}")
    record(f"load {tier}", line)
    assert dotdo["connect_errors"] == 0, dotdo["connect_samples"]
    assert dotdo["connections"] == connections
    assert dotdo["errors"] == 0, dotdo["error_samples"]
    assert dotdo["ops"] > connections, "most connections were never served"
    assert dotdo["counter_sum"] == dotdo["incrs"], "acknowledged INCRs under load do not add up"
    assert dotdo["rss_peak_mb"] < RSS_LIMIT_MB
    if real is not None:
        assert real["errors"] == 0 and real["connections"] == connections, real


def test_200_connections_mixed_workload_for_5_seconds(tmp_path):
    dotdo = load_dotdo(tmp_path, 200, 5)
    real = load_real(200, 5)
    check_and_report("fast", 200, dotdo, real)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_500_connections_mixed_workload_for_60_seconds(tmp_path):
    dotdo = load_dotdo(tmp_path, 500, 60)
    real = load_real(500, 60)
    check_and_report("long", 500, dotdo, real)


# -- PostgreSQL --------------------------------------------------------------------------------

def pg_load(conninfo: str, connections: int, seconds: float) -> dict:
    return run_load_client(conninfo, "--connections", str(connections), "--seconds", str(seconds), script=PG_LOAD_CLIENT)


def postgres_load(tmp_path, tier: str, connections: int, seconds: float) -> None:
    with dotdo_serve(str(tmp_path / "pg"), "postgres") as (proc, port):
        with RssSampler(proc.pid) as rss:
            dotdo = pg_load(f"host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable", connections, seconds)
        assert proc.poll() is None, "dotdo serve postgres died under load"
    with real_postgres_database() as url:
        limit = max_connections(url)
        real = pg_load(url, connections, seconds)
    record(f"postgres load {tier}",
           f"{connections} connections, {dotdo['seconds']} s: dotdo {dotdo['connections']} served, {dotdo['ops']} statements "
           f"({dotdo['ops_per_s']}/s) p50 {dotdo['p50_ms']} ms p99 {dotdo['p99_ms']} ms, errors {dotdo['errors']}, "
           f"server RSS {rss.samples_mb[0]:.1f} → peak {rss.peak_mb:.1f} MB; real PostgreSQL (max_connections {limit}) "
           f"{real['connections']} served, {real['connect_errors']} refused ({real['connect_samples'][:1]}), {real['ops']} "
           f"statements ({real['ops_per_s']}/s) p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms, errors {real['errors']}")
    assert dotdo["connect_errors"] == 0, dotdo["connect_samples"]
    assert dotdo["connections"] == connections
    assert dotdo["errors"] == 0, dotdo["error_samples"]
    assert dotdo["ops"] > connections
    assert rss.peak_mb < RSS_LIMIT_MB
    assert real["errors"] == 0, real["error_samples"]


def test_postgres_200_connections_mixed_workload_for_5_seconds(tmp_path):
    postgres_load(tmp_path, "fast", 200, 5)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_postgres_500_connections_mixed_workload_for_60_seconds(tmp_path):
    postgres_load(tmp_path, "long", 500, 60)


# -- MongoDB -----------------------------------------------------------------------------------

def mongo_load(tmp_path, tier: str, connections: int, seconds: float) -> None:
    with dotdo_serve(str(tmp_path / "mongo"), "mongo") as (proc, port):
        with RssSampler(proc.pid) as rss:
            res = run_load_client(mongo_url(port), "--connections", str(connections), "--seconds", str(seconds),
                                  script=MONGO_LOAD_CLIENT)
        assert proc.poll() is None, "dotdo serve mongo died under load"
    record(f"mongo load {tier}",
           f"{connections} connections, {res['seconds']} s: dotdo {res['ops']} operations ({res['ops_per_s']}/s) "
           f"p50 {res['p50_ms']} ms p99 {res['p99_ms']} ms max {res['max_ms']} ms, errors {res['errors']}, "
           f"server RSS {rss.samples_mb[0]:.1f} → peak {rss.peak_mb:.1f} MB; no real MongoDB here to compare")
    assert res["errors"] == 0, res["error_samples"]
    assert res["ops"] > connections, "most connections were never served"
    assert res["counter_sum"] == res["incrs"], "acknowledged $inc under load do not add up"
    assert rss.peak_mb < RSS_LIMIT_MB


def test_mongo_200_connections_mixed_workload_for_5_seconds(tmp_path):
    mongo_load(tmp_path, "fast", 200, 5)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_mongo_500_connections_mixed_workload_for_60_seconds(tmp_path):
    mongo_load(tmp_path, "long", 500, 60)
