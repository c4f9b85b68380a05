"""SQL cursors as psycopg users reach them: named (server-side) cursors, itersize batches,
scrolling, WITH HOLD across a commit, and what a transaction's end does to a cursor."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import errors


@pytest.fixture
def items(conn):
    conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
    conn.execute("INSERT INTO items SELECT g, 'item' || g FROM generate_series(1, 7) g")
    return conn


def test_named_cursor_iterates_in_batches(items, connect):
    c = connect()
    with c.cursor(name="walk") as cur:
        cur.itersize = 3
        cur.execute("SELECT id, name FROM items WHERE id > %s ORDER BY id", (2,))
        assert [d.name for d in cur.description] == ["id", "name"]
        assert list(cur) == [(i, f"item{i}") for i in range(3, 8)]
    c.commit()


def test_named_cursor_fetchmany_and_fetchone(items, connect):
    c = connect()
    with c.cursor(name="pages") as cur:
        cur.execute("SELECT id FROM items ORDER BY id")
        assert cur.fetchmany(2) == [(1,), (2,)]
        assert cur.fetchone() == (3,)
        assert cur.fetchall() == [(4,), (5,), (6,), (7,)]
        assert cur.fetchone() is None


def test_scrollable_named_cursor_scrolls_back(items, connect):
    c = connect()
    with c.cursor(name="back", scrollable=True) as cur:
        cur.execute("SELECT id FROM items ORDER BY id")
        cur.fetchmany(4)
        cur.scroll(-3)
        assert cur.fetchone() == (2,)
        cur.scroll(5, mode="absolute")
        assert cur.fetchone() == (6,)


def test_non_scrollable_cursor_refuses_to_go_back(items, connect):
    c = connect()
    with c.cursor(name="fwd", scrollable=False) as cur:
        cur.execute("SELECT id FROM items ORDER BY id")
        cur.fetchmany(3)
        with pytest.raises(errors.ObjectNotInPrerequisiteState, match="cursor can only scan forward"):
            cur.scroll(-1)


def test_cursor_without_hold_ends_with_its_transaction(items, connect):
    c = connect()
    cur = c.cursor(name="gone")
    cur.execute("SELECT id FROM items")
    c.commit()
    with pytest.raises(errors.InvalidCursorName, match='cursor "gone" does not exist'):
        c.execute("FETCH NEXT FROM gone")


def test_cursor_with_hold_outlives_commit_and_keeps_its_snapshot(items, connect):
    c = connect()
    with c.cursor(name="held", withhold=True) as cur:
        cur.execute("SELECT id FROM items ORDER BY id")
        c.commit()
        items.execute("DELETE FROM items")
        assert cur.fetchall() == [(i,) for i in range(1, 8)]
    c.commit()


def test_with_hold_cursor_declared_in_a_rolled_back_transaction_is_gone(items, connect):
    c = connect()
    c.execute("DECLARE held CURSOR WITH HOLD FOR SELECT id FROM items")
    c.rollback()
    with pytest.raises(errors.InvalidCursorName):
        c.execute("FETCH NEXT FROM held")


def test_declare_outside_a_transaction_block_needs_hold(items, connect):
    c = connect(autocommit=True)
    with pytest.raises(errors.NoActiveSqlTransaction, match="DECLARE CURSOR can only be used in transaction blocks"):
        c.execute("DECLARE c CURSOR FOR SELECT 1")
    c.execute("DECLARE c CURSOR WITH HOLD FOR SELECT id FROM items ORDER BY id")
    assert c.execute("FETCH 2 FROM c").fetchall() == [(1,), (2,)]
    c.execute("CLOSE c")


@pytest.mark.parametrize("moves,fetch,rows,tag", [
    ([], "FETCH FORWARD 3 FROM c", [(1,), (2,), (3,)], "FETCH 3"),
    (["FETCH 2 FROM c"], "FETCH NEXT FROM c", [(3,)], "FETCH 1"),
    (["FETCH 5 FROM c"], "FETCH ALL FROM c", [(6,), (7,)], "FETCH 2"),
    (["FETCH ALL FROM c"], "FETCH ALL FROM c", [], "FETCH 0"),
    (["FETCH ALL FROM c"], "FETCH BACKWARD 2 FROM c", [(7,), (6,)], "FETCH 2"),
    (["FETCH 3 FROM c"], "FETCH PRIOR FROM c", [(2,)], "FETCH 1"),
    ([], "FETCH LAST FROM c", [(7,)], "FETCH 1"),
    (["FETCH LAST FROM c"], "FETCH FIRST FROM c", [(1,)], "FETCH 1"),
    ([], "FETCH ABSOLUTE -2 FROM c", [(6,)], "FETCH 1"),
    ([], "FETCH ABSOLUTE 9 FROM c", [], "FETCH 0"),
    (["FETCH 2 FROM c"], "FETCH RELATIVE 0 FROM c", [(2,)], "FETCH 1"),
    (["FETCH 2 FROM c"], "FETCH RELATIVE -1 FROM c", [(1,)], "FETCH 1"),
    (["MOVE 3 IN c"], "FETCH c", [(4,)], "FETCH 1"),
    (["FETCH ALL FROM c"], "FETCH BACKWARD ALL FROM c", [(7,), (6,), (5,), (4,), (3,), (2,), (1,)], "FETCH 7"),
    ([], "FETCH -1 FROM c", [], "FETCH 0"),
])
def test_fetch_directions(items, connect, moves, fetch, rows, tag):
    c = connect()
    c.execute("DECLARE c SCROLL CURSOR FOR SELECT id FROM items ORDER BY id")
    for m in moves:
        c.execute(m)
    cur = c.execute(fetch)
    assert (cur.fetchall(), cur.statusmessage) == (rows, tag)


@pytest.mark.parametrize("statement,tag", [
    ("MOVE FORWARD ALL IN c", "MOVE 7"),
    ("MOVE 2 FROM c", "MOVE 2"),
    ("MOVE ABSOLUTE 9 IN c", "MOVE 0"),
])
def test_move_counts_rows_it_passes(items, connect, statement, tag):
    c = connect()
    c.execute("DECLARE c SCROLL CURSOR FOR SELECT id FROM items ORDER BY id")
    assert c.execute(statement).statusmessage == tag


@pytest.mark.parametrize("setup,statement,error", [
    ([], "FETCH NEXT FROM nope", errors.InvalidCursorName),
    ([], "CLOSE nope", errors.InvalidCursorName),
    (["DECLARE c CURSOR FOR SELECT 1"], "DECLARE c CURSOR FOR SELECT 2", errors.DuplicateCursor),
    (["DECLARE c CURSOR FOR SELECT 1", "CLOSE c"], "FETCH NEXT FROM c", errors.InvalidCursorName),
    (["DECLARE c CURSOR FOR SELECT 1", "DECLARE d CURSOR FOR SELECT 2", "CLOSE ALL"], "FETCH NEXT FROM d",
     errors.InvalidCursorName),
])
def test_cursor_errors(items, connect, setup, statement, error):
    c = connect()
    for s in setup:
        c.execute(s)
    with pytest.raises(error):
        c.execute(statement)
