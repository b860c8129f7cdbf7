"""Designs: which parameter values each variant takes.

A parameter becomes one *factor* (a ``withdraw`` parameter one yes/no factor per nation).  Every
design is built in the unit hypercube and mapped through each factor's quantile function, so all
designs share one definition of the distributions:

- ``grid``: every combination of ``levels`` values per continuous factor (all values of a
  discrete one);
- ``lhs``: a Latin hypercube (McKay, Beckman & Conover 1979), ``scipy.stats.qmc``;
- ``sobol``: Saltelli's extension of a scrambled Sobol' sequence (Saltelli 2002; Saltelli et al.
  2010), ``SALib.sample.sobol``, ``N (D + 2)`` rows, so that first and total indices can be
  estimated (:func:`backstop.sweep.analysis.sobol_indices`);
- ``oat``: one at a time: the base case, then each factor over its levels with the others at
  their base values (tornado charts).

Each variant's id is a hash of its parameter values; its seed is derived from the sweep's seed
and that id, so the table does not depend on the order or the place variants run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Factor:
    """One dimension of the design (a column of the results table)."""

    name: str
    param: int  # index of its [[parameter]]
    kind: str  # range | choice | flag
    low: float = 0.0
    high: float = 1.0
    dist: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False
    is_date: bool = False
    values: tuple = ()
    p: float = 0.5
    base: Any = None

    def value(self, u: float) -> Any:
        """The factor's value at quantile ``u`` in [0, 1)."""
        u = min(max(float(u), 0.0), 1.0 - 1e-12)
        if self.kind == "flag":
            return bool(u < self.p)
        if self.kind == "choice":
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        lo, hi = self.low, self.high
        if hi == lo:
            x = lo
        elif self.dist == "uniform":
            x = lo + u * (hi - lo)
        elif self.dist == "loguniform":
            x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        elif self.dist == "triangular":
            from scipy import stats

            mode = (lo + hi) / 2 if self.mode is None else self.mode
            x = float(stats.triang.ppf(u, (mode - lo) / (hi - lo), loc=lo, scale=hi - lo))
        else:  # truncated normal
            from scipy import stats

            mu = (lo + hi) / 2 if self.mean is None else self.mean
            sd = (hi - lo) / 6 if self.sd is None else self.sd
            x = float(stats.truncnorm.ppf(u, (lo - mu) / sd, (hi - mu) / sd, loc=mu, scale=sd))
        return self._cast(x)

    def _cast(self, x: float) -> Any:
        if self.is_date:
            return dt.date.fromordinal(int(math.floor(x + 0.5)))
        if self.integer:
            return int(math.floor(x + 0.5))
        return float(x)

    def levels(self, n: int) -> list[Any]:
        """``n`` values evenly spread over the range (all values of a discrete factor)."""
        if self.kind == "flag":
            return [False, True]
        if self.kind == "choice":
            return list(self.values)
        xs = np.linspace(self.low, self.high, n)
        out = list(dict.fromkeys(self._cast(float(x)) for x in xs))
        return out


def factors_of(spec, bindings) -> list[Factor]:
    """The factors of ``spec``'s parameters; ``bindings[i]`` is the bound path of parameter ``i``
    (its current value gives the default base case)."""
    from backstop.sweep.apply import ConfigBinding, TableBinding, WithdrawBinding

    out = []
    for i, (p, b) in enumerate(zip(spec.parameter, bindings, strict=True)):
        if isinstance(b, WithdrawBinding):
            out += [Factor(f"{p.name}.{n}", i, "flag", p=p.p_withdraw, base=False) for n in b.nations]
            continue
        current = None
        if p.op == "scale":
            current = 1.0
        elif isinstance(b, ConfigBinding):
            current = b.current
        elif isinstance(b, TableBinding):
            if p.op == "share":
                tot = sum(b.current)
                current = sum(c for r, c in zip(b.rows, b.current, strict=True) if r in b.share_rows) / tot if tot else None
            elif len(set(b.current)) == 1:
                current = b.current[0]
        if p.values is not None:
            base = p.base if p.base is not None else (current if current in p.values else p.values[0])
            out.append(Factor(p.name, i, "choice", values=tuple(p.values), base=base))
            continue
        is_date = isinstance(p.low, dt.date)
        lo = p.low.toordinal() if is_date else float(p.low)
        hi = p.high.toordinal() if is_date else float(p.high)
        integer = p.integer or (isinstance(b, (ConfigBinding, TableBinding)) and p.op == "set" and _is_int(b))
        f = Factor(p.name, i, "range", lo, hi, p.dist, p.mode, p.mean, p.sd, integer, is_date)
        base = p.base
        if base is None:
            in_range = current is not None and not isinstance(current, bool) and isinstance(current, (int, float, dt.date)) and lo <= (current.toordinal() if isinstance(current, dt.date) else current) <= hi
            base = current if in_range else f.value(0.5)
        out.append(dataclass_replace(f, base=base))
    return out


def _is_int(b) -> bool:
    from backstop.sweep.apply import TableBinding

    if isinstance(b, TableBinding):
        return b.integer
    return b.annotation is int


def dataclass_replace(f: Factor, **kw) -> Factor:
    from dataclasses import replace

    return replace(f, **kw)


@dataclass(frozen=True)
class Design:
    """The design: one dict of factor values per row, in design order."""

    method: str
    factors: tuple[Factor, ...]
    rows: tuple[dict[str, Any], ...]
    second_order: bool = False
    notes: tuple[str, ...] = ()
    oat: tuple[tuple[str, Any], ...] = ()  # for oat: (factor varied or '' for the base case, its value)

    def __len__(self) -> int:
        return len(self.rows)


def size(method: str, n_factors: int, samples: int, levels_of: list[int]) -> int:
    """Rows the design will have (checked against ``max_variants`` before sampling)."""
    if method == "lhs":
        return samples
    if method == "sobol":
        return samples * (n_factors + 2)
    if method == "grid":
        return math.prod(levels_of)
    return 1 + sum(n - 1 for n in levels_of)


def _lhs(d: int, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    try:
        engine = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed))
    except TypeError:  # SciPy < 1.15
        engine = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed))
    return engine.random(n)


def saltelli_unit(d: int, n: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """Saltelli's sample of the unit hypercube, ``n (d + 2)`` rows (first and total indices)."""
    from backstop.errors import require

    sobol = require("SALib.sample.sobol", "sweep", "Sobol designs")
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    for w in caught:
        notes.append(f"SALib: {w.message}")
    return x, notes


def build(spec, factors: list[Factor]) -> Design:
    """The design of ``spec`` over ``factors``."""
    ds = spec.design
    d = len(factors)
    if ds.method == "lhs":
        u = _lhs(d, ds.samples, ds.seed)
        rows = [{f.name: f.value(x) for f, x in zip(factors, r, strict=True)} for r in u]
        return Design("lhs", tuple(factors), tuple(rows))
    if ds.method == "sobol":
        u, notes = saltelli_unit(d, ds.samples, ds.seed)
        rows = [{f.name: f.value(x) for f, x in zip(factors, r, strict=True)} for r in u]
        return Design("sobol", tuple(factors), tuple(rows), notes=tuple(notes))
    levels = [f.levels(ds.levels) for f in factors]
    if ds.method == "grid":
        rows = [dict(zip([f.name for f in factors], combo, strict=True)) for combo in itertools.product(*levels)]
        return Design("grid", tuple(factors), tuple(rows))
    base = {f.name: f.base for f in factors}
    rows, oat = [dict(base)], [("", None)]
    for f, lv in zip(factors, levels, strict=True):
        for v in lv:
            if v == f.base:
                continue
            rows.append({**base, f.name: v})
            oat.append((f.name, v))
    return Design("oat", tuple(factors), tuple(rows), oat=tuple(oat))


def jsonable_value(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def variant_id(values: dict[str, Any]) -> str:
    """Stable id of a variant: a hash of its parameter values (16 hex digits)."""
    text = json.dumps({k: jsonable_value(v) for k, v in sorted(values.items())}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def variant_seed(base_seed: int, vid: str) -> int:
    """Seed of a variant, derived from the sweep's seed and the variant id (fits in 32 bits)."""
    return int(hashlib.sha256(f"{base_seed}/{vid}".encode()).hexdigest()[:8], 16)
