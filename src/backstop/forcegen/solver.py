"""The solver boundary: a MILP in plain arrays in, a frozen result with a string status out.

Only NumPy arrays and SciPy sparse matrices cross this boundary.  The backend is HiGHS
(Huangfu and Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10, 2018)
through :func:`scipy.optimize.milp`.  Infeasible, unbounded or time-limited solves are a
``status``, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

STATUSES = ("optimal", "time_limit", "infeasible", "unbounded", "error")


@dataclass(frozen=True)
class MILP:
    """``min c.x  s.t.  row_lo <= A x <= row_hi,  lb <= x <= ub,  x_j integer where integrality_j = 1``."""

    c: np.ndarray
    A: sp.csr_array
    row_lo: np.ndarray
    row_hi: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    integrality: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """(rows, columns, nonzeros)."""
        return self.A.shape[0], self.A.shape[1], int(self.A.nnz)


@dataclass(frozen=True)
class SolveResult:
    """Outcome of one solve.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`; ``time_limit`` may still carry an incumbent in ``x``.
    objective : float or None
        Objective value of ``x`` (minimisation form).
    x : ndarray or None
        Primal solution (integer columns rounded).
    mip_gap : float or None
        Relative gap proven at termination (0 when optimal).
    runtime_s : float
        Wall time of the solve [s].
    message : str
        Solver's own message.
    """

    status: str
    objective: float | None
    x: np.ndarray | None
    mip_gap: float | None
    runtime_s: float
    message: str = ""

    @property
    def has_solution(self) -> bool:
        return self.x is not None


def solve(model: MILP, *, time_limit_s: float = 60.0, mip_rel_gap: float = 1e-9) -> SolveResult:
    """Solve ``model`` with HiGHS (``scipy.optimize.milp``) to proven optimality or the time limit."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    t0 = time.perf_counter()
    constraints = [LinearConstraint(model.A, model.row_lo, model.row_hi)] if model.A.shape[0] else []
    try:
        res = milp(
            model.c,
            integrality=model.integrality,
            bounds=Bounds(model.lb, model.ub),
            constraints=constraints,
            options={"time_limit": float(time_limit_s), "mip_rel_gap": mip_rel_gap, "disp": False},
        )
    except Exception as exc:  # pragma: no cover - defensive: HiGHS errors become a status
        return SolveResult("error", None, None, None, time.perf_counter() - t0, str(exc))
    runtime = time.perf_counter() - t0
    status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded"}.get(res.status, "error")
    x = None
    if res.x is not None:
        x = np.asarray(res.x, dtype=float).copy()
        ints = model.integrality.astype(bool)
        x[ints] = np.round(x[ints])
    gap = getattr(res, "mip_gap", None)
    obj = float(model.c @ x) if x is not None else None
    return SolveResult(status, obj, x, None if gap is None else float(gap), runtime, str(res.message))
