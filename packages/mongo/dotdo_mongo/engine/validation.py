"""Document validation: a collection's `validator` (query operators and `$jsonSchema`) checked on
insert and update, with validationLevel (strict/moderate/off), validationAction (error/warn) and the
command-level `bypassDocumentValidation`."""
from __future__ import annotations

import contextvars
import logging
from typing import Callable

from .errors import MongoError

log = logging.getLogger("dotdo.mongo")
BYPASS: contextvars.ContextVar[bool] = contextvars.ContextVar("bypass_validation", default=False)
LEVELS = ("strict", "moderate", "off")
ACTIONS = ("error", "warn")


def check_options(options: dict) -> None:
    validator = options.get("validator")
    if validator is not None:
        if not isinstance(validator, dict):
            raise MongoError(14, "'validator' must be an object")
        from .common.filter import compile_filter

        for banned in ("$where", "$near", "$nearSphere", "$text"):
            if banned in validator:
                raise MongoError(2, f"{banned} is not allowed inside of a collection validator")
        compile_filter(validator)
    if options.get("validationLevel", "strict") not in LEVELS:
        raise MongoError(2, f"Enumeration value '{options['validationLevel']}' for field 'validationLevel' is not "
                            "a valid value.")
    if options.get("validationAction", "error") not in ACTIONS:
        raise MongoError(2, f"Enumeration value '{options['validationAction']}' for field 'validationAction' is "
                            "not a valid value.")


class Validator:
    def __init__(self, options: dict) -> None:
        from .common.filter import compile_filter

        self.pred: Callable[[dict], bool] = compile_filter(options["validator"])
        self.level = options.get("validationLevel", "strict")
        self.action = options.get("validationAction", "error")
        first = next(iter(options["validator"]), "")
        self.operator = first if first.startswith("$") else "$and"

    def check(self, new: dict, old: dict | None = None) -> None:
        if self.level == "off" or BYPASS.get():
            return
        if old is not None and self.level == "moderate" and not self.pred(old):
            return  # moderate: documents that were already invalid may be updated freely
        if self.pred(new):
            return
        if self.action == "warn":
            log.warning("mongo: document %r failed validation (validationAction: warn)", new.get("_id"))
            return
        raise MongoError(121, "Document failed validation",
                         errInfo={"failingDocumentId": new.get("_id"), "details": {"operatorName": self.operator}})


def for_options(options: dict) -> Validator | None:
    return Validator(options) if options.get("validator") else None


__all__ = ["BYPASS", "Validator", "check_options", "for_options"]
