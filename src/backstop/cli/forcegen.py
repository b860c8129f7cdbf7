"""``backstop forcegen``: who sends what, where and when; the gaps; what binds."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import JsonOpt, ScenarioArg, console, load_scenario, print_json


def forcegen(
    path: ScenarioArg = None,
    without: Annotated[list[str] | None, typer.Option("--without", help="Withdraw a nation's pledges (ISO3); repeat or comma-separate.")] = None,
    no_binding: Annotated[bool, typer.Option("--no-binding", help="Skip 'what binds' (one re-solve per caveat and toggle).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Source the force from national pledges: fill, gaps with reasons, burden against fair share, what binds."""
    from backstop.forcegen.analysis import assess

    scenario = load_scenario(path)
    codes = [c.strip().upper() for w in (without or []) for c in w.split(",") if c.strip()]
    result = assess(scenario, without=codes, binding=not no_binding)
    if as_json:
        print_json(result.to_json())
        return
    render(result)


def _table(title: str, columns: list[tuple[str, str]], rows) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold")
    for name, justify in columns:
        t.add_column(name, justify=justify, overflow="fold")
    for r in rows:
        t.add_row(*[str(v) for v in r])
    return t


def render(result) -> None:
    """Terminal rendering: headline, requirement fill, gaps, burden, what binds."""
    d = result.data
    status = d["status"]
    colour = "green" if status == "optimal" else "red"
    console.print(f"[bold]{result.title}[/]  solver: [{colour}]{status}[/]", highlight=False)
    for s in result.summary:
        console.print(f"  {s}", highlight=False)
    req = d["requirements"]

    def bar(pct: float) -> str:
        n = int(round(pct / 20))
        return "[green]" + "█" * n + "[/][red]" + "░" * (5 - n) + "[/]"

    console.print(_table(
        "Requirement lines (unit-months)",
        [("id", "left"), ("capability", "left"), ("zone", "left"), ("prio", "right"), ("required", "right"), ("filled", "right"), ("gap", "right"), ("fill", "left")],
        [(r["id"], r["capability"], r["zone"], f"{r['priority']:g}", f"{r['required']:.0f}", f"{r['filled']:.0f}", f"{r['gap']:.0f}", bar(r["fill_pct"]) + f" {r['fill_pct']:.0f}%") for r in req.to_dict("records")],
    ))
    gaps = d["gaps"]
    if len(gaps):
        console.print(_table(
            "Gaps: what, where, when, why",
            [("requirement", "left"), ("zone", "left"), ("months", "left"), ("missing", "right"), ("reason", "left")],
            [(g["requirement"], g["zone"], f"{g['from']}..{g['to']}", f"{g['missing_units']:.0f}", g["reason"]) for g in gaps.to_dict("records")],
        ))
    bur = d["burden"]
    console.print(_table(
        "Burden against fair share (" + d["model"]["fair_share_basis"] + ")",
        [("nation", "left"), ("unit-months", "right"), ("share", "right"), ("fair share", "right"), ("deviation", "right"), ("used/pledged", "right")],
        [(b["nation"], f"{b['unit_months']:.0f}", f"{b['share']:.1%}", f"{b['fair_share']:.1%}", f"{b['deviation']:+.0f}", f"{b['units_used']}/{b['pledged_units']}") for b in bur.to_dict("records")],
    ))
    bind = d["binding"]
    if len(bind):
        def off(b):
            v = b.get("fill_lost_if_toggles_off")
            return 0.0 if v is None or v != v else float(v)

        rows = [b for b in bind.to_dict("records") if b["status"] == "binds" or off(b) > 0]
        console.print(_table(
            "What binds (fill lost because of each caveat or toggle; re-solved without it)",
            [("restriction", "left"), ("kind", "left"), ("unit-months lost", "right"), ("weighted", "right"), ("lost if toggles off", "right")],
            [(b["restriction"], b["kind"], f"{b['fill_lost_unit_months']:.0f}", f"{b['weighted_fill_lost']:.0f}", "" if b["kind"] == "toggle" else f"{off(b):.0f}") for b in rows] or [("(nothing binds)", "", "", "", "")],
        ))
        rest = len(bind) - len(rows)
        if rest:
            console.print(f"  {rest} other caveats and toggles cost nothing, with or without the toggles (see --json).", highlight=False)
    wd = d.get("withdrawal")
    if wd:
        console.print(f"[bold]Withdrawal of {', '.join(wd['nations'])}[/]: fill falls from {wd['fill_with_all_unit_months']:.0f} to {wd['fill_without_unit_months']:.0f} unit-months ({wd['fill_lost_unit_months']:.0f} lost).", highlight=False)
        if wd["requirements"]:
            console.print(_table("Lines that lose fill", [("id", "left"), ("zone", "left"), ("with all", "right"), ("without", "right"), ("lost", "right")],
                                 [(r["id"], r["zone"], f"{r['filled_with_all']:.0f}", f"{r['filled_without']:.0f}", f"{r['lost']:.0f}") for r in wd["requirements"]]))
    m = d["model"]
    console.print(f"[dim]model: {m['rows']} rows x {m['columns']} columns, {m['nonzeros']} nonzeros; {m['pairs']} pledge-line pairs; "
                  + ", ".join(f"{s['stage']} {s['status']} ({s['iterations']} iterations, {s['nodes']} nodes)" for s in m["stages"]) + "[/]", highlight=False)
    for n in m["notes"]:
        console.print(f"[yellow]note:[/] {n}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("forcegen")(forcegen)
