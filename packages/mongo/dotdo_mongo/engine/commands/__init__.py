"""Command handlers, one module per command group; importing this package registers them all."""
from . import admin, aggregate, auth, ddl, explain, indexes, read, transaction, write  # noqa: F401
