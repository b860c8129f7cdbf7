"""The benchmark registry and timing helpers.

A benchmark module ``bench/bench_<topic>.py`` defines ``CASES``: a list of :class:`Case`.
Each case builds its inputs from a seed (not timed), then runs the measured function and,
where there is one, a reference in the same run (a second solver, the NumPy random-draw
floor, a published optimum), so the table shows a ratio, not just seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Case:
    """One benchmark case.

    Attributes
    ----------
    name : str
        Row label, e.g. ``wta heuristic 200x400``.
    build : callable
        ``build() -> inputs`` (not timed).
    run : callable
        ``run(inputs) -> dict`` of figures to report (timed).
    goal_s : float or None
        Speed goal from the issue, shown beside the time.
    reference : callable or None
        ``reference(inputs) -> dict`` timed too; the ratio run/reference is reported.
    repeat : int
        Best of ``repeat`` timings.
    warmup : bool
        Run once untimed first (caches, JIT, imports).
    """

    name: str
    build: Callable[[], Any]
    run: Callable[[Any], dict]
    goal_s: float | None = None
    reference: Callable[[Any], dict] | None = None
    reference_name: str = ""
    repeat: int = 1
    warmup: bool = False
    notes: str = ""
    extra: dict = field(default_factory=dict)


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time [s] over ``repeat`` calls, and the last return value."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out
