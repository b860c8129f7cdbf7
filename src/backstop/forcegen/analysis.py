"""Force generation: source the guarantee force from pledges, report gaps and what binds.

The pipeline step (:func:`run`) and the CLI (:func:`plan`) share one function.  Requirement
lines are the scenario's ``requirements.csv`` plus the lines emitted by earlier analyses
(skies, seas) through ``context.requirements()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backstop.forcegen.model import (
    Instance,
    Solution,
    burden,
    monthly_fill,
    required_matrix,
    solve_lexicographic,
)
from backstop.forcegen.problem import ForceProblem, PairMeta, make_instance, prepare
from backstop.results import Assumption, Result


@dataclass(frozen=True)
class Plan:
    """A solved force-sourcing problem and its tables (all frames, JSON-able)."""

    problem: ForceProblem
    instance: Instance
    meta: PairMeta
    solution: Solution
    requirements: pd.DataFrame
    assignments: pd.DataFrame
    fill_zone_month: pd.DataFrame
    gaps: pd.DataFrame
    burden: pd.DataFrame
    binding: pd.DataFrame
    withdrawal: dict


def month_label(start: dt.date | None, t: int) -> str:
    """``YYYY-MM`` of month ``t`` (1-based) from ``start``; ``M<t>`` without a start date."""
    if start is None:
        return f"M{t}"
    m = start.month - 1 + (t - 1)
    return f"{start.year + m // 12:04d}-{m % 12 + 1:02d}"


def plan(
    problem: ForceProblem,
    *,
    without: Sequence[str] = (),
    binding: bool = True,
    time_limit_s: float = 60.0,
    later_gap: float = 1e-3,
    start: dt.date | None = None,
) -> Plan:
    """Solve force sourcing lexicographically and derive every output table.

    Parameters
    ----------
    problem : ForceProblem
        Validated inputs (:func:`backstop.forcegen.problem.prepare`).
    without : sequence of str
        Nations withdrawn (their pledges removed); the withdrawal cost is measured against the
        plan with every nation.
    binding : bool
        Compute what binds: re-solve the fill stage without each restriction.
    start : date, optional
        Calendar date of month 1 (for labels).
    """
    without = [w.upper() for w in without]
    inst, meta = make_instance(problem, without=without)
    sol = solve_lexicographic(inst, time_limit_s=time_limit_s, later_gap=later_gap)
    y = sol.y if sol.y is not None else np.zeros(inst.n_pairs)
    fill = monthly_fill(inst, y)
    need = required_matrix(inst)
    reqs = _requirements_frame(problem, need, fill)
    assign = _assignments_frame(problem, inst, meta, y, start)
    fzm = _fill_zone_month(problem, need, fill, start)
    gaps = _gaps(problem, inst, meta, need, fill, start)
    bur = _burden_frame(problem, inst, meta, y)
    bind = _binding(problem, inst, sol, without, time_limit_s) if binding and sol.y is not None else pd.DataFrame(columns=_BIND_COLS)
    wd: dict = {}
    if without:
        full, _ = make_instance(problem)
        base = solve_lexicographic(full, stages=("fill",), time_limit_s=time_limit_s)
        base_fill = monthly_fill(full, base.y) if base.y is not None else np.zeros_like(fill)
        lost = base_fill.sum(axis=1) - fill.sum(axis=1)
        per = [
            {"id": r.id, "capability": r.capability, "zone": r.zone, "filled_with_all": float(base_fill[j].sum()), "filled_without": float(fill[j].sum()), "lost": float(lost[j])}
            for j, r in enumerate(problem.requirements)
            if lost[j] > 1e-9
        ]
        wd = {
            "nations": without,
            "status": base.status,
            "fill_with_all_unit_months": float(base_fill.sum()),
            "fill_without_unit_months": float(fill.sum()),
            "fill_lost_unit_months": float(base_fill.sum() - fill.sum()),
            "weighted_fill_lost": float(base.fill - sol.fill),
            "requirements": sorted(per, key=lambda d: -d["lost"]),
        }
    return Plan(problem, inst, meta, sol, reqs, assign, fzm, gaps, bur, bind, wd)


def _requirements_frame(prob: ForceProblem, need: np.ndarray, fill: np.ndarray) -> pd.DataFrame:
    rows = []
    for j, r in enumerate(prob.requirements):
        req, got = float(need[j].sum()), float(fill[j].sum())
        active = need[j] > 0
        rows.append({
            "id": r.id, "capability": r.capability, "zone": r.zone, "quantity": r.quantity,
            "start_month": r.start, "end_month": r.end, "priority": r.priority, "origin": r.origin,
            "required": req, "filled": got, "gap": req - got,
            "fill_pct": 100.0 * got / req if req else 100.0,
            "min_units": float(fill[j][active].min()) if active.any() else 0.0,
            "note": r.note,
        })
    return pd.DataFrame(rows, columns=["id", "capability", "zone", "quantity", "start_month", "end_month", "priority", "origin", "required", "filled", "gap", "fill_pct", "min_units", "note"])


def _assignments_frame(prob: ForceProblem, inst: Instance, meta: PairMeta, y: np.ndarray, start) -> pd.DataFrame:
    rows = []
    usage = inst.pair_usage
    for k in np.flatnonzero(y > 0.5):
        p = prob.pledges[meta.pledge_index[inst.pair_p[k]]]
        r = prob.requirements[inst.pair_r[k]]
        m = int(inst.pair_months[k])
        rows.append({
            "pledge": p.id, "nation": p.nation, "capability": p.capability, "requirement": r.id, "zone": r.zone,
            "units": int(y[k]), "from_month": int(inst.pair_start[k]), "to_month": int(inst.pair_end[k]),
            "from": month_label(start, int(inst.pair_start[k])), "to": month_label(start, int(inst.pair_end[k])),
            "unit_months": int(y[k]) * m, "unit_rotations": int(y[k] * usage[k]),
            "cost_usd": float(y[k] * m * p.cost_usd_per_month), "assumption": p.assumption,
        })
    cols = ["pledge", "nation", "capability", "requirement", "zone", "units", "from_month", "to_month", "from", "to", "unit_months", "unit_rotations", "cost_usd", "assumption"]
    return pd.DataFrame(rows, columns=cols).sort_values(["requirement", "nation"]).reset_index(drop=True) if rows else pd.DataFrame(columns=cols)


def _fill_zone_month(prob: ForceProblem, need: np.ndarray, fill: np.ndarray, start) -> pd.DataFrame:
    zones = np.array([r.zone for r in prob.requirements])
    rows = []
    for z in sorted(set(zones)):
        m = zones == z
        for t in range(prob.horizon):
            rq, fl = float(need[m, t].sum()), float(fill[m, t].sum())
            rows.append({"zone": z, "month": t + 1, "label": month_label(start, t + 1), "required": rq, "filled": fl, "gap": rq - fl})
    return pd.DataFrame(rows, columns=["zone", "month", "label", "required", "filled", "gap"])


def _gap_reason(prob: ForceProblem, inst: Instance, meta: PairMeta, j: int, t: int, active_pairs: dict) -> tuple[str, tuple[str, ...]]:
    r = prob.requirements[j]
    kept = [int(i) for i in meta.pledge_index]
    same = [i for i in kept if prob.pledges[i].capability == r.capability]
    if not same:
        return f"no pledge of {r.capability}", ()
    avail = [i for i in same if prob.pledges[i].start <= t <= prob.pledges[i].end]
    if not avail:
        return f"no {r.capability} pledge available in this month", ()
    if not active_pairs.get((j, t)):
        keys = sorted({k for i in avail for k in meta.excluded.get((j, i), ())})
        if keys:
            return "excluded by " + "; ".join(keys), tuple(keys)
        mm = sorted({rs.key for i in avail for rs in prob.pledges[i].restrictions if rs.caveat.name == "max_months"})
        if mm:
            return "deployment length capped by " + "; ".join(mm), tuple(mm)
        return "no eligible pledge in this month", ()
    nations = sorted({prob.pledges[i].nation for i in active_pairs[(j, t)]})
    return "not enough units or rotations: eligible pledges (" + ", ".join(nations) + ") are used up or committed to higher-priority lines", ()


def _gaps(prob: ForceProblem, inst: Instance, meta: PairMeta, need: np.ndarray, fill: np.ndarray, start) -> pd.DataFrame:
    gap = need - fill
    active: dict[tuple[int, int], list[int]] = {}
    for k in range(inst.n_pairs):
        for t in range(int(inst.pair_start[k]), int(inst.pair_end[k]) + 1):
            active.setdefault((int(inst.pair_r[k]), t), []).append(int(meta.pledge_index[inst.pair_p[k]]))
    rows = []
    for j, r in enumerate(prob.requirements):
        run = None
        for t in range(1, prob.horizon + 2):
            g = gap[j, t - 1] if t <= prob.horizon else 0.0
            if g > 1e-9:
                reason, keys = _gap_reason(prob, inst, meta, j, t, active)
                key = (reason, g)
                if run and run["_key"] == key and run["to_month"] == t - 1:
                    run["to_month"] = t
                    run["missing_unit_months"] += g
                    continue
                if run:
                    rows.append(run)
                run = {"_key": key, "requirement": r.id, "capability": r.capability, "zone": r.zone, "from_month": t, "to_month": t,
                       "missing_units": float(g), "missing_unit_months": float(g), "priority": r.priority, "reason": reason, "restrictions": list(keys)}
            elif run:
                rows.append(run)
                run = None
    cols = ["requirement", "capability", "zone", "from_month", "to_month", "from", "to", "missing_units", "missing_unit_months", "priority", "reason", "restrictions"]
    for row in rows:
        row.pop("_key")
        row["from"] = month_label(start, row["from_month"])
        row["to"] = month_label(start, row["to_month"])
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["priority", "missing_unit_months"], ascending=[False, False]).reset_index(drop=True) if len(df) else df


def _burden_frame(prob: ForceProblem, inst: Instance, meta: PairMeta, y: np.ndarray) -> pd.DataFrame:
    b = burden(inst, y)
    total = b.sum()
    cost = np.zeros(inst.n_nations)
    np.add.at(cost, inst.pledge_nation[inst.pair_p], inst.pledge_cost[inst.pair_p] * inst.pair_months * y)
    pledged = np.zeros(inst.n_nations)
    np.add.at(pledged, inst.pledge_nation, inst.pledge_qty)
    used = np.zeros(inst.n_nations)
    np.add.at(used, inst.pledge_nation[inst.pair_p], inst.pair_usage * y)
    rows = []
    for n, iso in enumerate(meta.nations):
        fair = inst.fair_share[n] * total
        rows.append({"nation": iso, "unit_months": float(b[n]), "share": float(b[n] / total) if total else 0.0,
                     "fair_share": float(inst.fair_share[n]), "fair_unit_months": float(fair), "deviation": float(b[n] - fair),
                     "pledged_units": int(pledged[n]), "units_used": int(used[n]), "cost_usd": float(cost[n])})
    cols = ["nation", "unit_months", "share", "fair_share", "fair_unit_months", "deviation", "pledged_units", "units_used", "cost_usd"]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values("unit_months", ascending=False).reset_index(drop=True) if len(df) else df


_BIND_COLS = ["restriction", "kind", "nation", "caveat", "origin", "fill_lost_unit_months", "weighted_fill_lost", "pledges", "status", "fill_lost_if_toggles_off"]


def _lift_gain(prob: ForceProblem, base_lifted: list[str], key: str, base_fill: float, base_um: float, without, time_limit_s: float) -> tuple[float, float, str]:
    inst, _ = make_instance(prob, lifted=[*base_lifted, key], without=without)
    s = solve_lexicographic(inst, stages=("fill",), time_limit_s=time_limit_s)
    if s.y is None:
        return 0.0, 0.0, s.status
    um = monthly_fill(inst, s.y).sum()
    return float(max(0.0, um - base_um)), float(max(0.0, s.fill - base_fill)), s.status


def _binding(prob: ForceProblem, inst: Instance, sol: Solution, without: Sequence[str], time_limit_s: float) -> pd.DataFrame:
    """Fill lost to each restriction: re-solve the fill stage without it (others kept), ranked.

    Restrictions mask each other (with Russia's red line enforced, a NATO nation's own
    ``not_in:UKR`` costs nothing on its own), so each caveat and position is also priced with the
    political toggles lifted (``fill_lost_if_toggles_off``).
    """
    base = solve_lexicographic(inst, stages=("fill",), time_limit_s=time_limit_s)
    base_um = monthly_fill(inst, base.y).sum() if base.y is not None else 0.0
    _, meta = make_instance(prob, without=without)
    excluding = {k for keys in meta.excluded.values() for k in keys}
    toggles = [k for k, r in prob.restrictions.items() if r.kind == "toggle"]
    t_inst, t_meta = make_instance(prob, lifted=toggles, without=without)
    t_base = solve_lexicographic(t_inst, stages=("fill",), time_limit_s=time_limit_s) if toggles else base
    t_um = monthly_fill(t_inst, t_base.y).sum() if t_base.y is not None else 0.0
    t_excluding = {k for keys in t_meta.excluded.values() for k in keys}
    rows = []
    for key, rs in prob.restrictions.items():
        affected = [p.id for p in prob.pledges if p.nation not in without and any(x.key == key for x in p.restrictions)]
        if not affected:
            continue
        row = {"restriction": key, "kind": rs.kind, "nation": rs.nation, "caveat": rs.caveat.text, "origin": rs.caveat.origin,
               "fill_lost_unit_months": 0.0, "weighted_fill_lost": 0.0, "pledges": len(affected), "status": "not binding",
               "fill_lost_if_toggles_off": None}
        dynamic = rs.caveat.name in ("max_months", "only_with")
        if key in excluding or dynamic:
            um, w, status = _lift_gain(prob, [], key, base.fill, base_um, without, time_limit_s)
            row["fill_lost_unit_months"], row["weighted_fill_lost"] = um, w
            row["status"] = ("binds" if w > 1e-6 * max(1.0, base.fill) else "not binding") if status in ("optimal", "time_limit") else status
        if rs.kind != "toggle" and toggles:
            row["fill_lost_if_toggles_off"] = _lift_gain(prob, toggles, key, t_base.fill, t_um, without, time_limit_s)[0] if (key in t_excluding or dynamic) else 0.0
        rows.append(row)
    df = pd.DataFrame(rows, columns=_BIND_COLS)
    return df.sort_values(["weighted_fill_lost", "restriction"], ascending=[False, True]).reset_index(drop=True) if len(df) else df


def to_result(p: Plan, *, scenario_name: str = "") -> Result:
    """The :class:`~backstop.results.Result` of a plan (its ``data`` is the ``--json`` shape)."""
    req, sol = p.requirements, p.solution
    total_req, total_fill = float(req["required"].sum()), float(req["filled"].sum())
    pct = 100.0 * total_fill / total_req if total_req else 100.0
    binds = p.binding[p.binding["status"] == "binds"] if len(p.binding) else p.binding
    summary = [
        f"The pledges fill {pct:.0f}% of the statement of requirements ({total_fill:,.0f} of {total_req:,.0f} unit-months; solver status {sol.status}).",
    ]
    if len(p.gaps):
        worst = req.sort_values(["gap"], ascending=False).head(3)
        summary.append("Largest gaps: " + "; ".join(f"{r.id} ({r.capability}, {r.zone}) {r.gap:,.0f} unit-months" for r in worst.itertuples() if r.gap > 0) + ".")
    if len(binds):
        top = binds.head(3)
        summary.append("What binds most: " + "; ".join(f"{r.restriction} costs {r.fill_lost_unit_months:,.0f} unit-months" for r in top.itertuples()) + ".")
    if p.withdrawal:
        summary.append(f"Withdrawal of {', '.join(p.withdrawal['nations'])} costs {p.withdrawal['fill_lost_unit_months']:,.0f} unit-months of fill.")
    over = p.burden.sort_values("deviation", ascending=False).head(1)
    if not len(req):
        summary = ["No requirement lines (requirements.csv absent and no analysis emitted any): nothing to source."]
    elif len(over) and over.iloc[0].deviation > 0:
        o = over.iloc[0]
        summary.append(f"Burden: {o.nation} carries the most above its fair share ({o.share:.0%} of unit-months against a fair share of {o.fair_share:.0%}, {p.problem.fair_share_basis}).")
    stages = [{"stage": name, **r.summary(), "method": r.backend} for name, r in sol.stages]  # work, never time: results are reproducible
    rows, cols, nnz = sol.size
    data = {
        "status": sol.status,
        "totals": {"required_unit_months": total_req, "filled_unit_months": total_fill, "fill_pct": pct,
                   "weighted_fill": sol.fill, "fair_share_deviation_unit_months": sol.deviation, "cost_usd": sol.cost_usd},
        "requirements": req,
        "assignments": p.assignments,
        "gaps": p.gaps,
        "fill_by_zone_month": p.fill_zone_month,
        "burden": p.burden,
        "binding": p.binding,
        "withdrawal": p.withdrawal or None,
        "model": {"rows": rows, "columns": cols, "nonzeros": nnz, "pairs": p.instance.n_pairs, "stages": stages,
                  "horizon_months": p.problem.horizon, "rotation_months": p.problem.rotation_months,
                  "sustainability_rule": "one_in_three" if p.problem.sustain else "none",
                  "fair_share_basis": p.problem.fair_share_basis, "notes": list(p.problem.notes),
                  "lexicographic": {"exact_face": sol.exact_face, "total_fixed": sol.total_fixed, "notes": list(sol.notes)}},
    }
    assumptions = [
        Assumption("pledges", f"{sum(x.assumption for x in p.problem.pledges)} of {len(p.problem.pledges)} pledge rows are illustrative: national pledges are not public; each names the public statement it is consistent with.", "pledges.csv (statement column)", ""),
        Assumption("burden sharing", f"Fair shares are {p.problem.fair_share_basis}; burden is counted in unit-months of any capability (a battalion-month and an intelligence-cell-month weigh the same).", "gdp.csv" if "GDP" in p.problem.fair_share_basis else "fair_shares.csv", ""),
        Assumption("rotations", f"Each pledged unit deploys once; sustaining a position for T months takes ceil(T/{p.problem.rotation_months}) unit-rotations" + ("; at most one unit in three deployed at once (1-in-3 rule)." if p.problem.sustain else "."), "scenario.toml [forcegen]", ""),
    ]
    for _key, rs in p.problem.restrictions.items():
        if rs.kind == "position":
            assumptions.append(Assumption("implied caveat", f"{rs.nation}'s published position '{rs.caveat.origin.split(':', 1)[1]}' is read as the caveat {rs.caveat.text} on all its pledges.", "positions.csv", ""))
    meta = {"status": sol.status, "solver": "HiGHS via highspy (lexicographic: fill, fair share, cost)", "scenario": scenario_name}
    frames = {"requirements": req, "assignments": p.assignments, "gaps": p.gaps, "burden": p.burden, "binding": p.binding, "fill_by_zone_month": p.fill_zone_month}
    return Result("forcegen", "Force generation: who sends what, where and when", summary, data, frames, assumptions, meta)


def assess(scenario, extra_requirements: Sequence = (), *, without: Sequence[str] = (), binding: bool = True, quick: bool = False) -> Result:
    """Validate, solve and package force generation for ``scenario`` (CLI and pipeline entry)."""
    problem = prepare(scenario, extra_requirements)
    known = {p.nation for p in problem.pledges}
    bad = [w for w in without if w.upper() not in known]
    if bad:
        from backstop.errors import InputError, Problem

        raise InputError([Problem("<cli>", "argument --without", "without", b, "this nation pledges nothing in the scenario", f"pledging nations: {', '.join(sorted(known))}") for b in bad])
    cfg = scenario.config.forcegen
    p = plan(problem, without=without, binding=binding, time_limit_s=min(cfg.time_limit_s, 20.0) if quick else cfg.time_limit_s,
             later_gap=cfg.later_stage_gap, start=scenario.start)
    return to_result(p, scenario_name=scenario.name)


def run(scenario, context) -> Result:
    """Pipeline step: scenario requirement lines plus those emitted by skies and seas."""
    return assess(scenario, context.requirements(), quick=context.quick, binding=getattr(context, "detail", True))
