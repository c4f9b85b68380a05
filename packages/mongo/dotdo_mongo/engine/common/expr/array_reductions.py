"""$sum, $avg, $min, $max used as expressions over arrays or argument lists."""
from __future__ import annotations

from . import OPS, _args


def _array_acc(name: str):
    def build(arg):
        fs = _args(arg)

        def f(doc, v):
            vals = [g(doc, v) for g in fs]
            if len(fs) == 1 and isinstance(vals[0], list):
                vals = vals[0]
            from ..accumulate import reduce_values

            return reduce_values(name, vals)

        return f

    return build


for _n in ("$sum", "$avg", "$min", "$max"):
    OPS[_n] = _array_acc(_n)
