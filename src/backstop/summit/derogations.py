"""The smallest set of states whose overflight derogations make a flight possible.

Problem
-------
Given the visibility graph of :mod:`backstop.summit.routing`, where every edge records the set
of states whose airspace it crosses, find a set ``S`` of *waivable* closed states of minimum
cardinality such that a route exists when the states of ``S`` grant derogations; among sets of
that size, the one with the shortest route.  This is the minimum-colour (minimum-label) path
problem, NP-hard in general (Yuan, Varadarajan, Hu and Yeung 2005; Hassin, Monnot and Segev
2007), but tiny here: a leader needs derogations from one to three states, and only states near
the origin-venue corridor can matter.

Method
------
Exact enumeration of subsets in increasing size, each subset answered by one shortest-path
query (:meth:`Router.route` on the edges whose blockers avoid the still-forbidden states):

* **mandatory states**: a waivable state containing the origin or the venue belongs to every
  set; before sets of two or more extra states are tried, a state ``s`` such that no route
  exists with every *other* candidate allowed is also made mandatory (monotonicity: allowing
  more states never removes a route); if no route exists with every candidate allowed, none is
  sought further;
* **corridor**: candidates are the waivable states with an obstacle vertex inside the geodesic
  ellipse ``d(o, x) + d(x, t) <= L_max`` with ``L_max = direct + max(direct, DETOUR_CAP_KM)``;
  a route no longer than ``L_max`` stays inside the ellipse, so no other state can be entered
  by it (routes longer than that are not sought: a stated cap);
* subsets of size ``k`` are tried only when no set of size ``k - 1`` worked; every subset of
  the first successful size is tried, and the shortest route wins (ties by state codes);
* caps: ``max_size`` states and ``max_routes`` route queries (a deterministic work limit: the
  same answer on an idle and on a busy machine); ``time_s`` seconds is only a safety net.  When a
  cap is hit the answer says so (``capped``; ``time_limit_hit`` when the safety net fired) and
  gives the best set found, if any.

Shortest-path trees are cached by the router per (origin, forbidden subset), so the queries of
one origin are shared by all its venues; answers are cached per (origin, venue, forbidden, hard,
caps); an answer cut short by the time cap is reused only by calls with no larger time budget.

References
----------
S. Yuan, S. Varadarajan, K. Hu and C. Yeung, "Minimum-color path problems for reliability in mesh
networks", IEEE INFOCOM 2005.
R. Hassin, J. Monnot and D. Segev, "Approximation algorithms and hardness results for labeled
connectivity problems", Journal of Combinatorial Optimization 14, 2007.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from backstop.geo import geodesic_km
from backstop.summit.routing import Route, Router

DETOUR_CAP_KM = 4000.0
"""Smallest allowance [km] over the direct distance for routes considered by the search."""
MAX_SIZE = 3
"""Largest set of derogations searched."""
MAX_ROUTES = 2000
"""Route queries of one search (a deterministic work limit)."""
TIME_S = 60.0
"""Wall-clock safety net [s] of one search (reported as ``time_limit_hit`` when it fires)."""


@dataclass(frozen=True)
class MinimalDerogations:
    """The smallest set of states whose derogations open a route, and that route."""

    states: tuple[str, ...]
    route: Route | None
    capped: bool = False
    """True when the size or time cap stopped the search (the set may then not be minimal, or be missing)."""
    candidates: tuple[str, ...] = ()
    """The waivable states searched (those near the corridor)."""
    time_limit_hit: bool = False
    """The wall-clock safety net stopped the search (the answer may differ from run to run)."""

    def to_json(self) -> dict:
        r = self.route
        return {
            "states": list(self.states) if r is not None else None,
            "distance_km": None if r is None else round(r.distance_km, 1),
            "detour_km": None if r is None else round(r.detour_km, 1),
            "capped": self.capped,
            "time_limit_hit": self.time_limit_hit,
        }


_CACHE: dict = {}
"""key -> (answer, time budget [s] it was found with)."""


def corridor_states(router: Router, origin, dest, states, cap_km: float = DETOUR_CAP_KM) -> list[str]:
    """States of ``states`` with an obstacle vertex inside the ellipse of routes up to ``direct + max(direct, cap_km)``."""
    obs = router.obs
    direct = float(geodesic_km(origin[0], origin[1], np.array([dest[0]]), np.array([dest[1]]))[0])
    limit = direct + max(direct, cap_km)
    idx = {s: k for k, s in enumerate(obs.states)}
    want = np.zeros(len(obs.states), bool)
    for s in states:
        if s in idx:
            want[idx[s]] = True
    n0 = len(obs.ex0) // 3  # edges are replicated at -360, 0, +360: the first third is the original
    x, y, st = obs.ex0[:n0], obs.ey0[:n0], obs.estate[:n0]
    sel = want[st]
    x, y, st = x[sel], y[sel], st[sel]
    if len(x) == 0:
        return []
    d = geodesic_km(origin[0], origin[1], x, y) + geodesic_km(dest[0], dest[1], x, y)
    return sorted({obs.states[k] for k in np.unique(st[d <= limit])})


def minimal_derogations(router: Router, origin, dest, forbidden, hard, *, mandatory=(), max_size: int = MAX_SIZE,
                        time_s: float = TIME_S, cap_km: float = DETOUR_CAP_KM, max_routes: int = MAX_ROUTES) -> MinimalDerogations:
    """Minimum-cardinality set of waivable states (``forbidden - hard``) whose derogations open a route.

    Parameters
    ----------
    router : Router
        Router whose master set contains ``forbidden``.
    origin, dest : (lon, lat)
        End points [deg].
    forbidden : set of str
        States closed to the flight (before any derogation).
    hard : set of str
        Closures no derogation lifts (a subset of ``forbidden``).
    mandatory : iterable of str
        States that must be in every set (e.g. waivable states containing an end point).
    max_size, max_routes, time_s, cap_km
        Caps on the set size, the route queries, the search time (safety net) and the detour
        allowance (see the module notes).

    Returns
    -------
    MinimalDerogations
        ``states`` sorted, and the shortest route with exactly those states allowed; ``route`` is
        None when no set within the caps opens a route.  Sets of equal size are ranked by route
        length.
    """
    forbidden, hard = frozenset(forbidden), frozenset(hard) & frozenset(forbidden)
    key = (router.obs.states, router.obs.n, tuple(origin), tuple(dest), forbidden, hard, frozenset(mandatory), max_size, cap_km, max_routes)
    hit = _CACHE.get(key)
    if hit is not None and (not hit[0].time_limit_hit or hit[1] >= time_s):
        # an answer the time safety net cut short serves only calls with no larger time budget
        return hit[0]
    if len(_CACHE) > 100_000:
        _CACHE.clear()
    t0 = time.perf_counter()
    soft = forbidden - hard
    must = set(mandatory) & soft
    checked = False
    cands = [s for s in corridor_states(router, origin, dest, soft - must, cap_km) if s not in must]
    if router.route(origin, dest, forbidden - (set(cands) | must)) is None:
        res = MinimalDerogations((), None, False, tuple(cands))
        _CACHE[key] = (res, time_s)
        return res
    best: tuple[float, tuple[str, ...], Route] | None = None
    capped = timed_out = False
    queries = 0
    size = len(must)
    while best is None and not capped:
        if size > max_size:
            capped = True
            break
        k = size - len(must)
        if k >= 2 and not checked:
            # before pairs: states without which no route exists (every other candidate allowed) are mandatory
            allowed_all = set(cands) | must
            for s in list(cands):
                if router.route(origin, dest, forbidden - (allowed_all - {s})) is None:
                    must.add(s)
                    cands.remove(s)
            checked = True
            k = size - len(must)
        if 0 <= k <= len(cands):
            for combo in combinations(cands, k):
                if queries >= max_routes:
                    capped = True
                    break
                if time.perf_counter() - t0 > time_s:
                    capped = timed_out = True
                    break
                queries += 1
                allowed = must | set(combo)
                r = router.route(origin, dest, forbidden - allowed)
                if r is not None and (best is None or (r.distance_km, tuple(sorted(allowed))) < best[:2]):
                    best = (r.distance_km, tuple(sorted(allowed)), r)
        elif k > len(cands):
            break  # cannot happen when every candidate allowed opens a route
        size += 1
    res = MinimalDerogations(() if best is None else best[1], None if best is None else best[2], capped, tuple(cands), timed_out)
    _CACHE[key] = (res, time_s)
    return res
