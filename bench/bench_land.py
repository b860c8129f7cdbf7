"""Peace-on-land benchmarks: the deployment model at the issue's size and on the bundled scenario.

Every case has the LP relaxation of the MILP (HiGHS, primal simplex, solved to optimality) as its
reference in the same run: its value bounds every plan, so ``gap = 1 - plan / LP`` is proven.

* ``land greedy 200u x 60d x 300e``: list scheduling alone (Smith's rule; each unit closes as
  early as the residual capacity allows over its routes).
* ``land LP-guided 200u x 60d x 300e``: the deterministic pipeline without branch and bound
  (``solve_deployment(node_limit=0)``, what ``[land] milp_max_nodes = 0`` runs): the LP
  relaxation, then list scheduling in the LP's closure order (the better of that and Smith's),
  status ``feasible`` with its gap proven against the LP; the time includes the LP.
* ``land MILP 200u x 60d x 300e``: the LP, the LP-guided plan as HiGHS's first incumbent, then
  branch and bound to a 1 % proven gap or 2,000 nodes (a deterministic work limit), with a 60 s
  wall-clock safety net reported as ``time_limit`` when hit.
* ``land MILP bundled``: the bundled scenario's 14 units, solved to proven optimality.

Routes (Yen's k shortest paths with networkx) are built once per instance, outside the timing
(``routes_s`` in the figures).
"""

from __future__ import annotations

import functools
import time

from bench.common import Case


@functools.cache
def _synthetic():
    """The issue's instance, built once for the three cases that share it (read-only)."""
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


def _greedy(inputs):
    from backstop.land.flow import greedy_schedule, plan_value

    p = inputs["dep"].problem
    return {"personnel_days": plan_value(p, greedy_schedule(p)), "routes_s": round(inputs["routes_s"], 2), "edges": inputs["edges"]}


def _guided(inputs):
    from backstop.land.flow import solve_deployment

    lp, plan = solve_deployment(inputs["dep"].problem, node_limit=0, time_limit_s=120.0)
    return {"lp_status": lp.status, "status": plan.status, "personnel_days": plan.troop_days, "bound": plan.bound, "gap": plan.gap, "lp_work": lp.work}


def _milp(gap, node_limit):
    def run(inputs):
        from backstop.land.flow import lp_guided_schedule, solve_flow

        p = inputs["dep"].problem
        lp = solve_flow(p, relax=True, time_limit_s=120.0)
        r = solve_flow(p, mip_rel_gap=gap, time_limit_s=60.0, node_limit=node_limit, start=lp_guided_schedule(p, lp))
        return {"status": r.status, "personnel_days": r.troop_days, "bound": r.bound, "gap": r.gap, "work": r.work, "rows": r.shape[0], "cols": r.shape[1], "routes_s": round(inputs["routes_s"], 2), "edges": inputs["edges"]}

    return run


def _lp(inputs):
    from backstop.land.flow import solve_flow

    r = solve_flow(inputs["dep"].problem, relax=True, time_limit_s=120.0)
    return {"status": r.status, "personnel_days": r.troop_days}


CASES = [
    Case("land greedy 200u x 60d x 300e", _synthetic, _greedy, goal_s=5.0, reference=_lp, reference_name="LP relaxation (HiGHS)", repeat=3),
    Case("land LP-guided 200u x 60d x 300e", _synthetic, _guided, goal_s=5.0, reference=_lp, reference_name="LP relaxation (HiGHS)", repeat=3),
    Case("land MILP 200u x 60d x 300e (1% gap)", _synthetic, _milp(1e-2, 2_000), goal_s=5.0, reference=_lp, reference_name="LP relaxation (HiGHS)"),
    Case("land MILP bundled (14 units, optimal)", _bundled, _milp(0.0, None), reference=_lp, reference_name="LP relaxation (HiGHS)", repeat=3),
]
