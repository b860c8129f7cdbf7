"""Prepare a sweep (every spec error found before anything runs) and run it on an executor.

:func:`prepare` binds the spec to the scenario, checks outputs, thresholds, the design size and
the extreme values of every parameter (each applied alone to the scenario and validated), and
builds the design: one row per design point, the distinct variants, their ids and seeds.
:func:`run_sweep` runs the variants not yet stored on an executor, stores each as it finishes
and, when all are done, writes ``sweep.parquet``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from backstop.errors import InputError, Problem
from backstop.scenario import Scenario
from backstop.sweep import design as design_mod
from backstop.sweep.apply import WithdrawBinding, apply, bind
from backstop.sweep.executor import Outcome, check_ray_address, is_local_ray, make_executor
from backstop.sweep.outputs import OUTPUTS, outputs_for
from backstop.sweep.spec import SweepSpec
from backstop.sweep.store import Store
from backstop.sweep.worker import evaluate, worker_init

FIXED_COLUMNS = ("row", "variant_id", "seed", "status", "error")
TIMING_COLUMNS = ("analysis_s", "analysis_cpu_s")
"""Stored in each part (benchmarks read them), left out of the table: they vary with the machine."""


@dataclass
class Plan:
    """A sweep ready to run: spec, scenario, bound parameters, design and variants."""

    spec: SweepSpec
    spec_file: str
    scenario: Scenario
    bindings: list
    factors: list
    design: design_mod.Design
    outputs: list[str]
    row_ids: list[str]  # variant id of each design row
    variants: dict[str, dict[str, Any]]  # id -> factor values (first occurrence order)
    seeds: dict[str, int]
    fingerprint: str
    notes: list[str] = field(default_factory=list)

    @property
    def analyses(self) -> list[str]:
        return list(self.spec.sweep.analyses)


def scenario_fingerprint(scenario: Scenario) -> str:
    """A hash of the scenario's content (config and every table row)."""
    h = hashlib.sha256(scenario.config.model_dump_json().encode())
    for name in sorted(scenario.tables):
        h.update(name.encode())
        for r in scenario.tables[name]:
            h.update(r.model_dump_json().encode())
    return h.hexdigest()[:16]


def _known_output(name: str, chosen: list[str]) -> bool:
    if name in chosen:
        return True
    head = name.split(".", 1)[0]
    return head in chosen and OUTPUTS[head].keyed and "." in name


def prepare(spec: SweepSpec, scenario: Scenario, *, spec_file: str = "sweep.toml") -> Plan:
    """Check ``spec`` against ``scenario`` and build the design; every problem raised together.

    Raises
    ------
    InputError
        Unknown analyses, outputs or parameter paths; ranges outside a field's bounds; thresholds
        on unknown outputs; a design larger than ``max_variants``.
    """
    from backstop.pipeline import ANALYSES

    problems: list[Problem] = []
    names = [a.name for a in ANALYSES]
    for i, a in enumerate(spec.sweep.analyses):
        if a not in names:
            problems.append(Problem(spec_file, f"key sweep.analyses.{i}", "analyses", a, "unknown analysis", f"analyses: {', '.join(names)}"))
    analyses = [a for a in spec.sweep.analyses if a in names]
    available = outputs_for(analyses)
    outputs = list(spec.sweep.outputs) or available
    for i, o in enumerate(spec.sweep.outputs):
        if o not in OUTPUTS:
            problems.append(Problem(spec_file, f"key sweep.outputs.{i}", "outputs", o, "unknown output", f"outputs: {', '.join(OUTPUTS)}"))
        elif OUTPUTS[o].analysis not in analyses:
            problems.append(Problem(spec_file, f"key sweep.outputs.{i}", "outputs", o, f"output of the '{OUTPUTS[o].analysis}' analysis, which the sweep does not run", f"add '{OUTPUTS[o].analysis}' to sweep.analyses, or keep outputs of {', '.join(analyses) or 'the chosen analyses'}: {', '.join(available)}"))
    outputs = [o for o in outputs if o in OUTPUTS and OUTPUTS[o].analysis in analyses]
    for i, t in enumerate(spec.threshold):
        if not _known_output(t.output, outputs):
            problems.append(Problem(spec_file, f"key threshold.{i}.output", "output", t.output, "threshold on an output the sweep does not keep", f"outputs kept: {', '.join(outputs)} (keyed ones as name.key)"))
    scenario = _with_fixed(spec, scenario, spec_file, problems)
    bindings = []
    for i, p in enumerate(spec.parameter):
        b, probs = bind(p, scenario, f"key parameter.{i}.path" if not p.withdraw else f"key parameter.{i}.withdraw", spec_file)
        bindings.append(b)
        problems += probs
    if problems:
        raise InputError(problems)

    factors = design_mod.factors_of(spec, bindings)
    n = design_mod.size(spec.design.method, len(factors), spec.design.samples, [len(f.levels(spec.design.levels)) for f in factors])
    if n > spec.sweep.max_variants:
        key = "design.levels" if spec.design.method in ("grid", "oat") else "design.samples"
        problems.append(Problem(spec_file, f"key {key}", key.split(".")[1], str(getattr(spec.design, key.split(".")[1])), f"the {spec.design.method} design needs {n:,} variants, more than sweep.max_variants = {spec.sweep.max_variants:,}", "lower samples or levels, drop parameters, or raise max_variants"))
    # the extreme values of each parameter, applied alone, must give a valid scenario
    for i, (p, b, f) in enumerate(zip(spec.parameter, bindings, _by_param(factors, len(spec.parameter)), strict=True)):
        if isinstance(b, WithdrawBinding):
            continue
        f0 = f[0]
        tests = [("values", v) for v in p.values] if p.values is not None else [("low", f0.value(0.0)), ("high", f0.value(1.0 - 1e-12))]
        if p.base is not None:
            tests.append(("base", p.base))
        for key, v in tests:
            try:
                variant, _ = apply(scenario, [(p, b, v)])
                if isinstance(v, dt.date):
                    _check_dates(variant)
            except InputError as exc:
                e = exc.problems[0]
                problems.append(Problem(spec_file, f"key parameter.{i}.{key}", key, str(design_mod.jsonable_value(v)), f"outside the bounds of {p.path}: {e.message}", e.hint or "narrow the range"))
                break
    if problems:
        raise InputError(problems)

    d = design_mod.build(spec, factors)
    row_ids, variants, seeds = [], {}, {}
    for values in d.rows:
        vid = design_mod.variant_id(values)
        row_ids.append(vid)
        if vid not in variants:
            variants[vid] = values
            seeds[vid] = design_mod.variant_seed(spec.sweep.seed, vid)
    fp_src = json.dumps({"spec": spec.model_dump(mode="json", exclude={"sweep": {"title", "description", "max_variants"}, "threshold": True}), "scenario": scenario_fingerprint(scenario)}, sort_keys=True, default=str)
    fingerprint = hashlib.sha256(fp_src.encode()).hexdigest()[:16]
    return Plan(spec, spec_file, scenario, bindings, factors, d, outputs, row_ids, variants, seeds, fingerprint, list(d.notes))


def _with_fixed(spec: SweepSpec, scenario: Scenario, spec_file: str, problems: list[Problem]) -> Scenario:
    """The scenario with ``[sweep] fixed`` values set (the base of every variant)."""
    from backstop.sweep.spec import Parameter

    todo = []
    for path, value in spec.sweep.fixed.items():
        p = Parameter(name="fixed", path=path, values=[value])
        b, probs = bind(p, scenario, f"key sweep.fixed.{path}", spec_file)
        problems += probs
        if b is not None and not probs:
            if hasattr(b, "catalogue"):
                problems.append(Problem(spec_file, f"key sweep.fixed.{path}", "fixed", str(value), "catalogue values are swept as multipliers, not fixed", "use a [[parameter]] with op = \"scale\""))
                continue
            todo.append((p, b, value))
    if not todo or problems:
        return scenario
    try:
        new, _ = apply(scenario, todo)
        _check_dates(new)
    except InputError as exc:
        problems += [Problem(spec_file, "key sweep.fixed", e.field, e.value, e.message, e.hint) for e in exc.problems]
        return scenario
    return new


def _check_dates(scenario: Scenario) -> None:
    """The variant's dates must lie inside the bundled reference history (as when a scenario is read):
    a date range reaching before it is a spec error, not a column of failed variants."""
    from backstop.scenario.io import _date_problems

    problems = _date_problems(scenario)
    if problems:
        raise InputError(problems)


def _by_param(factors, n):
    out = [[] for _ in range(n)]
    for f in factors:
        out[f.param].append(f)
    return out


# ----------------------------------------------------------------------------- driver side

@dataclass
class SweepRun:
    """What a run did: the plan, the store, counts and the table (when complete)."""

    plan: Plan
    store: Store
    ran: int
    skipped: int
    failed: int
    complete: bool
    table: pd.DataFrame | None
    wall_s: float
    executor: str
    init_s: float | None = None  # worker start-up, where the executor measures it (in-process)


def _row(plan: Plan, vid: str, outcome: Outcome) -> dict[str, Any]:
    values = {k: design_mod.jsonable_value(v) for k, v in plan.variants[vid].items()}
    row = {"variant_id": vid, "seed": plan.seeds[vid], **values}
    if outcome.ok:
        row.update(status="ok", error="", analysis_s=outcome.value["analysis_s"], analysis_cpu_s=outcome.value["analysis_cpu_s"], **outcome.value["outputs"])
    else:
        row.update(status="error", error=outcome.error or "", analysis_s=float("nan"), analysis_cpu_s=float("nan"))
    return row


def assemble(plan: Plan, parts: pd.DataFrame) -> pd.DataFrame:
    """The sweep table: one row per design row (design order), its variant's outputs."""
    parts = parts.drop(columns=[c for c in TIMING_COLUMNS if c in parts.columns]).set_index("variant_id")
    rows = []
    for i, vid in enumerate(plan.row_ids):
        rec = parts.loc[vid].to_dict()
        rows.append({"row": i, "variant_id": vid, **rec})
    df = pd.DataFrame(rows)
    factor_cols = [f.name for f in plan.factors]
    out_cols = [c for c in df.columns if c not in FIXED_COLUMNS and c not in factor_cols]
    return df[["row", "variant_id", "seed", *factor_cols, "status", "error", *sorted(out_cols, key=lambda c: (_out_order(plan, c), c))]]


def _out_order(plan: Plan, col: str) -> int:
    head = col.split(".", 1)[0]
    return plan.outputs.index(head) if head in plan.outputs else len(plan.outputs)


def metadata(plan: Plan) -> dict[str, Any]:
    """What ``sweep.parquet`` carries besides the table: spec, design, factors, outputs."""
    return {
        "spec": plan.spec.model_dump(mode="json"),
        "spec_file": plan.spec_file,
        "scenario": plan.scenario.name,
        "scenario_fingerprint": scenario_fingerprint(plan.scenario),
        "fingerprint": plan.fingerprint,
        "method": plan.design.method,
        "factors": [{"name": f.name, "param": f.param, "kind": f.kind, "low": f.low, "high": f.high, "is_date": f.is_date, "base": design_mod.jsonable_value(f.base), "values": [design_mod.jsonable_value(v) for v in f.values]} for f in plan.factors],
        "oat": [[n, design_mod.jsonable_value(v)] for n, v in plan.design.oat],
        "outputs": plan.outputs,
        "units": {o: OUTPUTS[o].unit for o in plan.outputs},
        "notes": plan.notes,
    }


def run_sweep(
    plan: Plan,
    out: str | Path,
    *,
    workers: int = 1,
    ray: str | None = None,
    fresh: bool = False,
    retry_failed: bool = False,
    progress: Callable[[int, int, Outcome | None], None] | None = None,
    limit: int | None = None,
) -> SweepRun:
    """Run the variants of ``plan`` not yet stored in ``out``; write ``sweep.parquet`` when all are.

    Parameters
    ----------
    workers : int
        Worker processes (1 = in this process) or Ray actors.
    ray : str, optional
        ``auto`` starts a local Ray; an address joins a cluster.
    progress : callable, optional
        ``progress(done, total, outcome)``, called once with ``outcome=None`` before the first
        variant (``done`` = already stored) and after each variant.
    limit : int, optional
        Run at most this many variants now (tests, trial runs); the rest on the next run.
    """
    t0 = time.perf_counter()
    if ray and not is_local_ray(ray):
        check_ray_address(ray)  # a bad or unreachable address fails before anything is written
    store = Store(out, plan.fingerprint, {"spec_file": plan.spec_file, "scenario": plan.scenario.name, "variants": len(plan.variants), "design_rows": len(plan.row_ids)}, fresh=fresh)
    done = store.finished()
    if retry_failed:
        failed_ids = [k for k, s in done.items() if s == "error"]
        store.drop(failed_ids)
        done = {k: s for k, s in done.items() if s != "error"}
    todo = [vid for vid in plan.variants if vid not in done]
    if limit is not None:
        todo = todo[:limit]
    total = len(plan.variants)
    n_done = total - len([v for v in plan.variants if v not in done])
    if progress:
        progress(n_done, total, None)
    ran = failed = 0
    stored = set(done)
    ex_name = "none"
    init_s = None
    if todo:
        params = list(plan.spec.parameter)
        with make_executor(workers, ray, worker_init, (plan.scenario, params, plan.bindings, plan.analyses, plan.outputs, plan.spec.sweep.quick)) as ex:
            ex_name = ex.describe()
            for outcome in ex.map_unordered(evaluate, ((vid, (plan.variants[vid], plan.seeds[vid])) for vid in todo)):
                store.write(_row(plan, outcome.key, outcome))
                stored.add(outcome.key)
                ran += 1
                failed += 0 if outcome.ok else 1
                n_done += 1
                if progress:
                    progress(n_done, total, outcome)
            init_s = getattr(ex, "init_s", None)
    complete = all(v in stored for v in plan.variants)
    table = None
    if complete:
        table = assemble(plan, store.read_parts())
        store.write_table(table, metadata(plan))
    return SweepRun(plan, store, ran, len(done), failed, complete, table, time.perf_counter() - t0, ex_name, init_s)


def load_plan(spec_path: str | Path, scenario: str | None = None) -> Plan:
    """Read ``SPEC.toml`` and its scenario (the argument, else ``[sweep] scenario`` relative to the
    spec's folder or a bundled name, else ``ukraine-2025``) and :func:`prepare` the sweep."""
    from backstop.scenario import read_scenario
    from backstop.sweep.spec import read_spec

    spec, folder = read_spec(spec_path)
    target = scenario
    if target is None and spec.sweep.scenario:
        rel = folder / spec.sweep.scenario
        target = str(rel) if rel.exists() else spec.sweep.scenario
    return prepare(spec, read_scenario(target), spec_file=Path(spec_path).name)
