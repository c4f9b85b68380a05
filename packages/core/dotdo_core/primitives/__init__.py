"""Data-model primitives, each a small module over a shard's SQLite database.

Every method takes the connection to use (a `Tx` for writes, a reader for reads), so an
engine can compose several primitives inside one atomic transaction."""
