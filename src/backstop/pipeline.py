"""``backstop assess``: run every analysis present in a scenario, in dependency order.

Analyses that emit requirement lines (skies, seas) run before force generation, which reads
them from ``RunContext.results``.  Each step is ``module:function`` with the signature
``run(scenario, context) -> Result``, imported lazily so a step's dependencies load only
when it runs.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from backstop.results import Result
from backstop.scenario import Scenario


@dataclass
class RunContext:
    """What a step may know beyond the scenario: earlier results, a seed, a progress callback."""

    results: dict[str, Result] = field(default_factory=dict)
    seed: int | None = None
    quick: bool = False
    progress: Callable[[str], None] = lambda message: None

    def requirements(self) -> list:
        """Requirement lines emitted by the analyses that ran so far."""
        return [r for res in self.results.values() for r in res.requirements]


@dataclass(frozen=True)
class Step:
    """One analysis of the main job."""

    name: str
    title: str
    target: str
    applies: Callable[[Scenario], bool] = lambda scenario: True

    def load(self) -> Callable[[Scenario, RunContext], Result]:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


STEPS: list[Step] = [
    Step("overview", "Scenario and coalition", "backstop.overview:run"),
    Step("skies", "Safe skies", "backstop.skies.analysis:run"),
    Step("seas", "Safe seas", "backstop.seas.analysis:run"),
    Step("forcegen", "Force generation", "backstop.forcegen.analysis:run"),
    Step("monitor", "Ceasefire and guarantee monitoring", "backstop.monitor.analysis:run"),
    Step("summit", "Summit planner", "backstop.summit.analysis:run"),
]
"""The analyses of ``backstop assess``, in run order."""


def assess(
    scenario: Scenario,
    *,
    only: list[str] | None = None,
    seed: int | None = None,
    quick: bool = False,
    on_step: Callable[[Step, str], None] | None = None,
) -> list[Result]:
    """Run every applicable step on ``scenario`` and return the results in order.

    Parameters
    ----------
    only : list of str, optional
        Run only these steps (``overview`` always runs).
    seed : int, optional
        Overrides the scenario's random seeds.
    quick : bool
        Fewer Monte Carlo trials / shorter solves (for tests and previews).
    on_step : callable, optional
        ``on_step(step, "start" | "done")`` for progress displays.
    """
    context = RunContext(seed=seed, quick=quick)
    for step in STEPS:
        if only and step.name not in only and step.name != "overview":
            continue
        if not step.applies(scenario):
            continue
        if on_step:
            on_step(step, "start")
        t0 = time.perf_counter()
        result = step.load()(scenario, context)
        result.metadata.setdefault("wall_s", round(time.perf_counter() - t0, 3))
        context.results[step.name] = result
        if on_step:
            on_step(step, "done")
    return list(context.results.values())
