"""The server's cache of logical sessions: which session ids were used and when (for
$listLocalSessions and endSessions). Sessions hold no other state here: a standalone server has
no transactions or retryable-write records."""
from __future__ import annotations

import datetime
import hashlib
import time
from typing import Any

from bson import Binary

TIMEOUT_S = 30 * 60  # logicalSessionTimeoutMinutes
NO_USER_UID = Binary(hashlib.sha256(b"").digest(), 0)  # without authentication every session's uid is sha256("")


class Sessions:
    def __init__(self) -> None:
        self._last_use: dict[bytes, tuple[Any, float]] = {}

    def touch(self, lsid: Any) -> None:
        sid = lsid.get("id") if isinstance(lsid, dict) else None
        if sid is not None:
            self._last_use[bytes(sid)] = (sid, time.time())

    def end(self, lsids: list) -> None:
        for lsid in lsids:
            sid = lsid.get("id") if isinstance(lsid, dict) else None
            if sid is not None:
                self._last_use.pop(bytes(sid), None)

    def listing_ids(self) -> list[tuple[Any, float]]:
        """(session id, last use) of every session in the cache."""
        return list(self._last_use.values())

    def listing(self) -> list[dict]:
        now = time.time()
        out = []
        for key, (sid, at) in list(self._last_use.items()):
            if now - at > TIMEOUT_S:
                del self._last_use[key]
                continue
            out.append({"_id": {"id": sid, "uid": NO_USER_UID},
                        "lastUse": datetime.datetime.fromtimestamp(at, datetime.timezone.utc)})
        return out
