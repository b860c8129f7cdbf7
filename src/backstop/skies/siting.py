"""Battery siting: weighted maximal covering with probabilistic, layered coverage.

A site ``i`` of value ``v_i`` covered by ``k`` batteries (each intercepting an arriving threat with
probability ``P``) is protected with probability ``1 - (1-P)^k`` (independent layers; Daskin 1983
expected covering, ReVelle and Hogan 1989 maximum-availability location).  With ``e_i`` layers
already in place, the ``k``-th new layer adds ``v_i (1-P)^{e_i + k - 1} P`` — a decreasing sequence,
so the concave objective is linearised exactly by binary layer variables ``y_ik``::

    maximise   sum_i sum_{k=1..K} v_i P (1-P)^(e_i+k-1) y_ik
    subject to sum_k y_ik <= sum_{j in N_i} x_j          (define_layers)
               y_ik <= y_i(k-1)                            (implied by the decreasing weights)
               sum_j x_j <= n                             (define_budget)
               x_j in {0, 1},  0 <= y_ik <= 1

Solved exactly on HiGHS (``scipy.optimize.milp``); a greedy + interchange heuristic gives a
solution for large cases, with its gap against the LP bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from backstop.geo import haversine_km
from backstop.solve import MILP, Status, solve_scipy


@dataclass(frozen=True)
class SitingResult:
    """Chosen candidate indices, protected value, a bound and the gap."""

    chosen: np.ndarray
    protected_value: float
    upper_bound: float
    status: str
    method: str
    runtime_s: float

    @property
    def gap(self) -> float:
        return 0.0 if self.upper_bound <= 0 else max(0.0, (self.upper_bound - self.protected_value) / self.upper_bound)


def coverage_km(demand_lat, demand_lon, cand_lat, cand_lon, radius_km: float) -> sp.csr_matrix:
    """``A[i, j] = 1`` iff candidate ``j`` lies within ``radius_km`` of demand ``i`` (great circle)."""
    d = haversine_km(np.asarray(demand_lon)[:, None], np.asarray(demand_lat)[:, None], np.asarray(cand_lon)[None, :], np.asarray(cand_lat)[None, :])
    return sp.csr_matrix((d <= radius_km).astype(float))


def protected_value(a: sp.csr_matrix, value: np.ndarray, chosen, pk: float, existing: np.ndarray | None = None) -> float:
    """``sum_i v_i (1 - (1-P)^(e_i + k_i))`` minus the existing protection: the value added."""
    e = np.zeros(a.shape[0]) if existing is None else np.asarray(existing, float)
    k = np.asarray(a[:, np.asarray(chosen, dtype=int)].sum(axis=1)).ravel()
    q = 1.0 - pk
    return float(np.sum(value * (q**e - q ** (e + k))))


def define_layers(a: sp.csr_matrix, K: int):
    """``sum_k y_ik - sum_j a_ij x_j <= 0``: no more layers at a site than batteries covering it."""
    from scipy.optimize import LinearConstraint

    m = a.shape[0]
    ysum = sp.hstack([sp.identity(m, format="csr")] * K, format="csr")
    return LinearConstraint(sp.hstack([-a, ysum], format="csr"), -np.inf, 0.0)


def define_budget(n_cand: int, n_layer_vars: int, n: int):
    """``sum_j x_j <= n``: at most ``n`` batteries placed."""
    from scipy.optimize import LinearConstraint

    return LinearConstraint(sp.csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_layer_vars)])[None, :]), 0, n)


def solve_exact(a: sp.csr_matrix, value: np.ndarray, n: int, pk: float, *, existing=None, max_layers: int = 3, time_limit: float = 60.0, lp: bool = False) -> SitingResult:
    """Exact layered siting on HiGHS (see the module docstring for the model)."""
    t0 = time.perf_counter()
    m, c = a.shape
    e = np.zeros(m) if existing is None else np.asarray(existing, float)
    q = 1.0 - pk
    K = max(1, min(max_layers, n))
    w = np.concatenate([value * pk * q ** (e + k) for k in range(K)])  # (K*m,), layer-major
    cost = np.concatenate([np.zeros(c), -w])
    layers, budget = define_layers(a, K), define_budget(c, K * m, n)
    model = MILP(cost, sp.vstack([layers.A, budget.A], format="csr"), np.r_[np.broadcast_to(layers.lb, (m,)), budget.lb],
                 np.r_[np.broadcast_to(layers.ub, (m,)), budget.ub], np.zeros(c + K * m), np.ones(c + K * m),
                 np.r_[np.ones(c), np.zeros(K * m)].astype(np.uint8))
    res = solve_scipy(model, mip_rel_gap=1e-9, safety_time_s=time_limit, relax=lp)
    if res.x is None:
        return SitingResult(np.array([], int), 0.0, float(value.sum()), res.status, "exact", time.perf_counter() - t0)
    if lp:
        return SitingResult(np.array([], int), -float(res.objective), -float(res.objective), res.status, "LP relaxation", time.perf_counter() - t0)
    chosen = np.nonzero(res.x[:c] > 0.5)[0]
    val = protected_value(a, value, chosen, pk, e)
    bound = -float(res.dual_bound) if res.dual_bound is not None else float(value.sum())
    return SitingResult(chosen, val, max(val, bound), res.status, "MILP (HiGHS)", time.perf_counter() - t0)


def solve_greedy(a: sp.csr_matrix, value: np.ndarray, n: int, pk: float, *, existing=None, rounds: int = 50) -> SitingResult:
    """Greedy adding then pairwise interchange; gap against the LP-relaxation bound."""
    t0 = time.perf_counter()
    m, c = a.shape
    e = np.zeros(m) if existing is None else np.asarray(existing, float)
    ac = a.tocsc()
    chosen: list[int] = []
    for _ in range(min(n, c)):
        k = np.asarray(a[:, chosen].sum(axis=1)).ravel() if chosen else np.zeros(m)
        marg = value * pk * (1 - pk) ** (e + k)
        gain = ac.T @ marg
        gain[chosen] = -1
        chosen.append(int(np.argmax(gain)))
    best = protected_value(a, value, chosen, pk, e)
    for _ in range(rounds):
        improved = False
        for pos in range(len(chosen)):
            rest = chosen[:pos] + chosen[pos + 1:]
            k = np.asarray(a[:, rest].sum(axis=1)).ravel() if rest else np.zeros(m)
            gain = ac.T @ (value * pk * (1 - pk) ** (e + k))
            gain[rest] = -1
            j = int(np.argmax(gain))
            cand = rest[:pos] + [j] + rest[pos:]
            v = protected_value(a, value, cand, pk, e)
            if v > best + 1e-9 * max(1.0, best):
                chosen, best, improved = cand, v, True
        if not improved:
            break
    lpb = solve_exact(a, value, n, pk, existing=e, lp=True).upper_bound
    return SitingResult(np.asarray(sorted(chosen)), best, max(best, lpb), Status.FEASIBLE, "greedy + interchange", time.perf_counter() - t0)
