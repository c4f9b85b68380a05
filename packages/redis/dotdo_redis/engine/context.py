"""What a command function is handed."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..storage import Keyspace
    from . import Engine
    from .session import Session


class Ctx:
    __slots__ = ("engine", "session", "ks", "now_ms", "argv", "in_batch")

    def __init__(self, engine: "Engine", session: "Session", ks: "Keyspace | None", now_ms: int, argv: list[bytes], in_batch: bool) -> None:
        self.engine = engine
        self.session = session
        self.ks = ks
        self.now_ms = now_ms
        self.argv = argv
        # Inside MULTI/EXEC, a script or a pipeline batch, blocking commands must not block.
        self.in_batch = in_batch

    @property
    def db(self) -> int:
        return self.session.db
