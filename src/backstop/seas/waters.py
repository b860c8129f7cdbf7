"""Black Sea geometry: a local projection, land, and the territorial seas of the coastal states.

All geometric predicates of the safe-seas analysis (land crossing, exclusion zones, territorial
waters) are evaluated in one azimuthal equidistant projection centred on the Black Sea
(``+proj=aeqd +lat_0=43.5 +lon_0=34.5``, WGS84, metres).  Over the region (about 900 km from
the centre at most) its scale error stays below 0.5 %, and all reported lengths are geodesic
(WGS84 ellipsoid, :func:`backstop.geo.geodesic_km`), so the projection only decides *where* lines run:
segments are straight in this plane (:data:`PLANE`, for :func:`backstop.geo.point_along`).

Territorial sea (UNCLOS art. 3): 12 nautical miles from the coast.  It is modelled as the
12 nm buffer of each state's Natural Earth 1:10m polygon; where two states' belts overlap, a
point belongs to the nearer state (the median line of UNCLOS art. 15).  Land polygons are the
Natural Earth German-point-of-view edition (Crimea drawn in Ukraine), see
:mod:`backstop.reference.geography`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

REGION_BBOX = (26.0, 40.3, 42.5, 47.8)
"""(lon_min, lat_min, lon_max, lat_max): the Black Sea, the Sea of Azov and the Bosporus."""

BLACK_SEA_MAP_BBOX = (27.0, 40.6, 42.0, 47.2)
"""Map extent of the report section."""

PROJ = "+proj=aeqd +lat_0=43.5 +lon_0=34.5 +datum=WGS84 +units=m +no_defs"
NM_KM = 1.852
TERRITORIAL_SEA_NM = 12.0
TERRITORIAL_SEA_M = TERRITORIAL_SEA_NM * NM_KM * 1000.0
HIGH_SEAS = "outside"
"""Label of water outside every territorial sea (EEZ or high seas: not distinguished here)."""

@lru_cache(maxsize=1)
def _transformers() -> tuple[Transformer, Transformer]:
    fwd = Transformer.from_crs("EPSG:4326", PROJ, always_xy=True)
    inv = Transformer.from_crs(PROJ, "EPSG:4326", always_xy=True)
    return fwd, inv


def to_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat [deg] to the regional plane [m]."""
    x, y = _transformers()[0].transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def to_lonlat(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_xy`."""
    lon, lat = _transformers()[1].transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


PLANE = (to_xy, to_lonlat)
"""The regional plane as a :data:`backstop.geo.Plane` (segments of corridor lines are straight in it)."""


def project(geom: BaseGeometry) -> BaseGeometry:
    """A lon/lat geometry in the regional plane."""
    return shapely.transform(geom, lambda pts: np.column_stack(to_xy(pts[:, 0], pts[:, 1])))


def unproject(geom: BaseGeometry) -> BaseGeometry:
    """A regional-plane geometry back in lon/lat."""
    return shapely.transform(geom, lambda pts: np.column_stack(to_lonlat(pts[:, 0], pts[:, 1])))


@lru_cache(maxsize=1)
def state_geoms_m() -> dict[str, BaseGeometry]:
    """ISO3 -> land polygon clipped to the region (with a margin), projected [m]."""
    from backstop.reference.geography import load_countries

    lon0, lat0, lon1, lat1 = REGION_BBOX
    box = shapely.box(lon0 - 1, lat0 - 1, lon1 + 1, lat1 + 1)
    out = {}
    for code, geom in load_countries().items():
        if geom.intersects(box):
            clipped = geom.intersection(box)
            if not clipped.is_empty:
                out[code] = shapely.make_valid(project(clipped))
    return out


@lru_cache(maxsize=1)
def land_m() -> BaseGeometry:
    """All land of the region, projected [m], prepared for fast predicates."""
    land = shapely.union_all(list(state_geoms_m().values()))
    shapely.prepare(land)
    return land


@lru_cache(maxsize=1)
def territorial_belts_m() -> dict[str, BaseGeometry]:
    """ISO3 -> 12 nm buffer of the state's polygon (land included), projected, prepared."""
    out = {}
    for code, geom in state_geoms_m().items():
        belt = geom.simplify(100.0).buffer(TERRITORIAL_SEA_M, quad_segs=8)
        shapely.prepare(belt)
        out[code] = belt
    return out


def classify_waters(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """State whose territorial sea (or land) holds each point, else :data:`HIGH_SEAS`.

    Overlapping belts go to the nearer state (median line).
    """
    x = np.atleast_1d(np.asarray(x, float))
    y = np.atleast_1d(np.asarray(y, float))
    codes = list(territorial_belts_m())
    belts = territorial_belts_m()
    inside = np.zeros((len(codes), len(x)), dtype=bool)
    for k, code in enumerate(codes):
        inside[k] = shapely.contains_xy(belts[code], x, y)
    out = np.full(len(x), HIGH_SEAS, dtype=object)
    n_in = inside.sum(axis=0)
    one = n_in == 1
    out[one] = np.asarray(codes, dtype=object)[inside[:, one].argmax(axis=0)]
    many = np.flatnonzero(n_in > 1)
    if len(many):
        pts = shapely.points(x[many], y[many])
        geoms = state_geoms_m()
        dist = np.full((len(codes), len(many)), np.inf)
        for k, code in enumerate(codes):
            sel = inside[k, many]
            if sel.any():
                dist[k, sel] = shapely.distance(pts[sel], geoms[code])
        out[many] = np.asarray(codes, dtype=object)[dist.argmin(axis=0)]
    return out
