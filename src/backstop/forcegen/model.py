"""The force-sourcing MILP: plain-array instance, constraint families, lexicographic solve.

Notation (months ``t = 1..H``):

* requirement lines ``r`` need ``D_r`` units of one capability in one zone over months
  ``[s_r, e_r]``, each unit-month worth priority ``w_r``;
* pledges ``p`` of nation ``n(p)`` offer ``Q_p`` units at ``c_p`` USD per unit-month;
* a column ``k = (p, r, b)`` exists where the capability matches, every caveat and toggle
  allows the zone, and rotation block ``b`` of the line (``[s_r + bR, s_r + (b+1)R - 1]``) meets
  the pledge's availability; its window ``[a_k, b_k]`` (``m_k <= R`` months, cut to ``N`` months
  by ``max_months:N``) is fixed (built in :func:`backstop.forcegen.problem.make_instance`).

Decision ``y_k in Z+``: units of pledge ``p`` holding positions on line ``r`` during rotation
``b``; each is one unit-rotation, so sustaining a position for ``T`` months consumes
``ceil(T / R)`` unit-rotations (each pledged unit deploys once) and nations may hand over a line
at each rotation.  The model also accepts longer windows (``u_k = ceil(m_k / R)`` unit-rotations
per position).  Aggregating over rotations this way keeps one integer per (pledge, line,
rotation) instead of one binary per unit and month, the usual aggregation of force-sourcing and
manpower-planning models (Bartholomew, Forbes and McClean, *Statistical Techniques for Manpower
Planning*, 1991; NATO Defence Planning Process, force-sourcing conferences).

Objectives, lexicographic (Ehrgott, *Multicriteria Optimization*, 2005, ch. 5): (1) maximise
priority-weighted fill ``sum_k w_r m_k y_k``; (2) subject to optimal fill, minimise
``sum_n |B_n - f_n S|`` where ``B_n`` is nation ``n``'s unit-months, ``S = sum_n B_n`` and
``f_n`` its fair share; (3) subject to both, minimise cost ``sum_k c_p m_k y_k``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from backstop.solve import (
    MILP,
    SAFETY_TIME_S,
    SolveResult,
    Status,
    feasible_near,
    relative_gap,
    round_with_proof,
    solve_highs,
    weakest,
)

INF = np.inf
LATER_NODES = 30
"""Branch-and-bound node limit of the fair-share and cost stages (a deterministic work limit)."""


@dataclass(frozen=True)
class Instance:
    """A force-sourcing instance in plain arrays (indices are positions in these arrays).

    Attributes
    ----------
    horizon : int
        Months ``H``.
    rotation_months : int
        Rotation length ``R`` [months].
    sustain : bool
        Apply the 1-deployed-in-3 rule: at most ``floor(Q_p / 3)`` units of a pledge deployed in
        any month.
    req_qty, req_weight, req_start, req_end : ndarray (R,)
        ``D_r`` [units], ``w_r``, ``s_r``, ``e_r`` [month, 1-based inclusive].
    pledge_qty, pledge_nation, pledge_cost : ndarray (P,)
        ``Q_p`` [units], nation index, ``c_p`` [USD per unit-month].
    fair_share : ndarray (N,)
        ``f_n``, summing to 1 over the nations indexed by ``pledge_nation``.
    pair_p, pair_r, pair_start, pair_end : ndarray (K,)
        Allowed (pledge, line) pairs and their service windows [month].
    pair_buddy : ndarray (K,)
        Nation index the pair needs on the same line (``only_with``), -1 for none.
    """

    horizon: int
    rotation_months: int
    sustain: bool
    req_qty: np.ndarray
    req_weight: np.ndarray
    req_start: np.ndarray
    req_end: np.ndarray
    pledge_qty: np.ndarray
    pledge_nation: np.ndarray
    pledge_cost: np.ndarray
    fair_share: np.ndarray
    pair_p: np.ndarray
    pair_r: np.ndarray
    pair_start: np.ndarray
    pair_end: np.ndarray
    pair_buddy: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    def __post_init__(self) -> None:
        for name in ("req_qty", "req_start", "req_end", "pledge_qty", "pledge_nation", "pair_p", "pair_r", "pair_start", "pair_end", "pair_buddy"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))
        for name in ("req_weight", "pledge_cost", "fair_share"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        if len(self.pair_buddy) != len(self.pair_p):
            object.__setattr__(self, "pair_buddy", np.full(len(self.pair_p), -1, dtype=int))

    @property
    def n_req(self) -> int:
        return len(self.req_qty)

    @property
    def n_pledges(self) -> int:
        return len(self.pledge_qty)

    @property
    def n_nations(self) -> int:
        return len(self.fair_share)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_p)

    @property
    def pair_months(self) -> np.ndarray:
        """``m_k`` [months]."""
        return (self.pair_end - self.pair_start + 1).astype(int)

    @property
    def pair_usage(self) -> np.ndarray:
        """``u_k = ceil(m_k / R)`` unit-rotations per position."""
        return -(-self.pair_months // self.rotation_months)

    def subset_pairs(self, keep: np.ndarray) -> Instance:
        """The same instance with only the pairs where ``keep`` is true."""
        k = np.asarray(keep, dtype=bool)
        return _replace(self, pair_p=self.pair_p[k], pair_r=self.pair_r[k], pair_start=self.pair_start[k],
                        pair_end=self.pair_end[k], pair_buddy=self.pair_buddy[k])


def _replace(inst: Instance, **kw) -> Instance:
    return replace(inst, **kw)


@dataclass(frozen=True)
class Layout:
    """Column layout: ``x = [y (K) | z (Z buddy indicators) | d (N deviations) | S (1)]``."""

    n_y: int
    n_z: int
    n_d: int
    buddy_r: np.ndarray
    buddy_n: np.ndarray

    @property
    def n(self) -> int:
        return self.n_y + self.n_z + self.n_d + 1

    @property
    def z0(self) -> int:
        return self.n_y

    @property
    def d0(self) -> int:
        return self.n_y + self.n_z

    @property
    def s(self) -> int:
        return self.n_y + self.n_z + self.n_d


def layout(inst: Instance) -> Layout:
    mask = inst.pair_buddy >= 0
    keys = np.unique(np.stack([inst.pair_r[mask], inst.pair_buddy[mask]], axis=1), axis=0) if mask.any() else np.zeros((0, 2), int)
    return Layout(inst.n_pairs, len(keys), inst.n_nations, keys[:, 0].astype(int), keys[:, 1].astype(int))


def upper_bounds(inst: Instance) -> np.ndarray:
    """``U_k = min(D_r, floor(Q_p / u_k))`` (and ``floor(Q_p/3)`` under the 1-in-3 rule)."""
    q = inst.pledge_qty[inst.pair_p]
    ub = np.minimum(inst.req_qty[inst.pair_r], q // np.maximum(inst.pair_usage, 1))
    if inst.sustain:
        ub = np.minimum(ub, q // 3)
    return ub.astype(float)


Block = tuple[sp.coo_array, np.ndarray, np.ndarray]


def _block(rows, cols, vals, n_rows: int, n_cols: int, lo, hi) -> Block:
    A = sp.coo_array((np.asarray(vals, float), (np.asarray(rows, int), np.asarray(cols, int))), shape=(n_rows, n_cols))
    return A, np.broadcast_to(np.asarray(lo, float), (n_rows,)).copy(), np.broadcast_to(np.asarray(hi, float), (n_rows,)).copy()


def _expand_months(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """(pair index, month) for every month of every pair's window."""
    m = inst.pair_months
    k = np.repeat(np.arange(inst.n_pairs), m)
    offset = np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)
    return k, inst.pair_start[k] + offset


def define_fill_capacity(inst: Instance, lay: Layout) -> Block:
    r"""Fill never exceeds the requirement, month by month.

    .. math:: \sum_{k:\ r_k = r,\ a_k \le t \le b_k} y_k \le D_r \qquad \forall r,\ t \in [s_r, e_r]
    """
    span = (inst.req_end - inst.req_start + 1).astype(int)
    row0 = np.cumsum(span) - span
    k, t = _expand_months(inst)
    r = inst.pair_r[k]
    rows = row0[r] + (t - inst.req_start[r])
    return _block(rows, k, np.ones(len(k)), int(span.sum()), lay.n, -INF, np.repeat(inst.req_qty, span))


def define_rotation_budget(inst: Instance, lay: Layout) -> Block:
    r"""Each pledged unit deploys for one rotation: unit-rotations used within the pledge.

    .. math:: \sum_{k:\ p_k = p} \lceil m_k / R \rceil\, y_k \le Q_p \qquad \forall p
    """
    return _block(inst.pair_p, np.arange(inst.n_pairs), inst.pair_usage, inst.n_pledges, lay.n, -INF, inst.pledge_qty)


def define_sustainability(inst: Instance, lay: Layout) -> Block:
    r"""The 1-deployed-in-3 rule (deploy, recover, prepare), when ``inst.sustain``.

    .. math:: \sum_{k:\ p_k = p,\ a_k \le t \le b_k} y_k \le \lfloor Q_p / 3 \rfloor \qquad \forall p,\ t
    """
    if not inst.sustain:
        return _block([], [], [], 0, lay.n, -INF, INF)
    k, t = _expand_months(inst)
    rows = inst.pair_p[k] * inst.horizon + (t - 1)
    used, inv = np.unique(rows, return_inverse=True)
    hi = inst.pledge_qty[used // inst.horizon] // 3
    return _block(inv, k, np.ones(len(k)), len(used), lay.n, -INF, hi)


def define_buddy(inst: Instance, lay: Layout) -> Block:
    r"""``only_with``: a pair needing buddy nation ``m`` on line ``r`` serves only if ``m`` does.

    With a binary :math:`z_{rm}` per (line, buddy) and :math:`U_k` the pair's upper bound:

    .. math:: y_k \le U_k\, z_{r_k m_k}, \qquad z_{rm} \le \sum_{k':\ r_{k'} = r,\ n(p_{k'}) = m} y_{k'}
    """
    if lay.n_z == 0:
        return _block([], [], [], 0, lay.n, -INF, INF)
    ub = upper_bounds(inst)
    index = {(int(r), int(m)): j for j, (r, m) in enumerate(zip(lay.buddy_r, lay.buddy_n, strict=False))}
    rows, cols, vals = [], [], []
    need = np.flatnonzero(inst.pair_buddy >= 0)
    for i, kk in enumerate(need):
        j = index[(int(inst.pair_r[kk]), int(inst.pair_buddy[kk]))]
        rows += [i, i]
        cols += [kk, lay.z0 + j]
        vals += [1.0, -ub[kk]]
    base = len(need)
    nation = inst.pledge_nation[inst.pair_p]
    for j, (r, m) in enumerate(zip(lay.buddy_r, lay.buddy_n, strict=False)):
        rows.append(base + j)
        cols.append(lay.z0 + j)
        vals.append(1.0)
        ks = np.flatnonzero((inst.pair_r == r) & (nation == m))
        rows += [base + j] * len(ks)
        cols += ks.tolist()
        vals += [-1.0] * len(ks)
    return _block(rows, cols, vals, base + lay.n_z, lay.n, -INF, 0.0)


def define_fair_share(inst: Instance, lay: Layout, total: float | None = None) -> Block:
    r"""Deviation of each nation's burden from its fair share of the total.

    .. math::
        S = \sum_k m_k y_k, \qquad
        -d_n \le \sum_{k:\ n(p_k) = n} m_k y_k - f_n S \le d_n \qquad \forall n

    With ``total`` given (every fill-optimal plan has the same :math:`S = S^*`) the
    defining row of :math:`S` is dropped and :math:`f_n S^*` moves to the right-hand side, which
    keeps every row sparse.
    """
    K, N = inst.n_pairs, inst.n_nations
    m = inst.pair_months.astype(float)
    nation = inst.pledge_nation[inst.pair_p]
    rows: list = []
    cols: list = []
    vals: list = []
    if total is None:
        # row 0: S - sum m y = 0 ; rows 1..N: B_n - f_n S - d_n <= 0 ; rows N+1..2N: -B_n + f_n S - d_n <= 0
        rows += [np.zeros(K, int), [0]]
        cols += [np.arange(K), [lay.s]]
        vals += [-m, [1.0]]
        for sign, base in ((1.0, 1), (-1.0, 1 + N)):
            rows += [base + nation, base + np.arange(N), base + np.arange(N)]
            cols += [np.arange(K), np.full(N, lay.s), lay.d0 + np.arange(N)]
            vals += [sign * m, -sign * inst.fair_share, -np.ones(N)]
        n_rows, lo, hi = 1 + 2 * N, np.r_[0.0, np.full(2 * N, -INF)], np.r_[0.0, np.zeros(2 * N)]
    else:
        for sign, base in ((1.0, 0), (-1.0, N)):
            rows += [base + nation, base + np.arange(N)]
            cols += [np.arange(K), lay.d0 + np.arange(N)]
            vals += [sign * m, -np.ones(N)]
        n_rows, lo, hi = 2 * N, np.full(2 * N, -INF), np.r_[inst.fair_share * total, -inst.fair_share * total]
    A = sp.coo_array(
        (np.concatenate([np.asarray(v, float) for v in vals]) if vals else np.zeros(0),
         (np.concatenate([np.asarray(r, int) for r in rows]) if rows else np.zeros(0, int),
          np.concatenate([np.asarray(c, int) for c in cols]) if cols else np.zeros(0, int))),
        shape=(n_rows, lay.n),
    )
    return A, lo, hi


def fill_objective(inst: Instance, lay: Layout) -> np.ndarray:
    r"""Priority-weighted fill :math:`\sum_k w_{r_k} m_k y_k` as a cost vector (to maximise)."""
    c = np.zeros(lay.n)
    c[: lay.n_y] = inst.req_weight[inst.pair_r] * inst.pair_months
    return c


def fair_objective(inst: Instance, lay: Layout) -> np.ndarray:
    r""":math:`\sum_n d_n` (to minimise)."""
    c = np.zeros(lay.n)
    c[lay.d0 : lay.d0 + lay.n_d] = 1.0
    return c


def cost_objective(inst: Instance, lay: Layout) -> np.ndarray:
    r""":math:`\sum_k c_{p_k} m_k y_k` [USD] (to minimise)."""
    c = np.zeros(lay.n)
    c[: lay.n_y] = inst.pledge_cost[inst.pair_p] * inst.pair_months
    return c


def build(inst: Instance, *, fair: bool = True) -> tuple[MILP, Layout]:
    r"""Assemble the constraint families into one MILP (objective left zero).

    Parameters
    ----------
    fair : bool
        Include the fair-share deviation block with :math:`S` as a variable; without it the
        ``d`` and ``S`` columns are fixed at 0 (the fill stage).
    """
    lay = layout(inst)
    blocks = [define_fill_capacity(inst, lay), define_rotation_budget(inst, lay), define_sustainability(inst, lay), define_buddy(inst, lay)]
    if fair:
        blocks.append(define_fair_share(inst, lay))
    A = sp.vstack([b[0] for b in blocks], format="csr")
    lo = np.concatenate([b[1] for b in blocks])
    hi = np.concatenate([b[2] for b in blocks])
    lb = np.zeros(lay.n)
    ub = np.r_[upper_bounds(inst), np.ones(lay.n_z), np.full(lay.n_d, INF), INF]
    if not fair:
        ub[lay.d0 :] = 0.0
    integrality = np.r_[np.ones(lay.n_y + lay.n_z), np.zeros(lay.n_d + 1)].astype(np.uint8)
    return MILP(np.zeros(lay.n), A, lo, hi, lb, ub, integrality), lay


def define_fair_share_hull(inst: Instance, lay: Layout, total: float) -> Block:
    r"""Convex hull of each nation's integer deviation when the total :math:`S` is a constant.

    Nation ``n``'s burden :math:`B_n = \sum_{k: n(p_k)=n} m_k y_k` is an integer; with
    :math:`a_n = f_n S`, :math:`\ell_n = \lfloor a_n \rfloor` and :math:`\phi_n = a_n - \ell_n` the
    lower envelope of :math:`\{(B, |B - a_n|): B \in \mathbb{Z}\}` between :math:`\ell_n` and
    :math:`\ell_n + 1` is the chord

    .. math:: d_n \ge \phi_n + (1 - 2\phi_n)(B_n - \ell_n) \qquad \forall n

    which, with the two rows of :func:`define_fair_share`, is the convex hull of the nation's
    deviation: the LP bound becomes at least :math:`\sum_n \min(\phi_n, 1 - \phi_n)` instead of 0
    (the rounding floor that any integer plan pays).
    """
    K, N = inst.n_pairs, inst.n_nations
    a = inst.fair_share * total
    ell = np.floor(a)
    phi = a - ell
    nation = inst.pledge_nation[inst.pair_p]
    rows = np.r_[nation, np.arange(N)]
    cols = np.r_[np.arange(K), lay.d0 + np.arange(N)]
    vals = np.r_[-(1.0 - 2.0 * phi[nation]) * inst.pair_months, np.ones(N)]
    return _block(rows, cols, vals, N, lay.n, phi - (1.0 - 2.0 * phi) * ell, INF)


def define_total(inst: Instance, lay: Layout, total: float) -> Block:
    r"""The total unit-months as a row, when it is the same on every fill-optimal plan.

    .. math:: \sum_k m_k y_k = S^*

    Redundant on the fill-optimal face, but measured to help HiGHS's primal heuristics find
    balanced plans sooner (the only dense row left in the later stages).
    """
    return _block(np.zeros(inst.n_pairs, int), np.arange(inst.n_pairs), inst.pair_months, 1, lay.n, total, total)


def define_burden_window(inst: Instance, lay: Layout, total: float, deviation: float) -> Block:
    r"""Burden windows implied by a deviation budget (stage 3, total :math:`S` constant).

    Every nation pays at least its rounding distance :math:`\delta_n = \min_{B \in \mathbb{Z}} |B - f_n S|`,
    so a plan with :math:`\sum_n |B_n - f_n S| \le D^*` has, for each nation, slack
    :math:`\sigma = D^* - \sum_m \delta_m` at most on its own:

    .. math:: \lceil f_n S - \delta_n - \sigma \rceil \le B_n \le \lfloor f_n S + \delta_n + \sigma \rfloor \qquad \forall n

    Valid (no plan within the budget is cut off) and sparse; it tightens the cost stage's LP.
    """
    K, N = inst.n_pairs, inst.n_nations
    a = inst.fair_share * total
    delta = np.abs(a - np.round(a))
    sigma = max(0.0, deviation - float(delta.sum())) + 1e-7 * max(1.0, deviation)
    nation = inst.pledge_nation[inst.pair_p]
    return _block(nation, np.arange(K), inst.pair_months, N, lay.n, np.ceil(a - delta - sigma - 1e-9), np.floor(a + delta + sigma + 1e-9))


def apportionment(fair_share: np.ndarray, total: float, *, tie_tol: float = 1e-9) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The least total deviation of integer burdens summing to ``total``, and every burden vector attaining it.

    With targets :math:`a_n = f_n S`, :math:`\ell_n = \lfloor a_n \rfloor`, :math:`\phi_n = a_n - \ell_n`
    and :math:`U = S - \sum_n \ell_n` (an integer: :math:`\sum_n a_n = S`),

    .. math:: F = \min \Big\{ \sum_n |B_n - a_n| : B \in \mathbb{Z}^N,\ \sum_n B_n = S \Big\}

    is a separable convex resource allocation: the optimum raises the :math:`U` nations with the
    largest :math:`\phi_n` to :math:`\ell_n + 1` (each raise changes the sum by :math:`1 - 2\phi_n`;
    any burden beyond :math:`\{\ell_n, \ell_n + 1\}` costs a full unit more; Ibaraki and Katoh,
    *Resource Allocation Problems*, 1988, ch. 4: the greedy is exact), the largest-remainder
    apportionment (Hamilton's method).  :math:`F` is a lower bound on the fair-share stage of every
    plan whose total is :math:`S`, whatever the other constraints.  Ties at the threshold
    (:math:`\phi_n` equal within ``tie_tol``) leave those nations free in :math:`\{\ell_n, \ell_n + 1\}`;
    the sum :math:`S` then fixes how many are raised.

    Returns :math:`F` and the burden bounds ``lo, hi`` (integers) of the plans that attain it.
    """
    a = np.asarray(fair_share, float) * float(total)
    ell = np.floor(a + 1e-9)
    phi = np.clip(a - ell, 0.0, 1.0)
    n_up = int(round(float(total) - float(ell.sum())))
    lo, hi = ell.copy(), ell.copy()
    if n_up <= 0 or len(a) == 0:
        return float(np.abs(lo - a).sum()), lo, hi
    order = np.argsort(-phi, kind="stable")
    thr = phi[order[n_up - 1]]
    sure = phi > thr + tie_tol
    tied = np.abs(phi - thr) <= tie_tol
    lo[sure] += 1.0
    hi[sure | tied] += 1.0
    up = np.zeros(len(a), bool)
    up[order[:n_up]] = True
    return float(np.abs(ell + up - a).sum()), lo, hi


def define_burden_bounds(inst: Instance, lay: Layout, lo: np.ndarray, hi: np.ndarray) -> Block:
    r"""Each nation's unit-months within bounds: :math:`\ell^B_n \le \sum_{k: n(p_k)=n} m_k y_k \le u^B_n`."""
    return _block(inst.pledge_nation[inst.pair_p], np.arange(inst.n_pairs), inst.pair_months, inst.n_nations, lay.n, lo, hi)


def fair_by_apportionment(inst: Instance, lay: Layout, face: MILP, total: float, notes: list[str], *,
                          safety_time_s: float = SAFETY_TIME_S) -> tuple[SolveResult, MILP] | None:
    r"""The fair-share stage proven by the apportionment bound, when a fill-optimal plan attains it.

    Every fill-optimal plan has total :math:`S` (checked by the caller), so :func:`apportionment`'s
    :math:`F` bounds the stage from below.  The fill-optimal face with each nation's burden held to
    the bounds that attain :math:`F` (:func:`define_burden_bounds`; no deviation columns, no dense
    row) is exactly the set of fair-share-optimal plans *if it holds an integer point*: its cost LP
    gives a centre and :func:`backstop.solve.feasible_near` an integer point near it.  That point
    is proven optimal (objective :math:`F` = bound); the restricted model is returned as the cost
    stage's feasible set.  None (the caller falls back to the branch-and-bound stage) when the face
    has no such point or the repair finds none within its node limit.
    """
    t0 = time.perf_counter()
    best, lo, hi = apportionment(inst.fair_share, total)
    model = _extend(face, [define_burden_bounds(inst, lay, lo, hi)]).with_c(cost_objective(inst, lay))
    lp = solve_highs(model, relax=True, safety_time_s=safety_time_s)
    if lp.status is not Status.OPTIMAL:
        notes.append("fair-share stage: no fill-optimal plan meets the apportionment bound even fractionally; branch and bound")
        return None
    pt = round_with_proof(model, lp, levels=0, safety_time_s=safety_time_s)
    if pt is None:
        pt = feasible_near(model, lp.x, levels=2, safety_time_s=safety_time_s)
    if pt is None:
        notes.append("fair-share stage: no integer plan found at the apportionment bound; branch and bound")
        return None
    y = pt.x[: lay.n_y]
    dev = float(np.abs(burden(inst, y) - inst.fair_share * total).sum())
    if dev > best + 1e-7 * max(1.0, best):
        return None
    x = pt.x.copy()
    work_it, work_nodes = lp.iterations + pt.iterations, pt.nodes
    res = SolveResult(Status.OPTIMAL, dev, x, relative_gap(dev, best), time.perf_counter() - t0,
                      f"apportionment bound {best:.6g} met; {pt.message}", best, iterations=work_it, nodes=work_nodes,
                      backend="apportionment bound + repair")
    notes.append(f"fair-share stage: proven by the apportionment bound {best:.6g} (largest remainders), burdens held for the cost stage")
    return res, model


def optimal_face(model: MILP, relaxation: SolveResult, best: float, *, tol: float = 1e-7) -> tuple[MILP, bool]:
    r"""Restrict ``model`` to the plans whose stage objective can equal ``best`` (reduced-cost fixing).

    With an optimal dual :math:`(\pi, \rho)` of the LP relaxation (bound :math:`z^{LP}`) and an
    integer optimum :math:`z^*` (minimisation), every integer point :math:`x` satisfies
    :math:`c x = z^{LP} + \sum_j \rho_j (x_j - \bar x_j) + \sum_i \pi_i\, \mathrm{slack}_i`,
    each term non-negative.  So a plan with :math:`c x \le z^*` keeps a column whose
    :math:`|\rho_j| > z^* - z^{LP}` at its active bound, and a row whose :math:`|\pi_i| > z^* - z^{LP}`
    tight (integer data: a move or a slack is at least one unit) (Nemhauser and Wolsey,
    *Integer and Combinatorial Optimization*, 1988, I.2.3; complementary slackness).

    When :math:`z^{LP} = z^*` the threshold is 0 and these conditions *are* complementary
    slackness: the restricted set is exactly the set of optimal plans, and no objective row is
    needed.  Returns the restricted model and whether it is exact in that sense.
    """
    gap = max(0.0, best - float(relaxation.objective))
    exact = gap <= tol * max(1.0, abs(best))
    thr = (0.0 if exact else gap) + tol * max(1.0, abs(best))
    rd, cd = relaxation.row_dual, relaxation.col_dual
    lb, ub = model.lb.copy(), model.ub.copy()
    at_lb, at_ub = cd > thr, cd < -thr
    ub[at_lb] = model.lb[at_lb]
    lb[at_ub] = model.ub[at_ub]
    lo, hi = model.row_lo.copy(), model.row_hi.copy()
    r_lo, r_hi = (rd > thr) & np.isfinite(lo), (rd < -thr) & np.isfinite(hi)
    hi[r_lo] = lo[r_lo]
    lo[r_hi] = hi[r_hi]
    return MILP(model.c, model.A, lo, hi, lb, ub, model.integrality), exact


def _extend(model: MILP, blocks: list[Block], lb: np.ndarray | None = None, ub: np.ndarray | None = None) -> MILP:
    blocks = [b for b in blocks if b[0].shape[0]]
    A = sp.vstack([model.A, *[b[0] for b in blocks]], format="csr")
    return MILP(model.c, A, np.concatenate([model.row_lo, *[b[1] for b in blocks]]), np.concatenate([model.row_hi, *[b[2] for b in blocks]]),
                model.lb if lb is None else lb, model.ub if ub is None else ub, model.integrality)


@dataclass(frozen=True)
class Solution:
    """A lexicographic solve: the per-stage results and the chosen assignment.

    Attributes
    ----------
    status : str
        Status of the weakest stage (``optimal`` only when every stage was).
    y : ndarray (K,) or None
        Units per pair.
    fill : float
        Priority-weighted fill [weighted unit-months].
    deviation : float
        Sum of absolute deviations from fair shares [unit-months].
    cost_usd : float
        Cost of the assignment [USD].
    stages : tuple of (str, SolveResult)
        Each stage's result (objectives in minimisation form: fill negated).
    size : tuple of int
        (rows, columns, nonzeros) of the stage-1 model.
    exact_face : bool
        The fill stage's LP bound equalled its optimum, so the later stages searched exactly the
        fill-optimal plans (true lexicographic order) with sparse rows only.
    total_fixed : bool
        Every fill-optimal plan has the same total unit-months ``S`` (so the fair-share targets
        are constants and the convex-hull rows apply).
    notes : tuple of str
        How each stage was restricted.
    """

    status: str
    y: np.ndarray | None
    fill: float
    deviation: float
    cost_usd: float
    stages: tuple[tuple[str, SolveResult], ...]
    size: tuple[int, int, int]
    exact_face: bool = False
    total_fixed: bool = False
    notes: tuple[str, ...] = ()

    @property
    def runtime_s(self) -> float:
        """Wall time of all stages [s] (benchmarks and logs only; never written into results)."""
        return sum(r.time_s for _, r in self.stages)


def solve_lexicographic(
    inst: Instance,
    *,
    stages: tuple[str, ...] = ("fill", "fair", "cost"),
    time_limit_s: float = SAFETY_TIME_S,
    later_gap: float = 1e-4,
    later_nodes: int = LATER_NODES,
    later_time_s: float | None = None,
    later_options: dict | None = None,
) -> Solution:
    r"""Solve the lexicographic objectives in ``stages`` order (``fill`` first); true lexicographic order.

    1. **Fill** (:func:`solve_fill`): the LP relaxation, and an integer plan that meets its bound
       (proven optimal) by :func:`backstop.solve.round_with_proof`, else the MILP.  The LP's duals
       feed :func:`optimal_face`: bound fixings and tight rows that every plan of fill
       :math:`\ge z_1^*` satisfies; when the LP bound equals :math:`z_1^*` (it does on the
       benchmark: the aggregated rotation-block model is nearly integral) the restricted set *is*
       the set of fill-optimal plans and the later stages need no dense ``fill >= z1*`` row
       (:func:`restrict_to_fill_face`).
    2. **Fair share** (:func:`fair_share_face`): when the total :math:`S` is the same on every
       fill-optimal plan the targets :math:`f_n S` are constants, the rows stay sparse and
       :func:`define_fair_share_hull` tightens the LP to the rounding floor.
    3. **Cost**, with :math:`\sum_n d_n \le D^*` and :func:`define_burden_window`.

    Each later stage (:func:`solve_later_stage`) tries the LP-and-rounding proof first, then
    HiGHS's branch and bound from the previous stage's plan, stopped at relative gap
    ``later_gap`` or after ``later_nodes`` nodes (a deterministic work limit: status
    ``work_limit``, the proven gap reported); ``later_time_s`` (default ``time_limit_s``) is only
    a wall-clock safety net (status ``time_limit``).  A stage that fails keeps the previous plan.
    """
    if stages[0] != "fill":
        raise ValueError("the first stage must be 'fill'")
    for name in stages[1:]:
        if name not in ("fair", "cost"):
            raise ValueError(f"unknown stage {name!r}")
    later_time_s = time_limit_s if later_time_s is None else later_time_s
    m1, lay = build(inst, fair=False)
    res, lp = solve_fill(inst, lay, m1, safety_time_s=time_limit_s)
    results: list[tuple[str, SolveResult]] = [("fill", res)]
    if not res.has_solution:
        return Solution(res.status, None, 0.0, 0.0, 0.0, tuple(results), m1.shape)
    x = res.x
    notes: list[str] = []
    exact = total_fixed = False
    if len(stages) > 1:
        face, exact = restrict_to_fill_face(inst, lay, m1, res, lp, notes)
        x = _complete(inst, lay, x[: lay.n_y + lay.n_z])
        total = None
        fill_face = face
        if "fair" in stages:
            face, total = fair_share_face(inst, lay, face, x, notes, safety_time_s=time_limit_s)
            total_fixed = total is not None
        for name in stages[1:]:
            if name == "fair" and total is not None and len(results) == 1:
                fast = fair_by_apportionment(inst, lay, fill_face, total, notes, safety_time_s=later_time_s)
                if fast is not None:
                    r, face = fast
                    results.append((name, r))
                    x = r.x
                    continue
            c = fair_objective(inst, lay) if name == "fair" else cost_objective(inst, lay)
            r = solve_later_stage(face.with_c(c), x, gap=later_gap, nodes=later_nodes, safety_time_s=later_time_s, options=later_options)
            results.append((name, r))
            if not r.has_solution:
                break
            x = r.x
            face = _keep_stage_optimal(inst, lay, face, name, c, x, total)
    return _solution(inst, lay, x, tuple(results), m1.shape, exact, total_fixed, tuple(notes))


def solve_fill(inst: Instance, lay: Layout, m1: MILP, *, safety_time_s: float = SAFETY_TIME_S) -> tuple[SolveResult, SolveResult]:
    """The fill stage: its LP relaxation (duals for the later stages) and a proven-optimal plan.

    The LP bound is met by rounding (:func:`backstop.solve.round_with_proof`) whenever the
    relaxation is integral up to a few columns; otherwise HiGHS's branch and bound from the LP
    (to proven optimality, ``safety_time_s`` as the only limit).  Returns (stage result, LP).
    """
    model = m1.with_c(-fill_objective(inst, lay))
    lp = solve_highs(model, relax=True, safety_time_s=safety_time_s)
    res = round_with_proof(model, lp, levels=1, safety_time_s=safety_time_s)
    if res is None or res.status != "optimal":
        start = res.x if res is not None else None
        res = solve_highs(model, safety_time_s=safety_time_s, start=start)
        res = replace(res, time_s=res.time_s + lp.time_s)
    return res, lp


def restrict_to_fill_face(inst: Instance, lay: Layout, m1: MILP, res: SolveResult, lp: SolveResult, notes: list[str]) -> tuple[MILP, bool]:
    """The fill-optimal plans as a model: :func:`optimal_face` when the LP bound is tight, else one dense row."""
    c1 = -fill_objective(inst, lay)
    face, exact = m1, False
    if lp.status == "optimal" and lp.col_dual is not None:
        face, exact = optimal_face(m1.with_c(c1), lp, float(res.objective))
    if not exact:
        z1 = float(-res.objective)
        face = _extend(face, [(sp.coo_array(-c1.reshape(1, -1)), np.array([z1 - 1e-9 * max(1.0, abs(z1))]), np.array([INF]))])
        notes.append("fill stage: LP bound above the optimum, later stages keep fill >= optimum with one dense row")
    else:
        notes.append("fill stage: LP bound = optimum, later stages search its LP optimal face (complementary slackness), no dense row")
    return face, exact


def fair_share_face(inst: Instance, lay: Layout, face: MILP, x: np.ndarray, notes: list[str], *, safety_time_s: float = SAFETY_TIME_S) -> tuple[MILP, float | None]:
    """Add the fair-share deviation rows; the total ``S`` as a constant when two LPs prove it one value."""
    face = MILP(face.c, face.A, face.row_lo, face.row_hi, np.r_[face.lb[: lay.d0], np.zeros(lay.n_d + 1)],
                np.r_[face.ub[: lay.d0], np.full(lay.n_d + 1, INF)], face.integrality)
    cS = np.zeros(lay.n)
    cS[: lay.n_y] = inst.pair_months
    lo = solve_highs(face.with_c(cS), relax=True, safety_time_s=safety_time_s)
    hi = solve_highs(face.with_c(-cS), relax=True, safety_time_s=safety_time_s)
    if lo.status == hi.status == "optimal" and np.floor(-hi.objective + 1e-6) <= np.ceil(lo.objective - 1e-6):
        total = float(x[lay.s])
        lb, ub = face.lb.copy(), face.ub.copy()
        lb[lay.s] = ub[lay.s] = total
        face = _extend(face, [define_fair_share(inst, lay, total), define_fair_share_hull(inst, lay, total), define_total(inst, lay, total)], lb, ub)
        notes.append(f"fair-share stage: total S = {total:g} unit-months on every fill-optimal plan, targets constant, convex-hull rows added")
        return face, total
    notes.append("fair-share stage: total S varies over the fill-optimal plans, kept as a variable (one dense row)")
    return _extend(face, [define_fair_share(inst, lay, None)]), None


def solve_later_stage(model: MILP, start: np.ndarray, *, gap: float, nodes: int, safety_time_s: float, options: dict | None = None) -> SolveResult:
    """A later stage: the LP-and-rounding proof, else branch and bound from ``start`` to ``gap`` or ``nodes``."""
    lp = solve_highs(model, relax=True, safety_time_s=safety_time_s)
    res = round_with_proof(model, lp, levels=0, safety_time_s=safety_time_s)
    if res is not None and res.status == "optimal":
        return res
    if res is not None and float(model.c @ res.x) < float(model.c @ start):
        start = res.x
    r = solve_highs(model, mip_rel_gap=gap, mip_abs_gap=1e-9, node_limit=nodes, safety_time_s=safety_time_s, start=start, options=options)
    return replace(r, time_s=r.time_s + lp.time_s, iterations=r.iterations + lp.iterations)


def _keep_stage_optimal(inst: Instance, lay: Layout, face: MILP, name: str, c: np.ndarray, x: np.ndarray, total: float | None) -> MILP:
    """The face of the next stage: this stage's objective kept at (within 1e-7 of) its value."""
    value = float(c @ x)
    blocks = [(sp.coo_array(c.reshape(1, -1)), np.array([-INF]), np.array([value + 1e-7 * max(1.0, abs(value))]))]
    if name == "fair" and total is not None:
        blocks.append(define_burden_window(inst, lay, total, value))
    return _extend(face, blocks)


def _solution(inst: Instance, lay: Layout, x: np.ndarray, results: tuple, size, exact: bool, total_fixed: bool, notes: tuple) -> Solution:
    y = np.round(x[: lay.n_y])
    fillv = float(fill_objective(inst, lay)[: lay.n_y] @ y)
    b = burden(inst, y)
    dev = float(np.abs(b - inst.fair_share * b.sum()).sum())
    cost = float(cost_objective(inst, lay)[: lay.n_y] @ y)
    return Solution(weakest(*(r.status for _, r in results)), y, fillv, dev, cost, results, size, exact, total_fixed, notes)


def _complete(inst: Instance, lay: Layout, yz: np.ndarray) -> np.ndarray:
    """Full column vector ``[y | z | d | S]`` from units and buddy indicators (a feasible start)."""
    y = yz[: lay.n_y]
    b = burden(inst, y)
    total = float(b.sum())
    return np.r_[yz, np.abs(b - inst.fair_share * total), total]


def monthly_fill(inst: Instance, y: np.ndarray) -> np.ndarray:
    """Units on each line in each month, shape (R, H)."""
    out = np.zeros((inst.n_req, inst.horizon))
    k, t = _expand_months(inst)
    np.add.at(out, (inst.pair_r[k], t - 1), y[k])
    return out


def required_matrix(inst: Instance) -> np.ndarray:
    """Units required on each line in each month, shape (R, H)."""
    t = np.arange(1, inst.horizon + 1)
    active = (t[None, :] >= inst.req_start[:, None]) & (t[None, :] <= inst.req_end[:, None])
    return active * inst.req_qty[:, None].astype(float)


def burden(inst: Instance, y: np.ndarray) -> np.ndarray:
    """Unit-months each nation provides, shape (N,)."""
    out = np.zeros(inst.n_nations)
    np.add.at(out, inst.pledge_nation[inst.pair_p], inst.pair_months * y)
    return out
