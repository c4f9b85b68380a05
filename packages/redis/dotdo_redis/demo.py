"""`dotdo demo`'s Redis part: calls through the genuine redis-py client, in-process."""
from __future__ import annotations

from . import Redis


def demo(data_dir: str) -> list[tuple[str, str]]:
    r = Redis(data=data_dir, decode_responses=True)
    out = [
        ("r.set('greeting', 'hello from dotdo')", repr(r.set("greeting", "hello from dotdo"))),
        ("r.get('greeting')", repr(r.get("greeting"))),
    ]
    pipe = r.pipeline()
    pipe.set("visits", 0).incr("visits").incr("visits")
    try:
        out.append(("r.pipeline().set('visits', 0).incr('visits').incr('visits').execute()", repr(pipe.execute())))
    except Exception as e:  # a command family not built yet must not hide the rest
        out.append(("r.pipeline()...execute()", f"{type(e).__name__}: {e}"))
    r.close()
    return out
