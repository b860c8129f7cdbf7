"""What the conclusions hang on: tornado charts, Sobol indices, distributions, scenario discovery.

- :func:`tornado`: one-at-a-time swings of an output from the base case (``oat`` designs).
- :func:`sobol_indices`: first-order and total Sobol indices with bootstrap confidence intervals
  (SALib's estimators, Saltelli et al. 2010 / Jansen 1999) from a ``sobol`` design.
- :func:`distributions`: quantiles of every output over the design.
- :func:`prim`: the Patient Rule Induction Method (Friedman & Fisher 1999) as used for scenario
  discovery (Bryant & Lempert 2010): peel the parameter space, ``alpha`` of the points at a time,
  towards the region where the plan fails a threshold; the box reported is the last on the
  peeling trajectory whose density of failures is highest while it still holds at least
  ``min_mass`` of the points.

References
----------
.. [1] Friedman, J. H., Fisher, N. I. (1999). Bump hunting in high-dimensional data.
   Statistics and Computing 9, 123-143.
.. [2] Bryant, B. P., Lempert, R. J. (2010). Thinking inside the box: a participatory,
   computer-assisted approach to scenario discovery. Technological Forecasting & Social Change 77.
.. [3] Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
   estimator for the total sensitivity index. Computer Physics Communications 181, 259-270.
"""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def numeric_outputs(table: pd.DataFrame, meta: dict[str, Any]) -> list[str]:
    """Output columns that are numbers (keyed outputs as ``name.key``)."""
    factors = {f["name"] for f in meta["factors"]}
    skip = {"row", "variant_id", "seed", "status", "error", *factors}
    return [c for c in table.columns if c not in skip and pd.api.types.is_numeric_dtype(table[c]) and table[c].notna().any()]


def tornado(table: pd.DataFrame, meta: dict[str, Any], output: str) -> pd.DataFrame:
    """Swing of ``output`` per factor in a one-at-a-time design, largest first.

    Columns: factor, low/high (the factor values giving the lowest/highest output), out_low,
    out_high, base (output at the base case), swing = out_high - out_low.
    """
    oat = meta.get("oat") or []
    if meta.get("method") != "oat" or len(oat) != len(table):
        raise ValueError("tornado charts need a one-at-a-time (oat) design")
    y = table[output].to_numpy(float)
    base = float(y[0])
    rows = []
    for f in meta["factors"]:
        idx = [i for i, (n, _) in enumerate(oat) if n == f["name"]]
        if not idx:
            continue
        vals = [(y[i], oat[i][1]) for i in idx if np.isfinite(y[i])] + [(base, f["base"])]
        lo, hi = min(vals, key=lambda t: t[0]), max(vals, key=lambda t: t[0])
        rows.append({"factor": f["name"], "low": lo[1], "high": hi[1], "out_low": lo[0], "out_high": hi[0], "base": base, "swing": hi[0] - lo[0]})
    df = pd.DataFrame(rows, columns=["factor", "low", "high", "out_low", "out_high", "base", "swing"])
    return df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def sobol_indices(y: np.ndarray, names: list[str], *, seed: int = 0, resamples: int = 200) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices of ``y`` from a Saltelli design
    (``N (D + 2)`` rows, no second order), with 95 % bootstrap confidence half-widths."""
    from backstop.errors import require

    sobol = require("SALib.analyze.sobol", "sweep", "Sobol indices")
    d = len(names)
    y = np.asarray(y, float)
    if len(y) % (d + 2):
        raise ValueError(f"{len(y)} outputs is not a multiple of D + 2 = {d + 2}: not a Saltelli design")
    if not np.all(np.isfinite(y)):
        raise ValueError("missing outputs (failed variants): Sobol indices need every row")
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant outputs give 0/0
        si = sobol.analyze(problem, y, calc_second_order=False, num_resamples=resamples, conf_level=0.95, seed=seed, print_to_console=False)
    return pd.DataFrame({"factor": names, "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})


def distributions(table: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """Quantiles of each output over the design (failed variants left out)."""
    rows = []
    for o in outputs:
        v = table[o].to_numpy(float)
        v = v[np.isfinite(v)]
        if not len(v):
            continue
        q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
        rows.append({"output": o, "n": len(v), "mean": float(v.mean()), "min": float(v.min()), "p05": q[0], "p25": q[1], "median": q[2], "p75": q[3], "p95": q[4], "max": float(v.max())})
    return pd.DataFrame(rows)


def fails(table: pd.DataFrame, threshold: dict[str, Any]) -> np.ndarray:
    """Rows where the plan fails ``threshold`` (``output op value``); missing outputs never fail."""
    v = table[threshold["output"]].to_numpy(float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v), OPS[threshold["op"]](v, threshold["value"]), False)


@dataclass
class Box:
    """A box of parameter space: limits on some factors, and how well it captures failures."""

    limits: dict[str, tuple[Any, Any] | list[Any]]  # numeric: (low, high); categorical: kept values
    coverage: float  # share of all failures inside the box
    density: float  # share of the points inside the box that fail
    mass: float  # share of all points inside the box
    n: int
    trajectory: list[tuple[float, float, float]] = field(default_factory=list)  # (coverage, density, mass) per peel
    flags: frozenset[str] = frozenset()  # yes/no factors (limits (1, 1) = yes, (0, 0) = no)

    def describe(self) -> list[str]:
        out = []
        for k, v in self.limits.items():
            if isinstance(v, list):
                out.append(f"{k} in {{{', '.join(str(x) for x in v)}}}")
            elif k in self.flags and v[0] == v[1]:
                out.append(f"{k} is {'yes' if v[0] else 'no'}")
            elif v[0] == v[1]:
                out.append(f"{k} = {v[0]:.4g}")
            else:
                out.append(f"{v[0]:.4g} <= {k} <= {v[1]:.4g}")
        return out


def prim(x: pd.DataFrame, y: np.ndarray, *, alpha: float = 0.05, min_mass: float = 0.05) -> Box:
    """Scenario discovery with PRIM's peeling (Friedman & Fisher 1999).

    Parameters
    ----------
    x : DataFrame
        Factor values, one row per variant: numbers, booleans or categories (strings).
    y : array of bool
        Whether the plan fails in each variant.
    alpha : float
        Share of the points in the box peeled at each step (the peel chosen maximises the gain
        in density per point removed).
    min_mass : float
        Smallest share of points a box may keep.

    Returns
    -------
    Box
        The box of highest failure density on the trajectory (the earliest, i.e. largest, when
        several tie), its limits restricted only on the factors that were peeled.
    """
    y = np.asarray(y, bool)
    n = len(y)
    total = y.sum()
    inside = np.ones(n, bool)
    cols = list(x.columns)
    kinds = {c: ("num" if (pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c])) else "cat") for c in cols}
    num = {c: x[c].astype(float).to_numpy() for c in cols if kinds[c] == "num"}
    cat = {c: x[c].astype(str).to_numpy() for c in cols if kinds[c] == "cat"}
    limits: dict[str, Any] = {c: (float(np.min(num[c])), float(np.max(num[c]))) for c in num}
    limits.update({c: sorted(set(cat[c].tolist())) for c in cat})
    if total == 0:
        return Box({}, 0.0, 0.0, 1.0, n, [])
    traj = [(1.0, float(total / n), 1.0)]
    boxes = [({}, inside.copy())]
    while inside.sum() / n > min_mass:
        best = None
        m_in = inside.sum()
        for c in cols:
            if kinds[c] == "num":
                v = num[c][inside]
                for side in ("low", "high"):
                    q = np.quantile(v, alpha if side == "low" else 1 - alpha, method="lower" if side == "low" else "higher")
                    drop = inside & ((num[c] <= q) if side == "low" else (num[c] >= q))
                    if drop.sum() == 0 or drop.sum() >= m_in:
                        continue
                    keep = inside & ~drop
                    cand = (_gain(y, inside, keep, n), -drop.sum(), c, side, q, keep)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
            else:
                for val in sorted(set(cat[c][inside].tolist())):
                    drop = inside & (cat[c] == val)
                    if drop.sum() >= m_in:
                        continue
                    keep = inside & ~drop
                    cand = (_gain(y, inside, keep, n), -drop.sum(), c, "cat", val, keep)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
        if best is None:
            break
        dens, _, c, side, q, keep = best
        if keep.sum() / n < min_mass:
            break
        inside = keep
        lim = dict(boxes[-1][0])
        if side == "cat":
            lim[c] = sorted(set(cat[c][inside].tolist()))
        else:
            vals = num[c][inside]
            lim[c] = (float(vals.min()), float(vals.max()))
        boxes.append((lim, inside.copy()))
        traj.append((float(y[inside].sum() / total), float(y[inside].mean()), float(inside.sum() / n)))
    dens = [t[1] for t in traj]
    k = int(np.argmax(np.round(dens, 12)))
    lim, mask = boxes[k]
    flags = frozenset(c for c in cols if pd.api.types.is_bool_dtype(x[c]))
    return Box(lim, traj[k][0], traj[k][1], traj[k][2], int(mask.sum()), traj, flags)


def _gain(y: np.ndarray, inside: np.ndarray, keep: np.ndarray, n: int) -> float:
    """The 'lenient' peeling objective (as EMA Workbench's default): increase of the box's
    failure density per share of points removed, so that dropping a whole category is weighed
    against the points it costs."""
    return float((y[keep].mean() - y[inside].mean()) / ((inside.sum() - keep.sum()) / n))


def discover(table: pd.DataFrame, meta: dict[str, Any], threshold: dict[str, Any]) -> dict[str, Any]:
    """Scenario discovery for one threshold: share failing and the PRIM box."""
    ok = table["status"] == "ok"
    t = table[ok]
    y = fails(t, threshold)
    x = t[[f["name"] for f in meta["factors"]]].copy()
    for f in meta["factors"]:
        if f.get("is_date"):
            x[f["name"]] = pd.to_datetime(x[f["name"]]).map(lambda d: d.toordinal()).astype(float)
    box = prim(x, y)
    return {"threshold": threshold, "n": int(len(t)), "failing": int(y.sum()), "share": float(y.mean()) if len(t) else 0.0, "box": box}
