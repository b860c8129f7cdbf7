"""The solver boundary: a MILP in plain arrays in, a frozen result with a string status out.

Only NumPy arrays and SciPy sparse matrices cross this boundary.  The backend is HiGHS
(Huangfu and Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10, 2018)
through its Python interface ``highspy`` (which, unlike :func:`scipy.optimize.milp`, accepts a
starting incumbent and returns LP duals).  Infeasible, unbounded or time-limited solves are a
``status``, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from backstop.highs import new_highs

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
    dual_bound : float or None
        Best proven bound on the objective (minimisation form).
    row_dual, col_dual : ndarray or None
        Row duals and reduced costs of an LP relaxation (``solve(..., relax=True)``), HiGHS's
        sign convention for minimisation: a positive value means the lower bound is active.
    """

    status: str
    objective: float | None
    x: np.ndarray | None
    mip_gap: float | None
    runtime_s: float
    message: str = ""
    dual_bound: float | None = None
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None

    @property
    def has_solution(self) -> bool:
        return self.x is not None


def solve(
    model: MILP,
    *,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-9,
    mip_abs_gap: float = 1e-9,
    start: np.ndarray | None = None,
    relax: bool = False,
    options: dict | None = None,
) -> SolveResult:
    """Solve ``model`` with HiGHS (``highspy``) to proven optimality, the gap tolerance or the time limit.

    Parameters
    ----------
    start : ndarray, optional
        A feasible point given to HiGHS as its first incumbent (``Highs.setSolution``): a later
        lexicographic stage starts from the previous stage's plan instead of searching for one.
    relax : bool
        Solve the LP relaxation (integrality dropped) and return its row and column duals.
    mip_rel_gap, mip_abs_gap : float
        HiGHS stops when either the relative or the absolute primal-dual gap is within these.
    options : dict, optional
        Further HiGHS options (e.g. ``{"mip_heuristic_effort": 0.3}``).
    """
    import highspy

    t0 = time.perf_counter()
    try:
        h = new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(time_limit_s))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.setOptionValue("mip_abs_gap", float(mip_abs_gap))
        for key, value in (options or {}).items():
            h.setOptionValue(key, value)
        A = sp.csc_array(model.A)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
        lp.col_cost_ = np.asarray(model.c, float)
        lp.col_lower_, lp.col_upper_ = np.asarray(model.lb, float), np.asarray(model.ub, float)
        lp.row_lower_, lp.row_upper_ = np.asarray(model.row_lo, float), np.asarray(model.row_hi, float)
        mat = lp.a_matrix_
        mat.format_ = highspy.MatrixFormat.kColwise
        mat.num_col_, mat.num_row_ = A.shape[1], A.shape[0]
        mat.start_, mat.index_, mat.value_ = A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data.astype(float)
        integer = (not relax) and bool(np.any(model.integrality))
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in model.integrality]
        h.passModel(lp)
        if start is not None and integer:
            s = highspy.HighsSolution()
            s.col_value = np.asarray(start, float).tolist()
            s.value_valid = True
            h.setSolution(s)
        h.run()
        ms = h.getModelStatus()
        name = h.modelStatusToString(ms)
        info = h.getInfo()
        sol = h.getSolution()
    except Exception as exc:  # pragma: no cover - defensive: HiGHS errors become a status
        return SolveResult("error", None, None, None, time.perf_counter() - t0, str(exc))
    runtime = time.perf_counter() - t0
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kUnbounded: "unbounded",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    }.get(ms, "error")
    if A.shape[1] == 0 and status == "error":  # an empty model is trivially optimal
        status = "optimal"
    x = None
    if sol.value_valid and len(sol.col_value) == A.shape[1] and status in ("optimal", "time_limit"):
        x = np.asarray(sol.col_value, dtype=float).copy()
        if not relax:
            ints = model.integrality.astype(bool)
            x[ints] = np.round(x[ints]) + 0.0  # no -0.0
    if x is None and A.shape[1] == 0 and status == "optimal":
        x = np.zeros(0)
    obj = float(model.c @ x) if x is not None else None
    if integer:
        gap = float(info.mip_gap) if x is not None and np.isfinite(info.mip_gap) else None
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    else:
        gap, bound = (0.0, obj) if status == "optimal" else (None, None)
    row_dual = col_dual = None
    if relax and sol.dual_valid:
        row_dual, col_dual = np.asarray(sol.row_dual, float), np.asarray(sol.col_dual, float)
    return SolveResult(status, obj, x, gap, runtime, name, bound, row_dual, col_dual)
