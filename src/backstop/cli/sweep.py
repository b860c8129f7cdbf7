"""``backstop sweep``: run a parameter sweep and write ``sweep.parquet`` and ``sweep.html``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstop.cli.common import console, err_console


def sweep(
    spec: Annotated[Path | None, typer.Argument(help="Sweep spec (TOML; docs/sweep-format.md).", show_default=False)] = None,
    path: Annotated[str | None, typer.Argument(help="Scenario folder or bundled name (default: the spec's [sweep] scenario, else ukraine-2025).")] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder (parts/, sweep.parquet, sweep.html); rerunning into it resumes.")] = Path("sweep-out"),
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes (1 = in this process), or Ray actors with --ray.", min=1)] = 1,
    ray: Annotated[str | None, typer.Option("--ray", help="Run on Ray: 'auto' starts a local Ray, an address joins a cluster (needs backstop[scale]).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Discard results already in OUT and start over.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Run the variants that failed last time again.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="Run at most N variants now (the rest on the next run).", min=1)] = None,
    schema: Annotated[bool, typer.Option("--schema", help="Print the spec format (Markdown) and exit.")] = False,
) -> None:
    """Sweep uncertain assumptions over a design; tornado, Sobol indices, distributions and the boxes where the plan fails."""
    if schema:
        import sys

        from backstop.sweep.spec import spec_markdown

        sys.stdout.write(spec_markdown())
        return
    if spec is None:
        from backstop.errors import input_error

        raise input_error("<cli>", "argument SPEC", "spec", "", "missing sweep spec", "backstop sweep SPEC.toml [SCENARIO] (see examples/sweep-skies.toml)")
    from backstop.sweep.executor import check_ray_address, is_local_ray
    from backstop.sweep.report import write_report
    from backstop.sweep.run import load_plan, run_sweep

    plan = load_plan(spec, path)
    if ray and not is_local_ray(ray):
        check_ray_address(ray)  # a bad or unreachable address: exit 2 before the progress bar
    for note in plan.notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    n_rows, n_var = len(plan.row_ids), len(plan.variants)
    console.print(f"sweep [bold]{plan.spec.sweep.name}[/]: {plan.design.method} design, {len(plan.factors)} factors, {n_rows} rows, {n_var} distinct variants; analyses {', '.join(plan.analyses)}", highlight=False)
    with progress_bar() as bar:
        task = bar.add_task("variants", total=n_var, failed=0)
        state = {"failed": 0, "started": False}

        def progress(done, total, outcome):
            if outcome is None:
                bar.update(task, completed=done)
                if done:
                    bar.reset(task, total=total, completed=done, failed=0)
                return
            if not outcome.ok:
                state["failed"] += 1
            bar.update(task, completed=done, failed=state["failed"])

        try:
            result = run_sweep(plan, out, workers=workers, ray=ray, fresh=fresh, retry_failed=retry_failed, progress=progress, limit=limit)
        except KeyboardInterrupt:
            err_console.print(f"interrupted: finished variants are stored in {out / 'parts'}; run the same command again to resume")
            raise typer.Exit(130) from None
    console.print(f"{result.ran} variants run on {result.executor}, {result.skipped} already stored, {result.failed} failed; {result.wall_s:.1f} s", highlight=False)
    if not result.complete:
        console.print(f"[yellow]incomplete:[/] run the same command again to finish ({out})")
        return
    html = write_report(out, result.table, plan)
    console.print(f"[green]wrote[/] {out / 'sweep.parquet'} and {html}")


def progress_bar(get_time=None):
    """The sweep's progress bar: done/total, failures, elapsed time and ETA.

    The ETA is the average pace since the bar started (variants can take minutes each on a large
    scenario; rich's default 30 s window would then show no estimate at all)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    kw = {"get_time": get_time} if get_time else {}
    return Progress(*columns, console=err_console, speed_estimate_period=7 * 24 * 3600.0, **kw)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
