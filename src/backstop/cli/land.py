"""``backstop land``: reinforcement timelines, force adequacy along the line, regeneration."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import JsonOpt, QuickOpt, ScenarioArg, console, load_scenario, print_json


def land(
    path: ScenarioArg = None,
    nodes: Annotated[bool, typer.Option("--nodes", help="List the corridor network's nodes and exit.")] = False,
    quick: QuickOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Reinforcement over the corridor network (MILP on HiGHS, SimPy cross-check), force ratio per sector, regeneration.

    With --quick only the listed what-ifs run (not the sweep over every lost crossing)."""
    if nodes:
        from backstop.land.network import load_network

        df = load_network().nodes.reset_index()
        if as_json:
            print_json(df)
            return
        t = Table(title=f"Corridor network nodes ({len(df)}; sources in --json)", title_justify="left")
        for c in ("id", "name", "kind", "state", "zone"):
            t.add_column(c, overflow="fold")
        for _, r in df.iterrows():
            t.add_row(r["id"], r["name"], r["kind"], r["state"], r["zone"])
        console.print(t)
        return
    from rich.markup import escape

    from backstop.land.analysis import CURVE_DAYS, run
    from backstop.pipeline import RunContext

    scenario = load_scenario(path)
    result = run(scenario, RunContext(quick=quick))
    if as_json:
        print_json(result.to_json())
        return
    for s in result.summary:
        console.print(escape(s), highlight=False)
    d = result.data
    if "closure" not in d:
        return
    H = d["horizon_days"]
    days = [x for x in CURVE_DAYS if x < H] + [H - 1]
    t = Table(title="Closure curve per zone: troops present by day (flow model / simulation)", title_justify="left")
    for c in ["zone", *(f"day {x}" for x in days), "whole by day"]:
        t.add_column(c, overflow="fold")
    for zone, g in result.frames["closure"].groupby("zone", sort=True):
        g = g.set_index("day")
        full = g["troops_milp"].iloc[-1]
        whole = g.index[g["troops_milp"] >= full - 1e-6].min() if full > 0 else None
        t.add_row(zone, *(f"{g.at[x, 'troops_milp']:,.0f} / {g.at[x, 'troops_sim']:,.0f}" for x in days), "-" if whole is None else str(int(whole)))
    console.print(t)
    t = Table(title="Units: closure day (flow model / simulation)", title_justify="left")
    for c in ("unit", "type", "home", "zone", "ready", "fastest route d", "closure d", "sim d"):
        t.add_column(c, overflow="fold")
    for _, r in result.frames["units"].iterrows():
        fmt = lambda v: "-" if v is None or v != v else f"{v:g}"  # noqa: E731
        t.add_row(r["unit"], r["type"], r["home"], r["zone"], fmt(r["ready_day"]), fmt(r["fastest_route_days"]), fmt(r["closure_day"]), fmt(r["closure_day_sim"]))
    console.print(t)
    t = Table(title="Binding bottlenecks", title_justify="left")
    for c in ("edge", "capacity", "days saturated", "shadow price", "sim queue (echelon-days)"):
        t.add_column(c, overflow="fold")
    for _, r in result.frames["bottlenecks"].iterrows():
        t.add_row(r["edge"], f"{r['capacity_per_day']:g} {r['unit']}/day", str(r["days_saturated"]), f"{r['shadow_price']:,.0f}", f"{r['sim_wait_echelon_days']:g}")
    console.print(t)
    t = Table(title="What-ifs", title_justify="left")
    for c in ("case", "element", "personnel-days", "change", "day 10", "day 30", "closed"):
        t.add_column(c, overflow="fold")
    for _, r in result.frames["what_ifs"].iterrows():
        t.add_row(r["case"], escape(str(r["element"])), f"{r['troop_days']:,.0f}", f"{r['delta_troop_days']:+,.0f}", f"{r['troops_day_10']:,.0f}", f"{r['troops_day_30']:,.0f}", str(r["units_closed"]))
    console.print(t)
    if len(result.frames["warning"]):
        t = Table(title="Adequacy per sector: days to reinforce (first day the sector holds) against days of warning", title_justify="left")
        for c in ("sector", "zone", "days to reinforce", "days of warning", "short at warning", "battalions"):
            t.add_column(c, overflow="fold")
        for _, r in result.frames["warning"].iterrows():
            dth = r["days_to_hold"]
            t.add_row(escape(r["name"]), r["zone"], "never" if dth is None or dth != dth else f"{dth:g}", f"{r['warning_days']:g}", f"{r['troops_short_at_warning']:,.0f}", str(r["battalions_short"]))
        console.print(t)
    t = Table(title="Regeneration of Ukraine's forces by month", title_justify="left")
    for c in ("month", "trained", "needed", "shortfall", "trained brigades", "needed brigades"):
        t.add_column(c, overflow="fold")
    for _, r in result.frames["regeneration"].iterrows():
        t.add_row(str(r["month"]), f"{r['supply']:,.0f}", f"{r['need']:,.0f}", f"{r['shortfall']:,.0f}", f"{r['trained_brigades']:,.1f}", f"{r['needed_brigades']:,.1f}")
    console.print(t)
    t = Table(title="Requirement lines for force generation", title_justify="left")
    for c in ("id", "capability", "quantity", "zone", "note"):
        t.add_column(c, overflow="fold")
    for q in result.requirements:
        t.add_row(q.id, q.capability, str(q.quantity), q.zone, escape(q.note))
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command()(land)
