"""Agent scale: many tenants, each an independent agent doing small reads and writes through the
genuine client, and tenant isolation.

- In-process: agent i is `Redis(data=DIR, tenant="agent-i")` (its own namespace: a Redis server of its
  own), in a separate process so its open files and RSS are measured alone.
- Tenants over the wire: agent i is user `agent-i` of the served directory (`dotdo_core.auth`), so it
  logs in (Redis AUTH, PostgreSQL and Mongo SCRAM-SHA-256) to a tenant of its own; every tenant uses the
  same key, table or database names, and each agent checks it reads back only its own. The agents are
  split over several load-client processes. Redis agents are all connected at once, and the real Redis
  gets the same N connections with a key prefix per agent instead of a login; PostgreSQL and Mongo
  agents connect, work and disconnect in turn, a fixed number at a time.
- Connections over the wire: N agents are N connections to one tenant, with a key prefix each.
- PostgreSQL: N agents are N psycopg connections to one database of one `dotdo serve postgres`, and to
  the real PostgreSQL, which refuses every connection past max_connections (the wall agents hit).
- MongoDB: agent i is a task of one pymongo AsyncMongoClient using a database of its own (`agent-i`)
  on one `dotdo serve mongo`; no real MongoDB runs here.
- Isolation: tenant B cannot read, list, count, guess or flush tenant A's keys, nor hear its pub/sub.

Fast tier: 1,000 tenants in-process (200 open shards at a time); tenants over the wire: 200 Redis,
150 PostgreSQL, 100 Mongo; 1,000 Redis connections, 500 PostgreSQL connections, 200 Mongo agents.
Long tier (--long): 10,000 tenants in-process and 10,000 over each of RESP, pgwire and OP_MSG, 10,000
Redis and 10,000 PostgreSQL connections, 10,000 Mongo agents."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import redis

from dotdo_core import auth
from dotdo_core.store import Store
from dotdo_redis import Redis

from .load_client import tenant_password, tenant_user
from .support import (MONGO_LOAD_CLIENT, PG_LOAD_CLIENT, mongo_url, OpenFilesSampler, REAL_PREFIX, REAL_REDIS_URL, REPO, RssSampler, clear_real,
                      dotdo_serve, max_connections, open_files, real_postgres_database, real_redis, record, run_load_client,
                      run_load_fleet)

TENANT_AGENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tenant_agents.py")


def run_tenants(data: str, tenants: int, ops: int = 5, max_open_shards: int | None = None) -> dict:
    env = dict(os.environ)
    if max_open_shards is not None:
        env["DOTDO_MAX_OPEN_SHARDS"] = str(max_open_shards)
    done = subprocess.run([sys.executable, TENANT_AGENTS, data, "--tenants", str(tenants), "--ops", str(ops)],
                          capture_output=True, text=True, timeout=3600, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def tenants_in_process(tmp_path, tier: str, tenants: int, max_open_shards: int | None = None) -> None:
    res = run_tenants(str(tmp_path / "data"), tenants, max_open_shards=max_open_shards)
    record(f"tenants in-process {tier}",
           f"{res['created']}/{tenants} tenants created in {res['create_s']} s ({res['create_per_s']}/s); "
           f"{res['ops']} small ops at {res['ops_per_s']}/s, p50 {res['p50_ms']} ms p99 {res['p99_ms']} ms; "
           f"open files {res['open_files']} (limit {res['file_limit']}), RSS {res['rss_mb']} MB "
           f"(peak {res['rss_peak_mb']} MB); open shards {res['open_shards']} of budget {res['shard_budget']}, "
           f"{res['shard_closes']} idle-shard closes"
           + (f"; stopped by {res['create_error']}" if "create_error" in res else "")
           + (f"; {res['errors']} failed ops, e.g. {res['error_samples'][:2]}" if res["errors"] else ""))
    assert res["created"] == tenants, res.get("create_error")
    assert res["errors"] == 0, res["error_samples"]
    assert res["wrong_tenants"] == 0
    # Idle shards past the budget are closed: descriptors stay bounded by the budget, not the tenant count.
    assert res["open_shards"] <= res["shard_budget"]
    assert res["open_files"] < res["shard_budget"] * 8 + 100


def agents_over_the_wire(tmp_path, tier: str, agents: int, ops: int = 10) -> None:
    with dotdo_serve(str(tmp_path / "serve")) as (proc, port):
        with RssSampler(proc.pid, every=0.25) as rss:
            dotdo = run_load_client(f"redis://127.0.0.1:{port}/0", "--agents", "--connections", str(agents),
                                    "--ops", str(ops), "--prefix", "")
        assert proc.poll() is None
        check = redis.Redis(port=port)
        served_keys = check.dbsize()
    client = real_redis()
    maxclients = client.config_get("maxclients").get("maxclients")
    try:
        real = run_load_client(REAL_REDIS_URL, "--agents", "--connections", str(agents), "--ops", str(ops),
                               "--prefix", REAL_PREFIX)
    finally:
        clear_real(client)
        client.close()
    record(f"agents over RESP {tier}",
           f"{agents} connections x {ops} ops: dotdo serve {dotdo['connections']} connected, {dotdo['ops']} ops "
           f"({dotdo['ops_per_s']}/s) p50 {dotdo['p50_ms']} ms p99 {dotdo['p99_ms']} ms, errors {dotdo['errors']}, "
           f"server RSS peak {rss.peak_mb:.1f} MB; real Redis (maxclients {maxclients}) {real['connections']} connected "
           f"(refused {real['connect_errors']}: {real['connect_samples'][:1]}), {real['ops']} ops ({real['ops_per_s']}/s) "
           f"p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms, errors {real['errors']}")
    assert dotdo["connect_errors"] == 0, dotdo["connect_samples"]
    assert dotdo["connections"] == agents and dotdo["errors"] == 0, dotdo["error_samples"]
    assert dotdo["ops"] == agents * ops
    assert served_keys == agents * min(ops, 3)  # note, steps, memory per agent


def add_tenant_users(data: str, tenants: int) -> float:
    """Users agent-0 .. agent-(n-1), each the only user of its own tenant; returns the seconds it took
    (each user is a SCRAM verifier: 4,096 rounds of PBKDF2, deliberately slow, and a catalog commit)."""
    started = time.perf_counter()
    with Store(data) as store:
        for n in range(tenants):
            auth.add_user(store, tenant_user(n), tenant_password(n))
    return time.perf_counter() - started


def tenants_over_resp(tmp_path, tier: str, tenants: int, processes: int, ops: int = 5) -> None:
    data = str(tmp_path / "tenants")
    create_s = add_tenant_users(data, tenants)
    args = ("--agents", "--ops", str(ops))
    with dotdo_serve(data) as (proc, port):
        with OpenFilesSampler(proc.pid) as server:
            dotdo = run_load_fleet(f"redis://127.0.0.1:{port}/0", processes, tenants, *args, "--tenant-users")
        assert proc.poll() is None
        stranger = redis.Redis(port=port)
        with pytest.raises(redis.AuthenticationError):  # no login, no keys
            stranger.get("note")
        stranger.close()
    with Store(data) as store:
        tenant_namespaces = sum(1 for ns in store.namespaces() if ns["name"].startswith("agent-"))
    client = real_redis()
    maxclients = client.config_get("maxclients").get("maxclients")
    try:
        real = run_load_fleet(REAL_REDIS_URL, processes, tenants, *args, "--prefix", REAL_PREFIX)
    finally:
        clear_real(client)
        client.close()
    record(f"tenants over RESP {tier}",
           f"{tenants} users created in {create_s:.1f} s ({tenants / create_s:.0f}/s); {tenants} agents in {dotdo['clients']} "
           f"load-client processes, all connected at once, x {ops} ops: dotdo serve {dotdo['connections']} logged in "
           f"in {dotdo['connect_s']} s (refused {dotdo['connect_errors']}), {dotdo['ops']} ops ({dotdo['ops_per_s']}/s) p50 {dotdo['p50_ms']} ms "
           f"p99 {dotdo['p99_ms']} ms, errors {dotdo['errors']}, agents seeing anything but their own keys "
           f"{dotdo['wrong_agents']}, {tenant_namespaces} tenant namespaces; server RSS peak {server.peak_mb:.0f} MB, "
           f"open files peak {server.peak_files}; real Redis (maxclients {maxclients}, a key prefix per agent) "
           f"{real['connections']} connected (refused {real['connect_errors']}: {real['connect_samples'][:1]}), "
           f"{real['ops']} ops ({real['ops_per_s']}/s) p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms, errors {real['errors']}, "
           f"wrong {real['wrong_agents']}")
    assert dotdo["connect_errors"] == 0, dotdo["connect_samples"]
    assert dotdo["connections"] == tenants and dotdo["errors"] == 0, dotdo["error_samples"]
    assert dotdo["ops"] == tenants * ops
    assert dotdo["wrong_agents"] == 0
    assert tenant_namespaces == tenants


def test_200_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve_and_the_real_redis(tmp_path):
    tenants_over_resp(tmp_path, "fast", 200, processes=2)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve_and_the_real_redis(tmp_path):
    tenants_over_resp(tmp_path, "long", 10_000, processes=4)


def test_1000_tenants_in_process_with_200_open_shards(tmp_path):
    # A budget below the tenant count, so the fast tier closes and reopens shards as 10,000 tenants do.
    tenants_in_process(tmp_path, "fast", 1000, max_open_shards=200)


def test_1000_agents_over_one_dotdo_serve_and_the_real_redis(tmp_path):
    agents_over_the_wire(tmp_path, "fast", 1000)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_tenants_in_process(tmp_path):
    tenants_in_process(tmp_path, "long", 10_000)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_agents_over_one_dotdo_serve_and_the_real_redis(tmp_path):
    agents_over_the_wire(tmp_path, "long", 10_000)


def create_load_table(conninfo: str) -> None:
    import psycopg

    from .pg_load_client import SCHEMA
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(SCHEMA)


def postgres_agents(tmp_path, tier: str, agents: int, processes: int, ops: int = 5) -> None:
    args = ("--agents", "--ops", str(ops), "--skip-schema")
    with dotdo_serve(str(tmp_path / "pg"), "postgres") as (proc, port):
        conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable"
        create_load_table(conninfo)
        with OpenFilesSampler(proc.pid) as server:
            dotdo = run_load_fleet(conninfo, processes, agents, *args, script=PG_LOAD_CLIENT)
        assert proc.poll() is None
    with real_postgres_database() as url:
        limit = max_connections(url)
        create_load_table(url)
        real = run_load_fleet(url, processes, agents, *args, script=PG_LOAD_CLIENT)
    record(f"postgres agents {tier}",
           f"{agents} connections in {dotdo['clients']} load-client processes, all connecting at once, x {ops} statements: "
           f"dotdo serve {dotdo['connections']} served (connected in {dotdo['connect_s']} s), {dotdo['connect_errors']} refused, {dotdo['ops']} statements "
           f"({dotdo['ops_per_s']}/s) p50 {dotdo['p50_ms']} ms p99 {dotdo['p99_ms']} ms, errors {dotdo['errors']}, server RSS "
           f"peak {server.peak_mb:.0f} MB, open files peak {server.peak_files}; real PostgreSQL (max_connections {limit}) "
           f"{real['connections']} served, {real['connect_errors']} refused ({real['connect_samples'][:1]}), {real['ops']} "
           f"statements ({real['ops_per_s']}/s) p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms, errors {real['errors']}")
    assert dotdo["connect_errors"] == 0, dotdo["connect_samples"]
    assert dotdo["connections"] == agents and dotdo["errors"] == 0, dotdo["error_samples"]
    assert dotdo["ops"] == agents * ops
    assert real["connections"] < limit < agents and real["connect_errors"] == agents - real["connections"]


def test_500_postgres_agents_over_one_dotdo_serve_and_the_real_postgres(tmp_path):
    postgres_agents(tmp_path, "fast", 500, processes=2)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_postgres_agents_over_one_dotdo_serve_and_the_real_postgres(tmp_path):
    postgres_agents(tmp_path, "long", 10_000, processes=4)


def tenants_in_turn(tmp_path, protocol: str, tenants: int, processes: int, concurrent: int, ops: int,
                    script: str) -> tuple[dict, float, OpenFilesSampler, int]:
    """N users, one `dotdo serve PROTOCOL`, and a fleet of load clients whose agents log in as their
    own users `concurrent` per client at a time. Returns the fleet's results, the seconds the users
    took to create, the server's sampler and how many tenant namespaces the directory holds."""
    data = str(tmp_path / f"{protocol}-tenants")
    create_s = add_tenant_users(data, tenants)
    with dotdo_serve(data, protocol) as (proc, port):
        url = mongo_url(port) if protocol == "mongo" else f"host=127.0.0.1 port={port} dbname=postgres sslmode=disable"
        with OpenFilesSampler(proc.pid) as server:
            res = run_load_fleet(url, processes, tenants, "--agents", "--ops", str(ops), "--tenant-users",
                                 "--concurrent", str(concurrent), script=script)
        assert proc.poll() is None
    with Store(data) as store:
        namespaces = sum(1 for ns in store.namespaces() if ns["name"].startswith("agent-"))
    return res, create_s, server, namespaces


def tenants_in_turn_line(res: dict, create_s: float, server: OpenFilesSampler, namespaces: int, tenants: int,
                         concurrent: int, ops: int, how: str, unit: str, own: str) -> str:
    return (f"{tenants} users created in {create_s:.1f} s ({tenants / create_s:.0f}/s); {tenants} agents in {res['clients']} "
            f"load-client processes ({concurrent} connected at a time in each), {how}, x {ops} {unit}: "
            f"{res['connections']} served, {res['connect_errors']} refused, {res['ops']} {unit} ({res['ops_per_s']}/s) "
            f"p50 {res['p50_ms']} ms p99 {res['p99_ms']} ms, errors {res['errors']}, agents seeing anything but their own "
            f"{own} {res['wrong_agents']}, {namespaces} tenant databases; server RSS peak {server.peak_mb:.0f} MB, "
            f"open files peak {server.peak_files}")


def assert_every_tenant_served_alone(res: dict, tenants: int, ops: int, namespaces: int) -> None:
    assert res["connect_errors"] == 0, res["connect_samples"]
    assert res["connections"] == tenants and res["errors"] == 0, res["error_samples"]
    assert res["ops"] == tenants * ops and res["wrong_agents"] == 0
    assert namespaces == tenants


def postgres_tenants(tmp_path, tier: str, tenants: int, processes: int, concurrent: int, ops: int = 5) -> None:
    """`concurrent` agents per load client connected at a time (a connection's database stays open
    while it is connected, ~6 descriptors each: 10,000 at once would pass the open-file limit)."""
    res, create_s, server, databases = tenants_in_turn(tmp_path, "postgres", tenants, processes, concurrent, ops,
                                                       PG_LOAD_CLIENT)
    record(f"postgres tenants {tier}", tenants_in_turn_line(
        res, create_s, server, databases, tenants, concurrent, ops, unit="statements", own="rows",
        how="each logging in (SCRAM) to a database of its own, creating its table there and disconnecting"))
    assert_every_tenant_served_alone(res, tenants, ops, databases)


def test_150_postgres_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve(tmp_path):
    # More tenants than are connected (2 x 25) plus the idle databases the server keeps open (64):
    # databases are closed and opened again as at 10,000.
    postgres_tenants(tmp_path, "fast", 150, processes=2, concurrent=25)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_postgres_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve(tmp_path):
    postgres_tenants(tmp_path, "long", 10_000, processes=4, concurrent=250)


def mongo_agents(tmp_path, tier: str, agents: int, ops: int = 5) -> None:
    with dotdo_serve(str(tmp_path / "mongo"), "mongo") as (proc, port):
        with RssSampler(proc.pid, every=0.25) as rss:
            res = run_load_client(mongo_url(port), "--agents", "--connections", str(agents), "--ops", str(ops),
                                  script=MONGO_LOAD_CLIENT, timeout=3600)
        files = open_files(proc.pid)
        assert proc.poll() is None
    record(f"mongo agents {tier}",
           f"{agents} agents x {ops} operations, a database each: dotdo serve {res['ops']} operations "
           f"({res['ops_per_s']}/s) p50 {res['p50_ms']} ms p99 {res['p99_ms']} ms, errors {res['errors']}, "
           f"server RSS peak {rss.peak_mb:.1f} MB, open files at the end {files}")
    assert res["errors"] == 0, res["error_samples"]
    assert res["ops"] == agents * ops
    assert res["wrong_agents"] == 0


def test_200_mongo_agents_each_with_its_own_database_over_one_dotdo_serve(tmp_path):
    mongo_agents(tmp_path, "fast", 200)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_mongo_agents_each_with_its_own_database_over_one_dotdo_serve(tmp_path):
    mongo_agents(tmp_path, "long", 10_000)


def mongo_tenants(tmp_path, tier: str, tenants: int, processes: int, concurrent: int, ops: int = 5) -> None:
    """Agent i is a pymongo client of its own logged in as user agent-i; `concurrent` per load client at a time."""
    res, create_s, server, databases = tenants_in_turn(tmp_path, "mongo", tenants, processes, concurrent, ops,
                                                       MONGO_LOAD_CLIENT)
    record(f"mongo tenants {tier}", tenants_in_turn_line(
        res, create_s, server, databases, tenants, concurrent, ops, unit="operations", own="documents and database",
        how="each a pymongo client logged in (SCRAM-SHA-256) as its own user, using database 'memory' of its tenant"))
    assert_every_tenant_served_alone(res, tenants, ops, databases)


def test_100_mongo_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve(tmp_path):
    mongo_tenants(tmp_path, "fast", 100, processes=2, concurrent=25)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_10000_mongo_tenants_each_logged_in_as_its_own_user_over_one_dotdo_serve(tmp_path):
    mongo_tenants(tmp_path, "long", 10_000, processes=4, concurrent=250)


# -- isolation ------------------------------------------------------------------------------

@pytest.fixture
def two_tenants(tmp_path):
    data = str(tmp_path / "data")
    a = Redis(data=data, tenant="agent-a")
    b = Redis(data=data, tenant="agent-b")
    a.set("secret", "a's secret")
    a.hset("profile", mapping={"name": "a"})
    a.rpush("todo", "x", "y")
    a.xadd("events", {"e": "1"})
    a.set("expiring", "1", ex=100)
    a1 = Redis(data=data, tenant="agent-a", db=1)
    a1.set("db1-secret", "also a's")
    return a, b, a1, data


def test_a_tenant_cannot_read_another_tenants_keys(two_tenants):
    a, b, a1, _ = two_tenants
    assert b.get("secret") is None
    assert b.hgetall("profile") == {}
    assert b.lrange("todo", 0, -1) == []
    assert b.xrange("events") == []
    assert b.mget("secret", "expiring") == [None, None]
    b1 = Redis(data=two_tenants[3], tenant="agent-b", db=1)
    assert b1.get("db1-secret") is None


def test_a_tenant_cannot_list_or_count_another_tenants_keys(two_tenants):
    a, b, a1, data = two_tenants
    for db in range(16):
        r = Redis(data=data, tenant="agent-b", db=db)
        assert r.keys("*") == [] and list(r.scan_iter()) == [] and r.dbsize() == 0 and r.randomkey() is None
    assert not any(k.startswith("db") for k in b.info("keyspace"))
    assert a.dbsize() == 5 and a1.dbsize() == 1


def test_a_tenant_cannot_infer_another_tenants_keys(two_tenants):
    a, b, a1, _ = two_tenants
    assert b.exists("secret", "profile", "todo", "events") == 0
    assert b.type("secret") == b"none"
    assert b.ttl("expiring") == -2 and b.pttl("expiring") == -2
    assert b.strlen("secret") == 0 and b.hlen("profile") == 0 and b.llen("todo") == 0
    assert b.object("encoding", "secret") is None
    # Writing the same names in B neither fails (no WRONGTYPE from A's types) nor changes A.
    b.set("profile", "b's string")
    b.lpush("secret", "b")
    assert a.get("secret") == b"a's secret" and a.hgetall("profile") == {b"name": b"a"}


def test_a_tenant_cannot_flush_another_tenants_data(two_tenants):
    a, b, a1, _ = two_tenants
    assert b.flushall() is True
    assert b.delete("secret", "profile") == 0
    with pytest.raises(redis.ResponseError, match="no such key"):
        b.rename("secret", "stolen")
    assert a.get("secret") == b"a's secret" and a1.get("db1-secret") == b"also a's"


def test_a_tenant_does_not_hear_another_tenants_pubsub(two_tenants):
    a, b, a1, _ = two_tenants
    listener = b.pubsub()
    listener.subscribe("news")
    listener.psubscribe("*")
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and listener.get_message(timeout=0.1) is not None:
        pass  # the subscribe confirmations
    assert a.publish("news", "for a's subscribers only") == 0
    assert a.pubsub_channels() == [] and a.pubsub_numsub("news") == [(b"news", 0)]
    assert listener.get_message(timeout=0.5) is None
    assert b.publish("news", "b's own") == 2  # B's subscription and pattern do hear B
    listener.close()
