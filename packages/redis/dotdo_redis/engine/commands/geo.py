"""GEO commands, as Redis 7.0's geo.c answers them, over the sorted-set storage.

A geo key is a plain sorted set: each member's score is its 52-bit interleaved geohash (26 steps
of longitude and latitude bits, latitude in the even bits) over lon [-180, 180] and the Web
Mercator latitudes [-85.05112878, 85.05112878]. Positions read back are the centres of those
cells. A radius or box search works as Redis's does: pick a geohash precision from the size of
the area, read the centre cell and its 8 neighbours as score ranges (in that fixed order), keep
the points whose exact distance fits. Without ASC/DESC the reply keeps that scan order.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, RedisError
from ..registry import command
from ..replies import NULL_ARRAY, human_double
from .collection_helpers import score_arg
from .zsets import _score, _select, _store, zadd

LON_MIN, LON_MAX = -180.0, 180.0
LAT_MIN, LAT_MAX = -85.05112878, 85.05112878
STEP_MAX = 26  # 52 bits: what a double holds exactly
EARTH_RADIUS = 6372797.560856  # meters, as Redis's geohash_helper.c
MERCATOR_MAX = 20037726.37
D_R = math.pi / 180.0
GEOALPHABET = b"0123456789bcdefghjkmnpqrstuvwxyz"
UNITS = {b"m": 1.0, b"km": 1000.0, b"ft": 0.3048, b"mi": 1609.34}

BAD_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI"
BAD_MEMBER = "ERR could not decode requested zset member"

Area = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


# -- geohash bits -----------------------------------------------------------------------------------

def _spread(v: int) -> int:
    """The 32 bits of v moved to the even bit positions of a 64-bit word."""
    out = 0
    for i in range(32):
        out |= ((v >> i) & 1) << (2 * i)
    return out


def _squash(v: int) -> int:
    """The even bits of v packed together (the inverse of _spread)."""
    out = 0
    for i in range(32):
        out |= ((v >> (2 * i)) & 1) << i
    return out


def _encode(lon: float, lat: float, step: int, lat_min: float = LAT_MIN, lat_max: float = LAT_MAX) -> int:
    """geohashEncode: the cell holding (lon, lat) at `step` bits per axis."""
    lat_off = (lat - lat_min) / (lat_max - lat_min) * (1 << step)
    lon_off = (lon - LON_MIN) / (LON_MAX - LON_MIN) * (1 << step)
    # C converts the offsets to uint32 by truncation
    return _spread(int(lat_off) & 0xFFFFFFFF) | (_spread(int(lon_off) & 0xFFFFFFFF) << 1)


def _decode(bits: int, step: int) -> Area:
    """geohashDecode: the bounds of a cell, computed in Redis's operation order."""
    ilat, ilon = _squash(bits), _squash(bits >> 1)
    cells = float(1 << step)
    lat_scale, lon_scale = LAT_MAX - LAT_MIN, LON_MAX - LON_MIN
    return (
        LON_MIN + (ilon * 1.0 / cells) * lon_scale,
        LON_MIN + ((ilon + 1) * 1.0 / cells) * lon_scale,
        LAT_MIN + (ilat * 1.0 / cells) * lat_scale,
        LAT_MIN + ((ilat + 1) * 1.0 / cells) * lat_scale,
    )


def score_to_lonlat(score: float) -> tuple[float, float]:
    """A member's position: the centre of its cell, kept inside the valid ranges."""
    lon_min, lon_max, lat_min, lat_max = _decode(int(score) & 0xFFFFFFFFFFFFFFFF, STEP_MAX)
    lon = min(max((lon_min + lon_max) / 2, LON_MIN), LON_MAX)
    lat = min(max((lat_min + lat_max) / 2, LAT_MIN), LAT_MAX)
    return lon, lat


def lonlat_to_score(lon: float, lat: float) -> int:
    return _encode(lon, lat, STEP_MAX)


def _move(bits: int, step: int, axis_mask: int, d: int) -> int:
    """geohash_move_x/_y: step one cell along one axis (wrapping at the edges). axis_mask
    selects the axis's bits (odd bits: longitude, even bits: latitude)."""
    other = bits & (~axis_mask & 0xFFFFFFFFFFFFFFFF)
    axis = bits & axis_mask
    shift = 64 - step * 2
    zz = ((~axis_mask) & 0xFFFFFFFFFFFFFFFF) >> shift  # the other axis's bits, all set
    if d > 0:
        axis = axis + (zz + 1)
    else:
        axis = (axis | zz) - (zz + 1)
    axis &= axis_mask >> shift
    return (axis | other) & 0xFFFFFFFFFFFFFFFF


_LON_BITS = 0xAAAAAAAAAAAAAAAA
_LAT_BITS = 0x5555555555555555


def _neighbour(bits: int, step: int, dx: int, dy: int) -> int:
    if dx:
        bits = _move(bits, step, _LON_BITS, dx)
    if dy:
        bits = _move(bits, step, _LAT_BITS, dy)
    return bits


# -- distances -------------------------------------------------------------------------------------

def _lat_distance(lat1: float, lat2: float) -> float:
    return EARTH_RADIUS * abs(lat2 * D_R - lat1 * D_R)


def distance(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine, with Redis's shortcut for equal longitudes (its digits differ slightly)."""
    v = math.sin((lon2 * D_R - lon1 * D_R) / 2)
    if v == 0.0:
        return _lat_distance(lat1, lat2)
    lat1r, lat2r = lat1 * D_R, lat2 * D_R
    u = math.sin((lat2r - lat1r) / 2)
    a = u * u + math.cos(lat1r) * math.cos(lat2r) * v * v
    return 2.0 * EARTH_RADIUS * math.asin(math.sqrt(a))


def _distance_reply(meters: float) -> bytes:
    return b"%.4f" % meters


# -- arguments -------------------------------------------------------------------------------------

def _lonlat_arg(lon_arg: bytes, lat_arg: bytes) -> tuple[float, float]:
    """extractLongLatOrReply: two doubles, then the range check."""
    lon, lat = score_arg(lon_arg), score_arg(lat_arg)
    if not (LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX):
        raise RedisError("ERR invalid longitude,latitude pair %s,%s" % ("%f" % lon, "%f" % lat))
    return lon, lat


def _unit_arg(arg: bytes) -> float:
    conversion = UNITS.get(arg.lower())
    if conversion is None:
        raise RedisError(BAD_UNIT)
    return conversion


def _double_arg(arg: bytes, message: str) -> float:
    try:
        return score_arg(arg)
    except RedisError:
        raise RedisError(message) from None


def _zset(ctx: Ctx, key: bytes) -> bool:
    """Whether `key` holds a sorted set; WRONGTYPE for any other type."""
    return ctx.ks.typed(key, "zset") is not None


def _member_lonlat(ctx: Ctx, key: bytes, member: bytes) -> tuple[float, float] | None:
    score = _score(ctx, key, member)
    return None if score is None else score_to_lonlat(score)


# -- GEOADD, GEOPOS, GEODIST, GEOHASH ------------------------------------------------------------

@command("geoadd", arity=-5, flags="write denyoom")
def geoadd(ctx: Ctx, key: bytes, *args: bytes):
    i = 0
    while i < len(args) and args[i].lower() in (b"nx", b"xx", b"ch"):
        i += 1
    opts, rest = args[:i], args[i:]
    lowered = {o.lower() for o in opts}
    if len(rest) % 3 or {b"nx", b"xx"} <= lowered:
        raise RedisError(SYNTAX)
    # every pair is checked before ZADD runs: an invalid one adds nothing
    pairs: list[bytes] = []
    for j in range(0, len(rest), 3):
        lon, lat = _lonlat_arg(rest[j], rest[j + 1])
        pairs += [b"%d" % lonlat_to_score(lon, lat), rest[j + 2]]
    return zadd(ctx, key, *opts, *pairs)


@command("geopos", arity=-2, flags="readonly")
def geopos(ctx: Ctx, key: bytes, *members: bytes):
    exists = _zset(ctx, key)
    out: list = []
    for member in members:
        pos = _member_lonlat(ctx, key, member) if exists else None
        out.append(NULL_ARRAY if pos is None else [human_double(pos[0]), human_double(pos[1])])
    return out


@command("geodist", arity=-4, flags="readonly")
def geodist(ctx: Ctx, key: bytes, a: bytes, b: bytes, *unit: bytes):
    if len(unit) > 1:
        raise RedisError(SYNTAX)
    conversion = _unit_arg(unit[0]) if unit else 1.0
    if not _zset(ctx, key):
        return None
    pa, pb = _member_lonlat(ctx, key, a), _member_lonlat(ctx, key, b)
    if pa is None or pb is None:
        return None
    return _distance_reply(distance(*pa, *pb) / conversion)


def _standard_geohash(score: float) -> bytes:
    """The 11-character geohash of the usual scheme, whose latitudes span -90..90 (Redis's own
    span stops at ±85.05), so the position is re-encoded; the 11th character has no bits."""
    lon, lat = score_to_lonlat(score)
    bits = _encode(lon, lat, STEP_MAX, -90.0, 90.0)
    chars = [GEOALPHABET[(bits >> (52 - (i + 1) * 5)) & 0x1F] for i in range(10)]
    return bytes(chars) + GEOALPHABET[:1]


@command("geohash", arity=-2, flags="readonly")
def geohash(ctx: Ctx, key: bytes, *members: bytes):
    exists = _zset(ctx, key)
    out: list = []
    for member in members:
        score = _score(ctx, key, member) if exists else None
        out.append(None if score is None else _standard_geohash(score))
    return out
