"""Force generation at coalition scale: 60 nations x 2,000 pledge lines x 300 requirement lines x 12 months.

The instance is a seeded synthetic problem (:mod:`backstop.forcegen.synthetic`) with caveats,
buddy nations and the red-line toggle; building it (caveat evaluation, rotation blocks) is not
timed.  Cases:

* ``fill stage``: the priority-weighted fill MILP solved to proven optimality (goal < 10 s);
  reference: the LP relaxation of the same model on HiGHS (the floor any MILP solve pays).
* ``lexicographic``: fill, then fair-share deviation, then cost, in true lexicographic order
  (later stages on the fill stage's LP optimal face; fair share to an absolute gap of 1e-3 of
  the force's unit-months, cost to a relative gap of 1e-3; 15 s limit for each later stage);
  prints each stage's time, status, objective, bound and gap, and the model sizes; reference:
  the fill stage with CBC (PuLP's bundled binary) on the same arrays, 120 s limit.
* ``lexicographic 10 s budget``: the same with 3 s for each later stage (what the goal of
  10 s on 2 cores buys: fill proven, the later stages with their gaps reported).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from bench.common import Case

SEED = 20250904


def build():
    from backstop.forcegen.problem import make_instance
    from backstop.forcegen.synthetic import synthetic_problem

    prob = synthetic_problem(np.random.default_rng(SEED), n_nations=60, n_pledges=2000, n_requirements=300, horizon=12, rotation_months=6, max_qty=6)
    inst, _ = make_instance(prob)
    return inst


def fill_stage(inst) -> dict:
    from backstop.forcegen.model import solve_lexicographic

    s = solve_lexicographic(inst, stages=("fill",), time_limit_s=120)
    rows, cols, nnz = s.size
    r = s.stages[0][1]
    return {"status": s.status, "rows": rows, "cols": cols, "nnz": nnz, "pairs": inst.n_pairs, "weighted_fill": s.fill, "mip_gap": r.mip_gap or 0.0}


def lp_relaxation(inst) -> dict:
    from backstop.forcegen.model import build as build_model
    from backstop.forcegen.model import fill_objective
    from backstop.forcegen.solver import MILP, solve

    m, lay = build_model(inst, fair=False)
    lp = MILP(-fill_objective(inst, lay), m.A, m.row_lo, m.row_hi, m.lb, m.ub, np.zeros_like(m.integrality))
    r = solve(lp, time_limit_s=120)
    return {"status": r.status, "lp_bound": -(r.objective or 0.0)}


def lexicographic(inst, later_time_s: float = 15.0) -> dict:
    from backstop.forcegen.model import solve_lexicographic

    s = solve_lexicographic(inst, time_limit_s=60, later_gap=1e-3, later_time_s=later_time_s)
    rows, cols, nnz = s.size
    out = {"status": s.status, "total_s": round(s.runtime_s, 2), "rows": rows, "cols": cols, "nnz": nnz, "exact_face": s.exact_face,
           "total_fixed": s.total_fixed, "weighted_fill": s.fill, "deviation": round(s.deviation, 3), "cost_usd": s.cost_usd}
    for name, r in s.stages:
        out[f"{name}_s"] = round(r.runtime_s, 2)
        out[f"{name}_status"] = r.status
        out[f"{name}_obj"] = round(float(r.objective), 4) if r.objective is not None else None
        out[f"{name}_bound"] = round(float(r.dual_bound), 4) if r.dual_bound is not None else None
        out[f"{name}_gap"] = round(float(r.mip_gap), 6) if r.mip_gap is not None else -1.0
    for name, r in s.stages:
        print(f"  stage {name:5s} {r.status:10s} {r.runtime_s:7.2f} s  objective {r.objective}  bound {r.dual_bound}  gap {r.mip_gap}")
    print(f"  total {s.runtime_s:.2f} s, status {s.status}; model {rows} rows x {cols} cols, {nnz} nonzeros; " + "; ".join(s.notes))
    return out


def cbc_fill(inst) -> dict:
    import pulp

    from backstop.forcegen.model import build as build_model
    from backstop.forcegen.model import fill_objective

    m, lay = build_model(inst, fair=False)
    c = fill_objective(inst, lay)
    A = m.A.tocsr()
    prob = pulp.LpProblem("fill", pulp.LpMaximize)
    x = [prob.add_variable(f"x{j}", float(m.lb[j]), None if not np.isfinite(m.ub[j]) else float(m.ub[j]), cat="Integer" if m.integrality[j] else "Continuous") for j in range(A.shape[1])]
    prob += pulp.lpSum(float(c[j]) * x[j] for j in np.flatnonzero(c))
    for i in range(A.shape[0]):
        lo, hi = A.indptr[i], A.indptr[i + 1]
        if lo == hi:
            continue
        expr = pulp.LpAffineExpression([(x[j], float(v)) for j, v in zip(A.indices[lo:hi], A.data[lo:hi], strict=False)])
        if np.isfinite(m.row_hi[i]):
            prob += expr <= float(m.row_hi[i])
        if np.isfinite(m.row_lo[i]):
            prob += expr >= float(m.row_lo[i])
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        status = prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0, timeLimit=120, threads=2))
    return {"status": pulp.LpStatus[status], "weighted_fill": float(pulp.value(prob.objective) or 0.0), "solve_s": round(time.perf_counter() - t0, 2)}


CASES = [
    Case("forcegen fill stage 60x2000x300x12", build, fill_stage, goal_s=10.0, reference=lp_relaxation, reference_name="HiGHS LP relaxation"),
    Case("forcegen lexicographic 60x2000x300x12", build, lexicographic, reference=cbc_fill, reference_name="CBC fill stage"),
    Case("forcegen lexicographic 10 s budget", build, lambda inst: lexicographic(inst, 3.0), goal_s=10.0),
]
