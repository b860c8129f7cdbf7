"""Safe-skies commands: ``skies`` (the analysis), ``wta`` and ``mclp`` (standard instances)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from typer.core import TyperGroup

from backstop.cli.common import (
    JsonOpt,
    QuickOpt,
    ScenarioArg,
    SeedOpt,
    console,
    err_console,
    load_scenario,
    print_json,
)


def skies(
    path: ScenarioArg = None,
    wave: Annotated[str | None, typer.Option("--wave", help="Wave name from waves.csv (default: [skies] wave).")] = None,
    trials: Annotated[int | None, typer.Option("--trials", help="Monte Carlo trials (default: [skies] trials).")] = None,
    seed: SeedOpt = None,
    quick: QuickOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Simulate threat waves against the defences: leakers, value lost, depletion, batteries required."""
    from backstop.skies.analysis import assess_skies

    scenario = load_scenario(path)
    result = assess_skies(scenario, wave=wave, trials=trials, seed=seed, quick=quick)
    if as_json:
        print_json(result.to_json())
        return
    for line in result.summary:
        console.print(line, highlight=False)
    sel = result.data["selected"]
    t = Table(title=f"Wave {result.data['wave']}: leakers per class", title_justify="left")
    for col in ("class", "launched", "mean leakers", "p90", "SE", "intercepted"):
        t.add_column(col, justify="right")
    for c, v in sel["leakers"].items():
        share = sel["intercept_share"][c]
        t.add_row(c, str(sel["launched"][c]), f"{v['mean']:.2f}", f"{v['p90']:.0f}", f"{v['se']:.3f}", "" if share is None else f"{share:.1%}")
    console.print(t)
    if result.requirements:
        t = Table(title="Requirement lines for force generation", title_justify="left")
        for col in ("id", "capability", "quantity", "zone"):
            t.add_column(col)
        for r in result.requirements:
            t.add_row(r.id, r.capability, str(r.quantity), r.zone)
        console.print(t)


def wta(
    file: Annotated[str, typer.Argument(help="Instance file (Andersen, Pavlikov and Toffolo 2022 format).")],
    method: Annotated[str, typer.Option("--method", help="exact | heuristic")] = "heuristic",
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Wall-clock safety net [s] (default: exact 600, heuristic 120); the solvers stop on work limits (rounds) or proven optimality first, so the answer does not depend on the machine.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Solve a static weapon-target assignment instance: objective and assignment."""
    from backstop.errors import input_error
    from backstop.skies.io import read_wta
    from backstop.skies.wta import solve

    if method not in ("exact", "heuristic"):
        raise input_error("<cli>", "argument --method", "method", method, "unknown method", "use exact or heuristic")
    if time_limit is not None and not (0 < time_limit <= 86_400):  # also rejects nan and inf
        raise input_error("<cli>", "argument --time-limit", "time-limit", time_limit, "must be a number of seconds in (0, 86400]", "seconds, e.g. 60")
    inst = read_wta(file)
    sol = solve(inst, method, time_limit)
    payload = {
        "instance": inst.name, "weapons": inst.shape[0], "targets": inst.shape[1], "method": sol.method, "status": sol.status,
        "objective": sol.objective, "lower_bound": sol.lower_bound if method == "exact" else None, "gap": sol.gap if method == "exact" else None,
        "runtime_s": sol.runtime_s, "assignment": [{"weapon": i, "target": j, "units": u} for i, j, u in sol.assignment()],
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"{inst.name}: {inst.shape[0]} weapon types x {inst.shape[1]} targets; {sol.method}: {sol.status}", highlight=False)
    console.print(f"objective (expected surviving value) {sol.objective:.6f}" + (f"; lower bound {sol.lower_bound:.6f}; gap {sol.gap:.2e}" if method == "exact" else "") + f"; {sol.runtime_s:.2f} s", highlight=False)
    console.print("assignment (weapon type -> target x units): " + ", ".join(f"{i}->{j}" + (f"x{u}" if u > 1 else "") for i, j, u in sol.assignment()), highlight=False)


def mclp(
    file: Annotated[str, typer.Argument(help="Instance file (SJC format: header, then `x y demand`).")],
    facilities: Annotated[int, typer.Option("--facilities", help="Number of facilities p.")],
    radius: Annotated[float, typer.Option("--radius", help="Covering radius (units of the coordinates).")],
    method: Annotated[str, typer.Option("--method", help="exact | heuristic")] = "exact",
    time_limit: Annotated[float, typer.Option("--time-limit", help="Time limit [s].")] = 600.0,
    as_json: JsonOpt = False,
) -> None:
    """Solve a maximal covering location instance: covered demand, sites and the optimality gap."""
    from backstop.errors import input_error
    from backstop.skies.io import read_mclp
    from backstop.skies.mclp import solve

    if facilities < 1:
        raise input_error("<cli>", "argument --facilities", "facilities", facilities, "must be at least 1", "")
    if not (0 < radius < float("inf")):  # also rejects nan
        raise input_error("<cli>", "argument --radius", "radius", radius, "must be a finite positive number", "units of the coordinates, e.g. 800")
    if not (0 < time_limit <= 86_400):
        raise input_error("<cli>", "argument --time-limit", "time-limit", time_limit, "must be a number of seconds in (0, 86400]", "seconds, e.g. 60")
    if method not in ("exact", "heuristic"):
        raise input_error("<cli>", "argument --method", "method", method, "unknown method", "use exact or heuristic")
    inst = read_mclp(file)
    if facilities > inst.n:
        raise input_error("<cli>", "argument --facilities", "facilities", facilities, f"more facilities than nodes ({inst.n})", "")
    sol = solve(inst, facilities, radius, method=method, time_limit=time_limit)
    payload = {
        "instance": inst.name, "nodes": inst.n, "facilities": facilities, "radius": radius, "method": sol.method, "status": sol.status,
        "covered_demand": sol.covered, "total_demand": float(inst.demand.sum()), "upper_bound": sol.upper_bound, "gap": sol.gap,
        "runtime_s": sol.runtime_s, "sites": sol.sites.tolist(),
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"{inst.name}: {inst.n} nodes, p={facilities}, r={radius:g}; {sol.method}: {sol.status}", highlight=False)
    console.print(f"covered demand {sol.covered:g} of {inst.demand.sum():g}; upper bound {sol.upper_bound:g}; gap {sol.gap:.2%}; {sol.runtime_s:.2f} s", highlight=False)
    console.print("sites (0-based nodes): " + ", ".join(map(str, sol.sites.tolist())), highlight=False)


def calibrate(
    file: Annotated[str, typer.Argument(help="Night-by-night CSV: night,drone_launched,drone_downed_or_lost,cruise_launched,cruise_downed,ballistic_launched,ballistic_downed[,weapons] (the shape of the bundled air_force_nights.csv).")],
    at: Annotated[str | None, typer.Option("--at", help="Date the fit is centred on, YYYY-MM-DD (default: the last night in the file).")] = None,
    half_life: Annotated[float | None, typer.Option("--half-life", help="Half-life of the time weights [days] for every class (default: each class's, chosen by cross-validation on the bundled record).")] = None,
    choose: Annotated[bool, typer.Option("--choose", help="Choose each class's half-life, size term and shrinkage toward the constant by rolling-origin cross-validation on this file.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (a night with more downed than launched) as errors.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fit the night model to a night-by-night record; print the fit and its calibration error."""
    import datetime as dt

    from backstop.errors import input_error
    from backstop.skies.nightfit import calibrate as fit_nights
    from backstop.skies.nightfit import read_nights

    day = None
    if at is not None:
        try:
            day = dt.date.fromisoformat(at)
        except ValueError:
            raise input_error("<cli>", "argument --at", "at", at, "not a date", "YYYY-MM-DD") from None
    nights = read_nights(file, strict=strict)
    for w in nights.warnings:
        err_console.print(f"warning: {w}", markup=False, highlight=False)
    res = fit_nights(nights, day, half_life_days=half_life, choose=choose)
    if as_json:
        print_json(res)
        return
    f = res["fit"]
    console.print(f"Night model fitted to {file}: {f['first_night']} to {f['last_night']}, centred on {f['at']}.", highlight=False)
    t = Table(title="Fit per class (share downed at a wave of 100)", title_justify="left")
    for col in ("class", "half-life [d]", "size term", "shrink", "nights", "launched", "share at 100", "constant", "log-size effect", "rho", "weapon types (logit offset)"):
        t.add_column(col)
    for c, v in f["classes"].items():
        sp = v["spec"]
        t.add_row(c, "static" if sp["half_life_days"] is None else f"{sp['half_life_days']:g}", "yes" if sp["size_term"] else "no", f"{sp['shrink']:.2f}", str(v["nights"]), f"{v['launched']:,.0f}", "" if v["share_at_ref_size"] is None else f"{v['share_at_ref_size']:.1%}", f"{v['constant']:.1%}", f"{v['beta_log_size']:+.3f}", f"{v['rho']:.3f}", ", ".join(f"{k} {o:+.2f}" for k, o in v["type_offset"].items()))
    console.print(t)
    t = Table(title="Calibration error (share downed): pooled bias and per-night MAE, model vs constant", title_justify="left")
    for col in ("class", "evaluation", "nights", "reported", "model bias", "model MAE", "constant bias", "constant MAE"):
        t.add_column(col)
    for r in res["error_table"]:
        def pct(x):
            return "" if x is None else f"{x:+.3f}"
        t.add_row(r["class"], r["evaluation"], str(r["nights"]), "" if r["reported_share"] is None else f"{r['reported_share']:.3f}", pct(r["model_bias"]), "" if r["model_mae"] is None else f"{r['model_mae']:.3f}", pct(r["constant_bias"]), "" if r["constant_mae"] is None else f"{r['constant_mae']:.3f}")
    console.print(t)
    if "selection" in res:
        t = Table(title="Chosen on this file; online (nested) selection, each month by the candidate best on earlier months", title_justify="left")
        for col in ("class", "nights", "online MAE", "constant MAE", "online bias", "constant bias"):
            t.add_column(col)
        for c, v in res["selection"]["online"].items():
            t.add_row(c, str(v["nights"]), f"{v['mae']:.3f}", f"{v['constant_mae']:.3f}", f"{v['bias']:+.3f}", f"{v['constant_bias']:+.3f}")
        console.print(t)
    for note in f["notes"]:
        console.print(f"note: {note}", highlight=False)


class _SkiesGroup(TyperGroup):
    """``backstop skies [SCENARIO] [options]`` runs the analysis; ``backstop skies calibrate FILE`` fits the night model."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer) -> None:
    skies_app = typer.Typer(cls=_SkiesGroup, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    skies_app.command("run", help="Simulate threat waves against the defences: leakers, value lost, depletion, batteries required (the default: `backstop skies [SCENARIO]`). To fit the night model to a record: `backstop skies calibrate FILE`.")(skies)
    skies_app.command("calibrate")(calibrate)
    app.add_typer(skies_app, name="skies", help="Safe skies: `backstop skies [SCENARIO]` runs the analysis; `backstop skies calibrate FILE` fits the night model to a night-by-night record.")
    app.command("wta")(wta)
    app.command("mclp")(mclp)
