"""Geodesy in one place: distances, bearings, and points along lines, on WGS84 or the sphere.

Argument order: **(lon, lat)** everywhere, longitude first, in degrees.  It is the x-before-y
order of every library this project hands coordinates to (shapely, pyproj with ``always_xy``,
GeoJSON, searoute, matplotlib's ``plot(x, y)``), and the order the seas and summit code already
used; only the safe-skies haversine took (lat, lon), and its callers now pass (lon, lat).
Functions taking two points read ``(lon1, lat1, lon2, lat2)``.

Two distance models, each where callers need it:

* :func:`geodesic_km`: the geodesic on the WGS84 ellipsoid (Karney 2013, through
  :class:`pyproj.Geod`, accurate to round-off, about 15 nanometres) -- shipping lanes, flight legs, territorial
  seas, and every reported length;
* :func:`haversine_km`: the great circle on a sphere of the IUGG mean radius R1 = 6371.0088 km
  (Moritz 2000) -- the safe-skies engagement geometry, where ranges of air-defence systems are
  published to the kilometre and an (S x B) matrix of distances is evaluated per trial; it differs
  from the geodesic by at most about 0.5 %.

All functions are vectorised with NumPy broadcasting and keep the numbers of the functions they
replaced bit for bit (``tests/test_geo.py``).

References
----------
C. F. F. Karney, "Algorithms for geodesics", Journal of Geodesy 87 (2013) 43-55.
H. Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74 (2000) 128-133.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
"""The one WGS84 ellipsoid object (pyproj, Karney's algorithms)."""

EARTH_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius R1 = (2a + b) / 3 of WGS84/GRS80 [km] (sphere of :func:`haversine_km`)."""

Plane = tuple[Callable, Callable]
"""A map projection as a pair (to_xy(lon, lat) -> (x, y), to_lonlat(x, y) -> (lon, lat))."""


def _floats(*arrays):
    return np.broadcast_arrays(*(np.asarray(a, float) for a in arrays))


def geodesic_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance [km] on the WGS84 ellipsoid (broadcasting; scalars give a 0-d array)."""
    _, _, d = GEOD.inv(*_floats(lon1, lat1, lon2, lat2))
    return np.asarray(d) / 1000.0


def bearing_deg(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Forward azimuth [deg, clockwise from north, -180..180] of the WGS84 geodesic from point 1 to 2."""
    az, _, _ = GEOD.inv(*_floats(lon1, lat1, lon2, lat2))
    return np.asarray(az)


def destination(lon, lat, azimuth_deg, distance_km) -> tuple[np.ndarray, np.ndarray]:
    """The point ``distance_km`` [km] from (lon, lat) along the WGS84 geodesic of ``azimuth_deg``."""
    lo, la, _ = GEOD.fwd(*_floats(lon, lat, azimuth_deg, np.asarray(distance_km, float) * 1000.0))
    return np.asarray(lo), np.asarray(la)


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance [km] on the sphere of radius :data:`EARTH_RADIUS_KM` (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def line_km(lon, lat) -> float:
    """WGS84 geodesic length [km] of a polyline (sum of its segments' geodesics)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if len(lon) < 2:
        return 0.0
    return float(geodesic_km(lon[:-1], lat[:-1], lon[1:], lat[1:]).sum())


def point_along(lon: Sequence[float], lat: Sequence[float], km: float, plane: Plane | None = None) -> tuple[float, float]:
    """The point ``km`` [km] along a polyline, measured by geodesic segment lengths (its end if shorter).

    Inside the segment that holds it, the point lies on the segment's WGS84 geodesic; with
    ``plane`` (a projection in which the polyline's segments are straight lines, as the safe-seas
    corridor is drawn in its regional plane), at the same fraction of the straight segment in that plane.
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    seg = geodesic_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if km >= cum[-1]:
        return float(lon[-1]), float(lat[-1])
    k = int(np.searchsorted(cum, km, side="right") - 1)
    if plane is None:
        az = bearing_deg(lon[k], lat[k], lon[k + 1], lat[k + 1])
        plon, plat = destination(lon[k], lat[k], az, km - cum[k])
        return float(plon), float(plat)
    to_xy, to_lonlat = plane
    t = (km - cum[k]) / seg[k] if seg[k] > 0 else 0.0
    x, y = to_xy(lon[k : k + 2], lat[k : k + 2])
    px, py = x[0] + t * (x[1] - x[0]), y[0] + t * (y[1] - y[0])
    plon, plat = to_lonlat(px, py)
    return float(plon), float(plat)


def geodesic_paths(lon1, lat1, lon2, lat2, step_km: float) -> list[np.ndarray]:
    """WGS84 geodesics between point pairs as (k, 2) lon/lat arrays, points every <= ``step_km``, longitudes unwrapped.

    Each array starts exactly at (lon1, lat1) as given (any longitude) and ends exactly at the
    end point, shifted by a multiple of 360 deg to continue the unwrapped longitudes.
    """
    lon1, lat1, lon2, lat2 = (np.atleast_1d(np.asarray(a, float)) for a in (lon1, lat1, lon2, lat2))
    az, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    az, dist = np.asarray(az), np.asarray(dist)
    k = np.maximum(np.ceil(dist / (step_km * 1000.0)).astype(int), 1)
    total = int(k.sum() + len(k))
    idx = np.repeat(np.arange(len(k)), k + 1)
    start = np.repeat(np.cumsum(k + 1) - (k + 1), k + 1)
    frac = (np.arange(total) - start) / np.repeat(k, k + 1)
    lo, la, _ = GEOD.fwd(lon1[idx], lat1[idx], az[idx], dist[idx] * frac)
    lo, la = np.asarray(lo, float).copy(), np.asarray(la, float).copy()
    ends = np.cumsum(k + 1)
    first = ends - (k + 1)
    last = ends - 1
    lo[first], la[first], la[last] = lon1, lat1, lat2
    d = np.diff(lo)
    d = (d + 180.0) % 360.0 - 180.0
    d[last[:-1]] = 0.0  # no step across path boundaries
    x = np.concatenate([[0.0], np.cumsum(d)])
    x = x - np.repeat(x[first], k + 1) + np.repeat(lon1, k + 1)
    # snap each end to the exact end longitude on the same 360-degree branch
    x[last] = lon2 + np.round((x[last] - lon2) / 360.0) * 360.0
    return np.split(np.column_stack([x, la]), ends[:-1])


def geodesic_circle(lon: float, lat: float, radius_km: float, n: int = 96):
    """A lon/lat shapely polygon that *contains* the geodesic circle of ``radius_km`` (vertices at r / cos(pi/n))."""
    import shapely

    az = np.linspace(0.0, 360.0, n, endpoint=False)
    r_m = radius_km * 1000.0 / np.cos(np.pi / n)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, r_m))
    return shapely.Polygon(np.column_stack([lons, lats]))
