"""Time-phased deployment: a time-expanded, route-based flow MILP on HiGHS.

Each unit ``u`` may leave home on any day ``t >= ready`` (its notice to move, plus the
cross-border permit delay on routes that cross a border) along one of its ``k`` fastest routes
``r`` (:func:`backstop.land.network.routes`), in any split over days (echelons: the fluid
approximation of trains and march units).  Day by day, the lift a route puts on an edge may not
exceed the edge's capacity.  A unit counts as *present* in its zone from the day its last
echelon arrives (closure).  The model maximises troop-days present over the horizon:

.. math::

    \\max \\sum_{u,d} w_u z_{ud} + \\epsilon \\sum_{u,d} w_u A_{ud}

    \\text{s.t.}\\; \\sum_{r \\in R_u, t} x_{rt} \\le 1, \\quad
    A_{ud} = A_{u,d-1} + \\sum_{r \\in R_u,\\, t + T_r = d} x_{rt}, \\quad z_{ud} \\le A_{ud},

    \\sum_{(r,t):\\, e \\in r,\\, t + o_{re} = \\tau} \\ell_{re}\\, x_{rt} \\le c_e \\quad \\forall e, \\tau,
    \\qquad x \\ge 0,\\; 0 \\le A \\le 1,\\; z \\in \\{0, 1\\}

with ``T_r`` the route's transit in whole days, ``o_re`` the day offset at which it enters edge
``e``, ``l_re`` the unit's lift on that edge (trains, vehicles, ship loads or sorties) and
``c_e`` the edge's capacity per day.  The LP relaxation (``z`` continuous) bounds the MILP and
gives the shadow price of each edge-day: the troop-days one more train, vehicle or sortie a day
would buy.  The formulation is a path-based variant of the time-expanded dynamic network flow
of Ford and Fulkerson (1958) and of the deployment models of the US Army's MARATHON and the
RAND Baltic studies (docs/land.md).  Waiting happens at home only; a unit does not halt at an
intermediate node (the discrete-event simulation in :mod:`backstop.land.simulation` lets
echelons queue at bottlenecks instead, and is the cross-check).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from backstop.land.network import Network, Route, RouteGraph, routes
from backstop.land.units import Unit
from backstop.solve import MILP, SolveResult, solve_highs

EPSILON = 1e-3
"""Weight of fractional arrival (moves echelons early even when a unit cannot close)."""


@dataclass(frozen=True)
class FlowProblem:
    """The deployment problem in plain arrays (what crosses the solver boundary).

    Attributes
    ----------
    horizon_days : int
        Days 0..H-1.
    unit_weight : ndarray (U,)
        Objective weight of one day present (personnel x priority).
    route_unit, route_ready, route_days : ndarray (R,)
        Owning unit, earliest departure day, transit in whole days.
    route_edges, route_entry, route_load : tuple of ndarray
        Per route: edge indices, entry day offsets, lift on each edge.
    edge_capacity : ndarray (E,)
        Lift per day.
    """

    horizon_days: int
    unit_weight: np.ndarray
    route_unit: np.ndarray
    route_ready: np.ndarray
    route_days: np.ndarray
    route_edges: tuple
    route_entry: tuple
    route_load: tuple
    edge_capacity: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.unit_weight)


@dataclass(frozen=True)
class Deployment:
    """The problem of a scenario's units on a network, with the routes behind it."""

    problem: FlowProblem
    units: tuple[Unit, ...]
    routes: tuple[tuple[Route, ...], ...]
    route_ids: tuple[tuple[int, int], ...]
    unrouted: tuple[str, ...]
    edge_modes: tuple[str, ...] = ()


def build_deployment(network: Network, units: list[Unit], *, horizon_days: int, k: int, permit_days: float, route_cache: dict | None = None) -> Deployment:
    """Routes for every unit and the :class:`FlowProblem` over them.

    ``route_cache`` maps (home, zone node, modes) to the routes of the network with no edge
    closed; a what-if on the same network with edges closed reuses a pair's routes when none of
    them uses a closed edge (Yen's k shortest paths are then unchanged) and recomputes them
    otherwise.
    """
    graphs: dict[frozenset, object] = {}
    base = route_cache if route_cache is not None else {}
    is_open = network.open_mask
    cache: dict[tuple, tuple[Route, ...]] = {}
    all_routes, route_ids, unrouted = [], [], []
    r_unit, r_ready, r_days, r_edges, r_entry, r_load = [], [], [], [], [], []
    modes = network.edges["mode"].to_numpy()
    cap = network.edges["capacity_per_day"].to_numpy(float)
    for ui, u in enumerate(units):
        key = frozenset(u.modes)
        if key not in graphs:
            graphs[key] = _LazyGraph(network, set(key))
        ck = (u.home, u.zone_node, key)
        if ck not in cache:
            cached = base.get((ck, k))
            if cached is not None and all(is_open[list(r.edges)].all() for r in cached):
                cache[ck] = cached
            else:
                cache[ck] = tuple(routes(network, u.home, u.zone_node, k, set(key), graph=graphs[key].get()))
                if is_open.all():
                    base[(ck, k)] = cache[ck]
        rs = cache[ck]
        if not rs:
            unrouted.append(u.id)
        all_routes.append(rs)
        for ri, r in enumerate(rs):
            ready = u.ready_day + (permit_days if r.crosses_border else 0.0)
            load = np.array([u.load(modes[e]) for e in r.edges], float)
            if np.any(load > 0) and np.any(cap[list(r.edges)] <= 0):
                continue
            route_ids.append((ui, ri))
            r_unit.append(ui)
            r_ready.append(int(math.ceil(ready - 1e-9)))
            r_days.append(r.days)
            r_edges.append(np.array(r.edges, int))
            r_entry.append(np.array(r.entry_days, int))
            r_load.append(load)
    weight = np.array([u.weight for u in units], float)
    problem = FlowProblem(horizon_days, weight, np.array(r_unit, int), np.array(r_ready, int), np.array(r_days, int), tuple(r_edges), tuple(r_entry), tuple(r_load), cap.copy())
    return Deployment(problem, tuple(units), tuple(all_routes), tuple(route_ids), tuple(unrouted), tuple(str(m) for m in modes))


class _LazyGraph:
    """The incidence graph of a mode set, built on first use (cached routes need none)."""

    def __init__(self, network: Network, modes: set[str]):
        self.network, self.modes, self._g = network, modes, None

    def get(self):
        if self._g is None:
            self._g = RouteGraph(self.network, self.modes)
        return self._g


# ---------------------------------------------------------------------------------------------
# the model, one constraint family per function
# ---------------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Column layout: x (route, departure day), then A (unit, day), then z (unit, day)."""

    x_route: np.ndarray
    x_day: np.ndarray
    n_units: int
    horizon: int

    @property
    def n_x(self) -> int:
        return len(self.x_route)

    def a(self, u, d):
        return self.n_x + np.asarray(u) * self.horizon + np.asarray(d)

    def z(self, u, d):
        return self.n_x + self.n_units * self.horizon + np.asarray(u) * self.horizon + np.asarray(d)

    @property
    def n(self) -> int:
        return self.n_x + 2 * self.n_units * self.horizon


def define_columns(p: FlowProblem) -> _Columns:
    """Departure columns x_rt for t in [ready_r, H - 1 - T_r] (arrive inside the horizon)."""
    routes_, days = [], []
    for r in range(len(p.route_unit)):
        last = p.horizon_days - 1 - int(p.route_days[r])
        first = int(p.route_ready[r])
        if last >= first:
            d = np.arange(first, last + 1)
            routes_.append(np.full(len(d), r))
            days.append(d)
    xr = np.concatenate(routes_) if routes_ else np.zeros(0, int)
    xd = np.concatenate(days) if days else np.zeros(0, int)
    return _Columns(xr, xd, p.n_units, p.horizon_days)


def define_one_move(p: FlowProblem, c: _Columns):
    """Each unit moves at most once in total:  sum_{r in R_u, t} x_rt <= 1."""
    rows = p.route_unit[c.x_route]
    A = sp.coo_array((np.ones(c.n_x), (rows, np.arange(c.n_x))), shape=(p.n_units, c.n))
    return A, np.full(p.n_units, -np.inf), np.ones(p.n_units)


def define_arrivals(p: FlowProblem, c: _Columns):
    """Cumulative arrival:  A_ud - A_u,d-1 - sum_{r in R_u, t + T_r = d} x_rt = 0."""
    U, H = p.n_units, p.horizon_days
    u = np.repeat(np.arange(U), H)
    d = np.tile(np.arange(H), U)
    row = u * H + d
    rr, cc, vv = [row], [c.a(u, d)], [np.ones(U * H)]
    prev = d > 0
    rr.append(row[prev])
    cc.append(c.a(u[prev], d[prev] - 1))
    vv.append(-np.ones(int(prev.sum())))
    arrive = c.x_day + p.route_days[c.x_route]
    rr.append(p.route_unit[c.x_route] * H + arrive)
    cc.append(np.arange(c.n_x))
    vv.append(-np.ones(c.n_x))
    A = sp.coo_array((np.concatenate(vv), (np.concatenate(rr), np.concatenate(cc))), shape=(U * H, c.n))
    return A, np.zeros(U * H), np.zeros(U * H)


def define_closure(p: FlowProblem, c: _Columns):
    """A unit is present only when all of it has arrived:  z_ud - A_ud <= 0."""
    U, H = p.n_units, p.horizon_days
    u = np.repeat(np.arange(U), H)
    d = np.tile(np.arange(H), U)
    row = np.arange(U * H)
    A = sp.coo_array((np.concatenate([np.ones(U * H), -np.ones(U * H)]), (np.concatenate([row, row]), np.concatenate([c.z(u, d), c.a(u, d)]))), shape=(U * H, c.n))
    return A, np.full(U * H, -np.inf), np.zeros(U * H)


def arrival_rate(p: FlowProblem) -> np.ndarray:
    """Per unit: the largest share of it that can arrive on one day, ``r_u = min(1, sum_r min_e c_e / l_re)``.

    Each route carries at most its bottleneck's capacity over the unit's lift on it a day, the
    routes together at most the sum (shared edges ignored, so ``r_u`` over-estimates the rate and
    everything derived from it stays valid)."""
    rate = np.zeros(p.n_units)
    for r in range(len(p.route_unit)):
        load = p.route_load[r]
        if len(load) and np.any(load > 0):
            pos = load > 0
            rr = float(np.min(p.edge_capacity[p.route_edges[r][pos]] / load[pos]))
        else:
            rr = np.inf
        rate[p.route_unit[r]] += rr
    return np.minimum(rate, 1.0)


def spread_days(rate: np.ndarray) -> np.ndarray:
    """``g_u``: how far before its closure day a unit's mean arrival day lies at least.

    A unit that arrives at most ``r`` of itself a day and closes on day ``C`` has its arrivals
    ``a_d`` latest, hence its mean arrival day ``M = sum_d d a_d`` largest, when it arrives ``r``
    a day on days ``C, C-1, ..`` and the rest before: ``C - M >= g = r m (m - 1) / 2 + (1 - m r) m``
    with ``m = floor(1 / r)`` (the nonpreemptive job's ``C >= M + p/2`` of the mean-busy-time
    relaxation of single-machine scheduling; Goemans, Queyranne, Schulz, Skutella and Wang 2002).
    """
    r = np.clip(np.asarray(rate, float), 1e-9, 1.0)
    m = np.floor(1.0 / r + 1e-9)
    rem = np.clip(1.0 - m * r, 0.0, None)
    return np.where(np.asarray(rate) > 0, r * m * (m - 1) / 2 + rem * m, 0.0)


def define_spread(p: FlowProblem, c: _Columns):
    """Closure comes ``g_u`` days after the mean arrival:  sum_d z_ud - sum_d A_ud + g_u z_u,H-1 <= 0.

    With full arrival by day ``C``, ``sum_d A_ud = H - M`` and ``sum_d z_ud = H - C``, so the row
    is ``C >= M + g_u``; a unit that never closes has ``z = 0``.  Valid for every integer plan, it
    cuts the LP's credit for a unit that trickles in (present in proportion to its arrived share)
    down to what a unit closing at that rate earns: the LP bound becomes tight (docs/land.md).
    """
    U, H = p.n_units, p.horizon_days
    g = np.minimum(spread_days(arrival_rate(p)), H)  # a unit that cannot close has z = 0 anyway
    u = np.repeat(np.arange(U), H)
    d = np.tile(np.arange(H), U)
    z_cols, a_cols = c.z(u, d), c.a(u, d)
    zval = np.ones(U * H)
    zval[d == H - 1] += g[u[d == H - 1]]
    A = sp.coo_array((np.concatenate([zval, -np.ones(U * H)]), (np.concatenate([u, u]), np.concatenate([z_cols, a_cols]))), shape=(U, c.n))
    return A, np.full(U, -np.inf), np.zeros(U)


def earliest_closure(p: FlowProblem, c: _Columns) -> np.ndarray:
    """Per unit: the first day it could be whole in its zone with every route's capacity to itself
    (``H`` when never): the share that can have arrived by day ``d`` is at most
    ``sum_r min(1, rate_r x (days it can have departed on route r by d - T_r))``."""
    U, H = p.n_units, p.horizon_days
    share = np.zeros((U, H))
    for r in range(len(p.route_unit)):
        load = p.route_load[r]
        pos = load > 0 if len(load) else np.zeros(0, bool)
        rr = float(np.min(p.edge_capacity[p.route_edges[r][pos]] / load[pos])) if pos.any() else 1.0
        first = int(p.route_ready[r]) + int(p.route_days[r])
        last_arrive = H - 1
        if first > last_arrive:
            continue
        n = np.arange(H) - first + 1
        share[p.route_unit[r]] += np.clip(n * rr, 0.0, 1.0)
    whole = share >= 1 - 1e-9
    return np.where(whole.any(axis=1), whole.argmax(axis=1), H)


def define_capacity(p: FlowProblem, c: _Columns):
    """Edge capacity per day:  sum_{(r,t): e in r, t + o_re = tau} l_re x_rt <= c_e.

    Returns the block and the (edge, day) of each row.
    """
    H = p.horizon_days
    n_edges = len(p.edge_capacity)
    rr, cc, vv = [], [], []
    lens = np.array([len(e) for e in p.route_edges], int)
    for j in range(c.n_x):
        r = c.x_route[j]
        if lens[r] == 0:
            continue
        t = c.x_day[j]
        rr.append(p.route_edges[r] * H + t + p.route_entry[r])
        cc.append(np.full(lens[r], j))
        vv.append(p.route_load[r])
    if not rr:
        return sp.coo_array((0, c.n)), np.zeros(0), np.zeros(0), np.zeros((0, 2), int)
    rows = np.concatenate(rr)
    vals = np.concatenate(vv)
    keep = vals > 0
    rows, cols, vals = rows[keep], np.concatenate(cc)[keep], vals[keep]
    used, inv = np.unique(rows, return_inverse=True)
    A = sp.coo_array((vals, (inv, cols)), shape=(len(used), c.n))
    edge_day = np.column_stack([used // H, used % H])
    cap = p.edge_capacity[edge_day[:, 0]] if n_edges else np.zeros(0)
    return A, np.full(len(used), -np.inf), cap.astype(float), edge_day


@dataclass(frozen=True)
class FlowResult:
    """Outcome of a deployment solve.

    Attributes
    ----------
    status : str
        Solver status (``optimal``, ``time_limit``, ...).
    relaxed : bool
        True for the LP relaxation.
    troop_days : float
        Objective: personnel-days present (priority-weighted), without the epsilon term.
    bound : float or None
        Proven upper bound on ``troop_days`` (MILP), or the LP value.
    gap : float or None
        Relative gap at termination.
    present : ndarray (U, H)
        1 where the unit is present (closed) on the day (fractional for the LP).
    arrived : ndarray (U, H)
        Share of the unit arrived by each day.
    edge_load : ndarray (E, H)
        Lift used on each edge each day.
    edge_dual : ndarray (E, H) or None
        LP shadow price of one more lift unit on an edge-day [weighted troop-days].
    departures : list of (unit, route, day, share)
    runtime_s : float
    shape : tuple
        (rows, columns, nonzeros) of the model.
    work : int
        Deterministic work done (simplex iterations plus branch-and-bound nodes).
    """

    status: str
    relaxed: bool
    troop_days: float
    bound: float | None
    gap: float | None
    present: np.ndarray
    arrived: np.ndarray
    edge_load: np.ndarray
    edge_dual: np.ndarray | None
    departures: list
    runtime_s: float
    shape: tuple
    work: int = 0

    def closure_day(self, u: int) -> int | None:
        """First day the unit is present (None when it never closes in the horizon)."""
        hit = np.flatnonzero(self.present[u] > 1 - 1e-6)
        return int(hit[0]) if len(hit) else None


NODE_LIMIT = 20_000
"""Branch-and-bound nodes after which the deployment MILP stops (deterministic work limit)."""


def solve_flow(p: FlowProblem, *, relax: bool = False, mip_rel_gap: float = 1e-4, time_limit_s: float = 60.0, node_limit: int | None = NODE_LIMIT, start: np.ndarray | None = None, strengthen: bool = True, options: dict | None = None) -> FlowResult:
    """Solve the deployment MILP (or its LP relaxation) with HiGHS.

    The search stops at proven optimality (``mip_rel_gap``) or after ``node_limit`` branch-and-bound
    nodes (a deterministic work limit: status ``work_limit``); ``time_limit_s`` is only a safety net
    (status ``time_limit``), so the same input gives the same plan on an idle or a busy machine.
    ``start`` is the first incumbent (default: :func:`greedy_schedule`; :func:`lp_guided_schedule`
    when the LP relaxation is at hand).  ``strengthen`` adds the valid rows of :func:`define_spread`
    and fixes ``z`` to 0 before :func:`earliest_closure` (False: the plain model, for tests).
    """
    c = define_columns(p)
    blocks = [define_one_move(p, c), define_arrivals(p, c), define_closure(p, c)]
    if strengthen:
        blocks.append(define_spread(p, c))
    A_cap, lo_cap, hi_cap, edge_day = define_capacity(p, c)
    blocks.append((A_cap, lo_cap, hi_cap))
    A = sp.vstack([b[0] for b in blocks], format="csr")
    row_lo = np.concatenate([b[1] for b in blocks])
    row_hi = np.concatenate([b[2] for b in blocks])
    U, H = p.n_units, p.horizon_days
    w_day = np.repeat(p.unit_weight, H)
    cost = np.concatenate([np.zeros(c.n_x), -EPSILON * w_day, -w_day])
    lb = np.zeros(c.n)
    ub = np.ones(c.n)
    ub[: c.n_x] = np.inf
    # nothing arrives before a unit's earliest possible arrival: fix A and z to 0 there
    earliest = np.full(U, H)
    if c.n_x:
        np.minimum.at(earliest, p.route_unit[c.x_route], c.x_day + p.route_days[c.x_route])
    before = np.arange(H)[None, :] < earliest[:, None]
    ub[c.n_x : c.n_x + U * H][before.ravel()] = 0.0
    if strengthen:  # nor is a unit whole before it could be with every route's capacity to itself
        ub[c.n_x + U * H :][(np.arange(H)[None, :] < earliest_closure(p, c)[:, None]).ravel()] = 0.0
    integrality = np.zeros(c.n, np.int8)
    integrality[c.n_x + U * H :] = 1
    model = MILP(cost, A, row_lo, row_hi, lb, ub, integrality)
    if not relax and start is None:
        start = greedy_schedule(p)
    if options is None:
        options = {"simplex_strategy": 4} if relax else None  # primal simplex: far faster on these LPs
    res: SolveResult = solve_highs(model, relax=relax, mip_rel_gap=mip_rel_gap, mip_abs_gap=1e-6, node_limit=None if relax else node_limit, safety_time_s=time_limit_s, start=start, options=options)
    E = len(p.edge_capacity)
    if res.x is None:
        empty = np.zeros((U, H))
        return FlowResult(res.status, relax, 0.0, None, None, empty, empty, np.zeros((E, H)), None, [], res.runtime_s, model.shape, res.work)
    x = res.x[: c.n_x]
    arrived = np.clip(res.x[c.n_x : c.n_x + U * H].reshape(U, H), 0, 1)
    present = np.clip(res.x[c.n_x + U * H :].reshape(U, H), 0, 1)
    load = np.zeros(E * H)
    if A_cap.shape[0]:
        load_rows = sp.csr_array(A_cap) @ res.x
        load[edge_day[:, 0] * H + edge_day[:, 1]] = load_rows
    dual = None
    if relax and res.row_dual is not None and A_cap.shape[0]:
        dual = np.zeros(E * H)
        dual[edge_day[:, 0] * H + edge_day[:, 1]] = -res.row_dual[-A_cap.shape[0] :]
        dual = dual.reshape(E, H)
    troop_days = float(p.unit_weight @ present.sum(axis=1))
    if relax:
        bound = troop_days
    else:
        # -dual_bound bounds troop-days + epsilon x arrivals >= troop-days: a valid upper bound
        bound = None if res.dual_bound is None else max(float(-res.dual_bound), troop_days)
    deps = [(int(p.route_unit[c.x_route[j]]), int(c.x_route[j]), int(c.x_day[j]), float(x[j])) for j in np.flatnonzero(x > 1e-7)]
    return FlowResult(res.status, relax, troop_days, bound, res.mip_gap, present, arrived, load.reshape(E, H), dual, deps, res.runtime_s, model.shape, res.work)


def _fill(p: FlowProblem, resid: np.ndarray, rs: list[int], close_by: int) -> list | None:
    """Departures that bring a whole unit in by day ``close_by`` over its routes ``rs`` (fastest
    first, each from its ready day on, as much as the residual capacity takes each day), or None.
    ``resid`` is updated in place only when the unit fits."""
    left, plan, H = 1.0, [], p.horizon_days
    scratch = resid.copy()
    for r in rs:
        edges, entry, load = p.route_edges[r], p.route_entry[r], p.route_load[r]
        for t in range(int(p.route_ready[r]), min(close_by - int(p.route_days[r]), H - 1 - int(p.route_days[r])) + 1):
            if len(edges):
                with np.errstate(divide="ignore", invalid="ignore"):
                    share = np.where(load > 0, scratch[edges, t + entry] / load, np.inf)
                f = min(left, float(share.min()))
            else:
                f = left
            if f > 1e-9:
                plan.append((r, t, f))
                left -= f
                if len(edges):
                    scratch[edges, t + entry] -= f * load
            if left <= 1e-9:
                resid[:] = scratch
                return plan
    return None


def greedy_schedule(p: FlowProblem, order: np.ndarray | None = None) -> np.ndarray:
    """A feasible departure plan by list scheduling: units in ``order`` (default: Smith's rule,
    weight over lift on the fastest route's bottleneck, highest first) each close as early as the
    residual capacity allows: the earliest day ``d`` (bisection) by which its routes, fastest
    first, each from its ready day on, carry all of it (:func:`_fill`).

    Returns the MILP column vector (x, A, z) of the plan, a starting incumbent for HiGHS and a
    heuristic in its own right (no waiting mid-route, so the plan is always representable).
    """
    c = define_columns(p)
    U, H = p.n_units, p.horizon_days
    resid = np.repeat(p.edge_capacity[:, None], H, axis=1).astype(float)
    col_of = {(int(r), int(t)): j for j, (r, t) in enumerate(zip(c.x_route, c.x_day, strict=True))}
    routes_of: dict[int, list[int]] = {}
    for r, u in enumerate(p.route_unit):
        routes_of.setdefault(int(u), []).append(r)
    for u in routes_of:
        routes_of[u].sort(key=lambda r: (p.route_days[r], p.route_ready[r], r))
    if order is None:
        key = []
        for u in range(U):
            rs = routes_of.get(u, [])
            if not rs:
                key.append(-np.inf)
                continue
            r = min(rs, key=lambda r: (p.route_ready[r] + p.route_days[r], r))
            rel = p.route_load[r] / np.maximum(p.edge_capacity[p.route_edges[r]], 1e-9) if len(p.route_edges[r]) else np.zeros(1)
            key.append(p.unit_weight[u] / max(float(rel.max(initial=0.0)), 1e-9))
        order = np.argsort(-np.asarray(key), kind="stable")
    x = np.zeros(c.n)
    for u in order:
        rs = routes_of.get(int(u), [])
        if not rs or _fill(p, resid.copy(), rs, H - 1) is None:
            continue
        lo = min(int(p.route_ready[r]) + int(p.route_days[r]) for r in rs)
        hi = H - 1
        while lo < hi:  # the earliest closing day that fits (more days never fit less)
            mid = (lo + hi) // 2
            if _fill(p, resid.copy(), rs, mid) is None:
                lo = mid + 1
            else:
                hi = mid
        for r, t, f in _fill(p, resid, rs, lo):
            x[col_of[(r, t)]] += f
    # arrivals and presence implied by the departures
    arrive = np.zeros((U, H))
    xs = x[: c.n_x]
    np.add.at(arrive, (p.route_unit[c.x_route], c.x_day + p.route_days[c.x_route]), xs)
    A = np.clip(np.cumsum(arrive, axis=1), 0, 1)
    z = (A >= 1 - 1e-7).astype(float)
    x[c.n_x : c.n_x + U * H] = np.where(z > 0, 1.0, A).ravel()
    x[c.n_x + U * H :] = z.ravel()
    return x


def plan_value(p: FlowProblem, x: np.ndarray) -> float:
    """Weighted personnel-days present of a column vector (x, A, z) from :func:`greedy_schedule`."""
    c = define_columns(p)
    U, H = p.n_units, p.horizon_days
    return float(p.unit_weight @ x[c.n_x + U * H :].reshape(U, H).sum(axis=1))


def lp_guided_schedule(p: FlowProblem, relaxed: FlowResult) -> np.ndarray:
    """List scheduling in the order of the LP relaxation: units by their LP days present (the LP's
    closure order), most first, then the better of that plan and the default (Smith's rule) one.  LP-ordered list scheduling is the classic rounding of time-indexed scheduling
    LPs (Hall, Schulz, Shmoys and Wein 1997); the LP value bounds both plans, so
    ``1 - plan / LP`` is a proven gap."""
    base = greedy_schedule(p)
    days = relaxed.present.sum(axis=1)
    guided = greedy_schedule(p, order=np.argsort(-days, kind="stable"))
    return guided if plan_value(p, guided) > plan_value(p, base) else base


def plan_result(p: FlowProblem, x: np.ndarray, relaxed: FlowResult) -> FlowResult:
    """A plan from :func:`greedy_schedule` or :func:`lp_guided_schedule` as a :class:`FlowResult`,
    with the LP relaxation's value as its proven bound: status ``feasible``, ``gap = 1 - plan / LP``.

    This is the deterministic answer when branch and bound is switched off (``node_limit=0``): list
    scheduling and the simplex are both deterministic, so the plan and its gap depend on the input only.
    """
    c = define_columns(p)
    U, H = p.n_units, p.horizon_days
    E = len(p.edge_capacity)
    arrived = np.clip(x[c.n_x : c.n_x + U * H].reshape(U, H), 0, 1)
    present = np.clip(x[c.n_x + U * H :].reshape(U, H), 0, 1)
    A_cap, _, _, edge_day = define_capacity(p, c)
    load = np.zeros(E * H)
    if A_cap.shape[0]:
        load[edge_day[:, 0] * H + edge_day[:, 1]] = sp.csr_array(A_cap) @ x
    xs = x[: c.n_x]
    deps = [(int(p.route_unit[c.x_route[j]]), int(c.x_route[j]), int(c.x_day[j]), float(xs[j])) for j in np.flatnonzero(xs > 1e-7)]
    value = float(p.unit_weight @ present.sum(axis=1))
    bound = max(float(relaxed.troop_days), value)
    gap = 0.0 if bound <= 0 else (bound - value) / bound
    return FlowResult("feasible", False, value, bound, gap, present, arrived, load.reshape(E, H), None, deps, 0.0, (A_cap.shape[0], c.n, 0), relaxed.work)


BB_MAX_UNIT_DAYS = 4_000
"""Units x horizon days above which :func:`solve_deployment` skips branch and bound (a rule on the
input's size, so deterministic): at 200 units x 60 days HiGHS's root node alone outlasts a 60 s
safety net on 2 loaded cores (measured 3 Dec 2026) and improves neither the LP-guided plan nor,
beyond 1.5 %, the bound (docs/benchmarks.md)."""


def solve_deployment(p: FlowProblem, *, mip_rel_gap: float = 1e-4, node_limit: int | None = NODE_LIMIT, time_limit_s: float = 60.0, max_unit_days: int = BB_MAX_UNIT_DAYS) -> tuple[FlowResult, FlowResult]:
    """The whole deterministic pipeline: the LP relaxation (primal simplex to optimality: the
    bound, the edge prices and the closure order), the LP-guided list schedule, then branch and
    bound from that plan up to ``node_limit`` nodes (a work limit), or none at all when
    ``node_limit`` is 0 or the problem has more than ``max_unit_days`` units x days (the plan
    itself, status ``feasible``, gap proven against the LP).

    Returns ``(relaxed, result)``; ``result.gap`` is always proven (against HiGHS's dual bound or
    the LP value).  ``time_limit_s`` is only the safety net of each solve (status ``time_limit``).
    """
    relaxed = solve_flow(p, relax=True, time_limit_s=time_limit_s)
    if relaxed.status != "optimal":
        return relaxed, solve_flow(p, mip_rel_gap=mip_rel_gap, time_limit_s=time_limit_s, node_limit=node_limit)
    start = lp_guided_schedule(p, relaxed)
    if node_limit == 0 or p.n_units * p.horizon_days > max_unit_days:
        return relaxed, plan_result(p, start, relaxed)
    return relaxed, solve_flow(p, mip_rel_gap=mip_rel_gap, time_limit_s=time_limit_s, node_limit=node_limit, start=start)
