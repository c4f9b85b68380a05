"""Type keywords written like calls: char(65), varchar('1'), time('10:00'), int('1'), numeric(1).

PostgreSQL's grammar reads such a name as the start of a typed constant (char(65) 'x' is a
char(65) value), never as a function: the call form is a syntax error, reported at the first token
its grammar rejects. sqlglot reads them as calls, so the parsed statement is checked here and the
error PostgreSQL gives (message and position) is raised."""
from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import Token, TokenType

from .errors import syntax_error, unsupported

# keywords with no type modifiers: the "(" itself is the error
_NO_MODIFIERS = {"int", "integer", "smallint", "bigint", "real", "boolean"}
# keywords taking one integer modifier (a length or a precision)
_INTEGER_MODIFIER = {"char", "character", "varchar", "nchar", "time", "timestamp", "interval", "float"}
# keywords taking a list of expressions as modifiers
_EXPRESSION_MODIFIERS = {"numeric", "decimal", "dec", "bit"}
TYPE_KEYWORDS = _NO_MODIFIERS | _INTEGER_MODIFIER | _EXPRESSION_MODIFIERS

_MAY_CALL = re.compile(r"\b(?:" + "|".join(sorted(TYPE_KEYWORDS)) + r")\s*\(", re.I)
# tokens after which a type name is a type (x::int(...), CAST(x AS numeric(5)), a column definition)
_TYPE_CONTEXT = {TokenType.DCOLON, TokenType.ALIAS, TokenType.VAR, TokenType.IDENTIFIER}


# where a bare type sqlglot parsed (time(3) WITH TIME ZONE) stands as a value, not as a type
_VALUE_PLACES = (exp.Select, exp.Alias, exp.Binary, exp.Where, exp.Paren, exp.Tuple)


def _called_keyword(stmt: exp.Expression) -> str | None:
    """The first type keyword the parsed statement holds as a call."""
    for node in stmt.find_all(exp.Anonymous, exp.DataType, exp.Interval):
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
        elif isinstance(node, exp.Interval):
            name = "interval" if isinstance(node.this, exp.Paren) else ""  # interval('1')
        else:
            name = node.this.value.lower() if node.expressions and isinstance(node.parent, _VALUE_PLACES) else ""
            name = {"timetz": "time", "timestamptz": "timestamp"}.get(name, name)
        if name in TYPE_KEYWORDS:
            return name
    return None


def check(sql: str, stmts: list[exp.Expression]) -> None:
    """Raise PostgreSQL's 42601 if a statement calls a type keyword like a function."""
    if not _MAY_CALL.search(sql):
        return
    for stmt in stmts:
        name = _called_keyword(stmt) if stmt is not None else None
        if name is not None:
            raise _error_at(sql, name)


def _error_at(sql: str, name: str):
    tokens = Postgres().tokenize(sql)
    for i, tok in enumerate(tokens[:-1]):
        if tok.text.lower() == name and tokens[i + 1].token_type == TokenType.L_PAREN and \
                (i == 0 or tokens[i - 1].token_type not in _TYPE_CONTEXT):
            return _grammar_error(sql, tokens, i, name)
    return syntax_error("(")  # not found as written (the text was rewritten before parsing)


def _grammar_error(sql: str, tokens: list[Token], i: int, name: str):
    """Where PostgreSQL's grammar stops on `name ( ...`: the token it rejects, or the end of input."""
    paren = i + 1
    if name in _NO_MODIFIERS:
        return _at(sql, tokens, paren)
    if name in _INTEGER_MODIFIER:
        size = paren + 1
        if size >= len(tokens) or tokens[size].token_type != TokenType.NUMBER or not tokens[size].text.isdigit():
            return _at(sql, tokens, size)
        close = size + 1
        if close >= len(tokens) or tokens[close].token_type != TokenType.R_PAREN:
            return _at(sql, tokens, close)
    else:
        close = _matching_paren(tokens, paren)
    after = close + 1
    if name in ("time", "timestamp"):
        after = _skip_time_zone(tokens, after)
    if after < len(tokens) and tokens[after].token_type == TokenType.STRING:
        # a typed constant with type modifiers (char(3) 'abc'): valid, but sqlglot reads a call
        return unsupported(f"the typed constant {name}(...) '...'")
    return _at(sql, tokens, after)


def _matching_paren(tokens: list[Token], paren: int) -> int:
    depth = 0
    for j in range(paren, len(tokens)):
        if tokens[j].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[j].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _skip_time_zone(tokens: list[Token], j: int) -> int:
    """time(3) WITH TIME ZONE is still the type: the string constant is due after it."""
    words = [t.text.upper() for t in tokens[j:j + 3]]
    if words[:3] in (["WITH", "TIME", "ZONE"], ["WITHOUT", "TIME", "ZONE"]):
        return j + 3
    return j


def _at(sql: str, tokens: list[Token], j: int):
    if j >= len(tokens):
        return syntax_error(None, len(sql.rstrip()) + 1)
    tok = tokens[j]
    text = sql[tok.start:tok.end + 1]
    return syntax_error(text, tok.start + 1)
