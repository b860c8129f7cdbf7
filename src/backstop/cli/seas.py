"""``backstop seas``: the shipping corridor, port exposure and its protection."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import JsonOpt, ScenarioArg, console, load_scenario, print_json


def seas(
    path: ScenarioArg = None,
    speed: Annotated[float | None, typer.Option("--speed", help="Convoy speed [kn] (default: [seas].speed_kn).")] = None,
    territorial: Annotated[str | None, typer.Option("--territorial-waters", help="off | prefer | require (default: [seas].territorial_waters).")] = None,
    close: Annotated[str | None, typer.Option("--close", help="Comma-separated searoute passages to close, e.g. bosporus.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sea routes from Ukraine's ports to the Bosporus, port exposure, and MCM, escort and patrol needs."""
    from backstop.errors import input_error
    from backstop.seas.analysis import run

    scenario = load_scenario(path)
    update: dict = {}
    if speed is not None:
        if not speed > 0:
            raise input_error("<cli>", "argument --speed", "speed", speed, "the convoy speed must be a positive number of knots", "use e.g. --speed 12")
        update["speed_kn"] = speed
    if territorial is not None:
        if territorial not in ("off", "prefer", "require"):
            raise input_error("<cli>", "argument --territorial-waters", "territorial-waters", territorial, "unknown mode", "use off, prefer or require")
        update["territorial_waters"] = territorial
    if close:
        update["closed_passages"] = [c.strip().lower() for c in close.split(",") if c.strip()]
    if update:
        cfg = scenario.config.model_copy(update={"seas": scenario.config.seas.model_copy(update=update)})
        scenario = type(scenario)(cfg, scenario.tables, scenario.path, scenario.warnings)
    result = run(scenario)
    if as_json:
        print_json(result.to_json())
        return
    for s in result.summary:
        console.print(s, highlight=False)
    t = Table(title="Routes", title_justify="left")
    for c in ("port", "status", "km", "nm", "transit h", "waters (km)", "reason"):
        t.add_column(c, overflow="fold")
    for r in result.data["routes"]:
        ok = r["status"] == "ok"
        t.add_row(
            r["name"],
            r["status"],
            f"{r['length_km']:.0f}" if ok else "-",
            f"{r['length_nm']:.0f}" if ok else "-",
            f"{r['transit_h']:.1f}" if ok else "-",
            ", ".join(f"{k} {v:.0f}" for k, v in r["waters_km"].items()),
            r["reason"],
        )
    console.print(t)
    t = Table(title="Requirement lines for force generation", title_justify="left")
    for c in ("id", "capability", "quantity", "zone", "months", "note"):
        t.add_column(c, overflow="fold")
    for q in result.requirements:
        t.add_row(q.id, q.capability, str(q.quantity), q.zone, f"{q.start_month}-{q.end_month or 'end'}", q.note)
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command()(seas)
