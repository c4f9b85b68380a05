"""dotdo-mongo: `from dotdo_mongo import MongoClient` gives a genuine pymongo client bound to
MongoDB semantics on sharded SQLite."""
from .client import AsyncMongoClient, MongoClient

__all__ = ["MongoClient", "AsyncMongoClient"]
