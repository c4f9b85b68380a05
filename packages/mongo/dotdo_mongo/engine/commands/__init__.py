"""Command handlers, one module per command group; importing this package registers them all."""
from . import admin, ddl, indexes, read, write, aggregate  # noqa: F401
