"""backstop.geo: one argument order (lon, lat), the numbers of the functions it replaced, and
cross-checks against independent methods (GeographicLib's own Python implementation, closed forms,
published distances)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstop import geo

# Points drawn once with numpy.random.default_rng(20261203) (uniform lon in [-180, 180], lat in [-89, 89]).
LON1 = [121.60775352037433, 36.124651823281084, -112.92062388066209, -49.74404869522019, 12.150776163969027, -169.14727340617821]
LAT1 = [-85.03821230444564, 75.7452440529542, 2.787169165883398, 30.711778386987604, 3.30230700487364, -40.18622474691997]
LON2 = [-30.262784473740368, -92.97612812719457, 89.34491332802696, -0.4907871750612287, -168.36866036445636, 60.60789977682916]
LAT2 = [-73.68335476783872, 78.03805832802809, -83.05689225871998, -24.87272075492035, 52.16002385491137, 9.445683019747719]
LINE_LON = [30.74, 30.9, 31.6, 32.5, 29.5, 29.0]
LINE_LAT = [46.48, 46.2, 45.5, 44.0, 42.2, 41.2]


# --- regression: the values of the three distance functions and point_along before the move ---
# (seas.waters.geodesic_km, summit.routing.geodesic_km, skies.assets.haversine_km(lat, lon, ...),
# seas.waters.line_km, seas.exposure.point_along, summit.routing.densify, seas.waters.geodesic_circle
# at commit 9cf3a03, printed with repr)


def test_geodesic_km_same_as_before():
    assert geo.geodesic_km(LON1, LAT1, LON2, LAT2).tolist() == [2325.034563495653, 2641.6565663697556, 11027.253149474938, 8086.317729326361, 13857.433504283346, 14056.070455731004]
    # one origin (scalars) against many destinations: summit.routing's broadcasting
    assert geo.geodesic_km(30.7, 46.5, np.array(LON2), np.array(LAT2)).tolist() == [14097.825278805505, 5678.239196392506, 14717.25040877861, 8506.064712331916, 8921.140943086526, 4991.167518224279]
    assert float(geo.geodesic_km(30.7, 46.5, 28.9, 41.0)) == 628.0035422915154
    assert geo.line_km(LINE_LON, LINE_LAT) == 743.8946898179083
    assert geo.line_km([30.0], [46.0]) == 0.0


def test_haversine_km_same_as_before_in_lon_lat_order():
    lon1, lat1, lon2, lat2 = map(np.array, (LON1, LAT1, LON2, LAT2))
    assert geo.haversine_km(lon1, lat1, lon2, lat2).tolist() == [2315.146804833958, 2630.326922674199, 11031.367432775089, 8104.331259136933, 13847.781461306977, 14049.846682885114]
    m = geo.haversine_km(lon1[:, None], lat1[:, None], lon2[None, :], lat2[None, :])
    assert m.shape == (6, 6)
    assert m[[0, 1], [0, 2]].tolist() == [2315.146804833958, 17878.322834902756]


def test_point_along_in_a_plane_same_as_before():
    from backstop.seas import waters as W

    plane = (W.to_xy, W.to_lonlat)
    got = [geo.point_along(LINE_LON, LINE_LAT, km, plane) for km in (0.0, 10.0, 123.4, 400.0, 1e4)]
    assert got == [(30.739999999999995, 46.47999999999999), (30.787974677971963, 46.396376735379505), (31.563628557575914, 45.536918232128265), (31.623555439467783, 43.492850995877006), (29.0, 41.2)]


def test_geodesic_paths_and_circle_same_as_before():
    (p,) = geo.geodesic_paths([170.0], [60.0], [-170.0], [62.0], 300.0)
    assert p.tolist() == [[170.0, 60.0], [174.73797148845136, 60.77281888877269], [179.68236990608435, 61.37069131780323], [184.788537592087, 61.7824896390692], [190.0, 62.0]]
    c = geo.geodesic_circle(31.0, 45.0, 25.0, n=8)
    assert list(c.exterior.coords) == [(31.0, 45.24348774342125), (31.243404180188257, 45.1719140609211), (31.34319250945261, 44.999484348133294), (31.241950581699786, 44.82756506516266), (31.0, 44.756501830877355), (30.758049418300214, 44.82756506516266), (30.65680749054739, 44.999484348133294), (30.756595819811743, 45.1719140609211), (31.0, 45.24348774342125)]


# --- cross-checks against independent methods ---


def test_geodesic_against_geographiclib_python():
    """GeographicLib's pure-Python port (not PROJ's C code that pyproj wraps) agrees to 1 micrometre."""
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84
    d = geo.geodesic_km(LON1, LAT1, LON2, LAT2)
    az = geo.bearing_deg(LON1, LAT1, LON2, LAT2)
    for k in range(len(LON1)):
        r = g.Inverse(LAT1[k], LON1[k], LAT2[k], LON2[k])
        assert d[k] == pytest.approx(r["s12"] / 1000.0, abs=1e-9)
        assert az[k] == pytest.approx(r["azi1"], abs=1e-9)
        lo, la = geo.destination(LON1[k], LAT1[k], r["azi1"], r["s12"] / 1000.0)
        assert float(lo) == pytest.approx(LON2[k], abs=1e-9) and float(la) == pytest.approx(LAT2[k], abs=1e-9)


def test_published_wgs84_distances():
    # equator to pole on WGS84: 10 001.965 729 km (Karney 2013, GeographicLib documentation)
    assert float(geo.geodesic_km(0.0, 0.0, 0.0, 90.0)) == pytest.approx(10001.965729, abs=1e-6)
    # one degree of longitude along the equator: a * pi / 180 with a = 6 378 137 m
    assert float(geo.geodesic_km(10.0, 0.0, 11.0, 0.0)) == pytest.approx(6378.137 * math.pi / 180.0, rel=1e-12)
    assert float(geo.bearing_deg(30.0, 10.0, 30.0, 20.0)) == pytest.approx(0.0, abs=1e-9)
    assert float(geo.bearing_deg(30.0, 0.0, 31.0, 0.0)) == pytest.approx(90.0, abs=1e-9)


def _great_circle_vectors(lon1, lat1, lon2, lat2):
    """Central angle from unit vectors (atan2 of |u x v| and u.v): independent of the haversine."""
    def unit(lon, lat):
        lo, la = math.radians(lon), math.radians(lat)
        return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])

    u, v = unit(lon1, lat1), unit(lon2, lat2)
    return geo.EARTH_RADIUS_KM * math.atan2(np.linalg.norm(np.cross(u, v)), float(u @ v))


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90),
)
def test_haversine_against_vector_formula_and_geodesic(lon1, lat1, lon2, lat2):
    h = float(geo.haversine_km(lon1, lat1, lon2, lat2))
    assert h == pytest.approx(_great_circle_vectors(lon1, lat1, lon2, lat2), abs=1e-6)
    # symmetric, and within the sphere-vs-ellipsoid band of the WGS84 geodesic (< 0.6 %, + 1 m)
    assert h == pytest.approx(float(geo.haversine_km(lon2, lat2, lon1, lat1)), abs=1e-9)
    if abs(abs(lon1 - lon2) - 180) > 1 or abs(lat1 + lat2) > 1:  # away from antipodes
        assert abs(h - float(geo.geodesic_km(lon1, lat1, lon2, lat2))) <= 0.006 * h + 1e-3


def test_quarter_great_circle_closed_form():
    assert float(geo.haversine_km(0.0, 0.0, 90.0, 0.0)) == pytest.approx(geo.EARTH_RADIUS_KM * math.pi / 2, rel=1e-14)
    assert float(geo.haversine_km(25.0, -90.0, -60.0, 90.0)) == pytest.approx(geo.EARTH_RADIUS_KM * math.pi, rel=1e-14)


def test_point_along_geodesic_lies_on_the_line_at_the_distance():
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84
    total = geo.line_km(LINE_LON, LINE_LAT)
    for km in (0.0, 1.0, 55.5, 300.0, total - 1e-3):
        lon, lat = geo.point_along(LINE_LON, LINE_LAT, km)
        # walk the polyline with GeographicLib: segment k holds the point
        cum = 0.0
        for k in range(len(LINE_LON) - 1):
            s = g.Inverse(LINE_LAT[k], LINE_LON[k], LINE_LAT[k + 1], LINE_LON[k + 1])
            if cum + s["s12"] / 1000.0 > km:
                p = g.Direct(LINE_LAT[k], LINE_LON[k], s["azi1"], (km - cum) * 1000.0)
                assert lon == pytest.approx(p["lon2"], abs=1e-9) and lat == pytest.approx(p["lat2"], abs=1e-9)
                break
            cum += s["s12"] / 1000.0
    assert geo.point_along(LINE_LON, LINE_LAT, total + 5) == (LINE_LON[-1], LINE_LAT[-1])


def test_geodesic_paths_lie_on_the_geodesic():
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84
    (p,) = geo.geodesic_paths([28.75], [41.27], [30.68], [46.43], 5.0)
    total = g.Inverse(41.27, 28.75, 46.43, 30.68)["s12"]
    step = np.diff(p, axis=0)
    assert len(p) == math.ceil(total / 5000.0) + 1
    for lon, lat in p[1:-1]:
        a = g.Inverse(41.27, 28.75, lat, lon)["s12"]
        b = g.Inverse(lat, lon, 46.43, 30.68)["s12"]
        assert a + b == pytest.approx(total, abs=1e-3)  # on the geodesic (triangle inequality tight)
    assert np.all(np.abs(step[:, 0]) < 180)
