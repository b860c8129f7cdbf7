"""The worker side of a sweep: what each worker process (or Ray actor) runs.

Kept apart from :mod:`~backstop.sweep.run` so that a worker imports only what a variant needs
(the pipeline, :mod:`~backstop.sweep.apply`, :mod:`~backstop.sweep.outputs`), not the driver's
design, store and Parquet code: a spawned worker's start-up is paid once per worker, before its
first variant, and on 2 cores it is a share of the speed-up.
"""

from __future__ import annotations

import time
from typing import Any

from backstop.scenario import Scenario
from backstop.sweep.apply import WithdrawBinding, apply, catalogue_patch
from backstop.sweep.executor import worker_state
from backstop.sweep.outputs import extract


def assignments(plan_params, bindings, values: dict[str, Any]) -> list[tuple]:
    """``(parameter, binding, value)`` for each parameter, from a variant's factor values."""
    out = []
    for p, b in zip(plan_params, bindings, strict=True):
        if isinstance(b, WithdrawBinding):
            out.append((p, b, tuple(bool(values[f"{p.name}.{n}"]) for n in b.nations)))
        else:
            out.append((p, b, values[p.name]))
    return out


def worker_init(scenario: Scenario, params: list, bindings: list, analyses: list[str], outputs: list[str], quick: bool) -> None:
    """Once per worker: keep the scenario and bindings, import the analyses and build their
    shared inputs (reference tables, geography, the sea network, airspace graphs) by running the
    base case once."""
    from backstop import pipeline

    st = worker_state()
    st.update(scenario=scenario, params=params, bindings=bindings, analyses=analyses, outputs=outputs, quick=quick)
    pipeline.assess(scenario, only=analyses, seed=0, quick=quick, detail=False)


def evaluate(task: tuple[dict[str, Any], int]) -> dict[str, Any]:
    """Run one variant in a worker: apply its values, run the analyses, extract the outputs.

    Also returns the analysis's wall and CPU time [s] (stored in the variant's part, not in the
    table: they depend on the machine and its load)."""
    from backstop import pipeline

    values, seed = task
    st = worker_state()
    variant, patch = apply(st["scenario"], assignments(st["params"], st["bindings"], values))
    t0, c0 = time.perf_counter(), time.process_time()
    with catalogue_patch(patch):
        results = pipeline.assess(variant, only=st["analyses"], seed=seed, quick=st["quick"], detail=False)
    analysis_s, analysis_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {"outputs": extract({r.name: r for r in results}, st["outputs"]), "analysis_s": analysis_s, "analysis_cpu_s": analysis_cpu_s}
