"""A stream's rows in a shard: entries, listpack-node bookkeeping, groups, consumers and PELs.

The key row's inline value holds the stream's metadata (last id, entries added, max deleted
id, length). Entries live in r_stream, one row each. r_stream_node follows the listpack nodes
Redis would have built (100 entries or 4096 bytes per node by default) so that approximate
trimming (MAXLEN ~ / MINID ~) removes exactly the entries Redis removes and XINFO reports the
same radix-tree figures. Group state lives in r_stream_group / _consumer / _pel.

Every id column is stored biased by -2**63 (see storage.py). Parameters of ordered statements are
written `+?` (LIMITs `?+0`) so SQLite does not re-prepare them per execution (dotdo_core/sqlite.py)."""
from __future__ import annotations

import struct
from typing import Iterable

from ...storage import Keyspace
from ..errors import RedisError
from .streams_ids import MAX_ID, MIN_ID, StreamID, U64, fmt

BIAS = 1 << 63
NODE_MAX_ENTRIES = 100  # stream-node-max-entries default
NODE_MAX_BYTES = 4096  # stream-node-max-bytes default
APPROX_LIMIT = 100 * NODE_MAX_ENTRIES

_META = struct.Struct(">6Q")
_LEN = struct.Struct(">I")

NOGROUP_XGROUP = "NOGROUP No such consumer group '{g}' for key name '{k}'"


def b(v: int) -> int:
    return v - BIAS


def ub(v: int) -> int:
    return v + BIAS


def bid(i: StreamID) -> tuple[int, int]:
    return i[0] - BIAS, i[1] - BIAS


def text(v: bytes) -> str:
    return v.decode("utf-8", "replace")


def pack_fields(items: Iterable[bytes]) -> bytes:
    out = bytearray()
    for item in items:
        out += _LEN.pack(len(item))
        out += item
    return bytes(out)


def unpack_fields(blob: bytes) -> list[bytes]:
    out = []
    i, n = 0, len(blob)
    while i < n:
        (size,) = _LEN.unpack_from(blob, i)
        i += 4
        out.append(blob[i : i + size])
        i += size
    return out


# -- listpack sizes (what Redis's node accounting sees) -------------------------------

def _backlen(n: int) -> int:
    if n <= 127:
        return 1
    if n < 16383:
        return 2
    if n < 2097151:
        return 3
    if n < 268435455:
        return 4
    return 5


def _lp_int(v: int) -> int:
    if 0 <= v <= 127:
        enc = 1
    elif -4096 <= v <= 4095:
        enc = 2
    elif -32768 <= v <= 32767:
        enc = 3
    elif -8388608 <= v <= 8388607:
        enc = 4
    elif -2147483648 <= v <= 2147483647:
        enc = 5
    else:
        enc = 9
    return enc + _backlen(enc)


def _lp_str(s: bytes) -> int:
    n = len(s)
    if 0 < n < 21:
        body = s[1:] if s[:1] == b"-" else s
        if body.isdigit() and (s == b"0" or body[:1] != b"0"):
            v = int(s)
            if -(1 << 63) <= v < (1 << 63):
                return _lp_int(v)
    enc = 1 + n if n < 64 else (2 + n if n < 4096 else 5 + n)
    return enc + _backlen(enc)


def _i64(v: int) -> int:
    v &= U64
    return v - (1 << 64) if v >= (1 << 63) else v


class Meta:
    __slots__ = ("last", "added", "maxdel", "length")

    def __init__(self, last: StreamID = MIN_ID, added: int = 0, maxdel: StreamID = MIN_ID, length: int = 0) -> None:
        self.last = last
        self.added = added
        self.maxdel = maxdel
        self.length = length

    def pack(self) -> bytes:
        return _META.pack(self.last[0], self.last[1], self.added, self.maxdel[0], self.maxdel[1], self.length)

    @classmethod
    def unpack(cls, raw: bytes | None) -> "Meta":
        if not raw:
            return cls()
        a, b_, c, d, e, f = _META.unpack(raw)
        return cls((a, b_), c, (d, e), f)


class Stream:
    """One stream key, seen through a Keyspace (writes need ks.tx)."""

    __slots__ = ("ks", "key", "sk", "meta", "_first")

    def __init__(self, ks: Keyspace, key: bytes, meta: Meta) -> None:
        self.ks = ks
        self.key = key
        self.sk = ks.sk(key)
        self.meta = meta
        self._first: StreamID | None | bool = False

    @classmethod
    def load(cls, ks: Keyspace, key: bytes) -> "Stream | None":
        e = ks.typed(key, "stream")
        if e is None:
            return None
        return cls(ks, key, Meta.unpack(e[1]))

    @classmethod
    def create(cls, ks: Keyspace, key: bytes) -> "Stream":
        meta = Meta()
        ks.create(key, "stream", meta.pack())
        return cls(ks, key, meta)

    def save(self, *, signal: bool = True) -> None:
        """Store the metadata; `signal` bumps the WATCH stamp (Redis signals XADD/XDEL/XTRIM, not XSETID)."""
        if signal:
            self.ks.set_value(self.key, self.meta.pack())
        else:
            self.ks.tx.execute(f"UPDATE {self.ks.kv.table} SET value = ? WHERE key = ?", (self.meta.pack(), self.sk))

    # -- entries -------------------------------------------------------------------
    @property
    def conn(self):
        return self.ks.conn

    def first_id(self) -> StreamID | None:
        if self._first is False:
            row = self.conn.execute(
                "SELECT ms, seq FROM r_stream WHERE key = +? ORDER BY ms, seq LIMIT 1", (self.sk,)
            ).fetchone()
            self._first = None if row is None else (ub(row[0]), ub(row[1]))
        return self._first  # type: ignore[return-value]

    def last_entry_id(self) -> StreamID | None:
        row = self.conn.execute(
            "SELECT ms, seq FROM r_stream WHERE key = +? ORDER BY ms DESC, seq DESC LIMIT 1", (self.sk,)
        ).fetchone()
        return None if row is None else (ub(row[0]), ub(row[1]))

    def exists(self, i: StreamID) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM r_stream WHERE key = ? AND ms = ? AND seq = ?", (self.sk, *bid(i))
        ).fetchone() is not None

    def get(self, i: StreamID) -> list | None:
        row = self.conn.execute(
            "SELECT fields FROM r_stream WHERE key = ? AND ms = ? AND seq = ?", (self.sk, *bid(i))
        ).fetchone()
        return None if row is None else [fmt(i), unpack_fields(row[0])]

    def range(self, start: StreamID, end: StreamID, count: int = 0, rev: bool = False) -> list[list]:
        """[[id, [f, v, ...]], ...] with start <= id <= end; count 0 = all."""
        return [entry for _, entry in self.range_with_ids(start, end, count, rev)]

    def range_with_ids(self, start: StreamID, end: StreamID, count: int = 0, rev: bool = False) -> list[tuple[StreamID, list]]:
        if start > end:
            return []
        order = "DESC" if rev else "ASC"
        sql = (
            f"SELECT ms, seq, fields FROM r_stream WHERE key = +? AND (ms, seq) >= (+?, +?) AND (ms, seq) <= (+?, +?) "
            f"ORDER BY ms {order}, seq {order}"
        )
        params: tuple = (self.sk, *bid(start), *bid(end))
        if count > 0:
            sql += " LIMIT ?+0"
            params += (count,)
        out = []
        for ms, seq, f in self.conn.execute(sql, params):
            i = (ub(ms), ub(seq))
            out.append((i, [fmt(i), unpack_fields(f)]))
        return out

    def append(self, i: StreamID, pairs: list[bytes]) -> None:
        """Add an entry (the caller checked i > last id) and account for it in the listpack nodes."""
        tx = self.ks.tx
        sk = self.sk
        names = pairs[0::2]
        values = pairs[1::2]
        numfields = len(names)
        totelelen = sum(len(x) for x in pairs)
        tail = tx.execute(
            "SELECT ms, seq, live, dead, bytes, fields FROM r_stream_node WHERE key = +? ORDER BY ms DESC, seq DESC LIMIT 1",
            (sk,),
        ).fetchone()
        if tail is not None and (tail[4] + totelelen >= NODE_MAX_BYTES or tail[2] + tail[3] >= NODE_MAX_ENTRIES):
            tail = None
        if tail is None:
            master = i
            same = True
            size = 7 + _lp_int(1) + _lp_int(0) + _lp_int(numfields) + sum(_lp_str(f) for f in names) + _lp_int(0)
        else:
            master = (ub(tail[0]), ub(tail[1]))
            same = unpack_fields(tail[5]) == names
            size = tail[4]
        size += _lp_int(2 if same else 0) + _lp_int(_i64(i[0] - master[0])) + _lp_int(_i64(i[1] - master[1]))
        if same:
            size += sum(_lp_str(v) for v in values) + _lp_int(numfields + 3)
        else:
            size += _lp_int(numfields) + sum(_lp_str(x) for x in pairs) + _lp_int(2 * numfields + 4)
        if tail is None:
            tx.execute(
                "INSERT INTO r_stream_node(key, ms, seq, last_ms, last_seq, live, dead, bytes, fields) VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?)",
                (sk, *bid(i), *bid(i), size, pack_fields(names)),
            )
        else:
            tx.execute(
                "UPDATE r_stream_node SET last_ms = ?, last_seq = ?, live = live + 1, bytes = ? WHERE key = ? AND ms = ? AND seq = ?",
                (*bid(i), size, sk, tail[0], tail[1]),
            )
        tx.execute("INSERT INTO r_stream(key, ms, seq, fields) VALUES (?, ?, ?, ?)", (sk, *bid(i), pack_fields(pairs)))
        m = self.meta
        m.last = i
        m.added += 1
        m.length += 1

    def delete(self, i: StreamID) -> bool:
        """XDEL of one id: True if it existed (leaves a tombstone in its node)."""
        tx = self.ks.tx
        tx.execute("DELETE FROM r_stream WHERE key = ? AND ms = ? AND seq = ?", (self.sk, *bid(i)))
        if tx.conn.changes() == 0:
            return False
        node = tx.execute(
            "SELECT ms, seq, live FROM r_stream_node WHERE key = +? AND (ms, seq) <= (+?, +?) ORDER BY ms DESC, seq DESC LIMIT 1",
            (self.sk, *bid(i)),
        ).fetchone()
        if node is not None:
            if node[2] <= 1:
                tx.execute("DELETE FROM r_stream_node WHERE key = ? AND ms = ? AND seq = ?", (self.sk, node[0], node[1]))
            else:
                tx.execute(
                    "UPDATE r_stream_node SET live = live - 1, dead = dead + 1 WHERE key = ? AND ms = ? AND seq = ?",
                    (self.sk, node[0], node[1]),
                )
        self.meta.length -= 1
        self._first = False
        return True

    def trim(self, maxlen: int | None, minid: StreamID | None, approx: bool, limit: int) -> int:
        """Redis's streamTrim over the node bookkeeping; returns entries removed."""
        tx = self.ks.tx
        sk = self.sk
        m = self.meta
        deleted = 0
        after: tuple[int, int] | None = None
        while True:
            if maxlen is not None and m.length <= maxlen:
                break
            if after is None:
                node = tx.execute(
                    "SELECT ms, seq, last_ms, last_seq, live, dead FROM r_stream_node WHERE key = +? ORDER BY ms, seq LIMIT 1", (sk,)
                ).fetchone()
            else:
                node = tx.execute(
                    "SELECT ms, seq, last_ms, last_seq, live, dead FROM r_stream_node WHERE key = +? AND (ms, seq) > (+?, +?) ORDER BY ms, seq LIMIT 1",
                    (sk, *after),
                ).fetchone()
            if node is None:
                break
            nms, nseq, lms, lseq, live, dead = node
            if limit and deleted + live > limit:
                break
            if maxlen is not None:
                remove = m.length - live >= maxlen
            else:
                remove = (ub(lms), ub(lseq)) < minid  # type: ignore[operator]
            if remove:
                tx.execute(
                    "DELETE FROM r_stream WHERE key = ? AND (ms, seq) >= (?, ?) AND (ms, seq) <= (?, ?)", (sk, nms, nseq, lms, lseq)
                )
                tx.execute("DELETE FROM r_stream_node WHERE key = ? AND ms = ? AND seq = ?", (sk, nms, nseq))
                m.length -= live
                deleted += live
                after = (nms, nseq)
                continue
            if approx:
                break
            if maxlen is not None:
                k = m.length - maxlen
                tx.execute(
                    "DELETE FROM r_stream WHERE key = +? AND (ms, seq) IN (SELECT ms, seq FROM r_stream WHERE key = +? AND (ms, seq) >= (+?, +?) ORDER BY ms, seq LIMIT ?+0)",
                    (sk, sk, nms, nseq, k),
                )
            else:
                tx.execute(
                    "DELETE FROM r_stream WHERE key = ? AND (ms, seq) >= (?, ?) AND (ms, seq) < (?, ?)", (sk, nms, nseq, *bid(minid))  # type: ignore[arg-type]
                )
            k = tx.conn.changes()
            if k:
                tx.execute(
                    "UPDATE r_stream_node SET live = live - ?, dead = dead + ? WHERE key = ? AND ms = ? AND seq = ?", (k, k, sk, nms, nseq)
                )
            m.length -= k
            deleted += k
            break
        if deleted:
            self._first = False
        return deleted

    def node_keys(self) -> list[bytes]:
        """The radix-tree keys Redis would hold: each node's master id, 128-bit big-endian."""
        return [
            struct.pack(">QQ", ub(ms), ub(seq))
            for ms, seq in self.conn.execute("SELECT ms, seq FROM r_stream_node WHERE key = +? ORDER BY ms, seq", (self.sk,))
        ]

    # -- consumer-group counters (Redis's lag bookkeeping) ---------------------------------
    def has_tombstones_from(self, start: StreamID) -> bool:
        m = self.meta
        if not m.length or m.maxdel == MIN_ID:
            return False
        first = self.first_id() or MIN_ID
        if first > m.maxdel:
            return False
        return start <= m.maxdel

    def estimate_read_counter(self, i: StreamID) -> int | None:
        """streamEstimateDistanceFromFirstEverEntry: the entries-read value of id, or None if unknown."""
        m = self.meta
        if not m.added:
            return 0
        if not m.length and i <= m.last:
            return m.added
        if i == m.last:
            return m.added
        if i > m.last:
            return None
        first = self.first_id() or MIN_ID
        if m.maxdel == MIN_ID or m.maxdel < first:
            if i < first:
                return m.added - m.length
            if i == first:
                return m.added - m.length + 1
        return None

    def lag(self, last: StreamID, entries_read: int | None) -> int | None:
        m = self.meta
        if not m.added:
            return 0
        if entries_read is not None and not self.has_tombstones_from(last):
            return m.added - entries_read
        estimate = self.estimate_read_counter(last)
        return None if estimate is None else m.added - estimate

    # -- groups --------------------------------------------------------------------
    def group(self, name: bytes) -> "Group | None":
        row = self.conn.execute(
            "SELECT last_ms, last_seq, entries_read FROM r_stream_group WHERE key = ? AND grp = ?", (self.sk, name)
        ).fetchone()
        if row is None:
            return None
        return Group(self, name, (ub(row[0]), ub(row[1])), row[2])

    def groups(self) -> list["Group"]:
        return [
            Group(self, g, (ub(a), ub(c)), er)
            for g, a, c, er in self.conn.execute(
                "SELECT grp, last_ms, last_seq, entries_read FROM r_stream_group WHERE key = +? ORDER BY grp", (self.sk,)
            )
        ]

    def group_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM r_stream_group WHERE key = ?", (self.sk,)).fetchone()[0]

    def add_group(self, name: bytes, last: StreamID, entries_read: int | None) -> None:
        self.ks.tx.execute(
            "INSERT INTO r_stream_group(key, grp, last_ms, last_seq, entries_read) VALUES (?, ?, ?, ?, ?)",
            (self.sk, name, *bid(last), entries_read),
        )

    def require_group(self, name: bytes) -> "Group":
        g = self.group(name)
        if g is None:
            raise RedisError(NOGROUP_XGROUP.format(g=text(name), k=text(self.key)))
        return g


class Group:
    __slots__ = ("stream", "name", "last", "entries_read")

    def __init__(self, stream: Stream, name: bytes, last: StreamID, entries_read: int | None) -> None:
        self.stream = stream
        self.name = name
        self.last = last
        self.entries_read = entries_read

    @property
    def _k(self) -> tuple[bytes, bytes]:
        return self.stream.sk, self.name

    def save(self) -> None:
        self.stream.ks.tx.execute(
            "UPDATE r_stream_group SET last_ms = ?, last_seq = ?, entries_read = ? WHERE key = ? AND grp = ?",
            (*bid(self.last), self.entries_read, *self._k),
        )

    def destroy(self) -> None:
        tx = self.stream.ks.tx
        for table in ("r_stream_group", "r_stream_consumer", "r_stream_pel"):
            tx.execute(f"DELETE FROM {table} WHERE key = ? AND grp = ?", self._k)

    def advance(self, i: StreamID) -> None:
        """Record delivery of entry i through '>' (Redis's entries_read bookkeeping)."""
        s = self.stream
        if i > self.last:
            if self.entries_read is not None and not s.has_tombstones_from(i):
                self.entries_read += 1
            elif s.meta.added:
                self.entries_read = s.estimate_read_counter(i)
            self.last = i

    # consumers
    def consumer_seen(self, name: bytes) -> int | None:
        row = self.stream.conn.execute(
            "SELECT seen_ms FROM r_stream_consumer WHERE key = ? AND grp = ? AND consumer = ?", (*self._k, name)
        ).fetchone()
        return None if row is None else row[0]

    def touch_consumer(self, name: bytes, now_ms: int) -> bool:
        """Create the consumer if missing and refresh its seen-time; True if created."""
        tx = self.stream.ks.tx
        tx.execute(
            "UPDATE r_stream_consumer SET seen_ms = ? WHERE key = ? AND grp = ? AND consumer = ?", (now_ms, *self._k, name)
        )
        if tx.conn.changes():
            return False
        tx.execute(
            "INSERT INTO r_stream_consumer(key, grp, consumer, seen_ms) VALUES (?, ?, ?, ?)", (*self._k, name, now_ms)
        )
        return True

    def create_consumer(self, name: bytes, now_ms: int) -> bool:
        if self.consumer_seen(name) is not None:
            return False
        self.stream.ks.tx.execute(
            "INSERT INTO r_stream_consumer(key, grp, consumer, seen_ms) VALUES (?, ?, ?, ?)", (*self._k, name, now_ms)
        )
        return True

    def delete_consumer(self, name: bytes) -> int:
        """Remove a consumer and its pending entries; returns how many were pending."""
        if self.consumer_seen(name) is None:
            return 0
        tx = self.stream.ks.tx
        pending = self.pending_count(name)
        tx.execute("DELETE FROM r_stream_pel WHERE key = ? AND grp = ? AND consumer = ?", (*self._k, name))
        tx.execute("DELETE FROM r_stream_consumer WHERE key = ? AND grp = ? AND consumer = ?", (*self._k, name))
        return pending

    def consumers(self) -> list[tuple[bytes, int]]:
        return list(
            self.stream.conn.execute(
                "SELECT consumer, seen_ms FROM r_stream_consumer WHERE key = +? AND grp = +? ORDER BY consumer", self._k
            )
        )

    def consumer_count(self) -> int:
        return self.stream.conn.execute(
            "SELECT count(*) FROM r_stream_consumer WHERE key = ? AND grp = ?", self._k
        ).fetchone()[0]

    # pending entries
    def pending_count(self, consumer: bytes | None = None) -> int:
        if consumer is None:
            return self.stream.conn.execute("SELECT count(*) FROM r_stream_pel WHERE key = ? AND grp = ?", self._k).fetchone()[0]
        return self.stream.conn.execute(
            "SELECT count(*) FROM r_stream_pel WHERE key = ? AND grp = ? AND consumer = ?", (*self._k, consumer)
        ).fetchone()[0]

    def pending(self, start: StreamID = MIN_ID, end: StreamID = MAX_ID, count: int = 0, consumer: bytes | None = None) -> list[tuple[StreamID, bytes, int, int]]:
        """[(id, consumer, delivered_ms, deliveries)] in id order."""
        sql = "SELECT ms, seq, consumer, delivered_ms, deliveries FROM r_stream_pel WHERE key = +? AND grp = +?"
        params: tuple = self._k
        if consumer is not None:
            sql = sql.replace("r_stream_pel WHERE", "r_stream_pel INDEXED BY r_stream_pel_by_consumer WHERE")
            sql += " AND consumer = +?"
            params += (consumer,)
        sql += " AND (ms, seq) >= (+?, +?) AND (ms, seq) <= (+?, +?) ORDER BY ms, seq"
        params += (*bid(start), *bid(end))
        if count > 0:
            sql += " LIMIT ?+0"
            params += (count,)
        return [((ub(a), ub(c)), who, t, n) for a, c, who, t, n in self.stream.conn.execute(sql, params)]

    def pending_entry(self, i: StreamID) -> tuple[bytes, int, int] | None:
        row = self.stream.conn.execute(
            "SELECT consumer, delivered_ms, deliveries FROM r_stream_pel WHERE key = ? AND grp = ? AND ms = ? AND seq = ?",
            (*self._k, *bid(i)),
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def pending_edges(self) -> tuple[StreamID, StreamID] | None:
        lo = self.stream.conn.execute(
            "SELECT ms, seq FROM r_stream_pel WHERE key = +? AND grp = +? ORDER BY ms, seq LIMIT 1", self._k
        ).fetchone()
        if lo is None:
            return None
        hi = self.stream.conn.execute(
            "SELECT ms, seq FROM r_stream_pel WHERE key = +? AND grp = +? ORDER BY ms DESC, seq DESC LIMIT 1", self._k
        ).fetchone()
        return (ub(lo[0]), ub(lo[1])), (ub(hi[0]), ub(hi[1]))

    def pending_by_consumer(self) -> list[tuple[bytes, int]]:
        return list(
            self.stream.conn.execute(
                "SELECT consumer, count(*) FROM r_stream_pel WHERE key = +? AND grp = +? GROUP BY consumer ORDER BY consumer", self._k
            )
        )

    def set_pending(self, i: StreamID, consumer: bytes, delivered_ms: int, deliveries: int) -> None:
        self.stream.ks.tx.execute(
            "INSERT OR REPLACE INTO r_stream_pel(key, grp, ms, seq, consumer, delivered_ms, deliveries) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*self._k, *bid(i), consumer, delivered_ms, deliveries),
        )

    def ack(self, i: StreamID) -> bool:
        tx = self.stream.ks.tx
        tx.execute("DELETE FROM r_stream_pel WHERE key = ? AND grp = ? AND ms = ? AND seq = ?", (*self._k, *bid(i)))
        return tx.conn.changes() > 0
