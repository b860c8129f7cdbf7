"""Force generation at coalition scale: 60 nations x 2,000 pledge lines x 300 requirement lines x 12 months.

The instance is a seeded synthetic problem (:mod:`backstop.forcegen.synthetic`) with caveats,
buddy nations and the red-line toggle; building it (caveat evaluation, rotation blocks) is not
timed.  Cases:

* ``fill stage``: the priority-weighted fill stage solved to proven optimality (LP relaxation,
  then rounding that meets the LP bound: :func:`backstop.solve.round_with_proof`); reference:
  the same MILP with CBC (PuLP's bundled binary, 2 threads) on the same arrays (goal: ratio <= 0.2).
* ``lexicographic``: fill, then fair-share deviation, then cost, in true lexicographic order
  (later stages on the fill stage's LP optimal face; deterministic work limits: no time limit
  decides anything); prints each stage's status, objective, bound, gap and work; reference: the
  fill stage's LP relaxation on HiGHS (the floor any solve pays).
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

    s = solve_lexicographic(inst, stages=("fill",))
    rows, cols, nnz = s.size
    r = s.stages[0][1]
    return {"status": s.status, "method": r.backend, "rows": rows, "cols": cols, "nnz": nnz, "pairs": inst.n_pairs, "weighted_fill": s.fill,
            "lp_bound": -r.dual_bound, "mip_gap": r.mip_gap or 0.0}


def lp_relaxation(inst) -> dict:
    from backstop.forcegen.model import build as build_model
    from backstop.forcegen.model import fill_objective
    from backstop.solve import MILP, solve

    m, lay = build_model(inst, fair=False)
    lp = MILP(-fill_objective(inst, lay), m.A, m.row_lo, m.row_hi, m.lb, m.ub, np.zeros_like(m.integrality))
    r = solve(lp)
    return {"status": r.status, "lp_bound": -(r.objective or 0.0)}


def lexicographic(inst) -> dict:
    from backstop.forcegen.model import solve_lexicographic

    s = solve_lexicographic(inst)
    rows, cols, nnz = s.size
    out = {"status": s.status, "total_s": round(s.runtime_s, 2), "rows": rows, "cols": cols, "nnz": nnz, "exact_face": s.exact_face,
           "total_fixed": s.total_fixed, "weighted_fill": s.fill, "deviation": round(s.deviation, 3), "cost_usd": s.cost_usd}
    for name, r in s.stages:
        out[f"{name}_s"] = round(r.time_s, 2)
        out[f"{name}_status"] = str(r.status)
        out[f"{name}_nodes"] = r.nodes
        out[f"{name}_obj"] = round(float(r.objective), 4) if r.objective is not None else None
        out[f"{name}_bound"] = round(float(r.dual_bound), 4) if r.dual_bound is not None else None
        out[f"{name}_gap"] = round(float(r.mip_gap), 6) if r.mip_gap is not None else -1.0
    for name, r in s.stages:
        print(f"  stage {name:5s} {r.status:10s} {r.time_s:7.2f} s  objective {r.objective}  bound {r.dual_bound}  gap {r.mip_gap}  {r.nodes} nodes  ({r.backend})")
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
    Case("forcegen fill stage 60x2000x300x12", build, fill_stage, reference=cbc_fill, reference_name="CBC fill stage (MILP)"),
    Case("forcegen lexicographic 60x2000x300x12", build, lexicographic, goal_s=5.0, reference=lp_relaxation, reference_name="HiGHS fill LP"),
]
