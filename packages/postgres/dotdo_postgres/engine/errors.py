"""PostgreSQL errors as the engine raises them: SQLSTATE, message, detail — what ErrorResponse carries."""
from __future__ import annotations

import re

# The separator of a non-public schema's catalog keys (schemas.py): errors show relations by their
# bare names, as PostgreSQL does, so a key's schema prefix is dropped from every text an error carries.
SEP = "\x1f"
_PREFIX = re.compile(f"[^{SEP}\"'\\s(),]*{SEP}")


def clean_text(text: str | None) -> str | None:
    """`text` with each catalog key shown by its bare name (`relation "t" already exists`)."""
    if text is None or SEP not in text:
        return text
    return _PREFIX.sub("", text)


class PgError(Exception):
    """An error a PostgreSQL server would report; the genuine client maps `sqlstate` to its own class."""

    def __init__(self, sqlstate: str, message: str, *, detail: str | None = None, hint: str | None = None,
                 position: int | None = None, severity: str = "ERROR", constraint: str | None = None,
                 table: str | None = None, column: str | None = None) -> None:
        message = clean_text(message)  # type: ignore[assignment]
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message
        self.detail = clean_text(detail)
        self.hint = clean_text(hint)
        self.position = position
        self.severity = severity
        self.constraint = clean_text(constraint)
        self.table = clean_text(table)
        self.column = column

    def __repr__(self) -> str:
        return f"PgError({self.sqlstate}, {self.message!r})"


def unsupported(feature: str) -> PgError:
    """dotdo cannot run this: say so with the feature named, never answer wrongly."""
    return PgError("0A000", f"{feature} is not supported by dotdo")


def syntax_error(near: str | None = None, position: int | None = None) -> PgError:
    msg = f'syntax error at or near "{near}"' if near else "syntax error at end of input"
    return PgError("42601", msg, position=position)


def undefined_table(name: str) -> PgError:
    return PgError("42P01", f'relation "{name}" does not exist')


def undefined_column(name: str, table: str | None = None) -> PgError:
    if table:
        return PgError("42703", f'column "{name}" of relation "{table}" does not exist')
    return PgError("42703", f'column "{name}" does not exist')


def undefined_function(name: str, argtypes: str = "") -> PgError:
    return PgError("42883", f"function {name}({argtypes}) does not exist",
                   hint="No function matches the given name and argument types. You might need to add explicit type casts.")


def invalid_text(type_name: str, value: str) -> PgError:
    return PgError("22P02", f'invalid input syntax for type {type_name}: "{value}"')


FAILED_TRANSACTION = ("25P02", "current transaction is aborted, commands ignored until end of transaction block")
