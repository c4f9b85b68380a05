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
