"""Named outputs a sweep keeps per variant, extracted from the analyses' typed results.

Each :class:`Output` reads one number (or a few, keyed: one column per key, ``name.key``) from
the ``data`` of a :class:`~backstop.results.Result`.  A variant's row holds the chosen outputs
(``[sweep] outputs``), so the table stays small however large the results are.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NAN = float("nan")


@dataclass(frozen=True)
class Output:
    """One named output: which analysis produces it, its unit and how to read it."""

    name: str
    analysis: str
    unit: str
    description: str
    extract: Callable[[Any], Any]  # Result.data -> value (or dict of key -> value when keyed)
    keyed: bool = False


def _num(x: Any) -> float:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return NAN
    return f if math.isfinite(f) else NAN


def _first_runout(d: dict) -> tuple[float, str]:
    outs = [(v["night"], s) for s, v in d["campaign"]["runs_out"].items() if v]
    if not outs:
        return NAN, ""
    night, system = min(outs)
    return float(night), system


def _gap_by_capability(d: dict) -> dict[str, float]:
    req = d["requirements"]
    if not len(req):
        return {}
    g = req.groupby("capability")["gap"].sum()
    return {str(k): float(v) for k, v in g.items()}


def _port_leakers(d: dict) -> float:
    exp = d["exposure"]
    if hasattr(exp, "columns") and "expected_leakers" in exp.columns:
        return float(exp["expected_leakers"].sum())
    return NAN


_LIST = [
    # safe skies
    Output("expected_leakers", "skies", "weapons", "Expected damaging leakers (drones, cruise and ballistic missiles) of the analysed wave.", lambda d: _num(d["selected"]["leakers_total"]["mean"])),
    Output("leakers_p90", "skies", "weapons", "90th percentile of damaging leakers of the analysed wave.", lambda d: _num(d["selected"]["leakers_total"]["p90"])),
    Output("value_lost", "skies", "people-equivalent", "Expected value destroyed by the analysed wave.", lambda d: _num(d["selected"]["value_destroyed"]["mean"])),
    Output("people_struck", "skies", "people", "Expected people living in struck areas.", lambda d: _num(d["selected"]["people_struck"]["mean"])),
    Output("intercept_share", "skies", "share", "Share of each threat class intercepted (drone, decoy, cruise, ballistic).", lambda d: {k: _num(v) for k, v in d["selected"]["intercept_share"].items()}, keyed=True),
    Output("interceptor_cost_usd", "skies", "USD", "Expected cost of the interceptors fired at the wave.", lambda d: _num(d["selected"]["interceptor_cost_usd"]["mean"])),
    Output("first_runout_night", "skies", "night", "Night the first interceptor type runs out in the campaign (empty when none runs out).", lambda d: _first_runout(d)[0]),
    Output("first_runout_system", "skies", "", "The interceptor type that runs out first (empty when none).", lambda d: _first_runout(d)[1]),
    Output("batteries_added", "skies", "units", "Batteries/teams the sizing adds to meet the leaker target.", lambda d: float(sum(d["sizing"]["added"].values()))),
    Output("sizing_met", "skies", "", "Whether the sizing meets the leaker target within its step limit (1 = yes).", lambda d: 1.0 if d["sizing"]["met"] else 0.0),
    # safe seas
    Output("corridor_km", "seas", "km", "Length of corridor lanes to clear and escort (all ports).", lambda d: _num(d["sizing"]["lanes_km"])),
    Output("route_km", "seas", "km", "Route length from each port to the destination.", lambda d: {r["port"]: _num(r["length_km"]) for r in d["routes"]}, keyed=True),
    Output("mcm_vessels", "seas", "vessels", "Mine-countermeasure vessels for the initial clearance.", lambda d: _num(d["sizing"]["mcm"]["total"]["vessels_initial"])),
    Output("escorts", "seas", "ships", "Escort ships for the convoy rate.", lambda d: _num(d["sizing"]["escorts"]["escorts"])),
    Output("port_leakers", "seas", "weapons", "Expected leakers reaching the corridor's ports.", _port_leakers),
    # force generation
    Output("fill_pct", "forcegen", "%", "Share of the statement of requirements filled by the pledges (unit-months).", lambda d: _num(d["totals"]["fill_pct"])),
    Output("gap_unit_months", "forcegen", "unit-months", "Unfilled unit-months over all requirement lines.", lambda d: _num(d["totals"]["required_unit_months"] - d["totals"]["filled_unit_months"])),
    Output("gap_by_capability", "forcegen", "unit-months", "Unfilled unit-months by capability.", _gap_by_capability, keyed=True),
    Output("force_cost_usd", "forcegen", "USD", "Cost of the deployed force over the horizon.", lambda d: _num(d["totals"]["cost_usd"])),
    Output("fair_share_deviation", "forcegen", "unit-months", "Total deviation of the burden from fair shares.", lambda d: _num(d["totals"]["fair_share_deviation_unit_months"])),
    # monitoring
    Output("violations", "monitor", "events", "Incidents classified as violations of the agreement.", lambda d: _num(d["counts"]["violations"])),
    Output("commitments_fired", "monitor", "commitments", "Guarantor commitments triggered.", lambda d: _num(d["counts"]["commitments_fired"])),
    # summit
    Output("venues_feasible", "summit", "venues", "Candidate venues where the summit is feasible.", lambda d: float(sum(v["verdict"] == "feasible" for v in d["venues"]))),
    Output("venue_verdict", "summit", "", "Verdict of each candidate venue (feasible, conditional, infeasible...).", lambda d: {v["venue"]: str(v["verdict"]) for v in d["venues"]}, keyed=True),
]

OUTPUTS: dict[str, Output] = {o.name: o for o in _LIST}
"""Every named output, by name."""


def outputs_for(analyses: list[str]) -> list[str]:
    """Names of the outputs produced by ``analyses`` (registry order)."""
    return [o.name for o in _LIST if o.analysis in analyses]


def extract(results: dict, names: list[str]) -> dict[str, Any]:
    """The values of ``names`` from ``results`` (analysis name -> Result): one column per value."""
    row: dict[str, Any] = {}
    for n in names:
        o = OUTPUTS[n]
        v = o.extract(results[o.analysis].data)
        if o.keyed:
            for k in sorted(v):
                row[f"{n}.{k}"] = v[k]
        else:
            row[n] = v
    return row
