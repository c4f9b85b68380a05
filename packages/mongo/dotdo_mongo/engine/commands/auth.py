"""SCRAM-SHA-256 authentication (saslStart/saslContinue) against the data directory's users; the
SCRAM exchange itself is core's (dotdo_core.scram). A user's tenant decides which databases the
connection sees from then on."""
from __future__ import annotations

from bson import Binary

from dotdo_core.scram import MECHANISM, ScramError, ScramServer

from ..engine import Ctx, command
from ..errors import MongoError

CONVERSATION = 1


def _failed() -> MongoError:
    return MongoError(18, "Authentication failed.")


def _payload(ctx: Ctx) -> bytes:
    payload = ctx.body.get("payload")
    if not isinstance(payload, (bytes, str)):
        raise MongoError(14, f"BSON field '{ctx.name}.payload' is the wrong type, expected type 'binData'")
    return payload.encode() if isinstance(payload, str) else bytes(payload)


@command("saslStart")
def sasl_start(ctx: Ctx) -> dict:
    mechanism = ctx.body.get("mechanism")
    if mechanism != MECHANISM:
        raise MongoError(334, f"Received authentication for mechanism {mechanism} which is not enabled")
    connection = ctx.connection
    exchange = ScramServer(ctx.engine.store)
    try:
        first = exchange.first(_payload(ctx))
    except ScramError:
        raise _failed() from None
    if connection is not None:
        connection.scram = exchange
    return {"conversationId": CONVERSATION, "done": False, "payload": Binary(first)}


@command("saslContinue")
def sasl_continue(ctx: Ctx) -> dict:
    connection = ctx.connection
    exchange = getattr(connection, "scram", None)
    if exchange is None or ctx.body.get("conversationId") != CONVERSATION:
        raise MongoError(17, "No SASL session state found")
    connection.scram = None
    try:
        final = exchange.final(_payload(ctx))
    except ScramError:
        raise _failed() from None
    connection.authenticated(exchange.user)
    return {"conversationId": CONVERSATION, "done": True, "payload": Binary(final)}


@command("authenticate")
def authenticate(ctx: Ctx) -> dict:
    mechanism = ctx.body.get("mechanism")
    raise MongoError(334, f"Received authentication for mechanism {mechanism} which is not enabled; dotdo "
                          f"authenticates with {MECHANISM} (saslStart)")


@command("logout")
def logout(ctx: Ctx) -> dict:
    connection = ctx.connection
    if connection is not None and connection.user is not None:
        connection.user = None
        connection.engine = ctx.engine.root
    return {}
