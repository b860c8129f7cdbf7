"""Static weapon-target assignment (WTA): an exact outer-approximation method and a fast heuristic.

Problem (Manne 1958; Andersen, Pavlikov and Toffolo 2022, Ann. Oper. Res.,
doi:10.1007/s10479-022-04525-6)::

    minimise   sum_j V_j prod_i q_ij^x_ij            (q_ij = 1 - p_ij, expected surviving value)
    subject to sum_j x_ij <= u_i   for every weapon type i,   x_ij >= 0 integer.

In the safe-skies analysis the "targets" are incoming threats (their value is the expected damage
they would do to the defended asset) and the "weapons" are the interceptors: the assignment
minimises the expected damage that leaks through.  It is a defensive allocation only.

*Exact* (:func:`solve_exact`): with ``a_ij = -ln q_ij`` the objective is the convex separable
function ``sum_j V_j exp(-s_j)``, ``s_j = sum_i a_ij x_ij``.  Outer approximation (Duran and
Grossmann 1986; the OA method of Andersen et al. 2022) replaces each term by a variable
``z_j >= V_j e^{-t}(1 + t - s_j)`` (tangents at points ``t``) and solves the MILP on HiGHS; tangents
at the incumbent's ``s_j`` are added until the MILP lower bound meets the true objective.

*Heuristic* (:func:`solve_heuristic`): iterated very-large-scale-neighbourhood search (Ahuja,
Kumar, Jha and Orlin 2007, Oper. Res. 55(6)).  Construction by round-wise assignment (and, on
small instances, maximum-marginal-return greedy; den Broeder, Ellison and Emerling 1959); descent
by :func:`vlsn_step`: one unit leaves every donor target and the units are put back, at most one
per target, by an optimal linear assignment on the marginal-return matrix ``S^-_j p_ij`` -- an
exact search over all cyclic and path exchanges of those units -- then by single-unit moves and
two-unit swaps applied in batches on disjoint targets; perturbation by ruin and recreate, in
several independent chains seeded from the one seed.  It stops on work, never on time:
:func:`default_rounds` perturbation rounds (or ``max_stall`` rounds without improvement); a
wall-clock ``time_limit`` is only a safety net, reported as status ``time_limit`` when it fires.
Same instance and seed, same answer on any machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from backstop.highs import new_highs
from backstop.solve import Status, result_from_highs

_TINY = 1e-300
SMALL = 20_000
"""Weapon-target pairs up to which the first chain also starts from maximum-marginal-return greedy."""


@dataclass(frozen=True)
class WTAInstance:
    """A static WTA instance.

    Attributes
    ----------
    values : (n,) array
        Target values ``V_j``.
    p : (m, n) array
        Single-shot kill probability of one unit of type ``i`` against target ``j``.
    units : (m,) int array
        Units available of each weapon type.
    """

    values: np.ndarray
    p: np.ndarray
    units: np.ndarray
    name: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        return self.p.shape


@dataclass(frozen=True)
class WTASolution:
    """Result of a WTA solve: the assignment ``x`` (m, n), its objective and bounds."""

    x: np.ndarray
    objective: float
    lower_bound: float
    status: Status
    method: str
    runtime_s: float
    iterations: int = 0
    history: list = field(default_factory=list)
    time_limit_hit: bool = False
    """The wall-clock safety net stopped the search (the answer may differ from run to run)."""

    @property
    def gap(self) -> float:
        """Relative gap between objective and lower bound (0 = proven optimal)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / self.objective)

    def assignment(self) -> list[tuple[int, int, int]]:
        """``(weapon type, target, units)`` for every non-zero entry."""
        i, j = np.nonzero(self.x)
        return [(int(a), int(b), int(self.x[a, b])) for a, b in zip(i, j, strict=True)]


def objective(inst: WTAInstance, x: np.ndarray) -> float:
    """Expected surviving value ``sum_j V_j prod_i (1 - p_ij)^x_ij``."""
    q = np.clip(1.0 - inst.p, _TINY, 1.0)
    return float(np.sum(inst.values * np.exp(np.sum(x * np.log(q), axis=0))))


def check_feasible(inst: WTAInstance, x: np.ndarray) -> bool:
    """True when ``x`` is a non-negative integer assignment within the units available."""
    return bool(np.all(x >= 0) and np.all(x.sum(axis=1) <= inst.units))


# ---------------------------------------------------------------------------------------------
# heuristic
# ---------------------------------------------------------------------------------------------


def greedy_mmr(inst: WTAInstance) -> np.ndarray:
    """Maximum-marginal-return greedy: repeatedly give one unit to the (type, target) pair with the
    largest drop in expected surviving value ``S_j p_ij`` (den Broeder et al. 1959)."""
    return mmr_fill(inst, np.zeros(inst.shape, dtype=np.int64))


def mmr_fill(inst: WTAInstance, x: np.ndarray) -> np.ndarray:
    """Complete a partial assignment ``x`` (modified in place and returned) by maximum marginal
    return: each spare unit goes to the pair with the largest drop ``S_j p_ij`` in expected
    surviving value, ``S_j`` being target ``j``'s current survival value."""
    n = inst.shape[1]
    p = inst.p
    q = 1.0 - p
    s = inst.values * np.exp((x * np.log(np.clip(q, _TINY, 1.0))).sum(axis=0))
    avail = (inst.units - x.sum(axis=1)).astype(np.int64)
    gain = s[None, :] * p
    gain[avail <= 0, :] = -1.0
    for _ in range(int(avail.sum())):
        k = int(np.argmax(gain))
        i, j = divmod(k, n)
        if gain[i, j] <= 0:
            break
        x[i, j] += 1
        s[j] *= q[i, j]
        avail[i] -= 1
        gain[:, j] = s[j] * p[:, j]
        gain[avail <= 0, j] = -1.0
        if avail[i] <= 0:
            gain[i, :] = -1.0
    return x


def assignment_rounds(inst: WTAInstance) -> np.ndarray:
    """Round-wise assignment construction: in each round every target receives at most one unit and
    the units are matched to targets by a linear assignment maximising ``sum S_j p_ij`` (Hungarian
    method, scipy ``linear_sum_assignment``); ``S_j`` is updated between rounds.  Far better than
    greedy MMR when kill probabilities are high, where greedy stacks the best weapons on the first
    targets it sees."""
    m, n = inst.shape
    p = inst.p
    q = 1.0 - p
    s = inst.values.astype(float).copy()
    avail = inst.units.astype(np.int64).copy()
    x = np.zeros((m, n), dtype=np.int64)
    while avail.sum() > 0:
        types = np.repeat(np.arange(m), np.minimum(avail, n))
        gain = s[None, :] * p[types]
        r, c = linear_sum_assignment(gain, maximize=True)
        keep = gain[r, c] > 0
        if not np.any(keep):
            break
        r, c = r[keep], c[keep]
        ti = types[r]
        np.add.at(x, (ti, c), 1)
        np.subtract.at(avail, ti, 1)
        s[c] *= q[ti, c]
    return x


def _survival(inst: WTAInstance, x: np.ndarray, logq: np.ndarray) -> np.ndarray:
    return inst.values * np.exp((x * logq).sum(axis=0))


def local_search(inst: WTAInstance, x: np.ndarray, *, max_iter: int = 100_000, deadline: float | None = None, swaps: bool = True) -> np.ndarray:
    """Best-improvement local search from ``x`` over two neighbourhoods.

    * move: one unit of type ``i`` from target ``j`` to target ``k`` (or from the spare pool):
      ``delta = S_j (1/q_ij - 1) - S'_k p_ik``;
    * swap: units of types ``a`` (on ``j``) and ``b`` (on ``k``) exchange targets.

    Each step evaluates the whole neighbourhood with array operations and applies the best
    strictly improving move; it stops at a local optimum.
    """
    m, n = inst.shape
    p = inst.p
    q = np.clip(1.0 - p, _TINY, 1.0)
    logq = np.log(q)
    x = x.copy()
    s = _survival(inst, x, logq)
    tol = 1e-12 * max(1.0, float(inst.values.sum()))
    for _ in range(max_iter):
        if deadline is not None and time.perf_counter() > deadline:
            break
        # --- spare units: add to the best target
        spare = inst.units - x.sum(axis=1)
        gain = s[None, :] * p
        best_add = -np.inf
        if np.any(spare > 0):
            g = np.where(spare[:, None] > 0, gain, -np.inf)
            k = int(np.argmax(g))
            if g.flat[k] > tol:
                i, j = divmod(k, n)
                x[i, j] += 1
                s[j] *= q[i, j]
                continue
        # --- move one unit (i: j -> k), k != j
        ii, jj = np.nonzero(x)
        if len(ii) == 0:
            break
        up = s[jj] * (1.0 / q[ii, jj] - 1.0)  # increase at j when the unit leaves
        # best k != j for each row i: top-2 of gain per row
        top2 = np.argpartition(-gain, 1, axis=1)[:, :2] if n > 1 else np.zeros((m, 2), dtype=int)
        g1 = gain[np.arange(m), top2[:, 0]]
        g2 = gain[np.arange(m), top2[:, 1]]
        order = g1 >= g2
        first = np.where(order, top2[:, 0], top2[:, 1])
        bestg = np.maximum(g1, g2)
        secg = np.minimum(g1, g2)
        second = np.where(order, top2[:, 1], top2[:, 0])
        same = first[ii] == jj
        kk = np.where(same, second[ii], first[ii])
        down = np.where(same, secg[ii], bestg[ii])
        delta_move = up - down  # objective change (negative = improvement)
        a = int(np.argmin(delta_move))
        best_add = delta_move[a]
        # --- swap two assigned units of different types on different targets
        best_swap = np.inf
        if swaps and len(ii) > 1:
            # new S_j after removing a's unit and adding b's: S_j * q_bj / q_aj
            sa = s[jj]
            # pair matrix (units x units); cap size for memory
            if len(ii) <= 3000:
                qa_j = q[ii, jj]  # q of unit a on its own target
                # for unit a (type ia on ja) and unit b (type ib on jb):
                # new obj part = S_ja q_{ib,ja}/q_{ia,ja} + S_jb q_{ia,jb}/q_{ib,jb}
                qb_on_ja = q[ii[None, :], jj[:, None]]  # [a, b] = q_{ib, ja}
                new_ja = (sa / qa_j)[:, None] * qb_on_ja
                new_pair = new_ja + new_ja.T  # symmetric construction: [a,b] + [b,a]
                old_pair = sa[:, None] + sa[None, :]
                d = new_pair - old_pair
                invalid = (jj[:, None] == jj[None, :]) | (ii[:, None] == ii[None, :])
                d[invalid] = np.inf
                b = int(np.argmin(d))
                best_swap = d.flat[b]
        if min(best_add, best_swap) >= -tol:
            break
        if best_add <= best_swap:
            i, j, k = ii[a], jj[a], kk[a]
            x[i, j] -= 1
            x[i, k] += 1
            s[j] /= q[i, j]
            s[k] *= q[i, k]
        else:
            ua, ub = divmod(b, len(ii))
            ia, ja, ib, jb = ii[ua], jj[ua], ii[ub], jj[ub]
            x[ia, ja] -= 1
            x[ib, jb] -= 1
            x[ia, jb] += 1
            x[ib, ja] += 1
            s[ja] = s[ja] / q[ia, ja] * q[ib, ja]
            s[jb] = s[jb] / q[ib, jb] * q[ia, jb]
        # guard against drift of the running products
        if _ % 200 == 199:
            s = _survival(inst, x, logq)
    return x


def ruin_recreate(inst: WTAInstance, x: np.ndarray, rng: np.random.Generator, share: float = 0.15) -> np.ndarray:
    """Ruin and recreate (Schrimpf et al. 2000): strip every unit from a random share of the
    targets, then re-insert the spare units by maximum marginal return."""
    x = x.copy()
    ruin = rng.random(inst.shape[1]) < share
    x[:, ruin] = 0
    return mmr_fill(inst, x)


SAFETY_TIME_S = 120.0
"""Wall-clock safety net of the heuristic [s] (work limits stop it long before on the anchors)."""


def default_rounds(inst: WTAInstance) -> int:
    """Default work budget of the heuristic: perturbation rounds of the iterated local search.

    The cost of a round grows with the weapon-target pairs and, more slowly, with the units per
    type, so the rounds fall with ``m n sqrt(u)`` (from 400 to at least 10).  Calibrated for
    quality first (all 18 anchors, 50 x 100 to 300 x 600, within 0.5 % of the best known value):
    about 0.5-2 s of one core on the x1/x2 anchors, more on the x3 ones (docs/benchmarks.md)."""
    m, n = inst.shape
    units = max(1.0, float(np.mean(inst.units))) if m else 1.0
    return int(max(10, min(400, round(4.8e6 / max(1.0, m * n * units**0.5)))))


def _max_matching(gain: np.ndarray, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows to distinct columns maximising ``sum gain`` (scipy ``linear_sum_assignment``, a
    shortest-augmenting-path Jonker-Volgenant method).  Row ``a < len(own)`` currently sits on
    column ``own[a]``.  With at least three rows for four columns the matrix is padded with zero
    rows to a square one (a column matched to a padding row stays empty); every column is then
    matched, so subtracting from each column the gain of its current row changes every matching's
    total by the same constant: the optimum is unchanged, and the solver, started from reduced
    costs that make the current assignment nearly optimal, runs about eight times faster
    (measured at 400 x 400).  Fewer rows: the plain rectangular problem (faster there)."""
    r_n, c_n = gain.shape
    if r_n > c_n or 4 * r_n < 3 * c_n:
        return linear_sum_assignment(gain, maximize=True)
    base = np.zeros(c_n)
    base[own] = gain[np.arange(len(own)), own]
    sq = np.zeros((c_n, c_n)) if r_n < c_n else np.empty((c_n, c_n))
    np.subtract(gain, base[None, :], out=sq[:r_n])
    sq[r_n:] -= base[None, :]
    r, c = linear_sum_assignment(sq, maximize=True)
    keep = r < r_n
    return r[keep], c[keep]


def vlsn_step(inst: WTAInstance, x: np.ndarray, s: np.ndarray, q: np.ndarray, donors: np.ndarray, rng: np.random.Generator) -> bool:
    """One very-large-scale-neighbourhood step (Ahuja, Kumar, Jha and Orlin 2007), in place.

    One randomly chosen unit leaves every donor target (the spare units join them); the units are
    put back, at most one per target, by a maximum-weight matching with weight
    ``S^-_j p_{type(a), j}`` (``S^-_j``: target ``j``'s surviving value without its removed unit).
    As every target loses at most one unit and gains at most one, the objective of a matching is
    exactly ``sum_j S^-_j - sum weight``: the step searches all cyclic and path exchanges of the
    removed units at once (every target a donor: the exchanges keep the number of units per
    target; only the targets with two or more units as donors: units move to other targets).
    Returns True when it improved ``x`` (``s``, the surviving values, is updated with it)."""
    m, n = x.shape
    xd = x[:, donors]
    cnt = xd.sum(axis=0)
    has = cnt > 0
    donors, cnt, xd = donors[has], cnt[has], xd[:, has]
    pick = np.floor(rng.random(len(donors)) * cnt)
    types = (np.cumsum(xd, axis=0) <= pick[None, :]).sum(axis=0)
    sm = s.copy()
    sm[donors] /= q[types, donors]
    spare = inst.units - x.sum(axis=1)
    sp_types = np.repeat(np.arange(m), np.minimum(np.maximum(spare, 0), n))
    rows = np.concatenate([types, sp_types])
    gain = sm[None, :] * inst.p[rows]
    r, c = _max_matching(gain, donors)
    new = sm.copy()
    new[c] *= q[rows[r], c]
    if new.sum() < s.sum() * (1 - 1e-13):
        x[types, donors] -= 1
        np.add.at(x, (rows[r], c), 1)
        s[:] = new
        return True
    return False


def _batch_moves(inst: WTAInstance, x: np.ndarray, s: np.ndarray, q: np.ndarray, tol: float) -> int:
    """Apply improving single-unit moves on disjoint targets at once, in place; the number applied.

    Move ``(i: j -> k)``: one unit of type ``i`` leaves target ``j`` for ``k`` (or a spare unit of
    type ``i`` goes to ``k``), objective change ``S_j (1/q_ij - 1) - S_k p_ik``.  For every
    assigned (type, target) pair the best destination is found from the two largest ``S_k p_ik``
    of its type; the improving moves are applied best first while they touch targets no earlier
    move of the batch touched, so each change is exactly the one evaluated."""
    m, n = x.shape
    if n < 2:
        return 0
    p = inst.p
    gain = s[None, :] * p  # objective drop when one more unit of type i hits k
    rows = np.arange(m)
    top2 = np.argpartition(-gain, 1, axis=1)[:, :2]
    g0, g1 = gain[rows, top2[:, 0]], gain[rows, top2[:, 1]]
    sw = g1 > g0
    first = np.where(sw, top2[:, 1], top2[:, 0])
    second = np.where(sw, top2[:, 0], top2[:, 1])
    best, runner = np.maximum(g0, g1), np.minimum(g0, g1)
    ii, jj = np.nonzero(x)
    same = first[ii] == jj
    kk = np.where(same, second[ii], first[ii])
    d = s[jj] * (1.0 / q[ii, jj] - 1.0) - np.where(same, runner[ii], best[ii])
    spare = np.flatnonzero(inst.units - x.sum(axis=1) > 0)
    ci = np.concatenate([ii, spare])
    cj = np.concatenate([jj, np.full(len(spare), -1)])
    ck = np.concatenate([kk, first[spare]])
    cd = np.concatenate([d, -best[spare]])
    good = np.flatnonzero(cd < -tol)
    if len(good) == 0:
        return 0
    good = good[np.argsort(cd[good], kind="stable")]
    touched = np.zeros(n, dtype=bool)
    applied = 0
    for a in good.tolist():
        i, j, k = int(ci[a]), int(cj[a]), int(ck[a])
        if touched[k] or (j >= 0 and touched[j]):
            continue
        if j >= 0:
            x[i, j] -= 1
            s[j] /= q[i, j]
            touched[j] = True
        x[i, k] += 1
        s[k] *= q[i, k]
        touched[k] = True
        applied += 1
        if j < 0:
            break  # the spare counts changed: re-evaluate
    return applied


SWAP_UNITS = 1200
"""Assigned (type, target) pairs up to which the descent also evaluates every swap (a U x U matrix)."""


def _batch_swaps(inst: WTAInstance, x: np.ndarray, s: np.ndarray, q: np.ndarray, tol: float) -> int:
    """Apply improving swaps on disjoint targets at once, in place; the number applied.

    Swap: a unit of type ``a`` on target ``j`` and one of type ``b`` on ``k`` exchange targets,
    objective change ``S_j (q_bj / q_aj - 1) + S_k (q_ak / q_bk - 1)``, evaluated for every pair
    of assigned (type, target) pairs at once."""
    ii, jj = np.nonzero(x)
    u = len(ii)
    if u < 2 or u > SWAP_UNITS:
        return 0
    sa = s[jj]
    # [a, b]: change at a's target when b's unit replaces a's there; pairs of one type or one target
    # never improve (the change is 0, or S_j (r + 1/r - 2) >= 0), so no pair needs masking
    half = (q[ii][:, jj].T * (sa / q[ii, jj])[:, None]) - sa[:, None]
    d = half + half.T
    good = np.flatnonzero(d < -tol)
    good = good[good // u < good % u]  # each unordered pair once
    if len(good) == 0:
        return 0
    good = good[np.argsort(d.flat[good], kind="stable")]
    touched = np.zeros(x.shape[1], dtype=bool)
    applied = 0
    for f in good.tolist():
        a, b = divmod(f, u)
        ja, jb = int(jj[a]), int(jj[b])
        if touched[ja] or touched[jb]:
            continue
        ia, ib = int(ii[a]), int(ii[b])
        x[ia, ja] -= 1
        x[ib, jb] -= 1
        x[ia, jb] += 1
        x[ib, ja] += 1
        s[ja] = s[ja] / q[ia, ja] * q[ib, ja]
        s[jb] = s[jb] / q[ib, jb] * q[ia, jb]
        touched[ja] = touched[jb] = True
        applied += 1
    return applied


ACCEPT = 0.0
"""A chain walks on from a perturbed solution up to this share worse than its current one."""
MODES = 3
"""Donor sets the descent's matchings cycle through: all targets, stacked targets, a random half."""


def vlsn_descent(inst: WTAInstance, x: np.ndarray, rng: np.random.Generator, *, deadline: float | None = None, patience: int = 2) -> np.ndarray:
    """Descent to a local optimum of three neighbourhoods.

    1. :func:`vlsn_step`, alternating donors (all targets / targets with two or more units),
       until ``patience`` matching steps in a row bring no improvement;
    2. then moves of one unit (and spare units placed), applied in batches (:func:`_batch_moves`),
       or else swaps of two units of different types (:func:`_batch_swaps`); after any of
       these the matchings start again.  It stops when neither 1 nor 2 improves."""
    q = np.clip(1.0 - inst.p, _TINY, 1.0)
    logq = np.log(q)
    x = x.copy()
    s = _survival(inst, x, logq)
    n = x.shape[1]
    tol = 1e-12 * max(1.0, float(inst.values.sum()))
    fail = it = 0
    while deadline is None or time.perf_counter() < deadline:
        it += 1
        if it % 50 == 0:
            s = _survival(inst, x, logq)  # guard against drift of the running products
        mode = it % MODES
        if mode == 1:
            donors = np.arange(n)
        elif mode == 2:
            donors = np.flatnonzero(x.sum(axis=0) >= 2)
        else:  # a random half of the targets: units may leave a target for good, or stack on another
            donors = np.flatnonzero(rng.random(n) < 0.5)
        if len(donors) and vlsn_step(inst, x, s, q, donors, rng):
            fail = 0
            continue
        fail += 1
        if fail < patience:
            continue
        if _batch_moves(inst, x, s, q, tol) or _batch_swaps(inst, x, s, q, tol):
            fail = 0  # moved by a move or a swap: the matchings get another chance
            continue
        break
    return x


CHAINS = 8
"""Independent chains of the iterated local search (restarts with seeds derived from ``seed``)."""
CHAIN_ROUNDS = 10
"""Fewest perturbation rounds per chain: a smaller budget runs fewer chains."""


def _ils_chain(inst: WTAInstance, rng: np.random.Generator, rounds: int, max_stall: int, shares: tuple, deadline: float, both: bool) -> tuple[np.ndarray, float, int]:
    """One chain of the iterated local search: construction, descent, then ``rounds`` perturbations
    (or ``max_stall`` in a row without improvement); returns (assignment, objective, rounds run)."""
    best, obj = None, np.inf
    for build in (assignment_rounds, greedy_mmr) if both else (assignment_rounds,):
        x = vlsn_descent(inst, build(inst), rng, deadline=deadline, patience=4)
        o = objective(inst, x)
        if o < obj:
            best, obj = x, o
    x, cur = best, obj
    stall = it = 0
    while it < rounds and stall < max_stall and time.perf_counter() < deadline:
        it += 1
        y = ruin_recreate(inst, x, rng, float(shares[it % len(shares)]))
        y = vlsn_descent(inst, y, rng, deadline=deadline, patience=2)
        o = objective(inst, y)
        if o < obj * (1 - 1e-12):
            best, obj, stall = y, o, 0
        else:
            stall += 1
        if o < cur * (1 + ACCEPT):  # the walk may step to a slightly worse solution
            x, cur = y, o
    return best, obj, it


def solve_heuristic(inst: WTAInstance, *, rounds: int | None = None, max_stall: int = 200, ruin: float | tuple[float, ...] = (0.05, 0.1, 0.2, 0.3),
                    seed: int = 0, time_limit: float | None = None, restarts: int | None = None) -> WTASolution:
    """Iterated very-large-scale-neighbourhood search (VLSN; Ahuja et al. 2007), in independent chains.

    The ``rounds`` perturbations (default :func:`default_rounds`) are shared among up to
    :data:`CHAINS` independent chains, each with its own generator seeded from ``seed``
    (``SeedSequence.spawn``); the best chain's answer is returned.  The first chain takes at least
    ``2 CHAIN_ROUNDS`` rounds and what the others leave, the others :data:`CHAIN_ROUNDS` each
    (``restarts``: that many chains with equal shares).  Some anchors need one long chain (100x200x2 leaves its 0.555 % basin after
    about 30 rounds), others several short ones (on 150x300x3, ten rounds end anywhere between
    0.27 % and 1.5 % above the best known value depending on the chain, and sixty rounds of one
    chain are no better than thirty).  Each chain:

    1. Construction: round-wise assignment (:func:`assignment_rounds`); in the first chain on small
       instances (``m n <= SMALL``) also maximum-marginal-return greedy, keeping the better.
    2. Descent: :func:`vlsn_descent` (matching-based cyclic and path exchanges, then batched moves
       and swaps).
    3. Iterated local search (Lourenco, Martin and Stuetzle 2003): ruin and recreate
       (:func:`ruin_recreate`, a share ``ruin`` of the targets, cycling through the shares when
       several are given: small ruins refine, large ones leave a basin), descent, keep if better;
       stops after its rounds or ``max_stall`` in a row without improvement.

    Every stop is a count of work, so a fixed ``seed`` gives the same answer on an idle and on a
    loaded machine.  ``time_limit`` [s] (default :data:`SAFETY_TIME_S`) is only a safety net:
    when it fires the status is ``time_limit`` and ``time_limit_hit`` is set.
    """
    t0 = time.perf_counter()
    deadline = t0 + (SAFETY_TIME_S if time_limit is None else time_limit)
    rounds = default_rounds(inst) if rounds is None else int(rounds)
    others = min(CHAINS - 1, max(0, rounds - 2 * CHAIN_ROUNDS) // CHAIN_ROUNDS) if restarts is None else max(0, int(restarts) - 1)
    budgets = [rounds - others * CHAIN_ROUNDS] + [CHAIN_ROUNDS] * others if restarts is None else [rounds // (others + 1) + (c < rounds % (others + 1)) for c in range(others + 1)]
    shares = (ruin,) if np.isscalar(ruin) else tuple(ruin)
    best, obj, it = None, np.inf, 0
    for c, child in enumerate(np.random.SeedSequence(seed).spawn(len(budgets))):
        rng = np.random.default_rng(child)  # a seed derived from ``seed`` for each chain
        budget = budgets[c]
        x, o, done = _ils_chain(inst, rng, budget, max_stall, shares, deadline, both=False)
        it += done
        if o < obj * (1 - 1e-12):
            best, obj = x, o
    x = best
    hit = time.perf_counter() >= deadline
    return WTASolution(x=x, objective=obj, lower_bound=0.0, status=Status.TIME_LIMIT if hit else Status.FEASIBLE,
                       method="heuristic (iterated VLSN)", runtime_s=time.perf_counter() - t0, iterations=it, time_limit_hit=hit)


# ---------------------------------------------------------------------------------------------
# exact: outer approximation on HiGHS
# ---------------------------------------------------------------------------------------------


def _tangent(v: float, t: float) -> tuple[float, float]:
    """Tangent of ``V e^{-s}`` at ``s = t``: ``z >= c0 - c1 s`` with ``(c0, c1)``."""
    e = v * np.exp(-t)
    return e * (1.0 + t), e


def solve_exact(inst: WTAInstance, *, time_limit: float = 600.0, rel_tol: float = 1e-9, max_rounds: int = 200) -> WTASolution:
    """Exact WTA by outer approximation (cutting planes) on the HiGHS MILP solver.

    Variables ``x_ij`` (integer, ``0..u_i``) and ``z_j >= 0``; minimise ``sum_j z_j`` subject to

    * ``sum_j x_ij <= u_i``                                 (define_units)
    * ``z_j + V_j e^{-t} sum_i a_ij x_ij >= V_j e^{-t}(1 + t)`` for tangent points ``t`` (define_tangents)

    Initial tangents at ``t = 0``, at every single-unit value ``a_ij``, and at the greedy/local-search
    incumbent.  After each MILP solve tangents are added at the solution's ``s_j`` wherever
    ``z_j`` under-estimates ``V_j e^{-s_j}``; the loop ends when ``(UB - LB)/UB <= rel_tol`` with
    ``LB`` the MILP bound (valid, since tangents under-estimate a convex function) and ``UB`` the
    best true objective seen.  Returns status ``optimal``, ``work_limit`` (``max_rounds`` cutting
    rounds) or ``time_limit`` (the ``time_limit`` [s] safety net fired).
    """
    import highspy

    t0 = time.perf_counter()
    m, n = inst.shape
    v = inst.values.astype(float)
    q = np.clip(1.0 - inst.p, _TINY, 1.0)
    a = -np.log(q)
    inc = solve_heuristic(inst)
    best_x, ub = inc.x, inc.objective

    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", rel_tol / 10)
    h.setOptionValue("mip_abs_gap", 0.0)
    inf = highspy.kHighsInf
    nx = m * n
    # columns: x (m*n, row-major), then z (n)
    ub_x = np.repeat(inst.units.astype(float), n)
    h.addVars(nx + n, np.zeros(nx + n), np.concatenate([ub_x, np.full(n, inf)]))
    h.changeColsCost(nx + n, np.arange(nx + n, dtype=np.int32), np.concatenate([np.zeros(nx), np.ones(n)]))
    h.changeColsIntegrality(nx, np.arange(nx, dtype=np.int32), np.full(nx, highspy.HighsVarType.kInteger))

    def define_units() -> None:
        starts = np.arange(0, m * n, n, dtype=np.int32)
        idx = np.arange(nx, dtype=np.int32)
        h.addRows(m, np.full(m, -inf), inst.units.astype(float), nx, starts, idx, np.ones(nx))

    def define_tangents(targets: np.ndarray, points: np.ndarray) -> None:
        """``z_j + c1 sum_i a_ij x_ij >= c0`` for each (target, point) pair."""
        k = len(targets)
        if k == 0:
            return
        lo = np.empty(k)
        starts = np.empty(k, dtype=np.int32)
        idx_parts, val_parts = [], []
        pos = 0
        for r, (j, t) in enumerate(zip(targets, points, strict=True)):
            c0, c1 = _tangent(v[j], t)
            lo[r] = c0
            starts[r] = pos
            nzi = np.nonzero(a[:, j] > 0)[0]
            idx_parts.append(np.concatenate([nzi * n + j, [nx + j]]).astype(np.int32))
            val_parts.append(np.concatenate([c1 * a[nzi, j], [1.0]]))
            pos += len(nzi) + 1
        h.addRows(k, lo, np.full(k, inf), pos, starts, np.concatenate(idx_parts), np.concatenate(val_parts))

    define_units()
    jj = np.repeat(np.arange(n)[None, :], m, axis=0).ravel()
    define_tangents(np.arange(n), np.zeros(n))
    define_tangents(jj, a.ravel())
    s_inc = (a * best_x).sum(axis=0)
    define_tangents(np.arange(n), s_inc)

    lb, rounds, status, hit = 0.0, 0, Status.WORK_LIMIT, False
    history = []
    while rounds < max_rounds:
        rounds += 1
        remaining = time_limit - (time.perf_counter() - t0)
        if remaining <= 0:
            status, hit = Status.TIME_LIMIT, True
            break
        h.setOptionValue("time_limit", float(remaining))
        sol = np.concatenate([best_x.ravel().astype(float), v * np.exp(-(a * best_x).sum(axis=0))])
        hs = highspy.HighsSolution()
        hs.col_value = list(sol)
        h.setSolution(hs)
        h.run()
        res = result_from_highs(h, n_cols=nx + n, integrality=np.r_[np.ones(nx), np.zeros(n)])
        if res.dual_bound is not None:
            lb = max(lb, float(res.dual_bound))
        if res.status != Status.OPTIMAL or res.x is None:
            status, hit = (res.status, res.time_limit_hit) if res.status != Status.OPTIMAL else (Status.ERROR, False)
            break
        col = res.x
        x = np.rint(col[:nx]).reshape(m, n).astype(np.int64)
        z = col[nx:]
        s = (a * x).sum(axis=0)
        true = v * np.exp(-s)
        obj = float(true.sum())
        if obj < ub:
            ub, best_x = obj, x
        history.append((rounds, lb, ub))
        if ub - lb <= rel_tol * max(ub, 1e-12):
            status = Status.OPTIMAL
            break
        viol = np.nonzero(true - z > rel_tol * max(ub, 1e-12) / n)[0]
        if len(viol) == 0:
            status = Status.OPTIMAL
            break
        define_tangents(viol, s[viol])
    return WTASolution(x=best_x, objective=ub, lower_bound=min(lb, ub), status=status, method="exact (outer approximation, HiGHS)", runtime_s=time.perf_counter() - t0, iterations=rounds, history=history, time_limit_hit=hit)


def solve(inst: WTAInstance, method: str = "heuristic", time_limit: float | None = None) -> WTASolution:
    """Dispatch: ``exact`` (outer approximation) or ``heuristic`` (iterated VLSN); ``time_limit`` is a safety net."""
    if method == "exact":
        return solve_exact(inst, time_limit=600.0 if time_limit is None else time_limit)
    if method == "heuristic":
        return solve_heuristic(inst, time_limit=time_limit)
    raise ValueError(f"unknown WTA method {method!r}")
