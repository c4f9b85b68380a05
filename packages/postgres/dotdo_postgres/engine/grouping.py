"""GROUPING SETS, ROLLUP and CUBE as a UNION ALL of one GROUP BY per grouping set, which is exact:
each set's rows are the plain GROUP BY over that set, with the columns it does not group by as
NULL and GROUPING(...) as the constant bit mask PostgreSQL computes for that set.

What a union cannot express exactly (DISTINCT or window functions over the combined rows, sets
nested inside GROUPING SETS) answers 0A000."""
from __future__ import annotations

import itertools

from sqlglot import exp

from .errors import unsupported

_SET_NODES = (exp.Rollup, exp.Cube, exp.GroupingSets)


def expand_grouping_sets(node: exp.Expression) -> exp.Expression:
    """sqlglot transform: a SELECT grouped by sets becomes the equivalent UNION ALL."""
    if not isinstance(node, exp.Select):
        return node
    group = node.args.get("group")
    if group is None or not any(isinstance(g, _SET_NODES) for g in group.expressions):
        return node
    if node.args.get("distinct") is not None:
        raise unsupported("DISTINCT with GROUPING SETS / ROLLUP / CUBE")
    if any(node.find_all(exp.Window)):
        raise unsupported("window functions with GROUPING SETS / ROLLUP / CUBE")
    sets = _sets(group.expressions)
    every = _unique([e for s in sets for e in s])
    order, limit, offset, with_ = (node.args.get(k) for k in ("order", "limit", "offset", "with"))
    branches = [_branch(node, s, every) for s in sets]
    union: exp.Expression = branches[0]
    for b in branches[1:]:
        union = exp.Union(this=union, expression=b, distinct=False)
    if order is not None:
        union.set("order", _order_by_position(order, node))
    if limit is not None:
        union.set("limit", limit)
    if offset is not None:
        union.set("offset", offset)
    if with_ is not None:
        union.set("with", with_)
    return exp.Subquery(this=union) if isinstance(node.parent, (exp.Union, exp.Intersect, exp.Except)) else union


def _sets(items: list[exp.Expression]) -> list[list[exp.Expression]]:
    """The grouping sets of a GROUP BY list: the cross product of each item's sets, in PostgreSQL's order."""
    per_item = []
    for item in items:
        if isinstance(item, exp.Rollup):
            units = [_unit(u) for u in item.expressions]
            per_item.append([sum(units[:n], []) for n in range(len(units), -1, -1)])
        elif isinstance(item, exp.Cube):
            units = [_unit(u) for u in item.expressions]
            subsets = []
            for size in range(len(units), -1, -1):
                for combo in itertools.combinations(range(len(units)), size):
                    subsets.append(sum((units[i] for i in combo), []))
            per_item.append(subsets)
        elif isinstance(item, exp.GroupingSets):
            per_item.append([_unit(s) for s in item.expressions])
        else:
            per_item.append([[item]])
    return [sum(combo, []) for combo in itertools.product(*per_item)]


def _unit(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, _SET_NODES):
        raise unsupported("ROLLUP, CUBE or GROUPING SETS nested in a grouping set")
    if isinstance(node, exp.Tuple):
        return list(node.expressions)
    if isinstance(node, exp.Paren):
        return _unit(node.this)
    return [node]


def _unique(exprs: list[exp.Expression]) -> list[exp.Expression]:
    seen, out = set(), []
    for e in exprs:
        key = e.sql("postgres")
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _branch(select: exp.Select, grouped: list[exp.Expression], every: list[exp.Expression]) -> exp.Select:
    keys = {e.sql("postgres") for e in grouped}
    absent = {e.sql("postgres") for e in every} - keys
    branch = select.copy()
    for k in ("order", "limit", "offset", "with"):
        branch.set(k, None)
    branch.set("group", exp.Group(expressions=[e.copy() for e in grouped]) if grouped else None)

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Grouping):
            mask = 0
            for arg in node.expressions:
                mask = (mask << 1) | (1 if arg.sql("postgres") in absent else 0)
            return exp.Literal.number(mask)
        if node.sql("postgres") in absent and not node.find_ancestor(exp.AggFunc) and \
                not isinstance(node.parent, exp.Group):
            return exp.Null()
        return node

    from .translate import column_name
    projections = []
    for e in branch.expressions:
        if isinstance(e, exp.Alias):
            projections.append(exp.alias_(e.this.transform(rewrite), e.alias, quoted=e.args["alias"].quoted))
            continue
        new = exp.Null() if e.sql("postgres") in absent else e.transform(rewrite)
        # a NULL or a GROUPING() constant keeps the name PostgreSQL gives the column it stands for
        projections.append(new if new.sql() == e.sql() else exp.alias_(new, column_name(e), quoted=True))
    branch.set("expressions", projections)
    having = branch.args.get("having")
    if having is not None:
        branch.set("having", having.transform(rewrite))
    return branch


def _order_by_position(order: exp.Order, select: exp.Select) -> exp.Order:
    """ORDER BY over the union: a key that is one of the select list's expressions becomes its position."""
    texts = [(e.this if isinstance(e, exp.Alias) else e).sql("postgres") for e in select.expressions]
    keys = []
    for o in order.expressions:
        inner = o.this
        if not isinstance(inner, exp.Literal) and inner.sql("postgres") in texts:
            o = o.copy()
            o.set("this", exp.Literal.number(texts.index(inner.sql("postgres")) + 1))
        keys.append(o)
    return exp.Order(expressions=keys)
