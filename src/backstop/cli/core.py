"""Foundation commands: validate, schema, facts, assess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import (
    JsonOpt,
    QuickOpt,
    ScenarioArg,
    SeedOpt,
    StrictOpt,
    console,
    err_console,
    load_scenario,
    parse_date,
    print_json,
)

facts_app = typer.Typer(help="Bundled reference facts, as of a date.", no_args_is_help=True, rich_markup_mode=None)


def validate(path: ScenarioArg = None, strict: StrictOpt = False, as_json: JsonOpt = False) -> None:
    """Check a scenario folder; list every problem with file, line or key, field, value and a hint."""
    scenario = load_scenario(path, strict=strict)
    if as_json:
        print_json({"valid": True, "scenario": scenario.name, "warnings": [w.to_dict() for w in scenario.warnings]})
        return
    n = sum(len(v) for v in scenario.tables.values())
    console.print(f"[green]ok[/]: scenario '{scenario.name}' as of {scenario.as_of} ({len(scenario.tables)} tables, {n} rows, {len(scenario.warnings)} warnings)")


def schema(markdown: Annotated[bool, typer.Option("--markdown", help="Print the Markdown of docs/scenario-format.md.")] = False, as_json: JsonOpt = False) -> None:
    """Print every field of the scenario format: type, unit, default, description."""
    from backstop.scenario.docs import schema_dict, schema_markdown

    if markdown:
        typer.echo(schema_markdown(), nl=False)
        return
    d = schema_dict()
    if as_json:
        print_json(d)
        return
    for title, group in (("scenario.toml", d["scenario.toml"]), ("tables", d["tables"])):
        for name, item in group.items():
            label = f"[{name}]" if title == "scenario.toml" else f"{name}.csv"
            t = Table(title=f"{label}  {item['description']}", title_justify="left")
            for col in ("field", "type", "unit", "default", "description"):
                t.add_column(col, overflow="fold")
            for f in item.get("fields", item.get("columns", [])):
                t.add_row(f["name"], f["type"], f["unit"], f["default"], f["description"])
            console.print(t)


@facts_app.command("members")
def facts_members(
    body: Annotated[str, typer.Option("--body", help="nato | eu | icc | coalition | airspace-closed-to-RUS")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """ISO3 codes of the members of a body on a date."""
    from backstop.reference.states import (
        DateNotCovered,
        UnknownBody,
        members,
        normalise_body,
        state_names,
    )

    date = parse_date(as_of, "--as-of") or dt.date.today()
    try:
        key = normalise_body(body)
        codes = members(key, date)
    except UnknownBody as exc:
        raise exc.at("<cli>", "argument --body") from None
    except DateNotCovered as exc:
        raise exc.at("<cli>", "argument --as-of") from None
    from backstop.reference.states import membership_rows

    rows = membership_rows(key)
    if len(rows) and date.isoformat() < str(rows["start"].min()):
        from backstop.errors import input_error

        first, data_as_of = str(rows["start"].min()), str(rows["as_of"].max())
        raise input_error("<cli>", "argument --as-of", "as-of", date.isoformat(), f"before the bundled {key} data begins", f"the data cover {first} to {data_as_of}: use a date in that range")
    if as_json:
        print_json({"body": key, "as_of": date, "count": len(codes), "members": codes})
        return
    names = state_names()
    console.print(f"{key} as of {date}: {len(codes)} states")
    for c in codes:
        console.print(f"  {c}  {names.get(c, '')}", highlight=False)


def _table_command(table_name: str, columns: list[str], doc: str):
    def command(as_json: JsonOpt = False) -> None:
        from backstop.reference import load_table

        df = load_table(table_name)
        if as_json:
            print_json(df)
            return
        t = Table(title=f"{table_name} ({len(df)} rows; full sources in --json)", title_justify="left")
        cols = [c for c in columns if c in df.columns]
        for c in cols:
            t.add_column(c, overflow="fold")
        for _, row in df.iterrows():
            t.add_row(*[str(row[c]) for c in cols])
        console.print(t)

    command.__doc__ = doc
    return command


_FACT_TABLES = {
    "states": ("states", ["iso3", "iso2", "name"], "ISO 3166-1 states."),
    "capabilities": ("capabilities", ["id", "name", "domain", "ground", "combat", "air_isr_intel"], "Force-generation capability taxonomy."),
    "zones": ("zones", ["id", "name", "in_ukraine", "state"], "Deployment zones."),
    "systems": ("air_defence_systems", ["id", "name", "class", "range_km", "interceptor_cost_usd", "pk_drone", "pk_cruise", "pk_ballistic"], "Air-defence and counter-drone catalogue (Pk values are assumptions)."),
    "threats": ("threat_weapons", ["id", "name", "class", "speed_kmh", "range_km", "unit_cost_usd"], "Threat weapon catalogue."),
    "ports": ("ports", ["id", "name", "state", "lat", "lon", "kind"], "Named sea and river ports."),
    "energy": ("energy", ["id", "name", "kind", "lat", "lon", "criticality"], "Major Ukrainian energy facilities."),
    "positions": ("positions", ["iso3", "position", "stated", "text"], "Published positions on the reassurance force (each applies from the day it was stated)."),
    "leaders": ("leaders", ["state", "name", "start", "end", "origin", "warrants"], "Leaders as dated office-holders (the summit's defaults)."),
    "summit-facts": ("summit_facts", ["id", "kind", "state", "beneficiary", "from", "until"], "Dated host invitations, immunity assurances, overflight offers and airspace avoided in practice."),
    "gdp": ("gdp", ["iso3", "year", "gdp_usd_bn"], "Nominal GDP for burden-sharing."),
}
for _name, (_table, _cols, _doc) in _FACT_TABLES.items():
    facts_app.command(_name)(_table_command(_table, _cols, _doc))


def assess(
    path: ScenarioArg = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder (report.html, results.json, CSVs).")] = Path("out"),
    only: Annotated[str | None, typer.Option("--only", help="Comma-separated analyses to run.")] = None,
    seed: SeedOpt = None,
    quick: QuickOpt = False,
    strict: StrictOpt = False,
    sweep: Annotated[Path | None, typer.Option("--sweep", help="A sweep's output folder or sweep.parquet: adds 'what the conclusions hang on' to the report.")] = None,
) -> None:
    """Run every analysis on a scenario and write an offline HTML report, results.json and CSVs."""
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from backstop.pipeline import STEPS
    from backstop.pipeline import assess as run_assess
    from backstop.report import write_outputs

    t0 = time.perf_counter()
    _check_out(out)  # before any analysis runs
    extra = []
    if sweep is not None:
        from backstop.sweep.report import hang_on_section

        extra.append(hang_on_section(sweep))
    scenario = load_scenario(path, strict=strict)
    only_list = [s.strip() for s in only.split(",")] if only else None
    if only_list:
        from backstop.errors import InputError, Problem

        known = {s.name for s in STEPS}
        bad = [s for s in only_list if s not in known]
        if bad:
            raise InputError([Problem("<cli>", "argument --only", "only", b, "unknown analysis", f"use some of: {', '.join(sorted(known))}") for b in bad])
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console, transient=False) as progress:
        tasks: dict[str, int] = {}

        def on_step(step, phase):
            if phase == "start":
                tasks[step.name] = progress.add_task(f"{step.title}...", total=1)
            else:
                progress.update(tasks[step.name], completed=1, description=f"{step.title}: done")

        results = run_assess(scenario, only=only_list, seed=seed, quick=quick, on_step=on_step)
        task = progress.add_task("Writing report...", total=1)
        write_outputs(out, scenario, results, extra)
        progress.update(task, completed=1, description="Report written")
    console.print(f"[green]wrote[/] {out / 'report.html'}, {out / 'results.json'} and CSVs in {time.perf_counter() - t0:.1f} s")
    for r in results:
        if r.summary:
            console.print(f"  [bold]{r.title}[/]: {r.summary[0]}", highlight=False)


def _check_out(out: Path) -> None:
    """The output folder can be created or reused: not a file, and no file in its way."""
    from backstop.errors import input_error

    for p in (out, *out.parents):
        if p.exists() and not p.is_dir():
            raise input_error("<cli>", "argument -o/--out", "out", str(out), f"{p} is a file, not a folder", "give a folder for the report (created if absent)")
        if p.exists():
            break


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(schema)
    app.command()(assess)
    app.add_typer(facts_app, name="facts")
