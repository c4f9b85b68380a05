"""commitTransaction and abortTransaction (the transaction itself: engine/transactions.py)."""
from __future__ import annotations

from ...storage import TXN
from ..engine import Ctx, command
from ..errors import MongoError
from ..transactions import TRANSIENT, Txn


def _current(ctx: Ctx) -> Txn:
    txn = TXN.get()
    if txn is None:
        raise MongoError(72, f"{ctx.name} must be run within a transaction (with lsid, txnNumber and "
                             f"autocommit: false)")
    return txn


@command("commitTransaction")
def commit_transaction(ctx: Ctx) -> dict:
    txn = _current(ctx)
    if txn.state == "in_progress":
        txn.commit()
    return {}


@command("abortTransaction")
def abort_transaction(ctx: Ctx) -> dict:
    txn = _current(ctx)
    if txn.state == "aborted":
        raise MongoError(251, f"Transaction with {{ txnNumber: {txn.number} }} has been aborted.", **TRANSIENT)
    txn.abort("abortTransaction")
    return {}
