"""Discrete-event simulation of the same deployment with SimPy: the cross-check of the flow model.

Each unit is split into echelons (trains, march units of 100 vehicles, ship loads, sorties:
:func:`echelons`).  On its departure day (notice to move, plus the permit delay on a route that
crosses a border) every echelon starts along the unit's fastest route.  At each edge an echelon
asks for the edge's capacity on the day it arrives there; when that day's capacity is used up it
queues at the node until the next day (first come, first served; units listed first go first on
a tie).  It then travels for the edge's transit time.  A unit is present from the whole day after
its last echelon arrives.

Unlike the flow model, the simulation is not optimised (no unit waits for another's benefit, and
each unit uses its fastest route only) and echelons may queue at an intermediate bottleneck.  On
a network where no capacity binds, or where the only binding one is the first edge a unit meets,
both give the same closure days; elsewhere the flow model's troop-days are at least the
simulation's when the simulation holds no echelon mid-route (see tests/land).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from backstop.land.flow import Deployment

GRANULE = {"trains": 1.0, "vehicles": 100.0, "ship_loads": 1.0, "sorties": 1.0}
"""Size of one echelon in each lift unit: a train, a march unit of 100 vehicles, a ship, a sortie."""


@dataclass(frozen=True)
class SimResult:
    """Outcome of a simulation run.

    Attributes
    ----------
    closure_day : list of int or None
        Per unit: first day present (None when it does not close in the horizon or has no route).
    present : ndarray (U, H)
        1 where the unit is present.
    troop_days : float
        Weighted troop-days present (the flow model's objective, without its epsilon term).
    edge_load : ndarray (E, H)
        Lift admitted on each edge each day.
    edge_wait_days : ndarray (E,)
        Echelon-days spent queueing before each edge.
    """

    closure_day: list
    present: np.ndarray
    troop_days: float
    edge_load: np.ndarray
    edge_wait_days: np.ndarray


def echelons(loads: np.ndarray, lifts: list[str], capacity: np.ndarray) -> int:
    """Number of equal echelons: whole trains, ships or sorties, 100-vehicle march units, and
    never more lift in one echelon than an edge carries in a day."""
    n = 1
    for load, lift, cap in zip(loads, lifts, capacity, strict=True):
        if load <= 0:
            continue
        n = max(n, math.ceil(load / GRANULE[lift] - 1e-9), math.ceil(load / cap - 1e-9) if cap > 0 else n)
    return int(n)


def simulate(dep: Deployment) -> SimResult:
    """Run the discrete-event simulation of ``dep`` (each unit on its fastest route)."""
    import simpy

    from backstop.land.network import LIFT_OF_MODE

    p = dep.problem
    H = p.horizon_days
    E = len(p.edge_capacity)
    env = simpy.Environment()
    used: dict[tuple[int, int], float] = defaultdict(float)
    wait = np.zeros(E)
    arrivals: dict[int, list[float]] = defaultdict(list)
    n_echelons: dict[int, int] = {}
    modes = dep.edge_modes
    first_route = {}
    for j, (u, _ri) in enumerate(dep.route_ids):
        first_route.setdefault(u, j)

    def echelon(u: int, edges, hours_in, hours_len, loads):
        for e, h, ld in zip(edges, hours_len, loads, strict=True):
            day = math.floor(env.now + 1e-9)
            while used[(e, day)] + ld > p.edge_capacity[e] + 1e-9:
                # whole-day waits keep the echelon's phase: the rest of its route runs as if it
                # had left home a day later, the flow model's only way to wait
                day += 1
                wait[e] += 1.0
                yield env.timeout(1.0)
            used[(e, day)] += ld
            yield env.timeout(h / 24.0)
        arrivals[u].append(env.now)

    def unit(u: int, j: int):
        route = dep.routes[u][dep.route_ids[j][1]]
        start = int(p.route_ready[j])
        if start > 0:
            yield env.timeout(start)
        edges = list(route.edges)
        loads = np.asarray(p.route_load[j], float)
        lifts = [LIFT_OF_MODE[modes[e]] for e in edges]
        n = echelons(loads, lifts, p.edge_capacity[edges]) if edges else 1
        n_echelons[u] = n
        lengths = [route.entry_hours[i + 1] - route.entry_hours[i] for i in range(len(edges) - 1)] + ([route.hours - route.entry_hours[-1]] if edges else [])
        for _ in range(n):
            env.process(echelon(u, edges, route.entry_hours, lengths, loads / n))

    for u in range(p.n_units):
        if u in first_route:
            env.process(unit(u, first_route[u]))
    env.run(until=H + 1e-9)
    present = np.zeros((p.n_units, H))
    closure: list = [None] * p.n_units
    for u in range(p.n_units):
        if u in n_echelons and len(arrivals[u]) == n_echelons[u]:
            day = int(math.ceil(max(arrivals[u]) - 1e-9))
            if day < H:
                closure[u] = day
                present[u, day:] = 1.0
    load = np.zeros((E, H))
    for (e, d), v in used.items():
        if d < H:
            load[e, d] = v
    return SimResult(closure, present, float(p.unit_weight @ present.sum(axis=1)), load, wait)
