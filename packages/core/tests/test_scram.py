"""The server side of SCRAM-SHA-256: RFC 7677's published exchange, and the ways a client can get it wrong."""
import base64
import hashlib
import hmac
import json
import os

import pytest

from dotdo_core import auth
from dotdo_core.scram import ScramError, ScramServer, saslprep, SaslPrepError
from dotdo_core.store import Store

VECTOR = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "conformance", "vectors", "scram", "rfc7677.json")))


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def rfc_user(store):
    auth.add_user(store, VECTOR["user"], VECTOR["password"], salt=base64.b64decode(VECTOR["salt_b64"]),
                  iterations=VECTOR["iterations"])


def client_proof(password, salt, iterations, auth_message):
    """The client side, from RFC 5802 §3, to drive exchanges the vector does not cover."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored = hashlib.sha256(client_key).digest()
    sig = hmac.new(stored, auth_message.encode(), hashlib.sha256).digest()
    return base64.b64encode(bytes(a ^ b for a, b in zip(client_key, sig))).decode()


def login(store, user, password, *, gs2="n,,", cbind=None, username=None):
    ex = ScramServer(store, username=username)
    bare = f"n={user},r=clientnonce123"
    server_first = ex.first((gs2 + bare).encode()).decode()
    attrs = dict(p.split("=", 1) for p in server_first.split(","))
    c = base64.b64encode((cbind if cbind is not None else gs2).encode()).decode()
    without_proof = f"c={c},r={attrs['r']}"
    proof = client_proof(password, base64.b64decode(attrs["s"]), int(attrs["i"]), f"{bare},{server_first},{without_proof}")
    return ex, ex.final(f"{without_proof},p={proof}".encode())


def test_rfc7677_exchange_gives_the_published_server_messages(store):
    rfc_user(store)
    ex = ScramServer(store, nonce=VECTOR["server_nonce"])
    assert ex.first(VECTOR["client_first"].encode()).decode() == VECTOR["server_first"]
    assert ex.final(VECTOR["client_final"].encode()).decode() == VECTOR["server_final"]
    assert ex.user.name == "user" and ex.done


def test_rfc7677_proof_with_another_password_is_refused(store):
    auth.add_user(store, "user", "not-pencil", salt=base64.b64decode(VECTOR["salt_b64"]))
    ex = ScramServer(store, nonce=VECTOR["server_nonce"])
    ex.first(VECTOR["client_first"].encode())
    with pytest.raises(ScramError) as e:
        ex.final(VECTOR["client_final"].encode())
    assert e.value.error == "invalid-proof" and ex.user is None


def test_a_right_password_logs_in_and_names_the_tenant(store):
    auth.add_user(store, "ada", "s3cret", tenant="acme")
    ex, final = login(store, "ada", "s3cret")
    assert final.startswith(b"v=") and ex.user.tenant == "acme"


def test_unknown_user_is_not_revealed_before_the_proof(store):
    auth.add_user(store, "ada", "s3cret")
    ex = ScramServer(store)
    first = ex.first(b"n,,n=nobody,r=abc").decode()
    assert first.startswith("r=abc") and ",s=" in first and first.endswith(",i=4096")
    with pytest.raises(ScramError) as e:
        login(store, "nobody", "s3cret")
    assert e.value.error == "invalid-proof"


def test_a_disabled_user_cannot_log_in(store):
    auth.add_user(store, "ada", "s3cret", enabled=False)
    with pytest.raises(ScramError, match="invalid-proof"):
        login(store, "ada", "s3cret")


def test_the_front_supplied_username_wins_over_an_empty_n(store):
    auth.add_user(store, "ada", "s3cret")
    ex, _ = login(store, "", "s3cret", username="ada")  # libpq sends n= empty
    assert ex.user.name == "ada"


def test_y_flag_is_accepted_and_must_be_echoed(store):
    auth.add_user(store, "ada", "s3cret")
    assert login(store, "ada", "s3cret", gs2="y,,")[0].done
    with pytest.raises(ScramError, match="channel-bindings-dont-match"):
        login(store, "ada", "s3cret", gs2="y,,", cbind="n,,")


def test_channel_binding_p_is_refused(store):
    with pytest.raises(ScramError) as e:
        ScramServer(store).first(b"p=tls-unique,,n=ada,r=abc")
    assert e.value.error == "channel-binding-not-supported"


@pytest.mark.parametrize("message", [b"", b"n", b"x,,n=a,r=b", b"n,,r=abc", b"n,,n=a", b"n,,n=a,r=a,b",
                                     b"n,,n=a=2X,r=abc", b"n,,n=a,r=\x01", b"\xff\xfe", b"n,,m=ext,n=a,r=b"])
def test_malformed_client_first_is_a_scram_error(store, message):
    with pytest.raises(ScramError):
        ScramServer(store).first(message)


def test_a_replayed_or_tampered_nonce_is_refused(store):
    auth.add_user(store, "ada", "s3cret")
    ex = ScramServer(store)
    ex.first(b"n,,n=ada,r=abc")
    with pytest.raises(ScramError, match="nonce"):
        ex.final(b"c=biws,r=abcFORGED,p=" + base64.b64encode(b"x" * 32))


def test_steps_out_of_order_are_refused(store):
    with pytest.raises(ScramError):
        ScramServer(store).final(b"c=biws,r=a,p=AAAA")


def test_escaped_usernames_are_decoded(store):
    auth.add_user(store, "a,b=c", "pw")
    assert login(store, "a=2Cb=3Dc", "pw")[0].user.name == "a,b=c"


def test_saslprep_maps_and_refuses_as_rfc4013_says():
    assert saslprep("I\u00adX") == "IX"          # soft hyphen maps to nothing
    assert saslprep("user") == "user"
    assert saslprep("\u00aa") == "a"              # NFKC
    assert saslprep("\u2168") == "IX"
    for bad in ("\u0007", "\u0627\u0031"):      # control char; RTL not ending RTL
        with pytest.raises(SaslPrepError):
            saslprep(bad)
