"""TTL indexes: documents whose indexed date (or, in a clustered collection created with
`expireAfterSeconds`, whose `_id` date) is older than `expireAfterSeconds` are deleted by a
monitor that runs every `TTL_MONITOR_SLEEP_SECS` (MongoDB's ttlMonitorSleepSecs, 60 by default),
so — as in MongoDB — an expired document can linger until the next pass."""
from __future__ import annotations

import datetime
import logging
from typing import Any

from . import clustered
from .common.bsontypes import DATE
from .common.keys import encode, type_floor
from ..storage import decode

log = logging.getLogger("dotdo.mongo")
TTL_MONITOR_SLEEP_SECS = 60.0


def _expired(value: Any, cutoff: datetime.datetime) -> bool:
    """MongoDB expires on the earliest date in the field (a date or an array holding dates)."""
    dates = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, datetime.datetime)]
    if not dates:
        return False
    earliest = min(d if d.tzinfo else d.replace(tzinfo=datetime.timezone.utc) for d in dates)
    return earliest < cutoff


def purge_expired(engine, now: datetime.datetime | None = None) -> int:
    """One monitor pass over every database; returns how many documents were deleted."""
    from .common.paths import get_value

    now = now or datetime.datetime.now(datetime.timezone.utc)
    deleted = 0
    engine.follow_drops()  # databases another process dropped (and maybe made again) since the last command
    for db in engine.database_names():
        known = engine.opened_database(db)
        if known is not None and not known.base_shard.is_open:
            continue  # closed by the open-shard budget: swept after its next use, not reopened for this
        dbs = known or engine.database(db)
        if dbs is None or engine.transactions.held(dbs.key):  # a transaction holds its shard: next pass
            continue
        with dbs.shard.reader() as conn:
            rows = list(dbs.collection_rows(conn))
        for name, _, options, specs in rows:
            ttl = [s for s in specs if "expireAfterSeconds" in s]
            by_id = options.get("expireAfterSeconds") if clustered.is_clustered(options) else None
            if (not ttl and by_id is None) or "viewOn" in options:
                continue
            with dbs.shard.write() as tx:
                coll = engine.collection(db, name, tx.conn)
                if coll is None:
                    continue
                if by_id is not None:
                    deleted += _purge_by_id(coll, tx, now - datetime.timedelta(seconds=by_id))
                for spec in ttl:
                    (field, direction), = spec["key"].items()
                    cutoff = now - datetime.timedelta(seconds=spec["expireAfterSeconds"])
                    naive_cutoff = cutoff.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                    ascending = float(direction) > 0
                    lo, hi = (type_floor(DATE), encode(naive_cutoff)) if ascending else (None, None)
                    ids = {i for _, i in coll.docs.index_range(tx.conn, name, spec["name"], lo, hi,
                                                                hi_inclusive=False)}
                    for id_key in ids:
                        body = coll.docs.get(tx.conn, name, id_key)
                        if body is None:
                            continue
                        doc = decode(body)
                        if _expired(get_value(doc, field), cutoff):
                            coll.remove(tx, doc)
                            deleted += 1
    return deleted


def _purge_by_id(coll, tx, cutoff: datetime.datetime) -> int:
    """A clustered collection's TTL (create option expireAfterSeconds): documents whose `_id` is a
    date before `cutoff`, read in `_id` order — dates sort together — in chunks, so no cursor reads
    the table the deletes change."""
    stop = encode(cutoff.astimezone(datetime.timezone.utc).replace(tzinfo=None))
    after, deleted = type_floor(DATE), 0
    while True:
        chunk = list(coll.docs.scan(tx.conn, coll.name, after=after, limit=1000))
        for id_key, body in chunk:
            if id_key >= stop:
                return deleted
            coll.remove(tx, decode(body))
            deleted += 1
        if len(chunk) < 1000:
            return deleted
        after = chunk[-1][0]


def schedule(engine, loop) -> None:
    """Start the monitor on `loop` once per engine."""
    if getattr(engine, "_ttl_loop", None) is loop:
        return
    engine._ttl_loop = loop

    def tick() -> None:
        try:
            with engine.gate:
                purge_expired(engine)
        except Exception:  # a failed pass must not stop the monitor; the next pass retries
            log.exception("mongo: TTL monitor pass failed")
        loop.call_later(TTL_MONITOR_SLEEP_SECS, tick)

    loop.call_later(TTL_MONITOR_SLEEP_SECS, tick)
