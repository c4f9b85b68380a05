"""Which function names a user may call: PostgreSQL's, never SQLite's own or dotdo's helpers.

Statements run on SQLite, whose built-ins (printf, instr, typeof, json_valid, ...) and dotdo's
registered helpers (pg_cast, pg_num_add, ...) would otherwise answer calls PostgreSQL refuses with
42883. A call passes through to SQLite under its own name only when PostgreSQL has a function of
that name; sqlglot's parser likewise builds its typed nodes only for PostgreSQL's names (dialect.py),
so `iif(...)` or `hex(...)` stay plain calls and are refused here like any unknown name."""
from __future__ import annotations

import functools
from collections.abc import Iterable

import apsw

# SQLite built-ins PostgreSQL also has under the same name (aggregates, window functions, maths,
# text functions); the rules in expressions.py give each PostgreSQL's semantics where they differ
SQLITE_AND_POSTGRES = frozenset({
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "avg", "ceil", "ceiling", "char",
    "concat", "concat_ws", "cos", "cosh", "count", "cume_dist", "degrees", "dense_rank", "exp",
    "first_value", "floor", "format", "json_array_length", "jsonb_insert",
    "jsonb_set", "lag", "last_value", "lead", "length", "like", "ln", "log", "log10", "lower", "ltrim", "max",
    "min", "mod", "nth_value", "ntile", "octet_length", "percent_rank", "percentile_cont", "percentile_disc",
    "pi", "pow", "power", "radians", "random", "rank", "replace", "round", "row_number", "rtrim", "sign", "sin",
    "sinh", "sqrt", "string_agg", "substr", "substring", "sum", "tan", "tanh", "trunc", "unistr", "upper",
})

# PostgreSQL's own pg_* functions that dotdo registers under their name; every other registered
# pg_* name is one of dotdo's helpers (pg_cast, pg_in, pg_num_add ...), emitted by the translator only
POSTGRES_PG_PREFIXED = frozenset({
    "pg_backend_pid", "pg_collation_is_visible", "pg_database_size", "pg_encoding_to_char",
    "pg_function_is_visible", "pg_get_constraintdef", "pg_get_expr", "pg_get_function_arguments",
    "pg_get_function_identity_arguments", "pg_get_function_result", "pg_get_function_sqlbody",
    "pg_get_functiondef", "pg_get_indexdef", "pg_get_serial_sequence", "pg_get_userbyid", "pg_has_role",
    "pg_notify", "pg_relation_size", "pg_size_pretty", "pg_sleep", "pg_table_is_visible", "pg_table_size",
    "pg_type_is_visible", "pg_opclass_is_visible", "pg_opfamily_is_visible",
})

# function names sqlglot's parser knows that PostgreSQL has too (its function or its syntax):
# only these become sqlglot's typed nodes, every other name stays the plain call it was written as
SQLGLOT_POSTGRES = frozenset({
    "abs", "acos", "acosh", "array_agg", "array_append", "array_cat", "array_length", "array_position",
    "array_prepend", "array_remove", "array_to_string", "ascii", "asin", "asinh", "atan", "atan2", "atanh", "avg",
    "bit_and", "bit_length", "bit_or", "bit_xor", "bool_and", "bool_or", "btrim", "cbrt", "ceil", "ceiling",
    "char_length", "character_length", "chr", "concat", "concat_ws", "convert", "corr", "cos", "cosh", "cot", "count",
    "covar_pop", "covar_samp", "cume_dist", "current_database", "current_schema", "current_schemas", "current_user",
    "date_part", "date_trunc", "decode", "degrees", "dense_rank", "div", "encode", "every", "exp",
    "extract", "factorial", "first_value", "floor", "format", "gen_random_uuid", "generate_series", "get_bit", "host",
    "initcap", "json_extract_path", "json_extract_path_text", "json_object_agg", "json_strip_nulls", "jsonb_contains",
    "jsonb_exists", "jsonb_object_agg", "justify_days", "justify_hours", "justify_interval", "lag", "last_value",
    "lead", "left", "length", "like", "ln", "log", "log10", "lower", "lpad", "ltrim", "make_interval", "make_time",
    "make_timestamp", "max", "md5", "min", "mod", "mode", "normalize", "now", "nth_value", "ntile", "overlay",
    "percent_rank", "percentile_cont", "percentile_disc", "pi", "pow", "power", "radians", "random", "rank",
    "regexp_count", "regexp_instr", "regexp_like", "regexp_replace", "regexp_substr", "regr_avgx", "regr_avgy",
    "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "repeat", "replace",
    "reverse", "right", "round", "row_number", "rpad", "rtrim", "session_user", "sha256", "sha384", "sha512", "sign",
    "sin", "sinh", "split_part", "sqrt", "starts_with", "stddev", "stddev_pop", "stddev_samp", "string_to_array",
    "strpos", "substr", "substring", "sum", "tan", "tanh", "to_char", "to_date", "to_hex",
    "to_number", "to_timestamp", "translate", "trunc", "unnest", "upper", "var_pop", "var_samp", "variance",
    "version", "width_bucket",
    # SQL syntax that sqlglot reads through its function table
    "coalesce", "greatest", "least", "nullif", "grouping", "exists", "case", "cast", "trim", "position",
    "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_catalog",
    "current_role", "array", "collation", "xmlelement", "xmltable", "string_agg", "json_agg",
})

# type names PostgreSQL also accepts as a one-argument call, meaning a cast: date('2024-01-01'),
# json('{}'), int4('1') (the others, as int or varchar, are keywords whose call is a syntax error)
FUNCTION_STYLE_CASTS = frozenset({"int2", "int4", "int8", "float4", "float8", "text", "json", "jsonb", "date", "bool",
                                  "uuid", "timestamptz", "name", "oid", "bytea", "bpchar"})


@functools.cache
def sqlite_builtins() -> frozenset[str]:
    """The functions SQLite itself defines (as built here), before dotdo registers any."""
    conn = apsw.Connection(":memory:")
    try:
        return frozenset(r[0].lower() for r in conn.execute("PRAGMA function_list"))
    finally:
        conn.close()


def callable_names(defined: Iterable[str], postgres_pg_names: Iterable[str] = ()) -> set[str]:
    """Of the functions a connection defines, those a user's call may reach by name: SQLite's
    built-ins only where PostgreSQL has the same function, dotdo's pg_* helpers never.
    `postgres_pg_names`: further pg_* names that are PostgreSQL's own (typed by expressions.py)."""
    builtins = sqlite_builtins()
    real_pg = POSTGRES_PG_PREFIXED | set(postgres_pg_names)
    out = set()
    for name in defined:
        if name in builtins and name not in SQLITE_AND_POSTGRES:
            continue
        if name.startswith("pg_") and name not in real_pg:
            continue
        out.add(name)
    return out
