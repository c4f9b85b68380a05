"""What Redis hides of a command wherever it shows one (the slow log, MONITOR)."""
from __future__ import annotations

REDACTED = b"(redacted)"
# CONFIG SET values Redis never shows (its SENSITIVE_CONFIG parameters).
SENSITIVE_CONFIG = {b"requirepass", b"masterauth", b"tls-key-file-pass", b"tls-client-key-file-pass"}


def redacted(argv: list[bytes]) -> list[bytes]:
    """argv with the arguments Redis hides replaced by "(redacted)": passwords of
    AUTH and HELLO ... AUTH, every argument of ACL SETUSER after its subcommand, sensitive
    CONFIG SET values. Only where Redis hides them: a command refused before it looked at its
    arguments keeps them."""
    name = argv[0].lower()
    n = len(argv)
    if name == b"auth" and n <= 3:
        return argv[:1] + [REDACTED] * (n - 1)
    if name == b"acl" and n >= 3 and argv[1].lower() == b"setuser":
        return argv[:2] + [REDACTED] * (n - 2)
    if name == b"hello" and n >= 2:
        if argv[1] not in (b"2", b"3"):
            return argv
        out = list(argv)
        j = 2
        while j < n:
            more = n - 1 - j
            opt = argv[j].lower()
            if opt == b"auth" and more >= 2:
                out[j + 1] = out[j + 2] = REDACTED
                j += 3
            elif opt == b"setname" and more >= 1:
                j += 2
            else:
                break
        return out
    if name == b"config" and n >= 4 and n % 2 == 0 and argv[1].lower() == b"set":
        out = list(argv)
        for i in range(2, n, 2):
            if argv[i].lower() in SENSITIVE_CONFIG:
                out[i + 1] = REDACTED
        return out
    return argv
