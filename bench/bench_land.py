"""Peace-on-land benchmarks: the deployment model at the issue's size and on the bundled scenario.

* ``land greedy 200u x 60d x 300e``: list scheduling (Smith's rule, earliest-closing route)
  against the LP relaxation of the MILP (the bound), same instance: the ratio is time, the
  figures give the plan's personnel-days and its proven distance to the bound.
* ``land MILP 200u x 60d x 300e``: the MILP on HiGHS started from the greedy plan, stopped at a
  1 % proven gap or its 60 s safety net (reported), against the LP relaxation.
* ``land MILP bundled``: the bundled scenario's 14 units, solved to proven optimality, against
  its LP relaxation.

Routes (Yen's k shortest paths with networkx) are built once per instance, outside the timing
(``routes_s`` in the figures).
"""

from __future__ import annotations

import time

from bench.common import Case


def _synthetic():
    from backstop.land import synthetic as S
    from backstop.land.flow import build_deployment

    net = S.network(300, seed=1)
    units = S.units(net, 200, seed=1, horizon_days=60)
    t0 = time.perf_counter()
    dep = build_deployment(net, units, horizon_days=60, k=3, permit_days=5.0)
    return {"dep": dep, "routes_s": time.perf_counter() - t0, "edges": len(net.edges)}


def _bundled():
    from backstop.land.analysis import prepare
    from backstop.land.flow import build_deployment
    from backstop.scenario import read_scenario

    scenario = read_scenario(None)
    net, units, _ = prepare(scenario)
    cfg = scenario.config.land
    t0 = time.perf_counter()
    dep = build_deployment(net, units, horizon_days=cfg.horizon_days, k=cfg.routes_per_unit, permit_days=cfg.permit_days)
    return {"dep": dep, "routes_s": time.perf_counter() - t0, "edges": len(net.edges)}


def _value(dep, x):
    from backstop.land.flow import define_columns

    p = dep.problem
    c = define_columns(p)
    U, H = p.n_units, p.horizon_days
    return float(p.unit_weight @ x[c.n_x + U * H :].reshape(U, H).sum(axis=1))


def _greedy(inputs):
    from backstop.land.flow import greedy_schedule

    x = greedy_schedule(inputs["dep"].problem)
    return {"personnel_days": _value(inputs["dep"], x), "routes_s": round(inputs["routes_s"], 2), "edges": inputs["edges"]}


def _milp(gap):
    def run(inputs):
        from backstop.land.flow import solve_flow

        r = solve_flow(inputs["dep"].problem, mip_rel_gap=gap, time_limit_s=60.0)
        return {"status": r.status, "personnel_days": r.troop_days, "bound": r.bound, "gap": r.gap, "rows": r.shape[0], "cols": r.shape[1], "routes_s": round(inputs["routes_s"], 2), "edges": inputs["edges"]}

    return run


def _lp(inputs):
    from backstop.land.flow import solve_flow

    r = solve_flow(inputs["dep"].problem, relax=True, time_limit_s=120.0)
    return {"status": r.status, "personnel_days": r.troop_days}


CASES = [
    Case("land greedy 200u x 60d x 300e", _synthetic, _greedy, goal_s=5.0, reference=_lp, reference_name="LP relaxation (HiGHS)"),
    Case("land MILP 200u x 60d x 300e (1% gap)", _synthetic, _milp(1e-2), goal_s=5.0, reference=_lp, reference_name="LP relaxation (HiGHS)"),
    Case("land MILP bundled (14 units, optimal)", _bundled, _milp(0.0), reference=_lp, reference_name="LP relaxation (HiGHS)"),
]
