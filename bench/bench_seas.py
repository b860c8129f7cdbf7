"""Safe-seas benchmarks: corridor routing against a plain searoute call, network build, full step.

* ``route 4 ports``: the constrained router (cached network, one Dijkstra from the destination
  for all ports, with the Crimea stand-off zone and territorial-waters preference) against the
  plain ``searoute.searoute`` call for the same four origins (no constraints, one call each).
* ``network build``: searoute lanes plus the 0.1 deg sea grid (cold cache; run once).
* ``seas step``: the whole analysis on the bundled scenario (routes, sizing, exposure).
"""

from __future__ import annotations

import warnings

from bench.common import Case


def _inputs():
    from backstop.scenario import read_scenario
    from backstop.seas.analysis import plan_corridor

    scenario = read_scenario(None)
    plan = plan_corridor(scenario)  # warms the network cache
    return scenario, plan


def _route(inputs):
    from backstop.seas import corridor as C

    scenario, plan = inputs
    cfg = scenario.config.seas
    routes = C.plan_routes(plan.ports, plan.destination, plan.constraints, speed_kn=cfg.speed_kn, grid_deg=cfg.grid_deg)
    return {"routes_ok": sum(r.ok for r in routes), "longest_km": round(max(r.length_km for r in routes if r.ok), 1)}


def _searoute_plain(inputs):
    import searoute

    _, plan = inputs
    lengths = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in plan.ports:
            start = p.approach[-1] if p.approach else (p.lon, p.lat)
            f = searoute.searoute(list(start), [plan.destination.lon, plan.destination.lat], units="km")
            lengths.append(f.properties["length"])
    return {"routes_ok": len(lengths), "longest_km": round(max(lengths), 1)}


def _build_cold(_):
    from backstop.seas import corridor as C

    C.build_network.cache_clear()
    net = C.build_network(0.1)
    return {"nodes": net.n_nodes, "edges": len(net.km)}


def _step(inputs):
    from backstop.seas.analysis import run

    scenario, _ = inputs
    r = run(scenario)
    return {"requirements": len(r.requirements)}


CASES = [
    Case("route 4 ports (constrained)", _inputs, _route, goal_s=1.0, reference=_searoute_plain, reference_name="searoute.searoute x4 (unconstrained)", repeat=5, warmup=True),
    Case("network build (searoute + 0.1 deg grid)", _inputs, _build_cold, goal_s=10.0, repeat=1),
    Case("seas step (bundled scenario)", _inputs, _step, goal_s=30.0, repeat=1, warmup=True),
]
