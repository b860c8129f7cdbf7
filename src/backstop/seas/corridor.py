"""The shipping corridor: sea routes from Ukraine's ports to the Bosporus under constraints.

Network
-------
The sea-lane network is *searoute*'s maritime network (``searoute.setup_M()``: the Eurostat
MARNET lanes, a networkx graph whose edges carry length [km] and named passages such as
``bosporus``).  In the Black Sea that network has about a hundred nodes, too coarse to bend a
route around an exclusion zone or along a coast, so :func:`build_network` adds a regular sea
grid (spacing ``grid_deg``, 16-neighbour moves, every node and edge clear of Natural Earth land)
linked to the searoute nodes.  The Bosporus itself is only in the searoute lanes (the strait is
narrower than the land polygons resolve), so its ``passage`` tag still works: closing it
(``closed_passages = ["bosporus"]``) removes those edges.

Routing
-------
Shortest paths by Dijkstra's algorithm (``scipy.sparse.csgraph.dijkstra``; Dijkstra 1959) from
the destination, once for all ports.  Constraints act on edges:

* exclusion zones: every edge (and port approach) whose segment intersects a zone polygon,
  touching included, is removed, so a route never enters a zone;
* closed passages: searoute edges tagged with the passage are removed;
* territorial waters: an edge is *inside* when both ends and its midpoint lie in the territorial
  sea of an allowed state; ``require`` removes the others, ``prefer`` multiplies their length by
  ``outside_penalty``.

A port with no path gets the verdict ``no route`` with the reason (never a length of 0).
Reported lengths are geodesic (WGS84) along the route, penalties excluded.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely
import shapely.ops
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from backstop import geo
from backstop.errors import InputError, Problem
from backstop.seas import waters as W

SEAROUTE_SOURCE = "searoute package (Eurostat MARNET maritime network), offline"
BOSPORUS_SOUTH = (28.977708, 40.971568)
"""searoute's node at the Sea of Marmara end of its ``bosporus`` passage (lon, lat)."""
BOSPORUS_NORTH = (29.132431, 41.242447)
"""searoute's node at the Black Sea entrance of the Bosporus (lon, lat)."""


# --------------------------------------------------------------------------- network


@dataclass(frozen=True)
class SeaNetwork:
    """Nodes and undirected edges of the routing network (arrays; edges i < j not required).

    Attributes
    ----------
    lon, lat, x, y : ndarray
        Node positions [deg] and in the regional plane [m].
    ei, ej : ndarray of int
        Edge end nodes.
    km : ndarray
        Geodesic edge length [km].
    passage : ndarray of object
        searoute passage tag ('' for none).
    origin : ndarray of object
        ``searoute`` or ``grid`` (grid edges and searoute-grid links).
    node_waters : ndarray of object
        Waters (ISO3 or ``outside``) of each node.
    mid_waters, sample_edge : ndarray
        Waters of the midpoints of ~1 km pieces of every edge, and the edge of each piece
        (the same pieces :func:`route_legs` uses, so both agree).
    waters_ok : dict
        Cache: tuple of allowed states -> boolean edge mask (inside their territorial seas).
    """

    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    ei: np.ndarray
    ej: np.ndarray
    km: np.ndarray
    passage: np.ndarray
    origin: np.ndarray
    node_waters: np.ndarray
    mid_waters: np.ndarray
    sample_edge: np.ndarray
    lines: np.ndarray
    tree: shapely.STRtree
    node_tree: shapely.STRtree
    waters_ok: dict = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return len(self.lon)

    def inside_waters(self, states: Sequence[str]) -> np.ndarray:
        """Edge mask: both ends and every ~1 km piece in the territorial seas of ``states``."""
        key = tuple(sorted(states))
        if key not in self.waters_ok:
            allowed = np.isin(self.node_waters.astype(str), list(key))
            piece_ok = np.isin(self.mid_waters.astype(str), list(key)).astype(np.int8)
            mid = np.ones(len(self.ei), dtype=np.int8)
            np.minimum.at(mid, self.sample_edge, piece_ok)
            self.waters_ok[key] = allowed[self.ei] & allowed[self.ej] & mid.astype(bool)
        return self.waters_ok[key]


def _edge_samples(x0, y0, x1, y1, km, step_km: float = 1.0):
    """Midpoints of the ~``step_km`` pieces of each segment (as in :func:`route_legs`)."""
    n = np.maximum(1, np.ceil(km / step_km).astype(np.int64))
    edge = np.repeat(np.arange(len(km)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    k = np.arange(len(edge)) - first
    t = (k + 0.5) / n[edge]
    return edge, x0[edge] + t * (x1[edge] - x0[edge]), y0[edge] + t * (y1[edge] - y0[edge])


def _searoute_region() -> tuple[list[tuple[float, float]], list[tuple[int, int, str]]]:
    """searoute's nodes and edges inside the region (plain Python data)."""
    import searoute

    M = searoute.setup_M()
    lon0, lat0, lon1, lat1 = W.REGION_BBOX
    nodes = [n for n in M.nodes if lon0 <= n[0] <= lon1 and lat0 <= n[1] <= lat1]
    index = {n: k for k, n in enumerate(nodes)}
    edges = []
    for u, v, d in M.subgraph(nodes).edges(data=True):
        edges.append((index[u], index[v], d.get("passage") or ""))
    return nodes, edges


@lru_cache(maxsize=4)
def build_network(grid_deg: float = 0.1, densify: bool = True) -> SeaNetwork:
    """The searoute network of the region, densified with a sea grid (cached per spacing).

    Parameters
    ----------
    grid_deg : float
        Grid spacing [deg of latitude]; the grid is square in the regional plane.
    densify : bool
        False keeps searoute's lanes only (used to cross-check against ``searoute.searoute``).
    """
    sr_nodes, sr_edges = _searoute_region()
    sr_lon = np.array([n[0] for n in sr_nodes])
    sr_lat = np.array([n[1] for n in sr_nodes])
    sr_x, sr_y = W.to_xy(sr_lon, sr_lat)
    ei = [e[0] for e in sr_edges]
    ej = [e[1] for e in sr_edges]
    passage = [e[2] for e in sr_edges]
    origin = ["searoute"] * len(sr_edges)
    xs, ys = sr_x, sr_y
    if densify:
        step = grid_deg * 111_195.0
        n0 = len(sr_nodes)
        gxs, gys, ga, gb = _sea_grid(step)
        src, dst = _lane_links(sr_x, sr_y, gxs, gys, step)
        xs = np.concatenate([sr_x, gxs])
        ys = np.concatenate([sr_y, gys])
        ei += list(ga + n0) + list(src)
        ej += list(gb + n0) + list(dst + n0)
        n_new = len(ga) + len(src)
        passage += [""] * n_new
        origin += ["grid"] * n_new
    return _network(sr_lon, sr_lat, xs, ys, ei, ej, passage, origin)


GRID_MOVES = ((1, 0), (0, 1), (1, 1), (1, -1), (2, 1), (1, 2), (2, -1), (1, -2))
"""Grid-cell offsets joined by an edge (king moves and knight moves: headings every ~26.6 deg)."""


def _sea_grid(step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sea points of a square grid of spacing ``step`` [m] over the map extent, and the land-free
    :data:`GRID_MOVES` between them: (x, y, a, b), edges ``a[k] - b[k]`` indexing x and y."""
    land = W.land_m()
    lon0, lat0, lon1, lat1 = W.BLACK_SEA_MAP_BBOX
    cx, cy = W.to_xy([lon0, lon1, lon0, lon1], [lat0, lat0, lat1, lat1])
    gx = np.arange(cx.min(), cx.max() + step, step)
    gy = np.arange(cy.min(), cy.max() + step, step)
    X, Y = np.meshgrid(gx, gy, indexing="ij")
    sea = ~shapely.contains_xy(land, X.ravel(), Y.ravel())
    sea &= ~shapely.intersects(land, shapely.buffer(shapely.points(X.ravel(), Y.ravel()), step * 0.05))
    idx = np.full(X.size, -1)
    idx[sea] = np.arange(sea.sum())
    idx = idx.reshape(X.shape)
    a_list, b_list = [], []
    nx_, ny_ = X.shape
    for di, dj in GRID_MOVES:
        i0, i1 = max(0, -di), nx_ - max(0, di)
        j0, j1 = max(0, -dj), ny_ - max(0, dj)
        a = idx[i0:i1, j0:j1]
        b = idx[i0 + di : i1 + di, j0 + dj : j1 + dj]
        ok = (a >= 0) & (b >= 0)
        a_list.append(a[ok])
        b_list.append(b[ok])
    ga = np.concatenate(a_list)
    gb = np.concatenate(b_list)
    gxs = X.ravel()[sea]
    gys = Y.ravel()[sea]
    segs = shapely.linestrings(np.stack([np.column_stack([gxs[ga], gys[ga]]), np.column_stack([gxs[gb], gys[gb]])], axis=1))
    clear = ~shapely.intersects(land, segs)
    return gxs, gys, ga[clear], gb[clear]


def _lane_links(sr_x, sr_y, gxs, gys, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Land-free links from searoute nodes to the grid points within 1.6 cells: (lane node, grid point)."""
    land = W.land_m()
    gtree = shapely.STRtree(shapely.points(gxs, gys))
    src, dst = gtree.query(shapely.buffer(shapely.points(sr_x, sr_y), 1.6 * step), predicate="intersects")
    links = shapely.linestrings(np.stack([np.column_stack([sr_x[src], sr_y[src]]), np.column_stack([gxs[dst], gys[dst]])], axis=1))
    clear = ~shapely.intersects(land, links)
    return src[clear], dst[clear]


def _network(sr_lon, sr_lat, xs, ys, ei, ej, passage, origin) -> SeaNetwork:
    """The network's arrays: coordinates (searoute's exact ones kept), geodesic edge lengths,
    the waters of every node and ~1 km edge piece, and the spatial indexes."""
    lon, lat = W.to_lonlat(xs, ys)
    lon[: len(sr_lon)] = sr_lon  # keep searoute's exact coordinates
    lat[: len(sr_lat)] = sr_lat
    ei_a = np.asarray(ei, dtype=np.int64)
    ej_a = np.asarray(ej, dtype=np.int64)
    km = geo.geodesic_km(lon[ei_a], lat[ei_a], lon[ej_a], lat[ej_a])
    lines = shapely.linestrings(np.stack([np.column_stack([xs[ei_a], ys[ei_a]]), np.column_stack([xs[ej_a], ys[ej_a]])], axis=1))
    sample_edge, sx, sy = _edge_samples(xs[ei_a], ys[ei_a], xs[ej_a], ys[ej_a], km)
    return SeaNetwork(
        lon=lon,
        lat=lat,
        x=xs,
        y=ys,
        ei=ei_a,
        ej=ej_a,
        km=km,
        passage=np.asarray(passage, dtype=object),
        origin=np.asarray(origin, dtype=object),
        node_waters=W.classify_waters(xs, ys),
        mid_waters=W.classify_waters(sx, sy),
        sample_edge=sample_edge,
        lines=lines,
        tree=shapely.STRtree(lines),
        node_tree=shapely.STRtree(shapely.points(xs, ys)),
    )


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Zone:
    """An exclusion zone as used by the router: id, lon/lat polygon and where it came from."""

    id: str
    name: str
    polygon: BaseGeometry  # lon/lat
    polygon_m: BaseGeometry  # projected
    file: str = "exclusion_zones.csv"
    line: int = 0
    reason: str = ""

    @staticmethod
    def circle(id: str, lon: float, lat: float, radius_km: float, name: str = "", line: int = 0, reason: str = "") -> Zone:
        poly = geo.geodesic_circle(lon, lat, radius_km)
        return Zone(id, name or id, poly, W.project(poly), line=line, reason=reason)

    @staticmethod
    def polygon_zone(id: str, vertices: Sequence[tuple[float, float]], buffer_km: float = 0.0, name: str = "", line: int = 0, reason: str = "") -> Zone:
        poly = shapely.make_valid(shapely.Polygon(vertices))
        # 0.5 % margin covers the projection's scale error away from its centre; 1 m more keeps
        # a route that only touches the drawn boundary (floating point) out as well
        pm = W.project(poly).buffer(buffer_km * 1000.0 * 1.005 + 1.0, quad_segs=16)
        return Zone(id, name or id, W.unproject(pm), pm, line=line, reason=reason)


def zones_from_rows(rows) -> list[Zone]:
    """:class:`Zone` objects from ``exclusion_zones.csv`` rows (scenario models)."""
    from backstop.scenario.models.seas import parse_vertices

    out = []
    for r in rows:
        if r.shape == "circle":
            out.append(Zone.circle(r.id, r.lon, r.lat, r.radius_km + r.buffer_km, r.name, r.line, r.reason))
        else:
            out.append(Zone.polygon_zone(r.id, parse_vertices(r.vertices), r.buffer_km, r.name, r.line, r.reason))
    return out


@dataclass(frozen=True)
class PortInput:
    """A corridor origin or destination: position, optional approach waypoints, provenance."""

    id: str
    name: str
    lon: float
    lat: float
    approach: tuple[tuple[float, float], ...] = ()
    file: str = "ports.csv"
    line: int = 0
    state: str = ""


@dataclass(frozen=True)
class Access:
    """How a port joins the network: its polyline to the coast-side access point and links."""

    path: tuple[tuple[float, float], ...]  # lon/lat from the port to the access point at sea
    path_km: float
    nodes: np.ndarray  # network nodes it links to
    link_km: np.ndarray  # geodesic length of each link [km]
    link_lines: np.ndarray  # projected segments of the links
    path_m: BaseGeometry  # projected port -> access polyline


def port_access(port: PortInput, net: SeaNetwork, max_offset_km: float, grid_deg: float) -> Access:
    """Join a port to the network, or raise InputError when it is off the water.

    The port (or the last approach waypoint) is moved to the nearest open water (100 m clear of
    land); that move may not exceed ``max_offset_km``.  The access point links by land-free
    straight segments to every network node within three grid cells.
    """
    land = W.land_m()
    pts = [(port.lon, port.lat), *port.approach]
    ex, ey = W.to_xy(pts[-1][0], pts[-1][1])
    end = shapely.Point(float(ex), float(ey))
    what = "its approach's last waypoint" if port.approach else "the port"
    where = f"line {port.line}" if port.line else f"port {port.id}"
    fld = "waypoints" if port.approach else "lat/lon"
    if land.contains(end) or land.distance(end) < 100.0:
        boundary = land.boundary
        near = shapely.ops.nearest_points(boundary, end)[0]
        offset_km = end.distance(near) / 1000.0
        if offset_km > max_offset_km:
            raise InputError([Problem(
                port.file, where, fld, f"{pts[-1][1]:.4f}, {pts[-1][0]:.4f}",
                f"port '{port.id}' is off the water: {what} lies {offset_km:.1f} km inland (more than port_max_offset_km = {max_offset_km:g})",
                "correct the coordinates, or give a river port approach waypoints to the sea in port_approaches.csv",
            )])
        # step 100 m beyond the coast, away from land
        dx, dy = near.x - end.x, near.y - end.y
        norm = float(np.hypot(dx, dy)) or 1.0
        a = shapely.Point(near.x + dx / norm * 100.0, near.y + dy / norm * 100.0)
        if land.contains(a):
            # concave coast: search outward around the nearest coast point
            for r in (200.0, 400.0, 800.0, 1600.0):
                ring = shapely.Point(near.x, near.y).buffer(r, quad_segs=8).exterior
                cand = [shapely.Point(c) for c in ring.coords if not land.contains(shapely.Point(c))]
                if cand:
                    a = min(cand, key=lambda p: p.distance(end))
                    break
    else:
        a = end
    alon, alat = W.to_lonlat(a.x, a.y)
    path = tuple(pts) + ((float(alon), float(alat)),)
    path_km = geo.line_km([p[0] for p in path], [p[1] for p in path])
    step = grid_deg * 111_195.0
    cand = net.node_tree.query(a.buffer(3.0 * step), predicate="intersects")
    if len(cand):
        segs = shapely.linestrings(np.stack([np.column_stack([np.full(len(cand), a.x), np.full(len(cand), a.y)]), np.column_stack([net.x[cand], net.y[cand]])], axis=1))
        ok = ~shapely.intersects(land, segs)
        cand, segs = cand[ok], segs[ok]
    if not len(cand):
        raise InputError([Problem(
            port.file, where, fld, f"{pts[-1][1]:.4f}, {pts[-1][0]:.4f}",
            f"port '{port.id}' is off the water: no open-sea lane within {3 * step / 1000:.0f} km of {what} is reachable without crossing land",
            "move the port to its harbour entrance, or add approach waypoints in port_approaches.csv",
        )])
    link_km = geo.geodesic_km(np.full(len(cand), float(alon)), np.full(len(cand), float(alat)), net.lon[cand], net.lat[cand])
    path_xy = np.column_stack(W.to_xy([p[0] for p in path], [p[1] for p in path]))
    path_m = shapely.LineString(path_xy) if len(path_xy) > 1 else shapely.Point(path_xy[0])
    return Access(path, path_km, np.asarray(cand), link_km, segs, path_m)


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Constraints:
    """Scenario constraints on the corridor."""

    zones: tuple[Zone, ...] = ()
    territorial_waters: str = "off"  # off | prefer | require
    territorial_states: tuple[str, ...] = ("UKR", "ROU", "BGR", "TUR")
    outside_penalty: float = 3.0
    closed_passages: tuple[str, ...] = ()


@dataclass
class Route:
    """One port's route, or its ``no route`` verdict."""

    port: str
    name: str
    status: str  # "ok" | "no route"
    reason: str = ""
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    length_km: float | None = None
    length_nm: float | None = None
    transit_h: float | None = None
    waters: list[dict] = field(default_factory=list)  # ordered legs: state, start_km, end_km, length_km
    edges: list[int] = field(default_factory=list)  # network edges used
    blocking_zones: list[str] = field(default_factory=list)
    access_km: float = 0.0  # port -> open water (river approach included)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def waters_km(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for leg in self.waters:
            out[leg["state"]] = out.get(leg["state"], 0.0) + leg["length_km"]
        return out

    def to_dict(self) -> dict:
        return {
            "port": self.port,
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "length_km": self.length_km,
            "length_nm": self.length_nm,
            "transit_h": self.transit_h,
            "waters_km": self.waters_km(),
            "legs": self.waters,
            "blocking_zones": self.blocking_zones,
            "access_km": self.access_km,
            "coordinates": [[round(a, 5), round(b, 5)] for a, b in zip(self.lon, self.lat, strict=False)],
        }


def _edge_weights(net: SeaNetwork, c: Constraints) -> np.ndarray:
    """Edge weights [km, penalised]; inf = removed."""
    w = net.km.astype(float).copy()
    if c.zones:
        polys = [z.polygon_m for z in c.zones]
        _, hit = net.tree.query(polys, predicate="intersects")
        w[np.unique(hit)] = np.inf
    if c.closed_passages:
        w[np.isin(net.passage.astype(str), list(c.closed_passages))] = np.inf
    if c.territorial_waters != "off":
        inside = net.inside_waters(c.territorial_states)
        if c.territorial_waters == "require":
            w[~inside] = np.inf
        else:
            w[~inside] *= c.outside_penalty
    return w


def _dijkstra_from(net: SeaNetwork, w: np.ndarray, source: int) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(w)
    ei, ej, ww = net.ei[ok], net.ej[ok], np.maximum(w[ok], 1e-9)  # csgraph drops explicit zeros
    n = net.n_nodes
    g = csr_matrix((np.concatenate([ww, ww]), (np.concatenate([ei, ej]), np.concatenate([ej, ei]))), shape=(n, n))
    dist, pred = dijkstra(g, directed=True, indices=source, return_predecessors=True)
    return dist, pred


def _zones_hit(geom: BaseGeometry, zones: Sequence[Zone]) -> list[str]:
    return [z.id for z in zones if z.polygon_m.intersects(geom)]


@dataclass(frozen=True)
class _Solved:
    dist: np.ndarray
    pred: np.ndarray
    weights: np.ndarray


def _solve(net, c, dest_node) -> _Solved:
    w = _edge_weights(net, c)
    dist, pred = _dijkstra_from(net, w, dest_node)
    return _Solved(dist, pred, w)


def _best_link(acc: Access, solved: _Solved, zones: Sequence[Zone]) -> tuple[int, float] | None:
    """Index of the best usable access link and its total weight, or None."""
    usable = np.ones(len(acc.nodes), dtype=bool)
    for z in zones:
        usable &= ~shapely.intersects(z.polygon_m, acc.link_lines)
    total = np.where(usable, acc.link_km + solved.dist[acc.nodes], np.inf)
    if not np.isfinite(total).any():
        return None
    k = int(np.argmin(total))
    return k, float(total[k])


def _path_nodes(pred: np.ndarray, start: int) -> list[int]:
    out = [start]
    while pred[out[-1]] >= 0:
        out.append(int(pred[out[-1]]))
    return out


def plan_routes(
    ports: Sequence[PortInput],
    destination: PortInput,
    constraints: Constraints = Constraints(),
    *,
    speed_kn: float = 12.0,
    grid_deg: float = 0.1,
    max_offset_km: float = 10.0,
    densify: bool = True,
    diagnose: bool = True,
) -> list[Route]:
    """Shortest constrained routes from each port to ``destination``.

    Parameters
    ----------
    ports, destination : PortInput
        Origins and the common destination.  A destination within 5 km of a searoute passage
        node (the Bosporus ends) is reached through that node, so the passage's edges (and
        their closure) apply.
    constraints : Constraints
        Exclusion zones, territorial waters, closed passages.
    speed_kn : float
        Transit speed [kn] for ``transit_h``; must be positive.
    diagnose : bool
        For a ``no route`` verdict, find which zones block it (one extra solve per zone).

    Returns
    -------
    list of Route
        One per port, in order; ``status`` is ``ok`` or ``no route`` (with ``reason``).

    Raises
    ------
    InputError
        A non-positive speed, or a port off the water.
    """
    if not (speed_kn > 0) or not np.isfinite(speed_kn):
        raise InputError([Problem("scenario.toml", "key seas.speed_kn", "speed_kn", str(speed_kn), "the transit speed must be a positive number of knots", "use e.g. speed_kn = 12.0")])
    net = build_network(float(grid_deg), bool(densify))
    zones = tuple(constraints.zones)
    dest_node, dest_path, dest_geom = _destination_end(net, destination, max_offset_km, grid_deg)
    dest_zones = _zones_hit(dest_geom, zones)
    accesses = [port_access(p, net, max_offset_km, grid_deg) for p in ports]
    solved = _solve(net, constraints, dest_node)
    routes = []
    for p, acc in zip(ports, accesses, strict=False):
        route = Route(p.id, p.name, "no route")
        in_zone = _zones_hit(acc.path_m, zones)
        if dest_zones:
            route.reason = f"the destination {destination.name or destination.id} lies in exclusion zone(s) {', '.join(dest_zones)}"
            route.blocking_zones = dest_zones
        elif in_zone:
            route.reason = f"the port or its approach lies in exclusion zone(s) {', '.join(in_zone)}"
            route.blocking_zones = in_zone
        else:
            best = _best_link(acc, solved, zones)
            if best is None:
                route.reason = _why_no_route(p, acc, net, constraints, dest_node, diagnose, route)
            else:
                _complete(route, net, acc, _path_nodes(solved.pred, int(acc.nodes[best[0]])), dest_path, speed_kn)
        routes.append(route)
    return routes


def _destination_end(net: SeaNetwork, destination: PortInput, max_offset_km: float, grid_deg: float) -> tuple[int, tuple, BaseGeometry]:
    """Where routes end: (network node, lon/lat path from that node to the destination, its projected geometry).

    A passage end (e.g. the Bosporus) within 5 km, so the passage's edges and their closure
    apply; else the nearest lane reached by the destination's own access path.
    """
    dnode = _passage_end(net, destination.lon, destination.lat, 5.0)
    if dnode is not None:
        dest_path: tuple = ((float(net.lon[dnode]), float(net.lat[dnode])), (destination.lon, destination.lat))
        dx, dy = W.to_xy([p[0] for p in dest_path], [p[1] for p in dest_path])
        return dnode, dest_path, shapely.LineString(np.column_stack([dx, dy]))
    dacc = port_access(destination, net, max_offset_km, grid_deg)
    k = int(np.argmin(dacc.link_km))
    dest_node = int(dacc.nodes[k])
    dest_path = ((float(net.lon[dest_node]), float(net.lat[dest_node])),) + dacc.path[::-1]
    return dest_node, dest_path, shapely.union_all([dacc.path_m, dacc.link_lines[k]])


def _complete(route: Route, net: SeaNetwork, acc: Access, nodes: list[int], dest_path: tuple, speed_kn: float) -> None:
    """Fill an ``ok`` route: the port's access path, the network path, the destination's end;
    geodesic length, transit time, edges and waters."""
    lon = [q[0] for q in acc.path] + [float(v) for v in net.lon[nodes]] + [q[0] for q in dest_path[1:]]
    lat = [q[1] for q in acc.path] + [float(v) for v in net.lat[nodes]] + [q[1] for q in dest_path[1:]]
    route.status = "ok"
    route.access_km = acc.path_km
    route.lon, route.lat = lon, lat
    route.length_km = geo.line_km(lon, lat)
    route.length_nm = route.length_km / W.NM_KM
    route.transit_h = route.length_nm / speed_kn
    route.edges = _edges_of(net, nodes)
    route.waters = route_legs(lon, lat)


def _passage_end(net: SeaNetwork, lon: float, lat: float, within_km: float) -> int | None:
    """The searoute passage node (end of a tagged edge) nearest to a point, if within reach."""
    tagged = net.passage.astype(str) != ""
    nodes = np.unique(np.concatenate([net.ei[tagged], net.ej[tagged]]))
    if not len(nodes):
        return None
    d = geo.geodesic_km(np.full(len(nodes), lon), np.full(len(nodes), lat), net.lon[nodes], net.lat[nodes])
    k = int(np.argmin(d))
    return int(nodes[k]) if d[k] <= within_km else None


def _edges_of(net: SeaNetwork, nodes: list[int]) -> list[int]:
    if len(nodes) < 2:
        return []
    key = net.waters_ok.get("_edge_key")
    if key is None:
        key = {}
        for k, (a, b) in enumerate(zip(net.ei.tolist(), net.ej.tolist(), strict=False)):
            key[(a, b)] = k
            key[(b, a)] = k
        net.waters_ok["_edge_key"] = key
    return [key[(a, b)] for a, b in zip(nodes[:-1], nodes[1:], strict=False)]


def _why_no_route(p: PortInput, acc: Access, net: SeaNetwork, c: Constraints, dest_node: int, diagnose: bool, route: Route) -> str:
    """Explain a missing route: which constraint (zone, passage, waters) closes it."""
    parts = []
    if c.closed_passages:
        parts.append(f"closed passage(s) {', '.join(c.closed_passages)}")
    if c.territorial_waters == "require":
        parts.append(f"keeping to the territorial seas of {', '.join(c.territorial_states)}")
    if c.zones and diagnose:
        free = Constraints((), c.territorial_waters, c.territorial_states, c.outside_penalty, c.closed_passages)
        if _best_link(acc, _solve(net, free, dest_node), ()) is not None:
            blocking = []
            for z in c.zones:
                rest = tuple(q for q in c.zones if q.id != z.id)
                cz = Constraints(rest, c.territorial_waters, c.territorial_states, c.outside_penalty, c.closed_passages)
                if _best_link(acc, _solve(net, cz, dest_node), rest) is not None:
                    blocking.append(z.id)
            route.blocking_zones = blocking or [z.id for z in c.zones]
            which = ", ".join(route.blocking_zones)
            return f"no route: exclusion zone(s) {which} close every sea lane from {p.name or p.id}" + (
                " (together)" if not blocking else ""
            )
    elif c.zones:
        route.blocking_zones = [z.id for z in c.zones]
        parts.append("the exclusion zones")
    return "no route: " + (" and ".join(parts) if parts else "the network has no path") + f" leave no sea lane from {p.name or p.id}"


def route_legs(lon: Sequence[float], lat: Sequence[float], step_km: float = 1.0) -> list[dict]:
    """Ordered legs of a route by territorial sea (state ISO3, or ``outside``), lengths [km].

    The polyline is cut into pieces of about ``step_km``; each piece takes the waters of its
    midpoint (:func:`backstop.seas.waters.classify_waters`); the pieces' geodesic lengths add
    up to the route length.
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if len(lon) < 2:
        return []
    seg_km = geo.geodesic_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    x, y = W.to_xy(lon, lat)
    mids_x, mids_y, piece_km = [], [], []
    for k, L in enumerate(seg_km):
        n = max(1, int(np.ceil(L / step_km)))
        t = (np.arange(n) + 0.5) / n
        mids_x.append(x[k] + t * (x[k + 1] - x[k]))
        mids_y.append(y[k] + t * (y[k + 1] - y[k]))
        piece_km.append(np.full(n, L / n))
    mx = np.concatenate(mids_x)
    my = np.concatenate(mids_y)
    pk = np.concatenate(piece_km)
    labels = W.classify_waters(mx, my)
    legs: list[dict] = []
    pos = 0.0
    for lab, L in zip(labels, pk, strict=False):
        if legs and legs[-1]["state"] == lab:
            legs[-1]["length_km"] += L
            legs[-1]["end_km"] = pos + L
        else:
            legs.append({"state": str(lab), "start_km": pos, "end_km": pos + L, "length_km": L})
        pos += L
    for leg in legs:
        for key in ("start_km", "end_km", "length_km"):
            leg[key] = round(float(leg[key]), 3)
    return legs


def searoute_reference(origin: tuple[float, float], destination: tuple[float, float], restrictions: Sequence[str] = ()) -> float | None:
    """Length [km] of the plain ``searoute.searoute`` route, or None when it finds none.

    searoute *warns* (UserWarning "No path found") and returns an empty line instead of
    failing; the warning is caught here and turned into ``None``.
    """
    import searoute

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        feat = searoute.searoute(list(origin), list(destination), units="km", restrictions=list(restrictions))
    if any("No path found" in str(w.message) for w in caught):
        return None
    coords = feat.geometry.coordinates
    if len(coords) < 2:
        return None
    return float(feat.properties["length"])
