"""Command handlers, one module per command group; importing this package registers them all."""
from . import admin, aggregate, ddl, explain, indexes, read, transaction, write  # noqa: F401
