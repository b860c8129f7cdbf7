"""The corridor network: load the bundled nodes and edges, apply a scenario's changes, validate, route.

Nodes are garrisons, ports of embarkation, airbases, hubs, border crossings, gauge-change
points (Ukraine's 1520 mm track meets the 1435 mm of its western neighbours) and the
deployment zones.  Edges are undirected, one per mode (``road``, ``rail_1435``, ``rail_1520``,
``gauge_change``, ``sea``, ``air``), with a length [km], a capacity per day in the mode's lift
unit (vehicles, trains, ship loads, sorties) and a handling time [h].

Routing runs on an *incidence* graph (one vertex per node and one per edge) so that parallel
road and rail edges between two nodes are distinct routes; Yen's k shortest simple paths (SciPy
Dijkstra for the spurs; checked against ``networkx.shortest_simple_paths`` in the tests) give
each unit its candidate routes by transit time.  networkx finds components for error messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from backstop.errors import Problem

MODES = ("road", "rail_1435", "rail_1520", "gauge_change", "sea", "air")
LIFT_OF_MODE = {"road": "vehicles", "rail_1435": "trains", "rail_1520": "trains", "gauge_change": "trains", "sea": "ship_loads", "air": "sorties"}
"""The lift unit an edge's capacity counts: vehicles a day, trains a day, ship loads a day, sorties a day."""

TRANSFER_H = 12.0
"""Hours to unload and load again where a route changes lift (rail to road, sea to rail...):
a planning assumption (entraining a battalion takes most of a day)."""

SPEED_KM_PER_DAY = {"road": 300.0, "rail_1435": 600.0, "rail_1520": 480.0, "gauge_change": 480.0, "sea": 600.0, "air": 12000.0}
"""Average movement per day by mode, halts included (planning assumptions: a road march of about
300 km a day; military trains at 20-25 km/h averaged over the day; a ro-ro ship at about 13.5 kn)."""

NODES_FILE = "land_nodes.csv (bundled reference)"
EDGES_FILE = "land_edges.csv (bundled reference)"
CORRIDORS_FILE = "land_corridors.csv"


@dataclass(frozen=True)
class Network:
    """Nodes and edges of the corridor network as plain frames.

    Attributes
    ----------
    nodes : DataFrame
        Indexed by node id: ``name, kind, state, lat, lon, gauge, zone``.
    edges : DataFrame
        One row per edge: ``id, from, to, mode, length_km, capacity_per_day, handling_h,
        hours, source, assumption, file, line`` (``hours`` = transit time [h]).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    closed: tuple[str, ...] = field(default=())

    def zone_node(self, zone: str) -> str | None:
        """Node id of a deployment zone (None when no node carries it)."""
        hit = self.nodes.index[self.nodes["zone"] == zone]
        return str(hit[0]) if len(hit) else None

    @property
    def edge_index(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.edges["id"])}

    def without(self, elements: list[str] | tuple[str, ...]) -> Network:
        """A copy with edges (by id) or every edge at a node (by node id) closed: a lost crossing.

        Closed edges keep their row (indices stay stable across what-ifs) with capacity 0 and
        are left out of every route."""
        drop = np.zeros(len(self.edges), bool)
        for el in elements:
            drop |= (self.edges["id"] == el).to_numpy() | (self.edges["from"] == el).to_numpy() | (self.edges["to"] == el).to_numpy()
        e = self.edges.copy()
        e.loc[drop, "capacity_per_day"] = 0.0
        e["closed"] = drop | (e["closed"].to_numpy(bool) if "closed" in e else False)
        return replace(self, edges=e, closed=self.closed + tuple(elements))

    @property
    def open_mask(self) -> np.ndarray:
        """True for edges that carry traffic (capacity > 0)."""
        return self.edges["capacity_per_day"].to_numpy(float) > 0

    def with_capacity(self, factor: float | np.ndarray) -> Network:
        """A copy with every capacity multiplied by ``factor`` (scalar or one per edge)."""
        e = self.edges.copy()
        e["capacity_per_day"] = e["capacity_per_day"].to_numpy(float) * factor
        return replace(self, edges=e)


def transit_hours(mode: str, length_km: float, handling_h: float) -> float:
    """Transit time of an edge [h]: length at the mode's daily movement plus handling."""
    return 24.0 * float(length_km) / SPEED_KM_PER_DAY[mode] + float(handling_h)


def load_network(as_of=None) -> Network:
    """The bundled corridor network (edges with ``valid_from`` after ``as_of`` left out)."""
    from backstop.reference.tables import load_table

    nodes = load_table("land_nodes")
    nodes["lat"] = nodes["lat"].astype(float)
    nodes["lon"] = nodes["lon"].astype(float)
    nodes = nodes.set_index("id")
    edges = load_table("land_edges")
    edges["line"] = np.arange(len(edges)) + 2
    edges["file"] = EDGES_FILE
    if as_of is not None:
        edges = edges[(edges["valid_from"] == "") | (edges["valid_from"] <= str(as_of))]
    edges = edges.reset_index(drop=True)
    for col in ("length_km", "capacity_per_day", "handling_h"):
        edges[col] = edges[col].astype(float)
    edges["hours"] = [transit_hours(m, k, h) for m, k, h in zip(edges["mode"], edges["length_km"], edges["handling_h"], strict=True)]
    return Network(nodes, edges[["id", "from", "to", "mode", "length_km", "capacity_per_day", "handling_h", "hours", "valid_from", "source", "assumption", "file", "line"]])


def apply_corridors(network: Network, rows) -> tuple[Network, list[Problem]]:
    """Apply ``land_corridors.csv`` rows: change or close an existing edge, or add a new one.

    Returns the changed network and the problems found (unknown nodes, a new edge without a
    capacity, a mode outside the vocabulary); rows with problems are skipped.
    """
    edges = network.edges.copy()
    problems: list[Problem] = []
    closed: list[str] = []
    index = {e: i for i, e in enumerate(edges["id"])}
    new_rows = []
    for r in rows:
        loc = f"line {r.line}" if r.line else f"edge {r.id}"
        if r.id in index:
            i = index[r.id]
            if r.closed:
                closed.append(r.id)
                continue
            if r.capacity_per_day is not None:
                if not r.capacity_per_day > 0:
                    problems.append(Problem(CORRIDORS_FILE, loc, "capacity_per_day", r.capacity_per_day, "an edge with no capacity moves nothing", "give a positive capacity, or set closed = true to close the edge"))
                    continue
                edges.loc[i, "capacity_per_day"] = float(r.capacity_per_day)
            if r.handling_h is not None:
                edges.loc[i, "handling_h"] = float(r.handling_h)
            edges.loc[i, "hours"] = transit_hours(edges.loc[i, "mode"], edges.loc[i, "length_km"], edges.loc[i, "handling_h"])
            edges.loc[i, "file"], edges.loc[i, "line"] = CORRIDORS_FILE, r.line
            continue
        bad = False
        for fld, node in (("from_node", r.from_node), ("to_node", r.to_node)):
            if node not in network.nodes.index:
                problems.append(Problem(CORRIDORS_FILE, loc, fld, node, f"unknown node (edge '{r.id}' is not a bundled edge, so it is read as a new one)", "use a node id of land_nodes.csv (`backstop land --nodes`), or the id of a bundled edge to change it"))
                bad = True
        if not r.mode:
            problems.append(Problem(CORRIDORS_FILE, loc, "mode", "", "a new edge needs a mode", f"use one of: {', '.join(MODES)}"))
            bad = True
        if r.length_km is None:
            problems.append(Problem(CORRIDORS_FILE, loc, "length_km", "", "a new edge needs a length", "give length_km > 0"))
            bad = True
        if r.capacity_per_day is None or not r.capacity_per_day > 0:
            problems.append(Problem(CORRIDORS_FILE, loc, "capacity_per_day", "" if r.capacity_per_day is None else r.capacity_per_day, "an edge with no capacity moves nothing", "give the trains, vehicles, ship loads or sorties a day the edge carries"))
            bad = True
        if bad or r.closed:
            continue
        handling = float(r.handling_h or 0.0)
        new_rows.append({
            "id": r.id, "from": r.from_node, "to": r.to_node, "mode": r.mode, "length_km": float(r.length_km),
            "capacity_per_day": float(r.capacity_per_day), "handling_h": handling,
            "hours": transit_hours(r.mode, r.length_km, handling), "valid_from": "", "source": r.source or "scenario",
            "assumption": bool(r.assumption), "file": CORRIDORS_FILE, "line": r.line,
        })
    if new_rows:
        edges = pd.concat([edges, pd.DataFrame(new_rows)], ignore_index=True)
    net = replace(network, edges=edges)
    return (net.without(closed) if closed else net), problems


def validate_network(network: Network) -> list[Problem]:
    """Edges whose nodes are unknown, whose mode is outside the vocabulary, or that have no capacity."""
    out = []
    known = set(network.nodes.index)
    for _, e in network.edges.iterrows():
        loc = f"line {e['line']}"
        for fld in ("from", "to"):
            if e[fld] not in known:
                out.append(Problem(e["file"], loc, fld, e[fld], "unknown node", "use a node id of land_nodes.csv"))
        if e["mode"] not in MODES:
            out.append(Problem(e["file"], loc, "mode", e["mode"], "unknown mode", f"use one of: {', '.join(MODES)}"))
        cap = e["capacity_per_day"]
        if bool(e.get("closed", False)):
            continue
        if not (isinstance(cap, float) and math.isfinite(cap) and cap > 0):
            out.append(Problem(e["file"], loc, "capacity_per_day", cap, "an edge with no capacity moves nothing", "give a positive capacity per day"))
    return out


# ---------------------------------------------------------------------------------------------
# routing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route of a unit: edge indices in order, entry offsets and transit time.

    Attributes
    ----------
    edges : tuple of int
        Indices into ``Network.edges``, from home to zone.
    entry_hours : tuple of float
        Hours after departure at which the route enters each edge.
    hours : float
        Transit time home -> zone [h]: lengths at the mode speeds, handling, and
        :data:`TRANSFER_H` wherever the lift changes (rail to road, sea to rail...).
    crosses_border : bool
        Whether any edge joins nodes of two states (cross-border permission needed).
    """

    edges: tuple[int, ...]
    entry_hours: tuple[float, ...]
    hours: float
    crosses_border: bool

    @property
    def days(self) -> int:
        """Whole days from departure to presence: ``ceil(hours / 24)``."""
        return int(math.ceil(self.hours / 24.0 - 1e-9))

    @property
    def entry_days(self) -> tuple[int, ...]:
        """Day offset (after the departure day) on which the route enters each edge."""
        return tuple(int(math.floor(h / 24.0 + 1e-9)) for h in self.entry_hours)


def incidence_graph(network: Network, modes: set[str] | None = None):
    """networkx Graph with a vertex per node and per edge (``("e", i)``), weighted by half the transit hours."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(network.nodes.index)
    is_open = network.open_mask
    for i, (a, b, m, h) in enumerate(zip(network.edges["from"], network.edges["to"], network.edges["mode"], network.edges["hours"], strict=True)):
        if (modes is not None and m not in modes) or not is_open[i]:
            continue
        g.add_edge(a, ("e", i), weight=h / 2.0)
        g.add_edge(("e", i), b, weight=h / 2.0)
    return g


def _gauge_ok(modes: list[str]) -> bool:
    """No rail edge of one gauge directly followed by rail of the other (a gauge change is an edge)."""
    for a, b in zip(modes, modes[1:], strict=False):
        if {a, b} == {"rail_1435", "rail_1520"}:
            return False
    return True


class RouteGraph:
    """The incidence graph of a network over some modes as a SciPy CSR matrix, for Yen's algorithm.

    Vertices ``0..N-1`` are the nodes, ``N + i`` the edge ``i``; each edge vertex links its two
    nodes with arcs of half the edge's transit hours.
    """

    def __init__(self, network: Network, modes: set[str] | None = None):
        import scipy.sparse as sp

        self.node_ids = list(network.nodes.index)
        self.vertex_of = {n: i for i, n in enumerate(self.node_ids)}
        N, E = len(self.node_ids), len(network.edges)
        use = network.open_mask.copy()
        if modes is not None:
            use &= network.edges["mode"].isin(list(modes)).to_numpy()
        idx = np.flatnonzero(use)
        a = np.array([self.vertex_of[x] for x in network.edges["from"].to_numpy()[idx]], int)
        b = np.array([self.vertex_of[x] for x in network.edges["to"].to_numpy()[idx]], int)
        w = network.edges["hours"].to_numpy(float)[idx] / 2.0
        ev = N + idx
        rows = np.concatenate([a, ev, ev, b])
        cols = np.concatenate([ev, b, a, ev])
        data = np.concatenate([w, w, w, w])
        self.n_nodes = N
        self.csr = sp.csr_array((data, (rows, cols)), shape=(N + E, N + E))
        self.csr.sort_indices()
        self.weight = {(int(r), int(c)): float(d) for r, c, d in zip(rows, cols, data, strict=True)}

    def shortest(self, source: int, target: int, removed: set[int]) -> tuple[float, list[int]] | None:
        """Dijkstra from ``source`` to ``target`` avoiding the ``removed`` vertices."""
        import scipy.sparse as sp
        from scipy.sparse.csgraph import dijkstra

        g = self.csr
        if removed:
            gone = np.zeros(g.shape[0], bool)
            gone[list(removed)] = True
            g = sp.csr_array((np.where(gone[g.indices], np.inf, g.data), g.indices, g.indptr), shape=g.shape)
        dist, pred = dijkstra(g, directed=True, indices=source, return_predecessors=True)
        if not np.isfinite(dist[target]):
            return None
        path = [target]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        return float(dist[target]), path[::-1]

    def k_shortest(self, source: int, target: int, k: int) -> list[tuple[float, list[int]]]:
        """Yen's k shortest loopless paths (Yen 1971), ties broken by the vertex sequence."""
        import heapq

        first = self.shortest(source, target, set())
        if first is None:
            return []
        found = [first]
        seen = {tuple(first[1])}
        heap: list = []
        weight = self.weight
        while len(found) < k:
            prev = found[-1][1]
            for i in range(len(prev) - 1):
                root = prev[: i + 1]
                removed = set(root[:-1])
                for _c, p in found:
                    if p[: i + 1] == root and len(p) > i + 1:
                        removed.add(p[i + 1])
                spur = self.shortest(prev[i], target, removed)
                if spur is None:
                    continue
                path = root[:-1] + spur[1]
                if tuple(path) in seen:
                    continue
                cost = sum(weight[(u, v)] for u, v in zip(path, path[1:], strict=False))
                seen.add(tuple(path))
                heapq.heappush(heap, (round(cost, 9), tuple(path)))
            if not heap:
                break
            cost, path = heapq.heappop(heap)
            found.append((cost, list(path)))
        return found


def routes(network: Network, home: str, target: str, k: int, modes: set[str] | None = None, *, graph: RouteGraph | None = None) -> list[Route]:
    """The ``k`` fastest simple routes from ``home`` to ``target`` over edges of ``modes``.

    Yen's algorithm (SciPy Dijkstra) on the incidence graph (:class:`RouteGraph`); routes that
    change gauge without a gauge-change edge are skipped, and the candidates are re-ranked with
    the transfer times.  Returns an empty list when no route exists.
    """
    g = graph if graph is not None else RouteGraph(network, modes)
    if home not in g.vertex_of or target not in g.vertex_of:
        return []
    if home == target:
        return [Route((), (), 0.0, False)]
    e = network.edges
    hours = e["hours"].to_numpy(float)
    mode = e["mode"].to_numpy()
    state = network.nodes["state"]
    out: list[Route] = []
    for _cost, path in g.k_shortest(g.vertex_of[home], g.vertex_of[target], 2 * k + 4):
        idx = [v - g.n_nodes for v in path if v >= g.n_nodes]
        if not _gauge_ok([mode[i] for i in idx]):
            continue
        entry, t = [], 0.0
        for n, i in enumerate(idx):
            if n and LIFT_OF_MODE[mode[i]] != LIFT_OF_MODE[mode[idx[n - 1]]]:
                t += TRANSFER_H
            entry.append(t)
            t += hours[i]
        border = any(state[e["from"].iat[i]] != state[e["to"].iat[i]] for i in idx)
        out.append(Route(tuple(idx), tuple(entry), t, border))
    # Yen ranks by travel time alone; re-rank with the transfer times and keep the k fastest
    out.sort(key=lambda r: (r.hours, r.edges))
    return out[:k]


def component_gap(network: Network, home: str, target: str, modes: set[str] | None = None) -> str:
    """Describe the gap between the components holding ``home`` and ``target`` (for error messages)."""
    import networkx as nx

    g = incidence_graph(network, modes)
    comp_home = {v for v in nx.node_connected_component(g, home) if not isinstance(v, tuple)} if home in g else {home}
    comp_target = {v for v in nx.node_connected_component(g, target) if not isinstance(v, tuple)} if target in g else {target}
    nodes = network.nodes
    best = None
    for a in comp_home:
        for b in comp_target:
            d = _km(nodes.at[a, "lat"], nodes.at[a, "lon"], nodes.at[b, "lat"], nodes.at[b, "lon"])
            if best is None or d < best[0]:
                best = (d, a, b)
    mode_text = f" over {', '.join(sorted(modes))}" if modes is not None else ""
    gap = f"; the closest nodes across the gap are {best[1]} and {best[2]} ({best[0]:.0f} km apart)" if best else ""
    return (
        f"{home} lies in a component of {len(comp_home)} node(s) ({_sample(comp_home)}) and {target} in another of "
        f"{len(comp_target)} ({_sample(comp_target)}){mode_text}{gap}"
    )


def _sample(nodes: set[str], n: int = 4) -> str:
    s = sorted(nodes)
    return ", ".join(s[:n]) + (f", ... {len(s) - n} more" if len(s) > n else "")


def _km(lat1, lon1, lat2, lon2) -> float:
    from backstop.geo import geodesic_km

    return float(geodesic_km(lon1, lat1, lon2, lat2))
