"""GEO commands through redis-py, on both targets: GEOADD/GEOPOS/GEODIST/GEOHASH, GEOSEARCH and
GEOSEARCHSTORE, GEORADIUS and its variants; replies byte for byte (positions as Redis prints
doubles, distances with 4 decimals), the scan order of unsorted searches, STORE results, errors."""
import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"

SICILY = ["13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"]
PLACES = [
    ("13.361389", "38.115556", "Palermo"), ("15.087269", "37.502669", "Catania"),
    ("12.758489", "38.788135", "edge1"), ("17.241510", "38.788135", "edge2"),
    ("13.5", "37.9", "a"), ("14.0", "38.0", "b"), ("14.5", "37.5", "c"), ("15.0", "38.5", "d"),
    ("16.0", "37.0", "e"), ("12.0", "39.0", "f"), ("13.9", "37.1", "g"), ("14.2", "38.3", "h"),
]


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


_GEO = ("GEOPOS", "GEODIST", "GEOHASH", "GEOSEARCH", "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUS_RO",
        "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO")


def cmd(c, *args):
    """The reply as the server sends it: redis-py's own GEO parsing (floats) is left out."""
    for name in _GEO:
        c.response_callbacks.pop(name, None)
    return c.execute_command(*args)


@pytest.fixture
def sicily(rd):
    cmd(rd, "GEOADD", "Sicily", *SICILY)
    return rd


@pytest.fixture
def places(rd):
    cmd(rd, "GEOADD", "pl", *[x for p in PLACES for x in p])
    return rd


# -- GEOADD ---------------------------------------------------------------------------------------

def test_geoadd_stores_a_sorted_set_of_geohash_scores(sicily):
    assert sicily.type("Sicily") == "zset"
    assert sicily.zrange("Sicily", 0, -1, withscores=True) == [("Palermo", 3479099956230698.0), ("Catania", 3479447370796909.0)]


def test_geoadd_nx_xx_ch(sicily):
    assert cmd(sicily, "GEOADD", "Sicily", "NX", "13.0", "38.0", "Palermo", "1", "2", "x") == 1
    assert cmd(sicily, "GEOADD", "Sicily", "XX", "13.0", "38.0", "Palermo", "1", "2", "y") == 0
    assert cmd(sicily, "GEOADD", "Sicily", "XX", "CH", "14.0", "38.0", "Palermo") == 1
    assert cmd(sicily, "GEOADD", "Sicily", "ch", "14.0", "38.0", "Palermo", "3", "4", "z") == 1
    assert sicily.zcard("Sicily") == 4


def test_geoadd_range_errors_add_nothing(rd):
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "1", "2", "ok", "200", "10", "bad")) == \
        "invalid longitude,latitude pair 200.000000,10.000000"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "1", "-85.06", "bad")) == \
        "invalid longitude,latitude pair 1.000000,-85.060000"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "inf", "1", "bad")) == "invalid longitude,latitude pair inf,1.000000"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "x", "1", "bad")) == "value is not a valid float"
    assert rd.exists("k") == 0


def test_geoadd_extreme_coordinates(rd):
    assert cmd(rd, "GEOADD", "k", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero") == 3
    assert [[round(x, 6) for x in pos] for pos in cmd(rd, "GEOPOS", "k", "ne", "sw", "zero")] == \
        [[180.0, 85.051129], [-179.999997, -85.051128], [0.000003, 0.000001]]
    assert cmd(rd, "GEOHASH", "k", "ne", "sw", "zero")[2] == "s0000000000"


def test_geoadd_syntax_errors(rd):
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "NX", "XX", "1", "2", "m")) == "syntax error"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "1", "2", "m", "3")) == "syntax error"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "GT", "1", "2", "m")) == "syntax error"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "NX", "CH", "XX")) == "syntax error"
    assert error_text(lambda: cmd(rd, "GEOADD", "k", "1", "2")) == "wrong number of arguments for 'geoadd' command"


def test_geoadd_wrong_type(rd):
    rd.set("s", "x")
    assert error_text(lambda: cmd(rd, "GEOADD", "s", "1", "2", "m")) == WRONGTYPE


# -- GEOPOS / GEODIST / GEOHASH -------------------------------------------------------------------

def test_geopos_digits_and_missing(sicily):
    assert cmd(sicily, "GEOPOS", "Sicily", "Palermo", "nope", "Catania") == [
        [13.36138933897018433, 38.11555639549629859], None, [15.08726745843887329, 37.50266842333162032]]
    assert cmd(sicily, "GEOPOS", "missing", "a", "b") == [None, None]
    assert cmd(sicily, "GEOPOS", "Sicily") == []


def test_geopos_of_many_points(places):
    got = cmd(places, "GEOPOS", "pl", *[p[2] for p in PLACES])
    assert len(got) == len(PLACES)
    assert [round(x, 4) for x in got[4]] == [13.5, 37.9]


def test_geodist_units(sicily):
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania") == "166274.1516"
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "km") == "166.2742"
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "MI") == "103.3182"
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "ft") == "545518.8700"
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "Palermo") == "0.0000"


def test_geodist_same_longitude(rd):
    """Equal longitudes take Redis's shortcut (a plain latitude difference), whose last digits differ."""
    cmd(rd, "GEOADD", "k", "10", "10", "a", "10", "50", "b", "-170", "-80", "c", "-170", "80", "d")
    assert cmd(rd, "GEODIST", "k", "a", "b") == cmd(rd, "GEODIST", "k", "b", "a") == "4449051.8491"
    assert cmd(rd, "GEODIST", "k", "c", "d", "km") == "17796.2082"


def test_geodist_missing_and_errors(sicily):
    assert cmd(sicily, "GEODIST", "Sicily", "Palermo", "nope") is None
    assert cmd(sicily, "GEODIST", "missing", "a", "b") is None
    assert error_text(lambda: cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "yd")) == \
        "unsupported unit provided. please use M, KM, FT, MI"
    assert error_text(lambda: cmd(sicily, "GEODIST", "missing", "a", "b", "yd")) == \
        "unsupported unit provided. please use M, KM, FT, MI"
    assert error_text(lambda: cmd(sicily, "GEODIST", "Sicily", "Palermo", "Catania", "km", "x")) == "syntax error"
    sicily.set("s", "x")
    assert error_text(lambda: cmd(sicily, "GEODIST", "s", "a", "b")) == WRONGTYPE


def test_geohash(sicily):
    assert cmd(sicily, "GEOHASH", "Sicily", "Palermo", "Catania", "nope") == ["sqc8b49rny0", "sqdtr74hyu0", None]
    assert cmd(sicily, "GEOHASH", "missing", "a") == [None]
    sicily.set("s", "x")
    assert error_text(lambda: cmd(sicily, "GEOPOS", "s", "a")) == WRONGTYPE
    assert error_text(lambda: cmd(sicily, "GEOHASH", "s", "a")) == WRONGTYPE


def test_positions_of_plain_zset_members(rd):
    rd.zadd("z", {"zero": 0, "one": 1, "big": 2**52 - 1, "neg": -5, "frac": 12345.75})
    assert cmd(rd, "GEOPOS", "z", "zero", "one", "big", "frac") == cmd(rd, "GEOPOS", "z", "zero", "one", "big", "frac")
    assert cmd(rd, "GEOHASH", "z", "zero", "one", "big", "frac")[:2] == ["00bh0hbj200", "00bh0hbj210"]


def test_resp3_replies(client):
    c = client(protocol=3)
    cmd(c, "GEOADD", "Sicily", *SICILY)
    assert cmd(c, "GEOPOS", "Sicily", "Palermo", "x") == [[13.361389338970184, 38.1155563954963], None]
    assert cmd(c, "GEODIST", "Sicily", "Palermo", "Catania") == b"166274.1516"
    assert cmd(c, "GEOHASH", "Sicily", "Palermo") == [b"sqc8b49rny0"]


def test_position_digits_on_the_wire(wire, sicily):
    w = wire(2)
    w.call("GEOADD", "k", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero", "-0.0000001", "1", "tiny")
    assert w.call("GEOPOS", "Sicily", "Palermo", "nope") == (
        b"*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n")
    assert w.call("GEOPOS", "k", "ne", "sw", "zero", "tiny") == (
        b"*4\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n"
        b"*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n"
        b"*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n"
        b"*2\r\n$20\r\n-0.00000268220901489\r\n$19\r\n0.99999945914297683\r\n")
    assert w.call("GEODIST", "Sicily", "Palermo", "Catania", "km") == b"$8\r\n166.2742\r\n"
    assert w.call("GEOHASH", "Sicily", "Palermo", "x") == b"*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n"
    w3 = wire(3)
    assert w3.call("GEOPOS", "Sicily", "Palermo", "nope") == (
        b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")
    assert w3.call("GEODIST", "Sicily", "Palermo", "nope") == b"_\r\n"


# -- GEOSEARCH ---------------------------------------------------------------------------------------

def test_geosearch_unsorted_reply_follows_redis_cell_scan_order(places):
    """Centre cell first, then N, S, E, W, NE, NW, SE, SW; within a cell by score."""
    assert cmd(places, "GEOSEARCH", "pl", "FROMLONLAT", "14", "37.8", "BYRADIUS", "120", "km") == \
        ["a", "Palermo", "b", "g", "c", "Catania", "h", "d"]
    assert cmd(places, "GEOSEARCH", "pl", "FROMLONLAT", "14", "37.8", "BYRADIUS", "20000", "km") == \
        ["g", "e", "a", "Palermo", "b", "f", "edge1", "c", "Catania", "h", "d", "edge2"]
    assert cmd(places, "GEOSEARCH", "pl", "FROMLONLAT", "-100", "10", "BYRADIUS", "100", "km") == []


def test_geosearch_asc_desc_withdist(places):
    assert cmd(places, "GEOSEARCH", "pl", "FROMLONLAT", "14", "37.8", "BYRADIUS", "120", "km", "ASC") == \
        ["b", "a", "c", "h", "Palermo", "g", "Catania", "d"]
    assert cmd(places, "GEOSEARCH", "pl", "FROMLONLAT", "14", "37.8", "BYRADIUS", "120", "km", "desc", "withdist") == [
        ["d", "117.0992"], ["Catania", "101.2973"], ["g", "78.3575"], ["Palermo", "66.0938"], ["h", "58.3068"],
        ["c", "55.2468"], ["a", "45.2999"], ["b", "22.2454"]]


def test_geosearch_bybox(places):
    assert cmd(places, "GEOSEARCH", "pl", "FROMMEMBER", "b", "BYBOX", "200", "150", "km") == \
        ["a", "Palermo", "b", "c", "Catania", "h", "d"]
    assert cmd(places, "GEOSEARCH", "pl", "FROMMEMBER", "b", "BYBOX", "200", "150", "km", "ASC", "WITHDIST") == [
        ["b", "0.0000"], ["h", "37.6752"], ["a", "45.2422"], ["Palermo", "57.3864"], ["c", "70.8969"],
        ["d", "103.5481"], ["Catania", "110.4650"]]


def test_geosearch_count_sorts_first_unless_any(places):
    base = ["GEOSEARCH", "pl", "FROMLONLAT", "14", "37.8", "BYRADIUS", "300", "km", "COUNT", "3"]
    assert cmd(places, *base) == ["b", "a", "c"]
    assert cmd(places, *base, "ANY") == ["a", "Palermo", "b"]  # the first three found, unsorted
    assert cmd(places, *base, "DESC") == ["f", "e", "edge1"]


def test_geosearch_with_everything(places):
    got = cmd(places, "GEOSEARCH", "pl", "FROMMEMBER", "Palermo", "BYRADIUS", "60", "mi", "WITHCOORD", "WITHDIST", "WITHHASH")
    assert [(m, d, h) for m, d, h, _ in got] == [
        ("a", "16.7008", 3479096050673789), ("Palermo", "0.0000", 3479099956230698), ("b", "35.6583", 3479107959090919),
        ("edge1", "56.7939", 3479273021651468), ("h", "47.2926", 3479492197963775)]
    assert got[1][3] == [13.361389338970184, 38.1155563954963]


def test_withcoord_and_withdist_on_the_wire(wire, sicily):
    w = wire(2)
    assert w.call("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m", "WITHCOORD", "WITHDIST", "WITHHASH") == (
        b"*1\r\n*4\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n:3479099956230698\r\n"
        b"*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n")
    assert w.call("GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m") == b"*0\r\n"
    w3 = wire(3)
    assert w3.call("GEORADIUS", "Sicily", "13.361389", "38.115556", "1", "km", "WITHCOORD", "WITHDIST") == (
        b"*1\r\n*3\r\n$7\r\nPalermo\r\n$6\r\n0.0001\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n")


def test_geosearch_edge_radii(sicily):
    assert cmd(sicily, "GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "0", "m") == ["Palermo"]
    assert cmd(sicily, "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "inf", "km") == ["Palermo", "Catania"]
    assert cmd(sicily, "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1e300", "1e300", "km") == ["Palermo", "Catania"]


def test_geosearch_missing_key_parses_then_answers_empty(rd):
    assert cmd(rd, "GEOSEARCH", "nokey", "FROMMEMBER", "nope", "BYRADIUS", "1", "km") == []
    assert error_text(lambda: cmd(rd, "GEOSEARCH", "nokey", "FROMMEMBER", "nope", "BYRADIUS", "1", "yd")) == \
        "unsupported unit provided. please use M, KM, FT, MI"


@pytest.mark.parametrize("args, message", [
    (["FROMMEMBER", "nope", "BYRADIUS", "1", "km"], "could not decode requested zset member"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "0"], "COUNT must be > 0"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "-1"], "COUNT must be > 0"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "x"], "value is not an integer or out of range"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"], "the ANY argument requires COUNT argument"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"], "radius cannot be negative"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"], "need numeric radius"),
    (["FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"], "need numeric width"),
    (["FROMLONLAT", "15", "37", "BYBOX", "1", "y", "km"], "need numeric height"),
    (["FROMLONLAT", "15", "37", "BYBOX", "1", "-1", "km"], "height or width cannot be negative"),
    (["FROMLONLAT", "15", "37", "BYBOX", "1", "1", "yd"], "unsupported unit provided. please use M, KM, FT, MI"),
    (["FROMLONLAT", "15", "91", "BYBOX", "1", "1", "m"], "invalid longitude,latitude pair 15.000000,91.000000"),
    (["FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"], "syntax error"),
    (["BYRADIUS", "1", "km", "BYBOX", "1", "2", "m", "FROMLONLAT", "1", "2"], "syntax error"),
    (["FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "x"], "syntax error"),
    (["FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STOREDIST"], "syntax error"),
    (["BYRADIUS", "1", "km", "WITHDIST", "ASC"], "exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"),
    (["FROMMEMBER", "Palermo", "WITHDIST", "ASC", "DESC"], "exactly one of BYRADIUS and BYBOX can be specified for geosearch"),
])
def test_geosearch_errors(sicily, args, message):
    assert error_text(lambda: cmd(sicily, "geosearch", "Sicily", *args)) == message


def test_geosearch_wrong_type(rd):
    rd.set("s", "x")
    assert error_text(lambda: cmd(rd, "GEOSEARCH", "s", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km")) == WRONGTYPE
    assert error_text(lambda: cmd(rd, "GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km")) == WRONGTYPE


# -- GEOSEARCHSTORE ------------------------------------------------------------------------------------

def test_geosearchstore_scores_and_storedist(places):
    base = ["pl", "FROMLONLAT", "15", "37", "BYRADIUS", "100", "km"]
    assert cmd(places, "GEOSEARCHSTORE", "out", *base) == 4
    assert places.type("out") == "zset"
    assert places.zrange("out", 0, -1, withscores=True) == \
        sorted(((m, places.zscore("pl", m)) for m in ["e", "c", "Catania", "g"]), key=lambda p: p[1])
    assert cmd(places, "GEOSEARCHSTORE", "out", *base, "STOREDIST", "COUNT", "2", "DESC") == 2
    assert places.zrange("out", 0, -1, withscores=True) == [("e", 88.82901786724946), ("g", 98.27890081441485)]


def test_geosearchstore_overwrites_and_deletes(places):
    places.set("out", "a string")
    assert cmd(places, "GEOSEARCHSTORE", "out", "pl", "FROMLONLAT", "15", "37", "BYRADIUS", "100", "km") == 4
    assert places.type("out") == "zset"
    assert cmd(places, "GEOSEARCHSTORE", "out", "pl", "FROMLONLAT", "-100", "0", "BYRADIUS", "1", "km") == 0
    assert places.exists("out") == 0
    places.set("out", "x")
    assert cmd(places, "GEOSEARCHSTORE", "out", "nokey", "FROMMEMBER", "a", "BYRADIUS", "1", "km") == 0
    assert places.exists("out") == 0


def test_geosearchstore_errors_leave_the_destination(places):
    places.set("out", "keep")
    assert error_text(lambda: cmd(places, "GEOSEARCHSTORE", "out", "pl", "FROMMEMBER", "a", "BYRADIUS", "1", "km", "WITHDIST")) == \
        "GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    assert error_text(lambda: cmd(places, "GEOSEARCHSTORE", "out", "pl", "FROMMEMBER", "a", "BYRADIUS", "1", "km", "STORE", "x")) == \
        "syntax error"
    assert places.get("out") == "keep"


# -- GEORADIUS family ------------------------------------------------------------------------------------

def test_georadius_and_ro(places):
    assert cmd(places, "GEORADIUS", "pl", "15", "37", "100", "km") == ["e", "c", "Catania", "g"]
    assert cmd(places, "GEORADIUS", "pl", "15", "37", "100", "km", "WITHDIST", "ASC") == [
        ["Catania", "56.4413"], ["c", "71.0807"], ["e", "88.8290"], ["g", "98.2789"]]
    assert cmd(places, "GEORADIUS_RO", "pl", "15", "37", "100", "km", "WITHDIST", "DESC", "COUNT", "2") == [
        ["g", "98.2789"], ["e", "88.8290"]]


def test_georadiusbymember_and_ro(places):
    assert cmd(places, "GEORADIUSBYMEMBER", "pl", "Catania", "100", "km") == ["c", "Catania", "e"]
    assert cmd(places, "GEORADIUSBYMEMBER_RO", "pl", "Catania", "100", "km", "WITHDIST", "ASC") == [
        ["Catania", "0.0000"], ["c", "51.8215"], ["e", "98.2640"]]
    assert cmd(places, "GEORADIUSBYMEMBER", "pl", "Catania", "300000", "ft", "WITHDIST", "ASC") == [
        ["Catania", "0.0000"], ["c", "170018.1997"]]


def test_georadius_store_and_storedist(places):
    assert cmd(places, "GEORADIUS", "pl", "15", "37", "100", "km", "STORE", "out") == 4
    assert places.zrange("out", 0, -1, withscores=True) == \
        sorted(((m, places.zscore("pl", m)) for m in ["e", "c", "Catania", "g"]), key=lambda p: p[1])
    assert cmd(places, "GEORADIUSBYMEMBER", "pl", "Catania", "100", "km", "STOREDIST", "out") == 3
    assert [(m, round(s, 4)) for m, s in places.zrange("out", 0, -1, withscores=True)] == \
        [("Catania", 0.0), ("c", 51.8215), ("e", 98.264)]
    assert cmd(places, "GEORADIUS", "pl", "-100", "0", "1", "km", "STORE", "out") == 0
    assert places.exists("out") == 0


@pytest.mark.parametrize("args, message", [
    (["GEORADIUS", "pl", "15", "37", "100", "km", "STORE", "out", "WITHDIST"],
     "STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
    (["GEORADIUS_RO", "pl", "15", "37", "100", "km", "STORE", "out"], "syntax error"),
    (["GEORADIUSBYMEMBER_RO", "pl", "a", "100", "km", "STOREDIST", "out"], "syntax error"),
    (["GEORADIUS", "pl", "15", "37", "100", "km", "FROMMEMBER", "a"], "syntax error"),
    (["GEORADIUS", "pl", "15", "37", "100", "km", "COUNT"], "syntax error"),
    (["GEORADIUS", "pl", "15", "37", "100", "km", "COUNT", "0"], "COUNT must be > 0"),
    (["GEORADIUS", "pl", "190", "37", "100", "km"], "invalid longitude,latitude pair 190.000000,37.000000"),
    (["GEORADIUS", "pl", "15", "37", "100", "yd"], "unsupported unit provided. please use M, KM, FT, MI"),
    (["GEORADIUSBYMEMBER", "pl", "nope", "100", "yd"], "could not decode requested zset member"),
    (["GEORADIUSBYMEMBER", "pl", "a", "-1", "km"], "radius cannot be negative"),
    (["GEORADIUSBYMEMBER", "nokey", "nope", "x", "yd", "bogus"], "syntax error"),
    (["GEORADIUS", "pl", "15", "37"], "wrong number of arguments for 'georadius' command"),
])
def test_georadius_errors(places, args, message):
    assert error_text(lambda: cmd(places, *args)) == message


def test_georadius_missing_key(rd):
    assert cmd(rd, "GEORADIUSBYMEMBER", "nokey", "nope", "x", "yd") == []
    rd.set("out", "x")
    assert cmd(rd, "GEORADIUSBYMEMBER", "nokey", "nope", "x", "yd", "STORE", "out") == 0
    assert rd.exists("out") == 0


def test_geo_key_works_with_zset_commands(places):
    places.zrem("pl", "Catania", "c")
    assert cmd(places, "GEORADIUS", "pl", "15", "37", "100", "km") == ["e", "g"]
    assert places.zcard("pl") == len(PLACES) - 2


# -- the command table ----------------------------------------------------------------------------------

def test_command_info_docs_and_getkeys(r):
    info = r.execute_command("COMMAND", "INFO", "GEOADD", "GEOSEARCH", "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUS_RO")
    assert (info["geoadd"]["arity"], info["geoadd"]["flags"]) == (-5, ["write", "denyoom"])
    assert (info["geosearch"]["arity"], info["geosearch"]["flags"]) == (-7, ["readonly"])
    assert (info["geosearchstore"]["first_key_pos"], info["geosearchstore"]["last_key_pos"]) == (1, 2)
    assert info["georadius"]["flags"] == ["write", "denyoom", "movablekeys"]
    assert info["georadius_ro"]["acl_categories"] == ["@read", "@geo", "@slow"]
    docs = r.execute_command("COMMAND DOCS", "geopos", "geodist", "geohash")
    assert sorted(docs) == [b"geodist", b"geohash", b"geopos"]
    assert sorted(r.command_list(pattern="geo*")) == sorted(
        [b"geoadd", b"geodist", b"geohash", b"geopos", b"georadius", b"georadius_ro", b"georadiusbymember",
         b"georadiusbymember_ro", b"geosearch", b"geosearchstore"])
    assert r.command_getkeys("GEORADIUS", "src", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b") == ["src", "a", "b"]
    assert r.command_getkeys("GEORADIUSBYMEMBER", "src", "m", "3", "km", "STORE", "a", "STORE", "b") == ["src", "a"]
    assert r.command_getkeys("GEOSEARCHSTORE", "dst", "src", "FROMMEMBER", "m", "BYRADIUS", "1", "m") == ["dst", "src"]


def test_geo_commands_from_a_script(sicily):
    assert sicily.eval("return redis.call('GEOPOS', KEYS[1], 'Palermo')", 1, "Sicily") == \
        [["13.36138933897018433", "38.11555639549629859"]]
    assert sicily.eval("return redis.call('GEOSEARCH', KEYS[1], 'FROMMEMBER', 'Palermo', 'BYRADIUS', 200, 'km', 'ASC')",
                       1, "Sicily") == ["Palermo", "Catania"]
    assert error_text(lambda: sicily.eval("return redis.call('GEOADD', KEYS[1], 1, 200, 'x')", 1, "Sicily")).startswith(
        "invalid longitude,latitude pair 1.000000,200.000000")
