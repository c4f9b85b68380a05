"""The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), shared by every front that speaks it.

PostgreSQL (AuthenticationSASL / SASLInitialResponse / SASLResponse) and MongoDB (saslStart /
saslContinue) carry the same three SCRAM messages in different envelopes, so the math and the
message checks live here once and a front only moves bytes:

    exchange = ScramServer(store)                 # or ScramServer(store, username=startup_user)
    server_first = exchange.first(client_first)   # raises ScramError on a malformed message
    server_final = exchange.final(client_final)   # raises ScramError("invalid-proof") on a bad password
    exchange.user                                  # the authenticated auth.User (its .tenant)

Channel binding is not offered (no SCRAM-SHA-256-PLUS), so a client may send the gs2 flag 'n'
(cannot bind) or 'y' (could bind, server did not offer); 'p=' is refused. An unknown or disabled
user is not revealed at the first step: the exchange continues with a mock salt and fails at the
proof, as PostgreSQL does.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stringprep
import unicodedata
from dataclasses import dataclass

MECHANISM = "SCRAM-SHA-256"
ITERATIONS = 4096
SALT_BYTES = 16
NONCE_BYTES = 18
MIN_ITERATIONS = 4096  # RFC 7677: a client must refuse fewer; so do we when storing

# Derives mock salts for unknown users, so probing a name yields a stable-looking salt within one process.
_MOCK_SECRET = os.urandom(32)


class ScramError(Exception):
    """A failed exchange. `error` is RFC 5802's server-error-value (invalid-proof,
    channel-binding-not-supported, ...); `detail` says what was wrong, for logs and messages."""

    def __init__(self, error: str, detail: str = "") -> None:
        super().__init__(f"{error}: {detail}" if detail else error)
        self.error = error
        self.detail = detail

    @property
    def server_final(self) -> bytes:
        """The `e=` server-final message, for a front whose envelope carries one."""
        return f"e={self.error}".encode()


class SaslPrepError(ValueError):
    """A string SASLprep (RFC 4013) prohibits: control characters, unassigned code points, bad bidi."""


def saslprep(text: str) -> str:
    """RFC 4013 SASLprep for stored strings (passwords): map, NFKC, then refuse prohibited characters."""
    if all(0x20 <= ord(c) < 0x7F for c in text):
        return text  # printable ASCII: no mapping applies and nothing is prohibited
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    out = unicodedata.normalize("NFKC", mapped)
    for c in out:
        if stringprep.in_table_a1(c):
            raise SaslPrepError(f"unassigned code point U+{ord(c):04X}")
        if (stringprep.in_table_c12(c) or stringprep.in_table_c21_c22(c) or stringprep.in_table_c3(c)
                or stringprep.in_table_c4(c) or stringprep.in_table_c5(c) or stringprep.in_table_c6(c)
                or stringprep.in_table_c7(c) or stringprep.in_table_c8(c) or stringprep.in_table_c9(c)):
            raise SaslPrepError(f"prohibited character U+{ord(c):04X}")
    if any(stringprep.in_table_d1(c) for c in out):
        if any(stringprep.in_table_d2(c) for c in out):
            raise SaslPrepError("mixes right-to-left and left-to-right characters")
        if not (stringprep.in_table_d1(out[0]) and stringprep.in_table_d1(out[-1])):
            raise SaslPrepError("right-to-left text must start and end with a right-to-left character")
    return out


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


@dataclass(frozen=True)
class Verifier:
    """What a server keeps instead of a password (RFC 5802 §3): enough to check a proof, not to log in."""

    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes

    @classmethod
    def from_password(cls, password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> "Verifier":
        """Raises SaslPrepError for a password SCRAM clients could not send (control characters, ...)."""
        if salt is None:
            salt = os.urandom(SALT_BYTES)
        salted = hashlib.pbkdf2_hmac("sha256", saslprep(password).encode("utf-8"), salt, iterations)
        client_key = _hmac(salted, b"Client Key")
        return cls(salt, iterations, hashlib.sha256(client_key).digest(), _hmac(salted, b"Server Key"))

    def check(self, password: str) -> bool:
        """Whether `password` is the one this verifier was made from (constant-time compare)."""
        try:
            other = Verifier.from_password(password, salt=self.salt, iterations=self.iterations)
        except SaslPrepError:
            return False
        return hmac.compare_digest(other.stored_key, self.stored_key)


def _mock_verifier(username: str) -> Verifier:
    salt = _hmac(_MOCK_SECRET, username.encode("utf-8"))[:SALT_BYTES]
    # Keys no proof can match: random each time, never derived from any password.
    return Verifier(salt, ITERATIONS, os.urandom(32), os.urandom(32))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ScramError("other-error", f"{what} is not valid base64") from None


def _decode_username(raw: str) -> str:
    """saslname (RFC 5802 §5.1): ',' travels as '=2C' and '=' as '=3D'; any other '=' is malformed."""
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "=":
            code = raw[i + 1:i + 3]
            if code not in ("2C", "3D"):
                raise ScramError("invalid-username-encoding", "'=' must be followed by 2C or 3D")
            out.append("," if code == "2C" else "=")
            i += 3
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _attributes(parts: list[str], what: str) -> list[tuple[str, str]]:
    attrs = []
    for part in parts:
        if len(part) < 2 or part[1] != "=" or not part[0].isalpha():
            raise ScramError("other-error", f"malformed attribute {part[:20]!r} in {what}")
        attrs.append((part[0], part[2:]))
    return attrs


def _text(message: bytes | str, what: str) -> str:
    if isinstance(message, str):
        return message
    try:
        return bytes(message).decode("utf-8")
    except UnicodeDecodeError:
        raise ScramError("other-error", f"{what} is not UTF-8") from None


class ScramServer:
    """One SCRAM-SHA-256 exchange on the server side. Not reusable: make one per authentication."""

    mechanism = MECHANISM

    def __init__(self, store, *, username: str | None = None, nonce: str | None = None) -> None:
        """`username`: the name the front already knows (PostgreSQL's startup user), which then wins
        over the client-first message's n= (libpq sends it empty). `nonce`: the server's nonce part,
        for test vectors only; by default 18 random bytes."""
        self._store = store
        self._fixed_username = username
        self._server_nonce = nonce
        self._step = 0
        self.username: str | None = username
        self.user = None  # the auth.User once final() succeeded

    # -- step 1 ----------------------------------------------------------------
    def first(self, client_first: bytes | str) -> bytes:
        """client-first-message → server-first-message."""
        from .auth import get_user  # auth imports this module

        if self._step != 0:
            raise ScramError("other-error", "client-first-message sent twice")
        text = _text(client_first, "client-first-message")
        flag, sep, rest = text.partition(",")
        authzid, sep2, bare = rest.partition(",")
        if not sep or not sep2:
            raise ScramError("other-error", "client-first-message lacks its gs2 header")
        if flag.startswith("p="):
            raise ScramError("channel-binding-not-supported",
                             "channel binding was requested but this server offers SCRAM-SHA-256 without -PLUS")
        if flag not in ("n", "y"):
            raise ScramError("other-error", f"unknown gs2 channel-binding flag {flag[:10]!r}")
        attrs = _attributes(bare.split(","), "client-first-message")
        if len(attrs) < 2 or attrs[0][0] != "n" or attrs[1][0] != "r":
            if attrs and attrs[0][0] == "m":
                raise ScramError("extensions-not-supported", "mandatory extension m= is not supported")
            raise ScramError("other-error", "client-first-message must be n=user,r=nonce")
        if any(k == "m" for k, _ in attrs[2:]):
            raise ScramError("extensions-not-supported", "mandatory extension m= is not supported")
        username = _decode_username(attrs[0][1])
        if authzid:
            if not authzid.startswith("a="):
                raise ScramError("other-error", "malformed authorization identity in the gs2 header")
            if _decode_username(authzid[2:]) != username:
                raise ScramError("other-error", "an authorization identity other than the user is not supported")
        client_nonce = attrs[1][1]
        if not client_nonce or any(not (0x21 <= ord(c) <= 0x7E) or c == "," for c in client_nonce):
            raise ScramError("other-error", "the client nonce must be printable ASCII without ','")
        if self._fixed_username is None:
            self.username = username
        user = get_user(self._store, self.username) if self.username else None
        self._candidate = user if user is not None and user.enabled else None
        verifier = self._candidate.verifier if self._candidate is not None else _mock_verifier(self.username or "")
        self._verifier = verifier
        self._gs2_header = f"{flag},{authzid},"
        self._nonce = client_nonce + (self._server_nonce or _b64(os.urandom(NONCE_BYTES)))
        self._client_first_bare = bare
        self._server_first = f"r={self._nonce},s={_b64(verifier.salt)},i={verifier.iterations}"
        self._step = 1
        return self._server_first.encode("ascii")

    # -- step 2 ----------------------------------------------------------------
    def final(self, client_final: bytes | str) -> bytes:
        """client-final-message → server-final-message (v=signature). A wrong password raises
        ScramError('invalid-proof'); so does an unknown or disabled user, indistinguishably."""
        if self._step != 1:
            raise ScramError("other-error", "client-final-message out of order")
        self._step = 2
        text = _text(client_final, "client-final-message")
        without_proof, sep, proof_part = text.rpartition(",p=")
        if not sep:
            raise ScramError("other-error", "client-final-message has no proof (p=)")
        attrs = _attributes(without_proof.split(","), "client-final-message")
        if len(attrs) < 2 or attrs[0][0] != "c" or attrs[1][0] != "r":
            raise ScramError("other-error", "client-final-message must be c=...,r=...,p=...")
        if _unb64(attrs[0][1], "channel binding (c=)") != self._gs2_header.encode("utf-8"):
            raise ScramError("channel-bindings-dont-match", "c= does not repeat the gs2 header of the first message")
        if attrs[1][1] != self._nonce:
            raise ScramError("other-error", "the nonce does not match the one this exchange issued")
        proof = _unb64(proof_part, "proof (p=)")
        if len(proof) != hashlib.sha256().digest_size:
            raise ScramError("invalid-proof", "the proof has the wrong length")
        auth_message = f"{self._client_first_bare},{self._server_first},{without_proof}".encode("utf-8")
        verifier = self._verifier
        signature = _hmac(verifier.stored_key, auth_message)
        client_key = bytes(a ^ b for a, b in zip(proof, signature))
        if self._candidate is None or not hmac.compare_digest(hashlib.sha256(client_key).digest(), verifier.stored_key):
            raise ScramError("invalid-proof", "password authentication failed")
        self.user = self._candidate
        return f"v={_b64(_hmac(verifier.server_key, auth_message))}".encode("ascii")

    @property
    def done(self) -> bool:
        return self.user is not None
