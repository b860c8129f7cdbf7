"""The solver boundary: one status vocabulary and one frozen result for every optimisation backend.

Only plain data crosses it: a :class:`MILP` of NumPy arrays and a SciPy sparse matrix goes in, a
frozen :class:`SolveResult` with a string-enum :class:`Status` comes out.  Infeasible, unbounded,
work- or time-limited solves are a status, never an exception.  Backends:

* ``highs``: HiGHS (Huangfu and Hall, "Parallelizing the dual revised simplex method", Math. Prog.
  Comp. 10, 2018) through ``highspy`` (objects made by :func:`backstop.highs.new_highs`), which
  accepts a starting incumbent and returns LP duals;
* ``scipy``: :func:`scipy.optimize.milp` (HiGHS too, through SciPy: no incumbent, no duals);

and :func:`result_from_highs` turns a ``highspy.Highs`` object that a caller drives itself (the
cutting-plane loop of :func:`backstop.skies.wta.solve_exact`) into the same result.

Determinism
-----------
No answer may depend on how busy the machine is.  A solve stops at proven optimality (within the
gap tolerances) or at a *work* limit (``node_limit``: branch-and-bound nodes; ``iteration_limit``:
simplex iterations), which stop at the same point on any machine: status ``work_limit``.  The
wall-clock ``safety_time_s`` is only a safety net: when it fires, the status is ``time_limit`` and
``time_limit_hit`` is true, so a caller (and the user) can see that the answer may differ from
run to run.  Run times (``time_s``) are reported for benchmarks and logs and must never be
written into results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from backstop.highs import new_highs

SAFETY_TIME_S = 600.0
"""Default wall-clock safety net of a solve [s]; work limits and optimality stop solves first."""


class Status(StrEnum):
    """How a solve ended (a ``str``: compares equal to, and serialises as, its value)."""

    OPTIMAL = "optimal"
    """Proven optimal within the gap tolerances (LP: optimal basis)."""
    FEASIBLE = "feasible"
    """A feasible solution without proof of optimality (a heuristic's answer)."""
    WORK_LIMIT = "work_limit"
    """Stopped at a deterministic work limit (nodes, iterations, rounds); may carry an incumbent."""
    TIME_LIMIT = "time_limit"
    """The wall-clock safety net fired; may carry an incumbent; the answer may vary run to run."""
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order from best to worst, to report the weakest of several stages."""
        return _RANK[self]

    @property
    def has_incumbent_possible(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE, Status.WORK_LIMIT, Status.TIME_LIMIT)


_RANK = {s: i for i, s in enumerate(Status)}


def weakest(*statuses: Status | str) -> Status:
    """The worst of ``statuses`` (``optimal`` only when all are)."""
    return max((Status(s) for s in statuses), key=lambda s: s.rank, default=Status.OPTIMAL)


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

    def with_c(self, c: np.ndarray) -> MILP:
        """The same feasible set with another objective."""
        return MILP(np.asarray(c, float), self.A, self.row_lo, self.row_hi, self.lb, self.ub, self.integrality)

    def relaxed(self) -> MILP:
        """The LP relaxation (integrality dropped)."""
        return MILP(self.c, self.A, self.row_lo, self.row_hi, self.lb, self.ub, np.zeros_like(self.integrality))


@dataclass(frozen=True)
class SolveResult:
    """Outcome of one solve, whatever the backend.

    Attributes
    ----------
    status : Status
        How it ended; ``work_limit`` and ``time_limit`` may still carry an incumbent in ``x``.
    objective : float or None
        Objective value of ``x`` (minimisation form).
    x : ndarray or None
        Primal solution (integer columns rounded).
    mip_gap : float or None
        Relative primal-dual gap proven at termination (0 when optimal to tolerance 0).
    time_s : float
        Wall time of the solve [s] (for benchmarks and logs; never written into results).
    message : str
        The backend's own message.
    dual_bound : float or None
        Best proven bound on the objective (minimisation form).
    row_dual, col_dual : ndarray or None
        Row duals and reduced costs of an LP (HiGHS's sign convention for minimisation: a
        positive value means the lower bound is active).
    iterations : int
        Simplex iterations (LP and the LPs of branch and bound) [work].
    nodes : int
        Branch-and-bound nodes [work] (0 for an LP).
    time_limit_hit : bool
        The wall-clock safety net stopped the solve (the answer may not be reproducible).
    backend : str
        ``highs``, ``scipy``, or the name of a method that proved the result itself.
    """

    status: Status
    objective: float | None
    x: np.ndarray | None
    mip_gap: float | None
    time_s: float
    message: str = ""
    dual_bound: float | None = None
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None
    iterations: int = 0
    nodes: int = 0
    time_limit_hit: bool = False
    backend: str = "highs"

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))

    @property
    def has_solution(self) -> bool:
        return self.x is not None

    @property
    def gap(self) -> float | None:
        return self.mip_gap

    @property
    def bound(self) -> float | None:
        return self.dual_bound

    @property
    def work(self) -> int:
        """Deterministic work done: simplex iterations plus branch-and-bound nodes."""
        return int(self.iterations) + int(self.nodes)

    @property
    def runtime_s(self) -> float:
        """Alias of :attr:`time_s`."""
        return self.time_s

    def summary(self) -> dict:
        """The reproducible part as plain data (no timings): for results and reports."""
        return {"status": str(self.status), "objective": self.objective, "bound": self.dual_bound, "mip_gap": self.mip_gap,
                "iterations": int(self.iterations), "nodes": int(self.nodes), "time_limit_hit": bool(self.time_limit_hit)}


def relative_gap(objective: float, bound: float) -> float:
    """HiGHS's relative gap ``|objective - bound| / max(1, |objective|)``."""
    return abs(objective - bound) / max(1.0, abs(objective))


# ---------------------------------------------------------------------------------------------
# HiGHS (highspy)
# ---------------------------------------------------------------------------------------------


def _highs_status(ms, h) -> tuple[Status, bool]:
    import highspy

    M = highspy.HighsModelStatus
    table = {
        M.kOptimal: Status.OPTIMAL,
        M.kModelEmpty: Status.OPTIMAL,
        M.kTimeLimit: Status.TIME_LIMIT,
        M.kIterationLimit: Status.WORK_LIMIT,
        M.kSolutionLimit: Status.WORK_LIMIT,
        M.kInfeasible: Status.INFEASIBLE,
        M.kUnbounded: Status.UNBOUNDED,
        M.kUnboundedOrInfeasible: Status.INFEASIBLE,
    }
    for extra in ("kInterrupt", "kObjectiveBound", "kObjectiveTarget"):
        if hasattr(M, extra):
            table[getattr(M, extra)] = Status.WORK_LIMIT
    status = table.get(ms, Status.ERROR)
    return status, status is Status.TIME_LIMIT


def result_from_highs(h, *, n_cols: int | None = None, integrality: np.ndarray | None = None, objective_c: np.ndarray | None = None,
                      relax: bool = False, time_s: float = 0.0) -> SolveResult:
    """A :class:`SolveResult` from a ``highspy.Highs`` object after ``run()``.

    ``integrality`` (1 for integer columns) rounds those columns of the solution; ``objective_c``
    recomputes the objective from the rounded solution (else HiGHS's objective value is used).
    """
    ms = h.getModelStatus()
    status, hit = _highs_status(ms, h)
    info = h.getInfo()
    sol = h.getSolution()
    lp = h.getLp()
    n = lp.num_col_ if n_cols is None else n_cols
    x = None
    if sol.value_valid and len(sol.col_value) == n and status.has_incumbent_possible:
        x = np.asarray(sol.col_value, dtype=float).copy()
        if integrality is not None and not relax:
            ints = np.asarray(integrality).astype(bool)
            x[ints] = np.round(x[ints]) + 0.0  # no -0.0
    if x is None and n == 0 and status in (Status.OPTIMAL, Status.ERROR):
        status, x = Status.OPTIMAL, np.zeros(0)  # an empty model is trivially optimal
    if objective_c is not None:
        obj = float(objective_c @ x) if x is not None else None
    else:
        obj = float(info.objective_function_value) if x is not None else None
    if integrality is not None:
        integer = (not relax) and bool(np.any(integrality))
    else:
        integer = (not relax) and h.getLp().integrality_ is not None and len(h.getLp().integrality_) > 0
    if integer:
        gap = float(info.mip_gap) if x is not None and np.isfinite(info.mip_gap) else None
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
        if status is Status.OPTIMAL and obj is not None and bound is not None:
            gap = relative_gap(obj, bound)
    else:
        gap, bound = (0.0, obj) if status is Status.OPTIMAL else (None, None)
    row_dual = col_dual = None
    if not integer and sol.dual_valid:
        row_dual, col_dual = np.asarray(sol.row_dual, float), np.asarray(sol.col_dual, float)
    iters = max(0, int(info.simplex_iteration_count)) + max(0, int(info.ipm_iteration_count))
    nodes = max(0, int(info.mip_node_count)) if integer else 0
    return SolveResult(status, obj, x, gap, time_s, h.modelStatusToString(ms), bound, row_dual, col_dual, iters, nodes, hit, "highs")


def _highs_lp(model: MILP, *, integer: bool):
    import highspy

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
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in model.integrality]
    return lp


def solve_highs(
    model: MILP,
    *,
    mip_rel_gap: float = 1e-9,
    mip_abs_gap: float = 1e-9,
    node_limit: int | None = None,
    iteration_limit: int | None = None,
    safety_time_s: float = SAFETY_TIME_S,
    start: np.ndarray | None = None,
    relax: bool = False,
    options: dict | None = None,
) -> SolveResult:
    """Solve ``model`` with HiGHS to proven optimality (gap tolerances) or a work limit.

    Parameters
    ----------
    mip_rel_gap, mip_abs_gap : float
        HiGHS stops when either the relative or the absolute primal-dual gap is within these.
    node_limit, iteration_limit : int, optional
        Deterministic work limits (``mip_max_nodes``, ``simplex_iteration_limit``): status
        ``work_limit`` when reached.
    safety_time_s : float
        Wall-clock safety net [s] (status ``time_limit``, ``time_limit_hit`` true).
    start : ndarray, optional
        A feasible point given to HiGHS as its first incumbent (``Highs.setSolution``).
    relax : bool
        Solve the LP relaxation (integrality dropped) and return its row and column duals.
    options : dict, optional
        Further HiGHS options (e.g. ``{"mip_heuristic_effort": 0.3}``); never ``threads``.
    """
    import highspy

    t0 = time.perf_counter()
    integer = (not relax) and bool(np.any(model.integrality))
    try:
        h = new_highs()
        h.setOptionValue("time_limit", float(safety_time_s))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.setOptionValue("mip_abs_gap", float(mip_abs_gap))
        if node_limit is not None:
            h.setOptionValue("mip_max_nodes", int(node_limit))
        if iteration_limit is not None:
            h.setOptionValue("simplex_iteration_limit", int(iteration_limit))
        for key, value in (options or {}).items():
            h.setOptionValue(key, value)
        h.passModel(_highs_lp(model, integer=integer))
        if start is not None and integer:
            s = highspy.HighsSolution()
            s.col_value = np.asarray(start, float).tolist()
            s.value_valid = True
            h.setSolution(s)
        h.run()
        out = result_from_highs(h, n_cols=model.A.shape[1], integrality=model.integrality if integer else None,
                                objective_c=np.asarray(model.c, float), relax=not integer)
    except Exception as exc:  # pragma: no cover - defensive: HiGHS errors become a status
        return SolveResult(Status.ERROR, None, None, None, time.perf_counter() - t0, str(exc))
    return replace(out, time_s=time.perf_counter() - t0)


# ---------------------------------------------------------------------------------------------
# scipy.optimize.milp
# ---------------------------------------------------------------------------------------------


def solve_scipy(
    model: MILP,
    *,
    mip_rel_gap: float = 1e-9,
    node_limit: int | None = None,
    safety_time_s: float = SAFETY_TIME_S,
    relax: bool = False,
) -> SolveResult:
    """Solve ``model`` with :func:`scipy.optimize.milp` (HiGHS inside SciPy; no incumbent, no duals)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    t0 = time.perf_counter()
    integrality = np.zeros(model.A.shape[1]) if relax else np.asarray(model.integrality, float)
    options = {"time_limit": float(safety_time_s), "mip_rel_gap": float(mip_rel_gap), "disp": False}
    if node_limit is not None:
        options["node_limit"] = int(node_limit)
    cons = [LinearConstraint(sp.csr_array(model.A), model.row_lo, model.row_hi)] if model.A.shape[0] else []
    try:
        res = milp(np.asarray(model.c, float), constraints=cons, integrality=integrality, bounds=Bounds(model.lb, model.ub), options=options)
    except Exception as exc:  # pragma: no cover - defensive
        return SolveResult(Status.ERROR, None, None, None, time.perf_counter() - t0, str(exc), backend="scipy")
    elapsed = time.perf_counter() - t0
    msg = str(getattr(res, "message", ""))
    if res.status == 0:
        status = Status.OPTIMAL
    elif res.status == 1:
        status = Status.TIME_LIMIT if "time" in msg.lower() else Status.WORK_LIMIT
    elif res.status == 2:
        status = Status.INFEASIBLE
    elif res.status == 3:
        status = Status.UNBOUNDED
    else:
        status = Status.ERROR
    x = None
    if res.x is not None:
        x = np.asarray(res.x, float).copy()
        ints = integrality.astype(bool)
        x[ints] = np.round(x[ints]) + 0.0
    obj = float(np.asarray(model.c, float) @ x) if x is not None else None
    integer = bool(np.any(integrality))
    if integer:
        bound = getattr(res, "mip_dual_bound", None)
        bound = float(bound) if bound is not None and np.isfinite(bound) else None
        gap = relative_gap(obj, bound) if obj is not None and bound is not None else None
        nodes = int(getattr(res, "mip_node_count", 0) or 0)
    else:
        bound, gap, nodes = (obj, 0.0, 0) if status is Status.OPTIMAL else (None, None, 0)
    return SolveResult(status, obj, x, gap, elapsed, msg, bound, None, None, 0, nodes, status is Status.TIME_LIMIT, "scipy")


def solve(model: MILP, *, backend: str = "highs", **kwargs) -> SolveResult:
    """Solve ``model`` with ``backend`` (``highs`` or ``scipy``); see :func:`solve_highs`."""
    if backend == "highs":
        return solve_highs(model, **kwargs)
    if backend == "scipy":
        return solve_scipy(model, **kwargs)
    raise ValueError(f"unknown solver backend {backend!r}; known: highs, scipy")


# ---------------------------------------------------------------------------------------------
# LP first: the relaxation, then a proof by rounding when the relaxation is (nearly) integral
# ---------------------------------------------------------------------------------------------


def fix_and_compact(model: MILP, lb: np.ndarray, ub: np.ndarray) -> tuple[MILP, np.ndarray, float]:
    """``model`` with bounds ``lb, ub`` and every fixed column (``lb == ub``) substituted out.

    Returns the compact model (free columns only, empty rows dropped, row bounds shifted by the
    fixed columns' activity), the mask of free columns and the objective constant of the fixed ones.
    """
    free = lb < ub
    fixed_idx, free_idx = np.flatnonzero(~free), np.flatnonzero(free)
    A = sp.csc_array(model.A)
    shift = A[:, fixed_idx] @ lb[fixed_idx] if len(fixed_idx) else np.zeros(A.shape[0])
    Af = sp.csr_array(A[:, free_idx])
    keep = np.diff(Af.indptr) > 0
    compact = MILP(np.asarray(model.c, float)[free], Af[keep], (model.row_lo - shift)[keep], (model.row_hi - shift)[keep],
                   lb[free], ub[free], model.integrality[free])
    return compact, free, float(np.asarray(model.c, float)[~free] @ lb[~free])


def round_with_proof(model: MILP, lp: SolveResult, *, levels: int = 1, dense_row: int = 64, tol: float = 1e-6,
                     node_limit: int = 2000, safety_time_s: float = SAFETY_TIME_S) -> SolveResult | None:
    """An integer point of ``model`` near the LP optimum ``lp``: proven optimal when it meets the LP bound.

    The integer columns that are integral in the LP solution are fixed there; a small MILP
    (fixed columns substituted out, at most ``node_limit`` nodes) decides the fractional ones.
    While its objective misses the LP bound, ``levels`` times, the columns sharing a sparse row
    (at most ``dense_row`` non-zeros) with a free column are freed too (a relaxation-induced
    neighbourhood; Danna, Rothberg and Le Pape, Math. Prog. 102, 2005).  Status ``optimal`` when
    the objective is within ``tol`` (relative) of the LP bound (the LP bound is the proof),
    ``feasible`` for the best point otherwise, None when no point was found.  Deterministic: no
    time enters the decision.
    """
    if lp.x is None or lp.status is not Status.OPTIMAL:
        return None
    t0 = time.perf_counter()
    x = lp.x
    c = np.asarray(model.c, float)
    ints = np.asarray(model.integrality).astype(bool)
    free = ints & (np.abs(x - np.round(x)) > 1e-6)
    At = sp.csr_array(model.A)
    A = sp.csc_array(model.A)
    sparse_rows = np.diff(At.indptr) <= dense_row
    bound = float(lp.objective)
    iters, nodes = lp.iterations, 0
    best: np.ndarray | None = None
    best_obj = np.inf
    for level in range(levels + 1):
        lb, ub = np.asarray(model.lb, float).copy(), np.asarray(model.ub, float).copy()
        fix = ints & ~free
        lb[fix] = ub[fix] = np.round(x[fix])
        sub, mask, _ = fix_and_compact(model, lb, ub)
        r = solve_highs(sub, mip_rel_gap=0.0, mip_abs_gap=tol * max(1.0, abs(bound)) / 2, node_limit=node_limit, safety_time_s=safety_time_s)
        iters, nodes = iters + r.iterations, nodes + r.nodes
        if r.x is not None:
            full = lb.copy()
            full[mask] = r.x
            obj = float(c @ full)
            if obj < best_obj:
                best, best_obj = full, obj
        proven = best is not None and best_obj <= bound + tol * max(1.0, abs(bound))
        if proven or level == levels:
            break
        rows = np.unique(A[:, np.flatnonzero(free)].tocoo().row)
        rows = rows[sparse_rows[rows]]
        grown = np.zeros_like(free)
        grown[np.unique(At[rows].tocoo().col)] = True
        free = free | (grown & ints)
    if best is None:
        return None
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    msg = f"LP bound {'met' if proven else 'not met'} by rounding ({int(free.sum())} integer columns free)"
    return SolveResult(status, best_obj, best, relative_gap(best_obj, bound), time.perf_counter() - t0 + lp.time_s, msg, bound,
                       iterations=iters, nodes=nodes, backend="highs LP + rounding")


def feasible_near(model: MILP, x: np.ndarray, *, levels: int = 2, dense_row: int = 64, node_limit: int = 2000,
                  safety_time_s: float = SAFETY_TIME_S) -> SolveResult | None:
    """A feasible integer point of ``model`` close to the (LP) point ``x``, or None.

    The integer columns that are integral in ``x`` are fixed there and a feasibility MILP (zero
    objective, fixed columns substituted out, at most ``node_limit`` nodes) decides the others;
    while it has no solution, ``levels`` times, the columns sharing a sparse row (at most
    ``dense_row`` non-zeros) with a free column are freed too (the neighbourhood of
    :func:`round_with_proof`).  For stages whose optimality is proven by a bound known
    beforehand, so that any feasible point is optimal.  Status ``feasible``; objective
    ``model.c @ x``.  Deterministic: no time enters the decision.
    """
    t0 = time.perf_counter()
    c = np.asarray(model.c, float)
    ints = np.asarray(model.integrality).astype(bool)
    free = ints & (np.abs(x - np.round(x)) > 1e-6)
    At = sp.csr_array(model.A)
    A = sp.csc_array(model.A)
    sparse_rows = np.diff(At.indptr) <= dense_row
    iters = nodes = 0
    for level in range(levels + 1):
        lb, ub = np.asarray(model.lb, float).copy(), np.asarray(model.ub, float).copy()
        fix = ints & ~free
        lb[fix] = ub[fix] = np.clip(np.round(x[fix]), lb[fix], ub[fix])
        sub, mask, _ = fix_and_compact(model, lb, ub)
        r = solve_highs(sub.with_c(np.zeros(sub.A.shape[1])), node_limit=node_limit, safety_time_s=safety_time_s)
        iters, nodes = iters + r.iterations, nodes + r.nodes
        if r.x is not None and r.status is Status.OPTIMAL:
            full = lb.copy()
            full[mask] = r.x
            msg = f"feasible point near the LP solution ({int(free.sum())} integer columns free, level {level})"
            return SolveResult(Status.FEASIBLE, float(c @ full), full, None, time.perf_counter() - t0, msg,
                               iterations=iters, nodes=nodes, backend="highs repair")
        if level == levels:
            break
        rows = np.unique(A[:, np.flatnonzero(free)].tocoo().row)
        rows = rows[sparse_rows[rows]]
        grown = np.zeros_like(free)
        grown[np.unique(At[rows].tocoo().col)] = True
        free = free | (grown & ints)
    return None
