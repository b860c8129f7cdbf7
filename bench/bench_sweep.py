"""Sweep benchmarks: 200 variants of the skies analysis on 1 worker, 2 workers and a local Ray.

Goals (issue 12): a speed-up of 2 workers over 1 of at least 1.8 on 2 cores, and a framework
overhead per variant of at most 5 % of the analysis time.  The design is a Latin hypercube over
the decoy share, the kill probabilities of counter-drone and long-range systems and the wave size
(examples/sweep-skies.toml's parameters) with lighter Monte Carlo settings fixed (100 trials, 5
campaign nights, 2 sizing steps) so the benchmark stays short.

- ``serial``: every variant in this process (the reference).  Overhead = wall time less the
  worker start-up and the analysis time measured around ``pipeline.assess`` in each variant,
  as a share of that analysis time (it holds applying the values, extracting the outputs, writing
  one Parquet file per variant and assembling the table).
- ``2 workers``: the process pool, start-up of the spawned workers included; ratio = pool / serial,
  speed-up = serial / pool.
- ``ray local``: 2 Ray actors on a private local Ray (start-up included), against the process pool.

``BENCH_SWEEP_VARIANTS`` changes the number of variants (default 200).
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
from pathlib import Path

from bench.common import Case

N = int(os.environ.get("BENCH_SWEEP_VARIANTS", "200"))
ROOT = Path(__file__).resolve().parents[1]

SPEC = f"""
[sweep]
name = "bench-skies"
analyses = ["skies"]
outputs = ["expected_leakers", "value_lost", "interceptor_cost_usd", "first_runout_night", "batteries_added"]
fixed = {{ "skies.trials" = 100, "skies.nights" = 5, "skies.sizing_trials" = 20, "skies.max_added_batteries" = 2 }}
seed = 1

[design]
method = "lhs"
samples = {N}
seed = 1

[[parameter]]
name = "decoy_share"
path = "waves[wave=record_2025_09_06,weapon=shahed_136|gerbera].count"
op = "share"
of = {{ weapon = "gerbera" }}
low = 0.2
high = 0.6

[[parameter]]
name = "pk_counter_drone"
path = "catalogue.systems[class=interceptor_drone|mobile_fire_group|gun|ew].pk_drone"
op = "scale"
low = 0.6
high = 1.5

[[parameter]]
name = "pk_ballistic"
path = "catalogue.systems[class=sam_long].pk_ballistic"
op = "scale"
low = 0.6
high = 1.4

[[parameter]]
name = "wave_size"
path = "waves[wave=record_2025_09_06].count"
op = "scale"
low = 0.5
high = 1.5
"""

_STATE: dict = {}


def _cpu(ru) -> float:
    return ru.ru_utime + ru.ru_stime


def _build():
    from backstop.sweep.run import load_plan

    if "plan" not in _STATE:
        d = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
        (d / "spec.toml").write_text(SPEC, encoding="utf-8")
        _STATE.update(plan=load_plan(d / "spec.toml"), dir=d)
    return _STATE


def _sweep(inputs, workers: int, ray: str | None = None) -> dict:
    from backstop.sweep.run import run_sweep

    out = inputs["dir"] / f"out-{workers}-{ray or 'pool'}"
    shutil.rmtree(out, ignore_errors=True)
    me0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    res = run_sweep(inputs["plan"], out, workers=workers, ray=ray)
    me1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    parts = res.store.read_parts(columns=["analysis_s", "analysis_cpu_s"])
    analysis = float(parts["analysis_s"].sum())
    key = f"{workers}-{ray or 'pool'}"
    inputs.setdefault("tables", {})[key] = res.table
    figs = {"variants": res.ran, "failed": res.failed, "wall_s": round(res.wall_s, 2), "analysis_s_per_variant": round(analysis / max(res.ran, 1), 4), "analysis_cpu_s_per_variant": round(float(parts["analysis_cpu_s"].sum()) / max(res.ran, 1), 4)}
    # CPU time [s] of this (driver) process and of the pool's worker processes (reaped at shutdown)
    figs["driver_cpu_s"] = round(_cpu(me1) - _cpu(me0), 2)
    if not ray and workers > 1:
        figs["workers_cpu_s"] = round(_cpu(kids1) - _cpu(kids0), 2)
    if res.init_s is not None:
        overhead = res.wall_s - res.init_s - analysis
        figs.update(init_s=round(res.init_s, 2), overhead_s_per_variant=round(overhead / max(res.ran, 1), 4), overhead_share=round(overhead / analysis, 4))
    ref = inputs["tables"].get("1-pool")
    if ref is not None and key != "1-pool":
        figs["same_table_as_serial"] = bool(ref.equals(res.table))
    return figs


CASES = [
    Case(f"sweep {N} skies variants, 2 workers (pool)", _build, lambda x: _sweep(x, 2), reference=lambda x: _sweep(x, 1), reference_name="1 worker (in-process)"),
    Case(f"sweep {N} skies variants, ray local 2 actors", _build, lambda x: _sweep(x, 2, "auto"), reference=lambda x: _sweep(x, 2), reference_name="process pool, 2 workers"),
]
