"""Fixtures shared by the PostgreSQL package's tests."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import psycopg
import pytest


@contextmanager
def _served(data: str) -> Iterator[psycopg.Connection]:
    proc = subprocess.Popen([sys.executable, "-m", "dotdo_core.cli", "serve", "postgres", "--data", data,
                             "--port", "postgres=0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on" in line, proc.stderr.read()
        port = int(line.rsplit(":", 1)[1].split()[0])
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="app", sslmode="disable",
                             autocommit=True) as c:
            yield c
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture
def served() -> Callable[[str], AbstractContextManager[psycopg.Connection]]:
    """`with served(data) as conn:` — a `dotdo serve postgres` process on `data` (another process
    than the test's), and an autocommit connection to its database `app`."""
    return _served
