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
from typing import Callable

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
    """The cell dx columns east and dy rows north of `bits` (each -1, 0 or 1)."""
    if dx:
        bits = _move(bits, step, _LON_BITS, dx)
    if dy:
        bits = _move(bits, step, _LAT_BITS, dy)
    return bits


# -- distances -------------------------------------------------------------------------------------

def _c_math(fn: Callable[[float], float], x: float) -> float:
    """C's libm answers NaN outside a function's domain (cos(inf), asin(1 + ε)); Python raises."""
    try:
        return fn(x)
    except ValueError:
        return math.nan


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
    return 2.0 * EARTH_RADIUS * _c_math(math.asin, math.sqrt(a))


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


# -- searching ---------------------------------------------------------------------------------------

@dataclass
class Shape:
    lon: float = 0.0
    lat: float = 0.0
    conversion: float = 1.0  # meters per unit
    radius: float = 0.0  # in units
    width: float = 0.0
    height: float = 0.0
    box: bool = False


@dataclass
class Search:
    """One GEOSEARCH / GEORADIUS call, parsed as georadiusGeneric parses it."""
    shape: Shape
    withdist: bool = False
    withhash: bool = False
    withcoord: bool = False
    any: bool = False
    sort: str = ""  # "", "asc" or "desc"
    count: int = 0  # 0: unlimited
    store: bytes | None = None
    storedist: bool = False
    from_member: bool = False
    from_lonlat: bool = False
    by_radius: bool = False
    by_box: bool = False


@dataclass
class Point:
    member: bytes
    score: float
    dist: float  # meters
    lon: float
    lat: float


def _bounds(shape: Shape) -> tuple[float, float, float, float]:
    """geohashBoundingBox: (min_lon, min_lat, max_lon, max_lat) around the centre. Meridians
    converge towards the poles, so the longitude span is taken on the side nearer the pole."""
    height = shape.conversion * (shape.height / 2 if shape.box else shape.radius)
    width = shape.conversion * (shape.width / 2 if shape.box else shape.radius)
    lat_delta = (height / EARTH_RADIUS) / D_R
    top = (width / EARTH_RADIUS / _c_math(math.cos, (shape.lat + lat_delta) * D_R)) / D_R
    bottom = (width / EARTH_RADIUS / _c_math(math.cos, (shape.lat - lat_delta) * D_R)) / D_R
    lon_delta = bottom if shape.lat < 0 else top
    return shape.lon - lon_delta, shape.lat - lat_delta, shape.lon + lon_delta, shape.lat + lat_delta


def _estimate_step(meters: float, lat: float) -> int:
    """geohashEstimateStepsByRadius: the coarsest precision whose cells still cover the radius."""
    if meters == 0:
        return STEP_MAX
    step = 1
    while meters < MERCATOR_MAX:
        meters *= 2
        step += 1
    step -= 2
    if lat > 66 or lat < -66:  # cells narrow towards the poles
        step -= 1
        if lat > 80 or lat < -80:
            step -= 1
    return min(max(step, 1), STEP_MAX)


# neighbour order of Redis's membersOfAllNeighbors: centre, N, S, E, W, NE, NW, SE, SW
_NEIGHBOURS = ((0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))


def _search_radius(shape: Shape) -> float:
    """The radius in meters the precision is chosen for: a box's half diagonal."""
    if not shape.box:
        return shape.radius * shape.conversion
    half_w, half_h = shape.width / 2, shape.height / 2
    return math.sqrt(half_w * half_w + half_h * half_h) * shape.conversion


def _cells(shape: Shape) -> list[tuple[int, int] | None]:
    """geohashCalculateAreasByShapeWGS84: the 9 cells (bits, step) to scan, None where a cell
    lies wholly outside the bounding box."""
    min_lon, min_lat, max_lon, max_lat = _bounds(shape)
    step = _estimate_step(_search_radius(shape), shape.lat)
    centre = _encode(shape.lon, shape.lat, step)
    # when a side neighbour does not reach the bounding box's edge, cells one step coarser do
    north = _decode(_neighbour(centre, step, 0, 1), step)
    south = _decode(_neighbour(centre, step, 0, -1), step)
    east = _decode(_neighbour(centre, step, 1, 0), step)
    west = _decode(_neighbour(centre, step, -1, 0), step)
    if step > 1 and (north[3] < max_lat or south[2] > min_lat or east[1] < max_lon or west[0] > min_lon):
        step -= 1
        centre = _encode(shape.lon, shape.lat, step)
    cells: list[tuple[int, int] | None] = [(_neighbour(centre, step, dx, dy), step) for dx, dy in _NEIGHBOURS]
    if step >= 2:
        # the centre cell already reaches past an edge of the box: the cells beyond are useless
        lon_lo, lon_hi, lat_lo, lat_hi = _decode(centre, step)
        for i, (dx, dy) in enumerate(_NEIGHBOURS):
            if (lat_lo < min_lat and dy < 0) or (lat_hi > max_lat and dy > 0) or \
                    (lon_lo < min_lon and dx < 0) or (lon_hi > max_lon and dx > 0):
                cells[i] = None
    return cells


def _within(shape: Shape, lon: float, lat: float) -> float | None:
    """The distance in meters from the centre if (lon, lat) is inside the shape."""
    if not shape.box:
        dist = distance(shape.lon, shape.lat, lon, lat)
        return None if dist > shape.radius * shape.conversion else dist
    if _lat_distance(lat, shape.lat) > shape.height * shape.conversion / 2:
        return None
    if distance(lon, lat, shape.lon, lat) > shape.width * shape.conversion / 2:
        return None
    return distance(shape.lon, shape.lat, lon, lat)


def _scan(ctx: Ctx, key: bytes, shape: Shape, limit: int) -> list[Point]:
    """membersOfAllNeighbors: each cell read as the score range it covers, in cell order, with
    a repeated cell skipped (huge radii make neighbours coincide); `limit` (ANY) stops early."""
    found: list[Point] = []
    last: tuple[int, int] | None = None
    for cell in _cells(shape):
        if cell is None or cell == last:
            continue
        if found and limit and len(found) >= limit:
            break
        bits, step = cell
        lo, hi = bits << (52 - step * 2), (bits + 1) << (52 - step * 2)
        for member, score in _select(ctx, key, " AND score >= +? AND score < +?", (lo, hi)):
            lon, lat = score_to_lonlat(score)
            dist = _within(shape, lon, lat)
            if dist is not None:
                found.append(Point(member, score, dist, lon, lat))
                if limit and len(found) >= limit:
                    break
        last = cell
    return found


# -- options ------------------------------------------------------------------------------------------

GEOSEARCH, GEOSEARCHSTORE, NOSTORE = 1, 2, 4  # flags of georadiusGeneric's callers


def _radius_args(shape: Shape, radius: bytes, unit: bytes) -> None:
    shape.radius = _double_arg(radius, "ERR need numeric radius")
    if shape.radius < 0:
        raise RedisError("ERR radius cannot be negative")
    shape.conversion = _unit_arg(unit)
    shape.box = False


def _box_args(shape: Shape, width: bytes, height: bytes, unit: bytes) -> None:
    shape.width = _double_arg(width, "ERR need numeric width")
    shape.height = _double_arg(height, "ERR need numeric height")
    if shape.width < 0 or shape.height < 0:
        raise RedisError("ERR height or width cannot be negative")
    shape.conversion = _unit_arg(unit)
    shape.box = True


def _count_arg(arg: bytes) -> int:
    count = to_int(arg)
    if count <= 0:
        raise RedisError("ERR COUNT must be > 0")
    return count


def _centre_of(ctx: Ctx, key: bytes, member: bytes, shape: Shape) -> None:
    pos = _member_lonlat(ctx, key, member)
    if pos is None:
        raise RedisError(BAD_MEMBER)
    shape.lon, shape.lat = pos


def _parse(ctx: Ctx, key: bytes, exists: bool, search: Search, args: tuple[bytes, ...], flags: int) -> None:
    """The option loop: left to right, the first bad option answers (FROMMEMBER's member is
    only looked up when the key exists; a missing key answers empty after parsing)."""
    shape = search.shape
    i = 0
    while i < len(args):
        word, left = args[i].lower(), len(args) - i - 1
        geosearch = bool(flags & GEOSEARCH)
        if word == b"withdist":
            search.withdist = True
        elif word == b"withhash":
            search.withhash = True
        elif word == b"withcoord":
            search.withcoord = True
        elif word == b"any":
            search.any = True
        elif word in (b"asc", b"desc"):
            search.sort = word.decode()
        elif word == b"count" and left >= 1:
            search.count = _count_arg(args[i + 1])
            i += 1
        elif word in (b"store", b"storedist") and left >= 1 and not flags & (NOSTORE | GEOSEARCH):
            search.store, search.storedist = args[i + 1], word == b"storedist"
            i += 1
        elif word == b"storedist" and flags & GEOSEARCHSTORE:
            search.storedist = True
        elif word == b"frommember" and left >= 1 and geosearch and not search.from_lonlat:
            if exists:
                _centre_of(ctx, key, args[i + 1], shape)
            search.from_member = True
            i += 1
        elif word == b"fromlonlat" and left >= 2 and geosearch and not search.from_member:
            shape.lon, shape.lat = _lonlat_arg(args[i + 1], args[i + 2])
            search.from_lonlat = True
            i += 2
        elif word == b"byradius" and left >= 2 and geosearch and not search.by_box:
            _radius_args(shape, args[i + 1], args[i + 2])
            search.by_radius = True
            i += 2
        elif word == b"bybox" and left >= 3 and geosearch and not search.by_radius:
            _box_args(shape, args[i + 1], args[i + 2], args[i + 3])
            search.by_box = True
            i += 3
        else:
            raise RedisError(SYNTAX)
        i += 1


def _check(search: Search, name: bytes, flags: int) -> None:
    """The checks Redis makes once all options are read."""
    if search.store is not None and (search.withdist or search.withhash or search.withcoord):
        what = "GEOSEARCHSTORE" if flags & GEOSEARCHSTORE else "STORE option in GEORADIUS"
        raise RedisError(f"ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
    if flags & GEOSEARCH and not (search.from_member or search.from_lonlat):
        raise RedisError(f"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name.decode(errors='replace')}")
    if flags & GEOSEARCH and not (search.by_radius or search.by_box):
        raise RedisError(f"ERR exactly one of BYRADIUS and BYBOX can be specified for {name.decode(errors='replace')}")
    if search.any and not search.count:
        raise RedisError("ERR the ANY argument requires COUNT argument")


# -- running a search ---------------------------------------------------------------------------------

def _results(ctx: Ctx, key: bytes, search: Search) -> list[Point]:
    """The points found, sorted and cut as Redis does: COUNT without ANY sorts nearest first."""
    points = _scan(ctx, key, search.shape, search.count if search.any else 0)
    sort = search.sort or ("asc" if search.count and not search.any else "")
    if sort:
        # a stable sort, like glibc's qsort (a merge sort) on equal distances
        points.sort(key=lambda p: p.dist, reverse=sort == "desc")
    return points[: search.count] if search.count else points


def _reply(search: Search, points: list[Point]) -> list:
    conversion = search.shape.conversion
    extra = search.withdist or search.withhash or search.withcoord
    out: list = []
    for p in points:
        if not extra:
            out.append(p.member)
            continue
        item: list = [p.member]
        if search.withdist:
            item.append(_distance_reply(p.dist / conversion))
        if search.withhash:
            item.append(int(p.score))
        if search.withcoord:
            item.append([human_double(p.lon), human_double(p.lat)])
        out.append(item)
    return out


def _save(ctx: Ctx, search: Search, points: list[Point]) -> int:
    """STORE / STOREDIST: the points as a sorted set scored by geohash or by distance (in the
    search's unit); nothing found deletes the destination."""
    conversion = search.shape.conversion
    pairs = [(p.member, p.dist / conversion if search.storedist else p.score) for p in points]
    return _store(ctx, search.store, pairs)


def _run(ctx: Ctx, key: bytes, search: Search, exists: bool, name: bytes, flags: int):
    _check(search, name, flags)
    if not exists:
        if search.store is not None:
            return _store(ctx, search.store, [])
        return []
    points = _results(ctx, key, search)
    if search.store is not None:
        return _save(ctx, search, points)
    return _reply(search, points)


def _georadius(ctx: Ctx, key: bytes, lon: bytes, lat: bytes, radius: bytes, unit: bytes,
               args: tuple[bytes, ...], flags: int):
    exists = _zset(ctx, key)
    search = Search(Shape())
    search.shape.lon, search.shape.lat = _lonlat_arg(lon, lat)
    _radius_args(search.shape, radius, unit)
    _parse(ctx, key, exists, search, args, flags)
    return _run(ctx, key, search, exists, ctx.argv[0], flags)


def _georadiusbymember(ctx: Ctx, key: bytes, member: bytes, radius: bytes, unit: bytes,
                       args: tuple[bytes, ...], flags: int):
    exists = _zset(ctx, key)
    search = Search(Shape())
    if exists:  # a missing key still parses its options, then answers empty
        _centre_of(ctx, key, member, search.shape)
        _radius_args(search.shape, radius, unit)
    _parse(ctx, key, exists, search, args, flags)
    return _run(ctx, key, search, exists, ctx.argv[0], flags)


def _geosearch(ctx: Ctx, key: bytes, args: tuple[bytes, ...], flags: int, dest: bytes | None = None):
    exists = _zset(ctx, key)
    search = Search(Shape(), store=dest)
    _parse(ctx, key, exists, search, args, flags)
    return _run(ctx, key, search, exists, ctx.argv[0], flags)


def radius_keys(startfrom: int):
    """GEORADIUS[BYMEMBER]'s keys as Redis 7.0's key specs find them: the source, then the word
    after the first STORE, then after the first STOREDIST, each searched from `startfrom`."""

    def keys(argv: list[bytes]) -> list[bytes]:
        found = [argv[1]]
        for keyword in (b"store", b"storedist"):
            for i in range(startfrom, len(argv) - 1):
                if argv[i].lower() == keyword:
                    found.append(argv[i + 1])
                    break
        return found

    return keys


@command("geosearch", arity=-7, flags="readonly")
def geosearch(ctx: Ctx, key: bytes, *args: bytes):
    return _geosearch(ctx, key, args, GEOSEARCH)


@command("geosearchstore", arity=-8, flags="write denyoom", keys=(1, 2, 1))
def geosearchstore(ctx: Ctx, dest: bytes, key: bytes, *args: bytes):
    return _geosearch(ctx, key, args, GEOSEARCH | GEOSEARCHSTORE, dest)


@command("georadius", arity=-6, flags="write denyoom movablekeys", keys=radius_keys(6))
def georadius(ctx: Ctx, key: bytes, lon: bytes, lat: bytes, radius: bytes, unit: bytes, *args: bytes):
    return _georadius(ctx, key, lon, lat, radius, unit, args, 0)


@command("georadius_ro", arity=-6, flags="readonly")
def georadius_ro(ctx: Ctx, key: bytes, lon: bytes, lat: bytes, radius: bytes, unit: bytes, *args: bytes):
    return _georadius(ctx, key, lon, lat, radius, unit, args, NOSTORE)


@command("georadiusbymember", arity=-5, flags="write denyoom movablekeys", keys=radius_keys(5))
def georadiusbymember(ctx: Ctx, key: bytes, member: bytes, radius: bytes, unit: bytes, *args: bytes):
    return _georadiusbymember(ctx, key, member, radius, unit, args, 0)


@command("georadiusbymember_ro", arity=-5, flags="readonly")
def georadiusbymember_ro(ctx: Ctx, key: bytes, member: bytes, radius: bytes, unit: bytes, *args: bytes):
    return _georadiusbymember(ctx, key, member, radius, unit, args, NOSTORE)
