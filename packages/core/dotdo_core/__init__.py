"""dotdo-core: the sharded SQLite store, change feeds, primitives and server runtime every drop-in builds on."""
from .runtime import Front, Listener, Runtime
from .shard import Shard, Tx
from .store import MEMORY, Namespace, NamespaceError, Store, resolve_path

__all__ = ["Front", "Listener", "MEMORY", "Namespace", "NamespaceError", "Runtime", "Shard", "Store", "Tx", "resolve_path"]
__version__ = "0.1.0"
