"""sqlglot's postgres dialect with the calls dotdo must see as written.

sqlglot rewrites some PostgreSQL functions into portable nodes that drop what PostgreSQL means:
to_char's template becomes strftime codes (losing FM, MS, Month's padding), regexp_replace's flags
and to_timestamp's template likewise. Parsed here as plain calls, the Rewriter types them itself."""
from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres


def _as_written(name: str):
    return lambda args: exp.Anonymous(this=name, expressions=args)


class DotdoPostgres(Postgres):
    class Parser(Postgres.Parser):
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            **{n.upper(): _as_written(n) for n in ("to_char", "to_timestamp", "regexp_replace")},
        }
