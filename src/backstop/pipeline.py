"""The analysis registry and ``backstop assess``: every analysis in one explicit list.

``ANALYSES`` is the one list that ``backstop assess``, the workspace's runs and sweeps all use.
Each entry names a plain function ``run(scenario, context) -> Result`` imported here, so a reader
(or a tool) can follow ``assess`` into every analysis.  Analyses that emit requirement lines
(skies, seas, land) come before force generation, which reads them from ``RunContext.results``.

This module imports every analysis (numpy, scipy, shapely...): command-line code imports it
inside the command that needs it, so ``backstop --help`` stays fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from backstop import overview
from backstop.forcegen import analysis as forcegen_analysis
from backstop.land import analysis as land_analysis
from backstop.monitor import analysis as monitor_analysis
from backstop.results import Result
from backstop.scenario import Scenario
from backstop.seas import analysis as seas_analysis
from backstop.skies import analysis as skies_analysis
from backstop.summit import analysis as summit_analysis


@dataclass
class RunContext:
    """What a step may know beyond the scenario: earlier results, a seed, a progress callback."""

    results: dict[str, Result] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    seed: int | None = None
    quick: bool = False
    detail: bool = True
    progress: Callable[[str], None] = lambda message: None

    def requirements(self) -> list:
        """Requirement lines emitted by the analyses that ran so far."""
        return [r for res in self.results.values() for r in res.requirements]


@dataclass(frozen=True)
class Analysis:
    """One analysis of the main job: a name (the key in results), a title and its ``run``."""

    name: str
    title: str
    run: Callable[[Scenario, RunContext], Result]


ANALYSES: tuple[Analysis, ...] = (
    Analysis("overview", "Scenario and coalition", overview.run),
    Analysis("skies", "Safe skies", skies_analysis.run),
    Analysis("seas", "Safe seas", seas_analysis.run),
    Analysis("land", "Peace on land", land_analysis.run),
    Analysis("forcegen", "Force generation", forcegen_analysis.run),
    Analysis("monitor", "Ceasefire and guarantee monitoring", monitor_analysis.run),
    Analysis("summit", "Summit planner", summit_analysis.run),
)
"""The analyses of ``backstop assess``, in run order (producers of requirement lines first)."""

STEPS = ANALYSES  # the name older code and tests use


def analysis(name: str) -> Analysis:
    """The registered analysis called ``name`` (``KeyError`` listing the names otherwise)."""
    for a in ANALYSES:
        if a.name == name:
            return a
    raise KeyError(f"unknown analysis {name!r}; known: {', '.join(a.name for a in ANALYSES)}")


def assess(
    scenario: Scenario,
    *,
    only: list[str] | None = None,
    seed: int | None = None,
    quick: bool = False,
    detail: bool = True,
    on_step: Callable[[Analysis, str], None] | None = None,
    timings_s: dict[str, float] | None = None,
) -> list[Result]:
    """Run the registered analyses on ``scenario`` and return the results in order.

    Parameters
    ----------
    only : list of str, optional
        Run only these analyses (``overview`` always runs).
    seed : int, optional
        Overrides the scenario's random seeds.
    quick : bool
        Fewer Monte Carlo trials / shorter solves (for tests and previews).
    detail : bool
        Compute the explanatory extras that headline figures do not need (force generation's
        "what binds": one re-solve per caveat); sweeps turn it off.
    on_step : callable, optional
        ``on_step(analysis, "start" | "done")`` for progress displays.
    timings_s : dict, optional
        Filled with each analysis's wall time [s].  Timings are kept out of the results (and
        so out of ``results.json``): the same input and seed give byte-identical results on an
        idle and on a loaded machine.
    """
    context = RunContext(seed=seed, quick=quick, detail=detail, timings_s={} if timings_s is None else timings_s)
    for step in ANALYSES:
        if only and step.name not in only and step.name != "overview":
            continue
        if on_step:
            on_step(step, "start")
        t0 = time.perf_counter()
        result = step.run(scenario, context)
        context.timings_s[step.name] = time.perf_counter() - t0
        context.results[step.name] = result
        if on_step:
            on_step(step, "done")
    return list(context.results.values())
