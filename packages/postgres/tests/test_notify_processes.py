"""LISTEN/NOTIFY between processes on one data directory: a `dotdo serve postgres` process and
this process's embedded server deliver each other's notifications, after commit, once."""
from __future__ import annotations

import psycopg

import dotdo_postgres


def payloads(conn: psycopg.Connection, n: int) -> list[tuple[str, str]]:
    got = []
    for note in conn.notifies(timeout=10, stop_after=n):
        got.append((note.channel, note.payload))
    return got


def test_notifications_cross_between_a_served_process_and_an_embedded_server(tmp_path, served):
    data = str(tmp_path / "d")
    with dotdo_postgres.connect(data=data, dbname="app", autocommit=True) as here, served(data) as there:
        here.execute("LISTEN jobs")
        there.execute("LISTEN news")
        there.execute("NOTIFY jobs, 'from the server'")
        there.execute("SELECT pg_notify('jobs', 'by function')")
        with there.transaction():
            there.execute("NOTIFY jobs, 'at commit'")
        try:
            with there.transaction():
                there.execute("NOTIFY jobs, 'rolled back'")
                raise KeyError
        except KeyError:
            pass
        there.execute("NOTIFY other_channel, 'not listened'")
        assert payloads(here, 3) == [("jobs", "from the server"), ("jobs", "by function"), ("jobs", "at commit")]
        assert list(here.notifies(timeout=0.3)) == []
        here.execute("NOTIFY news, 'hello across processes'")
        assert payloads(there, 1) == [("news", "hello across processes")]
