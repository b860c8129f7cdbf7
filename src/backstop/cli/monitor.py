"""``backstop monitor``: import incident reports, assess the agreement, extract incidents from news."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.common import JsonOpt, console, err_console, load_scenario, parse_date, print_json

monitor_app = typer.Typer(help="Ceasefire and guarantee monitoring.", no_args_is_help=True, rich_markup_mode=None)

DEFAULT_DB = "monitor.duckdb"
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file (created if absent).")]


@monitor_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, JSON or JSON Lines: ACLED-compatible incidents or Air Force daily summaries.")],
    db: DbOpt = Path(DEFAULT_DB),
    parquet: Annotated[Path | None, typer.Option("--parquet", help="Also export the store's tables as Parquet to this folder.")] = None,
    as_json: JsonOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 2 when any row was rejected (the valid rows still land).")] = False,
) -> None:
    """Import a file into the store in one transaction; bad rows are listed with their line numbers."""
    from backstop.errors import input_error
    from backstop.monitor.store import Store

    if not file.is_file():
        raise input_error(str(file), "", "", "", "no such file", "give the path of a CSV, JSON or JSON Lines file")
    with Store(db, on_wait=lambda msg: err_console.print(msg, markup=False, highlight=False)) as store:
        res = store.import_file(file)
        if parquet is not None:
            store.export_parquet(parquet)
        counts = store.counts()
    if as_json:
        print_json({**res.to_dict(), "store": str(db), "store_counts": counts})
    else:
        _print_import(file, db, res, counts)
    if strict and res.rows_bad:
        raise typer.Exit(2)


def _print_import(file: Path, db: Path, res, counts: dict) -> None:
    if res.skipped:
        console.print(f"[yellow]already imported[/]: {file} (sha256 {res.sha256[:12]}...): nothing added", highlight=False)
    else:
        console.print(
            f"[green]imported[/] {file} ({res.kind}): {res.rows_read} rows read, {res.rows_added} added, "
            f"{res.rows_duplicate} already stored, {res.rows_bad} bad; store {db} now holds {counts['reports']} reports and {counts['air_reports']} air summaries",
            highlight=False,
        )
    for p in res.problems[:50]:
        err_console.print(f"  - {p}", markup=False, highlight=False)
    if len(res.problems) > 50:
        err_console.print(f"  ... and {len(res.problems) - 50} more problems (use --json for all)")


@monitor_app.command("assess")
def assess(
    scenario: Annotated[str | None, typer.Argument(help="Scenario folder or bundled name (agreement, line, commitments).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Assess this DuckDB store instead of the scenario's incidents.csv.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Violation register and commitments fired (per guarantor, with deadlines)."""
    from backstop.errors import input_error
    from backstop.monitor.analysis import assess_store, run
    from backstop.monitor.store import Store

    sc = load_scenario(scenario)
    if db is None:
        result = run(sc, None)
    else:
        if not db.is_file():
            raise input_error(str(db), "", "db", str(db), "no such store", "import a file first: backstop monitor import FILE --db PATH")
        with Store(db) as store:
            result = assess_store(store, sc)
    if as_json:
        print_json(result.to_json())
        return
    for s in result.summary:
        console.print(s, highlight=False)
    reg = result.frames["register"]
    t = Table(title=f"Violation register ({len(reg)}; first 30)", title_justify="left")
    for c in ("violation_id", "event_date", "violation_class", "party", "severity", "status", "location", "sources"):
        t.add_column(c, overflow="fold")
    for _, r in reg.head(30).iterrows():
        t.add_row(r["violation_id"], str(r["event_date"])[:10], r["violation_class"], r["party"], str(r["severity"]), r["status"], str(r["location"]), str(r["sources"])[:60])
    console.print(t)
    fired = result.frames["commitments"]
    t = Table(title=f"Commitments fired ({len(fired)}; first 30)", title_justify="left")
    for c in ("guarantor", "step", "kind", "response", "trigger (UTC)", "deadline (UTC)", "violations"):
        t.add_column(c, overflow="fold")
    for _, r in fired.head(30).iterrows():
        t.add_row(r["guarantor"], str(r["step"]), r["kind"], r["response"], f"{r['trigger_time']:%Y-%m-%d %H:%M}", f"{r['deadline']:%Y-%m-%d %H:%M}", r["violations"])
    console.print(t)


@monitor_app.command("extract")
def extract(
    article: Annotated[Path, typer.Argument(help="Plain-text news article.")],
    date: Annotated[str | None, typer.Option("--date", help="Article date YYYY-MM-DD (default: the first date written in it).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Candidate incidents from news text (deterministic rules; every one unverified, with its sentence)."""
    from backstop.errors import input_error
    from backstop.monitor.extract import article_date
    from backstop.monitor.extract import extract as run_extract

    d = parse_date(date, "--date")
    if not article.is_file():
        raise input_error(str(article), "", "", "", "no such file", "give a plain-text (UTF-8) article")
    try:
        text = article.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise input_error(str(article), "", "", "", f"not UTF-8 text: {exc}", "save the article as UTF-8 text") from None
    d = d or article_date(text)
    cands = run_extract(text, d)
    if as_json:
        print_json({"article": str(article), "date": d, "count": len(cands), "candidates": [c.to_dict() for c in cands]})
        return
    if d is None:
        err_console.print("[yellow]warning:[/] no date given or found in the article: event dates are empty (use --date)")
    t = Table(title=f"{len(cands)} candidate incidents (unverified) from {article.name}", title_justify="left")
    for c in ("date", "place", "lat", "lon", "killed", "injured", "targets", "evidence"):
        t.add_column(c, overflow="fold")
    for c in cands:
        t.add_row(c.event_date, c.location or "-", f"{c.latitude:.3f}" if c.latitude is not None else "-", f"{c.longitude:.3f}" if c.longitude is not None else "-",
                  str(c.fatalities), str(c.injured), ",".join(c.target_types), c.evidence)
    console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
