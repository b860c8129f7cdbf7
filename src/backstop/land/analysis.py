"""Peace on land: reinforcement timelines, force adequacy along the line, Ukraine's regeneration.

``run(scenario, context) -> Result`` is the pipeline step (before force generation, which reads
its ``mech_battalion`` and ``training_team`` requirement lines).  ``backstop land`` prints the
same result.  Methods, formulas and the JSON shape: ``docs/land.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backstop.errors import InputError, Problem
from backstop.land import adequacy as A
from backstop.land import regeneration as G
from backstop.land.flow import (
    Deployment,
    FlowResult,
    build_deployment,
    solve_deployment,
    solve_flow,
)
from backstop.land.network import (
    LIFT_OF_MODE,
    Network,
    apply_corridors,
    component_gap,
    incidence_graph,
    load_network,
    validate_network,
)
from backstop.land.simulation import simulate
from backstop.land.units import UNITS_FILE, Unit, units_from_rows
from backstop.results import Assumption, Result

CURVE_DAYS = (3, 10, 30)


def prepare(scenario) -> tuple[Network, list[Unit], list[Problem]]:
    """The scenario's network and units, and every input problem (unknown nodes, an edge with no
    capacity, impossible notice, a unit with no route to its zone)."""
    cfg = scenario.config.land
    network = load_network(scenario.start)
    network, problems = apply_corridors(network, scenario.rows("land_corridors"))
    problems += validate_network(network)
    units, unit_problems = units_from_rows(scenario.rows("land_units"), network, cfg.horizon_days)
    problems += unit_problems
    if problems:
        return network, units, problems
    import networkx as nx

    seen, graphs = set(), {}
    for u in units:
        key = (u.home, u.zone_node, frozenset(u.modes))
        if key in seen:
            continue
        seen.add(key)
        if key[2] not in graphs:
            graphs[key[2]] = incidence_graph(network, set(key[2]))
        if not nx.has_path(graphs[key[2]], u.home, u.zone_node):
            problems.append(Problem(
                UNITS_FILE, f"line {u.line}" if u.line else f"unit {u.id}", "zone", u.zone,
                f"no route for a {u.type} from {u.home} to zone {u.zone} ({u.zone_node}): {component_gap(network, u.home, u.zone_node, u.modes)}",
                "add an edge across the gap in land_corridors.csv, reopen a closed edge, or change the unit's home or zone",
            ))
    return network, units, problems


def input_problems(scenario) -> list[Problem]:
    """Problems of the land inputs (used by ``backstop validate`` and by :func:`run`)."""
    if not (scenario.has("land_units") or scenario.has("land_corridors")):
        return []
    return prepare(scenario)[2]


def _solve(network: Network, units: list[Unit], cfg, permit_days: float | None = None, cache: dict | None = None) -> tuple[Deployment, FlowResult]:
    dep = build_deployment(network, units, horizon_days=cfg.horizon_days, k=cfg.routes_per_unit, permit_days=cfg.permit_days if permit_days is None else permit_days, route_cache=cache)
    if cfg.milp_max_nodes == 0:
        return dep, solve_deployment(dep.problem, mip_rel_gap=cfg.mip_rel_gap, node_limit=0, time_limit_s=cfg.time_limit_s)[1]
    return dep, solve_flow(dep.problem, mip_rel_gap=cfg.mip_rel_gap, time_limit_s=cfg.time_limit_s, node_limit=cfg.milp_max_nodes)


def _troops_by_day(units: list[Unit], present: np.ndarray) -> np.ndarray:
    return np.array([u.troops for u in units]) @ present if units else np.zeros(present.shape[1])


def closure_frame(units: list[Unit], res: FlowResult, sim, relaxed: FlowResult) -> pd.DataFrame:
    """Troops present per zone and day: flow model (MILP), its LP relaxation and the simulation."""
    zones = [u.zone for u in units]
    q = np.array([u.troops for u in units], float)
    milp = A.zone_troops(zones, q, res.present)
    lp = A.zone_troops(zones, q, relaxed.present)
    des = A.zone_troops(zones, q, sim.present)
    rows = []
    for z in sorted(milp):
        for d in range(res.present.shape[1]):
            rows.append({"zone": z, "day": d, "troops_milp": milp[z][d], "troops_lp": lp[z][d], "troops_sim": des[z][d]})
    return pd.DataFrame(rows)


def unit_frame(dep: Deployment, res: FlowResult, sim) -> pd.DataFrame:
    """One row per unit: readiness, fastest route, closure day by the flow model and the simulation."""
    rows = []
    for i, u in enumerate(dep.units):
        best = dep.routes[i][0] if dep.routes[i] else None
        used = sorted({ri for (uu, ri, _d, f) in [(dep.route_ids[r][0], dep.route_ids[r][1], d, f) for (_u, r, d, f) in res.departures] if uu == i})
        rows.append({
            "unit": u.id, "nation": u.nation, "type": u.type, "home": u.home, "zone": u.zone, "ready_day": u.ready_day,
            "troops": u.troops, "fastest_route_days": best.days if best else None,
            "closure_day": res.closure_day(i), "closure_day_sim": sim.closure_day[i],
            "routes_used": ";".join(str(r + 1) for r in used),
        })
    return pd.DataFrame(rows)


def bottleneck_frame(network: Network, res: FlowResult, relaxed: FlowResult, sim, top: int = 12) -> pd.DataFrame:
    """Edges whose capacity binds: days saturated, peak use, LP shadow price, simulation queueing."""
    cap = network.edges["capacity_per_day"].to_numpy(float)
    load = res.edge_load
    sat = (load >= cap[:, None] * (1 - 1e-6)) & (load > 0)
    dual = relaxed.edge_dual if relaxed.edge_dual is not None else np.zeros_like(load)
    rows = []
    for i in range(len(cap)):
        if not (sat[i].any() or dual[i].sum() > 1e-6 or sim.edge_wait_days[i] > 0):
            continue
        e = network.edges.iloc[i]
        rows.append({
            "edge": e["id"], "mode": e["mode"], "from": e["from"], "to": e["to"], "capacity_per_day": cap[i],
            "unit": LIFT_OF_MODE[e["mode"]], "days_saturated": int(sat[i].sum()), "peak_use": float(load[i].max()),
            "shadow_price": float(dual[i].sum()), "sim_wait_echelon_days": float(sim.edge_wait_days[i]),
        })
    df = pd.DataFrame(rows, columns=["edge", "mode", "from", "to", "capacity_per_day", "unit", "days_saturated", "peak_use", "shadow_price", "sim_wait_echelon_days"])
    return df.sort_values(["shadow_price", "days_saturated", "sim_wait_echelon_days"], ascending=False).head(top).reset_index(drop=True)


def _curve_point(units: list[Unit], res: FlowResult, day: int) -> float:
    d = min(day, res.present.shape[1] - 1)
    return float(_troops_by_day(units, res.present)[d]) if units else 0.0


def border_edges(network: Network) -> list[str]:
    """Edges that cross into Ukraine (gauge-change points and road crossings)."""
    st = network.nodes["state"]
    e = network.edges
    a, b = st.reindex(e["from"]).to_numpy(), st.reindex(e["to"]).to_numpy()
    into = (a != b) & ((a == "UKR") | (b == "UKR"))
    return list(e.loc[into, "id"])


def busiest_crossing(network: Network, base: FlowResult) -> list[str]:
    """The crossing into Ukraine that uses the most of its capacity over the horizon in ``base``
    (lift over capacity per day, so trains and vehicles compare; a one-element list, empty when no
    crossing carries anything; ties to the first in file order)."""
    ids = list(network.edges["id"])
    border = [ids.index(e) for e in border_edges(network)]
    if not border or base.edge_load.size == 0:
        return []
    used = base.edge_load[border].sum(axis=1) / np.maximum(network.edges["capacity_per_day"].to_numpy(float)[border], 1e-9)
    k = int(np.argmax(used))
    return [ids[border[k]]] if used[k] > 0 else []


def what_ifs(network: Network, units: list[Unit], cfg, base: FlowResult, cache: dict | None = None, *, quick: bool = False, base_dep: Deployment | None = None) -> pd.DataFrame:
    """A crossing or gauge-change point lost, permits needing N days, a nation withdrawing.

    ``quick`` (previews, tests) tries only the listed ``whatif_lost`` elements, or when none is
    listed the busiest crossing into Ukraine in the base plan (:func:`busiest_crossing`), not every
    crossing into Ukraine."""
    cases: list[tuple[str, str, Network, list[Unit], float | None]] = []
    lost = list(cfg.whatif_lost) or (busiest_crossing(network, base) if quick else border_edges(network))
    for el in lost:
        cases.append(("lost", el, network.without([el]), units, None))
    for n in cfg.whatif_permit_days:
        cases.append(("permit_days", f"{n:g}", network, units, float(n)))
    for nation in cfg.whatif_withdraw:
        cases.append(("withdraw", nation, network, [u for u in units if u.nation != nation], None))
    rows = []
    base_row = {f"troops_day_{d}": _curve_point(units, base, d) for d in CURVE_DAYS}
    rows.append({"case": "base", "element": "", "status": base.status, "troop_days": base.troop_days, **base_row, "units_closed": int(sum(base.closure_day(i) is not None for i in range(len(units)))), "units_unrouted": 0, "delta_troop_days": 0.0})
    used = set() if base_dep is None else {e for rs in base_dep.routes for r in rs for e in r.edges}
    for kind, el, net, us, permit in cases:
        if kind == "lost" and base_dep is not None and not (used & set(np.flatnonzero(~net.open_mask & network.open_mask))):
            # no candidate route uses the lost element: the problem, hence the plan, is the base one
            rows.append({**rows[0], "case": kind, "element": el})
            continue
        dep, res = _solve(net, us, cfg, permit, cache)
        row = {f"troops_day_{d}": _curve_point(us, res, d) for d in CURVE_DAYS}
        rows.append({"case": kind, "element": el, "status": res.status, "troop_days": res.troop_days, **row, "units_closed": int(sum(res.closure_day(i) is not None for i in range(len(us)))), "units_unrouted": len(dep.unrouted), "delta_troop_days": res.troop_days - base.troop_days})
    return pd.DataFrame(rows)


def _assumptions(scenario, sectors, regen) -> list[Assumption]:
    cfg = scenario.config.land
    as_of = str(scenario.as_of)
    from backstop.land.network import SPEED_KM_PER_DAY, TRANSFER_H

    out = [
        Assumption("corridor network", "schematic network of main corridors (land_nodes.csv, land_edges.csv): lengths are great-circle distances times a circuity factor; every capacity and handling time is a planning assumption", "tools/make_land_network.py; GeoNames; airportsdata", as_of),
        Assumption("movement rates", "; ".join(f"{m} {v:g} km/day" for m, v in SPEED_KM_PER_DAY.items()) + f"; {TRANSFER_H:g} h wherever the lift changes", "planning assumptions", as_of),
        Assumption("unit lift", "trains, vehicles, ship loads and sorties per unit type (land_unit_types.csv)", "planning estimates", as_of),
        Assumption("readiness", "NATO Force Model tiers: 100,000 troops in up to 10 days, 200,000 in 10-30, 500,000 in 30-180", "NATO Madrid Summit, June 2022", "2022-06-30"),
        Assumption("permits", f"{cfg.permit_days:g} days of cross-border movement permission before a route that crosses a border", "assumption; European Court of Auditors Special Report 04/2025 on military mobility", as_of),
        Assumption("warning", f"{cfg.warning_days:g} days of warning before an attack", "assumption (RAND RR-1253: Baltic capitals reached in 36-60 hours)", as_of),
        Assumption("thresholds", f"attack succeeds at {cfg.ratio_threshold:g}:1; defence needs {cfg.troops_per_km:g} troops/km", "3:1 rule (Mearsheimer 1989); force-to-space floor an assumption", as_of),
    ]
    for s in sectors:
        out.append(Assumption("sector forces", f"{s.name}: Russian {s.russian[0]:,.0f}-{s.russian[2]:,.0f}, Ukrainian {s.ukrainian[0]:,.0f}-{s.ukrainian[2]:,.0f} over {s.front_km:g} km", s.source or "land_sectors.csv", as_of))
    out.append(Assumption("regeneration", f"need {regen['need_per_month']:,.0f} trained troops a month; domestic training {cfg.domestic_training_per_month:,.0f}; {cfg.trainees_per_team_month:g} per coalition team a month", "assumptions in [land]", as_of))
    return out


def run(scenario, context=None) -> Result:
    """The land analysis of a scenario (see the module docstring)."""
    cfg = scenario.config.land
    has_units = scenario.has("land_units")
    sectors = A.sectors_from_rows(scenario.rows("land_sectors"))
    if not has_units and not sectors:
        return Result("land", "Peace on land", ["No land units or sectors in the scenario: reinforcement and adequacy not assessed."], data={"units": [], "sectors": []}, metadata={"status": "skipped"})
    network, units, problems = prepare(scenario)
    if problems:
        raise InputError(problems)
    H = cfg.horizon_days
    cache: dict = {}
    dep = build_deployment(network, units, horizon_days=H, k=cfg.routes_per_unit, permit_days=cfg.permit_days, route_cache=cache)
    # the LP relaxation first: it bounds the plan, prices the edges and orders the starting plan
    relaxed, res = solve_deployment(dep.problem, mip_rel_gap=cfg.mip_rel_gap, node_limit=cfg.milp_max_nodes, time_limit_s=cfg.time_limit_s)
    sim = simulate(dep)
    closures = closure_frame(units, res, sim, relaxed)
    unit_df = unit_frame(dep, res, sim)
    bottlenecks = bottleneck_frame(network, res, relaxed, sim)
    whatif = what_ifs(network, units, cfg, res, cache, quick=bool(getattr(context, "quick", False)), base_dep=dep)
    # adequacy
    zones = [u.zone for u in units]
    q = np.array([u.troops for u in units], float)
    by_zone = A.zone_troops(zones, q, res.present) if units else {}
    reinforcement = A.defenders(sectors, by_zone, H, cfg.commitment)
    ratios = A.ratio_table(sectors, reinforcement, threshold=cfg.ratio_threshold, troops_per_km=cfg.troops_per_km) if sectors else pd.DataFrame()
    reqs, warning = A.requirement_lines(sectors, reinforcement, warning_days=cfg.warning_days, threshold=cfg.ratio_threshold, troops_per_km=cfg.troops_per_km, battalion_troops=cfg.battalion_troops)
    duel_rows = []
    if cfg.lanchester:
        for s in sectors:
            R, D = A.lanchester(s.russian[1], s.ukrainian[1], reinforcement[s.id], attrition_per_day=cfg.lanchester_attrition_per_day, defender_advantage=cfg.lanchester_defender_advantage, attack_day=int(min(cfg.warning_days, H - 1)))
            duel_rows += [{"sector": s.id, "day": d, "attacker": R[d], "defender": D[d]} for d in range(H)]
    duel = pd.DataFrame(duel_rows, columns=["sector", "day", "attacker", "defender"])
    # regeneration
    teams = sum(p.quantity for p in scenario.rows("pledges") if p.capability == "training_team")
    regen_table, regen_reqs, regen = G.balance(cfg, teams)
    reqs += regen_reqs
    # summary
    total = _troops_by_day(units, res.present)
    closed = [res.closure_day(i) for i in range(len(units))]
    n_closed = sum(c is not None for c in closed)
    summary = []
    if units:
        pts = ", ".join(f"day {d}: {total[min(d, H - 1)]:,.0f}" for d in CURVE_DAYS)
        summary.append(f"Reinforcement: {n_closed} of {len(units)} units ({q.sum():,.0f} troops) close within {H} days; troops present {pts} (MILP {res.status}, gap {0 if res.gap is None else res.gap:.1e}).")
        if len(bottlenecks):
            b = bottlenecks.iloc[0]
            summary.append(f"Binding bottleneck: {b['edge']} ({b['capacity_per_day']:g} {b['unit']}), saturated {b['days_saturated']} days.")
        worst = whatif[whatif["case"] != "base"].sort_values("delta_troop_days").head(1)
        if len(worst):
            w = worst.iloc[0]
            summary.append(f"Worst what-if: {w['case']} {w['element']} costs {-w['delta_troop_days']:,.0f} personnel-days present ({-w['delta_troop_days'] / max(res.troop_days, 1):.0%}).")
    if sectors:
        short = warning[~warning["adequate_with_warning"]]
        if len(short):
            summary.append(f"Adequacy: {len(short)} of {len(sectors)} sectors fall short with {cfg.warning_days:g} days of warning ({', '.join(short['name'])}); {int(short['battalions_short'].sum())} battalions requested from force generation.")
        else:
            summary.append(f"Adequacy: every sector holds at {cfg.ratio_threshold:g}:1 with {cfg.warning_days:g} days of warning (central estimates).")
    summary.append(f"Regeneration: {regen['supply_per_month']:,.0f} troops trained a month against a need of {regen['need_per_month']:,.0f}" + (f"; {regen['extra_teams']} more training teams requested." if regen["extra_teams"] else "."))
    nodes_used = network.nodes.reset_index()
    data = {
        "horizon_days": H,
        "solver": {"status": res.status, "troop_days": res.troop_days, "bound": res.bound, "gap": res.gap, "lp_troop_days": relaxed.troop_days, "sim_troop_days": sim.troop_days, "shape": list(res.shape), "work": res.work},
        "units": unit_df,
        "closure": closures,
        "bottlenecks": bottlenecks,
        "what_ifs": whatif,
        "sectors": [{"id": s.id, "name": s.name, "zone": s.zone, "front_km": s.front_km, "russian": list(s.russian), "ukrainian": list(s.ukrainian)} for s in sectors],
        "force_ratio": ratios,
        "warning": warning,
        "lanchester": duel,
        "regeneration": {"table": regen_table, **{k: v for k, v in regen.items() if k != "programmes"}, "programmes": regen["programmes"]},
        "network": {
            "nodes": nodes_used[["id", "name", "kind", "state", "lat", "lon", "zone"]],
            "edges": network.edges[["id", "from", "to", "mode", "length_km", "capacity_per_day"]],
            "closed": list(network.closed),
        },
        "requirements": reqs,
    }
    frames = {
        "units": unit_df, "closure": closures, "bottlenecks": bottlenecks, "what_ifs": whatif,
        "force_ratio": ratios, "warning": warning, "regeneration": regen_table,
        "requirements": pd.DataFrame([r.model_dump() for r in reqs], columns=["id", "capability", "quantity", "zone", "start_month", "end_month", "priority", "origin", "note"]),
    }
    if len(duel):
        frames["lanchester"] = duel
    metadata = {"status": res.status, "gap": res.gap, "solver": "HiGHS (highspy)", "units": len(units), "edges": len(network.edges)}
    return Result("land", "Peace on land", summary, data, frames, _assumptions(scenario, sectors, regen), metadata, reqs)
