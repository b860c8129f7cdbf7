"""``backstop summit``: judge and rank candidate summit venues (law of arrest, flights, vetoes)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import (
    JsonOpt,
    ScenarioArg,
    console,
    load_scenario,
    parse_codes,
    parse_date,
    print_json,
)


def summit(
    path: ScenarioArg = None,
    date: Annotated[str | None, typer.Option("--date", help="Summit date YYYY-MM-DD (default: [summit].date).")] = None,
    leaders: Annotated[str | None, typer.Option("--leaders", help="Comma-separated ISO3 codes of the leaders to include.")] = None,
    venues: Annotated[str | None, typer.Option("--venues", help="Comma-separated ICAO codes of the venues to judge (any airport).")] = None,
    allow_overflight: Annotated[str | None, typer.Option("--allow-overflight", help="Comma-separated ISO3 codes of states granting overflight derogations.")] = None,
    avoid_icc: Annotated[bool | None, typer.Option("--avoid-icc-airspace/--no-avoid-icc-airspace", help="Route warrant holders around Rome Statute parties.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Where can the leaders meet? Verdicts (feasible, conditional, infeasible) with reasons and routes."""
    from backstop.errors import input_error
    from backstop.reference.states import DateNotCovered, state_names
    from backstop.summit.analysis import plan

    for opt, value in (("--venues", venues), ("--leaders", leaders), ("--allow-overflight", allow_overflight)):
        if value is not None and not parse_codes(value, opt):  # "" or "," is not a silent "use the defaults"
            raise input_error("<cli>", f"argument {opt}", opt.lstrip("-"), value, "no code given", f"give comma-separated codes, or leave {opt} out for the defaults")
    scenario = load_scenario(path)
    day = parse_date(date, "--date")
    try:
        scenario.snapshot_on(day or scenario.config.summit.date or scenario.as_of)
    except DateNotCovered as exc:  # the scenario's own dates were checked when it was read
        raise exc.at("<cli>", "argument --date", "date") from None
    _date_caveat(day or scenario.config.summit.date or scenario.as_of)
    result = plan(
        scenario,
        date=day,
        leaders=parse_codes(leaders, "--leaders") or None,
        venues=parse_codes(venues, "--venues") or None,
        allow_overflight=parse_codes(allow_overflight, "--allow-overflight", set(state_names()), "state code") or None,
        avoid_icc=avoid_icc,
    )
    if as_json:
        print_json(result.to_json())
        return
    d = result.data
    console.print(f"[bold]{result.title}[/] on {d['date']}", highlight=False)
    for s in result.summary:
        console.print(s, highlight=False)
    t = Table(title_justify="left")
    for col in ("#", "venue", "city", "verdict", "flying h", "detour km", *[f"{ld['state']} route" for ld in d["leaders"]]):
        t.add_column(col, overflow="fold")
    colour = {"feasible": "green", "conditional": "yellow", "infeasible": "red"}
    for v in d["venues"]:
        legs = []
        for ld in d["leaders"]:
            r = v["routes"].get(ld["state"])
            legs.append("no route" if r is None else f"{r['distance_km']:,.0f} km {r['status'].replace('_', ' ')}")
        t.add_row(str(v["rank"]), v["venue"], v["city"], f"[{colour[v['verdict']]}]{v['verdict']}[/]",
                  "-" if v["total_flight_h"] is None else f"{v['total_flight_h']:.1f}", f"{v['total_detour_km']:,.0f}", *legs)
    console.print(t)
    for v in d["venues"]:
        console.print(f"[bold]{v['rank']}. {v['city']} ({v['venue']}): {v['verdict']}[/]", highlight=False)
        for r in v["reasons"]:
            console.print(f"  - {r}", highlight=False, markup=False)


def _date_caveat(when) -> None:
    """Warn when the summit date lies beyond the bundled facts (memberships, warrants, positions)."""
    import datetime as dt

    from backstop.cli.common import err_console
    from backstop.reference.tables import load_table

    data_as_of = dt.date.fromisoformat(str(load_table("memberships")["as_of"].max()))
    if when > data_as_of + dt.timedelta(days=365):
        err_console.print(
            f"warning: the summit date {when} is {(when - data_as_of).days // 365} year(s) after the bundled facts (as of {data_as_of}): "
            "memberships, warrants and positions are taken as they stand on that date, not as they will be",
            markup=False, highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command()(summit)
