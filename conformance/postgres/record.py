"""Record expected.py from a real PostgreSQL: `DOTDO_REAL_POSTGRES_URL=... python -m conformance.postgres.record`.
Review the diff before committing: the recording is the oracle both targets are held to."""
from __future__ import annotations

import os
import pprint
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

from .cases import CASES, REFUSED, outcome
from .conftest import clean

HEADER = '''"""Expected outcomes of cases.py, recorded from a real PostgreSQL by record.py (do not edit by hand)."""
# ruff: noqa
import datetime
import zoneinfo
from decimal import Decimal
from uuid import UUID

nan = float("nan")
inf = float("inf")

EXPECTED = '''


def main() -> None:
    base = os.environ["DOTDO_REAL_POSTGRES_URL"]
    name = f"dotdo_record_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        dsn = urlunparse(urlparse(base)._replace(path="/" + name))
        with psycopg.connect(dsn, autocommit=True) as conn:
            results = {}
            for case_id, setup, sql, params in CASES + REFUSED:
                clean(conn)
                results[case_id] = outcome(conn, setup, sql, params)
                clean(conn)
        text = HEADER + pprint.pformat(results, width=110, sort_dicts=False) + "\n"
        Path(__file__).with_name("expected.py").write_text(text)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
