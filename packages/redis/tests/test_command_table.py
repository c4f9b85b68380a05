"""Every Redis 7.0 command dotdo does not implement answers exactly as Redis does for an unknown name."""
import pytest

from conformance.redis.report_extra import redis_70_commands
from dotdo_core import Store
from dotdo_redis.engine import Engine
from dotdo_redis.engine.errors import RedisError
from dotdo_redis.engine.registry import COMMANDS

UNIMPLEMENTED = [c for c in redis_70_commands() if c.encode() not in COMMANDS]


@pytest.fixture(scope="module")
def engine():
    return Engine(Store(":memory:"))


@pytest.mark.parametrize("name", UNIMPLEMENTED or ["(none)"])
def test_unimplemented_command_answers_unknown_command(engine, name):
    if name == "(none)":
        pytest.skip("every Redis 7.0 command is implemented")
    reply = engine.execute(engine.session(), [name.upper().encode(), b"a1", b"a2"])
    assert isinstance(reply, RedisError)
    assert reply.message == f"ERR unknown command '{name.upper()}', with args beginning with: 'a1' 'a2' "


def test_every_registered_command_is_a_redis_command():
    known = set(redis_70_commands())
    assert sorted(c for c in (cmd.name for cmd in COMMANDS.values()) if c not in known) == []
