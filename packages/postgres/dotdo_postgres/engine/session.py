"""A session: one client connection's state — transaction block, failed state, savepoints,
settings, currval — and the execution of plans against the database's connections."""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import apsw
from dotdo_core.shard import ShardBusy

from dotdo_core.query_limits import query_limits

from .errors import FAILED_TRANSACTION, PgError, unsupported
from .schemas import bare
from .translate import Plan
from .types import RUNNING, ColType, fmt_timestamptz
from .utility import REPORTED, SETTINGS, check_setting, parse_ms
from .zones import always_utc, zone_of_setting


# The row budget counts SQLite VM steps, the work a statement does: examining one row costs 3 to ~20
# steps (4 for a filtered count(*), 5 for a DELETE, 10 for an UPDATE, 12 for a nine-column SELECT *),
# so a budget of N rows allows N x 8 steps (docs/security.md).
STEPS_PER_ROW = 8
# Errors a statement reports as a PostgreSQL error (Session._failure); others propagate.
_MAPPED = (PgError, apsw.Error, decimal.InvalidOperation, TypeError, ValueError, AttributeError, KeyError, IndexError,
           ArithmeticError)


class WouldBlock(Exception):
    """Another session's transaction holds the single writer; retry once it ends."""


class SleepPending(WouldBlock):
    """pg_sleep in a statement that may park (Plan.sleeps == "park"): nothing it did remains; the
    connection parks for `session.sleep.pending` seconds, then runs the statement again."""


@dataclass
class SleepState:
    """A parking statement's pg_sleep calls across its runs (Session.park_sleep)."""
    deadline: float | None   # statement_timeout's end (monotonic), from the statement's first run
    tx_time: str             # now() of the first run, which every run keeps
    done: int = 0            # calls (with a positive wait) already waited out by earlier runs
    calls: int = 0           # such calls the current run has reached
    pending: float | None = None   # seconds to park before the next run
    expires: bool = False    # the pending wait ends at statement_timeout, not at the call's end
    error: PgError | None = None   # what the call waited for raises on the next run (timeout, cancel)
    timer: Any = None        # the loop's handle that ends the wait
    wake: Any = None         # what the timer calls (a cancel request calls it early)


class LockedElsewhere(WouldBlock):
    """Another process holds the shard's write lock (a write begun under without_lock_wait, as on
    the server's loop); nothing ran; retry after a short back-off."""


# The alias a unique key's SQL is written over (Session._key_detail puts NEW. or the existing row there)
_KEY_ROW = "_dotdo_key_row"


@dataclass
class Result:
    tag: str
    columns: list[tuple[str, ColType | None]] | None = None
    rows: list[tuple] = field(default_factory=list)


class Session:
    def __init__(self, db, user: str, pid: int, settings: dict[str, str] | None = None) -> None:
        self.db = db
        self.user = user
        self.pid = pid
        self._path_memo: tuple[str, int, tuple[str, ...]] | None = None  # see schema_path
        self.settings: dict[str, str] = {}
        self.in_tx = False
        self.implicit = False
        self.failed = False
        self.write_cm = None
        self.cursors: dict[str, Any] = {}  # SQL cursors (DECLARE), by name: sql_cursors.SqlCursor
        self.savepoints: list[str] = []
        # SET in a block: (the settings at its start, the settings a COMMIT keeps), from its first SET
        # on; a ROLLBACK restores the first, a COMMIT the second (SET LOCAL ends with the block either way)
        self.block_settings: tuple[dict[str, str], dict[str, str]] | None = None
        self.savepoint_settings: list[tuple[dict[str, str], dict[str, str] | None]] = []  # one per savepoint
        self.did_ddl = False
        self.tx_time: str | None = None
        self.stmt_time: str | None = None  # statement_timestamp() inside a block, taken at its first call
        self.currvals: dict[str, tuple[int, int]] = {}
        self.lastval: int | None = None
        self.notices: list[tuple[str, str, str, str | None]] = []   # (severity, sqlstate, message, detail)
        self.on_deallocate: Callable[[str | None], None] | None = None
        self.on_notify: Callable[[int, str, str], None] | None = None
        self.pending_notifies: list[tuple[str, str]] = []
        self.changed_settings: list[str] = []
        self.limits = query_limits()  # the server's budgets; None (the default) costs one check a statement
        self.lock_wait_over = False  # waited the busy timeout for another process's lock: report it
        self.wait_expired: PgError | None = None  # the statement waited past lock_timeout/statement_timeout
        self.placeholders: set[str] = set()  # custom (dotted) settings this session has defined
        self.statement_deadline: float | None = None  # monotonic time the running statement's budget ends (pg_sleep)
        self.can_park = False  # served on an event loop that parks the connection (SleepPending)
        self.sleep_parks = False  # the running statement's pg_sleep parks (Plan.sleeps == "park")
        self.sleep: SleepState | None = None  # the parking statement's pg_sleep progress
        self.leaving_since: float | None = None  # DROP / ALTER DATABASE waiting for others to leave, since
        self._zone_text: str | None = None  # the TimeZone text self._zone was made from
        self._zone: dt.tzinfo | None = None
        self._zone_full: dt.tzinfo | None = None
        for k, v in (settings or {}).items():
            try:
                self.set(k, v)
            except PgError:
                if k.lower() in SETTINGS or "." in k:
                    raise
        self.changed_settings.clear()
        self.startup_settings = dict(self.settings)  # what RESET returns to (PostgreSQL's reset value)

    # -- settings --------------------------------------------------------------
    @property
    def zone(self) -> dt.tzinfo | None:
        """The TimeZone setting as a zone, None while it is UTC at every instant (the default:
        timestamptz values then print exactly as stored)."""
        text = self.settings.get("timezone")
        if text is None:
            return None
        if text != self._zone_text:
            self._zone_text, self._zone_full = text, zone_of_setting(text)
            self._zone = None if always_utc(self._zone_full) else self._zone_full
        return self._zone

    @property
    def zone_full(self) -> dt.tzinfo | None:
        """The TimeZone setting as a zone even when it is UTC (to_char's TZ names it), None by default."""
        self.zone  # (brings _zone_full up to date)
        return self._zone_full if "timezone" in self.settings else None

    def setting(self, name: str, missing_ok: Any = False) -> str | None:
        low = name.lower()
        if low in self.settings:
            return self.settings[low]
        if low == "session_authorization" or low == "session_user":
            return self.user
        if low in SETTINGS:
            return SETTINGS[low][1]
        if low in self.placeholders:
            return ""  # a custom setting once set stays defined, empty, after a ROLLBACK or RESET (as in PostgreSQL)
        if missing_ok:
            return None
        raise PgError("42704", f'unrecognized configuration parameter "{name}"')

    def set_config(self, name: Any, value: Any, is_local: Any) -> str | None:
        """set_config(): SET (or SET LOCAL) from inside a statement, answering the value now in force."""
        if name is None:
            raise PgError("22004", "SET requires parameter name")
        if value is None:
            self.reset(str(name))
            if "." in str(name):
                self.placeholders.add(str(name).lower())
            return self.setting(str(name), True)
        if is_local and not self.in_tx:
            # the statement's own transaction ends with it, and the value with that (no warning here,
            # unlike SET LOCAL)
            if str(name).lower() == "timezone":
                # PostgreSQL prints the statement's own timestamptz results in that zone
                raise unsupported("set_config('TimeZone', ..., true) outside a transaction block")
            stored = check_setting(str(name), str(value))
            if "." in str(name):
                self.placeholders.add(str(name).lower())
            return stored
        self.set(str(name), str(value), bool(is_local))
        return self.setting(str(name), True)

    def set(self, name: str, value: str, local: bool = False) -> None:
        stored = check_setting(name, value)
        low = name.lower()
        if low in ("transaction_isolation",) and not self.in_tx:
            return  # SET TRANSACTION outside a block has no effect, as in PostgreSQL (with a warning)
        if local and not self.in_tx:
            self.notice("25P01", "SET LOCAL can only be used in transaction blocks", "WARNING")
            return
        if self.in_tx:
            kept = self._kept_settings()
            if not local:
                kept[low] = stored
        self.settings[low] = stored
        if "." in low:
            self.placeholders.add(low)
        canonical = SETTINGS.get(low, (name, ""))[0]
        if canonical in REPORTED:
            self.changed_settings.append(canonical)

    def reset(self, name: str) -> None:
        if name.lower() == "all":
            if self.in_tx:
                self._kept_settings().clear()
                self._kept_settings().update(self.startup_settings)
            self._restore_settings(dict(self.startup_settings))
            return
        low = name.lower()
        if low not in SETTINGS and "." not in name:
            raise PgError("42704", f'unrecognized configuration parameter "{name}"')
        start = self.startup_settings.get(low)
        if self.in_tx:
            kept = self._kept_settings()
            kept.pop(low, None)
            if start is not None:
                kept[low] = start
        before = self.settings.pop(low, None)
        if start is not None:
            self.settings[low] = start
        canonical = SETTINGS.get(low, (name, ""))[0]
        if canonical in REPORTED and before != self.settings.get(low):
            self.changed_settings.append(canonical)

    def reset_value(self, name: str) -> str:
        """The value RESET gives `name`: the session's startup value, else the server's default."""
        low = name.lower()
        return self.startup_settings.get(low) or SETTINGS[low][1]

    def _kept_settings(self) -> dict[str, str]:
        """The settings a COMMIT of the current block keeps, noting the block's starting ones first."""
        if self.block_settings is None:
            self.block_settings = (dict(self.settings), dict(self.settings))
        return self.block_settings[1]

    def _restore_settings(self, values: dict[str, str]) -> None:
        for low in set(values) | set(self.settings):
            canonical = SETTINGS.get(low, (low, ""))[0]
            if canonical in REPORTED and values.get(low) != self.settings.get(low):
                self.changed_settings.append(canonical)  # ParameterStatus with the value in force again
        self.settings.clear()
        self.settings.update(values)

    def discard(self) -> None:
        if self.in_tx:
            raise PgError("25001", "DISCARD ALL cannot run inside a transaction block")
        self._restore_settings(dict(self.startup_settings))
        self.cursors.clear()
        self.currvals.clear()
        self.lastval = None
        self.deallocate(None)

    def deallocate(self, name: str | None) -> None:
        if self.on_deallocate is not None:
            self.on_deallocate(name)

    def notice(self, sqlstate: str, message: str, severity: str = "NOTICE", detail: str | None = None) -> None:
        from .errors import clean_text
        self.notices.append((severity, sqlstate, clean_text(message) or "", clean_text(detail)))  # relations by bare name

    # -- time and sequences (read by SQL functions) ------------------------------
    def now(self) -> str:
        """now(): the start of the transaction (of the statement, outside a block), formatted on demand."""
        if self.tx_time is None:
            self.tx_time = fmt_timestamptz(dt.datetime.now(dt.timezone.utc))
        return self.tx_time

    def statement_time(self) -> str:
        """statement_timestamp(): now() when the statement is its own transaction; inside a block the
        statement's own start, which its first call stands for (later than now(), as in PostgreSQL)."""
        if not self.in_tx or self.implicit:
            return self.now()
        if self.stmt_time is None:
            self.stmt_time = fmt_timestamptz(dt.datetime.now(dt.timezone.utc))
        return self.stmt_time

    # -- pg_sleep that parks the connection instead of the server's loop ------------------
    def park_sleep(self, seconds: float) -> str:
        """pg_sleep(seconds) in a statement that may park: a call an earlier run already waited out
        returns at once; the next one raises SleepPending so the server parks the connection for
        it (no longer than statement_timeout allows) and runs the statement again."""
        state = self.sleep
        if state is None:
            state = self.sleep = SleepState(self.statement_deadline, self.now())
        index = state.calls
        state.calls += 1
        if index < state.done:
            return ""
        if state.error is not None:
            raise state.error
        now = time.monotonic()
        if state.deadline is not None and now + seconds > state.deadline:
            state.pending, state.expires = max(0.0, state.deadline - now), True
        else:
            state.pending = seconds
        raise SleepPending()

    def sleep_over(self) -> None:
        """The parked wait ended: the next run passes the call, or fails at it with statement_timeout."""
        state = self.sleep
        if state is None:
            return
        state.pending, state.timer, state.calls = None, None, 0
        if state.error is None:
            if state.expires:
                state.error = PgError("57014", "canceling statement due to statement timeout")
            else:
                state.done += 1

    def cancel_sleep(self) -> bool:
        """A cancel request: the parked pg_sleep fails with 57014 on the next run (the server runs
        it at once); False when no sleep is parked."""
        state = self.sleep
        if state is None or state.pending is None:
            return False
        state.error = PgError("57014", "canceling statement due to user request")
        return True

    def seen_sequence(self, name: str, value: int, generation: int) -> None:
        self.currvals[name] = (generation, value)
        self.lastval = value

    # -- execution -------------------------------------------------------------
    def execute(self, plan: Plan, params: list | tuple = ()) -> Result:
        db = self.db
        if plan.tx is not None:
            return self._tx_control(plan)
        if self.failed:
            raise PgError(*FAILED_TRANSACTION)
        if plan.kind == "empty":
            return Result("")
        if plan.kind == "utility":
            try:
                self.db.path = self.schema_path()
                rows = plan.run(self, None, params)
            except PgError:
                self._fail()
                raise
            return Result(plan.tag, plan.columns, rows or [])
        if plan.kind == "cursor":
            try:
                return plan.run(self, None, params)
            except PgError:
                self._fail()
                raise
        if plan.sleeps is not None:
            self.sleep_parks = plan.sleeps == "park"
        if len(params) != plan.nparams:
            raise PgError("08P01", f"bind message supplies {len(params)} parameters, but prepared statement "
                                   f'"" requires {plan.nparams}')
        if plan.writes and db.owner is not None and db.owner is not self:
            raise self._blocked()
        db._current = self
        RUNNING.session = self
        if not self.in_tx:
            self.tx_time = None if self.sleep is None else self.sleep.tx_time
        else:
            self.stmt_time = None
        try:
            if plan.writes:
                if self.in_tx:
                    if self.write_cm is None:
                        self._acquire()
                    return self._run(plan, db.wconn, params)
                try:
                    with db.shard.write() as tx:
                        db.owner = self
                        return self._run(plan, tx.conn, params)
                finally:
                    db.release_writer()
            conn = db.wconn if self.write_cm is not None else db.reader(hold=not plan.advances_sequences)
            return self._run(plan, conn, params)
        except ShardBusy as e:
            if not self.lock_wait_over:
                raise self._blocked(elsewhere=True) from None
            raise self._failure(e, plan) from None
        except _MAPPED as e:
            raise self._failure(e, plan) from None
        finally:
            self._statement_done()

    def read(self, plan: Plan, params: list | tuple) -> list[tuple]:
        """The rows of a query (kind "query", not writing) as execute() would return them, by the
        shortest path: no Result, no branches for other kinds of statement. A query that needs
        those (nextval/setval, data-modifying WITH, a statement_timeout or the server's budgets) takes execute()."""
        if plan.advances_sequences or plan.steps is not None or "statement_timeout" in self.settings \
                or self.limits is not None:
            return self.execute(plan, params).rows
        if self.failed:
            raise PgError(*FAILED_TRANSACTION)
        db = self.db
        db._current = self
        RUNNING.session = self
        if not self.in_tx:
            self.tx_time = None if self.sleep is None else self.sleep.tx_time
        else:
            self.stmt_time = None
        try:
            if self.write_cm is not None:
                return db.wconn.execute(plan.sql, params).fetchall()
            db.reader()
            return db.read_cursor.execute(plan.sql, params).fetchall()
        except _MAPPED as e:
            raise self._failure(e, plan) from None
        finally:
            self._statement_done()

    def _statement_done(self) -> None:
        self.db._current = None
        if self.sleep_parks and (self.sleep is None or self.sleep.pending is None):
            self.sleep_parks = False  # the statement finished (or failed); a parked one keeps its progress
            self.sleep = None
        if self.pending_notifies and not self.in_tx:
            self._deliver()  # pg_notify() outside a block: its statement has committed

    def _failure(self, e: Exception, plan: Plan) -> PgError:
        """The PostgreSQL error a failed statement reports, after the session's failure bookkeeping."""
        if isinstance(e, PgError):
            err = e
        elif isinstance(e, apsw.Error):
            err = map_sqlite_error(e, plan)
        elif isinstance(e, decimal.InvalidOperation):
            # decimal's context refuses an exponent beyond its range where PostgreSQL's numeric would overflow
            err = PgError("22003", "value overflows numeric format")
        else:
            err = PgError("XX000", f"dotdo internal error: {type(e).__name__}: {e}")
        self._after_error(plan)
        return err

    def _after_error(self, plan: Plan) -> None:
        if not self.in_tx:
            self.pending_notifies = []  # pg_notify() of a statement that failed
        if plan.kind == "ddl" and not self.in_tx:
            self.db.reload_catalog()
        self._fail()

    def _fail(self) -> None:
        if self.in_tx:
            self.failed = True

    def schema_path(self) -> tuple[str, ...]:
        """The schemas unqualified names resolve in, in order: search_path's existing ones (kept
        until the setting or the catalog changes: every statement asks)."""
        from .schemas import BUILTIN, effective_path, parse_path
        value, version = self.setting("search_path") or "", self.db.catalog.version
        memo = self._path_memo
        if memo is not None and memo[0] == value and memo[1] == version:
            return memo[2]
        names = parse_path(value)
        path = tuple(s for s in effective_path(tuple(names), self.user, self.db.catalog.schema_names())
                     if s not in BUILTIN)
        self._path_memo = (value, version, path)
        return path

    def _run(self, plan: Plan, conn, params) -> Result:
        if plan.kind == "ddl":
            self.did_ddl = True
            self.db.path = self.schema_path()  # DDL resolves its names when it runs
            try:
                count = plan.run(self, conn, params)
            except BaseException:
                if self.in_tx:
                    self.db.reload_catalog()
                raise
            self.db._cache.clear()
            return Result(f"{plan.tag} {count or 0}" if plan.tag == "SELECT" else plan.tag)
        self.db.sequences.log = []
        timeout = self.settings.get("statement_timeout")
        if (timeout is not None and timeout != "0") or self.limits is not None:
            return self._run_with_budget(plan, conn, params, timeout)
        return self._run_sql(plan, conn, params)

    def _run_with_budget(self, plan: Plan, conn, params, timeout: str | None) -> Result:
        """statement_timeout and the server's budgets (`--max-query-time`, `--max-query-rows`): SQLite's
        progress handler counts the statement's VM steps and checks the clock, and interrupts the
        statement once a budget is spent (its changes roll back with it)."""
        limits = self.limits
        seconds = parse_ms("statement_timeout", timeout) / 1000 if timeout is not None and timeout != "0" else None
        if limits is not None and limits.seconds is not None:
            seconds = limits.seconds if seconds is None else min(seconds, limits.seconds)
        deadline = None if seconds is None else time.monotonic() + seconds
        steps = None if limits is None or limits.rows is None else limits.rows * STEPS_PER_ROW
        every = 2000 if steps is None else max(1, min(1000, steps // 16))  # the count is exact to 1/16
        calls_left = None if steps is None else steps // every
        over_rows = False

        def spent() -> bool:
            nonlocal calls_left, over_rows
            if calls_left is not None:
                calls_left -= 1
                if calls_left < 0:
                    over_rows = True
                    return True
            return deadline is not None and time.monotonic() > deadline

        conn.set_progress_handler(spent, every)
        self.statement_deadline = deadline
        try:
            return self._run_sql(plan, conn, params)
        except apsw.InterruptError:
            if self.in_tx and not conn.in_transaction:
                # SQLite rolls back the whole transaction when it interrupts a write: its savepoints
                # are gone, so ROLLBACK TO one says so (3B001) and the block stays failed until ROLLBACK.
                self.savepoints = []
                self.savepoint_settings = []
            if over_rows:
                raise PgError("54000", f"query exceeded the server's max-query-rows of {limits.rows}",  # type: ignore[union-attr]
                              hint="The statement examined more rows than the server allows; narrow it with an "
                                   "index or a WHERE clause, or ask the operator to raise --max-query-rows.") from None
            raise PgError("57014", "canceling statement due to statement timeout") from None
        finally:
            conn.set_progress_handler(None)
            self.statement_deadline = None

    def _run_sql(self, plan: Plan, conn, params) -> Result:
        if plan.steps is not None:
            return self._run_steps(plan, conn, params)
        try:
            rows = conn.execute(plan.sql, params).fetchall()
        except apsw.ConstraintError as e:
            if plan.kind == "dml":
                text = str(e)
                if "UNIQUE constraint failed" in text:
                    raise self._unique_violation(plan, conn, params, text) from None
                err = map_sqlite_error(e, plan)
                self._failing_row(plan, conn, params, err)
                raise err from None
            raise
        if plan.kind == "query":
            return Result(f"SELECT {len(rows)}", plan.columns, rows)
        n = len(rows) if plan.returning else conn.changes()
        tag = f"INSERT 0 {n}" if plan.tag == "INSERT" else f"{plan.tag} {n}"
        return Result(tag, plan.columns, rows)

    def _run_steps(self, plan: Plan, conn, params) -> Result:
        """Data-modifying WITH queries first, their RETURNING rows in temporary tables the main
        statement reads; all inside the caller's write transaction."""
        steps, own = plan.steps
        made = []
        try:
            for tmp, columns, sub in steps:
                result = self._run_sql(sub, conn, params[:sub.nparams])
                if columns:
                    defs = ", ".join(_quote(c) if isinstance(c, str) else f"{_quote(c[0])} {c[1]}" for c in columns)
                    conn.execute(f'CREATE TEMP TABLE "{tmp}" ({defs})')
                    made.append(tmp)
                    marks = ", ".join("?" * len(columns))
                    conn.executemany(f'INSERT INTO temp."{tmp}" VALUES ({marks})', result.rows)
            return self._run_sql(dataclasses.replace(plan, steps=None, nparams=own), conn, params[:own])
        finally:
            for tmp in made:
                conn.execute(f'DROP TABLE IF EXISTS temp."{tmp}"')

    def _failing_row(self, plan: Plan, conn, params, err: PgError) -> None:
        """Fill in PostgreSQL's "Failing row contains (...)" for a NOT NULL or CHECK violation."""
        from .ddl import check_sql
        table = self.db.catalog.tables.get(plan.table or "")
        if table is None:
            return
        if err.sqlstate == "23502" and err.column:
            cond = f'NEW."{err.column}" IS NULL'
        elif err.sqlstate == "23514" and err.constraint:
            c = next((c for c in table.constraints if bare(c.name) == err.constraint), None)  # err's is bare
            if c is None:
                return
            cond = f"NOT ({check_sql(self.db.translator(), table, c, row='NEW')})"
        else:
            return
        row = " || ', ' || ".join(f"coalesce(pg_out('{c.type.key}', NEW.\"{c.name}\"), 'null')" for c in table.columns)
        found = self._replay(plan, conn, params, table.name, cond, f"'Failing row contains (' || {row} || ').'")
        if found is not None:
            err.detail = found.detail

    def _replay(self, plan: Plan, conn, params, table: str, cond: str, detail_sql: str) -> PgError | None:
        """Re-run a failed statement in a savepoint with a trigger that raises at the first row
        matching `cond`, reporting `detail_sql` — only on the error path, never on success."""
        body = f"SELECT pg_raise('XX000', 'replay', {detail_sql});"
        found = None
        seqs = self.db.sequences
        try:
            conn.execute("SAVEPOINT _dotdo_replay")
            seqs.replaying = True
            try:
                for event in ("INSERT", "UPDATE"):
                    when = cond.replace("NEW.rowid", "OLD.rowid") if event == "UPDATE" else \
                        cond.replace(" AND x.rowid IS NOT NEW.rowid", "")
                    conn.execute(f'CREATE TEMP TRIGGER _dotdo_replay_{event[0]} BEFORE {event} ON main."{table}" '
                                 f"WHEN {when} BEGIN {body} END")
                conn.execute(plan.sql, params).fetchall()
            except PgError as e:
                found = e
            except apsw.Error:
                pass
            finally:
                seqs.replaying = False
                conn.execute("ROLLBACK TO _dotdo_replay")
                conn.execute("RELEASE _dotdo_replay")
        except apsw.Error:
            pass
        return found

    def _unique_violation(self, plan: Plan, conn, params, message: str) -> PgError:
        """23505 with PostgreSQL's detail: re-run the statement in a savepoint with a trigger that
        reports the first conflicting key (only on this error path)."""
        table = self.db.catalog.tables.get(plan.table or "")
        by_index = re.search(r"index '([^']+)'", message)  # SQLite names an expression index, not its columns
        if by_index and table is not None:
            ix = next((i for i in table.indexes if i.name == by_index.group(1)), None)
            if ix is not None:
                return self._index_violation(plan, conn, params, table, ix)
        cols = [c.split(".", 1)[1] for c in message.split(":", 1)[1].strip().split(", ")] if ":" in message else []
        name = table.unique_named(cols) if table else None
        err = PgError("23505", f'duplicate key value violates unique constraint "{name or "?"}"',
                      constraint=name, table=plan.table)
        if table is None or not cols:
            return err
        keys = [(c, f'"{_KEY_ROW}"."{c}"', table.column(c).type.key) for c in cols]
        return self._key_detail(plan, conn, params, table, err, keys)

    def _index_violation(self, plan: Plan, conn, params, table, ix) -> PgError:
        """23505 for a unique index with expression keys: "Key (lower(email))=(ann) already exists."."""
        from .ddl import index_key_sql
        err = PgError("23505", f'duplicate key value violates unique constraint "{ix.name}"',
                      constraint=ix.name, table=table.name)
        tr = self.db.translator()
        keys = []
        for i, name in enumerate(ix.columns):
            text = ix.expression(i)
            if text is None:
                keys.append((name, f'"{_KEY_ROW}"."{name}"', table.column(name).type.key))
            else:
                node, t = index_key_sql(tr, table, text, alias=_KEY_ROW)
                keys.append((name, node.sql("sqlite"), t.key if t is not None and t.key != "unknown" else "text"))
        return self._key_detail(plan, conn, params, table, err, keys)

    def _key_detail(self, plan: Plan, conn, params, table, err: PgError, keys: list[tuple[str, str, str]]) -> PgError:
        """Fill in err's "Key (...)=(...) already exists." by replaying the statement until a row's
        keys equal an existing row's; `keys` are (shown name, SQL over the _KEY_ROW alias, type)."""
        row = f'"{_KEY_ROW}".'
        matches = " AND ".join(f"{sql.replace(row, 'x.')} = {sql.replace(row, 'NEW.')}" for _, sql, _ in keys)
        values = " || ', ' || ".join(f"coalesce(pg_out('{key}', {sql.replace(row, 'NEW.')}), 'null')" for _, sql, key in keys)
        shown = ", ".join(name for name, _, _ in keys).replace("'", "''")
        cond = f'EXISTS (SELECT 1 FROM main."{table.name}" AS x WHERE {matches} AND x.rowid IS NOT NEW.rowid)'
        found = self._replay(plan, conn, params, table.name, cond, f"'Key ({shown})=(' || {values} || ') already exists.'")
        if found is not None:
            err.detail = found.detail
        return err

    # -- LISTEN / NOTIFY ---------------------------------------------------------------
    def listen(self, channel: str) -> None:
        self.db.notifications.listen(self, channel)

    def unlisten(self, channel: str) -> None:
        self.db.notifications.unlisten(self, channel)

    def notify(self, channel: str, payload: str) -> None:
        """Queue a notification; it is delivered when this transaction commits (at once outside one)."""
        if not channel:
            raise PgError("22023", "channel name cannot be empty")
        if len(payload.encode()) >= 8000:
            raise PgError("22023", "payload string too long")
        if (channel, payload) not in self.pending_notifies:  # PostgreSQL folds duplicates in a transaction
            self.pending_notifies.append((channel, payload))
        if not self.in_tx and self.db._current is None:  # NOTIFY itself; pg_notify() waits for its statement
            self._deliver()

    def _deliver(self) -> None:
        pending, self.pending_notifies = self.pending_notifies, []
        if pending:
            self.db.notifications.publish(self.pid, pending)

    # -- COPY ----------------------------------------------------------------------
    def copy_columns(self, plan: Plan) -> list[str]:
        spec = plan.copy
        if spec.table is None:
            return [n for n, _ in self.db.plans(spec.query, path=self.schema_path())[0].columns or []]
        table = self.db.catalog.tables.get(spec.table)
        if table is None:
            raise PgError("42P01", f'relation "{spec.table}" does not exist')
        return spec.columns or [c.name for c in table.columns]

    def copy_in(self, plan: Plan, data: bytes) -> int:
        """Rows of a COPY FROM STDIN, inserted in one transaction; returns the row count."""
        from .copy import parse_rows
        if self.failed:
            raise PgError(*FAILED_TRANSACTION)
        if self.db.owner is not None and self.db.owner is not self:
            raise self._blocked()
        spec = plan.copy
        cols = self.copy_columns(plan)
        names = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
        insert = self.db.plans(f'INSERT INTO "{spec.table}" ({names}) VALUES ({marks})', path=self.schema_path())[0]
        if spec.binary:
            from .copy import parse_binary_rows
            table = self.db.catalog.tables[spec.table]
            rows = parse_binary_rows(spec, data, [table.column(c).type.pg.oid for c in cols])
        else:
            rows = parse_rows(spec, data)
        implicit = not self.in_tx
        if implicit:
            self.begin_implicit()
        try:
            if self._copy_fast(insert, rows, len(cols)):
                if implicit:
                    self.end_implicit(commit=True)
                return len(rows)
            for line, row in enumerate(rows, start=1 + int(spec.header)):
                if len(row) > len(cols):
                    raise PgError("22P04", "extra data after last expected column",
                                  detail=f"COPY {spec.table}, line {line}")
                if len(row) < len(cols):
                    raise PgError("22P04", f'missing data for column "{cols[len(row)]}"',
                                  detail=f"COPY {spec.table}, line {line}")
                self.execute(insert, row)
        except BaseException:
            if implicit:
                self.end_implicit(commit=False)
            raise
        if implicit:
            self.end_implicit(commit=True)
        return len(rows)

    def _copy_fast(self, insert: Plan, rows: list, width: int) -> bool:
        """All rows in one executemany inside a savepoint; False (nothing applied) if any row fails,
        so the row-by-row path can report the exact PostgreSQL error."""
        if not rows or any(len(r) != width for r in rows):
            return not rows
        if self.write_cm is None:
            self._acquire()
        conn = self.db.wconn
        self.db._current = self
        RUNNING.session = self
        self.db.sequences.log = []
        conn.execute("SAVEPOINT _dotdo_copy")
        try:
            conn.executemany(insert.sql, rows)
        except (apsw.Error, PgError):
            conn.execute("ROLLBACK TO _dotdo_copy")
            conn.execute("RELEASE _dotdo_copy")
            return False
        finally:
            self.db._current = None
        conn.execute("RELEASE _dotdo_copy")
        return True

    def copy_out(self, plan: Plan) -> tuple[int, list[bytes]]:
        from .copy import format_rows
        from .types import text_out
        spec = plan.copy
        if spec.query is not None:
            query = spec.query
        else:
            cols = self.copy_columns(plan)
            query = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{spec.table}"'
        select = self.db.plans(query, path=self.schema_path())[0]
        result = self.execute(select, ())
        from ..protocol.messages import resolve_types
        types = resolve_types(result.columns or [], result.rows)
        text_rows = [[None if v is None else text_out(t.key, v) for v, t in zip(r, types)] for r in result.rows]
        lines = format_rows(spec, text_rows)
        if spec.header:
            header = format_rows(spec, [[n for n, _ in result.columns or []]])
            lines = header + lines
        return len(types), lines

    # -- transactions ------------------------------------------------------------
    def begin_implicit(self) -> None:
        self.in_tx = True
        self.implicit = True
        self.failed = False

    def end_implicit(self, commit: bool) -> None:
        self.implicit = False
        if self.in_tx:
            try:
                self._end(commit=commit and not self.failed)
            except apsw.Error as e:
                raise map_sqlite_error(e, Plan("utility", "COMMIT")) from None

    def wait_limit(self) -> tuple[float, PgError] | None:
        """How long a statement may wait for the writer (another session's transaction) or another
        process's lock, and the error it then fails with: lock_timeout, or statement_timeout (which
        counts the wait too), whichever is shorter. On a tie the statement timeout wins: PostgreSQL
        starts its clock at the statement's start, before the lock wait's."""
        found = None
        for name, sqlstate, message in (
                ("statement_timeout", "57014", "canceling statement due to statement timeout"),
                ("lock_timeout", "55P03", "canceling statement due to lock timeout")):
            value = self.settings.get(name)
            if value is None or value == "0":
                continue
            seconds = parse_ms(name, value) / 1000
            if found is None or seconds < found[0]:
                found = (seconds, PgError(sqlstate, message))
        return found

    def _blocked(self, elsewhere: bool = False) -> Exception:
        """What a statement that must wait raises: WouldBlock (the connection parks and retries it),
        or, once the connection has found it waited too long, that error (aborting a block)."""
        err, self.wait_expired = self.wait_expired, None
        if err is None:
            return LockedElsewhere() if elsewhere else WouldBlock()
        self._fail()
        return err

    def _acquire(self) -> None:
        db = self.db
        cm = db.shard.write()
        try:
            cm.__enter__()
        except ShardBusy:
            if self.lock_wait_over:
                raise
            raise self._blocked(elsewhere=True) from None
        self.write_cm = cm
        db.owner = self
        for sp in self.savepoints:
            db.wconn.execute(f'SAVEPOINT "{sp}"')

    def _end(self, commit: bool) -> None:
        cm, self.write_cm = self.write_cm, None
        reload = self.did_ddl and not commit
        if not commit:
            self.pending_notifies = []
        try:
            if cm is not None:
                if commit:
                    cm.__exit__(None, None, None)
                else:
                    cm.__exit__(PgError, PgError("00000", "rollback"), None)
        finally:
            block, self.block_settings = self.block_settings, None
            if block is not None:
                self._restore_settings(block[1] if commit else block[0])
            self.in_tx = False
            self.implicit = False
            self.failed = False
            self.savepoints = []
            if self.cursors:
                from .sql_cursors import end_of_transaction
                end_of_transaction(self, commit)
            self.savepoint_settings = []
            self.did_ddl = False
            self.tx_time = None
            self.settings.pop("transaction_isolation", None)
            if cm is not None:
                self.db.release_writer()
            if reload:
                self.db.reload_catalog()
        if commit and self.pending_notifies:
            self._deliver()

    def _tx_control(self, plan: Plan) -> Result:
        verb = plan.tx
        if verb == "begin":
            if self.implicit:  # BEGIN inside an implicit block makes it an explicit one
                self.implicit = False
                if plan.table:
                    self.settings["transaction_isolation"] = plan.table
                return Result("BEGIN")
            if self.in_tx:
                self.notice("25001", "there is already a transaction in progress", "WARNING")
            else:
                self.in_tx = True
                self.failed = False
                self.tx_time = fmt_timestamptz(dt.datetime.now(dt.timezone.utc))
                if plan.table:
                    self.settings["transaction_isolation"] = plan.table
            return Result("BEGIN")
        if verb == "commit":
            if not self.in_tx:
                self.notice("25P01", "there is no transaction in progress", "WARNING")
                return Result("COMMIT")
            failed = self.failed
            try:
                self._end(commit=not failed)
            except apsw.Error as e:
                raise map_sqlite_error(e, plan) from None
            return Result("ROLLBACK" if failed else "COMMIT")
        if verb == "rollback":
            if not self.in_tx:
                self.notice("25P01", "there is no transaction in progress", "WARNING")
            self._end(commit=False)
            return Result("ROLLBACK")
        name = plan.table or ""
        if verb == "savepoint":
            if not self.in_tx:
                raise PgError("25P01", "SAVEPOINT can only be used in transaction blocks")
            if self.failed:
                raise PgError(*FAILED_TRANSACTION)
            if self.db.owner is not None and self.db.owner is not self:
                raise self._blocked()
            if self.write_cm is None:
                self._acquire()
            self.db.wconn.execute(f'SAVEPOINT "{name}"')
            self.savepoints.append(name)
            block = self.block_settings
            self.savepoint_settings.append((dict(self.settings), dict(block[1]) if block is not None else None))
            return Result("SAVEPOINT")
        if verb in ("release", "rollback_to"):
            if not self.in_tx:
                word = "RELEASE SAVEPOINT" if verb == "release" else "ROLLBACK TO SAVEPOINT"
                raise PgError("25P01", f"{word} can only be used in transaction blocks")
            if verb == "release" and self.failed:
                raise PgError(*FAILED_TRANSACTION)
            if name not in self.savepoints:
                self.failed = True
                raise PgError("3B001", f'savepoint "{name}" does not exist')
            idx = len(self.savepoints) - 1 - self.savepoints[::-1].index(name)
            if verb == "release":
                self.db.wconn.execute(f'RELEASE "{name}"')
                self.savepoints = self.savepoints[:idx]
                self.savepoint_settings = self.savepoint_settings[:idx]
                return Result("RELEASE")
            self.db.wconn.execute(f'ROLLBACK TO "{name}"')
            self.savepoints = self.savepoints[: idx + 1]
            self.savepoint_settings = self.savepoint_settings[: idx + 1]
            if idx < len(self.savepoint_settings) and self.block_settings is not None:
                current, kept = self.savepoint_settings[idx]
                start = self.block_settings[0]
                self.block_settings = (start, dict(kept if kept is not None else start))
                self._restore_settings(current)
            self.failed = False
            if self.did_ddl:
                self.db.reload_catalog()
            return Result("ROLLBACK")
        raise PgError("XX000", f"unknown transaction verb {verb}")

    def close(self) -> None:
        self.unlisten("*")
        if self.write_cm is not None:
            self._end(commit=False)


def _missing_function(name: str) -> PgError:
    """SQLite found no function of this name: PostgreSQL's own built-ins are refused as unsupported."""
    from .pg_builtins import POSTGRES_FUNCTIONS
    if name in POSTGRES_FUNCTIONS:
        return unsupported(f"function {name}")
    return PgError("42883", f"function {name}() does not exist",
                   hint="No function matches the given name and argument types. You might need to add "
                        "explicit type casts.")


_SQLITE_ERRORS: list[tuple[re.Pattern, Callable[[re.Match, Plan], PgError]]] = [
    # (names may be keys of another schema, with SEP: PgError shows them bare)
    (re.compile(r"NOT NULL constraint failed: ([\w\x1f]+)\.(\w+)"),
     lambda m, p: PgError("23502", f'null value in column "{m.group(2)}" of relation "{m.group(1)}" violates '
                                   f"not-null constraint", table=m.group(1), column=m.group(2))),
    (re.compile(r"CHECK constraint failed: ([\w\x1f]+)"),
     lambda m, p: PgError("23514", f'new row for relation "{p.table}" violates check constraint "{m.group(1)}"',
                          constraint=m.group(1), table=p.table)),
    (re.compile(r"no such table:\s+(?:main\.)?(\S+)"), lambda m, p: PgError("42P01", f'relation "{m.group(1)}" does not exist')),
    (re.compile(r"no such column:\s+(?:\w+\.)?(\S+)"),
     lambda m, p: PgError("42703", f'column "{m.group(1)}" does not exist')),
    (re.compile(r"no such function: (\w+)"), lambda m, p: _missing_function(m.group(1).lower())),
    (re.compile(r"wrong number of arguments to function (\w+)"),
     lambda m, p: PgError("42883", f"function {m.group(1).lower()} does not exist with these arguments")),
    (re.compile(r"ambiguous column name: (?:\w+\.)?(\w+)"),
     lambda m, p: PgError("42702", f'column reference "{m.group(1)}" is ambiguous')),
    (re.compile(r"(\w+)\(\) may not be used as a window function"),
     lambda m, p: PgError("42809", f"OVER specified, but {_pg_function_name(m.group(1))} is not a window function "
                                   f"nor an aggregate function")),
    (re.compile(r"ORDER BY clause should come after (\w+) not before"),
     lambda m, p: PgError("42601", f'syntax error at or near "{m.group(1)}"')),
    (re.compile(r"HAVING clause on a non-aggregate query"),
     lambda m, p: PgError("0A000", "HAVING without GROUP BY is not supported by dotdo")),
    (re.compile(r"aggregate functions are not allowed in the GROUP BY clause"),
     lambda m, p: PgError("42803", "aggregate functions are not allowed in GROUP BY")),
    (re.compile(r"misuse of (aggregate|window) function (\w+)"),
     lambda m, p: PgError("42803", f"aggregate functions are not allowed here")),
    (re.compile(r"(\d+) values for (\d+) columns"),
     lambda m, p: PgError("42601", "INSERT has more expressions than target columns")),
    (re.compile(r"sub-select returns (\d+) columns"),
     lambda m, p: PgError("42601", "subquery must return only one column")),
    (re.compile(r"integer overflow"), lambda m, p: PgError("22003", "bigint out of range")),
    (re.compile(r"near \"(.*)\": syntax error"), lambda m, p: PgError("42601", f'syntax error at or near "{m.group(1)}"')),
    (re.compile(r"unrecognized token: \"(.*)\""), lambda m, p: PgError("42601", f'syntax error at or near "{m.group(1)}"')),
    (re.compile(r"incomplete input"), lambda m, p: PgError("42601", "syntax error at end of input")),
    # a row constructor where dotdo has no row value (a function's argument, CASE ...): PostgreSQL runs it
    (re.compile(r"row value misused"), lambda m, p: unsupported("a row value (ROW(...)) in this position")),
    (re.compile(r"no tables specified"), lambda m, p: PgError("42601", "SELECT * with no tables specified is not valid")),
    (re.compile(r"no such window: (\S+)"), lambda m, p: PgError("42704", f'window "{m.group(1)}" does not exist')),
    (re.compile(r"UNIQUE constraint failed"), lambda m, p: PgError("23505", "duplicate key value violates unique constraint")),
]


def _pg_function_name(sqlite_name: str) -> str:
    """The PostgreSQL name of a function as SQLite reports it (dotdo registers pg_<name>)."""
    name = sqlite_name.lower()
    return name[3:] if name.startswith("pg_") else name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def map_sqlite_error(e: apsw.Error, plan: Plan) -> PgError:
    text = str(e)
    for pattern, make in _SQLITE_ERRORS:
        m = pattern.search(text)
        if m:
            return make(m, plan)
    if isinstance(e, apsw.FullError) or "database or disk is full" in text:
        return PgError("53100", "could not extend file: No space left on device", hint="Check free disk space.")
    if isinstance(e, apsw.BusyError):
        return PgError("40001", "could not serialize access due to concurrent update")
    if isinstance(e, apsw.TooBigError):
        return PgError("54000", "value too large")
    return PgError("XX000", f"dotdo internal error: {text}")
