"""Airspace obstacles: a state's territory plus its 12-nautical-mile territorial sea, as polygons.

A state's sovereign airspace covers its land and its territorial sea (Chicago Convention, 1944,
Arts. 1-2; UNCLOS, 1982, Art. 3: at most 12 nautical miles from the baselines).  Each state's
Natural Earth 1:10m polygon is processed part by part in its own azimuthal equidistant
projection (centred on the part, so distances near the part are true to well under 1 %):

1. simplify with tolerance ``tol`` (Douglas-Peucker),
2. add the territorial sea: ``buffer(land, 12 nm + margin)`` minus other states' land (a
   land border is not moved; where two territorial seas overlap both are kept, which is
   conservative: the median line is not drawn),
3. grow the result by ``tol`` with mitred joins, so the simplified polygon contains the exact
   buffered one (the Douglas-Peucker error is at most ``tol``; Hausdorff bound).

The result is *conservative*: a route avoiding it avoids the state's airspace as drawn by
Natural Earth plus 12 nm of sea.  Parts wider than ``STRIP_DEG`` of longitude (Russia, Canada,
the United States) are cut into strips first so that each strip's projection stays accurate.
Results are cached per state: obstacle preparation is done once per process.

References
----------
Convention on International Civil Aviation (Chicago, 1944), Arts. 1-3, 6.
United Nations Convention on the Law of the Sea (1982), Arts. 2-3.
D. H. Douglas and T. K. Peucker, "Algorithms for the reduction of the number of points required
to represent a digitized line or its caricature", Cartographica 10(2), 1973.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

NM_KM = 1.852
TERRITORIAL_SEA_NM = 12.0
TERRITORIAL_SEA_KM = TERRITORIAL_SEA_NM * NM_KM
SIMPLIFY_KM = 5.0
"""Douglas-Peucker tolerance [km]; obstacles grow outward by this much (conservative)."""
STRIP_DEG = 30.0
"""Parts wider than this [deg of longitude] are processed in strips."""
MIN_PART_KM2 = 0.0


def _aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    crs = f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv


def _project(geom: BaseGeometry, tr: Transformer) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _unwrap_to(geom: BaseGeometry, lon0: float) -> BaseGeometry:
    """Shift longitudes by multiples of 360 so that they lie within 180 deg of ``lon0``."""

    def f(xy):
        xy = xy.copy()
        xy[:, 0] = lon0 + (xy[:, 0] - lon0 + 180.0) % 360.0 - 180.0
        return xy

    return shapely.transform(geom, f)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _strips(part: Polygon) -> list[Polygon]:
    lon0, lat0, lon1, lat1 = part.bounds
    if lon1 - lon0 <= STRIP_DEG:
        return [part]
    out = []
    edges = np.arange(lon0, lon1 + STRIP_DEG, STRIP_DEG)
    for a, b in zip(edges[:-1], edges[1:], strict=False):
        out.extend(_polygons(part.intersection(shapely.box(a, lat0 - 1, b, lat1 + 1))))
    return out


@lru_cache(maxsize=1)
def _land_tree():
    from backstop.reference.geography import load_countries

    countries = load_countries()
    codes = list(countries)
    geoms = [countries[c] for c in codes]
    return shapely.STRtree(geoms), codes, geoms


def _clusters(geom: BaseGeometry) -> list[BaseGeometry]:
    """Parts of a state grouped into ``STRIP_DEG`` cells (by centroid), wide parts cut in strips."""
    cells: dict[tuple[int, int], list[Polygon]] = {}
    for part in _polygons(geom):
        for piece in _strips(part):
            c = piece.centroid
            key = (int(np.floor(c.x / STRIP_DEG)), int(np.floor(c.y / STRIP_DEG)))
            cells.setdefault(key, []).append(piece)
    return [shapely.union_all(v) if len(v) > 1 else v[0] for v in cells.values()]


@cache
def state_obstacle(iso3: str, tol_km: float = SIMPLIFY_KM) -> tuple[Polygon, ...]:
    """Conservative airspace polygons (lon/lat) of one state: land + 12 nm sea, grown by ``tol_km``.

    Returns a tuple of polygons; longitudes of a part may run past +-180 (by a few degrees at
    most) so that parts straddling the antimeridian stay in one piece.
    """
    from backstop.reference.geography import country

    tree, codes, geoms = _land_tree()
    tol_m = tol_km * 1000.0
    pre_deg = tol_km / 3.0 / 111.0 / 2.0
    geom = shapely.make_valid(country(iso3).simplify(pre_deg, preserve_topology=True))
    pad_deg = (TERRITORIAL_SEA_KM + 3 * tol_km) / 111.0
    out: list[Polygon] = []
    for cluster in _clusters(geom):
        b = cluster.bounds
        lon0, lat0 = (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0
        fwd, inv = _aeqd(lon0, lat0)
        coslat = max(np.cos(np.radians(min(max(abs(b[1]), abs(b[3])) + pad_deg, 89.0))), 0.05)
        area = shapely.box(b[0] - pad_deg / coslat, b[1] - pad_deg, b[2] + pad_deg / coslat, b[3] + pad_deg)
        land = _project(cluster, fwd).buffer(0)
        sea = land.buffer((TERRITORIAL_SEA_KM + tol_km / 3.0) * 1000.0, quad_segs=3)
        others = [geoms[i] for i in tree.query(area) if codes[i] != iso3]
        if others:
            near = [shapely.make_valid(o.intersection(area)).simplify(pre_deg, preserve_topology=True) for o in others]
            other = shapely.union_all([_project(o, fwd).buffer(0) for o in near]).buffer(0)
            sea = sea.difference(other.buffer(-1.0))
        airspace = shapely.union_all([land, sea])
        airspace = airspace.simplify(tol_m, preserve_topology=True).buffer(1.05 * tol_m, quad_segs=1, join_style="mitre", mitre_limit=2.0)
        ll = _unwrap_to(_project(airspace, inv), lon0)
        for poly in _polygons(shapely.make_valid(ll)):
            if poly.area > 0:
                out.append(shapely.geometry.polygon.orient(poly, 1.0))
    return tuple(out)

