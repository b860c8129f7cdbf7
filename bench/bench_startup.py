"""Start-up of the command line: ``backstop --help`` against ``python -c pass`` in the same run.

The CLI imports numpy, pandas, scipy and the analyses inside the commands only, so asking for
help costs Python, typer and rich (goal < 0.2 s on an idle machine; the ratio to a bare
interpreter is the figure that survives a busy one).  Each timing is the best of 5 processes.
"""

from __future__ import annotations

import subprocess
import sys
import time

from bench.common import Case


def _best_of(cmd: list[str], n: int = 5) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def _help(_):
    t = _best_of([sys.executable, "-m", "backstop", "--help"])
    return {"help_best_of_5_s": round(t, 3)}


def _bare(_):
    t = _best_of([sys.executable, "-c", "pass"])
    return {"python_best_of_5_s": round(t, 3)}


CASES = [Case("startup: backstop --help (5 processes)", lambda: None, _help, goal_s=1.0, reference=_bare, reference_name="python -c pass (x5)")]
