"""sqlglot's postgres dialect with the calls dotdo must see as written.

sqlglot rewrites some PostgreSQL functions into portable nodes that drop what PostgreSQL means:
json_extract_path becomes the -> operator (losing its name and its
variadic path); to_char's template becomes strftime codes (losing FM, MS, Month's padding), regexp_replace's flags
and to_timestamp's and to_date's templates likewise; array_position's start argument is dropped, date_part
(double precision) would become extract (numeric). Parsed here as plain calls, the Rewriter types them itself."""
from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType

from .pg_names import SQLGLOT_POSTGRES

NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")  # Unicode's normal forms, as normalize() and IS NORMALIZED name them


def _as_written(name: str):
    return lambda args: exp.Anonymous(this=name, expressions=args)


def _every(args):
    # every() is bool_and under another name: an aggregate for GROUP BY checks, named "every"
    node = exp.LogicalAnd(this=args[0])
    node.meta["pg_name"] = "every"
    return node


def _precision_call(parser, node: type, name: str) -> exp.Expression:
    """CURRENT_TIMESTAMP(p), LOCALTIME(p) ...: a precision and nothing else (a syntax error at ")")."""
    if parser._match(TokenType.R_PAREN, advance=False):
        parser.raise_error("Expected a precision", parser._curr)
    call = node(this=parser._parse_bitwise())
    call.meta["written_as"] = name.lower()  # the output column's name
    return call


def _named(node: exp.Expression, name: str) -> exp.Expression:
    node.meta["pg_name"] = name
    return node


class DotdoPostgres(Postgres):
    # a call sqlglot reads as one of its own functions keeps the name it was written with: PostgreSQL
    # names the output column after it (log10, ceiling, substr, strpos ...), not after sqlglot's node
    ORIGINAL_NAME_META_KEY = "written_as"

    class Tokenizer(Postgres.Tokenizer):
        # current_role is a reserved word, as current_user: sqlglot's postgres reads it as a column
        KEYWORDS = {**Postgres.Tokenizer.KEYWORDS, "CURRENT_ROLE": TokenType.CURRENT_ROLE}

    class Parser(Postgres.Parser):
        # a name PostgreSQL has no function of (iif, instr, hex, ifnull ...) stays the call it was
        # written as, refused by its name (expressions._anonymous), never read as another dialect's function
        FUNCTIONS = {
            **{k: v for k, v in Postgres.Parser.FUNCTIONS.items() if k.lower() in SQLGLOT_POSTGRES},
            **{n.upper(): _as_written(n)
               for n in ("to_char", "to_timestamp", "to_date", "regexp_replace", "array_position", "date_part",
                         "json_extract_path", "json_extract_path_text", "json_strip_nulls")},
            "EVERY": _every,
            "ROW": lambda args: exp.Tuple(expressions=args),  # ROW(1, 'a') is the row (1, 'a')
            # like(string, pattern): sqlglot reads SQLite's like(pattern, string)
            "LIKE": lambda args: exp.Like(this=args[0], expression=args[1]),
            # sqlglot reads var_samp as variance and var_pop as variance_pop: keep PostgreSQL's names
            "VAR_SAMP": lambda args: _named(exp.Variance(this=args[0]), "var_samp"),
            "VAR_POP": lambda args: _named(exp.VariancePop(this=args[0]), "var_pop"),
            # log10(x) is log(x); sqlglot would make it log(10, x), PostgreSQL's numeric two-argument log
            "LOG10": lambda args: _named(exp.Log(this=args[0]), "log10"),
            # the function forms are named after the function, their operators (%, ^) "?column?"
            "MOD": lambda args: _named(exp.Mod(this=args[0], expression=args[1]), "mod") if len(args) == 2
            else exp.Anonymous(this="mod", expressions=args),
            "POWER": lambda args: _named(exp.Pow(this=args[0], expression=args[1]), "power") if len(args) == 2
            else exp.Anonymous(this="power", expressions=args),
            "POW": lambda args: _named(exp.Pow(this=args[0], expression=args[1]), "pow") if len(args) == 2
            else exp.Anonymous(this="pow", expressions=args),
            "DIV": _as_written("div"),
            # concat() and concat_ws() with no arguments: a call PostgreSQL has no function for (42883),
            # where sqlglot's node would fail to parse (42601)
            **{n.upper(): (lambda node, name: lambda args, dialect: node(args, dialect) if args
                           else exp.Anonymous(this=name, expressions=[]))(Postgres.Parser.FUNCTIONS[n.upper()], n)
               for n in ("concat", "concat_ws")},
        }

        # PostgreSQL's prefix operators |/ (square root), ||/ (cube root) and @ (absolute value) take
        # an additive expression (|/ 25 + 11 is 6) and name their column "?column?"
        UNARY_PARSERS = {
            **Postgres.Parser.UNARY_PARSERS,
            TokenType.PIPE_SLASH: lambda self: _named(exp.Sqrt(this=self._parse_term()), "?column?"),
            TokenType.DPIPE_SLASH: lambda self: _named(exp.Cbrt(this=self._parse_term()), "?column?"),
        }
        PLACEHOLDER_PARSERS = {
            **Postgres.Parser.PLACEHOLDER_PARSERS,
            TokenType.PARAMETER: lambda self: _named(exp.Abs(this=self._parse_term()), "?column?")
            if self._prev.text == "@" else self._parse_parameter(),
        }

        def _parse_types(self, *args, **kwargs):
            # oid[] / regtype[]: sqlglot reads an object-identifier type and stops before its brackets
            # (asyncpg's type introspection casts $1::oid[])
            this = super()._parse_types(*args, **kwargs)
            if isinstance(this, exp.ObjectIdentifier) and self._match_pair(TokenType.L_BRACKET, TokenType.R_BRACKET):
                element = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=this.name.lower())
                return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
            return this

        # date_part is double precision; sqlglot's own parser would make it extract (numeric)
        FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items()
                            if k != "DATE_PART" and k.lower() in SQLGLOT_POSTGRES}
        # SQL's clock and user keywords are no functions: CURRENT_DATE(), CURRENT_USER() are syntax
        # errors at "(", and the clocks take only a precision (CURRENT_TIMESTAMP() is one at ")")
        FUNCTION_PARSERS.update({
            **{name: lambda self: self.raise_error("Expected no parentheses", self._prev)
               for name in ("CURRENT_DATE", "CURRENT_USER", "SESSION_USER", "CURRENT_CATALOG", "CURRENT_ROLE")},
            **{name: (lambda node, name: lambda self: _precision_call(self, node, name))(node, name)
               for name, node in (("CURRENT_TIMESTAMP", exp.CurrentTimestamp), ("CURRENT_TIME", exp.CurrentTime),
                                  ("LOCALTIMESTAMP", exp.Localtimestamp), ("LOCALTIME", exp.Localtime))},
        })
        # jsonb_agg is json_agg's node under its own name: an aggregate (AggFunc) to every check that
        # asks, as sqlglot's own node classes make json_agg, array_agg and the rest
        FUNCTION_PARSERS["JSONB_AGG"] = lambda self: _named(Postgres.Parser.FUNCTION_PARSERS["JSON_AGG"](self), "jsonb_agg")

        def _parse_is(self, this):
            # x IS [NOT] [NFC|NFD|NFKC|NFKD] NORMALIZED: PostgreSQL's call of pg_catalog.is_normalized(x
            # [, 'form']) (named is_normalized, negated by NOT); sqlglot would read a column NORMALIZED
            index = self._index
            negate = self._match(TokenType.NOT)
            form = None
            if self._curr and self._next and self._next.text.upper() == "NORMALIZED":
                if self._curr.text.upper() not in NORMAL_FORMS:
                    self.raise_error("Expected a normal form", self._curr)
                form = self._curr.text.upper()
                self._advance()
            if not self._match_text_seq("NORMALIZED"):
                self._retreat(index)
                return super()._parse_is(this)
            args = [this] + ([exp.Literal.string(form)] if form else [])
            node = exp.Anonymous(this="is_normalized", expressions=args)
            node.meta["system_call"] = True  # its errors name pg_catalog.is_normalized, as PostgreSQL's do
            return self._parse_column_ops(exp.Not(this=node) if negate else node)

        def _parse_type(self, *args, **kwargs):
            i = self._index
            node = super()._parse_type(*args, **kwargs)
            # TIMESTAMP '...'::date: sqlglot applies the ::date to the string before the typed
            # literal's cast, so the casts would run in the wrong order
            if isinstance(node, exp.Cast) and isinstance(node.this, exp.Cast) and i + 1 < len(self._tokens) \
                    and self._tokens[i].token_type != TokenType.STRING \
                    and self._tokens[i + 1].token_type == TokenType.STRING:
                chain = []
                inner = node.this
                while isinstance(inner, exp.Cast):
                    chain.append(inner.args["to"])
                    inner = inner.this
                if isinstance(inner, exp.Literal):
                    rebuilt = exp.Cast(this=inner, to=node.args["to"])
                    for to in reversed(chain):
                        rebuilt = exp.Cast(this=rebuilt, to=to)
                    return rebuilt
            return node
