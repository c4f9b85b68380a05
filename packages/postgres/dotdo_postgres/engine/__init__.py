"""The PostgreSQL engine: statements in, PostgreSQL answers out, data in one SQLite shard."""
from .database import Database
from .errors import PgError
from .session import LockedElsewhere, Result, Session, WouldBlock

__all__ = ["Database", "LockedElsewhere", "PgError", "Result", "Session", "WouldBlock"]
