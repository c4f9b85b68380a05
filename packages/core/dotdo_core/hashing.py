"""Stable key → shard mappings. A namespace records which one it uses, so reopening never moves a key."""
from __future__ import annotations

import zlib
from typing import Callable

REDIS_SLOTS = 16384


def _crc16_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


_CRC16 = _crc16_table()


def crc16(data: bytes) -> int:
    """CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16[((crc >> 8) ^ byte) & 0xFF]
    return crc


def redis_slot(key: bytes) -> int:
    """Redis Cluster's hash slot: CRC16 of the key, or of the first non-empty `{tag}` in it."""
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    return crc16(key) % REDIS_SLOTS


def _slot_shard(key: bytes, shards: int) -> int:
    # Contiguous slot ranges per shard, as a cluster assigns them.
    return redis_slot(key) * shards // REDIS_SLOTS


def _crc32_shard(key: bytes, shards: int) -> int:
    return zlib.crc32(key) % shards


HASHES: dict[str, Callable[[bytes, int], int]] = {
    "redis-slot": _slot_shard,
    "crc32": _crc32_shard,
}
