"""`dotdo demo postgres`: a few calls through the genuine psycopg client."""
from __future__ import annotations


def demo(data_dir: str) -> list[tuple[str, str]]:
    from . import connect
    out: list[tuple[str, str]] = []
    with connect(data=data_dir, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS demo_users")
        conn.execute("CREATE TABLE demo_users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, "
                     "balance numeric(10,2) DEFAULT 0)")
        call = "INSERT INTO demo_users (email, balance) VALUES ('ada@example.com', 12.50) RETURNING id"
        out.append((call, repr(conn.execute(call).fetchone())))
        call = "SELECT id, email, balance FROM demo_users"
        out.append((call, repr(conn.execute(call).fetchall())))
        call = "INSERT INTO demo_users (email) VALUES ('ada@example.com')"
        try:
            conn.execute(call)
        except Exception as e:  # the genuine psycopg.errors.UniqueViolation
            out.append((call, f"{type(e).__name__}: {e}".strip()))
    return out
